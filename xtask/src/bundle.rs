//! One module in place of six in the laid-out site (`cargo xtask site`):
//! the modules that the page, the element and the modules loaded on demand
//! all import (`MEMBERS`: storage, words, the wasm core's loader, the trust
//! list's downloads, the verifying session, the verdict's drawing) are
//! joined into `common.js`, and every import of one of them imports that
//! module instead.
//!
//! Why (issue 12): on a phone's link, each module is a request, and a
//! browser speaking HTTP/1.1 opens at most six connections to a host. The
//! page's thirteen modules queued the wasm's download behind them, and on a
//! returning visit each module is one more trip through the service worker.
//! Measured with `cargo xtask phone-bench --runs 7 --compare` (the site
//! laid out before, alternately, on the phone profile, load average 0.4 to
//! 2.2): a first visit's verdict 1,274 → 1,175 ms median, a repeat visit's
//! 509 → 475 ms, 3.6 KB fewer before the verdict (one gzip stream instead
//! of six).
//!
//! The sources in www/ stay separate modules (`cargo xtask serve` serves
//! them as they are, and the tests import them one by one); only the
//! deployed site is joined. Joining ES modules by concatenation is exact
//! only under rules that this module checks, refusing the layout otherwise:
//!
//! - a member imports by name only (`import { a, b } from '…'`): no default,
//!   namespace or renamed import, and exports by declaration only
//!   (`export function`, `class`, `const`, `let`): the names a module sees
//!   are then the names the joined module declares;
//! - no name is declared at the top level of two members, nor imported from
//!   outside by one and declared by another;
//! - a member outside the joined module's folder uses no `import.meta` (its
//!   address would change); its `import('…')` of a literal path is rewritten.
//!
//! Members are joined in the order the browser evaluates them (imports
//! first, depth first), and what they import from outside (lib/early.js) is
//! imported once at the top.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::hashed::{relative, resolve};
use crate::minify::{lex, line_of, Piece};

type Result<T> = std::result::Result<T, String>;

/// The joined module, a site path.
pub const BUNDLE: &str = "common.js";

/// What it joins, site paths, in the order the joined module gives them
/// when no import decides (then, each after what it imports).
pub const MEMBERS: [&str; 6] =
    ["storage.js", "i18n.js", "verifier.js", "trust-list.js", "lib/session.js", "lib/render.js"];

/// Names a window or a worker defines globally that a module may use
/// without declaring: a member may not declare them at its top level.
const BROWSER_GLOBALS: [&str; 40] = [
    "name",
    "status",
    "open",
    "close",
    "closed",
    "event",
    "parent",
    "top",
    "self",
    "frames",
    "length",
    "origin",
    "opener",
    "location",
    "history",
    "navigator",
    "document",
    "window",
    "screen",
    "performance",
    "crypto",
    "fetch",
    "print",
    "find",
    "stop",
    "focus",
    "blur",
    "alert",
    "confirm",
    "prompt",
    "postMessage",
    "caches",
    "indexedDB",
    "localStorage",
    "sessionStorage",
    "console",
    "URL",
    "Event",
    "Error",
    "Promise",
];

/// The service worker, whose lists name the shell's files.
const SERVICE_WORKER: &str = "sw.js";

/// A token of a JavaScript text's code (comments left out).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    /// An identifier or keyword: its byte span.
    Word(usize, usize),
    /// A quoted string: its byte span, quotes included.
    Str(usize, usize),
    /// Any other byte of code (punctuation, an operator's byte), at its offset.
    Punct(u8, usize),
    /// A template literal's piece or a regular expression.
    Other,
}

fn is_word_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80
}

/// The tokens of `text`, from minify.rs's lexer (one reading of what is a
/// string, a template, a regular expression or a comment).
fn tokens(text: &str) -> Result<Vec<Tok>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let code = |out: &mut Vec<Tok>, from: usize, to: usize| {
        let mut i = from;
        while i < to {
            let c = b[i];
            if is_word_byte(c) {
                let start = i;
                while i < to && is_word_byte(b[i]) {
                    i += 1;
                }
                out.push(Tok::Word(start, i));
            } else {
                if !c.is_ascii_whitespace() {
                    out.push(Tok::Punct(c, i));
                }
                i += 1;
            }
        }
    };
    let mut at = 0;
    for (piece, start, end) in lex(text)? {
        code(&mut out, at, start);
        match piece {
            Piece::LineComment | Piece::BlockComment => {}
            Piece::Str => out.push(Tok::Str(start, end)),
            Piece::Template { .. } | Piece::Regex => out.push(Tok::Other),
        }
        at = end;
    }
    code(&mut out, at, b.len());
    Ok(out)
}

/// A static `import { names } from 'spec';` (or `import 'spec';`) at the top level.
#[derive(Debug)]
struct Import {
    /// The statement's byte span, its `;` included.
    span: (usize, usize),
    /// The imported names.
    names: Vec<String>,
    /// The specifier's span, quotes excluded.
    spec: (usize, usize),
}

/// What a module is made of, as far as joining it needs.
#[derive(Debug, Default)]
struct Module {
    imports: Vec<Import>,
    /// `import('spec')` with a literal: the specifier's span, quotes excluded.
    dynamic: Vec<(usize, usize)>,
    /// Whether it has an `import(…)` of something else than a literal.
    computed_import: bool,
    /// The names it declares at its top level.
    declared: Vec<String>,
    /// Those of them it exports.
    exported: BTreeSet<String>,
    /// Whether it uses `import.meta`.
    meta: bool,
}

/// Reads the module at site path `path`. `strict`: a member, held to the
/// rules above; else only its imports and dynamic imports are read.
fn read_module(path: &str, text: &str, strict: bool) -> Result<Module> {
    let toks = tokens(text).map_err(|e| format!("{path}: {e}"))?;
    let word = |i: usize| match toks.get(i) {
        Some(Tok::Word(s, e)) => Some(&text[*s..*e]),
        _ => None,
    };
    let punct = |i: usize| match toks.get(i) {
        Some(Tok::Punct(c, _)) => Some(*c),
        _ => None,
    };
    let at = |i: usize| match toks.get(i) {
        Some(Tok::Word(s, _) | Tok::Str(s, _) | Tok::Punct(_, s)) => line_of(text, *s),
        _ => line_of(text, text.len()),
    };
    let refuse = |i: usize, what: &str| {
        Err(format!("{path}:{}: {what}, which joining the modules in {BUNDLE} cannot keep exact", at(i)))
    };
    let mut m = Module::default();
    // `import.meta` and `import('…')`, wherever they are.
    for i in 0..toks.len() {
        if word(i) != Some("import") || (i > 0 && punct(i - 1) == Some(b'.')) {
            continue;
        }
        if punct(i + 1) == Some(b'.') {
            m.meta = true;
        } else if let (Some(b'('), Some(Tok::Str(a, b)), Some(b')')) = (punct(i + 1), toks.get(i + 2), punct(i + 3)) {
            m.dynamic.push((a + 1, b - 1));
        } else if punct(i + 1) == Some(b'(') {
            m.computed_import = true;
        }
    }
    if strict {
        // A `var` is scoped to the module wherever it is, even in a block: a clash the top level does not show.
        if let Some(i) = (0..toks.len()).find(|&i| word(i) == Some("var") && (i == 0 || punct(i - 1) != Some(b'.'))) {
            return refuse(i, "a `var` declaration");
        }
    }
    let mut depth = 0i32;
    let mut i = 0;
    while i < toks.len() {
        let after_dot = i > 0 && punct(i - 1) == Some(b'.');
        match toks[i] {
            Tok::Punct(b'(' | b'[' | b'{', _) => depth += 1,
            Tok::Punct(b')' | b']' | b'}', _) => depth -= 1,
            Tok::Word(start, _)
                if !after_dot
                    && word(i) == Some("import")
                    && depth == 0
                    && !matches!(punct(i + 1), Some(b'.' | b'(')) =>
            {
                let mut j = i + 1;
                let mut names = Vec::new();
                if punct(j) == Some(b'{') {
                    j += 1;
                    while let Some(name) = word(j) {
                        if word(j + 1) == Some("as") {
                            if strict {
                                return refuse(j, "a renamed import");
                            }
                            j += 2;
                        }
                        names.push(name.to_owned());
                        j += 1;
                        if punct(j) == Some(b',') {
                            j += 1;
                        }
                    }
                    if punct(j) != Some(b'}') || word(j + 1) != Some("from") {
                        if strict {
                            return refuse(i, "an import this layout does not read");
                        }
                        i += 1;
                        continue;
                    }
                    j += 2;
                } else if !matches!(toks.get(j), Some(Tok::Str(..))) {
                    // `import x from`, `import * as x from`: default and namespace imports.
                    if strict {
                        return refuse(i, "a default or namespace import");
                    }
                    i += 1;
                    continue;
                }
                let Some(Tok::Str(a, b)) = toks.get(j).copied() else {
                    return Err(format!("{path}:{}: an import without its specifier", at(i)));
                };
                let mut end = b;
                if let Some(Tok::Punct(b';', p)) = toks.get(j + 1) {
                    end = p + 1;
                    j += 1;
                }
                m.imports.push(Import { span: (start, end), names, spec: (a + 1, b - 1) });
                i = j;
            }
            Tok::Word(..) if strict && depth == 0 && !after_dot => {
                let w = word(i).unwrap_or("");
                let mut j = i;
                let exported = w == "export";
                if exported {
                    j += 1;
                    if word(j) == Some("async") {
                        j += 1;
                    }
                    if !matches!(word(j), Some("function" | "class" | "const" | "let" | "var")) {
                        return refuse(i, "an export that is not a declaration (`export { … }`, `export default`)");
                    }
                }
                match word(j) {
                    Some("function" | "class") if exported || i == j => {
                        let mut k = j + 1;
                        if punct(k) == Some(b'*') {
                            k += 1;
                        }
                        if let Some(name) = word(k) {
                            m.declared.push(name.to_owned());
                            if exported {
                                m.exported.insert(name.to_owned());
                            }
                        }
                        i = k;
                    }
                    Some("const" | "let" | "var") if exported || i == j => {
                        // Each declarator's name: the first, then one after each comma at this depth, to the `;`.
                        let mut k = j + 1;
                        let mut level = 0i32;
                        let mut expect_name = true;
                        loop {
                            if k == toks.len() {
                                return refuse(j, "a declaration without its `;`");
                            }
                            match toks[k] {
                                Tok::Punct(b'(' | b'[' | b'{', _) if expect_name && level == 0 => {
                                    return refuse(k, "a destructuring declaration at the top level");
                                }
                                Tok::Punct(b'(' | b'[' | b'{', _) => level += 1,
                                Tok::Punct(b')' | b']' | b'}', _) => level -= 1,
                                Tok::Punct(b',', _) if level == 0 => expect_name = true,
                                Tok::Punct(b';', _) if level == 0 => break,
                                // The next statement before this one's `;` (automatic semicolon insertion):
                                // its declarations would go unread.
                                Tok::Word(s, e)
                                    if level == 0
                                        && punct(k - 1) != Some(b'.')
                                        && (matches!(&text[s..e], "const" | "let" | "var" | "export")
                                            || (&text[s..e] == "import"
                                                && !matches!(punct(k + 1), Some(b'.' | b'(')))) =>
                                {
                                    return refuse(k, "a declaration without its `;`");
                                }
                                Tok::Word(s, e) if expect_name && level == 0 => {
                                    m.declared.push(text[s..e].to_owned());
                                    if exported {
                                        m.exported.insert(text[s..e].to_owned());
                                    }
                                    expect_name = false;
                                }
                                _ => {}
                            }
                            k += 1;
                        }
                        i = k;
                        continue;
                    }
                    _ => {}
                }
            }
            _ => {}
        }
        i += 1;
    }
    Ok(m)
}

/// The folder of a site path (`""` at the root).
fn folder(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// `text` with each span replaced, spans in any order and not overlapping.
fn edit(text: &str, mut edits: Vec<((usize, usize), String)>) -> String {
    edits.sort_by_key(|((s, _), _)| std::cmp::Reverse(*s));
    let mut out = text.to_owned();
    for ((s, e), new) in edits {
        out.replace_range(s..e, &new);
    }
    out
}

/// The joined module's text, from the members' texts (site path → text).
pub fn join(members: &BTreeMap<String, String>) -> Result<String> {
    let mut modules = BTreeMap::new();
    for (path, text) in members {
        modules.insert(path.as_str(), read_module(path, text, true)?);
    }
    // Each declared name once over all members, and none that the browser defines globally: one
    // member's use of the global would see another's declaration.
    let mut owner: BTreeMap<&str, &str> = BTreeMap::new();
    for (path, m) in &modules {
        for name in &m.declared {
            if BROWSER_GLOBALS.contains(&name.as_str()) {
                return Err(format!(
                    "{path} declares `{name}` at its top level, a name the browser defines globally: joined in \
                     {BUNDLE}, another member's `{name}` would be this declaration"
                ));
            }
            if let Some(other) = owner.insert(name, path) {
                return Err(format!(
                    "{path} and {other} both declare `{name}` at their top level: joined in {BUNDLE} they would clash"
                ));
            }
        }
    }
    // What they import from outside, each name from one module only; what they import from each other, exported.
    let mut external: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut external_of: BTreeMap<String, String> = BTreeMap::new();
    let mut deps: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (path, m) in &modules {
        let text = &members[*path];
        for imp in &m.imports {
            let spec = &text[imp.spec.0..imp.spec.1];
            let target = resolve(path, spec).ok_or(format!("{path}: imports '{spec}', outside the site"))?;
            if let Some(dep) = modules.get(target.as_str()) {
                for name in &imp.names {
                    if !dep.exported.contains(name) {
                        return Err(format!("{path}: imports `{name}` from {target}, which does not export it"));
                    }
                }
                deps.entry(path).or_default().push(target);
                continue;
            }
            for name in &imp.names {
                if let Some(declarer) = owner.get(name.as_str()) {
                    return Err(format!("{path} imports `{name}` from {target} and {declarer} declares it: joined in {BUNDLE} they would clash"));
                }
                if let Some(other) = external_of.insert(name.clone(), target.clone()).filter(|o| *o != target) {
                    return Err(format!(
                        "`{name}` is imported from both {other} and {target}: joined in {BUNDLE} they would clash"
                    ));
                }
            }
            external.entry(target).or_default().extend(imp.names.iter().cloned());
        }
        if m.meta && folder(path) != folder(BUNDLE) {
            return Err(format!(
                "{path} uses import.meta: joined in {BUNDLE}, in another folder, its address would change"
            ));
        }
        if m.computed_import && folder(path) != folder(BUNDLE) {
            return Err(format!(
                "{path} imports a computed address: joined in {BUNDLE}, in another folder, a relative one would change"
            ));
        }
        if let Some(&(s, e)) = m.dynamic.iter().find(|(s, e)| text[*s..*e].contains(['?', '#'])) {
            return Err(format!(
                "{path}: imports '{}' with a query or fragment, which the layout does not rewrite",
                &text[s..e]
            ));
        }
    }
    // The order of evaluation: each member after what it imports, depth first, in MEMBERS' order.
    let mut order: Vec<&str> = Vec::new();
    fn visit<'a>(
        path: &'a str,
        deps: &BTreeMap<&str, Vec<String>>,
        modules: &BTreeMap<&'a str, Module>,
        order: &mut Vec<&'a str>,
        stack: &mut Vec<&'a str>,
    ) -> Result<()> {
        if order.contains(&path) {
            return Ok(());
        }
        if stack.contains(&path) {
            return Err(format!("{} import each other: {BUNDLE} cannot order them", stack.join(" → ")));
        }
        stack.push(path);
        for dep in deps.get(path).into_iter().flatten() {
            let (key, _) = modules.get_key_value(dep.as_str()).ok_or(format!("{dep} is not a member"))?;
            visit(key, deps, modules, order, stack)?;
        }
        stack.pop();
        order.push(path);
        Ok(())
    }
    let mut first: Vec<&str> = MEMBERS.iter().copied().filter(|m| modules.contains_key(m)).collect();
    first.extend(modules.keys().copied().filter(|m| !MEMBERS.contains(m)));
    for path in first {
        let (key, _) = modules.get_key_value(path).ok_or(format!("{path} is not a member"))?;
        visit(key, &deps, &modules, &mut order, &mut Vec::new())?;
    }

    let mut out = String::from("/*! Joined by `cargo xtask site` (xtask/src/bundle.rs) from ");
    out.push_str(&order.join(", "));
    out.push_str(": see www/ for each. */\n");
    // What the members import from outside, in the order the browser would first reach it: by
    // the first member (in evaluation order) that imports it, in that member's order of imports.
    let mut outside: Vec<&String> = Vec::new();
    for path in &order {
        let text = &members[*path];
        for imp in &modules[path].imports {
            let Some(target) = resolve(path, &text[imp.spec.0..imp.spec.1]) else { continue };
            if let Some((key, _)) = external.get_key_value(&target) {
                if !outside.contains(&key) {
                    outside.push(key);
                }
            }
        }
    }
    for target in outside {
        let names: Vec<&str> = external[target].iter().map(String::as_str).collect();
        out.push_str(&format!("import {{ {} }} from '{}';\n", names.join(", "), relative(BUNDLE, target)));
    }
    for path in order {
        let (text, m) = (&members[path], &modules[path]);
        let mut edits: Vec<((usize, usize), String)> = m.imports.iter().map(|imp| (imp.span, String::new())).collect();
        for &(s, e) in &m.dynamic {
            if let Some(target) = resolve(path, &text[s..e]) {
                let target = if MEMBERS.contains(&target.as_str()) { BUNDLE.to_owned() } else { target };
                edits.push(((s, e), relative(BUNDLE, &target)));
            }
        }
        out.push_str(&edit(text, edits));
        if !out.ends_with('\n') {
            out.push('\n');
        }
    }
    Ok(out)
}

/// A module outside the joined one (site path `path`), each import of a
/// member (static, or `import('…')` of a literal) made an import of the
/// joined module. A string naming a member elsewhere is refused, but in the
/// service worker, where the first is made the joined module's name and the
/// others are dropped with their comma (its lists of the shell's files).
pub fn reroute(path: &str, text: &str) -> Result<String> {
    let m = read_module(path, text, false)?;
    let mut edits = Vec::new();
    let mut rerouted = BTreeSet::new();
    for span in m.imports.iter().map(|i| i.spec).chain(m.dynamic.iter().copied()) {
        if resolve(path, &text[span.0..span.1]).is_some_and(|t| MEMBERS.contains(&t.as_str())) {
            edits.push((span, relative(path, BUNDLE)));
            rerouted.insert(span.0);
        }
    }
    let toks = tokens(text).map_err(|e| format!("{path}: {e}"))?;
    let mut named_bundle = false;
    for (k, tok) in toks.iter().enumerate() {
        let Tok::Str(s, e) = *tok else { continue };
        if rerouted.contains(&(s + 1)) {
            continue;
        }
        let Some(target) = resolve(path, &text[s + 1..e - 1]).filter(|t| MEMBERS.contains(&t.as_str())) else {
            continue;
        };
        let element = k > 0
            && matches!(toks.get(k - 1), Some(Tok::Punct(b'[' | b',', _)))
            && matches!(toks.get(k + 1), Some(Tok::Punct(b']' | b',', _)));
        if path != SERVICE_WORKER || !element {
            return Err(format!(
                "{path}:{}: names {target} other than in an import{}, which joining it in {BUNDLE} cannot rewrite",
                line_of(text, s),
                if path == SERVICE_WORKER { " or a list of files" } else { "" }
            ));
        }
        if !named_bundle {
            edits.push(((s + 1, e - 1), relative(path, BUNDLE).trim_start_matches("./").to_owned()));
            named_bundle = true;
        } else {
            // Dropped with the blanks before it, the comma after it and the end of its line.
            let mut end = e;
            if let Some(Tok::Punct(b',', p)) = toks.get(k + 1) {
                end = p + 1;
            }
            let rest = &text[end..];
            let blank = rest.len() - rest.trim_start_matches([' ', '\t']).len();
            if rest[blank..].starts_with('\n') {
                end += blank + 1;
            }
            let start = text[..s].trim_end_matches([' ', '\t']).len();
            edits.push(((start, end), String::new()));
        }
    }
    Ok(edit(text, edits))
}

/// An HTML page (site path `path`), its `<link rel="modulepreload">` of the
/// members replaced by one of the joined module, where the first of them
/// was in the page. Any other mention of a member is refused.
pub fn reroute_html(path: &str, text: &str) -> Result<String> {
    let mut tags = Vec::new();
    for member in MEMBERS {
        let rel = relative(path, member);
        for href in [rel.clone(), rel.trim_start_matches("./").to_owned()] {
            let tag = format!("<link rel=\"modulepreload\" href=\"{href}\">");
            let mut from = 0;
            while let Some(at) = text[from..].find(&tag).map(|a| a + from) {
                tags.push((at, at + tag.len()));
                from = at + tag.len();
            }
        }
    }
    tags.sort_unstable();
    let bundle = relative(path, BUNDLE);
    let mut edits = Vec::new();
    for (i, &(start, end)) in tags.iter().enumerate() {
        if i == 0 {
            let tag = format!("<link rel=\"modulepreload\" href=\"{}\">", bundle.trim_start_matches("./"));
            edits.push(((start, end), tag));
        } else {
            edits.push(((start, end + usize::from(text[end..].starts_with('\n'))), String::new()));
        }
    }
    let out = edit(text, edits);
    for member in MEMBERS {
        let rel = relative(path, member);
        let bare = rel.trim_start_matches("./");
        let forms =
            [format!("\"{rel}\""), format!("\"{bare}\""), format!("'{rel}'"), format!("'{bare}'"), format!("={bare}")];
        if let Some(at) = forms.iter().filter_map(|f| out.find(f.as_str())).min() {
            return Err(format!(
                "{path}:{}: names {member} other than in a <link rel=\"modulepreload\">, which joining it in {BUNDLE} \
                 cannot rewrite",
                line_of(&out, at)
            ));
        }
    }
    Ok(out)
}

/// Joins the members of the site laid out in `dir` (its files as www/ has
/// them, before minify.rs and hashed.rs): writes `BUNDLE`, reroutes every
/// module and page, and removes the members. Returns how many files it
/// rerouted.
pub fn bundle_site(dir: &Path) -> Result<usize> {
    let read = |rel: &str| {
        std::fs::read_to_string(dir.join(rel)).map_err(|e| format!("cannot read {}/{rel}: {e}", dir.display()))
    };
    let mut members = BTreeMap::new();
    for m in MEMBERS {
        members.insert(m.to_owned(), read(m)?);
    }
    if dir.join(BUNDLE).exists() {
        return Err(format!("{}/{BUNDLE} exists already: the layout would overwrite it", dir.display()));
    }
    let joined = join(&members)?;
    // What the members import from outside is evaluated before the joined module: it may not
    // itself lead back to a member (a cycle through the joined module).
    let mut todo: Vec<(String, String)> = Vec::new();
    for (path, text) in &members {
        for imp in read_module(path, text, false)?.imports {
            if let Some(target) = resolve(path, &text[imp.spec.0..imp.spec.1]) {
                todo.push((path.clone(), target));
            }
        }
    }
    let mut seen = BTreeSet::new();
    while let Some((from, path)) = todo.pop() {
        if MEMBERS.contains(&path.as_str()) {
            if MEMBERS.contains(&from.as_str()) {
                continue;
            }
            return Err(format!(
                "{from} imports {path}, and a member of {BUNDLE} imports {from}: joined, they would import each other"
            ));
        }
        if !seen.insert(path.clone()) {
            continue;
        }
        let text = read(&path)?;
        for imp in read_module(&path, &text, false)?.imports {
            if let Some(target) = resolve(&path, &text[imp.spec.0..imp.spec.1]) {
                todo.push((path.clone(), target));
            }
        }
    }
    let mut rerouted = 0;
    for file in crate::deploy::files_under(dir)? {
        let rel = file.strip_prefix(dir).unwrap_or(&file).to_string_lossy().replace('\\', "/");
        if MEMBERS.contains(&rel.as_str()) {
            continue;
        }
        let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("");
        let text = match ext {
            "js" | "mjs" | "html" => read(&rel)?,
            _ => continue,
        };
        let new = if ext == "html" { reroute_html(&rel, &text)? } else { reroute(&rel, &text)? };
        if new != text {
            crate::sh::write(&file, new)?;
            rerouted += 1;
        }
    }
    crate::sh::write(&dir.join(BUNDLE), joined)?;
    for m in MEMBERS {
        std::fs::remove_file(dir.join(m)).map_err(|e| format!("cannot remove {}/{m}: {e}", dir.display()))?;
    }
    Ok(rerouted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn members(files: &[(&str, &str)]) -> BTreeMap<String, String> {
        files.iter().map(|(p, t)| (p.to_string(), t.to_string())).collect()
    }

    #[test]
    fn joins_members_after_what_they_import_with_outside_imports_once_at_the_top() {
        let joined = join(&members(&[
            ("storage.js", "export const storage = { get: (k) => k };\n"),
            (
                "i18n.js",
                "import { storage } from './storage.js';\nimport { preload } from './lib/early.js'; // why\nexport function t(k) { return storage.get(k); }\nconst en = () => import('./i18n-en.js');\n",
            ),
            (
                "lib/session.js",
                "import { t } from '../i18n.js';\nimport { preload, fetchEarly } from './early.js';\nexport class Session { go() { return import('../scan.js'); } }\nconst a = 1, b = [1, 2], c = { d: 3 };\n",
            ),
        ]))
        .unwrap();
        assert!(joined.contains("import { fetchEarly, preload } from './lib/early.js';\n"), "{joined}");
        let at = |s: &str| joined.find(s).unwrap_or_else(|| panic!("{s} not in {joined}"));
        assert!(
            at("export const storage") < at("export function t")
                && at("export function t") < at("export class Session")
        );
        assert!(!joined.contains("from './storage.js'") && !joined.contains("from '../i18n.js'"), "{joined}");
        assert!(joined.contains("import('./scan.js')") && joined.contains("import('./i18n-en.js')"), "{joined}");
        assert!(joined.contains(" // why"), "a comment after a removed import stays: {joined}");
    }

    #[test]
    fn refuses_what_concatenation_would_change() {
        let refused = |files: &[(&str, &str)], needle: &str| {
            let e = join(&members(files)).expect_err("refused");
            assert!(e.contains(needle), "{e}");
        };
        refused(&[("storage.js", "export const x = 1;\n"), ("i18n.js", "function x() {}\n")], "both declare `x`");
        refused(&[("storage.js", "const a = 1, x = 2;\n"), ("i18n.js", "let x;\n")], "both declare `x`");
        refused(
            &[("storage.js", "import { x as y } from './i18n.js';\n"), ("i18n.js", "export const x = 1;\n")],
            "a renamed import",
        );
        refused(&[("storage.js", "import x from './lib/early.js';\n")], "a default or namespace import");
        refused(&[("storage.js", "import * as x from './lib/early.js';\n")], "a default or namespace import");
        refused(&[("storage.js", "const x = 1;\nexport { x };\n")], "not a declaration");
        refused(&[("storage.js", "export default 1;\n")], "not a declaration");
        refused(&[("storage.js", "const { a, b } = o;\n")], "destructuring");
        refused(
            &[("storage.js", "import { y } from './i18n.js';\n"), ("i18n.js", "export const x = 1;\n")],
            "does not export it",
        );
        refused(
            &[("storage.js", "import { x } from './lib/early.js';\n"), ("i18n.js", "export const x = 1;\n")],
            "would clash",
        );
        refused(&[("lib/session.js", "const u = new URL('./a.js', import.meta.url);\n")], "import.meta");
        refused(
            &[
                ("storage.js", "import { x } from './i18n.js';\nexport const y = 1;\n"),
                ("i18n.js", "import { y } from './storage.js';\nexport const x = 1;\n"),
            ],
            "import each other",
        );
    }

    #[test]
    fn refuses_what_the_top_level_alone_does_not_show() {
        let refused = |files: &[(&str, &str)], needle: &str| {
            let e = join(&members(files)).expect_err("refused");
            assert!(e.contains(needle), "{e}");
        };
        refused(&[("storage.js", "if (x) { var y = 1; }\n")], "a `var` declaration");
        refused(&[("storage.js", "const a = 1\nconst b = 2;\n")], "without its `;`");
        refused(&[("storage.js", "let a = 1\nexport function f() {}\n")], "without its `;`");
        refused(&[("storage.js", "export const name = 'x';\n")], "defines globally");
        refused(&[("storage.js", "function status() {}\n")], "defines globally");
        refused(&[("lib/session.js", "export function f(u) { return import(u); }\n")], "a computed address");
        refused(&[("storage.js", "const m = () => import('./x.js?v=1');\n")], "query or fragment");
        // What is fine: an initializer's own function, import.meta and import() before the `;`.
        let fine = join(&members(&[(
            "storage.js",
            "const f = function () { return 1; }, u = new URL('./a', import.meta.url), g = () => import('./b.js');\n",
        )]));
        assert!(fine.is_ok(), "{fine:?}");
    }

    #[test]
    fn a_members_import_of_a_member_on_demand_imports_the_joined_module() {
        let joined = join(&members(&[
            ("storage.js", "export const s = 1;\n"),
            ("lib/render.js", "export const r = () => import('../storage.js');\n"),
        ]))
        .unwrap();
        assert!(joined.contains("import('./common.js')"), "{joined}");
    }

    #[test]
    fn an_outside_module_that_leads_back_to_a_member_is_refused() {
        let dir = std::env::temp_dir().join(format!("cachet-bundle-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("lib")).unwrap();
        for m in MEMBERS {
            let text =
                if m == "storage.js" { "import { e } from './lib/early.js';\nexport const s = e;\n" } else { "" };
            std::fs::write(dir.join(m), text).unwrap();
        }
        std::fs::write(dir.join("lib/early.js"), "import { x } from './more.js';\nexport const e = x;\n").unwrap();
        std::fs::write(dir.join("lib/more.js"), "import { t } from '../i18n.js';\nexport const x = t;\n").unwrap();
        let e = bundle_site(&dir).expect_err("a cycle through the joined module");
        assert!(e.contains("lib/more.js imports i18n.js"), "{e}");
        std::fs::write(dir.join("lib/more.js"), "export const x = 1;\n").unwrap();
        assert_eq!(bundle_site(&dir), Ok(0));
        assert!(dir.join(BUNDLE).is_file() && !dir.join("storage.js").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn names_in_nested_scopes_and_properties_are_not_top_level_declarations() {
        let joined = join(&members(&[
            (
                "storage.js",
                "export function f() { const x = 1; return x; }\nconst o = { function: 1, import: 2 };\no.import;\n",
            ),
            ("i18n.js", "export class C { m() { let x; } }\nconst re = /const x/; const s = `${'let x'}`;\n"),
        ]));
        assert!(joined.is_ok(), "{joined:?}");
    }

    #[test]
    fn reroutes_imports_of_members_and_the_service_workers_list() {
        let camera = "import { storage } from './storage.js';\nimport { t } from './i18n.js';\nimport { pixelsOf } from './scan.js';\nconst p = import('./verifier.js');\n";
        let out = reroute("camera.js", camera).unwrap();
        assert_eq!(
            out,
            "import { storage } from './common.js';\nimport { t } from './common.js';\nimport { pixelsOf } from './scan.js';\nconst p = import('./common.js');\n"
        );
        let element = "import { Session } from '../lib/session.js';\nimport { h } from '../lib/render.js';\n";
        assert_eq!(
            reroute("element/x.js", element).unwrap(),
            "import { Session } from '../common.js';\nimport { h } from '../common.js';\n"
        );
        let sw = "const SHELL = [\n  './',\n  'app.js',\n  'i18n.js',\n  'image.js',\n  'storage.js',\n  'lib/session.js',\n  'lib/pixels.js',\n];\n";
        assert_eq!(
            reroute("sw.js", sw).unwrap(),
            "const SHELL = [\n  './',\n  'app.js',\n  'common.js',\n  'image.js',\n  'lib/pixels.js',\n];\n"
        );
        let e = reroute("app.js", "const name = 'i18n.js';\n").expect_err("a member named outside an import");
        assert!(e.contains("names i18n.js"), "{e}");
        let e = reroute("sw.js", "if (x === 'storage.js' || y) {}\n").expect_err("not a list of files");
        assert!(e.contains("or a list of files"), "{e}");
    }

    #[test]
    fn reroutes_a_pages_preloads() {
        let html = "<link rel=\"modulepreload\" href=\"lib/early.js\">\n<link rel=\"modulepreload\" href=\"app.js\">\n<link rel=\"modulepreload\" href=\"i18n.js\">\n<link rel=\"modulepreload\" href=\"storage.js\">\n<link rel=\"modulepreload\" href=\"lib/session.js\">\n<script type=\"module\" src=\"app.js\"></script>\n";
        assert_eq!(
            reroute_html("index.html", html).unwrap(),
            "<link rel=\"modulepreload\" href=\"lib/early.js\">\n<link rel=\"modulepreload\" href=\"app.js\">\n<link rel=\"modulepreload\" href=\"common.js\">\n<script type=\"module\" src=\"app.js\"></script>\n"
        );
        let e = reroute_html("index.html", "<script type=\"module\" src=\"i18n.js\"></script>")
            .expect_err("a script of a member");
        assert!(e.contains("names i18n.js"), "{e}");
        assert!(reroute_html("index.html", "<p data-x='storage.js'></p>").is_err());
        // The joined module's preload where the first member's was, in the page's order.
        let late = "<link rel=\"modulepreload\" href=\"lib/render.js\">\n<link rel=\"modulepreload\" href=\"app.js\">\n<link rel=\"modulepreload\" href=\"storage.js\">\n";
        assert_eq!(
            reroute_html("index.html", late).unwrap(),
            "<link rel=\"modulepreload\" href=\"common.js\">\n<link rel=\"modulepreload\" href=\"app.js\">\n"
        );
    }

    /// The page's own modules (www/) follow the rules: the layout joins them.
    #[test]
    fn the_pages_members_join() {
        let www = crate::sh::workspace_root().join("www");
        let mut files = BTreeMap::new();
        for m in MEMBERS {
            files.insert(m.to_owned(), std::fs::read_to_string(www.join(m)).expect("a member of www/"));
        }
        let joined = join(&files).expect("www/'s members join");
        for m in MEMBERS {
            assert!(joined.contains(m), "the header names {m}");
        }
        assert!(
            !joined.contains("from './storage.js'") && !joined.contains("from '../verifier.js'"),
            "no import between members is left"
        );
    }
}
