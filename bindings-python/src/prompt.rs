//! Prompts from Python: a string, or an async iterable of message dicts pumped into the core by
//! a task on the caller's loop.

use crate::classes::classes;
use crate::pyjson;
use claude_wire::Prompt;
use futures::StreamExt;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use serde_json::Value;
use std::sync::Mutex;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};

/// What a sink hands on: a message dict, or why the Python iterable failed.
pub type Item = Result<Value, String>;

/// Receives the messages of a Python async iterable (from `claude_wire._internal.pump`): the
/// user messages of a prompt, or the frames of a user's transport.
#[pyclass(module = "claude_wire._native")]
pub struct PromptSink {
    tx: Mutex<Option<UnboundedSender<Item>>>,
}

impl PromptSink {
    /// A sink and the receiving end of its messages.
    pub fn channel(py: Python<'_>) -> PyResult<(Py<PromptSink>, UnboundedReceiver<Item>)> {
        let (tx, rx) = unbounded_channel();
        let sink = Py::new(
            py,
            PromptSink {
                tx: Mutex::new(Some(tx)),
            },
        )?;
        Ok((sink, rx))
    }

    fn push(&self, item: Item) -> PyResult<()> {
        let guard = self
            .tx
            .lock()
            .map_err(|_| PyValueError::new_err("prompt sink poisoned"))?;
        if let Some(tx) = guard.as_ref() {
            // The receiver is gone only when the session ended; later messages have nowhere to go.
            let _ = tx.send(item);
        }
        Ok(())
    }
}

#[pymethods]
impl PromptSink {
    /// Queues one user-message dict for the CLI.
    fn send(&self, message: &Bound<'_, PyAny>) -> PyResult<()> {
        let dict = message
            .cast::<PyDict>()
            .map_err(|_| PyTypeError::new_err("prompt messages must be dicts"))?;
        self.push(Ok(Value::Object(pyjson::dict_from_py(dict)?)))
    }

    /// Reports that the iterable raised (`text` describes the exception); the stream ends.
    fn fail(&self, text: String) -> PyResult<()> {
        self.push(Err(text))?;
        self.close();
        Ok(())
    }

    /// Ends the prompt stream.
    fn close(&self) {
        if let Ok(mut guard) = self.tx.lock() {
            guard.take();
        }
    }
}

/// A Python async iterable waiting to be pumped into a [`PromptSink`].
pub struct Pump {
    iterable: Py<PyAny>,
    sink: Py<PromptSink>,
}

impl Pump {
    /// Starts the pump as a task on the running loop; returns the task.
    pub fn start(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let coro = classes(py)?.pump.call1(py, (self.iterable, self.sink))?;
        let task = py
            .import("asyncio")?
            .call_method1("ensure_future", (coro,))?;
        Ok(task.unbind())
    }
}

/// Splits a Python prompt into the core prompt and, for an async iterable, the pump feeding it.
pub fn from_py(obj: &Bound<'_, PyAny>) -> PyResult<(Prompt, Option<Pump>)> {
    if let Ok(text) = obj.cast::<PyString>() {
        return Ok((Prompt::Text(text.to_str()?.to_owned()), None));
    }
    if !obj.hasattr("__aiter__")? {
        return Err(PyTypeError::new_err(
            "prompt must be a str or an async iterable of message dicts",
        ));
    }
    let (sink, mut rx) = PromptSink::channel(obj.py())?;
    // A failing prompt iterable ends the prompt, as in the official SDK (stdin then closes).
    let stream = futures::stream::poll_fn(move |cx| rx.poll_recv(cx))
        .take_while(|item| std::future::ready(item.is_ok()))
        .filter_map(|item| std::future::ready(item.ok()))
        .boxed();
    Ok((
        Prompt::Stream(stream),
        Some(Pump {
            iterable: obj.clone().unbind(),
            sink,
        }),
    ))
}
