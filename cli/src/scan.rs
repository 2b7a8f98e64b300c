//! `cachet scan IMAGE…`: the QR codes in image files (PNG, JPEG, WebP),
//! read by the core's reader ([`cachet::scan`]), one text per line.
//!
//! An image is read as the page reads it (www/image.js): at full size (its
//! longer side brought down to 4096 pixels), then, if nothing was found and
//! it is larger, scaled down to 1600 pixels, which helps with big, noisy
//! photos. Transparent pixels are laid over white, as on paper.
//!
//! An image's size is read from its header and checked against
//! [`limits::MAX_PIXELS`] before it is decoded, and a file's size before it
//! is read ([`limits::read_file`]). The texts are printed with control
//! characters escaped (`\u{1b}`): a code may hold a terminal's escape
//! sequences, which must not reach the terminal.
//!
//! With `--json`, one line per image read: `{"image": path, "texts": [...]}`.
//! Exit codes: 0 when every image holds a code, 1 when one holds none, 2
//! when one could not be read (not a PNG, JPEG or WebP image, or damaged).

use crate::error::{CliError, Message, EXIT_REFUSED};
use crate::i18n;
use crate::limits::{self, ReadError};
use cachet::json::Writer;
use cachet::Lang;
use image::imageops;
use image::{DynamicImage, GrayImage, ImageFormat, Luma};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The extensions `cachet verify` takes as image files (any case).
pub const IMAGE_EXTENSIONS: [&str; 5] = ["png", "jpg", "jpeg", "webp", "svg"];
/// The longest side read at "full size" (as the page).
const MAX_FULL_SIDE: u32 = 4096;
/// The longest side of the second, downscaled try (as the page).
const DOWNSCALED_SIDE: u32 = 1600;

/// Reads the QR codes in image files.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// One JSON object per image, one per line: {"image": path, "texts": [...]}.
    #[arg(long)]
    json: bool,
    /// Image files: PNG, JPEG or WebP (the format is told by the content, not the name).
    #[arg(value_name = "IMAGE", required = true)]
    images: Vec<PathBuf>,
}

pub fn run(args: &Args, lang: Lang) -> Result<ExitCode, CliError> {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let mut exit = 0u8;
    for path in &args.images {
        let texts = match texts_in_file(path, lang) {
            Ok(texts) => texts,
            Err(e) => {
                // Reported now; the other images are still read.
                let _ = e.report(lang);
                exit = exit.max(e.exit);
                continue;
            }
        };
        if texts.is_empty() {
            let _ = CliError::refused(no_code(path)).report(lang);
            exit = exit.max(EXIT_REFUSED);
        }
        let printed = if args.json {
            writeln!(out, "{}", json_line(path, &texts))
        } else {
            texts.iter().try_for_each(|t| writeln!(out, "{}", escape_controls(t)))
        };
        printed
            .and_then(|()| out.flush())
            .map_err(|e| CliError::usage(Message::new("stdout-write").arg("reason", i18n::io_reason(lang, &e))))?;
    }
    Ok(ExitCode::from(exit))
}

/// `text` with its control characters (C0, DEL, C1), the line and paragraph
/// separators and the bidirectional controls written `\u{…}`, and a
/// backslash written `\\` so that the escaping cannot be forged: a QR code's
/// text never moves the cursor, recolours or retitles the terminal.
pub fn escape_controls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let bidi = matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        if c.is_control() || bidi || c == '\u{2028}' || c == '\u{2029}' {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else if c == '\\' {
            out.push_str("\\\\");
        } else {
            out.push(c);
        }
    }
    out
}

/// The message for an image without a readable code.
pub fn no_code(path: &Path) -> Message {
    if is_pdf_path(&path.to_string_lossy()) {
        return Message::new("pdf-no-certificate").arg("path", path.display());
    }
    Message::new("no-qr-code").arg("path", path.display())
}

/// Whether `verify` takes `input` as an image file: a name ending in one of
/// [`IMAGE_EXTENSIONS`] that is not a URL. (A token never has a dot: its
/// alphabet is base64url.)
pub fn is_image_path(input: &str) -> bool {
    let ext = Path::new(input).extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    ext.is_some_and(|e| IMAGE_EXTENSIONS.contains(&e.as_str())) && !input.contains("://")
}

/// Whether `verify` takes `input` as a PDF file (`.pdf`, any case, not a URL):
/// its embedded certificate text, or the codes in its page images.
pub fn is_pdf_path(input: &str) -> bool {
    let ext = Path::new(input).extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    cfg!(feature = "pdf") && ext.as_deref() == Some("pdf") && !input.contains("://")
}

/// The bytes of an input file (an image, a PDF, a trust list), refused
/// (`input-too-large`) above [`limits::MAX_FILE`] before it is read.
pub fn read_input(path: &Path, lang: Lang) -> Result<Vec<u8>, CliError> {
    limits::read_file(path).map_err(|e| match e {
        ReadError::Io(e) => CliError::read(path, &e, lang),
        ReadError::TooLarge(size) => CliError::usage(
            Message::new("input-too-large").arg("path", path.display()).arg("size", size).arg("max", limits::MAX_FILE),
        ),
    })
}

/// The distinct texts of the QR codes in the image file at `path`; empty
/// when it holds none.
pub fn texts_in_file(path: &Path, lang: Lang) -> Result<Vec<String>, CliError> {
    let bytes = read_input(path, lang)?;
    #[cfg(feature = "pdf")]
    if crate::pdf_read::is_pdf(&bytes) || is_pdf_path(&path.to_string_lossy()) {
        // The text embedded by the issuer, else the codes in the page images.
        return crate::pdf_read::texts_in_pdf(&bytes, texts_in_image)
            .map(|(texts, _)| texts)
            .map_err(|e| CliError::usage(Message::new(e.code).arg("path", path.display()).arg("detail", e.detail)));
    }
    let image = decode(&bytes).map_err(|(code, detail)| {
        CliError::usage(Message::new(code).arg("path", path.display()).arg("detail", detail))
    })?;
    Ok(texts_in_image(image))
}

/// The image in `bytes`, if it is a PNG, JPEG or WebP image of at most
/// [`limits::MAX_PIXELS`] pixels, or the SVG QR code `cachet issue --qr`
/// writes; else the error's code and detail.
fn decode(bytes: &[u8]) -> Result<DynamicImage, (&'static str, String)> {
    match image::guess_format(bytes) {
        Ok(format @ (ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::WebP)) => {
            limits::decode_image(bytes, Some(format), limits::MAX_PIXELS).map_err(|e| ("image-decode", e))
        }
        _ => match crate::svg_read::rasterize(bytes) {
            Some(picture) => Ok(DynamicImage::ImageLuma8(picture)),
            None => Err(("image-unsupported", String::new())),
        },
    }
}

/// The longest sides to read the image at, in order: full size (at most
/// [`MAX_FULL_SIDE`]), then [`DOWNSCALED_SIDE`] if the image is larger.
fn sides(width: u32, height: u32) -> Vec<u32> {
    let longer = width.max(height);
    let mut sides = vec![longer.min(MAX_FULL_SIDE)];
    if longer > DOWNSCALED_SIDE {
        sides.push(DOWNSCALED_SIDE);
    }
    sides
}

/// The distinct texts of the QR codes in `image`, read at each of [`sides`]
/// until one gives a text.
pub fn texts_in_image(image: DynamicImage) -> Vec<String> {
    let grey = grey(image);
    let (width, height) = grey.dimensions();
    let longer = width.max(height);
    for side in sides(width, height) {
        let texts = if side == longer {
            scan(&grey)
        } else {
            // Fits the image in side × side, keeping its proportions.
            let scale = f64::from(side) / f64::from(longer);
            let fit = |n: u32| ((f64::from(n) * scale).round() as u32).max(1);
            // Area averaging in integers: a 32-megapixel image is brought
            // down without the f32 RGBA copy (16 bytes a pixel) a filtered
            // resize makes, and in a fraction of its time.
            scan(&imageops::thumbnail(&grey, fit(width), fit(height)))
        };
        if !texts.is_empty() {
            return texts;
        }
    }
    Vec::new()
}

/// One pass of the core's reader.
fn scan(grey: &GrayImage) -> Vec<String> {
    cachet::scan::scan_luma(grey.as_raw(), grey.width() as usize, grey.height() as usize)
}

/// The image in grey levels, with the weights of the core's
/// [`cachet::scan::scan_rgba`] (what the page reads from a canvas). Taken
/// by value: the decoded image is freed before the reader runs, and the
/// usual 8-bit grey and RGB images are never copied to RGBA (a 24-megapixel
/// photo is then 24 MB of grey levels).
fn grey(image: DynamicImage) -> GrayImage {
    let level = |r: u8, g: u8, b: u8| ((u32::from(r) * 77 + u32::from(g) * 150 + u32::from(b) * 29 + 128) >> 8) as u8;
    match image {
        DynamicImage::ImageLuma8(grey) => grey,
        DynamicImage::ImageRgb8(rgb) => GrayImage::from_fn(rgb.width(), rgb.height(), |x, y| {
            let [r, g, b] = rgb.get_pixel(x, y).0;
            Luma([level(r, g, b)])
        }),
        other => {
            let rgba = other.to_rgba8();
            drop(other);
            // Over white: a code drawn on a transparent background reads as on paper.
            GrayImage::from_fn(rgba.width(), rgba.height(), |x, y| {
                let [r, g, b, a] = rgba.get_pixel(x, y).0;
                let (l, a) = (u32::from(level(r, g, b)), u32::from(a));
                Luma([((l * a + 255 * (255 - a) + 127) / 255) as u8])
            })
        }
    }
}

/// `{"image":path,"texts":[...]}`.
fn json_line(path: &Path, texts: &[String]) -> String {
    let mut w = Writer::new();
    w.begin_object();
    w.member_str("image", &path.to_string_lossy());
    w.key("texts");
    w.begin_array();
    for t in texts {
        w.string(t);
    }
    w.end_array();
    w.end_object();
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_images_are_read_again_at_1600_pixels() {
        assert_eq!(sides(800, 600), [800]);
        assert_eq!(sides(1600, 1200), [1600]);
        assert_eq!(sides(1200, 2000), [2000, 1600]);
        assert_eq!(sides(8000, 6000), [4096, 1600]);
    }

    #[test]
    fn image_inputs_are_told_by_their_extension() {
        for input in ["qr.png", "a/b/Photo.JPG", "scan.jpeg", "x.webp", "qr.svg"] {
            assert!(is_image_path(input), "{input}");
        }
        for input in ["CC1:0oQA_xA", "https://v.example/c#CC1:0oQA_xA", "https://v.example/qr.png", "qr.gif", "-"] {
            assert!(!is_image_path(input), "{input}");
        }
    }

    #[test]
    fn files_that_are_not_images_are_refused_with_a_code() {
        assert_eq!(decode(b"CC1:0oQA_xA\n").err().map(|e| e.0), Some("image-unsupported"));
        // GIF is an image, but not one of the formats read.
        assert_eq!(decode(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;").err().map(|e| e.0), Some("image-unsupported"));
        // A PNG signature and nothing else: damaged.
        assert_eq!(decode(b"\x89PNG\r\n\x1a\n").err().map(|e| e.0), Some("image-decode"));
    }

    #[test]
    fn a_code_on_a_transparent_background_reads_as_on_white() {
        let text = "CC1:0oQA_xA";
        let grey = qrcode::QrCode::new(text).unwrap().render::<image::Luma<u8>>().module_dimensions(4, 4).build();
        // Dark modules opaque black, light ones fully transparent (and black underneath).
        let rgba = image::RgbaImage::from_fn(grey.width(), grey.height(), |x, y| {
            let dark = grey.get_pixel(x, y).0[0] < 128;
            image::Rgba([0, 0, 0, if dark { 255 } else { 0 }])
        });
        assert_eq!(texts_in_image(DynamicImage::ImageRgba8(rgba)), [text]);
        let rgb = DynamicImage::ImageLuma8(grey.clone()).to_rgb8();
        assert_eq!(texts_in_image(DynamicImage::ImageRgb8(rgb)), [text]);
        assert_eq!(texts_in_image(DynamicImage::ImageLuma8(grey)), [text]);
    }
}
