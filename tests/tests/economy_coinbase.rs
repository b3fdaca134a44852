//! The coinbase pieces: alpha-out split (V23, V24), shares (V25), root proportion (V26) and the
//! moving price (V27).

use substrate_fixed::types::{I96F32, U64F64, U96F32};
use taolab::emission::moving_price::update_moving_price;
use taolab::emission::{root_proportion, shares, split_alpha_out, ShareInput, SharePolicy};

#[test]
fn v23_pending_split() {
    let a = U96F32::from_num(1_000_000_000u64);
    let s = split_alpha_out(a, 11_796, U96F32::from_num(0.25f64));
    assert_eq!(
        (s.owner, s.server, s.validator, s.root),
        (179_995_422, 410_002_288, 307_501_716, 102_500_572)
    );
    let s = split_alpha_out(a, 11_796, U96F32::from_num(0));
    assert_eq!(
        (s.owner, s.server, s.validator, s.root),
        (179_995_422, 410_002_288, 410_002_288, 0)
    );
    // Mock: no owner cut, root_prop 0.25.
    let s = split_alpha_out(a, 0, U96F32::from_num(0.25f64));
    assert_eq!(
        (s.server, s.validator, s.root),
        (500_000_000, 375_000_000, 125_000_000)
    );
    // Every minted rao is in a bucket or the dust.
    assert_eq!(
        s.owner + s.server + s.validator + s.root + s.dust,
        1_000_000_000
    );
}

#[test]
fn v24_owner_cut() {
    let a = U96F32::from_num(1_000_000_000u64);
    assert_eq!(split_alpha_out(a, 0, U96F32::from_num(0)).owner, 0);
    assert_eq!(
        split_alpha_out(a, 65_535, U96F32::from_num(0)).owner,
        1_000_000_000
    );
}

fn input(moving: f64, spot: f64) -> ShareInput {
    ShareInput {
        moving: U64F64::from_num(moving),
        spot: U64F64::from_num(spot),
        enabled: true,
        ..Default::default()
    }
}

#[test]
fn v25_shares() {
    let mut out = Vec::new();
    // Equal prices: half each; with E = 1e6 and price 1, alpha_in = 500 000 each.
    shares(
        &SharePolicy::PriceEma,
        &[input(1.0, 1.0), input(1.0, 1.0)],
        &mut out,
    );
    let e = U64F64::from_num(1_000_000u64);
    assert_eq!(
        out.iter()
            .map(|s| (e * *s).to_num::<u64>())
            .collect::<Vec<_>>(),
        [500_000, 500_000]
    );
    // Moving 0.1 : 0.2 → 1/3 and 2/3 of 1e8.
    shares(
        &SharePolicy::PriceEma,
        &[input(0.1, 5.0), input(0.2, 0.1)],
        &mut out,
    );
    let e = U64F64::from_num(100_000_000u64);
    let got: Vec<u64> = out.iter().map(|s| (e * *s).to_num::<u64>()).collect();
    assert!(
        got[0].abs_diff(33_333_333) <= 10 && got[1].abs_diff(66_666_666) <= 10,
        "{got:?}"
    );
    // Spot policy reads the spot price instead.
    shares(
        &SharePolicy::SpotPrice,
        &[input(0.1, 3.0), input(0.2, 1.0)],
        &mut out,
    );
    assert!((out[0].to_num::<f64>() - 0.75).abs() < 1e-15);
    // A disabled subnet gets nothing; the rest are renormalised.
    let mut d = input(0.5, 0.5);
    d.enabled = false;
    shares(
        &SharePolicy::PriceEma,
        &[d, input(0.1, 0.1), input(0.1, 0.1)],
        &mut out,
    );
    assert_eq!(out[0], U64F64::from_num(0));
    assert!((out[1].to_num::<f64>() - 0.5).abs() < 1e-15);
    // Flow policies: positive flows only.
    let mut a = input(0.1, 0.1);
    let mut b = input(0.1, 0.1);
    a.flow_ema = 3.0;
    b.flow_ema = -1.0;
    shares(&SharePolicy::tao_flow_default(), &[a, b], &mut out);
    assert_eq!(out[0], U64F64::from_num(1));
    a.flow_window = 1.0;
    b.flow_window = 3.0;
    shares(&SharePolicy::NetFlow { window: 360 }, &[a, b], &mut out);
    assert!((out[1].to_num::<f64>() - 0.75).abs() < 1e-15);
}

#[test]
fn v26_root_proportion() {
    let rp = root_proportion(
        1_000_000_000_000,
        3_320_413_933_267_719_290,
        100_000_000_000,
    );
    assert_eq!(rp.to_bits(), 2_761_050_404);
    assert_eq!(root_proportion(0, 0, 0), U96F32::from_num(0));
}

#[test]
fn v27_moving_price() {
    let alpha = I96F32::from_num(0.1f64);
    let mut p = I96F32::from_num(0);
    for _ in 0..14 {
        p = update_moving_price(p, U64F64::from_num(1), alpha, 201_600, 201_600);
    }
    assert!(
        (p.to_num::<f64>() - 0.512_325_020_041_316_7).abs() < 1e-9,
        "{}",
        p.to_num::<f64>()
    );
    let p = update_moving_price(
        I96F32::from_num(0),
        U64F64::from_num(1),
        I96F32::from_num(0.5f64),
        11,
        201_600,
    );
    assert!(
        (p.to_num::<f64>() - 0.000_027_280_1).abs() < 1e-9,
        "{}",
        p.to_num::<f64>()
    );
    let p = update_moving_price(
        I96F32::from_num(0),
        U64F64::from_num(1),
        I96F32::from_num(0.5f64),
        144_000_001,
        201_600,
    );
    assert!(
        (p.to_num::<f64>() - 0.499_300_978_6).abs() < 1e-9,
        "{}",
        p.to_num::<f64>()
    );
    // The spot price is capped at 1 before it enters the EMA.
    let p = update_moving_price(
        I96F32::from_num(0),
        U64F64::from_num(50),
        I96F32::from_num(0.5f64),
        144_000_001,
        201_600,
    );
    assert!(p.to_num::<f64>() < 0.5);
}
