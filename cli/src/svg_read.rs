//! The SVG QR codes that `cachet issue --qr CODE.svg` writes, drawn back
//! into pixels so that `cachet verify` and `cachet scan` read them like a
//! PNG.
//!
//! Not an SVG renderer: it reads the one shape the `qrcode` crate's SVG
//! renderer writes (an `<svg>` with `width` and `height`, a white `<rect>`
//! background, and black `<path>`s whose `d` is a run of module squares
//! `M x y h w v h H x V y`), and fills each square. Anything else (another
//! drawing, a transform, a curve) is not read: the file is refused as an
//! image this command does not read, never drawn wrong.

use crate::limits;
use image::GrayImage;

/// The picture of the QR code drawn by the SVG in `bytes`, or `None` when it
/// is not an SVG of that shape, or larger than [`limits::MAX_PIXELS`].
pub fn rasterize(bytes: &[u8]) -> Option<GrayImage> {
    let text = std::str::from_utf8(bytes).ok()?;
    let svg = &text[text.find("<svg")?..];
    let head = &svg[..svg.find('>')?];
    let (width, height) = (attribute(head, "width")?, attribute(head, "height")?);
    if width == 0 || height == 0 || u64::from(width) * u64::from(height) > limits::MAX_PIXELS {
        return None;
    }
    if svg.contains("transform") || svg.contains("<use") || svg.contains("<image") {
        return None;
    }
    let mut picture = GrayImage::from_pixel(width, height, image::Luma([255]));
    let mut rest = svg;
    let mut drawn = false;
    while let Some(at) = rest.find("<path") {
        let tag = &rest[at..rest[at..].find('>').map(|end| at + end)?];
        let fill = attribute_text(tag, "fill").unwrap_or("#000");
        if !matches!(fill, "#000" | "#000000" | "black") {
            return None;
        }
        for (x, y, w, h) in squares(attribute_text(tag, "d")?)? {
            let (x1, y1) = (x.checked_add(w)?.min(width), y.checked_add(h)?.min(height));
            for py in y.min(height)..y1 {
                for px in x.min(width)..x1 {
                    picture.put_pixel(px, py, image::Luma([0]));
                }
            }
            drawn = true;
        }
        rest = &rest[at + tag.len()..];
    }
    drawn.then_some(picture)
}

/// The value of `name="…"` in a tag, as text.
fn attribute_text<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let len = tag[start..].find('"')?;
    Some(&tag[start..start + len])
}

/// The value of `name="N"` in a tag, a whole number of pixels.
fn attribute(tag: &str, name: &str) -> Option<u32> {
    attribute_text(tag, name)?.parse().ok()
}

/// The squares of a path made only of `M x y h w v h H x V y` runs, as
/// (x, y, width, height) in whole pixels; `None` for any other path.
fn squares(d: &str) -> Option<Vec<(u32, u32, u32, u32)>> {
    let mut out = Vec::new();
    let mut rest = d.trim();
    while !rest.is_empty() {
        let mut numbers = [0u32; 6];
        for (i, command) in ['M', ' ', 'h', 'v', 'H', 'V'].into_iter().enumerate() {
            rest = if command == ' ' { rest.strip_prefix(' ')? } else { rest.strip_prefix(command)? };
            let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
            numbers[i] = rest[..digits].parse().ok()?;
            rest = &rest[digits..];
        }
        let [x, y, w, h, back_x, back_y] = numbers;
        // A square drawn from (x, y) that closes on itself.
        if back_x != x || back_y != y || w == 0 || h == 0 {
            return None;
        }
        out.push((x, y, w, h));
        rest = rest.trim_start();
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_squares_are_filled_and_other_drawings_refused() {
        let svg = r##"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="4" height="3"><rect x="0" y="0" width="4" height="3" fill="#fff"/><path fill="#000" d="M1 0h2v2H1V0M0 2h1v1H0V2"/></svg>"##;
        let picture = rasterize(svg.as_bytes()).unwrap();
        let dark: Vec<(u32, u32)> =
            picture.enumerate_pixels().filter(|(_, _, p)| p.0[0] == 0).map(|(x, y, _)| (x, y)).collect();
        assert_eq!(dark, [(1, 0), (2, 0), (1, 1), (2, 1), (0, 2)]);

        for other in [
            svg.replace("M1 0h2v2H1V0", "M1 0c2 2 2 2 1 1"),
            svg.replace("<path", "<path transform=\"rotate(3)\""),
            svg.replace("fill=\"#000\"", "fill=\"#123\""),
            svg.replace("width=\"4\" height=\"3\"", "width=\"40000\" height=\"30000\""),
            svg.replace("<path fill=\"#000\" d=\"M1 0h2v2H1V0M0 2h1v1H0V2\"/>", ""),
            "not an svg".to_owned(),
        ] {
            assert!(rasterize(other.as_bytes()).is_none(), "{other}");
        }
    }
}
