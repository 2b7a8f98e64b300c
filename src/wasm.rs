//! The JavaScript face of the core, and the only file that knows about
//! JavaScript. Built by `cargo xtask build` into `pkg/` (wasm-bindgen,
//! `--target web`).
//!
//! ```js
//! import init, { Verifier } from './pkg/cachet.js';
//! await init();
//! const verifier = new Verifier(signedTrustList, [rootPublicKeyText], lastSeenSequence);
//! const result = verifier.verify(text, Date.now());
//! if (result.status === 'valid') { … }
//! // For a purpose, only that profile's fields leave the wasm (src/profile.rs):
//! const forTransport = verifier.verify(text, Date.now(), 'transport');
//! ```
//!
//! Nothing here throws for bad input: a refused trust list gives a verifier
//! whose every result is `trust-list-invalid`, and a bad certificate gives a
//! result with its status. The one exception is a programming error of the
//! host, not an input: a profile name that does not exist throws an `Error`
//! whose message starts with `unknown-profile`, and no result is made
//! (`checkProfile(name)` asks without throwing).
//!
//! What a page needs besides verdicts is asked directly, never by verifying
//! an empty text: `verifier.trustListState(nowMs)` (the list's freshness,
//! as the `trust-list` check of a result would give it), `checkProfile`,
//! and `statuses()` (every verdict there is). `statuses`, `statusText`,
//! `profiles` and `statusExpires`, which the page never calls, are built only
//! with the `wasm-extras` feature (on by default; not in the page's
//! verify-only wasm).
//! Results cross as plain objects typed by the TypeScript declarations below.

use crate::json::Writer;
use crate::keys::PublicKey;
use crate::profile::{Profile, ProfileError};
use crate::status::{CheckName, Outcome, Status};
use crate::trust::{TrustError, TrustList};
use crate::verify::{trust_list_check, verify, Check, Report, TrustListInfo};
use wasm_bindgen::prelude::*;

/// The wasm's allocator: TLSF (rlsf), smaller than the standard library's
/// dlmalloc by 2 KB of every page's download, as fast here and with the same
/// memory (Cargo.toml says what was measured). The wasm is single-threaded:
/// rlsf's lock is empty there.
#[global_allocator]
static ALLOC: rlsf::GlobalTlsf = rlsf::GlobalTlsf::new();

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** The verdict vocabulary, shared with the CLI and the page. */
export type Status =
  | "valid" | "malformed" | "unsupported-version" | "unknown-issuer" | "invalid-signature"
  | "issuer-key-not-valid" | "revoked" | "not-yet-valid" | "expired"
  | "trust-list-invalid" | "trust-list-expired";

/** The checks, in report order. */
export type CheckName =
  | "trust-list" | "decoding" | "version" | "issuer" | "signature" | "issuer-key" | "revocation" | "validity";

/** One check's result; `code` says why it failed or warned. */
export interface Check {
  check: CheckName;
  outcome: "pass" | "warn" | "fail" | "not-run";
  code?: string;
}

/** The signed fields of a certificat de scolarité (dates `YYYY-MM-DD`, instants RFC 3339). */
export interface SchoolCertificate {
  kind: "certificat-de-scolarite";
  serial: string;
  issued_on: string;
  academie: string;
  valid_from: string;
  valid_until: string;
  family_name: string;
  given_names: string;
  birth_date: string;
  school_uai: string;
  school_name: string;
  school_town: string;
  school_year: string;
  level: string;
  regime?: "externe" | "demi-pensionnaire" | "interne";
}

/** The purpose profiles (src/profile.rs): names are stable API. "full" is the default. */
export type ProfileName = "full" | "transport" | "family-benefits" | "school-enrolment";

/** The certificate fields each profile passes on; no other field leaves the wasm. */
export interface ProfileFields {
  full: keyof SchoolCertificate;
  transport: "kind" | "family_name" | "given_names" | "school_year" | "valid_from" | "valid_until";
  "family-benefits": ProfileFields["transport"] | "birth_date" | "level";
  "school-enrolment": ProfileFields["transport"] | "school_uai" | "school_name" | "school_town" | "regime";
}

/** The certificate as a result for profile `P` carries it. */
export type CertificateFor<P extends ProfileName> = Pick<SchoolCertificate, ProfileFields[P]>;

/** One profile, as `profiles()` lists it: its name and its fields, in report order. */
export type ProfileInfo = { [P in ProfileName]: { name: P; fields: ProfileFields[P][] } }[ProfileName];

/** The signing issuer as the trust list names it (never from the certificate). */
export interface Issuer {
  name: string;
  key_id: string;
}

/** The trust list used. */
export interface TrustListInfo {
  sequence: number;
  issued_at: string;
  next_update: string;
}

/** What every result holds, whatever the profile: nothing about the pupil. */
export interface VerifyResultBase {
  status: Status;
  checks: Check[];
  issuer?: Issuer;
  trust_list?: TrustListInfo;
}

/** Everything one verification found, for profile `P` (default "full").
 * `certificate` is present only when the signature verified under a key of a
 * usable trust list, and holds only `P`'s fields; `profile` is present for
 * every profile but "full". For a union of names, a union of results that
 * `profile` tells apart. */
export type VerifyResult<P extends ProfileName = "full"> = P extends "full"
  ? VerifyResultBase & { certificate?: SchoolCertificate; profile?: undefined }
  : P extends ProfileName
    ? VerifyResultBase & { certificate?: CertificateFor<P>; profile: P }
    : never;

export interface Verifier {
  /**
   * Verifies a certificate's text (token or verifier URL) at `nowMs`
   * (milliseconds since 1970, as `Date.now()` gives), for the purpose
   * `profile` (default "full"). Throws an `Error` whose message starts with
   * `unknown-profile` when no profile has that name; never for a bad certificate.
   */
  verify<P extends ProfileName = "full">(text: string, nowMs: number, profile?: P): VerifyResult<P>;
  /**
   * The key id (16 hex digits) the status held is scoped to, when it comes
   * from a scoped full document: it then knows that key alone, and a
   * certificate of another key warns `status-out-of-scope` (TRUST.md,
   * "Scoped full documents"). `undefined` when the status held covers every
   * key, or none is held.
   */
  readonly statusScope: string | undefined;
}

/**
 * The issuer key id (16 hex digits) of a certificate's text (a token `CC1:…`
 * or a verifier URL), read from its envelope without verifying anything:
 * which scoped status document to fetch before verifying it. `undefined`
 * when the text is not a readable certificate. Never throws.
 */
export function certificateKeyId(text: string): string | undefined;

/** The trust list as a verification at `nowMs` would find it: the outcome
 * and code of its `trust-list` check, and the list's sequence and dates when
 * it loaded. `pass`: fresh. `warn`: usable, a newer list (`trust-list-stale`)
 * or status document (`status-stale`) is due. `fail`: no certificate can be
 * declared valid (`trust-list-expired`, or the refused list's code:
 * `trust-list-signature`, `trust-list-rollback`…). */
export interface TrustListState {
  outcome: "pass" | "warn" | "fail";
  code?: string;
  trust_list?: TrustListInfo;
}

/** What a person reads of a verdict, in the verifier page's words. */
export interface StatusText {
  /** `valid`; `not-valid-now` (genuine, outside its school year); `refused` (do not rely on it). */
  kind: "valid" | "not-valid-now" | "refused";
  title: string;
  reason: string;
  /** The next step; for `not-yet-valid`, naming `from` when given, else without that sentence. */
  next: string;
}
"#;

#[wasm_bindgen]
extern "C" {
    /// A plain object typed `VerifyResult` in TypeScript.
    #[wasm_bindgen(typescript_type = "VerifyResult<ProfileName>")]
    pub type VerifyResult;
    /// An array typed `ProfileInfo[]` in TypeScript.
    #[wasm_bindgen(typescript_type = "ProfileInfo[]")]
    pub type ProfileInfoList;
    /// A plain object typed `TrustListInfo` in TypeScript.
    #[wasm_bindgen(typescript_type = "TrustListInfo | undefined")]
    pub type MaybeTrustListInfo;
    /// A plain object typed `StatusText` in TypeScript.
    #[wasm_bindgen(typescript_type = "StatusText")]
    pub type StatusText;
    /// A `Status` string in TypeScript.
    #[wasm_bindgen(typescript_type = "Status")]
    pub type StatusCode;
    /// A plain object typed `TrustListState` in TypeScript.
    #[wasm_bindgen(typescript_type = "TrustListState")]
    pub type TrustListStateObject;
    /// An array typed `Status[]` in TypeScript.
    #[wasm_bindgen(typescript_type = "Status[]")]
    pub type StatusList;
}

// The one JavaScript function the core calls, bound here rather than
// through js-sys: js-sys's bindings would bring into the wasm the closure
// shims of every JavaScript API it declares (about 4 KB gzipped that no
// export uses).
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = JSON, js_name = parse)]
    fn json_parse(text: &str) -> Result<JsValue, JsValue>;
}

/// Parses JSON written by the core (`Report::to_json`, json.rs's writer)
/// into a plain object. Text that does not parse (none does) becomes
/// `undefined`. No JSON library is linked: the core writes, the browser reads.
fn to_js(json: &str) -> JsValue {
    json_parse(json).unwrap_or(JsValue::UNDEFINED)
}

/// A verifier for one signed trust list and its pinned root keys.
#[wasm_bindgen]
pub struct Verifier {
    trust: Result<TrustList, TrustError>,
}

#[wasm_bindgen]
impl Verifier {
    /// Loads `signedTrustList` (the signed file's text) under the pinned
    /// `roots` (public key files' text). `lastSeenSequence` is the highest
    /// sequence this device has seen: an older list is refused (rollback).
    /// Never throws: a refused list makes every result `trust-list-invalid`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(js_name = signedTrustList)] signed_trust_list: &str,
        roots: Vec<String>,
        #[wasm_bindgen(js_name = lastSeenSequence)] last_seen_sequence: Option<f64>,
    ) -> Verifier {
        let roots: Result<Vec<PublicKey>, _> = roots.iter().map(|r| PublicKey::from_text(r)).collect();
        let trust = match roots {
            Ok(roots) => {
                let seen = last_seen_sequence.filter(|s| s.is_finite() && *s >= 0.0).map(|s| s as u64);
                TrustList::load(signed_trust_list.as_bytes(), &roots, seen)
            }
            Err(_) => Err(TrustError::UnknownRoot),
        };
        Verifier { trust }
    }

    /// Verifies a certificate's text (token or verifier URL) at `nowMs`
    /// (milliseconds since 1970, as `Date.now()` gives), for the purpose
    /// `profile` (a name of [`Profile`]; `undefined` or `null`: `full`). The
    /// result's certificate holds only the profile's fields, written so here:
    /// the others never cross into JavaScript. A profile that is not a known
    /// name throws `Error("unknown-profile: …")` before anything is verified.
    ///
    /// Its TypeScript declaration (generic over the profile) is in the custom
    /// section above.
    #[wasm_bindgen(skip_typescript)]
    pub fn verify(
        &self,
        text: &str,
        #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
        profile: JsValue,
    ) -> Result<VerifyResult, JsError> {
        let profile = parse_profile(&profile).map_err(|e| JsError::new(&e.to_string()))?;
        let report = match &self.trust {
            Ok(trust) => verify(text, trust, (now_ms / 1000.0).floor() as i64),
            Err(e) => Report::trust_list_invalid(e),
        };
        Ok(to_js(&report.to_json_for(profile)).unchecked_into())
    }

    /// The trust list's sequence and dates, when it loaded.
    #[wasm_bindgen(getter, js_name = trustList)]
    pub fn trust_list(&self) -> MaybeTrustListInfo {
        match &self.trust {
            Ok(t) => {
                let info = TrustListInfo::of(t);
                let mut w = Writer::new();
                info.write_json(&mut w);
                to_js(&w.finish()).unchecked_into()
            }
            Err(_) => JsValue::UNDEFINED.unchecked_into(),
        }
    }

    /// Why the trust list was refused (a stable code), when it was.
    #[wasm_bindgen(getter, js_name = trustListError)]
    pub fn trust_list_error(&self) -> Option<String> {
        self.trust.as_ref().err().map(|e| e.code().to_owned())
    }

    /// The `trust-list` check a result at `nowMs` would carry, and the list's dates.
    #[wasm_bindgen(js_name = trustListState)]
    pub fn trust_list_state(&self, #[wasm_bindgen(js_name = nowMs)] now_ms: f64) -> TrustListStateObject {
        let check = match &self.trust {
            Ok(trust) => trust_list_check(trust, (now_ms / 1000.0).floor() as i64),
            // As Report::trust_list_invalid reports it.
            Err(e) => Check {
                check: CheckName::TrustList,
                outcome: Outcome::Fail,
                code: Some(e.as_code()),
                status: Some(Status::TrustListInvalid),
            },
        };
        let mut w = Writer::new();
        w.begin_object();
        w.member_str("outcome", check.outcome.code());
        if let Some(code) = check.code {
            w.member_str("code", code.as_str());
        }
        if let Ok(trust) = &self.trust {
            w.key("trust_list");
            TrustListInfo::of(trust).write_json(&mut w);
        }
        w.end_object();
        to_js(&w.finish()).unchecked_into()
    }
}

/// The issuer key id of a certificate's text, unverified (see the d.ts).
// Declared with its documentation in the custom section above, so that the
// JavaScript glue on the page's critical path stays short.
#[wasm_bindgen(js_name = certificateKeyId, skip_typescript)]
pub fn certificate_key_id(text: &str) -> Option<String> {
    let cose = crate::text::decode(text).ok()?;
    crate::envelope::open(&cose).ok().map(|env| env.kid.to_string())
}

/// `unknown-profile` when `verify` would throw for `profile`, else `undefined`.
#[wasm_bindgen(js_name = checkProfile)]
pub fn check_profile(
    #[wasm_bindgen(unchecked_optional_param_type = "string | null")] profile: JsValue,
) -> Option<String> {
    parse_profile(&profile).err().map(|e| e.code().to_owned())
}

/// Every status, in order of precedence.
#[cfg(feature = "wasm-extras")]
#[wasm_bindgen]
pub fn statuses() -> StatusList {
    let mut w = Writer::new();
    w.begin_array();
    for s in Status::PRECEDENCE {
        w.string(s.code());
    }
    w.end_array();
    to_js(&w.finish()).unchecked_into()
}

/// A profile argument: a name of [`Profile`], or `undefined`/`null` for `full`.
fn parse_profile(profile: &JsValue) -> Result<Profile, ProfileError> {
    if profile.is_undefined() || profile.is_null() {
        return Ok(Profile::Full);
    }
    // Not `{profile:?}` for a value that is not a string: JsValue's Debug
    // brings a JavaScript pretty-printer into the glue on the page's path.
    match profile.as_string() {
        Some(name) => Profile::parse(&name),
        None => Err(ProfileError::Unknown("(not a string)".to_owned())),
    }
}

/// What a person reads of a status, in the page's words (`fr`, or `en`
/// for a locale starting with it): its kind, title, reason and next step.
/// `from`: the day a `not-yet-valid` certificate becomes valid, as the
/// reader writes dates. A status that is not one reads as `malformed`.
#[cfg(feature = "wasm-extras")]
#[wasm_bindgen(js_name = statusText)]
pub fn status_text(status: StatusCode, lang: &str, from: Option<String>) -> StatusText {
    let lang = crate::status::Lang::from_locale(lang);
    let status = status.as_string().and_then(|s| Status::from_code(&s)).unwrap_or(Status::Malformed);
    let mut w = Writer::new();
    w.begin_object();
    w.member_str("kind", status.kind().code());
    w.member_str("title", status.title(lang));
    w.member_str("reason", status.reason(lang));
    w.member_str("next", &status.next_step_from(lang, from.as_deref().filter(|f| !f.is_empty())));
    w.end_object();
    to_js(&w.finish()).unchecked_into()
}

/// The purpose profiles, `full` first: each one's name and the certificate
/// fields a result for it carries.
#[cfg(feature = "wasm-extras")]
#[wasm_bindgen]
pub fn profiles() -> ProfileInfoList {
    let mut w = Writer::new();
    w.begin_array();
    for p in Profile::ALL {
        w.begin_object();
        w.member_str("name", p.name());
        w.key("fields");
        w.begin_array();
        for f in p.fields() {
            w.string(f);
        }
        w.end_array();
        w.end_object();
    }
    w.end_array();
    to_js(&w.finish()).unchecked_into()
}

/// Reads every QR code in an RGBA frame (a canvas's `ImageData.data`); returns their texts.
/// With `quick` true, only the cheap passes run (a camera's frame schedule; see `www/camera.js`).
/// Only with the `wasm-scan` feature (on by default; the page's verify-only wasm leaves it out).
#[cfg(feature = "wasm-scan")]
#[wasm_bindgen(js_name = scanImage)]
pub fn scan_image(rgba: &[u8], width: u32, height: u32, quick: Option<bool>) -> Vec<String> {
    let effort = if quick == Some(true) { crate::scan::Effort::Quick } else { crate::scan::Effort::Full };
    crate::scan::scan_rgba_with(rgba, width as usize, height as usize, effort)
}

// Status documents (issue 11; docs/TRUST.md, "Status documents"): the page
// keeps the last full document and the deltas since, applies them to the
// verifier it makes from its list, and remembers the highest status
// sequence applied.
//
// ```js
// const verifier = new Verifier(list, roots, lastSeen);
// for (const doc of [full, ...deltas]) {            // in order: the full one, then each delta on its base
//   const refused = verifier.applyStatus(doc, Date.now());
//   if (refused) { /* e.g. "status-wrong-base": fetch the full document */ }
// }
// const rollback = verifier.checkStatusFloor(lastSeenStatus);  // "status-rollback" or undefined
// // A first visit: the certificate's key's part first (a scoped full
// // document), the complete one in the background.
// const kid = certificateKeyId(text);                // undefined: not a certificate
// verifier.applyStatus(scopedFull, Date.now());      // verifier.statusScope === kid
// verifier.applyStatus(completeFull, Date.now());    // verifier.statusScope === undefined
// store(verifier.statusSequence);
// ```

#[wasm_bindgen]
impl Verifier {
    /// Applies a signed status document (its text) to the status held, at
    /// `nowMs`: it must be signed by the list's status key while delegated,
    /// be within its validity, and (a delta) apply on the sequence held.
    /// Gives `undefined` when applied, else the refusal's stable code
    /// (`status-wrong-key`, `status-rollback`, `status-wrong-base`,
    /// `status-expired`…; a refused list's own code), the status held then
    /// unchanged. Never throws.
    #[wasm_bindgen(js_name = applyStatus)]
    pub fn apply_status(&mut self, document: &str, #[wasm_bindgen(js_name = nowMs)] now_ms: f64) -> Option<String> {
        self.apply_status_bytes(document.as_bytes(), now_ms)
    }

    /// `applyStatus` of the document's bytes (a `Uint8Array`).
    // The glue copies bytes into the wasm at once, where it encodes a string
    // character by character: for the 475 KB document of 400,000 revocations,
    // about 50 ms on a phone (the page's figure, README). Same checks, codes.
    #[wasm_bindgen(js_name = applyStatusBytes)]
    pub fn apply_status_bytes(
        &mut self,
        document: &[u8],
        #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
    ) -> Option<String> {
        let trust = match &mut self.trust {
            Ok(trust) => trust,
            Err(e) => return Some(e.code().to_owned()),
        };
        let now = (now_ms / 1000.0).floor() as i64;
        // Each key's set decoded at its first look-up (TRUST.md, "Status documents").
        let applied = crate::status_doc::StatusDocument::load_deferred(document, trust, now)
            .and_then(|doc| crate::status_doc::StatusState::apply(trust.status(), &doc));
        match applied {
            Ok(state) => {
                trust.set_status(Some(state));
                None
            }
            Err(e) => Some(e.code().to_owned()),
        }
    }

    /// `"status-rollback"` when the status held is older than
    /// `lastSeenStatusSequence` (the highest this device applied before),
    /// or when none is held though one was; `undefined` otherwise.
    #[wasm_bindgen(js_name = checkStatusFloor)]
    pub fn check_status_floor(
        &self,
        #[wasm_bindgen(js_name = lastSeenStatusSequence)] last_seen: Option<f64>,
    ) -> Option<String> {
        let floor = last_seen.filter(|s| s.is_finite() && *s >= 0.0).map(|s| s as u64);
        let held = self.trust.as_ref().ok().and_then(TrustList::status);
        match (held, floor) {
            (Some(state), floor) => state.check_floor(floor).err().map(|e| e.code().to_owned()),
            (None, Some(_)) => Some("status-rollback".to_owned()),
            (None, None) => None,
        }
    }

    /// The sequence of the last status document applied, if any: store it
    /// as the next `lastSeenStatusSequence`.
    #[wasm_bindgen(getter, js_name = statusSequence)]
    pub fn status_sequence(&self) -> Option<f64> {
        self.trust.as_ref().ok().and_then(TrustList::status).map(|s| s.sequence() as f64)
    }

    /// The key id the status held is scoped to, if any (see the d.ts).
    // Declared with its documentation in the custom section above.
    #[wasm_bindgen(getter, js_name = statusScope, skip_typescript)]
    pub fn status_scope(&self) -> Option<String> {
        self.trust.as_ref().ok().and_then(TrustList::status).and_then(|s| s.scope()).map(|k| k.to_string())
    }
}

#[cfg(feature = "wasm-extras")]
#[wasm_bindgen]
impl Verifier {
    /// When the last status document applied expires (RFC 3339), if any:
    /// from then on results warn `status-stale` and a newer one is due.
    #[wasm_bindgen(getter, js_name = statusExpires)]
    pub fn status_expires(&self) -> Option<String> {
        self.trust.as_ref().ok().and_then(TrustList::status).map(|s| crate::time::format_rfc3339(s.expires()))
    }
}
