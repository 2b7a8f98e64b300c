//! `cachet scan` and image inputs of `cachet verify`, run for real on the
//! QR codes `cachet issue --qr` writes and on real photographs.

mod common;

use common::*;
use std::path::{Path, PathBuf};

/// zxing-cpp's sample photographs, part of the repository (tests/data/README.md).
const PHOTOS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/data/qr-photos/qrcode-1");

/// Keys, a signed list, and a certificate issued with its QR code in qr.png; gives the token.
fn issued_with_qr(env: &Env) -> String {
    env.setup();
    env.write("cert.json", CERT_JSON);
    env.ok(&["issue", "--key", "issuer", "--input", "cert.json", "--qr", "qr.png"]).trim().to_owned()
}

/// qr.png re-encoded as `name` in `format`.
fn convert(env: &Env, name: &str, format: image::ImageFormat) {
    let img = image::open(env.path("qr.png")).unwrap();
    let img = match format {
        // JPEG has no alpha and no 16-bit: 8-bit RGB, at the encoder's default quality.
        image::ImageFormat::Jpeg => image::DynamicImage::ImageRgb8(img.to_rgb8()),
        _ => img,
    };
    img.save_with_format(env.path(name), format).unwrap();
}

/// A white PNG with nothing on it.
fn blank_png(env: &Env, name: &str) {
    image::GrayImage::from_pixel(400, 300, image::Luma([255])).save(env.path(name)).unwrap();
}

#[test]
fn scan_prints_exactly_the_token_of_an_issued_qr_code_in_png_jpeg_and_webp() {
    let env = Env::new();
    let token = issued_with_qr(&env);
    assert_eq!(env.ok(&["scan", "qr.png"]), format!("{token}\n"));

    convert(&env, "qr.jpg", image::ImageFormat::Jpeg);
    convert(&env, "qr.webp", image::ImageFormat::WebP);
    assert!(std::fs::read(env.path("qr.jpg")).unwrap().starts_with(b"\xff\xd8\xff"));
    assert!(std::fs::read(env.path("qr.webp")).unwrap().starts_with(b"RIFF"));
    assert_eq!(env.ok(&["scan", "qr.jpg", "qr.webp"]), format!("{token}\n{token}\n"));
    // The format is told by the content, not the name.
    std::fs::copy(env.path("qr.jpg"), env.path("photo.png")).unwrap();
    assert_eq!(env.ok(&["scan", "photo.png"]), format!("{token}\n"));

    let lines = json_lines(&env.ok(&["scan", "--json", "qr.png", "qr.jpg"]));
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0], serde_json::json!({"image": "qr.png", "texts": [token]}));
    assert_eq!(lines[1], serde_json::json!({"image": "qr.jpg", "texts": [token]}));
}

#[test]
fn the_svg_code_that_issue_writes_is_read_back_by_scan_and_verify() {
    let env = Env::new();
    env.setup();
    env.write("cert.json", CERT_JSON);
    let token = env.ok(&["issue", "--key", "issuer", "--input", "cert.json", "--qr", "qr.svg"]).trim().to_owned();
    assert!(env.read("qr.svg").contains("<svg"));
    assert_eq!(env.ok(&["scan", "qr.svg"]), format!("{token}\n"));
    let out =
        env.run(&["verify", "--json", "--trust", "signed.json", "--root", "root.pub", "--at", DURING_YEAR, "qr.svg"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json_lines(&stdout(&out))[0]["status"], "valid");
}

#[test]
fn scan_exits_1_for_an_image_without_a_code_and_2_for_a_file_that_is_not_an_image() {
    let env = Env::new();
    let token = issued_with_qr(&env);
    blank_png(&env, "blank.png");

    let out = env.run(&["scan", "blank.png"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert_eq!(stderr(&out), "cachet: blank.png : aucun code QR lisible dans l'image [no-qr-code]\n");
    // The other images are still read; with --json the empty one is listed with no text.
    let out = env.run(&["scan", "--json", "blank.png", "qr.png"]);
    assert_eq!(out.status.code(), Some(1));
    let lines = json_lines(&stdout(&out));
    assert_eq!(lines[0], serde_json::json!({"image": "blank.png", "texts": []}));
    assert_eq!(lines[1]["texts"][0], token.as_str());

    env.write("fake.png", "CC1:not an image\n");
    let out = env.cachet().env("LANG", "en_US.UTF-8").args(["scan", "fake.png", "qr.png"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr(&out), "cachet: fake.png: not a PNG, JPEG or WebP image, nor the SVG of a QR code written by cachet issue [image-unsupported]\n");
    assert_eq!(stdout(&out), format!("{token}\n"));
    // A PNG cut short: damaged.
    let png = std::fs::read(env.path("qr.png")).unwrap();
    std::fs::write(env.path("cut.png"), &png[..png.len() / 2]).unwrap();
    let out = env.run(&["scan", "cut.png"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cut.png : image illisible") && stderr(&out).contains("[image-decode]"));
    // A missing file, a blank image and a bad one: the worst exit code wins.
    let out = env.run(&["scan", "blank.png", "missing.png"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("[no-qr-code]") && stderr(&out).contains("[file-read]"), "{}", stderr(&out));
}

#[test]
fn verify_reads_the_codes_of_an_image_input() {
    let env = Env::new();
    let token = issued_with_qr(&env);
    let (code, reports) = env.verify_json(DURING_YEAR, &["qr.png"]);
    assert_eq!(code, 0);
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0]["status"], "valid");
    assert_eq!(reports[0]["source"], "qr.png");
    assert_eq!(reports[0]["certificate"]["family_name"], "Martin");

    // Texts and images mixed: one input per text, numbered in order; only images name a source.
    convert(&env, "QR.JPG", image::ImageFormat::Jpeg);
    blank_png(&env, "blank.png");
    let (code, reports) = env.verify_json(DURING_YEAR, &[&token, "QR.JPG", "blank.png", "CC1:AAAA"]);
    assert_eq!(code, 1);
    let seen: Vec<_> = reports
        .iter()
        .map(|r| (r["input_index"].as_u64().unwrap(), r["status"].as_str().unwrap(), r.get("source").cloned()))
        .collect();
    assert_eq!(
        seen,
        [
            (0, "valid", None),
            (1, "valid", Some("QR.JPG".into())),
            (2, "malformed", Some("blank.png".into())),
            (3, "malformed", None)
        ]
    );
    let decoding = reports[2]["checks"].as_array().unwrap().iter().find(|c| c["check"] == "decoding").unwrap();
    assert_eq!(decoding["outcome"], "fail");
    assert_eq!(decoding["code"], "no-qr-code");
    assert_eq!(reports[2]["trust_list"]["sequence"], reports[0]["trust_list"]["sequence"]);

    // For people: the image's name in the heading.
    let args = ["verify", "--trust", "signed.json", "--root", "root.pub", "--at", DURING_YEAR, "qr.png", "blank.png"];
    let out = env.run(&args);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.starts_with("── Entrée 1 : qr.png ──\n✓ Certificat valide\n"), "{text}");
    assert!(text.contains("── Entrée 2 : blank.png ──\n"), "{text}");
    assert!(text.contains("[no-qr-code]"), "{text}");
    assert!(stderr(&out).contains("blank.png : aucun code QR lisible dans l'image [no-qr-code]"), "{}", stderr(&out));

    // An image that cannot be read is a file error, as for the other files.
    env.write("fake.webp", "not an image");
    let out = env.run(&["verify", "--trust", "signed.json", "--root", "root.pub", "fake.webp"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("[image-unsupported]"), "{}", stderr(&out));
}

#[test]
fn scan_reads_real_photographs() {
    let dir = Path::new(PHOTOS);
    assert!(
        dir.is_dir(),
        "{} is missing: the photographs are part of the repository (tests/data/README.md)",
        dir.display()
    );
    let mut photos: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "webp" || e == "jpg" || e == "png"))
        .collect();
    photos.sort();
    assert!(!photos.is_empty(), "no photographs in {}", dir.display());
    let env = Env::new();
    for photo in &photos {
        let expected = std::fs::read_to_string(photo.with_extension("txt")).unwrap();
        let out = env.run(&["scan", "--json", photo.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0), "{}: {}", photo.display(), stderr(&out));
        let line = &json_lines(&stdout(&out))[0];
        assert_eq!(line["image"], photo.to_str().unwrap());
        assert_eq!(line["texts"], serde_json::json!([expected]), "{}", photo.display());
    }
}

/// A large, grainy photo of a printed code (3000 × 2250, heavy sensor
/// noise, modules of 30 pixels), drawn from a fixed seed. The reader finds
/// nothing in it at full size; scaled down to 1600 pixels, it reads.
fn grainy_photo(env: &Env, name: &str) {
    let qr = image::open(env.path("qr.png")).unwrap().to_luma8();
    let (w, h) = (3000u32, 2250u32);
    let scale = 2000.0 / qr.width() as f32;
    let mut seed = 1u32;
    let photo = image::RgbImage::from_fn(w, h, |x, y| {
        seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        let noise = (seed >> 24) as i32 - 128;
        let (u, v) = ((x as f32 - 200.0) / scale, (y as f32 - 100.0) / scale);
        let inside = u >= 0.0 && v >= 0.0 && (u as u32) < qr.width() && (v as u32) < qr.height();
        let paper = if inside { i32::from(qr.get_pixel(u as u32, v as u32).0[0]) } else { 255 };
        let level = (paper * 6 / 10 + 60 + noise * 3 / 4).clamp(0, 255) as u8;
        image::Rgb([level, level, level])
    });
    photo.save_with_format(env.path(name), image::ImageFormat::Jpeg).unwrap();
}

#[test]
fn scan_reads_a_large_grainy_photo() {
    let env = Env::new();
    let token = issued_with_qr(&env);
    grainy_photo(&env, "photo.jpg");
    assert_eq!(env.ok(&["scan", "photo.jpg"]), format!("{token}\n"));
}
