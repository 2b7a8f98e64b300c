// What lib/setup.js made for this run, and the steps every spec shares.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { cspViolations } from './browser.js';
import { WORK } from './paths.js';

/** `{ tarball, fixtures: { trust, root, config, certificate, tokens: { valid, tampered } } }`. */
export function thisRun() {
  const file = path.join(WORK, 'run.json');
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run \`node lib/setup.js\` (npm test does) first`);
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** The files a host serves beside its page: the pinned roots and the signed trust list. */
export function hostFiles(fixtures) {
  return { '/config.json': fixtures.config, '/trust-list.json': fixtures.trust };
}

/**
 * Types `text` into a sample app's form, submits it and returns the
 * verdict (`#result`'s `data-status`) and the text shown.
 */
export async function verifyInPage(page, text) {
  await page.locator('#verify:enabled').waitFor({ timeout: 30_000 });
  await page.evaluate(() => {
    const result = document.querySelector('#result');
    delete result.dataset.status;
    result.textContent = '';
  });
  await page.fill('#text', text);
  await page.click('#verify');
  const handle = await page.waitForFunction(() => document.querySelector('#result').dataset.status, null, { timeout: 15_000 });
  return { status: await handle.jsonValue(), shown: await page.locator('#result').innerText() };
}

/** Nothing went wrong on the page, and every request stayed on its origin. */
export async function assertClean({ page, problems, requests }, origin) {
  assert.deepEqual(await cspViolations(page), [], 'CSP or Trusted Types violations');
  assert.deepEqual(problems.pageErrors, [], 'uncaught exceptions');
  assert.deepEqual(problems.console, [], 'console errors');
  const elsewhere = requests.filter((u) => !u.startsWith(origin + '/'));
  assert.deepEqual(elsewhere, [], 'requests to another origin');
}
