//! `query()`: a one-shot session as a `MessageStream`.

use crate::callbacks::{capture_loop, LoopCell};
use crate::stream::MessageStream;
use crate::{options, prompt};
use futures::StreamExt;
use pyo3::prelude::*;
use std::sync::Arc;

/// Starts (lazily, at the first `__anext__`) a one-shot session.
#[pyfunction]
pub fn query(prompt: &Bound<'_, PyAny>, options: &Bound<'_, PyAny>) -> PyResult<MessageStream> {
    let cell: LoopCell = Arc::default();
    let core_options = options::convert(options, &cell)?;
    options::emit_warnings(options.py(), &core_options)?;
    let (core_prompt, pump) = prompt::from_py(prompt)?;
    let messages = claude_wire::query(core_prompt, core_options).boxed();
    let on_start = Box::new(move |py: Python<'_>| {
        capture_loop(py, &cell)?;
        pump.map(|p| p.start(py)).transpose()
    });
    Ok(MessageStream::new(messages, Some(on_start), true))
}
