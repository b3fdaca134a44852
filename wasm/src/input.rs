//! Reading inputs: JSON text through the core's own `from_json` (the CLI's parser, checks and
//! messages). The JS wrapper (`wasm/js/api.js`) always sends text: `JSON.stringify`, or its own
//! writer when the input holds a bigint (written as its digits, so a u64 is read exactly) or a
//! number beyond 2^53 (written in exponent form, so a u64 field refuses it). A raw caller may
//! pass an object; it is read as its `JSON.stringify` text.

use taolab::Error;
use wasm_bindgen::{JsError, JsValue};

/// A core error as a JS `Error` with the CLI's message.
pub fn js_error(e: Error) -> JsError {
    JsError::new(&e.to_string())
}

/// Reads `value` as `T` through `from_json` (the CLI's parser, checks and messages): a string
/// as it is, an object as its `JSON.stringify` text.
pub fn read<T>(
    value: JsValue,
    field: &str,
    from_json: impl FnOnce(&str) -> taolab::Result<T>,
) -> Result<T, JsError> {
    if let Some(text) = value.as_string() {
        return from_json(&text).map_err(js_error);
    }
    if value.is_null() || value.is_undefined() {
        return Err(js_error(Error::invalid(field, "is missing")));
    }
    if !value.is_object() {
        return Err(js_error(Error::invalid(
            field,
            "must be a JSON string or an object",
        )));
    }
    // JSON.stringify is native code, so this costs no wasm. It throws on a bigint, which only
    // the JS wrapper's writer carries exactly.
    let text = js_sys::JSON::stringify(&value)
        .ok()
        .and_then(|t| t.as_string())
        .ok_or_else(|| {
            js_error(Error::invalid(
                field,
                "holds a value JSON.stringify cannot write (a bigint?); pass JSON text",
            ))
        })?;
    from_json(&text).map_err(js_error)
}

/// How a JSON-shaped result leaves the wasm (the `form` argument of the raw exports).
pub const COMPACT: u32 = 0;
/// Pretty-printed text, exactly as the CLI prints it.
pub const PRETTY: u32 = 1;
/// `{ text, nums, marks }`: the text with its f64 arrays marked (`crate::tape`), for the JS
/// wrapper to rebuild (much faster than writing and parsing the digits).
pub const MARKED: u32 = 2;

/// A JSON-shaped result in the `form` the caller asked for: text (`COMPACT`, `PRETTY`) or a
/// marked tape (`MARKED`; plain compact text where nothing is marked).
pub fn output<T: serde::Serialize>(value: &T, form: u32) -> Result<JsValue, JsError> {
    use crate::tape::{write, Form};
    let form = match form {
        PRETTY => Form::Pretty,
        MARKED => Form::Marked,
        _ => Form::Compact,
    };
    let t = write(value, form).map_err(|e| JsError::new(&format!("json: {e}")))?;
    if t.marks.is_empty() {
        // Text, or nothing marked (or a NUL in a string, see `tape::write`): the text.
        return Ok(t.text.into());
    }
    let o = crate::js::Obj::new();
    o.set("text", t.text)
        .set("nums", crate::js::f64s(&t.nums))
        .set("marks", crate::js::u32s(&t.marks));
    Ok(o.into_value())
}

/// Serialises a result as JSON text (compact, or pretty like the CLI).
pub fn to_json<T: serde::Serialize>(value: &T, pretty: bool) -> Result<String, JsError> {
    let text = if pretty {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    };
    text.map_err(|e| JsError::new(&format!("json: {e}")))
}
