//! Issuance and halvings (spec §4, V17) and the schedule projection.

use taolab::emission::issuance::{block_emission, block_emission_f64, HalvingTable};
use taolab::emission::schedule::{date_string, parse_date};
use taolab::emission::{emission_schedule, ScheduleStart};

#[test]
fn v17_block_emission() {
    let cases: [(u64, u64); 11] = [
        (0, 1_000_000_000),
        (10_499_999_999_999_999, 1_000_000_000),
        (10_500_000_000_000_000, 500_000_000),
        (15_749_999_999_999_999, 500_000_000),
        (15_750_000_000_000_000, 250_000_000),
        (18_375_000_000_000_000, 125_000_000),
        (19_687_500_000_000_000, 62_500_000),
        (20_343_750_000_000_000, 31_250_000),
        (20_671_875_000_000_000, 15_625_000),
        (20_999_999_999_999_999, 0),
        (21_000_000_000_000_000, 0),
    ];
    for (i, e) in cases {
        assert_eq!(block_emission(i), e, "emission({i})");
    }
}

#[test]
fn v17_exact_thresholds() {
    let t = HalvingTable::new();
    let starts: Vec<u64> = t.eras().iter().map(|e| e.start).collect();
    assert_eq!(
        &starts[..7],
        &[
            0,
            10_500_000_000_000_000,
            15_750_000_000_000_000,
            18_375_000_000_000_000,
            19_687_500_000_000_000,
            20_343_750_000_000_000,
            20_671_875_000_000_000
        ]
    );
    // Each threshold is the first issuance with the halved value.
    for w in t.eras().windows(2) {
        assert_eq!(block_emission(w[1].start - 1), w[0].emission);
        assert_eq!(block_emission(w[1].start), w[1].emission);
    }
    assert_eq!(t.eras().last().map(|e| e.emission), Some(0));
    // The table agrees with the formula everywhere we look.
    let mut x = 1u64;
    while x < 21_000_000_000_000_000 {
        assert_eq!(t.emission(x), block_emission(x), "{x}");
        x = x.saturating_mul(3) / 2 + 7;
    }
}

#[test]
fn float_emission_matches_away_from_thresholds() {
    for tao in [0.0, 5e6, 12e6, 16e6, 19e6] {
        let rao = (tao * 1e9) as u64;
        assert_eq!(block_emission_f64(tao), block_emission(rao) as f64 / 1e9);
    }
    assert_eq!(block_emission_f64(21e6), 0.0);
    assert_eq!(block_emission_f64(f64::NAN), 0.0);
}

#[test]
fn schedule_without_recycling_is_four_years_per_halving() {
    let rows = emission_schedule(ScheduleStart::default(), 0, 3);
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[1].block, Some(7_111_749));
    assert_eq!(rows[1].date.as_deref(), Some("2025-12-14"));
    // 5.25M TAO at 0.5 TAO per block = 10 500 000 blocks.
    assert_eq!(rows[2].block, Some(7_111_749 + 10_500_000));
    assert_eq!(rows[2].emission_per_block, 250_000_000);
    assert_eq!(rows[2].emission_per_day, 1_800_000_000_000);
    assert_eq!(rows[3].block, Some(7_111_749 + 10_500_000 + 10_500_000));
}

#[test]
fn recycling_delays_halvings() {
    let start = ScheduleStart {
        block: 0,
        unix_seconds: 0,
        issuance: 10_000_000_000_000_000,
    };
    let plain = emission_schedule(start, 0, 1);
    let recycled = emission_schedule(start, 100_000_000, 1);
    assert_eq!(plain[1].block, Some(500_000));
    // 0.9 TAO net per block: ceil(5e14 / 9e8) blocks.
    assert_eq!(recycled[1].block, Some(555_556));
    let never = emission_schedule(start, 1_000_000_000, 1);
    assert_eq!(never[1].block, None);
}

/// An era that would start past the last block (2^53 - 1) is never reached, and so are the
/// ones after it: no block saturates at u64::MAX and no two eras share a date.
#[test]
fn eras_past_the_last_block_are_never_reached() {
    let last = taolab::limits::MAX_BLOCK;
    let start = ScheduleStart {
        block: last - 1_000_000,
        unix_seconds: 0,
        issuance: 10_000_000_000_000_000,
    };
    let rows = emission_schedule(start, 0, 3);
    assert_eq!(rows[1].block, Some(last - 500_000));
    assert_eq!(rows[2].block, None);
    assert_eq!(rows[3].block, None);
    assert_eq!(rows[2].date, None);
    let far = emission_schedule(
        ScheduleStart {
            block: u64::MAX,
            ..start
        },
        0,
        8,
    );
    assert!(far[1..]
        .iter()
        .all(|r| r.block.is_none() && r.date.is_none()));
}

#[test]
fn calendar() {
    assert_eq!(
        parse_date("2024-02-29").map(date_string).as_deref(),
        Some("2024-02-29")
    );
    assert_eq!(parse_date("2023-02-29"), None);
    assert_eq!(parse_date("not a date"), None);
}
