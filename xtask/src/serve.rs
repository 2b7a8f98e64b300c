//! `cargo xtask serve --trust LIST --root ROOT.pub [--port N]`: the verifier
//! page on 127.0.0.1, with the headers a host must send (docs/SECURITY.md).
//!
//! `www/` is served at `/`, `pkg/` at `/pkg/`, the signed trust list at
//! `/trust-list.json` (read again on every request, so a new list is picked
//! up at once) and the pinned roots at `/config.json`. The server speaks just
//! enough HTTP/1.1 for a browser: GET and HEAD of static files over
//! persistent connections (keep-alive), heads of at most 16 KiB, no request
//! bodies. It answers only on the loopback interface.

use crate::sh::{self, Result};
use std::io::{BufRead, BufReader, Read, Write};
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
    /// The origins allowed to frame `/embed.html` and receive its messages
    /// (`--embed-parent`, docs/EMBEDDING.md); none by default.
    pub embed_parents: Vec<String>,
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
            embed_parents: Vec::new(),
        })
    }

    /// Lets `parents` (origins: `scheme://host[:port]`) frame `/embed.html`:
    /// they go into config.json's `embedParents` (the only origins embed.js
    /// posts to) and into that page's `frame-ancestors`.
    pub fn with_embed_parents(mut self, parents: &[String]) -> Result<Site> {
        for p in parents {
            if !is_origin(p) {
                return Err(format!("--embed-parent {p:?} is not an origin (scheme://host[:port], no path)"));
            }
        }
        let mut config: serde_json::Value = serde_json::from_str(&self.config_json).map_err(|e| e.to_string())?;
        config["embedParents"] = serde_json::json!(parents);
        self.config_json = serde_json::to_string_pretty(&config).map_err(|e| e.to_string())?;
        self.embed_parents = parents.to_vec();
        Ok(self)
    }

    /// The Content-Security-Policy for a request path: [`CSP`], except
    /// `/embed.html`, which the embed parents may frame.
    fn csp(&self, path: &str) -> String {
        let path = path.split(['?', '#']).next().unwrap_or("/");
        if path != "/embed.html" || self.embed_parents.is_empty() {
            return CSP.to_owned();
        }
        CSP.replace("frame-ancestors 'none'", &format!("frame-ancestors {}", self.embed_parents.join(" ")))
    }
}

/// `http(s)://host[:port]` and nothing else (it goes into a header and is
/// compared with `MessageEvent.origin`): lowercase host of letters, digits,
/// dots and dashes (or a bracketed IPv6 address), no path, no trailing slash.
fn is_origin(text: &str) -> bool {
    let Some(rest) = text.strip_prefix("https://").or_else(|| text.strip_prefix("http://")) else {
        return false;
    };
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(':') && !p.contains(']') => (h, Some(p)),
        _ => (rest, None),
    };
    let host_ok = if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        !v6.is_empty() && v6.chars().all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
    } else {
        !host.is_empty() && host.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
    };
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.chars().all(|c| c.is_ascii_digit()));
    host_ok && port_ok
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

/// The longest request head (request line and headers) the server reads.
const MAX_HEAD: u64 = 16 * 1024;
/// How long a connection may stay idle between requests (or take to send one) before it is closed.
const IDLE_TIMEOUT: Duration = Duration::from_secs(15);

/// A request's head, as much of it as the server uses.
#[derive(Debug, PartialEq)]
struct Request {
    method: String,
    target: String,
    /// Whether the connection stays open after the response: HTTP/1.1 unless
    /// the client says `Connection: close`, HTTP/1.0 only with
    /// `Connection: keep-alive`, and never after a request with a body (the
    /// server does not read bodies, so it could not find the next request).
    keep_alive: bool,
}

/// Why a request head was refused.
#[derive(Debug, PartialEq)]
enum HeadError {
    /// Longer than [`MAX_HEAD`].
    TooLarge,
    /// Not an HTTP/1.x request head.
    Malformed,
}

/// What came in on a connection.
#[derive(Debug, PartialEq)]
enum Incoming {
    Request(Request),
    Refused(HeadError),
    /// The client closed the connection (or went away in the middle of a head).
    Closed,
}

/// One line of a head, `\n` included, into `line`: `Ok(None)` if it is
/// complete, else why not (the end of the stream, or the head's limit).
fn read_line(head: &mut std::io::Take<impl BufRead>, line: &mut Vec<u8>) -> std::io::Result<Option<Incoming>> {
    line.clear();
    head.read_until(b'\n', line)?;
    Ok(if line.ends_with(b"\n") {
        None
    } else if head.limit() == 0 {
        Some(Incoming::Refused(HeadError::TooLarge))
    } else {
        Some(Incoming::Closed)
    })
}

/// Reads one request head.
fn read_request(reader: &mut impl BufRead) -> std::io::Result<Incoming> {
    let mut head = reader.take(MAX_HEAD);
    let mut line = Vec::new();
    // The request line; empty lines before it are ignored (RFC 9112 §2.2).
    loop {
        if let Some(end) = read_line(&mut head, &mut line)? {
            return Ok(end);
        }
        if !line.trim_ascii().is_empty() {
            break;
        }
    }
    let request_line = String::from_utf8_lossy(&line).into_owned();
    let mut parts = request_line.split_ascii_whitespace();
    let (Some(method), Some(target), Some(version), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Ok(Incoming::Refused(HeadError::Malformed));
    };
    let (mut close, mut keep_alive, mut body) = (false, false, false);
    loop {
        if let Some(end) = read_line(&mut head, &mut line)? {
            return Ok(end);
        }
        let header = line.trim_ascii();
        if header.is_empty() {
            break;
        }
        let Some(colon) = header.iter().position(|&b| b == b':') else {
            return Ok(Incoming::Refused(HeadError::Malformed));
        };
        let (name, value) = header.split_at(colon);
        let value = String::from_utf8_lossy(value.get(1..).unwrap_or_default());
        let value = value.trim();
        if name.eq_ignore_ascii_case(b"connection") {
            for token in value.split(',').map(str::trim) {
                close |= token.eq_ignore_ascii_case("close");
                keep_alive |= token.eq_ignore_ascii_case("keep-alive");
            }
        } else if name.eq_ignore_ascii_case(b"content-length") {
            body |= value != "0";
        } else if name.eq_ignore_ascii_case(b"transfer-encoding") {
            body = true;
        }
    }
    let keep_alive = !body
        && !close
        && match version {
            "HTTP/1.1" => true,
            "HTTP/1.0" => keep_alive,
            _ => return Ok(Incoming::Refused(HeadError::Malformed)),
        };
    Ok(Incoming::Request(Request { method: method.to_owned(), target: target.to_owned(), keep_alive }))
}

/// The response to one request: status line, headers and (unless HEAD) body, in one buffer.
fn response(site: &Site, method: &str, target: &str, keep_alive: bool) -> Vec<u8> {
    const TEXT: &str = "text/plain; charset=utf-8";
    let (status, ctype, body) = if method != "GET" && method != "HEAD" {
        ("405 Method Not Allowed", TEXT, b"method not allowed\n".to_vec())
    } else {
        match route(site, target) {
            Some(Body::Bytes(b, t)) => ("200 OK", t, b),
            Some(Body::File(f)) => match std::fs::read(&f) {
                Ok(b) => ("200 OK", content_type(&f), b),
                Err(_) => ("404 Not Found", TEXT, b"not found\n".to_vec()),
            },
            None => ("404 Not Found", TEXT, b"not found\n".to_vec()),
        }
    };
    let connection = if keep_alive { "keep-alive" } else { "close" };
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nCache-Control: no-cache\r\nConnection: {connection}\r\n",
        body.len()
    );
    if keep_alive {
        head.push_str(&format!("Keep-Alive: timeout={}\r\n", IDLE_TIMEOUT.as_secs()));
    }
    for (k, v) in SECURITY_HEADERS {
        if k == "Content-Security-Policy" {
            head.push_str(&format!("{k}: {}\r\n", site.csp(target)));
        } else {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    if method != "HEAD" {
        out.extend_from_slice(&body);
    }
    out
}

/// A refusal of a request head, after which the connection is closed.
fn refusal(error: &HeadError) -> Vec<u8> {
    let status = match error {
        HeadError::TooLarge => "431 Request Header Fields Too Large",
        HeadError::Malformed => "400 Bad Request",
    };
    let body = format!("{status}\n");
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Answers the requests of one connection, one after the other (HTTP/1.1
/// persistent connections: a page's dozen files come over the same few
/// connections instead of a new one each), until the client closes it, asks
/// to, or stays idle for [`IDLE_TIMEOUT`].
fn handle(stream: TcpStream, site: &Site) -> std::io::Result<()> {
    stream.set_read_timeout(Some(IDLE_TIMEOUT))?;
    stream.set_write_timeout(Some(IDLE_TIMEOUT))?;
    // Each response is written at once; no waiting for an ACK before its last segment.
    stream.set_nodelay(true)?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = stream;
    loop {
        let request = match read_request(&mut reader)? {
            Incoming::Closed => return Ok(()),
            Incoming::Request(request) => request,
            Incoming::Refused(e) => {
                writer.write_all(&refusal(&e))?;
                return writer.flush();
            }
        };
        writer.write_all(&response(site, &request.method, &request.target, request.keep_alive))?;
        writer.flush()?;
        if !request.keep_alive {
            return Ok(());
        }
    }
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
        let Ok(stream) = stream else { continue };
        let site = Arc::clone(&site);
        std::thread::spawn(move || {
            let _ = handle(stream, &site);
        });
    }
    Ok(())
}

/// `serve --trust LIST --root ROOT.pub [--root …] [--port N] [--embed-parent ORIGIN]… [--no-build]`.
pub fn run_task(args: &[String]) -> Result<()> {
    let (mut trust, mut roots, mut port, mut build) = (None, Vec::new(), 8080u16, true);
    let mut embed_parents = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().cloned().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--trust" => trust = Some(PathBuf::from(value()?)),
            "--root" => roots.push(PathBuf::from(value()?)),
            "--port" => port = value()?.parse().map_err(|_| "--port takes a number".to_owned())?,
            "--embed-parent" => embed_parents.push(value()?),
            "--no-build" => build = false,
            other => return Err(format!("serve: unknown argument `{other}`")),
        }
    }
    let trust = trust.ok_or("serve needs --trust SIGNED_LIST")?;
    let site = Site::new(&trust, &roots)?.with_embed_parents(&embed_parents)?;
    if build && !site.pkg.join("cachet_bg.wasm").is_file() {
        crate::build::build()?;
    }
    serve(site, port)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(input: &[u8]) -> Vec<Incoming> {
        let mut reader = BufReader::new(input);
        let mut out = Vec::new();
        loop {
            let incoming = read_request(&mut reader).unwrap();
            let end = !matches!(incoming, Incoming::Request(Request { keep_alive: true, .. }));
            out.push(incoming);
            if end {
                return out;
            }
        }
    }

    fn request(method: &str, target: &str, keep_alive: bool) -> Incoming {
        Incoming::Request(Request { method: method.into(), target: target.into(), keep_alive })
    }

    #[test]
    fn http11_requests_follow_each_other_on_one_connection() {
        let input = b"GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /app.js HTTP/1.1\r\nhost: x\r\nAccept: */*\r\n\r\n";
        assert_eq!(read_all(input), [request("GET", "/", true), request("GET", "/app.js", true), Incoming::Closed]);
    }

    #[test]
    fn connection_close_ends_the_connection() {
        let input = b"GET / HTTP/1.1\r\nConnection: Keep-Alive, CLOSE\r\n\r\nGET /app.js HTTP/1.1\r\n\r\n";
        assert_eq!(read_all(input), [request("GET", "/", false)]);
    }

    #[test]
    fn http10_keeps_the_connection_only_when_asked() {
        assert_eq!(read_all(b"GET / HTTP/1.0\r\n\r\n"), [request("GET", "/", false)]);
        assert_eq!(
            read_all(b"HEAD / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"),
            [request("HEAD", "/", true), Incoming::Closed]
        );
    }

    #[test]
    fn a_request_with_a_body_closes_the_connection() {
        let input = b"POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET / HTTP/1.1\r\n\r\n";
        assert_eq!(read_all(input), [request("POST", "/", false)]);
        let input = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
        assert_eq!(read_all(input), [request("POST", "/", false)]);
        let input = b"GET / HTTP/1.1\r\nContent-Length: 0\r\n\r\n";
        assert_eq!(read_all(input), [request("GET", "/", true), Incoming::Closed]);
    }

    #[test]
    fn bare_newlines_and_leading_empty_lines_are_accepted() {
        assert_eq!(read_all(b"\r\n\nGET /x HTTP/1.1\nHost: x\n\n"), [request("GET", "/x", true), Incoming::Closed]);
    }

    #[test]
    fn a_head_cut_short_is_a_closed_connection() {
        assert_eq!(read_all(b""), [Incoming::Closed]);
        assert_eq!(read_all(b"GET / HTTP/1.1\r\nHost: x\r\n"), [Incoming::Closed]);
        assert_eq!(read_all(b"GET / HTT"), [Incoming::Closed]);
    }

    #[test]
    fn malformed_heads_are_refused() {
        for input in [
            &b"GET /\r\n\r\n"[..],
            b"GET / HTTP/1.1 extra\r\n\r\n",
            b"GET / HTTP/2.0\r\n\r\n",
            b"GET / HTTP/1.1\r\nno colon here\r\n\r\n",
        ] {
            assert_eq!(
                read_all(input),
                [Incoming::Refused(HeadError::Malformed)],
                "{}",
                String::from_utf8_lossy(input)
            );
        }
    }

    #[test]
    fn heads_longer_than_the_bound_are_refused() {
        let mut input = b"GET / HTTP/1.1\r\n".to_vec();
        while input.len() as u64 <= MAX_HEAD {
            input.extend_from_slice(b"X-Filler: 0123456789abcdef0123456789abcdef\r\n");
        }
        input.extend_from_slice(b"\r\n");
        assert_eq!(read_all(&input), [Incoming::Refused(HeadError::TooLarge)]);
        let line = vec![b'a'; MAX_HEAD as usize + 10];
        assert_eq!(read_all(&line), [Incoming::Refused(HeadError::TooLarge)]);
        // Exactly at the bound is still a head.
        let mut input = b"GET / HTTP/1.1\r\nX-Filler: ".to_vec();
        input.resize(MAX_HEAD as usize - 4, b'a');
        input.extend_from_slice(b"\r\n\r\n");
        assert_eq!(read_all(&input), [request("GET", "/", true), Incoming::Closed]);
    }

    #[test]
    fn embed_parents_are_plain_origins_and_frame_only_the_embed_page() {
        for ok in ["http://127.0.0.1:8081", "https://portail.example.fr", "http://[::1]:80", "http://localhost"] {
            assert!(is_origin(ok), "{ok}");
        }
        for bad in [
            "*",
            "https://a.example/",
            "https://a.example/path",
            "https://A.example",
            "ftp://a.example",
            "https://a.example; script-src *",
            "https://a.example https://b.example",
            "https://a.example:",
            "https://a.example:123456",
            "https://",
            "'self'",
        ] {
            assert!(!is_origin(bad), "{bad}");
        }
        let site = Site {
            www: PathBuf::new(),
            pkg: PathBuf::new(),
            trust_list: PathBuf::new(),
            config_json: "{\"roots\":[\"r\"]}".into(),
            embed_parents: Vec::new(),
        };
        assert_eq!(site.csp("/embed.html"), CSP, "no parent: nobody frames it");
        assert!(site.clone_with(&["https://a.example".into(), "bad".into()]).is_err());
        let site = site.clone_with(&["https://a.example".into(), "http://127.0.0.1:9".into()]).unwrap();
        assert_eq!(site.csp("/"), CSP);
        assert_eq!(site.csp("/index.html"), CSP);
        let embed = site.csp("/embed.html?profile=transport");
        assert!(embed.contains("frame-ancestors https://a.example http://127.0.0.1:9;"), "{embed}");
        assert!(!embed.contains("'none'; require"), "{embed}");
        let config: serde_json::Value = serde_json::from_str(&site.config_json).unwrap();
        assert_eq!(config["embedParents"], serde_json::json!(["https://a.example", "http://127.0.0.1:9"]));
        assert_eq!(config["roots"], serde_json::json!(["r"]));
    }

    impl Site {
        fn clone_with(&self, parents: &[String]) -> Result<Site> {
            Site {
                www: self.www.clone(),
                pkg: self.pkg.clone(),
                trust_list: self.trust_list.clone(),
                config_json: self.config_json.clone(),
                embed_parents: Vec::new(),
            }
            .with_embed_parents(parents)
        }
    }

    /// Reads one response: its head, and a body of its Content-Length.
    fn read_response(reader: &mut impl BufRead, head_only: bool) -> (String, Vec<u8>) {
        let mut head = String::new();
        loop {
            let n = reader.read_line(&mut head).unwrap();
            assert!(n > 0, "connection closed in a response head: {head:?}");
            if head.ends_with("\r\n\r\n") {
                break;
            }
        }
        let length: usize =
            head.lines().find_map(|l| l.strip_prefix("Content-Length: ")).expect("a Content-Length").parse().unwrap();
        let mut body = vec![0; if head_only { 0 } else { length }];
        reader.read_exact(&mut body).unwrap();
        (head, body)
    }

    #[test]
    fn one_connection_answers_several_requests_then_closes_when_asked() {
        let dir = std::env::temp_dir().join(format!("cachet-serve-test-{}", std::process::id()));
        let (www, pkg) = (dir.join("www"), dir.join("pkg"));
        std::fs::create_dir_all(&www).unwrap();
        std::fs::create_dir_all(&pkg).unwrap();
        std::fs::write(www.join("index.html"), "<!doctype html><title>t</title>").unwrap();
        std::fs::write(pkg.join("cachet_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
        std::fs::write(dir.join("list.json"), "{}").unwrap();
        let site = Site {
            www,
            pkg,
            trust_list: dir.join("list.json"),
            config_json: "{\"roots\":[]}".into(),
            embed_parents: Vec::new(),
        };

        let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
        let addr = listener.local_addr().unwrap();
        let server = std::thread::spawn(move || {
            let (stream, _) = listener.accept().unwrap();
            handle(stream, &site).unwrap();
        });
        let mut client = TcpStream::connect(addr).unwrap();
        client.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut reader = BufReader::new(client.try_clone().unwrap());

        client.write_all(b"GET /pkg/cachet_bg.wasm HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let (head, body) = read_response(&mut reader, false);
        assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
        assert!(head.contains("Content-Type: application/wasm\r\n"), "{head}");
        assert!(head.contains("Connection: keep-alive\r\n"), "{head}");
        assert!(head.contains(&format!("Content-Security-Policy: {CSP}\r\n")), "{head}");
        assert_eq!(body, b"\0asm\x01\0\0\0");

        // Two requests sent at once (pipelined) are answered in order.
        client.write_all(b"HEAD / HTTP/1.1\r\n\r\nGET /missing.js HTTP/1.1\r\n\r\n").unwrap();
        let (head, body) = read_response(&mut reader, true);
        assert!(head.starts_with("HTTP/1.1 200 OK\r\n") && head.contains("Content-Length: 31\r\n"), "{head}");
        assert!(body.is_empty());
        let (head, _) = read_response(&mut reader, false);
        assert!(head.starts_with("HTTP/1.1 404 Not Found\r\n"), "{head}");

        client.write_all(b"GET /config.json HTTP/1.1\r\nConnection: close\r\n\r\n").unwrap();
        let (head, body) = read_response(&mut reader, false);
        assert!(head.contains("Connection: close\r\n"), "{head}");
        assert_eq!(body, b"{\"roots\":[]}");
        let mut rest = Vec::new();
        reader.read_to_end(&mut rest).unwrap();
        assert!(rest.is_empty(), "the server closed the connection after its answer");
        server.join().unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
