//! Replays every status document vector of `tests/vectors/status/` (written
//! by `cargo run --example gen_vectors -- tests/vectors`): the trust list
//! loaded, the status documents applied in order on its base
//! (`status_doc::apply_all`, then the floor `last_status_sequence`), and the
//! certificate verified; the expected status and code are checked
//! (tests/vectors/README.md, "Status documents").

use cachet::keys::PublicKey;
use cachet::status_doc::apply_all;
use cachet::time::parse_rfc3339;
use cachet::trust::{TrustError, TrustList};
use cachet::{verify, Outcome, Report};
use serde::Deserialize;
use std::path::Path;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    comment: String,
    expected_status: String,
    expected_code: Option<String>,
    input: String,
    now: String,
    roots: Vec<String>,
    trust_list: String,
    status_documents: Vec<String>,
    last_status_sequence: Option<u64>,
}

fn run(case: &Case) -> Report {
    let roots: Vec<PublicKey> = case.roots.iter().map(|r| PublicKey::from_text(r).unwrap()).collect();
    let now = parse_rfc3339(&case.now).unwrap();
    let docs: Vec<&[u8]> = case.status_documents.iter().map(|d| d.as_bytes()).collect();
    let loaded = TrustList::load(case.trust_list.as_bytes(), &roots, None).and_then(|mut trust| {
        let state =
            apply_all(&trust, None, &docs, case.last_status_sequence, now).map_err(|(_, e)| TrustError::Status(e))?;
        trust.set_status(state);
        Ok(trust)
    });
    match loaded {
        Ok(trust) => verify(&case.input, &trust, now),
        Err(e) => Report::trust_list_invalid(&e),
    }
}

#[test]
fn every_status_vector_gives_its_expected_status_and_code() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/status");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 15, "only {} status vectors in {}", paths.len(), dir.display());
    let mut wrong = Vec::new();
    let mut codes = std::collections::BTreeSet::new();
    for path in &paths {
        let case: Case = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        assert_eq!(Some(case.name.as_str()), path.file_stem().and_then(|s| s.to_str()), "{}", path.display());
        assert!(!case.comment.trim().is_empty(), "{}: no comment", case.name);
        let report = run(&case);
        let first = |o| report.checks.iter().find(|c| c.outcome == o).and_then(|c| c.code).map(cachet::Code::as_str);
        let code = first(Outcome::Fail).or_else(|| first(Outcome::Warn));
        if report.status.code() != case.expected_status || code.map(str::to_owned) != case.expected_code {
            wrong.push(format!(
                "{}: expected {} {:?}, got {} {:?}",
                case.name, case.expected_status, case.expected_code, report.status, code
            ));
        }
        codes.extend(case.expected_code);
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    for code in [
        "status-wrong-base",
        "status-rollback",
        "status-key-expired",
        "status-wrong-key",
        "status-revoked",
        "status-entry-scope",
        "status-out-of-scope",
    ] {
        assert!(codes.contains(code), "no status vector for {code}");
    }
}
