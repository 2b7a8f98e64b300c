//! The core's words for a verdict (`Status::title`, `reason`, `next_step`,
//! and `kind`) are the verifier page's (www/i18n.js, `verdict`), word for
//! word, in French and in English: the wasm `statusText` and any other
//! user of the core say what the page says (issue 15).

use cachet::status::{Kind, Lang, Status};

/// The page's `verdict` tables: (status, [title, reason, next]) for French
/// (www/i18n.js), then English (www/i18n-en.js, or i18n.js's second table
/// where English is not a module of its own).
fn page_tables() -> Vec<Vec<(String, [String; 3])>> {
    let www = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("www");
    let js: String = ["i18n.js", "i18n-en.js"]
        .iter()
        .filter_map(|f| std::fs::read_to_string(www.join(f)).ok())
        .collect::<Vec<_>>()
        .join("\n");
    let mut tables = Vec::new();
    for (at, _) in js.match_indices("verdict: {") {
        let mut rows = Vec::new();
        for line in js[at..].lines().skip(1).map(str::trim).take_while(|l| !l.starts_with('}')) {
            let Some((name, rest)) = line.split_once(": [") else { continue };
            let strings: Vec<String> = rest.split('\'').skip(1).step_by(2).map(str::to_owned).collect();
            let strings: [String; 3] = strings.try_into().unwrap_or_else(|s| panic!("{name}: {s:?}"));
            rows.push((name.trim_matches('\'').to_owned(), strings));
        }
        tables.push(rows);
    }
    tables
}

#[test]
fn the_core_says_what_the_page_says() {
    let tables = page_tables();
    assert_eq!(tables.len(), 2, "a French and an English table in www/i18n.js");
    for (table, lang) in tables.iter().zip([Lang::Fr, Lang::En]) {
        assert_eq!(table.len(), Status::PRECEDENCE.len(), "{lang:?}: one row a status");
        for (code, [title, reason, next]) in table {
            let status = Status::from_code(code).unwrap_or_else(|| panic!("{code} is not a status"));
            assert_eq!(status.title(lang), title, "{code} {lang:?}");
            assert_eq!(status.reason(lang), reason, "{code} {lang:?}");
            assert_eq!(status.next_step(lang), next, "{code} {lang:?}");
        }
    }
}

#[test]
fn three_kinds_and_no_forgery_wording_for_a_genuine_certificate() {
    for status in Status::PRECEDENCE {
        let kind = status.kind();
        match status {
            Status::Valid => assert_eq!(kind, Kind::Valid),
            Status::Expired | Status::NotYetValid => assert_eq!(kind, Kind::NotValidNow),
            _ => assert_eq!(kind, Kind::Refused),
        }
        for lang in [Lang::Fr, Lang::En] {
            let title = status.title(lang);
            let warned = title.contains("ne pas s’y fier") || title.contains("do not rely on it");
            assert_eq!(
                warned,
                kind == Kind::Refused && !title.contains("impossible") && !title.contains("Cannot"),
                "{status}: {title}"
            );
        }
    }
    assert_eq!(Kind::NotValidNow.code(), "not-valid-now");
}

#[test]
fn the_day_a_certificate_becomes_valid_is_named_or_its_sentence_left_out() {
    let s = Status::NotYetValid;
    assert_eq!(
        s.next_step_from(Lang::Fr, Some("1er septembre 2027")),
        "Il sera valable à partir du 1er septembre 2027. D’ici là, demandez le certificat de l’année en cours."
    );
    assert_eq!(s.next_step_from(Lang::En, None), "Until then, ask for the current year’s certificate.");
    assert_eq!(Status::Valid.next_step_from(Lang::Fr, Some("x")), Status::Valid.next_step(Lang::Fr));
}
