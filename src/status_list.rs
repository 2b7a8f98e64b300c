//! Certificate status by index (TRUST.md, "Status by index"; FORMAT.md,
//! "Status claim"): the claim that gives a certificate its place in its
//! issuer key's status list, the keyed permutation that assigns those
//! places, and the revoked places of one key coded as a Rice-coded sorted
//! set.
//!
//! The claim is the `status` claim of the IETF Token Status List
//! (draft-ietf-oauth-status-list, CWT form): claim 65535, a map
//! `{"status_list": {"idx": uint, "uri": tstr}}`. The verifier takes the
//! status from its trust list, where each issuer key may carry its index
//! space (`status_capacity`) and its revoked indices (`revoked_indices`): the
//! sorted indices, each gap coded in Rice's code with a parameter fixed by
//! the count and the capacity. A million revoked among twenty million cost
//! about 5.8 bits each, within about 1 % of the entropy bound, where the
//! draft's deflated bitstring costs more (TRUST.md gives the measures).
//!
//! Exact: an index is revoked if and only if it is in the set.

use crate::code::Code;
use crate::keys::SecretKey;
use crate::status::Lang;
use crate::text::b64;
use sha2::{Digest, Sha512};
use std::fmt;

/// CWT claim key of `status` (draft-ietf-oauth-status-list, IANA CWT Claims registry).
pub const CLAIM_STATUS: i64 = 65_535;
/// The status mechanism's name inside the claim.
pub const STATUS_LIST: &str = "status_list";
/// The longest `uri` a certificate may carry, in bytes.
pub const MAX_URI_LEN: usize = 64;
/// The `uri` Cachet's issuers write: the scheme `cc` alone, 3 bytes, so that
/// a typical certificate stays within QR version 13 (FORMAT.md, "Sizes"; at
/// 4 bytes the `qrcode` crate needs version 14). It names the status
/// mechanism, not a place to fetch: a verifier takes the status from its
/// trust list, where the signing key's entry holds it.
pub const DEFAULT_URI: &str = "cc:";
/// A key's index space when the issuer does not choose one: 2^20
/// (1,048,576), room for the certificates of a large académie's year (a key
/// signs about 670,000 when 20 million are spread over 30 keys). Every
/// revoked index costs about `log2(capacity / revoked) + 1.5` bits, so a
/// capacity close to what the key will sign keeps the list small
/// (TRUST.md, "Status by index").
pub const DEFAULT_CAPACITY: u32 = 1 << 20;

/// Entries between two sampled positions of the lookup structure.
const SAMPLE_EVERY: usize = 64;
/// Bytes before the coded gaps: the count (u32, big-endian) and `k`.
const HEADER_LEN: usize = 5;
/// Feistel rounds of the index permutation.
const ROUNDS: u8 = 10;
/// Domain separation of the permutation's key from the signing key.
const INDEX_CONTEXT: &[u8] = b"cachet/status-index/v1";

/// A certificate's `status` claim: its index in its key's status list, and
/// the list's URI (informational for Cachet's verifiers).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StatusRef {
    /// The certificate's index in its issuer key's status list.
    pub idx: u64,
    /// The status list's URI, 1 to [`MAX_URI_LEN`] bytes (see [`uri_is_valid`]).
    pub uri: String,
}

impl StatusRef {
    /// The index `idx` with Cachet's [`DEFAULT_URI`].
    pub fn new(idx: u32) -> StatusRef {
        StatusRef { idx: u64::from(idx), uri: DEFAULT_URI.to_owned() }
    }
}

/// Whether a `uri` may stand in a status claim: 1 to [`MAX_URI_LEN`] bytes
/// of visible ASCII (no space), starting with a URI scheme (RFC 3986 §3.1:
/// a letter, then letters, digits, `+`, `-` or `.`, then `:`).
pub fn uri_is_valid(uri: &str) -> bool {
    let b = uri.as_bytes();
    let scheme_len = b.iter().take_while(|c| c.is_ascii_alphanumeric() || b"+-.".contains(c)).count();
    (1..=MAX_URI_LEN).contains(&b.len())
        && b.first().is_some_and(u8::is_ascii_alphabetic)
        && b.get(scheme_len) == Some(&b':')
        && b.iter().all(|c| (0x21..=0x7e).contains(c))
}

/// Why a status index or a revoked set was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StatusListError {
    /// Not canonical base64url without padding.
    Base64,
    /// Shorter than its header, a count above the capacity, or a `k` other
    /// than the one the count and capacity fix.
    Header,
    /// The bits end before the count's last index.
    Truncated,
    /// An index at or above the capacity.
    OutOfRange,
    /// Bits after the last index beyond the padding of its byte, or padding
    /// bits that are not zero.
    TrailingBits,
    /// Indices given to [`RevokedSet::from_sorted`] not strictly increasing.
    NotSorted,
    /// A capacity of zero.
    CapacityZero,
    /// An ordinal at or above the capacity: the key's index space is used up.
    Exhausted,
}

impl StatusListError {
    /// Every error (tests/codes.rs holds their codes to TRUST.md).
    pub const ALL: [StatusListError; 8] = [
        StatusListError::Base64,
        StatusListError::Header,
        StatusListError::Truncated,
        StatusListError::OutOfRange,
        StatusListError::TrailingBits,
        StatusListError::NotSorted,
        StatusListError::CapacityZero,
        StatusListError::Exhausted,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            StatusListError::Base64 => "status-set-base64",
            StatusListError::Header => "status-set-header",
            StatusListError::Truncated => "status-set-truncated",
            StatusListError::OutOfRange => "status-set-out-of-range",
            StatusListError::TrailingBits => "status-set-trailing-bits",
            StatusListError::NotSorted => "status-set-not-sorted",
            StatusListError::CapacityZero => "status-capacity-zero",
            StatusListError::Exhausted => "status-index-space-exhausted",
        }
    }

    /// What the error means, in one sentence for people (as
    /// [`Code::sentence`]).
    pub fn sentence(self, lang: Lang) -> &'static str {
        let (fr, en) = match self {
            StatusListError::Base64 => (
                "Les index révoqués ne sont pas du base64url canonique.",
                "The revoked indices are not canonical base64url.",
            ),
            StatusListError::Header => (
                "L'en-tête des index révoqués est incorrect : trop court, plus d'index que la capacité, ou un mauvais paramètre de codage.",
                "The revoked indices' header is wrong: too short, more indices than the capacity, or a wrong coding parameter.",
            ),
            StatusListError::Truncated => ("Les index révoqués sont tronqués.", "The revoked indices are cut short."),
            StatusListError::OutOfRange => {
                ("Un index révoqué dépasse la capacité de sa clé.", "A revoked index is beyond its key's capacity.")
            }
            StatusListError::TrailingBits => {
                ("Des bits suivent le dernier index révoqué.", "Bits follow the last revoked index.")
            }
            StatusListError::NotSorted => (
                "Les index donnés ne sont pas rangés dans l'ordre strictement croissant.",
                "The indices given are not in strictly increasing order.",
            ),
            StatusListError::CapacityZero => {
                ("La capacité de statut de la clé vaut 0.", "The key's status capacity is 0.")
            }
            StatusListError::Exhausted => (
                "Tous les index de statut de la clé sont déjà attribués : il faut une nouvelle clé.",
                "Every status index of the key is already given out: a new key is needed.",
            ),
        };
        match lang {
            Lang::Fr => fr,
            Lang::En => en,
        }
    }

    /// The trust-list error code of this error in a list's `revoked_indices`.
    pub fn trust_as_code(self) -> Code {
        match self {
            StatusListError::Base64 | StatusListError::Header | StatusListError::NotSorted => {
                Code::TrustListIndicesEncoding
            }
            StatusListError::Truncated => Code::TrustListIndicesTruncated,
            StatusListError::OutOfRange => Code::TrustListIndicesOutOfRange,
            StatusListError::TrailingBits => Code::TrustListIndicesTrailingBits,
            StatusListError::CapacityZero | StatusListError::Exhausted => Code::TrustListEntryStatusCapacity,
        }
    }

    /// The text of [`StatusListError::trust_as_code`].
    pub fn trust_code(self) -> &'static str {
        self.trust_as_code().as_str()
    }
}

impl fmt::Display for StatusListError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl std::error::Error for StatusListError {}

/// The status index of a key's `ordinal`-th certificate (0, 1, 2, …): a
/// keyed pseudo-random permutation of `[0, capacity)`, so that distinct
/// ordinals get distinct indices and an index says nothing of the order of
/// issuance (nor of a school or a class issued together).
///
/// The permutation is a balanced Feistel network of 10 rounds over the
/// smallest even number of bits that holds `capacity`, walked in cycles
/// until it lands below `capacity`; its round function is SHA-512 under a
/// key derived from the signing key with the context
/// `cachet/status-index/v1`. Only the key's holder can compute it, and the
/// same key, ordinal and capacity always give the same index.
pub fn status_index(key: &SecretKey, ordinal: u64, capacity: u32) -> Result<u32, StatusListError> {
    status_index_keyed(&IndexKey::of_seed(key), ordinal, capacity)
}

/// The fixed message whose Ed25519 signature keys the index permutation of
/// a key held in a hardware module (see [`IndexKey::from_signature`]). It
/// is no certificate (COSE's `Sig_structure`, a CBOR array), no trust list
/// (`cachet trust list v1\n…`) and no status document (`cachet status
/// v1\n…`): no verifier accepts its signature as any of them.
pub const INDEX_KEY_MESSAGE: &[u8] = b"cachet status index key v1\n";

/// Domain separation of the permutation's key from the signature of
/// [`INDEX_KEY_MESSAGE`].
const INDEX_SIGNATURE_CONTEXT: &[u8] = b"cachet/status-index/signature/v1";

/// The 32-byte key of a key's index permutation ([`status_index_keyed`]).
///
/// Two derivations, which give different permutations of one key:
/// - [`IndexKey::of_seed`], from the secret key's seed, that of
///   [`status_index`] and of every index issued with a secret key file;
/// - [`IndexKey::from_signature`], from the key's Ed25519 signature of
///   [`INDEX_KEY_MESSAGE`], for a key in a module, which never gives its
///   seed but signs. Ed25519 is deterministic (RFC 8032): the signature is
///   the same every time, and only the key's holder can make it.
#[derive(Clone, PartialEq, Eq)]
pub struct IndexKey([u8; 32]);

impl IndexKey {
    /// From the secret key's seed: `SHA-512("cachet/status-index/v1" ‖ seed)`,
    /// its first 32 bytes.
    pub fn of_seed(key: &SecretKey) -> IndexKey {
        IndexKey(*key.derive_secret(INDEX_CONTEXT).first_chunk().unwrap_or(&[0; 32]))
    }

    /// From the key's signature of [`INDEX_KEY_MESSAGE`]:
    /// `SHA-512("cachet/status-index/signature/v1" ‖ signature)`, its first
    /// 32 bytes. The caller checks the signature (it must verify under the
    /// key, and be the same when made twice).
    pub fn from_signature(signature: &[u8; 64]) -> IndexKey {
        let digest: [u8; 64] =
            Sha512::new().chain_update(INDEX_SIGNATURE_CONTEXT).chain_update(signature).finalize().into();
        IndexKey(*digest.first_chunk().unwrap_or(&[0; 32]))
    }

    /// [`IndexKey::from_signature`] with the signature made by a secret key
    /// file: the same permutation as the key's module gives, for a key whose
    /// indices were first given from a module.
    pub fn by_signature(key: &SecretKey) -> IndexKey {
        IndexKey::from_signature(&key.sign(INDEX_KEY_MESSAGE))
    }
}

impl fmt::Debug for IndexKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("IndexKey(secret hidden)")
    }
}

/// [`status_index`] under a permutation key however derived ([`IndexKey`]).
pub fn status_index_keyed(key: &IndexKey, ordinal: u64, capacity: u32) -> Result<u32, StatusListError> {
    if capacity == 0 {
        return Err(StatusListError::CapacityZero);
    }
    let mut x = u32::try_from(ordinal).ok().filter(|o| *o < capacity).ok_or(StatusListError::Exhausted)?;
    let keyed = Sha512::new().chain_update(key.0);
    let bits = (32 - (capacity - 1).leading_zeros()).max(2);
    let half = bits.div_ceil(2);
    let mask = (1u64 << half) - 1;
    // Cycle walking: the permutation of [0, 2^(2·half)) restricted to
    // [0, capacity) is a permutation of it; at most 4 steps are expected.
    loop {
        let (mut left, mut right) = (u64::from(x) >> half, u64::from(x) & mask);
        for round in 0..ROUNDS {
            let digest = keyed.clone().chain_update([round]).chain_update((right as u32).to_be_bytes()).finalize();
            let f = digest.iter().take(8).fold(0u64, |acc, b| (acc << 8) | u64::from(*b)) & mask;
            (left, right) = (right, left ^ f);
        }
        let y = (left << half) | right;
        if let Some(y) = u32::try_from(y).ok().filter(|y| *y < capacity) {
            return Ok(y);
        }
        x = y as u32;
    }
}

/// The Rice parameter of `count` indices among `capacity`: the optimum for
/// geometric gaps (Kiely's rule, `k = max(0, 1 + ⌊log2(ln(φ−1) / ln(1−p))⌋)`
/// with `p = count / capacity`), computed in integers with
/// `−1/ln(1−p) ≈ (2·capacity − count) / (2·count)`, so that every
/// implementation finds the same `k`.
pub fn rice_parameter(count: u32, capacity: u32) -> u8 {
    if count == 0 {
        return 0;
    }
    let (n, c) = (u64::from(count), u64::from(capacity));
    let ratio = (2 * c).saturating_sub(n) * 4_812 / (2 * n * 10_000);
    if ratio == 0 {
        0
    } else {
        (64 - ratio.leading_zeros()).min(31) as u8
    }
}

/// The revoked indices of one issuer key: a sorted set of indices below its
/// capacity, kept as its Rice code with every 64th index sampled, so that a
/// look-up decodes at most 63 gaps.
#[derive(Clone, PartialEq, Eq)]
pub struct RevokedSet {
    capacity: u32,
    count: u32,
    k: u8,
    /// The coded bytes, header included: exactly what `revoked_indices` decodes to.
    bytes: Vec<u8>,
    /// For every 64th index (0, 64, 128, …): the index, and the bit position
    /// just after its code.
    samples: Vec<(u32, u32)>,
}

impl fmt::Debug for RevokedSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RevokedSet({} of {}, k = {}, {} bytes)", self.count, self.capacity, self.k, self.bytes.len())
    }
}

/// Reads bits, most significant first, from the coded bytes.
struct Bits<'a> {
    bytes: &'a [u8],
    /// The next bit, counted from the start of `bytes`.
    pos: usize,
}

impl Bits<'_> {
    fn end(&self) -> usize {
        self.bytes.len() * 8
    }

    /// At least 57 bits from `pos` in the high bits (zeros past the end).
    fn peek(&self) -> u64 {
        let at = self.pos / 8;
        if let Some(Ok(eight)) = self.bytes.get(at..at + 8).map(<[u8; 8]>::try_from) {
            return u64::from_be_bytes(eight) << (self.pos % 8);
        }
        let mut window = [0u8; 8];
        if let Some(src) = self.bytes.get(at..) {
            let n = src.len().min(8);
            if let (Some(dst), Some(src)) = (window.get_mut(..n), src.get(..n)) {
                dst.copy_from_slice(src);
            }
        }
        u64::from_be_bytes(window) << (self.pos % 8)
    }

    /// One gap: a unary quotient (ones, then a zero) and `k` low bits.
    fn gap(&mut self, k: u8) -> Result<u64, StatusListError> {
        // Most gaps lie within one window: read them from a single peek.
        let window = self.peek();
        let ones = (!window).leading_zeros();
        if ones + 1 + u32::from(k) <= 57 {
            let low = if k == 0 { 0 } else { (window << (ones + 1)) >> (64 - u32::from(k)) };
            self.pos += (ones + 1) as usize + usize::from(k);
            if self.pos > self.end() {
                return Err(StatusListError::Truncated);
            }
            return Ok((u64::from(ones) << k) | low);
        }
        let mut q = 0u64;
        loop {
            let ones = u64::from((!self.peek()).leading_zeros());
            if ones < 57 {
                q += ones;
                self.pos += ones as usize + 1;
                break;
            }
            q += 56;
            self.pos += 56;
            if self.pos >= self.end() {
                return Err(StatusListError::Truncated);
            }
            // No gap in a u32 space is 2^32 or more: stop before q << k could overflow.
            if q >> 32 != 0 {
                return Err(StatusListError::OutOfRange);
            }
        }
        let low = if k == 0 { 0 } else { self.peek() >> (64 - u32::from(k)) };
        self.pos += usize::from(k);
        if self.pos > self.end() {
            return Err(StatusListError::Truncated);
        }
        // q < 2^32 + 56 and k ≤ 31: q << k fits.
        Ok((q << k) | low)
    }
}

/// Writes bits, most significant first.
struct BitWriter {
    bytes: Vec<u8>,
    acc: u64,
    used: u32,
}

impl BitWriter {
    fn push(&mut self, value: u64, n: u32) {
        // n ≤ 32 here: a quotient is written in runs of at most 32 ones.
        self.acc = (self.acc << n) | (value & ((1u64 << n) - 1));
        self.used += n;
        while self.used >= 8 {
            self.used -= 8;
            self.bytes.push((self.acc >> self.used) as u8);
        }
    }

    fn gap(&mut self, gap: u64, k: u8) {
        let mut q = gap >> k;
        while q >= 32 {
            self.push(u64::from(u32::MAX), 32);
            q -= 32;
        }
        self.push(((1u64 << q) - 1) << 1, q as u32 + 1);
        if k > 0 {
            self.push(gap, u32::from(k));
        }
    }

    fn finish(mut self) -> Vec<u8> {
        if self.used > 0 {
            let pad = 8 - self.used;
            self.push(0, pad);
        }
        self.bytes
    }
}

/// The sextet of each byte in base64url, or 0xff for a byte that is none.
// Evaluated by the compiler: an index out of range would fail the build, never panic at run time.
#[allow(clippy::indexing_slicing)]
const SEXTETS: [u8; 256] = {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut table = [0xff; 256];
    let mut i = 0;
    while i < 64 {
        table[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// Strict base64url without padding, by the rules of the crate's own
/// decoder (`text::b64::decode`: no padding, `+` or `/`, no length of 4n+1,
/// no non-zero trailing bits), table-driven: the revoked sets are the
/// largest texts a verifier decodes (about a megabyte of them at a million
/// revoked), and the small decoder's character-by-character match is a
/// third of their decoding in the wasm. `None` for a text it refuses.
fn decode_base64url(text: &str) -> Option<Vec<u8>> {
    let six = |c: u8| u32::from(SEXTETS.get(usize::from(c)).copied().unwrap_or(0xff));
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    let mut chunks = text.as_bytes().chunks_exact(4);
    for chunk in &mut chunks {
        let &[a, b, c, d] = chunk else { return None };
        let (a, b, c, d) = (six(a), six(b), six(c), six(d));
        // 0xff, and only it, has the high bit.
        if (a | b | c | d) & 0x80 != 0 {
            return None;
        }
        let n = (a << 18) | (b << 12) | (c << 6) | d;
        out.extend_from_slice(&[(n >> 16) as u8, (n >> 8) as u8, n as u8]);
    }
    match *chunks.remainder() {
        [] => {}
        [a, b] => {
            let (a, b) = (six(a), six(b));
            if (a | b) & 0x80 != 0 || b & 0x0f != 0 {
                return None;
            }
            out.push(((a << 2) | (b >> 4)) as u8);
        }
        [a, b, c] => {
            let (a, b, c) = (six(a), six(b), six(c));
            if (a | b | c) & 0x80 != 0 || c & 0x03 != 0 {
                return None;
            }
            let n = (a << 18) | (b << 12) | (c << 6);
            out.extend_from_slice(&[(n >> 16) as u8, (n >> 8) as u8]);
        }
        _ => return None,
    }
    Some(out)
}

impl RevokedSet {
    /// No index revoked, among `capacity`.
    pub fn empty(capacity: u32) -> Result<RevokedSet, StatusListError> {
        RevokedSet::from_sorted(&[], capacity)
    }

    /// The set of `indices`, which must be strictly increasing and below
    /// `capacity`.
    pub fn from_sorted(indices: &[u32], capacity: u32) -> Result<RevokedSet, StatusListError> {
        if capacity == 0 {
            return Err(StatusListError::CapacityZero);
        }
        let count = u32::try_from(indices.len()).map_err(|_| StatusListError::OutOfRange)?;
        let k = rice_parameter(count, capacity);
        let mut w = BitWriter { bytes: Vec::with_capacity(HEADER_LEN + indices.len()), acc: 0, used: 0 };
        w.bytes.extend_from_slice(&count.to_be_bytes());
        w.bytes.push(k);
        let mut samples = Vec::with_capacity(indices.len() / SAMPLE_EVERY + 1);
        let mut next = 0u64;
        for (i, &x) in indices.iter().enumerate() {
            if x >= capacity {
                return Err(StatusListError::OutOfRange);
            }
            let gap = u64::from(x).checked_sub(next).ok_or(StatusListError::NotSorted)?;
            w.gap(gap, k);
            if i % SAMPLE_EVERY == 0 {
                let pos = w.bytes.len() * 8 + w.used as usize - HEADER_LEN * 8;
                samples.push((x, u32::try_from(pos).map_err(|_| StatusListError::OutOfRange)?));
            }
            next = u64::from(x) + 1;
        }
        Ok(RevokedSet { capacity, count, k, bytes: w.finish(), samples })
    }

    /// Decodes a `revoked_indices` text for a key of `capacity` indices,
    /// strictly: canonical base64url, the header's `k` the one the count
    /// and capacity fix, every index below the capacity, exactly the count's
    /// indices, and nothing after them but the zero bits that pad their last
    /// byte. Indices are strictly increasing by construction (each is the
    /// previous plus one plus its gap). Decoding is also what builds the
    /// look-up samples.
    pub fn decode(text: &str, capacity: u32) -> Result<RevokedSet, StatusListError> {
        if capacity == 0 {
            return Err(StatusListError::CapacityZero);
        }
        RevokedSet::decode_bytes(decode_base64url(text).ok_or(StatusListError::Base64)?, capacity)
    }

    /// [`RevokedSet::decode`] of the bytes under the base64url: the header
    /// and the coded gaps, by the same rules.
    pub fn decode_bytes(bytes: Vec<u8>, capacity: u32) -> Result<RevokedSet, StatusListError> {
        if capacity == 0 {
            return Err(StatusListError::CapacityZero);
        }
        let stream = bytes.get(HEADER_LEN..).unwrap_or_default();
        let (count, k) = read_header(&bytes, stream.len(), capacity)?;
        let mut samples = Vec::with_capacity(count as usize / SAMPLE_EVERY + 1);
        let mut bits = Bits { bytes: stream, pos: 0 };
        let mut next = 0u64;
        let (end, kk) = (bits.end(), u32::from(k));
        let mut i = 0;
        while i < count as usize {
            // Every gap wholly within one 57-bit window is read from it, as
            // `gap` would read it: one peek for several gaps (about 57 / (k + 2)).
            let window = bits.peek();
            let mut used = 0u32;
            while i < count as usize {
                let w = window << used;
                let ones = (!w).leading_zeros();
                let need = ones + 1 + kk;
                if used + need > 57 {
                    break;
                }
                let low = if k == 0 { 0 } else { (w << (ones + 1)) >> (64 - kk) };
                used += need;
                let pos = bits.pos + used as usize;
                if pos > end {
                    return Err(StatusListError::Truncated);
                }
                let x = next + ((u64::from(ones) << k) | low);
                if x >= u64::from(capacity) {
                    return Err(StatusListError::OutOfRange);
                }
                if i % SAMPLE_EVERY == 0 {
                    samples.push((x as u32, pos as u32));
                }
                next = x + 1;
                i += 1;
            }
            bits.pos += used as usize;
            if used == 0 {
                // A gap longer than a window, read on its own.
                let x = next + bits.gap(k)?;
                if x >= u64::from(capacity) {
                    return Err(StatusListError::OutOfRange);
                }
                if i % SAMPLE_EVERY == 0 {
                    samples.push((x as u32, bits.pos as u32));
                }
                next = x + 1;
                i += 1;
            }
        }
        let rest = bits.end() - bits.pos;
        if rest >= 8 || (rest > 0 && bits.peek() != 0) {
            return Err(StatusListError::TrailingBits);
        }
        Ok(RevokedSet { capacity, count, k, bytes, samples })
    }

    /// The `revoked_indices` text: base64url without padding.
    pub fn encode(&self) -> String {
        b64::encode(&self.bytes)
    }

    /// The coded bytes under the base64url: the header and the gaps.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The size of the key's index space.
    pub fn capacity(&self) -> u32 {
        self.capacity
    }

    /// How many indices are revoked.
    pub fn len(&self) -> usize {
        self.count as usize
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The Rice parameter of the code.
    pub fn rice_parameter(&self) -> u8 {
        self.k
    }

    /// The coded size in bytes, header included (before base64url).
    pub fn coded_len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether `idx` is revoked: one binary search among the samples, then
    /// at most 63 gaps decoded.
    pub fn contains(&self, idx: u32) -> bool {
        let block = self.samples.partition_point(|(x, _)| *x <= idx);
        let Some(&(first, pos)) = block.checked_sub(1).and_then(|b| self.samples.get(b)) else {
            return false;
        };
        if first == idx {
            return true;
        }
        let remaining = (self.count as usize).saturating_sub((block - 1) * SAMPLE_EVERY + 1).min(SAMPLE_EVERY - 1);
        let mut bits = Bits { bytes: self.bytes.get(HEADER_LEN..).unwrap_or_default(), pos: pos as usize };
        let mut x = u64::from(first);
        for _ in 0..remaining {
            // The code was checked when the set was built: a gap always decodes.
            let Ok(gap) = bits.gap(self.k) else { return false };
            x += 1 + gap;
            if x >= u64::from(idx) {
                return x == u64::from(idx);
            }
        }
        false
    }

    /// The indices, in increasing order.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        let mut bits = Bits { bytes: self.bytes.get(HEADER_LEN..).unwrap_or_default(), pos: 0 };
        let mut next = 0u64;
        (0..self.count).map_while(move |_| {
            let x = next + bits.gap(self.k).ok()?;
            next = x + 1;
            u32::try_from(x).ok()
        })
    }

    /// The set as the IETF Token Status List's bitstring with one bit per
    /// index (`bits` 1): index `i` is bit `i % 8` (least significant first)
    /// of byte `i / 8`, 1 when revoked; `capacity / 8` bytes, rounded up.
    /// Deflated (zlib), it is the `lst` of a standard Status List Token.
    pub fn bitstring(&self) -> Vec<u8> {
        let mut bits = vec![0u8; (self.capacity as usize).div_ceil(8)];
        for i in self.iter() {
            if let Some(byte) = bits.get_mut(i as usize / 8) {
                *byte |= 1 << (i % 8);
            }
        }
        bits
    }

    /// This set with `added` revoked and `withdrawn` no longer revoked (in
    /// any order, repeats allowed; an index in both ends up withdrawn). Every
    /// index must be below the capacity.
    pub fn with_changes(&self, added: &[u32], withdrawn: &[u32]) -> Result<RevokedSet, StatusListError> {
        let sorted = |v: &[u32]| -> Result<Vec<u32>, StatusListError> {
            if v.iter().any(|x| *x >= self.capacity) {
                return Err(StatusListError::OutOfRange);
            }
            let mut v = v.to_vec();
            sort_dedup(&mut v);
            Ok(v)
        };
        let (added, withdrawn) = (sorted(added)?, sorted(withdrawn)?);
        let mut merged = Vec::with_capacity(self.len() + added.len());
        let (mut old, mut new) = (self.iter().peekable(), added.into_iter().peekable());
        loop {
            let next = match (old.peek(), new.peek()) {
                (Some(a), Some(b)) if a < b => old.next(),
                (Some(a), Some(b)) if a > b => new.next(),
                (Some(_), Some(_)) => {
                    new.next();
                    old.next()
                }
                (Some(_), None) => old.next(),
                (None, Some(_)) => new.next(),
                (None, None) => break,
            };
            if let Some(x) = next {
                if withdrawn.binary_search(&x).is_err() {
                    merged.push(x);
                }
            }
        }
        RevokedSet::from_sorted(&merged, self.capacity)
    }
}

/// Sorts `v` and drops its repeats: a heapsort, in place, O(n log n) and
/// no allocation. The standard library's sorts are faster on large inputs
/// but cost about 4 KB of wasm for each type sorted, downloaded by every
/// verifier; the verifier sorts only a day's changes and a list's serials
/// (thousands at most), where this takes well under a millisecond.
pub(crate) fn sort_dedup<T: Ord>(v: &mut Vec<T>) {
    fn sift_down<T: Ord>(v: &mut [T], mut root: usize) {
        loop {
            let mut child = 2 * root + 1;
            let Some(left) = v.get(child) else { return };
            if v.get(child + 1).is_some_and(|right| left < right) {
                child += 1;
            }
            if v.get(root) >= v.get(child) {
                return;
            }
            v.swap(root, child);
            root = child;
        }
    }
    for i in (0..v.len() / 2).rev() {
        sift_down(v, i);
    }
    for end in (1..v.len()).rev() {
        v.swap(0, end);
        if let Some(heap) = v.get_mut(..end) {
            sift_down(heap, 0);
        }
    }
    v.dedup();
}

/// The count and Rice parameter of a coded set's header (the first
/// [`HEADER_LEN`] of `bytes`), checked against `capacity` and against the
/// `stream` bytes that follow it: what [`RevokedSet::decode_bytes`] checks
/// before decoding, and [`CodedSet::deferred`] before deferring.
fn read_header(bytes: &[u8], stream: usize, capacity: u32) -> Result<(u32, u8), StatusListError> {
    let header = bytes.get(..HEADER_LEN).ok_or(StatusListError::Header)?;
    let count = header.iter().take(4).fold(0u32, |acc, b| (acc << 8) | u32::from(*b));
    let k = header.get(4).copied().unwrap_or_default();
    if count > capacity || k != rice_parameter(count, capacity) {
        return Err(StatusListError::Header);
    }
    // Bit positions are kept as u32 (far above the 32 MiB of a trust list).
    // Each index takes at least k + 1 bits: a count the bytes cannot hold
    // is refused before anything is allocated for it.
    if stream > (u32::MAX / 8) as usize || u64::from(count) * (u64::from(k) + 1) > stream as u64 * 8 {
        return Err(StatusListError::Truncated);
    }
    Ok((count, k))
}

/// A key's revoked set as a status document gives it, decoded on its first
/// look-up rather than when the document loads: a page applies the whole
/// document it holds on every visit (30 keys' sets, 475 KB at 400,000
/// revoked) and verifies a certificate of one key. [`CodedSet::deferred`]
/// checks at once what costs nothing (the text's length, the header's count
/// and `k`, the bits the count needs); [`CodedSet::get`] decodes the rest
/// by [`RevokedSet::decode`]'s rules, once, and says what is wrong with a
/// set found badly coded then (TRUST.md, "Status documents": the
/// certificates of that key are verified against the list alone, with a
/// warning). Equal when they decode to the same set (or the same error).
#[derive(Clone)]
pub struct CodedSet {
    capacity: u32,
    /// The `revoked_indices` text; empty once given decoded.
    text: Box<str>,
    set: std::sync::OnceLock<Result<RevokedSet, StatusListError>>,
}

impl CodedSet {
    /// A set to decode on first use, for a key of `capacity` indices; the
    /// errors of [`RevokedSet::decode`] that its text's length and header
    /// show are given at once (`Base64` by the text's length or its first
    /// eight characters, `Header`, `Truncated` when the bits are too few for
    /// the count); every other fault, any of the four, at the first
    /// [`CodedSet::get`].
    pub fn deferred(text: &str, capacity: u32) -> Result<CodedSet, StatusListError> {
        if capacity == 0 {
            return Err(StatusListError::CapacityZero);
        }
        let chars = text.len();
        if chars % 4 == 1 {
            return Err(StatusListError::Base64);
        }
        // The header (5 bytes) from the first 8 characters; a shorter text,
        // or a bad character among them, decoded whole at once: its error is
        // the decode's own.
        let Some(bytes) = text.get(..8).and_then(decode_base64url) else {
            return RevokedSet::decode(text, capacity).map(CodedSet::from);
        };
        let coded = chars / 4 * 3 + [0, 0, 1, 2].get(chars % 4).copied().unwrap_or(0);
        read_header(&bytes, coded.saturating_sub(HEADER_LEN), capacity)?;
        Ok(CodedSet { capacity, text: text.into(), set: std::sync::OnceLock::new() })
    }

    /// The set, decoded on the first call; the code's error, if it has one.
    pub fn get(&self) -> Result<&RevokedSet, StatusListError> {
        self.set.get_or_init(|| RevokedSet::decode(&self.text, self.capacity)).as_ref().map_err(|e| *e)
    }

    /// The size of the key's index space.
    pub fn capacity(&self) -> u32 {
        self.capacity
    }
}

impl From<RevokedSet> for CodedSet {
    fn from(set: RevokedSet) -> CodedSet {
        CodedSet { capacity: set.capacity(), text: Box::default(), set: std::sync::OnceLock::from(Ok(set)) }
    }
}

impl PartialEq for CodedSet {
    fn eq(&self, other: &CodedSet) -> bool {
        self.capacity == other.capacity && self.get() == other.get()
    }
}

impl Eq for CodedSet {}

impl fmt::Debug for CodedSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.set.get() {
            Some(Ok(set)) => write!(f, "CodedSet({set:?})"),
            Some(Err(e)) => write!(f, "CodedSet(of {}, {e})", self.capacity),
            None => write!(f, "CodedSet(of {}, {} characters, not decoded yet)", self.capacity, self.text.len()),
        }
    }
}

/// The least false-acceptance exponent an allow-list may have: a payload
/// its key did not legitimately sign is accepted with probability
/// `2^-p`, `p` ≥ 32 (TRUST.md, "A compromised issuer key").
pub const MIN_ALLOW_BITS: u8 = 32;
/// The greatest: `p` ≤ 64 (the hash space `count · 2^p` stays below 2^96).
pub const MAX_ALLOW_BITS: u8 = 64;
/// The exponent the CLI writes: a thief grinding payloads offline needs
/// about 2^64 tries for one to pass (TRUST.md explains why not 32).
pub const DEFAULT_ALLOW_BITS: u8 = 64;
/// Domain separation of an allowed payload's hash.
const ALLOW_CONTEXT: &[u8] = b"cachet/allowed-payload/v1";
/// Bytes before the coded gaps of an allow-list: the count (u32,
/// big-endian) and `p`.
const ALLOW_HEADER_LEN: usize = 5;

/// Why an allow-list was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AllowListError {
    /// Not canonical base64url without padding.
    Base64,
    /// Shorter than its header, no entry, or a `p` outside 32..=64.
    Header,
    /// The bits end before the count's last hash.
    Truncated,
    /// A hash at or above the hash space `count · 2^p`.
    OutOfRange,
    /// Anything after the last hash but the zero bits that pad its byte.
    TrailingBits,
}

impl AllowListError {
    /// Every error (tests/codes.rs holds their codes to FORMAT.md).
    pub const ALL: [AllowListError; 5] = [
        AllowListError::Base64,
        AllowListError::Header,
        AllowListError::Truncated,
        AllowListError::OutOfRange,
        AllowListError::TrailingBits,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            AllowListError::Base64 => "allow-list-base64",
            AllowListError::Header => "allow-list-header",
            AllowListError::Truncated => "allow-list-truncated",
            AllowListError::OutOfRange => "allow-list-out-of-range",
            AllowListError::TrailingBits => "allow-list-trailing-bits",
        }
    }

    /// What the error means, in one sentence for people (as
    /// [`Code::sentence`]).
    pub fn sentence(self, lang: Lang) -> &'static str {
        let (fr, en) = match self {
            AllowListError::Base64 => (
                "La liste de ce qu'une clé volée a signé n'est pas du base64url canonique.",
                "The list of what a stolen key signed is not canonical base64url.",
            ),
            AllowListError::Header => (
                "L'en-tête de la liste de ce qu'une clé volée a signé est incorrect : trop court, sans aucun certificat, ou un paramètre hors de 32 à 64.",
                "The header of the list of what a stolen key signed is wrong: too short, without any certificate, or a parameter outside 32 to 64.",
            ),
            AllowListError::Truncated => (
                "La liste de ce qu'une clé volée a signé est tronquée.",
                "The list of what a stolen key signed is cut short.",
            ),
            AllowListError::OutOfRange => (
                "Une valeur de la liste de ce qu'une clé volée a signé dépasse l'espace des valeurs.",
                "A value in the list of what a stolen key signed is beyond the space of values.",
            ),
            AllowListError::TrailingBits => (
                "Des bits suivent la dernière valeur de la liste de ce qu'une clé volée a signé.",
                "Bits follow the last value of the list of what a stolen key signed.",
            ),
        };
        match lang {
            Lang::Fr => fr,
            Lang::En => en,
        }
    }
}

impl fmt::Display for AllowListError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl std::error::Error for AllowListError {}

/// What a compromised issuer key legitimately signed: the hashes of the
/// signed payloads (the COSE payload bytes, the certificate's claims), each
/// reduced into the space `[0, count · 2^p)`, sorted and Rice-coded with the
/// parameter `p` (a Golomb-coded set). A payload that was listed is always
/// found (no false refusal); one that was not is found with probability
/// `2^-p`. About `p + 1.6` bits a payload.
#[derive(Clone, PartialEq, Eq)]
pub struct AllowList {
    bits: u8,
    /// The reduced hashes, increasing.
    hashes: Vec<u128>,
    /// The coded bytes, header included.
    bytes: Vec<u8>,
}

impl fmt::Debug for AllowList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AllowList({} payloads, p = {}, {} bytes)", self.hashes.len(), self.bits, self.bytes.len())
    }
}

/// The first 16 bytes of `SHA-512("cachet/allowed-payload/v1" ‖ payload)`, big-endian.
fn payload_hash(payload: &[u8]) -> u128 {
    let digest = Sha512::new().chain_update(ALLOW_CONTEXT).chain_update(payload).finalize();
    digest.iter().take(16).fold(0u128, |acc, b| (acc << 8) | u128::from(*b))
}

/// Reads single bits, most significant first.
struct BitReader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl BitReader<'_> {
    fn bit(&mut self) -> Option<bool> {
        let byte = self.bytes.get(self.pos / 8)?;
        let bit = (byte >> (7 - self.pos % 8)) & 1 == 1;
        self.pos += 1;
        Some(bit)
    }
}

impl AllowList {
    /// The allow-list of these payloads (repeats allowed), with the
    /// false-acceptance exponent `bits` (32 to 64). At least one payload.
    pub fn from_payloads<'a>(
        payloads: impl IntoIterator<Item = &'a [u8]>,
        bits: u8,
    ) -> Result<AllowList, AllowListError> {
        if !(MIN_ALLOW_BITS..=MAX_ALLOW_BITS).contains(&bits) {
            return Err(AllowListError::Header);
        }
        let mut full: Vec<u128> = payloads.into_iter().map(payload_hash).collect();
        full.sort_unstable();
        full.dedup();
        // Hashes that meet once reduced are one entry: reduce, then count again.
        let mut count = u32::try_from(full.len()).map_err(|_| AllowListError::OutOfRange)?;
        loop {
            if count == 0 {
                return Err(AllowListError::Header);
            }
            let space = u128::from(count) << bits;
            let mut reduced: Vec<u128> = full.iter().map(|h| h % space).collect();
            reduced.sort_unstable();
            reduced.dedup();
            let n = reduced.len() as u32;
            if n == count {
                return Ok(AllowList::from_reduced(reduced, bits));
            }
            count = n;
        }
    }

    fn from_reduced(hashes: Vec<u128>, bits: u8) -> AllowList {
        let mut bytes = Vec::with_capacity(ALLOW_HEADER_LEN + hashes.len() * (usize::from(bits) + 2) / 8);
        bytes.extend_from_slice(&(hashes.len() as u32).to_be_bytes());
        bytes.push(bits);
        // Bits are gathered in `acc`, `used` of them; full bytes go to `bytes`.
        let mut acc = (0u8, 0u32);
        let put = |bit: bool, bytes: &mut Vec<u8>, acc: &mut (u8, u32)| {
            acc.0 = (acc.0 << 1) | u8::from(bit);
            acc.1 += 1;
            if acc.1 == 8 {
                bytes.push(acc.0);
                *acc = (0, 0);
            }
        };
        let mut next = 0u128;
        for &h in &hashes {
            let gap = h - next;
            for _ in 0..(gap >> bits) {
                put(true, &mut bytes, &mut acc);
            }
            put(false, &mut bytes, &mut acc);
            for i in (0..bits).rev() {
                put((gap >> i) & 1 == 1, &mut bytes, &mut acc);
            }
            next = h + 1;
        }
        while acc.1 != 0 {
            put(false, &mut bytes, &mut acc);
        }
        AllowList { bits, hashes, bytes }
    }

    /// Decodes an `allowed_payloads` text strictly: canonical base64url,
    /// `p` within 32..=64, at least one hash, every hash below the space,
    /// exactly the count's hashes, and nothing after them but the zero bits
    /// that pad their last byte.
    pub fn decode(text: &str) -> Result<AllowList, AllowListError> {
        let bytes = b64::decode(text).map_err(|_| AllowListError::Base64)?;
        let header = bytes.get(..ALLOW_HEADER_LEN).ok_or(AllowListError::Header)?;
        let count = header.iter().take(4).fold(0u32, |acc, b| (acc << 8) | u32::from(*b));
        let bits = header.get(4).copied().unwrap_or_default();
        if count == 0 || !(MIN_ALLOW_BITS..=MAX_ALLOW_BITS).contains(&bits) {
            return Err(AllowListError::Header);
        }
        let stream = bytes.get(ALLOW_HEADER_LEN..).unwrap_or_default();
        // Each hash takes at least p + 1 bits: a count the bytes cannot hold
        // is refused before anything is allocated for it.
        if u64::from(count) * (u64::from(bits) + 1) > stream.len() as u64 * 8 {
            return Err(AllowListError::Truncated);
        }
        let space = u128::from(count) << bits;
        let mut r = BitReader { bytes: stream, pos: 0 };
        let mut hashes = Vec::with_capacity(count as usize);
        let mut next = 0u128;
        for _ in 0..count {
            let mut q = 0u128;
            while r.bit().ok_or(AllowListError::Truncated)? {
                q += 1;
                // The hash space holds count quotients at most.
                if q > u128::from(count) {
                    return Err(AllowListError::OutOfRange);
                }
            }
            let mut low = 0u128;
            for _ in 0..bits {
                low = (low << 1) | u128::from(r.bit().ok_or(AllowListError::Truncated)?);
            }
            let h = next + ((q << bits) | low);
            if h >= space {
                return Err(AllowListError::OutOfRange);
            }
            hashes.push(h);
            next = h + 1;
        }
        let rest = stream.len() * 8 - r.pos;
        if rest >= 8 || (0..rest).any(|_| r.bit() == Some(true)) {
            return Err(AllowListError::TrailingBits);
        }
        Ok(AllowList { bits, hashes, bytes })
    }

    /// The `allowed_payloads` text: base64url without padding.
    pub fn encode(&self) -> String {
        b64::encode(&self.bytes)
    }

    /// The coded size in bytes, header included (before base64url).
    pub fn coded_len(&self) -> usize {
        self.bytes.len()
    }

    /// How many hashes it holds.
    pub fn len(&self) -> usize {
        self.hashes.len()
    }

    /// Whether it holds none (never, once decoded).
    pub fn is_empty(&self) -> bool {
        self.hashes.is_empty()
    }

    /// The false-acceptance exponent `p`.
    pub fn bits(&self) -> u8 {
        self.bits
    }

    /// Whether `payload` (a certificate's COSE payload bytes) is listed:
    /// always true for a listed payload; for another, with probability `2^-p`.
    pub fn allows(&self, payload: &[u8]) -> bool {
        // `hashes.len()` is the header's count, a u32 (`decode`, `from_reduced`).
        let count = u32::try_from(self.hashes.len()).unwrap_or(u32::MAX);
        self.hashes.binary_search(&reduce(payload_hash(payload), count, self.bits)).is_ok()
    }
}

/// `h % (count << bits)`, the reduced hash, without a 128-bit division:
/// its code (`__umodti3`) was 1 KB of the verify-only wasm. Below the low
/// `bits` bits, which stay, `h >> bits` is reduced modulo `count` 32 bits
/// at a time, each step within a u64 since `count` < 2^32.
fn reduce(h: u128, count: u32, bits: u8) -> u128 {
    let (high, count) = (h >> bits, u64::from(count.max(1)));
    let rest =
        [96, 64, 32, 0].into_iter().fold(0u64, |r, shift| ((r << 32) | ((high >> shift) as u64 & 0xffff_ffff)) % count);
    (u128::from(rest) << bits) | (h & ((1u128 << bits) - 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::rand_core::{RngCore, SeedableRng};
    use std::collections::BTreeSet;

    #[test]
    fn reduce_is_the_remainder_of_the_128_bit_division() {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(11);
        let wide = |rng: &mut rand_chacha::ChaCha20Rng| (u128::from(rng.next_u64()) << 64) | u128::from(rng.next_u64());
        let counts = [1, 2, 3, 7, 50_000, 65_537, 1 << 31, u32::MAX - 1, u32::MAX];
        for bits in [MIN_ALLOW_BITS, 33, 48, 63, MAX_ALLOW_BITS] {
            for &count in &counts {
                let space = u128::from(count) << bits;
                for h in [0, 1, space - 1, space, space + 1, u128::MAX, u128::MAX - 1] {
                    assert_eq!(reduce(h, count, bits), h % space, "{h} mod {count} << {bits}");
                }
                for _ in 0..2_000 {
                    let h = wide(&mut rng);
                    assert_eq!(reduce(h, count, bits), h % space, "{h} mod {count} << {bits}");
                }
            }
            for _ in 0..2_000 {
                let (h, count) = (wide(&mut rng), rng.next_u32().max(1));
                assert_eq!(reduce(h, count, bits), h % (u128::from(count) << bits));
            }
        }
    }

    #[test]
    fn sort_dedup_sorts_and_drops_repeats_as_the_standard_library_does() {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(7);
        for len in (0..40).chain([100, 1_000, 4_097]) {
            for spread in [2u64, 50, u64::from(u32::MAX)] {
                let v: Vec<u32> = (0..len).map(|_| (rng.next_u64() % spread) as u32).collect();
                let (mut ours, mut std) = (v.clone(), v);
                sort_dedup(&mut ours);
                std.sort_unstable();
                std.dedup();
                assert_eq!(ours, std, "length {len}, values below {spread}");
            }
        }
        let mut serials: Vec<String> = ["b", "a", "c", "a", "", "b"].map(String::from).to_vec();
        sort_dedup(&mut serials);
        assert_eq!(serials, ["", "a", "b", "c"]);
    }

    #[test]
    fn the_table_driven_base64url_decodes_as_the_crates_own() {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(64);
        let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let others = ['=', '+', '/', ' ', '\n', '.', '\0', 'é', '\u{7f}'];
        for len in 0..40 {
            let mut bytes = vec![0u8; len];
            rng.fill_bytes(&mut bytes);
            let text = b64::encode(&bytes);
            assert_eq!(decode_base64url(&text).as_deref(), Some(&bytes[..]), "{text}");
            // Every one-character change (non-canonical trailing bits among them), and every cut.
            for at in 0..text.len() {
                for c in alphabet.chars().chain(others) {
                    let mut changed: Vec<char> = text.chars().collect();
                    changed[at] = c;
                    let changed: String = changed.into_iter().collect();
                    assert_eq!(decode_base64url(&changed), b64::decode(&changed).ok(), "{changed:?}");
                }
                let cut = &text[..at];
                assert_eq!(decode_base64url(cut), b64::decode(cut).ok(), "{cut:?}");
                let padded = format!("{text}=");
                assert_eq!(decode_base64url(&padded), None);
            }
        }
    }

    /// A deferred set, once decoded, is what `RevokedSet::decode` gives:
    /// the same set, or a refusal (at once, or at its first look-up) where
    /// `decode` refuses; on every one-character change and every cut.
    #[test]
    fn a_deferred_set_decodes_as_the_eager_decode() {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(65);
        let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=é";
        let deferred = |t: &str, capacity| CodedSet::deferred(t, capacity).and_then(|c| c.get().cloned());
        for (n, capacity) in [(0, 1), (1, 100), (5, 1000), (40, 100_000), (200, 300)] {
            let set = RevokedSet::from_sorted(&random_set(&mut rng, n, capacity), capacity).unwrap();
            let text = set.encode();
            assert_eq!(deferred(&text, capacity), Ok(set.clone()));
            for at in 0..text.len() {
                for c in alphabet.chars() {
                    let mut changed: Vec<char> = text.chars().collect();
                    changed[at] = c;
                    let changed: String = changed.into_iter().collect();
                    let (eager, lazy) = (RevokedSet::decode(&changed, capacity), deferred(&changed, capacity));
                    assert_eq!(eager.is_ok(), lazy.is_ok(), "{changed:?}: {eager:?} / {lazy:?}");
                    assert_eq!(eager.ok(), lazy.ok());
                }
                let cut = &text[..at];
                assert_eq!(RevokedSet::decode(cut, capacity).ok(), deferred(cut, capacity).ok(), "{cut:?}");
                assert_eq!(RevokedSet::decode(cut, capacity).is_ok(), deferred(cut, capacity).is_ok());
            }
            assert_eq!(CodedSet::deferred(&text, 0).err(), Some(StatusListError::CapacityZero));
            assert_eq!(CodedSet::from(set.clone()), CodedSet::deferred(&text, capacity).unwrap());
        }
    }

    fn random_set(rng: &mut rand_chacha::ChaCha20Rng, n: usize, capacity: u32) -> Vec<u32> {
        let mut set = BTreeSet::new();
        while set.len() < n {
            set.insert(rng.next_u32() % capacity);
        }
        set.into_iter().collect()
    }

    #[test]
    fn the_index_is_a_permutation_of_the_capacity() {
        let key = SecretKey::from_seed(&[3; 32]);
        for capacity in (1..=300).chain([1000, 1024, 1025, 4097]) {
            let mut seen = vec![false; capacity as usize];
            for ordinal in 0..u64::from(capacity) {
                let i = status_index(&key, ordinal, capacity).unwrap();
                assert!(i < capacity, "{capacity}: {i}");
                assert!(!std::mem::replace(&mut seen[i as usize], true), "{capacity}: {i} twice");
            }
        }
        assert_eq!(status_index(&key, 10, 10), Err(StatusListError::Exhausted));
        assert_eq!(status_index(&key, 0, 0), Err(StatusListError::CapacityZero));
    }

    #[test]
    fn the_index_is_deterministic_keyed_and_not_in_issuance_order() {
        let key = SecretKey::from_seed(&[3; 32]);
        let other = SecretKey::from_seed(&[4; 32]);
        let first: Vec<u32> = (0..64).map(|o| status_index(&key, o, DEFAULT_CAPACITY).unwrap()).collect();
        let again: Vec<u32> = (0..64).map(|o| status_index(&key, o, DEFAULT_CAPACITY).unwrap()).collect();
        let theirs: Vec<u32> = (0..64).map(|o| status_index(&other, o, DEFAULT_CAPACITY).unwrap()).collect();
        assert_eq!(first, again);
        assert_ne!(first, theirs);
        // Consecutive certificates land anywhere: about half the steps go down,
        // and the first 64 spread over the whole space.
        let downs = first.windows(2).filter(|w| w[1] < w[0]).count();
        assert!((16..=48).contains(&downs), "{downs} of 63 steps down: {first:?}");
        let max = *first.iter().max().unwrap();
        let min = *first.iter().min().unwrap();
        assert!(max - min > DEFAULT_CAPACITY / 2, "{min}..{max}");
    }

    #[test]
    fn a_signature_keys_another_permutation_of_the_same_space() {
        let key = SecretKey::from_seed(&[3; 32]);
        let signed = IndexKey::by_signature(&key);
        assert_eq!(signed, IndexKey::from_signature(&key.sign(INDEX_KEY_MESSAGE)));
        assert_eq!(signed, IndexKey::by_signature(&SecretKey::from_seed(&[3; 32])));
        assert_ne!(signed, IndexKey::of_seed(&key));
        assert_ne!(signed, IndexKey::by_signature(&SecretKey::from_seed(&[4; 32])));
        assert_eq!(format!("{signed:?}"), "IndexKey(secret hidden)");
        let capacity = 1000;
        let mut seen = vec![false; capacity as usize];
        for ordinal in 0..u64::from(capacity) {
            let i = status_index_keyed(&signed, ordinal, capacity).unwrap();
            assert!(!std::mem::replace(&mut seen[i as usize], true), "{i} twice");
        }
        let by_seed: Vec<u32> = (0..16).map(|o| status_index(&key, o, DEFAULT_CAPACITY).unwrap()).collect();
        let keyed: Vec<u32> =
            (0..16).map(|o| status_index_keyed(&IndexKey::of_seed(&key), o, DEFAULT_CAPACITY).unwrap()).collect();
        let by_signature: Vec<u32> =
            (0..16).map(|o| status_index_keyed(&signed, o, DEFAULT_CAPACITY).unwrap()).collect();
        assert_eq!(by_seed, keyed);
        assert_ne!(by_seed, by_signature);
        assert_eq!(status_index_keyed(&signed, 10, 10), Err(StatusListError::Exhausted));
    }

    #[test]
    fn sets_round_trip_and_look_up_exactly() {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(11);
        for (n, capacity) in [(0, 1), (1, 1), (0, 100), (1, 100), (100, 100), (3, 5), (500, 700_000), (2000, 40_000)] {
            let indices = random_set(&mut rng, n, capacity);
            let set = RevokedSet::from_sorted(&indices, capacity).unwrap();
            let text = set.encode();
            let back = RevokedSet::decode(&text, capacity).unwrap();
            assert_eq!(back, set, "{n} of {capacity}");
            assert_eq!(back.iter().collect::<Vec<_>>(), indices);
            let members: BTreeSet<u32> = indices.iter().copied().collect();
            let probes: Vec<u32> =
                (0..capacity.min(5000)).chain((0..5000).map(|_| rng.next_u32() % capacity)).collect();
            for x in probes.into_iter().chain(indices.iter().copied()) {
                assert_eq!(back.contains(x), members.contains(&x), "{x} in {n} of {capacity}");
            }
            assert!(!back.contains(capacity));
            assert!(!back.contains(u32::MAX));
        }
    }

    #[test]
    fn encodings_are_canonical() {
        let capacity = 1000;
        let set = RevokedSet::from_sorted(&[3, 17, 18, 400, 999], capacity).unwrap();
        let bytes = set.bytes.clone();
        let decode = |b: &[u8]| RevokedSet::decode(&b64::encode(b), capacity);
        assert_eq!(decode(&bytes), Ok(set.clone()));
        // Other k, other count, a byte more, a pad bit set, cut short.
        let mut other_k = bytes.clone();
        other_k[4] ^= 1;
        assert_eq!(decode(&other_k), Err(StatusListError::Header));
        let mut more = bytes.clone();
        more[3] += 1;
        assert!(matches!(decode(&more), Err(StatusListError::Header | StatusListError::Truncated)));
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(decode(&longer), Err(StatusListError::TrailingBits));
        let mut last = bytes.clone();
        *last.last_mut().unwrap() |= 1;
        assert_ne!(decode(&last), Ok(set.clone()), "the last bit is padding or data; either way not this set");
        assert_eq!(decode(&bytes[..bytes.len() - 1]), Err(StatusListError::Truncated));
        assert_eq!(decode(&bytes[..4]), Err(StatusListError::Header));
        assert_eq!(RevokedSet::decode("AAAAAAA=", 10), Err(StatusListError::Base64));
        assert_eq!(RevokedSet::decode("", 10), Err(StatusListError::Header));
        assert_eq!(RevokedSet::decode(&set.encode(), 0), Err(StatusListError::CapacityZero));
        // Read against a space one smaller (the same k): its last index is out of range.
        assert_eq!(rice_parameter(5, 1000), rice_parameter(5, 999));
        assert_eq!(RevokedSet::decode(&set.encode(), 999), Err(StatusListError::OutOfRange));
        // Against a space with another k: the header is not canonical.
        assert_eq!(RevokedSet::decode(&set.encode(), 100_000), Err(StatusListError::Header));
        assert_eq!(RevokedSet::from_sorted(&[5, 5], 10), Err(StatusListError::NotSorted));
        assert_eq!(RevokedSet::from_sorted(&[6, 5], 10), Err(StatusListError::NotSorted));
        assert_eq!(RevokedSet::from_sorted(&[10], 10), Err(StatusListError::OutOfRange));
    }

    #[test]
    fn long_gaps_and_every_parameter_round_trip() {
        // The largest space, with k = 30.
        let capacity = u32::MAX;
        let set = RevokedSet::from_sorted(&[0, 1, u32::MAX - 1], capacity).unwrap();
        assert_eq!(
            RevokedSet::decode(&set.encode(), capacity).unwrap().iter().collect::<Vec<_>>(),
            [0, 1, u32::MAX - 1]
        );
        // A dense run then a far index: a quotient of 389 ones, over many 56-bit windows.
        let dense: Vec<u32> = (0..300).chain([100_000]).collect();
        let set = RevokedSet::from_sorted(&dense, 100_001).unwrap();
        assert_eq!(set.rice_parameter(), 8);
        assert_eq!(RevokedSet::decode(&set.encode(), 100_001).unwrap().iter().collect::<Vec<_>>(), dense);
        assert!(set.contains(100_000) && set.contains(299) && !set.contains(300));
    }

    #[test]
    fn changes_add_and_withdraw() {
        let set = RevokedSet::from_sorted(&[2, 4, 6], 100).unwrap();
        let changed = set.with_changes(&[50, 1, 4, 50], &[6, 7]).unwrap();
        assert_eq!(changed.iter().collect::<Vec<_>>(), [1, 2, 4, 50]);
        assert_eq!(set.with_changes(&[100], &[]), Err(StatusListError::OutOfRange));
        assert_eq!(set.with_changes(&[9], &[9]).unwrap().iter().collect::<Vec<_>>(), [2, 4, 6]);
        assert!(set.with_changes(&[], &[2, 4, 6]).unwrap().is_empty());
    }

    #[test]
    fn the_ietf_bitstring_has_a_bit_per_index_least_significant_first() {
        let set = RevokedSet::from_sorted(&[0, 9, 10, 17], 18).unwrap();
        assert_eq!(set.bitstring(), [0b0000_0001, 0b0000_0110, 0b0000_0010]);
        assert_eq!(RevokedSet::empty(9).unwrap().bitstring(), [0, 0]);
    }

    #[test]
    fn uris() {
        assert!(uri_is_valid(DEFAULT_URI));
        assert!(uri_is_valid("https://verifier.cachet.fr/status/bb9408fde1d75287"));
        for bad in ["", "s", ":s", "1a:s", "c c:s", "cc:é", "cc:\u{7f}", &"c:".repeat(33)] {
            assert!(!uri_is_valid(bad), "{bad:?}");
        }
    }

    #[test]
    fn allow_lists_accept_exactly_their_payloads() {
        let payloads: Vec<Vec<u8>> = (0..300u32).map(|i| format!("payload {i}").into_bytes()).collect();
        let list = AllowList::from_payloads(payloads.iter().map(Vec::as_slice), 32).unwrap();
        let back = AllowList::decode(&list.encode()).unwrap();
        assert_eq!(back, list);
        assert_eq!(back.len(), 300);
        assert!(payloads.iter().all(|p| back.allows(p)));
        assert!((300..3000u32).all(|i| !back.allows(format!("payload {i}").as_bytes())));
        // About p + 1.6 bits a payload.
        let bits_each = back.coded_len() as f64 * 8.0 / 300.0;
        assert!((33.0..36.0).contains(&bits_each), "{bits_each}");
        let wide = AllowList::from_payloads(payloads.iter().map(Vec::as_slice), 64).unwrap();
        assert_eq!(AllowList::decode(&wide.encode()).unwrap(), wide);
        assert!(payloads.iter().all(|p| wide.allows(p)));
        // Strict: other p, a byte more, a byte less, no entry.
        let bytes = b64::decode(&list.encode()).unwrap();
        let mut other = bytes.clone();
        other[4] = 31;
        assert_eq!(AllowList::decode(&b64::encode(&other)), Err(AllowListError::Header));
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(AllowList::decode(&b64::encode(&longer)), Err(AllowListError::TrailingBits));
        assert_eq!(AllowList::decode(&b64::encode(&bytes[..bytes.len() - 1])), Err(AllowListError::Truncated));
        assert_eq!(AllowList::decode("AAAAACA"), Err(AllowListError::Header));
        assert_eq!(AllowList::decode("AAAAACA="), Err(AllowListError::Base64));
        assert_eq!(AllowList::from_payloads([], 32), Err(AllowListError::Header));
        assert_eq!(AllowList::from_payloads([&b"x"[..]], 65), Err(AllowListError::Header));
        // Repeats are one entry.
        assert_eq!(AllowList::from_payloads([&b"x"[..], b"x"], 40).unwrap().len(), 1);
    }
}
