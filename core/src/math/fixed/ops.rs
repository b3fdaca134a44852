//! Scalar helpers shared by the exact kernels: the chain's types, `safe_div`, clamping.

use alloc::vec::Vec;
pub use substrate_fixed::types::{I32F32, I64F64, I96F32, U96F32};

/// A sparse matrix as the chain holds it: one row per UID, `(column, value)` entries in stored
/// order.
pub type SparseMatrix = Vec<Vec<(u16, I32F32)>>;

/// 0 in I32F32.
pub const ZERO: I32F32 = I32F32::from_bits(0);
/// 1 in I32F32 (bits 2^32).
pub const ONE: I32F32 = I32F32::from_bits(1 << 32);

/// I32F32 from raw bits (value = bits / 2^32).
#[inline]
pub const fn fx(bits: i64) -> I32F32 {
    I32F32::from_bits(bits)
}

/// `safe_div(x, y)`: the truncated quotient, or 0 when `y = 0` or the quotient overflows
/// (subtensor's `SafeDiv` = `checked_div(..).unwrap_or_default()`).
#[inline]
pub fn safe_div(x: I32F32, y: I32F32) -> I32F32 {
    x.checked_div(y).unwrap_or(ZERO)
}

/// `safe_div` in I64F64.
#[inline]
pub fn safe_div_64(x: I64F64, y: I64F64) -> I64F64 {
    x.checked_div(y).unwrap_or(I64F64::from_bits(0))
}

/// `clamp_value(x, lo, hi) = max(min(x, hi), lo)` (so `lo` wins when `lo > hi`).
#[inline]
pub fn clamp_value(x: I32F32, lo: I32F32, hi: I32F32) -> I32F32 {
    x.min(hi).max(lo)
}

/// Σ x with wrapping addition: what the chain's `iter().sum()` does in its release runtime
/// (no overflow checks). Inside the epoch every sum is ≤ n·1 and never wraps; the wrap only
/// matters for absurd raw inputs, where it keeps us panic-free and identical to the chain.
#[inline]
pub fn sum(x: &[I32F32]) -> I32F32 {
    fx(x.iter().fold(0i64, |a, v| a.wrapping_add(v.to_bits())))
}

/// Σ x in I64F64, wrapping as [`sum`].
#[inline]
pub fn sum_64(x: &[I64F64]) -> I64F64 {
    I64F64::from_bits(x.iter().fold(0i128, |a, v| a.wrapping_add(v.to_bits())))
}

/// Division by one divisor many times, bit-identical to [`safe_div`]: for `0 ≤ x ≤ s` the
/// quotient `floor(x·2³² / s)` is estimated in f64 (error < 2⁻¹⁹, so off by at most one) and
/// corrected with an exact 128-bit product; anything else falls back to [`safe_div`]. About
/// ten times faster than the 128-bit division `checked_div` performs.
#[derive(Debug, Clone, Copy)]
pub struct Recip {
    s: i64,
    inv: f64,
}

impl Recip {
    /// Prepares division by `s`.
    #[inline]
    pub fn new(s: I32F32) -> Recip {
        let b = s.to_bits();
        Recip {
            s: b,
            inv: if b > 0 {
                4_294_967_296.0 / b as f64
            } else {
                0.0
            },
        }
    }
    /// `safe_div(x, s)`.
    #[inline]
    pub fn div(&self, x: I32F32) -> I32F32 {
        let xb = x.to_bits();
        if self.s <= 0 || xb < 0 || xb > self.s {
            return safe_div(x, I32F32::from_bits(self.s));
        }
        let n = (xb as u128) << 32;
        let s = self.s as u128;
        let mut q = (xb as f64 * self.inv) as u64 as u128;
        while q * s > n {
            q -= 1;
        }
        while (q + 1) * s <= n {
            q += 1;
        }
        I32F32::from_bits(q as i64)
    }
    /// `x` when the divisor is 0, else [`Recip::div`]: one entry of a column normalisation
    /// (`inplace_col_normalize_sparse` leaves a zero-sum column as it is).
    #[inline]
    pub fn div_nonzero(&self, x: I32F32) -> I32F32 {
        if self.s == 0 {
            x
        } else {
            self.div(x)
        }
    }
}
