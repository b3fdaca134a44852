//! The native side of `scripts/npm.sh bench`: the same inputs and calls as the wasm's
//! `__benchEpoch` / `__benchCases`, timed with `Instant`. Prints one JSON object.
use std::time::Instant;
use taolab::yuma::Variant;
use taolab_wasm::bench;

/// Repetitions of the 22 cases, and the blocks of the world (as in bench.mjs).
const CASE_REPS: u32 = 20;
const WORLD_BLOCKS: u64 = 7_200;

fn main() -> Result<(), taolab::Error> {
    let reps = 10;
    let mut epoch = Vec::new();
    let input = bench::epoch_input(256, 4096, 7);
    for v in Variant::ALL.iter().filter(|v| **v != Variant::Chain) {
        bench::epochs(&input, *v, 1)?;
        let t = Instant::now();
        bench::epochs(&input, *v, reps)?;
        let ms = t.elapsed().as_secs_f64() * 1e3 / reps as f64;
        epoch.push(format!("\"{v}\": {ms:.3}"));
    }
    let mut cases = Vec::new();
    for v in Variant::ALL {
        bench::all_cases(v)?;
        let t = Instant::now();
        for _ in 0..CASE_REPS {
            bench::all_cases(v)?;
        }
        let ms = t.elapsed().as_secs_f64() * 1e3 / CASE_REPS as f64;
        cases.push(format!("\"{v}\": {ms:.3}"));
    }
    let t = Instant::now();
    bench::world(WORLD_BLOCKS)?;
    let world = t.elapsed().as_secs_f64() * 1e3;
    println!(
        "{{\"epoch256x4096\": {{{}}}, \"cases\": {{{}}}, \"world\": {world:.1}}}",
        epoch.join(", "),
        cases.join(", ")
    );
    Ok(())
}
