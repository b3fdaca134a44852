//! The multi-subnet world, stepped block by block (spec §3).
//!
//! * [`scenario`] — the input (JSON; TOML with the `toml` feature), validated with field paths.
//! * [`default`] — the built-in 64-subnet network with the real SN15 metagraph.
//! * [`world`] — [`World`]: `new(scenario, seed)`, `step(blocks)`, series and ledger.
//! * [`subnet`] — one subnet's state.
//! * [`epoch`] — the per-tempo epoch used by the world.
//! * [`recorder`] — per-block and per-epoch series, events, the conservation ledger.

#[cfg(all(feature = "std", not(target_family = "wasm")))]
pub mod ahead;
pub mod default;
pub mod epoch;
#[cfg(all(feature = "std", not(target_family = "wasm")))]
mod forecast;
pub mod recorder;
pub mod scenario;
pub mod subnet;
#[allow(clippy::module_inception)]
pub mod world;

pub use default::default_scenario;
pub use recorder::{BlockRow, EpochRow, EventRow, Ledger, Recorder};
pub use scenario::{Arithmetic, Scenario};
pub use world::World;
