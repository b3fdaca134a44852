//! # taolab — Bittensor's economics, exact and fast
//!
//! The whole model lives in this crate; the CLI, the npm package and the playground are thin
//! faces over it.
//!
//! * [`yuma`] — Yuma consensus: the chain-exact epoch ([`yuma::chain`], bit-identical to
//!   subtensor) and the research variants (Yuma 1, 2, 2B, 2C, 3, liquid alpha) as the
//!   community simulator defines them, plus the 22 community cases.
//! * [`math`] — the kernels: normalisation, stake-weighted κ-quantile consensus, clipping, EMA,
//!   dense and sparse (CSR) forms.
//!
//! The crate is `#![no_std]` with `alloc`; `std` and `serde` are default features.
//!
//! ```
//! use taolab::yuma::{cases, run_case, Variant};
//! let mut case = cases::case(1).unwrap();
//! case.variant = Some(Variant::Yuma2);
//! let out = run_case(&case).unwrap();
//! assert_eq!(out.epochs.len(), 40);
//! ```
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

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
