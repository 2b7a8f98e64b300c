//! `cargo xtask bulk-bench [--count N] [--runs N] [--seed N] [--jobs N]`
//! (`cachet-bench bulk …` once pkg/ is built):
//! a back-office's file of certificate texts verified by the release
//! `cachet verify --batch` and by the package's wasm in Node
//! (`packaging/npm/bulk.mjs`, worker threads), each timed `--runs` times
//! (3 by default); the median rates are printed.
//!
//! The file (`target/bulk-bench/texts-<count>-<seed>.txt`, one text per line,
//! 1,000,000 by default) is generated once per count and seed from fixed keys
//! and a seeded generator, so it is the same bytes on every machine: real
//! certificates signed by two académies' keys, mostly valid (some as verifier
//! URLs), with revoked serials, expired ones, tampered signatures, an unknown
//! issuer, garbage, another format version and blank lines mixed in. The
//! generator knows each line's verdict; every run's counts per status, from
//! the CLI's summary and from the Node script's, must match them, and the two
//! outputs must be the same bytes. Nothing asserts a time.

use crate::sh::{self, Result};
use cachet::certificate::SchoolCertificateInput;
use cachet::keys::SecretKey;
use cachet::time::Date;
use cachet::trust::{sign_list, IssuerEntry, KeyStatus, TrustListBody};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// The instant every run verifies at: within school year 2026-2027 and the list's validity.
const AT: &str = "2026-10-01T09:00:00Z";
/// Lines generated (and signed, on every core) together.
const BLOCK: usize = 65_536;
const VERIFIER: &str = "https://verifier.cachet.fr/";

/// What the generator puts on a line, and the status it must get.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Valid,
    ValidUrl,
    Revoked,
    Expired,
    Tampered,
    UnknownIssuer,
    Garbage,
    OtherVersion,
    Blank,
}

impl Kind {
    /// Per mille: 2 % revoked, 2 % expired, 2 % tampered, 1 % unknown issuer,
    /// 1 % garbage, 0.5 % another version, 0.5 % blank lines; 91 % valid, a
    /// twentieth of them as URLs.
    fn draw(r: u64) -> Kind {
        match r % 1000 {
            0..20 => Kind::Revoked,
            20..40 => Kind::Expired,
            40..60 => Kind::Tampered,
            60..70 => Kind::UnknownIssuer,
            70..80 => Kind::Garbage,
            80..85 => Kind::OtherVersion,
            85..90 => Kind::Blank,
            n if n % 20 == 0 => Kind::ValidUrl,
            _ => Kind::Valid,
        }
    }

    fn status(self) -> Option<&'static str> {
        Some(match self {
            Kind::Valid | Kind::ValidUrl => "valid",
            Kind::Revoked => "revoked",
            Kind::Expired => "expired",
            Kind::Tampered => "invalid-signature",
            Kind::UnknownIssuer => "unknown-issuer",
            Kind::Garbage => "malformed",
            Kind::OtherVersion => "unsupported-version",
            Kind::Blank => return None,
        })
    }
}

/// SplitMix64: a small seeded generator, the same numbers everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[(self.next() % from.len() as u64) as usize]
    }
}

struct Keys {
    root: SecretKey,
    paris: SecretKey,
    lyon: SecretKey,
    stranger: SecretKey,
}

impl Keys {
    fn fixed() -> Keys {
        Keys {
            root: SecretKey::from_seed(&[0x51; 32]),
            paris: SecretKey::from_seed(&[0x52; 32]),
            lyon: SecretKey::from_seed(&[0x53; 32]),
            stranger: SecretKey::from_seed(&[0x54; 32]),
        }
    }
}

/// One line to make: its kind, the drawn fields, its serial.
struct Plan {
    kind: Kind,
    input: SchoolCertificateInput,
    lyon: bool,
    garbage: u64,
}

fn plan(rng: &mut Rng, n: usize) -> Plan {
    const FAMILY: [&str; 12] = [
        "Martin",
        "Bernard",
        "Dubois",
        "Thomas",
        "Robert",
        "Richard",
        "Petit",
        "Durand",
        "Leroy",
        "Moreau",
        "N'Diaye",
        "Le Gall-Fournier",
    ];
    const GIVEN: [&str; 12] =
        ["Léa", "Hugo", "Chloé", "Louis", "Inès", "Gabriel", "Zoé", "Noé", "Maëlys", "Jules", "Aïcha", "Jean-Baptiste"];
    const SCHOOLS: [(&str, &str, &str, &str); 4] = [
        ("0750654D", "Lycée Louis-le-Grand", "Paris", "Paris"),
        ("0750699C", "Lycée Henri-IV", "Paris", "Paris"),
        ("0690026D", "Lycée du Parc", "Lyon", "Lyon"),
        ("0690027E", "Collège Jean Moulin", "Villeurbanne", "Lyon"),
    ];
    const LEVELS: [&str; 7] = ["6e", "5e", "4e", "3e", "2de", "1re", "Tle"];
    const REGIMES: [Option<&str>; 4] = [None, Some("externe"), Some("demi-pensionnaire"), Some("interne")];
    let kind = Kind::draw(rng.next());
    let school = SCHOOLS[(rng.next() % SCHOOLS.len() as u64) as usize];
    let expired = kind == Kind::Expired;
    let (year, issued_on) = if expired { ("2025-2026", "2025-09-15") } else { ("2026-2027", "2026-09-15") };
    let regime = REGIMES[(rng.next() % REGIMES.len() as u64) as usize];
    let input = SchoolCertificateInput {
        family_name: rng.pick(&FAMILY).to_owned(),
        given_names: rng.pick(&GIVEN).to_owned(),
        birth_date: format!("{}-{:02}-{:02}", 2008 + rng.next() % 10, 1 + rng.next() % 12, 1 + rng.next() % 28),
        school_uai: school.0.to_owned(),
        school_name: school.1.to_owned(),
        school_town: school.2.to_owned(),
        academie: school.3.to_owned(),
        school_year: year.to_owned(),
        level: rng.pick(&LEVELS).to_owned(),
        regime: regime.map(str::to_owned),
        serial: Some(format!("{}-{n:08}", if kind == Kind::Revoked { "R" } else { "B" })),
        issued_on: Some(issued_on.to_owned()),
    };
    Plan { kind, lyon: school.3 == "Lyon", input, garbage: rng.next() }
}

/// The line for a plan (without its newline).
fn make_line(keys: &Keys, plan: &Plan) -> Result<String> {
    let key = match plan.kind {
        Kind::UnknownIssuer => &keys.stranger,
        _ if plan.lyon => &keys.lyon,
        _ => &keys.paris,
    };
    let token = || -> Result<String> {
        let today = Date::parse("2026-09-15").ok_or("bad date")?;
        cachet::issue::issue(key, &plan.input, today).map(|i| i.token).map_err(|e| format!("issue: {e:?}"))
    };
    Ok(match plan.kind {
        Kind::Valid | Kind::Revoked | Kind::Expired | Kind::UnknownIssuer => token()?,
        Kind::ValidUrl => cachet::text::url_of(VERIFIER, &token()?),
        Kind::Tampered => {
            // One character inside the signature, away from the last one's unused bits.
            let mut chars: Vec<char> = token()?.chars().collect();
            let at = chars.len() - 10;
            chars[at] = if chars[at] == 'A' { 'B' } else { 'A' };
            chars.into_iter().collect()
        }
        Kind::Garbage => {
            // A prefix and base64url that decode to no COSE_Sign1.
            let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            let mut r = Rng(plan.garbage);
            let len = 20 + (r.next() % 200) as usize;
            let body: String = (0..len).map(|_| alphabet[(r.next() % 64) as usize] as char).collect();
            format!("CC1:{body}")
        }
        Kind::OtherVersion => token()?.replacen("CC1:", "CC2:", 1),
        Kind::Blank => String::new(),
    })
}

/// Writes the texts file, the signed trust list and the root's public key
/// into `dir`; gives the expected count per status.
fn generate(dir: &Path, texts: &Path, count: usize, seed: u64, jobs: usize) -> Result<BTreeMap<String, u64>> {
    let keys = Keys::fixed();
    let mut rng = Rng(seed);
    let mut expected = BTreeMap::new();
    let mut revoked = Vec::new();
    let tmp = texts.with_extension("partial");
    let mut out = BufWriter::with_capacity(1 << 20, File::create(&tmp).map_err(|e| format!("{}: {e}", tmp.display()))?);
    let started = Instant::now();
    let mut n = 0;
    while n < count {
        let plans: Vec<Plan> = (n..count.min(n + BLOCK)).map(|i| plan(&mut rng, i)).collect();
        n += plans.len();
        for p in &plans {
            if let Some(status) = p.kind.status() {
                *expected.entry(status.to_owned()).or_insert(0u64) += 1;
            }
            if p.kind == Kind::Revoked {
                revoked.extend(p.input.serial.clone());
            }
        }
        // Sign the block on every core, each thread a contiguous part, in order.
        let per = plans.len().div_ceil(jobs.max(1));
        let parts: Vec<Result<Vec<String>>> = std::thread::scope(|s| {
            let handles: Vec<_> = plans
                .chunks(per.max(1))
                .map(|part| s.spawn(|| part.iter().map(|p| make_line(&keys, p)).collect::<Result<Vec<_>>>()))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))).collect()
        });
        for part in parts {
            for line in part? {
                writeln!(out, "{line}").map_err(|e| format!("{}: {e}", tmp.display()))?;
            }
        }
        eprint!("\r# generated {n} / {count} lines");
    }
    out.flush().map_err(|e| format!("{}: {e}", tmp.display()))?;
    eprintln!(" in {:.1} s", started.elapsed().as_secs_f64());

    let entry = |key: &SecretKey, name: &str| IssuerEntry {
        key_id: key.key_id().to_string(),
        name: name.into(),
        public_key: key.public_key().to_base64(),
        valid_from: "2024-01-01".into(),
        valid_until: "2030-12-31".into(),
        kinds: vec!["certificat-de-scolarite".into()],
        status: KeyStatus::Active,
        ..IssuerEntry::default()
    };
    let mut body = TrustListBody::new();
    body.sequence = 1;
    body.issued_at = "2026-09-01T00:00:00Z".into();
    body.next_update = "2026-12-01T00:00:00Z".into();
    body.issuers = vec![entry(&keys.paris, "Académie de Paris"), entry(&keys.lyon, "Académie de Lyon")];
    body.revoked_serials = revoked;
    let json = serde_json::to_string_pretty(&body).map_err(|e| e.to_string())?;
    let signed = sign_list(&keys.root, &json).map_err(|e| format!("sign_list: {e:?}"))?;
    sh::write(&dir.join("trust.json"), signed)?;
    sh::write(&dir.join("root.pub"), format!("{}\n", keys.root.public_key().to_text()))?;
    let manifest = serde_json::to_string_pretty(&expected).map_err(|e| e.to_string())?;
    sh::write(&texts.with_extension("expected.json"), manifest)?;
    std::fs::rename(&tmp, texts).map_err(|e| format!("{}: {e}", texts.display()))?;
    Ok(expected)
}

fn read_expected(texts: &Path) -> Result<Option<BTreeMap<String, u64>>> {
    let manifest = texts.with_extension("expected.json");
    if !texts.exists() || !manifest.exists() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&manifest).map_err(|e| format!("{}: {e}", manifest.display()))?;
    serde_json::from_str(&text).map(Some).map_err(|e| format!("{}: {e}", manifest.display()))
}

/// The CPU time (user + system, seconds) of this process's waited-for
/// children so far, from `/proc/self/stat` (Linux; `None` elsewhere).
fn children_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name's closing parenthesis; cutime and cstime are the 16th and 17th of the line.
    let rest = stat.get(stat.rfind(')')? + 2..)?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i)?.parse::<f64>().ok();
    // Clock ticks of 1/100 s: USER_HZ on every Linux architecture that has one.
    Some((ticks(13)? + ticks(14)?) / 100.0)
}

/// One timed run: wall seconds, CPU seconds (when known) and stderr.
struct Timed {
    seconds: f64,
    cpu: Option<f64>,
    stderr: String,
}

/// Runs `cmd` with stdout to `out`.
fn timed(cmd: &mut Command, out: &Path) -> Result<Timed> {
    let file = File::create(out).map_err(|e| format!("{}: {e}", out.display()))?;
    cmd.stdout(file).stderr(Stdio::piped());
    let cpu_before = children_cpu_seconds();
    let started = Instant::now();
    let output = cmd.output().map_err(|e| format!("{}: {e}", sh::show(cmd)))?;
    let seconds = started.elapsed().as_secs_f64();
    let cpu = cpu_before.zip(children_cpu_seconds()).map(|(a, b)| b - a);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    // Exit 1: some texts are not valid, as the file means them to be.
    if output.status.code() != Some(1) {
        return Err(format!("{} exited with {}: {stderr}", sh::show(cmd), output.status));
    }
    Ok(Timed { seconds, cpu, stderr })
}

/// Prints a run's figures and gives its rate.
fn report(run: usize, total: u64, t: &Timed) -> f64 {
    let rate = total as f64 / t.seconds;
    let cpu = match t.cpu {
        Some(cpu) if cpu > 0.0 => format!(", CPU {cpu:.2} s ({:.0} texts per CPU-second)", total as f64 / cpu),
        _ => String::new(),
    };
    println!("# run {run}: {total} texts in {:.2} s: {rate:.0} texts/s{cpu} (verdicts as expected)", t.seconds);
    rate
}

/// The counts of the CLI's summary: `N texts verified: valid 910000, revoked 20000, …`.
fn cli_counts(stderr: &str) -> Result<BTreeMap<String, u64>> {
    let line = stderr.lines().find(|l| l.contains("texts verified: ")).ok_or(format!("no summary in: {stderr}"))?;
    let (_, detail) = line.split_once(": ").ok_or("summary without counts")?;
    detail
        .split(", ")
        .map(|part| {
            let (status, n) = part.rsplit_once(' ').ok_or(format!("bad count `{part}`"))?;
            Ok((status.to_owned(), n.parse().map_err(|e| format!("bad count `{part}`: {e}"))?))
        })
        .collect()
}

/// The counts of the Node script's summary line (JSON, `statuses`).
fn node_counts(stderr: &str) -> Result<BTreeMap<String, u64>> {
    let line = stderr.lines().rev().find(|l| l.starts_with('{')).ok_or(format!("no summary in: {stderr}"))?;
    let v: serde_json::Value = serde_json::from_str(line).map_err(|e| format!("{e}: {line}"))?;
    serde_json::from_value(v["statuses"].clone()).map_err(|e| e.to_string())
}

/// Whether two files hold the same bytes (read in step, never whole).
fn same_bytes(a: &Path, b: &Path) -> Result<bool> {
    let open = |p: &Path| File::open(p).map_err(|e| format!("{}: {e}", p.display()));
    let (mut fa, mut fb) = (open(a)?, open(b)?);
    if fa.metadata().map(|m| m.len()).ok() != fb.metadata().map(|m| m.len()).ok() {
        return Ok(false);
    }
    let (mut ba, mut bb) = (vec![0u8; 1 << 20], vec![0u8; 1 << 20]);
    loop {
        let na = fa.read(&mut ba).map_err(|e| e.to_string())?;
        if na == 0 {
            return Ok(true);
        }
        fb.read_exact(&mut bb[..na]).map_err(|e| e.to_string())?;
        if ba[..na] != bb[..na] {
            return Ok(false);
        }
    }
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

struct Options {
    count: usize,
    runs: usize,
    seed: u64,
    jobs: usize,
}

fn options(args: &[String]) -> Result<Options> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut o = Options { count: 1_000_000, runs: 3, seed: 1, jobs: cores };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| -> Result<u64> {
            let v = it.next().ok_or(format!("{name} needs a value"))?;
            v.replace('_', "").parse().map_err(|e| format!("{name} {v}: {e}"))
        };
        match a.as_str() {
            "--count" => o.count = value(a)? as usize,
            "--runs" => o.runs = value(a)? as usize,
            "--seed" => o.seed = value(a)?,
            "--jobs" => o.jobs = value(a)? as usize,
            other => return Err(format!("bulk-bench: unknown argument `{other}`")),
        }
    }
    if o.count == 0 || o.runs == 0 || o.jobs == 0 {
        return Err("--count, --runs and --jobs must be at least 1".into());
    }
    Ok(o)
}

pub fn run(args: &[String]) -> Result<()> {
    let o = options(args)?;
    sh::run(sh::cargo().args(["build", "--release", "-p", "cachet-cli"]))?;
    let target = sh::target_dir()?;
    let cachet = target.join("release").join("cachet");
    let dir = target.join("bulk-bench");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let texts = texts_path(&dir, o.count, o.seed);
    let expected = match read_expected(&texts)? {
        Some(expected) => {
            println!("# reusing {}", texts.display());
            expected
        }
        None => generate(&dir, &texts, o.count, o.seed, o.jobs)?,
    };
    let total: u64 = expected.values().sum();
    println!("# {} texts ({} lines), expected {expected:?}", total, o.count);
    let (trust, root) = (dir.join("trust.json"), dir.join("root.pub"));
    let jobs = o.jobs.to_string();

    println!("\n==> cachet verify --batch, {} runs, --jobs {jobs}", o.runs);
    let cli_out = dir.join("out-cli.jsonl");
    let mut cli_rates = Vec::new();
    for run in 1..=o.runs {
        let mut cmd = Command::new(&cachet);
        cmd.args(["--lang", "en", "verify", "--trust"]).arg(&trust).arg("--root").arg(&root);
        cmd.args(["--at", AT, "--jobs", &jobs, "--batch"]).arg(&texts);
        let t = timed(&mut cmd, &cli_out)?;
        let counts = cli_counts(&t.stderr)?;
        if counts != expected {
            return Err(format!("run {run}: the CLI counted {counts:?}, not {expected:?}"));
        }
        cli_rates.push(report(run, total, &t));
    }
    let cli = median(cli_rates);

    let node = if !sh::succeeds(sh::program("node").arg("--version")) {
        println!("\n# node is missing: the Node run is skipped");
        None
    } else {
        let pkg = sh::workspace_root().join("pkg");
        if !pkg.join("cachet_bg.wasm").exists() {
            return Err("pkg/ is not built: run this as `cargo xtask bulk-bench`, which builds it first".into());
        }
        let script = sh::workspace_root().join("packaging").join("npm").join("bulk.mjs");
        println!("\n==> node packaging/npm/bulk.mjs (pkg/ wasm, worker threads), {} runs, --jobs {jobs}", o.runs);
        let node_out = dir.join("out-node.jsonl");
        let mut rates = Vec::new();
        for run in 1..=o.runs {
            let mut cmd = sh::program("node");
            cmd.arg(&script).arg("--trust").arg(&trust).arg("--root").arg(&root);
            cmd.args(["--at", AT, "--jobs", &jobs]).arg(&texts);
            let t = timed(&mut cmd, &node_out)?;
            let counts = node_counts(&t.stderr)?;
            if counts != expected {
                return Err(format!("run {run}: Node counted {counts:?}, not {expected:?}"));
            }
            rates.push(report(run, total, &t));
        }
        if !same_bytes(&cli_out, &node_out)? {
            return Err(format!("{} and {} differ", cli_out.display(), node_out.display()));
        }
        println!("# the Node output is byte for byte the CLI's");
        Some(median(rates))
    };

    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        println!("\n# load average (1, 5, 15 min): {}", load.split_whitespace().take(3).collect::<Vec<_>>().join(" "));
    }
    println!(
        "\nxtask bulk-bench: {total} texts, {cores} cores, --jobs {jobs}, median of {} runs: cachet verify --batch {cli:.0} texts/s",
        o.runs
    );
    if let Some(node) = node {
        println!("xtask bulk-bench: node packaging/npm/bulk.mjs {node:.0} texts/s");
    }
    Ok(())
}

/// The generated file's path for a count and seed.
fn texts_path(dir: &Path, count: usize, seed: u64) -> PathBuf {
    dir.join(format!("texts-{count}-{seed}.txt"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use cachet::keys::PublicKey;
    use cachet::time::parse_rfc3339;
    use cachet::trust::TrustList;

    /// Every kind of line gets, from the core, the status the generator expects.
    #[test]
    fn each_generated_line_gets_its_expected_verdict() {
        let dir = tempdir();
        let texts = texts_path(&dir, 3000, 7);
        let expected = generate(&dir, &texts, 3000, 7, 2).unwrap();
        let signed = std::fs::read(dir.join("trust.json")).unwrap();
        let root = PublicKey::from_text(std::fs::read_to_string(dir.join("root.pub")).unwrap().trim()).unwrap();
        let trust = TrustList::load(&signed, &[root], None).unwrap();
        let now = parse_rfc3339(AT).unwrap();
        let mut got = BTreeMap::new();
        let text = std::fs::read_to_string(&texts).unwrap();
        assert_eq!(text.lines().count(), 3000);
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            *got.entry(cachet::verify(line, &trust, now).status.code().to_owned()).or_insert(0u64) += 1;
        }
        assert_eq!(got, expected);
        for status in ["valid", "revoked", "expired", "invalid-signature", "unknown-issuer", "malformed"] {
            assert!(expected.get(status).is_some_and(|n| *n > 0), "no {status} in {expected:?}");
        }
        // The same seed gives the same bytes.
        let again = texts_path(&dir, 3000, 8);
        generate(&dir, &again, 3000, 7, 1).unwrap();
        assert_eq!(std::fs::read(&texts).unwrap(), std::fs::read(&again).unwrap());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_clis_summary_is_read_back() {
        let counts = cli_counts("3 texts verified: valid 2, malformed 1\n").unwrap();
        assert_eq!(counts, BTreeMap::from([("valid".into(), 2), ("malformed".into(), 1)]));
        let node = node_counts("{\"texts\":3,\"statuses\":{\"valid\":2,\"malformed\":1}}\n").unwrap();
        assert_eq!(node, counts);
    }

    fn tempdir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-bulk-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
