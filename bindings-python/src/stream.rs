//! `MessageStream`: a core message stream as a Python async iterator.
//!
//! `__anext__` first polls the stream once without waiting: when a message is already buffered
//! it is converted and returned as an already-complete awaitable (no event-loop round trip).
//! Otherwise the wait happens on the tokio runtime, without the GIL, behind an asyncio future.
//! Dropping the object (end of `async for`, `break`, cancellation, garbage collection) drops the
//! core stream, which stops the CLI and reaps it.

use crate::convert::message_to_py;
use crate::errors::to_pyerr;
use crate::pyfuture;
use crate::ready::Ready;
use claude_wire::{Message, Result as CoreResult};
use futures::stream::BoxStream;
use futures::StreamExt;
use pyo3::exceptions::PyStopAsyncIteration;
use pyo3::prelude::*;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use tokio::sync::Mutex;

/// What to run (once, on the caller's loop) before the first message is awaited.
pub type OnStart = Box<dyn FnOnce(Python<'_>) -> PyResult<Option<Py<PyAny>>> + Send + Sync>;

struct Inner {
    stream: Option<BoxStream<'static, CoreResult<Message>>>,
}

/// An async iterator over the messages of a session.
#[pyclass(module = "claude_wire._native")]
pub struct MessageStream {
    inner: Arc<Mutex<Inner>>,
    on_start: Option<OnStart>,
    /// A task on the caller's loop feeding the prompt (cancelled when the stream goes away).
    pump_task: Option<Py<PyAny>>,
    started: bool,
}

impl MessageStream {
    /// Wraps a core stream; `on_start` runs at the first `__anext__` (it may return a task to
    /// cancel when the stream is dropped).
    pub fn new(stream: BoxStream<'static, CoreResult<Message>>, on_start: Option<OnStart>) -> Self {
        MessageStream {
            inner: Arc::new(Mutex::new(Inner {
                stream: Some(stream),
            })),
            on_start,
            pump_task: None,
            started: false,
        }
    }
}

/// The outcome of one step of the stream, before conversion (short-lived, so its size is moot).
#[allow(clippy::large_enum_variant)]
enum Step {
    Message(Message),
    Error(claude_wire::Error),
    End,
}

impl Inner {
    fn record(&mut self, item: Option<CoreResult<Message>>) -> Step {
        match item {
            Some(Ok(message)) => Step::Message(message),
            Some(Err(claude_wire::Error::MessageParse { raw, .. }))
                if crate::convert::accepted_without_validation(&raw) =>
            {
                Step::Message(Message::Unknown(raw))
            }
            Some(Err(err)) => {
                if !err.is_recoverable() {
                    self.stream = None;
                }
                Step::Error(err)
            }
            None => {
                self.stream = None;
                Step::End
            }
        }
    }
}

fn finish(py: Python<'_>, step: Step) -> PyResult<Py<PyAny>> {
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
        if !self.started {
            self.started = true;
            if let Some(start) = self.on_start.take() {
                self.pump_task = start(py)?;
            }
        } else if let Some(step) = self.poll_now() {
            let value = finish(py, step)?;
            return Ok(Py::new(py, Ready::new(value))?.into_any());
        }
        let inner = self.inner.clone();
        let future = pyfuture::spawn(py, async move {
            let mut guard = inner.lock().await;
            let item = match guard.stream.as_mut() {
                Some(stream) => stream.next().await,
                None => None,
            };
            let step = guard.record(item);
            drop(guard);
            Box::new(move |py: Python<'_>| finish(py, step)) as pyfuture::Completion
        })?;
        Ok(future.unbind())
    }

    /// Stops the session now (the same as dropping the iterator).
    fn aclose<'py>(&mut self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.cancel_pump(py);
        let inner = self.inner.clone();
        pyfuture::spawn(py, async move {
            let stream = inner.lock().await.stream.take();
            drop(stream);
            pyfuture::unit()
        })
    }
}

impl MessageStream {
    /// Polls once without waiting; `None` when nothing is ready (or another poll is running).
    fn poll_now(&self) -> Option<Step> {
        let mut guard = self.inner.try_lock().ok()?;
        let _runtime = pyo3_async_runtimes::tokio::get_runtime().enter();
        let stream = match guard.stream.as_mut() {
            Some(stream) => stream,
            None => return Some(Step::End),
        };
        let mut cx = Context::from_waker(Waker::noop());
        match stream.poll_next_unpin(&mut cx) {
            Poll::Ready(item) => Some(guard.record(item)),
            Poll::Pending => None,
        }
    }

    fn cancel_pump(&mut self, py: Python<'_>) {
        if let Some(task) = self.pump_task.take() {
            let task = task.bind(py);
            // Fails only when the loop closed meanwhile, and then the task is gone anyway.
            let _ = crate::prompt::cancel_task(task);
        }
    }
}

impl Drop for MessageStream {
    fn drop(&mut self) {
        if self.pump_task.is_some() {
            Python::attach(|py| self.cancel_pump(py));
        }
        let inner = self.inner.clone();
        let runtime = pyo3_async_runtimes::tokio::get_runtime();
        runtime.spawn(async move {
            let stream = inner.lock().await.stream.take();
            drop(stream);
        });
    }
}
