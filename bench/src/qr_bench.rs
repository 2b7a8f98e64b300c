//! `cargo xtask qr-bench [--seed N] [--per-category N] [--runs N] [--no-page] [--skip READER,…]`:
//! issue 4's side-by-side QR benchmark, one command, one run, the same
//! frames for every reader.
//!
//! - The corpus of `cargo xtask qr-corpus` (made again when the manifest's
//!   seed or size differ), plus the real photographs of
//!   `tests/data/qr-photos/` with zxing-cpp's own counts.
//! - Natively (release build): this reader (`cachet::scan::scan_luma`),
//!   rqrr and rxing (TryHarder, QR only), each on the frame's grey levels.
//! - In Node (`bench/qr/run.mjs`): this reader compiled to wasm (pkg/, as
//!   `cargo xtask build` makes it for the page), jsQR and zxing-wasm's
//!   reader build, each on RGBA.
//! - In Chromium (`bench/qr/page.mjs`, unless `--no-page`): the page's path,
//!   canvas → the page's scan Worker → wasm → texts, per frame.
//! - `--skip jsqr,rqrr,rxing` leaves those readers out (keys as in
//!   results.json), for a quicker run of the others: jsQR alone takes most of
//!   a run's time.
//!
//! The wasm is built (`cargo xtask build`) and copied to `pkg/` beside the
//! manifest at the start; Node and Chromium both load that copy. Every
//! frame is decoded from its file before any clock starts (the raw
//! RGBA is written to `rgba/` for Node, and removed at the end). Each reader reads each
//! frame `--runs` times; a frame's time is the median of its runs, a
//! category's the median of its frames'. Correct = the expected text is
//! among the texts returned. Results: a Markdown table on stdout,
//! `results.md` and `results.json` beside the manifest, with the reader's
//! wasm bytes (whole module, and the functions of `cachet::scan` summed
//! from the name section) against zxing-wasm's reader.

use crate::qr_corpus::{self, Options, CATEGORIES};
use crate::sh::{self, Result};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The readers, in the table's order: (key, column title).
const READERS: [(&str, &str); 7] = [
    ("cachet-wasm", "this reader, wasm in Node"),
    ("zxing-wasm", "zxing-wasm (Node)"),
    ("jsqr", "jsQR (Node)"),
    ("cachet-native", "this reader, native"),
    ("rqrr", "rqrr (native)"),
    ("rxing", "rxing (native)"),
    ("cachet-page", "this reader, Chromium page path"),
];

/// zxing-cpp's own counts on the photographs (tests/data/README.md).
const PHOTO_FOLDERS: [(&str, usize); 6] =
    [("qrcode-1", 8), ("qrcode-2", 50), ("qrcode-3", 18), ("qrcode-4", 15), ("qrcode-5", 16), ("qrcode-6", 15)];

/// One image every reader sees.
struct Item {
    id: String,
    group: String,
    expected: String,
    path: PathBuf,
}

/// What one reader did on one frame.
#[derive(Clone)]
struct Outcome {
    ok: bool,
    ms: f64,
}

type Results = BTreeMap<String, BTreeMap<String, Outcome>>;

/// A native reader: its key, and grey levels in, texts out.
type NativeReader<'a> = (&'static str, &'a dyn Fn(&[u8]) -> Vec<String>);

/// What the report says about the run besides the results.
struct RunInfo<'a> {
    o: &'a Options,
    runs: usize,
    scan_rev: String,
    options: Value,
    panics: BTreeMap<String, usize>,
}

pub fn run(args: &[String]) -> Result<()> {
    let mut rest = Vec::new();
    let o = Options::parse(args, &mut rest)?;
    let mut runs = 3usize;
    let mut page = true;
    let mut skip: Vec<String> = Vec::new();
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--runs" => {
                runs = it.next().ok_or("--runs needs a value")?.parse().map_err(|e| format!("--runs: {e}"))?;
            }
            "--no-page" => page = false,
            "--skip" => {
                let list = it.next().ok_or("--skip needs a list of readers")?;
                for name in list.split(',') {
                    if !READERS.iter().any(|(k, _)| *k == name) || name.starts_with("cachet") {
                        return Err(format!("--skip: `{name}` is not another reader (jsqr, zxing-wasm, rqrr, rxing)"));
                    }
                    skip.push(name.to_owned());
                }
            }
            other => return Err(format!("qr-bench: unknown argument `{other}`")),
        }
    }
    let runs = runs.max(1);

    let fresh = qr_corpus::read_manifest(&o.out).ok().is_some_and(|m| {
        m["seed"].as_u64() == Some(o.seed) && m["per_category"].as_u64() == Some(o.per_category as u64)
    });
    if !fresh {
        println!("qr-bench: making the corpus (seed {}, {} a category)", o.seed, o.per_category);
        let hash = qr_corpus::generate(&o)?;
        println!("manifest sha256 {hash}");
    }
    let manifest = qr_corpus::read_manifest(&o.out)?;
    let mut items = corpus_items(&manifest, &o.out)?;
    let photos_root = sh::workspace_root().join("tests/data/qr-photos");
    items.extend(photo_items(&photos_root)?);

    // The wasm measured, copied at once: pkg/ is shared, and may be built
    // again by someone else while this runs.
    let built = sh::workspace_root().join("pkg");
    if !built.join("cachet_bg.wasm").is_file() {
        return Err("pkg/ is not built: run this as `cargo xtask qr-bench`, which builds it first".into());
    }
    let pkg = o.out.join("pkg");
    sh::fresh_dir(&pkg)?;
    for f in ["cachet.js", "cachet_bg.wasm"] {
        copy(&built.join(f), &pkg.join(f))?;
    }
    let named = sh::target_dir()?.join("wasm32-unknown-unknown/wasm/cachet.wasm");
    copy(&named, &pkg.join("cachet.named.wasm"))?;
    let scan_rev = scan_revision()?;

    // Native readers; each frame's RGBA written for Node and Chromium.
    let rgba_dir = o.out.join("rgba");
    sh::fresh_dir(&rgba_dir)?;
    let mut results: Results = BTreeMap::new();
    let mut frames_json = Vec::new();
    let mut panics: BTreeMap<String, usize> = BTreeMap::new();
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|info| eprintln!("panic: {info}")));
    for (n, item) in items.iter().enumerate() {
        let img = image::open(&item.path).map_err(|e| format!("{}: {e}", item.path.display()))?;
        let rgba = img.to_rgba8();
        let (w, h) = (rgba.width() as usize, rgba.height() as usize);
        let raw = rgba.into_raw();
        // The grey levels the way the reader's own scan_rgba makes them.
        let luma: Vec<u8> = raw
            .chunks_exact(4)
            .map(|p| ((u32::from(p[0]) * 77 + u32::from(p[1]) * 150 + u32::from(p[2]) * 29 + 128) >> 8) as u8)
            .collect();
        let rgba_path = rgba_dir.join(format!("{}.rgba", item.id.replace('/', "__")));
        sh::write(&rgba_path, &raw)?;
        frames_json.push(json!({"id": item.id, "rgba": rgba_path, "image": item.path, "width": w, "height": h}));
        let native: [NativeReader; 3] = [
            ("cachet-native", &|l| cachet::scan::scan_luma(l, w, h)),
            ("rqrr", &|l| read_rqrr(l, w, h)),
            ("rxing", &|l| read_rxing(l, w, h)),
        ];
        for (name, read) in native {
            if skip.iter().any(|s| s == name) {
                continue;
            }
            let mut ms = Vec::with_capacity(runs);
            let mut texts = Vec::new();
            let mut panicked = false;
            if n == 0 {
                // Warm-up, not timed: first-touch allocations and caches.
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read(&luma)));
            }
            for _ in 0..runs {
                let t0 = Instant::now();
                // A reader that panics on a frame has not read it (rqrr
                // asserts on some photographs); the panic is counted.
                match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read(&luma))) {
                    Ok(t) => texts = t,
                    Err(_) => panicked = true,
                }
                ms.push(t0.elapsed().as_secs_f64() * 1e3);
            }
            if panicked {
                eprintln!("qr-bench: {name} panicked on {}", item.id);
                *panics.entry(name.to_owned()).or_insert(0usize) += 1;
                texts.clear();
            }
            let ok = texts.contains(&item.expected);
            results.entry(name.into()).or_default().insert(item.id.clone(), Outcome { ok, ms: median(&mut ms) });
        }
        if (n + 1) % 50 == 0 {
            eprintln!("native: {}/{} frames", n + 1, items.len());
        }
    }
    std::panic::set_hook(default_hook);
    let frames_path = o.out.join("frames.json");
    sh::write(&frames_path, serde_json::to_string(&frames_json).map_err(|e| e.to_string())?)?;

    // Node: this reader's wasm, jsQR, zxing-wasm.
    let bench = sh::workspace_root().join("bench/qr");
    if !bench.join("node_modules").is_dir() {
        sh::run(sh::program("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(&bench))?;
    }
    let node_out = o.out.join("node-results.json");
    sh::run(
        sh::program("node")
            .arg(bench.join("run.mjs"))
            .arg(&frames_path)
            .arg(runs.to_string())
            .arg(&pkg)
            .arg(&node_out)
            .env("QR_BENCH_SKIP", skip.join(","))
            .current_dir(&bench),
    )?;
    let mut options = merge_js(&node_out, &items, &mut results)?;
    if page {
        let page_out = o.out.join("page-results.json");
        sh::run(
            sh::program("node")
                .arg(bench.join("page.mjs"))
                .arg(&frames_path)
                .arg(runs.to_string())
                .arg(&pkg)
                .arg(&page_out)
                .current_dir(&bench),
        )?;
        let page_options = merge_js(&page_out, &items, &mut results)?;
        if let (Some(a), Some(b)) = (options.as_object_mut(), page_options.as_object()) {
            a.extend(b.clone());
        }
    }

    // The raw frames (1.9 GB for 40 a category) are not kept.
    std::fs::remove_dir_all(&rgba_dir).map_err(|e| format!("cannot remove {}: {e}", rgba_dir.display()))?;
    let sizes = sizes(&pkg, &bench)?;
    let info = RunInfo { o: &o, runs, scan_rev, options, panics };
    let report = report(&items, &results, &sizes, &info);
    println!("{}", report.0);
    sh::write(&o.out.join("results.md"), &report.0)?;
    sh::write(&o.out.join("results.json"), serde_json::to_string_pretty(&report.1).map_err(|e| e.to_string())? + "\n")?;
    println!("written: {} and results.json", o.out.join("results.md").display());
    Ok(())
}

fn corpus_items(manifest: &Value, dir: &Path) -> Result<Vec<Item>> {
    let frames = manifest["frames"].as_array().ok_or("manifest without frames")?;
    frames
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().map(str::to_owned).ok_or_else(|| format!("manifest frame without {k}"));
            let file = s("file")?;
            Ok(Item { id: file.clone(), group: s("category")?, expected: s("expected")?, path: dir.join(file) })
        })
        .collect()
}

/// The photographs, `X.(png|jpg|webp)` with their text in `X.txt`.
fn photo_items(root: &Path) -> Result<Vec<Item>> {
    let mut items = Vec::new();
    if !root.is_dir() {
        eprintln!("qr-bench: {} is absent, no photographs", root.display());
        return Ok(items);
    }
    for (folder, _) in PHOTO_FOLDERS {
        let dir = root.join(folder);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("png" | "jpg" | "webp")))
            .collect();
        files.sort();
        for path in files {
            let txt = path.with_extension("txt");
            let expected = std::fs::read_to_string(&txt).map_err(|e| format!("{}: {e}", txt.display()))?;
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            items.push(Item { id: format!("{folder}/{name}"), group: folder.into(), expected, path });
        }
    }
    Ok(items)
}

fn read_rqrr(luma: &[u8], w: usize, h: usize) -> Vec<String> {
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| luma[y * w + x]);
    img.detect_grids().into_iter().filter_map(|g| g.decode().ok().map(|(_, text)| text)).collect()
}

fn read_rxing(luma: &[u8], w: usize, h: usize) -> Vec<String> {
    rxing::helpers::detect_in_luma_slice(luma, w as u32, h as u32, Some(rxing::BarcodeFormat::QR_CODE))
        .map(|r| vec![r.getText().to_owned()])
        .unwrap_or_default()
}

/// Reads a Node or Chromium result file into `results`; returns its options.
fn merge_js(path: &Path, items: &[Item], results: &mut Results) -> Result<Value> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let v: Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let readers = v["readers"].as_object().ok_or("no readers in the Node results")?;
    for (name, frames) in readers {
        let map = results.entry(name.clone()).or_default();
        for item in items {
            let f = &frames[&item.id];
            let texts: Vec<&str> =
                f["texts"].as_array().map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
            let mut ms: Vec<f64> =
                f["ms"].as_array().map(|a| a.iter().filter_map(Value::as_f64).collect()).unwrap_or_default();
            if ms.is_empty() {
                return Err(format!("{name}: no time for {}", item.id));
            }
            let ok = texts.contains(&item.expected.as_str());
            map.insert(item.id.clone(), Outcome { ok, ms: median(&mut ms) });
        }
    }
    Ok(v["options"].clone())
}

fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// The last commit that touched src/scan, and whether it has changes since.
fn scan_revision() -> Result<String> {
    let rev = sh::output(sh::program("git").args(["log", "-1", "--format=%h", "--", "src/scan"]))?;
    let dirty = sh::output(sh::program("git").args(["status", "--porcelain", "--", "src/scan"]))?;
    let head = sh::output(sh::program("git").args(["rev-parse", "--short", "HEAD"]))?;
    Ok(format!(
        "src/scan at {} (HEAD {}){}",
        rev.trim(),
        head.trim(),
        if dirty.trim().is_empty() { "" } else { ", with uncommitted changes" }
    ))
}

struct Sizes {
    ours_raw: u64,
    ours_gz: u64,
    scan_bytes: u64,
    scan_functions: usize,
    /// The whole data section (constant tables of every module, the reader's included).
    data_bytes: u64,
    zxing_raw: u64,
    zxing_gz: u64,
}

fn gz_len(bytes: &[u8]) -> Result<u64> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(bytes).map_err(|e| e.to_string())?;
    Ok(e.finish().map_err(|e| e.to_string())?.len() as u64)
}

fn copy(from: &Path, to: &Path) -> Result<()> {
    std::fs::copy(from, to).map(|_| ()).map_err(|e| format!("cannot copy {} to {}: {e}", from.display(), to.display()))
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn sizes(pkg: &Path, bench: &Path) -> Result<Sizes> {
    let ours = read(&pkg.join("cachet_bg.wasm"))?;
    let zxing = read(&bench.join("node_modules/zxing-wasm/dist/reader/zxing_reader.wasm"))?;
    // The same build before wasm-bindgen: it still has its name section.
    let named = read(&pkg.join("cachet.named.wasm"))?;
    let (scan_bytes, scan_functions, data_bytes) = scan_share(&named)?;
    Ok(Sizes {
        ours_raw: ours.len() as u64,
        ours_gz: gz_len(&ours)?,
        scan_bytes,
        scan_functions,
        data_bytes,
        zxing_raw: zxing.len() as u64,
        zxing_gz: gz_len(&zxing)?,
    })
}

/// Bytes of the function bodies whose (mangled) names are in
/// `cachet::scan`, how many, and the data section's bytes: the first is a
/// floor of the reader's share (code of generic std functions it alone
/// uses is counted elsewhere; its constant tables are in the data
/// section, which is reported whole).
fn scan_share(wasm: &[u8]) -> Result<(u64, usize, u64)> {
    use wasmparser::{KnownCustom, Name, Parser, Payload, TypeRef};
    let err = |e: wasmparser::BinaryReaderError| format!("wasm: {e}");
    let mut imported = 0u32;
    let mut bodies: Vec<u64> = Vec::new();
    let mut data = 0u64;
    let mut names: BTreeMap<u32, String> = BTreeMap::new();
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.map_err(err)? {
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    if matches!(import.map_err(err)?.ty, TypeRef::Func(_) | TypeRef::FuncExact(_)) {
                        imported += 1;
                    }
                }
            }
            Payload::CodeSectionEntry(body) => bodies.push(body.range().len() as u64),
            Payload::DataSection(reader) => data = reader.range().len() as u64,
            Payload::CustomSection(c) => {
                if let KnownCustom::Name(reader) = c.as_known() {
                    for name in reader {
                        if let Name::Function(map) = name.map_err(err)? {
                            for naming in map {
                                let naming = naming.map_err(err)?;
                                names.insert(naming.index, naming.name.to_owned());
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    if names.is_empty() {
        return Err("the wasm before wasm-bindgen has no name section: cannot attribute functions".into());
    }
    let mut total = 0;
    let mut count = 0;
    for (i, len) in bodies.iter().enumerate() {
        let name = names.get(&(imported + i as u32)).map(String::as_str).unwrap_or("");
        if name.contains("6cachet4scan") || name.contains("cachet::scan") {
            total += len;
            count += 1;
        }
    }
    Ok((total, count, data))
}

fn kb(bytes: u64) -> String {
    format!("{:.0} KB", bytes as f64 / 1000.0)
}

/// The Markdown table and the JSON of the whole run.
fn report(items: &[Item], results: &Results, sizes: &Sizes, info: &RunInfo) -> (String, Value) {
    let RunInfo { o, runs, scan_rev, options, panics } = info;
    let readers: Vec<(&str, &str)> = READERS.iter().copied().filter(|(k, _)| results.contains_key(*k)).collect();
    let cell = |reader: &str, group: Option<&str>, photos: bool| -> (usize, usize, f64) {
        let map = &results[reader];
        let mut ms = Vec::new();
        let mut ok = 0;
        for item in items {
            let is_photo = item.group.starts_with("qrcode-");
            if is_photo != photos || group.is_some_and(|g| g != item.group) {
                continue;
            }
            if let Some(out) = map.get(&item.id) {
                ms.push(out.ms);
                ok += usize::from(out.ok);
            }
        }
        let n = ms.len();
        (ok, n, median(&mut ms))
    };
    let mut md = format!(
        "QR readers side by side: `cargo xtask qr-bench --seed {} --per-category {} --runs {runs}`, {scan_rev}.\n\
         Corpus: {} frames of 1280×720, versions 12–17 at ECC M. Cell: share read correctly, median decode ms per frame \
         (median of {runs} runs a frame).\n\n",
        o.seed,
        o.per_category,
        o.per_category * CATEGORIES.len()
    );
    md.push_str("| category |");
    for (_, title) in &readers {
        md.push_str(&format!(" {title} |"));
    }
    md.push_str("\n|---|");
    md.push_str(&"---|".repeat(readers.len()));
    md.push('\n');
    let mut json_rows = Vec::new();
    let mut rows: Vec<(String, Option<&str>)> = CATEGORIES.iter().map(|c| (c.to_string(), Some(*c))).collect();
    rows.push(("**overall**".into(), None));
    for (label, group) in &rows {
        md.push_str(&format!("| {label} |"));
        let mut row = serde_json::Map::new();
        for (key, _) in &readers {
            let (ok, n, ms) = cell(key, *group, false);
            let share = if n == 0 { 0.0 } else { 100.0 * ok as f64 / n as f64 };
            md.push_str(&format!(" {share:.0} % · {ms:.1} ms |"));
            row.insert((*key).into(), json!({"read": ok, "frames": n, "median_ms": (ms * 100.0).round() / 100.0}));
        }
        md.push('\n');
        json_rows.push(json!({"category": group.unwrap_or("overall"), "readers": row}));
    }
    md.push_str("\nReal photographs (tests/data/qr-photos, zxing-cpp's samples): images read / images, median ms.\n\n| folder | zxing-cpp reads |");
    for (_, title) in &readers {
        md.push_str(&format!(" {title} |"));
    }
    md.push_str("\n|---|---|");
    md.push_str(&"---|".repeat(readers.len()));
    md.push('\n');
    let mut photo_rows = Vec::new();
    for (folder, zxing_cpp) in PHOTO_FOLDERS {
        if !items.iter().any(|i| i.group == folder) {
            continue;
        }
        md.push_str(&format!("| {folder} | {zxing_cpp} |"));
        let mut row = serde_json::Map::new();
        for (key, _) in &readers {
            let (ok, n, ms) = cell(key, Some(folder), true);
            md.push_str(&format!(" {ok}/{n} · {ms:.1} ms |"));
            row.insert((*key).into(), json!({"read": ok, "images": n, "median_ms": (ms * 100.0).round() / 100.0}));
        }
        md.push('\n');
        photo_rows.push(json!({"folder": folder, "zxing_cpp_reads": zxing_cpp, "readers": row}));
    }
    md.push_str(&format!(
        "\nSizes: this verifier's whole wasm (pkg/cachet_bg.wasm) {} raw, {} gzipped; its reader (`cachet::scan`, \
         {} functions from the name section, code only) {} raw; the data section (every module's tables) {} raw. \
         zxing-wasm's reader wasm {} raw, {} gzipped.\n",
        kb(sizes.ours_raw),
        kb(sizes.ours_gz),
        sizes.scan_functions,
        kb(sizes.scan_bytes),
        kb(sizes.data_bytes),
        kb(sizes.zxing_raw),
        kb(sizes.zxing_gz),
    ));
    md.push_str(&format!(
        "\nNative readers read grey levels (rqrr `prepare_from_greyscale`, rxing `detect_in_luma_slice` QR only with \
         TryHarder, this reader `scan_luma`); Node and Chromium readers read RGBA. Options: {options}\n"
    ));
    let frames: serde_json::Map<String, Value> = results
        .iter()
        .map(|(reader, map)| {
            let per: serde_json::Map<String, Value> = map
                .iter()
                .map(|(id, o)| (id.clone(), json!({"ok": o.ok, "ms": (o.ms * 1000.0).round() / 1000.0})))
                .collect();
            (reader.clone(), Value::Object(per))
        })
        .collect();
    if !panics.is_empty() {
        let list: Vec<String> = panics.iter().map(|(k, n)| format!("{k} on {n} images")).collect();
        md.push_str(&format!("\nPanics (counted as not read): {}.\n", list.join(", ")));
    }
    let json = json!({
        "panics": panics,
        "command": format!("cargo xtask qr-bench --seed {} --per-category {} --runs {runs}", o.seed, o.per_category),
        "scan_revision": scan_rev,
        "readers": readers.iter().map(|(k, t)| json!({"key": k, "title": t})).collect::<Vec<_>>(),
        "categories": json_rows,
        "photos": photo_rows,
        "sizes": {
            "cachet_wasm_raw": sizes.ours_raw,
            "cachet_wasm_gzip": sizes.ours_gz,
            "scan_code_raw": sizes.scan_bytes,
            "scan_functions": sizes.scan_functions,
            "data_section_raw": sizes.data_bytes,
            "zxing_reader_wasm_raw": sizes.zxing_raw,
            "zxing_reader_wasm_gzip": sizes.zxing_gz,
        },
        "options": options,
        "frames": frames,
    });
    (md, json)
}
