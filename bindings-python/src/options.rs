//! `ClaudeAgentOptions` (the Python dataclass) → the core's options.
//!
//! The fields become one JSON object, which the core decodes (every shape, every check, the
//! Python SDK's spelling); functions and in-process servers become handles beside it. Nothing
//! here knows what an option means.

use crate::callbacks::{self, LoopCell};
use crate::errors::to_pyerr;
use crate::host_loop::PyHostLoop;
use crate::pyjson;
use claude_wire::options::{Callbacks, ClaudeAgentOptions};
use claude_wire::Flavour;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};
use serde_json::{json, Map, Value};
use std::sync::Arc;

/// Reads the Python options object. Callbacks are bound to `loop_cell`, the event loop that
/// drives the session.
pub fn convert(obj: &Bound<'_, PyAny>, loop_cell: &LoopCell) -> PyResult<ClaudeAgentOptions> {
    let py = obj.py();
    let mut handles = Handles {
        callbacks: Callbacks::default(),
        cell: loop_cell.clone(),
    };
    let mut data = Map::new();
    for field in py
        .import("dataclasses")?
        .call_method1("fields", (obj,))?
        .try_iter()?
    {
        let name: String = field?.getattr("name")?.extract()?;
        let value = obj.getattr(name.as_str())?;
        match name.as_str() {
            "can_use_tool" => {
                handles.callbacks.can_use_tool = callbacks::can_use_tool(&value, loop_cell)?
            }
            "stderr" => handles.callbacks.stderr = callbacks::stderr(&value, loop_cell)?,
            "session_store" if !value.is_none() => {
                handles.callbacks.session_store =
                    Some(crate::store::of(&value, loop_cell.clone())?);
            }
            // Not data: a deprecated file object.
            "debug_stderr" | "session_store" => {}
            _ => {
                let value = handles.data(&value, &name)?;
                data.insert(name, value);
            }
        }
    }
    let mut options =
        ClaudeAgentOptions::from_value(Value::Object(data), Flavour::Python, handles.callbacks)
            .map_err(|e| to_pyerr(py, e))?;
    // Where this interpreter's packages live: the official wheel's bundled CLI may be there.
    options.cli_site_dirs = crate::cli::site_dirs(py)?;
    options.host_loop = Some(Arc::new(PyHostLoop::new(loop_cell)));
    Ok(options)
}

/// Emits the official SDK's warnings for these options (the core decides which and their
/// text).
pub fn emit_warnings(py: Python<'_>, options: &ClaudeAgentOptions) -> PyResult<()> {
    let warnings = py.import("warnings")?;
    for warning in options.warnings() {
        let category = match warning.category {
            "CanUseToolShadowedWarning" => crate::classes::classes(py)?
                .CanUseToolShadowedWarning
                .bind(py)
                .clone(),
            other => py.import("builtins")?.getattr(other)?,
        };
        // stacklevel 1: the package function that called us, as the official SDK attributes it
        // to its own entry point (so a message is shown once per process).
        warnings.call_method1("warn", (warning.message, category, 1))?;
    }
    Ok(())
}

/// The callbacks found while converting, and the loop they run on.
struct Handles {
    callbacks: Callbacks,
    cell: LoopCell,
}

impl Handles {
    /// `value` as JSON: dataclasses as objects (unset fields left out), paths as text, hook
    /// functions as `{"$hook": i}`, in-process servers as `{"$server": i}`.
    fn data(&mut self, value: &Bound<'_, PyAny>, path: &str) -> PyResult<Value> {
        if let Ok(dict) = value.cast::<PyDict>() {
            let mut out = Map::new();
            for (key, item) in dict.iter() {
                let key: String = key
                    .extract()
                    .map_err(|_| PyTypeError::new_err(format!("{path}: keys must be strings")))?;
                let item = self.data(&item, &format!("{path}.{key}"))?;
                out.insert(key, item);
            }
            return Ok(Value::Object(out));
        }
        if value.cast::<PyList>().is_ok() || value.cast::<PyTuple>().is_ok() {
            let mut out = Vec::new();
            for (i, item) in value.try_iter()?.enumerate() {
                out.push(self.data(&item?, &format!("{path}[{i}]"))?);
            }
            return Ok(Value::Array(out));
        }
        if value.hasattr("tool_definitions")? {
            let server = callbacks::sdk_server(path, value, &self.cell)?;
            self.callbacks.mcp_servers.push(server);
            return Ok(json!({"$server": self.callbacks.mcp_servers.len() - 1}));
        }
        let py = value.py();
        let dataclasses = py.import("dataclasses")?;
        let is_instance = dataclasses
            .call_method1("is_dataclass", (value,))?
            .is_truthy()?
            && !value.is_instance_of::<pyo3::types::PyType>();
        if is_instance {
            let mut out = Map::new();
            for field in dataclasses.call_method1("fields", (value,))?.try_iter()? {
                let name: String = field?.getattr("name")?.extract()?;
                let item = value.getattr(name.as_str())?;
                if !item.is_none() {
                    let item = self.data(&item, &format!("{path}.{name}"))?;
                    out.insert(name, item);
                }
            }
            return Ok(Value::Object(out));
        }
        if value.hasattr("__fspath__")? {
            let text = py.import("os")?.call_method1("fspath", (value,))?;
            return Ok(Value::String(text.extract()?));
        }
        if value.is_callable() {
            let hook = callbacks::hook_callback(value.clone().unbind(), self.cell.clone());
            self.callbacks.hooks.push(hook);
            return Ok(json!({"$hook": self.callbacks.hooks.len() - 1}));
        }
        pyjson::from_py(value).map_err(|e| {
            let hint = if path.ends_with(".instance") {
                " (in-process MCP servers must come from claude_wire.create_sdk_mcp_server)"
            } else {
                ""
            };
            PyTypeError::new_err(format!("{path}: {e}{hint}"))
        })
    }
}
