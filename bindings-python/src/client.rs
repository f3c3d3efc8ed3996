//! `Client`: the native side of `ClaudeSDKClient`, forwarding to `claude_wire::ClaudeClient`.
//!
//! The core client is made at the first `connect`, from the options the Python client holds
//! then (as the official client reads them, with their errors and warnings there). Before it,
//! calls go to a core client that never connects, so what a call does before `connect` (fail
//! with "not connected", or do nothing) is the core's.

use crate::awaitable::cancel_task;
use crate::callbacks::{capture_loop, LoopCell};
use crate::errors::to_pyerr;
use crate::pyfuture::{self, Completion};
use crate::runtime::{self, Owned};
use crate::stream::MessageStream;
use crate::transport::PyTransport;
use crate::{options, prompt, pyjson};
use claude_wire::{ClaudeClient, ControlRequest, Flavour};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use serde_json::Value;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

/// A multi-turn session.
#[pyclass(module = "claude_wire._native")]
pub struct Client {
    /// `None` until the first `connect`.
    client: Mutex<Option<Owned<Arc<ClaudeClient>>>>,
    /// The user's `Transport` object, connected again (as the same object) at each `connect`.
    transport: Option<Py<PyAny>>,
    cell: LoopCell,
    /// Prompt pumps running on the caller's loop (cancelled on disconnect/drop, and when a
    /// connect fails or is cancelled).
    pumps: Arc<Mutex<Vec<Py<PyAny>>>>,
}

/// Cancels the prompt pumps when dropped armed: a connect that fails or is cancelled leaves
/// nothing running (the core drops the CLI it was starting).
struct PumpsGuard {
    pumps: Arc<Mutex<Vec<Py<PyAny>>>>,
    armed: bool,
}

impl Drop for PumpsGuard {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        let pumps = self
            .pumps
            .lock()
            .map(|mut p| std::mem::take(&mut *p))
            .unwrap_or_default();
        pyfuture::attach(|py| {
            for task in pumps {
                let _ = cancel_task(task.bind(py));
            }
        });
    }
}

fn done(result: claude_wire::Result<()>) -> Completion {
    match result {
        Ok(()) => pyfuture::unit(),
        Err(e) => Box::new(move |py| Err(to_pyerr(py, e))),
    }
}

fn value(result: claude_wire::Result<Option<Value>>) -> Completion {
    match result {
        Ok(v) => Box::new(move |py| match v {
            Some(v) => Ok(pyjson::to_py(py, &v)?.unbind()),
            None => Ok(py.None()),
        }),
        Err(e) => Box::new(move |py| Err(to_pyerr(py, e))),
    }
}

impl Client {
    /// Sends `request` and resolves to the CLI's answer.
    fn send<'py>(
        &self,
        py: Python<'py>,
        request: ControlRequest,
        timeout: Option<f64>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let timeout = timeout
            .map(Duration::try_from_secs_f64)
            .transpose()
            .map_err(|e| PyValueError::new_err(format!("invalid timeout: {e}")))?;
        let c = self.core(py)?;
        pyfuture::spawn(py, async move {
            let answer = match c.control() {
                Ok(control) => control.send_with_timeout(request, timeout).await,
                Err(e) => Err(e),
            };
            value(answer.map(Some))
        })
    }

    fn start_pump(&self, py: Python<'_>, pump: Option<prompt::Pump>) -> PyResult<()> {
        if let Some(pump) = pump {
            let task = pump.start(py)?;
            if let Ok(mut pumps) = self.pumps.lock() {
                pumps.push(task);
            }
        }
        Ok(())
    }

    fn take_pumps(&self) -> Vec<Py<PyAny>> {
        self.pumps
            .lock()
            .map(|mut p| std::mem::take(&mut *p))
            .unwrap_or_default()
    }

    fn cancel_pumps(&self, py: Python<'_>) {
        for task in self.take_pumps() {
            // Fails only when the loop closed meanwhile, and then the task is gone anyway.
            let _ = cancel_task(task.bind(py));
        }
    }

    /// Wraps a core client already connected (claimed from a session pool).
    pub fn from_core(client: ClaudeClient, cell: LoopCell) -> Self {
        Client {
            client: Mutex::new(Some(Owned::new(Arc::new(client)))),
            transport: None,
            cell,
            pumps: Arc::default(),
        }
    }

    fn slot(&self) -> MutexGuard<'_, Option<Owned<Arc<ClaudeClient>>>> {
        self.client.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The core client (one that never connects before the first `connect`), bound to the
    /// caller's loop (callbacks run on the loop that last drove the session); an error in a
    /// forked child.
    fn core(&self, py: Python<'_>) -> PyResult<Arc<ClaudeClient>> {
        let client = match &*self.slot() {
            Some(owned) => owned.get().map_err(|e| to_pyerr(py, e))?.clone(),
            None => unconnected(),
        };
        // Outside a running loop (a sync call site) the binding stays as it was.
        let _ = capture_loop(py, &self.cell);
        Ok(client)
    }

    /// The core client, made from `options` at the first `connect`; later ones hand it the
    /// options as they are now, as the official client reads them at every `connect`.
    fn core_for_connect(&self, options: &Bound<'_, PyAny>) -> PyResult<Arc<ClaudeClient>> {
        let py = options.py();
        let core_options = options::convert(options, &self.cell)?;
        options::emit_warnings(py, &core_options)?;
        let mut slot = self.slot();
        if let Some(owned) = &*slot {
            let client = owned.get().map_err(|e| to_pyerr(py, e))?.clone();
            client.set_options(core_options);
            return Ok(client);
        }
        let client = match &self.transport {
            Some(object) => {
                let (object, cell) = (Arc::new(object.clone_ref(py)), self.cell.clone());
                let factory: claude_wire::TransportFactory = Arc::new(move || {
                    let object = pyfuture::attach(|py| object.clone_ref(py)).ok_or_else(|| {
                        claude_wire::Error::Connection(
                            "the Python interpreter is shutting down".into(),
                        )
                    })?;
                    Ok(Arc::new(PyTransport::new(object, cell.clone())) as _)
                });
                ClaudeClient::with_transport_factory(core_options, factory)
            }
            None => ClaudeClient::new(core_options),
        };
        let client = Arc::new(client);
        *slot = Some(Owned::new(client.clone()));
        Ok(client)
    }
}

/// A core client that is never connected: every call on it is the core's answer to a call
/// made before `connect`.
fn unconnected() -> Arc<ClaudeClient> {
    static UNCONNECTED: OnceLock<Arc<ClaudeClient>> = OnceLock::new();
    UNCONNECTED
        .get_or_init(|| Arc::new(ClaudeClient::new(Default::default())))
        .clone()
}

/// Runs a unit-returning client call as an asyncio future.
macro_rules! forward {
    ($py:expr, $self:expr, |$c:ident| $call:expr) => {{
        let $c = $self.core($py)?;
        pyfuture::spawn($py, async move { done($call.await) })
    }};
}

#[pymethods]
impl Client {
    /// A client over the CLI, or over a user's `Transport` object.
    #[new]
    #[pyo3(signature = (transport=None))]
    fn new(transport: Option<Bound<'_, PyAny>>) -> Self {
        Client {
            client: Mutex::new(None),
            transport: transport.filter(|t| !t.is_none()).map(Bound::unbind),
            cell: Arc::default(),
            pumps: Arc::default(),
        }
    }

    /// Connects (again: the session so far ends first) with `options` as they are now.
    #[pyo3(signature = (options, prompt=None))]
    fn connect<'py>(
        &self,
        py: Python<'py>,
        options: Bound<'py, PyAny>,
        prompt: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        capture_loop(py, &self.cell)?;
        let client = self.core_for_connect(&options)?;
        let (core_prompt, pump) = match prompt.filter(|p| !p.is_none()) {
            Some(p) => {
                let (core, pump) = prompt::from_py(&p)?;
                (Some(core), pump)
            }
            None => (None, None),
        };
        self.start_pump(py, pump)?;
        let mut guard = PumpsGuard {
            pumps: self.pumps.clone(),
            armed: true,
        };
        pyfuture::spawn(py, async move {
            let connected = client.connect(core_prompt).await;
            guard.armed = connected.is_err();
            drop(guard);
            done(connected)
        })
    }

    /// `session_id`: the core's default when `None`.
    #[pyo3(signature = (prompt, session_id=None))]
    fn query<'py>(
        &self,
        py: Python<'py>,
        prompt: Bound<'py, PyAny>,
        session_id: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let session_id = session_id
            .unwrap_or(claude_wire::constants::DEFAULT_SESSION_ID)
            .to_owned();
        capture_loop(py, &self.cell)?;
        // Refused before the prompt's iterable is read, as the official client refuses it.
        let client = self.core(py)?;
        client.ensure_connected().map_err(|e| to_pyerr(py, e))?;
        let (core_prompt, pump) = prompt::from_py(&prompt)?;
        self.start_pump(py, pump)?;
        pyfuture::spawn(py, async move {
            done(client.query(core_prompt, &session_id).await)
        })
    }

    fn receive_messages(&self, py: Python<'_>) -> PyResult<MessageStream> {
        let messages = self.core(py)?.receive_messages();
        Ok(MessageStream::new(messages, None, None))
    }

    fn receive_response(&self, py: Python<'_>) -> PyResult<MessageStream> {
        let messages = self.core(py)?.receive_response();
        Ok(MessageStream::new(messages, None, None))
    }

    /// Sends one control request (a dict or JSON text in wire form, `{"subtype": ...}`),
    /// decoded by the core into `ControlRequest`; resolves to the CLI's answer as Python
    /// objects. `timeout` (seconds) overrides the session's control timeout.
    #[pyo3(signature = (request, timeout=None))]
    fn control<'py>(
        &self,
        py: Python<'py>,
        request: Bound<'py, PyAny>,
        timeout: Option<f64>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let request = match request.cast::<PyString>() {
            Ok(text) => serde_json::from_str(text.to_str()?)
                .map_err(|e| PyValueError::new_err(format!("invalid control request JSON: {e}")))?,
            Err(_) => pyjson::from_py(&request)?,
        };
        let request = ControlRequest::from_value(request).map_err(|e| to_pyerr(py, e))?;
        self.send(py, request, timeout)
    }

    /// Calls a control method of the official client by name (`rewind_files`,
    /// `get_server_info`, ...) with its arguments by parameter name; the core knows what each
    /// sends and what it returns.
    #[pyo3(signature = (method, args))]
    fn call<'py>(
        &self,
        py: Python<'py>,
        method: &str,
        args: &Bound<'py, PyDict>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let args = pyjson::dict_from_py(args)?;
        let (c, method) = (self.core(py)?, method.to_owned());
        pyfuture::spawn(py, async move {
            let answer = match c.control() {
                Ok(control) => control.call(Flavour::Python, &method, &args).await,
                Err(e) => Err(e),
            };
            value(answer)
        })
    }

    fn disconnect<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.cancel_pumps(py);
        forward!(py, self, |c| c.disconnect())
    }
}

impl Drop for Client {
    /// Never calls into Python (it may run while an exception propagates): the pumps are
    /// cancelled and the session closed from a runtime thread.
    fn drop(&mut self) {
        let pumps = self.take_pumps();
        let client = match &*self.slot() {
            Some(owned) => owned.get().cloned(),
            None => Ok(unconnected()),
        };
        let Ok(client) = client else {
            std::mem::forget(pumps); // a forked child: the parent's objects are not ours
            return;
        };
        runtime::get().spawn(async move {
            pyfuture::attach(|py| {
                for task in pumps {
                    let _ = cancel_task(task.bind(py));
                }
            });
            let _ = client.disconnect().await;
        });
    }
}
