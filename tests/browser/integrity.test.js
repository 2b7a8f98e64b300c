// Files named by their content, checked by the browser (issue 13): the site
// `cargo xtask site` lays out names its modules, style sheets and wasm by
// their content, and its page loads them with integrity metadata
// (`<script type="module" integrity>`, `<link rel="modulepreload"
// integrity>`, `fetch(url, {integrity})` for the wasm). One of those files
// altered on the server (a CDN, a compromised mirror) is refused by the
// browser: its code never runs, and the page gives no verdict "valide".
//
// The laid-out site is served by Debian's nginx from deploy/nginx/ when
// `CACHET_SERVER=nginx` (the folder it serves, altered in place), else by a
// static server of a folder laid out here (lib/static-server.js: the same
// headers, the `.br` and `.gz` beside each file): `xtask serve` serves www/ as it is,
// with no names by content to check.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { after, before, test } from 'node:test';
import { launch, openPage, statusOf, waitForVerdict } from './lib/browser.js';
import { xtaskBinary } from './lib/build.js';
import { fixtures } from './lib/fixtures.js';
import { ROOT } from './lib/paths.js';
import { serverKind, startServer } from './lib/server.js';
import { serveSite } from './lib/static-server.js';

let fx, browser, server, site, tmp;

before(async () => {
  fx = await fixtures();
  if (serverKind() === 'nginx') {
    server = await startServer({ trust: fx.trust.good, root: fx.root });
    site = server.siteDir;
  } else {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cachet-integrity-'));
    site = path.join(tmp, 'site');
    const laid = spawnSync(process.env.CACHET_XTASK_BIN || xtaskBinary(), ['site', '--out', site, '--trust', fx.trust.good, '--root', fx.root], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    assert.equal(laid.status, 0, `xtask site: ${laid.stderr}`);
    server = await serveSite(site);
  }
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** The site path of the one file of `dir` named `stem.HASH.ext`. */
function hashedFile(dir, stem, ext) {
  const pattern = new RegExp(`^${stem}\\.[0-9a-f]{16}\\.${ext}$`);
  const found = fs.readdirSync(path.join(site, dir)).filter((n) => pattern.test(n));
  assert.equal(found.length, 1, `one ${dir}/${stem}.HASH.${ext} in the site: ${found}`);
  return path.posix.join(dir, found[0]);
}

/** Replaces a file of the site (and the `.br` and `.gz` served to browsers that accept them) by `bytes`; returns the undo. */
function alter(rel, bytes) {
  const file = path.join(site, rel);
  const saved = [file, `${file}.br`, `${file}.gz`].filter((f) => fs.existsSync(f)).map((f) => [f, fs.readFileSync(f)]);
  fs.writeFileSync(file, bytes);
  if (fs.existsSync(`${file}.br`)) fs.writeFileSync(`${file}.br`, zlib.brotliCompressSync(bytes));
  if (fs.existsSync(`${file}.gz`)) fs.writeFileSync(`${file}.gz`, zlib.gzipSync(bytes, { level: 9 }));
  return () => {
    for (const [f, b] of saved) fs.writeFileSync(f, b);
  };
}

/** Waits until the console has an error naming `name` (the browser's refusal); returns it. */
async function refusal(problems, name, timeout = 15_000) {
  const start = Date.now();
  while (Date.now() - start < timeout) {
    const found = problems.console.find((m) => m.includes(name) && /integrity|digest/i.test(m));
    if (found) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`no refusal of ${name} in the console: ${JSON.stringify(problems.console)}`);
}

const link = () => `${server.url}#${fx.tokens.valid.token}`;

test('the laid-out site: every module script, preload and style sheet has its integrity, and the verdict is given', async () => {
  const { context, page, problems } = await openPage(browser);
  try {
    await page.goto(link());
    assert.equal(await waitForVerdict(page), 'valid');
    const unchecked = await page.evaluate(() =>
      [...document.querySelectorAll('script[src], link[rel=modulepreload], link[rel=stylesheet]')]
        .filter((e) => !/^sha384-[A-Za-z0-9+/]{64}$/.test(e.integrity) || !/\.[0-9a-f]{16}\.(js|css)$/.test(e.src || e.href))
        .map((e) => e.outerHTML),
    );
    assert.deepEqual(unchecked, [], 'every script, preload and style sheet named by content, with its SRI');
    assert.deepEqual(problems.console, [], 'console errors');
    assert.deepEqual(problems.pageErrors, [], 'uncaught exceptions');
  } finally {
    await context.close();
  }
});

test('a module altered on the server is refused by the browser: its code never runs, no verdict', async () => {
  // The session's code, joined with five other modules in common.js (xtask/src/bundle.rs).
  const rel = hashedFile('.', 'common', 'js');
  const original = fs.readFileSync(path.join(site, rel), 'utf8');
  // Valid JavaScript that, if it ran, would show "valide" whatever the certificate.
  const attack = `${original}\ndocument.documentElement.dataset.altered = 'ran';\ndocument.querySelector('#result')?.setAttribute('data-status', 'valid');\n`;
  const undo = alter(rel, attack);
  const { context, page, problems } = await openPage(browser);
  try {
    await page.goto(link());
    const message = await refusal(problems, path.posix.basename(rel));
    await page.waitForLoadState('load');
    await new Promise((r) => setTimeout(r, 1000)); // time for anything else to run, were it not refused
    assert.equal(await page.evaluate(() => document.documentElement.dataset.altered ?? null), null, 'the altered code ran');
    assert.notEqual(await statusOf(page), 'valid', `a verdict "valid" from an altered site (${message})`);
  } finally {
    undo();
    await context.close();
  }
});

/**
 * Whether this page's service worker is active with `rel` in its precache,
 * asked every 200 ms until `timeout` (page.evaluate awaits the page's
 * promise; page.waitForFunction would take the pending promise for a yes).
 */
async function precached(page, rel, timeout) {
  const start = Date.now();
  do {
    const found = await page.evaluate(async (rel) => {
      const registration = await navigator.serviceWorker.getRegistration();
      if (!registration?.active) return false;
      for (const name of await caches.keys()) {
        const keys = await (await caches.open(name)).keys();
        if (keys.some((r) => new URL(r.url).pathname.endsWith(`/${rel}`))) return true;
      }
      return false;
    }, rel);
    if (found) return true;
    await new Promise((r) => setTimeout(r, 200));
  } while (Date.now() - start < timeout);
  return false;
}

test('a module loaded on demand altered on the server: the page refuses it (first visit) and the service worker never installs', async () => {
  const rel = hashedFile('.', 'camera', 'js');
  const original = fs.readFileSync(path.join(site, rel), 'utf8');
  {
    const { context, page } = await openPage(browser);
    try {
      await page.goto(link());
      assert.equal(await waitForVerdict(page), 'valid');
      assert.ok(await precached(page, rel, 30_000), `the honest site's service worker holds ${rel}`);
    } finally {
      await context.close();
    }
  }
  const undo = alter(rel, `${original}\ndocument.documentElement.dataset.altered = 'ran';\n`);
  const { context, page, problems } = await openPage(browser);
  try {
    await page.goto(link());
    assert.equal(await waitForVerdict(page), 'valid', 'a link needs no camera: the verdict is given');
    // After the verdict the page loads the camera's module (lib/inputs.js preload()): preloaded with its integrity, refused.
    await refusal(problems, path.posix.basename(rel));
    assert.equal(await precached(page, rel, 10_000), false, `the service worker installed a shell with an altered ${rel}`);
    assert.equal(await page.evaluate(() => document.documentElement.dataset.altered ?? null), null, 'the altered module ran');
    const registration = await page.evaluate(async () => {
      const r = await navigator.serviceWorker.getRegistration();
      return { active: !!r?.active, controlled: !!navigator.serviceWorker.controller };
    });
    assert.deepEqual(registration, { active: false, controlled: false }, 'no service worker serves this page');
  } finally {
    undo();
    await context.close();
  }
});

test('the wasm altered on the server is refused by fetch(url, {integrity}): the page says it could not verify', async () => {
  const rel = hashedFile('pkg', 'cachet_verify_bg', 'wasm');
  const original = fs.readFileSync(path.join(site, rel));
  // A custom section appended: still a module every engine compiles, with other bytes.
  const name = Buffer.from('altered');
  const altered = Buffer.concat([original, Buffer.from([0x00, name.length + 1, name.length]), name]);
  await WebAssembly.compile(altered); // the browser would run it, were its bytes not checked
  const undo = alter(rel, altered);
  const { context, page, problems } = await openPage(browser);
  try {
    await page.goto(link());
    await refusal(problems, path.posix.basename(rel));
    assert.equal(await waitForVerdict(page), 'error', 'the page reports that it could not verify');
  } finally {
    undo();
    await context.close();
  }
});
