//! The epoch rule ([`Variant`]) and its parameters ([`Params`]).

use crate::error::{Error, Result};
use core::fmt;
use core::str::FromStr;

/// Which epoch rule runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum Variant {
    /// "Yuma 1" (`YumaRust`): fresh stake-weighted bonds each epoch, no EMA.
    Yuma1,
    /// "Yuma 2 (subtensor)": stake-weighted bonds with an EMA.
    #[default]
    Yuma2,
    /// "Yuma 2B (Adrian-Fish)": clipping and bonds from the previous epoch's weights.
    Yuma2b,
    /// "Yuma 2C (Rhef+reset)": absolute bonds bought against a capacity.
    Yuma2c,
    /// "Yuma 3 (Rhef+relative bonds)": per-relation bonds, EMA of raw weights.
    Yuma3,
    /// subtensor's production epoch, bit-exact (fixed point, u16 storage).
    Chain,
}

impl Variant {
    /// Every variant, in display order.
    pub const ALL: [Variant; 6] = [
        Variant::Yuma1,
        Variant::Yuma2,
        Variant::Yuma2b,
        Variant::Yuma2c,
        Variant::Yuma3,
        Variant::Chain,
    ];
    /// The accepted names, for error messages.
    pub const NAMES: &'static str = "yuma1, yuma2, yuma2b, yuma2c, yuma3, chain";

    /// Machine name (`yuma2b`).
    pub fn as_str(self) -> &'static str {
        match self {
            Variant::Yuma1 => "yuma1",
            Variant::Yuma2 => "yuma2",
            Variant::Yuma2b => "yuma2b",
            Variant::Yuma2c => "yuma2c",
            Variant::Yuma3 => "yuma3",
            Variant::Chain => "chain",
        }
    }

    /// Display name as the community simulator prints it.
    pub fn display_name(self) -> &'static str {
        match self {
            Variant::Yuma1 => "Yuma 1",
            Variant::Yuma2 => "Yuma 2 (subtensor)",
            Variant::Yuma2b => "Yuma 2B (Adrian-Fish)",
            Variant::Yuma2c => "Yuma 2C (Rhef+reset)",
            Variant::Yuma3 => "Yuma 3 (Rhef+relative bonds)",
            Variant::Chain => "Chain (subtensor, exact)",
        }
    }

    /// Whether the community simulator applies a case's bond reset under this variant.
    pub fn honours_bond_reset(self) -> bool {
        matches!(self, Variant::Yuma2c | Variant::Yuma3)
    }
}

impl fmt::Display for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Variant {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let lower = s.trim().to_ascii_lowercase();
        Variant::ALL
            .iter()
            .copied()
            .find(|v| v.as_str() == lower)
            .ok_or_else(|| Error::unknown("variant", s, Variant::NAMES))
    }
}

/// Which consensus vector the liquid-alpha sigmoid reads (Yuma 3 only; the community
/// simulator calls this "only for simulation purposes").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum ConsensusMode {
    /// This epoch's consensus.
    #[default]
    Current,
    /// The previous epoch's consensus.
    Previous,
    /// Element-wise maximum of both.
    Mixed,
}

/// Parameters of the research variants, with the community simulator's defaults
/// (spec/yuma-variants.md §4). `bond_penalty` defaults to 1.0 (upstream: `None`, a crash).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(rename_all = "camelCase", deny_unknown_fields, default)
)]
pub struct Params {
    /// κ: the stake share that must support a weight for it to count (consensus quantile).
    pub kappa: f64,
    /// β: how far bond weights move from raw towards clipped weights (0 = raw, 1 = clipped).
    pub bond_penalty: f64,
    /// `bond_moving_avg`: the EMA weight of the *old* bonds; α = 1 − this (Yuma 2, 2B, 3).
    pub bond_moving_average: f64,
    /// Liquid alpha: a per-entry EMA α from the sigmoid (every variant but 2C).
    pub liquid_alpha: bool,
    /// Lower bound of the liquid α.
    pub alpha_low: f64,
    /// Upper bound of the liquid α.
    pub alpha_high: f64,
    /// Steepness of the liquid-alpha sigmoid.
    pub alpha_sigmoid_steepness: f64,
    /// Consensus used by the liquid-alpha sigmoid in Yuma 3.
    pub liquid_alpha_consensus_mode: ConsensusMode,
    /// Yuma 2C bond decay per epoch.
    pub decay_rate: f64,
    /// Yuma 2C purchase rate against capacity.
    pub capacity_alpha: f64,
    /// Server-side winner-takes-all: the top-ranked server(s) share the incentive.
    pub winner_takes_all: bool,
    /// Chain variant only: Yuma3 bonds (`Yuma3On`, the chain's default for new subnets) when
    /// true, classic EMA bonds when false.
    pub yuma3_enabled: bool,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            kappa: 0.5,
            bond_penalty: 1.0,
            bond_moving_average: 0.1,
            liquid_alpha: false,
            alpha_low: 0.1,
            alpha_high: 0.3,
            alpha_sigmoid_steepness: 10.0,
            liquid_alpha_consensus_mode: ConsensusMode::Current,
            decay_rate: 0.1,
            capacity_alpha: 0.1,
            winner_takes_all: false,
            yuma3_enabled: true,
        }
    }
}

impl Params {
    /// Checks every parameter is finite and in its range; names the field otherwise.
    pub fn validate(&self) -> Result<()> {
        let unit = [
            ("params.kappa", self.kappa),
            ("params.bondPenalty", self.bond_penalty),
            ("params.bondMovingAverage", self.bond_moving_average),
            ("params.alphaLow", self.alpha_low),
            ("params.alphaHigh", self.alpha_high),
            ("params.decayRate", self.decay_rate),
            ("params.capacityAlpha", self.capacity_alpha),
        ];
        for (name, v) in unit {
            if !v.is_finite() {
                return Err(Error::invalid(
                    name,
                    if v.is_nan() { "is NaN" } else { "is infinite" },
                ));
            }
            if !(0.0..=1.0).contains(&v) {
                return Err(Error::invalid(
                    name,
                    alloc::format!("is {}, outside [0, 1]", crate::error::Num(v)),
                ));
            }
        }
        if !self.alpha_sigmoid_steepness.is_finite() {
            return Err(Error::invalid(
                "params.alphaSigmoidSteepness",
                "is not finite",
            ));
        }
        Ok(())
    }
}
