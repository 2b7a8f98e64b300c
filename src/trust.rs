//! The trust list: which keys may sign which documents, when, and what is
//! revoked; signed by a root key that the verifier pins (TRUST.md).
//!
//! A signed trust list is JSON: the list itself under `list`, and the root's
//! signature under `signature`. The signature covers the exact bytes of the
//! `list` value as they stand in the file, behind the context
//! `"cachet trust list v1\n"` (which separates it from certificate
//! signatures). The verifier checks the signature on those bytes before it
//! reads anything in them.

use crate::certificate::DocumentKind;
use crate::code::Code;
use crate::json::{JsonError, JsonProblem, Reader, Writer};
use crate::keys::{KeyError, KeyId, PublicKey, SecretKey};
use crate::status_doc::{StatusError, StatusState};
use crate::status_list::{AllowList, AllowListError, CodedSet, RevokedSet, StatusListError};
use crate::text::b64;
use crate::time::{format_rfc3339, parse_rfc3339, Date, Timestamp};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Value of the list's `format` member that this build reads.
pub const FORMAT: &str = "cachet-trust-list/1";
/// The context signed before the list's bytes.
pub const SIGNING_CONTEXT: &[u8] = b"cachet trust list v1\n";
/// How long past `next_update` a list is still used (with a warning): 7 days.
pub const GRACE_SECONDS: i64 = 7 * 86_400;
/// The largest signed trust list accepted, in bytes: by a verifier
/// ([`TrustList::load`]), and so by [`sign_list`], which refuses to sign
/// what every verifier would refuse.
pub const MAX_SIZE: usize = 32 << 20;

/// Why a trust list was refused. Every variant is the status
/// `trust-list-invalid`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TrustError {
    /// Larger than [`MAX_SIZE`].
    TooLarge,
    /// Not the JSON structure of a (signed) trust list; the parser's message.
    Json(String),
    /// A `format` this build does not read.
    Format(String),
    /// Signed by a key that is not a pinned root.
    UnknownRoot,
    /// The signature does not verify.
    Signature,
    /// Older than a list already seen.
    Rollback {
        /// The highest sequence seen before.
        seen: u64,
        /// The sequence of this list.
        got: u64,
    },
    /// An entry is wrong (bad key, key id that does not match, dates…).
    Entry {
        /// Where: `issued_at`, `issuer <key_id>`, `status_key`…
        at: String,
        /// What is wrong.
        problem: EntryProblem,
    },
    /// An issuer's `revoked_indices` is not the canonical code of a set of
    /// indices below its `status_capacity` (TRUST.md, "Status by index").
    RevokedIndices {
        /// The issuer entry's `key_id`.
        key_id: String,
        /// What is wrong with the code.
        error: StatusListError,
    },
    /// A compromised issuer's `allowed_payloads` is not the canonical code
    /// of an allow-list (TRUST.md, "A compromised issuer key").
    AllowList {
        /// The issuer entry's `key_id`.
        key_id: String,
        /// What is wrong with the code.
        error: AllowListError,
    },
    /// A status document given with the list was refused or could not be
    /// applied: the verifier cannot tell what is revoked.
    Status(StatusError),
}

/// What is wrong with an entry of the list (TRUST.md, "What the verifier
/// does with a list"): each its own code, `trust-list-entry-…`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EntryProblem {
    /// A time that is not RFC 3339.
    Time,
    /// `next_update` before `issued_at`.
    TimeOrder,
    /// The public key is refused (its encoding, or the key policy).
    Key(KeyError),
    /// The `key_id` is not the key id of the `public_key`.
    KeyId,
    /// An issuer key listed twice.
    Duplicate,
    /// `valid_from` or `valid_until` is not a date.
    Date,
    /// `valid_until` before `valid_from`.
    DateOrder,
    /// The issuer's name is empty, or holds a control character.
    Name,
    /// `revoked_indices` without `status_capacity`, or a capacity of 0.
    StatusCapacity,
    /// `compromised` without `allowed_payloads`, or `allowed_payloads` on a
    /// key that is not compromised.
    AllowedPayloads,
    /// The status key is the root or an issuer key.
    StatusKeyRole,
}

impl EntryProblem {
    /// Its code.
    pub fn as_code(&self) -> Code {
        match self {
            EntryProblem::Time => Code::TrustListEntryTime,
            EntryProblem::TimeOrder => Code::TrustListEntryTimeOrder,
            EntryProblem::Key(_) => Code::TrustListEntryKey,
            EntryProblem::KeyId => Code::TrustListEntryKeyId,
            EntryProblem::Duplicate => Code::TrustListEntryDuplicate,
            EntryProblem::Date => Code::TrustListEntryDate,
            EntryProblem::DateOrder => Code::TrustListEntryDateOrder,
            EntryProblem::Name => Code::TrustListEntryName,
            EntryProblem::StatusCapacity => Code::TrustListEntryStatusCapacity,
            EntryProblem::AllowedPayloads => Code::TrustListEntryAllowedPayloads,
            EntryProblem::StatusKeyRole => Code::TrustListEntryStatusKeyRole,
        }
    }
}

impl fmt::Display for EntryProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EntryProblem::Time => "not an RFC 3339 time",
            EntryProblem::TimeOrder => "next_update before issued_at",
            EntryProblem::Key(k) => return write!(f, "public key refused ({})", k.code()),
            EntryProblem::KeyId => "key_id does not match the public key",
            EntryProblem::Duplicate => "listed twice",
            EntryProblem::Date => "valid_from or valid_until is not a date",
            EntryProblem::DateOrder => "valid_until before valid_from",
            EntryProblem::Name => "name empty or with a control character",
            EntryProblem::StatusCapacity => "revoked_indices without status_capacity, or status_capacity 0",
            EntryProblem::AllowedPayloads => {
                "allowed_payloads without compromised, or compromised without allowed_payloads"
            }
            EntryProblem::StatusKeyRole => "the root or an issuer key",
        })
    }
}

impl TrustError {
    /// Its code, for reports.
    pub fn as_code(&self) -> Code {
        match self {
            TrustError::TooLarge => Code::TrustListTooLarge,
            TrustError::Json(_) => Code::TrustListJson,
            TrustError::Format(_) => Code::TrustListFormat,
            TrustError::UnknownRoot => Code::TrustListUnknownRoot,
            TrustError::Signature => Code::TrustListSignature,
            TrustError::Rollback { .. } => Code::TrustListRollback,
            TrustError::Entry { problem, .. } => problem.as_code(),
            TrustError::RevokedIndices { error, .. } => error.trust_as_code(),
            TrustError::AllowList { .. } => Code::TrustListAllowList,
            TrustError::Status(e) => e.as_code(),
        }
    }

    /// Stable code, for reports: the text of [`TrustError::as_code`].
    pub fn code(&self) -> &'static str {
        self.as_code().as_str()
    }
}

impl fmt::Display for TrustError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrustError::Json(m) | TrustError::Format(m) => write!(f, "{}: {m}", self.code()),
            TrustError::Entry { at, problem } => write!(f, "{}: {at}: {problem}", self.code()),
            TrustError::Rollback { seen, got } => write!(f, "{}: sequence {got} is older than {seen}", self.code()),
            TrustError::RevokedIndices { key_id, error } => {
                write!(f, "{}: issuer {key_id}: revoked_indices: {error}", self.code())
            }
            TrustError::Status(e) => write!(f, "{e}"),
            TrustError::AllowList { key_id, error } => {
                write!(f, "{}: issuer {key_id}: allowed_payloads: {error}", self.code())
            }
            _ => f.write_str(self.code()),
        }
    }
}

impl std::error::Error for TrustError {}

/// An issuer key's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeyStatus {
    /// May sign.
    Active,
    /// Revoked: every certificate it signed is revoked.
    Revoked,
    /// Compromised: only the certificates of its `allowed_payloads` (what it
    /// legitimately signed) stay valid; everything else it signed is revoked
    /// (`issuer-key-compromised`).
    Compromised,
}

/// One issuer key, as written in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssuerEntry {
    /// Key id (16 hex digits), derived from the key; checked.
    pub key_id: String,
    /// The issuer's name, shown to the reader.
    pub name: String,
    /// Ed25519 public key, base64url.
    pub public_key: String,
    /// First issue date the key may sign (inclusive).
    pub valid_from: String,
    /// Last issue date the key may sign (inclusive).
    pub valid_until: String,
    /// Document kinds the key may sign (names this build does not know are kept and ignored).
    pub kinds: Vec<String>,
    /// Active or revoked.
    pub status: KeyStatus,
    /// The size of the key's status index space, when its certificates carry
    /// a status claim: indices `0..status_capacity`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_capacity: Option<u32>,
    /// The key's revoked status indices: base64url of their Rice code
    /// ([`RevokedSet::encode`]). Absent: none revoked. Needs `status_capacity`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_indices: Option<String>,
    /// For a `compromised` key (and only for one): what it legitimately
    /// signed, the base64url of an [`AllowList`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_payloads: Option<String>,
}

impl Default for IssuerEntry {
    /// An active entry with every text empty and no status list.
    fn default() -> IssuerEntry {
        IssuerEntry {
            key_id: String::new(),
            name: String::new(),
            public_key: String::new(),
            valid_from: String::new(),
            valid_until: String::new(),
            kinds: Vec::new(),
            status: KeyStatus::Active,
            status_capacity: None,
            revoked_indices: None,
            allowed_payloads: None,
        }
    }
}

/// The online key that alone signs status documents (TRUST.md, "Status
/// documents"), as the root names it in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusKeyEntry {
    /// Key id (16 hex digits), derived from the key; checked.
    pub key_id: String,
    /// Ed25519 public key, base64url.
    pub public_key: String,
    /// When the delegation ends (RFC 3339): from then on, documents it
    /// signed are refused (`status-key-expired`).
    pub expires: String,
}

/// The status key of a loaded list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusKey {
    /// The key.
    pub key: PublicKey,
    /// The end of its delegation.
    pub expires: Timestamp,
}

/// The list, as written in `LIST.json` (unsigned) and under `list` once signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustListBody {
    /// Always [`FORMAT`].
    pub format: String,
    /// Grows with every change; a verifier refuses a lower one than it has seen.
    pub sequence: u64,
    /// When the list was signed (RFC 3339, UTC).
    pub issued_at: String,
    /// When a newer list will be published (RFC 3339, UTC).
    pub next_update: String,
    /// Issuer keys.
    pub issuers: Vec<IssuerEntry>,
    /// Revoked certificate serials (for every issuer).
    #[serde(default)]
    pub revoked_serials: Vec<String>,
    /// The online key that signs status documents, if the root delegates
    /// status signing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_key: Option<StatusKeyEntry>,
}

impl TrustListBody {
    /// An empty list.
    pub fn new() -> TrustListBody {
        TrustListBody {
            format: FORMAT.to_owned(),
            sequence: 0,
            issued_at: format_rfc3339(0),
            next_update: format_rfc3339(0),
            issuers: Vec::new(),
            revoked_serials: Vec::new(),
            status_key: None,
        }
    }

    /// Checks every entry and builds the list the verifier uses.
    pub fn check(&self, root: KeyId) -> Result<TrustList, TrustError> {
        self.check_as::<false>(root)
    }

    /// [`TrustListBody::check`]; `DEFERRED`: see [`TrustList::load_deferred`]
    /// (a constant: the page's wasm, which never defers, carries no code of it).
    #[inline(always)]
    fn check_as<const DEFERRED: bool>(&self, root: KeyId) -> Result<TrustList, TrustError> {
        if self.format != FORMAT {
            return Err(TrustError::Format(self.format.clone()));
        }
        let entry = |at: &str, problem| TrustError::Entry { at: at.to_owned(), problem };
        let time = |what: &str, s: &str| parse_rfc3339(s).ok_or_else(|| entry(what, EntryProblem::Time));
        let issued_at = time("issued_at", &self.issued_at)?;
        let next_update = time("next_update", &self.next_update)?;
        if next_update < issued_at {
            return Err(entry("next_update", EntryProblem::TimeOrder));
        }
        let mut issuers: Vec<Issuer> = Vec::with_capacity(self.issuers.len());
        for e in &self.issuers {
            let bad = |problem| entry(&format!("issuer {}", e.key_id), problem);
            // The torsion check, nine tenths of a key's checks, at the key's first
            // verification: a visit verifies with one key of the list (SECURITY.md).
            let key =
                PublicKey::from_base64_deferred(&e.public_key).map_err(|k: KeyError| bad(EntryProblem::Key(k)))?;
            if KeyId::parse(&e.key_id).ok() != Some(key.key_id()) {
                return Err(bad(EntryProblem::KeyId));
            }
            if issuers.iter().any(|i| i.key == key) {
                return Err(bad(EntryProblem::Duplicate));
            }
            let valid_from = Date::parse(&e.valid_from).ok_or_else(|| bad(EntryProblem::Date))?;
            let valid_until = Date::parse(&e.valid_until).ok_or_else(|| bad(EntryProblem::Date))?;
            if valid_until < valid_from {
                return Err(bad(EntryProblem::DateOrder));
            }
            if e.name.trim().is_empty() || e.name.chars().any(char::is_control) {
                return Err(bad(EntryProblem::Name));
            }
            let indices = |error| TrustError::RevokedIndices { key_id: e.key_id.clone(), error };
            let status_list = match (e.status_capacity, &e.revoked_indices) {
                (None, None) => None,
                (None, Some(_)) | (Some(0), _) => return Err(bad(EntryProblem::StatusCapacity)),
                (Some(capacity), Some(text)) if DEFERRED => Some(CodedSet::deferred(text, capacity).map_err(indices)?),
                (Some(capacity), text) => Some(
                    text.as_deref()
                        .map_or_else(|| RevokedSet::empty(capacity), |t| RevokedSet::decode(t, capacity))
                        .map_err(indices)?
                        .into(),
                ),
            };
            let allowed = match (e.status, &e.allowed_payloads) {
                (KeyStatus::Compromised, Some(text)) => Some(
                    AllowList::decode(text)
                        .map_err(|error| TrustError::AllowList { key_id: e.key_id.clone(), error })?,
                ),
                (KeyStatus::Compromised, None) | (_, Some(_)) => return Err(bad(EntryProblem::AllowedPayloads)),
                (_, None) => None,
            };
            issuers.push(Issuer {
                key,
                name: e.name.clone(),
                valid_from,
                valid_until,
                kinds: e.kinds.iter().filter_map(|k| DocumentKind::from_name(k)).collect(),
                status: e.status,
                status_list,
                allowed,
            });
        }
        let status_key = match &self.status_key {
            None => None,
            Some(s) => {
                let bad = |problem| entry("status_key", problem);
                let key = PublicKey::from_base64(&s.public_key).map_err(|k: KeyError| bad(EntryProblem::Key(k)))?;
                if KeyId::parse(&s.key_id).ok() != Some(key.key_id()) {
                    return Err(bad(EntryProblem::KeyId));
                }
                // One key, one role: a status key that also signs lists or
                // certificates would let one theft do the work of two.
                if key.key_id() == root || issuers.iter().any(|i| i.key == key) {
                    return Err(bad(EntryProblem::StatusKeyRole));
                }
                let expires = time("status_key.expires", &s.expires)?;
                Some(StatusKey { key, expires })
            }
        };
        Ok(TrustList {
            sequence: self.sequence,
            issued_at,
            next_update,
            issuers,
            revoked_serials: {
                let mut serials = self.revoked_serials.clone();
                crate::status_list::sort_dedup(&mut serials);
                serials
            },
            root,
            status_key,
            status: None,
        })
    }
}

impl Default for TrustListBody {
    fn default() -> Self {
        TrustListBody::new()
    }
}

/// An issuer key the verifier trusts, within its limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issuer {
    /// The key.
    pub key: PublicKey,
    /// The issuer's name, from the list.
    pub name: String,
    /// First issue date it may sign.
    pub valid_from: Date,
    /// Last issue date it may sign.
    pub valid_until: Date,
    /// Kinds it may sign.
    pub kinds: Vec<DocumentKind>,
    /// Active or revoked.
    pub status: KeyStatus,
    /// Its status index space and revoked indices, when the list gives a
    /// `status_capacity` (empty when it gives no `revoked_indices`): decoded
    /// at load, or at the first look-up when loaded by
    /// [`TrustList::load_deferred`].
    pub status_list: Option<CodedSet>,
    /// For a compromised key: what it legitimately signed.
    pub allowed: Option<AllowList>,
}

/// How fresh a list is at a given time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// Before `next_update`.
    Fresh,
    /// Past `next_update`, within the grace period: used, with a warning.
    Stale,
    /// Past `next_update` plus the grace period: not used.
    Expired,
}

/// A trust list whose signature verified under a pinned root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustList {
    sequence: u64,
    issued_at: Timestamp,
    next_update: Timestamp,
    issuers: Vec<Issuer>,
    /// Sorted, each once (not a `BTreeSet`: the tree's code would cost the wasm about 3 KB).
    revoked_serials: Vec<String>,
    root: KeyId,
    status_key: Option<StatusKey>,
    /// The status documents applied to it (src/status_doc.rs).
    status: Option<StatusState>,
}

// Reading the JSON by hand (src/json.rs) rather than with serde_json keeps
// a general JSON library, and its float formatting, out of the verifier's
// wasm. The rules are those of the serde derives above: every member
// required except `revoked_serials` (empty when absent), `status_capacity`
// and `revoked_indices` (absent when absent), no member unknown, none twice.

/// A required member, or [`JsonProblem::MissingMember`] at the object's start.
fn required<T>(value: Option<T>, object_at: usize) -> Result<T, JsonError> {
    value.ok_or(JsonError { problem: JsonProblem::MissingMember, offset: object_at })
}

fn unknown(r: &Reader<'_>) -> Result<(), JsonError> {
    Err(r.unknown_member())
}

fn strings(r: &mut Reader<'_>) -> Result<Vec<String>, JsonError> {
    let mut all = Vec::new();
    r.array(|r| {
        all.push(r.string()?);
        Ok(())
    })?;
    Ok(all)
}

fn read_key_status(r: &mut Reader<'_>) -> Result<KeyStatus, JsonError> {
    let at = r.offset();
    match r.string()?.as_str() {
        "active" => Ok(KeyStatus::Active),
        "revoked" => Ok(KeyStatus::Revoked),
        "compromised" => Ok(KeyStatus::Compromised),
        _ => Err(JsonError { problem: JsonProblem::WrongType, offset: at }),
    }
}

fn read_issuer(r: &mut Reader<'_>) -> Result<IssuerEntry, JsonError> {
    let at = r.offset();
    let (mut key_id, mut name, mut public_key, mut valid_from) = (None, None, None, None);
    let (mut valid_until, mut kinds, mut status) = (None, None, None);
    let (mut status_capacity, mut revoked_indices, mut allowed_payloads) = (None, None, None);
    r.object(|r, key| {
        match key {
            "key_id" => key_id = Some(r.string()?),
            "name" => name = Some(r.string()?),
            "public_key" => public_key = Some(r.string()?),
            "valid_from" => valid_from = Some(r.string()?),
            "valid_until" => valid_until = Some(r.string()?),
            "kinds" => kinds = Some(strings(r)?),
            "status" => status = Some(read_key_status(r)?),
            "status_capacity" => {
                let at = r.offset();
                let n = r.u64()?;
                status_capacity = Some(
                    u32::try_from(n).map_err(|_| JsonError { problem: JsonProblem::NumberOutOfRange, offset: at })?,
                );
            }
            "revoked_indices" => revoked_indices = Some(r.string()?),
            "allowed_payloads" => allowed_payloads = Some(r.string()?),
            _ => return unknown(r),
        }
        Ok(())
    })?;
    Ok(IssuerEntry {
        key_id: required(key_id, at)?,
        name: required(name, at)?,
        public_key: required(public_key, at)?,
        valid_from: required(valid_from, at)?,
        valid_until: required(valid_until, at)?,
        kinds: required(kinds, at)?,
        status: required(status, at)?,
        status_capacity,
        revoked_indices,
        allowed_payloads,
    })
}

fn read_status_key(r: &mut Reader<'_>) -> Result<StatusKeyEntry, JsonError> {
    let at = r.offset();
    let (mut key_id, mut public_key, mut expires) = (None, None, None);
    r.object(|r, key| {
        match key {
            "key_id" => key_id = Some(r.string()?),
            "public_key" => public_key = Some(r.string()?),
            "expires" => expires = Some(r.string()?),
            _ => return unknown(r),
        }
        Ok(())
    })?;
    Ok(StatusKeyEntry {
        key_id: required(key_id, at)?,
        public_key: required(public_key, at)?,
        expires: required(expires, at)?,
    })
}

impl TrustListBody {
    /// Reads a list's JSON text (`LIST.json`, or the `list` of a signed
    /// file) by the rules of its serde derives, without serde_json.
    pub fn from_json(text: &[u8]) -> Result<TrustListBody, JsonError> {
        let mut r = Reader::new(text)?;
        let at = r.offset();
        let (mut format, mut sequence, mut issued_at, mut next_update) = (None, None, None, None);
        let (mut issuers, mut revoked_serials, mut status_key) = (None, None, None);
        r.object(|r, key| {
            match key {
                "format" => format = Some(r.string()?),
                "sequence" => sequence = Some(r.u64()?),
                "issued_at" => issued_at = Some(r.string()?),
                "next_update" => next_update = Some(r.string()?),
                "issuers" => {
                    let mut all = Vec::new();
                    r.array(|r| {
                        all.push(read_issuer(r)?);
                        Ok(())
                    })?;
                    issuers = Some(all);
                }
                "revoked_serials" => revoked_serials = Some(strings(r)?),
                "status_key" => status_key = Some(read_status_key(r)?),
                _ => return unknown(r),
            }
            Ok(())
        })?;
        r.finish()?;
        Ok(TrustListBody {
            format: required(format, at)?,
            sequence: required(sequence, at)?,
            issued_at: required(issued_at, at)?,
            next_update: required(next_update, at)?,
            issuers: required(issuers, at)?,
            revoked_serials: revoked_serials.unwrap_or_default(),
            status_key,
        })
    }
}

/// A signed file's members: the byte range of `list` (read later, once its
/// signature verified) and the signature.
struct SignedWire {
    list: std::ops::Range<usize>,
    signature: SignatureWire,
}

struct SignatureWire {
    alg: String,
    key_id: String,
    value: String,
}

impl SignedWire {
    fn from_json(text: &[u8]) -> Result<SignedWire, JsonError> {
        let mut r = Reader::new(text)?;
        let at = r.offset();
        let (mut list, mut signature) = (None, None);
        r.object(|r, key| {
            match key {
                "list" => list = Some(r.skip()?),
                "signature" => signature = Some(SignatureWire::read(r)?),
                _ => return unknown(r),
            }
            Ok(())
        })?;
        r.finish()?;
        Ok(SignedWire { list: required(list, at)?, signature: required(signature, at)? })
    }
}

impl SignatureWire {
    fn read(r: &mut Reader<'_>) -> Result<SignatureWire, JsonError> {
        let at = r.offset();
        let (mut alg, mut key_id, mut value) = (None, None, None);
        r.object(|r, key| {
            match key {
                "alg" => alg = Some(r.string()?),
                "key_id" => key_id = Some(r.string()?),
                "value" => value = Some(r.string()?),
                _ => return unknown(r),
            }
            Ok(())
        })?;
        Ok(SignatureWire { alg: required(alg, at)?, key_id: required(key_id, at)?, value: required(value, at)? })
    }

    /// `{"alg":…,"key_id":…,"value":…}`, compact.
    fn to_json(&self) -> String {
        let mut w = Writer::new();
        w.begin_object();
        w.member_str("alg", &self.alg);
        w.member_str("key_id", &self.key_id);
        w.member_str("value", &self.value);
        w.end_object();
        w.finish()
    }
}

fn json_error(e: JsonError) -> TrustError {
    TrustError::Json(e.to_string())
}

fn signing_input(list: &[u8]) -> Vec<u8> {
    let mut input = Vec::with_capacity(SIGNING_CONTEXT.len() + list.len());
    input.extend_from_slice(SIGNING_CONTEXT);
    input.extend_from_slice(list);
    input
}

impl TrustList {
    /// Loads a signed trust list: checks its signature under one of the
    /// pinned `roots`, then its content, then that its sequence is not below
    /// `last_seen` (the highest sequence this verifier has seen before).
    pub fn load(signed: &[u8], roots: &[PublicKey], last_seen: Option<u64>) -> Result<TrustList, TrustError> {
        TrustList::load_as::<false>(signed, roots, last_seen)
    }

    /// [`TrustList::load`], each key's `revoked_indices` checked only as far
    /// as its length and header show, and decoded when a verification first
    /// looks an index up in it ([`CodedSet`]): what `cachet verify` does,
    /// which verifies with a key or a few of a list that may hold a million
    /// revoked indices over 30 keys (decoding them all took a third of its
    /// time). A certificate whose status claim is then looked up in a set
    /// found badly coded is `trust-list-invalid`, with the code `load`
    /// refuses the whole list with (`trust-list-indices-…`), and no fields;
    /// a certificate that does not need that set (another key's, one without
    /// a status claim, one revoked by its key or its serial) gets its usual
    /// verdict. Everything else is checked as `load` checks it.
    pub fn load_deferred(signed: &[u8], roots: &[PublicKey], last_seen: Option<u64>) -> Result<TrustList, TrustError> {
        TrustList::load_as::<true>(signed, roots, last_seen)
    }

    #[inline(always)]
    fn load_as<const DEFERRED: bool>(
        signed: &[u8],
        roots: &[PublicKey],
        last_seen: Option<u64>,
    ) -> Result<TrustList, TrustError> {
        if signed.len() > MAX_SIZE {
            return Err(TrustError::TooLarge);
        }
        let wire = SignedWire::from_json(signed).map_err(json_error)?;
        if wire.signature.alg != "EdDSA" {
            return Err(TrustError::Signature);
        }
        let root_id = KeyId::parse(&wire.signature.key_id).map_err(|_| TrustError::UnknownRoot)?;
        let root = roots.iter().find(|r| r.key_id() == root_id).ok_or(TrustError::UnknownRoot)?;
        let signature = b64::decode(&wire.signature.value).map_err(|_| TrustError::Signature)?;
        let list = signed.get(wire.list.clone()).unwrap_or_default();
        root.verify(&signing_input(list), &signature).map_err(|_| TrustError::Signature)?;
        let body = TrustListBody::from_json(list).map_err(|e| json_error(e.shifted(wire.list.start)))?;
        let trust = body.check_as::<DEFERRED>(root_id)?;
        if let Some(seen) = last_seen {
            if trust.sequence < seen {
                return Err(TrustError::Rollback { seen, got: trust.sequence });
            }
        }
        Ok(trust)
    }

    /// The list's sequence number.
    pub fn sequence(&self) -> u64 {
        self.sequence
    }
    /// When it was signed.
    pub fn issued_at(&self) -> Timestamp {
        self.issued_at
    }
    /// When a newer list is due.
    pub fn next_update(&self) -> Timestamp {
        self.next_update
    }
    /// The root key that signed it.
    pub fn root(&self) -> KeyId {
        self.root
    }
    /// The issuer keys.
    pub fn issuers(&self) -> &[Issuer] {
        &self.issuers
    }
    /// Every issuer key's torsion check, which loading defers to each key's
    /// first verification ([`PublicKey::from_base64_deferred`]), made now:
    /// what `cachet trust sign` asks before signing, so that it signs no
    /// list with a key that would verify nothing. The error is the one the
    /// key's entry would have had, `trust-list-entry-key`.
    pub fn check_issuer_keys(&self) -> Result<(), TrustError> {
        for issuer in &self.issuers {
            issuer.key.check_torsion().map_err(|k| TrustError::Entry {
                at: format!("issuer {}", issuer.key.key_id()),
                problem: EntryProblem::Key(k),
            })?;
        }
        Ok(())
    }
    /// The issuer key with this id.
    pub fn issuer(&self, kid: KeyId) -> Option<&Issuer> {
        self.issuers.iter().find(|i| i.key.key_id() == kid)
    }
    /// The online key the root delegates status signing to, if any.
    pub fn status_key(&self) -> Option<&StatusKey> {
        self.status_key.as_ref()
    }
    /// The status documents applied (src/status_doc.rs), if any.
    pub fn status(&self) -> Option<&StatusState> {
        self.status.as_ref()
    }
    /// This list with `status` applied in place of any status before: its
    /// revoked indices add to the list's own (TRUST.md, "Status documents").
    pub fn set_status(&mut self, status: Option<StatusState>) {
        self.status = status;
    }
    /// Whether index `idx` of key `kid` is revoked by the applied status
    /// documents (the list's own `revoked_indices` aside).
    pub fn status_revoked(&self, kid: KeyId, idx: u32) -> bool {
        self.status.as_ref().is_some_and(|s| s.contains(kid, idx))
    }
    /// Whether a serial is revoked.
    pub fn is_revoked(&self, serial: &str) -> bool {
        self.revoked_serials.binary_search_by(|s| s.as_str().cmp(serial)).is_ok()
    }
    /// Fresh, stale (past `next_update`, within [`GRACE_SECONDS`]) or expired at `now`.
    pub fn freshness(&self, now: Timestamp) -> Freshness {
        if now < self.next_update {
            Freshness::Fresh
        } else if now < self.next_update.saturating_add(GRACE_SECONDS) {
            Freshness::Stale
        } else {
            Freshness::Expired
        }
    }
}

/// Signs a list's JSON text with a root key, after checking it, and returns
/// the signed trust list's text. The list's bytes are kept as they are.
/// Refuses what [`TrustList::load`] would refuse: a list whose content is
/// wrong, and a signed file larger than [`MAX_SIZE`] (`trust-list-too-large`).
pub fn sign_list(root: &SecretKey, list_json: &str) -> Result<String, TrustError> {
    let unsigned = prepare_list(root.key_id(), list_json)?;
    let signature = root.sign(&unsigned.message());
    unsigned.finish(&signature)
}

/// A checked list whose signature is made elsewhere, by a root key that
/// never leaves its hardware module: sign [`UnsignedList::message`]
/// (Ed25519) with the root of the id given to [`prepare_list`], then
/// [`UnsignedList::finish`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsignedList {
    root: KeyId,
    list_json: String,
}

impl UnsignedList {
    /// The bytes to sign.
    pub fn message(&self) -> Vec<u8> {
        signing_input(self.list_json.as_bytes())
    }

    /// The signed trust list's text, with the signature of
    /// [`UnsignedList::message`]; refuses a file larger than [`MAX_SIZE`].
    pub fn finish(self, signature: &[u8; 64]) -> Result<String, TrustError> {
        let signature =
            SignatureWire { alg: "EdDSA".into(), key_id: self.root.to_string(), value: b64::encode(signature) };
        let signed = format!("{{\n\"signature\": {},\n\"list\": {}\n}}\n", signature.to_json(), self.list_json);
        if signed.len() > MAX_SIZE {
            return Err(TrustError::TooLarge);
        }
        Ok(signed)
    }
}

/// [`sign_list`] for a root key held elsewhere, known here by its id: the
/// same checks, the signature left to the caller ([`UnsignedList`]).
pub fn prepare_list(root: KeyId, list_json: &str) -> Result<UnsignedList, TrustError> {
    let list_json = list_json.trim();
    let body = TrustListBody::from_json(list_json.as_bytes()).map_err(json_error)?;
    // Every key checked whole: a verifier makes an issuer key's torsion check at its first use only.
    body.check(root)?.check_issuer_keys()?;
    Ok(UnsignedList { root, list_json: list_json.to_owned() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_rfc3339;

    fn list(issuer: &SecretKey) -> String {
        let mut body = TrustListBody::new();
        body.sequence = 4;
        body.issued_at = "2026-09-01T00:00:00Z".into();
        body.next_update = "2026-10-01T00:00:00Z".into();
        body.issuers.push(IssuerEntry {
            key_id: issuer.key_id().to_string(),
            name: "Académie de Paris".into(),
            public_key: issuer.public_key().to_base64(),
            valid_from: "2025-09-01".into(),
            valid_until: "2027-08-31".into(),
            kinds: vec!["certificat-de-scolarite".into()],
            status: KeyStatus::Active,
            ..IssuerEntry::default()
        });
        serde_json::to_string_pretty(&body).unwrap()
    }

    /// `list_json` signed by `root` as it is, as a careless signer would
    /// (`sign_list` refuses a list that verifiers refuse): the verifier's
    /// own checks are what the tests hold.
    fn signed_as_is(root: &SecretKey, list_json: &str) -> String {
        let wire = SignatureWire {
            alg: "EdDSA".into(),
            key_id: root.key_id().to_string(),
            value: b64::encode(&root.sign(&signing_input(list_json.as_bytes()))),
        };
        format!("{{\"signature\": {}, \"list\": {list_json}}}", wire.to_json())
    }

    #[test]
    fn each_wrong_entry_has_its_own_code() {
        let root = SecretKey::from_seed(&[9u8; 32]);
        let issuer = SecretKey::from_seed(&[8u8; 32]);
        let good: TrustListBody = serde_json::from_str(&list(&issuer)).unwrap();
        let code = |change: &dyn Fn(&mut TrustListBody)| {
            let mut body = good.clone();
            change(&mut body);
            body.check(root.key_id()).err().map(|e| e.code())
        };
        assert_eq!(code(&|_| {}), None);
        type Change = dyn Fn(&mut TrustListBody);
        let cases: [(&Change, &str); 11] = [
            (&|b| b.issued_at = "1 September".into(), "trust-list-entry-time"),
            (&|b| b.next_update = "2026-08-01T00:00:00Z".into(), "trust-list-entry-time-order"),
            (&|b| b.issuers[0].public_key = "AAAA".into(), "trust-list-entry-key"),
            (&|b| b.issuers[0].key_id = "0000000000000000".into(), "trust-list-entry-key-id"),
            (&|b| b.issuers.push(b.issuers[0].clone()), "trust-list-entry-duplicate"),
            (&|b| b.issuers[0].valid_from = "2025-02-30".into(), "trust-list-entry-date"),
            (&|b| b.issuers[0].valid_until = "2024-08-31".into(), "trust-list-entry-date-order"),
            (&|b| b.issuers[0].name = "Paris\u{7}".into(), "trust-list-entry-name"),
            (&|b| b.issuers[0].status_capacity = Some(0), "trust-list-entry-status-capacity"),
            (&|b| b.issuers[0].status = KeyStatus::Compromised, "trust-list-entry-allowed-payloads"),
            (
                &|b| {
                    let key = b.issuers[0].clone();
                    b.status_key = Some(StatusKeyEntry {
                        key_id: key.key_id,
                        public_key: key.public_key,
                        expires: "2027-01-01T00:00:00Z".into(),
                    })
                },
                "trust-list-entry-status-key-role",
            ),
        ];
        for (change, want) in cases {
            assert_eq!(code(change), Some(want));
            assert!(crate::Code::parse(want).is_some(), "{want} is a Code");
        }
    }

    #[test]
    fn an_issuer_key_with_a_torsion_component_loads_and_verifies_nothing() {
        let root = SecretKey::from_seed(&[9u8; 32]);
        let issuer = SecretKey::from_seed(&[8u8; 32]);
        let mixed = crate::keys::tests::mixed_order(&issuer);
        let mut body: TrustListBody = serde_json::from_str(&list(&issuer)).unwrap();
        body.issuers[0].public_key = crate::text::b64::encode(&mixed);
        body.issuers[0].key_id = KeyId::of(&mixed).to_string();
        let json = serde_json::to_string(&body).unwrap();
        // sign_list checks every key whole and refuses it: signed here by hand, as a careless signer would.
        assert_eq!(sign_list(&root, &json).err().map(|e| e.code()), Some("trust-list-entry-key"));
        let unsigned = UnsignedList { root: root.key_id(), list_json: json };
        let signature = root.sign(&unsigned.message());
        let signed = unsigned.finish(&signature).unwrap();
        let trust = TrustList::load(signed.as_bytes(), &[root.public_key().clone()], None).expect("loaded");
        let key = &trust.issuer(KeyId::of(&mixed)).expect("listed").key;
        assert_eq!(key.verify(b"x", &issuer.sign(b"x")), Err(crate::signature::SignatureError::KeyNotTorsionFree));
        let e = trust.check_issuer_keys().expect_err("what trust sign asks");
        assert_eq!(e.code(), "trust-list-entry-key");
        assert!(e.to_string().contains(&KeyId::of(&mixed).to_string()), "{e}");

        let honest = sign_list(&root, &list(&issuer)).unwrap();
        let trust = TrustList::load(honest.as_bytes(), &[root.public_key().clone()], None).unwrap();
        assert_eq!(trust.check_issuer_keys(), Ok(()));
    }

    #[test]
    fn signed_lists_load_and_refuse_tampering_and_rollback() {
        let root = SecretKey::from_seed(&[9u8; 32]);
        let issuer = SecretKey::from_seed(&[8u8; 32]);
        let signed = sign_list(&root, &list(&issuer)).unwrap();
        let roots = [root.public_key().clone()];
        let trust = TrustList::load(signed.as_bytes(), &roots, Some(4)).unwrap();
        assert_eq!(trust.sequence(), 4);
        assert_eq!(trust.issuer(issuer.key_id()).map(|i| i.name.as_str()), Some("Académie de Paris"));
        // Loading makes no issuer's table: only a key that signs twice costs one.
        assert!(trust.issuers().iter().all(|i| !i.key.table_is_made()));
        // The root's first verification makes none either; its second (a list loaded again) does.
        assert!(roots.iter().all(|r| !r.table_is_made()));
        assert_eq!(TrustList::load(signed.as_bytes(), &roots, Some(4)).map(|t| t.sequence()), Ok(4));
        assert!(roots.iter().all(|r| r.table_is_made()));

        let tampered = signed.replace("Académie de Paris", "Académie de Lyon!");
        assert_eq!(TrustList::load(tampered.as_bytes(), &roots, None), Err(TrustError::Signature));
        // Even white space inside the list is covered by the signature.
        let spaced = signed.replacen("\"sequence\": 4", "\"sequence\":  4", 1);
        assert_eq!(TrustList::load(spaced.as_bytes(), &roots, None), Err(TrustError::Signature));
        assert_eq!(TrustList::load(signed.as_bytes(), &roots, Some(5)), Err(TrustError::Rollback { seen: 5, got: 4 }));
        let other = SecretKey::from_seed(&[7u8; 32]);
        assert_eq!(
            TrustList::load(signed.as_bytes(), &[other.public_key().clone()], None),
            Err(TrustError::UnknownRoot)
        );
    }

    #[test]
    fn lists_read_by_hand_as_serde_reads_them() {
        let issuer = SecretKey::from_seed(&[8u8; 32]);
        let good = list(&issuer);
        let compact = serde_json::to_string(&serde_json::from_str::<TrustListBody>(&good).unwrap()).unwrap();
        let variants = [
            good.clone(),
            compact.clone(),
            compact.replace(r#","revoked_serials":[]"#, ""),
            compact.replace(r#""revoked_serials":[]"#, r#""revoked_serials":["a","b\u00e9"]"#),
            compact.replace(r#""sequence":4"#, r#""sequence":18446744073709551615"#),
            compact.replace(r#""format""#, r#""\u0066ormat""#),
            // Refused by both:
            compact.replace(r#""revoked_serials":[]"#, r#""revoked_serials":null"#),
            compact.replace(r#""revoked_serials":[]"#, r#""revoked_serials":[],"extra":1"#),
            compact.replace(r#""status":"active""#, r#""status":"active","status":"active""#),
            compact.replace(r#""status":"active""#, r#""status":"Active""#),
            compact.replace(r#""status":"active""#, r#""status":"active","comment":"""#),
            compact.replace(r#","status":"active""#, ""),
            compact.replace(r#""sequence":4,"#, ""),
            compact.replace(r#""sequence":4"#, r#""sequence":4.0"#),
            compact.replace(r#""sequence":4"#, r#""sequence":-0"#),
            compact.replace(r#""sequence":4"#, r#""sequence":04"#),
            compact.replace(r#""sequence":4"#, r#""sequence":"4""#),
            compact.replace(r#""sequence":4"#, r#""sequence":18446744073709551616"#),
            compact.replace(r#""kinds":["certificat-de-scolarite"]"#, r#""kinds":"certificat-de-scolarite""#),
            compact.replace("Acad", r"\\ud800Acad"),
            compact.replace("Acad", r"\ud800Acad"),
            compact.replace("Acad", r"\u0000Acad"),
            compact.replace("Acad", r"\tAcad"),
            compact.replace("Acad", "\tAcad"),
            compact.clone() + " x",
            compact.clone() + " \n",
            format!("[{compact}]"),
            String::new(),
        ];
        for text in &variants {
            let by_hand = TrustListBody::from_json(text.as_bytes());
            let by_serde = serde_json::from_str::<TrustListBody>(text);
            assert_eq!(by_hand.as_ref().ok(), by_serde.as_ref().ok(), "{text}: {by_hand:?} / {by_serde:?}");
        }
        let error = |text: &str| TrustListBody::from_json(text.as_bytes()).unwrap_err().to_string();
        assert_eq!(error(r#"{"format":1}"#), "json-wrong-type at byte 10");
        assert_eq!(error(r#" {"x":1}"#), "json-unknown-member at byte 2");
        assert_eq!(error(r#" {"format":"x"}"#), "json-missing-member at byte 1");
    }

    #[test]
    fn json_errors_in_the_list_tell_the_offset_in_the_file() {
        let root = SecretKey::from_seed(&[9u8; 32]);
        let issuer = SecretKey::from_seed(&[8u8; 32]);
        let list = list(&issuer).replacen("\"sequence\": 4", "\"sequence\": 4, \"x\": 1", 1);
        let body = TrustListBody::from_json(list.as_bytes()).unwrap_err();
        assert_eq!(body.problem, JsonProblem::UnknownMember);
        // Signed as it is (sign_list would refuse it): the error's offset is the file's.
        let signed = signed_as_is(&root, &list);
        let at = signed.find(&list).unwrap() + body.offset;
        assert_eq!(
            TrustList::load(signed.as_bytes(), &[root.public_key().clone()], None),
            Err(TrustError::Json(format!("json-unknown-member at byte {at}")))
        );
        assert!(signed[at..].starts_with("\"x\""), "{}", &signed[at..]);
    }

    #[test]
    fn status_indices_revoke_exactly_their_certificates() {
        use crate::status_list::{status_index, StatusRef};
        use crate::{issue, verify, Status};
        let root = SecretKey::from_seed(&[9u8; 32]);
        let issuer = SecretKey::from_seed(&[8u8; 32]);
        let capacity = 1000;
        let idx: Vec<u32> = (0..4).map(|o| status_index(&issuer, o, capacity).unwrap()).collect();
        let revoked = RevokedSet::from_sorted(
            &{
                let mut r = vec![idx[1], idx[2]];
                r.sort_unstable();
                r
            },
            capacity,
        )
        .unwrap();
        let mut body: TrustListBody = serde_json::from_str(&list(&issuer)).unwrap();
        body.issuers[0].status_capacity = Some(capacity);
        body.issuers[0].revoked_indices = Some(revoked.encode());
        let signed = sign_list(&root, &serde_json::to_string_pretty(&body).unwrap()).unwrap();
        let trust = TrustList::load(signed.as_bytes(), &[root.public_key().clone()], None).unwrap();
        let today = Date::parse("2026-09-15").unwrap();
        let mut input = crate::doc_example_input();
        input.school_year = "2026-2027".into();
        let now = parse_rfc3339("2026-09-20T09:00:00Z").unwrap();
        let verdict = |status: Option<StatusRef>| {
            let issued = match status {
                Some(s) => issue::issue_with_status(&issuer, &input, today, s).unwrap(),
                None => issue::issue(&issuer, &input, today).unwrap(),
            };
            let report = verify::verify(&issued.token, &trust, now);
            (report.status, report.check(crate::CheckName::Revocation).and_then(|c| c.code).map(crate::Code::as_str))
        };
        assert_eq!(verdict(None), (Status::Valid, None));
        assert_eq!(verdict(Some(StatusRef::new(idx[0]))), (Status::Valid, None));
        assert_eq!(verdict(Some(StatusRef::new(idx[3]))), (Status::Valid, None));
        assert_eq!(verdict(Some(StatusRef::new(idx[1]))), (Status::Revoked, Some("status-revoked")));
        assert_eq!(verdict(Some(StatusRef::new(idx[2]))), (Status::Revoked, Some("status-revoked")));
        assert_eq!(verdict(Some(StatusRef::new(capacity))), (Status::Revoked, Some("status-index-out-of-range")));
        let far = StatusRef { idx: u64::MAX, uri: "cc:".into() };
        assert_eq!(verdict(Some(far)), (Status::Revoked, Some("status-index-out-of-range")));

        // Without a capacity for the key, the claim says nothing: the serial decides.
        let plain = sign_list(&root, &list(&issuer)).unwrap();
        let plain = TrustList::load(plain.as_bytes(), &[root.public_key().clone()], None).unwrap();
        let issued = issue::issue_with_status(&issuer, &input, today, StatusRef::new(idx[1])).unwrap();
        assert_eq!(verify::verify(&issued.token, &plain, now).status, Status::Valid);
    }

    #[test]
    fn bad_revoked_indices_refuse_the_list_with_their_code() {
        let root = SecretKey::from_seed(&[9u8; 32]);
        let issuer = SecretKey::from_seed(&[8u8; 32]);
        let body: TrustListBody = serde_json::from_str(&list(&issuer)).unwrap();
        let load = |capacity: Option<u32>, indices: Option<String>| {
            let mut body = body.clone();
            body.issuers[0].status_capacity = capacity;
            body.issuers[0].revoked_indices = indices;
            let json = serde_json::to_string_pretty(&body).unwrap();
            let signed = signed_as_is(&root, &json);
            let loaded = TrustList::load(signed.as_bytes(), &[root.public_key().clone()], None);
            assert_eq!(sign_list(&root, &json).err(), loaded.clone().err(), "sign_list refuses what load refuses");
            loaded.map(|_| ()).map_err(|e| e.code())
        };
        let good = RevokedSet::from_sorted(&[1, 5, 9], 10).unwrap().encode();
        assert_eq!(load(Some(10), Some(good.clone())), Ok(()));
        assert_eq!(load(Some(10), None), Ok(()));
        assert_eq!(load(None, Some(good.clone())), Err("trust-list-entry-status-capacity"));
        assert_eq!(load(Some(0), None), Err("trust-list-entry-status-capacity"));
        assert_eq!(load(Some(9), Some(good.clone())), Err("trust-list-indices-out-of-range"));
        assert_eq!(load(Some(10), Some(format!("{good}A"))), Err("trust-list-indices-encoding"));
        let bytes = b64::decode(&good).unwrap();
        assert_eq!(load(Some(10), Some(b64::encode(&bytes[..bytes.len() - 1]))), Err("trust-list-indices-truncated"));
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(load(Some(10), Some(b64::encode(&longer))), Err("trust-list-indices-trailing-bits"));
    }

    #[test]
    fn a_list_loaded_deferred_refuses_only_the_certificates_of_a_badly_coded_set() {
        use crate::status_list::{status_index, StatusRef};
        use crate::{issue, verify, CheckName, Status};
        let root = SecretKey::from_seed(&[9u8; 32]);
        let (bad, good) = (SecretKey::from_seed(&[8u8; 32]), SecretKey::from_seed(&[7u8; 32]));
        let capacity = 1000;
        let mut body: TrustListBody = serde_json::from_str(&list(&bad)).unwrap();
        let mut other = body.issuers[0].clone();
        other.key_id = good.key_id().to_string();
        other.public_key = good.public_key().to_base64();
        body.issuers.push(other);
        for e in &mut body.issuers {
            e.status_capacity = Some(capacity);
        }
        // Key `bad`'s set codes the index 1000, outside its space: only decoding shows it.
        body.issuers[0].revoked_indices = Some(RevokedSet::from_sorted(&[3, 1000], capacity + 1).unwrap().encode());
        let revoked = status_index(&good, 1, capacity).unwrap();
        body.issuers[1].revoked_indices = Some(RevokedSet::from_sorted(&[revoked], capacity).unwrap().encode());
        let sign = |body: &TrustListBody| signed_as_is(&root, &serde_json::to_string_pretty(body).unwrap());
        let signed = sign(&body);
        let roots = [root.public_key().clone()];
        let whole = TrustList::load(signed.as_bytes(), &roots, None).map(|_| ()).map_err(|e| e.code());
        assert_eq!(whole, Err("trust-list-indices-out-of-range"));
        let trust = TrustList::load_deferred(signed.as_bytes(), &roots, None).unwrap();

        let mut input = crate::doc_example_input();
        input.school_year = "2026-2027".into();
        let (today, now) = (Date::parse("2026-09-15").unwrap(), parse_rfc3339("2026-09-20T09:00:00Z").unwrap());
        let verdict = |key: &SecretKey, ordinal: Option<u64>| {
            let issued = match ordinal {
                Some(o) => {
                    let idx = status_index(key, o, capacity).unwrap();
                    issue::issue_with_status(key, &input, today, StatusRef::new(idx)).unwrap()
                }
                None => issue::issue(key, &input, today).unwrap(),
            };
            let report = verify::verify(&issued.token, &trust, now);
            let code = report.check(CheckName::Revocation).and_then(|c| c.code).map(crate::Code::as_str);
            (report.status, code, report.certificate.is_some())
        };
        // The badly coded set's key: refused with the code `load` refuses the list with, its fields not shown.
        let refused = (Status::TrustListInvalid, Some("trust-list-indices-out-of-range"), false);
        assert_eq!(verdict(&bad, Some(0)), refused);
        assert_eq!(verdict(&bad, Some(1)), refused);
        // Without a status claim, its set is not looked up.
        assert_eq!(verdict(&bad, None), (Status::Valid, None, true));
        // The other key's certificates: verified, its revocation read.
        assert_eq!(verdict(&good, Some(0)), (Status::Valid, None, true));
        assert_eq!(verdict(&good, Some(1)), (Status::Revoked, Some("status-revoked"), true));
        // Revoked by its serial: `revoked`, its set not needed.
        let mut by_serial = body.clone();
        by_serial.revoked_serials = vec!["REV-1".into()];
        let mut input = input.clone();
        input.serial = Some("REV-1".into());
        let trust = TrustList::load_deferred(sign(&by_serial).as_bytes(), &roots, None).unwrap();
        let idx = status_index(&bad, 0, capacity).unwrap();
        let issued = issue::issue_with_status(&bad, &input, today, StatusRef::new(idx)).unwrap();
        let report = verify::verify(&issued.token, &trust, now);
        let code = report.check(CheckName::Revocation).and_then(|c| c.code).map(crate::Code::as_str);
        assert_eq!((report.status, code), (Status::Revoked, Some("serial-revoked")));
        // Faults the length and header show refuse the list at load, deferred or not.
        body.issuers[0].revoked_indices = Some("AAAA".into());
        let signed = sign(&body);
        let deferred = TrustList::load_deferred(signed.as_bytes(), &roots, None).map(|_| ()).map_err(|e| e.code());
        assert_eq!(deferred, Err("trust-list-indices-encoding"));
    }

    #[test]
    fn sign_list_refuses_a_list_too_large_for_verifiers() {
        let root = SecretKey::from_seed(&[9u8; 32]);
        let issuer = SecretKey::from_seed(&[8u8; 32]);
        let mut body: TrustListBody = serde_json::from_str(&list(&issuer)).unwrap();
        // About 32 bytes a serial: a million serials is just below the limit, 1.1 million above.
        body.revoked_serials = (0..1_100_000).map(|n| format!("PAR-2025-{n:09}-padding-x")).collect();
        let json = serde_json::to_string(&body).unwrap();
        assert!(json.len() > MAX_SIZE);
        assert_eq!(sign_list(&root, &json), Err(TrustError::TooLarge));
        body.revoked_serials.truncate(900_000);
        let json = serde_json::to_string(&body).unwrap();
        let signed = sign_list(&root, &json).unwrap();
        assert!(signed.len() <= MAX_SIZE);
        assert!(TrustList::load(signed.as_bytes(), &[root.public_key().clone()], None).is_ok());
    }

    #[test]
    fn freshness_has_a_grace_period() {
        let root = SecretKey::from_seed(&[9u8; 32]);
        let issuer = SecretKey::from_seed(&[8u8; 32]);
        let signed = sign_list(&root, &list(&issuer)).unwrap();
        let trust = TrustList::load(signed.as_bytes(), &[root.public_key().clone()], None).unwrap();
        let next = trust.next_update();
        assert_eq!(trust.freshness(next - 1), Freshness::Fresh);
        assert_eq!(trust.freshness(next), Freshness::Stale);
        assert_eq!(trust.freshness(next + GRACE_SECONDS - 1), Freshness::Stale);
        assert_eq!(trust.freshness(next + GRACE_SECONDS), Freshness::Expired);
    }

    #[test]
    fn a_compromised_key_vouches_only_for_its_allow_list() {
        use crate::status_list::AllowList;
        use crate::{envelope, issue, text, verify, Status};
        let root = SecretKey::from_seed(&[9u8; 32]);
        let issuer = SecretKey::from_seed(&[8u8; 32]);
        let mut input = crate::doc_example_input();
        input.school_year = "2026-2027".into();
        let today = Date::parse("2026-09-15").unwrap();
        let honest: Vec<String> = (0..5)
            .map(|n| {
                input.serial = Some(format!("PAR-2026-{n:06}"));
                issue::issue(&issuer, &input, today).unwrap().token
            })
            .collect();
        input.serial = Some("PAR-2026-FORGED".into());
        let forged = issue::issue(&issuer, &input, today).unwrap().token;
        let payloads: Vec<Vec<u8>> =
            honest.iter().map(|t| envelope::open(&text::decode(t).unwrap()).unwrap().payload.to_vec()).collect();
        let allow = AllowList::from_payloads(payloads.iter().map(Vec::as_slice), 32).unwrap();
        let mut body: TrustListBody = serde_json::from_str(&list(&issuer)).unwrap();
        body.issuers[0].status = KeyStatus::Compromised;
        let signed = |body: &TrustListBody| sign_list(&root, &serde_json::to_string_pretty(body).unwrap());
        assert_eq!(
            signed(&body).unwrap_err().code(),
            "trust-list-entry-allowed-payloads",
            "compromised needs its allow-list"
        );
        body.issuers[0].allowed_payloads = Some(allow.encode());
        let trust = TrustList::load(signed(&body).unwrap().as_bytes(), &[root.public_key().clone()], None).unwrap();
        let now = parse_rfc3339("2026-09-20T09:00:00Z").unwrap();
        for t in &honest {
            assert_eq!(verify::verify(t, &trust, now).status, Status::Valid);
        }
        let report = verify::verify(&forged, &trust, now);
        assert_eq!(report.status, Status::Revoked);
        assert_eq!(
            report.check(crate::CheckName::Revocation).and_then(|c| c.code).map(crate::Code::as_str),
            Some("issuer-key-compromised")
        );
        // An allow-list on a key that is not compromised, or one that does not decode.
        let mut active = body.clone();
        active.issuers[0].status = KeyStatus::Active;
        assert_eq!(signed(&active).unwrap_err().code(), "trust-list-entry-allowed-payloads");
        body.issuers[0].allowed_payloads = Some("AAAAAAA".into());
        assert_eq!(signed(&body).unwrap_err().code(), "trust-list-allow-list");
    }

    #[test]
    fn the_status_key_is_checked_and_has_one_role() {
        let root = SecretKey::from_seed(&[9u8; 32]);
        let issuer = SecretKey::from_seed(&[8u8; 32]);
        let status = SecretKey::from_seed(&[6u8; 32]);
        let mut body: TrustListBody = serde_json::from_str(&list(&issuer)).unwrap();
        let entry = |k: &SecretKey| StatusKeyEntry {
            key_id: k.key_id().to_string(),
            public_key: k.public_key().to_base64(),
            expires: "2026-10-15T00:00:00Z".into(),
        };
        let code = |body: &TrustListBody| {
            let json = serde_json::to_string_pretty(body).unwrap();
            assert_eq!(TrustListBody::from_json(json.as_bytes()).ok().as_ref(), Some(body), "read by hand as by serde");
            sign_list(&root, &json).map(|s| {
                let t = TrustList::load(s.as_bytes(), &[root.public_key().clone()], None).unwrap();
                t.status_key().map(|k| k.key.key_id())
            })
        };
        assert_eq!(code(&body), Ok(None));
        body.status_key = Some(entry(&status));
        assert_eq!(code(&body), Ok(Some(status.key_id())));
        for bad in [entry(&root), entry(&issuer)] {
            body.status_key = Some(bad);
            assert_eq!(code(&body).unwrap_err().code(), "trust-list-entry-status-key-role");
        }
        body.status_key = Some(StatusKeyEntry { expires: "tomorrow".into(), ..entry(&status) });
        assert_eq!(code(&body).unwrap_err().code(), "trust-list-entry-time");
        body.status_key = Some(StatusKeyEntry { key_id: issuer.key_id().to_string(), ..entry(&status) });
        assert_eq!(code(&body).unwrap_err().code(), "trust-list-entry-key-id");
    }
}
