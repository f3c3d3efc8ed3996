//! Session stores from Python: any object with the official `SessionStore` methods becomes a
//! core [`JsonStore`] whose calls are awaited on the caller's event loop; the package's own
//! `InMemorySessionStore` is the core's store, used directly.
//!
//! A store's exception is kept as it was raised ([`PyErr`] is the boxed error), so it
//! propagates unchanged, as in the official SDK.

use crate::callbacks::{self, LoopCell};
use crate::{pyfuture, pyjson};
use claude_wire::sessions::{self, CallStore, JsonStore, SessionKey, SessionStore, StoreMethod};
use claude_wire::{CallbackError, Flavour};
use pyo3::exceptions::{PyNotImplementedError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyTuple;
use serde_json::Value;
use std::sync::Arc;

const OPTIONAL: [StoreMethod; 4] = [
    StoreMethod::ListSessions,
    StoreMethod::ListSessionSummaries,
    StoreMethod::Delete,
    StoreMethod::ListSubkeys,
];

/// The core store behind a Python store object; `cell` is the loop its coroutines run on.
pub fn of(store: &Bound<'_, PyAny>, cell: LoopCell) -> PyResult<Arc<dyn SessionStore>> {
    let py = store.py();
    let module = py.import("claude_wire._sessions")?;
    if store
        .get_type()
        .is(&module.getattr("InMemorySessionStore")?)
    {
        let native = store.getattr("_native")?;
        return Ok(native
            .cast::<InMemorySessionStore>()?
            .borrow()
            .inner
            .clone());
    }
    let probe = module.getattr("_store_implements")?;
    let mut implemented = Vec::new();
    for method in OPTIONAL {
        if probe
            .call1((store, method.name(Flavour::Python)))?
            .is_truthy()?
        {
            implemented.push(method);
        }
    }
    let object = Arc::new(store.clone().unbind());
    let call: CallStore = Arc::new(move |name: &'static str, args: Vec<Value>| {
        let (object, cell) = (object.clone(), cell.clone());
        Box::pin(async move {
            let method = attach(|py| object.getattr(py, name))?.map_err(boxed)?;
            let result = callbacks::call_keeping_error(&cell, &method, |py| {
                let args = args
                    .iter()
                    .map(|a| pyjson::to_py(py, a))
                    .collect::<PyResult<Vec<_>>>()?;
                PyTuple::new(py, args)
            })
            .await
            .map_err(|err| unsupported(name, err))?;
            attach(|py| pyjson::from_py(result.bind(py)))?.map_err(boxed)
        })
    });
    Ok(Arc::new(JsonStore::new(call, Flavour::Python, implemented)))
}

/// An optional method raising `NotImplementedError` counts as absent, as the official SDK
/// treats it.
fn unsupported(name: &str, err: PyErr) -> CallbackError {
    let missing = OPTIONAL
        .into_iter()
        .find(|m| m.name(Flavour::Python) == name)
        .filter(|_| attach(|py| err.is_instance_of::<PyNotImplementedError>(py)).unwrap_or(false));
    match missing {
        Some(method) => Box::new(sessions::Unsupported(method)),
        None => boxed(err),
    }
}

fn boxed(err: PyErr) -> CallbackError {
    Box::new(err)
}

fn attach<R>(f: impl for<'py> FnOnce(Python<'py>) -> R) -> Result<R, CallbackError> {
    pyfuture::attach(f).ok_or_else(|| {
        boxed(PyRuntimeError::new_err(
            "the Python interpreter is shutting down",
        ))
    })
}

/// The core's in-memory store, for the package's `InMemorySessionStore`.
#[pyclass(module = "claude_wire._native", frozen)]
pub struct InMemorySessionStore {
    inner: Arc<sessions::InMemorySessionStore>,
}

#[pymethods]
impl InMemorySessionStore {
    #[new]
    fn new() -> Self {
        InMemorySessionStore {
            inner: Arc::new(sessions::InMemorySessionStore::with_flavour(
                Flavour::Python,
            )),
        }
    }

    /// Runs the store method `method` with positional `args`; an awaitable of its result.
    fn call<'py>(
        &self,
        py: Python<'py>,
        method: String,
        args: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let args = match pyjson::from_py(args)? {
            Value::Array(items) => items,
            _ => return Err(PyValueError::new_err("args must be a list")),
        };
        let store = self.inner.clone();
        pyfuture::spawn(py, async move {
            let result = sessions::serve(store.as_ref(), Flavour::Python, &method, args).await;
            crate::sessions::completion(result)
        })
    }

    /// Every entry at `key` (empty when there is none).
    fn get_entries<'py>(
        &self,
        py: Python<'py>,
        key: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let key = SessionKey::from_value(&pyjson::from_py(key)?)
            .ok_or_else(|| PyValueError::new_err("expected a session key"))?;
        Ok(pyjson::list_to_py(py, &self.inner.get_entries(&key))?.into_any())
    }

    /// How many main transcripts the store holds.
    fn size(&self) -> usize {
        self.inner.size()
    }

    /// Forgets everything.
    fn clear(&self) {
        self.inner.clear()
    }
}

/// The official conformance contracts over stores from `make_store` (sync or async callable);
/// an awaitable that raises `AssertionError` for a broken contract, or the store's own
/// exception.
#[pyfunction]
pub fn run_store_conformance<'py>(
    py: Python<'py>,
    make_store: Py<PyAny>,
    skip_optional: Vec<String>,
) -> PyResult<Bound<'py, PyAny>> {
    let mut skip = Vec::new();
    for name in &skip_optional {
        match OPTIONAL.iter().find(|m| m.name(Flavour::Python) == name) {
            Some(method) => skip.push(*method),
            None => {
                return Err(pyo3::exceptions::PyAssertionError::new_err(format!(
                    "unknown optional methods in skip_optional: {{'{name}'}}"
                )))
            }
        }
    }
    let cell: LoopCell = Arc::default();
    callbacks::capture_loop(py, &cell)?;
    let make_store = Arc::new(make_store);
    let failure = Arc::new(std::sync::Mutex::new(None::<PyErr>));
    let failed = failure.clone();
    pyfuture::spawn(py, async move {
        let make = || {
            let (make_store, cell, failed) = (make_store.clone(), cell.clone(), failed.clone());
            async move {
                let made = async {
                    let object = callbacks::call_keeping_error(&cell, &make_store, |py| {
                        Ok(PyTuple::empty(py))
                    })
                    .await?;
                    attach(|py| of(object.bind(py), cell.clone()))
                        .map_err(|_| PyRuntimeError::new_err("the interpreter is shutting down"))?
                };
                match made.await {
                    Ok(store) => store,
                    Err(err) => {
                        // Remembered and raised instead of the contract failure it causes.
                        failed
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .get_or_insert(err);
                        Arc::new(sessions::InMemorySessionStore::new()) as Arc<dyn SessionStore>
                    }
                }
            }
        };
        let outcome = sessions::run_session_store_conformance(make, &skip).await;
        let made_failed = failure.lock().unwrap_or_else(|e| e.into_inner()).take();
        Box::new(move |py: Python<'_>| -> PyResult<Py<PyAny>> {
            if let Some(err) = made_failed {
                return Err(err);
            }
            match outcome {
                Ok(()) => Ok(py.None()),
                Err(sessions::ConformanceError::Store { source, .. })
                    if source.downcast_ref::<PyErr>().is_some() =>
                {
                    let raised = source.downcast::<PyErr>().expect("checked above");
                    Err(*raised)
                }
                Err(other) => Err(pyo3::exceptions::PyAssertionError::new_err(
                    other.to_string(),
                )),
            }
        }) as pyfuture::Completion
    })
}
