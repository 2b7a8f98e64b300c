// The page's only Trusted Types policy, `cachet` (the CSP allows no other).
//
// Under `require-trusted-types-for 'script'`, `new Worker(url)` and
// `navigator.serviceWorker.register(url)` take a TrustedScriptURL, not a
// string. The policy turns into one only the scripts this page itself
// starts, resolved against this module's own URL; anything else throws.
// It has no createHTML: nothing in the page writes HTML.

const ALLOWED = new Set(['sw.js']);

// Written out so that a bundler (Vite) sees it and ships the worker as a
// file of its own (`?no-inline`: never a data: URL, which `worker-src 'self'`
// refuses), wherever it puts it; the policy allows that exact URL.
const SCAN_WORKER = new URL('./scan-worker.js?no-inline', import.meta.url).href;

const policy =
  globalThis.trustedTypes && typeof globalThis.trustedTypes.createPolicy === 'function'
    ? globalThis.trustedTypes.createPolicy('cachet', { createScriptURL: checkScriptURL })
    : null;

function checkScriptURL(input) {
  if (input === 'scan-worker.js' || input === SCAN_WORKER) return SCAN_WORKER;
  const url = new URL(input, import.meta.url);
  const base = new URL('./', import.meta.url);
  const name = url.href.startsWith(base.href) ? url.href.slice(base.href.length) : null;
  if (url.origin !== base.origin || !ALLOWED.has(name)) {
    throw new TypeError(`script URL not allowed: ${input}`);
  }
  return url.href;
}

/**
 * A script URL of this page (`scan-worker.js`, `sw.js`), as a TrustedScriptURL
 * where the browser has Trusted Types, else as a checked string.
 */
export function scriptURL(name) {
  return policy ? policy.createScriptURL(name) : checkScriptURL(name);
}
