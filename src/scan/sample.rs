//! From three finder centres to a grid of modules: the code's size from
//! the finders' distance in module sizes, the bottom-right alignment
//! pattern searched where the finders predict it, a perspective transform
//! through those four points, and one sample per module.

use super::binarize::Bits;
use super::decode::{best_version, read_version_bits, version_of_dim, Grid};
use super::detect::Finder;

/// A plane projective transform, module space to image space.
#[derive(Clone, Copy, Debug)]
pub struct Homography {
    m: [f64; 8],
}

impl Homography {
    /// The transform taking each `src` point to its `dst` point.
    pub fn from_points(src: &[(f64, f64); 4], dst: &[(f64, f64); 4]) -> Option<Homography> {
        // Unknowns a b c d e f g h: x = (au+bv+c)/(gu+hv+1), y = (du+ev+f)/(gu+hv+1).
        let mut rows = [[0f64; 9]; 8];
        for (i, (&(u, v), &(x, y))) in src.iter().zip(dst.iter()).enumerate() {
            *rows.get_mut(2 * i)? = [u, v, 1.0, 0.0, 0.0, 0.0, -u * x, -v * x, x];
            *rows.get_mut(2 * i + 1)? = [0.0, 0.0, 0.0, u, v, 1.0, -u * y, -v * y, y];
        }
        // Gaussian elimination with partial pivoting.
        for col in 0..8 {
            let pivot = (col..8).max_by(|&a, &b| {
                let va = rows.get(a).and_then(|r| r.get(col)).map_or(0.0, |v| v.abs());
                let vb = rows.get(b).and_then(|r| r.get(col)).map_or(0.0, |v| v.abs());
                va.total_cmp(&vb)
            })?;
            rows.swap(col, pivot);
            let p = *rows.get(col)?.get(col)?;
            if p.abs() < 1e-9 {
                return None;
            }
            let pivot_row = *rows.get(col)?;
            for (r, row) in rows.iter_mut().enumerate() {
                if r != col {
                    let factor = row.get(col).copied().unwrap_or(0.0) / p;
                    if factor != 0.0 {
                        for (v, pv) in row.iter_mut().zip(pivot_row.iter()) {
                            *v -= factor * pv;
                        }
                    }
                }
            }
        }
        let mut m = [0f64; 8];
        for (i, slot) in m.iter_mut().enumerate() {
            let row = rows.get(i)?;
            *slot = row.get(8)? / row.get(i)?;
        }
        m.iter().all(|v| v.is_finite()).then_some(Homography { m })
    }

    /// Maps a module-space point to the image.
    #[inline]
    pub fn map(&self, u: f64, v: f64) -> (f64, f64) {
        let [a, b, c, d, e, f, g, h] = self.m;
        let w = g * u + h * v + 1.0;
        ((a * u + b * v + c) / w, (d * u + e * v + f) / w)
    }
}

/// Length of the dark-light-dark run from (`x`, `y`) along the unit
/// direction (`dx`, `dy`): from a finder's centre to its outer edge, 3.5
/// modules. `None` when the edge is not reached within `max` pixels.
fn edge_distance(bits: &Bits, x: f32, y: f32, dx: f32, dy: f32, max: f32) -> Option<f32> {
    let mut state = 0; // 0 centre, 1 light ring, 2 dark ring
    let mut t = 0f32;
    while t <= max {
        let px = (x + dx * t).floor() as i64;
        let py = (y + dy * t).floor() as i64;
        if px < 0 || py < 0 || px as usize >= bits.width || py as usize >= bits.height {
            return (state == 2).then_some(t);
        }
        let dark = bits.get_i(px, py);
        match (state, dark) {
            (0, false) => state = 1,
            (1, true) => state = 2,
            (2, false) => return Some(t),
            _ => {}
        }
        t += 1.0;
    }
    None
}

/// The module size along the line from `a` towards `b`, measured on both
/// finders, both ways (7 modules each).
fn module_along(bits: &Bits, a: &Finder, b: &Finder) -> f32 {
    let len = a.distance(b).max(1.0);
    let (dx, dy) = ((b.x - a.x) / len, (b.y - a.y) / len);
    let max = 8.0 * a.module.max(b.module);
    let mut sum = 0.0;
    let mut n = 0.0;
    for (f, sx, sy) in [(a, dx, dy), (b, -dx, -dy)] {
        if let (Some(p), Some(q)) =
            (edge_distance(bits, f.x, f.y, sx, sy, max), edge_distance(bits, f.x, f.y, -sx, -sy, max))
        {
            sum += (p + q) / 7.0;
            n += 1.0;
        }
    }
    if n > 0.0 {
        sum / n
    } else {
        (a.module + b.module) / 2.0
    }
}

/// Searches for the alignment pattern (a dark dot in a light ring in a dark
/// ring, 5×5 modules) near `(ex, ey)`, with module axes `ux`, `uy`.
fn find_alignment(bits: &Bits, ex: f64, ey: f64, ux: (f64, f64), uy: (f64, f64), module: f64) -> Option<(f64, f64)> {
    let mut offsets = Vec::with_capacity(25);
    for j in -2i32..=2 {
        for i in -2i32..=2 {
            let dark = i.abs().max(j.abs()) != 1;
            offsets.push((i as f64 * ux.0 + j as f64 * uy.0, i as f64 * ux.1 + j as f64 * uy.1, dark));
        }
    }
    let step = (module / 3.0).max(1.0);
    for (radius_modules, need) in [(4.0, 24), (10.0, 23)] {
        let radius = radius_modules * module;
        let n = (radius / step).ceil() as i64;
        let mut best: Option<(i32, f64, f64, f64)> = None; // (score, dist², x, y)
        for sy in -n..=n {
            for sx in -n..=n {
                let (cx, cy) = (ex + sx as f64 * step, ey + sy as f64 * step);
                let mut score = 0;
                for &(ox, oy, dark) in &offsets {
                    if bits.get_i((cx + ox).floor() as i64, (cy + oy).floor() as i64) == dark {
                        score += 1;
                    }
                }
                let d2 = (sx * sx + sy * sy) as f64;
                if best.is_none_or(|(bs, bd, _, _)| score > bs || (score == bs && d2 < bd)) {
                    best = Some((score, d2, cx, cy));
                }
            }
        }
        if let Some((score, _, x, y)) = best {
            if score >= need {
                return Some((x, y));
            }
        }
    }
    None
}

/// Samples a `dim`×`dim` grid through `h`, one pixel per module centre.
pub fn sample(bits: &Bits, h: &Homography, dim: usize) -> Grid {
    let mut modules = Vec::with_capacity(dim * dim);
    for v in 0..dim {
        for u in 0..dim {
            let (x, y) = h.map(u as f64 + 0.5, v as f64 + 0.5);
            modules.push(x.is_finite() && y.is_finite() && bits.get_i(x.floor() as i64, y.floor() as i64));
        }
    }
    Grid { dim, modules }
}

/// A candidate placement of a code: its size and its transform.
#[derive(Clone, Copy, Debug)]
pub struct Placement {
    /// Modules per side.
    pub dim: usize,
    /// Module space to image.
    pub transform: Homography,
}

/// The transform for a code of `dim` modules whose finders are `tl`,
/// `tr`, `bl`, using the alignment pattern when one is found.
pub fn place(bits: &Bits, tl: &Finder, tr: &Finder, bl: &Finder, dim: usize) -> Option<Placement> {
    let d = dim as f64;
    let (tlx, tly, trx, try_, blx, bly) =
        (tl.x as f64, tl.y as f64, tr.x as f64, tr.y as f64, bl.x as f64, bl.y as f64);
    let span = d - 7.0;
    let ux = ((trx - tlx) / span, (try_ - tly) / span);
    let uy = ((blx - tlx) / span, (bly - tly) / span);
    let module = ((ux.0 * ux.0 + ux.1 * ux.1).sqrt() + (uy.0 * uy.0 + uy.1 * uy.1).sqrt()) / 2.0;
    let src_tl = [(3.5, 3.5), (d - 3.5, 3.5), (3.5, d - 3.5)];
    let dst_tl = [(tlx, tly), (trx, try_), (blx, bly)];
    let fourth = if dim > 21 {
        // The alignment pattern's centre is 3 modules in from the finders' line.
        let k = (d - 10.0) / span;
        let (ex, ey) = (tlx + k * (trx - tlx + blx - tlx), tly + k * (try_ - tly + bly - tly));
        find_alignment(bits, ex, ey, ux, uy, module).map(|p| ((d - 6.5, d - 6.5), p))
    } else {
        None
    };
    let (src4, dst4) = fourth.unwrap_or(((d - 3.5, d - 3.5), (trx + blx - tlx, try_ + bly - tly)));
    let src = [src_tl[0], src_tl[1], src_tl[2], src4];
    let dst = [dst_tl[0], dst_tl[1], dst_tl[2], dst4];
    Homography::from_points(&src, &dst).map(|transform| Placement { dim, transform })
}

/// The code sizes worth trying for three finders, the likeliest first.
pub fn sizes(bits: &Bits, tl: &Finder, tr: &Finder, bl: &Finder) -> Vec<usize> {
    let m_top = module_along(bits, tl, tr);
    let m_left = module_along(bits, tl, bl);
    if m_top <= 0.0 || m_left <= 0.0 {
        return Vec::new();
    }
    let modules = (tl.distance(tr) / m_top + tl.distance(bl) / m_left) / 2.0 + 7.0;
    if !modules.is_finite() || !(15.0..=185.0).contains(&modules) {
        return Vec::new();
    }
    // Nearest size of the form 4v + 17, then its neighbours.
    let v = ((modules - 17.0) / 4.0).round().clamp(1.0, 40.0) as usize;
    let mut out = vec![4 * v + 17];
    for w in [v + 1, v.wrapping_sub(1)] {
        if (1..=40).contains(&w) {
            out.push(4 * w + 17);
        }
    }
    out
}

/// For version 7 and up, the version blocks sampled with a first guess of
/// the size may name the true size: it then goes first.
pub fn refine_size(bits: &Bits, tl: &Finder, tr: &Finder, bl: &Finder, mut sizes: Vec<usize>) -> Vec<usize> {
    if let Some(&first) = sizes.first() {
        if version_of_dim(first).is_some_and(|v| v >= 7) {
            if let Some(p) = place(bits, tl, tr, bl, first) {
                let grid = sample(bits, &p.transform, first);
                if let Some(v) = best_version(&read_version_bits(&grid)) {
                    let dim = 4 * v + 17;
                    sizes.retain(|&d| d != dim);
                    sizes.insert(0, dim);
                }
            }
        }
    }
    sizes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_homography_maps_its_four_points() {
        let src = [(3.5, 3.5), (40.5, 3.5), (3.5, 40.5), (37.5, 37.5)];
        let dst = [(100.0, 120.0), (400.0, 90.0), (130.0, 420.0), (390.0, 380.0)];
        let h = Homography::from_points(&src, &dst).unwrap();
        for (s, d) in src.iter().zip(dst.iter()) {
            let (x, y) = h.map(s.0, s.1);
            assert!((x - d.0).abs() < 1e-6 && (y - d.1).abs() < 1e-6);
        }
    }

    #[test]
    fn degenerate_points_give_no_transform() {
        let p = [(1.0, 1.0); 4];
        assert!(Homography::from_points(&p, &p).is_none());
    }
}
