//! Benchmarks of the core: what a verifier does per scan, what an issuer
//! does per certificate and per batch, and what a verifier pays once per
//! trust list. `cargo bench --bench core`; `cargo xtask bench` adds the
//! CLI's batch rate.

use cachet::certificate::SchoolCertificateInput;
use cachet::keys::{PublicKey, SecretKey};
use cachet::time::{parse_rfc3339, Date, Timestamp};
use cachet::trust::{self, IssuerEntry, KeyStatus, TrustList, TrustListBody};
use cachet::{issue, text, verify, Status};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};
use rayon::prelude::*;
use std::hint::black_box;

/// Where the benchmarks stand: a school day in 2025-2026.
fn today() -> Date {
    Date::parse("2025-09-15").unwrap()
}

fn now() -> Timestamp {
    parse_rfc3339("2025-10-01T09:00:00Z").unwrap()
}

/// A typical certificate's input: a collège pupil, with a régime and a serial.
fn input() -> SchoolCertificateInput {
    SchoolCertificateInput {
        family_name: "Martin-Lefèvre".into(),
        given_names: "Léa Marie".into(),
        regime: Some("demi-pensionnaire".into()),
        issued_on: Some("2025-09-15".into()),
        ..cachet::doc_example_input()
    }
}

fn issuer_key(i: u8) -> SecretKey {
    SecretKey::from_seed(&[i; 32])
}

/// A signed list of `issuers` keys (the first is `issuer_key(1)`) and
/// `revoked` serials.
fn signed_list(root: &SecretKey, issuers: u8, revoked: usize) -> String {
    let mut body = TrustListBody::new();
    body.sequence = 1;
    body.issued_at = "2025-09-01T00:00:00Z".into();
    body.next_update = "2025-12-01T00:00:00Z".into();
    body.issuers = (1..=issuers)
        .map(|i| {
            let key = issuer_key(i);
            IssuerEntry {
                key_id: key.key_id().to_string(),
                name: format!("Académie n° {i}"),
                public_key: key.public_key().to_base64(),
                valid_from: "2025-06-01".into(),
                valid_until: "2026-08-31".into(),
                kinds: vec!["certificat-de-scolarite".into()],
                status: KeyStatus::Active,
                ..IssuerEntry::default()
            }
        })
        .collect();
    body.revoked_serials = (0..revoked).map(|n| format!("2024-R{n:05}")).collect();
    trust::sign_list(root, &serde_json::to_string_pretty(&body).unwrap()).unwrap()
}

fn single(c: &mut Criterion) {
    let root = SecretKey::from_seed(&[0xee; 32]);
    let key = issuer_key(1);
    let signed = signed_list(&root, 30, 10_000);
    let roots = [root.public_key().clone()];
    let list = TrustList::load(signed.as_bytes(), &roots, None).unwrap();
    let token = issue::issue(&key, &input(), today()).unwrap().token;
    assert_eq!(verify::verify(&token, &list, now()).status, Status::Valid);

    c.bench_function("verify one certificate", |b| {
        b.iter(|| verify::verify(black_box(&token), black_box(&list), now()))
    });

    // The signature alone, on a certificate's signing input: the verifier's
    // kept key (fixed-base tables, src/signature.rs) beside ed25519-dalek's
    // verify_strict, which it replaces with the same verdicts.
    let cose = issue::issue(&key, &input(), today()).unwrap().cose;
    let envelope = cachet::envelope::open(&cose).unwrap();
    let message = cachet::envelope::signing_input(envelope.protected, envelope.payload);
    let public = key.public_key().clone();
    let dalek = ed25519_dalek::VerifyingKey::from_bytes(public.as_bytes()).unwrap();
    let signature = ed25519_dalek::Signature::from_slice(envelope.signature).unwrap();
    assert!(public.verify(&message, envelope.signature).is_ok());
    assert!(dalek.verify_strict(&message, &signature).is_ok());
    c.bench_function("Ed25519 verify: PublicKey::verify (kept table)", |b| {
        b.iter(|| public.verify(black_box(&message), black_box(envelope.signature)))
    });
    c.bench_function("Ed25519 verify: ed25519-dalek verify_strict", |b| {
        b.iter(|| dalek.verify_strict(black_box(&message), black_box(&signature)))
    });
    // One key for one signature (test vectors, a one-off check): the key
    // checked and decompressed each time, no table kept.
    let key_bytes = *public.as_bytes();
    c.bench_function("Ed25519 verify: verify_ed25519 (one shot, key checked)", |b| {
        b.iter(|| cachet::signature::verify_ed25519(black_box(&key_bytes), black_box(&message), envelope.signature))
    });
    // A key's first signature makes no table (small tables, src/signature.rs);
    // its second makes the table the key keeps: each verification is with a
    // fresh key, read (and dropped) outside the timing, and for the second,
    // verified once outside the timing too.
    let strangers: Vec<_> = (0..100u8).map(|i| *SecretKey::from_seed(&[i; 32]).public_key().as_bytes()).collect();
    let mut next = strangers.iter().cycle();
    c.bench_function("Ed25519 verify with a key not seen before (no table)", |b| {
        b.iter_batched_ref(
            || next.next().and_then(|k| PublicKey::from_bytes(k).ok()),
            |k| k.as_ref().map(|k| k.verify(black_box(&message), envelope.signature)),
            BatchSize::SmallInput,
        )
    });
    c.bench_function("Ed25519 verify with a key seen once (its table made)", |b| {
        b.iter_batched_ref(
            || {
                let k = next.next().and_then(|k| PublicKey::from_bytes(k).ok());
                let _ = k.as_ref().map(|k| k.verify(&message, envelope.signature));
                k
            },
            |k| k.as_ref().map(|k| k.verify(black_box(&message), envelope.signature)),
            BatchSize::SmallInput,
        )
    });

    let input = input();
    c.bench_function("issue one certificate", |b| b.iter(|| issue::issue(&key, black_box(&input), today())));

    c.bench_function("load trust list (30 issuers, 10000 revoked serials)", |b| {
        b.iter(|| TrustList::load(black_box(signed.as_bytes()), &roots, None))
    });

    let url = text::url_of("https://verifier.cachet.example/", &token);
    c.bench_function("QR SVG of a typical URL (EC level M)", |b| {
        b.iter(|| {
            let code = QrCode::with_error_correction_level(black_box(url.as_bytes()), EcLevel::M).unwrap();
            code.render::<svg::Color<'_>>().min_dimensions(256, 256).build()
        })
    });
}

/// A name part for a number (names hold no digits): 0 → "a", 27 → "ch".
fn letters(n: usize) -> String {
    n.to_string().bytes().map(|d| char::from(d - b'0' + b'a')).collect()
}

fn batch(c: &mut Criterion) {
    const N: usize = 10_000;
    let key = issuer_key(1);
    let base = input();
    let inputs: Vec<SchoolCertificateInput> = (0..N)
        .map(|n| SchoolCertificateInput {
            family_name: format!("Élève {}", letters(n / 26)),
            given_names: format!("Prénom {}", letters(n % 26)),
            serial: None,
            ..base.clone()
        })
        .collect();
    let first = issue::issue(&key, &inputs[0], today());
    assert!(first.is_ok(), "{first:?}");

    let mut group = c.benchmark_group("batch issuance");
    group.throughput(Throughput::Elements(N as u64));
    group.sample_size(10);
    group.bench_function(format!("issue {N} in parallel on {} threads", rayon::current_num_threads()), |b| {
        b.iter(|| {
            inputs
                .par_iter()
                .map(|i| issue::issue(&key, i, today()).map(|issued| issued.token))
                .collect::<Result<Vec<_>, _>>()
                .unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, single, batch);
criterion_main!(benches);
