//! Grey levels to dark and light: a local threshold per 8×8 block, from the
//! mean of the 5×5 blocks around it, so that uneven light, shadows and a
//! gradient across the code do not matter. A block with too little contrast
//! to judge (plain paper, or plain ink) borrows its neighbours' level.
//! The loops over every pixel are in [`simd`] (wasm SIMD, or scalar).

use super::simd::{self, DARK, LIGHT};

/// A binary image, one byte a pixel: [`DARK`] or [`LIGHT`].
#[derive(Clone, Debug)]
pub struct Bits {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    data: Vec<u8>,
}

impl Bits {
    /// An all-light image (for tests and the fuzz target).
    pub fn new(width: usize, height: usize) -> Bits {
        Bits { width, height, data: vec![LIGHT; width.saturating_mul(height)] }
    }

    /// The pixel at (`x`, `y`); outside the image is light.
    #[inline]
    pub fn get(&self, x: usize, y: usize) -> bool {
        x < self.width && self.data.get(y.wrapping_mul(self.width).wrapping_add(x)).is_some_and(|&p| p != LIGHT)
    }

    /// The pixel at (`x`, `y`) given as signed coordinates; outside is light.
    #[inline]
    pub fn get_i(&self, x: i64, y: i64) -> bool {
        x >= 0 && y >= 0 && self.get(x as usize, y as usize)
    }

    /// Sets the pixel at (`x`, `y`), when it is inside.
    pub fn set(&mut self, x: usize, y: usize, dark: bool) {
        if x < self.width {
            if let Some(p) = self.data.get_mut(y.wrapping_mul(self.width).wrapping_add(x)) {
                *p = if dark { DARK } else { LIGHT };
            }
        }
    }

    /// The same image, dark and light swapped (light-on-dark codes).
    pub fn inverted(&self) -> Bits {
        let mut data = vec![LIGHT; self.data.len()];
        simd::invert(&self.data, &mut data);
        Bits { width: self.width, height: self.height, data }
    }

    /// Colour changes per pixel along every 16th row: about 0.05 for a
    /// code in a scene, 0.3 and more for a frame of sensor noise.
    pub fn transition_density(&self) -> f32 {
        let (mut changes, mut pixels) = (0usize, 0usize);
        let mut at = Vec::new();
        for y in (0..self.height).step_by(16) {
            let row = self.row(y);
            at.clear();
            simd::transitions(row, &mut at);
            changes += at.len();
            pixels += row.len();
        }
        if pixels == 0 {
            0.0
        } else {
            changes as f32 / pixels as f32
        }
    }

    /// One row of pixels, [`DARK`] or [`LIGHT`] each.
    pub fn row(&self, y: usize) -> &[u8] {
        let start = y.saturating_mul(self.width);
        self.data.get(start..start.saturating_add(self.width)).unwrap_or(&[])
    }
}

const BLOCK: usize = 8;

/// Thresholds `luma` (`width * height` grey levels, 0 black) block by
/// block. `min_contrast` is the grey-level range below which a block is
/// judged uniform.
pub fn local_threshold(luma: &[u8], width: usize, height: usize, min_contrast: u8) -> Bits {
    let mut bits = Bits::new(width, height);
    if width == 0 || height == 0 || luma.len() != width.saturating_mul(height) {
        return Bits::new(0, 0);
    }
    let bw = width.div_ceil(BLOCK);
    let bh = height.div_ceil(BLOCK);
    // Each block's level: its mean when it has contrast, else a guess.
    let mut level = vec![0u32; bw * bh];
    // Per block of the current block row: sum, min, max (rows read whole,
    // left to right, which is what the memory and the compiler like).
    let mut stats = vec![(0u32, 255u8, 0u8); bw];
    for by in 0..bh {
        stats.iter_mut().for_each(|s| *s = (0, 255, 0));
        let (y0, y1) = (by * BLOCK, ((by + 1) * BLOCK).min(height));
        simd::block_stats(luma, width, y0, y1, &mut stats);
        for (bx, &(sum, min, max)) in stats.iter().enumerate() {
            let (min, max) = (min as u32, max as u32);
            let n = ((width.min((bx + 1) * BLOCK) - bx * BLOCK) * (y1 - y0)).max(1) as u32;
            let mut avg = sum / n;
            if max - min <= min_contrast as u32 {
                // Uniform: assume light paper (half its level), unless the
                // neighbours already seen say this is ink.
                avg = min / 2;
                if bx > 0 && by > 0 {
                    let at = |x: usize, y: usize| level.get(y * bw + x).copied().unwrap_or(0);
                    let neighbours = (at(bx, by - 1) + 2 * at(bx - 1, by) + at(bx - 1, by - 1)) / 4;
                    if min < neighbours {
                        avg = neighbours;
                    }
                }
            }
            if let Some(l) = level.get_mut(by * bw + bx) {
                *l = avg;
            }
        }
    }
    // Summed-area table of the levels, for the 5×5 means.
    let mut sat = vec![0u32; (bw + 1) * (bh + 1)];
    for by in 0..bh {
        let mut row = 0u32;
        for bx in 0..bw {
            row += level.get(by * bw + bx).copied().unwrap_or(0);
            let above = sat.get(by * (bw + 1) + bx + 1).copied().unwrap_or(0);
            if let Some(s) = sat.get_mut((by + 1) * (bw + 1) + bx + 1) {
                *s = above + row;
            }
        }
    }
    let area = |x0: usize, y0: usize, x1: usize, y1: usize| -> u32 {
        let s = |x: usize, y: usize| sat.get(y * (bw + 1) + x).copied().unwrap_or(0);
        (s(x1, y1) + s(x0, y0)).wrapping_sub(s(x0, y1)).wrapping_sub(s(x1, y0))
    };
    // Each pixel's threshold along the block row (a level is a mean of
    // grey levels: it fits a byte).
    let mut thresholds = vec![0u8; bw * BLOCK];
    for by in 0..bh {
        let (ty0, ty1) = (by.saturating_sub(2), (by + 3).min(bh));
        for (bx, t) in thresholds.chunks_exact_mut(BLOCK).enumerate() {
            let (tx0, tx1) = (bx.saturating_sub(2), (bx + 3).min(bw));
            let n = ((tx1 - tx0) * (ty1 - ty0)).max(1) as u32;
            t.fill((area(tx0, ty0, tx1, ty1) / n).min(255) as u8);
        }
        for y in by * BLOCK..((by + 1) * BLOCK).min(height) {
            let row = luma.get(y * width..(y + 1) * width).unwrap_or(&[]);
            let out = bits.data.get_mut(y * width..(y + 1) * width).unwrap_or(&mut []);
            simd::threshold_row(row, &thresholds, out);
        }
    }
    bits
}

/// Halves an image in both directions, each pixel the mean of four: a
/// cheap denoiser, and a way to see large blurred modules sharper.
pub fn downscale(luma: &[u8], width: usize, height: usize) -> (Vec<u8>, usize, usize) {
    let (w, h) = (width / 2, height / 2);
    let mut out = vec![255u8; w * h];
    for y in 0..h {
        let row = |r: usize| luma.get(r * width..(r + 1) * width).unwrap_or(&[]);
        if let Some(o) = out.get_mut(y * w..(y + 1) * w) {
            simd::halve_rows(row(2 * y), row(2 * y + 1), o);
        }
    }
    (out, w, h)
}

/// The mean of each pixel's 3×3 neighbourhood (edges repeated): screen
/// moiré of a pixel or two averages out.
pub fn box3(luma: &[u8], width: usize, height: usize) -> Vec<u8> {
    if width == 0 || luma.len() != width.saturating_mul(height) {
        return Vec::new();
    }
    // Horizontal sums of three, then vertical sums of those.
    let mut rows = vec![0u16; luma.len()];
    let mut i = 0;
    while i < luma.len() {
        let x = i % width;
        let at = |j: usize| luma.get(j).copied().unwrap_or(0) as u16;
        let left = if x == 0 { at(i) } else { at(i - 1) };
        let right = if x + 1 == width { at(i) } else { at(i + 1) };
        if let Some(r) = rows.get_mut(i) {
            *r = left + at(i) + right;
        }
        i += 1;
    }
    let mut out = vec![0u8; luma.len()];
    let mut i = 0;
    while i < luma.len() {
        let at = |j: usize| rows.get(j).copied().unwrap_or(0) as u32;
        let up = if i < width { at(i) } else { at(i - width) };
        let down = if i + width >= luma.len() { at(i) } else { at(i + width) };
        if let Some(o) = out.get_mut(i) {
            *o = ((up + at(i) + down + 4) / 9) as u8;
        }
        i += 1;
    }
    out
}

/// The mean of each 2×2 square of pixels (the last row and column
/// repeated), at full size: a screen's pattern of a 2-pixel period cancels
/// out, where a 3×3 mean leaves a third of it.
pub fn box2(luma: &[u8], width: usize, height: usize) -> Vec<u8> {
    if width == 0 || luma.len() != width.saturating_mul(height) {
        return Vec::new();
    }
    let mut out = vec![0u8; luma.len()];
    let mut i = 0;
    while i < luma.len() {
        let at = |j: usize| luma.get(j).copied().unwrap_or(0) as u32;
        let right = if (i + 1) % width == 0 { i } else { i + 1 };
        let (down, down_right) = if i + width >= luma.len() { (i, right) } else { (i + width, right + width) };
        if let Some(o) = out.get_mut(i) {
            *o = ((at(i) + at(right) + at(down) + at(down_right) + 2) / 4) as u8;
        }
        i += 1;
    }
    out
}

/// Unsharp masking: each pixel pushed away from its 3×3 mean by `gain`
/// times the difference. Blurred modules of two or three pixels get their
/// edges back (and the light ring of a finder its width).
pub fn sharpen(luma: &[u8], mean: &[u8], gain: i32) -> Vec<u8> {
    let mut out = vec![0u8; luma.len().min(mean.len())];
    let mut i = 0;
    while let (Some(o), Some(&l), Some(&m)) = (out.get_mut(i), luma.get(i), mean.get(i)) {
        *o = (l as i32 + gain * (l as i32 - m as i32)).clamp(0, 255) as u8;
        i += 1;
    }
    out
}

/// Doubles an image in both directions, bilinearly: modules of one or two
/// pixels become wide enough for the run-length tests.
pub fn upscale(luma: &[u8], width: usize, height: usize) -> (Vec<u8>, usize, usize) {
    let (w, h) = (width * 2, height * 2);
    let at = |x: usize, y: usize| luma.get(y.min(height - 1) * width + x.min(width - 1)).copied().unwrap_or(255) as u32;
    let mut out = Vec::with_capacity(w * h);
    for y in 0..h {
        let (sy, fy) = (
            y.saturating_sub(1) / 2,
            if y == 0 {
                0
            } else if y % 2 == 1 {
                1
            } else {
                3
            },
        );
        for x in 0..w {
            let (sx, fx) = (
                x.saturating_sub(1) / 2,
                if x == 0 {
                    0
                } else if x % 2 == 1 {
                    1
                } else {
                    3
                },
            );
            // Weights in quarters: samples sit at ¼ and ¾ between source pixels.
            let top = at(sx, sy) * (4 - fx) + at(sx + 1, sy) * fx;
            let bottom = at(sx, sy + 1) * (4 - fx) + at(sx + 1, sy + 1) * fx;
            out.push(((top * (4 - fy) + bottom * fy + 8) / 16) as u8);
        }
    }
    (out, w, h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gradient_does_not_swamp_a_pattern() {
        // Dark and light stripes 4 px wide on a strong left-to-right gradient.
        let (w, h) = (128, 64);
        let luma: Vec<u8> = (0..w * h)
            .map(|i| {
                let (x, y) = (i % w, i / w);
                let base = 40 + x as u32 * 200 / w as u32;
                let stripe = (y / 4) % 2 == 0;
                (if stripe { base / 3 } else { base }) as u8
            })
            .collect();
        let bits = local_threshold(&luma, w, h, 24);
        for y in 8..56 {
            for x in 16..112 {
                assert_eq!(bits.get(x, y), (y / 4) % 2 == 0, "({x}, {y})");
            }
        }
    }

    #[test]
    fn a_wrong_size_gives_an_empty_image() {
        assert_eq!(local_threshold(&[0; 10], 4, 4, 24).width, 0);
    }
}
