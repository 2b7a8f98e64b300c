// `cargo xtask phone-bench`: the page on a mid-range phone, as issue 12
// measured it: Debian's Chromium with the CPU slowed 4× and the network
// at 1.6 Mbit/s down, 750 kbit/s up, 150 ms latency (Chrome DevTools
// Protocol), against the compressed site a real deployment serves
// (`cargo xtask site`, its `.br` or `.gz` served as nginx's brotli_static and gzip_static do:
// lib/static-server.js, with deploy/headers.json's headers and ETags).
//
// 1. First visit (a fresh context: nothing cached), link → verdict, RUNS times.
// 2. Repeat visits (the service worker installed, the trust list kept), RUNS
//    times each: a return (the worker stopped first, as a parent finds it days
//    later) and, just after it, another link (the worker still running).
// Each: from the navigation's start to `#result[data-status]` and to the
// next frame, medians and p90; the bytes fetched before the verdict (the
// Resource Timing `transferSize` of the document and of every resource
// requested before it) and, for a first visit, the bytes the server wrote
// over the whole visit with the service worker's install.
//
// No time is asserted: this prints figures (README, "In the browser").
// Usage: node phone-bench.js [--runs N] [--no-build] [--compare DIR] [--revoked N,N…] [--floor] [--js-flags FLAGS] [--trace DIR [--trace-light]]
// `--trace DIR`: a Chromium trace of each visit (DevTools' Performance panel reads it), for profiling;
// `node trace-summary.js DIR/repeat-N.json` says where its time went. The V8 sampling profiler it
// includes costs a visit about 0.4 s to start and turns V8's code cache off (every module parsed
// again): `--trace-light` leaves it out, for the tasks' true lengths.
// `--compare DIR`: another laid-out site (say, an older commit's `cargo
// xtask site`), measured in the same runs, alternately with this one, so
// that both see the same load on a shared machine; with `--revoked`, DIR is
// a www/ folder laid over each revocation site (the same list and status).
// `--unhashed`: this tree's www/ laid over each site too, its files under
// their own names (as a --compare folder's are), for a like-for-like pair.
// Each visit begins 500 ms after the last one ended (PHONE_BENCH_SETTLE_MS): on this 2-core machine
// the closing page's teardown otherwise shares the CPU with the next visit's start (measured: a
// repeat visit 660 ms median without the pause, 344 ms with it, the same site and tree).
// `--camera`: also the camera on the first site, in a Chromium whose fake
// camera plays a real QR video (the fixtures' valid certificate, as
// camera.test.js): from the tap on "Scanner avec la caméra" to the verdict
// on screen, on a first visit (tapped at the page's load event: the page
// has begun fetching the reader's modules, and the service worker its wasm,
// as any visit without a link does) and on a repeat visit (the reader in
// the service worker's precache).
// `--revoked 0,400000` (issue 11): instead of the fixtures' list, one site
// per count, measured alternately: 30 académie keys of 666,667 status
// indices each (20 million certificates), that many of them revoked at
// random and published as status documents (`cachet trust status publish`,
// the folder named in config.json's `status`), and a certificate of the
// first key that is not revoked. A first visit waits for that key's scoped
// status document (the whole one follows in the background); a repeat
// visit applies what it holds and fetches the index in the background.
// `--js-flags FLAGS`: each site measured twice, alternately, in the usual
// Chromium and in a second one started with `--js-flags=FLAGS` (V8's flags;
// `--no-wasm-lazy-compilation` says what compiling the wasm's functions on
// the main thread, each at its first call, costs a visit).
// `--floor`: two more sites, measured alternately with the others, for what
// a visit costs before any work of the page's own: the first site with its
// index.html's scripts replaced by tests/browser/floor/floor.js (which only
// registers a service worker that keeps the floor page's few files and
// serves them as sw.js serves the shell, and sets the verdict at once), and
// the same with a bare document (floor/bare.html). The first is the floor
// of this page's document and style sheet, the second that of a bare
// document with a service worker, both on the machine at hand.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnSync } from 'node:child_process';
import zlib from 'node:zlib';
import { launch } from './lib/browser.js';
import { VERDICTS, awaitVerdict, verdictClock } from './lib/verdicts.js';
import { buildPage, cachetBinary, xtaskBinary } from './lib/build.js';
import { fixtures } from './lib/fixtures.js';
import { ROOT } from './lib/paths.js';
import { serveSite } from './lib/static-server.js';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : fallback;
};
const RUNS = Number(flag('--runs', '7'));
const COMPARE = flag('--compare', null);
const REVOKED = flag('--revoked', null)?.split(',').map(Number) ?? null;
const TRACE = flag('--trace', null);
const TRACE_LIGHT = args.includes('--trace-light');
const UNHASHED = args.includes('--unhashed');
const CAMERA = args.includes('--camera');
const FLOOR = args.includes('--floor');
const JS_FLAGS = flag('--js-flags', null);
if (JS_FLAGS !== null && !/^--[a-z0-9-]+(=[\w.-]+)?( --[a-z0-9-]+(=[\w.-]+)?)*$/.test(JS_FLAGS)) throw new Error('--js-flags takes V8 flags, such as --no-wasm-lazy-compilation');
if (REVOKED && !REVOKED.every((n) => Number.isInteger(n) && n >= 0 && n < 20_000_000)) throw new Error('--revoked takes counts below 20,000,000, comma-separated');
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error('--runs takes a whole number of runs, 1 or more');
if (CAMERA && REVOKED) throw new Error("--camera reads the fixtures' certificate: it runs on their site, without --revoked");

/** The pause before each visit's navigation, for the last visit's page to be gone. */
const SETTLE_MS = Number(process.env.PHONE_BENCH_SETTLE_MS || 500);
if (!/^\d*$/.test(process.env.PHONE_BENCH_SETTLE_MS ?? '') || !Number.isInteger(SETTLE_MS) || SETTLE_MS < 0) throw new Error('PHONE_BENCH_SETTLE_MS takes whole milliseconds, 0 or more');

/** The phone: CPU 4× slower, 1.6 Mbit/s down, 750 kbit/s up, 150 ms latency. */
const PHONE = {
  cpu: 4,
  network: { offline: false, latency: 150, downloadThroughput: (1.6e6 / 8) | 0, uploadThroughput: (750e3 / 8) | 0 },
};

const median = (xs) => quantile(xs, 0.5);
function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  return s[lo] + (s[Math.ceil(i)] - s[lo]) * (i - lo);
}
const ms = (x) => `${Math.round(x).toLocaleString('en')} ms`;
const kb = (x) => `${(x / 1000).toFixed(1)} KB`;


/** A page of `context` with the phone's CPU and network. */
async function phonePage(context) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', PHONE.network);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: PHONE.cpu });
  return page;
}

/** Chromium's trace categories for `--trace`: tasks, scripts, wasm compilation, network, the service worker. */
const TRACE_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'v8.execute', 'v8.wasm', 'blink.user_timing', 'loading', 'ServiceWorker', 'netlog', 'disabled-by-default-v8.compile', 'disabled-by-default-v8.cpu_profiler'];
let traced = 0;

/** Opens `link` in `page`; resolves to `{status, at, painted, bytes, requests}`. With `--trace DIR`, writes its trace there. */
async function openLink(page, link, what = 'visit') {
  // The browser settled first: the last visit's page closed, its renderer gone (on 2 cores, its
  // teardown would share the CPU with this visit's start, which a parent's visit does not).
  await sleep(SETTLE_MS);
  const browser = page.context().browser();
  const trace = TRACE && browser ? path.join(TRACE, `${what}-${++traced}.json`) : null;
  if (trace) {
    fs.mkdirSync(TRACE, { recursive: true });
    const categories = TRACE_LIGHT ? TRACE_CATEGORIES.filter((c) => !/cpu_profiler|v8\.compile/.test(c)) : TRACE_CATEGORIES;
    await browser.startTracing(undefined, { path: trace, categories });
  }
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  const { painted } = await awaitVerdict(page, 60_000, async () => {
    // What the page showed, and what it fetched, for a visit that never gave a verdict.
    const shown = await page.evaluate(() => ['#result', '#trust-info'].map((q) => document.querySelector(q)?.textContent.trim()).join(' | ') + ' | ' + performance.getEntriesByType('resource').map((r) => `${new URL(r.name).pathname} ${Math.round(r.responseEnd)}`).join(', ')).catch(() => '(unreadable)');
    return `${what} of ${link.split('#')[0]}: no verdict in 60 s; the page shows: ${shown}; errors: ${errors.join(' / ')}`;
  });
  await page.goto(link, { waitUntil: 'commit' });
  const verdict = await painted;
  if (trace) await browser.stopTracing();
  Object.assign(
    verdict,
    await page.evaluate((at) => {
      const nav = performance.getEntriesByType('navigation')[0];
      const before = performance.getEntriesByType('resource').filter((r) => r.startTime < at);
      const end = (re) => before.find((r) => re.test(r.name))?.responseEnd ?? null;
      return {
        steps: {
          'document loaded (DOMContentLoaded)': nav?.domContentLoadedEventEnd ?? null,
          'app.js downloaded': end(/\/app(\.[0-9a-f]{16})?\.js$/), // named by content in a laid-out site
          'wasm downloaded': end(/_bg(\.[0-9a-f]{16})?\.wasm$/),
          'trust list downloaded': end(/\/trust-list\.json$/),
          "the key's status document downloaded": end(/\/status\/full-\d+-[0-9a-f]{16}\.json$/),
          'the whole status document downloaded': end(/\/status\/full-\d+\.json$/),
        },
        bytes: (nav?.transferSize ?? 0) + before.reduce((n, r) => n + r.transferSize, 0),
        requests: before.map((r) => `${new URL(r.name).pathname} ${r.transferSize}`),
        timeline: before.map((r) => `${new URL(r.name).pathname} ${Math.round(r.startTime)}→${Math.round(r.responseEnd)}`),
      };
    }, verdict.at),
  );
  return verdict;
}

async function newContext(browser) {
  const context = await browser.newContext({ viewport: { width: 412, height: 915 }, locale: 'fr-FR', isMobile: false });
  await context.addInitScript(verdictClock, VERDICTS);
  return context;
}

async function firstVisits(browser, server, link, count) {
  const runs = [];
  for (let i = 0; i < count; i++) {
    const context = await newContext(browser);
    const page = await phonePage(context);
    const start = server.bytes();
    const v = await openLink(page, link, 'first');
    if (v.status !== 'valid') throw new Error(`first visit ${i + 1}: the page said ${v.status}`);
    // The rest of the visit: the service worker installs (its precache revalidates what the page fetched).
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await sleep(1500);
    v.visitBytes = server.bytes() - start;
    runs.push(v);
    await context.close();
  }
  return runs;
}

/** A context that has visited the page once, its service worker in control and the trust list kept. */
async function warmContext(browser, link) {
  const context = await newContext(browser);
  const warm = await context.newPage();
  await warm.goto(link);
  await warm.waitForFunction(() => window.__verdict?.painted);
  await warm.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  for (let i = 0; i < 3 && !(await warm.evaluate(() => !!navigator.serviceWorker.controller)); i++) await warm.reload();
  await sleep(1000); // the trust list kept in its cache
  await warm.close();
  return context;
}

/**
 * Stops the service workers of `page`'s browser context (Chrome DevTools Protocol)
 * and waits until they are stopped: a parent who comes back days later finds
 * the worker stopped, and the browser starts it, or not, for the visit.
 */
async function stopWorkers(page) {
  const cdp = await page.context().newCDPSession(page);
  const running = new Map();
  const still = () => [...running.values()].filter((s) => s !== 'stopped');
  let allStopped;
  const stopped = new Promise((resolve) => (allStopped = resolve));
  cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
    for (const v of versions) running.set(v.versionId, v.runningStatus);
    if (running.size > 0 && still().length === 0) allStopped(true);
  });
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  const ok = await Promise.race([stopped, sleep(5000, false, { ref: false })]);
  await cdp.detach();
  if (!ok) throw new Error(`the service workers did not stop in 5 s: ${still().join(', ') || 'none reported'}`);
}

/** One repeat visit in a warmed context; `cold`: its service worker stopped first. */
async function repeatVisit(context, link, { cold = false } = {}) {
  const page = await phonePage(context);
  if (cold) await stopWorkers(page);
  const v = await openLink(page, link, cold ? 'return' : 'repeat');
  if (v.status !== 'valid') throw new Error(`${cold ? 'return' : 'repeat'} visit: the page said ${v.status}`);
  await page.close();
  return v;
}

function row(what, xs) {
  return `| ${what} | ${ms(median(xs))} | ${ms(quantile(xs, 0.9))} | ${ms(Math.min(...xs))} | ${ms(Math.max(...xs))} |`;
}

/** Prints one site's figures. */
function report(label, first, repeat, returns) {
  console.log(`\n### ${label}\n`);
  console.log('| link → verdict, from navigation start | median | p90 | min | max |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const step of Object.keys(first[0].steps)) {
    const xs = first.map((v) => v.steps[step]).filter((x) => x !== null);
    if (xs.length) console.log(row(`first visit: ${step}`, xs));
  }
  console.log(row('first visit, `data-status` set', first.map((v) => v.at)));
  console.log(row('first visit, the next frame', first.map((v) => v.painted)));
  console.log(row('repeat visit (service worker), `data-status` set', repeat.map((v) => v.at)));
  console.log(row('repeat visit, the next frame', repeat.map((v) => v.painted)));
  console.log(row('return visit (service worker stopped first), `data-status` set', returns.map((v) => v.at)));
  console.log(row('return visit, the next frame', returns.map((v) => v.painted)));
  console.log('');
  console.log(`bytes before the verdict, first visit (Resource Timing transferSize): median ${kb(median(first.map((v) => v.bytes)))}`);
  console.log(`bytes before the verdict, repeat visit: median ${kb(median(repeat.map((v) => v.bytes)))}`);
  console.log(`bytes the server wrote over a whole first visit, the service worker's install included: median ${kb(median(first.map((v) => v.visitBytes)))}`);
  console.log(`requests before a first verdict (path, transferSize): ${first[0].requests.join(', ')}`);
  if (process.env.PHONE_BENCH_TIMELINE) console.log(`timeline of a first visit (request start → response end, ms): ${first[0].timeline.join(', ')}`);
}

/**
 * One camera visit of `url` (no certificate in it) in `context`: the tap on
 * the camera button, then the verdict the fake camera's code gives; resolves
 * to the milliseconds from the tap to the verdict on screen.
 */
async function cameraVisit(context, url) {
  const page = await phonePage(context);
  const { painted } = await awaitVerdict(page, 60_000, async () => `camera visit of ${url}: no verdict in 60 s`);
  await sleep(SETTLE_MS); // as openLink
  await page.goto(url);
  const button = page.locator('#camera-start');
  await button.waitFor({ state: 'visible' });
  await page.evaluate(() => {
    document.getElementById('camera-start').addEventListener('click', () => (window.__tap = performance.now()), { capture: true, once: true });
  });
  await button.click();
  const verdict = await painted;
  const tap = await page.evaluate(() => window.__tap);
  await page.close();
  if (verdict.status !== 'valid') throw new Error(`camera visit: the page said ${verdict.status}`);
  return verdict.painted - tap;
}

/** `--camera`: RUNS first and RUNS repeat camera visits of `site`, printed. */
async function cameraFigures(site, video) {
  const browser = await launch(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${video}`]);
  try {
    const first = [];
    for (let i = 0; i < RUNS; i++) {
      const context = await newContext(browser);
      first.push(await cameraVisit(context, site.server.url));
      await context.close();
    }
    const context = await warmContext(browser, site.link);
    const repeat = [];
    for (let i = 0; i < RUNS; i++) repeat.push(await cameraVisit(context, site.server.url));
    await context.close();
    console.log(`\n### the camera, ${site.label} (a fake camera playing the valid certificate's QR video)\n`);
    console.log('| tap on the camera button → verdict on screen | median | p90 | min | max |');
    console.log('| --- | ---: | ---: | ---: | ---: |');
    console.log(row("first visit (tapped at the page's load event)", first));
    console.log(row('repeat visit (the QR reader precached)', repeat));
  } finally {
    await browser.close();
  }
}

/** Status indices of each of the 30 keys: 20 million certificates over 30 keys. */
const KEYS = 30;
const CAPACITY = 666_667;

/**
 * A laid-out site whose list names KEYS keys with status indices, `revoked`
 * of them revoked in a published status folder; and the token of a
 * certificate of the first key that is not revoked. Made with the command.
 */
function revocationSite(revoked) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cachet-phone-${revoked}-`));
  const cachet = cachetBinary({ build: false });
  const sh = (...a) => {
    const r = spawnSync(cachet, ['--lang', 'en', ...a], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 26 });
    if (r.status !== 0) throw new Error(`cachet ${a.join(' ')} failed (${r.status}): ${r.stderr}`);
    return r;
  };
  const year = new Date().getUTCFullYear();
  sh('keygen', '--out', 'root.key');
  sh('keygen', '--out', 'status.key');
  const ids = [];
  for (let k = 0; k < KEYS; k++) {
    sh('keygen', '--out', `k${k}.key`);
    sh('trust', 'add', '--list', 'list.json', '--key', `k${k}.key.pub`, '--name', `Académie ${k + 1}`, '--from', `${year - 1}-01-01`, '--until', `${year + 1}-08-31`, '--status-capacity', String(CAPACITY));
    ids.push(fs.readFileSync(path.join(dir, `k${k}.key.pub`), 'utf8'));
  }
  sh('trust', 'status-key', '--list', 'list.json', '--key', 'status.key.pub');
  sh('trust', 'sign', '--list', 'list.json', '--root', 'root.key', '--out', 'trust.json');
  const month = new Date().getUTCMonth() + 1;
  const start = month >= 9 ? year : year - 1;
  fs.writeFileSync(path.join(dir, 'cert.json'), JSON.stringify({
    family_name: 'Martin', given_names: 'Léa', birth_date: '2009-04-12', school_uai: '0750654D', school_name: 'Lycée Louis-le-Grand',
    school_town: 'Paris', academie: 'Paris', level: '2de', regime: 'externe', school_year: `${start}-${start + 1}`, serial: `PB-${revoked}`,
  }));
  const issued = sh('issue', '--key', 'k0.key', '--input', 'cert.json', '--status-capacity', String(CAPACITY));
  const told = /([0-9a-f]{16}):(\d+)/.exec(issued.stderr);
  if (!told) throw new Error(`cachet issue told no status index: ${issued.stderr}`);
  const [, certKey, certIndex] = told;
  if (revoked > 0) {
    // Distinct (key, index) pairs drawn at random, the certificate's left out.
    const kid = (k) => JSON.parse(fs.readFileSync(path.join(dir, 'list.json'), 'utf8')).issuers[k].key_id;
    const seen = new Set();
    const lines = [];
    let x = 0x9e3779b9;
    const rand = () => {
      x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
      return x;
    };
    const kids = Array.from({ length: KEYS }, (_, k) => kid(k));
    while (lines.length < revoked) {
      const g = rand() % (KEYS * CAPACITY);
      const k = Math.floor(g / CAPACITY);
      const i = g % CAPACITY;
      if (seen.has(g) || (kids[k] === certKey && String(i) === certIndex)) continue;
      seen.add(g);
      lines.push(`${kids[k]}:${i}`);
    }
    fs.writeFileSync(path.join(dir, 'revoke.txt'), lines.join('\n') + '\n');
    sh('trust', 'revoke', '--list', 'list.json', '--from', 'revoke.txt');
  }
  sh('trust', 'status', 'publish', '--list', 'list.json', '--key', 'status.key', '--dir', 'status');
  const site = path.join(dir, 'site');
  const laid = spawnSync(xtaskBinary(), ['site', '--out', site, '--trust', path.join(dir, 'trust.json'), '--root', path.join(dir, 'root.key.pub')], { cwd: ROOT, stdio: 'inherit' });
  if (laid.status !== 0) throw new Error('xtask site failed');
  // The status folder beside the list as `trust status publish` wrote it (each document's `.gz` beside
  // it, index.json without), and named in config.json.
  fs.cpSync(path.join(dir, 'status'), path.join(site, 'status'), { recursive: true });
  const config = JSON.parse(fs.readFileSync(path.join(site, 'config.json'), 'utf8'));
  fs.writeFileSync(path.join(site, 'config.json'), JSON.stringify({ ...config, status: 'status/index.json' }, null, 2) + '\n');
  const full = fs.readdirSync(path.join(dir, 'status')).find((f) => /^full-\d+\.json$/.test(f));
  const scoped = fs.readdirSync(path.join(dir, 'status')).find((f) => f.startsWith(`full-1-${certKey}`) && f.endsWith('.json'));
  const scopedGz = fs.statSync(path.join(site, 'status', `${scoped}.gz`)).size;
  const fullBytes = fs.statSync(path.join(dir, 'status', full)).size;
  const fullGz = fs.statSync(path.join(site, 'status', `${full}.gz`)).size;
  const token = issued.stdout.trim();
  const label = `${revoked.toLocaleString('en')} revoked (the whole status document ${kb(fullBytes)}, ${kb(fullGz)} gzip; the certificate's key's part ${kb(scopedGz)} gzip)`;
  return { label, dir: site, token, cleanup: dir };
}

/** `file.br` and `file.gz` of `body`, as `cargo xtask site` writes them (Brotli quality 11, gzip -9). */
function compressBeside(file, body) {
  const { BROTLI_PARAM_QUALITY, BROTLI_PARAM_LGWIN, BROTLI_PARAM_SIZE_HINT } = zlib.constants;
  fs.writeFileSync(`${file}.br`, zlib.brotliCompressSync(body, { params: { [BROTLI_PARAM_QUALITY]: 11, [BROTLI_PARAM_LGWIN]: 22, [BROTLI_PARAM_SIZE_HINT]: body.length } }));
  fs.writeFileSync(`${file}.gz`, zlib.gzipSync(body, { level: 9 }));
}

/** A copy of laid-out site `dir` (`out`: beside it) with the page files of folder `www` (its `bench/` aside) and their `.br` and `.gz`. */
function overlaid(dir, www, out = `${dir}-compare`) {
  if (out !== dir) fs.cpSync(dir, out, { recursive: true });
  fs.cpSync(path.resolve(www), out, { recursive: true, filter: (f) => path.basename(f) !== 'bench' });
  for (const f of fs.readdirSync(path.resolve(www), { recursive: true })) {
    const file = path.join(out, f);
    if (!/\.(html|js|css|json|webmanifest|svg)$/.test(f) || f.startsWith('bench') || !fs.statSync(file).isFile()) continue;
    compressBeside(file, fs.readFileSync(file));
  }
  return out;
}

/**
 * The two floors of laid-out site `s` (`--floor`): copies of it whose
 * index.html runs tests/browser/floor/floor.js instead of the page's
 * scripts, one with the page's own document and style sheet, one with a
 * bare document; floor-sw.js is their sw.js. Each file written is
 * compressed beside it, as the site's are.
 */
function floorSites(s) {
  const floor = path.join(ROOT, 'tests', 'browser', 'floor');
  const read = (f) => fs.readFileSync(path.join(floor, f), 'utf8');
  const page = fs.readFileSync(path.join(s.dir, 'index.html'), 'utf8');
  const shell = page
    .replace(/<link rel="modulepreload"[^>]*>\n?/g, '')
    .replace(/<script\b[^>]*><\/script>\n?/g, '')
    .replace('</head>', '<script type="module" src="floor.js"></script>\n</head>');
  if (shell === page || /<script\b(?![^>]*floor\.js)/.test(shell)) throw new Error(`--floor: index.html of ${s.dir} is not laid out as expected`);
  const floors = [
    ["floor: this page's document and style sheet, no script of its own (tests/browser/floor/)", shell],
    ['floor: a bare document (tests/browser/floor/bare.html)', read('bare.html')],
  ];
  return floors.map(([label, html], i) => {
    const dir = `${s.dir}-floor-${i + 1}`;
    fs.cpSync(s.dir, dir, { recursive: true });
    for (const [name, body] of [['index.html', html], ['floor.js', read('floor.js')], ['sw.js', read('floor-sw.js')]]) {
      fs.writeFileSync(path.join(dir, name), body);
      compressBeside(path.join(dir, name), Buffer.from(body));
    }
    return { label, dir, token: s.token, cleanup: dir };
  });
}

async function main() {
  if (!args.includes('--no-build')) buildPage();
  const fx = await fixtures();
  const site = fs.mkdtempSync(path.join(os.tmpdir(), 'cachet-phone-site-'));
  fs.rmSync(site, { recursive: true });
  const sites = [];
  if (REVOKED) {
    for (const n of REVOKED) sites.push(revocationSite(n));
  } else {
    const laid = spawnSync(xtaskBinary(), ['site', '--out', site, '--trust', fx.trust.good, '--root', fx.root], { cwd: ROOT, stdio: 'inherit' });
    if (laid.status !== 0) throw new Error('xtask site failed');
    sites.push({ label: 'this tree', dir: site, token: fx.tokens.valid.token });
  }
  if (UNHASHED) for (const s of sites) overlaid(s.dir, path.join(ROOT, 'www'), s.dir);
  if (COMPARE && REVOKED) {
    // Each revocation site again with DIR's page (a www/ folder, say an older commit's): same list, same status.
    for (const s of [...sites]) sites.push({ ...s, label: `${s.label}, --compare ${COMPARE}`, dir: overlaid(s.dir, COMPARE), cleanup: null });
  } else if (COMPARE) {
    // The same trust list and roots as this tree's site: only the page differs.
    for (const f of ['trust-list.json', 'config.json']) fs.copyFileSync(path.join(site, f), path.join(COMPARE, f));
    sites.push({ label: `--compare ${COMPARE}`, dir: path.resolve(COMPARE), token: fx.tokens.valid.token });
  }
  if (FLOOR) sites.push(...floorSites(sites[0]));
  for (const s of sites) s.server = await serveSite(s.dir);
  const browser = await launch();
  const flagged = JS_FLAGS === null ? null : await launch([`--js-flags=${JS_FLAGS}`]);
  // Each site again, the same server and files, in the Chromium with the flags.
  if (flagged) for (const s of [...sites]) sites.push({ ...s, label: `${s.label}, Chromium with --js-flags=${JS_FLAGS}`, browser: flagged, cleanup: null, shared: true });
  for (const s of sites) s.browser ??= browser;
  try {
    console.log(`Phone profile: CPU ${PHONE.cpu}× slower, 1.6 Mbit/s down, 750 kbit/s up, 150 ms latency; Brotli site; ${RUNS} runs each${COMPARE ? ', the sites alternately' : ''}`);
    for (const s of sites) Object.assign(s, { link: `${s.server.url}#${s.token}`, first: [], repeat: [], returns: [] });
    for (let i = 0; i < RUNS; i++) {
      for (const s of sites) s.first.push(...(await firstVisits(s.browser, s.server, s.link, 1)));
    }
    for (const s of sites) s.context = await warmContext(s.browser, s.link);
    for (let i = 0; i < RUNS; i++) {
      // A return days later (the worker stopped), then another link at once (the worker running).
      for (const s of sites) {
        s.returns.push(await repeatVisit(s.context, s.link, { cold: true }));
        s.repeat.push(await repeatVisit(s.context, s.link));
      }
    }
    for (const s of sites) {
      await s.context.close();
      report(s.label, s.first, s.repeat, s.returns);
    }
    if (CAMERA) await cameraFigures(sites[0], fx.videos.valid);
  } finally {
    await browser.close();
    if (flagged) await flagged.close();
    for (const s of sites) if (!s.shared) await s.server.stop();
    fs.rmSync(site, { recursive: true, force: true });
    for (const s of sites) if (s.cleanup) fs.rmSync(s.cleanup, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
