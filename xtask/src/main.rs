//! `cargo xtask`: the project's own tasks, in Rust so that they run
//! wherever cargo does (`.cargo/config.toml` holds the alias).
//!
//! - `cargo xtask test [--quick]`: every check CI runs (`.ci/run`), in order,
//!   stopping at the first failure; `--quick` skips the fuzz smoke run.
//! - `cargo xtask demo`: the `cachet` command from keys to verdicts, in `demo/`.
//! - `cargo xtask bench`: the core's benchmarks, then the CLI's batch rate.
//! - `cargo xtask bulk-bench`, `qr-corpus`, `qr-bench`, `revocation-bench`: build
//!   what they need, then run the benchmark crate `cachet-bench` (bench/).
//! - `cargo xtask site`, `deploy-config`: the folder a web server serves, and
//!   the nginx and Caddy configurations generated from `deploy/headers.json`.
//! - `cargo xtask package`: the npm package `@cachet/verifier`, packed (`npm pack`).
//! - `cargo xtask fuzz-corpus`: rewrites the fuzz seed corpora in `fuzz/corpus/`.
//! - `cargo xtask figures`: the README's measured figures, printed as its blocks (`--write`: rewritten there).

mod bench;
mod build;
mod bundle;
mod corpus;
mod demo;
mod deploy;
mod figures;
mod hashed;
mod minify;
mod package;
mod release;
mod reproducible;
mod serve;
mod sh;
mod size;
mod test;

use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <task>

tasks:
  test [--quick]  every check CI runs, in order (--quick: without the fuzz smoke run)
  demo [--no-serve] [--port N]
                  keys, a trust list, certificates and their verdicts with the cachet command, in demo/,
                  then the page served on 127.0.0.1:N (8080) with that list
  build           the verifier's wasm and JavaScript in pkg/ (wasm-bindgen as a library)
  package         the npm package @cachet/verifier, packed into target/package/cachet-verifier-<version>.tgz
  serve --trust SIGNED --root ROOT.pub [--port N]
                  the verifier page on 127.0.0.1 with its security headers
  site --out DIR --trust SIGNED --root ROOT.pub [--embed-parent ORIGIN]...
                  the folder a web server serves (www/, pkg/, trust-list.json, config.json, .br and .gz
                  beside the files), for deploy/nginx/ or deploy/Caddyfile (docs/DEPLOYING.md)
  serve-nginx --dir DIR --trust SIGNED --root ROOT.pub [--embed-parent ORIGIN]... [--status DIR] [--port N]
                  that site in DIR/site served by Debian's nginx from deploy/nginx/ on 127.0.0.1, in the
                  foreground (the browser tests with CACHET_SERVER=nginx)
  deploy-config [--check]
                  write deploy/nginx/cachet.conf, cachet-headers.conf and deploy/Caddyfile from
                  deploy/headers.json (--check: fail if the committed files differ)
  release --site DIR --key RELEASE.key --out FILE
                  the signed release manifest of a laid-out site: every file's path, size, SHA-256 and
                  headers, for `cachet verify-deployment` (docs/DEPLOYING.md)
  reproducible    the committed HEAD built twice (two folders, two cargo homes): every file of the two
                  sites compared, 0 may differ (minutes: each clone's two wasm modules built from scratch)
  size            what the page downloads, in Brotli (gzip beside), before a link's first verdict and in all, against budgets
  bench           the core's benchmarks, then the CLI's batch issuance rate
  bulk-bench [--count N] [--runs N] [--seed N] [--jobs N]
                  N texts (1,000,000) verified by cachet verify --batch and by the wasm in Node; median rates
  revocation-bench [--scenarios 20000,100000,400000,1000000] [--issued N] [--keys N] [--runs N] [--days N]
                  revocation at national scale (bench/): coded list sizes beside the IETF bitstring and the
                  entropy bound, load time and memory (native, wasm), verify, exactness on every certificate
  fuzz-corpus     rewrite the fuzz seed corpora in fuzz/corpus/
  qr-corpus [--seed N] [--per-category N] [--out DIR]
                  the QR reader's frames (13 categories, 1280x720) and manifest.json, in target/qr-corpus
  qr-bench [--seed N] [--per-category N] [--runs N] [--no-page] [--skip jsqr,rqrr,rxing]
                  this QR reader beside rqrr, rxing, jsQR and zxing-wasm on that corpus and the real photos
  phone-bench [--runs N] [--revoked N,N...] [--compare DIR] [--unhashed] [--floor] [--js-flags FLAGS] [--camera] [--trace DIR [--trace-light]]
                  the page on a mid-range phone (Chromium, CPU 4x slower, 1.6 Mbit/s, 150 ms), compressed site:
                  first and repeat visits, link -> verdict, medians and p90, bytes before the verdict
  figures [--quick] [--only NAME,...] [--write] [--list] [--check]
                  the README's measured figures (size, core, issuing, bulk, browser, phone), measured and
                  printed as its <!-- figures:NAME --> blocks; --write rewrites those blocks in README.md;
                  --quick: size, core (shorter criterion runs) and issuing only (5 minutes, not 20 to 30);
                  --check: only that the blocks have their generators' shape (no measurement)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (task, rest) = match args.split_first() {
        Some((task, rest)) => (task.as_str(), rest),
        None => ("help", &[][..]),
    };
    let result = match task {
        "test" => return test::run_all(rest),
        "demo" => demo::run(rest),
        "build" => build::run_task(rest),
        "package" => package::run_task(rest),
        "serve" => serve::run_task(rest),
        "site" => deploy::run_site_task(rest),
        "serve-nginx" => deploy::run_serve_nginx_task(rest),
        "deploy-config" => deploy::run_config_task(rest),
        "reproducible" => reproducible::run_task(rest),
        "release" => release::run_task(rest),
        "size" => size::run_task(rest),
        "bench" => bench::run(rest),
        "bulk-bench" => bench::bulk(rest),
        "revocation-bench" => bench::revocation(rest),
        "fuzz-corpus" => corpus::run(rest),
        "qr-corpus" => bench::qr_corpus(rest),
        "qr-bench" => bench::qr_bench(rest),
        "phone-bench" => bench::phone_bench(rest),
        "figures" => figures::run_task(rest),
        "help" | "-h" | "--help" => {
            println!("{USAGE}");
            Ok(())
        }
        other => {
            eprintln!("xtask: unknown task `{other}`\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask {task}: {e}");
            ExitCode::FAILURE
        }
    }
}
