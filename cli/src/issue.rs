//! `cachet issue`: one certificate from `cert.json`, or a batch from a CSV
//! (see [`crate::batch`]).
//!
//! # Status indices
//!
//! With `--status` (or `--status-capacity`, `--status-uri`, or `--trust-list`
//! naming a list whose entry for the key has a `status_capacity`), every
//! certificate carries the IETF Token Status List `status` claim: its index
//! in the key's status list. The n-th certificate of a key (its ordinal,
//! 0, 1, 2, …) gets the index `status_index_keyed(index_key, n, capacity)`,
//! the core's keyed permutation, so that an index tells nothing of the
//! order of issuance; its key is derived from a key file's seed, or from a
//! module key's signature of a fixed message ([`Signer::index_key`]). The
//! next ordinal and the capacity are kept in `KEY.status.json` beside a
//! secret key file, or in `--status-state` (default under
//! `$XDG_STATE_HOME`, see [`state_path`]) for a key in a module, begun once
//! with `--status-state-new`; changed under its lock ([`files::lock`]) like a
//! trust list, so that two commands never give one ordinal twice; the
//! capacity is fixed at the key's first certificate with a status claim
//! (the permutation depends on it). A batch reserves one block of ordinals,
//! one per CSV record, and records it beside its output (see
//! [`crate::batch`]).

use crate::csv_input::Encoding;
use crate::error::{note, CliError, Message};
use crate::signer::IndexDerivation;
use crate::signer::{IssueFailure, Signer};
use crate::{batch, clock, files, pkcs11, qr};
use cachet::certificate::SchoolCertificateInput;
use cachet::status_list::{self, status_index_keyed, uri_is_valid, IndexKey, StatusRef};
use cachet::trust::TrustListBody;
use cachet::{text, Lang};
use serde::{Deserialize, Serialize};
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Signs certificates: one (`--input`) or a batch (`--csv`).
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("source").required(true).args(["input", "csv"])))]
pub struct Args {
    /// The issuer's secret key file, or its key in a hardware module: a PKCS#11 URI
    /// `pkcs11:token=LABEL;object=LABEL` (PIN from `?pin-source=file:…` or CACHET_PKCS11_PIN).
    #[arg(long, value_name = "FILE|pkcs11:…")]
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
    /// A batch: one certificate per row; the header names the columns, as the keys of cert.json or their French
    /// names (Nom, Prénom, Date de naissance, UAI, Niveau…); other columns are ignored.
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
    /// Put a status claim in each certificate: the key's next status index (ordinals kept in KEY.status.json).
    #[arg(long)]
    pub status: bool,
    /// The key's status index space, fixed at its first certificate with a status claim (default 1048576);
    /// implies --status. The key's trust-list entry needs a status_capacity at least as large.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub status_capacity: Option<u32>,
    /// The status claim's uri (default "cc:", a name, not a place: verifiers read status from the trust list);
    /// implies --status.
    #[arg(long, value_name = "URI")]
    pub status_uri: Option<String>,
    /// The key's status index state (next ordinal, capacity). Default: KEY.status.json beside a key file; for a
    /// key in a module, $XDG_STATE_HOME/cachet/status/KEY_ID.status.json (or ~/.local/state/…).
    #[arg(long, value_name = "FILE")]
    pub status_state: Option<PathBuf>,
    /// Begin the key's status index state (its first certificate with a status claim): refused if the state file
    /// exists. A key in a module needs it once; a key file's state is begun without it.
    #[arg(long)]
    pub status_state_new: bool,
    /// A trust list (LIST.json or a signed list, read but not verified): when the key's entry has a
    /// status_capacity, each certificate carries a status claim with that capacity.
    #[arg(long, value_name = "LIST")]
    pub trust_list: Option<PathBuf>,
    /// The CSV's encoding (default: found from its bytes: UTF-8 when they are valid UTF-8, else Windows-1252 or
    /// ISO-8859-15).
    #[arg(long, value_enum, value_name = "utf-8|windows-1252|iso-8859-15", requires = "csv")]
    pub encoding: Option<Encoding>,
    /// A mapping file: `FIELD <- COLUMN` or `FIELD = VALUE` per line, for exports whose column names are not
    /// known (see docs/ISSUING.md).
    #[arg(long, value_name = "FILE", requires = "csv")]
    pub columns: Option<PathBuf>,
    /// Empty OUT and the errors file and begin the batch again (a resume refuses a changed input, key or options).
    #[arg(long, requires = "csv")]
    pub restart: bool,
    /// Refuse a secret key file that others than its owner can read (otherwise a warning).
    #[arg(long)]
    pub strict_key_mode: bool,
}

pub fn run(args: &Args, lang: Lang) -> Result<ExitCode, CliError> {
    if let Some(base) = &args.url {
        check_url_base(base)?;
    }
    if pkcs11::uri_of(&args.key).is_none() {
        check_key_mode(&args.key, args.strict_key_mode, lang)?;
    }
    let signer = Signer::open(&args.key, lang)?;
    let status = status_options(args, &signer, lang)?;
    match (&args.input, &args.csv, &args.out) {
        (_, Some(csv), Some(out)) => batch::run(
            &batch::Job {
                signer: &signer,
                csv,
                out,
                errors: args.errors.clone().unwrap_or_else(|| files::with_suffix(out, ".errors.jsonl")),
                url: args.url.as_deref(),
                jobs: args.jobs,
                #[cfg(feature = "pdf")]
                pdf_dir: args.pdf_dir.as_deref(),
                #[cfg(not(feature = "pdf"))]
                pdf_dir: None,
                status,
                encoding: args.encoding,
                columns: args.columns.as_deref(),
                restart: args.restart,
            },
            lang,
        ),
        (Some(input), _, _) => single(args, input, status, &signer, lang),
        // clap requires --input or --csv, and --out with --csv.
        _ => Err(CliError::usage(Message::new("no-input"))),
    }
}

fn single(
    args: &Args,
    input: &Path,
    status: Option<StatusOptions>,
    signer: &Signer,
    lang: Lang,
) -> Result<ExitCode, CliError> {
    let qr_format = args.qr.as_deref().map(qr::format_of).transpose()?;
    let json = files::read_text(input, lang)?;
    let fields: SchoolCertificateInput = serde_json::from_str(&json)
        .map_err(|e| CliError::usage(Message::new("input-json").arg("path", input.display()).arg("detail", e)))?;
    let today = clock::today_in_paris()?;
    let failed = |e: IssueFailure| match e {
        IssueFailure::Fields(e) => CliError::fields(&e),
        IssueFailure::Signer(e) => e,
    };
    let issued = match status {
        None => signer.issue(&fields, today, None).map_err(failed)?,
        Some(options) => {
            // A certificate that would be refused takes no ordinal.
            fields.validate(today).map_err(|e| CliError::fields(&e))?;
            let block = reserve(signer, &options, 1, lang)?;
            let status = block.status_ref(0)?;
            let index = status.idx;
            let issued = signer.issue(&fields, today, Some(status)).map_err(failed)?;
            let told = Message::new("issue-status-index").arg("key_id", signer.key_id()).arg("index", index);
            note(&told.text(lang));
            issued
        }
    };
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

/// A secret key file that others than its owner may read: a warning, or a
/// refusal with `--strict-key-mode`. (Only where files have Unix modes.)
fn check_key_mode(path: &Path, strict: bool, lang: Lang) -> Result<(), CliError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_err(|e| CliError::read(path, &e, lang))?.permissions().mode();
        if mode & 0o077 != 0 {
            let message =
                Message::new("key-file-open").arg("path", path.display()).arg("mode", format!("{:04o}", mode & 0o7777));
            if strict {
                return Err(CliError::usage(message));
            }
            note(&format!("cachet: {} [{}]", message.text(lang), message.code));
        }
    }
    #[cfg(not(unix))]
    let _ = (path, strict, lang);
    Ok(())
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

/// What the status claims of an issuance need: the capacity wanted (none:
/// the one recorded for the key, else the default) and the claim's uri.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusOptions {
    /// The capacity asked for, if any.
    pub capacity: Option<u32>,
    /// The claim's `uri` asked for, if any (default [`status_list::DEFAULT_URI`]).
    pub uri: Option<String>,
    /// The key's state file (see [`state_path`]).
    pub state: PathBuf,
    /// `--status-state-new`: the state must be begun (refused if it exists).
    pub new: bool,
}

/// The status options the arguments ask for; `None`: no status claim.
fn status_options(args: &Args, signer: &Signer, lang: Lang) -> Result<Option<StatusOptions>, CliError> {
    let mut capacity = args.status_capacity;
    let mut wanted = args.status || capacity.is_some() || args.status_uri.is_some();
    if let Some(path) = &args.trust_list {
        let listed = listed_capacity(path, signer, lang)?;
        match (listed, capacity) {
            (Some(l), Some(c)) if l < c => {
                return Err(CliError::usage(
                    Message::new("status-capacity-over-list").arg("capacity", c).arg("listed", l),
                ))
            }
            (Some(l), None) => capacity = Some(l),
            _ => {}
        }
        wanted |= listed.is_some();
    }
    if args.status_state_new && !wanted {
        return Err(CliError::usage(Message::new("status-state-new-without-status")));
    }
    if !wanted {
        return Ok(None);
    }
    if let Some(uri) = args.status_uri.as_deref().filter(|u| !uri_is_valid(u)) {
        return Err(CliError::usage(Message::new("status-uri-invalid").arg("value", uri)));
    }
    let state = state_path(args.status_state.as_deref(), &args.key, signer)?;
    Ok(Some(StatusOptions { capacity, uri: args.status_uri.clone(), state, new: args.status_state_new }))
}

/// The `status_capacity` of the signing key's entry in a trust list (the
/// unsigned `LIST.json`, or a signed list's `list`), read but not verified:
/// it only tells the issuer which capacity to use. A key that is not in
/// the list is refused (`key-not-listed`): for a key in a module, the key
/// id of the public key read from the token.
fn listed_capacity(list: &Path, key: &Signer, lang: Lang) -> Result<Option<u32>, CliError> {
    let text = files::read_text(list, lang)?;
    let bad = |detail: String| {
        CliError::usage(Message::new("trust-list-json").arg("path", list.display()).arg("detail", detail))
    };
    let mut value: serde_json::Value = serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
    if let Some(inner) = value.get_mut("list") {
        value = inner.take();
    }
    let body: TrustListBody = serde_json::from_value(value).map_err(|e| bad(e.to_string()))?;
    let key_id = key.key_id().to_string();
    match body.issuers.iter().find(|e| e.key_id == key_id) {
        Some(entry) => Ok(entry.status_capacity),
        None => Err(CliError::usage(Message::new("key-not-listed").arg("key_id", key_id).arg("path", list.display()))),
    }
}

/// Where a key's ordinals are kept: `--status-state`, else `KEY.status.json`
/// beside a secret key file, else, for a key in a module (whose `--key` is
/// a URI, not a place), `cachet/status/KEY_ID.status.json` under
/// `$XDG_STATE_HOME` (an absolute path) or `~/.local/state` (XDG Base
/// Directory: state that outlives a run but is not worth a backup of its
/// own… except this one: back it up with the module's key).
pub fn state_path(given: Option<&Path>, key_path: &Path, signer: &Signer) -> Result<PathBuf, CliError> {
    if let Some(path) = given {
        return Ok(path.to_owned());
    }
    if matches!(signer, Signer::File(_)) {
        return Ok(files::with_suffix(key_path, ".status.json"));
    }
    let absolute = |var: &str| std::env::var_os(var).map(PathBuf::from).filter(|p| p.is_absolute());
    let base = absolute("XDG_STATE_HOME").or_else(|| absolute("HOME").map(|home| home.join(".local").join("state")));
    match base {
        Some(base) => Ok(base.join("cachet").join("status").join(format!("{}.status.json", signer.key_id()))),
        None => Err(CliError::usage(Message::new("status-state-no-default").arg("key_id", signer.key_id()))),
    }
}

/// `KEY.status.json`: the next ordinal of a key and its fixed capacity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Ordinals {
    format: String,
    key_id: String,
    capacity: u32,
    next: u64,
    /// How the permutation is keyed: absent for the seed (key files).
    #[serde(default, skip_serializing_if = "IndexDerivation::is_seed")]
    index_key: IndexDerivation,
}

const ORDINALS_FORMAT: &str = "cachet-status-ordinals/1";

/// A block of ordinals reserved for one command: `first`, `first + 1`, …,
/// `first + count - 1`, in a key's index space of `capacity`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The first ordinal.
    pub first: u64,
    /// How many.
    pub count: u64,
    /// The key's capacity.
    pub capacity: u32,
    /// The claims' uri.
    pub uri: String,
    /// How the key's permutation is keyed.
    pub derivation: IndexDerivation,
    /// The key of the permutation ([`Signer::index_key`]).
    pub index_key: IndexKey,
    /// The signing key's id.
    pub key_id: String,
}

impl Block {
    /// The status claim of the block's `n`-th certificate (from 0).
    pub fn status_ref(&self, n: u64) -> Result<StatusRef, CliError> {
        let ordinal = self.first.saturating_add(n);
        let idx = status_index_keyed(&self.index_key, ordinal, self.capacity).map_err(|e| {
            CliError::usage(
                Message::new(e.code())
                    .arg("key_id", &self.key_id)
                    .arg("capacity", self.capacity)
                    .arg("left", u64::from(self.capacity).saturating_sub(ordinal))
                    .arg("count", 1),
            )
        })?;
        Ok(StatusRef { idx: u64::from(idx), uri: self.uri.clone() })
    }
}

/// Reserves `count` ordinals of the key under the lock of its state file
/// (`options.state`): they are never given again, even if the command then
/// fails. Refuses a capacity other than the one the key's first status
/// claim fixed, a state file of another key, a reservation beyond the
/// capacity, a missing state of a key in a module without
/// `--status-state-new` (`status-state-missing`: begun again, it would give
/// indices again) and an existing one with it (`status-state-exists`). The
/// permutation's key is derived (for a module, signed) before the state is
/// written.
pub fn reserve(signer: &Signer, options: &StatusOptions, count: u64, lang: Lang) -> Result<Block, CliError> {
    let path = &options.state;
    let begin = options.new || matches!(signer, Signer::File(_));
    let missing = || CliError::usage(Message::new("status-state-missing").arg("path", path.display()));
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty() && !p.exists()) {
        if !begin {
            return Err(missing());
        }
        std::fs::create_dir_all(parent).map_err(|e| CliError::write(parent, &e, lang))?;
    }
    let locked = files::lock(path, lang)?;
    let key_id = signer.key_id().to_string();
    let mut state = if locked.exists() {
        if options.new {
            return Err(CliError::usage(Message::new("status-state-exists").arg("path", path.display())));
        }
        let text = locked.read_text(lang)?;
        let state: Ordinals = serde_json::from_str(&text)
            .ok()
            .filter(|s: &Ordinals| s.format == ORDINALS_FORMAT)
            .ok_or_else(|| CliError::usage(Message::new("status-state-invalid").arg("path", path.display())))?;
        if state.key_id != key_id {
            return Err(CliError::usage(
                Message::new("status-state-other-key")
                    .arg("path", path.display())
                    .arg("key_id", &state.key_id)
                    .arg("key", &key_id),
            ));
        }
        if let Some(c) = options.capacity.filter(|c| *c != state.capacity) {
            return Err(CliError::usage(
                Message::new("status-capacity-fixed")
                    .arg("key_id", &key_id)
                    .arg("capacity", state.capacity)
                    .arg("asked", c)
                    .arg("path", path.display()),
            ));
        }
        state
    } else if begin {
        Ordinals {
            format: ORDINALS_FORMAT.to_owned(),
            key_id: key_id.clone(),
            capacity: options.capacity.unwrap_or(status_list::DEFAULT_CAPACITY),
            next: 0,
            index_key: signer.new_derivation(),
        }
    } else {
        return Err(missing());
    };
    let index_key = signer.index_key(state.index_key, path)?;
    let first = state.next;
    let end = first.checked_add(count).filter(|end| *end <= u64::from(state.capacity));
    let Some(end) = end else {
        return Err(CliError::refused(
            Message::new(status_list::StatusListError::Exhausted.code())
                .arg("key_id", &key_id)
                .arg("capacity", state.capacity)
                .arg("left", u64::from(state.capacity).saturating_sub(first))
                .arg("count", count),
        ));
    };
    state.next = end;
    // Serializing strings and numbers cannot fail.
    let mut json = serde_json::to_string_pretty(&state).unwrap_or_default();
    json.push('\n');
    locked.replace(json.as_bytes(), None, lang)?;
    let uri = options.uri.clone().unwrap_or_else(|| status_list::DEFAULT_URI.to_owned());
    Ok(Block { first, count, capacity: state.capacity, uri, derivation: state.index_key, index_key, key_id })
}
