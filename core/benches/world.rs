//! Blocks per second of the default 64-subnet world (one simulated day per iteration in
//! chain and float arithmetic); `make bench` prints them, and the README extrapolates a year
//! (2 628 000 blocks). `world-epoch/chain-subnet` times the chain epoch alone on one of the
//! default world's subnets (16 validators × 240 miners, carried bonds): a year runs it about
//! 64 × 2 628 000 / 360 ≈ 467 000 times. `chain/day-of-64-subnets/N-threads` runs the chain
//! world with the machine's N cores, the others computing epochs ahead of their block.
//!
//! Then the target itself, once: a whole simulated year (2 628 000 blocks) of the default
//! network, from a fresh world, in chain arithmetic with the machine's cores and with one
//! thread, and in float arithmetic; seconds, blocks per second and the issuance reached are
//! printed against the target of under a minute. `TAOLAB_BENCH_YEAR=0` skips it (about
//! 2–3 minutes), `TAOLAB_BENCH_YEAR=N` runs N blocks instead.

use criterion::{criterion_group, Criterion, Throughput};
use std::hint::black_box;
use std::time::Instant;
use taolab::world::{default_scenario, Arithmetic, World};
use taolab::yuma::chain::epoch::epoch_with;
use taolab::yuma::chain::{ChainInput, ChainOutput, Workspace};

fn world(c: &mut Criterion) {
    let mut g = c.benchmark_group("world");
    g.sample_size(10);
    let blocks = 7_200u64;
    g.throughput(Throughput::Elements(blocks));
    for (name, arith) in [("chain", Arithmetic::Chain), ("float", Arithmetic::Float)] {
        let mut sc = default_scenario();
        sc.arithmetic = arith;
        sc.record_every = 360;
        let base = World::new(&sc, 1).expect("default scenario");
        g.bench_function(format!("{name}/day-of-64-subnets"), |b| {
            b.iter(|| {
                let mut w = base.clone();
                w.step(blocks).expect("step");
                black_box(w.issuance())
            })
        });
    }
    // Chain epochs computed ahead on the machine's other cores (identical results).
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads > 1 {
        let mut sc = default_scenario();
        sc.record_every = 360;
        let base = World::new(&sc, 1).expect("default scenario");
        g.bench_function(format!("chain/day-of-64-subnets/{threads}-threads"), |b| {
            b.iter(|| {
                let mut w = base.clone();
                w.set_threads(threads);
                w.step(blocks).expect("step");
                black_box(w.issuance())
            })
        });
    }
    g.finish();
}

/// The chain input the world builds for subnet 1 after a few epochs.
fn world_chain_input() -> ChainInput {
    let mut sc = default_scenario();
    sc.record_every = 360;
    let mut w = World::new(&sc, 1).expect("default scenario");
    w.step(1_500).expect("step");
    let s = &w.subnets()[0];
    let n = s.neurons.len();
    let mut st = s.chain.clone();
    for r in &s.rows {
        st.set_weights(r.uid as usize, &r.entries, w.block());
    }
    let mut inp = ChainInput::new(n, w.block(), 1_000_000_000_000);
    inp.stake = Some(s.neurons.stake.clone());
    inp.max_allowed_validators = s.max_validators;
    st.fill_input(&mut inp);
    inp.validate().expect("valid");
    inp
}

fn world_epoch(c: &mut Criterion) {
    let mut g = c.benchmark_group("world-epoch");
    let inp = world_chain_input();
    let mut ws = Workspace::default();
    let mut out = ChainOutput::default();
    g.throughput(Throughput::Elements(1));
    g.bench_function("chain-subnet", |b| {
        b.iter(|| {
            epoch_with(black_box(&inp), &mut ws, &mut out);
            black_box(out.emission[0])
        })
    });
    g.finish();
}

/// One simulated year (or `blocks`) of the default network from a fresh world: the target of
/// DESIGN.md (under a minute, native).
fn year_report(blocks: u64) {
    const YEAR: u64 = 2_628_000;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut runs = vec![("chain", Arithmetic::Chain, threads)];
    if threads > 1 {
        runs.push(("chain", Arithmetic::Chain, 1));
    }
    runs.push(("float", Arithmetic::Float, 1));
    println!(
        "\nyear report: {blocks} blocks of the default 64-subnet world (a year is {YEAR}); \
         target: a year in under 60 s"
    );
    for (name, arith, threads) in runs {
        let mut sc = default_scenario();
        sc.arithmetic = arith;
        sc.record_every = 7_200;
        let mut w = World::new(&sc, 1).expect("default scenario");
        w.set_threads(threads);
        let start = Instant::now();
        w.step(blocks).expect("step");
        let secs = start.elapsed().as_secs_f64();
        let year = secs * YEAR as f64 / blocks as f64;
        println!(
            "  {name}, {threads} thread{}: {secs:>7.2} s, {:>9.0} blocks/s, a year in {year:.1} s \
             ({}); issuance {} rao",
            if threads == 1 { " " } else { "s" },
            blocks as f64 / secs,
            if year < 60.0 { "met" } else { "missed" },
            w.issuance()
        );
    }
}

criterion_group!(benches, world, world_epoch);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    let blocks = match std::env::var("TAOLAB_BENCH_YEAR").ok().as_deref() {
        None | Some("") => 2_628_000,
        Some(v) => v
            .parse()
            .expect("TAOLAB_BENCH_YEAR: a number of blocks (0 skips)"),
    };
    if blocks > 0 {
        year_report(blocks);
    }
}
