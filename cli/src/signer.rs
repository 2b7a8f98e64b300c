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
use cachet::status_list::{IndexKey, StatusRef, INDEX_KEY_MESSAGE};
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

/// How a key's status index permutation is keyed (`index_key` in its
/// state files; see [`IndexKey`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum IndexDerivation {
    /// From the secret key's seed: a key file's, the field absent.
    #[default]
    #[serde(rename = "seed")]
    Seed,
    /// From the key's signature of a fixed message: a key in a module's.
    #[serde(rename = "signature-v1")]
    Signature,
}

impl IndexDerivation {
    /// Whether the field is left out of a state file (the seed, so that the
    /// files of key files stay as they were).
    pub fn is_seed(&self) -> bool {
        *self == IndexDerivation::Seed
    }
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

    /// How a new status index state of this key derives its permutation key:
    /// from the seed for a key file (as every index issued before modules
    /// had status), from a signature for a key in a module.
    pub fn new_derivation(&self) -> IndexDerivation {
        match self {
            Signer::File(_) => IndexDerivation::Seed,
            Signer::Module(_) => IndexDerivation::Signature,
        }
    }

    /// The key of this key's status index permutation, derived as its state
    /// says. A key in a module never gives its seed: it signs the fixed
    /// message [`INDEX_KEY_MESSAGE`] twice, and the two signatures must be
    /// the same (Ed25519 is deterministic; `pkcs11-eddsa-not-deterministic`
    /// otherwise) and verify under its public key.
    pub fn index_key(&self, derivation: IndexDerivation, state: &Path) -> Result<IndexKey, CliError> {
        match (self, derivation) {
            (Signer::File(key), IndexDerivation::Seed) => Ok(IndexKey::of_seed(key)),
            (Signer::File(key), IndexDerivation::Signature) => Ok(IndexKey::by_signature(key)),
            (Signer::Module(module), IndexDerivation::Seed) => Err(CliError::usage(
                Message::new("pkcs11-status-seed-state").arg("uri", module.describe()).arg("path", state.display()),
            )),
            (Signer::Module(module), IndexDerivation::Signature) => {
                let first = module.sign(INDEX_KEY_MESSAGE)?;
                let second = module.sign(INDEX_KEY_MESSAGE)?;
                if first != second {
                    return Err(CliError::usage(
                        Message::new("pkcs11-eddsa-not-deterministic").arg("uri", module.describe()),
                    ));
                }
                module.public_key().verify(INDEX_KEY_MESSAGE, &first).map_err(|e| {
                    CliError::usage(Message::new("pkcs11-sign").arg("uri", module.describe()).arg("detail", e))
                })?;
                Ok(IndexKey::from_signature(&first))
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
