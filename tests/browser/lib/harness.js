// What a spec starts with: this run's fixtures, the real server with the
// good trust list (or another), Chromium, and checks shared by the specs.

import assert from 'node:assert/strict';
import { fixtures } from './fixtures.js';
import { startServer } from './server.js';
import { cspViolations, launch, pieces, waitForVerdict, wireUrl } from './browser.js';

/**
 * Fixtures, a server for `trust` ('good', 'otherRoot' or 'tampered') and a
 * browser launched with `args`. `close()` stops both.
 */
export async function suite({ trust = 'good', args = [] } = {}) {
  const fx = await fixtures();
  const server = await startServer({ trust: fx.trust[trust], root: fx.root });
  let browser;
  try {
    browser = await launch(args);
  } catch (e) {
    await server.stop();
    throw e;
  }
  return {
    fx,
    server,
    browser,
    /** The page's address with `token` in the fragment, as a certificate's link is opened. */
    link: (token) => `${server.url}#${token}`,
    close: async () => {
      await browser.close();
      await server.stop();
    },
  };
}

/**
 * No request left for another host, and none carried `tokens` or any
 * 20-character piece of them, in its URL (as sent: without the fragment),
 * headers or body.
 */
export function assertNoLeak(requests, origin, tokens) {
  assert.ok(requests.length > 0, 'no request was recorded at all');
  const bits = tokens.flatMap((t) => pieces(t));
  for (const r of requests) {
    const url = new URL(r.url);
    if (url.protocol === 'data:' || url.protocol === 'blob:') continue;
    assert.equal(url.origin, origin, `a request went to another host: ${r.method} ${r.url}`);
    const sent = [wireUrl(r.url), ...Object.entries(r.headers).map(([k, v]) => `${k}: ${v}`), r.body].join('\n');
    const leaked = bits.find((b) => sent.includes(b));
    assert.equal(leaked, undefined, `a request carried part of a certificate (${leaked}): ${r.method} ${wireUrl(r.url)}`);
  }
}

/** Nothing went wrong on the page: no CSP violation, console error, uncaught exception or dialog. */
export async function assertClean(page, problems) {
  assert.deepEqual(await cspViolations(page), [], 'CSP violations');
  assert.deepEqual(problems.pageErrors, [], 'uncaught exceptions');
  assert.deepEqual(problems.console, [], 'console errors');
  assert.deepEqual(problems.dialogs, [], 'dialogs');
}

/**
 * Waits for the verdict and checks it is `expected`; when it is not, the
 * failure tells what the page showed and what went wrong on it.
 */
export async function expectVerdict(page, problems, expected, options) {
  const got = await waitForVerdict(page, options);
  if (got === expected) return;
  const shown = await page.locator('#result').innerText().catch(() => '(unreadable)');
  const csp = await cspViolations(page).catch(() => []);
  assert.fail(
    `the page says ${got}, expected ${expected}\n#result: ${shown}\nconsole errors: ${JSON.stringify(problems?.console)}\n` +
      `exceptions: ${JSON.stringify(problems?.pageErrors)}\nCSP: ${JSON.stringify(csp)}`,
  );
}
