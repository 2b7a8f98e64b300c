// The package's `./element` export, <cachet-verifier>, as installed from
// the tarball: in a Vite 7 build (`import '@cachet/verifier/element'`) and
// in a page loading the installed files by path, both under the page's
// strict CSP and Trusted Types. The element's own behaviour is tested in
// tests/browser/element.test.js; here, that the package carries all it needs.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { build } from 'vite';
import { launch, openPage } from './lib/browser.js';
import { INSTALLED, WORK } from './lib/paths.js';
import { assertClean, hostFiles, thisRun } from './lib/run.js';
import { startStatic } from './lib/server.js';

const { fixtures } = thisRun();
const TRANSPORT = ['kind', 'family_name', 'given_names', 'school_year', 'valid_from', 'valid_until'];
let browser;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** Verifies through the element's `verify(text)` and returns its result and its shadow root's text. */
async function verifyWithElement(page, text) {
  return page.evaluate(async (text) => {
    const element = document.querySelector('cachet-verifier');
    await customElements.whenDefined('cachet-verifier');
    await element.ready();
    const result = await element.verify(text);
    return { result, status: element.dataset.status, shown: element.shadowRoot.textContent };
  }, text);
}

async function checkElement(origin, url) {
  const session = await openPage(browser);
  try {
    await session.page.goto(url);
    const valid = await verifyWithElement(session.page, fixtures.tokens.valid);
    assert.equal(valid.result.status, 'valid');
    assert.equal(valid.status, 'valid');
    assert.deepEqual(Object.keys(valid.result.certificate).sort(), [...TRANSPORT].sort().filter((k) => k in valid.result.certificate));
    for (const key of Object.keys(valid.result.certificate)) assert.ok(TRANSPORT.includes(key), `${key} is not a transport field`);
    assert.match(valid.shown, /Martin/);
    assert.doesNotMatch(valid.shown, /2009|Louis-le-Grand|PKG-0001/, 'a field outside the transport profile is shown');
    const tampered = await verifyWithElement(session.page, fixtures.tokens.tampered);
    assert.equal(tampered.result.status, 'invalid-signature');
    // The element's stylesheet arrived (a file of this origin, linked in the shadow root).
    const sheet = await session.page.evaluate(() => {
      const link = document.querySelector('cachet-verifier').shadowRoot.querySelector('link[rel="stylesheet"]');
      return { href: link?.href ?? null, rules: link?.sheet ? link.sheet.cssRules.length : 0 };
    });
    assert.ok(sheet.href?.startsWith(origin + '/'), `the element’s stylesheet is not a file of this origin: ${sheet.href}`);
    assert.ok(sheet.rules > 0, 'the element’s stylesheet did not load');
    // What element.d.ts declares is there.
    const shape = await session.page.evaluate(() => {
      const element = document.querySelector('cachet-verifier');
      return {
        defined: element instanceof customElements.get('cachet-verifier') && element instanceof HTMLElement,
        methods: ['ready', 'verify'].filter((m) => typeof element[m] === 'function'),
        profile: element.profile,
      };
    });
    assert.deepEqual(shape, { defined: true, methods: ['ready', 'verify'], profile: 'transport' });
    await assertClean(session, origin);
  } finally {
    await session.context.close();
  }
}

/** A picture of the code chosen in the element's file input: read by the packaged worker, then verified. */
async function checkPicture(server, url) {
  const session = await openPage(browser);
  try {
    await session.page.goto(url);
    await session.page.evaluate(() => document.querySelector('cachet-verifier').ready());
    const verdict = session.page.evaluate(
      () =>
        new Promise((resolve) => {
          const element = document.querySelector('cachet-verifier');
          element.addEventListener('cachet-result', (e) => resolve(e.detail), { once: true });
          element.addEventListener('cachet-error', (e) => resolve({ error: e.detail }), { once: true });
        }),
    );
    await session.page.locator('cachet-verifier input[type=file]').setInputFiles(fixtures.qr);
    const result = await verdict;
    assert.equal(result.error, undefined, `the element could not read the picture: ${JSON.stringify(result.error)}`);
    assert.equal(result.status, 'valid');
    assert.equal(result.certificate.family_name, fixtures.certificate.family_name);
    const worker = server.served.find((p) => /\/scan-worker(-[\w-]+)?\.js$/.test(p));
    assert.ok(worker, `no scan worker served: ${server.served.join(', ')}`);
    await assertClean(session, server.origin);
    return worker;
  } finally {
    await session.context.close();
  }
}

describe('<cachet-verifier> from the package', () => {
  test('in a Vite build with no config, registered by `import "@cachet/verifier/element"`: verify(text), the stylesheet and a QR picture', async () => {
    const dist = path.join(WORK, 'vite-element-dist');
    const root = path.join(WORK, 'vite-element');
    await build({ root, configFile: false, logLevel: 'warn', build: { outDir: dist, emptyOutDir: true } });
    const server = await startStatic({ mounts: { '/': dist }, files: hostFiles(fixtures) });
    try {
      await checkElement(server.origin, server.origin + '/');
      await checkPicture(server, server.origin + '/');
    } finally {
      await server.stop();
    }
  });

  test('in a page loading the installed files by path: verify(text), the stylesheet and a QR picture', async () => {
    const server = await startStatic({
      mounts: { '/': path.join(WORK, 'bare'), '/vendor/cachet-verifier/': INSTALLED },
      files: hostFiles(fixtures),
    });
    try {
      await checkElement(server.origin, server.origin + '/element.html');
      // The package carries the QR reader too (scan.js, its worker, the glue).
      assert.equal(await checkPicture(server, server.origin + '/element.html'), '/vendor/cachet-verifier/scan-worker.js');
    } finally {
      await server.stop();
    }
  });
});
