//! Replays the `ed25519` fuzz target's committed corpus (`fuzz/corpus/ed25519/`)
//! with a plain `cargo test`: Cachet's `verify_ed25519` against
//! ed25519-dalek's `verify_strict` (the property is in
//! `fuzz/fuzz_targets/ed25519_check.rs`). A seed named `<expected>--<what>`
//! must still give `<expected>`, so that a seed that stops reaching its path
//! is noticed; the corpus must reach all three outcomes, among them a
//! signature `verify_strict` accepts under a mixed-order key and Cachet
//! refuses (the stricter key rule of src/signature.rs).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

#[allow(dead_code)]
mod check {
    include!("../fuzz/fuzz_targets/ed25519_check.rs");
}

#[test]
fn ed25519_corpus_agrees_with_verify_strict_and_gives_the_expected_outcomes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/ed25519");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    let mut problems = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(path).unwrap();
        match catch_unwind(AssertUnwindSafe(|| check::ed25519(&bytes))) {
            Err(_) => problems.push(format!("{name}: the property failed")),
            Ok(got) => {
                seen.insert(got);
                if let Some((expected, _)) = name.split_once("--") {
                    if got != expected {
                        problems.push(format!("{name}: gave {got}"));
                    }
                }
            }
        }
    }
    assert!(files.len() >= 10, "only {} files in {}", files.len(), dir.display());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    for outcome in ["accepted", "refused", "refused-key-policy"] {
        assert!(seen.contains(outcome), "no seed gives {outcome}");
    }
}

/// Prints the outcome of candidate seeds (`cargo test --test
/// ed25519_fuzz_corpus -- --ignored --nocapture`): how the committed seeds'
/// names were found, kept to make more.
#[test]
#[ignore]
fn print_candidate_outcomes() {
    for t in 0u8..8 {
        for m in 0u8..16 {
            let mut data = vec![3u8];
            data.extend([7u8; 32]);
            data.push(t);
            data.extend(b"certificat ");
            data.push(b'a' + m);
            println!("t={t} m={m}: {}", check::ed25519(&data));
        }
    }
}
