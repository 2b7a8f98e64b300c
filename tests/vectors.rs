//! Replays every vector of `tests/vectors/` (written by
//! `cargo run --example gen_vectors -- tests/vectors`) through the verifier
//! and checks the expected status and code of each (tests/vectors/README.md).

mod common;

use cachet::keys::PublicKey;
use cachet::time::parse_rfc3339;
use cachet::trust::TrustList;
use cachet::{verify, Outcome, Report, Status};
use common::vector_files;
use serde::Deserialize;
use std::collections::BTreeSet;

/// One vector file; unknown members are refused, so the schema stays the README's.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    category: String,
    comment: String,
    expected_status: String,
    expected_code: Option<String>,
    input: String,
    now: String,
    roots: Vec<String>,
    trust_list: String,
    last_seen_sequence: Option<u64>,
}

const CATEGORIES: [&str; 6] = ["valid", "transport", "structure", "signature", "trust", "time"];

fn load_cases() -> Vec<Case> {
    vector_files()
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let case: Case = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
            assert_eq!(case.name, stem, "{}: the name is the file's name", path.display());
            case
        })
        .collect()
}

/// What a vector's `expected_code` describes: the code of the first failed
/// check in report order (the one that decides the status), else of the
/// first warning, else none.
fn deciding_code(report: &Report) -> Option<&'static str> {
    let first =
        |outcome| report.checks.iter().find(|c| c.outcome == outcome).and_then(|c| c.code).map(cachet::Code::as_str);
    first(Outcome::Fail).or_else(|| first(Outcome::Warn))
}

/// Runs one case as a verifier would: load the list (or report it invalid), then verify.
fn run(case: &Case) -> Result<Report, String> {
    run_with(case, TrustList::load)
}

type Load = fn(&[u8], &[PublicKey], Option<u64>) -> Result<TrustList, cachet::trust::TrustError>;

/// [`run`], the list loaded by `load`.
fn run_with(case: &Case, load: Load) -> Result<Report, String> {
    let roots = case
        .roots
        .iter()
        .map(|r| PublicKey::from_text(r).map_err(|e| format!("root {r:?}: {e}")))
        .collect::<Result<Vec<_>, _>>()?;
    let now = parse_rfc3339(&case.now).ok_or_else(|| format!("now {:?} is not RFC 3339", case.now))?;
    Ok(match load(case.trust_list.as_bytes(), &roots, case.last_seen_sequence) {
        Ok(trust) => verify(&case.input, &trust, now),
        Err(err) => Report::trust_list_invalid(&err),
    })
}

#[test]
fn every_vector_gives_its_expected_status_and_code() {
    let cases = load_cases();
    let mut mismatches = Vec::new();
    for case in &cases {
        assert!(CATEGORIES.contains(&case.category.as_str()), "{}: category {:?}", case.name, case.category);
        assert!(!case.comment.trim().is_empty(), "{}: no comment", case.name);
        // A panic is a finding like any other: note it and go on with the rest.
        let report = match std::panic::catch_unwind(|| run(case)) {
            Ok(Ok(report)) => report,
            Ok(Err(e)) => {
                mismatches.push(format!("{}: the case itself is broken: {e}", case.name));
                continue;
            }
            Err(_) => {
                mismatches.push(format!("{}: the verifier panicked", case.name));
                continue;
            }
        };
        let got = (report.status.code(), deciding_code(&report));
        let want = (case.expected_status.as_str(), case.expected_code.as_deref());
        if got != want {
            mismatches.push(format!("{}: expected {want:?}, got {got:?}", case.name));
        }
        // The fields are shown only on a usable verdict; a valid one always shows them.
        if report.status == Status::Valid && report.certificate.is_none() {
            mismatches.push(format!("{}: valid but no certificate in the report", case.name));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} vectors differ:\n{}",
        mismatches.len(),
        cases.len(),
        mismatches.join("\n")
    );
}

/// `cachet verify` loads the list deferred (each key's revoked indices
/// decoded at their first look-up): every vector's certificate gets the
/// same verdict, the same deciding code and the same fields (none on a
/// refusal of the list) as through [`TrustList::load`], those whose key's
/// set is badly coded included.
#[test]
fn every_vector_gives_the_same_verdict_with_the_sets_decoded_at_first_look_up() {
    let cases = load_cases();
    let mut deferred_only = Vec::new();
    for case in &cases {
        let (whole, deferred) = (run(case).unwrap(), run_with(case, TrustList::load_deferred).unwrap());
        assert_eq!(
            (deferred.status, deciding_code(&deferred), deferred.certificate.is_some()),
            (whole.status, deciding_code(&whole), whole.certificate.is_some()),
            "{}",
            case.name
        );
        let roots: Vec<PublicKey> = case.roots.iter().map(|r| PublicKey::from_text(r).unwrap()).collect();
        let loads = |load: Load| load(case.trust_list.as_bytes(), &roots, case.last_seen_sequence).is_ok();
        if loads(TrustList::load_deferred) && !loads(TrustList::load) {
            deferred_only.push(case.name.as_str());
        }
    }
    // The coded sets whose fault only decoding shows load deferred (a truncated one shows by its length).
    assert_eq!(deferred_only, ["trust-list-revoked-indices-out-of-range", "trust-list-revoked-indices-trailing-bits"]);
}

#[test]
fn the_vectors_cover_every_verdict() {
    let cases = load_cases();
    let negative = cases.iter().filter(|c| c.expected_status != "valid").count();
    assert!(negative >= 60, "only {negative} negative vectors");
    assert!(cases.len() > negative, "no positive vector");
    let expected: BTreeSet<&str> = cases.iter().map(|c| c.expected_status.as_str()).collect();
    for status in Status::PRECEDENCE {
        assert!(expected.contains(status.code()), "no vector expects {}", status.code());
    }
    for status in &expected {
        assert!(Status::from_code(status).is_some(), "unknown status {status:?}");
    }
    for category in CATEGORIES {
        assert!(cases.iter().any(|c| c.category == category), "no vector in category {category}");
    }
}
