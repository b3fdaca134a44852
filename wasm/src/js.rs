//! Building JS results: plain objects and typed arrays.

use js_sys::{Array, BigUint64Array, Float64Array, Object, Reflect, Uint16Array, Uint32Array};
use wasm_bindgen::JsValue;

/// A plain JS object filled field by field.
pub struct Obj(pub Object);

impl Obj {
    pub fn new() -> Obj {
        Obj(Object::new())
    }
    /// Sets `key` (a fresh plain object accepts every key; a failure is impossible and
    /// ignored rather than unwrapped).
    pub fn set(&self, key: &str, value: impl Into<JsValue>) -> &Obj {
        let _ = Reflect::set(&self.0, &JsValue::from_str(key), &value.into());
        self
    }
    pub fn into_value(self) -> JsValue {
        self.0.into()
    }
}

/// `Float64Array` copy of a slice.
pub fn f64s(v: &[f64]) -> Float64Array {
    let a = Float64Array::new_with_length(v.len() as u32);
    a.copy_from(v);
    a
}

/// `BigUint64Array` copy of a slice (exact u64, never through a JS number).
pub fn u64s(v: &[u64]) -> BigUint64Array {
    let a = BigUint64Array::new_with_length(v.len() as u32);
    a.copy_from(v);
    a
}

/// `Uint16Array` copy of a slice.
pub fn u16s(v: &[u16]) -> Uint16Array {
    let a = Uint16Array::new_with_length(v.len() as u32);
    a.copy_from(v);
    a
}

/// `Uint32Array` copy of a slice.
pub fn u32s(v: &[u32]) -> Uint32Array {
    let a = Uint32Array::new_with_length(v.len() as u32);
    a.copy_from(v);
    a
}

/// `boolean[]`.
pub fn bools(v: &[bool]) -> Array {
    v.iter().map(|&b| JsValue::from_bool(b)).collect()
}

/// A u64 as a `BigInt`.
pub fn big(x: u64) -> JsValue {
    JsValue::from(x)
}

/// A u128 as a `BigInt`.
pub fn big128(x: u128) -> JsValue {
    JsValue::from(x)
}

/// An optional value, `null` when absent.
pub fn opt<T: Into<JsValue>>(x: Option<T>) -> JsValue {
    x.map_or(JsValue::NULL, Into::into)
}
