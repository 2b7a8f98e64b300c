//! `cachet verify-deployment URL --manifest release.json --key RELEASE.pub`:
//! whether a web server serves a signed release of the verifier page
//! (docs/DEPLOYING.md, "Checking a live site"; docs/SECURITY.md, "What
//! verify-deployment proves").
//!
//! The manifest (written by `cargo xtask release`, xtask/src/release.rs) is
//! checked first: its Ed25519 signature by the release key over
//! `"cachet release v1\n"` and the bytes of its `release` value as they stand
//! in the file; an edited manifest is refused before anything is fetched.
//! Then every file it lists is fetched three times, once plainly, once with
//! `Accept-Encoding: gzip` and once with `Accept-Encoding: br` (what browsers
//! ask; the `.gz` and the `.br` beside a file are other files on disk that
//! could differ): each answer must be 200, the
//! file's bytes (SHA-256 and size), and carry each header of the manifest
//! exactly once with its exact value. The trust list, which the operator
//! replaces between releases, must be a list signed by a root that the
//! release's `config.json` pins. No redirect is followed.
//!
//! Exit codes: 0 the site serves the release; 1 it does not (each file that
//! differs and each header missing or different is named); 2 the manifest,
//! the key or the URL was refused.

use crate::error::{note, CliError, Message, EXIT_REFUSED, EXIT_USAGE};
use crate::i18n;
use cachet::keys::PublicKey;
use cachet::Lang;
use serde::Deserialize;
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

/// The signing context (xtask/src/release.rs has the same).
const CONTEXT: &[u8] = b"cachet release v1\n";
const FORMAT: &str = "cachet-release/1";
/// Files of a manifest at most.
const MAX_FILES: usize = 100_000;
/// Bytes of one fetched file (and of one gzip or Brotli body, decompressed) at most.
const MAX_BODY: u64 = 64 << 20;
/// One request's time at most, from connecting to the body's last byte.
const TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The site's address: https://verifier.example.org/ (plain http only for 127.0.0.1, ::1 or localhost).
    #[arg(value_name = "URL")]
    url: String,
    /// The signed release manifest (cargo xtask release).
    #[arg(long, value_name = "FILE")]
    manifest: PathBuf,
    /// The release key's public key file (cachet-public-key-1:…), as published with the release.
    #[arg(long, value_name = "RELEASE.pub")]
    key: PathBuf,
}

/// (code, French, English): this command's sentences.
const MESSAGES: &[(&str, &str, &str)] = &[
    (
        "release-json",
        "{path} n'est pas un manifeste de version : {detail}",
        "{path} is not a release manifest: {detail}",
    ),
    (
        "release-signature",
        "{path} : signature refusée : ce manifeste n'a pas été signé par la clé de version {key} ou a été modifié depuis",
        "{path}: signature refused: this manifest was not signed by the release key {key} or was changed since",
    ),
    (
        "release-wrong-key",
        "{path} est signé par la clé {signer}, pas par la clé de version donnée ({key})",
        "{path} is signed by the key {signer}, not by the release key given ({key})",
    ),
    (
        "deployment-url",
        "{url} : une adresse https://… est attendue (http:// seulement pour 127.0.0.1, ::1 ou localhost)",
        "{url}: an https://… address is expected (http:// only for 127.0.0.1, ::1 or localhost)",
    ),
    ("deployment-checking", "{url} : vérification de la version {commit} ({count} fichiers)…", "{url}: checking release {commit} ({count} files)…"),
    ("deployment-fetch", "{path} : échec de la requête : {detail}", "{path}: the request failed: {detail}"),
    ("deployment-status", "{path} : réponse HTTP {status}, pas 200", "{path}: HTTP {status} response, not 200"),
    (
        "deployment-file-differs",
        "{path} : ce n'est pas le fichier de la version ({size} octets, SHA-256 {sha256}… ; la version : {want_size} octets, {want_sha256}…)",
        "{path}: not the release's file ({size} bytes, SHA-256 {sha256}…; the release's: {want_size} bytes, {want_sha256}…)",
    ),
    (
        "deployment-gzip-differs",
        "{path} : la version compressée (gzip) servie n'est pas le fichier de la version ({detail})",
        "{path}: the compressed (gzip) version served is not the release's file ({detail})",
    ),
    (
        "deployment-brotli-differs",
        "{path} : la version compressée (Brotli) servie n'est pas le fichier de la version ({detail})",
        "{path}: the compressed (Brotli) version served is not the release's file ({detail})",
    ),
    ("deployment-header-missing", "{path} : en-tête {name} absent", "{path}: no {name} header"),
    (
        "deployment-header-differs",
        "{path} : en-tête {name} : « {got} », la version : « {want} »",
        "{path}: {name} header: \"{got}\", the release's: \"{want}\"",
    ),
    ("deployment-header-repeated", "{path} : en-tête {name} envoyé {count} fois", "{path}: {name} header sent {count} times"),
    (
        "deployment-trust-list",
        "{path} : pas une liste de confiance signée par une racine de config.json [{detail}]",
        "{path}: not a trust list signed by a root of config.json [{detail}]",
    ),
    (
        "deployment-match",
        "✓ {url} sert la version {commit} : {count} fichiers identiques, chacun avec ses en-têtes (requêtes simples, gzip et Brotli), et une liste de confiance signée par une racine épinglée.",
        "✓ {url} serves release {commit}: {count} files identical, each with its headers (plain, gzip and Brotli requests), and a trust list signed by a pinned root.",
    ),
    (
        "deployment-differs",
        "✗ {url} ne sert PAS la version {commit} : écarts : {count} (ci-dessus).",
        "✗ {url} does NOT serve release {commit}: differences: {count} (above).",
    ),
];

fn text(lang: Lang, code: &str, args: &[(&'static str, String)]) -> String {
    let template = MESSAGES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, fr, en)| match lang {
            Lang::Fr => *fr,
            Lang::En => *en,
        })
        .unwrap_or(code);
    i18n::fill(template, args)
}

/// A refusal of this command: printed as the others are (`cachet: … [code]`), then the exit code.
fn refuse(lang: Lang, exit: u8, code: &'static str, args: Vec<(&'static str, String)>) -> CliError {
    note(&format!("cachet: {} [{code}]", text(lang, code, &args)));
    CliError { messages: Vec::new(), exit }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Signed<'a> {
    signature: SignatureWire,
    #[serde(borrow)]
    release: &'a RawValue,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SignatureWire {
    alg: String,
    key_id: String,
    value: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Release {
    format: String,
    commit: String,
    files: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    path: String,
    #[serde(default)]
    size: Option<u64>,
    #[serde(default)]
    sha256: Option<String>,
    /// `"trust-list"`: replaced by the operator, checked by its signature.
    #[serde(default)]
    content: Option<String>,
    headers: BTreeMap<String, String>,
}

/// Why a manifest was refused: (code, detail).
type Refusal = (&'static str, String);

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || !s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok()).collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The release of a signed manifest: its signature by `key` checked over
/// the bytes received, then its content.
fn open(bytes: &[u8], key: &PublicKey) -> Result<Release, Refusal> {
    let text = std::str::from_utf8(bytes).map_err(|_| ("release-json", "not UTF-8".to_owned()))?;
    let signed: Signed = serde_json::from_str(text).map_err(|e| ("release-json", e.to_string()))?;
    if signed.signature.alg != "EdDSA" {
        return Err(("release-signature", format!("alg {:?}", signed.signature.alg)));
    }
    if signed.signature.key_id != key.key_id().to_string() {
        return Err(("release-wrong-key", signed.signature.key_id));
    }
    let signature = unhex(&signed.signature.value).ok_or(("release-signature", String::new()))?;
    let mut input = CONTEXT.to_vec();
    input.extend_from_slice(signed.release.get().as_bytes());
    key.verify(&input, &signature).map_err(|e| ("release-signature", e.to_string()))?;
    let release: Release = serde_json::from_str(signed.release.get()).map_err(|e| ("release-json", e.to_string()))?;
    check(&release).map_err(|e| ("release-json", e))?;
    Ok(release)
}

/// What a signed release must hold: its format, paths a URL can carry, a
/// hash or the trust list's kind for each file.
fn check(release: &Release) -> Result<(), String> {
    if release.format != FORMAT {
        return Err(format!("format {:?} is not {FORMAT:?}", release.format));
    }
    if release.files.is_empty() || release.files.len() > MAX_FILES {
        return Err(format!("{} files (1 to {MAX_FILES})", release.files.len()));
    }
    for e in &release.files {
        let p = &e.path;
        if !p.starts_with('/')
            || p.split('/').any(|s| s == ".." || s == ".")
            || p.chars().any(|c| c.is_control() || c.is_whitespace() || matches!(c, '?' | '#' | '\\' | '%'))
        {
            return Err(format!("{p:?} is not a path of the site"));
        }
        match (&e.content, &e.sha256, e.size) {
            (None, Some(h), Some(_)) if h.len() == 64 && unhex(h).is_some() => {}
            (Some(c), None, None) if c == "trust-list" => {}
            _ => {
                return Err(format!(
                    "{p}: a size and a SHA-256 (64 lowercase hex digits), or \"content\": \"trust-list\""
                ))
            }
        }
        for (name, value) in &e.headers {
            if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                return Err(format!("{p}: {name:?} is not a header name"));
            }
            if value.chars().any(|c| c.is_control()) {
                return Err(format!("{p}: {name}: a value with a control character"));
            }
        }
    }
    Ok(())
}

/// The site's address without its last `/`, if it is https, or http on this machine.
fn base_url(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host_port = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host_port.is_empty() || host_port.contains('@') || rest.contains(['?', '#']) {
        return None;
    }
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        host_port.rsplit_once(':').map_or(host_port, |(h, _)| h)
    };
    let local = matches!(host.to_ascii_lowercase().as_str(), "127.0.0.1" | "::1" | "localhost");
    match scheme.to_ascii_lowercase().as_str() {
        "https" => {}
        "http" if local => {}
        _ => return None,
    }
    Some(url.trim_end_matches('/').to_owned())
}

/// One answer, as received.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn all(&self, name: &str) -> Vec<&str> {
        self.headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str()).collect()
    }
}

/// `url`, with `Accept-Encoding: ENCODING` when one is given (`gzip`, `br`).
fn fetch(agent: &ureq::Agent, url: &str, encoding: Option<&str>) -> Result<Answer, String> {
    let mut request = agent.get(url);
    if let Some(encoding) = encoding {
        request = request.header("Accept-Encoding", encoding);
    }
    let mut response = request.call().map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(n, v)| (n.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    let body = response.body_mut().with_config().limit(MAX_BODY).read_to_vec().map_err(|e| e.to_string())?;
    Ok(Answer { status, headers, body })
}

/// A difference between the site and the release: (code, its values).
type Fault = (&'static str, Vec<(&'static str, String)>);

fn header_faults(path: &str, answer: &Answer, want: &BTreeMap<String, String>, faults: &mut Vec<Fault>) {
    for (name, value) in want {
        let p = ("path", path.to_owned());
        match answer.all(name).as_slice() {
            [] => faults.push(("deployment-header-missing", vec![p, ("name", name.clone())])),
            [got] if got == value => {}
            [got] => faults.push((
                "deployment-header-differs",
                vec![p, ("name", name.clone()), ("got", (*got).to_owned()), ("want", value.clone())],
            )),
            many => faults.push((
                "deployment-header-repeated",
                vec![p, ("name", name.clone()), ("count", many.len().to_string())],
            )),
        }
    }
}

/// The body a browser gets from an answer, plain, gzip or Brotli.
fn inflate(answer: &Answer) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let read = match answer.all("Content-Encoding").as_slice() {
        [] => return Ok(answer.body.clone()),
        [enc] if enc.eq_ignore_ascii_case("gzip") => {
            flate2::read::GzDecoder::new(&answer.body[..]).take(MAX_BODY + 1).read_to_end(&mut out)
        }
        [enc] if enc.eq_ignore_ascii_case("br") => {
            brotli_decompressor::Decompressor::new(&answer.body[..], 4096).take(MAX_BODY + 1).read_to_end(&mut out)
        }
        other => return Err(format!("Content-Encoding {other:?}")),
    };
    read.map_err(|e| format!("{e}"))?;
    if out.len() as u64 > MAX_BODY {
        return Err(format!("more than {MAX_BODY} bytes decompressed"));
    }
    Ok(out)
}

/// Every file and header of the release, fetched from `base`: the differences.
fn compare(agent: &ureq::Agent, base: &str, release: &Release) -> Vec<Fault> {
    let mut faults: Vec<Fault> = Vec::new();
    let mut roots: Option<Vec<PublicKey>> = None;
    let mut lists = Vec::new();
    for entry in &release.files {
        let path = entry.path.as_str();
        let url = format!("{base}{path}");
        let p = || ("path", path.to_owned());
        let mut bodies = Vec::new();
        for encoding in [None, Some("gzip"), Some("br")] {
            // The code that names a compressed form which is not the file.
            let differs = if encoding == Some("br") { "deployment-brotli-differs" } else { "deployment-gzip-differs" };
            let answer = match fetch(agent, &url, encoding) {
                Ok(a) => a,
                Err(e) => {
                    faults.push(("deployment-fetch", vec![p(), ("detail", e)]));
                    break;
                }
            };
            if answer.status != 200 {
                faults.push(("deployment-status", vec![p(), ("status", answer.status.to_string())]));
                break;
            }
            header_faults(path, &answer, &entry.headers, &mut faults);
            let body = if encoding.is_some() {
                match inflate(&answer) {
                    Ok(b) => b,
                    Err(e) => {
                        faults.push((differs, vec![p(), ("detail", e)]));
                        continue;
                    }
                }
            } else {
                answer.body
            };
            bodies.push((encoding.map(|_| differs), body));
        }
        // The trust list, which the operator replaces, has no hash in the manifest: its plain body is
        // checked below as a list, and what a browser is sent compressed must be that same body (a
        // stale .gz or .br beside it would give browsers an older list).
        let plain = bodies.iter().find(|(differs, _)| differs.is_none()).map(|(_, body)| body.clone());
        for (differs, body) in bodies {
            if entry.content.is_some() {
                match (differs, &plain) {
                    (None, _) => lists.push((path.to_owned(), body)),
                    (Some(differs), Some(plain)) if body != *plain => {
                        let detail = format!("{} bytes, not the {} bytes of the plain answer", body.len(), plain.len());
                        faults.push((differs, vec![p(), ("detail", detail)]));
                    }
                    _ => {}
                }
                continue;
            }
            let (Some(size), Some(want)) = (entry.size, entry.sha256.as_deref()) else { continue };
            let got = hex(&Sha256::digest(&body));
            if got == want && body.len() as u64 == size {
                if path == "/config.json" && differs.is_none() {
                    roots = Some(config_roots(&body));
                }
                continue;
            }
            let args = vec![
                p(),
                ("size", body.len().to_string()),
                ("sha256", got[..16].to_owned()),
                ("want_size", size.to_string()),
                ("want_sha256", want[..16].to_owned()),
            ];
            if let Some(differs) = differs {
                let detail = format!("{} bytes, SHA-256 {}…", body.len(), &got[..16]);
                faults.push((differs, vec![p(), ("detail", detail)]));
            } else {
                faults.push(("deployment-file-differs", args));
            }
        }
    }
    // The trust lists, against the roots of the release's config.json as served.
    for (path, body) in lists {
        let roots = roots.as_deref().unwrap_or(&[]);
        // Every issuer key checked whole, as `trust sign` does: a verifier checks a key's torsion at its first use.
        if let Err(e) = cachet::trust::TrustList::load(&body, roots, None).and_then(|t| t.check_issuer_keys()) {
            faults.push(("deployment-trust-list", vec![("path", path), ("detail", e.code().to_owned())]));
        }
    }
    faults
}

/// The pinned roots of a config.json (`"roots"`: public key texts); none if it has none.
fn config_roots(body: &[u8]) -> Vec<PublicKey> {
    let config: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    config["roots"]
        .as_array()
        .map(|roots| roots.iter().filter_map(|r| r.as_str()).filter_map(|r| PublicKey::from_text(r).ok()).collect())
        .unwrap_or_default()
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .max_redirects_will_error(false)
        .timeout_global(Some(TIMEOUT))
        .user_agent(concat!("cachet-verify-deployment/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

pub fn run(args: &Args, lang: Lang) -> Result<ExitCode, CliError> {
    let key = crate::keygen::read_public_key(&args.key, lang)?;
    let base = base_url(&args.url)
        .ok_or_else(|| refuse(lang, EXIT_USAGE, "deployment-url", vec![("url", args.url.clone())]))?;
    let bytes = read_manifest(&args.manifest, lang)?;
    let path = args.manifest.display().to_string();
    let release = open(&bytes, &key).map_err(|(code, detail)| {
        let args = vec![
            ("path", path.clone()),
            ("detail", detail.clone()),
            ("key", key.key_id().to_string()),
            ("signer", detail),
        ];
        refuse(lang, EXIT_USAGE, code, args)
    })?;
    // The commit, shortened; `-dirty` (laid out from a changed working tree) kept.
    let (hash, dirty) = match release.commit.strip_suffix("-dirty") {
        Some(hash) => (hash, "-dirty"),
        None => (release.commit.as_str(), ""),
    };
    let commit = format!("{}{dirty}", hash.chars().take(12).collect::<String>());
    let shown = vec![("url", args.url.clone()), ("commit", commit.clone()), ("count", release.files.len().to_string())];
    note(&text(lang, "deployment-checking", &shown));
    let faults = compare(&agent(), &base, &release);
    let mut out = String::new();
    for (code, values) in &faults {
        out.push_str(&format!("✗ {} [{code}]\n", text(lang, code, values)));
    }
    if faults.is_empty() {
        out.push_str(&text(lang, "deployment-match", &shown));
    } else {
        let counted = vec![("url", args.url.clone()), ("commit", commit), ("count", faults.len().to_string())];
        out.push_str(&text(lang, "deployment-differs", &counted));
    }
    out.push('\n');
    use std::io::Write;
    let _ = std::io::stdout().write_all(out.as_bytes());
    Ok(if faults.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(EXIT_REFUSED) })
}

fn read_manifest(path: &Path, lang: Lang) -> Result<Vec<u8>, CliError> {
    crate::limits::read_file(path).map_err(|e| match e {
        crate::limits::ReadError::TooLarge(size) => CliError::usage(
            Message::new("input-too-large")
                .arg("path", path.display())
                .arg("size", size)
                .arg("max", crate::limits::MAX_FILE),
        ),
        crate::limits::ReadError::Io(e) => CliError::read(path, &e, lang),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use cachet::keys::SecretKey;

    #[test]
    fn only_https_or_local_http_addresses_are_taken() {
        assert_eq!(base_url("https://verif.example.fr/").as_deref(), Some("https://verif.example.fr"));
        assert_eq!(base_url("http://127.0.0.1:8080/").as_deref(), Some("http://127.0.0.1:8080"));
        assert_eq!(base_url("http://[::1]:80").as_deref(), Some("http://[::1]:80"));
        assert_eq!(base_url("http://localhost/").as_deref(), Some("http://localhost"));
        for bad in
            ["http://verif.example.fr/", "ftp://x/", "verif.example.fr", "https://", "https://u@x/", "https://x/?a"]
        {
            assert_eq!(base_url(bad), None, "{bad}");
        }
    }

    #[test]
    fn messages_exist_in_both_languages_for_every_code() {
        let codes = [
            "release-json",
            "release-signature",
            "release-wrong-key",
            "deployment-url",
            "deployment-fetch",
            "deployment-status",
            "deployment-file-differs",
            "deployment-gzip-differs",
            "deployment-brotli-differs",
            "deployment-header-missing",
            "deployment-header-differs",
            "deployment-header-repeated",
            "deployment-trust-list",
            "deployment-match",
            "deployment-differs",
        ];
        for code in codes {
            for lang in [Lang::Fr, Lang::En] {
                assert_ne!(text(lang, code, &[]), code, "{code}");
            }
        }
    }

    /// A manifest signed as `cargo xtask release` signs it, by the key of `seed`.
    fn signed(seed: [u8; 32], release: &str) -> String {
        use ed25519_dalek::Signer;
        let key = SecretKey::from_seed(&seed);
        let mut input = CONTEXT.to_vec();
        input.extend_from_slice(release.as_bytes());
        let sig = ed25519_dalek::SigningKey::from_bytes(&seed).sign(&input).to_bytes();
        format!(
            "{{\n\"signature\": {{\"alg\":\"EdDSA\",\"key_id\":\"{}\",\"value\":\"{}\"}},\n\"release\": {release}\n}}\n",
            key.key_id(),
            hex(&sig)
        )
    }

    const RELEASE: &str = r#"{
  "commit": "abc",
  "files": [
    {"headers": {"Content-Type": "text/html; charset=utf-8"}, "path": "/", "sha256": "0000000000000000000000000000000000000000000000000000000000000000", "size": 3},
    {"content": "trust-list", "headers": {}, "path": "/trust-list.json"}
  ],
  "format": "cachet-release/1"
}"#;

    #[test]
    fn a_signed_manifest_opens_and_any_edit_is_refused() {
        let key = SecretKey::from_seed(&[9; 32]);
        let manifest = signed([9; 32], RELEASE);
        let release = open(manifest.as_bytes(), key.public_key()).unwrap();
        assert_eq!(release.files.len(), 2);
        // One character of the release changed: refused by its signature.
        let edited = manifest.replacen("\"size\": 3", "\"size\": 4", 1);
        assert_eq!(open(edited.as_bytes(), key.public_key()).unwrap_err().0, "release-signature");
        let edited = manifest.replacen("0000000000", "1000000000", 1);
        assert_eq!(open(edited.as_bytes(), key.public_key()).unwrap_err().0, "release-signature");
        // Another key.
        let other = SecretKey::from_seed(&[8; 32]);
        assert_eq!(open(manifest.as_bytes(), other.public_key()).unwrap_err().0, "release-wrong-key");
        // The right key id on a signature by another key.
        let forged = signed([8; 32], RELEASE).replace(&other.key_id().to_string(), &key.key_id().to_string());
        assert_eq!(open(forged.as_bytes(), key.public_key()).unwrap_err().0, "release-signature");
        // Not JSON, an unknown member, a signed release that breaks the rules.
        assert_eq!(open(b"{", key.public_key()).unwrap_err().0, "release-json");
        let extra = manifest.replacen("{\n\"signature\"", "{\"x\":1,\n\"signature\"", 1);
        assert_eq!(open(extra.as_bytes(), key.public_key()).unwrap_err().0, "release-json");
        for (from, to) in [
            ("\"/\"", "\"/../x\""),
            ("cachet-release/1", "cachet-release/2"),
            ("\"size\": 3", "\"size\": 3, \"content\": \"x\""),
        ] {
            let bad = signed([9; 32], &RELEASE.replacen(from, to, 1));
            assert_eq!(open(bad.as_bytes(), key.public_key()).unwrap_err().0, "release-json", "{to}");
        }
    }
}
