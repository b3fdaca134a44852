//! Dynamic-TAO subnet pools (spec §9): today's weighted (Balancer-style) pool and the original
//! constant-product pool, one [`Pool`] type with a [`Curve`] chosen by preset.
//!
//! * [`pool`] — reserves, price, stake/unstake swaps with fee and slippage, liquidity
//!   injection that keeps the price fixed.
//! * [`seed`] — seeding a new subnet's pool at the median price (§9.5).

#[allow(clippy::module_inception)]
pub mod pool;
pub mod seed;

pub use pool::{Curve, Pool, Swap, DEFAULT_FEE_RATE, MIN_RESERVE, PERQUINTILL};
pub use seed::{median_price, seed_pool};
