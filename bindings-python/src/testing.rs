//! `ModelServer`: the core's scripted Messages API server, for `claude_wire.testing`.

use crate::errors::to_pyerr;
use crate::pyjson;
use claude_wire::model_server::{ModelServer as CoreServer, RecordedRequest, Reply, Script};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;

/// A running scripted server (stopped by `close()` or when garbage-collected).
#[pyclass(module = "claude_wire._native")]
pub struct ModelServer {
    server: Option<CoreServer>,
    url: String,
    /// What the server had recorded when it was closed.
    recorded: Vec<RecordedRequest>,
}

fn running(server: &Option<CoreServer>) -> PyResult<&CoreServer> {
    server
        .as_ref()
        .ok_or_else(|| PyRuntimeError::new_err("the model server was closed"))
}

#[pymethods]
impl ModelServer {
    /// Starts a server answering with `script` (a list of replies, or the script object form).
    #[new]
    fn new(py: Python<'_>, script: &Bound<'_, PyAny>) -> PyResult<Self> {
        let script = Script::from_value(pyjson::from_py(script)?).map_err(|e| to_pyerr(py, e))?;
        let runtime = crate::runtime::get();
        let server = py
            .detach(|| runtime.block_on(CoreServer::start(script)))
            .map_err(|e| to_pyerr(py, e))?;
        let url = server.url();
        Ok(ModelServer {
            server: Some(server),
            url,
            recorded: Vec::new(),
        })
    }

    /// `http://127.0.0.1:<port>`.
    #[getter]
    fn url(&self) -> &str {
        &self.url
    }

    /// Every request received so far (also after `close()`), as records (`index`, `method`,
    /// `path`, `headers`, `body`, `kind`, `reply_index`, `received_after`, `outcome`).
    fn requests<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let records = match &self.server {
            Some(server) => server.requests(),
            None => self.recorded.clone(),
        };
        let value =
            serde_json::to_value(&records).map_err(|e| PyValueError::new_err(e.to_string()))?;
        pyjson::to_py(py, &value)
    }

    /// Appends a reply to the script.
    fn push(&self, py: Python<'_>, reply: &Bound<'_, PyAny>) -> PyResult<()> {
        let value = serde_json::Value::Array(vec![pyjson::from_py(reply)?]);
        let script = Script::from_value(value).map_err(|e| to_pyerr(py, e))?;
        let replies: Vec<Reply> = script.replies().to_vec();
        running(&self.server)?.push_replies(replies);
        Ok(())
    }

    /// Stops the server.
    fn close(&mut self) {
        if let Some(server) = self.server.take() {
            self.recorded = server.requests();
            crate::runtime::get().spawn(server.shutdown());
        }
    }
}

impl Drop for ModelServer {
    fn drop(&mut self) {
        self.close();
    }
}

/// The environment that runs the CLI offline against the server at `base_url`, with its state
/// under `scratch` (the core's `model_server::cli_env`).
#[pyfunction]
pub fn cli_env(
    py: Python<'_>,
    base_url: &str,
    scratch: std::path::PathBuf,
) -> PyResult<Vec<(String, String)>> {
    claude_wire::model_server::cli_env(base_url, &scratch).map_err(|e| to_pyerr(py, e.into()))
}
