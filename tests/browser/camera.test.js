// The camera: Chromium's fake video device plays a video made from a real
// signed QR code (YUV4MPEG2, see lib/images.js); one browser per video.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
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

test('a queue of certificates: the camera stays on, each new code replaces the verdict without a click; the beep and vibration, asked for, are remembered', async () => {
  // The valid code for 3 seconds, then the tampered one, again and again (the fake device loops its file).
  const [valid, tampered] = [fx.videos.valid, fx.videos.tampered].map((f) => fs.readFileSync(f));
  const header = valid.subarray(0, valid.indexOf(10) + 1);
  assert.deepEqual(header, tampered.subarray(0, tampered.indexOf(10) + 1), 'the two videos differ in size or rate');
  const queue = path.join(path.dirname(fx.videos.valid), 'queue.y4m');
  fs.writeFileSync(queue, Buffer.concat([header, valid.subarray(header.length), tampered.subarray(header.length)]));
  const browser = await launch(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${queue}`]);
  try {
    const { context, page, problems } = await openPage(browser);
    // Every vibration the page asks for, and every sentence its live region says.
    await context.addInitScript(() => {
      window.__vibrations = [];
      Object.defineProperty(Navigator.prototype, 'vibrate', { value: (ms) => window.__vibrations.push(ms) });
    });
    await page.goto(server.url);
    await page.locator('#sound').check();
    await page.reload();
    assert.equal(await page.locator('#sound').isChecked(), true, 'the sound switch is not remembered');
    await page.evaluate(() => {
      window.__said = [];
      window.__statuses = [];
      const region = document.getElementById('announce');
      const result = document.getElementById('result');
      new MutationObserver(() => region.textContent && window.__said.push(region.textContent)).observe(region, { childList: true, characterData: true, subtree: true });
      new MutationObserver(() => result.dataset.status && window.__statuses.push(result.dataset.status)).observe(result, { attributes: true, attributeFilter: ['data-status'] });
    });
    await page.locator('#camera-start').click();
    // valid, then invalid-signature, then valid again: three verdicts, one click.
    await page.waitForFunction(() => window.__statuses.join(' ').includes('valid invalid-signature valid'), null, { timeout: 60_000 });
    const said = await page.evaluate(() => window.__said);
    for (let i = 1; i < said.length; i++) assert.notEqual(said[i], said[i - 1], `the same verdict said twice in a row: ${said[i]}`);
    assert.ok(said.some((s) => s.startsWith('Certificat valide.')) && said.some((s) => s.startsWith('Certificat falsifié')), said.join(' | '));
    assert.equal(await page.locator('#camera-stop').isVisible(), true, 'the camera stopped');
    // One vibration per verdict, its length telling the kind: 150 ms valid, 500 ms refused.
    const vibrations = await page.evaluate(() => window.__vibrations);
    assert.ok(vibrations.length >= 3, `vibrations: ${vibrations}`);
    assert.ok(vibrations.every((ms) => ms === 150 || ms === 500) && vibrations.includes(150) && vibrations.includes(500), `vibrations: ${vibrations}`);
    await assertClean(page, problems);
  } finally {
    await browser.close();
  }
});
