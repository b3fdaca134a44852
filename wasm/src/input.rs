//! Reading inputs: a JSON string through the core's own `from_json`, or a JS object read by
//! serde-wasm-bindgen as a JSON tree, written out as text and given to the same `from_json`.
//! (The JS wrapper sends an object as its JSON text unless it holds a bigint or a number
//! beyond 2^53, so the object road serves those, and callers of the raw bindings.)

use taolab::Error;
use wasm_bindgen::{JsError, JsValue};

/// A core error as a JS `Error` with the CLI's message.
pub fn js_error(e: Error) -> JsError {
    JsError::new(&e.to_string())
}

/// Reads `value` as `T` through `from_json` (the CLI's parser, checks and messages): a string
/// as it is, an object as the JSON text of its tree.
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
    // serde-wasm-bindgen reads the object as a JSON tree (u64 from BigInt exactly), and the
    // tree goes to `from_json` as text: one parser per input type, the CLI's, so an object and
    // its `JSON.stringify` give the same result. (A second, tree-based decoder per type cost
    // about 30 KB of gzipped wasm.)
    let tree: serde_json::Value = serde_wasm_bindgen::from_value(value).map_err(|e| {
        let msg = format!("{e}");
        js_error(Error::parse(
            msg.strip_prefix("Error: ").unwrap_or(&msg).to_string(),
        ))
    })?;
    let text = serde_json::to_string(&tree).map_err(|e| js_error(e.into()))?;
    from_json(&text).map_err(js_error)
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
