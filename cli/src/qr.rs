//! The QR code of a certificate's text (ISO/IEC 18004), as SVG or PNG.
//!
//! Error correction level M (15 % of the code may be lost), the standard
//! quiet zone of 4 modules, 8 pixels (SVG units) per module. The format
//! comes from the file's extension.
//!
//! [`modules`] encodes with the `qrcode` crate (segments, Reed–Solomon,
//! placement, the mask itself) but chooses the mask itself: the crate scores
//! the eight masked symbols module by module (boxing a closure for every
//! position of its finder-pattern rule), which was nearly half the time of a
//! batch with PDFs. Here each symbol row and column is a 128-bit word and the
//! four penalty rules of ISO/IEC 18004 §7.8.3, scored exactly as the crate
//! scores them, are shifts, masks and popcounts; the chosen mask is then
//! applied by the crate. The result is the crate's symbol, module for module
//! (a test holds the two to each other).

use crate::error::{CliError, Message};
use crate::files;
use cachet::Lang;
use qrcode::canvas::{Canvas, MaskPattern, Module};
use qrcode::{Color, EcLevel, QrCode};
use std::io::Cursor;
use std::path::Path;

/// Pixels (or SVG units) per module.
const MODULE_SIZE: u32 = 8;

/// The image formats written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Scalable vector graphics, for print.
    Svg,
    /// PNG, for mail and office software.
    Png,
}

/// The format named by a path's extension (`.svg`, `.png`, any case).
pub fn format_of(path: &Path) -> Result<Format, CliError> {
    match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("svg") => Ok(Format::Svg),
        Some("png") => Ok(Format::Png),
        _ => Err(CliError::usage(Message::new("qr-format").arg("path", path.display()))),
    }
}

/// The image of `text`'s QR code.
pub fn render(text: &str, format: Format) -> Result<Vec<u8>, CliError> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|_| CliError::usage(Message::new("qr-too-long")))?;
    match format {
        Format::Svg => Ok(code
            .render::<qrcode::render::svg::Color<'_>>()
            .quiet_zone(true)
            .module_dimensions(MODULE_SIZE, MODULE_SIZE)
            .build()
            .into_bytes()),
        Format::Png => {
            let image =
                code.render::<image::Luma<u8>>().quiet_zone(true).module_dimensions(MODULE_SIZE, MODULE_SIZE).build();
            let mut png = Cursor::new(Vec::new());
            image
                .write_to(&mut png, image::ImageFormat::Png)
                .map_err(|e| CliError::usage(Message::new("qr-render").arg("detail", e)))?;
            Ok(png.into_inner())
        }
    }
}

/// The modules of a QR code, row by row from the top, without quiet zone.
pub struct Modules {
    width: usize,
    dark: Vec<bool>,
}

impl Modules {
    /// Modules per side.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Row `y` (0 at the top): `true` for a dark module.
    pub fn row(&self, y: usize) -> &[bool] {
        self.dark.get(y * self.width..(y + 1) * self.width).unwrap_or_default()
    }
}

/// `text`'s QR code at level M: the symbol `QrCode::with_error_correction_level`
/// gives, with the mask chosen by [`best_mask`].
pub fn modules(text: &str) -> Result<Modules, CliError> {
    let too_long = |_| CliError::usage(Message::new("qr-too-long"));
    let bits = qrcode::bits::encode_auto(text.as_bytes(), EcLevel::M).map_err(too_long)?;
    let version = bits.version();
    let (data, ec) = qrcode::ec::construct_codewords(&bits.into_bytes(), version, EcLevel::M).map_err(too_long)?;
    let mut canvas = Canvas::new(version, EcLevel::M);
    canvas.draw_all_functional_patterns();
    canvas.draw_data(&data, &ec);
    let width = version.width() as usize;
    let canvas = match best_mask(&canvas, width) {
        Some(pattern) => {
            canvas.apply_mask(pattern);
            canvas
        }
        // Wider than the words (version 26 and up, more than ~1,200 bytes): the crate's own choice.
        None => canvas.apply_best_mask(),
    };
    Ok(Modules { width, dark: canvas.into_colors().into_iter().map(|c| c == Color::Dark).collect() })
}

/// The eight masks in the order of their numbers (ISO/IEC 18004 table 10).
const PATTERNS: [MaskPattern; 8] = [
    MaskPattern::Checkerboard,
    MaskPattern::HorizontalLines,
    MaskPattern::VerticalLines,
    MaskPattern::DiagonalLines,
    MaskPattern::LargeCheckerboard,
    MaskPattern::Fields,
    MaskPattern::Diamonds,
    MaskPattern::Meadow,
];

/// Format information of level M with masks 0 to 7: BCH(15,5), XOR 101010000010010 (ISO/IEC 18004 table C.1).
const FORMAT_M: [u16; 8] = [0x5412, 0x5125, 0x5e7c, 0x5b4b, 0x45f9, 0x40ce, 0x4f97, 0x4aa0];

/// Where the format information's bits go, most significant first, as (x, y); a
/// negative coordinate counts from the far side (ISO/IEC 18004 figure 25).
const FORMAT_AROUND_FINDER: [(i16, i16); 15] = [
    (0, 8),
    (1, 8),
    (2, 8),
    (3, 8),
    (4, 8),
    (5, 8),
    (7, 8),
    (8, 8),
    (8, 7),
    (8, 5),
    (8, 4),
    (8, 3),
    (8, 2),
    (8, 1),
    (8, 0),
];
const FORMAT_ALONG_SIDES: [(i16, i16); 15] = [
    (8, -1),
    (8, -2),
    (8, -3),
    (8, -4),
    (8, -5),
    (8, -6),
    (8, -7),
    (-8, 8),
    (-7, 8),
    (-6, 8),
    (-5, 8),
    (-4, 8),
    (-3, 8),
    (-2, 8),
    (-1, 8),
];

/// Mask `pattern`'s condition at column `x`, row `y` (ISO/IEC 18004 table 10).
fn mask_bit(pattern: usize, x: usize, y: usize) -> bool {
    match pattern {
        0 => (x + y).is_multiple_of(2),
        1 => y.is_multiple_of(2),
        2 => x.is_multiple_of(3),
        3 => (x + y).is_multiple_of(3),
        4 => (y / 2 + x / 3).is_multiple_of(2),
        5 => (x * y) % 2 + (x * y) % 3 == 0,
        6 => ((x * y) % 2 + (x * y) % 3).is_multiple_of(2),
        _ => ((x + y) % 2 + (x * y) % 3).is_multiple_of(2),
    }
}

/// The masks as words: `[pattern][y % 12]` is row y, `[pattern][x % 12]` of
/// the second table column x (every condition repeats every 12 rows and 6 columns).
fn mask_words() -> &'static [[[u128; 12]; 8]; 2] {
    static WORDS: std::sync::OnceLock<[[[u128; 12]; 8]; 2]> = std::sync::OnceLock::new();
    WORDS.get_or_init(|| {
        let bits = |f: &dyn Fn(usize) -> bool| (0..128).filter(|&j| f(j)).fold(0, |w, j| w | 1 << j);
        let rows = std::array::from_fn(|pattern| std::array::from_fn(|y| bits(&|x| mask_bit(pattern, x, y))));
        let cols = std::array::from_fn(|pattern| std::array::from_fn(|x| bits(&|y| mask_bit(pattern, x, y))));
        [rows, cols]
    })
}

/// The mask of lowest penalty for the unmasked `canvas` (the first of equals,
/// as the crate picks), or `None` if a row does not fit a word with its margins.
fn best_mask(canvas: &Canvas, width: usize) -> Option<MaskPattern> {
    if width + 8 > 128 {
        return None;
    }
    // Dark modules before masking, and the modules a mask flips (data, error correction, remainder), as rows and as
    // columns.
    let mut fixed = [vec![0u128; width], vec![0u128; width]];
    let mut maskable = [vec![0u128; width], vec![0u128; width]];
    for y in 0..width {
        for x in 0..width {
            let (dark, flips) = match canvas.get(x as i16, y as i16) {
                Module::Masked(color) => (color == Color::Dark, false),
                Module::Unmasked(color) => (color == Color::Dark, true),
                // Never left by the crate's drawing; a mask would turn it dark as an unmasked light module.
                Module::Empty => (false, true),
            };
            fixed[0][y] |= u128::from(dark) << x;
            fixed[1][x] |= u128::from(dark) << y;
            maskable[0][y] |= u128::from(flips) << x;
            maskable[1][x] |= u128::from(flips) << y;
        }
    }
    let masks = mask_words();
    let mut lines = [vec![0u128; width], vec![0u128; width]];
    let mut best: Option<(u32, MaskPattern)> = None;
    for (n, pattern) in PATTERNS.iter().enumerate() {
        for (axis, lines) in lines.iter_mut().enumerate() {
            for (i, line) in lines.iter_mut().enumerate() {
                *line = fixed[axis][i] ^ (maskable[axis][i] & masks[axis][n][i % 12]);
            }
        }
        let mut put = |x: usize, y: usize, dark: bool| {
            let [rows, cols] = &mut lines;
            rows[y] = rows[y] & !(1 << x) | u128::from(dark) << x;
            cols[x] = cols[x] & !(1 << y) | u128::from(dark) << y;
        };
        let at = |c: i16| if c < 0 { (c + width as i16) as usize } else { c as usize };
        for coords in [&FORMAT_AROUND_FINDER, &FORMAT_ALONG_SIDES] {
            for (i, &(x, y)) in coords.iter().enumerate() {
                put(at(x), at(y), FORMAT_M[n] >> (14 - i) & 1 == 1);
            }
        }
        // The dark module (ISO/IEC 18004 §7.9.1).
        put(8, width - 8, true);
        let score = penalty(&lines[0], &lines[1], width);
        if best.is_none_or(|(lowest, _)| score < lowest) {
            best = Some((score, *pattern));
        }
    }
    best.map(|(_, pattern)| pattern)
}

/// The penalty of a masked symbol, given as its rows and its columns (bit `x`
/// of a row is column `x`; `width + 8 <= 128`), as the `qrcode` crate scores it
/// (without its constant −720 for the three finder patterns themselves).
fn penalty(rows: &[u128], cols: &[u128], width: usize) -> u32 {
    let mut score = 0;
    for &line in rows.iter().chain(cols) {
        score += runs_penalty(line, width) + finder_penalty(line);
    }
    // N2: each 2×2 block of one colour, overlapping, 3 points.
    let inside = (1u128 << (width - 1)) - 1;
    for pair in rows.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let same = !(a ^ b) & !(a ^ (a >> 1)) & !(b ^ (b >> 1)) & inside;
        score += 3 * same.count_ones();
    }
    // N4: the crate's balance, |dark × 200 / total − 100|.
    let dark: u32 = rows.iter().map(|r| r.count_ones()).sum();
    let ratio = dark as usize * 200 / (width * width);
    score + ratio.abs_diff(100) as u32
}

/// N1: each run of 5 or more modules of one colour in a line, its length − 2:
/// the modules in such runs, less 2 for each run.
fn runs_penalty(line: u128, width: usize) -> u32 {
    // Bit x: module x + 1 has the colour of module x.
    let same = !(line ^ line >> 1) & ((1u128 << (width - 1)) - 1);
    // Bit x: modules x to x + 4 have one colour.
    let five = same & same >> 1 & same >> 2 & same >> 3;
    let starts = five & !(same << 1);
    let covered = five | five << 1 | five << 2 | five << 3 | five << 4;
    covered.count_ones() - 2 * starts.count_ones()
}

/// N3: 40 points for each dark-light-dark×3-light-dark (1:1:3:1:1) with four
/// light modules before it or after it (outside the symbol counts as light).
fn finder_penalty(line: u128) -> u32 {
    // Four light modules of margin on each side: bit x + 4 is module x.
    let dark = line << 4;
    let light = !dark;
    let pattern = dark & light >> 1 & dark >> 2 & dark >> 3 & dark >> 4 & light >> 5 & dark >> 6;
    let before = light << 1 & light << 2 & light << 3 & light << 4;
    let after = light >> 7 & light >> 8 & light >> 9 & light >> 10;
    40 * (pattern & (before | after)).count_ones()
}

/// Writes `text`'s QR code to `path`, in `format`.
pub fn write(path: &Path, format: Format, text: &str, lang: Lang) -> Result<(), CliError> {
    let bytes = render(text, format)?;
    files::write_atomic(path, &bytes, lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extension_names_the_format() {
        assert_eq!(format_of(Path::new("a/qr.SVG")).ok(), Some(Format::Svg));
        assert_eq!(format_of(Path::new("qr.png")).ok(), Some(Format::Png));
        assert_eq!(format_of(Path::new("qr.jpg")).map_err(|e| e.messages[0].code).err(), Some("qr-format"));
        assert!(format_of(Path::new("qr")).is_err());
    }

    /// Certificate-like texts of every length up to `max`, and some of other alphabets.
    fn texts(max: usize) -> Vec<String> {
        let mut seed = 0x9e37_79b9_u32;
        let mut texts = Vec::new();
        for len in 1..=max {
            let mut s = String::from("CC1:");
            for _ in 0..len {
                seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
                s.push(alphabet[(seed >> 26) as usize] as char);
            }
            texts.push(s);
        }
        texts.push("0123456789".repeat(30));
        texts.push("HTTPS://VERIFIER.CACHET.FR/V/#CC1:0".repeat(8));
        texts.push("https://verifier.cachet.fr/v/#Léa Zoé ".repeat(12));
        texts.push("x".repeat(1300));
        texts
    }

    #[test]
    fn the_symbol_is_the_qrcode_crates_module_for_module() {
        // Versions 1 to 26 at least: every mask is chosen somewhere, and the wide fallback is covered.
        let mut chosen_widths = std::collections::BTreeSet::new();
        for text in texts(700) {
            let ours = modules(&text).unwrap();
            let theirs = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).unwrap();
            assert_eq!(ours.width(), theirs.width(), "{text}");
            let dark: Vec<bool> = (0..ours.width()).flat_map(|y| ours.row(y).to_vec()).collect();
            let expected: Vec<bool> = theirs.to_colors().into_iter().map(|c| c == Color::Dark).collect();
            assert_eq!(dark, expected, "{text}");
            chosen_widths.insert(ours.width());
        }
        assert!(chosen_widths.len() > 20 && chosen_widths.iter().any(|&w| w + 8 > 128), "{chosen_widths:?}");
        assert_eq!(modules(&"x".repeat(3000)).map_err(|e| e.messages[0].code).err(), Some("qr-too-long"));
    }

    #[test]
    fn each_penalty_rule_scores_as_the_standard_says() {
        // A run of 7 dark modules in a line of 10: 7 − 2, and the light run of 3 scores nothing.
        assert_eq!(runs_penalty(0b111_1111, 10), 5);
        assert_eq!(runs_penalty(0, 12), 10);
        // 1:1:3:1:1 at the start of a line (light outside the symbol before it).
        assert_eq!(finder_penalty(0b1011101), 40);
        // Dark just before and just after: no penalty; four light before and dark after: penalised.
        assert_eq!(finder_penalty(1 << 8 | 0b1011101 << 1 | 1), 0);
        assert_eq!(finder_penalty((1 << 11 | 0b1011101 << 4) << 3), 40);
        assert_eq!(finder_penalty((1 << 16 | 0b1011101 << 5 | 1) << 1), 40);
    }

    #[test]
    fn images_have_the_quiet_zone() {
        let text = "CC1:0oQA_xA";
        let png = render(text, Format::Png).unwrap();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
        let img = image::load_from_memory_with_format(&png, image::ImageFormat::Png).unwrap().to_luma8();
        let modules = QrCode::with_error_correction_level(text, EcLevel::M).unwrap().width() as u32;
        assert_eq!(img.width(), (modules + 8) * MODULE_SIZE);
        // The 4-module border is light; the finder pattern's corner just inside is dark.
        assert!(img.get_pixel(4 * MODULE_SIZE - 1, 4 * MODULE_SIZE - 1).0[0] > 128);
        assert!(img.get_pixel(4 * MODULE_SIZE, 4 * MODULE_SIZE).0[0] < 128);
        let svg = String::from_utf8(render(text, Format::Svg).unwrap()).unwrap();
        assert!(svg.contains("<svg"));
    }
}
