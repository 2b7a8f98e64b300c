// Types of @cachet/verifier's entry point (index.js). The result, status,
// profile and certificate types are the core's own, declared in src/wasm.rs
// and generated into pkg/cachet.d.ts by wasm-bindgen.

import type { Verifier, statusText, profiles, InitInput, SyncInitInput } from './pkg/cachet.js';

export type * from './pkg/cachet.js';

/** What `openVerifier` returns. */
export interface OpenedVerifier {
  /** The verifier; every result is `trust-list-invalid` when the list was refused (`verifier.trustListError` says why). */
  readonly verifier: Verifier;
  /**
   * The highest trust-list sequence accepted so far: store it and pass it to
   * the next `openVerifier`. `null` only when no list was ever accepted.
   */
  readonly lastSeen: number | null;
}

/** The core's functions, ready to call once the wasm module is loaded. */
export interface Cachet {
  /** `new Verifier(signedTrustListText, [rootPublicKeyText…], lastSeenSequence)`; `.verify(text, nowMs, profile?)`. */
  readonly Verifier: typeof Verifier;
  /**
   * A verifier for a signed trust list that refuses a list older than
   * `lastSeen` (the value the previous call returned, stored by the caller;
   * `null` when no list was ever accepted). Throws a `TypeError`
   * (`last-seen-invalid: …`) for any other `lastSeen`. Store the returned
   * `lastSeen` for the next call.
   */
  readonly openVerifier: (signedTrustList: string, roots: string[], lastSeen: number | null) => OpenedVerifier;
  /** The French or English headline and reason of a status. */
  readonly statusText: typeof statusText;
  /**
   * The texts of every QR code in an RGBA frame: a canvas's `ImageData.data`
   * (a `Uint8ClampedArray`) as it comes, or a `Uint8Array`; 4 bytes a pixel.
   */
  readonly scanImage: (rgba: Uint8Array | Uint8ClampedArray, width: number, height: number) => string[];
  /** The purpose profiles and the certificate fields each one lets through. */
  readonly profiles: typeof profiles;
}

export interface LoadOptions {
  /**
   * Where the wasm module comes from: a URL or path of `cachet_bg.wasm`, a
   * `Response`, its bytes, or a compiled module. Default: `pkg/cachet_bg.wasm`
   * beside the glue, fetched (browsers and bundlers only; in Node pass the bytes).
   */
  wasm?: InitInput | Promise<InitInput>;
}

/** Loads the wasm module once (later calls share the first load) and resolves to the core's functions. */
export function load(options?: LoadOptions): Promise<Cachet>;

/** Loads the wasm module synchronously from its bytes or a compiled module (Node, workers). */
export function loadSync(options: { wasm: SyncInitInput }): Cachet;
