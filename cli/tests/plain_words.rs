//! Issue 15: no raw code and no UTC timestamp in a sentence a person reads.
//!
//! Runs, in French and in English, the commands whose messages carry a
//! time (trust add, status-key set/renewed/rotated, trust sign, trust status
//! full/delta/publish, verify with --status, a status document refused,
//! trust compromise) and checks every line they print: no RFC 3339 instant
//! (`2026-12-06T…`), and no code of the command or the core outside the
//! `[code]` that ends an error line or the "code for support" the verify
//! report names as such. Codes stay in the `--json` output and the files.

mod common;

use cachet::time::Date;
use common::*;
use std::collections::BTreeSet;

/// The school year that holds today (in Paris), as `2026-2027`, and today.
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

/// Every line a command printed, on stdout and stderr, with its command.
struct Said {
    lines: Vec<(String, String)>,
}

impl Said {
    /// Runs `cachet --lang LANG args…`; keeps what it printed; gives stdout
    /// and stderr.
    fn run(&mut self, env: &Env, lang: &str, args: &[&str], ok: bool) -> (String, String) {
        let out = env.run(&[&["--lang", lang][..], args].concat());
        assert_eq!(out.status.success(), ok, "cachet {args:?}: {}", stderr(&out));
        let command = args.iter().take(3).copied().collect::<Vec<_>>().join(" ");
        for line in stdout(&out).lines().chain(stderr(&out).lines()) {
            self.lines.push((command.clone(), line.to_owned()));
        }
        (stdout(&out), stderr(&out))
    }

    fn all(&self) -> String {
        self.lines.iter().map(|(_, l)| l.as_str()).collect::<Vec<_>>().join("\n")
    }
}

/// The codes a person must not read in a sentence: every code of the
/// command's messages (cli/src/i18n.rs), the core's status and trust-list
/// codes, the document kinds, and every check code and status the `--json`
/// reports gave. Only those with a hyphen: a one-word code (`missing`,
/// `revoked`) is also an ordinary word.
fn codes(json_codes: &BTreeSet<String>) -> BTreeSet<String> {
    let source = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/i18n.rs")).unwrap();
    let mut codes = BTreeSet::new();
    // A table row opens with `(` and its code, on the same line or the next.
    let mut rest = source.as_str();
    while let Some(at) = rest.find('(') {
        rest = &rest[at + 1..];
        let after = rest.trim_start();
        if let Some(quoted) = after.strip_prefix('"') {
            if let Some(end) = quoted.find('"') {
                let code = &quoted[..end];
                if quoted[end + 1..].starts_with(',')
                    && !code.is_empty()
                    && code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                {
                    codes.insert(code.to_owned());
                }
            }
        }
    }
    use cachet::status_doc::StatusError;
    use cachet::trust::TrustError;
    let status = [
        StatusError::TooLarge,
        StatusError::NoStatusKey,
        StatusError::WrongKey,
        StatusError::Signature,
        StatusError::KeyExpired,
        StatusError::Expired,
        StatusError::Rollback { held: 2, got: 1 },
        StatusError::WrongBase { held: None, base: 1 },
    ];
    codes.extend(status.iter().map(|e| e.code().to_owned()));
    let trust = [TrustError::TooLarge, TrustError::UnknownRoot, TrustError::Signature];
    codes.extend(trust.iter().map(|e| e.code().to_owned()));
    codes.extend(cachet::certificate::DocumentKind::ALL.iter().map(|k| k.name().to_owned()));
    codes.extend(json_codes.iter().cloned());
    codes.retain(|c| c.contains('-'));
    assert!(codes.len() > 100, "the codes were not read: {codes:?}");
    codes
}

/// The line without what may name a code: the `[code]` that ends an error
/// line, and the value after "code for support" (verify's report).
fn sentence_part(line: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in line.chars() {
        match c {
            '[' => depth += 1,
            ']' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    for named in ["Code pour l’assistance : ", "code pour l’assistance : ", "Code for support: ", "code for support: "]
    {
        if let Some(at) = out.find(named) {
            out.truncate(at);
        }
    }
    out
}

/// Whether `code` stands in `text` as a word of its own (not inside a file
/// name such as `trust-list.json` or a longer code).
fn holds_code(text: &str, code: &str) -> bool {
    let part = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/');
    text.match_indices(code).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + code.len()..].chars().next();
        !before.is_some_and(part)
            && !after.is_some_and(|c| {
                part(c) && c != '.'
                    || c == '.' && text[at + code.len() + 1..].starts_with(|c: char| c.is_ascii_alphanumeric())
            })
    })
}

/// Whether `text` holds an RFC 3339 instant's date and `T`.
fn holds_utc_instant(text: &str) -> bool {
    let b = text.as_bytes();
    b.windows(11).any(|w| {
        let digits = |r: std::ops::Range<usize>| w[r].iter().all(u8::is_ascii_digit);
        digits(0..4) && w[4] == b'-' && digits(5..7) && w[7] == b'-' && digits(8..10) && w[10] == b'T'
    })
}

/// The whole scenario in one language, in a folder of its own.
fn scenario(lang: &str) -> (Said, BTreeSet<String>) {
    let env = Env::new();
    let mut said = Said { lines: Vec::new() };
    let mut json_codes = BTreeSet::new();
    env.ok(&["keygen", "--out", "root"]);
    env.ok(&["keygen", "--out", "issuer"]);
    env.ok(&["keygen", "--out", "status"]);
    env.ok(&["keygen", "--out", "status2"]);
    let add = ["trust", "add", "--list", "list.json", "--key", "issuer.pub", "--name", "Académie de Paris"];
    said.run(
        &env,
        lang,
        &[&add[..], &["--from", "2024-01-01", "--until", "2030-12-31", "--status-capacity", "1000"]].concat(),
        true,
    );
    let key = ["--list", "list.json", "--key"];
    said.run(&env, lang, &[&["trust", "status-key"][..], &key, &["status.pub"]].concat(), true);
    said.run(&env, lang, &[&["trust", "status-key"][..], &key, &["status.pub"]].concat(), true);
    said.run(&env, lang, &[&["trust", "status-key"][..], &key, &["status2.pub"]].concat(), true);
    said.run(&env, lang, &[&["trust", "status-key"][..], &key, &["status.pub"]].concat(), true);
    said.run(&env, lang, &["trust", "sign", "--list", "list.json", "--root", "root", "--out", "signed.json"], true);

    env.write("cert.json", &cert_now("S-A"));
    let issue = ["issue", "--key", "issuer", "--input", "cert.json", "--trust-list", "signed.json"];
    let (a, told) = said.run(&env, lang, &issue, true);
    let a = a.trim().to_owned();
    env.write("cert.json", &cert_now("S-B"));
    let b = said.run(&env, lang, &issue, true).0.trim().to_owned();

    let status = ["--list", "list.json", "--key", "status"];
    said.run(&env, lang, &[&["trust", "status", "full"][..], &status, &["--out", "full.json"]].concat(), true);
    let key_id = cachet::keys::PublicKey::from_text(&env.read("issuer.pub")).unwrap().key_id().to_string();
    // The index of `a`, as issue told it: KEY_ID:INDEX.
    let at = told.find(&format!("{key_id}:")).unwrap_or_else(|| panic!("{told}"));
    let index: String = told[at + 17..].chars().take_while(char::is_ascii_digit).collect();
    let revoke = ["trust", "revoke", "--list", "list.json", "--key-id", &key_id, "--index", &index];
    said.run(&env, lang, &revoke, true);
    said.run(&env, lang, &[&["trust", "status", "delta"][..], &status, &["--out", "d2.json"]].concat(), true);
    said.run(&env, lang, &[&["trust", "status", "publish"][..], &status, &["--dir", "pub"]].concat(), true);
    said.run(&env, lang, &[&["trust", "status", "publish"][..], &status, &["--dir", "pub"]].concat(), true);

    // Verified with the status documents: the report for people, and the
    // JSON one whose codes must not reach a sentence.
    let verify = ["verify", "--trust", "signed.json", "--root", "root.pub", "--state", "state.json"];
    let given = ["--status", "full.json", "--status", "d2.json"];
    said.run(&env, lang, &[&verify[..], &given, &[&a]].concat(), false);
    said.run(&env, lang, &[&verify[..], &given, &[&b]].concat(), true);
    for text in [&a, &b] {
        let out = env.run(&[&verify[..], &given, &["--json", text]].concat());
        for report in json_lines(&stdout(&out)) {
            json_codes.insert(report["status"].as_str().unwrap().to_owned());
            for check in report["checks"].as_array().unwrap() {
                json_codes.extend(check["code"].as_str().map(str::to_owned));
                json_codes.extend(check["check"].as_str().map(str::to_owned));
            }
        }
    }
    // Refused: older than the one applied, and a delta without its base.
    said.run(&env, lang, &[&verify[..], &["--status", "full.json", &a]].concat(), false);
    said.run(
        &env,
        lang,
        &[&["verify", "--trust", "signed.json", "--root", "root.pub", "--no-state"][..], &["--status", "d2.json", &a]]
            .concat(),
        false,
    );

    // A compromised key, and the list signed after it.
    let allow = ["trust", "compromise", "--list", "list.json", "--key", "issuer.pub", "--reason", "stolen laptop"];
    env.write("allow.txt", &format!("{b}\n"));
    said.run(&env, lang, &[&allow[..], &["--allow", "allow.txt"]].concat(), true);
    said.run(&env, lang, &["trust", "sign", "--list", "list.json", "--root", "root", "--out", "signed.json"], true);
    (said, json_codes)
}

#[test]
fn no_utc_instant_and_no_raw_code_in_what_a_person_reads() {
    for lang in ["fr", "en"] {
        let (said, json_codes) = scenario(lang);
        let codes = codes(&json_codes);
        let all = said.all();
        for (command, line) in &said.lines {
            assert!(!holds_utc_instant(line), "{lang}, {command}: a UTC instant in \"{line}\"");
            let sentence = sentence_part(line);
            for code in &codes {
                assert!(!holds_code(&sentence, code), "{lang}, {command}: the code {code} in \"{line}\"");
            }
        }
        // The times are there, in the reader's words.
        let (hour, day) = if lang == "fr" { (" h ", "jusqu'au ") } else { ("(Paris time)", "until ") };
        for code_line in ["status-key", "status full", "status delta", "status publish", "sign --list"] {
            let said_there: Vec<&str> =
                said.lines.iter().filter(|(c, _)| c.contains(code_line)).map(|(_, l)| l.as_str()).collect();
            assert!(
                said_there.iter().any(|l| l.contains(hour)),
                "{lang}, {code_line}: no time of day in {said_there:?}"
            );
        }
        assert!(all.contains(day), "{lang}: {all}");
        // verify --status told the status applied, with its end in words.
        let applied = said.lines.iter().find(|(c, l)| c.starts_with("verify") && l.contains(hour));
        assert!(applied.is_some(), "{lang}: {all}");
        // The refusals name their document and keep the code at the end.
        assert!(all.contains("full.json") && all.contains("[status-rollback]"), "{lang}: {all}");
        assert!(all.contains("[status-wrong-base]"), "{lang}: {all}");
        // The issuer's kind, in words.
        let kind = if lang == "fr" { "certificat de scolarité" } else { "school certificate" };
        assert!(all.contains(kind), "{lang}: {all}");
    }
}

#[test]
fn the_checks_of_this_test_catch_what_they_look_for() {
    assert!(holds_utc_instant("valable jusqu'au 2026-12-06T08:39:50Z"));
    assert!(!holds_utc_instant("du 01/09/2026 au 31/08/2027, 2026-2027"));
    assert!(holds_code("document de statut refusé : status-expired", "status-expired"));
    assert!(holds_code("(status-expired)", "status-expired"));
    assert!(holds_code("fin : status-expired.", "status-expired"));
    assert!(!holds_code("pub/full-2.json", "full-2"));
    assert!(!holds_code("trust-list.json", "trust-list"));
    assert!(!holds_code("trust-list-stale", "trust-list"));
    assert_eq!(sentence_part("cachet: refusé [status-expired]"), "cachet: refusé ");
    assert_eq!(sentence_part("  Code pour l’assistance : trust-list-invalid"), "  ");
}
