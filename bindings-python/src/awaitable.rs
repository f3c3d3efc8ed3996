//! Python awaitables as Rust futures.
//!
//! A callback's coroutine runs as a task on the session's event loop. When the Rust side gives
//! up on it (the CLI cancelled the request, a hook's timeout fired, the session ended), dropping
//! the [`LoopTask`] cancels that task on its loop, as the official SDK does, instead of leaving
//! it running until the loop closes.

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use pyo3_async_runtimes::TaskLocals;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use tokio::sync::oneshot;

type Outcome = PyResult<Py<PyAny>>;

#[derive(Default)]
struct Slot {
    /// The asyncio task, once the loop started it.
    task: Option<Py<PyAny>>,
    /// The Rust side no longer wants the result.
    abandoned: bool,
}

fn lock(slot: &Mutex<Slot>) -> MutexGuard<'_, Slot> {
    slot.lock().unwrap_or_else(|e| e.into_inner())
}

/// The result of a Python awaitable running on an event loop; dropping it cancels the task.
pub struct LoopTask {
    rx: oneshot::Receiver<Outcome>,
    slot: Arc<Mutex<Slot>>,
    finished: bool,
}

/// Schedules `awaitable` on the loop of `locals` (in its context).
pub fn run_on_loop(locals: &TaskLocals, awaitable: Bound<'_, PyAny>) -> PyResult<LoopTask> {
    let py = awaitable.py();
    let (tx, rx) = oneshot::channel();
    let slot = Arc::new(Mutex::new(Slot::default()));
    let starter = Starter {
        awaitable: Some(awaitable.unbind()),
        slot: slot.clone(),
        tx: Some(tx),
    };
    let kwargs = PyDict::new(py);
    kwargs.set_item("context", locals.context(py))?;
    locals
        .event_loop(py)
        .call_method("call_soon_threadsafe", (starter,), Some(&kwargs))?;
    Ok(LoopTask {
        rx,
        slot,
        finished: false,
    })
}

impl Future for LoopTask {
    type Output = Outcome;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Outcome> {
        let polled = Pin::new(&mut self.rx).poll(cx);
        polled.map(|received| {
            self.finished = true;
            received.unwrap_or_else(|_| {
                Err(PyRuntimeError::new_err(
                    "the event loop dropped the callback before it finished",
                ))
            })
        })
    }
}

impl Drop for LoopTask {
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        let task = {
            let mut slot = lock(&self.slot);
            slot.abandoned = true;
            slot.task.take()
        };
        if let Some(task) = task {
            crate::pyfuture::attach(|py| {
                // Fails only when the loop closed meanwhile, and then the task is gone anyway.
                let _ = cancel_task(task.bind(py));
            });
        }
    }
}

/// Cancels an asyncio task from any thread, unless it is finished or its loop is closed.
pub fn cancel_task(task: &Bound<'_, PyAny>) -> PyResult<()> {
    if task.call_method0("done")?.is_truthy()? {
        return Ok(());
    }
    let event_loop = task.call_method0("get_loop")?;
    if event_loop.call_method0("is_closed")?.is_truthy()? {
        return Ok(());
    }
    event_loop.call_method1("call_soon_threadsafe", (task.getattr("cancel")?,))?;
    Ok(())
}

/// Runs on the loop: wraps the awaitable in a task, unless the result is no longer wanted.
#[pyclass]
struct Starter {
    awaitable: Option<Py<PyAny>>,
    slot: Arc<Mutex<Slot>>,
    tx: Option<oneshot::Sender<Outcome>>,
}

#[pymethods]
impl Starter {
    fn __call__(&mut self, py: Python<'_>) -> PyResult<()> {
        let Some(awaitable) = self.awaitable.take() else {
            return Ok(());
        };
        let mut slot = lock(&self.slot);
        if slot.abandoned {
            // Never started: close the coroutine so Python does not warn it was never awaited.
            let awaitable = awaitable.bind(py);
            if awaitable.hasattr("close")? {
                let _ = awaitable.call_method0("close");
            }
            return Ok(());
        }
        let started = py
            .import("asyncio")?
            .call_method1("ensure_future", (awaitable,))
            .and_then(|task| {
                let done = Done { tx: self.tx.take() };
                task.call_method1("add_done_callback", (done,))?;
                Ok(task)
            });
        match started {
            Ok(task) => slot.task = Some(task.unbind()),
            Err(err) => {
                if let Some(tx) = self.tx.take() {
                    let _ = tx.send(Err(err));
                }
            }
        }
        Ok(())
    }
}

/// The task's done callback: hands its result (or exception) to the Rust side.
#[pyclass]
struct Done {
    tx: Option<oneshot::Sender<Outcome>>,
}

#[pymethods]
impl Done {
    fn __call__(&mut self, task: &Bound<'_, PyAny>) -> PyResult<()> {
        let Some(tx) = self.tx.take() else {
            return Ok(());
        };
        let outcome = match task.call_method0("cancelled")?.is_truthy()? {
            true => Err(PyErr::from_value(
                task.py()
                    .import("asyncio")?
                    .getattr("CancelledError")?
                    .call0()?,
            )),
            false => task.call_method0("result").map(Bound::unbind),
        };
        let _ = tx.send(outcome);
        Ok(())
    }
}
