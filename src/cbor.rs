//! The subset of CBOR (RFC 8949) that Cachet uses, in deterministic encoding only.
//!
//! The reader accepts exactly one encoding per value (RFC 8949 §4.2.1): integers
//! and lengths in their shortest form, definite lengths, map keys in bytewise
//! order of their encodings with no duplicates. Anything else (floats, simple
//! values, indefinite lengths, other tags) is an error. Lengths are checked
//! against the bytes that remain before anything is allocated, and the reader
//! never recurses, so no input can exhaust memory or the stack.

use crate::code::Code;
use std::fmt;

/// Why a byte string is not the CBOR that was expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CborError {
    /// The input ended inside an item.
    Truncated,
    /// An item of another major type (or another tag) stands where one was expected.
    UnexpectedType,
    /// An integer or a length is not in its shortest form, or an indefinite length.
    NonCanonical,
    /// A map key repeats, or keys are not in canonical order.
    KeyOrder,
    /// A text string is not UTF-8.
    InvalidUtf8,
    /// An integer that does not fit the signed 64-bit number its field is
    /// read into (above 2^63 - 1, or below -2^63).
    OutOfRange,
    /// Bytes remain after the item.
    TrailingBytes,
}

impl CborError {
    /// Its code, for reports.
    pub fn as_code(self) -> Code {
        match self {
            CborError::Truncated => Code::CborTruncated,
            CborError::UnexpectedType => Code::CborUnexpectedType,
            CborError::NonCanonical => Code::CborNonCanonical,
            CborError::KeyOrder => Code::CborKeyOrder,
            CborError::InvalidUtf8 => Code::CborInvalidUtf8,
            CborError::OutOfRange => Code::CborOutOfRange,
            CborError::TrailingBytes => Code::TrailingBytes,
        }
    }

    /// Stable code of this error, for reports: the text of [`CborError::as_code`].
    pub fn code(self) -> &'static str {
        self.as_code().as_str()
    }
}

impl fmt::Display for CborError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

const UINT: u8 = 0;
const NINT: u8 = 1;
const BSTR: u8 = 2;
const TSTR: u8 = 3;
const ARRAY: u8 = 4;
const MAP: u8 = 5;
const TAG: u8 = 6;

/// Writes deterministic CBOR into a byte vector.
#[derive(Debug, Default)]
pub(crate) struct Writer {
    pub(crate) buf: Vec<u8>,
}

impl Writer {
    pub(crate) fn new() -> Self {
        Writer { buf: Vec::with_capacity(256) }
    }

    fn head(&mut self, major: u8, arg: u64) {
        let m = major << 5;
        if arg < 24 {
            self.buf.push(m | arg as u8);
        } else if arg <= 0xff {
            self.buf.extend_from_slice(&[m | 24, arg as u8]);
        } else if arg <= 0xffff {
            self.buf.push(m | 25);
            self.buf.extend_from_slice(&(arg as u16).to_be_bytes());
        } else if arg <= 0xffff_ffff {
            self.buf.push(m | 26);
            self.buf.extend_from_slice(&(arg as u32).to_be_bytes());
        } else {
            self.buf.push(m | 27);
            self.buf.extend_from_slice(&arg.to_be_bytes());
        }
    }

    pub(crate) fn uint(&mut self, v: u64) {
        self.head(UINT, v);
    }

    pub(crate) fn int(&mut self, v: i64) {
        if v >= 0 {
            self.head(UINT, v as u64);
        } else {
            self.head(NINT, !(v as u64));
        }
    }

    pub(crate) fn bytes(&mut self, b: &[u8]) {
        self.head(BSTR, b.len() as u64);
        self.buf.extend_from_slice(b);
    }

    pub(crate) fn text(&mut self, s: &str) {
        self.head(TSTR, s.len() as u64);
        self.buf.extend_from_slice(s.as_bytes());
    }

    pub(crate) fn array(&mut self, len: usize) {
        self.head(ARRAY, len as u64);
    }

    pub(crate) fn map(&mut self, len: usize) {
        self.head(MAP, len as u64);
    }

    pub(crate) fn tag(&mut self, tag: u64) {
        self.head(TAG, tag);
    }
}

/// Reads deterministic CBOR from a byte slice, item by item.
#[derive(Debug, Clone)]
pub(crate) struct Reader<'a> {
    input: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(input: &'a [u8]) -> Self {
        Reader { input, pos: 0 }
    }

    /// Fails unless every byte has been read.
    pub(crate) fn finish(&self) -> Result<(), CborError> {
        if self.pos == self.input.len() {
            Ok(())
        } else {
            Err(CborError::TrailingBytes)
        }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], CborError> {
        let end = self.pos.checked_add(n).ok_or(CborError::Truncated)?;
        let out = self.input.get(self.pos..end).ok_or(CborError::Truncated)?;
        self.pos = end;
        Ok(out)
    }

    fn byte(&mut self) -> Result<u8, CborError> {
        let b = *self.input.get(self.pos).ok_or(CborError::Truncated)?;
        self.pos += 1;
        Ok(b)
    }

    /// The next byte without consuming it.
    fn peek(&self) -> Result<u8, CborError> {
        self.input.get(self.pos).copied().ok_or(CborError::Truncated)
    }

    /// Reads an item head: its major type and argument, shortest form only.
    fn head(&mut self) -> Result<(u8, u64), CborError> {
        let initial = self.byte()?;
        let major = initial >> 5;
        let info = initial & 0x1f;
        let arg = match info {
            0..=23 => return Ok((major, u64::from(info))),
            24 => {
                let v = u64::from(self.byte()?);
                if v < 24 {
                    return Err(CborError::NonCanonical);
                }
                v
            }
            25 => {
                let v = be(self.take(2)?);
                if v <= 0xff {
                    return Err(CborError::NonCanonical);
                }
                v
            }
            26 => {
                let v = be(self.take(4)?);
                if v <= 0xffff {
                    return Err(CborError::NonCanonical);
                }
                v
            }
            27 => {
                let v = be(self.take(8)?);
                if v <= 0xffff_ffff {
                    return Err(CborError::NonCanonical);
                }
                v
            }
            // 28..=30 are reserved; 31 is an indefinite length or a break.
            _ => return Err(CborError::NonCanonical),
        };
        if major == 7 {
            // Floats and simple values are never used.
            return Err(CborError::UnexpectedType);
        }
        Ok((major, arg))
    }

    fn expect(&mut self, major: u8) -> Result<u64, CborError> {
        let (m, arg) = self.head()?;
        if m != major {
            return Err(CborError::UnexpectedType);
        }
        Ok(arg)
    }

    fn len(&mut self, major: u8) -> Result<usize, CborError> {
        let n = self.expect(major)?;
        let n = usize::try_from(n).map_err(|_| CborError::Truncated)?;
        // Every element takes at least one byte: a length beyond what remains
        // is refused before anything is allocated or iterated.
        if n > self.input.len() - self.pos {
            return Err(CborError::Truncated);
        }
        Ok(n)
    }

    pub(crate) fn uint(&mut self) -> Result<u64, CborError> {
        self.expect(UINT)
    }

    /// An unsigned integer (major type 0 only) that fits an `i64`, as
    /// instants are: a negative integer is `UnexpectedType`, one above
    /// 2^63 - 1 is `OutOfRange`.
    pub(crate) fn uint_i64(&mut self) -> Result<i64, CborError> {
        i64::try_from(self.uint()?).map_err(|_| CborError::OutOfRange)
    }

    /// A signed integer, from either integer major type.
    pub(crate) fn int(&mut self) -> Result<i64, CborError> {
        let (m, arg) = self.head()?;
        let v = i64::try_from(arg).map_err(|_| CborError::OutOfRange)?;
        match m {
            UINT => Ok(v),
            NINT => Ok(-1 - v),
            _ => Err(CborError::UnexpectedType),
        }
    }

    pub(crate) fn bytes(&mut self) -> Result<&'a [u8], CborError> {
        let n = self.len(BSTR)?;
        self.take(n)
    }

    pub(crate) fn text(&mut self) -> Result<&'a str, CborError> {
        let n = self.len(TSTR)?;
        std::str::from_utf8(self.take(n)?).map_err(|_| CborError::InvalidUtf8)
    }

    pub(crate) fn array(&mut self) -> Result<usize, CborError> {
        self.len(ARRAY)
    }

    pub(crate) fn map(&mut self) -> Result<usize, CborError> {
        self.len(MAP)
    }

    pub(crate) fn tag(&mut self) -> Result<u64, CborError> {
        self.expect(TAG)
    }

    /// Reads a map key that must be an integer, in canonical order after `prev`
    /// (the encoded bytes of the previous key of the same map).
    pub(crate) fn key(&mut self, prev: &mut Option<&'a [u8]>) -> Result<i64, CborError> {
        let start = self.pos;
        match self.peek()? >> 5 {
            UINT | NINT => {}
            _ => return Err(CborError::UnexpectedType),
        }
        let key = self.int()?;
        let encoded = self.input.get(start..self.pos).ok_or(CborError::Truncated)?;
        if let Some(p) = prev {
            // RFC 8949 §4.2.1: bytewise lexicographic order of the encoded keys.
            if encoded <= *p {
                return Err(CborError::KeyOrder);
            }
        }
        *prev = Some(encoded);
        Ok(key)
    }
}

fn be(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_round_trip_in_shortest_form() {
        for v in [0i64, 23, 24, 255, 256, 65535, 65536, -1, -24, -25, -65537, i64::MIN, i64::MAX] {
            let mut w = Writer::new();
            w.int(v);
            let mut r = Reader::new(&w.buf);
            assert_eq!(r.int().unwrap(), v);
            r.finish().unwrap();
        }
    }

    #[test]
    fn non_shortest_forms_are_refused() {
        for bad in [
            &[0x18, 0x17][..],
            &[0x19, 0x00, 0xff],
            &[0x1a, 0, 0, 0xff, 0xff],
            &[0x1b, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff],
        ] {
            assert_eq!(Reader::new(bad).uint(), Err(CborError::NonCanonical));
        }
        // Indefinite-length byte string.
        assert_eq!(Reader::new(&[0x5f, 0x41, 0x00, 0xff]).bytes(), Err(CborError::NonCanonical));
    }

    #[test]
    fn huge_lengths_are_refused_before_allocation() {
        let bomb = [0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
        assert_eq!(Reader::new(&bomb).array(), Err(CborError::Truncated));
        let bomb = [0x5a, 0xff, 0xff, 0xff, 0xff, 0x00];
        assert_eq!(Reader::new(&bomb).bytes(), Err(CborError::Truncated));
    }

    #[test]
    fn keys_must_ascend_without_duplicates() {
        // {1: 0, 1: 0}
        let dup = [0xa2, 0x01, 0x00, 0x01, 0x00];
        let mut r = Reader::new(&dup);
        assert_eq!(r.map().unwrap(), 2);
        let mut prev = None;
        assert_eq!(r.key(&mut prev).unwrap(), 1);
        r.uint().unwrap();
        assert_eq!(r.key(&mut prev), Err(CborError::KeyOrder));
        // -1 (0x20) sorts after 23 (0x17), so {-1: .., 1: ..} is out of order.
        let mut r = Reader::new(&[0x20, 0x01]);
        let mut prev = None;
        r.key(&mut prev).unwrap();
        assert_eq!(r.key(&mut prev), Err(CborError::KeyOrder));
    }

    #[test]
    fn instants_are_unsigned_integers_that_fit_an_i64() {
        let read = |bytes: &[u8]| Reader::new(bytes).uint_i64();
        assert_eq!(read(&[0x00]), Ok(0));
        assert_eq!(read(&[0x1a, 0x68, 0xc7, 0x3a, 0xe0]), Ok(1_757_887_200));
        assert_eq!(read(&[0x1b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), Ok(i64::MAX));
        assert_eq!(read(&[0x1b, 0x80, 0, 0, 0, 0, 0, 0, 0]), Err(CborError::OutOfRange));
        // Negative integers, even of a representable instant, are another type.
        assert_eq!(read(&[0x20]), Err(CborError::UnexpectedType));
        assert_eq!(read(&[0x3a, 0x1d, 0xca, 0xf2, 0x4f]), Err(CborError::UnexpectedType));
        assert_eq!(read(&[0x19, 0x00, 0xff]), Err(CborError::NonCanonical));
        assert_eq!(read(&[0xfb, 0x41, 0xda, 0x2d, 0xc6, 0xb8, 0, 0, 0]), Err(CborError::UnexpectedType));
    }

    #[test]
    fn floats_and_simple_values_are_refused() {
        for bad in [&[0xf4][..], &[0xf6], &[0xf9, 0x3c, 0x00]] {
            assert_eq!(Reader::new(bad).int(), Err(CborError::UnexpectedType));
        }
    }
}
