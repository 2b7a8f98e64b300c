//! Hostile input files (issue 10 §6), made by small generators here (none
//! is committed: a few are megabytes), each run through `cachet scan` and
//! `cachet verify` with its expected outcome: an exit code and the message's
//! code, never a crash. Each run is bounded, not timed: it runs under
//! `prlimit --as` (1 GiB of address space, four times the 256 MB goal; an
//! allocation past it aborts the process and fails the test) and fails only
//! past 60 s: the goal is 2 s for a release build on two cores, and this is
//! the debug build (zlib and the parser run about ten times slower: 128 MiB
//! inflated takes some 13 s) on a shared machine. The measured time, and the peak memory
//! where GNU time is installed, are printed (`--nocapture`);
//! `CACHET_HOSTILE_BIN=/abs/path/target/release/cachet` runs a release build instead.

mod common;

use common::*;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The address space a run may use.
const MAX_ADDRESS_SPACE: u64 = 1 << 30;
/// A run slower than this fails (far above the goal, even for a debug build: noisy machines never fail it).
const MAX_TIME: Duration = Duration::from_secs(60);

/// `cachet args…` in `env`, within the memory and time bounds; prints what it took.
fn bounded(env: &Env, label: &str, args: &[&str]) -> Output {
    // CACHET_HOSTILE_BIN=$PWD/target/release/cachet (an absolute path) measures the release build against the goal.
    let bin = std::env::var("CACHET_HOSTILE_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_cachet").to_owned());
    let time_file = env.path("time.txt");
    let gnu_time = Path::new("/usr/bin/time").exists();
    let mut cmd = if Path::new("/usr/bin/prlimit").exists() {
        let mut c = Command::new("/usr/bin/prlimit");
        c.arg(format!("--as={MAX_ADDRESS_SPACE}")).arg("--");
        c
    } else {
        eprintln!("prlimit not found: {label} runs without a memory bound");
        Command::new("env")
    };
    if gnu_time {
        cmd.args(["/usr/bin/time", "-f", "%M", "-o"]).arg(&time_file);
    }
    cmd.arg(bin).args(args).current_dir(env.dir.path()).env("LANG", "en_US.UTF-8");
    cmd.env("XDG_STATE_HOME", env.path(".state")).stdin(Stdio::null());
    let start = Instant::now();
    let out = cmd.output().unwrap();
    let took = start.elapsed();
    let memory = std::fs::read_to_string(&time_file).ok().and_then(|t| t.lines().last()?.trim().parse::<u64>().ok());
    let memory = memory.map_or(String::new(), |kb| format!(", {} MB peak", kb / 1024));
    println!("hostile: {label}: {:.2} s{memory}", took.as_secs_f64());
    assert!(took < MAX_TIME, "{label} took {took:?}");
    // Killed by a signal (an abort when the address space ran out): no exit code.
    assert!(out.status.code().is_some(), "{label} crashed: {:?}\n{}", out.status, stderr(&out));
    out
}

/// Runs `cachet scan FILE` and `cachet verify FILE` (against a real trust
/// list) on `name`; checks both exit codes and that both name `code`.
fn expect(env: &Env, name: &str, scan_exit: i32, verify_exit: i32, code: &str) {
    let out = bounded(env, &format!("scan {name}"), &["scan", name]);
    assert_eq!(out.status.code(), Some(scan_exit), "scan {name}: {}", stderr(&out));
    assert!(stderr(&out).contains(&format!("[{code}]")), "scan {name}: {}", stderr(&out));
    let out =
        bounded(env, &format!("verify {name}"), &["verify", "--trust", "signed.json", "--root", "root.pub", name]);
    assert_eq!(out.status.code(), Some(verify_exit), "verify {name}: {}", stderr(&out));
    assert!(
        format!("{}{}", stdout(&out), stderr(&out)).contains(code),
        "verify {name}: {}{}",
        stdout(&out),
        stderr(&out)
    );
}

/// A PDF of `body` after its header.
fn pdf(body: &[u8]) -> Vec<u8> {
    [b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".as_slice(), body, b"\n%%EOF\n"].concat()
}

/// A zlib stream of `n` MB of zeros (about a thousandth of that).
fn zlib_zeros(megabytes: usize) -> Vec<u8> {
    use std::io::Write;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..megabytes {
        z.write_all(&zeros).unwrap();
    }
    z.finish().unwrap()
}

/// A real 16 × 16 grey JPEG whose frame header then claims `width` × `height`.
fn jpeg_claiming(width: u16, height: u16) -> Vec<u8> {
    let mut bytes = Vec::new();
    let grey = image::GrayImage::from_pixel(16, 16, image::Luma([200]));
    grey.write_to(&mut std::io::Cursor::new(&mut bytes), image::ImageFormat::Jpeg).unwrap();
    let sof = bytes.windows(2).position(|w| w == [0xff, 0xc0]).expect("a baseline frame header");
    // FF C0, length (2), precision (1), then height and width.
    bytes[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
    bytes[sof + 7..sof + 9].copy_from_slice(&width.to_be_bytes());
    bytes
}

#[test]
fn a_pdf_of_50000_streams_without_their_end_is_read_in_one_pass() {
    let env = Env::new();
    env.setup();
    let mut body = Vec::new();
    for i in 1..=50_000 {
        body.extend_from_slice(format!("{i} 0 obj << /Length 999999 >> stream\nxx\n").as_bytes());
    }
    std::fs::write(env.path("streams.pdf"), pdf(&body)).unwrap();
    assert!(std::fs::metadata(env.path("streams.pdf")).unwrap().len() > 1_000_000);
    expect(&env, "streams.pdf", 1, 1, "pdf-no-certificate");
}

#[test]
fn a_pdf_of_300_flate_bombs_inflates_one_budget_at_most() {
    let env = Env::new();
    env.setup();
    // Each bomb inflates past the limit of one stream (96 MB): 300 × 100 MB unbounded.
    let bomb = zlib_zeros(100);
    let mut body = Vec::new();
    for i in 1..=300 {
        let head =
            format!("{i} 0 obj << /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length {} >> stream\n", bomb.len());
        body.extend_from_slice(head.as_bytes());
        body.extend_from_slice(&bomb);
        body.extend_from_slice(b"\nendstream endobj\n");
    }
    std::fs::write(env.path("bombs.pdf"), pdf(&body)).unwrap();
    assert!(std::fs::metadata(env.path("bombs.pdf")).unwrap().len() > 20_000_000);
    expect(&env, "bombs.pdf", 1, 1, "pdf-no-certificate");
}

#[test]
fn a_pdf_of_100000_distinct_texts_is_refused_not_searched_100000_times() {
    let env = Env::new();
    env.setup();
    let mut body = Vec::new();
    for i in 1..=100_000 {
        body.extend_from_slice(format!("{i} 0 obj << /CachetCertificate (CC1:{i:0>80}) >> endobj\n").as_bytes());
    }
    std::fs::write(env.path("texts.pdf"), pdf(&body)).unwrap();
    expect(&env, "texts.pdf", 2, 2, "pdf-unreadable");
    let out = bounded(&env, "scan texts.pdf", &["scan", "texts.pdf"]);
    assert!(stderr(&out).contains("more than 1000 certificate texts"), "{}", stderr(&out));
    // The same text 100,000 times is one text.
    let mut body = Vec::new();
    for i in 1..=100_000 {
        body.extend_from_slice(format!("{i} 0 obj << /CachetCertificate (CC1:same) >> endobj\n").as_bytes());
    }
    std::fs::write(env.path("same.pdf"), pdf(&body)).unwrap();
    let out = bounded(&env, "scan same.pdf", &["scan", "same.pdf"]);
    assert_eq!(stdout(&out), "CC1:same\n");
}

#[test]
fn images_whose_header_claims_a_huge_size_are_refused_before_any_buffer() {
    let env = Env::new();
    env.setup();
    let jpeg = jpeg_claiming(16_000, 16_000);
    assert!(jpeg.len() < 1_000, "{} bytes", jpeg.len());
    std::fs::write(env.path("huge.jpg"), &jpeg).unwrap();
    expect(&env, "huge.jpg", 2, 2, "image-decode");
    let out = bounded(&env, "scan huge.jpg", &["scan", "huge.jpg"]);
    assert!(stderr(&out).contains("16000 × 16000 pixels"), "{}", stderr(&out));

    // A PNG header claiming 23000² RGB pixels, and the start of its data.
    let mut png = Vec::new();
    image::RgbImage::new(64, 64).write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
    png[16..20].copy_from_slice(&23_000u32.to_be_bytes());
    png[20..24].copy_from_slice(&23_000u32.to_be_bytes());
    // The header's CRC, over its type and data.
    let crc = crc32(&png[12..29]);
    png[29..33].copy_from_slice(&crc.to_be_bytes());
    std::fs::write(env.path("huge.png"), &png).unwrap();
    expect(&env, "huge.png", 2, 2, "image-decode");
}

#[test]
fn a_pdf_whose_jpegs_lie_about_their_size_is_read_by_their_real_header() {
    let env = Env::new();
    env.setup();
    // 16 JPEGs the dictionary says are 100 × 100, whose own header says 16000 × 16000.
    let jpeg = jpeg_claiming(16_000, 16_000);
    let mut body = Vec::new();
    for i in 1..=16 {
        let head = format!(
            "{i} 0 obj << /Type /XObject /Subtype /Image /Width 100 /Height 100 /ColorSpace /DeviceGray \
             /BitsPerComponent 8 /Filter /DCTDecode /Length {} >> stream\n",
            jpeg.len()
        );
        body.extend_from_slice(head.as_bytes());
        body.extend_from_slice(&jpeg);
        body.extend_from_slice(b"\nendstream endobj\n");
    }
    std::fs::write(env.path("liar.pdf"), pdf(&body)).unwrap();
    expect(&env, "liar.pdf", 1, 1, "pdf-no-certificate");
}

#[test]
fn a_2_gb_input_is_refused_before_it_is_read() {
    let env = Env::new();
    env.setup();
    for name in ["big.png", "big.pdf"] {
        // Sparse: no disk used.
        let file = std::fs::File::create(env.path(name)).unwrap();
        file.set_len(2 << 30).unwrap();
        expect(&env, name, 2, 2, "input-too-large");
    }
}

#[test]
fn scan_escapes_the_control_characters_of_a_code() {
    let env = Env::new();
    // A code whose text would retitle the terminal and clear the screen.
    let text = "CC1:\u{1b}]0;pwned\u{7}\u{1b}[2J\u{202e}x\\u{1b}";
    let grey = qrcode::QrCode::new(text).unwrap().render::<image::Luma<u8>>().module_dimensions(4, 4).build();
    grey.save(env.path("escape.png")).unwrap();
    let out = bounded(&env, "scan escape.png", &["scan", "escape.png"]);
    assert_eq!(stdout(&out), "CC1:\\u{1b}]0;pwned\\u{7}\\u{1b}[2J\\u{202e}x\\\\u{1b}\n");
    assert!(!stdout(&out).contains('\u{1b}'));
}

#[test]
fn an_encrypted_pdf_is_named_so_and_its_bytes_never_printed() {
    let env = Env::new();
    env.setup();
    let body = b"1 0 obj << /CachetCertificate (\x1b]0;\x8f\x13\xa7\xee) >> endobj\n\
                 2 0 obj << /Filter /Standard /V 2 /R 3 /O (x) /U (y) /P -4 >> endobj\n\
                 trailer << /Root 1 0 R /Encrypt 2 0 R >>";
    std::fs::write(env.path("locked.pdf"), pdf(body)).unwrap();
    expect(&env, "locked.pdf", 2, 2, "pdf-encrypted");
    let out = bounded(&env, "scan locked.pdf", &["scan", "locked.pdf"]);
    assert_eq!(stdout(&out), "");
    assert!(!stderr(&out).contains('\u{1b}'));
    assert!(stderr(&out).contains("encrypted PDF"), "{}", stderr(&out));
}

/// The CRC-32 of PNG chunks (ISO 3309).
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { 0xedb8_8320 ^ (crc >> 1) } else { crc >> 1 };
        }
    }
    !crc
}

#[test]
fn a_2_gb_trust_list_is_refused_before_it_is_read() {
    let env = Env::new();
    env.setup();
    let token = env.issue(CERT_JSON);
    std::fs::File::create(env.path("huge-list.json")).unwrap().set_len(2 << 30).unwrap();
    let out = bounded(
        &env,
        "verify --trust huge-list.json",
        &["verify", "--trust", "huge-list.json", "--root", "root.pub", &token],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("[input-too-large]"), "{}", stderr(&out));
}
