//! What several test files share: every vector of `tests/vectors/` verified
//! as a verifier would (tests/vectors.rs checks them against their expected
//! statuses; the others build on the reports).

// Each test binary uses part of this module.
#![allow(dead_code)]

use cachet::keys::PublicKey;
use cachet::time::parse_rfc3339;
use cachet::trust::TrustList;
use cachet::{verify, Report};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The members of a vector file this test needs (tests/vectors/README.md).
#[derive(Deserialize)]
struct Case {
    name: String,
    input: String,
    now: String,
    roots: Vec<String>,
    trust_list: String,
    last_seen_sequence: Option<u64>,
}

/// The vector files of `tests/vectors/`, in name order.
pub fn vector_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    paths
}

/// Every vector's report, as a verifier makes it: load the list (or report
/// it invalid), then verify.
pub fn vector_reports() -> Vec<(String, Report)> {
    vector_files()
        .iter()
        .map(|path| {
            let case: Case = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
            let roots: Vec<PublicKey> = case.roots.iter().map(|r| PublicKey::from_text(r).unwrap()).collect();
            let now = parse_rfc3339(&case.now).unwrap();
            let report = match TrustList::load(case.trust_list.as_bytes(), &roots, case.last_seen_sequence) {
                Ok(trust) => verify(&case.input, &trust, now),
                Err(err) => Report::trust_list_invalid(&err),
            };
            (case.name, report)
        })
        .collect()
}
