//! From a grid of modules to text (ISO/IEC 18004 §7–8): format and version
//! information with their BCH codes, the function patterns, unmasking, the
//! zigzag codeword order, de-interleaving, Reed–Solomon correction and the
//! segments (numeric, alphanumeric, byte, Kanji, ECI).

use super::charset::{self, text_of, Charset};
use super::rs;

/// A square grid of sampled modules, `true` for dark, row by row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grid {
    /// Modules per side (21 for version 1 … 177 for version 40).
    pub dim: usize,
    /// `dim * dim` modules, row by row.
    pub modules: Vec<bool>,
}

impl Grid {
    /// The module at column `x`, row `y` (light outside the grid).
    pub fn get(&self, x: usize, y: usize) -> bool {
        x < self.dim && self.modules.get(y.wrapping_mul(self.dim).wrapping_add(x)).copied().unwrap_or(false)
    }

    /// The grid mirrored about its main diagonal (a code seen from behind).
    pub fn transposed(&self) -> Grid {
        let mut modules = Vec::with_capacity(self.modules.len());
        for y in 0..self.dim {
            for x in 0..self.dim {
                modules.push(self.get(y, x));
            }
        }
        Grid { dim: self.dim, modules }
    }
}

/// Per version (1–40) and error-correction level (L, M, Q, H): check bytes
/// per block, blocks in group 1, data bytes per group-1 block, blocks in
/// group 2 (whose blocks hold one data byte more). ISO/IEC 18004 Table 9.
const BLOCKS: [[(u8, u8, u8, u8); 4]; 40] = [
    [(7, 1, 19, 0), (10, 1, 16, 0), (13, 1, 13, 0), (17, 1, 9, 0)], // 1
    [(10, 1, 34, 0), (16, 1, 28, 0), (22, 1, 22, 0), (28, 1, 16, 0)], // 2
    [(15, 1, 55, 0), (26, 1, 44, 0), (18, 2, 17, 0), (22, 2, 13, 0)], // 3
    [(20, 1, 80, 0), (18, 2, 32, 0), (26, 2, 24, 0), (16, 4, 9, 0)], // 4
    [(26, 1, 108, 0), (24, 2, 43, 0), (18, 2, 15, 2), (22, 2, 11, 2)], // 5
    [(18, 2, 68, 0), (16, 4, 27, 0), (24, 4, 19, 0), (28, 4, 15, 0)], // 6
    [(20, 2, 78, 0), (18, 4, 31, 0), (18, 2, 14, 4), (26, 4, 13, 1)], // 7
    [(24, 2, 97, 0), (22, 2, 38, 2), (22, 4, 18, 2), (26, 4, 14, 2)], // 8
    [(30, 2, 116, 0), (22, 3, 36, 2), (20, 4, 16, 4), (24, 4, 12, 4)], // 9
    [(18, 2, 68, 2), (26, 4, 43, 1), (24, 6, 19, 2), (28, 6, 15, 2)], // 10
    [(20, 4, 81, 0), (30, 1, 50, 4), (28, 4, 22, 4), (24, 3, 12, 8)], // 11
    [(24, 2, 92, 2), (22, 6, 36, 2), (26, 4, 20, 6), (28, 7, 14, 4)], // 12
    [(26, 4, 107, 0), (22, 8, 37, 1), (24, 8, 20, 4), (22, 12, 11, 4)], // 13
    [(30, 3, 115, 1), (24, 4, 40, 5), (20, 11, 16, 5), (24, 11, 12, 5)], // 14
    [(22, 5, 87, 1), (24, 5, 41, 5), (30, 5, 24, 7), (24, 11, 12, 7)], // 15
    [(24, 5, 98, 1), (28, 7, 45, 3), (24, 15, 19, 2), (30, 3, 15, 13)], // 16
    [(28, 1, 107, 5), (28, 10, 46, 1), (28, 1, 22, 15), (28, 2, 14, 17)], // 17
    [(30, 5, 120, 1), (26, 9, 43, 4), (28, 17, 22, 1), (28, 2, 14, 19)], // 18
    [(28, 3, 113, 4), (26, 3, 44, 11), (26, 17, 21, 4), (26, 9, 13, 16)], // 19
    [(28, 3, 107, 5), (26, 3, 41, 13), (30, 15, 24, 5), (28, 15, 15, 10)], // 20
    [(28, 4, 116, 4), (26, 17, 42, 0), (28, 17, 22, 6), (30, 19, 16, 6)], // 21
    [(28, 2, 111, 7), (28, 17, 46, 0), (30, 7, 24, 16), (24, 34, 13, 0)], // 22
    [(30, 4, 121, 5), (28, 4, 47, 14), (30, 11, 24, 14), (30, 16, 15, 14)], // 23
    [(30, 6, 117, 4), (28, 6, 45, 14), (30, 11, 24, 16), (30, 30, 16, 2)], // 24
    [(26, 8, 106, 4), (28, 8, 47, 13), (30, 7, 24, 22), (30, 22, 15, 13)], // 25
    [(28, 10, 114, 2), (28, 19, 46, 4), (28, 28, 22, 6), (30, 33, 16, 4)], // 26
    [(30, 8, 122, 4), (28, 22, 45, 3), (30, 8, 23, 26), (30, 12, 15, 28)], // 27
    [(30, 3, 117, 10), (28, 3, 45, 23), (30, 4, 24, 31), (30, 11, 15, 31)], // 28
    [(30, 7, 116, 7), (28, 21, 45, 7), (30, 1, 23, 37), (30, 19, 15, 26)], // 29
    [(30, 5, 115, 10), (28, 19, 47, 10), (30, 15, 24, 25), (30, 23, 15, 25)], // 30
    [(30, 13, 115, 3), (28, 2, 46, 29), (30, 42, 24, 1), (30, 23, 15, 28)], // 31
    [(30, 17, 115, 0), (28, 10, 46, 23), (30, 10, 24, 35), (30, 19, 15, 35)], // 32
    [(30, 17, 115, 1), (28, 14, 46, 21), (30, 29, 24, 19), (30, 11, 15, 46)], // 33
    [(30, 13, 115, 6), (28, 14, 46, 23), (30, 44, 24, 7), (30, 59, 16, 1)], // 34
    [(30, 12, 121, 7), (28, 12, 47, 26), (30, 39, 24, 14), (30, 22, 15, 41)], // 35
    [(30, 6, 121, 14), (28, 6, 47, 34), (30, 46, 24, 10), (30, 2, 15, 64)], // 36
    [(30, 17, 122, 4), (28, 29, 46, 14), (30, 49, 24, 10), (30, 24, 15, 46)], // 37
    [(30, 4, 122, 18), (28, 13, 46, 32), (30, 48, 24, 14), (30, 42, 15, 32)], // 38
    [(30, 20, 117, 4), (28, 40, 47, 7), (30, 43, 24, 22), (30, 10, 15, 67)], // 39
    [(30, 19, 118, 6), (28, 18, 47, 31), (30, 34, 24, 34), (30, 20, 15, 61)], // 40
];

/// Why a grid did not decode (for the caller's fallbacks and for tests).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// No version has this size.
    Size,
    /// Neither copy of the format information is within 3 bits of a code.
    Format,
    /// The version information does not match the grid's size.
    Version,
    /// Reed–Solomon could not correct a block.
    Correction,
    /// The data segments are not well formed, or use an unsupported mode.
    Segments,
}

/// The version of a grid size, when it is one.
pub fn version_of_dim(dim: usize) -> Option<usize> {
    if (21..=177).contains(&dim) && dim % 4 == 1 {
        Some((dim - 17) / 4)
    } else {
        None
    }
}

/// The 15-bit format code of 5 data bits (level and mask), masked.
fn format_code(data: u32) -> u32 {
    let mut rem = data << 10;
    for bit in (10..15).rev() {
        if rem & (1 << bit) != 0 {
            rem ^= 0x537 << (bit - 10);
        }
    }
    ((data << 10) | rem) ^ 0x5412
}

/// The 18-bit version code of a version (7–40).
pub fn version_code(version: u32) -> u32 {
    let mut rem = version << 12;
    for bit in (12..18).rev() {
        if rem & (1 << bit) != 0 {
            rem ^= 0x1f25 << (bit - 12);
        }
    }
    (version << 12) | rem
}

/// The 5 data bits of the format code nearest to either reading, within 3 bits.
fn best_format(readings: &[u32]) -> Option<u32> {
    let mut best: Option<(u32, u32)> = None;
    for data in 0..32 {
        let code = format_code(data);
        for &r in readings {
            let d = (code ^ r).count_ones();
            if best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, data));
            }
        }
    }
    best.filter(|&(d, _)| d <= 3).map(|(_, data)| data)
}

/// The version (7–40) nearest to either reading, within 3 bits.
pub fn best_version(readings: &[u32]) -> Option<usize> {
    let mut best: Option<(u32, usize)> = None;
    for v in 7..=40u32 {
        let code = version_code(v);
        for &r in readings {
            let d = (code ^ r).count_ones();
            if best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, v as usize));
            }
        }
    }
    best.filter(|&(d, _)| d <= 3).map(|(_, v)| v)
}

/// Reads both copies of the version information of a grid (v ≥ 7).
pub fn read_version_bits(grid: &Grid) -> [u32; 2] {
    let dim = grid.dim;
    let (mut a, mut b) = (0u32, 0u32);
    for i in (0..6).rev() {
        for j in (dim.saturating_sub(11)..=dim.saturating_sub(9)).rev() {
            a = (a << 1) | grid.get(j, i) as u32;
            b = (b << 1) | grid.get(i, j) as u32;
        }
    }
    [a, b]
}

/// The alignment pattern centres' coordinates of a version (both axes).
pub fn alignment_positions(version: usize) -> Vec<usize> {
    if version < 2 {
        return Vec::new();
    }
    let count = version / 7 + 2;
    let step = if version == 32 { 26 } else { (version * 4 + count * 2 + 1) / (count * 2 - 2) * 2 };
    let mut positions = vec![6];
    let last = version * 4 + 10;
    let mut rest: Vec<usize> = (0..count - 1).filter_map(|i| last.checked_sub(i * step)).collect();
    rest.reverse();
    positions.extend(rest);
    positions
}

/// Which modules are function patterns (not data) in a version.
fn function_mask(version: usize) -> Vec<bool> {
    let dim = version * 4 + 17;
    let mut mask = vec![false; dim * dim];
    let mut fill = |x0: usize, y0: usize, w: usize, h: usize| {
        for y in y0..(y0 + h).min(dim) {
            for x in x0..(x0 + w).min(dim) {
                if let Some(m) = mask.get_mut(y * dim + x) {
                    *m = true;
                }
            }
        }
    };
    fill(0, 0, 9, 9);
    fill(dim - 8, 0, 8, 9);
    fill(0, dim - 8, 9, 8);
    fill(6, 9, 1, dim - 17);
    fill(9, 6, dim - 17, 1);
    let positions = alignment_positions(version);
    let last = positions.len().saturating_sub(1);
    for (i, &cy) in positions.iter().enumerate() {
        for (j, &cx) in positions.iter().enumerate() {
            let on_finder = (i == 0 && (j == 0 || j == last)) || (i == last && j == 0);
            if !on_finder {
                fill(cx - 2, cy - 2, 5, 5);
            }
        }
    }
    if version >= 7 {
        fill(dim - 11, 0, 3, 6);
        fill(0, dim - 11, 6, 3);
    }
    mask
}

fn mask_bit(mask: u32, x: usize, y: usize) -> bool {
    match mask {
        0 => (x + y) % 2 == 0,
        1 => y % 2 == 0,
        2 => x % 3 == 0,
        3 => (x + y) % 3 == 0,
        4 => (y / 2 + x / 3) % 2 == 0,
        5 => (x * y) % 2 + (x * y) % 3 == 0,
        6 => ((x * y) % 2 + (x * y) % 3) % 2 == 0,
        _ => ((x + y) % 2 + (x * y) % 3) % 2 == 0,
    }
}

/// Reads both copies of the format information.
fn read_format_bits(grid: &Grid) -> [u32; 2] {
    let dim = grid.dim;
    let mut a = 0u32;
    let mut push = |bit: bool| a = (a << 1) | bit as u32;
    for x in 0..6 {
        push(grid.get(x, 8));
    }
    push(grid.get(7, 8));
    push(grid.get(8, 8));
    push(grid.get(8, 7));
    for y in (0..6).rev() {
        push(grid.get(8, y));
    }
    let mut b = 0u32;
    for y in (dim - 7..dim).rev() {
        b = (b << 1) | grid.get(8, y) as u32;
    }
    for x in dim - 8..dim {
        b = (b << 1) | grid.get(x, 8) as u32;
    }
    [a, b]
}

/// Decodes a grid into its text.
pub fn decode_grid(grid: &Grid) -> Result<String, DecodeError> {
    let version = version_of_dim(grid.dim).ok_or(DecodeError::Size)?;
    if grid.modules.len() != grid.dim * grid.dim {
        return Err(DecodeError::Size);
    }
    let format = best_format(&read_format_bits(grid)).ok_or(DecodeError::Format)?;
    if version >= 7 {
        // The size decides; the version blocks, when legible, must agree.
        if let Some(v) = best_version(&read_version_bits(grid)) {
            if v != version {
                return Err(DecodeError::Version);
            }
        }
    }
    // Level bits 01 = L, 00 = M, 11 = Q, 10 = H; the table's order is L, M, Q, H.
    let level = match format >> 3 {
        1 => 0,
        0 => 1,
        3 => 2,
        _ => 3,
    };
    let mask = format & 7;
    let codewords = read_codewords(grid, version, mask);
    let data = correct_blocks(&codewords, version, level)?;
    parse_segments(&data, version).ok_or(DecodeError::Segments)
}

/// The codewords in placement order, unmasked.
fn read_codewords(grid: &Grid, version: usize, mask: u32) -> Vec<u8> {
    let dim = grid.dim;
    let function = function_mask(version);
    let mut out = Vec::with_capacity(dim * dim / 8);
    let mut byte = 0u8;
    let mut bits = 0;
    let mut upward = true;
    let mut right = dim - 1;
    while right > 0 {
        if right == 6 {
            right -= 1;
        }
        for count in 0..dim {
            let y = if upward { dim - 1 - count } else { count };
            for col in 0..2 {
                let x = right - col;
                if function.get(y * dim + x).copied().unwrap_or(true) {
                    continue;
                }
                byte = (byte << 1) | (grid.get(x, y) ^ mask_bit(mask, x, y)) as u8;
                bits += 1;
                if bits == 8 {
                    out.push(byte);
                    bits = 0;
                    byte = 0;
                }
            }
        }
        upward = !upward;
        if right < 2 {
            break;
        }
        right -= 2;
    }
    out
}

/// De-interleaves the blocks, corrects each, and returns the data bytes.
fn correct_blocks(codewords: &[u8], version: usize, level: usize) -> Result<Vec<u8>, DecodeError> {
    let &(ec, g1, d1, g2) = BLOCKS.get(version - 1).and_then(|r| r.get(level)).ok_or(DecodeError::Size)?;
    let (ec, g1, d1, g2) = (ec as usize, g1 as usize, d1 as usize, g2 as usize);
    let count = g1 + g2;
    let total = g1 * (d1 + ec) + g2 * (d1 + 1 + ec);
    if codewords.len() < total {
        return Err(DecodeError::Size);
    }
    let mut blocks: Vec<Vec<u8>> = (0..count).map(|i| Vec::with_capacity(d1 + 1 + ec + (i >= g1) as usize)).collect();
    let mut next = codewords.iter().copied();
    for _ in 0..d1 {
        for block in blocks.iter_mut() {
            block.push(next.next().unwrap_or(0));
        }
    }
    for block in blocks.iter_mut().skip(g1) {
        block.push(next.next().unwrap_or(0));
    }
    for _ in 0..ec {
        for block in blocks.iter_mut() {
            block.push(next.next().unwrap_or(0));
        }
    }
    let mut data = Vec::with_capacity(count * (d1 + 1));
    for block in blocks.iter_mut() {
        rs::correct(block, ec).ok_or(DecodeError::Correction)?;
        let len = block.len() - ec;
        data.extend_from_slice(block.get(..len).unwrap_or(&[]));
    }
    Ok(data)
}

/// Reads bits, most significant first.
struct BitReader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl BitReader<'_> {
    fn available(&self) -> usize {
        (self.bytes.len() * 8).saturating_sub(self.pos)
    }

    fn read(&mut self, n: usize) -> Option<u32> {
        if n > 32 || n > self.available() {
            return None;
        }
        let mut v = 0u32;
        for _ in 0..n {
            let byte = *self.bytes.get(self.pos / 8)?;
            v = (v << 1) | ((byte >> (7 - self.pos % 8)) & 1) as u32;
            self.pos += 1;
        }
        Some(v)
    }
}

const ALPHANUMERIC: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// Parses the segments of the corrected data into text. Bytes are read in
/// the charset the last ECI designated, else guessed ([`charset`]); Kanji
/// segments are Shift_JIS.
fn parse_segments(data: &[u8], version: usize) -> Option<String> {
    let size_class = if version <= 9 {
        0
    } else if version <= 26 {
        1
    } else {
        2
    };
    let mut r = BitReader { bytes: data, pos: 0 };
    let mut text = String::new();
    let mut bytes = Vec::new();
    let mut charset = Charset::Guess;
    let mut fnc1 = false;
    loop {
        if r.available() < 4 {
            break;
        }
        let mode = r.read(4)?;
        match mode {
            0 => break,
            1 => {
                let mut n = r.read(10 + 2 * size_class)? as usize;
                while n >= 3 {
                    let v = r.read(10)?;
                    if v >= 1000 {
                        return None;
                    }
                    bytes.extend(format!("{v:03}").bytes());
                    n -= 3;
                }
                if n == 2 {
                    let v = r.read(7)?;
                    if v >= 100 {
                        return None;
                    }
                    bytes.extend(format!("{v:02}").bytes());
                } else if n == 1 {
                    let v = r.read(4)?;
                    if v >= 10 {
                        return None;
                    }
                    bytes.extend(format!("{v}").bytes());
                }
            }
            2 => {
                let start = bytes.len();
                let mut n = r.read(9 + 2 * size_class)? as usize;
                while n >= 2 {
                    let v = r.read(11)? as usize;
                    bytes.push(*ALPHANUMERIC.get(v / 45)?);
                    bytes.push(*ALPHANUMERIC.get(v % 45)?);
                    n -= 2;
                }
                if n == 1 {
                    bytes.push(*ALPHANUMERIC.get(r.read(6)? as usize)?);
                }
                if fnc1 {
                    // GS1: "%%" is a literal '%', a lone '%' is the group separator.
                    let tail = bytes.split_off(start);
                    let mut i = 0;
                    while let Some(&c) = tail.get(i) {
                        if c == b'%' {
                            if tail.get(i + 1) == Some(&b'%') {
                                bytes.push(b'%');
                                i += 1;
                            } else {
                                bytes.push(0x1d);
                            }
                        } else {
                            bytes.push(c);
                        }
                        i += 1;
                    }
                }
            }
            4 => {
                let n = r.read(if size_class == 0 { 8 } else { 16 })?;
                for _ in 0..n {
                    bytes.push(r.read(8)? as u8);
                }
            }
            7 => {
                // ECI designator: 1, 2 or 3 bytes.
                let first = r.read(8)?;
                let eci = if first & 0x80 == 0 {
                    first
                } else if first & 0xc0 == 0x80 {
                    (first & 0x3f) << 8 | r.read(8)?
                } else if first & 0xe0 == 0xc0 {
                    (first & 0x1f) << 16 | r.read(16)?
                } else {
                    return None;
                };
                text.push_str(&text_of(&bytes, charset));
                bytes.clear();
                charset = Charset::of_eci(eci);
            }
            8 => {
                // Kanji: 13 bits a character, its Shift_JIS code compacted.
                let n = r.read(8 + 2 * size_class)?;
                let mut sjis = Vec::with_capacity(2 * n as usize);
                for _ in 0..n {
                    let v = r.read(13)?;
                    let packed = (v / 0xc0) << 8 | (v % 0xc0);
                    let code = packed + if packed < 0x1f00 { 0x8140 } else { 0xc140 };
                    sjis.extend([(code >> 8) as u8, code as u8]);
                }
                text.push_str(&text_of(&bytes, charset));
                bytes.clear();
                text.push_str(&charset::shift_jis(&sjis)?);
            }
            3 => {
                r.read(16)?; // structured append: position, total, parity
            }
            5 => fnc1 = true,
            9 => {
                fnc1 = true;
                r.read(8)?;
            }
            _ => return None, // Hanzi and reserved modes are refused.
        }
    }
    text.push_str(&text_of(&bytes, charset));
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use qrcode::{EcLevel, QrCode, Version};

    fn grid_of(code: &QrCode) -> Grid {
        Grid { dim: code.width(), modules: code.to_colors().iter().map(|c| *c == qrcode::Color::Dark).collect() }
    }

    #[test]
    fn the_block_table_fills_every_version_exactly() {
        for version in 1..=40 {
            let dim = version * 4 + 17;
            let data_modules = function_mask(version).iter().filter(|f| !**f).count();
            for (level, &(ec, g1, d1, g2)) in BLOCKS[version - 1].iter().enumerate() {
                let (ec, g1, d1, g2) = (ec as usize, g1 as usize, d1 as usize, g2 as usize);
                let total = g1 * (d1 + ec) + g2 * (d1 + 1 + ec);
                assert_eq!(total, data_modules / 8, "version {version} level {level} (dim {dim})");
            }
        }
    }

    #[test]
    fn decodes_every_mode_level_and_many_versions() {
        let texts = [
            "HELLO WORLD 123",
            "0123456789012345678901",
            "https://cachet.example/v#CC1:abc-DEF_ghi",
            "Léa Martin — Collège",
        ];
        for text in texts {
            for level in [EcLevel::L, EcLevel::M, EcLevel::Q, EcLevel::H] {
                let code = QrCode::with_error_correction_level(text, level).unwrap();
                let grid = grid_of(&code);
                assert_eq!(decode_grid(&grid).as_deref(), Ok(text));
                assert_eq!(decode_grid(&grid.transposed().transposed()).as_deref(), Ok(text));
            }
        }
        for v in [1i16, 2, 6, 7, 10, 14, 20, 27, 32, 40] {
            let text = "x".repeat(10);
            let code = QrCode::with_version(&text, Version::Normal(v), EcLevel::M).unwrap();
            assert_eq!(decode_grid(&grid_of(&code)).as_deref(), Ok(text.as_str()), "version {v}");
        }
    }

    #[test]
    fn corrects_damaged_modules_and_refuses_a_ruined_grid() {
        let text = "https://cachet.example/verify#CC1:0123456789abcdefghijklmnopqrstuvwxyz";
        let code = QrCode::with_error_correction_level(text, EcLevel::M).unwrap();
        let mut grid = grid_of(&code);
        // A 4×4 blot in the data area.
        for y in 12..16 {
            for x in 12..16 {
                grid.modules[y * grid.dim + x] ^= true;
            }
        }
        assert_eq!(decode_grid(&grid).as_deref(), Ok(text));
        for m in grid.modules.iter_mut().skip(9 * grid.dim) {
            *m = false;
        }
        assert!(decode_grid(&grid).is_err());
    }

    #[test]
    fn decodes_kanji_segments_and_eci_charsets() {
        use qrcode::bits::Bits;
        let code_of = |push: &dyn Fn(&mut Bits)| {
            let mut bits = Bits::new(Version::Normal(3));
            push(&mut bits);
            bits.push_terminator(EcLevel::M).unwrap();
            grid_of(&QrCode::with_bits(bits, EcLevel::M).unwrap())
        };
        // 点茗 (ISO/IEC 18004's example; 茗 is a kanji of level 2, outside
        // the reader's table: U+FFFD), then ASCII bytes.
        let grid = code_of(&|b| {
            b.push_kanji_data(b"\x93\x5f\xe4\xaa").unwrap();
            b.push_byte_data(b" ok").unwrap();
        });
        assert_eq!(decode_grid(&grid).as_deref(), Ok("点\u{fffd} ok"));
        // ECI 3 (ISO-8859-1) makes \xe9 é even where UTF-8 would fit; ECI
        // 26 then reads UTF-8; ECI 20 Shift_JIS.
        let grid = code_of(&|b| {
            b.push_eci_designator(3).unwrap();
            b.push_byte_data(b"\xc3\xa9").unwrap();
            b.push_eci_designator(26).unwrap();
            b.push_byte_data("é".as_bytes()).unwrap();
            b.push_eci_designator(20).unwrap();
            b.push_byte_data(b"\x82\xa0").unwrap();
        });
        assert_eq!(decode_grid(&grid).as_deref(), Ok("Ã©éあ"));
    }

    #[test]
    fn latin1_bytes_that_are_not_utf8_decode_as_latin1() {
        let code = QrCode::new(b"caf\xe9").unwrap();
        assert_eq!(decode_grid(&grid_of(&code)).as_deref(), Ok("café"));
    }
}
