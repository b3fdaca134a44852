//! `exp` as `substrate_fixed::transcendental` computes it, `exp_safe`, and the two sigmoids
//! (spec §1 "Transcendentals", §2.8b, §6.5).
//!
//! The series is truncated on purpose: for x ∉ {0, 1},
//! `exp(|x|) ≈ 1 + |x| + Σ_{i=2}^{31} tᵢ` with `tᵢ = trunc(floor(tᵢ₋₁·|x|) / i)` (30 terms,
//! every step in I32F32), and `exp(x) = 1 / exp(|x|)` for x < 0. `exp(1)` is the constant `E`
//! stored with only 23 fraction bits (2.718281746). Hence `exp(20) = 481 239 357.67…`, not
//! 485 165 195.4.

use super::ops::{clamp_value, I32F32, ONE, ZERO};

/// `E` as `substrate_fixed` stores it (I9F23), widened to I32F32.
pub fn e_constant() -> I32F32 {
    I32F32::from_bits((substrate_fixed::transcendental::E.to_bits() as i64) << 9)
}

/// The chain's `exp(x)`; `None` where any step overflows (the crate's `Err`).
pub fn exp(x: I32F32) -> Option<I32F32> {
    if x == ZERO {
        return Some(ONE);
    }
    if x == ONE {
        return Some(e_constant());
    }
    let neg = x < ZERO;
    let x = if neg { x.checked_neg()? } else { x };
    let mut result = x.checked_add(ONE)?;
    let mut term = x;
    for i in 2..32i64 {
        term = term.checked_mul(x)?;
        term = term.checked_div(I32F32::from_bits(i << 32))?;
        result = result.checked_add(term)?;
    }
    if neg {
        result = ONE.checked_div(result)?;
    }
    Some(result)
}

/// `exp_safe(x)`: x clamped to [−20, 20], then [`exp`]; on overflow 0 (x ≤ 0) or `MAX`.
pub fn exp_safe(x: I32F32) -> I32F32 {
    let lo = I32F32::from_bits(-20 << 32);
    let hi = I32F32::from_bits(20 << 32);
    let x = if x < lo {
        lo
    } else if hi < x {
        hi
    } else {
        x
    };
    match exp(x) {
        Some(v) => v,
        None if x <= ZERO => ZERO,
        None => I32F32::max_value(),
    }
}

/// `sigmoid_safe(x, ρ, κ) = 1 / (1 + exp_safe(−ρ·(x − κ)))` (no longer used by the epoch).
pub fn sigmoid_safe(x: I32F32, rho: I32F32, kappa: I32F32) -> I32F32 {
    let offset = x.saturating_sub(kappa);
    let neg_rho = rho.saturating_mul(ONE.saturating_neg());
    let e = exp_safe(neg_rho.saturating_mul(offset));
    ONE.checked_div(e.saturating_add(ONE)).unwrap_or(ZERO)
}

/// The liquid-alpha sigmoid (spec §6.5), for consensus `c`, weight `w` and bond `b`:
///
/// `d = (w ≥ b) ? clamp(w − c, 0, 1) : clamp(b − w, 0, 1)`,
/// `σ = 1 / (1 + exp_safe((steep / −100) · (d − ½)))`,
/// `α = clamp(lo + σ·(hi − lo), lo, hi)`.
pub fn alpha_sigmoid(
    c: I32F32,
    w: I32F32,
    b: I32F32,
    lo: I32F32,
    hi: I32F32,
    steepness: I32F32,
) -> I32F32 {
    alpha_of_diff(liquid_diff(c, w, b), lo, hi, steepness)
}

/// The distance [`alpha_sigmoid`] feeds its sigmoid: `clamp(w − c, 0, 1)` when `w ≥ b`, else
/// `clamp(b − w, 0, 1)`.
#[inline]
pub fn liquid_diff(c: I32F32, w: I32F32, b: I32F32) -> I32F32 {
    if w >= b {
        clamp_value(w.saturating_sub(c), ZERO, ONE)
    } else {
        clamp_value(b.saturating_sub(w), ZERO, ONE)
    }
}

/// [`alpha_sigmoid`] from its distance alone (it depends on nothing else): callers that meet
/// the same distance often (0, whenever a weight is at or below its consensus) can keep the
/// value rather than run the 30-term exp series again.
pub fn alpha_of_diff(diff: I32F32, lo: I32F32, hi: I32F32, steepness: I32F32) -> I32F32 {
    let half = I32F32::from_bits(1 << 31);
    let slope = steepness.saturating_div(I32F32::from_bits(-100 << 32));
    let sigmoid = ONE.saturating_div(
        ONE.saturating_add(exp_safe(slope.saturating_mul(diff.saturating_sub(half)))),
    );
    clamp_value(
        lo.saturating_add(sigmoid.saturating_mul(hi.saturating_sub(lo))),
        lo,
        hi,
    )
}
