// Debian's Chromium driven by playwright-core (never a downloaded browser),
// and what a spec watches on a page: CSP violations, console errors,
// uncaught exceptions and every request.

import { chromium } from 'playwright-core';
import { CHROMIUM, launchOptions } from '../../chromium.mjs';

export { CHROMIUM };

export function launch() {
  return chromium.launch(launchOptions());
}

/** Runs in every page before its own scripts: collects CSP and Trusted Types violations. */
function watchViolations() {
  const seen = [];
  Object.defineProperty(window, '__cspViolations', { value: seen });
  document.addEventListener(
    'securitypolicyviolation',
    (e) => seen.push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample }),
    true,
  );
}

/**
 * A fresh page that records what went wrong (`problems.console`,
 * `problems.pageErrors`) and every request URL (`requests`).
 */
export async function openPage(browser) {
  const context = await browser.newContext({ locale: 'fr-FR' });
  await context.addInitScript(watchViolations);
  const requests = [];
  context.on('request', (r) => requests.push(r.url()));
  const page = await context.newPage();
  const problems = { console: [], pageErrors: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') problems.console.push(m.text());
  });
  page.on('pageerror', (e) => problems.pageErrors.push(String(e)));
  return { context, page, problems, requests };
}

export function cspViolations(page) {
  return page.evaluate(() => window.__cspViolations ?? []);
}
