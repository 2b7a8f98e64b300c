// @cachet/verifier: the Cachet verifier core (Rust compiled to WebAssembly)
// behind one small entry point.
//
//   import { load } from '@cachet/verifier';
//   const { openVerifier } = await load();
//   const { verifier, lastSeen } = openVerifier(signedTrustListText, [rootPublicKeyText], storedLastSeen);
//   // store lastSeen: the next run passes it, and an older list is refused
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

/**
 * A verifier for a signed trust list under the pinned `roots`, that refuses
 * a list older than one accepted before (rollback: a list from before a
 * revocation, served again, must not make a revoked certificate valid).
 * `lastSeen` is what the previous call returned, as the caller stored it,
 * or `null` when this verifier has never accepted a list; anything else
 * (`undefined`, a string, a negative or fractional number) throws a
 * `TypeError` whose message starts with `last-seen-invalid`, so that a lost
 * or damaged memory is never taken for "nothing seen".
 * Returns `{ verifier, lastSeen }`: the caller stores `lastSeen` for the
 * next call. A refused list (older, or not signed by a root) gives a
 * verifier whose every result is `trust-list-invalid` (`verifier.trustListError`
 * says why: `trust-list-rollback` for an older list) and `lastSeen` unchanged.
 */
function openVerifier(signedTrustList, roots, lastSeen) {
  if (lastSeen !== null && !(Number.isSafeInteger(lastSeen) && lastSeen >= 0)) {
    throw new TypeError(`last-seen-invalid: lastSeen must be null or a sequence (an integer >= 0), got ${String(lastSeen)}`);
  }
  const verifier = new Verifier(signedTrustList, roots, lastSeen ?? undefined);
  const sequence = verifier.trustList?.sequence;
  const seen = typeof sequence === 'number' && sequence > (lastSeen ?? -1) ? sequence : lastSeen;
  return { verifier, lastSeen: seen };
}

/** What `load` and `loadSync` return: the core's functions, ready to call. */
const api = Object.freeze({ Verifier, openVerifier, statusText, scanImage, profiles });

let loading = null;

/**
 * Loads the wasm module once (later calls share the first load) and
 * resolves to `{ Verifier, openVerifier, statusText, scanImage, profiles }`.
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
