//! Reading inputs: a JSON string through the core's own `from_json`, or a JS object through
//! serde-wasm-bindgen and the core's validation.

use serde::de::DeserializeOwned;
use taolab::Error;
use wasm_bindgen::{JsError, JsValue};

/// A core error as a JS `Error` with the CLI's message.
pub fn js_error(e: Error) -> JsError {
    JsError::new(&e.to_string())
}

/// Reads `value` as `T`: a string goes to `from_json` (the CLI's parser and messages), an
/// object through serde-wasm-bindgen followed by `validate` (the CLI's checks).
pub fn read<T: DeserializeOwned>(
    value: JsValue,
    field: &str,
    from_json: impl FnOnce(&str) -> taolab::Result<T>,
    validate: impl FnOnce(&mut T) -> taolab::Result<()>,
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
    // Through a serde_json `Value`: serde-wasm-bindgen reads every f64 exactly (and u64
    // from BigInt), and serde_json then applies the types' own rules, `deny_unknown_fields`
    // included, with the CLI's wording (less the line and column, which an object lacks).
    let tree: serde_json::Value = serde_wasm_bindgen::from_value(value).map_err(|e| {
        let msg = format!("{e}");
        js_error(Error::parse(
            msg.strip_prefix("Error: ").unwrap_or(&msg).to_string(),
        ))
    })?;
    let mut parsed: T = serde_json::from_value(tree).map_err(|e| js_error(e.into()))?;
    validate(&mut parsed).map_err(js_error)?;
    Ok(parsed)
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
