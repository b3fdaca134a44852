//! Tests of the marked form against serde_json's own text.

use super::*;
use serde_json::{json, Value};

/// The text with each mark replaced by its array, as the JS wrapper rebuilds it.
fn rebuild(t: &Tape) -> Value {
    fn walk(v: Value, t: &Tape) -> Value {
        match v {
            Value::String(s) if s.starts_with('\0') => {
                let k: usize = s[1..].parse().unwrap();
                let (o, l) = (t.marks[2 * k] as usize, t.marks[2 * k + 1] as usize);
                Value::Array(t.nums[o..o + l].iter().map(|&x| json!(x)).collect())
            }
            Value::Array(a) => Value::Array(a.into_iter().map(|x| walk(x, t)).collect()),
            Value::Object(m) => {
                Value::Object(m.into_iter().map(|(k, x)| (k, walk(x, t))).collect())
            }
            other => other,
        }
    }
    walk(serde_json::from_str(&t.text).unwrap(), t)
}

#[derive(Serialize)]
struct Sample {
    name: String,
    v: Vec<f64>,
    m: Vec<Vec<f64>>,
    empty: Vec<f64>,
    ints: Vec<u64>,
    mixed: (f64, f64, u32, f64),
    lead_ints: (u8, f64, f64),
    nan: Vec<f64>,
    objs: Vec<Inner>,
    opt: Option<Vec<f64>>,
    x: f64,
    map: std::collections::BTreeMap<String, Vec<f64>>,
}

#[derive(Serialize)]
struct Inner {
    a: f64,
    b: Vec<f64>,
}

fn sample(name: &str) -> Sample {
    Sample {
        name: name.into(),
        v: vec![0.1, -0.0, 1.0, 1e-7, f64::MAX, 5e-324, -2.5, 1e300],
        m: vec![(0..9).map(|i| i as f64 / 3.0).collect(), vec![], vec![3.0]],
        empty: vec![],
        ints: vec![1, u64::MAX],
        mixed: (0.25, 0.5, 7, 0.75),
        lead_ints: (1, 2.0, 3.0),
        nan: vec![1.0, f64::NAN, 2.0, f64::INFINITY],
        objs: vec![
            Inner {
                a: 0.5,
                b: vec![0.125; 8],
            },
            Inner { a: 2.0, b: vec![] },
        ],
        opt: Some(vec![9.0; 20]),
        x: 0.3,
        map: [("k".to_string(), vec![4.0])].into(),
    }
}

#[test]
fn rebuilds_serde_json_text_exactly() {
    let s = sample("a \"name\"\n");
    let t = write(&s, Form::Marked).unwrap();
    let plain = serde_json::to_string(&s).unwrap();
    // Same value, and each number with the same bits (serde_json's `Value` compares f64
    // by value, so -0.0 is checked through the text).
    let want: Value = serde_json::from_str(&plain).unwrap();
    assert_eq!(rebuild(&t), want);
    assert_eq!(rebuild(&t).to_string(), want.to_string());
    // v, m[0], m[2], objs[0].b, opt and map.k; the rest is empty or not all f64.
    assert_eq!(
        t.marks,
        [0, 8, 8, 9, 17, 1, 18, 8, 26, 20, 46, 1],
        "{}",
        t.text
    );
    for part in [
        r#""empty":[]"#,
        r#""ints":[1,18446744073709551615]"#,
        r#""mixed":[0.25,0.5,7,0.75]"#,
        r#""lead_ints":[1,2.0,3.0]"#,
        r#""nan":[1.0,null,2.0,null]"#,
        r#""m":["\u00001",[],"\u00002"]"#,
        r#""map":{"k":"\u00005"}"#,
    ] {
        assert!(t.text.contains(part), "{part} in {}", t.text);
    }
    assert_eq!(t.nums[1].to_bits(), (-0.0f64).to_bits());
    assert_eq!(t.nums.len(), 47);
}

#[test]
fn text_forms_are_serde_jsons() {
    let s = sample("x");
    let compact = write(&s, Form::Compact).unwrap();
    assert_eq!(compact.text, serde_json::to_string(&s).unwrap());
    let pretty = write(&s, Form::Pretty).unwrap();
    assert_eq!(pretty.text, serde_json::to_string_pretty(&s).unwrap());
    assert!(compact.nums.is_empty() && compact.marks.is_empty());
    assert!(pretty.nums.is_empty() && pretty.marks.is_empty());
}

/// A community case's output (nested objects, matrices, integer and string fields) in all
/// three forms.
#[test]
fn a_case_output_in_every_form() {
    let mut c = taolab::yuma::cases::all().swap_remove(2);
    c.variant = Some(taolab::yuma::Variant::Yuma3);
    let out = taolab::yuma::run_case(&c).unwrap();
    let plain = serde_json::to_string(&out).unwrap();
    assert_eq!(write(&out, Form::Compact).unwrap().text, plain);
    assert_eq!(
        write(&out, Form::Pretty).unwrap().text,
        serde_json::to_string_pretty(&out).unwrap()
    );
    let t = write(&out, Form::Marked).unwrap();
    let want: Value = serde_json::from_str(&plain).unwrap();
    // Every non-empty array of numbers written with a fraction or exponent is marked.
    fn f64_arrays(v: &Value) -> usize {
        match v {
            Value::Array(a)
                if !a.is_empty() && a.iter().all(|x| x.as_number().is_some_and(|n| n.is_f64())) =>
            {
                1
            }
            Value::Array(a) => a.iter().map(f64_arrays).sum(),
            Value::Object(m) => m.values().map(f64_arrays).sum(),
            _ => 0,
        }
    }
    assert_eq!(t.marks.len() / 2, f64_arrays(&want));
    assert!(t.marks.len() / 2 >= c.epochs.len() * 19, "{}", t.text);
    assert_eq!(rebuild(&t).to_string(), want.to_string());
}

/// A 12 × 20 float epoch's output: its vectors of 20 servers and its matrices' rows are
/// marked, its 12-entry vectors too.
#[test]
fn an_epoch_output_marked() {
    let input = crate::bench::epoch_input(12, 20, 7);
    let out = taolab::yuma::run_epoch(&input, Some(taolab::yuma::Variant::Yuma1)).unwrap();
    let plain = serde_json::to_string(&out).unwrap();
    let t = write(&out, Form::Marked).unwrap();
    assert!(
        t.marks.len() / 2 > 3 * 12 && t.text.len() * 10 < plain.len(),
        "{}",
        t.text
    );
    let want: Value = serde_json::from_str(&plain).unwrap();
    assert_eq!(rebuild(&t).to_string(), want.to_string());
}

#[test]
fn a_nul_in_a_string_gives_plain_text() {
    let s = sample("\0x");
    let t = write(&s, Form::Marked).unwrap();
    assert_eq!(t.text, serde_json::to_string(&s).unwrap());
    assert!(t.nums.is_empty() && t.marks.is_empty());
}
