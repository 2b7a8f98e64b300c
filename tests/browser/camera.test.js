// The camera: Chromium's fake video device plays a video made from a real
// signed QR code (YUV4MPEG2, see lib/images.js); one browser per video.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fixtures } from './lib/fixtures.js';
import { launch, openPage, recordRequests } from './lib/browser.js';
import { startServer } from './lib/server.js';
import { assertClean, assertNoLeak, expectVerdict } from './lib/harness.js';

let fx;
let server;
before(async () => {
  fx = await fixtures();
  server = await startServer({ trust: fx.trust.good, root: fx.root });
});
after(async () => {
  await server?.stop();
});

async function scan(video, token, expected) {
  const browser = await launch([
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-video-capture=${video}`,
  ]);
  try {
    const { context, page, problems } = await openPage(browser);
    const requests = recordRequests(context);
    await page.goto(server.url);
    await page.locator('#camera-start').click();
    await expectVerdict(page, problems, expected, { timeout: 30_000 });
    // The camera is offered, with its picker, and plays inline.
    assert.equal(await page.locator('#camera-video').evaluate((v) => v.playsInline && v.muted), true);
    assert.ok((await page.locator('#camera-select option').count()) >= 1, 'no camera in #camera-select');
    await assertClean(page, problems);
    assertNoLeak(requests, server.origin, [token]);
  } finally {
    await browser.close();
  }
}

test('a video of the valid certificate\'s QR code', async () => {
  await scan(fx.videos.valid, fx.tokens.valid.token, 'valid');
});

test('a video of the tampered certificate\'s QR code', async () => {
  await scan(fx.videos.tampered, fx.tokens.tampered.token, 'invalid-signature');
});
