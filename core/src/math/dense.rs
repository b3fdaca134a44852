//! Row-major dense matrices of `f64`.

use alloc::vec;
use alloc::vec::Vec;

/// A row-major dense matrix: `rows × cols`, `data[i * cols + j]`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Dense {
    /// Number of rows (validators).
    pub rows: usize,
    /// Number of columns (servers).
    pub cols: usize,
    /// Row-major values.
    pub data: Vec<f64>,
}

impl Dense {
    /// A `rows × cols` matrix of zeros.
    pub fn zeros(rows: usize, cols: usize) -> Self {
        Dense {
            rows,
            cols,
            data: vec![0.0; rows * cols],
        }
    }

    /// Builds a matrix from nested rows; every row must have `cols` entries (checked by the
    /// caller, which knows the field name for the error).
    pub fn from_rows(rows: &[Vec<f64>], cols: usize) -> Self {
        let mut data = Vec::with_capacity(rows.len() * cols);
        for r in rows {
            data.extend_from_slice(r);
        }
        Dense {
            rows: rows.len(),
            cols,
            data,
        }
    }

    /// Row `i` as a slice.
    #[inline]
    pub fn row(&self, i: usize) -> &[f64] {
        &self.data[i * self.cols..(i + 1) * self.cols]
    }

    /// Row `i` as a mutable slice.
    #[inline]
    pub fn row_mut(&mut self, i: usize) -> &mut [f64] {
        &mut self.data[i * self.cols..(i + 1) * self.cols]
    }

    /// Entry `(i, j)`.
    #[inline]
    pub fn get(&self, i: usize, j: usize) -> f64 {
        self.data[i * self.cols + j]
    }

    /// Sets entry `(i, j)`.
    #[inline]
    pub fn set(&mut self, i: usize, j: usize, v: f64) {
        self.data[i * self.cols + j] = v;
    }

    /// The rows as nested vectors (the JSON shape).
    pub fn to_rows(&self) -> Vec<Vec<f64>> {
        (0..self.rows).map(|i| self.row(i).to_vec()).collect()
    }

    /// Resizes to `rows × cols` and zero-fills, reusing the allocation.
    pub fn reset(&mut self, rows: usize, cols: usize) {
        self.rows = rows;
        self.cols = cols;
        self.data.clear();
        self.data.resize(rows * cols, 0.0);
    }
}

/// Reads the JSON shape (rows); rows of unequal length are an error.
#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Dense {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> core::result::Result<Self, D::Error> {
        let rows: Vec<Vec<f64>> = crate::limits::bounded::matrix(d)?;
        let cols = rows.first().map_or(0, Vec::len);
        if let Some(i) = rows.iter().position(|r| r.len() != cols) {
            return Err(serde::de::Error::custom(alloc::format!(
                "row {i} has {} entries, row 0 has {cols}",
                rows[i].len()
            )));
        }
        Ok(Dense::from_rows(&rows, cols))
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Dense {
    fn serialize<S: serde::Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.rows))?;
        for i in 0..self.rows {
            seq.serialize_element(self.row(i))?;
        }
        seq.end()
    }
}
