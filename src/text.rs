//! The text forms of a certificate: `CC1:` + base64url, or a verifier URL
//! with that token in its fragment.
//!
//! One certificate has exactly one token. The token is the prefix `CC`, the
//! format version in decimal, a colon, then the COSE bytes in base64url
//! without padding (RFC 4648 §5). Decoding refuses padding, the other
//! alphabet, non-zero trailing bits and any character outside the alphabet,
//! so that re-encoding what was decoded gives back the very same text.
//! Surrounding ASCII white space (a pasted line's newline) is ignored;
//! nothing inside is.

use crate::code::Code;
use std::fmt;

/// The format version this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;
/// The token prefix of [`FORMAT_VERSION`].
pub const PREFIX: &str = "CC1:";
/// The longest text accepted, in bytes: beyond any QR code's capacity (2,953 bytes).
pub const MAX_TEXT_LEN: usize = 3000;

/// Why a text is not a certificate token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TextError {
    /// Longer than [`MAX_TEXT_LEN`].
    TooLarge,
    /// Empty, or white space only.
    Empty,
    /// A URL without a token in its fragment.
    NoFragment,
    /// The token does not start with `CC<version>:`.
    BadPrefix,
    /// A format version this build does not read.
    UnsupportedVersion(u32),
    /// The base64url is not canonical, or holds a character outside its alphabet.
    Base64,
}

impl TextError {
    /// Its code, for reports.
    pub fn as_code(self) -> Code {
        match self {
            TextError::TooLarge => Code::TextTooLarge,
            TextError::Empty => Code::TextEmpty,
            TextError::NoFragment => Code::UrlWithoutToken,
            TextError::BadPrefix => Code::Prefix,
            TextError::UnsupportedVersion(_) => Code::UnsupportedFormatVersion,
            TextError::Base64 => Code::Base64,
        }
    }

    /// Stable code, for reports: the text of [`TextError::as_code`].
    pub fn code(self) -> &'static str {
        self.as_code().as_str()
    }
}

impl fmt::Display for TextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Strict base64url without padding (RFC 4648 §5), written here rather than
/// taken from the `base64` crate: its general-purpose engine costs the
/// verifier's wasm about 4 KB, where this is a few hundred bytes. The
/// `base64` crate stays the reference its tests compare with.
pub(crate) mod b64 {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    /// The text is not canonical base64url without padding.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub(crate) struct Invalid;

    /// Six bits of a base64url character.
    fn sextet(c: u8) -> Result<u32, Invalid> {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return Err(Invalid),
        };
        Ok(u32::from(v))
    }

    /// The character of the six low bits of `n`.
    fn char_of(n: u32) -> char {
        ALPHABET.get((n & 63) as usize).map_or('A', |&b| char::from(b))
    }

    pub(crate) fn encode(bytes: &[u8]) -> String {
        let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
        for chunk in bytes.chunks(3) {
            let (a, b, c) = match *chunk {
                [a, b, c] => (a, b, c),
                [a, b] => (a, b, 0),
                [a] => (a, 0, 0),
                _ => break,
            };
            let n = (u32::from(a) << 16) | (u32::from(b) << 8) | u32::from(c);
            // 2, 3 or 4 characters for 1, 2 or 3 bytes.
            for i in 0..=chunk.len() {
                out.push(char_of(n >> (18 - 6 * i)));
            }
        }
        out
    }

    /// Refuses padding, `+` and `/`, any other byte, a length of 4n+1, and
    /// non-zero trailing bits: each byte string has exactly one text.
    pub(crate) fn decode(s: &str) -> Result<Vec<u8>, Invalid> {
        let mut out = Vec::with_capacity(s.len() / 4 * 3 + 2);
        let mut chunks = s.as_bytes().chunks_exact(4);
        for chunk in &mut chunks {
            let &[a, b, c, d] = chunk else { return Err(Invalid) };
            let n = (sextet(a)? << 18) | (sextet(b)? << 12) | (sextet(c)? << 6) | sextet(d)?;
            out.extend_from_slice(&[(n >> 16) as u8, (n >> 8) as u8, n as u8]);
        }
        match *chunks.remainder() {
            [] => {}
            [a, b] => {
                let n = (sextet(a)? << 18) | (sextet(b)? << 12);
                if n & 0xffff != 0 {
                    return Err(Invalid);
                }
                out.push((n >> 16) as u8);
            }
            [a, b, c] => {
                let n = (sextet(a)? << 18) | (sextet(b)? << 12) | (sextet(c)? << 6);
                if n & 0xff != 0 {
                    return Err(Invalid);
                }
                out.extend_from_slice(&[(n >> 16) as u8, (n >> 8) as u8]);
            }
            _ => return Err(Invalid),
        }
        Ok(out)
    }

    #[cfg(test)]
    mod tests {
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        use base64::Engine;

        /// Every text of up to 3 characters from an alphabet with every kind
        /// of byte (valid, padding, the standard alphabet's, other), and
        /// random byte strings and their texts mutated one byte at a time:
        /// the same bytes, or a refusal, as the `base64` crate's strict engine.
        #[test]
        fn decodes_and_encodes_as_the_base64_crate() {
            let same = |text: &[u8]| {
                let Ok(s) = std::str::from_utf8(text) else { return };
                assert_eq!(super::decode(s).ok(), URL_SAFE_NO_PAD.decode(s).ok(), "{s:?}");
            };
            let chars = b"AQgwBC-_=+/ az09\x80";
            same(b"");
            for &a in chars {
                same(&[a]);
                for &b in chars {
                    same(&[a, b]);
                    for &c in chars {
                        same(&[a, b, c]);
                        for &d in b"AB-=" {
                            same(&[a, b, c, d]);
                            same(&[b'Q', b'U', b'J', b'D', a, b, c, d]);
                        }
                    }
                }
            }
            let mut seed = 0x2545_f491_4f6c_dd1du64;
            let mut next = move || {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed
            };
            for len in 0..200 {
                let bytes: Vec<u8> = (0..len).map(|_| next() as u8).collect();
                let text = super::encode(&bytes);
                assert_eq!(text, URL_SAFE_NO_PAD.encode(&bytes));
                assert_eq!(super::decode(&text), Ok(bytes));
                let mut mutated = text.into_bytes();
                if !mutated.is_empty() {
                    let at = next() as usize % mutated.len();
                    mutated[at] = next() as u8;
                    same(&mutated);
                }
            }
        }
    }
}

/// The token of COSE bytes: `CC1:` + base64url.
pub fn encode_token(cose: &[u8]) -> String {
    let mut out = String::with_capacity(PREFIX.len() + cose.len().div_ceil(3) * 4);
    out.push_str(PREFIX);
    out.push_str(&b64::encode(cose));
    out
}

/// The verifier URL of a token: `base` with the token as its fragment. The
/// fragment never reaches a server.
pub fn url_of(base: &str, token: &str) -> String {
    let base = base.split('#').next().unwrap_or(base);
    format!("{base}#{token}")
}

/// The longest version number in a prefix, in digits.
const MAX_VERSION_DIGITS: usize = 4;

/// The version in a token's prefix, and the rest of the token. A version is
/// written as a number is (`0`, or 1 to 4 digits not starting with `0`);
/// any such number is a version, known to this build or not, so `CC0:` and
/// `CC2:` are versions this build does not read, while `CC01:`, `CC:` and
/// `CC12345:` are no Cachet prefix at all (FORMAT.md, "The token").
fn split_prefix(token: &str) -> Result<(u32, &str), TextError> {
    let rest = token.strip_prefix("CC").ok_or(TextError::BadPrefix)?;
    let (digits, body) = rest.split_once(':').ok_or(TextError::BadPrefix)?;
    let canonical = digits == "0" || !digits.starts_with('0');
    if digits.is_empty()
        || digits.len() > MAX_VERSION_DIGITS
        || !digits.bytes().all(|b| b.is_ascii_digit())
        || !canonical
    {
        return Err(TextError::BadPrefix);
    }
    let version = digits.parse().map_err(|_| TextError::BadPrefix)?;
    Ok((version, body))
}

/// Decodes a token or a verifier URL into the COSE bytes it carries.
pub fn decode(text: &str) -> Result<Vec<u8>, TextError> {
    if text.len() > MAX_TEXT_LEN {
        return Err(TextError::TooLarge);
    }
    let text = text.trim_matches(|c: char| c.is_ascii_whitespace());
    if text.is_empty() {
        return Err(TextError::Empty);
    }
    let token = if text.starts_with("https://") || text.starts_with("http://") {
        match text.split_once('#') {
            Some((_, fragment)) if !fragment.is_empty() => fragment,
            _ => return Err(TextError::NoFragment),
        }
    } else {
        text
    };
    let (version, body) = split_prefix(token)?;
    if version != FORMAT_VERSION {
        return Err(TextError::UnsupportedVersion(version));
    }
    b64::decode(body).map_err(|_| TextError::Base64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_urls_round_trip() {
        let bytes = [0xd2, 0x84, 0x00, 0xff, 0x10];
        let token = encode_token(&bytes);
        assert_eq!(token, "CC1:0oQA_xA");
        assert_eq!(decode(&token), Ok(bytes.to_vec()));
        let url = url_of("https://verifier.example/v/", &token);
        assert_eq!(url, "https://verifier.example/v/#CC1:0oQA_xA");
        assert_eq!(decode(&url), Ok(bytes.to_vec()));
        assert_eq!(decode(&format!("  {token}\n")), Ok(bytes.to_vec()));
    }

    #[test]
    fn only_the_canonical_text_is_accepted() {
        assert_eq!(decode("CC1:0oQA_xB"), Err(TextError::Base64)); // trailing bits
        assert_eq!(decode("CC1:0oQA_xA="), Err(TextError::Base64)); // padding
        assert_eq!(decode("CC1:0oQA/xA"), Err(TextError::Base64)); // other alphabet
        assert_eq!(decode("CC1:0oQA _xA"), Err(TextError::Base64));
        assert_eq!(decode("cc1:0oQA_xA"), Err(TextError::BadPrefix));
        assert_eq!(decode("CC01:0oQA_xA"), Err(TextError::BadPrefix));
        assert_eq!(decode("CC2:0oQA_xA"), Err(TextError::UnsupportedVersion(2)));
        assert_eq!(decode("https://verifier.example/#CC2:0oQA_xA"), Err(TextError::UnsupportedVersion(2)));
        assert_eq!(decode("https://verifier.example/"), Err(TextError::NoFragment));
        assert_eq!(decode(" \n"), Err(TextError::Empty));
        assert_eq!(decode(&"A".repeat(MAX_TEXT_LEN + 1)), Err(TextError::TooLarge));
    }

    #[test]
    fn any_version_number_is_a_version_and_nothing_else_is() {
        // A number written as numbers are: a version, read or not.
        for (prefix, version) in [("CC0:", 0), ("CC2:", 2), ("CC10:", 10), ("CC9999:", 9999)] {
            assert_eq!(decode(&format!("{prefix}0oQA_xA")), Err(TextError::UnsupportedVersion(version)), "{prefix}");
        }
        // Not a number as written, or longer than 4 digits: not a Cachet prefix.
        for prefix in
            ["CC:", "CC00:", "CC01:", "CC001:", "CC10000:", "CC+1:", "CC-1:", "CC1a:", "CC 1:", "CC\u{661}:", "Cc1:"]
        {
            assert_eq!(decode(&format!("{prefix}0oQA_xA")), Err(TextError::BadPrefix), "{prefix}");
        }
        assert_eq!(decode("CC1"), Err(TextError::BadPrefix));
        // The version is read before the body: an unknown version is said even
        // when the body is not base64url.
        assert_eq!(decode("CC0:not base64!"), Err(TextError::UnsupportedVersion(0)));
    }
}
