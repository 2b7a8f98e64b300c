//! Delegated status signing (issue 11): `trust status-key`, `trust status
//! full|delta`, `cachet verify --status`, and `trust compromise`.
//!
//! Status documents are dated by the real clock (48 hours by default), so
//! the certificates here are issued today, in the current school year, and
//! verified now.

mod common;

use cachet::time::Date;
use common::*;
use serde_json::Value;

/// The school year that holds today (in Paris), as `2026-2027`.
fn school_year_now() -> (String, String) {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let today = Date::in_paris_at(secs).unwrap();
    let start = if today.month() >= 9 { today.year() } else { today.year() - 1 };
    (format!("{start}-{}", start + 1), today.to_string())
}

fn cert_now(serial: &str) -> String {
    let (year, today) = school_year_now();
    CERT_JSON.replace("2025-2026", &year).replace("2025-09-15", &today).replace("2025-000123", serial)
}

/// Keys, a list whose issuer has a status capacity and which names a status
/// key, signed.
fn setup(env: &Env) -> String {
    env.setup_with(&["--status-capacity", "1000"]);
    env.ok(&["keygen", "--out", "status"]);
    let out = env.ok(&["--lang", "en", "trust", "status-key", "--list", "list.json", "--key", "status.pub"]);
    assert!(out.contains("Status key"), "{out}");
    env.sign();
    cachet::keys::PublicKey::from_text(&env.read("issuer.pub")).unwrap().key_id().to_string()
}

/// Issues one certificate with a status claim; gives its token and index.
fn issue(env: &Env, key_id: &str, serial: &str) -> (String, u32) {
    env.write("cert.json", &cert_now(serial));
    let out = env.run(&["issue", "--key", "issuer", "--input", "cert.json", "--trust-list", "signed.json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let told = stderr(&out);
    let at = told.find(&format!("{key_id}:")).unwrap_or_else(|| panic!("{told}"));
    let index = told[at + 17..].split(|c: char| !c.is_ascii_digit()).next().unwrap().parse().unwrap();
    (stdout(&out).trim().to_owned(), index)
}

/// `cachet verify --json` now, with the state file of the folder and these status documents.
fn verify(env: &Env, status: &[&str], texts: &[&str]) -> (Vec<Value>, String) {
    let mut args = vec!["verify", "--trust", "signed.json", "--root", "root.pub", "--state", "state.json", "--json"];
    for s in status {
        args.extend(["--status", s]);
    }
    args.extend(texts);
    let out = env.run(&args);
    (json_lines(&stdout(&out)), stderr(&out))
}

fn code(report: &Value, check: &str) -> Value {
    report["checks"].as_array().unwrap().iter().find(|c| c["check"] == check).unwrap()["code"].clone()
}

#[test]
fn revocations_reach_verifiers_in_status_documents_without_the_root() {
    let env = Env::new();
    let key_id = setup(&env);
    let (a, ia) = issue(&env, &key_id, "S-A");
    let (b, ib) = issue(&env, &key_id, "S-B");
    let (c, ic) = issue(&env, &key_id, "S-C");

    // Day 0: a full document, nothing revoked yet.
    let full = env.ok(&[
        "--lang",
        "en",
        "trust",
        "status",
        "full",
        "--list",
        "list.json",
        "--key",
        "status",
        "--out",
        "full.json",
    ]);
    assert!(full.contains("Full status document no. 1"), "{full}");
    let (reports, _) = verify(&env, &["full.json"], &[&a, &b]);
    assert!(reports.iter().all(|r| r["status"] == "valid"), "{reports:?}");

    // Day 1: two revocations, published as a delta; the root does not sign.
    env.ok(&["trust", "revoke", "--list", "list.json", "--key-id", &key_id, "--index", &ia.to_string()]);
    env.ok(&["trust", "revoke", "--list", "list.json", "--key-id", &key_id, "--index", &ib.to_string()]);
    let delta = env.ok(&[
        "--lang",
        "en",
        "trust",
        "status",
        "delta",
        "--list",
        "list.json",
        "--key",
        "status",
        "--out",
        "d2.json",
    ]);
    assert!(delta.contains("no. 2 (on no. 1): 2 changes"), "{delta}");
    // Day 2: one withdrawn.
    env.ok(&["trust", "unrevoke", "--list", "list.json", "--key-id", &key_id, "--index", &ib.to_string()]);
    env.ok(&["trust", "status", "delta", "--list", "list.json", "--key", "status", "--out", "d3.json"]);
    let journal = env.read("list.json.log");
    assert!(journal.contains("\"action\":\"status-delta\"") && journal.contains("\"status_sequence\":3"), "{journal}");

    // Given in any order, the full document and the deltas that follow it.
    let (reports, told) = verify(&env, &["d3.json", "full.json", "d2.json"], &[&a, &b, &c]);
    let statuses: Vec<&str> = reports.iter().map(|r| r["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["revoked", "valid", "valid"], "{told}");
    assert_eq!(code(&reports[0], "revocation"), "status-revoked");
    let _ = ic;
    let state: Value = serde_json::from_str(&env.read("state.json")).unwrap();
    let root_id = cachet::keys::PublicKey::from_text(&env.read("root.pub")).unwrap().key_id().to_string();
    assert_eq!(state["highest_status_sequence"][&root_id], 3, "{state}");

    // Rollback: the full document and the first delta alone end at 2 < 3.
    let (reports, told) = verify(&env, &["full.json", "d2.json"], &[&a]);
    assert_eq!(reports[0]["status"], "trust-list-invalid", "{told}");
    assert_eq!(code(&reports[0], "trust-list"), "status-rollback");
    assert!(told.contains("[status-rollback]"), "{told}");
    // A delta without the document it applies to.
    let (reports, _) = verify(&env, &["d3.json"], &[&a]);
    assert_eq!(code(&reports[0], "trust-list"), "status-wrong-base");
    // Without documents: the list alone, said on stderr.
    let (reports, told) = verify(&env, &[], &[&a]);
    assert_eq!(reports[0]["status"], "valid");
    assert!(told.contains("[status-not-given]"), "{told}");

    // A new full document carries the whole state.
    env.ok(&["trust", "status", "full", "--list", "list.json", "--key", "status", "--out", "full4.json"]);
    let (reports, _) = verify(&env, &["full4.json"], &[&a, &b]);
    assert_eq!((reports[0]["status"].as_str(), reports[1]["status"].as_str()), (Some("revoked"), Some("valid")));
}

#[test]
fn only_the_named_status_key_signs_status_documents() {
    let env = Env::new();
    let key_id = setup(&env);
    let (a, _) = issue(&env, &key_id, "S-A");
    // The issuer's key is not the status key: the CLI refuses, and a verifier too.
    let out = env.run(&["trust", "status", "full", "--list", "list.json", "--key", "issuer", "--out", "x.json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("[status-key-not-listed]"), "{}", stderr(&out));
    let body = cachet::status_doc::StatusBody {
        kind: cachet::status_doc::Kind::Full,
        sequence: 9,
        base: None,
        scope: None,
        issued_at: "2020-01-01T00:00:00Z".into(),
        expires: "2999-01-01T00:00:00Z".into(),
        keys: vec![],
    };
    let issuer = cachet::keys::SecretKey::from_text(&env.read("issuer")).unwrap();
    env.write("forged.json", &cachet::status_doc::sign_status(&issuer, &body));
    let (reports, _) = verify(&env, &["forged.json"], &[&a]);
    assert_eq!(code(&reports[0], "trust-list"), "status-wrong-key");
    // A delta before any full document.
    let out = env.run(&["trust", "status", "delta", "--list", "list.json", "--key", "status", "--out", "d.json"]);
    assert!(stderr(&out).contains("[status-no-full-yet]"), "{}", stderr(&out));
    // A list without a status key takes no status document.
    let plain = Env::new();
    plain.setup_with(&["--status-capacity", "1000"]);
    plain.ok(&["keygen", "--out", "status"]);
    let out = plain.run(&["trust", "status", "full", "--list", "list.json", "--key", "status", "--out", "x.json"]);
    assert!(stderr(&out).contains("[status-key-none]"), "{}", stderr(&out));
}

#[test]
fn a_compromised_key_keeps_only_what_it_legitimately_signed() {
    let env = Env::new();
    env.setup();
    let (year, today) = school_year_now();
    let header = "serial,family_name,given_names,birth_date,school_uai,school_name,school_town,academie,school_year,level,issued_on";
    let mut csv = format!("{header}\n");
    for i in 0..20 {
        csv.push_str(&format!(
            "C-{i},Martin,Léa,2013-04-12,0750654D,Collège Victor Hugo,Paris,Paris,{year},6e,{today}\n"
        ));
    }
    env.write("pupils.csv", &csv);
    env.ok(&["issue", "--key", "issuer", "--csv", "pupils.csv", "--out", "batch.jsonl"]);
    let honest: Vec<String> = env
        .read("batch.jsonl")
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["token"].as_str().unwrap().to_owned())
        .collect();
    // One more, kept in a file of tokens.
    env.write("cert.json", &cert_now("C-single"));
    let single = env.ok(&["issue", "--key", "issuer", "--input", "cert.json"]).trim().to_owned();
    env.write("single.txt", &format!("# by hand\n{single}\n"));
    // What the thief signs after the theft.
    env.write("cert.json", &cert_now("FORGED-1"));
    let forged = env.ok(&["issue", "--key", "issuer", "--input", "cert.json"]).trim().to_owned();

    // A line that is not a certificate of this key refuses the whole file.
    env.ok(&["keygen", "--out", "other"]);
    let other = env.ok(&["issue", "--key", "other", "--input", "cert.json"]).trim().to_owned();
    env.write("mixed.txt", &format!("{single}\n{other}\n"));
    let args = ["trust", "compromise", "--list", "list.json", "--key", "issuer.pub", "--reason", "stolen laptop"];
    let out = env.run(&[&args[..], &["--allow", "mixed.txt"]].concat());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("[allow-line-invalid]"), "{}", stderr(&out));

    let told = env.ok(&[&["--lang", "en"][..], &args, &["--allow", "batch.jsonl", "--allow", "single.txt"]].concat());
    assert!(told.contains("21 certificates stay valid") && told.contains("can leave the list after"), "{told}");
    let journal = env.read("list.json.log");
    assert!(journal.contains("\"action\":\"compromise\"") && journal.contains("stolen laptop"), "{journal}");
    env.sign();
    let mut texts: Vec<&str> = honest.iter().map(String::as_str).collect();
    texts.push(&single);
    texts.push(&forged);
    let (reports, told) = verify(&env, &[], &texts);
    assert_eq!(reports.len(), 22, "{told}");
    for r in &reports[..21] {
        assert_eq!(r["status"], "valid", "{r}");
    }
    assert_eq!(reports[21]["status"], "revoked");
    assert_eq!(code(&reports[21], "revocation"), "issuer-key-compromised");
}

/// The published folder: `index.json` names the full document of the last
/// publication and the deltas kept, each on the one before; a device that
/// holds any of them catches up with the deltas alone.
#[test]
fn publish_writes_a_folder_a_verifier_follows_by_its_index() {
    let env = Env::new();
    let key_id = setup(&env);
    let (a, ia) = issue(&env, &key_id, "S-A");
    let (b, ib) = issue(&env, &key_id, "S-B");
    let publish = |keep: &str| {
        env.ok(&[
            "--lang",
            "en",
            "trust",
            "status",
            "publish",
            "--list",
            "list.json",
            "--key",
            "status",
            "--dir",
            "published",
            "--keep",
            keep,
        ])
    };
    let index = || -> Value { serde_json::from_str(&env.read("published/index.json")).unwrap() };
    let files = || -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(env.path("published"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };

    // The first publication: a full document only.
    let out = publish("2");
    assert!(out.contains("Full status document no. 1"), "{out}");
    assert_eq!(index()["sequence"], 1);
    assert_eq!(index()["full"], "full-1.json");
    assert_eq!(index()["deltas"].as_array().unwrap().len(), 0);

    // Each later one: the day's delta and a full document of the same state, at one new sequence.
    env.ok(&["trust", "revoke", "--list", "list.json", "--key-id", &key_id, "--index", &ia.to_string()]);
    let out = publish("2");
    assert!(
        out.contains("Status delta no. 2 (on no. 1): 1 changes") && out.contains("Full status document no. 2"),
        "{out}"
    );
    env.ok(&["trust", "revoke", "--list", "list.json", "--key-id", &key_id, "--index", &ib.to_string()]);
    publish("2");
    let held = env.read("published/full-3.json"); // what a device fetched on day 3
    env.write("held-full-3.json", &held);
    publish("2");
    let i = index();
    assert_eq!(i["sequence"], 4);
    assert_eq!(i["full"], "full-4.json");
    let deltas: Vec<(u64, u64)> = i["deltas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["sequence"].as_u64().unwrap(), d["base"].as_u64().unwrap()))
        .collect();
    assert_eq!(deltas, [(3, 2), (4, 3)], "only --keep 2 deltas are kept");
    // What the index no longer names is removed; nothing else.
    env.write("published/README.txt", "the operator's own file");
    // A compressed index left beside the real one (by hand or a script) would be sent in its place: removed.
    env.write("published/index.json.gz", "an older index");
    publish("2");
    let scoped = format!("full-5-{key_id}.json");
    let scoped_gz = format!("{scoped}.gz");
    assert_eq!(
        files(),
        [
            "README.txt",
            "delta-4.json",
            "delta-4.json.gz",
            "delta-5.json",
            "delta-5.json.gz",
            &scoped,
            &scoped_gz,
            "full-5.json",
            "full-5.json.gz",
            "index.json"
        ]
    );
    // Each document's .gz (what nginx and Caddy send to a browser that accepts gzip) is the document.
    for name in ["delta-4.json", "delta-5.json", &scoped, "full-5.json"] {
        let packed = std::fs::read(env.path(&format!("published/{name}.gz"))).unwrap();
        let mut plain = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&packed[..]), &mut plain).unwrap();
        assert_eq!(plain, env.read(&format!("published/{name}")), "{name}.gz");
    }
    assert_eq!(index()["per_key"], "full-5-{key_id}.json");

    // A device that held the full document of no. 3 catches up with the deltas 4 and 5 (its state:
    // sequence 5); a new device takes full-5.json alone. Both see the two revocations.
    let (reports, told) =
        verify(&env, &["held-full-3.json", "published/delta-4.json", "published/delta-5.json"], &[&a, &b]);
    assert!(reports.iter().all(|r| r["status"] == "revoked"), "{told} {reports:?}");
    let state: Value = serde_json::from_str(&env.read("state.json")).unwrap();
    assert!(state["highest_status_sequence"].as_object().unwrap().values().all(|v| v == 5), "{state}");
    let (reports, told) = verify(&env, &["published/full-5.json"], &[&a, &b]);
    assert!(reports.iter().all(|r| r["status"] == "revoked"), "{told} {reports:?}");
    // A first visit's document: the same state for the one key, scoped to it.
    let one = env.read(&format!("published/{scoped}"));
    assert!(one.contains(&format!("\"scope\":\"{key_id}\"")), "{one}");
    let (reports, told) = verify(&env, &[&format!("published/{scoped}")], &[&a, &b]);
    assert!(reports.iter().all(|r| r["status"] == "revoked"), "{told} {reports:?}");

    // A mistaken call is refused with its code and publishes nothing.
    let out = env.run(&["trust", "status", "publish", "--list", "list.json", "--key", "status", "--out", "x.json"]);
    assert!(!out.status.success());
    assert!(!env.path("x.json").exists());
    env.write("published/index.json", "{\"format\":\"other\"}");
    let out = env.run(&[
        "--lang",
        "en",
        "trust",
        "status",
        "publish",
        "--list",
        "list.json",
        "--key",
        "status",
        "--dir",
        "published",
    ]);
    assert!(
        !out.status.success() && stderr(&out).contains("is not the index of a published status folder"),
        "{}",
        stderr(&out)
    );
}
