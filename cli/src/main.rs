//! `cachet`: keys, trust lists, issuance and offline verification of signed
//! school certificates (certificats de scolarité).
//!
//! The command is a thin shell around the `cachet` core: it reads files, the
//! clock and the OS random source, and hands bytes, keys and `now` to the
//! core. Messages are in French unless the locale (or `--lang`) says English;
//! errors are printed as `cachet: <message> [code]`. Exit codes: 0 success,
//! 1 refused input (bad fields, bad rows, a certificate that is not valid),
//! 2 usage, file or key errors.

#![forbid(unsafe_code)]

mod batch;
mod csv_input;
mod error;
mod files;
mod i18n;
mod issue;
mod keygen;
mod limits;
#[cfg(feature = "pdf")]
mod pdf;
#[cfg(feature = "pdf")]
mod pdf_read;
mod pkcs11;
mod qr;
mod scan;
mod signer;
mod svg_read;
mod trust;
mod verify;
mod verify_deployment;

use cachet::Lang;
use clap::{Parser, Subcommand, ValueEnum};
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(name = "cachet", version, about = "Signed school certificates: keys, trust lists, issuance, verification")]
struct Cli {
    /// Language of messages (default: French, or English when LC_ALL, LC_MESSAGES or LANG starts with "en").
    #[arg(long, global = true, value_enum, value_name = "fr|en")]
    lang: Option<LangArg>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum LangArg {
    Fr,
    En,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Generate a key pair: FILE (secret, mode 0600) and FILE.pub.
    Keygen(keygen::Args),
    /// Edit and sign trust lists.
    #[command(subcommand)]
    Trust(trust::Command),
    /// Sign one certificate (--input) or a batch (--csv).
    Issue(issue::Args),
    /// Verify certificates (texts or images of their QR codes) against a signed trust list.
    Verify(verify::Args),
    /// Print the texts of the QR codes in images (PNG, JPEG, WebP).
    Scan(scan::Args),
    /// Check that a web server serves a signed release: every file, its headers, the trust list's signature.
    VerifyDeployment(verify_deployment::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let lang = match cli.lang {
        Some(LangArg::Fr) => Lang::Fr,
        Some(LangArg::En) => Lang::En,
        None => i18n::lang_from_env(),
    };
    let result = match &cli.command {
        Command::Keygen(args) => keygen::run(args, lang),
        Command::Trust(command) => trust::run(command, lang),
        Command::Issue(args) => issue::run(args, lang),
        Command::Verify(args) => verify::run(args, lang),
        Command::Scan(args) => scan::run(args, lang),
        Command::VerifyDeployment(args) => verify_deployment::run(args, lang),
    };
    result.unwrap_or_else(|e| e.report(lang))
}

/// The only place the command reads the clock.
mod clock {
    use crate::error::{CliError, Message};
    use cachet::time::{Date, Timestamp};
    use std::time::{SystemTime, UNIX_EPOCH};

    /// Now, in Unix seconds.
    pub fn now() -> Timestamp {
        match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
        }
    }

    /// Today's date in Paris.
    pub fn today_in_paris() -> Result<Date, CliError> {
        Date::in_paris_at(now()).ok_or_else(|| CliError::usage(Message::new("clock-invalid")))
    }
}
