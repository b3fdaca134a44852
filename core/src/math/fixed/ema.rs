//! Exponential moving averages of bonds (spec §2.7).

use super::ops::{I32F32, ONE, ZERO};
use alloc::vec;
use alloc::vec::Vec;

type Rows = Vec<Vec<(u16, I32F32)>>;

/// `mat_ema_sparse(new, old, α)`: per row, densified over the `new.len()` columns,
/// `acc_j = α·new_ij + (1−α)·old_ij` (missing = 0, saturating); entries with acc > 0 are kept,
/// in column order.
pub fn mat_ema_sparse(
    new: &[Vec<(u16, I32F32)>],
    old: &[Vec<(u16, I32F32)>],
    alpha: I32F32,
) -> Rows {
    let n = new.len();
    let one_minus = ONE.saturating_sub(alpha);
    let mut out = Vec::with_capacity(n);
    let mut old_it = old.iter();
    for new_row in new {
        let mut acc = vec![ZERO; n];
        for &(j, v) in new_row {
            if let Some(c) = acc.get_mut(j as usize) {
                *c = c.saturating_add(alpha.saturating_mul(v));
            }
        }
        if let Some(old_row) = old_it.next() {
            for &(j, v) in old_row {
                if let Some(c) = acc.get_mut(j as usize) {
                    *c = c.saturating_add(one_minus.saturating_mul(v));
                }
            }
        }
        out.push(
            acc.iter()
                .enumerate()
                .filter(|(_, v)| **v > ZERO)
                .map(|(j, v)| (j as u16, *v))
                .collect(),
        );
    }
    out
}

/// `mat_ema_alpha_sparse(new, old, A)` with a per-entry α (liquid alpha):
/// `decayed_j = (1 − A_ij)·old_ij` for the columns of `old_i`, then for each `(j, new_ij)` of
/// `new_i`, in its order: `min(1, decayed_j + max(0, A_ij·new_ij))`, kept if > 0.
/// **Only columns present in `new_i` survive**: a bond whose weight entry is absent is deleted,
/// one whose weight is an explicit 0 decays. Shape mismatch returns `new`.
pub fn mat_ema_alpha_sparse(
    new: &[Vec<(u16, I32F32)>],
    old: &[Vec<(u16, I32F32)>],
    alpha: &[Vec<I32F32>],
) -> Rows {
    if new.len() != old.len() || new.len() != alpha.len() {
        return new.to_vec();
    }
    let mut out = Vec::with_capacity(new.len());
    for ((new_row, old_row), a_row) in new.iter().zip(old).zip(alpha) {
        let mut decayed = vec![ZERO; a_row.len()];
        for &(j, b) in old_row {
            if let (Some(&a), Some(c)) = (a_row.get(j as usize), decayed.get_mut(j as usize)) {
                *c = ONE.saturating_sub(a).saturating_mul(b);
            }
        }
        let mut row = Vec::new();
        for &(j, w) in new_row {
            if let (Some(&a), Some(&d)) = (a_row.get(j as usize), decayed.get(j as usize)) {
                let v = d.saturating_add(a.saturating_mul(w).max(ZERO)).min(ONE);
                if v > ZERO {
                    row.push((j, v));
                }
            }
        }
        out.push(row);
    }
    out
}

/// Dense `mat_ema_alpha(new, old, A)`: `min(1, (1 − A_ij)·old_ij + max(0, A_ij·new_ij))` for
/// every entry (decayed values are kept in every column). Mismatched rows return `new`.
pub fn mat_ema_alpha(
    new: &[Vec<I32F32>],
    old: &[Vec<I32F32>],
    alpha: &[Vec<I32F32>],
) -> Vec<Vec<I32F32>> {
    if new.len() != old.len() || new.len() != alpha.len() {
        return old.to_vec();
    }
    if new
        .iter()
        .zip(old)
        .zip(alpha)
        .any(|((n, o), a)| n.len() != o.len() || n.len() != a.len())
    {
        return new.to_vec();
    }
    new.iter()
        .zip(old)
        .zip(alpha)
        .map(|((n, o), a)| {
            n.iter()
                .zip(o)
                .zip(a)
                .map(|((&w, &b), &al)| {
                    ONE.saturating_sub(al)
                        .saturating_mul(b)
                        .saturating_add(al.saturating_mul(w).max(ZERO))
                        .min(ONE)
                })
                .collect()
        })
        .collect()
}

/// Dense `mat_ema(new, old, α) = α·new + (1−α)·old`.
pub fn mat_ema(new: &[Vec<I32F32>], old: &[Vec<I32F32>], alpha: I32F32) -> Vec<Vec<I32F32>> {
    let one_minus = ONE.saturating_sub(alpha);
    new.iter()
        .zip(old)
        .map(|(n, o)| {
            n.iter()
                .zip(o)
                .map(|(&w, &b)| {
                    alpha
                        .saturating_mul(w)
                        .saturating_add(one_minus.saturating_mul(b))
                })
                .collect()
        })
        .collect()
}
