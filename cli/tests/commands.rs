//! The `cachet` command, run for real: keys, trust lists, issuance, verification.

mod common;

use cachet::keys::PublicKey;
use cachet::time::parse_rfc3339;
use cachet::trust::{KeyStatus, TrustList, TrustListBody};
use common::*;
use std::os::unix::fs::PermissionsExt;

fn list(env: &Env) -> TrustListBody {
    serde_json::from_str(&env.read("list.json")).unwrap()
}

#[test]
fn keygen_writes_a_private_secret_and_a_public_key_and_prints_the_key_id() {
    let env = Env::new();
    let out = env.run(&["keygen", "--out", "issuer"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let secret = env.read("issuer");
    assert!(secret.starts_with("cachet-secret-key-1:"));
    let mode = std::fs::metadata(env.path("issuer")).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let public = PublicKey::from_text(&env.read("issuer.pub")).unwrap();
    let printed = stdout(&out);
    assert!(printed.contains(&public.key_id().to_string()), "{printed}");
    assert!(printed.contains("issuer.pub"), "{printed}");
    let body = secret.trim().strip_prefix("cachet-secret-key-1:").unwrap();
    assert!(!printed.contains(body) && !stderr(&out).contains(body));

    // Never replaced without --force; replaced (still 0600) with it.
    let again = env.run(&["keygen", "--out", "issuer"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("[file-exists]"), "{}", stderr(&again));
    assert_eq!(env.read("issuer"), secret);
    std::fs::set_permissions(env.path("issuer"), std::fs::Permissions::from_mode(0o644)).unwrap();
    env.ok(&["keygen", "--out", "issuer", "--force"]);
    assert_ne!(env.read("issuer"), secret);
    let mode = std::fs::metadata(env.path("issuer")).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn trust_add_revoke_and_sign_round_trip() {
    let env = Env::new();
    env.ok(&["keygen", "--out", "root"]);
    env.ok(&["keygen", "--out", "a"]);
    env.ok(&["keygen", "--out", "b"]);
    let a = PublicKey::from_text(&env.read("a.pub")).unwrap();
    let b = PublicKey::from_text(&env.read("b.pub")).unwrap();

    env.ok(&[
        "trust",
        "add",
        "--list",
        "list.json",
        "--key",
        "a.pub",
        "--name",
        "Académie de Lyon",
        "--from",
        "2025-06-01",
    ]);
    let body = list(&env);
    assert_eq!(body.sequence, 1);
    let entry = &body.issuers[0];
    assert_eq!(entry.key_id, a.key_id().to_string());
    assert_eq!(entry.public_key, a.to_base64());
    assert_eq!((entry.valid_from.as_str(), entry.valid_until.as_str()), ("2025-06-01", "2027-05-31"));
    assert_eq!(entry.kinds, ["certificat-de-scolarite"]);
    assert_eq!(entry.status, KeyStatus::Active);

    // The same key again is refused and changes nothing.
    let twice = env.run(&["trust", "add", "--list", "list.json", "--key", "a.pub", "--name", "Autre"]);
    assert_eq!(twice.status.code(), Some(1));
    assert!(stderr(&twice).contains("[key-already-listed]"), "{}", stderr(&twice));
    assert_eq!(list(&env).sequence, 1);
    // A secret key where a public key is expected, an unknown kind, dates in the wrong order.
    for (args, code) in [
        (vec!["--key", "a", "--name", "X"], "[key-wrong-kind]"),
        (vec!["--key", "b.pub", "--name", "X", "--kind", "diplome"], "[kind-unknown]"),
        (vec!["--key", "b.pub", "--name", "X", "--from", "2026-01-01", "--until", "2025-01-01"], "[date-order]"),
        (vec!["--key", "b.pub", "--name", "X", "--from", "2026-02-30"], "[date-invalid]"),
    ] {
        let out = env.run(&[&["trust", "add", "--list", "list.json"][..], &args].concat());
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(code), "{args:?}: {}", stderr(&out));
    }

    // Defaults: from today, until two years later less a day.
    env.ok(&["trust", "add", "--list", "list.json", "--key", "b.pub", "--name", "Académie de Paris"]);
    let body = list(&env);
    assert_eq!(body.sequence, 2);
    let entry = &body.issuers[1];
    let (from, until) = (&entry.valid_from, &entry.valid_until);
    let from_year: i32 = from[..4].parse().unwrap();
    assert!(until.starts_with(&(from_year + 2).to_string()) || until.starts_with(&(from_year + 1).to_string()));

    env.ok(&["trust", "revoke", "--list", "list.json", "--serial", "2025-000123"]);
    env.ok(&["trust", "revoke", "--list", "list.json", "--key", "b.pub"]);
    let body = list(&env);
    assert_eq!(body.sequence, 4);
    assert_eq!(body.revoked_serials, ["2025-000123"]);
    assert_eq!(body.issuers[1].status, KeyStatus::Revoked);
    assert_eq!(body.issuers[0].status, KeyStatus::Active);
    let again = env.run(&["trust", "revoke", "--list", "list.json", "--key", "b.pub"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("[key-already-revoked]"));
    let neither = env.run(&["trust", "revoke", "--list", "list.json"]);
    assert_eq!(neither.status.code(), Some(2));

    let printed = env.ok(&["trust", "sign", "--list", "list.json", "--root", "root", "--out", "signed.json"]);
    let root = PublicKey::from_text(&env.read("root.pub")).unwrap();
    for id in [root.key_id(), a.key_id(), b.key_id()] {
        assert!(printed.contains(&id.to_string()), "{printed}");
    }
    assert!(printed.contains('5'), "{printed}");
    let body = list(&env);
    assert_eq!(body.sequence, 5);
    let issued_at = parse_rfc3339(&body.issued_at).unwrap();
    assert_eq!(parse_rfc3339(&body.next_update).unwrap() - issued_at, 30 * 86_400);
    let trust = TrustList::load(env.read("signed.json").as_bytes(), std::slice::from_ref(&root), Some(4)).unwrap();
    assert_eq!(trust.sequence(), 5);
    assert_eq!(trust.issuers().len(), 2);
    assert!(trust.is_revoked("2025-000123"));

    // Signing again bumps the sequence; a verifier that saw 5 takes 6.
    env.ok(&["trust", "sign", "--list", "list.json", "--root", "root", "--out", "signed.json", "--valid-days", "7"]);
    let trust = TrustList::load(env.read("signed.json").as_bytes(), &[root], Some(5)).unwrap();
    assert_eq!(trust.sequence(), 6);
    assert_eq!(trust.next_update() - trust.issued_at(), 7 * 86_400);
    // Only the root's secret key signs.
    let wrong = env.run(&["trust", "sign", "--list", "list.json", "--root", "root.pub", "--out", "signed.json"]);
    assert_eq!(wrong.status.code(), Some(2));
    assert!(stderr(&wrong).contains("[key-wrong-kind]"));
}

#[test]
fn issue_prints_the_token_or_the_url_and_writes_svg_and_png() {
    let env = Env::new();
    env.setup();
    env.write("cert.json", CERT_JSON);
    let token = env.ok(&["issue", "--key", "issuer", "--input", "cert.json", "--qr", "qr.svg"]);
    let token = token.trim();
    assert!(token.starts_with("CC1:") && !token.contains(char::is_whitespace), "{token}");
    assert!(env.read("qr.svg").contains("<svg"));
    // Deterministic: the same input under the same key gives the same token.
    let url =
        env.ok(&["issue", "--key", "issuer", "--input", "cert.json", "--url", "https://v.example/c", "--qr", "qr.png"]);
    assert_eq!(url.trim(), format!("https://v.example/c#{token}"));
    let png = std::fs::read(env.path("qr.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));

    let (code, reports) = env.verify_json(DURING_YEAR, &[url.trim()]);
    assert_eq!(code, 0);
    assert_eq!(reports[0]["status"], "valid");

    let unknown = env.run(&["issue", "--key", "issuer", "--input", "cert.json", "--qr", "qr.gif"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("[qr-format]"), "{}", stderr(&unknown));
    assert!(!env.path("qr.gif").exists());
    let bad_url = env.run(&["issue", "--key", "issuer", "--input", "cert.json", "--url", "verif.example"]);
    assert_eq!(bad_url.status.code(), Some(2));
    assert!(stderr(&bad_url).contains("[url-base-invalid]"));
}

#[test]
fn every_field_error_is_listed_in_the_users_language() {
    let env = Env::new();
    env.ok(&["keygen", "--out", "issuer"]);
    let bad = CERT_JSON
        .replace("\"Martin\"", "\"M4rtin\"")
        .replace("\"2013-04-12\"", "\"2013-02-30\"")
        .replace("0750654D", "0750654A")
        .replace("\"6e\"", "\"7e\"");
    env.write("bad.json", &bad);
    let fr = env.run(&["issue", "--key", "issuer", "--input", "bad.json"]);
    assert_eq!(fr.status.code(), Some(1));
    assert!(fr.stdout.is_empty());
    let fr = stderr(&fr);
    for line in [
        "cachet: family_name : contient un caractère interdit",
        "cachet: birth_date : date invalide",
        "cachet: school_uai : UAI invalide",
        "cachet: level : niveau inconnu",
    ] {
        assert!(fr.contains(line), "{line} not in {fr}");
    }
    for code in ["[forbidden-character]", "[invalid-date]", "[invalid-uai]", "[unknown-level]"] {
        assert!(fr.contains(code), "{code} not in {fr}");
    }
    assert_eq!(fr.lines().count(), 4, "{fr}");
    let en = env.cachet().env("LANG", "en_GB.UTF-8").args(["issue", "--key", "issuer", "--input", "bad.json"]).output();
    let en = stderr(&en.unwrap());
    assert!(en.contains("cachet: birth_date: invalid date") && en.contains("[invalid-date]"), "{en}");

    let unknown_key = env.write("extra.json", &CERT_JSON.replace("\"level\"", "\"niveau\": \"6e\", \"level\""));
    let out = env.run(&["issue", "--key", "issuer", "--input", unknown_key.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("[input-json]") && stderr(&out).contains("niveau"), "{}", stderr(&out));
}

#[test]
fn verify_tells_valid_tampered_revoked_and_not_yet_valid() {
    let env = Env::new();
    env.setup();
    let token = env.issue(CERT_JSON);

    let (code, reports) = env.verify_json(DURING_YEAR, &[&token]);
    assert_eq!(code, 0);
    let report = &reports[0];
    assert_eq!(report["status"], "valid");
    assert_eq!(report["input_index"], 0);
    assert_eq!(report["certificate"]["family_name"], "Martin");
    assert_eq!(report["issuer"]["name"], "Académie de Paris");

    // The same bytes but another family name: the signature no longer matches.
    let mut cose = cachet::text::decode(&token).unwrap();
    let at = cose.windows(6).position(|w| w == b"Martin").unwrap();
    cose[at + 1] = b'o';
    let tampered = cachet::text::encode_token(&cose);
    let (code, reports) = env.verify_json(DURING_YEAR, &[&tampered]);
    assert_eq!(code, 1);
    assert_eq!(reports[0]["status"], "invalid-signature");
    assert!(reports[0].get("certificate").is_none());

    // Before 1 September 2025 (Paris), the certificate is not yet valid.
    let (code, reports) = env.verify_json("2025-08-31T12:00:00Z", &[&token]);
    assert_eq!(code, 1);
    assert_eq!(reports[0]["status"], "not-yet-valid");

    // Revoked once the serial is in a newly signed list.
    env.ok(&["trust", "revoke", "--list", "list.json", "--serial", "2025-000123"]);
    env.sign();
    let (code, reports) = env.verify_json(DURING_YEAR, &[&token]);
    assert_eq!(code, 1);
    assert_eq!(reports[0]["status"], "revoked");

    // A list signed by another root: nothing can be verified.
    env.ok(&["keygen", "--out", "other"]);
    let out = env.run(&["verify", "--trust", "signed.json", "--root", "other.pub", "--json", &token]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json_lines(&stdout(&out))[0]["status"], "trust-list-invalid");
    assert!(stderr(&out).contains("[trust-list-unknown-root]"), "{}", stderr(&out));
    // ... unless its root is one of those pinned.
    let out = env.run(&[
        "verify",
        "--trust",
        "signed.json",
        "--root",
        "other.pub",
        "--root",
        "root.pub",
        "--json",
        "--at",
        DURING_YEAR,
        &token,
    ]);
    assert_eq!(json_lines(&stdout(&out))[0]["status"], "revoked");

    let bad_at = env.run(&["verify", "--trust", "signed.json", "--root", "root.pub", "--at", "yesterday", &token]);
    assert_eq!(bad_at.status.code(), Some(2));
    assert!(stderr(&bad_at).contains("[at-invalid]"));
}

#[test]
fn verify_reads_one_input_per_line_from_stdin() {
    let env = Env::new();
    env.setup();
    let token = env.issue(CERT_JSON);
    let other = env.issue(&CERT_JSON.replace("2025-000123", "2025-000124").replace("Léa", "Zoé"));
    let stdin = format!("{token}\n\n  \nhttps://verifier.example/#{other}\r\nCC1:AAAA\nCC2:AAAA\n");
    let args = ["verify", "--trust", "signed.json", "--root", "root.pub", "--json", "--at", DURING_YEAR, "-"];
    let out = env.run_with_stdin(&args, &stdin);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let reports = json_lines(&stdout(&out));
    let statuses: Vec<_> = reports.iter().map(|r| (r["input_index"].as_u64().unwrap(), r["status"].clone())).collect();
    assert_eq!(
        statuses,
        [(0, "valid".into()), (1, "valid".into()), (2, "malformed".into()), (3, "unsupported-version".into())]
    );
    assert_eq!(reports[1]["certificate"]["given_names"], "Zoé");

    // Only valid inputs: exit 0.
    let out = env.run_with_stdin(&args, &format!("{token}\n{other}\n"));
    assert_eq!(out.status.code(), Some(0));
    // Nothing to verify is a usage error, not a success.
    let out = env.run_with_stdin(&args, "\n\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("[no-input]"));
}

#[test]
fn verify_speaks_french_unless_the_locale_or_lang_says_english() {
    let env = Env::new();
    env.setup();
    let token = env.issue(CERT_JSON);
    let args = ["verify", "--trust", "signed.json", "--root", "root.pub", "--at", DURING_YEAR, &token];
    let run = |vars: &[(&str, &str)], extra: &[&str]| {
        let mut cmd = env.cachet();
        for (k, v) in vars {
            cmd.env(k, v);
        }
        let out = cmd.args(args).args(extra).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        stdout(&out)
    };

    let fr = run(&[("LANG", "fr_FR.UTF-8")], &[]);
    assert!(fr.starts_with("✓ Certificat valide\n"), "{fr}");
    for text in [
        "À faire : Comparez ces informations avec une pièce d’identité.",
        "Détail des contrôles (pour l’assistance) :",
        "Code pour l’assistance : valid",
        "Signature authentique",
        "Nom : Martin",
        "Date de naissance : 12/04/2013",
    ] {
        assert!(fr.contains(text), "{text} not in {fr}");
    }
    assert!(fr.contains("Signé par : Académie de Paris (code pour l’assistance : "), "{fr}");
    assert!(fr.contains("du 01/09/2025 au 31/08/2026"), "{fr}");
    assert_eq!(run(&[], &[]), fr, "French is the default");

    let en = run(&[("LANG", "en_US.UTF-8")], &[]);
    assert!(en.starts_with("✓ Valid certificate\n"), "{en}");
    for text in ["Checks (for support):", "Signature genuine", "Family name: Martin", "Date of birth: 2013-04-12"] {
        assert!(en.contains(text), "{text} not in {en}");
    }
    // LC_ALL comes before LANG; --lang before both.
    assert_eq!(run(&[("LANG", "fr_FR.UTF-8"), ("LC_ALL", "en_US.UTF-8")], &[]), en);
    assert_eq!(run(&[("LANG", "en_US.UTF-8"), ("LC_MESSAGES", "fr_FR.UTF-8")], &[]), fr);
    assert_eq!(run(&[("LANG", "en_US.UTF-8")], &["--lang", "fr"]), fr);
    assert_eq!(run(&[], &["--lang", "en"]), en);

    // A failed check is named, with its code.
    let mut cmd = env.cachet();
    cmd.env("LANG", "en").args(["verify", "--trust", "signed.json", "--root", "root.pub"]);
    let out = cmd.args(["--at", "2026-09-01T12:00:00Z", &token]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let en = stdout(&out);
    // Genuine but out of its school year: its own kind and next step, never the forgery wording.
    assert!(en.starts_with("◷ Genuine but no longer valid\n"), "{en}");
    assert!(en.contains("What to do: Ask for this year’s certificate: the school issues it."), "{en}");
    assert!(!en.contains("do not rely"), "{en}");
    assert!(en.contains("FAILED") && en.contains("Validity period [after-school-year]"), "{en}");
}
