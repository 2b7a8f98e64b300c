// The first work of a visit, started the moment this small module arrives.
//
// index.html loads it first, as an `async` module script: it runs as soon
// as it and lib/early.js are here, without waiting for the rest of the
// page's modules (app.js runs only once all of them have arrived and the
// document is parsed). It starts what a link's verdict needs and nothing
// else: the verify-only wasm (downloaded and compiled from the response as
// it arrives), config.json and, unless a fresh one is held, the trust list.
// The modules that use them take these very responses (lib/early.js), so
// each is fetched once per visit in every engine; `<link rel="preload"
// as="fetch">` is not used, because WebKit downloads such a preload a
// second time for the `fetch()`.
//
// The QR reader (pkg/cachet.js and cachet_bg.wasm, five times the verify
// code) is not on this path: scan.js loads it when the camera or an image
// is used, and the service worker keeps it for offline use once installed.
// app.js imports this module too; a module runs once per page, whichever
// asks for it first.

import { compileWasm, fetchEarly, readEarly, TRUST_LIST_CACHE } from './lib/early.js';

/** The verify-only module (`cargo xtask build`, without the `wasm-scan` feature): the page's core. */
export const VERIFY_MODULE = Object.freeze({
  glue: new URL('./pkg/cachet_verify.js', import.meta.url),
  wasm: new URL('./pkg/cachet_verify_bg.wasm', import.meta.url),
});

/** The page's configuration; its trust list is guessed at the default address (config.json may name another). */
export const CONFIG = new URL('./config.json', import.meta.url);

// The same credentials and cache mode as the fetches that take them (trust-list.js).
fetchEarly(CONFIG, { credentials: 'same-origin' });
compileWasm(VERIFY_MODULE.wasm).catch(() => {
  // A failed download or compile is retried when the verdict needs the module, and reported then.
});
// A device that holds a list fresh until later (trust-list.js keepTrustList)
// gives its verdict from it and downloads the list after it (lib/session.js):
// not here, one request less on a returning visit's path. Asked only on a
// returning visit (a service worker in control): a page's first use of
// localStorage waits for the browser to open it, which a first visit's
// downloads must not wait for.
// On a returning visit, the list this device kept is read at once too (the session takes it from
// lib/early.js), while the other modules and config.json arrive.
const TRUST_LIST = new URL('./trust-list.json', import.meta.url);
let freshUntil = 0;
try {
  if (globalThis.navigator?.serviceWorker?.controller) {
    readEarly(TRUST_LIST_CACHE, TRUST_LIST);
    freshUntil = Number(globalThis.localStorage.getItem('cachet.trustList.freshUntil'));
  }
} catch {
  // no storage: nothing is held either
}
if (!(freshUntil > Date.now())) fetchEarly(TRUST_LIST, { cache: 'no-cache', credentials: 'same-origin' });
