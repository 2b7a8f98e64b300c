// axe-core finds no WCAG 2.1 A or AA violation, in French and in English,
// while idle, on a valid verdict, on a refusal and on "could not verify";
// and the language switch says which language the page is in.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { openPage, statusOf } from './lib/browser.js';
import { NODE_MODULES } from './lib/paths.js';
import { expectVerdict, suite } from './lib/harness.js';

const AXE = fs.readFileSync(path.join(NODE_MODULES, 'axe-core', 'axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

let s;
before(async () => {
  s = await suite();
});
after(async () => {
  await s?.close();
});

/** axe's violations on the page as it is, one line each. */
async function axe(page) {
  // Evaluated by the driver, not loaded by the page: the page's CSP stays as served.
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE);
  const { violations, passes } = await page.evaluate(
    (tags) =>
      window.axe
        .run(document, { runOnly: { type: 'tag', values: tags } })
        .then((r) => ({ violations: r.violations, passes: r.passes.length })),
    TAGS,
  );
  assert.ok(passes > 10, `axe checked almost nothing (${passes} rules passed)`);
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

async function switchTo(page, lang) {
  if ((await page.evaluate(() => document.documentElement.lang)) !== lang) {
    await page.locator('#lang-toggle').click();
    await page.waitForFunction((l) => document.documentElement.lang === l, lang);
  }
}

const STATES = {
  idle: { open: (p) => p.goto(s.server.url), expect: '' },
  valid: { open: (p) => p.goto(s.link(s.fx.tokens.valid.token)), expect: 'valid' },
  refused: { open: (p) => p.goto(s.link(s.fx.tokens.tampered.token)), expect: 'invalid-signature' },
  error: {
    open: async (p) => {
      await p.route('**/*.wasm', (route) => route.abort('failed'));
      await p.goto(s.link(s.fx.tokens.valid.token));
    },
    expect: 'error',
  },
};

for (const lang of ['fr', 'en']) {
  for (const [name, state] of Object.entries(STATES)) {
    test(`${lang}, ${name}: no WCAG 2.1 A/AA violation`, async () => {
      const { context, page, problems } = await openPage(s.browser);
      try {
        await state.open(page);
        if (state.expect) await expectVerdict(page, problems, state.expect, { timeout: 20_000 });
        else await page.locator('#paste-input').waitFor();
        await switchTo(page, lang);
        assert.equal(await statusOf(page), state.expect);
        assert.deepEqual(await axe(page), []);
      } finally {
        await context.close();
      }
    });
  }
}

test('the language switch sets <html lang>, translates the page, and is remembered', async () => {
  const { context, page, problems } = await openPage(s.browser);
  await page.goto(s.link(s.fx.tokens.valid.token));
  await expectVerdict(page, problems, 'valid');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'fr');
  const french = await page.locator('#result').innerText();
  await switchTo(page, 'en');
  const english = await page.locator('#result').innerText();
  assert.notEqual(english, french, 'the verdict did not change language');
  assert.ok(/valid/i.test(english) && !english.includes('Certificat valide'), english);
  await page.reload();
  await page.locator('#paste-input').waitFor();
  // Drawn in English once its strings (i18n-en.js) are here, before anything else is drawn.
  await page.waitForFunction(() => document.documentElement.lang === 'en', null, { timeout: 5000 });
  assert.equal(await page.locator('#lang-toggle').innerText(), 'Français');
  await context.close();
});
