//! Compressed sparse row matrices and the sparse forms of the float kernels.
//!
//! Real subnets set weights on a few servers out of thousands; the sparse kernels do work in
//! proportion to the entries present, and agree with the dense kernels (property-tested).

use super::consensus::{fixed_stakes, kappa_quantile};
use super::Dense;
use alloc::vec;
use alloc::vec::Vec;

/// A CSR matrix: row `i` holds `indices[indptr[i]..indptr[i+1]]` (ascending) and the values
/// beside them. Explicit zeros are allowed and kept.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Csr {
    /// Number of rows.
    pub rows: usize,
    /// Number of columns.
    pub cols: usize,
    /// Row pointers, `rows + 1` entries.
    pub indptr: Vec<usize>,
    /// Column of each entry.
    pub indices: Vec<usize>,
    /// Value of each entry.
    pub values: Vec<f64>,
}

impl Csr {
    /// Builds a CSR matrix from a dense one, keeping only non-zero entries.
    pub fn from_dense(d: &Dense) -> Csr {
        let mut m = Csr {
            rows: d.rows,
            cols: d.cols,
            indptr: Vec::with_capacity(d.rows + 1),
            ..Default::default()
        };
        m.indptr.push(0);
        for i in 0..d.rows {
            for (j, &v) in d.row(i).iter().enumerate() {
                if v != 0.0 {
                    m.indices.push(j);
                    m.values.push(v);
                }
            }
            m.indptr.push(m.indices.len());
        }
        m
    }

    /// The dense form.
    pub fn to_dense(&self) -> Dense {
        let mut d = Dense::zeros(self.rows, self.cols);
        for i in 0..self.rows {
            for k in self.indptr[i]..self.indptr[i + 1] {
                d.set(i, self.indices[k], self.values[k]);
            }
        }
        d
    }

    /// Number of stored entries.
    pub fn nnz(&self) -> usize {
        self.values.len()
    }

    /// Row-normalises in place: `w_ij ← w_ij / (Σ_j w_ij + eps)`.
    pub fn row_normalize_eps(&mut self, eps: f64) {
        for i in 0..self.rows {
            let r = self.indptr[i]..self.indptr[i + 1];
            let sum: f64 = self.values[r.clone()].iter().sum();
            let d = sum + eps;
            for v in &mut self.values[r] {
                *v = if d > 0.0 { *v / d } else { 0.0 };
            }
        }
    }

    /// `r_j = Σ_i s_i·w_ij` (prerank and rank).
    pub fn weighted_col_sums(&self, s: &[f64], out: &mut [f64]) {
        out.fill(0.0);
        for (i, &si) in s.iter().enumerate().take(self.rows) {
            for k in self.indptr[i]..self.indptr[i + 1] {
                out[self.indices[k]] += si * self.values[k];
            }
        }
    }

    /// κ-quantile consensus of every column, counting absent entries as weight 0 (the same
    /// result as [`super::consensus::consensus_dense`] on the dense form).
    pub fn consensus(&self, s: &[f64], kappa: f64, out: &mut [f64]) {
        // Transpose into column lists once (CSC), then select per column.
        let mut counts = vec![0usize; self.cols + 1];
        for &j in &self.indices {
            counts[j + 1] += 1;
        }
        for j in 0..self.cols {
            counts[j + 1] += counts[j];
        }
        let mut fill = counts.clone();
        let mut fixed = Vec::new();
        let k = fixed_stakes(s, kappa, &mut fixed);
        let total: u64 = fixed.iter().sum();
        let mut pairs = vec![(0.0f64, 0u64); self.nnz()];
        for (i, &fi) in fixed.iter().enumerate().take(self.rows) {
            for e in self.indptr[i]..self.indptr[i + 1] {
                let j = self.indices[e];
                pairs[fill[j]] = (self.values[e], fi);
                fill[j] += 1;
            }
        }
        let mut col: Vec<(f64, u64)> = Vec::new();
        for j in 0..self.cols {
            col.clear();
            col.extend_from_slice(&pairs[counts[j]..counts[j + 1]]);
            let present: u64 = col.iter().map(|p| p.1).sum();
            if col.len() < self.rows {
                // The absent rows are one tied group at weight 0.
                col.push((0.0, total - present));
            }
            out[j] = kappa_quantile(&mut col, k);
        }
    }
}
