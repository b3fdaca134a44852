//! Studies: parameter sweeps and the consensus-guarantee map, with progress callbacks.

use crate::input::{read, to_json};
use crate::js::{f64s, Obj};
use crate::progress::Progress;
use js_sys::Function;
use taolab::limits::MAX_INPUT_BYTES;
use taolab::study::sweep::{run_sweep, Shard, SweepFormat, SweepSpec};
use taolab::study::{consensus_map_cpu, ConsensusMapConfig};
use taolab::Error;
use wasm_bindgen::prelude::*;

/// Runs a sweep (a `taolab sweep --grid` spec, JSON text or object) and returns its long
/// table as the CLI writes it: CSV (default) or JSON lines (`format: "jsonl"`), for the
/// whole sweep or shard `i/n`. `on_progress(done, total)` counts runs; `false` cancels.
#[wasm_bindgen(js_name = sweepText)]
pub fn sweep_text(
    spec: JsValue,
    format: Option<String>,
    shard: Option<String>,
    on_progress: Option<Function>,
) -> Result<String, JsValue> {
    let spec: SweepSpec = read(spec, "spec", SweepSpec::from_json)?;
    let format =
        SweepFormat::parse(format.as_deref().unwrap_or("csv")).map_err(crate::input::js_error)?;
    let shard = match shard.as_deref() {
        Some(s) => Shard::parse(s).map_err(crate::input::js_error)?,
        None => Shard::default(),
    };
    let mut p = Progress::new(on_progress);
    let result = run_sweep(&spec, shard, format, &mut |d, t| {
        p.report(d as f64, t as f64)
    });
    p.finish(result)
}

fn config_from_json(text: &str) -> taolab::Result<ConsensusMapConfig> {
    if text.len() > MAX_INPUT_BYTES {
        return Err(Error::too_large("input", text.len(), MAX_INPUT_BYTES));
    }
    let cfg: ConsensusMapConfig = serde_json::from_str(text)?;
    cfg.validate()?;
    Ok(cfg)
}

/// The consensus-guarantee map (`taolab sweep consensus-map`): the configuration (JSON text
/// or object; none is the study as specified, chain variant), run on the CPU. Returns the
/// rows as `Float64Array` columns, the configuration used, and the CLI's CSV text.
#[wasm_bindgen(js_name = consensusMap)]
pub fn consensus_map(config: JsValue, on_progress: Option<Function>) -> Result<JsValue, JsValue> {
    let cfg = if config.is_null() || config.is_undefined() {
        ConsensusMapConfig::default()
    } else {
        read(config, "config", config_from_json)?
    };
    let mut p = Progress::new(on_progress);
    let result = consensus_map_cpu(&cfg, &mut |d, t| p.report(d as f64, t as f64));
    let map = p.finish(result)?;
    let col = |f: fn(&taolab::study::ConsensusRow) -> f64| {
        f64s(&map.rows.iter().map(f).collect::<Vec<f64>>())
    };
    let o = Obj::new();
    o.set(
        "config",
        js_sys::JSON::parse(&to_json(&map.config, false)?)?,
    )
    .set("majorStake", col(|r| r.major_stake))
    .set("majorWeight", col(|r| r.major_weight))
    .set("minorWeight", col(|r| r.minor_weight))
    .set("weightDev", col(|r| r.weight_dev))
    .set("majorRatio", col(|r| r.major_ratio))
    .set("csv", map.to_csv());
    Ok(o.into_value())
}
