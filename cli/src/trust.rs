//! `cachet trust add | revoke | sign`: keeping the unsigned list
//! (`LIST.json`) and signing it with the root key.
//!
//! `LIST.json` is the pretty JSON of [`TrustListBody`]. Every change bumps its
//! `sequence`, so that verifiers can refuse an older list. A revoked serial
//! is revoked for every issuer of the list (serials are meant to be unique
//! across issuers; revoking one for all errs on the safe side).

use crate::error::{CliError, Message};
use crate::{clock, files, keygen};
use cachet::certificate::{serial_is_valid, DocumentKind};
use cachet::keys::{KeyId, PublicKey};
use cachet::time::{format_rfc3339, Date};
use cachet::trust::{sign_list, IssuerEntry, KeyStatus, TrustListBody};
use cachet::Lang;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Edits and signs trust lists.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Adds an issuer key to LIST.json (creating the list if missing).
    Add(AddArgs),
    /// Revokes a serial (for every issuer) or an issuer key.
    Revoke(RevokeArgs),
    /// Signs LIST.json with the root key into SIGNED.
    Sign(SignArgs),
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// The unsigned list (created if missing).
    #[arg(long, value_name = "LIST.json")]
    list: PathBuf,
    /// The issuer's public key file.
    #[arg(long, value_name = "ISSUER.pub")]
    key: PathBuf,
    /// The issuer's name, shown to whoever verifies.
    #[arg(long, value_name = "NAME")]
    name: String,
    /// First issue date the key may sign (default: today in Paris).
    #[arg(long, value_name = "YYYY-MM-DD")]
    from: Option<String>,
    /// Last issue date the key may sign (default: FROM + 2 years - 1 day).
    #[arg(long, value_name = "YYYY-MM-DD")]
    until: Option<String>,
    /// A document kind the key may sign (repeatable; default: certificat-de-scolarite).
    #[arg(long = "kind", value_name = "KIND")]
    kinds: Vec<String>,
}

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["serial", "key"])))]
pub struct RevokeArgs {
    /// The unsigned list.
    #[arg(long, value_name = "LIST.json")]
    list: PathBuf,
    /// A certificate serial to revoke, for every issuer of the list.
    #[arg(long, value_name = "SERIAL")]
    serial: Option<String>,
    /// An issuer's public key file: that key is revoked, and with it every certificate it signed.
    #[arg(long, value_name = "ISSUER.pub")]
    key: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct SignArgs {
    /// The unsigned list (its sequence, issued_at and next_update are updated).
    #[arg(long, value_name = "LIST.json")]
    list: PathBuf,
    /// The root secret key file.
    #[arg(long, value_name = "ROOT")]
    root: PathBuf,
    /// The signed list to write.
    #[arg(long, value_name = "SIGNED")]
    out: PathBuf,
    /// Days until the next update is due.
    #[arg(long, value_name = "N", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=3660))]
    valid_days: u32,
}

pub fn run(command: &Command, lang: Lang) -> Result<ExitCode, CliError> {
    match command {
        Command::Add(args) => add(args, lang),
        Command::Revoke(args) => revoke(args, lang),
        Command::Sign(args) => sign(args, lang),
    }
}

fn add(args: &AddArgs, lang: Lang) -> Result<ExitCode, CliError> {
    let key = keygen::read_public_key(&args.key, lang)?;
    let created = !args.list.exists();
    let mut body = if created { TrustListBody::new() } else { load(&args.list, lang)? };
    let key_id = key.key_id().to_string();
    if let Some(e) = body.issuers.iter().find(|e| e.key_id == key_id || e.public_key == key.to_base64()) {
        return Err(CliError::refused(
            Message::new("key-already-listed")
                .arg("key_id", &key_id)
                .arg("path", args.list.display())
                .arg("name", &e.name),
        ));
    }
    let name = args.name.trim();
    if name.is_empty() || name.chars().any(char::is_control) {
        return Err(CliError::usage(Message::new("issuer-name-invalid")));
    }
    let from = match &args.from {
        Some(s) => parse_date("--from", s)?,
        None => clock::today_in_paris()?,
    };
    let until = match &args.until {
        Some(s) => parse_date("--until", s)?,
        None => two_years_after(from).ok_or_else(|| CliError::usage(Message::new("clock-invalid")))?,
    };
    if until < from {
        return Err(CliError::usage(Message::new("date-order").arg("from", from).arg("until", until)));
    }
    let kinds = if args.kinds.is_empty() {
        vec![DocumentKind::CertificatDeScolarite.name().to_owned()]
    } else {
        let mut kinds: Vec<String> = Vec::new();
        for k in &args.kinds {
            let kind = DocumentKind::from_name(k.trim()).ok_or_else(|| {
                let known: Vec<&str> = DocumentKind::ALL.iter().map(|k| k.name()).collect();
                CliError::usage(Message::new("kind-unknown").arg("kind", k).arg("known", known.join(", ")))
            })?;
            if !kinds.iter().any(|x| x == kind.name()) {
                kinds.push(kind.name().to_owned());
            }
        }
        kinds
    };
    body.issuers.push(IssuerEntry {
        key_id: key_id.clone(),
        name: name.to_owned(),
        public_key: key.to_base64(),
        valid_from: from.to_string(),
        valid_until: until.to_string(),
        kinds: kinds.clone(),
        status: KeyStatus::Active,
    });
    bump(&mut body, &args.list)?;
    save(&args.list, &body, lang)?;
    if created {
        println!("{}", Message::new("list-created").arg("path", args.list.display()).text(lang));
    }
    let done = Message::new("trust-added")
        .arg("key_id", key_id)
        .arg("name", name)
        .arg("from", from)
        .arg("until", until)
        .arg("kinds", kinds.join(", "))
        .arg("sequence", body.sequence);
    println!("{}", done.text(lang));
    Ok(ExitCode::SUCCESS)
}

fn revoke(args: &RevokeArgs, lang: Lang) -> Result<ExitCode, CliError> {
    let mut body = load(&args.list, lang)?;
    let done = if let Some(serial) = &args.serial {
        let serial = serial.trim();
        if !serial_is_valid(serial) {
            return Err(CliError::usage(Message::new("serial-invalid").arg("serial", serial)));
        }
        if body.revoked_serials.iter().any(|s| s == serial) {
            return Err(CliError::refused(Message::new("serial-already-revoked").arg("serial", serial)));
        }
        body.revoked_serials.push(serial.to_owned());
        bump(&mut body, &args.list)?;
        Message::new("trust-revoked-serial").arg("serial", serial)
    } else if let Some(path) = &args.key {
        let key: PublicKey = keygen::read_public_key(path, lang)?;
        let key_id = key.key_id().to_string();
        let Some(entry) = body.issuers.iter_mut().find(|e| e.key_id == key_id) else {
            return Err(CliError::refused(
                Message::new("key-not-listed").arg("key_id", key_id).arg("path", args.list.display()),
            ));
        };
        if entry.status == KeyStatus::Revoked {
            return Err(CliError::refused(Message::new("key-already-revoked").arg("key_id", key_id)));
        }
        entry.status = KeyStatus::Revoked;
        let name = entry.name.clone();
        bump(&mut body, &args.list)?;
        Message::new("trust-revoked-key").arg("key_id", key_id).arg("name", name)
    } else {
        // clap requires one of the two.
        return Err(CliError::usage(Message::new("serial-invalid").arg("serial", "")));
    };
    save(&args.list, &body, lang)?;
    println!("{}", done.arg("sequence", body.sequence).text(lang));
    Ok(ExitCode::SUCCESS)
}

fn sign(args: &SignArgs, lang: Lang) -> Result<ExitCode, CliError> {
    let root = keygen::read_secret_key(&args.root, lang)?;
    let mut body = load(&args.list, lang)?;
    let now = clock::now();
    body.issued_at = format_rfc3339(now);
    body.next_update = format_rfc3339(now + i64::from(args.valid_days) * 86_400);
    bump(&mut body, &args.list)?;
    let list_json = to_json(&body);
    // Sign first: a list the core refuses is neither signed nor rewritten.
    let signed = sign_list(&root, &list_json).map_err(|e| CliError::trust(&args.list, &e))?;
    files::write_atomic(&args.list, list_json.as_bytes(), lang)?;
    files::write_atomic(&args.out, signed.as_bytes(), lang)?;
    let mut lines = vec![
        Message::new("signed-sequence").arg("sequence", body.sequence),
        Message::new("signed-root").arg("key_id", root.key_id()),
        Message::new("signed-validity").arg("issued_at", &body.issued_at).arg("next_update", &body.next_update),
    ];
    for e in &body.issuers {
        let status = match e.status {
            KeyStatus::Active => "status-active",
            KeyStatus::Revoked => "status-revoked",
        };
        lines.push(
            Message::new("signed-issuer")
                .arg("key_id", &e.key_id)
                .arg("name", &e.name)
                .arg("status", Message::new(status).text(lang)),
        );
    }
    lines.push(Message::new("signed-serials").arg("count", body.revoked_serials.len()));
    lines.push(Message::new("signed-out").arg("path", args.out.display()));
    for line in lines {
        println!("{}", line.text(lang));
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads `LIST.json`.
fn load(path: &Path, lang: Lang) -> Result<TrustListBody, CliError> {
    let text = files::read_text(path, lang)?;
    serde_json::from_str(&text)
        .map_err(|e| CliError::usage(Message::new("trust-list-json").arg("path", path.display()).arg("detail", e)))
}

/// Bumps the sequence and checks the whole list as a verifier would.
fn bump(body: &mut TrustListBody, path: &Path) -> Result<(), CliError> {
    body.sequence = body
        .sequence
        .checked_add(1)
        .ok_or_else(|| CliError::usage(Message::new("sequence-overflow").arg("path", path.display())))?;
    body.check(KeyId([0; 8])).map_err(|e| CliError::trust(path, &e))?;
    Ok(())
}

fn to_json(body: &TrustListBody) -> String {
    // Serializing plain strings and numbers cannot fail.
    let mut json = serde_json::to_string_pretty(body).unwrap_or_default();
    json.push('\n');
    json
}

fn save(path: &Path, body: &TrustListBody, lang: Lang) -> Result<(), CliError> {
    files::write_atomic(path, to_json(body).as_bytes(), lang)
}

fn parse_date(option: &str, value: &str) -> Result<Date, CliError> {
    Date::parse(value.trim())
        .ok_or_else(|| CliError::usage(Message::new("date-invalid").arg("option", option).arg("value", value)))
}

/// The day before the same date two years later (29 February gives 28 February).
fn two_years_after(from: Date) -> Option<Date> {
    let same_day = Date::new(from.year() + 2, from.month(), from.day()).or_else(|| Date::new(from.year() + 2, 3, 1))?;
    Date::from_days_since_epoch(same_day.days_since_epoch() - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_valid_two_years_by_default() {
        let d = |s| Date::parse(s).unwrap();
        assert_eq!(two_years_after(d("2025-09-01")), Some(d("2027-08-31")));
        assert_eq!(two_years_after(d("2024-02-29")), Some(d("2026-02-28")));
        assert_eq!(two_years_after(d("2025-01-01")), Some(d("2026-12-31")));
    }
}
