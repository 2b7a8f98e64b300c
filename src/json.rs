//! A small strict JSON reader and writer (RFC 8259), for the trust list and
//! the reports, so that the verifier's wasm carries no general-purpose JSON
//! library (and none of the float formatting that comes with one).
//!
//! The [`Reader`] is a cursor driven by the caller's schema: it reads one
//! value at a time ([`Reader::string`], [`Reader::u64`], [`Reader::object`]…)
//! and builds no tree, so the memory it takes is what the caller keeps. It
//! is stricter than RFC 8259 requires, in ways a trust list never needs:
//!
//! - numbers are integers from 0 to `u64::MAX` only: a fraction, an
//!   exponent, a leading zero, a minus sign (`-0` too) are refused;
//! - an object may not hold the same key twice (compared after unescaping);
//! - strings are UTF-8 without control characters; `\u` escapes must not
//!   leave a surrogate unpaired;
//! - containers nest at most [`MAX_DEPTH`] deep, and the input is at most
//!   [`MAX_INPUT`] bytes.
//!
//! Errors are a [`JsonError`]: a [`JsonProblem`] with a stable code and the
//! byte offset where it was found.
//!
//! The [`Writer`] writes compact JSON, and every string as one line: besides
//! what JSON requires, it escapes the characters lines and scripts break at
//! (U+2028, U+2029, DEL and the C1 controls; [`write_string`]), so a report
//! of `--json` or `--batch` is one line whatever a certificate or a trust
//! list holds.
//!
//! ```
//! use cachet::json::{Reader, Writer};
//! let mut reader = Reader::new(br#"{"name": "Acad\u00e9mie", "sequence": 4}"#).unwrap();
//! let (mut name, mut sequence) = (None, None);
//! reader
//!     .object(|r, key| {
//!         match key {
//!             "name" => name = Some(r.string()?),
//!             "sequence" => sequence = Some(r.u64()?),
//!             _ => return Err(r.unknown_member()),
//!         }
//!         Ok(())
//!     })
//!     .unwrap();
//! reader.finish().unwrap();
//! assert_eq!((name.as_deref(), sequence), (Some("Académie"), Some(4)));
//!
//! let mut w = Writer::new();
//! w.begin_object();
//! w.key("name");
//! w.string("Académie \"Paris\"\n");
//! w.end_object();
//! assert_eq!(w.finish(), r#"{"name":"Académie \"Paris\"\n"}"#);
//! ```

use crate::status::Lang;
use std::fmt;
use std::ops::Range;

/// How deep objects and arrays may nest.
pub const MAX_DEPTH: usize = 32;
/// The longest input read, in bytes.
pub const MAX_INPUT: usize = 64 << 20;

/// What is wrong with a JSON text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum JsonProblem {
    /// The input ends inside a value.
    UnexpectedEnd,
    /// A byte that JSON does not allow here.
    UnexpectedByte,
    /// Something other than white space after the value.
    TrailingData,
    /// A control character (below U+0020) inside a string.
    ControlCharacter,
    /// A backslash escape that JSON does not define, or bad hex digits.
    InvalidEscape,
    /// A `\u` escape of a surrogate that is not part of a pair.
    LoneSurrogate,
    /// A string's bytes are not UTF-8.
    InvalidUtf8,
    /// A number with a fraction or an exponent.
    NotAnInteger,
    /// A number with a leading zero (`01`).
    LeadingZero,
    /// A negative number (`-0` too), or one above `u64::MAX`.
    NumberOutOfRange,
    /// An object holds the same key twice.
    DuplicateKey,
    /// Objects and arrays nest deeper than [`MAX_DEPTH`].
    TooDeep,
    /// The input is longer than [`MAX_INPUT`].
    TooLarge,
    /// A value of another type than the one expected.
    WrongType,
    /// An object member the schema does not know.
    UnknownMember,
    /// An object lacks a member the schema requires.
    MissingMember,
}

impl JsonProblem {
    /// Every problem (tests/codes.rs holds their codes to TRUST.md).
    pub const ALL: [JsonProblem; 16] = [
        JsonProblem::UnexpectedEnd,
        JsonProblem::UnexpectedByte,
        JsonProblem::TrailingData,
        JsonProblem::ControlCharacter,
        JsonProblem::InvalidEscape,
        JsonProblem::LoneSurrogate,
        JsonProblem::InvalidUtf8,
        JsonProblem::NotAnInteger,
        JsonProblem::LeadingZero,
        JsonProblem::NumberOutOfRange,
        JsonProblem::DuplicateKey,
        JsonProblem::TooDeep,
        JsonProblem::TooLarge,
        JsonProblem::WrongType,
        JsonProblem::UnknownMember,
        JsonProblem::MissingMember,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            JsonProblem::UnexpectedEnd => "json-unexpected-end",
            JsonProblem::UnexpectedByte => "json-unexpected-byte",
            JsonProblem::TrailingData => "json-trailing-data",
            JsonProblem::ControlCharacter => "json-control-character",
            JsonProblem::InvalidEscape => "json-invalid-escape",
            JsonProblem::LoneSurrogate => "json-lone-surrogate",
            JsonProblem::InvalidUtf8 => "json-invalid-utf8",
            JsonProblem::NotAnInteger => "json-not-an-integer",
            JsonProblem::LeadingZero => "json-leading-zero",
            JsonProblem::NumberOutOfRange => "json-number-out-of-range",
            JsonProblem::DuplicateKey => "json-duplicate-key",
            JsonProblem::TooDeep => "json-too-deep",
            JsonProblem::TooLarge => "json-too-large",
            JsonProblem::WrongType => "json-wrong-type",
            JsonProblem::UnknownMember => "json-unknown-member",
            JsonProblem::MissingMember => "json-missing-member",
        }
    }

    /// What the problem means, in one sentence for people (as
    /// [`Code::sentence`](crate::Code::sentence)).
    pub fn sentence(self, lang: Lang) -> &'static str {
        let (fr, en) = match self {
            JsonProblem::UnexpectedEnd => {
                ("Le JSON s'arrête au milieu d'une valeur.", "The JSON stops in the middle of a value.")
            }
            JsonProblem::UnexpectedByte => (
                "Le JSON contient un caractère interdit à cet endroit.",
                "The JSON holds a character not allowed there.",
            ),
            JsonProblem::TrailingData => {
                ("Quelque chose suit la fin du JSON.", "Something follows the end of the JSON.")
            }
            JsonProblem::ControlCharacter => (
                "Un texte du JSON contient un caractère de contrôle.",
                "A string in the JSON holds a control character.",
            ),
            JsonProblem::InvalidEscape => (
                "Un texte du JSON contient un échappement (« \\ ») que JSON ne définit pas.",
                "A string in the JSON holds an escape (\"\\\") that JSON does not define.",
            ),
            JsonProblem::LoneSurrogate => (
                "Un texte du JSON contient une moitié de caractère (un « \\u » de substitution sans sa paire).",
                "A string in the JSON holds half a character (a surrogate \"\\u\" without its pair).",
            ),
            JsonProblem::InvalidUtf8 => {
                ("Un texte du JSON n'est pas de l'UTF-8 valide.", "A string in the JSON is not valid UTF-8.")
            }
            JsonProblem::NotAnInteger => (
                "Un nombre du JSON n'est pas un entier (il a une virgule ou un exposant).",
                "A number in the JSON is not a whole number (it has a fraction or an exponent).",
            ),
            JsonProblem::LeadingZero => (
                "Un nombre du JSON commence par un zéro superflu.",
                "A number in the JSON starts with a needless zero.",
            ),
            JsonProblem::NumberOutOfRange => {
                ("Un nombre du JSON est négatif ou trop grand.", "A number in the JSON is negative or too large.")
            }
            JsonProblem::DuplicateKey => (
                "Un objet du JSON contient deux fois le même membre.",
                "An object in the JSON holds the same member twice.",
            ),
            JsonProblem::TooDeep => (
                "Le JSON imbrique trop d'objets ou de tableaux les uns dans les autres.",
                "The JSON nests too many objects or arrays inside one another.",
            ),
            JsonProblem::TooLarge => ("Le JSON est trop volumineux pour être lu.", "The JSON is too large to be read."),
            JsonProblem::WrongType => {
                ("Une valeur du JSON n'est pas du type attendu.", "A value in the JSON is not of the expected type.")
            }
            JsonProblem::UnknownMember => (
                "Le JSON contient un membre que son format ne définit pas.",
                "The JSON holds a member its format does not define.",
            ),
            JsonProblem::MissingMember => {
                ("Un membre obligatoire manque au JSON.", "A required member is missing from the JSON.")
            }
        };
        match lang {
            Lang::Fr => fr,
            Lang::En => en,
        }
    }
}

/// A JSON text refused: what and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsonError {
    /// What is wrong.
    pub problem: JsonProblem,
    /// The byte offset in the input where it was found.
    pub offset: usize,
}

impl JsonError {
    /// Stable code (that of the problem).
    pub fn code(self) -> &'static str {
        self.problem.code()
    }

    /// The same error, its offset moved by `by` bytes (for a text read out
    /// of a larger one).
    pub fn shifted(self, by: usize) -> JsonError {
        JsonError { problem: self.problem, offset: self.offset.saturating_add(by) }
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.code(), self.offset)
    }
}

impl std::error::Error for JsonError {}

/// The type of the next value, as its first byte tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `{`.
    Object,
    /// `[`.
    Array,
    /// `"`.
    String,
    /// A digit or `-`.
    Number,
    /// `true` or `false`.
    Bool,
    /// `null`.
    Null,
}

/// A cursor over one JSON text (see the [module](self) for its rules).
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
    /// Where the key of the member being read starts.
    key_at: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `bytes`; refused above [`MAX_INPUT`].
    pub fn new(bytes: &'a [u8]) -> Result<Reader<'a>, JsonError> {
        if bytes.len() > MAX_INPUT {
            return Err(JsonError { problem: JsonProblem::TooLarge, offset: 0 });
        }
        Ok(Reader { bytes, pos: 0, depth: 0, key_at: 0 })
    }

    /// The byte offset of the next value (past white space).
    pub fn offset(&mut self) -> usize {
        self.skip_ws();
        self.pos
    }

    /// [`JsonProblem::UnknownMember`] at the key of the member being read
    /// (for the caller of [`object`](Reader::object) to refuse a key).
    pub fn unknown_member(&self) -> JsonError {
        JsonError { problem: JsonProblem::UnknownMember, offset: self.key_at }
    }

    /// An error at the current offset (for the caller's schema errors).
    pub fn error(&self, problem: JsonProblem) -> JsonError {
        JsonError { problem, offset: self.pos }
    }

    fn error_at(offset: usize, problem: JsonProblem) -> JsonError {
        JsonError { problem, offset }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    /// The next byte after white space, or an error at the end of input.
    fn next_token(&mut self) -> Result<u8, JsonError> {
        self.skip_ws();
        self.peek().ok_or_else(|| self.error(JsonProblem::UnexpectedEnd))
    }

    fn expect(&mut self, byte: u8) -> Result<(), JsonError> {
        if self.next_token()? != byte {
            return Err(self.error(JsonProblem::UnexpectedByte));
        }
        self.pos += 1;
        Ok(())
    }

    /// Checks that only white space is left.
    pub fn finish(mut self) -> Result<(), JsonError> {
        self.skip_ws();
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(self.error(JsonProblem::TrailingData)),
        }
    }

    /// The type of the next value, without reading it.
    pub fn peek_kind(&mut self) -> Result<Kind, JsonError> {
        Ok(match self.next_token()? {
            b'{' => Kind::Object,
            b'[' => Kind::Array,
            b'"' => Kind::String,
            b'-' | b'0'..=b'9' => Kind::Number,
            b't' | b'f' => Kind::Bool,
            b'n' => Kind::Null,
            _ => return Err(self.error(JsonProblem::UnexpectedByte)),
        })
    }

    /// Fails with [`JsonProblem::WrongType`] unless the next value is of `kind`.
    fn want(&mut self, kind: Kind) -> Result<(), JsonError> {
        if self.peek_kind()? != kind {
            return Err(self.error(JsonProblem::WrongType));
        }
        Ok(())
    }

    /// Reads a string.
    pub fn string(&mut self) -> Result<String, JsonError> {
        self.want(Kind::String)?;
        let mut out = String::new();
        self.scan_string(Some(&mut out))?;
        Ok(out)
    }

    /// Reads a number: an integer from 0 to `u64::MAX`.
    pub fn u64(&mut self) -> Result<u64, JsonError> {
        self.want(Kind::Number)?;
        self.scan_number()
    }

    /// Reads `true` or `false`.
    pub fn bool(&mut self) -> Result<bool, JsonError> {
        self.want(Kind::Bool)?;
        if self.literal(b"true")? {
            Ok(true)
        } else if self.literal(b"false")? {
            Ok(false)
        } else {
            Err(self.error(JsonProblem::UnexpectedByte))
        }
    }

    /// Reads `null`.
    pub fn null(&mut self) -> Result<(), JsonError> {
        self.want(Kind::Null)?;
        if self.literal(b"null")? {
            Ok(())
        } else {
            Err(self.error(JsonProblem::UnexpectedByte))
        }
    }

    /// Reads an object: calls `member` once per member, with the reader
    /// before its value and its key; `member` must read (or
    /// [`skip`](Reader::skip)) exactly that value. A key seen twice is
    /// refused before `member` is called. Meant for a schema, whose
    /// `member` refuses a key it does not name: the keys seen are kept in a
    /// sorted list, so an object of n members costs up to n² moves.
    pub fn object(
        &mut self,
        mut member: impl FnMut(&mut Reader<'a>, &str) -> Result<(), JsonError>,
    ) -> Result<(), JsonError> {
        self.object_dyn(&mut member)
    }

    // One copy of the loop whatever the closure: a copy per object of the
    // schema would cost the wasm about 1.5 KB each.
    fn object_dyn(
        &mut self,
        member: &mut dyn FnMut(&mut Reader<'a>, &str) -> Result<(), JsonError>,
    ) -> Result<(), JsonError> {
        self.want(Kind::Object)?;
        self.enter()?;
        self.pos += 1;
        // The keys seen, sorted. Not a `BTreeSet`: the wasm would carry the
        // tree's code for this one use (about 3 KB). An insertion moves the
        // later keys, which costs nothing for the schemas' objects: each
        // refuses an unknown member at once, so an object holds at most as
        // many keys as its schema names.
        let mut keys: Vec<String> = Vec::new();
        if self.next_token()? == b'}' {
            self.pos += 1;
            self.depth -= 1;
            return Ok(());
        }
        loop {
            if self.next_token()? != b'"' {
                return Err(self.error(JsonProblem::UnexpectedByte));
            }
            let at = self.pos;
            let mut key = String::new();
            self.scan_string(Some(&mut key))?;
            let Err(slot) = keys.binary_search(&key) else {
                return Err(Reader::error_at(at, JsonProblem::DuplicateKey));
            };
            self.expect(b':')?;
            self.key_at = at;
            member(self, &key)?;
            keys.insert(slot, key);
            match self.next_token()? {
                b',' => self.pos += 1,
                b'}' => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Ok(());
                }
                _ => return Err(self.error(JsonProblem::UnexpectedByte)),
            }
        }
    }

    /// Reads an array: calls `element` once per element, with the reader
    /// before it; `element` must read (or skip) exactly that value.
    pub fn array(
        &mut self,
        mut element: impl FnMut(&mut Reader<'a>) -> Result<(), JsonError>,
    ) -> Result<(), JsonError> {
        self.array_dyn(&mut element)
    }

    fn array_dyn(
        &mut self,
        element: &mut dyn FnMut(&mut Reader<'a>) -> Result<(), JsonError>,
    ) -> Result<(), JsonError> {
        self.want(Kind::Array)?;
        self.enter()?;
        self.pos += 1;
        if self.next_token()? == b']' {
            self.pos += 1;
            self.depth -= 1;
            return Ok(());
        }
        loop {
            element(self)?;
            match self.next_token()? {
                b',' => self.pos += 1,
                b']' => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Ok(());
                }
                _ => return Err(self.error(JsonProblem::UnexpectedByte)),
            }
        }
    }

    /// Skips one value of any type, checking its syntax by the same rules
    /// (strings, numbers, literals, nesting depth) except one: keys are not
    /// compared, so a duplicate key inside the skipped value is not noticed
    /// (read the value again with [`object`](Reader::object) to have it
    /// checked). Returns the value's byte range in the input. Takes no
    /// memory and does not recurse, however deep the value.
    pub fn skip(&mut self) -> Result<Range<usize>, JsonError> {
        self.skip_ws();
        let start = self.pos;
        // Bit i of `objects` tells whether the container at level i+1 (above
        // the reader's own depth) is an object; `level` counts them.
        let mut objects: u64 = 0;
        let mut level = 0usize;
        loop {
            // Here a value is expected.
            let mut done = match self.next_token()? {
                open @ (b'{' | b'[') => {
                    self.enter()?;
                    self.pos += 1;
                    objects = (objects & !(1 << level)) | (u64::from(open == b'{') << level);
                    level += 1;
                    let close = if open == b'{' { b'}' } else { b']' };
                    if self.next_token()? == close {
                        self.pos += 1;
                        level -= 1;
                        self.depth -= 1;
                        true
                    } else {
                        if open == b'{' {
                            self.skip_key()?;
                        }
                        false
                    }
                }
                b'"' => {
                    self.scan_string(None)?;
                    true
                }
                b'-' | b'0'..=b'9' => {
                    self.scan_number()?;
                    true
                }
                b't' | b'f' | b'n' => {
                    if !(self.literal(b"true")? || self.literal(b"false")? || self.literal(b"null")?) {
                        return Err(self.error(JsonProblem::UnexpectedByte));
                    }
                    true
                }
                _ => return Err(self.error(JsonProblem::UnexpectedByte)),
            };
            // After a value: close containers, or go on to the next element.
            while done {
                if level == 0 {
                    return Ok(start..self.pos);
                }
                let in_object = (objects >> (level - 1)) & 1 == 1;
                match self.next_token()? {
                    b',' => {
                        self.pos += 1;
                        if in_object {
                            self.skip_key()?;
                        }
                        done = false;
                    }
                    b'}' if in_object => {
                        self.pos += 1;
                        level -= 1;
                        self.depth -= 1;
                    }
                    b']' if !in_object => {
                        self.pos += 1;
                        level -= 1;
                        self.depth -= 1;
                    }
                    _ => return Err(self.error(JsonProblem::UnexpectedByte)),
                }
            }
        }
    }

    /// A key and its colon, in [`skip`](Reader::skip).
    fn skip_key(&mut self) -> Result<(), JsonError> {
        if self.next_token()? != b'"' {
            return Err(self.error(JsonProblem::UnexpectedByte));
        }
        self.scan_string(None)?;
        self.expect(b':')
    }

    fn enter(&mut self) -> Result<(), JsonError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error(JsonProblem::TooDeep));
        }
        self.depth += 1;
        Ok(())
    }

    /// Consumes `word` if the input has it here.
    fn literal(&mut self, word: &[u8]) -> Result<bool, JsonError> {
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        if rest.starts_with(word) {
            self.pos += word.len();
            Ok(true)
        } else if word.starts_with(rest) {
            // The input stops inside the word.
            Err(Reader::error_at(self.bytes.len(), JsonProblem::UnexpectedEnd))
        } else {
            Ok(false)
        }
    }

    /// Reads a number at the cursor (a digit or `-`).
    fn scan_number(&mut self) -> Result<u64, JsonError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            return Err(self.error(JsonProblem::NumberOutOfRange));
        }
        let mut value: u64 = 0;
        let mut overflow = false;
        while let Some(d @ b'0'..=b'9') = self.peek() {
            if self.pos > start && value == 0 {
                return Err(Reader::error_at(start, JsonProblem::LeadingZero));
            }
            match value.checked_mul(10).and_then(|v| v.checked_add(u64::from(d - b'0'))) {
                Some(v) => value = v,
                None => overflow = true,
            }
            self.pos += 1;
        }
        if self.pos == start {
            return Err(self.error(JsonProblem::UnexpectedByte));
        }
        if let Some(b'.' | b'e' | b'E') = self.peek() {
            return Err(self.error(JsonProblem::NotAnInteger));
        }
        if overflow {
            return Err(Reader::error_at(start, JsonProblem::NumberOutOfRange));
        }
        Ok(value)
    }

    /// Reads a string at the cursor (on its opening quote), checking it
    /// all; appends its text to `out` when given.
    fn scan_string(&mut self, mut out: Option<&mut String>) -> Result<(), JsonError> {
        self.pos += 1;
        loop {
            // A run of plain bytes, checked as UTF-8 in one go.
            let run_start = self.pos;
            self.pos += plain_run(self.bytes.get(run_start..).unwrap_or_default());
            let run = self.bytes.get(run_start..self.pos).unwrap_or_default();
            let text = std::str::from_utf8(run)
                .map_err(|e| Reader::error_at(run_start + e.valid_up_to(), JsonProblem::InvalidUtf8))?;
            if let Some(out) = out.as_deref_mut() {
                out.push_str(text);
            }
            match self.peek() {
                None => return Err(self.error(JsonProblem::UnexpectedEnd)),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    let c = self.scan_escape()?;
                    if let Some(out) = out.as_deref_mut() {
                        out.push(c);
                    }
                }
                Some(_) => return Err(self.error(JsonProblem::ControlCharacter)),
            }
        }
    }

    /// Reads one escape at the cursor (on its backslash).
    fn scan_escape(&mut self) -> Result<char, JsonError> {
        let at = self.pos;
        self.pos += 1;
        let c = match self.peek() {
            None => return Err(self.error(JsonProblem::UnexpectedEnd)),
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.pos += 1;
                let high = self.hex4()?;
                let code = match high {
                    0xD800..=0xDBFF => {
                        if self.bytes.get(self.pos..self.pos + 2) != Some(b"\\u") {
                            return Err(Reader::error_at(at, JsonProblem::LoneSurrogate));
                        }
                        self.pos += 2;
                        let low = self.hex4()?;
                        if !(0xDC00..=0xDFFF).contains(&low) {
                            return Err(Reader::error_at(at, JsonProblem::LoneSurrogate));
                        }
                        0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                    }
                    0xDC00..=0xDFFF => return Err(Reader::error_at(at, JsonProblem::LoneSurrogate)),
                    _ => high,
                };
                return char::from_u32(code).ok_or_else(|| Reader::error_at(at, JsonProblem::LoneSurrogate));
            }
            Some(_) => return Err(Reader::error_at(at, JsonProblem::InvalidEscape)),
        };
        self.pos += 1;
        Ok(c)
    }

    /// Four hex digits of a `\u` escape.
    fn hex4(&mut self) -> Result<u32, JsonError> {
        let mut value = 0u32;
        for _ in 0..4 {
            let digit = match self.peek() {
                None => return Err(self.error(JsonProblem::UnexpectedEnd)),
                Some(b) => (b as char).to_digit(16).ok_or_else(|| self.error(JsonProblem::InvalidEscape))?,
            };
            value = value << 4 | digit;
            self.pos += 1;
        }
        Ok(value)
    }
}

/// A compact JSON writer (no white space). The caller keeps the structure
/// right: a [`key`](Writer::key) then one value inside objects, values
/// inside arrays; the writer places the commas and colons.
#[derive(Debug, Clone, Default)]
pub struct Writer {
    out: String,
    /// Whether the next key or value at this level follows another one.
    comma: bool,
}

impl Writer {
    /// An empty writer.
    pub fn new() -> Writer {
        Writer::default()
    }

    fn item(&mut self) {
        if self.comma {
            self.out.push(',');
        }
        self.comma = true;
    }

    /// Opens an object.
    pub fn begin_object(&mut self) {
        self.item();
        self.out.push('{');
        self.comma = false;
    }

    /// Closes an object.
    pub fn end_object(&mut self) {
        self.out.push('}');
        self.comma = true;
    }

    /// Opens an array.
    pub fn begin_array(&mut self) {
        self.item();
        self.out.push('[');
        self.comma = false;
    }

    /// Closes an array.
    pub fn end_array(&mut self) {
        self.out.push(']');
        self.comma = true;
    }

    /// A member's key; its value comes next.
    pub fn key(&mut self, key: &str) {
        self.item();
        write_string(&mut self.out, key);
        self.out.push(':');
        self.comma = false;
    }

    /// A string.
    pub fn string(&mut self, s: &str) {
        self.item();
        write_string(&mut self.out, s);
    }

    /// A non-negative integer.
    pub fn u64(&mut self, n: u64) {
        self.item();
        let mut digits = [0u8; 20];
        let mut len = 0;
        let mut n = n;
        loop {
            if let Some(d) = digits.get_mut(len) {
                *d = b'0' + (n % 10) as u8;
            }
            len += 1;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        for d in digits.iter().take(len).rev() {
            self.out.push(char::from(*d));
        }
    }

    /// `true` or `false`.
    pub fn bool(&mut self, b: bool) {
        self.item();
        self.out.push_str(if b { "true" } else { "false" });
    }

    /// `null`.
    pub fn null(&mut self) {
        self.item();
        self.out.push_str("null");
    }

    /// A member whose value is a string.
    pub fn member_str(&mut self, key: &str, value: &str) {
        self.key(key);
        self.string(value);
    }

    /// The text written.
    pub fn finish(self) -> String {
        self.out
    }
}

/// Appends `s` as a JSON string: `"` and `\` escaped, the control
/// characters below U+0020 as `\b \t \n \f \r` or `\u00XX`, and, as
/// `\uXXXX` (lowercase hex), the other control characters (DEL and C1,
/// U+007F–U+009F, NEL U+0085 among them) and the line and paragraph
/// separators U+2028 and U+2029; everything else as it is (non-ASCII stays
/// UTF-8).
///
/// JSON allows the last ones raw, but JavaScript before ES2019 refuses
/// U+2028 and U+2029 inside a string literal (JSON pasted into a script
/// breaks), and line-based tools (Python's
/// `splitlines`, editors, log collectors) break lines at them and at NEL: a
/// name signed with one would cut a `--batch` line in two. Escaped, every
/// text written is one line of plain JSON. Apart from these characters, the
/// same bytes as serde_json writes (tests/report_json.rs).
pub fn write_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    let mut plain = 0;
    for (i, c) in s.char_indices() {
        let escape = match c {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\u{8}' => "\\b",
            '\t' => "\\t",
            '\n' => "\\n",
            '\u{c}' => "\\f",
            '\r' => "\\r",
            '\0'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{2028}' | '\u{2029}' => "",
            _ => continue,
        };
        out.push_str(s.get(plain..i).unwrap_or_default());
        if escape.is_empty() {
            out.push_str("\\u");
            let code = u32::from(c);
            for shift in [12, 8, 4, 0] {
                out.push(char::from(HEX.get(((code >> shift) & 0xF) as usize).copied().unwrap_or(b'0')));
            }
        } else {
            out.push_str(escape);
        }
        plain = i + c.len_utf8();
    }
    out.push_str(s.get(plain..).unwrap_or_default());
    out.push('"');
}

/// The length of the run of plain string bytes at the start of `bytes`:
/// up to the first quote, backslash or control character (or the end).
///
/// A loop over a slice, not `peek` and `pos` a byte at a time: at the
/// verify-only wasm's size level `peek` is not inlined, and that call per
/// byte was 60 % of applying a status document of 400,000 revoked, whose
/// strings hold hundreds of kilobytes (README, "How far the page is from
/// its floor").
///
/// Natively, eight bytes a step first (a word's bytes tested at once for
/// the three stops): `cachet verify` reads a list of 1,000,000 revoked whose
/// strings hold 950 KB twice (its span for the signature, then its
/// content). The wasm keeps the plain loop: the word's test cost it 190
/// bytes of Brotli, which the page's budget has no room for.
fn plain_run(bytes: &[u8]) -> usize {
    let mut n = 0;
    #[cfg(not(target_arch = "wasm32"))]
    for chunk in bytes.chunks_exact(8) {
        const ONES: u64 = 0x0101_0101_0101_0101;
        const HIGHS: u64 = 0x8080_8080_8080_8080;
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        // Whether some byte of `x` is below `n` (n ≤ 0x80): exact as to
        // whether one is, which is all this asks.
        let below = |x: u64, n: u8| x.wrapping_sub(ONES * u64::from(n)) & !x & HIGHS;
        if below(w, 0x20) | below(w ^ (ONES * u64::from(b'"')), 1) | below(w ^ (ONES * u64::from(b'\\')), 1) != 0 {
            break;
        }
        n += 8;
    }
    while let Some(&b) = bytes.get(n) {
        if b == b'"' || b == b'\\' || b < 0x20 {
            break;
        }
        n += 1;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem<T: fmt::Debug>(r: Result<T, JsonError>) -> (JsonProblem, usize) {
        let e = r.unwrap_err();
        (e.problem, e.offset)
    }

    fn read_string(text: &str) -> Result<String, JsonError> {
        let mut r = Reader::new(text.as_bytes())?;
        let s = r.string()?;
        r.finish()?;
        Ok(s)
    }

    /// The run `plain_run` must find, scanned a byte at a time.
    fn byte_at_a_time(b: &[u8]) -> usize {
        b.iter().position(|&c| c == b'"' || c == b'\\' || c < 0x20).unwrap_or(b.len())
    }

    #[test]
    fn plain_run_stops_where_a_byte_at_a_time_scan_stops() {
        // Every byte that must stop a run, its neighbours that must not, and bytes of UTF-8 sequences.
        let stops = [b'"', b'\\', 0x00, 0x01, 0x0a, 0x1f];
        let fillers = [b'a', b' ', b'!', b'#', b'[', b']', 0x7f, 0x80, 0xc3, 0xa9, 0xff];
        for len in 0..40 {
            for &fill in &fillers {
                let plain = vec![fill; len];
                assert_eq!(plain_run(&plain), len);
                for at in 0..len {
                    for &stop in &stops {
                        let mut b = plain.clone();
                        b[at] = stop;
                        assert_eq!(plain_run(&b), byte_at_a_time(&b), "{fill:#x} × {len}, {stop:#x} at {at}");
                        assert_eq!(plain_run(&b), at);
                    }
                }
            }
        }
    }

    #[test]
    fn plain_run_stops_where_a_byte_at_a_time_scan_stops_on_mixed_bytes() {
        use rand_chacha::rand_core::{RngCore, SeedableRng};
        // Any byte, stops rarely: words whose bytes differ, borrows across them.
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(0x2545_f491_4f6c_dd1d);
        let mut next = || rng.next_u64();
        for _ in 0..20_000 {
            let len = (next() % 70) as usize;
            let b: Vec<u8> = (0..len)
                .map(|_| match next() % 64 {
                    0 => b'"',
                    1 => b'\\',
                    2 => (next() % 0x20) as u8,
                    _ => (next() % 0xe0) as u8 + 0x20,
                })
                .collect();
            assert_eq!(plain_run(&b), byte_at_a_time(&b), "{b:?}");
        }
    }

    #[test]
    fn long_strings_read_whole_with_their_escapes() {
        let body = "é0123456789abcdef".repeat(100);
        for at in [0, 1, 7, 8, 9, 15, 16, 17, 500] {
            let (head, tail) = body.split_at(body.char_indices().nth(at).map(|(i, _)| i).unwrap_or(0));
            let text = format!("\"{head}\\n{tail}\\\"\"");
            assert_eq!(read_string(&text).unwrap(), format!("{head}\n{tail}\""));
            let raw = format!("\"{head}\n{tail}\"");
            assert_eq!(problem(read_string(&raw)).0, JsonProblem::ControlCharacter);
            assert_eq!(problem(read_string(&raw)).1, 1 + head.len());
        }
    }

    fn read_u64(text: &str) -> Result<u64, JsonError> {
        let mut r = Reader::new(text.as_bytes())?;
        let n = r.u64()?;
        r.finish()?;
        Ok(n)
    }

    fn skip_all(text: &[u8]) -> Result<Range<usize>, JsonError> {
        let mut r = Reader::new(text)?;
        let span = r.skip()?;
        r.finish()?;
        Ok(span)
    }

    #[test]
    fn strings_unescape_every_escape_and_surrogate_pairs() {
        assert_eq!(read_string(r#""a\"b\\c\/d\b\f\n\r\t""#).unwrap(), "a\"b\\c/d\u{8}\u{c}\n\r\t");
        assert_eq!(read_string(r#""\u00e9\u00C9 é \ud83d\ude00""#).unwrap(), "éÉ é 😀");
        assert_eq!(read_string(r#""\u0000""#).unwrap(), "\0");
        assert_eq!(read_string("\"\u{7f}\"").unwrap(), "\u{7f}");
        assert_eq!(read_string(" \"\" ").unwrap(), "");
    }

    #[test]
    fn strings_refuse_what_json_does_not_allow() {
        assert_eq!(problem(read_string(r#""\ud83d""#)), (JsonProblem::LoneSurrogate, 1));
        assert_eq!(problem(read_string(r#""\ud83dx""#)), (JsonProblem::LoneSurrogate, 1));
        assert_eq!(problem(read_string(r#""\ud83d\u0041""#)), (JsonProblem::LoneSurrogate, 1));
        assert_eq!(problem(read_string(r#""ab\ude00""#)), (JsonProblem::LoneSurrogate, 3));
        assert_eq!(problem(read_string(r#""\x""#)), (JsonProblem::InvalidEscape, 1));
        assert_eq!(problem(read_string(r#""\u12g4""#)), (JsonProblem::InvalidEscape, 5));
        assert_eq!(problem(read_string("\"a\tb\"")), (JsonProblem::ControlCharacter, 2));
        assert_eq!(problem(read_string("\"a\nb\"")), (JsonProblem::ControlCharacter, 2));
        assert_eq!(problem(read_string("\"abc")), (JsonProblem::UnexpectedEnd, 4));
        assert_eq!(problem(read_string("\"\\u00")), (JsonProblem::UnexpectedEnd, 5));
        assert_eq!(problem(read_string("'a'")), (JsonProblem::UnexpectedByte, 0));
        assert_eq!(problem(read_string("\"a\" \"b\"")), (JsonProblem::TrailingData, 4));
        assert_eq!(problem(read_string("12")), (JsonProblem::WrongType, 0));
        let mut bad = b"\"ab\xc3(\"".to_vec();
        assert_eq!(problem(Reader::new(&bad).unwrap().string()), (JsonProblem::InvalidUtf8, 3));
        bad = b"\"\xed\xa0\x80\"".to_vec(); // a surrogate encoded in UTF-8
        assert_eq!(problem(Reader::new(&bad).unwrap().string()), (JsonProblem::InvalidUtf8, 1));
    }

    #[test]
    fn numbers_are_integers_in_the_u64_range() {
        assert_eq!(read_u64("0"), Ok(0));
        assert_eq!(read_u64(" 42 "), Ok(42));
        assert_eq!(read_u64("18446744073709551615"), Ok(u64::MAX));
        assert_eq!(problem(read_u64("18446744073709551616")), (JsonProblem::NumberOutOfRange, 0));
        assert_eq!(problem(read_u64("-1")), (JsonProblem::NumberOutOfRange, 0));
        assert_eq!(problem(read_u64("-0")), (JsonProblem::NumberOutOfRange, 0));
        assert_eq!(problem(read_u64("01")), (JsonProblem::LeadingZero, 0));
        assert_eq!(problem(read_u64("00")), (JsonProblem::LeadingZero, 0));
        assert_eq!(problem(read_u64("1.0")), (JsonProblem::NotAnInteger, 1));
        assert_eq!(problem(read_u64("1e3")), (JsonProblem::NotAnInteger, 1));
        assert_eq!(problem(read_u64("0E1")), (JsonProblem::NotAnInteger, 1));
        assert_eq!(problem(read_u64("4x")), (JsonProblem::TrailingData, 1));
        assert_eq!(problem(read_u64("\"4\"")), (JsonProblem::WrongType, 0));
    }

    #[test]
    fn objects_refuse_duplicate_keys_even_escaped() {
        let read = |text: &str| {
            let mut r = Reader::new(text.as_bytes())?;
            let mut seen = Vec::new();
            r.object(|r, key| {
                seen.push((key.to_owned(), r.u64()?));
                Ok(())
            })?;
            r.finish()?;
            Ok::<_, JsonError>(seen)
        };
        assert_eq!(read(r#"{ "a" : 1 , "b":2}"#).unwrap(), [("a".into(), 1), ("b".into(), 2)]);
        assert_eq!(read("{}").unwrap(), []);
        assert_eq!(problem(read(r#"{"a":1,"a":2}"#)), (JsonProblem::DuplicateKey, 7));
        assert_eq!(problem(read(r#"{"a":1,"\u0061":2}"#)), (JsonProblem::DuplicateKey, 7));
        assert_eq!(problem(read(r#"{"a":1,}"#)), (JsonProblem::UnexpectedByte, 7));
        assert_eq!(problem(read(r#"{"a" 1}"#)), (JsonProblem::UnexpectedByte, 5));
        assert_eq!(problem(read(r#"{a:1}"#)), (JsonProblem::UnexpectedByte, 1));
        assert_eq!(problem(read(r#"{"a":1"#)), (JsonProblem::UnexpectedEnd, 6));
        assert_eq!(problem(read(r#"{"a":1}}"#)), (JsonProblem::TrailingData, 7));
    }

    #[test]
    fn arrays_and_literals() {
        let mut r = Reader::new(b"[true, false ,null,[]]").unwrap();
        let mut got = Vec::new();
        r.array(|r| {
            got.push(r.peek_kind()?);
            match r.peek_kind()? {
                Kind::Bool => r.bool().map(|_| ())?,
                Kind::Null => r.null()?,
                _ => r.array(|_| Ok(()))?,
            }
            Ok(())
        })
        .unwrap();
        r.finish().unwrap();
        assert_eq!(got, [Kind::Bool, Kind::Bool, Kind::Null, Kind::Array]);
        assert_eq!(
            problem(Reader::new(b"[1,]").unwrap().array(|r| r.u64().map(drop))),
            (JsonProblem::UnexpectedByte, 3)
        );
        assert_eq!(problem(Reader::new(b"tru").unwrap().bool()), (JsonProblem::UnexpectedEnd, 3));
        assert_eq!(problem(Reader::new(b"trux").unwrap().bool()), (JsonProblem::UnexpectedByte, 0));
        assert_eq!(problem(Reader::new(b"nul").unwrap().null()), (JsonProblem::UnexpectedEnd, 3));
    }

    #[test]
    fn skip_checks_syntax_and_returns_the_exact_span() {
        let text = br#" {"a": [1, {"b": "\u00e9"}, [], {}], "c": null, "d": true} "#;
        assert_eq!(skip_all(text), Ok(1..text.len() - 1));
        for (bad, p) in [
            (&b"[1,]"[..], JsonProblem::UnexpectedByte),
            (b"[1 2]", JsonProblem::UnexpectedByte),
            (b"{\"a\":1,}", JsonProblem::UnexpectedByte),
            (b"{\"a\" 1}", JsonProblem::UnexpectedByte),
            (b"{\"a\":1]", JsonProblem::UnexpectedByte),
            (b"[1}", JsonProblem::UnexpectedByte),
            (b"[1.5]", JsonProblem::NotAnInteger),
            (b"[-1]", JsonProblem::NumberOutOfRange),
            (b"[\"\\ud800\"]", JsonProblem::LoneSurrogate),
            (b"{\"\\x\":1}", JsonProblem::InvalidEscape),
            (b"[nul", JsonProblem::UnexpectedEnd),
            (b"[nulx]", JsonProblem::UnexpectedByte),
            (b"[", JsonProblem::UnexpectedEnd),
            (b"", JsonProblem::UnexpectedEnd),
            (b"[] []", JsonProblem::TrailingData),
        ] {
            assert_eq!(skip_all(bad).map_err(|e| e.problem), Err(p), "{}", String::from_utf8_lossy(bad));
        }
        // Skipping notices no duplicate key: that is `object`'s job.
        assert!(skip_all(br#"{"a":1,"a":1}"#).is_ok());
    }

    #[test]
    fn nesting_is_limited_without_recursion() {
        let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(skip_all(nested(MAX_DEPTH).as_bytes()).is_ok());
        assert_eq!(problem(skip_all(nested(MAX_DEPTH + 1).as_bytes())), (JsonProblem::TooDeep, MAX_DEPTH));
        // A deep text that never closes is refused at the limit, not at its end.
        let deep = "[{\"a\":".repeat(1_000_000);
        assert_eq!(problem(skip_all(deep.as_bytes())).0, JsonProblem::TooDeep);
        // `object` and `array` count the same depth as `skip`.
        fn depth(r: &mut Reader<'_>) -> Result<(), JsonError> {
            r.array(depth)
        }
        assert!(depth(&mut Reader::new(nested(MAX_DEPTH).as_bytes()).unwrap()).is_ok());
        let too_deep = nested(MAX_DEPTH + 1);
        assert_eq!(problem(depth(&mut Reader::new(too_deep.as_bytes()).unwrap())), (JsonProblem::TooDeep, MAX_DEPTH));
        let mut r = Reader::new(b"[[[1]]]").unwrap();
        r.array(|r| r.skip().map(|_| ())).unwrap();
        r.finish().unwrap();
    }

    #[test]
    fn input_size_is_bounded() {
        let big = vec![b' '; MAX_INPUT + 1];
        assert_eq!(problem(Reader::new(&big)), (JsonProblem::TooLarge, 0));
    }

    #[test]
    fn writer_escapes_what_json_requires_and_what_breaks_lines() {
        let mut s = String::new();
        write_string(&mut s, "a\"b\\c/é\u{0}\u{1f}\u{8}\u{c}\n\r\t\u{7f}😀");
        assert_eq!(s, "\"a\\\"b\\\\c/é\\u0000\\u001f\\b\\f\\n\\r\\t\\u007f😀\"");
        let mut s = String::new();
        write_string(&mut s, "Léa\u{2028}Noël\u{2029}\u{85}\u{9b}\u{a0}\u{2027}\u{202a}\u{feff}");
        assert_eq!(s, "\"Léa\\u2028Noël\\u2029\\u0085\\u009b\u{a0}\u{2027}\u{202a}\u{feff}\"");
        let mut w = Writer::new();
        w.begin_object();
        w.member_str("k", "v");
        w.key("n");
        w.begin_array();
        for n in [0, 7, 10, u64::MAX] {
            w.u64(n);
        }
        w.bool(true);
        w.null();
        w.begin_object();
        w.end_object();
        w.end_array();
        w.key("e");
        w.begin_array();
        w.end_array();
        w.end_object();
        assert_eq!(w.finish(), r#"{"k":"v","n":[0,7,10,18446744073709551615,true,null,{}],"e":[]}"#);
    }

    #[test]
    fn written_strings_read_back_the_same() {
        let all: String =
            (0u32..0x800).chain(0x2000..0x2100).filter_map(char::from_u32).chain(['\u{ffff}', '😀']).collect();
        let mut s = String::new();
        write_string(&mut s, &all);
        assert_eq!(read_string(&s).unwrap(), all);
        // One line for every line-based reader: no character that JavaScript,
        // Rust's `lines`, Python's `splitlines` or Unicode (UAX #14) breaks at.
        let breaks = |c: char| {
            matches!(c, '\n' | '\r' | '\u{b}' | '\u{c}' | '\u{1c}'..='\u{1e}' | '\u{85}' | '\u{2028}' | '\u{2029}')
        };
        assert!(all.contains(breaks));
        assert!(!s.contains(breaks), "{s}");
        assert!(!s.chars().any(char::is_control));
    }
}
