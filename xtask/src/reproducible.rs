//! A reproducible release: the same commit, built in two folders with two
//! cargo homes, lays out the same site byte for byte (docs/DEPLOYING.md,
//! "A reproducible release").
//!
//! What differs between two machines' builds is where things are: rustc
//! writes the path of a source file into the wasm wherever a panic may name
//! its location (`core::panic::Location`), and the registry's sources are
//! under `$CARGO_HOME/registry/src/…`, the workspace wherever it was cloned,
//! build scripts' outputs under the target folder, the standard library's
//! sources under the toolchain. [`remap_paths`] gives the wasm build a
//! `--remap-path-prefix` for each, so that the wasm says `/cargo/…`,
//! `/cachet/…`, `/target/…` and `/rust/…` whoever built it.
//!
//! [`check`] (`cargo xtask reproducible`, and the `reproducible` step of
//! `cargo xtask test`) proves it: the committed HEAD cloned into two
//! temporary folders of different depths, each built by `cargo xtask site`
//! with its own target folder and its own cargo home (whose registry index
//! and `.crate` archives are links to this machine's, so nothing is
//! downloaded: `CARGO_NET_OFFLINE`; cargo unpacks the sources into each
//! home's own `registry/src/`), then every file of the two sites compared by
//! its SHA-256.

use crate::sh::{self, program, run, Result};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The cargo home this build uses: `$CARGO_HOME`, or `~/.cargo`.
pub fn cargo_home() -> Option<PathBuf> {
    match std::env::var_os("CARGO_HOME") {
        Some(h) if !h.is_empty() => Some(PathBuf::from(h)),
        _ => std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")),
    }
}

/// The `--remap-path-prefix FROM=TO` pairs for a build of this workspace,
/// the broadest first (rustc applies the last one that matches).
pub fn remaps() -> Result<Vec<(PathBuf, &'static str)>> {
    let mut out: Vec<(PathBuf, &'static str)> = Vec::new();
    let mut add = |from: PathBuf, to: &'static str| {
        // The path as given and as resolved (a cargo home behind a link).
        let resolved = from.canonicalize().ok();
        for p in std::iter::once(from).chain(resolved) {
            if !out.iter().any(|(f, _)| *f == p) {
                out.push((p, to));
            }
        }
    };
    let sysroot = sh::output(program("rustc").args(["--print", "sysroot"]))?;
    let sysroot = sysroot.trim();
    if !sysroot.is_empty() {
        add(PathBuf::from(sysroot), "/rust");
    }
    if let Some(home) = cargo_home() {
        add(home, "/cargo");
    }
    add(sh::workspace_root(), "/cachet");
    add(sh::target_dir()?, "/target");
    Ok(out)
}

/// The rustc flags of [`remaps`], with the flags this build already has
/// (`CARGO_ENCODED_RUSTFLAGS`, else `RUSTFLAGS`) before them.
pub fn rustflags() -> Result<Vec<String>> {
    let mut flags: Vec<String> = match std::env::var("CARGO_ENCODED_RUSTFLAGS") {
        Ok(f) if !f.is_empty() => f.split('\x1f').map(str::to_owned).collect(),
        _ => std::env::var("RUSTFLAGS").unwrap_or_default().split_whitespace().map(str::to_owned).collect(),
    };
    for (from, to) in remaps()? {
        let from = from.to_str().ok_or_else(|| format!("{} is not UTF-8: it cannot be remapped", from.display()))?;
        if from.contains('\x1f') {
            return Err(format!("{from:?} holds a unit separator: it cannot be passed to rustc"));
        }
        flags.push(format!("--remap-path-prefix={from}={to}"));
    }
    Ok(flags)
}

/// Makes a `cargo build` of the wasm reproducible: its rustc flags carry a
/// `--remap-path-prefix` for the toolchain, the cargo home, the workspace
/// and the target folder (`CARGO_ENCODED_RUSTFLAGS`, so that a path with a
/// space stays one flag). Every wasm build of the site goes through it.
pub fn remap_paths(build: &mut Command) -> Result<&mut Command> {
    Ok(build.env_remove("RUSTFLAGS").env("CARGO_ENCODED_RUSTFLAGS", rustflags()?.join("\x1f")))
}

/// Every file under a folder, relative to it (`/` between names), with its SHA-256.
pub fn hashes(dir: &Path) -> Result<BTreeMap<String, String>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) -> Result<()> {
        let entries = std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        for entry in entries {
            let path = entry.map_err(|e| format!("{}: {e}", dir.display()))?.path();
            if path.is_dir() {
                walk(root, &path, out)?;
            } else {
                let body = std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                let rel = path.strip_prefix(root).unwrap_or(&path);
                let rel = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
                out.insert(rel, hex(&Sha256::digest(&body)));
            }
        }
        Ok(())
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out)?;
    Ok(out)
}

/// Lowercase hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The files of two sites that differ: in one only, or with other bytes.
pub fn differences(a: &BTreeMap<String, String>, b: &BTreeMap<String, String>) -> Vec<String> {
    let mut out = Vec::new();
    for (path, hash) in a {
        match b.get(path) {
            None => out.push(format!("{path}: only in the first build")),
            Some(other) if other != hash => out.push(format!("{path}: {hash} and {other}")),
            Some(_) => {}
        }
    }
    out.extend(b.keys().filter(|p| !a.contains_key(*p)).map(|p| format!("{p}: only in the second build")));
    out
}

/// One build of the test: a clone of HEAD in `dir/…/cachet`, its cargo home
/// `dir/cargo-home`, its site in `dir/site`.
fn build_in(dir: &Path, depth: &[&str], commit: &str, list: &Path, root_pub: &Path) -> Result<PathBuf> {
    let mut checkout = dir.to_path_buf();
    for d in depth {
        checkout.push(d);
    }
    checkout.push("cachet");
    std::fs::create_dir_all(checkout.parent().unwrap_or(dir))
        .map_err(|e| format!("cannot create {}: {e}", checkout.display()))?;
    run(program("git")
        .args(["clone", "--quiet", "--no-local", "--no-hardlinks", "--no-checkout"])
        .arg(sh::workspace_root())
        .arg(&checkout))?;
    // The commit asked, not the branch's head when cloned: others commit meanwhile.
    run(program("git").arg("-C").arg(&checkout).args(["checkout", "--quiet", "--detach", commit]))?;
    // Its own cargo home: the registry's index and `.crate` archives are
    // this machine's, by links (nothing is downloaded); the sources are
    // unpacked into this home's own registry/src/, a path of its own.
    let home = dir.join("cargo-home");
    let registry = cargo_home().map(|h| h.join("registry")).filter(|r| r.join("cache").is_dir()).ok_or(
        "no cargo registry on this machine ($CARGO_HOME/registry): build the workspace once before this check",
    )?;
    std::fs::create_dir_all(home.join("registry")).map_err(|e| format!("cannot create {}: {e}", home.display()))?;
    for part in ["index", "cache"] {
        std::os::unix::fs::symlink(registry.join(part), home.join("registry").join(part))
            .map_err(|e| format!("cannot link the registry's {part}: {e}"))?;
    }
    let site = dir.join("site");
    let mut build = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    build
        .current_dir(&checkout)
        .env("CARGO_HOME", &home)
        .env("CARGO_NET_OFFLINE", "true")
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .args(["xtask", "site", "--out"])
        .arg(&site)
        .arg("--trust")
        .arg(list)
        .arg("--root")
        .arg(root_pub);
    run(&mut build)?;
    Ok(site)
}

/// The committed HEAD built twice, in two folders with two cargo homes: 0
/// files of the two sites may differ. Takes minutes: two clean builds.
pub fn check() -> Result<()> {
    let tmp = std::env::temp_dir().join(format!("cachet-reproducible-{}", std::process::id()));
    sh::fresh_dir(&tmp)?;
    let result = check_in(&tmp);
    if result.is_ok() {
        let _ = std::fs::remove_dir_all(&tmp);
    } else {
        println!("(the two builds are kept in {})", tmp.display());
    }
    result
}

fn check_in(tmp: &Path) -> Result<()> {
    // The site's trust list and root, the same for both: a signed test vector.
    let vector = sh::workspace_root().join("tests/vectors/valid-typical.json");
    let vector: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(&vector).map_err(|e| format!("cannot read {}: {e}", vector.display()))?,
    )
    .map_err(|e| format!("tests/vectors/valid-typical.json: {e}"))?;
    let (Some(list), Some(root)) = (vector["trust_list"].as_str(), vector["roots"][0].as_str()) else {
        return Err("tests/vectors/valid-typical.json has no trust_list or roots".into());
    };
    let (list_file, root_file) = (tmp.join("trust-list.json"), tmp.join("root.pub"));
    sh::write(&list_file, list)?;
    sh::write(&root_file, format!("{root}\n"))?;
    let head = sh::output(program("git").args(["rev-parse", "HEAD"]))?;
    let head = head.trim();
    println!("building HEAD {head} twice (two clean builds: minutes)");
    let a = build_in(&tmp.join("a"), &[], head, &list_file, &root_file)?;
    let b = build_in(&tmp.join("second"), &["elsewhere", "deeper"], head, &list_file, &root_file)?;
    let (ha, hb) = (hashes(&a)?, hashes(&b)?);
    let wasm: Vec<&String> = ha.keys().filter(|p| p.ends_with(".wasm")).collect();
    if wasm.is_empty() {
        return Err(format!("{} has no .wasm: the site was not built", a.display()));
    }
    let differ = differences(&ha, &hb);
    println!("{} files in each site ({} wasm); {} differ", ha.len(), wasm.len(), differ.len());
    if differ.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "two builds of one commit differ in {} files:\n  {}\n(compare them with `strings` to find the paths)",
            differ.len(),
            differ.join("\n  ")
        ))
    }
}

/// `reproducible`: [`check`].
pub fn run_task(args: &[String]) -> Result<()> {
    if let Some(a) = args.first() {
        return Err(format!("reproducible takes no argument (got `{a}`)"));
    }
    check()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_remaps_cover_the_workspace_and_the_cargo_home_the_broadest_first() {
        let remaps = remaps().unwrap();
        let to = |path: &Path| remaps.iter().rev().find(|(from, _)| path.starts_with(from)).map(|(_, to)| *to);
        assert_eq!(to(&sh::workspace_root().join("src/lib.rs")), Some("/cachet"));
        assert_eq!(to(&sh::target_dir().unwrap().join("x/build/out/a.rs")), Some("/target"));
        if let Some(home) = cargo_home() {
            assert_eq!(to(&home.join("registry/src/x/y.rs")), Some("/cargo"));
        }
        let flags = rustflags().unwrap();
        assert!(flags.iter().any(|f| f.starts_with("--remap-path-prefix=") && f.ends_with("=/cachet")));
    }

    #[test]
    fn differences_name_changed_and_missing_files() {
        let a: BTreeMap<String, String> = [("a.js", "1"), ("b.wasm", "2"), ("c", "3")]
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let mut b = a.clone();
        assert!(differences(&a, &b).is_empty());
        b.insert("b.wasm".into(), "9".into());
        b.remove("c");
        b.insert("d".into(), "4".into());
        assert_eq!(
            differences(&a, &b),
            ["b.wasm: 2 and 9", "c: only in the first build", "d: only in the second build"]
        );
    }
}
