// Certificates are hostile text. A validly signed certificate whose fields
// hold HTML and script, listed under an issuer whose name holds an iframe,
// must render as inert text: nothing created from it, nothing run, no CSP
// violation. A signed field with a right-to-left override is refused by
// the core (malformed) and never shown. The longest names fit a phone.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openPage, sleep } from './lib/browser.js';
import { HOSTILE } from './lib/fixtures.js';
import { assertClean, expectVerdict, suite } from './lib/harness.js';

let s;
before(async () => {
  s = await suite();
});
after(async () => {
  await s?.close();
});

/** Elements that hostile text would have created, anywhere in the document. */
function injected() {
  const found = document.querySelectorAll(
    'img[src="x"], script:not([src]), iframe, svg[onload], #result b, [onerror], [onload], [srcdoc]',
  );
  return [...found].map((e) => e.outerHTML.slice(0, 80));
}

test('HTML and script in signed fields and in the issuer\'s name render as text', async () => {
  const { context, page, problems } = await openPage(s.browser);
  await page.goto(s.link(s.fx.tokens.hostile.token));
  await expectVerdict(page, problems, 'valid');
  // Give any injected handler the time to fire.
  await sleep(500);

  const text = await page.locator('#result').textContent();
  for (const field of ['school_name', 'school_town', 'academie', 'given_names', 'issuer_name']) {
    assert.ok(text.includes(HOSTILE[field]), `${field} is not shown literally: ${HOSTILE[field]}\n${text}`);
  }
  // The family name may be shown in capitals; all 64 letters are there.
  assert.ok(text.toLowerCase().includes(HOSTILE.family_name.toLowerCase()), `the family name is cut:\n${text}`);
  assert.deepEqual(await page.evaluate(injected), [], 'elements made from certificate text');
  await assertClean(page, problems);
  await context.close();
});

test('the longest names fit a 320 px wide phone screen', async () => {
  const { context, page, problems } = await openPage(s.browser, { viewport: { width: 320, height: 640 }, isMobile: true });
  await page.goto(s.link(s.fx.tokens.hostile.token));
  await expectVerdict(page, problems, 'valid');
  const { scroll, width } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    width: document.documentElement.clientWidth,
  }));
  assert.ok(scroll <= width, `the page scrolls sideways: ${scroll} px of content in ${width} px`);
  await assertClean(page, problems);
  await context.close();
});

test('a right-to-left override in a signed field is malformed and not shown', async () => {
  const { context, page, problems } = await openPage(s.browser);
  await page.goto(s.link(s.fx.tokens.bidi.token));
  await expectVerdict(page, problems, 'malformed');
  const text = await page.locator('#result').textContent();
  assert.ok(!text.includes('\u202E'), 'the override reached the screen');
  assert.ok(!text.includes('is-le-Grand'), 'a field of a refused certificate is shown');
  await assertClean(page, problems);
  await context.close();
});

test('control: the same rewriting and signing with a plain letter is valid', async () => {
  const { context, page, problems } = await openPage(s.browser);
  await page.goto(s.link(s.fx.tokens.rewritten.token));
  await expectVerdict(page, problems, 'valid');
  assert.ok((await page.locator('#result').textContent()).includes('Lycée Touis-le-Grand'));
  await assertClean(page, problems);
  await context.close();
});
