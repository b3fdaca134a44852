//! Clipping kernels (float family).

/// Clips each row of a row-major matrix to the consensus: `dst_ij = min(src_ij, c_j)`.
pub fn clip_to_consensus(src: &[f64], consensus: &[f64], dst: &mut [f64]) {
    let cols = consensus.len();
    if cols == 0 {
        return;
    }
    for (s_row, d_row) in src.chunks_exact(cols).zip(dst.chunks_exact_mut(cols)) {
        for ((d, &s), &c) in d_row.iter_mut().zip(s_row).zip(consensus) {
            *d = if s < c { s } else { c };
        }
    }
}

/// Quantises a vector to u16 steps after normalising it to sum 1, as the community simulator
/// does with the consensus: `c ← trunc(c/Σc · 65535)/65535`. A zero-sum vector becomes all
/// zero (the upstream NaN-to-int cast is platform-dependent; see the research docs).
pub fn normalize_quantize_u16(c: &mut [f64]) {
    let sum: f64 = c.iter().sum();
    if sum > 0.0 && sum.is_finite() {
        for x in c.iter_mut() {
            *x = crate::math::exact::trunc(*x / sum * 65535.0) / 65535.0;
        }
    } else {
        c.fill(0.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clips_per_column() {
        let w = [0.3, 0.7, 0.6, 0.4];
        let mut out = [0.0; 4];
        clip_to_consensus(&w, &[0.5, 0.5], &mut out);
        assert_eq!(out, [0.3, 0.5, 0.5, 0.4]);
    }

    #[test]
    fn quantises_like_the_simulator() {
        let mut c = [0.6, 0.4];
        normalize_quantize_u16(&mut c);
        // 0.6·65535 = 39321.0 → 39321; 0.4·65535 = 26214.0 → 26214.
        assert_eq!(c, [39321.0 / 65535.0, 26214.0 / 65535.0]);
        let mut c = [1.0, 2.0];
        normalize_quantize_u16(&mut c);
        // 1/3·65535 = 21845 exactly; 2/3·65535 = 43690.
        assert_eq!(c, [21845.0 / 65535.0, 43690.0 / 65535.0]);
        let mut z = [0.0, 0.0];
        normalize_quantize_u16(&mut z);
        assert_eq!(z, [0.0, 0.0]);
    }
}
