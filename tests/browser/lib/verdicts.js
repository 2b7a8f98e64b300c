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
 */
export function verdictClock(verdicts) {
  const mark = () => {
    const s = document.querySelector('#result')?.getAttribute('data-status');
    if (!s || !verdicts.includes(s) || window.__verdict) return;
    window.__verdict = { status: s, at: performance.now() };
    performance.mark('cachet-verdict'); // where a trace's verdict is (trace-summary.js)
    requestAnimationFrame(() => {
      window.__verdict.painted = performance.now();
    });
  };
  new MutationObserver(mark).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
}
