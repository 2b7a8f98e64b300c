// Debian's Chromium driven by playwright-core, and what every spec watches
// on the page: the verdict, CSP violations, console errors, dialogs, and
// every request made.

import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../../chromium.mjs';

export { CHROMIUM, CHROMIUM_ARGS };

export { STATUSES, VERDICTS } from './verdicts.js';
import { VERDICTS } from './verdicts.js';

/** Launches Chromium; `args` are added to the test flags (the fake camera's, say). */
export function launch(args = []) {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, ...args] });
}

/** Runs in every page before its own scripts: collects CSP (and Trusted Types) violations. */
function watchViolations() {
  const seen = [];
  Object.defineProperty(window, '__cspViolations', { value: seen });
  document.addEventListener(
    'securitypolicyviolation',
    (e) => seen.push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample, source: e.sourceFile }),
    true,
  );
}

/**
 * A fresh context and page that record what went wrong: `problems.console`
 * (console errors), `problems.pageErrors` (uncaught exceptions),
 * `problems.dialogs` (alert, confirm, prompt: dismissed and recorded);
 * CSP violations are read with `cspViolations(page)`.
 */
export async function openPage(browser, contextOptions = {}) {
  const context = await browser.newContext({ viewport: { width: 1024, height: 800 }, locale: 'fr-FR', ...contextOptions });
  await context.addInitScript(watchViolations);
  const page = await context.newPage();
  const problems = watch(page);
  return { context, page, problems };
}

/** Records a page's console errors, uncaught exceptions and dialogs. */
export function watch(page) {
  const problems = { console: [], pageErrors: [], dialogs: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') problems.console.push(m.text());
  });
  page.on('pageerror', (e) => problems.pageErrors.push(String(e)));
  page.on('dialog', (d) => {
    problems.dialogs.push(`${d.type()}: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  return problems;
}

export async function cspViolations(page) {
  return page.evaluate(() => window.__cspViolations ?? []);
}

/** The `data-status` of `#result`, or '' while idle. */
export async function statusOf(page) {
  return page.evaluate(() => document.querySelector('#result')?.getAttribute('data-status') ?? '');
}

/** Waits until `#result` shows a verdict (a status of the vocabulary, or `error`) and returns it. */
export async function waitForVerdict(page, { timeout = 15_000 } = {}) {
  try {
    const handle = await page.waitForFunction(
      (verdicts) => {
        const s = document.querySelector('#result')?.getAttribute('data-status');
        return s && verdicts.includes(s) ? s : false;
      },
      VERDICTS,
      { timeout },
    );
    return await handle.jsonValue();
  } catch (e) {
    const now = await statusOf(page).catch(() => '(page gone)');
    const messages = await page
      .evaluate(() =>
        [...document.querySelectorAll('.message, #trust-info')]
          .map((m) => `${m.id}: ${m.textContent.trim()}`)
          .filter((m) => !m.endsWith(': ')),
      )
      .catch(() => []);
    throw new Error(
      `no verdict within ${timeout} ms (#result data-status is "${now}"; page says ${JSON.stringify(messages)}): ${e.message}`,
    );
  }
}

/** `#result`'s text as a person reads it. */
export async function resultText(page) {
  return page.locator('#result').innerText();
}

/**
 * Records every request of a context (pages, workers, service worker):
 * method, URL, headers and body. `requests` fills as they are made.
 */
export function recordRequests(context) {
  const requests = [];
  const seen = async (request) => {
    const entry = { method: request.method(), url: request.url(), headers: {}, body: '' };
    requests.push(entry);
    try {
      entry.headers = await request.allHeaders();
    } catch {
      entry.headers = request.headers();
    }
    entry.body = request.postData() ?? '';
  };
  context.on('request', seen);
  return requests;
}

/** A URL as it goes on the wire: without its fragment, which a browser never sends. */
export function wireUrl(url) {
  const at = url.indexOf('#');
  return at < 0 ? url : url.slice(0, at);
}

/** Every `n`-character piece of `token`: a request holding any of them carries part of the certificate. */
export function pieces(token, n = 20) {
  const out = new Set();
  for (let i = 0; i + n <= token.length; i++) out.add(token.slice(i, i + n));
  return [...out];
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
