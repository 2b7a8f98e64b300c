//! `cachet issue --pdf`: the certificate as an A4 PDF that reads like the
//! paper one, with its QR code drawn as vector squares, and the certificate's
//! text in the file's metadata (see [`crate::pdf_read`] for the other way).
//!
//! The PDF is tagged (PDF/UA-minded): a structure tree in reading order
//! (`Document` → `H1`, `P`…, `Figure` with alternative text), every piece
//! of page content marked with its structure element, `/Lang fr-FR`,
//! `/MarkInfo`, the title in the Info dictionary and in XMP with
//! `DisplayDocTitle`. The text is set in the standard Helvetica fonts with
//! `WinAnsiEncoding`, which covers French; nothing is embedded, so a
//! certificate is about 11 KB. A character outside WinAnsi is printed as
//! `?` on the page (the signed text, in the QR code and the metadata, is
//! unchanged).
//!
//! The certificate text (`CC1:…` or the verifier URL) is stored twice: in
//! the Info dictionary under `/CachetCertificate`, and in the XMP packet as
//! `cachet:certificate`. A verifier reads it from there and verifies it:
//! what it shows comes from the signature, never from the page's text.
//!
//! The output is deterministic: the same certificate gives the same bytes
//! (the dates written are the certificate's date of issue).

use crate::error::{CliError, Message};
use crate::i18n;
use cachet::certificate::{Body, Certificate};
use cachet::Lang;
use flate2::write::ZlibEncoder;
use flate2::{Compress, Compression, FlushCompress, Status};
use pdf_writer::types::{StructRole, TabOrder};
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use std::io::Write;

/// The Info dictionary's key holding the certificate text.
pub const INFO_KEY: &str = "CachetCertificate";
/// XMP namespace of the `cachet:certificate` property.
pub const XMP_NAMESPACE: &str = "https://cachet.fr/ns/pdf/1.0/";

/// A4 in points.
const PAGE: (f32, f32) = (595.28, 841.89);
/// One millimetre in points.
const MM: f32 = 72.0 / 25.4;
/// Left and right margins.
const MARGIN: f32 = 25.0 * MM;
/// The QR code's side, quiet zone included, unless its modules would be
/// smaller than [`MIN_MODULE`].
const QR_SIDE: f32 = 40.0 * MM;
/// The smallest module printed.
const MIN_MODULE: f32 = 0.4 * MM;
/// Light modules around the code (ISO/IEC 18004).
const QUIET_ZONE: usize = 4;

/// What is printed on the page besides the fields: the host of the verifier
/// page the reader is told to open.
pub struct Options<'a> {
    /// Host of the verifier page (e.g. `verifier.cachet.fr`), from `--url`.
    pub verifier_host: Option<&'a str>,
}

/// The verifier host of a `--url` base: what lies between `://` and the next `/`.
pub fn host_of(base: &str) -> Option<&str> {
    let rest = base.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty()).then_some(host)
}

/// The PDF of `certificate`, whose text (token or URL) is `text`.
pub fn certificate_pdf(certificate: &Certificate, text: &str, options: &Options<'_>) -> Result<Vec<u8>, CliError> {
    let code = crate::qr::modules(text)?;
    let Body::CertificatDeScolarite(c) = &certificate.body else {
        return Err(CliError::usage(Message::new("pdf-kind")));
    };
    let pupil = format!("{} {}", c.given_names, c.family_name.to_uppercase());
    let title = format!("Certificat de scolarité — {pupil}");
    let fr = |d| i18n::date(Lang::Fr, d);

    // The blocks in reading order: (role, font size, bold, text).
    let mut blocks: Vec<Block> = vec![
        Block::line(StructRole::P, 10.0, true, format!("Académie de {}", certificate.academie)),
        Block::line(StructRole::P, 10.0, false, c.school_name.clone()),
        Block::line(StructRole::P, 10.0, false, format!("UAI {} — {}", c.school_uai, c.school_town)),
        Block::line(StructRole::H1, 20.0, true, "Certificat de scolarité".to_owned()),
    ];
    let mut body = format!(
        "Je soussigné(e), chef d'établissement de {} ({}), certifie que {pupil}, né(e) le {}, est inscrit(e) \
         dans l'établissement en classe de {} pour l'année scolaire {}",
        c.school_name,
        c.school_town,
        fr(c.birth_date),
        c.level.label(),
        c.school_year,
    );
    if let Some(regime) = c.regime {
        body.push_str(&format!(", en qualité d'élève {}", regime.name()));
    }
    body.push('.');
    blocks.push(Block::line(StructRole::P, 12.0, false, body));
    blocks.push(Block::line(
        StructRole::P,
        12.0,
        false,
        "Le présent certificat est délivré pour servir et valoir ce que de droit.".to_owned(),
    ));
    blocks.push(Block::line(
        StructRole::P,
        12.0,
        false,
        format!("Fait à {}, le {}.", c.school_town, fr(certificate.issued_on)),
    ));
    blocks.push(Block::line(
        StructRole::P,
        12.0,
        false,
        format!("Pour l'académie de {}, signé électroniquement.", certificate.academie),
    ));
    blocks.push(Block::line(StructRole::P, 9.0, false, format!("N° {}", certificate.serial)));
    let how = match options.verifier_host {
        Some(host) => format!("Vérifiez ce certificat : scannez le code ou ouvrez {host}"),
        None => "Vérifiez ce certificat : scannez le code avec un vérificateur Cachet".to_owned(),
    };

    let mut alloc = Ref::new(1);
    let mut next = || alloc.bump();
    let (catalog_id, tree_id, page_tree_id, page_id) = (next(), next(), next(), next());
    let (content_id, info_id, xmp_id, regular_id, bold_id, doc_id) = (next(), next(), next(), next(), next(), next());

    // The page: every block marked with its MCID, in reading order.
    let mut content = Content::new();
    let mut elements: Vec<(StructRole, Option<String>)> = Vec::new();
    let width = PAGE.0 - 2.0 * MARGIN;
    let mut y = PAGE.1 - 25.0 * MM;
    for (i, block) in blocks.iter().enumerate() {
        let mcid = elements.len() as i32;
        if block.role == StructRole::H1 {
            y -= 18.0 * MM;
        } else if i > 3 {
            y -= block.size * 0.8;
        }
        let lines = wrap(&block.text, block.size, block.bold, width);
        content.begin_marked_content_with_properties(role_name(block.role)).properties().pair(Name(b"MCID"), mcid);
        for (n, line) in lines.iter().enumerate() {
            y -= block.size * 1.35;
            let x = if block.role == StructRole::H1 {
                (PAGE.0 - text_width(line, block.size, block.bold)) / 2.0
            } else {
                MARGIN
            };
            content.begin_text();
            content.set_font(Name(if block.bold { b"F2" } else { b"F1" }), block.size);
            content.next_line(x, y);
            // A wrapped line keeps its space at the end (invisible), so that
            // extracted and read-aloud text does not run the words together.
            let mut shown = win_ansi(line);
            if n + 1 < lines.len() {
                shown.push(b' ');
            }
            content.show(Str(&shown));
            content.end_text();
        }
        content.end_marked_content();
        if block.role == StructRole::H1 {
            y -= 8.0 * MM;
        }
        elements.push((block.role, None));
    }

    // The QR code, in module units (`cm`): the light square with its quiet
    // zone, then one rectangle per horizontal run of dark modules (small
    // integers: a short stream, quick to write and to compress).
    let modules = code.width();
    let total = modules + 2 * QUIET_ZONE;
    let module = (QR_SIDE / total as f32).max(MIN_MODULE);
    let side = module * total as f32;
    let (qx, qy) = ((PAGE.0 - side) / 2.0, (y - 15.0 * MM - side).max(30.0 * MM));
    let mcid = elements.len() as i32;
    content.begin_marked_content_with_properties(Name(b"Figure")).properties().pair(Name(b"MCID"), mcid);
    content.save_state();
    content.transform([module, 0.0, 0.0, module, qx, qy]);
    content.set_fill_rgb(1.0, 1.0, 1.0);
    content.rect(0.0, 0.0, total as f32, total as f32);
    content.fill_nonzero();
    content.set_fill_rgb(0.0, 0.0, 0.0);
    // The dark runs are written here, as small integers, rather than one
    // `Content::rect` each (its operand machinery was 8 % of a batch profile);
    // the bytes are the same.
    let mut page = content.finish().into_vec();
    page.push(b'\n');
    for row in 0..modules {
        let dark = code.row(row);
        // Rows from the top; PDF's y axis goes up.
        let y = total - QUIET_ZONE - 1 - row;
        let mut col = 0;
        while col < dark.len() {
            if !dark[col] {
                col += 1;
                continue;
            }
            let start = col;
            while dark.get(col) == Some(&true) {
                col += 1;
            }
            for n in [start + QUIET_ZONE, y, col - start] {
                push_integer(&mut page, n);
                page.push(b' ');
            }
            page.extend_from_slice(b"1 re\n");
        }
    }
    let mut content = Content::new();
    content.fill_nonzero();
    content.restore_state();
    content.end_marked_content();
    elements.push((StructRole::Figure, Some("Code QR du certificat signé".to_owned())));
    let mcid = elements.len() as i32;
    content.begin_marked_content_with_properties(Name(b"P")).properties().pair(Name(b"MCID"), mcid);
    let caption = 10.0;
    content.begin_text();
    content.set_font(Name(b"F1"), caption);
    content.next_line((PAGE.0 - text_width(&how, caption, false)) / 2.0, qy - 6.0 * MM);
    content.show(Str(&win_ansi(&how)));
    content.end_text();
    content.end_marked_content();
    elements.push((StructRole::P, None));
    page.extend_from_slice(&content.finish());
    let stream = deflate(&page);

    let mut pdf = Pdf::new();
    pdf.set_version(1, 7);
    let mut catalog = pdf.catalog(catalog_id);
    catalog.pages(page_tree_id);
    catalog.lang(TextStr("fr-FR"));
    catalog.mark_info().marked(true);
    catalog.viewer_preferences().display_doc_title(true);
    catalog.metadata(xmp_id);
    catalog.insert(Name(b"StructTreeRoot")).primitive(tree_id);
    catalog.finish();

    let element_ids: Vec<Ref> = elements.iter().map(|_| next()).collect();
    let mut tree = pdf.indirect(tree_id).start::<pdf_writer::writers::StructTreeRoot>();
    tree.child(doc_id);
    {
        // The page's (StructParents 0) content items: MCID i belongs to element i.
        let mut parents = tree.insert(Name(b"ParentTree")).dict();
        let mut nums = parents.insert(Name(b"Nums")).array();
        nums.item(0);
        nums.push().array().items(element_ids.iter().copied());
    }
    tree.parent_tree_next_key(1);
    tree.finish();
    let mut doc = pdf.struct_element(doc_id);
    doc.kind(StructRole::Document).parent(tree_id).page(page_id).lang(TextStr("fr-FR")).title(TextStr(&title));
    let mut children = doc.children();
    for id in &element_ids {
        children.struct_element(*id);
    }
    children.finish();
    doc.finish();
    for (mcid, ((role, alt), id)) in elements.iter().zip(&element_ids).enumerate() {
        let mut element = pdf.struct_element(*id);
        element.kind(*role).parent(doc_id).page(page_id);
        if let Some(alt) = alt {
            element.alt(TextStr(alt));
        }
        element.children().marked_content_id(mcid as i32);
        element.finish();
    }

    pdf.pages(page_tree_id).kids([page_id]).count(1);
    let mut page = pdf.page(page_id);
    page.parent(page_tree_id).media_box(Rect::new(0.0, 0.0, PAGE.0, PAGE.1)).contents(content_id);
    page.struct_parents(0).tab_order(TabOrder::StructureOrder);
    page.resources().fonts().pair(Name(b"F1"), regular_id).pair(Name(b"F2"), bold_id);
    page.finish();
    for (id, base) in [(regular_id, "Helvetica"), (bold_id, "Helvetica-Bold")] {
        pdf.type1_font(id).base_font(Name(base.as_bytes())).encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    pdf.stream(content_id, &stream).filter(pdf_writer::Filter::FlateDecode);

    let issued = certificate.issued_on;
    let date = pdf_writer::Date::new(issued.year().clamp(0, 9999) as u16).month(issued.month()).day(issued.day());
    let mut info = pdf.document_info(info_id);
    info.title(TextStr(&title)).author(TextStr(&format!("Académie de {}", certificate.academie)));
    info.subject(TextStr("Certificat de scolarité signé (Cachet)")).creator(TextStr("cachet"));
    info.producer(TextStr("cachet")).creation_date(date);
    info.pair(Name(INFO_KEY.as_bytes()), TextStr(text));
    info.finish();
    let xmp = xmp(&title, text, &certificate.academie);
    pdf.metadata(xmp_id, xmp.as_bytes()).pair(Name(b"Subtype"), Name(b"XML"));
    Ok(pdf.finish())
}

/// A block of text.
struct Block {
    role: StructRole,
    size: f32,
    bold: bool,
    text: String,
}

impl Block {
    fn line(role: StructRole, size: f32, bold: bool, text: String) -> Block {
        Block { role, size, bold, text }
    }
}

fn role_name(role: StructRole) -> Name<'static> {
    match role {
        StructRole::H1 => Name(b"H1"),
        StructRole::Figure => Name(b"Figure"),
        _ => Name(b"P"),
    }
}

/// The XMP packet: title, language, creator tool, PDF/UA identification and the certificate text.
fn xmp(title: &str, text: &str, academie: &str) -> String {
    let (title, text, academie) = (xml_escape(title), xml_escape(text), xml_escape(academie));
    format!(
        "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n\
         <x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n\
         <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n\
         <rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" \
         xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\" \
         xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\" xmlns:cachet=\"{XMP_NAMESPACE}\">\n\
         <dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">{title}</rdf:li></rdf:Alt></dc:title>\n\
         <dc:creator><rdf:Seq><rdf:li>Académie de {academie}</rdf:li></rdf:Seq></dc:creator>\n\
         <dc:language><rdf:Bag><rdf:li>fr-FR</rdf:li></rdf:Bag></dc:language>\n\
         <xmp:CreatorTool>cachet</xmp:CreatorTool>\n\
         <pdf:Producer>cachet</pdf:Producer>\n\
         <pdfuaid:part>1</pdfuaid:part>\n\
         <cachet:certificate>{text}</cachet:certificate>\n\
         </rdf:Description>\n\
         </rdf:RDF>\n\
         </x:xmpmeta>\n\
         <?xpacket end=\"r\"?>"
    )
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// `bytes` in zlib (RFC 1950) at the fastest level, by one compressor per
/// thread: a new one allocates and clears some 300 KB of tables, more work than
/// a page's 20 KB of content. At level 1 a certificate is about 11 KB instead
/// of 9 KB at level 6 (both three blocks of 4 KB on disk), in a fifth of the time.
fn deflate(bytes: &[u8]) -> Vec<u8> {
    thread_local! {
        static ZLIB: std::cell::RefCell<Compress> = std::cell::RefCell::new(Compress::new(Compression::fast(), true));
    }
    ZLIB.with(|zlib| {
        let mut zlib = zlib.borrow_mut();
        zlib.reset();
        let mut out = Vec::with_capacity(bytes.len() / 2 + 64);
        loop {
            let read = usize::try_from(zlib.total_in()).unwrap_or(usize::MAX);
            match zlib.compress_vec(bytes.get(read..).unwrap_or_default(), &mut out, FlushCompress::Finish) {
                Ok(Status::StreamEnd) => return out,
                Ok(_) => out.reserve(out.capacity().max(64)),
                // Not reached with a whole input and room to write; start afresh with a new compressor.
                Err(_) => {
                    *zlib = Compress::new(Compression::fast(), true);
                    let mut z = ZlibEncoder::new(Vec::new(), Compression::fast());
                    let _ = z.write_all(bytes);
                    return z.finish().unwrap_or_default();
                }
            }
        }
    })
}

/// `n` in decimal.
fn push_integer(out: &mut Vec<u8>, n: usize) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut n = n;
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

/// The text in WinAnsiEncoding (Windows-1252); `?` for what it lacks.
fn win_ansi(s: &str) -> Vec<u8> {
    s.chars().map(win_ansi_byte).collect()
}

fn win_ansi_byte(c: char) -> u8 {
    const HIGH: [(char, u8); 27] = [
        ('€', 0x80),
        ('‚', 0x82),
        ('ƒ', 0x83),
        ('„', 0x84),
        ('…', 0x85),
        ('†', 0x86),
        ('‡', 0x87),
        ('ˆ', 0x88),
        ('‰', 0x89),
        ('Š', 0x8A),
        ('‹', 0x8B),
        ('Œ', 0x8C),
        ('Ž', 0x8E),
        ('‘', 0x91),
        ('’', 0x92),
        ('“', 0x93),
        ('”', 0x94),
        ('•', 0x95),
        ('–', 0x96),
        ('—', 0x97),
        ('˜', 0x98),
        ('™', 0x99),
        ('š', 0x9A),
        ('›', 0x9B),
        ('œ', 0x9C),
        ('ž', 0x9E),
        ('Ÿ', 0x9F),
    ];
    let code = u32::from(c);
    match code {
        0x20..=0x7E | 0xA0..=0xFF => code as u8,
        _ => HIGH.iter().find(|(h, _)| *h == c).map_or(b'?', |(_, b)| *b),
    }
}

/// Helvetica's advance widths (AFM, thousandths of the size) for ASCII 32–126.
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556,
    556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833,
    722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556,
    556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334,
    260, 334, 584,
];
/// Helvetica-Bold's, likewise.
const HELVETICA_BOLD: [u16; 95] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556,
    556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833,
    722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611,
    556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389,
    280, 389, 584,
];

/// The width of `s` in points; a letter with a diacritic as its base letter,
/// anything else outside ASCII as an `m` (an overestimate: lines wrap early).
fn text_width(s: &str, size: f32, bold: bool) -> f32 {
    let table = if bold { &HELVETICA_BOLD } else { &HELVETICA };
    let units: u32 = s
        .chars()
        .map(|c| {
            let base = match c {
                'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' => 'a',
                'é' | 'è' | 'ê' | 'ë' => 'e',
                'î' | 'ï' | 'í' | 'ì' => 'i',
                'ô' | 'ö' | 'ó' | 'ò' | 'õ' => 'o',
                'ù' | 'û' | 'ü' | 'ú' => 'u',
                'ç' => 'c',
                'ÿ' => 'y',
                'ñ' => 'n',
                'À' | 'Â' | 'Ä' | 'Á' => 'A',
                'É' | 'È' | 'Ê' | 'Ë' => 'E',
                'Î' | 'Ï' => 'I',
                'Ô' | 'Ö' => 'O',
                'Ù' | 'Û' | 'Ü' => 'U',
                'Ç' => 'C',
                '’' => '\'',
                '—' | '–' => 'M',
                c if c.is_ascii() => c,
                _ => 'm',
            };
            let i = (u32::from(base)).saturating_sub(32) as usize;
            u32::from(table.get(i).copied().unwrap_or(833))
        })
        .sum();
    units as f32 * size / 1000.0
}

/// `text` cut into lines no wider than `width`, at spaces (a word longer
/// than a line is cut where it overflows).
fn wrap(text: &str, size: f32, bold: bool, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let candidate = if line.is_empty() { word.to_owned() } else { format!("{line} {word}") };
        if text_width(&candidate, size, bold) <= width || line.is_empty() && text_width(word, size, bold) <= width {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        for c in word.chars() {
            line.push(c);
            if text_width(&line, size, bold) > width {
                line.pop();
                lines.push(std::mem::take(&mut line));
                line.push(c);
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use cachet::keys::SecretKey;
    use cachet::time::Date;

    fn issued() -> cachet::issue::Issued {
        let key = SecretKey::from_seed(&[2; 32]);
        cachet::issue::issue(&key, &cachet::doc_example_input(), Date::parse("2025-09-15").unwrap()).unwrap()
    }

    #[test]
    fn the_pdf_is_tagged_french_and_carries_the_text() {
        let issued = issued();
        let pdf =
            certificate_pdf(&issued.certificate, &issued.token, &Options { verifier_host: Some("v.example") }).unwrap();
        let s = String::from_utf8_lossy(&pdf);
        for needle in [
            "%PDF-1.7",
            "/StructTreeRoot",
            "/Lang (fr-FR)",
            "/MarkInfo",
            "/Marked true",
            "/DisplayDocTitle true",
            "/ParentTree",
            "/S /Figure",
            "/Alt",
            "/Tabs /S",
            "/WinAnsiEncoding",
            "<pdfuaid:part>1</pdfuaid:part>",
        ] {
            assert!(s.contains(needle), "{needle}");
        }
        assert!(s.contains(&format!("/{INFO_KEY} ({})", issued.token)));
        assert!(s.contains(&format!("<cachet:certificate>{}</cachet:certificate>", issued.token)));
        // Deterministic.
        let again =
            certificate_pdf(&issued.certificate, &issued.token, &Options { verifier_host: Some("v.example") }).unwrap();
        assert_eq!(pdf, again);
    }

    #[test]
    fn lines_wrap_within_the_width() {
        let text = "Je soussigné(e), chef d'établissement du lycée, certifie que Léa MARTIN est inscrite.";
        let lines = wrap(text, 12.0, false, 200.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.join(" "), text);
        assert!(lines.iter().all(|l| text_width(l, 12.0, false) <= 200.0));
        let long = "W".repeat(100);
        assert!(wrap(&long, 12.0, true, 100.0).iter().all(|l| text_width(l, 12.0, true) <= 100.0));
        assert_eq!(win_ansi("é’Œ€ł"), [0xE9, 0x92, 0x8C, 0x80, b'?']);
        assert_eq!(host_of("https://verifier.cachet.fr/v/"), Some("verifier.cachet.fr"));
        assert_eq!(host_of("nope"), None);
    }
}
