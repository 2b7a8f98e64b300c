// The browser benchmarks of issue 3 (a script, not a test: it prints
// figures and asserts no time).
//
//   node bench.js [--runs 5] [--links 20]
//
// 1. The bench page (www/bench/, served by the real server) in headless
//    Chromium, RUNS times, each in a fresh context: one verification by
//    the wasm verifier, by WebCrypto Ed25519 and by @noble/ed25519 (served
//    from node_modules), on the same certificate. Prints each run and the
//    medians.
// 2. Opening a certificate's link to the verdict on screen, LINKS times,
//    each in a fresh context (nothing cached): from the navigation's start
//    (performance.timeOrigin) to `#result[data-status]` being set, seen by
//    a MutationObserver installed before the page's scripts, and to the
//    next frame after it. Prints median and p90, and when the document,
//    the wasm module and the trust list had arrived.
// 3. The same in new tabs of a context that visited the page once (its
//    service worker in control): a clerk's device after the first use.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { launch } from './lib/browser.js';
import { VERDICTS, awaitVerdict, verdictClock } from './lib/verdicts.js';
import { fixtures } from './lib/fixtures.js';
import { NODE_MODULES } from './lib/paths.js';
import { startServer } from './lib/server.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, links: { type: 'string', default: '20' } } });
const RUNS = Number(values.runs);
const LINKS = Number(values.links);
const NOBLE = fs.readFileSync(path.join(NODE_MODULES, '@noble', 'ed25519', 'index.js'));
const NOBLE_VERSION = JSON.parse(fs.readFileSync(path.join(NODE_MODULES, '@noble', 'ed25519', 'package.json'), 'utf8')).version;

const median = (xs) => quantile(xs, 0.5);
function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  // Nearest rank: the smallest value with at least q of the values at or below it.
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}
const fmt = (x, digits = 1) => (x === null || x === undefined ? 'n/a' : x.toFixed(digits));


async function benchPage(browser, server, token) {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  await context.route('**/bench/vendor/noble-ed25519.js', (route) =>
    route.fulfill({ status: 200, contentType: 'text/javascript; charset=utf-8', body: NOBLE }),
  );
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') process.stderr.write(`  page: ${m.text()}\n`);
  });
  await page.goto(`${server.url}bench/#${token}`);
  const handle = await page.waitForFunction(() => window.benchResult, null, { timeout: 180_000 });
  const result = await handle.jsonValue();
  await context.close();
  if (result.error) throw new Error(`the bench page failed: ${result.error}`);
  return result;
}

async function openLink(browser, link, warmContext) {
  let context = warmContext;
  if (!context) {
    context = await browser.newContext();
    await context.addInitScript(verdictClock, VERDICTS);
  }
  const page = await context.newPage();
  const { painted } = await awaitVerdict(page, 30_000, async () => `no verdict from ${link.split('#')[0]} in 30 s`);
  await page.goto(link);
  const verdict = await painted;
  // Where the time went: the document, and the last byte of the wasm module and of the trust list.
  verdict.steps = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const end = (suffix) => performance.getEntriesByType('resource').find((r) => r.name.endsWith(suffix))?.responseEnd ?? null;
    return {
      'document loaded (DOMContentLoaded)': nav?.domContentLoadedEventEnd ?? null,
      'wasm module downloaded': end('/cachet_bg.wasm'),
      'trust list downloaded': end('/trust-list.json'),
    };
  });
  if (warmContext) await page.close();
  else await context.close();
  return verdict;
}

/** A context that has visited the page once and whose service worker controls it. */
async function warmedContext(browser, url) {
  const context = await browser.newContext();
  await context.addInitScript(verdictClock, VERDICTS);
  const page = await context.newPage();
  await page.goto(url);
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  for (let i = 0; i < 3 && !(await page.evaluate(() => !!navigator.serviceWorker.controller)); i++) await page.reload();
  await page.close();
  return context;
}

function table(rows) {
  console.log('   | from navigation start to | median | p90 | min | max |');
  console.log('   | --- | ---: | ---: | ---: | ---: |');
  for (const [what, xs] of rows) {
    console.log(`   | ${what} | ${fmt(median(xs))} | ${fmt(quantile(xs, 0.9))} | ${fmt(Math.min(...xs))} | ${fmt(Math.max(...xs))} |`);
  }
}

async function linkTimes(browser, link, runs, warmContext) {
  const set = [];
  const painted = [];
  const steps = {};
  for (let i = 0; i < runs; i++) {
    const v = await openLink(browser, link, warmContext);
    if (v.status !== 'valid') throw new Error(`run ${i + 1}: the page said ${v.status}`);
    set.push(v.at);
    painted.push(v.painted);
    for (const [k, x] of Object.entries(v.steps)) if (x !== null) (steps[k] ??= []).push(x);
  }
  table([...Object.entries(steps), ['`data-status` set', set], ['the next frame', painted]]);
  return painted;
}

const fx = await fixtures();
const server = await startServer({ trust: fx.trust.good, root: fx.root });
const browser = await launch();
try {
  console.log(`Chromium ${browser.version()}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, @noble/ed25519 ${NOBLE_VERSION}`);
  console.log(`certificate: ${fx.bench.token.length} characters, issuer key ${fx.bench.kid}\n`);

  console.log(`1. One verification in the page, µs (median of 200 samples per run; ${RUNS} runs, fresh context each)\n`);
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const r = await benchPage(browser, server, fx.bench.token);
    runs.push(r);
    const x = r.results;
    console.log(
      `   run ${i + 1}: wasm ${fmt(x.wasm.median_us)}  WebCrypto ${fmt(x.webcrypto.median_us)}  noble ${fmt(x.noble?.median_us)}` +
        `  (batches of ${x.wasm.batch}/${x.webcrypto.batch}/${x.noble?.batch ?? '-'})`,
    );
  }
  const med = (f) => median(runs.map(f).filter((v) => v !== null && v !== undefined));
  const wasm = med((r) => r.results.wasm.median_us);
  const webcrypto = med((r) => r.results.webcrypto.median_us);
  const noble = med((r) => r.results.noble?.median_us);
  console.log('');
  console.log('   | implementation | µs per verification (median of runs) | vs WebCrypto |');
  console.log('   | --- | ---: | ---: |');
  console.log(`   | wasm \`verify(token, now)\` (whole check) | ${fmt(wasm)} | ${fmt(wasm / webcrypto, 2)}× |`);
  console.log(`   | WebCrypto \`crypto.subtle.verify('Ed25519')\` | ${fmt(webcrypto)} | 1.00× |`);
  console.log(`   | @noble/ed25519 \`verifyAsync\` | ${fmt(noble)} | ${fmt(noble / webcrypto, 2)}× |`);
  console.log(`\n   wasm / WebCrypto = ${fmt(wasm / webcrypto, 2)} (goal ≤ 1, never above 1.5); noble / wasm = ${fmt(noble / wasm, 1)} (goal ≥ 10)\n`);

  console.log(`2. Opening a certificate's link → verdict on screen, ms (${LINKS} runs, fresh context each: nothing cached)\n`);
  const link = `${server.url}#${fx.bench.token}`;
  const painted = await linkTimes(browser, link, LINKS);
  console.log(`\n   budget: median to the frame ≤ 300 ms (${median(painted) <= 300 ? 'within' : 'OVER'})`);

  console.log(`\n3. The same, on a device that has visited the page before (service worker in control, HTTP cache warm; ${LINKS} new tabs)\n`);
  const warm = await warmedContext(browser, server.url);
  await linkTimes(browser, link, LINKS, warm);
  await warm.close();
} finally {
  await browser.close();
  await server.stop();
}
