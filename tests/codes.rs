//! The stable codes and their documents: every code the core can give is
//! documented in docs/FORMAT.md or docs/TRUST.md, every code the documents'
//! code tables name is one the core gives, and every code of every family
//! has its sentence in French and English.

use cachet::certificate::FieldProblem;
use cachet::json::JsonProblem;
use cachet::keys::KeyError;
use cachet::status_list::{AllowListError, StatusListError};
use cachet::{CheckName, Code, Lang, Status};
use std::collections::BTreeSet;

const FORMAT_MD: &str = include_str!("../docs/FORMAT.md");
const TRUST_MD: &str = include_str!("../docs/TRUST.md");

/// Every code of the core, by family.
fn families() -> Vec<(&'static str, Vec<&'static str>)> {
    vec![
        ("Code", Code::ALL.iter().map(|c| c.as_str()).collect()),
        ("Status", Status::PRECEDENCE.map(Status::code).to_vec()),
        ("CheckName", CheckName::ALL.map(CheckName::code).to_vec()),
        ("FieldProblem", FieldProblem::ALL.map(FieldProblem::code).to_vec()),
        ("JsonProblem", JsonProblem::ALL.map(JsonProblem::code).to_vec()),
        ("StatusListError", StatusListError::ALL.map(StatusListError::code).to_vec()),
        ("AllowListError", AllowListError::ALL.map(AllowListError::code).to_vec()),
        ("KeyError", KeyError::CODES.to_vec()),
    ]
}

/// The cells of a Markdown table row (`| a | b |`), trimmed.
fn cells(line: &str) -> Vec<&str> {
    let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
    inner.split('|').map(str::trim).collect()
}

/// The backquoted words of a text that look like codes (`kebab-case`).
fn quoted_codes(text: &str) -> Vec<&str> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .filter(|w| !w.is_empty())
        .filter(|w| w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'))
        .filter(|w| w.bytes().next().is_some_and(|b| b.is_ascii_lowercase()))
        .collect()
}

/// The codes in the code columns of a document's tables: a column whose
/// heading is `code` or starts with `code (`.
fn table_codes(doc: &'static str) -> Vec<(usize, &'static str)> {
    let mut found = Vec::new();
    let mut columns: Vec<usize> = Vec::new();
    let mut in_table = false;
    let lines: Vec<&str> = doc.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        if !line.trim_start().starts_with('|') {
            in_table = false;
            continue;
        }
        if !in_table {
            in_table = true;
            let is_heading = lines.get(i + 1).is_some_and(|next| next.trim_start().starts_with("| ---"));
            columns = if is_heading {
                cells(line)
                    .iter()
                    .enumerate()
                    .filter(|(_, h)| **h == "code" || h.starts_with("code ("))
                    .map(|(n, _)| n)
                    .collect()
            } else {
                Vec::new()
            };
            continue;
        }
        let row = cells(line);
        for &n in &columns {
            for code in row.get(n).map(|c| quoted_codes(c)).unwrap_or_default() {
                found.push((i + 1, code));
            }
        }
    }
    found
}

#[test]
fn every_code_of_the_core_is_documented() {
    let mut missing = Vec::new();
    for (family, codes) in families() {
        for code in codes {
            let quoted = format!("`{code}`");
            if !FORMAT_MD.contains(&quoted) && !TRUST_MD.contains(&quoted) {
                missing.push(format!("{family}: {code}"));
            }
        }
    }
    assert!(missing.is_empty(), "not in docs/FORMAT.md nor docs/TRUST.md: {missing:#?}");
}

#[test]
fn every_code_the_tables_name_is_the_cores() {
    let known: BTreeSet<&str> = families().into_iter().flat_map(|(_, codes)| codes).collect();
    let mut unknown = Vec::new();
    let mut seen = 0;
    for (name, doc) in [("FORMAT.md", FORMAT_MD), ("TRUST.md", TRUST_MD)] {
        for (line, code) in table_codes(doc) {
            seen += 1;
            if !known.contains(code) {
                unknown.push(format!("docs/{name}:{line}: `{code}`"));
            }
        }
    }
    assert!(unknown.is_empty(), "codes in the documents' tables that the core does not give: {unknown:#?}");
    // The tables were found: the text, claims, signature, trust-list, JSON,
    // indices, status-document and allow-list codes at least.
    assert!(seen > 80, "only {seen} codes found in the documents' code tables");
}

#[test]
fn the_table_reader_finds_codes_in_code_columns_only() {
    let doc = "| step | refused when | code |\n| --- | --- | --- |\n| a | `not-this` | `this-one`, `and-this` |\n\n\
               | name | value |\n| --- | --- |\n| `other` | `x` |\n";
    let doc: &'static str = Box::leak(doc.to_owned().into_boxed_str());
    assert_eq!(table_codes(doc), vec![(3, "this-one"), (3, "and-this")]);
}

#[test]
fn every_report_code_and_status_has_a_french_and_an_english_sentence() {
    for code in Code::ALL {
        let (fr, en) = (code.sentence(Lang::Fr), code.sentence(Lang::En));
        assert!(!fr.trim().is_empty() && !en.trim().is_empty(), "{code}");
        assert_ne!(fr, en, "{code}: the same sentence in both languages");
        assert!(fr.ends_with('.') && en.ends_with('.'), "{code}: a sentence ends with a period");
    }
    for status in Status::PRECEDENCE {
        for lang in [Lang::Fr, Lang::En] {
            assert!(!status.title(lang).is_empty() && !status.reason(lang).is_empty(), "{status} {lang:?}");
        }
    }
}

/// Every code of the core with its French and English words, by family:
/// a sentence for the codes of a refusal, the headline for a status, the
/// label for a check.
fn sentences() -> Vec<(&'static str, &'static str, [&'static str; 2])> {
    let mut all = Vec::new();
    let both = |f: &dyn Fn(Lang) -> &'static str| [f(Lang::Fr), f(Lang::En)];
    for c in Code::ALL {
        all.push(("Code", c.as_str(), both(&|l| c.sentence(l))));
    }
    for s in Status::PRECEDENCE {
        all.push(("Status", s.code(), both(&|l| s.title(l))));
    }
    for c in CheckName::ALL {
        all.push(("CheckName", c.code(), both(&|l| c.label(l))));
    }
    for p in JsonProblem::ALL {
        all.push(("JsonProblem", p.code(), both(&|l| p.sentence(l))));
    }
    for e in StatusListError::ALL {
        all.push(("StatusListError", e.code(), both(&|l| e.sentence(l))));
    }
    for e in AllowListError::ALL {
        all.push(("AllowListError", e.code(), both(&|l| e.sentence(l))));
    }
    all
}

/// The families whose sentences are the command's, not the core's
/// (cli/src/i18n.rs, `every_core_code_has_a_sentence`): a field refused at
/// issuance and a key file refused are only ever the CLI's messages.
const SENTENCES_IN_THE_CLI: [&str; 2] = ["FieldProblem", "KeyError"];

#[test]
fn every_code_of_every_family_has_a_french_and_an_english_sentence() {
    let worded = sentences();
    for (family, codes) in families() {
        if SENTENCES_IN_THE_CLI.contains(&family) {
            assert!(worded.iter().all(|(f, _, _)| *f != family), "{family}: its sentences are the CLI's, or here");
            continue;
        }
        for code in codes {
            let found = worded.iter().filter(|(f, c, _)| *f == family && *c == code).count();
            assert_eq!(found, 1, "{family}: {code} has no sentence here");
        }
    }
    for (family, code, [fr, en]) in &worded {
        assert!(!fr.trim().is_empty() && !en.trim().is_empty(), "{family}: {code}: an empty sentence");
        assert!(fr != code && en != code, "{family}: {code}: the code is not a sentence");
        if !["Status", "CheckName"].contains(family) {
            assert_ne!(fr, en, "{family}: {code}: the same sentence in both languages");
            assert!(fr.ends_with('.') && en.ends_with('.'), "{family}: {code}: a sentence ends with a period");
        }
    }
    // Two codes of a family never share a sentence (the status-set and
    // allow-list codes say which list they are about).
    for (i, (family, code, words)) in worded.iter().enumerate() {
        for (f, c, w) in worded.iter().skip(i + 1) {
            if f == family {
                assert!(words[0] != w[0] && words[1] != w[1], "{family}: {code} and {c} have the same sentence");
            }
        }
    }
}

#[test]
fn codes_of_different_families_never_collide() {
    let mut all: Vec<(&str, &str)> = Vec::new();
    for (family, codes) in families() {
        for code in codes {
            // `trust-list-expired` is both a status and the code that gives it.
            if let Some((other, _)) = all.iter().find(|(_, c)| *c == code) {
                let same_meaning = (*other == "Code" && family == "Status") && code == "trust-list-expired";
                assert!(same_meaning, "{code} is a code of {other} and of {family}");
            }
            all.push((family, code));
        }
    }
}
