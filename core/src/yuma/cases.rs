//! placeholder, being written
use super::case::Case;
/// Case n.
pub fn case(_n: usize) -> Option<Case> { None }
