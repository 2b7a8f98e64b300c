//! `cargo xtask fuzz-corpus`: writes the seed corpora of the fuzz targets,
//! `fuzz/corpus/text_decoder/` and `fuzz/corpus/trust_list/`, from fixed
//! keys (the same bytes every run).
//!
//! Each seed is named `<expected>--<what it is>`: the verdict the target
//! function returns for it (a status code, `not-text` for bytes that are
//! not UTF-8, or the trust list's loading code). The generator checks each
//! seed gives what its name says, and `tests/fuzz_corpus.rs` checks it again
//! on every `cargo test`, so a seed that stops reaching the path it was made
//! for is noticed. The directories are rewritten whole.

use crate::sh::{self, Result};
use cachet::certificate::SchoolCertificateInput;
use cachet::keys::SecretKey;
use cachet::time::Date;
use cachet::{envelope, issue, text};
use std::path::{Path, PathBuf};

#[allow(dead_code)]
mod common {
    include!("../../fuzz/fuzz_targets/common.rs");
}

struct Corpus {
    dir: PathBuf,
    count: usize,
}

impl Corpus {
    fn new(dir: PathBuf) -> Result<Corpus> {
        sh::fresh_dir(&dir)?;
        Ok(Corpus { dir, count: 0 })
    }

    /// Writes a seed after checking that `outcome` of it is `expected`.
    fn seed(&mut self, expected: &str, what: &str, bytes: &[u8], outcome: impl Fn(&[u8]) -> String) -> Result<()> {
        let got = outcome(bytes);
        if got != expected {
            return Err(format!("seed `{what}` gives `{got}`, not `{expected}`"));
        }
        self.count += 1;
        sh::write(&self.dir.join(format!("{expected}--{what}")), bytes)
    }
}

fn verdict(bytes: &[u8]) -> String {
    common::text_decoder(bytes).map_or("not-text", |s| s.code()).to_owned()
}

fn loading(bytes: &[u8]) -> String {
    common::trust_list(bytes).to_owned()
}

fn day(s: &str) -> Result<Date> {
    Date::parse(s).ok_or_else(|| format!("not a date: {s}"))
}

/// The base certificate: valid under the fixture list at `common::NOW`.
fn base_input() -> SchoolCertificateInput {
    SchoolCertificateInput {
        regime: Some("demi-pensionnaire".into()),
        issued_on: Some("2025-09-15".into()),
        ..cachet::doc_example_input()
    }
}

/// The COSE bytes of a certificate signed by the key of `seed`.
fn cose(seed: &[u8; 32], change: impl FnOnce(&mut SchoolCertificateInput)) -> Result<Vec<u8>> {
    let mut input = base_input();
    change(&mut input);
    let issued = issue::issue(&SecretKey::from_seed(seed), &input, day("2025-09-15")?).map_err(|e| e.to_string())?;
    Ok(issued.cose)
}

/// `bytes` with the first `from` replaced by `to`; fails when `from` is absent.
fn replace(bytes: &[u8], from: &[u8], to: &[u8]) -> Result<Vec<u8>> {
    let at = bytes.windows(from.len()).position(|w| w == from).ok_or_else(|| format!("{from:02x?} not found"))?;
    Ok([&bytes[..at], to, &bytes[at + from.len()..]].concat())
}

pub fn run(args: &[String]) -> Result<()> {
    if let Some(arg) = args.first() {
        return Err(format!("fuzz-corpus takes no argument (got `{arg}`)"));
    }
    let root = sh::workspace_root().join("fuzz/corpus");
    let texts = text_decoder_seeds(&root.join("text_decoder"))?;
    let lists = trust_list_seeds(&root.join("trust_list"))?;
    println!("fuzz corpus: {texts} seeds in fuzz/corpus/text_decoder, {lists} in fuzz/corpus/trust_list");
    Ok(())
}

fn text_decoder_seeds(dir: &Path) -> Result<usize> {
    let mut c = Corpus::new(dir.to_path_buf())?;
    let mut seed = |expected: &str, what: &str, bytes: &[u8]| c.seed(expected, what, bytes, verdict);
    let issuer = &common::ISSUER_SEED;

    let valid = cose(issuer, |_| ())?;
    let token = text::encode_token(&valid);
    seed("valid", "token", token.as_bytes())?;
    seed("valid", "token-without-regime", text::encode_token(&cose(issuer, |i| i.regime = None)?).as_bytes())?;
    seed("valid", "token-derived-serial", text::encode_token(&cose(issuer, |i| i.serial = None)?).as_bytes())?;
    let lycee = cose(issuer, |i| {
        i.family_name = "N'Diaye-Lefèvre".into();
        i.given_names = "Aïssatou Marie-Hélène".into();
        i.birth_date = "2008-12-31".into();
        i.school_uai = "0750699C".into();
        i.school_name = "Lycée Henri-IV".into();
        i.level = "Tle".into();
        i.regime = Some("interne".into());
        i.serial = Some("HIV.2025_0042".into());
    })?;
    seed("valid", "token-lycee-interne", text::encode_token(&lycee).as_bytes())?;
    seed("valid", "url", text::url_of("https://verifier.cachet.example/", &token).as_bytes())?;
    seed("valid", "url-http-with-newline", format!("{}\n", text::url_of("http://127.0.0.1:8080/", &token)).as_bytes())?;
    seed("valid", "token-between-spaces", format!("  {token} \r\n").as_bytes())?;

    let mut flipped = valid.clone();
    if let Some(last) = flipped.last_mut() {
        *last ^= 0x01;
    }
    seed("invalid-signature", "signature-bit-flipped", text::encode_token(&flipped).as_bytes())?;
    let renamed = replace(&valid, b"Martin", b"Mertin")?;
    seed("invalid-signature", "family-name-changed", text::encode_token(&renamed).as_bytes())?;

    let other = |seed: &[u8; 32], change: fn(&mut SchoolCertificateInput)| -> Result<String> {
        Ok(text::encode_token(&cose(seed, change)?))
    };
    seed("unknown-issuer", "key-not-in-list", other(&common::UNKNOWN_ISSUER_SEED, |_| ())?.as_bytes())?;
    let revoked_serial = other(issuer, |i| i.serial = Some(common::REVOKED_SERIAL.into()))?;
    seed("revoked", "serial", revoked_serial.as_bytes())?;
    seed("revoked", "issuer-key", other(&common::REVOKED_ISSUER_SEED, |_| ())?.as_bytes())?;
    seed("issuer-key-not-valid", "kind-not-allowed", other(&common::OTHER_KIND_ISSUER_SEED, |_| ())?.as_bytes())?;
    let before_key = other(issuer, |i| {
        i.school_year = "2022-2023".into();
        i.issued_on = Some("2022-09-15".into());
    })?;
    seed("issuer-key-not-valid", "issued-before-key-validity", before_key.as_bytes())?;
    let expired = other(issuer, |i| {
        i.school_year = "2023-2024".into();
        i.issued_on = Some("2023-09-15".into());
    })?;
    seed("expired", "school-year-2023-2024", expired.as_bytes())?;
    let next_year = other(issuer, |i| {
        i.school_year = "2026-2027".into();
        i.issued_on = Some("2026-06-15".into());
    })?;
    seed("not-yet-valid", "next-school-year", next_year.as_bytes())?;
    let future = other(issuer, |i| i.issued_on = Some("2025-11-15".into()))?;
    seed("not-yet-valid", "issued-in-the-future", future.as_bytes())?;

    let body = token.strip_prefix(text::PREFIX).ok_or("a token without its prefix")?;
    seed("unsupported-version", "cc2-prefix", format!("CC2:{body}").as_bytes())?;
    let payload = envelope::open(&valid).map_err(|e| e.to_string())?.payload.to_vec();
    let issuer_key = SecretKey::from_seed(issuer);
    // The certificate map: 9 fields, key 0 (kind) = 1.
    let other_kind = replace(&payload, &[0xa9, 0x00, 0x01], &[0xa9, 0x00, 0x02])?;
    seed(
        "unsupported-version",
        "unknown-document-kind",
        text::encode_token(&envelope::seal(&issuer_key, &other_kind)).as_bytes(),
    )?;

    seed("malformed", "empty", b"")?;
    seed("malformed", "white-space", b" \n\t")?;
    seed("malformed", "lowercase-prefix", format!("cc1:{body}").as_bytes())?;
    seed("malformed", "base64-padding", format!("{token}==").as_bytes())?;
    let alphabet = if body.contains('_') { token.replacen('_', "/", 1) } else { token.replacen('-', "+", 1) };
    seed("malformed", "standard-base64-alphabet", alphabet.as_bytes())?;
    // Cut to a length whose last character carries unused bits, then set one.
    let cut = &valid[..valid.len() - (valid.len() + 2) % 3];
    let mut trailing = text::encode_token(cut);
    let last = trailing.pop().ok_or("an empty token")?;
    trailing.push(if last == 'A' { 'B' } else { 'A' });
    seed("malformed", "base64-trailing-bits", trailing.as_bytes())?;
    seed("malformed", "truncated-cose", text::encode_token(&valid[..valid.len() - 20]).as_bytes())?;
    seed("malformed", "cose-trailing-byte", text::encode_token(&[&valid[..], &[0x00]].concat()).as_bytes())?;
    seed("malformed", "cose-without-tag", text::encode_token(&valid[1..]).as_bytes())?;
    // The unprotected header `{}` (a0) after the 13-byte protected header.
    let unprotected = replace(&valid, &[0xa0, 0x58], &[0xa1, 0x01, 0x27, 0x58])?;
    seed("malformed", "unprotected-header-not-empty", text::encode_token(&unprotected).as_bytes())?;
    let long_kind = replace(&payload, &[0xa9, 0x00, 0x01], &[0xa9, 0x00, 0x18, 0x01])?;
    let sealed = envelope::seal(&issuer_key, &long_kind);
    seed("malformed", "payload-integer-not-shortest", text::encode_token(&sealed).as_bytes())?;
    let trailing_payload = envelope::seal(&issuer_key, &[&payload[..], &[0x00]].concat());
    seed("malformed", "payload-trailing-byte", text::encode_token(&trailing_payload).as_bytes())?;
    seed("malformed", "too-large", format!("CC1:{}", "A".repeat(text::MAX_TEXT_LEN)).as_bytes())?;
    seed("malformed", "url-without-token", b"https://verifier.cachet.example/")?;

    seed("not-text", "raw-cose", &valid)?;
    seed("not-text", "raw-payload", &payload)?;
    Ok(c.count)
}

fn trust_list_seeds(dir: &Path) -> Result<usize> {
    let mut c = Corpus::new(dir.to_path_buf())?;
    let mut seed = |expected: &str, what: &str, bytes: &[u8]| c.seed(expected, what, bytes, loading);
    let root = common::root();
    let sign = |key: &SecretKey, json: &str| cachet::trust::sign_list(key, json).map_err(|e| e.to_string());
    let to_json = |body: &cachet::trust::TrustListBody| serde_json::to_string_pretty(body).map_err(|e| e.to_string());

    let body = common::list_body();
    let pretty = to_json(&body)?;
    let signed = common::signed_list();
    seed("ok", "fixture-list", signed.as_bytes())?;
    let compact = serde_json::to_string(&body).map_err(|e| e.to_string())?;
    seed("ok", "compact-list", sign(root, &compact)?.as_bytes())?;
    let mut empty = body.clone();
    empty.issuers.clear();
    empty.revoked_serials.clear();
    seed("ok", "no-issuers", sign(root, &to_json(&empty)?)?.as_bytes())?;
    let mut many = body.clone();
    many.revoked_serials = (0..200).map(|n| format!("2025-{n:06}")).collect();
    seed("ok", "200-revoked-serials", sign(root, &to_json(&many)?)?.as_bytes())?;

    let renamed = signed.replacen("Académie de Paris", "Académie de Pariz", 1);
    seed("trust-list-signature", "issuer-name-changed", renamed.as_bytes())?;
    let spaced = signed.replacen("\"sequence\": 7", "\"sequence\":  7", 1);
    seed("trust-list-signature", "space-added", spaced.as_bytes())?;
    let alg = signed.replacen("\"EdDSA\"", "\"ES256\"", 1);
    seed("trust-list-signature", "other-algorithm", alg.as_bytes())?;
    let other_root = SecretKey::from_seed(&common::UNKNOWN_ISSUER_SEED);
    seed("trust-list-unknown-root", "other-root", sign(&other_root, &pretty)?.as_bytes())?;

    seed("trust-list-json", "unsigned-list", pretty.as_bytes())?;
    let mut bad_id = body.clone();
    if let Some(e) = bad_id.issuers.first_mut() {
        e.key_id = "0123456789abcdef".into();
    }
    seed("trust-list-json", "unsigned-list-key-id-mismatch", to_json(&bad_id)?.as_bytes())?;
    let mut format2 = body.clone();
    format2.format = "cachet-trust-list/2".into();
    seed("trust-list-json", "unsigned-list-format-2", to_json(&format2)?.as_bytes())?;
    let mut dates = body;
    if let Some(e) = dates.issuers.first_mut() {
        e.valid_until = "2023-02-30".into();
    }
    seed("trust-list-json", "unsigned-list-impossible-date", to_json(&dates)?.as_bytes())?;
    seed("trust-list-json", "empty", b"")?;
    seed("trust-list-json", "truncated", &signed.as_bytes()[..signed.len() / 2])?;
    let list_only = format!("{{\"list\": {pretty}}}");
    seed("trust-list-json", "signature-missing", list_only.as_bytes())?;
    let extra = signed.replacen('{', "{\"comment\": \"hello\",", 1);
    seed("trust-list-json", "unknown-member", extra.as_bytes())?;
    Ok(c.count)
}
