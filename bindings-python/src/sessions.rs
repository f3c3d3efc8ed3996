//! The session functions: one native entry for the disk ones, one for the store ones. The core
//! decodes the arguments (the Python SDK's names) and shapes the results.

use crate::callbacks::{capture_loop, LoopCell};
use crate::classes::classes;
use crate::errors::to_pyerr;
use crate::pyfuture::{self, Completion};
use crate::{pyjson, pyjson_text, store};
use claude_wire::sessions::api::{self, Reply};
use claude_wire::sessions::MessageLines;
use claude_wire::Flavour;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyType};
use serde_json::Value;
use std::sync::Arc;

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
    match py.detach(|| api::reply(Flavour::Python, method, args)) {
        Ok(Reply::Value(value)) => pyjson::to_py(py, &value),
        Ok(Reply::Messages(lines)) => messages_to_py(py, &lines),
        Err(e) => Err(to_pyerr(py, e)),
    }
}

/// The messages as a list of `SessionMessage`s, each built straight from its line as it is
/// read. A message whose text Python cannot hold (a lone surrogate escape) is skipped, as the
/// core's parsed reading skips it.
fn messages_to_py<'py>(py: Python<'py>, lines: &MessageLines) -> PyResult<Bound<'py, PyAny>> {
    let class = classes(py)?.SessionMessage.bind(py).cast::<PyType>()?;
    let mut items = Vec::with_capacity(lines.len());
    // Shared by every message: object keys, and the kinds and session ids (one string each).
    let keys = pyjson_text::Keys::default();
    let _gc = GcPaused::new();
    lines.for_each(|m| {
        let Ok(message) = pyjson_text::text_to_py(py, m.message, &keys) else {
            return Ok(());
        };
        let shared = |s: Option<&str>| s.map(|s| keys.get(py, s));
        // The dataclass's fields, in its order: its instance dict as `__init__` would fill it.
        let fields = PyDict::new(py);
        fields.set_item(intern!(py, "type"), keys.get(py, m.kind))?;
        fields.set_item(intern!(py, "uuid"), m.uuid)?;
        fields.set_item(intern!(py, "session_id"), keys.get(py, m.session_id))?;
        fields.set_item(intern!(py, "message"), message)?;
        fields.set_item(
            intern!(py, "parent_tool_use_id"),
            shared(m.parent_tool_use_id),
        )?;
        fields.set_item(intern!(py, "parent_agent_id"), shared(m.parent_agent_id))?;
        items.push(instance_with_dict(class, fields)?);
        Ok::<(), PyErr>(())
    })?;
    Ok(PyList::new(py, items)?.into_any())
}

/// `object.__new__(class)` with `fields` as its instance dict: what the dataclass's
/// `__init__` would leave, without the calls through Python (a plain class of ours: its
/// `__new__` is `object`'s).
fn instance_with_dict<'py>(
    class: &Bound<'py, PyType>,
    fields: Bound<'py, PyDict>,
) -> PyResult<Bound<'py, PyAny>> {
    let py = class.py();
    // SAFETY: the GIL is held; the type object is alive (borrowed from `class`), and the new
    // reference is owned by the `Bound` at once.
    let item = unsafe {
        let raw = pyo3::ffi::PyType_GenericAlloc(class.as_type_ptr(), 0);
        Bound::from_owned_ptr_or_err(py, raw)?
    };
    // SAFETY: as above; `fields` is a dict, as the setter requires.
    let set = unsafe {
        pyo3::ffi::PyObject_GenericSetDict(item.as_ptr(), fields.as_ptr(), std::ptr::null_mut())
    };
    if set != 0 {
        return Err(PyErr::fetch(py));
    }
    Ok(item)
}

/// Pauses Python's cyclic garbage collector while a page of messages is built (when it was
/// on): the new dicts and lists hold no cycles, and each collection the allocations trigger
/// would walk every object built so far. Restored on drop.
struct GcPaused(bool);

impl GcPaused {
    fn new() -> Self {
        // SAFETY: called with the GIL held (from code that holds a `Python` token).
        GcPaused(unsafe { pyo3::ffi::PyGC_Disable() } == 1)
    }
}

impl Drop for GcPaused {
    fn drop(&mut self) {
        if self.0 {
            // SAFETY: dropped in the scope that made it, with the GIL held.
            unsafe { pyo3::ffi::PyGC_Enable() };
        }
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
    let cell: LoopCell = Arc::default();
    capture_loop(py, &cell)?;
    let session_store = store::of(session_store, cell)?;
    let args = pyjson::from_py(args)?;
    pyfuture::spawn(py, async move {
        completion(api::call_store(Flavour::Python, session_store, &method, args).await)
    })
}
