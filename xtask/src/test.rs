//! `cargo xtask test [--quick]`: every check, in the order CI runs them
//! (`.ci/run`), stopping at the first failure.
//!
//! Each step prints a header, then the commands it runs. The last line is a
//! plain summary, `xtask: N passed, M failed` (`, K skipped` after it when a
//! step was skipped). A step that needs a tool installs it when it can;
//! when it cannot, it is skipped on a developer's machine and fails under
//! `CI=true`. `--quick` skips the fuzz smoke run, and is ignored under CI;
//! `--only STEP` runs one step, to retry it alone.

use crate::sh::{self, cargo, program, run, Result};
use std::path::Path;
use std::process::{Command, ExitCode};

use crate::build::WASM_TARGET;
/// How long each fuzz target runs in the smoke run, in seconds.
const FUZZ_SECONDS: u32 = 20;

enum Done {
    Passed,
    Skipped(String),
}

struct Ctx {
    ci: bool,
    quick: bool,
}

/// (key for `--only`, header, step).
type Step = (&'static str, &'static str, fn(&Ctx) -> Result<Done>);

const STEPS: [Step; 18] = [
    ("setup", "setup: the wasm32 target, SoftHSM2", setup),
    ("fmt", "format: cargo fmt --check", fmt),
    ("clippy", "lint: cargo clippy -D warnings", clippy),
    ("wasm", "wasm: the verifier core for wasm32-unknown-unknown", wasm),
    ("docs", "docs: cargo doc with warnings denied", docs),
    ("tests", "tests: cargo test --workspace", tests),
    ("vectors", "vectors: regenerated and unchanged", vectors),
    ("clone", "clone: the committed tree cloned into an empty folder passes its tests there", clone),
    ("size", "size: what the page downloads: before a link's first verdict, and in all", size),
    ("deploy", "deploy: the site on Debian's nginx and Caddy, from deploy/, every header checked", deploy),
    (
        "reproducible",
        "reproducible: HEAD built twice (two folders, two cargo homes), 0 files of the sites differ",
        reproducible,
    ),
    (
        "browser-setup",
        "browser setup: Debian's Chromium and ChromeDriver, Firefox ESR, WebKitGTK's WebDriver, Xvfb, the test tools (npm ci)",
        browser_setup,
    ),
    ("wasm-tests", "wasm-bindgen-test: the bindings in headless Chromium", wasm_tests),
    ("browser", "browser: the page in Chromium (playwright-core, node --test)", browser),
    ("engines", "engines: the main paths in Firefox ESR and WebKitGTK (tests/browser/engines)", engines),
    (
        "browser-nginx",
        "browser on nginx: the browser and engines specs again, against Debian's nginx serving the site from deploy/nginx/",
        browser_nginx,
    ),
    (
        "package",
        "package: the npm package in a Vite app, a bare page and Node (tests/package), its bulk verifier in Node",
        package,
    ),
    ("fuzz", "fuzz: smoke run of every fuzz target", fuzz),
];

const USAGE: &str = "usage: cargo xtask test [--quick] [--only STEP]
  --quick      without the fuzz smoke run (ignored under CI=true)
  --only STEP  that step alone: setup, fmt, clippy, wasm, docs, tests, vectors, clone, size,
               deploy, reproducible, browser-setup, wasm-tests, browser, engines, browser-nginx,
               package or fuzz";

pub fn run_all(args: &[String]) -> ExitCode {
    let mut quick = false;
    let mut only = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => quick = true,
            "--only" => match args.next().and_then(|key| STEPS.iter().position(|(k, _, _)| k == key)) {
                Some(i) => only = Some(i),
                None => {
                    eprintln!("xtask test: --only needs a step name\n{USAGE}");
                    return ExitCode::from(2);
                }
            },
            other => {
                eprintln!("xtask test: unknown argument `{other}`\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let ci = sh::is_ci();
    if quick && ci {
        println!("xtask: --quick is ignored under CI=true: CI runs every step");
        quick = false;
    }
    let ctx = Ctx { ci, quick };
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    for (i, (_, name, step)) in STEPS.iter().enumerate() {
        if only.is_some_and(|only| only != i) {
            continue;
        }
        println!("\n==> [{}/{}] {name}", i + 1, STEPS.len());
        match step(&ctx) {
            Ok(Done::Passed) => passed += 1,
            Ok(Done::Skipped(why)) => {
                println!("skipped: {why}");
                skipped += 1;
            }
            Err(e) => {
                println!("FAILED: {name}\n  {e}");
                failed += 1;
                break;
            }
        }
    }
    let skipped = if skipped > 0 { format!(", {skipped} skipped") } else { String::new() };
    println!("\nxtask: {passed} passed, {failed} failed{skipped}");
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Installs what the later steps need and can be installed here.
fn setup(ctx: &Ctx) -> Result<Done> {
    crate::build::ensure_wasm_target()?;
    println!("{WASM_TARGET}: installed");
    // The CLI's hardware-key tests (cli/tests/pkcs11.rs, in the tests and
    // clone steps) sign with Debian's SoftHSM2, a real PKCS#11 module.
    if !Path::new(SOFTHSM_MODULE).exists() || !sh::succeeds(program("softhsm2-util").arg("--version")) {
        if !is_root() {
            return cannot(ctx, format!("SoftHSM2 ({SOFTHSM_MODULE}) is missing and only root can apt-get install"));
        }
        run(program("apt-get").arg("update"))?;
        run(program("apt-get")
            .args(["install", "-y", "--no-install-recommends", "softhsm2"])
            .env("DEBIAN_FRONTEND", "noninteractive"))?;
    }
    println!("SoftHSM2: installed");
    Ok(Done::Passed)
}

/// Debian's SoftHSM2 module, which cli/tests/pkcs11.rs loads.
const SOFTHSM_MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";

fn fmt(_: &Ctx) -> Result<Done> {
    run(cargo().args(["fmt", "--all", "--", "--check"]))?;
    Ok(Done::Passed)
}

fn clippy(_: &Ctx) -> Result<Done> {
    run(cargo().args(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]))?;
    // src/wasm.rs is compiled for wasm32 only.
    run(cargo().args(["clippy", "-p", "cachet", "--lib", "--target", WASM_TARGET, "--", "-D", "warnings"]))?;
    Ok(Done::Passed)
}

fn wasm(_: &Ctx) -> Result<Done> {
    // With the release's flags (xtask/src/reproducible.rs), so that `cargo xtask build` does not rebuild it.
    let mut build = cargo();
    build.args(["build", "-p", "cachet", "--lib", "--target", WASM_TARGET, "--profile", "wasm"]);
    run(crate::reproducible::remap_paths(&mut build)?)?;
    let wasm = sh::target_dir()?.join(WASM_TARGET).join("wasm").join("cachet.wasm");
    let size = std::fs::metadata(&wasm).map_err(|e| format!("no wasm at {}: {e}", wasm.display()))?.len();
    println!("wasm size: {} ({size} bytes), {}", sh::human_size(size), wasm.display());
    Ok(Done::Passed)
}

fn docs(_: &Ctx) -> Result<Done> {
    run(cargo().env("RUSTDOCFLAGS", "-D warnings").args(["doc", "-p", "cachet", "--no-deps"]))?;
    Ok(Done::Passed)
}

/// The download budget of the page (`cargo xtask size`): a size, not a time, so it is a test.
fn size(_: &Ctx) -> Result<Done> {
    crate::size::report()?;
    Ok(Done::Passed)
}

/// deploy/'s nginx and Caddy configurations, generated from deploy/headers.json
/// and committed, each run by Debian's own server on 127.0.0.1 over the site
/// laid out in a temporary folder, every response checked (xtask/src/deploy.rs).
fn deploy(ctx: &Ctx) -> Result<Done> {
    if !crate::deploy::servers_installed() {
        if !is_root() {
            return cannot(
                ctx,
                "nginx, its Brotli module or caddy is missing and only root can apt-get install".into(),
            );
        }
        run(program("apt-get").arg("update"))?;
        run(program("apt-get")
            .args(["install", "-y", "--no-install-recommends", "nginx", NGINX_BROTLI_PACKAGE, "caddy"])
            .env("DEBIAN_FRONTEND", "noninteractive"))?;
    }
    crate::deploy::check()?;
    Ok(Done::Passed)
}

/// Two builds of HEAD in two folders with two cargo homes lay out the same
/// site, byte for byte (xtask/src/reproducible.rs).
fn reproducible(_: &Ctx) -> Result<Done> {
    crate::reproducible::check()?;
    Ok(Done::Passed)
}

/// Debian's package of nginx's `brotli_static` (deploy/nginx/cachet.conf serves the site's `.br` with it).
const NGINX_BROTLI_PACKAGE: &str = "libnginx-mod-http-brotli-static";

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const BROWSER_TESTS: &str = "tests/browser";

/// Whether this process runs as root (apt-get can install).
fn is_root() -> bool {
    sh::output(program("id").arg("-u")).is_ok_and(|uid| uid.trim() == "0")
}

/// A step that cannot run here: skipped on a developer's machine, failed under CI.
fn cannot(ctx: &Ctx, why: String) -> Result<Done> {
    if ctx.ci {
        Err(format!("{why}; under CI=true no step may be skipped"))
    } else {
        Ok(Done::Skipped(why))
    }
}

/// Debian's Chromium and ChromeDriver (apt-get, when root), the test
/// tools of tests/browser from the npm registry (`npm ci`, exact versions
/// of package-lock.json; no browser is ever downloaded by them), then
/// Debian's Firefox ESR and WebKitGTK for the `engines` step.
fn browser_setup(ctx: &Ctx) -> Result<Done> {
    if !Path::new(CHROMIUM).exists() || !Path::new(CHROMEDRIVER).exists() {
        if !is_root() {
            return cannot(ctx, format!("{CHROMIUM} or {CHROMEDRIVER} is missing and only root can apt-get install"));
        }
        run(program("apt-get").arg("update"))?;
        run(program("apt-get")
            .args(["install", "-y", "--no-install-recommends", "chromium", "chromium-driver"])
            .env("DEBIAN_FRONTEND", "noninteractive"))?;
    }
    if !sh::succeeds(program("npm").arg("--version")) {
        return cannot(ctx, "npm is not installed (Node.js 20 or later is needed for the browser tests)".into());
    }
    run(program("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(sh::workspace_root().join(BROWSER_TESTS)))?;
    install_engines(ctx)
}

/// Debian's packages of the `engines` step, and the files they bring.
const ENGINE_PACKAGES: [&str; 4] = ["firefox-esr", "webkit2gtk-driver", "xvfb", "xauth"];
const ENGINE_FILES: [&str; 4] =
    ["/usr/bin/firefox-esr", "/usr/bin/WebKitWebDriver", "/usr/bin/xvfb-run", "/usr/bin/xauth"];

/// What the `engines` step lacks: those of `ENGINE_FILES` and the
/// MiniBrowser (libwebkit2gtk-4.1-0, /usr/lib/<multiarch>/webkit2gtk-4.1/) not installed.
fn missing_engine_files() -> Vec<String> {
    let mut missing: Vec<String> =
        ENGINE_FILES.iter().filter(|f| !Path::new(f).exists()).map(|f| f.to_string()).collect();
    let minibrowser = std::fs::read_dir("/usr/lib")
        .map(|dirs| dirs.flatten().any(|d| d.path().join("webkit2gtk-4.1/MiniBrowser").exists()))
        .unwrap_or(false);
    if !minibrowser {
        missing.push("/usr/lib/*/webkit2gtk-4.1/MiniBrowser".into());
    }
    missing
}

/// Firefox ESR, WebKitGTK's WebKitWebDriver and MiniBrowser, and Xvfb for
/// the `engines` step, from Debian (apt-get, when root).
fn install_engines(ctx: &Ctx) -> Result<Done> {
    let missing = missing_engine_files();
    if missing.is_empty() {
        return Ok(Done::Passed);
    }
    if !is_root() {
        return cannot(ctx, format!("{} missing and only root can apt-get install", missing.join(", ")));
    }
    run(program("apt-get").arg("update"))?;
    run(program("apt-get")
        .args(["install", "-y", "--no-install-recommends"])
        .args(ENGINE_PACKAGES)
        .env("DEBIAN_FRONTEND", "noninteractive"))?;
    Ok(Done::Passed)
}

/// The wasm-bindgen test runner of exactly the wasm-bindgen version in use.
fn ensure_test_runner() -> Result<()> {
    let wanted = format!("wasm-bindgen-test-runner {}", crate::build::BINDGEN_VERSION);
    let have = sh::output(program("wasm-bindgen-test-runner").arg("--version")).unwrap_or_default();
    if have.trim() != wanted {
        let version = format!("={}", crate::build::BINDGEN_VERSION);
        install_locked(&["wasm-bindgen-cli", "--version", &version, "--force"])?;
    }
    Ok(())
}

/// `cargo install --locked ARGS`: the versions the crate's own lock file
/// names. A registry that lacks one of them (a mirror taken before it was
/// published: wasm-bindgen-cli 0.2.130's lock file names webpki-roots
/// 1.0.11, which this machine's registry does not have) cannot give them;
/// the install is then made again without `--locked`, every dependency
/// resolved within its declared range against what the registry has, and
/// says so. Either way the tool is the exact version asked for.
fn install_locked(args: &[&str]) -> Result<()> {
    let locked = run(cargo().arg("install").arg("--locked").args(args));
    if let Err(e) = locked {
        eprintln!(
            "xtask: `cargo install --locked {}` failed ({e}); trying once more without --locked, the \
             dependencies resolved within their ranges against this registry (needed where the registry lacks \
             a version the crate's lock file names; any other failure fails again)",
            args.join(" ")
        );
        run(cargo().arg("install").args(args))?;
    }
    Ok(())
}

/// tests/wasm.rs, compiled for wasm32 and run by wasm-bindgen-test-runner in headless Chromium.
fn wasm_tests(ctx: &Ctx) -> Result<Done> {
    if !Path::new(CHROMEDRIVER).exists() {
        return cannot(ctx, format!("{CHROMEDRIVER} is missing (the browser-setup step installs it as root)"));
    }
    ensure_test_runner()?;
    run(cargo()
        .env("CHROMEDRIVER", CHROMEDRIVER)
        .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", "wasm-bindgen-test-runner")
        .args(["test", "-p", "cachet", "--target", crate::build::WASM_TARGET, "--test", "wasm"]))?;
    Ok(Done::Passed)
}

/// The page in Debian's Chromium: every way in, every status, privacy,
/// offline, accessibility (tests/browser/README.md).
fn browser(ctx: &Ctx) -> Result<Done> {
    let dir = sh::workspace_root().join(BROWSER_TESTS);
    if !Path::new(CHROMIUM).exists() || !dir.join("node_modules").is_dir() {
        return cannot(ctx, "Chromium or the test tools are missing (the browser-setup step installs them)".into());
    }
    run(program("npm").arg("test").current_dir(dir))?;
    Ok(Done::Passed)
}

/// The specs of the `browser` and `engines` steps again, each server they
/// start being Debian's nginx from deploy/nginx/'s committed configuration
/// over the site `cargo xtask site` lays out (`CACHET_SERVER=nginx`,
/// tests/browser/README.md): every test that runs against the development
/// server also runs against what a town hall deploys. As in `engines`, the
/// engines' specs fail under CI=true when an engine is missing.
fn browser_nginx(ctx: &Ctx) -> Result<Done> {
    let dir = sh::workspace_root().join(BROWSER_TESTS);
    if !Path::new(CHROMIUM).exists() || !dir.join("node_modules").is_dir() {
        return cannot(ctx, "Chromium or the test tools are missing (the browser-setup step installs them)".into());
    }
    if !crate::deploy::nginx_installed() {
        if !is_root() {
            return cannot(
                ctx,
                format!(
                    "{} or {} is missing and only root can apt-get install",
                    crate::deploy::NGINX,
                    crate::deploy::NGINX_BROTLI
                ),
            );
        }
        run(program("apt-get").arg("update"))?;
        run(program("apt-get")
            .args(["install", "-y", "--no-install-recommends", "nginx", NGINX_BROTLI_PACKAGE])
            .env("DEBIAN_FRONTEND", "noninteractive"))?;
    }
    run(program("npm").args(["run", "test:nginx"]).current_dir(dir))?;
    Ok(Done::Passed)
}

/// The main paths in Firefox ESR and WebKitGTK (tests/browser/README.md,
/// "Three engines"); under CI=true the specs fail when an engine is missing.
fn engines(ctx: &Ctx) -> Result<Done> {
    let dir = sh::workspace_root().join(BROWSER_TESTS);
    let missing = missing_engine_files();
    if !missing.is_empty() || !dir.join("node_modules").is_dir() {
        let what = if missing.is_empty() { "the test tools".to_string() } else { missing.join(", ") };
        return cannot(ctx, format!("{what} missing (the browser-setup step installs them)"));
    }
    run(program("npm").args(["run", "test:engines"]).current_dir(dir))?;
    Ok(Done::Passed)
}

const PACKAGE_TESTS: &str = "tests/package";

/// `cargo xtask package`, then the tarball installed into a Vite 7 app, a
/// bare page and a Node script (tests/package/README.md): their tools from
/// the committed lock (`npm ci`), Chromium from Debian (browser-setup).
fn package(ctx: &Ctx) -> Result<Done> {
    if !Path::new(CHROMIUM).exists() {
        return cannot(ctx, format!("{CHROMIUM} is missing (the browser-setup step installs it as root)"));
    }
    if !sh::succeeds(program("npm").arg("--version")) {
        return cannot(ctx, "npm is not installed (Node.js 20.19 or later is needed for the package tests)".into());
    }
    let tarball = crate::package::package()?;
    let dir = sh::workspace_root().join(PACKAGE_TESTS);
    run(program("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(&dir))?;
    run(program("npm").arg("test").env("CACHET_PACKAGE_TGZ", &tarball).current_dir(&dir))?;
    // The same wasm verifying a file of texts in Node, as a back-office would (packaging/npm/bulk.mjs).
    run(program("node").args(["--test", "packaging/npm/"]).current_dir(sh::workspace_root()))?;
    Ok(Done::Passed)
}

fn tests(_: &Ctx) -> Result<Done> {
    // Unit, integration, example and doc tests; the harness's "test result:"
    // lines go to this process's standard output.
    run(cargo().args(["test", "--workspace"]))?;
    Ok(Done::Passed)
}

/// The test vectors are generated: regenerating them must change nothing.
fn vectors(_: &Ctx) -> Result<Done> {
    let root = sh::workspace_root();
    if !root.join("examples/gen_vectors.rs").exists() {
        return Err("examples/gen_vectors.rs is missing: the test vectors cannot be regenerated".into());
    }
    run(cargo().args(["run", "--example", "gen_vectors", "--", "tests/vectors"]))?;
    let mut diff = program("git");
    diff.args(["diff", "--exit-code", "--stat", "--", "tests/vectors"]);
    if run(&mut diff).is_err() {
        return Err("the regenerated test vectors differ from the committed ones (above): \
                    run `cargo run --example gen_vectors -- tests/vectors` and commit the result"
            .into());
    }
    let status =
        sh::output(program("git").args(["status", "--porcelain", "--untracked-files=all", "--", "tests/vectors"]))?;
    if !status.trim().is_empty() {
        return Err(format!(
            "files in tests/vectors are new or changed after regeneration (commit them, or fix the generator):\n{status}"
        ));
    }
    println!("tests/vectors: unchanged");
    Ok(Done::Passed)
}

/// The repository stands alone: the committed tree, cloned into an empty
/// folder with nothing beside it (no shared folder, no build products), passes
/// the core's and the command's tests there, fixtures included
/// (tests/data/README.md). Its own target directory (kept under this one's,
/// so a second run is quick) keeps this build apart from the working tree's.
/// Only what is committed is cloned.
fn clone(_: &Ctx) -> Result<Done> {
    let root = sh::workspace_root();
    // A project file that reads outside the repository fails before any build.
    let outside = sh::output(program("git").args(["grep", "-n", "-I", "-E", r"\.\./shared", "--"]).args(OWN_CODE))
        .unwrap_or_default();
    if !outside.trim().is_empty() {
        return Err(format!("these files read a folder beside the repository, which a clone has not:\n{outside}"));
    }
    let empty = std::env::temp_dir().join(format!("cachet-clone-{}", std::process::id()));
    sh::fresh_dir(&empty)?;
    let checkout = empty.join("cachet");
    let result = (|| {
        run(program("git").args(["clone", "--quiet", "--no-local", "--no-hardlinks"]).arg(&root).arg(&checkout))?;
        let target = sh::target_dir()?.join("clone-check");
        let mut test = cargo();
        test.current_dir(&checkout).env("CARGO_TARGET_DIR", &target).args(["test", "-p", "cachet", "-p", "cachet-cli"]);
        run(&mut test)
    })();
    let _ = std::fs::remove_dir_all(&empty);
    result?;
    println!("a clone in an empty folder passes the core's and the command's tests");
    Ok(Done::Passed)
}

/// The project's own code and scripts, for `git grep` (data and docs aside).
const OWN_CODE: [&str; 9] = ["*.rs", "*.js", "*.mjs", "*.sh", "*.toml", "*.json", ".ci/*", "*.html", "*.yml"];

/// `cargo +nightly …`, whatever toolchain runs this xtask.
fn nightly_cargo() -> Command {
    let mut c = program("cargo");
    c.arg("+nightly").env_remove("RUSTUP_TOOLCHAIN");
    c
}

/// Each fuzz target for a short while, on a scratch copy of its committed
/// corpus (new inputs land there, never in `fuzz/corpus/`), with the
/// committed seeds as a second, read-only corpus.
fn fuzz(ctx: &Ctx) -> Result<Done> {
    if ctx.quick {
        return Ok(Done::Skipped("--quick".into()));
    }
    let toolchains = sh::output(program("rustup").args(["toolchain", "list"]))?;
    if !toolchains.lines().any(|l| l.starts_with("nightly")) {
        // cargo fuzz needs nightly (sanitizer flags); rustup fetches it from the Rust registry.
        run(program("rustup").args(["toolchain", "install", "nightly", "--profile", "minimal"]))?;
    }
    if !sh::succeeds(nightly_cargo().args(["fuzz", "--version"])) {
        install_locked(&["cargo-fuzz"])?;
    }
    let targets = sh::output(nightly_cargo().args(["fuzz", "list"]))?;
    let targets: Vec<&str> = targets.lines().map(str::trim).filter(|t| !t.is_empty()).collect();
    if targets.is_empty() {
        return Err("cargo fuzz list found no fuzz target".into());
    }
    let scratch = sh::target_dir()?.join("xtask-fuzz");
    for target in targets {
        let seeds = Path::new("fuzz/corpus").join(target);
        let has_seeds = sh::workspace_root().join(&seeds).is_dir();
        let work = scratch.join(target);
        if has_seeds {
            copy_corpus(&sh::workspace_root().join(&seeds), &work)?;
        } else {
            println!("# {target}: no committed seeds in {}: starting from an empty corpus", seeds.display());
            sh::fresh_dir(&work)?;
        }
        let mut fuzz = nightly_cargo();
        fuzz.args(["fuzz", "run", target]).arg(&work);
        if has_seeds {
            fuzz.arg(&seeds);
        }
        let max_time = format!("-max_total_time={FUZZ_SECONDS}");
        run(fuzz.args(["--", &max_time, "-rss_limit_mb=2048"]))?;
    }
    Ok(Done::Passed)
}

fn copy_corpus(from: &Path, to: &Path) -> Result<()> {
    sh::fresh_dir(to)?;
    let entries = std::fs::read_dir(from).map_err(|e| format!("cannot read {}: {e}", from.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: {e}", from.display()))?;
        if entry.file_type().is_ok_and(|t| t.is_file()) {
            std::fs::copy(entry.path(), to.join(entry.file_name()))
                .map_err(|e| format!("cannot copy {}: {e}", entry.path().display()))?;
        }
    }
    Ok(())
}
