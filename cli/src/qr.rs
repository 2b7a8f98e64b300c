//! The QR code of a certificate's text (ISO/IEC 18004), as SVG or PNG.
//!
//! Error correction level M (15 % of the code may be lost), the standard
//! quiet zone of 4 modules, 8 pixels (SVG units) per module. The format
//! comes from the file's extension.

use crate::error::{CliError, Message};
use crate::files;
use cachet::Lang;
use qrcode::{EcLevel, QrCode};
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
