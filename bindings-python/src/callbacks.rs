//! Python callables as core callbacks, awaited on the caller's asyncio loop.
//!
//! Every adapter does the same three steps: build the Python arguments (with the GIL), schedule
//! the coroutine on the loop captured when the session started and await it without the GIL,
//! then turn the returned Python value into JSON for the core, which owns the wire rules. A
//! Python exception becomes a [`CallbackError`] carrying `str(exception)`.

use crate::classes::classes;
use crate::host_loop::Host;
use crate::{awaitable, pyfuture, pyjson};
use claude_wire::hooks::{HookCallback, HookOutput};
use claude_wire::mcp::{SdkMcpServer, SdkMcpTool, ToolCall, ToolHandler, ToolResult};
use claude_wire::options::StderrCallback;
use claude_wire::permission::{CanUseTool, PermissionResult, ToolPermissionContext};
use claude_wire::CallbackError;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList, PyTuple};
use pyo3_async_runtimes::TaskLocals;
use serde_json::Value;
use std::sync::{Arc, Mutex, Weak};

/// The event loop (and context) the callbacks of one session run on: the loop that last drove
/// the session (started it, sent a prompt, read its messages).
pub type LoopCell = Arc<LoopBinding>;

/// See [`LoopCell`].
#[derive(Default)]
pub struct LoopBinding {
    locals: Mutex<Option<TaskLocals>>,
    /// The loop watching the session's stdout, told when the loop changes.
    host: Mutex<Weak<Host>>,
}

impl LoopBinding {
    /// Tells `host` when this cell is bound to another loop.
    pub fn set_host(&self, host: Weak<Host>) {
        *self.host.lock().unwrap_or_else(|e| e.into_inner()) = host;
    }
}

/// Binds `cell` to the running loop of the calling thread, unless it is bound to it already.
pub fn capture_loop(py: Python<'_>, cell: &LoopCell) -> PyResult<()> {
    let running = py.import("asyncio")?.call_method0("get_running_loop")?;
    {
        let mut bound = cell.locals.lock().unwrap_or_else(|e| e.into_inner());
        if bound
            .as_ref()
            .is_some_and(|l| l.event_loop(py).is(&running))
        {
            return Ok(());
        }
        *bound = Some(TaskLocals::new(running).copy_context(py)?);
    }
    let host = cell
        .host
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .upgrade();
    if let Some(host) = host {
        host.rebound(py);
    }
    Ok(())
}

/// The loop `cell` is bound to.
#[allow(deprecated)] // `clone` would need the `py-clone` feature
pub fn bound_loop(py: Python<'_>, cell: &LoopCell) -> Option<TaskLocals> {
    let bound = cell.locals.lock().unwrap_or_else(|e| e.into_inner());
    bound.as_ref().map(|l| l.clone_ref(py))
}

fn callback_error(py: Python<'_>, err: PyErr) -> CallbackError {
    let text = err
        .value(py)
        .str()
        .map(|s| s.to_string())
        .unwrap_or_else(|_| err.to_string());
    text.into()
}

/// Calls `func(*args)`; when the result is awaitable, awaits it on the session's loop.
async fn call<F>(cell: &LoopCell, func: &Py<PyAny>, args: F) -> Result<Py<PyAny>, CallbackError>
where
    F: for<'py> FnOnce(Python<'py>) -> PyResult<Bound<'py, PyTuple>>,
{
    call_keeping_error(cell, func, args).await.map_err(py_error)
}

/// [`call`], keeping the Python exception as it was raised.
pub(crate) async fn call_keeping_error<F>(
    cell: &LoopCell,
    func: &Py<PyAny>,
    args: F,
) -> PyResult<Py<PyAny>>
where
    F: for<'py> FnOnce(Python<'py>) -> PyResult<Bound<'py, PyTuple>>,
{
    // Read before the user's code runs, which must not count as the host's reading.
    let on_host = claude_wire::transport::on_host_thread();
    let pending = pyfuture::attach(|py| -> PyResult<Result<Py<PyAny>, _>> {
        claude_wire::transport::outside_host(|| {
            let locals = bound_loop(py, cell);
            let result = call_in_context(py, func.bind(py), args(py)?, locals.as_ref())?;
            if !result.hasattr("__await__")? {
                return Ok(Ok(result.unbind()));
            }
            let locals = locals
                .ok_or_else(|| PyValueError::new_err("no running event loop for the callback"))?;
            let task = awaitable::run_on_loop_from(&locals, result, on_host)?;
            Ok(Err(task))
        })
    })
    .ok_or_else(|| {
        pyo3::exceptions::PyRuntimeError::new_err("the Python interpreter is shutting down")
    })??;
    match pending {
        Ok(ready) => Ok(ready),
        Err(future) => future.await,
    }
}

/// Calls `func(*args)` on a runtime thread in a copy of the session's context (a fresh one
/// without a loop): what a plain function sets in a `ContextVar` stays with that call, as it
/// would in a task, instead of staying with the runtime thread for the next callback.
fn call_in_context<'py>(
    py: Python<'py>,
    func: &Bound<'py, PyAny>,
    args: Bound<'py, PyTuple>,
    locals: Option<&TaskLocals>,
) -> PyResult<Bound<'py, PyAny>> {
    static CONTEXT: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let context = match locals {
        Some(locals) => locals.context(py).call_method0("copy")?,
        None => CONTEXT
            .get_or_try_init(py, || -> PyResult<_> {
                Ok(py.import("contextvars")?.getattr("Context")?.unbind())
            })?
            .bind(py)
            .call0()?,
    };
    let mut call = Vec::with_capacity(args.len() + 1);
    call.push(func.clone());
    call.extend(args.iter());
    context.call_method1("run", PyTuple::new(py, call)?)
}

fn py_error(err: PyErr) -> CallbackError {
    gil(|py| callback_error(py, err)).unwrap_or_else(|e| e)
}

/// The GIL from a runtime thread, or an error once the interpreter is shutting down.
fn gil<R>(f: impl for<'py> FnOnce(Python<'py>) -> R) -> Result<R, CallbackError> {
    pyfuture::attach(f).ok_or_else(|| "the Python interpreter is shutting down".into())
}

fn json_of(value: Py<PyAny>) -> Result<Value, CallbackError> {
    gil(|py| pyjson::from_py(value.bind(py)).map_err(|e| callback_error(py, e)))?
}

/// `can_use_tool(tool_name, input, context)` → [`CanUseTool`].
pub fn can_use_tool(func: &Bound<'_, PyAny>, cell: &LoopCell) -> PyResult<Option<CanUseTool>> {
    if func.is_none() {
        return Ok(None);
    }
    let func = Arc::new(func.clone().unbind());
    let cell = cell.clone();
    Ok(Some(Arc::new(
        move |tool: String, input: Value, ctx: ToolPermissionContext| {
            let (func, cell) = (func.clone(), cell.clone());
            Box::pin(async move {
                let result = call(&cell, &func, |py| {
                    let context = permission_context(py, &ctx)?;
                    PyTuple::new(
                        py,
                        [
                            tool.into_pyobject(py)?.into_any(),
                            pyjson::to_py(py, &input)?,
                            context,
                        ],
                    )
                })
                .await?;
                let value = gil(|py| {
                    permission_value(result.bind(py)).map_err(|e| callback_error(py, e))
                })??;
                PermissionResult::from_value(&value).map_err(|e| e.to_string().into())
            })
        },
    )))
}

fn permission_context<'py>(
    py: Python<'py>,
    ctx: &ToolPermissionContext,
) -> PyResult<Bound<'py, PyAny>> {
    let c = classes(py)?;
    let from_dict = c.PermissionUpdate.bind(py).getattr("from_dict")?;
    let suggestions = PyList::empty(py);
    for update in &ctx.suggestions {
        suggestions.append(from_dict.call1((pyjson::to_py(py, &update.to_value())?,))?)?;
    }
    let args = (
        py.None(),
        suggestions,
        ctx.tool_use_id.as_deref(),
        ctx.agent_id.as_deref(),
        ctx.blocked_path.as_deref(),
        ctx.decision_reason.as_deref(),
        ctx.title.as_deref(),
        ctx.display_name.as_deref(),
        ctx.description.as_deref(),
    );
    c.ToolPermissionContext.bind(py).call1(args)
}

/// A `PermissionResultAllow` / `PermissionResultDeny` (or a plain dict) as JSON for the core.
fn permission_value(result: &Bound<'_, PyAny>) -> PyResult<Value> {
    if result.is_instance_of::<PyDict>() {
        return pyjson::from_py(result);
    }
    let behavior: String = result
        .getattr("behavior")
        .map_err(|_| {
            PyTypeError::new_err(
                "can_use_tool must return PermissionResultAllow or PermissionResultDeny",
            )
        })?
        .extract()?;
    let mut out = serde_json::Map::new();
    out.insert("behavior".into(), Value::String(behavior.clone()));
    if behavior == "allow" {
        out.insert(
            "updated_input".into(),
            pyjson::from_py(&result.getattr("updated_input")?)?,
        );
        let updates = result.getattr("updated_permissions")?;
        out.insert(
            "updated_permissions".into(),
            pyjson::from_py(&updates).unwrap_or(Value::Null),
        );
    } else {
        out.insert(
            "message".into(),
            pyjson::from_py(&result.getattr("message")?)?,
        );
        out.insert(
            "interrupt".into(),
            Value::Bool(result.getattr("interrupt")?.is_truthy()?),
        );
    }
    Ok(Value::Object(out))
}

/// A hook function `fn(input, tool_use_id, context)` → [`HookCallback`].
pub fn hook_callback(func: Py<PyAny>, cell: LoopCell) -> HookCallback {
    let func = Arc::new(func);
    Arc::new(move |input, tool_use_id, _ctx| {
        let (func, cell) = (func.clone(), cell.clone());
        Box::pin(async move {
            let result = call(&cell, &func, |py| {
                let context = PyDict::new(py);
                context.set_item("signal", py.None())?;
                PyTuple::new(
                    py,
                    [
                        pyjson::to_py(py, &input.raw)?,
                        tool_use_id.into_pyobject(py)?.into_any(),
                        context.into_any(),
                    ],
                )
            })
            .await?;
            HookOutput::from_value(json_of(result)?).map_err(|e| e.to_string().into())
        })
    })
}

/// A stderr callback, called on the session's loop (`call_soon_threadsafe`) once it is known.
pub fn stderr(func: &Bound<'_, PyAny>, cell: &LoopCell) -> PyResult<Option<StderrCallback>> {
    if func.is_none() {
        return Ok(None);
    }
    let func = Arc::new(func.clone().unbind());
    let cell = cell.clone();
    Ok(Some(Arc::new(move |line: &str| {
        pyfuture::attach(|py| {
            let done = match bound_loop(py, &cell) {
                Some(locals) => locals
                    .event_loop(py)
                    .call_method1("call_soon_threadsafe", (func.bind(py), line))
                    .map(|_| ()),
                None => PyTuple::new(py, [line])
                    .and_then(|args| call_in_context(py, func.bind(py), args, None))
                    .map(|_| ()),
            };
            if let Err(e) = done {
                e.write_unraisable(py, Some(func.bind(py)));
            }
        });
    })))
}

/// An in-process server created by `create_sdk_mcp_server` → [`SdkMcpServer`].
pub fn sdk_server(
    name: &str,
    instance: &Bound<'_, PyAny>,
    cell: &LoopCell,
) -> PyResult<SdkMcpServer> {
    if !instance.hasattr("tool_definitions")? {
        return Err(PyTypeError::new_err(format!(
            "MCP server {name:?}: only servers made by claude_wire.create_sdk_mcp_server are supported in-process"
        )));
    }
    let version: String = instance.getattr("version")?.extract()?;
    let server_name: String = instance.getattr("name")?.extract()?;
    let mut tools = Vec::new();
    for def in instance.call_method0("tool_definitions")?.try_iter()? {
        let def = def?;
        let field = |key: &str| -> PyResult<Bound<'_, PyAny>> { def.get_item(key) };
        let json_or_none = |key: &str| -> PyResult<Option<Value>> {
            let v = field(key)?;
            if v.is_none() {
                Ok(None)
            } else {
                pyjson::from_py(&v).map(Some)
            }
        };
        let mut tool = SdkMcpTool::new(
            field("name")?.extract::<String>()?,
            field("description")?.extract::<String>()?,
            pyjson::from_py(&field("input_schema")?)?,
            tool_handler(field("handler")?.unbind(), cell.clone()),
        );
        if let Some(annotations) = json_or_none("annotations")? {
            tool = tool.annotations_from(&annotations);
        }
        tools.push(tool);
    }
    Ok(claude_wire::mcp::create_sdk_mcp_server(
        server_name,
        version,
        tools,
    ))
}

fn tool_handler(func: Py<PyAny>, cell: LoopCell) -> ToolHandler {
    let func = Arc::new(func);
    // The Python SDK's handlers take the arguments alone.
    Arc::new(move |args: Value, _: ToolCall| {
        let (func, cell) = (func.clone(), cell.clone());
        Box::pin(async move {
            let result = call(&cell, &func, |py| {
                PyTuple::new(py, [pyjson::to_py(py, &args)?])
            })
            .await?;
            ToolResult::from_python_sdk_value(&json_of(result)?).map_err(|e| e.to_string().into())
        })
    })
}
