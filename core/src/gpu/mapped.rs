//! A future for `Buffer::map_async`'s callback, the same on native and on the web.

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use std::sync::{Arc, Mutex};

#[derive(Default)]
struct State {
    done: Option<bool>,
    waker: Option<Waker>,
}

/// Resolves to whether the mapping succeeded.
#[derive(Default, Clone)]
pub struct Mapped(Arc<Mutex<State>>);

impl Mapped {
    /// The callback to hand to `map_async`.
    pub fn callback(&self) -> impl FnOnce(Result<(), wgpu::BufferAsyncError>) + Send + 'static {
        let state = Arc::clone(&self.0);
        move |r| {
            let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
            s.done = Some(r.is_ok());
            if let Some(w) = s.waker.take() {
                w.wake();
            }
        }
    }
}

impl Future for Mapped {
    type Output = bool;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<bool> {
        let mut s = self.0.lock().unwrap_or_else(|e| e.into_inner());
        match s.done {
            Some(ok) => Poll::Ready(ok),
            None => {
                s.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}
