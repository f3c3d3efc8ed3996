//! A Python session store (any object with the official `SessionStore` methods) as a core
//! [`SessionStore`].
//!
//! Each method is awaited on the event loop that called into the package. A store's exception is
//! kept as it was raised ([`PyErr`] is the boxed error), so `*_from_store` functions re-raise it
//! unchanged, as the official SDK lets it propagate.

use crate::callbacks::{self, LoopCell};
use crate::{pyfuture, pyjson};
use async_trait::async_trait;
use claude_wire::sessions::{
    SessionKey, SessionStore, SessionSummaryEntry, StoreEntry, StoreListEntry, StoreMethod,
};
use claude_wire::{CallbackError, Flavour};
use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::PyTuple;
use serde_json::Value;

const OPTIONAL: [StoreMethod; 4] = [
    StoreMethod::ListSessions,
    StoreMethod::ListSessionSummaries,
    StoreMethod::Delete,
    StoreMethod::ListSubkeys,
];

/// The Python store object and the loop its coroutines run on.
pub struct PyStore {
    store: Py<PyAny>,
    cell: LoopCell,
    /// Which optional methods the object overrides (probed once, as the official SDK does).
    implemented: Vec<StoreMethod>,
}

impl PyStore {
    /// Wraps `store`; `cell` is the loop its methods are awaited on.
    pub fn new(store: &Bound<'_, PyAny>, cell: LoopCell) -> PyResult<Self> {
        let probe = store
            .py()
            .import("claude_wire._sessions")?
            .getattr("_store_implements")?;
        let mut implemented = Vec::new();
        for method in OPTIONAL {
            if probe
                .call1((store, method.name(Flavour::Python)))?
                .is_truthy()?
            {
                implemented.push(method);
            }
        }
        Ok(PyStore {
            store: store.clone().unbind(),
            cell,
            implemented,
        })
    }

    async fn call<F>(&self, method: &str, args: F) -> Result<Py<PyAny>, CallbackError>
    where
        F: for<'py> FnOnce(Python<'py>) -> PyResult<Bound<'py, PyTuple>>,
    {
        let bound = attach(|py| self.store.getattr(py, method))??;
        callbacks::call_keeping_error(&self.cell, &bound, args)
            .await
            .map_err(|e| Box::new(e) as CallbackError)
    }

    async fn call_json<F>(&self, method: &str, args: F) -> Result<Value, CallbackError>
    where
        F: for<'py> FnOnce(Python<'py>) -> PyResult<Bound<'py, PyTuple>>,
    {
        let result = self.call(method, args).await?;
        Ok(attach(|py| pyjson::from_py(result.bind(py)))??)
    }
}

fn attach<R>(f: impl for<'py> FnOnce(Python<'py>) -> R) -> PyResult<R> {
    pyfuture::attach(f)
        .ok_or_else(|| PyRuntimeError::new_err("the Python interpreter is shutting down"))
}

fn key_args<'py>(py: Python<'py>, key: &SessionKey) -> PyResult<Bound<'py, PyTuple>> {
    PyTuple::new(py, [pyjson::to_py(py, &key.to_value(Flavour::Python))?])
}

fn bad_shape(method: &str, expected: &str) -> CallbackError {
    Box::new(PyTypeError::new_err(format!(
        "SessionStore.{method}() must return {expected}"
    )))
}

fn list_of(value: Value, method: &str, expected: &str) -> Result<Vec<Value>, CallbackError> {
    match value {
        Value::Array(items) => Ok(items),
        _ => Err(bad_shape(method, expected)),
    }
}

fn text(item: &Value, key: &str) -> Option<String> {
    item.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn mtime(item: &Value) -> Option<i64> {
    item.get("mtime")
        .and_then(|m| m.as_i64().or_else(|| m.as_f64().map(|f| f as i64)))
}

#[async_trait]
impl SessionStore for PyStore {
    async fn append(&self, key: &SessionKey, entries: Vec<StoreEntry>) -> Result<(), CallbackError> {
        self.call("append", |py| {
            PyTuple::new(
                py,
                [
                    pyjson::to_py(py, &key.to_value(Flavour::Python))?,
                    pyjson::list_to_py(py, &entries)?.into_any(),
                ],
            )
        })
        .await
        .map(drop)
    }

    async fn load(&self, key: &SessionKey) -> Result<Option<Vec<StoreEntry>>, CallbackError> {
        match self.call_json("load", |py| key_args(py, key)).await? {
            Value::Null => Ok(None),
            other => list_of(other, "load", "a list of entries or None").map(Some),
        }
    }

    fn supports(&self, method: StoreMethod) -> bool {
        self.implemented.contains(&method)
    }

    async fn list_sessions(&self, project_key: &str) -> Result<Vec<StoreListEntry>, CallbackError> {
        let expected = "a list of {'session_id', 'mtime'} dicts";
        let items = list_of(
            self.call_json("list_sessions", |py| PyTuple::new(py, [project_key]))
                .await?,
            "list_sessions",
            expected,
        )?;
        items
            .iter()
            .map(|item| {
                Some(StoreListEntry {
                    session_id: text(item, "session_id")?,
                    mtime: mtime(item)?,
                })
            })
            .collect::<Option<_>>()
            .ok_or_else(|| bad_shape("list_sessions", expected))
    }

    async fn list_session_summaries(
        &self,
        project_key: &str,
    ) -> Result<Vec<SessionSummaryEntry>, CallbackError> {
        let expected = "a list of {'session_id', 'mtime', 'data'} dicts";
        let items = list_of(
            self.call_json("list_session_summaries", |py| {
                PyTuple::new(py, [project_key])
            })
            .await?,
            "list_session_summaries",
            expected,
        )?;
        items
            .into_iter()
            .map(|item| {
                Some(SessionSummaryEntry {
                    session_id: text(&item, "session_id")?,
                    mtime: mtime(&item)?,
                    data: item.get("data")?.as_object()?.clone(),
                })
            })
            .collect::<Option<_>>()
            .ok_or_else(|| bad_shape("list_session_summaries", expected))
    }

    async fn delete(&self, key: &SessionKey) -> Result<(), CallbackError> {
        self.call("delete", |py| key_args(py, key)).await.map(drop)
    }

    async fn list_subkeys(&self, key: &SessionKey) -> Result<Vec<String>, CallbackError> {
        let value = self
            .call_json("list_subkeys", |py| {
                let mut map = serde_json::Map::new();
                map.insert("project_key".into(), key.project_key.clone().into());
                map.insert("session_id".into(), key.session_id.clone().into());
                PyTuple::new(py, [pyjson::dict_to_py(py, &map)?])
            })
            .await?;
        list_of(value, "list_subkeys", "a list of str")?
            .into_iter()
            .map(|v| v.as_str().map(str::to_owned))
            .collect::<Option<_>>()
            .ok_or_else(|| bad_shape("list_subkeys", "a list of str"))
    }
}
