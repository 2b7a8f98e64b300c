//! `cargo xtask release --site DIR --key RELEASE.key --out release.json`:
//! the signed release manifest of a site laid out by `cargo xtask site`
//! (docs/DEPLOYING.md, "The signed release"; docs/TRUST.md, "Release key").
//!
//! The manifest lists every file a browser fetches from the site, by its
//! path: its size, its SHA-256 and the headers it must come with (from
//! `deploy/headers.json`, with the site's `embedParents`, and its
//! Content-Type). `/` is listed as the page it serves. The trust list is
//! listed without a hash: the operator replaces it between releases, and
//! `cachet verify-deployment` checks instead that it is signed by a root that
//! the release's `config.json` pins. The `.gz` and `.br` beside the files are
//! not listed: they are the same files, fetched with `Accept-Encoding: gzip`
//! and `br`.
//!
//! The file is a JSON object of two members, as a signed trust list is:
//!
//! ```text
//! {
//! "signature": {"alg": "EdDSA", "key_id": <16 hex digits>, "value": <128 hex digits>},
//! "release": <the release, byte for byte>
//! }
//! ```
//!
//! signed with Ed25519 by the release key over `"cachet release v1\n"`
//! followed by the bytes of the `release` value exactly as they stand in the
//! file. The context string keeps a release signature apart from a trust
//! list's (`cachet trust list v1\n`) and a certificate's (CBOR, `0x84`).

use crate::serve::HeaderRules;
use crate::sh::{self, Result};
use base64::Engine;
use ed25519_dalek::Signer;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The signing context of a release manifest (cli/src/verify_deployment.rs has the same).
pub const CONTEXT: &[u8] = b"cachet release v1\n";
/// The `format` of a release.
pub const FORMAT: &str = "cachet-release/1";
/// The file the operator replaces between releases (never hashed).
const TRUST_LIST: &str = "/trust-list.json";

/// Every file of the site a browser may fetch, as (request path, file):
/// the files but the `.gz` and `.br` beside them, and `/` for `index.html`.
pub fn served_files(site: &Path) -> Result<Vec<(String, PathBuf)>> {
    let mut out: Vec<(String, PathBuf)> = crate::reproducible::hashes(site)?
        .into_keys()
        .filter(|rel| !rel.ends_with(".gz") && !rel.ends_with(".br"))
        .map(|rel| (format!("/{rel}"), site.join(&rel)))
        .collect();
    if site.join("index.html").is_file() {
        out.insert(0, ("/".to_owned(), site.join("index.html")));
    }
    Ok(out)
}

/// The release body (the signed bytes) for a laid-out site.
pub fn release_json(site: &Path, rules: &HeaderRules, commit: &str) -> Result<String> {
    let config_file = site.join("config.json");
    let config: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&config_file).map_err(|e| {
        format!("cannot read {}: {e} (lay the site out with `cargo xtask site`)", config_file.display())
    })?)
    .map_err(|e| format!("{}: {e}", config_file.display()))?;
    let parents: Vec<String> = config["embedParents"]
        .as_array()
        .map(|a| a.iter().filter_map(|p| p.as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    if !site.join(TRUST_LIST.trim_start_matches('/')).is_file() {
        return Err(format!("{} has no trust-list.json: lay the site out with `cargo xtask site`", site.display()));
    }
    let mut files = Vec::new();
    for (path, file) in served_files(site)? {
        let mut headers = serde_json::Map::new();
        for (name, value) in rules.for_path(&path, &parents) {
            headers.insert(name, value.into());
        }
        headers.insert("Content-Type".into(), rules.content_type(&file).into());
        let mut entry = serde_json::Map::new();
        entry.insert("path".into(), path.clone().into());
        if path == TRUST_LIST {
            entry.insert("content".into(), "trust-list".into());
        } else {
            let body = std::fs::read(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            entry.insert("size".into(), body.len().into());
            entry.insert("sha256".into(), crate::reproducible::hex(&Sha256::digest(&body)).into());
        }
        entry.insert("headers".into(), headers.into());
        files.push(serde_json::Value::Object(entry));
    }
    let release = serde_json::json!({ "format": FORMAT, "commit": commit, "files": files });
    serde_json::to_string_pretty(&release).map_err(|e| e.to_string())
}

/// The seed of a `cachet-secret-key-1:` key file, checked by the core's reader.
fn signing_key(text: &str) -> Result<ed25519_dalek::SigningKey> {
    let key = cachet::keys::SecretKey::from_text(text).map_err(|e| format!("not a secret key file: {e}"))?;
    let text = key.to_text();
    let b64 = text.trim().split_once(':').map(|(_, b)| b).unwrap_or_default();
    let seed = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(b64).map_err(|e| e.to_string())?;
    let seed: [u8; 32] = seed.as_slice().try_into().map_err(|_| "a secret key is 32 bytes".to_owned())?;
    Ok(ed25519_dalek::SigningKey::from_bytes(&seed))
}

/// The signed manifest: the release body signed by the release key.
pub fn sign(release: &str, key_text: &str) -> Result<String> {
    let key = signing_key(key_text)?;
    let public = cachet::keys::PublicKey::from_bytes(key.verifying_key().as_bytes()).map_err(|e| e.to_string())?;
    let mut input = CONTEXT.to_vec();
    input.extend_from_slice(release.as_bytes());
    let signature = key.sign(&input).to_bytes();
    // Checked as a verifier checks it (the core's strict policy) before it is written.
    public.verify(&input, &signature).map_err(|e| format!("the signature does not verify: {e}"))?;
    Ok(format!(
        "{{\n\"signature\": {{\"alg\":\"EdDSA\",\"key_id\":\"{}\",\"value\":\"{}\"}},\n\"release\": {release}\n}}\n",
        public.key_id(),
        crate::reproducible::hex(&signature)
    ))
}

/// Writes the signed manifest of `site` to `out`; returns the number of files it lists.
pub fn write(site: &Path, key: &Path, out: &Path) -> Result<usize> {
    let key_text = std::fs::read_to_string(key).map_err(|e| format!("cannot read {}: {e}", key.display()))?;
    // The commit the site was laid out from, `-dirty` when the working tree differs from it.
    let mut commit = sh::output(sh::program("git").args(["rev-parse", "HEAD"])).unwrap_or_default().trim().to_owned();
    let changed = sh::output(sh::program("git").args(["status", "--porcelain", "--untracked-files=no"]));
    if changed.is_ok_and(|c| !c.trim().is_empty()) {
        commit.push_str("-dirty");
    }
    let release = release_json(site, &HeaderRules::builtin()?, &commit)?;
    let signed = sign(&release, &key_text).map_err(|e| format!("{}: {e}", key.display()))?;
    let count =
        serde_json::from_str::<serde_json::Value>(&release).ok().and_then(|r| r["files"].as_array().map(Vec::len));
    sh::write(out, signed)?;
    Ok(count.unwrap_or(0))
}

/// `release --site DIR --key RELEASE.key --out FILE`.
pub fn run_task(args: &[String]) -> Result<()> {
    let (mut site, mut key, mut out) = (None, None, None);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().map(PathBuf::from).ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--site" => site = Some(value()?),
            "--key" => key = Some(value()?),
            "--out" => out = Some(value()?),
            other => return Err(format!("release: unknown argument `{other}`")),
        }
    }
    let site = site.ok_or("release needs --site DIR (a folder laid out by `cargo xtask site`)")?;
    let key = key.ok_or("release needs --key RELEASE.key (cachet keygen)")?;
    let out = out.ok_or("release needs --out FILE")?;
    if out.starts_with(&site) {
        return Err(format!("{}: write the manifest outside the site (it would list itself)", out.display()));
    }
    let files = write(&site, &key, &out)?;
    println!(
        "{}: {files} files of {} signed; anyone can check a host with\n  cachet verify-deployment https://HOST/ --manifest {} --key RELEASE.pub",
        out.display(),
        site.display(),
        out.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_lists_every_served_file_with_its_hash_and_headers_and_verifies() {
        let dir = std::env::temp_dir().join(format!("cachet-release-unit-{}", std::process::id()));
        sh::fresh_dir(&dir).unwrap();
        std::fs::create_dir_all(dir.join("pkg")).unwrap();
        std::fs::write(dir.join("index.html"), "<!doctype html>").unwrap();
        std::fs::write(dir.join("index.html.gz"), "gz").unwrap();
        std::fs::write(dir.join("index.html.br"), "br").unwrap();
        std::fs::write(dir.join("pkg/cachet_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
        std::fs::write(dir.join("trust-list.json"), "{}").unwrap();
        std::fs::write(dir.join("config.json"), r#"{"roots":[],"embedParents":["https://p.example.fr"]}"#).unwrap();
        let release = release_json(&dir, &HeaderRules::builtin().unwrap(), "abc").unwrap();
        let doc: serde_json::Value = serde_json::from_str(&release).unwrap();
        let files = doc["files"].as_array().unwrap();
        let paths: Vec<&str> = files.iter().map(|f| f["path"].as_str().unwrap()).collect();
        assert_eq!(paths, ["/", "/config.json", "/index.html", "/pkg/cachet_bg.wasm", "/trust-list.json"]);
        let wasm = &files[3];
        assert_eq!(wasm["size"], 8);
        assert_eq!(wasm["sha256"].as_str().unwrap().len(), 64);
        assert_eq!(wasm["headers"]["Content-Type"], "application/wasm");
        assert_eq!(wasm["headers"]["X-Content-Type-Options"], "nosniff");
        assert!(wasm["headers"]["Content-Security-Policy"].is_null(), "a wasm module is never a document");
        assert!(files[2]["headers"]["Content-Security-Policy"].as_str().unwrap().contains("frame-ancestors 'none'"));
        assert!(files[4]["sha256"].is_null() && files[4]["content"] == "trust-list");
        let key = cachet::keys::SecretKey::from_seed(&[7; 32]);
        let signed = sign(&release, &key.to_text()).unwrap();
        let outer: serde_json::Value = serde_json::from_str(&signed).unwrap();
        assert_eq!(outer["release"], doc);
        let sig: Vec<u8> = (0..64)
            .map(|i| u8::from_str_radix(&outer["signature"]["value"].as_str().unwrap()[2 * i..2 * i + 2], 16).unwrap())
            .collect();
        let mut input = CONTEXT.to_vec();
        input.extend_from_slice(release.as_bytes());
        key.public_key().verify(&input, &sig).unwrap();
        input.push(b' ');
        assert!(key.public_key().verify(&input, &sig).is_err());
        assert!(sign(&release, &key.public_key().to_text()).is_err(), "a public key cannot sign");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
