//! The Web Worker that runs long jobs (sweeps, worlds, the consensus map) off the main thread.
//!
//! `worker.js` loads this same wasm module in a dedicated module worker and awaits
//! [`worker_run`] per request; the page talks to it through [`Job`]. Cancelling terminates
//! the worker (a fresh one starts with the next job), so a cancel is immediate even in the
//! middle of a run.

use crate::sweep::{self, Request};
use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};

/// Worker side: runs one JSON request, posting `{progress: [done, total]}` through
/// `progress` (at most every 50 ms), and resolves to the JSON response. The consensus map
/// awaits its batches from WebGPU when the request allows it and the browser has an adapter
/// ([`super::webgpu`]); everything else runs at once on the CPU.
#[wasm_bindgen]
pub async fn worker_run(request: String, progress: js_sys::Function) -> String {
    let mut last = 0.0;
    let mut report = move |done: usize, total: usize| {
        let now = js_sys::Date::now();
        if done == 0 || done == total || now - last > 50.0 {
            last = now;
            let _ = progress.call2(
                &JsValue::NULL,
                &JsValue::from(done as u32),
                &JsValue::from(total as u32),
            );
        }
        true
    };
    let resp = match sweep::parse_request(&request) {
        Ok(Request::ConsensusMap {
            variant,
            kappa,
            bond_penalty,
            levels,
            backend,
        }) => match sweep::map_config(variant, kappa, bond_penalty, levels) {
            Ok(cfg) => {
                let t0 = js_sys::Date::now();
                let (run, used) = super::webgpu::run_map(&cfg, backend, &mut report).await;
                sweep::map_response(run, used, js_sys::Date::now() - t0)
            }
            Err(e) => sweep::Response::Error(e),
        },
        Ok(req) => sweep::run(req, &mut report),
        Err(e) => sweep::Response::Error(e),
    };
    sweep::response_json(&resp)
}

/// What the page hears from a job.
pub enum Event {
    /// `done` of `total` steps finished.
    Progress(usize, usize),
    /// The JSON response.
    Done(String),
    /// The worker failed (script error).
    Failed(String),
}

/// A running job; dropping or cancelling it terminates the worker.
pub struct Job {
    worker: Worker,
    _onmessage: Closure<dyn FnMut(MessageEvent)>,
    _onerror: Closure<dyn FnMut(web_sys::Event)>,
}

impl Job {
    /// Starts `worker.js` and sends it `request`; `on_event` hears progress and the end.
    pub fn start(request: String, on_event: impl Fn(Event) + 'static) -> Result<Job, String> {
        let opts = WorkerOptions::new();
        opts.set_type(WorkerType::Module);
        let worker = Worker::new_with_options("./worker.js", &opts)
            .map_err(|e| format!("could not start the worker: {e:?}"))?;
        let on_event = std::rc::Rc::new(on_event);
        let cb = on_event.clone();
        let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |m: MessageEvent| {
            let data = m.data();
            if let Some(text) = data.as_string() {
                cb(Event::Done(text));
            } else if let Ok(p) = js_sys::Reflect::get(&data, &"progress".into()) {
                let arr = js_sys::Array::from(&p);
                let n = |i| arr.get(i).as_f64().unwrap_or(0.0) as usize;
                cb(Event::Progress(n(0), n(1)));
            }
        });
        let cb = on_event;
        let onerror = Closure::<dyn FnMut(web_sys::Event)>::new(move |_e: web_sys::Event| {
            cb(Event::Failed("the worker stopped with an error".into()));
        });
        worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
        worker.set_onerror(Some(onerror.as_ref().unchecked_ref()));
        worker
            .post_message(&JsValue::from_str(&request))
            .map_err(|e| format!("could not send the job: {e:?}"))?;
        Ok(Job {
            worker,
            _onmessage: onmessage,
            _onerror: onerror,
        })
    }
}

impl Drop for Job {
    fn drop(&mut self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }
}
