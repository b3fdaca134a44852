//! On-chain units: rao, u16 proportions and the fixed-point ↔ float bridges.
//!
//! * 1 TAO = 10⁹ rao; balances are `u64` rao (alpha has 9 decimals too).
//! * A `u16` proportion uses 65535 (`u16::MAX`) as 1.0.
//! * Fixed-point values are `substrate-fixed` types; `I32F32` holds `bits / 2³²`.

use crate::math::fixed::I32F32;

/// Rao per TAO (and alpha-rao per alpha).
pub const RAO_PER_TAO: u64 = 1_000_000_000;

/// The u16 that stands for 1.0.
pub const U16_ONE: u16 = u16::MAX;

/// A u16 proportion as f64: `u / 65535`.
#[inline]
pub fn u16_to_f64(u: u16) -> f64 {
    u as f64 / 65535.0
}

/// `floor(x · 65535)`, clamped to [0, 65535] (NaN gives 0). This is how the chain's u16
/// hyper-parameters (κ, bonds penalty, alpha bounds) are set from a proportion.
#[inline]
pub fn f64_to_u16_floor(x: f64) -> u16 {
    let v = x * 65535.0;
    if v.is_nan() || v <= 0.0 {
        0
    } else if v >= 65535.0 {
        u16::MAX
    } else {
        v as u16
    }
}

/// An I32F32 as f64, exactly (`bits / 2³²`).
#[inline]
pub fn fixed_to_f64(x: I32F32) -> f64 {
    x.to_bits() as f64 / 4_294_967_296.0
}

/// Rao as TAO (f64).
#[inline]
pub fn rao_to_tao(rao: u64) -> f64 {
    rao as f64 / RAO_PER_TAO as f64
}

/// `floor(x)` as rao: `libm::floor(x) as u64` without the call. Rust's float-to-integer cast
/// truncates toward zero and saturates (negative values and NaN give 0, values at or above
/// 2⁶⁴ give `u64::MAX`), so for every `x` it equals the floor cast: truncation is the floor on
/// `x ≥ 0`, and both give 0 below 0.
///
/// Below 2⁶³ the signed cast (then 0 for negatives) is the same and shorter on x86-64, which
/// has no unsigned conversion before AVX-512.
#[inline(always)]
pub fn floor_u64(x: f64) -> u64 {
    if x < 9_223_372_036_854_775_808.0 {
        (x as i64).max(0) as u64
    } else {
        x as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn floor_edges() {
        for x in [
            0.0,
            -0.0,
            0.5,
            1.0,
            -0.5,
            -1e300,
            f64::NAN,
            -f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            9_223_372_036_854_775_807.0,
            9_223_372_036_854_775_808.0,
            18_446_744_073_709_549_568.0,
            18_446_744_073_709_551_616.0,
            4_503_599_627_370_495.5,
        ] {
            assert_eq!(floor_u64(x), x as u64, "{x}");
        }
    }

    proptest! {
        #[test]
        fn floor_is_the_cast(bits in any::<u64>(), y in -1e20f64..1e20) {
            let x = f64::from_bits(bits);
            prop_assert_eq!(floor_u64(x), x as u64);
            prop_assert_eq!(floor_u64(y), y as u64);
        }
    }
}
