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
#[inline(always)]
pub fn floor_u64(x: f64) -> u64 {
    x as u64
}
