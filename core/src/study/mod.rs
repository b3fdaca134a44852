//! Studies: Monte Carlo maps and parameter sweeps over the model.
//!
//! * [`mod@consensus_map`] — subtensor's consensus-guarantee study (spec/consensus-guarantees.md):
//!   11 × 51 × 51 single epochs of an honest majority against a cabal, chain-exact by default.
//! * [`mod@consensus_map_async`] — the same map with batches awaited from an async scorer (the
//!   GPU through WebGPU in a browser worker).
//! * [`normal`] — the seeded normal generator the studies draw from (ChaCha8 + Box–Muller).
//! * [`sweep`] — grid and random sweeps over scenario parameters, with Monte Carlo
//!   repetitions, sharding and a long-table output.
//! * [`scenarios`] — the studies shipped as scenarios (weight copying with and without
//!   commit-reveal, a 40 % cabal, a lazy validator, move-first against followers).

pub mod consensus_map;
pub mod consensus_map_async;
pub mod normal;
pub mod scenarios;
pub mod sweep;

pub use consensus_map::{
    consensus_map, consensus_map_cpu, retention_threshold, ConsensusMap, ConsensusMapConfig,
    ConsensusRow,
};
pub use consensus_map_async::{consensus_map_async, AsyncBatchScorer};
