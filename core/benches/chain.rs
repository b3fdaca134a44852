//! The chain-exact epoch at 256, 1024 and 4096 UIDs (64 validators), with sparse (64 weights
//! per validator) and dense (every UID) weights, Yuma3 and classic bonds; against a faithful
//! port of subtensor's own design (`Vec<Vec<(u16, I32F32)>>`, a quickselect per column, rows
//! densified to n columns) on the same input, measured in the same run. Results are checked
//! bit-identical before timing. Target: ≥ 5× faster than the port. Ratios are printed at the
//! end, with the float research epoch (`taolab::yuma::research::epoch`, Yuma3 for the Yuma3
//! cases and Yuma1 for classic bonds) on the same V×N weights, dense as it always is, in
//! steady state (previous output as state, buffers reused).

use criterion::{criterion_group, BenchmarkId, Criterion};
use std::hint::black_box;
use std::time::{Duration, Instant};
use taolab::yuma::chain::epoch::{epoch_with, Workspace};
use taolab::yuma::chain::port::epoch_port;
use taolab::yuma::chain::random::{random_input, RandomShape};
use taolab::yuma::chain::{ChainInput, ChainOutput};
use taolab::yuma::research;
use taolab::yuma::{EpochOutput, Params, Variant};

/// The float research epoch on the chain input's validator rows (V×N, u16/65535 weights,
/// stakes in rao as f64), one steady-state step per call.
struct Float {
    w: taolab::math::Dense,
    s: Vec<f64>,
    prev: EpochOutput,
    out: EpochOutput,
    ws: research::Workspace,
    params: Params,
    variant: Variant,
}

impl Float {
    fn new(input: &ChainInput) -> Float {
        let n = input.n;
        let v = VALIDATORS.min(n);
        let mut w = taolab::math::Dense::zeros(v, n);
        for (i, row) in input.weights.iter().take(v).enumerate() {
            for &(j, x) in row {
                w.data[i * n + j as usize] = x as f64 / 65535.0;
            }
        }
        let stake = input
            .stake
            .as_ref()
            .expect("random inputs carry total stake");
        let s = stake.iter().take(v).map(|&x| x as f64).collect();
        let variant = if input.yuma3_enabled {
            Variant::Yuma3
        } else {
            Variant::Yuma1
        };
        let mut f = Float {
            w,
            s,
            prev: EpochOutput::default(),
            out: EpochOutput::default(),
            ws: research::Workspace::default(),
            params: Params::default(),
            variant,
        };
        f.run(false);
        f
    }
    /// One epoch into `out` (from `prev` when `with_prev`), then `prev` ↔ `out`.
    fn run(&mut self, with_prev: bool) {
        research::epoch(
            self.variant,
            &self.params,
            &self.w,
            &self.s,
            with_prev.then_some(&self.prev),
            None,
            &mut self.out,
            &mut self.ws,
        )
        .unwrap();
        std::mem::swap(&mut self.prev, &mut self.out);
    }
    fn step(&mut self) {
        self.run(true);
    }
}

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

fn time_per_call(f: &mut dyn FnMut(), budget: Duration) -> f64 {
    let start = Instant::now();
    let mut k = 0u32;
    while start.elapsed() < budget || k < 3 {
        f();
        k += 1;
    }
    start.elapsed().as_nanos() as f64 / k as f64
}

/// Rounds of the table: each round times every function for [`ROUND`] in turn.
const ROUNDS: usize = 10;
const ROUND: Duration = Duration::from_millis(40);

/// Mean ns per call of each function, timed in interleaved rounds (one warm-up call each
/// first); per function the least of its rounds' means, the one least disturbed by other
/// work on a shared machine. Interleaving puts the functions compared in the same
/// conditions: a machine that slows down for a second slows all of them.
fn interleaved(fs: &mut [&mut dyn FnMut()]) -> Vec<f64> {
    for f in fs.iter_mut() {
        f();
    }
    let mut best = vec![f64::INFINITY; fs.len()];
    for _ in 0..ROUNDS {
        for (f, b) in fs.iter_mut().zip(best.iter_mut()) {
            *b = b.min(time_per_call(*f, ROUND));
        }
    }
    best
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

    println!(
        "\nchain epoch, ns per epoch (least of {ROUNDS} interleaved rounds of {} ms each; ratio = \
         port / taolab; chain/float = taolab / float research epoch on the same V×N):",
        ROUND.as_millis()
    );
    println!(
        "{:<26} {:>14} {:>16} {:>8} {:>14} {:>12}",
        "case", "taolab", "subtensor port", "ratio", "float", "chain/float"
    );
    for (name, input) in &cases {
        let mut ws = Workspace::default();
        let mut out = ChainOutput::default();
        let mut float = Float::new(input);
        let t = interleaved(&mut [
            &mut || epoch_with(black_box(input), &mut ws, &mut out),
            &mut || drop(black_box(epoch_port(black_box(input)))),
            &mut || float.step(),
        ]);
        let (ours, port, fl) = (t[0], t[1], t[2]);
        println!(
            "{name:<26} {ours:>14.0} {port:>16.0} {:>7.1}x {fl:>14.0} {:>11.2}x",
            port / ours,
            ours / fl
        );
    }
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
