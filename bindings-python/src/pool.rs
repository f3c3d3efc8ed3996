//! `Pool`: the native side of `SessionPool`, forwarding to `claude_wire::pool::Pool`.

use crate::callbacks::{capture_loop, LoopCell};
use crate::client::Client;
use crate::errors::to_pyerr;
use crate::pyfuture;
use crate::runtime::{self, Owned};
use crate::stream::MessageStream;
use crate::{options, prompt};
use claude_wire::pool::Pool as CorePool;
use claude_wire::ClaudeAgentOptions;
use futures::StreamExt;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::sync::Arc;
use std::time::Duration;

/// A pool of warm CLIs for one options object.
#[pyclass(module = "claude_wire._native")]
pub struct Pool {
    pool: Owned<Arc<CorePool>>,
    /// The loop the pool's callbacks run on (bound when the pool starts, and at each claim).
    cell: LoopCell,
}

impl Pool {
    fn core(&self, py: Python<'_>) -> PyResult<Arc<CorePool>> {
        let pool = self.pool.get().map_err(|e| to_pyerr(py, e))?.clone();
        // Outside a running loop (a sync call site) the binding stays as it was.
        let _ = capture_loop(py, &self.cell);
        Ok(pool)
    }

    /// Per-claim options, decoded only to be compared with the pool's by the core.
    fn claim_options(options: Option<Bound<'_, PyAny>>) -> PyResult<Option<ClaudeAgentOptions>> {
        options
            .filter(|o| !o.is_none())
            .map(|object| options::convert(&object, &LoopCell::default()))
            .transpose()
    }
}

#[pymethods]
impl Pool {
    /// Starts the pool's CLIs in the background (`idle_timeout` in seconds).
    #[new]
    #[pyo3(signature = (options, size=1, idle_timeout=None))]
    fn new(options: &Bound<'_, PyAny>, size: usize, idle_timeout: Option<f64>) -> PyResult<Self> {
        let py = options.py();
        let cell: LoopCell = Arc::default();
        let core_options = options::convert(options, &cell)?;
        options::emit_warnings(py, &core_options)?;
        let _ = capture_loop(py, &cell);
        let mut builder = CorePool::builder(core_options).size(size);
        if let Some(seconds) = idle_timeout {
            let idle = Duration::try_from_secs_f64(seconds)
                .map_err(|e| PyValueError::new_err(format!("invalid idle_timeout: {e}")))?;
            builder = builder.idle_timeout(idle);
        }
        let pool = {
            let _runtime = runtime::get().enter();
            builder.build().map_err(|e| to_pyerr(py, e))?
        };
        Ok(Pool {
            pool: Owned::new(Arc::new(pool)),
            cell,
        })
    }

    /// A one-shot query on a warm CLI; `options` may differ from the pool's only in model,
    /// permission mode and thinking budget (else `InvalidOptionsError` naming the option).
    #[pyo3(signature = (prompt, options=None))]
    fn query(
        &self,
        py: Python<'_>,
        prompt: &Bound<'_, PyAny>,
        options: Option<Bound<'_, PyAny>>,
    ) -> PyResult<MessageStream> {
        let pool = self.core(py)?;
        let claim = Self::claim_options(options)?;
        let (core_prompt, pump) = prompt::from_py(prompt)?;
        let query = {
            let _runtime = runtime::get().enter();
            match &claim {
                Some(claim) => pool
                    .query_with(core_prompt, claim)
                    .map_err(|e| to_pyerr(py, e))?,
                None => pool.query(core_prompt),
            }
        };
        let cell = self.cell.clone();
        let on_start = Box::new(move |py: Python<'_>| {
            capture_loop(py, &cell)?;
            pump.map(|p| p.start(py)).transpose()
        });
        let handle = query.handle();
        Ok(MessageStream::new(
            query.boxed(),
            Some(on_start),
            Some(handle),
        ))
    }

    /// Resolves to a native `Client` connected to a warm CLI (same rules for `options`).
    #[pyo3(signature = (options=None))]
    fn client<'py>(
        &self,
        py: Python<'py>,
        options: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        capture_loop(py, &self.cell)?;
        let pool = self.core(py)?;
        let claim = Self::claim_options(options)?;
        let cell = self.cell.clone();
        pyfuture::spawn(py, async move {
            let client = match &claim {
                Some(claim) => pool.client_with(claim).await,
                None => pool.client().await,
            };
            Box::new(move |py: Python<'_>| match client {
                Ok(client) => Ok(Py::new(py, Client::from_core(client, cell))?.into_any()),
                Err(e) => Err(to_pyerr(py, e)),
            }) as pyfuture::Completion
        })
    }

    /// Counters and gauges of the pool.
    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let stats = self.core(py)?.stats();
        let dict = PyDict::new(py);
        dict.set_item("warm", stats.warm)?;
        dict.set_item("starting", stats.starting)?;
        dict.set_item("waiting", stats.waiting)?;
        dict.set_item("claimed", stats.claimed)?;
        dict.set_item("replaced", stats.replaced)?;
        dict.set_item("expired", stats.expired)?;
        dict.set_item("failed_starts", stats.failed_starts)?;
        dict.set_item("closed", stats.closed)?;
        Ok(dict)
    }

    /// Process ids of the warm CLIs.
    fn warm_pids(&self, py: Python<'_>) -> PyResult<Vec<u32>> {
        Ok(self.core(py)?.warm_pids())
    }

    /// Closes the pool and stops every warm CLI.
    fn close<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let pool = self.core(py)?;
        pyfuture::spawn(py, async move {
            pool.close().await;
            pyfuture::unit()
        })
    }
}
