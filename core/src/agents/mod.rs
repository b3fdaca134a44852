//! Behaviour models: the agents that produce a subnet's weights epoch after epoch.
//!
//! * [`miner`] — miners with a hidden quality that drifts, churn (a replaced miner gets a new
//!   quality and its bond column is reset) and scheduled quality shocks.
//! * [`validator`] — validators: honest evaluators that score sampled tasks with noise and
//!   turn scores into weights (proportional, top-k, winner-takes-all), and the adversaries:
//!   weight copiers (they see only revealed weights), cabals, lazy validators, and
//!   first movers against followers.
//! * [`sim`] — the simulation: agents set (or commit) weights every epoch, commit-reveal
//!   delays what takes effect and what copiers see, scheduled stake moves, and the Yuma epoch
//!   of any variant; [`sim::metrics`] reduces a run to per-epoch, per-group metrics,
//!   including the mixture-of-experts accuracy.
//!
//! Every random draw comes from one `ChaCha8Rng` seeded by the scenario, so a run is a pure
//! function of its scenario and seed.

pub mod miner;
pub mod sim;
pub mod validator;

pub use miner::{MinerSpec, Shock};
pub use sim::{metrics, simulate, AgentRun, AgentScenario, EpochMetrics, StakeMove};
pub use validator::{Policy, Role, ValidatorSpec};
