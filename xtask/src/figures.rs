//! `cargo xtask figures [--quick] [--only NAME,…] [--write] [--list]`: the
//! figures README.md quotes, measured by one command and printed as the
//! README's own markdown blocks, so that they cannot go stale unseen (issue 15).
//!
//! Each block sits in README.md between `<!-- figures:NAME -->` and
//! `<!-- /figures:NAME -->`: a line saying when it was measured, by which
//! command, on how many cores and under what load (the load average before
//! and after), then one table. `--write` rewrites in place the blocks this
//! run measured; the others keep their figures and their date. The prose
//! around a block is the README's own.
//!
//! | block | what it runs | on the project's 2-core machine, once built | `--quick` |
//! |---|---|---|---|
//! | `size` | `cargo xtask size` (what the page downloads, in Brotli and gzipped; exact) | seconds | yes |
//! | `core` | `cargo bench --bench core` (criterion medians) | 3 minutes; `--quick`: shorter criterion runs, 1 minute | yes |
//! | `issuing` | the CLI's `throughput` test: 200,000 rows, then 10,000 with PDFs, 3 runs each | 1 to 3 minutes | yes |
//! | `bulk` | `cargo xtask bulk-bench` (a million texts, CLI and Node, 3 runs each) | 4 minutes; 17 at a load average of 8 | no |
//! | `browser` | `npm run bench` in tests/browser (Debian's Chromium) | 3 minutes | no |
//! | `phone` | `cargo xtask phone-bench --runs 7 --revoked 0,400000` (Chromium) | 5 minutes | no |
//!
//! Not generated, hand-written with their date in the README's prose: the
//! revocation tables (`cargo xtask revocation-bench`, 20 million
//! certificates: about an hour), the QR readers' table (`cargo xtask
//! qr-bench`, long, and zxing-wasm's from npm), the PKCS#11 rate (a SoftHSM2
//! token set up by hand) and the time each command takes on a fresh clone.
//!
//! The unit tests hold every block of README.md to the shape its generator
//! prints: the same header, the same rows, a well-formed number and unit in
//! every figure cell, every marker balanced. They never assert a time.

use crate::sh::{self, Result};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

/// The units a column's figures may carry.
type Units = &'static [&'static str];

const TIME: Units = &["ns", "µs", "ms", "s"];
const KB: Units = &["KB"];
const RATE: Units = &["a second"];

/// One generated block: its name (the marker's), the table's header and
/// first cells, each figure column's units, and what measures it.
struct Spec {
    name: &'static str,
    /// Part of `--quick`: seconds to a minute or two once built.
    quick: bool,
    header: &'static [&'static str],
    rows: &'static [&'static str],
    /// Units of each column after the first.
    units: &'static [Units],
    /// The figure cells of each row (every column but the first), in order.
    measure: fn(bool) -> Result<Vec<Vec<String>>>,
}

const SPECS: &[Spec] = &[
    Spec {
        name: "size",
        quick: true,
        header: &["what, in Brotli as the site serves it (`cargo xtask size`)", "figure", "budget"],
        rows: &[
            "before a link's first verdict: the HTML (its icon in it), style, the modules a link's verdict imports, the verify-only wasm and its glue, config.json and a trust list like the demo's",
            "the whole page: the offline shell its service worker precaches (sw.js's `SHELL`: both wasm modules and their glue, every module, style, manifest, icon), sw.js and the trust list",
            "fetched only when a PDF is chosen (`www/pdf.js`)",
            "the verify-only wasm, `pkg/cachet_verify_bg.wasm`",
            "the QR reader's wasm, `pkg/cachet_bg.wasm` (the npm package's)",
        ],
        units: &[KB, KB],
        measure: size,
    },
    Spec {
        name: "core",
        quick: true,
        header: &["benchmark (`cargo bench --bench core`)", "median"],
        rows: &CORE_ROWS,
        units: &[TIME],
        measure: core,
    },
    Spec {
        name: "issuing",
        quick: true,
        header: &["`cachet issue --csv`, release build, 3 runs", "median", "slowest–fastest", "20 million at the median"],
        rows: &[
            "200,000 generated rows",
            "10,000 of them, each with its PDF/A-2u (`--pdf-dir`)",
        ],
        units: &[RATE, RATE, &["min", "h"]],
        measure: issuing,
    },
    Spec {
        name: "bulk",
        quick: false,
        header: &["`cargo xtask bulk-bench`, 3 runs", "median", "slowest–fastest", "per CPU-second, median"],
        rows: &[
            "`cachet verify --batch`",
            "the package's wasm in Node (`packaging/npm/bulk.mjs`, worker threads)",
        ],
        units: &[&["texts a second"], &["texts a second"], &["texts"]],
        measure: bulk,
    },
    Spec {
        name: "browser",
        quick: false,
        header: &["what (`npm run bench` in tests/browser, Debian's Chromium headless)", "median", "beside"],
        rows: &[
            "one verification in the page: wasm `verify(token, now)`, whole check",
            "the same signature with WebCrypto `crypto.subtle.verify('Ed25519')`",
            "the same with @noble/ed25519 `verifyAsync`",
            "opening a certificate link → verdict on screen, first visit (fresh context, 20 times)",
            "the same on a device that has visited before (service worker)",
        ],
        units: &[TIME, &["×", "ms"]],
        measure: browser,
    },
    Spec {
        name: "phone",
        quick: false,
        header: &["link → verdict on screen (`cargo xtask phone-bench --runs 7 --revoked 0,400000`)", "0 revoked", "400,000 revoked"],
        rows: &[
            "first visit, median (p90)",
            "repeat visit (service worker), median (p90)",
            "return visit (the service worker stopped first, as days later), median (p90)",
            "bytes before a first verdict",
            "bytes of a whole first visit, the service worker's install included",
        ],
        units: &[&["ms", "KB"], &["ms", "KB"]],
        measure: phone,
    },
];

/// The core benchmarks' rows, and the criterion id of each (a prefix for the batch, whose id names the threads).
const CORE_ROWS: [&str; 10] = [
    "verify one certificate (token → report)",
    "issue one certificate (input → token)",
    "the Ed25519 check alone, key seen before (its fixed-base table kept)",
    "the Ed25519 check with a key not seen before (its first: no table)",
    "the Ed25519 check with a key seen once (its second: its table made)",
    "the Ed25519 check in one shot (key checked, no table kept)",
    "ed25519-dalek `verify_strict`, for comparison",
    "load a trust list of 30 issuers and 10,000 revoked serials",
    "QR code of a typical URL as SVG (`qrcode` crate)",
    "issue 10,000 in parallel on every core",
];
const CORE_IDS: [&str; 10] = [
    "verify one certificate",
    "issue one certificate",
    "Ed25519 verify: PublicKey::verify (kept table)",
    "Ed25519 verify with a key not seen before (no table)",
    "Ed25519 verify with a key seen once (its table made)",
    "Ed25519 verify: verify_ed25519 (one shot, key checked)",
    "Ed25519 verify: ed25519-dalek verify_strict",
    "load trust list (30 issuers, 10000 revoked serials)",
    "QR SVG of a typical URL (EC level M)",
    "batch issuance/issue 10000 in parallel on ",
];

// ---- numbers, for people and for the shape check --------------------------------------------

/// An integer with thousands separators: 74700 → "74,700".
fn grouped(n: f64) -> String {
    let digits = format!("{:.0}", n.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0.0 {
        out.insert(0, '-');
    }
    out
}

/// A rate to three significant figures: 74712.3 → "74,700".
fn rate(n: f64) -> String {
    if !n.is_finite() || n <= 0.0 {
        return grouped(n);
    }
    let scale = 10f64.powi((n.log10().floor() as i32 - 2).max(0));
    grouped((n / scale).round() * scale)
}

/// Three significant figures, at most two decimals: 4.9 → "4.90", 27.83 → "27.8", 171.4 → "171".
fn sig3(x: f64) -> String {
    match x.abs() {
        a if a >= 100.0 => grouped(x),
        a if a >= 10.0 => format!("{x:.1}"),
        _ => format!("{x:.2}"),
    }
}

/// A duration in nanoseconds, for people.
fn time(ns: f64) -> String {
    match ns {
        ns if ns >= 1e9 => format!("{} s", sig3(ns / 1e9)),
        ns if ns >= 1e6 => format!("{} ms", sig3(ns / 1e6)),
        ns if ns >= 1e3 => format!("{} µs", sig3(ns / 1e3)),
        ns => format!("{ns:.0} ns"),
    }
}

/// Bytes as KB (1000 bytes) to 0.1, as `cargo xtask size` holds README's rows.
fn kb(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1000.0)
}

/// How long `count` takes at `per_second`: "4.5 min", "1.9 h".
fn duration_of(count: f64, per_second: f64) -> String {
    let minutes = count / per_second / 60.0;
    if minutes < 90.0 {
        format!("{minutes:.1} min")
    } else {
        format!("{:.1} h", minutes / 60.0)
    }
}

/// The rest of `s` after a number (`1,234`, `12.3`), or None.
fn after_number(s: &str) -> Option<&str> {
    let bytes = s.as_bytes();
    let mut i = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    if i == 0 {
        return None;
    }
    while bytes.get(i) == Some(&b',') && bytes.get(i + 1..i + 4).is_some_and(|g| g.iter().all(u8::is_ascii_digit)) {
        i += 4;
    }
    if bytes.get(i) == Some(&b'.') {
        let decimals = bytes[i + 1..].iter().take_while(|b| b.is_ascii_digit()).count();
        if decimals == 0 {
            return None;
        }
        i += 1 + decimals;
    }
    if bytes.get(i).is_some_and(|b| b.is_ascii_digit() || *b == b',' || *b == b'.') {
        return None;
    }
    s.get(i..)
}

/// Whether a figure cell is well formed: `-` (not measured), or a number or a
/// range (`1.2–3.4`), then one of `units` (after a space or none), then
/// nothing, or a note in parentheses.
fn well_formed(cell: &str, units: &[&str]) -> bool {
    if cell == "-" {
        return true;
    }
    let Some(mut rest) = after_number(cell) else { return false };
    if let Some(second) = rest.strip_prefix('–') {
        match after_number(second) {
            Some(r) => rest = r,
            None => return false,
        }
    }
    let rest = rest.strip_prefix(' ').unwrap_or(rest);
    units.iter().any(|unit| {
        rest.strip_prefix(unit).is_some_and(|note| {
            note.is_empty()
                || (note.starts_with(" (")
                    && note.ends_with(')')
                    && note.matches('(').count() == note.matches(')').count())
        })
    })
}

// ---- blocks in README.md ---------------------------------------------------------------------

const OPEN: &str = "<!-- figures:";
const CLOSE: &str = "<!-- /figures:";
const END: &str = " -->";

/// A generated block found in README.md: its name, and the byte ranges of its
/// body (between the markers' lines) and of the whole block, markers included.
#[derive(Debug)]
struct Found<'a> {
    name: &'a str,
    body: &'a str,
    start: usize,
    end: usize,
}

/// Every generated block of `readme`, in order (markers start a line); an
/// error for an unbalanced, nested, mismatched or repeated marker.
fn blocks(readme: &str) -> Result<Vec<Found<'_>>> {
    let mut found: Vec<Found<'_>> = Vec::new();
    let mut open: Option<(&str, usize, usize)> = None;
    let mut at = 0;
    while let Some(i) = readme[at..].find("<!-- ").map(|i| at + i) {
        at = i + 5;
        // A marker starts its line; one quoted in prose (`…`) is not a marker.
        if i > 0 && readme.as_bytes().get(i - 1) != Some(&b'\n') {
            continue;
        }
        let (closing, head) = if readme[i..].starts_with(CLOSE) {
            (true, CLOSE)
        } else if readme[i..].starts_with(OPEN) {
            (false, OPEN)
        } else {
            continue;
        };
        let line = readme[i..].lines().next().unwrap_or("");
        let name = line
            .strip_prefix(head)
            .and_then(|l| l.strip_suffix(END))
            .ok_or(format!("README.md: a figures marker is not alone on its line as `{head}NAME{END}`: `{line}`"))?;
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
            return Err(format!("README.md: `{line}`: a block's name is lowercase letters, digits and dashes"));
        }
        match (closing, open) {
            (false, None) => open = Some((name, i, i + line.len() + 1)),
            (false, Some((outer, ..))) => {
                return Err(format!("README.md: block `{name}` opens inside `{outer}`, which is not closed"))
            }
            (true, None) => return Err(format!("README.md: block `{name}` closes but was never opened")),
            (true, Some((outer, _, _))) if outer != name => {
                return Err(format!("README.md: block `{outer}` is closed by `{CLOSE}{name}{END}`"))
            }
            (true, Some((_, start, body_start))) => {
                if found.iter().any(|f| f.name == name) {
                    return Err(format!("README.md: block `{name}` appears twice"));
                }
                let body = readme.get(body_start.min(i)..i).unwrap_or("");
                found.push(Found { name, body, start, end: i + line.len() });
                open = None;
            }
        }
        at = i + line.len();
    }
    match open {
        Some((name, ..)) => Err(format!("README.md: block `{name}` is never closed")),
        None => Ok(found),
    }
}

/// The cells of a markdown table row, trimmed, without the outer pipes.
fn cells(line: &str) -> Option<Vec<&str>> {
    let inner = line.trim().strip_prefix('|')?.strip_suffix('|')?;
    Some(inner.split('|').map(str::trim).collect())
}

/// The line that opens a block: when, by what command, on how many cores, under what load.
fn stamp(command: &str, load_before: &str, load_after: &str) -> String {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    format!(
        "_Measured {} by `{command}`, {cores} cores, load average {load_before} before and {load_after} after._",
        cachet::time::format_rfc3339(now)
    )
}

/// The first line of a block not measured yet (every figure `-`).
fn not_measured(spec: &Spec) -> String {
    format!("_Not measured yet: `cargo xtask figures --only {} --write`._", spec.name)
}

/// The 1-minute load average, or `?` where /proc/loadavg is missing.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".into())
}

/// A block as README.md holds it, markers included.
fn render(spec: &Spec, stamp: &str, figures: &[Vec<String>]) -> String {
    let mut out = format!("{OPEN}{}{END}\n{stamp}\n\n| {} |\n| --- |", spec.name, spec.header.join(" | "));
    out.push_str(&" ---: |".repeat(spec.header.len() - 1));
    out.push('\n');
    for (label, row) in spec.rows.iter().zip(figures) {
        out.push_str(&format!("| {label} | {} |\n", row.join(" | ")));
    }
    out.push_str(&format!("{CLOSE}{}{END}", spec.name));
    out
}

/// What is wrong with a block's body against its spec (nothing: an empty list).
fn shape_errors(spec: &Spec, body: &str) -> Vec<String> {
    let mut errors = Vec::new();
    let mut lines = body.lines();
    let stamp = lines.next().unwrap_or("");
    let when = stamp.strip_prefix("_Measured ").and_then(|s| s.split(' ').next());
    let measured = when.is_some_and(|w| cachet::time::parse_rfc3339(w).is_some())
        && stamp.contains(" by `cargo xtask figures")
        && stamp.contains(" load average ")
        && stamp.ends_with("._");
    if !measured && stamp != not_measured(spec) {
        errors.push(format!(
            "the first line is not `_Measured <RFC 3339> by `cargo xtask figures …`, … load average …._`: `{stamp}`"
        ));
    }
    if lines.next() != Some("") {
        errors.push("no blank line after the first".into());
    }
    let header = lines.next().and_then(cells);
    if header.as_deref() != Some(spec.header) {
        errors.push(format!("the header is {header:?}, not {:?}", spec.header));
    }
    let columns = spec.header.len();
    let rule = lines.next().and_then(cells);
    if !rule.is_some_and(|r| r.len() == columns && r.iter().all(|c| c.trim_matches(':').chars().all(|ch| ch == '-'))) {
        errors.push("no `| --- | ---: |` line under the header".into());
    }
    let rows: Vec<&str> = lines.collect();
    if rows.len() != spec.rows.len() {
        errors.push(format!("{} rows, not {}", rows.len(), spec.rows.len()));
    }
    for (line, label) in rows.iter().zip(spec.rows) {
        let Some(row) = cells(line) else {
            errors.push(format!("not a table row: `{line}`"));
            continue;
        };
        if row.len() != columns {
            errors.push(format!("{} cells, not {columns}: `{line}`", row.len()));
            continue;
        }
        if row[0] != *label {
            errors.push(format!("row `{}` where `{label}` was expected", row[0]));
        }
        for (cell, units) in row[1..].iter().zip(spec.units) {
            if !well_formed(cell, units) {
                errors.push(format!("`{cell}` (row `{label}`) is not a number in {units:?}"));
            }
        }
    }
    errors
}

// ---- running the measurements ----------------------------------------------------------------

/// `cargo xtask`, in the workspace root (its tasks run as children so that their output can be read).
/// Through cargo, not this very binary: a measurement's own build (the browser tests' setup) may
/// rebuild xtask and remove the file this process runs from.
fn xtask() -> Result<Command> {
    let mut c = sh::cargo();
    c.args(["run", "--quiet", "--package", "xtask", "--"]);
    Ok(c)
}

/// Runs a command, its standard output shown as it comes and kept; whether it succeeded, and that output.
fn tee(c: &mut Command) -> Result<(bool, String)> {
    println!("$ {}", sh::show(c));
    let mut child = c.stdout(Stdio::piped()).spawn().map_err(|e| format!("cannot run `{}`: {e}", sh::show(c)))?;
    let mut kept = String::new();
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines() {
            let line = line.map_err(|e| format!("`{}`: {e}", sh::show(c)))?;
            println!("{line}");
            kept.push_str(&line);
            kept.push('\n');
        }
    }
    let status = child.wait().map_err(|e| format!("`{}`: {e}", sh::show(c)))?;
    Ok((status.success(), kept))
}

/// Like `tee`, failing when the command fails.
fn tee_ok(c: &mut Command) -> Result<String> {
    match tee(c)? {
        (true, out) => Ok(out),
        (false, _) => Err(format!("`{}` failed", sh::show(c))),
    }
}

/// The number that ends `s` before `suffix` (`… = 74712 certificates/s` → 74712).
fn number_before(s: &str, suffix: &str) -> Option<f64> {
    let head = &s[..s.find(suffix)?];
    head.trim_end().rsplit(|c: char| c.is_whitespace() || c == '(').next()?.replace(',', "").parse().ok()
}

fn median(xs: &[f64]) -> f64 {
    let mut s = xs.to_vec();
    s.sort_by(f64::total_cmp);
    match s.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => s[n / 2],
        n => (s[n / 2 - 1] + s[n / 2]) / 2.0,
    }
}

/// Median, and slowest–fastest, of a row of rates; `-` twice when there are none.
fn rate_cells(rates: &[f64], unit: &str) -> [String; 2] {
    if rates.is_empty() {
        return ["-".into(), "-".into()];
    }
    let (lo, hi) = rates.iter().fold((f64::INFINITY, 0f64), |(lo, hi), &r| (lo.min(r), hi.max(r)));
    [format!("{} {unit}", rate(median(rates))), format!("{}–{} {unit}", rate(lo), rate(hi))]
}

/// `cargo xtask size`, its tables read: the three totals and the wasm modules' lines.
fn size(_quick: bool) -> Result<Vec<Vec<String>>> {
    let (ok, out) = tee(xtask()?.arg("size"))?;
    // `file raw gzip brotli` lines; a table ends with `total raw gzip brotli`.
    let fields = |line: &str| -> Option<(String, [u64; 3])> {
        let mut w = line.split_whitespace();
        let name = w.next()?;
        let sizes = [w.next()?.parse().ok()?, w.next()?.parse().ok()?, w.next()?.parse().ok()?];
        Some((name.to_owned(), sizes))
    };
    let rows: Vec<(String, [u64; 3])> = out.lines().filter_map(fields).collect();
    let totals: Vec<[u64; 3]> = rows.iter().filter(|r| r.0 == "total").map(|r| r.1).collect();
    // (raw, gzip, Brotli) of a file.
    let file = |name: &str| rows.iter().find(|r| r.0 == name).map(|r| r.1);
    let (Some(&[critical, whole, on_demand]), Some(verify), Some(verify_glue), Some(reader)) = (
        totals.get(..3).and_then(|t| <&[[u64; 3]; 3]>::try_from(t).ok()),
        file("pkg/cachet_verify_bg.wasm"),
        file("pkg/cachet_verify.js"),
        file("pkg/cachet_bg.wasm"),
    ) else {
        return Err("`xtask size` printed no tables to read (see above)".into());
    };
    if !ok {
        // A stale README row is what `--write` mends; a budget exceeded is the size step's to fail.
        eprintln!("figures: `xtask size` failed (see above); its figures are printed all the same");
    }
    let budget = |b: u64| format!("{} KB", b / 1000);
    Ok(vec![
        vec![
            format!(
                "{} (verify-only wasm {}, its glue {}, the rest {}; gzip -9 {})",
                kb(critical[2]),
                kb(verify[2]),
                kb(verify_glue[2]),
                kb(critical[2].saturating_sub(verify[2] + verify_glue[2])),
                kb(critical[1])
            ),
            format!("{} (goal 80 KB)", budget(crate::size::CRITICAL_BUDGET)),
        ],
        vec![
            format!("{} (QR reader's wasm {}; gzip -9 {})", kb(whole[2]), kb(reader[2]), kb(whole[1])),
            budget(crate::size::BUDGET),
        ],
        vec![format!("{} (gzip -9 {})", kb(on_demand[2]), kb(on_demand[1])), "-".into()],
        vec![format!("{} (gzip -9 {}, {} uncompressed)", kb(verify[2]), kb(verify[1]), kb(verify[0])), "-".into()],
        vec![format!("{} (gzip -9 {}, {} uncompressed)", kb(reader[2]), kb(reader[1]), kb(reader[0])), "-".into()],
    ])
}

/// `cargo bench --bench core`, then the median of each benchmark criterion measured since it started.
fn core(quick: bool) -> Result<Vec<Vec<String>>> {
    let started = SystemTime::now();
    let mut bench = sh::cargo();
    bench.args(["bench", "--bench", "core"]);
    if quick {
        bench.args(["--", "--warm-up-time", "1", "--measurement-time", "2"]);
    }
    sh::run(&mut bench)?;
    let medians = crate::bench::criterion_medians(&sh::target_dir()?.join("criterion"), started)?;
    CORE_IDS
        .iter()
        .map(|id| {
            let m = medians
                .iter()
                .find(|m| m.id == *id || (id.ends_with(' ') && m.id.starts_with(id)))
                .ok_or(format!("criterion measured no `{id}` in this run"))?;
            let cell = match m.elements {
                Some(n) => format!("{} ({} a second)", time(m.ns), rate(n / (m.ns / 1e9))),
                None => time(m.ns),
            };
            Ok(vec![cell])
        })
        .collect()
}

/// The CLI's `throughput` test (release): `run N: … = R certificates/s` for the batch, then for the PDFs.
fn issuing(_quick: bool) -> Result<Vec<Vec<String>>> {
    let out = tee_ok(sh::cargo().args([
        "test",
        "-p",
        "cachet-cli",
        "--release",
        "--test",
        "throughput",
        "--",
        "--ignored",
        "--nocapture",
        "--test-threads",
        "1",
    ]))?;
    [(throughput_runs(&out, false), 20e6), (throughput_runs(&out, true), 20e6)]
        .into_iter()
        .map(|(rates, total)| {
            if rates.len() != 3 {
                return Err(format!("the throughput test printed {} runs, not 3 (see above)", rates.len()));
            }
            let [m, range] = rate_cells(&rates, "a second");
            Ok(vec![m, range, duration_of(total, median(&rates))])
        })
        .collect()
}

/// The rates of the throughput test's `run N: … = R certificates/s` lines, with PDFs or without.
fn throughput_runs(out: &str, pdf: bool) -> Vec<f64> {
    // The first run's line follows libtest's `test NAME ... ` on the same line.
    out.lines()
        .map(|l| l.split_once(" ... ").map_or(l, |(_, rest)| rest))
        .filter(|l| l.starts_with("run ") && l.contains("rows and PDFs") == pdf)
        .filter_map(|l| number_before(l, " certificates/s"))
        .collect()
}

/// `cargo xtask bulk-bench`: the `# run` lines after `==> cachet verify --batch`, then after `==> node`.
fn bulk(_quick: bool) -> Result<Vec<Vec<String>>> {
    let out = tee_ok(xtask()?.arg("bulk-bench"))?;
    let mut section = "";
    let mut cli: (Vec<f64>, Vec<f64>) = (vec![], vec![]);
    let mut node: (Vec<f64>, Vec<f64>) = (vec![], vec![]);
    for line in out.lines() {
        if line.starts_with("==> cachet verify") {
            section = "cli";
        } else if line.starts_with("==> node") {
            section = "node";
        } else if line.starts_with("# run ") {
            let into = if section == "node" { &mut node } else { &mut cli };
            into.0.extend(number_before(line, " texts/s"));
            into.1.extend(number_before(line, " texts per CPU-second"));
        }
    }
    if cli.0.is_empty() {
        return Err("bulk-bench printed no run of the CLI (see above)".into());
    }
    Ok([cli, node]
        .into_iter()
        .map(|(rates, cpu)| {
            let [m, range] = rate_cells(&rates, "texts a second");
            let cpu = if cpu.is_empty() { "-".into() } else { format!("{} texts", rate(median(&cpu))) };
            vec![m, range, cpu]
        })
        .collect())
}

/// `npm run bench` in tests/browser: the implementations' table, then the two link tables' `the next frame` rows.
fn browser(_quick: bool) -> Result<Vec<Vec<String>>> {
    let dir = sh::workspace_root().join("tests").join("browser");
    npm_ci(&dir)?;
    let out = tee_ok(sh::program("npm").args(["run", "--silent", "bench"]).current_dir(&dir))?;
    let row = |start: &str, nth: usize| -> Result<Vec<String>> {
        out.lines()
            .filter_map(cells)
            .filter(|c| c.first().is_some_and(|c| c.starts_with(start)))
            .nth(nth)
            .map(|c| c.iter().map(|s| s.to_string()).collect())
            .ok_or(format!("`npm run bench` printed no row `{start}` (see above)"))
    };
    let us = |cells: &[String]| -> Result<f64> {
        cells.get(1).and_then(|c| c.parse::<f64>().ok()).ok_or(format!("not a figure: {cells:?}"))
    };
    let wasm = us(&row("wasm `verify", 0)?)?;
    let webcrypto = us(&row("WebCrypto", 0)?)?;
    let noble = us(&row("@noble", 0)?)?;
    let link = |nth: usize| -> Result<Vec<String>> {
        let r = row("the next frame", nth)?;
        let (Some(med), Some(p90)) =
            (r.get(1).and_then(|c| c.parse::<f64>().ok()), r.get(2).and_then(|c| c.parse::<f64>().ok()))
        else {
            return Err(format!("not figures: {r:?}"));
        };
        Ok(vec![format!("{} ms", grouped(med)), format!("{} ms (p90)", grouped(p90))])
    };
    Ok(vec![
        vec![format!("{} µs", sig3(wasm)), format!("{:.2}× (WebCrypto's time; goal ≤ 1.5×)", wasm / webcrypto)],
        vec![format!("{} µs", sig3(webcrypto)), "1.00×".into()],
        vec![format!("{} µs", sig3(noble)), format!("{:.1}× (the wasm's time; goal ≥ 10×)", noble / wasm)],
        link(0)?,
        link(1)?,
    ])
}

/// The browser tests' tools (`npm ci`) when missing, as `cargo xtask phone-bench` does.
fn npm_ci(dir: &Path) -> Result<()> {
    if !dir.join("node_modules").join("playwright-core").is_dir() {
        sh::run(sh::program("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(dir))?;
    }
    Ok(())
}

/// `cargo xtask phone-bench --runs 7 --revoked 0,400000`: each site's `### N revoked …` section.
fn phone(_quick: bool) -> Result<Vec<Vec<String>>> {
    let out = tee_ok(xtask()?.args(["phone-bench", "--runs", "7", "--revoked", "0,400000"]))?;
    let mut columns = Vec::new();
    for section in out.split("\n### ").skip(1) {
        let line = |start: &str| section.lines().find(|l| l.starts_with(start)).unwrap_or("");
        let visit = |start: &str| -> String {
            match cells(line(start)).as_deref() {
                Some([_, med, p90, ..]) if med.ends_with(" ms") && p90.ends_with(" ms") => {
                    format!("{med} ({})", p90.trim_end_matches(" ms"))
                }
                _ => "-".into(),
            }
        };
        let bytes = |start: &str| -> String {
            line(start).rsplit("median ").next().filter(|b| b.ends_with(" KB")).unwrap_or("-").to_owned()
        };
        columns.push([
            visit("| first visit, the next frame"),
            visit("| repeat visit, the next frame"),
            visit("| return visit, the next frame"),
            bytes("bytes before the verdict, first visit"),
            bytes("bytes the server wrote over a whole first visit"),
        ]);
    }
    let [zero, many] = <[[String; 5]; 2]>::try_from(columns)
        .map_err(|c| format!("phone-bench printed {} sites, not 2 (see above)", c.len()))?;
    Ok(zero.into_iter().zip(many).map(|(z, m)| vec![z, m]).collect())
}

// ---- the task ----------------------------------------------------------------------------------

const USAGE: &str = "usage: cargo xtask figures [--quick] [--only NAME,…] [--write] [--list] [--check]";

/// What is wrong with README.md's generated blocks: a marker unbalanced, a
/// block missing, unknown, or not of its generator's shape.
fn readme_errors(readme: &str) -> Vec<String> {
    let found = match blocks(readme) {
        Ok(found) => found,
        Err(e) => return vec![e],
    };
    let mut errors = Vec::new();
    for spec in SPECS {
        match found.iter().find(|f| f.name == spec.name) {
            None => errors.push(format!("README.md has no block `{OPEN}{}{END}`", spec.name)),
            Some(f) => {
                errors.extend(shape_errors(spec, f.body).into_iter().map(|e| format!("block `{}`: {e}", spec.name)))
            }
        }
    }
    for f in found.iter().filter(|f| !SPECS.iter().any(|s| s.name == f.name)) {
        errors.push(format!("README.md's block `{}` has no generator", f.name));
    }
    errors
}

pub fn run_task(args: &[String]) -> Result<()> {
    let (mut quick, mut write, mut only): (bool, bool, Option<Vec<String>>) = (false, false, None);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--quick" => quick = true,
            "--write" => write = true,
            "--only" => {
                let names = it.next().ok_or(format!("--only takes block names: {USAGE}"))?;
                only = Some(names.split(',').map(str::to_owned).collect());
            }
            "--list" => {
                for s in SPECS {
                    println!("{:<8} {}", s.name, if s.quick { "quick" } else { "long (not in --quick)" });
                }
                return Ok(());
            }
            "--check" => {
                let readme = std::fs::read_to_string(sh::workspace_root().join("README.md"))
                    .map_err(|e| format!("cannot read README.md: {e}"))?;
                let errors = readme_errors(&readme);
                if !errors.is_empty() {
                    return Err(format!("README.md's figures blocks:\n  {}", errors.join("\n  ")));
                }
                println!("xtask figures: README.md's {} blocks have their generators' shape", SPECS.len());
                return Ok(());
            }
            other => return Err(format!("unknown argument `{other}`: {USAGE}")),
        }
    }
    if let Some(names) = &only {
        if let Some(unknown) = names.iter().find(|n| !SPECS.iter().any(|s| s.name == n.as_str())) {
            let known: Vec<&str> = SPECS.iter().map(|s| s.name).collect();
            return Err(format!("no block `{unknown}` (blocks: {})", known.join(", ")));
        }
    }
    let chosen: Vec<&Spec> = SPECS
        .iter()
        .filter(|s| match &only {
            Some(names) => names.iter().any(|n| n == s.name),
            None => s.quick || !quick,
        })
        .collect();
    let readme_path = sh::workspace_root().join("README.md");
    // The README is read (and its markers checked) before anything is measured.
    let readme = std::fs::read_to_string(&readme_path).map_err(|e| format!("cannot read README.md: {e}"))?;
    let present: Vec<String> = blocks(&readme)?.iter().map(|f| f.name.to_owned()).collect();
    if let Some(missing) = chosen.iter().find(|s| !present.iter().any(|p| p == s.name)) {
        return Err(format!("README.md has no `{OPEN}{}{END}` block", missing.name));
    }
    let mut command = "cargo xtask figures".to_owned();
    if quick {
        command.push_str(" --quick");
    }
    let mut made = Vec::new();
    let mut failed = Vec::new();
    for spec in chosen {
        println!("\n==> figures: {}", spec.name);
        let before = load_average();
        match (spec.measure)(quick) {
            Ok(figures) => {
                let by = format!("{command} --only {}", spec.name);
                made.push((spec, render(spec, &stamp(&by, &before, &load_average()), &figures)));
            }
            Err(e) => {
                eprintln!("figures: {}: {e}", spec.name);
                failed.push(spec.name);
            }
        }
    }
    println!();
    for (_, block) in &made {
        println!("{block}\n");
    }
    if write && !made.is_empty() {
        // Read again: the measurements take minutes, and the README may have been edited meanwhile.
        let mut readme = std::fs::read_to_string(&readme_path).map_err(|e| format!("cannot read README.md: {e}"))?;
        for (spec, block) in &made {
            let found = blocks(&readme)?;
            let f =
                found.iter().find(|f| f.name == spec.name).ok_or(format!("README.md lost block `{}`", spec.name))?;
            readme.replace_range(f.start..f.end, block);
        }
        sh::write(&readme_path, &readme)?;
        let names: Vec<&str> = made.iter().map(|(s, _)| s.name).collect();
        println!("xtask figures: README.md's {} rewritten", names.join(", "));
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("not measured: {}", failed.join(", ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn readme() -> String {
        std::fs::read_to_string(sh::workspace_root().join("README.md")).expect("README.md")
    }

    #[test]
    fn every_block_of_the_readme_has_its_generators_shape() {
        let errors = readme_errors(&readme());
        assert!(errors.is_empty(), "README.md (issue 15; `cargo xtask figures --check`):\n  {}", errors.join("\n  "));
    }

    #[test]
    fn what_a_generator_prints_passes_its_own_check() {
        for spec in SPECS {
            let figures: Vec<Vec<String>> =
                spec.rows.iter().map(|_| spec.units.iter().map(|u| format!("1,234.5 {}", u[0])).collect()).collect();
            let block = render(spec, &stamp("cargo xtask figures --only x", "1.00", "2.50"), &figures);
            let readme = format!("intro\n\n{block}\n\nafter\n");
            let found = blocks(&readme).expect("balanced");
            assert_eq!(found.len(), 1);
            assert_eq!(&readme[found[0].start..found[0].end], block);
            assert_eq!(shape_errors(spec, found[0].body), Vec::<String>::new(), "{block}");
            // A row lost, or a figure that is no number, is caught.
            let lost = block.replacen(&format!("| {} |", spec.rows[0]), "| another row |", 1);
            assert!(!shape_errors(spec, blocks(&lost).expect("balanced")[0].body).is_empty());
            let dashes: Vec<Vec<String>> = spec.rows.iter().map(|_| vec!["-".to_owned(); spec.units.len()]).collect();
            let empty = render(spec, &not_measured(spec), &dashes);
            assert_eq!(shape_errors(spec, blocks(&empty).expect("balanced")[0].body), Vec::<String>::new());
            let garbled = block.replacen("1,234.5", "about 1,234", 1);
            assert!(!shape_errors(spec, blocks(&garbled).expect("balanced")[0].body).is_empty());
        }
    }

    #[test]
    fn unbalanced_or_mismatched_markers_are_refused() {
        let bad = [
            "<!-- figures:a -->\nx\n",
            "x\n<!-- /figures:a -->\n",
            "<!-- figures:a -->\n<!-- figures:b -->\n<!-- /figures:b -->\n<!-- /figures:a -->\n",
            "<!-- figures:a -->\n<!-- /figures:b -->\n",
            "<!-- figures:a -->\n<!-- /figures:a -->\n<!-- figures:a -->\n<!-- /figures:a -->\n",
            "<!-- figures:A -->\n<!-- /figures:A -->\n",
            "<!-- figures:a --> trailing\n<!-- /figures:a -->\n",
        ];
        for text in bad {
            assert!(blocks(text).is_err(), "accepted: {text:?}");
        }
        let good = "<!-- other comment -->\nsee `<!-- figures:x -->`\n<!-- figures:a -->\nbody\n<!-- /figures:a -->\n<!-- figures:b -->\n<!-- /figures:b -->";
        let found = blocks(good).expect("balanced");
        assert_eq!(found.iter().map(|f| (f.name, f.body)).collect::<Vec<_>>(), [("a", "body\n"), ("b", "")]);
    }

    #[test]
    fn figures_are_numbers_with_their_units() {
        for (cell, units) in [
            ("27.8 µs", TIME),
            ("171 ms (58,000 a second)", TIME),
            ("74,700 a second", RATE),
            ("51,400–75,500 a second", RATE),
            ("1.32× (WebCrypto's time; goal ≤ 1.5×)", &["×", "ms"][..]),
            ("112.6 KB (verify-only wasm 67.5 KB)", KB),
            ("-", KB),
        ] {
            assert!(well_formed(cell, units), "{cell}");
        }
        for (cell, units) in [
            ("", TIME),
            ("about 27 µs", TIME),
            ("27.8", TIME),
            ("27.8 KB", TIME),
            ("27. µs", TIME),
            ("1,23 µs", TIME),
            ("27.8 µs extra", TIME),
            ("27.8 µs (open", TIME),
            ("1–x a second", RATE),
            ("n/a", RATE),
        ] {
            assert!(!well_formed(cell, units), "{cell}");
        }
    }

    #[test]
    fn numbers_read_as_people_write_them() {
        assert_eq!(grouped(74_712.3), "74,712");
        assert_eq!(grouped(999.0), "999");
        assert_eq!(rate(74_712.3), "74,700");
        assert_eq!(rate(944.4), "944");
        assert_eq!(rate(2_970.0), "2,970");
        assert_eq!(time(27_830.0), "27.8 µs");
        assert_eq!(time(4_900_000.0), "4.90 ms");
        assert_eq!(time(171_400_000.0), "171 ms");
        assert_eq!(duration_of(20e6, 74_700.0), "4.5 min");
        assert_eq!(duration_of(20e6, 2_970.0), "1.9 h");
        assert_eq!(
            number_before("run 0: 200000 rows in 2.68 s = 74712 certificates/s (x)", " certificates/s"),
            Some(74_712.0)
        );
        assert_eq!(
            number_before(
                "# run 1: 994968 texts in 17.1 s: 58000 texts/s, CPU 30.1 s (33000 texts per CPU-second)",
                " texts per CPU-second"
            ),
            Some(33_000.0)
        );
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        let out = "running 2 tests\ntest batch_throughput_on_200k_rows ... run 0: 200000 rows in 14.92 s = 13408 certificates/s (x)\n\
                   run 1: 200000 rows in 2 s = 100000 certificates/s (y)\nmedian: 13408 certificates/s on 2 threads\nok\n\
                   test batch_throughput_with_pdfs_on_10k_rows ... run 0: 10000 rows and PDFs in 5 s = 2000 certificates/s\n";
        assert_eq!(throughput_runs(out, false), [13_408.0, 100_000.0]);
        assert_eq!(throughput_runs(out, true), [2_000.0]);
    }

    #[test]
    fn the_size_blocks_rows_are_those_xtask_size_holds() {
        // `cargo xtask size` finds its rows by these starts (size.rs, readme_stale).
        let rows = &SPECS.iter().find(|s| s.name == "size").expect("a size block").rows;
        for start in ["before a link's first verdict", "the whole page", "fetched only when a PDF is chosen"] {
            assert_eq!(rows.iter().filter(|r| r.starts_with(start)).count(), 1, "{start}");
        }
    }
}
