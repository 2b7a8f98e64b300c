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

    /// The page's words for this verdict in `lang`: title, reason and next
    /// step (www/i18n.js's `verdict`, which tests/verdict_words.rs holds equal).
    fn words(self, lang: Lang) -> [&'static str; 3] {
        use Lang::*;
        match (self, lang) {
            (Status::Valid, Fr) => ["Certificat valide", "Ce certificat est authentique et valable aujourd’hui.", "Comparez ces informations avec une pièce d’identité."],
            (Status::Valid, En) => ["Valid certificate", "This certificate is genuine and valid today.", "Compare these details with an identity document."],
            (Status::Malformed, Fr) => ["Code illisible : ne pas s’y fier", "Ce code ou ce texte n’est pas un certificat complet : il est abîmé, coupé ou d’un autre type.", "Scannez à nouveau le code. Si cela se reproduit, demandez le certificat original (papier ou PDF)."],
            (Status::Malformed, En) => ["Unreadable code: do not rely on it", "This code or text is not a complete certificate: it is damaged, cut short or of another kind.", "Scan the code again. If it happens again, ask for the original certificate (paper or PDF)."],
            (Status::UnsupportedVersion, Fr) => ["Certificat trop récent pour cette page : ne pas s’y fier", "Ce certificat est d’un modèle plus récent que cette page.", "Rechargez la page pour la mettre à jour, puis réessayez."],
            (Status::UnsupportedVersion, En) => ["Certificate too recent for this page: do not rely on it", "This certificate is of a newer model than this page.", "Reload the page to update it, then try again."],
            (Status::UnknownIssuer, Fr) => ["Signataire inconnu : ne pas s’y fier", "Ce certificat n’a pas été signé par un établissement reconnu.", "Refusez-le. La famille peut demander un certificat à l’établissement scolaire."],
            (Status::UnknownIssuer, En) => ["Unknown signer: do not rely on it", "This certificate was not signed by a recognised school.", "Refuse it. The family can ask the school for a certificate."],
            (Status::InvalidSignature, Fr) => ["Certificat falsifié : ne pas s’y fier", "Ce certificat a été modifié après avoir été signé, ou il est faux.", "Refusez-le. La famille peut demander un nouveau certificat à l’établissement scolaire."],
            (Status::InvalidSignature, En) => ["Forged certificate: do not rely on it", "This certificate was changed after it was signed, or it is fake.", "Refuse it. The family can ask the school for a new certificate."],
            (Status::IssuerKeyNotValid, Fr) => ["Signature non autorisée : ne pas s’y fier", "Ce certificat a été signé par un moyen que l’établissement n’avait pas le droit d’utiliser à cette date.", "Refusez-le. La famille peut demander un nouveau certificat à l’établissement scolaire."],
            (Status::IssuerKeyNotValid, En) => ["Signature not allowed: do not rely on it", "This certificate was signed by a means the school was not allowed to use on that date.", "Refuse it. The family can ask the school for a new certificate."],
            (Status::Revoked, Fr) => ["Certificat annulé : ne pas s’y fier", "L’établissement scolaire a annulé ce certificat.", "Refusez-le. La famille peut demander un certificat à jour à l’établissement scolaire."],
            (Status::Revoked, En) => ["Certificate cancelled: do not rely on it", "The school has cancelled this certificate.", "Refuse it. The family can ask the school for an up-to-date certificate."],
            (Status::NotYetValid, Fr) => ["Authentique mais pas encore valable", "Ce certificat a bien été délivré par l’établissement scolaire, mais son année scolaire n’a pas commencé.", "Il sera valable à partir du {from}. D’ici là, demandez le certificat de l’année en cours."],
            (Status::NotYetValid, En) => ["Genuine but not valid yet", "This certificate was indeed issued by the school, but its school year has not begun.", "It will be valid from {from}. Until then, ask for the current year’s certificate."],
            (Status::Expired, Fr) => ["Authentique mais plus valable", "Ce certificat a bien été délivré par l’établissement scolaire, mais son année scolaire est terminée.", "Demandez le certificat de cette année : l’établissement scolaire le délivre."],
            (Status::Expired, En) => ["Genuine but no longer valid", "This certificate was indeed issued by the school, but its school year is over.", "Ask for this year’s certificate: the school issues it."],
            (Status::TrustListInvalid, Fr) => ["Vérification impossible sur cet appareil", "La liste des établissements reconnus n’a pas pu être authentifiée : aucun certificat ne peut être vérifié.", "Rechargez la page. Si cela se reproduit, signalez-le au service qui gère cette page."],
            (Status::TrustListInvalid, En) => ["Cannot verify on this device", "The list of recognised schools could not be authenticated: no certificate can be verified.", "Reload the page. If it happens again, tell the service that runs this page."],
            (Status::TrustListExpired, Fr) => ["Vérification impossible : liste trop ancienne", "La liste des établissements reconnus de cet appareil est trop ancienne et aucune liste à jour n’a pu être téléchargée : aucun certificat ne peut être déclaré valide.", "Connectez-vous à Internet, puis réessayez."],
            (Status::TrustListExpired, En) => ["Cannot verify: list too old", "The list of recognised schools on this device is too old and no current list could be downloaded: no certificate can be declared valid.", "Go online, then try again."],
        }
    }

    /// The headline a reader sees: the verifier page's words.
    pub fn title(self, lang: Lang) -> &'static str {
        self.words(lang)[0]
    }

    /// Why, in plain words (the page's).
    pub fn reason(self, lang: Lang) -> &'static str {
        self.words(lang)[1]
    }

    /// What to do next (the page's). `not-yet-valid`'s names the day it
    /// becomes valid as `{from}`: [`Status::next_step_from`] fills it in or
    /// leaves that sentence out.
    pub fn next_step(self, lang: Lang) -> &'static str {
        self.words(lang)[2]
    }

    /// [`Status::next_step`] with `{from}` replaced by `from` (the day the
    /// certificate becomes valid, as the reader writes dates), or, without
    /// it, the sentence that names it left out (as the page does).
    pub fn next_step_from(self, lang: Lang, from: Option<&str>) -> String {
        let next = self.next_step(lang);
        match (next.find("{from}"), from) {
            (None, _) => next.to_owned(),
            (Some(_), Some(from)) => next.replace("{from}", from),
            (Some(at), None) => {
                let start = next[..at].rfind(". ").map_or(0, |p| p + 2);
                let end = next[at..].find(". ").map_or(next.len(), |p| at + p + 2);
                format!("{}{}", &next[..start], &next[end..]).trim().to_owned()
            }
        }
    }

    /// The kind of the verdict, as every view shows it: valid; genuine but
    /// not valid now (expired, not yet valid); refused (everything else:
    /// do not rely on it).
    pub fn kind(self) -> Kind {
        match self {
            Status::Valid => Kind::Valid,
            Status::Expired | Status::NotYetValid => Kind::NotValidNow,
            _ => Kind::Refused,
        }
    }
}

/// The three kinds of verdict (issue 15): each has its colour, icon and
/// next step in the page, the element, the iframe's messages and the CLI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// `valid`.
    Valid,
    /// Genuine but outside its school year: `expired`, `not-yet-valid`.
    NotValidNow,
    /// Do not rely on it: every other status.
    Refused,
}

impl Kind {
    /// The stable code: `valid`, `not-valid-now`, `refused`.
    pub fn code(self) -> &'static str {
        match self {
            Kind::Valid => "valid",
            Kind::NotValidNow => "not-valid-now",
            Kind::Refused => "refused",
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
