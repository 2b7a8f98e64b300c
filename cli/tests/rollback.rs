//! `cachet verify` remembers the highest trust-list sequence it accepted
//! (docs/TRUST.md "Rollback"): a list from before a key was revoked, served
//! again, must not make that key's certificates valid.

mod common;

use common::{json_lines, stderr, stdout, Env, CERT_JSON, DURING_YEAR};
use std::process::{Child, Stdio};

/// The sequence of a signed trust list.
fn sequence(env: &Env, name: &str) -> u64 {
    let signed: serde_json::Value = serde_json::from_str(&env.read(name)).unwrap();
    signed["list"]["sequence"].as_u64().unwrap()
}

/// Root and issuer keys; `old.json` trusts the issuer, `new.json` (signed
/// later, so with a higher sequence) has its key revoked. Gives the token of
/// a certificate that issuer signed.
fn revoked_key_scenario(env: &Env) -> String {
    env.setup();
    let token = env.issue(CERT_JSON);
    std::fs::copy(env.path("signed.json"), env.path("old.json")).unwrap();
    env.ok(&["trust", "revoke", "--list", "list.json", "--key", "issuer.pub"]);
    env.sign();
    std::fs::copy(env.path("signed.json"), env.path("new.json")).unwrap();
    assert!(sequence(env, "old.json") < sequence(env, "new.json"));
    token
}

/// `cachet verify --json` with the list `trust` and `extra` options; gives
/// the exit code, the single report and stderr.
fn verify(env: &Env, trust: &str, extra: &[&str], token: &str) -> (i32, serde_json::Value, String) {
    let mut args = vec!["verify", "--trust", trust, "--root", "root.pub", "--json", "--at", DURING_YEAR];
    args.extend_from_slice(extra);
    args.push(token);
    let out = env.run(&args);
    let mut lines = json_lines(&stdout(&out));
    assert_eq!(lines.len(), 1, "{}", stderr(&out));
    (out.status.code().unwrap(), lines.remove(0), stderr(&out))
}

fn trust_check(report: &serde_json::Value) -> (&str, &str) {
    let check = report["checks"].as_array().unwrap().iter().find(|c| c["check"] == "trust-list").unwrap();
    (check["outcome"].as_str().unwrap(), check["code"].as_str().unwrap_or(""))
}

#[test]
fn a_list_from_before_a_key_was_revoked_is_refused_once_a_newer_one_was_seen() {
    let env = Env::new();
    let token = revoked_key_scenario(&env);
    let state = ["--state", "state.json"];
    let (old, new) = (sequence(&env, "old.json"), sequence(&env, "new.json"));

    // Before the newer list was ever seen, the older one is all the verifier knows.
    let (code, report, _) = verify(&env, "old.json", &state, &token);
    assert_eq!((code, report["status"].as_str()), (0, Some("valid")));

    let (code, report, _) = verify(&env, "new.json", &state, &token);
    assert_eq!((code, report["status"].as_str()), (1, Some("revoked")));
    let remembered: serde_json::Value = serde_json::from_str(&env.read("state.json")).unwrap();
    assert_eq!(remembered["format"], "cachet-trust-state/1");
    assert_eq!(
        remembered["highest_sequence"].as_object().unwrap().values().collect::<Vec<_>>(),
        [&serde_json::Value::from(new)]
    );

    // The old list again: refused, and the certificate of the revoked key is not valid.
    let (code, report, err) = verify(&env, "old.json", &state, &token);
    assert_eq!(code, 1);
    assert_eq!(report["status"], "trust-list-invalid");
    assert_eq!(trust_check(&report), ("fail", "trust-list-rollback"));
    assert!(report.get("certificate").is_none(), "no field shown under a refused list");
    assert!(err.contains("[trust-list-rollback]"), "{err}");
    assert!(err.contains(&format!("séquence {old}")) && err.contains(&format!("séquence {new}")), "{err}");
    assert!(err.contains("state.json"), "the message names where the memory is: {err}");

    // The same newest list again is accepted (a list downloaded twice).
    let (_, report, _) = verify(&env, "new.json", &state, &token);
    assert_eq!(report["status"], "revoked");

    // Elsewhere (another state file, or none), nothing was seen: the old list is accepted.
    let (code, report, _) = verify(&env, "old.json", &["--state", "elsewhere.json"], &token);
    assert_eq!((code, report["status"].as_str()), (0, Some("valid")));
    let (code, report, err) = verify(&env, "old.json", &["--no-state"], &token);
    assert_eq!((code, report["status"].as_str()), (0, Some("valid")));
    assert!(err.contains("[trust-state-off]"), "--no-state says what it gives up: {err}");
}

#[test]
fn the_refusal_is_said_plainly_in_english_too() {
    let env = Env::new();
    let token = revoked_key_scenario(&env);
    let (old, new) = (sequence(&env, "old.json"), sequence(&env, "new.json"));
    env.run(&["verify", "--trust", "new.json", "--root", "root.pub", "--state", "s.json", "x"]);
    let out = env
        .cachet()
        .env("LANG", "en_GB.UTF-8")
        .args(["verify", "--trust", "old.json", "--root", "root.pub", "--state", "s.json", &token])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        err.contains(&format!("old.json: this trust list has sequence {old}, but sequence {new} was already accepted")),
        "{err}"
    );
    assert!(stdout(&out).contains("Code for support: trust-list-invalid"), "{}", stdout(&out));
}

#[test]
fn a_batch_under_an_older_list_is_refused_line_by_line() {
    let env = Env::new();
    let token = revoked_key_scenario(&env);
    env.write("texts.txt", &format!("{token}\n{token}\n"));
    let batch = |trust: &str| {
        env.run(&[
            "verify",
            "--trust",
            trust,
            "--root",
            "root.pub",
            "--state",
            "s.json",
            "--at",
            DURING_YEAR,
            "--batch",
            "texts.txt",
        ])
    };
    let out = batch("new.json");
    assert_eq!(out.status.code(), Some(1));
    assert!(json_lines(&stdout(&out)).iter().all(|l| l["status"] == "revoked"));
    let out = batch("old.json");
    assert_eq!(out.status.code(), Some(1));
    let lines = json_lines(&stdout(&out));
    assert_eq!(lines.len(), 2);
    for line in &lines {
        assert_eq!(line["status"], "trust-list-invalid");
        assert_eq!(trust_check(line), ("fail", "trust-list-rollback"));
    }
    assert!(stderr(&out).contains("[trust-list-rollback]"), "{}", stderr(&out));
}

#[test]
fn only_a_list_that_verified_is_remembered() {
    let env = Env::new();
    let token = revoked_key_scenario(&env);
    let new = sequence(&env, "new.json");
    // The old list with its sequence raised: the signature no longer verifies.
    let forged = env.read("old.json").replacen(
        &format!("\"sequence\": {}", sequence(&env, "old.json")),
        &format!("\"sequence\": {}", new + 100),
        1,
    );
    assert_ne!(forged, env.read("old.json"), "the sequence was found and raised");
    env.write("forged.json", &forged);
    let (_, report, _) = verify(&env, "forged.json", &["--state", "s.json"], &token);
    assert_eq!(trust_check(&report), ("fail", "trust-list-signature"));
    assert!(!env.path("s.json").exists(), "nothing remembered from a list that did not verify");
    // So the real newest list is still accepted, and remembered.
    let (_, report, _) = verify(&env, "new.json", &["--state", "s.json"], &token);
    assert_eq!(report["status"], "revoked");
    assert!(env.read("s.json").contains(&format!(": {new}")));
}

#[test]
fn the_default_place_is_under_xdg_state_home_else_home() {
    let env = Env::new();
    let token = revoked_key_scenario(&env);
    let run = |trust: &str, vars: &[(&str, &std::path::Path)]| {
        let mut cmd = env.cachet();
        cmd.env_remove("XDG_STATE_HOME").env_remove("HOME");
        for (k, v) in vars {
            cmd.env(k, v);
        }
        let out = cmd
            .args(["verify", "--trust", trust, "--root", "root.pub", "--json", "--at", DURING_YEAR, &token])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        (json_lines(&stdout(&out)).remove(0)["status"].as_str().unwrap().to_owned(), stderr(&out))
    };
    let xdg = env.path("xdg");
    let home = env.path("home");
    std::fs::create_dir(&home).unwrap();

    assert_eq!(run("new.json", &[("XDG_STATE_HOME", &xdg), ("HOME", &home)]).0, "revoked");
    assert!(xdg.join("cachet/trust-state.json").is_file(), "the folders are created");
    assert_eq!(run("old.json", &[("XDG_STATE_HOME", &xdg), ("HOME", &home)]).0, "trust-list-invalid");
    // HOME's own place knows nothing yet…
    assert_eq!(run("old.json", &[("HOME", &home)]).0, "valid");
    assert!(home.join(".local/state/cachet/trust-state.json").is_file());
    // …until it has seen the newer list.
    assert_eq!(run("new.json", &[("HOME", &home)]).0, "revoked");
    assert_eq!(run("old.json", &[("HOME", &home)]).0, "trust-list-invalid");

    // Nowhere to keep it: a usage error before anything is verified.
    let out = env
        .cachet()
        .env_remove("XDG_STATE_HOME")
        .env_remove("HOME")
        .args(["verify", "--trust", "new.json", "--root", "root.pub", &token])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("[trust-state-no-home]"), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
}

#[test]
fn the_help_says_where_the_memory_is_and_what_no_state_gives_up() {
    let env = Env::new();
    let help = env.ok(&["verify", "--help"]);
    assert!(help.contains("--state <FILE>") && help.contains("$XDG_STATE_HOME/cachet/trust-state.json"), "{help}");
    assert!(help.contains("~/.local/state/cachet/trust-state.json"), "{help}");
    assert!(help.contains("--no-state") && help.contains("Unsafe"), "{help}");
    let both = env.run(&["verify", "--trust", "t", "--root", "r", "--state", "s", "--no-state", "x"]);
    assert_eq!(both.status.code(), Some(2));
}

#[test]
fn a_damaged_memory_is_an_error_and_is_left_as_it_is() {
    let env = Env::new();
    let token = revoked_key_scenario(&env);
    for damaged in ["", "{\"format\":\"cachet-trust-state/1\",\"highest_sequence\":{\"abc\":1}}", "{not json"] {
        env.write("s.json", damaged);
        let out = env.run(&["verify", "--trust", "old.json", "--root", "root.pub", "--state", "s.json", &token]);
        assert_eq!(out.status.code(), Some(2), "{damaged:?}");
        assert!(stderr(&out).contains("[trust-state-invalid]"), "{}", stderr(&out));
        assert!(stdout(&out).is_empty(), "no verdict without the memory");
        assert_eq!(env.read("s.json"), damaged, "never reset");
    }
}

#[test]
fn a_place_where_nothing_can_be_written_says_how_to_go_on() {
    let env = Env::new();
    let token = revoked_key_scenario(&env);
    env.write("a-file", "");
    let out = env.run(&["verify", "--trust", "new.json", "--root", "root.pub", "--state", "a-file/s.json", &token]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("a-file/s.json") && err.contains("[trust-state-hint]") && err.contains("--no-state"), "{err}");
    assert!(stdout(&out).is_empty(), "no verdict without the memory");
}

#[test]
fn concurrent_runs_keep_the_highest_sequence() {
    let env = Env::new();
    env.setup();
    // Lists with growing sequences: each `trust sign` raises it.
    let mut lists = Vec::new();
    for i in 0..6 {
        env.sign();
        let name = format!("list-{i}.json");
        std::fs::copy(env.path("signed.json"), env.path(&name)).unwrap();
        lists.push((sequence(&env, &name), name));
    }
    let highest = lists.iter().map(|(s, _)| *s).max().unwrap();
    // Every list verified by several processes at once, highest first in the
    // spawn order so that a lost update would leave a lower one.
    let children: Vec<Child> = (0..4)
        .flat_map(|_| lists.iter().rev())
        .map(|(_, name)| {
            env.cachet()
                .args(["verify", "--trust", name, "--root", "root.pub", "--state", "s.json", "--json", "x"])
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(1), "x is not a certificate: {}", stderr(&out));
        let status = json_lines(&stdout(&out)).remove(0)["status"].as_str().unwrap().to_owned();
        assert!(status == "malformed" || status == "trust-list-invalid", "{status}");
        assert!(!stderr(&out).contains("[trust-state-invalid]"), "a reader saw half a file: {}", stderr(&out));
    }
    let state: serde_json::Value = serde_json::from_str(&env.read("s.json")).unwrap();
    let values: Vec<u64> =
        state["highest_sequence"].as_object().unwrap().values().map(|v| v.as_u64().unwrap()).collect();
    assert_eq!(values, [highest]);
    // And from now on every older list is refused.
    for (seq, name) in &lists {
        let out = env.run(&["verify", "--trust", name, "--root", "root.pub", "--state", "s.json", "--json", "x"]);
        let status = json_lines(&stdout(&out)).remove(0)["status"].as_str().unwrap().to_owned();
        assert_eq!(status == "trust-list-invalid", *seq < highest, "{name} ({seq}): {status}");
    }
}
