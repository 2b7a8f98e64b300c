//! The certificate texts in a PDF file (for `cachet verify` and `cachet scan`).
//!
//! A PDF is hostile input: it is read by a small parser of our own that
//! walks the file for `N G obj` objects (and those packed in object streams)
//! without trusting the cross-reference table, so a damaged or re-saved file
//! still reads. Every step is bounded: the file's size, the objects, the
//! nesting, the bytes inflated, the images and their pixels. A file that is
//! not a PDF or that holds no object is refused with the code
//! `pdf-unreadable`, an encrypted one with `pdf-encrypted` (its bytes are
//! never read as text); nothing in it can make the command panic. The
//! limits (one set, in [`crate::limits`], listed in docs/SECURITY.md "Parser
//! attacks") keep any file, whatever it claims, to a few seconds and a few
//! hundred MB at most: the work is linear in the file's size, every inflated
//! byte counts against one budget, and an image's real size (a JPEG's own
//! header, not the PDF dictionary) is checked before any pixel buffer is made.
//!
//! What is looked for, in order:
//! 1. the text embedded by `cachet issue --pdf` ([`crate::pdf`]): the Info
//!    key `/CachetCertificate` and the XMP property `cachet:certificate`
//!    (every distinct text found, in file order);
//! 2. when there is none, the QR codes in the page images: JPEG
//!    (`DCTDecode`) and raw or zlib (`FlateDecode`, with PNG predictors)
//!    pixels in grey, RGB or CMYK, 8 or 1 bits, each read with the QR reader
//!    (as `cachet scan` reads an image file). This is how a scanned
//!    certificate reads. Codes drawn as vector graphics in a PDF without the
//!    metadata are not read: that needs a PDF renderer (several MB), and
//!    the issuer's PDFs carry the text anyway.
//!
//! The texts are then verified like any other input: the verdict and the
//! fields shown come from the signature, never from the page's visible text.

use crate::limits::*;
use flate2::read::ZlibDecoder;
use image::{DynamicImage, GrayImage, RgbImage};
use std::collections::{HashMap, HashSet};
use std::io::Read;

/// Why a PDF could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PdfError {
    /// Stable code: `pdf-unreadable` or `pdf-encrypted`.
    pub code: &'static str,
    /// What was wrong, in English (for the message's detail).
    pub detail: &'static str,
}

fn unreadable(detail: &'static str) -> PdfError {
    PdfError { code: "pdf-unreadable", detail }
}

/// Whether `bytes` look like a PDF: `%PDF-` in the first kilobyte.
pub fn is_pdf(bytes: &[u8]) -> bool {
    find(bytes.get(..bytes.len().min(1024)).unwrap_or_default(), b"%PDF-", 0).is_some()
}

/// Where the texts of a PDF were found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The Info dictionary or the XMP metadata.
    Metadata,
    /// QR codes in the page images.
    Images,
}

/// The certificate texts in the PDF `bytes` (empty when none was found) and
/// where they were found; `read_image` gives the texts of the QR codes in an
/// image ([`crate::scan::texts_in_image`]). The images are decoded and read
/// one at a time, each freed before the next.
pub fn texts_in_pdf(
    bytes: &[u8],
    mut read_image: impl FnMut(DynamicImage) -> Vec<String>,
) -> Result<(Vec<String>, Source), PdfError> {
    if bytes.len() > MAX_FILE {
        return Err(unreadable("file too large"));
    }
    if !is_pdf(bytes) {
        return Err(unreadable("not a PDF file"));
    }
    if is_encrypted(bytes) {
        return Err(PdfError { code: "pdf-encrypted", detail: "encrypted" });
    }
    let mut file = File::parse(bytes)?;
    let texts = file.embedded_texts();
    if texts.overflow {
        return Err(unreadable("more than 1000 certificate texts"));
    }
    if !texts.list.is_empty() {
        return Ok((texts.list, Source::Metadata));
    }
    let mut texts = Texts::default();
    file.each_image(|image| read_image(image).into_iter().for_each(|t| texts.add(t)));
    Ok((texts.list, Source::Images))
}

/// Whether the file has an `/Encrypt` dictionary (in its trailer or its
/// cross-reference stream): its strings and streams are then ciphertext.
fn is_encrypted(bytes: &[u8]) -> bool {
    let mut from = 0;
    while let Some(at) = find(bytes, b"/Encrypt", from) {
        from = at + 8;
        // `/EncryptMetadata` is another key.
        if bytes.get(from).is_none_or(|&c| is_space(c) || is_delimiter(c)) {
            return true;
        }
    }
    false
}

/// Distinct texts in the order found, at most [`MAX_TEXTS`] (a file with
/// more is no certificate: it is refused, not read in part).
#[derive(Default)]
struct Texts {
    list: Vec<String>,
    seen: HashSet<String>,
    overflow: bool,
}

impl Texts {
    fn add(&mut self, text: String) {
        if text.is_empty() || self.seen.contains(&text) {
            return;
        }
        if self.list.len() >= MAX_TEXTS {
            self.overflow = true;
            return;
        }
        self.seen.insert(text.clone());
        self.list.push(text);
    }
}

/// A PDF object.
#[derive(Debug, Clone, PartialEq)]
enum Obj {
    Null,
    Bool(bool),
    Num(f64),
    Str(Vec<u8>),
    Name(Vec<u8>),
    Array(Vec<Obj>),
    Dict(Dict),
    Ref(u32),
}

type Dict = Vec<(Vec<u8>, Obj)>;

impl Obj {
    fn dict(&self) -> Option<&Dict> {
        match self {
            Obj::Dict(d) => Some(d),
            _ => None,
        }
    }
}

fn get<'d>(dict: &'d Dict, key: &[u8]) -> Option<&'d Obj> {
    dict.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// An object of the file: its value and, for a stream, its raw data.
struct Object<'a> {
    number: u32,
    value: Obj,
    data: Option<&'a [u8]>,
}

struct File<'a> {
    objects: Vec<Object<'a>>,
    /// Object number → index in `objects` (the last definition wins, as with incremental updates).
    index: HashMap<u32, usize>,
    /// Bytes inflated so far, from every stream of the file.
    inflated: usize,
}

impl<'a> File<'a> {
    fn parse(bytes: &'a [u8]) -> Result<File<'a>, PdfError> {
        let mut lexer =
            Lexer { b: bytes, pos: 0, work: 0, budget: bytes.len().saturating_mul(WORK_FACTOR), endstream: None };
        let mut objects: Vec<Object<'a>> = Vec::new();
        let mut from = 0;
        while let Some(at) = find(bytes, b"obj", from) {
            from = at + 3;
            if objects.len() >= MAX_OBJECTS {
                break;
            }
            let Some(number) = object_header(bytes, at) else { continue };
            if bytes.get(at + 3).is_some_and(|&c| !is_delimiter(c) && !is_space(c)) {
                continue;
            }
            lexer.pos = at + 3;
            let Some(value) = lexer.object(0) else {
                if lexer.exhausted() {
                    return Err(unreadable("too complex"));
                }
                continue;
            };
            let data = if matches!(value, Obj::Dict(_)) { lexer.stream_data(&value) } else { None };
            if data.is_some() {
                // Binary data may hold "obj": go on after the stream.
                from = from.max(lexer.pos);
            }
            objects.push(Object { number, value, data });
        }
        let mut file = File { objects, index: HashMap::new(), inflated: 0 };
        file.reindex();
        file.unpack_object_streams(&mut lexer)?;
        if file.objects.is_empty() {
            return Err(unreadable("no object"));
        }
        Ok(file)
    }

    fn reindex(&mut self) {
        self.index = self.objects.iter().enumerate().map(|(i, o)| (o.number, i)).collect();
    }

    /// Adds the objects packed in object streams (`/Type /ObjStm`), unless
    /// an object of the same number is defined at the top level.
    fn unpack_object_streams(&mut self, lexer: &mut Lexer<'_>) -> Result<(), PdfError> {
        let mut inflated_total = self.inflated;
        let mut packed: Vec<Object<'a>> = Vec::new();
        for object in &self.objects {
            let (Some(dict), Some(data)) = (object.value.dict(), object.data) else { continue };
            if get(dict, b"Type") != Some(&Obj::Name(b"ObjStm".to_vec())) {
                continue;
            }
            let Some(decoded) = decode_filters(dict, data, MAX_INFLATED, &mut inflated_total) else { continue };
            let (Some(n), Some(first)) = (self.number(dict, b"N"), self.number(dict, b"First")) else { continue };
            let mut inner = Lexer { b: &decoded, pos: 0, work: lexer.work, budget: lexer.budget, endstream: None };
            let mut headers = Vec::new();
            for _ in 0..(n as usize).min(MAX_OBJECTS) {
                match (inner.object(0), inner.object(0)) {
                    (Some(Obj::Num(num)), Some(Obj::Num(off))) => headers.push((num as u32, off as usize)),
                    _ => break,
                }
            }
            for (number, offset) in headers {
                if packed.len() + self.objects.len() >= MAX_OBJECTS {
                    break;
                }
                inner.pos = (first as usize).saturating_add(offset);
                if let Some(value) = inner.object(0) {
                    packed.push(Object { number, value, data: None });
                }
            }
            lexer.work = inner.work;
            if lexer.exhausted() {
                return Err(unreadable("too complex"));
            }
        }
        self.inflated = inflated_total;
        for object in packed {
            if !self.index.contains_key(&object.number) {
                self.objects.push(object);
            }
        }
        self.reindex();
        Ok(())
    }

    /// `obj`, or the object it refers to.
    fn resolve<'o>(&'o self, obj: &'o Obj) -> &'o Obj {
        match obj {
            Obj::Ref(n) => self.index.get(n).and_then(|&i| self.objects.get(i)).map_or(&Obj::Null, |o| &o.value),
            other => other,
        }
    }

    fn number(&self, dict: &Dict, key: &[u8]) -> Option<f64> {
        match self.resolve(get(dict, key)?) {
            Obj::Num(n) if n.is_finite() && *n >= 0.0 => Some(*n),
            _ => None,
        }
    }

    /// The texts of `/CachetCertificate` in any dictionary and of `cachet:certificate` in XMP streams.
    fn embedded_texts(&mut self) -> Texts {
        let mut texts = Texts::default();
        let mut add = |t: String| texts.add(t.trim().to_owned());
        let mut inflated_total = self.inflated;
        for object in &self.objects {
            let Some(dict) = object.value.dict() else { continue };
            if let Some(Obj::Str(s)) = get(dict, crate::pdf::INFO_KEY.as_bytes()).map(|o| self.resolve(o)) {
                add(text_string(s));
            }
            let is_xmp = get(dict, b"Type") == Some(&Obj::Name(b"Metadata".to_vec()));
            if let (true, Some(data)) = (is_xmp, object.data) {
                let Some(xml) = decode_filters(dict, data, MAX_INFLATED, &mut inflated_total) else { continue };
                let xml = String::from_utf8_lossy(&xml);
                let (open, close) = ("<cachet:certificate>", "</cachet:certificate>");
                let mut rest = xml.as_ref();
                while let Some(start) = rest.find(open) {
                    rest = rest.get(start + open.len()..).unwrap_or_default();
                    let Some(end) = rest.find(close) else { break };
                    add(xml_unescape(rest.get(..end).unwrap_or_default()));
                    rest = rest.get(end..).unwrap_or_default();
                }
            }
        }
        self.inflated = inflated_total;
        texts
    }

    /// Hands each image XObject that decodes to `read`, in file order, one at
    /// a time: at most [`MAX_IMAGES`] of them and [`MAX_PIXELS_TOTAL`] pixels.
    fn each_image(&mut self, mut read: impl FnMut(DynamicImage)) {
        let (mut count, mut pixels) = (0, 0u64);
        let mut inflated_total = self.inflated;
        for object in &self.objects {
            if count >= MAX_IMAGES || pixels >= MAX_PIXELS_TOTAL {
                break;
            }
            let (Some(dict), Some(data)) = (object.value.dict(), object.data) else { continue };
            if get(dict, b"Subtype") != Some(&Obj::Name(b"Image".to_vec())) {
                continue;
            }
            let room = MAX_PIXELS.min(MAX_PIXELS_TOTAL - pixels);
            if let Some(image) = self.image(dict, data, room, &mut inflated_total) {
                count += 1;
                pixels += u64::from(image.width()) * u64::from(image.height());
                read(image);
            }
        }
        self.inflated = inflated_total;
    }

    /// The image of an image XObject, if it decodes to at most `max_pixels` pixels.
    fn image(&self, dict: &Dict, data: &[u8], max_pixels: u64, inflated_total: &mut usize) -> Option<DynamicImage> {
        let width = self.number(dict, b"Width")? as u32;
        let height = self.number(dict, b"Height")? as u32;
        if width == 0 || height == 0 || u64::from(width) * u64::from(height) > max_pixels {
            return None;
        }
        let filters = filter_names(dict);
        if filters.last().map(Vec::as_slice) == Some(b"DCTDecode") {
            // Any filter before the JPEG one (rare) must be Flate.
            let jpeg =
                if filters.len() > 1 { decode_filters_except_last(dict, data, inflated_total)? } else { data.to_vec() };
            // The JPEG's own header says its size, whatever the dictionary claims.
            return decode_image(&jpeg, Some(image::ImageFormat::Jpeg), max_pixels).ok();
        }
        let is_mask = matches!(get(dict, b"ImageMask"), Some(Obj::Bool(true)));
        let bits = if is_mask { 1 } else { self.number(dict, b"BitsPerComponent")? as u32 };
        let components = if is_mask { 1 } else { self.components(get(dict, b"ColorSpace")?)? };
        if !(bits == 8 || bits == 1 && components == 1) {
            return None;
        }
        let row = (width as usize * components * bits as usize).div_ceil(8);
        let limit = (row + 1).checked_mul(height as usize)?;
        let raw = decode_filters(dict, data, limit.min(MAX_INFLATED), inflated_total)?;
        let pixels = unpredict(dict, &raw, row, components * bits as usize / 8)?;
        let pixels = pixels.get(..row * height as usize)?;
        // /Decode [1 0] (and an image mask's default: 0 paints) inverts a grey image.
        let inverted = match get(dict, b"Decode") {
            Some(Obj::Array(a)) => matches!(a.first(), Some(Obj::Num(n)) if *n == 1.0),
            _ => is_mask,
        };
        let image = match (components, bits) {
            (1, 8) => {
                let grey: Vec<u8> = pixels.iter().map(|&v| if inverted { 255 - v } else { v }).collect();
                DynamicImage::ImageLuma8(GrayImage::from_raw(width, height, grey)?)
            }
            (1, _) => {
                let grey = GrayImage::from_fn(width, height, |x, y| {
                    let byte = pixels.get(y as usize * row + x as usize / 8).copied().unwrap_or(0);
                    let on = (byte >> (7 - x % 8)) & 1 == 1;
                    image::Luma([if on != inverted { 255 } else { 0 }])
                });
                DynamicImage::ImageLuma8(grey)
            }
            (3, _) => DynamicImage::ImageRgb8(RgbImage::from_raw(width, height, pixels.to_vec())?),
            (4, _) => {
                let rgb = pixels
                    .chunks_exact(4)
                    .flat_map(|p| {
                        let k = 255 - u32::from(p.get(3).copied().unwrap_or(0));
                        p.iter().take(3).map(move |&c| ((255 - u32::from(c)) * k / 255) as u8)
                    })
                    .collect();
                DynamicImage::ImageRgb8(RgbImage::from_raw(width, height, rgb)?)
            }
            _ => return None,
        };
        Some(image)
    }

    /// The number of colour components of a colour space (grey, RGB, CMYK, ICC-based).
    fn components(&self, space: &Obj) -> Option<usize> {
        match self.resolve(space) {
            Obj::Name(n) => match n.as_slice() {
                b"DeviceGray" | b"CalGray" | b"G" => Some(1),
                b"DeviceRGB" | b"CalRGB" | b"RGB" => Some(3),
                b"DeviceCMYK" | b"CMYK" => Some(4),
                _ => None,
            },
            Obj::Array(a) => match (a.first(), a.get(1)) {
                (Some(Obj::Name(n)), Some(stream)) if n == b"ICCBased" => {
                    let n = self.number(self.resolve(stream).dict()?, b"N")? as usize;
                    [1, 3, 4].contains(&n).then_some(n)
                }
                (Some(Obj::Name(n)), Some(_)) if n == b"CalRGB" => Some(3),
                (Some(Obj::Name(n)), Some(_)) if n == b"CalGray" => Some(1),
                _ => None,
            },
            _ => None,
        }
    }
}

/// The object number of `N G obj` whose `obj` keyword is at `at`.
fn object_header(b: &[u8], at: usize) -> Option<u32> {
    let mut i = at;
    let mut numbers = [0u64; 2];
    for slot in numbers.iter_mut().rev() {
        let spaces_end = i;
        while i > 0 && b.get(i - 1).is_some_and(|&c| is_space(c)) {
            i -= 1;
        }
        if i == spaces_end {
            return None;
        }
        let digits_end = i;
        while i > 0 && b.get(i - 1).is_some_and(u8::is_ascii_digit) {
            i -= 1;
        }
        if i == digits_end || digits_end - i > 10 {
            return None;
        }
        *slot = std::str::from_utf8(b.get(i..digits_end)?).ok()?.parse().ok()?;
    }
    if i > 0 && !b.get(i - 1).is_some_and(|&c| is_space(c) || is_delimiter(c)) {
        return None;
    }
    u32::try_from(numbers[0]).ok()
}

/// The names of a stream's filters.
fn filter_names(dict: &Dict) -> Vec<Vec<u8>> {
    match get(dict, b"Filter") {
        Some(Obj::Name(n)) => vec![n.clone()],
        Some(Obj::Array(a)) => {
            a.iter().filter_map(|o| if let Obj::Name(n) = o { Some(n.clone()) } else { None }).collect()
        }
        _ => Vec::new(),
    }
}

/// The stream's data with its filters undone: none, or `FlateDecode`
/// (once or twice); `None` for other filters or more than `limit` bytes.
fn decode_filters(dict: &Dict, data: &[u8], limit: usize, total: &mut usize) -> Option<Vec<u8>> {
    let mut bytes = data.to_vec();
    for filter in filter_names(dict) {
        match filter.as_slice() {
            b"FlateDecode" | b"Fl" => bytes = inflate(&bytes, limit, total)?,
            _ => return None,
        }
    }
    Some(bytes)
}

/// As [`decode_filters`], leaving the last filter (the image codec) undone.
fn decode_filters_except_last(dict: &Dict, data: &[u8], total: &mut usize) -> Option<Vec<u8>> {
    let names = filter_names(dict);
    let mut bytes = data.to_vec();
    for filter in names.get(..names.len().saturating_sub(1))? {
        match filter.as_slice() {
            b"FlateDecode" | b"Fl" => bytes = inflate(&bytes, MAX_INFLATED, total)?,
            _ => return None,
        }
    }
    Some(bytes)
}

/// zlib data inflated, at most `limit` bytes (and within the total budget);
/// a truncated stream gives what was inflated.
fn inflate(data: &[u8], limit: usize, total: &mut usize) -> Option<Vec<u8>> {
    let room = limit.min(MAX_INFLATED_TOTAL.saturating_sub(*total));
    let mut out = Vec::new();
    let read = ZlibDecoder::new(data).take(room as u64 + 1).read_to_end(&mut out);
    // Every byte inflated counts, those of a stream refused for its size too:
    // otherwise many small bombs each inflate up to the limit for free.
    *total = total.saturating_add(out.len());
    if out.len() > room || read.is_err() && out.is_empty() {
        return None;
    }
    Some(out)
}

/// Undoes PNG predictors (`/DecodeParms << /Predictor ≥ 10 >>`): each row
/// starts with its filter type. Rows of `row` bytes, `bpp` bytes a pixel.
fn unpredict(dict: &Dict, raw: &[u8], row: usize, bpp: usize) -> Option<Vec<u8>> {
    let params = match get(dict, b"DecodeParms") {
        Some(Obj::Dict(d)) => Some(d),
        Some(Obj::Array(a)) => a.iter().find_map(Obj::dict),
        _ => None,
    };
    let predictor = params.and_then(|d| get(d, b"Predictor")).and_then(|o| match o {
        Obj::Num(n) => Some(*n as i64),
        _ => None,
    });
    match predictor {
        None | Some(1) => return Some(raw.to_vec()),
        Some(p) if p >= 10 => {}
        _ => return None,
    }
    let bpp = bpp.max(1);
    let mut out: Vec<u8> = Vec::with_capacity(raw.len());
    let mut prev = vec![0u8; row];
    for line in raw.chunks(row + 1) {
        let (&kind, data) = line.split_first()?;
        let mut cur = data.to_vec();
        cur.resize(row, 0);
        for i in 0..row {
            let a = if i >= bpp { cur.get(i - bpp).copied().unwrap_or(0) } else { 0 };
            let b = prev.get(i).copied().unwrap_or(0);
            let c = if i >= bpp { prev.get(i - bpp).copied().unwrap_or(0) } else { 0 };
            let add = match kind {
                0 => 0,
                1 => a,
                2 => b,
                3 => ((u16::from(a) + u16::from(b)) / 2) as u8,
                4 => paeth(a, b, c),
                _ => return None,
            };
            if let Some(x) = cur.get_mut(i) {
                *x = x.wrapping_add(add);
            }
        }
        out.extend_from_slice(&cur);
        prev = cur;
    }
    Some(out)
}

fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let p = i16::from(a) + i16::from(b) - i16::from(c);
    let (pa, pb, pc) = ((p - i16::from(a)).abs(), (p - i16::from(b)).abs(), (p - i16::from(c)).abs());
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

/// A PDF text string: UTF-16BE with its byte order mark, UTF-8 with its
/// mark (PDF 2.0), else PDFDocEncoding (read as Latin-1, which it is for
/// the ASCII of a certificate text).
fn text_string(s: &[u8]) -> String {
    if let Some(rest) = s.strip_prefix(b"\xFE\xFF") {
        let units: Vec<u16> = rest.chunks_exact(2).map(|p| u16::from_be_bytes([p[0], p[1]])).collect();
        return String::from_utf16_lossy(&units);
    }
    if let Some(rest) = s.strip_prefix(b"\xEF\xBB\xBF") {
        return String::from_utf8_lossy(rest).into_owned();
    }
    s.iter().map(|&b| char::from(b)).collect()
}

fn xml_unescape(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&")
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?.windows(needle.len()).position(|w| w == needle).map(|p| p + from)
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | b'\0')
}

fn is_delimiter(c: u8) -> bool {
    matches!(c, b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%')
}

/// Reads objects from `b`, counting the bytes it steps through against a budget.
struct Lexer<'a> {
    b: &'a [u8],
    pos: usize,
    work: usize,
    budget: usize,
    /// The last `endstream` found and where its search began: a later
    /// search from between the two reuses it, so that many `stream`
    /// keywords without their end cost one pass over the file, not one each.
    endstream: Option<(usize, Option<usize>)>,
}

impl<'a> Lexer<'a> {
    fn exhausted(&self) -> bool {
        self.work > self.budget
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn bump(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.pos += 1;
        self.work += 1;
        Some(c)
    }

    fn skip_space(&mut self) {
        while let Some(c) = self.peek() {
            if is_space(c) {
                self.bump();
            } else if c == b'%' {
                while let Some(c) = self.bump() {
                    if c == b'\n' || c == b'\r' {
                        break;
                    }
                }
            } else {
                break;
            }
        }
    }

    fn starts_with(&self, s: &[u8]) -> bool {
        self.b.get(self.pos..).is_some_and(|r| r.starts_with(s))
    }

    /// The next object, or `None` if there is none here (or the budget is spent).
    fn object(&mut self, depth: usize) -> Option<Obj> {
        if depth > MAX_DEPTH || self.exhausted() {
            return None;
        }
        self.skip_space();
        match self.peek()? {
            b'<' if self.starts_with(b"<<") => {
                self.pos += 2;
                let mut dict = Vec::new();
                loop {
                    self.skip_space();
                    if self.starts_with(b">>") {
                        self.pos += 2;
                        return Some(Obj::Dict(dict));
                    }
                    let Obj::Name(key) = self.object(depth + 1)? else { return None };
                    let value = self.object(depth + 1)?;
                    dict.push((key, value));
                }
            }
            b'<' => {
                self.bump();
                let mut digits = Vec::new();
                loop {
                    match self.bump()? {
                        b'>' => break,
                        c if c.is_ascii_hexdigit() => digits.push(hex(c)),
                        c if is_space(c) => {}
                        _ => return None,
                    }
                }
                if digits.len() % 2 == 1 {
                    digits.push(0);
                }
                Some(Obj::Str(digits.chunks_exact(2).map(|p| p[0] << 4 | p[1]).collect()))
            }
            b'(' => {
                self.bump();
                self.literal_string().map(Obj::Str)
            }
            b'[' => {
                self.bump();
                let mut items = Vec::new();
                loop {
                    self.skip_space();
                    if self.peek()? == b']' {
                        self.bump();
                        return Some(Obj::Array(items));
                    }
                    items.push(self.object(depth + 1)?);
                }
            }
            b'/' => {
                self.bump();
                let mut name = Vec::new();
                while let Some(c) = self.peek() {
                    if is_space(c) || is_delimiter(c) {
                        break;
                    }
                    self.bump();
                    if c == b'#' {
                        let (h, l) = (self.peek(), self.b.get(self.pos + 1).copied());
                        if let (Some(h), Some(l)) = (h, l) {
                            if h.is_ascii_hexdigit() && l.is_ascii_hexdigit() {
                                self.pos += 2;
                                name.push(hex(h) << 4 | hex(l));
                                continue;
                            }
                        }
                    }
                    name.push(c);
                }
                Some(Obj::Name(name))
            }
            c if c.is_ascii_digit() || matches!(c, b'+' | b'-' | b'.') => {
                let n = self.number()?;
                // `N G R`: a reference.
                let save = self.pos;
                if n >= 0.0 && n.fract() == 0.0 {
                    self.skip_space();
                    if self.peek().is_some_and(|c| c.is_ascii_digit()) {
                        let generation = self.number();
                        self.skip_space();
                        let ends = self.b.get(self.pos + 1).is_none_or(|&c| is_space(c) || is_delimiter(c));
                        if generation.is_some() && self.peek() == Some(b'R') && ends {
                            self.bump();
                            return Some(Obj::Ref(n as u32));
                        }
                    }
                }
                self.pos = save;
                Some(Obj::Num(n))
            }
            _ => {
                let start = self.pos;
                while self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
                    self.bump();
                }
                match self.b.get(start..self.pos)? {
                    b"true" => Some(Obj::Bool(true)),
                    b"false" => Some(Obj::Bool(false)),
                    b"null" => Some(Obj::Null),
                    _ => None,
                }
            }
        }
    }

    fn number(&mut self) -> Option<f64> {
        let start = self.pos;
        if matches!(self.peek(), Some(b'+' | b'-')) {
            self.bump();
        }
        while self.peek().is_some_and(|c| c.is_ascii_digit() || c == b'.') {
            self.bump();
        }
        let s = std::str::from_utf8(self.b.get(start..self.pos)?).ok()?;
        if s.len() > 32 {
            return None;
        }
        s.parse::<f64>().ok().or(if s == "-" || s == "+" || s == "." { None } else { Some(0.0) })
    }

    /// A `( … )` string after its opening parenthesis: escapes and balanced parentheses.
    fn literal_string(&mut self) -> Option<Vec<u8>> {
        let mut out = Vec::new();
        let mut depth = 0usize;
        loop {
            match self.bump()? {
                b'(' => {
                    depth += 1;
                    out.push(b'(');
                }
                b')' if depth == 0 => return Some(out),
                b')' => {
                    depth -= 1;
                    out.push(b')');
                }
                b'\\' => match self.bump()? {
                    b'n' => out.push(b'\n'),
                    b'r' => out.push(b'\r'),
                    b't' => out.push(b'\t'),
                    b'b' => out.push(8),
                    b'f' => out.push(12),
                    b'\r' => {
                        if self.peek() == Some(b'\n') {
                            self.bump();
                        }
                    }
                    b'\n' => {}
                    c @ b'0'..=b'7' => {
                        let mut v = u32::from(c - b'0');
                        for _ in 0..2 {
                            match self.peek() {
                                Some(d @ b'0'..=b'7') => {
                                    self.bump();
                                    v = v * 8 + u32::from(d - b'0');
                                }
                                _ => break,
                            }
                        }
                        out.push(v as u8);
                    }
                    c => out.push(c),
                },
                c => out.push(c),
            }
        }
    }

    /// After a dictionary: the data of the stream it heads, if it does.
    fn stream_data(&mut self, dict: &Obj) -> Option<&'a [u8]> {
        self.skip_space();
        if !self.starts_with(b"stream") {
            return None;
        }
        self.pos += 6;
        if self.starts_with(b"\r\n") {
            self.pos += 2;
        } else if self.starts_with(b"\n") || self.starts_with(b"\r") {
            self.pos += 1;
        }
        let start = self.pos;
        let declared = match dict.dict().and_then(|d| get(d, b"Length")) {
            Some(Obj::Num(n)) if *n >= 0.0 => Some(*n as usize),
            _ => None,
        };
        if let Some(len) = declared {
            let end = start.saturating_add(len);
            let mut after = Lexer { b: self.b, pos: end, work: 0, budget: usize::MAX, endstream: None };
            after.skip_space();
            if end <= self.b.len() && after.starts_with(b"endstream") {
                self.pos = after.pos + 9;
                return self.b.get(start..end);
            }
        }
        // A wrong or indirect length: up to the keyword, less the end of line before it.
        let found = self.find_endstream(start)?;
        self.pos = found + 9;
        let mut end = found;
        if end > start && self.b.get(end - 1) == Some(&b'\n') {
            end -= 1;
        }
        if end > start && self.b.get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        self.b.get(start..end)
    }
}

impl Lexer<'_> {
    /// The first `endstream` at or after `start`; the bytes searched count as work.
    fn find_endstream(&mut self, start: usize) -> Option<usize> {
        if let Some((from, found)) = self.endstream {
            if from <= start && found.is_none_or(|f| start <= f) {
                return found;
            }
        }
        let found = find(self.b, b"endstream", start);
        self.work += found.unwrap_or(self.b.len()).saturating_sub(start);
        self.endstream = Some((start, found));
        found
    }
}

fn hex(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        b'A'..=b'F' => c - b'A' + 10,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// No image read (these tests are about the PDF's structure).
    fn none(_: DynamicImage) -> Vec<String> {
        Vec::new()
    }

    fn parse(s: &[u8]) -> Option<Obj> {
        Lexer { b: s, pos: 0, work: 0, budget: 1 << 20, endstream: None }.object(0)
    }

    #[test]
    fn objects_parse() {
        assert_eq!(parse(b"12 0 R"), Some(Obj::Ref(12)));
        assert_eq!(parse(b"12 0"), Some(Obj::Num(12.0)));
        assert_eq!(parse(b"(a\\(b\\)c (d)\\101)"), Some(Obj::Str(b"a(b)c (d)A".to_vec())));
        assert_eq!(parse(b"<48 49 5>"), Some(Obj::Str(b"HIP".to_vec())));
        assert_eq!(parse(b"/A#42"), Some(Obj::Name(b"AB".to_vec())));
        let dict = parse(b"<< /Type /XObject /W [1 2.5 -3] /X true /Y null >>").unwrap();
        let d = dict.dict().unwrap();
        assert_eq!(get(d, b"W"), Some(&Obj::Array(vec![Obj::Num(1.0), Obj::Num(2.5), Obj::Num(-3.0)])));
        assert_eq!(get(d, b"X"), Some(&Obj::Bool(true)));
        assert_eq!(parse(b"<< /A"), None);
        let deep = "[".repeat(100);
        assert_eq!(parse(deep.as_bytes()), None);
        assert_eq!(object_header(b"\n12 0 obj", 6), Some(12));
        assert_eq!(object_header(b"x12 0 obj", 6), None);
    }

    #[test]
    fn hostile_bytes_are_refused_without_panic() {
        assert_eq!(texts_in_pdf(b"hello", none).unwrap_err().code, "pdf-unreadable");
        assert_eq!(texts_in_pdf(b"%PDF-1.7\n%%EOF", none).unwrap_err().code, "pdf-unreadable");
        // Truncations and byte flips of a small PDF never panic.
        let pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog /CachetCertificate (CC1:abc) >> endobj\n\
                    2 0 obj << /Length 5 /Filter /FlateDecode >> stream\nxxxxx\nendstream endobj\n";
        assert_eq!(texts_in_pdf(pdf, none).unwrap().0, ["CC1:abc"]);
        for cut in 0..pdf.len() {
            let _ = texts_in_pdf(&pdf[..cut], none);
            let mut flipped = pdf.to_vec();
            flipped[cut] ^= 0x5a;
            let _ = texts_in_pdf(&flipped, none);
        }
        // Headers without objects (unclosed nesting): refused, quickly.
        let mut bomb = b"%PDF-1.4\n".to_vec();
        for i in 0..2000 {
            bomb.extend_from_slice(format!("{i} 0 obj ").as_bytes());
            bomb.extend_from_slice(&[b'['; 30]);
        }
        assert!(texts_in_pdf(&bomb, none).is_err());
    }

    #[test]
    fn texts_packed_in_compressed_object_streams_are_found() {
        use flate2::write::ZlibEncoder;
        use std::io::Write;
        let packed = b"7 0 << /Title (x) /CachetCertificate <FEFF004300430031003A0078> >>";
        let mut z = ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(packed).unwrap();
        let data = z.finish().unwrap();
        let mut pdf = format!(
            "%PDF-1.5\n5 0 obj << /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length {} >> stream\n",
            data.len()
        )
        .into_bytes();
        pdf.extend_from_slice(&data);
        pdf.extend_from_slice(b"\nendstream endobj\n");
        assert_eq!(texts_in_pdf(&pdf, none).unwrap(), (vec!["CC1:x".to_owned()], Source::Metadata));
    }

    #[test]
    fn an_issued_pdf_cut_or_flipped_anywhere_never_panics() {
        let key = cachet::keys::SecretKey::from_seed(&[2; 32]);
        let day = cachet::time::Date::parse("2025-09-15").unwrap();
        let issued = cachet::issue::issue(&key, &cachet::doc_example_input(), day).unwrap();
        let options = crate::pdf::Options { verifier_host: None };
        let pdf = crate::pdf::certificate_pdf(&issued.certificate, &issued.token, &options).unwrap();
        assert_eq!(texts_in_pdf(&pdf, none).unwrap(), (vec![issued.token.clone()], Source::Metadata));
        let step = (pdf.len() / 700).max(1);
        for at in (0..pdf.len()).step_by(step) {
            let _ = texts_in_pdf(&pdf[..at], none);
            let mut flipped = pdf.clone();
            flipped[at] ^= 0xff;
            if let Ok((texts, _)) = texts_in_pdf(&flipped, none) {
                // A flip outside the two copies of the text leaves it as issued.
                assert!(texts.len() <= 2);
            }
        }
    }

    #[test]
    fn the_fuzz_corpus_replays_with_its_expected_outcomes() {
        // fuzz/corpus/pdf_read: seeds of the `pdf_read` fuzz target named
        // `<outcome>--<what>`, the outcome an error code or `texts-N`.
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/pdf_read");
        let mut problems = Vec::new();
        let mut count = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let bytes = std::fs::read(&path).unwrap();
            let got = match texts_in_pdf(&bytes, crate::scan::texts_in_image) {
                Ok((texts, _)) => format!("texts-{}", texts.len()),
                Err(e) => e.code.to_owned(),
            };
            count += 1;
            if let Some((expected, _)) = name.split_once("--") {
                if got != expected {
                    problems.push(format!("{name}: gave {got}"));
                }
            }
        }
        assert!(count >= 15, "only {count} seeds in {}", dir.display());
        assert!(problems.is_empty(), "{problems:#?}");
    }

    #[test]
    fn png_predictors_are_undone() {
        // Two rows of 3 grey pixels: Sub then Up.
        let raw = [1, 10, 5, 5, 2, 1, 1, 1];
        let dict = vec![(b"DecodeParms".to_vec(), Obj::Dict(vec![(b"Predictor".to_vec(), Obj::Num(15.0))]))];
        assert_eq!(unpredict(&dict, &raw, 3, 1).unwrap(), [10, 15, 20, 11, 16, 21]);
    }
}
