//! The stake-weighted median (consensus), spec §2.6.
//!
//! [`weighted_median`] is the chain's deterministic quickselect (middle pivot). Because I32F32
//! addition is exact, its result does not depend on the pivot: it is
//!
//! `v = min { s : S(score ≤ s) > m }` over the participating scores, where S sums the stake and
//! m is the minority (`stake_sum − κ`); the max score when no s qualifies (m ≥ S(all)), 0 for
//! an empty input. [`weighted_median_sorted`] computes that definition from scores sorted
//! ascending, which is how the production epoch does it (tested bit for bit against the
//! quickselect).

use super::normalize::inplace_normalize;
use super::ops::{sum, I32F32, ZERO};
use alloc::vec;
use alloc::vec::Vec;

/// The chain's quickselect: `stake` and `score` indexed by `idx`, `minority = m`, the stake
/// integral of the partition `[lo, hi]`.
pub fn weighted_median(
    stake: &[I32F32],
    score: &[I32F32],
    idx: &[usize],
    minority: I32F32,
    mut lo: I32F32,
    mut hi: I32F32,
) -> I32F32 {
    if stake.len() != score.len() {
        return ZERO;
    }
    let get = |v: &[I32F32], i: usize| v.get(i).copied().unwrap_or(ZERO);
    let mut part: Vec<usize> = idx.to_vec();
    let mut lower: Vec<usize> = Vec::new();
    let mut upper: Vec<usize> = Vec::new();
    let mut iterations = 0usize;
    loop {
        match part.len() {
            0 => return ZERO,
            1 => return get(score, part[0]),
            _ => {}
        }
        let pivot = get(score, part[part.len() / 2]);
        let mut lo_stake = ZERO;
        let mut hi_stake = ZERO;
        for &i in &part {
            let s = get(score, i);
            if s < pivot {
                lo_stake = lo_stake.saturating_add(get(stake, i));
                lower.push(i);
            } else if s > pivot {
                hi_stake = hi_stake.saturating_add(get(stake, i));
                upper.push(i);
            }
        }
        if minority < lo.saturating_add(lo_stake) && !lower.is_empty() {
            core::mem::swap(&mut part, &mut lower);
            hi = lo.saturating_add(lo_stake);
        } else if hi.saturating_sub(hi_stake) <= minority && !upper.is_empty() {
            core::mem::swap(&mut part, &mut upper);
            lo = hi.saturating_sub(hi_stake);
        } else {
            return pivot;
        }
        lower.clear();
        upper.clear();
        iterations += 1;
        if iterations > idx.len() {
            return ZERO;
        }
    }
}

/// The same value from `(score, stake)` pairs sorted by score ascending, with `base` the stake
/// of participants whose score is 0 and who are not listed (`zeros_present` says whether any
/// exist). See the module docs for the definition.
pub fn weighted_median_sorted(
    sorted: &[(I32F32, I32F32)],
    base: I32F32,
    zeros_present: bool,
    minority: I32F32,
) -> I32F32 {
    let mut cum = ZERO;
    if zeros_present {
        cum = base;
        if cum > minority {
            return ZERO;
        }
    }
    let mut k = 0;
    while k < sorted.len() {
        let v = sorted[k].0;
        while k < sorted.len() && sorted[k].0 == v {
            cum = cum.saturating_add(sorted[k].1);
            k += 1;
        }
        if cum > minority {
            return v;
        }
    }
    match sorted.last() {
        Some(&(v, _)) => v,
        None => ZERO,
    }
}

/// `weighted_median_col_sparse(stake, W, n, κ)`: per column j, the weighted median of
/// `W[i][j]` (missing = 0) over rows with `stake_i > 0`, with those stakes re-normalised and
/// `minority = Σ use_stake − κ`.
pub fn weighted_median_col_sparse(
    stake: &[I32F32],
    w: &[Vec<(u16, I32F32)>],
    columns: usize,
    kappa: I32F32,
) -> Vec<I32F32> {
    let mut use_stake: Vec<I32F32> = stake.iter().copied().filter(|&s| s > ZERO).collect();
    inplace_normalize(&mut use_stake);
    let stake_sum = sum(&use_stake);
    let minority = stake_sum.saturating_sub(kappa);
    let idx: Vec<usize> = (0..use_stake.len()).collect();
    let mut use_score = vec![vec![ZERO; use_stake.len()]; columns];
    let mut k = 0usize;
    for (s, row) in stake.iter().zip(w) {
        if *s > ZERO {
            for &(c, v) in row {
                if let Some(cell) = use_score.get_mut(c as usize).and_then(|col| col.get_mut(k)) {
                    *cell = v;
                }
            }
            k += 1;
        }
    }
    use_score
        .iter()
        .map(|col| weighted_median(&use_stake, col, &idx, minority, ZERO, stake_sum))
        .collect()
}
