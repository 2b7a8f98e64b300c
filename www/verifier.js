// The wasm core, behind a wall: every call is wrapped, and an instance that
// threw is never used again.
//
// A Rust panic in wasm is a trap (`WebAssembly.RuntimeError`), and a trapped
// instance may hold broken state. After any throw, the instance is dropped
// and the next call instantiates a fresh one: a new copy of the glue module
// (`pkg/cachet.js?instance=N`, because the glue keeps its instance in a
// module variable) on the same compiled `WebAssembly.Module`. The caller
// shows "could not verify" for the call that threw; it never guesses.

import { compileWasm, wasmAvailable, NoWasmError, preloadChecked } from './lib/early.js';

// The whole module, with the QR reader (`scanImage`): the scan worker's, and
// the default core of <cachet-verifier>. The page's core is the verify-only
// module (boot.js VERIFY_MODULE), which has everything a `Core` calls.
const GLUE = new URL('./pkg/cachet.js', import.meta.url);
const WASM = new URL('./pkg/cachet_bg.wasm', import.meta.url);

/** The glue's URL: the scan worker imports the same file (in a bundle, wherever the bundler put it). */
export const glueURL = GLUE.href;

/** The verdicts the core gives (src/status.rs). */
const STATUSES = new Set([
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
]);

/**
 * Why a result is not what the core promises, or null when it is: an
 * unknown status, no checks, or a `valid` that a check or a missing
 * certificate contradicts. Such a result is never shown.
 */
export function resultProblem(result) {
  if (!result || typeof result !== 'object' || !STATUSES.has(result.status) || !Array.isArray(result.checks)) {
    return 'unexpected result from the core';
  }
  if (result.status === 'valid') {
    const contradicted = result.checks.some((c) => !c || (c.outcome !== 'pass' && c.outcome !== 'warn'));
    if (contradicted || !result.certificate || typeof result.certificate !== 'object') {
      return 'inconsistent valid result';
    }
  }
  return null;
}

/** The compiled whole wasm module (with the QR reader), fetched and compiled once (shared with the scan worker). */
export function compiledModule() {
  return compileWasm(WASM);
}

/** A status document's bytes are copied into the wasm at once; a string is encoded there character by character. */
function apply(verifier, document, nowMs) {
  return typeof document === 'string' ? verifier.applyStatus(document, nowMs) : verifier.applyStatusBytes(document, nowMs);
}

/** Instances made so far, per glue: each after the first imports a fresh copy of it. */
const generations = new Map();

async function instantiate(glueURL, wasmURL) {
  const module = await compileWasm(wasmURL);
  const generation = generations.get(glueURL.href) ?? 0;
  generations.set(glueURL.href, generation + 1);
  const url = generation === 0 ? glueURL : new URL(`?instance=${generation}`, glueURL);
  preloadChecked(url); // checked where the site gives integrity (lib/early.js)
  const glue = await import(url.href);
  try {
    await glue.default({ module_or_path: module });
  } catch (e) {
    throw wasmAvailable() ? e : new NoWasmError(e); // instantiation refused: no wasm here
  }
  return glue;
}

/**
 * One instance of the core and the `Verifier` built on it from a trust list.
 * The trust list's text is kept, so that a fresh instance after a trap can
 * rebuild the same verifier.
 */
export class Core {
  #urls;
  #glue = null;
  #loading = null;
  #verifier = null;
  #trust = null; // { text, roots, lastSeen, status: [documents applied] }

  /**
   * `glue` and `wasm`: the URLs of a wasm-bindgen module of the core (by
   * default the whole one, pkg/cachet.js); `wasm` is compiled once per page.
   */
  constructor({ glue = GLUE, wasm = WASM } = {}) {
    this.#urls = { glue: new URL(glue), wasm: new URL(wasm) };
  }

  /**
   * Loads the wasm (once; again after a trap). Rejects if it cannot be
   * loaded: with an error whose `code` is `no-wasm` where this browser runs
   * no WebAssembly (lib/early.js NoWasmError).
   */
  async ready() {
    if (this.#glue) return;
    if (!this.#loading) {
      this.#loading = instantiate(this.#urls.glue, this.#urls.wasm).then(
        (glue) => {
          this.#glue = glue;
          this.#loading = null;
        },
        (e) => {
          this.#loading = null;
          throw e;
        },
      );
    }
    await this.#loading;
  }

  /** Drops the instance after a throw; the next `ready()` makes a new one. */
  #poison() {
    this.#glue = null;
    this.#verifier = null; // never freed: calling into a trapped instance may trap again
  }

  /** Runs `f(glue)` against a live instance; any throw poisons it and is rethrown. */
  #call(f) {
    if (!this.#glue) throw new Error('the core is not loaded');
    try {
      return f(this.#glue);
    } catch (e) {
      this.#poison();
      throw e;
    }
  }

  /**
   * Builds the verifier for a signed trust list's text under the pinned
   * roots. Returns `{ info, error }`: the list's sequence and dates when it
   * loaded, the core's refusal code when it did not. Call after `ready()`.
   */
  load(text, roots, lastSeen) {
    return this.#call((glue) => {
      const verifier = new glue.Verifier(text, roots, lastSeen);
      const error = verifier.trustListError;
      const info = verifier.trustList;
      if (this.#verifier) this.#verifier.free();
      this.#verifier = verifier;
      this.#trust = { text, roots, lastSeen, status: [] };
      return { info: info ?? null, error: error ?? null };
    });
  }

  /** Tries a trust list without keeping it: `{ info, error }` as for `load`. */
  probe(text, roots, lastSeen) {
    return this.#call((glue) => {
      const verifier = new glue.Verifier(text, roots, lastSeen);
      try {
        return { info: verifier.trustList ?? null, error: verifier.trustListError ?? null };
      } finally {
        verifier.free();
      }
    });
  }

  /**
   * Applies a signed status document (its bytes, a Uint8Array, or its text)
   * at `nowMs` to the verifier
   * of the list loaded: the core's refusal code (`status-wrong-base`,
   * `status-rollback`, `status-expired`…), the status held then unchanged,
   * or null once applied. Kept, so that a rebuild after a trap applies it
   * again.
   */
  applyStatus(document, nowMs) {
    this.#rebuild();
    if (!this.#verifier) throw new Error('no trust list loaded');
    const refused = this.#call(() => apply(this.#verifier, document, nowMs));
    if (refused) return refused;
    this.#trust.status.push({ document, nowMs });
    return null;
  }

  /** The sequence of the status held (the last document applied), or undefined. */
  get statusSequence() {
    this.#rebuild();
    return this.#verifier ? this.#call(() => this.#verifier.statusSequence) : undefined;
  }

  /** The key id the status held is scoped to (one key's part), or undefined (every key's, or none held). */
  get statusScope() {
    this.#rebuild();
    return this.#verifier ? this.#call(() => this.#verifier.statusScope) : undefined;
  }

  /** The issuer key id of a certificate's text (a token or a verifier link), read without verifying; undefined if unreadable. */
  certificateKeyId(text) {
    return this.#call((glue) => glue.certificateKeyId(text) ?? undefined);
  }

  /** `status-rollback` when the status held is older than `lastSeen` (or none is held while one was seen), else null. */
  checkStatusFloor(lastSeen) {
    this.#rebuild();
    if (!this.#verifier) return null;
    return this.#call(() => this.#verifier.checkStatusFloor(lastSeen)) ?? null;
  }

  /** After a trap: the same verifier again, from the list's text and the status documents applied. */
  #rebuild() {
    if (this.#verifier || !this.#trust) return;
    const { text, roots, lastSeen, status } = this.#trust;
    this.load(text, roots, lastSeen);
    for (const { document, nowMs } of status) {
      this.#call(() => apply(this.#verifier, document, nowMs));
      this.#trust.status.push({ document, nowMs });
    }
  }

  /**
   * The list's `trust-list` check at `nowMs`, as every result would carry it
   * (`{ outcome: 'pass' | 'warn' | 'fail', code, trust_list }`), without
   * verifying anything; null without a list.
   */
  trustListState(nowMs) {
    this.#rebuild();
    if (!this.#verifier) return null;
    return this.#call(() => this.#verifier.trustListState(nowMs));
  }

  /** `unknown-profile` when the core does not know `profile` (undefined: `full`), else null. Call after `ready()`. */
  checkProfile(profile) {
    return this.#call((glue) => glue.checkProfile(profile ?? null) ?? null);
  }

  /** Whether a trust list was loaded (accepted or not). */
  get hasTrustList() {
    return this.#trust !== null;
  }

  /**
   * `verify(text, nowMs, profile)` of the core (`profile` optional: the
   * purpose profile, `full` by default). Throws if the core fails, or if it
   * does not know `profile`. Call after `ready()`.
   */
  verify(text, nowMs, profile) {
    this.#rebuild(); // after a trap
    if (!this.#verifier) throw new Error('no trust list loaded');
    return this.#call(() =>
      profile === undefined ? this.#verifier.verify(text, nowMs) : this.#verifier.verify(text, nowMs, profile),
    );
  }
}
