//! Seeded normal draws: ChaCha8 uniforms through the Box–Muller transform, with `libm`, so the
//! same seed gives the same numbers on every platform (native and wasm).

use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};

/// A seeded source of uniform and normal numbers.
#[derive(Debug, Clone)]
pub struct Normal {
    rng: ChaCha8Rng,
}

impl Normal {
    /// `ChaCha8Rng::seed_from_u64(seed)`.
    pub fn new(seed: u64) -> Normal {
        Normal {
            rng: ChaCha8Rng::seed_from_u64(seed),
        }
    }

    /// A uniform number in `[0, 1)` with 53 random bits.
    pub fn uniform(&mut self) -> f64 {
        (self.rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A standard normal: `z = √(−2 ln(1 − u₁)) · cos(2π u₂)` (one draw per pair).
    pub fn standard(&mut self) -> f64 {
        let u1 = self.uniform();
        let u2 = self.uniform();
        crate::math::exact::sqrt(-2.0 * libm::log(1.0 - u1))
            * libm::cos(2.0 * core::f64::consts::PI * u2)
    }

    /// `max(0, 1 + σ z)`: the clamped positive draw the consensus study uses.
    pub fn clamped(&mut self, sigma: f64) -> f64 {
        let v = 1.0 + sigma * self.standard();
        if v > 0.0 {
            v
        } else {
            0.0
        }
    }

    /// A uniform integer below `k` (0 when `k` is 0).
    pub fn below(&mut self, k: u64) -> u64 {
        if k == 0 {
            0
        } else {
            self.rng.next_u64() % k
        }
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.uniform() < p
    }
}

/// Normalises `x` to sum 1 in place; an all-zero vector becomes uniform.
pub fn normalize_or_uniform(x: &mut [f64]) {
    let s: f64 = x.iter().sum();
    if s > 0.0 {
        x.iter_mut().for_each(|v| *v /= s);
    } else if !x.is_empty() {
        let u = 1.0 / x.len() as f64;
        x.iter_mut().for_each(|v| *v = u);
    }
}
