// The package in a page without a bundler: its files served as they are
// from the unpacked tarball, a `<script type="module">` importing them,
// under the page's strict CSP, in Chromium.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { launch, openPage } from './lib/browser.js';
import { INSTALLED, WORK } from './lib/paths.js';
import { assertClean, hostFiles, thisRun, verifyInPage } from './lib/run.js';
import { startStatic } from './lib/server.js';

const { fixtures } = thisRun();
let server;
let browser;

before(async () => {
  server = await startStatic({
    mounts: { '/': path.join(WORK, 'bare'), '/vendor/cachet-verifier/': INSTALLED },
    files: hostFiles(fixtures),
  });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('a bare page verifies a certificate with the package’s files, and refuses a tampered one', async () => {
  const session = await openPage(browser);
  try {
    await session.page.goto(server.origin + '/');
    const valid = await verifyInPage(session.page, fixtures.tokens.valid);
    assert.equal(valid.status, 'valid');
    assert.match(valid.shown, /Léa Martin/);
    const tampered = await verifyInPage(session.page, fixtures.tokens.tampered);
    assert.equal(tampered.status, 'invalid-signature');
    await assertClean(session, server.origin);
    assert.ok(server.served.includes('/vendor/cachet-verifier/pkg/cachet_bg.wasm'), `served: ${server.served.join(', ')}`);
  } finally {
    await session.context.close();
  }
});
