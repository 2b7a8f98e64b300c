//! Any bytes as a certificate's text and as raw COSE and payload bytes:
//! every decoder, the canonical round trips, and a full verification.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
mod common {
    include!("common.rs");
}

fuzz_target!(|data: &[u8]| {
    common::text_decoder(data);
});
