//! `Report::to_json` (hand-written, for the wasm) gives exactly the text
//! that `serde_json::to_string` gives from the serde derives (the CLI's and
//! the tests' view), for the report of every vector in `tests/vectors/` and
//! for reports edited to hold every status, outcome and awkward string; so
//! the two can never drift apart. The one difference is on purpose: the
//! characters JSON allows raw but lines and scripts break at (U+2028,
//! U+2029, DEL and C1 controls) are escaped by json.rs, not by serde_json.

mod common;

use cachet::certificate::{Body, Regime};
use cachet::json::Reader;
use cachet::verify::{IssuerInfo, TrustListInfo};
use cachet::{CheckName, Outcome, Report, Status};
use common::vector_reports;

/// serde_json's text with the characters json.rs escapes beyond what JSON
/// requires (DEL, C1 controls, U+2028, U+2029) escaped the same way: serde
/// writes them raw, and only inside strings.
fn escaped_as_json_rs(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{7f}'..='\u{9f}' | '\u{2028}' | '\u{2029}' => format!("\\u{:04x}", u32::from(c)),
            c => c.to_string(),
        })
        .collect()
}

fn assert_same_json(what: &str, report: &Report) {
    let by_hand = report.to_json();
    let by_serde = escaped_as_json_rs(&serde_json::to_string(report).unwrap());
    assert_eq!(by_hand, by_serde, "{what}");
    // And the text is one JSON value that the strict reader takes whole.
    let mut reader = Reader::new(by_hand.as_bytes()).unwrap();
    reader.skip().unwrap();
    reader.finish().unwrap();
}

#[test]
fn every_vector_report_writes_the_json_serde_writes() {
    let reports = vector_reports();
    assert!(reports.len() >= 100, "only {} vectors", reports.len());
    for (name, report) in &reports {
        assert_same_json(name, report);
    }
    // The vectors reach every optional member both present and absent.
    let has = |f: &dyn Fn(&Report) -> bool| reports.iter().any(|(_, r)| f(r)) && reports.iter().any(|(_, r)| !f(r));
    assert!(has(&|r| r.certificate.is_some()));
    assert!(has(&|r| r.issuer.is_some()));
    assert!(has(&|r| r.trust_list.is_some()));
    assert!(has(&|r| r.checks.iter().any(|c| c.code.is_some())));
    let regime = |r: &Report| {
        r.certificate.as_ref().is_some_and(|c| matches!(&c.body, Body::CertificatDeScolarite(s) if s.regime.is_some()))
    };
    assert!(reports.iter().any(|(_, r)| regime(r)), "no vector with a régime");
}

#[test]
fn edited_reports_with_awkward_strings_write_the_json_serde_writes() {
    let reports = vector_reports();
    let (_, valid) = reports.iter().find(|(_, r)| r.status == Status::Valid && r.certificate.is_some()).unwrap();
    let awkward = [
        String::new(),
        "\"quoted\" and \\back\\slashed/".to_owned(),
        (0u8..0x20).map(char::from).collect::<String>() + "\u{7f}",
        "Léa Noël-SSørensen 😀 \u{2028}\u{2029} \u{feff} \u{202e}".to_owned(),
        "</script><!--".to_owned(),
    ];
    for text in &awkward {
        let mut report = valid.clone();
        report.issuer = Some(IssuerInfo { name: text.clone(), key_id: report.issuer.unwrap().key_id });
        let cert = report.certificate.as_mut().unwrap();
        cert.serial = text.clone();
        cert.academie = text.clone();
        let Body::CertificatDeScolarite(school) = &mut cert.body else { panic!("another kind") };
        school.family_name = text.clone();
        school.given_names = text.clone();
        school.school_uai = text.clone();
        school.school_name = text.clone();
        school.school_town = text.clone();
        for regime in [None, Some(Regime::Externe), Some(Regime::DemiPensionnaire), Some(Regime::Interne)] {
            let mut report = report.clone();
            if let Some(Body::CertificatDeScolarite(school)) = report.certificate.as_mut().map(|c| &mut c.body) {
                school.regime = regime;
            }
            assert_same_json(&format!("{text:?}, {regime:?}"), &report);
        }
    }

    let mut report = valid.clone();
    for sequence in [0, 1, u64::MAX] {
        report.trust_list =
            Some(TrustListInfo { sequence, issued_at: "@-1".into(), next_update: "2199-12-31T23:59:59Z".into() });
        assert_same_json(&format!("sequence {sequence}"), &report);
    }
    for status in Status::PRECEDENCE {
        report.status = status;
        for (i, outcome) in [Outcome::Pass, Outcome::Warn, Outcome::Fail, Outcome::NotRun].into_iter().enumerate() {
            for (j, (check, name)) in report.checks.iter_mut().zip(CheckName::ALL).enumerate() {
                check.check = name;
                check.outcome = outcome;
                check.code = (i % 2 == 0).then(|| cachet::Code::ALL[(i * 8 + j) % cachet::Code::ALL.len()]);
            }
            assert_same_json(&format!("{status:?} {outcome:?}"), &report);
        }
    }
    report.checks.clear();
    report.certificate = None;
    report.issuer = None;
    report.trust_list = None;
    assert_same_json("bare", &report);
}
