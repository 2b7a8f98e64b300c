// The Chromium side of `cargo xtask qr-bench`: www/bench/qr.html in
// Debian's Chromium (playwright-core), reading every frame on the page's
// path (canvas → the page's scan Worker → wasm → texts).
//
//   node page.mjs FRAMES.json RUNS PKG_DIR OUT.json
//
// A small static server on 127.0.0.1 with the page's own headers (those of
// deploy/headers.json, the CSP with Trusted Types included): www/ at /, PKG_DIR (the
// wasm measured) at /pkg/, the frames' image files at /qr-frames/N and their list at
// /qr-frames/list.json. OUT.json has the shape of run.mjs's.
//
// QR_BENCH_CPU_THROTTLE=4: the page's CPU slowed that many times (CDP's
// Emulation.setCPUThrottlingRate, DevTools' "mid-tier mobile"), for a
// phone's figure per frame.

import { createReadStream, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { launchOptions } from '../../tests/chromium.mjs';
import { headersFor } from '../../tests/package/lib/server.js';

const [framesPath, runsArg, pkgDir, outPath] = process.argv.slice(2);
if (!outPath) {
  console.error('usage: node page.mjs FRAMES.json RUNS PKG_DIR OUT.json');
  process.exit(2);
}
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const WWW = join(ROOT, 'www');
const PKG = resolve(pkgDir);
const frames = JSON.parse(readFileSync(framesPath, 'utf8'));

// Every header a host of the verifier sends, from deploy/headers.json (one source).
const headers = (path) => ({ ...headersFor(path), 'Cache-Control': 'no-store' });
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.webmanifest': 'application/manifest+json',
};

/** The file under `base` for a URL path, or null when it would leave `base`. */
function under(base, path) {
  const file = normalize(join(base, decodeURIComponent(path)));
  return file === base || file.startsWith(base + sep) ? file : null;
}

function send(res, status, type, body, path) {
  res.writeHead(status, { ...headers(path), 'Content-Type': type });
  res.end(body);
}

const list = JSON.stringify(frames.map((f, i) => ({ id: f.id, url: `/qr-frames/${i}` })));
const server = createServer((req, res) => {
  const path = new URL(req.url, 'http://localhost').pathname;
  if (path === '/qr-frames/list.json') return send(res, 200, 'application/json', list, path);
  let file = null;
  const frame = path.match(/^\/qr-frames\/(\d+)$/);
  if (frame) file = frames[Number(frame[1])]?.image ?? null;
  else if (path.startsWith('/pkg/')) file = under(PKG, path.slice('/pkg/'.length));
  else file = under(WWW, path.endsWith('/') ? `${path}index.html` : path);
  let size;
  try {
    size = file && statSync(file).isFile() ? statSync(file).size : null;
  } catch {
    size = null;
  }
  if (size === null) return send(res, 404, 'text/plain', 'not found', path);
  res.writeHead(200, {
    ...headers(path),
    'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
    'Content-Length': size,
  });
  createReadStream(file).pipe(res);
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const port = server.address().port;

const browser = await chromium.launch(launchOptions());
try {
  const page = await browser.newPage();
  const throttle = Number(process.env.QR_BENCH_CPU_THROTTLE) || 1;
  if (throttle > 1) {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
  }
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.goto(`http://127.0.0.1:${port}/bench/qr.html?runs=${Number(runsArg) || 1}`);
  const handle = await page.waitForFunction(() => window.qrBenchResult, null, { timeout: 0, polling: 1000 });
  const result = await handle.jsonValue();
  if (result.error) throw new Error(`the bench page failed: ${result.error}\n${problems.join('\n')}`);
  if (problems.length > 0) console.error(`page: ${problems.length} console errors, first: ${problems[0]}`);
  if (throttle > 1 && result.options) result.options['cachet-page'] += `; CPU throttled ${throttle}× (CDP)`;
  writeFileSync(outPath, JSON.stringify(result));
} finally {
  await browser.close();
  server.close();
}
