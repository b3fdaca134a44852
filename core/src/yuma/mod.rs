//! Yuma consensus: the epoch rules, their parameters, and multi-epoch cases.
//!
//! * [`research`] — the float research variants (Yuma 1, 2, 2B, 2C, 3, liquid alpha) as the
//!   community simulator defines them (spec/yuma-variants.md).
//! * [`chain`] — subtensor's production epoch, bit-identical (spec/subtensor-economics.md §6).
//! * [`cases`] — the 22 community cases.

pub mod batch;
pub mod case;
pub mod cases;
pub mod chain;
pub mod params;
pub mod research;
pub mod single;

pub use case::{
    run_case, run_case_with_progress, Alpha, Case, CaseEpoch, CaseOutput, EpochOutput,
    TotalDividends,
};
pub use params::{ConsensusMode, Params, Variant};
pub use single::{run_epoch, EpochInput, PreviousEpoch};
#[cfg(test)]
mod research_ref;
