//! The consensus map's backend in the worker: WebGPU when the browser gives an adapter (a
//! hardware one, unless the user chose WebGPU), the CPU otherwise or when the user or the
//! variant asks for it, and a label that says which ran and why.

use crate::sweep::{run_map as run_on, BackendUsed, MapBackend};
use js_sys::{Function, Promise, Reflect};
use taolab::gpu::GpuScorer;
use taolab::study::consensus_map_async::Ready;
use taolab::study::{ConsensusMap, ConsensusMapConfig};
use taolab::yuma::batch::CpuScorer;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Runs the map on the backend `choice` allows and the browser offers; a WebGPU run that
/// fails part-way is run again on the CPU, saying so.
pub async fn run_map(
    cfg: &ConsensusMapConfig,
    choice: MapBackend,
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> (Result<ConsensusMap, String>, BackendUsed) {
    let why = match choice.cpu_reason(cfg.variant) {
        Some(why) => why.to_string(),
        None => match adapter().await {
            Err(why) => why,
            Ok((name, true)) if choice == MapBackend::Auto => format!(
                "the only WebGPU adapter, {name}, is a software fallback, slower than the CPU; choose WebGPU to use it"
            ),
            Ok((name, software)) => {
                let mut gpu = GpuScorer::new().await;
                match gpu.fallback_reason() {
                    Some(e) => format!("no WebGPU device: {}", crate::table::short(e, 80)),
                    None => match run_on(cfg, &mut gpu, progress).await {
                        Ok(map) => {
                            let kind = if software { ", software fallback" } else { "" };
                            let label = format!("WebGPU ({name}{kind})");
                            return (Ok(map), BackendUsed { gpu: true, label });
                        }
                        Err(e) => format!("WebGPU failed: {}", crate::table::short(&e, 80)),
                    },
                }
            }
        },
    };
    let run = run_on(cfg, &mut Ready(&mut CpuScorer::default()), progress).await;
    (run, BackendUsed::cpu(&why))
}

/// Asks `navigator.gpu` for an adapter: its name from `GPUAdapterInfo` (vendor,
/// architecture, device, description) and whether it is a software fallback; or why there
/// is none.
async fn adapter() -> Result<(String, bool), String> {
    let get = |o: &JsValue, k: &str| Reflect::get(o, &JsValue::from_str(k)).ok();
    let gpu = get(&js_sys::global(), "navigator")
        .and_then(|n| get(&n, "gpu"))
        .filter(|g| !g.is_undefined() && !g.is_null())
        .ok_or("no WebGPU in this browser")?;
    let request = get(&gpu, "requestAdapter")
        .and_then(|f| f.dyn_into::<Function>().ok())
        .ok_or("no WebGPU in this browser")?;
    let promise: Promise = request
        .call0(&gpu)
        .ok()
        .and_then(|p| p.dyn_into().ok())
        .ok_or("no WebGPU adapter")?;
    let adapter = JsFuture::from(promise)
        .await
        .map_err(|_| "no WebGPU adapter")?;
    if adapter.is_null() || adapter.is_undefined() {
        return Err("no WebGPU adapter".into());
    }
    let info = get(&adapter, "info").unwrap_or(JsValue::UNDEFINED);
    let mut parts: Vec<String> = Vec::new();
    for key in ["vendor", "architecture", "device", "description"] {
        if let Some(v) = get(&info, key).and_then(|v| v.as_string()) {
            let v = crate::table::short(v.trim(), 40);
            if !v.is_empty() && !parts.contains(&v) {
                parts.push(v);
            }
        }
    }
    let name = if parts.is_empty() {
        "an unnamed adapter".to_string()
    } else {
        parts.join(" ")
    };
    let software = get(&info, "isFallbackAdapter").and_then(|v| v.as_bool()) == Some(true);
    Ok((name, software))
}
