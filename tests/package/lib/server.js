// A static server for the sample apps, on 127.0.0.1, sending what a host
// of the verifier must send: the page's Content-Security-Policy, read from
// xtask/src/serve.rs (the same constant `cargo xtask serve` sends), and the
// other security headers. Files only; nothing is rewritten on the way.

import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { ROOT } from './paths.js';

/** The `CSP` constant of xtask/src/serve.rs, its Rust line continuations joined. */
export function pageCsp() {
  const source = fs.readFileSync(path.join(ROOT, 'xtask', 'src', 'serve.rs'), 'utf8');
  const m = /pub const CSP: &str = "((?:[^"\\]|\\.)*)";/s.exec(source);
  if (!m) throw new Error('xtask/src/serve.rs has no `pub const CSP: &str = "…";`');
  const csp = m[1].replace(/\\\r?\n\s*/g, '');
  if (!csp.includes("script-src 'self'") || !csp.includes('require-trusted-types-for')) {
    throw new Error(`unexpected CSP in xtask/src/serve.rs: ${csp}`);
  }
  return csp;
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * Serves `mounts` (URL prefix ending in `/` → directory; the longest prefix
 * wins, `/` ends in `index.html`) and `files` (exact path → file). Resolves
 * to `{ origin, served, stop() }`; `served` lists the paths answered 200.
 */
export function startStatic({ mounts, files = {} }) {
  const csp = pageCsp();
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length);
  const served = [];
  const server = http.createServer((req, res) => {
    const headers = {
      'Content-Security-Policy': csp,
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Cache-Control': 'no-store',
    };
    const fail = (status, text) => {
      res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(text);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(405, 'GET only');
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://host').pathname);
    } catch {
      return fail(400, 'bad path');
    }
    let file = files[pathname];
    if (!file) {
      const prefix = prefixes.find((p) => pathname.startsWith(p));
      if (!prefix) return fail(404, 'not found');
      const dir = path.resolve(mounts[prefix]);
      file = path.resolve(dir, '.' + path.posix.normalize('/' + pathname.slice(prefix.length)));
      if (file !== dir && !file.startsWith(dir + path.sep)) return fail(403, 'outside');
      if (pathname.endsWith('/')) file = path.join(file, 'index.html');
    }
    fs.readFile(file, (err, body) => {
      if (err) return fail(404, 'not found');
      served.push(pathname);
      res.writeHead(200, { ...headers, 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream' });
      res.end(req.method === 'HEAD' ? undefined : body);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        origin: `http://127.0.0.1:${port}`,
        served,
        stop: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
