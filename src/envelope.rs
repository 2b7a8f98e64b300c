//! The COSE_Sign1 envelope (RFC 9052 §4.2) around a certificate's claims.
//!
//! ```text
//! COSE_Sign1 = #6.18([ protected: bstr .cbor {1: -8, 4: kid}, unprotected: {}, payload: bstr, signature: bstr .size 64 ])
//! ```
//!
//! Decoding keeps the exact received bytes of the protected header and the
//! payload: the signature is checked over them, never over a re-encoding.
//! The signing input is COSE's `Sig_structure` with the certificate context
//! as external AAD, which separates certificate signatures from trust-list
//! signatures (FORMAT.md, "Signing input").

use crate::cbor::{CborError, Reader, Writer};
use crate::code::Code;
use crate::keys::{KeyId, SecretKey};
use std::fmt;

/// CBOR tag of COSE_Sign1.
pub const COSE_SIGN1_TAG: u64 = 18;
/// COSE algorithm identifier of EdDSA.
pub const ALG_EDDSA: i64 = -8;
/// External AAD of every certificate signature: the domain separation
/// between certificates and anything else Cachet signs.
pub const CERTIFICATE_AAD: &[u8] = b"cachet certificate v1";

const HEADER_ALG: i64 = 1;
const HEADER_KID: i64 = 4;

/// Why bytes are not a Cachet COSE_Sign1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum EnvelopeError {
    /// The CBOR is not the expected structure.
    Cbor(CborError),
    /// The protected header holds something other than `{1: -8, 4: kid}`.
    Header,
    /// The algorithm is not EdDSA.
    Algorithm,
    /// The key id is not 8 bytes.
    KeyId,
    /// The unprotected header is not empty.
    Unprotected,
}

impl EnvelopeError {
    /// Its code, for reports.
    pub fn as_code(self) -> Code {
        match self {
            EnvelopeError::Cbor(e) => e.as_code(),
            EnvelopeError::Header => Code::CoseHeader,
            EnvelopeError::Algorithm => Code::CoseAlgorithm,
            EnvelopeError::KeyId => Code::CoseKid,
            EnvelopeError::Unprotected => Code::CoseUnprotectedHeader,
        }
    }

    /// Stable code, for reports: the text of [`EnvelopeError::as_code`].
    pub fn code(self) -> &'static str {
        self.as_code().as_str()
    }
}

impl From<CborError> for EnvelopeError {
    fn from(e: CborError) -> Self {
        EnvelopeError::Cbor(e)
    }
}

impl fmt::Display for EnvelopeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A decoded envelope, borrowing the received bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Envelope<'a> {
    /// The protected header, exactly as received (the bstr's content).
    pub protected: &'a [u8],
    /// The signer's key id, from the protected header.
    pub kid: KeyId,
    /// The payload (CWT claims), exactly as received.
    pub payload: &'a [u8],
    /// The signature bytes (their length is checked by the signature policy).
    pub signature: &'a [u8],
}

/// The protected header for a key id: `{1: -8, 4: h'<kid>'}`.
pub fn protected_header(kid: KeyId) -> Vec<u8> {
    let mut w = Writer::new();
    w.map(2);
    w.int(HEADER_ALG);
    w.int(ALG_EDDSA);
    w.int(HEADER_KID);
    w.bytes(&kid.0);
    w.buf
}

/// The bytes that are signed: `["Signature1", protected, external_aad, payload]`.
pub fn signing_input(protected: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut w = Writer::new();
    w.array(4);
    w.text("Signature1");
    w.bytes(protected);
    w.bytes(CERTIFICATE_AAD);
    w.bytes(payload);
    w.buf
}

/// Signs a payload into a COSE_Sign1.
pub fn seal(key: &SecretKey, payload: &[u8]) -> Vec<u8> {
    let protected = protected_header(key.key_id());
    let signature = key.sign(&signing_input(&protected, payload));
    assemble(&protected, payload, &signature)
}

/// The COSE_Sign1 of a signature made elsewhere (a key in a hardware
/// module) over `signing_input(protected, payload)`.
pub fn assemble(protected: &[u8], payload: &[u8], signature: &[u8; 64]) -> Vec<u8> {
    let mut w = Writer::new();
    w.tag(COSE_SIGN1_TAG);
    w.array(4);
    w.bytes(protected);
    w.map(0);
    w.bytes(payload);
    w.bytes(signature);
    w.buf
}

/// Decodes a COSE_Sign1 from exactly `bytes` (no trailing bytes).
pub fn open(bytes: &[u8]) -> Result<Envelope<'_>, EnvelopeError> {
    let mut r = Reader::new(bytes);
    if r.tag()? != COSE_SIGN1_TAG {
        return Err(CborError::UnexpectedType.into());
    }
    if r.array()? != 4 {
        return Err(CborError::UnexpectedType.into());
    }
    let protected = r.bytes()?;
    let kid = parse_protected(protected)?;
    if r.map()? != 0 {
        return Err(EnvelopeError::Unprotected);
    }
    let payload = r.bytes()?;
    let signature = r.bytes()?;
    r.finish()?;
    Ok(Envelope { protected, kid, payload, signature })
}

fn parse_protected(protected: &[u8]) -> Result<KeyId, EnvelopeError> {
    let mut r = Reader::new(protected);
    if r.map()? != 2 {
        return Err(EnvelopeError::Header);
    }
    let mut prev = None;
    if r.key(&mut prev)? != HEADER_ALG {
        return Err(EnvelopeError::Header);
    }
    if r.int()? != ALG_EDDSA {
        return Err(EnvelopeError::Algorithm);
    }
    if r.key(&mut prev)? != HEADER_KID {
        return Err(EnvelopeError::Header);
    }
    let kid: [u8; KeyId::LENGTH] = r.bytes()?.try_into().map_err(|_| EnvelopeError::KeyId)?;
    r.finish()?;
    Ok(KeyId(kid))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::verify_ed25519;

    #[test]
    fn sealed_envelopes_open_and_verify() {
        let key = SecretKey::from_seed(&[3u8; 32]);
        let cose = seal(&key, b"\xa0");
        let env = open(&cose).unwrap();
        assert_eq!(env.kid, key.key_id());
        assert_eq!(env.payload, b"\xa0");
        let input = signing_input(env.protected, env.payload);
        verify_ed25519(key.public_key().as_bytes(), &input, env.signature).unwrap();
    }

    #[test]
    fn trailing_bytes_and_other_tags_are_refused() {
        let key = SecretKey::from_seed(&[3u8; 32]);
        let mut cose = seal(&key, b"\xa0");
        cose.push(0);
        assert_eq!(open(&cose), Err(EnvelopeError::Cbor(CborError::TrailingBytes)));
        cose.pop();
        if let Some(first) = cose.first_mut() {
            *first = 0xd1; // tag 17: COSE_Mac0
        }
        assert_eq!(open(&cose), Err(EnvelopeError::Cbor(CborError::UnexpectedType)));
    }
}
