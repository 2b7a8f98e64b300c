//! Files named by their content, checked by the browser (issue 13; docs/DEPLOYING.md,
//! "Files named by their content").
//!
//! [`name_by_content`] is the step of `cargo xtask site` (deploy.rs's
//! `lay_out`) that gives each immutable asset of the laid-out site (its
//! modules, style sheets, wasm, icon) a second name, `NAME.HASH.EXT` (HASH:
//! the first 16 hex digits of the SHA-256 of the file as written), and makes
//! the site's own pages use those names:
//!
//! - `index.html`, `embed.html`: `src` and `href` attributes; every module
//!   script, modulepreload and style sheet gets `integrity="sha384-…"`, and
//!   every module a page's module scripts import statically gets a
//!   `<link rel="modulepreload" … integrity>` before the first of those
//!   scripts (the browser fetches an import with the integrity of the
//!   preload already in its module map; a preload after the script that
//!   imports it would come too late, and is refused here); the modules
//!   loaded on demand, their SRI and what they import, in
//!   `<meta name="cachet-modules" content='{…}'>`, from which
//!   `lib/early.js` preloads them with their integrity before `import()`;
//! - modules: `import … from '…'`, `import '…'`, `export … from '…'`,
//!   `import('…')` and `new URL('…', import.meta.url)` with a literal;
//! - style sheets: `url(…)` and `@import "…"`;
//! - `sw.js`: every string literal naming a file of the site (its offline
//!   lists), and `const INTEGRITY = {};` filled with the SRI of each file it
//!   precaches (it fetches them with `integrity`);
//! - `lib/early.js`: `const INTEGRITY = {};` filled with the SRI of each wasm
//!   module (it fetches them with `fetch(url, {integrity})`);
//! - `manifest.webmanifest`: its `"src"` members (the icons).
//!
//! A module's name depends on the names of the modules it imports, so the
//! files are named in the order of their references (a cycle is refused).
//! A string, attribute or `url()` that names such a file in any other way is
//! an error, as is a reference to a file the site does not have: a layout
//! that would serve a silently broken (or silently unchecked) page fails
//! instead. The original files stay too, under their own names and
//! revalidated (embedding pages load `/element/cachet-verifier.js` and
//! `/pkg/cachet.js` by those names, docs/EMBEDDING.md); what keeps its name
//! only: the entry points ([`ENTRIES`]), `scan-worker.js` (a worker's script
//! takes no integrity metadata), `config.json`, `trust-list.json`, the
//! TypeScript declarations.

use crate::minify::line_of;
use crate::sh::{self, Result};
use base64::Engine;
use sha2::{Digest, Sha256, Sha384};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Hex digits of the content hash in a name.
pub const HASH_LEN: usize = 16;
/// The pages and files whose address must not change from one release to
/// the next: revalidated on every use, and the root of every check.
pub const ENTRIES: [&str; 4] = ["index.html", "embed.html", "sw.js", "manifest.webmanifest"];
/// Assets kept under their own name only: a Worker's script takes no
/// integrity metadata, so a name by content would add nothing but caching.
const STABLE: [&str; 1] = ["scan-worker.js"];
/// The extensions of the files named by content.
const HASHED_EXTS: [&str; 5] = ["js", "mjs", "css", "wasm", "svg"];
/// The placeholder that the layout fills with a map of SRI values.
pub const PLACEHOLDER: &str = "const INTEGRITY = {};";
/// The module that fetches the wasm modules, and holds their SRI values.
const WASM_LOADER: &str = "lib/early.js";
/// The service worker, which precaches with the SRI values it holds.
const SERVICE_WORKER: &str = "sw.js";

/// Whether a path is one `name_by_content` wrote: `NAME.<16 hex>.EXT`.
pub fn is_hashed_name(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let mut parts = name.rsplitn(3, '.');
    let (Some(ext), Some(hash), Some(stem)) = (parts.next(), parts.next(), parts.next()) else { return false };
    !stem.is_empty()
        && !ext.is_empty()
        && hash.len() == HASH_LEN
        && hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The `integrity` value of some bytes: `sha384-` and the base64 of their SHA-384.
pub fn sri(bytes: &[u8]) -> String {
    format!("sha384-{}", base64::engine::general_purpose::STANDARD.encode(Sha384::digest(bytes)))
}

/// What the layout named: original path → (new path, SRI of its bytes).
#[derive(Debug, Default)]
pub struct Named {
    pub files: BTreeMap<String, (String, String)>,
}

/// How a reference was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `import … from '…'`, `import '…'`, `export … from '…'`.
    Import,
    /// `import('…')`.
    DynamicImport,
    /// `new URL('…', import.meta.url)`.
    MetaUrl,
    /// An HTML `src` or `href`.
    Attr,
    /// CSS `url(…)` or `@import "…"`.
    Css,
    /// A string of sw.js naming a file of the site.
    Sw,
    /// A `"src"` of the web app manifest.
    ManifestSrc,
}

/// A reference to a file of the site: `span` is the path as written (its
/// query and fragment left out), `target` the site path it resolves to.
#[derive(Debug, Clone)]
struct Ref {
    span: (usize, usize),
    target: String,
    kind: Kind,
}

/// An HTML tag, as far as the layout reads it.
#[derive(Debug, Clone)]
struct Tag {
    name: String,
    /// (name lowercased, value, span of the value)
    attrs: Vec<(String, String, (usize, usize))>,
    /// Where `>` (or `/>`) closes the tag: attributes are inserted there.
    close: usize,
    start: usize,
}

impl Tag {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(n, _, _)| n == name).map(|(_, v, _)| v.as_str())
    }
    fn rel_has(&self, token: &str) -> bool {
        self.attr("rel").is_some_and(|r| r.split_ascii_whitespace().any(|t| t.eq_ignore_ascii_case(token)))
    }
}

/// Where `pat` first occurs in `hay` at or after `from`.
fn find(hay: &[u8], from: usize, pat: &[u8]) -> Option<usize> {
    hay.get(from..)?.windows(pat.len()).position(|w| w == pat).map(|p| from + p)
}

/// The site path `spec` names from the file `from` (both site-relative,
/// `/`-separated), without its query and fragment; `None` when it is not a
/// plain same-site path (another scheme or host, characters a file name of
/// this site never has, or above the site's root).
pub(crate) fn resolve(from: &str, spec: &str) -> Option<String> {
    let path = spec.split(['?', '#']).next().unwrap_or("");
    if path.is_empty()
        || path.starts_with("//")
        || !path.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-/".contains(&b))
    {
        return None;
    }
    let mut parts: Vec<&str> = if path.starts_with('/') {
        Vec::new()
    } else {
        let mut dir: Vec<&str> = from.split('/').collect();
        dir.pop();
        dir
    };
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// Whether `s` ends with the word `w` (not the tail of a longer identifier).
fn ends_with_word(s: &str, w: &str) -> bool {
    s.strip_suffix(w)
        .is_some_and(|rest| !rest.ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '$' || c == '.'))
}

/// The literal strings of a JavaScript text (quoted, or template literals
/// without substitutions), as spans of their content; comments and regular
/// expression literals skipped (minify.rs's lexer, which the site's
/// stripping uses too).
fn js_strings(text: &str) -> Result<Vec<(usize, usize)>> {
    use crate::minify::Piece;
    Ok(crate::minify::lex(text)?
        .into_iter()
        .filter(|(piece, _, _)| matches!(piece, Piece::Str | Piece::Template { whole: true }))
        .map(|(_, start, end)| (start + 1, end - 1))
        .collect())
}

/// The references of a module to files of the site. `sw`: the service
/// worker, whose strings naming a file of the site are its offline lists.
fn js_refs(path: &str, text: &str, site: &BTreeSet<String>, named: &BTreeSet<String>, sw: bool) -> Result<Vec<Ref>> {
    let mut refs = Vec::new();
    for (start, end) in js_strings(text).map_err(|e| format!("{path}: {e}"))? {
        let spec = &text[start..end];
        let before = text[..start - 1].trim_end();
        let Some(target) = resolve(path, spec) else {
            let import =
                ends_with_word(before, "from") || ends_with_word(before, "import") || before.ends_with("import(");
            if import && (spec.starts_with('.') || spec.starts_with('/')) {
                return Err(format!("{path}:{}: imports '{spec}', outside the site", line_of(text, start)));
            }
            continue;
        };
        let after = text[end + 1..].trim_start();
        let call = |name: &str| before.strip_suffix('(').is_some_and(|b| ends_with_word(b.trim_end(), name));
        let kind = if ends_with_word(before, "from") || ends_with_word(before, "import") {
            Some(Kind::Import)
        } else if call("import") && after.starts_with(')') {
            Some(Kind::DynamicImport)
        } else if call("URL")
            && before
                .strip_suffix('(')
                .is_some_and(|b| ends_with_word(b.trim_end().trim_end_matches("URL").trim_end(), "new"))
            && after.strip_prefix(',').is_some_and(|a| {
                a.trim_start().strip_prefix("import.meta.url").is_some_and(|a| a.trim_start().starts_with(')'))
            })
        {
            Some(Kind::MetaUrl)
        } else if sw && site.contains(&target) {
            Some(Kind::Sw)
        } else {
            None
        };
        let line = line_of(text, start);
        match kind {
            Some(Kind::Import | Kind::DynamicImport) if !site.contains(&target) => {
                return Err(format!("{path}:{line}: imports '{spec}', which the site does not have ({target})"));
            }
            Some(kind) => refs.push(Ref {
                span: (start, start + spec.split(['?', '#']).next().unwrap_or("").len()),
                target,
                kind,
            }),
            None if named.contains(&target) => {
                return Err(format!(
                    "{path}:{line}: '{spec}' names {target}, which the layout names by its content, but not as \
                     an import, import('…') or new URL('…', import.meta.url): the layout cannot rewrite it"
                ));
            }
            None => {}
        }
    }
    Ok(refs)
}

/// The tags of an HTML (or SVG) text, comments skipped; an inline script
/// or style with content is an error (the CSP refuses it, and no layout
/// could check it).
fn html_tags(path: &str, text: &str) -> Result<Vec<Tag>> {
    let b = text.as_bytes();
    let n = b.len();
    let mut tags = Vec::new();
    let mut i = 0;
    while i < n {
        if b[i..].starts_with(b"<!--") {
            i = find(b, i, b"-->").map(|e| e + 3).ok_or_else(|| format!("{path}: an unterminated comment"))?;
            continue;
        }
        if b[i] != b'<' || !b.get(i + 1).is_some_and(u8::is_ascii_alphabetic) {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        let name_start = i;
        while i < n && (b[i].is_ascii_alphanumeric() || b[i] == b'-') {
            i += 1;
        }
        let name = text[name_start..i].to_ascii_lowercase();
        let mut attrs = Vec::new();
        let close = loop {
            while i < n && b[i].is_ascii_whitespace() {
                i += 1;
            }
            match b.get(i) {
                None => return Err(format!("{path}:{}: an unterminated <{name}> tag", line_of(text, start))),
                Some(b'>') => break i,
                Some(b'/') if b.get(i + 1) == Some(&b'>') => break i,
                _ => {}
            }
            let a = i;
            let ends_name = |i: usize| {
                b[i].is_ascii_whitespace() || b"=>".contains(&b[i]) || b[i] == b'/' && b.get(i + 1) == Some(&b'>')
            };
            while i < n && !ends_name(i) {
                i += 1;
            }
            if i == a {
                return Err(format!("{path}:{}: cannot read the attributes of <{name}>", line_of(text, start)));
            }
            let attr = text[a..i].to_ascii_lowercase();
            while i < n && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if b.get(i) != Some(&b'=') {
                attrs.push((attr, String::new(), (i, i)));
                continue;
            }
            i += 1;
            while i < n && b[i].is_ascii_whitespace() {
                i += 1;
            }
            let (vs, ve) = match b.get(i) {
                Some(&q @ (b'"' | b'\'')) => {
                    let vs = i + 1;
                    let ve = find(b, vs, &[q]).ok_or_else(|| {
                        format!("{path}:{}: an unterminated attribute value in <{name}>", line_of(text, start))
                    })?;
                    i = ve + 1;
                    (vs, ve)
                }
                _ => {
                    let vs = i;
                    while i < n && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                        i += 1;
                    }
                    (vs, i)
                }
            };
            attrs.push((attr, text[vs..ve].to_owned(), (vs, ve)));
        };
        i = close + 1;
        if name == "script" || name == "style" {
            let end = find(&text.to_ascii_lowercase().into_bytes(), i, format!("</{name}").as_bytes())
                .ok_or_else(|| format!("{path}:{}: <{name}> is never closed", line_of(text, start)))?;
            if !text[i..end].trim().is_empty() {
                return Err(format!(
                    "{path}:{}: an inline <{name}> with content: the page's CSP refuses it, and nothing could check it",
                    line_of(text, start)
                ));
            }
            i = end;
        }
        tags.push(Tag { name, attrs, close, start });
    }
    Ok(tags)
}

/// The references of an HTML (or SVG) text: `src` and `href` attributes.
fn html_refs(
    path: &str,
    text: &str,
    site: &BTreeSet<String>,
    named: &BTreeSet<String>,
) -> Result<(Vec<Ref>, Vec<Tag>)> {
    let tags = html_tags(path, text)?;
    let mut refs = Vec::new();
    for tag in &tags {
        for (attr, value, (vs, _)) in &tag.attrs {
            if attr.ends_with("srcset") {
                // Candidates `URL [descriptor]`, comma-separated: none may name a renamed file.
                for url in value.split(',').filter_map(|c| c.split_ascii_whitespace().next()) {
                    if let Some(target) = resolve(path, url).filter(|t| named.contains(t)) {
                        return Err(format!(
                            "{path}:{}: <{} {attr}> names {target}, which the layout names by its content: \
                             only src and href are rewritten",
                            line_of(text, *vs),
                            tag.name
                        ));
                    }
                }
                continue;
            }
            let Some(target) = resolve(path, value) else { continue };
            let line = line_of(text, *vs);
            let is_ref = attr == "src" || attr == "href";
            if is_ref && named.contains(&target) {
                let len = value.split(['?', '#']).next().unwrap_or("").len();
                refs.push(Ref { span: (*vs, vs + len), target, kind: Kind::Attr });
            } else if named.contains(&target) {
                return Err(format!(
                    "{path}:{line}: <{} {attr}=\"{value}\"> names {target}, which the layout names by its content: \
                     only src and href are rewritten",
                    tag.name
                ));
            } else if is_ref && !site.contains(&target) && (tag.name == "script" || tag.name == "link") {
                return Err(format!("{path}:{line}: <{} {attr}=\"{value}\">: the site has no {target}", tag.name));
            }
        }
    }
    Ok((refs, tags))
}

/// The references of a style sheet: `url(…)` and `@import "…"`.
fn css_refs(path: &str, text: &str, named: &BTreeSet<String>) -> Result<Vec<Ref>> {
    let b = text.as_bytes();
    let mut refs = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(b"/*") {
            i = find(b, i, b"*/").map(|e| e + 2).ok_or_else(|| format!("{path}: an unterminated comment"))?;
            continue;
        }
        let (vs, ve, recognised) = if b.len() - i >= 4 && b[i..i + 4].eq_ignore_ascii_case(b"url(") {
            let close = find(b, i, b")").ok_or_else(|| format!("{path}: an unterminated url("))?;
            let inner = &text[i + 4..close];
            let trimmed = inner.trim().trim_matches(['"', '\'']);
            let vs = i + 4 + inner.find(trimmed).unwrap_or(0);
            i = close + 1;
            (vs, vs + trimmed.len(), true)
        } else if b[i] == b'"' || b[i] == b'\'' {
            let q = b[i] as char;
            let vs = i + 1;
            let ve = find(b, vs, &[q as u8]).ok_or_else(|| format!("{path}: an unterminated string"))?;
            let recognised = text[..i].trim_end().ends_with("@import");
            i = ve + 1;
            (vs, ve, recognised)
        } else {
            i += 1;
            continue;
        };
        let value = &text[vs..ve];
        let Some(target) = resolve(path, value) else { continue };
        if !named.contains(&target) {
            continue;
        }
        if !recognised {
            return Err(format!(
                "{path}:{}: \"{value}\" names {target}, which the layout names by its content, outside url() or @import",
                line_of(text, vs)
            ));
        }
        let len = value.split(['?', '#']).next().unwrap_or("").len();
        refs.push(Ref { span: (vs, vs + len), target, kind: Kind::Css });
    }
    Ok(refs)
}

/// The references of the web app manifest: its `"src"` members.
fn manifest_refs(path: &str, text: &str, named: &BTreeSet<String>) -> Result<Vec<Ref>> {
    serde_json::from_str::<serde_json::Value>(text).map_err(|e| format!("{path}: {e}"))?;
    let mut refs = Vec::new();
    for (start, end) in js_strings(text).map_err(|e| format!("{path}: {e}"))? {
        let value = &text[start..end];
        let Some(target) = resolve(path, value) else { continue };
        if !named.contains(&target) {
            continue;
        }
        let before = text[..start - 1].trim_end();
        let is_src = before.strip_suffix(':').is_some_and(|b| b.trim_end().ends_with("\"src\""));
        if !is_src {
            return Err(format!(
                "{path}:{}: \"{value}\" names {target}, which the layout names by its content, not as a \"src\"",
                line_of(text, start)
            ));
        }
        let len = value.split(['?', '#']).next().unwrap_or("").len();
        refs.push(Ref { span: (start, start + len), target, kind: Kind::ManifestSrc });
    }
    Ok(refs)
}

fn ext_of(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.rsplit_once('.').map_or("", |(_, e)| e)
}

/// The references of a file of the site, by its kind (and its tags if HTML).
fn refs_of(
    path: &str,
    bytes: &[u8],
    site: &BTreeSet<String>,
    named: &BTreeSet<String>,
) -> Result<(Vec<Ref>, Vec<Tag>)> {
    let ext = ext_of(path);
    if ext == "wasm" {
        return Ok((Vec::new(), Vec::new()));
    }
    let text = std::str::from_utf8(bytes).map_err(|_| format!("{path}: not UTF-8"))?;
    match ext {
        "js" | "mjs" => Ok((js_refs(path, text, site, named, path == SERVICE_WORKER)?, Vec::new())),
        "css" => Ok((css_refs(path, text, named)?, Vec::new())),
        "html" | "svg" => {
            let (refs, tags) = html_refs(path, text, site, named)?;
            if ext == "svg" && !refs.is_empty() {
                return Err(format!("{path}: an SVG that names other files of the site ({})", refs[0].target));
            }
            Ok((refs, tags))
        }
        "webmanifest" => Ok((manifest_refs(path, text, named)?, Vec::new())),
        _ => Ok((Vec::new(), Vec::new())),
    }
}

/// `name` with the hash before its extension: `lib/app.js` → `lib/app.HASH.js`.
fn with_hash(path: &str, hash: &str) -> String {
    let (dir, name) = path.rsplit_once('/').map_or(("", path), |(d, n)| (d, n));
    let name = match name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{hash}.{ext}"),
        None => format!("{name}.{hash}"),
    };
    if dir.is_empty() {
        name
    } else {
        format!("{dir}/{name}")
    }
}

/// `text` with each reference's path replaced by its new name (the last
/// segment only: the new file lies beside the old one), and the extra
/// insertions (offset, text) made.
fn rewrite(
    text: &str,
    refs: &[Ref],
    named: &BTreeMap<String, (String, String)>,
    inserts: &[(usize, String)],
) -> String {
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    for r in refs {
        let Some((new, _)) = named.get(&r.target) else { continue };
        let spec = &text[r.span.0..r.span.1];
        let old_name = r.target.rsplit('/').next().unwrap_or(&r.target);
        let new_name = new.rsplit('/').next().unwrap_or(new);
        let replaced = match spec.strip_suffix(old_name) {
            Some(prefix) => format!("{prefix}{new_name}"),
            None => new_name.to_owned(),
        };
        edits.push((r.span.0, r.span.1, replaced));
    }
    edits.extend(inserts.iter().map(|(at, s)| (*at, *at, s.clone())));
    edits.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
    let mut out = text.to_owned();
    for (s, e, new) in edits {
        out.replace_range(s..e, &new);
    }
    out
}

/// The path of `target` relative to the folder of `from` (both site paths).
pub(crate) fn relative(from: &str, target: &str) -> String {
    let from_dir: Vec<&str> = from.split('/').collect::<Vec<_>>()[..from.matches('/').count()].to_vec();
    let to: Vec<&str> = target.split('/').collect();
    let common = from_dir.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<&str> = vec![".."; from_dir.len() - common];
    parts.extend(&to[common..]);
    let joined = parts.join("/");
    if joined.starts_with("..") {
        joined
    } else {
        format!("./{joined}")
    }
}

/// The JSON object of a placeholder: path (as `key` gives it) → SRI, sorted.
fn integrity_object(entries: &BTreeMap<String, String>) -> String {
    let body: Vec<String> = entries
        .iter()
        .map(|(k, v)| format!("{}: {}", serde_json::Value::from(k.as_str()), serde_json::Value::from(v.as_str())))
        .collect();
    format!("const INTEGRITY = {{{}}};", body.join(", "))
}

/// Replaces the one placeholder of `text`; an error if there is not exactly one.
fn fill_placeholder(path: &str, text: &str, entries: &BTreeMap<String, String>) -> Result<String> {
    match text.matches(PLACEHOLDER).count() {
        1 => Ok(text.replacen(PLACEHOLDER, &integrity_object(entries), 1)),
        n => Err(format!("{path}: {n} lines `{PLACEHOLDER}` where the layout fills exactly one with SRI values")),
    }
}

/// The plan for a site given as (path → bytes): the files to write (new
/// ones, and the entry points rewritten), and what was named.
fn plan(files: &BTreeMap<String, Vec<u8>>) -> Result<(BTreeMap<String, Vec<u8>>, Named)> {
    let site: BTreeSet<String> = files.keys().cloned().collect();
    let candidates: BTreeSet<String> = site
        .iter()
        .filter(|p| {
            HASHED_EXTS.contains(&ext_of(p))
                && !ENTRIES.contains(&p.as_str())
                && !STABLE.contains(&p.as_str())
                && !p.starts_with("status/")
        })
        .cloned()
        .collect();
    if let Some(p) = site.iter().find(|p| is_hashed_name(p)) {
        return Err(format!("{p}: a file named like a hashed one is already in the site"));
    }
    // Every file reachable from the entry points, with its references.
    let mut scanned: BTreeMap<String, (Vec<Ref>, Vec<Tag>)> = BTreeMap::new();
    let mut todo: Vec<String> = ENTRIES.iter().filter(|e| site.contains(**e)).map(|e| e.to_string()).collect();
    while let Some(path) = todo.pop() {
        if scanned.contains_key(&path) {
            continue;
        }
        let found = refs_of(&path, &files[&path], &site, &candidates)?;
        for r in &found.0 {
            if candidates.contains(&r.target) && !scanned.contains_key(&r.target) {
                todo.push(r.target.clone());
            }
        }
        scanned.insert(path, found);
    }
    let reachable: BTreeSet<String> = scanned.keys().filter(|p| candidates.contains(*p)).cloned().collect();
    let wasm: Vec<String> = reachable.iter().filter(|p| ext_of(p) == "wasm").cloned().collect();
    if reachable.contains(WASM_LOADER) && !wasm.is_empty() {
        let text = String::from_utf8_lossy(&files[WASM_LOADER]);
        if text.matches(PLACEHOLDER).count() != 1 {
            return Err(format!(
                "{WASM_LOADER} must hold `{PLACEHOLDER}` once: the layout fills it with the wasm modules' SRI \
                 values, without which they would be fetched unchecked"
            ));
        }
    } else if !wasm.is_empty() {
        return Err(format!("the site loads {} but not {WASM_LOADER}, which fetches it with its integrity", wasm[0]));
    }
    // Name in the order of references: what a file names is named first.
    let deps = |p: &str| -> Vec<String> {
        let mut d: Vec<String> =
            scanned[p].0.iter().filter(|r| reachable.contains(&r.target)).map(|r| r.target.clone()).collect();
        if p == WASM_LOADER {
            d.extend(wasm.iter().cloned());
        }
        d
    };
    let mut order = Vec::new();
    let mut state: BTreeMap<String, u8> = BTreeMap::new();
    fn visit(
        p: &str,
        deps: &dyn Fn(&str) -> Vec<String>,
        state: &mut BTreeMap<String, u8>,
        order: &mut Vec<String>,
        stack: &mut Vec<String>,
    ) -> Result<()> {
        match state.get(p) {
            Some(2) => return Ok(()),
            Some(1) => {
                let at = stack.iter().position(|s| s == p).unwrap_or(0);
                return Err(format!(
                    "{} → {p}: files that name each other cannot be named by their content",
                    stack[at..].join(" → ")
                ));
            }
            _ => {}
        }
        state.insert(p.to_owned(), 1);
        stack.push(p.to_owned());
        for d in deps(p) {
            visit(&d, deps, state, order, stack)?;
        }
        stack.pop();
        state.insert(p.to_owned(), 2);
        order.push(p.to_owned());
        Ok(())
    }
    for p in &reachable {
        visit(p, &deps, &mut state, &mut order, &mut Vec::new())?;
    }
    let mut named = Named::default();
    let mut out: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for p in &order {
        let bytes = if ext_of(p) == "wasm" {
            files[p].clone()
        } else {
            let text = std::str::from_utf8(&files[p]).map_err(|_| format!("{p}: not UTF-8"))?;
            let mut text = rewrite(text, &scanned[p].0, &named.files, &[]);
            if p == WASM_LOADER {
                let entries = wasm.iter().map(|w| (relative(p, &named.files[w].0), named.files[w].1.clone())).collect();
                text = fill_placeholder(p, &text, &entries)?;
            }
            text.into_bytes()
        };
        let hash: String = Sha256::digest(&bytes).iter().take(HASH_LEN / 2).map(|b| format!("{b:02x}")).collect();
        let new = with_hash(p, &hash);
        if site.contains(&new) {
            return Err(format!("{new}: the site already has a file of that name"));
        }
        named.files.insert(p.clone(), (new.clone(), sri(&bytes)));
        out.insert(new, bytes);
    }
    for entry in ENTRIES.iter().filter(|e| scanned.contains_key(**e)) {
        let text = std::str::from_utf8(&files[*entry]).map_err(|_| format!("{entry}: not UTF-8"))?;
        let (refs, tags) = &scanned[*entry];
        let rewritten = match ext_of(entry) {
            "html" => html_entry(entry, text, refs, tags, &scanned, &named)?,
            "js" => {
                let text = rewrite(text, refs, &named.files, &[]);
                let mut entries = BTreeMap::new();
                for r in refs.iter().filter(|r| r.kind == Kind::Sw) {
                    if let Some((new, sri)) = named.files.get(&r.target) {
                        entries.insert(new.clone(), sri.clone());
                    } else if STABLE.contains(&r.target.as_str()) {
                        entries.insert(r.target.clone(), sri(&files[&r.target]));
                    }
                }
                fill_placeholder(entry, &text, &entries)?
            }
            _ => rewrite(text, refs, &named.files, &[]),
        };
        out.insert(entry.to_string(), rewritten.into_bytes());
    }
    // The rewriter checked: what it wrote names no original of a renamed file.
    for (path, bytes) in &out {
        if ext_of(path) == "wasm" {
            continue;
        }
        let (refs, _) = refs_of(path, bytes, &site.iter().chain(out.keys()).cloned().collect(), &candidates)?;
        if let Some(r) = refs.iter().find(|r| candidates.contains(&r.target) && reachable.contains(&r.target)) {
            return Err(format!("{path}: still names {} after the rewrite", r.target));
        }
    }
    Ok((out, named))
}

/// A page rewritten: new names, `integrity` on module scripts, preloads
/// and style sheets, and the preloads its module scripts need.
fn html_entry(
    path: &str,
    text: &str,
    refs: &[Ref],
    tags: &[Tag],
    scanned: &BTreeMap<String, (Vec<Ref>, Vec<Tag>)>,
    named: &Named,
) -> Result<String> {
    let target_of = |tag: &Tag, attr: &str| -> Option<String> {
        let (_, _, (vs, _)) = tag.attrs.iter().find(|(n, _, _)| n == attr)?;
        refs.iter().find(|r| r.span.0 == *vs).map(|r| r.target.clone())
    };
    let mut inserts: Vec<(usize, String)> = Vec::new();
    // Where each module is preloaded.
    let mut preloaded: BTreeMap<String, usize> = BTreeMap::new();
    for tag in tags {
        let checked = (tag.name == "script" && tag.attr("src").is_some())
            || (tag.name == "link" && (tag.rel_has("modulepreload") || tag.rel_has("stylesheet")));
        let attr = if tag.name == "script" { "src" } else { "href" };
        let Some(target) = target_of(tag, attr).filter(|_| checked) else { continue };
        if tag.attr("integrity").is_some() {
            return Err(format!(
                "{path}:{}: <{}> already has an integrity attribute: the layout writes it",
                line_of(text, tag.start),
                tag.name
            ));
        }
        let (_, sri) = &named.files[&target];
        let at = if text[..tag.close].ends_with(' ') { tag.close - 1 } else { tag.close };
        inserts.push((at, format!(" integrity=\"{sri}\"")));
        // A module script before: its module is in the module map, checked, as a preload's would be.
        if tag.rel_has("modulepreload")
            || tag.name == "script" && tag.attr("type").is_some_and(|t| t.eq_ignore_ascii_case("module"))
        {
            preloaded.entry(target).or_insert(tag.start);
        }
    }
    // Every module a module script imports statically, preloaded before it.
    let mut missing: Vec<String> = Vec::new();
    let mut first_script = None;
    for tag in
        tags.iter().filter(|t| t.name == "script" && t.attr("type").is_some_and(|t| t.eq_ignore_ascii_case("module")))
    {
        let Some(target) = target_of(tag, "src") else { continue };
        first_script.get_or_insert(tag.start);
        let mut seen = BTreeSet::new();
        let mut todo = vec![target.clone()];
        while let Some(m) = todo.pop() {
            for r in scanned.get(&m).map(|s| &s.0[..]).unwrap_or(&[]) {
                if r.kind == Kind::Import && named.files.contains_key(&r.target) && seen.insert(r.target.clone()) {
                    todo.push(r.target.clone());
                }
            }
        }
        for m in seen {
            match preloaded.get(&m) {
                Some(&at) if at > tag.start => {
                    return Err(format!(
                        "{path}:{}: the modulepreload of {m} comes after the script that imports it (line {}): \
                         the import would be fetched before the preload's integrity is known",
                        line_of(text, at),
                        line_of(text, tag.start)
                    ));
                }
                Some(_) => {}
                None if !missing.contains(&m) => missing.push(m),
                None => {}
            }
        }
    }
    // The modules the page loads on demand (and the modules they import,
    // and what each module imports on demand): lib/early.js preloads them
    // with their integrity before the import (`preloadChecked`).
    let is_js = |p: &str| matches!(ext_of(p), "js" | "mjs");
    let mut reach: BTreeSet<String> = preloaded.keys().cloned().collect();
    let mut todo: Vec<String> = reach.iter().cloned().collect();
    while let Some(m) = todo.pop() {
        for r in scanned.get(&m).map(|s| &s.0[..]).unwrap_or(&[]) {
            if named.files.contains_key(&r.target) && is_js(&r.target) && reach.insert(r.target.clone()) {
                todo.push(r.target.clone());
            }
        }
    }
    let page_path = |p: &str| relative(path, &named.files[p].0).trim_start_matches("./").to_owned();
    let lazy: Vec<&String> = reach.iter().filter(|m| !preloaded.contains_key(*m) && !missing.contains(m)).collect();
    let mut data_i = serde_json::Map::new();
    let mut data_s = serde_json::Map::new();
    let mut data_d = serde_json::Map::new();
    for m in &reach {
        let targets = |kind: Kind| -> Vec<serde_json::Value> {
            let mut t: Vec<String> = scanned[m.as_str()]
                .0
                .iter()
                .filter(|r| r.kind == kind && is_js(&r.target) && lazy.contains(&&r.target))
                .map(|r| page_path(&r.target))
                .collect();
            t.sort();
            t.dedup();
            t.into_iter().map(Into::into).collect()
        };
        if lazy.contains(&m) {
            data_i.insert(page_path(m), named.files[m.as_str()].1.clone().into());
            let deps = targets(Kind::Import);
            if !deps.is_empty() {
                data_s.insert(page_path(m), deps.into());
            }
        }
        let on_demand = targets(Kind::DynamicImport);
        if !on_demand.is_empty() {
            data_d.insert(page_path(m), on_demand.into());
        }
    }
    let block = if data_i.is_empty() {
        String::new()
    } else {
        let data = serde_json::json!({ "i": data_i, "s": data_s, "d": data_d }).to_string();
        // Paths and base64: nothing to escape in a single-quoted attribute.
        if data.contains(['\'', '&', '<']) {
            return Err(format!("{path}: the modules' data cannot be written in an attribute: {data}"));
        }
        format!("<meta name=\"cachet-modules\" content='{data}'>\n")
    };
    if let Some(at) = first_script {
        let lines: String = std::iter::once(block)
            .chain(missing.iter().map(|m| {
                let (new, sri) = &named.files[m];
                format!(
                    "<link rel=\"modulepreload\" href=\"{}\" integrity=\"{sri}\">\n",
                    relative(path, new).trim_start_matches("./")
                )
            }))
            .collect();
        if !lines.is_empty() {
            inserts.push((at, lines));
        }
    }
    Ok(rewrite(text, refs, &named.files, &inserts))
}

/// Names the immutable assets of the laid-out site in `dir` by their
/// content and rewrites every reference (module docs); the originals stay.
pub fn name_by_content(dir: &Path) -> Result<Named> {
    let mut files = BTreeMap::new();
    for file in walk(dir)? {
        let rel = file.strip_prefix(dir).unwrap_or(&file).to_string_lossy().replace('\\', "/");
        let bytes = std::fs::read(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        files.insert(rel, bytes);
    }
    let (out, named) = plan(&files)?;
    for (rel, bytes) in out {
        sh::write(&dir.join(&rel), bytes)?;
    }
    Ok(named)
}

fn walk(dir: &Path) -> Result<Vec<std::path::PathBuf>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))? {
        let path = entry.map_err(|e| format!("{}: {e}", dir.display()))?.path();
        if path.is_dir() {
            out.extend(walk(&path)?);
        } else if path.is_file() {
            out.push(path);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(files: &[(&str, &str)]) -> BTreeMap<String, Vec<u8>> {
        files.iter().map(|(p, t)| (p.to_string(), t.as_bytes().to_vec())).collect()
    }

    const INDEX: &str = "<!doctype html>\n<title>Cachet — vérifier</title><!-- « app.js » -->\n<link rel=\"stylesheet\" href=\"style.css\">\n\
        <link rel=\"modulepreload\" href=\"lib/a.js\">\n<script type=\"module\" src=\"app.js\"></script>\n\
        <img src=\"icon.svg\" alt=\"\"><a href=\"#main\">x</a>\n";
    const APP: &str = "import { a } from './lib/a.js';\nimport './lib/b.js';\n// './lazy.js' in a comment\n\
        const re = /'/;\nexport const W = new URL('./pkg/x_bg.wasm', import.meta.url);\n\
        const c = new URL('./config.json', import.meta.url);\nimport('./lazy.js').then(() => a);\n";
    const EARLY: &str = "const INTEGRITY = {};\nexport const m = INTEGRITY;\n";
    const SW: &str =
        "const INTEGRITY = {};\nconst SHELL = ['./', 'app.js', 'lib/a.js', 'scan-worker.js', 'config.json'];\n";

    fn good() -> BTreeMap<String, Vec<u8>> {
        site(&[
            ("index.html", INDEX),
            ("app.js", APP),
            ("lib/a.js", "import { e } from './early.js';\nexport const a = e;\n"),
            ("lib/b.js", "export {};\n"),
            ("lib/early.js", EARLY),
            ("lazy.js", "export const lazy = import('./lib/b.js');\n"),
            ("style.css", "/* « é » */ body { background: url(\"icon.svg\"); } a::after { content: \"—\"; }\n"),
            ("icon.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>"),
            ("pkg/x_bg.wasm", "\0asm"),
            ("pkg/x.d.ts", "export {};"),
            ("sw.js", SW),
            ("scan-worker.js", "self.onmessage = () => {};\n"),
            ("config.json", "{}"),
            ("manifest.webmanifest", "{\"icons\": [{\"src\": \"icon.svg\", \"type\": \"image/svg+xml\"}]}"),
        ])
    }

    fn text(out: &BTreeMap<String, Vec<u8>>, path: &str) -> String {
        String::from_utf8(out[path].clone()).unwrap()
    }

    #[test]
    fn names_by_content_and_rewrites_every_reference() {
        let (out, named) = plan(&good()).unwrap();
        for original in
            ["app.js", "lib/a.js", "lib/b.js", "lib/early.js", "lazy.js", "style.css", "icon.svg", "pkg/x_bg.wasm"]
        {
            let (new, sri_value) = &named.files[original];
            assert!(is_hashed_name(new), "{new}");
            assert_eq!(&sri(&out[new]), sri_value);
        }
        assert!(!named.files.contains_key("pkg/x.d.ts") && !named.files.contains_key("scan-worker.js"));
        let n = |p: &str| named.files[p].0.rsplit('/').next().unwrap().to_owned();
        let app = text(&out, &named.files["app.js"].0);
        assert!(app.contains(&format!("from './lib/{}'", n("lib/a.js"))), "{app}");
        assert!(app.contains(&format!("import './lib/{}'", n("lib/b.js"))), "{app}");
        assert!(app.contains(&format!("import('./{}')", n("lazy.js"))), "{app}");
        assert!(app.contains(&format!("new URL('./pkg/{}', import.meta.url)", n("pkg/x_bg.wasm"))), "{app}");
        assert!(app.contains("'./config.json'") && app.contains("// './lazy.js' in a comment"), "{app}");
        let early = text(&out, &named.files["lib/early.js"].0);
        let wasm = &named.files["pkg/x_bg.wasm"];
        assert!(early.contains(&format!("\"../pkg/{}\": \"{}\"", n("pkg/x_bg.wasm"), wasm.1)), "{early}");
        let index = text(&out, "index.html");
        let (app_new, app_sri) = &named.files["app.js"];
        assert!(
            index.contains(&format!("<script type=\"module\" src=\"{app_new}\" integrity=\"{app_sri}\">")),
            "{index}"
        );
        let (css, css_sri) = &named.files["style.css"];
        assert!(index.contains(&format!("href=\"{css}\" integrity=\"{css_sri}\"")), "{index}");
        assert!(
            index.contains(&format!("<img src=\"{}\"", named.files["icon.svg"].0)) && index.contains("href=\"#main\"")
        );
        // lib/b.js and lib/early.js are imported statically by app.js and lib/a.js: preloaded before the script.
        let script_at = index.find("<script type=\"module\"").unwrap();
        for m in ["lib/a.js", "lib/b.js", "lib/early.js"] {
            let (new, sri) = &named.files[m];
            let at =
                index.find(&format!("<link rel=\"modulepreload\" href=\"{new}\" integrity=\"{sri}\">")).expect(&index);
            assert!(at < script_at, "{m}: {index}");
        }
        // A module loaded on demand is not preloaded: its SRI is in the page's data for lib/early.js.
        let (lazy, lazy_sri) = &named.files["lazy.js"];
        assert!(!index.contains(&format!("href=\"{lazy}\"")), "{index}");
        let block = index.split("<meta name=\"cachet-modules\" content='").nth(1).expect(&index);
        let data: serde_json::Value = serde_json::from_str(block.split('\'').next().unwrap()).unwrap();
        assert_eq!(data["i"][lazy], serde_json::json!(lazy_sri), "{data}");
        assert_eq!(data["d"][&named.files["app.js"].0], serde_json::json!([lazy]), "{data}");
        assert!(index.find("cachet-modules").unwrap() < script_at, "{index}");
        let sw = text(&out, "sw.js");
        assert!(sw.contains(&format!("'{app_new}'")) && sw.contains("'./'") && sw.contains("'config.json'"), "{sw}");
        assert!(sw.contains(&format!("\"{app_new}\": \"{app_sri}\"")), "{sw}");
        assert!(sw.contains(&format!("\"scan-worker.js\": \"{}\"", sri(b"self.onmessage = () => {};\n"))), "{sw}");
        assert!(text(&out, "manifest.webmanifest").contains(&format!("\"src\": \"{}\"", named.files["icon.svg"].0)));
        let css_text = text(&out, css);
        assert!(css_text.contains(&format!("url(\"{}\")", named.files["icon.svg"].0)), "{css_text}");
        // The same input, the same names; a changed leaf renames what imports it, up to the page.
        let (again, _) = plan(&good()).unwrap();
        assert_eq!(again, out);
        let mut changed = good();
        changed.insert("lib/early.js".into(), format!("{EARLY}// changed\n").into_bytes());
        let (_, renamed) = plan(&changed).unwrap();
        for p in ["lib/early.js", "lib/a.js", "app.js"] {
            assert_ne!(renamed.files[p].0, named.files[p].0, "{p}");
        }
        assert_eq!(renamed.files["lib/b.js"], named.files["lib/b.js"]);
    }

    fn refused(change: &[(&str, &str)], why: &str) {
        let mut files = good();
        for (p, t) in change {
            files.insert(p.to_string(), t.as_bytes().to_vec());
        }
        match plan(&files) {
            Ok(_) => panic!("accepted: {change:?}"),
            Err(e) => assert!(e.contains(why), "{change:?}: {e}"),
        }
    }

    #[test]
    fn hostile_or_unknown_references_are_refused() {
        let lazy_extra = |s: &str| format!("export const lazy = import('./lib/b.js');\n{s}");
        // A file name in a string that is not a recognised reference.
        refused(&[("lazy.js", &lazy_extra("const u = './lib/a.js';"))], "cannot rewrite it");
        refused(&[("lazy.js", &lazy_extra("fetch('/style.css');"))], "cannot rewrite it");
        refused(&[("lazy.js", &lazy_extra("const u = new URL('./app.js', location.href);"))], "cannot rewrite it");
        refused(&[("lazy.js", &lazy_extra("import(`./app.js`, {});"))], "cannot rewrite it");
        // A quote in a regular expression does not hide the string after it.
        refused(&[("lazy.js", &lazy_extra("const r = /[\"']/g; const u = 'app.js';"))], "cannot rewrite it");
        // An import of a file the site lacks.
        refused(&[("lazy.js", "import './nope.js';")], "does not have");
        refused(&[("lazy.js", "import('../../above.js');")], "outside the site");
        // Modules that import each other.
        refused(&[("lib/b.js", "import '../lazy.js';")], "cannot be named by their content");
        // HTML: another attribute, an integrity written by hand, an inline script.
        refused(&[("index.html", &format!("{INDEX}<img srcset=\"a.png 2x, icon.svg 1x\">"))], "only src and href");
        refused(&[("index.html", &format!("{INDEX}<img data-src=\"icon.svg\">"))], "only src and href");
        refused(
            &[("index.html", &INDEX.replace("src=\"app.js\"", "src=\"app.js\" integrity=\"sha384-x\""))],
            "already has an integrity",
        );
        refused(&[("index.html", &format!("{INDEX}<script>import('./app.js')</script>"))], "inline <script>");
        refused(
            &[("index.html", &format!("{INDEX}<script type=\"module\" src=\"gone.js\"></script>"))],
            "has no gone.js",
        );
        // A preload after the script that imports it.
        refused(
            &[(
                "index.html",
                "<script type=\"module\" src=\"app.js\"></script>\n<link rel=\"modulepreload\" href=\"lib/a.js\">\n",
            )],
            "comes after the script",
        );
        // The wasm loader without its placeholder, or with two; sw.js without one.
        refused(&[("lib/early.js", "export const m = {};\n")], "must hold");
        refused(&[("lib/early.js", &format!("{EARLY}{EARLY}"))], "must hold");
        refused(&[("sw.js", "const SHELL = ['app.js'];\n")], "sw.js: 0 lines");
        // CSS and the manifest.
        refused(&[("style.css", "a::after { content: \"icon.svg\"; }")], "outside url()");
        refused(&[("manifest.webmanifest", "{\"icons\": [{\"href\": \"icon.svg\"}]}")], "not as a \"src\"");
        refused(&[("manifest.webmanifest", "{\"icons\": [")], "manifest.webmanifest");
        // Unterminated text: never read as something else.
        refused(&[("lazy.js", "const s = 'open;\n")], "unterminated string");
        refused(&[("lazy.js", "/* open")], "unterminated comment");
        // A name the layout would write, already there.
        refused(&[("old.0123456789abcdef.js", "")], "already in the site");
    }

    #[test]
    fn template_substitutions_and_divisions_are_read_as_code() {
        let js = "const a = `x${ {b: 'lib/a.js'}.b }y`; const d = 4 / 2; const s = 'z' / 1; const r = (1) / 2 / 'q';";
        let strings: Vec<&str> = js_strings(js).unwrap().into_iter().map(|(s, e)| &js[s..e]).collect();
        assert_eq!(strings, ["lib/a.js", "z", "q"]);
        let strings: Vec<String> =
            js_strings("x = `a`; y = `b${1}c${`d`}e`;").unwrap().into_iter().map(|(s, e)| format!("{s}-{e}")).collect();
        assert_eq!(strings.len(), 2, "{strings:?}");
        // After a condition's `)`, a `/` starts a regular expression: its quote is no string.
        let js = "if (s) /['\"]/g.test(s); const a = 'lib/a.js';";
        let strings: Vec<&str> = js_strings(js).unwrap().into_iter().map(|(s, e)| &js[s..e]).collect();
        assert_eq!(strings, ["lib/a.js"]);
    }

    #[test]
    fn paths_resolve_within_the_site_only() {
        assert_eq!(resolve("lib/a.js", "../app.js").as_deref(), Some("app.js"));
        assert_eq!(resolve("lib/a.js", "./b.js?x=1#y").as_deref(), Some("lib/b.js"));
        assert_eq!(resolve("lib/a.js", "/pkg/x.wasm").as_deref(), Some("pkg/x.wasm"));
        assert_eq!(resolve("a.js", "../../x.js"), None);
        assert_eq!(resolve("a.js", "https://example.org/x.js"), None);
        assert_eq!(resolve("a.js", "//example.org/x.js"), None);
        assert_eq!(resolve("a.js", "#main"), None);
        assert_eq!(resolve("a.js", "use strict"), None);
        assert_eq!(relative("lib/early.js", "pkg/x.wasm"), "../pkg/x.wasm");
        assert_eq!(relative("index.html", "lib/a.js"), "./lib/a.js");
        assert_eq!(relative("lib/a.js", "lib/b.js"), "./b.js");
        assert!(is_hashed_name("pkg/cachet_bg.0123456789abcdef.wasm"));
        assert!(
            !is_hashed_name("pkg/cachet.d.ts") && !is_hashed_name("app.js") && !is_hashed_name("a.0123456789ABCDEF.js")
        );
    }
}
