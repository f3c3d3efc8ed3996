//! `MessageStream`: a core message stream as a Python async iterator.
//!
//! `__anext__` first polls the stream once without waiting: when a message is already buffered
//! it is converted and returned as an already-complete awaitable (no event-loop round trip).
//! Otherwise it returns an asyncio future that the stream's waker resolves on the loop (see
//! `stream_wait`); the first wait, which starts the session, runs on the tokio runtime.
//!
//! The session ends (the CLI is stopped and reaped) at `aclose()`, when the object is freed, and
//! for one-shot queries as soon as a pending `__anext__` is cancelled (the consumer was
//! cancelled or timed out: it will not read on, as with the official SDK's async generator).
//! The destructor never calls into Python: it can run while an exception propagates.

use crate::awaitable::cancel_task;
use crate::convert::message_to_py;
use crate::errors::to_pyerr;
use crate::pyfuture::{self, OnCancel};
use crate::ready::Ready;
use crate::runtime::{self, Owned};
use crate::stream_wait;
use claude_wire::{Message, QueryHandle, Result as CoreResult};
use futures::stream::BoxStream;
use futures::StreamExt;
use pyo3::exceptions::PyStopAsyncIteration;
use pyo3::prelude::*;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

/// What to run (once, on the caller's loop) before the first message is awaited; it may return
/// a task feeding the prompt, cancelled when the session ends.
pub type OnStart = Box<dyn FnOnce(Python<'_>) -> PyResult<Option<Py<PyAny>>> + Send + Sync>;

type CoreStream = BoxStream<'static, CoreResult<Message>>;

/// The part of the stream that futures and the destructor's clean-up task share.
pub(crate) struct Shared {
    pub(crate) stream: tokio::sync::Mutex<Option<CoreStream>>,
    /// A one-shot query's handle: its session is closed as the official SDK closes it (input
    /// ended, the CLI given time to exit, which is when it saves the conversation).
    query: Option<QueryHandle>,
    /// A task on the caller's loop feeding the prompt.
    pump: std::sync::Mutex<Option<Py<PyAny>>>,
}

impl Shared {
    fn take_pump(&self) -> Option<Py<PyAny>> {
        self.pump.lock().unwrap_or_else(|e| e.into_inner()).take()
    }

    /// Ends the session: cancels the prompt pump (from a runtime thread) and drops the stream.
    async fn shut_down(&self) {
        if let Some(pump) = self.take_pump() {
            pyfuture::attach(|py| {
                // Fails only when the loop closed meanwhile, and then the task is gone anyway.
                let _ = cancel_task(pump.bind(py));
            });
        }
        if let Some(query) = &self.query {
            let _ = query.close().await;
        }
        let stream = self.stream.lock().await.take();
        drop(stream);
    }
}

/// An async iterator over the messages of a session.
#[pyclass(module = "claude_wire._native")]
pub struct MessageStream {
    shared: Owned<Arc<Shared>>,
    on_start: Option<OnStart>,
    started: bool,
    /// Later waits happen on the loop (see `stream_wait`).
    waits_on_loop: bool,
    close_on_cancel: bool,
}

impl MessageStream {
    /// Wraps a core stream; `on_start` runs at the first `__anext__`. With a one-shot query's
    /// handle, cancelling a pending `__anext__` ends the session, and ending it closes the
    /// session gracefully.
    pub fn new(stream: CoreStream, on_start: Option<OnStart>, query: Option<QueryHandle>) -> Self {
        let close_on_cancel = query.is_some();
        MessageStream {
            shared: Owned::new(Arc::new(Shared {
                stream: tokio::sync::Mutex::new(Some(stream)),
                query,
                pump: std::sync::Mutex::new(None),
            })),
            on_start,
            started: false,
            waits_on_loop: false,
            close_on_cancel,
        }
    }

    fn shared(&self, py: Python<'_>) -> PyResult<Arc<Shared>> {
        self.shared.get().cloned().map_err(|e| to_pyerr(py, e))
    }
}

/// The outcome of one step of the stream, before conversion (short-lived, so its size is moot).
#[allow(clippy::large_enum_variant)]
pub(crate) enum Step {
    Message(Message),
    Error(claude_wire::Error),
    End,
}

pub(crate) fn record(stream: &mut Option<CoreStream>, item: Option<CoreResult<Message>>) -> Step {
    match item {
        Some(Ok(message)) => Step::Message(message),
        Some(Err(err)) => {
            if !err.is_recoverable() {
                *stream = None;
            }
            Step::Error(err)
        }
        None => {
            *stream = None;
            Step::End
        }
    }
}

pub(crate) fn finish(py: Python<'_>, step: Step) -> PyResult<Py<PyAny>> {
    match step {
        Step::Message(message) => message_to_py(py, message),
        Step::Error(err) => Err(to_pyerr(py, err)),
        Step::End => Err(PyStopAsyncIteration::new_err(())),
    }
}

#[pymethods]
impl MessageStream {
    fn __aiter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __anext__(&mut self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let shared = self.shared(py)?;
        if !self.started {
            self.started = true;
            if let Some(start) = self.on_start.take() {
                *shared.pump.lock().unwrap_or_else(|e| e.into_inner()) = start(py)?;
            }
        } else if let Some(step) = poll_now(&shared) {
            let value = finish(py, step)?;
            return Ok(Py::new(py, Ready::new(value))?.into_any());
        }
        let on_cancel = self.close_on_cancel.then(|| {
            let shared = shared.clone();
            Box::new(move |_py: Python<'_>| {
                runtime::get().spawn(async move { shared.shut_down().await });
            }) as OnCancel
        });
        if self.waits_on_loop {
            return Ok(stream_wait::next_on_loop(py, &shared, on_cancel)?.unbind());
        }
        // The first wait starts the session (spawns the CLI): on the runtime.
        self.waits_on_loop = true;
        let future = pyfuture::spawn_with_cancel(
            py,
            async move {
                let mut guard = shared.stream.lock().await;
                let item = match guard.as_mut() {
                    Some(stream) => stream.next().await,
                    None => None,
                };
                let step = record(&mut guard, item);
                drop(guard);
                Box::new(move |py: Python<'_>| finish(py, step)) as pyfuture::Completion
            },
            on_cancel,
        )?;
        Ok(future.unbind())
    }

    /// Stops the session now.
    fn aclose<'py>(&mut self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let shared = self.shared(py)?;
        self.on_start = None;
        if let Some(pump) = shared.take_pump() {
            // Fails only when the loop closed meanwhile, and then the task is gone anyway.
            let _ = cancel_task(pump.bind(py));
        }
        pyfuture::spawn(py, async move {
            shared.shut_down().await;
            pyfuture::unit()
        })
    }
}

/// Polls once without waiting; `None` when nothing is ready (or another poll is running).
fn poll_now(shared: &Shared) -> Option<Step> {
    let mut guard = shared.stream.try_lock().ok()?;
    let _runtime = runtime::get().enter();
    let Some(stream) = guard.as_mut() else {
        return Some(Step::End);
    };
    let mut cx = Context::from_waker(Waker::noop());
    match stream.poll_next_unpin(&mut cx) {
        Poll::Ready(item) => Some(record(&mut guard, item)),
        Poll::Pending => None,
    }
}

impl Drop for MessageStream {
    fn drop(&mut self) {
        // Everything that may touch Python objects moves to a runtime thread (see module docs).
        let on_start = self.on_start.take();
        if let Ok(shared) = self.shared.get().cloned() {
            runtime::get().spawn(async move {
                drop(on_start);
                shared.shut_down().await;
            });
        } else {
            std::mem::forget(on_start); // a forked child: the parent's objects are not ours
        }
    }
}
