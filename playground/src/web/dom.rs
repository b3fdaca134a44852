//! Small browser helpers: downloads, the URL fragment, timing.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, HtmlCanvasElement, Url};

fn window() -> web_sys::Window {
    web_sys::window().expect("a window")
}

/// Milliseconds since the page started loading.
pub fn now_ms() -> f64 {
    window().performance().map_or(0.0, |p| p.now())
}

/// The URL fragment, without `#`.
pub fn fragment() -> String {
    window()
        .location()
        .hash()
        .unwrap_or_default()
        .trim_start_matches('#')
        .to_string()
}

/// Sets the URL fragment: with `push`, as a new history entry (Back returns to the
/// previous one), otherwise in place of the current entry.
pub fn set_fragment(frag: &str, push: bool) {
    if let Ok(h) = window().history() {
        let url = format!("#{frag}");
        let _ = if push {
            h.push_state_with_url(&JsValue::NULL, "", Some(&url))
        } else {
            h.replace_state_with_url(&JsValue::NULL, "", Some(&url))
        };
    }
}

/// Moves the keyboard focus to the element with `id`, if there is one.
pub fn focus(id: &str) {
    if let Some(el) = window()
        .document()
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

/// Sets the value an `<input id>` shows (after the app corrected what was typed: the page
/// keeps what was typed when the state it renders did not change).
pub fn set_input_value(id: &str, value: &str) {
    if let Some(el) = window()
        .document()
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
    {
        el.set_value(value);
    }
}

/// Marks an attribute on `<html>` (progress markers the tests and the bench read).
pub fn mark(name: &str, value: &str) {
    if let Some(el) = window().document().and_then(|d| d.document_element()) {
        let _ = el.set_attribute(name, value);
    }
}

/// Sets the text of the element with `id`, if there is one (text the app's view leaves
/// empty and fills after drawing).
pub fn set_text(id: &str, text: &str) {
    if let Some(el) = window().document().and_then(|d| d.get_element_by_id(id)) {
        el.set_text_content(Some(text));
    }
}

/// Whether an attribute is set on `<html>`.
pub fn has_mark(name: &str) -> bool {
    window()
        .document()
        .and_then(|d| d.document_element())
        .is_some_and(|el| el.has_attribute(name))
}

fn click_link(href: &str, filename: &str) -> Result<(), JsValue> {
    let doc = window().document().ok_or("no document")?;
    let a: HtmlAnchorElement = doc.create_element("a")?.dyn_into()?;
    a.set_href(href);
    a.set_download(filename);
    a.set_class_name("hidden");
    let body = doc.body().ok_or("no body")?;
    body.append_child(&a)?;
    a.click();
    body.remove_child(&a)?;
    Ok(())
}

/// Offers `text` as a file download.
pub fn download_text(filename: &str, mime: &str, text: &str) -> Result<(), JsValue> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let opts = BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = Blob::new_with_str_sequence_and_options(&parts, &opts)?;
    let url = Url::create_object_url_with_blob(&blob)?;
    let r = click_link(&url, filename);
    // Revoked once the download has started.
    gloo::timers::callback::Timeout::new(5_000, move || {
        let _ = Url::revoke_object_url(&url);
    })
    .forget();
    r
}

/// Offers a canvas as a PNG download.
pub fn download_png(filename: &str, canvas: &HtmlCanvasElement) -> Result<(), JsValue> {
    let url = canvas.to_data_url_with_type("image/png")?;
    click_link(&url, filename)
}
