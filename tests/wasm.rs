//! The JavaScript bindings (`src/wasm.rs`) as the page sees them, in a real
//! browser: a `Verifier` built from a trust list signed here with the core,
//! and the plain objects it returns, read field by field through
//! `Reflect`, as JavaScript would read them.
//!
//! ```sh
//! CHROMEDRIVER=/usr/bin/chromedriver \
//! CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
//!     cargo test --target wasm32-unknown-unknown --test wasm
//! ```
#![cfg(target_arch = "wasm32")]

use cachet::keys::SecretKey;
use cachet::time::{parse_rfc3339, Date};
use cachet::trust::{sign_list, IssuerEntry, KeyStatus, TrustListBody, FORMAT};
use cachet::wasm::{certificate_key_id, check_profile, profiles, status_text, statuses, Verifier};
use cachet::{doc_example_input, issue, Profile};
use js_sys::{Array, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn root() -> SecretKey {
    SecretKey::from_seed(&[0x01; 32])
}

fn issuer() -> SecretKey {
    SecretKey::from_seed(&[0x42; 32])
}

/// The trust list's JSON: one issuer (Académie de Paris), sequence 7,
/// fresh until 2025-12-01, one revoked serial.
fn list_json(sequence: u64) -> String {
    let issuer = issuer();
    let body = TrustListBody {
        format: FORMAT.into(),
        sequence,
        issued_at: "2025-09-01T06:00:00Z".into(),
        next_update: "2025-12-01T06:00:00Z".into(),
        issuers: vec![IssuerEntry {
            key_id: issuer.key_id().to_string(),
            name: "Académie de Paris".into(),
            public_key: issuer.public_key().to_base64(),
            valid_from: "2025-06-01".into(),
            valid_until: "2026-08-31".into(),
            kinds: vec!["certificat-de-scolarite".into()],
            status: KeyStatus::Active,
            ..IssuerEntry::default()
        }],
        revoked_serials: vec!["PAR-2025-000077".into()],
        status_key: None,
    };
    serde_json::to_string_pretty(&body).unwrap()
}

fn signed_list() -> String {
    sign_list(&root(), &list_json(7)).unwrap()
}

fn root_text() -> String {
    root().public_key().to_text()
}

/// The doc example certificate (Martin Léa, 6e, serial 2025-000123), issued on 2025-09-15.
fn token() -> String {
    issue::issue(&issuer(), &doc_example_input(), Date::parse("2025-09-15").unwrap()).unwrap().token
}

/// 2025-10-01T09:00:00Z in milliseconds, as `Date.now()` gives it.
fn now_ms() -> f64 {
    parse_rfc3339("2025-10-01T09:00:00Z").unwrap() as f64 * 1000.0
}

fn verifier() -> Verifier {
    Verifier::new(&signed_list(), vec![root_text()], None)
}

/// `object[key]`, which must exist.
fn get(object: &JsValue, key: &str) -> JsValue {
    assert!(object.is_object(), "not an object when reading `{key}`: {object:?}");
    Reflect::get(object, &JsValue::from_str(key)).unwrap()
}

fn string(object: &JsValue, key: &str) -> String {
    get(object, key).as_string().unwrap_or_else(|| panic!("`{key}` is not a string: {:?}", get(object, key)))
}

fn has(object: &JsValue, key: &str) -> bool {
    Reflect::has(object, &JsValue::from_str(key)).unwrap()
}

/// The checks as `(check, outcome, code)` triples.
fn checks(result: &JsValue) -> Vec<(String, String, Option<String>)> {
    let checks = get(result, "checks");
    assert!(Array::is_array(&checks), "checks is not an array: {checks:?}");
    Array::from(&checks)
        .iter()
        .map(|c| (string(&c, "check"), string(&c, "outcome"), get(&c, "code").as_string()))
        .collect()
}

fn check<'a>(all: &'a [(String, String, Option<String>)], name: &str) -> &'a (String, String, Option<String>) {
    all.iter().find(|c| c.0 == name).unwrap_or_else(|| panic!("no check `{name}` in {all:?}"))
}

const CHECK_ORDER: [&str; 8] =
    ["trust-list", "decoding", "version", "issuer", "signature", "issuer-key", "revocation", "validity"];

#[wasm_bindgen_test]
fn a_valid_certificate_gives_a_plain_object_with_its_fields() {
    let result: JsValue = verifier().verify(&token(), now_ms(), JsValue::UNDEFINED).unwrap().into();
    // A plain object, not a class instance: JSON round-trips it unchanged.
    let plain = js_sys::Object::get_prototype_of(&js_sys::Object::new().into());
    assert_eq!(JsValue::from(js_sys::Object::get_prototype_of(&result)), JsValue::from(plain));
    assert_eq!(string(&result, "status"), "valid");

    let checks = checks(&result);
    let names: Vec<&str> = checks.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(names, CHECK_ORDER);
    for (name, outcome, code) in &checks {
        assert_eq!((outcome.as_str(), code), ("pass", &None), "check {name}");
    }

    let cert = get(&result, "certificate");
    assert_eq!(string(&cert, "kind"), "certificat-de-scolarite");
    assert_eq!(string(&cert, "serial"), "2025-000123");
    assert_eq!(string(&cert, "family_name"), "Martin");
    assert_eq!(string(&cert, "given_names"), "Léa");
    assert_eq!(string(&cert, "birth_date"), "2013-04-12");
    assert_eq!(string(&cert, "school_uai"), "0750654D");
    assert_eq!(string(&cert, "school_name"), "Collège Victor Hugo");
    assert_eq!(string(&cert, "school_town"), "Paris");
    assert_eq!(string(&cert, "academie"), "Paris");
    assert_eq!(string(&cert, "school_year"), "2025-2026");
    assert_eq!(string(&cert, "level"), "6e");
    assert_eq!(string(&cert, "issued_on"), "2025-09-15");
    assert!(!has(&cert, "regime"), "no régime was signed: {cert:?}");

    let issuer_info = get(&result, "issuer");
    assert_eq!(string(&issuer_info, "name"), "Académie de Paris");
    assert_eq!(string(&issuer_info, "key_id"), "bb9408fde1d75287");

    let list = get(&result, "trust_list");
    assert_eq!(get(&list, "sequence").as_f64(), Some(7.0));
    assert_eq!(string(&list, "issued_at"), "2025-09-01T06:00:00Z");
    assert_eq!(string(&list, "next_update"), "2025-12-01T06:00:00Z");
}

#[wasm_bindgen_test]
fn a_verifier_url_verifies_like_its_token() {
    let url = format!("https://verifier.example/#{}", token());
    let result: JsValue = verifier().verify(&url, now_ms(), JsValue::UNDEFINED).unwrap().into();
    assert_eq!(string(&result, "status"), "valid");
}

#[wasm_bindgen_test]
fn a_tampered_certificate_is_invalid_signature_without_fields() {
    let token = token();
    let mut chars: Vec<char> = token.chars().collect();
    let at = chars.len() - 10; // inside the signature, away from the last character's unused bits
    chars[at] = if chars[at] == 'A' { 'B' } else { 'A' };
    let tampered: String = chars.into_iter().collect();

    let result: JsValue = verifier().verify(&tampered, now_ms(), JsValue::UNDEFINED).unwrap().into();
    assert_eq!(string(&result, "status"), "invalid-signature");
    let checks = checks(&result);
    let signature = check(&checks, "signature");
    assert_eq!(signature.1, "fail");
    assert!(signature.2.is_some(), "a failed check says why: {signature:?}");
    for later in ["issuer-key", "revocation", "validity"] {
        assert_eq!(check(&checks, later).1, "not-run", "{later}");
    }
    // Nothing unsigned is shown.
    assert!(!has(&result, "certificate"), "{result:?}");
    // The list itself was fine.
    assert_eq!(get(&get(&result, "trust_list"), "sequence").as_f64(), Some(7.0));
}

#[wasm_bindgen_test]
fn the_clock_comes_from_the_caller() {
    let v = verifier();
    let before = parse_rfc3339("2025-08-01T09:00:00Z").unwrap() as f64 * 1000.0;
    let after = parse_rfc3339("2026-09-02T09:00:00Z").unwrap() as f64 * 1000.0;
    // 2025-08-01 is before the issue date; the list is fresh then.
    assert_eq!(string(&v.verify(&token(), before, JsValue::UNDEFINED).unwrap().into(), "status"), "not-yet-valid");
    // 2026-09-02 is long past the list's next_update + 7 days.
    assert_eq!(string(&v.verify(&token(), after, JsValue::UNDEFINED).unwrap().into(), "status"), "trust-list-expired");
}

#[wasm_bindgen_test]
fn garbage_is_malformed_and_another_version_unsupported() {
    let v = verifier();
    let malformed: JsValue = v.verify("<script>alert(1)</script>", now_ms(), JsValue::UNDEFINED).unwrap().into();
    assert_eq!(string(&malformed, "status"), "malformed");
    assert_eq!(check(&checks(&malformed), "decoding").1, "fail");
    let newer = token().replacen("CC1:", "CC2:", 1);
    assert_eq!(
        string(&v.verify(&newer, now_ms(), JsValue::UNDEFINED).unwrap().into(), "status"),
        "unsupported-version"
    );
}

#[wasm_bindgen_test]
fn a_loaded_list_is_described_by_the_getters() {
    let v = verifier();
    assert_eq!(v.trust_list_error(), None);
    let info: JsValue = v.trust_list().into();
    assert_eq!(get(&info, "sequence").as_f64(), Some(7.0));
    assert_eq!(string(&info, "issued_at"), "2025-09-01T06:00:00Z");
    assert_eq!(string(&info, "next_update"), "2025-12-01T06:00:00Z");
}

/// A refused list: every result is `trust-list-invalid` with the reason on the
/// `trust-list` check, no field and no list info; the getters say why.
fn assert_refused(v: &Verifier, code: &str) {
    assert_eq!(v.trust_list_error().as_deref(), Some(code));
    assert!(JsValue::from(v.trust_list()).is_undefined());
    let result: JsValue = v.verify(&token(), now_ms(), JsValue::UNDEFINED).unwrap().into();
    assert_eq!(string(&result, "status"), "trust-list-invalid");
    let checks = checks(&result);
    assert_eq!(check(&checks, "trust-list"), &("trust-list".into(), "fail".into(), Some(code.into())));
    for later in &CHECK_ORDER[1..] {
        assert_eq!(check(&checks, later).1, "not-run", "{later}");
    }
    for absent in ["certificate", "issuer", "trust_list"] {
        assert!(!has(&result, absent), "{absent} in {result:?}");
    }
}

#[wasm_bindgen_test]
fn a_list_signed_by_another_root_is_refused() {
    let other = SecretKey::from_seed(&[0x07; 32]);
    let signed = sign_list(&other, &list_json(7)).unwrap();
    assert_refused(&Verifier::new(&signed, vec![root_text()], None), "trust-list-unknown-root");
}

#[wasm_bindgen_test]
fn a_tampered_list_is_refused() {
    let signed = signed_list();
    assert!(signed.contains("\"sequence\": 7"));
    let tampered = signed.replacen("\"sequence\": 7", "\"sequence\": 8", 1);
    assert_refused(&Verifier::new(&tampered, vec![root_text()], None), "trust-list-signature");
}

#[wasm_bindgen_test]
fn an_older_list_than_the_last_seen_is_refused() {
    let signed = signed_list();
    assert_refused(&Verifier::new(&signed, vec![root_text()], Some(8.0)), "trust-list-rollback");
    // The same sequence is the same list downloaded again.
    assert_eq!(Verifier::new(&signed, vec![root_text()], Some(7.0)).trust_list_error(), None);
}

#[wasm_bindgen_test]
fn a_bad_root_or_list_text_does_not_throw() {
    assert_refused(&Verifier::new(&signed_list(), vec!["not a key".into()], None), "trust-list-unknown-root");
    assert_refused(&Verifier::new("{", vec![root_text()], None), "trust-list-json");
}

#[wasm_bindgen_test]
fn status_text_speaks_french_and_english() {
    let text = |status: &str, lang: &str, from: Option<&str>| -> [String; 4] {
        let t: JsValue = status_text(JsValue::from_str(status).unchecked_into(), lang, from.map(str::to_owned)).into();
        ["kind", "title", "reason", "next"].map(|k| string(&t, k))
    };
    assert_eq!(text("valid", "fr", None)[..2], ["valid", "Certificat valide"]);
    assert_eq!(text("valid", "en-GB", None)[1], "Valid certificate");
    assert_eq!(text("revoked", "en", None)[..2], ["refused", "Certificate cancelled: do not rely on it"]);
    assert_eq!(text("expired", "fr", None)[..2], ["not-valid-now", "Authentique mais plus valable"]);
    assert_eq!(
        text("not-yet-valid", "en", Some("1 September 2027"))[3],
        "It will be valid from 1 September 2027. Until then, ask for the current year’s certificate."
    );
    assert_eq!(text("not-yet-valid", "en", None)[3], "Until then, ask for the current year’s certificate.");
    assert_eq!(text("trust-list-expired", "fr", None)[1], "Vérification impossible : liste trop ancienne");
    // An unknown status is never read as good news.
    assert_eq!(text("nonsense", "en", None), text("malformed", "en", None));
}

/// The names of an object's own keys.
fn keys(object: &JsValue) -> Vec<String> {
    js_sys::Object::keys(object.unchecked_ref::<js_sys::Object>()).iter().map(|k| k.as_string().unwrap()).collect()
}

#[wasm_bindgen_test]
fn a_profile_keeps_only_its_fields_and_says_its_name() {
    let v = verifier();
    let full: JsValue = v.verify(&token(), now_ms(), JsValue::UNDEFINED).unwrap().into();
    assert!(!has(&full, "profile"));
    // `null` and "full" are the default too.
    for same in [JsValue::NULL, JsValue::from_str("full")] {
        let again: JsValue = v.verify(&token(), now_ms(), same).unwrap().into();
        assert_eq!(js_sys::JSON::stringify(&again).unwrap(), js_sys::JSON::stringify(&full).unwrap());
    }
    let full_cert = get(&full, "certificate");
    for profile in Profile::ALL {
        let result: JsValue = v.verify(&token(), now_ms(), JsValue::from_str(profile.name())).unwrap().into();
        assert_eq!(string(&result, "status"), "valid");
        assert_eq!(checks(&result), checks(&full));
        assert_eq!(string(&get(&result, "issuer"), "name"), "Académie de Paris");
        if profile == Profile::Full {
            assert!(!has(&result, "profile"));
        } else {
            assert_eq!(string(&result, "profile"), profile.name());
        }
        let cert = get(&result, "certificate");
        for key in keys(&cert) {
            assert!(profile.allows(&key), "{} leaks {key}", profile.name());
            assert_eq!(get(&cert, &key), get(&full_cert, &key), "{key}");
        }
        for key in profile.fields() {
            assert_eq!(has(&cert, key), has(&full_cert, key), "{}: {key}", profile.name());
        }
    }
    let transport: JsValue = v.verify(&token(), now_ms(), JsValue::from_str("transport")).unwrap().into();
    let mut got = keys(&get(&transport, "certificate"));
    got.sort();
    assert_eq!(got, ["family_name", "given_names", "kind", "school_year", "valid_from", "valid_until"]);
    // The date of birth is nowhere in what crossed.
    assert!(!String::from(js_sys::JSON::stringify(&transport).unwrap()).contains("2013-04-12"));
}

#[wasm_bindgen_test]
fn a_profile_changes_no_verdict_and_adds_no_certificate() {
    let v = verifier();
    let token = token();
    let mut chars: Vec<char> = token.chars().collect();
    let at = chars.len() - 10;
    chars[at] = if chars[at] == 'A' { 'B' } else { 'A' };
    let tampered: String = chars.into_iter().collect();
    let result: JsValue = v.verify(&tampered, now_ms(), JsValue::from_str("family-benefits")).unwrap().into();
    assert_eq!(string(&result, "status"), "invalid-signature");
    assert_eq!(string(&result, "profile"), "family-benefits");
    assert!(!has(&result, "certificate"));
    let refused = Verifier::new("{", vec![root_text()], None);
    let result: JsValue = refused.verify(&token, now_ms(), JsValue::from_str("transport")).unwrap().into();
    assert_eq!(string(&result, "status"), "trust-list-invalid");
    assert!(!has(&result, "certificate"));
}

#[wasm_bindgen_test]
fn an_unknown_profile_throws_an_error_coded_unknown_profile() {
    let v = verifier();
    for bad in [JsValue::from_str("identity-check"), JsValue::from_str("Transport"), JsValue::from_str(""), 5.into()] {
        let err: JsValue =
            v.verify(&token(), now_ms(), bad.clone()).err().expect("a result for an unknown profile").into();
        assert!(err.is_instance_of::<js_sys::Error>(), "{bad:?}: {err:?}");
        let message = String::from(err.unchecked_ref::<js_sys::Error>().message());
        assert!(message.starts_with("unknown-profile"), "{bad:?}: {message}");
        assert!(!message.contains("Martin"), "{message}");
    }
}

#[wasm_bindgen_test]
fn check_profile_says_what_verify_would_throw_without_verifying() {
    let v = verifier();
    for good in [JsValue::UNDEFINED, JsValue::NULL, "full".into(), "transport".into(), "school-enrolment".into()] {
        assert_eq!(check_profile(good.clone()), None, "{good:?}");
        assert!(v.verify(&token(), now_ms(), good).is_ok());
    }
    for bad in [JsValue::from_str("identity-check"), JsValue::from_str("Transport"), JsValue::from_str(""), 5.into()] {
        assert_eq!(check_profile(bad.clone()).as_deref(), Some("unknown-profile"), "{bad:?}");
        assert!(v.verify(&token(), now_ms(), bad).is_err());
    }
}

/// `trustListState(nowMs)` as `(outcome, code, sequence)`.
fn state(v: &Verifier, at: &str) -> (String, Option<String>, Option<f64>) {
    let state: JsValue = v.trust_list_state(parse_rfc3339(at).unwrap() as f64 * 1000.0).into();
    let list = has(&state, "trust_list").then(|| get(&state, "trust_list"));
    (string(&state, "outcome"), get(&state, "code").as_string(), list.and_then(|l| get(&l, "sequence").as_f64()))
}

#[wasm_bindgen_test]
fn the_trust_list_state_is_the_trust_list_check_of_a_result() {
    let v = verifier();
    // Fresh before next_update (2025-12-01T06:00Z), stale for 7 days after, then expired.
    let cases = [
        ("2025-10-01T09:00:00Z", ("pass", None)),
        ("2025-12-03T09:00:00Z", ("warn", Some("trust-list-stale"))),
        ("2025-12-09T09:00:00Z", ("fail", Some("trust-list-expired"))),
    ];
    for (at, (outcome, code)) in cases {
        assert_eq!(state(&v, at), (outcome.to_owned(), code.map(str::to_owned), Some(7.0)), "{at}");
        let ms = parse_rfc3339(at).unwrap() as f64 * 1000.0;
        let result: JsValue = v.verify(&token(), ms, JsValue::UNDEFINED).unwrap().into();
        let trust_check = check(&checks(&result), "trust-list").clone();
        assert_eq!(
            (trust_check.1.as_str(), trust_check.2.as_deref()),
            (outcome, code),
            "{at}: the result says the same"
        );
    }
    let other = SecretKey::from_seed(&[0x07; 32]);
    let refused = Verifier::new(&sign_list(&other, &list_json(7)).unwrap(), vec![root_text()], None);
    assert_eq!(
        state(&refused, "2025-10-01T09:00:00Z"),
        ("fail".to_owned(), Some("trust-list-unknown-root".to_owned()), None)
    );
}

#[wasm_bindgen_test]
fn statuses_lists_every_verdict_in_precedence_order() {
    let all: Vec<String> = Array::from(&statuses().into()).iter().map(|s| s.as_string().unwrap()).collect();
    assert_eq!(all.len(), 11);
    assert_eq!(all.first().map(String::as_str), Some("trust-list-invalid"));
    assert_eq!(all.last().map(String::as_str), Some("valid"));
    let verdict: JsValue = verifier().verify("CC1:AAAA", now_ms(), JsValue::UNDEFINED).unwrap().into();
    assert!(all.contains(&string(&verdict, "status")));
}

#[wasm_bindgen_test]
fn profiles_lists_every_profile_with_its_fields() {
    let list: JsValue = profiles().into();
    assert!(Array::is_array(&list));
    let list = Array::from(&list);
    assert_eq!(list.length() as usize, Profile::ALL.len());
    for (item, profile) in list.iter().zip(Profile::ALL) {
        assert_eq!(string(&item, "name"), profile.name());
        let fields: Vec<String> = Array::from(&get(&item, "fields")).iter().map(|f| f.as_string().unwrap()).collect();
        assert_eq!(fields, profile.fields());
    }
}

/// The QR reader's SIMD loops (src/scan/simd.rs, in every wasm build) give
/// the bytes of their scalar twins (what native builds run), on odd sizes,
/// tails shorter than a vector and the extreme grey levels.
#[wasm_bindgen_test]
fn the_qr_readers_simd_loops_match_the_scalar_code() {
    use cachet::scan::simd;
    const { assert!(simd::SIMD) };
    let mut state = 0x9E37_79B9u32;
    let mut noise = |n: usize| -> Vec<u8> {
        (0..n)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                (state >> 24) as u8
            })
            .collect()
    };
    for (w, h) in [(1, 1), (15, 2), (16, 8), (17, 5), (33, 7), (250, 9), (1280, 8)] {
        for rgba in [noise(w * h * 4), vec![255; w * h * 4], vec![0; w * h * 4]] {
            let (mut a, mut b) = (vec![0; w * h], vec![0; w * h]);
            simd::luma(&rgba, &mut a);
            simd::luma_scalar(&rgba, &mut b);
            assert_eq!(a, b, "luma {w}×{h}");
            let rows = h.min(8);
            let (mut s, mut t) = (vec![(0, 255, 0); w.div_ceil(8)], vec![(0, 255, 0); w.div_ceil(8)]);
            simd::block_stats(&a, w, 0, rows, &mut s);
            simd::block_stats_scalar(&a, w, 0, rows, 0, &mut t);
            assert_eq!(s, t, "block stats {w}×{h}");
            let level = noise(w);
            let row = &a[..w];
            let (mut p, mut q) = (vec![7; w], vec![9; w]);
            simd::threshold_row(row, &level, &mut p);
            simd::threshold_row_scalar(row, &level, &mut q);
            assert_eq!(p, q, "threshold {w}");
            let (mut u, mut v) = (Vec::new(), Vec::new());
            simd::transitions(&p, &mut u);
            simd::transitions_scalar(&p, 1, &mut v);
            assert_eq!(u, v, "transitions {w}");
            let mut inv = vec![0; w];
            simd::invert(&p, &mut inv);
            assert!(inv.iter().zip(&p).all(|(i, d)| *i == !*d), "invert {w}");
            if h >= 2 {
                let (mut x, mut y) = (vec![0; w / 2], vec![0; w / 2]);
                simd::halve_rows(&a[..w], &a[w..2 * w], &mut x);
                simd::halve_rows_scalar(&a[..w], &a[w..2 * w], 0, &mut y);
                assert_eq!(x, y, "half {w}");
            }
        }
    }
}

/// Status documents (issue 11): a list naming a status key, a full document
/// and a delta merged by `applyStatus`, the refusals' codes, the floor.
#[wasm_bindgen_test]
fn status_documents_merge_into_the_verifier_and_refuse_rollback() {
    use cachet::status_doc::{sign_status, KeyEntry, Kind, StatusBody};
    use cachet::status_list::{RevokedSet, StatusRef};
    let status_key = SecretKey::from_seed(&[0x05; 32]);
    let mut body: TrustListBody = serde_json::from_str(&list_json(8)).unwrap();
    body.issuers[0].status_capacity = Some(1000);
    body.status_key = Some(cachet::trust::StatusKeyEntry {
        key_id: status_key.key_id().to_string(),
        public_key: status_key.public_key().to_base64(),
        expires: "2025-10-15T00:00:00Z".into(),
    });
    let signed = sign_list(&root(), &serde_json::to_string_pretty(&body).unwrap()).unwrap();
    let mut v = Verifier::new(&signed, vec![root_text()], None);
    let doc = |by: &SecretKey, kind, sequence, base, added: &[u32]| {
        let code = Some(RevokedSet::from_sorted(added, 1000).unwrap().encode());
        let entry = match kind {
            Kind::Full => KeyEntry { revoked_indices: code, ..KeyEntry::default() },
            Kind::Delta => KeyEntry { added: code, ..KeyEntry::default() },
        };
        let body = StatusBody {
            kind,
            sequence,
            base,
            scope: None,
            issued_at: "2025-09-30T00:00:00Z".into(),
            expires: "2025-10-02T00:00:00Z".into(),
            keys: vec![KeyEntry { key_id: issuer().key_id().to_string(), ..entry }],
        };
        sign_status(by, &body)
    };
    let with_index = |idx| {
        issue::issue_with_status(
            &issuer(),
            &doc_example_input(),
            Date::parse("2025-09-15").unwrap(),
            StatusRef::new(idx),
        )
        .unwrap()
        .token
    };
    let status_of = |v: &Verifier, idx| {
        string(&JsValue::from(v.verify(&with_index(idx), now_ms(), JsValue::UNDEFINED).unwrap()), "status")
    };
    assert_eq!(v.status_sequence(), None);
    assert_eq!(v.check_status_floor(None), None);
    assert_eq!(v.apply_status(&doc(&status_key, Kind::Full, 1, None, &[3]), now_ms()), None);
    // The same as bytes (applyStatusBytes, what the page uses); bytes that are not UTF-8 are refused.
    assert_eq!(v.apply_status_bytes(&[0xff, 0xfe, b'{', b'}'], now_ms()).as_deref(), Some("status-json"));
    assert_eq!(v.apply_status_bytes(doc(&status_key, Kind::Delta, 2, Some(1), &[4]).as_bytes(), now_ms()), None);
    assert_eq!(
        (status_of(&v, 3), status_of(&v, 4), status_of(&v, 5)),
        ("revoked".into(), "revoked".into(), "valid".into())
    );
    assert_eq!(v.status_sequence(), Some(2.0));
    assert_eq!(v.status_expires().as_deref(), Some("2025-10-02T00:00:00Z"));
    // Refused, the state held unchanged.
    assert_eq!(
        v.apply_status(&doc(&status_key, Kind::Delta, 4, Some(3), &[5]), now_ms()).as_deref(),
        Some("status-wrong-base")
    );
    assert_eq!(
        v.apply_status(&doc(&status_key, Kind::Full, 1, None, &[]), now_ms()).as_deref(),
        Some("status-rollback")
    );
    assert_eq!(
        v.apply_status(&doc(&issuer(), Kind::Full, 3, None, &[]), now_ms()).as_deref(),
        Some("status-wrong-key")
    );
    assert_eq!(status_of(&v, 4), "revoked");
    assert_eq!(v.check_status_floor(Some(2.0)), None);
    assert_eq!(v.check_status_floor(Some(3.0)).as_deref(), Some("status-rollback"));
    // A list without a status key takes none.
    assert_eq!(
        verifier().apply_status(&doc(&status_key, Kind::Full, 1, None, &[3]), now_ms()).as_deref(),
        Some("status-no-status-key")
    );
}

/// `certificateKeyId`: the issuer key id of a token or a verifier URL, read
/// from the envelope without verifying anything; `undefined` for anything else.
#[wasm_bindgen_test]
fn certificate_key_id_reads_the_envelope_of_a_token_or_a_url() {
    let kid = issuer().key_id().to_string();
    assert_eq!(kid.len(), 16);
    assert_eq!(certificate_key_id(&token()).as_deref(), Some(kid.as_str()));
    assert_eq!(certificate_key_id(&format!("https://verifier.example/#{}", token())).as_deref(), Some(kid.as_str()));
    assert_eq!(certificate_key_id(&format!("  {}\n", token())).as_deref(), Some(kid.as_str()));
    // Not verified: a key no list names, and a signature that does not verify.
    let stranger = SecretKey::from_seed(&[0x77; 32]);
    let other = issue::issue(&stranger, &doc_example_input(), Date::parse("2025-09-15").unwrap()).unwrap().token;
    assert_eq!(certificate_key_id(&other), Some(stranger.key_id().to_string()));
    let t = token();
    let flipped = format!("{}{}", &t[..t.len() - 1], if t.ends_with('A') { 'B' } else { 'A' });
    assert_eq!(certificate_key_id(&flipped).as_deref(), Some(kid.as_str()));
    // Unreadable: undefined, never a throw.
    for bad in ["", "   ", "CC1:", "CC2:AAAA", "hello", "https://verifier.example/", "https://verifier.example/#"] {
        assert_eq!(certificate_key_id(bad), None, "{bad:?}");
    }
    assert_eq!(certificate_key_id(&t[..t.len() / 2]), None);
    assert_eq!(certificate_key_id(&"A".repeat(1 << 20)), None);
}

/// A scoped full document (one key's part, what a first visit fetches):
/// `statusScope` names its key, a certificate of another key warns
/// `status-out-of-scope`, a delta is refused until the complete document.
#[wasm_bindgen_test]
fn a_scoped_status_document_knows_its_key_alone() {
    use cachet::status_doc::{sign_status, KeyEntry, Kind, StatusBody};
    use cachet::status_list::{RevokedSet, StatusRef};
    let status_key = SecretKey::from_seed(&[0x05; 32]);
    let second = SecretKey::from_seed(&[0x43; 32]);
    let mut body: TrustListBody = serde_json::from_str(&list_json(8)).unwrap();
    body.issuers[0].status_capacity = Some(1000);
    let mut lyon = body.issuers[0].clone();
    lyon.key_id = second.key_id().to_string();
    lyon.public_key = second.public_key().to_base64();
    lyon.name = "Académie de Lyon".into();
    body.issuers.push(lyon);
    body.status_key = Some(cachet::trust::StatusKeyEntry {
        key_id: status_key.key_id().to_string(),
        public_key: status_key.public_key().to_base64(),
        expires: "2025-10-15T00:00:00Z".into(),
    });
    let signed = sign_list(&root(), &serde_json::to_string_pretty(&body).unwrap()).unwrap();
    let mut v = Verifier::new(&signed, vec![root_text()], None);
    let doc = |kind, sequence, base, scope: Option<&SecretKey>, keys: &[(&SecretKey, &[u32])]| {
        let keys = keys
            .iter()
            .map(|(k, revoked)| {
                let code = Some(RevokedSet::from_sorted(revoked, 1000).unwrap().encode());
                let entry = match kind {
                    Kind::Full => KeyEntry { revoked_indices: code, ..KeyEntry::default() },
                    Kind::Delta => KeyEntry { added: code, ..KeyEntry::default() },
                };
                KeyEntry { key_id: k.key_id().to_string(), ..entry }
            })
            .collect();
        let body = StatusBody {
            kind,
            sequence,
            base,
            scope: scope.map(|k| k.key_id().to_string()),
            issued_at: "2025-09-30T00:00:00Z".into(),
            expires: "2025-10-02T00:00:00Z".into(),
            keys,
        };
        sign_status(&status_key, &body)
    };
    let by = |key: &SecretKey, idx| {
        issue::issue_with_status(key, &doc_example_input(), Date::parse("2025-09-15").unwrap(), StatusRef::new(idx))
            .unwrap()
            .token
    };
    let seen = |v: &Verifier, text: &str| {
        let result: JsValue = v.verify(text, now_ms(), JsValue::UNDEFINED).unwrap().into();
        let all = checks(&result);
        let list = check(&all, "trust-list");
        (string(&result, "status"), list.1.clone(), list.2.clone())
    };
    let valid = |code: Option<&str>| {
        ("valid".to_owned(), if code.is_some() { "warn" } else { "pass" }.to_owned(), code.map(str::to_owned))
    };
    assert_eq!(v.status_scope(), None);
    // The Paris key's part first, as a first visit fetches it.
    let paris_token = by(&issuer(), 3);
    assert_eq!(certificate_key_id(&paris_token), Some(issuer().key_id().to_string()));
    assert_eq!(v.apply_status(&doc(Kind::Full, 5, None, Some(&issuer()), &[(&issuer(), &[3])]), now_ms()), None);
    assert_eq!(v.status_scope(), Some(issuer().key_id().to_string()));
    assert_eq!(v.status_sequence(), Some(5.0));
    assert_eq!(seen(&v, &paris_token).0, "revoked");
    assert_eq!(seen(&v, &by(&issuer(), 4)), valid(None));
    // The Lyon key's status is unknown: the list's verdict, with a warning.
    assert_eq!(seen(&v, &by(&second, 3)), valid(Some("status-out-of-scope")));
    // A delta needs the complete document; a scope beside other keys is refused.
    assert_eq!(
        v.apply_status(&doc(Kind::Delta, 6, Some(5), None, &[(&second, &[3])]), now_ms()).as_deref(),
        Some("status-wrong-base")
    );
    assert_eq!(
        v.apply_status(&doc(Kind::Full, 6, None, Some(&issuer()), &[(&issuer(), &[3]), (&second, &[3])]), now_ms())
            .as_deref(),
        Some("status-entry-scope-keys")
    );
    assert_eq!(v.status_scope(), Some(issuer().key_id().to_string()));
    // The complete document of the same sequence replaces it: every key covered.
    assert_eq!(v.apply_status(&doc(Kind::Full, 5, None, None, &[(&issuer(), &[3]), (&second, &[])]), now_ms()), None);
    assert_eq!(v.status_scope(), None);
    assert_eq!(seen(&v, &by(&second, 3)), valid(None));
    assert_eq!(v.apply_status(&doc(Kind::Delta, 6, Some(5), None, &[(&second, &[3])]), now_ms()), None);
    assert_eq!(seen(&v, &by(&second, 3)).0, "revoked");
    // No status held on a refused list either.
    assert_eq!(Verifier::new("not a list", vec![root_text()], None).status_scope(), None);
}
