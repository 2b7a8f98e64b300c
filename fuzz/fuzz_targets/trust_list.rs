//! Any bytes as a signed trust list under the fixture root, and as an
//! unsigned list body.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
mod common {
    include!("common.rs");
}

fuzz_target!(|data: &[u8]| {
    common::trust_list(data);
});
