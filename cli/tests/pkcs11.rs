//! Keys in a hardware module: `cachet` against Debian's SoftHSM2, a real
//! PKCS#11 module. Each test makes its own token directory and
//! `softhsm2.conf` in a temporary directory (given to the children by
//! `SOFTHSM2_CONF`), initialises a token with `softhsm2-util`, makes its
//! keys with `cachet keygen --pkcs11`, and checks what the command signs
//! with `cachet verify` against a trust list signed by a root.
//!
//! Without SoftHSM2 (`apt-get install softhsm2`), each test says that it is
//! skipped and why, and fails under `CI=true`.

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Debian's SoftHSM2 module, the command's default.
const MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";
const PIN: &str = "4711-user";
const SO_PIN: &str = "0815-so";

/// Whether SoftHSM2 is here; under `CI=true` its absence fails the test.
fn softhsm_present(test: &str) -> bool {
    let util = Command::new("softhsm2-util").arg("--version").output().is_ok_and(|o| o.status.success());
    if util && Path::new(MODULE).exists() {
        return true;
    }
    let why = format!("SoftHSM2 is not installed ({MODULE} or softhsm2-util missing): apt-get install softhsm2");
    assert!(std::env::var("CI").as_deref() != Ok("true"), "{test}: {why}; under CI=true this test must run");
    eprintln!("{test}: skipped: {why}");
    false
}

/// A SoftHSM2 of the test's own: its configuration and token directory in
/// the test's temporary directory, one initialised token.
struct Hsm {
    env: Env,
    conf: PathBuf,
}

impl Hsm {
    /// The module set up with one token labelled `label`; `None` when
    /// SoftHSM2 is not installed (outside CI).
    fn new(test: &str, label: &str) -> Option<Hsm> {
        if !softhsm_present(test) {
            return None;
        }
        let env = Env::new();
        std::fs::create_dir(env.path("tokens")).unwrap();
        let conf = env.path("softhsm2.conf");
        let text = format!(
            "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n",
            env.path("tokens").display()
        );
        std::fs::write(&conf, text).unwrap();
        let hsm = Hsm { env, conf };
        hsm.init_token(label);
        Some(hsm)
    }

    fn init_token(&self, label: &str) {
        let out = Command::new("softhsm2-util")
            .env("SOFTHSM2_CONF", &self.conf)
            .args(["--init-token", "--free", "--label", label, "--pin", PIN, "--so-pin", SO_PIN])
            .output()
            .unwrap();
        assert!(out.status.success(), "softhsm2-util --init-token: {}", stderr(&out));
    }

    /// The command with this module's configuration and the user PIN in
    /// `CACHET_PKCS11_PIN`, in English.
    fn cachet(&self) -> Command {
        let mut cmd = self.env.cachet();
        cmd.env("SOFTHSM2_CONF", &self.conf).env("CACHET_PKCS11_PIN", PIN).env_remove("CACHET_PKCS11_MODULE");
        cmd.arg("--lang").arg("en");
        cmd
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cachet().args(args).stdin(Stdio::null()).output().unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(out.status.success(), "cachet {args:?} failed: {}", stderr(&out));
        stdout(&out)
    }

    /// Runs and expects a refusal (exit 2, no panic) with `code`.
    fn refused(&self, args: &[&str], code: &str) -> String {
        self.refused_by(self.cachet().args(args), code)
    }

    fn refused_by(&self, cmd: &mut Command, code: &str) -> String {
        let out = cmd.stdin(Stdio::null()).output().unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{cmd:?}: {err}");
        assert!(err.contains(&format!("[{code}]")), "{cmd:?}: expected [{code}], got: {err}");
        err
    }

    /// Imports the Ed25519 key of `seed` into token `token` as `object` (`softhsm2-util --import`, PKCS#8).
    fn import(&self, token: &str, object: &str, seed: &[u8; 32]) {
        let pem = self.env.write(&format!("{object}.pk8.pem"), &pkcs8_pem(seed));
        let out = Command::new("softhsm2-util")
            .env("SOFTHSM2_CONF", &self.conf)
            .args(["--import", pem.to_str().unwrap(), "--token", token, "--label", object, "--id", "01"])
            .args(["--pin", PIN])
            .output()
            .unwrap();
        assert!(out.status.success(), "softhsm2-util --import: {}", stderr(&out));
        std::fs::remove_file(pem).unwrap();
    }

    /// `keygen --pkcs11` of `object` in token `token`, public key to `NAME.pub`; gives the key id.
    fn keygen(&self, token: &str, object: &str, name: &str) -> String {
        let out = self.ok(&["keygen", "--pkcs11", &uri(token, object), "--out", name]);
        let id = out.lines().find_map(|l| l.strip_prefix("Key id: ")).unwrap().to_owned();
        assert_eq!(out.lines().last().unwrap().trim(), self.env.read(&format!("{name}.pub")).trim());
        assert!(out.contains("the secret key never leaves it"), "{out}");
        id
    }

    /// A root key file, and a list trusting `issuer.pub` for 2024 to 2030, signed by `root` (a file or a URI).
    fn trust_list(&self, issuer_pub: &str, root: &str) {
        let add = ["trust", "add", "--list", "list.json", "--key", issuer_pub, "--name", "Académie de Paris"];
        self.ok(&[&add[..], &["--from", "2024-01-01", "--until", "2030-12-31"]].concat());
        self.ok(&["trust", "sign", "--list", "list.json", "--root", root, "--out", "signed.json"]);
    }

    fn verify(&self, root_pub: &str, inputs: &[&str]) -> Vec<serde_json::Value> {
        let mut args = vec!["verify", "--trust", "signed.json", "--root", root_pub, "--json", "--at", DURING_YEAR];
        args.extend_from_slice(inputs);
        json_lines(&stdout(&self.run(&args)))
    }
}

/// An Ed25519 seed as PKCS#8 in PEM (RFC 8410: a fixed 16-byte DER prefix, then the seed).
fn pkcs8_pem(seed: &[u8; 32]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut der = vec![0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];
    der.extend_from_slice(seed);
    // 48 bytes: base64 without padding.
    let text: String = der
        .chunks(3)
        .flat_map(|c| {
            let n = u32::from(c[0]) << 16 | u32::from(c[1]) << 8 | u32::from(c[2]);
            (0..4).rev().map(move |i| char::from(ALPHABET[(n >> (6 * i) & 63) as usize]))
        })
        .collect();
    format!("-----BEGIN PRIVATE KEY-----\n{text}\n-----END PRIVATE KEY-----\n")
}

fn uri(token: &str, object: &str) -> String {
    format!("pkcs11:token={token};object={object}")
}

/// A CSV of `rows` distinct pupils, each with its issue date.
fn write_csv(path: &Path, rows: usize) {
    use std::io::Write;
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(f, "Nom,Prénom,Date de naissance,UAI,school_name,school_town,academie,school_year,Niveau,issued_on")
        .unwrap();
    for i in 0..rows {
        let (mut n, mut suffix) = (i, String::new());
        loop {
            suffix.push((b'a' + (n % 26) as u8) as char);
            n /= 26;
            if n == 0 {
                break;
            }
        }
        writeln!(f, "Martin-{suffix},Léa,12/04/2013,0750654D,Collège Victor Hugo,Paris,Paris,2025-2026,6e,2025-09-15")
            .unwrap();
    }
}

/// The `KEY_ID:INDEX` the command told on stderr, as (key id, index).
fn told_index(out: &Output) -> (String, u64) {
    let err = stderr(out);
    let line = err.lines().find_map(|l| l.strip_prefix("Status index: ")).unwrap_or_else(|| panic!("{err}"));
    let told = line.split_whitespace().next().unwrap();
    let (key_id, index) = told.split_once(':').unwrap();
    (key_id.to_owned(), index.parse().unwrap())
}

/// A list trusting `issuer.pub` with a status capacity of 1000, signed by the file `root`.
fn status_list(hsm: &Hsm) {
    hsm.env.run(&["keygen", "--out", "root"]);
    let add = ["trust", "add", "--list", "list.json", "--key", "issuer.pub", "--name", "Académie de Paris"];
    hsm.ok(&[&add[..], &["--from", "2024-01-01", "--until", "2030-12-31", "--status-capacity", "1000"]].concat());
    hsm.ok(&["trust", "sign", "--list", "list.json", "--root", "root", "--out", "signed.json"]);
}

fn tokens_of(out: &str) -> Vec<String> {
    json_lines(out).iter().map(|l| l["token"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn a_key_made_in_the_module_issues_certificates_that_verify() {
    let Some(hsm) = Hsm::new("a_key_made_in_the_module_issues_certificates_that_verify", "academie") else { return };
    let key_id = hsm.keygen("academie", "paris-2025", "paris");
    // The root stays offline, as a file here.
    hsm.env.run(&["keygen", "--out", "root"]);
    hsm.trust_list("paris.pub", "root");
    hsm.env.write("cert.json", CERT_JSON);
    let key = uri("academie", "paris-2025");
    let out = hsm.run(&["issue", "--key", &key, "--input", "cert.json", "--trust-list", "list.json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // The key made by keygen is sensitive and not extractable: no warning.
    assert!(!stderr(&out).contains("pkcs11-key-extractable"), "{}", stderr(&out));
    let token = stdout(&out).trim().to_owned();
    let reports = hsm.verify("root.pub", &[&token]);
    assert_eq!(reports[0]["status"], "valid", "{:?}", reports[0]);
    assert_eq!(reports[0]["issuer"]["key_id"], key_id.as_str(), "{:?}", reports[0]);
    // Ed25519 is deterministic: the module signs the same certificate to the same token.
    assert_eq!(hsm.ok(&["issue", "--key", &key, "--input", "cert.json"]).trim(), token);
    // The key is named by its id too (keygen sets CKA_ID to the key id).
    let id: String = (0..8).map(|i| format!("%{}", &key_id[2 * i..2 * i + 2])).collect();
    let by_id = format!("pkcs11:token=academie;id={id}");
    assert_eq!(hsm.ok(&["issue", "--key", &by_id, "--input", "cert.json"]).trim(), token);
    // The PIN from a file named in the URI, without the variable.
    hsm.env.write("pin.txt", &format!("{PIN}\n"));
    let with_file = format!("{key}?pin-source=file:{}", hsm.env.path("pin.txt").display());
    let mut cmd = hsm.cachet();
    cmd.env_remove("CACHET_PKCS11_PIN").args(["issue", "--key", &with_file, "--input", "cert.json"]);
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), token);
}

#[test]
fn a_root_in_the_module_signs_the_trust_list() {
    let Some(hsm) = Hsm::new("a_root_in_the_module_signs_the_trust_list", "root-ceremony") else { return };
    let root_id = hsm.keygen("root-ceremony", "root-2025", "root");
    let issuer_id = hsm.keygen("root-ceremony", "issuer", "issuer");
    hsm.trust_list("issuer.pub", &uri("root-ceremony", "root-2025"));
    let signed: serde_json::Value = serde_json::from_str(&hsm.env.read("signed.json")).unwrap();
    assert_eq!(signed["signature"]["key_id"], root_id.as_str());
    hsm.env.write("cert.json", CERT_JSON);
    let token = hsm.ok(&["issue", "--key", &uri("root-ceremony", "issuer"), "--input", "cert.json"]);
    let reports = hsm.verify("root.pub", &[token.trim()]);
    assert_eq!(reports[0]["status"], "valid", "{:?}", reports[0]);
    assert_eq!(reports[0]["issuer"]["key_id"], issuer_id.as_str());
    // A list signed by another root is refused by a verifier pinning this one.
    hsm.env.run(&["keygen", "--out", "other"]);
    let reports = hsm.verify("other.pub", &[token.trim()]);
    assert_ne!(reports.first().map(|r| r["status"].clone()), Some("valid".into()));
}

#[test]
fn a_batch_signs_in_parallel_sessions_and_every_line_verifies() {
    let Some(hsm) = Hsm::new("a_batch_signs_in_parallel_sessions_and_every_line_verifies", "batch") else { return };
    hsm.keygen("batch", "issuer", "issuer");
    hsm.env.run(&["keygen", "--out", "root"]);
    hsm.trust_list("issuer.pub", "root");
    write_csv(&hsm.env.path("pupils.csv"), 300);
    let key = uri("batch", "issuer");
    let batch = ["issue", "--key", &key, "--csv", "pupils.csv", "--out", "out.jsonl", "--jobs", "3"];
    hsm.ok(&batch);
    let first = hsm.env.read("out.jsonl");
    let tokens = tokens_of(&first);
    assert_eq!(tokens.len(), 300);
    std::fs::write(hsm.env.path("tokens.txt"), tokens.join("\n")).unwrap();
    let args = ["verify", "--trust", "signed.json", "--root", "root.pub", "--at", DURING_YEAR, "--batch", "tokens.txt"];
    let out = hsm.run(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    let reports = json_lines(&stdout(&out));
    assert_eq!(reports.len(), 300);
    assert!(reports.iter().all(|r| r["status"] == "valid"), "{:?}", reports.iter().find(|r| r["status"] != "valid"));
    // One session (one thread) signs the very same bytes.
    hsm.ok(&[&batch[..5], &["--out", "one.jsonl", "--jobs", "1"]].concat());
    assert_eq!(hsm.env.read("one.jsonl"), first);
    // A rerun resumes: nothing left to sign, OUT unchanged.
    hsm.ok(&batch);
    assert_eq!(hsm.env.read("out.jsonl"), first);
    // Another key on the same output is refused, as for key files.
    hsm.env.run(&["keygen", "--out", "file-key"]);
    hsm.refused(&["issue", "--key", "file-key", "--csv", "pupils.csv", "--out", "out.jsonl"], "batch-changed");
}

#[test]
fn a_token_removed_mid_batch_stops_it_and_a_rerun_resumes() {
    let Some(hsm) = Hsm::new("a_token_removed_mid_batch_stops_it_and_a_rerun_resumes", "removable") else { return };
    hsm.keygen("removable", "issuer", "issuer");
    // Two chunks of 8192 rows and some: the token goes while the second is signed.
    let rows = 8192 * 2 + 100;
    write_csv(&hsm.env.path("pupils.csv"), rows);
    let key = uri("removable", "issuer");
    let batch = ["issue", "--key", &key, "--csv", "pupils.csv", "--out", "out.jsonl", "--jobs", "2"];
    let mut child = hsm.cachet().args(batch).stdin(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
    let out_path = hsm.env.path("out.jsonl");
    let started = Instant::now();
    // The first chunk written: take the token away.
    while std::fs::metadata(&out_path).map_or(0, |m| m.len()) == 0 {
        assert!(child.try_wait().unwrap().is_none(), "the batch ended before its first chunk was written");
        assert!(started.elapsed() < Duration::from_secs(600), "no chunk written in 10 minutes");
        std::thread::sleep(Duration::from_millis(10));
    }
    std::fs::rename(hsm.env.path("tokens"), hsm.env.path("tokens.away")).unwrap();
    std::fs::create_dir(hsm.env.path("tokens")).unwrap();
    let out = child.wait_with_output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("[pkcs11-token-removed]"), "{err}");
    assert!(err.contains("[batch-stopped]"), "{err}");
    let written = hsm.env.read("out.jsonl");
    let done = json_lines(&written);
    assert!(done.len() >= 8192 && done.len() < rows, "{} lines written", done.len());
    // The error names the first line not signed: the one after the last written.
    let next = done.last().unwrap()["line"].as_u64().unwrap() + 1;
    assert!(err.contains(&format!("batch stopped at line {next}:")), "{err}");
    assert!(hsm.env.path("out.jsonl.batch.json").exists(), "the resume record is kept");

    // The token back: the same command resumes at that line and finishes.
    std::fs::remove_dir(hsm.env.path("tokens")).unwrap();
    std::fs::rename(hsm.env.path("tokens.away"), hsm.env.path("tokens")).unwrap();
    let out = hsm.run(&batch);
    assert!(out.status.success(), "{}", stderr(&out));
    let left = rows - done.len();
    assert!(stderr(&out).contains(&format!("{left} certificate(s) signed")), "{}", stderr(&out));
    let all = hsm.env.read("out.jsonl");
    assert!(all.starts_with(&written));
    let lines: Vec<u64> = json_lines(&all).iter().map(|l| l["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, (2..rows as u64 + 2).collect::<Vec<_>>());
}

#[test]
fn what_goes_wrong_with_a_module_has_a_stable_code() {
    let Some(hsm) = Hsm::new("what_goes_wrong_with_a_module_has_a_stable_code", "errors") else { return };
    hsm.keygen("errors", "issuer", "issuer");
    hsm.env.write("cert.json", CERT_JSON);
    let key = uri("errors", "issuer");
    let issue =
        |key: &str| vec!["issue".to_owned(), "--key".into(), key.to_owned(), "--input".into(), "cert.json".into()];
    let refused = |key: &str, code: &str| {
        let args = issue(key);
        hsm.refused(&args.iter().map(String::as_str).collect::<Vec<_>>(), code)
    };
    // The module.
    refused(&format!("{key}?module-path=/nonexistent/libpkcs11.so"), "pkcs11-module-missing");
    let mut cmd = hsm.cachet();
    cmd.env("CACHET_PKCS11_MODULE", "/nonexistent/lib.so").args(issue(&key));
    let err = hsm.refused_by(&mut cmd, "pkcs11-module-missing");
    assert!(err.contains("apt-get install softhsm2"), "{err}");
    let not_a_module = hsm.env.write("not-a-module.so", "not a library");
    refused(&format!("{key}?module-path={}", not_a_module.display()), "pkcs11-module");
    // The token and the key.
    refused(&uri("no-such-token", "issuer"), "pkcs11-token-missing");
    refused(&uri("errors", "no-such-key"), "pkcs11-object-missing");
    refused("pkcs11:token=errors;objet=issuer", "pkcs11-uri-invalid");
    // The PIN: never in the URI, wrong, missing.
    let err = refused(&format!("{key}?pin-value={PIN}"), "pkcs11-pin-in-uri");
    assert!(!err.contains(PIN), "{err}");
    let mut cmd = hsm.cachet();
    cmd.env("CACHET_PKCS11_PIN", "0000").args(issue(&key));
    hsm.refused_by(&mut cmd, "pkcs11-pin-incorrect");
    let mut cmd = hsm.cachet();
    cmd.env_remove("CACHET_PKCS11_PIN").args(issue(&key));
    hsm.refused_by(&mut cmd, "pkcs11-pin-missing");
    // A label already used is not generated again.
    hsm.refused(&["keygen", "--pkcs11", &key], "pkcs11-object-exists");
    // The key read from the token must be the one the trust list names.
    hsm.env.run(&["keygen", "--out", "other"]);
    hsm.env.run(&["trust", "add", "--list", "list.json", "--key", "other.pub", "--name", "Autre"]);
    let mut args = issue(&key);
    args.extend(["--trust-list".into(), "list.json".into()]);
    hsm.refused(&args.iter().map(String::as_str).collect::<Vec<_>>(), "key-not-listed");
    // Status indices need the key's state, which a module's key does not begin unasked.
    let mut args = issue(&key);
    args.push("--status".into());
    hsm.refused(&args.iter().map(String::as_str).collect::<Vec<_>>(), "status-state-missing");
    // Nowhere to keep it by default: --status-state is asked for.
    let mut cmd = hsm.cachet();
    cmd.env_remove("XDG_STATE_HOME").env_remove("HOME").args(&args);
    let err = hsm.refused_by(&mut cmd, "status-state-no-default");
    assert!(err.contains("--status-state"), "{err}");
    // --status-state-new begins status indices only when some are asked for.
    let mut args = issue(&key);
    args.push("--status-state-new".into());
    hsm.refused(&args.iter().map(String::as_str).collect::<Vec<_>>(), "status-state-new-without-status");
    // After all this, the right PIN still works (the wrong one was tried once).
    hsm.ok(&issue(&key).iter().map(String::as_str).collect::<Vec<_>>());
}

#[test]
fn a_module_key_gives_status_indices_that_revoke() {
    let Some(hsm) = Hsm::new("a_module_key_gives_status_indices_that_revoke", "status") else { return };
    let key_id = hsm.keygen("status", "issuer", "issuer");
    status_list(&hsm);
    hsm.env.write("cert.json", CERT_JSON);
    let key = uri("status", "issuer");
    let issue = ["issue", "--key", &key, "--input", "cert.json", "--trust-list", "list.json"];
    // The default state: under XDG_STATE_HOME (the test's folder), named by the key id.
    let state_name = format!(".state/cachet/status/{key_id}.status.json");
    // No state: refused, not begun again from ordinal 0 (it would give indices again).
    let err = hsm.refused(&issue, "status-state-missing");
    assert!(err.contains("--status-state-new"), "{err}");
    assert!(!hsm.env.path(&state_name).exists());

    let first = hsm.run(&[&issue[..], &["--status-state-new"]].concat());
    assert!(first.status.success(), "{}", stderr(&first));
    let (told_key, i0) = told_index(&first);
    assert_eq!(told_key, key_id, "KID:N names the module's key");
    let state: serde_json::Value = serde_json::from_str(&hsm.env.read(&state_name)).unwrap();
    assert_eq!(state["key_id"], key_id.as_str());
    assert_eq!(state["index_key"], "signature-v1");
    assert_eq!((state["next"].as_u64(), state["capacity"].as_u64()), (Some(1), Some(1000)));
    // Begun once only.
    hsm.refused(&[&issue[..], &["--status-state-new"]].concat(), "status-state-exists");
    // Two more runs continue the counter, each index new.
    let second = hsm.run(&issue);
    assert!(second.status.success(), "{}", stderr(&second));
    let third = hsm.run(&issue);
    assert!(third.status.success(), "{}", stderr(&third));
    let indices = [i0, told_index(&second).1, told_index(&third).1];
    assert!(indices[0] != indices[1] && indices[1] != indices[2] && indices[0] != indices[2], "{indices:?}");
    assert!(indices.iter().all(|i| *i < 1000), "{indices:?}");
    let state: serde_json::Value = serde_json::from_str(&hsm.env.read(&state_name)).unwrap();
    assert_eq!(state["next"], 3);
    // The permutation's key is the same in every session: a copy of the
    // state at ordinal 0 gives the first index again (and the same token).
    let copy = hsm.env.read(&state_name).replace("\"next\": 3", "\"next\": 0");
    hsm.env.write("again.json", &copy);
    let again = hsm.run(&[&issue[..], &["--status-state", "again.json"]].concat());
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(told_index(&again).1, i0);
    assert_eq!(stdout(&again), stdout(&first));

    // Revoked by its index, the first certificate is revoked; the second is not.
    let tokens = [stdout(&first).trim().to_owned(), stdout(&second).trim().to_owned()];
    assert_eq!(hsm.verify("root.pub", &[&tokens[0]])[0]["status"], "valid");
    hsm.ok(&["trust", "revoke", "--list", "list.json", "--key-id", &key_id, "--index", &i0.to_string()]);
    hsm.ok(&["trust", "sign", "--list", "list.json", "--root", "root", "--out", "signed.json"]);
    let reports = hsm.verify("root.pub", &[&tokens[0], &tokens[1]]);
    assert_eq!(reports[0]["status"], "revoked", "{:?}", reports[0]);
    assert!(reports[0].to_string().contains("status-revoked"), "{:?}", reports[0]);
    assert_eq!(reports[1]["status"], "valid", "{:?}", reports[1]);

    // A corrupt state is refused, and is not written over.
    hsm.env.write(&state_name, "{\"format\": \"cachet-status-ordinals/1\", \"next\": ");
    hsm.refused(&issue, "status-state-invalid");
    hsm.refused(&[&issue[..], &["--status-state-new"]].concat(), "status-state-exists");
    assert!(hsm.env.read(&state_name).ends_with("\"next\": "));
    // A state begun with the key's file (indices from its seed) cannot go on in the module.
    let seeded = format!(
        "{{\"format\": \"cachet-status-ordinals/1\", \"key_id\": \"{key_id}\", \"capacity\": 1000, \"next\": 5}}\n"
    );
    hsm.env.write("seeded.json", &seeded);
    hsm.refused(&[&issue[..], &["--status-state", "seeded.json"]].concat(), "pkcs11-status-seed-state");
    assert_eq!(hsm.env.read("seeded.json"), seeded, "no ordinal taken");
    // A missing state named by --status-state: refused too.
    hsm.refused(&[&issue[..], &["--status-state", "none.json"]].concat(), "status-state-missing");
    assert!(!hsm.env.path("none.json").exists());
}

#[test]
fn a_module_batch_takes_distinct_indices_and_resumes_with_them() {
    let Some(hsm) = Hsm::new("a_module_batch_takes_distinct_indices_and_resumes_with_them", "batch-status") else {
        return;
    };
    let key_id = hsm.keygen("batch-status", "issuer", "issuer");
    status_list(&hsm);
    write_csv(&hsm.env.path("pupils.csv"), 40);
    let key = uri("batch-status", "issuer");
    let batch = |out: &str| -> Vec<String> {
        let args = ["issue", "--key", &key, "--csv", "pupils.csv", "--out", out, "--jobs", "2"];
        let status = ["--trust-list", "list.json", "--status-state", "state.json"];
        args.iter().chain(&status).map(|a| a.to_string()).collect()
    };
    let run = |args: &[String]| hsm.run(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let first = batch("one.jsonl");
    let out = run(&first);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("[status-state-missing]"), "{}", stderr(&out));
    assert!(!hsm.env.path("one.jsonl.status.json").exists(), "no block recorded");

    let out = run(&[&first[..], &["--status-state-new".to_owned()]].concat());
    assert!(out.status.success(), "{}", stderr(&out));
    let written = hsm.env.read("one.jsonl");
    let lines = json_lines(&written);
    assert_eq!(lines.len(), 40);
    let index_of = |l: &serde_json::Value| {
        let told = l["status"].as_str().unwrap();
        let (k, i) = told.split_once(':').unwrap();
        assert_eq!(k, key_id);
        i.parse::<u64>().unwrap()
    };
    let mut seen: std::collections::BTreeSet<u64> = lines.iter().map(index_of).collect();
    assert_eq!(seen.len(), 40, "distinct indices");
    let record: serde_json::Value = serde_json::from_str(&hsm.env.read("one.jsonl.status.json")).unwrap();
    assert_eq!(record["index_key"], "signature-v1");
    assert_eq!((record["first"].as_u64(), record["count"].as_u64()), (Some(0), Some(40)));

    // A rerun resumes from the record (the key signs its fixed message again): OUT unchanged.
    let out = run(&first);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(hsm.env.read("one.jsonl"), written);
    // Cut the last lines: the resumed batch signs them to the same bytes, same indices.
    let kept: String = written.lines().take(25).map(|l| format!("{l}\n")).collect();
    hsm.env.write("one.jsonl", &kept);
    let out = run(&first);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(hsm.env.read("one.jsonl"), written);

    // A second batch continues the counter: 40 more indices, none given before.
    let out = run(&batch("two.jsonl"));
    assert!(out.status.success(), "{}", stderr(&out));
    let record: serde_json::Value = serde_json::from_str(&hsm.env.read("two.jsonl.status.json")).unwrap();
    assert_eq!(record["first"], 40);
    let state: serde_json::Value = serde_json::from_str(&hsm.env.read("state.json")).unwrap();
    assert_eq!(state["next"], 80);
    let second = json_lines(&hsm.env.read("two.jsonl"));
    for l in &second {
        assert!(seen.insert(index_of(l)), "index given twice: {l}");
    }

    // One of the second batch revoked by its index: that one is revoked, its neighbour valid.
    let revoked = index_of(&second[7]);
    hsm.ok(&["trust", "revoke", "--list", "list.json", "--key-id", &key_id, "--index", &revoked.to_string()]);
    hsm.ok(&["trust", "sign", "--list", "list.json", "--root", "root", "--out", "signed.json"]);
    let tokens: Vec<&str> = [&second[7], &second[8], &lines[7]].iter().map(|l| l["token"].as_str().unwrap()).collect();
    let reports = hsm.verify("root.pub", &tokens);
    let statuses: Vec<&str> = reports.iter().map(|r| r["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["revoked", "valid", "valid"], "{reports:?}");

    // A corrupt resume record is refused with its code.
    hsm.env.write("two.jsonl.status.json", "not json");
    let out = run(&batch("two.jsonl"));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("[status-state-invalid]"), "{}", stderr(&out));
}

#[test]
fn a_key_in_the_module_and_in_a_file_give_the_same_indices_from_its_signature() {
    use cachet::status_list::{status_index, status_index_keyed, IndexKey};
    let test = "a_key_in_the_module_and_in_a_file_give_the_same_indices_from_its_signature";
    let Some(hsm) = Hsm::new(test, "imported") else { return };
    // One key in both places: a key file, and the same seed imported into the token.
    let seed = [7u8; 32];
    let secret = cachet::keys::SecretKey::from_seed(&seed);
    let file = hsm.env.write("issuer", &secret.to_text());
    #[cfg(unix)]
    std::fs::set_permissions(&file, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    hsm.env.write("issuer.pub", &secret.public_key().to_text());
    hsm.import("imported", "issuer", &seed);
    status_list(&hsm);
    hsm.env.write("cert.json", CERT_JSON);
    let module = uri("imported", "issuer");
    let issue = |key: &str, state: &[&str]| {
        let out =
            hsm.run(&[&["issue", "--key", key, "--input", "cert.json", "--trust-list", "list.json"], state].concat());
        assert!(out.status.success(), "{}", stderr(&out));
        let (key_id, index) = told_index(&out);
        assert_eq!(key_id, secret.key_id().to_string());
        (index, stdout(&out))
    };
    // The module's indices: the core's permutation keyed by the key's signature of the fixed message.
    let by_signature = IndexKey::by_signature(&secret);
    let expected: Vec<u64> = (0..3).map(|n| u64::from(status_index_keyed(&by_signature, n, 1000).unwrap())).collect();
    let (i0, token0) = issue(&module, &["--status-state", "module.json", "--status-state-new"]);
    let (i1, _) = issue(&module, &["--status-state", "module.json"]);
    let (i2, _) = issue(&module, &["--status-state", "module.json"]);
    assert_eq!(vec![i0, i1, i2], expected);
    // The key file goes on with the module's state: the next index, from the same permutation.
    std::fs::copy(hsm.env.path("module.json"), hsm.env.path("file-copy.json")).unwrap();
    let (i3, _) = issue("issuer", &["--status-state", "file-copy.json"]);
    assert_eq!(u64::from(status_index_keyed(&by_signature, 3, 1000).unwrap()), i3);
    // And at ordinal 0, the module's first certificate, to the byte.
    let first = hsm.env.read("module.json").replace("\"next\": 3", "\"next\": 0");
    hsm.env.write("file-first.json", &first);
    assert_eq!(issue("issuer", &["--status-state", "file-first.json"]), (i0, token0));
    // The key file's own state keeps the seed's permutation, as before modules had status.
    let (seeded, _) = issue("issuer", &[]);
    assert_eq!(seeded, u64::from(status_index(&secret, 0, 1000).unwrap()));
    assert_ne!(IndexKey::of_seed(&secret), by_signature);
    let state: serde_json::Value = serde_json::from_str(&hsm.env.read("issuer.status.json")).unwrap();
    assert!(state.get("index_key").is_none(), "{state}");
    // The module cannot go on with it: a module never gives the seed.
    let err = hsm.refused(
        &["issue", "--key", &module, "--input", "cert.json", "--status", "--status-state", "issuer.status.json"],
        "pkcs11-status-seed-state",
    );
    assert!(err.contains("issuer.status.json"), "{err}");
}
