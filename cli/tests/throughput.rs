//! Batch throughput: 200,000 generated rows, signed three times, and the
//! first 10,000 of them with a PDF each, three times; prints the median
//! rates. Ignored by default (they are measurements, not checks):
//!
//! ```text
//! cargo test -p cachet-cli --release --test throughput -- --ignored --nocapture
//! ```

mod common;

use common::*;
use std::io::Write;
use std::time::Instant;

const ROWS: usize = 200_000;

/// A UAI with its check letter, from a number below 10^7.
fn uai(n: usize) -> String {
    const LETTERS: &[u8; 23] = b"ABCDEFGHJKLMNPRSTUVWXYZ";
    format!("{n:07}{}", LETTERS[n % 23] as char)
}

/// A distinct name suffix in letters (names hold no digit).
fn letters(mut n: usize) -> String {
    let mut s = String::new();
    loop {
        s.push((b'a' + (n % 26) as u8) as char);
        n /= 26;
        if n == 0 {
            return s;
        }
    }
}

fn write_csv(path: &std::path::Path, rows: usize) {
    let names = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau"];
    let given = ["Léa", "Lucas", "Emma", "Hugo", "Chloé", "Louis", "Inès", "Gabriel", "Jade", "Raphaël"];
    let levels = ["CP", "CE1", "CE2", "CM1", "CM2", "6e", "5e", "4e", "3e", "2de", "1re", "Tle"];
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(f, "family_name,given_names,birth_date,school_uai,school_name,school_town,academie,school_year,level,regime,issued_on")
        .unwrap();
    for i in 0..rows {
        writeln!(
            f,
            "{}-{},{},{}-{:02}-{:02},{},Collège n° {},Ville {},Académie {},2025-2026,{},demi-pensionnaire,2025-09-{:02}",
            names[i % 10],
            letters(i),
            given[(i / 10) % 10],
            2008 + i % 10,
            1 + i % 12,
            1 + i % 28,
            uai((i * 7919) % 10_000_000),
            i % 5000,
            i % 900,
            i % 30,
            levels[i % 12],
            1 + i % 28,
        )
        .unwrap();
    }
    f.flush().unwrap();
}

#[test]
#[ignore = "a measurement: run in release with --ignored --nocapture"]
fn batch_throughput_on_200k_rows() {
    let env = Env::new();
    env.ok(&["keygen", "--out", "issuer"]);
    write_csv(&env.path("pupils.csv"), ROWS);
    let mut rates = Vec::new();
    for run in 0..3 {
        let out = format!("out{run}.jsonl");
        let started = Instant::now();
        let result = env.run(&["issue", "--key", "issuer", "--csv", "pupils.csv", "--out", &out]);
        let seconds = started.elapsed().as_secs_f64();
        assert_eq!(result.status.code(), Some(0), "{}", stderr(&result));
        let lines = std::fs::read_to_string(env.path(&out)).unwrap().lines().count();
        assert_eq!(lines, ROWS);
        let rate = ROWS as f64 / seconds;
        println!("run {run}: {ROWS} rows in {seconds:.2} s = {rate:.0} certificates/s ({})", stderr(&result).trim());
        rates.push(rate);
    }
    rates.sort_by(f64::total_cmp);
    println!("median: {:.0} certificates/s on {} threads", rates[1], std::thread::available_parallelism().unwrap());
}

const PDF_ROWS: usize = 10_000;

#[test]
#[ignore = "a measurement: run in release with --ignored --nocapture"]
fn batch_throughput_with_pdfs_on_10k_rows() {
    let env = Env::new();
    env.ok(&["keygen", "--out", "issuer"]);
    write_csv(&env.path("pupils.csv"), PDF_ROWS);
    let mut rates = Vec::new();
    for run in 0..3 {
        let (out, dir) = (format!("out{run}.jsonl"), format!("pdfs{run}"));
        let started = Instant::now();
        let result = env.run(&["issue", "--key", "issuer", "--csv", "pupils.csv", "--out", &out, "--pdf-dir", &dir]);
        let seconds = started.elapsed().as_secs_f64();
        assert_eq!(result.status.code(), Some(0), "{}", stderr(&result));
        let pdfs = std::fs::read_dir(env.path(&dir)).unwrap().count();
        assert_eq!(pdfs, PDF_ROWS, "one PDF per row");
        let rate = PDF_ROWS as f64 / seconds;
        println!("run {run}: {PDF_ROWS} rows and PDFs in {seconds:.2} s = {rate:.0} certificates/s");
        rates.push(rate);
    }
    rates.sort_by(f64::total_cmp);
    println!(
        "median with PDFs: {:.0} certificates/s on {} threads",
        rates[1],
        std::thread::available_parallelism().unwrap()
    );
}
