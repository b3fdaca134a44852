//! The subnet moving (EMA) price (spec §5.6, `update_moving_price`), run after the coinbase.
//!
//! $$ \alpha = a \cdot \frac{b}{b + h}, \qquad p' = \alpha \min(p_{spot}, 1) + (1-\alpha)\,p $$
//!
//! with $a$ = `SubnetMovingAlpha` (0.000003), $h$ = `EMAPriceHalvingBlocks` (201 600) and
//! $b$ the blocks since `start_call`. The spot price is capped at 1 TAO/alpha.

use substrate_fixed::types::{I96F32, U64F64};

/// `SubnetMovingAlpha` default, 0.000003 as the chain stores it (I96F32).
pub fn default_moving_alpha() -> I96F32 {
    I96F32::from_num(0.000003f64)
}

/// `EMAPriceHalvingBlocks` default.
pub const EMA_PRICE_HALVING_BLOCKS: u64 = 201_600;

/// One chain-exact update. `blocks_since_start` = `current_block − (FirstEmissionBlockNumber − 1)`.
pub fn update_moving_price(
    old: I96F32,
    spot: U64F64,
    moving_alpha: I96F32,
    blocks_since_start: u64,
    halving_blocks: u64,
) -> I96F32 {
    let b = U64F64::from_num(blocks_since_start);
    let denom = b.saturating_add(U64F64::from_num(halving_blocks));
    let ramp = b.checked_div(denom).unwrap_or(U64F64::from_num(0));
    let a = U64F64::saturating_from_num(moving_alpha.max(I96F32::from_num(0)));
    let alpha = a.saturating_mul(ramp);
    let one = U64F64::from_num(1);
    let capped = if spot > one { one } else { spot };
    let old_u = U64F64::saturating_from_num(old.max(I96F32::from_num(0)));
    let new = alpha
        .saturating_mul(capped)
        .saturating_add(one.saturating_sub(alpha).saturating_mul(old_u));
    I96F32::saturating_from_num(new)
}

/// Float counterpart of [`update_moving_price`].
pub fn update_moving_price_f64(
    old: f64,
    spot: f64,
    moving_alpha: f64,
    blocks_since_start: u64,
    halving_blocks: u64,
) -> f64 {
    let alpha = moving_alpha_f64(moving_alpha, blocks_since_start, halving_blocks);
    moving_price_step_f64(old, spot, alpha)
}

/// The α of [`update_moving_price_f64`], the same for every subnet with the same `b`.
pub fn moving_alpha_f64(moving_alpha: f64, blocks_since_start: u64, halving_blocks: u64) -> f64 {
    let b = blocks_since_start as f64;
    let denom = b + halving_blocks as f64;
    if denom > 0.0 {
        moving_alpha * b / denom
    } else {
        0.0
    }
}

/// The step of [`update_moving_price_f64`] with its α ([`moving_alpha_f64`]).
pub fn moving_price_step_f64(old: f64, spot: f64, alpha: f64) -> f64 {
    alpha * spot.min(1.0) + (1.0 - alpha) * old
}
