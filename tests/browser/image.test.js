// An image of a certificate's QR code, chosen with the file input: the
// issuing command's PNG, a tampered code, and a photo of the printed code.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openPage, recordRequests, waitForVerdict } from './lib/browser.js';
import { assertClean, assertNoLeak, suite } from './lib/harness.js';

let s;
before(async () => {
  s = await suite();
});
after(async () => {
  await s?.close();
});

async function upload(file, token) {
  const { context, page, problems } = await openPage(s.browser);
  const requests = recordRequests(context);
  await page.goto(s.server.url);
  await page.locator('#image-input').setInputFiles(file);
  const status = await waitForVerdict(page, { timeout: 30_000 });
  await assertClean(page, problems);
  assertNoLeak(requests, s.server.origin, [token]);
  await context.close();
  return status;
}

test('the PNG QR code made by `cachet issue --qr`', async () => {
  assert.equal(await upload(s.fx.images.valid, s.fx.tokens.valid.token), 'valid');
});

test('a QR code of the same link with one character changed', async () => {
  assert.equal(await upload(s.fx.images.tampered, s.fx.tokens.tampered.token), 'invalid-signature');
});

test('a photo of the printed code: 1600×1200, turned 7°, on a grey desk', async () => {
  assert.equal(await upload(s.fx.images.validPhoto, s.fx.tokens.valid.token), 'valid');
});
