//! The halving schedule projected onto blocks and calendar dates (12-second blocks).
//!
//! Between two thresholds the emission is constant, so with `recycled` rao returned to the
//! supply every block the issuance grows by `e − recycled` per block and the block that
//! crosses threshold $T$ from issuance $I$ is $\lceil (T - I) / (e - r) \rceil$ blocks later.
//! When recycling matches emission the halving never comes (`block` is `None`).

use super::issuance::{HalvingTable, BLOCKS_PER_DAY, SECONDS_PER_BLOCK};
use alloc::string::String;
use alloc::vec::Vec;

/// Reference point of a projection: a block, its time, and the issuance then.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct ScheduleStart {
    /// Block number.
    pub block: u64,
    /// Unix time of that block, seconds.
    pub unix_seconds: i64,
    /// `TotalIssuance` at that block, rao.
    pub issuance: u64,
}

impl ScheduleStart {
    /// The documented default reference: the first halving (issuance exactly 10.5M TAO)
    /// reported for 14 December 2025, 00:00 UTC, at block 7 111 749. The block is itself an
    /// estimate: block 3 223 749 ≈ 22 June 2024 (the reference point of
    /// `bactensor/yuma-simulation`) plus 540 days × 7 200 blocks.
    pub const FIRST_HALVING_2025_12_14: ScheduleStart = ScheduleStart {
        block: 7_111_749,
        unix_seconds: 1_765_670_400,
        issuance: 10_500_000_000_000_000,
    };
}

impl Default for ScheduleStart {
    fn default() -> Self {
        ScheduleStart::FIRST_HALVING_2025_12_14
    }
}

/// One row of the schedule: the era that starts at `issuance_threshold`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct HalvingRow {
    /// 0 for the genesis era, 1 for the first halving, …
    pub halving: u32,
    /// Issuance (rao) at which this era's emission starts.
    pub issuance_threshold: u64,
    /// First block minted at this era's emission; `None` if never reached (recycling ≥
    /// emission). Eras already passed at the reference carry `None` too and `passed`.
    pub block: Option<u64>,
    /// Unix seconds of `block` (12-second blocks from the reference).
    pub unix_seconds: Option<i64>,
    /// `block`'s date as `YYYY-MM-DD` (UTC).
    pub date: Option<String>,
    /// Emission per block in this era (rao).
    pub emission_per_block: u64,
    /// Emission per day (7 200 blocks), rao.
    pub emission_per_day: u64,
    /// True when the era had started before the reference block.
    pub passed: bool,
}

/// Projects every era of `table` from `start`, with `recycled_per_block` rao recycled each
/// block (registration burns and the like). `max_halvings` limits the rows.
pub fn halving_schedule(
    table: &HalvingTable,
    start: ScheduleStart,
    recycled_per_block: u64,
    max_halvings: usize,
) -> Vec<HalvingRow> {
    let mut rows = Vec::new();
    let mut issuance = start.issuance;
    let mut block = Some(start.block);
    for (n, era) in table
        .eras()
        .iter()
        .enumerate()
        .take(max_halvings.saturating_add(1))
    {
        let passed = era.start <= start.issuance;
        let mut at = None;
        if !passed {
            // Advance from `issuance` at the previous era's emission up to era.start.
            if let Some(b) = block {
                let e = table.emission(issuance);
                let net = e.saturating_sub(recycled_per_block);
                if net == 0 {
                    block = None;
                } else {
                    let need = era.start - issuance;
                    let blocks = need.div_ceil(net);
                    // An era past the last block a world reaches (2^53 - 1) is never reached.
                    match b
                        .checked_add(blocks)
                        .filter(|&nb| nb <= crate::limits::MAX_BLOCK)
                    {
                        Some(nb) => {
                            issuance = issuance.saturating_add(blocks.saturating_mul(net));
                            block = Some(nb);
                            at = Some(nb);
                        }
                        None => block = None,
                    }
                }
            }
        } else if era.start == start.issuance {
            at = Some(start.block);
        }
        let unix = at.map(|b| {
            let db = b as i128 - start.block as i128;
            (start.unix_seconds as i128 + db * SECONDS_PER_BLOCK as i128) as i64
        });
        rows.push(HalvingRow {
            halving: n as u32,
            issuance_threshold: era.start,
            block: at,
            unix_seconds: unix,
            date: unix.map(date_string),
            emission_per_block: era.emission,
            emission_per_day: era.emission.saturating_mul(BLOCKS_PER_DAY),
            passed: passed && era.start != start.issuance,
        });
    }
    rows
}

/// `YYYY-MM-DD` (UTC, proleptic Gregorian) of a Unix time.
pub fn date_string(unix_seconds: i64) -> String {
    let (y, m, d) = civil_from_days(unix_seconds.div_euclid(86_400));
    alloc::format!("{y:04}-{m:02}-{d:02}")
}

/// Days since 1970-01-01 → (year, month, day) (H. Hinnant's civil-from-days).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// (year, month, day) → days since 1970-01-01; `None` for an invalid date.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> Option<i64> {
    if !(1..=12).contains(&m) || d == 0 || d > 31 {
        return None;
    }
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 } as i64;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    // Reject 31 April and the like by round-tripping.
    (civil_from_days(days) == (y, m, d)).then_some(days)
}

/// Parses `YYYY-MM-DD` into Unix seconds at 00:00 UTC.
pub fn parse_date(s: &str) -> Option<i64> {
    let mut it = s.trim().splitn(3, '-');
    let y: i64 = it.next()?.parse().ok()?;
    let m: u32 = it.next()?.parse().ok()?;
    let d: u32 = it.next()?.parse().ok()?;
    days_from_civil(y, m, d).map(|days| days * 86_400)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn dates() {
        assert_eq!(date_string(0), "1970-01-01");
        assert_eq!(date_string(1_765_670_400), "2025-12-14");
        assert_eq!(parse_date("2025-12-14"), Some(1_765_670_400));
        assert_eq!(parse_date("2025-02-30"), None);
    }
}
