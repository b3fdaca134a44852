//! The chain-exact epoch at 256, 1024 and 4096 UIDs (64 validators), with sparse (64 weights
//! per validator) and dense (every UID) weights, Yuma3 and classic bonds; against a faithful
//! port of subtensor's own design (`Vec<Vec<(u16, I32F32)>>`, a quickselect per column, rows
//! densified to n columns) on the same input, measured in the same run. Results are checked
//! bit-identical before timing. Target: ≥ 5× faster than the port. Ratios are printed at the
//! end.

use criterion::{criterion_group, BenchmarkId, Criterion};
use std::hint::black_box;
use std::time::{Duration, Instant};
use taolab::yuma::chain::epoch::{epoch_with, Workspace};
use taolab::yuma::chain::port::epoch_port;
use taolab::yuma::chain::random::{random_input, RandomShape};
use taolab::yuma::chain::{ChainInput, ChainOutput};

const SIZES: [usize; 3] = [256, 1024, 4096];
const VALIDATORS: usize = 64;

fn inputs() -> Vec<(String, ChainInput)> {
    let mut v = Vec::new();
    for &n in &SIZES {
        for (kind, per_row) in [("sparse", 64), ("dense", n)] {
            for yuma3 in [true, false] {
                let mut input = random_input(
                    RandomShape {
                        n,
                        validators: VALIDATORS,
                        per_row,
                        wild: false,
                    },
                    n as u64,
                );
                input.yuma3_enabled = yuma3;
                v.push((
                    format!("{n}/{kind}/{}", if yuma3 { "yuma3" } else { "classic" }),
                    input,
                ));
            }
        }
    }
    v
}

fn time_per_call(mut f: impl FnMut(), budget: Duration) -> f64 {
    f();
    let start = Instant::now();
    let mut k = 0u32;
    while start.elapsed() < budget || k < 3 {
        f();
        k += 1;
    }
    start.elapsed().as_nanos() as f64 / k as f64
}

fn bench(c: &mut Criterion) {
    let cases = inputs();
    let mut group = c.benchmark_group("chain_epoch");
    group.sample_size(10);
    for (name, input) in &cases {
        let mut ws = Workspace::default();
        let mut out = ChainOutput::default();
        epoch_with(input, &mut ws, &mut out);
        assert_eq!(out, epoch_port(input), "{name}: fast epoch and port differ");
        group.bench_with_input(BenchmarkId::new("taolab", name), input, |b, input| {
            b.iter(|| epoch_with(black_box(input), &mut ws, &mut out))
        });
        group.bench_with_input(
            BenchmarkId::new("subtensor_port", name),
            input,
            |b, input| b.iter(|| epoch_port(black_box(input))),
        );
    }
    group.finish();

    println!("\nchain epoch, ns per epoch (same run; ratio = port / taolab):");
    println!(
        "{:<26} {:>14} {:>16} {:>8}",
        "case", "taolab", "subtensor port", "ratio"
    );
    for (name, input) in &cases {
        let mut ws = Workspace::default();
        let mut out = ChainOutput::default();
        let ours = time_per_call(
            || epoch_with(black_box(input), &mut ws, &mut out),
            Duration::from_millis(400),
        );
        let port = time_per_call(
            || drop(black_box(epoch_port(black_box(input)))),
            Duration::from_millis(400),
        );
        println!("{name:<26} {ours:>14.0} {port:>16.0} {:>7.1}x", port / ours);
    }
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
