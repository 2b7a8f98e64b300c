// @cachet/verifier: the Cachet verifier core (Rust compiled to WebAssembly)
// behind one small entry point.
//
//   import { load } from '@cachet/verifier';
//   const { openVerifier } = await load();
//   const { verifier, lastSeen } = openVerifier(signedTrustListText, [rootPublicKeyText], storedLastSeen);
//   // store lastSeen: the next run passes it, and an older list is refused
//   const result = verifier.verify(text, Date.now()); // result.status === 'valid' | …
//   // with the status documents held (full, then deltas) and the status memory:
//   const opened = openVerifier(list, roots, lastSeen, { status: [full, ...deltas], lastSeenStatus });
//   // store opened.lastSeen and opened.lastSeenStatus; no verdict while opened.statusError
//
// The wasm-bindgen glue (`./pkg/cachet.js`) keeps one instance of the
// module; `load` fills it once and hands back the functions that need it,
// so nothing can be called before the wasm is there. In a browser, `load()`
// fetches `pkg/cachet_bg.wasm` next to the glue (a bundler that follows
// `new URL(…, import.meta.url)`, as Vite does, copies it); pass `wasm` to
// take it from elsewhere. In Node, pass the file's bytes (`loadSync` or
// `load`): Node's fetch does not read `file:` URLs.

import init, { initSync, Verifier, statusText, scanImage, profiles } from './pkg/cachet.js';

/** `true` for `null` or a sequence (an integer >= 0). */
function isMemory(value) {
  return value === null || (Number.isSafeInteger(value) && value >= 0);
}

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
 *
 * With `options.status` (the signed status documents held, the full one
 * then the deltas, as texts) and `options.lastSeenStatus` (the highest
 * status sequence applied before, as stored, or `null`; anything else
 * throws `last-seen-status-invalid`), each document is applied in turn at
 * `options.nowMs` (default `Date.now()`) with the core's
 * `Verifier.applyStatus`. A document the core refuses leaves the status held
 * as it was and is reported in `statusRefused` (`{ index, code }`, `code`
 * the core's: `status-wrong-base`, `status-rollback`, `status-expired`…).
 * Once all are applied, a status held below `lastSeenStatus` (or none held
 * when one was before) is a rollback: every document is then reported
 * refused (`status-rollback` for those the core had applied) and the
 * verifier is the one the list alone makes. `statusError` is `null` when
 * every document was applied, else `status-rollback` for a rollback or the
 * first refusal's code: give no verdict then. The result adds
 * `lastSeenStatus`, the highest status sequence applied so far, that the
 * caller stores beside `lastSeen` for the next call.
 */
function openVerifier(signedTrustList, roots, lastSeen, options) {
  if (!isMemory(lastSeen)) {
    throw new TypeError(`last-seen-invalid: lastSeen must be null or a sequence (an integer >= 0), got ${String(lastSeen)}`);
  }
  const verifier = new Verifier(signedTrustList, roots, lastSeen ?? undefined);
  const sequence = verifier.trustList?.sequence;
  const seen = typeof sequence === 'number' && sequence > (lastSeen ?? -1) ? sequence : lastSeen;
  if (options === undefined) return { verifier, lastSeen: seen };

  const { status, lastSeenStatus, nowMs = Date.now() } = options ?? {};
  if (!Array.isArray(status) || !status.every((doc) => typeof doc === 'string')) {
    throw new TypeError('status-documents-invalid: options.status must be an array of status document texts (the full one, then the deltas)');
  }
  if (!isMemory(lastSeenStatus)) {
    throw new TypeError(`last-seen-status-invalid: options.lastSeenStatus must be null or a status sequence (an integer >= 0), got ${String(lastSeenStatus)}`);
  }
  if (typeof nowMs !== 'number' || !Number.isFinite(nowMs)) {
    throw new TypeError(`now-invalid: options.nowMs must be a time in milliseconds, got ${String(nowMs)}`);
  }
  const statusRefused = [];
  status.forEach((doc, index) => {
    const code = verifier.applyStatus(doc, nowMs);
    if (code !== undefined) statusRefused.push({ index, code });
  });
  if (!verifier.trustListError && verifier.checkStatusFloor(lastSeenStatus ?? undefined) === 'status-rollback') {
    // The status ended below the one applied before: every document applied
    // is refused, and the verifier is the one the list alone makes, as it
    // was before any of them (the core cannot take a document back).
    const refused = new Map(statusRefused.map((r) => [r.index, r.code]));
    const all = status.map((_, index) => ({ index, code: refused.get(index) ?? 'status-rollback' }));
    verifier.free();
    const bare = new Verifier(signedTrustList, roots, lastSeen ?? undefined);
    return { verifier: bare, lastSeen: seen, lastSeenStatus, statusRefused: all, statusError: 'status-rollback' };
  }
  const held = verifier.statusSequence;
  const statusSeen = typeof held === 'number' && held > (lastSeenStatus ?? -1) ? held : lastSeenStatus;
  return { verifier, lastSeen: seen, lastSeenStatus: statusSeen, statusRefused, statusError: statusRefused[0]?.code ?? null };
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
