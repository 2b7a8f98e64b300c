// The property of the `ed25519` fuzz target: `cachet::signature::verify_ed25519`
// against ed25519-dalek's `verify_strict` on arbitrary inputs, and
// `cachet::keys::PublicKey::verify` (a key's first verification, over small
// tables, then its second and third, over the table it keeps) against
// `verify_ed25519` (no table).
//
// `include!`d twice: by the fuzz target (`fuzz/fuzz_targets/ed25519.rs`) and
// by `tests/ed25519_fuzz_corpus.rs`, which replays the committed corpus
// (`fuzz/corpus/ed25519/`) with a plain `cargo test`. It uses only `cachet`,
// `ed25519-dalek`, `curve25519-dalek` and `sha2`, which both have.
//
// The two verifiers must agree on every input, except where the documented
// stricter key rule applies (src/signature.rs): Cachet refuses a public key
// that is not a canonical encoding or that has a small-order component,
// where `verify_strict` refuses only keys of small order. So:
// - Cachet never accepts what `verify_strict` refuses;
// - when the key passes `check_public_key`, the verdicts are equal;
// - when Cachet refuses a key `verify_strict` accepts a signature under, the
//   reason is one of the two key rules, and the key is indeed not canonical
//   or not torsion-free.
//
// The first byte picks how the rest is read, so that the fuzzer reaches
// honest signatures and keys with torsion, not only random bytes:
// - `0 mod 4`: key (32), signature (64), message (the rest), as given;
// - `1 mod 4`: a secret scalar's 32 bytes and a message: an honest signature;
// - `2 mod 4`: the same, then 96 bytes XORed onto key and signature;
// - `3 mod 4`: a secret scalar, one byte picking a point of the 8-torsion
//   added to the key, and a message: a signature made as an honest signer
//   with that mixed-order key would make it (`verify_strict` accepts one in
//   eight of them; Cachet, none).
//
// Returns `accepted`, `refused` or `refused-key-policy` (a refusal that
// `verify_strict` accepts), the names the corpus files start with.

use cachet::keys::PublicKey;
use cachet::signature::{check_public_key, verify_ed25519, SignatureError};
use curve25519_dalek::constants::EIGHT_TORSION;
use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use curve25519_dalek::Scalar;
use ed25519_dalek::{Signature, VerifyingKey};
use sha2::{Digest, Sha512};

/// Reads `N` bytes from the front of `data`, zero-padded.
fn take<const N: usize>(data: &mut &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    let n = data.len().min(N);
    out[..n].copy_from_slice(&data[..n]);
    *data = &data[n..];
    out
}

/// `k = SHA-512(R || A || M) mod L`.
fn challenge(r: &[u8; 32], a: &[u8; 32], msg: &[u8]) -> Scalar {
    Scalar::from_bytes_mod_order_wide(
        &Sha512::new().chain_update(r).chain_update(a).chain_update(msg).finalize().into(),
    )
}

/// A Schnorr signature made from the secret scalar `a` for the key bytes
/// `pk` (which may be `[a]B` plus a torsion point), nonce derived from the
/// inputs as RFC 8032 derives it from the secret.
fn sign(a: &Scalar, pk: &[u8; 32], msg: &[u8]) -> [u8; 64] {
    let nonce = Scalar::from_bytes_mod_order_wide(
        &Sha512::new().chain_update(a.as_bytes()).chain_update(msg).finalize().into(),
    );
    let r = EdwardsPoint::mul_base(&nonce).compress().0;
    let s = nonce + challenge(&r, pk, msg) * a;
    let mut sig = [0u8; 64];
    sig[..32].copy_from_slice(&r);
    sig[32..].copy_from_slice(s.as_bytes());
    sig
}

/// The key, signature and message an input describes.
fn case(data: &[u8]) -> ([u8; 32], [u8; 64], Vec<u8>) {
    let Some((&mode, mut rest)) = data.split_first() else {
        return ([0; 32], [0; 64], Vec::new());
    };
    match mode % 4 {
        0 => {
            let pk = take::<32>(&mut rest);
            let sig = take::<64>(&mut rest);
            (pk, sig, rest.to_vec())
        }
        1 | 2 => {
            let a = Scalar::from_bytes_mod_order(take::<32>(&mut rest));
            let mask = if mode % 4 == 2 { take::<96>(&mut rest) } else { [0; 96] };
            let mut pk = EdwardsPoint::mul_base(&a).compress().0;
            let mut sig = sign(&a, &pk, rest);
            for (byte, m) in pk.iter_mut().chain(sig.iter_mut()).zip(mask) {
                *byte ^= m;
            }
            (pk, sig, rest.to_vec())
        }
        _ => {
            let a = Scalar::from_bytes_mod_order(take::<32>(&mut rest));
            let [t] = take::<1>(&mut rest);
            let point = EdwardsPoint::mul_base(&a) + EIGHT_TORSION[usize::from(t % 8)];
            let pk = point.compress().0;
            (pk, sign(&a, &pk, rest), rest.to_vec())
        }
    }
}

/// `verify_strict`'s verdict, for a key it can read.
fn strict(pk: &[u8; 32], sig: &[u8; 64], msg: &[u8]) -> bool {
    VerifyingKey::from_bytes(pk).is_ok_and(|key| key.verify_strict(msg, &Signature::from_bytes(sig)).is_ok())
}

/// Whether the key bytes are a canonical encoding of a point with no
/// small-order component: what `check_public_key` demands.
fn key_is_prime_order(pk: &[u8; 32]) -> bool {
    let compressed = CompressedEdwardsY(*pk);
    compressed.decompress().is_some_and(|p| p.compress() == compressed && !p.is_small_order() && p.is_torsion_free())
}

pub fn ed25519(data: &[u8]) -> &'static str {
    let (pk, sig, msg) = case(data);
    let ours = verify_ed25519(&pk, &msg, &sig);
    let theirs = strict(&pk, &sig, &msg);
    let key_ok = check_public_key(&pk).is_ok();
    assert_eq!(key_ok, key_is_prime_order(&pk), "check_public_key disagrees with the key rule on {pk:02x?}");
    // A trust list's keys verify over small tables the first time, then
    // over their kept table; `verify_ed25519` without one: the same
    // verdict, reason included, each time.
    if let Ok(key) = PublicKey::from_bytes(&pk) {
        for round in ["first, small tables", "second, the key's table made", "third, the key's table kept"] {
            assert_eq!(key.verify(&msg, &sig), ours, "PublicKey::verify ({round}) and verify_ed25519 disagree");
        }
    }
    match ours {
        Ok(()) => {
            assert!(theirs, "Cachet accepted what verify_strict refuses");
            "accepted"
        }
        Err(e) if key_ok => {
            assert!(!theirs, "verify_strict accepted what Cachet refused with {e} under a key it accepts");
            "refused"
        }
        Err(e) => {
            assert!(
                matches!(e, SignatureError::NonCanonicalKey | SignatureError::KeyNotTorsionFree),
                "a key the policy refuses gave {e}"
            );
            if theirs {
                "refused-key-policy"
            } else {
                "refused"
            }
        }
    }
}
