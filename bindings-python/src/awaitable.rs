//! Python awaitables as Rust futures.
//!
//! A callback's coroutine runs as a task on the session's event loop. When the Rust side gives
//! up on it (the CLI cancelled the request, a hook's timeout fired, the session ended), dropping
//! the [`LoopTask`] cancels that task on its loop, as the official SDK does, instead of leaving
//! it running until the loop closes.

use crate::classes::classes;
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
    run_on_loop_from(locals, awaitable, false)
}

/// [`run_on_loop`]; `on_host`: called while a host loop reads the CLI's output on this thread,
/// so that the task can start at once when that loop is the task's.
pub fn run_on_loop_from(
    locals: &TaskLocals,
    awaitable: Bound<'_, PyAny>,
    on_host: bool,
) -> PyResult<LoopTask> {
    let py = awaitable.py();
    let (tx, rx) = oneshot::channel();
    let slot = Arc::new(Mutex::new(Slot::default()));
    let starter = Starter {
        awaitable: Some(awaitable.unbind()),
        slot: slot.clone(),
        tx: Some(tx),
    };
    let event_loop = locals.event_loop(py);
    let on_its_thread =
        on_host && crate::pyfuture::running_loop(py).is_ok_and(|running| running.is(&event_loop));
    if on_its_thread {
        // The loop's own thread, reading the CLI's output: start the task now rather than on
        // the loop's next turn (and without waking it through its self-pipe).
        if let Err(err) = locals.context(py).call_method1("run", (starter,)) {
            // As the loop would have raised it from the starter's handle.
            event_loop.call_method1("call_soon", (Raise { err: Some(err) },))?;
        }
    } else {
        let kwargs = PyDict::new(py);
        kwargs.set_item("context", locals.context(py))?;
        event_loop.call_method("call_soon_threadsafe", (starter,), Some(&kwargs))?;
    }
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

/// Runs on the loop: starts the awaitable's task, unless the result is no longer wanted.
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
        if lock(&self.slot).abandoned {
            // Never started: close the coroutine so Python does not warn it was never awaited.
            let awaitable = awaitable.bind(py);
            if awaitable.hasattr("close")? {
                let _ = awaitable.call_method0("close");
            }
            return Ok(());
        }
        let c = classes(py)?;
        let done = Bound::new(py, Done { tx: self.tx.take() })?;
        // The task's first step runs here (see `start_task`), and may already deliver the result.
        let started = c
            .run_callback
            .bind(py)
            .call1((awaitable, done.clone()))
            .and_then(|coro| c.start_task.bind(py).call1((coro,)));
        let task = match started {
            Ok(task) => task,
            Err(err) => {
                let undelivered = done.borrow_mut().tx.take();
                return match undelivered {
                    // The task did not start: the Rust side gets the error.
                    Some(tx) => {
                        let _ = tx.send(Err(err));
                        Ok(())
                    }
                    // It started eagerly, delivered its outcome and then raised on
                    // (`SystemExit`, `KeyboardInterrupt`): the loop raises it, as it would
                    // from a task's later step.
                    None => Err(err),
                };
            }
        };
        let mut slot = lock(&self.slot);
        if slot.abandoned {
            drop(slot);
            cancel_task(&task)?;
        } else {
            slot.task = Some(task.unbind());
        }
        Ok(())
    }
}

/// Raises an exception on the loop.
#[pyclass]
struct Raise {
    err: Option<PyErr>,
}

#[pymethods]
impl Raise {
    fn __call__(&mut self) -> PyResult<()> {
        self.err.take().map_or(Ok(()), Err)
    }
}

/// Receives the callback's outcome from inside its task (`claude_wire._internal.run_callback`).
#[pyclass]
struct Done {
    tx: Option<oneshot::Sender<Outcome>>,
}

#[pymethods]
impl Done {
    fn ok(&mut self, result: Py<PyAny>) {
        if let Some(tx) = self.tx.take() {
            let _ = tx.send(Ok(result));
        }
    }

    fn fail(&mut self, error: Bound<'_, PyAny>) {
        if let Some(tx) = self.tx.take() {
            let _ = tx.send(Err(PyErr::from_value(error)));
        }
    }
}
