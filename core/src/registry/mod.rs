//! Registration: UIDs (burn price, immunity, pruning, capacity; spec §10) and subnets (lock
//! cost, limit, immunity, pruning; spec §11).

pub mod burn;
pub mod subnet;
pub mod uid;

pub use burn::{decay_factor_q32, mul_q32, pow_q32, BurnPrice};
pub use subnet::{lock_cost, subnet_to_prune, LockState, SubnetCandidate, SubnetPruning};
pub use uid::{uid_to_prune, uid_to_prune_cols, UidCandidate};
