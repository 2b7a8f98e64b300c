// The per-input functions of the fuzz targets, and the fixed keys and trust
// list they run against.
//
// One file, `include!`d three times: by the fuzz targets
// (`fuzz/fuzz_targets/*.rs`), by `tests/fuzz_corpus.rs`, which replays the
// committed corpus with a plain `cargo test`, and by `cargo xtask
// fuzz-corpus`, which writes that corpus. It uses only `cachet`,
// `serde_json` and `std`, which all three have.
//
// Each function panics when a property fails: a panic is what the fuzzer
// reports as a crash, and what the corpus test reports as a failure.

use cachet::certificate::{decode_claims, encode_claims};
use cachet::json::{JsonError, Kind, Reader, Writer};
use cachet::keys::SecretKey;
use cachet::time::{parse_rfc3339, Timestamp};
use cachet::trust::{self, IssuerEntry, KeyStatus, TrustError, TrustList, TrustListBody};
use cachet::status_list::RevokedSet;
use cachet::{envelope, text, verify, CheckName, Outcome, Status};
use std::sync::OnceLock;

/// Seed of the root key that signs the fixture trust list.
pub const ROOT_SEED: [u8; 32] = [0x52; 32];
/// Seed of the active issuer ("Académie de Paris").
pub const ISSUER_SEED: [u8; 32] = [0x49; 32];
/// Seed of an issuer whose key the list revokes.
pub const REVOKED_ISSUER_SEED: [u8; 32] = [0x58; 32];
/// Seed of an issuer listed for another document kind only.
pub const OTHER_KIND_ISSUER_SEED: [u8; 32] = [0x4b; 32];
/// Seed of a key that no list names.
pub const UNKNOWN_ISSUER_SEED: [u8; 32] = [0x55; 32];
/// A serial the fixture list revokes.
pub const REVOKED_SERIAL: &str = "2025-REVOKED-1";
/// The verifier's clock in the fuzz targets: within school year 2025-2026,
/// before the list's next update.
pub const NOW: &str = "2025-10-01T09:00:00Z";

/// The fixture's `now`, in Unix seconds.
pub fn now() -> Timestamp {
    parse_rfc3339(NOW).expect("NOW is an RFC 3339 time")
}

/// The root key of the fixture trust list.
pub fn root() -> &'static SecretKey {
    static ROOT: OnceLock<SecretKey> = OnceLock::new();
    ROOT.get_or_init(|| SecretKey::from_seed(&ROOT_SEED))
}

fn entry(key: &SecretKey, name: &str, from: &str, until: &str, kind: &str, status: KeyStatus) -> IssuerEntry {
    IssuerEntry {
        key_id: key.key_id().to_string(),
        name: name.into(),
        public_key: key.public_key().to_base64(),
        valid_from: from.into(),
        valid_until: until.into(),
        kinds: vec![kind.into()],
        status,
        ..IssuerEntry::default()
    }
}

/// The fixture trust list's body: an active issuer for 2023-06-01 to
/// 2026-08-31, a revoked one, one allowed another document kind only, and
/// one revoked serial.
pub fn list_body() -> TrustListBody {
    let mut body = TrustListBody::new();
    body.sequence = 7;
    body.issued_at = "2025-09-01T00:00:00Z".into();
    body.next_update = "2025-12-01T00:00:00Z".into();
    body.issuers = vec![
        entry(
            &SecretKey::from_seed(&ISSUER_SEED),
            "Académie de Paris",
            "2023-06-01",
            "2026-08-31",
            "certificat-de-scolarite",
            KeyStatus::Active,
        ),
        entry(
            &SecretKey::from_seed(&REVOKED_ISSUER_SEED),
            "Académie de Lyon",
            "2023-06-01",
            "2026-08-31",
            "certificat-de-scolarite",
            KeyStatus::Revoked,
        ),
        entry(
            &SecretKey::from_seed(&OTHER_KIND_ISSUER_SEED),
            "Académie de Créteil",
            "2023-06-01",
            "2026-08-31",
            "attestation-de-reussite",
            KeyStatus::Active,
        ),
    ];
    body.revoked_serials = vec![REVOKED_SERIAL.into()];
    body
}

/// The fixture trust list, signed by [`root`].
pub fn signed_list() -> String {
    let json = serde_json::to_string_pretty(&list_body()).expect("a list body serialises");
    trust::sign_list(root(), &json).expect("the fixture list checks")
}

/// The fixture trust list, loaded once.
pub fn trust_list_fixture() -> &'static TrustList {
    static LIST: OnceLock<TrustList> = OnceLock::new();
    LIST.get_or_init(|| {
        TrustList::load(signed_list().as_bytes(), &[root().public_key().clone()], None).expect("the fixture list loads")
    })
}

/// Decoding a payload and encoding what was decoded gives the very same
/// bytes: one certificate has one encoding.
fn claims_round_trip(payload: &[u8]) {
    if let Ok(certificate) = decode_claims(payload) {
        assert_eq!(encode_claims(&certificate), payload, "decoded claims re-encode to other bytes");
    }
}

/// The token part of a text, as `text::decode` finds it.
fn token_part(text: &str) -> &str {
    let text = text.trim_matches(|c: char| c.is_ascii_whitespace());
    if text.starts_with("https://") || text.starts_with("http://") {
        text.split_once('#').map_or(text, |(_, fragment)| fragment)
    } else {
        text
    }
}

/// Target `text_decoder`: any bytes, as a certificate's text and as the raw
/// COSE and payload bytes, through every decoder and a full verification
/// against the fixture list at [`NOW`]. Returns the verdict, or `None` when
/// the bytes are not UTF-8 (nothing to verify).
pub fn text_decoder(data: &[u8]) -> Option<Status> {
    // The decoders behind the text, straight from the bytes.
    if let Ok(env) = envelope::open(data) {
        claims_round_trip(env.payload);
    }
    claims_round_trip(data);

    let text = std::str::from_utf8(data).ok()?;
    if let Ok(cose) = text::decode(text) {
        assert_eq!(text::encode_token(&cose), token_part(text), "a decoded token re-encodes to another text");
        if let Ok(env) = envelope::open(&cose) {
            claims_round_trip(env.payload);
        }
    }

    let report = verify::verify(text, trust_list_fixture(), now());
    assert_eq!(report.checks.len(), CheckName::ALL.len(), "one result per check");
    let all_ran_and_passed = report.checks.iter().all(|c| matches!(c.outcome, Outcome::Pass | Outcome::Warn));
    assert_eq!(report.status == Status::Valid, all_ran_and_passed, "valid exactly when every check passed");
    if report.certificate.is_some() {
        let signature = report.check(CheckName::Signature).map(|c| c.outcome);
        assert_eq!(signature, Some(Outcome::Pass), "fields shown without a verified signature");
    }
    let json = serde_json::to_string(&report).expect("a report serialises");
    assert_eq!(report.to_json(), json, "the hand-written report JSON differs from serde's");
    Some(report.status)
}

/// Target `trust_list`: any bytes as a signed trust list under the fixture
/// root, and as an unsigned list body. Returns the stable code of the
/// signed list's loading, `ok` when it loads.
pub fn trust_list(data: &[u8]) -> &'static str {
    let roots = [root().public_key().clone()];
    let loaded = TrustList::load(data, &roots, None);
    if let Ok(list) = &loaded {
        assert_eq!(list.root(), root().key_id());
        for issuer in list.issuers() {
            assert_eq!(list.issuer(issuer.key.key_id()), Some(issuer), "an issuer is found by its key id");
        }
        for t in [Timestamp::MIN, 0, Timestamp::MAX] {
            list.freshness(t);
        }
        let seen = list.sequence();
        assert!(TrustList::load(data, &roots, Some(seen)).is_ok(), "the same list again is no rollback");
        if let Some(newer) = seen.checked_add(1) {
            assert_eq!(
                TrustList::load(data, &roots, Some(newer)),
                Err(TrustError::Rollback { seen: newer, got: seen }),
                "an older list is a rollback"
            );
        }
    }

    // The hand-written reader takes a list body exactly when serde does, as the same value.
    assert_eq!(
        TrustListBody::from_json(data).ok(),
        serde_json::from_slice::<TrustListBody>(data).ok(),
        "the JSON reader and serde disagree on a list body"
    );
    json_round_trip(data);

    // An unsigned body that checks can be signed, and loads back the same.
    if let Ok(body) = serde_json::from_slice::<TrustListBody>(data) {
        if let (Ok(checked), Ok(json)) = (body.check(root().key_id()), std::str::from_utf8(data)) {
            let signed = trust::sign_list(root(), json).expect("a list that checks can be signed");
            let again = TrustList::load(signed.as_bytes(), &roots, None).expect("a list just signed loads");
            assert_eq!(again, checked, "a signed list loads as the list that was checked");
        }
    }

    match loaded {
        Ok(_) => "ok",
        Err(e) => e.code(),
    }
}

/// Any JSON value, as the strict reader (src/json.rs) reads it.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Null,
    Bool(bool),
    Number(u64),
    String(String),
    Array(Vec<Value>),
    Object(Vec<(String, Value)>),
}

/// Reads a value (recursing at most `cachet::json::MAX_DEPTH` deep: the reader stops deeper).
fn read_value(r: &mut Reader<'_>) -> Result<Value, JsonError> {
    Ok(match r.peek_kind()? {
        Kind::Null => r.null().map(|()| Value::Null)?,
        Kind::Bool => Value::Bool(r.bool()?),
        Kind::Number => Value::Number(r.u64()?),
        Kind::String => Value::String(r.string()?),
        Kind::Array => {
            let mut all = Vec::new();
            r.array(|r| {
                all.push(read_value(r)?);
                Ok(())
            })?;
            Value::Array(all)
        }
        Kind::Object => {
            let mut all = Vec::new();
            r.object(|r, key| {
                all.push((key.to_owned(), read_value(r)?));
                Ok(())
            })?;
            Value::Object(all)
        }
    })
}

fn write_value(w: &mut Writer, v: &Value) {
    match v {
        Value::Null => w.null(),
        Value::Bool(b) => w.bool(*b),
        Value::Number(n) => w.u64(*n),
        Value::String(s) => w.string(s),
        Value::Array(all) => {
            w.begin_array();
            all.iter().for_each(|v| write_value(w, v));
            w.end_array();
        }
        Value::Object(all) => {
            w.begin_object();
            for (k, v) in all {
                w.key(k);
                write_value(w, v);
            }
            w.end_object();
        }
    }
}

fn to_serde(v: &Value) -> serde_json::Value {
    match v {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => (*b).into(),
        Value::Number(n) => (*n).into(),
        Value::String(s) => s.as_str().into(),
        Value::Array(all) => all.iter().map(to_serde).collect(),
        Value::Object(all) => all.iter().map(|(k, v)| (k.clone(), to_serde(v))).collect(),
    }
}

fn parse(data: &[u8]) -> Result<Value, JsonError> {
    let mut r = Reader::new(data)?;
    let v = read_value(&mut r)?;
    r.finish()?;
    Ok(v)
}

/// The strict JSON reader and writer: what the reader takes, serde_json
/// takes as the same value; skipping takes it too, over the whole text; the
/// writer writes it so that the reader reads it back the same.
pub fn json_round_trip(data: &[u8]) {
    let skipped = Reader::new(data).and_then(|mut r| {
        let span = r.skip()?;
        r.finish().map(|()| span)
    });
    let Ok(value) = parse(data) else { return };
    let text = std::str::from_utf8(data).expect("JSON the reader takes is UTF-8");
    let start = text.len() - text.trim_start_matches([' ', '\t', '\n', '\r']).len();
    let end = text.trim_end_matches([' ', '\t', '\n', '\r']).len();
    assert_eq!(skipped, Ok(start..end), "skip refuses or spans otherwise a value the reader takes");
    let serde: serde_json::Value = serde_json::from_slice(data).expect("serde_json refuses JSON the reader takes");
    assert_eq!(serde, to_serde(&value), "serde_json reads another value");
    let mut w = Writer::new();
    write_value(&mut w, &value);
    let written = w.finish();
    assert_eq!(parse(written.as_bytes()), Ok(value), "the written JSON reads back otherwise");
}

/// Target `scan`: any bytes as a grey frame for the QR reader: the first
/// two bytes give the width and height (1 to 256 each), the rest are the
/// pixels, repeated to fill the frame. Also the same bytes as an RGBA
/// buffer of a size that may not match. Returns how many codes were read.
pub fn scan(data: &[u8]) -> usize {
    let (w, h, pixels) = match data {
        [w, h, rest @ ..] => (*w as usize + 1, *h as usize + 1, rest),
        _ => return 0,
    };
    let luma: Vec<u8> = if pixels.is_empty() {
        vec![255; w * h]
    } else {
        pixels.iter().copied().cycle().take(w * h).collect()
    };
    let texts = cachet::scan::scan_luma(&luma, w, h);
    let mut distinct = texts.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), texts.len(), "a text read twice");
    cachet::scan::scan_rgba(pixels, w, h / 4 + 1);
    texts.len()
}

/// Any bytes as a key's revoked set: the first 4 bytes are the capacity
/// (big-endian), the rest the coded bytes (`RevokedSet::decode_bytes`), and
/// also, when they are UTF-8, a `revoked_indices` text
/// (`RevokedSet::decode`). Whatever decodes must be the canonical code of
/// its set: it encodes back to the very same bytes and text, its indices are
/// strictly increasing and below the capacity, and a look-up finds exactly
/// them. Returns `ok` or the error's code for the bytes.
pub fn status_set(data: &[u8]) -> &'static str {
    let Some((capacity, rest)) = data.split_first_chunk::<4>() else { return "short" };
    let capacity = u32::from_be_bytes(*capacity);
    if let Ok(text) = std::str::from_utf8(rest) {
        if let Ok(set) = RevokedSet::decode(text, capacity) {
            assert_eq!(set.encode(), text, "a decoded text encodes back to itself");
            check_status_set(&set);
        }
    }
    match RevokedSet::decode_bytes(rest.to_vec(), capacity) {
        Ok(set) => {
            assert_eq!(set.as_bytes(), rest, "decoded bytes encode back to themselves");
            check_status_set(&set);
            "ok"
        }
        Err(e) => e.code(),
    }
}

fn check_status_set(set: &RevokedSet) {
    let all: Vec<u32> = set.iter().collect();
    assert_eq!(all.len(), set.len(), "the count is the number of indices");
    assert!(all.windows(2).all(|w| w[0] < w[1]), "strictly increasing");
    assert!(all.iter().all(|x| *x < set.capacity()), "below the capacity");
    let rebuilt = RevokedSet::from_sorted(&all, set.capacity()).expect("a decoded set re-encodes");
    assert!(rebuilt == *set, "the same set gives the same code");
    for &x in all.iter().take(2000) {
        assert!(set.contains(x), "{x} is in the set");
        for y in [x.wrapping_sub(1), x.wrapping_add(1)] {
            assert_eq!(set.contains(y), all.binary_search(&y).is_ok(), "look-up of {y}");
        }
    }
    assert!(!set.contains(set.capacity()));
}
