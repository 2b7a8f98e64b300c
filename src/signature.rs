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
//! 4. the cofactorless equation `[S]B = R + [k]A` must hold, with
//!    `k = SHA-512(R || A || M) mod L`.
//!
//! Rules 3 and 4, and rule 1 for `R`, are those of
//! `ed25519_dalek::VerifyingKey::verify_strict`. The key rules are stricter:
//! `verify_strict` refuses only keys *of* small order, and accepts a key
//! with a small-order *component* (`[a]B + T`, `T` in the 8-torsion), under
//! which one honest-looking signature in eight (those whose `k` kills `T`)
//! passes; it also reads a key encoded with `y ≥ p`. This policy refuses
//! such keys outright, once, when a trust list is loaded. Under a key this
//! policy accepts, the verdicts are `verify_strict`'s: the property test in
//! `tests/ed25519_fixed_base.rs` compares the two on random and mutated
//! signatures, and the `ed25519` fuzz target (its corpus replayed by
//! `tests/ed25519_fuzz_corpus.rs`) on arbitrary inputs, where they differ
//! only on the keys above. The check is computed as `R' = [S]B - [k]A`, then
//! `R'`'s encoding is compared with `R`'s bytes, which also checks that `R`
//! is canonical. A verifier's key ([`crate::keys::PublicKey::verify`])
//! computes `R'` faster from its second verification on, with two
//! fixed-base multiplications over tables of multiples of `B` and `-A` (no
//! chain of 250 doublings). The table of `B` is a constant of the curve,
//! made once per process when a key first needs it; the table of `-A`
//! (40 KB) belongs to the key: made at its second verification and kept
//! with it, in the trust list that holds it, so this module keeps no state
//! of its own per key. A key's first verification makes no table: it
//! computes `R'` over small tables of four multiples of `B` and `-A`
//! (Straus, radix 8), in about half the time of a verification that makes
//! the key's table (natively 68 against 123 µs, `cargo bench --bench
//! core`); [`verify_ed25519`] (one key for one signature) makes none
//! either, with curve25519-dalek's double-base multiplication. A page's
//! first verdict checks each key it uses once (the root's signature
//! on the trust list, the status key's on a status document, the issuer's
//! on the certificate): it makes no table at all. All ways give the same
//! verdicts (the property test and the fuzz target compare them).
//!
//! Every signature an honest RFC 8032 signer makes passes; no signature is
//! malleable, and two verifiers that follow this rule agree on every input.
//! The project pins the verdict on Wycheproof, SUPERCOP's `sign.input` and
//! the speccheck cases (`tests/ed25519_vectors.rs`), so a dependency upgrade
//! that changes a rule fails the build.

use crate::code::Code;
use curve25519_dalek::constants::ED25519_BASEPOINT_POINT;
use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use curve25519_dalek::traits::Identity;
use curve25519_dalek::Scalar;
use ed25519_dalek::VerifyingKey;
use sha2::{Digest, Sha512};
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

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
    /// Its code, for reports.
    pub fn as_code(self) -> Code {
        match self {
            SignatureError::BadLength => Code::SignatureBadLength,
            SignatureError::NonCanonicalKey => Code::KeyNonCanonical,
            SignatureError::KeyNotTorsionFree => Code::KeyNotTorsionFree,
            SignatureError::NonCanonicalR => Code::RNonCanonical,
            SignatureError::Mismatch => Code::SignatureMismatch,
        }
    }

    /// Stable code, for reports: the text of [`SignatureError::as_code`].
    pub fn code(self) -> &'static str {
        self.as_code().as_str()
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
/// Returns the key ready to verify with. This costs about one verification,
/// nearly all of it the torsion check ([`is_torsion_free`]).
pub fn check_public_key(public_key: &[u8]) -> Result<VerifyingKey, SignatureError> {
    let key = check_public_key_encoding(public_key)?;
    if !is_torsion_free(&key) {
        return Err(SignatureError::KeyNotTorsionFree);
    }
    Ok(key)
}

/// The checks of [`check_public_key`] but the torsion check: a canonical
/// encoding of a point not of small order (a tenth of the cost). A trust
/// list's issuer keys pass these when the list is loaded and the torsion
/// check at their first verification ([`crate::keys::PublicKey::verify`]):
/// a list of a hundred keys, of which a visit uses one, is then loaded at a
/// hundredth of the cost of the whole checks.
pub fn check_public_key_encoding(public_key: &[u8]) -> Result<VerifyingKey, SignatureError> {
    let pk: [u8; 32] = public_key.try_into().map_err(|_| SignatureError::BadLength)?;
    let compressed = CompressedEdwardsY(pk);
    let point = compressed.decompress().ok_or(SignatureError::NonCanonicalKey)?;
    // Both ways a point has another encoding (y ≥ p, or x = 0 with the sign
    // bit set) come back different when compressed again.
    if point.compress() != compressed {
        return Err(SignatureError::NonCanonicalKey);
    }
    if point.is_small_order() {
        return Err(SignatureError::KeyNotTorsionFree);
    }
    VerifyingKey::from_bytes(&pk).map_err(|_| SignatureError::NonCanonicalKey)
}

/// Whether a key lies in the prime-order subgroup (`[L]A` is the identity):
/// rule 2 for `A`, one scalar multiplication.
pub fn is_torsion_free(key: &VerifyingKey) -> bool {
    key.to_edwards().is_torsion_free()
}

/// Multiples of a point `P` for a fixed-base multiplication: row `i` holds
/// `[1]Q .. [8]Q` with `Q = [256^i]P`, for `i` in `0..32` (40 KB: 256 points
/// in extended coordinates).
///
/// Not constant-time, on purpose: verification handles only public data (the
/// key, the message, the signature), so the digits of the scalars may pick
/// table entries and skip zeros openly.
struct FixedBaseTable(Box<[[EdwardsPoint; 8]; 32]>);

impl FixedBaseTable {
    /// The table of `point`: 256 additions and 256 doublings, no inversion
    /// (a few verifications' worth, once per key).
    fn new(point: &EdwardsPoint) -> FixedBaseTable {
        let mut rows = Box::new([[EdwardsPoint::identity(); 8]; 32]);
        let mut q = *point;
        for row in rows.iter_mut() {
            let mut multiple = q;
            for entry in row.iter_mut() {
                *entry = multiple;
                multiple += &q;
            }
            for _ in 0..8 {
                q = q + q;
            }
        }
        FixedBaseTable(rows)
    }

    /// The table of the Ed25519 base point `B`, made on first use.
    fn base_point() -> &'static FixedBaseTable {
        static TABLE: OnceLock<FixedBaseTable> = OnceLock::new();
        TABLE.get_or_init(|| FixedBaseTable::new(&ED25519_BASEPOINT_POINT))
    }

    /// Adds `[digit]Q_row` to `sum`, for a digit in `-8..=8`.
    fn add_multiple(&self, sum: &mut EdwardsPoint, row: usize, digit: i8) {
        let Some(entry) = self.0.get(row).and_then(|r| r.get(usize::from(digit.unsigned_abs()).wrapping_sub(1))) else {
            return; // digit 0: nothing to add
        };
        if digit > 0 {
            *sum += entry;
        } else {
            *sum -= entry;
        }
    }
}

/// The 64 signed radix-16 digits of a reduced scalar (`< L < 2^253`):
/// `s = sum d_i 16^i` with `d_i` in `-8..8` and `d_63` in `0..=2`.
fn radix_16(s: &Scalar) -> [i8; 64] {
    let mut digits = [0i8; 64];
    for (pair, byte) in digits.chunks_exact_mut(2).zip(s.as_bytes()) {
        // Both nibbles are below 16: the casts are exact.
        if let [low, high] = pair {
            *low = (byte & 15) as i8;
            *high = (byte >> 4) as i8;
        }
    }
    let mut carry = 0i8;
    for d in digits.iter_mut() {
        let v = *d + carry;
        carry = (v + 8) >> 4;
        *d = v - (carry << 4);
    }
    // The top nibble of a reduced scalar is at most 1: with the carry from
    // below the top digit is at most 2 and no carry is left over.
    digits
}

/// `[a]P + [b]Q` from the tables of `P` and `Q`, both scalars reduced.
/// Odd digits first, then `[16]` (4 doublings), then the even digits:
/// with `16^(2i+1) = 16 * 256^i`, one table row serves both.
fn double_fixed_base(p: &FixedBaseTable, a: &Scalar, q: &FixedBaseTable, b: &Scalar) -> EdwardsPoint {
    let (da, db) = (radix_16(a), radix_16(b));
    let mut sum = EdwardsPoint::identity();
    for parity in [1, 0] {
        if parity == 0 {
            for _ in 0..4 {
                sum = sum + sum;
            }
        }
        for (i, (x, y)) in da.iter().zip(&db).enumerate().filter(|(i, _)| i % 2 == parity) {
            p.add_multiple(&mut sum, i / 2, *x);
            q.add_multiple(&mut sum, i / 2, *y);
        }
    }
    sum
}

/// The 85 signed radix-8 digits of a reduced scalar (`< L < 2^253`):
/// `s = sum d_i 8^i` with `d_i` in `-4..4`.
fn radix_8(s: &Scalar) -> [i8; 85] {
    let bytes = s.as_bytes();
    let mut digits = [0i8; 85];
    for (i, d) in digits.iter_mut().enumerate() {
        let (byte, shift) = ((i * 3) / 8, (i * 3) % 8);
        let low = u16::from(bytes.get(byte).copied().unwrap_or(0));
        let high = u16::from(bytes.get(byte + 1).copied().unwrap_or(0));
        // Three bits: the cast is exact.
        *d = (((low | high << 8) >> shift) & 7) as i8;
    }
    let mut carry = 0i8;
    for d in digits.iter_mut() {
        let v = *d + carry;
        carry = (v + 4) >> 3;
        *d = v - (carry << 3);
    }
    // A reduced scalar has 253 bits: the top digit is at most 2 and no
    // carry is left over.
    digits
}

/// `[1]P .. [4]P`.
fn small_table(p: &EdwardsPoint) -> [EdwardsPoint; 4] {
    let p2 = p + p;
    let p3 = p2 + p;
    let p4 = p2 + p2;
    [*p, p2, p3, p4]
}

/// Adds `[digit]P` to `sum` from `P`'s small table, for a digit in `-4..=4`.
fn add_small(sum: &mut EdwardsPoint, table: &[EdwardsPoint; 4], digit: i8) {
    let Some(entry) = table.get(usize::from(digit.unsigned_abs()).wrapping_sub(1)) else {
        return; // digit 0
    };
    if digit > 0 {
        *sum += entry;
    } else {
        *sum -= entry;
    }
}

/// `[a]P + [b]Q` without kept tables (Straus: both scalars' 85 radix-8
/// digits over one chain of 255 doublings, three at a time with the
/// curve's own doubling, `[8]` being `mul_by_cofactor`): a key's first
/// verification. About half the time of a verification that makes the
/// key's table, and no 40 KB kept.
fn double_small_tables(p: &EdwardsPoint, a: &Scalar, q: &EdwardsPoint, b: &Scalar) -> EdwardsPoint {
    let (da, db) = (radix_8(a), radix_8(b));
    let (tp, tq) = (small_table(p), small_table(q));
    let mut sum = EdwardsPoint::identity();
    for (x, y) in da.iter().zip(&db).rev() {
        sum = sum.mul_by_cofactor();
        add_small(&mut sum, &tp, *x);
        add_small(&mut sum, &tq, *y);
    }
    sum
}

/// The table of `-A` for one checked key, made at the key's second
/// verification with it (about three verifications' worth of work, 40 KB)
/// and kept by whoever holds the key: a [`crate::keys::PublicKey`] owns one,
/// shared by its clones, so the trust list that holds an issuer's key holds
/// its table too, and drops it with the list. Keys that never sign cost no
/// table (a trust list of many issuers loads no slower), and neither do
/// keys that verify once (a page's link). The table depends only on the
/// key, so keeping it changes no verdict.
#[derive(Default)]
pub(crate) struct KeyTable {
    table: OnceLock<FixedBaseTable>,
    /// Whether the key verified once already (without a table).
    used: AtomicBool,
}

impl KeyTable {
    /// The table of `-A` for `key`, made on first use. `key` must be the
    /// one key this table is kept for (its holder passes it each time).
    fn of(&self, key: &VerifyingKey) -> &FixedBaseTable {
        self.table.get_or_init(|| FixedBaseTable::new(&-key.to_edwards()))
    }

    /// Whether the table was made (for the tests of who pays for it).
    #[cfg(test)]
    pub(crate) fn is_made(&self) -> bool {
        self.table.get().is_some()
    }
}

/// Verifies with a key that already passed [`check_public_key`] (a
/// [`crate::keys::PublicKey`] has, its deferred torsion check made before
/// it calls this): rules 2 to 4 for `R` and `S`, with `R' = [S]B - [k]A`
/// computed, at the key's first verification that gets that far (a
/// signature of the wrong length or with a non-canonical `R` or `S` does
/// not count), over small tables ([`double_small_tables`]), and from its
/// second on over the base point's table and `table`, the kept table of
/// this key.
///
/// Measured in the verify-only wasm under Node (the fixtures' trust list of
/// five keys, one certificate): loading the list 0.94 ms and the first
/// verification 0.61 ms, against 1.83 and 1.06 ms when the first
/// verification made the tables; a verification over tables made 0.19 ms.
pub(crate) fn verify_with_checked_key(
    key: &VerifyingKey,
    table: &KeyTable,
    message: &[u8],
    signature: &[u8],
) -> Result<(), SignatureError> {
    verify_with(key, message, signature, |s, k| {
        if table.table.get().is_none() && !table.used.swap(true, Ordering::Relaxed) {
            double_small_tables(&ED25519_BASEPOINT_POINT, s, &-key.to_edwards(), k)
        } else {
            double_fixed_base(FixedBaseTable::base_point(), s, table.of(key), k)
        }
    })
}

/// Rules 2 to 4 for `R` and `S` under a checked key, `R' = [S]B - [k]A`
/// computed by `expected_r(S, k)`.
///
/// `R` needs no decoding and no torsion check of its own. `R' = [S]B - [k]A`
/// is in the prime-order subgroup (`A` and `B` are), and the signature passes
/// only when `R'`'s canonical encoding equals `R`'s 32 bytes: so `R` is
/// canonical, decodes to `R'` and is torsion-free. The only small-order point
/// of that subgroup is the identity, refused by its bytes, as `verify_strict`
/// refuses every small-order `R`.
fn verify_with(
    key: &VerifyingKey,
    message: &[u8],
    signature: &[u8],
    expected_r: impl FnOnce(&Scalar, &Scalar) -> EdwardsPoint,
) -> Result<(), SignatureError> {
    let sig: &[u8; SIGNATURE_LENGTH] = signature.try_into().map_err(|_| SignatureError::BadLength)?;
    let (r, s) = sig.split_at(32);
    let r: [u8; 32] = r.try_into().map_err(|_| SignatureError::BadLength)?;
    let s: [u8; 32] = s.try_into().map_err(|_| SignatureError::BadLength)?;
    if !y_is_canonical(&r) {
        return Err(SignatureError::NonCanonicalR);
    }
    let s = Option::<Scalar>::from(Scalar::from_canonical_bytes(s)).ok_or(SignatureError::Mismatch)?;
    let hash = Sha512::new().chain_update(r).chain_update(key.as_bytes()).chain_update(message).finalize();
    let k = Scalar::from_bytes_mod_order_wide(&hash.into());
    if expected_r(&s, &k).compress().0 != r || r == IDENTITY {
        return Err(SignatureError::Mismatch);
    }
    Ok(())
}

/// The encoding of the identity point `(0, 1)`.
const IDENTITY: [u8; 32] = {
    let mut id = [0u8; 32];
    id[0] = 1;
    id
};

/// Verifies an Ed25519 signature on `message` under `public_key`, with the
/// strict policy of this module. This is exactly the check the verifier
/// makes (it runs [`check_public_key`] once per key, the torsion check of
/// a trust list's issuer key at its first verification, and the rest of
/// this check for each certificate), exposed so that anyone
/// can run further test vectors against it. It keeps nothing: `[S]B - [k]A`
/// is computed with curve25519-dalek's double-base multiplication, with the
/// same verdicts as the kept tables of [`crate::keys::PublicKey::verify`]
/// (`tests/ed25519_fixed_base.rs` compares the two).
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
    // One key, one use: no table of `-A` (it costs more than it saves on a
    // single verification); curve25519-dalek's `[k](-A) + [S]B` instead.
    let minus_a = -key.to_edwards();
    verify_with(&key, message, signature, |s, k| EdwardsPoint::vartime_double_scalar_mul_basepoint(k, &minus_a, s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signer, SigningKey};

    /// Scalars at the edges of the digit recodings: 0, 1, 7, 8, 2^252 (the top
    /// digits at their largest), L - 1 (the largest reduced scalar), and some
    /// from a hash.
    fn edge_scalars() -> Vec<Scalar> {
        let mut top = [0u8; 32];
        top[31] = 0x10; // 2^252
        let mut out = vec![
            Scalar::ZERO,
            Scalar::ONE,
            Scalar::from(7u8),
            Scalar::from(8u8),
            Scalar::from_bytes_mod_order(top),
            -Scalar::ONE,
        ];
        for i in 0u8..6 {
            out.push(Scalar::from_bytes_mod_order_wide(&Sha512::digest([i]).into()));
        }
        out
    }

    #[test]
    fn the_digit_recodings_give_back_each_scalar() {
        for s in edge_scalars() {
            let from_8 = radix_8(&s).iter().rev().fold(Scalar::ZERO, |acc, d| {
                let digit = Scalar::from(d.unsigned_abs());
                acc * Scalar::from(8u8) + if *d < 0 { -digit } else { digit }
            });
            assert_eq!(from_8, s, "radix 8");
            assert!(radix_8(&s).iter().all(|d| (-4..=4).contains(d)), "radix-8 digits in -4..=4");
            let from_16 = radix_16(&s).iter().rev().fold(Scalar::ZERO, |acc, d| {
                let digit = Scalar::from(d.unsigned_abs());
                acc * Scalar::from(16u8) + if *d < 0 { -digit } else { digit }
            });
            assert_eq!(from_16, s, "radix 16");
        }
    }

    #[test]
    fn both_multiplications_agree_with_the_curve_at_the_edges() {
        let q = EdwardsPoint::mul_base(&Scalar::from_bytes_mod_order_wide(&Sha512::digest(b"Q").into()));
        let (tb, tq) = (FixedBaseTable::new(&ED25519_BASEPOINT_POINT), FixedBaseTable::new(&q));
        for a in edge_scalars() {
            for b in edge_scalars() {
                let expected = EdwardsPoint::mul_base(&a) + q * b;
                assert_eq!(double_small_tables(&ED25519_BASEPOINT_POINT, &a, &q, &b), expected, "small tables");
                assert_eq!(double_fixed_base(&tb, &a, &tq, &b), expected, "fixed-base tables");
            }
        }
    }

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
