//! subtensor's production epoch (`epoch_mechanism`, sparse path), bit-identical to the chain at
//! commit 14bc6f9 (spec/subtensor-economics.md §6), in on-chain units.
//!
//! * [`ChainInput`] / [`ChainOutput`] — the state an epoch reads and what it stores
//!   (docs/chain-epoch.md has the JSON schema).
//! * [`epoch()`] — the fast exact epoch; [`Workspace`] keeps its scratch buffers across epochs.
//! * [`ChainState`] — stored weights, bonds and permits carried from one epoch to the next.
//! * [`run_case_epochs`] — a float [`Case`](super::Case) stored as the chain would store it.
//! * [`port::epoch_port`] — subtensor's own design, kept as the baseline and the reference.
//! * [`float`] — the same definition in f64, for the differential test.

pub mod case;
pub mod epoch;
pub mod float;
pub mod input;
pub mod output;
pub mod port;
pub mod random;
pub mod state;

pub use case::run_case_epochs;
pub use epoch::{epoch, Workspace};
pub use input::{ChainInput, U16Row};
pub use output::ChainOutput;
pub use state::ChainState;
