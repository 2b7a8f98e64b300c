//! Any bytes as a grey frame for the QR reader (first two bytes: width
//! and height): no panic, bounded time, no text read twice. A first byte
//! of 255 widens the frame to 704 pixels, past the small-image pass, so
//! that the large-frame passes (half size, the crops of small codes) are
//! reached too; the quick passes run on every frame.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
mod common {
    include!("common.rs");
}

fuzz_target!(|data: &[u8]| {
    common::scan(data);
    if let [w, h, pixels @ ..] = data {
        let (w, h) = (if *w == 255 { 704 } else { *w as usize + 1 }, *h as usize + 1);
        let rgba: Vec<u8> = if pixels.is_empty() {
            vec![255; 4 * w * h]
        } else {
            pixels.iter().copied().cycle().take(4 * w * h).collect()
        };
        let quick = cachet::scan::scan_rgba_with(&rgba, w, h, cachet::scan::Effort::Quick);
        if w == 704 {
            let full = cachet::scan::scan_rgba(&rgba, w, h);
            // The quick passes are the full reader's first: what they read, it reads.
            assert!(quick.iter().all(|t| full.contains(t)), "quick read {quick:?}, full {full:?}");
        }
    }
});
