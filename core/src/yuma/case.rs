//! Multi-epoch cases: the `taolab run` input and output (DESIGN.md, "Interface contracts").

use super::params::{Params, Variant};
use crate::error::{check_all_non_negative, Error, Result};
use crate::limits;
use crate::math::Dense;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// One epoch of a case: raw weights and stakes.
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(rename_all = "camelCase", deny_unknown_fields)
)]
pub struct CaseEpoch {
    /// `weights[i][j]`: validator i's raw weight on server j.
    #[cfg_attr(
        feature = "serde",
        serde(deserialize_with = "crate::limits::bounded::matrix")
    )]
    pub weights: Vec<Vec<f64>>,
    /// `stakes[i]`: validator i's raw stake.
    pub stakes: Vec<f64>,
    /// A server whose bond column is zeroed before this epoch (the community simulator's
    /// bond reset; honoured by Yuma 2C and Yuma 3 as upstream, and by the chain variant).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub reset_bonds_column: Option<usize>,
}

/// A multi-epoch scenario (`taolab run` input).
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(rename_all = "camelCase", deny_unknown_fields)
)]
pub struct Case {
    /// Display name.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub name: Option<String>,
    /// The epoch rule; the caller adds it to a built-in case. Defaults to `yuma2`.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub variant: Option<Variant>,
    /// Parameters; missing ones take the defaults.
    #[cfg_attr(feature = "serde", serde(default))]
    pub params: Params,
    /// The epochs, in order.
    pub epochs: Vec<CaseEpoch>,
    /// Validator display names.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub validators: Option<Vec<String>>,
    /// Server display names.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub servers: Option<Vec<String>>,
    /// The validator (display name) the total-dividends table compares against.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub base_validator: Option<String>,
}

impl Case {
    /// Parses a case from JSON (the `run` input).
    #[cfg(feature = "serde")]
    pub fn from_json(text: &str) -> Result<Case> {
        let case: Case = crate::error::from_json(text)?;
        case.validate()?;
        Ok(case)
    }

    /// Number of validators (rows) and servers (columns), from the first epoch.
    pub fn shape(&self) -> (usize, usize) {
        match self.epochs.first() {
            Some(e) => (e.weights.len(), e.weights.first().map_or(0, Vec::len)),
            None => (0, 0),
        }
    }

    /// Validator names: the given ones, or `V0`, `V1`, ….
    pub fn validator_names(&self) -> Vec<String> {
        let (v, _) = self.shape();
        match &self.validators {
            Some(names) => names.clone(),
            None => (0..v).map(|i| format!("V{i}")).collect(),
        }
    }

    /// Server names: the given ones, or `S0`, `S1`, ….
    pub fn server_names(&self) -> Vec<String> {
        let (_, n) = self.shape();
        match &self.servers {
            Some(names) => names.clone(),
            None => (0..n).map(|j| format!("S{j}")).collect(),
        }
    }

    /// Checks shapes, values and limits; the error names the field and index.
    pub fn validate(&self) -> Result<()> {
        self.params.validate()?;
        if self.epochs.is_empty() {
            return Err(Error::invalid("epochs", "is empty"));
        }
        if self.epochs.len() > limits::MAX_EPOCHS {
            return Err(Error::too_large(
                "epochs",
                self.epochs.len(),
                limits::MAX_EPOCHS,
            ));
        }
        let (v, n) = self.shape();
        if v == 0 {
            return Err(Error::invalid("epochs[0].weights", "is empty"));
        }
        if n == 0 {
            return Err(Error::invalid("epochs[0].weights[0]", "is empty"));
        }
        if v > limits::MAX_VALIDATORS {
            return Err(Error::too_large(
                "epochs[0].weights",
                v,
                limits::MAX_VALIDATORS,
            ));
        }
        if n > limits::MAX_SERVERS {
            return Err(Error::too_large(
                "epochs[0].weights[0]",
                n,
                limits::MAX_SERVERS,
            ));
        }
        if v * n > limits::MAX_MATRIX_ENTRIES {
            return Err(Error::too_large(
                "epochs[0].weights",
                v * n,
                limits::MAX_MATRIX_ENTRIES,
            ));
        }
        let total = v * n * self.epochs.len();
        if total > limits::MAX_CASE_ENTRIES {
            return Err(Error::too_large(
                "epochs[*].weights",
                total,
                limits::MAX_CASE_ENTRIES,
            ));
        }
        for (e, ep) in self.epochs.iter().enumerate() {
            if ep.weights.len() != v {
                return Err(Error::shape(format!(
                    "epochs[{e}].weights has {} rows, epochs[0].weights has {v}",
                    ep.weights.len()
                )));
            }
            if ep.stakes.len() != v {
                return Err(Error::shape(format!(
                    "epochs[{e}].stakes has {} entries, epochs[{e}].weights has {v} rows",
                    ep.stakes.len()
                )));
            }
            check_matrix(
                &format!("epochs[{e}].weights"),
                &ep.weights,
                v,
                n,
                "epochs[0].weights",
            )?;
            check_vector(&format!("epochs[{e}].stakes"), &ep.stakes)?;
            if let Some(c) = ep.reset_bonds_column {
                if c >= n {
                    return Err(Error::invalid(
                        format!("epochs[{e}].resetBondsColumn"),
                        format!("is {c}, but there are only {n} servers"),
                    ));
                }
            }
        }
        if let Some(names) = &self.validators {
            if names.len() != v {
                return Err(Error::shape(format!(
                    "validators has {} names, epochs[0].weights has {v} rows",
                    names.len()
                )));
            }
        }
        if let Some(names) = &self.servers {
            if names.len() != n {
                return Err(Error::shape(format!(
                    "servers has {} names, epochs[0].weights has {n} columns",
                    names.len()
                )));
            }
        }
        if let Some(base) = &self.base_validator {
            if !self.validator_names().iter().any(|x| x == base) {
                return Err(Error::unknown(
                    "baseValidator",
                    base.as_str(),
                    &self.validator_names().join(", "),
                ));
            }
        }
        Ok(())
    }
}

/// Checks a `v × n` matrix given as rows: shape against `reference`, every value finite and
/// non-negative. Errors name `field[i][j]`.
pub(crate) fn check_matrix(
    field: &str,
    rows: &[Vec<f64>],
    v: usize,
    n: usize,
    reference: &str,
) -> Result<()> {
    if rows.len() != v {
        return Err(Error::shape(format!(
            "{field} has {} rows, {reference} has {v}",
            rows.len()
        )));
    }
    for (i, r) in rows.iter().enumerate() {
        if r.len() != n {
            return Err(Error::shape(format!(
                "{field}[{i}] has {} entries, {reference}[0] has {n}",
                r.len()
            )));
        }
        check_all_non_negative(&|j| format!("{field}[{i}][{j}]"), r)?;
    }
    Ok(())
}

/// Checks every value of a vector is finite and non-negative. Errors name `field[i]`.
pub(crate) fn check_vector(field: &str, xs: &[f64]) -> Result<()> {
    check_all_non_negative(&|i| format!("{field}[{i}]"), xs)
}

/// The EMA weight reported for an epoch: one number, or one per (validator, server).
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(untagged))]
pub enum Alpha {
    /// Not reported by this variant (Yuma 2C).
    #[default]
    None,
    /// One α for every entry.
    Scalar(f64),
    /// Liquid alpha: α per (validator, server).
    Matrix(Dense),
}

/// Everything one epoch computes (spec/yuma-variants.md §6). Vectors indexed by server have
/// one entry per column, those indexed by validator one per row. A variant that does not
/// compute an output leaves it empty (and it is left out of the JSON).
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct EpochOutput {
    /// Row-normalised weights Wn.
    pub weights: Dense,
    /// Normalised stake Sn.
    pub stake: Vec<f64>,
    /// Prerank P_j = Σ_i Sn_i·Wn_ij.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub prerank: Vec<f64>,
    /// Consensus C_j (after quantisation).
    pub consensus: Vec<f64>,
    /// Clipped weights Wc.
    pub clipped_weights: Dense,
    /// Rank R_j = Σ_i Sn_i·Wc_ij.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub rank: Vec<f64>,
    /// Incentive I = R/ΣR (or winner-takes-all).
    pub incentive: Vec<f64>,
    /// Server trust T_j = R_j/P_j.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub trust: Vec<f64>,
    /// Validator trust Tv_i = Σ_j Wc_ij / Σ_j Wn_ij.
    pub validator_trust: Vec<f64>,
    /// Fresh bonds of this epoch, before the EMA (empty for 2C and 3).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "is_empty_matrix")
    )]
    pub fresh_bonds: Dense,
    /// The bond state after the epoch, carried to the next one.
    pub bonds: Dense,
    /// Raw validator reward D.
    pub dividends_raw: Vec<f64>,
    /// Normalised validator reward D̂ = D/(ΣD + 1e-6).
    pub dividends: Vec<f64>,
    /// Dividend per 1,000 TAO as the community simulator reports it, `0.041·D̂_i/Sn_i`, with
    /// the stake share `Sn_i` (upstream's raw `S_i` equals it when the stakes sum to 1).
    pub dividend_per_1000_tao: Vec<f64>,
    /// Relative dividend D̂_i − Sn_i.
    pub relative_dividends: Vec<f64>,
    /// The EMA α used for the bonds.
    pub alpha: Alpha,
}

#[cfg(feature = "serde")]
fn is_empty_matrix(m: &Dense) -> bool {
    m.rows == 0
}

/// Total dividends of one validator over a case, against the base validator.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct TotalDividends {
    /// Validator display name.
    pub validator: String,
    /// Σ over epochs of the dividend per 1,000 TAO.
    pub total: f64,
    /// (total − base) / base × 100; 0 for the base validator. `None` (JSON `null`) when the
    /// base validator earned nothing, where no percentage means anything.
    pub percent_vs_base: Option<f64>,
}

/// The `taolab run` output.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct CaseOutput {
    /// The case's name, if any.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub name: Option<String>,
    /// The variant that ran.
    pub variant: Variant,
    /// Validator display names.
    pub validators: Vec<String>,
    /// Server display names.
    pub servers: Vec<String>,
    /// The base validator of the total-dividends table.
    pub base_validator: String,
    /// Per-epoch outputs.
    pub epochs: Vec<EpochOutput>,
    /// The total-dividends table.
    pub total_dividends: Vec<TotalDividends>,
}

/// Builds the total-dividends table from per-epoch outputs.
pub fn total_dividends(
    names: &[String],
    base: usize,
    epochs: &[EpochOutput],
) -> Vec<TotalDividends> {
    let mut totals = alloc::vec![0.0f64; names.len()];
    for e in epochs {
        for (t, d) in totals.iter_mut().zip(&e.dividend_per_1000_tao) {
            *t += d;
        }
    }
    let base_total = totals.get(base).copied().unwrap_or(0.0);
    names
        .iter()
        .zip(&totals)
        .map(|(name, &total)| TotalDividends {
            validator: name.clone(),
            total,
            percent_vs_base: (base_total > 0.0).then(|| (total - base_total) / base_total * 100.0),
        })
        .collect()
}

/// Runs every epoch of a case with its variant (default `yuma2`), carrying the state.
pub fn run_case(case: &Case) -> Result<CaseOutput> {
    run_case_with_progress(case, &mut |_, _| true)
}

/// As [`run_case`], calling `progress(done, total)` after each epoch; returning `false` from
/// it cancels the run with an error.
pub fn run_case_with_progress(
    case: &Case,
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<CaseOutput> {
    case.validate()?;
    let variant = case.variant.unwrap_or_default();
    let epochs = match variant {
        Variant::Chain => super::chain::run_case_epochs(case, progress)?,
        v => super::research::run_epochs(v, case, progress)?,
    };
    let validators = case.validator_names();
    let base = match &case.base_validator {
        Some(b) => validators.iter().position(|x| x == b).unwrap_or(0),
        None => 0,
    };
    Ok(CaseOutput {
        name: case.name.clone(),
        variant,
        total_dividends: total_dividends(&validators, base, &epochs),
        base_validator: validators[base].clone(),
        servers: case.server_names(),
        validators,
        epochs,
    })
}
