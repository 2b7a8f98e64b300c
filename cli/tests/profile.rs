//! `cachet verify --profile NAME`: only the purpose's certificate fields, in
//! JSON and for people; an unknown name is a usage error with its code.

mod common;

use cachet::Profile;
use common::{json_lines, stderr, stdout, Env, CERT_JSON, DURING_YEAR};

fn verify(env: &Env, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["verify", "--trust", "signed.json", "--root", "root.pub", "--at", DURING_YEAR];
    args.extend_from_slice(extra);
    env.run(&args)
}

#[test]
fn each_profile_gives_only_its_fields_in_json() {
    let env = Env::new();
    env.setup();
    let token =
        env.issue(&CERT_JSON.replace("\"level\": \"6e\",", "\"level\": \"6e\", \"regime\": \"demi-pensionnaire\","));
    let full = verify(&env, &["--json", &token]);
    assert_eq!(full.status.code(), Some(0), "{}", stderr(&full));
    let full = &json_lines(&stdout(&full))[0];
    assert!(full.get("profile").is_none());
    assert_eq!(full["certificate"]["regime"], "demi-pensionnaire");
    for profile in Profile::ALL {
        let out = verify(&env, &["--json", "--profile", profile.name(), &token]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let report = &json_lines(&stdout(&out))[0];
        assert_eq!(report["status"], "valid");
        assert_eq!(report["checks"], full["checks"]);
        assert_eq!(report["issuer"], full["issuer"]);
        let cert = report["certificate"].as_object().unwrap();
        for (key, value) in cert {
            assert!(profile.allows(key), "{} leaks {key}", profile.name());
            assert_eq!(value, &full["certificate"][key]);
        }
        for key in profile.fields() {
            assert!(cert.contains_key(*key), "{} lacks {key}", profile.name());
        }
        if profile == Profile::Full {
            assert!(report.get("profile").is_none());
            assert_eq!(report, full);
        } else {
            assert_eq!(report["profile"], profile.name());
        }
    }
}

#[test]
fn the_human_report_shows_only_the_profiles_fields() {
    let env = Env::new();
    env.setup();
    let token = env.issue(CERT_JSON);
    let full = stdout(&verify(&env, &["--lang", "en", &token]));
    for shown in ["Martin", "Léa", "2013", "Collège Victor Hugo", "0750654D", "2025-000123", "2025-2026", "6e"] {
        assert!(full.contains(shown), "{shown} missing from\n{full}");
    }
    let out = verify(&env, &["--lang", "en", "--profile", "transport", &token]);
    assert_eq!(out.status.code(), Some(0));
    let transport = stdout(&out);
    for shown in ["Martin", "Léa", "2025-2026", "Profile: transport", "Académie de Paris"] {
        assert!(transport.contains(shown), "{shown} missing from\n{transport}");
    }
    for hidden in ["2013", "Victor Hugo", "0750654D", "2025-000123", "Level", "Issued on"] {
        assert!(!transport.contains(hidden), "{hidden} shown in\n{transport}");
    }
    let benefits = stdout(&verify(&env, &["--lang", "en", "--profile", "family-benefits", &token]));
    assert!(benefits.contains("2013") && benefits.contains("6e") && !benefits.contains("Victor Hugo"), "{benefits}");
}

#[test]
fn an_unknown_profile_is_a_usage_error_before_any_verdict() {
    let env = Env::new();
    env.setup();
    let token = env.issue(CERT_JSON);
    for bad in ["identity-check", "Transport", ""] {
        let out = verify(&env, &["--json", "--profile", bad, &token]);
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        assert!(stdout(&out).is_empty(), "{bad:?}: {}", stdout(&out));
        let err = stderr(&out);
        assert!(err.contains("[unknown-profile]") && err.contains("family-benefits"), "{err}");
        assert!(!err.contains("Martin"));
    }
    let out = verify(&env, &["--lang", "en", "--profile", "nope", &token]);
    assert!(stderr(&out).contains("unknown profile \"nope\""), "{}", stderr(&out));
}
