// The embedding examples of docs/EMBEDDING.md (tests/browser/embed-examples/)
// served as a host would serve them: on the verifier's own origin under
// /examples/ (routed in the browser, with the real server's headers), or on
// another origin by a small static server of their own (the portals).

import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { BROWSER_DIR } from './paths.js';

export const EXAMPLES = path.join(BROWSER_DIR, 'embed-examples');

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

/** The file of embed-examples/ a request path names, or null. */
function exampleFile(pathname) {
  const name = pathname.replace(/^\/(examples\/)?/, '');
  if (!/^[a-z0-9-]+\.(html|js|css)$/.test(name)) return null;
  const file = path.join(EXAMPLES, name);
  return fs.existsSync(file) ? file : null;
}

/** The security headers the verifier's server sends with its page (its CSP and the others). */
export async function pageHeaders(serverUrl) {
  const response = await fetch(serverUrl);
  await response.arrayBuffer();
  const headers = {};
  for (const name of ['content-security-policy', 'referrer-policy', 'x-content-type-options', 'permissions-policy', 'cross-origin-opener-policy']) {
    const value = response.headers.get(name);
    if (value) headers[name] = value;
  }
  return headers;
}

/**
 * Serves embed-examples/ at `<origin>/examples/` in `context`, with the
 * verifier page's own headers (strict CSP and Trusted Types included).
 */
export async function routeExamples(context, server) {
  const headers = await pageHeaders(server.url);
  await context.route(`${server.origin}/examples/**`, async (route) => {
    const url = new URL(route.request().url());
    const file = exampleFile(url.pathname);
    if (!file) return route.fulfill({ status: 404, body: 'not found' });
    return route.fulfill({
      status: 200,
      headers: { ...headers, 'content-type': TYPES[path.extname(file)] },
      body: fs.readFileSync(file),
    });
  });
}

/** The origins the examples are written with; a test puts its own in their place. */
export const EXAMPLE_ORIGINS = { verifier: 'https://verifier.example.fr', portal: 'https://portal.example.fr' };

/**
 * A portal on another origin: a static server of embed-examples/ on
 * 127.0.0.1 (a free port), each response with `options.headers(file)`, and
 * in each file the example origins replaced by `options.origins()`
 * (`{verifier, portal}`, read at each request). Resolves to
 * `{origin, url(name), stop()}`.
 */
export function startPortal({ headers = () => ({}), origins = () => ({}) } = {}) {
  const server = http.createServer((req, res) => {
    const pathname = new URL(req.url, 'http://x').pathname;
    if (pathname === '/favicon.ico') {
      res.writeHead(204).end(); // a browser asks for it; no icon, and no 404 in the console
      return;
    }
    const file = exampleFile(pathname);
    if (!file || req.method !== 'GET') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    let body = fs.readFileSync(file, 'utf8');
    for (const [name, origin] of Object.entries(origins())) body = body.replaceAll(EXAMPLE_ORIGINS[name], origin);
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)], 'cache-control': 'no-cache', ...headers(file) });
    res.end(body);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const origin = `http://127.0.0.1:${server.address().port}`;
      resolve({
        origin,
        url: (name) => `${origin}/${name}`,
        stop: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
