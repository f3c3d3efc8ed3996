//! `query()`: a one-shot session as a `MessageStream`.

use crate::callbacks::{capture_loop, LoopCell};
use crate::stream::MessageStream;
use crate::transport::PyTransport;
use crate::{options, prompt};
use futures::StreamExt;
use pyo3::prelude::*;
use std::sync::Arc;

/// Starts (lazily, at the first `__anext__`) a one-shot session, over the CLI or a user's
/// `Transport` object.
#[pyfunction]
#[pyo3(signature = (prompt, options, transport=None))]
pub fn query(
    prompt: &Bound<'_, PyAny>,
    options: &Bound<'_, PyAny>,
    transport: Option<Bound<'_, PyAny>>,
) -> PyResult<MessageStream> {
    let cell: LoopCell = Arc::default();
    let core_options = options::convert(options, &cell)?;
    options::emit_warnings(options.py(), &core_options)?;
    let (core_prompt, pump) = prompt::from_py(prompt)?;
    let query = match transport.filter(|t| !t.is_none()) {
        Some(object) => {
            let transport = Arc::new(PyTransport::new(object.unbind(), cell.clone()));
            claude_wire::query_with_transport(core_prompt, core_options, transport)
        }
        None => claude_wire::query(core_prompt, core_options),
    };
    let handle = query.handle();
    let on_start = Box::new(move |py: Python<'_>| {
        capture_loop(py, &cell)?;
        pump.map(|p| p.start(py)).transpose()
    });
    Ok(MessageStream::new(
        query.boxed(),
        Some(on_start),
        Some(handle),
    ))
}
