// Every status of the vocabulary, reached from the page by opening a
// certificate's link: the page must say what the core says, and only an
// explicit `valid` is valid.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { STATUSES, openPage } from './lib/browser.js';
import { startServer } from './lib/server.js';
import { assertClean, expectVerdict, suite } from './lib/harness.js';

let s;
const reached = new Set();
before(async () => {
  s = await suite();
});
after(async () => {
  await s?.close();
});

/** Opens `link` in a fresh context and expects `expected`. */
async function expectAt(link, expected, { beforeLoad } = {}) {
  const { context, page, problems } = await openPage(s.browser);
  try {
    if (beforeLoad) await beforeLoad(page);
    await page.goto(link);
    await expectVerdict(page, problems, expected);
    await assertClean(page, problems);
    reached.add(expected);
  } finally {
    await context.close();
  }
}

const CASES = [
  'valid',
  'tampered',
  'malformed',
  'unsupported-version',
  'unknown-issuer',
  'key-outside-window',
  'revoked-serial',
  'revoked-key',
  'not-yet-valid',
  'expired',
];

for (const name of CASES) {
  test(`${name}`, async () => {
    const { token, status } = s.fx.tokens[name];
    await expectAt(s.link(token), status);
  });
}

test('trust-list-expired: the page\'s clock 40 days after the list was signed (30 days + 7 of grace)', async () => {
  const later = Date.now() + 40 * 86400 * 1000;
  await expectAt(s.link(s.fx.tokens.valid.token), 'trust-list-expired', {
    beforeLoad: (page) => page.clock.setFixedTime(later),
  });
});

for (const [trust, why] of [
  ['otherRoot', 'a list signed by a root the page does not pin'],
  ['tampered', 'the good list with one letter changed'],
]) {
  test(`trust-list-invalid: ${why}`, async () => {
    const server = await startServer({ trust: s.fx.trust[trust], root: s.fx.root });
    try {
      await expectAt(`${server.url}#${s.fx.tokens.valid.token}`, 'trust-list-invalid');
    } finally {
      await server.stop();
    }
  });
}

test('could not verify: without its wasm module the page says so and never "valid"', async () => {
  const { context, page, problems } = await openPage(s.browser);
  try {
    await page.route('**/*.wasm', (route) => route.abort('failed'));
    await page.goto(s.link(s.fx.tokens.valid.token));
    await expectVerdict(page, problems, 'error', { timeout: 20_000 });
  } finally {
    await context.close();
  }
});

test('every status of the vocabulary was reached', () => {
  assert.deepEqual([...reached].sort(), [...STATUSES].sort());
});
