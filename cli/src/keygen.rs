//! `cachet keygen`, and reading key files.
//!
//! The secret key file is created with mode 0600 and never replaced unless
//! `--force` is given; the secret itself is never printed. With `--pkcs11
//! URI`, the key pair is made inside a hardware module instead and its
//! secret never leaves it (see [`crate::pkcs11`]); only the public key is
//! written (`--out FILE`: to `FILE.pub`) and printed.

use crate::error::{CliError, Message};
use crate::{files, pkcs11};
use cachet::keys::{PublicKey, SecretKey};
use cachet::Lang;
use rand_core::OsRng;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The first characters of each kind of key file (TRUST.md).
pub const SECRET_PREFIX: &str = "cachet-secret-key-1:";
/// The first characters of a public key file.
pub const PUBLIC_PREFIX: &str = "cachet-public-key-1:";

/// Generates a key pair with the operating system's random source, or inside a hardware module.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Secret key file to create (mode 0600); the public key goes to FILE.pub. With --pkcs11: only FILE.pub is
    /// written (optional).
    #[arg(long, value_name = "FILE", required_unless_present = "pkcs11")]
    out: Option<PathBuf>,
    /// Replace existing key files.
    #[arg(long)]
    force: bool,
    /// Generate the key pair inside a PKCS#11 module's token, not extractable: URI
    /// `pkcs11:token=LABEL;object=NEW-LABEL` (PIN from `?pin-source=file:…` or CACHET_PKCS11_PIN).
    #[arg(long, value_name = "pkcs11:…")]
    pkcs11: Option<String>,
}

pub fn run(args: &Args, lang: Lang) -> Result<ExitCode, CliError> {
    if let Some(uri) = &args.pkcs11 {
        return in_module(uri, args, lang);
    }
    let Some(secret_path) = &args.out else {
        // clap requires --out without --pkcs11.
        return Err(CliError::usage(Message::new("no-input")));
    };
    let public_path = files::with_suffix(secret_path, ".pub");
    if !args.force {
        for path in [secret_path, &public_path] {
            if fs::symlink_metadata(path).is_ok() {
                return Err(CliError::usage(Message::new("file-exists").arg("path", path.display())));
            }
        }
    }
    let key = SecretKey::generate(&mut OsRng);
    write_secret(secret_path, key.to_text().as_bytes(), args.force).map_err(|e| {
        if e.kind() == io::ErrorKind::AlreadyExists {
            CliError::usage(Message::new("file-exists").arg("path", secret_path.display()))
        } else {
            CliError::write(secret_path, &e, lang)
        }
    })?;
    files::write_atomic(&public_path, key.public_key().to_text().as_bytes(), lang)?;
    let lines = [
        Message::new("keygen-key-id").arg("key_id", key.key_id()),
        Message::new("keygen-secret").arg("path", secret_path.display()),
        Message::new("keygen-public").arg("path", public_path.display()),
    ];
    for line in lines {
        println!("{}", line.text(lang));
    }
    Ok(ExitCode::SUCCESS)
}

/// `keygen --pkcs11`: the pair made in the token; the public key printed,
/// and written to `OUT.pub` with `--out`.
fn in_module(uri: &str, args: &Args, lang: Lang) -> Result<ExitCode, CliError> {
    let public_path = args.out.as_deref().map(|out| files::with_suffix(out, ".pub"));
    if let Some(path) = public_path.as_deref().filter(|p| !args.force && fs::symlink_metadata(p).is_ok()) {
        return Err(CliError::usage(Message::new("file-exists").arg("path", path.display())));
    }
    let key = pkcs11::generate(uri, lang)?;
    if let Some(path) = &public_path {
        files::write_atomic(path, key.to_text().as_bytes(), lang)?;
    }
    let described = pkcs11::Uri::parse(uri)?.describe();
    let mut lines = vec![
        Message::new("keygen-key-id").arg("key_id", key.key_id()),
        Message::new("keygen-in-module").arg("uri", &described),
    ];
    if let Some(path) = &public_path {
        lines.push(Message::new("keygen-public").arg("path", path.display()));
    }
    for line in lines {
        println!("{}", line.text(lang));
    }
    print!("{}", key.to_text());
    Ok(ExitCode::SUCCESS)
}

/// Creates the secret key file, readable by its owner only. With `force`,
/// an existing file is removed first (so that its old mode is not kept).
fn write_secret(path: &Path, bytes: &[u8], force: bool) -> io::Result<()> {
    if force {
        match fs::remove_file(path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Reads a secret key file.
pub fn read_secret_key(path: &Path, lang: Lang) -> Result<SecretKey, CliError> {
    let text = files::read_text(path, lang)?;
    SecretKey::from_text(&text).map_err(|e| CliError::key(path, &e, SECRET_PREFIX))
}

/// Reads a public key file.
pub fn read_public_key(path: &Path, lang: Lang) -> Result<PublicKey, CliError> {
    let text = files::read_text(path, lang)?;
    PublicKey::from_text(&text).map_err(|e| CliError::key(path, &e, PUBLIC_PREFIX))
}
