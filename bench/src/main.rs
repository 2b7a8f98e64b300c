//! `cachet-bench`: Cachet's benchmarks, kept apart from the product so
//! that their cost (time, heavy dependencies such as the peer QR readers)
//! is paid only by who runs them. `cargo xtask qr-corpus|qr-bench|bulk-bench|
//! revocation-bench` build what each needs (the release CLI, the page's
//! wasm) and run it in a release build.
//!
//! Nothing here asserts a time: the figures are printed (and written as
//! JSON); a run fails only when a result is wrong (a reader's text, a
//! verdict, a revocation status).

mod alloc;
mod bulk;
mod qr_bench;
mod qr_corpus;
mod revocation;
/// xtask's helpers for running commands, shared rather than copied (not all used here).
#[path = "../../xtask/src/sh.rs"]
#[allow(dead_code)]
mod sh;

use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: alloc::Counting = alloc::Counting;

const USAGE: &str = "usage: cachet-bench <task> [options]   (run through cargo xtask; see each module)
  qr-corpus    the QR reader's synthetic frames (bench/src/qr_corpus.rs)
  qr-bench     this QR reader beside rqrr, rxing, jsQR and zxing-wasm (bench/src/qr_bench.rs)
  bulk         a file of texts verified by cachet verify --batch and in Node (bench/src/bulk.rs)
  revocation   revocation at national scale (bench/src/revocation.rs)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("qr-corpus") => qr_corpus::run(&args[1..]),
        Some("qr-bench") => qr_bench::run(&args[1..]),
        Some("bulk") => bulk::run(&args[1..]),
        Some("revocation") => revocation::run(&args[1..]),
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cachet-bench: {e}");
            ExitCode::FAILURE
        }
    }
}
