//! A batch's CSV as schools' software really writes it (see docs/ISSUING.md).
//!
//! - **Line ends**: CRLF (Excel, Python's `csv`), LF and CR alone (old Mac
//!   software) are all one line end; a row's number is the line a
//!   spreadsheet or an editor shows (the header is line 1).
//! - **Encodings**: UTF-8 with or without a byte order mark, Windows-1252
//!   and ISO-8859-15. A survey of the whole file ([`survey`]) decides before
//!   any row is read: valid UTF-8 is UTF-8; otherwise a file with bytes
//!   0x80–0x9F is Windows-1252 (in ISO-8859-15 they are control characters),
//!   and one without them but with one of the 8 bytes where the two differ
//!   is ISO-8859-15 (those bytes are letters there, `Œ œ Š š Ž ž Ÿ` and `€`,
//!   but symbols such as `½` in Windows-1252); with none of those bytes the
//!   two read the same. A file with accents in UTF-8 and a byte that is not
//!   is damaged UTF-8, not another encoding. `--encoding` forces one. Bytes that cannot be the
//!   encoding are one file-level error (`csv-encoding`), not one refusal
//!   per row. The rows are then decoded to UTF-8 as they are read
//!   ([`Decoded`]): no table crate, 32 entries for Windows-1252's 0x80–0x9F
//!   and 8 for ISO-8859-15.
//! - **Columns**: the English keys of `cert.json` and French names
//!   (`Nom`, `Prénom(s)`, `Date de naissance`, `NE(E) LE`, `UAI`,
//!   `Niveau`…), compared ignoring case, accents, `_` and extra spaces; or
//!   a mapping file (`--columns`) that names the column of each field or
//!   gives a value for every row. Other columns are ignored, named once.
//! - **Dates** as `JJ/MM/AAAA` as well as `AAAA-MM-JJ`; a UAI whose
//!   leading zeros a spreadsheet dropped gets them back; a cell written as
//!   Excel keeps a code as text, `="0750654D"`, is read without `="…"`.

use crate::error::{CliError, Message};
use crate::files;
use cachet::Lang;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// A text encoding of a CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Encoding {
    /// UTF-8 (a byte order mark is skipped).
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    /// Windows-1252 ("ANSI" in French Windows, Excel's "CSV (séparateur : point-virgule)").
    #[value(name = "windows-1252", alias = "cp1252")]
    Windows1252,
    /// ISO-8859-15 (Latin-9: SIECLE's exports).
    #[value(name = "iso-8859-15", alias = "latin9")]
    Iso885915,
}

impl Encoding {
    /// The name `--encoding` takes.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Windows1252 => "windows-1252",
            Encoding::Iso885915 => "iso-8859-15",
        }
    }
}

/// Windows-1252's 0x80–0x9F; 0 where the byte has no character.
const CP1252_HIGH: [u16; 32] = [
    0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0, 0,
    0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
];

/// ISO-8859-15's 8 bytes that differ from ISO-8859-1 (and from Windows-1252).
const LATIN9: [(u8, char); 8] =
    [(0xA4, '€'), (0xA6, 'Š'), (0xA8, 'š'), (0xB4, 'Ž'), (0xB8, 'ž'), (0xBC, 'Œ'), (0xBD, 'œ'), (0xBE, 'Ÿ')];

/// The character of one byte (0x80 and above) in a single-byte encoding;
/// `None` where it has none.
fn decode_byte(encoding: Encoding, b: u8) -> Option<char> {
    match encoding {
        Encoding::Utf8 => None,
        Encoding::Windows1252 => match b {
            0x80..=0x9F => {
                let c = CP1252_HIGH[usize::from(b - 0x80)];
                (c != 0).then(|| char::from_u32(u32::from(c))).flatten()
            }
            _ => Some(char::from(b)),
        },
        Encoding::Iso885915 => match b {
            0x80..=0x9F => None,
            _ => Some(LATIN9.iter().find(|(x, _)| *x == b).map_or(char::from(b), |(_, c)| *c)),
        },
    }
}

/// What a read of the whole file tells before its rows are read.
#[derive(Debug, Clone)]
pub struct Survey {
    /// The encoding its rows are read in.
    pub encoding: Encoding,
    /// Whether the encoding was found rather than given.
    pub detected: bool,
    /// The field separator: `;` when the header line holds one and no comma.
    pub delimiter: u8,
    /// Its lines (a last line without a line end counts).
    pub lines: u64,
    /// The number of its last line that holds more than white space.
    pub last_content: u64,
    /// SHA-256 of its bytes, in hex: a resume checks the file did not change.
    pub sha256: String,
}

/// Reads the whole file once: its encoding (or checks the one given), its
/// separator, its number of lines and its digest.
pub fn survey(path: &Path, forced: Option<Encoding>, lang: Lang) -> Result<Survey, CliError> {
    let mut file = File::open(path).map_err(|e| CliError::read(path, &e, lang))?;
    let mut hasher = Sha256::new();
    let mut block = vec![0u8; 1 << 16];
    // UTF-8: bytes of a character cut by the end of a block.
    let mut carry: Vec<u8> = Vec::new();
    let mut first_bad_utf8: Option<u64> = None;
    let (mut c1_line, mut undefined_1252_line, mut latin9_only) = (None::<u64>, None::<u64>, false);
    let (mut line, mut previous_cr, mut start) = (1u64, false, Vec::<u8>::new());
    let mut size = 0u64;
    let mut last = b'\n';
    let mut last_content = 0u64;
    // Well-formed UTF-8 sequences of 2 to 4 bytes met, and the continuation bytes the current one still needs.
    let (mut utf8_sequences, mut need) = (0u64, 0u8);
    loop {
        let n = match file.read(&mut block) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(CliError::read(path, &e, lang)),
        };
        let bytes = block.get(..n).unwrap_or_default();
        hasher.update(bytes);
        if start.len() < 4096 {
            start.extend(bytes.iter().take(4096 - start.len()));
        }
        size += n as u64;
        // Lines, and where single-byte readings are impossible.
        let line_at_block = line;
        for &b in bytes {
            match b {
                b'\n' if previous_cr => {}
                b'\n' | b'\r' => line += 1,
                0x81 | 0x8D | 0x8F | 0x90 | 0x9D => {
                    undefined_1252_line.get_or_insert(line);
                    c1_line.get_or_insert(line);
                }
                0x80..=0x9F => {
                    c1_line.get_or_insert(line);
                }
                0xA4 | 0xA6 | 0xA8 | 0xB4 | 0xB8 | 0xBC | 0xBD | 0xBE => latin9_only = true,
                _ => {}
            }
            if !b.is_ascii_whitespace() {
                last_content = line;
            }
            match b {
                0x80..=0xBF if need > 0 => {
                    need -= 1;
                    if need == 0 {
                        utf8_sequences += 1;
                    }
                }
                0xC2..=0xDF => need = 1,
                0xE0..=0xEF => need = 2,
                0xF0..=0xF4 => need = 3,
                _ => need = 0,
            }
            previous_cr = b == b'\r';
            last = b;
        }
        // UTF-8 validity, across blocks.
        if first_bad_utf8.is_none() {
            carry.extend_from_slice(bytes);
            match std::str::from_utf8(&carry) {
                Ok(_) => carry.clear(),
                Err(e) if e.error_len().is_none() => {
                    let keep = carry.split_off(e.valid_up_to());
                    carry = keep;
                }
                Err(e) => {
                    // The line of the bad byte: lines before it in this block.
                    let in_block = e.valid_up_to().saturating_sub(carry.len() - n);
                    let before = bytes.get(..in_block).unwrap_or_default();
                    first_bad_utf8 = Some(line_at_block + count_line_ends(before));
                    carry.clear();
                }
            }
        }
    }
    if first_bad_utf8.is_none() && !carry.is_empty() {
        first_bad_utf8 = Some(line);
    }
    if start.starts_with(b"\xFF\xFE") || start.starts_with(b"\xFE\xFF") {
        return Err(CliError::usage(Message::new("csv-encoding-utf16").arg("path", path.display())));
    }
    let bom = start.starts_with(b"\xEF\xBB\xBF");
    let refuse = |encoding: Encoding, line: u64| {
        CliError::usage(
            Message::new("csv-encoding").arg("path", path.display()).arg("encoding", encoding.name()).arg("line", line),
        )
    };
    let (encoding, detected) = match forced {
        Some(Encoding::Utf8) => match first_bad_utf8 {
            Some(l) => return Err(refuse(Encoding::Utf8, l)),
            None => (Encoding::Utf8, false),
        },
        Some(Encoding::Windows1252) => match undefined_1252_line {
            Some(l) => return Err(refuse(Encoding::Windows1252, l)),
            None => (Encoding::Windows1252, false),
        },
        Some(Encoding::Iso885915) => match c1_line {
            Some(l) => return Err(refuse(Encoding::Iso885915, l)),
            None => (Encoding::Iso885915, false),
        },
        None => match (first_bad_utf8, c1_line, undefined_1252_line) {
            (None, _, _) => (Encoding::Utf8, true),
            // A byte order mark, or accents written in UTF-8, say UTF-8: a bad
            // byte is damage, and reading the file as another encoding would
            // turn every accent into two wrong letters.
            (Some(l), _, _) if bom || utf8_sequences > 0 => return Err(refuse(Encoding::Utf8, l)),
            (Some(_), Some(_), None) => (Encoding::Windows1252, true),
            (Some(l), Some(_), Some(_)) => {
                return Err(CliError::usage(
                    Message::new("csv-encoding-unknown").arg("path", path.display()).arg("line", l),
                ))
            }
            (Some(_), None, _) if latin9_only => (Encoding::Iso885915, true),
            (Some(_), None, _) => (Encoding::Windows1252, true),
        },
    };
    let text = if bom { start.get(3..).unwrap_or_default() } else { &start[..] };
    let first_line = text.split(|&b| b == b'\n' || b == b'\r').next().unwrap_or_default();
    let delimiter = if first_line.contains(&b';') && !first_line.contains(&b',') { b';' } else { b',' };
    let lines = if size == 0 || last == b'\n' || last == b'\r' { line - 1 } else { line };
    let sha256 = hasher.finalize().iter().map(|b| format!("{b:02x}")).collect();
    Ok(Survey { encoding, detected, delimiter, lines, last_content, sha256 })
}

/// Line ends in `bytes` (CRLF counts once, unless cut between blocks; the
/// survey uses this for a position only).
fn count_line_ends(bytes: &[u8]) -> u64 {
    let mut count = 0;
    let mut previous_cr = false;
    for &b in bytes {
        if b == b'\r' || (b == b'\n' && !previous_cr) {
            count += 1;
        }
        previous_cr = b == b'\r';
    }
    count
}

/// The file's bytes as UTF-8 with `\n` line ends: a UTF-8 byte order mark
/// dropped, CRLF and CR made `\n`, single-byte encodings decoded.
pub struct Decoded<R> {
    inner: R,
    encoding: Encoding,
    raw: Vec<u8>,
    out: Vec<u8>,
    pos: usize,
    previous_cr: bool,
    started: bool,
}

impl<R: Read> Decoded<R> {
    pub fn new(inner: R, encoding: Encoding) -> Decoded<R> {
        Decoded {
            inner,
            encoding,
            raw: vec![0; 1 << 16],
            out: Vec::with_capacity(1 << 17),
            pos: 0,
            previous_cr: false,
            started: false,
        }
    }

    /// Decodes the next block; `false` at the end of the input.
    fn refill(&mut self) -> io::Result<bool> {
        self.out.clear();
        self.pos = 0;
        let mut n = loop {
            match self.inner.read(&mut self.raw) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        };
        if n == 0 {
            return Ok(false);
        }
        let mut from = 0;
        if !self.started {
            self.started = true;
            // A byte order mark cut across two reads is not worth the code: the first read of a file gives more.
            if self.encoding == Encoding::Utf8 && self.raw.get(..n).is_some_and(|r| r.starts_with(b"\xEF\xBB\xBF")) {
                from = 3;
            }
        }
        n = n.min(self.raw.len());
        for &b in self.raw.get(from..n).unwrap_or_default() {
            let previous_cr = std::mem::replace(&mut self.previous_cr, b == b'\r');
            match b {
                b'\n' if previous_cr => {}
                b'\r' | b'\n' => self.out.push(b'\n'),
                0..=0x7F => self.out.push(b),
                _ if self.encoding == Encoding::Utf8 => self.out.push(b),
                _ => {
                    let c = decode_byte(self.encoding, b).unwrap_or(char::REPLACEMENT_CHARACTER);
                    let mut buf = [0u8; 4];
                    self.out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
            }
        }
        Ok(true)
    }
}

impl<R: Read> Read for Decoded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pos >= self.out.len() {
            if !self.refill()? {
                return Ok(0);
            }
        }
        let available = self.out.get(self.pos..).unwrap_or_default();
        let n = available.len().min(buf.len());
        buf.get_mut(..n).unwrap_or_default().copy_from_slice(available.get(..n).unwrap_or_default());
        self.pos += n;
        Ok(n)
    }
}

/// The fields of a certificate a CSV can give: the keys of `cert.json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    FamilyName,
    GivenNames,
    BirthDate,
    SchoolUai,
    SchoolName,
    SchoolTown,
    Academie,
    SchoolYear,
    Level,
    Regime,
    Serial,
    IssuedOn,
}

/// (field, key, required, other names it is known by, folded: see [`fold`]).
const FIELDS: [(Field, &str, bool, &[&str]); 12] = [
    (Field::FamilyName, "family_name", true, &["nom", "nom de famille", "nom eleve", "nom de famille eleve"]),
    (
        Field::GivenNames,
        "given_names",
        true,
        &["prenom", "prenoms", "prenom(s)", "prenom eleve", "prenom(s) eleve", "prenoms eleve"],
    ),
    (
        Field::BirthDate,
        "birth_date",
        true,
        &["date de naissance", "ne(e) le", "nee le", "ne le", "date naissance", "date naiss", "naissance"],
    ),
    (Field::SchoolUai, "school_uai", true, &["uai", "code uai", "uai etablissement", "rne", "uaj"]),
    (Field::SchoolName, "school_name", true, &["etablissement", "nom etablissement", "nom de l'etablissement"]),
    (
        Field::SchoolTown,
        "school_town",
        true,
        &["commune de l'etablissement", "commune etablissement", "ville etablissement"],
    ),
    (Field::Academie, "academie", true, &[]),
    (Field::SchoolYear, "school_year", true, &["annee scolaire"]),
    (Field::Level, "level", true, &["niveau", "classe"]),
    (Field::Regime, "regime", false, &[]),
    (Field::Serial, "serial", false, &["numero de serie"]),
    (Field::IssuedOn, "issued_on", false, &["delivre le", "date de delivrance"]),
];

impl Field {
    /// Its `cert.json` key.
    pub fn name(self) -> &'static str {
        FIELDS.iter().find(|f| f.0 == self).map_or("", |f| f.1)
    }

    fn by_key(key: &str) -> Option<Field> {
        let key = fold(key);
        FIELDS.iter().find(|f| fold(f.1) == key).map(|f| f.0)
    }

    /// The field a column name stands for, if any.
    fn of_column(name: &str) -> Option<Field> {
        let name = fold(name);
        FIELDS.iter().find(|f| fold(f.1) == name || f.3.contains(&name.as_str())).map(|f| f.0)
    }
}

/// A column name as compared: lower case, accents removed, `_` and runs of
/// white space as one space, `’` as `'`, trimmed.
pub fn fold(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.trim_start_matches('\u{feff}').chars().flat_map(char::to_lowercase) {
        let c = match c {
            'à' | 'â' | 'ä' | 'á' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' | 'í' => 'i',
            'ô' | 'ö' | 'ó' => 'o',
            'ù' | 'û' | 'ü' | 'ú' => 'u',
            'ç' => 'c',
            'ÿ' => 'y',
            '’' => '\'',
            'œ' => {
                out.push_str("oe");
                continue;
            }
            '_' => ' ',
            c if c.is_whitespace() => ' ',
            c => c,
        };
        if c == ' ' && (out.is_empty() || out.ends_with(' ')) {
            continue;
        }
        out.push(c);
    }
    out.truncate(out.trim_end().len());
    out
}

/// Where one field of every row comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The column at this position.
    Column(usize),
    /// The same value for every row.
    Fixed(String),
}

/// How a CSV's rows become certificates' fields.
#[derive(Debug, Clone)]
pub struct Layout {
    /// Fields per row (the header's).
    pub width: usize,
    /// Each field given, and where from.
    pub fields: Vec<(Field, Source)>,
    /// The header's names of the columns no field uses.
    pub ignored: Vec<String>,
}

impl Layout {
    /// A stable description, for the batch's record of its options.
    pub fn describe(&self) -> String {
        let parts: Vec<String> = self
            .fields
            .iter()
            .map(|(f, s)| match s {
                Source::Column(i) => format!("{}<-#{i}", f.name()),
                Source::Fixed(v) => format!("{}={v}", f.name()),
            })
            .collect();
        format!("{};width={}", parts.join(";"), self.width)
    }

    /// Whether the rows give an explicit serial.
    pub fn has_serial(&self) -> bool {
        self.fields.iter().any(|(f, _)| *f == Field::Serial)
    }
}

/// One line of a mapping file.
#[derive(Debug, Clone)]
enum Rule {
    Column(String),
    Fixed(String),
}

/// A mapping file: `FIELD <- COLUMN` (the field from that column) or
/// `FIELD = VALUE` (the same value for every row); `#` starts a comment.
/// UTF-8, or else Windows-1252.
pub struct Mapping {
    rules: Vec<(Field, Rule)>,
}

/// Reads a mapping file (`--columns`).
pub fn read_mapping(path: &Path, lang: Lang) -> Result<Mapping, CliError> {
    let bytes = files::read(path, lang)?;
    // Written with Notepad's "ANSI", a mapping file is Windows-1252.
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let mut text = String::new();
            Decoded::new(e.as_bytes(), Encoding::Windows1252)
                .read_to_string(&mut text)
                .map_err(|e| CliError::read(path, &e, lang))?;
            text
        }
    };
    let mut rules: Vec<(Field, Rule)> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim().trim_start_matches('\u{feff}');
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = |detail: &str| {
            CliError::usage(
                Message::new("columns-file-line").arg("path", path.display()).arg("line", i + 1).arg("detail", detail),
            )
        };
        let arrow = line.find("<-");
        let equals = line.find('=');
        let (key, rule) = match (arrow, equals) {
            (Some(a), e) if e.is_none_or(|e| a < e) => (
                line.get(..a).unwrap_or_default(),
                Rule::Column(line.get(a + 2..).unwrap_or_default().trim().to_owned()),
            ),
            (_, Some(e)) => (
                line.get(..e).unwrap_or_default(),
                Rule::Fixed(line.get(e + 1..).unwrap_or_default().trim().to_owned()),
            ),
            _ => return Err(bad("FIELD <- COLUMN | FIELD = VALUE")),
        };
        let Some(field) = Field::by_key(key.trim()) else {
            let known: Vec<&str> = FIELDS.iter().map(|f| f.1).collect();
            return Err(bad(&format!("« {} » ∉ {}", key.trim(), known.join(", "))));
        };
        if matches!(&rule, Rule::Column(c) if c.is_empty()) {
            return Err(bad("FIELD <- COLUMN"));
        }
        if rules.iter().any(|(f, _)| *f == field) {
            return Err(bad(field.name()));
        }
        rules.push((field, rule));
    }
    Ok(Mapping { rules })
}

/// Maps a header's names to fields (the mapping's rules first, then the
/// known names); refuses a field given twice and a required one missing.
pub fn layout(header: &[String], mapping: Option<&Mapping>, path: &Path) -> Result<Layout, CliError> {
    if header.is_empty() || (header.len() == 1 && header[0].trim().is_empty()) {
        return Err(CliError::usage(Message::new("csv-empty").arg("path", path.display())));
    }
    let folded: Vec<String> = header.iter().map(|h| fold(h)).collect();
    let mut fields: Vec<(Field, Source)> = Vec::new();
    let mut used = vec![false; header.len()];
    let rules = mapping.map_or(&[][..], |m| &m.rules[..]);
    for (field, rule) in rules {
        match rule {
            Rule::Fixed(v) => fields.push((*field, Source::Fixed(v.clone()))),
            Rule::Column(name) => {
                let want = fold(name);
                let Some(at) = folded.iter().position(|h| *h == want) else {
                    return Err(CliError::usage(
                        Message::new("csv-missing-column").arg("path", path.display()).arg("columns", name),
                    ));
                };
                used[at] = true;
                fields.push((*field, Source::Column(at)));
            }
        }
    }
    for (at, name) in header.iter().enumerate() {
        if used[at] {
            continue;
        }
        let Some(field) = Field::of_column(name) else { continue };
        if rules.iter().any(|(f, _)| *f == field) {
            continue;
        }
        if fields.iter().any(|(f, _)| *f == field) {
            return Err(CliError::usage(
                Message::new("csv-duplicate-column")
                    .arg("path", path.display())
                    .arg("column", name.trim())
                    .arg("field", field.name()),
            ));
        }
        used[at] = true;
        fields.push((field, Source::Column(at)));
    }
    let missing: Vec<&str> =
        FIELDS.iter().filter(|f| f.2 && !fields.iter().any(|(g, _)| *g == f.0)).map(|f| f.1).collect();
    if !missing.is_empty() {
        return Err(CliError::usage(
            Message::new("csv-missing-column").arg("path", path.display()).arg("columns", missing.join(", ")),
        ));
    }
    let ignored = header
        .iter()
        .zip(&used)
        .filter(|(name, used)| !**used && !name.trim().is_empty())
        .map(|(name, _)| name.trim().to_owned())
        .collect();
    Ok(Layout { width: header.len(), fields, ignored })
}

/// A date as `AAAA-MM-JJ`: `JJ/MM/AAAA` (or `J/M/AAAA`, or with `-` or
/// `.`) rewritten, anything else as it is (the core then says what is wrong).
pub fn iso_date(value: &str) -> String {
    let v = value.trim();
    let parts: Vec<&str> = v.split(['/', '-', '.']).collect();
    if let [d, m, y] = parts[..] {
        let digits = |s: &str, lens: std::ops::RangeInclusive<usize>| {
            lens.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
        };
        if digits(d, 1..=2) && digits(m, 1..=2) && digits(y, 4..=4) {
            return format!("{y}-{m:0>2}-{d:0>2}");
        }
    }
    value.to_owned()
}

/// A cell as Excel writes a code kept as text, `="0750654D"`, without its
/// formula wrapping; anything else as it is.
pub fn unwrap_formula(value: &str) -> &str {
    let v = value.trim();
    match v.strip_prefix("=\"").and_then(|r| r.strip_suffix('"')) {
        Some(inner) if !inner.contains('"') => inner,
        _ => value,
    }
}

/// A UAI whose leading zeros a spreadsheet dropped (it read `0951099D`'s
/// digits as a number: `951099D`) with them again; anything else as it is.
/// The check letter is computed on the digits' value, which the zeros do not
/// change, so the core still checks the letter.
pub fn uai_zeros(value: &str) -> String {
    let v = value.trim();
    let digits = v.bytes().take_while(u8::is_ascii_digit).count();
    let letter = v.get(digits..).unwrap_or_default();
    if (1..7).contains(&digits) && letter.len() == 1 && letter.bytes().all(|b| b.is_ascii_alphabetic()) {
        format!("{v:0>8}")
    } else {
        value.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1252_and_latin9_decode_as_their_tables_say() {
        assert_eq!(decode_byte(Encoding::Windows1252, 0x80), Some('€'));
        assert_eq!(decode_byte(Encoding::Windows1252, 0x9C), Some('œ'));
        assert_eq!(decode_byte(Encoding::Windows1252, 0x81), None);
        assert_eq!(decode_byte(Encoding::Windows1252, 0xE9), Some('é'));
        assert_eq!(decode_byte(Encoding::Iso885915, 0xBD), Some('œ'));
        assert_eq!(decode_byte(Encoding::Iso885915, 0xE9), Some('é'));
        assert_eq!(decode_byte(Encoding::Iso885915, 0x85), None);
    }

    #[test]
    fn line_ends_become_newlines_and_bytes_become_utf8() {
        let input: &[u8] = b"a\r\nb\rc\n\xe9\r";
        let mut out = String::new();
        Decoded::new(input, Encoding::Windows1252).read_to_string(&mut out).unwrap();
        assert_eq!(out, "a\nb\nc\né\n");
        let mut out = String::new();
        Decoded::new(&b"\xEF\xBB\xBFx\r\ny"[..], Encoding::Utf8).read_to_string(&mut out).unwrap();
        assert_eq!(out, "x\ny");
    }

    #[test]
    fn names_fold_and_dates_turn() {
        assert_eq!(fold("  Prénom(s) "), "prenom(s)");
        assert_eq!(fold("NE(E)  LE"), "ne(e) le");
        assert_eq!(fold("school_uai"), "school uai");
        assert_eq!(Field::of_column("Date de naissance"), Some(Field::BirthDate));
        assert_eq!(Field::of_column("Nom élève"), Some(Field::FamilyName));
        assert_eq!(Field::of_column("INE"), None);
        assert_eq!(iso_date("05/09/2013"), "2013-09-05");
        assert_eq!(iso_date("5/9/2013"), "2013-09-05");
        assert_eq!(iso_date("2013-09-05"), "2013-09-05");
        assert_eq!(iso_date("31/02/2013"), "2013-02-31");
        assert_eq!(iso_date("demain"), "demain");
        assert_eq!(uai_zeros("951099D"), "0951099D");
        assert_eq!(uai_zeros("0951099D"), "0951099D");
        assert_eq!(uai_zeros("95109D9"), "95109D9");
        assert_eq!(uai_zeros("D"), "D");
        assert_eq!(unwrap_formula("=\"0750654D\""), "0750654D");
        assert_eq!(unwrap_formula(" =\"4A\" "), "4A");
        assert_eq!(unwrap_formula("=\"a\"b\""), "=\"a\"b\"");
        assert_eq!(unwrap_formula("Martin"), "Martin");
    }
}
