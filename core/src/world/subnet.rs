//! One simulated subnet: its pool, neurons, weights, pending emission and epoch schedule.

use super::epoch::{FloatState, WeightRow};
use super::scenario::Hyperparams;
use crate::emission::issuance::HalvingTable;
use crate::pool::Pool;
use crate::registry::BurnPrice;
use crate::yuma::chain::ChainState;
use alloc::string::String;
use alloc::vec::Vec;
use substrate_fixed::types::{I96F32, U64F64};

/// The four pending buckets (`PendingServerEmission`, `PendingValidatorEmission`,
/// `PendingRootAlphaDivs`, `PendingOwnerCut`), rao.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pending {
    /// Miners.
    pub server: u64,
    /// Validators.
    pub validator: u64,
    /// Root stakers.
    pub root: u64,
    /// Owner.
    pub owner: u64,
}

/// How validators set weights each tempo.
#[derive(Debug, Clone, PartialEq)]
pub enum Behaviour {
    /// Rows stay as given (scripted steps replace them at their block).
    Fixed,
    /// Validators weight every non-validator uid equally.
    Uniform(Vec<u16>),
    /// Quality scores with noise: `raw[v][j]` per validator row.
    Quality {
        /// Relative noise.
        noise: f64,
    },
}

/// Neuron columns (uid = index).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Neurons {
    /// Alpha stake, rao.
    pub stake: Vec<u64>,
    /// `BlockAtRegistration`.
    pub registered_at: Vec<u64>,
    /// Last epoch's emission, rao (pruning score).
    pub emission: Vec<u64>,
    /// Owned by the subnet owner (incentive burned).
    pub owner_owned: Vec<bool>,
    /// Hidden miner quality (quality behaviour).
    pub quality: Vec<f64>,
}

impl Neurons {
    /// Number of uids.
    pub fn len(&self) -> usize {
        self.stake.len()
    }
    /// No uids.
    pub fn is_empty(&self) -> bool {
        self.stake.is_empty()
    }
}

/// A subnet's state.
#[derive(Debug, Clone, PartialEq)]
pub struct Subnet {
    /// Netuid.
    pub netuid: u16,
    /// Name.
    pub name: String,
    /// `Tempo`.
    pub tempo: u16,
    /// `NetworkRegisteredAt`.
    pub registered_at: u64,
    /// The pool.
    pub pool: Pool,
    /// `SubnetAlphaOut`, rao.
    pub alpha_out: u64,
    /// `SubnetMovingPrice` (chain).
    pub moving_price: I96F32,
    /// Moving price (float mode).
    pub moving_price_f64: f64,
    /// `FirstEmissionBlockNumber`.
    pub first_emission_block: u64,
    /// Pool emission (`SubnetEmissionEnabled`) from this block on; `u64::MAX` = never.
    pub emission_enabled_at: u64,
    /// `LastEpochBlock`.
    pub last_epoch_block: u64,
    /// `PendingEpochAt`.
    pub pending_epoch_at: u64,
    /// `BlocksSinceLastStep`.
    pub blocks_since_last_step: u64,
    /// Pending buckets.
    pub pending: Pending,
    /// The buckets drained by the last epoch.
    pub last_drained: Pending,
    /// Registration price.
    pub burn: BurnPrice,
    /// `ImmunityPeriod`.
    pub immunity_period: u64,
    /// `MaxAllowedUids`.
    pub max_uids: u16,
    /// `MaxAllowedValidators`.
    pub max_validators: u16,
    /// Neurons.
    pub neurons: Neurons,
    /// Validators' weight rows.
    pub rows: Vec<WeightRow>,
    /// Raw (pre-upscale) scores for the quality behaviour, per row, per entry.
    pub raw: Vec<Vec<f64>>,
    /// Behaviour.
    pub behaviour: Behaviour,
    /// Scripted weight steps (from block, rows), ascending.
    pub steps: Vec<(u64, Vec<WeightRow>)>,
    /// `MinerBurned` of the last epoch.
    pub miner_burned: U64F64,
    /// EMA of net TAO flow per block (TAO).
    pub flow_ema: f64,
    /// Net TAO flow this block (TAO).
    pub flow_block: f64,
    /// Net TAO flow in the current window (TAO).
    pub flow_window_acc: f64,
    /// Net TAO flow of the last complete window (TAO).
    pub flow_window: f64,
    /// Share at the last block.
    pub last_share: f64,
    /// TAO injected since the last epoch, rao.
    pub tao_in_since_epoch: u64,
    /// Alpha-out emission per block (for legacy pruning by emission).
    pub last_alpha_emission: u64,
    /// TAO emission per block at the last block (for pruning by emission).
    pub last_tao_emission: u64,
    /// Owner's stake (owner cut paid), rao.
    pub owner_stake: u64,
    /// Alpha held by root stakers (root dividends), rao.
    pub root_alpha: u64,
    /// Stake left behind by pruned uids, rao.
    pub deregistered_stake: u64,
    /// Registrations since the last epoch.
    pub registrations: u32,
    /// Prunings since the last epoch.
    pub prunings: u32,
    /// Extra alpha-out accounting: protocol alpha bought by chain buys.
    pub protocol_alpha: u64,
    /// Epoch hyperparameters.
    pub hyper: Hyperparams,
    /// Chain arithmetic: the storage the chain epoch reads and writes.
    pub chain: ChainState,
    /// Float arithmetic: the research epoch's carried state.
    pub float: FloatState,
    /// Alpha emission per block for alpha issuance in `[.0, .1)` (a cache of the halving
    /// table's lookup; empty when `.0 > .1`).
    pub alpha_era: (u64, u64, u64),
    /// The spot price of the pool state it was computed for (a pure function of the pool).
    pub price_cache: (Pool, U64F64),
    /// Stake flows and registrations on this subnet so far: a hint that an epoch computed
    /// ahead from an earlier state is stale (whether it is taken is decided by comparing
    /// inputs in full).
    pub touches: u64,
}

impl Subnet {
    /// `alpha_issuance = SubnetAlphaIn + SubnetAlphaOut`.
    pub fn alpha_issuance(&self) -> u64 {
        self.pool.alpha.saturating_add(self.alpha_out)
    }

    /// Alpha emission per block at the current alpha issuance (the halving table's step,
    /// cached while the issuance stays inside the same era).
    pub fn alpha_emission(&mut self, table: &HalvingTable) -> u64 {
        let ai = self.alpha_issuance();
        let (lo, hi, e) = self.alpha_era;
        if lo <= ai && ai < hi {
            return e;
        }
        let e = table.emission(ai);
        let hi = table.next_threshold(ai).unwrap_or(u64::MAX);
        self.alpha_era = (ai, hi, e);
        e
    }

    /// `pool.price()`, computed again only when the pool has changed since the last call.
    #[inline]
    pub fn spot_price(&mut self) -> U64F64 {
        if self.price_cache.0 != self.pool {
            self.refresh_price();
        }
        self.price_cache.1
    }

    /// Computes the cached spot price again (out of line: the check above is the usual path).
    #[inline(never)]
    fn refresh_price(&mut self) {
        self.price_cache = (self.pool, self.pool.price());
    }

    /// The owner's hotkey uid (`SubnetOwnerHotkey`): the first owner-owned uid.
    pub fn owner_uid(&self) -> Option<u16> {
        self.neurons
            .owner_owned
            .iter()
            .position(|&o| o)
            .map(|u| u as u16)
    }
}

/// Max-upscales non-negative scores to u16 as `set_weights` does (`round(v·65535/max)`).
pub fn upscale(targets: &[(u16, f64)]) -> Vec<(u16, u16)> {
    let m = targets.iter().fold(0.0f64, |a, t| a.max(t.1));
    let mut v: Vec<(u16, u16)> = targets
        .iter()
        .map(|&(j, w)| {
            (
                j,
                if m > 0.0 {
                    libm::round(w / m * 65_535.0) as u16
                } else {
                    0
                },
            )
        })
        .filter(|e| e.1 > 0)
        .collect();
    v.sort_unstable_by_key(|e| e.0);
    v.dedup_by_key(|e| e.0);
    v
}
