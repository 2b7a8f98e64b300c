// Types of @cachet/verifier/element: element/cachet-verifier.js, the
// <cachet-verifier> web component (www/element/ in the repository).
// Importing the module registers the element.

import type { ProfileName, VerifyResult } from './pkg/cachet.js';

/** Why the element could not verify: a stable code. */
export type VerifyErrorCode = 'unavailable' | 'no-wasm' | 'timeout' | 'unknown-profile' | 'profile-not-applied' | 'failed';

/** What `verify(text)` rejects with, and `cachet-error`'s `detail.code`. */
export class VerifyError extends Error {
  constructor(code: VerifyErrorCode, message?: string);
  readonly code: VerifyErrorCode;
}

/**
 * The three kinds of verdict a person is shown: `valid`; `not-valid-now`
 * (genuine, outside its school year: `expired`, `not-yet-valid`);
 * `refused` (every other status). Also the host's `data-kind`.
 */
export type VerdictKind = 'valid' | 'not-valid-now' | 'refused';

/** A result for the element's profile: `profile` tells which (absent for "full"); `kind` its verdict's kind. */
export type ElementResult = VerifyResult<ProfileName> & { kind: VerdictKind };

/**
 * `<cachet-verifier config="/config.json" profile="transport" lang="fr">`:
 * paste, image and camera inputs, the verdict with only the profile's fields.
 */
export class CachetVerifier extends HTMLElement {
  /** The profile in use: the `profile` attribute when first connected, "full" by default. */
  readonly profile: string;
  /** Resolves once the core, the configuration and the trust list are loaded; rejects with a `VerifyError`. */
  ready(): Promise<void>;
  /** Verifies a text the host read itself; also shown, and emitted as `cachet-result`. */
  verify(text: string): Promise<ElementResult>;
}

declare global {
  interface HTMLElementTagNameMap {
    'cachet-verifier': CachetVerifier;
  }
  interface HTMLElementEventMap {
    /** Each verdict; bubbles and crosses the shadow boundary. */
    'cachet-result': CustomEvent<ElementResult>;
    /** "Could not verify". */
    'cachet-error': CustomEvent<{ code: VerifyErrorCode }>;
  }
}
