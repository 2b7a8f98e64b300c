//! The PDF certificates are PDF/A-2u (ISO 19005-2, level U) and PDF/UA-1
//! (ISO 14289-1) files, as their XMP says: checked by a validator, page
//! (`page_validation`, the Rust crate of the `page-validation` checker on
//! PyPI, which passes veraPDF's test corpus), on what `cachet issue` writes:
//! one certificate, and a batch whose rows use every character of
//! WinAnsiEncoding, characters outside it, and long names that wrap.
//!
//! Every stream of 512 issued files ends its data before
//! `\nendstream` with a byte other than CR (a CR there reads as half of an
//! end-of-line marker, and `/Length` is then one byte too long, ISO 19005-2
//! 6.1.7.1); the files among them whose font program had to be changed for
//! this (`Face::subset_shifted`) are validated too.
//!
//! Two controls show the validator is not blind to what we claim: the same
//! file with its PDF/A part changed in the XMP, or its fonts' programs
//! unlinked, is refused.
#![cfg(feature = "pdf")]

mod common;

use common::*;
use flate2::read::ZlibDecoder;
use page_validation::{validate_pdf_bytes, ValidationOptions, ValidationProfile};
use std::io::Read;

/// The failures of `pdf` against `profile`, one line each; empty when it conforms.
fn failures(pdf: &[u8], profile: ValidationProfile) -> Vec<String> {
    let options = ValidationOptions::default().profile(profile);
    let report = validate_pdf_bytes(pdf, &options).unwrap_or_else(|e| panic!("{profile}: not validated: {e}"));
    let failures: Vec<String> = report.failures.iter().map(|f| f.to_string()).collect();
    assert_eq!(report.is_compliant, failures.is_empty(), "{profile}: {failures:?}");
    failures
}

fn assert_conforms(name: &str, pdf: &[u8]) {
    for profile in [ValidationProfile::PdfA2u, ValidationProfile::PdfUa1] {
        let failures = failures(pdf, profile);
        assert!(failures.is_empty(), "{name} is not {profile}:\n{}", failures.join("\n"));
    }
}

/// `pdf` with `from` replaced by `to` (same length, so the offsets hold).
fn replaced(pdf: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    assert_eq!(from.len(), to.len());
    let mut out = pdf.to_vec();
    let mut count = 0;
    let mut at = 0;
    while let Some(p) = out[at..].windows(from.len()).position(|w| w == from) {
        out[at + p..at + p + from.len()].copy_from_slice(to);
        at += p + from.len();
        count += 1;
    }
    assert!(count > 0, "{} not found", String::from_utf8_lossy(from));
    out
}

#[test]
fn an_issued_certificate_is_pdf_a_2u_and_pdf_ua_1() {
    let env = Env::new();
    env.setup();
    env.write("cert.json", CERT_JSON);
    env.ok(&[
        "issue",
        "--key",
        "issuer",
        "--input",
        "cert.json",
        "--url",
        "https://verifier.cachet.fr/",
        "--pdf",
        "c.pdf",
    ]);
    let pdf = std::fs::read(env.path("c.pdf")).unwrap();
    assert_conforms("c.pdf", &pdf);

    // Controls: what the validator says of the same file made wrong in two ways.
    let other_part = replaced(&pdf, b"<pdfaid:part>2</pdfaid:part>", b"<pdfaid:part>3</pdfaid:part>");
    assert!(!failures(&other_part, ValidationProfile::PdfA2u).is_empty(), "a PDF/A-3 claim passed as PDF/A-2u");
    let fonts_unlinked = replaced(&pdf, b"/FontFile2", b"/FontFileX");
    let found = failures(&fonts_unlinked, ValidationProfile::PdfA2u);
    assert!(
        found.iter().any(|f| f.contains("font program is not embedded")),
        "fonts without programs passed: {found:?}"
    );
}

#[test]
fn a_batch_with_every_winansi_character_is_pdf_a_2u() {
    let env = Env::new();
    env.setup();
    // Every letter and sign of WinAnsiEncoding (0x20-0x7E, 0xA0-0xFF and the 27 of 0x80-0x9F; not the soft
    // hyphen, which no field may hold, nor the spaces, which a field collapses) as school names of at most 80
    // characters; characters outside it (printed as `?`); and a name long enough to wrap.
    let winansi: Vec<char> = (0x21u32..=0x7E)
        .chain(0xA1..=0xFF)
        .filter(|&c| c != 0xAD)
        .filter_map(char::from_u32)
        .chain("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ".chars())
        .collect();
    assert_eq!(winansi.len(), 218 - 3, "all but the spaces (which a field collapses) and the soft hyphen");
    let mut schools: Vec<String> = winansi.chunks(80).map(|c| c.iter().collect()).collect();
    schools.push("École ł Ω ☃ Łódź".to_owned());
    schools
        .push("Établissement régional d'enseignement adapté Jean-Baptiste-Poquelin-dit-Molière, Liancourt".to_owned());
    let mut csv = String::from(
        "family_name,given_names,birth_date,school_uai,school_name,school_town,academie,school_year,level,issued_on\n",
    );
    for (i, school) in schools.iter().enumerate() {
        let school = school.replace('"', "\"\"");
        csv.push_str(&format!(
            "Lefèvre-Œuvray,Zoé Ægidia,2013-04-1{i},0750654D,\"{school}\",Saint-Étienne-du-Rouvray,Normandie,2025-2026,6e,2025-09-15\n"
        ));
    }
    env.write("pupils.csv", &csv);
    let out = env.run(&["issue", "--key", "issuer", "--csv", "pupils.csv", "--out", "out.jsonl", "--pdf-dir", "pdfs"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut names: Vec<_> = std::fs::read_dir(env.path("pdfs")).unwrap().map(|e| e.unwrap().path()).collect();
    names.sort();
    assert_eq!(names.len(), schools.len());
    for path in &names {
        assert_conforms(&path.display().to_string(), &std::fs::read(path).unwrap());
    }
}

/// Each stream of `pdf`: its object's dictionary and its data, `/Length` bytes, which `\nendstream` must follow.
fn streams(pdf: &[u8]) -> Vec<(String, &[u8])> {
    let find =
        |needle: &[u8], from: usize| pdf[from..].windows(needle.len()).position(|w| w == needle).map(|p| p + from);
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(keyword) = find(b">>\nstream\n", at) {
        let object = pdf[..keyword].windows(4).rposition(|w| w == b" obj").unwrap();
        let dict = String::from_utf8_lossy(&pdf[object..keyword]).into_owned();
        let length = dict.split("/Length ").nth(1).unwrap_or_else(|| panic!("no /Length in {dict}"));
        let length: usize = length.split(|c: char| !c.is_ascii_digit()).next().unwrap().parse().unwrap();
        let start = keyword + b">>\nstream\n".len();
        assert!(pdf[start + length..].starts_with(b"\nendstream"), "/Length {length} of {dict}");
        out.push((dict, &pdf[start..start + length]));
        at = start + length;
    }
    out
}

/// The Type 1 memory hints of a TrueType font program's `post` table (`minMemType1`, `maxMemType1`).
fn memory_hints_type1(font: &[u8]) -> (u32, u32) {
    let u32_at = |at: usize| u32::from_be_bytes(font[at..at + 4].try_into().unwrap());
    let count = usize::from(u16::from_be_bytes([font[4], font[5]]));
    let entry = (0..count).map(|i| 12 + 16 * i).find(|&at| &font[at..at + 4] == b"post").unwrap();
    let post = u32_at(entry + 8) as usize;
    (u32_at(post + 24), u32_at(post + 28))
}

#[test]
fn no_stream_of_512_certificates_ends_with_a_cr() {
    let env = Env::new();
    env.setup();
    // 512 school names, each with its own choice of nine signs that nothing else on the page shows: 512 sets of
    // glyphs for the regular face, whose font programs' zlib forms would end with a CR twice with these fonts (rows 22 and 128). The
    // serials are given: one derived from the (random) key would put other glyphs on the page at each run.
    let signs: Vec<char> = "¡¢£¤¥¦§¨©".chars().collect();
    let mut csv = String::from(
        "family_name,given_names,birth_date,school_uai,school_name,school_town,academie,school_year,level,issued_on,serial\n",
    );
    for bits in 0..1u32 << signs.len() {
        let chosen: String = signs.iter().enumerate().filter(|(i, _)| (bits >> i) & 1 == 1).map(|(_, c)| c).collect();
        csv.push_str(&format!(
            "Martin,Léa,2013-04-12,0750654D,Lycée {chosen},Paris,Paris,2025-2026,2de,2025-09-15,2025-{bits:06}\n"
        ));
    }
    env.write("pupils.csv", &csv);
    let out = env.run(&["issue", "--key", "issuer", "--csv", "pupils.csv", "--out", "out.jsonl", "--pdf-dir", "pdfs"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut paths: Vec<_> = std::fs::read_dir(env.path("pdfs")).unwrap().map(|e| e.unwrap().path()).collect();
    paths.sort();
    assert_eq!(paths.len(), 1 << signs.len());
    let mut shifted = Vec::new();
    for path in &paths {
        let pdf = std::fs::read(path).unwrap();
        let streams = streams(&pdf);
        // The page, two font programs, the ToUnicode map, the ICC profile and the XMP packet.
        assert_eq!(streams.len(), 6, "{}", path.display());
        for (dict, data) in &streams {
            assert_ne!(data.last(), Some(&b'\r'), "{}: the stream of {dict} ends with a CR", path.display());
            if dict.contains("/Length1 ") {
                let mut font = Vec::new();
                ZlibDecoder::new(*data).read_to_end(&mut font).unwrap();
                match memory_hints_type1(&font) {
                    (0, 0) => {}
                    (1, 0xFFFF_FFFF) => shifted.push(path.clone()),
                    other => panic!("{}: memory hints {other:?}", path.display()),
                }
            }
        }
    }
    // The case this is about did happen (the same font programs at every run), and those files conform.
    assert!(!shifted.is_empty(), "no font program needed to be changed in {} files", paths.len());
    for path in &shifted {
        assert_conforms(&path.display().to_string(), &std::fs::read(path).unwrap());
    }
}
