// The package in a Vite 7 app: installed from the tarball, `vite build`
// with no plugin and no config, the build served under the page's strict
// CSP, a real certificate verified in Chromium, and a tampered one refused.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { build } from 'vite';
import { launch, openPage } from './lib/browser.js';
import { WORK } from './lib/paths.js';
import { assertClean, hostFiles, thisRun, verifyInPage } from './lib/run.js';
import { startStatic } from './lib/server.js';

const { fixtures } = thisRun();
const dist = path.join(WORK, 'vite-dist');
let server;
let browser;

before(async () => {
  await build({
    root: path.join(WORK, 'vite-app'),
    configFile: false,
    logLevel: 'warn',
    build: { outDir: dist, emptyOutDir: true },
  });
  server = await startStatic({ mounts: { '/': dist }, files: hostFiles(fixtures) });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('vite build copies the wasm once, as an asset of the app', () => {
  const assets = fs.readdirSync(path.join(dist, 'assets'));
  const wasm = assets.filter((f) => f.endsWith('.wasm'));
  assert.equal(wasm.length, 1, `wasm assets: ${assets.join(', ')}`);
  const installed = fs.readFileSync(path.join(WORK, 'node_modules/@cachet/verifier/pkg/cachet_bg.wasm'));
  assert.ok(fs.readFileSync(path.join(dist, 'assets', wasm[0])).equals(installed), 'the emitted wasm is the package’s');
});

test('the Vite app verifies a certificate under the strict CSP, and refuses a tampered one', async () => {
  const session = await openPage(browser);
  try {
    await session.page.goto(server.origin + '/');
    const valid = await verifyInPage(session.page, fixtures.tokens.valid);
    assert.equal(valid.status, 'valid');
    assert.match(valid.shown, /Léa Martin/);
    const tampered = await verifyInPage(session.page, fixtures.tokens.tampered);
    assert.equal(tampered.status, 'invalid-signature');
    assert.doesNotMatch(tampered.shown, /Martin/, 'no field of a certificate whose signature failed');
    await assertClean(session, server.origin);
    assert.ok(server.served.some((p) => /^\/assets\/cachet_bg-.*\.wasm$/.test(p)), `served: ${server.served.join(', ')}`);
  } finally {
    await session.context.close();
  }
});
