//! The wasm-against-native bench (`scripts/npm.sh bench`): the same deterministic inputs and
//! the same calls on both sides, so the two timings compare. Not part of the documented API.

use taolab::yuma::{cases, run_case, run_epoch, EpochInput, Variant};
use wasm_bindgen::prelude::*;

/// A dense `v × n` epoch input with xorshift weights and stakes in [0, 1) (as
/// core/benches/epoch.rs draws them).
pub fn epoch_input(v: usize, n: usize, seed: u64) -> EpochInput {
    let mut x = seed | 1;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x >> 11) as f64 / (1u64 << 53) as f64
    };
    let weights = (0..v).map(|_| (0..n).map(|_| next()).collect()).collect();
    let stakes = (0..v).map(|_| next()).collect();
    EpochInput {
        weights,
        stakes,
        ..EpochInput::default()
    }
}

/// Runs `run_epoch` on `input` `reps` times with `variant`; returns a checksum of the
/// incentive so the work cannot be skipped.
pub fn epochs(input: &EpochInput, variant: Variant, reps: u32) -> taolab::Result<f64> {
    let mut sum = 0.0;
    for _ in 0..reps {
        let out = run_epoch(input, Some(variant))?;
        sum += out.incentive.iter().sum::<f64>();
    }
    Ok(sum)
}

/// Runs every built-in case under `variant` (`run_case`, outputs dropped); returns the
/// number of epochs run.
pub fn all_cases(variant: Variant) -> taolab::Result<usize> {
    let mut epochs = 0;
    for mut c in cases::all() {
        c.variant = Some(variant);
        epochs += run_case(&c)?.epochs.len();
    }
    Ok(epochs)
}

/// `performance.now()` where the host has it (Node, browsers, workers), else `Date.now()`.
fn now_ms() -> f64 {
    use wasm_bindgen::JsCast;
    let perf = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("performance")).ok();
    perf.and_then(|p| {
        let now = js_sys::Reflect::get(&p, &JsValue::from_str("now")).ok()?;
        now.dyn_into::<js_sys::Function>()
            .ok()?
            .call0(&p)
            .ok()?
            .as_f64()
    })
    .unwrap_or_else(js_sys::Date::now)
}

/// Builds the default 64-subnet world and steps it `blocks` blocks; returns the issuance.
pub fn world(blocks: u64) -> taolab::Result<u64> {
    let sc = taolab::world::default_scenario();
    let mut w = taolab::world::World::new(&sc, 0)?;
    w.step(blocks)?;
    Ok(w.issuance())
}

/// Milliseconds to build the default world and step it `blocks` blocks, inside the wasm.
#[wasm_bindgen(js_name = __benchWorld)]
pub fn bench_world(blocks: u32) -> Result<f64, JsValue> {
    let t = now_ms();
    world(blocks as u64).map_err(crate::input::js_error)?;
    Ok(now_ms() - t)
}

/// Milliseconds per epoch of a `v × n` float epoch (mean over `reps`), inside the wasm.
#[wasm_bindgen(js_name = __benchEpoch)]
pub fn bench_epoch(v: u32, n: u32, variant: &str, reps: u32) -> Result<f64, JsValue> {
    let variant: Variant = variant.parse().map_err(crate::input::js_error)?;
    let input = epoch_input(v as usize, n as usize, 7);
    epochs(&input, variant, 1).map_err(crate::input::js_error)?;
    let t = now_ms();
    epochs(&input, variant, reps.max(1)).map_err(crate::input::js_error)?;
    Ok((now_ms() - t) / reps.max(1) as f64)
}

/// Milliseconds to run the 22 cases under `variant` (mean over `reps`), inside the wasm.
#[wasm_bindgen(js_name = __benchCases)]
pub fn bench_cases(variant: &str, reps: u32) -> Result<f64, JsValue> {
    let variant: Variant = variant.parse().map_err(crate::input::js_error)?;
    all_cases(variant).map_err(crate::input::js_error)?;
    let t = now_ms();
    for _ in 0..reps.max(1) {
        all_cases(variant).map_err(crate::input::js_error)?;
    }
    Ok((now_ms() - t) / reps.max(1) as f64)
}
