//! `cargo xtask size`: what the page downloads, gzipped, against the budget of
//! 150 KB (issue 3): the page and the offline shell its service worker
//! precaches. Fails above the budget.

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

/// Other pages in www/, which the verifier page never loads: the iframe for
/// partner portals (`embed.*`). The `element/` and `bench/` folders are
/// outside the page too (not read: only www/'s own files and `lib/` are).
const OTHER_PAGES: [&str; 2] = ["embed.html", "embed.js"];

/// The folders of www/ whose files the page loads: www/ itself and the
/// modules shared with the element and the iframe (`lib/`). Each of their
/// files must be in sw.js's lists or be another page.
const PAGE_DIRS: [&str; 2] = ["", "lib/"];

/// The quoted names of a `const NAME = [ … ];` array in sw.js (comments
/// after `//` ignored).
fn sw_list(sw: &str, name: &str) -> Result<Vec<String>> {
    let head = format!("const {name} = [");
    let start = sw.find(&head).ok_or(format!("www/sw.js has no `{head}`"))?;
    let body = sw.get(start + head.len()..).unwrap_or("");
    let body =
        body.split("];").next().filter(|_| body.contains("];")).ok_or(format!("www/sw.js: `{name}` is not closed"))?;
    Ok(body
        .lines()
        .map(|line| line.split("//").next().unwrap_or(""))
        .flat_map(|line| line.split('\'').skip(1).step_by(2).map(str::to_string).collect::<Vec<_>>())
        .collect())
}

/// What the page downloads: the service worker's shell (fetched by the
/// first visit, the page's own modules then its precache) and sw.js itself,
/// read from sw.js so that the two cannot drift apart; and what is fetched
/// only when used (the PDF reader), counted apart. `config.json` is the
/// host's. Every file in www/ and www/lib/ must be in one of the lists or be
/// another page, so nothing the page loads goes uncounted.
fn page_files(root: &Path) -> Result<(Vec<PathBuf>, Vec<PathBuf>)> {
    let www = root.join("www");
    let sw = std::fs::read_to_string(www.join("sw.js")).map_err(|e| format!("cannot read www/sw.js: {e}"))?;
    let shell = sw_list(&sw, "SHELL")?;
    let on_demand = sw_list(&sw, "ON_DEMAND")?;
    let file = |name: &str| match name {
        "./" => www.join("index.html"),
        name if name.starts_with("pkg/") => root.join(name),
        name => www.join(name),
    };
    let mut first: Vec<PathBuf> = shell.iter().filter(|n| *n != "config.json").map(|n| file(n)).collect();
    first.push(www.join("sw.js"));
    let later: Vec<PathBuf> = on_demand.iter().map(|n| file(n)).collect();
    for dir in PAGE_DIRS {
        let dir_path = www.join(dir);
        let entries = std::fs::read_dir(&dir_path).map_err(|e| format!("cannot read {}: {e}", dir_path.display()))?;
        for e in entries.flatten() {
            let p = e.path();
            let name = format!("{dir}{}", e.file_name().to_string_lossy());
            if p.is_file() && !first.contains(&p) && !later.contains(&p) && !OTHER_PAGES.contains(&name.as_str()) {
                return Err(format!(
                    "www/{name} is neither in sw.js's SHELL or ON_DEMAND nor another page: say how the page loads it"
                ));
            }
        }
    }
    Ok((first, later))
}

/// Prints each file's size and returns the gzipped total.
fn table(root: &Path, files: &[PathBuf]) -> Result<u64> {
    let mut total_raw = 0;
    let mut total_gz = 0;
    for f in files {
        let bytes = std::fs::read(f).map_err(|e| format!("cannot read {}: {e}", f.display()))?;
        let gz = gzipped(&bytes)?;
        total_raw += bytes.len() as u64;
        total_gz += gz;
        let name = f.strip_prefix(root).unwrap_or(f).display().to_string();
        println!("{name:<34} {:>10} {gz:>10}", bytes.len());
    }
    println!("{:<34} {total_raw:>10} {total_gz:>10}", "total");
    Ok(total_gz)
}

pub fn report() -> Result<u64> {
    let root = sh::workspace_root();
    crate::build::build()?;
    let (first, later) = page_files(&root)?;
    println!("the page and its offline shell (sw.js's SHELL), fetched on a first visit:");
    println!("{:<34} {:>10} {:>10}", "file", "bytes", "gzip -9");
    let total_gz = table(&root, &first)?;
    println!("budget: {} gzipped; used {:.1} %", BUDGET, total_gz as f64 * 100.0 / BUDGET as f64);
    println!("\nfetched only when used (sw.js's ON_DEMAND), not in the budget:");
    table(&root, &later)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_service_workers_lists() {
        let sw = "const SHELL = [\n  './',\n  'app.js', // why, 'not this'\n  'pkg/cachet.js',\n];\nconst ON_DEMAND = ['pdf.js'];\n";
        assert_eq!(sw_list(sw, "SHELL").ok(), Some(vec!["./".into(), "app.js".into(), "pkg/cachet.js".into()]));
        assert_eq!(sw_list(sw, "ON_DEMAND").ok(), Some(vec!["pdf.js".into()]));
        assert!(sw_list(sw, "MISSING").is_err());
    }

    #[test]
    fn the_page_files_exist_and_every_www_file_is_accounted_for() {
        let (first, later) = page_files(&sh::workspace_root()).expect("www/ and sw.js agree");
        assert!(first.iter().any(|p| p.ends_with("www/index.html")));
        assert!(first.iter().any(|p| p.ends_with("pkg/cachet_bg.wasm")));
        assert!(later.iter().any(|p| p.ends_with("www/pdf.js")));
        assert!(first.iter().any(|p| p.ends_with("www/lib/session.js")));
        for p in first.iter().chain(&later).filter(|p| !p.starts_with(sh::workspace_root().join("pkg"))) {
            assert!(p.is_file(), "{} is listed in sw.js but missing", p.display());
        }
    }
}
