//! Measures the revoked sets at national scale (TRUST.md, "Sizes at
//! national scale"): 20 million certificates over 30 issuer keys, with
//! 20,000 to 1,000,000 revoked at random. For each: the Rice-coded size
//! (raw and base64url), its distance from the entropy bound
//! `log2 C(capacity, revoked)` summed over the keys, the time to decode and
//! build the look-up structure, its memory, and beside it the IETF Token
//! Status List's baseline: one bit per index, deflated (zlib). Every index
//! of the universe is then looked up and compared with the truth.
//!
//! ```text
//! cargo test --release -p cachet --test status_list_sizes -- --ignored --nocapture
//! ```
//!
//! A measurement, not a test of speed: times are printed, never asserted.

use cachet::status_list::{RevokedSet, DEFAULT_CAPACITY};
use flate2::{write::ZlibEncoder, Compression};
use rand_chacha::rand_core::{RngCore, SeedableRng};
use std::io::Write;
use std::time::Instant;

const UNIVERSE: u64 = 20_000_000;
const KEYS: u64 = 30;

/// `log2 C(n, k)`, summed term by term.
fn log2_binomial(n: u64, k: u64) -> f64 {
    (0..k).map(|i| ((n - i) as f64 / (k - i) as f64).log2()).sum()
}

/// The IETF Token Status List's bitstring (1 bit per index, index 0 the
/// least significant bit of the first byte), deflated with zlib.
fn deflated_bitstring(indices: &[u32], capacity: u32) -> usize {
    let mut bits = vec![0u8; (capacity as usize).div_ceil(8)];
    for &i in indices {
        bits[i as usize / 8] |= 1 << (i % 8);
    }
    let mut z = ZlibEncoder::new(Vec::new(), Compression::best());
    z.write_all(&bits).unwrap();
    z.finish().unwrap().len()
}

fn b64_len(n: usize) -> usize {
    (n * 4).div_ceil(3)
}

/// `revoked` certificates at random among the universe, as sorted indices per key.
fn revoked_per_key(revoked: usize, capacity: u32, seed: u64) -> Vec<Vec<u32>> {
    let per_key = UNIVERSE / KEYS;
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(seed);
    // A certificate is (key, ordinal); its index is a random distinct place
    // of the key's space (the keyed permutation's output), drawn here directly.
    let mut keys: Vec<Vec<u32>> = vec![Vec::new(); KEYS as usize];
    let mut chosen = vec![false; (per_key * KEYS) as usize];
    let mut n = 0;
    while n < revoked {
        let c = rng.next_u64() % (per_key * KEYS);
        if !std::mem::replace(&mut chosen[c as usize], true) {
            keys[(c / per_key) as usize].push(0);
            n += 1;
        }
    }
    // Each key's revoked certificates get distinct random indices below the capacity.
    for list in &mut keys {
        let mut taken = std::collections::HashSet::with_capacity(list.len());
        for slot in list.iter_mut() {
            loop {
                let i = rng.next_u32() % capacity;
                if taken.insert(i) {
                    *slot = i;
                    break;
                }
            }
        }
        list.sort_unstable();
    }
    keys
}

#[test]
#[ignore = "a measurement: 20 million look-ups; run in release with --ignored --nocapture"]
fn revoked_sets_at_national_scale() {
    let tight = (UNIVERSE / KEYS) as u32 + 1;
    println!("universe {UNIVERSE} certificates over {KEYS} keys; a key's capacity: {tight} (tight) or {DEFAULT_CAPACITY} (default)");
    println!("| revoked | capacity | Rice raw | base64url | bits/revoked | above the bound | decode + look-up build (fastest, median of 9) | memory | IETF deflated bitstring | base64url |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for capacity in [tight, DEFAULT_CAPACITY] {
        for revoked in [20_000usize, 100_000, 400_000, 1_000_000] {
            let keys = revoked_per_key(revoked, capacity, revoked as u64);
            let texts: Vec<String> =
                keys.iter().map(|k| RevokedSet::from_sorted(k, capacity).unwrap().encode()).collect();
            // The machine is shared: the fastest and the median of 9 decodings of all 30 keys.
            let mut times = Vec::new();
            let mut sets = Vec::new();
            for _ in 0..9 {
                let start = Instant::now();
                sets = texts.iter().map(|t| RevokedSet::decode(t, capacity).unwrap()).collect();
                times.push(start.elapsed());
            }
            times.sort();
            let (fastest, elapsed) = (times[0], times[times.len() / 2]);
            let raw: usize = sets.iter().map(RevokedSet::coded_len).sum();
            let b64: usize = texts.iter().map(String::len).sum();
            let memory: usize = sets.iter().map(|s| s.coded_len() + s.len().div_ceil(64) * 8).sum();
            let bound: f64 = keys.iter().map(|k| log2_binomial(u64::from(capacity), k.len() as u64)).sum::<f64>() / 8.0;
            let deflated: usize = keys.iter().map(|k| deflated_bitstring(k, capacity)).sum();
            println!(
                "| {revoked} | {capacity} | {:.1} KiB | {:.1} KiB | {:.2} | {:+.2} % | {:.1} ms, {:.1} ms | {:.2} MiB | {:.1} KiB | {:.1} KiB |",
                raw as f64 / 1024.0,
                b64 as f64 / 1024.0,
                raw as f64 * 8.0 / revoked as f64,
                (raw as f64 / bound - 1.0) * 100.0,
                fastest.as_secs_f64() * 1000.0,
                elapsed.as_secs_f64() * 1000.0,
                memory as f64 / (1 << 20) as f64,
                deflated as f64 / 1024.0,
                b64_len(deflated) as f64 / 1024.0,
            );
            // Exact: every index of every key, revoked or not, looked up.
            let start = Instant::now();
            for (set, truth) in sets.iter().zip(&keys) {
                let mut t = truth.iter().peekable();
                for i in 0..capacity {
                    let revoked = t.next_if_eq(&&i).is_some();
                    assert_eq!(set.contains(i), revoked, "index {i}");
                }
            }
            let looked = u64::from(capacity) * KEYS;
            println!(
                "  {looked} look-ups, all exact, {:.0} ns each",
                start.elapsed().as_secs_f64() * 1e9 / looked as f64
            );
        }
    }
}
