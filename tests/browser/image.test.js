// An image of a certificate's QR code, chosen with the file input: the
// issuing command's PNG, a tampered code, and a photo of the printed code.

import { after, before, test } from 'node:test';
import { openPage, recordRequests } from './lib/browser.js';
import { assertClean, assertNoLeak, expectVerdict, suite } from './lib/harness.js';

let s;
before(async () => {
  s = await suite();
});
after(async () => {
  await s?.close();
});

async function upload(file, token, expected) {
  const { context, page, problems } = await openPage(s.browser);
  const requests = recordRequests(context);
  await page.goto(s.server.url);
  await page.locator('#image-input').setInputFiles(file);
  await expectVerdict(page, problems, expected, { timeout: 30_000 });
  await assertClean(page, problems);
  assertNoLeak(requests, s.server.origin, [token]);
  await context.close();
}

test('the PNG QR code made by `cachet issue --qr`', async () => {
  await upload(s.fx.images.valid, s.fx.tokens.valid.token, 'valid');
});

test('a QR code of the same link with one character changed', async () => {
  await upload(s.fx.images.tampered, s.fx.tokens.tampered.token, 'invalid-signature');
});

test('a photo of the printed code: 1600×1200, turned 7°, on a grey desk', async () => {
  await upload(s.fx.images.validPhoto, s.fx.tokens.valid.token, 'valid');
});
