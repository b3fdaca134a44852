//! Sparse-row kernels (spec §2.2–§2.4): masks, products, clipping, interpolation. Rows keep
//! their stored order unless a kernel densifies (then the output is in column order).

use super::ops::{I32F32, ZERO};
use alloc::vec;
use alloc::vec::Vec;

type Rows = Vec<Vec<(u16, I32F32)>>;

/// `mask_rows_sparse(mask, m)`: a masked row becomes empty.
pub fn mask_rows_sparse(mask: &[bool], m: &[Vec<(u16, I32F32)>]) -> Rows {
    m.iter()
        .zip(mask)
        .map(|(row, &masked)| if masked { Vec::new() } else { row.clone() })
        .collect()
}

/// `mask_diag_sparse_except_index(m, k)` (`k = None`: `mask_diag_sparse`): drop every (i, i)
/// except (k, k).
pub fn mask_diag_sparse(m: &[Vec<(u16, I32F32)>], except: Option<u16>) -> Rows {
    m.iter()
        .enumerate()
        .map(|(i, row)| {
            row.iter()
                .copied()
                .filter(|&(j, _)| i != j as usize || except == Some(j))
                .collect()
        })
        .collect()
}

/// `vec_mask_sparse_matrix(m, a, b, f)`: drop (i, j) when `f(a[i], b[j])`; missing elements
/// read as 0.
pub fn vec_mask_sparse_matrix(
    m: &[Vec<(u16, I32F32)>],
    a: &[u64],
    b: &[u64],
    f: impl Fn(u64, u64) -> bool,
) -> Rows {
    m.iter()
        .enumerate()
        .map(|(i, row)| {
            let ai = a.get(i).copied().unwrap_or(0);
            row.iter()
                .copied()
                .filter(|&(j, _)| !f(ai, b.get(j as usize).copied().unwrap_or(0)))
                .collect()
        })
        .collect()
}

/// `scalar_vec_mask_sparse_matrix(m, s, b, f)`: drop (i, j) when `f(s, b[j])`.
pub fn scalar_vec_mask_sparse_matrix(
    m: &[Vec<(u16, I32F32)>],
    s: u64,
    b: &[u64],
    f: impl Fn(u64, u64) -> bool,
) -> Rows {
    m.iter()
        .map(|row| {
            row.iter()
                .copied()
                .filter(|&(j, _)| !f(s, b.get(j as usize).copied().unwrap_or(0)))
                .collect()
        })
        .collect()
}

/// `matmul_sparse(m, v, n)`: `r_j = Σ_i v_i·m_ij` (saturating).
pub fn matmul_sparse(m: &[Vec<(u16, I32F32)>], v: &[I32F32], columns: usize) -> Vec<I32F32> {
    let mut r = vec![ZERO; columns];
    for (row, &vi) in m.iter().zip(v) {
        for &(j, x) in row {
            if let Some(c) = r.get_mut(j as usize) {
                *c = c.saturating_add(vi.saturating_mul(x));
            }
        }
    }
    r
}

/// `matmul_transpose_sparse(m, v)`: `r_i = Σ_j v_j·m_ij` (saturating).
pub fn matmul_transpose_sparse(m: &[Vec<(u16, I32F32)>], v: &[I32F32]) -> Vec<I32F32> {
    m.iter()
        .map(|row| {
            row.iter().fold(ZERO, |acc, &(j, x)| {
                acc.saturating_add(v.get(j as usize).copied().unwrap_or(ZERO).saturating_mul(x))
            })
        })
        .collect()
}

/// `row_hadamard_sparse(m, v)`: `m_ij · v_i`.
pub fn row_hadamard_sparse(m: &[Vec<(u16, I32F32)>], v: &[I32F32]) -> Rows {
    m.iter()
        .zip(v)
        .map(|(row, &vi)| {
            row.iter()
                .map(|&(j, x)| (j, x.saturating_mul(vi)))
                .collect()
        })
        .collect()
}

/// `mat_vec_mul_sparse(m, v)`: `m_ij · v_j`, dropping products equal to 0.
pub fn mat_vec_mul_sparse(m: &[Vec<(u16, I32F32)>], v: &[I32F32]) -> Rows {
    m.iter()
        .map(|row| {
            row.iter()
                .filter_map(|&(j, x)| {
                    let vj = v.get(j as usize)?;
                    let p = x.saturating_mul(*vj);
                    (p != ZERO).then_some((j, p))
                })
                .collect()
        })
        .collect()
}

/// `row_sum_sparse(m)`: `Σ_j m_ij` (wrapping, as the chain's `sum()`).
pub fn row_sum_sparse(m: &[Vec<(u16, I32F32)>]) -> Vec<I32F32> {
    m.iter()
        .map(|row| I32F32::from_bits(row.iter().fold(0i64, |a, e| a.wrapping_add(e.1.to_bits()))))
        .collect()
}

/// `vec_mul(a, b)`: `a_i·b_i`, 0 on overflow (`checked_mul`).
pub fn vec_mul(a: &[I32F32], b: &[I32F32]) -> Vec<I32F32> {
    a.iter()
        .zip(b)
        .map(|(x, y)| x.checked_mul(*y).unwrap_or(ZERO))
        .collect()
}

/// `col_clip_sparse(m, c)`: an entry `w > c_j` becomes `c_j`, kept only if `c_j > 0`;
/// `w ≤ c_j` is kept unchanged (explicit zeros stay).
pub fn col_clip_sparse(m: &[Vec<(u16, I32F32)>], c: &[I32F32]) -> Rows {
    m.iter()
        .map(|row| {
            row.iter()
                .filter_map(|&(j, w)| {
                    let cj = c.get(j as usize).copied().unwrap_or(ZERO);
                    if cj < w {
                        (ZERO < cj).then_some((j, cj))
                    } else {
                        Some((j, w))
                    }
                })
                .collect()
        })
        .collect()
}

/// `interpolate_sparse(A, B, n, r)`: r = 0 → A, r = 1 → B (both as they are); otherwise each
/// row densified, `a + r·(b − a)`, keeping values > 0 in column order. A row-count mismatch
/// returns B.
pub fn interpolate_sparse(
    a: &[Vec<(u16, I32F32)>],
    b: &[Vec<(u16, I32F32)>],
    columns: usize,
    r: I32F32,
) -> Rows {
    if r == ZERO {
        return a.to_vec();
    }
    if r == super::ops::ONE {
        return b.to_vec();
    }
    if a.len() != b.len() {
        return b.to_vec();
    }
    let mut out = Vec::with_capacity(a.len());
    for (ra, rb) in a.iter().zip(b) {
        let mut da = vec![ZERO; columns];
        let mut db = vec![ZERO; columns];
        for &(j, v) in ra {
            if let Some(x) = da.get_mut(j as usize) {
                *x = v;
            }
        }
        for &(j, v) in rb {
            if let Some(x) = db.get_mut(j as usize) {
                *x = v;
            }
        }
        let mut row = Vec::new();
        for (j, (x, y)) in da.iter().zip(&db).enumerate() {
            let v = x.saturating_add(r.saturating_mul(y.saturating_sub(*x)));
            if ZERO < v {
                row.push((j as u16, v));
            }
        }
        out.push(row);
    }
    out
}
