//! Writes the test vectors of `tests/vectors/`: one JSON file per case, named
//! for its flaw, with the expected status and code (`tests/vectors/README.md`).
//!
//! ```text
//! cargo run --example gen_vectors -- tests/vectors
//! ```
//!
//! Deletes the `*.json` files of the directory (keeping `README.md`) and
//! writes them again; the status documents' cases go to its `status/`
//! folder, with their own schema (`tests/vectors_status.rs`). Everything
//! comes from one fixed seed and Ed25519
//! signatures are deterministic, so two runs write the very same bytes: CI
//! regenerates the vectors and fails on `git diff --exit-code tests/vectors`.
//!
//! The expected results are written here by hand, from the format's rules;
//! nothing is computed by running the verifier (`tests/vectors.rs` does
//! that, and compares).

use cachet::certificate::{Body, Certificate, SchoolCertificateInput, CLAIM_CERTIFICATE};
use cachet::envelope::{self, signing_input};
use cachet::issue::{self, Issued};
use cachet::keys::{KeyId, SecretKey};
use cachet::status_list::{status_index, RevokedSet, StatusRef};
use cachet::text;
use cachet::time::{format_rfc3339, parse_rfc3339, Date, Timestamp};
use cachet::trust::{self, IssuerEntry, KeyStatus, TrustListBody};
use cachet::verify::CLOCK_SKEW_SECONDS;
use curve25519_dalek::edwards::CompressedEdwardsY;
use ed25519_dalek::{Signer, SigningKey};
use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;
use serde::Serialize;
use std::path::Path;

/// The one seed every key comes from.
const SEED: u64 = 20_250_901;
/// The default verification time: a school morning in October.
const NOW: &str = "2025-10-01T09:00:00Z";
const BASE_URL: &str = "https://verifier.example/v/";
const KIND: &str = "certificat-de-scolarite";
const REVOKED_SERIAL: &str = "2025-000666";

// Status codes (Status::code) and check codes, as the vectors spell them.
const VALID: &str = "valid";
const MALFORMED: &str = "malformed";
const UNSUPPORTED: &str = "unsupported-version";
const UNKNOWN_ISSUER: &str = "unknown-issuer";
const INVALID_SIGNATURE: &str = "invalid-signature";
const KEY_NOT_VALID: &str = "issuer-key-not-valid";
const REVOKED: &str = "revoked";
const NOT_YET_VALID: &str = "not-yet-valid";
const EXPIRED: &str = "expired";
const LIST_INVALID: &str = "trust-list-invalid";
const LIST_EXPIRED: &str = "trust-list-expired";

/// One vector, as written to `<name>.json` (fields in this order).
#[derive(Serialize)]
struct Case {
    name: String,
    category: &'static str,
    comment: String,
    expected_status: &'static str,
    expected_code: Option<&'static str>,
    input: String,
    now: String,
    roots: Vec<String>,
    trust_list: String,
    last_seen_sequence: Option<u64>,
}

impl Case {
    fn now(&mut self, t: Timestamp) -> &mut Case {
        self.now = format_rfc3339(t);
        self
    }
    fn list(&mut self, signed: &str) -> &mut Case {
        self.trust_list = signed.to_owned();
        self
    }
    fn roots(&mut self, roots: &[String]) -> &mut Case {
        self.roots = roots.to_vec();
        self
    }
    fn seen(&mut self, sequence: u64) -> &mut Case {
        self.last_seen_sequence = Some(sequence);
        self
    }
}

/// A key pair whose seed is kept, to sign hand-built bytes.
struct Key {
    seed: [u8; 32],
    secret: SecretKey,
}

impl Key {
    fn new(rng: &mut ChaCha20Rng) -> Key {
        let mut seed = [0u8; 32];
        rng.fill_bytes(&mut seed);
        Key { seed, secret: SecretKey::from_seed(&seed) }
    }
    fn kid(&self) -> [u8; 8] {
        self.secret.key_id().0
    }
    fn sign(&self, message: &[u8]) -> [u8; 64] {
        SigningKey::from_bytes(&self.seed).sign(message).to_bytes()
    }
    fn public_text(&self) -> String {
        self.secret.public_key().to_text().trim().to_owned()
    }
}

// ---------------------------------------------------------------------------
// A tiny CBOR writer that writes exactly what it is told: entries in the
// order given, and raw bytes for what deterministic CBOR forbids.

#[derive(Clone, Debug)]
enum C {
    U(u64),
    I(i64),
    B(Vec<u8>),
    T(String),
    A(Vec<C>),
    M(Vec<(C, C)>),
    Tag(u64, Box<C>),
    Raw(Vec<u8>),
}

fn head(out: &mut Vec<u8>, major: u8, arg: u64) {
    let m = major << 5;
    match arg {
        0..=23 => out.push(m | arg as u8),
        24..=0xff => out.extend_from_slice(&[m | 24, arg as u8]),
        0x100..=0xffff => {
            out.push(m | 25);
            out.extend_from_slice(&(arg as u16).to_be_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(m | 26);
            out.extend_from_slice(&(arg as u32).to_be_bytes());
        }
        _ => {
            out.push(m | 27);
            out.extend_from_slice(&arg.to_be_bytes());
        }
    }
}

impl C {
    fn text(s: &str) -> C {
        C::T(s.to_owned())
    }

    fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut Vec<u8>) {
        match self {
            C::U(v) => head(out, 0, *v),
            C::I(v) if *v >= 0 => head(out, 0, *v as u64),
            C::I(v) => head(out, 1, !(*v as u64)),
            C::B(b) => {
                head(out, 2, b.len() as u64);
                out.extend_from_slice(b);
            }
            C::T(s) => {
                head(out, 3, s.len() as u64);
                out.extend_from_slice(s.as_bytes());
            }
            C::A(items) => {
                head(out, 4, items.len() as u64);
                items.iter().for_each(|i| i.write(out));
            }
            C::M(entries) => {
                head(out, 5, entries.len() as u64);
                for (k, v) in entries {
                    k.write(out);
                    v.write(out);
                }
            }
            C::Tag(tag, inner) => {
                head(out, 6, *tag);
                inner.write(out);
            }
            C::Raw(bytes) => out.extend_from_slice(bytes),
        }
    }
}

type Map = Vec<(C, C)>;

fn is_key(k: &C, key: i64) -> bool {
    matches!(k, C::I(v) if *v == key)
}

/// Replaces the value under `key`.
fn set(map: &mut Map, key: i64, value: C) {
    let entry = map.iter_mut().find(|(k, _)| is_key(k, key)).unwrap_or_else(|| panic!("no key {key}"));
    entry.1 = value;
}

fn remove(map: &mut Map, key: i64) {
    let before = map.len();
    map.retain(|(k, _)| !is_key(k, key));
    assert_eq!(map.len() + 1, before, "key {key}");
}

fn position(map: &Map, key: i64) -> usize {
    map.iter().position(|(k, _)| is_key(k, key)).unwrap_or_else(|| panic!("no key {key}"))
}

/// The certificate's own map, inside the claims.
fn inner(claims: &mut Map) -> &mut Map {
    let i = position(claims, CLAIM_CERTIFICATE);
    match &mut claims[i].1 {
        C::M(m) => m,
        other => panic!("certificate claim is {other:?}"),
    }
}

/// Level labels in the order of their payload codes (1, 2, …); checked
/// against the core's own encoding below.
const LEVEL_LABELS: [&str; 22] = [
    "TPS", "PS", "MS", "GS", "CP", "CE1", "CE2", "CM1", "CM2", "6e", "5e", "4e", "3e", "2de", "1re", "Tle", "CAP1",
    "CAP2", "BTS1", "BTS2", "CPGE1", "CPGE2",
];

/// The claims of a certificate as a CBOR value, field by field (FORMAT.md,
/// "Payload"); the generator asserts that it encodes to the core's bytes.
fn claims_of(cert: &Certificate) -> Map {
    let s = match &cert.body {
        Body::CertificatDeScolarite(s) => s,
        _ => unreachable!("the generator only signs certificats de scolarité"),
    };
    let uai: u64 = s.school_uai[..7].parse().expect("UAI digits");
    let level = LEVEL_LABELS.iter().position(|l| *l == s.level.label()).expect("known level") as u64 + 1;
    let mut fields: Map = vec![
        (C::I(0), C::U(1)),
        (C::I(1), C::text(&s.family_name)),
        (C::I(2), C::text(&s.given_names)),
        (C::I(3), C::I(s.birth_date.days_since_epoch())),
        (C::I(4), C::U(uai)),
        (C::I(5), C::text(&s.school_name)),
        (C::I(6), C::text(&s.school_town)),
        (C::I(7), C::U(level)),
    ];
    if let Some(r) = s.regime {
        let code = ["externe", "demi-pensionnaire", "interne"].iter().position(|n| *n == r.name()).expect("régime");
        fields.push((C::I(8), C::U(code as u64 + 1)));
    }
    vec![
        (C::I(1), C::text(&cert.academie)),
        (C::I(4), C::I(cert.valid_until)),
        (C::I(5), C::I(cert.valid_from)),
        (C::I(6), C::I(cert.issued_on.paris_midnight())),
        (C::I(7), C::B(cert.serial.as_bytes().to_vec())),
        (C::I(CLAIM_CERTIFICATE), C::M(fields)),
    ]
}

/// The protected header `{1: alg, 4: kid}`, encoded.
fn protected(alg: i64, kid: &[u8]) -> Vec<u8> {
    C::M(vec![(C::I(1), C::I(alg)), (C::I(4), C::B(kid.to_vec()))]).encode()
}

/// A COSE_Sign1 from its four parts.
fn cose(protected: &[u8], unprotected: C, payload: &[u8], signature: &[u8]) -> Vec<u8> {
    let parts = vec![C::B(protected.to_vec()), unprotected, C::B(payload.to_vec()), C::B(signature.to_vec())];
    C::Tag(18, Box::new(C::A(parts))).encode()
}

/// A COSE_Sign1 whose signature by `key` verifies over these exact bytes.
fn signed_cose(key: &Key, protected: &[u8], unprotected: C, payload: &[u8]) -> Vec<u8> {
    let signature = key.sign(&signing_input(protected, payload));
    cose(protected, unprotected, payload, &signature)
}

fn token(cose: &[u8]) -> String {
    text::encode_token(cose)
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn time(s: &str) -> Timestamp {
    parse_rfc3339(s).unwrap_or_else(|| panic!("bad time {s}"))
}

fn date(s: &str) -> Date {
    Date::parse(s).unwrap_or_else(|| panic!("bad date {s}"))
}

/// A UAI with its check letter.
fn uai(n: u64) -> String {
    const LETTERS: &[u8; 23] = b"ABCDEFGHJKLMNPRSTUVWXYZ";
    format!("{n:07}{}", char::from(LETTERS[(n % 23) as usize]))
}

/// Replaces `from` by `to` exactly once.
fn replace_once(s: &str, from: &str, to: &str) -> String {
    assert_eq!(s.matches(from).count(), 1, "{from:?} must occur once");
    s.replacen(from, to, 1)
}

/// Flips bit `bit` (0 = least significant bit of byte 0).
fn flip(bytes: &mut [u8], bit: usize) {
    bytes[bit / 8] ^= 1 << (bit % 8);
}

/// The group order L, little-endian.
const L: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

/// S + L, little-endian (fits: S < L < 2^253).
fn s_plus_l(s: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    let mut carry = 0u16;
    for i in 0..32 {
        let sum = u16::from(s[i]) + u16::from(L[i]) + carry;
        out[i] = sum as u8;
        carry = sum >> 8;
    }
    assert_eq!(carry, 0);
    out
}

// ---------------------------------------------------------------------------

struct World {
    root: Key,
    other_root: Key,
    paris: Key,
    lyon: Key,
    creteil: Key,
    nantes: Key,
    bordeaux: Key,
    rogue: Key,
    /// The online key of the status documents' cases (`status/`).
    status: Key,
}

fn entry(key: &Key, name: &str, from: &str, until: &str, kinds: &[&str], status: KeyStatus) -> IssuerEntry {
    IssuerEntry {
        key_id: key.secret.key_id().to_string(),
        name: name.into(),
        public_key: key.secret.public_key().to_base64(),
        valid_from: from.into(),
        valid_until: until.into(),
        kinds: kinds.iter().map(|k| (*k).to_owned()).collect(),
        status,
        ..IssuerEntry::default()
    }
}

impl World {
    fn new() -> World {
        let mut rng = ChaCha20Rng::seed_from_u64(SEED);
        World {
            root: Key::new(&mut rng),
            other_root: Key::new(&mut rng),
            paris: Key::new(&mut rng),
            lyon: Key::new(&mut rng),
            creteil: Key::new(&mut rng),
            nantes: Key::new(&mut rng),
            bordeaux: Key::new(&mut rng),
            rogue: Key::new(&mut rng),
            status: Key::new(&mut rng),
        }
    }

    /// The list every case uses unless it says otherwise.
    fn body(&self) -> TrustListBody {
        TrustListBody {
            format: trust::FORMAT.into(),
            sequence: 5,
            issued_at: "2025-09-01T00:00:00Z".into(),
            next_update: "2025-12-01T00:00:00Z".into(),
            issuers: vec![
                entry(&self.paris, "Académie de Paris", "2025-06-01", "2026-08-31", &[KIND], KeyStatus::Active),
                entry(&self.lyon, "Académie de Lyon", "2025-06-01", "2026-08-31", &[KIND], KeyStatus::Revoked),
                entry(&self.creteil, "Académie de Créteil", "2024-06-01", "2025-08-31", &[KIND], KeyStatus::Active),
                entry(&self.nantes, "Académie de Nantes", "2025-10-01", "2026-08-31", &[KIND], KeyStatus::Active),
                entry(
                    &self.bordeaux,
                    "Académie de Bordeaux",
                    "2025-06-01",
                    "2026-08-31",
                    &["attestation-de-reussite"],
                    KeyStatus::Active,
                ),
            ],
            revoked_serials: vec![REVOKED_SERIAL.into()],
            status_key: None,
        }
    }

    fn sign_list(&self, key: &Key, body: &TrustListBody) -> String {
        let json = serde_json::to_string(body).expect("list JSON");
        trust::sign_list(&key.secret, &json).expect("list signs")
    }

    /// A signed list file around any bytes, as `trust::sign_list` lays it
    /// out but without checking them: for lists the signer would refuse.
    fn sign_raw(&self, key: &Key, list_json: &str) -> String {
        let value = b64(&key.sign(&[trust::SIGNING_CONTEXT, list_json.as_bytes()].concat()));
        let kid = key.secret.key_id();
        format!("{{\n\"signature\": {{\"alg\":\"EdDSA\",\"key_id\":\"{kid}\",\"value\":\"{value}\"}},\n\"list\": {list_json}\n}}\n")
    }

    fn input(&self, serial: &str, issued_on: &str) -> SchoolCertificateInput {
        SchoolCertificateInput {
            given_names: "Léa Eva".into(),
            regime: Some("demi-pensionnaire".into()),
            serial: Some(serial.into()),
            issued_on: Some(issued_on.into()),
            ..cachet::doc_example_input()
        }
    }

    fn issue(&self, key: &Key, input: &SchoolCertificateInput) -> Issued {
        issue::issue(&key.secret, input, date("2025-09-15")).unwrap_or_else(|e| panic!("issue: {e}"))
    }
}

struct Vectors {
    w: World,
    list: String,
    cases: Vec<Case>,
}

impl Vectors {
    fn add(
        &mut self,
        name: &str,
        category: &'static str,
        status: &'static str,
        code: Option<&'static str>,
        comment: &str,
        input: String,
    ) -> &mut Case {
        assert!(self.cases.iter().all(|c| c.name != name), "duplicate case {name}");
        self.cases.push(Case {
            name: name.into(),
            category,
            comment: comment.into(),
            expected_status: status,
            expected_code: code,
            input,
            now: NOW.into(),
            roots: vec![self.w.root.public_text()],
            trust_list: self.list.clone(),
            last_seen_sequence: None,
        });
        self.cases.last_mut().expect("just pushed")
    }
}

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| {
        eprintln!("usage: cargo run --example gen_vectors -- <directory>   (tests/vectors)");
        std::process::exit(2);
    });
    let cases = generate();
    write(Path::new(&dir), &cases).unwrap_or_else(|e| {
        eprintln!("gen_vectors: {dir}: {e}");
        std::process::exit(1);
    });
    // The status documents' cases (issue 11) have their own schema and folder.
    let status = status_document_cases(&World::new());
    write(&Path::new(&dir).join("status"), &status).unwrap_or_else(|e| {
        eprintln!("gen_vectors: {dir}/status: {e}");
        std::process::exit(1);
    });
    println!("{} status document cases written to {dir}/status", status.len());
    let negative = cases.iter().filter(|c| c.expected_status != VALID).count();
    println!("{} cases ({negative} negative, {} positive) written to {dir}", cases.len(), cases.len() - negative);
}

fn write<T: Serialize + Named>(dir: &Path, cases: &[T]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "json") {
            std::fs::remove_file(path)?;
        }
    }
    for case in cases {
        let json = serde_json::to_string_pretty(case).map_err(std::io::Error::other)?;
        std::fs::write(dir.join(format!("{}.json", case.name())), json + "\n")?;
    }
    Ok(())
}

fn generate() -> Vec<Case> {
    let w = World::new();
    let list = w.sign_list(&w.root, &w.body());
    // The raw signer lays a list out exactly as the core's signer does.
    let compact = serde_json::to_string(&w.body()).expect("list JSON");
    assert_eq!(w.sign_raw(&w.root, &compact), list, "sign_raw must match trust::sign_list");
    let mut v = Vectors { w, list, cases: Vec::new() };
    valid(&mut v);
    transport(&mut v);
    structure(&mut v);
    signature(&mut v);
    trust_list(&mut v);
    time_cases(&mut v);
    status_cases(&mut v);
    compromised_cases(&mut v);
    v.cases
}

/// The typical certificate most cases start from.
fn typical(w: &World) -> Issued {
    let issued = w.issue(&w.paris, &w.input("2025-000123", "2025-09-15"));
    // The hand-built bytes of this generator are the core's bytes.
    let claims = C::M(claims_of(&issued.certificate)).encode();
    assert_eq!(claims, cachet::certificate::encode_claims(&issued.certificate), "claims_of is out of date");
    let kid = w.paris.kid();
    assert_eq!(signed_cose(&w.paris, &protected(-8, &kid), C::M(vec![]), &claims), issued.cose, "cose() out of date");
    // Padding and trailing-bit cases need a last base64 group of 2 characters.
    assert_eq!(issued.cose.len() % 3, 1, "change the serial so that the COSE length is 1 mod 3");
    issued
}

fn valid(v: &mut Vectors) {
    let w = &v.w;
    let t = typical(w).token;
    let mut no_regime = w.input("2025-000124", "2025-09-15");
    no_regime.regime = None;
    let no_regime = w.issue(&w.paris, &no_regime).token;
    let mut derived = w.input("", "2025-09-15");
    derived.serial = None;
    derived.family_name = "Nguyen".into();
    derived.given_names = "Bao".into();
    let derived = w.issue(&w.paris, &derived).token;
    let long = SchoolCertificateInput {
        family_name: "de La Tour d'Auvergne-Lauraguais de Saint-Exupéry-Montmorency-Eu".into(),
        given_names: "Marie-Éléonore Anne-Sophie Géraldine Bénédicte Joséphine Zoé Ève".into(),
        birth_date: "2008-02-29".into(),
        school_uai: uai(130_012),
        school_name: "Lycée polyvalent régional Jean-Baptiste Poquelin, dit Molière, sections d'enseignement supérieur"
            .into(),
        school_town: "Saint-Rémy-de-Provence".into(),
        academie: "Aix-Marseille".into(),
        school_year: "2025-2026".into(),
        level: "Tle".into(),
        regime: Some("interne".into()),
        serial: Some("AMX-2025-LYC-0130012-000001".into()),
        issued_on: Some("2025-09-02".into()),
    };
    assert_eq!(long.family_name.chars().count(), cachet::certificate::limits::FAMILY_NAME);
    assert_eq!(long.given_names.chars().count(), cachet::certificate::limits::GIVEN_NAMES);
    assert_eq!(long.school_name.chars().count(), cachet::certificate::limits::SCHOOL_NAME);
    let long = w.issue(&w.paris, &long).token;

    v.add("valid-typical", "valid", VALID, None, "A typical certificate, as issued: every check passes.", t.clone());
    v.add(
        "valid-url-form",
        "valid",
        VALID,
        None,
        "The verifier URL form: the token is the URL's fragment.",
        text::url_of(BASE_URL, &t),
    );
    v.add(
        "valid-url-with-query",
        "valid",
        VALID,
        None,
        "A verifier URL with a query string before the fragment: only the fragment is read.",
        format!("https://verifier.example/v/?lang=fr#{t}"),
    );
    v.add("valid-regime-absent", "valid", VALID, None, "No régime: the optional field 8 is absent.", no_regime);
    v.add(
        "valid-surrounding-whitespace",
        "valid",
        VALID,
        None,
        "A pasted token with a leading newline and spaces and a trailing CR LF: surrounding ASCII white space is ignored.",
        format!("\n  {t} \r\n"),
    );
    v.add(
        "valid-long-names",
        "valid",
        VALID,
        None,
        "Reference certificate with the longest names allowed (64, 64 and 96 characters, accented), born on 29 \
         February, régime interne.",
        long,
    );
    v.add(
        "valid-derived-serial",
        "valid",
        VALID,
        None,
        "Issued without a serial: the serial is derived from the claims (12 base64url characters).",
        derived,
    );
}

fn transport(v: &mut Vectors) {
    let issued = typical(&v.w);
    let t = issued.token.clone();
    let body = &t[4..];
    assert_eq!(body.len() % 4, 2);
    let mid = 4 + body.len() / 2;

    let mut bad_char = t.clone();
    bad_char.replace_range(mid..mid + 1, "*");
    v.add("transport-base64-bad-char", "transport", MALFORMED, Some("base64"), "A '*' in the base64url.", bad_char);
    v.add(
        "transport-base64-padding",
        "transport",
        MALFORMED,
        Some("base64"),
        "The same bytes with '==' padding: base64url without padding is the only form.",
        format!("{t}=="),
    );
    let standard = {
        use base64::Engine;
        format!("CC1:{}", base64::engine::general_purpose::STANDARD_NO_PAD.encode(&issued.cose))
    };
    assert!(standard.contains('+') || standard.contains('/'));
    v.add(
        "transport-base64-standard-alphabet",
        "transport",
        MALFORMED,
        Some("base64"),
        "The same bytes in the standard alphabet ('+' and '/' instead of '-' and '_').",
        standard,
    );
    // The last group has 2 characters: 8 bits of data and 4 zero bits.
    let mut trailing = t.clone();
    let last = trailing.pop().expect("token");
    let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let index = alphabet.find(last).expect("base64url character");
    assert_eq!(index % 16, 0, "trailing bits of a canonical token are zero");
    trailing.push(alphabet.as_bytes()[index + 1] as char);
    v.add(
        "transport-base64-trailing-bits",
        "transport",
        MALFORMED,
        Some("base64"),
        "The last character has a non-zero unused bit: it decodes to the same bytes, but the text is not canonical.",
        trailing,
    );
    v.add("transport-prefix-missing", "transport", MALFORMED, Some("prefix"), "The base64url without 'CC1:'.", {
        body.to_owned()
    });
    v.add(
        "transport-prefix-lowercase",
        "transport",
        MALFORMED,
        Some("prefix"),
        "'cc1:': the prefix is upper case.",
        format!("cc1:{body}"),
    );
    v.add(
        "transport-prefix-leading-zero",
        "transport",
        MALFORMED,
        Some("prefix"),
        "'CC01:': the version is written without leading zeros.",
        format!("CC01:{body}"),
    );
    v.add(
        "transport-prefix-hc1",
        "transport",
        MALFORMED,
        Some("prefix"),
        "'HC1:', the EU Digital COVID Certificate prefix, in front of a Cachet token body.",
        format!("HC1:{body}"),
    );
    v.add(
        "transport-version-2",
        "transport",
        UNSUPPORTED,
        Some("unsupported-format-version"),
        "'CC2:': a later format version, which this verifier does not read; the body is not looked at.",
        format!("CC2:{body}"),
    );
    v.add(
        "transport-version-0",
        "transport",
        UNSUPPORTED,
        Some("unsupported-format-version"),
        "'CC0:': a version number, though not one that will ever exist: like every version number but 1, \
         unsupported rather than a bad prefix; the body is not looked at.",
        format!("CC0:{body}"),
    );
    v.add(
        "transport-prefix-five-digits",
        "transport",
        MALFORMED,
        Some("prefix"),
        "'CC10000:': a version has at most 4 digits.",
        format!("CC10000:{body}"),
    );
    v.add(
        "transport-url-without-fragment",
        "transport",
        MALFORMED,
        Some("url-without-token"),
        "The verifier's URL alone, without a token.",
        BASE_URL.into(),
    );
    v.add(
        "transport-url-empty-fragment",
        "transport",
        MALFORMED,
        Some("url-without-token"),
        "The verifier's URL with an empty fragment.",
        format!("{BASE_URL}#"),
    );
    v.add(
        "transport-url-token-in-query",
        "transport",
        MALFORMED,
        Some("url-without-token"),
        "The token in the URL's query instead of its fragment (it would reach the server): refused.",
        format!("{BASE_URL}?{t}"),
    );
    v.add(
        "transport-url-fragment-not-a-token",
        "transport",
        MALFORMED,
        Some("prefix"),
        "A URL whose fragment is a page anchor, not a token.",
        format!("{BASE_URL}#top"),
    );
    v.add(
        "transport-truncated-to-prefix",
        "transport",
        MALFORMED,
        Some("cbor-truncated"),
        "Only 'CC1:': the body decodes to zero bytes.",
        "CC1:".into(),
    );
    v.add(
        "transport-truncated-after-4-chars",
        "transport",
        MALFORMED,
        Some("cbor-truncated"),
        "Cut after the first base64 group (3 bytes: tag, array head, start of the protected header).",
        t[..8].to_owned(),
    );
    let half = 4 + body.len() / 2 / 4 * 4;
    v.add(
        "transport-truncated-half",
        "transport",
        MALFORMED,
        Some("cbor-truncated"),
        "Cut at a group boundary in the middle: canonical base64url, truncated CBOR.",
        t[..half].to_owned(),
    );
    let last_group = 4 + (body.len() - 4) / 4 * 4;
    v.add(
        "transport-truncated-last-group",
        "transport",
        MALFORMED,
        Some("cbor-truncated"),
        "Cut at the last group boundary before the end: the signature is 4 bytes short.",
        t[..last_group].to_owned(),
    );
    v.add(
        "transport-truncated-one-char",
        "transport",
        MALFORMED,
        Some("base64"),
        "The last character missing: a base64 length of 4n+1 is impossible.",
        t[..t.len() - 1].to_owned(),
    );
    let mut trailing_byte = issued.cose.clone();
    trailing_byte.push(0);
    v.add(
        "transport-trailing-byte-after-cose",
        "transport",
        MALFORMED,
        Some("trailing-bytes"),
        "A zero byte after the COSE_Sign1, in canonical base64url. The signature itself would verify.",
        token(&trailing_byte),
    );
    v.add(
        "transport-two-tokens",
        "transport",
        MALFORMED,
        Some("base64"),
        "Two tokens on two lines (a double scan pasted): the newline inside is refused.",
        format!("{t}\n{t}"),
    );
    v.add(
        "transport-valid-at-max-length",
        "transport",
        VALID,
        None,
        "The typical token padded with spaces to exactly 3,000 bytes, the longest text accepted.",
        format!("{t:<3000}"),
    );
    v.add(
        "transport-text-too-large",
        "transport",
        MALFORMED,
        Some("text-too-large"),
        "The typical token padded with spaces to 3,001 bytes: the size is checked before anything else, even \
         surrounding white space.",
        format!("{t:<3001}"),
    );
    v.add("transport-empty", "transport", MALFORMED, Some("text-empty"), "An empty text.", String::new());
    v.add(
        "transport-whitespace-only",
        "transport",
        MALFORMED,
        Some("text-empty"),
        "White space only.",
        " \n\t ".into(),
    );
    let mut space = t.clone();
    space.insert(mid, ' ');
    v.add("transport-space-inside", "transport", MALFORMED, Some("base64"), "A space inside the token.", space);
    let mut newline = t.clone();
    newline.insert(mid, '\n');
    v.add(
        "transport-newline-inside",
        "transport",
        MALFORMED,
        Some("base64"),
        "A line break inside the token (a wrapped e-mail).",
        newline,
    );
    let mut zwsp = t.clone();
    zwsp.insert(mid, '\u{200B}');
    v.add(
        "transport-zero-width-space-inside",
        "transport",
        MALFORMED,
        Some("base64"),
        "An invisible ZERO WIDTH SPACE (U+200B) inside the token.",
        zwsp,
    );
}

fn structure(v: &mut Vectors) {
    let w = &v.w;
    let issued = typical(w);
    let claims = claims_of(&issued.certificate);
    let payload = C::M(claims.clone()).encode();
    let kid = w.paris.kid();
    let good = protected(-8, &kid);
    let signature = w.paris.sign(&signing_input(&good, &payload));
    let sealed = |claims: Map| token(&envelope::seal(&w.paris.secret, &C::M(claims).encode()));
    let sealed_raw = |payload: Vec<u8>| token(&envelope::seal(&w.paris.secret, &payload));
    let parts = |unprotected: C| vec![C::B(good.clone()), unprotected, C::B(payload.clone()), C::B(signature.to_vec())];
    let header = |entries: Map| {
        let p = C::M(entries).encode();
        token(&signed_cose(&w.paris, &p, C::M(vec![]), &payload))
    };
    const SIGNED: &str = "The signature by the Paris key verifies over these exact bytes; decoding fails first.";
    const SEALED: &str = "Sealed with the Paris key: the signature verifies; decoding the payload fails first.";
    let mut out: Vec<(String, &'static str, &'static str, String, String)> = Vec::new();
    let mut push = |name: &str, status: &'static str, code: &'static str, comment: String, input: String| {
        out.push((name.to_owned(), status, code, comment, input));
    };

    // The envelope (hand-built bytes).
    push(
        "structure-cose-tag-17",
        MALFORMED,
        "cbor-unexpected-type",
        format!("Tag 17 (COSE_Mac0) instead of 18 (COSE_Sign1). {SIGNED}"),
        token(&C::Tag(17, Box::new(C::A(parts(C::M(vec![]))))).encode()),
    );
    push(
        "structure-cose-untagged",
        MALFORMED,
        "cbor-unexpected-type",
        format!("The COSE_Sign1 array without its tag 18. {SIGNED}"),
        token(&C::A(parts(C::M(vec![]))).encode()),
    );
    let mut three = parts(C::M(vec![]));
    three.pop();
    push(
        "structure-cose-array-of-3",
        MALFORMED,
        "cbor-unexpected-type",
        "An array of 3: the signature is missing.".into(),
        token(&C::Tag(18, Box::new(C::A(three))).encode()),
    );
    let mut five = parts(C::M(vec![]));
    five.push(C::B(vec![]));
    push(
        "structure-cose-array-of-5",
        MALFORMED,
        "cbor-unexpected-type",
        format!("An array of 5: an extra empty byte string after the signature. {SIGNED}"),
        token(&C::Tag(18, Box::new(C::A(five))).encode()),
    );
    let mut indefinite = vec![0xd2, 0x9f];
    parts(C::M(vec![])).iter().for_each(|p| p.write(&mut indefinite));
    indefinite.push(0xff);
    push(
        "structure-cose-indefinite-array",
        MALFORMED,
        "cbor-non-canonical",
        format!("The COSE_Sign1 array with an indefinite length (0x9f … 0xff). {SIGNED}"),
        token(&indefinite),
    );
    let mut long_length = vec![C::B(good.clone()), C::M(vec![])];
    assert!(payload.len() < 256);
    let mut raw_payload = vec![0x59, 0x00, payload.len() as u8];
    raw_payload.extend_from_slice(&payload);
    long_length.push(C::Raw(raw_payload));
    long_length.push(C::B(signature.to_vec()));
    push(
        "structure-cose-payload-length-not-shortest",
        MALFORMED,
        "cbor-non-canonical",
        format!("The payload's length in 2 bytes (0x59 0x00 n) where 1 suffices. {SIGNED}"),
        token(&C::Tag(18, Box::new(C::A(long_length))).encode()),
    );
    push(
        "structure-header-extra-label",
        MALFORMED,
        "cose-header",
        format!("Protected header {{1: -8, 3: 0, 4: kid}}: an extra label (content type). {SIGNED}"),
        header(vec![(C::I(1), C::I(-8)), (C::I(3), C::U(0)), (C::I(4), C::B(kid.to_vec()))]),
    );
    push(
        "structure-header-missing-alg",
        MALFORMED,
        "cose-header",
        format!("Protected header {{4: kid}}: no algorithm. {SIGNED}"),
        header(vec![(C::I(4), C::B(kid.to_vec()))]),
    );
    push(
        "structure-header-missing-kid",
        MALFORMED,
        "cose-header",
        format!("Protected header {{1: -8}}: no key id. {SIGNED}"),
        header(vec![(C::I(1), C::I(-8))]),
    );
    push(
        "structure-header-unknown-label",
        MALFORMED,
        "cose-header",
        format!("Protected header {{1: -8, 5: kid}}: the key id under label 5 (IV) instead of 4. {SIGNED}"),
        header(vec![(C::I(1), C::I(-8)), (C::I(5), C::B(kid.to_vec()))]),
    );
    push(
        "structure-header-text-label",
        MALFORMED,
        "cbor-unexpected-type",
        format!("Protected header {{1: -8, \"kid\": kid}}: a text label. {SIGNED}"),
        header(vec![(C::I(1), C::I(-8)), (C::text("kid"), C::B(kid.to_vec()))]),
    );
    push(
        "structure-header-alg-es256",
        MALFORMED,
        "cose-algorithm",
        format!("Algorithm -7 (ES256) instead of -8 (EdDSA). {SIGNED}"),
        header(vec![(C::I(1), C::I(-7)), (C::I(4), C::B(kid.to_vec()))]),
    );
    push(
        "structure-header-alg-as-text",
        MALFORMED,
        "cbor-unexpected-type",
        format!("Algorithm as the text \"EdDSA\". {SIGNED}"),
        header(vec![(C::I(1), C::text("EdDSA")), (C::I(4), C::B(kid.to_vec()))]),
    );
    push(
        "structure-header-kid-7-bytes",
        MALFORMED,
        "cose-kid",
        format!("A key id of 7 bytes (the Paris key id without its last byte). {SIGNED}"),
        header(vec![(C::I(1), C::I(-8)), (C::I(4), C::B(kid[..7].to_vec()))]),
    );
    push(
        "structure-header-kid-9-bytes",
        MALFORMED,
        "cose-kid",
        format!("A key id of 9 bytes (the Paris key id and a zero). {SIGNED}"),
        header(vec![(C::I(1), C::I(-8)), (C::I(4), C::B([&kid[..], &[0]].concat()))]),
    );
    push(
        "structure-header-kid-as-text",
        MALFORMED,
        "cbor-unexpected-type",
        format!("The key id as 16 hexadecimal characters (text) instead of 8 bytes. {SIGNED}"),
        header(vec![(C::I(1), C::I(-8)), (C::I(4), C::text(&w.paris.secret.key_id().to_string()))]),
    );
    push(
        "structure-header-duplicate-key",
        MALFORMED,
        "cbor-key-order",
        format!("Protected header {{1: -8, 1: -8}}: a duplicate label. {SIGNED}"),
        header(vec![(C::I(1), C::I(-8)), (C::I(1), C::I(-8))]),
    );
    push(
        "structure-header-keys-out-of-order",
        MALFORMED,
        "cose-header",
        format!("Protected header {{4: kid, 1: -8}}: labels out of order. {SIGNED}"),
        header(vec![(C::I(4), C::B(kid.to_vec())), (C::I(1), C::I(-8))]),
    );
    push(
        "structure-header-alg-not-shortest",
        MALFORMED,
        "cbor-non-canonical",
        format!("Algorithm -8 written in 2 bytes (0x38 0x07). {SIGNED}"),
        header(vec![(C::I(1), C::Raw(vec![0x38, 0x07])), (C::I(4), C::B(kid.to_vec()))]),
    );
    let mut bare = parts(C::M(vec![]));
    bare[0] = C::M(vec![(C::I(1), C::I(-8)), (C::I(4), C::B(kid.to_vec()))]);
    push(
        "structure-protected-not-bstr",
        MALFORMED,
        "cbor-unexpected-type",
        "The protected header as a map, not wrapped in a byte string.".into(),
        token(&C::Tag(18, Box::new(C::A(bare))).encode()),
    );
    push(
        "structure-protected-empty",
        MALFORMED,
        "cbor-truncated",
        format!("An empty protected header (zero bytes): no algorithm, no key id. {SIGNED}"),
        token(&signed_cose(&w.paris, &[], C::M(vec![]), &payload)),
    );
    push(
        "structure-unprotected-not-empty",
        MALFORMED,
        "cose-unprotected-header",
        "The key id repeated in the unprotected header. The signature verifies (the unprotected header is not \
         signed), which is why it must be empty."
            .into(),
        token(&C::Tag(18, Box::new(C::A(parts(C::M(vec![(C::I(4), C::B(kid.to_vec()))]))))).encode()),
    );
    push(
        "structure-unprotected-not-a-map",
        MALFORMED,
        "cbor-unexpected-type",
        "The unprotected header as an empty byte string instead of an empty map. The signature verifies.".into(),
        token(&C::Tag(18, Box::new(C::A(parts(C::B(vec![]))))).encode()),
    );
    let mut sig_text = parts(C::M(vec![]));
    sig_text[3] = C::text(&hex::encode(signature));
    push(
        "structure-signature-as-text",
        MALFORMED,
        "cbor-unexpected-type",
        "The signature as 128 hexadecimal characters (text) instead of 64 bytes.".into(),
        token(&C::Tag(18, Box::new(C::A(sig_text))).encode()),
    );
    push(
        "structure-bomb-array-2-32",
        MALFORMED,
        "cbor-truncated",
        "Tag 18 then an array announcing 2^32 elements in 10 bytes: refused before any allocation.".into(),
        token(&[0xd2, 0x9b, 0, 0, 0, 1, 0, 0, 0, 0]),
    );
    push(
        "structure-bomb-bytes-2-64",
        MALFORMED,
        "cbor-truncated",
        "A protected header announcing 2^64 - 1 bytes: refused before any allocation.".into(),
        token(&[0xd2, 0x84, 0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
    );
    push(
        "structure-bomb-payload-map-2-32",
        MALFORMED,
        "cbor-truncated",
        format!("A payload map announcing 2^32 entries. {SEALED}"),
        sealed_raw(vec![0xbb, 0, 0, 0, 1, 0, 0, 0, 0]),
    );
    let mut deep = vec![0xd2];
    deep.extend(std::iter::repeat_n(0x81, 2000));
    deep.push(0x00);
    push(
        "structure-deep-nesting",
        MALFORMED,
        "cbor-unexpected-type",
        "Tag 18 then 2,000 nested arrays of one element: the reader never recurses, and refuses the first array \
         (of 1, not 4)."
            .into(),
        token(&deep),
    );

    // The payload (sealed with the Paris key: the signature verifies).
    push("structure-payload-empty", MALFORMED, "cbor-truncated", format!("An empty payload. {SEALED}"), {
        sealed_raw(vec![])
    });
    push(
        "structure-payload-not-a-map",
        MALFORMED,
        "cbor-unexpected-type",
        format!("The claims' six values in an array instead of a map. {SEALED}"),
        sealed_raw(C::A(claims.iter().map(|(_, v)| v.clone()).collect()).encode()),
    );
    let mut trailing = payload.clone();
    trailing.push(0);
    push(
        "structure-payload-trailing-byte",
        MALFORMED,
        "trailing-bytes",
        format!("A zero byte after the claims map, inside the payload. {SEALED}"),
        sealed_raw(trailing),
    );
    for (key, what) in [(1, "iss"), (4, "exp"), (5, "nbf"), (6, "iat"), (7, "cti"), (CLAIM_CERTIFICATE, "certificate")]
    {
        let mut c = claims.clone();
        remove(&mut c, key);
        push(
            &format!("structure-claim-missing-{what}"),
            MALFORMED,
            "claim-missing",
            format!("The claim {what} ({key}) is missing. {SEALED}"),
            sealed(c),
        );
    }
    let mut extra = claims.clone();
    extra.insert(1, (C::I(2), C::text("Léa Eva Martin")));
    push(
        "structure-claim-unknown-extra",
        MALFORMED,
        "claim-unknown",
        format!("Seven claims: the six and `sub` (2), which a certificate does not have. {SEALED}"),
        sealed(extra),
    );
    let mut sub = claims.clone();
    sub[1] = (C::I(2), C::text("Léa Eva Martin"));
    push(
        "structure-claim-unknown-instead-of-exp",
        MALFORMED,
        "claim-unknown",
        format!("Six claims, with `sub` (2) where `exp` (4) belongs. {SEALED}"),
        sealed(sub),
    );
    let mut dup = claims.clone();
    dup[1] = dup[0].clone();
    push(
        "structure-duplicate-key-payload",
        MALFORMED,
        "cbor-key-order",
        format!("Six claims with `iss` twice (and no `exp`): a duplicate map key. {SEALED}"),
        sealed(dup),
    );
    let mut swapped = claims.clone();
    swapped.swap(1, 2);
    push(
        "structure-keys-out-of-order",
        MALFORMED,
        "cbor-key-order",
        format!("`nbf` (5) before `exp` (4): keys out of canonical order. {SEALED}"),
        sealed(swapped),
    );
    let mut dup_inner = claims.clone();
    let f = inner(&mut dup_inner);
    f[2] = f[1].clone();
    push(
        "structure-duplicate-key-certificate",
        MALFORMED,
        "cbor-key-order",
        format!("The certificate map with the family name (1) twice. {SEALED}"),
        sealed(dup_inner),
    );
    for (key, what) in [(0, "kind"), (1, "family-name"), (7, "level")] {
        let mut c = claims.clone();
        remove(inner(&mut c), key);
        push(
            &format!("structure-field-missing-{what}"),
            MALFORMED,
            "claim-missing",
            format!("The certificate's field {key} ({what}) is missing (8 fields, with the régime). {SEALED}"),
            sealed(c),
        );
    }
    let mut extra_field = claims.clone();
    inner(&mut extra_field).push((C::I(9), C::text("3e B")));
    push(
        "structure-field-unknown",
        MALFORMED,
        "claim-unknown",
        format!(
            "A tenth field (9, a class name) after the régime: more fields than a certificat de scolarité has. \
             {SEALED}"
        ),
        sealed(extra_field),
    );
    let mut kind = claims.clone();
    set(inner(&mut kind), 0, C::U(2));
    push(
        "structure-unknown-document-kind",
        UNSUPPORTED,
        "unknown-document-kind",
        format!("Document kind 2, which this verifier does not know. {SEALED}"),
        sealed(kind),
    );
    let mut non_shortest = claims.clone();
    let exp = issued.certificate.valid_until as u64;
    set(&mut non_shortest, 4, C::Raw([&[0x1b][..], &exp.to_be_bytes()].concat()));
    push(
        "structure-non-shortest-integer",
        MALFORMED,
        "cbor-non-canonical",
        format!("`exp` written in 8 bytes (0x1b) where 4 suffice. {SEALED}"),
        sealed(non_shortest),
    );
    let mut long_map = vec![0xb8, 0x06];
    claims.iter().for_each(|(k, v)| {
        k.write(&mut long_map);
        v.write(&mut long_map);
    });
    push(
        "structure-map-length-not-shortest",
        MALFORMED,
        "cbor-non-canonical",
        format!("The claims map's length 6 written in 2 bytes (0xb8 0x06). {SEALED}"),
        sealed_raw(long_map),
    );
    let mut indefinite_map = vec![0xbf];
    claims.iter().for_each(|(k, v)| {
        k.write(&mut indefinite_map);
        v.write(&mut indefinite_map);
    });
    indefinite_map.push(0xff);
    push(
        "structure-indefinite-length-map",
        MALFORMED,
        "cbor-non-canonical",
        format!("The claims map with an indefinite length (0xbf … 0xff). {SEALED}"),
        sealed_raw(indefinite_map),
    );
    let mut float = claims.clone();
    let nbf = issued.certificate.valid_from as f64;
    set(&mut float, 5, C::Raw([&[0xfb][..], &nbf.to_bits().to_be_bytes()].concat()));
    push(
        "structure-float-for-nbf",
        MALFORMED,
        "cbor-unexpected-type",
        format!("`nbf` as a double-precision float of the same value. {SEALED}"),
        sealed(float),
    );
    let mut cti_text = claims.clone();
    set(&mut cti_text, 7, C::text(&issued.certificate.serial));
    push(
        "structure-text-for-serial",
        MALFORMED,
        "cbor-unexpected-type",
        format!("The serial (`cti`) as a text string instead of bytes. {SEALED}"),
        sealed(cti_text),
    );
    let mut name_bytes = claims.clone();
    set(inner(&mut name_bytes), 1, C::B(b"Martin".to_vec()));
    push(
        "structure-bytes-for-family-name",
        MALFORMED,
        "cbor-unexpected-type",
        format!("The family name as a byte string instead of text. {SEALED}"),
        sealed(name_bytes),
    );
    let mut birth_text = claims.clone();
    set(inner(&mut birth_text), 3, C::text("2013-04-12"));
    push(
        "structure-text-for-birth-date",
        MALFORMED,
        "cbor-unexpected-type",
        format!("The birth date as text \"2013-04-12\" instead of a day count. {SEALED}"),
        sealed(birth_text),
    );
    let mut bad_utf8 = claims.clone();
    set(inner(&mut bad_utf8), 1, C::Raw(vec![0x66, b'M', b'a', b'r', 0xc3, 0x28, b'n']));
    push(
        "structure-invalid-utf8-name",
        MALFORMED,
        "cbor-invalid-utf8",
        format!("The family name's text holds 0xc3 0x28, which is not UTF-8. {SEALED}"),
        sealed(bad_utf8),
    );
    let mut bad_serial = claims.clone();
    set(&mut bad_serial, 7, C::B(vec![b'2', b'0', 0xff, b'1']));
    push(
        "structure-serial-not-utf8",
        MALFORMED,
        "claim-invalid",
        format!("The serial's bytes are not UTF-8. {SEALED}"),
        sealed(bad_serial),
    );
    let mut forbidden = claims.clone();
    set(&mut forbidden, 7, C::B(b"2025 000123".to_vec()));
    push(
        "structure-serial-forbidden-char",
        MALFORMED,
        "claim-invalid",
        format!("A space in the serial (only A-Z a-z 0-9 . _ - are allowed). {SEALED}"),
        sealed(forbidden),
    );
    let mut empty_serial = claims.clone();
    set(&mut empty_serial, 7, C::B(vec![]));
    push(
        "structure-serial-empty",
        MALFORMED,
        "claim-invalid",
        format!("An empty serial. {SEALED}"),
        sealed(empty_serial),
    );
    let mut level = claims.clone();
    set(inner(&mut level), 7, C::U(99));
    push(
        "structure-unknown-level",
        MALFORMED,
        "claim-invalid",
        format!("Level code 99, not in the list. {SEALED}"),
        sealed(level),
    );
    let mut regime = claims.clone();
    set(inner(&mut regime), 8, C::U(4));
    push(
        "structure-unknown-regime",
        MALFORMED,
        "claim-invalid",
        format!("Régime code 4 (only 1 to 3 exist). {SEALED}"),
        sealed(regime),
    );
    let mut birth = claims.clone();
    set(inner(&mut birth), 3, C::I(1_000_000));
    push(
        "structure-birth-date-impossible",
        MALFORMED,
        "claim-invalid",
        format!("Born 1,000,000 days after 1970 (year 4707): outside the calendar's range. {SEALED}"),
        sealed(birth),
    );
    let mut uai_big = claims.clone();
    set(inner(&mut uai_big), 4, C::U(10_000_000));
    push(
        "structure-uai-over-7-digits",
        MALFORMED,
        "claim-invalid",
        format!("UAI number 10,000,000: more than 7 digits. {SEALED}"),
        sealed(uai_big),
    );
    let mut nbf2 = claims.clone();
    set(&mut nbf2, 5, C::I(date("2025-09-02").paris_midnight()));
    push(
        "structure-nbf-not-1-september",
        MALFORMED,
        "claim-invalid",
        format!("`nbf` at midnight in Paris on 2 September: a school year starts on 1 September. {SEALED}"),
        sealed(nbf2),
    );
    let mut nbf_utc = claims.clone();
    set(&mut nbf_utc, 5, C::I(time("2025-09-01T00:00:00Z")));
    push(
        "structure-nbf-utc-midnight",
        MALFORMED,
        "claim-invalid",
        format!("`nbf` at midnight UTC on 1 September, which is 02:00 in Paris. {SEALED}"),
        sealed(nbf_utc),
    );
    let mut exp2 = claims.clone();
    set(&mut exp2, 4, C::I(date("2027-09-01").paris_midnight()));
    push(
        "structure-exp-not-matching-nbf",
        MALFORMED,
        "claim-invalid",
        format!("`exp` one year too late (1 September 2027): two school years. {SEALED}"),
        sealed(exp2),
    );
    let mut iat = claims.clone();
    set(&mut iat, 6, C::I(date("2025-09-15").paris_midnight() + 3600));
    push(
        "structure-iat-not-paris-midnight",
        MALFORMED,
        "claim-invalid",
        format!("`iat` at 01:00 in Paris: the issue date is a midnight in Paris. {SEALED}"),
        sealed(iat),
    );
    let mut iat_max = claims.clone();
    set(&mut iat_max, 6, C::I(i64::MAX));
    push(
        "structure-iat-huge",
        MALFORMED,
        "claim-invalid",
        format!("`iat` = 2^63 - 1, the largest integer the reader takes: no date. {SEALED}"),
        sealed(iat_max),
    );
    let mut nbf_max = claims.clone();
    set(&mut nbf_max, 5, C::I(i64::MAX));
    push(
        "structure-nbf-huge",
        MALFORMED,
        "claim-invalid",
        format!("`nbf` = 2^63 - 1: no school year. {SEALED}"),
        sealed(nbf_max),
    );
    let before_1970 = date("1960-09-15").paris_midnight();
    assert!(before_1970 < 0);
    let mut iat_negative = claims.clone();
    set(&mut iat_negative, 6, C::I(before_1970));
    push(
        "structure-iat-negative",
        MALFORMED,
        "cbor-unexpected-type",
        format!(
            "`iat` = {before_1970}, midnight in Paris on 15 September 1960, as a negative integer: instants are uints. \
             {SEALED}"
        ),
        sealed(iat_negative),
    );
    let mut nbf_negative = claims.clone();
    set(&mut nbf_negative, 4, C::I(date("1970-09-01").paris_midnight()));
    set(&mut nbf_negative, 5, C::I(date("1969-09-01").paris_midnight()));
    push(
        "structure-nbf-negative",
        MALFORMED,
        "cbor-unexpected-type",
        format!(
            "`nbf` at midnight in Paris on 1 September 1969, a negative integer, and `exp` a year later: instants \
             are uints. {SEALED}"
        ),
        sealed(nbf_negative),
    );
    let mut exp_negative = claims.clone();
    set(&mut exp_negative, 4, C::I(-1));
    push(
        "structure-exp-negative",
        MALFORMED,
        "cbor-unexpected-type",
        format!("`exp` = -1: instants are uints. {SEALED}"),
        sealed(exp_negative),
    );
    let mut iat_early = claims.clone();
    set(&mut iat_early, 6, C::I(date("2024-12-31").paris_midnight()));
    push(
        "structure-iat-before-issuing-dates",
        MALFORMED,
        "claim-invalid",
        format!(
            "`iat` on 31 December 2024 for 2025-2026: a certificate for a school year is issued from 1 January of \
             the year it starts. {SEALED}"
        ),
        sealed(iat_early),
    );
    let mut iat_late = claims.clone();
    set(&mut iat_late, 6, C::I(date("2026-09-01").paris_midnight()));
    push(
        "structure-iat-after-school-year",
        MALFORMED,
        "claim-invalid",
        format!("`iat` on 1 September 2026 for 2025-2026: issued after the school year's last day. {SEALED}"),
        sealed(iat_late),
    );
    let mut exp_big = claims.clone();
    set(&mut exp_big, 4, C::U(u64::MAX));
    push(
        "structure-exp-beyond-i64",
        MALFORMED,
        "cbor-out-of-range",
        format!("`exp` = 2^64 - 1, beyond a signed 64-bit time. {SEALED}"),
        sealed(exp_big),
    );
    let mut bidi = claims.clone();
    set(inner(&mut bidi), 1, C::text("Mar\u{202E}nit"));
    push(
        "structure-bidi-override-in-name",
        MALFORMED,
        "claim-invalid",
        format!("A RIGHT-TO-LEFT OVERRIDE (U+202E) in the family name, which would show 'Martin'. {SEALED}"),
        sealed(bidi),
    );
    let mut separator = claims.clone();
    set(inner(&mut separator), 1, C::text("Martin\u{2028}Certificat annulé"));
    push(
        "structure-line-separator-in-name",
        MALFORMED,
        "claim-invalid",
        format!("A LINE SEPARATOR (U+2028) in the family name, a line break like a line feed. {SEALED}"),
        sealed(separator),
    );
    let mut control = claims.clone();
    set(inner(&mut control), 5, C::text("Collège Victor Hugo\nCertificat annulé"));
    push(
        "structure-control-char-in-school-name",
        MALFORMED,
        "claim-invalid",
        format!("A line feed in the school's name. {SEALED}"),
        sealed(control),
    );
    let mut empty_name = claims.clone();
    set(inner(&mut empty_name), 2, C::text(""));
    push(
        "structure-empty-given-names",
        MALFORMED,
        "claim-invalid",
        format!("Empty given names. {SEALED}"),
        sealed(empty_name),
    );
    let mut long_name = claims.clone();
    set(inner(&mut long_name), 1, C::text(&"É".repeat(65)));
    push(
        "structure-family-name-too-long",
        MALFORMED,
        "claim-invalid",
        format!("A family name of 65 characters (the limit is 64). {SEALED}"),
        sealed(long_name),
    );

    for (name, status, code, comment, input) in out {
        v.add(&name, "structure", status, Some(code), &comment, input);
    }
}

fn signature(v: &mut Vectors) {
    let w = &v.w;
    let issued = typical(w);
    let claims = C::M(claims_of(&issued.certificate)).encode();
    let kid = w.paris.kid();
    let good = protected(-8, &kid);
    let sig = w.paris.sign(&signing_input(&good, &claims));
    let with_sig = |s: &[u8]| token(&cose(&good, C::M(vec![]), &claims, s));
    let mut out: Vec<(String, &'static str, &'static str, String, String)> = Vec::new();
    let mut push = |name: &str, status, code, comment: &str, input| {
        out.push((name.to_owned(), status, code, comment.to_owned(), input));
    };

    let mut payload_flip = issued.cose.clone();
    let at = payload_flip.windows(6).position(|x| x == b"Martin").expect("family name in the COSE") + 5;
    payload_flip[at] ^= 0x01; // 'n' → 'o'
    push(
        "signature-bit-flip-payload",
        INVALID_SIGNATURE,
        "signature-mismatch",
        "One bit of the payload flipped: the family name reads 'Martio'. The payload still decodes.",
        token(&payload_flip),
    );
    let mut kid_flip = issued.cose.clone();
    let at = kid_flip.windows(8).position(|x| x == kid).expect("kid in the COSE");
    kid_flip[at] ^= 0x01;
    push(
        "signature-bit-flip-protected-kid",
        UNKNOWN_ISSUER,
        "kid-not-in-trust-list",
        "One bit of the key id in the protected header flipped: no listed key has that id, so the signature cannot \
         be checked. (Any other bit of the protected header breaks its structure.)",
        token(&kid_flip),
    );
    let nantes = protected(-8, &w.nantes.kid());
    push(
        "signature-protected-kid-of-another-issuer",
        INVALID_SIGNATURE,
        "signature-mismatch",
        "Signed by the Paris key, but the protected header names the Nantes key (listed): checked under the Nantes \
         key, the signature fails.",
        token(&cose(&nantes, C::M(vec![]), &claims, &sig)),
    );
    let mut r_sign = sig;
    flip(&mut r_sign, 255);
    push(
        "signature-bit-flip-r-sign",
        INVALID_SIGNATURE,
        "signature-mismatch",
        "The sign bit of R flipped: R becomes -R, still a canonical point of the prime-order subgroup, and the \
         equation fails.",
        with_sig(&r_sign),
    );
    let bit = (0..255)
        .find(|&b| {
            let mut s = sig;
            flip(&mut s, b);
            CompressedEdwardsY(s[..32].try_into().expect("R")).decompress().is_none()
        })
        .expect("some flip takes R off the curve");
    let mut r_off = sig;
    flip(&mut r_off, bit);
    push(
        "signature-bit-flip-r-off-curve",
        INVALID_SIGNATURE,
        "signature-mismatch",
        &format!("Bit {bit} of R flipped (the first one that does so): R's y has no point on the curve."),
        with_sig(&r_off),
    );
    let mut s_low = sig;
    flip(&mut s_low, 256);
    push(
        "signature-bit-flip-s",
        INVALID_SIGNATURE,
        "signature-mismatch",
        "The lowest bit of S flipped; everything else untouched.",
        with_sig(&s_low),
    );
    let mut s_high = sig;
    flip(&mut s_high, 511);
    push(
        "signature-bit-flip-s-high",
        INVALID_SIGNATURE,
        "signature-mismatch",
        "The highest bit of S flipped: S ≥ 2^255, not reduced modulo L.",
        with_sig(&s_high),
    );
    push(
        "signature-63-bytes",
        INVALID_SIGNATURE,
        "signature-bad-length",
        "The signature's last byte cut: 63 bytes.",
        with_sig(&sig[..63]),
    );
    push(
        "signature-65-bytes",
        INVALID_SIGNATURE,
        "signature-bad-length",
        "A zero byte after the signature: 65 bytes.",
        with_sig(&[&sig[..], &[0]].concat()),
    );
    push("signature-empty", INVALID_SIGNATURE, "signature-bad-length", "An empty signature.", with_sig(&[]));
    push(
        "signature-all-zero",
        INVALID_SIGNATURE,
        "signature-mismatch",
        "64 zero bytes: R = (sqrt(-1), 0), a point of order 4.",
        with_sig(&[0u8; 64]),
    );
    let mut s_l = sig;
    s_l[32..].copy_from_slice(&s_plus_l(&sig[32..]));
    push(
        "signature-s-plus-l",
        INVALID_SIGNATURE,
        "signature-mismatch",
        "S replaced by S + L: the same signature for a lax verifier (malleability), refused because S ≥ L.",
        with_sig(&s_l),
    );
    let mut r_nc = sig;
    let mut y = [0xffu8; 32];
    y[0] = 0xee;
    y[31] = 0x7f; // y = p + 1, a non-canonical encoding of the identity (y = 1)
    r_nc[..32].copy_from_slice(&y);
    push(
        "signature-r-non-canonical",
        INVALID_SIGNATURE,
        "r-non-canonical",
        "R = the 32 bytes of y = p + 1: a non-canonical encoding of the identity point.",
        with_sig(&r_nc),
    );
    let mut r_small = sig;
    let mut order2 = [0xffu8; 32];
    order2[0] = 0xec;
    order2[31] = 0x7f; // (0, -1), of order 2
    r_small[..32].copy_from_slice(&order2);
    push(
        "signature-r-small-order",
        INVALID_SIGNATURE,
        "signature-mismatch",
        "R = (0, -1), a point of order 2.",
        with_sig(&r_small),
    );
    let mut r_id = sig;
    let mut identity = [0u8; 32];
    identity[0] = 1;
    r_id[..32].copy_from_slice(&identity);
    push(
        "signature-r-identity",
        INVALID_SIGNATURE,
        "signature-mismatch",
        "R = the identity: canonical and in the prime-order subgroup, but of small order, which verify_strict \
         refuses.",
        with_sig(&r_id),
    );
    let forged = w.rogue.sign(&signing_input(&good, &claims));
    push(
        "signature-by-untrusted-key-with-listed-kid",
        INVALID_SIGNATURE,
        "signature-mismatch",
        "Signed by an unlisted key, with the Paris key's id in the protected header.",
        with_sig(&forged),
    );
    let other = w.issue(&w.paris, &{
        let mut i = w.input("2025-000125", "2025-09-15");
        i.family_name = "Durand".into();
        i.given_names = "Hugo".into();
        i
    });
    let other_claims = C::M(claims_of(&other.certificate)).encode();
    push(
        "signature-payload-swapped",
        INVALID_SIGNATURE,
        "signature-mismatch",
        "The protected header and signature of one valid certificate around the payload of another, both signed \
         by the Paris key.",
        token(&cose(&good, C::M(vec![]), &other_claims, &sig)),
    );
    let mut no_aad = Vec::new();
    C::A(vec![C::text("Signature1"), C::B(good.clone()), C::B(vec![]), C::B(claims.clone())]).write(&mut no_aad);
    push(
        "signature-without-certificate-aad",
        INVALID_SIGNATURE,
        "signature-mismatch",
        "Signed by the Paris key over COSE's Sig_structure with an empty external AAD instead of \
         \"cachet certificate v1\": a signature made for another purpose.",
        with_sig(&w.paris.sign(&no_aad)),
    );
    for (name, status, code, comment, input) in out {
        v.add(&name, "signature", status, Some(code), &comment, input);
    }
}

fn trust_list(v: &mut Vectors) {
    let w = &v.w;
    let issue = |key: &Key, serial: &str, issued_on: &str| w.issue(key, &w.input(serial, issued_on)).token;
    let t = typical(w).token;
    let rogue = issue(&w.rogue, "2025-000200", "2025-09-15");
    let root_signed = issue(&w.root, "2025-000201", "2025-09-15");
    let lyon = issue(&w.lyon, "2025-000202", "2025-09-15");
    let revoked = issue(&w.paris, REVOKED_SERIAL, "2025-09-15");
    let creteil = issue(&w.creteil, "2025-000203", "2025-09-15");
    let creteil_last = issue(&w.creteil, "2025-000204", "2025-08-31");
    let nantes = issue(&w.nantes, "2025-000205", "2025-09-15");
    let nantes_first = issue(&w.nantes, "2025-000206", "2025-10-01");
    let nantes_in_mixed = nantes_first.clone();
    let bordeaux = issue(&w.bordeaux, "2025-000207", "2025-09-15");
    let body = w.body();
    let compact = serde_json::to_string(&body).expect("list JSON");
    let list = v.list.clone();
    let other_root_list = w.sign_list(&w.other_root, &body);
    let issuer_signed_list = w.sign_raw(&w.paris, &compact);
    let mut bad_sig = list.clone();
    let at = bad_sig.find("\"value\":\"").expect("signature value") + 9 + 20;
    let c = bad_sig.as_bytes()[at];
    bad_sig.replace_range(at..at + 1, if c == b'A' { "B" } else { "A" });
    let tampered = replace_once(&list, "\"2024-06-01\",\"valid_until\":\"2025-08-31\"", {
        "\"2024-06-01\",\"valid_until\":\"2026-08-31\""
    });
    let spaced = replace_once(&list, "\"sequence\":5", "\"sequence\": 5");
    let dup = w.sign_raw(&w.root, &replace_once(&compact, "\"sequence\":5,", "\"sequence\":5,\"sequence\":6,"));
    let dup_wrapper = replace_once(&list, "\n\"list\": ", "\n\"list\": {},\n\"list\": ");
    let unknown = w.sign_raw(&w.root, &replace_once(&compact, "{\"format\"", "{\"comment\":\"test\",\"format\""));
    let unknown_entry = w.sign_raw(
        &w.root,
        &compact.replacen("\"status\":\"active\"", "\"status\":\"active\",\"email\":\"x@ac-paris.fr\"", 1),
    );
    let format2 = w.sign_raw(&w.root, &replace_once(&compact, "cachet-trust-list/1", "cachet-trust-list/2"));
    let mut mismatch = body.clone();
    mismatch.issuers[0].key_id = w.lyon.secret.key_id().to_string();
    let mismatch = w.sign_raw(&w.root, &serde_json::to_string(&mismatch).expect("JSON"));
    let mut small = body.clone();
    let mut order2 = [0xffu8; 32];
    order2[0] = 0xec;
    order2[31] = 0x7f;
    small.issuers[0].public_key = b64(&order2);
    small.issuers[0].key_id = KeyId::of(&order2).to_string();
    let small = w.sign_raw(&w.root, &serde_json::to_string(&small).expect("JSON"));
    // The Paris key plus (0, -1): a point with a torsion component, canonical and not of small order.
    let point = |b: [u8; 32]| CompressedEdwardsY(b).decompress().expect("a point");
    let mixed_key = (point(*w.paris.secret.public_key().as_bytes()) + point(order2)).compress().0;
    let mut mixed = body.clone();
    mixed.issuers[0].public_key = b64(&mixed_key);
    mixed.issuers[0].key_id = KeyId::of(&mixed_key).to_string();
    let mixed = w.sign_raw(&w.root, &serde_json::to_string(&mixed).expect("JSON"));
    let typical_claims = C::M(claims_of(&typical(w).certificate)).encode();
    let mixed_signed =
        token(&signed_cose(&w.paris, &protected(-8, &KeyId::of(&mixed_key).0), C::M(vec![]), &typical_claims));
    let es256 = replace_once(&list, "\"alg\":\"EdDSA\"", "\"alg\":\"ES256\"");
    let mut backwards = body.clone();
    backwards.next_update = "2025-08-01T00:00:00Z".into();
    let backwards = w.sign_raw(&w.root, &serde_json::to_string(&backwards).expect("JSON"));
    let next_update = time("2025-12-01T00:00:00Z");
    let two_roots = [w.root.public_text(), w.other_root.public_text()];

    v.add(
        "trust-unknown-kid",
        "trust",
        UNKNOWN_ISSUER,
        Some("kid-not-in-trust-list"),
        "A well-formed certificate signed by a key that is not in the trust list (its own key id).",
        rogue,
    );
    v.add(
        "trust-root-key-signs-certificate",
        "trust",
        UNKNOWN_ISSUER,
        Some("kid-not-in-trust-list"),
        "A certificate signed by the pinned root key: a root signs lists, not certificates.",
        root_signed,
    );
    v.add(
        "trust-issuer-key-revoked",
        "trust",
        REVOKED,
        Some("issuer-key-revoked"),
        "Signed by the Lyon key, listed with status \"revoked\" (within its dates and kinds).",
        lyon,
    );
    v.add(
        "trust-serial-revoked",
        "trust",
        REVOKED,
        Some("serial-revoked"),
        "The certificate's serial is in the list's revoked_serials.",
        revoked,
    );
    v.add(
        "trust-key-expired-at-issue-date",
        "trust",
        KEY_NOT_VALID,
        Some("key-not-valid-at-issue-date"),
        "Signed by the Créteil key (valid 2024-06-01 to 2025-08-31), issued on 2025-09-15.",
        creteil,
    );
    v.add(
        "trust-key-valid-until-inclusive",
        "trust",
        VALID,
        None,
        "Signed by the Créteil key on 2025-08-31, its valid_until: the bound is inclusive.",
        creteil_last,
    );
    v.add(
        "trust-key-not-yet-valid-at-issue-date",
        "trust",
        KEY_NOT_VALID,
        Some("key-not-valid-at-issue-date"),
        "Signed by the Nantes key (valid from 2025-10-01), issued on 2025-09-15.",
        nantes,
    );
    v.add(
        "trust-key-valid-from-inclusive",
        "trust",
        VALID,
        None,
        "Signed by the Nantes key on 2025-10-01, its valid_from: the bound is inclusive.",
        nantes_first,
    );
    v.add(
        "trust-key-not-allowed-for-kind",
        "trust",
        KEY_NOT_VALID,
        Some("key-not-allowed-for-kind"),
        "Signed by the Bordeaux key, listed only for \"attestation-de-reussite\".",
        bordeaux,
    );
    v.add(
        "trust-list-bad-signature",
        "trust",
        LIST_INVALID,
        Some("trust-list-signature"),
        "One character of the list's signature value changed.",
        t.clone(),
    )
    .list(&bad_sig);
    v.add(
        "trust-list-unpinned-root",
        "trust",
        LIST_INVALID,
        Some("trust-list-unknown-root"),
        "The same list, signed by a root key the verifier does not pin.",
        t.clone(),
    )
    .list(&other_root_list);
    v.add(
        "trust-list-second-pinned-root",
        "trust",
        VALID,
        None,
        "Two roots pinned (a rotation); the list is signed by the second.",
        t.clone(),
    )
    .list(&other_root_list)
    .roots(&two_roots);
    v.add("trust-list-no-pinned-root", "trust", LIST_INVALID, Some("trust-list-unknown-root"), "No root pinned.", {
        t.clone()
    })
    .roots(&[]);
    v.add(
        "trust-list-signed-by-issuer-key",
        "trust",
        LIST_INVALID,
        Some("trust-list-unknown-root"),
        "The list signed by the Paris issuer key (listed in it) instead of the root.",
        t.clone(),
    )
    .list(&issuer_signed_list);
    v.add(
        "trust-list-tampered",
        "trust",
        LIST_INVALID,
        Some("trust-list-signature"),
        "The Créteil key's valid_until moved a year later after signing.",
        t.clone(),
    )
    .list(&tampered);
    v.add(
        "trust-list-whitespace-changed",
        "trust",
        LIST_INVALID,
        Some("trust-list-signature"),
        "A space added inside the list after signing: the signature covers the exact bytes.",
        t.clone(),
    )
    .list(&spaced);
    v.add(
        "trust-list-duplicate-json-key",
        "trust",
        LIST_INVALID,
        Some("trust-list-json"),
        "\"sequence\" twice (5, then 6) in a list correctly signed by the root.",
        t.clone(),
    )
    .list(&dup);
    v.add(
        "trust-list-duplicate-list-member",
        "trust",
        LIST_INVALID,
        Some("trust-list-json"),
        "The signed file with two \"list\" members (an empty one first).",
        t.clone(),
    )
    .list(&dup_wrapper);
    v.add(
        "trust-list-unknown-field",
        "trust",
        LIST_INVALID,
        Some("trust-list-json"),
        "An unknown member \"comment\" in a list correctly signed by the root.",
        t.clone(),
    )
    .list(&unknown);
    v.add(
        "trust-list-unknown-field-in-entry",
        "trust",
        LIST_INVALID,
        Some("trust-list-json"),
        "An unknown member \"email\" in an issuer entry, in a list correctly signed by the root.",
        t.clone(),
    )
    .list(&unknown_entry);
    v.add(
        "trust-list-wrong-format",
        "trust",
        LIST_INVALID,
        Some("trust-list-format"),
        "\"format\": \"cachet-trust-list/2\", correctly signed by the root.",
        t.clone(),
    )
    .list(&format2);
    v.add(
        "trust-list-key-id-mismatch",
        "trust",
        LIST_INVALID,
        Some("trust-list-entry-key-id"),
        "The Paris entry carries the Lyon key's id, correctly signed by the root.",
        t.clone(),
    )
    .list(&mismatch);
    v.add(
        "trust-list-issuer-key-small-order",
        "trust",
        LIST_INVALID,
        Some("trust-list-entry-key"),
        "The first issuer's public key is (0, -1), of order 2, with its matching key id; correctly signed.",
        t.clone(),
    )
    .list(&small);
    v.add(
        "trust-list-issuer-key-mixed-order",
        "trust",
        INVALID_SIGNATURE,
        Some("key-not-torsion-free"),
        "The first issuer's public key is the Paris key plus (0, -1): canonical, not of small order, with a torsion \
         component; its key id matches and the list is correctly signed. The list loads (the torsion check is made \
         at a key's first verification); the certificate, with that key's id and signed by the Paris key, is refused.",
        mixed_signed,
    )
    .list(&mixed);
    v.add(
        "trust-list-issuer-key-mixed-order-other-issuer",
        "trust",
        VALID,
        None,
        "The same list: a certificate of another issuer (Nantes, on its valid_from) verifies; a key with a torsion \
         component refuses only what it signed.",
        nantes_in_mixed,
    )
    .list(&mixed);
    v.add(
        "trust-list-next-update-before-issued-at",
        "trust",
        LIST_INVALID,
        Some("trust-list-entry-time-order"),
        "next_update a month before issued_at; correctly signed.",
        t.clone(),
    )
    .list(&backwards);
    v.add(
        "trust-list-alg-not-eddsa",
        "trust",
        LIST_INVALID,
        Some("trust-list-signature"),
        "The signature's \"alg\" says ES256 (its value is the root's Ed25519 signature).",
        t.clone(),
    )
    .list(&es256);
    v.add(
        "trust-list-unsigned",
        "trust",
        LIST_INVALID,
        Some("trust-list-json"),
        "The list's JSON alone, without the signature wrapper.",
        t.clone(),
    )
    .list(&compact);
    v.add("trust-list-not-json", "trust", LIST_INVALID, Some("trust-list-json"), "The list file is not JSON.", {
        t.clone()
    })
    .list("not a trust list\n");
    v.add("trust-list-empty-file", "trust", LIST_INVALID, Some("trust-list-json"), "An empty list file.", t.clone())
        .list("");
    v.add(
        "trust-list-rollback",
        "trust",
        LIST_INVALID,
        Some("trust-list-rollback"),
        "The verifier has seen sequence 6; this list is sequence 5.",
        t.clone(),
    )
    .seen(6);
    v.add(
        "trust-list-same-sequence-as-seen",
        "trust",
        VALID,
        None,
        "The verifier has seen sequence 5, this very list: not a rollback.",
        t.clone(),
    )
    .seen(5);
    v.add(
        "trust-list-stale-within-grace",
        "trust",
        VALID,
        Some("trust-list-stale"),
        "One day past next_update, within the 7-day grace: valid, with a warning on the trust-list check.",
        t.clone(),
    )
    .now(next_update + 86_400);
    v.add(
        "trust-list-expired",
        "trust",
        LIST_EXPIRED,
        Some("trust-list-expired"),
        "Eight days past next_update: past the grace period, the list is not used.",
        t,
    )
    .now(next_update + 8 * 86_400);
}

fn time_cases(v: &mut Vectors) {
    let w = &v.w;
    let t = typical(w);
    let early = w.issue(&w.paris, &w.input("2025-000300", "2025-06-20")).token;
    let mut previous = w.input("2025-000301", "2025-06-15");
    previous.school_year = "2024-2025".into();
    previous.level = "CM2".into();
    let previous = w.issue(&w.paris, &previous).token;
    let revoked_previous = {
        let mut i = w.input(REVOKED_SERIAL, "2025-06-15");
        i.school_year = "2024-2025".into();
        w.issue(&w.paris, &i).token
    };
    let mut late = w.body();
    late.sequence = 9;
    late.issued_at = "2026-08-15T00:00:00Z".into();
    late.next_update = "2026-11-15T00:00:00Z".into();
    let late = w.sign_list(&w.root, &late);
    let nbf = t.certificate.valid_from;
    let exp = t.certificate.valid_until;
    let iat = t.certificate.issued_on.paris_midnight();
    let next_update = time("2025-12-01T00:00:00Z");
    let grace = trust::GRACE_SECONDS;
    let skew = CLOCK_SKEW_SECONDS;
    assert_eq!((skew, grace), (300, 7 * 86_400));

    v.add(
        "time-before-nbf-minus-skew",
        "time",
        NOT_YET_VALID,
        Some("before-school-year"),
        "Issued on 2025-06-20 for 2025-2026; verified at nbf - 301 s (5 minutes of clock skew, and one second more).",
        early.clone(),
    )
    .now(nbf - skew - 1);
    v.add(
        "time-at-nbf-minus-skew",
        "time",
        VALID,
        None,
        "Issued on 2025-06-20 for 2025-2026; verified at nbf - 300 s: within the clock skew.",
        early,
    )
    .now(nbf - skew);
    v.add(
        "time-at-exp-plus-skew-minus-1",
        "time",
        VALID,
        None,
        "Verified at exp + 299 s (exp: midnight in Paris on 1 September 2026), with a list valid then.",
        t.token.clone(),
    )
    .now(exp + skew - 1)
    .list(&late);
    v.add(
        "time-at-exp-plus-skew",
        "time",
        EXPIRED,
        Some("after-school-year"),
        "Verified at exp + 300 s, with a list valid then.",
        t.token.clone(),
    )
    .now(exp + skew)
    .list(&late);
    v.add(
        "time-issued-in-the-future",
        "time",
        NOT_YET_VALID,
        Some("issued-in-the-future"),
        "Issued on 2025-09-15; verified 301 s before midnight in Paris that day, within the school year.",
        t.token.clone(),
    )
    .now(iat - skew - 1);
    v.add(
        "time-at-issue-minus-skew",
        "time",
        VALID,
        None,
        "Issued on 2025-09-15; verified 300 s before midnight in Paris that day: within the clock skew.",
        t.token.clone(),
    )
    .now(iat - skew);
    v.add(
        "time-previous-school-year",
        "time",
        EXPIRED,
        Some("after-school-year"),
        "A certificate for 2024-2025 verified in October 2025.",
        previous.clone(),
    );
    v.add(
        "time-trust-list-at-next-update",
        "time",
        VALID,
        Some("trust-list-stale"),
        "Verified exactly at the list's next_update: stale, used with a warning.",
        t.token.clone(),
    )
    .now(next_update);
    v.add(
        "time-trust-list-grace-last-second",
        "time",
        VALID,
        Some("trust-list-stale"),
        "Verified at next_update + 7 days - 1 s: the last second of the grace period.",
        t.token.clone(),
    )
    .now(next_update + grace - 1);
    v.add(
        "time-trust-list-grace-boundary",
        "time",
        LIST_EXPIRED,
        Some("trust-list-expired"),
        "Verified at next_update + 7 days exactly: the grace period is over.",
        t.token.clone(),
    )
    .now(next_update + grace);
    v.add(
        "time-precedence-list-expired-over-expired",
        "time",
        LIST_EXPIRED,
        Some("trust-list-expired"),
        "A 2024-2025 certificate with an expired list: both fail, the list's verdict comes first.",
        previous,
    )
    .now(next_update + grace);
    v.add(
        "time-precedence-revoked-over-expired",
        "time",
        REVOKED,
        Some("serial-revoked"),
        "A 2024-2025 certificate whose serial is revoked, verified after its year: revoked comes before expired.",
        revoked_previous,
    );
}

/// The Paris key's status index space in the status cases.
const STATUS_CAPACITY: u32 = 700_000;

/// Certificates with a `status` claim (FORMAT.md, "Status claim"), checked
/// against a list whose Paris entry has a status index space and revoked
/// indices (TRUST.md, "Status by index"); and lists whose revoked indices
/// are not the canonical code of a set.
fn status_cases(v: &mut Vectors) {
    let w = &v.w;
    // The Paris key's certificates number 0, 1, 2, …; the n-th gets index status_index(n).
    let index = |ordinal: u64| status_index(&w.paris.secret, ordinal, STATUS_CAPACITY).expect("ordinal in the space");
    let (kept, withdrawn) = (index(122), index(665));
    let mut revoked = vec![withdrawn, index(666), index(1000)];
    revoked.sort_unstable();
    assert!(!revoked.contains(&kept));
    let set = RevokedSet::from_sorted(&revoked, STATUS_CAPACITY).expect("a set");
    let mut body = w.body();
    body.sequence = 6;
    body.issuers[0].status_capacity = Some(STATUS_CAPACITY);
    body.issuers[0].revoked_indices = Some(set.encode());
    let status_list = w.sign_list(&w.root, &body);
    let with_status = |serial: &str, status: StatusRef| {
        issue::issue_with_status(&w.paris.secret, &w.input(serial, "2025-09-15"), date("2025-09-15"), status)
            .unwrap_or_else(|e| panic!("issue: {e}"))
            .token
    };
    let valid = with_status("2025-000123", StatusRef::new(kept));
    let revoked_cert = with_status("2025-000900", StatusRef::new(withdrawn));
    let beyond = with_status("2025-000701", StatusRef::new(STATUS_CAPACITY));
    let other_uri = with_status(
        "2025-000702",
        StatusRef { idx: u64::from(kept), uri: "https://verifier.example/status/paris".into() },
    );
    // Signed as they are: the issuer's checks would refuse these claims.
    let mut bad = w.issue(&w.paris, &w.input("2025-000703", "2025-09-15")).certificate;
    bad.status = Some(StatusRef { idx: u64::from(kept), uri: "status list".into() });
    let no_scheme = issue::sign(&w.paris.secret, bad.clone()).token;
    bad.status = Some(StatusRef::new(kept));
    let claims = cachet::certificate::encode_claims(&bad);
    let idx = hex_of(&claims, "63696478", 5);
    assert!(idx.starts_with("1a"), "index {kept} is not a 5-byte uint: change the ordinal");
    let swapped =
        hex_swap(&claims, &format!("63696478{idx}637572696363633a"), &format!("637572696363633a63696478{idx}"));
    let kid = w.paris.kid();
    let swapped = token(&signed_cose(&w.paris, &protected(-8, &kid), C::M(vec![]), &swapped));

    // Lists whose revoked_indices are wrong, signed as they are (trust::sign_list refuses them).
    let coded = set.encode();
    let bytes = base64_decode(&coded);
    let with_indices = |capacity: Option<u32>, indices: Option<String>| {
        let mut b = body.clone();
        b.issuers[0].status_capacity = capacity;
        b.issuers[0].revoked_indices = indices;
        w.sign_raw(&w.root, &serde_json::to_string(&b).expect("JSON"))
    };
    let mut longer = bytes.clone();
    longer.push(0);
    let trailing = with_indices(Some(STATUS_CAPACITY), Some(b64(&longer)));
    let mut other_k = bytes.clone();
    other_k[4] += 1;
    let other_k = with_indices(Some(STATUS_CAPACITY), Some(b64(&other_k)));
    let truncated = with_indices(Some(STATUS_CAPACITY), Some(b64(&bytes[..bytes.len() - 2])));
    // The last index of the space revoked too, read against a space one smaller (the same k).
    let mut to_the_end = revoked.clone();
    to_the_end.push(STATUS_CAPACITY - 1);
    let to_the_end = RevokedSet::from_sorted(&to_the_end, STATUS_CAPACITY).expect("a set").encode();
    let (rice, smaller) = (cachet::status_list::rice_parameter, STATUS_CAPACITY - 1);
    assert_eq!(rice(4, smaller), rice(4, STATUS_CAPACITY));
    let out_of_range = with_indices(Some(smaller), Some(to_the_end));
    let no_capacity = with_indices(None, Some(coded.clone()));
    let padded = with_indices(Some(STATUS_CAPACITY), Some(format!("{coded}=")));

    let list = |v: &mut Vectors, name: &str, status, code, comment: &str, input: &str, list: &str| {
        v.add(name, "trust", status, code, comment, input.to_owned()).list(list);
    };
    v.add(
        "valid-status-index",
        "valid",
        VALID,
        None,
        "A certificate with a status claim (index of the Paris key's 123rd certificate, uri cc:); the Paris entry has status_capacity 700000 and three revoked indices, not this one.",
        valid.clone(),
    )
    .list(&status_list);
    v.add(
        "valid-status-uri-long",
        "valid",
        VALID,
        None,
        "A status claim with a longer https URI: the uri is informational, the status comes from the trust list.",
        other_uri,
    )
    .list(&status_list);
    v.add(
        "valid-status-claim-key-without-capacity",
        "valid",
        VALID,
        None,
        "A certificate with a status claim whose index is revoked in the status cases' list, checked against the usual list, whose Paris entry has no status_capacity: the claim says nothing there, and the serial is not revoked.",
        revoked_cert.clone(),
    );
    list(
        v,
        "trust-status-index-revoked",
        REVOKED,
        Some("status-revoked"),
        "The certificate's status index is one of the Paris entry's revoked_indices.",
        &revoked_cert,
        &status_list,
    );
    list(
        v,
        "trust-status-index-out-of-range",
        REVOKED,
        Some("status-index-out-of-range"),
        "The status index is 700000, the Paris entry's status_capacity: outside the key's space, its status cannot be cleared.",
        &beyond,
        &status_list,
    );
    v.add(
        "structure-status-uri-without-scheme",
        "structure",
        MALFORMED,
        Some("claim-invalid"),
        "The status claim's uri is \"status list\": no URI scheme, and a space. Signed by the Paris key.",
        no_scheme,
    )
    .list(&status_list);
    v.add(
        "structure-status-keys-out-of-order",
        "structure",
        MALFORMED,
        Some("cbor-key-order"),
        "Inside the status claim, \"uri\" before \"idx\": not the deterministic order. Signed by the Paris key.",
        swapped,
    )
    .list(&status_list);
    list(
        v,
        "trust-list-revoked-indices-trailing-bits",
        LIST_INVALID,
        Some("trust-list-indices-trailing-bits"),
        "The Paris entry's revoked_indices has one zero byte more than its three indices need. Signed by the root.",
        &valid,
        &trailing,
    );
    list(
        v,
        "trust-list-revoked-indices-k-not-canonical",
        LIST_INVALID,
        Some("trust-list-indices-encoding"),
        "The Rice parameter in the header of revoked_indices is one more than the count and capacity fix. Signed by the root.",
        &valid,
        &other_k,
    );
    list(
        v,
        "trust-list-revoked-indices-truncated",
        LIST_INVALID,
        Some("trust-list-indices-truncated"),
        "revoked_indices with its last two bytes cut: the third index is missing. Signed by the root.",
        &valid,
        &truncated,
    );
    list(
        v,
        "trust-list-revoked-indices-out-of-range",
        LIST_INVALID,
        Some("trust-list-indices-out-of-range"),
        "revoked_indices codes four indices, the last 699999, with status_capacity 699999: that index is outside the space. Signed by the root.",
        &valid,
        &out_of_range,
    );
    list(
        v,
        "trust-list-revoked-indices-without-capacity",
        LIST_INVALID,
        Some("trust-list-entry-status-capacity"),
        "The Paris entry has revoked_indices but no status_capacity. Signed by the root.",
        &valid,
        &no_capacity,
    );
    list(
        v,
        "trust-list-revoked-indices-padding",
        LIST_INVALID,
        Some("trust-list-indices-encoding"),
        "revoked_indices ends with a base64 padding character: not canonical base64url. Signed by the root.",
        &valid,
        &padded,
    );
}

/// The `n` bytes after the first occurrence of `marker` in `bytes`, in hex.
fn hex_of(bytes: &[u8], marker: &str, n: usize) -> String {
    let hex = hex::encode(bytes);
    let at = hex.find(marker).expect("marker") + marker.len();
    hex[at..at + 2 * n].to_owned()
}

/// `bytes` with the hex `from` replaced once by the hex `to`.
fn hex_swap(bytes: &[u8], from: &str, to: &str) -> Vec<u8> {
    hex::decode(replace_once(&hex::encode(bytes), from, to)).expect("hex")
}

fn base64_decode(s: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(s).expect("base64url")
}

/// A case's file name.
trait Named {
    fn name(&self) -> &str;
}

impl Named for Case {
    fn name(&self) -> &str {
        &self.name
    }
}

/// A compromised Paris key (issue 11): its allow-list holds the typical
/// certificate's payload and 40 others; anything else it signed is refused.
fn compromised_cases(v: &mut Vectors) {
    let w = &v.w;
    let listed = typical(w);
    let others: Vec<Issued> =
        (0..40).map(|n| w.issue(&w.paris, &w.input(&format!("2025-001{n:03}"), "2025-09-15"))).collect();
    let unlisted = w.issue(&w.paris, &w.input("2025-000999", "2025-09-15"));
    let payloads: Vec<Vec<u8>> = std::iter::once(&listed)
        .chain(&others)
        .map(|i| envelope::open(&i.cose).expect("a COSE_Sign1").payload.to_vec())
        .collect();
    let allow =
        cachet::status_list::AllowList::from_payloads(payloads.iter().map(Vec::as_slice), 64).expect("allow-list");
    let mut body = w.body();
    body.sequence = 7;
    body.issuers[0].status = KeyStatus::Compromised;
    body.issuers[0].allowed_payloads = Some(allow.encode());
    let compromised = w.sign_list(&w.root, &body);
    let mut cut = body.clone();
    let text = allow.encode();
    cut.issuers[0].allowed_payloads = Some(text[..text.len() - 4].to_owned());
    let cut = w.sign_raw(&w.root, &serde_json::to_string(&cut).expect("JSON"));
    let (listed, unlisted, typical_token) = (listed.token, unlisted.token, typical(w).token);
    v.add(
        "trust-issuer-key-compromised-listed",
        "trust",
        VALID,
        None,
        "The Paris key is listed \"compromised\"; this certificate's payload is one of the 41 of its allowed_payloads (p = 64): what it legitimately signed stays valid.",
        listed,
    )
    .list(&compromised);
    v.add(
        "trust-issuer-key-compromised-unlisted",
        "trust",
        REVOKED,
        Some("issuer-key-compromised"),
        "Signed by the compromised Paris key (a good signature, within its dates and kinds), but its payload is not in the key's allowed_payloads: what a thief would sign.",
        unlisted,
    )
    .list(&compromised);
    v.add(
        "trust-list-allow-list-truncated",
        "trust",
        LIST_INVALID,
        Some("trust-list-allow-list"),
        "The compromised Paris entry's allowed_payloads has its last 4 characters cut. Signed by the root as it is.",
        typical_token,
    )
    .list(&cut);
}

/// One case of `status/`: a trust list naming a status key, the status
/// documents given to the verifier in order, and the verdict on `input`
/// (tests/vectors/README.md, "Status documents").
#[derive(Serialize)]
struct StatusCase {
    name: String,
    comment: String,
    expected_status: &'static str,
    expected_code: Option<&'static str>,
    input: String,
    now: String,
    roots: Vec<String>,
    trust_list: String,
    status_documents: Vec<String>,
    last_status_sequence: Option<u64>,
}

impl Named for StatusCase {
    fn name(&self) -> &str {
        &self.name
    }
}

fn status_document_cases(w: &World) -> Vec<StatusCase> {
    use cachet::status_doc::{sign_status, KeyEntry, Kind, StatusBody};
    const CAPACITY: u32 = 700_000;
    let index = |ordinal: u64| status_index(&w.paris.secret, ordinal, CAPACITY).expect("ordinal in the space");
    let (a, b, c) = (index(10), index(11), index(12));
    let with_status = |serial: &str, idx: u32| {
        issue::issue_with_status(
            &w.paris.secret,
            &w.input(serial, "2025-09-15"),
            date("2025-09-15"),
            StatusRef::new(idx),
        )
        .unwrap_or_else(|e| panic!("issue: {e}"))
        .token
    };
    let (cert_a, cert_b, cert_c) =
        (with_status("2025-002010", a), with_status("2025-002011", b), with_status("2025-002012", c));
    let status_key = |expires: &str| trust::StatusKeyEntry {
        key_id: w.status.secret.key_id().to_string(),
        public_key: w.status.secret.public_key().to_base64(),
        expires: expires.into(),
    };
    let list_with = |key: Option<trust::StatusKeyEntry>| {
        let mut body = w.body();
        body.sequence = 8;
        body.issuers[0].status_capacity = Some(CAPACITY);
        body.status_key = key;
        w.sign_list(&w.root, &body)
    };
    let list = list_with(Some(status_key("2025-10-15T00:00:00Z")));
    let code = |v: &[u32]| {
        let mut v = v.to_vec();
        v.sort_unstable();
        (!v.is_empty()).then(|| RevokedSet::from_sorted(&v, CAPACITY).expect("a set").encode())
    };
    let doc = |by: &Key, kind: Kind, sequence: u64, base: Option<u64>, sets: [&[u32]; 2]| {
        let entry = match kind {
            Kind::Full => KeyEntry { revoked_indices: code(sets[0]), ..KeyEntry::default() },
            Kind::Delta => KeyEntry { added: code(sets[0]), removed: code(sets[1]), ..KeyEntry::default() },
        };
        let body = StatusBody {
            kind,
            sequence,
            base,
            scope: None,
            issued_at: "2025-09-30T05:00:00Z".into(),
            expires: "2025-10-02T05:00:00Z".into(),
            keys: vec![KeyEntry { key_id: w.paris.secret.key_id().to_string(), ..entry }],
        };
        sign_status(&by.secret, &body)
    };
    let full1 = doc(&w.status, Kind::Full, 1, None, [&[a], &[]]);
    let delta2 = doc(&w.status, Kind::Delta, 2, Some(1), [&[b], &[a]]);
    let delta4 = doc(&w.status, Kind::Delta, 4, Some(3), [&[c], &[]]);
    let full3 = doc(&w.status, Kind::Full, 3, None, [&[a, b], &[]]);
    let mut cases = Vec::new();
    let add = |cases: &mut Vec<StatusCase>, name: &str, status, code, comment: &str, input: &str, docs: Vec<String>| {
        cases.push(StatusCase {
            name: name.into(),
            comment: comment.into(),
            expected_status: status,
            expected_code: code,
            input: input.into(),
            now: NOW.into(),
            roots: vec![w.root.public_text()],
            trust_list: list.clone(),
            status_documents: docs,
            last_status_sequence: None,
        });
    };
    add(
        &mut cases,
        "status-full-revokes",
        REVOKED,
        Some("status-revoked"),
        "A full status document (sequence 1) revokes the certificate's index; the trust list itself revokes nothing.",
        &cert_a,
        vec![full1.clone()],
    );
    add(
        &mut cases,
        "status-full-leaves-others",
        VALID,
        None,
        "The same full document: another index of the key stays valid.",
        &cert_b,
        vec![full1.clone()],
    );
    add(
        &mut cases,
        "status-delta-revokes",
        REVOKED,
        Some("status-revoked"),
        "A full document (1), then a delta on its base (2 on 1) that revokes this index.",
        &cert_b,
        vec![full1.clone(), delta2.clone()],
    );
    add(
        &mut cases,
        "status-delta-withdraws",
        VALID,
        None,
        "A full document (1) revokes this index; the delta (2 on 1) withdraws it.",
        &cert_a,
        vec![full1.clone(), delta2.clone()],
    );
    add(
        &mut cases,
        "status-delta-wrong-base",
        LIST_INVALID,
        Some("status-wrong-base"),
        "A full document (1), then a delta on base 3: it applies to a state the verifier does not hold.",
        &cert_c,
        vec![full1.clone(), delta4.clone()],
    );
    add(
        &mut cases,
        "status-delta-without-full",
        LIST_INVALID,
        Some("status-wrong-base"),
        "A delta (2 on 1) with no full document held.",
        &cert_b,
        vec![delta2.clone()],
    );
    add(
        &mut cases,
        "status-delta-replayed",
        LIST_INVALID,
        Some("status-rollback"),
        "The full document (1), the delta (2 on 1), and the same delta again: its sequence is not above the one held.",
        &cert_b,
        vec![full1.clone(), delta2.clone(), delta2.clone()],
    );
    add(&mut cases, "status-full-older-than-held", LIST_INVALID, Some("status-rollback"), "A full document (3), then an older full document (1): it would bring back the state before the revocation of this index.", &cert_b, vec![full3.clone(), full1.clone()]);
    add(
        &mut cases,
        "status-rollback-below-last-seen",
        LIST_INVALID,
        Some("status-rollback"),
        "A full document (1) alone, when the verifier has applied sequence 2 before (last_status_sequence).",
        &cert_b,
        vec![full1.clone()],
    );
    cases.last_mut().expect("just pushed").last_status_sequence = Some(2);
    add(
        &mut cases,
        "status-at-last-seen",
        VALID,
        None,
        "The full document (1) and the delta (2 on 1), the verifier having applied 2 before: the same state again.",
        &cert_a,
        vec![full1.clone(), delta2.clone()],
    );
    cases.last_mut().expect("just pushed").last_status_sequence = Some(2);
    add(
        &mut cases,
        "status-signed-by-issuer-key",
        LIST_INVALID,
        Some("status-wrong-key"),
        "A full document signed by the Paris issuer key instead of the list's status key.",
        &cert_b,
        vec![doc(&w.paris, Kind::Full, 1, None, [&[], &[]])],
    );
    add(
        &mut cases,
        "status-signed-by-root",
        LIST_INVALID,
        Some("status-wrong-key"),
        "A full document signed by the root: the root delegated status signing, and only the status key signs it.",
        &cert_b,
        vec![doc(&w.root, Kind::Full, 1, None, [&[], &[]])],
    );
    add(
        &mut cases,
        "status-tampered",
        LIST_INVALID,
        Some("status-signature"),
        "The full document with its sequence changed from 1 to 9 after signing.",
        &cert_b,
        vec![full1.replacen("\"sequence\":1", "\"sequence\":9", 1)],
    );
    add(
        &mut cases,
        "status-document-expired",
        LIST_INVALID,
        Some("status-expired"),
        "The full document expires at 2025-10-02T05:00:00Z; the verifier's clock is past it.",
        &cert_b,
        vec![full1.clone()],
    );
    cases.last_mut().expect("just pushed").now = "2025-10-02T05:00:00Z".into();
    add(&mut cases, "status-key-expired", LIST_INVALID, Some("status-key-expired"), "The list delegates to the status key until 2025-09-30T06:00:00Z; the document is verified after that (within its own validity, the list still fresh).", &cert_b, vec![full1.clone()]);
    cases.last_mut().expect("just pushed").trust_list = list_with(Some(status_key("2025-09-30T06:00:00Z")));
    add(
        &mut cases,
        "status-list-without-status-key",
        LIST_INVALID,
        Some("status-no-status-key"),
        "The list names no status key: it takes no status document.",
        &cert_b,
        vec![full1.clone()],
    );
    cases.last_mut().expect("just pushed").trust_list = list_with(None);
    // Scoped full documents: one key's part, what a first visit fetches.
    let scoped = |kind: Kind, sequence: u64, base: Option<u64>, key: &Key, revoked: &[u32]| {
        let kid = key.secret.key_id().to_string();
        let entry = match kind {
            Kind::Full => KeyEntry { revoked_indices: code(revoked), ..KeyEntry::default() },
            Kind::Delta => KeyEntry { added: code(revoked), ..KeyEntry::default() },
        };
        let body = StatusBody {
            kind,
            sequence,
            base,
            scope: Some(kid.clone()),
            issued_at: "2025-09-30T05:00:00Z".into(),
            expires: "2025-10-02T05:00:00Z".into(),
            keys: vec![KeyEntry { key_id: kid, ..entry }],
        };
        sign_status(&w.status.secret, &body)
    };
    add(
        &mut cases,
        "status-scoped-full-revokes",
        REVOKED,
        Some("status-revoked"),
        "A full document scoped to the Paris key (\"scope\": its key id; that key alone in keys) revokes this index: the state it gives knows the Paris key.",
        &cert_a,
        vec![scoped(Kind::Full, 1, None, &w.paris, &[a])],
    );
    add(
        &mut cases,
        "status-scoped-delta-refused",
        LIST_INVALID,
        Some("status-entry-scope"),
        "A full document (1), then a delta (2 on 1) with a scope: only a full document may be scoped.",
        &cert_b,
        vec![full1.clone(), scoped(Kind::Delta, 2, Some(1), &w.paris, &[b])],
    );
    add(
        &mut cases,
        "status-scoped-other-key",
        VALID,
        Some("status-out-of-scope"),
        "The list gives the Créteil key a status_capacity too; the only status document is a full one scoped to the Créteil key (revoking this very index number there). The Paris certificate's revocation by status documents is unknown: the list's verdict, and the trust-list check warns.",
        &cert_a,
        vec![scoped(Kind::Full, 1, None, &w.creteil, &[a])],
    );
    cases.last_mut().expect("just pushed").trust_list = {
        let mut body = w.body();
        body.sequence = 8;
        body.issuers[0].status_capacity = Some(CAPACITY);
        body.issuers[2].status_capacity = Some(CAPACITY);
        body.status_key = Some(status_key("2025-10-15T00:00:00Z"));
        w.sign_list(&w.root, &body)
    };
    add(
        &mut cases,
        "status-none-given",
        VALID,
        None,
        "No status document: the list alone decides, as a list without a status key.",
        &cert_a,
        vec![],
    );
    cases
}
