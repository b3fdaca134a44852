//! Issuance and halvings, subnet emission shares, the moving price and the alpha-out split.
//!
//! * [`issuance`] — block emission by total issuance (§4), the exact halving table.
//! * [`schedule`] — the halving schedule projected to blocks and dates.
//! * [`mod@shares`] — subnet share policies (§5.2).
//! * [`moving_price`] — the EMA price (§5.6).
//! * [`split`] — owner cut, miners, validators, root (§5.4, §5.5).

pub mod issuance;
pub mod moving_price;
pub mod schedule;
pub mod shares;
pub mod split;

pub use issuance::{block_emission, block_emission_f64, Era, HalvingTable};
pub use schedule::{halving_schedule, HalvingRow, ScheduleStart};
pub use shares::{shares, ShareInput, SharePolicy};
pub use split::{root_proportion, split_alpha_out, AlphaSplit};

/// The halving schedule from the default reference, with `recycled_per_block` rao recycled
/// per block: the entry point for the JS `emissionSchedule()` face.
pub fn emission_schedule(
    start: ScheduleStart,
    recycled_per_block: u64,
    max_halvings: usize,
) -> alloc::vec::Vec<HalvingRow> {
    halving_schedule(
        &HalvingTable::new(),
        start,
        recycled_per_block,
        max_halvings,
    )
}
