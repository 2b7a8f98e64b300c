// Status documents in the page (issue 11): revocations that reach the page
// within a day without the root signing a list. An operator publishes the
// folder `cachet trust status publish --dir` writes and names its index in
// config.json's `status`; the page applies the full document once, then only
// the day's deltas, keeps what it applied for offline use, and never goes
// back to an older status. A first visit takes its certificate's key's
// part of the full document before the verdict, the whole one after.
//
// The fixtures are this spec's own, made with the real command: a root, an
// académie key whose certificates carry a status index, the online status
// key, and three certificates (A, B, C). The root's list revokes none of
// them; every revocation here comes from a status document.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { launch, openPage, recordRequests, watch } from './lib/browser.js';
import { cachetBinary } from './lib/build.js';
import { assertClean, expectVerdict } from './lib/harness.js';
import { startServer } from './lib/server.js';
import { iso, parisToday } from '../paris.mjs';

let dir;
let sh;
let browser;
let server;
const tokens = {};
const indices = {};

const publish = () => sh('trust', 'status', 'publish', '--list', 'list.json', '--key', 'status.key', '--dir', 'status');
const revoke = (name) => sh('trust', 'revoke', '--list', 'list.json', '--key-id', indices.keyId, '--index', String(indices[name]));
const link = (name) => `${server.url}#${tokens[name]}`;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cachet-status-'));
  const cachet = cachetBinary({ build: false });
  sh = (...args) => {
    const r = spawnSync(cachet, ['--lang', 'en', ...args], { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`cachet ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
    return { out: r.stdout.trim(), err: r.stderr };
  };
  for (const key of ['root', 'paris', 'status']) sh('keygen', '--out', `${key}.key`);
  const today = parisToday();
  const year = today.month >= 9 ? today.year : today.year - 1;
  sh('trust', 'add', '--list', 'list.json', '--key', 'paris.key.pub', '--name', 'Académie de Paris', '--from', iso(year - 1, 1, 1), '--until', iso(year + 1, 8, 31), '--status-capacity', '1000');
  sh('trust', 'status-key', '--list', 'list.json', '--key', 'status.key.pub');
  sh('trust', 'sign', '--list', 'list.json', '--root', 'root.key', '--out', 'trust.json', '--valid-days', '30');
  for (const [name, serial] of [['A', 'ST-A'], ['B', 'ST-B'], ['C', 'ST-C']]) {
    const cert = {
      family_name: 'Martin', given_names: `Élève ${name}`, birth_date: '2009-04-12', school_uai: '0750654D',
      school_name: 'Lycée Louis-le-Grand', school_town: 'Paris', academie: 'Paris', level: '2de', regime: 'externe',
      school_year: `${year}-${year + 1}`, issued_on: iso(today.year, today.month, today.day), serial,
    };
    fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(cert));
    const { out, err } = sh('issue', '--key', 'paris.key', '--input', `${name}.json`, '--status-capacity', '1000');
    const m = /([0-9a-f]{16}):(\d+)/.exec(err);
    assert.ok(m, `cachet issue told no status index: ${err}`);
    tokens[name] = out;
    indices[name] = Number(m[2]);
    indices.keyId = m[1];
  }
  // Day 0: a full document, nothing revoked. Day 1: A revoked, published as a delta (and a full document).
  publish();
  revoke('A');
  publish();
  server = await startServer({ trust: path.join(dir, 'trust.json'), root: path.join(dir, 'root.key.pub'), args: ['--status', path.join(dir, 'status')] });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** The page's verdict for `name`'s certificate, typed in (the page already open). */
async function paste(page, problems, name, expected) {
  await page.locator('#paste-input').fill(tokens[name]);
  await page.locator('#paste-verify').click();
  await expectVerdict(page, problems, expected);
}

/** Verifies `name` again until the page says `expected` (a background update applied), 20 tries at most. */
async function pasteUntil(page, problems, name, expected) {
  for (let i = 0; ; i++) {
    await page.locator('#paste-input').fill('');
    await page.locator('#paste-input').fill(tokens[name]);
    await page.locator('#paste-verify').click();
    await page.waitForFunction((t) => document.querySelector('#result')?.dataset.status && document.querySelector('#paste-input').value === t, tokens[name]);
    if ((await page.locator('#result').getAttribute('data-status')) === expected) return;
    assert.ok(i < 20, `the page never said ${expected} for ${name}`);
    await page.waitForTimeout(100);
  }
}

let heldContext = null;

/** Waits until the page has kept the status documents it applied (kept after the verdict, off its path). */
async function statusKept(page, sequence) {
  await page.waitForFunction(
    async (seq) => {
      const cache = await caches.open('cachet-status');
      const kept = (await cache.keys()).length > 0;
      return kept && localStorage.getItem('cachet.status.seenSequence') === String(seq);
    },
    sequence,
    { polling: 100 },
  );
}

/**
 * A proxy in front of the server, an origin of its own. `hold`: requests whose path matches
 * are answered once a request matching `until` has come (or after 15 s, the test then failing:
 * `released` says which). `crawl()`: from then on every request is answered 200 and a byte
 * every 200 ms, never ending: a network that keeps delivering and never finishes.
 */
async function proxy({ hold = null, until = null } = {}) {
  let come;
  const seen = new Promise((r) => (come = r));
  const state = { released: null, crawling: false, open: [] };
  const sockets = new Set();
  const p = http.createServer(async (req, res) => {
    if (state.crawling) {
      state.open.push(req.url);
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache' });
      const drip = setInterval(() => res.write(' '), 200);
      res.on('close', () => clearInterval(drip));
      return;
    }
    if (until?.test(req.url)) come('requested');
    if (hold?.test(req.url)) state.released = await Promise.race([seen, new Promise((r) => setTimeout(r, 15_000, 'timeout'))]);
    const up = http.request({ host: '127.0.0.1', port: server.port, path: req.url, method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  p.on('connection', (c) => sockets.add(c));
  await new Promise((r) => p.listen(0, '127.0.0.1', r));
  return Object.assign(state, {
    url: `http://127.0.0.1:${p.address().port}/`,
    crawl: () => (state.crawling = true),
    stop: () => new Promise((r) => (sockets.forEach((c) => c.destroy()), p.close(r))),
  });
}

/** The status files requested, each once (the page's request and the service worker's for it count as one). */
const statusFiles = (requests) => [...new Set(requests.map((r) => new URL(r.url).pathname).filter((p) => p.startsWith('/status/')))];

test('a first visit takes the full status document; a returning one the delta alone', async () => {
  const { context, page, problems } = await openPage(browser);
  const requests = recordRequests(context);

  // A first visit: the root's list does not revoke A; the day's status document does. Before the verdict
  // the page takes the index and the part of A's key only; the whole document follows.
  const whole = page.waitForResponse((r) => r.url().endsWith('/status/full-2.json'));
  await page.goto(link('A'));
  await expectVerdict(page, problems, 'revoked');
  assert.deepEqual(statusFiles(requests).slice(0, 2), ['/status/index.json', `/status/full-2-${indices.keyId}.json`], 'a first visit takes the index and its key\'s part first');
  await whole;
  await paste(page, problems, 'B', 'valid');
  assert.deepEqual(statusFiles(requests), ['/status/index.json', `/status/full-2-${indices.keyId}.json`, '/status/full-2.json']);
  assert.equal(await page.locator('.stale-warning').count(), 0, 'a valid verdict with the status in hand has no warning');

  // The next day B is revoked: a returning visit takes the delta alone, not the full document again.
  await statusKept(page, 2);
  fs.copyFileSync(path.join(dir, 'status', 'full-2.json'), path.join(dir, 'full-2.keep')); // for the replay below
  revoke('B');
  publish();
  requests.length = 0;
  const delta = page.waitForResponse((r) => r.url().endsWith('/status/delta-3.json'));
  await page.reload();
  await delta;
  await pasteUntil(page, problems, 'B', 'revoked');
  await statusKept(page, 3);
  assert.deepEqual(statusFiles(requests), ['/status/index.json', '/status/delta-3.json'], 'a returning device takes the delta only');
  await assertClean(page, problems);
  await context.close();
  heldContext = null;
});

test('an index that points at an older status document: refused, the status held stays in use', async () => {
  const { context, page, problems } = await openPage(browser);
  await page.goto(link('B'));
  await expectVerdict(page, problems, 'revoked'); // no. 3, held from here on
  await statusKept(page, 3);
  // A stale mirror or a replay: an index naming the full document of no. 2 (B not revoked) as the newest.
  const statusDir = path.join(dir, 'status');
  const indexFile = path.join(statusDir, 'index.json');
  const published = fs.readFileSync(indexFile, 'utf8');
  fs.copyFileSync(path.join(dir, 'full-2.keep'), path.join(statusDir, 'old.json'));
  fs.writeFileSync(indexFile, JSON.stringify({ ...JSON.parse(published), sequence: 9, full: 'old.json', deltas: [] }));
  try {
    const replay = page.waitForResponse((r) => r.url().endsWith('/status/old.json'));
    await page.reload();
    await replay;
    await page.waitForFunction(() => document.querySelector('#trust-info')?.textContent.includes('status-rollback'));
    await paste(page, problems, 'B', 'revoked');
    await paste(page, problems, 'C', 'valid');
  } finally {
    fs.writeFileSync(indexFile, published);
    fs.rmSync(path.join(statusDir, 'old.json'), { force: true });
  }
  heldContext = { context, page, problems };
});

test("a first visit asks for its key's status part before the wasm is here", async () => {
  // The wasm is held back until the key's scoped document is asked for: a page that read the key id only
  // with the core (the wasm) would ask for it after, and the proxy would release the wasm after 15 s.
  const gate = await proxy({ hold: /cachet_verify_bg[^/]*\.wasm$/, until: new RegExp(`/status/full-\\d+-${indices.keyId}\\.json$`) });
  const { context, page, problems } = await openPage(browser);
  try {
    await page.goto(`${gate.url}#${tokens.B}`);
    await expectVerdict(page, problems, 'revoked', { timeout: 30_000 });
    assert.equal(gate.released, 'requested', "the wasm was released before the key's status part was asked for");
    await assertClean(page, problems);
  } finally {
    await context.close();
    await gate.stop();
  }
});

test('a returning visit with a list and status held answers while the network crawls, and never waits for it', async () => {
  const net = await proxy();
  const { context, page, problems } = await openPage(browser);
  try {
    await page.goto(`${net.url}#${tokens.B}`);
    await expectVerdict(page, problems, 'revoked');
    await statusKept(page, 3);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    for (let i = 0; i < 3 && !(await page.evaluate(() => !!navigator.serviceWorker.controller)); i++) await page.reload();
    await page.waitForFunction(async () => (await (await caches.open('cachet-trust-list')).keys()).length > 0, null, { polling: 100 });
    // From here every download starts and never ends: the list and the status index are asked for, and a page
    // that waited for either would never answer.
    net.crawl();
    const tab = await context.newPage();
    const tabProblems = watch(tab);
    await tab.goto(`${net.url}#${tokens.A}`);
    await expectVerdict(tab, tabProblems, 'revoked');
    await paste(tab, tabProblems, 'C', 'valid');
    assert.ok(net.open.some((u) => u.endsWith('/trust-list.json')), `the list was not asked for: ${net.open.join(', ')}`);
    await assertClean(tab, tabProblems);
  } finally {
    await context.close();
    await net.stop();
  }
});

test('with the status held, the page verifies offline; without any, the verdict is the list alone and says so', async () => {
  // A device that never got the status documents (the index missing): a verdict, with the warning.
  const indexFile = path.join(dir, 'status', 'index.json');
  const published = fs.readFileSync(indexFile, 'utf8');
  fs.rmSync(indexFile);
  const fresh = await openPage(browser);
  try {
    await fresh.page.goto(link('C'));
    await expectVerdict(fresh.page, fresh.problems, 'valid');
    assert.equal(await fresh.page.locator('.stale-warning').count(), 1, 'no warning that recent cancellations are missing');
    assert.match(await fresh.page.locator('#trust-info').innerText(), /status-unavailable/);
  } finally {
    fs.writeFileSync(indexFile, published);
  }
  // A 404 is the network's answer, logged by the browser as a failed resource: nothing else went wrong.
  assert.deepEqual(fresh.problems.pageErrors, []);
  await fresh.context.close();

  // The device of the test before, the server gone: the status it holds still revokes A and B.
  const { context, page, problems } = heldContext;
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  for (let i = 0; i < 3 && !(await page.evaluate(() => !!navigator.serviceWorker.controller)); i++) await page.reload();
  // A visit under the service worker: it keeps the status index it passes on, for offline visits.
  const index = page.waitForResponse((r) => r.url().endsWith('/status/index.json'));
  await page.goto('about:blank');
  await page.goto(link('B'));
  await index;
  await expectVerdict(page, problems, 'revoked');
  await page.waitForFunction(async () => (await (await caches.open('cachet-status-index')).keys()).length > 0, null, { polling: 100 });
  await server.stop();
  await context.setOffline(true);
  const tab = await context.newPage();
  const tabProblems = watch(tab);
  await tab.goto(link('A'));
  await expectVerdict(tab, tabProblems, 'revoked');
  await paste(tab, tabProblems, 'B', 'revoked');
  await paste(tab, tabProblems, 'C', 'valid');
  await assertClean(page, problems);
  await assertClean(tab, tabProblems);
  await context.close();
});
