//! One subnet pool: alpha reserve $x$ (`SubnetAlphaIn`), TAO reserve $y$ (`SubnetTAO`), and
//! the quote weight $w_2$ (`SwapBalancer.quote`, Perquintill) with $w_1 = 1 - w_2$.
//!
//! Price $p = \frac{w_1}{w_2}\frac{y}{x}$. Buying alpha with $\Delta y$ TAO after the fee:
//! $\Delta x = x\,(1 - (y/(y+dy))^{w_2/w_1})$. Selling: $\Delta y = y\,(1 - (x/(x+dx))^{w_1/w_2})$.
//! With $w_1 = w_2$ both are the constant-product formulas, computed exactly (the chain's
//! rational root path, $e$ quantised to $10^{-18}$); otherwise in f64 with `log1p`/`expm1`,
//! which stays within a rao of the chain's 256-bit `pow_ratio_scaled` at normal sizes.

use substrate_fixed::types::U64F64;

/// Perquintill scale (1.0 = 10^18).
pub const PERQUINTILL: u64 = 1_000_000_000_000_000_000;
/// `MIN_WEIGHT`: each weight stays ≥ 1 %.
pub const MIN_WEIGHT: u64 = PERQUINTILL / 100;
/// `SwapMinimumReserve`: the output reserve must hold at least this many rao to swap.
pub const MIN_RESERVE: u64 = 1_000_000;
/// `FeeRate` default: 33/65535 ≈ 0.05 %.
pub const DEFAULT_FEE_RATE: u16 = 33;
/// `MAX_SWAP_INPUT_RESERVE_MULTIPLIER`.
pub const MAX_INPUT_MULTIPLIER: u64 = 1000;

/// The pool curve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub enum Curve {
    /// Two-asset weighted pool; injections move the weights to keep the price (today).
    Balancer,
    /// The original dTAO pool, `x·y = k`; injections add to both reserves (2025).
    ConstantProduct,
}

impl Curve {
    /// Names accepted in scenarios.
    pub const NAMES: &'static str = "balancer, constantProduct";
}

/// The result of a swap, rao.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Swap {
    /// Input that entered the pool (after the fee).
    pub input: u64,
    /// Fee taken (in the input token; a sell's alpha fee is converted to TAO, see
    /// [`Swap::fee_tao`]).
    pub fee: u64,
    /// TAO the fee became (to the block author).
    pub fee_tao: u64,
    /// Output paid out.
    pub output: u64,
    /// Input refunded (limits, tiny reserves).
    pub refund: u64,
}

/// A subnet pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct Pool {
    /// Curve.
    pub curve: Curve,
    /// TAO reserve $y$, rao (`SubnetTAO`).
    pub tao: u64,
    /// Alpha reserve $x$, rao (`SubnetAlphaIn`).
    pub alpha: u64,
    /// Quote (TAO) weight $w_2$, Perquintill parts (10^18 = 1; a larger value counts as 1).
    pub quote_weight: u64,
    /// Fee rate, /65535.
    pub fee_rate: u16,
}

fn mul_div_floor(a: u128, b: u128, c: u128) -> u128 {
    if c == 0 {
        return 0;
    }
    // a·b may overflow; split when needed.
    match a.checked_mul(b) {
        Some(p) => p / c,
        None => {
            let q = a / c;
            let r = a % c;
            q.saturating_mul(b).saturating_add(r.saturating_mul(b) / c)
        }
    }
}

impl Pool {
    /// A pool with weights 0.5/0.5.
    pub fn new(curve: Curve, tao: u64, alpha: u64, fee_rate: u16) -> Pool {
        Pool {
            curve,
            tao,
            alpha,
            quote_weight: PERQUINTILL / 2,
            fee_rate,
        }
    }

    /// $w_2$, at most one whole (the field is public).
    fn quote(&self) -> u64 {
        self.quote_weight.min(PERQUINTILL)
    }

    fn base_weight(&self) -> u64 {
        PERQUINTILL - self.quote()
    }

    fn even(&self) -> bool {
        self.curve == Curve::ConstantProduct || self.quote() == PERQUINTILL / 2
    }

    /// Spot price, TAO per alpha, as the chain computes it (U64F64; 0 when $x = 0$).
    pub fn price(&self) -> U64F64 {
        if self.alpha == 0 {
            return U64F64::from_num(0);
        }
        let ratio = crate::math::fixed::wide::ratio_u64f64(self.tao, self.alpha);
        if self.even() {
            return ratio;
        }
        // `U64F64::from_num(w1).checked_div(U64F64::from_num(w2))` (0 when w2 = 0): both are
        // integers below 2⁶⁰, so the quotient is one native division, `floor(w1·2⁶⁴/w2)`.
        let w = if self.quote() == 0 {
            U64F64::from_num(0)
        } else {
            crate::math::fixed::wide::ratio_u64f64(self.base_weight(), self.quote())
        };
        w.saturating_mul(ratio)
    }

    /// Spot price in f64.
    pub fn price_f64(&self) -> f64 {
        if self.alpha == 0 || self.quote() == 0 {
            return 0.0;
        }
        let w = if self.even() {
            1.0
        } else {
            self.base_weight() as f64 / self.quote() as f64
        };
        w * self.tao as f64 / self.alpha as f64
    }

    /// `(U64F64::from_num(fee_rate) / U64F64::from_num(u16::MAX)) · amount`, floored to rao.
    ///
    /// The rate's bits are `q = ⌊r·2⁶⁴ / 65535⌋`; as `2⁶⁴ = 65535·0x0001_0001_0001_0001 + 1`,
    /// `q = r·0x0001_0001_0001_0001 + ⌊r / 65535⌋` (no 128-bit division). The product with an
    /// integer keeps every bit (`q·amount`, below 2¹²⁸ when `r < 65535`), so the fee is
    /// `⌊q·amount / 2⁶⁴⌋`; with `r = 65535` the rate is exactly 1 and the fee is `amount`.
    fn fee_of(&self, amount: u64) -> u64 {
        let r = self.fee_rate as u64;
        if r == u16::MAX as u64 {
            return amount;
        }
        let q = r * 0x0001_0001_0001_0001;
        (crate::math::fixed::wide::mul_64(q, amount) >> 64) as u64
    }

    /// $\lfloor r\,(1 - (b/(b+d))^{k}) \rfloor$: the output of adding $d$ to reserve $b$,
    /// paid from reserve $r$, with exponent $k$ = in-weight / out-weight.
    fn out_amount(&self, r: u64, b: u64, d: u64, k_num: u64, k_den: u64) -> u64 {
        if d == 0 || r == 0 {
            return 0;
        }
        if self.even() || k_num == k_den {
            let s = PERQUINTILL as u128;
            let e = mul_div_floor(b as u128, s, b as u128 + d as u128);
            return mul_div_floor(r as u128, s - e, s) as u64;
        }
        let k = k_num as f64 / k_den as f64;
        let one_minus_e = -libm::expm1(-k * libm::log1p(d as f64 / b as f64));
        crate::units::floor_u64(r as f64 * one_minus_e.clamp(0.0, 1.0)).min(r)
    }

    /// Alpha the pool would pay for `tao` TAO (fee charged unless `no_fee`), without
    /// changing the pool.
    pub fn quote_buy(&self, tao: u64, no_fee: bool) -> Swap {
        let fee = if no_fee { 0 } else { self.fee_of(tao) };
        let mut dy = tao - fee;
        let mut refund = 0;
        let cap = self.tao.saturating_mul(MAX_INPUT_MULTIPLIER);
        if self.alpha < MIN_RESERVE || self.tao == 0 {
            return Swap {
                refund: tao,
                ..Swap::default()
            };
        }
        if dy > cap {
            refund = dy - cap;
            dy = cap;
        }
        // dx = x(1 − (y/(y+dy))^(w2/w1))
        let out = self.out_amount(self.alpha, self.tao, dy, self.quote(), self.base_weight());
        Swap {
            input: dy,
            fee,
            fee_tao: fee,
            output: out.min(self.alpha.saturating_sub(1)),
            refund,
        }
    }

    /// Stakes: buys alpha with `tao` rao. The fee (TAO) leaves for the block author; the pool
    /// gains `input` TAO and pays `output` alpha.
    pub fn buy(&mut self, tao: u64, no_fee: bool) -> Swap {
        let s = self.quote_buy(tao, no_fee);
        self.tao = self.tao.saturating_add(s.input);
        self.alpha -= s.output;
        s
    }

    /// Unstakes: sells `alpha` rao. The alpha fee is then sold fee-free into the same pool
    /// and its TAO goes to the block author (`fee_tao`).
    pub fn sell(&mut self, alpha: u64, no_fee: bool) -> Swap {
        if self.tao < MIN_RESERVE || self.alpha == 0 {
            return Swap {
                refund: alpha,
                ..Swap::default()
            };
        }
        let fee = if no_fee { 0 } else { self.fee_of(alpha) };
        let mut dx = alpha - fee;
        let mut refund = 0;
        let cap = self.alpha.saturating_mul(MAX_INPUT_MULTIPLIER);
        if dx > cap {
            refund = dx - cap;
            dx = cap;
        }
        let out = self
            .out_amount(self.tao, self.alpha, dx, self.base_weight(), self.quote())
            .min(self.tao.saturating_sub(1));
        self.alpha = self.alpha.saturating_add(dx);
        self.tao -= out;
        let mut fee_tao = 0;
        if fee > 0 {
            let f = self
                .out_amount(self.tao, self.alpha, fee, self.base_weight(), self.quote())
                .min(self.tao.saturating_sub(1));
            self.alpha = self.alpha.saturating_add(fee);
            self.tao -= f;
            fee_tao = f;
        }
        Swap {
            input: dx,
            fee,
            fee_tao,
            output: out,
            refund,
        }
    }

    /// Protocol liquidity injection (§9.4): adds `tao` and `alpha` and, for the weighted pool,
    /// re-weights so that the price is unchanged:
    /// $w_2' = \frac{w_2 x (y+\Delta y)}{w_1 y (x+\Delta x) + w_2 x (y + \Delta y)}$.
    /// Returns what was actually injected: (0, 0) when a weight would leave [0.01, 0.99].
    pub fn inject(&mut self, tao: u64, alpha: u64) -> (u64, u64) {
        if self.curve == Curve::Balancer {
            let (x, y) = (self.alpha as f64, self.tao as f64);
            let w1 = self.base_weight() as f64 / PERQUINTILL as f64;
            let w2 = self.quote() as f64 / PERQUINTILL as f64;
            let q1 = w1 * y * (x + alpha as f64);
            let q2 = w2 * x * (y + tao as f64);
            let w2n = if q1 + q2 > 0.0 {
                libm::round(q2 / (q1 + q2) * PERQUINTILL as f64) as u64
            } else {
                PERQUINTILL / 2
            };
            if !(MIN_WEIGHT..=PERQUINTILL - MIN_WEIGHT).contains(&w2n) {
                return (0, 0);
            }
            self.quote_weight = w2n;
        }
        self.tao = self.tao.saturating_add(tao);
        self.alpha = self.alpha.saturating_add(alpha);
        (tao, alpha)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A quote weight past one whole (the field is public) counts as one whole: no overflow
    /// and no panic in any operation, at the edge weights too.
    #[test]
    fn any_quote_weight_is_safe() {
        for qw in [
            0,
            1,
            PERQUINTILL - 1,
            PERQUINTILL,
            PERQUINTILL + 1,
            u64::MAX,
        ] {
            let mut p = Pool::new(Curve::Balancer, 1_000_000_000_000, 2_000_000_000_000, 300);
            p.quote_weight = qw;
            let _ = (p.price(), p.price_f64(), p.quote_buy(10_000_000_000, false));
            p.buy(10_000_000_000, false);
            p.sell(10_000_000_000, false);
            p.inject(1_000_000, 1_000_000);
            assert!(p.tao > 0 && p.alpha > 0, "quote weight {qw}");
        }
    }

    proptest! {
        /// The fee's closed form gives the library's bits.
        #[test]
        fn fee_of_matches_the_library(rate in any::<u16>(), amount in any::<u64>()) {
            let p = Pool::new(Curve::Balancer, 1, 1, rate);
            let q = U64F64::from_num(rate) / U64F64::from_num(u16::MAX);
            let want = q.saturating_mul(U64F64::from_num(amount)).saturating_to_num::<u64>();
            prop_assert_eq!(p.fee_of(amount), want);
        }

        /// The weighted price's fast weight ratio gives the library's bits.
        #[test]
        fn price_matches_the_library(tao in any::<u64>(), alpha in 1u64.., qw in 0u64..=PERQUINTILL) {
            let p = Pool { curve: Curve::Balancer, tao, alpha, quote_weight: qw, fee_rate: 0 };
            let ratio = U64F64::from_num(tao) / U64F64::from_num(alpha);
            let expected = if p.even() {
                ratio
            } else {
                U64F64::from_num(PERQUINTILL - qw)
                    .checked_div(U64F64::from_num(qw))
                    .unwrap_or(U64F64::from_num(0))
                    .saturating_mul(ratio)
            };
            prop_assert_eq!(p.price(), expected);
        }
    }
    /// The fee's closed form gives the library's bits for every rate.
    #[test]
    fn fee_matches_the_library() {
        let amounts = [
            0u64,
            1,
            2,
            999,
            65_535,
            1_000_000_007,
            123_456_789_012_345,
            u64::MAX / 3,
            u64::MAX - 1,
            u64::MAX,
        ];
        for rate in 0..=u16::MAX {
            let p = Pool::new(Curve::Balancer, 1, 1, rate);
            let q = U64F64::from_num(rate) / U64F64::from_num(u16::MAX);
            for &a in &amounts {
                let want = q
                    .saturating_mul(U64F64::from_num(a))
                    .saturating_to_num::<u64>();
                assert_eq!(p.fee_of(a), want, "rate {rate} amount {a}");
            }
        }
    }

    #[test]
    fn v29_initial_price() {
        let p = Pool::new(
            Curve::Balancer,
            1_000_000_000,
            4_000_000_000,
            DEFAULT_FEE_RATE,
        );
        assert_eq!(p.price(), U64F64::from_num(0.25f64));
    }
}
