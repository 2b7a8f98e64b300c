// Types of @cachet/verifier's entry point (index.js). The result, status,
// profile and certificate types are the core's own, declared in src/wasm.rs
// and generated into pkg/cachet.d.ts by wasm-bindgen.

import type { Verifier, Status, profiles, checkProfile, statuses, certificateKeyId, InitInput, SyncInitInput } from './pkg/cachet.js';

export type * from './pkg/cachet.js';

/**
 * What a call into the core throws when it gave no result: `core-crashed`
 * when the core stopped during the call (a WebAssembly trap: the instance is
 * dropped, and the next call runs on a fresh one, where every verifier is
 * rebuilt from its trust list and status documents), `core-unavailable`
 * when no fresh instance is ready yet (`await load()` waits for one). Say
 * "could not verify" for such a call; never guess a verdict.
 */
export class CoreError extends Error {
  readonly name: 'CoreError';
  readonly code: 'core-crashed' | 'core-unavailable';
  /** For `core-crashed`: what the core threw (a `WebAssembly.RuntimeError` for a trap). */
  readonly cause?: unknown;
}

/**
 * The three kinds of verdict a person is shown, as the verifier page and the
 * element show them: `valid`; `not-valid-now` (genuine, outside its school
 * year: `expired`, `not-yet-valid`); `refused` (every other status: do not
 * rely on it).
 */
export type VerdictKind = 'valid' | 'not-valid-now' | 'refused';

/** What a person reads of a verdict, in the verifier page's words. */
export interface VerdictText {
  /** Its kind: say it with the colour and icon of the kind. */
  readonly kind: VerdictKind;
  /** The headline: "Certificat valide", "Authentique mais plus valable", "Certificat annulé : ne pas s’y fier"… */
  readonly title: string;
  /** Why, in one sentence. */
  readonly reason: string;
  /** What to do next: "Demandez le certificat de cette année : …", "Refusez-le. …". */
  readonly next: string;
}

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

/**
 * The core's functions, ready to call once the wasm module is loaded. Every
 * call goes to a live instance of the core: one that threw (a trap) is never
 * used again, that call throws a `CoreError` (`core-crashed`), and the next
 * runs on a fresh instance made ahead. Bad input never throws: it gives a
 * result with its status.
 */
export interface Cachet {
  /** `new Verifier(signedTrustListText, [rootPublicKeyText…], lastSeenSequence)`; `.verify(text, nowMs, profile?)`. */
  readonly Verifier: typeof Verifier;
  /** See `OpenVerifier`: a verifier with rollback memory of the list's sequence, and of the status sequence when given status documents. */
  readonly openVerifier: OpenVerifier;
  /**
   * What a person reads of a verdict, in the verifier page's words: its
   * kind, headline, reason and next step, in French (default) or English
   * (`lang` starting with `en`). `from`: when a `not-yet-valid` certificate
   * becomes valid, written as the reader writes dates (left out without it).
   * An unknown status reads as `malformed`. Never throws.
   */
  readonly statusText: (status: Status, lang: string, from?: string) => VerdictText;
  /** The kind of a status: `valid`, `not-valid-now` (`expired`, `not-yet-valid`) or `refused`. */
  readonly kindOf: (status: Status) => VerdictKind;
  /**
   * The issuer key id (16 hex digits) a certificate's text names, read
   * without verifying anything: which key's scoped status document to fetch
   * first. `undefined` when the text is not a readable certificate.
   */
  readonly certificateKeyId: typeof certificateKeyId;
  /**
   * The texts of every QR code in an RGBA frame: a canvas's `ImageData.data`
   * (a `Uint8ClampedArray`) as it comes, or a `Uint8Array`; 4 bytes a pixel.
   */
  readonly scanImage: (rgba: Uint8Array | Uint8ClampedArray, width: number, height: number, quick?: boolean) => string[];
  /** The purpose profiles and the certificate fields each one lets through. */
  readonly profiles: typeof profiles;
  /** `undefined` when a profile name is known (or `undefined`/`null`: "full"), else `unknown-profile`; never throws. */
  readonly checkProfile: typeof checkProfile;
  /** Every status (verdict) the core gives, in order of precedence. */
  readonly statuses: typeof statuses;
}

export interface LoadOptions {
  /**
   * Where the wasm module comes from: a URL or path of `cachet_bg.wasm`, a
   * `Response`, its bytes, or a compiled module. Default: `pkg/cachet_bg.wasm`
   * beside the glue, fetched (browsers and bundlers only; in Node pass the bytes).
   */
  wasm?: InitInput | Promise<InitInput>;
}

/**
 * Loads the wasm module once (later calls share the first load) and resolves
 * to the core's functions, once an instance and a spare are made. Called
 * again after a trap, it resolves once a fresh instance is ready.
 */
export function load(options?: LoadOptions): Promise<Cachet>;

/**
 * Loads the wasm module synchronously from its bytes or a compiled module
 * (Node, workers). The spare instance is made in the background.
 */
export function loadSync(options: { wasm: SyncInitInput }): Cachet;
