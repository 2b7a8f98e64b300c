//! Cachet computes `[S]B - [k]A` itself instead of calling ed25519-dalek's
//! `verify_strict` (src/signature.rs): `PublicKey::verify` over small tables
//! at a key's first verification and over fixed-base tables (the key's kept
//! one) from its second, `verify_ed25519` with curve25519-dalek's
//! double-base multiplication. This test holds both to `verify_strict`'s
//! verdicts on many random keys, messages and signatures, honest and
//! mutated: whenever a key passes `check_public_key`, both accept or both
//! refuse; a key that does not pass is refused. Refusals carry the reason the
//! policy documents: `r-non-canonical` for an `R` with `y ≥ p`, otherwise
//! `signature-mismatch`.
//!
//! The random source is seeded: a failure names the case and reproduces.

use cachet::keys::{PublicKey, SecretKey};
use cachet::signature::{check_public_key, verify_ed25519, SignatureError};
use curve25519_dalek::constants::EIGHT_TORSION;
use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use curve25519_dalek::Scalar;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;
use sha2::{Digest, Sha512};

/// `verify_strict`'s verdict, for a key it can read.
fn dalek(pk: &[u8; 32], msg: &[u8], sig: &[u8; 64]) -> Option<bool> {
    let key = VerifyingKey::from_bytes(pk).ok()?;
    Some(key.verify_strict(msg, &Signature::from_bytes(sig)).is_ok())
}

/// Whether the 32 bytes read `y ≥ p` (sign bit aside).
fn y_not_canonical(bytes: &[u8]) -> bool {
    bytes[0] >= 0xed && bytes[1..31].iter().all(|b| *b == 0xff) && bytes[31] & 0x7f == 0x7f
}

/// Compares the two verifiers on one case; returns Cachet's verdict.
fn agree(case: &str, pk: &[u8; 32], msg: &[u8], sig: &[u8; 64]) -> bool {
    let ours = verify_ed25519(pk, msg, sig);
    if check_public_key(pk).is_err() {
        assert!(ours.is_err(), "{case}: a refused key verified");
        return false;
    }
    // The verifier's keys compute the same equation over small tables at
    // their first verification, then over their kept table of `-A` (made at
    // the second); `verify_ed25519` with curve25519-dalek's double-base
    // multiplication. Every path must give the same verdict and reason.
    let kept = PublicKey::from_bytes(pk).unwrap_or_else(|e| panic!("{case}: a checked key refused: {e}"));
    for round in ["first, small tables", "second, the key's table made", "third, the key's table kept"] {
        assert_eq!(kept.verify(msg, sig), ours, "{case}: PublicKey::verify, {round}");
    }
    let theirs = dalek(pk, msg, sig).unwrap_or_else(|| panic!("{case}: dalek cannot read a checked key"));
    assert_eq!(ours.is_ok(), theirs, "{case}: cachet {ours:?}, verify_strict {theirs}");
    if let Err(e) = ours {
        let expected =
            if y_not_canonical(&sig[..32]) { SignatureError::NonCanonicalR } else { SignatureError::Mismatch };
        assert_eq!(e, expected, "{case}: reason");
    }
    ours.is_ok()
}

fn hash_scalar(r: &[u8], a: &[u8], msg: &[u8]) -> Scalar {
    Scalar::from_bytes_mod_order_wide(
        &Sha512::new().chain_update(r).chain_update(a).chain_update(msg).finalize().into(),
    )
}

/// A signature made from the scalars directly: `R = [r]B`, `S = r + k a`,
/// with any nonce `r` (zero gives `R` = the identity).
fn sign_with_scalars(a: &Scalar, pk: &[u8; 32], nonce: &Scalar, msg: &[u8]) -> [u8; 64] {
    let r = EdwardsPoint::mul_base(nonce).compress().0;
    let s = nonce + hash_scalar(&r, pk, msg) * a;
    let mut sig = [0u8; 64];
    sig[..32].copy_from_slice(&r);
    sig[32..].copy_from_slice(s.as_bytes());
    sig
}

fn random_scalar(rng: &mut ChaCha20Rng) -> Scalar {
    let mut wide = [0u8; 64];
    rng.fill_bytes(&mut wide);
    Scalar::from_bytes_mod_order_wide(&wide)
}

fn random_message(rng: &mut ChaCha20Rng) -> Vec<u8> {
    let mut msg = vec![0u8; (rng.next_u32() % 300) as usize];
    rng.fill_bytes(&mut msg);
    msg
}

#[test]
fn random_honest_and_mutated_signatures_get_verify_stricts_verdict() {
    let mut rng = ChaCha20Rng::seed_from_u64(0x0ca_c4e7);
    // L = 2^252 + 27742317777372353535851937790883648493, little-endian.
    let l_bytes = hex::decode("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010").unwrap();
    let (mut accepted, mut refused) = (0usize, 0usize);
    // Many keys, each used twice; every case also goes through a fresh
    // `PublicKey`, three times: small tables, then its table made and kept
    // (see `agree`).
    for n in 0..150 {
        let mut seed = [0u8; 32];
        rng.fill_bytes(&mut seed);
        let sk = SigningKey::from_bytes(&seed);
        let pk = sk.verifying_key().to_bytes();
        for round in 0..2 {
            let msg = random_message(&mut rng);
            let sig = sk.sign(&msg).to_bytes();
            let case = |what: &str| format!("key {n} round {round}: {what}");
            assert!(agree(&case("honest"), &pk, &msg, &sig), "{}", case("honest refused"));
            accepted += 1;

            // One flipped bit anywhere in the signature, the message or the key.
            let bit = rng.next_u32() as usize % 512;
            let mut s2 = sig;
            s2[bit / 8] ^= 1 << (bit % 8);
            refused += usize::from(!agree(&case(&format!("signature bit {bit}")), &pk, &msg, &s2));
            if !msg.is_empty() {
                let bit = rng.next_u32() as usize % (msg.len() * 8);
                let mut m2 = msg.clone();
                m2[bit / 8] ^= 1 << (bit % 8);
                refused += usize::from(!agree(&case(&format!("message bit {bit}")), &pk, &m2, &sig));
            }
            let bit = rng.next_u32() as usize % 256;
            let mut k2 = pk;
            k2[bit / 8] ^= 1 << (bit % 8);
            refused += usize::from(!agree(&case(&format!("key bit {bit}")), &k2, &msg, &sig));

            // S + L: the same equation, S not reduced.
            let mut s_plus_l = sig;
            let mut carry = 0u16;
            for (out, l) in s_plus_l[32..].iter_mut().zip(&l_bytes) {
                let v = u16::from(*out) + u16::from(*l) + carry;
                *out = v as u8;
                carry = v >> 8;
            }
            refused += usize::from(!agree(&case("S + L"), &pk, &msg, &s_plus_l));

            // R moved by each torsion point: the same equation mod the torsion.
            let r = CompressedEdwardsY(sig[..32].try_into().unwrap()).decompress().unwrap();
            for (t, torsion) in EIGHT_TORSION.iter().enumerate().skip(1) {
                let mut r2 = sig;
                r2[..32].copy_from_slice(&(r + torsion).compress().0);
                refused += usize::from(!agree(&case(&format!("R + T{t}")), &pk, &msg, &r2));
            }

            // Random R, random S, and small-order R with the honest S.
            let mut random = sig;
            rng.fill_bytes(&mut random[..32]);
            refused += usize::from(!agree(&case("random R"), &pk, &msg, &random));
            let mut random = sig;
            rng.fill_bytes(&mut random[32..]);
            random[63] &= 0x1f;
            refused += usize::from(!agree(&case("random S"), &pk, &msg, &random));
            for (t, torsion) in EIGHT_TORSION.iter().enumerate() {
                let mut small = sig;
                small[..32].copy_from_slice(&torsion.compress().0);
                refused += usize::from(!agree(&case(&format!("R = T{t}")), &pk, &msg, &small));
            }
        }
    }
    assert_eq!(accepted, 300);
    assert!(refused > 300 * 15, "{refused} refusals");
}

#[test]
fn signatures_made_from_scalars_agree_including_an_identity_r_that_satisfies_the_equation() {
    let mut rng = ChaCha20Rng::seed_from_u64(7);
    for n in 0..40 {
        // A key [a]B from any scalar, not from a seed.
        let a = random_scalar(&mut rng);
        let pk = EdwardsPoint::mul_base(&a).compress().0;
        let msg = random_message(&mut rng);
        let nonce = random_scalar(&mut rng);
        assert!(agree(&format!("scalar key {n}"), &pk, &msg, &sign_with_scalars(&a, &pk, &nonce, &msg)));
        // Nonce 0: R is the identity and [S]B = R + [k]A holds. verify_strict
        // refuses a small-order R, and so must we.
        let identity = sign_with_scalars(&a, &pk, &Scalar::ZERO, &msg);
        let mut one = [0u8; 32];
        one[0] = 1;
        assert_eq!(identity[..32], one);
        assert!(!agree(&format!("scalar key {n}, identity R"), &pk, &msg, &identity));
        // A non-canonical encoding of that identity (y = p + 1) is refused by its bytes.
        let mut wide = identity;
        wide[..32].fill(0xff);
        wide[0] = 0xee;
        wide[31] = 0x7f;
        assert_eq!(verify_ed25519(&pk, &msg, &wide), Err(SignatureError::NonCanonicalR));
        assert!(!agree(&format!("scalar key {n}, identity R as y = p + 1"), &pk, &msg, &wide));
    }
}

#[test]
fn the_verifiers_keys_verify_like_the_one_shot_function() {
    // `PublicKey::verify` (keys of a trust list) keeps each key's table in
    // the key; interleaving keys, each used again, must not mix them up.
    let keys: Vec<SecretKey> = (1..=5u8).map(|i| SecretKey::from_seed(&[i; 32])).collect();
    let signers: Vec<SigningKey> = (1..=5u8).map(|i| SigningKey::from_bytes(&[i; 32])).collect();
    for round in 0..3 {
        for (i, signer) in signers.iter().enumerate() {
            let msg = format!("certificate {round} of issuer {i}");
            let sig = signer.sign(msg.as_bytes()).to_bytes();
            for (j, other) in keys.iter().enumerate() {
                let verdict = other.public_key().verify(msg.as_bytes(), &sig);
                assert_eq!(verdict.is_ok(), i == j, "signature of {i} under key {j}: {verdict:?}");
                assert_eq!(verdict, verify_ed25519(other.public_key().as_bytes(), msg.as_bytes(), &sig));
            }
        }
    }
}
