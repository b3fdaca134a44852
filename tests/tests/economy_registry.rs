//! Registration: the UID burn price (V19), UID pruning (§10.3), the subnet lock cost (V20) and
//! subnet pruning (V21).

use substrate_fixed::types::U64F64;
use taolab::registry::{
    decay_factor_q32, lock_cost, subnet_to_prune, uid_to_prune, BurnPrice, LockState,
    SubnetCandidate, SubnetPruning, UidCandidate,
};

#[test]
fn v19_decay_factors() {
    let cases = [
        (1u64, 2_147_483_648u64),
        (2, 3_037_000_500),
        (3, 3_408_917_802),
        (4, 3_611_622_603),
        (5, 3_738_986_199),
        (7, 3_890_053_517),
        (8, 3_938_502_376),
        (16, 4_112_874_773),
        (64, 4_248_701_965),
        (360, 4_286_705_684),
        (1000, 4_291_991_283),
        (4096, 4_294_240_540),
        (36_100, 4_294_884_830),
        (65_535, 4_294_921_870),
    ];
    for (h, f) in cases {
        assert_eq!(decay_factor_q32(h), f, "half-life {h}");
    }
}

#[test]
fn v19_one_tao_halves_in_360_blocks() {
    let mut b = BurnPrice::new(1_000_000_000, 0, u64::MAX, 360, 1.26);
    for blk in 2..362 {
        b.on_block(blk);
    }
    assert_eq!(b.burn, 499_999_865);
}

#[test]
fn v19_burn_decay_and_bump() {
    // (a) h = 1000, ×2: 1000 → 2000 → 1998.
    let mut b = BurnPrice::new(1000, 0, u64::MAX, 1000, 2.0);
    b.on_registration();
    assert_eq!(b.burn, 2000);
    b.on_block(2);
    assert_eq!(b.burn, 1998);
    // (b) h = 2: 1024 → 724, 511, 361, 255.
    let mut b = BurnPrice::new(1024, 0, u64::MAX, 2, 1.26);
    let mut seen = Vec::new();
    for blk in 2..6 {
        b.on_block(blk);
        seen.push(b.burn);
    }
    assert_eq!(seen, [724, 511, 361, 255]);
    // (c) clamps: h = 1, ×2, [100 000, 150 000], burn 1.
    let mut b = BurnPrice::new(1, 100_000, 150_000, 1, 2.0);
    b.on_block(2);
    assert_eq!(b.burn, 100_000);
    b.on_registration();
    assert_eq!(b.burn, 150_000);
    b.on_block(3);
    assert_eq!(b.burn, 100_000);
    b.on_block(4);
    assert_eq!(b.burn, 100_000);
    // (d) ×3: 1000 → 3000.
    let mut b = BurnPrice::new(1000, 0, u64::MAX, 0, 3.0);
    b.on_registration();
    assert_eq!(b.burn, 3000);
    // (e) h = 1000: 1000 → 999.
    let mut b = BurnPrice::new(1000, 0, u64::MAX, 1000, 1.26);
    b.on_block(2);
    assert_eq!(b.burn, 999);
    // (f) new-network defaults.
    let b = BurnPrice::new_network();
    assert_eq!(
        (b.burn, b.half_life, b.increase_mult),
        (1_000_000_000, 360, 1.26)
    );
}

#[test]
fn uid_pruning_lowest_emission_then_immune_fallback() {
    let c = |emission, registered_at| UidCandidate {
        emission,
        registered_at,
        immortal: false,
    };
    // 12 non-immune uids: prune the lowest emission, ties to the older registration.
    let mut uids: Vec<UidCandidate> = (0..12).map(|i| c(100 + i, 0)).collect();
    uids[5] = c(3, 10);
    uids[7] = c(3, 5);
    assert_eq!(uid_to_prune(&uids, 100_000, 5000, 10), Some(7));
    // Only 10 non-immune: the lowest immune uid goes.
    let mut uids: Vec<UidCandidate> = (0..10).map(|i| c(100 + i, 0)).collect();
    uids.push(c(50, 99_000));
    uids.push(c(40, 99_500));
    assert_eq!(uid_to_prune(&uids, 100_000, 5000, 10), Some(11));
    // Immortal uids are never chosen.
    let uids = [UidCandidate {
        emission: 0,
        registered_at: 0,
        immortal: true,
    }];
    assert_eq!(uid_to_prune(&uids, 100_000, 5000, 10), None);
}

#[test]
fn v20_lock_cost() {
    // Mock: min 100 TAO, interval 2, last 1250 TAO registered now.
    let s = LockState {
        last_lock: 1_250_000_000_000,
        last_registered: 1000,
        min_lock: 100_000_000_000,
        reduction_interval: 2,
    };
    assert_eq!(lock_cost(&s, 1000, 1_000_000_000), 2_500_000_000_000);
    assert_eq!(lock_cost(&s, 1001, 1_000_000_000), 1_875_000_000_000);
    // Production: min 1000 TAO, interval 57 600.
    let s = LockState {
        last_lock: 1_250_000_000_000,
        last_registered: 1000,
        min_lock: 1_000_000_000_000,
        reduction_interval: 57_600,
    };
    for (d, cost) in [
        (0u64, 2_500_000_000_000u64),
        (1, 2_499_978_298_612),
        (28_800, 1_875_000_025_600),
        (57_600, 1_250_000_051_200),
    ] {
        assert_eq!(lock_cost(&s, 1000 + d, 1_000_000_000), cost, "Δ = {d}");
    }
    // Decays to the minimum, never below.
    assert_eq!(lock_cost(&s, 1_000_000, 1_000_000_000), 1_000_000_000_000);
    // First-ever registration: max(min, last).
    let s = LockState {
        last_lock: 1_000_000_000_000,
        last_registered: 0,
        min_lock: 1_000_000_000_000,
        reduction_interval: 57_600,
    };
    assert_eq!(lock_cost(&s, 5, 1_000_000_000), 1_000_000_000_000);
    // The interval halves with the emission: the price decays twice as fast.
    let s = LockState {
        last_lock: 1_250_000_000_000,
        last_registered: 1000,
        min_lock: 0,
        reduction_interval: 57_600,
    };
    assert_eq!(lock_cost(&s, 1000 + 28_800, 500_000_000), 1_250_000_022_400);
}

#[test]
fn v21_subnet_pruning() {
    let sn = |netuid, registered_at, price: f64, emission| SubnetCandidate {
        netuid,
        registered_at,
        moving_price: U64F64::from_num(price),
        emission,
    };
    let imm = 1_296_000;
    let now = 10_000_000;
    // Lowest price among mature subnets.
    assert_eq!(
        subnet_to_prune(
            &[sn(1, 0, 1.0, 5), sn(2, 0, 10.0, 1)],
            now,
            imm,
            SubnetPruning::LowestMovingPrice
        ),
        Some(1)
    );
    // Lowest emission under the legacy rule.
    assert_eq!(
        subnet_to_prune(
            &[sn(1, 0, 1.0, 5), sn(2, 0, 10.0, 1)],
            now,
            imm,
            SubnetPruning::LowestEmission
        ),
        Some(2)
    );
    // Immune subnets are ignored.
    assert_eq!(
        subnet_to_prune(
            &[sn(1, 0, 5.0, 0), sn(2, now - 10, 1.0, 0)],
            now,
            imm,
            SubnetPruning::LowestMovingPrice
        ),
        Some(1)
    );
    // Ties go to the earlier registration.
    assert_eq!(
        subnet_to_prune(
            &[sn(2, 200, 7.0, 0), sn(1, 300, 7.0, 0)],
            now,
            imm,
            SubnetPruning::LowestMovingPrice
        ),
        Some(2)
    );
    // None when all are immune.
    assert_eq!(
        subnet_to_prune(
            &[sn(1, now, 1.0, 0)],
            now,
            imm,
            SubnetPruning::LowestMovingPrice
        ),
        None
    );
}
