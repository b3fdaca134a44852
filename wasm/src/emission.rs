//! The issuance and halving schedule.

use crate::input::js_error;
use crate::js::{big, opt, Obj};
use js_sys::Array;
use taolab::emission::schedule::parse_date;
use taolab::emission::{emission_schedule as schedule, ScheduleStart};
use taolab::Error;
use wasm_bindgen::prelude::*;

/// Most halvings listed (as `taolab schedule --halvings`).
const MAX_HALVINGS: u32 = 64;

/// The halving schedule from a reference point (default: the first halving, issuance
/// 10.5M TAO, block 7 111 749 on 2025-12-14), with `recycled_per_block` rao returned to
/// the supply each block. Rows as in `taolab schedule --format json`, rao and blocks as
/// `BigInt`, `unixSeconds` as a number.
#[wasm_bindgen(js_name = emissionSchedule)]
pub fn emission_schedule(
    from_block: Option<u64>,
    from_date: Option<String>,
    issuance: Option<u64>,
    recycled_per_block: Option<u64>,
    halvings: Option<u32>,
) -> Result<Array, JsValue> {
    let mut start = ScheduleStart::default();
    if let Some(b) = from_block {
        start.block = b;
    }
    if let Some(i) = issuance {
        start.issuance = i;
    }
    if let Some(d) = &from_date {
        start.unix_seconds = parse_date(d).ok_or_else(|| {
            JsValue::from(js_error(Error::invalid(
                "fromDate",
                format!("'{d}' is not a YYYY-MM-DD date"),
            )))
        })?;
    }
    let rows = schedule(
        start,
        recycled_per_block.unwrap_or(0),
        halvings.unwrap_or(8).min(MAX_HALVINGS) as usize,
    );
    Ok(rows
        .iter()
        .map(|r| {
            let o = Obj::new();
            o.set("halving", r.halving)
                .set("issuanceThreshold", big(r.issuance_threshold))
                .set("block", r.block.map_or(JsValue::NULL, big))
                .set("unixSeconds", opt(r.unix_seconds.map(|s| s as f64)))
                .set("date", opt(r.date.clone()))
                .set("emissionPerBlock", big(r.emission_per_block))
                .set("emissionPerDay", big(r.emission_per_day))
                .set("passed", r.passed);
            o.into_value()
        })
        .collect())
}
