//! Issuance: a checked certificate, signed into its token.

use crate::certificate::{encode_claims, Certificate, FieldError, FieldProblem, IssueError, SchoolCertificateInput};
use crate::envelope;
use crate::keys::{KeyId, SecretKey};
use crate::status_list::{uri_is_valid, StatusRef};
use crate::text;
use crate::time::Date;
use sha2::{Digest, Sha512};

/// A signed certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    /// What was signed.
    pub certificate: Certificate,
    /// The COSE_Sign1 bytes.
    pub cose: Vec<u8>,
    /// The text form: `CC1:` + base64url.
    pub token: String,
}

/// The serial of a certificate whose input gave none: 12 base64url
/// characters (72 bits) of `SHA-512("cachet/serial/v1" || kid || claims)`,
/// the claims encoded with an empty serial. The same input under the same
/// key gives the same serial, so a batch that is run again signs the very
/// same certificates.
pub fn derive_serial(kid: KeyId, certificate: &Certificate) -> String {
    let mut blank = certificate.clone();
    blank.serial.clear();
    let digest = Sha512::new()
        .chain_update(b"cachet/serial/v1")
        .chain_update(kid.0)
        .chain_update(encode_claims(&blank))
        .finalize();
    text::b64::encode(digest.get(..9).unwrap_or_default())
}

/// Signs a certificate as it is. [`issue`] checks the fields first; this is
/// for certificates already checked (and for test material).
pub fn sign(key: &SecretKey, certificate: Certificate) -> Issued {
    let cose = envelope::seal(key, &encode_claims(&certificate));
    let token = text::encode_token(&cose);
    Issued { certificate, cose, token }
}

/// Checks the input's fields, then signs it. `today` is the issue date when
/// the input gives none.
pub fn issue(key: &SecretKey, input: &SchoolCertificateInput, today: Date) -> Result<Issued, IssueError> {
    checked(key.key_id(), input, today, None).map(|c| sign(key, c))
}

/// [`issue`], with a `status` claim: the certificate's index in its key's
/// status list (from [`crate::status_list::status_index`]) and the list's
/// URI. A derived serial covers the claim too.
pub fn issue_with_status(
    key: &SecretKey,
    input: &SchoolCertificateInput,
    today: Date,
    status: StatusRef,
) -> Result<Issued, IssueError> {
    checked(key.key_id(), input, today, Some(status)).map(|c| sign(key, c))
}

/// A checked certificate whose signature is made elsewhere, by a key that
/// never leaves its hardware module: sign [`Unsigned::message`] (Ed25519,
/// RFC 8032) with the key of the id given to [`prepare`], then
/// [`Unsigned::finish`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsigned {
    certificate: Certificate,
    protected: Vec<u8>,
    payload: Vec<u8>,
}

impl Unsigned {
    /// What was checked and will be signed.
    pub fn certificate(&self) -> &Certificate {
        &self.certificate
    }

    /// The bytes to sign: COSE's `Sig_structure` (FORMAT.md).
    pub fn message(&self) -> Vec<u8> {
        envelope::signing_input(&self.protected, &self.payload)
    }

    /// The signed certificate, with the signature of [`Unsigned::message`].
    pub fn finish(self, signature: &[u8; 64]) -> Issued {
        let cose = envelope::assemble(&self.protected, &self.payload, signature);
        let token = text::encode_token(&cose);
        Issued { certificate: self.certificate, cose, token }
    }
}

/// [`issue`] (and with `status`, [`issue_with_status`]) for a key held
/// elsewhere, known here by its id: the same checks and serial, the
/// signature left to the caller ([`Unsigned`]).
pub fn prepare(
    kid: KeyId,
    input: &SchoolCertificateInput,
    today: Date,
    status: Option<StatusRef>,
) -> Result<Unsigned, IssueError> {
    let certificate = checked(kid, input, today, status)?;
    let payload = encode_claims(&certificate);
    Ok(Unsigned { certificate, protected: envelope::protected_header(kid), payload })
}

/// The input's fields checked (and the status uri, if any), the status
/// claim set, and the serial derived when the input gives none.
fn checked(
    kid: KeyId,
    input: &SchoolCertificateInput,
    today: Date,
    status: Option<StatusRef>,
) -> Result<Certificate, IssueError> {
    let validated = input.validate(today);
    let uri_ok = status.as_ref().is_none_or(|s| uri_is_valid(&s.uri));
    let (mut certificate, needs_serial) = match validated {
        Ok(v) if uri_ok => v,
        Ok(_) => return Err(IssueError(vec![bad_uri()])),
        Err(mut e) => {
            if !uri_ok {
                e.0.push(bad_uri());
            }
            return Err(e);
        }
    };
    certificate.status = status;
    if needs_serial {
        certificate.serial = derive_serial(kid, &certificate);
    }
    Ok(certificate)
}

fn bad_uri() -> FieldError {
    FieldError { field: "status_uri", code: FieldProblem::InvalidStatusUri }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> SchoolCertificateInput {
        SchoolCertificateInput {
            family_name: "Martin".into(),
            given_names: "Léa".into(),
            birth_date: "2013-04-12".into(),
            school_uai: "0750654D".into(),
            school_name: "Lycée Louis-le-Grand".into(),
            school_town: "Paris".into(),
            academie: "Paris".into(),
            school_year: "2026-2027".into(),
            level: "2de".into(),
            ..SchoolCertificateInput::default()
        }
    }

    #[test]
    fn a_prepared_certificate_signed_elsewhere_is_the_one_issue_signs() {
        let key = SecretKey::from_seed(&[5u8; 32]);
        let today = Date::parse("2026-09-15").unwrap();
        for status in [None, Some(StatusRef::new(7))] {
            let direct = match &status {
                None => issue(&key, &input(), today).unwrap(),
                Some(s) => issue_with_status(&key, &input(), today, s.clone()).unwrap(),
            };
            let unsigned = prepare(key.key_id(), &input(), today, status).unwrap();
            let signature = key.sign(&unsigned.message());
            assert_eq!(unsigned.finish(&signature), direct);
        }
        let mut bad = input();
        bad.birth_date = "not a date".into();
        assert!(prepare(key.key_id(), &bad, today, None).is_err());
    }
}
