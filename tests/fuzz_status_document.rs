//! The `status_document` fuzz target's seeds (`fuzz/corpus/status_document/`)
//! replayed with a plain `cargo test` through the target's own function: no
//! input may panic, and each seed, named `<expected>--<what>`, must still
//! give `<expected>` (the outcome of the signed reading, `+`, that of the
//! body reading). The seeds are made here: set `CACHET_WRITE_SEEDS=1` to
//! write a missing or changed one; without it, a seed that differs from
//! what is made here fails.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

#[allow(dead_code)]
mod common {
    include!("../fuzz/fuzz_targets/status_document_common.rs");
}

use cachet::status_doc::{sign_status, KeyEntry, Kind, StatusBody};
use cachet::status_list::RevokedSet;

fn body(kind: Kind, sequence: u64, base: Option<u64>, keys: Vec<KeyEntry>) -> StatusBody {
    StatusBody {
        kind,
        sequence,
        base,
        scope: None,
        issued_at: "2026-09-15T06:00:00Z".into(),
        expires: "2026-09-17T06:00:00Z".into(),
        keys,
    }
}

fn seeds() -> Vec<(&'static str, Vec<u8>)> {
    let kid = common::issuer().key_id().to_string();
    let set = |v: &[u32]| Some(RevokedSet::from_sorted(v, common::CAPACITY).unwrap().encode());
    let full = |seq| {
        body(
            Kind::Full,
            seq,
            None,
            vec![KeyEntry { key_id: kid.clone(), revoked_indices: set(&[3, 500]), ..KeyEntry::default() }],
        )
    };
    let delta = |base| {
        body(
            Kind::Delta,
            6,
            Some(base),
            vec![KeyEntry { key_id: kid.clone(), added: set(&[7]), removed: set(&[2]), ..KeyEntry::default() }],
        )
    };
    let stranger =
        body(Kind::Full, 6, None, vec![KeyEntry { key_id: "0011223344556677".into(), ..KeyEntry::default() }]);
    let bad_indices = body(
        Kind::Full,
        6,
        None,
        vec![KeyEntry { key_id: kid.clone(), revoked_indices: Some("AAAAAQA".into()), ..KeyEntry::default() }],
    );
    vec![
        ("applied+status-json--signed-full", sign_status(common::status_key(), &full(6)).into_bytes()),
        ("status-wrong-key+status-json--signed-by-the-issuer", sign_status(common::issuer(), &full(6)).into_bytes()),
        ("status-json+applied--delta-body-on-the-held-base", delta(5).to_json().into_bytes()),
        ("status-json+status-wrong-base--delta-body-on-another-base", delta(4).to_json().into_bytes()),
        ("status-json+status-rollback--full-body-older-than-held", full(3).to_json().into_bytes()),
        ("status-json+status-entry-key--key-not-in-the-list", stranger.to_json().into_bytes()),
        ("status-json+status-indices--indices-truncated", bad_indices.to_json().into_bytes()),
        (
            "status-json+status-format--other-format",
            full(6).to_json().replace("cachet-status/1", "cachet-status/2").into_bytes(),
        ),
        ("status-json+status-json--empty", Vec::new()),
    ]
}

#[test]
fn the_status_document_corpus_replays_without_panic_and_with_the_expected_outcomes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/status_document");
    let write = std::env::var_os("CACHET_WRITE_SEEDS").is_some();
    for (name, bytes) in seeds() {
        let path = dir.join(name);
        if write {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &bytes).unwrap();
        }
        let committed =
            std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e} (CACHET_WRITE_SEEDS=1 writes it)", path.display()));
        assert_eq!(committed, bytes, "{name} differs from the seed made here");
    }
    let mut problems = Vec::new();
    let mut files: Vec<_> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_file()).collect();
    files.sort();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(path).unwrap();
        match catch_unwind(AssertUnwindSafe(|| common::status_document(&bytes))) {
            Err(_) => problems.push(format!("{name}: panicked")),
            Ok(got) => {
                if let Some((expected, _)) = name.split_once("--") {
                    if got != expected {
                        problems.push(format!("{name}: gave {got}"));
                    }
                }
            }
        }
    }
    assert!(files.len() >= 9, "only {} seeds", files.len());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
