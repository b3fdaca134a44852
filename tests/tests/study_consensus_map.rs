//! The consensus-guarantee map (spec/consensus-guarantees.md) on a reduced grid: W_H and W_C
//! in steps of 0.04 at S_H = 0.6 and 0.7, chain epoch, β = 1, seed 0. The full map's figures
//! (docs/studies.md) are 0.74 and 0.76 worst-case honest utility; subtensor's docs give
//! "about 0.7" at S_H = 0.6 and "W_H > 0.75" at S_H = 0.7.

use taolab::study::{
    consensus_map, consensus_map_cpu, retention_threshold, ConsensusMap, ConsensusMapConfig,
    ConsensusRow,
};
use taolab::yuma::batch::CpuScorer;
use taolab::yuma::Variant;

fn reduced(variant: Variant, levels: usize) -> ConsensusMapConfig {
    ConsensusMapConfig {
        variant,
        stake_levels: vec![0.6, 0.7],
        weight_levels: levels,
        ..ConsensusMapConfig::default()
    }
}

fn run(cfg: &ConsensusMapConfig) -> ConsensusMap {
    consensus_map_cpu(cfg, &mut |_, _| true).unwrap()
}

/// The largest honest utility the cabal can force (the worst W_C) at stake level `l`.
fn worst_threshold(map: &ConsensusMap, l: usize) -> f64 {
    map.contour(l).iter().map(|p| p.0).fold(0.0, f64::max)
}

fn at(map: &ConsensusMap, s: f64, wh: f64, wc: f64) -> ConsensusRow {
    *map.rows
        .iter()
        .find(|r| {
            (r.major_stake - s).abs() < 1e-9
                && (r.major_weight - wh).abs() < 1e-9
                && (r.minor_weight - wc).abs() < 1e-9
        })
        .unwrap()
}

#[test]
fn chain_map_reproduces_the_retention_shape() {
    let map = run(&reduced(Variant::Chain, 26));
    assert_eq!(map.rows.len(), 2 * 26 * 26);
    let t60 = worst_threshold(&map, 0);
    let t70 = worst_threshold(&map, 1);
    // "With S_H = 0.6, about 0.7 honest utility is enough" (±0.08 on a 0.04 grid).
    assert!((0.62..=0.78).contains(&t60), "S_H 0.6 needs W_H {t60}");
    // "At S_H = 0.7, W_H > 0.75 is needed" (0.04 grid: allow 0.72).
    assert!((0.72..=0.84).contains(&t70), "S_H 0.7 needs W_H {t70}");
    assert!(t70 >= t60 - 0.02, "thresholds {t60} {t70}");
    // Corners: when everyone weights only honest servers, they take all the incentive and
    // dividends follow stake, E_H = ½ + ½·S_H; when everyone weights only cabal servers,
    // E_H = ½·S_H (±0.03).
    for s in [0.6, 0.7] {
        let all_honest = at(&map, s, 1.0, 0.0).major_ratio;
        let all_cabal = at(&map, s, 0.0, 1.0).major_ratio;
        assert!((all_honest - (0.5 + 0.5 * s)).abs() < 0.03, "{all_honest}");
        assert!((all_cabal - 0.5 * s).abs() < 0.03, "{all_cabal}");
        // E_H grows with honest utility at full cabal self-weight (tolerance 0.01).
        let col: Vec<f64> = (0..26)
            .map(|a| at(&map, s, 1.0 - a as f64 * 0.04, 1.0).major_ratio)
            .collect();
        for w in col.windows(2) {
            assert!(w[0] + 0.01 >= w[1], "E_H not monotone in W_H: {col:?}");
        }
    }
    // Every contour point is on the grid's range.
    for l in 0..2 {
        for (x, y) in map.contour(l) {
            assert!((0.0..=1.0).contains(&x) && (0.0..=1.0).contains(&y));
        }
    }
}

#[test]
fn map_is_seeded_and_deterministic() {
    let cfg = reduced(Variant::Chain, 6);
    let a = run(&cfg);
    let b = run(&cfg);
    assert_eq!(a, b);
    let c = run(&ConsensusMapConfig { seed: 7, ..cfg });
    assert_ne!(a.rows, c.rows);
    let csv = a.to_csv();
    assert!(csv.starts_with("major_stake,major_weight,minor_weight,weight_dev,major_ratio\n"));
    assert_eq!(csv.lines().count(), 1 + 2 * 6 * 6);
    assert!(csv.lines().nth(1).unwrap().starts_with("0.60,1.00,1.00,"));
}

#[test]
fn float_variants_go_through_the_batch_scorer() {
    for v in [Variant::Yuma2, Variant::Yuma3] {
        let cfg = ConsensusMapConfig {
            batch: 7,
            ..reduced(v, 6)
        };
        let cpu = run(&cfg);
        let mut scorer = CpuScorer::default();
        let via = consensus_map(&cfg, &mut scorer, &mut |_, _| true).unwrap();
        assert_eq!(cpu, via);
        // The corners as on the chain (see above).
        assert!((at(&cpu, 0.6, 1.0, 0.0).major_ratio - 0.8).abs() < 0.03);
        assert!((at(&cpu, 0.6, 0.0, 1.0).major_ratio - 0.3).abs() < 0.03);
    }
}

#[test]
fn bad_configs_name_the_field() {
    let bad = ConsensusMapConfig {
        stake_levels: vec![0.6, 1.5],
        ..ConsensusMapConfig::default()
    };
    let e = consensus_map_cpu(&bad, &mut |_, _| true).unwrap_err();
    assert!(e.to_string().contains("stakeLevels[1]"), "{e}");
    let bad = ConsensusMapConfig {
        validators: 600,
        ..ConsensusMapConfig::default()
    };
    assert!(consensus_map_cpu(&bad, &mut |_, _| true)
        .unwrap_err()
        .to_string()
        .contains("neurons"));
    // Cancelling stops the run with an error.
    let cfg = reduced(Variant::Chain, 6);
    assert!(consensus_map_cpu(&cfg, &mut |_, _| false).is_err());
}

/// The headline figures of subtensor's docs for the "40 % stake" attack (S_H = 0.6, the cabal
/// weighting only itself, W_C = 1): bond penalties 0, 0.5 and 1 need about 78 %, 76 % and
/// 73 % honest utility to retain stake. The full-resolution chain map (steps of 0.02) gives
/// 0.79, 0.77 and 0.73: within 0.015 of each, and falling as the penalty grows.
#[test]
fn bond_penalty_headline_figures() {
    let mut needed = Vec::new();
    for (beta, docs) in [(0.0, 0.78), (0.5, 0.76), (1.0, 0.73)] {
        let mut cfg = reduced(Variant::Chain, 51);
        cfg.stake_levels = vec![0.6];
        cfg.params.bond_penalty = beta;
        let map = run(&cfg);
        let column: Vec<ConsensusRow> = map
            .rows
            .iter()
            .copied()
            .filter(|r| (r.minor_weight - 1.0).abs() < 1e-9)
            .collect();
        assert_eq!(column.len(), 51);
        let t = taolab::study::retention_threshold(&column).expect("retains at W_H = 1");
        assert!(
            (t - docs).abs() <= 0.015,
            "β = {beta}: W_H {t:.3}, docs {docs}"
        );
        needed.push(t);
    }
    assert!(needed[0] > needed[1] && needed[1] > needed[2], "{needed:?}");
}

/// The full default study (chain variant, 28,611 epochs): the CSV is pinned byte for byte.
/// The digest was taken from the map computed point by point with the chain epoch
/// (`epoch_with`, before the map shared each stake level's terms), so it also checks that
/// the per-level path gives every point's emission exactly.
#[test]
fn full_chain_map_golden_digest() {
    use sha2::{Digest, Sha256};
    let map = run(&ConsensusMapConfig::default());
    assert_eq!(map.rows.len(), 28_611);
    let csv = map.to_csv();
    assert_eq!(csv.len(), 887_002);
    assert_eq!(
        format!("{:x}", Sha256::digest(csv.as_bytes())),
        "e2d87f7f661a39fbf773330cc620407d4b1f9dd276788cce319e11e20e3598de"
    );
}

#[test]
fn the_retention_threshold_ignores_the_rows_order() {
    let row = |wh: f64, e: f64| ConsensusRow {
        major_stake: 0.6,
        major_weight: wh,
        minor_weight: 0.5,
        weight_dev: 0.0,
        major_ratio: e,
    };
    // Two rows share W_H = 0.5 (a map never has that); the crossing is found with the lower E_H.
    let rows = [
        row(1.0, 0.9),
        row(0.75, 0.8),
        row(0.5, 0.7),
        row(0.5, 0.5),
        row(0.25, 0.1),
    ];
    let want = retention_threshold(&rows).unwrap();
    assert!((want - (0.75 - 0.25 * 0.2 / 0.3)).abs() < 1e-12, "{want}");
    let mut reversed = rows;
    reversed.reverse();
    assert_eq!(retention_threshold(&reversed), Some(want));
    assert_eq!(retention_threshold(&[row(1.0, 0.5)]), None);
}
