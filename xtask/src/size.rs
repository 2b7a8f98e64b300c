//! `cargo xtask size`: what the page downloads before it can verify, gzipped,
//! against the budget of 150 KB (issue 3). Fails above the budget.

use crate::sh::{self, Result};
use flate2::write::GzEncoder;
use flate2::Compression;
use std::io::Write;
use std::path::{Path, PathBuf};

/// 150 KB, gzipped.
pub const BUDGET: u64 = 150 * 1000;

fn gzipped(bytes: &[u8]) -> Result<u64> {
    let mut gz = GzEncoder::new(Vec::new(), Compression::best());
    gz.write_all(bytes).map_err(|e| e.to_string())?;
    Ok(gz.finish().map_err(|e| e.to_string())?.len() as u64)
}

/// Every file of the app shell: the page, its scripts and styles (the bench
/// page excepted), the manifest and icon, and the wasm package. Lazily
/// loaded parts are counted too, so the figure is an upper bound.
fn shell_files(root: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let www = root.join("www");
    let entries = std::fs::read_dir(&www).map_err(|e| format!("cannot read {}: {e}", www.display()))?;
    for e in entries.flatten() {
        let p = e.path();
        let ext = p.extension().and_then(|x| x.to_str()).unwrap_or("");
        if p.is_file() && matches!(ext, "html" | "js" | "css" | "webmanifest" | "svg" | "png") {
            files.push(p);
        }
    }
    files.sort();
    for f in ["cachet.js", "cachet_bg.wasm"] {
        files.push(root.join("pkg").join(f));
    }
    Ok(files)
}

pub fn report() -> Result<u64> {
    let root = sh::workspace_root();
    crate::build::build()?;
    let mut total_raw = 0;
    let mut total_gz = 0;
    println!("{:<34} {:>10} {:>10}", "file", "bytes", "gzip -9");
    for f in shell_files(&root)? {
        let bytes = std::fs::read(&f).map_err(|e| format!("cannot read {}: {e}", f.display()))?;
        let gz = gzipped(&bytes)?;
        total_raw += bytes.len() as u64;
        total_gz += gz;
        let name = f.strip_prefix(&root).unwrap_or(&f).display().to_string();
        println!("{name:<34} {:>10} {gz:>10}", bytes.len());
    }
    println!("{:<34} {total_raw:>10} {total_gz:>10}", "total");
    println!("budget: {} gzipped; used {:.1} %", BUDGET, total_gz as f64 * 100.0 / BUDGET as f64);
    if total_gz > BUDGET {
        return Err(format!("the page needs {total_gz} bytes gzipped, over the budget of {BUDGET}"));
    }
    Ok(total_gz)
}

pub fn run_task(args: &[String]) -> Result<()> {
    if let Some(a) = args.first() {
        return Err(format!("size takes no argument (got `{a}`)"));
    }
    report().map(|_| ())
}
