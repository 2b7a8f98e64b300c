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
// The core behind a wall, as the page's (www/verifier.js): a Rust panic in
// wasm is a trap (`WebAssembly.RuntimeError`), and a trapped instance may
// hold broken state. Every call goes through `call`: when one throws
// (anything but the documented `unknown-profile`), that instance is never
// used again, the call throws a `CoreError` whose `code` is `core-crashed`
// (it gave no result: say "could not verify", never guess), and the next
// call runs on a fresh instance, where each `Verifier` is rebuilt from its
// trust list and the status documents applied to it. The fresh instance is
// made ahead (a spare), so that the next call is synchronous like the
// first; it is a new copy of the glue (`pkg/cachet.js?instance=N`, because
// the glue keeps its instance in a module variable) on the same compiled
// module. Where no spare could be made (a bundle that did not keep
// pkg/cachet.js as a file), calls after a trap throw `core-unavailable`.
//
// In a browser, `load()` fetches `pkg/cachet_bg.wasm` next to the glue (a
// bundler that follows `new URL(…, import.meta.url)`, as Vite does, copies
// it); pass `wasm` to take it from elsewhere. In Node, pass the file's bytes
// (`loadSync` or `load`): Node's fetch does not read `file:` URLs.

import * as firstGlue from './pkg/cachet.js';

/** A call into the core that gave no result: `code` is `core-crashed` or `core-unavailable`. */
export class CoreError extends Error {
  constructor(code, message, cause) {
    super(`${code}: ${message}`, cause === undefined ? undefined : { cause });
    this.name = 'CoreError';
    this.code = code;
  }
}

// The glue as a file of its own: a bundler that follows `new URL(…,
// import.meta.url)` (Vite does) copies it, and each fresh instance imports
// it again under its own query, so under a URL of its own.
const GLUE = new URL('./pkg/cachet.js', import.meta.url);

let compiled = null; // the WebAssembly.Module, compiled once
let live = null; // { glue, generation }: the instance calls go to
let spare = null; // { glue, generation } made ahead, or null
let making = null; // the promise of the spare being made
let generations = 0;

const used = new WeakSet(); // every glue instantiated: a fresh instance needs a glue never used

/** Instantiates generation `n` of the glue on the compiled module. */
async function instantiate(n) {
  let glue = firstGlue;
  if (n > 0) {
    const url = new URL(GLUE);
    url.searchParams.set('instance', String(n));
    glue = await import(/* @vite-ignore */ /* webpackIgnore: true */ url.href);
  }
  if (used.has(glue)) throw new Error('the glue module was not loaded again: no fresh instance');
  used.add(glue);
  await glue.default({ module_or_path: compiled }); // asynchronous: browsers may refuse a synchronous instantiation
  return { glue, generation: n };
}

/** Starts making the spare instance, unless one is there or on its way. */
function makeSpare() {
  if (spare || making || !compiled) return making;
  making = instantiate(++generations).then(
    (instance) => {
      making = null;
      if (live) {
        spare = instance;
      } else {
        live = instance; // a trap found no spare: this one is live now, and the next spare is made
        makeSpare();
      }
    },
    () => {
      making = null; // no spare here (a bundle without the glue file): calls after a trap say core-unavailable
    },
  );
  return making;
}

/** Drops `instance` after a throw; the spare, if made, takes its place. */
function retire(instance) {
  if (live !== instance) return;
  live = spare;
  spare = null;
  makeSpare();
}

/** The documented throw of the core: a programming error of the caller, not a crash. */
function isCoreThrow(e) {
  return e instanceof Error && !(e instanceof WebAssembly.RuntimeError) && typeof e.message === 'string' && e.message.startsWith('unknown-profile');
}

/** Runs `f(glue, generation)` on the live instance; a throw retires it. */
function call(f) {
  const instance = live;
  if (!instance) {
    throw new CoreError('core-unavailable', 'the verifier core stopped and no fresh instance could be made; load the page or the process again');
  }
  try {
    return f(instance.glue, instance.generation);
  } catch (e) {
    if (isCoreThrow(e)) throw e;
    retire(instance);
    throw new CoreError('core-crashed', 'the verifier core stopped during this call; it gave no result, and the next call runs on a fresh instance', e);
  }
}

/**
 * A verifier for one signed trust list and its pinned root keys: the core's
 * `Verifier`, behind the wall. Its list, roots and last seen sequence, and
 * the status documents it applied, are kept, so that a fresh instance after
 * a trap rebuilds the same verifier.
 */
class Verifier {
  #args;
  #applied = []; // [method, document (a string, or a copy of its bytes), nowMs] applied, in order
  #raw = null;
  #generation = -1;
  #freed = false;

  constructor(signedTrustList, roots, lastSeenSequence) {
    this.#args = [signedTrustList, roots, lastSeenSequence];
    call((glue, generation) => this.#core(glue, generation));
  }

  /** The core's verifier on the live instance, rebuilt there if it was made on one retired. */
  #core(glue, generation) {
    if (this.#freed) throw new TypeError('verifier-freed: this verifier was freed');
    if (this.#generation !== generation) {
      const raw = new glue.Verifier(...this.#args);
      for (const [method, document, nowMs] of this.#applied) raw[method](document, nowMs);
      // The old one lives in a retired instance: never called again, not even to be freed.
      this.#raw = raw;
      this.#generation = generation;
    }
    return this.#raw;
  }

  #call(f) {
    if (this.#freed) throw new TypeError('verifier-freed: this verifier was freed');
    return call((glue, generation) => f(this.#core(glue, generation)));
  }

  verify(text, nowMs, profile) {
    return this.#call((v) => v.verify(text, nowMs, profile));
  }

  trustListState(nowMs) {
    return this.#call((v) => v.trustListState(nowMs));
  }

  /** `method` (applyStatus or applyStatusBytes) of `document`; once applied, `keep(document)` kept for a new instance to replay. */
  #applyStatus(method, document, nowMs, keep = (d) => d) {
    const refused = this.#call((v) => v[method](document, nowMs));
    if (refused === undefined) this.#applied.push([method, keep(document), nowMs]);
    return refused;
  }

  applyStatus(document, nowMs) {
    return this.#applyStatus('applyStatus', document, nowMs);
  }

  applyStatusBytes(bytes, nowMs) {
    // A copy: the caller may reuse its array.
    return this.#applyStatus('applyStatusBytes', bytes, nowMs, (b) => Uint8Array.from(b));
  }

  checkStatusFloor(lastSeenStatusSequence) {
    return this.#call((v) => v.checkStatusFloor(lastSeenStatusSequence));
  }

  get trustList() {
    return this.#call((v) => v.trustList);
  }

  get trustListError() {
    return this.#call((v) => v.trustListError);
  }

  get statusSequence() {
    return this.#call((v) => v.statusSequence);
  }

  get statusExpires() {
    return this.#call((v) => v.statusExpires);
  }

  get statusScope() {
    return this.#call((v) => v.statusScope);
  }

  /** Frees the core's memory of this verifier; it cannot be used after. */
  free() {
    if (this.#freed) return;
    this.#freed = true;
    if (this.#raw && live && this.#generation === live.generation) this.#raw.free();
    this.#raw = null;
  }

}

if (typeof Symbol.dispose === 'symbol') {
  Verifier.prototype[Symbol.dispose] = function dispose() {
    this.free();
  };
}

/** The core's free functions, behind the wall. */
const certificateKeyId = (text) => call((glue) => glue.certificateKeyId(text));
const scanImage = (rgba, width, height, quick) => call((glue) => glue.scanImage(rgba, width, height, quick));
const profiles = () => call((glue) => glue.profiles());
const checkProfile = (profile) => call((glue) => glue.checkProfile(profile));
const statuses = () => call((glue) => glue.statuses());

/**
 * The kind of a verdict, as the page and the element show it: `valid`;
 * `not-valid-now` (genuine, but outside its school year: `expired`,
 * `not-yet-valid`); `refused` (every other status: do not rely on it).
 */
function kindOf(status) {
  if (status === 'valid') return 'valid';
  return status === 'expired' || status === 'not-yet-valid' ? 'not-valid-now' : 'refused';
}

/**
 * What a person reads of a verdict, in the page's words: `{ kind, title,
 * reason, next }`, from the core (`Status::title`… in src/status.rs, held
 * to www/i18n.js's `verdict` by tests/verdict_words.rs). `lang`: English
 * when it starts with `en`, French otherwise. `from`: when the certificate
 * becomes valid, as the reader writes dates (`not-yet-valid` names it;
 * without it, that sentence is left out, as the page does). A status that
 * is not one gives `malformed`'s.
 */
function statusText(status, lang, from) {
  const when = typeof from === 'string' && from !== '' ? from : undefined;
  return call((glue) => glue.statusText(String(status), String(lang ?? ''), when));
}

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
const api = Object.freeze({ Verifier, openVerifier, statusText, kindOf, certificateKeyId, scanImage, profiles, checkProfile, statuses });

/** The compiled module of `wasm` (see `load`). */
async function compile(wasm) {
  let input = await wasm;
  if (input === undefined) input = new URL('./pkg/cachet_bg.wasm', import.meta.url);
  if (input instanceof WebAssembly.Module) return input;
  if (typeof input === 'string' || input instanceof URL || (typeof Request === 'function' && input instanceof Request)) {
    input = await fetch(input);
  }
  if (typeof Response === 'function' && input instanceof Response) {
    if (!input.ok) throw new Error(`cannot fetch the wasm module: HTTP ${input.status} ${input.url}`);
    const type = input.headers.get('Content-Type') || '';
    if (typeof WebAssembly.compileStreaming === 'function' && type.startsWith('application/wasm')) {
      return WebAssembly.compileStreaming(input);
    }
    return WebAssembly.compile(await input.arrayBuffer());
  }
  return WebAssembly.compile(input);
}

let loading = null;

/**
 * Loads the wasm module once (later calls share the first load) and
 * resolves to `{ Verifier, openVerifier, statusText, kindOf, certificateKeyId,
 * scanImage, profiles, checkProfile, statuses }`, once the first instance and its spare are made.
 * Called again after a trap, it resolves once a fresh instance is ready.
 * `wasm`: a URL or path string of `cachet_bg.wasm`, a `Response`, its bytes,
 * or a compiled `WebAssembly.Module` (or a promise of one of these).
 */
export function load({ wasm } = {}) {
  if (!loading) {
    loading = (async () => {
      if (!live) {
        compiled ??= await compile(wasm);
        live = await instantiate(0);
      }
      return api;
    })();
    loading.catch(() => {
      loading = null; // a failed download is tried again by the next call
    });
  }
  return loading.then(async () => {
    await makeSpare();
    return api;
  });
}

/**
 * Loads the wasm module synchronously from its bytes or a compiled
 * `WebAssembly.Module` (Node, workers) and returns the same object as `load`.
 * Its spare instance is made in the background: a trap before it is there
 * makes the calls after it throw `core-unavailable` until it is.
 */
export function loadSync({ wasm }) {
  if (!live) {
    compiled ??= wasm instanceof WebAssembly.Module ? wasm : new WebAssembly.Module(wasm);
    live = { glue: firstGlue, generation: 0 };
    used.add(firstGlue);
    firstGlue.initSync({ module: compiled });
  }
  makeSpare();
  return api;
}
