//! Waiting for the next message on the consumer's loop: `__anext__` returns an asyncio future
//! whose waker polls the stream again.
//!
//! The session's reader runs on the loop's thread when the loop watches the CLI's stdout (see
//! `host_loop`). Woken there, the waker takes the message and resolves the future in place; a
//! tokio task waiting for it instead would wake a runtime thread, which then wakes the loop: two
//! thread hops whenever the consumer is faster than the CLI. Woken on any other thread, it asks
//! the loop to poll (`call_soon_threadsafe`).

use crate::pyfuture::{self, AbortOnCancel, OnCancel};
use crate::runtime;
use crate::stream::{finish, record, Shared};
use claude_wire::transport::on_host_thread;
use futures::StreamExt;
use pyo3::prelude::*;
use std::sync::{Arc, Weak};
use std::task::{Context, Poll, Wake, Waker};

/// An asyncio future of the running loop for the next message of `shared`'s stream.
pub fn next_on_loop<'py>(
    py: Python<'py>,
    shared: &Arc<Shared>,
    on_cancel: Option<OnCancel>,
) -> PyResult<Bound<'py, PyAny>> {
    let event_loop = pyfuture::running_loop(py)?;
    let future = event_loop.call_method0("create_future")?;
    let waiter = Arc::new(Waiter {
        shared: Arc::downgrade(shared),
        future: future.clone().unbind(),
        event_loop: event_loop.unbind(),
    });
    if let Some(on_cancel) = on_cancel {
        future.call_method1("add_done_callback", (AbortOnCancel::hook(on_cancel),))?;
    }
    waiter.poll(py);
    Ok(future)
}

struct Waiter {
    /// Weak: a waker parked in the stream must not keep the stream alive.
    shared: Weak<Shared>,
    future: Py<PyAny>,
    event_loop: Py<PyAny>,
}

impl Waiter {
    /// On the loop's thread: takes the next message if there is one and resolves the future.
    fn poll(self: &Arc<Self>, py: Python<'_>) {
        let future = self.future.bind(py);
        if future
            .call_method0("done")
            .and_then(|d| d.is_truthy())
            .unwrap_or(true)
        {
            return; // resolved, or cancelled: the next message stays for the next call
        }
        let Some(shared) = self.shared.upgrade() else {
            return;
        };
        let Ok(mut guard) = shared.stream.try_lock() else {
            // The session is being shut down (which holds the stream a moment): look again.
            let retry = Retry(Some(self.clone()));
            let _ = self
                .event_loop
                .bind(py)
                .call_method1("call_later", (0.001, retry));
            return;
        };
        let step = {
            let _runtime = runtime::get().enter();
            let Some(stream) = guard.as_mut() else {
                drop(guard);
                return self.settle(py, record(&mut None, None));
            };
            let waker = Waker::from(self.clone());
            match stream.poll_next_unpin(&mut Context::from_waker(&waker)) {
                Poll::Ready(item) => record(&mut guard, item),
                Poll::Pending => return,
            }
        };
        drop(guard);
        self.settle(py, step);
    }

    fn settle(&self, py: Python<'_>, step: crate::stream::Step) {
        let future = self.future.bind(py);
        let settled = match finish(py, step) {
            Ok(value) => future.call_method1("set_result", (value,)),
            Err(err) => future.call_method1("set_exception", (err.into_value(py),)),
        };
        if let Err(err) = settled {
            err.write_unraisable(py, Some(future));
        }
    }
}

impl Wake for Waiter {
    fn wake(self: Arc<Self>) {
        if self.shared.strong_count() == 0 {
            return;
        }
        if !on_host_thread() && tokio::runtime::Handle::try_current().is_ok() {
            // A runtime thread (a reader the loop does not drive): it must not wait for the
            // GIL, so the hand-over to the loop is a task of its own, as any other future's.
            runtime::get().spawn(async move { pyfuture::attach(|py| self.to_loop(py)) });
            return;
        }
        pyfuture::attach(|py| {
            let on_loop = on_host_thread()
                && pyfuture::running_loop(py).is_ok_and(|r| r.is(self.event_loop.bind(py)));
            if on_loop {
                // The loop's thread, reading the CLI's output: resolve now.
                self.poll(py);
            } else {
                self.to_loop(py);
            }
        });
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.clone().wake();
    }
}

impl Waiter {
    /// Asks the loop to poll again.
    fn to_loop(self: Arc<Self>, py: Python<'_>) {
        let event_loop = self.event_loop.clone_ref(py);
        let retry = Retry(Some(self));
        // Fails only when the loop is closed: nobody waits any more.
        let _ = event_loop
            .bind(py)
            .call_method1("call_soon_threadsafe", (retry,));
    }
}

/// Runs on the loop: polls again.
#[pyclass]
struct Retry(Option<Arc<Waiter>>);

#[pymethods]
impl Retry {
    fn __call__(&mut self, py: Python<'_>) {
        if let Some(waiter) = self.0.take() {
            waiter.poll(py);
        }
    }
}
