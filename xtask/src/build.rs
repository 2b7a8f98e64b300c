//! `cargo xtask build`: the verifier's wasm and its JavaScript, in `pkg/`.
//!
//! Two modules: `pkg/cachet.js` + `cachet_bg.wasm`, the whole API with the
//! QR reader (the npm package, the page's camera and image paths), and
//! `pkg/cachet_verify.js` + `cachet_verify_bg.wasm`, built without the
//! `wasm-scan` feature: what the page needs before a link's verdict.
//!
//! The core is built for `wasm32-unknown-unknown` with the size-optimised
//! `wasm` profile, then wasm-bindgen (`--target web`) runs as a library:
//! `wasm-bindgen-cli-support`, pinned in xtask/Cargo.toml to exactly the
//! `wasm-bindgen` version of Cargo.lock, so nothing is installed by hand.
//! A mismatch is refused before anything is generated.
//!
//! No wasm-opt (binaryen) pass is run, on purpose: measured on the
//! verify-only module (issue 12), `wasm-opt -Oz` takes 9 % off its raw bytes
//! but adds to them gzipped (Debian's binaryen 108: 169,699 -> 155,810 bytes
//! raw with `-Os`, 68,178 -> 68,481 gzip -9; binaryen 132 `-Oz`: 154,771
//! raw, 69,049 gzipped), and the page is served compressed. What shrank the
//! module was leaving code out of it: see the `wasm-extras` feature and the
//! dependency notes in Cargo.toml.

use crate::reproducible::Tree;
use crate::sh::{self, program, run, Result};
use std::path::{Path, PathBuf};

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// The wasm-bindgen version this xtask was built with (xtask/Cargo.toml pins it).
pub const BINDGEN_VERSION: &str = "0.2.130";

/// Adds the wasm32 target when rustup lacks it.
pub fn ensure_wasm_target() -> Result<()> {
    let installed = sh::output(program("rustup").args(["target", "list", "--installed"]))?;
    if !installed.lines().any(|l| l.trim() == WASM_TARGET) {
        run(program("rustup").args(["target", "add", WASM_TARGET]))?;
    }
    Ok(())
}

/// The `wasm-bindgen` version that the workspace's Cargo.lock records.
fn locked_bindgen_version(root: &Path) -> Result<String> {
    let lock = root.join("Cargo.lock");
    let text = std::fs::read_to_string(&lock).map_err(|e| format!("cannot read {}: {e}", lock.display()))?;
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines.next().and_then(|l| l.trim().strip_prefix("version = \"")) {
                return Ok(v.trim_end_matches('"').to_owned());
            }
        }
    }
    Err("Cargo.lock has no wasm-bindgen".into())
}

/// One wasm-bindgen output of the core in `pkg/`.
#[derive(Clone, Copy)]
pub struct Module {
    /// The `--out-name`: `pkg/NAME.js`, `pkg/NAME_bg.wasm`, `pkg/NAME.d.ts`.
    pub name: &'static str,
    /// The Cargo profile (its own target folder, so that the builds do not undo each other).
    profile: &'static str,
    /// `--no-default-features`: without the `wasm-scan` export (the QR reader).
    verify_only: bool,
}

/// The full module: verification and the QR reader (`scanImage`). The npm
/// package ships it; the page loads it for the camera and images.
pub const FULL: Module = Module { name: "cachet", profile: "wasm", verify_only: false };
/// Verification only (no `scanImage`): what the page needs before a link's
/// or a pasted text's verdict.
pub const VERIFY: Module = Module { name: "cachet_verify", profile: "wasm-verify", verify_only: true };

/// Builds `pkg/` (both modules) and returns its path.
pub fn build() -> Result<PathBuf> {
    build_tree(&Tree::this()?)
}

/// Builds the `pkg/` of the workspace at `tree.root`, with its own target
/// folder and cargo home, and returns its path (`cargo xtask reproducible`
/// builds two clones' with it).
pub fn build_tree(tree: &Tree) -> Result<PathBuf> {
    ensure_wasm_target()?;
    let locked = locked_bindgen_version(&tree.root)?;
    if locked != BINDGEN_VERSION {
        return Err(format!(
            "Cargo.lock has wasm-bindgen {locked} but xtask runs wasm-bindgen-cli-support {BINDGEN_VERSION}: \
             pin both to the same version (Cargo.toml and xtask/Cargo.toml)"
        ));
    }
    let pkg = tree.root.join("pkg");
    let mut built = Vec::new();
    for module in [FULL, VERIFY] {
        let mut build = tree.cargo()?;
        build.args(["build", "-p", "cachet", "--lib", "--target", WASM_TARGET, "--profile", module.profile]);
        if module.verify_only {
            build.arg("--no-default-features");
        }
        run(&mut build)?;
        built.push((module, tree.target.join(WASM_TARGET).join(module.profile).join("cachet.wasm")));
    }
    sh::fresh_dir(&pkg)?;
    for (module, wasm) in built {
        let name = module.name;
        println!(
            "$ wasm-bindgen --target web --out-name {name} --out-dir pkg {} (as a library, {BINDGEN_VERSION})",
            wasm.display()
        );
        wasm_bindgen_cli_support::Bindgen::new()
            .input_path(&wasm)
            .web(true)
            .map_err(|e| format!("wasm-bindgen: {e}"))?
            .typescript(true)
            .debug(false)
            .keep_debug(false)
            .remove_name_section(true)
            .remove_producers_section(true)
            .out_name(name)
            .generate(&pkg)
            .map_err(|e| format!("wasm-bindgen: {e}"))?;
        for f in [format!("{name}.js"), format!("{name}_bg.wasm"), format!("{name}.d.ts")] {
            let p = pkg.join(&f);
            let len = std::fs::metadata(&p).map_err(|e| format!("wasm-bindgen wrote no {}: {e}", p.display()))?.len();
            println!("pkg/{f}: {}", sh::human_size(len));
        }
    }
    Ok(pkg)
}

pub fn run_task(args: &[String]) -> Result<()> {
    if let Some(a) = args.first() {
        return Err(format!("build takes no argument (got `{a}`)"));
    }
    build().map(|_| ())
}
