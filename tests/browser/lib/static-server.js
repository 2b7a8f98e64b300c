// A static server for a laid-out site (`cargo xtask site`), as a real host
// serves it: Brotli, or else gzip, where the browser accepts it (the `.br`
// and `.gz` the site holds beside each file, as nginx's brotli_static and
// gzip_static and Caddy's `precompressed br gzip` do; the JSON files it does
// not hold compressed gzipped as they are sent, as both servers do),
// every header of deploy/headers.json, an ETag per file and 304 for a
// matching If-None-Match. `xtask serve` sends identity only; a phone's
// figures are a compressed site's. It counts the bytes it writes.

import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { ROOT } from './paths.js';

const HEADERS = JSON.parse(fs.readFileSync(path.join(ROOT, 'deploy', 'headers.json'), 'utf8'));

/** Whether a headers.json path pattern matches `p`. */
function matches(pattern, p) {
  if (pattern === '*') return true;
  // A file `cargo xtask site` names by its content: NAME.HASH.EXT (xtask/src/hashed.rs).
  if (pattern === '*.{hash}.*') return /\/[^/]+\.[0-9a-f]{16}\.[^/.]+$/.test(p);
  if (pattern.endsWith('*')) return p.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith('*')) return p.endsWith(pattern.slice(1));
  return p === pattern;
}

/** The headers.json headers of path `p` (later rules replace earlier ones). */
function headersFor(p) {
  const out = {};
  for (const rule of HEADERS.rules) {
    if (!rule.paths.some((pattern) => matches(pattern, p))) continue;
    for (const [name, value] of Object.entries(rule.headers)) out[name] = value.replaceAll('{embed_parents}', "'none'");
  }
  return out;
}

function typeOf(file) {
  const ext = path.extname(file).slice(1);
  return HEADERS.types[ext] ?? HEADERS.types[''];
}

/**
 * Serves `dir` on 127.0.0.1 (a free port); resolves to `{ url, bytes(), stop() }`,
 * `bytes()` the bytes written to every connection so far (heads and bodies).
 */
export function serveSite(dir) {
  const sockets = new Set();
  let closedBytes = 0;
  const log = process.env.CACHET_SERVER_LOG === '1';
  const server = http.createServer((req, res) => {
    if (log) res.on('finish', () => process.stderr.write(`  ${req.method} ${req.url} ${res.statusCode} ${res.getHeader('Content-Length') ?? ''}\n`));
    const url = new URL(req.url, 'http://x');
    let p = decodeURIComponent(url.pathname);
    const headers = headersFor(p);
    if (p.endsWith('/')) p += 'index.html';
    const file = path.join(dir, path.normalize(p));
    if (!file.startsWith(dir + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { ...headers, ...(HEADERS.errors?.headers ?? {}), 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('not found\n');
      return;
    }
    const body = fs.readFileSync(file);
    const etag = `"${crypto.createHash('sha256').update(body).digest('hex').slice(0, 32)}"`;
    const out = { ...headers, 'Content-Type': typeOf(file), ETag: etag, Vary: 'Accept-Encoding' };
    if ((req.headers['if-none-match'] ?? '').split(/\s*,\s*/).some((t) => t.replace(/^W\//, '') === etag)) {
      res.writeHead(304, out);
      res.end();
      return;
    }
    const accepted = (req.headers['accept-encoding'] ?? '').split(',').map((e) => e.trim().split(';')[0]);
    for (const [encoding, ext] of [['br', '.br'], ['gzip', '.gz']]) {
      if (!accepted.includes(encoding) || !fs.existsSync(file + ext)) continue;
      const packed = fs.readFileSync(file + ext);
      res.writeHead(200, { ...out, 'Content-Encoding': encoding, 'Content-Length': packed.length });
      res.end(req.method === 'HEAD' ? undefined : packed);
      return;
    }
    // JSON without a .gz beside it (the trust list, config.json, a status index; one with a .gz was
    // answered above), over 512 bytes: gzipped as it is sent, as deploy/'s nginx (gzip_comp_level 6)
    // and Caddy (encode) do.
    if (accepted.includes('gzip') && file.endsWith('.json') && body.length > 512) {
      const packed = zlib.gzipSync(body, { level: 6 });
      res.writeHead(200, { ...out, 'Content-Encoding': 'gzip', 'Content-Length': packed.length });
      res.end(req.method === 'HEAD' ? undefined : packed);
      return;
    }
    res.writeHead(200, { ...out, 'Content-Length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => {
      closedBytes += socket.bytesWritten;
      sockets.delete(socket);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}/`,
        bytes: () => closedBytes + [...sockets].reduce((n, s) => n + s.bytesWritten, 0),
        stop: () =>
          new Promise((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
