//! Stake-weighted κ-quantile consensus (float family).
//!
//! For one server column, sort the validators by weight, highest first, and add up their
//! stake; the consensus is the weight at which the running stake first reaches κ. That is
//!
//! `C = max { v ∈ column : Σ_{i : w_i ≥ v} s_i ≥ κ }`,
//!
//! and, when no weight is supported by κ of the stake (total stake below κ), the top weight
//! (the community simulator's `argmax` of an all-false mask). The kernel finds it by a
//! three-way quickselect in expected O(V) per column instead of a sort.

/// The κ-quantile of one column. `pairs` holds `(weight, stake)` and is reordered in place.
/// Returns 0 for an empty column.
pub fn kappa_quantile(pairs: &mut [(f64, f64)], kappa: f64) -> f64 {
    if pairs.is_empty() {
        return 0.0;
    }
    let mut lo = 0usize;
    let mut hi = pairs.len();
    // Stake of the entries already known to be above the live range [lo, hi).
    let mut above = 0.0f64;
    while lo < hi {
        let part = &mut pairs[lo..hi];
        let pivot = median_of_three(part);
        // Three-way partition: [> pivot][== pivot][< pivot].
        let (mut gt, mut i, mut lt) = (0usize, 0usize, part.len());
        let (mut s_gt, mut s_eq) = (0.0f64, 0.0f64);
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
    // Never reached κ: the top weight.
    pairs
        .iter()
        .fold(f64::NEG_INFINITY, |m, p| if p.0 > m { p.0 } else { m })
}

fn median_of_three(part: &[(f64, f64)]) -> f64 {
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
/// `scratch` is reused between calls (no allocation once it has grown to `rows`).
pub fn consensus_dense(
    w: &[f64],
    rows: usize,
    cols: usize,
    s: &[f64],
    kappa: f64,
    out: &mut [f64],
    scratch: &mut alloc::vec::Vec<(f64, f64)>,
) {
    for (j, c) in out.iter_mut().enumerate().take(cols) {
        scratch.clear();
        scratch.extend((0..rows).map(|i| (w[i * cols + j], s[i])));
        *c = kappa_quantile(scratch, kappa);
    }
}

/// Consensus of every column of a **column-major** (transposed) matrix `wt` (`cols × rows`),
/// which keeps each column contiguous: the fast path of the float epoch.
pub fn consensus_transposed(
    wt: &[f64],
    rows: usize,
    s: &[f64],
    kappa: f64,
    out: &mut [f64],
    scratch: &mut alloc::vec::Vec<(f64, f64)>,
) {
    if rows == 0 {
        out.fill(0.0);
        return;
    }
    for (col, c) in wt.chunks_exact(rows).zip(out.iter_mut()) {
        scratch.clear();
        scratch.extend(col.iter().copied().zip(s.iter().copied()));
        *c = kappa_quantile(scratch, kappa);
    }
}

/// Reference implementation by sorting, as the community simulator does it (for tests).
pub fn kappa_quantile_by_sort(pairs: &[(f64, f64)], kappa: f64) -> f64 {
    if pairs.is_empty() {
        return 0.0;
    }
    let mut v: alloc::vec::Vec<(f64, f64)> = pairs.to_vec();
    v.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(core::cmp::Ordering::Equal));
    let mut acc = 0.0;
    // Sum tied groups together so the result does not depend on the order inside a tie.
    let mut k = 0;
    while k < v.len() {
        let w = v[k].0;
        while k < v.len() && v[k].0 == w {
            acc += v[k].1;
            k += 1;
        }
        if acc >= kappa {
            return w;
        }
    }
    v[0].0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_worked_columns() {
        // Stakes .8/.1/.1 all on one weight: κ = .5 is reached by the big validator.
        let mut p = [(0.9, 0.8), (0.1, 0.1), (0.5, 0.1)];
        assert_eq!(kappa_quantile(&mut p, 0.5), 0.9);
        // The big validator moved away (weight 0): the smalls hold only .2 < κ, so C = 0.
        let mut p = [(0.0, 0.8), (1.0, 0.1), (1.0, 0.1)];
        assert_eq!(kappa_quantile(&mut p, 0.5), 0.0);
        // Case 11, server 1: weights .3/.6/.61 with stakes .49/.49/.02.
        // Sorted: .61 (.02), .6 (.51 ≥ .5) → .6.
        let mut p = [(0.3, 0.49), (0.6, 0.49), (0.61, 0.02)];
        assert_eq!(kappa_quantile(&mut p, 0.5), 0.6);
        // Total stake below κ: the top weight.
        let mut p = [(0.2, 0.1), (0.7, 0.1)];
        assert_eq!(kappa_quantile(&mut p, 0.5), 0.7);
        assert_eq!(kappa_quantile(&mut [], 0.5), 0.0);
    }

    #[test]
    fn matches_the_sort_reference_on_a_grid() {
        let ws = [0.0, 0.1, 0.25, 0.25, 0.5, 0.9, 1.0];
        for seed in 0..200u64 {
            let n = 1 + (seed % 7) as usize;
            let mut pairs = alloc::vec::Vec::new();
            let mut x = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            for _ in 0..n {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let w = ws[(x >> 33) as usize % ws.len()];
                let s = ((x >> 40) % 5) as f64 / 10.0;
                pairs.push((w, s));
            }
            for kappa in [0.0, 0.3, 0.5, 0.75, 1.0] {
                let want = kappa_quantile_by_sort(&pairs, kappa);
                let mut p = pairs.clone();
                assert_eq!(kappa_quantile(&mut p, kappa), want, "{pairs:?} κ={kappa}");
            }
        }
    }
}
