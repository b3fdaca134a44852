//! Subnet registration (spec §11): the lock cost and which subnet is pruned when the network
//! is full.
//!
//! Lock cost: with the last price $L$, the block of the last registration $b_0$ (0 = never)
//! and the interval $T = \lfloor T_0 \cdot e/10^9 \rfloor$ (shrinking with each halving):
//! $\text{cost} = \max(L_{min},\; m L - \lfloor L/T \rfloor (b - b_0))$, $m = 2$ (1 if never).

use substrate_fixed::types::U64F64;

/// The lock-cost state (`NetworkLastLockCost`, `NetworkLastRegistered`, parameters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct LockState {
    /// `NetworkLastLockCost`, rao.
    pub last_lock: u64,
    /// Block of the last registration, 0 = never.
    pub last_registered: u64,
    /// `NetworkMinLockCost`, rao.
    pub min_lock: u64,
    /// `NetworkLockReductionInterval`, blocks.
    pub reduction_interval: u64,
}

/// The lock cost at `block` with the current block emission `block_emission` (rao).
pub fn lock_cost(s: &LockState, block: u64, block_emission: u64) -> u64 {
    let mult = if s.last_registered == 0 { 1 } else { 2 };
    let interval = (U64F64::from_num(s.reduction_interval)
        .saturating_mul(U64F64::from_num(block_emission))
        / U64F64::from_num(1_000_000_000u64))
    .saturating_to_num::<u64>();
    let per_block = s.last_lock.checked_div(interval).unwrap_or(s.last_lock);
    let decay = per_block.saturating_mul(block.saturating_sub(s.last_registered));
    let cost = s.last_lock.saturating_mul(mult).saturating_sub(decay);
    cost.max(s.min_lock)
}

/// The criterion for the subnet to prune (versioned).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub enum SubnetPruning {
    /// Lowest `SubnetMovingPrice` (today).
    LowestMovingPrice,
    /// Lowest emission (legacy and "as described").
    LowestEmission,
}

/// One subnet as pruning sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SubnetCandidate {
    /// Netuid.
    pub netuid: u16,
    /// Block of registration (`NetworkRegisteredAt`).
    pub registered_at: u64,
    /// `SubnetMovingPrice`.
    pub moving_price: U64F64,
    /// Recent emission (rao per block or per tempo; only the order matters).
    pub emission: u64,
}

/// The subnet to prune among those past `immunity` blocks: the lowest criterion value, ties
/// to the earlier registration (then the lower netuid). `None` when all are immune.
pub fn subnet_to_prune(
    subnets: &[SubnetCandidate],
    block: u64,
    immunity: u64,
    rule: SubnetPruning,
) -> Option<u16> {
    subnets
        .iter()
        .filter(|s| block >= s.registered_at.saturating_add(immunity))
        .min_by(|a, b| {
            let k = match rule {
                SubnetPruning::LowestMovingPrice => a.moving_price.cmp(&b.moving_price),
                SubnetPruning::LowestEmission => a.emission.cmp(&b.emission),
            };
            k.then(a.registered_at.cmp(&b.registered_at))
                .then(a.netuid.cmp(&b.netuid))
        })
        .map(|s| s.netuid)
}
