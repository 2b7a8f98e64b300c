// A static server for the sample apps, on 127.0.0.1, sending what a host
// of the verifier must send: every header of deploy/headers.json (the data
// `cargo xtask serve` sends too: the page's Content-Security-Policy, the
// other security headers, caching, content types), for the path asked,
// errors included. Files only; nothing is rewritten on the way.

import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { ROOT } from './paths.js';

/** deploy/headers.json, read and checked. */
export function headerRules() {
  const file = path.join(ROOT, 'deploy', 'headers.json');
  const data = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (data.format !== 'cachet-headers/1' || !Array.isArray(data.rules) || typeof data.types?.[''] !== 'string') {
    throw new Error(`${file} is not a cachet-headers/1 file`);
  }
  return data;
}

/** Whether a path pattern of deploy/headers.json (`*`, `/exact`, `/prefix*`, `*suffix`) matches a request path. */
function matches(pattern, pathname) {
  if (pattern === '*') return true;
  if (pattern.endsWith('*')) return pathname.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith('*')) return pathname.endsWith(pattern.slice(1));
  return pattern === pathname;
}

/**
 * The headers of deploy/headers.json for a request path: the rules in
 * order, a later one replacing an earlier header of the same name;
 * `{embed_parents}` is `'none'` (these tests frame nothing).
 */
export function headersFor(pathname, rules = headerRules()) {
  const out = new Map();
  for (const rule of rules.rules) {
    if (!rule.paths.some((p) => matches(p, pathname))) continue;
    for (const [name, value] of Object.entries(rule.headers)) {
      for (const key of out.keys()) if (key.toLowerCase() === name.toLowerCase()) out.delete(key);
      out.set(name, value.replaceAll('{embed_parents}', "'none'"));
    }
  }
  return Object.fromEntries(out);
}

/** The page's Content-Security-Policy, as deploy/headers.json gives it. */
export function pageCsp() {
  const csp = headersFor('/')['Content-Security-Policy'];
  if (!csp?.includes("script-src 'self'") || !csp.includes('require-trusted-types-for')) {
    throw new Error(`unexpected CSP in deploy/headers.json: ${csp}`);
  }
  return csp;
}

/**
 * Serves `mounts` (URL prefix ending in `/` → directory; the longest prefix
 * wins, `/` ends in `index.html`) and `files` (exact path → file). Resolves
 * to `{ origin, served, stop() }`; `served` lists the paths answered 200.
 */
export function startStatic({ mounts, files = {} }) {
  const rules = headerRules();
  pageCsp();
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length);
  const served = [];
  const server = http.createServer((req, res) => {
    let headers = headersFor('', rules);
    const fail = (status, text) => {
      // An error's headers: `errors` replaces the rules' (never kept).
      res.writeHead(status, { ...headers, ...(rules.errors?.headers ?? {}), 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(text);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(405, 'GET only');
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://host').pathname);
    } catch {
      return fail(400, 'bad path');
    }
    headers = headersFor(pathname, rules);
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
      const type = rules.types[path.extname(file).slice(1)] ?? rules.types[''];
      res.writeHead(200, { ...headers, 'Content-Type': type });
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
