//! Kernels. The float family (f64) serves the research variants, sweeps and charts; the exact
//! family reproduces subtensor's fixed-point arithmetic bit for bit.
//!
//! Kernels take slices and write into caller-owned buffers: nothing allocates in a hot loop.

pub mod clip;
pub mod consensus;
pub mod csr;
pub mod dense;
pub mod ema;
pub mod exact;
pub mod fixed;
pub mod normalize;

pub use csr::Csr;
pub use dense::Dense;
