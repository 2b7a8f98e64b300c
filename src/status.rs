//! The status vocabulary, the checks, and their sentences in French and
//! English. The codes are stable: the CLI, the wasm API and the page use
//! them unchanged, and make sentences from them at the edge.

use serde::Serialize;
use std::fmt;

/// The overall verdict of a verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Every check passed.
    Valid,
    /// Not a certificate: bad text, base64, CBOR or fields.
    Malformed,
    /// A format version or document kind this verifier does not read.
    UnsupportedVersion,
    /// Signed by a key that is not in the trust list.
    UnknownIssuer,
    /// The signature does not verify: tampered or forged.
    InvalidSignature,
    /// The key was not allowed to sign this kind, or not at its issue date.
    IssuerKeyNotValid,
    /// The certificate or its issuer key is revoked.
    Revoked,
    /// Before its school year (or issued in the future).
    NotYetValid,
    /// After its school year.
    Expired,
    /// The trust list's signature, content or sequence is refused.
    TrustListInvalid,
    /// The trust list is past its next update and grace period.
    TrustListExpired,
}

impl Status {
    /// Every status, in order of precedence: when several checks fail, the
    /// first of these that applies is the verdict.
    pub const PRECEDENCE: [Status; 11] = [
        Status::TrustListInvalid,
        Status::TrustListExpired,
        Status::Malformed,
        Status::UnsupportedVersion,
        Status::UnknownIssuer,
        Status::InvalidSignature,
        Status::IssuerKeyNotValid,
        Status::Revoked,
        Status::NotYetValid,
        Status::Expired,
        Status::Valid,
    ];

    /// The stable code (`valid`, `malformed`…).
    pub fn code(self) -> &'static str {
        match self {
            Status::Valid => "valid",
            Status::Malformed => "malformed",
            Status::UnsupportedVersion => "unsupported-version",
            Status::UnknownIssuer => "unknown-issuer",
            Status::InvalidSignature => "invalid-signature",
            Status::IssuerKeyNotValid => "issuer-key-not-valid",
            Status::Revoked => "revoked",
            Status::NotYetValid => "not-yet-valid",
            Status::Expired => "expired",
            Status::TrustListInvalid => "trust-list-invalid",
            Status::TrustListExpired => "trust-list-expired",
        }
    }

    /// The status of a code.
    pub fn from_code(code: &str) -> Option<Status> {
        Status::PRECEDENCE.into_iter().find(|s| s.code() == code)
    }

    /// A short headline for the reader.
    pub fn title(self, lang: Lang) -> &'static str {
        use Lang::*;
        match (self, lang) {
            (Status::Valid, Fr) => "Certificat valide",
            (Status::Valid, En) => "Valid certificate",
            (Status::Malformed, Fr) => "Ce n'est pas un certificat lisible",
            (Status::Malformed, En) => "Not a readable certificate",
            (Status::UnsupportedVersion, Fr) => "Version non prise en charge",
            (Status::UnsupportedVersion, En) => "Unsupported version",
            (Status::UnknownIssuer, Fr) => "Émetteur inconnu",
            (Status::UnknownIssuer, En) => "Unknown issuer",
            (Status::InvalidSignature, Fr) => "Signature invalide",
            (Status::InvalidSignature, En) => "Invalid signature",
            (Status::IssuerKeyNotValid, Fr) => "Clé de l'émetteur non valide",
            (Status::IssuerKeyNotValid, En) => "Issuer key not valid",
            (Status::Revoked, Fr) => "Certificat révoqué",
            (Status::Revoked, En) => "Certificate revoked",
            (Status::NotYetValid, Fr) => "Pas encore valide",
            (Status::NotYetValid, En) => "Not yet valid",
            (Status::Expired, Fr) => "Certificat expiré",
            (Status::Expired, En) => "Certificate expired",
            (Status::TrustListInvalid, Fr) => "Liste de confiance invalide",
            (Status::TrustListInvalid, En) => "Trust list invalid",
            (Status::TrustListExpired, Fr) => "Liste de confiance périmée",
            (Status::TrustListExpired, En) => "Trust list out of date",
        }
    }

    /// The reason, in plain language.
    pub fn reason(self, lang: Lang) -> &'static str {
        use Lang::*;
        match (self, lang) {
            (Status::Valid, Fr) => "La signature est authentique, l'émetteur est reconnu et le certificat est en cours de validité. Comparez les informations avec une pièce d'identité.",
            (Status::Valid, En) => "The signature is genuine, the issuer is trusted and the certificate is within its validity. Compare the details with an identity document.",
            (Status::Malformed, Fr) => "Le texte ou le code QR ne contient pas un certificat Cachet complet et correct.",
            (Status::Malformed, En) => "The text or QR code does not hold a complete and correct Cachet certificate.",
            (Status::UnsupportedVersion, Fr) => "Ce certificat utilise un format plus récent que ce vérificateur. Mettez le vérificateur à jour.",
            (Status::UnsupportedVersion, En) => "This certificate uses a newer format than this verifier. Update the verifier.",
            (Status::UnknownIssuer, Fr) => "Le certificat est signé par une clé qui ne figure pas dans la liste de confiance.",
            (Status::UnknownIssuer, En) => "The certificate is signed by a key that is not in the trust list.",
            (Status::InvalidSignature, Fr) => "La signature ne correspond pas au contenu : le certificat a été modifié ou falsifié.",
            (Status::InvalidSignature, En) => "The signature does not match the content: the certificate was altered or forged.",
            (Status::IssuerKeyNotValid, Fr) => "La clé de l'émetteur n'était pas autorisée à signer ce document à sa date d'émission.",
            (Status::IssuerKeyNotValid, En) => "The issuer's key was not allowed to sign this document on its issue date.",
            (Status::Revoked, Fr) => "Ce certificat, ou la clé qui l'a signé, a été révoqué par l'émetteur.",
            (Status::Revoked, En) => "This certificate, or the key that signed it, was revoked by the issuer.",
            (Status::NotYetValid, Fr) => "Le certificat n'est pas encore valide : son année scolaire n'a pas commencé.",
            (Status::NotYetValid, En) => "The certificate is not valid yet: its school year has not begun.",
            (Status::Expired, Fr) => "Le certificat n'est plus valide : son année scolaire est terminée.",
            (Status::Expired, En) => "The certificate is no longer valid: its school year is over.",
            (Status::TrustListInvalid, Fr) => "La liste de confiance n'a pas pu être authentifiée ; aucun certificat ne peut être vérifié.",
            (Status::TrustListInvalid, En) => "The trust list could not be authenticated; no certificate can be verified.",
            (Status::TrustListExpired, Fr) => "La liste de confiance est trop ancienne. Connectez-vous pour la mettre à jour.",
            (Status::TrustListExpired, En) => "The trust list is too old. Go online to update it.",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The language of sentences for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// French, the default.
    #[default]
    Fr,
    /// English.
    En,
}

impl Lang {
    /// French unless the locale (`LANG`-style, `en_GB.UTF-8`, `en-US`…) says otherwise.
    pub fn from_locale(locale: &str) -> Lang {
        let l = locale.trim().to_ascii_lowercase();
        if l.starts_with("en") {
            Lang::En
        } else {
            Lang::Fr
        }
    }
}

/// The checks a verification makes, in the order they are reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckName {
    /// The trust list is fresh enough.
    TrustList,
    /// The text, base64url, COSE envelope and claims decode.
    Decoding,
    /// The format version and document kind are known.
    Version,
    /// The signing key is in the trust list.
    Issuer,
    /// The signature verifies.
    Signature,
    /// The key may sign this kind on this issue date.
    IssuerKey,
    /// Neither the certificate nor its key is revoked.
    Revocation,
    /// `now` is within the validity window, allowing the clock skew.
    Validity,
}

impl CheckName {
    /// Every check, in report order.
    pub const ALL: [CheckName; 8] = [
        CheckName::TrustList,
        CheckName::Decoding,
        CheckName::Version,
        CheckName::Issuer,
        CheckName::Signature,
        CheckName::IssuerKey,
        CheckName::Revocation,
        CheckName::Validity,
    ];

    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            CheckName::TrustList => "trust-list",
            CheckName::Decoding => "decoding",
            CheckName::Version => "version",
            CheckName::Issuer => "issuer",
            CheckName::Signature => "signature",
            CheckName::IssuerKey => "issuer-key",
            CheckName::Revocation => "revocation",
            CheckName::Validity => "validity",
        }
    }

    /// What the check establishes, for people.
    pub fn label(self, lang: Lang) -> &'static str {
        use Lang::*;
        match (self, lang) {
            (CheckName::TrustList, Fr) => "Liste de confiance à jour",
            (CheckName::TrustList, En) => "Trust list up to date",
            (CheckName::Decoding, Fr) => "Lecture du certificat",
            (CheckName::Decoding, En) => "Certificate readable",
            (CheckName::Version, Fr) => "Version du format",
            (CheckName::Version, En) => "Format version",
            (CheckName::Issuer, Fr) => "Émetteur reconnu",
            (CheckName::Issuer, En) => "Issuer known",
            (CheckName::Signature, Fr) => "Signature authentique",
            (CheckName::Signature, En) => "Signature genuine",
            (CheckName::IssuerKey, Fr) => "Clé autorisée à cette date",
            (CheckName::IssuerKey, En) => "Key allowed on that date",
            (CheckName::Revocation, Fr) => "Non révoqué",
            (CheckName::Revocation, En) => "Not revoked",
            (CheckName::Validity, Fr) => "Période de validité",
            (CheckName::Validity, En) => "Validity period",
        }
    }
}

/// The result of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Passed.
    Pass,
    /// Passed with a warning (a stale trust list).
    Warn,
    /// Failed.
    Fail,
    /// Not run, because an earlier check failed.
    NotRun,
}

impl Outcome {
    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Warn => "warn",
            Outcome::Fail => "fail",
            Outcome::NotRun => "not-run",
        }
    }
}
