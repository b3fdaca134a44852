//! Float cases through the chain epoch.
use crate::error::{Error, Result};
use crate::yuma::case::{Case, EpochOutput};
use alloc::vec::Vec;

/// Runs a float case through the chain epoch (case stored as the chain would store it).
pub fn run_case_epochs(
    _case: &Case,
    _progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<Vec<EpochOutput>> {
    Err(Error::unknown(
        "variant",
        "chain",
        "yuma1, yuma2, yuma2b, yuma2c, yuma3",
    ))
}
