//! Status indices at issuance: `cachet issue --status`, single and batch
//! (ordinals kept beside the key, a batch's block recorded beside its
//! output, resumed to the same certificates), revoked by index.

mod common;

use common::*;
use serde_json::Value;
use std::collections::BTreeSet;

const HEADER: &str =
    "serial,family_name,given_names,birth_date,school_uai,school_name,school_town,academie,school_year,level,issued_on";

/// `count` rows, every seventh with an impossible birth date.
fn csv(count: usize) -> String {
    let mut csv = format!("{HEADER}\n");
    for i in 0..count {
        let birth = if i % 7 == 3 { "2013-02-30" } else { "2013-04-12" };
        csv.push_str(&format!(
            "S-{i},Martin,Léa,{birth},0750654D,Collège Victor Hugo,Paris,Paris,2025-2026,6e,2025-09-15\n"
        ));
    }
    csv
}

/// Keys, and a list whose entry for the issuer has a status capacity of 1000.
fn setup(env: &Env) -> String {
    env.setup_with(&["--status-capacity", "1000"]);
    cachet::keys::PublicKey::from_text(&env.read("issuer.pub")).unwrap().key_id().to_string()
}

/// `cachet verify --json` of one text, with a state file in the folder.
fn verify(env: &Env, text: &str) -> Value {
    let args = [
        "verify",
        "--trust",
        "signed.json",
        "--root",
        "root.pub",
        "--state",
        "state.json",
        "--json",
        "--at",
        DURING_YEAR,
    ];
    let out = env.run(&[&args[..], &[text]].concat());
    json_lines(&stdout(&out)).remove(0)
}

fn ordinals(env: &Env) -> Value {
    serde_json::from_str(&env.read("issuer.status.json")).unwrap()
}

#[test]
fn a_certificate_takes_the_keys_next_index_and_is_revoked_by_it() {
    let env = Env::new();
    let key_id = setup(&env);
    env.write("cert.json", CERT_JSON);

    // The list says the key has a capacity: the claim is put.
    let mut indices = Vec::new();
    let mut tokens = Vec::new();
    for _ in 0..3 {
        let out = env.run(&[
            "--lang",
            "en",
            "issue",
            "--key",
            "issuer",
            "--input",
            "cert.json",
            "--trust-list",
            "signed.json",
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        let told = stderr(&out);
        let at = told.find(&format!("{key_id}:")).unwrap_or_else(|| panic!("{told}"));
        let index: u32 = told[at + 17..].split(|c: char| !c.is_ascii_digit()).next().unwrap().parse().unwrap();
        indices.push(index);
        tokens.push(stdout(&out).trim().to_owned());
    }
    assert_eq!(indices.iter().collect::<BTreeSet<_>>().len(), 3, "{indices:?}");
    assert!(indices.iter().all(|i| *i < 1000));
    assert_eq!(ordinals(&env)["next"], 3);
    assert_eq!(ordinals(&env)["capacity"], 1000);
    // The claim is in the certificate: the same fields without it give another token.
    let plain = env.issue(CERT_JSON);
    assert!(tokens.iter().all(|t| *t != plain) && tokens[0] != tokens[1]);
    assert_eq!(ordinals(&env)["next"], 3, "no claim, no ordinal");

    assert_eq!(verify(&env, &tokens[1])["status"], "valid");
    env.ok(&["trust", "revoke", "--list", "list.json", "--key-id", &key_id, "--index", &indices[1].to_string()]);
    env.sign();
    let report = verify(&env, &tokens[1]);
    assert_eq!(report["status"], "revoked", "{report}");
    assert!(report.to_string().contains("status-revoked"), "{report}");
    assert_eq!(verify(&env, &tokens[0])["status"], "valid");
    assert_eq!(verify(&env, &plain)["status"], "valid");

    // The capacity is fixed by the key's first claim; a bad uri is refused.
    let out = env.run(&["issue", "--key", "issuer", "--input", "cert.json", "--status-capacity", "2000"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("[status-capacity-fixed]"), "{}", stderr(&out));
    let out = env.run(&["issue", "--key", "issuer", "--input", "cert.json", "--status-uri", "no scheme"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("[status-uri-invalid]"), "{}", stderr(&out));
    // Refused fields take no ordinal.
    env.write("bad.json", &CERT_JSON.replace("2013-04-12", "2013-02-30"));
    let out = env.run(&["issue", "--key", "issuer", "--input", "bad.json", "--status"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(ordinals(&env)["next"], 3);
}

#[test]
fn a_key_whose_indices_run_out_is_refused() {
    let env = Env::new();
    env.ok(&["keygen", "--out", "issuer"]);
    env.write("cert.json", CERT_JSON);
    env.ok(&["issue", "--key", "issuer", "--input", "cert.json", "--status-capacity", "2"]);
    env.ok(&["issue", "--key", "issuer", "--input", "cert.json", "--status"]);
    let out = env.run(&["issue", "--key", "issuer", "--input", "cert.json", "--status"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("[status-index-space-exhausted]"), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
}

#[test]
fn a_batch_reserves_one_block_and_a_resumed_batch_gives_the_same_certificates() {
    let env = Env::new();
    let key_id = setup(&env);
    env.write("cert.json", CERT_JSON);
    env.ok(&["issue", "--key", "issuer", "--input", "cert.json", "--trust-list", "list.json"]);
    env.write("pupils.csv", &csv(40));
    let args = ["issue", "--key", "issuer", "--csv", "pupils.csv", "--out", "out.jsonl", "--trust-list", "signed.json"];

    let first = env.run(&args);
    assert_eq!(first.status.code(), Some(1), "{}", stderr(&first));
    let reservation: Value = serde_json::from_str(&env.read("out.jsonl.status.json")).unwrap();
    assert_eq!((reservation["first"].as_u64(), reservation["count"].as_u64()), (Some(1), Some(40)));
    assert_eq!(ordinals(&env)["next"], 41);
    let clean_out = env.read("out.jsonl");
    let clean_err = env.read("out.jsonl.errors.jsonl");
    let lines = json_lines(&clean_out);
    assert_eq!(lines.len(), 34);
    let indices: Vec<u32> = lines
        .iter()
        .map(|l| {
            let (kid, index) = l["status"].as_str().unwrap().split_once(':').unwrap();
            assert_eq!(kid, key_id);
            index.parse().unwrap()
        })
        .collect();
    assert_eq!(indices.iter().collect::<BTreeSet<_>>().len(), 34, "distinct");
    assert!(indices.windows(2).any(|w| w[0] > w[1]), "not in issuance order: {indices:?}");

    // Interrupted: OUT and the errors file cut mid-line. The rerun takes no
    // new block and writes what a clean run wrote.
    std::fs::write(env.path("out.jsonl"), &clean_out[..clean_out.len() / 2 + 5]).unwrap();
    std::fs::write(env.path("out.jsonl.errors.jsonl"), &clean_err[..clean_err.len() / 2]).unwrap();
    let rerun = env.run(&args);
    assert_eq!(rerun.status.code(), Some(1), "{}", stderr(&rerun));
    assert!(env.read("out.jsonl") == clean_out, "a resumed OUT differs from the clean run's");
    assert!(env.read("out.jsonl.errors.jsonl") == clean_err);
    assert_eq!(ordinals(&env)["next"], 41);

    // A resume must ask for what the batch began with.
    let out = env.run(&args[..args.len() - 2]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("[batch-status-without]"), "{}", stderr(&out));
    let out = env.run(&[&args[..], &["--status-uri", "https://example.fr/s"]].concat());
    assert!(stderr(&out).contains("[batch-status-other]"), "{}", stderr(&out));
    env.write("pupils.csv", &csv(41));
    let out = env.run(&args);
    assert!(stderr(&out).contains("[batch-status-changed]"), "{}", stderr(&out));
    // An OUT begun without claims is not continued with them.
    env.write("pupils.csv", &csv(40));
    env.run(&["issue", "--key", "issuer", "--csv", "pupils.csv", "--out", "plain.jsonl"]);
    std::fs::write(env.path("plain.jsonl"), &env.read("plain.jsonl")[..200]).unwrap();
    let out = env.run(&["issue", "--key", "issuer", "--csv", "pupils.csv", "--out", "plain.jsonl", "--status"]);
    assert!(stderr(&out).contains("[batch-status-begun]"), "{}", stderr(&out));
    // A capacity other than the list's would give indices that verifiers refuse.
    let out = env.run(&["issue", "--key", "issuer", "--input", "cert.json", "--status-capacity", "1048576"]);
    assert!(stderr(&out).contains("[status-capacity-fixed]"), "{}", stderr(&out));

    // Another batch: a new block, indices disjoint from the first.
    let out = env.run(&["issue", "--key", "issuer", "--csv", "pupils.csv", "--out", "second.jsonl", "--status"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(ordinals(&env)["next"], 81);
    let second: BTreeSet<String> =
        json_lines(&env.read("second.jsonl")).iter().map(|l| l["status"].as_str().unwrap().to_owned()).collect();
    let first: BTreeSet<String> = lines.iter().map(|l| l["status"].as_str().unwrap().to_owned()).collect();
    assert!(first.is_disjoint(&second));

    // The lines' "status" is what `trust revoke --from` reads.
    let revoked: Vec<&str> = lines.iter().take(5).map(|l| l["status"].as_str().unwrap()).collect();
    env.write("revoke.txt", &revoked.join("\n"));
    env.ok(&["trust", "revoke", "--list", "list.json", "--from", "revoke.txt"]);
    env.sign();
    for (n, line) in lines.iter().enumerate().take(7) {
        let want = if n < 5 { "revoked" } else { "valid" };
        assert_eq!(verify(&env, line["token"].as_str().unwrap())["status"], want, "row {n}");
    }
}

#[test]
fn issuances_at_once_never_share_an_index() {
    let env = Env::new();
    env.ok(&["keygen", "--out", "issuer"]);
    env.write("cert.json", CERT_JSON);
    let children: Vec<std::process::Child> = (0..60)
        .map(|_| {
            env.cachet()
                .args(["--lang", "en", "issue", "--key", "issuer", "--input", "cert.json", "--status-capacity", "5000"])
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut told = BTreeSet::new();
    let mut tokens = BTreeSet::new();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let line = stderr(&out).lines().find(|l| l.starts_with("Status index:")).unwrap().to_owned();
        told.insert(line);
        tokens.insert(stdout(&out));
    }
    assert_eq!(told.len(), 60, "each its own index");
    assert_eq!(tokens.len(), 60);
    assert_eq!(ordinals(&env)["next"], 60);
}
