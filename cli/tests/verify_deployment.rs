//! `cachet verify-deployment`, the real binary, on what it must refuse or
//! report without a web server: an edited manifest, a manifest of another
//! key and an address that is not https are refused before anything is
//! fetched (exit 2); a site that does not answer has each file named (exit
//! 1). The checks against a real server (Debian's nginx: the honest site,
//! a patched app.js and app.js.gz, a missing CSP, an edited manifest) are
//! in the `deploy` step of `cargo xtask test` (xtask/src/deploy.rs,
//! `check_release`), which signs with `cargo xtask release` itself.

use cachet::keys::SecretKey;
use ed25519_dalek::Signer;
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// A release of two files and the trust list, as `cargo xtask release` writes one.
const RELEASE: &str = r#"{
  "commit": "0123456789abcdef",
  "files": [
    {
      "headers": {"Content-Security-Policy": "default-src 'none'", "Content-Type": "text/html; charset=utf-8"},
      "path": "/",
      "sha256": "6a2da20943931e9834fc12cfe5bb47bbd9ae43489a30726962b576f4e3993e50",
      "size": 15
    },
    {
      "headers": {"Content-Type": "text/javascript; charset=utf-8"},
      "path": "/app.js",
      "sha256": "b5bb9d8014a0f9b1d61e21e796d78dccdf1352f23cd32812f4850b878ae4944c",
      "size": 4
    },
    {"content": "trust-list", "headers": {"Content-Type": "application/json"}, "path": "/trust-list.json"}
  ],
  "format": "cachet-release/1"
}"#;

/// The signed manifest of `release` by the key of `seed` (xtask/src/release.rs's layout).
fn signed(seed: [u8; 32], release: &str) -> String {
    let key = SecretKey::from_seed(&seed);
    let mut input = b"cachet release v1\n".to_vec();
    input.extend_from_slice(release.as_bytes());
    let sig = ed25519_dalek::SigningKey::from_bytes(&seed).sign(&input).to_bytes();
    let hex: String = sig.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{{\n\"signature\": {{\"alg\":\"EdDSA\",\"key_id\":\"{}\",\"value\":\"{hex}\"}},\n\"release\": {release}\n}}\n",
        key.key_id()
    )
}

/// A port of 127.0.0.1 on which nothing listens (bound, then let go).
fn closed_port() -> u16 {
    TcpListener::bind(("127.0.0.1", 0)).unwrap().local_addr().unwrap().port()
}

fn verify(url: &str, manifest: &Path, key: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cachet"))
        .args(["--lang", "en", "verify-deployment", url, "--manifest"])
        .arg(manifest)
        .arg("--key")
        .arg(key)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

struct Files {
    _dir: tempfile::TempDir,
    manifest: std::path::PathBuf,
    key: std::path::PathBuf,
}

fn files(manifest: &str) -> Files {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("release.key.pub");
    std::fs::write(&key, SecretKey::from_seed(&[5; 32]).public_key().to_text()).unwrap();
    let path = dir.path().join("release.json");
    std::fs::write(&path, manifest).unwrap();
    Files { _dir: dir, manifest: path, key }
}

#[test]
fn an_edited_manifest_is_refused_before_anything_is_fetched() {
    let honest = signed([5; 32], RELEASE);
    let url = format!("http://127.0.0.1:{}/", closed_port());
    // One digit of a hash, a size, a header's value: each is refused by the signature.
    for (from, to) in
        [("6a2da209", "6a2da208"), ("\"size\": 4", "\"size\": 5"), ("default-src 'none'", "default-src *")]
    {
        assert_eq!(honest.matches(from).count(), 1, "{from}");
        let f = files(&honest.replacen(from, to, 1));
        let out = verify(&url, &f.manifest, &f.key);
        let said = text(&out);
        assert_eq!(out.status.code(), Some(2), "{to}: {said}");
        assert!(said.contains("[release-signature]"), "{said}");
        assert!(!said.contains("deployment-"), "nothing may be fetched: {said}");
    }
    // Signed by another key.
    let f = files(&signed([6; 32], RELEASE));
    let out = verify(&url, &f.manifest, &f.key);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("[release-wrong-key]"), "{}", text(&out));
    // Not a manifest.
    let f = files("{\"release\": {}}");
    let out = verify(&url, &f.manifest, &f.key);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("[release-json]"), "{}", text(&out));
}

#[test]
fn only_https_or_this_machine_is_checked() {
    let f = files(&signed([5; 32], RELEASE));
    for url in ["http://verifier.example.org/", "ftp://127.0.0.1/", "127.0.0.1"] {
        let out = verify(url, &f.manifest, &f.key);
        assert_eq!(out.status.code(), Some(2), "{url}");
        assert!(text(&out).contains("[deployment-url]"), "{url}: {}", text(&out));
    }
}

#[test]
fn a_site_that_does_not_answer_has_each_file_named() {
    let f = files(&signed([5; 32], RELEASE));
    let url = format!("http://127.0.0.1:{}/", closed_port());
    let out = verify(&url, &f.manifest, &f.key);
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    for path in ["/: ", "/app.js: ", "/trust-list.json: "] {
        assert!(
            said.lines().any(|l| l.starts_with(&format!("✗ {path}")) && l.ends_with("[deployment-fetch]")),
            "{path} {said}"
        );
    }
    assert!(said.contains("does NOT serve release 0123456789ab"), "{said}");
}
