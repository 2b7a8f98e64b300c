//! The key that signs: a secret key file, or a key in a hardware module
//! (`pkcs11:…`, see [`crate::pkcs11`]). The core signs with the first
//! itself; for the second it prepares the bytes to sign
//! (`cachet::issue::prepare`, `cachet::trust::prepare_list`) and the module
//! signs them.

use crate::error::{CliError, Message};
use crate::keygen;
use crate::pkcs11::{self, Module};
use cachet::certificate::{IssueError, SchoolCertificateInput};
use cachet::issue::{self, Issued};
use cachet::keys::{KeyId, PublicKey, SecretKey};
use cachet::status_list::StatusRef;
use cachet::time::Date;
use cachet::trust;
use cachet::Lang;
use std::path::Path;

/// A signing key.
#[derive(Debug)]
pub enum Signer {
    /// Read from a secret key file.
    File(SecretKey),
    /// Held by a module.
    Module(Module),
}

/// Why a certificate was not issued.
#[derive(Debug)]
pub enum IssueFailure {
    /// Its fields were refused.
    Fields(IssueError),
    /// The key could not sign (the module failed, or its token is gone).
    Signer(CliError),
}

impl Signer {
    /// The key a `--key`/`--root` argument names: a PKCS#11 URI or a file.
    pub fn open(arg: &Path, lang: Lang) -> Result<Signer, CliError> {
        match pkcs11::uri_of(arg) {
            Some(uri) => Module::open(uri, lang).map(Signer::Module),
            None => keygen::read_secret_key(arg, lang).map(Signer::File),
        }
    }

    /// The public key.
    pub fn public_key(&self) -> &PublicKey {
        match self {
            Signer::File(key) => key.public_key(),
            Signer::Module(module) => module.public_key(),
        }
    }

    /// The key id.
    pub fn key_id(&self) -> KeyId {
        self.public_key().key_id()
    }

    /// The secret key for a status claim, or the refusal of status claims
    /// with a key in a module (`pkcs11-status-unsupported`): their index
    /// permutation is keyed by secret material that a module never gives.
    pub fn status_key(&self) -> Result<&SecretKey, CliError> {
        match self {
            Signer::File(key) => Ok(key),
            Signer::Module(module) => {
                Err(CliError::usage(Message::new("pkcs11-status-unsupported").arg("uri", module.describe())))
            }
        }
    }

    /// Checks the input and signs it (with a status claim if given).
    pub fn issue(
        &self,
        input: &SchoolCertificateInput,
        today: Date,
        status: Option<StatusRef>,
    ) -> Result<Issued, IssueFailure> {
        match self {
            Signer::File(key) => match status {
                None => issue::issue(key, input, today),
                Some(status) => issue::issue_with_status(key, input, today, status),
            }
            .map_err(IssueFailure::Fields),
            Signer::Module(module) => {
                let unsigned = issue::prepare(module.key_id(), input, today, status).map_err(IssueFailure::Fields)?;
                let signature = module.sign(&unsigned.message()).map_err(|e| IssueFailure::Signer(e.into()))?;
                Ok(unsigned.finish(&signature))
            }
        }
    }

    /// Checks and signs a trust list's JSON (`list` names it in messages).
    pub fn sign_list(&self, list_json: &str, list: &Path) -> Result<String, CliError> {
        let refused = |e: trust::TrustError| CliError::trust(list, &e);
        match self {
            Signer::File(key) => trust::sign_list(key, list_json).map_err(refused),
            Signer::Module(module) => {
                let unsigned = trust::prepare_list(module.key_id(), list_json).map_err(refused)?;
                let signature = module.sign(&unsigned.message())?;
                unsigned.finish(&signature).map_err(refused)
            }
        }
    }
}
