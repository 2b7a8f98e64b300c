//! Any bytes as a key's revoked status set (capacity, then its Rice code):
//! the decoder of `revoked_indices`. What decodes must be canonical and
//! look up exactly its indices.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
mod common {
    include!("common.rs");
}

fuzz_target!(|data: &[u8]| {
    common::status_set(data);
});
