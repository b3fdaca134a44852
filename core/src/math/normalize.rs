//! Normalisation kernels (float family).
//!
//! Every kernel leaves an all-zero input at zero: a vector "sums to 1 or to 0".

/// Scales `v` so it sums to 1: `v_i ← v_i / Σv`. An all-zero (or zero-sum) vector is left
/// unchanged. Returns the sum before scaling.
pub fn normalize(v: &mut [f64]) -> f64 {
    let sum: f64 = v.iter().sum();
    if sum > 0.0 {
        for x in v.iter_mut() {
            *x /= sum;
        }
    }
    sum
}

/// Row-normalises a row-major `rows × cols` matrix with an epsilon in the denominator, as the
/// community simulator does: `dst_ij = src_ij / (Σ_j src_ij + eps)`. With `eps = 1e-6` a row of a
/// single 1.0 becomes 0.999999. Writes the row sums (before scaling) into `row_sums`.
pub fn row_normalize_eps(
    src: &[f64],
    cols: usize,
    eps: f64,
    dst: &mut [f64],
    row_sums: &mut [f64],
) {
    debug_assert_eq!(src.len(), dst.len());
    if cols == 0 {
        return;
    }
    for ((s_row, d_row), rs) in src
        .chunks_exact(cols)
        .zip(dst.chunks_exact_mut(cols))
        .zip(row_sums.iter_mut())
    {
        let sum: f64 = s_row.iter().sum();
        *rs = sum;
        let denom = sum + eps;
        if denom > 0.0 {
            for (d, &s) in d_row.iter_mut().zip(s_row) {
                *d = s / denom;
            }
        } else {
            d_row.fill(0.0);
        }
    }
}

/// Column sums of a row-major matrix, written into `sums` (length `cols`).
pub fn col_sums(m: &[f64], cols: usize, sums: &mut [f64]) {
    sums.fill(0.0);
    if cols == 0 {
        return;
    }
    for row in m.chunks_exact(cols) {
        for (s, &x) in sums.iter_mut().zip(row) {
            *s += x;
        }
    }
}

/// Column-normalises in place with an epsilon: `m_ij ← m_ij / (Σ_i m_ij + eps)`. With
/// `eps = 0` a zero column stays zero (0/0 → 0). `sums` is scratch of length `cols`.
pub fn col_normalize_eps(m: &mut [f64], cols: usize, eps: f64, sums: &mut [f64]) {
    col_sums(m, cols, sums);
    for s in sums.iter_mut() {
        *s += eps;
    }
    if cols == 0 {
        return;
    }
    for row in m.chunks_exact_mut(cols) {
        for (x, &d) in row.iter_mut().zip(sums.iter()) {
            *x = if d > 0.0 { *x / d } else { 0.0 };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_sums_to_one_or_stays_zero() {
        let mut v = [1.0, 3.0];
        assert_eq!(normalize(&mut v), 4.0);
        assert_eq!(v, [0.25, 0.75]);
        let mut z = [0.0, 0.0];
        normalize(&mut z);
        assert_eq!(z, [0.0, 0.0]);
    }

    #[test]
    fn row_normalize_uses_the_epsilon() {
        let src = [1.0, 0.0, 0.0, 0.0, 2.0, 2.0];
        let mut dst = [0.0; 6];
        let mut sums = [0.0; 3];
        row_normalize_eps(&src, 2, 1e-6, &mut dst, &mut sums);
        assert_eq!(dst[0], 1.0 / 1.000001);
        assert_eq!(dst[1], 0.0);
        assert_eq!(&dst[2..4], &[0.0, 0.0]);
        assert_eq!(dst[4], 2.0 / 4.000001);
        assert_eq!(sums, [1.0, 0.0, 4.0]);
    }

    #[test]
    fn col_normalize_handles_zero_columns() {
        let mut m = [1.0, 0.0, 3.0, 0.0];
        let mut s = [0.0; 2];
        col_normalize_eps(&mut m, 2, 0.0, &mut s);
        assert_eq!(m, [0.25, 0.0, 0.75, 0.0]);
        let mut m = [1.0, 1.0];
        col_normalize_eps(&mut m, 1, 1e-6, &mut s[..1]);
        assert_eq!(m[0], 1.0 / 2.000001);
    }
}
