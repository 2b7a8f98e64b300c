//! A QR code reader (ISO/IEC 18004, model 2): pixels in, texts out, in
//! pure Rust for the browser's wasm.
//!
//! The data's path: [`binarize`] (grey to dark/light, locally) →
//! [`detect`] (finder patterns, triples of them) → [`sample`] (size,
//! alignment pattern, perspective, one sample per module) → [`decode`]
//! (format, unmasking, Reed–Solomon, segments).
//!
//! The cheap pass comes first: one threshold of the full frame. Only when
//! it finds nothing are the inverted image (light-on-dark codes), a
//! half-size image (noise, blur), a lower contrast threshold (full and
//! half size), a 3×3 mean (screen moiré), an unsharp mask (blur) and a
//! 2×2 mean sharpened (both) tried, each as seen and inverted; last, codes
//! of small modules are read again from a crop at twice the size (a small
//! image: all of it). Passes and candidate counts are fixed, so the time
//! is bounded on any pixels. [`Effort::Quick`] stops after the half-size
//! image.
//!
//! ```
//! // An all-white frame holds no code.
//! assert!(cachet::scan::scan_luma(&[255; 64 * 48], 64, 48).is_empty());
//! ```

pub mod binarize;
mod charset;
pub mod decode;
pub mod detect;
mod rs;
pub mod sample;
pub mod simd;

use binarize::Bits;

/// A code found in an image: its text and where it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Found {
    /// The decoded text.
    pub text: String,
    /// The finder centres, top-left, top-right, bottom-left, in pixels of
    /// the image given.
    pub finders: [(f32, f32); 3],
    /// Modules per side (4 × version + 17).
    pub dim: usize,
}

/// At most this many finder triples are tried per pass (bounded time).
const MAX_TRIPLES: usize = 40;

/// Reads every QR code in an RGBA image (`width * height * 4` bytes, as a
/// canvas's `ImageData.data`). Returns their distinct texts; empty when the
/// buffer does not match the size.
pub fn scan_rgba(rgba: &[u8], width: usize, height: usize) -> Vec<String> {
    scan_rgba_with(rgba, width, height, Effort::Full)
}

/// How hard to look.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effort {
    /// The cheap passes only: the frame and its half-size copy at the usual
    /// threshold, each as seen and inverted. For a camera's frames, most of
    /// which hold no code: about a third of the full time on a frame of
    /// grain.
    Quick,
    /// Every pass, down to low contrast, moiré, blur and tiny images.
    Full,
}

/// As [`scan_rgba`], with the effort to spend.
pub fn scan_rgba_with(rgba: &[u8], width: usize, height: usize, effort: Effort) -> Vec<String> {
    match width.checked_mul(height).and_then(|n| n.checked_mul(4)) {
        Some(n) if n == rgba.len() && n > 0 => {}
        _ => return Vec::new(),
    }
    let mut luma = vec![0u8; width * height];
    simd::luma(rgba, &mut luma);
    scan_luma_found_with(&luma, width, height, effort).into_iter().map(|f| f.text).collect()
}

/// Reads every QR code in a grey image (`width * height` levels, 0 black).
/// Returns their distinct texts; empty when the buffer does not match.
pub fn scan_luma(luma: &[u8], width: usize, height: usize) -> Vec<String> {
    scan_luma_found(luma, width, height).into_iter().map(|f| f.text).collect()
}

/// As [`scan_luma`], with where each code was found.
pub fn scan_luma_found(luma: &[u8], width: usize, height: usize) -> Vec<Found> {
    scan_luma_found_with(luma, width, height, Effort::Full)
}

/// As [`scan_luma_found`], with the effort to spend.
pub fn scan_luma_found_with(luma: &[u8], width: usize, height: usize, effort: Effort) -> Vec<Found> {
    if width == 0 || height == 0 || width.checked_mul(height) != Some(luma.len()) {
        return Vec::new();
    }
    let mut found = Vec::new();
    let bits = binarize::local_threshold(luma, width, height, 24);
    let large = width >= 160 && height >= 160;
    // A grainy frame (sensor noise in low light) is read at half size
    // first: averaging four pixels is the cheapest denoiser.
    let grainy = large && bits.transition_density() > 0.2;
    if !grainy {
        read_both(&bits, 1.0, &mut found);
        if !found.is_empty() {
            return found;
        }
    }
    let half = large.then(|| binarize::downscale(luma, width, height));
    if let Some((half, w, h)) = &half {
        read_both(&binarize::local_threshold(half, *w, *h, 24), 2.0, &mut found);
        if !found.is_empty() {
            return found;
        }
    }
    if grainy {
        read_both(&bits, 1.0, &mut found);
        if !found.is_empty() {
            return found;
        }
    }
    if effort == Effort::Quick {
        return found;
    }
    // Low contrast: blocks judged uniform above only when nearly flat.
    read_both(&binarize::local_threshold(luma, width, height, 6), 1.0, &mut found);
    if !found.is_empty() {
        return found;
    }
    if let Some((half, w, h)) = &half {
        // Low contrast and noise together.
        read_both(&binarize::local_threshold(half, *w, *h, 6), 2.0, &mut found);
        if !found.is_empty() {
            return found;
        }
    }
    // Screen moiré averaged out; then blur undone by unsharp masking.
    let mean = binarize::box3(luma, width, height);
    read_both(&binarize::local_threshold(&mean, width, height, 24), 1.0, &mut found);
    if !found.is_empty() {
        return found;
    }
    read_both(&binarize::local_threshold(&binarize::sharpen(luma, &mean, 4), width, height, 24), 1.0, &mut found);
    if !found.is_empty() {
        return found;
    }
    // Both: a 2×2 mean (a 2-pixel screen pattern cancels), then sharpened.
    let fine = binarize::box2(luma, width, height);
    let fine_mean = binarize::box3(&fine, width, height);
    read_both(&binarize::local_threshold(&binarize::sharpen(&fine, &fine_mean, 4), width, height, 24), 1.0, &mut found);
    if found.is_empty() && width.max(height) <= 640 {
        // A small image: its modules may be a pixel or two.
        let (double, w, h) = binarize::upscale(luma, width, height);
        read_both(&binarize::local_threshold(&double, w, h, 24), 0.5, &mut found);
    } else if found.is_empty() {
        read_small_codes(luma, width, &bits, &mut found);
    }
    found
}

/// At most this many candidate codes of small modules are read again at
/// twice the size, each from a crop of at most `MAX_CROP` pixels a side.
const SMALL_CODE_TRIPLES: usize = 4;
const MAX_CROP: usize = 400;

/// Codes of small modules (under 3 px) in a large frame: the region of each
/// likely triple of finders, cropped and read at twice the size, where the
/// finders' centres and the timing patterns are sharp enough to measure.
fn read_small_codes(luma: &[u8], width: usize, bits: &Bits, found: &mut Vec<Found>) {
    let finders = detect::find_finders(bits);
    for triple in detect::triples(&finders, SMALL_CODE_TRIPLES) {
        let corners = triple.corners.map(|i| finders.get(i).copied());
        let [Some(tl), Some(tr), Some(bl)] = corners else { continue };
        let module = (tl.module + tr.module + bl.module) / 3.0;
        if module >= 3.0 {
            continue;
        }
        // The three centres and the fourth corner, with a margin of 8 modules.
        let xs = [tl.x, tr.x, bl.x, tr.x + bl.x - tl.x];
        let ys = [tl.y, tr.y, bl.y, tr.y + bl.y - tl.y];
        let margin = 8.0 * module;
        let lo = |v: [f32; 4]| (v.iter().fold(f32::MAX, |a, &b| a.min(b)) - margin).max(0.0) as usize;
        let hi = |v: [f32; 4], limit: usize| ((v.iter().fold(0f32, |a, &b| a.max(b)) + margin) as usize).min(limit);
        let (x0, y0) = (lo(xs), lo(ys));
        let (x1, y1) = (hi(xs, bits.width), hi(ys, bits.height));
        let (w, h) = (x1.saturating_sub(x0), y1.saturating_sub(y0));
        if w < 21 || h < 21 || w > MAX_CROP || h > MAX_CROP {
            continue;
        }
        let mut crop = Vec::with_capacity(w * h);
        for y in y0..y1 {
            crop.extend_from_slice(luma.get(y * width + x0..y * width + x1).unwrap_or(&[]));
        }
        if crop.len() != w * h {
            continue;
        }
        let (double, w2, h2) = binarize::upscale(&crop, w, h);
        read_both_at(&binarize::local_threshold(&double, w2, h2, 24), 0.5, (x0 as f32, y0 as f32), found);
        if !found.is_empty() {
            return;
        }
    }
}

/// Reads a binary image as it is, then inverted (light-on-dark codes) if
/// nothing was found.
fn read_both(bits: &Bits, scale: f32, found: &mut Vec<Found>) {
    read_both_at(bits, scale, (0.0, 0.0), found);
}

/// As [`read_both`], for an image whose pixel (0, 0) is at `origin` in the
/// caller's pixels.
fn read_both_at(bits: &Bits, scale: f32, origin: (f32, f32), found: &mut Vec<Found>) {
    read_all(bits, scale, origin, found);
    if found.is_empty() {
        read_all(&bits.inverted(), scale, origin, found);
    }
}

/// Reads every code in one binary image; `scale` maps its pixels to the
/// caller's.
fn read_all(bits: &Bits, scale: f32, origin: (f32, f32), found: &mut Vec<Found>) {
    let finders = detect::find_finders(bits);
    let crowded = finders.len() >= 40;
    let mut used = vec![false; finders.len()];
    for triple in detect::triples(&finders, MAX_TRIPLES) {
        if triple.corners.iter().any(|&i| used.get(i).copied().unwrap_or(true)) {
            continue;
        }
        let [tl, tr, bl] = triple.corners.map(|i| finders.get(i).copied());
        let (Some(tl), Some(tr), Some(bl)) = (tl, tr, bl) else { continue };
        if crowded && [tl, tr, bl].iter().any(|f| f.count < 2) {
            // Among many candidates (grain), one seen on a single line is noise.
            continue;
        }
        if let Some((text, dim)) = read_triple(bits, &tl, &tr, &bl) {
            for i in triple.corners {
                if let Some(u) = used.get_mut(i) {
                    *u = true;
                }
            }
            if !found.iter().any(|f| f.text == text) {
                let at = |f: &detect::Finder| (origin.0 + f.x * scale, origin.1 + f.y * scale);
                found.push(Found { text, finders: [at(&tl), at(&tr), at(&bl)], dim });
            }
        }
    }
}

/// Tries the likely sizes of the code framed by three finders, each as seen
/// and mirrored.
fn read_triple(bits: &Bits, tl: &detect::Finder, tr: &detect::Finder, bl: &detect::Finder) -> Option<(String, usize)> {
    let geometry = sample::Geometry::measure(bits, tl, tr, bl)?;
    for dim in geometry.refined_sizes(bits) {
        for placement in geometry.placements(bits, dim) {
            let grid = sample::sample(bits, &placement.transform, dim);
            if let Ok(text) = decode::decode_grid(&grid) {
                return Some((text, dim));
            }
            // A mirrored code (printed on film, seen from behind) reads transposed.
            if let Ok(text) = decode::decode_grid(&grid.transposed()) {
                return Some((text, dim));
            }
            // A bent code: corrected at each alignment pattern.
            if let Some(grid) = sample::sample_local(bits, &placement.transform, dim) {
                if let Ok(text) = decode::decode_grid(&grid) {
                    return Some((text, dim));
                }
            }
        }
    }
    None
}
