// A counting proxy in front of `xtask serve`, for the engines that no
// automation protocol lets us watch from inside (WebKitGTK over WebDriver
// classic) and to measure all of them the same way, on the server's side:
//
// - every response is recorded (method, path, status, bytes on the wire,
//   when it ended), so a spec can say how many bytes a visit downloaded
//   before its verdict, and fail on a request the server refused: the body
//   and the status line and headers as the server sent them (not the
//   proxy's own copy, which adds Keep-Alive and the `report-uri` below);
// - every Content-Security-Policy gets `report-uri /__csp-report` added (it
//   changes what is reported, not what is enforced), and the reports the
//   browser POSTs there are kept: a violation during a page's load is seen
//   in every engine, even where no script of the test runs before the
//   page's own;
// - `/examples/NAME` serves tests/browser/embed-examples/NAME with the
//   page's own headers (CSP, Trusted Types), as lib/examples.js's routing
//   does in Chromium: `<cachet-verifier>` on a host page of the verifier's
//   origin; `/favicon.ico` is answered 204 (no icon), as lib/examples.js does.
//
// Nothing else is changed: bodies pass as the server sent them.

import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { EXAMPLES } from './examples.js';

const REPORT_PATH = '/__csp-report';
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };
/** Headers of the page that a host page of embed-examples/ is served with. */
const PAGE_HEADERS = ['content-security-policy', 'referrer-policy', 'x-content-type-options', 'permissions-policy', 'cross-origin-opener-policy'];

/**
 * The test certificate of lib/tls/ (127.0.0.1, self-signed: the engines are
 * launched to accept it), for `startProxy(upstream, { tls: TEST_TLS })`.
 */
export const TEST_TLS = {
  key: fs.readFileSync(new URL('./tls/key.pem', import.meta.url)),
  cert: fs.readFileSync(new URL('./tls/cert.pem', import.meta.url)),
};

/**
 * Starts the proxy on 127.0.0.1 (a free port) in front of `upstream` (an
 * `http://127.0.0.1:PORT/` URL); over HTTPS with `tls` (`{ key, cert }`,
 * as TEST_TLS), the way a real host serves the page, and the only way
 * WebKit asks for Brotli. Resolves to `{ url, origin, log, reports,
 * since(mark), stop() }`.
 */
export function startProxy(upstream, { tls = null } = {}) {
  const target = new URL(upstream);
  const agent = new http.Agent({ keepAlive: true });
  const log = [];
  const reports = [];
  const sockets = new Set();

  let lastActivity = 0; // when a request last came or a response last ended
  const handle = (req, res) => {
    const start = Date.now();
    lastActivity = start;
    res.on('close', () => {
      lastActivity = Date.now();
    });
    const pathname = new URL(req.url, 'http://x').pathname;
    if (pathname === REPORT_PATH && req.method === 'POST') {
      let body = '';
      req.setEncoding('utf8').on('data', (c) => (body += c));
      req.on('end', () => {
        try {
          reports.push(JSON.parse(body));
        } catch {
          reports.push({ unparsed: body });
        }
        res.writeHead(204).end();
      });
      return;
    }
    if (pathname === '/favicon.ico') {
      // What a browser asks for on its own for a page without an icon (the
      // host page of embed-examples/): no icon, and no 404 in its console.
      res.writeHead(204).end();
      log.push({ start, end: Date.now(), method: req.method, path: pathname, status: 204, body: 0, bytes: headerBytes(res) });
      return;
    }
    if (pathname.startsWith('/examples/')) {
      serveExample(pathname, res, start);
      return;
    }
    const headers = { ...req.headers, host: target.host };
    const up = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent }, (upRes) => {
      const out = { ...upRes.headers };
      if (out['content-security-policy']) out['content-security-policy'] = `${out['content-security-policy']}; report-uri ${REPORT_PATH}`;
      res.writeHead(upRes.statusCode, upRes.statusMessage, out);
      let bytes = 0;
      upRes.on('data', (c) => {
        bytes += c.length;
      });
      upRes.pipe(res);
      res.on('close', () => {
        log.push({ start, end: Date.now(), method: req.method, path: req.url, status: upRes.statusCode, body: bytes, bytes: bytes + sentHeaderBytes(upRes) });
      });
    });
    up.on('error', (e) => {
      log.push({ start, end: Date.now(), method: req.method, path: req.url, status: 502, body: 0, bytes: 0, error: e.message });
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end();
    });
    req.pipe(up);
  };
  const server = tls ? https.createServer(tls, handle) : http.createServer(handle);

  function serveExample(pathname, res, start) {
    const name = pathname.slice('/examples/'.length);
    const file = /^[a-z0-9-]+\.(html|js|css)$/.test(name) ? path.join(EXAMPLES, name) : null;
    const done = (status, headers, body) => {
      res.writeHead(status, headers).end(body);
      log.push({ start, end: Date.now(), method: 'GET', path: pathname, status, body: body.length, bytes: body.length + headerBytes(res) });
    };
    if (!file || !fs.existsSync(file)) return done(404, { 'content-type': 'text/plain' }, Buffer.from('not found'));
    // The verifier page's own headers, fetched from the server as they are now.
    http
      .get({ host: target.hostname, port: target.port, path: '/', agent }, (page) => {
        page.resume();
        const headers = { 'content-type': TYPES[path.extname(file)], 'cache-control': 'no-cache' };
        for (const name of PAGE_HEADERS) if (page.headers[name]) headers[name] = page.headers[name];
        headers['content-security-policy'] = `${headers['content-security-policy']}; report-uri ${REPORT_PATH}`;
        done(200, headers, fs.readFileSync(file));
      })
      .on('error', (e) => done(502, { 'content-type': 'text/plain' }, Buffer.from(e.message)));
  }

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const origin = `${tls ? 'https' : 'http'}://127.0.0.1:${server.address().port}`;
      resolve({
        url: `${origin}/`,
        origin,
        log,
        reports,
        /** The `Date.now()` of the last request or response end: the page's network quiet since then. */
        get lastActivity() {
          return lastActivity;
        },
        /** The responses ended after `mark` (a `Date.now()`), and before `until` when given. */
        since: (mark, until = Infinity) => log.filter((e) => e.end >= mark && e.end <= until),
        stop: () =>
          new Promise((done) => {
            for (const s of sockets) s.destroy();
            agent.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

/** The status line and headers as sent (what the wire carried besides the body). */
function headerBytes(res) {
  // Node keeps the header block it wrote; `_header` is its documented-in-practice string.
  return typeof res._header === 'string' ? Buffer.byteLength(res._header) : 0;
}

/** The status line and headers as the server sent them (HTTP/1.1, its own names and order). */
function sentHeaderBytes(upRes) {
  let n = Buffer.byteLength(`HTTP/${upRes.httpVersion} ${upRes.statusCode} ${upRes.statusMessage}\r\n\r\n`);
  for (let i = 0; i < upRes.rawHeaders.length; i += 2) n += Buffer.byteLength(`${upRes.rawHeaders[i]}: ${upRes.rawHeaders[i + 1]}\r\n`);
  return n;
}

/** Requests a spec should fail on: refused or failed. */
export function failedRequests(log) {
  return log.filter((e) => e.status >= 400 || e.error);
}

/**
 * The files of `log` (entries with a `path` and the `body` bytes that came
 * over the network) whose body came more than once, as `PATH ×N` (issue 12:
 * each file once per visit, in every engine). A path's query is not part
 * of the file; a revalidation (no body) is not a download.
 */
export function downloadedTwice(log) {
  const seen = new Map();
  for (const e of log.filter((x) => x.body > 0)) {
    const file = e.path.split('?')[0];
    seen.set(file, (seen.get(file) ?? 0) + 1);
  }
  return [...seen].filter(([, n]) => n > 1).map(([p, n]) => `${p} ×${n}`);
}
