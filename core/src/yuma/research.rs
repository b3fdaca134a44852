//! placeholder, being written
use super::case::{Case, EpochOutput};
use super::params::Variant;
use crate::error::Result;
use alloc::vec::Vec;
/// Runs the epochs of a case.
pub fn run_epochs(_v: Variant, _case: &Case, _p: &mut dyn FnMut(usize, usize) -> bool) -> Result<Vec<EpochOutput>> {
    Ok(Vec::new())
}
