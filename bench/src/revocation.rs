//! `cachet-bench revocation`: revocation at national scale (issue 11).
//!
//! A universe of certificates (20 million over 30 issuer keys by default),
//! each with the status index its key's keyed permutation gives its
//! ordinal. For each scenario (20k / 100k / 400k / 1M revoked, drawn at
//! random among all certificates), and beside a list with none revoked:
//!
//! - sizes: the Rice-coded sets, the signed trust list raw and gzipped, the
//!   entropy bound `log2 C(capacity, revoked)` summed over the keys, and the
//!   IETF Token Status List's baseline (a 1-bit-per-index bitstring, zlib)
//!   for the same sets;
//! - the list's load time and memory natively (median of `--runs`), and in
//!   wasm through Node when `pkg/` is built (`bench/revocation/wasm-load.mjs`);
//! - the time of one verification in the core, and of `cachet verify` as a
//!   process (when `--cli` names the release binary), against none revoked;
//! - exactness on the whole universe: every issued certificate's index is
//!   looked up; a revoked one that reads not revoked, or the reverse, fails
//!   the run;
//! - a week of `--per-day` new revocations on the 400k scenario as signed
//!   status deltas (a full status document on day 0, then one delta a day,
//!   each merged by a verifier; every certificate looked up after the week),
//!   beside what a full status document or a full list would cost each day;
//! - the allow-list of a compromised key that signed 50,000 certificates,
//!   at p = 32 and p = 64: size, decode time, false acceptances among a
//!   million payloads not listed;
//! - `cachet trust revoke --from` of 5,000 indices on the largest list, when
//!   the CLI has it.
//!
//! Options: `--keys N` (30), `--issued N` (20,000,000), `--capacity N`
//! (per key; default the issued count per key), `--scenarios a,b,…`
//! (20000,100000,400000,1000000), `--runs N` (5), `--days N` (7),
//! `--per-day N` (2000), `--cli PATH`, `--pkg DIR`, `--out FILE` (JSON).

use crate::alloc;
use cachet::certificate::SchoolCertificateInput;
use cachet::keys::{PublicKey, SecretKey};
use cachet::status::Status;
use cachet::status_doc::{sign_status, KeyEntry, Kind, StatusBody, StatusDocument, StatusState};
use cachet::status_list::{status_index, AllowList, RevokedSet, StatusRef};
use cachet::time::{format_rfc3339, Date, Timestamp};
use cachet::trust::{sign_list, IssuerEntry, KeyStatus, StatusKeyEntry, TrustList, TrustListBody};
use flate2::write::{GzEncoder, ZlibEncoder};
use flate2::Compression;
use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

type Result<T> = std::result::Result<T, String>;

struct Options {
    keys: u32,
    issued: u64,
    capacity: Option<u32>,
    scenarios: Vec<u64>,
    runs: usize,
    days: u32,
    per_day: u64,
    cli: Option<PathBuf>,
    pkg: Option<PathBuf>,
    out: Option<PathBuf>,
}

fn options(args: &[String]) -> Result<Options> {
    let mut o = Options {
        keys: 30,
        issued: 20_000_000,
        capacity: None,
        scenarios: vec![20_000, 100_000, 400_000, 1_000_000],
        runs: 5,
        days: 7,
        per_day: 2_000,
        cli: None,
        pkg: None,
        out: None,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = || it.next().cloned().ok_or(format!("{arg} needs a value"));
        let number = |v: String| v.replace('_', "").parse::<u64>().map_err(|e| format!("{arg} {v}: {e}"));
        match arg.as_str() {
            "--keys" => o.keys = u32::try_from(number(value()?)?).map_err(|e| e.to_string())?,
            "--issued" => o.issued = number(value()?)?,
            "--capacity" => o.capacity = Some(u32::try_from(number(value()?)?).map_err(|e| e.to_string())?),
            "--scenarios" => {
                o.scenarios = value()?.split(',').map(|s| number(s.to_owned())).collect::<Result<_>>()?;
            }
            "--runs" => o.runs = number(value()?)?.max(1) as usize,
            "--days" => o.days = number(value()?)? as u32,
            "--per-day" => o.per_day = number(value()?)?,
            "--cli" => o.cli = Some(value()?.into()),
            "--pkg" => o.pkg = Some(value()?.into()),
            "--out" => o.out = Some(value()?.into()),
            other => return Err(format!("unknown option {other}")),
        }
    }
    if o.keys == 0 || o.issued < u64::from(o.keys) {
        return Err("--issued must be at least --keys, and --keys at least 1".into());
    }
    if o.scenarios.iter().any(|&r| r > o.issued) {
        return Err("a scenario revokes more certificates than were issued".into());
    }
    Ok(o)
}

/// The day the lists are signed and certificates verified (noon in Paris).
fn today() -> Date {
    Date::new(2026, 10, 1).expect("a real date")
}

/// The universe: the keys, and every issued certificate's status index,
/// certificate `g` being ordinal `g % per_key` of key `g / per_key`.
struct Universe {
    root: SecretKey,
    /// The online key the root delegates status documents to.
    status: SecretKey,
    keys: Vec<SecretKey>,
    per_key: u32,
    capacity: u32,
    index: Vec<u32>,
}

impl Universe {
    fn new(o: &Options) -> Result<Universe> {
        let per_key = u32::try_from(o.issued.div_ceil(u64::from(o.keys))).map_err(|_| "too many per key")?;
        let capacity = o.capacity.unwrap_or(per_key);
        if capacity < per_key {
            return Err(format!("--capacity {capacity} is below the {per_key} certificates issued per key"));
        }
        let keys: Vec<SecretKey> = (0..o.keys)
            .map(|k| {
                let mut seed = [0x5a; 32];
                seed[..4].copy_from_slice(&k.to_be_bytes());
                SecretKey::from_seed(&seed)
            })
            .collect();
        let total = u64::from(per_key) * u64::from(o.keys);
        let started = Instant::now();
        // Two threads: the machine this is measured on has two cores.
        let mut index = vec![0u32; total as usize];
        let chunks: Vec<(usize, &mut [u32])> = index.chunks_mut(per_key as usize).enumerate().collect();
        let (a, b): (Vec<_>, Vec<_>) = chunks.into_iter().partition(|(k, _)| k % 2 == 0);
        let fill = |part: Vec<(usize, &mut [u32])>| -> Result<()> {
            for (k, slice) in part {
                for (ordinal, slot) in slice.iter_mut().enumerate() {
                    *slot = status_index(&keys[k], ordinal as u64, capacity).map_err(|e| e.to_string())?;
                }
            }
            Ok(())
        };
        std::thread::scope(|s| {
            let left = s.spawn(|| fill(a));
            let right = fill(b);
            left.join().map_err(|_| "index thread panicked".to_owned())??;
            right
        })?;
        println!(
            "universe: {} certificates over {} keys ({per_key} a key, capacity {capacity}), indices in {:.1} s",
            group(total),
            o.keys,
            started.elapsed().as_secs_f64()
        );
        Ok(Universe {
            root: SecretKey::from_seed(&[0xa5; 32]),
            status: SecretKey::from_seed(&[0xa6; 32]),
            keys,
            per_key,
            capacity,
            index,
        })
    }

    fn total(&self) -> usize {
        self.index.len()
    }

    /// The sorted revoked indices of each key, for a set of revoked certificates.
    fn per_key_sets(&self, revoked: &Bits) -> Result<Vec<RevokedSet>> {
        let mut lists: Vec<Vec<u32>> = vec![Vec::new(); self.keys.len()];
        for g in revoked.ones() {
            lists[g / self.per_key as usize].push(self.index[g]);
        }
        lists
            .into_iter()
            .map(|mut l| {
                l.sort_unstable();
                RevokedSet::from_sorted(&l, self.capacity).map_err(|e| e.to_string())
            })
            .collect()
    }

    /// The signed trust list naming every key with its revoked set.
    fn signed_list(&self, sets: &[RevokedSet], sequence: u64) -> Result<String> {
        let midnight = today().paris_midnight();
        let mut body = TrustListBody::new();
        body.sequence = sequence;
        body.issued_at = format_rfc3339(midnight);
        body.next_update = format_rfc3339(midnight + 86_400);
        body.issuers = self
            .keys
            .iter()
            .zip(sets)
            .enumerate()
            .map(|(k, (key, set))| IssuerEntry {
                key_id: key.key_id().to_string(),
                name: format!("Académie n° {}", k + 1),
                public_key: key.public_key().to_base64(),
                valid_from: "2026-06-01".into(),
                valid_until: "2027-08-31".into(),
                kinds: vec!["certificat-de-scolarite".into()],
                status: KeyStatus::Active,
                status_capacity: Some(self.capacity),
                revoked_indices: (!set.is_empty()).then(|| set.encode()),
                ..IssuerEntry::default()
            })
            .collect();
        body.status_key = Some(StatusKeyEntry {
            key_id: self.status.key_id().to_string(),
            public_key: self.status.public_key().to_base64(),
            expires: format_rfc3339(midnight + 45 * 86_400),
        });
        let json = serde_json::to_string_pretty(&body).map_err(|e| e.to_string())?;
        sign_list(&self.root, &json).map_err(|e| format!("signing the list: {e}"))
    }
}

/// A set of certificate numbers, one bit each.
struct Bits(Vec<u64>);

impl Bits {
    fn new(n: usize) -> Bits {
        Bits(vec![0; n.div_ceil(64)])
    }
    fn get(&self, i: usize) -> bool {
        self.0[i / 64] >> (i % 64) & 1 == 1
    }
    /// Sets bit `i`; whether it was clear.
    fn set(&mut self, i: usize) -> bool {
        let was = self.get(i);
        self.0[i / 64] |= 1 << (i % 64);
        !was
    }
    fn clear(&mut self, i: usize) {
        self.0[i / 64] &= !(1 << (i % 64));
    }
    fn ones(&self) -> impl Iterator<Item = usize> + '_ {
        self.0
            .iter()
            .enumerate()
            .flat_map(|(w, &word)| (0..64).filter(move |b| word >> b & 1 == 1).map(move |b| w * 64 + b))
    }
}

/// splitmix64: a fixed, portable stream of draws.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Revokes `count` more certificates, drawn at random among those not yet revoked.
fn revoke_more(revoked: &mut Bits, total: usize, count: u64, rng: &mut Rng) -> Vec<usize> {
    let mut added = Vec::with_capacity(count as usize);
    while (added.len() as u64) < count {
        let g = rng.below(total);
        if revoked.set(g) {
            added.push(g);
        }
    }
    added
}

fn gzip(bytes: &[u8]) -> usize {
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(bytes).expect("writing to memory");
    e.finish().expect("writing to memory").len()
}

fn zlib_best(bytes: &[u8]) -> usize {
    let mut e = ZlibEncoder::new(Vec::new(), Compression::best());
    e.write_all(bytes).expect("writing to memory");
    e.finish().expect("writing to memory").len()
}

/// `log2 C(n, k)`, in bits.
fn log2_binomial(n: u64, k: u64) -> f64 {
    let k = k.min(n - k);
    (0..k).map(|i| ((n - i) as f64 / (k - i) as f64).log2()).sum()
}

/// The IETF Token Status List's encoding of the same sets: per key, a
/// bitstring of one bit per index (status 1 = revoked), compressed with
/// zlib at its best level as the draft says; the total of the keys.
fn ietf_bitstring_bytes(sets: &[RevokedSet], capacity: u32) -> usize {
    sets.iter()
        .map(|set| {
            let mut bits = vec![0u8; (capacity as usize).div_ceil(8)];
            for idx in set.iter() {
                // The draft numbers bits from the least significant bit of each byte.
                bits[idx as usize / 8] |= 1 << (idx % 8);
            }
            zlib_best(&bits)
        })
        .sum()
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    }
}

/// The list's load: median milliseconds, and the bytes the loaded list holds
/// and the peak while loading.
fn measure_load(signed: &str, root: &PublicKey, runs: usize) -> Result<(f64, usize, usize)> {
    let mut times = Vec::new();
    let (mut retained, mut peak) = (0, 0);
    for _ in 0..runs {
        let before = alloc::held();
        alloc::reset_peak();
        let started = Instant::now();
        let list = TrustList::load(signed.as_bytes(), std::slice::from_ref(root), None)
            .map_err(|e| format!("the list is refused: {e}"))?;
        times.push(started.elapsed().as_secs_f64() * 1e3);
        retained = alloc::held().saturating_sub(before);
        peak = alloc::peak().saturating_sub(before);
        drop(list);
    }
    Ok((median(times), retained, peak))
}

/// Certificates of key 0 for the verification timings: `n` ordinals spread
/// over the key's range, each with its status index.
fn sample_certificates(u: &Universe, n: usize) -> Result<Vec<(usize, String)>> {
    let step = (u.per_key as usize / n).max(1);
    (0..n)
        .map(|i| {
            let ordinal = (i * step) % u.per_key as usize;
            let input = SchoolCertificateInput {
                family_name: "Martin".into(),
                given_names: "Léa".into(),
                birth_date: "2013-04-12".into(),
                school_uai: "0750654D".into(),
                school_name: "Lycée Louis-le-Grand".into(),
                school_town: "Paris".into(),
                academie: "Paris".into(),
                school_year: "2026-2027".into(),
                level: "2de".into(),
                regime: None,
                serial: Some(format!("BENCH-{ordinal}")),
                issued_on: None,
            };
            let status = StatusRef::new(u.index[ordinal]);
            let issued = cachet::issue::issue_with_status(&u.keys[0], &input, today(), status)
                .map_err(|e| format!("issuing a sample: {e}"))?;
            Ok((ordinal, issued.token))
        })
        .collect()
}

/// Median microseconds of one `verify` over the samples, and the number of
/// samples whose verdict is not the one their revocation calls for.
fn measure_verify(list: &TrustList, samples: &[(usize, String)], revoked: &Bits, runs: usize) -> (f64, usize) {
    let noon: Timestamp = today().paris_midnight() + 12 * 3600;
    let mut wrong = 0;
    let mut times = Vec::new();
    for run in 0..runs {
        let started = Instant::now();
        for (g, token) in samples {
            let status = cachet::verify(token, list, noon).status;
            let expected = if revoked.get(*g) { Status::Revoked } else { Status::Valid };
            if run == 0 && status != expected {
                wrong += 1;
            }
        }
        times.push(started.elapsed().as_secs_f64() * 1e6 / samples.len() as f64);
    }
    (median(times), wrong)
}

/// Every issued certificate looked up in its key's set: (revoked read as
/// not revoked, not revoked read as revoked).
fn exactness(u: &Universe, list: &TrustList, revoked: &Bits) -> Result<(u64, u64)> {
    let (mut missed, mut false_hits) = (0, 0);
    for (k, key) in u.keys.iter().enumerate() {
        let issuer = list.issuer(key.key_id()).ok_or("a key is missing from the loaded list")?;
        let set = issuer
            .status_list
            .as_ref()
            .ok_or("a key has no status list once loaded")?
            .get()
            .map_err(|e| e.to_string())?;
        let kid = key.key_id();
        let first = k * u.per_key as usize;
        for g in first..(first + u.per_key as usize).min(u.total()) {
            let read = set.contains(u.index[g]) || list.status_revoked(kid, u.index[g]);
            match (revoked.get(g), read) {
                (true, false) => missed += 1,
                (false, true) => false_hits += 1,
                _ => {}
            }
        }
    }
    Ok((missed, false_hits))
}

/// `cachet verify` as a process on one certificate, at noon of the day the
/// list is signed (`--at`: by the clock, a list of the fixed day has
/// expired): median milliseconds. Fails unless the verdict is the one the
/// certificate's revocation calls for (`valid` or `revoked`, read from `--json`).
fn measure_cli_verify(
    cli: &Path,
    dir: &Path,
    signed: &str,
    sample: &(usize, String),
    revoked: &Bits,
    runs: usize,
) -> Result<f64> {
    let (g, token) = sample;
    let expected = if revoked.get(*g) { Status::Revoked } else { Status::Valid };
    let at = format_rfc3339(today().paris_midnight() + 12 * 3600);
    let trust = dir.join("trust.json");
    std::fs::write(&trust, signed).map_err(|e| e.to_string())?;
    let help = Command::new(cli).args(["verify", "--help"]).output().map_err(|e| e.to_string())?;
    let has_state = String::from_utf8_lossy(&help.stdout).contains("--state");
    let mut times = Vec::new();
    for _ in 0..runs {
        let mut c = Command::new(cli);
        c.args(["verify", "--trust"]).arg(&trust).arg("--root").arg(dir.join("root.pub"));
        if has_state {
            // A fresh state each run: the same list is never a rollback.
            let state = dir.join("state.json");
            let _ = std::fs::remove_file(&state);
            c.arg("--state").arg(state);
        }
        c.args(["--json", "--at", &at]).arg(token);
        let started = Instant::now();
        let out = c.output().map_err(|e| format!("{}: {e}", cli.display()))?;
        times.push(started.elapsed().as_secs_f64() * 1e3);
        let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
        if report["status"].as_str() != Some(expected.code()) {
            return Err(format!(
                "cachet verify: {} where {} was expected\n{}{}",
                report["status"],
                expected.code(),
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    Ok(median(times))
}

/// The list loaded by the wasm in Node (`new Verifier(…)`): median
/// milliseconds and the wasm memory's size after loading.
fn measure_wasm_load(pkg: &Path, dir: &Path, signed: &str, runs: usize) -> Result<Value> {
    let trust = dir.join("trust.json");
    std::fs::write(&trust, signed).map_err(|e| e.to_string())?;
    node_script("wasm-load.mjs", pkg, &trust, &dir.join("root.pub"), runs, &[])
}

/// `node bench/revocation/SCRIPT --pkg … --trust … --root … --runs N EXTRA…`:
/// the one JSON line it prints.
fn node_script(script: &str, pkg: &Path, trust: &Path, root: &Path, runs: usize, extra: &[&Path]) -> Result<Value> {
    let out = Command::new("node")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("revocation").join(script))
        .arg("--pkg")
        .arg(pkg)
        .arg("--trust")
        .arg(trust)
        .arg("--root")
        .arg(root)
        .args(["--runs", &runs.to_string()])
        .args(extra)
        .output()
        .map_err(|e| format!("node: {e}"))?;
    if !out.status.success() {
        return Err(format!("{script}: {}", String::from_utf8_lossy(&out.stderr)));
    }
    serde_json::from_slice(&out.stdout).map_err(|e| format!("{script} output: {e}"))
}

/// The week's status documents applied by the wasm in Node to the day-0 list
/// (`bench/revocation/wasm-status.mjs`), each at its time: medians of the
/// full document's and of every delta's application, over `runs`.
fn measure_wasm_status(
    pkg: &Path,
    dir: &Path,
    signed: &str,
    held: &[(String, Timestamp)],
    runs: usize,
) -> Result<Value> {
    let trust = dir.join("week-trust.json");
    std::fs::write(&trust, signed).map_err(|e| e.to_string())?;
    let mut docs = Vec::new();
    for (n, (text, at)) in held.iter().enumerate() {
        let file = dir.join(format!("week-status-{n}.json"));
        std::fs::write(&file, text).map_err(|e| e.to_string())?;
        docs.push(json!({"file": file, "at_ms": at * 1000}));
    }
    let manifest = dir.join("week-status.json");
    std::fs::write(&manifest, json!(docs).to_string()).map_err(|e| e.to_string())?;
    node_script("wasm-status.mjs", pkg, &trust, &dir.join("root.pub"), runs, &[Path::new("--documents"), &manifest])
}

fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn kib(bytes: usize) -> String {
    format!("{:.1} KiB", bytes as f64 / 1024.0)
}

pub fn run(args: &[String]) -> Result<()> {
    let o = options(args)?;
    let u = Universe::new(&o)?;
    let dir = std::env::temp_dir().join(format!("cachet-revocation-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("root.pub"), u.root.public_key().to_text()).map_err(|e| e.to_string())?;
    let result = measure_all(&o, &u, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    let report = result?;
    if let Some(out) = &o.out {
        let text = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
        std::fs::write(out, text).map_err(|e| format!("{}: {e}", out.display()))?;
        println!("\nJSON: {}", out.display());
    }
    let wrong = report["scenarios"].as_array().into_iter().flatten().any(|s| {
        s["exactness"]["missed"].as_u64() != Some(0)
            || s["exactness"]["false_hits"].as_u64() != Some(0)
            || s["verify"]["wrong_verdicts"].as_u64() != Some(0)
    }) || (!report["week"].is_null()
        && (report["week"]["exactness"]["missed"].as_u64() != Some(0)
            || report["week"]["exactness"]["false_hits"].as_u64() != Some(0)));
    if wrong {
        return Err("a certificate read the wrong revocation status (above)".into());
    }
    Ok(())
}

fn measure_all(o: &Options, u: &Universe, dir: &Path) -> Result<Value> {
    let root = u.root.public_key().clone();
    let samples = sample_certificates(u, 200)?;
    let sample = samples.first().cloned().ok_or("no sample")?;
    let mut rng = Rng(0x000c_ac4e_7000_0011);
    let mut revoked = Bits::new(u.total());
    let mut scenarios = Vec::new();
    let mut rows = Vec::new();
    let mut largest: Option<(Vec<RevokedSet>, Bits)> = None;
    let mut counts = vec![0];
    counts.extend(o.scenarios.iter().copied());
    counts.sort_unstable();
    counts.dedup();
    let mut week_base = None;
    for &count in &counts {
        // Scenarios grow from one another: draw only what is new.
        let have = revoked.ones().count() as u64;
        revoke_more(&mut revoked, u.total(), count - have, &mut rng);
        let sets = u.per_key_sets(&revoked)?;
        let coded: usize = sets.iter().map(RevokedSet::coded_len).sum();
        let base64: usize = sets.iter().map(|s| if s.is_empty() { 0 } else { s.encode().len() }).sum();
        let bound_bits: f64 = sets.iter().map(|s| log2_binomial(u64::from(u.capacity), s.len() as u64)).sum();
        let ietf = ietf_bitstring_bytes(&sets, u.capacity);
        let signed = u.signed_list(&sets, 100)?;
        let gz = gzip(signed.as_bytes());
        let (load_ms, retained, peak) = measure_load(&signed, &root, o.runs)?;
        let list = TrustList::load(signed.as_bytes(), std::slice::from_ref(&root), None).map_err(|e| e.to_string())?;
        let (verify_us, wrong) = measure_verify(&list, &samples, &revoked, o.runs);
        let (missed, false_hits) = exactness(u, &list, &revoked)?;
        let cli_ms = match &o.cli {
            Some(cli) => Some(measure_cli_verify(cli, dir, &signed, &sample, &revoked, o.runs)?),
            None => None,
        };
        let wasm = match &o.pkg {
            Some(pkg) => Some(measure_wasm_load(pkg, dir, &signed, o.runs)?),
            None => None,
        };
        let bound = (bound_bits / 8.0).ceil() as usize;
        println!(
            "{:>9} revoked: coded {} (bound {}, +{:.1} %), IETF bitstring+zlib {}, signed list {} / gzip {}, \
             load {load_ms:.2} ms, {} held (peak {}), verify {verify_us:.1} µs{}{}; exact: {missed} missed, {false_hits} false",
            group(count),
            kib(coded),
            kib(bound),
            if bound > 0 { (coded as f64 / bound as f64 - 1.0) * 100.0 } else { 0.0 },
            kib(ietf),
            kib(signed.len()),
            kib(gz),
            kib(retained),
            kib(peak),
            cli_ms.map(|ms| format!(", cachet verify {ms:.1} ms")).unwrap_or_default(),
            wasm.as_ref()
                .map(|w| format!(", wasm load {:.2} ms / {} wasm memory", w["load_ms"], w["memory_bytes"]))
                .unwrap_or_default(),
        );
        rows.push((count, coded, bound, ietf, signed.len(), gz, load_ms, retained, verify_us, cli_ms, wasm.clone()));
        scenarios.push(json!({
            "revoked": count,
            "coded_bytes": coded,
            "coded_base64_bytes": base64,
            "entropy_bound_bytes": bound,
            "ietf_bitstring_zlib_bytes": ietf,
            "signed_list_bytes": signed.len(),
            "signed_list_gzip_bytes": gz,
            "load": {"median_ms": load_ms, "retained_bytes": retained, "peak_bytes": peak},
            "verify": {"median_us": verify_us, "wrong_verdicts": wrong, "samples": samples.len()},
            "cli_verify_median_ms": cli_ms,
            "wasm": wasm,
            "exactness": {"certificates": u.total(), "missed": missed, "false_hits": false_hits},
        }));
        if count <= 400_000 {
            week_base = Some((count, Bits(revoked.0.clone())));
        }
        largest = Some((sets, Bits(revoked.0.clone())));
    }

    let week = match week_base {
        Some((count, base)) if o.days > 0 => Some(measure_week(o, u, count, base, &mut rng, dir)?),
        _ => None,
    };
    let allow_list = measure_allow_list(50_000, o.runs)?;
    let revoke_cli = match (&o.cli, largest) {
        (Some(cli), Some((sets, revoked))) => measure_cli_revoke(cli, dir, u, &sets, &revoked, &mut rng)?,
        _ => None,
    };
    print_table(&rows);
    Ok(json!({
        "universe": {"certificates": u.total(), "keys": u.keys.len(), "per_key": u.per_key, "capacity": u.capacity},
        "runs": o.runs,
        "scenarios": scenarios,
        "week": week,
        "allow_list": allow_list,
        "cli_revoke_5000": revoke_cli,
    }))
}

type Row = (u64, usize, usize, usize, usize, usize, f64, usize, f64, Option<f64>, Option<Value>);

fn print_table(rows: &[Row]) {
    println!(
        "\n| revoked | coded sets | entropy bound | IETF bitstring, zlib | signed list / gzip | load (native) | held | verify (core) | `cachet verify` | wasm load |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let none_cli = rows.first().and_then(|r| r.9);
    for (count, coded, bound, ietf, signed, gz, load, held, verify, cli, wasm) in rows {
        let cli = match (cli, none_cli) {
            (Some(ms), Some(base)) => format!("{ms:.1} ms ({:.2}×)", ms / base),
            (Some(ms), None) => format!("{ms:.1} ms"),
            _ => "–".into(),
        };
        let wasm = wasm
            .as_ref()
            .map(|w| {
                format!(
                    "{:.1} ms, {:.1} MiB",
                    w["load_ms"].as_f64().unwrap_or(f64::NAN),
                    w["memory_bytes"].as_f64().unwrap_or(f64::NAN) / 1048576.0
                )
            })
            .unwrap_or_else(|| "–".into());
        println!(
            "| {} | {} | {} | {} | {} / {} | {load:.2} ms | {} | {verify:.1} µs | {cli} | {wasm} |",
            group(*count),
            kib(*coded),
            kib(*bound),
            kib(*ietf),
            kib(*signed),
            kib(*gz),
            kib(*held)
        );
    }
}

/// A status document of every key's `sets` (full) or of the changes
/// `added`/`removed` per key (delta), signed by the status key on `day`.
fn status_document(u: &Universe, sequence: u64, day: u32, change: StatusChange<'_>) -> Result<String> {
    let midnight = today().paris_midnight() + i64::from(day) * 86_400;
    let code = |v: &[u32]| -> Result<Option<String>> {
        if v.is_empty() {
            return Ok(None);
        }
        let mut v = v.to_vec();
        v.sort_unstable();
        Ok(Some(RevokedSet::from_sorted(&v, u.capacity).map_err(|e| e.to_string())?.encode()))
    };
    let mut keys = Vec::new();
    for (k, key) in u.keys.iter().enumerate() {
        let key_id = key.key_id().to_string();
        let entry = match &change {
            StatusChange::Full(sets) => KeyEntry {
                key_id,
                revoked_indices: (!sets[k].is_empty()).then(|| sets[k].encode()),
                ..KeyEntry::default()
            },
            StatusChange::Delta(added, removed) => {
                if added[k].is_empty() && removed[k].is_empty() {
                    continue;
                }
                KeyEntry { key_id, added: code(&added[k])?, removed: code(&removed[k])?, ..KeyEntry::default() }
            }
        };
        keys.push(entry);
    }
    let (kind, base) = match change {
        StatusChange::Full(_) => (Kind::Full, None),
        StatusChange::Delta(..) => (Kind::Delta, Some(sequence - 1)),
    };
    let body = StatusBody {
        kind,
        sequence,
        base,
        scope: None,
        issued_at: format_rfc3339(midnight),
        expires: format_rfc3339(midnight + 2 * 86_400),
        keys,
    };
    Ok(sign_status(&u.status, &body))
}

enum StatusChange<'a> {
    Full(&'a [RevokedSet]),
    Delta(&'a [Vec<u32>], &'a [Vec<u32>]),
}

/// A week of `per_day` revocations a day (and `per_day / 100` withdrawals
/// of the week's earlier revocations) on top of `count`, published as the
/// CLI does: the root's list of day 0 stays, a full status document on day
/// 0, then one signed delta a day, each applied by a verifier on its base.
/// Each day: the delta (raw, gzip), what re-downloading a full status
/// document or a full list would cost instead, the merge time; at the end,
/// every certificate of the universe looked up in the list with the week's
/// documents applied.
fn measure_week(o: &Options, u: &Universe, count: u64, mut revoked: Bits, rng: &mut Rng, dir: &Path) -> Result<Value> {
    println!(
        "\na week of {} revocations a day on {} revoked, as signed status deltas:",
        group(o.per_day),
        group(count)
    );
    let root = u.root.public_key().clone();
    let base_sets = u.per_key_sets(&revoked)?;
    let signed = u.signed_list(&base_sets, 100)?;
    let mut list = TrustList::load(signed.as_bytes(), &[root], None).map_err(|e| e.to_string())?;
    let noon = |day: u32| today().paris_midnight() + i64::from(day) * 86_400 + 12 * 3600;
    let full = status_document(u, 1, 0, StatusChange::Full(&base_sets))?;
    let doc = StatusDocument::load(full.as_bytes(), &list, noon(0)).map_err(|e| e.to_string())?;
    let mut state = StatusState::apply(None, &doc).map_err(|e| e.to_string())?;
    println!("  day 0: full status document {} / gzip {}", kib(full.len()), kib(gzip(full.as_bytes())));
    let mut days = Vec::new();
    let mut this_week: Vec<usize> = Vec::new();
    // What a page holds after the week, for the wasm timing: the full document and the deltas, each with
    // the time it is applied at.
    let mut held = vec![(full.clone(), noon(0))];
    for day in 1..=o.days {
        let added = revoke_more(&mut revoked, u.total(), o.per_day, rng);
        let mut withdrawn = Vec::new();
        for _ in 0..(o.per_day / 100).min(this_week.len() as u64) {
            let g = this_week.swap_remove(rng.below(this_week.len()));
            revoked.clear(g);
            withdrawn.push(g);
        }
        this_week.extend(&added);
        let by_key = |gs: &[usize]| {
            let mut per_key: Vec<Vec<u32>> = vec![Vec::new(); u.keys.len()];
            for &g in gs {
                per_key[g / u.per_key as usize].push(u.index[g]);
            }
            per_key
        };
        let sequence = 1 + u64::from(day);
        let delta = status_document(u, sequence, day, StatusChange::Delta(&by_key(&added), &by_key(&withdrawn)))?;
        let started = Instant::now();
        let doc = StatusDocument::load(delta.as_bytes(), &list, noon(day)).map_err(|e| e.to_string())?;
        state = StatusState::apply(Some(&state), &doc).map_err(|e| e.to_string())?;
        let merge_ms = started.elapsed().as_secs_f64() * 1e3;
        held.push((delta.clone(), noon(day)));
        let sets = u.per_key_sets(&revoked)?;
        let full = status_document(u, sequence, day, StatusChange::Full(&sets))?;
        let full_list = u.signed_list(&sets, 100 + u64::from(day))?;
        let (delta_gz, full_gz, list_gz) = (gzip(delta.as_bytes()), gzip(full.as_bytes()), gzip(full_list.as_bytes()));
        println!(
            "  day {day}: delta (+{} −{}) {} / gzip {}, merged in {merge_ms:.1} ms; instead a full status document {} / gzip {}, a full list {} / gzip {}",
            group(added.len() as u64),
            group(withdrawn.len() as u64),
            kib(delta.len()),
            kib(delta_gz),
            kib(full.len()),
            kib(full_gz),
            kib(full_list.len()),
            kib(list_gz)
        );
        days.push(json!({"day": day, "added": added.len(), "withdrawn": withdrawn.len(),
            "delta_bytes": delta.len(), "delta_gzip_bytes": delta_gz, "merge_ms": merge_ms,
            "full_status_bytes": full.len(), "full_status_gzip_bytes": full_gz,
            "full_list_bytes": full_list.len(), "full_list_gzip_bytes": list_gz}));
    }
    list.set_status(Some(state));
    let wasm = match &o.pkg {
        Some(pkg) => Some(measure_wasm_status(pkg, dir, &signed, &held, o.runs)?),
        None => None,
    };
    if let Some(w) = &wasm {
        println!(
            "  in wasm (Node), as a page applies what it holds on each visit: the full document in {:.1} ms, then the {} deltas in {:.1} ms (each {}), {:.1} MiB of wasm memory",
            w["full_ms"].as_f64().unwrap_or(f64::NAN),
            held.len() - 1,
            w["deltas_ms"].as_f64().unwrap_or(f64::NAN),
            w["delta_ms"].as_array().map(|a| a.iter().map(|v| format!("{:.1}", v.as_f64().unwrap_or(f64::NAN))).collect::<Vec<_>>().join(", ")).unwrap_or_default(),
            w["memory_bytes"].as_f64().unwrap_or(f64::NAN) / 1_048_576.0
        );
    }
    let (missed, false_hits) = exactness(u, &list, &revoked)?;
    println!(
        "  after the week, the day-0 list with the documents applied, every certificate looked up: {missed} missed, {false_hits} false"
    );
    let largest = days.iter().filter_map(|d| d["delta_bytes"].as_u64()).max().unwrap_or(0);
    Ok(json!({"base_revoked": count, "per_day": o.per_day, "days": days, "largest_delta_bytes": largest, "wasm": wasm,
        "full_status_day0_bytes": full.len(), "full_status_day0_gzip_bytes": gzip(full.as_bytes()),
        "exactness": {"certificates": u.total(), "missed": missed, "false_hits": false_hits}}))
}

/// The allow-list of a compromised key that signed `n` certificates: sizes
/// at p = 32 and p = 64, decode time, every listed payload found, and how
/// many of a million payloads not listed are accepted (expected 0).
fn measure_allow_list(n: usize, runs: usize) -> Result<Value> {
    // The size depends on the count alone: the payloads are distinct byte
    // strings of a certificate's length.
    let payloads: Vec<Vec<u8>> = (0..n).map(|i| format!("{i:0>120}").into_bytes()).collect();
    let mut out = Vec::new();
    println!("\nallow-list of a compromised key that signed {}:", group(n as u64));
    for bits in [32u8, 64] {
        let list = AllowList::from_payloads(payloads.iter().map(Vec::as_slice), bits).map_err(|e| e.to_string())?;
        let text = list.encode();
        let mut times = Vec::new();
        for _ in 0..runs {
            let started = Instant::now();
            let back = AllowList::decode(&text).map_err(|e| e.to_string())?;
            times.push(started.elapsed().as_secs_f64() * 1e3);
            std::hint::black_box(back);
        }
        let missing = payloads.iter().filter(|p| !list.allows(p)).count();
        let strangers = (0..1_000_000u32).filter(|i| list.allows(format!("x{i:0>119}").as_bytes())).count();
        let decode_ms = median(times);
        println!(
            "  p = {bits}: {} coded ({:.2} bits a certificate), base64url {} / gzip {}, decoded in {decode_ms:.1} ms; \
             {missing} listed refused, {strangers} of 1,000,000 not listed accepted",
            kib(list.coded_len()),
            list.coded_len() as f64 * 8.0 / n as f64,
            kib(text.len()),
            kib(gzip(text.as_bytes())),
        );
        if missing != 0 {
            return Err(format!("{missing} listed payloads refused by the allow-list"));
        }
        out.push(json!({"bits": bits, "coded_bytes": list.coded_len(), "base64_bytes": text.len(),
            "gzip_bytes": gzip(text.as_bytes()), "decode_ms": decode_ms, "listed_refused": missing,
            "strangers_accepted_of_1000000": strangers}));
    }
    Ok(json!({"certificates": n, "sizes": out}))
}

/// `cachet trust revoke --from FILE` of 5,000 indices on the largest list,
/// when the command has `--from`: median milliseconds.
fn measure_cli_revoke(
    cli: &Path,
    dir: &Path,
    u: &Universe,
    sets: &[RevokedSet],
    revoked: &Bits,
    rng: &mut Rng,
) -> Result<Option<Value>> {
    let help = Command::new(cli).args(["trust", "revoke", "--help"]).output().map_err(|e| e.to_string())?;
    if !String::from_utf8_lossy(&help.stdout).contains("--from") {
        println!("\ncachet trust revoke has no --from: the 5,000-revocation timing is not measured");
        return Ok(None);
    }
    let signed = u.signed_list(sets, 100)?;
    let list_start = signed.find("\"list\":").ok_or("no list in the signed file")? + "\"list\":".len();
    let body = signed[list_start..].trim().strip_suffix('}').ok_or("a signed file that does not end in }")?;
    let mut lines = String::new();
    let mut scratch = Bits(revoked.0.clone());
    for g in revoke_more(&mut scratch, u.total(), 5_000, rng) {
        let k = g / u.per_key as usize;
        lines.push_str(&format!("{}:{}\n", u.keys[k].key_id(), u.index[g]));
    }
    let from = dir.join("revoke.txt");
    std::fs::write(&from, lines).map_err(|e| e.to_string())?;
    let mut times = Vec::new();
    for _ in 0..3 {
        let list = dir.join("LIST.json");
        std::fs::write(&list, body.trim()).map_err(|e| e.to_string())?;
        let started = Instant::now();
        let out = Command::new(cli)
            .args(["trust", "revoke", "--list"])
            .arg(&list)
            .arg("--from")
            .arg(&from)
            .output()
            .map_err(|e| e.to_string())?;
        times.push(started.elapsed().as_secs_f64() * 1e3);
        if !out.status.success() {
            let stderr = String::from_utf8_lossy(&out.stderr);
            let last = stderr.lines().last().unwrap_or_default().to_owned();
            println!("\ncachet trust revoke --from refused the 5,000 KEY_ID:INDEX lines, not measured: {last}");
            return Ok(Some(json!({"error": last})));
        }
    }
    let ms = median(times);
    println!(
        "\ncachet trust revoke --from of 5,000 indices on the {} list: {ms:.0} ms",
        group(revoked.ones().count() as u64)
    );
    Ok(Some(json!({"median_ms": ms, "runs": 3})))
}
