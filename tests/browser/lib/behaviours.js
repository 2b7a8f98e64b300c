// One list of behaviours, run against the three shells of the one verifier
// session (www/lib/session.js, www/lib/render.js): the page, the
// <cachet-verifier> element on a host page (embed-examples/element.html)
// and the iframe in a portal on another origin (embed-examples/iframe.html
// framing embed.html). Each behaviour is what a person at the counter sees:
// the verdict, its fields, the trust list's line. The specs
// behaviours-page.test.js, behaviours-element.test.js and
// behaviours-iframe.test.js each run the whole list against one shell.
//
// The trust list's network is played by Playwright's routing on the
// verifier's /trust-list.json: the real list, a list the core refuses, a
// newer list, a request that fails, or one that never answers. Service
// workers are blocked in these contexts so that every request meets the route.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import { after, before, test } from 'node:test';
import { fixtures } from './fixtures.js';
import { launch, openPage, VERDICTS, sleep } from './browser.js';
import { startServer } from './server.js';
import { routeExamples, startPortal } from './examples.js';
import { assertClean } from './harness.js';

const DAY = 86400 * 1000;

let fx;
let server;
let portal;
let slow;
let browser;

/**
 * A slow network for /trust-list.json: `/stall` answers at once, sends the
 * list's first bytes, then nothing ever again; `/trickle` sends the whole
 * list in TRICKLE_CHUNKS pieces, one every TRICKLE_EVERY_MS: longer in all
 * than the session's 5-second limit, each gap far shorter than its stall limit.
 */
const TRICKLE_CHUNKS = 20;
const TRICKLE_EVERY_MS = 350;
function startSlowNetwork() {
  const open = new Set();
  const srv = http.createServer((req, res) => {
    open.add(res);
    res.on('close', () => open.delete(res));
    const list = fs.readFileSync(fx.trust.good);
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache' });
    res.flushHeaders();
    if (req.url === '/stall') {
      res.write(list.subarray(0, 64));
      return;
    }
    let n = 0;
    const size = Math.ceil(list.length / TRICKLE_CHUNKS);
    const tick = setInterval(() => {
      res.write(list.subarray(n * size, (n + 1) * size));
      n += 1;
      if (n >= TRICKLE_CHUNKS) {
        clearInterval(tick);
        res.end();
      }
    }, TRICKLE_EVERY_MS);
    res.on('close', () => clearInterval(tick));
  });
  return new Promise((resolve) => {
    srv.listen(0, '127.0.0.1', () =>
      resolve({
        origin: `http://127.0.0.1:${srv.address().port}`,
        stop: () =>
          new Promise((done) => {
            for (const res of open) res.destroy();
            srv.closeAllConnections();
            srv.close(() => done());
          }),
      }),
    );
  });
}


/**
 * The three shells. Each opens in a page and gives `scope` (where its
 * inputs and verdict are), `statusOf()` (its `data-status`), `frame()` (the
 * frame its scripts run in).
 */
const SHELLS = {
  page: {
    url: () => server.url,
    scope: (page) => page.locator('body'),
    result: (scope) => scope.locator('#result'),
    trustInfo: (scope) => scope.locator('#trust-info'),
    statusOf: (page) => page.evaluate(() => document.querySelector('#result')?.getAttribute('data-status') ?? ''),
    frame: (page) => page.mainFrame(),
  },
  element: {
    url: () => `${server.url}examples/element.html`,
    scope: (page) => page.locator('cachet-verifier'),
    result: (scope) => scope.locator('#result'),
    trustInfo: (scope) => scope.locator('.trust-info'),
    statusOf: (page) => page.evaluate(() => document.querySelector('cachet-verifier')?.getAttribute('data-status') ?? ''),
    frame: (page) => page.mainFrame(),
  },
  iframe: {
    url: () => portal.url('iframe.html'),
    scope: (page) => page.frameLocator('#cachet').locator('cachet-verifier'),
    result: (scope) => scope.locator('#result'),
    trustInfo: (scope) => scope.locator('.trust-info'),
    statusOf: async (page) => {
      const frame = embedFrame(page);
      return frame ? frame.evaluate(() => document.querySelector('cachet-verifier')?.getAttribute('data-status') ?? '').catch(() => '') : '';
    },
    frame: (page) => embedFrame(page),
  },
};

function embedFrame(page) {
  return page.frames().find((f) => f.url().startsWith(`${server.origin}/embed.html`)) ?? null;
}

/**
 * A context whose /trust-list.json answers as `network()` says at each
 * request: `{ file }` (that signed list), `'fail'`, `'stall'` (the first
 * bytes, then nothing) or `'trickle'` (the good list, slowly). `calls`
 * counts the requests.
 */
async function openContext(network) {
  const opened = await openPage(browser, { serviceWorkers: 'block' });
  await opened.page.close();
  const { context } = opened;
  await routeExamples(context, server);
  const net = { mode: network, calls: 0 };
  await context.route(`${server.origin}/trust-list.json`, async (route) => {
    net.calls += 1;
    const mode = net.mode();
    if (mode === 'stall' || mode === 'trickle') return route.continue({ url: `${slow.origin}/${mode}` });
    if (mode === 'fail') return route.abort('internetdisconnected');
    return route.fulfill({ status: 200, contentType: 'application/json', headers: { 'cache-control': 'no-cache' }, body: fs.readFileSync(mode.file) });
  });
  return { context, net };
}

/** A page of `context` on `shell`, recording what went wrong. */
async function openShell(context, shell) {
  const page = await context.newPage();
  const problems = { console: [], pageErrors: [], dialogs: [] };
  page.on('console', (m) => {
    // A trust-list request this test makes fail, or gives up, is the browser's own line, not the verifier's.
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.console.push(m.text());
  });
  page.on('pageerror', (e) => problems.pageErrors.push(String(e)));
  page.on('dialog', (d) => {
    problems.dialogs.push(d.message());
    d.dismiss().catch(() => {});
  });
  await page.goto(SHELLS[shell].url());
  const scope = SHELLS[shell].scope(page);
  await scope.locator('#paste-input').waitFor({ timeout: 30_000 });
  return { page, problems, scope };
}

/** Pastes `token`, waits for the verdict and returns `{status, kind, text}`: what the person sees. */
async function verify(shell, { page, scope }, token) {
  await scope.locator('#paste-input').fill(token);
  await scope.locator('#paste-verify').click();
  const s = SHELLS[shell];
  let status = '';
  for (let i = 0; i < 600 && !VERDICTS.includes(status); i++) {
    status = await s.statusOf(page);
    if (!VERDICTS.includes(status)) await sleep(50);
  }
  const text = await s.result(scope).innerText();
  assert.ok(VERDICTS.includes(status), `no verdict in ${shell}; it shows: ${text}`);
  const kind = await s.result(scope).getAttribute('data-kind');
  return { status, kind, text };
}

/** Waits until the trust list's line matches `pattern`, and returns it. */
async function trustLineMatching(shell, scope, pattern) {
  let line = '';
  for (let i = 0; i < 300; i++) {
    line = await SHELLS[shell].trustInfo(scope).innerText();
    if (pattern.test(line)) return line;
    await sleep(100);
  }
  assert.fail(`the trust list's line in ${shell} never matched ${pattern}: ${line}`);
}

/** Waits until the shell's origin keeps the accepted list in the Cache API (written after the verdict). */
async function listKept(shell, page) {
  const frame = SHELLS[shell].frame(page);
  await frame.waitForFunction(
    async () => {
      const cache = await caches.open('cachet-trust-list');
      return (await cache.keys()).length > 0;
    },
    null,
    { timeout: 15_000, polling: 100 },
  );
}

/** The list's version a verdict or the trust list's line names ("version 7"). */
function sequenceIn(text) {
  const m = /version (\d+)/.exec(text);
  assert.ok(m, `no trust list number in: ${text}`);
  return Number(m[1]);
}

const GOOD = () => ({ file: fx.trust.good });

/** The fixtures, the verifier's server, the portal, the slow network and Chromium, for one spec file. */
function setUp() {
  before(async () => {
    fx = await fixtures();
    portal = await startPortal({
      headers: () => ({
        'content-security-policy': `default-src 'self'; script-src 'self'; style-src 'self'; frame-src ${server.origin}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
        'referrer-policy': 'no-referrer',
      }),
      origins: () => ({ verifier: server.origin, portal: portal.origin }),
    });
    server = await startServer({ trust: fx.trust.good, root: fx.root, args: ['--embed-parent', portal.origin] });
    slow = await startSlowNetwork();
    // The element's host page is routed (no address), the slow network on 127.0.0.1: without this,
    // Chromium's local network access rule would refuse the rerouted request.
    browser = await launch(['--disable-features=LocalNetworkAccessChecks']);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    await portal?.stop();
    await slow?.stop();
  });
}

/** Registers the behaviour list for `shell` (`page`, `element` or `iframe`) in the calling spec file. */
export function behaviours(shell) {
  setUp();

  test('a valid link: green verdict with the pupil\'s name', async () => {
    const { context } = await openContext(GOOD);
    const opened = await openShell(context, shell);
    const { status, kind, text } = await verify(shell, opened, fx.tokens.valid.token);
    assert.equal(status, 'valid');
    assert.equal(kind, 'valid');
    assert.equal(await SHELLS[shell].result(opened.scope).locator('.verdict-valid').count(), 1);
    assert.match(text, /Léa/);
    assert.match(text, /Martin/i); // the page writes family names in capitals
    assert.match(text, /Valable\s+du (1er|\d{1,2}) [a-zéû]+ \d{4} au \d{1,2} [a-zéû]+ \d{4} inclus/);
    assert.match(text, /Vérifié avec la liste des établissements reconnus, version \d+/);
    assert.match(text, /À faire : Comparez ces informations avec une pièce d’identité\./);
    await assertClean(opened.page, opened.problems);
    await context.close();
  });

  for (const [name, expected, kind, next] of [
    ['tampered', 'invalid-signature', 'refused', /À faire : Refusez-le\./],
    ['revoked-serial', 'revoked', 'refused', /À faire : Refusez-le\./],
    ['unknown-issuer', 'unknown-issuer', 'refused', /À faire : Refusez-le\./],
    ['malformed', 'malformed', 'refused', /À faire : Scannez à nouveau le code\./],
    ['expired', 'expired', 'not-valid-now', /À faire : Demandez le certificat de cette année/],
    ['not-yet-valid', 'not-yet-valid', 'not-valid-now', /À faire : Il sera valable à partir du (1er|\d{1,2}) [a-zéû]+ \d{4}\./],
  ]) {
    test(`${name}: ${expected}, of the kind ${kind}, with what to do next`, async () => {
      const { context } = await openContext(GOOD);
      const opened = await openShell(context, shell);
      const { status, kind: shown, text } = await verify(shell, opened, fx.tokens[name].token);
      assert.equal(status, expected);
      assert.equal(shown, kind);
      assert.equal(await SHELLS[shell].result(opened.scope).locator(`.verdict-${kind}`).count(), 1);
      assert.match(text, next);
      if (kind === 'refused') assert.match(text, /ne pas s’y fier/);
      else assert.doesNotMatch(text, /ne pas s’y fier|falsifié/, 'a genuine certificate out of its year is never called a forgery');
      await assertClean(opened.page, opened.problems);
      await context.close();
    });
  }

  test('the network\'s list refused: the list this device holds is used, and the refusal is said', async () => {
    let network = GOOD();
    const { context } = await openContext(() => network);
    const first = await openShell(context, shell);
    assert.equal((await verify(shell, first, fx.tokens.valid.token)).status, 'valid');
    await listKept(shell, first.page);
    await first.page.close();

    network = { file: fx.trust.tampered };
    const second = await openShell(context, shell);
    assert.equal((await verify(shell, second, fx.tokens.valid.token)).status, 'valid');
    assert.equal((await verify(shell, second, fx.tokens['revoked-serial'].token)).status, 'revoked');
    const line = await trustLineMatching(shell, second.scope, /La liste téléchargée a été refusée/);
    assert.match(line, /la copie enregistrée sur cet appareil est utilisée \(code pour l’assistance : [a-z-]+\)/);
    await assertClean(second.page, second.problems);
    await context.close();
  });

  test('an older list from the network is refused (rollback): the newer one seen stays in use', async () => {
    let network = { file: fx.trust.next };
    const { context } = await openContext(() => network);
    const first = await openShell(context, shell);
    const newer = sequenceIn((await verify(shell, first, fx.tokens.valid.token)).text);
    await listKept(shell, first.page);
    await first.page.close();

    network = GOOD(); // the list from before, one sequence lower
    const second = await openShell(context, shell);
    const { status, text } = await verify(shell, second, fx.tokens.valid.token);
    assert.equal(status, 'valid');
    assert.equal(sequenceIn(text), newer);
    await trustLineMatching(shell, second.scope, /La liste téléchargée a été refusée.*\(code pour l’assistance : trust-list-rollback\)/);
    await assertClean(second.page, second.problems);
    await context.close();
  });

  test('a fresh list on this device answers while the network never does', async () => {
    let network = GOOD();
    const { context, net } = await openContext(() => network);
    const first = await openShell(context, shell);
    assert.equal((await verify(shell, first, fx.tokens.valid.token)).status, 'valid');
    await listKept(shell, first.page);
    await first.page.close();

    network = 'stall';
    const calls = net.calls;
    const second = await openShell(context, shell);
    const { status, text } = await verify(shell, second, fx.tokens.valid.token);
    assert.equal(status, 'valid', text);
    assert.ok(net.calls > calls, 'the list was not asked for');
    await assertClean(second.page, second.problems);
    await context.close();
  });

  test('a first visit on a slow link: the verdict waits for a download that keeps progressing, however long', async () => {
    const { context } = await openContext(() => 'trickle');
    const opened = await openShell(context, shell);
    const { status, text } = await verify(shell, opened, fx.tokens.valid.token);
    assert.equal(status, 'valid', text);
    await assertClean(opened.page, opened.problems);
    await context.close();
  });

  test('an expired list on this device and no network: no verdict can be given, and the person is told why', async () => {
    let network = GOOD();
    const { context } = await openContext(() => network);
    const first = await openShell(context, shell);
    assert.equal((await verify(shell, first, fx.tokens.valid.token)).status, 'valid');
    await listKept(shell, first.page);
    await first.page.close();

    network = 'fail';
    await context.clock.setFixedTime(Date.now() + 40 * DAY); // 30 days of validity and 7 of grace are over
    const second = await openShell(context, shell);
    const { status, text } = await verify(shell, second, fx.tokens.valid.token);
    assert.equal(status, 'trust-list-expired');
    assert.match(text, /aucune liste à jour n’a pu être téléchargée/);
    assert.doesNotMatch(text, /Léa|Martin/i);
    await assertClean(second.page, second.problems);
    await context.close();
  });

  test('no list at all and no network: could not verify, and the person is told why', async () => {
    const { context } = await openContext(() => 'fail');
    const opened = await openShell(context, shell);
    const { status, text } = await verify(shell, opened, fx.tokens.valid.token);
    assert.equal(status, 'error');
    assert.match(text, /La liste des établissements reconnus n’a pas pu être téléchargée et cet appareil n’en garde aucune copie/);
    await assertClean(opened.page, opened.problems);
    await context.close();
  });

  test('left open past the list\'s next_update: the next list is fetched and used', async () => {
    let network = GOOD();
    const { context } = await openContext(() => network);
    const opened = await openShell(context, shell);
    const before = await verify(shell, opened, fx.tokens.valid.token);
    assert.equal(before.status, 'valid');
    const first = sequenceIn(before.text);

    // A month later, the same screen: the list is past its next_update, and the network has the next one.
    network = { file: fx.trust.next };
    await context.clock.setFixedTime(Date.now() + 31 * DAY);
    const stale = await verify(shell, opened, fx.tokens.valid.token);
    assert.equal(stale.status, 'valid', 'a stale list still answers (with its warning)');
    await trustLineMatching(shell, opened.scope, new RegExp(`version ${first + 1} .*à jour`));
    const after = await verify(shell, opened, fx.tokens.valid.token);
    assert.equal(after.status, 'valid');
    assert.equal(sequenceIn(after.text), first + 1);
    assert.doesNotMatch(after.text, /n’est pas à jour/);
    // A revocation the new list carries is applied at once.
    assert.equal((await verify(shell, opened, fx.tokens['revoked-key'].token)).status, 'revoked');
    await assertClean(opened.page, opened.problems);
    await context.close();
  });
}
