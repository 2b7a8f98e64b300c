// Pasting or typing a certificate's text or link, and the whole flow with
// the keyboard alone.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openPage, recordRequests, statusOf } from './lib/browser.js';
import { assertClean, assertNoLeak, expectVerdict, suite } from './lib/harness.js';

let s;
before(async () => {
  s = await suite();
});
after(async () => {
  await s?.close();
});

async function paste(text, expected) {
  const { context, page, problems } = await openPage(s.browser);
  const requests = recordRequests(context);
  await page.goto(s.server.url);
  await page.locator('#paste-input').fill(text);
  await page.locator('#paste-verify').click();
  await expectVerdict(page, problems, expected);
  await assertClean(page, problems);
  assertNoLeak(requests, s.server.origin, [text]);
  await context.close();
}

test('a pasted token', async () => {
  await paste(s.fx.tokens.valid.token, 'valid');
});

test('a pasted verifier link (of another host) is read locally', async () => {
  await paste(s.fx.validUrl, 'valid');
});

test('a pasted tampered token', async () => {
  await paste(s.fx.tokens.tampered.token, 'invalid-signature');
});

test('pasted text that is no certificate', async () => {
  await paste('Bonjour, voici mon certificat', 'malformed');
});

/** Presses Tab until `selector` has the focus (at most `max` times); fails otherwise. */
async function tabTo(page, selector, { max = 40, key = 'Tab' } = {}) {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((sel) => document.activeElement?.matches(sel) ?? false, selector)) return;
    await page.keyboard.press(key);
  }
  const at = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 80));
  assert.fail(`${selector} never got the focus with ${key} (focus on ${at})`);
}

test('keyboard only: Tab to the paste box, type, verify, read the verdict, start again', async () => {
  const { context, page, problems } = await openPage(s.browser);
  await page.goto(s.server.url);
  await page.locator('#paste-input').waitFor();
  await tabTo(page, '#paste-input');
  await page.keyboard.insertText(s.fx.tokens.valid.token);
  await tabTo(page, '#paste-verify');
  await page.keyboard.press('Enter');
  await expectVerdict(page, problems, 'valid');

  // The verdict is where the focus goes (or is reachable from there), then "Vérifier un autre certificat".
  await tabTo(page, '#again');
  await page.keyboard.press('Space');
  await page.waitForFunction(() => !document.querySelector('#result').getAttribute('data-status'));
  assert.equal(await statusOf(page), '');

  // And again, this time going backwards with Shift+Tab from wherever the focus landed, then Space on the button.
  await tabTo(page, '#paste-input', { key: 'Shift+Tab' });
  await page.keyboard.insertText(s.fx.tokens.expired.token);
  await tabTo(page, '#paste-verify');
  await page.keyboard.press('Space');
  await expectVerdict(page, problems, 'expired');
  await assertClean(page, problems);
  await context.close();
});
