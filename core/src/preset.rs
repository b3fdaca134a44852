//! Presets: the set of economic rules in force on a date. Every rule that changed on chain is
//! a field here, so worlds can compare "as described" with "as implemented" (spec §14).
//!
//! | preset | shares | pool | scheduler | subnet pruning | min lock | subnet immunity | owner/miners/validators |
//! |---|---|---|---|---|---|---|---|
//! | `2025-02` (dTAO launch) | spot price | constant product | legacy `tempo+1` | lowest emission | 1 000 TAO | 1 296 000 blocks | 18/41/41 with root share |
//! | `2026-06` (today, pinned commit) | price EMA × (1 − miner burn) | weighted | stateful, 2 epochs/block | lowest moving price | 1 000 TAO | 864 000 blocks | 18/41/41 with root share |
//! | `described` (community description) | price EMA | weighted | stateful | lowest emission | 100 TAO | 7 days (50 400) | 18/41/41, no root share |

use crate::emission::split::{DEFAULT_OWNER_CUT, DEFAULT_TAO_WEIGHT};
use crate::emission::SharePolicy;
use crate::error::{Error, Result};
use crate::pool::{Curve, DEFAULT_FEE_RATE};
use crate::registry::SubnetPruning;

/// A named set of rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    /// dTAO launch, February 2025.
    Dtao2025_02,
    /// The pinned subtensor commit, 2026-06-30.
    Chain2026_06,
    /// The rules the community still quotes.
    Described,
}

/// How epochs are scheduled (spec §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(tag = "kind", rename_all = "camelCase", deny_unknown_fields)
)]
pub enum Scheduler {
    /// Until 2026-05: the epoch runs when `(b + netuid + 1) mod (tempo + 1) == tempo`.
    Legacy,
    /// Today: every `tempo` blocks from `LastEpochBlock`, at most `max_epochs_per_block` per
    /// block (the rest are deferred to the next block).
    #[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
    Stateful {
        /// `MaxEpochsPerBlock` (production 2).
        max_epochs_per_block: u32,
    },
}

/// The cap on alpha injected into a pool per block (spec §5.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub enum InjectionCap {
    /// Today: `root_prop · alpha_emission`.
    RootProportion,
    /// Before 2026-06-22: `min(alpha_emission, tao_block_emission)`.
    AlphaEmission,
}

/// The rules of a world. Every field can be overridden by a scenario.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(rename_all = "camelCase", deny_unknown_fields, default)
)]
pub struct Rules {
    /// Subnet share policy.
    pub share_policy: SharePolicy,
    /// Pool curve.
    pub curve: Curve,
    /// Swap fee, /65535.
    pub fee_rate: u16,
    /// Epoch scheduler.
    pub scheduler: Scheduler,
    /// Alpha injection cap.
    pub injection_cap: InjectionCap,
    /// `SubnetOwnerCut`, /65535.
    pub owner_cut: u16,
    /// `TaoWeight`, /u64::MAX (0 = root takes no share of validator alpha).
    pub tao_weight: u64,
    /// Subnet pruning criterion.
    pub subnet_pruning: SubnetPruning,
    /// `NetworkMinLockCost`, rao.
    pub min_lock: u64,
    /// `NetworkLockReductionInterval`, blocks.
    pub lock_reduction_interval: u64,
    /// `NetworkRateLimit`, blocks between subnet registrations.
    pub network_rate_limit: u64,
    /// `NetworkImmunityPeriod`, blocks.
    pub network_immunity: u64,
    /// `SubnetLimit` (non-root subnets).
    pub subnet_limit: u16,
    /// Blocks after registration before a new subnet's pool emission is enabled
    /// (`start_call` plus root enabling `SubnetEmissionEnabled`; an assumption of this model,
    /// the chain leaves it to root).
    pub new_subnet_emission_delay: u64,
    /// `SubnetMovingAlpha`.
    pub moving_alpha: f64,
    /// `EMAPriceHalvingBlocks`.
    pub ema_price_halving_blocks: u64,
    /// `MinNonImmuneUids`.
    pub min_non_immune_uids: u16,
}

impl Default for Rules {
    fn default() -> Self {
        Preset::Chain2026_06.rules()
    }
}

impl Preset {
    /// Names accepted in scenarios and on the command line.
    pub const NAMES: &'static str = "2025-02, 2026-06, described";
    /// Every preset.
    pub const ALL: [Preset; 3] = [Preset::Dtao2025_02, Preset::Chain2026_06, Preset::Described];

    /// Parses a preset name.
    pub fn parse(field: &str, name: &str) -> Result<Preset> {
        match name {
            "2025-02" | "dtao" => Ok(Preset::Dtao2025_02),
            "2026-06" | "today" | "chain" => Ok(Preset::Chain2026_06),
            "described" => Ok(Preset::Described),
            _ => Err(Error::unknown(field, name, Preset::NAMES)),
        }
    }

    /// Its name.
    pub fn name(self) -> &'static str {
        match self {
            Preset::Dtao2025_02 => "2025-02",
            Preset::Chain2026_06 => "2026-06",
            Preset::Described => "described",
        }
    }

    /// The rules.
    pub fn rules(self) -> Rules {
        let today = Rules {
            share_policy: SharePolicy::PriceEma,
            curve: Curve::Balancer,
            fee_rate: DEFAULT_FEE_RATE,
            scheduler: Scheduler::Stateful {
                max_epochs_per_block: 2,
            },
            injection_cap: InjectionCap::RootProportion,
            owner_cut: DEFAULT_OWNER_CUT,
            tao_weight: DEFAULT_TAO_WEIGHT,
            subnet_pruning: SubnetPruning::LowestMovingPrice,
            min_lock: 1_000_000_000_000,
            lock_reduction_interval: 57_600,
            network_rate_limit: 28_800,
            network_immunity: 864_000,
            subnet_limit: 128,
            new_subnet_emission_delay: 7_200,
            moving_alpha: 0.000003,
            ema_price_halving_blocks: 201_600,
            min_non_immune_uids: 10,
        };
        match self {
            Preset::Chain2026_06 => today,
            Preset::Dtao2025_02 => Rules {
                share_policy: SharePolicy::SpotPrice,
                curve: Curve::ConstantProduct,
                fee_rate: 0,
                scheduler: Scheduler::Legacy,
                injection_cap: InjectionCap::AlphaEmission,
                subnet_pruning: SubnetPruning::LowestEmission,
                lock_reduction_interval: 100_800,
                network_rate_limit: 7_200,
                network_immunity: 1_296_000,
                new_subnet_emission_delay: 0,
                ..today
            },
            Preset::Described => Rules {
                tao_weight: 0,
                subnet_pruning: SubnetPruning::LowestEmission,
                min_lock: 100_000_000_000,
                network_immunity: 50_400,
                new_subnet_emission_delay: 0,
                ..today
            },
        }
    }
}
