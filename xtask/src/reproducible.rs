//! A reproducible release: the same commit, built in two folders with two
//! cargo homes, lays out the same site byte for byte (docs/DEPLOYING.md,
//! "A reproducible release").
//!
//! What differs between two machines' builds is where things are: rustc
//! writes the path of a source file into the wasm wherever a panic may name
//! its location (`core::panic::Location`), and the registry's sources are
//! under `$CARGO_HOME/registry/src/…`, the workspace wherever it was cloned,
//! build scripts' outputs under the target folder, the standard library's
//! sources under the toolchain. [`Tree::cargo`] (and [`remap_paths`], for
//! this workspace) gives the wasm build a `--remap-path-prefix` for each, so that the wasm says `/cargo/…`,
//! `/cachet/…`, `/target/…` and `/rust/…` whoever built it.
//!
//! [`check`] (`cargo xtask reproducible`, and the `reproducible` step of
//! `cargo xtask test`) proves it: the committed HEAD cloned into two
//! temporary folders of different depths; in each, what the site compiles,
//! the two wasm modules, built by [`crate::build::build_tree`] (the very
//! `cargo build` and wasm-bindgen of `cargo xtask build`) for a [`Tree`] of
//! that clone: its folder, its own target folder and its own cargo home
//! (whose registry index and `.crate` archives are links to this machine's,
//! so nothing is downloaded: `net.offline` in that home's config; cargo
//! unpacks the sources into each home's own `registry/src/`), with the
//! remaps of those paths. Then each clone's site is laid out from its own
//! `www/` and its own `pkg/` by [`crate::deploy::lay_out`], what `cargo
//! xtask site` runs, and every file of the two sites compared by its
//! SHA-256. The copying and the gzip are this xtask's code, one binary for
//! both sides, so xtask is not built in the clones (it was, through `cargo
//! xtask site`, until building wasm-bindgen's library twice took most of
//! the check's quarter of an hour).

use crate::serve::Site;
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

/// Where a wasm build happens: a workspace, its target folder and its
/// cargo home. [`Tree::this`] is this workspace; `cargo xtask reproducible`
/// builds two clones, each a tree of its own.
#[derive(Clone, Debug)]
pub struct Tree {
    /// The workspace's root (its `Cargo.toml`, `Cargo.lock`, `www/`, `pkg/`).
    pub root: PathBuf,
    /// Its target folder.
    pub target: PathBuf,
    /// Its cargo home (`None`: cargo's own default, unremapped).
    pub cargo_home: Option<PathBuf>,
}

impl Tree {
    /// This workspace, its target folder (`cargo metadata`) and this cargo home.
    pub fn this() -> Result<Tree> {
        Ok(Tree { root: sh::workspace_root(), target: sh::target_dir()?, cargo_home: cargo_home() })
    }

    /// The `--remap-path-prefix FROM=TO` pairs for a build of this tree,
    /// the broadest first (rustc applies the last one that matches).
    pub fn remaps(&self) -> Result<Vec<(PathBuf, &'static str)>> {
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
        if let Some(home) = &self.cargo_home {
            add(home.clone(), "/cargo");
        }
        add(self.root.clone(), "/cachet");
        add(self.target.clone(), "/target");
        Ok(out)
    }

    /// The rustc flags of [`Tree::remaps`], with the flags this build already
    /// has (`CARGO_ENCODED_RUSTFLAGS`, else `RUSTFLAGS`) before them.
    pub fn rustflags(&self) -> Result<Vec<String>> {
        let mut flags: Vec<String> = match std::env::var("CARGO_ENCODED_RUSTFLAGS") {
            Ok(f) if !f.is_empty() => f.split('\x1f').map(str::to_owned).collect(),
            _ => std::env::var("RUSTFLAGS").unwrap_or_default().split_whitespace().map(str::to_owned).collect(),
        };
        for (from, to) in self.remaps()? {
            let from =
                from.to_str().ok_or_else(|| format!("{} is not UTF-8: it cannot be remapped", from.display()))?;
            if from.contains('\x1f') {
                return Err(format!("{from:?} holds a unit separator: it cannot be passed to rustc"));
            }
            flags.push(format!("--remap-path-prefix={from}={to}"));
        }
        Ok(flags)
    }

    /// `cargo` in this tree's root, with its target folder and cargo home
    /// (`CARGO_TARGET_DIR`, `CARGO_HOME`) and the rustc flags of
    /// [`Tree::rustflags`]: the wasm builds of the site.
    pub fn cargo(&self) -> Result<Command> {
        let mut c = sh::cargo();
        c.current_dir(&self.root).env("CARGO_TARGET_DIR", &self.target);
        if let Some(home) = &self.cargo_home {
            c.env("CARGO_HOME", home);
        }
        c.env_remove("RUSTFLAGS").env("CARGO_ENCODED_RUSTFLAGS", self.rustflags()?.join("\x1f"));
        Ok(c)
    }
}

/// The rustc flags of [`Tree::this`].
pub fn rustflags() -> Result<Vec<String>> {
    Tree::this()?.rustflags()
}

/// Makes a `cargo build` of the wasm reproducible: its rustc flags carry a
/// `--remap-path-prefix` for the toolchain, the cargo home, the workspace
/// and the target folder (`CARGO_ENCODED_RUSTFLAGS`, so that a path with a
/// space stays one flag). Every wasm build of this workspace goes through
/// it or through [`Tree::cargo`].
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

/// One build of the check: a clone of the commit in `dir/…/cachet`, its
/// cargo home `dir/cargo-home`, its target folder `dir/target`; its wasm
/// built there ([`crate::build::build_tree`]), then its site laid out in
/// `dir/site` from its own `www/` and `pkg/`.
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
    // Offline: what the lock file names is in the linked archives, or the check fails.
    sh::write(&home.join("config.toml"), "[net]\noffline = true\n")?;
    let tree = Tree { root: checkout.clone(), target: dir.join("target"), cargo_home: Some(home) };
    let pkg = crate::build::build_tree(&tree)?;
    if !pkg.join("cachet_bg.wasm").is_file() {
        return Err(format!("{} has no cachet_bg.wasm: the clone's wasm was not built", pkg.display()));
    }
    let out = dir.join("site");
    let mut site = Site::new(list, &[root_pub.to_path_buf()])?;
    (site.www, site.pkg) = (checkout.join("www"), pkg);
    crate::deploy::lay_out(&site, &out)?;
    Ok(out)
}

/// The committed HEAD built twice, in two folders with two cargo homes: 0
/// files of the two sites may differ. Takes minutes: each clone's wasm
/// modules are built from scratch.
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
    let (list_file, root_file) = crate::deploy::vector_trust_files(tmp)?;
    let head = sh::output(program("git").args(["rev-parse", "HEAD"]))?;
    let head = head.trim();
    println!("building the wasm of HEAD {head} twice (two clones, two cargo homes, two target folders)");
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
        let remaps = Tree::this().unwrap().remaps().unwrap();
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
    fn a_clone_is_remapped_to_the_same_names_as_this_workspace() {
        let dir = std::env::temp_dir().join("cachet-reproducible-remap-test");
        let tree =
            Tree { root: dir.join("a/b/cachet"), target: dir.join("target"), cargo_home: Some(dir.join("cargo-home")) };
        let remaps = tree.remaps().unwrap();
        let to = |path: &Path| remaps.iter().rev().find(|(from, _)| path.starts_with(from)).map(|(_, to)| *to);
        assert_eq!(to(&dir.join("a/b/cachet/src/lib.rs")), Some("/cachet"));
        assert_eq!(to(&dir.join("target/wasm32-unknown-unknown/wasm/build/x/out/a.rs")), Some("/target"));
        assert_eq!(to(&dir.join("cargo-home/registry/src/index/y/lib.rs")), Some("/cargo"));
        // Nothing of this workspace: the clone's build names only the clone's folders.
        assert_eq!(to(&sh::workspace_root().join("src/lib.rs")), None);
        let c = tree.cargo().unwrap();
        assert_eq!(c.get_current_dir(), Some(tree.root.as_path()));
        let env = |k: &str| c.get_envs().find(|(n, _)| *n == k).and_then(|(_, v)| v).map(|v| v.to_owned());
        assert_eq!(env("CARGO_HOME"), Some(dir.join("cargo-home").into_os_string()));
        assert_eq!(env("CARGO_TARGET_DIR"), Some(dir.join("target").into_os_string()));
        let flags = env("CARGO_ENCODED_RUSTFLAGS").unwrap().into_string().unwrap();
        let root = format!("--remap-path-prefix={}=/cachet", tree.root.display());
        assert!(flags.split('\x1f').any(|f| f == root), "{flags}");
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
