//! `cargo xtask bench`: the core's benchmarks (`cargo bench --bench core`),
//! then the release CLI's batch issuance on a generated 200,000-row CSV,
//! timed three times; the median rate is printed.

use crate::sh::{self, Result};
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::{Instant, SystemTime};

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

/// A duration in nanoseconds, for people.
fn human_time(ns: f64) -> String {
    match ns {
        ns if ns >= 1e9 => format!("{:.2} s", ns / 1e9),
        ns if ns >= 1e6 => format!("{:.2} ms", ns / 1e6),
        ns if ns >= 1e3 => format!("{:.1} µs", ns / 1e3),
        ns => format!("{ns:.0} ns"),
    }
}

/// One benchmark's result, as criterion wrote it.
pub struct Median {
    /// The benchmark's `full_id`.
    pub id: String,
    /// Its median time, in nanoseconds.
    pub ns: f64,
    /// The elements an iteration handles, for those with a throughput.
    pub elements: Option<f64>,
}

/// The median of each benchmark criterion measured since `since` (from its
/// `new/estimates.json` under `criterion`): what `cargo xtask bench` prints
/// and `cargo xtask figures` reads.
pub fn criterion_medians(criterion: &Path, since: SystemTime) -> Result<Vec<Median>> {
    let read = |path: &Path| -> Result<serde_json::Value> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    };
    let mut found = Vec::new();
    let mut dirs = vec![criterion.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.ends_with("new/estimates.json")
                && entry.metadata().and_then(|m| m.modified()).is_ok_and(|t| t >= since)
            {
                let ns = read(&path)?.pointer("/median/point_estimate").and_then(|v| v.as_f64()).unwrap_or(f64::NAN);
                let benchmark = read(&path.with_file_name("benchmark.json"))?;
                let id = benchmark.get("full_id").and_then(|v| v.as_str()).unwrap_or("?").to_owned();
                let elements = benchmark.pointer("/throughput/Elements").and_then(|v| v.as_f64());
                found.push(Median { id, ns, elements });
            }
        }
    }
    Ok(found)
}

/// Prints [`criterion_medians`], with the rate of those with a throughput.
fn print_medians(criterion: &Path, since: SystemTime) -> Result<()> {
    let mut rows: Vec<String> = criterion_medians(criterion, since)?
        .into_iter()
        .map(|m| {
            let rate = m.elements.map(|n| format!(", {:.0} elements/s", n / (m.ns / 1e9))).unwrap_or_default();
            format!("  {}: median {}{rate}", m.id, human_time(m.ns))
        })
        .collect();
    rows.sort();
    println!("\n# medians (criterion):\n{}", rows.join("\n"));
    Ok(())
}

pub fn run(args: &[String]) -> Result<()> {
    if let Some(arg) = args.first() {
        return Err(format!("bench takes no argument (got `{arg}`)"));
    }
    println!("==> the core: cargo bench --bench core");
    let started = SystemTime::now();
    sh::run(sh::cargo().args(["bench", "--bench", "core"]))?;
    let target = sh::target_dir()?;
    print_medians(&target.join("criterion"), started)?;

    println!("\n==> the command line: cachet issue --csv, {ROWS} rows, {RUNS} runs");
    sh::run(sh::cargo().args(["build", "--release", "-p", "cachet-cli"]))?;
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

/// `cachet-bench TASK …` in a release build (bench/, with the benchmarks'
/// heavy dependencies, which xtask itself never compiles).
fn cachet_bench(task: &str) -> Command {
    let mut c = sh::cargo();
    c.args(["run", "--quiet", "--release", "-p", "cachet-bench", "--", task]);
    c
}

/// `cargo xtask qr-corpus [options]`: the QR reader's synthetic frames (bench/src/qr_corpus.rs).
pub fn qr_corpus(args: &[String]) -> Result<()> {
    sh::run(cachet_bench("qr-corpus").args(args))
}

/// `cargo xtask qr-bench [options]`: the page's wasm built, then the QR
/// readers side by side (bench/src/qr_bench.rs).
pub fn qr_bench(args: &[String]) -> Result<()> {
    crate::build::build()?;
    sh::run(cachet_bench("qr-bench").args(args))
}

/// `cargo xtask bulk-bench [options]`: the page's wasm built, then a file of
/// texts verified by the release CLI and in Node (bench/src/bulk.rs).
pub fn bulk(args: &[String]) -> Result<()> {
    crate::build::build()?;
    sh::run(cachet_bench("bulk").args(args))
}

/// `cargo xtask revocation-bench [options]`: revocation at national scale
/// (bench/src/revocation.rs), with the release `cachet` command and the
/// page's wasm (built first) measured beside the core. Options go to
/// `cachet-bench revocation` unchanged; the figures are also written to
/// `target/revocation-bench.json`.
pub fn revocation(args: &[String]) -> Result<()> {
    sh::run(sh::cargo().args(["build", "--release", "-p", "cachet-cli"]))?;
    let pkg = crate::build::build()?;
    let target = sh::target_dir()?;
    let mut bench = cachet_bench("revocation");
    bench.arg("--cli").arg(target.join("release").join("cachet")).arg("--pkg").arg(&pkg);
    sh::run(bench.arg("--out").arg(target.join("revocation-bench.json")).args(args))
}

/// `cargo xtask phone-bench [--runs N]`: the page on a mid-range phone
/// (issue 12): Debian's Chromium with the CPU slowed 4× and the network at
/// 1.6 Mbit/s down, 750 kbit/s up, 150 ms latency, against the site `cargo
/// xtask site` lays out, served compressed as a real host does (Brotli, gzip)
/// (tests/browser/phone-bench.js). First, repeat and return visits (the
/// service worker stopped first), link → verdict,
/// medians and p90, and the bytes before the verdict. Needs the browser
/// tests' tools (`cargo xtask test --only browser-setup`).
pub fn phone_bench(args: &[String]) -> Result<()> {
    let dir = sh::workspace_root().join("tests").join("browser");
    if !dir.join("node_modules").join("playwright-core").is_dir() {
        sh::run(sh::program("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(&dir))?;
    }
    crate::build::build()?;
    // The site is laid out by this very binary (`xtask site`); the fixtures are made if missing or old.
    sh::run(sh::program("node").arg("phone-bench.js").arg("--no-build").args(args).current_dir(&dir))
}
