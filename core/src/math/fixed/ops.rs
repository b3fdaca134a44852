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

/// Division by one divisor many times, bit-identical to [`safe_div`]: for `0 ≤ x ≤ s < 2⁶²`
/// the quotient `floor(x·2³² / s)` is estimated in f64 (relative error < 2⁻⁵⁰, so the estimate
/// is within one of it) and corrected with one exact 64-bit remainder; anything else falls
/// back to [`safe_div`]. Much faster than the 128-bit division `checked_div` performs.
#[derive(Debug, Clone, Copy)]
pub struct Recip {
    s: i64,
    /// `s` where the fast path applies (`0 < s < 2⁶²`), else −1 (every x falls back).
    fast: i64,
    inv: f64,
}

/// 2⁵² as f64: adding it to a value in `[0, 2⁵²)` leaves that value, rounded to an integer,
/// in the low mantissa bits.
const ROUND: f64 = 4_503_599_627_370_496.0;

impl Recip {
    /// Prepares division by `s`.
    #[inline]
    pub fn new(s: I32F32) -> Recip {
        let b = s.to_bits();
        let fast = if b > 0 && b < 1 << 62 { b } else { -1 };
        Recip {
            s: b,
            fast,
            inv: if fast > 0 {
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
        if xb < 0 || xb > self.fast {
            return safe_div(x, I32F32::from_bits(self.s));
        }
        self.fast_div(xb)
    }
    /// The fast path of [`Recip::div`], for `0 ≤ xb ≤ fast`.
    #[inline(always)]
    fn fast_div(&self, xb: i64) -> I32F32 {
        // The estimate (≤ 2³² + 1, rounded to nearest) is within one of q = ⌊x·2³²/s⌋, so
        // the true remainder x·2³² − est·s lies in (−s, 2s) ⊂ i64 and the wrapping 64-bit
        // arithmetic computes it exactly.
        let est = ((xb as f64 * self.inv + ROUND).to_bits() - ROUND.to_bits()) as i64;
        let r = ((xb as u64) << 32).wrapping_sub((est as u64).wrapping_mul(self.s as u64)) as i64;
        let q = est - (r < 0) as i64 + (r >= self.s) as i64;
        I32F32::from_bits(q)
    }
    /// [`Recip::div`] for `0 ≤ x ≤ s` with `0 < s < 2⁶²` (the caller's guarantee; checked
    /// in debug builds): the fast path alone, without the range test.
    #[inline(always)]
    pub fn div_le(&self, x: I32F32) -> I32F32 {
        let xb = x.to_bits();
        debug_assert!(0 <= xb && xb <= self.fast, "div_le out of range");
        self.fast_div(xb)
    }
    /// `x` when the divisor is 0, else [`Recip::div`]: one entry of a column normalisation
    /// (`inplace_col_normalize_sparse` leaves a zero-sum column as it is).
    ///
    /// A zero divisor never takes the fast path (`fast = −1`), so the test for it sits on
    /// the slow path alone.
    #[inline]
    pub fn div_nonzero(&self, x: I32F32) -> I32F32 {
        let xb = x.to_bits();
        if xb < 0 || xb > self.fast {
            return if self.s == 0 {
                x
            } else {
                safe_div(x, I32F32::from_bits(self.s))
            };
        }
        self.fast_div(xb)
    }
}

/// Division of proportions, bit-identical to [`safe_div`] for `0 ≤ x ≤ s ≤ 1` (bits
/// `0 ≤ x ≤ s ≤ 2³²`, `s > 0`): a column normalisation whose column sums to at most 1, or a
/// max-upscale. No floating point and no division per quotient: one widening multiply.
///
/// With `l = bitlen(s − 1)` (so `2^(l−1) < s ≤ 2^l`, l ≤ 32), both operands are scaled by
/// `2^(32−l)`: `x' ≤ s'` with `2³¹ < s' ≤ 2³²`, the same quotient `q = ⌊x'·2³²/s'⌋`. For
/// `M = ⌈2⁹⁶/s'⌉ = 2⁶⁴ + m` (`0 ≤ m < 2⁶⁴`), `⌊x'·2³²·M / 2⁹⁶⌋ = q` exactly, because the
/// excess `e = M·s' − 2⁹⁶ < s'` gives `x'·2³²·e < s'²·2³² ≤ 2⁹⁶` (the round-up method of
/// Granlund and Montgomery), and `⌊x'·2³²·M / 2⁹⁶⌋ = ⌊x'·M / 2⁶⁴⌋ = x' + ⌊x'·m / 2⁶⁴⌋`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Div32 {
    m: u64,
    shift: u32,
}

impl Div32 {
    /// Prepares division by `s`, bits in `[1, 2³²]` (checked in debug builds).
    #[inline]
    pub fn new(s: I32F32) -> Div32 {
        let b = s.to_bits() as u64;
        debug_assert!((1..=1 << 32).contains(&b), "Div32 divisor out of (0, 1]");
        let l = 64 - (b - 1).leading_zeros();
        let shift = 32 - l;
        let sp = b << shift;
        // m = ⌈2⁶⁴·(2³² − s')/s'⌉ by two 64-bit long-division steps (2³² − s' < 2³¹ < s').
        let d = (1u64 << 32) - sp;
        let (q1, r1) = ((d << 32) / sp, (d << 32) % sp);
        let (q2, r2) = ((r1 << 32) / sp, (r1 << 32) % sp);
        Div32 {
            m: (q1 << 32) + q2 + (r2 != 0) as u64,
            shift,
        }
    }
    /// `safe_div(x, s)` for bits `0 ≤ x ≤ s` (the caller's guarantee).
    #[inline(always)]
    pub fn quot(self, x: I32F32) -> I32F32 {
        let xs = (x.to_bits() as u64) << self.shift;
        let hi = (super::wide::mul_64(xs, self.m) >> 64) as u64;
        I32F32::from_bits((xs + hi) as i64)
    }
}

/// `I32F32::saturating_from_num(safe_div_64(x, s))` for many `x` and one `s`: a stake
/// normalised in I64F64, then truncated to I32F32, without the 128-bit division.
///
/// For `0 ≤ x ≤ s < 2¹²⁶` both roundings floor, so the result is `q = ⌊x·2³² / s⌋ ≤ 2³²`
/// (bits). As in [`Recip`], q is estimated in f64 (error < 2⁻¹⁸, so the rounded estimate is
/// q or q + 1) and corrected with the remainder `x·2³² − est·s`, which lies in `(−s, 2s)` and
/// so is exact in wrapping 128-bit arithmetic. Anything else takes the exact slow path.
#[derive(Debug, Clone, Copy)]
pub struct Recip64 {
    s: i128,
    /// `s` where the fast path applies (`0 < s < 2¹²⁶`), else −1 (every x falls back).
    fast: i128,
    inv: f64,
}

impl Recip64 {
    /// Prepares division by `s`.
    #[inline]
    pub fn new(s: I64F64) -> Recip64 {
        let b = s.to_bits();
        let fast = if b > 0 && b < 1 << 126 { b } else { -1 };
        Recip64 {
            s: b,
            fast,
            inv: if fast > 0 {
                4_294_967_296.0 / b as f64
            } else {
                0.0
            },
        }
    }
    /// `I32F32::saturating_from_num(safe_div_64(x, s))`.
    #[inline]
    pub fn div_to_32(&self, x: I64F64) -> I32F32 {
        let xb = x.to_bits();
        if xb < 0 || xb > self.fast {
            return I32F32::saturating_from_num(safe_div_64(x, I64F64::from_bits(self.s)));
        }
        // x in f64 from its two 64-bit halves (relative error < 2⁻⁵², ample for the bound).
        let xf = ((xb >> 64) as u64 as f64) * 18_446_744_073_709_551_616.0 + (xb as u64 as f64);
        let est = ((xf * self.inv + ROUND).to_bits() - ROUND.to_bits()) as i128;
        let r =
            ((xb as u128) << 32).wrapping_sub((est as u128).wrapping_mul(self.s as u128)) as i128;
        let q = est - (r < 0) as i128 + (r >= self.s) as i128;
        I32F32::from_bits(q as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(x: i64, s: i64) {
        let (x, s) = (fx(x), fx(s));
        assert_eq!(Recip::new(s).div(x), safe_div(x, s), "{x:?} / {s:?}");
        let nz = if s == ZERO { x } else { safe_div(x, s) };
        assert_eq!(Recip::new(s).div_nonzero(x), nz, "{x:?} / {s:?}");
        if 0 <= x.to_bits() && x <= s && s.to_bits() > 0 && s.to_bits() < 1 << 62 {
            assert_eq!(Recip::new(s).div_le(x), nz, "{x:?} / {s:?}");
        }
    }

    /// Dividends around divisor `s`: 0, 1, s/3, s/2, s − 1, s, s + 1 (wrapping at the top to
    /// the most negative value, an edge of its own), −1 and the largest value.
    macro_rules! around {
        ($s:expr, $max:expr) => {{
            let s = $s;
            [0, 1, s / 3, s / 2, s - 1, s, s.wrapping_add(1), -1, $max]
        }};
    }

    #[test]
    fn recip_edges() {
        for s in [
            1,
            2,
            3,
            65535,
            1 << 32,
            (1 << 32) + 1,
            (1 << 53) + 1,
            (1 << 62) - 1,
            1 << 62,
            i64::MAX - 1,
            i64::MAX,
        ] {
            for x in around!(s, i64::MAX) {
                check(x, s);
            }
        }
        check(5, 0);
        check(-5, 0);
        check(5, -7);
        assert_eq!(Recip::new(fx(0)).div_nonzero(fx(9)), fx(9));
    }

    fn check32(x: i64, s: i64) {
        let (x, s) = (fx(x), fx(s));
        assert_eq!(Div32::new(s).quot(x), safe_div(x, s), "{x:?} / {s:?}");
    }

    #[test]
    fn div32_edges() {
        let mut divisors = alloc::vec![1i64, 2, 3, 65535, 65537, (1 << 32) - 1, 1 << 32];
        for k in 1..32 {
            divisors.extend([(1i64 << k) - 1, 1 << k, (1 << k) + 1]);
        }
        for s in divisors {
            for x in [0, 1, s / 3, s / 2, s - 1, s] {
                check32(x.max(0), s);
            }
        }
    }

    fn check64(x: i128, s: i128) {
        let (xf, sf) = (I64F64::from_bits(x), I64F64::from_bits(s));
        let want = I32F32::saturating_from_num(safe_div_64(xf, sf));
        assert_eq!(Recip64::new(sf).div_to_32(xf), want, "{x} / {s}");
    }

    #[test]
    fn recip64_edges() {
        for s in [
            1i128,
            3,
            1 << 64,
            (1 << 64) + 1,
            (1 << 96) - 1,
            (1 << 126) - 1,
            1 << 126,
            i128::MAX,
        ] {
            for x in around!(s, i128::MAX) {
                check64(x, s);
            }
        }
        check64(5, 0);
        check64(5, -7);
    }

    proptest! {
        #[test]
        fn recip_is_safe_div(s in 1i64..=i64::MAX, f in 0.0f64..=1.0) {
            let x = (s as f64 * f) as i64;
            check(x.min(s), s);
        }

        #[test]
        fn recip64_is_safe_div(s in 1i128..(1 << 126), f in 0.0f64..=1.0, d in 0i128..4) {
            let x = ((s as f64 * f) as i128).min(s);
            check64(x, s);
            check64((s - d).max(0), s);
        }

        #[test]
        fn recip64_stakes(a in 0u64..1 << 62, b in 0u64..1 << 62, fa in 0u64..u64::MAX) {
            let (x, y) = ((a as i128) << 63 | (fa >> 1) as i128, (b as i128) << 63);
            check64(x, x + y);
        }

        #[test]
        fn div32_is_safe_div(s in 1i64..=(1 << 32), f in 0.0f64..=1.0, d in 0i64..3) {
            let x = ((s as f64 * f) as i64).min(s);
            check32(x, s);
            check32((s - d).max(0), s);
        }

        #[test]
        fn recip_small_divisors(s in 1i64..(1 << 40), x in 0i64..(1 << 40)) {
            check(x, s);
        }
    }
}
