//! Blocks per second of the default 64-subnet world (one simulated day per iteration in
//! chain and float arithmetic); `make bench` prints them, and the README extrapolates a year
//! (2 628 000 blocks). `world-epoch/chain-subnet` times the chain epoch alone on one of the
//! default world's subnets (16 validators × 240 miners, carried bonds): a year runs it about
//! 64 × 2 628 000 / 360 ≈ 467 000 times. `chain/day-of-64-subnets/N-threads` runs the chain
//! world with the machine's N cores, the others computing epochs ahead of their block.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
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

criterion_group!(benches, world, world_epoch);
criterion_main!(benches);
