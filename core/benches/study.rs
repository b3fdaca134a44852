//! The consensus-guarantee map (spec/consensus-guarantees.md): the full 11 × 51 × 51 =
//! 28,611-epoch study, timed once per variant (chain by default), and its ratio to one float
//! epoch of the same shape (64 validators × 448 servers, Yuma 2) measured in the same run.
//!
//! `cargo bench -p taolab --features parallel --bench study` (add `-- --quick` for the
//! chain map only). The target is under 10 s native on 2 cores (subtensor's docs report
//! about 15 minutes for theirs).

use std::time::{Duration, Instant};
use taolab::math::Dense;
use taolab::study::{consensus_map_cpu, ConsensusMapConfig};
use taolab::yuma::case::EpochOutput;
use taolab::yuma::research::{epoch, Workspace};
use taolab::yuma::{Params, Variant};

fn one_float_epoch() -> f64 {
    let (v, n) = (64, 448);
    let mut w = Dense::zeros(v, n);
    let mut x = 1u64;
    for e in w.data.iter_mut() {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        *e = ((x >> 33) % 1000) as f64 + 1.0;
    }
    let stakes: Vec<f64> = (0..v).map(|i| 1.0 + i as f64).collect();
    let params = Params::default();
    let mut out = EpochOutput::default();
    let mut ws = Workspace::default();
    let mut run = || {
        epoch(
            Variant::Yuma2,
            &params,
            &w,
            &stakes,
            None,
            None,
            &mut out,
            &mut ws,
        )
        .unwrap()
    };
    run();
    let start = Instant::now();
    let mut k = 0u32;
    while start.elapsed() < Duration::from_millis(500) {
        run();
        k += 1;
    }
    start.elapsed().as_secs_f64() / k as f64
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let one = one_float_epoch();
    println!("one float epoch (yuma2, 64 × 448): {:.1} µs", one * 1e6);
    let variants: &[Variant] = if quick {
        &[Variant::Chain]
    } else {
        &[Variant::Chain, Variant::Yuma2, Variant::Yuma3]
    };
    for &variant in variants {
        let cfg = ConsensusMapConfig {
            variant,
            ..ConsensusMapConfig::default()
        };
        let start = Instant::now();
        let map = consensus_map_cpu(&cfg, &mut |_, _| true).unwrap();
        let secs = start.elapsed().as_secs_f64();
        assert_eq!(map.rows.len(), 28_611);
        println!(
            "consensus map {variant:>6}: {} epochs in {secs:.2} s on {threads} threads \
             ({:.0} µs/epoch; {:.0}× one float epoch; target < 10 s)",
            map.rows.len(),
            secs / map.rows.len() as f64 * 1e6,
            secs / one
        );
    }
}
