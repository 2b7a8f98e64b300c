//! Status documents (TRUST.md, "Status documents"; FORMAT.md, "Status
//! documents"): the revoked status indices of the list's issuer keys, signed
//! by the online *status key* that the root-signed trust list names, so that
//! revocations reach verifiers every day without the offline root.
//!
//! A **full** document gives every key's revoked indices; a **delta** gives
//! the indices added and removed since the document of sequence `base`. A
//! **scoped** full document (`scope`: one key id) gives that one key's
//! indices only: what a first visit fetches before the complete document,
//! and a state made from it knows that key alone ([`StatusState::covers`]).
//! Each is numbered (`sequence`), dated (`issued_at`) and short-lived
//! (`expires`). A verifier holds a [`StatusState`]: the sets of the last full
//! document with every later delta merged in, each delta applied only on
//! its base, and never a lower sequence than one it holds (rollback).
//!
//! The state's revoked indices **add** to those of the trust list: a stolen
//! status key can revoke (deny service) but cannot clear a revocation the
//! root signed.
//!
//! Everything here is pure: bytes, the trust list and `now` in, values out.

use crate::code::Code;
use crate::json::{JsonError, JsonProblem, Reader, Writer};
use crate::keys::{KeyId, SecretKey};
use crate::status_list::{CodedSet, RevokedSet, StatusListError};
use crate::text::b64;
use crate::time::{format_rfc3339, parse_rfc3339, Timestamp};
use crate::trust::{TrustList, MAX_SIZE};
use std::collections::BTreeMap;
use std::fmt;

/// Value of a status document's `format`.
pub const FORMAT: &str = "cachet-status/1";
/// The context signed before the document's bytes.
pub const SIGNING_CONTEXT: &[u8] = b"cachet status v1\n";

/// Why a status document was refused (or could not be applied).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StatusError {
    /// Larger than the trust list's [`MAX_SIZE`].
    TooLarge,
    /// Not the JSON of a (signed) status document; the parser's message.
    Json(String),
    /// A `format` this build does not read.
    Format(String),
    /// The trust list names no status key: it takes no status document.
    NoStatusKey,
    /// Signed (by its `key_id`) by another key than the list's status key.
    WrongKey,
    /// The signature does not verify under the status key.
    Signature,
    /// The status key's delegation has ended (`status_key.expires` ≤ now).
    KeyExpired,
    /// The document has expired (`expires` ≤ now).
    Expired,
    /// A member is wrong (FORMAT.md, "Status documents"): each problem its
    /// own code, `status-entry-…`.
    Entry {
        /// Where: `issued_at`, `expires`, `base`, `sequence`, `scope`,
        /// `keys`, `key <key_id>`…
        at: String,
        /// What is wrong.
        problem: EntryProblem,
    },
    /// A key's indices are not the canonical code of a set below its capacity.
    Indices {
        /// The entry's `key_id`.
        key_id: String,
        /// What is wrong with the code.
        error: StatusListError,
    },
    /// A sequence lower than the one held (for a delta: not above it).
    Rollback {
        /// The sequence held.
        held: u64,
        /// The document's.
        got: u64,
    },
    /// A delta whose `base` is not the sequence held (or with no complete
    /// state held: none, or one scoped to a key).
    WrongBase {
        /// The sequence of the complete state held, if any.
        held: Option<u64>,
        /// The delta's base.
        base: u64,
    },
}

/// What is wrong with a member of a status document (TRUST.md, "Status
/// documents"): each its own code, `status-entry-…`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum EntryProblem {
    /// `issued_at` or `expires` is not an RFC 3339 time.
    Time,
    /// `expires` before `issued_at`.
    TimeOrder,
    /// A full document with a `base`, or a delta without one.
    Base,
    /// A delta whose `sequence` is not above its `base`.
    Sequence,
    /// A `scope` in a delta (only a full document may be scoped).
    Scope,
    /// A scoped document whose `keys` is not exactly the one key of its
    /// `scope`.
    ScopeKeys,
    /// A `key_id` that is not a key id (16 lowercase hexadecimal digits).
    KeyId,
    /// A key not in the trust list, or without `status_capacity` there.
    Key,
    /// A key listed twice.
    Duplicate,
    /// A key's members are those of the other kind: `added` or `removed` in
    /// a full document, `revoked_indices` in a delta.
    Member,
    /// A delta's key adds and removes the same index.
    AddedAndRemoved,
}

impl EntryProblem {
    /// Every problem, in the order they are checked.
    pub const ALL: [EntryProblem; 11] = [
        EntryProblem::Time,
        EntryProblem::TimeOrder,
        EntryProblem::Base,
        EntryProblem::Sequence,
        EntryProblem::Scope,
        EntryProblem::ScopeKeys,
        EntryProblem::KeyId,
        EntryProblem::Duplicate,
        EntryProblem::Key,
        EntryProblem::Member,
        EntryProblem::AddedAndRemoved,
    ];

    /// Its code.
    pub fn as_code(self) -> Code {
        match self {
            EntryProblem::Time => Code::StatusEntryTime,
            EntryProblem::TimeOrder => Code::StatusEntryTimeOrder,
            EntryProblem::Base => Code::StatusEntryBase,
            EntryProblem::Sequence => Code::StatusEntrySequence,
            EntryProblem::Scope => Code::StatusEntryScope,
            EntryProblem::ScopeKeys => Code::StatusEntryScopeKeys,
            EntryProblem::KeyId => Code::StatusEntryKeyId,
            EntryProblem::Key => Code::StatusEntryKey,
            EntryProblem::Duplicate => Code::StatusEntryDuplicate,
            EntryProblem::Member => Code::StatusEntryMember,
            EntryProblem::AddedAndRemoved => Code::StatusEntryAddedAndRemoved,
        }
    }
}

impl fmt::Display for EntryProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EntryProblem::Time => "not an RFC 3339 time",
            EntryProblem::TimeOrder => "expires before issued_at",
            EntryProblem::Base => "a full document has no base, a delta needs one",
            EntryProblem::Sequence => "a delta's sequence must be above its base",
            EntryProblem::Scope => "only a full document may be scoped",
            EntryProblem::ScopeKeys => "a scoped document lists its scope's key alone",
            EntryProblem::KeyId => "not a key id",
            EntryProblem::Key => "not in the trust list with a status_capacity",
            EntryProblem::Duplicate => "listed twice",
            EntryProblem::Member => "added or removed in a full document, or revoked_indices in a delta",
            EntryProblem::AddedAndRemoved => "an index both added and removed",
        })
    }
}

impl StatusError {
    /// Its code, for reports.
    pub fn as_code(&self) -> Code {
        match self {
            StatusError::TooLarge => Code::StatusTooLarge,
            StatusError::Json(_) => Code::StatusJson,
            StatusError::Format(_) => Code::StatusFormat,
            StatusError::NoStatusKey => Code::StatusNoStatusKey,
            StatusError::WrongKey => Code::StatusWrongKey,
            StatusError::Signature => Code::StatusSignature,
            StatusError::KeyExpired => Code::StatusKeyExpired,
            StatusError::Expired => Code::StatusExpired,
            StatusError::Entry { problem, .. } => problem.as_code(),
            StatusError::Indices { .. } => Code::StatusIndices,
            StatusError::Rollback { .. } => Code::StatusRollback,
            StatusError::WrongBase { .. } => Code::StatusWrongBase,
        }
    }

    /// Stable code: the text of [`StatusError::as_code`].
    pub fn code(&self) -> &'static str {
        self.as_code().as_str()
    }
}

impl fmt::Display for StatusError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StatusError::Json(m) | StatusError::Format(m) => write!(f, "{}: {m}", self.code()),
            StatusError::Entry { at, problem } => write!(f, "{}: {at}: {problem}", self.code()),
            StatusError::Indices { key_id, error } => write!(f, "{}: key {key_id}: {error}", self.code()),
            StatusError::Rollback { held, got } => {
                write!(f, "{}: sequence {got} is not newer than the {held} held", self.code())
            }
            StatusError::WrongBase { held: Some(held), base } => {
                write!(f, "{}: a delta on {base}, the sequence held is {held}", self.code())
            }
            StatusError::WrongBase { held: None, base } => {
                write!(f, "{}: a delta on {base}, and no complete full document held", self.code())
            }
            _ => f.write_str(self.code()),
        }
    }
}

impl std::error::Error for StatusError {}

/// Full or delta.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Every key's revoked indices.
    Full,
    /// The indices added and removed since `base`.
    Delta,
}

impl Kind {
    /// `full` or `delta`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Full => "full",
            Kind::Delta => "delta",
        }
    }
}

/// One key's entry of a document, as written: `revoked_indices` in a full
/// document, `added` and `removed` in a delta (each the base64url Rice code
/// of a set under the key's `status_capacity`; absent: none).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyEntry {
    /// The issuer key's id (16 hex digits).
    pub key_id: String,
    /// Full: its revoked indices.
    pub revoked_indices: Option<String>,
    /// Delta: indices revoked since the base.
    pub added: Option<String>,
    /// Delta: indices no longer revoked since the base.
    pub removed: Option<String>,
}

/// A status document's body, as written under `status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusBody {
    /// Full or delta.
    pub kind: Kind,
    /// This document's number: never lower than one before it.
    pub sequence: u64,
    /// A delta's base: the sequence it applies to.
    pub base: Option<u64>,
    /// A scoped full document's one key (16 hex digits): the document gives
    /// that key's indices only. `None`: every key.
    pub scope: Option<String>,
    /// When it was signed (RFC 3339).
    pub issued_at: String,
    /// When it stops being accepted (RFC 3339).
    pub expires: String,
    /// One entry per issuer key.
    pub keys: Vec<KeyEntry>,
}

fn required<T>(value: Option<T>, object_at: usize) -> Result<T, JsonError> {
    value.ok_or(JsonError { problem: JsonProblem::MissingMember, offset: object_at })
}

impl StatusBody {
    /// Compact JSON, members in the order of FORMAT.md: `format`, `kind`,
    /// `sequence`, `base` (a delta), `scope` (a scoped full document),
    /// `issued_at`, `expires`, `keys`; an absent member is not written.
    pub fn to_json(&self) -> String {
        let mut w = Writer::new();
        w.begin_object();
        w.member_str("format", FORMAT);
        w.member_str("kind", self.kind.name());
        w.key("sequence");
        w.u64(self.sequence);
        if let Some(base) = self.base {
            w.key("base");
            w.u64(base);
        }
        if let Some(scope) = &self.scope {
            w.member_str("scope", scope);
        }
        w.member_str("issued_at", &self.issued_at);
        w.member_str("expires", &self.expires);
        w.key("keys");
        w.begin_array();
        for k in &self.keys {
            w.begin_object();
            w.member_str("key_id", &k.key_id);
            for (name, value) in [("revoked_indices", &k.revoked_indices), ("added", &k.added), ("removed", &k.removed)]
            {
                if let Some(v) = value {
                    w.member_str(name, v);
                }
            }
            w.end_object();
        }
        w.end_array();
        w.end_object();
        w.finish()
    }

    /// Reads a body's JSON text (the `status` of a signed document, or a
    /// document not yet signed) strictly: every member known, none twice,
    /// `format` [`FORMAT`]. Its content is checked against a list by
    /// [`StatusDocument::from_body`].
    pub fn read(text: &[u8]) -> Result<StatusBody, StatusError> {
        let (format, body) = StatusBody::from_json(text).map_err(|e| StatusError::Json(e.to_string()))?;
        if format != FORMAT {
            return Err(StatusError::Format(format));
        }
        Ok(body)
    }

    /// Reads a body's JSON: every member known, none twice; `format` is
    /// checked later.
    fn from_json(text: &[u8]) -> Result<(String, StatusBody), JsonError> {
        let mut r = Reader::new(text)?;
        let at = r.offset();
        let (mut format, mut kind, mut sequence, mut base, mut scope) = (None, None, None, None, None);
        let (mut issued_at, mut expires, mut keys) = (None, None, None);
        r.object(|r, key| {
            match key {
                "format" => format = Some(r.string()?),
                "kind" => {
                    let at = r.offset();
                    kind = Some(match r.string()?.as_str() {
                        "full" => Kind::Full,
                        "delta" => Kind::Delta,
                        _ => return Err(JsonError { problem: JsonProblem::WrongType, offset: at }),
                    });
                }
                "sequence" => sequence = Some(r.u64()?),
                "base" => base = Some(r.u64()?),
                "scope" => scope = Some(r.string()?),
                "issued_at" => issued_at = Some(r.string()?),
                "expires" => expires = Some(r.string()?),
                "keys" => {
                    let mut all = Vec::new();
                    r.array(|r| {
                        let at = r.offset();
                        let mut e = KeyEntry::default();
                        let mut key_id = None;
                        r.object(|r, key| {
                            match key {
                                "key_id" => key_id = Some(r.string()?),
                                "revoked_indices" => e.revoked_indices = Some(r.string()?),
                                "added" => e.added = Some(r.string()?),
                                "removed" => e.removed = Some(r.string()?),
                                _ => return Err(r.unknown_member()),
                            }
                            Ok(())
                        })?;
                        e.key_id = required(key_id, at)?;
                        all.push(e);
                        Ok(())
                    })?;
                    keys = Some(all);
                }
                _ => return Err(r.unknown_member()),
            }
            Ok(())
        })?;
        r.finish()?;
        let body = StatusBody {
            kind: required(kind, at)?,
            sequence: required(sequence, at)?,
            base,
            scope,
            issued_at: required(issued_at, at)?,
            expires: required(expires, at)?,
            keys: required(keys, at)?,
        };
        Ok((required(format, at)?, body))
    }
}

/// Signs a status body with the status key: the signed document's text.
/// (Checked against the trust list by whoever loads it.)
pub fn sign_status(key: &SecretKey, body: &StatusBody) -> String {
    let json = body.to_json();
    let signature = key.sign(&signing_input(json.as_bytes()));
    let mut w = Writer::new();
    w.begin_object();
    w.member_str("alg", "EdDSA");
    w.member_str("key_id", &key.key_id().to_string());
    w.member_str("value", &b64::encode(&signature));
    w.end_object();
    format!("{{\n\"signature\": {},\n\"status\": {json}\n}}\n", w.finish())
}

fn signing_input(body: &[u8]) -> Vec<u8> {
    let mut input = Vec::with_capacity(SIGNING_CONTEXT.len() + body.len());
    input.extend_from_slice(SIGNING_CONTEXT);
    input.extend_from_slice(body);
    input
}

/// What one key's entry changes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Change {
    Full(CodedSet),
    Delta { capacity: u32, added: Vec<u32>, removed: Vec<u32> },
}

/// A status document whose signature verified under the list's status key,
/// checked against the list, within its validity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusDocument {
    kind: Kind,
    sequence: u64,
    base: Option<u64>,
    scope: Option<KeyId>,
    issued_at: Timestamp,
    expires: Timestamp,
    changes: Vec<(KeyId, Change)>,
}

struct Wire {
    body: std::ops::Range<usize>,
    alg: String,
    key_id: String,
    value: String,
}

fn read_wire(text: &[u8]) -> Result<Wire, JsonError> {
    let mut r = Reader::new(text)?;
    let at = r.offset();
    let (mut body, mut signature) = (None, None);
    r.object(|r, key| {
        match key {
            "status" => body = Some(r.skip()?),
            "signature" => {
                let at = r.offset();
                let (mut alg, mut key_id, mut value) = (None, None, None);
                r.object(|r, key| {
                    match key {
                        "alg" => alg = Some(r.string()?),
                        "key_id" => key_id = Some(r.string()?),
                        "value" => value = Some(r.string()?),
                        _ => return Err(r.unknown_member()),
                    }
                    Ok(())
                })?;
                signature = Some((required(alg, at)?, required(key_id, at)?, required(value, at)?));
            }
            _ => return Err(r.unknown_member()),
        }
        Ok(())
    })?;
    r.finish()?;
    let (alg, key_id, value) = required(signature, at)?;
    Ok(Wire { body: required(body, at)?, alg, key_id, value })
}

impl StatusDocument {
    /// Loads a signed status document for `trust` at `now`: the list must
    /// name a status key, the document be signed by it (its signature over
    /// the context and the bytes of `status` as received) while it is
    /// delegated, its content be right for the list's keys, and `now`
    /// before its `expires`.
    pub fn load(signed: &[u8], trust: &TrustList, now: Timestamp) -> Result<StatusDocument, StatusError> {
        StatusDocument::load_as(signed, trust, now, false)
    }

    /// [`StatusDocument::load`], each key's revoked set of a full document
    /// checked only as far as its length and header show, and decoded on
    /// its first look-up ([`CodedSet`]; [`StatusState::unreadable`] says
    /// when one is then found badly coded): what the page does, which
    /// applies the whole document it holds on every visit and looks up one
    /// key. Everything else is checked as `load` checks it.
    pub fn load_deferred(signed: &[u8], trust: &TrustList, now: Timestamp) -> Result<StatusDocument, StatusError> {
        StatusDocument::load_as(signed, trust, now, true)
    }

    fn load_as(
        signed: &[u8],
        trust: &TrustList,
        now: Timestamp,
        deferred: bool,
    ) -> Result<StatusDocument, StatusError> {
        if signed.len() > MAX_SIZE {
            return Err(StatusError::TooLarge);
        }
        let json = |e: JsonError| StatusError::Json(e.to_string());
        let wire = read_wire(signed).map_err(json)?;
        if wire.alg != "EdDSA" {
            return Err(StatusError::Signature);
        }
        let status_key = trust.status_key().ok_or(StatusError::NoStatusKey)?;
        if KeyId::parse(&wire.key_id).ok() != Some(status_key.key.key_id()) {
            return Err(StatusError::WrongKey);
        }
        let signature = b64::decode(&wire.value).map_err(|_| StatusError::Signature)?;
        let body = signed.get(wire.body.clone()).unwrap_or_default();
        status_key.key.verify(&signing_input(body), &signature).map_err(|_| StatusError::Signature)?;
        if now >= status_key.expires {
            return Err(StatusError::KeyExpired);
        }
        let (format, body) = StatusBody::from_json(body).map_err(|e| json(e.shifted(wire.body.start)))?;
        if format != FORMAT {
            return Err(StatusError::Format(format));
        }
        let doc = StatusDocument::check(&body, trust, deferred)?;
        if now >= doc.expires {
            return Err(StatusError::Expired);
        }
        Ok(doc)
    }

    /// A body's content checked against the list's keys, as
    /// [`StatusDocument::load`] checks it once the signature verified (the
    /// times not compared with a clock).
    pub fn from_body(body: &StatusBody, trust: &TrustList) -> Result<StatusDocument, StatusError> {
        StatusDocument::check(body, trust, false)
    }

    /// Checks a body against the list's keys (`deferred`: see [`StatusDocument::load_deferred`]).
    fn check(body: &StatusBody, trust: &TrustList, deferred: bool) -> Result<StatusDocument, StatusError> {
        let entry = |at: String, problem| StatusError::Entry { at, problem };
        let time = |what: &str, s: &str| parse_rfc3339(s).ok_or_else(|| entry(what.to_owned(), EntryProblem::Time));
        let issued_at = time("issued_at", &body.issued_at)?;
        let expires = time("expires", &body.expires)?;
        if expires < issued_at {
            return Err(entry("expires".into(), EntryProblem::TimeOrder));
        }
        match (body.kind, body.base) {
            (Kind::Full, Some(_)) | (Kind::Delta, None) => return Err(entry("base".into(), EntryProblem::Base)),
            (Kind::Delta, Some(base)) if base >= body.sequence => {
                return Err(entry("sequence".into(), EntryProblem::Sequence))
            }
            _ => {}
        }
        // A scoped full document lists its key alone (that key is then
        // checked as every key is: a key id, in the list, with a
        // status_capacity).
        match (body.kind, &body.scope, body.keys.as_slice()) {
            (_, None, _) => {}
            (Kind::Delta, Some(_), _) => return Err(entry("scope".into(), EntryProblem::Scope)),
            (Kind::Full, Some(scope), [only]) if only.key_id == *scope => {}
            (Kind::Full, Some(_), _) => return Err(entry("keys".into(), EntryProblem::ScopeKeys)),
        }
        let mut changes: Vec<(KeyId, Change)> = Vec::with_capacity(body.keys.len());
        for e in &body.keys {
            // Quoted as JSON (json.rs), not with `{:?}`: Debug's escaping of a string brings core's
            // Unicode tables and str slicing's panic messages into the wasm (8.0 KB, 3.8 KB in Brotli).
            let kid = KeyId::parse(&e.key_id).map_err(|_| {
                let mut at = String::from("key_id ");
                crate::json::write_string(&mut at, &e.key_id);
                entry(at, EntryProblem::KeyId)
            })?;
            let at = || format!("key {kid}");
            if changes.iter().any(|(k, _)| *k == kid) {
                return Err(entry(at(), EntryProblem::Duplicate));
            }
            let capacity = trust
                .issuer(kid)
                .and_then(|i| i.status_list.as_ref())
                .map(CodedSet::capacity)
                .ok_or_else(|| entry(at(), EntryProblem::Key))?;
            let set = |text: &Option<String>| {
                text.as_deref()
                    .map_or_else(|| RevokedSet::empty(capacity), |t| RevokedSet::decode(t, capacity))
                    .map_err(|error| StatusError::Indices { key_id: e.key_id.clone(), error })
            };
            let change = match body.kind {
                Kind::Full if e.added.is_some() || e.removed.is_some() => {
                    return Err(entry(at(), EntryProblem::Member))
                }
                Kind::Delta if e.revoked_indices.is_some() => return Err(entry(at(), EntryProblem::Member)),
                Kind::Full => Change::Full(match &e.revoked_indices {
                    Some(text) if deferred => CodedSet::deferred(text, capacity)
                        .map_err(|error| StatusError::Indices { key_id: e.key_id.clone(), error })?,
                    _ => set(&e.revoked_indices)?.into(),
                }),
                Kind::Delta => {
                    let (added, removed) = (set(&e.added)?, set(&e.removed)?);
                    if added.iter().any(|i| removed.contains(i)) {
                        return Err(entry(at(), EntryProblem::AddedAndRemoved));
                    }
                    Change::Delta { capacity, added: added.iter().collect(), removed: removed.iter().collect() }
                }
            };
            changes.push((kid, change));
        }
        let scope = body.scope.as_ref().and(changes.first()).map(|(kid, _)| *kid);
        Ok(StatusDocument {
            kind: body.kind,
            sequence: body.sequence,
            base: body.base,
            scope,
            issued_at,
            expires,
            changes,
        })
    }

    /// Full or delta.
    pub fn kind(&self) -> Kind {
        self.kind
    }
    /// Its sequence.
    pub fn sequence(&self) -> u64 {
        self.sequence
    }
    /// A delta's base.
    pub fn base(&self) -> Option<u64> {
        self.base
    }
    /// A scoped full document's one key; `None`: every key.
    pub fn scope(&self) -> Option<KeyId> {
        self.scope
    }
    /// When it was signed.
    pub fn issued_at(&self) -> Timestamp {
        self.issued_at
    }
    /// When it stops being accepted.
    pub fn expires(&self) -> Timestamp {
        self.expires
    }
}

/// A key's indices refused.
fn indices(kid: &KeyId, error: StatusListError) -> StatusError {
    StatusError::Indices { key_id: kid.to_string(), error }
}

/// The most deltas a [`StatusState`] keeps as overlays over its base sets;
/// past it, they are merged into the sets (one re-encode per key touched).
const MAX_OVERLAYS: usize = 32;

/// One key's change by one delta as applied: its added and removed
/// indices (each sorted, no repeats, none in both).
type Overlay = (KeyId, Vec<u32>, Vec<u32>);

/// What a verifier holds of the status documents: the last sequence
/// applied, its dates, each key's revoked indices, and the key it is scoped
/// to when it comes from a scoped full document.
///
/// The revoked indices are the base sets (of the last full document, or of
/// the last merge) with the later deltas on top, newest last: applying a
/// delta costs in proportion to the delta, not to the whole state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusState {
    sequence: u64,
    scope: Option<KeyId>,
    issued_at: Timestamp,
    expires: Timestamp,
    sets: KeySets,
    /// Every delta's changes since the base sets, oldest first (a delta
    /// names a key once).
    overlays: Vec<Overlay>,
    /// How many deltas `overlays` holds.
    deltas: usize,
}

/// Each key's coded set, sorted by key id: a map in a plain vector (a
/// verifier holds 30 keys or so; `BTreeMap`'s code cost the wasm 6 KB).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct KeySets(Vec<(KeyId, CodedSet)>);

impl KeySets {
    fn at(&self, kid: KeyId) -> Result<usize, usize> {
        self.0.binary_search_by_key(&kid, |(k, _)| *k)
    }
    fn get(&self, kid: KeyId) -> Option<&CodedSet> {
        self.at(kid).ok().and_then(|i| self.0.get(i)).map(|(_, s)| s)
    }
    fn get_mut(&mut self, kid: KeyId) -> Option<&mut CodedSet> {
        self.at(kid).ok().and_then(|i| self.0.get_mut(i)).map(|(_, s)| s)
    }
    /// Sets key `kid`'s set, replacing the one it had.
    fn insert(&mut self, kid: KeyId, set: CodedSet) {
        match self.at(kid) {
            Ok(i) => {
                if let Some(slot) = self.0.get_mut(i) {
                    slot.1 = set;
                }
            }
            Err(i) => self.0.insert(i, (kid, set)),
        }
    }
    fn iter(&self) -> impl Iterator<Item = (&KeyId, &CodedSet)> {
        self.0.iter().map(|(k, s)| (k, s))
    }
}

impl StatusState {
    /// The state after `doc`, from `held` (none: nothing held yet). A full
    /// document, scoped or not, replaces everything, unless its sequence is
    /// below the one held (a scoped one gives a state scoped to its key); a
    /// delta applies only on its base, with a sequence above the one held,
    /// and only on a complete state (on a scoped one: `status-wrong-base`).
    pub fn apply(held: Option<&StatusState>, doc: &StatusDocument) -> Result<StatusState, StatusError> {
        let held_sequence = held.map(|h| h.sequence);
        match (doc.kind, held) {
            (Kind::Full, Some(h)) if doc.sequence < h.sequence => {
                return Err(StatusError::Rollback { held: h.sequence, got: doc.sequence })
            }
            (Kind::Delta, Some(h)) if doc.sequence <= h.sequence => {
                return Err(StatusError::Rollback { held: h.sequence, got: doc.sequence })
            }
            (Kind::Delta, Some(h)) if h.scope.is_some() => {
                return Err(StatusError::WrongBase { held: None, base: doc.base.unwrap_or_default() })
            }
            (Kind::Delta, _) if doc.base != held_sequence => {
                return Err(StatusError::WrongBase { held: held_sequence, base: doc.base.unwrap_or_default() })
            }
            _ => {}
        }
        let mut state = match (doc.kind, held) {
            (Kind::Delta, Some(h)) => StatusState { deltas: h.deltas + 1, ..h.clone() },
            _ => StatusState {
                sequence: doc.sequence,
                scope: doc.scope,
                issued_at: doc.issued_at,
                expires: doc.expires,
                sets: KeySets::default(),
                overlays: Vec::new(),
                deltas: 0,
            },
        };
        for (kid, change) in &doc.changes {
            match change {
                Change::Full(set) => {
                    state.sets.insert(*kid, set.clone());
                }
                Change::Delta { capacity, added, removed } => {
                    // The checks of `RevokedSet::with_changes`, on the held
                    // set's capacity (or, for a key not held yet, on an
                    // empty set of the list's capacity).
                    let held = match state.sets.get(*kid) {
                        Some(set) => set.capacity(),
                        None => {
                            let empty = RevokedSet::empty(*capacity).map_err(|e| indices(kid, e))?;
                            state.sets.insert(*kid, empty.into());
                            *capacity
                        }
                    };
                    // Each list is sorted: its last index is its largest.
                    if added.last().max(removed.last()).is_some_and(|i| *i >= held) {
                        return Err(indices(kid, StatusListError::OutOfRange));
                    }
                    state.overlays.push((*kid, added.clone(), removed.clone()));
                }
            }
        }
        // A delta has no scope (`check`), nor the state it applies on (above).
        state.sequence = doc.sequence;
        state.scope = doc.scope;
        state.issued_at = doc.issued_at;
        state.expires = doc.expires;
        if state.deltas > MAX_OVERLAYS {
            state.compact()?;
        }
        Ok(state)
    }

    /// Each key's set with the overlays merged in: one re-encode per key
    /// the overlays touch. (Plain sorted vectors, not `BTreeSet`s: the
    /// wasm's bytes.)
    fn merged(&self) -> Result<BTreeMap<KeyId, RevokedSet>, StatusError> {
        let mut sets = BTreeMap::new();
        for (kid, coded) in self.sets.iter() {
            let set = sets.entry(*kid).or_insert(coded.get().map_err(|e| indices(kid, e))?.clone());
            // The net change, oldest delta first: the last delta naming an
            // index says whether it is added or withdrawn.
            let (mut net_added, mut net_removed) = (Vec::new(), Vec::new());
            for (_, added, removed) in self.overlays.iter().filter(|(k, _, _)| k == kid) {
                net_added.retain(|i| removed.binary_search(i).is_err());
                net_removed.retain(|i| added.binary_search(i).is_err());
                net_added.extend_from_slice(added);
                net_removed.extend_from_slice(removed);
                crate::status_list::sort_dedup(&mut net_added);
                crate::status_list::sort_dedup(&mut net_removed);
            }
            if !net_added.is_empty() || !net_removed.is_empty() {
                *set = set
                    .with_changes(&net_added, &net_removed)
                    .map_err(|error| StatusError::Indices { key_id: kid.to_string(), error })?;
            }
        }
        Ok(sets)
    }

    /// Merges the overlays into the base sets, one delta after the other:
    /// less code in the wasm than [`StatusState::merged`], and the page
    /// never holds enough deltas (14) to get here.
    fn compact(&mut self) -> Result<(), StatusError> {
        for (kid, added, removed) in &self.overlays {
            if let Some(set) = self.sets.get_mut(*kid) {
                let changed = set.get().and_then(|s| s.with_changes(added, removed)).map_err(|e| indices(kid, e))?;
                *set = changed.into();
            }
        }
        self.overlays.clear();
        self.deltas = 0;
        Ok(())
    }

    /// Refuses a state older than `floor`, the highest status sequence this
    /// verifier has applied before.
    pub fn check_floor(&self, floor: Option<u64>) -> Result<(), StatusError> {
        match floor {
            Some(f) if self.sequence < f => Err(StatusError::Rollback { held: f, got: self.sequence }),
            _ => Ok(()),
        }
    }

    /// The last sequence applied.
    pub fn sequence(&self) -> u64 {
        self.sequence
    }
    /// When the last document applied was signed.
    pub fn issued_at(&self) -> Timestamp {
        self.issued_at
    }
    /// When the last document applied expires: past it, the verifier warns
    /// (`status-stale`) and should fetch a newer one.
    pub fn expires(&self) -> Timestamp {
        self.expires
    }
    /// The one key this state knows, when it comes from a scoped full
    /// document; `None`: every key.
    pub fn scope(&self) -> Option<KeyId> {
        self.scope
    }
    /// Whether this state speaks for key `kid`'s indices: every key's when
    /// unscoped, else its own key's only. For another key, what the status
    /// documents say is unknown (`status-out-of-scope`).
    pub fn covers(&self, kid: KeyId) -> bool {
        self.scope.is_none_or(|s| s == kid)
    }
    /// Whether index `idx` of key `kid` is revoked by the documents applied:
    /// the newest delta that names it says, else the base set.
    pub fn contains(&self, kid: KeyId, idx: u32) -> bool {
        for (_, added, removed) in self.overlays.iter().rev().filter(|(k, _, _)| *k == kid) {
            if removed.binary_search(&idx).is_ok() {
                return false;
            }
            if added.binary_search(&idx).is_ok() {
                return true;
            }
        }
        self.sets.get(kid).is_some_and(|s| s.get().is_ok_and(|s| s.contains(idx)))
    }
    /// What is wrong with key `kid`'s set, when a deferred one
    /// ([`StatusDocument::load_deferred`]) is found badly coded at its
    /// first look-up (made here if not yet): this state then says nothing
    /// of that key's indices, and its certificates are verified against the
    /// list alone, with the warning `status-indices`.
    pub fn unreadable(&self, kid: KeyId) -> Option<StatusListError> {
        self.sets.get(kid).and_then(|s| s.get().err())
    }
    /// How many indices are revoked, over every key.
    /// (Counted on the merged sets: one re-encode per key a held delta
    /// touches.)
    pub fn revoked(&self) -> usize {
        self.sets().values().map(RevokedSet::len).sum()
    }
    /// Each key's set, the deltas held merged in (built on each call: one
    /// re-encode per key a held delta touches).
    pub fn sets(&self) -> BTreeMap<KeyId, RevokedSet> {
        // Every delta's indices were checked against its set's capacity
        // when applied: the merge fails only on a deferred set found badly
        // coded, which is then left out.
        self.merged().unwrap_or_else(|_| {
            self.sets.iter().filter_map(|(kid, s)| s.get().ok().map(|s| (*kid, s.clone()))).collect()
        })
    }
}

/// Loads and applies `documents` in order onto `held` for `trust` at `now`,
/// then refuses the result if older than `floor`: the usual way to bring a
/// verifier's status up to date. Gives the new state, or the first error
/// (with the index of the document that caused it; `documents.len()` for
/// the floor).
pub fn apply_all(
    trust: &TrustList,
    held: Option<&StatusState>,
    documents: &[&[u8]],
    floor: Option<u64>,
    now: Timestamp,
) -> Result<Option<StatusState>, (usize, StatusError)> {
    let mut state = held.cloned();
    for (n, bytes) in documents.iter().enumerate() {
        let doc = StatusDocument::load(bytes, trust, now).map_err(|e| (n, e))?;
        state = Some(StatusState::apply(state.as_ref(), &doc).map_err(|e| (n, e))?);
    }
    if let Some(s) = &state {
        s.check_floor(floor).map_err(|e| (documents.len(), e))?;
    }
    Ok(state)
}

/// `issued_at` and `expires` of a document made at `now` valid for `seconds`.
pub fn dates(now: Timestamp, seconds: i64) -> (String, String) {
    (format_rfc3339(now), format_rfc3339(now.saturating_add(seconds)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status_list::{status_index, StatusRef};
    use crate::trust::{sign_list, IssuerEntry, KeyStatus, StatusKeyEntry, TrustListBody};
    use crate::{issue, verify, Outcome, Status};

    struct World {
        root: SecretKey,
        issuer: SecretKey,
        status: SecretKey,
        /// A second issuer key with a status space, and a third without.
        other: SecretKey,
        plain: SecretKey,
        capacity: u32,
    }

    fn world() -> World {
        World {
            root: SecretKey::from_seed(&[9; 32]),
            issuer: SecretKey::from_seed(&[8; 32]),
            status: SecretKey::from_seed(&[7; 32]),
            other: SecretKey::from_seed(&[6; 32]),
            plain: SecretKey::from_seed(&[4; 32]),
            capacity: 1000,
        }
    }

    fn at(s: &str) -> Timestamp {
        parse_rfc3339(s).unwrap()
    }

    impl World {
        fn list(&self, status_key: Option<(&SecretKey, &str)>) -> TrustList {
            let mut body = TrustListBody::new();
            body.sequence = 3;
            body.issued_at = "2026-09-01T00:00:00Z".into();
            body.next_update = "2026-10-01T00:00:00Z".into();
            body.issuers.push(IssuerEntry {
                key_id: self.issuer.key_id().to_string(),
                name: "Académie de Paris".into(),
                public_key: self.issuer.public_key().to_base64(),
                valid_from: "2026-06-01".into(),
                valid_until: "2027-08-31".into(),
                kinds: vec!["certificat-de-scolarite".into()],
                status: KeyStatus::Active,
                status_capacity: Some(self.capacity),
                revoked_indices: Some(RevokedSet::from_sorted(&[5], self.capacity).unwrap().encode()),
                ..IssuerEntry::default()
            });
            for (key, capacity) in [(&self.other, Some(self.capacity)), (&self.plain, None)] {
                body.issuers.push(IssuerEntry {
                    key_id: key.key_id().to_string(),
                    name: "Académie de Lyon".into(),
                    public_key: key.public_key().to_base64(),
                    valid_from: "2026-06-01".into(),
                    valid_until: "2027-08-31".into(),
                    kinds: vec!["certificat-de-scolarite".into()],
                    status: KeyStatus::Active,
                    status_capacity: capacity,
                    ..IssuerEntry::default()
                });
            }
            body.status_key = status_key.map(|(k, expires)| StatusKeyEntry {
                key_id: k.key_id().to_string(),
                public_key: k.public_key().to_base64(),
                expires: expires.into(),
            });
            let signed = sign_list(&self.root, &serde_json::to_string_pretty(&body).unwrap()).unwrap();
            TrustList::load(signed.as_bytes(), &[self.root.public_key().clone()], None).unwrap()
        }

        fn doc(&self, by: &SecretKey, kind: Kind, sequence: u64, base: Option<u64>, sets: [&[u32]; 2]) -> String {
            let code = |v: &[u32]| (!v.is_empty()).then(|| RevokedSet::from_sorted(v, self.capacity).unwrap().encode());
            let entry = match kind {
                Kind::Full => KeyEntry { revoked_indices: code(sets[0]), ..KeyEntry::default() },
                Kind::Delta => KeyEntry { added: code(sets[0]), removed: code(sets[1]), ..KeyEntry::default() },
            };
            let body = StatusBody {
                kind,
                sequence,
                base,
                scope: None,
                issued_at: "2026-09-10T00:00:00Z".into(),
                expires: "2026-09-12T00:00:00Z".into(),
                keys: vec![KeyEntry { key_id: self.issuer.key_id().to_string(), ..entry }],
            };
            sign_status(by, &body)
        }

        /// A full document scoped to `scope` (a key id's text), listing
        /// `keys` with `revoked` for the first of them.
        fn scoped(&self, sequence: u64, scope: &str, keys: &[&SecretKey], revoked: &[u32]) -> String {
            let code = (!revoked.is_empty()).then(|| RevokedSet::from_sorted(revoked, self.capacity).unwrap().encode());
            let keys = keys
                .iter()
                .enumerate()
                .map(|(n, k)| KeyEntry {
                    key_id: k.key_id().to_string(),
                    revoked_indices: if n == 0 { code.clone() } else { None },
                    ..KeyEntry::default()
                })
                .collect();
            let body = StatusBody {
                kind: Kind::Full,
                sequence,
                base: None,
                scope: Some(scope.into()),
                issued_at: "2026-09-10T00:00:00Z".into(),
                expires: "2026-09-12T00:00:00Z".into(),
                keys,
            };
            sign_status(&self.status, &body)
        }
    }

    #[test]
    fn full_then_deltas_merge_and_refuse_rollback_and_wrong_bases() {
        let w = world();
        let trust = w.list(Some((&w.status, "2026-10-15T00:00:00Z")));
        let now = at("2026-09-10T12:00:00Z");
        let load = |text: &str| StatusDocument::load(text.as_bytes(), &trust, now);
        let full = load(&w.doc(&w.status, Kind::Full, 10, None, [&[1, 2, 3], &[]])).unwrap();
        let state = StatusState::apply(None, &full).unwrap();
        assert_eq!((state.sequence(), state.revoked()), (10, 3));
        let delta = load(&w.doc(&w.status, Kind::Delta, 11, Some(10), [&[7, 8], &[2]])).unwrap();
        let state = StatusState::apply(Some(&state), &delta).unwrap();
        assert_eq!(state.sets()[&w.issuer.key_id()].iter().collect::<Vec<_>>(), [1, 3, 7, 8]);
        assert_eq!(state.sequence(), 11);
        // The same delta again, a delta on another base, an older full list.
        assert_eq!(StatusState::apply(Some(&state), &delta), Err(StatusError::Rollback { held: 11, got: 11 }));
        let far = load(&w.doc(&w.status, Kind::Delta, 14, Some(13), [&[9], &[]])).unwrap();
        assert_eq!(StatusState::apply(Some(&state), &far), Err(StatusError::WrongBase { held: Some(11), base: 13 }));
        assert_eq!(StatusState::apply(None, &delta).unwrap_err().code(), "status-wrong-base");
        assert_eq!(StatusState::apply(Some(&state), &full), Err(StatusError::Rollback { held: 11, got: 10 }));
        assert_eq!(state.check_floor(Some(12)).unwrap_err().code(), "status-rollback");
        assert_eq!(state.check_floor(Some(11)), Ok(()));
        // A newer full list replaces everything.
        let full2 = load(&w.doc(&w.status, Kind::Full, 12, None, [&[4], &[]])).unwrap();
        assert_eq!(StatusState::apply(Some(&state), &full2).unwrap().revoked(), 1);

        let all = [
            w.doc(&w.status, Kind::Full, 10, None, [&[1, 2, 3], &[]]),
            w.doc(&w.status, Kind::Delta, 11, Some(10), [&[7, 8], &[2]]),
        ];
        let bytes: Vec<&[u8]> = all.iter().map(|s| s.as_bytes()).collect();
        assert_eq!(apply_all(&trust, None, &bytes, Some(11), now), Ok(Some(state.clone())));
        assert_eq!(apply_all(&trust, None, &bytes, Some(12), now).unwrap_err().0, 2);
    }

    #[test]
    fn only_the_status_key_signs_and_only_while_delegated() {
        let w = world();
        let now = at("2026-09-10T12:00:00Z");
        let trust = w.list(Some((&w.status, "2026-10-15T00:00:00Z")));
        let code = |trust: &TrustList, text: &str, now| {
            StatusDocument::load(text.as_bytes(), trust, now).map(|_| ()).map_err(|e| e.code())
        };
        let good = w.doc(&w.status, Kind::Full, 1, None, [&[1], &[]]);
        assert_eq!(code(&trust, &good, now), Ok(()));
        assert_eq!(code(&trust, &w.doc(&w.issuer, Kind::Full, 1, None, [&[1], &[]]), now), Err("status-wrong-key"));
        assert_eq!(code(&trust, &w.doc(&w.root, Kind::Full, 1, None, [&[1], &[]]), now), Err("status-wrong-key"));
        assert_eq!(code(&w.list(None), &good, now), Err("status-no-status-key"));
        assert_eq!(code(&w.list(Some((&w.status, "2026-09-10T12:00:00Z"))), &good, now), Err("status-key-expired"));
        assert_eq!(code(&trust, &good, at("2026-09-12T00:00:00Z")), Err("status-expired"));
        assert_eq!(code(&trust, &good.replace("\"sequence\":1", "\"sequence\":2"), now), Err("status-signature"));
        assert_eq!(code(&trust, &good.replace("EdDSA", "ES256"), now), Err("status-signature"));
        assert_eq!(code(&trust, "{}", now), Err("status-json"));
        // Content checked once the signature verified.
        let sign = |body: StatusBody| sign_status(&w.status, &body);
        let body = |kind, base, keys: Vec<KeyEntry>| StatusBody {
            kind,
            sequence: 4,
            base,
            scope: None,
            issued_at: "2026-09-10T00:00:00Z".into(),
            expires: "2026-09-12T00:00:00Z".into(),
            keys,
        };
        let kid = w.issuer.key_id().to_string();
        let e = |k: &str| KeyEntry { key_id: k.into(), ..KeyEntry::default() };
        assert_eq!(code(&trust, &sign(body(Kind::Full, Some(3), vec![])), now), Err("status-entry-base"));
        assert_eq!(code(&trust, &sign(body(Kind::Delta, None, vec![])), now), Err("status-entry-base"));
        assert_eq!(code(&trust, &sign(body(Kind::Delta, Some(4), vec![])), now), Err("status-entry-sequence"));
        assert_eq!(code(&trust, &sign(body(Kind::Delta, Some(5), vec![])), now), Err("status-entry-sequence"));
        let timed = |issued_at: &str, expires: &str| StatusBody {
            issued_at: issued_at.into(),
            expires: expires.into(),
            ..body(Kind::Full, None, vec![])
        };
        assert_eq!(code(&trust, &sign(timed("2026-09-10", "2026-09-12T00:00:00Z")), now), Err("status-entry-time"));
        assert_eq!(code(&trust, &sign(timed("2026-09-10T00:00:00Z", "tomorrow")), now), Err("status-entry-time"));
        assert_eq!(
            code(&trust, &sign(timed("2026-09-10T00:00:00Z", "2026-09-09T23:59:59Z")), now),
            Err("status-entry-time-order")
        );
        assert_eq!(
            code(&trust, &sign(body(Kind::Full, None, vec![e(&kid), e(&kid)])), now),
            Err("status-entry-duplicate")
        );
        assert_eq!(
            code(&trust, &sign(body(Kind::Full, None, vec![e(&w.root.key_id().to_string())])), now),
            Err("status-entry-key")
        );
        assert_eq!(
            code(&trust, &sign(body(Kind::Full, None, vec![e(&kid.to_uppercase())])), now),
            Err("status-entry-key-id")
        );
        assert_eq!(code(&trust, &sign(body(Kind::Full, None, vec![e("")])), now), Err("status-entry-key-id"));
        let set = |v: &[u32]| Some(RevokedSet::from_sorted(v, 1000).unwrap().encode());
        let added = KeyEntry { added: set(&[3]), ..e(&kid) };
        assert_eq!(code(&trust, &sign(body(Kind::Full, None, vec![added])), now), Err("status-entry-member"));
        let removed = KeyEntry { removed: set(&[3]), ..e(&kid) };
        assert_eq!(code(&trust, &sign(body(Kind::Full, None, vec![removed])), now), Err("status-entry-member"));
        let revoked = KeyEntry { revoked_indices: set(&[3]), ..e(&kid) };
        assert_eq!(code(&trust, &sign(body(Kind::Delta, Some(3), vec![revoked])), now), Err("status-entry-member"));
        let bad = KeyEntry { revoked_indices: Some("AAAAAQA".into()), ..e(&kid) };
        assert_eq!(code(&trust, &sign(body(Kind::Full, None, vec![bad])), now), Err("status-indices"));
        let both = KeyEntry { added: set(&[3, 9]), removed: set(&[3]), ..e(&kid) };
        assert_eq!(
            code(&trust, &sign(body(Kind::Delta, Some(3), vec![both])), now),
            Err("status-entry-added-and-removed")
        );
        // The message says where and what.
        let err = StatusDocument::load(sign(body(Kind::Full, None, vec![e(&kid), e(&kid)])).as_bytes(), &trust, now);
        assert_eq!(err.unwrap_err().to_string(), format!("status-entry-duplicate: key {kid}: listed twice"));
        assert_eq!(code(&trust, &sign(body(Kind::Full, None, vec![e(&kid)])), now), Ok(()));
    }

    #[test]
    fn applied_documents_revoke_on_top_of_the_list() {
        let w = world();
        let mut trust = w.list(Some((&w.status, "2026-10-15T00:00:00Z")));
        let now = at("2026-09-10T12:00:00Z");
        let idx: Vec<u32> = (0..3).map(|o| status_index(&w.issuer, o, w.capacity).unwrap()).collect();
        let mut input = crate::doc_example_input();
        input.school_year = "2026-2027".into();
        let today = crate::time::Date::parse("2026-09-09").unwrap();
        let token = |i: u32| issue::issue_with_status(&w.issuer, &input, today, StatusRef::new(i)).unwrap().token;
        assert_eq!(verify::verify(&token(idx[0]), &trust, now).status, Status::Valid);
        let mut revoked = vec![idx[0], idx[1]];
        revoked.sort_unstable();
        let doc = StatusDocument::load(w.doc(&w.status, Kind::Full, 1, None, [&revoked, &[]]).as_bytes(), &trust, now)
            .unwrap();
        trust.set_status(Some(StatusState::apply(None, &doc).unwrap()));
        let report = verify::verify(&token(idx[0]), &trust, now);
        assert_eq!(
            (report.status, report.check(crate::CheckName::Revocation).unwrap().code.map(crate::Code::as_str)),
            (Status::Revoked, Some("status-revoked"))
        );
        assert_eq!(verify::verify(&token(idx[2]), &trust, now).status, Status::Valid);
        // The list's own revocation (index 5) holds whatever the documents say.
        assert_eq!(verify::verify(&token(5), &trust, now).status, Status::Revoked);
        // Past the document's expiry: still applied, with a warning.
        let later = at("2026-09-13T00:00:00Z");
        let report = verify::verify(&token(idx[2]), &trust, later);
        assert_eq!(
            (report.status, report.check(crate::CheckName::TrustList).unwrap().code.map(crate::Code::as_str)),
            (Status::Valid, Some("status-stale"))
        );
        assert_eq!(verify::verify(&token(idx[1]), &trust, later).status, Status::Revoked);
    }

    #[test]
    fn a_scoped_full_document_gives_a_state_of_its_key_alone() {
        let w = world();
        let trust = w.list(Some((&w.status, "2026-10-15T00:00:00Z")));
        let now = at("2026-09-10T12:00:00Z");
        let load = |text: &str| StatusDocument::load(text.as_bytes(), &trust, now);
        let (kid, other) = (w.issuer.key_id(), w.other.key_id());
        let scoped = load(&w.scoped(10, &kid.to_string(), &[&w.issuer], &[1, 2])).unwrap();
        assert_eq!((scoped.kind(), scoped.scope()), (Kind::Full, Some(kid)));
        let state = StatusState::apply(None, &scoped).unwrap();
        assert_eq!((state.sequence(), state.scope(), state.revoked()), (10, Some(kid), 2));
        assert!(state.covers(kid) && !state.covers(other) && !state.covers(w.plain.key_id()));
        assert!(state.contains(kid, 1) && !state.contains(kid, 3));
        // A delta needs the complete state: refused on a scoped one, even on its base.
        let delta = load(&w.doc(&w.status, Kind::Delta, 11, Some(10), [&[7], &[]])).unwrap();
        assert_eq!(StatusState::apply(Some(&state), &delta), Err(StatusError::WrongBase { held: None, base: 10 }));
        assert_eq!(StatusState::apply(Some(&state), &delta).unwrap_err().code(), "status-wrong-base");
        // An older document is still a rollback, scoped or not.
        let older = load(&w.scoped(9, &kid.to_string(), &[&w.issuer], &[])).unwrap();
        assert_eq!(StatusState::apply(Some(&state), &older), Err(StatusError::Rollback { held: 10, got: 9 }));
        assert_eq!(StatusState::apply(Some(&state), &delta.clone()).unwrap_err().code(), "status-wrong-base");
        // The complete full document of the same sequence replaces it; deltas follow.
        let full = load(&w.doc(&w.status, Kind::Full, 10, None, [&[1, 2, 3], &[]])).unwrap();
        assert_eq!(full.scope(), None);
        let complete = StatusState::apply(Some(&state), &full).unwrap();
        assert_eq!((complete.scope(), complete.revoked()), (None, 3));
        assert!(complete.covers(kid) && complete.covers(other));
        let next = StatusState::apply(Some(&complete), &delta).unwrap();
        assert_eq!((next.sequence(), next.scope(), next.revoked()), (11, None, 4));
        // A scoped document of another key replaces a complete state too (a full document).
        let other_doc = load(&w.scoped(11, &other.to_string(), &[&w.other], &[9])).unwrap();
        let state = StatusState::apply(Some(&next), &other_doc).unwrap();
        assert_eq!((state.scope(), state.contains(other, 9), state.contains(kid, 1)), (Some(other), true, false));
        assert_eq!(state.check_floor(Some(12)).unwrap_err().code(), "status-rollback");
    }

    #[test]
    fn a_scope_is_refused_on_a_delta_on_another_key_and_beside_other_keys() {
        let w = world();
        let trust = w.list(Some((&w.status, "2026-10-15T00:00:00Z")));
        let now = at("2026-09-10T12:00:00Z");
        let code =
            |text: &str| StatusDocument::load(text.as_bytes(), &trust, now).map(|d| d.scope()).map_err(|e| e.code());
        let kid = w.issuer.key_id();
        let k = kid.to_string();
        assert_eq!(code(&w.scoped(4, &k, &[&w.issuer], &[3])), Ok(Some(kid)));
        assert_eq!(code(&w.scoped(4, &k, &[&w.issuer], &[])), Ok(Some(kid)));
        // Not a key of the list with a status_capacity, or not a key id at all.
        // (The scope's key is checked as every key of `keys` is.)
        assert_eq!(code(&w.scoped(4, &w.root.key_id().to_string(), &[&w.root], &[])), Err("status-entry-key"));
        assert_eq!(code(&w.scoped(4, &w.plain.key_id().to_string(), &[&w.plain], &[])), Err("status-entry-key"));
        assert_eq!(code(&w.scoped(4, &w.status.key_id().to_string(), &[&w.status], &[])), Err("status-entry-key"));
        assert_eq!(code(&w.scoped(4, "not a key id", &[&w.issuer], &[])), Err("status-entry-scope-keys"));
        assert_eq!(code(&w.scoped(4, &k.to_uppercase(), &[&w.issuer], &[])), Err("status-entry-scope-keys"));
        let upper = StatusBody {
            kind: Kind::Full,
            sequence: 4,
            base: None,
            scope: Some(k.to_uppercase()),
            issued_at: "2026-09-10T00:00:00Z".into(),
            expires: "2026-09-12T00:00:00Z".into(),
            keys: vec![KeyEntry { key_id: k.to_uppercase(), ..KeyEntry::default() }],
        };
        assert_eq!(code(&sign_status(&w.status, &upper)), Err("status-entry-key-id"));
        // That key alone in `keys`.
        assert_eq!(code(&w.scoped(4, &k, &[&w.issuer, &w.other], &[3])), Err("status-entry-scope-keys"));
        assert_eq!(code(&w.scoped(4, &k, &[&w.other, &w.issuer], &[3])), Err("status-entry-scope-keys"));
        assert_eq!(code(&w.scoped(4, &k, &[&w.other], &[3])), Err("status-entry-scope-keys"));
        assert_eq!(code(&w.scoped(4, &k, &[], &[])), Err("status-entry-scope-keys"));
        // A delta has no scope.
        let delta = StatusBody {
            kind: Kind::Delta,
            sequence: 4,
            base: Some(3),
            scope: Some(k.clone()),
            issued_at: "2026-09-10T00:00:00Z".into(),
            expires: "2026-09-12T00:00:00Z".into(),
            keys: vec![KeyEntry { key_id: k.clone(), ..KeyEntry::default() }],
        };
        assert_eq!(code(&sign_status(&w.status, &delta)), Err("status-entry-scope"));
        assert_eq!(code(&sign_status(&w.status, &StatusBody { scope: None, ..delta })), Ok(None));
    }

    #[test]
    fn scope_is_written_after_base_only_when_present_and_read_back() {
        let body = |scope: Option<&str>| StatusBody {
            kind: Kind::Full,
            sequence: 2,
            base: None,
            scope: scope.map(str::to_owned),
            issued_at: "2026-09-10T00:00:00Z".into(),
            expires: "2026-09-12T00:00:00Z".into(),
            keys: vec![KeyEntry { key_id: "0011223344556677".into(), ..KeyEntry::default() }],
        };
        let unscoped = body(None).to_json();
        assert_eq!(
            unscoped,
            r#"{"format":"cachet-status/1","kind":"full","sequence":2,"issued_at":"2026-09-10T00:00:00Z","expires":"2026-09-12T00:00:00Z","keys":[{"key_id":"0011223344556677"}]}"#
        );
        let scoped = body(Some("0011223344556677")).to_json();
        assert_eq!(scoped, unscoped.replace(r#""sequence":2,"#, r#""sequence":2,"scope":"0011223344556677","#));
        assert_eq!(StatusBody::read(scoped.as_bytes()), Ok(body(Some("0011223344556677"))));
        assert_eq!(StatusBody::read(unscoped.as_bytes()), Ok(body(None)));
        // Still strict: a member twice, or one unknown, is refused.
        let twice = scoped.replace(r#""scope":"#, r#""scope":"0011223344556677","scope":"#);
        assert_eq!(StatusBody::read(twice.as_bytes()).unwrap_err().code(), "status-json");
        let unknown = scoped.replace(r#""scope":"#, r#""scopes":"#);
        assert_eq!(StatusBody::read(unknown.as_bytes()).unwrap_err().code(), "status-json");
        let number = unscoped.replace(r#""sequence":2,"#, r#""sequence":2,"scope":7,"#);
        assert_eq!(StatusBody::read(number.as_bytes()).unwrap_err().code(), "status-json");
    }

    #[test]
    fn a_state_of_another_key_leaves_the_revocation_unknown_with_a_warning() {
        let w = world();
        let mut trust = w.list(Some((&w.status, "2026-10-15T00:00:00Z")));
        let now = at("2026-09-10T12:00:00Z");
        let idx: Vec<u32> = (0..2).map(|o| status_index(&w.issuer, o, w.capacity).unwrap()).collect();
        let mut input = crate::doc_example_input();
        input.school_year = "2026-2027".into();
        let today = crate::time::Date::parse("2026-09-09").unwrap();
        let token = |i: u32| issue::issue_with_status(&w.issuer, &input, today, StatusRef::new(i)).unwrap().token;
        let plain = issue::issue(&w.issuer, &input, today).unwrap().token;
        let seen = |trust: &TrustList, text: &str, now| {
            let report = verify::verify(text, trust, now);
            let list = report.check(crate::CheckName::TrustList).unwrap();
            (report.status, list.outcome, list.code.map(crate::Code::as_str))
        };
        // The state knows the other key alone: this key's status by the documents is unknown.
        let apply = |trust: &mut TrustList, text: &str| {
            let doc = StatusDocument::load(text.as_bytes(), trust, now).unwrap();
            trust.set_status(Some(StatusState::apply(None, &doc).unwrap()));
        };
        apply(&mut trust, &w.scoped(1, &w.other.key_id().to_string(), &[&w.other], &[idx[0]]));
        let out = (Status::Valid, Outcome::Warn, Some("status-out-of-scope"));
        assert_eq!(seen(&trust, &token(idx[0]), now), out);
        assert_eq!(seen(&trust, &token(idx[1]), now), out);
        // The list's own revocation still holds, with the same warning.
        assert_eq!(seen(&trust, &token(5), now), (Status::Revoked, Outcome::Warn, Some("status-out-of-scope")));
        // A certificate without a status claim is checked by its serial alone: no warning.
        assert_eq!(seen(&trust, &plain, now), (Status::Valid, Outcome::Pass, None));
        // Past the state's expiry, out-of-scope comes before status-stale.
        let later = at("2026-09-13T00:00:00Z");
        assert_eq!(seen(&trust, &token(idx[0]), later), out);
        assert_eq!(seen(&trust, &plain, later), (Status::Valid, Outcome::Warn, Some("status-stale")));
        // After a stale list (trust-list-stale) and an expired one, as status-stale.
        let stale = at("2026-10-02T00:00:00Z");
        assert_eq!(seen(&trust, &token(idx[0]), stale), (Status::Valid, Outcome::Warn, Some("trust-list-stale")));
        let expired = at("2026-10-09T00:00:00Z");
        assert_eq!(seen(&trust, &token(idx[0]), expired).2, Some("trust-list-expired"));
        // A state scoped to this key covers it.
        apply(&mut trust, &w.scoped(1, &w.issuer.key_id().to_string(), &[&w.issuer], &[idx[0]]));
        assert_eq!(seen(&trust, &token(idx[0]), now), (Status::Revoked, Outcome::Pass, None));
        assert_eq!(seen(&trust, &token(idx[1]), now), (Status::Valid, Outcome::Pass, None));
        // And so does a complete one; without a state, the list alone decides, no warning.
        apply(&mut trust, &w.doc(&w.status, Kind::Full, 1, None, [&[idx[1]], &[]]));
        assert_eq!(seen(&trust, &token(idx[1]), now), (Status::Revoked, Outcome::Pass, None));
        trust.set_status(None);
        assert_eq!(seen(&trust, &token(idx[0]), now), (Status::Valid, Outcome::Pass, None));
    }

    /// `load_deferred` (the page's): a full document whose other key's set
    /// is badly coded past its header loads; this key's certificates are
    /// judged by the document, the other key's by the list alone with the
    /// warning `status-indices`; `load` refuses the same document whole.
    #[test]
    fn a_set_decoded_on_first_look_up_reports_a_bad_code_for_its_key_alone() {
        let w = world();
        let mut trust = w.list(Some((&w.status, "2026-10-15T00:00:00Z")));
        let now = at("2026-09-10T12:00:00Z");
        let idx = |key: &SecretKey, o| status_index(key, o, w.capacity).unwrap();
        let mut input = crate::doc_example_input();
        input.school_year = "2026-2027".into();
        let today = crate::time::Date::parse("2026-09-09").unwrap();
        let token =
            |key: &SecretKey, i: u32| issue::issue_with_status(key, &input, today, StatusRef::new(i)).unwrap().token;
        let good = RevokedSet::from_sorted(&[idx(&w.issuer, 0)], w.capacity).unwrap().encode();
        // The other key's set: a right header, its last index cut off (`status-set-truncated` once decoded).
        let whole = RevokedSet::from_sorted(&[1, 2, 300, 301, 302, 900], w.capacity).unwrap();
        let cut = b64::encode(&whole.as_bytes()[..whole.coded_len() - 1]);
        assert_eq!(RevokedSet::decode(&cut, w.capacity), Err(StatusListError::Truncated));
        let entry = |key: &SecretKey, text: &str| KeyEntry {
            key_id: key.key_id().to_string(),
            revoked_indices: Some(text.into()),
            ..KeyEntry::default()
        };
        let body = StatusBody {
            kind: Kind::Full,
            sequence: 1,
            base: None,
            scope: None,
            issued_at: "2026-09-10T00:00:00Z".into(),
            expires: "2026-09-12T00:00:00Z".into(),
            keys: vec![entry(&w.issuer, &good), entry(&w.other, &cut)],
        };
        let signed = sign_status(&w.status, &body);
        assert!(matches!(
            StatusDocument::load(signed.as_bytes(), &trust, now),
            Err(StatusError::Indices { error: StatusListError::Truncated, .. })
        ));
        let doc = StatusDocument::load_deferred(signed.as_bytes(), &trust, now).unwrap();
        let state = StatusState::apply(None, &doc).unwrap();
        assert_eq!(state.unreadable(w.issuer.key_id()), None);
        assert_eq!(state.unreadable(w.other.key_id()), Some(StatusListError::Truncated));
        trust.set_status(Some(state));
        let seen = |text: &str| {
            let report = verify::verify(text, &trust, now);
            let list = report.check(crate::CheckName::TrustList).unwrap();
            (report.status, list.outcome, list.code.map(crate::Code::as_str))
        };
        assert_eq!(seen(&token(&w.issuer, idx(&w.issuer, 0))), (Status::Revoked, Outcome::Pass, None));
        assert_eq!(seen(&token(&w.issuer, idx(&w.issuer, 1))), (Status::Valid, Outcome::Pass, None));
        let unknown = (Status::Valid, Outcome::Warn, Some("status-indices"));
        assert_eq!(seen(&token(&w.other, idx(&w.other, 0))), unknown);
        // What the header shows is refused at once, deferred or not.
        let mut header = whole.as_bytes().to_vec();
        header[4] ^= 1;
        let body = StatusBody { keys: vec![entry(&w.issuer, &good), entry(&w.other, &b64::encode(&header))], ..body };
        assert!(matches!(
            StatusDocument::load_deferred(sign_status(&w.status, &body).as_bytes(), &trust, now),
            Err(StatusError::Indices { error: StatusListError::Header, .. })
        ));
    }

    /// Applies 40 pseudo-random deltas (past `MAX_OVERLAYS`: the overlays get
    /// merged on the way), withdrawing indices an earlier delta added and
    /// adding again indices withdrawn, and compares every index with the
    /// set each delta's `with_changes` gives.
    #[test]
    fn deltas_answer_like_the_merged_sets_and_so_does_compaction() {
        let w = world();
        let trust = w.list(Some((&w.status, "2026-10-15T00:00:00Z")));
        let now = at("2026-09-10T12:00:00Z");
        let kid = w.issuer.key_id();
        let load = |text: &str| StatusDocument::load(text.as_bytes(), &trust, now).unwrap();
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut below = |n: u32| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            u32::try_from(seed % u64::from(n)).unwrap()
        };
        let first: Vec<u32> = (0..1000).filter(|i| i % 7 == 0).collect();
        let mut state = StatusState::apply(None, &load(&w.doc(&w.status, Kind::Full, 1, None, [&first, &[]]))).unwrap();
        let mut expected = RevokedSet::from_sorted(&first, w.capacity).unwrap();
        let mut withdrawn_once = Vec::new();
        let (mut readded, mut withdrew_added) = (0, 0);
        for sequence in 2..42 {
            let held: Vec<u32> = expected.iter().collect();
            let mut added: Vec<u32> = (0..20).map(|_| below(w.capacity)).collect();
            // Some indices withdrawn before come back.
            added.extend(withdrawn_once.iter().take(3).copied());
            added.sort_unstable();
            added.dedup();
            let mut removed: Vec<u32> = (0..10).map(|_| held[below(held.len() as u32) as usize]).collect();
            removed.extend((0..3).map(|_| below(w.capacity)));
            removed.sort_unstable();
            removed.dedup();
            removed.retain(|i| added.binary_search(i).is_err());
            readded += withdrawn_once.iter().take(3).filter(|i| added.contains(i)).count();
            withdrawn_once.retain(|i| !added.contains(i));
            withdrawn_once.extend(removed.iter().filter(|i| expected.contains(**i)));
            withdrew_added += removed.iter().filter(|i| expected.contains(**i) && !first.contains(i)).count();
            let delta = load(&w.doc(&w.status, Kind::Delta, sequence, Some(sequence - 1), [&added, &removed]));
            state = StatusState::apply(Some(&state), &delta).unwrap();
            expected = expected.with_changes(&added, &removed).unwrap();
            for idx in 0..w.capacity {
                assert_eq!(state.contains(kid, idx), expected.contains(idx), "index {idx} after {sequence}");
            }
            assert_eq!(state.revoked(), expected.len(), "after {sequence}");
            assert!(state.deltas <= MAX_OVERLAYS);
            let mut compacted = state.clone();
            compacted.compact().unwrap();
            assert!(compacted.overlays.is_empty() && compacted.deltas == 0);
            for idx in 0..w.capacity {
                assert_eq!(compacted.contains(kid, idx), expected.contains(idx), "index {idx} compacted");
            }
            assert_eq!(compacted.revoked(), expected.len());
            assert_eq!(state.sets()[&kid], expected);
            assert_eq!(compacted.sets(), state.sets());
        }
        // The walk did what it says: indices withdrawn after a delta added
        // them, indices added again after a withdrawal, and a merge on the
        // way (41 deltas, at most 32 held).
        assert!(readded > 0 && withdrew_added > 0, "{readded} {withdrew_added}");
        assert!(state.deltas < 40);
    }
}
