//! From three finder centres to a grid of modules: the code's size from
//! the finders' distance in module sizes, the bottom-right alignment
//! pattern searched where the finders predict it, a perspective transform
//! through those four points, and one sample per module.

use super::binarize::Bits;
use super::decode::{alignment_positions, best_version, read_version_bits, version_of_dim, Grid};
use super::detect::Finder;

/// `x.floor() as i64`, without the call to libm's `floor` (hot in wasm).
#[inline]
pub fn ifloor(x: f64) -> i64 {
    let i = x as i64;
    if (i as f64) > x {
        i - 1
    } else {
        i
    }
}

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
        let px = ifloor((x + dx * t) as f64);
        let py = ifloor((y + dy * t) as f64);
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

/// The module size along the line from `a` towards `b`, measured at each
/// of the two finders, both ways (7 modules each).
fn module_along(bits: &Bits, a: &Finder, b: &Finder) -> (f32, f32) {
    let len = a.distance(b).max(1.0);
    let (dx, dy) = ((b.x - a.x) / len, (b.y - a.y) / len);
    let max = 8.0 * a.module.max(b.module);
    let one =
        |f: &Finder| match (edge_distance(bits, f.x, f.y, dx, dy, max), edge_distance(bits, f.x, f.y, -dx, -dy, max)) {
            // Each way overshoots the edge by half a pixel on average.
            (Some(p), Some(q)) if p + q > 7.0 => (p + q - 1.0) / 7.0,
            _ => f.module,
        };
    (one(a), one(b))
}

/// Searches for the alignment pattern (a dark dot in a light ring in a dark
/// ring, 5×5 modules) near `(ex, ey)`, with module axes `ux`, `uy`.
fn find_alignment(bits: &Bits, ex: f64, ey: f64, ux: (f64, f64), uy: (f64, f64), module: f64) -> Option<(f64, f64)> {
    match_alignment(bits, (ex, ey), ux, uy, module, 4.0, 23).or_else(|| find_alignment_rings(bits, ex, ey, module))
}

/// The alignment pattern by template: the 5×5 modules laid along `ux`,
/// `uy`, tried at every third of a module within `radius` modules of `e`;
/// the position nearest `e` of those that match best (at least `need` of 25).
fn match_alignment(
    bits: &Bits,
    e: (f64, f64),
    ux: (f64, f64),
    uy: (f64, f64),
    module: f64,
    radius: f64,
    need: i32,
) -> Option<(f64, f64)> {
    let mut offsets = Vec::with_capacity(25);
    for j in -2i32..=2 {
        for i in -2i32..=2 {
            let dark = i.abs().max(j.abs()) != 1;
            offsets.push((i as f64 * ux.0 + j as f64 * uy.0, i as f64 * ux.1 + j as f64 * uy.1, dark));
        }
    }
    let step = (module / 3.0).max(1.0);
    let n = (radius * module / step).ceil() as i64;
    // Best score, and the nearest position with it.
    let mut best = (-1i32, f64::MAX, 0f64, 0f64);
    for sy in -n..=n {
        for sx in -n..=n {
            let (cx, cy) = (e.0 + sx as f64 * step, e.1 + sy as f64 * step);
            let score =
                offsets.iter().filter(|&&(ox, oy, dark)| bits.get_i(ifloor(cx + ox), ifloor(cy + oy)) == dark).count()
                    as i32;
            let d2 = (sx * sx + sy * sy) as f64;
            if score > best.0 || (score == best.0 && d2 < best.1) {
                best = (score, d2, cx, cy);
            }
        }
    }
    (best.0 >= need).then_some((best.2, best.3))
}

/// Samples a `dim`×`dim` grid through `h`, corrected near each alignment
/// pattern (version 7 and up, where there are several): each is searched
/// within two modules of where `h` puts it, and the offsets found are
/// interpolated between them, so that a bent or bulging code still reads.
pub fn sample_local(bits: &Bits, h: &Homography, dim: usize) -> Option<Grid> {
    let version = version_of_dim(dim)?;
    let positions = alignment_positions(version);
    let n = positions.len();
    if n < 3 {
        return None;
    }
    let last = n - 1;
    // Offsets (dx, dy) at each anchor, row by row; the finders' corners stay put.
    let mut offsets = vec![(0f64, 0f64); n * n];
    let mut found_any = false;
    for (j, &ay) in positions.iter().enumerate() {
        for (i, &ax) in positions.iter().enumerate() {
            if (i == 0 && (j == 0 || j == last)) || (i == last && j == 0) {
                continue;
            }
            let (u, v) = (ax as f64 + 0.5, ay as f64 + 0.5);
            let e = h.map(u, v);
            let p = h.map(u + 1.0, v);
            let q = h.map(u, v + 1.0);
            let (ux, uy) = ((p.0 - e.0, p.1 - e.1), (q.0 - e.0, q.1 - e.1));
            let module = ((ux.0 * ux.0 + ux.1 * ux.1).sqrt() + (uy.0 * uy.0 + uy.1 * uy.1).sqrt()) / 2.0;
            if let Some(f) = match_alignment(bits, e, ux, uy, module, 2.0, 22) {
                if let Some(o) = offsets.get_mut(j * n + i) {
                    *o = (f.0 - e.0, f.1 - e.1);
                    found_any = true;
                }
            }
        }
    }
    if !found_any {
        return None;
    }
    // The cell of anchors around a coordinate, and the fraction across it.
    let cell = |c: f64| -> (usize, f64) {
        let mut k = 0;
        while k + 2 < n && positions.get(k + 1).is_some_and(|&p| c >= p as f64 + 0.5) {
            k += 1;
        }
        let (a, b) = (
            positions.get(k).copied().unwrap_or(0) as f64 + 0.5,
            positions.get(k + 1).copied().unwrap_or(0) as f64 + 0.5,
        );
        (k, ((c - a) / (b - a)).clamp(0.0, 1.0))
    };
    let at = |i: usize, j: usize| offsets.get(j * n + i).copied().unwrap_or((0.0, 0.0));
    let mut modules = Vec::with_capacity(dim * dim);
    for v in 0..dim {
        let (j, ty) = cell(v as f64 + 0.5);
        for u in 0..dim {
            let (i, tx) = cell(u as f64 + 0.5);
            let (a, b, c, d) = (at(i, j), at(i + 1, j), at(i, j + 1), at(i + 1, j + 1));
            let dx = (a.0 * (1.0 - tx) + b.0 * tx) * (1.0 - ty) + (c.0 * (1.0 - tx) + d.0 * tx) * ty;
            let dy = (a.1 * (1.0 - tx) + b.1 * tx) * (1.0 - ty) + (c.1 * (1.0 - tx) + d.1 * tx) * ty;
            let (x, y) = h.map(u as f64 + 0.5, v as f64 + 0.5);
            let (x, y) = (x + dx, y + dy);
            modules.push(x.is_finite() && y.is_finite() && bits.get_i(ifloor(x), ifloor(y)));
        }
    }
    Some(Grid { dim, modules })
}

/// Runs of alternating colour from (`x`, `y`) (which must be dark) outward
/// along (`dx`, `dy`): centre half-run, light ring, dark ring. `None` when
/// the centre or the light ring is longer than `max`; the dark ring may run
/// on into the data, so it is counted up to `max` only.
fn ring_runs(bits: &Bits, x: i64, y: i64, dx: i64, dy: i64, max: u32) -> Option<(u32, u32, u32)> {
    let at = |i: i64| bits.get_i(x + i * dx, y + i * dy);
    let mut i = 0i64;
    let mut run = |dark: bool, capped: bool| -> Option<u32> {
        let mut n = 0u32;
        while at(i) == dark {
            n += 1;
            i += 1;
            if n > max {
                return capped.then_some(n);
            }
        }
        Some(n)
    };
    let centre = run(true, false)?;
    let light = run(false, false)?;
    let ring = run(true, true)?;
    Some((centre, light, ring))
}

/// The alignment pattern by its rings, scale-free: a dark dot, a light ring
/// and a dark ring, about one module each, in four directions. The nearest
/// such centre to (`ex`, `ey`) within 8 modules.
fn find_alignment_rings(bits: &Bits, ex: f64, ey: f64, module: f64) -> Option<(f64, f64)> {
    let radius = (8.0 * module).ceil() as i64;
    let max = (2.0 * module).ceil().max(3.0) as u32;
    let (lo, hi) = (0.4 * module, 1.9 * module);
    let ok = |r: u32| (r as f64) >= lo && (r as f64) <= hi;
    let (cx, cy) = (ex.round() as i64, ey.round() as i64);
    let mut best: Option<(i64, f64, f64)> = None;
    for dy in -radius..=radius {
        let y = cy + dy;
        for dx in -radius..=radius {
            let x = cx + dx;
            if !bits.get_i(x, y) {
                continue;
            }
            let d2 = dx * dx + dy * dy;
            if best.is_some_and(|(bd, _, _)| d2 >= bd) {
                continue;
            }
            let mut span = [0f64; 2];
            let mut offset = [0f64; 2];
            let mut good = true;
            for (axis, (sx, sy)) in [(1i64, 0i64), (0, 1)].into_iter().enumerate() {
                let fwd = ring_runs(bits, x, y, sx, sy, max);
                let back = ring_runs(bits, x, y, -sx, -sy, max);
                match (fwd, back) {
                    (Some((c1, l1, d1)), Some((c2, l2, d2))) => {
                        let centre = c1 + c2 - 1;
                        if !(ok(centre) && ok(l1) && ok(l2) && ok(d1.min(max)) && ok(d2.min(max))) {
                            good = false;
                            break;
                        }
                        if let (Some(s), Some(o)) = (span.get_mut(axis), offset.get_mut(axis)) {
                            *s = centre as f64;
                            *o = (c1 as f64 - c2 as f64) / 2.0;
                        }
                    }
                    _ => {
                        good = false;
                        break;
                    }
                }
            }
            if good && span[0] > 0.0 && span[1] > 0.0 && span[0] / span[1] < 2.0 && span[1] / span[0] < 2.0 {
                best = Some((d2, x as f64 + 0.5 + offset[0], y as f64 + 0.5 + offset[1]));
            }
        }
    }
    best.map(|(_, x, y)| (x, y))
}

/// Samples a `dim`×`dim` grid through `h`, one pixel per module centre.
pub fn sample(bits: &Bits, h: &Homography, dim: usize) -> Grid {
    let mut modules = Vec::with_capacity(dim * dim);
    for v in 0..dim {
        for u in 0..dim {
            let (x, y) = h.map(u as f64 + 0.5, v as f64 + 0.5);
            modules.push(x.is_finite() && y.is_finite() && bits.get_i(ifloor(x), ifloor(y)));
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

/// What three finders say about their code: centres, and the module sizes
/// along the top and left sides at each end. Perspective shrinks modules
/// with distance; the ratio of the sizes at the two ends of a side gives
/// the projective depth of its far end, so the three finders alone fix a
/// projective transform, which predicts where the alignment pattern is.
#[derive(Clone, Copy, Debug)]
pub struct Geometry {
    tl: (f64, f64),
    tr: (f64, f64),
    bl: (f64, f64),
    /// Relative depths (homogeneous weights) of the top-right and bottom-left finders.
    w_tr: f64,
    w_bl: f64,
    /// Estimated modules between the top-left and the other two centres.
    modules: f64,
}

impl Geometry {
    /// Measures three finders (top-left, top-right, bottom-left).
    pub fn measure(bits: &Bits, tl: &Finder, tr: &Finder, bl: &Finder) -> Option<Geometry> {
        let (m_tl_h, m_tr) = module_along(bits, tl, tr);
        let (m_tl_v, m_bl) = module_along(bits, tl, bl);
        if m_tl_h <= 0.0 || m_tr <= 0.0 || m_tl_v <= 0.0 || m_bl <= 0.0 {
            return None;
        }
        // Along a line, a projective map's derivative goes as 1/w².
        let w_tr = ((m_tl_h / m_tr) as f64).sqrt().clamp(0.6, 1.6);
        let w_bl = ((m_tl_v / m_bl) as f64).sqrt().clamp(0.6, 1.6);
        let top = tl.distance(tr) / ((m_tl_h + m_tr) / 2.0);
        let left = tl.distance(bl) / ((m_tl_v + m_bl) / 2.0);
        let modules = ((top + left) / 2.0) as f64;
        modules.is_finite().then_some(Geometry {
            tl: (tl.x as f64, tl.y as f64),
            tr: (tr.x as f64, tr.y as f64),
            bl: (bl.x as f64, bl.y as f64),
            w_tr,
            w_bl,
            modules,
        })
    }

    /// The code sizes worth trying, the likeliest first.
    pub fn sizes(&self) -> Vec<usize> {
        let modules = self.modules + 7.0;
        if !(15.0..=185.0).contains(&modules) {
            return Vec::new();
        }
        let v = ((modules - 17.0) / 4.0).round().clamp(1.0, 40.0) as usize;
        let mut out = vec![4 * v + 17];
        for w in [v + 1, v.wrapping_sub(1)] {
            if (1..=40).contains(&w) {
                out.push(4 * w + 17);
            }
        }
        out
    }

    /// The image point of module-space (`u`, `v`) for a code of `dim`
    /// modules, by the three finders and their depths.
    fn predict(&self, dim: usize, u: f64, v: f64) -> (f64, f64) {
        let span = dim as f64 - 7.0;
        let (a, b) = ((u - 3.5) / span, (v - 3.5) / span);
        let h = |p: (f64, f64), w: f64| (p.0 * w, p.1 * w, w);
        let (t, r, l) = (h(self.tl, 1.0), h(self.tr, self.w_tr), h(self.bl, self.w_bl));
        let x = t.0 + a * (r.0 - t.0) + b * (l.0 - t.0);
        let y = t.1 + a * (r.1 - t.1) + b * (l.1 - t.1);
        let w = t.2 + a * (r.2 - t.2) + b * (l.2 - t.2);
        (x / w, y / w)
    }

    /// How well the timing patterns (row and column 6, alternating between
    /// the finders) agree with a code of `dim` modules: 0.5 for noise, 1
    /// for a clean code of that size. Cheap: no alignment search.
    pub fn timing_score(&self, bits: &Bits, dim: usize) -> f32 {
        let mut agree = 0u32;
        let mut total = 0u32;
        for i in 8..dim.saturating_sub(8) {
            let want = i % 2 == 0;
            for (u, v) in [(i as f64 + 0.5, 6.5), (6.5, i as f64 + 0.5)] {
                let (x, y) = self.predict(dim, u, v);
                if x.is_finite() && y.is_finite() {
                    agree += (bits.get_i(ifloor(x), ifloor(y)) == want) as u32;
                }
                total += 1;
            }
        }
        if total == 0 {
            0.0
        } else {
            agree as f32 / total as f32
        }
    }

    /// The transforms worth trying for a code of `dim` modules, best
    /// first: through the alignment pattern when one is found near where it
    /// should be; else through the bottom-right corner predicted with the
    /// finders' depths, then through the parallelogram's corner (right for
    /// a code seen head-on, where the depths are only noise).
    pub fn placements(&self, bits: &Bits, dim: usize) -> Vec<Placement> {
        let d = dim as f64;
        let src3 = [(3.5, 3.5), (d - 3.5, 3.5), (3.5, d - 3.5)];
        let mut fourths = Vec::with_capacity(3);
        if dim > 21 {
            let a = d - 6.5;
            let (ex, ey) = self.predict(dim, a, a);
            let (px, py) = self.predict(dim, a + 1.0, a);
            let (qx, qy) = self.predict(dim, a, a + 1.0);
            let (ux, uy) = ((px - ex, py - ey), (qx - ex, qy - ey));
            let module = ((ux.0 * ux.0 + ux.1 * ux.1).sqrt() + (uy.0 * uy.0 + uy.1 * uy.1).sqrt()) / 2.0;
            if let Some(p) = find_alignment(bits, ex, ey, ux, uy, module) {
                fourths.push(((a, a), p));
            }
        }
        let corner = (d - 3.5, d - 3.5);
        fourths.push((corner, self.predict(dim, corner.0, corner.1)));
        if self.w_tr != 1.0 || self.w_bl != 1.0 {
            let flat = (self.tr.0 + self.bl.0 - self.tl.0, self.tr.1 + self.bl.1 - self.tl.1);
            fourths.push((corner, flat));
        }
        fourths
            .into_iter()
            .filter_map(|(src4, dst4)| {
                let src = [src3[0], src3[1], src3[2], src4];
                let dst = [self.tl, self.tr, self.bl, dst4];
                Homography::from_points(&src, &dst).map(|transform| Placement { dim, transform })
            })
            .collect()
    }

    /// The sizes worth decoding, best first: those whose timing patterns
    /// read mostly right, by score; for version 7 and up, a size named by
    /// the version blocks goes first.
    pub fn refined_sizes(&self, bits: &Bits) -> Vec<usize> {
        let mut scored: Vec<(f32, usize)> = Vec::new();
        for dim in self.sizes() {
            let score = self.timing_score(bits, dim);
            if score >= 0.65 {
                scored.push((score, dim));
            }
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut sizes: Vec<usize> = scored.into_iter().map(|(_, d)| d).collect();
        if let Some(&first) = sizes.first() {
            if version_of_dim(first).is_some_and(|v| v >= 7) {
                if let Some(p) = self.placements(bits, first).first() {
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
