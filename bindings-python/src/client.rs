//! `Client`: the native side of `ClaudeSDKClient`, forwarding to `claude_wire::ClaudeClient`.

use crate::awaitable::cancel_task;
use crate::callbacks::{capture_loop, LoopCell};
use crate::errors::to_pyerr;
use crate::pyfuture::{self, Completion};
use crate::runtime::{self, Owned};
use crate::stream::MessageStream;
use crate::{options, prompt, pyjson};
use claude_wire::ClaudeClient;
use pyo3::prelude::*;
use serde_json::Value;
use std::sync::{Arc, Mutex};

/// A multi-turn session.
#[pyclass(module = "claude_wire._native")]
pub struct Client {
    client: Owned<Arc<ClaudeClient>>,
    cell: LoopCell,
    /// Prompt pumps running on the caller's loop (cancelled on disconnect/drop).
    pumps: Mutex<Vec<Py<PyAny>>>,
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

    /// The core client, bound to the caller's loop (callbacks run on the loop that last drove
    /// the session); an error in a forked child.
    fn core(&self, py: Python<'_>) -> PyResult<Arc<ClaudeClient>> {
        let client = self.client.get().map_err(|e| to_pyerr(py, e))?.clone();
        // Outside a running loop (a sync call site) the binding stays as it was.
        let _ = capture_loop(py, &self.cell);
        Ok(client)
    }
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
    #[new]
    fn new(options: &Bound<'_, PyAny>) -> PyResult<Self> {
        let cell: LoopCell = Arc::default();
        let core_options = options::convert(options, &cell)?;
        options::emit_warnings(options.py(), &core_options)?;
        Ok(Client {
            client: Owned::new(Arc::new(ClaudeClient::new(core_options))),
            cell,
            pumps: Mutex::new(Vec::new()),
        })
    }

    #[pyo3(signature = (prompt=None))]
    fn connect<'py>(
        &self,
        py: Python<'py>,
        prompt: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        capture_loop(py, &self.cell)?;
        let client = self.core(py)?;
        let (core_prompt, pump) = match prompt.filter(|p| !p.is_none()) {
            Some(p) => {
                let (core, pump) = prompt::from_py(&p)?;
                (Some(core), pump)
            }
            None => (None, None),
        };
        self.start_pump(py, pump)?;
        pyfuture::spawn(py, async move { done(client.connect(core_prompt).await) })
    }

    // A literal default (not `String`), so that `__text_signature__` shows it to stubtest.
    #[pyo3(signature = (prompt, session_id="default"))]
    fn query<'py>(
        &self,
        py: Python<'py>,
        prompt: Bound<'py, PyAny>,
        session_id: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let session_id = session_id.to_owned();
        capture_loop(py, &self.cell)?;
        let (core_prompt, pump) = prompt::from_py(&prompt)?;
        self.start_pump(py, pump)?;
        forward!(py, self, |c| c.query(core_prompt, &session_id))
    }

    fn receive_messages(&self, py: Python<'_>) -> PyResult<MessageStream> {
        let messages = self.core(py)?.receive_messages();
        Ok(MessageStream::new(messages, None, false))
    }

    fn receive_response(&self, py: Python<'_>) -> PyResult<MessageStream> {
        let messages = self.core(py)?.receive_response();
        Ok(MessageStream::new(messages, None, false))
    }

    fn interrupt<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        forward!(py, self, |c| c.interrupt())
    }

    fn set_permission_mode<'py>(
        &self,
        py: Python<'py>,
        mode: String,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mode: claude_wire::options::PermissionMode =
            mode.parse().unwrap_or_else(|never| match never {});
        forward!(py, self, |c| c.set_permission_mode(mode))
    }

    #[pyo3(signature = (model=None))]
    fn set_model<'py>(
        &self,
        py: Python<'py>,
        model: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        forward!(py, self, |c| c.set_model(model.as_deref()))
    }

    fn rewind_files<'py>(
        &self,
        py: Python<'py>,
        user_message_id: String,
    ) -> PyResult<Bound<'py, PyAny>> {
        forward!(py, self, |c| c.rewind_files(&user_message_id))
    }

    fn reconnect_mcp_server<'py>(
        &self,
        py: Python<'py>,
        server_name: String,
    ) -> PyResult<Bound<'py, PyAny>> {
        forward!(py, self, |c| c.reconnect_mcp_server(&server_name))
    }

    fn toggle_mcp_server<'py>(
        &self,
        py: Python<'py>,
        server_name: String,
        enabled: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        forward!(py, self, |c| c.toggle_mcp_server(&server_name, enabled))
    }

    fn stop_task<'py>(&self, py: Python<'py>, task_id: String) -> PyResult<Bound<'py, PyAny>> {
        forward!(py, self, |c| c.stop_task(&task_id))
    }

    fn get_mcp_status<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let c = self.core(py)?;
        pyfuture::spawn(py, async move { value(c.mcp_status().await.map(Some)) })
    }

    fn get_context_usage<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let c = self.core(py)?;
        pyfuture::spawn(
            py,
            async move { value(c.get_context_usage().await.map(Some)) },
        )
    }

    fn get_server_info<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let c = self.core(py)?;
        pyfuture::spawn(py, async move { value(Ok(c.server_info())) })
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
        let Ok(client) = self.client.get().cloned() else {
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
