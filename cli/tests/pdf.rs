//! PDF certificates: `cachet issue --pdf` and `--pdf-dir`, and PDF inputs of
//! `cachet verify` and `cachet scan`: the issuer's PDF, the same page
//! printed and scanned back into an image-only PDF, a PDF whose visible text
//! was edited, a damaged file and a PDF without a certificate.
//!
//! The "print and scan" is done here, without a PDF tool: the page's
//! content stream is rasterised (its filled rectangles, which is the QR
//! code; the text is not drawn) at 150 dpi, turned 1.5°, laid on grey paper
//! with noise, saved as JPEG (or as zlib grey pixels), and wrapped into a
//! one-page PDF whose only content is that image.
#![cfg(feature = "pdf")]

mod common;

use common::*;
use flate2::read::ZlibDecoder;
use flate2::write::ZlibEncoder;
use std::io::{Read, Write};

/// Keys, a signed list, and CERT_JSON issued as cert.pdf; gives the printed text.
fn issued_pdf(env: &Env) -> String {
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
        "cert.pdf",
    ])
    .trim()
    .to_owned()
}

/// The first FlateDecode stream after `/Filter /FlateDecode` (the page content), with its byte range.
fn content_stream(pdf: &[u8]) -> (Vec<u8>, std::ops::Range<usize>, std::ops::Range<usize>) {
    let find =
        |needle: &[u8], from: usize| pdf[from..].windows(needle.len()).position(|w| w == needle).map(|p| p + from);
    let filter = find(b"/Filter /FlateDecode", 0).unwrap();
    let dict_start = pdf[..filter].windows(2).rposition(|w| w == b"<<").unwrap();
    let start = find(b"stream\n", filter).unwrap() + 7;
    let end = find(b"endstream", start).unwrap();
    let mut out = Vec::new();
    ZlibDecoder::new(&pdf[start..end]).read_to_end(&mut out).unwrap();
    (out, dict_start..start, start..end)
}

/// The page (A4) at `dpi`: its filled rectangles in their grey level, the rest white.
fn rasterise(pdf: &[u8], dpi: f32) -> image::GrayImage {
    let (content, _, _) = content_stream(pdf);
    let scale = dpi / 72.0;
    let (w, h) = ((595.28 * scale) as u32, (841.89 * scale) as u32);
    let mut img = image::GrayImage::from_pixel(w, h, image::Luma([255]));
    let (mut stack, mut rects, mut fill) = (Vec::<f32>::new(), Vec::<[f32; 4]>::new(), 0u8);
    // The current transformation: scale and translation (the page uses no rotation).
    let mut ctm = [1.0f32, 1.0, 0.0, 0.0];
    let mut in_text = false;
    for token in String::from_utf8_lossy(&content).split_ascii_whitespace() {
        match token {
            "BT" => in_text = true,
            "ET" => in_text = false,
            _ if in_text => {}
            "rg" => {
                let n = stack.len();
                fill = (stack[n - 3..].iter().sum::<f32>() / 3.0 * 255.0) as u8;
                stack.clear();
            }
            "q" | "Q" => ctm = [1.0, 1.0, 0.0, 0.0],
            "cm" => {
                let n = stack.len();
                let [a, d, e, f] = [stack[n - 6], stack[n - 3], stack[n - 2], stack[n - 1]];
                ctm = [ctm[0] * a, ctm[1] * d, ctm[0] * e + ctm[2], ctm[1] * f + ctm[3]];
                stack.clear();
            }
            "re" => {
                let n = stack.len();
                let [x, y, rw, rh] = [stack[n - 4], stack[n - 3], stack[n - 2], stack[n - 1]];
                rects.push([ctm[0] * x + ctm[2], ctm[1] * y + ctm[3], ctm[0] * rw, ctm[1] * rh]);
                stack.clear();
            }
            "f" => {
                for [x, y, rw, rh] in rects.drain(..) {
                    let (x0, x1) = ((x * scale).round() as u32, ((x + rw) * scale).round() as u32);
                    let (y0, y1) = (((841.89 - y - rh) * scale).round() as u32, ((841.89 - y) * scale).round() as u32);
                    for py in y0..y1.min(h) {
                        for px in x0..x1.min(w) {
                            img.put_pixel(px, py, image::Luma([fill]));
                        }
                    }
                }
            }
            t => match t.parse::<f32>() {
                Ok(v) => stack.push(v),
                Err(_) => stack.clear(),
            },
        }
    }
    img
}

/// What a scanner gives of a printed page: turned by `degrees`, ink at 40 on paper at 225, with noise.
fn scanned(page: &image::GrayImage, degrees: f32) -> image::GrayImage {
    let (w, h) = page.dimensions();
    let (sin, cos) = degrees.to_radians().sin_cos();
    let (cx, cy) = (w as f32 / 2.0, h as f32 / 2.0);
    let mut seed = 0x2545_f491_u32;
    image::GrayImage::from_fn(w, h, |x, y| {
        let (dx, dy) = (x as f32 - cx, y as f32 - cy);
        let (sx, sy) = (cos * dx + sin * dy + cx, -sin * dx + cos * dy + cy);
        let v = if sx >= 0.0 && sy >= 0.0 && (sx as u32) < w && (sy as u32) < h {
            page.get_pixel(sx as u32, sy as u32).0[0]
        } else {
            255
        };
        seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        let noise = (seed >> 24) as i32 % 25 - 12;
        let level = 40 + (i32::from(v) * (225 - 40)) / 255 + noise;
        image::Luma([level.clamp(0, 255) as u8])
    })
}

/// A one-page A4 PDF showing `image` full page: JPEG (DCTDecode) or zlib grey pixels (FlateDecode).
fn image_only_pdf(image: &image::GrayImage, jpeg: bool) -> Vec<u8> {
    let (w, h) = image.dimensions();
    let (filter, data) = if jpeg {
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 70).encode_image(image).unwrap();
        ("DCTDecode", out)
    } else {
        let mut z = ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(image.as_raw()).unwrap();
        ("FlateDecode", z.finish().unwrap())
    };
    let content = b"q 595.28 0 0 841.89 0 0 cm /Im0 Do Q".to_vec();
    let objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89] /Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>".to_vec(),
        [format!("<< /Type /XObject /Subtype /Image /Width {w} /Height {h} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /{filter} /Length {} >>\nstream\n", data.len()).into_bytes(), data, b"\nendstream".to_vec()].concat(),
        [format!("<< /Length {} >>\nstream\n", content.len()).into_bytes(), content, b"\nendstream".to_vec()].concat(),
    ];
    let mut pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        pdf.extend_from_slice(body);
        pdf.extend_from_slice(b"\nendobj\n");
    }
    let xref = pdf.len();
    pdf.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        pdf.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes(),
    );
    pdf
}

fn field(report: &serde_json::Value, name: &str) -> String {
    report["certificate"][name].as_str().unwrap_or_default().to_owned()
}

#[test]
fn the_issuers_pdf_verifies_from_its_metadata_and_scan_prints_its_text() {
    let env = Env::new();
    let text = issued_pdf(&env);
    let pdf = std::fs::read(env.path("cert.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF-1.7"));
    let (code, reports) = env.verify_json(DURING_YEAR, &["cert.pdf"]);
    assert_eq!(code, 0, "{reports:?}");
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0]["status"], "valid");
    assert_eq!(reports[0]["source"], "cert.pdf");
    assert_eq!(field(&reports[0], "family_name"), "Martin");
    assert_eq!(field(&reports[0], "given_names"), "Léa");
    assert_eq!(env.ok(&["scan", "cert.pdf"]), format!("{text}\n"));
}

#[test]
fn the_page_printed_and_scanned_into_an_image_only_pdf_verifies_from_its_qr_code() {
    let env = Env::new();
    let text = issued_pdf(&env);
    let page = rasterise(&std::fs::read(env.path("cert.pdf")).unwrap(), 150.0);
    let paper = scanned(&page, 1.5);
    for (name, jpeg) in [("scan-jpeg.pdf", true), ("scan-flate.pdf", false)] {
        let pdf = image_only_pdf(&paper, jpeg);
        assert!(!pdf.windows(6).any(|w| w == b"CC1:0o"), "no text in the scan");
        std::fs::write(env.path(name), &pdf).unwrap();
        let (code, reports) = env.verify_json(DURING_YEAR, &[name]);
        assert_eq!(code, 0, "{name}: {reports:?}");
        assert_eq!(reports[0]["status"], "valid");
        assert_eq!(field(&reports[0], "family_name"), "Martin");
        assert_eq!(env.ok(&["scan", name]), format!("{text}\n"));
    }
}

#[test]
fn a_pdf_whose_visible_name_was_edited_shows_the_signed_name() {
    let env = Env::new();
    issued_pdf(&env);
    let pdf = std::fs::read(env.path("cert.pdf")).unwrap();
    let (content, dict, data) = content_stream(&pdf);
    // "Léa MARTIN" in WinAnsiEncoding, written as a hex string, as the page shows it.
    let shown = b"4C E9 61 20 4D 41 52 54 49 4E".split(|&c| c == b' ').collect::<Vec<_>>().concat();
    let at = content.windows(shown.len()).position(|w| w == shown).expect("the name is on the page");
    // "Zoé DUPONT".
    let replacement = b"5A 6F E9 20 44 55 50 4F 4E 54".split(|&c| c == b' ').collect::<Vec<_>>().concat();
    let edited_content = [&content[..at], &replacement, &content[at + shown.len()..]].concat();
    // Written back uncompressed, as an editor may.
    let edited = [
        &pdf[..dict.start],
        format!("<< /Length {} >>\nstream\n", edited_content.len()).as_bytes(),
        &edited_content,
        &pdf[data.end..],
    ]
    .concat();
    std::fs::write(env.path("edited.pdf"), &edited).unwrap();
    let (code, reports) = env.verify_json(DURING_YEAR, &["edited.pdf"]);
    assert_eq!(code, 0);
    assert_eq!(reports[0]["status"], "valid");
    assert_eq!(field(&reports[0], "family_name"), "Martin");
    assert_eq!(field(&reports[0], "given_names"), "Léa");
    let human = env.ok(&["verify", "--trust", "signed.json", "--root", "root.pub", "--at", DURING_YEAR, "edited.pdf"]);
    assert!(human.contains("Martin") && !human.contains("DUPONT") && !human.contains("Zoé"), "{human}");
}

#[test]
fn a_damaged_pdf_is_refused_with_pdf_unreadable() {
    let env = Env::new();
    issued_pdf(&env);
    std::fs::write(env.path("garbage.pdf"), b"this is not a PDF at all").unwrap();
    std::fs::write(env.path("empty.pdf"), b"%PDF-1.7\n%%EOF\n").unwrap();
    let pdf = std::fs::read(env.path("cert.pdf")).unwrap();
    // The header and the first bytes of the first object only.
    std::fs::write(env.path("cut.pdf"), &pdf[..20]).unwrap();
    for name in ["garbage.pdf", "empty.pdf", "cut.pdf"] {
        let out = env.run(&["verify", "--trust", "signed.json", "--root", "root.pub", name]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert!(stderr(&out).contains("[pdf-unreadable]"), "{name}: {}", stderr(&out));
        let out = env.run(&["scan", name]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert!(stderr(&out).contains("[pdf-unreadable]"), "{name}: {}", stderr(&out));
    }
}

#[test]
fn a_pdf_without_a_certificate_says_so() {
    let env = Env::new();
    env.setup();
    let blank = scanned(&image::GrayImage::from_pixel(1240, 1754, image::Luma([255])), 0.0);
    std::fs::write(env.path("blank.pdf"), image_only_pdf(&blank, true)).unwrap();
    let (code, reports) = env.verify_json(DURING_YEAR, &["blank.pdf"]);
    assert_eq!(code, 1);
    assert_eq!(reports[0]["status"], "malformed");
    let out = env.run(&["verify", "--trust", "signed.json", "--root", "root.pub", "blank.pdf"]);
    assert!(stderr(&out).contains("[pdf-no-certificate]"), "{}", stderr(&out));
    let out = env.run(&["scan", "blank.pdf"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("[pdf-no-certificate]"), "{}", stderr(&out));
}

#[test]
fn a_batch_writes_one_pdf_per_good_row_named_by_serial() {
    // A file per serial, the serial as it is (S.2 and S_2 stay apart); a leading dot gets a `+` (no hidden file).
    let env = Env::new();
    env.setup();
    env.write(
        "pupils.csv",
        "family_name,given_names,birth_date,school_uai,school_name,school_town,academie,school_year,level,serial,issued_on\n\
         Martin,Léa,2013-04-12,0750654D,Collège Victor Hugo,Paris,Paris,2025-2026,6e,S-1,2025-09-15\n\
         Bernard,Noé,2012-02-01,0750654D,Collège Victor Hugo,Paris,Paris,2025-2026,5e,S.2,2025-09-15\n\
         Durand,Léo,2012-03-01,0750654D,Collège Victor Hugo,Paris,Paris,2025-2026,5e,S_2,2025-09-15\n\
         Moreau,Ana,2012-05-01,0750654D,Collège Victor Hugo,Paris,Paris,2025-2026,5e,..,2025-09-15\n\
         Petit,Zoé,not-a-date,0750654D,Collège Victor Hugo,Paris,Paris,2025-2026,5e,S-3,2025-09-15\n",
    );
    let out = env.run(&["issue", "--key", "issuer", "--csv", "pupils.csv", "--out", "out.jsonl", "--pdf-dir", "pdfs"]);
    assert_eq!(out.status.code(), Some(1), "one bad row");
    let mut names: Vec<String> =
        std::fs::read_dir(env.path("pdfs")).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    assert_eq!(names, ["+...pdf", "S-1.pdf", "S.2.pdf", "S_2.pdf"]);
    let (code, reports) =
        env.verify_json(DURING_YEAR, &["pdfs/S-1.pdf", "pdfs/S.2.pdf", "pdfs/S_2.pdf", "pdfs/+...pdf"]);
    assert_eq!(code, 0);
    assert_eq!(field(&reports[0], "family_name"), "Martin");
    assert_eq!(field(&reports[1], "family_name"), "Bernard");
    assert_eq!(reports[1]["certificate"]["serial"], "S.2");
    assert_eq!(field(&reports[2], "family_name"), "Durand");
    assert_eq!(reports[2]["certificate"]["serial"], "S_2");
    assert_eq!(reports[3]["certificate"]["serial"], "..");
}
