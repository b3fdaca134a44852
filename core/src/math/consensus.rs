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
//! The dense kernel gathers tiles of columns (no full transpose) and selects per column with a
//! 64-bucket stake histogram: one pass to bucket, one to pick the few candidates of the
//! crossing bucket — O(V) per column, branch-light.

use alloc::vec::Vec;

/// Scale of the fixed-point stake shares: 1.0 of total stake = 2⁶².
const ONE: f64 = 4_611_686_018_427_387_904.0;
const BUCKETS: usize = 64;
const TILE: usize = 32;

/// Reusable buffers of the consensus kernels.
#[derive(Debug, Default, Clone)]
pub struct Scratch {
    fixed: Vec<u64>,
    tile: Vec<f64>,
    hist: Vec<u64>,
    cand: Vec<(f64, u64)>,
}

/// Converts stakes into exact integer shares of their total (2⁶² = all the stake) and κ into
/// the same unit. Returns κ in that unit (`u64::MAX` when κ exceeds the total: never reached).
pub fn fixed_stakes(s: &[f64], kappa: f64, out: &mut Vec<u64>) -> u64 {
    let total: f64 = s.iter().sum();
    out.clear();
    if !(total > 0.0) || !total.is_finite() {
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
        libm::ceil(k) as u64
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
    let max = col.iter().copied().fold(0.0f64, f64::max);
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
        let w = cand[k].0;
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

/// Consensus of every column of a row-major `rows × cols` matrix `w` with stakes `s`.
/// Tiles of columns are gathered into a small column-major buffer, so each column is
/// contiguous without transposing the whole matrix. No allocation once `scratch` is warm.
pub fn consensus_dense(
    w: &[f64],
    rows: usize,
    cols: usize,
    s: &[f64],
    kappa: f64,
    out: &mut [f64],
    scratch: &mut Scratch,
) {
    let k = fixed_stakes(s, kappa, &mut scratch.fixed);
    if rows == 0 {
        out.iter_mut().for_each(|c| *c = 0.0);
        return;
    }
    scratch.tile.resize(rows * TILE, 0.0);
    for j0 in (0..cols).step_by(TILE) {
        let width = TILE.min(cols - j0);
        for i in 0..rows {
            let src = &w[i * cols + j0..i * cols + j0 + width];
            for (t, &x) in src.iter().enumerate() {
                scratch.tile[t * rows + i] = x;
            }
        }
        for t in 0..width {
            let col = &scratch.tile[t * rows..(t + 1) * rows];
            out[j0 + t] =
                column_quantile(col, &scratch.fixed, k, &mut scratch.hist, &mut scratch.cand);
        }
    }
}

/// Reference implementation by sorting the whole column (for tests).
pub fn kappa_quantile_by_sort(col: &[f64], s: &[f64], kappa: f64) -> f64 {
    if col.is_empty() {
        return 0.0;
    }
    let mut fixed = Vec::new();
    let k = fixed_stakes(s, kappa, &mut fixed);
    let mut v: Vec<(f64, u64)> = col.iter().copied().zip(fixed).collect();
    let max = col.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    select_sorted(&mut v, 0, k).unwrap_or(max)
}

#[cfg(test)]
mod tests {
    use super::*;

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
