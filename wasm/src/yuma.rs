//! Yuma: one epoch (float or chain-exact), a multi-epoch case, the built-in cases.

use crate::input::{js_error, output, read, COMPACT};
use crate::js::{bools, u16s, u64s, Obj};
use crate::progress::Progress;
use js_sys::{Array, Function};
use taolab::yuma::chain::{self, ChainInput, ChainOutput};
use taolab::yuma::{cases, run_case_with_progress, run_epoch, Case, EpochInput, Variant};
use wasm_bindgen::prelude::*;

fn variant(name: Option<String>) -> Result<Option<Variant>, JsValue> {
    name.as_deref()
        .map(str::parse::<Variant>)
        .transpose()
        .map_err(|e| js_error(e).into())
}

fn read_chain(input: JsValue) -> Result<ChainInput, JsValue> {
    Ok(read(input, "input", ChainInput::from_json)?)
}

/// Runs a multi-epoch case (the `taolab run` input, as JSON text or an object) and returns
/// the `taolab run` output in `form` (`crate::input::output`: compact or pretty JSON text, or
/// marked). `variant` overrides the case's, like `--variant`. `on_progress(done, total)` is
/// called after each epoch; returning `false` cancels.
#[wasm_bindgen(js_name = runCaseJson)]
pub fn run_case_json(
    input: JsValue,
    variant_name: Option<String>,
    form: u32,
    on_progress: Option<Function>,
) -> Result<JsValue, JsValue> {
    let v = variant(variant_name)?;
    let mut case: Case = read(input, "input", Case::from_json)?;
    if v.is_some() {
        case.variant = v;
    }
    let mut p = Progress::new(on_progress);
    let result = run_case_with_progress(&case, &mut |d, t| p.report(d as f64, t as f64));
    let out = p.finish(result)?;
    Ok(output(&out, form)?)
}

/// Runs one epoch and returns its output in `form` (`crate::input::output`), as
/// `taolab epoch [--variant V]` prints it: a float `EpochInput` for the research variants, a
/// `ChainInput` in on-chain units for `chain` (integers stay exact in the text).
#[wasm_bindgen(js_name = runEpochJson)]
pub fn run_epoch_json(
    input: JsValue,
    variant_name: Option<String>,
    form: u32,
) -> Result<JsValue, JsValue> {
    let v = variant(variant_name)?;
    if v == Some(Variant::Chain) {
        let out = chain::epoch(&read_chain(input)?).map_err(js_error)?;
        return Ok(output(&out, form)?);
    }
    let parsed: EpochInput = read(input, "input", EpochInput::from_json)?;
    let out = run_epoch(&parsed, v).map_err(js_error)?;
    Ok(output(&out, form)?)
}

/// The chain-exact epoch with typed results: rao amounts as `BigUint64Array`, u16
/// proportions as `Uint16Array`, bonds as `[uid, value][]` rows.
#[wasm_bindgen(js_name = runChainEpoch)]
pub fn run_chain_epoch(input: JsValue) -> Result<JsValue, JsValue> {
    let out = chain::epoch(&read_chain(input)?).map_err(js_error)?;
    Ok(chain_output(&out))
}

fn chain_output(out: &ChainOutput) -> JsValue {
    let bonds: Array = out
        .bonds
        .iter()
        .map(|row| {
            row.iter()
                .map(|&(uid, v)| {
                    let pair = Array::new();
                    pair.push(&JsValue::from(uid));
                    pair.push(&JsValue::from(v));
                    JsValue::from(pair)
                })
                .collect::<Array>()
        })
        .collect();
    let o = Obj::new();
    o.set("active", bools(&out.active))
        .set("validatorPermit", bools(&out.validator_permit))
        .set("stake", u64s(&out.stake))
        .set("stakeWeight", u16s(&out.stake_weight))
        .set("consensus", u16s(&out.consensus))
        .set("incentive", u16s(&out.incentive))
        .set("dividends", u16s(&out.dividends))
        .set("validatorTrust", u16s(&out.validator_trust))
        .set("serverEmission", u64s(&out.server_emission))
        .set("validatorEmission", u64s(&out.validator_emission))
        .set("emission", u64s(&out.emission))
        .set("bonds", bonds);
    o.into_value()
}

/// The built-in community cases as a JSON array of `run` inputs (with `name`, without
/// `variant`), in order: element k is case k+1, as `taolab cases --json k+1` prints it.
/// `form` as `crate::input::output` (compact text when absent).
#[wasm_bindgen(js_name = casesJson)]
pub fn cases_json(form: Option<u32>) -> Result<JsValue, JsValue> {
    Ok(output(&cases::all(), form.unwrap_or(COMPACT))?)
}

/// Number of built-in cases.
#[wasm_bindgen(js_name = caseCount)]
pub fn case_count() -> u32 {
    cases::COUNT as u32
}
