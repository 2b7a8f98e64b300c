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
    let (mut certificate, needs_serial) = input.validate(today)?;
    if needs_serial {
        certificate.serial = derive_serial(key.key_id(), &certificate);
    }
    Ok(sign(key, certificate))
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
    let validated = input.validate(today);
    let uri_ok = uri_is_valid(&status.uri);
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
    certificate.status = Some(status);
    if needs_serial {
        certificate.serial = derive_serial(key.key_id(), &certificate);
    }
    Ok(sign(key, certificate))
}

fn bad_uri() -> FieldError {
    FieldError { field: "status_uri", code: FieldProblem::InvalidStatusUri }
}
