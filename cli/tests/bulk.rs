//! `cachet verify --batch FILE`: one JSON line per text in line order, each
//! with its line number; blank lines skipped, bad lines reported; the exit
//! code; the profile applied; order kept across chunks.

mod common;

use common::{json_lines, stderr, stdout, Env, CERT_JSON, DURING_YEAR};
use serde_json::Value;

fn batch(env: &Env, file: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["verify", "--trust", "signed.json", "--root", "root.pub", "--at", DURING_YEAR, "--batch", file];
    args.extend_from_slice(extra);
    env.run(&args)
}

/// (line, status, decoding code) of each output line.
fn summary(reports: &[Value]) -> Vec<(u64, String, Option<String>)> {
    reports
        .iter()
        .map(|r| {
            let decoding = r["checks"].as_array().unwrap().iter().find(|c| c["check"] == "decoding").unwrap();
            (
                r["line"].as_u64().unwrap(),
                r["status"].as_str().unwrap().to_owned(),
                decoding.get("code").map(|c| c.as_str().unwrap().to_owned()),
            )
        })
        .collect()
}

#[test]
fn a_small_file_gives_each_lines_verdict_in_order_with_its_number() {
    let env = Env::new();
    env.setup();
    let valid = env.issue(CERT_JSON);
    let revoked = env.issue(&CERT_JSON.replace("2025-000123", "2025-000666"));
    let other = env.issue(&CERT_JSON.replace("2025-000123", "2025-000124").replace("Léa", "Zoé"));
    env.ok(&["trust", "revoke", "--list", "list.json", "--serial", "2025-000666"]);
    env.sign();
    let mut tampered: Vec<char> = valid.chars().collect();
    let at = tampered.len() - 10;
    tampered[at] = if tampered[at] == 'A' { 'B' } else { 'A' };
    let tampered: String = tampered.into_iter().collect();

    let mut file = Vec::new();
    file.extend(format!("{valid}\n").bytes()); // 1
    file.extend(b"\n"); // 2: blank, skipped
    file.extend(format!("https://verifier.example/#{other}\r\n").bytes()); // 3
    file.extend(format!("{revoked}\n").bytes()); // 4
    file.extend(format!("{tampered}\n").bytes()); // 5
    file.extend(b"not a certificate\n"); // 6
    file.extend(b"CC1:\xff\xfe\n"); // 7: not UTF-8
    file.extend(b"   \t\n"); // 8: blank, skipped
    file.extend(std::iter::repeat_n(b'A', 20_000)); // 9: far too long
    file.extend(b"\nCC2:AAAA\n"); // 10
    file.extend(valid.bytes()); // 11: no final newline
    std::fs::write(env.path("texts.txt"), &file).unwrap();

    let out = batch(&env, "texts.txt", &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let reports = json_lines(&stdout(&out));
    let got = summary(&reports);
    let want: Vec<(u64, &str, Option<&str>)> = vec![
        (1, "valid", None),
        (3, "valid", None),
        (4, "revoked", None),
        (5, "invalid-signature", None),
        (6, "malformed", Some("prefix")),
        (7, "malformed", Some("base64")),
        (9, "malformed", Some("text-too-large")),
        (10, "unsupported-version", None),
        (11, "valid", None),
    ];
    let want: Vec<(u64, String, Option<String>)> =
        want.into_iter().map(|(l, s, c)| (l, s.to_owned(), c.map(str::to_owned))).collect();
    assert_eq!(got, want);
    // Each line is `line` first, then the report as `--json` gives it.
    assert!(stdout(&out).lines().all(|l| l.starts_with("{\"line\":")));
    assert_eq!(reports[1]["certificate"]["given_names"], "Zoé");
    assert_eq!(reports[0]["certificate"]["birth_date"], "2013-04-12");
    assert!(reports[3].get("certificate").is_none());
    let err = stderr(&out);
    assert!(
        err.contains("9") && err.contains("valid 3") && err.contains("malformed 3") && err.contains("revoked 1"),
        "{err}"
    );

    // The same through standard input, with one thread.
    let args =
        ["verify", "--trust", "signed.json", "--root", "root.pub", "--at", DURING_YEAR, "--batch", "-", "--jobs", "1"];
    let out = env.run_with_stdin(&args, &String::from_utf8_lossy(&file));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        summary(&json_lines(&stdout(&out))).iter().map(|r| r.0).collect::<Vec<_>>(),
        [1, 3, 4, 5, 6, 7, 9, 10, 11]
    );

    // A profile applies to every line.
    let out = batch(&env, "texts.txt", &["--profile", "transport"]);
    for report in json_lines(&stdout(&out)) {
        assert_eq!(report["profile"], "transport");
        if let Some(cert) = report.get("certificate") {
            let mut keys: Vec<&str> = cert.as_object().unwrap().keys().map(String::as_str).collect();
            keys.sort_unstable();
            assert_eq!(keys, ["family_name", "given_names", "kind", "school_year", "valid_from", "valid_until"]);
        }
    }
}

#[test]
fn exit_codes_all_valid_empty_missing_and_misused() {
    let env = Env::new();
    env.setup();
    let valid = env.issue(CERT_JSON);
    env.write("good.txt", &format!("{valid}\n{valid}\n"));
    let out = batch(&env, "good.txt", &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json_lines(&stdout(&out)).len(), 2);

    env.write("empty.txt", "\n \n");
    let out = batch(&env, "empty.txt", &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("[no-input]"), "{}", stderr(&out));

    let out = batch(&env, "missing.txt", &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("[file-read]"), "{}", stderr(&out));

    let out = batch(&env, "good.txt", &["--profile", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("[unknown-profile]"));

    // --batch and inputs do not mix.
    let out = batch(&env, "good.txt", &[&valid]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).is_empty());

    // A refused trust list: every line says so, exit 1.
    env.ok(&["keygen", "--out", "other"]);
    let out = env.run(&["verify", "--trust", "signed.json", "--root", "other.pub", "--batch", "good.txt"]);
    assert_eq!(out.status.code(), Some(1));
    let reports = json_lines(&stdout(&out));
    assert_eq!(reports.len(), 2);
    assert!(reports.iter().all(|r| r["status"] == "trust-list-invalid"));
}

#[test]
fn order_and_line_numbers_hold_across_chunks_and_threads() {
    let env = Env::new();
    env.setup();
    let valid = env.issue(CERT_JSON);
    // 40,000 lines (more than two chunks): a valid text every 997th line, a
    // blank line every 1,009th, garbage (quickly malformed) elsewhere.
    let mut text = String::new();
    let mut expected = Vec::new();
    for line in 1..=40_000u64 {
        if line % 1009 == 0 {
            text.push('\n');
            continue;
        }
        if line % 997 == 0 {
            text.push_str(&valid);
            expected.push((line, "valid"));
        } else {
            text.push_str(&format!("CC1:garbage-{line}"));
            expected.push((line, "malformed"));
        }
        text.push('\n');
    }
    env.write("many.txt", &text);
    for jobs in ["1", "2"] {
        let out = batch(&env, "many.txt", &["--jobs", jobs]);
        assert_eq!(out.status.code(), Some(1));
        let got: Vec<(u64, String)> = stdout(&out)
            .lines()
            .map(|l| {
                let v: Value = serde_json::from_str(l).unwrap();
                (v["line"].as_u64().unwrap(), v["status"].as_str().unwrap().to_owned())
            })
            .collect();
        assert_eq!(got.len(), expected.len(), "--jobs {jobs}");
        for ((line, status), (want_line, want_status)) in got.iter().zip(&expected) {
            assert_eq!((line, status.as_str()), (want_line, *want_status), "--jobs {jobs}");
        }
    }
}
