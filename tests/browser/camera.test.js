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
    // Every sentence the live region says, recorded as it is said.
    await page.evaluate(() => {
      window.__said = [];
      const region = document.getElementById('announce');
      new MutationObserver(() => region.textContent && window.__said.push(region.textContent)).observe(region, { childList: true, characterData: true, subtree: true });
    });
    await page.locator('#camera-start').click();
    await expectVerdict(page, problems, expected, { timeout: 30_000 });
    // The camera stays on for the next certificate, and the code still in view is not verified again.
    assert.equal(await page.locator('#camera-stop').isVisible(), true, 'the camera stopped after one code');
    const frames = await page.evaluate(() => new Promise((done) => {
      const video = document.getElementById('camera-video');
      let n = 0;
      const count = () => (++n >= 30 ? done(n) : video.requestVideoFrameCallback(count));
      video.requestVideoFrameCallback(count);
    }));
    assert.ok(frames >= 30);
    assert.equal((await page.evaluate(() => window.__said)).length, 1, 'the same code was said more than once');
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
