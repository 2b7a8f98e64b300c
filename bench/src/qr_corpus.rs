//! `cargo xtask qr-corpus [--seed N] [--per-category N] [--out DIR]`: the
//! QR reader's synthetic corpus (issue 4, "How it is measured").
//!
//! 1280×720 frames of real signed certificates in URL form, QR versions 12
//! to 17 at ECC M, in 13 categories of difficulty, each on a background
//! that is not a plain white field (paper grain, gradients, text-like
//! clutter). Every frame is drawn from its own SplitMix64 stream, derived
//! from the seed, the category and the frame's index, so the same seed
//! gives byte-identical files, and frame `i` of a category is the same
//! whatever `--per-category` is. `manifest.json` lists each file with the
//! exact text expected, the QR version, the module size and the drawing
//! parameters; the SHA-256 of the manifest (which holds each file's own
//! SHA-256) is printed, so two runs are compared by one line.
//!
//! The camera: the code is printed on a sheet (quiet zone of 4 modules and
//! more) seen by a pinhole camera, turned and tilted in 3D; each pixel is
//! the mean of 3×3 rays cast onto the sheet (a box filter, as a sensor
//! integrates light), then lighting, blur, screen pattern, noise and JPEG
//! are applied as the category asks. PNG frames are lossless RGB.

use crate::sh::{self, Result};
use cachet::certificate::SchoolCertificateInput;
use cachet::keys::SecretKey;
use cachet::time::Date;
use cachet::{issue, text};
use qrcode::{Color, EcLevel, QrCode, Version};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

pub const WIDTH: usize = 1280;
pub const HEIGHT: usize = 720;

/// The categories, in the manifest's order.
pub const CATEGORIES: [&str; 13] = [
    "clean",
    "small-modules",
    "small-in-frame",
    "rotated",
    "perspective",
    "blur",
    "noise",
    "low-contrast",
    "uneven-light",
    "jpeg",
    "inverted",
    "moire",
    "occluded",
];

/// What `qr-corpus` is asked for.
pub struct Options {
    pub seed: u64,
    pub per_category: usize,
    pub out: PathBuf,
}

impl Options {
    /// Reads `--seed`, `--per-category` and `--out`; other arguments are
    /// left to the caller (`rest`), in order.
    pub fn parse(args: &[String], rest: &mut Vec<String>) -> Result<Options> {
        let mut o = Options { seed: 1, per_category: 40, out: PathBuf::new() };
        let mut out = None;
        let mut it = args.iter();
        while let Some(a) = it.next() {
            let mut value = || it.next().cloned().ok_or_else(|| format!("{a} needs a value"));
            match a.as_str() {
                "--seed" => o.seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
                "--per-category" => {
                    o.per_category = value()?.parse().map_err(|e| format!("--per-category: {e}"))?;
                }
                "--out" => out = Some(PathBuf::from(value()?)),
                _ => rest.push(a.clone()),
            }
        }
        o.out = match out {
            Some(p) => p,
            None => sh::target_dir()?.join("qr-corpus"),
        };
        Ok(o)
    }
}

pub fn run(args: &[String]) -> Result<()> {
    let mut rest = Vec::new();
    let o = Options::parse(args, &mut rest)?;
    if let Some(a) = rest.first() {
        return Err(format!("qr-corpus: unknown argument `{a}`"));
    }
    let hash = generate(&o)?;
    println!(
        "qr corpus: {} frames ({} a category, seed {}) in {}\nmanifest sha256 {hash}",
        o.per_category * CATEGORIES.len(),
        o.per_category,
        o.seed,
        o.out.display()
    );
    Ok(())
}

/// Writes the corpus and its manifest into `o.out` (emptied first);
/// returns the manifest's SHA-256 in hex.
pub fn generate(o: &Options) -> Result<String> {
    sh::fresh_dir(&o.out)?;
    let key = SecretKey::from_seed(&Rng::new(o.seed ^ 0x006b_6579).bytes32());
    let mut frames = Vec::new();
    for (c, category) in CATEGORIES.iter().enumerate() {
        for i in 0..o.per_category {
            let mut rng = Rng::new(o.seed).fork(c as u64 + 1).fork(i as u64 + 1);
            let want = 12 + (i % 6) as i16;
            let url = certificate_url(&key, &mut rng, i, want == 12)?;
            let code = encode(&url, want)?;
            let frame = draw(category, &code, &mut rng)?;
            let ext = if frame.jpeg_quality.is_some() { "jpg" } else { "png" };
            let file = format!("{category}-{i:03}.{ext}");
            let bytes = frame.encode()?;
            sh::write(&o.out.join(&file), &bytes)?;
            frames.push(json!({
                "file": file,
                "category": category,
                "expected": url,
                "version": code.version,
                "module_px": round2(frame.module_px),
                "sha256": hex(&Sha256::digest(&bytes)),
                "params": frame.params,
            }));
        }
    }
    let manifest = json!({
        "generator": "cargo xtask qr-corpus",
        "seed": o.seed,
        "per_category": o.per_category,
        "width": WIDTH,
        "height": HEIGHT,
        "ec_level": "M",
        "categories": CATEGORIES,
        "frames": frames,
    });
    let text = serde_json::to_string_pretty(&manifest).map_err(|e| e.to_string())? + "\n";
    sh::write(&o.out.join("manifest.json"), &text)?;
    Ok(hex(&Sha256::digest(text.as_bytes())))
}

/// The manifest of a corpus directory.
pub fn read_manifest(dir: &Path) -> Result<Value> {
    let path = dir.join("manifest.json");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

// ---------------------------------------------------------------- randomness

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, and good enough for drawing.
#[derive(Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// An independent stream for sub-item `n`.
    pub fn fork(&self, n: u64) -> Rng {
        let mut r = Rng(self.0 ^ n.wrapping_mul(0xd1b5_4a32_d192_ed03));
        Rng(r.next_u64())
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn f(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [lo, hi).
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.f()
    }

    /// Uniform in 0..n.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// Standard normal (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u = self.f().max(1e-12);
        let v = self.f();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }

    fn bytes32(&mut self) -> [u8; 32] {
        let mut b = [0u8; 32];
        for chunk in b.chunks_mut(8) {
            chunk.copy_from_slice(&self.next_u64().to_le_bytes());
        }
        b
    }
}

// ---------------------------------------------------------------- payloads

const FAMILY: [&str; 16] = [
    "Martin",
    "Bernard",
    "N'Diaye-Lefèvre",
    "Dubois",
    "Nguyen",
    "Da Silva Pereira",
    "Lefebvre",
    "Benali",
    "Moreau-Rousseau",
    "Petit",
    "Diallo",
    "Fontaine de la Tour",
    "Leroy",
    "Kowalski",
    "Garnier",
    "Haddad",
];
const GIVEN: [&str; 14] = [
    "Léa",
    "Aïssatou Marie-Hélène",
    "Lucas",
    "Chloé",
    "Mohamed Amine",
    "Zoé",
    "Jean-Baptiste Étienne",
    "Inès",
    "Hugo",
    "Anaïs Camille",
    "Noah",
    "Maëlys",
    "Gabriel François Xavier",
    "Emma",
];
const SCHOOLS: [(&str, &str, &str); 10] = [
    ("Collège Victor Hugo", "Paris", "Paris"),
    ("Lycée Henri-IV", "Paris", "Paris"),
    ("Collège Jean Moulin", "Lyon", "Lyon"),
    ("Lycée polyvalent Marie Curie", "Marseille", "Aix-Marseille"),
    ("École élémentaire des Tilleuls", "Rennes", "Rennes"),
    ("Collège Simone Veil", "Saint-Étienne-du-Rouvray", "Normandie"),
    ("Lycée professionnel Gustave Eiffel", "Bordeaux", "Bordeaux"),
    ("Collège Jules Ferry", "Lille", "Lille"),
    ("Lycée Saint-Exupéry", "Toulouse", "Toulouse"),
    ("École primaire publique Louise Michel", "Montpellier", "Montpellier"),
];
const LEVELS: [&str; 12] = ["CP", "CE2", "CM2", "6e", "5e", "4e", "3e", "2de", "1re", "Tle", "CAP1", "BTS2"];
const BASES: [&str; 3] =
    ["https://verifier.cachet.example/", "https://cachet.education.gouv.example/v/", "https://ac-verif.example/"];

/// A UAI with its check letter (7 digits, then the number mod 23).
fn uai(rng: &mut Rng) -> String {
    let n = rng.below(10_000_000);
    let letters = b"ABCDEFGHJKLMNPRSTUVWXYZ";
    format!("{n:07}{}", letters[n % 23] as char)
}

/// A certificate signed by `key`, as a verifier URL; `short` picks short
/// names and base (a URL that fits version 12 at ECC M, 287 bytes).
fn certificate_url(key: &SecretKey, rng: &mut Rng, i: usize, short: bool) -> Result<String> {
    let (school, town, academie) = if short { ("Collège Jules Ferry", "Lille", "Lille") } else { *rng.pick(&SCHOOLS) };
    let family = if short { rng.pick(&["Petit", "Leroy", "Haddad"]) } else { rng.pick(&FAMILY) };
    let given = if short { rng.pick(&["Léa", "Zoé", "Noah", "Emma", "Hugo"]) } else { rng.pick(&GIVEN) };
    let base = if short { BASES[2] } else { *rng.pick(&BASES) };
    let input = SchoolCertificateInput {
        family_name: family.to_string(),
        given_names: given.to_string(),
        birth_date: format!("20{:02}-{:02}-{:02}", 8 + rng.below(12), 1 + rng.below(12), 1 + rng.below(28)),
        school_uai: uai(rng),
        school_name: school.into(),
        school_town: town.into(),
        academie: academie.into(),
        school_year: "2025-2026".into(),
        level: rng.pick(&LEVELS).to_string(),
        regime: if short { None } else { Some(rng.pick(&["externe", "demi-pensionnaire", "interne"]).to_string()) },
        serial: Some(if short { format!("Q{i}") } else { format!("QR-{:04}-{:06}", i, rng.below(1_000_000)) }),
        issued_on: Some(format!("2025-09-{:02}", 1 + rng.below(28))),
    };
    let today = Date::parse("2025-09-30").ok_or("bad date")?;
    let issued = issue::issue(key, &input, today).map_err(|e| format!("issue: {e}"))?;
    Ok(text::url_of(base, &issued.token))
}

/// A QR code's modules (true = dark), row by row.
pub struct Code {
    pub version: i16,
    pub dim: usize,
    pub dark: Vec<bool>,
}

impl Code {
    fn at(&self, x: i64, y: i64) -> bool {
        x >= 0
            && y >= 0
            && (x as usize) < self.dim
            && (y as usize) < self.dim
            && self.dark[y as usize * self.dim + x as usize]
    }
}

/// `text` at ECC M in version `want`, or the smallest larger one it fits.
fn encode(text: &str, want: i16) -> Result<Code> {
    for v in want..=40 {
        if let Ok(code) = QrCode::with_version(text, Version::Normal(v), EcLevel::M) {
            let dim = code.width();
            let dark = code.to_colors().into_iter().map(|c| c == Color::Dark).collect();
            return Ok(Code { version: v, dim, dark });
        }
    }
    Err(format!("{} bytes fit no QR version at ECC M", text.len()))
}

// ---------------------------------------------------------------- drawing

/// A frame in linear-ish 0..255 RGB floats.
struct Img {
    px: Vec<[f32; 3]>,
}

impl Img {
    fn idx(x: usize, y: usize) -> usize {
        y * WIDTH + x
    }
}

/// A drawn frame and how it was drawn.
pub struct Frame {
    rgb: Vec<u8>,
    module_px: f64,
    jpeg_quality: Option<u8>,
    params: Value,
}

impl Frame {
    fn encode(&self) -> Result<Vec<u8>> {
        use image::ImageEncoder;
        let mut out = Vec::new();
        let (w, h) = (WIDTH as u32, HEIGHT as u32);
        let rgb = image::ExtendedColorType::Rgb8;
        match self.jpeg_quality {
            Some(q) => {
                image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, q).write_image(&self.rgb, w, h, rgb)
            }
            None => image::codecs::png::PngEncoder::new(&mut out).write_image(&self.rgb, w, h, rgb),
        }
        .map_err(|e| format!("encoding a frame: {e}"))?;
        Ok(out)
    }
}

/// How the sheet with the code is seen.
struct Scene {
    module_px: f64,
    rotation: f64,
    tilt_x: f64,
    tilt_y: f64,
    /// Paper margin around the code, in modules (quiet zone included).
    margin: f64,
    ink: [f32; 3],
    paper: [f32; 3],
    /// Where the code's centre goes: None = near the frame's centre.
    off_centre: bool,
    busy: bool,
    blob: Option<Blob>,
}

/// An occluding blob (a fingertip) on the sheet, in module coordinates.
struct Blob {
    cu: f64,
    cv: f64,
    ra: f64,
    rb: f64,
    angle: f64,
    colour: [f32; 3],
}

impl Blob {
    /// Distance measure: < 1 inside.
    fn d(&self, u: f64, v: f64) -> f64 {
        let (s, c) = self.angle.sin_cos();
        let (du, dv) = (u - self.cu, v - self.cv);
        let a = (du * c + dv * s) / self.ra;
        let b = (-du * s + dv * c) / self.rb;
        a * a + b * b
    }
}

fn grey(l: f64) -> [f32; 3] {
    [l as f32; 3]
}

fn draw(category: &str, code: &Code, rng: &mut Rng) -> Result<Frame> {
    let mut p = serde_json::Map::new();
    let ink_l = rng.range(15.0, 50.0);
    let paper_l = rng.range(215.0, 250.0);
    let warm = rng.range(-6.0, 6.0) as f32;
    let mut s = Scene {
        module_px: rng.range(3.5, 6.0),
        rotation: rng.range(-5.0, 5.0),
        tilt_x: rng.range(-6.0, 6.0),
        tilt_y: rng.range(-6.0, 6.0),
        margin: rng.range(4.0, 8.0),
        ink: grey(ink_l),
        paper: [paper_l as f32 + warm, paper_l as f32, paper_l as f32 - warm],
        off_centre: false,
        busy: false,
        blob: None,
    };
    let mut blur = rng.range(0.3, 0.55);
    let mut noise = rng.range(1.5, 3.0);
    let mut salt = 0.0;
    let mut jpeg_quality = None;
    let mut light = Light::mild(rng);
    let mut moire = None;
    match category {
        "clean" => {}
        "small-modules" => {
            s.module_px = rng.range(2.0, 2.2);
            s.rotation = rng.range(-3.0, 3.0);
            s.tilt_x = rng.range(-3.0, 3.0);
            s.tilt_y = rng.range(-3.0, 3.0);
        }
        "small-in-frame" => {
            s.module_px = rng.range(2.2, 3.0);
            s.off_centre = true;
            s.busy = true;
        }
        "rotated" => {
            // One in four near 40°, one in four past 90°, the rest anywhere.
            s.rotation = match rng.below(4) {
                0 => rng.range(35.0, 45.0) * if rng.f() < 0.5 { 1.0 } else { -1.0 },
                1 => rng.range(90.0, 180.0),
                _ => rng.range(0.0, 360.0),
            };
            s.module_px = rng.range(3.5, 5.0);
        }
        "perspective" => {
            let tilt = rng.range(20.0, 40.0);
            let dir = rng.range(0.0, std::f64::consts::TAU);
            s.tilt_x = tilt * dir.cos();
            s.tilt_y = tilt * dir.sin();
            s.rotation = rng.range(-20.0, 20.0);
            s.module_px = rng.range(4.0, 6.0);
        }
        "blur" => {
            s.module_px = rng.range(3.0, 5.0);
            // σ from 1 px up to 2.5 px, no more than half a module.
            blur = rng.range(1.0, (0.5 * s.module_px).clamp(1.0, 2.5));
        }
        "noise" => {
            s.module_px = rng.range(4.0, 6.0);
            noise = rng.range(20.0, 40.0);
            salt = rng.range(0.01, 0.04);
        }
        "low-contrast" => {
            s.module_px = rng.range(4.0, 6.0);
            let ink = rng.range(100.0, 140.0);
            let paper = rng.range((ink + 35.0).max(150.0), 190.0);
            s.ink = grey(ink);
            s.paper = grey(paper);
        }
        "uneven-light" => {
            s.module_px = rng.range(4.0, 6.0);
            light = Light::uneven(rng);
        }
        "jpeg" => {
            s.module_px = rng.range(3.5, 5.0);
            jpeg_quality = Some(20 + rng.below(21) as u8);
        }
        "inverted" => {
            s.module_px = rng.range(4.0, 6.0);
            let (ink, paper) = (s.ink, s.paper);
            s.ink = paper;
            s.paper = ink;
        }
        "moire" => {
            s.module_px = rng.range(4.0, 6.0);
            s.ink = grey(rng.range(5.0, 30.0));
            s.paper = [rng.range(225.0, 245.0) as f32, rng.range(235.0, 250.0) as f32, 255.0];
            moire = Some(Moire {
                pitch: rng.range(1.2, 2.6),
                angle: rng.range(-8.0, 8.0).to_radians(),
                off: rng.range(0.2, 0.35),
                gap: rng.range(0.1, 0.25),
            });
            blur = rng.range(0.6, 1.0);
        }
        "occluded" => {
            s.module_px = rng.range(4.0, 6.0);
            let (blob, share) = blob(code, rng)?;
            p.insert("occluded_share".into(), json!(round2(share)));
            s.blob = Some(blob);
        }
        other => return Err(format!("unknown category {other}")),
    }

    let mut img = background(rng, s.busy);
    let placed = place_code(&mut img, code, &mut s, rng);
    if let Some(m) = &moire {
        m.apply(&mut img);
    }
    light.apply(&mut img);
    gaussian_blur(&mut img, blur);
    let rgb = finish(&img, noise, salt, rng);

    p.insert("rotation_deg".into(), json!(round2(s.rotation)));
    p.insert("tilt_x_deg".into(), json!(round2(s.tilt_x)));
    p.insert("tilt_y_deg".into(), json!(round2(s.tilt_y)));
    p.insert("centre".into(), json!([placed.0.round(), placed.1.round()]));
    p.insert("ink".into(), json!(s.ink.map(|c| c.round())));
    p.insert("paper".into(), json!(s.paper.map(|c| c.round())));
    p.insert("blur_sigma".into(), json!(round2(blur)));
    p.insert("noise_sigma".into(), json!(round2(noise)));
    if salt > 0.0 {
        p.insert("salt_pepper".into(), json!(round2(salt * 100.0) / 100.0));
    }
    if let Some(q) = jpeg_quality {
        p.insert("jpeg_quality".into(), json!(q));
    }
    if let Some(m) = &moire {
        p.insert("moire_pitch_px".into(), json!(round2(m.pitch)));
        p.insert("moire_angle_deg".into(), json!(round2(m.angle.to_degrees())));
    }
    p.insert("light".into(), light.describe());
    Ok(Frame { rgb, module_px: s.module_px, jpeg_quality, params: Value::Object(p) })
}

/// A fingertip over 4 to 8 % of the code's modules, clear of the three
/// finder patterns and their format information (9×9 corners): within
/// what ECC M (about 15 % of codewords) corrects.
fn blob(code: &Code, rng: &mut Rng) -> Result<(Blob, f64)> {
    let dim = code.dim as f64;
    for _ in 0..1000 {
        let share = rng.range(0.04, 0.08);
        let area = share * dim * dim;
        let k = rng.range(1.0, 1.8);
        let r = (area / std::f64::consts::PI).sqrt();
        let shade = rng.range(0.85, 1.1) as f32;
        let b = Blob {
            cu: rng.range(0.0, dim),
            cv: rng.range(0.0, dim),
            ra: r * k,
            rb: r / k,
            angle: rng.range(0.0, std::f64::consts::PI),
            colour: [205.0 * shade, 160.0 * shade, 135.0 * shade],
        };
        let mut covered = 0usize;
        let mut clear = true;
        for y in 0..code.dim {
            for x in 0..code.dim {
                if b.d(x as f64 + 0.5, y as f64 + 0.5) < 1.0 {
                    covered += 1;
                    let corner = |a: usize| a < 9 || a + 9 > code.dim;
                    if (x < 9 || y < 9) && corner(x) && corner(y) && !(x + 9 > code.dim && y + 9 > code.dim) {
                        clear = false;
                    }
                }
            }
        }
        let got = covered as f64 / (dim * dim);
        // Wholly inside the symbol (so the share is what is hidden).
        let inside = b.cu - b.ra.max(b.rb) > 0.0
            && b.cv - b.ra.max(b.rb) > 0.0
            && b.cu + b.ra.max(b.rb) < dim
            && b.cv + b.ra.max(b.rb) < dim;
        if clear && inside && (0.04..=0.085).contains(&got) {
            return Ok((b, got));
        }
    }
    Err("no place for the occluding blob".into())
}

/// Background: a surface tone with a gradient, grain at two scales, and
/// text-like clutter (lines of letter strokes), more of it when `busy`.
fn background(rng: &mut Rng, busy: bool) -> Img {
    let base = rng.range(120.0, 215.0);
    let tint = [rng.range(-18.0, 18.0), rng.range(-8.0, 8.0), rng.range(-18.0, 18.0)];
    let (gx, gy) = (rng.range(-50.0, 50.0), rng.range(-40.0, 40.0));
    let (coarse_amp, fine_amp) = (rng.range(8.0, 22.0), rng.range(3.0, 8.0));
    let coarse = Lattice::new(rng, 160.0, coarse_amp);
    let fine = Lattice::new(rng, 12.0, fine_amp);
    let mut px = Vec::with_capacity(WIDTH * HEIGHT);
    for y in 0..HEIGHT {
        for x in 0..WIDTH {
            let (fx, fy) = (x as f64 / WIDTH as f64 - 0.5, y as f64 / HEIGHT as f64 - 0.5);
            let l = base + gx * fx + gy * fy + coarse.at(x as f64, y as f64) + fine.at(x as f64, y as f64);
            px.push([(l + tint[0]) as f32, (l + tint[1]) as f32, (l + tint[2]) as f32]);
        }
    }
    let mut img = Img { px };
    // Blocks of "text": lines of words made of vertical and round-ish strokes.
    let blocks = if busy { 7 + rng.below(5) } else { 2 + rng.below(3) };
    for _ in 0..blocks {
        let x0 = rng.range(-100.0, WIDTH as f64 - 100.0);
        let y0 = rng.range(-50.0, HEIGHT as f64 - 50.0);
        let w = rng.range(150.0, 500.0);
        let xh = rng.range(5.0, 12.0);
        let lines = 3 + rng.below(10);
        let ink = rng.range(20.0, 90.0) as f32;
        let lead = xh * rng.range(2.0, 2.8);
        for line in 0..lines {
            let y = y0 + line as f64 * lead;
            let mut x = x0;
            while x < x0 + w {
                let word = 2 + rng.below(8);
                for _ in 0..word {
                    let tall = rng.f() < 0.3;
                    let h = if tall { xh * 1.5 } else { xh };
                    let top = y + xh - h;
                    let cw = xh * rng.range(0.5, 0.8);
                    let stroke = (xh / 6.0).max(1.0);
                    fill_rect(&mut img, x, top, stroke, h, ink);
                    if rng.f() < 0.6 {
                        fill_rect(&mut img, x + cw - stroke, y, stroke, xh, ink);
                        fill_rect(&mut img, x, y + rng.range(0.0, xh - stroke), cw, stroke, ink);
                    }
                    x += cw + stroke + 1.0;
                }
                x += xh * rng.range(0.8, 1.3);
            }
        }
    }
    if busy {
        // Boxes and rules: photos, tables, the edge of a desk.
        for _ in 0..6 {
            let l = rng.range(20.0, 240.0) as f32;
            let (x, y) = (rng.range(0.0, WIDTH as f64), rng.range(0.0, HEIGHT as f64));
            if rng.f() < 0.5 {
                fill_rect(&mut img, x, y, rng.range(40.0, 250.0), rng.range(40.0, 200.0), l);
            } else {
                fill_rect(&mut img, x, y, rng.range(100.0, 600.0), rng.range(1.0, 4.0), l);
            }
        }
    }
    img
}

fn fill_rect(img: &mut Img, x: f64, y: f64, w: f64, h: f64, l: f32) {
    let (x0, y0) = (x.max(0.0) as usize, y.max(0.0) as usize);
    let (x1, y1) = (((x + w).min(WIDTH as f64)).max(0.0) as usize, ((y + h).min(HEIGHT as f64)).max(0.0) as usize);
    for yy in y0..y1 {
        for xx in x0..x1 {
            img.px[Img::idx(xx, yy)] = [l; 3];
        }
    }
}

/// Smooth value noise: random values on a lattice, interpolated.
struct Lattice {
    cell: f64,
    amp: f64,
    cols: usize,
    v: Vec<f64>,
}

impl Lattice {
    fn new(rng: &mut Rng, cell: f64, amp: f64) -> Lattice {
        let cols = (WIDTH as f64 / cell) as usize + 2;
        let rows = (HEIGHT as f64 / cell) as usize + 2;
        let v = (0..cols * rows).map(|_| rng.range(-1.0, 1.0)).collect();
        Lattice { cell, amp, cols, v }
    }

    fn at(&self, x: f64, y: f64) -> f64 {
        let (gx, gy) = (x / self.cell, y / self.cell);
        let (ix, iy) = (gx as usize, gy as usize);
        let (fx, fy) = (gx - ix as f64, gy - iy as f64);
        let (sx, sy) = (fx * fx * (3.0 - 2.0 * fx), fy * fy * (3.0 - 2.0 * fy));
        let g = |cx: usize, cy: usize| self.v[cy * self.cols + cx];
        let top = g(ix, iy) * (1.0 - sx) + g(ix + 1, iy) * sx;
        let bottom = g(ix, iy + 1) * (1.0 - sx) + g(ix + 1, iy + 1) * sx;
        self.amp * (top * (1.0 - sy) + bottom * sy)
    }
}

type V3 = [f64; 3];

fn dot(a: V3, b: V3) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

/// R = Rz(rotation) · Rx(tilt_x) · Ry(tilt_y), applied to a vector.
fn rotate(s: &Scene, v: V3) -> V3 {
    let (sy, cy) = s.tilt_y.to_radians().sin_cos();
    let v = [cy * v[0] + sy * v[2], v[1], -sy * v[0] + cy * v[2]];
    let (sx, cx) = s.tilt_x.to_radians().sin_cos();
    let v = [v[0], cx * v[1] - sx * v[2], sx * v[1] + cx * v[2]];
    let (sz, cz) = s.rotation.to_radians().sin_cos();
    [cz * v[0] - sz * v[1], sz * v[0] + cz * v[1], v[2]]
}

/// The pinhole camera: the sheet's centre at distance `dist` (in modules)
/// on the optical axis, focal length so that a module at the centre is
/// `module_px` pixels wide.
struct Camera {
    e1: V3,
    e2: V3,
    n: V3,
    dist: f64,
    f: f64,
    cx: f64,
    cy: f64,
    half: f64,
}

impl Camera {
    fn project(&self, u: f64, v: f64) -> (f64, f64) {
        let (a, b) = (u - self.half, v - self.half);
        let p = [
            a * self.e1[0] + b * self.e2[0],
            a * self.e1[1] + b * self.e2[1],
            self.dist + a * self.e1[2] + b * self.e2[2],
        ];
        (self.f * p[0] / p[2] + self.cx, self.f * p[1] / p[2] + self.cy)
    }

    /// The sheet point (u, v) in modules seen at pixel (x, y).
    fn unproject(&self, x: f64, y: f64) -> Option<(f64, f64)> {
        let d = [(x - self.cx) / self.f, (y - self.cy) / self.f, 1.0];
        let nd = dot(self.n, d);
        if nd.abs() < 1e-9 {
            return None;
        }
        let t = self.n[2] * self.dist / nd;
        if t <= 0.0 {
            return None;
        }
        let q = [t * d[0], t * d[1], t * d[2] - self.dist];
        Some((dot(self.e1, q) + self.half, dot(self.e2, q) + self.half))
    }
}

/// Draws the sheet into the frame; returns where its centre went.
fn place_code(img: &mut Img, code: &Code, s: &mut Scene, rng: &mut Rng) -> (f64, f64) {
    let dim = code.dim as f64;
    let m = s.margin;
    let dist = 2.2 * dim;
    let mut cam = Camera {
        e1: rotate(s, [1.0, 0.0, 0.0]),
        e2: rotate(s, [0.0, 1.0, 0.0]),
        n: rotate(s, [0.0, 0.0, 1.0]),
        dist,
        f: s.module_px * dist,
        cx: 0.0,
        cy: 0.0,
        half: dim / 2.0,
    };
    let corners = [(-m, -m), (dim + m, -m), (dim + m, dim + m), (-m, dim + m)];
    let bbox = |cam: &Camera| {
        let pts: Vec<(f64, f64)> = corners.iter().map(|&(u, v)| cam.project(u, v)).collect();
        let min_x = pts.iter().map(|p| p.0).fold(f64::MAX, f64::min);
        let max_x = pts.iter().map(|p| p.0).fold(f64::MIN, f64::max);
        let min_y = pts.iter().map(|p| p.1).fold(f64::MAX, f64::min);
        let max_y = pts.iter().map(|p| p.1).fold(f64::MIN, f64::max);
        (min_x, max_x, min_y, max_y)
    };
    // Shrink until the sheet fits in the frame with a border.
    let border = 12.0;
    loop {
        let (x0, x1, y0, y1) = bbox(&cam);
        let fit = ((WIDTH as f64 - 2.0 * border) / (x1 - x0)).min((HEIGHT as f64 - 2.0 * border) / (y1 - y0));
        if fit >= 1.0 {
            break;
        }
        s.module_px *= fit * 0.99;
        cam.f = s.module_px * dist;
    }
    let (x0, x1, y0, y1) = bbox(&cam);
    // Allowed shifts of the principal point keeping the sheet inside.
    let (lo_x, hi_x) = (border - x0, WIDTH as f64 - border - x1);
    let (lo_y, hi_y) = (border - y0, HEIGHT as f64 - border - y1);
    let (cx, cy) = if s.off_centre {
        // Towards a random side, away from the centre.
        let pick = |rng: &mut Rng, lo: f64, hi: f64| {
            let t = rng.range(0.0, 0.3);
            if rng.f() < 0.5 {
                lo + t * (hi - lo)
            } else {
                hi - t * (hi - lo)
            }
        };
        (pick(rng, lo_x, hi_x), pick(rng, lo_y, hi_y))
    } else {
        let jx = rng.range(-120.0, 120.0);
        let jy = rng.range(-60.0, 60.0);
        ((WIDTH as f64 / 2.0 + jx).clamp(lo_x, hi_x.max(lo_x)), (HEIGHT as f64 / 2.0 + jy).clamp(lo_y, hi_y.max(lo_y)))
    };
    cam.cx = cx;
    cam.cy = cy;
    let (x0, x1, y0, y1) = bbox(&cam);
    let (xa, xb) = ((x0.floor().max(0.0)) as usize, (x1.ceil().min(WIDTH as f64 - 1.0)) as usize);
    let (ya, yb) = ((y0.floor().max(0.0)) as usize, (y1.ceil().min(HEIGHT as f64 - 1.0)) as usize);
    const SS: usize = 3;
    for y in ya..=yb {
        for x in xa..=xb {
            let mut acc = [0f32; 3];
            let mut hits = 0;
            for sy in 0..SS {
                for sx in 0..SS {
                    let px = x as f64 + (sx as f64 + 0.5) / SS as f64;
                    let py = y as f64 + (sy as f64 + 0.5) / SS as f64;
                    let Some((u, v)) = cam.unproject(px, py) else { continue };
                    if u < -m || v < -m || u >= dim + m || v >= dim + m {
                        continue;
                    }
                    let c = match &s.blob {
                        Some(b) if b.d(u, v) < 1.0 => {
                            // Darker towards the edge, as a rounded fingertip.
                            let k = (1.0 - 0.35 * b.d(u, v)) as f32;
                            b.colour.map(|c| c * k)
                        }
                        _ if code.at(u.floor() as i64, v.floor() as i64) => s.ink,
                        _ => s.paper,
                    };
                    for ch in 0..3 {
                        acc[ch] += c[ch];
                    }
                    hits += 1;
                }
            }
            if hits > 0 {
                let bg = img.px[Img::idx(x, y)];
                let n = (SS * SS) as f32;
                let a = hits as f32 / n;
                img.px[Img::idx(x, y)] = [0, 1, 2].map(|ch| acc[ch] / n + bg[ch] * (1.0 - a));
            }
        }
    }
    (cx, cy)
}

/// A photographed screen: each screen pixel is three vertical stripes
/// (R, G, B) with a dark gap below; the screen's grid is seen slightly
/// turned and scaled, sampled at pixel centres, so it beats against the
/// camera's grid (moiré).
struct Moire {
    pitch: f64,
    angle: f64,
    off: f64,
    gap: f64,
}

impl Moire {
    fn apply(&self, img: &mut Img) {
        let (s, c) = self.angle.sin_cos();
        let mean = (1.0 + 2.0 * self.off) / 3.0 * (1.0 - self.gap * 0.7);
        let gain = (0.9 / mean) as f32;
        for y in 0..HEIGHT {
            for x in 0..WIDTH {
                let (fx, fy) = (x as f64 + 0.5, y as f64 + 0.5);
                let u = (fx * c + fy * s) / self.pitch;
                let v = (-fx * s + fy * c) / self.pitch;
                let sub = ((u - u.floor()) * 3.0) as usize % 3;
                let row = if v - v.floor() > 1.0 - self.gap { 0.3 } else { 1.0 };
                let p = &mut img.px[Img::idx(x, y)];
                for (ch, value) in p.iter_mut().enumerate() {
                    let m = if ch == sub { 1.0 } else { self.off };
                    *value *= (m * row) as f32 * gain;
                }
            }
        }
    }
}

/// Illumination: a multiplicative gradient, optional spot light (added)
/// and hard shadow (a half-plane multiplied down).
struct Light {
    from: f64,
    to: f64,
    dir: f64,
    spot: Option<(f64, f64, f64, f64)>,
    shadow: Option<(f64, f64, f64, f64)>,
}

impl Light {
    fn mild(rng: &mut Rng) -> Light {
        Light {
            from: rng.range(0.85, 1.0),
            to: rng.range(0.95, 1.05),
            dir: rng.range(0.0, 6.3),
            spot: None,
            shadow: None,
        }
    }

    fn uneven(rng: &mut Rng) -> Light {
        let spot = (rng.range(300.0, 980.0), rng.range(150.0, 570.0), rng.range(60.0, 160.0), rng.range(30.0, 70.0));
        let shadow = (rng.range(500.0, 780.0), rng.range(250.0, 470.0), rng.range(0.0, 6.3), rng.range(0.4, 0.6));
        Light {
            from: rng.range(0.35, 0.6),
            to: rng.range(1.0, 1.15),
            dir: rng.range(0.0, 6.3),
            spot: Some(spot),
            shadow: Some(shadow),
        }
    }

    fn apply(&self, img: &mut Img) {
        let (ds, dc) = self.dir.sin_cos();
        let reach = (WIDTH as f64 * dc.abs() + HEIGHT as f64 * ds.abs()) / 2.0;
        let shadow = self.shadow.map(|(sx, sy, angle, factor)| (sx, sy, angle.sin_cos(), factor));
        for y in 0..HEIGHT {
            for x in 0..WIDTH {
                let (fx, fy) = (x as f64 - WIDTH as f64 / 2.0, y as f64 - HEIGHT as f64 / 2.0);
                let t = ((fx * dc + fy * ds) / reach + 1.0) / 2.0;
                let mut k = self.from + (self.to - self.from) * t;
                if let Some((sx, sy, (ss, sc), factor)) = shadow {
                    if (x as f64 - sx) * sc + (y as f64 - sy) * ss > 0.0 {
                        k *= factor;
                    }
                }
                let add = self.spot.map_or(0.0, |(sx, sy, r, a)| {
                    let d2 = (x as f64 - sx).powi(2) + (y as f64 - sy).powi(2);
                    a * (-d2 / (2.0 * r * r)).exp()
                });
                let p = &mut img.px[Img::idx(x, y)];
                for v in p.iter_mut() {
                    *v = (*v as f64 * k + add) as f32;
                }
            }
        }
    }

    fn describe(&self) -> Value {
        let mut v = json!({ "gradient": [round2(self.from), round2(self.to)], "direction_rad": round2(self.dir) });
        if let Some((x, y, r, a)) = self.spot {
            v["spot"] = json!([x.round(), y.round(), r.round(), a.round()]);
        }
        if let Some((x, y, angle, factor)) = self.shadow {
            v["shadow"] = json!([x.round(), y.round(), round2(angle), round2(factor)]);
        }
        v
    }
}

/// Separable gaussian blur of standard deviation `sigma` pixels.
fn gaussian_blur(img: &mut Img, sigma: f64) {
    if sigma <= 0.0 {
        return;
    }
    let r = (3.0 * sigma).ceil() as i64;
    let mut k: Vec<f32> = (-r..=r).map(|i| (-(i * i) as f64 / (2.0 * sigma * sigma)).exp() as f32).collect();
    let sum: f32 = k.iter().sum();
    k.iter_mut().for_each(|v| *v /= sum);
    let mut tmp = vec![[0f32; 3]; WIDTH * HEIGHT];
    for y in 0..HEIGHT {
        for x in 0..WIDTH {
            let mut acc = [0f32; 3];
            for (j, w) in k.iter().enumerate() {
                let xx = (x as i64 + j as i64 - r).clamp(0, WIDTH as i64 - 1) as usize;
                let p = img.px[Img::idx(xx, y)];
                for ch in 0..3 {
                    acc[ch] += w * p[ch];
                }
            }
            tmp[Img::idx(x, y)] = acc;
        }
    }
    for y in 0..HEIGHT {
        for x in 0..WIDTH {
            let mut acc = [0f32; 3];
            for (j, w) in k.iter().enumerate() {
                let yy = (y as i64 + j as i64 - r).clamp(0, HEIGHT as i64 - 1) as usize;
                let p = tmp[Img::idx(x, yy)];
                for ch in 0..3 {
                    acc[ch] += w * p[ch];
                }
            }
            img.px[Img::idx(x, y)] = acc;
        }
    }
}

/// Sensor noise (gaussian, mostly shared by the channels), salt and
/// pepper, then 8 bits.
fn finish(img: &Img, sigma: f64, salt: f64, rng: &mut Rng) -> Vec<u8> {
    let mut out = Vec::with_capacity(WIDTH * HEIGHT * 3);
    for p in &img.px {
        let shared = rng.normal() * sigma * 0.8;
        let impulse = if salt > 0.0 && rng.f() < salt { Some(if rng.f() < 0.5 { 0.0 } else { 255.0 }) } else { None };
        for &v in p {
            let level = match impulse {
                Some(l) => l,
                None => v as f64 + shared + rng.normal() * sigma * 0.6,
            };
            out.push(level.round().clamp(0.0, 255.0) as u8);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_camera_maps_the_sheet_back_onto_itself() {
        let s = Scene {
            module_px: 4.0,
            rotation: 130.0,
            tilt_x: 25.0,
            tilt_y: -30.0,
            margin: 4.0,
            ink: grey(0.0),
            paper: grey(255.0),
            off_centre: false,
            busy: false,
            blob: None,
        };
        let dist = 2.2 * 65.0;
        let cam = Camera {
            e1: rotate(&s, [1.0, 0.0, 0.0]),
            e2: rotate(&s, [0.0, 1.0, 0.0]),
            n: rotate(&s, [0.0, 0.0, 1.0]),
            dist,
            f: s.module_px * dist,
            cx: 640.0,
            cy: 360.0,
            half: 32.5,
        };
        for (u, v) in [(0.0, 0.0), (65.0, 0.0), (10.5, 60.25), (-4.0, 69.0)] {
            let (x, y) = cam.project(u, v);
            let (u2, v2) = cam.unproject(x, y).unwrap();
            assert!((u - u2).abs() < 1e-6 && (v - v2).abs() < 1e-6, "({u}, {v}) -> ({x}, {y}) -> ({u2}, {v2})");
        }
        // The sheet's centre is on the optical axis, where a module is about 4 px wide.
        let (cx, cy) = cam.project(32.5, 32.5);
        assert!((cx - 640.0).abs() < 1e-9 && (cy - 360.0).abs() < 1e-9);
        let (x1, y1) = cam.project(33.5, 32.5);
        let step = (x1 - cx).hypot(y1 - cy);
        assert!(step > 3.0 && step < 5.0, "{step}");
    }

    #[test]
    fn payloads_span_versions_12_to_17_at_ecc_m() {
        let key = SecretKey::from_seed(&[7; 32]);
        let mut versions = Vec::new();
        for i in 0..12 {
            let mut rng = Rng::new(3).fork(i as u64);
            let want = 12 + (i % 6) as i16;
            let url = certificate_url(&key, &mut rng, i, want == 12).unwrap();
            assert!(cachet::text::decode(&url).is_ok(), "{url}");
            let code = encode(&url, want).unwrap();
            assert_eq!(code.dim, 4 * code.version as usize + 17);
            versions.push(code.version);
        }
        for v in 12..=17 {
            assert!(versions.contains(&v), "version {v} missing: {versions:?}");
        }
        assert!(versions.iter().all(|v| (12..=17).contains(v)), "{versions:?}");
    }

    #[test]
    fn the_occluding_blob_stays_off_the_finders_and_within_budget() {
        let code = encode("https://ac-verif.example/#CC1:AAAA", 14).unwrap();
        for seed in 0..20 {
            let (blob, share) = blob(&code, &mut Rng::new(seed)).unwrap();
            assert!((0.04..=0.085).contains(&share), "{share}");
            for (x, y) in [(3.5, 3.5), (code.dim as f64 - 3.5, 3.5), (3.5, code.dim as f64 - 3.5)] {
                assert!(blob.d(x, y) >= 1.0, "seed {seed}: a finder is covered");
            }
        }
    }

    #[test]
    fn the_same_seed_draws_the_same_bytes() {
        let code = encode("https://ac-verif.example/#CC1:AAAA", 12).unwrap();
        let a = draw("perspective", &code, &mut Rng::new(5)).unwrap();
        let b = draw("perspective", &code, &mut Rng::new(5)).unwrap();
        let c = draw("perspective", &code, &mut Rng::new(6)).unwrap();
        assert_eq!(a.rgb.len(), WIDTH * HEIGHT * 3);
        assert!(a.rgb == b.rgb && a.params == b.params);
        assert!(a.rgb != c.rgb);
    }
}
