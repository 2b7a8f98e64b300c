//! Finder patterns: the three 7×7 squares in a code's corners. Any line
//! through a finder's centre crosses dark, light, dark, light, dark in the
//! ratio 1:1:3:1:1, whatever the rotation. Rows are scanned for that ratio;
//! each hit is cross-checked along the column, the row again and a
//! diagonal; hits of one finder are merged; then triples that can be one
//! code's corners are ranked.

use super::binarize::Bits;
use super::simd::{self, LIGHT};

/// A finder pattern's centre and module size, in pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Finder {
    /// Centre, x.
    pub x: f32,
    /// Centre, y.
    pub y: f32,
    /// Estimated module size.
    pub module: f32,
    /// How many scan lines confirmed it.
    pub count: u32,
}

impl Finder {
    /// Distance to another point.
    pub fn distance(&self, other: &Finder) -> f32 {
        ((self.x - other.x).powi(2) + (self.y - other.y).powi(2)).sqrt()
    }
}

/// At most this many distinct candidates are kept per image (bounded time).
const MAX_CANDIDATES: usize = 80;

/// Whether five run lengths are near 1:1:3:1:1.
fn ratio_ok(runs: &[u32; 5], loose: bool) -> bool {
    let total: u32 = runs.iter().sum();
    if total < 7 {
        return false;
    }
    let module = total as f32 / 7.0;
    // Blur thins the light ring and fattens the dark; small modules are
    // a pixel or two: the tolerance is wide, the cross-checks narrow it.
    let var = if loose { module * 0.8 } else { module * 0.65 }.max(1.0);
    let near = |run: u32, want: f32, var: f32| (run as f32 - want).abs() < var;
    near(runs[0], module, var)
        && near(runs[1], module, var)
        && near(runs[2], 3.0 * module, 2.0 * var)
        && near(runs[3], module, var)
        && near(runs[4], module, var)
}

/// Counts the runs along the line through (`cx`, `cy`) with step
/// (`dx`, `dy`), outward both ways from a dark centre. Returns the runs and
/// the centre's offset (in steps) from (`cx`, `cy`) along the line.
fn cross_runs(bits: &Bits, cx: i64, cy: i64, dx: i64, dy: i64, max_run: u32) -> Option<([u32; 5], f32)> {
    if !bits.get_i(cx, cy) {
        return None;
    }
    let at = |i: i64| bits.get_i(cx + i * dx, cy + i * dy);
    // Counts pixels of colour `dark` from step `i` in direction `dir`;
    // returns the count and the first step past the run.
    let run = |mut i: i64, dir: i64, dark: bool, max: u32| -> Option<(u32, i64)> {
        let mut n = 0u32;
        while at(i) == dark {
            n += 1;
            i += dir;
            if n > max {
                return None;
            }
        }
        (n > 0).then_some((n, i))
    };
    let (back, i) = run(0, -1, true, 3 * max_run)?;
    let (r1, i) = run(i, -1, false, max_run)?;
    let (r0, _) = run(i, -1, true, max_run)?;
    let (forward, i) = if at(1) { run(1, 1, true, 3 * max_run)? } else { (0, 1) };
    let (r3, i) = run(i, 1, false, max_run)?;
    let (r4, _) = run(i, 1, true, max_run)?;
    // The centre run covers steps −back+1 … forward; its middle:
    let offset = (forward as f32 - back as f32 + 1.0) / 2.0;
    Some(([r0, r1, back + forward, r3, r4], offset))
}

/// Confirms a row hit at (`cx`, `y`) whose runs total `total` pixels; returns
/// the refined centre and module size.
fn cross_check(bits: &Bits, cx: f32, y: usize, total: u32) -> Option<(f32, f32, f32)> {
    let max_run = 2 * total;
    let (runs_v, off_v) = cross_runs(bits, cx as i64, y as i64, 0, 1, max_run)?;
    let total_v: u32 = runs_v.iter().sum();
    if !ratio_ok(&runs_v, false) || total_v > 2 * total || 2 * total_v < total {
        return None;
    }
    let cy = y as f32 + off_v + 0.5;
    let (runs_h, off_h) = cross_runs(bits, cx as i64, cy as i64, 1, 0, max_run)?;
    let total_h: u32 = runs_h.iter().sum();
    if !ratio_ok(&runs_h, true) || 5 * total_h.abs_diff(total) >= 2 * total {
        return None;
    }
    let cx = (cx as i64) as f32 + off_h + 0.5;
    // A diagonal through the centre, as a last filter on noise.
    let (runs_d, _) = cross_runs(bits, cx as i64, cy as i64, 1, 1, max_run)?;
    if !ratio_ok(&runs_d, true) {
        return None;
    }
    Some((cx, cy, (total_h + total_v) as f32 / 14.0))
}

/// Finds finder pattern candidates, the most confirmed first.
pub fn find_finders(bits: &Bits) -> Vec<Finder> {
    let mut found: Vec<Finder> = Vec::new();
    let step = if bits.height > 400 { 2 } else { 1 };
    // Where the colour changes along the row, then the row's end.
    let mut ends: Vec<u32> = Vec::new();
    let mut y = 0;
    while y < bits.height {
        let row = bits.row(y);
        ends.clear();
        simd::transitions(row, &mut ends);
        ends.push(row.len() as u32);
        // The last five runs' lengths, alternating colours, and where the
        // middle one starts.
        let mut lens = [0u32; 5];
        let mut starts = [0usize; 5];
        let mut filled = 0usize;
        let mut current = row.first().is_some_and(|&p| p != LIGHT);
        let mut start = 0usize;
        for &x in &ends {
            let x = x as usize;
            // A run [start, x) of colour `current` ended.
            lens = [lens[1], lens[2], lens[3], lens[4], (x - start) as u32];
            starts = [starts[1], starts[2], starts[3], starts[4], start];
            filled += 1;
            if current && filled >= 5 && lens[2] >= 3 && ratio_ok(&lens, false) {
                let total: u32 = lens.iter().sum();
                let cx = starts[2] as f32 + lens[2] as f32 / 2.0;
                if let Some((fx, fy, module)) = cross_check(bits, cx, y, total) {
                    add(&mut found, fx, fy, module);
                }
            }
            start = x;
            current = !current;
        }
        if found.len() >= MAX_CANDIDATES {
            // Noise: forget what one line alone saw, and go on while room is left.
            found.retain(|f| f.count >= 2);
            if found.len() >= MAX_CANDIDATES / 2 {
                break;
            }
        }
        y += step;
    }
    found.sort_by_key(|f| std::cmp::Reverse(f.count));
    found
}

/// Merges a hit into the candidate it belongs to, or adds it.
fn add(found: &mut Vec<Finder>, x: f32, y: f32, module: f32) {
    for f in found.iter_mut() {
        let tolerance = f.module.max(module) * 1.5;
        if (f.x - x).abs() <= tolerance
            && (f.y - y).abs() <= tolerance
            && (f.module - module).abs() <= f.module.max(module) * 0.5
        {
            let n = f.count as f32;
            f.x = (f.x * n + x) / (n + 1.0);
            f.y = (f.y * n + y) / (n + 1.0);
            f.module = (f.module * n + module) / (n + 1.0);
            f.count += 1;
            return;
        }
    }
    if found.len() < MAX_CANDIDATES {
        found.push(Finder { x, y, module, count: 1 });
    }
}

/// Three finders ordered as a code's top-left, top-right and bottom-left
/// corners, with a score (lower is better).
#[derive(Clone, Copy, Debug)]
pub struct Triple {
    /// Indices into the candidate list: top-left, top-right, bottom-left.
    pub corners: [usize; 3],
    /// Badness: departure from a right isosceles triangle of equal finders.
    pub score: f32,
}

/// The plausible triples among the candidates, best first.
pub fn triples(finders: &[Finder], limit: usize) -> Vec<Triple> {
    let n = finders.len().min(24);
    let mut out = Vec::new();
    for i in 0..n {
        for j in i + 1..n {
            for k in j + 1..n {
                if let Some(t) = judge(finders, [i, j, k]) {
                    out.push(t);
                }
            }
        }
    }
    out.sort_by(|a, b| a.score.total_cmp(&b.score));
    out.truncate(limit);
    out
}

fn judge(finders: &[Finder], idx: [usize; 3]) -> Option<Triple> {
    let f = |i: usize| finders.get(i).copied();
    let (a, b, c) = (f(idx[0])?, f(idx[1])?, f(idx[2])?);
    let modules = [a.module, b.module, c.module];
    let (mmin, mmax) = modules.iter().fold((f32::MAX, 0f32), |(lo, hi), &m| (lo.min(m), hi.max(m)));
    if mmin <= 0.0 || mmax / mmin > 2.6 {
        return None;
    }
    // The corner opposite the longest side is the top-left.
    let (ab, bc, ca) = (a.distance(&b), b.distance(&c), c.distance(&a));
    let (tl, p, q, leg1, leg2, hyp) = if bc >= ab && bc >= ca {
        (idx[0], idx[1], idx[2], ab, ca, bc)
    } else if ca >= ab && ca >= bc {
        (idx[1], idx[2], idx[0], ab, bc, ca)
    } else {
        (idx[2], idx[0], idx[1], bc, ca, ab)
    };
    let (short, long) = (leg1.min(leg2), leg1.max(leg2));
    let module = (a.module + b.module + c.module) / 3.0;
    // At least version 1 (14 modules between centres), at most version 40.
    if short < 10.0 * module || long > 200.0 * module || long / short > 2.2 {
        return None;
    }
    let cos = (leg1 * leg1 + leg2 * leg2 - hyp * hyp) / (2.0 * leg1 * leg2);
    // A corner angle from 37° to 143° (|cos| ≤ 0.8, up to 53° from
    // square): a code seen steeply from one corner shears its finders'
    // triangle that far.
    if cos.abs() > 0.8 {
        return None;
    }
    // Orientation: top-right then bottom-left, clockwise in image space.
    let (t, pp, qq) = (f(tl)?, f(p)?, f(q)?);
    let cross = (pp.x - t.x) * (qq.y - t.y) - (pp.y - t.y) * (qq.x - t.x);
    let (tr, bl) = if cross > 0.0 { (p, q) } else { (q, p) };
    // A finder seen on a single scan line is likelier noise.
    let lonely = [a, b, c].iter().filter(|f| f.count < 2).count() as f32;
    let score = cos.abs() + (long / short - 1.0) + (mmax / mmin - 1.0) + 0.3 * lonely;
    Some(Triple { corners: [tl, tr, bl], score })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_drawn_finder_at_any_quarter_turn() {
        let mut bits = Bits::new(60, 60);
        // A 7×7 finder of 4-px modules at (10, 10).
        for my in 0..7 {
            for mx in 0..7 {
                let ring = (mx as i32 - 3).abs().max((my as i32 - 3).abs());
                if ring != 2 {
                    for y in 0..4 {
                        for x in 0..4 {
                            bits.set(10 + mx * 4 + x, 10 + my * 4 + y, true);
                        }
                    }
                }
            }
        }
        let found = find_finders(&bits);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!((found[0].x - 24.0).abs() < 1.0 && (found[0].y - 24.0).abs() < 1.0, "{found:?}");
        assert!((found[0].module - 4.0).abs() < 0.5);
    }
}
