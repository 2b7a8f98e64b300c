//! The reader's loops over every pixel, twice: with wasm SIMD (128-bit
//! vectors, 16 pixels an instruction) in the wasm, and as plain scalar
//! code everywhere else (native builds, and any part of a row the vectors
//! do not cover). Both give the same bytes: the unit tests below hold the
//! scalar code to the arithmetic, and `tests/wasm.rs` holds the SIMD code
//! to the scalar code in a browser.
//!
//! The SIMD functions carry `#[target_feature(enable = "simd128")]`
//! rather than the whole build a `-C target-feature` flag: only the
//! reader's wasm holds SIMD instructions (Chromium 91, Firefox 89, Safari
//! 16.4 and later run them); a wasm without the reader (the verify-only
//! build) has none.
//!
//! Binary images are bytes, [`DARK`] or [`LIGHT`], so that a vector
//! compare writes them directly and a bit mask of their top bits finds the
//! colour changes along a row.
//!
//! Vectors are loaded and stored through `u128` (`from_le_bytes`), which
//! the compiler turns into single `v128.load` and `v128.store`
//! instructions, without `unsafe` (the crate forbids it).

#[cfg(target_arch = "wasm32")]
use core::arch::wasm32::*;

/// A dark pixel of a binary image.
pub const DARK: u8 = 0xFF;
/// A light pixel of a binary image.
pub const LIGHT: u8 = 0;

/// Whether this build runs the SIMD code (a wasm built with `simd128`).
pub const SIMD: bool = cfg!(target_arch = "wasm32");

/// Grey levels of RGBA pixels, `(77 R + 150 G + 29 B + 128) / 256`, into
/// `out` (one byte a pixel; as many pixels as both hold).
pub fn luma(rgba: &[u8], out: &mut [u8]) {
    #[cfg(target_arch = "wasm32")]
    let done = luma_simd(rgba, out);
    #[cfg(not(target_arch = "wasm32"))]
    let done = 0;
    luma_scalar(rgba.get(4 * done..).unwrap_or(&[]), out.get_mut(done..).unwrap_or(&mut []));
}

/// [`luma`], one pixel at a time.
pub fn luma_scalar(rgba: &[u8], out: &mut [u8]) {
    // An indexed loop: the size-optimised wasm build does not inline the
    // iterator adapters, and this runs on every pixel.
    let mut i = 0;
    while let (Some(l), Some(&[r, g, b, _])) = (out.get_mut(i), rgba.get(4 * i..4 * i + 4)) {
        *l = ((r as u32 * 77 + g as u32 * 150 + b as u32 * 29 + 128) >> 8) as u8;
        i += 1;
    }
}

/// Thresholds one row: `out[x]` is [`DARK`] where `row[x] <= level[x]`,
/// else [`LIGHT`] (as many pixels as all three hold).
pub fn threshold_row(row: &[u8], level: &[u8], out: &mut [u8]) {
    #[cfg(target_arch = "wasm32")]
    let done = threshold_row_simd(row, level, out);
    #[cfg(not(target_arch = "wasm32"))]
    let done = 0;
    threshold_row_scalar(
        row.get(done..).unwrap_or(&[]),
        level.get(done..).unwrap_or(&[]),
        out.get_mut(done..).unwrap_or(&mut []),
    );
}

/// [`threshold_row`], one pixel at a time.
pub fn threshold_row_scalar(row: &[u8], level: &[u8], out: &mut [u8]) {
    let mut x = 0;
    while let (Some(&p), Some(&t), Some(o)) = (row.get(x), level.get(x), out.get_mut(x)) {
        *o = if p <= t { DARK } else { LIGHT };
        x += 1;
    }
}

/// Sum, minimum and maximum of the grey levels of each 8-pixel-wide block
/// of the rows `y0..y1` of an image `width` pixels wide, added into
/// `stats` (one entry a block, `width.div_ceil(8)` of them). The vectors
/// take a block row (8 rows) at a time; more rows go the scalar way.
pub fn block_stats(luma: &[u8], width: usize, y0: usize, y1: usize, stats: &mut [(u32, u8, u8)]) {
    #[cfg(target_arch = "wasm32")]
    let done = if y1.saturating_sub(y0) <= 8 { block_stats_simd(luma, width, y0, y1, stats) } else { 0 };
    #[cfg(not(target_arch = "wasm32"))]
    let done = 0;
    block_stats_scalar(luma, width, y0, y1, done, stats);
}

/// [`block_stats`] for the columns from `x0` (a multiple of 8) on, one
/// pixel at a time.
pub fn block_stats_scalar(luma: &[u8], width: usize, y0: usize, y1: usize, x0: usize, stats: &mut [(u32, u8, u8)]) {
    for y in y0..y1 {
        let row = luma.get(y * width + x0..(y + 1) * width).unwrap_or(&[]);
        let mut x = 0;
        while x < row.len() {
            let (mut sum, mut lo, mut hi) = (0u32, 255u8, 0u8);
            let end = (x + 8).min(row.len());
            while x < end {
                let p = row.get(x).copied().unwrap_or(0);
                sum += p as u32;
                lo = lo.min(p);
                hi = hi.max(p);
                x += 1;
            }
            if let Some(s) = stats.get_mut((x0 + end - 1) / 8) {
                *s = (s.0 + sum, s.1.min(lo), s.2.max(hi));
            }
        }
    }
}

/// Where the colour changes along a binary row ([`DARK`] and [`LIGHT`]
/// bytes: the vectors compare top bits): every `x` from 1 on with
/// `row[x] != row[x - 1]`, in order, appended to `out`.
pub fn transitions(row: &[u8], out: &mut Vec<u32>) {
    #[cfg(target_arch = "wasm32")]
    let done = transitions_simd(row, out);
    #[cfg(not(target_arch = "wasm32"))]
    let done = 1;
    transitions_scalar(row, done.max(1), out);
}

/// [`transitions`] from `x = from` on, one pixel at a time.
pub fn transitions_scalar(row: &[u8], from: usize, out: &mut Vec<u32>) {
    let mut x = from.max(1);
    let mut last = row.get(x - 1).copied();
    while let Some(&p) = row.get(x) {
        if Some(p) != last {
            out.push(x as u32);
            last = Some(p);
        }
        x += 1;
    }
}

/// Dark and light swapped, from `src` into `out`.
pub fn invert(src: &[u8], out: &mut [u8]) {
    #[cfg(target_arch = "wasm32")]
    let done = invert_simd(src, out);
    #[cfg(not(target_arch = "wasm32"))]
    let done = 0;
    let mut i = done;
    while let (Some(&s), Some(o)) = (src.get(i), out.get_mut(i)) {
        *o = !s;
        i += 1;
    }
}

/// One row of the half-size image: each output pixel the rounded mean of
/// the 2×2 square below it in rows `a` and `b` (as many as all hold).
pub fn halve_rows(a: &[u8], b: &[u8], out: &mut [u8]) {
    #[cfg(target_arch = "wasm32")]
    let done = halve_rows_simd(a, b, out);
    #[cfg(not(target_arch = "wasm32"))]
    let done = 0;
    halve_rows_scalar(a, b, done, out);
}

/// [`halve_rows`] from output pixel `from` on, one pixel at a time.
pub fn halve_rows_scalar(a: &[u8], b: &[u8], from: usize, out: &mut [u8]) {
    let mut x = from;
    while let (Some(o), Some(&[p, q]), Some(&[r, s])) =
        (out.get_mut(x), a.get(2 * x..2 * x + 2), b.get(2 * x..2 * x + 2))
    {
        *o = ((p as u32 + q as u32 + r as u32 + s as u32 + 2) / 4) as u8;
        x += 1;
    }
}

#[cfg(target_arch = "wasm32")]
mod vector {
    use core::arch::wasm32::*;

    /// The 16 bytes at `at` as a vector (one `v128.load`).
    #[inline]
    #[target_feature(enable = "simd128")]
    pub fn load(s: &[u8], at: usize) -> Option<v128> {
        let bytes: [u8; 16] = s.get(at..at + 16)?.try_into().ok()?;
        let x = u128::from_le_bytes(bytes);
        Some(u64x2(x as u64, (x >> 64) as u64))
    }

    /// Stores a vector at `at` (one `v128.store`); false when it does not fit.
    #[inline]
    #[target_feature(enable = "simd128")]
    pub fn store(s: &mut [u8], at: usize, v: v128) -> bool {
        let Some(Ok(out)) = s.get_mut(at..at + 16).map(<&mut [u8; 16]>::try_from) else { return false };
        let x = (u64x2_extract_lane::<0>(v) as u128) | ((u64x2_extract_lane::<1>(v) as u128) << 64);
        *out = x.to_le_bytes();
        true
    }
}

/// 16 pixels a step; returns how many pixels were done. A pixel's four
/// bytes read as two 16-bit lanes, `R + 256 G` and `B + 256 A`: the low
/// bytes (R, B) and the high bytes (G, A) are weighed apart, and the two
/// lanes of each pixel added into 32 bits, with no shuffle.
#[cfg(target_arch = "wasm32")]
#[target_feature(enable = "simd128")]
fn luma_simd(rgba: &[u8], out: &mut [u8]) -> usize {
    use vector::{load, store};
    /// Four pixels' `77 R + 150 G + 29 B` (at most 65,280), as 32-bit lanes.
    #[inline]
    #[target_feature(enable = "simd128")]
    fn weigh(v: v128) -> v128 {
        let low = v128_and(v, u16x8_splat(0xFF));
        let high = u16x8_shr(v, 8);
        // 255 × 77 + 255 × 150 = 57,885: each lane's sum fits 16 bits.
        let sum = u16x8_add(i16x8_mul(low, u32x4_splat(77 | 29 << 16)), i16x8_mul(high, u32x4_splat(150)));
        u32x4_extadd_pairwise_u16x8(sum)
    }
    let round = u16x8_splat(128);
    let mut i = 0;
    while let (Some(a), Some(b), Some(c), Some(d)) =
        (load(rgba, 4 * i), load(rgba, 4 * i + 16), load(rgba, 4 * i + 32), load(rgba, 4 * i + 48))
    {
        // (sum + 128) / 256 after narrowing to 16 bits: 65,280 + 128 fits.
        let lo = u16x8_shr(u16x8_add(u16x8_narrow_i32x4(weigh(a), weigh(b)), round), 8);
        let hi = u16x8_shr(u16x8_add(u16x8_narrow_i32x4(weigh(c), weigh(d)), round), 8);
        if !store(out, i, u8x16_narrow_i16x8(lo, hi)) {
            break;
        }
        i += 16;
    }
    i
}

#[cfg(target_arch = "wasm32")]
#[target_feature(enable = "simd128")]
fn threshold_row_simd(row: &[u8], level: &[u8], out: &mut [u8]) -> usize {
    use vector::{load, store};
    let mut x = 0;
    while let (Some(p), Some(t)) = (load(row, x), load(level, x)) {
        if !store(out, x, u8x16_le(p, t)) {
            break;
        }
        x += 16;
    }
    x
}

/// Two 8-pixel blocks a step, all rows at once; returns the first column
/// not done (a multiple of 16).
#[cfg(target_arch = "wasm32")]
#[target_feature(enable = "simd128")]
fn block_stats_simd(luma: &[u8], width: usize, y0: usize, y1: usize, stats: &mut [(u32, u8, u8)]) -> usize {
    use vector::load;
    let mut x = 0;
    while x + 16 <= width {
        let (mut sum, mut lo, mut hi) = (u16x8_splat(0), u8x16_splat(255), u8x16_splat(0));
        // At most 8 rows: a lane of sums holds 2 × 8 × 255 at most.
        for y in y0..y1 {
            let Some(v) = load(luma, y * width + x) else { return x };
            sum = u16x8_add(sum, u16x8_extadd_pairwise_u8x16(v));
            lo = u8x16_min(lo, v);
            hi = u8x16_max(hi, v);
        }
        // Each half folded onto its first byte: 4, 2 and 1 bytes apart.
        macro_rules! fold {
            ($v:expr, $f:ident) => {{
                let v = $v;
                let v = $f(v, i8x16_shuffle::<4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11>(v, v));
                let v = $f(v, i8x16_shuffle::<2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13>(v, v));
                $f(v, i8x16_shuffle::<1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14>(v, v))
            }};
        }
        let (lo, hi) = (fold!(lo, u8x16_min), fold!(hi, u8x16_max));
        let sums = u32x4_extadd_pairwise_u16x8(sum);
        let halves = [
            (
                u32x4_extract_lane::<0>(sums) + u32x4_extract_lane::<1>(sums),
                u8x16_extract_lane::<0>(lo),
                u8x16_extract_lane::<0>(hi),
            ),
            (
                u32x4_extract_lane::<2>(sums) + u32x4_extract_lane::<3>(sums),
                u8x16_extract_lane::<8>(lo),
                u8x16_extract_lane::<8>(hi),
            ),
        ];
        for (k, (s, l, h)) in halves.into_iter().enumerate() {
            if let Some(st) = stats.get_mut(x / 8 + k) {
                *st = (st.0 + s, st.1.min(l), st.2.max(h));
            }
        }
        x += 16;
    }
    x
}

/// 16 pixels a step; returns the first `x` not done (at least 1).
#[cfg(target_arch = "wasm32")]
#[target_feature(enable = "simd128")]
fn transitions_simd(row: &[u8], out: &mut Vec<u32>) -> usize {
    use vector::load;
    let mut x = 1;
    while let (Some(here), Some(before)) = (load(row, x), load(row, x - 1)) {
        let mut changes = i8x16_bitmask(v128_xor(here, before));
        while changes != 0 {
            out.push(x as u32 + changes.trailing_zeros());
            changes &= changes - 1;
        }
        x += 16;
    }
    x
}

#[cfg(target_arch = "wasm32")]
#[target_feature(enable = "simd128")]
fn invert_simd(src: &[u8], out: &mut [u8]) -> usize {
    use vector::{load, store};
    let mut i = 0;
    while let Some(v) = load(src, i) {
        if !store(out, i, v128_not(v)) {
            break;
        }
        i += 16;
    }
    i
}

/// 16 output pixels a step; returns how many were done.
#[cfg(target_arch = "wasm32")]
#[target_feature(enable = "simd128")]
fn halve_rows_simd(a: &[u8], b: &[u8], out: &mut [u8]) -> usize {
    use vector::{load, store};
    #[inline]
    #[target_feature(enable = "simd128")]
    fn mean(p: v128, q: v128) -> v128 {
        let s = u16x8_add(u16x8_extadd_pairwise_u8x16(p), u16x8_extadd_pairwise_u8x16(q));
        u16x8_shr(u16x8_add(s, u16x8_splat(2)), 2)
    }
    let mut x = 0;
    while let (Some(a0), Some(a1), Some(b0), Some(b1)) =
        (load(a, 2 * x), load(a, 2 * x + 16), load(b, 2 * x), load(b, 2 * x + 16))
    {
        if !store(out, x, u8x16_narrow_i16x8(mean(a0, b0), mean(a1, b1))) {
            break;
        }
        x += 16;
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Xorshift32 bytes.
    fn noise(n: usize, mut s: u32) -> Vec<u8> {
        (0..n)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 17;
                s ^= s << 5;
                (s >> 24) as u8
            })
            .collect()
    }

    #[test]
    fn luma_weighs_the_channels() {
        let rgba = [255, 255, 255, 0, 0, 0, 0, 255, 255, 0, 0, 9, 0, 255, 0, 9, 0, 0, 255, 9];
        let mut out = [1u8; 5];
        luma(&rgba, &mut out);
        assert_eq!(out, [255, 0, 77, 149, 29]);
        // The rounding at every level of grey.
        let grey: Vec<u8> = (0..=255u8).flat_map(|v| [v, v, v, 255]).collect();
        let mut out = vec![0u8; 256];
        luma(&grey, &mut out);
        assert!(out.iter().enumerate().all(|(i, &l)| l as usize == i));
    }

    #[test]
    fn the_dispatchers_match_the_scalar_code() {
        // Natively the dispatchers run the scalar code; in a wasm built
        // with simd128 the same comparison is in tests/wasm.rs.
        for (w, h) in [(1, 1), (17, 3), (64, 9), (250, 17)] {
            let img = noise(w * h * 4, 7 + w as u32);
            let (mut a, mut b) = (vec![0; w * h], vec![0; w * h]);
            luma(&img, &mut a);
            luma_scalar(&img, &mut b);
            assert_eq!(a, b);
            let mut s = vec![(0, 255, 0); w.div_ceil(8)];
            block_stats(&a, w, 0, h.min(8), &mut s);
            let mut t = vec![(0, 255, 0); w.div_ceil(8)];
            block_stats_scalar(&a, w, 0, h.min(8), 0, &mut t);
            assert_eq!(s, t);
        }
    }

    #[test]
    fn block_stats_per_block() {
        // Two rows of 10 pixels: blocks of 8 and 2.
        let luma: Vec<u8> = (0..20).map(|i| i as u8 * 10).collect();
        let mut s = vec![(0, 255, 0); 2];
        block_stats(&luma, 10, 0, 2, &mut s);
        let want0: u32 = (0..8).chain(10..18).map(|i| i * 10).sum();
        assert_eq!(s, vec![(want0, 0, 170), (80 + 90 + 180 + 190, 80, 190)]);
    }

    #[test]
    fn transitions_and_threshold() {
        let row = [0u8, 0, 255, 255, 0, 255];
        let mut t = Vec::new();
        transitions(&row, &mut t);
        assert_eq!(t, vec![2, 4, 5]);
        let mut out = [7u8; 6];
        threshold_row(&[10, 20, 30, 40, 50, 60], &[10, 10, 40, 40, 40, 100], &mut out);
        assert_eq!(out, [DARK, LIGHT, DARK, DARK, LIGHT, DARK]);
        let mut inv = [0u8; 6];
        invert(&out, &mut inv);
        assert_eq!(inv, [LIGHT, DARK, LIGHT, LIGHT, DARK, LIGHT]);
        let mut half = [0u8; 2];
        halve_rows(&[0, 1, 10, 10, 99], &[1, 1, 10, 11, 99], &mut half);
        assert_eq!(half, [1, 10]);
    }
}
