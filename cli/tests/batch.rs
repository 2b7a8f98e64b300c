//! `cachet issue --csv`: good rows out, bad rows to the errors file, and
//! resuming after an interruption.

mod common;

use common::*;
use serde_json::Value;

const HEADER: &str = "serial,family_name,given_names,birth_date,school_uai,school_name,school_town,academie,school_year,level,regime,issued_on";

fn row(serial: &str, family: &str, birth: &str, uai: &str, level: &str) -> String {
    format!("{serial},{family},Léa,{birth},{uai},Collège Victor Hugo,Paris,Paris,2025-2026,{level},externe,2025-09-15")
}

/// A CSV mixing good and bad rows, and the line numbers of each kind.
fn mixed_csv() -> (Vec<u8>, Vec<u64>, Vec<u64>) {
    let mut csv = format!("{HEADER}\n").into_bytes();
    let (mut good, mut bad) = (Vec::new(), Vec::new());
    let mut line = 2;
    let mut push = |csv: &mut Vec<u8>, text: &[u8], ok: bool, lines: u64| {
        csv.extend_from_slice(text);
        csv.push(b'\n');
        if ok {
            good.push(line)
        } else {
            bad.push(line)
        }
        line += lines;
    };
    push(&mut csv, row("S-1", "Martin", "2013-04-12", "0750654D", "6e").as_bytes(), true, 1);
    // No serial: one is derived.
    push(&mut csv, row("", "Bernard", "2012-01-30", "0750654D", "5e").as_bytes(), true, 1);
    push(&mut csv, row("S-3", "Petit", "2013-02-30", "0750654D", "6e").as_bytes(), false, 1);
    // A quoted field over two lines: the next row starts two lines further.
    let two_lines =
        row("S-4", "Durand", "2013-05-01", "0750654D", "6e").replace("Collège Victor Hugo", "\"Collège\nVictor Hugo\"");
    push(&mut csv, two_lines.as_bytes(), true, 2);
    push(&mut csv, "S-5,Leroy,Léa,2013-04-12".as_bytes(), false, 1);
    // The serial of line 2 again: the first row keeps it.
    push(&mut csv, row("S-1", "Moreau", "2013-04-12", "0750654D", "6e").as_bytes(), false, 1);
    // Two problems in one row.
    push(&mut csv, row("S-7", "Simon", "2013-04-12", "0750654A", "7e").as_bytes(), false, 1);
    for i in 8..40 {
        let ok = i % 7 != 0;
        let uai = if ok { "0750654D" } else { "1234567X" };
        push(&mut csv, row(&format!("S-{i}"), "Laurent", "2013-04-12", uai, "4e").as_bytes(), ok, 1);
    }
    (csv, good, bad)
}

fn lines_of(values: &[Value]) -> Vec<u64> {
    values.iter().map(|v| v["line"].as_u64().unwrap()).collect()
}

#[test]
fn good_rows_are_signed_in_order_and_every_bad_row_is_reported() {
    let env = Env::new();
    env.setup();
    let (csv, good, bad) = mixed_csv();
    std::fs::write(env.path("pupils.csv"), &csv).unwrap();
    let out = env.run(&["issue", "--key", "issuer", "--csv", "pupils.csv", "--out", "out.jsonl"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let summary = stderr(&out);
    assert!(summary.contains(&format!("{} certificat(s) signé(s), {} ligne(s) refusée(s)", good.len(), bad.len())));

    let signed = json_lines(&env.read("out.jsonl"));
    assert_eq!(lines_of(&signed), good);
    let errors = json_lines(&env.read("out.jsonl.errors.jsonl"));
    assert_eq!(lines_of(&errors), bad);

    let by_line = |line: u64| errors.iter().find(|e| e["line"] == line).unwrap()["errors"].as_array().unwrap().clone();
    let problems = |line| by_line(line).iter().map(|p| (p["field"].clone(), p["code"].clone())).collect::<Vec<_>>();
    assert_eq!(problems(4), [("birth_date".into(), "invalid-date".into())]);
    assert_eq!(problems(7), [(Value::Null, "csv-row-length".into())]);
    assert_eq!(problems(8), [("serial".into(), "serial-duplicate".into())]);
    assert!(by_line(8)[0]["message"].as_str().unwrap().contains("ligne 2"));
    assert_eq!(problems(9), [("school_uai".into(), "invalid-uai".into()), ("level".into(), "unknown-level".into())]);
    assert!(by_line(4)[0]["message"].as_str().unwrap().contains("date invalide"));

    assert_eq!(signed[0]["serial"], "S-1");
    let derived = signed[1]["serial"].as_str().unwrap();
    assert_eq!(derived.len(), 12, "{derived}");
    assert!(signed.iter().all(|s| s.get("url").is_none()));

    // Every token verifies.
    let tokens: String = signed.iter().map(|s| format!("{}\n", s["token"].as_str().unwrap())).collect();
    let args = ["verify", "--trust", "signed.json", "--root", "root.pub", "--json", "--at", DURING_YEAR, "-"];
    let verified = env.run_with_stdin(&args, &tokens);
    assert_eq!(verified.status.code(), Some(0), "{}", stdout(&verified));
    let reports = json_lines(&stdout(&verified));
    assert_eq!(reports.len(), good.len());
    assert_eq!(reports[2]["certificate"]["school_name"], "Collège Victor Hugo");
}

#[test]
fn a_rerun_resumes_and_gives_the_same_files_as_a_clean_run() {
    let env = Env::new();
    env.ok(&["keygen", "--out", "issuer"]);
    let (csv, _, _) = mixed_csv();
    std::fs::write(env.path("pupils.csv"), &csv).unwrap();
    let clean = env.run(&["issue", "--key", "issuer", "--csv", "pupils.csv", "--out", "clean.jsonl"]);
    assert_eq!(clean.status.code(), Some(1));
    let clean_out = std::fs::read(env.path("clean.jsonl")).unwrap();
    let clean_err = std::fs::read(env.path("clean.jsonl.errors.jsonl")).unwrap();

    // Interrupted anywhere: OUT cut mid-line, the errors file whole or cut, or both cut.
    let half = |b: &[u8]| b[..b.len() / 2 + 3].to_vec();
    for (out, err) in [
        (half(&clean_out), clean_err.clone()),
        (clean_out.clone(), half(&clean_err)),
        (half(&clean_out), half(&clean_err)),
        (half(&clean_out), Vec::new()),
    ] {
        std::fs::write(env.path("out.jsonl"), &out).unwrap();
        // What the batch was begun with (input digest, key, options).
        std::fs::copy(env.path("clean.jsonl.batch.json"), env.path("out.jsonl.batch.json")).unwrap();
        std::fs::write(env.path("errors.jsonl"), &err).unwrap();
        let args =
            ["issue", "--key", "issuer", "--csv", "pupils.csv", "--out", "out.jsonl", "--errors", "errors.jsonl"];
        let rerun = env.run(&args);
        assert_eq!(rerun.status.code(), Some(1), "{}", stderr(&rerun));
        assert!(stderr(&rerun).contains("Reprise après la ligne"), "{}", stderr(&rerun));
        assert!(std::fs::read(env.path("out.jsonl")).unwrap() == clean_out, "OUT differs from a clean run's");
        assert!(std::fs::read(env.path("errors.jsonl")).unwrap() == clean_err, "errors differ from a clean run's");

        // Run again once complete: nothing to add.
        let again = env.run(&args);
        assert_eq!(again.status.code(), Some(1));
        assert!(stderr(&again).contains("0 certificat(s) signé(s), 0 ligne(s) refusée(s)"), "{}", stderr(&again));
        assert!(std::fs::read(env.path("out.jsonl")).unwrap() == clean_out);
    }
}

#[test]
fn all_good_rows_exit_zero_with_semicolons_a_bom_and_urls() {
    let env = Env::new();
    env.ok(&["keygen", "--out", "issuer"]);
    let mut csv = format!("\u{feff}{}\n", HEADER.replace(',', ";"));
    for i in 0..20 {
        csv.push_str(&row(&format!("B-{i}"), "Martin", "2013-04-12", "0750654D", "CM2").replace(',', ";"));
        csv.push('\n');
    }
    env.write("pupils.csv", &csv);
    let base = ["issue", "--key", "issuer", "--csv", "pupils.csv", "--url", "https://v.example/"];
    let one = env.run(&[&base[..], &["--out", "one.jsonl", "--jobs", "1"]].concat());
    assert_eq!(one.status.code(), Some(0), "{}", stderr(&one));
    assert!(!env.path("one.jsonl.errors.jsonl").exists());
    let lines = json_lines(&env.read("one.jsonl"));
    assert_eq!(lines_of(&lines), (2..22).collect::<Vec<u64>>());
    for l in &lines {
        assert_eq!(l["url"].as_str().unwrap(), format!("https://v.example/#{}", l["token"].as_str().unwrap()));
    }
    env.ok(&[&base[..], &["--out", "two.jsonl", "--jobs", "2"]].concat());
    assert_eq!(env.read("one.jsonl"), env.read("two.jsonl"));
}

#[test]
fn a_bad_header_is_refused_before_any_row() {
    let env = Env::new();
    env.ok(&["keygen", "--out", "issuer"]);
    let good_row = row("S", "Martin", "2013-04-12", "0750654D", "6e");
    for (header, code) in [
        // `classe` is a French name of `level`: twice.
        (format!("{HEADER},classe"), "[csv-duplicate-column]"),
        (HEADER.replace("birth_date,", ""), "[csv-missing-column]"),
        (HEADER.replace("regime", "serial"), "[csv-duplicate-column]"),
    ] {
        env.write("pupils.csv", &format!("{header}\n{good_row}\n"));
        let out = env.run(&["issue", "--key", "issuer", "--csv", "pupils.csv", "--out", "out.jsonl"]);
        assert_eq!(out.status.code(), Some(2), "{header}");
        assert!(stderr(&out).contains(code), "{header}: {}", stderr(&out));
        assert!(!env.path("out.jsonl").exists());
    }
    env.write("empty.csv", "");
    let out = env.run(&["issue", "--key", "issuer", "--csv", "empty.csv", "--out", "out.jsonl"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("[csv-empty]"));
    // --out is required with --csv.
    let out = env.run(&["issue", "--key", "issuer", "--csv", "pupils.csv"]);
    assert_eq!(out.status.code(), Some(2));
}
