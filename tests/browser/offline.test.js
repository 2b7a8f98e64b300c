// After one visit the page loads and verifies with the network off: the
// service worker serves the app, the wasm module and the last trust list.
// Offline is both Chromium's offline mode and the server stopped.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openPage, watch } from './lib/browser.js';
import { assertClean, expectVerdict, suite } from './lib/harness.js';

let s;
before(async () => {
  s = await suite();
});
after(async () => {
  await s?.close();
});

test('one visit, then offline: a link still verifies', async () => {
  const { context, page, problems } = await openPage(s.browser);
  await page.goto(s.link(s.fx.tokens.valid.token));
  await expectVerdict(page, problems, 'valid');
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  // The first visit is not controlled until the worker claims it or the page reloads.
  for (let i = 0; i < 3 && !(await page.evaluate(() => !!navigator.serviceWorker.controller)); i++) {
    await page.reload();
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  }
  assert.equal(await page.evaluate(() => !!navigator.serviceWorker.controller), true, 'no service worker controls the page');

  await s.server.stop();
  await context.setOffline(true);

  // A reload of the page, then a certificate typed in.
  await page.reload();
  await page.locator('#paste-input').fill(s.fx.tokens['revoked-key'].token);
  await page.locator('#paste-verify').click();
  await expectVerdict(page, problems, 'revoked');

  // A new tab opening a certificate's link.
  const tab = await context.newPage();
  const tabProblems = watch(tab);
  await tab.goto(s.link(s.fx.tokens.valid.token));
  await expectVerdict(tab, tabProblems, 'valid');
  // Chromium answers the page and its modules by the worker's static routes (sw.js addShellRoutes),
  // from the shell's cache, without starting the worker for them.
  const sources = await tab.evaluate(() =>
    [performance.getEntriesByType('navigation')[0], ...performance.getEntriesByType('resource')].map((e) => ({ path: new URL(e.name).pathname, source: e.workerFinalSourceType })),
  );
  const pagePath = new URL(s.link('x')).pathname;
  const shell = sources.filter((e) => e.path === pagePath || /\/(boot|app|early)(\.[0-9a-f]{16})?\.js$|\.wasm$/.test(e.path));
  assert.ok(shell.length >= 5, `the page, boot.js, app.js, early.js and the wasm among ${JSON.stringify(sources)}`);
  assert.deepEqual(shell.filter((e) => e.source !== 'cache'), [], 'answered by the static routes from the cache');
  await assertClean(page, problems);
  await assertClean(tab, tabProblems);
  await context.close();
});
