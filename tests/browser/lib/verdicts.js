// The verdict vocabulary the page shows in `#result[data-status]`: one list
// for every driver (lib/browser.js for Chromium, lib/engines.js for Firefox
// and WebKit), so an engine's suite cannot drift from the others'.

/** The verdict vocabulary (src/status.rs), and `error` for "could not verify". */
export const STATUSES = [
  'valid',
  'malformed',
  'unsupported-version',
  'unknown-issuer',
  'invalid-signature',
  'issuer-key-not-valid',
  'revoked',
  'not-yet-valid',
  'expired',
  'trust-list-invalid',
  'trust-list-expired',
];
export const VERDICTS = [...STATUSES, 'error'];

/**
 * An init script for the benchmarks (`context.addInitScript(verdictClock,
 * VERDICTS)`): records in `window.__verdict` when `#result` first gets a
 * verdict, relative to the navigation's start, and when it was painted.
 * Once painted, it also calls `window.__cachetVerdictPainted(verdict)` if
 * the harness exposed one (`awaitVerdict`): the harness then waits without
 * running anything in the page, whose main thread a polling wait (and the
 * driver's own script it needs there) would share with the page being
 * timed (about 100 ms at a CPU slowed 4×, seen in a trace).
 */
export function verdictClock(verdicts) {
  const mark = () => {
    const s = document.querySelector('#result')?.getAttribute('data-status');
    if (!s || !verdicts.includes(s) || window.__verdict) return;
    window.__verdict = { status: s, at: performance.now() };
    performance.mark('cachet-verdict'); // where a trace's verdict is (trace-summary.js)
    requestAnimationFrame(() => {
      window.__verdict.painted = performance.now();
      if (typeof window.__cachetVerdictPainted === 'function') window.__cachetVerdictPainted(window.__verdict);
    });
  };
  new MutationObserver(mark).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
}

/**
 * Before `page.goto`: exposes the function `verdictClock` calls, and
 * resolves to `{ painted }`, a promise of the page's painted verdict
 * (`verdictClock`'s record), told by the page rather than polled for. That
 * promise rejects after `timeout` ms with `onTimeout()`'s message.
 */
export async function awaitVerdict(page, timeout, onTimeout = async () => 'no verdict') {
  let told;
  const verdict = new Promise((resolve) => {
    told = resolve;
  });
  await page.exposeFunction('__cachetVerdictPainted', (v) => told(v));
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => onTimeout().then((m) => reject(new Error(m)), reject), timeout);
    timer.unref(); // a caller whose navigation failed, and never awaits this, does not wait for it
  });
  const painted = Promise.race([verdict, late]).finally(() => clearTimeout(timer));
  painted.catch(() => {}); // that caller's failure is the navigation's, not an unhandled "no verdict"
  return { painted };
}
