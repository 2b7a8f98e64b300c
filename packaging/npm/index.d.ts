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

/** The status documents `openVerifier` applies, and the status memory. */
export interface StatusOptions {
  /** The signed status documents' texts, in order: the full one, then each delta on its base. */
  readonly status: readonly string[];
  /**
   * The highest status sequence applied before (`lastSeenStatus` of the
   * previous call, as stored), or `null` when none was ever applied.
   */
  readonly lastSeenStatus: number | null;
  /** The instant the documents are checked at (their `expires`, the status key's), in ms. Default `Date.now()`. */
  readonly nowMs?: number;
}

/** A status document the core refused: it left the status held unchanged. */
export interface StatusRefusal {
  /** Its place in `options.status`. */
  readonly index: number;
  /** The core's code: `status-wrong-base`, `status-rollback`, `status-expired`, `status-wrong-key`… */
  readonly code: string;
}

/** What `openVerifier` returns when given status documents. */
export interface OpenedVerifierWithStatus extends OpenedVerifier {
  /**
   * The highest status sequence applied so far: store it beside `lastSeen`
   * and pass it to the next call. Unchanged when the status ended below it.
   */
  readonly lastSeenStatus: number | null;
  /**
   * Every document refused, in order (empty when all were applied). On a
   * rollback, every document (`status-rollback` for those the core had
   * applied), and the verifier is the one the list alone makes.
   */
  readonly statusRefused: StatusRefusal[];
  /**
   * `null` when every document was applied and the status held is not below
   * `lastSeenStatus`; else `status-rollback` (the status ended below the one
   * applied before, or none is held though one was) or the first refusal's
   * code: give no verdict then.
   */
  readonly statusError: string | null;
}

/**
 * A verifier for a signed trust list that refuses a list older than
 * `lastSeen` (the value the previous call returned, stored by the caller;
 * `null` when no list was ever accepted). Throws a `TypeError`
 * (`last-seen-invalid: …`) for any other `lastSeen`. Store the returned
 * `lastSeen` for the next call. With `options`, also applies the status
 * documents held and refuses a status older than `options.lastSeenStatus`
 * (a `TypeError`, `last-seen-status-invalid: …`, for anything but `null` or
 * a sequence); store the returned `lastSeenStatus` too.
 */
export interface OpenVerifier {
  (signedTrustList: string, roots: string[], lastSeen: number | null): OpenedVerifier;
  (signedTrustList: string, roots: string[], lastSeen: number | null, options: StatusOptions): OpenedVerifierWithStatus;
}

/** The core's functions, ready to call once the wasm module is loaded. */
export interface Cachet {
  /** `new Verifier(signedTrustListText, [rootPublicKeyText…], lastSeenSequence)`; `.verify(text, nowMs, profile?)`. */
  readonly Verifier: typeof Verifier;
  /** See `OpenVerifier`: a verifier with rollback memory of the list's sequence, and of the status sequence when given status documents. */
  readonly openVerifier: OpenVerifier;
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
