//! GPU (f32, WGSL) against the CPU float path (f64) on batches of single epochs: random
//! batches of many shapes, every epoch of the 22 community cases, and the consensus map.
//! Every consensus, incentive and normalised dividend agrees within
//! `taolab::gpu::TOLERANCE` (1e-4 absolute).
//!
//! Runs on any adapter, the software Vulkan driver (lavapipe) in CI included; with no adapter
//! at all each test prints why it is skipped and passes. `scripts/gpu.sh test` runs it.
#![cfg(feature = "gpu")]

use taolab::gpu::{GpuScorer, TOLERANCE};
use taolab::study::consensus_map::{consensus_map, ConsensusMapConfig};
use taolab::yuma::batch::{BatchOutput, BatchScorer, CpuScorer, EpochBatch};
use taolab::yuma::{cases, Params, Variant};
use taolab_tests::SplitMix;

const VARIANTS: [Variant; 5] = [
    Variant::Yuma1,
    Variant::Yuma2,
    Variant::Yuma2b,
    Variant::Yuma2c,
    Variant::Yuma3,
];

/// The GPU scorer, or `None` (with a printed reason) when no adapter exists.
fn gpu() -> Option<GpuScorer> {
    let s = GpuScorer::new_blocking();
    if s.is_gpu() {
        eprintln!("GPU parity on: {}", s.name());
        Some(s)
    } else {
        eprintln!(
            "SKIPPED: no GPU adapter at all ({}); install mesa-vulkan-drivers for lavapipe",
            s.fallback_reason().unwrap_or("unknown")
        );
        None
    }
}

/// A random batch: uniform weights with zeros sprinkled in (and now and then an all-zero row
/// or column, a zero stake, or an integer-valued weight matrix with ties).
fn random_batch(
    rng: &mut SplitMix,
    v: usize,
    n: usize,
    count: usize,
    variant: Variant,
) -> EpochBatch {
    let mut weights = Vec::with_capacity(count * v * n);
    let mut stakes = Vec::with_capacity(count * v);
    for _ in 0..count {
        let sparsity = rng.unit() * 0.6;
        let ties = rng.below(4) == 0;
        let zero_row = if rng.below(3) == 0 { rng.below(v) } else { v };
        let zero_col = if rng.below(3) == 0 { rng.below(n) } else { n };
        for i in 0..v {
            for j in 0..n {
                let w = if i == zero_row || j == zero_col || rng.unit() < sparsity {
                    0.0
                } else if ties {
                    (1 + rng.below(3)) as f64
                } else {
                    rng.unit() * 1000.0
                };
                weights.push(w);
            }
        }
        for _ in 0..v {
            stakes.push(if rng.below(8) == 0 {
                0.0
            } else {
                rng.unit() * 1e6
            });
        }
    }
    let params = Params {
        kappa: [0.5, 0.3, 0.51, 0.75][rng.below(4)],
        bond_penalty: [1.0, 0.5, 0.0][rng.below(3)],
        bond_moving_average: [0.1, 0.5, 0.9][rng.below(3)],
        capacity_alpha: [0.1, 1.0][rng.below(2)],
        ..Params::default()
    };
    EpochBatch {
        validators: v,
        servers: n,
        count,
        weights,
        stakes,
        variant,
        params,
    }
}

/// The largest |gpu − cpu| of consensus, incentive and dividends.
fn max_diffs(a: &BatchOutput, b: &BatchOutput) -> [f64; 3] {
    let d = |x: &[f64], y: &[f64]| {
        assert_eq!(x.len(), y.len());
        x.iter()
            .zip(y)
            .map(|(p, q)| (p - q).abs())
            .fold(0.0f64, f64::max)
    };
    [
        d(&a.consensus, &b.consensus),
        d(&a.incentive, &b.incentive),
        d(&a.dividends, &b.dividends),
    ]
}

fn assert_parity(gpu: &mut GpuScorer, batch: &EpochBatch, what: &str) -> [f64; 3] {
    let want = CpuScorer::default().score(batch).unwrap();
    let got = gpu.score(batch).unwrap();
    let diffs = max_diffs(&got, &want);
    for (name, d) in ["consensus", "incentive", "dividends"].iter().zip(diffs) {
        assert!(
            d <= TOLERANCE,
            "{what}: {name} differs by {d:e} (tolerance {TOLERANCE:e})"
        );
    }
    diffs
}

#[test]
fn random_batches_agree_with_the_cpu() {
    let Some(mut gpu) = gpu() else { return };
    let mut rng = SplitMix(7);
    let shapes = [
        (1, 1, 5),
        (1, 6, 9),
        (3, 2, 40),
        (5, 7, 64),
        (17, 130, 20),
        (64, 448, 12),
        (100, 3, 30),
        (130, 65, 6),
    ];
    let mut worst = [0.0f64; 3];
    for (v, n, count) in shapes {
        for variant in VARIANTS {
            let batch = random_batch(&mut rng, v, n, count, variant);
            let d = assert_parity(&mut gpu, &batch, &format!("{v}×{n}×{count} {variant}"));
            for k in 0..3 {
                worst[k] = worst[k].max(d[k]);
            }
        }
    }
    eprintln!(
        "random batches, worst |gpu − cpu|: consensus {:.2e}, incentive {:.2e}, dividends {:.2e}",
        worst[0], worst[1], worst[2]
    );
}

#[test]
fn every_epoch_of_the_community_cases_agrees_with_the_cpu() {
    let Some(mut gpu) = gpu() else { return };
    let mut worst = [0.0f64; 3];
    for case in cases::all() {
        let (v, n) = case.shape();
        let mut weights = Vec::new();
        let mut stakes = Vec::new();
        for ep in &case.epochs {
            for row in &ep.weights {
                weights.extend_from_slice(row);
            }
            stakes.extend_from_slice(&ep.stakes);
        }
        for variant in VARIANTS {
            let batch = EpochBatch {
                validators: v,
                servers: n,
                count: case.epochs.len(),
                weights: weights.clone(),
                stakes: stakes.clone(),
                variant,
                params: case.params.clone(),
            };
            let name = case.name.clone().unwrap_or_default();
            let d = assert_parity(&mut gpu, &batch, &format!("{name} {variant}"));
            for k in 0..3 {
                worst[k] = worst[k].max(d[k]);
            }
        }
    }
    eprintln!(
        "community cases, worst |gpu − cpu|: consensus {:.2e}, incentive {:.2e}, dividends {:.2e}",
        worst[0], worst[1], worst[2]
    );
}

#[test]
fn hand_worked_epoch() {
    let Some(mut gpu) = gpu() else { return };
    // Stakes .8/.2; the big validator puts everything on server 0, the small on server 1.
    // κ = .5: C = (≈1, 0) → server 0 takes all incentive; Yuma 2 bonds of server 0 belong to
    // the big validator, so it gets all dividends.
    let batch = EpochBatch {
        validators: 2,
        servers: 2,
        count: 1,
        weights: vec![1.0, 0.0, 0.0, 1.0],
        stakes: vec![0.8, 0.2],
        variant: Variant::Yuma2,
        params: Params::default(),
    };
    let out = gpu.score(&batch).unwrap();
    assert_eq!(out.consensus, vec![1.0, 0.0]);
    assert_eq!(out.incentive, vec![1.0, 0.0]);
    assert!((out.dividends[0] - 1.0).abs() < 1e-5 && out.dividends[1] == 0.0);
}

#[test]
fn winner_takes_all_agrees_where_the_winner_is_clear() {
    let Some(mut gpu) = gpu() else { return };
    let mut rng = SplitMix(11);
    for variant in VARIANTS {
        let mut batch = random_batch(&mut rng, 16, 40, 10, variant);
        batch.params.winner_takes_all = true;
        // One server gets a clear lead from every validator.
        for k in 0..batch.count {
            for i in 0..16 {
                batch.weights[k * 640 + i * 40 + (k % 40)] = 5000.0;
            }
        }
        assert_parity(&mut gpu, &batch, &format!("winner takes all, {variant}"));
    }
}

#[test]
fn the_consensus_map_agrees_with_the_cpu() {
    let Some(mut gpu) = gpu() else { return };
    for variant in [Variant::Yuma2, Variant::Yuma3] {
        let cfg = ConsensusMapConfig {
            variant,
            stake_levels: vec![0.51, 0.7, 0.99],
            weight_levels: 6,
            batch: 40,
            ..ConsensusMapConfig::default()
        };
        let cpu = consensus_map(&cfg, &mut CpuScorer::default(), &mut |_, _| true).unwrap();
        let got = consensus_map(&cfg, &mut gpu, &mut |_, _| true).unwrap();
        assert_eq!(cpu.rows.len(), got.rows.len());
        let worst = cpu
            .rows
            .iter()
            .zip(&got.rows)
            .map(|(a, b)| {
                assert_eq!(a.weight_dev, b.weight_dev);
                (a.major_ratio - b.major_ratio).abs()
            })
            .fold(0.0f64, f64::max);
        eprintln!("consensus map {variant}: worst |E_H gpu − cpu| = {worst:.2e}");
        assert!(
            worst <= 10.0 * TOLERANCE,
            "{variant}: E_H differs by {worst}"
        );
    }
}

#[test]
fn chain_is_rejected_by_name_and_the_fallback_is_the_cpu() {
    let mut fallback = GpuScorer::cpu_fallback("test");
    assert!(fallback.name().starts_with("cpu"));
    let mut rng = SplitMix(3);
    let batch = random_batch(&mut rng, 4, 5, 3, Variant::Yuma3);
    assert_eq!(
        fallback.score(&batch).unwrap(),
        CpuScorer::default().score(&batch).unwrap()
    );
    let Some(mut gpu) = gpu() else { return };
    assert!(gpu.name().starts_with("gpu ("), "{}", gpu.name());
    let mut chain = batch.clone();
    chain.variant = Variant::Chain;
    let err = gpu.score(&chain).unwrap_err().to_string();
    assert!(err.contains("chain"), "{err}");
    let mut bad = batch;
    bad.stakes.pop();
    assert!(gpu.score(&bad).is_err());
}

#[test]
fn bad_values_are_refused_by_name_on_both_backends() {
    let mut rng = SplitMix(5);
    let good = random_batch(&mut rng, 3, 4, 5, Variant::Yuma2);
    let mut cases = Vec::new();
    let mut b = good.clone();
    b.weights[2 * 12 + 4 + 3] = f64::NAN; // 3 × 4 epochs: epoch 2, row 1, column 3
    cases.push((b, "batch weights[2][1][3] is NaN"));
    let mut b = good.clone();
    b.weights[19] = f64::INFINITY;
    cases.push((b, "batch weights[1][1][3] is infinite"));
    let mut b = good.clone();
    b.stakes[7] = -1.0;
    cases.push((b, "batch stakes[2][1] is negative (-1)"));
    let mut scorers: Vec<Box<dyn BatchScorer>> = vec![Box::new(CpuScorer::default())];
    if let Some(gpu) = gpu() {
        scorers.push(Box::new(gpu));
    }
    for scorer in &mut scorers {
        for (batch, want) in &cases {
            let err = scorer.score(batch).unwrap_err().to_string();
            assert!(err.ends_with(want), "{}: {err}", scorer.name());
        }
        // Nothing was left behind: the good batch still scores.
        scorer.score(&good).unwrap();
    }
}

/// `fill(k, w)` that copies epoch `k` of a stored batch, and the batch without its weights.
fn unfilled(batch: &EpochBatch) -> (EpochBatch, impl Fn(usize, &mut [f64]) + Sync + '_) {
    let fill = move |k: usize, w: &mut [f64]| w.copy_from_slice(batch.epoch_weights(k));
    let shell = EpochBatch {
        weights: Vec::new(),
        ..batch.clone()
    };
    (shell, fill)
}

#[test]
fn filled_batches_score_as_stored_ones_on_both_backends() {
    let mut rng = SplitMix(11);
    // The last batch holds 210,000 weights, so the GPU packer's runs of 65,536 start and end
    // inside epochs, and a task's runs share epochs.
    let batches = [
        random_batch(&mut rng, 3, 4, 5, Variant::Yuma2),
        random_batch(&mut rng, 16, 33, 9, Variant::Yuma3),
        random_batch(&mut rng, 7, 1000, 30, Variant::Yuma1),
    ];
    let mut scorers: Vec<Box<dyn BatchScorer>> = vec![Box::new(CpuScorer::default())];
    if let Some(gpu) = gpu() {
        scorers.push(Box::new(gpu));
    }
    for scorer in &mut scorers {
        for batch in &batches {
            let want = scorer.score(batch).unwrap();
            let (mut shell, fill) = unfilled(batch);
            let got = scorer.score_filled(&mut shell, &fill).unwrap();
            assert_eq!(got, want, "{}", scorer.name());
        }
        // A bad weight is named by its epoch, row and column, and leaves nothing behind.
        let mut bad = batches[2].clone();
        bad.weights[17 * 7000 + 3 * 1000 + 999] = -2.5;
        let (mut shell, fill) = unfilled(&bad);
        let err = scorer.score_filled(&mut shell, &fill).unwrap_err();
        let want = "batch weights[17][3][999] is negative (-2.5)";
        assert!(err.to_string().ends_with(want), "{}: {err}", scorer.name());
        let (mut shell, fill) = unfilled(&batches[1]);
        scorer.score_filled(&mut shell, &fill).unwrap();
    }
}
