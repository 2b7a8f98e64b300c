//! # Cachet: signed school certificates, verified anywhere
//!
//! A *certificat de scolarité* is signed by its issuer into a short text
//! (`CC1:` + base64url of a COSE_Sign1) carried by a QR code, and verified
//! by anyone holding a trust list signed by a pinned root key. This crate is
//! the pure core: bytes, keys, a trust list and `now` in, values out. It
//! reads no file or clock, draws no randomness of its own and opens no
//! connection, and it builds for `wasm32-unknown-unknown`.
//!
//! The data's path through the modules: [`text`] → [`envelope`] →
//! [`certificate`] → [`trust`] → [`verify`](mod@verify), with [`signature`] the one
//! Ed25519 check, [`status`] the verdict's vocabulary, [`status_list`] the
//! status claim, its keyed indices and each key's Rice-coded revoked
//! indices, [`profile`] the fields
//! each purpose may receive, and [`json`] the small strict JSON reader and
//! writer of trust lists and reports.
//!
//! ```
//! use cachet::keys::SecretKey;
//! use cachet::time::{parse_rfc3339, Date};
//! use cachet::{issue, trust, verify, Status};
//! use rand_chacha::rand_core::SeedableRng;
//!
//! // Keys come from a random source the caller chooses.
//! let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(7);
//! let root = SecretKey::generate(&mut rng);
//! let issuer = SecretKey::generate(&mut rng);
//!
//! // The root signs a trust list naming the issuer's key.
//! let list = cachet::doc_example_list(&issuer);
//! let signed = trust::sign_list(&root, &list).unwrap();
//!
//! // The issuer signs a certificate; its token goes into a QR code.
//! let input = cachet::doc_example_input();
//! let issued = issue::issue(&issuer, &input, Date::parse("2025-09-15").unwrap()).unwrap();
//! assert!(issued.token.starts_with("CC1:"));
//!
//! // Anyone verifies it with the signed list and the pinned root.
//! let trust = trust::TrustList::load(signed.as_bytes(), &[root.public_key().clone()], None).unwrap();
//! let now = parse_rfc3339("2025-10-01T09:00:00Z").unwrap();
//! let report = verify::verify(&issued.token, &trust, now);
//! assert_eq!(report.status, Status::Valid);
//! assert_eq!(report.certificate.unwrap().serial, "2025-000123");
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing))]

mod cbor;
pub mod certificate;
pub mod code;
pub mod envelope;
pub mod issue;
pub mod json;
pub mod keys;
pub mod profile;
pub mod scan;
pub mod signature;
pub mod status;
pub mod status_doc;
pub mod status_list;
pub mod text;
pub mod time;
pub mod trust;
pub mod verify;
#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use cbor::CborError;
pub use code::Code;
pub use profile::Profile;
pub use status::{CheckName, Lang, Outcome, Status};
pub use verify::{verify, Report};

/// The example certificate input of the crate's documentation.
#[doc(hidden)]
pub fn doc_example_input() -> certificate::SchoolCertificateInput {
    certificate::SchoolCertificateInput {
        family_name: "Martin".into(),
        given_names: "Léa".into(),
        birth_date: "2013-04-12".into(),
        school_uai: "0750654D".into(),
        school_name: "Collège Victor Hugo".into(),
        school_town: "Paris".into(),
        academie: "Paris".into(),
        school_year: "2025-2026".into(),
        level: "6e".into(),
        regime: None,
        serial: Some("2025-000123".into()),
        issued_on: None,
    }
}

/// The example trust list of the crate's documentation, naming `issuer`.
#[doc(hidden)]
pub fn doc_example_list(issuer: &keys::SecretKey) -> String {
    format!(
        r#"{{
  "format": "{format}",
  "sequence": 1,
  "issued_at": "2025-09-01T00:00:00Z",
  "next_update": "2025-12-01T00:00:00Z",
  "issuers": [
    {{
      "key_id": "{key_id}",
      "name": "Académie de Paris",
      "public_key": "{public_key}",
      "valid_from": "2025-06-01",
      "valid_until": "2026-08-31",
      "kinds": ["certificat-de-scolarite"],
      "status": "active"
    }}
  ],
  "revoked_serials": []
}}"#,
        format = trust::FORMAT,
        key_id = issuer.key_id(),
        public_key = issuer.public_key().to_base64(),
    )
}
