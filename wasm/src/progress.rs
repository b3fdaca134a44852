//! A JS progress callback for the core's `progress(done, total) -> bool` hooks.

use js_sys::Function;
use wasm_bindgen::JsValue;

/// Calls `f(done, total)`; `false` from it cancels, and an exception it throws is kept and
/// rethrown to the caller once the core has stopped.
pub struct Progress {
    f: Option<Function>,
    /// The exception the callback threw, if any.
    pub thrown: Option<JsValue>,
}

impl Progress {
    pub fn new(f: Option<Function>) -> Progress {
        Progress { f, thrown: None }
    }

    /// One report; returns whether to go on.
    pub fn report(&mut self, done: f64, total: f64) -> bool {
        let Some(f) = &self.f else { return true };
        match f.call2(
            &JsValue::NULL,
            &JsValue::from_f64(done),
            &JsValue::from_f64(total),
        ) {
            Ok(r) => r.as_bool() != Some(false),
            Err(e) => {
                self.thrown = Some(e);
                false
            }
        }
    }

    /// The callback's exception if it threw, else `result` with core errors as JS errors.
    pub fn finish<T>(self, result: taolab::Result<T>) -> Result<T, JsValue> {
        if let Some(e) = self.thrown {
            return Err(e);
        }
        result.map_err(|e| crate::input::js_error(e).into())
    }
}
