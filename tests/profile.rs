//! Purpose profiles (`src/profile.rs`) over every test vector: the JSON a
//! report gives for a profile, parsed with serde_json, holds no certificate
//! member outside the profile's list, no value of a field it drops, and the
//! same verdict, checks, issuer and trust list as the full report.

mod common;

use cachet::certificate::{Body, Regime};
use cachet::{Profile, Report, Status};
use common::vector_reports;
use serde_json::{Map, Value};

fn object(json: &str) -> Map<String, Value> {
    match serde_json::from_str(json).unwrap() {
        Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}

/// Checks one report under every profile against its full JSON.
fn check_every_profile(what: &str, report: &Report) {
    let full_text = report.to_json();
    assert_eq!(report.to_json_for(Profile::Full), full_text, "{what}");
    let full = object(&full_text);
    assert!(!full.contains_key("profile"), "{what}: full says its profile");
    for profile in Profile::ALL {
        let text = report.to_json_for(profile);
        let got = object(&text);
        // Every member but the certificate is the full report's.
        for key in ["status", "checks", "issuer", "trust_list"] {
            assert_eq!(got.get(key), full.get(key), "{what} / {}: {key}", profile.name());
        }
        let mut keys: Vec<&str> = got.keys().map(String::as_str).collect();
        keys.retain(|k| !["status", "checks", "issuer", "trust_list", "certificate", "profile"].contains(k));
        assert!(keys.is_empty(), "{what} / {}: unexpected members {keys:?}", profile.name());
        if profile == Profile::Full {
            assert!(!got.contains_key("profile"));
        } else {
            assert_eq!(got.get("profile"), Some(&Value::from(profile.name())), "{what}");
        }
        let Some(Value::Object(full_cert)) = full.get("certificate") else {
            assert!(!got.contains_key("certificate"), "{what} / {}: a certificate from nowhere", profile.name());
            continue;
        };
        let Some(Value::Object(cert)) = got.get("certificate") else {
            panic!("{what} / {}: certificate lost", profile.name());
        };
        for (key, value) in cert {
            assert!(profile.allows(key), "{what} / {}: leaks {key}", profile.name());
            assert_eq!(Some(value), full_cert.get(key), "{what} / {}: {key}", profile.name());
        }
        // Every allowed field the certificate has is kept.
        for key in profile.fields() {
            assert_eq!(cert.contains_key(*key), full_cert.contains_key(*key), "{what} / {}: {key}", profile.name());
        }
        // No value of a dropped field appears anywhere in the text, unless a
        // kept member has the very same value (the school's town and the académie).
        let kept: Vec<&Value> = cert.values().collect();
        for (key, value) in full_cert {
            if profile.allows(key) || kept.contains(&value) {
                continue;
            }
            let quoted = serde_json::to_string(value).unwrap();
            assert!(!text.contains(&quoted), "{what} / {}: the value of {key} ({quoted}) in {text}", profile.name());
        }
    }
}

#[test]
fn no_profile_leaks_a_field_it_does_not_list_for_any_vector() {
    let reports = vector_reports();
    assert!(reports.len() >= 100, "only {} vectors", reports.len());
    for (name, report) in &reports {
        check_every_profile(name, report);
    }
    let with_certificate = reports.iter().filter(|(_, r)| r.certificate.is_some()).count();
    assert!(with_certificate >= 5, "only {with_certificate} vectors carry a certificate");
    assert!(reports.iter().any(|(_, r)| r.status != Status::Valid && r.certificate.is_some()));
}

#[test]
fn full_lists_exactly_the_members_a_certificate_can_have() {
    let reports = vector_reports();
    let (_, valid) = reports.iter().find(|(_, r)| r.status == Status::Valid && r.certificate.is_some()).unwrap();
    for regime in [None, Some(Regime::Externe), Some(Regime::DemiPensionnaire), Some(Regime::Interne)] {
        let mut report = valid.clone();
        if let Some(Body::CertificatDeScolarite(school)) = report.certificate.as_mut().map(|c| &mut c.body) {
            school.regime = regime;
        }
        check_every_profile(&format!("{regime:?}"), &report);
        let full = object(&report.to_json());
        let Some(Value::Object(cert)) = full.get("certificate") else { panic!("no certificate") };
        let keys: Vec<&str> = cert.keys().map(String::as_str).collect();
        let mut expected: Vec<&str> = Profile::Full.fields().to_vec();
        if regime.is_none() {
            expected.retain(|k| *k != "regime");
        }
        // serde_json's Map keeps keys sorted unless preserve_order: compare as sets.
        let (mut keys, mut expected) = (keys, expected);
        keys.sort_unstable();
        expected.sort_unstable();
        assert_eq!(keys, expected, "{regime:?}");
    }
}

#[test]
fn a_profile_report_keeps_only_its_fields_in_the_expected_shape() {
    let reports = vector_reports();
    let (_, valid) = reports.iter().find(|(_, r)| r.status == Status::Valid && r.certificate.is_some()).unwrap();
    let transport = object(&valid.to_json_for(Profile::Transport));
    let Some(Value::Object(cert)) = transport.get("certificate") else { panic!("no certificate") };
    let mut keys: Vec<&str> = cert.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["family_name", "given_names", "kind", "school_year", "valid_from", "valid_until"]);
    let benefits = object(&valid.to_json_for(Profile::FamilyBenefits));
    let Some(Value::Object(cert)) = benefits.get("certificate") else { panic!("no certificate") };
    assert!(cert.contains_key("birth_date") && cert.contains_key("level") && !cert.contains_key("school_uai"));
}
