//! Seeding a new subnet's pool (spec §9.5): the median spot price of the existing subnets
//! with a positive price (mean of the middle two for an even count, 1 when there are none);
//! `pool_tao = max(lock, min_lock)`, `pool_alpha = ⌊pool_tao / median⌋`.

use super::pool::{Curve, Pool};
use alloc::vec::Vec;
use substrate_fixed::types::U64F64;

/// Median of the positive prices (U64F64); 1 when none is positive.
pub fn median_price(prices: &[U64F64]) -> U64F64 {
    let mut v: Vec<U64F64> = prices
        .iter()
        .copied()
        .filter(|p| *p > U64F64::from_num(0))
        .collect();
    if v.is_empty() {
        return U64F64::from_num(1);
    }
    v.sort_unstable();
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        let (a, b) = (v[n / 2 - 1], v[n / 2]);
        a.saturating_add(b) / U64F64::from_num(2)
    }
}

/// The seeded pool: TAO `max(lock_paid, min_lock)`, alpha `⌊tao / median⌋`, weights ½.
pub fn seed_pool(
    curve: Curve,
    lock_paid: u64,
    min_lock: u64,
    median: U64F64,
    fee_rate: u16,
) -> Pool {
    let tao = lock_paid.max(min_lock);
    let alpha = U64F64::from_num(tao)
        .checked_div(median)
        .map(|a| a.saturating_to_num::<u64>())
        .unwrap_or(tao);
    Pool::new(curve, tao, alpha, fee_rate)
}
