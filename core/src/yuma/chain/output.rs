//! [`ChainOutput`]: what the epoch stores, in on-chain units.

use super::input::U16Row;
use alloc::vec::Vec;

/// One epoch's results as the chain persists them (u16 proportions use 65535 as 1.0).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(rename_all = "camelCase", deny_unknown_fields)
)]
pub struct ChainOutput {
    /// `Active`: `last_update + activity_cutoff ≥ block`.
    pub active: Vec<bool>,
    /// `ValidatorPermit` after the epoch (top-k non-zero stake, owner forced).
    pub validator_permit: Vec<bool>,
    /// The total stake the epoch used, `floor(total_i)` in rao (before the stake threshold).
    pub stake: Vec<u64>,
    /// `StakeWeight`: normalised stake S.
    pub stake_weight: Vec<u16>,
    /// `Consensus` C.
    pub consensus: Vec<u16>,
    /// `Incentive` I.
    pub incentive: Vec<u16>,
    /// `Dividends` D.
    pub dividends: Vec<u16>,
    /// `ValidatorTrust` Tv.
    pub validator_trust: Vec<u16>,
    /// Server (miner) emission in rao: `floor(I_i/Σ(I+D) · rao_emission)`.
    pub server_emission: Vec<u64>,
    /// Validator emission in rao: `floor(D_i/Σ(I+D) · rao_emission)`.
    pub validator_emission: Vec<u64>,
    /// `Emission` (stored): `floor(normalize(I+D)_i · rao_emission)`.
    pub emission: Vec<u64>,
    /// `Bonds` as persisted: every row, `(uid, u16)` in the chain's entry order; empty for
    /// UIDs without a new permit.
    pub bonds: Vec<U16Row>,
}
