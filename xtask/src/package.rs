//! `cargo xtask package`: the verifier as an npm package, `@cachet/verifier`,
//! packed by `npm pack` into `target/package/cachet-verifier-<version>.tgz`.
//!
//! The package's root mirrors `www/`, so that every relative URL the page's
//! modules hold resolves the same in the page and in the package and
//! nothing is rewritten:
//!
//! ```text
//! package.json         packaging/npm/package.json, version from the root Cargo.toml
//! README.md            packaging/npm/README.md
//! index.js, index.d.ts packaging/npm/: load() → { Verifier, statusText, scanImage, profiles }
//! element.d.ts         packaging/npm/: the types of the `./element` export
//! pkg/cachet.js        the wasm-bindgen glue (`cargo xtask build`), its types and the wasm
//! pkg/cachet.d.ts
//! pkg/cachet_bg.wasm
//! element/…            www/element/ (the <cachet-verifier> web component)
//! *.js                 the www/ modules the element reaches, found by following its
//!                      relative imports and URLs (see `references`), at their www/ paths
//! ```
//!
//! The packed file list is checked against what was staged: nothing more,
//! nothing less, the wasm once, every `exports` target present.

use crate::sh::{self, program, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The template's version, replaced by the crate's.
const VERSION_PLACEHOLDER: &str = "\"version\": \"0.0.0-set-by-cargo-xtask-package\"";
/// The files of `packaging/npm/` copied as they are.
const TEMPLATE_FILES: [&str; 5] = ["README.md", "index.js", "index.d.ts", "element.d.ts", "bulk.mjs"];
/// The files of `pkg/` in the package (not `cachet_bg.wasm.d.ts`: the raw exports are not API).
const PKG_FILES: [&str; 3] = ["cachet.js", "cachet.d.ts", "cachet_bg.wasm"];
/// What the host serves beside the page's files (`cargo xtask serve` does):
/// the pinned roots and the signed trust list. Referred to, never packed.
const HOST_FILES: [&str; 2] = ["config.json", "trust-list.json"];
/// The web component's module, the `./element` export.
const ELEMENT_ENTRY: &str = "element/cachet-verifier.js";

/// Builds `pkg/`, stages the package in `target/package/stage/`, packs it
/// and returns the tarball's path.
pub fn package() -> Result<PathBuf> {
    let root = sh::workspace_root();
    let pkg = crate::build::build()?;
    let out = sh::target_dir()?.join("package");
    let stage = out.join("stage");
    sh::fresh_dir(&stage)?;

    // Every file staged, by its path in the package ('/'-separated).
    let mut staged = BTreeSet::new();
    let template = root.join("packaging/npm");
    for f in TEMPLATE_FILES {
        copy(&template.join(f), &stage.join(f))?;
        staged.insert(f.to_owned());
    }
    for f in PKG_FILES {
        copy(&pkg.join(f), &stage.join("pkg").join(f))?;
        staged.insert(format!("pkg/{f}"));
    }

    let www = root.join("www");
    let element = www.join("element");
    if !www.join(ELEMENT_ENTRY).is_file() {
        return Err(format!("www/{ELEMENT_ENTRY} is missing: the package's ./element export needs it"));
    }
    let mut side_effect_only = BTreeSet::new();
    for rel in files_under(&element, "element")? {
        staged.insert(rel);
    }
    for rel in closure(
        &www,
        &staged.iter().filter(|f| f.starts_with("element/")).cloned().collect::<Vec<_>>(),
        &mut side_effect_only,
    )? {
        staged.insert(rel);
    }
    for rel in staged.iter().filter(|r| !TEMPLATE_FILES.contains(&r.as_str()) && !r.starts_with("pkg/")) {
        copy(&www.join(rel), &stage.join(rel))?;
    }

    let manifest = package_json(&root, &template)?;
    sh::write(&stage.join("package.json"), &manifest)?;
    staged.insert("package.json".to_owned());
    check_manifest(&manifest, &staged, &side_effect_only)?;

    // npm pack writes over a tarball of the same name; older versions' tarballs are removed
    // so that the tests find exactly one.
    if let Ok(entries) = std::fs::read_dir(&out) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with("cachet-verifier-") && name.ends_with(".tgz") {
                std::fs::remove_file(e.path()).map_err(|err| format!("cannot remove {}: {err}", e.path().display()))?;
            }
        }
    }
    println!("$ npm pack --json --pack-destination {} (in {})", out.display(), stage.display());
    let json = sh::output(
        program("npm")
            .args(["pack", "--json", "--pack-destination"])
            .arg(&out)
            .current_dir(&stage)
            .env("npm_config_update_notifier", "false"),
    )?;
    let (tarball, packed) = parse_pack(&json)?;
    check_packed(&packed, &staged)?;
    let tarball = out.join(tarball);
    let size = std::fs::metadata(&tarball).map_err(|e| format!("npm pack wrote no {}: {e}", tarball.display()))?.len();
    println!("{}: {} files, {}", tarball.display(), packed.len(), sh::human_size(size));
    Ok(tarball)
}

pub fn run_task(args: &[String]) -> Result<()> {
    if let Some(a) = args.first() {
        return Err(format!("package takes no argument (got `{a}`)"));
    }
    package().map(|_| ())
}

fn copy(from: &Path, to: &Path) -> Result<()> {
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    std::fs::copy(from, to).map(|_| ()).map_err(|e| format!("cannot copy {} to {}: {e}", from.display(), to.display()))
}

/// Every file under `dir` (recursively, dot files left out), as `prefix/…` paths.
fn files_under(dir: &Path, prefix: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let rel = format!("{prefix}/{name}");
        let kind = entry.file_type().map_err(|e| format!("{}: {e}", entry.path().display()))?;
        if kind.is_dir() {
            out.extend(files_under(&entry.path(), &rel)?);
        } else if kind.is_file() {
            out.push(rel);
        }
    }
    out.sort();
    Ok(out)
}

/// The `www/` files that `start` (paths relative to `www/`) reach through
/// their references, transitively, `start` and `pkg/` left out. Files
/// imported only for their side effects (`import './x.js';`) are added to
/// `side_effect_only`.
fn closure(www: &Path, start: &[String], side_effect_only: &mut BTreeSet<String>) -> Result<BTreeSet<String>> {
    let mut seen: BTreeSet<String> = start.iter().cloned().collect();
    let mut todo: Vec<String> = start.iter().filter(|f| f.ends_with(".js")).cloned().collect();
    let mut found = BTreeSet::new();
    while let Some(file) = todo.pop() {
        let path = www.join(&file);
        let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        for r in references(&text) {
            // scriptURL(name) resolves against www/trusted-types.js, at the root of www/.
            let base = if r.kind == RefKind::ScriptUrl { "" } else { parent(&file) };
            let target = resolve(base, &r.spec).ok_or_else(|| format!("www/{file}: `{}` leaves www/", r.spec))?;
            if r.spec.ends_with('/') || www.join(&target).is_dir() {
                continue; // a base URL (`new URL('./', import.meta.url)`), not a file
            }
            if !www.join(&target).is_file() {
                if target.starts_with("pkg/") && PKG_FILES.iter().any(|f| target == format!("pkg/{f}")) {
                    continue; // built by `cargo xtask build`, staged from pkg/
                }
                if HOST_FILES.contains(&target.as_str()) {
                    println!("www/{file} reads {target}: the host serves it (not in the package)");
                    continue;
                }
                return Err(format!("www/{file} refers to `{}`, and www/{target} does not exist", r.spec));
            }
            if target.starts_with("pkg/") {
                continue;
            }
            if r.kind == RefKind::SideEffectImport {
                side_effect_only.insert(target.clone());
            }
            if seen.insert(target.clone()) {
                if target.ends_with(".js") {
                    todo.push(target.clone());
                }
                found.insert(target);
            }
        }
    }
    Ok(found)
}

fn parent(file: &str) -> &str {
    file.rfind('/').map_or("", |i| &file[..i])
}

/// `spec` (relative) resolved against the directory `base`, both under www/;
/// `None` when it climbs out of www/.
fn resolve(base: &str, spec: &str) -> Option<String> {
    let spec = spec.split(['?', '#']).next().unwrap_or(spec);
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for p in spec.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

#[derive(Debug, PartialEq, Eq, Clone, Copy)]
enum RefKind {
    /// `import … from './x.js'`, `export … from './x.js'`, `import('./x.js')`, `new URL('./x', import.meta.url)`.
    Module,
    /// `import './x.js';`: loaded for its side effects only.
    SideEffectImport,
    /// `scriptURL('x.js')`: www/trusted-types.js's policy, a name relative to www/.
    ScriptUrl,
}

#[derive(Debug, PartialEq, Eq)]
struct Reference {
    spec: String,
    kind: RefKind,
}

/// The relative references of a module's text: static and dynamic imports,
/// re-exports, `new URL('…', import.meta.url)` and `scriptURL('…')`. Only
/// string literals starting with `./` or `../` count (and any name for
/// `scriptURL`); a template literal with `${` is not followed.
fn references(text: &str) -> Vec<Reference> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let word_start = |i: usize| {
        i == 0 || !bytes.get(i - 1).is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'$' || *b == b'.')
    };
    let mut push = |spec: Option<String>, kind: RefKind, any_name: bool| {
        if let Some(spec) = spec {
            if any_name || spec.starts_with("./") || spec.starts_with("../") {
                out.push(Reference { spec, kind });
            }
        }
    };
    for (i, _) in text.match_indices("from") {
        if word_start(i) {
            push(literal_after(text, i + 4), RefKind::Module, false);
        }
    }
    for (i, _) in text.match_indices("import") {
        if !word_start(i) {
            continue;
        }
        let rest = text[i + 6..].trim_start();
        if let Some(call) = rest.strip_prefix('(') {
            push(literal_at(call.trim_start()), RefKind::Module, false);
        } else if rest.starts_with(['\'', '"']) {
            push(literal_at(rest), RefKind::SideEffectImport, false);
        }
    }
    for (i, _) in text.match_indices("new URL(") {
        let rest = text[i + 8..].trim_start();
        if let Some((spec, after)) = literal_and_rest(rest) {
            if after.trim_start().strip_prefix(',').is_some_and(|a| a.trim_start().starts_with("import.meta.url")) {
                push(Some(spec), RefKind::Module, false);
            }
        }
    }
    for (i, _) in text.match_indices("scriptURL(") {
        if word_start(i) {
            push(literal_at(text[i + 10..].trim_start()), RefKind::ScriptUrl, true);
        }
    }
    out
}

fn literal_after(text: &str, at: usize) -> Option<String> {
    let rest = text.get(at..)?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    literal_at(rest.trim_start())
}

fn literal_at(text: &str) -> Option<String> {
    literal_and_rest(text).map(|(s, _)| s)
}

/// A string literal at the start of `text` (single, double or back quotes,
/// no escapes, no `${`) and the text after it.
fn literal_and_rest(text: &str) -> Option<(String, &str)> {
    let quote = text.chars().next().filter(|c| matches!(c, '\'' | '"' | '`'))?;
    let body = &text[1..];
    let end = body.find(quote)?;
    let spec = &body[..end];
    if spec.contains(['\\', '\n']) || spec.contains("${") {
        return None;
    }
    Some((spec.to_owned(), &body[end + 1..]))
}

/// The crate's version: `version` of the root Cargo.toml's `[package]`.
fn crate_version(root: &Path) -> Result<String> {
    let path = root.join("Cargo.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut in_package = false;
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if in_package {
            if let Some(v) = line.strip_prefix("version").map(str::trim_start).and_then(|l| l.strip_prefix('=')) {
                return Ok(v.trim().trim_matches('"').to_owned());
            }
        }
    }
    Err(format!("{} has no [package] version", path.display()))
}

/// packaging/npm/package.json with the crate's version in place of the placeholder.
fn package_json(root: &Path, template: &Path) -> Result<String> {
    let path = template.join("package.json");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if text.matches(VERSION_PLACEHOLDER).count() != 1 {
        return Err(format!("{} must hold `{VERSION_PLACEHOLDER}` once", path.display()));
    }
    let version = crate_version(root)?;
    Ok(text.replace(VERSION_PLACEHOLDER, &format!("\"version\": \"{version}\"")))
}

/// The manifest's promises hold: every `exports` target is staged, the
/// module is ES, and every module loaded for its side effects alone (the
/// element's, and any `import './x.js'` it reaches) is declared in
/// `sideEffects`, so that a bundler does not drop it.
fn check_manifest(manifest: &str, staged: &BTreeSet<String>, side_effect_only: &BTreeSet<String>) -> Result<()> {
    let json: serde_json::Value = serde_json::from_str(manifest).map_err(|e| format!("package.json: {e}"))?;
    if json.get("type").and_then(|t| t.as_str()) != Some("module") {
        return Err("package.json: \"type\" must be \"module\"".into());
    }
    let mut targets = Vec::new();
    collect_strings(json.get("exports").ok_or("package.json has no exports")?, &mut targets);
    for t in &targets {
        let rel =
            t.strip_prefix("./").ok_or_else(|| format!("package.json: export target `{t}` must start with ./"))?;
        if !staged.contains(rel) {
            return Err(format!("package.json exports `{t}`, which is not in the package"));
        }
    }
    let patterns: Vec<&str> = json
        .get("sideEffects")
        .and_then(|s| s.as_array())
        .ok_or("package.json: sideEffects must list the modules that have them")?
        .iter()
        .filter_map(|p| p.as_str())
        .collect();
    let needs = std::iter::once(ELEMENT_ENTRY.to_owned()).chain(side_effect_only.iter().cloned());
    for file in needs {
        if !patterns.iter().any(|p| glob_matches(p.trim_start_matches("./"), &file)) {
            return Err(format!(
                "{file} is imported for its side effects, but package.json's sideEffects ({patterns:?}) does not \
                 list it: a bundler would drop it"
            ));
        }
    }
    println!("package.json: {} export targets present; side effects declared for {}", targets.len(), ELEMENT_ENTRY);
    Ok(())
}

fn collect_strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Object(m) => m.values().for_each(|v| collect_strings(v, out)),
        serde_json::Value::Array(a) => a.iter().for_each(|v| collect_strings(v, out)),
        _ => {}
    }
}

/// `dir/*.js`-style patterns: `*` stands for any run of characters but `/`.
fn glob_matches(pattern: &str, path: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == path,
        Some((head, tail)) => {
            path.len() >= head.len() + tail.len()
                && path.starts_with(head)
                && path.ends_with(tail)
                && !path[head.len()..path.len() - tail.len()].contains('/')
        }
    }
}

/// `npm pack --json`'s tarball name and its files with their sizes.
fn parse_pack(json: &str) -> Result<(String, BTreeMap<String, u64>)> {
    let v: serde_json::Value = serde_json::from_str(json).map_err(|e| format!("npm pack --json: {e}"))?;
    let first = v.get(0).ok_or("npm pack --json printed no package")?;
    let name = first.get("filename").and_then(|f| f.as_str()).ok_or("npm pack --json gave no filename")?;
    let files = first.get("files").and_then(|f| f.as_array()).ok_or("npm pack --json gave no file list")?;
    let mut packed = BTreeMap::new();
    for f in files {
        let path = f.get("path").and_then(|p| p.as_str()).ok_or("npm pack --json: a file without a path")?;
        packed.insert(path.to_owned(), f.get("size").and_then(|s| s.as_u64()).unwrap_or(0));
    }
    Ok((name.to_owned(), packed))
}

/// The tarball holds exactly the staged files (npm adds nothing, the
/// `files` whitelist drops nothing), and one wasm module.
fn check_packed(packed: &BTreeMap<String, u64>, staged: &BTreeSet<String>) -> Result<()> {
    let names: BTreeSet<String> = packed.keys().cloned().collect();
    let missing: Vec<&String> = staged.difference(&names).collect();
    let extra: Vec<&String> = names.difference(staged).collect();
    if !missing.is_empty() || !extra.is_empty() {
        return Err(format!(
            "the tarball's files differ from the staged ones: missing {missing:?}, unexpected {extra:?} \
             (packaging/npm/package.json's \"files\")"
        ));
    }
    let wasm: Vec<&String> = names.iter().filter(|n| n.ends_with(".wasm")).collect();
    if wasm != [&"pkg/cachet_bg.wasm".to_owned()] {
        return Err(format!("the tarball must hold the wasm once, as pkg/cachet_bg.wasm; it holds {wasm:?}"));
    }
    for (name, size) in packed {
        println!("  {name} ({})", sh::human_size(*size));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(text: &str) -> Vec<(String, RefKind)> {
        references(text).into_iter().map(|r| (r.spec, r.kind)).collect()
    }

    #[test]
    fn references_of_a_module() {
        let text = r#"
import './boot.js'; // side effects
import { t } from "../i18n.js";
export { Core } from './verifier.js';
import * as glue from './pkg/cachet.js';
const m = import('./camera.js');
const w = new URL('./pkg/cachet_bg.wasm', import.meta.url);
const s = new Worker(scriptURL('scan-worker.js'), { type: 'module' });
const not = new URL('./other.js', base);
const bare = import('playwright-core');
const tpl = import(`./x-${n}.js`);
const text = 'data from the trust list';
"#;
        assert_eq!(
            refs(text),
            vec![
                ("../i18n.js".to_owned(), RefKind::Module),
                ("./verifier.js".to_owned(), RefKind::Module),
                ("./pkg/cachet.js".to_owned(), RefKind::Module),
                ("./boot.js".to_owned(), RefKind::SideEffectImport),
                ("./camera.js".to_owned(), RefKind::Module),
                ("./pkg/cachet_bg.wasm".to_owned(), RefKind::Module),
                ("scan-worker.js".to_owned(), RefKind::ScriptUrl),
            ]
        );
    }

    #[test]
    fn paths_resolve_inside_www_only() {
        assert_eq!(resolve("element", "../camera.js").as_deref(), Some("camera.js"));
        assert_eq!(resolve("element", "./style.css?v=2").as_deref(), Some("element/style.css"));
        assert_eq!(resolve("", "./pkg/cachet.js").as_deref(), Some("pkg/cachet.js"));
        assert_eq!(resolve("", "../secret.js"), None);
    }

    fn set(items: &[&str]) -> BTreeSet<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    const MANIFEST: &str = r#"{"type": "module", "exports": {".": {"types": "./index.d.ts", "default": "./index.js"},
        "./element": "./element/cachet-verifier.js"}, "sideEffects": ["./element/*.js"]}"#;

    #[test]
    fn the_manifest_is_checked_against_the_staged_files() {
        let staged = set(&["index.js", "index.d.ts", "element/cachet-verifier.js", "boot.js"]);
        assert!(check_manifest(MANIFEST, &staged, &BTreeSet::new()).is_ok());
        // An export whose file is not in the package.
        let err = check_manifest(MANIFEST, &set(&["index.js", "element/cachet-verifier.js"]), &BTreeSet::new());
        assert!(err.unwrap_err().contains("./index.d.ts"));
        // A module imported for its side effects alone, not declared: a bundler would drop it.
        let err = check_manifest(MANIFEST, &staged, &set(&["boot.js"]));
        assert!(err.unwrap_err().contains("boot.js"));
        // sideEffects: false drops the element's registration.
        let no_effects = MANIFEST.replace(r#"["./element/*.js"]"#, "false");
        assert!(check_manifest(&no_effects, &staged, &BTreeSet::new()).is_err());
    }

    #[test]
    fn the_packed_list_is_the_staged_list_with_one_wasm() {
        let staged = set(&["package.json", "index.js", "pkg/cachet_bg.wasm"]);
        let packed = |names: &[&str]| names.iter().map(|n| ((*n).to_owned(), 1)).collect::<BTreeMap<_, _>>();
        assert!(check_packed(&packed(&["package.json", "index.js", "pkg/cachet_bg.wasm"]), &staged).is_ok());
        assert!(check_packed(&packed(&["package.json", "index.js"]), &staged).is_err());
        assert!(check_packed(&packed(&["package.json", "index.js", "pkg/cachet_bg.wasm", ".npmrc"]), &staged).is_err());
        let two = set(&["package.json", "index.js", "pkg/cachet_bg.wasm", "copy.wasm"]);
        let err = check_packed(&packed(&["package.json", "index.js", "pkg/cachet_bg.wasm", "copy.wasm"]), &two);
        assert!(err.unwrap_err().contains("wasm once"));
    }

    #[test]
    fn the_version_comes_from_the_crate() {
        let root = sh::workspace_root();
        let json = package_json(&root, &root.join("packaging/npm")).unwrap();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["version"].as_str(), Some(crate_version(&root).unwrap().as_str()));
        assert_eq!(v["name"].as_str(), Some("@cachet/verifier"));
    }

    #[test]
    fn side_effect_globs() {
        assert!(glob_matches("element/*.js", "element/cachet-verifier.js"));
        assert!(!glob_matches("element/*.js", "element/sub/x.js"));
        assert!(!glob_matches("element/*.js", "camera.js"));
        assert!(glob_matches("boot.js", "boot.js"));
    }
}
