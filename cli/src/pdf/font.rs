//! The fonts embedded in the PDF certificates: DejaVu Sans and DejaVu Sans
//! Bold, cut once (`cli/assets/fonts/make-subset.sh`) to the characters of
//! WinAnsiEncoding, and cut again for each PDF to the glyphs its page uses.
//!
//! A PDF/A file must embed every font it draws with. Each certificate gets a
//! simple TrueType font per face (`/Subtype /TrueType`, `WinAnsiEncoding`,
//! so the page's strings stay one byte a character), whose font program keeps
//! every table and glyph number of the committed subset but only the outlines
//! of the glyphs used (an unused glyph is empty): 3 to 5 KB compressed a
//! face rather than 10. The cut keeps the `cmap` (PDF/A asks a non-symbolic
//! TrueType font for its Microsoft Unicode subtable) and the `hmtx` from which
//! the `/Widths` are taken, so the two always agree.
//!
//! Parsing here is of the two committed files only, done once per process;
//! every read is bounds-checked and a malformed file is an error (`pdf-font`),
//! never a panic.

use std::ops::Range;
use std::sync::OnceLock;

/// The regular and bold faces.
static FACES: OnceLock<Result<[Face; 2], &'static str>> = OnceLock::new();

const REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.subset.ttf");
const BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.subset.ttf");

/// The regular (`bold == false`) or bold face, parsed on first use.
pub fn face(bold: bool) -> Result<&'static Face, &'static str> {
    let faces = FACES.get_or_init(|| {
        let faces = [Face::parse("DejaVuSans", REGULAR)?, Face::parse("DejaVuSans-Bold", BOLD)?];
        // What `subset_shifted` rewrites must be zero, or its bytes would not sum 1021 more.
        if faces.iter().any(|f| f.table(b"post").and_then(|p| p.get(MEMORY_HINTS_TYPE1)) != Some(&[0; 8][..])) {
            return Err("post table's Type 1 memory hints are not zero");
        }
        Ok(faces)
    });
    match faces {
        Ok([regular, bold_face]) => Ok(if bold { bold_face } else { regular }),
        Err(e) => Err(e),
    }
}

/// One face: its tables, its glyphs, and what a PDF font dictionary says of it.
pub struct Face {
    /// PostScript name (name ID 6).
    pub name: &'static str,
    data: &'static [u8],
    /// Table tags and their bytes in `data`, in the file's directory order (by tag).
    tables: Vec<([u8; 4], Range<usize>)>,
    /// Each glyph's bytes in `data` (empty for a glyph without outline).
    glyphs: Vec<Range<usize>>,
    /// The glyphs a composite glyph is made of (empty for a simple glyph).
    components: Vec<Vec<u16>>,
    /// The glyph of each WinAnsi code (0 for a code WinAnsi leaves unassigned).
    gids: [u16; 256],
    /// The advance width of each WinAnsi code, in thousandths of the font size, rounded.
    widths: [f32; 256],
    /// Bounding box, ascent, descent and capital height, in thousandths of the font size.
    pub bbox: [f32; 4],
    pub ascent: f32,
    pub descent: f32,
    pub cap_height: f32,
    /// OS/2 weight class (400 regular, 700 bold).
    pub weight: u16,
}

fn u16_at(b: &[u8], at: usize) -> Result<u16, &'static str> {
    b.get(at..at + 2).map(|s| u16::from_be_bytes([s[0], s[1]])).ok_or("truncated")
}

fn i16_at(b: &[u8], at: usize) -> Result<i16, &'static str> {
    u16_at(b, at).map(|v| v as i16)
}

fn u32_at(b: &[u8], at: usize) -> Result<u32, &'static str> {
    b.get(at..at + 4).map(|s| u32::from_be_bytes([s[0], s[1], s[2], s[3]])).ok_or("truncated")
}

impl Face {
    fn parse(name: &'static str, data: &'static [u8]) -> Result<Face, &'static str> {
        let count = usize::from(u16_at(data, 4)?);
        let mut tables = Vec::with_capacity(count);
        for i in 0..count {
            let at = 12 + 16 * i;
            let tag: [u8; 4] = data.get(at..at + 4).ok_or("truncated")?.try_into().map_err(|_| "truncated")?;
            let (offset, length) = (u32_at(data, at + 8)? as usize, u32_at(data, at + 12)? as usize);
            if offset.checked_add(length).is_none_or(|end| end > data.len()) {
                return Err("table out of bounds");
            }
            tables.push((tag, offset..offset + length));
        }
        let table = |tag: &[u8; 4]| -> Result<&'static [u8], &'static str> {
            let range = tables.iter().find(|(t, _)| t == tag).map(|(_, r)| r.clone()).ok_or("missing table")?;
            Ok(&data[range])
        };
        let (head, hhea, hmtx, maxp) = (table(b"head")?, table(b"hhea")?, table(b"hmtx")?, table(b"maxp")?);
        let (loca, glyf, cmap, os2) = (table(b"loca")?, table(b"glyf")?, table(b"cmap")?, table(b"OS/2")?);
        let post = table(b"post")?;
        if post.len() < MEMORY_HINTS_TYPE1.end {
            return Err("post table too short");
        }
        let glyf_start = tables.iter().find(|(t, _)| t == b"glyf").map_or(0, |(_, r)| r.start);

        let units = f32::from(u16_at(head, 18)?.max(1));
        let scale = |v: i16| f32::from(v) * 1000.0 / units;
        let bbox =
            [scale(i16_at(head, 36)?), scale(i16_at(head, 38)?), scale(i16_at(head, 40)?), scale(i16_at(head, 42)?)];
        let long_loca = i16_at(head, 50)? == 1;
        let count = usize::from(u16_at(maxp, 4)?);
        let mut glyphs = Vec::with_capacity(count);
        let offset = |i: usize| -> Result<usize, &'static str> {
            if long_loca {
                u32_at(loca, 4 * i).map(|v| v as usize)
            } else {
                u16_at(loca, 2 * i).map(|v| 2 * usize::from(v))
            }
        };
        for i in 0..count {
            let (start, end) = (offset(i)?, offset(i + 1)?);
            if start > end || end > glyf.len() {
                return Err("glyph out of bounds");
            }
            glyphs.push(glyf_start + start..glyf_start + end);
        }
        let mut components = Vec::with_capacity(count);
        for range in &glyphs {
            components.push(composite_parts(&data[range.clone()])?);
        }

        let metrics = usize::from(u16_at(hhea, 34)?.max(1));
        let advance = |gid: u16| u16_at(hmtx, 4 * usize::from(gid).min(metrics - 1));
        let unicode = unicode_subtable(cmap)?;
        let (mut gids, mut widths) = ([0u16; 256], [0f32; 256]);
        for code in 0..=255u8 {
            if let Some(c) = super::win_ansi_char(code) {
                let gid = cmap4_lookup(unicode, u32::from(c))?;
                if usize::from(gid) >= count {
                    return Err("glyph number out of range");
                }
                gids[usize::from(code)] = gid;
                // Rounded: the `/Widths` are written as integers, within the 1/1000 em that PDF/A
                // validators allow between them and the font program.
                widths[usize::from(code)] = (f32::from(advance(gid)?) * 1000.0 / units).round();
            }
        }
        // The capital height: OS/2's when its version has it, else the top of `H`.
        let cap_height = if u16_at(os2, 0)? >= 2 {
            scale(i16_at(os2, 88)?)
        } else {
            let h = &data[glyphs[usize::from(gids[usize::from(b'H')])].clone()];
            scale(if h.len() >= 10 { i16_at(h, 8)? } else { 0 })
        };
        Ok(Face {
            name,
            data,
            tables,
            glyphs,
            components,
            gids,
            widths,
            bbox,
            ascent: scale(i16_at(hhea, 4)?),
            descent: scale(i16_at(hhea, 6)?),
            cap_height,
            weight: u16_at(os2, 4)?,
        })
    }

    /// The bytes of table `tag`.
    fn table(&self, tag: &[u8; 4]) -> Option<&'static [u8]> {
        let range = self.tables.iter().find(|(t, _)| t == tag)?.1.clone();
        self.data.get(range)
    }

    /// The advance width of WinAnsi `code`, in thousandths of the font size.
    pub fn width(&self, code: u8) -> f32 {
        self.widths[usize::from(code)]
    }

    /// Whether WinAnsi `code` is drawn with a glyph of this face (not `.notdef`).
    #[cfg(test)]
    pub fn has(&self, code: u8) -> bool {
        self.gids[usize::from(code)] != 0
    }

    /// The font program with the outlines of the glyphs of `used` (WinAnsi
    /// codes) and `.notdef`, and their components; every other glyph empty.
    /// The same `used` always gives the same bytes.
    pub fn subset(&self, used: &[bool; 256]) -> Vec<u8> {
        self.cut(used, false)
    }

    /// [`subset`](Self::subset) whose bytes add up to exactly 1021 more,
    /// every checksum as it was: the `post` table's Type 1 memory hints
    /// (`minMemType1`, `maxMemType1`: what a printer driver converting the
    /// font to Type 1 may reserve; 0 and 0, "unknown", in both faces, which
    /// [`face`] checks) are 1 and 0xFFFFFFFF. The two words sum to 0 mod 2^32,
    /// so the `post` table's checksum, the table directory and
    /// `head.checkSumAdjustment` are those of `subset`, byte for byte; the
    /// eight bytes add 1 + 4 × 255. Nothing that draws or checks a PDF reads
    /// these hints, and "between 1 byte and 4 GiB" is true of any font.
    /// Used for the one font program in 256 whose zlib form would end with a
    /// CR (see `font_program` in `pdf.rs`).
    pub fn subset_shifted(&self, used: &[bool; 256]) -> Vec<u8> {
        self.cut(used, true)
    }

    fn cut(&self, used: &[bool; 256], shifted: bool) -> Vec<u8> {
        let mut keep = vec![false; self.glyphs.len()];
        let mut stack: Vec<u16> = vec![0];
        stack.extend((0..256).filter(|&c| used[c]).map(|c| self.gids[c]));
        while let Some(gid) = stack.pop() {
            let Some(slot) = keep.get_mut(usize::from(gid)) else { continue };
            if !*slot {
                *slot = true;
                stack.extend(self.components.get(usize::from(gid)).into_iter().flatten().copied());
            }
        }
        // glyf and a long-format loca.
        let mut glyf = Vec::new();
        let mut loca = Vec::with_capacity(4 * (self.glyphs.len() + 1));
        for (range, keep) in self.glyphs.iter().zip(&keep) {
            loca.extend_from_slice(&(glyf.len() as u32).to_be_bytes());
            if *keep {
                glyf.extend_from_slice(&self.data[range.clone()]);
                glyf.resize(glyf.len().next_multiple_of(4), 0);
            }
        }
        loca.extend_from_slice(&(glyf.len() as u32).to_be_bytes());

        let count = self.tables.len();
        let mut out = Vec::with_capacity(self.data.len());
        out.extend_from_slice(&0x0001_0000u32.to_be_bytes());
        let power = 1u16 << (15 - (count as u16).max(1).leading_zeros());
        for v in [count as u16, power * 16, power.trailing_zeros() as u16, (count as u16 - power) * 16] {
            out.extend_from_slice(&v.to_be_bytes());
        }
        out.resize(12 + 16 * count, 0);
        let mut head_at = None;
        for (i, (tag, range)) in self.tables.iter().enumerate() {
            let start = out.len();
            match tag {
                b"glyf" => out.extend_from_slice(&glyf),
                b"loca" => out.extend_from_slice(&loca),
                b"head" => {
                    head_at = Some(start);
                    out.extend_from_slice(&self.data[range.clone()]);
                    // checkSumAdjustment, set below; indexToLocFormat: long.
                    out[start + 8..start + 12].fill(0);
                    out[start + 50..start + 52].copy_from_slice(&1u16.to_be_bytes());
                }
                b"post" if shifted => {
                    out.extend_from_slice(&self.data[range.clone()]);
                    let hints = start + MEMORY_HINTS_TYPE1.start..start + MEMORY_HINTS_TYPE1.end;
                    out[hints].copy_from_slice(&SHIFTED_HINTS);
                }
                _ => out.extend_from_slice(&self.data[range.clone()]),
            }
            let length = out.len() - start;
            out.resize(out.len().next_multiple_of(4), 0);
            let entry = 12 + 16 * i;
            out[entry..entry + 4].copy_from_slice(tag);
            let sum = checksum(&out[start..]);
            out[entry + 4..entry + 8].copy_from_slice(&sum.to_be_bytes());
            out[entry + 8..entry + 12].copy_from_slice(&(start as u32).to_be_bytes());
            out[entry + 12..entry + 16].copy_from_slice(&(length as u32).to_be_bytes());
        }
        if let Some(at) = head_at {
            let adjustment = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
            out[at + 8..at + 12].copy_from_slice(&adjustment.to_be_bytes());
        }
        out
    }
}

/// `minMemType1` and `maxMemType1` in the `post` table.
const MEMORY_HINTS_TYPE1: Range<usize> = 24..32;
/// What [`Face::subset_shifted`] writes there: 1 and 0xFFFFFFFF.
const SHIFTED_HINTS: [u8; 8] = [0, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFF];

/// The sum of `bytes` as big-endian 32-bit words (the last one padded with zeros).
fn checksum(bytes: &[u8]) -> u32 {
    bytes.chunks(4).fold(0u32, |sum, word| {
        let mut w = [0u8; 4];
        w[..word.len()].copy_from_slice(word);
        sum.wrapping_add(u32::from_be_bytes(w))
    })
}

/// The glyphs a composite glyph refers to; none for a simple or empty glyph.
fn composite_parts(glyph: &[u8]) -> Result<Vec<u16>, &'static str> {
    if glyph.is_empty() || i16_at(glyph, 0)? >= 0 {
        return Ok(Vec::new());
    }
    const WORDS: u16 = 0x0001;
    const SCALE: u16 = 0x0008;
    const MORE: u16 = 0x0020;
    const XY_SCALE: u16 = 0x0040;
    const TWO_BY_TWO: u16 = 0x0080;
    let (mut parts, mut at) = (Vec::new(), 10);
    loop {
        let flags = u16_at(glyph, at)?;
        parts.push(u16_at(glyph, at + 2)?);
        at += 4 + if flags & WORDS != 0 { 4 } else { 2 };
        at += if flags & SCALE != 0 {
            2
        } else if flags & XY_SCALE != 0 {
            4
        } else if flags & TWO_BY_TWO != 0 {
            8
        } else {
            0
        };
        if flags & MORE == 0 {
            return Ok(parts);
        }
    }
}

/// The `cmap`'s Windows Unicode BMP subtable (3, 1), which must be format 4.
fn unicode_subtable(cmap: &[u8]) -> Result<&[u8], &'static str> {
    for i in 0..usize::from(u16_at(cmap, 2)?) {
        let at = 4 + 8 * i;
        if (u16_at(cmap, at)?, u16_at(cmap, at + 2)?) == (3, 1) {
            let sub = cmap.get(u32_at(cmap, at + 4)? as usize..).ok_or("truncated")?;
            return if u16_at(sub, 0)? == 4 { Ok(sub) } else { Err("cmap (3, 1) is not format 4") };
        }
    }
    Err("no Unicode cmap (3, 1)")
}

/// The glyph of `c` in a format-4 `cmap` subtable; 0 (`.notdef`) when absent.
fn cmap4_lookup(sub: &[u8], c: u32) -> Result<u16, &'static str> {
    let segments = usize::from(u16_at(sub, 6)? / 2);
    let (ends, starts, deltas, offsets) = (14, 16 + 2 * segments, 16 + 4 * segments, 16 + 6 * segments);
    for s in 0..segments {
        let end = u32::from(u16_at(sub, ends + 2 * s)?);
        if c > end {
            continue;
        }
        let start = u32::from(u16_at(sub, starts + 2 * s)?);
        if c < start {
            return Ok(0);
        }
        let delta = u16_at(sub, deltas + 2 * s)?;
        let range_offset = usize::from(u16_at(sub, offsets + 2 * s)?);
        if range_offset == 0 {
            return Ok((c as u16).wrapping_add(delta));
        }
        let at = offsets + 2 * s + range_offset + 2 * (c - start) as usize;
        let gid = u16_at(sub, at)?;
        return Ok(if gid == 0 { 0 } else { gid.wrapping_add(delta) });
    }
    Ok(0)
}

/// Checks a TrueType font program's checksums: each table's, as its directory
/// entry says (`head` with its `checkSumAdjustment` as 0), and the whole
/// file's, which `checkSumAdjustment` makes 0xB1B0AFBA; and that it parses.
#[cfg(test)]
pub fn assert_checksums(font: &[u8]) {
    let leaked: &'static [u8] = Box::leak(font.to_vec().into_boxed_slice());
    let parsed = Face::parse("checked", leaked).unwrap();
    assert_eq!(checksum(font), 0xB1B0_AFBA, "whole file");
    for (i, (tag, range)) in parsed.tables.iter().enumerate() {
        let stored = u32_at(font, 12 + 16 * i + 4).unwrap();
        let mut table = font[range.start..range.end.next_multiple_of(4).min(font.len())].to_vec();
        if tag == b"head" {
            table[8..12].fill(0);
        }
        assert_eq!(stored, checksum(&table), "table {}", String::from_utf8_lossy(tag));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_faces_parse_and_cover_winansi() {
        for bold in [false, true] {
            let face = face(bold).unwrap();
            for code in (0x20..=0x7E).chain(0xA0..=0xFF) {
                assert!(face.has(code), "{} lacks {code:#x}", face.name);
                assert!(face.width(code) > 0.0 || code == 0xAD, "{} {code:#x}", face.name);
            }
            // The 27 letters and signs of 0x80-0x9F, and none of its 5 holes.
            assert_eq!((0x80..=0x9F).filter(|&c| face.has(c)).count(), 27, "{}", face.name);
            assert!(face.ascent > 700.0 && face.descent < -150.0 && face.cap_height > 650.0);
        }
        // DejaVu Sans: 'A' is 1401 units of 2048 wide, 'i' 569.
        let regular = face(false).unwrap();
        assert_eq!(regular.width(b'A'), 684.0);
        assert_eq!(regular.width(b'i'), 278.0);
    }

    #[test]
    fn a_subset_keeps_the_used_glyphs_and_their_components() {
        let face = face(false).unwrap();
        let mut used = [false; 256];
        // 'é' is a composite of 'e' and the acute accent in DejaVu Sans.
        used[0xE9] = true;
        let subset = face.subset(&used);
        let reparsed = Face::parse("subset", Box::leak(subset.clone().into_boxed_slice())).unwrap();
        let e_acute = usize::from(face.gids[0xE9]);
        assert!(!face.components[e_acute].is_empty(), "é is a composite");
        for gid in std::iter::once(e_acute).chain(face.components[e_acute].iter().map(|&g| usize::from(g))) {
            assert_eq!(
                &reparsed.data[reparsed.glyphs[gid].clone()],
                &face.data[face.glyphs[gid].clone()],
                "glyph {gid} kept as it was"
            );
        }
        assert!(reparsed.glyphs[usize::from(face.gids[usize::from(b'Z')])].is_empty(), "Z dropped");
        assert_eq!(reparsed.gids, face.gids, "glyph numbers kept");
        assert_eq!(reparsed.widths, face.widths, "widths kept");
        assert_checksums(&subset);
        assert!(subset.len() < face.data.len() / 2, "{} bytes", subset.len());
        assert_eq!(face.subset(&used), subset, "deterministic");
    }

    #[test]
    fn a_shifted_subset_sums_1021_more_with_every_checksum_as_it_was() {
        for bold in [false, true] {
            let face = face(bold).unwrap();
            let used: [bool; 256] = std::array::from_fn(|c| (c as u8).is_ascii_alphanumeric() || c == 0xE9);
            let (plain, shifted) = (face.subset(&used), face.subset_shifted(&used));
            assert_checksums(&shifted);
            // Only the eight bytes of the post table's Type 1 memory hints differ, from 0 and 0 to 1 and 0xFFFFFFFF.
            let post = table_range(&shifted, b"post");
            let hints = post.start + 24..post.start + 32;
            let differ: Vec<usize> = (0..plain.len()).filter(|&i| plain[i] != shifted[i]).collect();
            assert_eq!(
                (plain.len(), differ.first(), differ.last()),
                (shifted.len(), Some(&(hints.start + 3)), Some(&(hints.end - 1)))
            );
            assert_eq!((&plain[hints.clone()], &shifted[hints.clone()]), (&[0u8; 8][..], &SHIFTED_HINTS[..]));
            let sum = |b: &[u8]| b.iter().map(|&b| u64::from(b)).sum::<u64>();
            assert_eq!(sum(&shifted), sum(&plain) + 1021);
            // The same font otherwise: glyphs, glyph numbers and widths.
            let (a, b) = (Face::parse("a", leak(plain)).unwrap(), Face::parse("b", leak(shifted)).unwrap());
            assert_eq!((a.gids, a.widths, a.tables.len()), (b.gids, b.widths, b.tables.len()));
            assert!(a.glyphs.iter().zip(&b.glyphs).all(|(x, y)| a.data[x.clone()] == b.data[y.clone()]));
            assert_eq!(face.subset_shifted(&used), face.subset_shifted(&used), "deterministic");
        }
    }

    fn leak(bytes: Vec<u8>) -> &'static [u8] {
        Box::leak(bytes.into_boxed_slice())
    }

    fn table_range(font: &[u8], tag: &[u8; 4]) -> Range<usize> {
        let count = usize::from(u16_at(font, 4).unwrap());
        let entry = (0..count).map(|i| 12 + 16 * i).find(|&at| &font[at..at + 4] == tag).unwrap();
        let (offset, length) = (u32_at(font, entry + 8).unwrap() as usize, u32_at(font, entry + 12).unwrap() as usize);
        offset..offset + length
    }

    #[test]
    fn malformed_fonts_are_errors() {
        for bytes in [&b""[..], &b"\0\x01\0\0\0\x09"[..], &REGULAR[..200], &REGULAR[..REGULAR.len() / 2]] {
            assert!(Face::parse("bad", bytes).is_err());
        }
    }
}
