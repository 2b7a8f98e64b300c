//! `cargo xtask serve --trust LIST --root ROOT.pub [--port N]`: the verifier
//! page on 127.0.0.1, with the headers a host must send (docs/SECURITY.md).
//!
//! `www/` is served at `/`, `pkg/` at `/pkg/`, the signed trust list at
//! `/trust-list.json` (read again on every request, so a new list is picked
//! up at once) and the pinned roots at `/config.json`. The server speaks just
//! enough HTTP/1.1 for a browser: GET and HEAD of static files, one request
//! per connection. It answers only on the loopback interface.

use crate::sh::{self, Result};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// The Content-Security-Policy of every page: nothing but this origin, wasm
/// compiled from this origin's files, no inline script or style, Trusted
/// Types enforced, not framable.
pub const CSP: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; \
img-src 'self' blob: data:; style-src 'self'; media-src 'self' blob: mediastream:; worker-src 'self'; \
manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; \
require-trusted-types-for 'script'; trusted-types cachet";

/// Headers sent with every response.
const SECURITY_HEADERS: [(&str, &str); 6] = [
    ("Content-Security-Policy", CSP),
    ("Referrer-Policy", "no-referrer"),
    ("X-Content-Type-Options", "nosniff"),
    ("Permissions-Policy", "camera=(self), microphone=(), geolocation=()"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
];

/// What the server serves.
pub struct Site {
    pub www: PathBuf,
    pub pkg: PathBuf,
    pub trust_list: PathBuf,
    pub config_json: String,
}

impl Site {
    /// The site of this workspace for a signed trust list and its pinned roots.
    pub fn new(trust_list: &Path, roots: &[PathBuf]) -> Result<Site> {
        let mut texts = Vec::new();
        for r in roots {
            let text = std::fs::read_to_string(r).map_err(|e| format!("cannot read {}: {e}", r.display()))?;
            cachet::keys::PublicKey::from_text(&text)
                .map_err(|e| format!("{} is not a public key file: {e}", r.display()))?;
            texts.push(text.trim().to_owned());
        }
        if texts.is_empty() {
            return Err("serve needs at least one --root ROOT.pub".into());
        }
        if !trust_list.is_file() {
            return Err(format!("no trust list at {}", trust_list.display()));
        }
        let config = serde_json::json!({ "roots": texts, "trustList": "trust-list.json" });
        let root = sh::workspace_root();
        Ok(Site {
            www: root.join("www"),
            pkg: root.join("pkg"),
            trust_list: trust_list.to_path_buf(),
            config_json: serde_json::to_string_pretty(&config).map_err(|e| e.to_string())?,
        })
    }
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "webmanifest" => "application/manifest+json",
        "wasm" => "application/wasm",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "ts" => "text/plain; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

enum Body {
    File(PathBuf),
    Bytes(Vec<u8>, &'static str),
}

/// Maps a request path to what answers it; `None` is a 404.
fn route(site: &Site, path: &str) -> Option<Body> {
    let path = path.split(['?', '#']).next().unwrap_or("/");
    // No escapes, no climbing out, no hidden files.
    if path.contains(['%', '\\']) || path.split('/').any(|seg| seg == ".." || seg.starts_with('.')) {
        return None;
    }
    match path {
        "/config.json" => return Some(Body::Bytes(site.config_json.clone().into_bytes(), "application/json")),
        "/trust-list.json" => return Some(Body::File(site.trust_list.clone())),
        _ => {}
    }
    let rel = path.trim_start_matches('/');
    let file = match rel.strip_prefix("pkg/") {
        Some(p) => site.pkg.join(p),
        None => site.www.join(rel),
    };
    let file = if file.is_dir() { file.join("index.html") } else { file };
    file.is_file().then_some(Body::File(file))
}

fn respond(stream: &mut TcpStream, site: &Site) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Read and drop the headers.
    let mut line = String::new();
    while reader.read_line(&mut line)? > 2 {
        line.clear();
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
    let (status, ctype, body) = if method != "GET" && method != "HEAD" {
        ("405 Method Not Allowed", "text/plain; charset=utf-8", b"method not allowed\n".to_vec())
    } else {
        match route(site, target) {
            Some(Body::Bytes(b, t)) => ("200 OK", t, b),
            Some(Body::File(f)) => match std::fs::read(&f) {
                Ok(b) => ("200 OK", content_type(&f), b),
                Err(_) => ("404 Not Found", "text/plain; charset=utf-8", b"not found\n".to_vec()),
            },
            None => ("404 Not Found", "text/plain; charset=utf-8", b"not found\n".to_vec()),
        }
    };
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nCache-Control: no-cache\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in SECURITY_HEADERS {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    if method != "HEAD" {
        stream.write_all(&body)?;
    }
    stream.flush()
}

/// Serves until the process is stopped. Prints `listening on http://127.0.0.1:PORT/`.
pub fn serve(site: Site, port: u16) -> Result<()> {
    if !site.pkg.join("cachet_bg.wasm").is_file() {
        return Err("pkg/ is not built: run `cargo xtask build` first".into());
    }
    let listener =
        TcpListener::bind(("127.0.0.1", port)).map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    println!("listening on http://127.0.0.1:{}/", addr.port());
    let _ = std::io::stdout().flush();
    let site = Arc::new(site);
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else { continue };
        let site = Arc::clone(&site);
        std::thread::spawn(move || {
            let _ = respond(&mut stream, &site);
        });
    }
    Ok(())
}

/// `serve --trust LIST --root ROOT.pub [--root …] [--port N] [--no-build]`.
pub fn run_task(args: &[String]) -> Result<()> {
    let (mut trust, mut roots, mut port, mut build) = (None, Vec::new(), 8080u16, true);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().cloned().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--trust" => trust = Some(PathBuf::from(value()?)),
            "--root" => roots.push(PathBuf::from(value()?)),
            "--port" => port = value()?.parse().map_err(|_| "--port takes a number".to_owned())?,
            "--no-build" => build = false,
            other => return Err(format!("serve: unknown argument `{other}`")),
        }
    }
    let trust = trust.ok_or("serve needs --trust SIGNED_LIST")?;
    let site = Site::new(&trust, &roots)?;
    if build && !site.pkg.join("cachet_bg.wasm").is_file() {
        crate::build::build()?;
    }
    serve(site, port)
}
