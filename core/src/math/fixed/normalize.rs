//! Normalisation and column scaling (spec §2.1). "Normalise" never touches an all-zero input.

use super::ops::{safe_div, safe_div_64, sum, sum_64, I32F32, I64F64, ZERO};
use alloc::vec;

/// `x_i ← x_i / Σx` (truncated), unless Σx = 0.
pub fn inplace_normalize(x: &mut [I32F32]) {
    let s = sum(x);
    inplace_normalize_using_sum(x, s);
}

/// `x_i ← x_i / s` (truncated), unless s = 0.
pub fn inplace_normalize_using_sum(x: &mut [I32F32], s: I32F32) {
    if s == ZERO {
        return;
    }
    for v in x.iter_mut() {
        *v = safe_div(*v, s);
    }
}

/// [`inplace_normalize`] in I64F64 (the raw stake vector).
pub fn inplace_normalize_64(x: &mut [I64F64]) {
    let s = sum_64(x);
    if s == I64F64::from_bits(0) {
        return;
    }
    for v in x.iter_mut() {
        *v = safe_div_64(*v, s);
    }
}

/// Per sparse row: divide by the row sum when it is > 0.
pub fn inplace_row_normalize_sparse(m: &mut [alloc::vec::Vec<(u16, I32F32)>]) {
    for row in m.iter_mut() {
        let s = I32F32::from_bits(row.iter().fold(0i64, |a, e| a.wrapping_add(e.1.to_bits())));
        if s > ZERO {
            for e in row.iter_mut() {
                e.1 = safe_div(e.1, s);
            }
        }
    }
}

/// Column sums (saturating) over present entries, then each entry divided by its column sum
/// when that sum is ≠ 0. Entries with a column ≥ `columns` are left alone.
pub fn inplace_col_normalize_sparse(m: &mut [alloc::vec::Vec<(u16, I32F32)>], columns: usize) {
    let mut col = vec![ZERO; columns];
    for row in m.iter() {
        for &(j, v) in row {
            if let Some(c) = col.get_mut(j as usize) {
                *c = c.saturating_add(v);
            }
        }
    }
    for row in m.iter_mut() {
        for e in row.iter_mut() {
            if let Some(&c) = col.get(e.0 as usize) {
                if c != ZERO {
                    e.1 = safe_div(e.1, c);
                }
            }
        }
    }
}

/// Each entry divided by its column maximum (if ≠ 0): every column's max becomes 1.
pub fn inplace_col_max_upscale_sparse(m: &mut [alloc::vec::Vec<(u16, I32F32)>], columns: usize) {
    let mut col = vec![ZERO; columns];
    for row in m.iter() {
        for &(j, v) in row {
            if let Some(c) = col.get_mut(j as usize) {
                if *c < v {
                    *c = v;
                }
            }
        }
    }
    for row in m.iter_mut() {
        for e in row.iter_mut() {
            if let Some(&c) = col.get(e.0 as usize) {
                if c != ZERO {
                    e.1 = safe_div(e.1, c);
                }
            }
        }
    }
}
