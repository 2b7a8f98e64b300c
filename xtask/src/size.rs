//! `cargo xtask size`: what the page downloads, in Brotli as the site serves
//! it to browsers (the `.br` that `cargo xtask site` writes, quality 11;
//! gzip -9 beside it, what a server without Brotli sends), against two
//! budgets (issue 12):
//!
//! - **before the first verdict** of a link: the HTML, what it links (style,
//!   module scripts; its icon is a `data:` address in it), the static imports of its module scripts, and
//!   what the page's first script (boot.js) fetches: the verify-only wasm and
//!   its glue, `config.json` and the trust list (one like the demo's: two
//!   académie keys, one revoked serial). The goal is 80 KB; the
//!   budget was 82 KB until 2026-12-07 (now 80 KB, below). It was 114 KB gzipped, 122 KB (120 KB after the split into two wasm
//!   modules, then 2 KB for the page's status documents, issue 11) until the
//!   verify-only wasm lost 9 KB gzipped (no js-sys, no Debug formatting, no
//!   BTreeSet, its own base64url, the extras out of it: 112.4 KB used), and
//!   was brought down so that nothing grows back while the rest of the way
//!   is made; then to 100 KB when the site's scripts lost their comments
//!   (97.3 KB used). Those were gzip -9 sizes; since the site serves Brotli
//!   (95.5 KB gzipped, 82.9 KB in Brotli, the trust list and config.json
//!   counted uncompressed as the servers then sent them) the budgets are
//!   Brotli sizes: 85 KB, then 82 KB when a `{:?}` of a string left the wasm
//!   (core's Debug escaping and Unicode tables, 3.8 KB in Brotli). Since the
//!   servers gzip the trust list as they send it (over 512 bytes), 78.7 KB
//!   were used; with TLSF in place of dlmalloc in the wasm (src/wasm.rs),
//!   76.7 KB, and the budget is the 80 KB.
//! - **the whole page**: that, the QR reader's wasm and every other module,
//!   as the service worker's precache holds them (sw.js's `SHELL`), and
//!   sw.js itself. 200 KB in Brotli (187.4 KB used; 224.8 KB gzipped then, whose
//!   budget was 235 KB, 245 KB before the scripts lost their comments, and
//!   258 KB before that).
//!
//! Scripts and style sheets are measured as `cargo xtask site` serves them,
//! without their comments and indentation (xtask/src/minify.rs): 15 KB less
//! before the first verdict than the sources in www/.
//!
//! README.md's size table is held to what this command measures (to 0.1 KB),
//! so that its figures cannot go stale (issue 15). The site that `cargo xtask
//! site` lays out adds each module's integrity to the pages (issue 13:
//! index.html +1.6 KB gzipped) and is not what this command measures.
//!
//! Fails above either budget.

use crate::sh::{self, Result};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Before the first verdict of a link, in Brotli: the goal, 80 KB (for the files' bodies;
/// Resource Timing adds 300 bytes for each of a dozen responses' headers).
pub const CRITICAL_BUDGET: u64 = 80 * 1000;
/// The whole page with its offline shell and the QR reader, in Brotli.
pub const BUDGET: u64 = 200 * 1000;

fn gzipped(bytes: &[u8]) -> Result<u64> {
    Ok(crate::deploy::gzip(bytes)?.len() as u64)
}

/// As `cargo xtask site` writes the `.br` that browsers are sent.
fn brotli(bytes: &[u8]) -> Result<u64> {
    Ok(crate::deploy::brotli(bytes)?.len() as u64)
}

/// Other pages in www/, which the verifier page never loads: the iframe for
/// partner portals (`embed.*`). The `element/` and `bench/` folders are
/// outside the page too (not read: only www/'s own files and `lib/` are).
const OTHER_PAGES: [&str; 2] = ["embed.html", "embed.js"];

/// The folders of www/ whose files the page loads: www/ itself and the
/// modules shared with the element and the iframe (`lib/`). Each of their
/// files must be in sw.js's lists or be another page.
const PAGE_DIRS: [&str; 2] = ["", "lib/"];

/// The quoted names of a `const NAME = [ … ];` array in sw.js (comments
/// after `//` ignored).
fn sw_list(sw: &str, name: &str) -> Result<Vec<String>> {
    let head = format!("const {name} = [");
    let start = sw.find(&head).ok_or(format!("www/sw.js has no `{head}`"))?;
    let body = sw.get(start + head.len()..).unwrap_or("");
    let body =
        body.split("];").next().filter(|_| body.contains("];")).ok_or(format!("www/sw.js: `{name}` is not closed"))?;
    Ok(body
        .lines()
        .map(|line| line.split("//").next().unwrap_or(""))
        .flat_map(|line| line.split('\'').skip(1).step_by(2).map(str::to_string).collect::<Vec<_>>())
        .collect())
}

/// What the page downloads: the service worker's shell (fetched by the
/// first visit, the page's own modules then its precache) and sw.js itself,
/// read from sw.js so that the two cannot drift apart; and what is fetched
/// only when used (the PDF reader), counted apart. `config.json` is the
/// host's. Every file in www/ and www/lib/ must be in one of the lists or be
/// another page, so nothing the page loads goes uncounted.
fn page_files(root: &Path) -> Result<(Vec<PathBuf>, Vec<PathBuf>)> {
    let www = root.join("www");
    let sw = std::fs::read_to_string(www.join("sw.js")).map_err(|e| format!("cannot read www/sw.js: {e}"))?;
    let shell = sw_list(&sw, "SHELL")?;
    let on_demand = sw_list(&sw, "ON_DEMAND")?;
    let file = |name: &str| match name {
        "./" => www.join("index.html"),
        name if name.starts_with("pkg/") => root.join(name),
        "config.json" => PathBuf::from("config.json"), // the host's: made by `host_files`
        name => www.join(name),
    };
    let mut first: Vec<PathBuf> = shell.iter().map(|n| file(n)).collect();
    first.push(www.join("sw.js"));
    let later: Vec<PathBuf> = on_demand.iter().map(|n| file(n)).collect();
    for dir in PAGE_DIRS {
        let dir_path = www.join(dir);
        let entries = std::fs::read_dir(&dir_path).map_err(|e| format!("cannot read {}: {e}", dir_path.display()))?;
        for e in entries.flatten() {
            let p = e.path();
            let name = format!("{dir}{}", e.file_name().to_string_lossy());
            if p.is_file() && !first.contains(&p) && !later.contains(&p) && !OTHER_PAGES.contains(&name.as_str()) {
                return Err(format!(
                    "www/{name} is neither in sw.js's SHELL or ON_DEMAND nor another page: say how the page loads it"
                ));
            }
        }
    }
    Ok((first, later))
}

/// What the host serves beside www/ and pkg/: `config.json` and the trust
/// list, made here as the demo makes them (a root, two académie keys, one
/// key revoked, one serial revoked; `xtask serve`'s config.json), with
/// fixed keys so that the figure does not move from run to run.
fn host_files() -> Result<Vec<(String, Vec<u8>)>> {
    use cachet::keys::SecretKey;
    let root = SecretKey::from_seed(&[1; 32]);
    let issuer = |seed: u8, name: &str, status: &str| {
        serde_json::json!({
            "key_id": SecretKey::from_seed(&[seed; 32]).key_id().to_string(),
            "name": name,
            "public_key": SecretKey::from_seed(&[seed; 32]).public_key().to_base64(),
            "valid_from": "2026-01-01",
            "valid_until": "2028-08-31",
            "kinds": ["certificat-de-scolarite"],
            "status": status,
        })
    };
    let list = serde_json::json!({
        "format": "cachet-trust-list/1",
        "sequence": 2,
        "issued_at": "2026-12-01T09:00:00Z",
        "next_update": "2026-12-31T09:00:00Z",
        "issuers": [issuer(2, "Académie de Paris", "active"), issuer(3, "Académie de Lyon", "revoked")],
        "revoked_serials": ["PAR-2026-000002"],
    });
    let list = serde_json::to_string_pretty(&list).map_err(|e| e.to_string())?;
    let signed =
        cachet::trust::sign_list(&root, &list).map_err(|e| format!("the size step's trust list: {}", e.code()))?;
    let config = serde_json::json!({ "roots": [root.public_key().to_text()], "trustList": "trust-list.json" });
    let config = serde_json::to_string_pretty(&config).map_err(|e| e.to_string())?;
    Ok(vec![("config.json".into(), config.into_bytes()), ("trust-list.json".into(), signed.into_bytes())])
}

/// The quoted strings of `text` (single or double quotes, no escapes).
fn literals(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(['\'', '"']) {
        let quote = &rest[start..start + 1];
        let after = &rest[start + 1..];
        let Some(end) = after.find(quote) else { break };
        out.push(&after[..end]);
        rest = &after[end + 1..];
    }
    out
}

/// The relative specifiers of a module's static imports (`import … from
/// '…'`, `import '…'`, `export … from '…'`), statements that start a line and
/// end at `;`. Dynamic `import()` is not followed: it is not on the path.
fn static_imports(module: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut lines = module.lines();
    while let Some(line) = lines.next() {
        let line = line.split("//").next().unwrap_or("");
        if !(line.starts_with("import ") || line.starts_with("import'") || line.starts_with("export ")) {
            continue;
        }
        let mut statement = line.to_owned();
        while !statement.contains(';') {
            match lines.next() {
                Some(next) => statement.push_str(next.split("//").next().unwrap_or("")),
                None => break,
            }
        }
        let statement = statement.split(';').next().unwrap_or("");
        let bare = statement.trim_start_matches("import").trim_start();
        let from = statement.rfind(" from ").map(|at| &statement[at + 6..]);
        let spec = match from {
            Some(from) => literals(from).first().copied(),
            None if bare.starts_with(['\'', '"']) => literals(bare).first().copied(),
            None => None,
        };
        if let Some(spec) = spec.filter(|s| s.starts_with("./") || s.starts_with("../")) {
            out.push(spec.to_owned());
        }
    }
    out
}

/// `spec` resolved against `base` (a path relative to www/, of a file); None when it leaves www/.
fn resolve(base: &str, spec: &str) -> Option<String> {
    let mut parts: Vec<&str> = base.split('/').collect();
    parts.pop();
    for part in spec.split('/') {
        match part {
            "." | "" => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// The `href`/`src` attribute values of index.html's `<script>`, `<link>` and `<img>` tags, but the manifest's
/// (the browser reads it when it wants, not for a verdict) and `data:` addresses (in the page, no request).
fn page_references(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for tag in html.split('<').skip(1) {
        let tag = tag.split('>').next().unwrap_or("");
        let name = tag.split_whitespace().next().unwrap_or("");
        if !matches!(name, "script" | "link" | "img") || tag.contains("rel=\"manifest\"") {
            continue;
        }
        for attr in ["src=\"", "href=\""] {
            if let Some(at) = tag.find(attr) {
                let value = &tag[at + attr.len()..];
                if let Some(end) = value.find('"').filter(|_| !value.starts_with("data:")) {
                    out.push(value[..end].to_owned());
                }
            }
        }
    }
    out
}

/// What a link's first verdict needs, as paths relative to www/ (`pkg/…`
/// for the wasm-bindgen output): index.html, what it references, the static
/// import closure of its modules, and boot.js's `new URL('./…')` (the
/// verify-only module, config.json, the trust list).
fn critical_paths(root: &Path) -> Result<BTreeSet<String>> {
    let www = root.join("www");
    let read = |rel: &str| -> Result<String> {
        let path = if rel.starts_with("pkg/") { root.join(rel) } else { www.join(rel) };
        std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))
    };
    let html = read("index.html")?;
    let mut paths: BTreeSet<String> = BTreeSet::from(["index.html".to_owned()]);
    let mut modules: Vec<String> = Vec::new();
    for r in page_references(&html) {
        let rel = resolve("index.html", &r).ok_or(format!("index.html: `{r}` leaves www/"))?;
        if rel.ends_with(".js") {
            modules.push(rel.clone());
        }
        paths.insert(rel);
    }
    let boot = read("boot.js")?;
    for at in boot.match_indices("new URL(").map(|(at, _)| at) {
        if let Some(spec) = literals(&boot[at..]).first().filter(|s| s.starts_with("./")) {
            let rel = resolve("boot.js", spec).ok_or(format!("boot.js: `{spec}` leaves www/"))?;
            if rel.ends_with(".js") {
                modules.push(rel.clone());
            }
            paths.insert(rel);
        }
    }
    while let Some(module) = modules.pop() {
        // The wasm-bindgen glue in pkg/ is made by `cargo xtask build` and imports
        // nothing (`--target web`): before a build (a fresh clone's `cargo test`)
        // it is a leaf. The size step reads every file of the path, so it still
        // fails when the glue is missing there.
        if module.starts_with("pkg/") && !root.join(&module).exists() {
            continue;
        }
        for spec in static_imports(&read(&module)?) {
            let rel = resolve(&module, &spec).ok_or(format!("www/{module}: `{spec}` leaves www/"))?;
            if paths.insert(rel.clone()) {
                modules.push(rel);
            }
        }
    }
    Ok(paths)
}

/// Prints each file's size, plain, gzipped and in Brotli, and returns the Brotli total.
/// A file the site does not precompress (the trust list and config.json, which an
/// operator replaces: xtask/src/deploy.rs) counts as the servers send it: gzipped as
/// it is sent over 512 bytes (JSON), else as it is.
fn table(files: &[Served]) -> Result<u64> {
    let (mut total_raw, mut total_gz, mut total_br) = (0, 0, 0);
    println!("{:<34} {:>10} {:>10} {:>10}", "file", "bytes", "gzip -9", "brotli");
    for Served { name, path, bytes, packed } in files {
        let (gz, br) = if *packed {
            (gzipped(bytes)?, brotli(bytes)?)
        } else {
            let sent = crate::deploy::gzip_on_the_fly(path, bytes)?.len() as u64;
            (sent, sent)
        };
        total_raw += bytes.len() as u64;
        total_gz += gz;
        total_br += br;
        println!("{name:<34} {:>10} {gz:>10} {br:>10}", bytes.len());
    }
    println!("{:<34} {total_raw:>10} {total_gz:>10} {total_br:>10}", "total");
    Ok(total_br)
}

/// `paths` (relative to www/) as the laid-out site serves them: the modules
/// it joins (xtask/src/bundle.rs) as one, where the first of them was.
fn as_served(paths: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut out = Vec::new();
    for path in paths {
        let path =
            if crate::bundle::MEMBERS.contains(&path.as_str()) { crate::bundle::BUNDLE.to_owned() } else { path };
        if !out.contains(&path) {
            out.push(path);
        }
    }
    out
}

/// A file of the page as the site serves it, for the tables.
struct Served {
    /// As the table names it.
    name: String,
    /// Its path in the laid-out site.
    path: String,
    bytes: Vec<u8>,
    /// Whether the site holds a `.br` and a `.gz` of it.
    packed: bool,
}

/// The named contents of `paths` (relative to www/, `pkg/…` at the root; the host's files made
/// here), each with whether the site precompresses it.
fn contents(root: &Path, paths: impl IntoIterator<Item = String>, host: &[(String, Vec<u8>)]) -> Result<Vec<Served>> {
    let mut out = Vec::new();
    for rel in paths {
        let packed = crate::deploy::precompressed(&rel);
        if let Some((_, bytes)) = host.iter().find(|(name, _)| *name == rel) {
            out.push(Served { name: format!("{rel} (as the demo's)"), path: rel, bytes: bytes.clone(), packed });
            continue;
        }
        let path = if rel.starts_with("pkg/") { root.join(&rel) } else { root.join("www").join(&rel) };
        let read_text = |path: &Path| -> Result<String> {
            std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
        };
        // As the site serves it: the joined modules in one, the others importing it
        // (xtask/src/bundle.rs), without comments and indentation (xtask/src/minify.rs).
        let mut bytes = if rel == crate::bundle::BUNDLE {
            let mut members = std::collections::BTreeMap::new();
            for m in crate::bundle::MEMBERS {
                members.insert(m.to_owned(), read_text(&root.join("www").join(m))?);
            }
            crate::bundle::join(&members)?.into_bytes()
        } else {
            std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?
        };
        let ext = path.extension().and_then(|e| e.to_str());
        if matches!(ext, Some("js" | "mjs" | "html")) && !rel.starts_with("pkg/") && rel != crate::bundle::BUNDLE {
            let text = String::from_utf8(bytes).map_err(|_| format!("{}: not UTF-8", path.display()))?;
            let served = if ext == Some("html") {
                crate::bundle::reroute_html(&rel, &text)
            } else {
                crate::bundle::reroute(&rel, &text)
            };
            bytes = served?.into_bytes();
        }
        let strip: Option<fn(&str) -> Result<String>> = match ext {
            Some("js" | "mjs") => Some(crate::minify::js),
            Some("css") => Some(crate::minify::css),
            _ => None,
        };
        if let Some(strip) = strip {
            let text = String::from_utf8(bytes).map_err(|_| format!("{}: not UTF-8", path.display()))?;
            bytes = strip(&text).map_err(|e| format!("{}: {e}", path.display()))?.into_bytes();
        }
        let name = if rel.starts_with("pkg/") {
            rel.clone()
        } else if rel == crate::bundle::BUNDLE {
            format!("{rel} (six of www/, joined)")
        } else {
            format!("www/{rel}")
        };
        out.push(Served { name, path: rel, bytes, packed });
    }
    Ok(out)
}

/// The Brotli totals: `(before the first verdict, the whole page)`.
pub fn report() -> Result<(u64, u64)> {
    let root = sh::workspace_root();
    crate::build::build()?;
    let host = host_files()?;
    let critical = critical_paths(&root)?;
    println!("before the first verdict of a link (index.html, what it references, its modules' static imports, boot.js's fetches):");
    let critical_br = table(&contents(&root, as_served(critical.iter().cloned()), &host)?)?;
    println!("budget: {CRITICAL_BUDGET} in Brotli; used {:.1} %", critical_br as f64 * 100.0 / CRITICAL_BUDGET as f64);

    let (first, later) = page_files(&root)?;
    let rel = |p: &PathBuf| -> String {
        let r = p.strip_prefix(&root).unwrap_or(p).display().to_string();
        r.strip_prefix("www/").map(str::to_owned).unwrap_or(r)
    };
    let mut whole: Vec<String> = first.iter().map(rel).collect();
    whole.push("trust-list.json".into());
    println!("\nthe whole page: its offline shell (sw.js's SHELL, both wasm modules), sw.js and the trust list:");
    let whole_br = table(&contents(&root, as_served(whole), &host)?)?;
    println!("budget: {BUDGET} in Brotli; used {:.1} %", whole_br as f64 * 100.0 / BUDGET as f64);
    println!("\nfetched only when used (sw.js's ON_DEMAND), not in the budgets:");
    let on_demand_br = table(&contents(&root, later.iter().map(rel), &host)?)?;
    let readme = std::fs::read_to_string(root.join("README.md")).map_err(|e| format!("cannot read README.md: {e}"))?;
    let stale = readme_stale(
        &readme,
        &[
            ("| before a link's first verdict", critical_br, Some(CRITICAL_BUDGET)),
            ("| the whole page", whole_br, Some(BUDGET)),
            ("| fetched only when a PDF is chosen", on_demand_br, None),
        ],
    );
    if !stale.is_empty() {
        return Err(format!(
            "README.md's size table is stale (issue 15: its figures come from this command):\n  {}",
            stale.join("\n  ")
        ));
    }
    if critical_br > CRITICAL_BUDGET {
        return Err(format!(
            "a link's first verdict needs {critical_br} bytes in Brotli, over the budget of {CRITICAL_BUDGET}"
        ));
    }
    if whole_br > BUDGET {
        return Err(format!("the page needs {whole_br} bytes in Brotli, over the budget of {BUDGET}"));
    }
    Ok((critical_br, whole_br))
}

/// The rows of README.md's size table whose figure (in KB, to 0.1) or budget (in KB) is not the
/// measured one: `(row's start, bytes in Brotli, budget)`. A missing row is stale too.
fn readme_stale(readme: &str, rows: &[(&str, u64, Option<u64>)]) -> Vec<String> {
    let mut stale = Vec::new();
    for (start, bytes, budget) in rows {
        let Some(line) = readme.lines().find(|l| l.starts_with(start)) else {
            stale.push(format!("no row starting `{start}`"));
            continue;
        };
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let figure = format!("{:.1} KB", *bytes as f64 / 1000.0);
        if !cells.get(2).is_some_and(|c| c.starts_with(&figure)) {
            stale.push(format!("`{start} …`: says {:?}, measured {figure}", cells.get(2).unwrap_or(&"")));
        }
        if let Some(budget) = budget {
            let want = format!("{} KB", budget / 1000);
            if !cells.get(3).is_some_and(|c| c.starts_with(&want)) {
                stale.push(format!("`{start} …`: budget says {:?}, the budget is {want}", cells.get(3).unwrap_or(&"")));
            }
        }
    }
    stale
}

pub fn run_task(args: &[String]) -> Result<()> {
    if let Some(a) = args.first() {
        return Err(format!("size takes no argument (got `{a}`)"));
    }
    report().map(|_| ())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_readme_row_with_another_figure_or_budget_is_stale() {
        let readme = "| what | figure | budget |\n| before a link's first verdict: x | 121.5 KB (wasm) | 122 KB (goal 80 KB) |\n| the whole page: y | 257.0 KB | 258 KB |\n";
        let rows =
            |a, b| [("| before a link's first verdict", a, Some(122_000)), ("| the whole page", b, Some(258_000))];
        assert!(super::readme_stale(readme, &rows(121_471, 257_000)).is_empty());
        assert_eq!(super::readme_stale(readme, &rows(121_551, 257_000)).len(), 1);
        assert_eq!(super::readme_stale(readme, &[("| the whole page", 257_000, Some(259_000))]).len(), 1);
        assert_eq!(super::readme_stale(readme, &[("| fetched only when a PDF is chosen", 6_905, None)]).len(), 1);
    }

    use super::*;

    #[test]
    fn reads_the_service_workers_lists() {
        let sw = "const SHELL = [\n  './',\n  'app.js', // why, 'not this'\n  'pkg/cachet.js',\n];\nconst ON_DEMAND = ['pdf.js'];\n";
        assert_eq!(sw_list(sw, "SHELL").ok(), Some(vec!["./".into(), "app.js".into(), "pkg/cachet.js".into()]));
        assert_eq!(sw_list(sw, "ON_DEMAND").ok(), Some(vec!["pdf.js".into()]));
        assert!(sw_list(sw, "MISSING").is_err());
    }

    #[test]
    fn the_page_files_exist_and_every_www_file_is_accounted_for() {
        let (first, later) = page_files(&sh::workspace_root()).expect("www/ and sw.js agree");
        assert!(first.iter().any(|p| p.ends_with("www/index.html")));
        assert!(first.iter().any(|p| p.ends_with("pkg/cachet_bg.wasm")));
        assert!(later.iter().any(|p| p.ends_with("www/pdf.js")));
        assert!(first.iter().any(|p| p.ends_with("www/lib/session.js")));
        let root = sh::workspace_root();
        for p in
            first.iter().chain(&later).filter(|p| !p.starts_with(root.join("pkg")) && p.as_os_str() != "config.json")
        {
            assert!(p.is_file(), "{} is listed in sw.js but missing", p.display());
        }
    }

    #[test]
    fn static_imports_are_followed_and_dynamic_ones_are_not() {
        let module = "// import './not-this.js';\nimport './boot.js'; // why\nimport { a,\n  b } from '../lib/x.js';\n\
                      import * as c from \"./c.js\";\nexport { d } from './d.js';\nexport const e = new URL('./e.wasm', import.meta.url);\n\
                      const f = import('./scan.js');\nimport g from 'bare';\n";
        assert_eq!(static_imports(module), ["./boot.js", "../lib/x.js", "./c.js", "./d.js"]);
        assert_eq!(resolve("lib/session.js", "../verifier.js").as_deref(), Some("verifier.js"));
        assert_eq!(resolve("index.html", "pkg/cachet_verify.js").as_deref(), Some("pkg/cachet_verify.js"));
        assert_eq!(resolve("index.html", "../x.js"), None);
    }

    #[test]
    fn a_links_path_holds_the_verify_module_and_not_the_qr_reader() {
        let critical = critical_paths(&sh::workspace_root()).expect("the page's files are readable");
        for needed in [
            "index.html",
            "style.css",
            "boot.js",
            "app.js",
            "lib/session.js",
            "verifier.js",
            "config.json",
            "trust-list.json",
        ] {
            assert!(critical.contains(needed), "{needed} is missing from {critical:?}");
        }
        assert!(
            critical.contains("pkg/cachet_verify_bg.wasm") && critical.contains("pkg/cachet_verify.js"),
            "{critical:?}"
        );
        for later in ["pkg/cachet_bg.wasm", "pkg/cachet.js", "scan.js", "camera.js", "image.js", "pdf.js", "update.js"]
        {
            assert!(!critical.contains(later), "{later} is on a link's path: {critical:?}");
        }
    }

    #[test]
    fn a_data_address_is_no_request() {
        let html = "<link rel=\"icon\" href=\"data:image/svg+xml,%3Csvg/%3E\"><img src=\"a.svg\" alt=\"\"><img src=\"data:,\">";
        assert_eq!(page_references(html), ["a.svg"]);
    }

    #[test]
    fn index_html_preloads_every_module_of_a_links_path_and_no_other() {
        let root = sh::workspace_root();
        let html = std::fs::read_to_string(root.join("www/index.html")).expect("www/index.html");
        let preloaded: BTreeSet<String> = html
            .split('<')
            .filter(|tag| tag.starts_with("link") && tag.contains("rel=\"modulepreload\""))
            .flat_map(|tag| page_references(&format!("<{tag}")))
            .filter_map(|r| resolve("index.html", &r))
            .collect();
        let modules: BTreeSet<String> = critical_paths(&root)
            .expect("the page's files are readable")
            .into_iter()
            .filter(|p| p.ends_with(".js") && p != "boot.js")
            .collect();
        assert_eq!(preloaded, modules, "index.html's modulepreloads against the modules a link's verdict imports");
    }

    #[test]
    fn the_host_files_are_a_signed_list_the_core_accepts() {
        let host = host_files().expect("made");
        let config: serde_json::Value = serde_json::from_slice(&host[0].1).expect("config.json is JSON");
        let root = cachet::keys::PublicKey::from_text(config["roots"][0].as_str().expect("a root")).expect("a key");
        assert!(cachet::trust::TrustList::load(&host[1].1, &[root], None).is_ok());
    }
}
