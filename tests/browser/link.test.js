// A certificate's link opens the page and verifies at once; the token then
// leaves the address bar and the history.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openPage, recordRequests, resultText, statusOf } from './lib/browser.js';
import { assertClean, assertNoLeak, expectVerdict, suite } from './lib/harness.js';

let s;
before(async () => {
  s = await suite();
});
after(async () => {
  await s?.close();
});

test('a link verifies on load, then its token is gone from the address bar and the history', async () => {
  const { context, page, problems } = await openPage(s.browser);
  const requests = recordRequests(context);
  const { token } = s.fx.tokens.valid;
  await page.goto(s.link(token));
  await expectVerdict(page, problems, 'valid');

  assert.equal(await page.evaluate(() => location.hash), '');
  assert.equal(await page.evaluate(() => location.href), s.server.url);
  const cdp = await context.newCDPSession(page);
  const { entries } = await cdp.send('Page.getNavigationHistory');
  assert.ok(entries.length >= 1);
  for (const entry of entries) {
    assert.ok(!entry.url.includes(token.slice(0, 20)) && !entry.url.includes('#CC'), `history holds ${entry.url}`);
  }

  // What the clerk reads: the pupil, the school, the issuer from the trust list.
  const text = (await resultText(page)).toLowerCase();
  for (const shown of ['Martin', 'Léa', 'Lycée Louis-le-Grand', '0750654D', 'Académie de Paris', s.fx.schoolYear]) {
    assert.ok(text.includes(shown.toLowerCase()), `the verdict does not show "${shown}":\n${text}`);
  }
  // The trust list's date is shown.
  const trustInfo = await page.locator('#trust-info').innerText();
  assert.ok(trustInfo.trim().length > 0, '#trust-info is empty');
  assert.ok(trustInfo.includes(s.fx.today.slice(0, 4)), `#trust-info does not show the list's year: ${trustInfo}`);

  await assertClean(page, problems);
  assertNoLeak(requests, s.server.origin, [token]);
  await context.close();
});

test('a second link opened in the same page (hashchange) verifies too, and its token goes', async () => {
  const { context, page, problems } = await openPage(s.browser);
  const requests = recordRequests(context);
  await page.goto(s.server.url);
  await page.locator('#paste-input').waitFor();
  assert.equal(await statusOf(page), '');
  const { token } = s.fx.tokens['revoked-serial'];
  await page.evaluate((t) => {
    location.hash = t;
  }, token);
  await expectVerdict(page, problems, 'revoked');
  await page.waitForFunction(() => location.hash === '');
  await assertClean(page, problems);
  assertNoLeak(requests, s.server.origin, [token]);
  await context.close();
});

test('"Vérifier un autre certificat" goes back to idle', async () => {
  const { context, page, problems } = await openPage(s.browser);
  await page.goto(s.link(s.fx.tokens.expired.token));
  await expectVerdict(page, problems, 'expired');
  await page.locator('#again').click();
  await page.waitForFunction(() => !document.querySelector('#result').getAttribute('data-status'));
  assert.equal(await statusOf(page), '');
  await assertClean(page, problems);
  await context.close();
});
