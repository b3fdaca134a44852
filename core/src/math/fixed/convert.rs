//! Storage conversions (spec §2.8): u16 proportions, max-upscaling of weight rows.

use super::normalize::inplace_normalize;
use super::ops::{safe_div, I32F32, ZERO};
use alloc::vec::Vec;

/// 65535 in I32F32.
const U16_MAX: I32F32 = I32F32::from_bits(65535 << 32);

/// `fixed_proportion_to_u16(x) = floor_sat(x · 65535)` (0.25 → 16383; 1 → 65535; < 0 → 0).
#[inline]
pub fn fixed_proportion_to_u16(x: I32F32) -> u16 {
    x.saturating_mul(U16_MAX).saturating_to_num::<u16>()
}

/// `u16_proportion_to_fixed(u) = I32F32(u) / 65535` (truncated).
#[inline]
pub fn u16_proportion_to_fixed(u: u16) -> I32F32 {
    safe_div(u16_to_fixed(u), U16_MAX)
}

/// `I32F32(u)`: a stored u16 read as an integer (weights, classic bonds).
#[inline]
pub fn u16_to_fixed(u: u16) -> I32F32 {
    I32F32::from_bits((u as i64) << 32)
}

/// `vec_max_upscale_to_u16(v)`, written into `out` (same length as `v`). With m = max(v):
/// * m = 0: `floor(v_i · 65535)`;
/// * m > 32768: `round(v_i · (65535 / m))` — the quotient first, losing precision;
/// * otherwise: `round(v_i · 65535 / m)`.
///
/// `round` is to nearest, ties away from zero. An empty `v` gives an empty output.
pub fn vec_max_upscale_to_u16_into(v: &[I32F32], out: &mut [u16]) {
    let Some(&m) = v.iter().max() else { return };
    let threshold = I32F32::from_bits(32768 << 32);
    for (o, &e) in out.iter_mut().zip(v) {
        *o = if m == ZERO {
            e.saturating_mul(U16_MAX).saturating_to_num::<u16>()
        } else if m > threshold {
            e.saturating_mul(safe_div(U16_MAX, m))
                .round()
                .saturating_to_num::<u16>()
        } else {
            safe_div(e.saturating_mul(U16_MAX), m)
                .round()
                .saturating_to_num::<u16>()
        };
    }
}

/// Allocating form of [`vec_max_upscale_to_u16_into`].
pub fn vec_max_upscale_to_u16(v: &[I32F32]) -> Vec<u16> {
    let mut out = alloc::vec![0u16; v.len()];
    vec_max_upscale_to_u16_into(v, &mut out);
    out
}

/// `vec_u16_max_upscale_to_u16`: the same on u16 input, read as integers. This is what
/// `set_weights` stores.
pub fn vec_u16_max_upscale_to_u16(v: &[u16]) -> Vec<u16> {
    let f: Vec<I32F32> = v.iter().map(|&u| u16_to_fixed(u)).collect();
    vec_max_upscale_to_u16(&f)
}

/// `check_vec_max_limited(v, limit)`: normalise v and require `max ≤ limit / 65535`.
pub fn check_vec_max_limited(v: &[u16], limit: u16) -> bool {
    let lim = u16_proportion_to_fixed(limit);
    let mut f: Vec<I32F32> = v.iter().map(|&u| u16_to_fixed(u)).collect();
    inplace_normalize(&mut f);
    f.iter().max().is_none_or(|m| *m <= lim)
}

/// I32F32 → f64, exactly (bits / 2^32).
#[inline]
pub fn to_f64(x: I32F32) -> f64 {
    x.to_bits() as f64 / 4_294_967_296.0
}

/// f64 → I32F32 as `I32F32::saturating_from_num` does: round to nearest, ties to even,
/// saturating (NaN gives 0).
#[inline]
pub fn from_f64(x: f64) -> I32F32 {
    if x.is_nan() {
        return ZERO;
    }
    I32F32::saturating_from_num(x)
}
