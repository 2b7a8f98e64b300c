//! `cargo xtask bench`: the core's benchmarks (`cargo bench --bench core`),
//! then the release CLI's batch issuance on a generated 200,000-row CSV,
//! timed three times; the median rate is printed.

use crate::sh::{self, Result};
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// Rows of the generated batch.
const ROWS: usize = 200_000;
/// Timed runs of the batch.
const RUNS: usize = 3;

const HEADER: &str =
    "family_name,given_names,birth_date,school_uai,school_name,school_town,academie,school_year,level,regime,serial,issued_on";

/// A name part for a number (names hold no digits): 0 → "a", 27 → "ch".
fn letters(n: usize) -> String {
    n.to_string().bytes().map(|d| char::from(d - b'0' + b'a')).collect()
}

/// Pupils of school year 2025-2026, every row different, serials derived.
fn pupils_csv() -> String {
    const SCHOOLS: [&str; 3] = [
        "0750654D,Lycée Louis-le-Grand,Paris,Paris",
        "0750699C,Lycée Henri-IV,Paris,Paris",
        "0690026D,Lycée du Parc,Lyon,Lyon",
    ];
    const LEVELS: [&str; 3] = ["2de", "1re", "Tle"];
    const REGIMES: [&str; 4] = ["", "externe", "demi-pensionnaire", "interne"];
    let mut csv = String::with_capacity(ROWS * 120);
    csv.push_str(HEADER);
    csv.push('\n');
    for n in 0..ROWS {
        let _ = writeln!(
            csv,
            "Élève {},Prénom {},{}-{:02}-{:02},{},2025-2026,{},{},,2025-09-15",
            letters(n / 100),
            letters(n % 100),
            2007 + n % 3,
            1 + n % 12,
            1 + n % 28,
            SCHOOLS[n % SCHOOLS.len()],
            LEVELS[n % LEVELS.len()],
            REGIMES[n % REGIMES.len()],
        );
    }
    csv
}

fn count_lines(path: &Path) -> Result<usize> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(text.lines().count())
}

pub fn run(args: &[String]) -> Result<()> {
    if let Some(arg) = args.first() {
        return Err(format!("bench takes no argument (got `{arg}`)"));
    }
    println!("==> the core: cargo bench --bench core");
    sh::run(sh::cargo().args(["bench", "--bench", "core"]))?;

    println!("\n==> the command line: cachet issue --csv, {ROWS} rows, {RUNS} runs");
    sh::run(sh::cargo().args(["build", "--release", "-p", "cachet-cli"]))?;
    let target = sh::target_dir()?;
    let cachet = target.join("release").join("cachet");
    let dir = target.join("xtask-bench");
    sh::fresh_dir(&dir)?;
    let csv = dir.join("pupils.csv");
    sh::write(&csv, pupils_csv())?;
    println!("# wrote {} ({ROWS} rows)", csv.display());
    let key = dir.join("issuer.key");
    sh::run(Command::new(&cachet).arg("keygen").arg("--out").arg(&key))?;

    let out = dir.join("out.jsonl");
    let errors = dir.join("errors.jsonl");
    let mut rates = Vec::with_capacity(RUNS);
    for run in 1..=RUNS {
        // A batch resumes from its output files: start each run from none.
        for file in [&out, &errors] {
            if file.exists() {
                std::fs::remove_file(file).map_err(|e| format!("cannot remove {}: {e}", file.display()))?;
            }
        }
        let mut issue = Command::new(&cachet);
        issue.arg("issue").arg("--key").arg(&key).arg("--csv").arg(&csv).arg("--out").arg(&out);
        issue.arg("--errors").arg(&errors);
        let started = Instant::now();
        sh::run(&mut issue)?;
        let seconds = started.elapsed().as_secs_f64();
        let good = count_lines(&out)?;
        if good != ROWS {
            return Err(format!("run {run}: {good} certificates in {}, not {ROWS}", out.display()));
        }
        let rate = ROWS as f64 / seconds;
        println!("# run {run}: {ROWS} certificates in {seconds:.2} s: {rate:.0} certificates/s");
        rates.push(rate);
    }
    rates.sort_by(f64::total_cmp);
    let median = rates[rates.len() / 2];
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("\nxtask bench: cachet issue --csv: median {median:.0} certificates/s over {RUNS} runs of {ROWS} rows ({cores} cores)");
    Ok(())
}
