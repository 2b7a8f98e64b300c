//! `cachet issue --pdf`: the certificate as an A4 PDF that reads like the
//! paper one, with its QR code drawn as vector squares, and the certificate's
//! text in the file's metadata (see [`crate::pdf_read`] for the other way).
//!
//! The PDF is tagged (PDF/UA-minded): a structure tree in reading order
//! (`Document` → `H1`, `P`…, `Figure` with alternative text), every piece
//! of page content marked with its structure element, `/Lang fr-FR`,
//! `/MarkInfo`, the title in the Info dictionary and in XMP with
//! `DisplayDocTitle`.
//!
//! It is also a PDF/A-2u file (ISO 19005-2, level U: archivable, its text
//! mapped to Unicode), and says so in its XMP (`pdfaid:part` 2,
//! `pdfaid:conformance` U): the text is set in DejaVu Sans and DejaVu Sans
//! Bold, embedded (cut to the glyphs of the page, see [`font`]) with
//! `WinAnsiEncoding`, which covers French, and a `/ToUnicode` map; the sRGB
//! profile of `cli/assets/icc` is the output intent of its colours; the
//! Info dictionary and the XMP say the same; the trailer has an `/ID`.
//! `cli/tests/pdfa.rs` checks issued files with a PDF/A validator. A
//! character outside WinAnsi is printed as `?` on the page (the signed text,
//! in the QR code and the metadata, is unchanged). A certificate is about
//! 27 KB (11 KB with Helvetica unembedded).
//!
//! The certificate text (`CC1:…` or the verifier URL) is stored twice: in
//! the Info dictionary under `/CachetCertificate`, and in the XMP packet as
//! `cachet:certificate`. A verifier reads it from there and verifies it:
//! what it shows comes from the signature, never from the page's text.
//!
//! The output is deterministic: the same certificate gives the same bytes
//! (the dates written are the certificate's date of issue, at midnight UTC;
//! the file identifier is a digest of the certificate's text).

mod font;

use crate::error::{CliError, Message};
use crate::i18n;
use cachet::certificate::{Body, Certificate};
use cachet::Lang;
use flate2::write::ZlibEncoder;
use flate2::{Compress, Compression, FlushCompress, Status};
use pdf_writer::types::{FontFlags, OutputIntentSubtype, StructRole, TabOrder};
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use sha2::Digest;
use std::io::Write;
use std::sync::OnceLock;

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
    let font_error = |detail: &str| CliError::usage(Message::new("pdf-font").arg("detail", detail));
    let (regular, bold) = (font::face(false).map_err(font_error)?, font::face(true).map_err(font_error)?);
    let face = |b: bool| if b { bold } else { regular };
    // The WinAnsi codes shown in each face: the glyphs its embedded subset keeps.
    let mut used = [[false; 256]; 2];
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
    let (to_unicode_id, icc_id) = (next(), next());

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
        let lines = wrap(&block.text, block.size, face(block.bold), width);
        content.begin_marked_content_with_properties(role_name(block.role)).properties().pair(Name(b"MCID"), mcid);
        for (n, line) in lines.iter().enumerate() {
            y -= block.size * 1.35;
            let x = if block.role == StructRole::H1 {
                (PAGE.0 - text_width(line, block.size, face(block.bold))) / 2.0
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
            for &b in &shown {
                used[usize::from(block.bold)][usize::from(b)] = true;
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
    content.next_line((PAGE.0 - text_width(&how, caption, regular)) / 2.0, qy - 6.0 * MM);
    let shown = win_ansi(&how);
    for &b in &shown {
        used[0][usize::from(b)] = true;
    }
    content.show(Str(&shown));
    content.end_text();
    content.end_marked_content();
    elements.push((StructRole::P, None));
    page.extend_from_slice(&content.finish());
    let (stream, _) = deflate_for_stream(page, b'\n');

    // Room for the whole file (about 27 KB), so that the buffer is never copied to grow.
    let mut pdf = Pdf::with_capacity(40 * 1024);
    pdf.set_version(1, 7);
    // The file identifier (PDF/A asks for one): a digest of the certificate's text, the same at every issue.
    let digest = sha2::Sha256::digest(text.as_bytes());
    pdf.set_file_id((digest[..16].to_vec(), digest[..16].to_vec()));
    let mut catalog = pdf.catalog(catalog_id);
    catalog.pages(page_tree_id);
    catalog.lang(TextStr("fr-FR"));
    catalog.mark_info().marked(true);
    catalog.viewer_preferences().display_doc_title(true);
    catalog.metadata(xmp_id);
    catalog
        .output_intents()
        .push()
        .subtype(OutputIntentSubtype::PDFA)
        .output_condition_identifier(TextStr("sRGB IEC61966-2.1"))
        .registry_name(TextStr("http://www.color.org"))
        .info(TextStr("sRGB IEC61966-2.1"))
        .dest_output_profile(icc_id);
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
    // The page's content first: the first compressed stream of the file.
    pdf.stream(content_id, &stream).filter(pdf_writer::Filter::FlateDecode);
    for (id, face, used) in [(regular_id, regular, &used[0]), (bold_id, bold, &used[1])] {
        let (descriptor_id, file_id) = (next(), next());
        embed_font(&mut pdf, [id, descriptor_id, file_id, to_unicode_id], face, used);
    }
    pdf.stream(to_unicode_id, &shared_streams().to_unicode).filter(pdf_writer::Filter::FlateDecode);
    pdf.icc_profile(icc_id, &shared_streams().icc).n(3).filter(pdf_writer::Filter::FlateDecode);

    let issued = certificate.issued_on;
    let year = issued.year().clamp(0, 9999) as u16;
    let date = pdf_writer::Date::new(year).month(issued.month()).day(issued.day());
    let date = date.hour(0).minute(0).second(0).utc_offset_hour(0);
    let subject = "Certificat de scolarité signé (Cachet)";
    let mut info = pdf.document_info(info_id);
    info.title(TextStr(&title)).author(TextStr(&format!("Académie de {}", certificate.academie)));
    info.subject(TextStr(subject)).creator(TextStr("cachet"));
    info.producer(TextStr("cachet")).creation_date(date);
    info.pair(Name(INFO_KEY.as_bytes()), TextStr(text));
    info.finish();
    let created = format!("{year:04}-{:02}-{:02}T00:00:00Z", issued.month(), issued.day());
    let xmp = xmp(&Xmp { title: &title, subject, text, academie: &certificate.academie, created: &created });
    // (`metadata` writes `/Type /Metadata /Subtype /XML`; PDF/A forbids a filter here.)
    pdf.metadata(xmp_id, xmp.as_bytes());
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

/// What the XMP packet says, each the same as the Info dictionary's entry.
struct Xmp<'a> {
    title: &'a str,
    subject: &'a str,
    text: &'a str,
    academie: &'a str,
    /// `xmp:CreateDate`, the Info's `/CreationDate`.
    created: &'a str,
}

/// The XMP packet: the Info dictionary's title, author, subject, dates and
/// tools (PDF/A asks for both to agree), the language, the PDF/A and PDF/UA
/// identifications, the certificate text, and the description of the two
/// schemas that PDF/A does not predefine (PDF/UA's and Cachet's).
fn xmp(x: &Xmp<'_>) -> String {
    let (title, subject, text) = (xml_escape(x.title), xml_escape(x.subject), xml_escape(x.text));
    let (academie, created) = (xml_escape(x.academie), xml_escape(x.created));
    format!(
        "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n\
         <x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n\
         <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n\
         <rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" \
         xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\" \
         xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\" \
         xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\" xmlns:cachet=\"{XMP_NAMESPACE}\">\n\
         <dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">{title}</rdf:li></rdf:Alt></dc:title>\n\
         <dc:creator><rdf:Seq><rdf:li>Académie de {academie}</rdf:li></rdf:Seq></dc:creator>\n\
         <dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">{subject}</rdf:li></rdf:Alt></dc:description>\n\
         <dc:language><rdf:Bag><rdf:li>fr-FR</rdf:li></rdf:Bag></dc:language>\n\
         <xmp:CreatorTool>cachet</xmp:CreatorTool>\n\
         <xmp:CreateDate>{created}</xmp:CreateDate>\n\
         <pdf:Producer>cachet</pdf:Producer>\n\
         <pdfaid:part>2</pdfaid:part>\n\
         <pdfaid:conformance>U</pdfaid:conformance>\n\
         <pdfuaid:part>1</pdfuaid:part>\n\
         <cachet:certificate>{text}</cachet:certificate>\n\
         </rdf:Description>\n\
         <rdf:Description rdf:about=\"\" xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\" \
         xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\" \
         xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\">\n\
         <pdfaExtension:schemas><rdf:Bag>\n\
         <rdf:li rdf:parseType=\"Resource\">\
         <pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>\
         <pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>\
         <pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>\
         <pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType=\"Resource\">\
         <pdfaProperty:name>part</pdfaProperty:name><pdfaProperty:valueType>Integer</pdfaProperty:valueType>\
         <pdfaProperty:category>internal</pdfaProperty:category>\
         <pdfaProperty:description>Part of ISO 14289 the file conforms to</pdfaProperty:description>\
         </rdf:li></rdf:Seq></pdfaSchema:property></rdf:li>\n\
         <rdf:li rdf:parseType=\"Resource\">\
         <pdfaSchema:schema>Cachet signed certificate</pdfaSchema:schema>\
         <pdfaSchema:namespaceURI>{XMP_NAMESPACE}</pdfaSchema:namespaceURI>\
         <pdfaSchema:prefix>cachet</pdfaSchema:prefix>\
         <pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType=\"Resource\">\
         <pdfaProperty:name>certificate</pdfaProperty:name><pdfaProperty:valueType>Text</pdfaProperty:valueType>\
         <pdfaProperty:category>external</pdfaProperty:category>\
         <pdfaProperty:description>The signed certificate (a CC1 token or a verifier URL)</pdfaProperty:description>\
         </rdf:li></rdf:Seq></pdfaSchema:property></rdf:li>\n\
         </rdf:Bag></pdfaExtension:schemas>\n\
         </rdf:Description>\n\
         </rdf:RDF>\n\
         </x:xmpmeta>\n\
         <?xpacket end=\"r\"?>"
    )
}

/// Writes `face`'s font dictionary, descriptor and program, cut to `used`, at
/// `ids` (font, descriptor, program), with the shared `/ToUnicode` map `ids[3]`.
fn embed_font(pdf: &mut Pdf, ids: [Ref; 4], face: &'static font::Face, used: &[bool; 256]) {
    let [font_id, descriptor_id, file_id, to_unicode_id] = ids;
    // A subset's name starts with six capitals (ISO 32000-1, 9.6.4), here a digest of its glyphs.
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    for (code, _) in used.iter().enumerate().filter(|(_, u)| **u) {
        hash = (hash ^ code as u64).wrapping_mul(0x0100_0000_01b3);
    }
    let mut name = Vec::with_capacity(7 + face.name.len());
    for _ in 0..6 {
        name.push(b'A' + (hash % 26) as u8);
        hash /= 26;
    }
    name.push(b'+');
    name.extend_from_slice(face.name.as_bytes());
    // The widths of the codes from the first used to the last, from the font's `hmtx`.
    let first = used.iter().position(|u| *u).unwrap_or(32) as u8;
    let last = used.iter().rposition(|u| *u).map_or(first, |l| l as u8).max(first);

    let mut dict = pdf.indirect(font_id).dict();
    dict.pair(Name(b"Type"), Name(b"Font"));
    dict.pair(Name(b"Subtype"), Name(b"TrueType"));
    dict.pair(Name(b"BaseFont"), Name(&name));
    dict.pair(Name(b"FirstChar"), i32::from(first));
    dict.pair(Name(b"LastChar"), i32::from(last));
    dict.insert(Name(b"Widths")).array().items((first..=last).map(|c| face.width(c)));
    dict.pair(Name(b"Encoding"), Name(b"WinAnsiEncoding"));
    dict.pair(Name(b"FontDescriptor"), descriptor_id);
    dict.pair(Name(b"ToUnicode"), to_unicode_id);
    dict.finish();

    let mut descriptor = pdf.font_descriptor(descriptor_id);
    descriptor.name(Name(&name)).flags(FontFlags::NON_SYMBOLIC);
    descriptor.bbox(Rect::new(face.bbox[0], face.bbox[1], face.bbox[2], face.bbox[3]));
    descriptor.italic_angle(0.0).ascent(face.ascent).descent(face.descent).cap_height(face.cap_height);
    // No font has a stem width in a table; the usual estimate from the weight class.
    descriptor.stem_v(10.0 + 0.244 * (f32::from(face.weight) - 50.0));
    descriptor.font_file2(file_id);
    descriptor.finish();

    let program = font_program(face, used);
    let mut file = pdf.stream(file_id, &program.compressed);
    file.filter(pdf_writer::Filter::FlateDecode);
    file.pair(Name(b"Length1"), program.length as i32);
}

/// A font program cut to some glyphs, compressed.
struct FontProgram {
    compressed: Vec<u8>,
    /// Its length before compression (`/Length1`).
    length: usize,
}

/// `face` cut to `used`, compressed: from this thread's last few, since the
/// pages of a batch often use the same glyphs (the bold face's are nearly
/// always the same: the académie's name and the title), else made and kept.
/// The bytes are those `face.subset(used)` and [`deflate`] give, cached or
/// not, unless they would end with a CR: then `face.subset_shifted(used)`'s.
///
/// Why: pdf-writer ends a stream's data with `\nendstream`, and a reader
/// takes a CR ending the data for half of a `\r\n` end-of-line marker, so
/// PDF/A's `/Length` check (ISO 19005-2, 6.1.7.1) fails. zlib data ends
/// with the low byte of Adler-32's `A = 1 + (sum of the bytes) mod 65521`:
/// one font program in 256 would. Its bytes must change, and the font stay
/// a TrueType file whose table checksums and `head.checkSumAdjustment` hold.
/// Zero bytes after the font add nothing to `A` (99e5ed3). Changing a
/// checksummed field moves its table's checksum and the adjustment too, and
/// their bytes cancel its own unless a carry happens: a second more in
/// `head.modified` adds 1 to a byte, 1 to the `head` checksum's last byte
/// and takes 2 from the adjustment's, so `A` stays as it was for 254 sets
/// of glyphs in 256, and a loop of such changes has no bound one can state.
/// Bytes after the last table that sum to 0 mod 2^32 would work, but belong
/// to no table. An unfiltered program would work too (its last byte is the
/// `post` table's, 0), at about 1.5 to 2 KB more for that file (README's
/// example: regular face 7,172 bytes instead of 5,329, bold 4,428 for 2,898).
/// `subset_shifted` changes two words of one table that keep their sum, so
/// no checksum moves, and adds exactly 1021 to the bytes' sum: `A` becomes
/// `A + 1021` mod 65521, whose low byte is 0x0A where `A`'s was 0x0D (or
/// 0x19 when the sum passes 65521; 1021 is neither 0 nor 0xF1 mod 256).
/// One change, proved, the stream still compressed, and the other 255
/// programs in 256 byte for byte as before.
fn font_program(face: &'static font::Face, used: &[bool; 256]) -> std::rc::Rc<FontProgram> {
    type Key = (&'static str, [u64; 4]);
    thread_local! {
        static MADE: std::cell::RefCell<std::collections::HashMap<Key, std::rc::Rc<FontProgram>>> =
            std::cell::RefCell::new(std::collections::HashMap::new());
    }
    /// Programs kept per thread (a few KB each), forgotten all at once when full.
    const KEPT: usize = 64;
    let mut bits = [0u64; 4];
    for (code, _) in used.iter().enumerate().filter(|(_, u)| **u) {
        bits[code / 64] |= 1 << (code % 64);
    }
    let key = (face.name, bits);
    if let Some(program) = MADE.with(|made| made.borrow().get(&key).cloned()) {
        return program;
    }
    let mut program = face.subset(used);
    let mut compressed = deflate(&program);
    if compressed.last() == Some(&b'\r') {
        program = face.subset_shifted(used);
        compressed = deflate(&program);
    }
    debug_assert_ne!(compressed.last(), Some(&b'\r'), "A + 1021 never ends with 0x0D where A did");
    let program = std::rc::Rc::new(FontProgram { compressed, length: program.len() });
    MADE.with(|made| {
        let mut made = made.borrow_mut();
        if made.len() >= KEPT {
            made.clear();
        }
        made.insert(key, program.clone());
    });
    program
}

/// The streams every PDF carries unchanged, compressed once per process.
struct SharedStreams {
    /// The `/ToUnicode` CMap of WinAnsiEncoding, for both fonts.
    to_unicode: Vec<u8>,
    /// The sRGB profile of the output intent.
    icc: Vec<u8>,
}

fn shared_streams() -> &'static SharedStreams {
    static SHARED: OnceLock<SharedStreams> = OnceLock::new();
    SHARED.get_or_init(|| {
        let best = |bytes: &[u8]| {
            let mut z = ZlibEncoder::new(Vec::new(), Compression::best());
            // Writing to a Vec does not fail.
            let _ = z.write_all(bytes);
            z.finish().unwrap_or_default()
        };
        SharedStreams { to_unicode: best(&to_unicode_cmap()), icc: best(include_bytes!("../assets/icc/sRGB.icc")) }
    })
}

/// A CMap from each WinAnsi code to its character (ISO 32000-1, 9.10.3).
fn to_unicode_cmap() -> Vec<u8> {
    let mut map = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Cachet-WinAnsi-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<00> <FF>\nendcodespacerange\n\
         2 beginbfrange\n<20> <7E> <0020>\n<A0> <FF> <00A0>\nendbfrange\n",
    );
    let high: Vec<(u8, char)> = (0x80..=0x9F).filter_map(|b| win_ansi_char(b).map(|c| (b, c))).collect();
    map.push_str(&format!("{} beginbfchar\n", high.len()));
    for (b, c) in high {
        map.push_str(&format!("<{b:02X}> <{:04X}>\n", u32::from(c)));
    }
    map.push_str("endbfchar\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    map.into_bytes()
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// `bytes` compressed for a stream, and their length: first padded with `pad`
/// while their compressed form would end with a carriage return. pdf-writer
/// ends a stream's data with `\nendstream`, and a reader cannot tell a CR
/// that ends the data from an end-of-line marker `\r\n`: PDF/A's check
/// (ISO 19005-2, 6.1.7.1) then found `/Length` one byte too long. The last
/// byte of zlib data is its Adler-32 checksum's, so one stream in 256 did.
/// `pad` must not be 0: a zero byte does not change the checksum. One pad
/// byte always changes the checksum's last byte, so the loop runs once at most.
fn deflate_for_stream(mut bytes: Vec<u8>, pad: u8) -> (Vec<u8>, usize) {
    debug_assert_ne!(pad, 0, "a zero byte leaves the last byte of Adler-32 as it was");
    let mut compressed = deflate(&bytes);
    while compressed.last() == Some(&b'\r') {
        bytes.push(pad);
        compressed = deflate(&bytes);
    }
    (compressed, bytes.len())
}

/// `bytes` in zlib (RFC 1950) at the fastest level, by one compressor per
/// thread: a new one allocates and clears some 300 KB of tables, more work than
/// a page's 20 KB of content. At level 1 the page's content is about 6 KB
/// instead of 4 KB at level 6, in a fifth of the time.
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

/// The characters of WinAnsiEncoding's codes 0x80-0x9F (five are unassigned).
const WIN_ANSI_HIGH: [(char, u8); 27] = [
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

fn win_ansi_byte(c: char) -> u8 {
    let code = u32::from(c);
    match code {
        0x20..=0x7E | 0xA0..=0xFF => code as u8,
        _ => WIN_ANSI_HIGH.iter().find(|(h, _)| *h == c).map_or(b'?', |(_, b)| *b),
    }
}

/// The character of WinAnsi code `b`; `None` for a control code or a hole.
fn win_ansi_char(b: u8) -> Option<char> {
    match b {
        0x20..=0x7E | 0xA0..=0xFF => Some(char::from(b)),
        _ => WIN_ANSI_HIGH.iter().find(|(_, h)| *h == b).map(|(c, _)| *c),
    }
}

/// The width of `s` in points, set in `face` at `size`: the advance widths
/// of its WinAnsi codes, as written in the font's `/Widths`.
fn text_width(s: &str, size: f32, face: &font::Face) -> f32 {
    s.chars().map(|c| face.width(win_ansi_byte(c))).sum::<f32>() * size / 1000.0
}

/// `text` cut into lines no wider than `width`, at spaces (a word longer
/// than a line is cut where it overflows).
fn wrap(text: &str, size: f32, face: &font::Face, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let candidate = if line.is_empty() { word.to_owned() } else { format!("{line} {word}") };
        if text_width(&candidate, size, face) <= width || line.is_empty() && text_width(word, size, face) <= width {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        for c in word.chars() {
            line.push(c);
            if text_width(&line, size, face) > width {
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
            "/Subtype /TrueType",
            "/FontFile2",
            "/ToUnicode",
            "/OutputIntents",
            "/GTS_PDFA1",
            "/ID [",
            "<pdfaid:part>2</pdfaid:part>",
            "<pdfaid:conformance>U</pdfaid:conformance>",
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
        let (regular, bold) = (font::face(false).unwrap(), font::face(true).unwrap());
        let lines = wrap(text, 12.0, regular, 200.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.join(" "), text);
        assert!(lines.iter().all(|l| text_width(l, 12.0, regular) <= 200.0));
        let long = "W".repeat(100);
        assert!(wrap(&long, 12.0, bold, 100.0).iter().all(|l| text_width(l, 12.0, bold) <= 100.0));
        assert!(text_width("Léa", 12.0, bold) > text_width("Léa", 12.0, regular));
        assert_eq!(win_ansi("é’Œ€ł"), [0xE9, 0x92, 0x8C, 0x80, b'?']);
        for b in 0..=255u8 {
            assert_eq!(win_ansi_char(b).map(win_ansi_byte), win_ansi_char(b).map(|_| b), "{b:#x}");
        }
        assert_eq!((0..=255u8).filter_map(win_ansi_char).count(), 218);
        // A font program from the thread's cache is the one made afresh, and the two faces' never mix.
        let used: [bool; 256] = std::array::from_fn(|c| (c as u8).is_ascii_lowercase());
        let (first, again) = (font_program(regular, &used), font_program(regular, &used));
        assert!(std::rc::Rc::ptr_eq(&first, &again), "kept");
        assert_eq!(first.compressed, deflate(&regular.subset(&used)));
        assert_eq!(first.length, regular.subset(&used).len());
        assert_eq!(font_program(bold, &used).compressed, deflate(&bold.subset(&used)));
        assert_ne!(font_program(bold, &used).compressed, first.compressed);
        // Data whose zlib form ends with a CR is padded until it does not, and inflates to itself and the padding.
        let ends_with_cr =
            (0u32..).map(|i| i.to_string().into_bytes()).find(|b| deflate(b).last() == Some(&b'\r')).unwrap();
        let (compressed, length) = deflate_for_stream(ends_with_cr.clone(), b' ');
        assert_ne!(compressed.last(), Some(&b'\r'));
        let mut inflated = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::ZlibDecoder::new(&compressed[..]), &mut inflated).unwrap();
        assert_eq!((&inflated[..ends_with_cr.len()], length), (&ends_with_cr[..], inflated.len()));
        assert!(inflated[ends_with_cr.len()..].iter().all(|&b| b == b' ') && length > ends_with_cr.len());
        assert_eq!(deflate_for_stream(b"abc".to_vec(), b' '), (deflate(b"abc"), 3), "most data is not padded");
        assert_eq!(host_of("https://verifier.cachet.fr/v/"), Some("verifier.cachet.fr"));
        assert_eq!(host_of("nope"), None);
    }

    #[test]
    fn no_font_program_ends_with_a_cr() {
        // For every Adler-32 `A` whose low byte is a CR, `A + 1021` (mod 65521) does not end with one.
        for a in (0x0Du32..65521).step_by(256) {
            assert_ne!(((a + 1021) % 65521) & 0xFF, 0x0D, "{a}");
        }
        for bold in [false, true] {
            let face = font::face(bold).unwrap();
            // Used glyphs whose subset's zlib form ends with a CR, found among the lowercase letters and some of the
            // capitals (about one set in 256).
            let used = (0u32..1 << 20)
                .map(|bits| -> [bool; 256] {
                    std::array::from_fn(|c| {
                        let c = c as u8;
                        c.is_ascii_lowercase() || (c.is_ascii_uppercase() && (bits >> (c - b'A')) & 1 == 1)
                    })
                })
                .find(|used| deflate(&face.subset(used)).last() == Some(&b'\r'))
                .unwrap();
            let program = font_program(face, &used);
            assert_ne!(program.compressed.last(), Some(&b'\r'), "{}", face.name);
            let mut inflated = Vec::new();
            std::io::Read::read_to_end(&mut flate2::read::ZlibDecoder::new(&program.compressed[..]), &mut inflated)
                .unwrap();
            assert_eq!(inflated, face.subset_shifted(&used));
            assert_eq!(program.length, inflated.len());
            font::assert_checksums(&inflated);
            // The same again, from the thread's cache.
            assert_eq!(font_program(face, &used).compressed, program.compressed);
        }
    }
}
