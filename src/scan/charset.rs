//! The text of a code's bytes: UTF-8, ISO-8859-1 (the standard's default)
//! or Shift_JIS (Japanese encoders, and every Kanji-mode segment), from the
//! ECI designator when there is one, else guessed.
//!
//! Shift_JIS double-byte characters are JIS X 0208 characters, mapped to
//! Unicode by `jis0208.bin` (written by `jis0208.py` from Python's codec;
//! its format is described there): the symbols, kana and the 2,965 common
//! kanji of level 1, 7.1 KB in the wasm (6.1 KB gzipped). The 3,390 rarer
//! kanji of level 2 are read as U+FFFD: their 3.4 KB gzipped would be paid
//! by every clerk's browser for certificates that never hold them.

/// How a run of bytes is to be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Charset {
    /// No ECI: UTF-8 when the bytes are UTF-8, Shift_JIS when they are
    /// Japanese text in Shift_JIS, ISO-8859-1 otherwise.
    Guess,
    /// ECI 26.
    Utf8,
    /// ECI 1 and 3 (and 0, 2 and 4–19 read as their Latin-1 part).
    Latin1,
    /// ECI 20, and Kanji-mode segments.
    ShiftJis,
}

impl Charset {
    /// The charset an ECI assignment number designates; `Guess` for those
    /// this reader does not know.
    pub fn of_eci(eci: u32) -> Charset {
        match eci {
            26 => Charset::Utf8,
            0..=19 => Charset::Latin1,
            20 => Charset::ShiftJis,
            _ => Charset::Guess,
        }
    }
}

static JIS0208: &[u8] = include_bytes!("jis0208.bin");

/// Rows 1–8 then 16–47 of JIS X 0208, 94 cells each.
const CELLS: usize = 40 * 94;

/// Where a Shift_JIS double-byte character is.
enum Cell {
    /// In the table, at this index.
    At(usize),
    /// A kanji of level 2 (rows 48–84), not in the table.
    Level2,
}

/// The table unpacked: 94 cells a row, `0` for an empty cell.
fn jis0208_table() -> Vec<u16> {
    let mut table = Vec::with_capacity(CELLS);
    let mut prev: i64 = 0;
    let mut bytes = JIS0208.iter();
    while let Some(&first) = bytes.next() {
        let mut z = (first & 0x7f) as u64;
        let mut shift = 7;
        let mut last = first;
        while last & 0x80 != 0 && shift < 28 {
            let Some(&b) = bytes.next() else { break };
            z |= ((b & 0x7f) as u64) << shift;
            shift += 7;
            last = b;
        }
        if z == 0 {
            table.push(0);
            continue;
        }
        let delta = if z & 1 == 0 { (z >> 1) as i64 } else { -(((z + 1) >> 1) as i64) };
        prev += delta;
        table.push(u16::try_from(prev).unwrap_or(0));
    }
    table
}

/// Where a Shift_JIS double-byte character is; `None` for rows JIS X 0208
/// leaves empty.
fn jis_cell(lead: u8, trail: u8) -> Option<Cell> {
    let pair = match lead {
        0x81..=0x9f => lead - 0x81,
        0xe0..=0xef => lead - 0xc1,
        _ => return None,
    } as usize;
    let (row, cell) = match trail {
        0x40..=0x7e => (2 * pair + 1, trail as usize - 0x3f),
        0x80..=0x9e => (2 * pair + 1, trail as usize - 0x40),
        0x9f..=0xfc => (2 * pair + 2, trail as usize - 0x9e),
        _ => return None,
    };
    let at = match row {
        1..=8 => row - 1,
        16..=47 => row - 8,
        48..=84 => return Some(Cell::Level2),
        _ => return None,
    };
    Some(Cell::At(at * 94 + cell - 1))
}

/// Shift_JIS bytes as text; `None` when they are not (a lead byte without
/// its trail, or a cell JIS X 0208 leaves empty).
pub fn shift_jis(bytes: &[u8]) -> Option<String> {
    let mut table: Option<Vec<u16>> = None;
    let mut text = String::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            0x00..=0x7f => text.push(b as char),
            0xa1..=0xdf => text.push(char::from_u32(0xff61 + (b - 0xa1) as u32)?),
            _ => {
                match jis_cell(b, *bytes.get(i + 1)?)? {
                    Cell::Level2 => text.push('\u{fffd}'),
                    Cell::At(index) => {
                        let table = table.get_or_insert_with(jis0208_table);
                        let code = *table.get(index)?;
                        if code == 0 {
                            return None;
                        }
                        text.push(char::from_u32(code as u32)?);
                    }
                }
                i += 1;
            }
        }
        i += 1;
    }
    Some(text)
}

/// Bytes as ISO-8859-1.
pub fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| b as char).collect()
}

/// Whether bytes that are valid Shift_JIS look like Japanese text: a byte
/// from 0x80 to 0x9f (C1 controls, never in Latin-1 text, but the lead
/// byte of kana and of the common kanji), or a run of three double-byte
/// characters or three half-width katakana (no French text in Latin-1
/// has three capitals with accents in a row, and "élève" makes two pairs).
fn looks_japanese(bytes: &[u8]) -> bool {
    if bytes.iter().any(|b| (0x80..=0x9f).contains(b)) {
        return true;
    }
    let (mut pairs, mut kana, mut best_pairs, mut best_kana) = (0, 0, 0, 0);
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b < 0x80 {
            (pairs, kana) = (0, 0);
        } else if (0xa1..=0xdf).contains(&b) {
            kana += 1;
            pairs = 0;
        } else {
            pairs += 1;
            kana = 0;
            i += 1;
        }
        best_pairs = best_pairs.max(pairs);
        best_kana = best_kana.max(kana);
        i += 1;
    }
    best_pairs >= 3 || best_kana >= 3
}

/// Bytes as text in a charset.
pub fn text_of(bytes: &[u8], charset: Charset) -> String {
    match charset {
        Charset::Utf8 => String::from_utf8_lossy(bytes).into_owned(),
        Charset::Latin1 => latin1(bytes),
        Charset::ShiftJis => shift_jis(bytes).unwrap_or_else(|| latin1(bytes)),
        Charset::Guess => match std::str::from_utf8(bytes) {
            Ok(text) => text.to_owned(),
            Err(_) => match shift_jis(bytes) {
                Some(text) if looks_japanese(bytes) => text,
                _ => latin1(bytes),
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_holds_jis_x_0208() {
        let table = jis0208_table();
        assert_eq!(table.len(), CELLS);
        assert_eq!(table.iter().filter(|&&c| c != 0).count(), 524 + 2965);
        // First and last kanji of level 1; level 2's first and last; kana, symbols.
        assert_eq!(shift_jis(b"\x88\x9f\x98\x72\x98\x9f\xea\xa4").as_deref(), Some("亜腕\u{fffd}\u{fffd}"));
        assert_eq!(shift_jis(b"\x82\xa0\x83\x82\x83\x6f\x81\x40\x81\x42").as_deref(), Some("あモバ　。"));
        assert_eq!(shift_jis(b"\x88\x9f\x98\x73"), None, "row 47 ends at cell 51");
        assert_eq!(shift_jis(b"\x88"), None);
    }

    #[test]
    fn guesses_japanese_only_for_japanese() {
        assert_eq!(text_of(b"Google \x83\x82\x83o\x83C\x83\x8b", Charset::Guess), "Google モバイル");
        assert_eq!(text_of(b"\xc3\xde\xbb\xde\xb2\xddQR", Charset::Guess), "ﾃﾞｻﾞｲﾝQR");
        assert_eq!(text_of(b"\xc9COLE \xc0 PARIS", Charset::Guess), "ÉCOLE À PARIS");
        assert_eq!(text_of(b"caf\xe9", Charset::Guess), "café");
        assert_eq!(text_of(b"\xe9t\xe9", Charset::Guess), "été");
        assert_eq!(text_of(b"L\xe9a, \xe9l\xe8ve", Charset::Guess), "Léa, élève");
        assert_eq!(text_of("Léa".as_bytes(), Charset::Guess), "Léa");
        assert_eq!(text_of(b"\x82\xa0", Charset::Latin1), "\u{82}\u{a0}");
        assert_eq!(text_of(b"\x82\xa0", Charset::ShiftJis), "あ");
    }
}
