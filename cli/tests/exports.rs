//! `cachet issue --csv` on files in the shapes schools' software and
//! spreadsheets write (issue 14): SIECLE's "Liste des élèves par division"
//! (ISO-8859-15, `;`), ONDE's extraction (Latin-1, `;`, French headers), Excel's
//! "CSV (séparateur : point-virgule)" (Windows-1252, CRLF), Python's
//! `csv.writer` (CRLF, quoted fields), an old Mac's CR line ends and UTF-8
//! with a BOM. The files are made here, byte by byte; the headers are those
//! that public code reading real exports expects (see docs/ISSUING.md).
//! Then the batch guarantees: one run per output, one row per serial, no
//! row swallowed unseen, no resume of a changed batch.

mod common;

use common::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::process::Stdio;

/// The school's fields, for exports that do not carry them.
const SCHOOL: &str = "# Fields the export does not carry: the same on every row.
school_uai = 0750654D
school_name = Collège Victor Hugo
school_town = Paris
academie = Paris
school_year = 2025-2026
issued_on = 15/09/2025
";

/// Text as ISO-8859-15 bytes (panics on a character it lacks).
fn latin9(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '€' => 0xA4,
            'Š' => 0xA6,
            'š' => 0xA8,
            'Ž' => 0xB4,
            'ž' => 0xB8,
            'Œ' => 0xBC,
            'œ' => 0xBD,
            'Ÿ' => 0xBE,
            c if (c as u32) < 0x100 && !"¤¦¨´¸¼½¾".contains(c) => c as u32 as u8,
            c => panic!("{c} is not in ISO-8859-15"),
        })
        .collect()
}

/// Text as Windows-1252 bytes (the characters these tests use).
fn cp1252(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '€' => 0x80,
            '’' => 0x92,
            'œ' => 0x9C,
            'Œ' => 0x8C,
            'Ÿ' => 0x9F,
            c if (c as u32) < 0x100 && !(0x80..0xA0).contains(&(c as u32)) => c as u32 as u8,
            c => panic!("{c} is not in these tests' Windows-1252"),
        })
        .collect()
}

/// Lines joined with a line end, the last one ended too.
fn joined(lines: &[String], end: &str) -> String {
    lines.iter().map(|l| format!("{l}{end}")).collect()
}

/// Runs a batch; gives the exit code, stderr, the good lines and the bad lines.
fn batch(env: &Env, csv: &str, extra: &[&str]) -> (i32, String, Vec<Value>, Vec<Value>) {
    let _ = std::fs::remove_file(env.path("out.jsonl"));
    let _ = std::fs::remove_file(env.path("out.jsonl.errors.jsonl"));
    let _ = std::fs::remove_file(env.path("out.jsonl.batch.json"));
    let args = [&["issue", "--key", "issuer", "--csv", csv, "--out", "out.jsonl"][..], extra].concat();
    let out = env.run(&args);
    let read = |name: &str| std::fs::read_to_string(env.path(name)).map(|t| json_lines(&t)).unwrap_or_default();
    (out.status.code().unwrap(), stderr(&out), read("out.jsonl"), read("out.jsonl.errors.jsonl"))
}

fn lines_of(values: &[Value]) -> Vec<u64> {
    values.iter().map(|v| v["line"].as_u64().unwrap()).collect()
}

/// The certificates of the good lines, as `cachet verify --json` reads them.
fn certificates(env: &Env, good: &[Value]) -> Vec<Value> {
    let tokens: String = good.iter().map(|g| format!("{}\n", g["token"].as_str().unwrap())).collect();
    let args = ["verify", "--trust", "signed.json", "--root", "root.pub", "--json", "--at", DURING_YEAR, "-"];
    let out = env.run_with_stdin(&args, &tokens);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    json_lines(&stdout(&out)).into_iter().map(|r| r["certificate"].clone()).collect()
}

/// (family name, given name, birth date JJ/MM/AAAA) of the pupils used below.
const PUPILS: [(&str, &str, &str); 8] = [
    ("Bœuf", "Chloé", "12/04/2013"),
    ("Lefèvre", "Anaïs", "01/02/2013"),
    ("Œhlenschläger", "Zoé", "30/11/2012"),
    ("Martin", "Noël", "05/09/2013"),
    ("Dupont-Aignan", "Maëlle", "17/06/2013"),
    ("Šimon", "François", "28/02/2013"),
    ("Žukauskas", "Gaëlle", "09/10/2012"),
    ("Müller", "Jérôme", "21/03/2013"),
];

#[test]
fn siecle_division_list_in_iso_8859_15_issues_every_row() {
    let env = Env::new();
    env.setup();
    // The three header versions seen, with options and a previous division;
    // the division as Excel keeps a code as text.
    let opts: Vec<String> = (1..=12).map(|i| format!("OPT{i}")).collect();
    let versions = [
        ("NOM;PRENOM;NE(E) LE;DIV.", "{family};{given};{birth};=\"4A\""),
        ("NOM;PRENOM;NE(E) LE;MEF;DIV.", "{family};{given};{birth};QUATRIEME;=\"4A\""),
        ("NOM;PRENOM;SEXE;NE(E) LE;MEF;DIV.", "{family};{given};F;{birth};QUATRIEME;=\"4A\""),
    ];
    env.write("siecle.columns", &format!("{SCHOOL}level = 4e\n"));
    let mut last = None;
    for (n, (header, row)) in versions.iter().enumerate() {
        let mut lines = vec![format!("{header};REG.;{};DIV. PREC.;Doublant", opts.join(";"))];
        for (family, given, birth) in PUPILS {
            let start =
                row.replace("{family}", &family.to_uppercase()).replace("{given}", given).replace("{birth}", birth);
            lines.push(format!("{start};DEMI-PENSIONNAIRE;ANGLAIS LV1{};5B;N", ";".repeat(11)));
        }
        let name = format!("EXP_Liste_des_eleves_par_division_{n}.csv");
        std::fs::write(env.path(&name), latin9(&joined(&lines, "\r\n"))).unwrap();
        let (code, err, good, bad) = batch(&env, &name, &["--columns", "siecle.columns"]);
        assert_eq!(code, 0, "{name}: {err}");
        assert!(bad.is_empty(), "{name}");
        assert_eq!(lines_of(&good), (2..=9).collect::<Vec<u64>>(), "{name}");
        last = Some((code, err, good, bad));
    }
    let (code, err, good, bad) = last.unwrap();
    assert_eq!(code, 0, "{err}");
    assert!(bad.is_empty());
    assert_eq!(lines_of(&good), (2..=9).collect::<Vec<u64>>());
    assert!(err.contains("lu en iso-8859-15"), "{err}");
    // One notice names every column the certificate does not use.
    assert_eq!(err.matches("colonnes ignorées").count(), 1, "{err}");
    for column in ["SEXE", "MEF", "DIV.", "REG.", "OPT12", "DIV. PREC.", "Doublant"] {
        assert!(err.contains(column), "{column}: {err}");
    }
    let certs = certificates(&env, &good);
    let names: Vec<&str> = certs.iter().map(|c| c["family_name"].as_str().unwrap()).collect();
    assert_eq!(names[..3], ["BŒUF", "LEFÈVRE", "ŒHLENSCHLÄGER"]);
    assert_eq!(certs[0]["birth_date"], "2013-04-12");
    assert_eq!(certs[0]["level"], "4e");
    // Ignored columns are never copied into a certificate: no régime (the
    // columns file maps none), the level mapped, and no cell of the ignored
    // columns in any field, whatever its case (the régime is read lowercased).
    // The serial is left out of the search: generated at random (12
    // base64url characters), it held "4A" in 2 of 40 runs; it must be such a
    // serial, not a cell.
    let cells = ["DEMI-PENSIONNAIRE", "ANGLAIS LV1", "4A", "5B", "QUATRIEME"];
    for c in &certs {
        assert!(c.get("regime").is_none(), "{c}");
        assert_eq!(c["level"], "4e", "{c}");
        for (field, value) in c.as_object().unwrap() {
            let text = value.as_str().map(str::to_lowercase).unwrap_or_else(|| value.to_string());
            if field == "serial" {
                let serial = value.as_str().unwrap();
                assert!(
                    serial.len() == 12 && serial.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
                    "{c}"
                );
            } else {
                assert!(!cells.iter().any(|v| text.contains(&v.to_lowercase())), "{field}: {c}");
            }
        }
    }
}

#[test]
fn onde_extraction_with_french_headers_issues_every_row() {
    let env = Env::new();
    env.setup();
    // ONDE's header, with the space before `Cycle` that real files have; dates in ISO.
    let mut lines = vec![
        "Nom élève;Nom d'usage élève;Prénom élève;Date naissance;Sexe;INE;Adresse1;Cp1;Commune1;Pays1;Adresse2;Cp2;Commune2;Pays2; Cycle;Niveau;Libellé classe;Identifiant classe".to_owned(),
    ];
    for (i, (family, given, birth)) in PUPILS.iter().enumerate().take(5) {
        let (d, m, y) = (&birth[..2], &birth[3..5], &birth[6..]);
        let level = ["CM2", "CM1", "CE2", "CE1", "CP"][i];
        lines.push(format!(
            "{family};;{given};{y}-{m}-{d};F;;12 rue des Écoles;75005;Paris;France;;;;; CYCLE III;{level};CM2 A;{i}"
        ));
    }
    std::fs::write(env.path("onde.csv"), latin9(&joined(&lines, "\n"))).unwrap();
    // Saved with Notepad's "ANSI": Windows-1252.
    std::fs::write(env.path("onde.columns"), cp1252(SCHOOL)).unwrap();
    let (code, err, good, bad) = batch(&env, "onde.csv", &["--columns", "onde.columns"]);
    assert_eq!(code, 0, "{err}");
    assert!(bad.is_empty());
    assert_eq!(lines_of(&good), vec![2, 3, 4, 5, 6]);
    let certs = certificates(&env, &good);
    assert_eq!(certs[0]["given_names"], "Chloé");
    assert_eq!(certs[4]["level"], "CP");
    assert_eq!(certs[0]["school_name"], "Collège Victor Hugo");
    assert!(err.contains("INE") && err.contains("Commune1") && err.contains("Libellé classe"), "{err}");
}

#[test]
fn excel_semicolon_csv_in_windows_1252_with_crlf_issues_every_row_with_its_accents() {
    let env = Env::new();
    env.setup();
    let mut lines = vec![
        "Nom;Prénom(s);Date de naissance;UAI;Établissement;Commune de l'établissement;Académie;Année scolaire;Niveau;INE;Délivré le"
            .to_owned(),
    ];
    let families = ["N’Diaye", "Cœurdacier", "Lefèvre", "Ÿvelin"];
    for (i, family) in families.iter().enumerate() {
        let (_, given, birth) = PUPILS[i];
        // One UAI kept as text the way Excel does it.
        let uai = if i == 1 { "=\"0750654D\"" } else { "0750654D" };
        lines.push(format!(
            "{family};{given};{birth};{uai};Collège Victor Hugo;Paris;Paris;2025-2026;6ème;0123456789A;15/09/2025"
        ));
    }
    // A row refused for its date: its number is the one the spreadsheet shows.
    lines.push("Petit;Léa;30/02/2013;0750654D;Collège Victor Hugo;Paris;Paris;2025-2026;6e;;15/09/2025".to_owned());
    // The UAI read as a number by the spreadsheet: its leading zero dropped.
    lines.push("Roux;Léa;03/03/2013;750654D;Collège Victor Hugo;Paris;Paris;2025-2026;6e;;15/09/2025".to_owned());
    // The empty rows a formatted range leaves: passed over like blank lines.
    lines.push(";".repeat(10));
    lines.push(";".repeat(10));
    std::fs::write(env.path("excel.csv"), cp1252(&joined(&lines, "\r\n"))).unwrap();
    let (code, err, good, bad) = batch(&env, "excel.csv", &[]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(lines_of(&good), vec![2, 3, 4, 5, 7]);
    assert_eq!(lines_of(&bad), vec![6]);
    assert_eq!(bad[0]["errors"][0]["code"], "invalid-date");
    assert!(err.contains("lu en windows-1252"), "{err}");
    let certs = certificates(&env, &good);
    let names: Vec<&str> = certs.iter().map(|c| c["family_name"].as_str().unwrap()).collect();
    assert_eq!(names[..4], families);
    assert_eq!(certs[4]["school_uai"], "0750654D");

    // Told it is UTF-8, the file is refused once, not row by row.
    let (code, err, good, bad) = batch(&env, "excel.csv", &["--encoding", "utf-8"]);
    assert_eq!(code, 2, "{err}");
    // The header's `Prénom` is the first byte that is not UTF-8.
    assert!(err.contains("[csv-encoding]") && err.contains("ligne 1"), "{err}");
    assert!(good.is_empty() && bad.is_empty());
}

#[test]
fn python_csv_writer_cr_only_and_bom_files_give_the_lines_an_editor_shows() {
    let env = Env::new();
    env.setup();
    let header = "family_name,given_names,birth_date,school_uai,school_name,school_town,academie,school_year,level,serial,issued_on";
    let row = |family: &str, birth: &str, school: &str, serial: &str| {
        format!("{family},Léa,{birth},0750654D,{school},Paris,Paris,2025-2026,5e,{serial},2025-09-15")
    };
    let rows = |prefix: &str| {
        vec![
            header.to_owned(),
            row("Martin", "2013-04-12", "Collège Victor Hugo", &format!("{prefix}-1")),
            // csv.writer quotes a field holding the separator.
            row("Bernard", "2013-01-30", "\"Collège Victor Hugo, annexe\"", &format!("{prefix}-2")),
            row("Petit", "2013-13-01", "Collège Victor Hugo", &format!("{prefix}-3")),
            row("Durand", "2013-05-01", "Collège Victor Hugo", &format!("{prefix}-4")),
            row("Leroy", "2013-05-01", "Collège Victor Hugo", "not a serial!"),
            row("Moreau", "2013-05-01", "Collège Victor Hugo", &format!("{prefix}-6")),
        ]
    };
    let files = [
        ("python.csv", joined(&rows("P"), "\r\n").into_bytes()),
        ("mac.csv", joined(&rows("M"), "\r").into_bytes()),
        ("bom.csv", format!("\u{feff}{}", joined(&rows("B"), "\r\n")).into_bytes()),
        // No line end after the last row.
        ("lf.csv", rows("L").join("\n").into_bytes()),
    ];
    for (name, bytes) in files {
        std::fs::write(env.path(name), bytes).unwrap();
        let (code, err, good, bad) = batch(&env, name, &[]);
        assert_eq!(code, 1, "{name}: {err}");
        assert_eq!(lines_of(&good), vec![2, 3, 5, 7], "{name}");
        assert_eq!(lines_of(&bad), vec![4, 6], "{name}");
        assert_eq!(bad[0]["errors"][0]["code"], "invalid-date", "{name}");
        assert_eq!(bad[1]["errors"][0]["code"], "invalid-serial", "{name}");
        let certs = certificates(&env, &good);
        assert_eq!(certs[1]["school_name"], "Collège Victor Hugo, annexe", "{name}");
        assert_eq!(certs[0]["given_names"], "Léa", "{name}");

        // Interrupted after its second line: the resume, which goes by these
        // line numbers, writes what the first run wrote.
        let whole = env.read("out.jsonl");
        let cut: usize = whole.split_inclusive('\n').take(2).map(str::len).sum::<usize>() + 7;
        std::fs::write(env.path("out.jsonl"), &whole[..cut]).unwrap();
        let out = env.run(&["issue", "--key", "issuer", "--csv", name, "--out", "out.jsonl"]);
        assert_eq!(out.status.code(), Some(1), "{name}: {}", stderr(&out));
        assert!(stderr(&out).contains("Reprise après la ligne 3"), "{name}: {}", stderr(&out));
        assert_eq!(env.read("out.jsonl"), whole, "{name}");
    }
}

#[test]
fn a_quote_left_open_is_refused_and_the_lines_it_swallowed_are_named() {
    let env = Env::new();
    env.ok(&["keygen", "--out", "issuer"]);
    let header =
        "family_name,given_names,birth_date,school_uai,school_name,school_town,academie,school_year,level,issued_on";
    let mut lines = vec![header.to_owned()];
    for i in 2..=1001 {
        let school = if i == 10 { "\"Collège Victor Hugo" } else { "Collège Victor Hugo" };
        lines.push(format!("Martin,Léa,2013-04-12,0750654D,{school},Paris,Paris,2025-2026,6e,2025-09-15"));
    }
    env.write("pupils.csv", &joined(&lines, "\n"));
    let (code, err, good, bad) = batch(&env, "pupils.csv", &[]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(lines_of(&good), (2..=9).collect::<Vec<u64>>());
    assert_eq!(lines_of(&bad), vec![10]);
    assert_eq!(bad[0]["errors"][0]["code"], "csv-quote-unclosed");
    assert!(err.contains("[batch-unread]"), "{err}");
    assert!(err.contains("991 ligne(s) sur 1001") && err.contains("11-1001"), "{err}");
}

#[test]
fn two_runs_on_one_output_never_write_a_certificate_twice() {
    let env = Env::new();
    env.ok(&["keygen", "--out", "issuer"]);
    let header = "serial,family_name,given_names,birth_date,school_uai,school_name,school_town,academie,school_year,level,issued_on";
    let mut lines = vec![header.to_owned()];
    for i in 0..20_000 {
        lines.push(format!(
            "S-{i},Martin,Léa,2013-04-12,0750654D,Collège Victor Hugo,Paris,Paris,2025-2026,6e,2025-09-15"
        ));
    }
    env.write("pupils.csv", &joined(&lines, "\n"));

    // Held by another process: refused at once, nothing written.
    let lock = std::fs::File::create(env.path("out.jsonl.lock")).unwrap();
    lock.lock().unwrap();
    let out = env.run(&["issue", "--key", "issuer", "--csv", "pupils.csv", "--out", "out.jsonl"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("[batch-locked]"), "{}", stderr(&out));
    assert!(!env.path("out.jsonl").exists());
    drop(lock);

    // Two at once: every serial once in OUT, whichever ran.
    let children: Vec<_> = (0..2)
        .map(|_| {
            env.cachet()
                .args(["issue", "--key", "issuer", "--csv", "pupils.csv", "--out", "out.jsonl", "--jobs", "1"])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outputs: Vec<_> = children.into_iter().map(|c| c.wait_with_output().unwrap()).collect();
    for o in &outputs {
        let code = o.status.code();
        assert!(code == Some(0) || (code == Some(2) && stderr(o).contains("[batch-locked]")), "{}", stderr(o));
    }
    let serials: Vec<String> =
        json_lines(&env.read("out.jsonl")).iter().map(|l| l["serial"].as_str().unwrap().to_owned()).collect();
    assert_eq!(serials.len(), 20_000);
    assert_eq!(serials.iter().collect::<BTreeSet<_>>().len(), 20_000);
}

#[test]
fn a_serial_on_two_rows_is_kept_by_the_first_and_one_pdf_is_written_per_pupil() {
    let env = Env::new();
    env.ok(&["keygen", "--out", "issuer"]);
    let header = "serial,family_name,given_names,birth_date,school_uai,school_name,school_town,academie,school_year,level,issued_on";
    let row = |serial: &str, family: &str| {
        format!("{serial},{family},Léa,2013-04-12,0750654D,Collège Victor Hugo,Paris,Paris,2025-2026,6e,2025-09-15")
    };
    let lines = vec![
        header.to_owned(),
        row("A-1", "Martin"),
        row("A-2", "Bernard"),
        row("A-1", "Petit"),
        row(" A-2 ", "Durand"),
    ];
    env.write("pupils.csv", &joined(&lines, "\n"));
    let (code, err, good, bad) = batch(&env, "pupils.csv", &["--pdf-dir", "pdf"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(lines_of(&good), vec![2, 3]);
    assert_eq!(lines_of(&bad), vec![4, 5]);
    for b in &bad {
        assert_eq!(b["errors"][0]["code"], "serial-duplicate");
    }
    assert!(bad[0]["errors"][0]["message"].as_str().unwrap().contains("ligne 2"));
    let mut pdfs: Vec<String> =
        std::fs::read_dir(env.path("pdf")).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    pdfs.sort();
    assert_eq!(pdfs, ["A-1.pdf", "A-2.pdf"]);
}

#[test]
fn a_resume_refuses_a_changed_input_or_key_unless_restarted() {
    let env = Env::new();
    env.ok(&["keygen", "--out", "issuer"]);
    env.ok(&["keygen", "--out", "other"]);
    let header = "family_name,given_names,birth_date,school_uai,school_name,school_town,academie,school_year,level,serial,issued_on";
    let row = |birth: &str, serial: &str| {
        format!("Martin,Léa,{birth},0750654D,Collège Victor Hugo,Paris,Paris,2025-2026,6e,{serial},2025-09-15")
    };
    let mut lines =
        vec![header.to_owned(), row("2013-04-12", "R-1"), row("2013-02-30", "R-2"), row("2013-04-12", "R-3")];
    env.write("pupils.csv", &joined(&lines, "\n"));
    let args = ["issue", "--key", "issuer", "--csv", "pupils.csv", "--out", "out.jsonl"];
    assert_eq!(env.run(&args).status.code(), Some(1));
    let before = env.read("out.jsonl");

    // The refused row fixed: the batch is not silently "complete".
    lines[2] = row("2013-02-28", "R-2");
    env.write("pupils.csv", &joined(&lines, "\n"));
    let out = env.run(&args);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("[batch-changed]") && stderr(&out).contains("pupils.csv"), "{}", stderr(&out));
    assert_eq!(env.read("out.jsonl"), before);
    // Another key would mix two keys in one output.
    let out = env.run(&["issue", "--key", "other", "--csv", "pupils.csv", "--out", "out.jsonl"]);
    assert!(stderr(&out).contains("[batch-changed]") && stderr(&out).contains("--key"), "{}", stderr(&out));
    // --restart begins again: every row signed.
    let out = env.run(&[&args[..], &["--restart"]].concat());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(lines_of(&json_lines(&env.read("out.jsonl"))), vec![2, 3, 4]);
    assert!(!env.path("out.jsonl.errors.jsonl").exists() || env.read("out.jsonl.errors.jsonl").is_empty());
}

#[test]
fn a_damaged_utf8_file_is_one_error_and_a_readable_key_is_told() {
    let env = Env::new();
    env.ok(&["keygen", "--out", "issuer"]);
    let header =
        "family_name,given_names,birth_date,school_uai,school_name,school_town,academie,school_year,level,issued_on";
    let mut clean = format!("{header}\n").into_bytes();
    for _ in 0..5 {
        clean.extend_from_slice(
            "Martin,Léa,2013-04-12,0750654D,Collège Victor Hugo,Paris,Paris,2025-2026,6e,2025-09-15\n".as_bytes(),
        );
    }
    let mut bytes = clean.clone();
    bytes.extend_from_slice(b"Mor\xffau,Lea,2013-04-12,0750654D,College,Paris,Paris,2025-2026,6e,2025-09-15\n");
    std::fs::write(env.path("pupils.csv"), &bytes).unwrap();
    let (code, err, good, _) = batch(&env, "pupils.csv", &[]);
    assert_eq!(code, 2);
    assert!(err.contains("[csv-encoding]") && err.contains("ligne 7"), "{err}");
    assert!(good.is_empty());

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::write(env.path("pupils.csv"), &clean).unwrap();
        std::fs::set_permissions(env.path("issuer"), std::fs::Permissions::from_mode(0o644)).unwrap();
        let (code, err, good, _) = batch(&env, "pupils.csv", &[]);
        assert_eq!(code, 0, "{err}");
        assert_eq!(good.len(), 5);
        assert!(err.contains("[key-file-open]") && err.contains("0644"), "{err}");
        let (code, err, good, _) = batch(&env, "pupils.csv", &["--strict-key-mode"]);
        assert_eq!(code, 2);
        assert!(err.contains("[key-file-open]"), "{err}");
        assert!(good.is_empty());
    }
}

#[test]
fn issuing_with_standard_error_closed_does_not_panic() {
    let env = Env::new();
    env.ok(&["keygen", "--out", "issuer"]);
    let header =
        "family_name,given_names,birth_date,school_uai,school_name,school_town,academie,school_year,level,issued_on";
    let row = "Martin,Léa,2013-04-12,0750654D,Collège Victor Hugo,Paris,Paris,2025-2026,6e,2025-09-15";
    env.write("pupils.csv", &format!("{header}\n{row}\n{row}\n"));
    let status = with_stderr_closed(&env, &["issue", "--key", "issuer", "--csv", "pupils.csv", "--out", "out.jsonl"]);
    assert_eq!(status.code(), Some(0));
    assert_eq!(json_lines(&env.read("out.jsonl")).len(), 2);

    // A command that fails says so with its exit code, not with a panic (101).
    env.write("bad.csv", "family_name,colonne inconnue\nMartin,x\n");
    let status = with_stderr_closed(&env, &["issue", "--key", "missing.key", "--csv", "bad.csv", "--out", "bad.jsonl"]);
    assert_eq!(status.code(), Some(2));
}

/// Runs the command with standard error a pipe whose reader is gone: every
/// write to it fails.
fn with_stderr_closed(env: &Env, args: &[&str]) -> std::process::ExitStatus {
    let mut child =
        env.cachet().args(args).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
    drop(child.stderr.take());
    child.wait().unwrap()
}

#[test]
fn verify_reads_standard_input_a_bounded_line_at_a_time() {
    let env = Env::new();
    env.setup();
    let token = env.issue(CERT_JSON);
    // 3 MB on one line, then a certificate: the first is refused, the second read.
    let input = format!("{}\n{token}\n", "A".repeat(3 << 20));
    let args = ["verify", "--trust", "signed.json", "--root", "root.pub", "--json", "--at", DURING_YEAR, "-"];
    let out = env.run_with_stdin(&args, &input);
    let reports = json_lines(&stdout(&out));
    assert_eq!(reports.len(), 2, "{}", stderr(&out));
    assert_eq!(reports[0]["status"], "malformed");
    assert!(reports[0].to_string().contains("text-too-large"), "{}", reports[0]);
    assert_eq!(reports[1]["status"], "valid");
}

#[test]
fn the_mapping_files_in_the_issuing_guide_work_on_their_exports() {
    let env = Env::new();
    env.setup();
    let guide = include_str!("../../docs/ISSUING.md");
    // The fenced blocks that are mapping files, in the guide's order: SIECLE's, then ONDE's.
    let blocks: Vec<&str> = guide.split("```").skip(1).step_by(2).filter(|b| b.contains("school_uai = ")).collect();
    assert_eq!(blocks.len(), 2, "{blocks:?}");
    let issued_on = "issued_on = 2025-09-15\n";
    env.write("siecle.columns", &format!("{}{issued_on}", blocks[0]));
    env.write("onde.columns", &format!("{}{issued_on}", blocks[1]));
    let siecle = "NOM;PRENOM;NE(E) LE;DIV.;REG.\r\nBŒUF;Chloé;12/04/2013;4A;EXTERNE\r\n";
    std::fs::write(env.path("siecle.csv"), latin9(siecle)).unwrap();
    let onde = "Nom élève;Nom d'usage élève;Prénom élève;Date naissance;Sexe;INE; Cycle;Niveau;Libellé classe\n\
                Lefèvre;;Anaïs;2013-02-01;F;; CYCLE III;CM2;CM2 A\n";
    std::fs::write(env.path("onde.csv"), latin9(onde)).unwrap();
    for (csv, columns, level) in [("siecle.csv", "siecle.columns", "4e"), ("onde.csv", "onde.columns", "CM2")] {
        let (code, err, good, _) = batch(&env, csv, &["--columns", columns]);
        assert_eq!(code, 0, "{csv}: {err}");
        assert_eq!(lines_of(&good), vec![2]);
        assert_eq!(certificates(&env, &good)[0]["level"], level);
    }
}
