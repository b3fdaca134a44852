//! One float epoch on its own: the `taolab epoch` input for the research variants.

use super::case::{check_matrix, check_vector, EpochOutput};
use super::params::{Params, Variant};
use super::research::{self, Workspace};
use crate::error::{Error, Result};
use crate::limits;
use crate::math::Dense;
use alloc::format;
use alloc::vec::Vec;

/// Input of one research-variant epoch. The optional `previous` state lets an epoch continue
/// from stored bonds (and, for liquid alpha and Yuma 2B, the previous consensus and weights).
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(rename_all = "camelCase", deny_unknown_fields)
)]
pub struct EpochInput {
    /// The epoch rule (default `yuma2`); `--variant` on the command line overrides it.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub variant: Option<Variant>,
    /// Parameters; missing ones take the defaults.
    #[cfg_attr(feature = "serde", serde(default))]
    pub params: Params,
    /// `weights[i][j]`: validator i's raw weight on server j.
    #[cfg_attr(
        feature = "serde",
        serde(deserialize_with = "crate::limits::bounded::matrix")
    )]
    pub weights: Vec<Vec<f64>>,
    /// `stakes[i]`: validator i's raw stake.
    pub stakes: Vec<f64>,
    /// State carried from an earlier epoch.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub previous: Option<PreviousEpoch>,
}

/// The state a research epoch reads from the epoch before it.
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(rename_all = "camelCase", deny_unknown_fields)
)]
pub struct PreviousEpoch {
    /// Bond state (V × N) after the previous epoch.
    #[cfg_attr(
        feature = "serde",
        serde(deserialize_with = "crate::limits::bounded::matrix")
    )]
    pub bonds: Vec<Vec<f64>>,
    /// Previous consensus (N); needed by liquid alpha. Zeros when absent.
    #[cfg_attr(feature = "serde", serde(default))]
    pub consensus: Option<Vec<f64>>,
    /// Previous row-normalised weights (V × N); Yuma 2B clips these. Defaults to this epoch's.
    #[cfg_attr(
        feature = "serde",
        serde(default, deserialize_with = "crate::limits::bounded::optional_matrix")
    )]
    pub weights: Option<Vec<Vec<f64>>>,
}

fn matrix(field: &str, rows: &[Vec<f64>], v: usize, n: usize) -> Result<Dense> {
    check_matrix(field, rows, v, n, "weights")?;
    Ok(Dense::from_rows(rows, n))
}

impl EpochInput {
    /// Parses and validates the JSON form.
    #[cfg(feature = "serde")]
    pub fn from_json(text: &str) -> Result<EpochInput> {
        let input: EpochInput = crate::error::from_json(text)?;
        input.validate()?;
        Ok(input)
    }

    /// Checks shapes, values and limits.
    pub fn validate(&self) -> Result<()> {
        self.params.validate()?;
        let v = self.weights.len();
        if v == 0 {
            return Err(Error::invalid("weights", "is empty"));
        }
        let n = self.weights[0].len();
        if n == 0 {
            return Err(Error::invalid("weights[0]", "is empty"));
        }
        if v > limits::MAX_VALIDATORS {
            return Err(Error::too_large("weights", v, limits::MAX_VALIDATORS));
        }
        if n > limits::MAX_SERVERS {
            return Err(Error::too_large("weights[0]", n, limits::MAX_SERVERS));
        }
        if v * n > limits::MAX_MATRIX_ENTRIES {
            return Err(Error::too_large(
                "weights",
                v * n,
                limits::MAX_MATRIX_ENTRIES,
            ));
        }
        if self.stakes.len() != v {
            return Err(Error::shape(format!(
                "stakes has {} entries, weights has {v} rows",
                self.stakes.len()
            )));
        }
        matrix("weights", &self.weights, v, n)?;
        check_vector("stakes", &self.stakes)?;
        if let Some(p) = &self.previous {
            matrix("previous.bonds", &p.bonds, v, n)?;
            if let Some(c) = &p.consensus {
                if c.len() != n {
                    return Err(Error::shape(format!(
                        "previous.consensus has {} entries, weights has {n} columns",
                        c.len()
                    )));
                }
                check_vector("previous.consensus", c)?;
            }
            if let Some(w) = &p.weights {
                matrix("previous.weights", w, v, n)?;
            }
        }
        Ok(())
    }
}

/// Runs one research epoch (`variant` overrides the input's).
pub fn run_epoch(input: &EpochInput, variant: Option<Variant>) -> Result<EpochOutput> {
    input.validate()?;
    let variant = variant.or(input.variant).unwrap_or_default();
    let v = input.weights.len();
    let n = input.weights[0].len();
    let w = Dense::from_rows(&input.weights, n);
    let prev = input.previous.as_ref().map(|p| {
        let weights = match &p.weights {
            Some(rows) => Dense::from_rows(rows, n),
            None => {
                let mut wn = Dense::zeros(v, n);
                let mut sums = alloc::vec![0.0; v];
                crate::math::normalize::row_normalize_eps(
                    &w.data,
                    n,
                    research::EPS,
                    &mut wn.data,
                    &mut sums,
                );
                wn
            }
        };
        EpochOutput {
            bonds: Dense::from_rows(&p.bonds, n),
            consensus: p.consensus.clone().unwrap_or_else(|| alloc::vec![0.0; n]),
            weights,
            ..EpochOutput::default()
        }
    });
    let mut out = EpochOutput::default();
    research::epoch(
        variant,
        &input.params,
        &w,
        &input.stakes,
        prev.as_ref(),
        None,
        &mut out,
        &mut Workspace::default(),
    )?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use alloc::vec;

    /// Each size limit is named by itself: a row past the servers' limit is not reported as
    /// a matrix past the entries' limit.
    #[test]
    fn size_limits_name_the_one_passed() {
        let input = |v: usize, n: usize| EpochInput {
            weights: vec![vec![0.0; n]; v],
            stakes: vec![1.0; v],
            ..Default::default()
        };
        let err = |i: EpochInput| i.validate().unwrap_err().to_string();
        assert_eq!(
            err(input(1, 70_000)),
            "weights[0] has 70000 entries, over the limit of 65536"
        );
        assert_eq!(
            err(input(300, 60_000)),
            "weights has 18000000 entries, over the limit of 16777216"
        );
        assert!(input(2, 3).validate().is_ok());
    }
}
