//! The exact (fixed-point) kernel family: subtensor's `epoch/math.rs` semantics on the chain's
//! own `substrate-fixed` types, bit for bit (spec/subtensor-economics.md §1 and §2).
//!
//! Rounding follows the chain: products floor, quotients truncate toward zero, sums are exact,
//! `safe_div(x, 0) = 0`. These kernels take and return the chain's own shapes (dense slices and
//! `Vec<Vec<(u16, I32F32)>>` sparse rows); the production epoch in [`crate::yuma::chain`] uses
//! allocation-free versions of the same arithmetic over a reusable workspace and is tested bit
//! for bit against these.

pub mod convert;
pub mod ema;
pub mod exp;
pub mod median;
pub mod normalize;
pub mod ops;
pub mod sparse;
pub mod topk;
pub mod wide;

pub use ops::{fx, safe_div, Recip, SparseMatrix, I32F32, I64F64, I96F32, ONE, U96F32, ZERO};
