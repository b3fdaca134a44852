//! [`ChainInput`]: one subnet's state before an epoch, in on-chain units and named after the
//! chain's storage (docs/chain-epoch.md has the JSON schema).

use crate::error::{Error, Result};
use crate::limits;
use crate::math::fixed::{I64F64, U96F32};
use alloc::format;
use alloc::vec::Vec;

/// A stored sparse row: `(uid, value)` pairs in stored order (explicit zeros are entries).
pub type U16Row = Vec<(u16, u16)>;

/// The state the chain's `epoch_mechanism` reads, for one subnet (mechanism).
///
/// Parameters left out of the JSON take the chain's defaults (spec §13): `tempo` 360,
/// `activityCutoff` 5000 (13 889 ‰ × 360), `kappa` 32767, `bondsPenalty` 65535,
/// `bondsMovingAverage` 900 000, `liquidAlphaEnabled` false, `alphaLow`/`alphaHigh`
/// 45875/58982, `alphaSigmoidSteepness` 1000, `yuma3Enabled` true and `maxAllowedValidators`
/// 64 (what `init_new_network` sets for every new subnet), `stakeThreshold` 0, `ownerUid`
/// null, `lastMechanismStepBlock` 0, `commitBlocks` null (commit-reveal off). `weights`,
/// `bonds` and `validatorPermit` may be left out (or `[]`): no weights, no bonds, no permits.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(rename_all = "camelCase", deny_unknown_fields)
)]
pub struct ChainInput {
    /// `SubnetworkN`: number of UIDs.
    pub n: usize,
    /// The current block (the epoch's block).
    pub block: u64,
    /// `Tempo` (blocks); used by the bonds mask when `lastMechanismStepBlock` is 0.
    #[cfg_attr(feature = "serde", serde(default = "defaults::tempo"))]
    pub tempo: u64,
    /// Activity cutoff in blocks (`ActivityCutoffFactorMilli · Tempo / 1000`, at least 1).
    #[cfg_attr(feature = "serde", serde(default = "defaults::activity_cutoff"))]
    pub activity_cutoff: u64,
    /// `LastUpdate`: block of each UID's last weight set (or commit under commit-reveal).
    pub last_update: Vec<u64>,
    /// `BlockAtRegistration`: block each UID was last registered (0 if no key).
    pub block_at_registration: Vec<u64>,
    /// Total stake per UID in rao (alternative to `alphaStake` + `taoStake` + `taoWeight`).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub stake: Option<Vec<u64>>,
    /// Inherited alpha stake per UID (rao).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub alpha_stake: Option<Vec<u64>>,
    /// Inherited root (TAO) stake per UID (rao).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub tao_stake: Option<Vec<u64>>,
    /// `TaoWeight` as stored (u64; weight = value / u64::MAX).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub tao_weight: Option<u64>,
    /// `ValidatorPermit` as stored before the epoch.
    #[cfg_attr(feature = "serde", serde(default))]
    pub validator_permit: Vec<bool>,
    /// `Weights`: per UID, the stored `(uid, u16)` row (max-upscaled by `set_weights`).
    #[cfg_attr(feature = "serde", serde(default))]
    pub weights: Vec<U16Row>,
    /// `Bonds`: per UID, the stored `(uid, u16)` row.
    #[cfg_attr(feature = "serde", serde(default))]
    pub bonds: Vec<U16Row>,
    /// `Kappa` (u16; κ = kappa / 65535).
    #[cfg_attr(feature = "serde", serde(default = "defaults::kappa"))]
    pub kappa: u16,
    /// `BondsPenalty` (u16; β = value / 65535).
    #[cfg_attr(feature = "serde", serde(default = "defaults::bonds_penalty"))]
    pub bonds_penalty: u16,
    /// `BondsMovingAverage` (α = 1 − value / 10⁶).
    #[cfg_attr(feature = "serde", serde(default = "defaults::bonds_moving_average"))]
    pub bonds_moving_average: u64,
    /// `LiquidAlphaOn` (only effective with Yuma3).
    #[cfg_attr(feature = "serde", serde(default))]
    pub liquid_alpha_enabled: bool,
    /// `AlphaValues.0` (u16).
    #[cfg_attr(feature = "serde", serde(default = "defaults::alpha_low"))]
    pub alpha_low: u16,
    /// `AlphaValues.1` (u16).
    #[cfg_attr(feature = "serde", serde(default = "defaults::alpha_high"))]
    pub alpha_high: u16,
    /// `AlphaSigmoidSteepness` (i16).
    #[cfg_attr(
        feature = "serde",
        serde(default = "defaults::alpha_sigmoid_steepness")
    )]
    pub alpha_sigmoid_steepness: i16,
    /// `Yuma3On`: Yuma3 bonds when true, classic EMA bonds when false.
    #[cfg_attr(feature = "serde", serde(default = "defaults::yuma3_enabled"))]
    pub yuma3_enabled: bool,
    /// `MaxAllowedValidators`.
    #[cfg_attr(feature = "serde", serde(default = "defaults::max_allowed_validators"))]
    pub max_allowed_validators: u16,
    /// `StakeThreshold` (rao): stake below it counts as 0 (the owner is exempt).
    #[cfg_attr(feature = "serde", serde(default))]
    pub stake_threshold: u64,
    /// UID of `SubnetOwnerHotkey`, if registered.
    #[cfg_attr(feature = "serde", serde(default))]
    pub owner_uid: Option<u16>,
    /// `LastMechansimStepBlock`: block of the previous successful epoch (0 = none).
    #[cfg_attr(feature = "serde", serde(default))]
    pub last_mechanism_step_block: u64,
    /// Commit-reveal: `null` when off; otherwise per UID the earliest active commit block
    /// (`null` for none).
    #[cfg_attr(feature = "serde", serde(default))]
    pub commit_blocks: Option<Vec<Option<u64>>>,
    /// Rao to distribute in this epoch (`rao_emission`).
    pub rao_emission: u64,
}

/// The chain's parameter defaults (spec §13).
pub mod defaults {
    /// `Tempo` default.
    pub fn tempo() -> u64 {
        360
    }
    /// `max(1, 13 889 · 360 / 1000)` = 5000.
    pub fn activity_cutoff() -> u64 {
        5000
    }
    /// `Kappa` default (κ ≈ 0.49999237).
    pub fn kappa() -> u16 {
        32767
    }
    /// `BondsPenalty` default (β = 1).
    pub fn bonds_penalty() -> u16 {
        65535
    }
    /// `BondsMovingAverage` default (α = 0.1).
    pub fn bonds_moving_average() -> u64 {
        900_000
    }
    /// `AlphaValues.0` default (≈ 0.7).
    pub fn alpha_low() -> u16 {
        45875
    }
    /// `AlphaValues.1` default (≈ 0.9).
    pub fn alpha_high() -> u16 {
        58982
    }
    /// `AlphaSigmoidSteepness` default.
    pub fn alpha_sigmoid_steepness() -> i16 {
        1000
    }
    /// `Yuma3On` as `init_new_network` sets it.
    pub fn yuma3_enabled() -> bool {
        true
    }
    /// `MaxAllowedValidators` as `init_new_network` sets it.
    pub fn max_allowed_validators() -> u16 {
        64
    }
}

impl ChainInput {
    /// A subnet of `n` UIDs with every parameter at its default, no stake, weights or bonds.
    pub fn new(n: usize, block: u64, rao_emission: u64) -> ChainInput {
        ChainInput {
            n,
            block,
            tempo: defaults::tempo(),
            activity_cutoff: defaults::activity_cutoff(),
            last_update: alloc::vec![0; n],
            block_at_registration: alloc::vec![0; n],
            stake: Some(alloc::vec![0; n]),
            alpha_stake: None,
            tao_stake: None,
            tao_weight: None,
            validator_permit: alloc::vec![false; n],
            weights: alloc::vec![Vec::new(); n],
            bonds: alloc::vec![Vec::new(); n],
            kappa: defaults::kappa(),
            bonds_penalty: defaults::bonds_penalty(),
            bonds_moving_average: defaults::bonds_moving_average(),
            liquid_alpha_enabled: false,
            alpha_low: defaults::alpha_low(),
            alpha_high: defaults::alpha_high(),
            alpha_sigmoid_steepness: defaults::alpha_sigmoid_steepness(),
            yuma3_enabled: defaults::yuma3_enabled(),
            max_allowed_validators: defaults::max_allowed_validators(),
            stake_threshold: 0,
            owner_uid: None,
            last_mechanism_step_block: 0,
            commit_blocks: None,
            rao_emission,
        }
    }

    /// Parses and validates a chain-epoch input (JSON). Integers are read exactly (never
    /// through f64); the document size is checked before parsing, shapes and uids after.
    #[cfg(feature = "serde")]
    pub fn from_json(text: &str) -> Result<ChainInput> {
        let mut input: ChainInput = crate::error::from_json(text)?;
        input.fill_defaults();
        input.validate()?;
        Ok(input)
    }

    /// Expands the optional vectors left empty (`weights`, `bonds`, `validatorPermit`) to `n`
    /// entries of "none".
    pub fn fill_defaults(&mut self) {
        if self.n > limits::MAX_UIDS {
            return;
        }
        if self.validator_permit.is_empty() {
            self.validator_permit = alloc::vec![false; self.n];
        }
        if self.weights.is_empty() {
            self.weights = alloc::vec![Vec::new(); self.n];
        }
        if self.bonds.is_empty() {
            self.bonds = alloc::vec![Vec::new(); self.n];
        }
    }

    /// Checks lengths against `n`, uids against `n`, duplicates, the stake form and the size
    /// limits; the error names the field and index (`weights[3][1] uid 9 is out of range (n = 8)`).
    pub fn validate(&self) -> Result<()> {
        let n = self.n;
        if n > limits::MAX_UIDS {
            return Err(Error::invalid(
                "n",
                format!("is {}, over the limit of {} UIDs", n, limits::MAX_UIDS),
            ));
        }
        let len = |field: &str, got: usize| -> Result<()> {
            if got != n {
                Err(Error::shape(format!("{field} has {got} entries, n is {n}")))
            } else {
                Ok(())
            }
        };
        len("lastUpdate", self.last_update.len())?;
        len("blockAtRegistration", self.block_at_registration.len())?;
        len("validatorPermit", self.validator_permit.len())?;
        len("weights", self.weights.len())?;
        len("bonds", self.bonds.len())?;
        match (
            &self.stake,
            &self.alpha_stake,
            &self.tao_stake,
            &self.tao_weight,
        ) {
            (Some(s), None, None, None) => len("stake", s.len())?,
            (None, Some(a), Some(t), Some(_)) => {
                len("alphaStake", a.len())?;
                len("taoStake", t.len())?;
            }
            (None, None, None, None) => {
                return Err(Error::invalid(
                    "stake",
                    "is missing (give stake, or alphaStake, taoStake and taoWeight)",
                ))
            }
            (Some(_), _, _, _) => {
                return Err(Error::invalid(
                    "stake",
                    "is given together with alphaStake/taoStake/taoWeight; give one form",
                ))
            }
            (None, a, t, w) => {
                let missing = [
                    ("alphaStake", a.is_none()),
                    ("taoStake", t.is_none()),
                    ("taoWeight", w.is_none()),
                ];
                let name = missing
                    .iter()
                    .find(|(_, m)| *m)
                    .map_or("alphaStake", |(f, _)| *f);
                return Err(Error::invalid(
                    name,
                    "is missing (alphaStake, taoStake and taoWeight go together)",
                ));
            }
        }
        if let Some(cb) = &self.commit_blocks {
            len("commitBlocks", cb.len())?;
        }
        if let Some(o) = self.owner_uid {
            if o as usize >= n {
                return Err(Error::invalid(
                    "ownerUid",
                    format!("uid {o} is out of range (n = {n})"),
                ));
            }
        }
        check_rows("weights", &self.weights, n)?;
        check_rows("bonds", &self.bonds, n)?;
        Ok(())
    }

    /// The total stake of UID `i` as the chain forms it (§6.2 step 2), in I64F64:
    /// `stake_i`, or `I64F64(alpha_i) + I64F64(tao_i) · tw` with
    /// `tw = I64F64(U96F32(TaoWeight) / U96F32(u64::MAX))` (32 fraction bits), saturating.
    pub fn total_stake(&self, i: usize) -> I64F64 {
        if let Some(s) = &self.stake {
            return I64F64::saturating_from_num(s.get(i).copied().unwrap_or(0));
        }
        let a = self
            .alpha_stake
            .as_ref()
            .and_then(|v| v.get(i))
            .copied()
            .unwrap_or(0);
        let t = self
            .tao_stake
            .as_ref()
            .and_then(|v| v.get(i))
            .copied()
            .unwrap_or(0);
        let tw = U96F32::saturating_from_num(self.tao_weight.unwrap_or(0))
            .saturating_div(U96F32::saturating_from_num(u64::MAX));
        let tw = I64F64::saturating_from_num(tw);
        I64F64::saturating_from_num(a)
            .saturating_add(I64F64::saturating_from_num(t).saturating_mul(tw))
    }
}

fn check_rows(field: &str, rows: &[U16Row], n: usize) -> Result<()> {
    let total: usize = rows.iter().map(Vec::len).sum();
    if total > limits::MAX_CHAIN_ENTRIES {
        return Err(Error::too_large(field, total, limits::MAX_CHAIN_ENTRIES));
    }
    let mut seen = alloc::vec![u32::MAX; n];
    for (i, row) in rows.iter().enumerate() {
        for (k, &(uid, _)) in row.iter().enumerate() {
            let u = uid as usize;
            match seen.get_mut(u) {
                None => {
                    return Err(Error::invalid(
                        format!("{field}[{i}][{k}]"),
                        format!("uid {uid} is out of range (n = {n})"),
                    ))
                }
                Some(s) if *s == i as u32 => {
                    return Err(Error::invalid(
                        format!("{field}[{i}][{k}]"),
                        format!("uid {uid} appears twice in the row"),
                    ))
                }
                Some(s) => *s = i as u32,
            }
        }
    }
    Ok(())
}
