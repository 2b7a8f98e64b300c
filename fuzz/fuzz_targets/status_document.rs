//! Any bytes as a signed status document, and as a status document's body
//! checked against a fixed trust list and applied to a held state
//! (docs/TRUST.md, "Status documents").
#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
mod common {
    include!("status_document_common.rs");
}

fuzz_target!(|data: &[u8]| {
    common::status_document(data);
});
