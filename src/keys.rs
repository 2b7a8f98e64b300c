//! Key pairs, key ids and the text form of key files.
//!
//! Keys are Ed25519 (RFC 8032). A key pair is made from a random source that
//! the caller passes in: the core has none of its own. Key files hold one
//! line of text (TRUST.md):
//!
//! - secret key: `cachet-secret-key-1:` then the 32-byte seed in base64url;
//! - public key: `cachet-public-key-1:` then the 32-byte key in base64url.
//!
//! A key id is the first 8 bytes of `SHA-512("cachet/key-id/v1" || public key)`,
//! written as 16 lowercase hexadecimal digits.

use crate::signature::{self, SignatureError};
use crate::text::b64;
use ed25519_dalek::Signer;
use rand_core::CryptoRngCore;
use sha2::{Digest, Sha512};
use std::fmt;
use std::sync::{Arc, OnceLock};

const SECRET_PREFIX: &str = "cachet-secret-key-1:";
const PUBLIC_PREFIX: &str = "cachet-public-key-1:";
const KEY_ID_CONTEXT: &[u8] = b"cachet/key-id/v1";

/// Why a key or key file was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyError {
    /// The text is not a key file of the expected kind (a secret key where a
    /// public key is expected, or the reverse, counts here).
    WrongKind,
    /// The base64url is not canonical or has the wrong length.
    Encoding,
    /// The public key is refused by the signature policy.
    Policy(SignatureError),
    /// A key id is not 16 hexadecimal digits.
    KeyId,
}

impl KeyError {
    /// Every code a key error has (the policy's reason is its detail, not its code).
    pub const CODES: [&'static str; 4] = ["key-wrong-kind", "key-encoding", "key-refused", "key-id-invalid"];

    /// Stable code, for messages: one of [`KeyError::CODES`].
    pub fn code(&self) -> &'static str {
        let [wrong_kind, encoding, refused, key_id] = KeyError::CODES;
        match self {
            KeyError::WrongKind => wrong_kind,
            KeyError::Encoding => encoding,
            KeyError::Policy(_) => refused,
            KeyError::KeyId => key_id,
        }
    }
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyError::Policy(e) => write!(f, "{}: {e}", self.code()),
            _ => f.write_str(self.code()),
        }
    }
}

impl std::error::Error for KeyError {}

/// The 8-byte identifier of a public key (in the COSE `kid` header and the trust list).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId(pub [u8; 8]);

impl KeyId {
    /// Length of a key id in bytes.
    pub const LENGTH: usize = 8;

    /// The key id of a public key.
    pub fn of(public_key: &[u8; 32]) -> KeyId {
        let digest = Sha512::new().chain_update(KEY_ID_CONTEXT).chain_update(public_key).finalize();
        let mut id = [0u8; 8];
        id.copy_from_slice(digest.get(..8).unwrap_or(&[0u8; 8]));
        KeyId(id)
    }

    /// Parses 16 lowercase hexadecimal digits.
    pub fn parse(s: &str) -> Result<KeyId, KeyError> {
        let b = s.as_bytes();
        if b.len() != 16 {
            return Err(KeyError::KeyId);
        }
        let mut id = [0u8; 8];
        for (out, pair) in id.iter_mut().zip(b.chunks_exact(2)) {
            let hi = hex_digit(pair.first().copied())?;
            let lo = hex_digit(pair.get(1).copied())?;
            *out = hi << 4 | lo;
        }
        Ok(KeyId(id))
    }
}

fn hex_digit(c: Option<u8>) -> Result<u8, KeyError> {
    match c {
        Some(c @ b'0'..=b'9') => Ok(c - b'0'),
        Some(c @ b'a'..=b'f') => Ok(c - b'a' + 10),
        _ => Err(KeyError::KeyId),
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({self})")
    }
}

impl serde::Serialize for KeyId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// An Ed25519 public key that passed the signature policy's key checks
/// ([`signature::check_public_key`]), kept decompressed so that each
/// verification with it skips both the checks and the decompression; or,
/// read with [`PublicKey::from_base64_deferred`] (a trust list's issuer
/// keys), that passed the checks of its encoding and makes the torsion
/// check, the costly one, before its first verification: a key with a
/// torsion component verifies nothing (`key-not-torsion-free`).
///
/// It also keeps the table of multiples of `-A` that makes its
/// verifications fast, made at its second verification (40 KB, about three
/// verifications' worth) and shared by its clones: the trust list that
/// holds an issuer's key holds its table, and a key that never signs, or
/// signs once (a page's link), costs none. Two keys are equal when their
/// bytes are.
#[derive(Clone)]
pub struct PublicKey {
    bytes: [u8; 32],
    id: KeyId,
    key: ed25519_dalek::VerifyingKey,
    /// Whether the key is torsion-free: set when it was checked whole, found
    /// at its first verification when that check was deferred; shared by
    /// its clones like the table.
    torsion_free: Arc<OnceLock<bool>>,
    table: Arc<signature::KeyTable>,
}

impl PartialEq for PublicKey {
    fn eq(&self, other: &PublicKey) -> bool {
        // The bytes decide the rest: the id and the point are derived from
        // them, the table from the point.
        self.bytes == other.bytes
    }
}

impl Eq for PublicKey {}

impl PublicKey {
    /// A public key from its 32 bytes, checked (canonical, torsion-free).
    pub fn from_bytes(bytes: &[u8]) -> Result<PublicKey, KeyError> {
        let key = PublicKey::from_bytes_deferred(bytes)?;
        key.check_torsion()?;
        Ok(key)
    }

    /// A public key from its 32 bytes, its encoding checked (canonical, not
    /// of small order) and its torsion check left to its first verification
    /// ([`signature::check_public_key_encoding`]). What a key with a torsion
    /// component signed is then refused as `key-not-torsion-free`, and
    /// [`PublicKey::check_torsion`] asks at once.
    pub fn from_bytes_deferred(bytes: &[u8]) -> Result<PublicKey, KeyError> {
        let key = signature::check_public_key_encoding(bytes).map_err(|e| match e {
            SignatureError::BadLength => KeyError::Encoding,
            e => KeyError::Policy(e),
        })?;
        let bytes = key.to_bytes();
        Ok(PublicKey { bytes, id: KeyId::of(&bytes), key, torsion_free: Arc::default(), table: Arc::default() })
    }

    /// A key that passed [`signature::check_public_key`], its table not made yet.
    fn of_checked(key: ed25519_dalek::VerifyingKey) -> PublicKey {
        let bytes = key.to_bytes();
        PublicKey {
            bytes,
            id: KeyId::of(&bytes),
            key,
            torsion_free: Arc::new(OnceLock::from(true)),
            table: Arc::default(),
        }
    }

    /// The torsion check, made now if it was deferred (once per key and its
    /// clones): `Err(KeyError::Policy(KeyNotTorsionFree))` for a key with a
    /// torsion component.
    pub fn check_torsion(&self) -> Result<(), KeyError> {
        if self.is_torsion_free() {
            Ok(())
        } else {
            Err(KeyError::Policy(SignatureError::KeyNotTorsionFree))
        }
    }

    /// Whether the key is torsion-free, checked now if it was deferred.
    fn is_torsion_free(&self) -> bool {
        *self.torsion_free.get_or_init(|| signature::is_torsion_free(&self.key))
    }

    /// Parses a public key file's text (surrounding white space ignored).
    pub fn from_text(text: &str) -> Result<PublicKey, KeyError> {
        let text = text.trim();
        let body = text.strip_prefix(PUBLIC_PREFIX).ok_or(KeyError::WrongKind)?;
        PublicKey::from_base64(body)
    }

    /// Parses the bare base64url form (as in trust lists).
    pub fn from_base64(s: &str) -> Result<PublicKey, KeyError> {
        let bytes = b64::decode(s).map_err(|_| KeyError::Encoding)?;
        PublicKey::from_bytes(&bytes)
    }

    /// Parses the bare base64url form, the torsion check deferred
    /// ([`PublicKey::from_bytes_deferred`]).
    pub fn from_base64_deferred(s: &str) -> Result<PublicKey, KeyError> {
        let bytes = b64::decode(s).map_err(|_| KeyError::Encoding)?;
        PublicKey::from_bytes_deferred(&bytes)
    }

    /// The public key file's text, one line with its newline.
    pub fn to_text(&self) -> String {
        format!("{PUBLIC_PREFIX}{}\n", self.to_base64())
    }

    /// The bare base64url form.
    pub fn to_base64(&self) -> String {
        b64::encode(&self.bytes)
    }

    /// The 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.bytes
    }

    /// The key id.
    pub fn key_id(&self) -> KeyId {
        self.id
    }

    /// Verifies a signature with this key: [`signature::verify_ed25519`]'s
    /// policy, whose key checks this key already passed (or passes now, for
    /// a deferred torsion check: `KeyNotTorsionFree` if it fails). The first
    /// call makes no table; the second makes the key's table, and later
    /// ones, from this key or its clones, reuse it.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), SignatureError> {
        if !self.is_torsion_free() {
            return Err(SignatureError::KeyNotTorsionFree);
        }
        signature::verify_with_checked_key(&self.key, &self.table, message, signature)
    }

    /// Whether this key's table was made (for the tests of who pays for it).
    #[cfg(test)]
    pub(crate) fn table_is_made(&self) -> bool {
        self.table.is_made()
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.id)
    }
}

/// An Ed25519 secret key. Its `Debug` never shows the secret.
#[derive(Clone)]
pub struct SecretKey {
    inner: ed25519_dalek::SigningKey,
    public: PublicKey,
}

impl SecretKey {
    /// A new key pair from the caller's cryptographic random source.
    pub fn generate<R: CryptoRngCore + ?Sized>(rng: &mut R) -> SecretKey {
        let mut seed = [0u8; 32];
        rng.fill_bytes(&mut seed);
        SecretKey::from_seed(&seed)
    }

    /// The key pair of a 32-byte seed (RFC 8032 private key).
    pub fn from_seed(seed: &[u8; 32]) -> SecretKey {
        let inner = ed25519_dalek::SigningKey::from_bytes(seed);
        // An honest key pair's public key is [a]B: canonical, in the prime-order subgroup.
        let public = PublicKey::of_checked(inner.verifying_key());
        SecretKey { inner, public }
    }

    /// Parses a secret key file's text (surrounding white space ignored).
    pub fn from_text(text: &str) -> Result<SecretKey, KeyError> {
        let body = text.trim().strip_prefix(SECRET_PREFIX).ok_or(KeyError::WrongKind)?;
        let bytes = b64::decode(body).map_err(|_| KeyError::Encoding)?;
        let seed: [u8; 32] = bytes.as_slice().try_into().map_err(|_| KeyError::Encoding)?;
        Ok(SecretKey::from_seed(&seed))
    }

    /// The secret key file's text: one line with its newline. Write it with
    /// care (mode 0600): it is the secret.
    pub fn to_text(&self) -> String {
        format!("{SECRET_PREFIX}{}\n", b64::encode(self.inner.as_bytes()))
    }

    /// The public half.
    pub fn public_key(&self) -> &PublicKey {
        &self.public
    }

    /// The key id of the public half.
    pub fn key_id(&self) -> KeyId {
        self.public.id
    }

    /// `SHA-512(context ‖ seed)`: secret material for another purpose than
    /// signing (the status-index permutation), separated by its context.
    pub(crate) fn derive_secret(&self, context: &[u8]) -> [u8; 64] {
        Sha512::new().chain_update(context).chain_update(self.inner.as_bytes()).finalize().into()
    }

    /// Signs `message` (RFC 8032, deterministic).
    pub(crate) fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.inner.sign(message).to_bytes()
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretKey({}, secret hidden)", self.public.id)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn key_files_round_trip_and_do_not_mix() {
        let sk = SecretKey::from_seed(&[1u8; 32]);
        let again = SecretKey::from_text(&sk.to_text()).unwrap();
        assert_eq!(again.public_key(), sk.public_key());
        let pk = PublicKey::from_text(&sk.public_key().to_text()).unwrap();
        assert_eq!(&pk, sk.public_key());
        assert_eq!(PublicKey::from_text(&sk.to_text()), Err(KeyError::WrongKind));
        assert!(matches!(SecretKey::from_text(&pk.to_text()), Err(KeyError::WrongKind)));
        assert!(!format!("{sk:?}").contains(&b64::encode(&[1u8; 32])));
    }

    #[test]
    fn a_key_makes_its_table_at_its_second_verification_and_its_clones_share_it() {
        let sk = SecretKey::from_seed(&[3u8; 32]);
        let pk = PublicKey::from_text(&sk.public_key().to_text()).unwrap();
        let clone = pk.clone();
        assert!(!pk.table_is_made());
        let sig = sk.sign(b"cachet");
        assert_eq!(pk.verify(b"cachet", &sig), Ok(()));
        assert!(!pk.table_is_made(), "a key's first verification makes no table");
        assert_eq!(clone.verify(b"cachet", &sig), Ok(()));
        assert!(pk.table_is_made(), "its second, by a clone, makes the table they share");
        assert!(Arc::ptr_eq(&pk.table, &clone.table));
        assert_eq!(pk.verify(b"cachet!", &sig), Err(SignatureError::Mismatch));
        // Another key, even equal, keeps its own.
        assert!(!PublicKey::from_bytes(pk.as_bytes()).unwrap().table_is_made());
    }

    /// The encoding of (0, -1), a point of order 2.
    const ORDER_2: [u8; 32] = {
        let mut p = [0xffu8; 32];
        p[0] = 0xec;
        p[31] = 0x7f;
        p
    };

    /// A key with a torsion component: `sk`'s point plus (0, -1), of order 2.
    pub(crate) fn mixed_order(sk: &SecretKey) -> [u8; 32] {
        use curve25519_dalek::edwards::CompressedEdwardsY;
        let point = |b: [u8; 32]| CompressedEdwardsY(b).decompress().expect("a point");
        (point(*sk.public_key().as_bytes()) + point(ORDER_2)).compress().0
    }

    #[test]
    fn a_deferred_key_makes_its_torsion_check_at_its_first_verification() {
        let sk = SecretKey::from_seed(&[4u8; 32]);
        let sig = sk.sign(b"cachet");
        let honest = PublicKey::from_bytes_deferred(sk.public_key().as_bytes()).unwrap();
        assert!(honest.torsion_free.get().is_none(), "not checked when read");
        assert_eq!(honest.clone().verify(b"cachet", &sig), Ok(()));
        assert_eq!(honest.torsion_free.get(), Some(&true), "checked once, for the clones too");
        assert_eq!(honest.check_torsion(), Ok(()));

        let mixed = mixed_order(&sk);
        let refused = KeyError::Policy(SignatureError::KeyNotTorsionFree);
        assert_eq!(PublicKey::from_bytes(&mixed).err(), Some(refused.clone()));
        let deferred = PublicKey::from_bytes_deferred(&mixed).expect("its encoding passes");
        assert_eq!(deferred.verify(b"cachet", &sig), Err(SignatureError::KeyNotTorsionFree));
        assert_eq!(deferred.check_torsion(), Err(refused.clone()));
        assert!(!deferred.table_is_made(), "a refused key makes no table");

        // What the encoding checks refuse is refused at once either way.
        assert_eq!(PublicKey::from_bytes_deferred(&ORDER_2).err(), Some(refused));
        let mut non_canonical = [0xffu8; 32];
        non_canonical[0] = 0xee;
        non_canonical[31] = 0x7f;
        assert_eq!(
            PublicKey::from_bytes_deferred(&non_canonical).err(),
            Some(KeyError::Policy(SignatureError::NonCanonicalKey))
        );
        assert_eq!(PublicKey::from_bytes_deferred(&[0u8; 31]).err(), Some(KeyError::Encoding));
    }

    #[test]
    fn key_ids_parse_back() {
        let sk = SecretKey::from_seed(&[2u8; 32]);
        let id = sk.key_id();
        assert_eq!(KeyId::parse(&id.to_string()), Ok(id));
        assert_eq!(KeyId::parse("ABCDEF0123456789"), Err(KeyError::KeyId));
        assert_eq!(KeyId::parse("abc"), Err(KeyError::KeyId));
    }
}
