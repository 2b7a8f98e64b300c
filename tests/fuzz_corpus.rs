//! Replays every file of the fuzz corpora (`fuzz/corpus/<target>/`) through
//! the fuzz targets' own per-input functions, with a plain `cargo test`:
//! no input may panic (a panic is a failed property), and a seed named
//! `<expected>--<what>` must still give `<expected>` (written by `cargo xtask
//! fuzz-corpus`), so that a seed that stops reaching the path it was made for
//! is noticed.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

#[allow(dead_code)]
mod common {
    include!("../fuzz/fuzz_targets/common.rs");
}

fn corpus(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus").join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}

/// Runs `outcome` on every file of the corpus; returns how many ran and
/// what went wrong, one line per file.
fn replay(target: &str, outcome: impl Fn(&[u8]) -> String) -> (usize, Vec<String>) {
    let files = corpus(target);
    let mut problems = Vec::new();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(path).unwrap();
        match catch_unwind(AssertUnwindSafe(|| outcome(&bytes))) {
            Err(_) => problems.push(format!("{target}/{name}: panicked")),
            Ok(got) => {
                if let Some((expected, _)) = name.split_once("--") {
                    if got != expected {
                        problems.push(format!("{target}/{name}: gave {got}"));
                    }
                }
            }
        }
    }
    (files.len(), problems)
}

#[test]
fn text_decoder_corpus_replays_without_panic_and_with_the_expected_verdicts() {
    let (count, problems) =
        replay("text_decoder", |bytes| common::text_decoder(bytes).map_or("not-text", |s| s.code()).to_owned());
    assert!(count >= 30, "only {count} files in fuzz/corpus/text_decoder");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn trust_list_corpus_replays_without_panic_and_with_the_expected_outcomes() {
    let (count, problems) = replay("trust_list", |bytes| common::trust_list(bytes).to_owned());
    assert!(count >= 15, "only {count} files in fuzz/corpus/trust_list");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn status_set_corpus_replays_without_panic_and_with_the_expected_codes() {
    let (count, problems) = replay("status_set", |bytes| common::status_set(bytes).to_owned());
    assert!(count >= 10, "only {count} files in fuzz/corpus/status_set");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_seeds_reach_every_verdict() {
    // The corpus is worth fuzzing from only if it starts the fuzzer on
    // every path of verification.
    let names: Vec<String> = corpus("text_decoder")
        .iter()
        .filter_map(|p| p.file_name()?.to_str()?.split_once("--").map(|(e, _)| e.to_owned()))
        .collect();
    for status in cachet::Status::PRECEDENCE {
        if matches!(status, cachet::Status::TrustListInvalid | cachet::Status::TrustListExpired) {
            continue; // The fixture list is valid and fresh at the fixed `now`.
        }
        assert!(names.iter().any(|n| n == status.code()), "no seed gives {}", status.code());
    }
}

#[test]
fn scan_corpus_replays_without_panic_and_with_the_expected_counts() {
    let (count, problems) = replay("scan", |bytes| common::scan(bytes).to_string());
    assert!(count >= 5, "only {count} files in fuzz/corpus/scan");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
