//! A user's Python `Transport` object (the official SDK's custom-transport interface) as a
//! core transport: each method is awaited on the session's loop, and `read_messages()` is
//! pumped into the core's frame stream by a task on that loop.

use crate::awaitable::{self, LoopTask};
use crate::callbacks::{bound_loop, LoopCell};
use crate::classes::classes;
use crate::prompt::PromptSink;
use crate::pyfuture;
use async_trait::async_trait;
use claude_wire::transport::{FrameStream, Transport};
use claude_wire::{Error, Result};
use futures::future::{BoxFuture, Shared};
use futures::{FutureExt, StreamExt};
use pyo3::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// The core side of a Python transport object.
pub struct PyTransport {
    object: Py<PyAny>,
    cell: LoopCell,
    /// The task pumping `read_messages()`; cancelled when the transport goes away.
    reader: Mutex<Option<LoopTask>>,
    /// `close()` was called: dropping the transport need not call it.
    closed: AtomicBool,
    /// The user's `close()` under way or done, which every `close` waits for.
    closing: Mutex<Option<Closing>>,
}

/// The one run of a user's `close()`; its error as the text of a connection error.
type Closing = Shared<BoxFuture<'static, std::result::Result<(), String>>>;

impl PyTransport {
    /// Wraps `object`; its coroutines run on the loop `cell` is bound to.
    pub fn new(object: Py<PyAny>, cell: LoopCell) -> Self {
        PyTransport {
            object,
            cell,
            reader: Mutex::new(None),
            closed: AtomicBool::new(false),
            closing: Mutex::new(None),
        }
    }

    /// Starts the user's `close()` as a task of its own, so that a caller that gives up (a
    /// session task stopped at its end) does not cancel it halfway.
    fn start_closing(&self) -> Closing {
        self.closed.store(true, Ordering::SeqCst);
        let object = pyfuture::attach(|py| self.object.clone_ref(py));
        let cell = self.cell.clone();
        let task = crate::runtime::get().spawn(async move {
            let object = object.ok_or("the Python interpreter is shutting down")?;
            let once = PyTransport::new(object, cell);
            // Closed here: dropping it must not close it again.
            once.closed.store(true, Ordering::SeqCst);
            let closed = once.call("close", |py| Ok(pyo3::types::PyTuple::empty(py)));
            closed.await.map_err(|e| match e {
                Error::Connection(text) => text,
                other => other.to_string(),
            })
        });
        async move { task.await.unwrap_or_else(|e| Err(e.to_string())) }
            .boxed()
            .shared()
    }

    /// Calls `method(*args)` and awaits its result on the session's loop when it is awaitable.
    async fn call(
        &self,
        method: &'static str,
        args: impl for<'py> FnOnce(Python<'py>) -> PyResult<Bound<'py, pyo3::types::PyTuple>> + Send,
    ) -> Result<()> {
        let started = pyfuture::attach(|py| -> PyResult<Option<LoopTask>> {
            let result = self.object.bind(py).call_method1(method, args(py)?)?;
            if !result.hasattr("__await__")? {
                return Ok(None);
            }
            let locals = bound_loop(py, &self.cell).ok_or_else(|| {
                pyo3::exceptions::PyRuntimeError::new_err("no running event loop for the transport")
            })?;
            awaitable::run_on_loop(&locals, result).map(Some)
        })
        .ok_or_else(|| Error::Connection("the Python interpreter is shutting down".into()))?;
        let outcome = match started {
            Ok(None) => Ok(()),
            Ok(Some(task)) => task.await.map(drop),
            Err(e) => Err(e),
        };
        outcome.map_err(|e| failed(method, e))
    }
}

fn failed(method: &str, error: PyErr) -> Error {
    let text = pyfuture::attach(|py| {
        let value = error.value(py);
        let kind = value
            .get_type()
            .name()
            .map(|n| n.to_string())
            .unwrap_or_default();
        format!("{kind}: {value}")
    })
    .unwrap_or_else(|| error.to_string());
    Error::Connection(format!("transport.{method}() failed: {text}"))
}

#[async_trait]
impl Transport for PyTransport {
    async fn connect(&self) -> Result<()> {
        self.call("connect", |py| Ok(pyo3::types::PyTuple::empty(py)))
            .await
    }

    async fn write(&self, frame: &[u8]) -> Result<()> {
        let text = String::from_utf8_lossy(frame).into_owned();
        let text = if text.ends_with('\n') {
            text
        } else {
            text + "\n"
        };
        self.call("write", move |py| pyo3::types::PyTuple::new(py, [text]))
            .await
    }

    fn read_frames(&self) -> Option<FrameStream> {
        let started = pyfuture::attach(|py| -> PyResult<_> {
            let (sink, rx) = PromptSink::channel(py)?;
            let messages = self.object.bind(py).call_method0("read_messages")?;
            let coro = classes(py)?.pump.call1(py, (messages, sink))?;
            let locals = bound_loop(py, &self.cell).ok_or_else(|| {
                pyo3::exceptions::PyRuntimeError::new_err("no running event loop for the transport")
            })?;
            let task = awaitable::run_on_loop(&locals, coro.into_bound(py))?;
            Ok((task, rx))
        })?;
        let (task, mut rx) = match started {
            Ok(started) => started,
            Err(e) => {
                let error = failed("read_messages", e);
                return Some(futures::stream::iter([Err(error)]).boxed());
            }
        };
        *self.reader.lock().unwrap_or_else(|e| e.into_inner()) = Some(task);
        let frames = futures::stream::poll_fn(move |cx| rx.poll_recv(cx)).map(|item| {
            item.map_err(|text| {
                Error::Connection(format!("transport.read_messages() failed: {text}"))
            })
        });
        Some(frames.boxed())
    }

    async fn end_input(&self) -> Result<()> {
        self.call("end_input", |py| Ok(pyo3::types::PyTuple::empty(py)))
            .await
    }

    /// Runs the user's `close()` once: a session may close its transport on more than one
    /// path, and each waits for that one run.
    async fn close(&self) -> Result<()> {
        let closing = self
            .closing
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get_or_insert_with(|| self.start_closing())
            .clone();
        let closed = closing.await;
        // Stops the reader task (if still running) on its loop.
        drop(self.reader.lock().unwrap_or_else(|e| e.into_inner()).take());
        closed.map_err(Error::Connection)
    }

    fn is_ready(&self) -> bool {
        pyfuture::attach(|py| {
            self.object
                .bind(py)
                .call_method0("is_ready")
                .and_then(|r| r.is_truthy())
                .unwrap_or(false)
        })
        .unwrap_or(false)
    }
}

impl Drop for PyTransport {
    /// A session that ends without `close()` (dropped after an error, say) still closes the
    /// user's transport, as the official SDK does on every exit path.
    fn drop(&mut self) {
        if self.closed.swap(true, Ordering::SeqCst) {
            return;
        }
        let Some(object) = pyfuture::attach(|py| self.object.clone_ref(py)) else {
            return;
        };
        let orphan = PyTransport::new(object, self.cell.clone());
        crate::runtime::get().spawn(async move {
            let _ = orphan.start_closing().await;
        });
    }
}
