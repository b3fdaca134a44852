//! The raw layer in a real JS engine: Node (`wasm-bindgen-test-runner`) and headless Chromium
//! (`WASM_BINDGEN_USE_BROWSER=1`). `scripts/npm.sh test` runs both.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, BigUint64Array, Function, Reflect, Uint16Array, JSON};
use taolab_wasm::{
    cases_json, consensus_map, emission_schedule, run_case_json, run_chain_epoch, run_epoch_json,
    sweep_text, WorldHandle,
};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

/// JSON text (a `&str`, or a JS string as the raw exports return it) parsed by `JSON.parse`.
fn parse(text: impl AsText) -> JsValue {
    JSON::parse(&text.text()).expect("test JSON parses")
}

trait AsText {
    fn text(&self) -> String;
}

impl AsText for &str {
    fn text(&self) -> String {
        self.to_string()
    }
}

impl AsText for &String {
    fn text(&self) -> String {
        self.to_string()
    }
}

impl AsText for &JsValue {
    fn text(&self) -> String {
        self.as_string().expect("a JSON text result")
    }
}

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(key)).expect("property")
}

fn message(e: JsValue) -> String {
    e.dyn_into::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .unwrap_or_else(|v| format!("not an Error: {v:?}"))
}

fn case1() -> JsValue {
    let all = parse(&cases_json(None).expect("cases"));
    Array::from(&all).get(0)
}

#[wasm_bindgen_test]
fn cases_are_the_22_run_inputs() {
    let all = Array::from(&parse(&cases_json(None).expect("cases")));
    assert_eq!(all.length(), 22);
    let c = all.get(0);
    assert_eq!(
        get(&c, "name").as_string().as_deref(),
        Some("Case 1 - kappa moves first")
    );
    assert!(get(&c, "variant").is_undefined());
    assert_eq!(Array::from(&get(&c, "epochs")).length(), 40);
}

#[wasm_bindgen_test]
fn run_case_object_equals_run_case_text() {
    // An object (read as its JSON.stringify text) and the text give the same output, to
    // the byte.
    let c = case1();
    let text = String::from(JSON::stringify(&c).expect("stringify"));
    for v in ["yuma1", "yuma2", "yuma2b", "yuma2c", "yuma3", "chain"] {
        let a = run_case_json(c.clone(), Some(v.into()), 0, None).expect("object");
        let b = run_case_json(JsValue::from_str(&text), Some(v.into()), 0, None).expect("text");
        assert_eq!(a, b, "{v}");
    }
}

#[wasm_bindgen_test]
fn case1_yuma2_values() {
    // Case 1, epoch 0: two validators at 0.8/0.1/0.1 stake, all on server 1 → the whole
    // incentive to S1; dividends follow stake (D̂ = D/(ΣD+1e-6)).
    let out = parse(&run_case_json(case1(), Some("yuma2".into()), 0, None).expect("run"));
    assert_eq!(get(&out, "variant").as_string().as_deref(), Some("yuma2"));
    let e0 = Array::from(&get(&out, "epochs")).get(0);
    let inc: Vec<f64> = Array::from(&get(&e0, "incentive"))
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect();
    assert_eq!(inc, vec![1.0, 0.0]);
    let div: Vec<f64> = Array::from(&get(&e0, "dividends"))
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect();
    assert!(
        (div[0] - 0.8).abs() < 1e-5 && (div[1] - 0.1).abs() < 1e-5,
        "{div:?}"
    );
}

#[wasm_bindgen_test]
fn errors_carry_the_cli_messages() {
    let bad =
        |json: &str| message(run_case_json(parse(json), None, 0, None).expect_err("must fail"));
    assert_eq!(
        bad(r#"{"epochs":[{"weights":[[1,-1]],"stakes":[1]}]}"#),
        "epochs[0].weights[0][1] is negative (-1)"
    );
    assert_eq!(
        bad(r#"{"epochs":[{"weights":[[1,1],[1,1]],"stakes":[1]}]}"#),
        "epochs[0].stakes has 1 entries, epochs[0].weights has 2 rows"
    );
    assert!(bad(r#"{"epochs":[],"bogus":1}"#).starts_with("invalid input: unknown field `bogus`"));
    let text =
        run_case_json(JsValue::from_str("{\"epochs\": [}"), None, 0, None).expect_err("syntax");
    assert!(message(text).starts_with("invalid input: epochs[0]: expected value at line 1"));
    let v = run_case_json(case1(), Some("yuma9".into()), 0, None).expect_err("variant");
    assert_eq!(
        message(v),
        "variant: unknown value 'yuma9' (expected one of: yuma1, yuma2, yuma2b, yuma2c, yuma3, chain)"
    );
    let e = run_epoch_json(JsValue::from_f64(3.0), None, 0).expect_err("number");
    assert_eq!(message(e), "input must be a JSON string or an object");
}

#[wasm_bindgen_test]
fn progress_is_reported_and_can_cancel() {
    let seen = Array::new();
    let record = Function::new_with_args("done, total", "this.push([done, total]);");
    let record = record.bind0(&seen);
    run_case_json(case1(), None, 0, Some(record)).expect("run");
    assert_eq!(seen.length(), 40);
    let stop = Function::new_with_args("done, total", "return done < 3;");
    assert!(run_case_json(case1(), None, 0, Some(stop)).is_err());
    let throw = Function::new_no_args("throw new RangeError('stop here');");
    let e = run_case_json(case1(), None, 0, Some(throw)).expect_err("thrown");
    assert!(e.is_instance_of::<js_sys::RangeError>());
}

#[wasm_bindgen_test]
fn float_epoch() {
    let out = parse(
        &run_epoch_json(
            parse(r#"{"weights":[[1,0],[0,1]],"stakes":[3,1]}"#),
            Some("yuma3".into()),
            0,
        )
        .expect("epoch"),
    );
    let stake: Vec<f64> = Array::from(&get(&out, "stake"))
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect();
    assert_eq!(stake, vec![0.75, 0.25]);
}

/// Stakes near 1e18 rao (above 2^53) as digits in, BigUint64Array out: nothing is rounded.
/// (The JS wrapper writes a bigint as its digits and a number beyond 2^53 in exponent form;
/// this is that text.)
#[wasm_bindgen_test]
fn chain_epoch_keeps_u64_exact() {
    let text = |emission: &str| {
        format!(
            r#"{{"n":3,"block":1000,"lastUpdate":[999,999,999],"blockAtRegistration":[0,0,0],
            "validatorPermit":[true,true,false],"weights":[[[2,65535]],[[2,65535]],[]],
            "stake":[999999999999999999,1000000000000000001,7],"raoEmission":{emission}}}"#
        )
    };
    let big = [999_999_999_999_999_999u64, 1_000_000_000_000_000_001, 7];
    let out = run_chain_epoch(JsValue::from_str(&text(&u64::MAX.to_string()))).expect("chain");
    let s = BigUint64Array::from(get(&out, "stake"));
    assert_eq!(s.to_vec(), big.to_vec());
    let emission = BigUint64Array::from(get(&out, "emission")).to_vec();
    let total: u128 = emission.iter().map(|&x| x as u128).sum();
    assert!(total <= u64::MAX as u128 && total > (u64::MAX as u128) * 99 / 100);
    let inc = Uint16Array::from(get(&out, "incentive")).to_vec();
    assert_eq!(inc, vec![0, 0, 65535]);
    // 2^60 as a JS number, in the wrapper's exponent form: refused as a u64 amount.
    let e = run_chain_epoch(JsValue::from_str(&text("1.152921504606846976e+18")));
    let e = message(e.expect_err("unsafe number"));
    assert!(e.contains("expected u64"), "{e}");
    // A raw object holding a bigint cannot be written by JSON.stringify: a clear error.
    let input = parse(&text("1"));
    Reflect::set(&input, &"raoEmission".into(), &JsValue::from(u64::MAX)).expect("set");
    let e = message(run_chain_epoch(input).expect_err("bigint in a raw object"));
    assert_eq!(
        e,
        "input holds a value JSON.stringify cannot write (a bigint?); pass JSON text"
    );
}

#[wasm_bindgen_test]
fn chain_epoch_json_text_is_exact() {
    let text = r#"{"n":2,"block":10,"lastUpdate":[9,9],"blockAtRegistration":[0,0],
        "stake":[999999999999999999,1],"validatorPermit":[true,false],
        "weights":[[[1,65535]],[]],"raoEmission":999999999999999999}"#;
    let out = run_epoch_json(JsValue::from_str(text), Some("chain".into()), 0).expect("chain");
    let out = out.as_string().expect("text");
    assert!(out.contains("\"stake\":[999999999999999999,1]"), "{out}");
}

#[wasm_bindgen_test]
fn schedule_rows() {
    let rows = emission_schedule(None, None, None, None, Some(3)).expect("schedule");
    assert_eq!(rows.length(), 4);
    let first = rows.get(1);
    assert_eq!(
        get(&first, "date").as_string().as_deref(),
        Some("2025-12-14")
    );
    assert_eq!(
        u64::try_from(get(&first, "issuanceThreshold")).expect("bigint"),
        10_500_000_000_000_000
    );
    let e = emission_schedule(None, Some("14/12/2025".into()), None, None, None).expect_err("date");
    assert_eq!(message(e), "fromDate '14/12/2025' is not a YYYY-MM-DD date");
}

#[wasm_bindgen_test]
fn world_steps_and_records() {
    let scenario = include_str!("../../examples/world-two-subnets.json");
    let mut w = WorldHandle::new(JsValue::from_str(scenario), Some(1)).expect("world");
    let start = w.block();
    assert_eq!(w.step(1_000, None).expect("step"), 1_000);
    assert_eq!(w.block(), start + 1_000);
    let blocks = get(&w.block_series(), "issuance");
    let issuance = BigUint64Array::from(blocks).to_vec();
    assert_eq!(issuance.len(), 1_000);
    assert!(issuance.windows(2).all(|p| p[0] <= p[1]));
    assert_eq!(issuance.last().copied(), Some(w.issuance()));
    let minted = u128::try_from(get(&w.ledger(), "taoMinted")).expect("bigint");
    assert!(minted > 0);
    assert_eq!(w.subnets().length(), 2);
    let bad = WorldHandle::new(parse(r#"{"subnets":[],"bogus":1}"#), None);
    assert!(message(bad.err().expect("unknown field")).contains("unknown field `bogus`"));
}

#[wasm_bindgen_test]
fn sweep_and_map() {
    let spec = r#"{"study":"weight-copying-cr","grid":{"kappa":[0.5,0.6]},"seed":1,"every":10}"#;
    let csv = sweep_text(JsValue::from_str(spec), None, None, None).expect("sweep");
    assert!(csv.starts_with("run,point,repetition,seed,kappa,epoch,metric,value\n"));
    let half = sweep_text(JsValue::from_str(spec), None, Some("2/2".into()), None).expect("shard");
    assert!(csv.ends_with(&half) && !half.starts_with("run,"));
    let e =
        sweep_text(JsValue::from_str(spec), Some("xml".into()), None, None).expect_err("format");
    assert_eq!(
        message(e),
        "format: unknown value 'xml' (expected one of: csv, jsonl)"
    );
    let map = consensus_map(parse(r#"{"weightLevels":3,"stakeLevels":[0.6]}"#), None).expect("map");
    let ratio = js_sys::Float64Array::from(get(&map, "majorRatio")).to_vec();
    assert_eq!(ratio.len(), 9);
    assert!(ratio.iter().all(|r| (0.0..=1.0).contains(r)));
    assert!(get(&map, "csv")
        .as_string()
        .expect("csv")
        .starts_with("major_stake,"));
}

#[wasm_bindgen_test]
fn marked_epoch_output() {
    // Form 2: the text with marks and the f64 arrays beside it (wasm/src/tape.rs).
    let input = r#"{"weights":[[1,0,2],[0,1,1]],"stakes":[3,1]}"#;
    let marked = run_epoch_json(JsValue::from_str(input), Some("yuma3".into()), 2).expect("run");
    let text = get(&marked, "text").as_string().expect("text");
    let nums = js_sys::Float64Array::from(get(&marked, "nums")).to_vec();
    let marks = js_sys::Uint32Array::from(get(&marked, "marks")).to_vec();
    assert!(
        text.starts_with(r#"{"weights":["\u00000","\u00001"],"stake":"\u00002""#),
        "{text}"
    );
    // Mark 2 is the normalised stake [0.75, 0.25].
    let (o, l) = (marks[4] as usize, marks[5] as usize);
    assert_eq!(&nums[o..o + l], &[0.75, 0.25]);
    // Each mark's values are the digits of the plain text's array, read back.
    let plain = parse(&run_epoch_json(JsValue::from_str(input), Some("yuma3".into()), 0).unwrap());
    let row1: Vec<f64> = Array::from(&Array::from(&get(&plain, "weights")).get(1))
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    assert_eq!(
        row1,
        nums[marks[2] as usize..(marks[2] + marks[3]) as usize]
    );
}
