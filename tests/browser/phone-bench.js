// `cargo xtask phone-bench`: the page on a mid-range phone, as issue 12
// measured it: Debian's Chromium with the CPU slowed 4× and the network
// at 1.6 Mbit/s down, 750 kbit/s up, 150 ms latency (Chrome DevTools
// Protocol), against the compressed site a real deployment serves
// (`cargo xtask site`, its `.gz` served as nginx's gzip_static does:
// lib/static-server.js, with deploy/headers.json's headers and ETags).
//
// 1. First visit (a fresh context: nothing cached), link → verdict, RUNS times.
// 2. Repeat visit (the service worker installed, the trust list kept), RUNS times.
// Each: from the navigation's start to `#result[data-status]` and to the
// next frame, medians and p90; the bytes fetched before the verdict (the
// Resource Timing `transferSize` of the document and of every resource
// requested before it) and, for a first visit, the bytes the server wrote
// over the whole visit with the service worker's install.
//
// No time is asserted: this prints figures (README, "In the browser").
// Usage: node phone-bench.js [--runs N] [--no-build] [--compare DIR]
// `--compare DIR`: another laid-out site (say, an older commit's `cargo
// xtask site`), measured in the same runs, alternately with this one, so
// that both see the same load on a shared machine.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { launch } from './lib/browser.js';
import { VERDICTS, verdictClock } from './lib/verdicts.js';
import { buildPage, xtaskBinary } from './lib/build.js';
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
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error('--runs takes a whole number of runs, 1 or more');

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

/** Opens `link` in `page`; resolves to `{status, at, painted, bytes, requests}`. */
async function openLink(page, link) {
  await page.goto(link, { waitUntil: 'commit' });
  const handle = await page.waitForFunction(() => window.__verdict?.painted && window.__verdict, null, { timeout: 60_000 });
  const verdict = await handle.jsonValue();
  Object.assign(
    verdict,
    await page.evaluate((at) => {
      const nav = performance.getEntriesByType('navigation')[0];
      const before = performance.getEntriesByType('resource').filter((r) => r.startTime < at);
      const end = (re) => before.find((r) => re.test(r.name))?.responseEnd ?? null;
      return {
        steps: {
          'document loaded (DOMContentLoaded)': nav?.domContentLoadedEventEnd ?? null,
          'app.js downloaded': end(/\/app\.js$/),
          'wasm downloaded': end(/_bg\.wasm$/),
          'trust list downloaded': end(/\/trust-list\.json$/),
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
    const v = await openLink(page, link);
    if (v.status !== 'valid') throw new Error(`first visit ${i + 1}: the page said ${v.status}`);
    // The rest of the visit: the service worker installs (its precache revalidates what the page fetched).
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await new Promise((r) => setTimeout(r, 1500));
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
  await new Promise((r) => setTimeout(r, 1000)); // the trust list kept in its cache
  await warm.close();
  return context;
}

/** One repeat visit in a warmed context. */
async function repeatVisit(context, link) {
  const page = await phonePage(context);
  const v = await openLink(page, link);
  if (v.status !== 'valid') throw new Error(`repeat visit: the page said ${v.status}`);
  await page.close();
  return v;
}

function row(what, xs) {
  return `| ${what} | ${ms(median(xs))} | ${ms(quantile(xs, 0.9))} | ${ms(Math.min(...xs))} | ${ms(Math.max(...xs))} |`;
}

/** Prints one site's figures. */
function report(label, first, repeat) {
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
  console.log('');
  console.log(`bytes before the verdict, first visit (Resource Timing transferSize): median ${kb(median(first.map((v) => v.bytes)))}`);
  console.log(`bytes before the verdict, repeat visit: median ${kb(median(repeat.map((v) => v.bytes)))}`);
  console.log(`bytes the server wrote over a whole first visit, the service worker's install included: median ${kb(median(first.map((v) => v.visitBytes)))}`);
  console.log(`requests before a first verdict (path, transferSize): ${first[0].requests.join(', ')}`);
  if (process.env.PHONE_BENCH_TIMELINE) console.log(`timeline of a first visit (request start → response end, ms): ${first[0].timeline.join(', ')}`);
}

async function main() {
  if (!args.includes('--no-build')) buildPage();
  const fx = await fixtures();
  const site = fs.mkdtempSync(path.join(os.tmpdir(), 'cachet-phone-site-'));
  fs.rmSync(site, { recursive: true });
  const laid = spawnSync(xtaskBinary(), ['site', '--out', site, '--trust', fx.trust.good, '--root', fx.root], { cwd: ROOT, stdio: 'inherit' });
  if (laid.status !== 0) throw new Error('xtask site failed');
  const sites = [{ label: 'this tree', dir: site }];
  if (COMPARE) {
    // The same trust list and roots as this tree's site: only the page differs.
    for (const f of ['trust-list.json', 'config.json']) fs.copyFileSync(path.join(site, f), path.join(COMPARE, f));
    sites.push({ label: `--compare ${COMPARE}`, dir: path.resolve(COMPARE) });
  }
  for (const s of sites) s.server = await serveSite(s.dir);
  const browser = await launch();
  try {
    console.log(`Phone profile: CPU ${PHONE.cpu}× slower, 1.6 Mbit/s down, 750 kbit/s up, 150 ms latency; gzip site; ${RUNS} runs each${COMPARE ? ', the sites alternately' : ''}`);
    for (const s of sites) Object.assign(s, { link: `${s.server.url}#${fx.tokens.valid.token}`, first: [], repeat: [] });
    for (let i = 0; i < RUNS; i++) {
      for (const s of sites) s.first.push(...(await firstVisits(browser, s.server, s.link, 1)));
    }
    for (const s of sites) s.context = await warmContext(browser, s.link);
    for (let i = 0; i < RUNS; i++) {
      for (const s of sites) s.repeat.push(await repeatVisit(s.context, s.link));
    }
    for (const s of sites) {
      await s.context.close();
      report(s.label, s.first, s.repeat);
    }
  } finally {
    await browser.close();
    for (const s of sites) await s.server.stop();
    fs.rmSync(site, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
