// What the clerk and the parent see (issue 15): the camera first, inside
// the first screen of a phone and of a desktop; every vector's verdict in
// its kind (valid, genuine but not valid now, refused) with its next step;
// no raw code and no ISO or UTC timestamp in any sentence a person reads
// (outside the details kept for support), in French and in English; the
// accessibility tree says each verdict once, in a live region.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { openPage, STATUSES } from './lib/browser.js';
import { startServer } from './lib/server.js';
import { assertClean, expectVerdict, suite } from './lib/harness.js';
import { FIXTURES } from './lib/paths.js';

/** The screenshots, beside this run's fixtures (not committed). */
const ARTIFACTS = path.join(FIXTURES, 'screens');

/** The kind each status must read as: the contract of docs/EMBEDDING.md. */
export const KIND = {
  valid: 'valid',
  expired: 'not-valid-now',
  'not-yet-valid': 'not-valid-now',
  malformed: 'refused',
  'unsupported-version': 'refused',
  'unknown-issuer': 'refused',
  'invalid-signature': 'refused',
  'issuer-key-not-valid': 'refused',
  revoked: 'refused',
  'trust-list-invalid': 'refused',
  'trust-list-expired': 'refused',
};

let s;
before(async () => {
  s = await suite();
});
after(async () => {
  await s?.close();
});

const SIZES = [
  ['phone', { width: 390, height: 844 }],
  ['desktop', { width: 1280, height: 800 }],
];

for (const [name, viewport] of SIZES) {
  test(`${name} ${viewport.width}×${viewport.height}: the camera button is the first control after the language switch, the largest, inside the first screen`, async () => {
    const { context, page, problems } = await openPage(s.browser, { viewport });
    await page.goto(s.server.url);
    await page.locator('#camera-start').waitFor();
    const shot = path.join(ARTIFACTS, `start-${name}.png`);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: shot });
    const box = await page.locator('#camera-start').boundingBox();
    assert.ok(box && box.y >= 0 && box.y + box.height <= viewport.height, `the camera button is at ${JSON.stringify(box)}, outside the first screen (${shot})`);
    // The controls in document order, as Tab reaches them: the language switch, then the camera.
    const order = await page.evaluate(() =>
      [...document.querySelectorAll('button, input, select, textarea, a[href]')]
        .filter((el) => el.getClientRects().length > 0 && !el.closest('[hidden]') && !el.matches('.skip-link'))
        .map((el) => el.id),
    );
    assert.deepEqual(order.slice(0, 2), ['lang-toggle', 'camera-start'], `controls in order: ${order.join(', ')}`);
    // The largest action on the screen.
    const areas = await page.evaluate(() =>
      [...document.querySelectorAll('button, input, select, textarea')]
        .filter((el) => el.getClientRects().length > 0)
        .map((el) => {
          const r = el.getBoundingClientRect();
          return [el.id, r.width * r.height];
        }),
    );
    const largest = areas.reduce((a, b) => (b[1] > a[1] ? b : a));
    const camera = areas.find(([id]) => id === 'camera-start')[1];
    const actions = areas.filter(([id]) => ['paste-verify', 'image-input', 'lang-toggle'].includes(id));
    for (const [id, area] of actions) assert.ok(camera > area, `${id} (${area}) is larger than the camera button (${camera})`);
    assert.ok(largest[0] === 'camera-start' || largest[0] === 'paste-input', `the largest control is ${largest[0]}`);
    await assertClean(page, problems);
    await context.close();
  });
}

/** Everything a person reads in the verdict, outside the details kept for support. */
function readText(page) {
  return page.evaluate(() => {
    const copy = document.querySelector('#result').cloneNode(true);
    for (const d of copy.querySelectorAll('details')) d.remove();
    return [copy.textContent, document.querySelector('#announce').textContent, document.querySelector('#trust-info').textContent].join('\n');
  });
}

// The codes as they would leak: every hyphenated one in both languages; the
// one-word codes (valid, expired, revoked, malformed) are English words, so
// they are looked for in the French view only.
const CODES = [...STATUSES, 'after-school-year', 'trust-list-rollback', 'not-run', 'issuer-key', 'trust-list'];
const ISO = /\d{4}-\d\d-\d\d|\d\d:\d\d:\d\d|\bUTC\b|T\d\d:\d\d|\d\dZ\b/;

/** Checks the words of a verdict shown in `lang`: its kind, its next step, no code, no ISO time. */
async function checkWords(page, status, lang) {
  const kind = KIND[status];
  assert.equal(await page.locator('#result').getAttribute('data-kind'), kind, `${status} reads as ${kind}`);
  const text = await readText(page);
  for (const code of CODES.filter((c) => lang === 'fr' || c.includes('-'))) {
    assert.ok(!new RegExp(`(^|[^\\p{L}-])${code}([^\\p{L}-]|$)`, 'u').test(text), `${lang}: the code ${code} is shown: ${text}`);
  }
  assert.doesNotMatch(text, ISO, `${lang}: a machine timestamp is shown`);
  assert.doesNotMatch(text, /'/, `${lang}: a straight apostrophe (the page writes ’)`);
  const next = await page.locator('#result .verdict-next').innerText();
  assert.match(next, lang === 'fr' ? /^À faire : \S/ : /^What to do: \S/);
  if (kind === 'not-valid-now') {
    assert.match(text, lang === 'fr' ? /Authentique mais/ : /Genuine but/);
    assert.doesNotMatch(text, /ne pas s’y fier|do not rely|falsifié|forged/i, 'a genuine certificate is never called a forgery');
  }
  if (kind === 'refused') assert.match(text, lang === 'fr' ? /ne pas s’y fier|Vérification impossible/ : /do not rely|Cannot verify/);
  if (status === 'not-yet-valid' && lang === 'fr') assert.match(next, /valable à partir du (1er|\d{1,2}) [a-zéû]+ \d{4}\./);
}

const VECTORS = ['valid', 'tampered', 'malformed', 'unsupported-version', 'unknown-issuer', 'key-outside-window', 'revoked-serial', 'revoked-key', 'not-yet-valid', 'expired'];

/** Opens `link` (with `beforeLoad` run first), expects `status`, then checks its words in French and English. */
async function wordsAt(link, status, { beforeLoad } = {}) {
  const { context, page, problems } = await openPage(s.browser);
  try {
    if (beforeLoad) await beforeLoad(page);
    await page.goto(link);
    await expectVerdict(page, problems, status);
    await checkWords(page, status, 'fr');
    await page.locator('#lang-toggle').click();
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await checkWords(page, status, 'en');
    await assertClean(page, problems);
  } finally {
    await context.close();
  }
}

const seen = new Set();
for (const name of VECTORS) {
  test(`${name}: its kind, its next step, plain words in French and English`, async () => {
    const { token, status } = s.fx.tokens[name];
    await wordsAt(s.link(token), status);
    seen.add(status);
  });
}

test('trust-list-expired and trust-list-invalid: refused, plain words', async () => {
  await wordsAt(s.link(s.fx.tokens.valid.token), 'trust-list-expired', {
    beforeLoad: (page) => page.clock.setFixedTime(Date.now() + 40 * 86400 * 1000),
  });
  seen.add('trust-list-expired');
  const server = await startServer({ trust: s.fx.trust.tampered, root: s.fx.root });
  try {
    await wordsAt(`${server.url}#${s.fx.tokens.valid.token}`, 'trust-list-invalid');
    seen.add('trust-list-invalid');
  } finally {
    await server.stop();
  }
});

test('every status of the vocabulary was read in its kind', () => {
  assert.deepEqual([...seen].sort(), [...STATUSES].sort());
});

test('dates in French form and Paris time: "6 décembre 2026 à 9 h 39"', async () => {
  const { context, page, problems } = await openPage(s.browser);
  await page.goto(s.link(s.fx.tokens.valid.token));
  await expectVerdict(page, problems, 'valid');
  const text = await readText(page);
  assert.match(text, /Valable\s*du (1er|\d{1,2}) [a-zéû]+ \d{4} au \d{1,2} [a-zéû]+ \d{4} inclus/);
  assert.match(text, /version \d+ du (1er|\d{1,2}) [a-zéû]+ \d{4} à \d{1,2}\sh\s\d\d\./);
  await context.close();
});

/** The live regions of the page's accessibility tree (Chromium's, through the DevTools protocol), with their text. */
async function liveRegions(page) {
  const cdp = await page.context().newCDPSession(page);
  const { nodes } = await cdp.send('Accessibility.getFullAXTree');
  const byId = new Map(nodes.map((n) => [n.nodeId, n]));
  const textOf = (n) => {
    const own = n.role?.value === 'StaticText' ? (n.name?.value ?? '') : '';
    return own + (n.childIds ?? []).map((id) => (byId.has(id) ? textOf(byId.get(id)) : '')).join('');
  };
  const live = nodes.filter((n) => (n.properties ?? []).some((p) => p.name === 'live' && p.value.value !== 'off'));
  // A node inside a live region is reported as live too: keep the regions' roots.
  const roots = live.filter((n) => !live.some((m) => m !== n && (m.childIds ?? []).includes(n.nodeId)));
  await cdp.detach();
  return roots.map((n) => ({ role: n.role?.value, text: textOf(n) }));
}

for (const [name, words] of [
  ['valid', [/Certificat valide/, /À faire : Comparez ces informations avec une pièce d’identité/]],
  ['expired', [/Authentique mais plus valable/, /À faire : Demandez le certificat de cette année/]],
  ['tampered', [/ne pas s’y fier/, /À faire : Refusez-le/]],
]) {
  test(`the accessibility tree says the ${name} verdict once, in a live region, with its kind and its next step`, async () => {
    const { context, page, problems } = await openPage(s.browser);
    await page.goto(s.server.url);
    await page.locator('#paste-input').fill(s.fx.tokens[name].token);
    await page.locator('#paste-verify').click();
    await expectVerdict(page, problems, s.fx.tokens[name].status);
    const title = await page.locator('#result .verdict-words').innerText();
    const regions = await liveRegions(page);
    const saying = regions.filter((r) => r.text.includes(title));
    assert.equal(saying.length, 1, `the verdict is in ${saying.length} live regions: ${JSON.stringify(regions)}`);
    assert.equal(saying[0].role, 'status');
    for (const w of words) assert.match(saying[0].text, w);
    // The card itself, with its fields and checks, is no live region: it is not read out whole.
    assert.ok(saying[0].text.length < 300, `the live region reads too much: ${saying[0].text}`);
    await assertClean(page, problems);
    await context.close();
  });
}
