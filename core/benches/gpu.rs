//! The consensus-map grid (spec/consensus-guarantees.md: 11 × 51 × 51 = 28,611 single epochs
//! of 64 validators × 448 servers, float Yuma 2 with β = 1) on the CPU and GPU backends, each
//! reported with its name (the adapter's for the GPU), and the GPU's time as a ratio of the
//! CPU's in the same run. `scripts/gpu.sh bench`; `-- --quick` runs two S_H levels only.
//!
//! Rows:
//! * `cpu parallel` — `consensus_map_cpu` (rayon over batches under `parallel`, f64);
//! * `cpu (f64)` — the same batches scored by the [`CpuScorer`] on one thread (the batches
//!   themselves are filled on rayon's threads);
//! * `gpu (…)` — the same points through the [`GpuScorer`] (f32), each epoch's weights made
//!   as they are converted for upload (best of three runs), with the largest
//!   |E_H gpu − cpu| over the grid;
//! * `… scoring only` — one prepared batch of the grid's shape, scored on each backend
//!   (no batch generation), per epoch.

use std::time::Instant;
use taolab::gpu::GpuScorer;
use taolab::study::consensus_map::{consensus_map, consensus_map_cpu, ConsensusMapConfig};
use taolab::yuma::batch::{BatchScorer, CpuScorer, EpochBatch};
use taolab::yuma::Variant;

/// Epochs per scorer call (and per GPU submission): 64×448 f32 weights are 112 KiB an epoch.
const BATCH: usize = 1024;

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let mut cfg = ConsensusMapConfig {
        variant: Variant::Yuma2,
        batch: BATCH,
        ..ConsensusMapConfig::default()
    };
    if quick {
        cfg.stake_levels = vec![0.6, 0.9];
    }
    let points = cfg.points();
    println!(
        "consensus map: {points} epochs of {}×{} ({}, β = {}), batches of {BATCH}",
        cfg.validators,
        cfg.neurons - cfg.validators,
        cfg.variant,
        cfg.params.bond_penalty
    );

    let t = Instant::now();
    let cpu_map = consensus_map_cpu(&cfg, &mut |_, _| true).expect("cpu map");
    let cpu_par = t.elapsed().as_secs_f64();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    report(
        &format!("cpu parallel ({threads} threads, f64)"),
        cpu_par,
        points,
        cpu_par,
    );

    let mut cpu = CpuScorer::default();
    let t = Instant::now();
    consensus_map(&cfg, &mut cpu, &mut |_, _| true).expect("cpu map");
    let cpu_one = t.elapsed().as_secs_f64();
    report(&cpu.name(), cpu_one, points, cpu_par);

    let t = Instant::now();
    let mut gpu = GpuScorer::new_blocking();
    println!("  (adapter opened in {:.2} s)", t.elapsed().as_secs_f64());
    if !gpu.is_gpu() {
        println!("no GPU adapter: {}", gpu.name());
        return;
    }
    // The GPU map is the quickest row and moves most between runs: the best of three.
    let mut gpu_secs = f64::INFINITY;
    let mut gpu_map = None;
    for _ in 0..3 {
        let t = Instant::now();
        gpu_map = Some(consensus_map(&cfg, &mut gpu, &mut |_, _| true).expect("gpu map"));
        gpu_secs = gpu_secs.min(t.elapsed().as_secs_f64());
    }
    let gpu_map = gpu_map.expect("three runs");
    report(
        &format!("{} (best of 3)", gpu.name()),
        gpu_secs,
        points,
        cpu_par,
    );
    let worst = cpu_map
        .rows
        .iter()
        .zip(&gpu_map.rows)
        .map(|(a, b)| (a.major_ratio - b.major_ratio).abs())
        .fold(0.0f64, f64::max);
    println!("  largest |E_H gpu − cpu| over the grid: {worst:.2e}");

    // Scoring alone: one batch of the grid's shape, random weights.
    let batch = sample_batch(&cfg, BATCH);
    let t = Instant::now();
    CpuScorer::default().score(&batch).expect("cpu");
    let cpu_score = t.elapsed().as_secs_f64();
    gpu.score(&batch).expect("gpu warm-up");
    let reps = 3;
    let t = Instant::now();
    for _ in 0..reps {
        gpu.score(&batch).expect("gpu");
    }
    let gpu_score = t.elapsed().as_secs_f64() / reps as f64;
    println!(
        "scoring only, {BATCH} epochs: cpu (f64, 1 thread) {:.1} µs/epoch, {} {:.1} µs/epoch ({:.2}× the cpu)",
        cpu_score / BATCH as f64 * 1e6,
        gpu.name(),
        gpu_score / BATCH as f64 * 1e6,
        gpu_score / cpu_score
    );
}

fn report(name: &str, secs: f64, points: usize, baseline: f64) {
    println!(
        "{name:<60} {secs:8.2} s  {:8.1} µs/epoch  {:5.2}× cpu parallel",
        secs / points as f64 * 1e6,
        secs / baseline
    );
}

/// A batch of `count` epochs of the map's shape with uniform random weights and stakes.
fn sample_batch(cfg: &ConsensusMapConfig, count: usize) -> EpochBatch {
    let (v, n) = (cfg.validators, cfg.neurons - cfg.validators);
    let mut x = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x >> 11) as f64 / (1u64 << 53) as f64
    };
    EpochBatch {
        validators: v,
        servers: n,
        count,
        weights: (0..count * v * n).map(|_| next()).collect(),
        stakes: (0..count * v).map(|_| next()).collect(),
        variant: cfg.variant,
        params: cfg.params.clone(),
    }
}
