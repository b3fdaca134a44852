//! One float epoch of each research variant at 16×256, 64×1024 and 256×4096 (dense), and on
//! the real subnet-15 metagraph; against a baseline that streams the weight matrix from
//! memory five times, measured in the same run. Target: the 256×4096 epoch within 3× of the
//! baseline. The ratios are printed at the end.

use criterion::{criterion_group, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;
use std::time::{Duration, Instant};
use taolab::math::Dense;
use taolab::metagraph::Metagraph;
use taolab::yuma::research::{epoch, Workspace};
use taolab::yuma::{EpochOutput, Params, Variant};

const VARIANTS: [Variant; 5] = [
    Variant::Yuma1,
    Variant::Yuma2,
    Variant::Yuma2b,
    Variant::Yuma2c,
    Variant::Yuma3,
];
const SIZES: [(usize, usize); 3] = [(16, 256), (64, 1024), (256, 4096)];

fn random_input(v: usize, n: usize, seed: u64) -> (Dense, Vec<f64>) {
    let mut x = seed | 1;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut w = Dense::zeros(v, n);
    w.data.iter_mut().for_each(|e| *e = next());
    let s = (0..v).map(|_| next()).collect();
    (w, s)
}

/// Reads every weight five times: the memory-bandwidth floor of any dense epoch.
fn stream_five_times(w: &[f64]) -> f64 {
    let mut acc = [0.0f64; 4];
    for _ in 0..5 {
        for c in w.chunks_exact(4) {
            acc[0] += c[0];
            acc[1] += c[1];
            acc[2] += c[2];
            acc[3] += c[3];
        }
    }
    acc.iter().sum()
}

/// A steady-state epoch: previous output as state, buffers reused (ping-pong).
struct Runner {
    w: Dense,
    s: Vec<f64>,
    prev: EpochOutput,
    out: EpochOutput,
    ws: Workspace,
    params: Params,
    variant: Variant,
}

impl Runner {
    fn new(variant: Variant, w: Dense, s: Vec<f64>) -> Self {
        let params = Params::default();
        let mut ws = Workspace::default();
        let mut prev = EpochOutput::default();
        epoch(variant, &params, &w, &s, None, None, &mut prev, &mut ws).unwrap();
        Runner {
            w,
            s,
            prev,
            out: EpochOutput::default(),
            ws,
            params,
            variant,
        }
    }
    fn step(&mut self) {
        epoch(
            self.variant,
            &self.params,
            &self.w,
            &self.s,
            Some(&self.prev),
            None,
            &mut self.out,
            &mut self.ws,
        )
        .unwrap();
        std::mem::swap(&mut self.prev, &mut self.out);
    }
}

fn metagraph_input() -> (Dense, Vec<f64>) {
    let text = include_str!("../../data/metagraph-sn15-block4769998.json");
    let case = Metagraph::from_json(text)
        .unwrap()
        .to_case(1, Params::default())
        .unwrap();
    let ep = &case.epochs[0];
    (
        Dense::from_rows(&ep.weights, ep.weights[0].len()),
        ep.stakes.clone(),
    )
}

fn bench_epochs(c: &mut Criterion) {
    for (v, n) in SIZES {
        let mut g = c.benchmark_group(format!("epoch/{v}x{n}"));
        g.throughput(Throughput::Elements((v * n) as u64));
        let (w, s) = random_input(v, n, 7);
        g.bench_function("baseline: stream W 5x", |b| {
            b.iter(|| black_box(stream_five_times(black_box(&w.data))))
        });
        for variant in VARIANTS {
            let mut r = Runner::new(variant, w.clone(), s.clone());
            g.bench_function(BenchmarkId::from_parameter(variant), |b| {
                b.iter(|| r.step())
            });
        }
        g.finish();
    }
    let (w, s) = metagraph_input();
    let mut g = c.benchmark_group("epoch/metagraph-sn15 (11x256)");
    for variant in VARIANTS {
        let mut r = Runner::new(variant, w.clone(), s.clone());
        g.bench_function(BenchmarkId::from_parameter(variant), |b| {
            b.iter(|| r.step())
        });
    }
    g.finish();
}

fn median_time(mut f: impl FnMut(), reps: usize) -> Duration {
    f();
    let mut t: Vec<Duration> = (0..reps)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    t.sort();
    t[reps / 2]
}

/// Prints each variant's 256×4096 epoch against the 5× streaming baseline, same run.
fn ratio_report() {
    let (v, n) = (256, 4096);
    let (w, s) = random_input(v, n, 7);
    let base = median_time(|| drop(black_box(stream_five_times(&w.data))), 21);
    println!("\nratio report, {v}x{n} dense (median of 21): baseline stream-W-5x = {base:?}");
    for variant in VARIANTS {
        let mut r = Runner::new(variant, w.clone(), s.clone());
        let t = median_time(|| r.step(), 21);
        println!(
            "  {:<7} {:>10.3?}  ratio {:.2}x  (target <= 3x)",
            variant.as_str(),
            t,
            t.as_secs_f64() / base.as_secs_f64()
        );
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(2));
    targets = bench_epochs
}

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    ratio_report();
}
