//! Kernels. The float family (f64) serves the research variants, sweeps and charts; the exact
//! family ([`fixed`]) reproduces subtensor's fixed-point arithmetic bit for bit.

pub mod dense;

pub use dense::Dense;
