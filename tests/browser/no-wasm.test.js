// A browser that runs no WebAssembly (iOS Lockdown Mode, a hardened
// policy): the page says what is wrong and what will help, in French and in
// English, and raises no unhandled rejection; a wasm that could not be
// downloaded is another case, with its own words (check the connection,
// reload), and neither ever shows a verdict on the certificate.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openPage, resultText, sleep } from './lib/browser.js';
import { assertClean, expectVerdict, suite } from './lib/harness.js';

let s;
before(async () => {
  s = await suite();
});
after(async () => {
  await s?.close();
});

/** Records unhandled promise rejections in the page (`window.__rejections`), from before any script. */
const RECORD_REJECTIONS = () => {
  window.__rejections = [];
  window.addEventListener('unhandledrejection', (event) => window.__rejections.push(String(event.reason)));
};

/** The ways a browser refuses WebAssembly, each installed before the page's first script. */
const NO_WASM = {
  'WebAssembly is not defined (Lockdown Mode)': () => {
    delete globalThis.WebAssembly;
  },
  'every compilation and instantiation throws (a policy)': () => {
    const refuse = () => {
      throw new WebAssembly.CompileError('WebAssembly is disabled by policy');
    };
    const refuseAsync = () => Promise.reject(new WebAssembly.CompileError('WebAssembly is disabled by policy'));
    WebAssembly.Module = function Module() {
      refuse();
    };
    WebAssembly.Instance = function Instance() {
      refuse();
    };
    WebAssembly.compile = refuseAsync;
    WebAssembly.compileStreaming = refuseAsync;
    WebAssembly.instantiate = refuseAsync;
    WebAssembly.instantiateStreaming = refuseAsync;
  },
};

for (const [how, script] of Object.entries(NO_WASM)) {
  test(`no WebAssembly, ${how}: the page says why and what helps, in both languages`, async () => {
    const { context, page, problems } = await openPage(s.browser);
    const wasmRequests = [];
    page.on('request', (r) => {
      if (r.url().endsWith('.wasm')) wasmRequests.push(r.url());
    });
    try {
      await context.addInitScript(RECORD_REJECTIONS);
      await context.addInitScript(script);
      await page.goto(s.link(s.fx.tokens.valid.token));
      await expectVerdict(page, problems, 'error', { timeout: 20_000 });
      const fr = await resultText(page);
      assert.match(fr, /n’exécute pas WebAssembly/, fr);
      assert.match(fr, /autre navigateur/, fr);
      assert.match(fr, /mode Isolement pour ce site/, fr);
      assert.doesNotMatch(fr, /Rechargez la page/, 'reloading cannot help: it is not advised');
      assert.equal(await page.locator('#trust-info').getAttribute('data-state'), 'no-wasm');

      await page.click('#lang-toggle');
      await page.waitForFunction(() => document.documentElement.lang === 'en'); // its strings fetched first (i18n-en.js)
      const en = await resultText(page);
      assert.match(en, /does not run WebAssembly/, en);
      assert.match(en, /another browser/, en);
      assert.match(en, /turn off Lockdown Mode for this site/, en);

      // A pasted text gets the same answer, not a verdict.
      await page.fill('#paste-input', s.fx.tokens.valid.token);
      await page.click('#paste-verify');
      await expectVerdict(page, problems, 'error', { timeout: 20_000 });
      assert.match(await resultText(page), /does not run WebAssembly/);

      await sleep(300); // anything left to reject has had its turn
      assert.deepEqual(await page.evaluate(() => window.__rejections), [], 'unhandled rejections');
      assert.deepEqual(wasmRequests, [], 'a browser without wasm downloads none');
      await assertClean(page, problems);
    } finally {
      await context.close();
    }
  });
}

test('the wasm cannot be downloaded: "could not verify", the connection words, not the WebAssembly ones', async () => {
  const { context, page, problems } = await openPage(s.browser);
  try {
    await context.addInitScript(RECORD_REJECTIONS);
    await page.route('**/*.wasm', (route) => route.abort('failed'));
    await page.goto(s.link(s.fx.tokens.valid.token));
    await expectVerdict(page, problems, 'error', { timeout: 20_000 });
    const fr = await resultText(page);
    assert.match(fr, /Rechargez la page/, fr);
    assert.doesNotMatch(fr, /WebAssembly/, fr);
    assert.equal(await page.locator('#trust-info').getAttribute('data-state'), 'core-missing');
    await sleep(300);
    assert.deepEqual(await page.evaluate(() => window.__rejections), [], 'unhandled rejections');
  } finally {
    await context.close();
  }
});
