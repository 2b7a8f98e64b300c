//! The codes a report's checks carry: why a check failed or warned. Each is
//! one value of [`Code`], with its stable text ([`Code::as_str`]), and a
//! sentence for people in French and English ([`Code::sentence`]);
//! [`Code::ALL`] lists them all. The error types of the stages
//! ([`TextError`](crate::text::TextError), [`CborError`](crate::CborError),
//! [`EnvelopeError`](crate::envelope::EnvelopeError),
//! [`ClaimsError`](crate::certificate::ClaimsError),
//! [`SignatureError`](crate::signature::SignatureError),
//! [`TrustError`](crate::trust::TrustError),
//! [`StatusError`](crate::status_doc::StatusError)) each name theirs with
//! `as_code()`, and their `code()` is its text.
//!
//! The finer codes that a message adds to one of these, what exactly the
//! JSON reader ([`JsonProblem`](crate::json::JsonProblem)), a revoked set
//! ([`StatusListError`](crate::status_list::StatusListError)) or an
//! allow-list ([`AllowListError`](crate::status_list::AllowListError))
//! refused, have their `sentence` in French and English too.
//!
//! The codes are a public contract (reports, the CLI's `--json`, the wasm
//! API, the test vectors): a code's text never changes and is never reused.
//! docs/FORMAT.md and docs/TRUST.md document every one; tests/codes.rs holds
//! the two to each other.
//!
//! Naming rule: a code names its family first (`cbor-`, `cose-`, `claim-`,
//! `signature-`, `key-`, `trust-list-`, `status-`…). The first codes of
//! version 1, `prefix`, `base64` and `trailing-bytes`, predate the rule and
//! keep their names, since the codes are stable. A code split into finer
//! ones keeps the old code as their prefix (`trust-list-entry` became the
//! `trust-list-entry-…` codes, `status-entry` the `status-entry-…` codes),
//! so that a reader matching the prefix still matches.

use crate::status::Lang;
use std::fmt;

macro_rules! codes {
    ($($(#[$doc:meta])* $variant:ident = $text:literal, $fr:literal, $en:literal;)*) => {
        /// Why a check failed or warned: see the module's documentation.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Code {
            $($(#[$doc])* $variant,)*
        }

        impl Code {
            /// Every code, in the order of the checks that give them.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The stable text of the code (`signature-mismatch`…).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $text,)*
                }
            }

            /// What the code means, in one sentence for people.
            pub fn sentence(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((Code::$variant, Lang::Fr) => $fr, (Code::$variant, Lang::En) => $en,)*
                }
            }
        }
    };
}

codes! {
    // The text (check `decoding`, but `unsupported-format-version`: `version`).
    /// Longer than any QR code holds.
    TextTooLarge = "text-too-large", "Le texte est plus long que ce qu'un code QR peut contenir.", "The text is longer than any QR code can hold.";
    /// Empty, or white space only.
    TextEmpty = "text-empty", "Le texte est vide.", "The text is empty.";
    /// A URL without a token in its fragment.
    UrlWithoutToken = "url-without-token", "Le lien ne contient pas de certificat après le « # ».", "The link holds no certificate after the \"#\".";
    /// Not `CC`, a version number and `:`.
    Prefix = "prefix", "Le texte ne commence pas par « CC1: » ni par un autre numéro de version.", "The text does not start with \"CC1:\" or another version number.";
    /// Not canonical base64url without padding.
    Base64 = "base64", "Les caractères après le préfixe ne sont pas du base64url canonique.", "The characters after the prefix are not canonical base64url.";
    /// A format version this build does not read.
    UnsupportedFormatVersion = "unsupported-format-version", "Le certificat est d'une version du format que ce vérificateur ne lit pas.", "The certificate is in a format version this verifier does not read.";
    /// A reader of images or PDFs found no QR code (the CLI's `scan`, images and PDFs).
    NoQrCode = "no-qr-code", "Aucun code QR lisible n'a été trouvé dans l'image ou le document.", "No readable QR code was found in the image or document.";
    // The CBOR (check `decoding`).
    /// The bytes end inside an item.
    CborTruncated = "cbor-truncated", "Les données du certificat sont tronquées.", "The certificate's data is cut short.";
    /// An item of another type than the one expected.
    CborUnexpectedType = "cbor-unexpected-type", "Les données du certificat n'ont pas la structure attendue.", "The certificate's data does not have the expected structure.";
    /// An integer or length not in its shortest form, or an indefinite length.
    CborNonCanonical = "cbor-non-canonical", "Les données du certificat ne sont pas dans leur encodage unique (CBOR déterministe).", "The certificate's data is not in its one encoding (deterministic CBOR).";
    /// Map keys out of order, or repeated.
    CborKeyOrder = "cbor-key-order", "Les clés des données du certificat sont répétées ou dans le désordre.", "The keys of the certificate's data repeat or are out of order.";
    /// A text string that is not UTF-8.
    CborInvalidUtf8 = "cbor-invalid-utf8", "Un texte du certificat n'est pas de l'UTF-8 valide.", "A text in the certificate is not valid UTF-8.";
    /// An integer beyond a signed 64-bit number.
    CborOutOfRange = "cbor-out-of-range", "Un nombre du certificat est hors des limites permises.", "A number in the certificate is out of the allowed range.";
    /// Bytes after the item.
    TrailingBytes = "trailing-bytes", "Des octets suivent la fin des données du certificat.", "Bytes follow the end of the certificate's data.";
    // The COSE envelope (check `decoding`).
    /// The protected header is not `{1: -8, 4: kid}`.
    CoseHeader = "cose-header", "L'en-tête signé du certificat n'est pas celui du format.", "The certificate's signed header is not the format's.";
    /// An algorithm other than EdDSA.
    CoseAlgorithm = "cose-algorithm", "Le certificat annonce un autre algorithme de signature qu'Ed25519.", "The certificate names another signature algorithm than Ed25519.";
    /// A key id that is not 8 bytes.
    CoseKid = "cose-kid", "L'identifiant de la clé de signature n'a pas 8 octets.", "The signing key's id is not 8 bytes long.";
    /// Something in the unprotected header.
    CoseUnprotectedHeader = "cose-unprotected-header", "Le certificat porte des données non signées.", "The certificate carries unsigned data.";
    // The claims (check `decoding`, but `unknown-document-kind`: `version`).
    /// A required claim or field is absent.
    ClaimMissing = "claim-missing", "Une information obligatoire manque au certificat.", "A required item is missing from the certificate.";
    /// A key this version does not define.
    ClaimUnknown = "claim-unknown", "Le certificat contient une information que cette version ne définit pas.", "The certificate holds an item this version does not define.";
    /// An impossible value.
    ClaimInvalid = "claim-invalid", "Une information du certificat a une valeur impossible.", "An item of the certificate has an impossible value.";
    /// A document kind this build does not know.
    UnknownDocumentKind = "unknown-document-kind", "Ce type de document n'est pas connu de ce vérificateur.", "This kind of document is not known to this verifier.";
    // The issuer (check `issuer`).
    /// The key id is not in the trust list.
    KidNotInTrustList = "kid-not-in-trust-list", "La clé qui a signé ne figure pas dans la liste de confiance.", "The signing key is not in the trust list.";
    // The signature (check `signature`).
    /// The signature is not 64 bytes.
    SignatureBadLength = "signature-bad-length", "La signature n'a pas la bonne longueur.", "The signature does not have the right length.";
    /// The public key is not a canonical point encoding.
    KeyNonCanonical = "key-non-canonical", "La clé publique n'est pas encodée sous sa forme canonique.", "The public key is not in its canonical encoding.";
    /// The public key has a small-order component.
    KeyNotTorsionFree = "key-not-torsion-free", "La clé publique a une composante d'ordre faible : elle est refusée.", "The public key has a small-order component: it is refused.";
    /// `R` is not a canonical point encoding.
    RNonCanonical = "r-non-canonical", "La signature n'est pas encodée sous sa forme canonique.", "The signature is not in its canonical encoding.";
    /// `S` not reduced, or the equation does not hold.
    SignatureMismatch = "signature-mismatch", "La signature ne correspond pas au contenu signé.", "The signature does not match the signed content.";
    // The key's limits (check `issuer-key`).
    /// The key may not sign this kind.
    KeyNotAllowedForKind = "key-not-allowed-for-kind", "La clé de l'émetteur n'est pas autorisée pour ce type de document.", "The issuer's key is not allowed for this kind of document.";
    /// The issue date is outside the key's dates.
    KeyNotValidAtIssueDate = "key-not-valid-at-issue-date", "La clé de l'émetteur n'était pas valide à la date d'émission.", "The issuer's key was not valid on the issue date.";
    // Revocation (check `revocation`).
    /// The issuer key is revoked.
    IssuerKeyRevoked = "issuer-key-revoked", "La clé de l'émetteur a été révoquée.", "The issuer's key was revoked.";
    /// The key is compromised and the certificate is not among what it signed before.
    IssuerKeyCompromised = "issuer-key-compromised", "La clé de l'émetteur a été volée, et ce certificat n'est pas parmi ceux qu'elle a signés avant.", "The issuer's key was stolen, and this certificate is not among those it signed before.";
    /// The serial is revoked.
    SerialRevoked = "serial-revoked", "Le numéro de ce certificat a été révoqué.", "This certificate's serial number was revoked.";
    /// The status index is revoked.
    StatusRevoked = "status-revoked", "Ce certificat a été révoqué (par son index de statut).", "This certificate was revoked (by its status index).";
    /// The status index is outside its key's space.
    StatusIndexOutOfRange = "status-index-out-of-range", "L'index de statut du certificat est hors de l'espace de sa clé.", "The certificate's status index is outside its key's space.";
    // Validity (check `validity`).
    /// Before the school year.
    BeforeSchoolYear = "before-school-year", "L'année scolaire du certificat n'a pas commencé.", "The certificate's school year has not begun.";
    /// Issued after now.
    IssuedInTheFuture = "issued-in-the-future", "La date d'émission du certificat est dans le futur.", "The certificate's issue date is in the future.";
    /// After the school year.
    AfterSchoolYear = "after-school-year", "L'année scolaire du certificat est terminée.", "The certificate's school year is over.";
    // The trust list's freshness (check `trust-list`).
    /// Past `next_update`, within the grace period (a warning).
    TrustListStale = "trust-list-stale", "La liste de confiance aurait dû être renouvelée ; elle sert encore quelques jours.", "The trust list is due for renewal; it is still used for a few days.";
    /// The status document held has expired (a warning).
    StatusStale = "status-stale", "Le document de statut a expiré ; un plus récent est attendu.", "The status document has expired; a newer one is due.";
    /// The status held covers only another key (a scoped full document):
    /// this certificate's revocation by status documents is unknown (a warning).
    StatusOutOfScope = "status-out-of-scope", "Le statut détenu ne couvre pas la clé de ce certificat : sa révocation par les documents de statut n'est pas encore connue.", "The status held does not cover this certificate's key: its revocation by status documents is not known yet.";
    /// Past `next_update` and the grace period.
    TrustListExpired = "trust-list-expired", "La liste de confiance est trop ancienne pour être utilisée.", "The trust list is too old to be used.";
    // A trust list refused (check `trust-list`).
    /// Larger than 32 MiB.
    TrustListTooLarge = "trust-list-too-large", "La liste de confiance est trop volumineuse.", "The trust list is too large.";
    /// Not the JSON of a signed trust list.
    TrustListJson = "trust-list-json", "La liste de confiance n'est pas un JSON correct.", "The trust list is not correct JSON.";
    /// A `format` this build does not read.
    TrustListFormat = "trust-list-format", "La liste de confiance est d'un format inconnu.", "The trust list has an unknown format.";
    /// Signed by a key that is not a pinned root.
    TrustListUnknownRoot = "trust-list-unknown-root", "La liste de confiance n'est pas signée par une racine reconnue.", "The trust list is not signed by a known root.";
    /// The signature does not verify.
    TrustListSignature = "trust-list-signature", "La signature de la liste de confiance est invalide.", "The trust list's signature is invalid.";
    /// Older than a list already seen.
    TrustListRollback = "trust-list-rollback", "La liste de confiance est plus ancienne qu'une liste déjà vue.", "The trust list is older than one already seen.";
    /// A time that is not RFC 3339 (`issued_at`, `next_update`, `status_key.expires`).
    TrustListEntryTime = "trust-list-entry-time", "Une heure de la liste de confiance n'est pas au format RFC 3339.", "A time in the trust list is not in RFC 3339 form.";
    /// `next_update` before `issued_at`.
    TrustListEntryTimeOrder = "trust-list-entry-time-order", "La prochaine mise à jour de la liste de confiance précède sa date de signature.", "The trust list's next update comes before its signing time.";
    /// An issuer's or the status key's public key is refused (encoding, key policy).
    TrustListEntryKey = "trust-list-entry-key", "Une clé publique de la liste de confiance est refusée.", "A public key in the trust list is refused.";
    /// A `key_id` that is not the key id of its `public_key`.
    TrustListEntryKeyId = "trust-list-entry-key-id", "Un identifiant de clé de la liste de confiance ne correspond pas à sa clé publique.", "A key id in the trust list does not match its public key.";
    /// An issuer key listed twice.
    TrustListEntryDuplicate = "trust-list-entry-duplicate", "Une clé figure deux fois dans la liste de confiance.", "A key is listed twice in the trust list.";
    /// A `valid_from` or `valid_until` that is not a date.
    TrustListEntryDate = "trust-list-entry-date", "Une date d'une clé de la liste de confiance n'est pas une date réelle.", "A key's date in the trust list is not a real date.";
    /// `valid_until` before `valid_from`.
    TrustListEntryDateOrder = "trust-list-entry-date-order", "Une clé de la liste de confiance finit avant de commencer.", "A key in the trust list ends before it begins.";
    /// An issuer's name empty or with a control character.
    TrustListEntryName = "trust-list-entry-name", "Le nom d'un émetteur de la liste de confiance est vide ou contient un caractère de contrôle.", "An issuer's name in the trust list is empty or holds a control character.";
    /// `revoked_indices` without `status_capacity`, or a capacity of 0.
    TrustListEntryStatusCapacity = "trust-list-entry-status-capacity", "La capacité de statut d'une clé de la liste de confiance manque ou vaut 0.", "A key's status capacity in the trust list is missing or 0.";
    /// `compromised` without `allowed_payloads`, or `allowed_payloads` on a key that is not compromised.
    TrustListEntryAllowedPayloads = "trust-list-entry-allowed-payloads", "Une clé volée de la liste de confiance n'a pas de liste de ce qu'elle a signé, ou une autre clé en a une.", "A stolen key in the trust list lacks its list of what it signed, or another key has one.";
    /// The status key is the root or an issuer key.
    TrustListEntryStatusKeyRole = "trust-list-entry-status-key-role", "La clé de statut de la liste de confiance est aussi la racine ou une clé d'émetteur.", "The trust list's status key is also the root or an issuer key.";
    /// `revoked_indices` not canonical base64url, or a wrong header.
    TrustListIndicesEncoding = "trust-list-indices-encoding", "Les index révoqués d'une clé sont mal encodés.", "A key's revoked indices are badly encoded.";
    /// The revoked indices' bits end early.
    TrustListIndicesTruncated = "trust-list-indices-truncated", "Les index révoqués d'une clé sont tronqués.", "A key's revoked indices are cut short.";
    /// A revoked index at or above the capacity.
    TrustListIndicesOutOfRange = "trust-list-indices-out-of-range", "Un index révoqué dépasse la capacité de sa clé.", "A revoked index is beyond its key's capacity.";
    /// Bits after the last revoked index.
    TrustListIndicesTrailingBits = "trust-list-indices-trailing-bits", "Des bits suivent le dernier index révoqué d'une clé.", "Bits follow a key's last revoked index.";
    /// A compromised key's `allowed_payloads` is not a canonical allow-list.
    TrustListAllowList = "trust-list-allow-list", "La liste de ce qu'une clé volée a signé est mal encodée.", "The list of what a stolen key signed is badly encoded.";
    // A status document refused (check `trust-list`).
    /// Larger than 32 MiB.
    StatusTooLarge = "status-too-large", "Le document de statut est trop volumineux.", "The status document is too large.";
    /// Not the JSON of a signed status document.
    StatusJson = "status-json", "Le document de statut n'est pas un JSON correct.", "The status document is not correct JSON.";
    /// A `format` this build does not read.
    StatusFormat = "status-format", "Le document de statut est d'un format inconnu.", "The status document has an unknown format.";
    /// The trust list names no status key.
    StatusNoStatusKey = "status-no-status-key", "La liste de confiance ne désigne aucune clé de statut.", "The trust list names no status key.";
    /// Signed by another key than the status key.
    StatusWrongKey = "status-wrong-key", "Le document de statut n'est pas signé par la clé de statut.", "The status document is not signed by the status key.";
    /// The signature does not verify.
    StatusSignature = "status-signature", "La signature du document de statut est invalide.", "The status document's signature is invalid.";
    /// The status key's delegation has ended.
    StatusKeyExpired = "status-key-expired", "La délégation de la clé de statut a pris fin.", "The status key's delegation has ended.";
    /// The document has expired.
    StatusExpired = "status-expired", "Le document de statut a expiré.", "The status document has expired.";
    /// `issued_at` or `expires` is not an RFC 3339 time.
    StatusEntryTime = "status-entry-time", "Une heure du document de statut n'est pas au format RFC 3339.", "A time in the status document is not in RFC 3339 form.";
    /// `expires` before `issued_at`.
    StatusEntryTimeOrder = "status-entry-time-order", "Le document de statut expire avant sa date de signature.", "The status document expires before its signing time.";
    /// A full document with a `base`, or a delta without one.
    StatusEntryBase = "status-entry-base", "Un document de statut complet indique une base, ou un delta n'en indique pas.", "A full status document names a base, or a delta names none.";
    /// A delta whose `sequence` is not above its `base`.
    StatusEntrySequence = "status-entry-sequence", "Le numéro d'un delta de statut n'est pas supérieur à celui de sa base.", "A status delta's sequence number is not above its base's.";
    /// A `scope` in a delta.
    StatusEntryScope = "status-entry-scope", "Un delta de statut est restreint à une clé, ce que seul un document complet peut être.", "A status delta is scoped to one key, which only a full document may be.";
    /// A scoped document whose `keys` is not exactly its scope's key.
    StatusEntryScopeKeys = "status-entry-scope-keys", "Un document de statut restreint à une clé ne donne pas exactement cette clé.", "A status document scoped to one key does not list exactly that key.";
    /// A `key_id` that is not a key id (16 lowercase hexadecimal digits).
    StatusEntryKeyId = "status-entry-key-id", "Un identifiant de clé du document de statut n'est pas valide (16 chiffres hexadécimaux en minuscules attendus).", "A key id in the status document is not valid (16 lowercase hexadecimal digits expected).";
    /// A key not in the list, or without `status_capacity`.
    StatusEntryKey = "status-entry-key", "Une clé du document de statut ne figure pas dans la liste de confiance, ou n'y a pas de capacité de statut.", "A key in the status document is not in the trust list, or has no status capacity there.";
    /// A key listed twice.
    StatusEntryDuplicate = "status-entry-duplicate", "Une clé figure deux fois dans le document de statut.", "A key is listed twice in the status document.";
    /// `added` or `removed` in a full document, `revoked_indices` in a delta.
    StatusEntryMember = "status-entry-member", "Une clé du document de statut porte des index de l'autre type de document (ajouts ou retraits dans un document complet, index révoqués dans un delta).", "A key in the status document carries indices of the other kind of document (added or removed in a full document, revoked indices in a delta).";
    /// An index both added and removed by a delta.
    StatusEntryAddedAndRemoved = "status-entry-added-and-removed", "Un delta de statut ajoute et retire le même index.", "A status delta both adds and removes the same index.";
    /// A key's indices are not a canonical code.
    StatusIndices = "status-indices", "Les index d'une clé du document de statut sont mal codés.", "A key's indices in the status document are badly coded.";
    /// Older than the status held.
    StatusRollback = "status-rollback", "Le document de statut est plus ancien que celui déjà appliqué.", "The status document is older than the one already applied.";
    /// A delta on another base than the sequence held.
    StatusWrongBase = "status-wrong-base", "Ce document de statut s'applique à une autre version que celle détenue.", "This status document applies to another version than the one held.";
}

impl Code {
    /// The code of a text, if it is one.
    pub fn parse(text: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.as_str() == text)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_lowercase_and_read_back() {
        for (i, c) in Code::ALL.iter().enumerate() {
            assert!(Code::ALL.iter().skip(i + 1).all(|d| d.as_str() != c.as_str()), "{c} twice");
            assert!(c.as_str().bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'), "{c}");
            assert_eq!(Code::parse(c.as_str()), Some(*c));
        }
        assert_eq!(Code::parse("no-such-code"), None);
    }
}
