//! The world's input: a `Scenario` (JSON, or TOML with the `toml` feature). Field names are
//! camelCase; unknown fields are errors; bad values name their path (`subnets[3].tempo is 0`).
//! The schema is documented in `docs/scenario.md`.

use crate::emission::SharePolicy;
use crate::error::{Error, Result};
use crate::limits;
use crate::pool::Curve;
use crate::preset::{InjectionCap, Preset, Rules, Scheduler};
use crate::registry::SubnetPruning;
use crate::yuma::chain::input::defaults as chain_defaults;
use crate::yuma::{Params, Variant};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// Which arithmetic the coinbase uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub enum Arithmetic {
    /// The chain's fixed-point types and rounding (U96F32, U64F64, I96F32), rao amounts.
    #[default]
    Chain,
    /// f64 for every proportion, amounts floored to rao.
    Float,
}

/// Overrides of the preset's rules (every field optional).
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(rename_all = "camelCase", deny_unknown_fields, default)
)]
pub struct RulesPatch {
    /// Share policy.
    pub share_policy: Option<SharePolicy>,
    /// Pool curve.
    pub curve: Option<Curve>,
    /// Swap fee /65535.
    pub fee_rate: Option<u16>,
    /// Scheduler.
    pub scheduler: Option<Scheduler>,
    /// Injection cap.
    pub injection_cap: Option<InjectionCap>,
    /// Owner cut /65535.
    pub owner_cut: Option<u16>,
    /// TaoWeight /u64::MAX.
    pub tao_weight: Option<u64>,
    /// Subnet pruning rule.
    pub subnet_pruning: Option<SubnetPruning>,
    /// Minimum lock, TAO.
    pub min_lock_tao: Option<f64>,
    /// Lock reduction interval, blocks.
    pub lock_reduction_interval: Option<u64>,
    /// Subnet registration rate limit, blocks.
    pub network_rate_limit: Option<u64>,
    /// Subnet immunity, blocks.
    pub network_immunity: Option<u64>,
    /// Subnet limit.
    pub subnet_limit: Option<u16>,
    /// Delay before a new subnet's pool emission starts, blocks.
    pub new_subnet_emission_delay: Option<u64>,
}

/// One neuron at the start.
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(rename_all = "camelCase", deny_unknown_fields)
)]
pub struct NeuronSpec {
    /// Alpha stake, in alpha (1 alpha = 10^9 rao).
    #[cfg_attr(feature = "serde", serde(default))]
    pub stake: f64,
    /// Owned by the subnet owner: its incentive is burned (spec §8.4).
    #[cfg_attr(feature = "serde", serde(default))]
    pub owner_owned: bool,
}

/// One validator's fixed weights: `[[target uid, u16 weight], …]`.
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(rename_all = "camelCase", deny_unknown_fields)
)]
pub struct WeightRowSpec {
    /// Setter uid.
    pub uid: u16,
    /// Targets and weights (any positive scale; max-upscaled to u16).
    pub targets: Vec<(u16, f64)>,
}

/// A scripted change of weights from a block on.
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(rename_all = "camelCase", deny_unknown_fields)
)]
pub struct WeightStep {
    /// First block of these weights.
    pub from_block: u64,
    /// Rows that change.
    pub rows: Vec<WeightRowSpec>,
}

/// How validators set weights each tempo.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(tag = "kind", rename_all = "camelCase", deny_unknown_fields)
)]
pub enum WeightsSpec {
    /// Fixed rows.
    Fixed {
        /// Rows.
        rows: Vec<WeightRowSpec>,
    },
    /// Fixed rows, then scripted changes.
    Scripted {
        /// Rows at the start.
        rows: Vec<WeightRowSpec>,
        /// Changes.
        steps: Vec<WeightStep>,
    },
    /// Every validator weights every non-validator UID equally.
    Uniform {
        /// Validator uids (default: the uids with the most stake, up to 16).
        #[cfg_attr(feature = "serde", serde(default))]
        validators: Vec<u16>,
    },
    /// Each miner has a hidden quality (seeded); validators score it with relative noise.
    Quality {
        /// Validator uids.
        validators: Vec<u16>,
        /// Relative noise of each validator's scores.
        #[cfg_attr(feature = "serde", serde(default))]
        noise: f64,
    },
}

/// A subnet at the start.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(rename_all = "camelCase", deny_unknown_fields)
)]
pub struct SubnetSpec {
    /// Netuid (1..).
    pub netuid: u16,
    /// Display name.
    #[cfg_attr(feature = "serde", serde(default))]
    pub name: Option<String>,
    /// `Tempo`.
    #[cfg_attr(feature = "serde", serde(default = "default_tempo"))]
    pub tempo: u16,
    /// Pool TAO reserve, TAO.
    pub pool_tao: f64,
    /// Pool alpha reserve, alpha.
    pub pool_alpha: f64,
    /// Moving price (default: spot price capped at 1).
    #[cfg_attr(feature = "serde", serde(default))]
    pub moving_price: Option<f64>,
    /// Pool emission enabled (`SubnetEmissionEnabled`).
    #[cfg_attr(feature = "serde", serde(default = "yes"))]
    pub emission_enabled: bool,
    /// `ImmunityPeriod`.
    #[cfg_attr(feature = "serde", serde(default = "default_immunity"))]
    pub immunity_period: u64,
    /// `MaxAllowedUids`.
    #[cfg_attr(feature = "serde", serde(default = "default_max_uids"))]
    pub max_uids: u16,
    /// `MaxAllowedValidators`.
    #[cfg_attr(feature = "serde", serde(default = "default_max_validators"))]
    pub max_validators: u16,
    /// `Burn` at the start, TAO.
    #[cfg_attr(feature = "serde", serde(default = "one"))]
    pub burn: f64,
    /// Block the subnet was registered (for subnet immunity).
    #[cfg_attr(feature = "serde", serde(default))]
    pub registered_at: u64,
    /// Neurons (uid = position).
    #[cfg_attr(feature = "serde", serde(default))]
    pub neurons: Vec<NeuronSpec>,
    /// A built-in metagraph for the neurons and fixed weights (`sn15`).
    #[cfg_attr(feature = "serde", serde(default))]
    pub metagraph: Option<String>,
    /// Weight-setting behaviour (default: uniform).
    #[cfg_attr(feature = "serde", serde(default))]
    pub weights: Option<WeightsSpec>,
    /// The epoch's hyperparameters (chain storage units; chain defaults).
    #[cfg_attr(feature = "serde", serde(default))]
    pub hyperparams: Hyperparams,
}

/// A subnet's epoch hyperparameters as the chain stores them (spec §13); every field defaults
/// to what `init_new_network` sets. The chain arithmetic passes them to the chain epoch as
/// they are; the float arithmetic converts them to the research epoch's [`Params`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(rename_all = "camelCase", deny_unknown_fields, default)
)]
pub struct Hyperparams {
    /// `Kappa` (κ = kappa / 65535).
    pub kappa: u16,
    /// `BondsPenalty` (β = value / 65535).
    pub bonds_penalty: u16,
    /// `BondsMovingAverage` (α = 1 − value / 10⁶).
    pub bonds_moving_average: u64,
    /// `Yuma3On`: Yuma 3 bonds (true) or classic EMA bonds.
    pub yuma3: bool,
    /// `LiquidAlphaOn`.
    pub liquid_alpha: bool,
    /// `AlphaValues.0` (u16 proportion).
    pub alpha_low: u16,
    /// `AlphaValues.1` (u16 proportion).
    pub alpha_high: u16,
    /// `AlphaSigmoidSteepness`.
    pub alpha_sigmoid_steepness: i16,
    /// Activity cutoff, blocks.
    pub activity_cutoff: u64,
}

impl Default for Hyperparams {
    fn default() -> Self {
        Hyperparams {
            kappa: chain_defaults::kappa(),
            bonds_penalty: chain_defaults::bonds_penalty(),
            bonds_moving_average: chain_defaults::bonds_moving_average(),
            yuma3: chain_defaults::yuma3_enabled(),
            liquid_alpha: false,
            alpha_low: chain_defaults::alpha_low(),
            alpha_high: chain_defaults::alpha_high(),
            alpha_sigmoid_steepness: chain_defaults::alpha_sigmoid_steepness(),
            activity_cutoff: chain_defaults::activity_cutoff(),
        }
    }
}

impl Hyperparams {
    /// The research epoch's parameters for these hyperparameters: κ, β and the liquid-alpha
    /// bounds as u16 proportions, `bond_moving_average = BondsMovingAverage / 10⁶` (the old
    /// bonds' weight in both), and the chain's steepness / 100 (the chain's sigmoid is
    /// `σ((steepness/100)·(x − ½))`, the research one `σ(steepness·(x − ½))`).
    pub fn research_params(&self) -> Params {
        let p16 = |v: u16| v as f64 / 65_535.0;
        Params {
            kappa: p16(self.kappa),
            bond_penalty: p16(self.bonds_penalty),
            bond_moving_average: (self.bonds_moving_average.min(1_000_000)) as f64 / 1e6,
            liquid_alpha: self.liquid_alpha,
            alpha_low: p16(self.alpha_low),
            alpha_high: p16(self.alpha_high),
            alpha_sigmoid_steepness: self.alpha_sigmoid_steepness as f64 / 100.0,
            yuma3_enabled: self.yuma3,
            ..Params::default()
        }
    }

    /// The research variant that matches `Yuma3On` (Yuma 3, or Yuma 2's classic EMA bonds).
    pub fn research_variant(&self) -> Variant {
        if self.yuma3 {
            Variant::Yuma3
        } else {
            Variant::Yuma2
        }
    }
}

#[cfg(feature = "serde")]
fn default_tempo() -> u16 {
    360
}
#[cfg(feature = "serde")]
fn yes() -> bool {
    true
}
#[cfg(feature = "serde")]
fn default_immunity() -> u64 {
    5000
}
#[cfg(feature = "serde")]
fn default_max_uids() -> u16 {
    256
}
#[cfg(feature = "serde")]
fn default_max_validators() -> u16 {
    64
}
#[cfg(feature = "serde")]
fn one() -> f64 {
    1.0
}

/// A stake (TAO in) or unstake (alpha out) at a block.
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(rename_all = "camelCase", deny_unknown_fields)
)]
pub struct FlowSpec {
    /// Block.
    pub block: u64,
    /// Subnet.
    pub netuid: u16,
    /// TAO staked (buys alpha).
    #[cfg_attr(feature = "serde", serde(default))]
    pub tao: f64,
    /// Alpha unstaked (sells for TAO).
    #[cfg_attr(feature = "serde", serde(default))]
    pub alpha: f64,
}

/// Random flows drawn from the world's seeded RNG.
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(rename_all = "camelCase", deny_unknown_fields)
)]
pub struct RandomFlows {
    /// Expected flows per day across the network.
    pub per_day: f64,
    /// Mean size, TAO (exponential).
    pub mean_tao: f64,
    /// Probability a flow is a stake (else an unstake of the same TAO value).
    #[cfg_attr(feature = "serde", serde(default = "half"))]
    pub buy_probability: f64,
}

#[cfg(feature = "serde")]
fn half() -> f64 {
    0.5
}

/// UID registrations at a block.
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(rename_all = "camelCase", deny_unknown_fields)
)]
pub struct RegistrationSpec {
    /// Block.
    pub block: u64,
    /// Subnet.
    pub netuid: u16,
    /// How many.
    #[cfg_attr(feature = "serde", serde(default = "one_u32"))]
    pub count: u32,
}

#[cfg(feature = "serde")]
fn one_u32() -> u32 {
    1
}

/// The whole input of a world.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(rename_all = "camelCase", deny_unknown_fields)
)]
pub struct Scenario {
    /// Name.
    #[cfg_attr(feature = "serde", serde(default))]
    pub name: Option<String>,
    /// Preset name (`2025-02`, `2026-06`, `described`).
    #[cfg_attr(feature = "serde", serde(default = "default_preset"))]
    pub preset: String,
    /// Rule overrides.
    #[cfg_attr(feature = "serde", serde(default))]
    pub rules: RulesPatch,
    /// Arithmetic.
    #[cfg_attr(feature = "serde", serde(default))]
    pub arithmetic: Arithmetic,
    /// Float arithmetic only: the research epoch every subnet runs (`yuma1`, `yuma2`,
    /// `yuma2b`, `yuma2c`, `yuma3`); absent: Yuma 3, or Yuma 2 where a subnet's `yuma3` is
    /// false. The chain arithmetic always runs the chain epoch.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub variant: Option<Variant>,
    /// RNG seed (the CLI's `--seed` overrides it). [`crate::world::World::new`] takes the
    /// seed as an argument; the faces pass this one when given none.
    #[cfg_attr(feature = "serde", serde(default))]
    pub seed: u64,
    /// First block.
    #[cfg_attr(feature = "serde", serde(default = "default_start_block"))]
    pub start_block: u64,
    /// `TotalIssuance` at the start, TAO.
    #[cfg_attr(feature = "serde", serde(default = "default_issuance"))]
    pub issuance: f64,
    /// TAO staked on root (`SubnetTAO[root]`).
    #[cfg_attr(feature = "serde", serde(default = "default_root"))]
    pub root_tao: f64,
    /// Record a per-block row every this many blocks.
    #[cfg_attr(feature = "serde", serde(default = "default_record_every"))]
    pub record_every: u64,
    /// Subnets.
    pub subnets: Vec<SubnetSpec>,
    /// Scripted flows.
    #[cfg_attr(feature = "serde", serde(default))]
    pub flows: Vec<FlowSpec>,
    /// Random flows.
    #[cfg_attr(feature = "serde", serde(default))]
    pub random_flows: Option<RandomFlows>,
    /// Scripted UID registrations.
    #[cfg_attr(feature = "serde", serde(default))]
    pub registrations: Vec<RegistrationSpec>,
    /// Random UID registrations per day across the network.
    #[cfg_attr(feature = "serde", serde(default))]
    pub registrations_per_day: f64,
    /// Blocks at which a new subnet registers (paying the lock cost).
    #[cfg_attr(feature = "serde", serde(default))]
    pub subnet_registrations: Vec<u64>,
}

#[cfg(feature = "serde")]
fn default_preset() -> String {
    String::from("2026-06")
}
#[cfg(feature = "serde")]
fn default_start_block() -> u64 {
    8_400_000
}
#[cfg(feature = "serde")]
fn default_issuance() -> f64 {
    11_150_000.0
}
#[cfg(feature = "serde")]
fn default_root() -> f64 {
    5_700_000.0
}
#[cfg(feature = "serde")]
fn default_record_every() -> u64 {
    1
}

/// Converts TAO (or alpha) to rao: `round(x·10^9)`; errors name the field.
pub fn to_rao(field: impl Fn() -> String, x: f64) -> Result<u64> {
    crate::error::check_non_negative(&field, x)?;
    let r = x * 1e9;
    if r > 21e15 * 4.0 {
        return Err(Error::invalid(field(), format!("is {x}, above 84 000 000")));
    }
    Ok(libm::round(r) as u64)
}

impl Scenario {
    /// Parses a JSON scenario and validates it.
    #[cfg(feature = "serde")]
    pub fn from_json(text: &str) -> Result<Scenario> {
        let s: Scenario = crate::error::from_json(text)?;
        s.validate()?;
        Ok(s)
    }

    /// Parses a TOML scenario and validates it.
    #[cfg(feature = "toml")]
    pub fn from_toml(text: &str) -> Result<Scenario> {
        let s: Scenario = crate::error::from_toml(text)?;
        s.validate()?;
        Ok(s)
    }

    /// The preset's rules with this scenario's overrides.
    pub fn rules(&self) -> Result<Rules> {
        let mut r = Preset::parse("preset", &self.preset)?.rules();
        let p = &self.rules;
        if let Some(v) = p.share_policy {
            r.share_policy = v;
        }
        if let Some(v) = p.curve {
            r.curve = v;
        }
        if let Some(v) = p.fee_rate {
            r.fee_rate = v;
        }
        if let Some(v) = p.scheduler {
            r.scheduler = v;
        }
        if let Some(v) = p.injection_cap {
            r.injection_cap = v;
        }
        if let Some(v) = p.owner_cut {
            r.owner_cut = v;
        }
        if let Some(v) = p.tao_weight {
            r.tao_weight = v;
        }
        if let Some(v) = p.subnet_pruning {
            r.subnet_pruning = v;
        }
        if let Some(v) = p.min_lock_tao {
            r.min_lock = to_rao(|| String::from("rules.minLockTao"), v)?;
        }
        if let Some(v) = p.lock_reduction_interval {
            r.lock_reduction_interval = v;
        }
        if let Some(v) = p.network_rate_limit {
            r.network_rate_limit = v;
        }
        if let Some(v) = p.network_immunity {
            r.network_immunity = v;
        }
        if let Some(v) = p.subnet_limit {
            r.subnet_limit = v;
        }
        if let Some(v) = p.new_subnet_emission_delay {
            r.new_subnet_emission_delay = v;
        }
        if let SharePolicy::TaoFlowEma {
            smoothing,
            cutoff,
            exponent,
        } = r.share_policy
        {
            if !(smoothing > 0.0 && smoothing <= 1.0) {
                return Err(Error::invalid(
                    "rules.sharePolicy.smoothing",
                    format!("is {smoothing}, outside (0, 1]"),
                ));
            }
            if !cutoff.is_finite() {
                return Err(Error::invalid("rules.sharePolicy.cutoff", "is not finite"));
            }
            if !(1.0..=16.0).contains(&exponent) {
                return Err(Error::invalid(
                    "rules.sharePolicy.exponent",
                    format!("is {exponent}, outside 1..=16"),
                ));
            }
        }
        if let SharePolicy::NetFlow { window } = r.share_policy {
            if window == 0 {
                return Err(Error::invalid("rules.sharePolicy.window", "is 0"));
            }
        }
        if let Scheduler::Stateful {
            max_epochs_per_block: 0,
        } = r.scheduler
        {
            return Err(Error::invalid("rules.scheduler.maxEpochsPerBlock", "is 0"));
        }
        if r.subnet_limit == 0 {
            return Err(Error::invalid("rules.subnetLimit", "is 0"));
        }
        Ok(r)
    }

    /// Checks every value; errors name the field path.
    pub fn validate(&self) -> Result<()> {
        let rules = self.rules()?;
        if self.start_block > limits::MAX_BLOCK {
            return Err(Error::invalid(
                "startBlock",
                format!(
                    "is {}, over the last block {}",
                    self.start_block,
                    limits::MAX_BLOCK
                ),
            ));
        }
        if self.subnets.len() > limits::MAX_WORLD_SUBNETS {
            return Err(Error::too_large(
                "subnets",
                self.subnets.len(),
                limits::MAX_WORLD_SUBNETS,
            ));
        }
        if self.subnets.len() > rules.subnet_limit as usize {
            return Err(Error::shape(format!(
                "subnets has {} entries, over the subnet limit of {}",
                self.subnets.len(),
                rules.subnet_limit
            )));
        }
        let events = self.flows.len() + self.registrations.len() + self.subnet_registrations.len();
        if events > limits::MAX_SCENARIO_EVENTS {
            return Err(Error::too_large(
                "flows + registrations",
                events,
                limits::MAX_SCENARIO_EVENTS,
            ));
        }
        let issuance = to_rao(|| String::from("issuance"), self.issuance)?;
        if issuance > crate::emission::issuance::TOTAL_SUPPLY {
            return Err(Error::invalid(
                "issuance",
                format!("is {}, above 21 000 000", self.issuance),
            ));
        }
        to_rao(|| String::from("rootTao"), self.root_tao)?;
        if self.record_every == 0 {
            return Err(Error::invalid("recordEvery", "is 0"));
        }
        if self.variant == Some(Variant::Chain) {
            return Err(Error::invalid(
                "variant",
                "is chain (the chain epoch is arithmetic: chain; variant names a float research epoch)",
            ));
        }
        let mut seen = Vec::new();
        for (i, s) in self.subnets.iter().enumerate() {
            let f = |name: &str| format!("subnets[{i}].{name}");
            if s.netuid == 0 {
                return Err(Error::invalid(
                    f("netuid"),
                    "is 0 (root is not a simulated subnet)",
                ));
            }
            if seen.contains(&s.netuid) {
                return Err(Error::invalid(
                    f("netuid"),
                    format!("{} is used twice", s.netuid),
                ));
            }
            seen.push(s.netuid);
            if s.tempo == 0 {
                return Err(Error::invalid(f("tempo"), "is 0"));
            }
            if s.hyperparams.alpha_low > s.hyperparams.alpha_high {
                return Err(Error::invalid(
                    f("hyperparams.alphaLow"),
                    format!(
                        "is {}, above alphaHigh {}",
                        s.hyperparams.alpha_low, s.hyperparams.alpha_high
                    ),
                ));
            }
            if s.hyperparams.bonds_moving_average > 1_000_000 {
                return Err(Error::invalid(
                    f("hyperparams.bondsMovingAverage"),
                    format!("is {}, over 1000000", s.hyperparams.bonds_moving_average),
                ));
            }
            let tao = to_rao(|| f("poolTao"), s.pool_tao)?;
            let alpha = to_rao(|| f("poolAlpha"), s.pool_alpha)?;
            if tao > 0 && alpha == 0 {
                return Err(Error::invalid(f("poolAlpha"), "is 0 while poolTao is not"));
            }
            if let Some(p) = s.moving_price {
                crate::error::check_non_negative(&|| f("movingPrice"), p)?;
            }
            to_rao(|| f("burn"), s.burn)?;
            if s.max_uids == 0 || s.max_uids as usize > limits::MAX_WORLD_UIDS {
                return Err(Error::invalid(
                    f("maxUids"),
                    format!("is {}, outside 1..={}", s.max_uids, limits::MAX_WORLD_UIDS),
                ));
            }
            let n = match &s.metagraph {
                Some(m) if m == "sn15" => {
                    if !s.neurons.is_empty() {
                        return Err(Error::shape(format!(
                            "{} and {} are both given",
                            f("metagraph"),
                            f("neurons")
                        )));
                    }
                    256
                }
                Some(m) => return Err(Error::unknown(f("metagraph"), m.as_str(), "sn15")),
                None => s.neurons.len(),
            };
            if n > s.max_uids as usize {
                return Err(Error::shape(format!(
                    "{} has {n} entries, over maxUids {}",
                    f("neurons"),
                    s.max_uids
                )));
            }
            for (k, nr) in s.neurons.iter().enumerate() {
                to_rao(|| format!("subnets[{i}].neurons[{k}].stake"), nr.stake)?;
            }
            let check_rows = |rows: &[WeightRowSpec], path: &str| -> Result<()> {
                for (r, row) in rows.iter().enumerate() {
                    if row.uid as usize >= n {
                        return Err(Error::invalid(
                            format!("{path}[{r}].uid"),
                            format!("is {}, subnet has {n} uids", row.uid),
                        ));
                    }
                    for (t, &(j, w)) in row.targets.iter().enumerate() {
                        if j as usize >= s.max_uids as usize {
                            return Err(Error::invalid(
                                format!("{path}[{r}].targets[{t}]"),
                                format!("uid {j} is outside maxUids {}", s.max_uids),
                            ));
                        }
                        crate::error::check_non_negative(
                            &|| format!("{path}[{r}].targets[{t}]"),
                            w,
                        )?;
                    }
                }
                Ok(())
            };
            match &s.weights {
                Some(WeightsSpec::Fixed { rows }) => check_rows(rows, &f("weights.rows"))?,
                Some(WeightsSpec::Scripted { rows, steps }) => {
                    check_rows(rows, &f("weights.rows"))?;
                    for (k, st) in steps.iter().enumerate() {
                        check_rows(&st.rows, &format!("subnets[{i}].weights.steps[{k}].rows"))?;
                    }
                }
                Some(WeightsSpec::Uniform { validators })
                | Some(WeightsSpec::Quality { validators, .. }) => {
                    for (k, &v) in validators.iter().enumerate() {
                        if v as usize >= n {
                            return Err(Error::invalid(
                                format!("subnets[{i}].weights.validators[{k}]"),
                                format!("is {v}, subnet has {n} uids"),
                            ));
                        }
                    }
                    if let Some(WeightsSpec::Quality { noise, .. }) = &s.weights {
                        crate::error::check_non_negative(&|| f("weights.noise"), *noise)?;
                    }
                }
                None => {}
            }
        }
        for (k, fl) in self.flows.iter().enumerate() {
            to_rao(|| format!("flows[{k}].tao"), fl.tao)?;
            to_rao(|| format!("flows[{k}].alpha"), fl.alpha)?;
        }
        if let Some(r) = &self.random_flows {
            crate::error::check_non_negative(&|| String::from("randomFlows.perDay"), r.per_day)?;
            check_rate("randomFlows.perDay", r.per_day)?;
            to_rao(|| String::from("randomFlows.meanTao"), r.mean_tao)?;
            if !(0.0..=1.0).contains(&r.buy_probability) {
                return Err(Error::invalid(
                    "randomFlows.buyProbability",
                    format!("is {}, outside 0..=1", r.buy_probability),
                ));
            }
        }
        crate::error::check_non_negative(
            &|| String::from("registrationsPerDay"),
            self.registrations_per_day,
        )?;
        check_rate("registrationsPerDay", self.registrations_per_day)?;
        for (k, r) in self.registrations.iter().enumerate() {
            if r.count > 4096 {
                return Err(Error::invalid(
                    format!("registrations[{k}].count"),
                    format!("is {}, over 4096", r.count),
                ));
            }
        }
        Ok(())
    }
}

/// A random-event rate within [`limits::MAX_EVENTS_PER_DAY`].
fn check_rate(field: &str, per_day: f64) -> Result<()> {
    if per_day > limits::MAX_EVENTS_PER_DAY {
        return Err(Error::invalid(
            field,
            format!("is {per_day}, over {} a day", limits::MAX_EVENTS_PER_DAY),
        ));
    }
    Ok(())
}
