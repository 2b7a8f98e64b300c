//! `cachet trust`: locks, links, bulk revocation, withdrawal and the journal,
//! with the real binary.

mod common;

use cachet::trust::{KeyStatus, TrustListBody};
use common::*;
use std::collections::BTreeSet;
use std::os::unix::fs::symlink;
use std::process::{Child, Stdio};

fn list_at(env: &Env, name: &str) -> TrustListBody {
    serde_json::from_str(&env.read(name)).unwrap()
}

/// The journal's lines, parsed.
fn journal(env: &Env, name: &str) -> Vec<serde_json::Value> {
    json_lines(&env.read(name))
}

/// Keys and a list with one issuer (sequence 1).
fn setup(env: &Env) {
    env.ok(&["keygen", "--out", "root"]);
    env.ok(&["keygen", "--out", "issuer"]);
    env.ok(&["trust", "add", "--list", "list.json", "--key", "issuer.pub", "--name", "Académie de Paris"]);
}

fn spawn(env: &Env, args: &[&str]) -> Child {
    env.cachet().args(args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap()
}

#[test]
fn two_hundred_revocations_at_once_are_all_kept_each_with_its_own_sequence() {
    let env = Env::new();
    setup(&env);
    let before = list_at(&env, "list.json").sequence;
    let serials: Vec<String> = (0..200).map(|i| format!("PAR-2025-{i:06}")).collect();
    // All at once: 200 processes race for the list.
    let children: Vec<Child> =
        serials.iter().map(|s| spawn(&env, &["trust", "revoke", "--list", "list.json", "--serial", s])).collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(stdout(&out).contains("PAR-2025-"), "{}", stdout(&out));
    }
    let body = list_at(&env, "list.json");
    let revoked: BTreeSet<&str> = body.revoked_serials.iter().map(String::as_str).collect();
    let wanted: BTreeSet<&str> = serials.iter().map(String::as_str).collect();
    let lost: Vec<&&str> = wanted.difference(&revoked).collect();
    assert!(lost.is_empty(), "{} of 200 revocations lost: {lost:?}", lost.len());
    assert_eq!(body.revoked_serials.len(), 200, "each once");
    assert_eq!(body.sequence, before + 200, "one sequence each");

    // The journal tells each one, each with its own sequence.
    let lines = journal(&env, "list.json.log");
    let revokes: Vec<&serde_json::Value> = lines.iter().filter(|l| l["action"] == "revoke").collect();
    assert_eq!(revokes.len(), 200);
    let sequences: BTreeSet<u64> = revokes.iter().map(|l| l["sequence"].as_u64().unwrap()).collect();
    assert_eq!(sequences, (before + 1..=before + 200).collect());
    let journaled: BTreeSet<&str> = revokes.iter().map(|l| l["serial"].as_str().unwrap()).collect();
    assert_eq!(journaled, wanted);
    assert!(revokes.iter().all(|l| l["time"].as_str().unwrap().ends_with('Z')));
    // No temporary file is left.
    let names: Vec<String> =
        std::fs::read_dir(env.dir.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    assert!(!names.iter().any(|n| n.contains(".tmp")), "{names:?}");
}

#[test]
fn concurrent_revoke_unrevoke_add_and_sign_lose_nothing() {
    let env = Env::new();
    setup(&env);
    env.ok(&["trust", "revoke", "--list", "list.json", "--serial", "OLD-1"]);
    for i in 0..6 {
        env.ok(&["keygen", "--out", &format!("k{i}")]);
    }
    let before = list_at(&env, "list.json").sequence;
    let mut children = Vec::new();
    for i in 0..40 {
        children.push(spawn(&env, &["trust", "revoke", "--list", "list.json", "--serial", &format!("S-{i}")]));
        if i < 6 {
            let (key, name) = (format!("k{i}.pub"), format!("Académie {i}"));
            children.push(spawn(&env, &["trust", "add", "--list", "list.json", "--key", &key, "--name", &name]));
        }
        if i == 10 {
            children.push(spawn(&env, &["trust", "unrevoke", "--list", "list.json", "--serial", "OLD-1"]));
        }
        if i % 10 == 5 {
            let out = format!("signed-{i}.json");
            children.push(spawn(&env, &["trust", "sign", "--list", "list.json", "--root", "root", "--out", &out]));
        }
    }
    let count = children.len() as u64;
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let body = list_at(&env, "list.json");
    assert_eq!(body.sequence, before + count);
    assert_eq!(body.issuers.len(), 7);
    assert_eq!(body.revoked_serials.len(), 40);
    assert!(!body.revoked_serials.iter().any(|s| s == "OLD-1"));
    let sequences: Vec<u64> = journal(&env, "list.json.log").iter().map(|l| l["sequence"].as_u64().unwrap()).collect();
    assert_eq!(sequences, (1..=before + count).collect::<Vec<_>>(), "the journal holds every sequence, in order");
}

#[test]
fn a_list_reached_through_a_link_is_changed_and_the_link_stays() {
    let env = Env::new();
    setup(&env);
    std::fs::create_dir(env.path("real")).unwrap();
    std::fs::rename(env.path("list.json"), env.path("real/list.json")).unwrap();
    std::fs::rename(env.path("list.json.log"), env.path("real/list.json.log")).unwrap();
    symlink("real/list.json", env.path("list.json")).unwrap();

    env.ok(&["trust", "revoke", "--list", "list.json", "--serial", "PAR-1"]);
    env.ok(&["keygen", "--out", "other"]);
    env.ok(&["trust", "add", "--list", "list.json", "--key", "other.pub", "--name", "Académie de Lyon"]);
    env.ok(&["trust", "sign", "--list", "list.json", "--root", "root", "--out", "signed.json"]);

    assert!(std::fs::symlink_metadata(env.path("list.json")).unwrap().file_type().is_symlink());
    let body = list_at(&env, "real/list.json");
    assert_eq!(body.revoked_serials, ["PAR-1"]);
    assert_eq!(body.issuers.len(), 2);
    assert_eq!(body.sequence, 4);
    // The journal and the lock are beside the real list.
    assert_eq!(journal(&env, "real/list.json.log").len(), 4);
    assert!(env.path("real/list.json.lock").exists());
    assert!(!env.path("list.json.log").exists());

    // The signed output through a link: the link stays, its target is written.
    std::fs::write(env.path("real/published.json"), "").unwrap();
    symlink("real/published.json", env.path("published.json")).unwrap();
    env.ok(&["trust", "sign", "--list", "list.json", "--root", "root", "--out", "published.json"]);
    assert!(std::fs::symlink_metadata(env.path("published.json")).unwrap().file_type().is_symlink());
    assert!(env.read("real/published.json").contains("\"signature\""));
}

#[test]
fn a_dangling_link_is_refused_never_created() {
    let env = Env::new();
    env.ok(&["keygen", "--out", "root"]);
    env.ok(&["keygen", "--out", "issuer"]);
    symlink("gone/list.json", env.path("list.json")).unwrap();
    std::fs::create_dir(env.path("gone")).unwrap();
    for args in [
        vec!["trust", "add", "--list", "list.json", "--key", "issuer.pub", "--name", "Académie de Paris"],
        vec!["trust", "revoke", "--list", "list.json", "--serial", "PAR-1"],
        vec!["trust", "unrevoke", "--list", "list.json", "--serial", "PAR-1"],
        vec!["trust", "sign", "--list", "list.json", "--root", "root", "--out", "signed.json"],
    ] {
        let out = env.run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains("[symlink-dangling]"), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("gone/list.json"), "{}", stderr(&out));
    }
    assert_eq!(std::fs::read_dir(env.path("gone")).unwrap().count(), 0, "nothing created where the link points");
    assert!(std::fs::symlink_metadata(env.path("list.json")).unwrap().file_type().is_symlink());

    // Signing to a dangling link is refused before the list changes.
    env.ok(&["trust", "add", "--list", "real.json", "--key", "issuer.pub", "--name", "Académie de Paris"]);
    symlink("gone/signed.json", env.path("signed.json")).unwrap();
    let out = env.run(&["trust", "sign", "--list", "real.json", "--root", "root", "--out", "signed.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("[symlink-dangling]"), "{}", stderr(&out));
    assert_eq!(list_at(&env, "real.json").sequence, 1);
}

#[test]
fn revoke_from_a_file_is_one_change_and_a_bad_line_refuses_the_file() {
    let env = Env::new();
    setup(&env);
    env.ok(&["trust", "revoke", "--list", "list.json", "--serial", "PAR-0003"]);
    let before = list_at(&env, "list.json").sequence;
    let mut file = String::from("# pupils who left in September\n\n");
    for i in 0..5000 {
        file.push_str(&format!("PAR-{i:04}\r\n"));
    }
    file.push_str("  PAR-0001   # twice, with a comment\n");
    env.write("serials.txt", &file);
    let printed = env.ok(&[
        "--lang",
        "en",
        "trust",
        "revoke",
        "--list",
        "list.json",
        "--from",
        "serials.txt",
        "--reason",
        "left the school",
    ]);
    assert!(printed.contains("4999 revocation(s) added, 2 already there skipped"), "{printed}");
    let body = list_at(&env, "list.json");
    assert_eq!(body.sequence, before + 1, "one sequence for the whole file");
    assert_eq!(body.revoked_serials.len(), 5000);
    assert_eq!(body.revoked_serials.iter().collect::<BTreeSet<_>>().len(), 5000);
    let lines: Vec<serde_json::Value> =
        journal(&env, "list.json.log").into_iter().filter(|l| l["sequence"] == before + 1).collect();
    assert_eq!(lines.len(), 4999);
    assert!(lines
        .iter()
        .all(|l| l["action"] == "revoke" && l["reason"] == "left the school" && l["file"] == "serials.txt"));

    // Nothing new: nothing written, the sequence stays.
    let printed = env.ok(&["--lang", "en", "trust", "revoke", "--list", "list.json", "--from", "serials.txt"]);
    assert!(printed.contains("Nothing to change"), "{printed}");
    assert_eq!(list_at(&env, "list.json").sequence, before + 1);

    // Bad lines: each named by its number, the file refused whole, nothing written.
    let list_before = env.read("list.json");
    let log_before = env.read("list.json.log");
    env.write("bad.txt", "NEW-1\n# fine\nNEW 2\nNEW-3\nthis/is/not/a/serial\n\nNEW-4\n");
    let out = env.run(&["trust", "revoke", "--list", "list.json", "--from", "bad.txt"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("bad.txt, ligne 3") && err.contains("NEW 2"), "{err}");
    assert!(err.contains("bad.txt, ligne 5"), "{err}");
    assert!(err.contains("[revocation-line-invalid]") && err.contains("[revocation-file-refused]"), "{err}");
    assert_eq!(env.read("list.json"), list_before);
    assert_eq!(env.read("list.json.log"), log_before);

    // Only comments: refused too.
    env.write("empty.txt", "# nothing\n\n");
    let out = env.run(&["trust", "revoke", "--list", "list.json", "--from", "empty.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("[revocation-file-empty]"), "{}", stderr(&out));

    // Standard input.
    let out = env.run_with_stdin(&["trust", "revoke", "--list", "list.json", "--from", "-"], "STDIN-1\nSTDIN-2\n");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(list_at(&env, "list.json").revoked_serials.len(), 5002);
}

#[test]
fn unrevoke_withdraws_a_mistake_and_the_journal_says_who_and_why() {
    let env = Env::new();
    setup(&env);
    env.ok(&["trust", "revoke", "--list", "list.json", "--serial", "PAR-1"]);
    env.ok(&["trust", "revoke", "--list", "list.json", "--serial", "PAR-2"]);
    env.ok(&["trust", "revoke", "--list", "list.json", "--key", "issuer.pub"]);

    let out = env
        .cachet()
        .env("USER", "agent-dupont")
        .args(["trust", "unrevoke", "--list", "list.json", "--serial", "PAR-1", "--reason", "wrong pupil"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let body = list_at(&env, "list.json");
    assert_eq!(body.revoked_serials, ["PAR-2"]);
    assert_eq!(body.sequence, 5);
    let last = journal(&env, "list.json.log").pop().unwrap();
    assert_eq!(last["action"], "unrevoke");
    assert_eq!(last["serial"], "PAR-1");
    assert_eq!(last["sequence"], 5);
    assert_eq!(last["user"], "agent-dupont");
    assert_eq!(last["reason"], "wrong pupil");

    // Not revoked: refused, nothing changes.
    let out = env.run(&["trust", "unrevoke", "--list", "list.json", "--serial", "PAR-1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("[serial-not-revoked]"), "{}", stderr(&out));
    assert_eq!(list_at(&env, "list.json").sequence, 5);

    // A key revoked by mistake is active again, with a reason.
    let out = env.run(&["trust", "unrevoke", "--list", "list.json", "--key", "issuer.pub"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("[reason-required]"), "{}", stderr(&out));
    env.ok(&["trust", "unrevoke", "--list", "list.json", "--key", "issuer.pub", "--reason", "wrong key revoked"]);
    assert_eq!(list_at(&env, "list.json").issuers[0].status, KeyStatus::Active);
    let out = env.run(&["trust", "unrevoke", "--list", "list.json", "--key", "issuer.pub", "--reason", "again"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("[key-not-revoked]"), "{}", stderr(&out));

    // From a file: those not revoked are skipped.
    env.write("withdraw.txt", "PAR-2\nPAR-9\n");
    let printed = env.ok(&["--lang", "en", "trust", "unrevoke", "--list", "list.json", "--from", "withdraw.txt"]);
    assert!(printed.contains("1 revocation(s) withdrawn, 1 not there skipped"), "{printed}");
    assert!(list_at(&env, "list.json").revoked_serials.is_empty());

    // A reason must be readable.
    let out = env.run(&["trust", "revoke", "--list", "list.json", "--serial", "X", "--reason", "a\nb"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("[reason-invalid]"), "{}", stderr(&out));

    // Every line of the journal is a change of the list, one sequence each.
    let sequences: Vec<u64> = journal(&env, "list.json.log").iter().map(|l| l["sequence"].as_u64().unwrap()).collect();
    assert_eq!(sequences, (1..=list_at(&env, "list.json").sequence).collect::<Vec<_>>());
}

#[test]
fn a_missing_list_is_a_read_error_and_leaves_no_lock_file() {
    let env = Env::new();
    let out = env.run(&["trust", "revoke", "--list", "typo.json", "--serial", "PAR-1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("[file-read]"), "{}", stderr(&out));
    assert_eq!(std::fs::read_dir(env.dir.path()).unwrap().count(), 0);
}

#[test]
fn trust_sign_refuses_a_list_that_verifiers_refuse_with_their_code() {
    let env = Env::new();
    setup(&env);
    env.ok(&["trust", "sign", "--list", "list.json", "--root", "root", "--out", "signed.json"]);
    let small_signed = env.read("signed.json");
    // The second year of a national service that never removes a serial:
    // 860,000 serials of 32 characters, a list of 34 MB.
    let mut body = list_at(&env, "list.json");
    body.revoked_serials = (0..860_000).map(|i| format!("ACADEMIE-DE-PARIS-2025-{i:09}")).collect();
    let big = serde_json::to_string_pretty(&body).unwrap() + "\n";
    assert!(big.len() > cachet::trust::MAX_SIZE);
    env.write("list.json", &big);

    let out = env.run(&["trust", "sign", "--list", "list.json", "--root", "root", "--out", "signed.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("[trust-list-too-large]"), "{}", stderr(&out));
    // Nothing signed, nothing rewritten, nothing journaled.
    assert_eq!(env.read("signed.json"), small_signed);
    assert_eq!(list_at(&env, "list.json").sequence, body.sequence);
    assert_eq!(journal(&env, "list.json.log").iter().filter(|l| l["action"] == "sign").count(), 1);

    // What a verifier says of such a list, had it been signed.
    let start = small_signed.find("\"list\":").unwrap();
    let too_large = format!("{}\"list\": {}}}\n", &small_signed[..start], big.trim());
    env.write("too-large.json", &too_large);
    let roots = [cachet::keys::PublicKey::from_text(&env.read("root.pub")).unwrap()];
    let refused = cachet::trust::TrustList::load(too_large.as_bytes(), &roots, None).unwrap_err();
    assert_eq!(refused.code(), "trust-list-too-large");
    let out = env
        .cachet()
        .env("HOME", env.dir.path())
        .env("XDG_STATE_HOME", env.dir.path())
        .args(["verify", "--trust", "too-large.json", "--root", "root.pub", "CC1:AAAA"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("[trust-list-too-large]"), "{}", stderr(&out));
}

#[test]
fn trust_sign_checks_every_issuer_key_whole_where_verifiers_defer_the_torsion_check() {
    use curve25519_dalek::edwards::CompressedEdwardsY;
    let env = Env::new();
    setup(&env);
    env.ok(&["trust", "sign", "--list", "list.json", "--root", "root", "--out", "signed.json"]);
    let signed = env.read("signed.json");
    // The issuer's key plus (0, -1), written into the list by hand: canonical, not of small order, torsioned.
    let issuer = cachet::keys::PublicKey::from_text(&env.read("issuer.pub")).unwrap();
    let mut order2 = [0xffu8; 32];
    order2[0] = 0xec;
    order2[31] = 0x7f;
    let point = |b: [u8; 32]| CompressedEdwardsY(b).decompress().unwrap();
    let mixed = (point(*issuer.as_bytes()) + point(order2)).compress().0;
    let mut body = list_at(&env, "list.json");
    // Read as a verifier reads a list's issuer keys, the torsion check deferred (a whole check refuses it).
    assert!(cachet::keys::PublicKey::from_bytes(&mixed).is_err());
    body.issuers[0].public_key = cachet::keys::PublicKey::from_bytes_deferred(&mixed).unwrap().to_base64();
    body.issuers[0].key_id = cachet::keys::KeyId::of(&mixed).to_string();
    env.write("list.json", &(serde_json::to_string_pretty(&body).unwrap() + "\n"));

    let out = env.run(&["trust", "sign", "--list", "list.json", "--root", "root", "--out", "signed.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("(trust-list-entry-key)"), "{}", stderr(&out));
    assert_eq!(env.read("signed.json"), signed, "nothing signed");
}

/// The key id of `name.pub`.
fn key_id(env: &Env, name: &str) -> String {
    cachet::keys::PublicKey::from_text(&env.read(&format!("{name}.pub"))).unwrap().key_id().to_string()
}

fn revoked_indices(env: &Env, key_id: &str) -> Vec<u32> {
    let body = list_at(env, "list.json");
    let entry = body.issuers.iter().find(|e| e.key_id == key_id).unwrap();
    let capacity = entry.status_capacity.unwrap();
    match &entry.revoked_indices {
        Some(text) => cachet::status_list::RevokedSet::decode(text, capacity).unwrap().iter().collect(),
        None => Vec::new(),
    }
}

#[test]
fn status_indices_are_revoked_and_withdrawn_by_key_id_and_index() {
    let env = Env::new();
    env.ok(&["keygen", "--out", "root"]);
    env.ok(&["keygen", "--out", "a"]);
    env.ok(&["keygen", "--out", "b"]);
    env.ok(&["trust", "add", "--list", "list.json", "--key", "a.pub", "--name", "A", "--status-capacity", "1000"]);
    env.ok(&["trust", "add", "--list", "list.json", "--key", "b.pub", "--name", "B"]);
    let (a, b) = (key_id(&env, "a"), key_id(&env, "b"));
    assert_eq!(list_at(&env, "list.json").issuers[0].status_capacity, Some(1000));

    env.ok(&["trust", "revoke", "--list", "list.json", "--key-id", &a, "--index", "5"]);
    assert_eq!(revoked_indices(&env, &a), [5]);
    for (args, code, exit) in [
        (vec!["--key-id", a.as_str(), "--index", "5"], "[index-already-revoked]", 1),
        (vec!["--key-id", a.as_str(), "--index", "1000"], "[status-index-beyond-capacity]", 2),
        (vec!["--key-id", b.as_str(), "--index", "1"], "[status-capacity-missing]", 2),
        (vec!["--key-id", "0123456789abcdef", "--index", "1"], "[key-not-listed]", 2),
        (vec!["--key-id", "xyz", "--index", "1"], "[key-id-invalid]", 2),
    ] {
        let out = env.run(&[&["trust", "revoke", "--list", "list.json"][..], &args].concat());
        assert_eq!(out.status.code(), Some(exit), "{args:?}");
        assert!(stderr(&out).contains(code), "{args:?}: {}", stderr(&out));
    }
    assert_eq!(list_at(&env, "list.json").sequence, 3);

    // A file mixing serials and indices: one change. An index beyond the
    // capacity, or of a key without one, refuses the whole file.
    let before = env.read("list.json");
    env.write("bad.txt", &format!("{a}:7\nSER-1\n{a}:1000\n{b}:3\n"));
    let out = env.run(&["trust", "revoke", "--list", "list.json", "--from", "bad.txt"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("bad.txt, ligne 3") && err.contains("bad.txt, ligne 4"), "{err}");
    assert!(err.contains("[revocation-file-refused]"), "{err}");
    assert_eq!(env.read("list.json"), before);

    env.write("good.txt", &format!("{a}:7\n{a}:5\nSER-1\n{a}:999   # the last one\n{a}:7\n"));
    let printed = env.ok(&["--lang", "en", "trust", "revoke", "--list", "list.json", "--from", "good.txt"]);
    assert!(printed.contains("3 revocation(s) added, 2 already there skipped; sequence 4"), "{printed}");
    assert_eq!(revoked_indices(&env, &a), [5, 7, 999]);
    assert_eq!(list_at(&env, "list.json").revoked_serials, ["SER-1"]);
    let lines: Vec<serde_json::Value> =
        journal(&env, "list.json.log").into_iter().filter(|l| l["sequence"] == 4).collect();
    let journaled: Vec<(String, u64)> = lines
        .iter()
        .filter(|l| l["index"].is_u64())
        .map(|l| (l["key_id"].as_str().unwrap().to_owned(), l["index"].as_u64().unwrap()))
        .collect();
    assert_eq!(journaled, [(a.clone(), 7), (a.clone(), 999)]);

    // Withdrawn: by one, then by file; an empty set leaves no member behind.
    env.ok(&["trust", "unrevoke", "--list", "list.json", "--key-id", &a, "--index", "7"]);
    assert_eq!(revoked_indices(&env, &a), [5, 999]);
    let out = env.run(&["trust", "unrevoke", "--list", "list.json", "--key-id", &a, "--index", "7"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("[index-not-revoked]"), "{}", stderr(&out));
    env.ok(&["trust", "unrevoke", "--list", "list.json", "--from", "good.txt"]);
    assert!(list_at(&env, "list.json").issuers[0].revoked_indices.is_none());
    assert!(list_at(&env, "list.json").revoked_serials.is_empty());

    // The signed list carries the set, and the verifier's core reads it.
    env.ok(&["trust", "revoke", "--list", "list.json", "--key-id", &a, "--index", "42"]);
    env.ok(&["trust", "sign", "--list", "list.json", "--root", "root", "--out", "signed.json"]);
    let roots = [cachet::keys::PublicKey::from_text(&env.read("root.pub")).unwrap()];
    let trust = cachet::trust::TrustList::load(env.read("signed.json").as_bytes(), &roots, None).unwrap();
    let issuer = trust.issuers().iter().find(|i| i.key.key_id().to_string() == a).unwrap();
    let set = issuer.status_list.as_ref().unwrap().get().unwrap();
    assert!(set.contains(42) && !set.contains(5) && set.len() == 1);
}

/// `cachet verify` decodes a key's revoked set at its first look-up
/// (`TrustList::load_deferred`): a list whose set codes an index outside its
/// key's space (the vector `trust-list-revoked-indices-out-of-range`, signed
/// by its root) is not refused whole; the certificate looked up in that set
/// is `trust-list-invalid` with the set's code on its `revocation` check,
/// without its fields, and exits 1.
#[test]
fn verify_refuses_a_certificate_looked_up_in_a_badly_coded_set_with_its_code() {
    let env = Env::new();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/trust-list-revoked-indices-out-of-range.json");
    let case: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    env.write("signed.json", case["trust_list"].as_str().unwrap());
    env.write("root.pub", case["roots"][0].as_str().unwrap());
    let (at, input) = (case["now"].as_str().unwrap(), case["input"].as_str().unwrap());

    let (code, reports) = env.verify_json(at, &[input]);
    assert_eq!(code, 1);
    let report = &reports[0];
    assert_eq!(report["status"], "trust-list-invalid", "{report}");
    let check = |name: &str| report["checks"].as_array().unwrap().iter().find(|c| c["check"] == name).unwrap().clone();
    assert_eq!(check("revocation")["code"], "trust-list-indices-out-of-range", "{report}");
    // The list itself loaded: its signature and the certificate's were checked.
    assert_eq!(check("trust-list")["outcome"], "pass", "{report}");
    assert_eq!(check("signature")["outcome"], "pass", "{report}");
    assert!(report.get("certificate").is_none_or(|c| c.is_null()), "{report}");

    // In words, no field of the certificate is shown.
    let out = env.run(&["--lang", "en", "verify", "--trust", "signed.json", "--root", "root.pub", "--at", at, input]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("trust-list-indices-out-of-range"), "{text}");
    assert!(!text.contains("Martin"), "{text}");
}
