// Every file is downloaded once per visit (issue 12): the page's first
// script starts the wasm, config.json and the trust list and the modules
// take those very responses (no `<link rel="preload" as="fetch">`, which
// WebKit downloads a second time); a link's verdict needs no QR reader; and
// the service worker's precache revalidates what the page has just
// downloaded (304, no body) instead of downloading the shell again. On a
// returning visit the list kept on the device is read once, by the first
// script, while the other modules and config.json arrive.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openPage, waitForVerdict } from './lib/browser.js';
import { suite } from './lib/harness.js';
import { downloadedTwice } from './lib/proxy.js';
import { servedModule, unhashed } from './lib/server.js';

let s;
before(async () => {
  s = await suite();
});
after(async () => {
  await s?.close();
});

test('a first visit downloads each file once, the QR reader after the verdict only, and the precache revalidates', async () => {
  const { context, page } = await openPage(s.browser);
  // Each response with the body bytes that came over the network (0 for a 304 revalidation, which
  // fetch() and the recorded status show as the cached 200).
  const responses = [];
  context.on('requestfinished', async (request) => {
    // The path as www/ names it (nginx serves names by content: lib/server.js unhashed).
    const entry = { path: unhashed(new URL(request.url()).pathname), fromWorker: !!request.serviceWorker(), at: Date.now(), body: null };
    responses.push(entry);
    entry.body = (await request.sizes().catch(() => null))?.responseBodySize ?? null;
  });
  try {
    await page.goto(s.link(s.fx.tokens.valid.token));
    assert.equal(await waitForVerdict(page), 'valid');
    // The page's own requests (the service worker's come after the verdict): each file once, no QR reader.
    const byPage = () => responses.filter((r) => !r.fromWorker).map((r) => r.path);
    for (const path of ['/pkg/cachet_verify_bg.wasm', '/config.json', '/trust-list.json', '/app.js', servedModule('/lib/session.js')]) {
      assert.equal(byPage().filter((p) => p === path).length, 1, `${path} requested by the page: ${byPage().join(', ')}`);
    }

    // The service worker installs after the verdict; its precache holds the whole shell.
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await page.waitForFunction(async () => {
      const names = await caches.keys();
      const shell = names.find((n) => n.startsWith('cachet-shell-'));
      const keys = shell ? await (await caches.open(shell)).keys() : [];
      return keys.some((r) => /\/pkg\/cachet_bg(\.[0-9a-f]{16})?\.wasm$/.test(new URL(r.url).pathname));
    });
    await new Promise((r) => setTimeout(r, 500)); // the last sizes read
    for (const path of ['/pkg/cachet_bg.wasm', '/pkg/cachet.js', '/scan-worker.js']) {
      assert.ok(!byPage().includes(path), `the page never needed ${path} for a link: ${byPage().join(', ')}`);
    }
    assert.ok(responses.every((r) => r.body !== null), `every body size known: ${JSON.stringify(responses)}`);
    assert.deepEqual(downloadedTwice(responses), [], 'a file downloaded twice in one visit');
    const revalidated = responses.filter((r) => r.fromWorker && r.body === 0).map((r) => r.path);
    for (const path of ['/app.js', '/pkg/cachet_verify_bg.wasm', '/config.json']) {
      assert.ok(revalidated.includes(path), `the precache revalidates ${path} (no body): ${JSON.stringify(responses)}`);
    }
    assert.ok(
      responses.some((r) => r.fromWorker && r.path === '/pkg/cachet_bg.wasm' && r.body > 0),
      'the QR reader is downloaded once, by the precache',
    );
  } finally {
    await context.close();
  }
});

/**
 * In the page, before its scripts: when the cache that keeps the trust list is first opened and each
 * time the list is read from it, and when config.json's body is first read.
 */
function recordReads() {
  const seen = { opened: null, listReads: [], configRead: null };
  Object.defineProperty(window, '__reads', { value: seen });
  const open = CacheStorage.prototype.open;
  CacheStorage.prototype.open = function (name, ...rest) {
    if (name === 'cachet-trust-list') seen.opened ??= performance.now();
    return open.call(this, name, ...rest);
  };
  const match = Cache.prototype.match;
  Cache.prototype.match = function (request, ...rest) {
    if (String(request.url ?? request).endsWith('/trust-list.json')) seen.listReads.push(performance.now());
    return match.call(this, request, ...rest);
  };
  const json = Response.prototype.json;
  Response.prototype.json = function (...args) {
    if (/\/config\.json$/.test(new URL(this.url || 'x:', location.href).pathname)) seen.configRead ??= performance.now();
    return json.apply(this, args);
  };
}

test("a returning visit reads the kept trust list once, begun before config.json's body is read", async () => {
  const { context, page } = await openPage(s.browser);
  try {
    await page.goto(s.link(s.fx.tokens.valid.token));
    assert.equal(await waitForVerdict(page), 'valid');
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await page.waitForFunction(async () => (await (await caches.open('cachet-trust-list')).keys()).length > 0);
    await context.addInitScript(recordReads);
    const again = await context.newPage();
    await again.goto(s.link(s.fx.tokens.valid.token));
    assert.equal(await waitForVerdict(again), 'valid');
    assert.equal(await again.evaluate(() => !!navigator.serviceWorker.controller), true, 'a returning visit, under the service worker');
    const reads = await again.evaluate(() => window.__reads);
    assert.equal(reads.listReads.length, 1, `the kept list read once: ${JSON.stringify(reads)}`);
    assert.ok(reads.configRead !== null && reads.opened < reads.configRead, `the kept list's read begun before config.json's body: ${JSON.stringify(reads)}`);
  } finally {
    await context.close();
  }
});
