//! Any bytes as a PDF file for the CLI's reader (`cachet verify FILE.pdf`,
//! `cachet scan FILE.pdf`): no panic, bounded work, every text distinct and
//! not empty, at most `limits::MAX_TEXTS` of them, the images read by the
//! core's QR reader as `cachet scan` reads them. Its corpus
//! (`fuzz/corpus/pdf_read/`, seeds named `<outcome>--<what>`) is replayed by
//! the CLI's unit tests (`cargo test -p cachet-cli --bin cachet pdf_read`).
//!
//! The reader's own files are included, not copied: the CLI is a binary, so
//! `cli/src/limits.rs` and `cli/src/pdf_read.rs` are modules of this target,
//! with the one constant of `cli/src/pdf.rs` they name.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../cli/src/limits.rs"]
mod limits;

#[allow(dead_code)]
#[path = "../../cli/src/pdf_read.rs"]
mod pdf_read;

mod pdf {
    /// As `cli/src/pdf.rs`: the Info key of the embedded certificate text.
    pub const INFO_KEY: &str = "CachetCertificate";
}

fuzz_target!(|data: &[u8]| {
    let read = |image: image::DynamicImage| {
        let grey = image.to_luma8();
        cachet::scan::scan_luma(grey.as_raw(), grey.width() as usize, grey.height() as usize)
    };
    if let Ok((texts, _)) = pdf_read::texts_in_pdf(data, read) {
        assert!(texts.len() <= limits::MAX_TEXTS);
        let distinct: std::collections::HashSet<&String> = texts.iter().collect();
        assert_eq!(distinct.len(), texts.len(), "a text read twice: {texts:?}");
        assert!(texts.iter().all(|t| !t.is_empty()));
    }
});
