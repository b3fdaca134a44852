//! Subnet emission shares as versioned policies (spec §5.2).
//!
//! * [`SharePolicy::SpotPrice`] — dTAO launch (February 2025): $s_i = p_i / \sum_j p_j$ with the
//!   pool's spot price.
//! * [`SharePolicy::PriceEma`] — today's rule: the moving price (spot capped at 1) weighted
//!   down by the miner-burn fraction: $w_i = s_i (1 - \min(1, \beta_i))$, renormalised.
//! * [`SharePolicy::TaoFlowEma`] — "Taoflow" (2025-11 to 2026-06): an EMA of each subnet's net
//!   TAO flow, offset by a cutoff and raised to a p-norm exponent.
//! * [`SharePolicy::NetFlow`] — the instantaneous variant: the positive part of each subnet's
//!   net TAO flow over the last window.
//!
//! Emission-disabled subnets get 0 and the rest are renormalised. Shares are U64F64 in chain
//! mode; the flow policies are dormant on chain at the pinned commit and are computed in f64
//! (then converted), which this crate documents as its own definition.

use crate::math::fixed::wide::{div_u64f64, mul_u64f64};
use alloc::vec::Vec;
use substrate_fixed::types::U64F64;

/// Which rule divides the block emission across subnets.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(tag = "kind", rename_all = "camelCase", deny_unknown_fields)
)]
pub enum SharePolicy {
    /// Proportional to the pool spot price (dTAO launch, 2025-02).
    SpotPrice,
    /// Proportional to the EMA price × (1 − miner burn) (today, 2026-06-30).
    PriceEma,
    /// Proportional to (EMA of net TAO flow − cutoff)^exponent, clipped at 0.
    #[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
    TaoFlowEma {
        /// EMA smoothing per block (e.g. 1/86 400 ≈ a 12-day window).
        smoothing: f64,
        /// Flows at or below this (TAO per block, EMA units) earn nothing.
        cutoff: f64,
        /// p-norm exponent (`FlowNormExponent`), ≥ 1.
        exponent: f64,
    },
    /// Proportional to the positive part of net TAO flow over a window of blocks.
    #[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
    NetFlow {
        /// Window in blocks over which flows are summed.
        window: u64,
    },
}

impl SharePolicy {
    /// Names accepted in scenarios.
    pub const NAMES: &'static str = "spotPrice, priceEma, taoFlowEma, netFlow";
    /// Short name.
    pub fn name(&self) -> &'static str {
        match self {
            SharePolicy::SpotPrice => "spotPrice",
            SharePolicy::PriceEma => "priceEma",
            SharePolicy::TaoFlowEma { .. } => "taoFlowEma",
            SharePolicy::NetFlow { .. } => "netFlow",
        }
    }
    /// Default Taoflow parameters.
    pub fn tao_flow_default() -> SharePolicy {
        SharePolicy::TaoFlowEma {
            smoothing: 1.0 / 86_400.0,
            cutoff: 0.0,
            exponent: 1.0,
        }
    }
}

/// What a policy reads for one subnet.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ShareInput {
    /// Pool spot price (U64F64).
    pub spot: U64F64,
    /// Moving price (U64F64, spot capped at 1).
    pub moving: U64F64,
    /// `MinerBurned`: fraction of last epoch's incentive withheld (0..1).
    pub miner_burned: U64F64,
    /// EMA of net TAO flow (TAO per block) — flow policies.
    pub flow_ema: f64,
    /// Net TAO flow over the window (TAO) — net-flow policy.
    pub flow_window: f64,
    /// `SubnetEmissionEnabled`.
    pub enabled: bool,
}

/// Computes shares into `out` (resized to `inputs.len()`), chain arithmetic (U64F64).
pub fn shares(policy: &SharePolicy, inputs: &[ShareInput], out: &mut Vec<U64F64>) {
    let zero = U64F64::from_num(0);
    out.clear();
    match policy {
        SharePolicy::SpotPrice | SharePolicy::PriceEma => {
            let moving = matches!(policy, SharePolicy::PriceEma);
            let price = |s: &ShareInput| if moving { s.moving } else { s.spot };
            let total = inputs
                .iter()
                .fold(zero, |acc, s| acc.saturating_add(price(s)));
            out.extend(
                inputs
                    .iter()
                    .map(|s| div_u64f64(price(s), total).unwrap_or(zero)),
            );
            if moving {
                // w_i = s_i·(1 − min(1, β_i)), renormalised when Σw > 0 (kept as s otherwise);
                // w is recomputed in the second pass rather than stored.
                let one = U64F64::from_num(1);
                // (Nothing burned: the factor is exactly 1 and the share stays as it is.)
                let weigh = |sh: U64F64, s: &ShareInput| {
                    if s.miner_burned == zero {
                        sh
                    } else {
                        mul_u64f64(sh, one.saturating_sub(s.miner_burned.min(one)))
                    }
                };
                let sw = out
                    .iter()
                    .zip(inputs)
                    .fold(zero, |a, (&sh, s)| a.saturating_add(weigh(sh, s)));
                if sw > zero {
                    for (o, s) in out.iter_mut().zip(inputs) {
                        *o = div_u64f64(weigh(*o, s), sw).unwrap_or(zero);
                    }
                }
            }
        }
        SharePolicy::TaoFlowEma {
            cutoff, exponent, ..
        } => {
            let raw: Vec<f64> = inputs
                .iter()
                .map(|s| {
                    let x = s.flow_ema - cutoff;
                    if x > 0.0 {
                        libm::pow(x, exponent.max(1.0))
                    } else {
                        0.0
                    }
                })
                .collect();
            float_shares(&raw, out);
        }
        SharePolicy::NetFlow { .. } => {
            let raw: Vec<f64> = inputs.iter().map(|s| s.flow_window.max(0.0)).collect();
            float_shares(&raw, out);
        }
    }
    // Disabled subnets get nothing; the enabled ones are renormalised.
    if inputs.iter().any(|s| !s.enabled) {
        let mut sum = zero;
        for (o, s) in out.iter_mut().zip(inputs) {
            if !s.enabled {
                *o = zero;
            }
            sum = sum.saturating_add(*o);
        }
        for o in out.iter_mut() {
            *o = div_u64f64(*o, sum).unwrap_or(zero);
        }
    }
}

fn float_shares(raw: &[f64], out: &mut Vec<U64F64>) {
    let total: f64 = raw.iter().sum();
    out.extend(raw.iter().map(|&r| {
        if total > 0.0 && r.is_finite() {
            U64F64::saturating_from_num(r / total)
        } else {
            U64F64::from_num(0)
        }
    }));
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn price_ema_with_burn() {
        let mk = |p: f64, b: f64| ShareInput {
            moving: U64F64::from_num(p),
            miner_burned: U64F64::from_num(b),
            enabled: true,
            ..Default::default()
        };
        let mut out = Vec::new();
        shares(
            &SharePolicy::PriceEma,
            &[mk(0.1, 0.0), mk(0.2, 0.0)],
            &mut out,
        );
        assert!((out[0].to_num::<f64>() - 1.0 / 3.0).abs() < 1e-12);
        shares(
            &SharePolicy::PriceEma,
            &[mk(0.1, 1.0), mk(0.2, 0.0)],
            &mut out,
        );
        assert_eq!(out[0], U64F64::from_num(0));
        assert_eq!(out[1], U64F64::from_num(1));
    }
}
