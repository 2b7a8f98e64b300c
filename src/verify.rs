//! `verify(text, trust list, now) → Report`: one result per check and one
//! overall status.
//!
//! The checks run in the order of [`CheckName::ALL`]; a check that cannot
//! run because an earlier one failed is reported `not-run`. The payload's
//! claims are decoded before the signature is checked (FORMAT.md, "Order of
//! the checks"): the decoder is bounded whoever made the bytes, and nothing
//! it read is shown unless the signature then verifies. The certificate's
//! fields are returned only when its signature verified under a key of a
//! usable trust list; the issuer's name always comes from that list, never
//! from the payload.

use crate::certificate::{decode_claims, Body, Certificate, ClaimsError};
use crate::code::Code;
use crate::envelope::{self, EnvelopeError};
use crate::json::Writer;
use crate::keys::KeyId;
use crate::profile::Profile;
use crate::status::{CheckName, Outcome, Status};
use crate::text::{self, TextError};
use crate::time::{format_rfc3339, Timestamp};
use crate::trust::{Freshness, Issuer, KeyStatus, TrustError, TrustList};
use serde::Serialize;

/// How far the verifier's clock may be off: 5 minutes either way, granted
/// at the start and at the end of the validity window.
pub const CLOCK_SKEW_SECONDS: i64 = 300;

/// The result of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Check {
    /// Which check.
    pub check: CheckName,
    /// Its outcome.
    pub outcome: Outcome,
    /// Why it failed or warned, if it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<Code>,
    /// The status this failure gives, if it failed.
    #[serde(skip)]
    pub status: Option<Status>,
}

/// The issuer, as the trust list names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IssuerInfo {
    /// Name from the trust list.
    pub name: String,
    /// Key id of the signing key.
    pub key_id: KeyId,
}

/// The trust list used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrustListInfo {
    /// Its sequence number.
    pub sequence: u64,
    /// When it was signed (RFC 3339).
    pub issued_at: String,
    /// When a newer one is due (RFC 3339).
    pub next_update: String,
}

impl TrustListInfo {
    /// The sequence and dates of a loaded trust list.
    pub fn of(trust: &TrustList) -> TrustListInfo {
        TrustListInfo {
            sequence: trust.sequence(),
            issued_at: format_rfc3339(trust.issued_at()),
            next_update: format_rfc3339(trust.next_update()),
        }
    }
}

/// Everything a verification found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The verdict.
    pub status: Status,
    /// One result per check, in [`CheckName::ALL`] order.
    pub checks: Vec<Check>,
    /// The signed fields, when the signature verified under a trusted key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate: Option<Certificate>,
    /// The signing issuer, from the trust list, when the key is in it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer: Option<IssuerInfo>,
    /// The trust list used, when one was loaded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trust_list: Option<TrustListInfo>,
}

impl Report {
    /// The report for any certificate when the trust list itself was refused.
    pub fn trust_list_invalid(err: &TrustError) -> Report {
        let mut checks = Checks::new();
        checks.fail(CheckName::TrustList, err.as_code(), Status::TrustListInvalid);
        checks.into_report(None, None, None)
    }

    /// The result of one check.
    pub fn check(&self, name: CheckName) -> Option<&Check> {
        self.checks.iter().find(|c| c.check == name)
    }

    /// The report as compact JSON: the very text `serde_json::to_string`
    /// gives of it (tests/report_json.rs holds them to that), written by hand
    /// so that the wasm carries no JSON library, except that the characters
    /// lines and scripts break at are escaped ([`crate::json::write_string`]):
    /// the text is always one line. The same as
    /// [`Report::to_json_for`] with [`Profile::Full`].
    pub fn to_json(&self) -> String {
        self.to_json_for(Profile::Full)
    }

    /// The report as compact JSON for a purpose: the certificate holds only
    /// the profile's fields ([`Profile::fields`]), and a profile other than
    /// `full` adds `"profile":"<name>"` after the other members.
    pub fn to_json_for(&self, profile: Profile) -> String {
        let mut w = Writer::new();
        w.begin_object();
        self.write_members_for(&mut w, profile);
        w.end_object();
        w.finish()
    }

    /// Writes the report's members into an object the caller opened (the
    /// CLI puts its own member first).
    pub fn write_members(&self, w: &mut Writer) {
        self.write_members_for(w, Profile::Full);
    }

    /// [`Report::write_members`] for a purpose (see [`Report::to_json_for`]).
    pub fn write_members_for(&self, w: &mut Writer, profile: Profile) {
        w.member_str("status", self.status.code());
        w.key("checks");
        w.begin_array();
        for c in &self.checks {
            w.begin_object();
            w.member_str("check", c.check.code());
            w.member_str("outcome", c.outcome.code());
            if let Some(code) = c.code {
                w.member_str("code", code.as_str());
            }
            w.end_object();
        }
        w.end_array();
        if let Some(cert) = &self.certificate {
            w.key("certificate");
            write_certificate(w, cert, profile);
        }
        if let Some(issuer) = &self.issuer {
            w.key("issuer");
            w.begin_object();
            w.member_str("name", &issuer.name);
            w.member_str("key_id", &issuer.key_id.to_string());
            w.end_object();
        }
        if let Some(list) = &self.trust_list {
            w.key("trust_list");
            list.write_json(w);
        }
        if profile != Profile::Full {
            w.member_str("profile", profile.name());
        }
    }
}

impl TrustListInfo {
    /// Writes `{"sequence":…,"issued_at":…,"next_update":…}`.
    pub fn write_json(&self, w: &mut Writer) {
        w.begin_object();
        w.key("sequence");
        w.u64(self.sequence);
        w.member_str("issued_at", &self.issued_at);
        w.member_str("next_update", &self.next_update);
        w.end_object();
    }
}

/// A certificate as its serde derives write it: the common fields, then the
/// kind's tag and fields (`#[serde(flatten)]` of an internally tagged enum);
/// only the fields `profile` allows, the others never formatted.
fn write_certificate(w: &mut Writer, cert: &Certificate, profile: Profile) {
    let mut w = ProfileWriter { w, profile };
    w.w.begin_object();
    w.str("serial", &cert.serial);
    w.with("issued_on", || cert.issued_on.to_string());
    w.str("academie", &cert.academie);
    w.with("valid_from", || format_rfc3339(cert.valid_from));
    w.with("valid_until", || format_rfc3339(cert.valid_until));
    w.str("kind", cert.kind().name());
    match &cert.body {
        Body::CertificatDeScolarite(c) => {
            w.str("family_name", &c.family_name);
            w.str("given_names", &c.given_names);
            w.with("birth_date", || c.birth_date.to_string());
            w.str("school_uai", &c.school_uai);
            w.str("school_name", &c.school_name);
            w.str("school_town", &c.school_town);
            w.with("school_year", || c.school_year.to_string());
            w.str("level", c.level.label());
            if let Some(regime) = c.regime {
                w.str("regime", regime.name());
            }
        }
    }
    w.w.end_object();
}

/// Writes a certificate's members that a profile allows; the others are not
/// even formatted.
struct ProfileWriter<'a> {
    w: &'a mut Writer,
    profile: Profile,
}

impl ProfileWriter<'_> {
    fn str(&mut self, key: &str, value: &str) {
        if self.profile.allows(key) {
            self.w.member_str(key, value);
        }
    }

    fn with(&mut self, key: &str, value: impl FnOnce() -> String) {
        if self.profile.allows(key) {
            self.w.member_str(key, &value());
        }
    }
}

struct Checks([Check; 8]);

impl Checks {
    fn new() -> Checks {
        Checks(CheckName::ALL.map(|check| Check { check, outcome: Outcome::NotRun, code: None, status: None }))
    }

    fn set(&mut self, name: CheckName, outcome: Outcome, code: Option<Code>, status: Option<Status>) {
        if let Some(c) = self.0.iter_mut().find(|c| c.check == name) {
            *c = Check { check: name, outcome, code, status };
        }
    }

    fn pass(&mut self, name: CheckName) {
        self.set(name, Outcome::Pass, None, None);
    }

    fn fail(&mut self, name: CheckName, code: Code, status: Status) {
        self.set(name, Outcome::Fail, Some(code), Some(status));
    }

    fn into_report(
        self,
        certificate: Option<Certificate>,
        issuer: Option<IssuerInfo>,
        trust_list: Option<TrustListInfo>,
    ) -> Report {
        let failed: Vec<Status> = self.0.iter().filter_map(|c| c.status).collect();
        let status = Status::PRECEDENCE.into_iter().find(|s| failed.contains(s)).unwrap_or(Status::Valid);
        Report { status, checks: self.0.to_vec(), certificate, issuer, trust_list }
    }
}

/// A text that is not a token: its version is unknown (`unsupported-version`)
/// or it is not a token at all (`malformed`, and the version is not run).
fn malformed_text(e: TextError, checks: &mut Checks) {
    match e {
        TextError::UnsupportedVersion(_) => checks.fail(CheckName::Version, e.as_code(), Status::UnsupportedVersion),
        _ => checks.fail(CheckName::Decoding, e.as_code(), Status::Malformed),
    }
}

/// The revocation code a certificate's status claim gives under its key's
/// entry, if any (TRUST.md, "Status by index"). Without a claim, or without
/// a `status_capacity` for the key, the status claim says nothing and only
/// the key and the serial are checked. An index outside the key's space
/// cannot be cleared: it is refused as revoked.
///
/// The status documents applied to the list (src/status_doc.rs) add their
/// revoked indices to the list's own. The key's set, from a list loaded by
/// [`TrustList::load_deferred`], is decoded at this first look-up: found
/// badly coded, the revocation cannot be checked, and the verdict is the
/// one [`TrustList::load`] gives the whole list (`trust-list-invalid`, the
/// set's code on this check).
fn status_revocation(certificate: &Certificate, issuer: &Issuer, trust: &TrustList) -> Option<(Code, Status)> {
    let (status, coded) = (certificate.status.as_ref()?, issuer.status_list.as_ref()?);
    let set = match coded.get() {
        Ok(set) => set,
        Err(e) => return Some((e.trust_as_code(), Status::TrustListInvalid)),
    };
    match u32::try_from(status.idx) {
        Ok(idx) if idx < set.capacity() => (set.contains(idx) || trust.status_revoked(issuer.key.key_id(), idx))
            .then_some((Code::StatusRevoked, Status::Revoked)),
        _ => Some((Code::StatusIndexOutOfRange, Status::Revoked)),
    }
}

/// Why the status state held says nothing of a certificate whose status
/// claim its key's entry reads (a `status_capacity`), if it does not: a
/// state from a scoped full document of another key (`status-out-of-scope`),
/// or one whose set for this key, decoded at this first look-up, is badly
/// coded (`status-indices`: StatusDocument::load_deferred). The documents'
/// revocations of this certificate are then unknown.
fn status_unknown(certificate: &Certificate, issuer: &Issuer, trust: &TrustList) -> Option<Code> {
    let state = trust.status().filter(|_| certificate.status.is_some() && issuer.status_list.is_some())?;
    let kid = issuer.key.key_id();
    if !state.covers(kid) {
        return Some(Code::StatusOutOfScope);
    }
    state.unreadable(kid).map(|_| Code::StatusIndices)
}

/// The `trust-list` check of every verification with `trust` at `now`: its
/// freshness (TRUST.md, "Freshness"), and the status documents applied.
pub fn trust_list_check(trust: &TrustList, now: Timestamp) -> Check {
    let (outcome, code, status) = match trust.freshness(now) {
        // Status documents past their expiry are still applied (their
        // revocations are never dropped), with a warning: a newer one is due.
        Freshness::Fresh if trust.status().is_some_and(|s| now >= s.expires()) => {
            (Outcome::Warn, Some(Code::StatusStale), None)
        }
        Freshness::Fresh => (Outcome::Pass, None, None),
        Freshness::Stale => (Outcome::Warn, Some(Code::TrustListStale), None),
        Freshness::Expired => (Outcome::Fail, Some(Code::TrustListExpired), Some(Status::TrustListExpired)),
    };
    Check { check: CheckName::TrustList, outcome, code, status }
}

/// Verifies a certificate's text (token or URL) against a trust list at `now`
/// (Unix seconds).
///
/// ```
/// use cachet::{issue, keys::SecretKey, time::{parse_rfc3339, Date}, trust, verify, Status};
/// # let root = SecretKey::from_seed(&[1; 32]);
/// # let key = SecretKey::from_seed(&[2; 32]);
/// # let list = cachet::doc_example_list(&key);
/// let signed = trust::sign_list(&root, &list).unwrap();
/// let trust = trust::TrustList::load(signed.as_bytes(), &[root.public_key().clone()], None).unwrap();
/// let input = cachet::doc_example_input();
/// let issued = issue::issue(&key, &input, Date::parse("2025-09-15").unwrap()).unwrap();
/// let report = verify::verify(&issued.token, &trust, parse_rfc3339("2025-10-01T09:00:00Z").unwrap());
/// assert_eq!(report.status, Status::Valid);
/// assert_eq!(report.issuer.unwrap().name, "Académie de Paris");
/// ```
pub fn verify(text: &str, trust: &TrustList, now: Timestamp) -> Report {
    let mut checks = Checks::new();
    let trust_info = TrustListInfo::of(trust);
    let trust_check = trust_list_check(trust, now);
    let trust_usable = trust_check.outcome != Outcome::Fail;
    checks.set(CheckName::TrustList, trust_check.outcome, trust_check.code, trust_check.status);
    let report = |checks: Checks, cert, issuer| checks.into_report(cert, issuer, Some(trust_info.clone()));

    // Transport: text → COSE bytes; then the envelope and the claims.
    let cose = match text::decode(text) {
        Ok(bytes) => bytes,
        Err(e) => {
            malformed_text(e, &mut checks);
            return report(checks, None, None);
        }
    };
    let env = match envelope::open(&cose) {
        Ok(env) => env,
        Err(e) => {
            checks.pass(CheckName::Version);
            checks.fail(CheckName::Decoding, EnvelopeError::as_code(e), Status::Malformed);
            return report(checks, None, None);
        }
    };
    let certificate = match decode_claims(env.payload) {
        Ok(c) => c,
        Err(e @ ClaimsError::UnknownKind(_)) => {
            checks.pass(CheckName::Decoding);
            checks.fail(CheckName::Version, e.as_code(), Status::UnsupportedVersion);
            return report(checks, None, None);
        }
        Err(e) => {
            checks.pass(CheckName::Version);
            checks.fail(CheckName::Decoding, e.as_code(), Status::Malformed);
            return report(checks, None, None);
        }
    };
    checks.pass(CheckName::Decoding);
    checks.pass(CheckName::Version);

    // Trust: the key, then the signature over the exact received bytes.
    let Some(issuer) = trust.issuer(env.kid) else {
        checks.fail(CheckName::Issuer, Code::KidNotInTrustList, Status::UnknownIssuer);
        return report(checks, None, None);
    };
    checks.pass(CheckName::Issuer);
    let issuer_info = IssuerInfo { name: issuer.name.clone(), key_id: env.kid };
    let input = envelope::signing_input(env.protected, env.payload);
    if let Err(e) = issuer.key.verify(&input, env.signature) {
        checks.fail(CheckName::Signature, e.as_code(), Status::InvalidSignature);
        return report(checks, None, Some(issuer_info));
    }
    checks.pass(CheckName::Signature);

    // The key's limits, revocation and the validity window.
    let kind = certificate.kind();
    if !issuer.kinds.contains(&kind) {
        checks.fail(CheckName::IssuerKey, Code::KeyNotAllowedForKind, Status::IssuerKeyNotValid);
    } else if certificate.issued_on < issuer.valid_from || certificate.issued_on > issuer.valid_until {
        checks.fail(CheckName::IssuerKey, Code::KeyNotValidAtIssueDate, Status::IssuerKeyNotValid);
    } else {
        checks.pass(CheckName::IssuerKey);
    }
    let compromised = issuer.status == KeyStatus::Compromised;
    if issuer.status == KeyStatus::Revoked {
        checks.fail(CheckName::Revocation, Code::IssuerKeyRevoked, Status::Revoked);
    } else if compromised && !issuer.allowed.as_ref().is_some_and(|a| a.allows(env.payload)) {
        // A stolen key signs what it likes: only what it signed before the
        // theft, listed by the root, is still its issuer's.
        checks.fail(CheckName::Revocation, Code::IssuerKeyCompromised, Status::Revoked);
    } else if trust.is_revoked(&certificate.serial) {
        checks.fail(CheckName::Revocation, Code::SerialRevoked, Status::Revoked);
    } else if let Some((code, status)) = status_revocation(&certificate, issuer, trust) {
        checks.fail(CheckName::Revocation, code, status);
    } else {
        checks.pass(CheckName::Revocation);
    }
    if let Some(code) = status_unknown(&certificate, issuer, trust)
        .filter(|_| trust_check.outcome == Outcome::Pass || trust_check.code == Some(Code::StatusStale))
    {
        // What the status documents say of this key is unknown: the verdict
        // is the list's, with a warning (before `status-stale`, after
        // `trust-list-stale`: TRUST.md, "Scoped full documents").
        checks.set(CheckName::TrustList, Outcome::Warn, Some(code), None);
    }
    let issued_at = certificate.issued_on.paris_midnight();
    if now.saturating_add(CLOCK_SKEW_SECONDS) < certificate.valid_from {
        checks.fail(CheckName::Validity, Code::BeforeSchoolYear, Status::NotYetValid);
    } else if now.saturating_add(CLOCK_SKEW_SECONDS) < issued_at {
        checks.fail(CheckName::Validity, Code::IssuedInTheFuture, Status::NotYetValid);
    } else if now.saturating_sub(CLOCK_SKEW_SECONDS) >= certificate.valid_until {
        checks.fail(CheckName::Validity, Code::AfterSchoolYear, Status::Expired);
    } else {
        checks.pass(CheckName::Validity);
    }
    // The fields only with a usable list: not an expired one, nor one whose
    // set for this key, loaded deferred, is unreadable.
    let unreadable = checks.0.iter().any(|c| c.status == Some(Status::TrustListInvalid));
    let certificate = (trust_usable && !unreadable).then_some(certificate);
    report(checks, certificate, Some(issuer_info))
}
