//! The one Ed25519 check the verifier uses, for certificates and trust lists.
//!
//! [`verify_ed25519`] is RFC 8032 Ed25519 with the strictest rule a closed
//! system can afford (see "Taming the many EdDSAs", Chalkias et al. 2020):
//!
//! 1. the public key `A` and the commitment `R` must be canonical encodings
//!    (`y < p`, and no "negative zero" `x`);
//! 2. `A` and `R` must be torsion-free (in the prime-order subgroup), which
//!    also rules out the small-order points (for `R` this follows from the
//!    equation below, see [`verify_ed25519`]);
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

/// Whether 32 bytes encode `y < p` (p = 2^255 - 19), ignoring the sign bit:
/// the canonical encoding of a y-coordinate. Only the 19 values p..2^255-1
/// are not; they all read `ed..ff` then `ff`×30 then `7f` (or `ff`, sign set).
fn y_is_canonical(bytes: &[u8; 32]) -> bool {
    let (first, middle, last) = (bytes[0], &bytes[1..31], bytes[31] & 0x7f);
    !(last == 0x7f && middle.iter().all(|b| *b == 0xff) && first >= 0xed)
}

/// Checks a public key under the policy above: a canonical encoding of a
/// point that is neither of small order nor has any torsion component.
/// Returns the key ready to verify with. This costs about one verification:
/// the verifier runs it once per key, when a trust list is loaded.
pub fn check_public_key(public_key: &[u8]) -> Result<VerifyingKey, SignatureError> {
    let pk: [u8; 32] = public_key.try_into().map_err(|_| SignatureError::BadLength)?;
    let compressed = CompressedEdwardsY(pk);
    let point = compressed.decompress().ok_or(SignatureError::NonCanonicalKey)?;
    // Both ways a point has another encoding (y ≥ p, or x = 0 with the sign
    // bit set) come back different when compressed again.
    if point.compress() != compressed {
        return Err(SignatureError::NonCanonicalKey);
    }
    if point.is_small_order() || !point.is_torsion_free() {
        return Err(SignatureError::KeyNotTorsionFree);
    }
    VerifyingKey::from_bytes(&pk).map_err(|_| SignatureError::NonCanonicalKey)
}

/// Verifies with a key that already passed [`check_public_key`] (a
/// [`crate::keys::PublicKey`] always has): rules 2 to 4 for `R` and `S`.
///
/// `R` needs no torsion check of its own: `verify_strict` accepts only when
/// the point `R` equals `[S]B - [k]A`, and with `B` and `A` in the
/// prime-order subgroup so is that point. Point equality does not see the
/// encoding, so `R`'s canonical encoding is checked on its bytes.
pub(crate) fn verify_with_checked_key(
    key: &VerifyingKey,
    message: &[u8],
    signature: &[u8],
) -> Result<(), SignatureError> {
    let sig: [u8; SIGNATURE_LENGTH] = signature.try_into().map_err(|_| SignatureError::BadLength)?;
    let mut r = [0u8; 32];
    r.copy_from_slice(&sig[..32]);
    if !y_is_canonical(&r) {
        return Err(SignatureError::NonCanonicalR);
    }
    key.verify_strict(message, &Signature::from_bytes(&sig)).map_err(|_| SignatureError::Mismatch)
}

/// Verifies an Ed25519 signature on `message` under `public_key`, with the
/// strict policy of this module. This is exactly the check the verifier
/// makes (it runs [`check_public_key`] once, when a key enters a trust list,
/// and the rest of this check for each certificate), exposed so that anyone
/// can run further test vectors against it.
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
    let key = check_public_key(public_key)?;
    verify_with_checked_key(&key, message, signature)
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
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert_eq!(check_public_key(&identity), Err(SignatureError::KeyNotTorsionFree));
        // The identity with its sign bit set: x is a "negative zero".
        identity[31] = 0x80;
        assert!(check_public_key(&identity).is_err());
        // A point of order 2: (0, -1).
        let mut order2 = [0xffu8; 32];
        order2[0] = 0xec;
        order2[31] = 0x7f;
        assert_eq!(check_public_key(&order2), Err(SignatureError::KeyNotTorsionFree));
    }
}
