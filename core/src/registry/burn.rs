//! The neuron registration price (`Burn`, spec §10.1): a continuous Q32 exponential decay with
//! half-life `BurnHalfLife` blocks, a ×`BurnIncreaseMult` bump per registration, and clamps.
//!
//! $f$ = the largest Q32 factor with $f^h \le \tfrac12$ (binary search); each block
//! `burn = clamp(⌊burn·f / 2^32⌋, MinBurn, MaxBurn)`.

use substrate_fixed::types::U64F64;

const Q32_ONE: u64 = 1 << 32;

/// `(v·f) >> 32`, saturating at `u64::MAX`.
pub fn mul_q32(v: u64, f: u64) -> u64 {
    let p = crate::math::fixed::wide::mul_64(v, f) >> 32;
    if p > u64::MAX as u128 {
        u64::MAX
    } else {
        p as u64
    }
}

/// `base^e` in Q32 by square-and-multiply with [`mul_q32`].
pub fn pow_q32(base: u64, mut e: u64) -> u64 {
    let mut result = Q32_ONE;
    let mut b = base;
    while e > 0 {
        if e & 1 == 1 {
            result = mul_q32(result, b);
        }
        e >>= 1;
        if e > 0 {
            b = mul_q32(b, b);
        }
    }
    result
}

/// The largest $f < 2^{32}$ with `pow_q32(f, h) ≤ 2^31`. `h = 0` gives `2^32` (no decay).
pub fn decay_factor_q32(half_life: u64) -> u64 {
    if half_life == 0 {
        return Q32_ONE;
    }
    let (mut lo, mut hi) = (0u64, Q32_ONE);
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if pow_q32(mid, half_life) > Q32_ONE / 2 {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    lo
}

/// A subnet's registration price state.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct BurnPrice {
    /// `Burn`, rao.
    pub burn: u64,
    /// `MinBurn`, rao.
    pub min_burn: u64,
    /// `MaxBurn`, rao.
    pub max_burn: u64,
    /// `BurnHalfLife`, blocks.
    pub half_life: u64,
    /// `BurnIncreaseMult`.
    pub increase_mult: f64,
    /// Cached Q32 decay factor for `half_life`.
    #[cfg_attr(feature = "serde", serde(skip))]
    factor: u64,
}

impl BurnPrice {
    /// `init_new_network` values: burn 1 TAO, min 0.0005 TAO, max 100 TAO, half-life 360,
    /// ×1.26.
    pub fn new_network() -> BurnPrice {
        BurnPrice::new(1_000_000_000, 500_000, 100_000_000_000, 360, 1.26)
    }

    /// A price with the given parameters.
    pub fn new(
        burn: u64,
        min_burn: u64,
        max_burn: u64,
        half_life: u64,
        increase_mult: f64,
    ) -> BurnPrice {
        BurnPrice {
            burn,
            min_burn,
            max_burn,
            half_life,
            increase_mult,
            factor: decay_factor_q32(half_life),
        }
    }

    /// The per-block step (block_step step 1): decay when `half_life > 0` and `block > 1`,
    /// then clamp.
    pub fn on_block(&mut self, block: u64) {
        // At the floor the block changes nothing: the factor is at most 1 (Q32), so the decay
        // can only go lower and the clamp brings it back to `min_burn`.
        if self.burn == self.min_burn && self.min_burn <= self.max_burn && self.factor != 0 {
            return;
        }
        if self.factor == 0 && self.half_life > 0 {
            self.factor = decay_factor_q32(self.half_life);
        }
        if self.half_life > 0 && block > 1 {
            self.burn = mul_q32(self.burn, self.factor);
        }
        self.burn = self
            .burn
            .clamp(self.min_burn, self.max_burn.max(self.min_burn));
    }

    /// The bump after a successful registration: `⌊U64F64(burn)·max(mult, 1)⌋`, clamped.
    pub fn on_registration(&mut self) {
        let mult = U64F64::saturating_from_num(if self.increase_mult > 1.0 {
            self.increase_mult
        } else {
            1.0
        });
        let b = U64F64::from_num(self.burn)
            .saturating_mul(mult)
            .saturating_to_num::<u64>();
        self.burn = b.clamp(self.min_burn, self.max_burn.max(self.min_burn));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A price at its floor stays there, as the decay and the clamp would leave it.
    #[test]
    fn floor_is_a_fixed_point() {
        for half_life in [0u64, 1, 2, 360, 7200, u64::MAX] {
            for (min, max) in [
                (500_000u64, 100_000_000_000u64),
                (0, 5),
                (7, 7),
                (1, u64::MAX),
            ] {
                let mut p = BurnPrice::new(min, min, max, half_life, 1.26);
                for block in [0u64, 1, 2, 1_000_000] {
                    let f = decay_factor_q32(half_life);
                    let mut want = min;
                    if half_life > 0 && block > 1 {
                        want = mul_q32(want, f);
                    }
                    let want = want.clamp(min, max.max(min));
                    p.on_block(block);
                    assert_eq!(p.burn, want, "h {half_life} min {min} block {block}");
                }
            }
        }
    }
}
