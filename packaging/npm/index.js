// @cachet/verifier: the Cachet verifier core (Rust compiled to WebAssembly)
// behind one small entry point.
//
//   import { load } from '@cachet/verifier';
//   const { Verifier } = await load();
//   const verifier = new Verifier(signedTrustListText, [rootPublicKeyText], undefined);
//   const result = verifier.verify(text, Date.now()); // result.status === 'valid' | …
//
// The wasm-bindgen glue (`./pkg/cachet.js`) keeps one instance of the
// module; `load` fills it once and hands back the functions that need it,
// so nothing can be called before the wasm is there. In a browser, `load()`
// fetches `pkg/cachet_bg.wasm` next to the glue (a bundler that follows
// `new URL(…, import.meta.url)`, as Vite does, copies it); pass `wasm` to
// take it from elsewhere. In Node, pass the file's bytes (`loadSync` or
// `load`): Node's fetch does not read `file:` URLs.

import init, { initSync, Verifier, statusText, scanImage, profiles } from './pkg/cachet.js';

/** What `load` and `loadSync` return: the core's functions, ready to call. */
const api = Object.freeze({ Verifier, statusText, scanImage, profiles });

let loading = null;

/**
 * Loads the wasm module once (later calls share the first load) and
 * resolves to `{ Verifier, statusText, scanImage, profiles }`.
 * `wasm`: a URL or path string of `cachet_bg.wasm`, a `Response`, its bytes,
 * or a compiled `WebAssembly.Module` (or a promise of one of these).
 */
export function load({ wasm } = {}) {
  if (!loading) {
    loading = init(wasm === undefined ? undefined : { module_or_path: wasm }).then(() => api);
    loading.catch(() => {
      loading = null; // a failed download is tried again by the next call
    });
  }
  return loading;
}

/**
 * Loads the wasm module synchronously from its bytes or a compiled
 * `WebAssembly.Module` (Node, workers) and returns the same object as `load`.
 */
export function loadSync({ wasm }) {
  initSync({ module: wasm });
  return api;
}
