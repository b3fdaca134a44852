//! # taolab playground
//!
//! A Yew app that draws taolab's model in the browser with plotters: the consensus view
//! (community cases, the real SN15 metagraph, uploaded metagraphs, every Yuma variant side
//! by side), the tokenomics view and the subnets view. It only converts, calls the core and
//! draws; no economics lives here.
//!
//! The pure parts ([`state`], [`scenario`], [`table`], [`sweep`]) build and test natively;
//! the browser parts (`web`) build for `wasm32` only.

pub mod economy;
pub mod scenario;
pub mod state;
pub mod sweep;
pub mod table;

#[cfg(target_arch = "wasm32")]
mod web;
