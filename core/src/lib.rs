//! # taolab — Bittensor's economics, exact and fast
//!
//! The whole model lives in this crate; the CLI, the npm package and the playground are thin
//! faces over it.
//!
//! * [`yuma`] — Yuma consensus: the chain-exact epoch ([`yuma::chain`], bit-identical to
//!   subtensor) and the research variants (Yuma 1, 2, 2B, 2C, 3, liquid alpha) as the
//!   community simulator defines them, plus the 22 community cases.
//! * [`math`] — the kernels: normalisation, stake-weighted κ-quantile consensus, clipping, EMA,
//!   dense and sparse (CSR) forms, and the chain's fixed-point family.
//! * [`emission`] — issuance, halvings and their calendar, subnet share policies, the alpha
//!   split (owner, miners, validators, root).
//! * [`pool`] — the subnet pools: weighted (today) and constant-product (launch), swaps,
//!   fees, injection.
//! * [`registry`] — UID and subnet registration: burn prices, lock costs, immunity, pruning.
//! * [`world`] — the multi-subnet network stepped block by block from a [`world::Scenario`],
//!   with its recorded series.
//! * [`metagraph`] — a subnet's stakes and weights as a metagraph snapshot holds them, read
//!   into a multi-epoch case (the shipped subnet-15 snapshot itself is in `data/` and, for
//!   the default world, [`world::default`]).
//! * [`preset`] — the rule sets in force on a date, and "as described".
//! * [`agents`] and [`study`] — validator and miner behaviours, the consensus-guarantee map
//!   and parameter sweeps; `gpu` (feature `gpu`) — the batch scorer on wgpu.
//!
//! The crate is `#![no_std]` with `alloc`. Features: `std` and `serde` (the JSON shapes of
//! the interface contract) by default; `parallel` (rayon for sweeps, large batches and
//! the passes of a large research epoch, with the same bits; native), `toml` (TOML scenarios) and `gpu` (wgpu). Errors are values ([`Error`]) that name
//! the field and index at fault.
//!
//! A community case under a research variant:
//!
//! ```
//! use taolab::yuma::{cases, run_case, Variant};
//! let mut case = cases::case(1).unwrap();
//! case.variant = Some(Variant::Yuma2);
//! let out = run_case(&case).unwrap();
//! assert_eq!(out.epochs.len(), 40);
//! ```
//!
//! One chain epoch from a subnet's storage (the `taolab epoch --variant chain` input), in the
//! units the chain stores:
//!
//! ```
//! use taolab::yuma::chain::{epoch, ChainInput};
//! let input = ChainInput::from_json(include_str!("../../examples/chain-epoch.json")).unwrap();
//! let out = epoch(&input).unwrap();
//! // Emission in rao, floored as the chain floors it: never more than the epoch's, and short
//! // of it by at most a 2⁻³² share (the I32F32 proportions' step) per UID.
//! let paid: u64 = out.emission.iter().sum();
//! let step = (input.rao_emission >> 32) + 1;
//! assert!(paid <= input.rao_emission && paid + input.n as u64 * step >= input.rao_emission);
//! println!("dividends (u16) {:?}, bonds {:?}", out.dividends, out.bonds);
//! ```
//!
//! A day of the default 64-subnet network, and the halving calendar:
//!
//! ```
//! use taolab::emission::{halving_schedule, HalvingTable, ScheduleStart};
//! use taolab::world::{default_scenario, World};
//! let mut world = World::new(&default_scenario(), 0).unwrap();
//! let start = world.issuance();
//! world.step(7_200).unwrap();
//! assert!(world.issuance() > start);
//! assert!(!world.recorder().epochs.is_empty());
//! let rows = halving_schedule(&HalvingTable::new(), ScheduleStart::default(), 0, 4);
//! assert_eq!(rows[2].date.as_deref(), Some("2029-12-11"));
//! ```
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

/// The README's Rust snippet, compiled and run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

pub mod agents;
pub mod emission;
pub mod error;
#[cfg(feature = "gpu")]
pub mod gpu;
pub mod limits;
pub mod math;
pub mod metagraph;
pub mod pool;
pub mod preset;
pub mod registry;
pub mod study;
pub mod units;
pub mod world;
pub mod yuma;

pub use error::{Error, Result};
