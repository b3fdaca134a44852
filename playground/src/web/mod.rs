//! The browser side: the Yew app, its charts and the worker bridge.

mod app;
mod charts;
mod consensus;
mod dom;
mod economy;
mod map;
mod webgpu;
mod worker;

use wasm_bindgen::prelude::*;

/// Page entry: mounts the app into `<main id="app">`. `boot.js` calls it after `init()`;
/// the worker loads the same module and never calls it.
#[wasm_bindgen]
pub fn start_app() {
    console_error_panic_hook_set();
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"))
        .expect("the page has <main id=\"app\">");
    yew::Renderer::<app::App>::with_root(root).render();
}

fn console_error_panic_hook_set() {
    std::panic::set_hook(Box::new(|info| {
        web_sys::console::error_1(&JsValue::from_str(&format!("taolab playground: {info}")));
    }));
}
