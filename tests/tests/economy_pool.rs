//! Pools (spec §9, V29) and new-subnet seeding (§9.5, V22).

use substrate_fixed::types::U64F64;
use taolab::pool::{median_price, seed_pool, Curve, Pool, DEFAULT_FEE_RATE, PERQUINTILL};

#[test]
fn v29_initial_price() {
    let p = Pool::new(
        Curve::Balancer,
        1_000_000_000,
        4_000_000_000,
        DEFAULT_FEE_RATE,
    );
    assert_eq!(p.price(), U64F64::from_num(0.25f64));
    assert_eq!(p.price_f64(), 0.25);
}

#[test]
fn v29_initial_price_with_weights() {
    // Price 0.2 from reserves (1e9 TAO, 4e9 alpha): w2 = y / (p·x + y).
    let w2 = 1e9 / (0.2 * 4e9 + 1e9);
    let mut p = Pool::new(Curve::Balancer, 1_000_000_000, 4_000_000_000, 0);
    p.quote_weight = (w2 * PERQUINTILL as f64).round() as u64;
    assert!((p.price_f64() - 0.2).abs() < 1e-12);
    assert!((p.price().to_num::<f64>() - 0.2).abs() < 1e-12);
}

#[test]
fn v29_even_weights_equal_constant_product() {
    for (tao, alpha, dy) in [
        (1_000_000_000_000u64, 4_000_000_000_000u64, 1_000_000_000u64),
        (5e15 as u64, 3e17 as u64, 77_777_777_777),
    ] {
        let mut a = Pool::new(Curve::Balancer, tao, alpha, DEFAULT_FEE_RATE);
        let mut b = Pool::new(Curve::ConstantProduct, tao, alpha, DEFAULT_FEE_RATE);
        let sa = a.buy(dy, false);
        let sb = b.buy(dy, false);
        let fee = (dy as u128 * 33 / 65_535) as u64;
        assert!(sa.fee.abs_diff(fee) <= 1);
        let net = dy - sa.fee;
        let cp = (alpha as u128 * net as u128 / (tao as u128 + net as u128)) as u64;
        assert!(sa.output.abs_diff(cp) <= 1, "{} vs {cp}", sa.output);
        assert_eq!(sa, sb);
        // k does not fall.
        assert!(a.tao as u128 * a.alpha as u128 >= tao as u128 * alpha as u128);
        // Selling back returns less than was paid (fees and slippage).
        let back = a.sell(sa.output, false);
        assert!(back.output < dy);
    }
}

#[test]
fn v29_weighted_swap_uses_the_weight_exponent() {
    // w2 = 0.25: buying with dy moves the price; dx = x(1 − (y/(y+dy))^(1/3)).
    let mut p = Pool::new(Curve::Balancer, 1_000_000_000, 1_000_000_000, 0);
    p.quote_weight = PERQUINTILL / 4;
    let s = p.buy(1_000_000_000, true);
    let expect = 1e9 * (1.0 - (0.5f64).powf(1.0 / 3.0));
    assert!(
        (s.output as f64 - expect).abs() <= 1.0,
        "{} vs {expect}",
        s.output
    );
}

#[test]
fn v29_injection_keeps_the_price() {
    let deltas = [
        (1u64, 1u64),
        (1_000_000_000, 1_000),
        (1_000_000_000, 4_000_000_000),
        (10_000_000_000, 1),
        (12_345_678_901, 98_765_432_109),
    ];
    for (dt, da) in deltas {
        let mut p = Pool::new(
            Curve::Balancer,
            1_000_000_000_000,
            4_000_000_000_000,
            DEFAULT_FEE_RATE,
        );
        let before = p.price_f64();
        let (t, a) = p.inject(dt, da);
        assert_eq!((t, a), (dt, da));
        assert!(
            ((p.price_f64() - before) / before).abs() < 1e-12,
            "({dt}, {da})"
        );
    }
    // A weight outside [0.01, 0.99] refuses the injection.
    let mut p = Pool::new(Curve::Balancer, 1_000_000_000, 1_000_000_000, 0);
    assert_eq!(p.inject(1_000_000_000_000, 0), (0, 0));
    assert_eq!(p.tao, 1_000_000_000);
}

#[test]
fn tiny_reserves_refuse_swaps() {
    let mut p = Pool::new(Curve::Balancer, 1_000_000_000, 999_999, 0);
    let s = p.buy(1_000, false);
    assert_eq!(s.output, 0);
    assert_eq!(s.refund, 1_000);
}

#[test]
fn v22_median_seed_price() {
    let m = |v: &[f64]| {
        median_price(&v.iter().map(|&x| U64F64::from_num(x)).collect::<Vec<_>>()).to_num::<f64>()
    };
    assert_eq!(m(&[7.0, 2.0, 5.0]), 5.0);
    assert_eq!(m(&[2.0, 0.0, 8.0]), 5.0);
    assert_eq!(m(&[5.0, 2.0]), 3.5);
    assert_eq!(m(&[]), 1.0);
    let p = seed_pool(
        Curve::Balancer,
        500_000_000_000,
        1_000_000_000_000,
        U64F64::from_num(1),
        33,
    );
    assert_eq!((p.tao, p.alpha), (1_000_000_000_000, 1_000_000_000_000));
    assert_eq!(p.price(), U64F64::from_num(1));
}
