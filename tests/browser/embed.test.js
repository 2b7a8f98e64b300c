// embed.html across origins: the verifier on 127.0.0.1:A (xtask serve with
// `--embed-parent` the portal), the portal (embed-examples/iframe.html) on
// 127.0.0.1:B, a hostile site on 127.0.0.1:C (ports make the origins
// differ). The portal gets ready and the result, with only the profile's
// fields; the hostile site cannot frame the verifier, and its messages,
// from a frame inside the portal, are ignored; a `parent` parameter the
// verifier's configuration does not list receives nothing.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fixtures } from './lib/fixtures.js';
import { launch, openPage, recordRequests, sleep } from './lib/browser.js';
import { startServer } from './lib/server.js';
import { startPortal } from './lib/examples.js';
import { assertClean, assertNoLeak } from './lib/harness.js';

const TRANSPORT = ['kind', 'family_name', 'given_names', 'school_year', 'valid_from', 'valid_until'];
/** Values of the valid fixture outside the transport profile (lib/fixtures.js). */
const FORBIDDEN = ['2009-04-12', '12 avril 2009', 'Lycée Louis-le-Grand', '0750654D', 'BT-0001', 'demi-pensionnaire', '"2de"'];

let fx;
let verifier;
let portal;
let hostile;
let browser;

/** The CSP a portal sends (docs/EMBEDDING.md): its own files, and frames of the verifier (and, here, of the hostile advert). */
const portalHeaders = (frames, ancestors = "'none'") => () => ({
  'content-security-policy': `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; frame-src ${frames().join(' ')}; base-uri 'none'; form-action 'none'; frame-ancestors ${ancestors}`,
  'permissions-policy': `camera=(self "${verifier.origin}")`,
  'referrer-policy': 'no-referrer',
});

before(async () => {
  fx = await fixtures();
  const origins = () => ({ verifier: verifier.origin, portal: portal.origin });
  portal = await startPortal({ headers: portalHeaders(() => [verifier.origin, hostile.origin]), origins });
  // The hostile site's advert lets itself be framed anywhere.
  hostile = await startPortal({ headers: portalHeaders(() => [verifier.origin], '*'), origins });
  verifier = await startServer({ trust: fx.trust.good, root: fx.root, args: ['--embed-parent', portal.origin] });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await verifier?.stop();
  await portal?.stop();
  await hostile?.stop();
});

/** In every top-level page: keeps each message it receives, with its origin. */
function recordMessages() {
  if (window.top !== window) return;
  const seen = [];
  Object.defineProperty(window, '__messages', { value: seen });
  window.addEventListener('message', (e) => seen.push({ origin: e.origin, data: JSON.stringify(e.data) }));
}

async function open(url) {
  const opened = await openPage(browser);
  await opened.context.addInitScript(recordMessages);
  await opened.page.goto(url);
  return opened;
}

async function messages(page) {
  return page.evaluate(() => window.__messages.map((m) => ({ origin: m.origin, data: JSON.parse(m.data) })));
}

async function waitForMessage(page, type, timeout = 30_000) {
  await page.waitForFunction((t) => window.__messages.some((m) => JSON.parse(m.data).type === t), type, { timeout });
  return (await messages(page)).filter((m) => m.data.type === type);
}

/** The verifier's frame in `page`, once it has loaded embed.js's element. */
async function embedFrame(page) {
  await page.waitForFunction(() => document.getElementById('cachet')?.contentWindow, null, { timeout: 15_000 });
  for (let i = 0; i < 150; i++) {
    const frame = page.frames().find((f) => f.url().startsWith(`${verifier.origin}/embed.html`));
    if (frame && (await frame.evaluate(() => !!document.querySelector('cachet-verifier')).catch(() => false))) return frame;
    await sleep(100);
  }
  throw new Error('the embed frame never loaded');
}

test('the server lets only the listed parents frame embed.html', async () => {
  const embed = await fetch(`${verifier.url}embed.html`);
  assert.match(embed.headers.get('content-security-policy'), new RegExp(`frame-ancestors ${portal.origin};`));
  const page = await fetch(verifier.url);
  assert.match(page.headers.get('content-security-policy'), /frame-ancestors 'none';/);
  const config = await (await fetch(`${verifier.url}config.json`)).json();
  assert.deepEqual(config.embedParents, [portal.origin]);
});

test('the portal: ready, then the result with the transport fields only, to the portal alone', async () => {
  const { context, page, problems } = await open(portal.url('iframe.html'));
  const [ready] = await waitForMessage(page, 'cachet:ready');
  assert.deepEqual(ready, { origin: verifier.origin, data: { type: 'cachet:ready', version: 1, profile: 'transport' } });
  const frame = await embedFrame(page);

  // A person pastes the link in the frame.
  await frame.locator('cachet-verifier #paste-input').fill(fx.tokens.valid.token);
  await frame.locator('cachet-verifier #paste-verify').click();
  const [result] = await waitForMessage(page, 'cachet:result');
  assert.equal(result.origin, verifier.origin);
  assert.equal(result.data.version, 1);
  assert.equal(result.data.result.status, 'valid');
  assert.equal(result.data.result.kind, 'valid'); // a portal can react to the kind: valid, not-valid-now, refused
  assert.equal(result.data.result.profile, 'transport');
  assert.deepEqual(Object.keys(result.data.result.certificate).sort(), [...TRANSPORT].sort());
  const wire = JSON.stringify(await messages(page));
  for (const v of FORBIDDEN) assert.ok(!wire.includes(v), `a message carries ${v}`);
  const shown = await frame.evaluate(() => document.querySelector('cachet-verifier').shadowRoot.textContent);
  for (const v of FORBIDDEN) assert.ok(!shown.includes(v.replaceAll('"', '')), `the frame shows ${v}`);
  assert.match(await page.locator('#portal-answer').textContent(), new RegExp(`Tarif scolaire accordé à Léa Martin \\(${fx.schoolYear}\\)`));

  // The portal reads a code itself and asks (iframe-portal.js verifyText).
  await page.evaluate(async (text) => (await import('./iframe-portal.js')).verifyText(text), fx.tokens.tampered.token);
  await page.waitForFunction(() => window.__messages.filter((m) => JSON.parse(m.data).type === 'cachet:result').length === 2);
  const second = (await messages(page)).filter((m) => m.data.type === 'cachet:result')[1];
  assert.equal(second.data.result.status, 'invalid-signature');
  assert.equal(second.data.result.kind, 'refused');
  assert.equal(await page.locator('#portal-answer').textContent(), 'Certificat refusé (invalid-signature).');

  // A message of another version is answered with an error, not acted on.
  await page.evaluate((origin) => document.getElementById('cachet').contentWindow.postMessage({ type: 'cachet:verify', version: 2, text: 'x' }, origin), verifier.origin);
  const [error] = await waitForMessage(page, 'cachet:error');
  assert.deepEqual(error.data, { type: 'cachet:error', version: 1, code: 'unsupported-message-version' });
  assert.ok((await messages(page)).every((m) => m.origin === verifier.origin), 'only the verifier spoke');
  await assertClean(page, problems);
  await context.close();
});

test('a hostile frame inside the portal asks the verifier: ignored, and it hears nothing', async () => {
  const { context, page } = await open(portal.url('iframe.html'));
  await waitForMessage(page, 'cachet:ready');
  const frame = await embedFrame(page);
  await page.evaluate(
    (src) => {
      const ad = document.createElement('iframe');
      ad.src = src;
      document.body.append(ad);
    },
    `${hostile.origin}/hostile-ad.html?text=${encodeURIComponent(fx.tokens.valid.token)}`,
  );
  const ad = await (async () => {
    for (let i = 0; i < 150; i++) {
      const f = page.frames().find((x) => x.url().startsWith(hostile.origin));
      if (f && (await f.evaluate(() => document.getElementById('posted')?.textContent === 'posted').catch(() => false))) return f;
      await sleep(100);
    }
    const seen = await Promise.all(page.frames().map(async (f) => `${f.url()}: ${await f.evaluate(() => document.body?.innerText).catch((e) => String(e))}`));
    throw new Error(`the hostile frame never posted: ${seen.join(' | ')}`);
  })();
  assert.ok(ad);
  await sleep(1500); // long enough for a verification the frame would have started (one takes milliseconds)
  assert.equal(await frame.evaluate(() => document.querySelector('cachet-verifier').getAttribute('data-status')), null);
  assert.deepEqual((await messages(page)).map((m) => m.data.type), ['cachet:ready'], 'the portal got no result');
  await context.close();
});

test('a hostile site cannot frame the verifier, even claiming the portal as parent', async () => {
  const { context, page } = await open(hostile.url('hostile-frame.html'));
  await sleep(1500);
  const loaded = await Promise.all(
    page.frames().filter((f) => f !== page.mainFrame()).map((f) => f.evaluate(() => !!document.querySelector('cachet-verifier')).catch(() => false)),
  );
  assert.ok(loaded.every((l) => l === false), 'the embed page loaded inside the hostile site');
  assert.deepEqual(await messages(page), [], 'the hostile site got a message');
  await context.close();
});

test('a parent named in the URL but not in config.json gets nothing', async () => {
  // The portal (allowed to frame) embeds the verifier naming the hostile origin as parent.
  const { context, page } = await open(portal.url('iframe.html'));
  await waitForMessage(page, 'cachet:ready');
  await page.evaluate(
    (src) => {
      const f = document.createElement('iframe');
      f.id = 'second';
      f.src = src;
      document.body.append(f);
    },
    `${verifier.origin}/embed.html?profile=full&parent=${encodeURIComponent(hostile.origin)}`,
  );
  let frame;
  for (let i = 0; i < 150 && !frame; i++) {
    frame = page.frames().find((f) => f.url().includes(encodeURIComponent(hostile.origin)));
    if (!frame) await sleep(100);
  }
  assert.ok(frame, 'the second frame did not load');
  await frame.waitForFunction(() => document.getElementById('embed-status')?.textContent.length > 0);
  await frame.locator('cachet-verifier #paste-input').fill(fx.tokens.valid.token);
  await frame.locator('cachet-verifier #paste-verify').click();
  await frame.waitForFunction(() => document.querySelector('cachet-verifier').getAttribute('data-status') === 'valid');
  await sleep(500);
  assert.deepEqual((await messages(page)).map((m) => m.data.type), ['cachet:ready'], 'only the first frame spoke');
  await context.close();
});

test('the camera inside the portal\'s iframe (allow="camera"; fake device playing the valid code)', async () => {
  const cameraBrowser = await launch([
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-video-capture=${fx.videos.valid}`,
  ]);
  try {
    const { context, page, problems } = await openPage(cameraBrowser);
    await context.addInitScript(recordMessages);
    const requests = recordRequests(context);
    await page.goto(portal.url('iframe.html'));
    await waitForMessage(page, 'cachet:ready');
    const frame = await embedFrame(page);
    await frame.locator('cachet-verifier #camera-start').click();
    const [result] = await waitForMessage(page, 'cachet:result');
    assert.equal(result.data.result.status, 'valid');
    assert.deepEqual(Object.keys(result.data.result.certificate).sort(), [...TRANSPORT].sort());
    await assertClean(page, problems);
    // Requests went to the portal and the verifier only, none with the certificate.
    const token = fx.tokens.valid.token;
    assertNoLeak(requests.filter((r) => r.url.startsWith(verifier.origin)), verifier.origin, [token]);
    assertNoLeak(requests.filter((r) => !r.url.startsWith(verifier.origin)), portal.origin, [token]);
  } finally {
    await cameraBrowser.close();
  }
});
