//! Documented size limits, checked before anything is allocated from user input.

/// Most UIDs a subnet can hold on chain (`u16` UIDs).
pub const MAX_UIDS: usize = 65_536;
/// Most rows (validators) of a float weight matrix.
pub const MAX_VALIDATORS: usize = 65_536;
/// Most columns (servers) of a float weight matrix.
pub const MAX_SERVERS: usize = 65_536;
/// Most entries of one weight matrix (validators × servers).
pub const MAX_MATRIX_ENTRIES: usize = 1 << 24;
/// Most epochs in one case.
pub const MAX_EPOCHS: usize = 100_000;
/// Most weight entries summed over all the epochs of a case.
pub const MAX_CASE_ENTRIES: usize = 1 << 26;
/// Largest input document (bytes) the faces accept.
pub const MAX_INPUT_BYTES: usize = 256 << 20;
/// Most subnets in a world scenario.
pub const MAX_WORLD_SUBNETS: usize = 1_024;
/// Most UIDs per subnet in a world scenario.
pub const MAX_WORLD_UIDS: usize = 4_096;
/// Most blocks one `World::step` call may advance.
pub const MAX_WORLD_BLOCKS: u64 = 100_000_000;
/// Most scripted events (flows, registrations, weight steps) in a scenario.
pub const MAX_SCENARIO_EVENTS: usize = 1_000_000;
/// Highest rate of random events (`randomFlows.perDay`, `registrationsPerDay`): 1 000 a block
/// on average.
pub const MAX_EVENTS_PER_DAY: f64 = 7_200_000.0;
/// Most stored entries (weights or bonds, each) in one chain-epoch input.
pub const MAX_CHAIN_ENTRIES: usize = 1 << 24;
