//! Real metagraph snapshots (`{netuid, block, n, hotkeys, S, W}` as the bittensor SDK dumps
//! them) and their conversion into a multi-epoch [`Case`].

use crate::error::{check_all_non_negative, Error, Result};
use crate::limits;
use crate::yuma::{Case, CaseEpoch, Params};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// The community simulator's validator threshold: UIDs with at least this stake (TAO) set
/// weights in a metagraph case.
pub const VALIDATOR_MIN_STAKE: f64 = 1000.0;
/// At most this many validators are kept (upstream `validators_limit`).
pub const VALIDATORS_LIMIT: usize = 256;

/// A metagraph snapshot. Extra fields in the file (summaries, notes) are ignored.
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Metagraph {
    /// Subnet id.
    #[cfg_attr(feature = "serde", serde(default))]
    pub netuid: u16,
    /// Block of the snapshot.
    #[cfg_attr(feature = "serde", serde(default))]
    pub block: u64,
    /// Number of UIDs.
    pub n: usize,
    /// Hotkey per UID (optional).
    #[cfg_attr(feature = "serde", serde(default))]
    pub hotkeys: Vec<String>,
    /// Stake per UID, in TAO (`metagraph.S`).
    #[cfg_attr(feature = "serde", serde(rename = "S"))]
    pub stake: Vec<f64>,
    /// Weight matrix, row = setter UID (`metagraph.W`).
    #[cfg_attr(
        feature = "serde",
        serde(rename = "W", deserialize_with = "crate::limits::bounded::matrix")
    )]
    pub weights: Vec<Vec<f64>>,
}

impl Metagraph {
    /// Parses and validates a metagraph JSON document.
    #[cfg(feature = "serde")]
    pub fn from_json(text: &str) -> Result<Metagraph> {
        let m: Metagraph = crate::error::from_json(text)?;
        m.validate()?;
        Ok(m)
    }

    /// Checks sizes and values; errors name the field and index.
    pub fn validate(&self) -> Result<()> {
        if self.n == 0 {
            return Err(Error::invalid("n", "is 0"));
        }
        if self.n > limits::MAX_UIDS {
            return Err(Error::invalid(
                "n",
                format!("is {}, over the limit of {} UIDs", self.n, limits::MAX_UIDS),
            ));
        }
        if self.stake.len() != self.n {
            return Err(Error::shape(format!(
                "S has {} entries, n is {}",
                self.stake.len(),
                self.n
            )));
        }
        if self.weights.len() != self.n {
            return Err(Error::shape(format!(
                "W has {} rows, n is {}",
                self.weights.len(),
                self.n
            )));
        }
        if !self.hotkeys.is_empty() && self.hotkeys.len() != self.n {
            return Err(Error::shape(format!(
                "hotkeys has {} entries, n is {}",
                self.hotkeys.len(),
                self.n
            )));
        }
        check_all_non_negative(&|i| format!("S[{i}]"), &self.stake)?;
        for (i, row) in self.weights.iter().enumerate() {
            if row.len() != self.n {
                return Err(Error::shape(format!(
                    "W[{i}] has {} entries, n is {}",
                    row.len(),
                    self.n
                )));
            }
            check_all_non_negative(&|j| format!("W[{i}][{j}]"), row)?;
        }
        Ok(())
    }

    /// UIDs that validate: stake ≥ [`VALIDATOR_MIN_STAKE`], at most [`VALIDATORS_LIMIT`].
    pub fn validator_uids(&self) -> Vec<usize> {
        self.stake
            .iter()
            .enumerate()
            .filter(|(_, &s)| s >= VALIDATOR_MIN_STAKE)
            .map(|(i, _)| i)
            .take(VALIDATORS_LIMIT)
            .collect()
    }

    /// A case of `epochs` identical epochs, as the community simulator builds it: the
    /// validators' rows of W (all n columns) and their stakes. Errors when no UID has
    /// enough stake to validate.
    pub fn to_case(&self, epochs: usize, params: Params) -> Result<Case> {
        self.validate()?;
        let uids = self.validator_uids();
        if uids.is_empty() {
            return Err(Error::invalid(
                "S",
                format!("has no UID with at least {VALIDATOR_MIN_STAKE} TAO to validate"),
            ));
        }
        if epochs == 0 || epochs > limits::MAX_EPOCHS {
            return Err(Error::invalid(
                "epochs",
                format!("is {epochs}, outside 1..={}", limits::MAX_EPOCHS),
            ));
        }
        let weights: Vec<Vec<f64>> = uids.iter().map(|&i| self.weights[i].clone()).collect();
        let stakes: Vec<f64> = uids.iter().map(|&i| self.stake[i]).collect();
        let epoch = CaseEpoch {
            weights,
            stakes,
            reset_bonds_column: None,
        };
        let name = |i: usize| match self.hotkeys.get(i) {
            Some(h) if h.len() > 8 => format!("UID {i} ({}…)", &h[..8]),
            Some(h) => format!("UID {i} ({h})"),
            None => format!("UID {i}"),
        };
        Ok(Case {
            name: Some(format!("Subnet {} at block {}", self.netuid, self.block)),
            variant: None,
            params,
            epochs: alloc::vec![epoch; epochs],
            validators: Some(uids.iter().map(|&i| name(i)).collect()),
            servers: Some((0..self.n).map(|j| format!("UID {j}")).collect()),
            base_validator: None,
        })
    }
}
