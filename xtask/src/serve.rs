//! `cargo xtask serve --trust LIST --root ROOT.pub [--port N]`: the verifier
//! page on 127.0.0.1, with the headers a host must send (docs/SECURITY.md).
//!
//! `www/` is served at `/`, `pkg/` at `/pkg/`, the signed trust list at
//! `/trust-list.json` (read again on every request, so a new list is picked
//! up at once) and the pinned roots at `/config.json`. The server speaks just
//! enough HTTP/1.1 for a browser: GET and HEAD of static files over
//! persistent connections (keep-alive), heads of at most 16 KiB, no request
//! bodies. It answers only on the loopback interface.
//!
//! Every header but the per-file ones comes from `deploy/headers.json`
//! ([`HeaderRules`]), the one place that says what a host must send. Each
//! file also gets an `ETag` (a hash of its content) and a `Last-Modified`,
//! and a conditional request for the same content (`If-None-Match` naming
//! the ETag, or without it `If-Modified-Since` equal to `Last-Modified`, as
//! nginx's default `if_modified_since exact`) is answered `304 Not Modified`
//! with no body: a reader that revalidates an unchanged trust list pays a few
//! hundred bytes, not the list.

use crate::sh::{self, Result};
use sha2::{Digest, Sha256};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The headers a host must send, as data: `deploy/headers.json`, built in.
pub const HEADERS_JSON: &str = include_str!("../../deploy/headers.json");

/// The placeholder of `deploy/headers.json` for the origins that may frame `/embed.html`.
const EMBED_PARENTS: &str = "{embed_parents}";

/// One rule of `deploy/headers.json`: headers for the paths that match one of its patterns.
#[derive(Debug, Clone)]
pub(crate) struct Rule {
    pub(crate) paths: Vec<String>,
    pub(crate) headers: Vec<(String, String)>,
}

/// The names of `headers`, each once (compared ignoring case), in the order first given.
pub(crate) fn unique_names<'a>(headers: impl IntoIterator<Item = &'a (String, String)>) -> Vec<&'a str> {
    let mut names: Vec<&str> = Vec::new();
    for (name, _) in headers {
        if !names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            names.push(name);
        }
    }
    names
}

/// `deploy/headers.json`, read: its rules in order, and the content types by extension.
#[derive(Debug, Clone)]
pub struct HeaderRules {
    rules: Vec<Rule>,
    /// Headers that replace the rules' on an error response (status 400 or more).
    errors: Vec<(String, String)>,
    /// Extension (no dot; `""` for any other) → Content-Type.
    types: Vec<(String, String)>,
}

impl HeaderRules {
    /// The rules built into this binary.
    pub fn builtin() -> Result<HeaderRules> {
        HeaderRules::parse(HEADERS_JSON).map_err(|e| format!("deploy/headers.json: {e}"))
    }

    /// Reads the text of a `cachet-headers/1` file.
    pub fn parse(text: &str) -> Result<HeaderRules> {
        let doc: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if doc["format"] != "cachet-headers/1" {
            return Err(format!("format {} is not \"cachet-headers/1\"", doc["format"]));
        }
        let strings = |v: &serde_json::Value, what: &str| -> Result<Vec<(String, String)>> {
            let map = v.as_object().ok_or_else(|| format!("{what} is not an object"))?;
            map.iter()
                .map(|(k, v)| {
                    let v = v.as_str().ok_or_else(|| format!("{what}.{k} is not a string"))?;
                    if k.is_empty() && what != "types" || v.contains(['\r', '\n']) || k.contains(['\r', '\n', ':']) {
                        return Err(format!("{what}: {k:?}: {v:?} cannot be a header"));
                    }
                    Ok((k.clone(), v.to_owned()))
                })
                .collect()
        };
        let mut rules = Vec::new();
        for (i, rule) in doc["rules"].as_array().ok_or("no rules")?.iter().enumerate() {
            let paths: Vec<String> = rule["paths"]
                .as_array()
                .ok_or_else(|| format!("rules[{i}].paths is not an array"))?
                .iter()
                .map(|p| p.as_str().map(str::to_owned).ok_or_else(|| format!("rules[{i}].paths holds a non-string")))
                .collect::<Result<_>>()?;
            if let Some(bad) = paths.iter().find(|p| !is_pattern(p)) {
                return Err(format!("rules[{i}]: {bad:?} is not a path pattern (*, /exact, /prefix*, *suffix)"));
            }
            rules.push(Rule { paths, headers: strings(&rule["headers"], &format!("rules[{i}].headers"))? });
        }
        let types = strings(&doc["types"], "types")?;
        if !types.iter().any(|(ext, _)| ext.is_empty()) {
            return Err("types has no \"\" (the type of any other file)".into());
        }
        let errors = match &doc["errors"] {
            serde_json::Value::Null => Vec::new(),
            e => strings(&e["headers"], "errors.headers")?,
        };
        Ok(HeaderRules { rules, errors, types })
    }

    /// The headers for a request path (its query dropped), in the order of
    /// the rules, a later rule's header replacing an earlier one of the same
    /// name; `{embed_parents}` filled with `embed_parents` (`'none'` when empty).
    pub fn for_path(&self, path: &str, embed_parents: &[String]) -> Vec<(String, String)> {
        let path = path.split(['?', '#']).next().unwrap_or("/");
        let parents = if embed_parents.is_empty() { "'none'".to_owned() } else { embed_parents.join(" ") };
        let mut out: Vec<(String, String)> = Vec::new();
        for rule in self.rules.iter().filter(|r| r.paths.iter().any(|p| matches(p, path))) {
            for (name, value) in &rule.headers {
                let value = value.replace(EMBED_PARENTS, &parents);
                match out.iter_mut().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
                    Some(slot) => slot.1 = value,
                    None => out.push((name.clone(), value)),
                }
            }
        }
        out
    }

    /// Every header name the rules or `errors` give some response.
    pub fn names(&self) -> Vec<&str> {
        unique_names(self.rules.iter().flat_map(|r| &r.headers).chain(&self.errors))
    }

    /// The rules, in order, as written.
    pub(crate) fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The headers that replace the rules' on an error response.
    pub(crate) fn errors(&self) -> &[(String, String)] {
        &self.errors
    }

    /// Extension (no dot; `""` for any other) → Content-Type, as written.
    pub(crate) fn types(&self) -> &[(String, String)] {
        &self.types
    }

    /// The headers of a response of `status` to a request for `path`: those
    /// of [`HeaderRules::for_path`], with `errors`' replacing them when the
    /// status is 400 or more.
    pub fn for_response(&self, path: &str, status: u16, embed_parents: &[String]) -> Vec<(String, String)> {
        let mut out = self.for_path(path, embed_parents);
        if status >= 400 {
            for (name, value) in &self.errors {
                match out.iter_mut().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
                    Some(slot) => slot.1 = value.clone(),
                    None => out.push((name.clone(), value.clone())),
                }
            }
        }
        out
    }

    /// The Content-Type of a file, by its extension.
    pub fn content_type(&self, file: &Path) -> &str {
        let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("");
        let find = |ext: &str| self.types.iter().find(|(e, _)| e == ext).map(|(_, t)| t.as_str());
        find(ext).or_else(|| find("")).unwrap_or("application/octet-stream")
    }
}

/// The pattern of `deploy/headers.json` for the files `cargo xtask site`
/// names by their content, `NAME.HASH.EXT` (xtask/src/hashed.rs).
pub const CONTENT_NAMED: &str = "*.{hash}.*";

/// `*`, `/exact`, `/prefix*`, `*suffix` (one star at most, at an end), or [`CONTENT_NAMED`].
fn is_pattern(p: &str) -> bool {
    let stars = p.matches('*').count();
    p == "*"
        || p == CONTENT_NAMED
        || (stars == 0 && p.starts_with('/'))
        || (stars == 1 && (p.ends_with('*') && p.starts_with('/') || p.starts_with("*.") || p == "*/"))
}

/// Whether a request path matches a pattern of [`is_pattern`] (also how
/// deploy.rs reads headers.json for nginx and Caddy).
pub(crate) fn matches(pattern: &str, path: &str) -> bool {
    if pattern == "*" {
        true
    } else if pattern == CONTENT_NAMED {
        crate::hashed::is_hashed_name(path)
    } else if let Some(prefix) = pattern.strip_suffix('*') {
        path.starts_with(prefix)
    } else if let Some(suffix) = pattern.strip_prefix('*') {
        path.ends_with(suffix)
    } else {
        pattern == path
    }
}

/// A strong ETag for content: the first 128 bits of its SHA-256, in hex, quoted.
fn etag(body: &[u8]) -> String {
    let hash = Sha256::digest(body);
    let hex: String = hash.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// An HTTP-date (RFC 9110 §5.6.7, IMF-fixdate): `Sun, 06 Nov 1994 08:49:37 GMT`.
fn http_date(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64;
    let (h, m, s) = (secs % 86_400 / 3600, secs % 3600 / 60, secs % 60);
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let weekday = WEEKDAYS[(days % 7) as usize];
    match cachet::time::Date::from_days_since_epoch(days) {
        Some(d) => format!(
            "{weekday}, {:02} {} {:04} {h:02}:{m:02}:{s:02} GMT",
            d.day(),
            MONTHS[usize::from(d.month()).saturating_sub(1) % 12],
            d.year()
        ),
        None => "Thu, 01 Jan 1970 00:00:00 GMT".to_owned(),
    }
}

/// Whether a request's validators name the content it would get: any entity
/// tag of `If-None-Match` (weak or strong, or `*`) equal to `etag`; without
/// `If-None-Match`, `If-Modified-Since` equal to `last_modified`.
fn not_modified(request: &Request, etag: &str, last_modified: &str) -> bool {
    match &request.if_none_match {
        Some(tags) => tags.split(',').map(str::trim).any(|t| t == "*" || t.strip_prefix("W/").unwrap_or(t) == etag),
        None => request.if_modified_since.as_deref() == Some(last_modified),
    }
}

/// What the server serves.
pub struct Site {
    pub www: PathBuf,
    pub pkg: PathBuf,
    pub trust_list: PathBuf,
    /// The published status folder (`cachet trust status publish --dir`), served at `/status/`.
    pub status: Option<PathBuf>,
    pub config_json: String,
    /// The origins allowed to frame `/embed.html` and receive its messages
    /// (`--embed-parent`, docs/EMBEDDING.md); none by default.
    pub embed_parents: Vec<String>,
    /// The headers to send (`deploy/headers.json`).
    pub headers: HeaderRules,
    /// When the site was made: the `Last-Modified` of `/config.json`.
    pub made: SystemTime,
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
            status: None,
            config_json: serde_json::to_string_pretty(&config).map_err(|e| e.to_string())?,
            embed_parents: Vec::new(),
            headers: HeaderRules::builtin()?,
            made: SystemTime::now(),
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

    /// Serves the published status folder `dir` at `/status/` and names its
    /// index in config.json's `status` (docs/TRUST.md, "Publishing status
    /// documents").
    pub fn with_status(mut self, dir: &Path) -> Result<Site> {
        if !dir.join("index.json").is_file() {
            return Err(format!(
                "{} has no index.json: publish it with cachet trust status publish --dir",
                dir.display()
            ));
        }
        let mut config: serde_json::Value = serde_json::from_str(&self.config_json).map_err(|e| e.to_string())?;
        config["status"] = serde_json::json!("status/index.json");
        self.config_json = serde_json::to_string_pretty(&config).map_err(|e| e.to_string())?;
        self.status = Some(dir.to_path_buf());
        Ok(self)
    }

    /// The headers of `deploy/headers.json` for a response of `status` to a request path.
    fn headers(&self, path: &str, status: u16) -> Vec<(String, String)> {
        self.headers.for_response(path, status, &self.embed_parents)
    }

    /// The Content-Security-Policy for a request path.
    #[cfg(test)]
    fn csp(&self, path: &str) -> String {
        let headers = self.headers(path, 200);
        headers.into_iter().find(|(n, _)| n == "Content-Security-Policy").map(|(_, v)| v).unwrap_or_default()
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

enum Body {
    File(PathBuf),
    /// Bytes made by the server, their type and when they were made.
    Bytes(Vec<u8>, &'static str, SystemTime),
}

/// Maps a request path to what answers it; `None` is a 404.
fn route(site: &Site, path: &str) -> Option<Body> {
    let path = path.split(['?', '#']).next().unwrap_or("/");
    // No escapes, no climbing out, no hidden files.
    if path.contains(['%', '\\']) || path.split('/').any(|seg| seg == ".." || seg.starts_with('.')) {
        return None;
    }
    match path {
        "/config.json" => {
            return Some(Body::Bytes(site.config_json.clone().into_bytes(), "application/json", site.made))
        }
        "/trust-list.json" => return Some(Body::File(site.trust_list.clone())),
        _ => {}
    }
    let rel = path.trim_start_matches('/');
    if let (Some(dir), Some(name)) = (&site.status, rel.strip_prefix("status/")) {
        let file = dir.join(name);
        return (!name.is_empty() && !name.contains('/') && file.is_file()).then_some(Body::File(file));
    }
    let file = match rel.strip_prefix("pkg/") {
        Some(p) => site.pkg.join(p),
        None => site.www.join(rel),
    };
    // A folder's index only under the folder's own address (`/bench/`): the headers go by the path,
    // and only a path ending in `/` gets a document's (deploy/headers.json `*/`); `/bench` is a 404.
    let file = match (file.is_dir(), rel.is_empty() || rel.ends_with('/')) {
        (true, true) => file.join("index.html"),
        (true, false) => return None,
        (false, _) => file,
    };
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
    /// The `If-None-Match` header's value (several headers joined by commas).
    if_none_match: Option<String>,
    /// The `If-Modified-Since` header's value.
    if_modified_since: Option<String>,
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
    let (mut if_none_match, mut if_modified_since): (Option<String>, Option<String>) = (None, None);
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
        } else if name.eq_ignore_ascii_case(b"if-none-match") {
            if_none_match = Some(match if_none_match {
                Some(before) => format!("{before}, {value}"),
                None => value.to_owned(),
            });
        } else if name.eq_ignore_ascii_case(b"if-modified-since") {
            if_modified_since = Some(value.to_owned());
        }
    }
    let keep_alive = !body
        && !close
        && match version {
            "HTTP/1.1" => true,
            "HTTP/1.0" => keep_alive,
            _ => return Ok(Incoming::Refused(HeadError::Malformed)),
        };
    Ok(Incoming::Request(Request {
        method: method.to_owned(),
        target: target.to_owned(),
        keep_alive,
        if_none_match,
        if_modified_since,
    }))
}

/// The response to one request: status line, headers and (unless HEAD or
/// 304) body, in one buffer.
fn response(site: &Site, request: &Request) -> Vec<u8> {
    const TEXT: &str = "text/plain; charset=utf-8";
    let (method, target) = (request.method.as_str(), request.target.as_str());
    let not_found = || ("404 Not Found", TEXT.to_owned(), b"not found\n".to_vec(), None);
    // Status, Content-Type, body, and for a file its ETag and Last-Modified.
    let (status, ctype, body, validators) = if method != "GET" && method != "HEAD" {
        ("405 Method Not Allowed", TEXT.to_owned(), b"method not allowed\n".to_vec(), None)
    } else {
        match route(site, target) {
            Some(Body::Bytes(b, t, made)) => ("200 OK", t.to_owned(), b, Some(made)),
            Some(Body::File(f)) => match std::fs::read(&f) {
                Ok(b) => {
                    let modified = std::fs::metadata(&f).and_then(|m| m.modified()).unwrap_or(UNIX_EPOCH);
                    ("200 OK", site.headers.content_type(&f).to_owned(), b, Some(modified))
                }
                Err(_) => not_found(),
            },
            None => not_found(),
        }
    };
    let validators = validators.map(|modified| (etag(&body), http_date(modified)));
    let unchanged = validators.as_ref().is_some_and(|(tag, date)| not_modified(request, tag, date));
    let connection = if request.keep_alive { "keep-alive" } else { "close" };
    let mut head = if unchanged {
        // No body, so no Content-Length or Content-Type (RFC 9110 §15.4.5).
        format!("HTTP/1.1 304 Not Modified\r\nConnection: {connection}\r\n")
    } else {
        format!(
            "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: {connection}\r\n",
            body.len()
        )
    };
    if request.keep_alive {
        head.push_str(&format!("Keep-Alive: timeout={}\r\n", IDLE_TIMEOUT.as_secs()));
    }
    if let Some((tag, date)) = &validators {
        head.push_str(&format!("ETag: {tag}\r\nLast-Modified: {date}\r\n"));
    }
    let code = if unchanged { 304 } else { status[..3].parse().unwrap_or(500) };
    for (name, value) in site.headers(target, code) {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    if method != "HEAD" && !unchanged {
        out.extend_from_slice(&body);
    }
    out
}

/// A refusal of a request head, after which the connection is closed; with
/// the headers every response gets.
fn refusal(site: &Site, error: &HeadError) -> Vec<u8> {
    let status = match error {
        HeadError::TooLarge => "431 Request Header Fields Too Large",
        HeadError::Malformed => "400 Bad Request",
    };
    let body = format!("{status}\n");
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    // No path was read: the rules for every path.
    for (name, value) in site.headers("", 400) {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    format!("{head}\r\n{body}").into_bytes()
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
                writer.write_all(&refusal(site, &e))?;
                return writer.flush();
            }
        };
        writer.write_all(&response(site, &request))?;
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

/// `serve --trust LIST --root ROOT.pub [--root …] [--port N] [--embed-parent ORIGIN]… [--status DIR] [--no-build]`.
pub fn run_task(args: &[String]) -> Result<()> {
    let (mut trust, mut roots, mut port, mut build) = (None, Vec::new(), 8080u16, true);
    let mut status = None;
    let mut embed_parents = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().cloned().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--trust" => trust = Some(PathBuf::from(value()?)),
            "--root" => roots.push(PathBuf::from(value()?)),
            "--port" => port = value()?.parse().map_err(|_| "--port takes a number".to_owned())?,
            "--embed-parent" => embed_parents.push(value()?),
            "--status" => status = Some(PathBuf::from(value()?)),
            "--no-build" => build = false,
            other => return Err(format!("serve: unknown argument `{other}`")),
        }
    }
    let trust = trust.ok_or("serve needs --trust SIGNED_LIST")?;
    let mut site = Site::new(&trust, &roots)?.with_embed_parents(&embed_parents)?;
    if let Some(dir) = &status {
        site = site.with_status(dir)?;
    }
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
        Incoming::Request(Request {
            method: method.into(),
            target: target.into(),
            keep_alive,
            if_none_match: None,
            if_modified_since: None,
        })
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
        let site = test_site(PathBuf::new(), PathBuf::new(), PathBuf::new(), "{\"roots\":[\"r\"]}");
        let csp = page_csp();
        assert_eq!(site.csp("/embed.html"), csp, "no parent: nobody frames it");
        assert!(site.clone_with(&["https://a.example".into(), "bad".into()]).is_err());
        let site = site.clone_with(&["https://a.example".into(), "http://127.0.0.1:9".into()]).unwrap();
        assert_eq!(site.csp("/"), csp);
        assert_eq!(site.csp("/index.html"), csp);
        assert_eq!(site.csp("/pkg/embed.html"), csp);
        let embed = site.csp("/embed.html?profile=transport");
        assert!(embed.contains("frame-ancestors https://a.example http://127.0.0.1:9;"), "{embed}");
        assert!(!embed.contains("'none'; require"), "{embed}");
        let config: serde_json::Value = serde_json::from_str(&site.config_json).unwrap();
        assert_eq!(config["embedParents"], serde_json::json!(["https://a.example", "http://127.0.0.1:9"]));
        assert_eq!(config["roots"], serde_json::json!(["r"]));
    }

    fn test_site(www: PathBuf, pkg: PathBuf, trust_list: PathBuf, config_json: &str) -> Site {
        Site {
            www,
            pkg,
            trust_list,
            status: None,
            config_json: config_json.into(),
            embed_parents: Vec::new(),
            headers: HeaderRules::builtin().unwrap(),
            made: SystemTime::now(),
        }
    }

    /// The page's Content-Security-Policy, as deploy/headers.json gives it.
    fn page_csp() -> String {
        let headers = HeaderRules::builtin().unwrap().for_path("/", &[]);
        headers.into_iter().find(|(n, _)| n == "Content-Security-Policy").unwrap().1
    }

    impl Site {
        fn clone_with(&self, parents: &[String]) -> Result<Site> {
            test_site(self.www.clone(), self.pkg.clone(), self.trust_list.clone(), &self.config_json)
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
        let length: usize = if head.starts_with("HTTP/1.1 304 ") {
            assert!(!head.contains("Content-Length"), "{head}");
            0
        } else {
            head.lines().find_map(|l| l.strip_prefix("Content-Length: ")).expect("a Content-Length").parse().unwrap()
        };
        let mut body = vec![0; if head_only { 0 } else { length }];
        reader.read_exact(&mut body).unwrap();
        (head, body)
    }

    #[test]
    fn a_folder_index_only_at_the_folder_address_where_it_gets_a_document_headers() {
        let dir = std::env::temp_dir().join(format!("cachet-serve-folder-{}", std::process::id()));
        let (www, pkg) = (dir.join("www"), dir.join("pkg"));
        std::fs::create_dir_all(www.join("bench")).unwrap();
        std::fs::create_dir_all(&pkg).unwrap();
        std::fs::write(www.join("bench").join("index.html"), "<!doctype html><title>b</title>").unwrap();
        let site = test_site(www.clone(), pkg, dir.join("list.json"), "{}");
        assert!(matches!(route(&site, "/bench/"), Some(Body::File(f)) if f == www.join("bench").join("index.html")));
        assert!(route(&site, "/bench").is_none(), "/bench would be a page without the documents' headers");
        let csp =
            |path: &str| site.headers.for_path(path, &[]).into_iter().any(|(n, _)| n == "Content-Security-Policy");
        assert!(csp("/bench/") && !csp("/bench"));
        std::fs::remove_dir_all(&dir).unwrap();
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
        let site = test_site(www, pkg, dir.join("list.json"), "{\"roots\":[]}");

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
        assert!(head.contains("X-Content-Type-Options: nosniff\r\n"), "{head}");
        assert!(!head.contains("Content-Security-Policy"), "a wasm module is never a document: {head}");
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

    /// The policy as docs/SECURITY.md states it: what deploy/headers.json must keep.
    const STRICT_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; \
img-src 'self' blob: data:; style-src 'self'; media-src 'self' blob: mediastream:; worker-src 'self'; \
object-src 'none'; font-src 'none'; frame-src 'none'; child-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; \
require-trusted-types-for 'script'; trusted-types cachet";

    fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
        headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The headers that act only on a document or a worker, and their values.
    const DOCUMENT_ONLY: [(&str, &str); 3] = [
        ("Content-Security-Policy", STRICT_CSP),
        ("Permissions-Policy", "camera=(self), microphone=(), geolocation=()"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ];

    #[test]
    fn every_response_gets_the_security_headers_of_the_data_file() {
        let rules = HeaderRules::builtin().unwrap();
        let documents = ["/", "/index.html", "/bench/", "/icon.svg", "/sw.js", "/scan-worker.js", "/embed.html?x=1"];
        let never_documents =
            ["/pkg/cachet_bg.wasm", "/app.0123456789abcdef.js", "/trust-list.json", "/style.css", "/missing", ""];
        for path in documents.iter().chain(&never_documents) {
            let headers = rules.for_path(path, &[]);
            for (name, value) in [
                ("Referrer-Policy", "no-referrer"),
                ("X-Content-Type-Options", "nosniff"),
                ("Cross-Origin-Resource-Policy", "same-origin"),
            ] {
                assert_eq!(header(&headers, name), Some(value), "{path}: {name}");
            }
            // A document or a worker gets the policy; nothing else does (it would do nothing there)
            // but an error page, below.
            for (name, value) in DOCUMENT_ONLY {
                let expected = documents.contains(path).then_some(value);
                assert_eq!(header(&headers, name), expected, "{path}: {name}");
            }
            let names: Vec<String> = headers.iter().map(|(n, _)| n.to_ascii_lowercase()).collect();
            let mut unique = names.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(unique.len(), names.len(), "{path}: a header twice: {names:?}");
        }
        // The embed page's policy is the page's but for who may frame it.
        let parents = ["https://a.example".to_owned(), "http://127.0.0.1:9".to_owned()];
        let embed = rules.for_path("/embed.html", &parents);
        assert_eq!(
            header(&embed, "Content-Security-Policy"),
            Some(
                STRICT_CSP
                    .replace("frame-ancestors 'none'", "frame-ancestors https://a.example http://127.0.0.1:9")
                    .as_str()
            )
        );
        let page = rules.for_path("/index.html", &parents);
        assert_eq!(header(&page, "Content-Security-Policy"), Some(STRICT_CSP), "only embed.html is framable");
        // An error is a document wherever it is: it gets the whole policy.
        for path in ["/missing.js", "/pkg/cachet_bg.wasm", "/missing", "/"] {
            let error = rules.for_response(path, 404, &[]);
            for (name, value) in DOCUMENT_ONLY {
                assert_eq!(header(&error, name), Some(value), "404 {path}: {name}");
            }
        }
    }

    #[test]
    fn trust_files_pages_and_the_service_worker_are_revalidated_never_immutable() {
        let rules = HeaderRules::builtin().unwrap();
        for path in [
            "/trust-list.json",
            "/config.json",
            "/",
            "/index.html",
            "/embed.html",
            "/sw.js",
            "/manifest.webmanifest",
            "/app.js",
            "/pkg/cachet_bg.wasm",
            "/pkg/cachet.js",
        ] {
            let headers = rules.for_path(path, &[]);
            assert_eq!(header(&headers, "Cache-Control"), Some("no-cache"), "{path}");
        }
        // Only what is named by its content is kept without asking (and no
        // rule after it takes that back).
        for rule in &rules.rules {
            for (name, value) in &rule.headers {
                assert!(
                    rule.paths == [CONTENT_NAMED] || !value.contains("immutable") && !value.contains("max-age"),
                    "{:?}: {name}: {value}",
                    rule.paths
                );
            }
        }
        for path in
            ["/app.0123456789abcdef.js", "/pkg/cachet_bg.0123456789abcdef.wasm", "/lib/early.0123456789abcdef.js"]
        {
            let headers = rules.for_path(path, &[]);
            assert_eq!(header(&headers, "Cache-Control"), Some("public, max-age=31536000, immutable"), "{path}");
            // Its 404 (a release not yet copied everywhere) is never kept, nor any other error.
            for status in [400, 403, 404, 500, 503] {
                let headers = rules.for_response(path, status, &[]);
                assert_eq!(header(&headers, "Cache-Control"), Some("no-store"), "{status} {path}");
            }
            assert_eq!(rules.for_response(path, 304, &[]), rules.for_path(path, &[]));
        }
    }

    #[test]
    fn content_types_come_from_the_data_file() {
        let rules = HeaderRules::builtin().unwrap();
        let t = |f: &str| rules.content_type(Path::new(f)).to_owned();
        assert_eq!(t("pkg/cachet_bg.wasm"), "application/wasm");
        assert_eq!(t("www/index.html"), "text/html; charset=utf-8");
        assert_eq!(t("www/app.js"), "text/javascript; charset=utf-8");
        assert_eq!(t("trust-list.json"), "application/json");
        assert_eq!(t("www/manifest.webmanifest"), "application/manifest+json");
        assert_eq!(t("www/x.bin"), "application/octet-stream");
        assert_eq!(t("www/LICENSE"), "application/octet-stream");
    }

    #[test]
    fn path_patterns_and_bad_files_are_refused() {
        for (pattern, path, want) in [
            ("*", "/x", true),
            ("/embed.html", "/embed.html", true),
            ("/embed.html", "/pkg/embed.html", false),
            ("/pkg/*", "/pkg/cachet.js", true),
            ("/pkg/*", "/pkgx", false),
            ("*.wasm", "/pkg/cachet_bg.wasm", true),
            ("*.wasm", "/pkg/cachet_bg.wasm.d.ts", false),
            (CONTENT_NAMED, "/app.0123456789abcdef.js", true),
            (CONTENT_NAMED, "/pkg/cachet_bg.0123456789abcdef.wasm", true),
            (CONTENT_NAMED, "/app.js", false),
            (CONTENT_NAMED, "/pkg/cachet.d.ts", false),
            (CONTENT_NAMED, "/app.0123456789ABCDEF.js", false),
            (CONTENT_NAMED, "/app.0123456789abcde.js", false),
            (CONTENT_NAMED, "/.0123456789abcdef.js", false),
            (CONTENT_NAMED, "/a.0123456789abcdef.js/x", false),
        ] {
            assert!(is_pattern(pattern), "{pattern}");
            assert_eq!(matches(pattern, path), want, "{pattern} {path}");
        }
        for bad in ["", "embed.html", "/a*b", "**", "/a/*/b*", "*x", "/*.{hash}.*", "*.{hash}.*.js"] {
            assert!(!is_pattern(bad), "{bad}");
        }
        let file = |rules: &str, types: &str| {
            format!("{{\"format\":\"cachet-headers/1\",\"rules\":[{rules}],\"types\":{{{types}}}}}")
        };
        let ok = file(r#"{"paths":["*"],"headers":{"X-A":"1"}}"#, r#""":"application/octet-stream""#);
        assert!(HeaderRules::parse(&ok).is_ok());
        for (bad, why) in [
            (ok.replace("cachet-headers/1", "cachet-headers/2"), "format"),
            (ok.replace("\"*\"", "\"x\""), "not a path pattern"),
            (ok.replace("\"1\"", "\"1\\r\\nX-B: 2\""), "cannot be a header"),
            (ok.replace("\"1\"", "1"), "not a string"),
            (ok.replace("\"\":", "\"bin\":"), "any other file"),
            ("{".to_owned(), "EOF"),
        ] {
            let err = HeaderRules::parse(&bad).unwrap_err();
            assert!(err.contains(why), "{bad}: {err}");
        }
    }

    #[test]
    fn http_dates_are_imf_fixdates() {
        // RFC 9110 §5.6.7's example.
        assert_eq!(http_date(UNIX_EPOCH + Duration::from_secs(784_111_777)), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(http_date(UNIX_EPOCH), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(http_date(UNIX_EPOCH + Duration::from_secs(951_782_400)), "Tue, 29 Feb 2000 00:00:00 GMT");
    }

    #[test]
    fn validators_are_read_from_the_request_head() {
        let input = b"GET /t HTTP/1.1\r\nIf-None-Match: \"a\"\r\nif-none-match: W/\"b\"\r\nIf-Modified-Since: Thu, 01 Jan 1970 00:00:00 GMT\r\n\r\n";
        let Incoming::Request(r) = read_request(&mut BufReader::new(&input[..])).unwrap() else { panic!() };
        assert_eq!(r.if_none_match.as_deref(), Some("\"a\", W/\"b\""));
        assert!(not_modified(&r, "\"b\"", "x"), "a weak tag compares by its value");
        assert!(not_modified(&r, "\"a\"", "x"));
        assert!(!not_modified(&r, "\"c\"", "Thu, 01 Jan 1970 00:00:00 GMT"), "If-None-Match wins over the date");
        let r = Request { if_none_match: None, ..r };
        assert!(not_modified(&r, "\"c\"", "Thu, 01 Jan 1970 00:00:00 GMT"));
        assert!(!not_modified(&r, "\"c\"", "Fri, 02 Jan 1970 00:00:00 GMT"));
    }

    /// The value of a header in a response head.
    fn value<'a>(head: &'a str, name: &str) -> Option<&'a str> {
        head.lines().find_map(|l| l.split_once(": ").filter(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v))
    }

    #[test]
    fn an_unchanged_trust_list_is_answered_304_without_a_body() {
        let dir = std::env::temp_dir().join(format!("cachet-serve-etag-{}", std::process::id()));
        let (www, pkg) = (dir.join("www"), dir.join("pkg"));
        std::fs::create_dir_all(&www).unwrap();
        std::fs::create_dir_all(&pkg).unwrap();
        std::fs::write(www.join("sw.js"), "// sw").unwrap();
        let list = dir.join("list.json");
        std::fs::write(&list, "{\"list\":1}").unwrap();
        let site = test_site(www, pkg, list.clone(), "{\"roots\":[]}");

        let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
        let addr = listener.local_addr().unwrap();
        let server = std::thread::spawn(move || {
            let (stream, _) = listener.accept().unwrap();
            handle(stream, &site).unwrap();
        });
        let mut client = TcpStream::connect(addr).unwrap();
        client.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut reader = BufReader::new(client.try_clone().unwrap());
        let mut ask = |request: String, head_only: bool| {
            client.write_all(request.as_bytes()).unwrap();
            read_response(&mut reader, head_only)
        };

        let (head, body) = ask("GET /trust-list.json HTTP/1.1\r\n\r\n".into(), false);
        assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
        assert_eq!(body, b"{\"list\":1}");
        assert_eq!(value(&head, "Cache-Control"), Some("no-cache"));
        let tag = value(&head, "ETag").expect("an ETag").to_owned();
        assert_eq!(tag, etag(b"{\"list\":1}"));
        assert!(tag.starts_with('"') && tag.ends_with('"') && tag.len() == 34, "{tag}");
        let modified = value(&head, "Last-Modified").expect("a Last-Modified").to_owned();
        assert!(modified.ends_with(" GMT"), "{modified}");

        // The same content: 304, no body (the next response on the connection follows at once).
        for validator in [tag.clone(), format!("W/{tag}"), format!("\"other\", {tag}"), "*".into()] {
            let (head, body) =
                ask(format!("GET /trust-list.json HTTP/1.1\r\nIf-None-Match: {validator}\r\n\r\n"), false);
            assert!(head.starts_with("HTTP/1.1 304 Not Modified\r\n"), "{validator}: {head}");
            assert!(body.is_empty());
            assert_eq!(value(&head, "ETag"), Some(tag.as_str()));
            assert_eq!(value(&head, "Cache-Control"), Some("no-cache"));
            assert_eq!(value(&head, "X-Content-Type-Options"), Some("nosniff"), "the security headers too");
            assert_eq!(value(&head, "Content-Security-Policy"), None, "JSON is never a document");
        }
        let (head, _) = ask(format!("HEAD /trust-list.json HTTP/1.1\r\nIf-None-Match: {tag}\r\n\r\n"), true);
        assert!(head.starts_with("HTTP/1.1 304 "), "{head}");
        let (head, _) = ask(format!("GET /trust-list.json HTTP/1.1\r\nIf-Modified-Since: {modified}\r\n\r\n"), false);
        assert!(head.starts_with("HTTP/1.1 304 "), "{head}");

        // Another tag: the whole list.
        let (head, body) = ask("GET /trust-list.json HTTP/1.1\r\nIf-None-Match: \"0000\"\r\n\r\n".into(), false);
        assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
        assert_eq!(body, b"{\"list\":1}");

        // A new list: its new tag, and the old tag no longer matches.
        std::fs::write(&list, "{\"list\":2}").unwrap();
        let (head, body) = ask(format!("GET /trust-list.json HTTP/1.1\r\nIf-None-Match: {tag}\r\n\r\n"), false);
        assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
        assert_eq!(body, b"{\"list\":2}");
        assert_eq!(value(&head, "ETag"), Some(etag(b"{\"list\":2}").as_str()));

        // config.json and the service worker have validators too; a missing file is never 304.
        for path in ["/config.json", "/sw.js"] {
            let (head, _) = ask(format!("GET {path} HTTP/1.1\r\n\r\n"), false);
            let tag = value(&head, "ETag").expect("an ETag").to_owned();
            assert!(value(&head, "Last-Modified").is_some(), "{head}");
            let (head, _) = ask(format!("GET {path} HTTP/1.1\r\nIf-None-Match: {tag}\r\n\r\n"), false);
            assert!(head.starts_with("HTTP/1.1 304 "), "{path}: {head}");
        }
        let (head, _) = ask("GET /missing.js HTTP/1.1\r\nIf-None-Match: *\r\nConnection: close\r\n\r\n".into(), false);
        assert!(head.starts_with("HTTP/1.1 404 "), "{head}");
        assert!(value(&head, "ETag").is_none());
        assert_eq!(value(&head, "Content-Security-Policy"), Some(STRICT_CSP), "errors get the headers too");
        assert_eq!(value(&head, "Cache-Control"), Some("no-store"), "an error is never kept");
        server.join().unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
