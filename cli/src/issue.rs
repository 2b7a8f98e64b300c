//! `cachet issue`: one certificate from `cert.json`, or a batch from a CSV
//! (see [`crate::batch`]).

use crate::error::{CliError, Message};
use crate::{batch, clock, files, keygen, qr};
use cachet::certificate::SchoolCertificateInput;
use cachet::{issue, text, Lang};
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::process::ExitCode;

/// Signs certificates: one (`--input`) or a batch (`--csv`).
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("source").required(true).args(["input", "csv"])))]
pub struct Args {
    /// The issuer's secret key file.
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
    /// One certificate's fields, as JSON (keys: family_name, given_names, birth_date, school_uai,
    /// school_name, school_town, academie, school_year, level, and optionally regime, serial, issued_on).
    #[arg(long, value_name = "cert.json")]
    pub input: Option<PathBuf>,
    /// Print the verifier URL BASE#token instead of the bare token.
    #[arg(long, value_name = "BASE")]
    pub url: Option<String>,
    /// Write the QR code to OUT.svg or OUT.png (single certificate only).
    #[arg(long, value_name = "OUT.svg|OUT.png", conflicts_with = "csv")]
    pub qr: Option<PathBuf>,
    /// Write the certificate as an A4 PDF: the text and its QR code, the text also in the file's metadata
    /// (single certificate only).
    #[cfg(feature = "pdf")]
    #[arg(long, value_name = "OUT.pdf", conflicts_with = "csv")]
    pub pdf: Option<PathBuf>,
    /// A batch's PDFs: one per good row, in DIR (created if needed), named SERIAL.pdf.
    #[cfg(feature = "pdf")]
    #[arg(long, value_name = "DIR", requires = "csv")]
    pub pdf_dir: Option<PathBuf>,
    /// A batch: one certificate per row; the header names the columns, as the keys of cert.json.
    #[arg(long, value_name = "pupils.csv", requires = "out")]
    pub csv: Option<PathBuf>,
    /// The batch's output, one JSON line per good row (appended to when resuming).
    #[arg(long, value_name = "OUT.jsonl", requires = "csv")]
    pub out: Option<PathBuf>,
    /// The batch's refused rows, one JSON line each (default: OUT.jsonl.errors.jsonl).
    #[arg(long, value_name = "ERRORS.jsonl", requires = "csv")]
    pub errors: Option<PathBuf>,
    /// Signing threads (default: one per core).
    #[arg(long, value_name = "N", requires = "csv")]
    pub jobs: Option<NonZeroUsize>,
}

pub fn run(args: &Args, lang: Lang) -> Result<ExitCode, CliError> {
    if let Some(base) = &args.url {
        check_url_base(base)?;
    }
    match (&args.input, &args.csv, &args.out) {
        (_, Some(csv), Some(out)) => batch::run(
            &batch::Job {
                key: &args.key,
                csv,
                out,
                errors: args.errors.clone().unwrap_or_else(|| files::with_suffix(out, ".errors.jsonl")),
                url: args.url.as_deref(),
                jobs: args.jobs,
                #[cfg(feature = "pdf")]
                pdf_dir: args.pdf_dir.as_deref(),
                #[cfg(not(feature = "pdf"))]
                pdf_dir: None,
            },
            lang,
        ),
        (Some(input), _, _) => single(args, input, lang),
        // clap requires --input or --csv, and --out with --csv.
        _ => Err(CliError::usage(Message::new("no-input"))),
    }
}

fn single(args: &Args, input: &std::path::Path, lang: Lang) -> Result<ExitCode, CliError> {
    let qr_format = args.qr.as_deref().map(qr::format_of).transpose()?;
    let key = keygen::read_secret_key(&args.key, lang)?;
    let json = files::read_text(input, lang)?;
    let fields: SchoolCertificateInput = serde_json::from_str(&json)
        .map_err(|e| CliError::usage(Message::new("input-json").arg("path", input.display()).arg("detail", e)))?;
    let issued = issue::issue(&key, &fields, clock::today_in_paris()?).map_err(|e| CliError::fields(&e))?;
    let text = match &args.url {
        Some(base) => text::url_of(base, &issued.token),
        None => issued.token,
    };
    if let (Some(path), Some(format)) = (&args.qr, qr_format) {
        qr::write(path, format, &text, lang)?;
    }
    #[cfg(feature = "pdf")]
    if let Some(path) = &args.pdf {
        let options = crate::pdf::Options { verifier_host: args.url.as_deref().and_then(crate::pdf::host_of) };
        files::write_atomic(path, &crate::pdf::certificate_pdf(&issued.certificate, &text, &options)?, lang)?;
    }
    println!("{text}");
    Ok(ExitCode::SUCCESS)
}

/// A verifier URL must be one that `cachet verify` and the page read back.
fn check_url_base(base: &str) -> Result<(), CliError> {
    let ok = (base.starts_with("https://") || base.starts_with("http://"))
        && !base.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(())
    } else {
        Err(CliError::usage(Message::new("url-base-invalid").arg("value", base)))
    }
}
