//! The one Ed25519 check the verifier uses, for certificates and trust lists.
//!
//! [`verify_ed25519`] is RFC 8032 Ed25519 with the strictest rule a closed
//! system can afford (see "Taming the many EdDSAs", Chalkias et al. 2020):
//!
//! 1. the public key `A` and the commitment `R` must be canonical encodings
//!    (`y < p`, and no "negative zero" `x`): decompressing and recompressing
//!    gives back the same 32 bytes;
//! 2. `A` and `R` must be torsion-free (in the prime-order subgroup), which
//!    also rules out the small-order points;
//! 3. `S` must be canonical (`S < L`);
//! 4. the cofactorless equation `[S]B = R + [k]A` must hold, as
//!    `ed25519_dalek::VerifyingKey::verify_strict` computes it.
//!
//! Every signature an honest RFC 8032 signer makes passes; no signature is
//! malleable, and two verifiers that follow this rule agree on every input.
//! The project pins the verdict on Wycheproof, SUPERCOP's `sign.input` and
//! the speccheck cases (`tests/ed25519_vectors.rs`), so a dependency upgrade
//! that changes a rule fails the build.

use curve25519_dalek::edwards::CompressedEdwardsY;
use ed25519_dalek::{Signature, VerifyingKey};
use std::fmt;

/// Length of an Ed25519 public key.
pub const PUBLIC_KEY_LENGTH: usize = 32;
/// Length of an Ed25519 signature.
pub const SIGNATURE_LENGTH: usize = 64;

/// Why a signature was refused. The verdict shown to people is simply
/// "invalid signature"; the reason is for logs and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureError {
    /// The public key or signature does not have its fixed length.
    BadLength,
    /// The public key is not a canonical encoding of a curve point.
    NonCanonicalKey,
    /// The public key has a small-order (torsion) component.
    KeyNotTorsionFree,
    /// `R` is not a canonical encoding of a curve point.
    NonCanonicalR,
    /// `R` has a small-order (torsion) component.
    RNotTorsionFree,
    /// `S` is not reduced, or the equation does not hold.
    Mismatch,
}

impl SignatureError {
    /// Stable code, for reports.
    pub fn code(self) -> &'static str {
        match self {
            SignatureError::BadLength => "signature-bad-length",
            SignatureError::NonCanonicalKey => "key-non-canonical",
            SignatureError::KeyNotTorsionFree => "key-not-torsion-free",
            SignatureError::NonCanonicalR => "r-non-canonical",
            SignatureError::RNotTorsionFree => "r-not-torsion-free",
            SignatureError::Mismatch => "signature-mismatch",
        }
    }
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl std::error::Error for SignatureError {}

/// Checks that 32 bytes are a canonical, torsion-free Ed25519 point: the
/// rule for public keys (in trust lists and key files) and for `R`.
fn strict_point(bytes: &[u8; 32]) -> Result<(), (bool, bool)> {
    let compressed = CompressedEdwardsY(*bytes);
    let point = compressed.decompress().ok_or((false, true))?;
    if point.compress() != compressed {
        return Err((false, true));
    }
    if !point.is_torsion_free() {
        return Err((true, false));
    }
    Ok(())
}

/// Checks a public key under the policy above (canonical and torsion-free,
/// hence not of small order).
pub fn check_public_key(public_key: &[u8]) -> Result<[u8; 32], SignatureError> {
    let pk: [u8; 32] = public_key.try_into().map_err(|_| SignatureError::BadLength)?;
    strict_point(&pk).map_err(|(torsion, _)| {
        if torsion {
            SignatureError::KeyNotTorsionFree
        } else {
            SignatureError::NonCanonicalKey
        }
    })?;
    // Torsion-free but the identity: refused too (verify_strict would, later).
    if pk == IDENTITY {
        return Err(SignatureError::KeyNotTorsionFree);
    }
    Ok(pk)
}

const IDENTITY: [u8; 32] = {
    let mut id = [0u8; 32];
    id[0] = 1;
    id
};

/// Verifies an Ed25519 signature on `message` under `public_key`, with the
/// strict policy of this module. This is exactly the check the verifier
/// makes, exposed so that anyone can run further test vectors against it.
///
/// ```
/// use cachet::signature::{verify_ed25519, SignatureError};
/// let pk = [0u8; 32];
/// assert_eq!(verify_ed25519(&pk, b"msg", &[0u8; 63]), Err(SignatureError::BadLength));
/// ```
pub fn verify_ed25519(public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<(), SignatureError> {
    if public_key.len() != PUBLIC_KEY_LENGTH || signature.len() != SIGNATURE_LENGTH {
        return Err(SignatureError::BadLength);
    }
    let pk = check_public_key(public_key)?;
    let sig: [u8; 64] = signature.try_into().map_err(|_| SignatureError::BadLength)?;
    let mut r = [0u8; 32];
    r.copy_from_slice(sig.get(..32).ok_or(SignatureError::BadLength)?);
    strict_point(&r).map_err(
        |(torsion, _)| {
            if torsion {
                SignatureError::RNotTorsionFree
            } else {
                SignatureError::NonCanonicalR
            }
        },
    )?;
    let key = VerifyingKey::from_bytes(&pk).map_err(|_| SignatureError::NonCanonicalKey)?;
    key.verify_strict(message, &Signature::from_bytes(&sig)).map_err(|_| SignatureError::Mismatch)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signer, SigningKey};

    #[test]
    fn accepts_an_honest_signature_and_refuses_a_flip() {
        let sk = SigningKey::from_bytes(&[7u8; 32]);
        let pk = sk.verifying_key().to_bytes();
        let sig = sk.sign(b"cachet").to_bytes();
        assert_eq!(verify_ed25519(&pk, b"cachet", &sig), Ok(()));
        assert_eq!(verify_ed25519(&pk, b"cachet!", &sig), Err(SignatureError::Mismatch));
        let mut bad = sig;
        bad[63] ^= 0x10;
        assert!(verify_ed25519(&pk, b"cachet", &bad).is_err());
    }

    #[test]
    fn refuses_identity_and_small_order_keys() {
        assert_eq!(check_public_key(&IDENTITY), Err(SignatureError::KeyNotTorsionFree));
        // A point of order 2: (0, -1).
        let mut order2 = [0xffu8; 32];
        order2[0] = 0xec;
        order2[31] = 0x7f;
        assert_eq!(check_public_key(&order2), Err(SignatureError::KeyNotTorsionFree));
    }
}
