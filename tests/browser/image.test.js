// An image of a certificate's QR code, chosen with the file input: the
// issuing command's PNG, a tampered code, and a photo of the printed code.
// Images whose header claims a huge size are refused before any pixel is
// decoded (issue 10, §6): the CLI's files of cli/tests/hostile.rs.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
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

/** A real PNG of `side`² grey pixels (a few hundred KB however large), as cli/tests/hostile.rs makes it. */
function hugePng(side) {
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b) => {
    let c = 0xffffffff;
    for (const x of b) c = table[(c ^ x) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header[8] = 8; // 8-bit grey
  const rows = zlib.deflateSync(Buffer.alloc((side + 1) * side), { level: 9 });
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', rows), chunk('IEND', Buffer.alloc(0))]);
}

/** A real JPEG (the photo's) whose frame header then claims `side`². */
function jpegClaiming(jpeg, side) {
  const b = Buffer.from(jpeg);
  for (let i = 2; i + 9 <= b.length; i += 2 + b.readUInt16BE(i + 2)) {
    const m = b[i + 1];
    if (m >= 0xc0 && m <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(m)) {
      b.writeUInt16BE(side, i + 5);
      b.writeUInt16BE(side, i + 7);
      return b;
    }
  }
  throw new Error('no frame header');
}

test('images whose header claims a huge size are refused before any pixel is decoded', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cachet-image-'));
  const photo = path.join(import.meta.dirname, '..', 'data', 'qr-photos', 'qrcode-2', 'estimate-tilt.jpg');
  const files = {
    // 529 million pixels in 514 KB: 2.1 GB and 7 s of decoding in Chromium when it was not refused.
    'png-23000.png': hugePng(23_000),
    'jpeg-16000.jpg': jpegClaiming(fs.readFileSync(photo), 16_000),
  };
  const { context, page, problems } = await openPage(s.browser);
  try {
    for (const [name, bytes] of Object.entries(files)) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, bytes);
      await page.goto(s.server.url);
      await page.locator('#image-input').setInputFiles(file);
      await page.waitForFunction(() => !['', 'imageReading'].includes(document.getElementById('image-message').dataset.key ?? ''), null, {
        timeout: 30_000,
      });
      assert.equal(await page.locator('#image-message').getAttribute('data-key'), 'imageTooLarge', name);
      assert.match(await page.locator('#image-message').innerText(), /trop grande/, name);
      assert.equal(await page.locator('#result').getAttribute('data-status'), null, `${name}: no verdict`);
    }
    await assertClean(page, problems);
  } finally {
    await context.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
