//! The examples and figures of `docs/FORMAT.md` and `docs/TRUST.md` are the
//! code's: each is recomputed here and compared byte for byte, so a document
//! that drifts from the code fails the build.
//!
//! The parts checked sit between markers in the documents, `<!-- NAME -->`
//! and `<!-- /NAME -->`: the annotated COSE bytes (the hex before each `#`),
//! the token, the signing input's head, the example inputs, the sizes table,
//! and the example trust list with its signed file.

use cachet::certificate::SchoolCertificateInput;
use cachet::envelope;
use cachet::issue::{issue, issue_with_status, Issued};
use cachet::keys::{PublicKey, SecretKey};
use cachet::status_list::{StatusRef, DEFAULT_CAPACITY};
use cachet::text;
use cachet::time::{parse_rfc3339, Date};
use cachet::trust::{TrustList, TrustListBody};
use cachet::{verify, Status};
use qrcode::bits::Bits;
use qrcode::{EcLevel, QrCode, Version};

const FORMAT_MD: &str = include_str!("../docs/FORMAT.md");
const TRUST_MD: &str = include_str!("../docs/TRUST.md");

/// The URL base of the sizes table.
const URL_BASE: &str = "https://verifier.cachet.fr/";

/// The example key of FORMAT.md.
fn example_key() -> SecretKey {
    SecretKey::from_seed(&[0x42; 32])
}

/// The issue date of every example (also given in each input).
fn issue_date() -> Date {
    Date::parse("2025-09-15").unwrap()
}

fn school_input(fields: [&str; 9], regime: Option<&str>, serial: Option<&str>) -> SchoolCertificateInput {
    let [family_name, given_names, birth_date, school_uai, school_name, school_town, academie, school_year, level] =
        fields.map(String::from);
    SchoolCertificateInput {
        family_name,
        given_names,
        birth_date,
        school_uai,
        school_name,
        school_town,
        academie,
        school_year,
        level,
        regime: regime.map(Into::into),
        serial: serial.map(Into::into),
        issued_on: Some("2025-09-15".into()),
    }
}

/// The typical certificate: short names; the annotated example.
fn typical() -> SchoolCertificateInput {
    school_input(
        ["Martin", "Léa", "2013-04-12", "0750654D", "Collège Victor Hugo", "Paris", "Paris", "2025-2026", "6e"],
        Some("demi-pensionnaire"),
        Some("2025-000123"),
    )
}

/// The reference certificate: long French names, a long school name and town, a derived serial.
fn reference() -> SchoolCertificateInput {
    school_input(
        [
            "de La Tour d'Auvergne-Lauraguais",
            "Marie-Éléonore Bérénice",
            "2009-02-27",
            "0781234T",
            "Lycée général et technologique Jean-Baptiste Corot",
            "Saint-Germain-en-Laye",
            "Versailles",
            "2025-2026",
            "1re",
        ],
        Some("demi-pensionnaire"),
        None,
    )
}

/// Every text field at its limit in 4-byte UTF-8 letters, the longest serial.
fn longest() -> SchoolCertificateInput {
    use cachet::certificate::{limits, MAX_SERIAL_LEN};
    let letters = |n: usize| "\u{20000}".repeat(n);
    SchoolCertificateInput {
        family_name: letters(limits::FAMILY_NAME),
        given_names: letters(limits::GIVEN_NAMES),
        birth_date: "2009-02-27".into(),
        school_uai: "0781234T".into(),
        school_name: letters(limits::SCHOOL_NAME),
        school_town: letters(limits::SCHOOL_TOWN),
        academie: letters(limits::ACADEMIE),
        school_year: "2025-2026".into(),
        level: "CPGE2".into(),
        regime: Some("interne".into()),
        serial: Some("S".repeat(MAX_SERIAL_LEN)),
        issued_on: Some("2025-09-15".into()),
    }
}

fn issued(input: &SchoolCertificateInput) -> Issued {
    issue(&example_key(), input, issue_date()).unwrap_or_else(|e| panic!("the example input is refused: {e}"))
}

/// The status claim of the sizes table and of FORMAT.md's status example:
/// the largest index of the default capacity (5 bytes, as for most indices)
/// and the default URI.
fn example_status() -> StatusRef {
    StatusRef::new(DEFAULT_CAPACITY - 1)
}

fn issued_with_status(input: &SchoolCertificateInput) -> Issued {
    issue_with_status(&example_key(), input, issue_date(), example_status())
        .unwrap_or_else(|e| panic!("the example input is refused: {e}"))
}

/// The text between `<!-- name -->` and `<!-- /name -->`.
fn section<'a>(doc: &'a str, name: &str) -> &'a str {
    let open = format!("<!-- {name} -->");
    let close = format!("<!-- /{name} -->");
    let start = doc.find(&open).unwrap_or_else(|| panic!("marker `{open}` is missing")) + open.len();
    let len = doc[start..].find(&close).unwrap_or_else(|| panic!("marker `{close}` is missing"));
    &doc[start..start + len]
}

/// The content of the one fenced code block in a section.
fn fenced(section: &str) -> &str {
    let mut parts = section.split("```");
    let (_, block, _) = (parts.next(), parts.next(), parts.next());
    let block = block.unwrap_or_else(|| panic!("no fenced block in:\n{section}"));
    assert!(parts.next().is_none(), "more than one fenced block in:\n{section}");
    // Drop the info string (`text`, `json`) on the opening line.
    block.split_once('\n').map_or("", |(_, rest)| rest)
}

/// The bytes of an annotated hex block: the hex digits before each `#`.
fn annotated_hex(block: &str) -> Vec<u8> {
    let mut bytes = Vec::new();
    for (n, line) in block.lines().enumerate() {
        let code = line.split('#').next().unwrap_or("");
        let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        let parsed = hex::decode(&digits).unwrap_or_else(|e| panic!("line {}: `{line}`: {e}", n + 1));
        bytes.extend(parsed);
    }
    bytes
}

/// Whether the document says `phrase`, wherever its lines break.
fn says(doc: &str, phrase: &str) -> bool {
    let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    words(doc).contains(&words(phrase))
}

fn doc_input(name: &str) -> SchoolCertificateInput {
    serde_json::from_str(fenced(section(FORMAT_MD, name))).unwrap_or_else(|e| panic!("{name}: not a cert.json: {e}"))
}

#[test]
fn the_annotated_example_is_the_issued_certificate() {
    assert_eq!(doc_input("example:input"), typical(), "FORMAT.md's example input is not the typical certificate");
    let issued = issued(&typical());
    let shown = annotated_hex(fenced(section(FORMAT_MD, "example:cose")));
    if shown != issued.cose {
        panic!(
            "FORMAT.md's annotated bytes are not the certificate's\n  doc:  {}\n  code: {}",
            hex::encode(&shown),
            hex::encode(&issued.cose)
        );
    }
    assert_eq!(fenced(section(FORMAT_MD, "example:token")).trim(), issued.token, "FORMAT.md's token");
    assert!(says(FORMAT_MD, &format!("all {} bytes", issued.cose.len())), "FORMAT.md's COSE length");
    assert!(says(FORMAT_MD, &format!("Its token ({} characters)", issued.token.len())), "FORMAT.md's token length");
    // The token decodes back to the bytes, and the key shown is the key that signed.
    assert_eq!(text::decode(&issued.token), Ok(issued.cose.clone()));
    let key = example_key();
    assert!(FORMAT_MD.contains(&format!("`{}`", key.public_key().to_base64())), "FORMAT.md's example public key");
    assert!(FORMAT_MD.contains(&format!("key id `{}`", key.key_id())), "FORMAT.md's example key id");
}

#[test]
fn the_status_claim_example_is_in_the_issued_payload() {
    let with_status = issued_with_status(&typical());
    let env = envelope::open(&with_status.cose).unwrap();
    let shown = annotated_hex(fenced(section(FORMAT_MD, "example:status-claim")));
    // The claim stands between the serial and the certificate map.
    let serial_end = env.payload.windows(11).position(|w| w == b"2025-000123").unwrap() + 11;
    assert_eq!(
        hex::encode(&env.payload[serial_end..serial_end + shown.len()]),
        hex::encode(&shown),
        "FORMAT.md's status claim"
    );
    assert_eq!(&env.payload[serial_end + shown.len()..][..5], [0x3a, 0x00, 0x01, 0x00, 0x00]);
    let plain = issued(&typical());
    assert!(
        says(FORMAT_MD, &format!("adds {} bytes", with_status.cose.len() - plain.cose.len())),
        "FORMAT.md's status claim length"
    );
}

#[test]
fn the_signing_input_example_is_the_head_of_the_signed_bytes() {
    let issued = issued(&typical());
    let env = envelope::open(&issued.cose).unwrap();
    let signed = envelope::signing_input(env.protected, env.payload);
    let head = annotated_hex(fenced(section(FORMAT_MD, "example:sig-structure")));
    assert_eq!(hex::encode(&signed[..head.len()]), hex::encode(&head), "FORMAT.md's Sig_structure");
    // What follows the head is the payload, exactly as it stands in the envelope.
    assert_eq!(&signed[head.len()..], env.payload);
    assert_eq!(signed[0], 0x84, "a certificate's signing input starts with a CBOR array of 4");
}

/// The smallest QR version that holds `data` in byte mode at level M.
fn byte_mode_version(data: &[u8]) -> i16 {
    (1..=40).find(|&v| fits(data.len(), v)).unwrap_or_else(|| panic!("{} bytes fit no QR version", data.len()))
}

/// Whether `n` bytes fit version `v` at level M in one byte-mode segment.
fn fits(n: usize, v: i16) -> bool {
    let mut bits = Bits::new(Version::Normal(v));
    bits.push_byte_data(&vec![b'a'; n]).is_ok() && bits.push_terminator(EcLevel::M).is_ok()
}

/// The byte-mode capacity of version `v` at level M.
fn capacity(v: i16) -> usize {
    (0..).take_while(|&n| fits(n + 1, v)).count()
}

/// One row of the sizes table, as the code computes it now.
fn sizes_row(input: &SchoolCertificateInput, with_status: bool) -> [usize; 6] {
    let issued = if with_status { issued_with_status(input) } else { issued(input) };
    let url = text::url_of(URL_BASE, &issued.token);
    let byte_version = byte_mode_version(url.as_bytes());
    let qr = QrCode::with_error_correction_level(&url, EcLevel::M).unwrap();
    let Version::Normal(crate_version) = qr.version() else { panic!("a micro QR version for a URL") };
    [
        issued.cose.len(),
        issued.token.len(),
        url.len(),
        byte_version as usize,
        capacity(byte_version),
        crate_version as usize,
    ]
}

#[test]
fn the_sizes_table_is_what_the_code_produces() {
    assert_eq!(doc_input("example:reference-input"), reference(), "FORMAT.md's reference input");
    let rows: Vec<(String, Vec<usize>)> = section(FORMAT_MD, "sizes")
        .lines()
        .filter(|l| l.starts_with('|'))
        .skip(2) // header and rule
        .map(|line| {
            let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
            let numbers =
                cells[1..].iter().map(|c| c.parse().unwrap_or_else(|_| panic!("`{c}` in `{line}`"))).collect();
            (cells[0].to_owned(), numbers)
        })
        .collect();
    let names: Vec<&str> = rows.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["typical", "typical with status", "reference", "reference with status", "longest"],
        "FORMAT.md's sizes rows"
    );

    let mut mismatches = Vec::new();
    let inputs = [(typical(), false), (typical(), true), (reference(), false), (reference(), true), (longest(), false)];
    for ((name, shown), (input, with_status)) in rows.iter().zip(inputs) {
        let computed = sizes_row(&input, with_status);
        if shown[..] != computed[..] {
            mismatches.push(format!("{name}: doc {shown:?}, code {computed:?}"));
        }
        assert!(computed[1] <= text::MAX_TEXT_LEN, "{name}: the token exceeds the text limit");
    }
    assert!(mismatches.is_empty(), "FORMAT.md's sizes table drifted:\n{}", mismatches.join("\n"));

    // The goals: a typical certificate in version 13 or less, with or without
    // a status claim; the reference in 16 or less without one.
    for with_status in [false, true] {
        let typical = sizes_row(&typical(), with_status);
        assert!(typical[3] <= 13 && typical[5] <= 13, "typical certificate needs QR version {typical:?}");
    }
    let reference = sizes_row(&reference(), false);
    assert!(reference[3] <= 16 && reference[5] <= 16, "reference certificate needs QR version {reference:?}");
}

#[test]
fn the_trust_list_example_is_signed_and_verifies_the_format_example() {
    let root = SecretKey::from_seed(&[0x01; 32]);
    let pinned = PublicKey::from_text(&format!("cachet-public-key-1:{}", root.public_key().to_base64())).unwrap();
    assert!(TRUST_MD.contains(pinned.to_text().trim()), "TRUST.md's example root key");

    // The unsigned list is what the CLI writes (pretty JSON of TrustListBody),
    // and the signed file is `sign_list` of it, byte for byte.
    let list = fenced(section(TRUST_MD, "example:list"));
    let body: TrustListBody = serde_json::from_str(list).unwrap();
    assert_eq!(serde_json::to_string_pretty(&body).unwrap(), list.trim(), "TRUST.md's list is not pretty JSON");
    let signed = fenced(section(TRUST_MD, "example:signed"));
    assert_eq!(cachet::trust::sign_list(&root, list).unwrap(), signed, "TRUST.md's signed list");

    let trust = TrustList::load(signed.as_bytes(), &[pinned], Some(7)).unwrap();
    assert_eq!(trust.sequence(), 7);
    let token = issued(&typical()).token;
    let url = text::url_of(URL_BASE, &token);
    for at in ["2025-09-15T08:00:00Z", "2025-09-30T12:00:00Z"] {
        let report = verify(&url, &trust, parse_rfc3339(at).unwrap());
        assert_eq!(report.status, Status::Valid, "at {at}: {report:?}");
        assert_eq!(report.issuer.map(|i| i.name), Some("Académie de Paris".to_owned()));
    }
    // Usable "until 8 October 2025": stale (with a warning) up to then, expired from then.
    let stale = verify(&url, &trust, parse_rfc3339("2025-10-08T05:59:59Z").unwrap());
    assert_eq!(stale.status, Status::Valid);
    assert_eq!(stale.check(cachet::CheckName::TrustList).map(|c| c.outcome), Some(cachet::Outcome::Warn));
    let expired = verify(&url, &trust, parse_rfc3339("2025-10-08T06:00:00Z").unwrap());
    assert_eq!(expired.status, Status::TrustListExpired);
    assert!(says(FORMAT_MD, "until 8 October 2025"));

    // The example key's revoked indices: the set TRUST.md's coding example describes.
    let paris = trust.issuer(example_key().key_id()).unwrap().status_list.as_ref().unwrap().get().unwrap();
    assert_eq!(paris.iter().collect::<Vec<_>>(), [77, 4242, 524_287, 1_000_000]);
    assert_eq!((paris.capacity(), paris.rice_parameter(), paris.coded_len()), (1 << 20, 17, 15));
    assert!(says(TRUST_MD, "`count` 4, `k` 17, the gaps 77, 4164, 520044 and 475712"));
    assert!(says(TRUST_MD, &format!("15 bytes, `{}`", paris.encode())));
    // With a status claim, its index decides: 4242 is revoked, 4243 is not, 2^20 is outside the space.
    let at = parse_rfc3339("2025-09-30T12:00:00Z").unwrap();
    for (idx, status, code) in [
        (4242, Status::Revoked, Some("status-revoked")),
        (4243, Status::Valid, None),
        (1 << 20, Status::Revoked, Some("status-index-out-of-range")),
    ] {
        let with_status = issue_with_status(&example_key(), &typical(), issue_date(), StatusRef::new(idx)).unwrap();
        let report = verify(&with_status.token, &trust, at);
        assert_eq!(report.status, status, "index {idx}");
        assert_eq!(
            report.check(cachet::CheckName::Revocation).and_then(|c| c.code).map(cachet::Code::as_str),
            code,
            "index {idx}"
        );
    }

    // A certificate signed by the list's revoked key (Versailles) is revoked.
    let versailles = SecretKey::from_seed(&[0x43; 32]);
    let by_revoked_key = issue(&versailles, &reference(), issue_date()).unwrap();
    let report = verify(&by_revoked_key.token, &trust, parse_rfc3339("2025-09-30T12:00:00Z").unwrap());
    assert_eq!(report.status, Status::Revoked);
}

/// The trust list of TRUST.md's example, signed by its root: it holds the
/// example key.
fn example_trust() -> TrustList {
    let root = SecretKey::from_seed(&[0x01; 32]);
    TrustList::load(fenced(section(TRUST_MD, "example:signed")).as_bytes(), &[root.public_key().clone()], None).unwrap()
}

#[test]
fn the_prefixes_the_token_section_names_decode_as_it_says() {
    use cachet::text::TextError;
    let body = &issued(&typical()).token[text::PREFIX.len()..];
    let version = |n| Err(TextError::UnsupportedVersion(n));
    for (prefix, expected) in [
        ("CC0:", version(0)),
        ("CC2:", version(2)),
        ("CC9999:", version(9999)),
        ("CC:", Err(TextError::BadPrefix)),
        ("CC00:", Err(TextError::BadPrefix)),
        ("CC01:", Err(TextError::BadPrefix)),
        ("CC10000:", Err(TextError::BadPrefix)),
        ("cc1:", Err(TextError::BadPrefix)),
        ("HC1:", Err(TextError::BadPrefix)),
    ] {
        assert!(says(FORMAT_MD, &format!("`{prefix}`")), "FORMAT.md does not name {prefix}");
        assert_eq!(text::decode(&format!("{prefix}{body}")), expected, "{prefix}");
    }
    assert!(text::decode(&format!("CC1:{body}")).is_ok());
    for (e, verdict) in [(TextError::BadPrefix, "malformed"), (TextError::UnsupportedVersion(0), "unsupported-version")]
    {
        assert!(FORMAT_MD
            .lines()
            .any(|l| l.starts_with(&format!("| `{}` |", e.code())) && l.ends_with(&format!("| `{verdict}` |"))));
    }
}

#[test]
fn every_error_code_of_the_bytes_is_documented() {
    use cachet::certificate::ClaimsError;
    use cachet::envelope::EnvelopeError;
    use cachet::text::TextError;
    use cachet::CborError;
    let cbor = [
        CborError::Truncated,
        CborError::UnexpectedType,
        CborError::NonCanonical,
        CborError::KeyOrder,
        CborError::InvalidUtf8,
        CborError::OutOfRange,
        CborError::TrailingBytes,
    ];
    let text = [
        TextError::TooLarge,
        TextError::Empty,
        TextError::NoFragment,
        TextError::BadPrefix,
        TextError::UnsupportedVersion(2),
        TextError::Base64,
    ];
    let envelope = [EnvelopeError::Header, EnvelopeError::Algorithm, EnvelopeError::KeyId, EnvelopeError::Unprotected];
    let claims = [
        ClaimsError::Missing("iss"),
        ClaimsError::UnknownKey(2),
        ClaimsError::Invalid("iat"),
        ClaimsError::UnknownKind(2),
    ];
    let codes = cbor
        .map(CborError::code)
        .into_iter()
        .chain(text.map(TextError::code))
        .chain(envelope.map(EnvelopeError::code))
        .chain(claims.map(ClaimsError::code));
    for code in codes {
        assert!(FORMAT_MD.contains(&format!("`{code}`")), "FORMAT.md does not document `{code}`");
    }
    // Each CBOR error is named where the deterministic encoding is described.
    let start = FORMAT_MD.find("### Deterministic CBOR").unwrap();
    let rules = &FORMAT_MD[start..start + FORMAT_MD[start..].find("\n### ").unwrap()];
    for e in cbor {
        assert!(rules.contains(&format!("`{}`", e.code())), "\"Deterministic CBOR\" does not name `{}`", e.code());
    }
}

#[test]
fn the_claims_are_decoded_before_the_signature_is_checked() {
    use cachet::{CheckName, Outcome};
    assert!(says(FORMAT_MD, "decodes every layer, the claims included, before it checks the signature"));
    // A signed payload whose `iat` is negative (a real Paris midnight in
    // 1960): malformed for its type, whether or not the signature verifies.
    let mut cert = issued(&typical()).certificate;
    cert.issued_on = Date::parse("1960-09-15").unwrap();
    let cose = envelope::seal(&example_key(), &cachet::certificate::encode_claims(&cert));
    let mut forged = cose.clone();
    *forged.last_mut().unwrap() ^= 1;
    let at = parse_rfc3339("2025-09-30T12:00:00Z").unwrap();
    for bytes in [cose, forged] {
        let report = verify(&text::encode_token(&bytes), &example_trust(), at);
        assert_eq!(report.status, Status::Malformed);
        let decoding = report.check(CheckName::Decoding).unwrap();
        assert_eq!(
            (decoding.outcome, decoding.code.map(cachet::Code::as_str)),
            (Outcome::Fail, Some("cbor-unexpected-type"))
        );
        assert_eq!(report.check(CheckName::Signature).map(|c| c.outcome), Some(Outcome::NotRun));
        assert!(report.certificate.is_none());
    }
}

/// The example status key of TRUST.md's list.
fn example_status_key() -> SecretKey {
    SecretKey::from_seed(&[0x05; 32])
}

/// A status document of the example key (FORMAT.md's examples).
fn example_status_document(kind: cachet::status_doc::Kind, sequence: u64, day: u32, sets: [&[u32]; 2]) -> String {
    use cachet::status_doc::{sign_status, KeyEntry, Kind, StatusBody};
    use cachet::status_list::RevokedSet;
    let code = |v: &[u32]| (!v.is_empty()).then(|| RevokedSet::from_sorted(v, DEFAULT_CAPACITY).unwrap().encode());
    let entry = match kind {
        Kind::Full => KeyEntry { revoked_indices: code(sets[0]), ..KeyEntry::default() },
        Kind::Delta => KeyEntry { added: code(sets[0]), removed: code(sets[1]), ..KeyEntry::default() },
    };
    let body = StatusBody {
        kind,
        sequence,
        base: (kind == Kind::Delta).then(|| sequence - 1),
        scope: None,
        issued_at: format!("2025-09-{day:02}T05:00:00Z"),
        expires: format!("2025-09-{:02}T05:00:00Z", day + 2),
        keys: vec![KeyEntry { key_id: example_key().key_id().to_string(), ..entry }],
    };
    sign_status(&example_status_key(), &body)
}

#[test]
fn the_status_document_examples_are_signed_by_the_lists_status_key_and_apply() {
    use cachet::status_doc::{Kind, StatusDocument, StatusState};
    let status_key = example_status_key();
    let entry = format!(
        "\"status_key\": {{\n    \"key_id\": \"{}\",\n    \"public_key\": \"{}\",\n    \"expires\": \"2025-10-15T06:00:00Z\"\n  }}",
        status_key.key_id(),
        status_key.public_key().to_base64()
    );
    assert!(
        fenced(section(TRUST_MD, "example:list")).contains(&entry),
        "TRUST.md's list names the status key:\n{entry}"
    );
    let full = example_status_document(Kind::Full, 1, 15, [&[12, 345_678], &[]]);
    let delta = example_status_document(Kind::Delta, 2, 16, [&[777], &[12]]);
    assert_eq!(fenced(section(FORMAT_MD, "example:status-full")), full, "FORMAT.md's full status document");
    assert_eq!(fenced(section(FORMAT_MD, "example:status-delta")), delta, "FORMAT.md's delta");

    let mut trust = example_trust();
    let now = parse_rfc3339("2025-09-16T12:00:00Z").unwrap();
    let full = StatusDocument::load(full.as_bytes(), &trust, now).unwrap();
    let delta = StatusDocument::load(delta.as_bytes(), &trust, now).unwrap();
    let state = StatusState::apply(Some(&StatusState::apply(None, &full).unwrap()), &delta).unwrap();
    assert_eq!(state.sets()[&example_key().key_id()].iter().collect::<Vec<_>>(), [777, 345_678]);
    trust.set_status(Some(state));
    for (idx, status) in
        [(777, Status::Revoked), (12, Status::Valid), (345_678, Status::Revoked), (4242, Status::Revoked)]
    {
        let with_status = issue_with_status(&example_key(), &typical(), issue_date(), StatusRef::new(idx)).unwrap();
        assert_eq!(verify(&with_status.token, &trust, now).status, status, "index {idx}");
    }
    // Every refusal of a status document is documented in TRUST.md and FORMAT.md.
    use cachet::status_doc::{EntryProblem, StatusError as E};
    let entries = EntryProblem::ALL.map(|problem| E::Entry { at: String::new(), problem });
    for e in [
        E::TooLarge,
        E::Json(String::new()),
        E::Format(String::new()),
        E::NoStatusKey,
        E::WrongKey,
        E::Signature,
        E::KeyExpired,
        E::Expired,
        E::Rollback { held: 2, got: 1 },
        E::WrongBase { held: None, base: 1 },
    ]
    .into_iter()
    .chain(entries)
    {
        assert!(TRUST_MD.contains(&format!("`{}`", e.code())), "TRUST.md does not document `{}`", e.code());
        assert!(FORMAT_MD.contains(&format!("`{}`", e.code())), "FORMAT.md does not document `{}`", e.code());
    }
    assert!(TRUST_MD.contains("`status-indices`") && FORMAT_MD.contains("`status-indices`"));
}
