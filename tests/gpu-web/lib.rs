//! `parity(count)`: opens the GPU scorer through WebGPU (or its CPU fallback), scores `count`
//! random epochs of the consensus map's shape (64 × 448, Yuma 2) and returns, as JSON, the
//! backend's name, whether a GPU ran, the largest |gpu − cpu| and the two scoring times.

use taolab::gpu::{GpuScorer, TOLERANCE};
use taolab::yuma::batch::{BatchOutput, BatchScorer, CpuScorer, EpochBatch};
use taolab::yuma::{Params, Variant};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn now() -> f64;
}

fn batch(count: usize, variant: Variant) -> EpochBatch {
    let (v, n) = (64, 448);
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
        variant,
        params: Params::default(),
    }
}

fn max_diff(a: &BatchOutput, b: &BatchOutput) -> f64 {
    let pairs = a
        .consensus
        .iter()
        .zip(&b.consensus)
        .chain(a.incentive.iter().zip(&b.incentive))
        .chain(a.dividends.iter().zip(&b.dividends));
    pairs.map(|(x, y)| (x - y).abs()).fold(0.0, f64::max)
}

/// Scores `count` epochs under Yuma 2 and Yuma 3 on the GPU and on the CPU.
#[wasm_bindgen]
pub async fn parity(count: usize) -> Result<String, JsValue> {
    let err = |e: taolab::Error| JsValue::from_str(&e.to_string());
    let t = now();
    let mut gpu = GpuScorer::new().await;
    let open_ms = now() - t;
    let mut worst = 0.0f64;
    let (mut gpu_ms, mut cpu_ms) = (0.0, 0.0);
    for variant in [Variant::Yuma2, Variant::Yuma3] {
        let b = batch(count, variant);
        let t = now();
        let got = gpu.score_async(&b).await.map_err(err)?;
        gpu_ms += now() - t;
        let t = now();
        let want = CpuScorer::default().score(&b).map_err(err)?;
        cpu_ms += now() - t;
        worst = worst.max(max_diff(&got, &want));
    }
    Ok(format!(
        "{{\"backend\":{:?},\"gpu\":{},\"maxDiff\":{worst:e},\"tolerance\":{TOLERANCE:e},\
         \"openMs\":{open_ms:.1},\"gpuMs\":{gpu_ms:.1},\"cpuMs\":{cpu_ms:.1},\"epochs\":{}}}",
        gpu.name(),
        gpu.is_gpu(),
        2 * count
    ))
}
