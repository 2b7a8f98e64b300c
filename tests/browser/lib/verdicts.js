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
