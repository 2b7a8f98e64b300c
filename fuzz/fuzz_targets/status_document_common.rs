// The status document target's per-input function, shared by the fuzz
// target (fuzz/fuzz_targets/status_document.rs) and the corpus replay
// (tests/fuzz_status_document.rs). Included, not a module of its own.
//
// A fixed trust list (one issuer key with 1000 status indices, a status
// key) and a fixed `now`; any bytes are read three ways: as a signed status
// document, as a document body (then checked against the list, signed by
// the status key and loaded again), and applied to a held state. Nothing
// may panic; what is accepted must hold its properties.

use cachet::keys::SecretKey;
use cachet::status_doc::{sign_status, Kind, StatusBody, StatusDocument, StatusState};
use cachet::time::{parse_rfc3339, Timestamp};
use cachet::trust::{sign_list, IssuerEntry, KeyStatus, StatusKeyEntry, TrustList, TrustListBody};
use std::sync::OnceLock;

pub const CAPACITY: u32 = 1000;

pub fn issuer() -> &'static SecretKey {
    static KEY: OnceLock<SecretKey> = OnceLock::new();
    KEY.get_or_init(|| SecretKey::from_seed(&[0x31; 32]))
}

pub fn status_key() -> &'static SecretKey {
    static KEY: OnceLock<SecretKey> = OnceLock::new();
    KEY.get_or_init(|| SecretKey::from_seed(&[0x32; 32]))
}

pub fn now() -> Timestamp {
    parse_rfc3339("2026-09-15T12:00:00Z").unwrap_or_default()
}

/// The list every input is read against.
pub fn fixture() -> &'static TrustList {
    static LIST: OnceLock<TrustList> = OnceLock::new();
    LIST.get_or_init(|| {
        let root = SecretKey::from_seed(&[0x30; 32]);
        let mut body = TrustListBody::new();
        body.sequence = 1;
        body.issued_at = "2026-09-01T00:00:00Z".into();
        body.next_update = "2026-10-01T00:00:00Z".into();
        body.issuers.push(IssuerEntry {
            key_id: issuer().key_id().to_string(),
            name: "Académie de Paris".into(),
            public_key: issuer().public_key().to_base64(),
            valid_from: "2026-06-01".into(),
            valid_until: "2027-08-31".into(),
            kinds: vec!["certificat-de-scolarite".into()],
            status: KeyStatus::Active,
            status_capacity: Some(CAPACITY),
            ..IssuerEntry::default()
        });
        body.status_key = Some(StatusKeyEntry {
            key_id: status_key().key_id().to_string(),
            public_key: status_key().public_key().to_base64(),
            expires: "2026-10-15T00:00:00Z".into(),
        });
        let json = serde_json::to_string_pretty(&body).unwrap_or_default();
        let signed = sign_list(&root, &json).unwrap_or_default();
        TrustList::load(signed.as_bytes(), &[root.public_key().clone()], None).unwrap_or_else(|e| panic!("fixture: {e}"))
    })
}

/// A held state: a full document with indices 1, 2 and 999, sequence 5.
fn held() -> &'static StatusState {
    static HELD: OnceLock<StatusState> = OnceLock::new();
    HELD.get_or_init(|| {
        let set =
            cachet::status_list::RevokedSet::from_sorted(&[1, 2, 999], CAPACITY).unwrap_or_else(|e| panic!("{e}"));
        let body = StatusBody {
            kind: Kind::Full,
            sequence: 5,
            base: None,
            scope: None,
            issued_at: "2026-09-15T00:00:00Z".into(),
            expires: "2026-09-17T00:00:00Z".into(),
            keys: vec![cachet::status_doc::KeyEntry {
                key_id: issuer().key_id().to_string(),
                revoked_indices: Some(set.encode()),
                ..Default::default()
            }],
        };
        let doc = StatusDocument::load(sign_status(status_key(), &body).as_bytes(), fixture(), now())
            .unwrap_or_else(|e| panic!("held: {e}"));
        StatusState::apply(None, &doc).unwrap_or_else(|e| panic!("held: {e}"))
    })
}

fn check_state(state: &StatusState) {
    for set in state.sets().values() {
        let all: Vec<u32> = set.iter().collect();
        assert_eq!(all.len(), set.len());
        assert!(all.windows(2).all(|w| w[0] < w[1]), "a set out of order");
        assert!(all.iter().all(|i| *i < set.capacity() && set.contains(*i)));
    }
}

/// The outcome's name, `signed+body`: for the signed reading and the body
/// reading (applied to a held state when it checks), `applied` or the code
/// of the first refusal.
pub fn status_document(data: &[u8]) -> String {
    let (trust, now) = (fixture(), now());
    // 1. As a signed document: a random signature never verifies, but the
    // wrapper, its errors and their offsets are read.
    let signed = match StatusDocument::load(data, trust, now) {
        Ok(doc) => {
            let state = StatusState::apply(None, &doc);
            if let Ok(s) = &state {
                check_state(s);
            }
            "applied".to_owned()
        }
        Err(e) => e.code().to_owned(),
    };
    // 2. As a body: read, checked against the list, written back the same,
    // then signed by the status key and loaded like any document.
    let body = match StatusBody::read(data) {
        Err(e) => e.code().to_owned(),
        Ok(body) => {
            let again = StatusBody::read(body.to_json().as_bytes());
            assert_eq!(again.as_ref().ok(), Some(&body), "a body does not read back as written");
            match StatusDocument::from_body(&body, trust) {
                Err(e) => e.code().to_owned(),
                Ok(doc) => {
                    let reloaded = StatusDocument::load(sign_status(status_key(), &body).as_bytes(), trust, now);
                    match &reloaded {
                        Ok(r) => assert_eq!(r, &doc, "the signed body loads as the checked one"),
                        Err(e) => assert!(
                            matches!(e.code(), "status-expired"),
                            "a checked body, signed by the status key, refused: {e}"
                        ),
                    }
                    // 3. Applied to a held state.
                    match StatusState::apply(Some(held()), &doc) {
                        Ok(state) => {
                            check_state(&state);
                            assert!(state.sequence() >= held().sequence());
                            "applied".to_owned()
                        }
                        Err(e) => e.code().to_owned(),
                    }
                }
            }
        }
    };
    format!("{signed}+{body}")
}
