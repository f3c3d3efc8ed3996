//! The session functions: one native entry for the disk ones, one for the store ones. The core
//! decodes the arguments (the Python SDK's names) and shapes the results.

use crate::callbacks::{capture_loop, LoopCell};
use crate::errors::to_pyerr;
use crate::pyfuture::{self, Completion};
use crate::{pyjson, store};
use claude_wire::sessions::api;
use claude_wire::Flavour;
use pyo3::prelude::*;
use serde_json::Value;
use std::sync::{Arc, Mutex};

/// The asyncio result of a store call.
pub fn completion(result: claude_wire::Result<Value>) -> Completion {
    Box::new(move |py| match result {
        Ok(value) => Ok(pyjson::to_py(py, &value)?.unbind()),
        Err(e) => Err(to_pyerr(py, e)),
    })
}

/// Runs the disk session function `method` with keyword `args` (the GIL released).
#[pyfunction]
pub fn sessions_call<'py>(
    py: Python<'py>,
    method: &str,
    args: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let args = pyjson::from_py(args)?;
    let result = py.detach(|| api::call(Flavour::Python, method, args));
    match result {
        Ok(value) => pyjson::to_py(py, &value),
        Err(e) => Err(to_pyerr(py, e)),
    }
}

/// Runs the store session function `method` over `session_store`; an awaitable of its result.
#[pyfunction]
pub fn sessions_call_store<'py>(
    py: Python<'py>,
    method: String,
    session_store: &Bound<'py, PyAny>,
    args: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let cell: LoopCell = Arc::new(Mutex::new(None));
    capture_loop(py, &cell)?;
    let session_store = store::of(session_store, cell)?;
    let args = pyjson::from_py(args)?;
    pyfuture::spawn(py, async move {
        completion(api::call_store(Flavour::Python, session_store, &method, args).await)
    })
}
