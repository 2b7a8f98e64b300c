//! Any bytes as an Ed25519 key, signature and message (or an honest,
//! mutated or mixed-order signer's): Cachet's `verify_ed25519` must agree
//! with ed25519-dalek's `verify_strict` except where its stricter key rule
//! applies (ed25519_check.rs).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
mod check {
    include!("ed25519_check.rs");
}

fuzz_target!(|data: &[u8]| {
    check::ed25519(data);
});
