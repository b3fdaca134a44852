//! Stake-weighted κ-quantile consensus (float family).
//!
//! For one server column, sort the validators by weight, highest first, and add up their
//! stake; the consensus is the weight at which the running stake first reaches κ. That is
//!
//! `C = max { v ∈ column : Σ_{i : w_i ≥ v} s_i ≥ κ }`,
//!
//! and, when no weight is supported by κ of the stake (total stake below κ), the top weight
//! (the community simulator's `argmax` of an all-false mask).
//!
//! Stakes are summed exactly: each stake share is rounded once to a multiple of 2⁻⁶² and added
//! as an integer, so the result does not depend on the order of summation — a sort, a
//! quickselect and a histogram select all give the same bits. (A float cumulative sum in
//! sorted order can differ from this only when a running sum lands within one rounding of κ.)
//!
//! The dense kernel works on tiles of columns read in place, row by row (no transpose): a
//! 64-bucket stake histogram per column, filled with consecutive columns in flight so that no
//! two consecutive updates hit the same histogram; a byte per entry remembers its bucket; the
//! crossing bucket of each column is found from the top; a second sweep over those bytes (a
//! mask of each row's matches, eight bytes at a time) picks the few candidates of the crossing
//! bucket, and a sort or a quickselect over them gives the exact weight. Columns of fewer than
//! [`DIRECT_ROWS`] validators are selected directly. O(V) per column.

use crate::math::exact;
use alloc::vec::Vec;

/// Scale of the fixed-point stake shares: 1.0 of total stake = 2⁶².
const ONE: f64 = 4_611_686_018_427_387_904.0;
const BUCKETS: usize = 64;
/// Columns per tile of [`consensus_dense`].
pub const TILE: usize = 64;
/// Columns with fewer validators than this are selected directly, without a histogram.
pub const DIRECT_ROWS: usize = 24;
/// Crossing-bucket marker of a column that is already resolved (no bucket matches it).
const DONE: u8 = 0xFF;
/// Candidate sets up to this size are sorted; larger ones use the quickselect.
const SORT_MAX: usize = 32;

/// Reusable buffers of the consensus kernels.
#[derive(Debug, Default, Clone)]
pub struct Scratch {
    fixed: Vec<u64>,
    kappa: u64,
    max: Vec<f64>,
    scale: Vec<f64>,
    hist: Vec<[u64; BUCKETS]>,
    bucket: Vec<u8>,
    crossing: Vec<u8>,
    above: Vec<u64>,
    count: Vec<usize>,
    cand: Vec<(f64, u64)>,
    keys: Vec<Key>,
    finite: Vec<Key>,
}

impl Scratch {
    /// Fixes the stakes and κ for the tiles that follow ([`fixed_stakes`]).
    pub fn prepare(&mut self, s: &[f64], kappa: f64) {
        self.kappa = fixed_stakes(s, kappa, &mut self.fixed);
    }

    /// The consensus of columns `j0 .. j0 + out.len()` of a row-major matrix `w` with `rows`
    /// rows of `stride` entries, with the stakes of the last [`Scratch::prepare`]. `max` holds
    /// each column's maximum folded from 0.0 (`f64::max`), as [`column_quantile`] computes it.
    pub fn tile(
        &mut self,
        w: &[f64],
        stride: usize,
        rows: usize,
        j0: usize,
        max: &[f64],
        out: &mut [f64],
    ) {
        let width = out.len();
        if rows == 0 || width == 0 {
            out.fill(0.0);
            return;
        }
        if rows < DIRECT_ROWS {
            self.direct(w, stride, rows, j0, max, out);
            return;
        }
        let (k, fixed) = (self.kappa, &self.fixed[..rows]);
        // Scales: any monotone bucketing gives the exact result; a zero column is done.
        self.scale.clear();
        self.scale.extend(max.iter().map(|&m| {
            let s = BUCKETS as f64 / m;
            if s.is_finite() {
                s
            } else {
                1.0
            }
        }));
        self.hist.clear();
        self.hist.resize(width, [0; BUCKETS]);
        self.bucket.resize(rows * width, 0);
        let scale = &self.scale[..width];
        // Bucket bytes (vectorised), then the histogram.
        for ((row, brow), &f) in w
            .chunks(stride)
            .zip(self.bucket.chunks_exact_mut(width))
            .zip(fixed)
        {
            let row = &row[j0..j0 + width];
            for ((&x, &sc), b) in row.iter().zip(scale).zip(brow.iter_mut()) {
                *b = bucket(x * sc);
            }
            for (&b, h) in brow.iter().zip(self.hist.iter_mut()) {
                h[b as usize & (BUCKETS - 1)] += f;
            }
        }
        // Crossing buckets, from the top.
        self.crossing.clear();
        self.above.clear();
        for (h, (&m, o)) in self.hist.iter().zip(max.iter().zip(out.iter_mut())) {
            let mut above = 0u64;
            let mut cross = DONE;
            if m > 0.0 {
                for b in (0..BUCKETS).rev() {
                    if above + h[b] >= k {
                        cross = b as u8;
                        break;
                    }
                    above += h[b];
                }
                if cross == DONE {
                    *o = m;
                }
            } else {
                *o = 0.0;
            }
            self.crossing.push(cross);
            self.above.push(above);
        }
        // Candidates: the entries of each column's crossing bucket. Each row's matches, found
        // eight bytes at a time, make one mask (a tile is at most 64 columns). A row holds
        // about one match on average, so the first two are taken without a branch (a miss
        // writes to a spare column, `width`, and counts nothing) and a loop takes the rest:
        // a branch per match mispredicts about as often as it is taken.
        self.count.clear();
        self.count.resize(width + 1, 0);
        self.cand.resize(rows * (width + 1), (0.0, 0));
        for ((brow, row), &f) in self
            .bucket
            .chunks_exact(width)
            .zip(w.chunks(stride))
            .zip(fixed)
        {
            let row = &row[j0..j0 + width];
            let (bw, cw) = (brow.chunks_exact(8), self.crossing.chunks_exact(8));
            let tail = (bw.remainder(), cw.remainder());
            let mut hits = 0u64;
            for (g, (b, c)) in bw.zip(cw).enumerate() {
                let d = u64::from_le_bytes(b.try_into().unwrap_or([0; 8]))
                    ^ u64::from_le_bytes(c.try_into().unwrap_or([DONE; 8]));
                hits |= byte_mask(zero_bytes(d)) << (8 * g);
            }
            if !tail.0.is_empty() {
                hits |= byte_mask(equal_bytes(tail.0, tail.1)) << (width - tail.0.len());
            }
            let (cand, count) = (&mut self.cand[..], &mut self.count[..]);
            for _ in 0..2 {
                let hit = hits != 0;
                let t = if hit {
                    hits.trailing_zeros() as usize
                } else {
                    width
                };
                hits &= hits.wrapping_sub(1);
                cand[t * rows + count[t]] = (row[t.min(width - 1)], f);
                count[t] += usize::from(hit);
            }
            while hits != 0 {
                let t = hits.trailing_zeros() as usize;
                hits &= hits - 1;
                cand[t * rows + count[t]] = (row[t], f);
                count[t] += 1;
            }
        }
        for (t, o) in out.iter_mut().enumerate() {
            if self.crossing[t] != DONE {
                let c = &mut self.cand[t * rows..t * rows + self.count[t]];
                *o = resolve(c, self.above[t], k).unwrap_or(max[t]);
            }
        }
    }

    /// Small columns: up to 8 or 16 validators by a sorting network over [`LANES`] columns at
    /// once ([`Scratch::network`]), else (and for a column the network cannot settle) each
    /// column gathered and sorted ([`Scratch::column`]).
    ///
    /// The network's sort keys (and whether each column is finite) are made for the whole
    /// tile first, row by row (vectorised): `key = bits(f32(w) + 0.0) & !IDX_MASK | i`.
    fn direct(
        &mut self,
        w: &[f64],
        stride: usize,
        rows: usize,
        j0: usize,
        max: &[f64],
        out: &mut [f64],
    ) {
        let width = out.len();
        if rows > 16 {
            for (t, (o, &m)) in out.iter_mut().zip(max).enumerate() {
                *o = self.column(w, stride, rows, j0 + t, m);
            }
            return;
        }
        // The keys of the tile's rows (row-major) and whether each column is finite: `key·0`
        // is NaN for the key of a NaN, an infinity or a weight beyond f32's range (a NaN or an
        // infinity), 0 otherwise; `x + 0.0` is `x` but for −0.0 (→ +0.0). Both buffers are overwritten whole (resized, not
        // cleared: no zero-fill).
        let mut keys = core::mem::take(&mut self.keys);
        let mut finite = core::mem::take(&mut self.finite);
        keys.resize(rows * width, 0.0);
        finite.resize(width, 0.0);
        finite.fill(0.0);
        for (i, (row, krow)) in w
            .chunks(stride)
            .zip(keys.chunks_exact_mut(width))
            .enumerate()
        {
            let row = &row[j0..j0 + width];
            for ((k, &x), f) in krow.iter_mut().zip(row).zip(finite.iter_mut()) {
                *k = Key::from_bits((x as Key + 0.0).to_bits() & !IDX_MASK | i as u32);
                *f += *k * 0.0;
            }
        }
        let mut fixed = [0u64; 16];
        fixed[..rows].copy_from_slice(&self.fixed[..rows]);
        for (p, (o, m)) in out.chunks_mut(LANES).zip(max.chunks(LANES)).enumerate() {
            let j = j0 + p * LANES;
            match (
                <&mut [f64; LANES]>::try_from(&mut *o),
                <&[f64; LANES]>::try_from(m),
            ) {
                (Ok(o), Ok(m)) => {
                    let t = p * LANES;
                    let lane = Lane {
                        finite: &finite[t..t + LANES],
                        fixed: &fixed,
                        w,
                        stride,
                        rows,
                        j,
                    };
                    if rows <= 8 {
                        self.network(&lane, tile_keys(&keys, width, t), m, o, sort8);
                    } else {
                        self.network(&lane, tile_keys(&keys, width, t), m, o, sort16);
                    }
                }
                _ => {
                    for (t, (o, &m)) in o.iter_mut().zip(m).enumerate() {
                        *o = self.column(w, stride, rows, j + t, m);
                    }
                }
            }
        }
        self.keys = keys;
        self.finite = finite;
    }

    /// One small column `j`, gathered and sorted: `C` as [`select_sorted`] defines it, the
    /// column maximum `m` if no weight reaches κ, 0 if `m ≤ 0`.
    fn column(&mut self, w: &[f64], stride: usize, rows: usize, j: usize, m: f64) -> f64 {
        if m > 0.0 {
            self.cand.clear();
            self.cand
                .extend((0..rows).map(|i| (w[i * stride + j], self.fixed[i])));
            resolve(&mut self.cand, 0, self.kappa).unwrap_or(m)
        } else {
            0.0
        }
    }

    /// [`LANES`] adjacent columns of at most `R` validators (`R` = 8 or 16) by a sorting
    /// network, branch-free and vectorised across the columns.
    ///
    /// Each weight becomes a sort key: the bits of the weight rounded to f32 with the low
    /// [`IDX_BITS`] replaced by its row, `key = bits(f32(w) + 0.0) & !IDX_MASK | i` (`+ 0.0`
    /// makes −0.0 a +0.0), still a finite float, and all keys of a column are distinct
    /// (padding rows are −∞). Rounding and masking are monotone, so keys of different
    /// *classes* (`bits >> IDX_BITS`) keep the order of their weights, and sorting the keys
    /// sorts the weights but for the order within a class. Walking the sorted keys from the
    /// top, adding the stake of each key's row, the first key at which the running stake
    /// reaches κ is in the class that holds the crossing; if every weight of that class is
    /// equal (exactly, in f64; a class is 2⁻¹⁹ of relative width: in practice one weight), that
    /// weight is `C` exactly: the stake above the class is the same in both orders and the
    /// class is the tie group. A zero `C` takes its sign from the group's first row, as
    /// [`select_sorted`]'s (stable, up to 20 entries) sort does. Otherwise, or if a column
    /// holds a NaN, an infinity or a weight beyond f32's range, the column is resolved by
    /// [`Scratch::column`].
    #[inline(always)]
    fn network<const R: usize>(
        &mut self,
        lane: &Lane<'_>,
        mut keys: [[Key; LANES]; R],
        m: &[f64; LANES],
        out: &mut [f64; LANES],
        sort: fn(&mut [[Key; LANES]; R]),
    ) {
        if m.iter().all(|&m| m <= 0.0) {
            *out = [0.0; LANES];
            return;
        }
        sort(&mut keys);
        let (w, stride, rows, j) = (lane.w, lane.stride, lane.rows, lane.j);
        for l in 0..LANES {
            out[l] = if m[l] <= 0.0 {
                0.0
            } else if lane.finite[l] != 0.0 {
                self.column(w, stride, rows, j + l, m[l])
            } else {
                match crossing(&keys, lane, self.kappa, l) {
                    Crossing::Weight(c) => c,
                    Crossing::None => m[l],
                    Crossing::Unsettled => self.column(w, stride, rows, j + l, m[l]),
                }
            }
        }
    }
}

/// Columns `j .. j + LANES` of `w` (`rows` rows of `stride`) in [`Scratch::network`]:
/// whether each is finite (0 if so) and the rows' fixed stakes.
struct Lane<'a> {
    finite: &'a [Key],
    fixed: &'a [u64; 16],
    w: &'a [f64],
    stride: usize,
    rows: usize,
    j: usize,
}

/// Columns `t .. t + LANES` of row-major `keys` (`width` per row), −∞ below the last row.
#[inline(always)]
fn tile_keys<const R: usize>(keys: &[Key], width: usize, t: usize) -> [[Key; LANES]; R] {
    let mut k = [[Key::NEG_INFINITY; LANES]; R];
    for (k, row) in k.iter_mut().zip(keys.chunks_exact(width)) {
        *k = <[Key; LANES]>::try_from(&row[t..t + LANES]).expect("LANES keys");
    }
    k
}

/// The crossing of lane `l` of sorted keys, as [`Scratch::network`] describes it.
#[inline(always)]
fn crossing<const R: usize>(
    keys: &[[Key; LANES]; R],
    lane: &Lane<'_>,
    kappa: u64,
    l: usize,
) -> Crossing {
    let rows = lane.rows;
    let mut above = 0u64;
    let mut p = 0;
    let k = loop {
        if p == rows {
            return Crossing::None;
        }
        let k = keys[p][l].to_bits();
        above += lane.fixed[(k & IDX_MASK) as usize];
        if above >= kappa {
            break k;
        }
        p += 1;
    };
    let c = lane.w[(k & IDX_MASK) as usize * lane.stride + lane.j + l];
    let class = k >> IDX_BITS;
    let in_class = |q: usize| keys[q][l].to_bits() >> IDX_BITS == class;
    if (p == 0 || !in_class(p - 1)) && (p + 1 == rows || !in_class(p + 1)) {
        // Alone in its class (the usual case): the tie group is this row.
        Crossing::Weight(c)
    } else {
        tie_class(keys, lane, l, p, c)
    }
}

/// [`crossing`] where the crossing key `p` (weight `c`) shares its class with a neighbour.
#[cold]
#[inline(never)]
fn tie_class<const R: usize>(
    keys: &[[Key; LANES]; R],
    lane: &Lane<'_>,
    l: usize,
    p: usize,
    c: f64,
) -> Crossing {
    let rows = lane.rows;
    let key = |q: usize| keys[q][l].to_bits();
    let class = key(p) >> IDX_BITS;
    let in_class = |q: usize| key(q) >> IDX_BITS == class;
    let weight = |q: usize| lane.w[(key(q) & IDX_MASK) as usize * lane.stride + lane.j + l];
    let same = |q: usize| weight(q) == c;
    let settled = (0..p).rev().take_while(|&q| in_class(q)).all(same)
        && (p + 1..rows).take_while(|&q| in_class(q)).all(same);
    if !settled {
        Crossing::Unsettled
    } else if c == 0.0 {
        // ±0.0: the first row of the tie group in row order (`select_sorted`'s sort keeps
        // rows in order), the last key of the class.
        let end = (p..rows).take_while(|&q| in_class(q)).last().unwrap_or(p);
        Crossing::Weight(weight(end))
    } else {
        Crossing::Weight(c)
    }
}

/// Columns side by side in [`Scratch::network`] (one SSE2 or SIMD128 register of f32).
const LANES: usize = 4;
/// A network sort key ([`Scratch::network`]).
type Key = f32;
/// Low bits of a network sort key that hold the row (up to 16 rows).
const IDX_BITS: u32 = 4;
const IDX_MASK: u32 = (1 << IDX_BITS) - 1;

/// What the sorted keys of one column tell.
enum Crossing {
    /// The consensus.
    Weight(f64),
    /// No weight reaches κ.
    None,
    /// The crossing class holds different weights.
    Unsettled,
}

/// Compare-exchange of rows `i < j` of every lane: the larger key to `i` (keys are distinct
/// and never NaN, so this is a plain max/min).
#[inline(always)]
fn exchange<const R: usize>(k: &mut [[Key; LANES]; R], i: usize, j: usize) {
    let (a, b) = (k[i], k[j]);
    let (mut hi, mut lo): ([Key; LANES], [Key; LANES]) = ([0.0; LANES], [0.0; LANES]);
    for l in 0..LANES {
        let c = a[l] < b[l];
        hi[l] = if c { b[l] } else { a[l] };
        lo[l] = if c { a[l] } else { b[l] };
    }
    k[i] = hi;
    k[j] = lo;
}

macro_rules! network {
    ($name:ident, $r:literal, $($i:literal $j:literal),*) => {
        /// Batcher's odd–even merge sort of
        #[doc = concat!(stringify!($r), " keys per lane, descending.")]
        fn $name(keys: &mut [[Key; LANES]; $r]) {
            let mut k = *keys;
            $(exchange(&mut k, $i, $j);)*
            *keys = k;
        }
    };
}

network!(sort8, 8, 0 1, 2 3, 0 2, 1 3, 1 2, 4 5, 6 7, 4 6, 5 7, 5 6, 0 4, 2 6, 2 4, 1 5, 3 7,
    3 5, 1 2, 3 4, 5 6);
network!(sort16, 16, 0 1, 2 3, 0 2, 1 3, 1 2, 4 5, 6 7, 4 6, 5 7, 5 6, 0 4, 2 6, 2 4, 1 5,
    3 7, 3 5, 1 2, 3 4, 5 6, 8 9, 10 11, 8 10, 9 11, 9 10, 12 13, 14 15, 12 14, 13 15, 13 14,
    8 12, 10 14, 10 12, 9 13, 11 15, 11 13, 9 10, 11 12, 13 14, 0 8, 4 12, 4 8, 2 10, 6 14,
    6 10, 2 4, 6 8, 10 12, 1 9, 5 13, 5 9, 3 11, 7 15, 7 11, 3 5, 7 9, 11 13, 1 2, 3 4, 5 6,
    7 8, 9 10, 11 12, 13 14);

/// The bucket of a scaled weight: any monotone map to `0..BUCKETS` works. Rounding through
/// the 1.5·2⁵² trick keeps the loop free of float-to-integer conversions (it vectorises).
#[inline(always)]
fn bucket(x: f64) -> u8 {
    let x = if x < (BUCKETS - 1) as f64 {
        x
    } else {
        (BUCKETS - 1) as f64
    };
    let x = if x > 0.0 { x } else { 0.0 };
    (x + 6_755_399_441_055_744.0).to_bits() as u8
}

/// The high bit of each byte of the result is set where the bucket byte equals its column's
/// crossing byte (up to eight, little-endian; a short group is padded with non-matches).
#[inline(always)]
fn equal_bytes(b: &[u8], c: &[u8]) -> u64 {
    let (mut x, mut y) = ([0u8; 8], [DONE; 8]);
    x[..b.len()].copy_from_slice(b);
    y[..c.len()].copy_from_slice(c);
    zero_bytes(u64::from_le_bytes(x) ^ u64::from_le_bytes(y))
}

/// One bit per byte of `z` (bit `k` for byte `k`), from the bytes' high bits (the others
/// clear, as [`zero_bytes`] and [`equal_bytes`] leave them).
#[inline(always)]
fn byte_mask(z: u64) -> u64 {
    ((z >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56
}

/// The high bit of each byte of the result is set where that byte of `d` is zero.
#[inline(always)]
fn zero_bytes(d: u64) -> u64 {
    const LO7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    !(((d & LO7) + LO7) | d | LO7)
}

/// The weight whose tied group brings the running stake (from `above`) to κ, over candidates
/// that all lie below the stake already counted: sorted when few, quickselect otherwise.
fn resolve(cand: &mut [(f64, u64)], above: u64, kappa: u64) -> Option<f64> {
    if cand.len() <= SORT_MAX {
        select_sorted(cand, above, kappa)
    } else if above >= kappa {
        cand.iter().map(|c| c.0).reduce(exact::max)
    } else {
        let total: u64 = cand.iter().map(|c| c.1).sum();
        if above + total < kappa {
            None
        } else {
            Some(kappa_quantile(cand, kappa - above))
        }
    }
}

/// Converts stakes into exact integer shares of their total (2⁶² = all the stake) and κ into
/// the same unit. Returns κ in that unit (`u64::MAX` when κ exceeds the total: never reached).
pub fn fixed_stakes(s: &[f64], kappa: f64, out: &mut Vec<u64>) -> u64 {
    let total: f64 = s.iter().sum();
    out.clear();
    if total.partial_cmp(&0.0) != Some(core::cmp::Ordering::Greater) || !total.is_finite() {
        out.resize(s.len(), 0);
        return if kappa <= 0.0 { 0 } else { u64::MAX };
    }
    out.extend(s.iter().map(|&x| libm::round(x / total * ONE) as u64));
    // κ is a share of *normalised* stake: compare against the same scale.
    let k = kappa / total * ONE;
    if k <= 0.0 {
        0
    } else if k >= 2.0 * ONE {
        u64::MAX
    } else {
        exact::ceil(k) as u64
    }
}

/// The κ-quantile of one column by histogram select. `fixed` are the stakes from
/// [`fixed_stakes`], `kappa` the threshold in the same unit.
pub fn column_quantile(
    col: &[f64],
    fixed: &[u64],
    kappa: u64,
    hist: &mut Vec<u64>,
    cand: &mut Vec<(f64, u64)>,
) -> f64 {
    if col.is_empty() {
        return 0.0;
    }
    let max = col.iter().copied().fold(0.0f64, exact::max);
    if max <= 0.0 {
        return 0.0;
    }
    let scale = BUCKETS as f64 / max;
    let bucket = |w: f64| {
        let b = (w * scale) as usize;
        if b >= BUCKETS {
            BUCKETS - 1
        } else {
            b
        }
    };
    hist.clear();
    hist.resize(BUCKETS, 0);
    for (&w, &f) in col.iter().zip(fixed) {
        hist[bucket(w)] += f;
    }
    let mut above = 0u64;
    let mut crossing = None;
    for b in (0..BUCKETS).rev() {
        if above + hist[b] >= kappa {
            crossing = Some(b);
            break;
        }
        above += hist[b];
    }
    let Some(b) = crossing else { return max };
    cand.clear();
    cand.extend(
        col.iter()
            .zip(fixed)
            .filter(|(&w, _)| bucket(w) == b)
            .map(|(&w, &f)| (w, f)),
    );
    select_sorted(cand, above, kappa).unwrap_or(max)
}

/// Sorts candidates by weight, highest first, and returns the weight whose tied group brings
/// the running stake (starting at `above`) to κ.
fn select_sorted(cand: &mut [(f64, u64)], mut above: u64, kappa: u64) -> Option<f64> {
    cand.sort_unstable_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(core::cmp::Ordering::Equal));
    let mut k = 0;
    while k < cand.len() {
        // The group's first entry is always taken, so a NaN (unequal to itself) forms a group
        // of one instead of stalling the loop.
        let w = cand[k].0;
        above += cand[k].1;
        k += 1;
        while k < cand.len() && cand[k].0 == w {
            above += cand[k].1;
            k += 1;
        }
        if above >= kappa {
            return Some(w);
        }
    }
    None
}

/// The κ-quantile of `(weight, fixed stake)` pairs by three-way quickselect, expected O(n);
/// used by the sparse kernel. Reorders `pairs`. Returns 0 for an empty column.
pub fn kappa_quantile(pairs: &mut [(f64, u64)], kappa: u64) -> f64 {
    if pairs.is_empty() {
        return 0.0;
    }
    let (mut lo, mut hi) = (0usize, pairs.len());
    let mut above = 0u64;
    while lo < hi {
        let part = &mut pairs[lo..hi];
        let pivot = median_of_three(part);
        let (mut gt, mut i, mut lt) = (0usize, 0usize, part.len());
        let (mut s_gt, mut s_eq) = (0u64, 0u64);
        while i < lt {
            let w = part[i].0;
            if w > pivot {
                s_gt += part[i].1;
                part.swap(gt, i);
                gt += 1;
                i += 1;
            } else if w < pivot {
                lt -= 1;
                part.swap(i, lt);
            } else {
                s_eq += part[i].1;
                i += 1;
            }
        }
        if above + s_gt >= kappa && gt > 0 {
            hi = lo + gt;
        } else if above + s_gt + s_eq >= kappa {
            return pivot;
        } else {
            above += s_gt + s_eq;
            lo += lt;
        }
    }
    pairs
        .iter()
        .fold(f64::NEG_INFINITY, |m, p| if p.0 > m { p.0 } else { m })
}

fn median_of_three(part: &[(f64, u64)]) -> f64 {
    let a = part[0].0;
    let b = part[part.len() / 2].0;
    let c = part[part.len() - 1].0;
    if (a <= b) == (b <= c) {
        b
    } else if (b <= a) == (a <= c) {
        a
    } else {
        c
    }
}

/// Consensus of every column of a row-major `rows × cols` matrix `w` with stakes `s`, by
/// tiles of [`TILE`] columns read in place. No allocation once `scratch` is warm.
pub fn consensus_dense(
    w: &[f64],
    rows: usize,
    cols: usize,
    s: &[f64],
    kappa: f64,
    out: &mut [f64],
    scratch: &mut Scratch,
) {
    scratch.prepare(s, kappa);
    let mut max = core::mem::take(&mut scratch.max);
    for (j0, o) in (0..cols).step_by(TILE).zip(out.chunks_mut(TILE)) {
        max.clear();
        max.resize(o.len(), 0.0);
        for row in w.chunks_exact(cols.max(1)).take(rows) {
            for (m, &x) in max.iter_mut().zip(&row[j0..]) {
                *m = exact::max(*m, x);
            }
        }
        scratch.tile(w, cols, rows, j0, &max, o);
    }
    scratch.max = max;
}

/// Reference implementation by sorting the whole column (for tests).
pub fn kappa_quantile_by_sort(col: &[f64], s: &[f64], kappa: f64) -> f64 {
    if col.is_empty() {
        return 0.0;
    }
    let mut fixed = Vec::new();
    let k = fixed_stakes(s, kappa, &mut fixed);
    let mut v: Vec<(f64, u64)> = col.iter().copied().zip(fixed).collect();
    let max = col.iter().copied().fold(f64::NEG_INFINITY, exact::max);
    select_sorted(&mut v, 0, k).unwrap_or(max)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A NaN among the candidates ends the walk like any other weight (no endless loop).
    #[test]
    fn select_sorted_terminates_on_nan() {
        let mut c = [(0.5, 1u64), (f64::NAN, 1), (0.25, 1), (f64::NAN, 1)];
        assert!(select_sorted(&mut c, 0, 4).is_some());
        let mut c = [(f64::NAN, 1u64), (f64::NAN, 1)];
        assert_eq!(select_sorted(&mut c, 0, 3), None);
    }

    fn q(col: &[f64], s: &[f64], kappa: f64) -> f64 {
        let mut out = [0.0];
        consensus_dense(
            col,
            col.len(),
            1,
            s,
            kappa,
            &mut out,
            &mut Scratch::default(),
        );
        out[0]
    }

    #[test]
    fn hand_worked_columns() {
        // Stakes .8/.1/.1: κ = .5 is reached by the big validator's weight.
        assert_eq!(q(&[0.9, 0.1, 0.5], &[0.8, 0.1, 0.1], 0.5), 0.9);
        // The big validator moved away (weight 0): the smalls hold only .2 < κ, so C = 0.
        assert_eq!(q(&[0.0, 1.0, 1.0], &[0.8, 0.1, 0.1], 0.5), 0.0);
        // Case 11, server 1: .61 (.02), then .6 (.51 ≥ .5) → .6.
        assert_eq!(q(&[0.3, 0.6, 0.61], &[0.49, 0.49, 0.02], 0.5), 0.6);
        // κ above all the stake: the top weight.
        assert_eq!(q(&[0.2, 0.7], &[0.1, 0.1], 1.5), 0.7);
        // Exact halves: .25 + .25 reaches κ = .5 exactly, whatever the summation order.
        assert_eq!(
            q(&[0.9, 0.8, 0.1, 0.0], &[0.25, 0.25, 0.25, 0.25], 0.5),
            0.8
        );
    }

    /// A 64-bit LCG's high 31 bits, from `x`.
    fn lcg(mut x: u64) -> impl FnMut() -> u64 {
        move || {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            x >> 33
        }
    }

    /// Every column of [`consensus_dense`] has the bits of [`kappa_quantile_by_sort`] (0 for a
    /// column without a positive weight).
    fn assert_dense_matches_sort(w: &[f64], rows: usize, cols: usize, s: &[f64], kappa: f64) {
        let mut out = alloc::vec![0.0; cols];
        consensus_dense(w, rows, cols, s, kappa, &mut out, &mut Scratch::default());
        for (j, &o) in out.iter().enumerate() {
            let col: Vec<f64> = (0..rows).map(|i| w[i * cols + j]).collect();
            let want = if col.iter().copied().fold(0.0, f64::max) > 0.0 {
                kappa_quantile_by_sort(&col, s, kappa)
            } else {
                0.0
            };
            assert_eq!(
                o.to_bits(),
                want.to_bits(),
                "column {j}: {col:?} {s:?} κ={kappa}"
            );
        }
    }

    #[test]
    fn network_columns_agree_with_sort() {
        // Ties, zeros of both signs, negatives, near-equal weights (one key class) and ±∞ (no
        // NaN: `select_sorted` does not take one).
        let ws = [
            0.0,
            -0.0,
            0.1,
            0.25,
            0.25,
            0.5,
            0.9,
            1.0,
            -0.3,
            0.5 + f64::EPSILON,
            1.0 - f64::EPSILON / 2.0,
            f64::MIN_POSITIVE / 4.0,
            f64::NEG_INFINITY,
            f64::INFINITY,
            // Beyond f32's range, zero in f32, an f32 subnormal, one f32 class apart.
            1e300,
            1e-300,
            -1e-300,
            1e-40,
            0.25 + 1.0 / (1u64 << 30) as f64,
        ];
        let mut next = lcg(12345u64);
        for case in 0..3000u64 {
            let rows = 1 + (case % 23) as usize;
            let cols = 1 + (next() % 11) as usize;
            let pool = if case % 3 == 0 { ws.len() } else { 12 };
            let w: Vec<f64> = (0..rows * cols)
                .map(|_| ws[next() as usize % pool])
                .collect();
            let s: Vec<f64> = (0..rows).map(|_| (next() % 5) as f64 / 10.0).collect();
            for kappa in [0.0, 0.3, 0.5, 1.0] {
                assert_dense_matches_sort(&w, rows, cols, &s, kappa);
            }
        }
    }

    /// The histogram tiles (at least [`DIRECT_ROWS`] rows): widths that are not multiples of
    /// eight (the candidate sweep's tail), several tiles, ties and zeros.
    #[test]
    fn histogram_tiles_agree_with_sort() {
        let ws = [
            0.0,
            0.1,
            0.25,
            0.25,
            0.5,
            0.9,
            1.0,
            0.5 + f64::EPSILON,
            1e-300,
        ];
        let mut next = lcg(777u64);
        for case in 0..120u64 {
            let rows = DIRECT_ROWS + (next() % 60) as usize;
            let cols = 1 + (next() % 150) as usize;
            let w: Vec<f64> = (0..rows * cols)
                .map(|_| {
                    if case % 2 == 0 {
                        ws[next() as usize % ws.len()]
                    } else {
                        (next() % 1000) as f64 / 999.0
                    }
                })
                .collect();
            let s: Vec<f64> = (0..rows).map(|_| (next() % 7) as f64 / 10.0).collect();
            for kappa in [0.0, 0.3, 0.5, 0.9] {
                assert_dense_matches_sort(&w, rows, cols, &s, kappa);
            }
        }
    }

    #[test]
    fn histogram_quickselect_and_sort_agree() {
        let ws = [0.0, 0.1, 0.25, 0.25, 0.5, 0.9, 1.0];
        for seed in 0..300u64 {
            let n = 1 + (seed % 9) as usize;
            let mut x = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let mut col = Vec::new();
            let mut s = Vec::new();
            for _ in 0..n {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                col.push(ws[(x >> 33) as usize % ws.len()]);
                s.push(((x >> 40) % 5) as f64 / 10.0);
            }
            for kappa in [0.0, 0.3, 0.5, 0.75, 1.0] {
                let want = kappa_quantile_by_sort(&col, &s, kappa);
                assert_eq!(q(&col, &s, kappa), want, "{col:?} {s:?} κ={kappa}");
                let mut fixed = Vec::new();
                let k = fixed_stakes(&s, kappa, &mut fixed);
                let mut pairs: Vec<(f64, u64)> = col.iter().copied().zip(fixed).collect();
                assert_eq!(kappa_quantile(&mut pairs, k), want);
            }
        }
    }
}
