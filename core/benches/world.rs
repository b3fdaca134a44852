//! Blocks per second of the default 64-subnet world (one simulated day per iteration in
//! chain and float arithmetic); `make bench` prints them, and the README extrapolates a year
//! (2 628 000 blocks).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use taolab::world::{default_scenario, Arithmetic, World};

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
    g.finish();
}

criterion_group!(benches, world);
criterion_main!(benches);
