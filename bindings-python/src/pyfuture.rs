//! Rust futures as asyncio futures, and GIL access from runtime threads that is safe at exit.
//!
//! A runtime thread that takes the GIL while the interpreter finalizes aborts the process, and
//! waking an asyncio future from another thread needs the GIL. So every GIL access from a
//! runtime thread goes through [`attach`], which counts itself in and is refused once shutdown
//! began; an `atexit` hook ([`shutdown`]) marks shutdown and waits, GIL released, until the
//! accesses in progress are over.
//!
//! A thread without a Python thread state gets a fresh one from every `PyGILState_Ensure` and
//! loses it at the matching release: an allocation of its frame stack (`mmap`) and a `munmap`
//! with a TLB flush on every CPU, at every callback. The runtime's own threads keep theirs
//! from their first access until they stop ([`keep_thread_state`], [`release_thread_state`]).

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use std::cell::Cell;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;
use tokio::task::AbortHandle;

static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);
static SHUTTING_DOWN: AtomicBool = AtomicBool::new(false);

/// Runs `f` with the GIL from any thread; `None` once the interpreter is shutting down.
pub fn attach<R>(f: impl for<'py> FnOnce(Python<'py>) -> R) -> Option<R> {
    IN_FLIGHT.fetch_add(1, Ordering::SeqCst);
    let result = if SHUTTING_DOWN.load(Ordering::SeqCst) {
        None
    } else {
        Some(Python::attach(|py| {
            keep_thread_state();
            f(py)
        }))
    };
    IN_FLIGHT.fetch_sub(1, Ordering::SeqCst);
    result
}

thread_local! {
    /// This is one of the runtime's threads (set when it starts).
    static RUNTIME_THREAD: Cell<bool> = const { Cell::new(false) };
    /// This thread holds one extra count on its Python thread state.
    static KEPT: Cell<bool> = const { Cell::new(false) };
}

/// Marks the calling thread as a runtime thread: its Python thread state is kept.
pub fn runtime_thread_started() {
    RUNTIME_THREAD.with(|t| t.set(true));
}

/// With the GIL held: on a runtime thread, take one extra count on its thread state so that
/// releasing the GIL no longer deletes it.
fn keep_thread_state() {
    if !RUNTIME_THREAD.with(Cell::get) || KEPT.with(Cell::get) {
        return;
    }
    // SAFETY: the GIL is held by this thread; this only increments its thread state's count.
    unsafe { pyo3::ffi::PyGILState_Ensure() };
    KEPT.with(|k| k.set(true));
}

/// A runtime thread stops: drop the count [`keep_thread_state`] took, which deletes the
/// thread state. Skipped once the interpreter shuts down (then it is left to the interpreter).
pub fn release_thread_state() {
    if !KEPT.with(Cell::get) {
        return;
    }
    KEPT.with(|k| k.set(false));
    IN_FLIGHT.fetch_add(1, Ordering::SeqCst);
    if !SHUTTING_DOWN.load(Ordering::SeqCst) {
        // `try_attach`: an interpreter that is finalizing (without our `atexit` hook having
        // run, as when embedded) keeps the thread state; a panic here would abort.
        Python::try_attach(|_| {
            // SAFETY: matches the `PyGILState_Ensure` of `keep_thread_state`, made with the GIL
            // held (hence `LOCKED`); the count of this `attach` keeps the GIL held.
            unsafe {
                pyo3::ffi::PyGILState_Release(pyo3::ffi::PyGILState_STATE::PyGILState_LOCKED)
            };
        });
    }
    IN_FLIGHT.fetch_sub(1, Ordering::SeqCst);
}

/// Called in a forked child: runtime threads that were inside [`attach`] in the parent do not
/// exist here.
pub fn after_fork_in_child() {
    IN_FLIGHT.store(0, Ordering::SeqCst);
}

/// The `atexit` hook: refuse new GIL accesses from runtime threads, wait for running ones.
#[pyfunction]
pub fn _shutdown(py: Python<'_>) {
    SHUTTING_DOWN.store(true, Ordering::SeqCst);
    py.detach(|| {
        for _ in 0..2000 {
            if IN_FLIGHT.load(Ordering::SeqCst) == 0 {
                return;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    });
}

/// What a finished future hands to the loop: built under the GIL.
pub type Completion = Box<dyn for<'py> FnOnce(Python<'py>) -> PyResult<Py<PyAny>> + Send>;

static GET_RUNNING_LOOP: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

pub(crate) fn running_loop(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    let get = GET_RUNNING_LOOP.get_or_try_init(py, || -> PyResult<_> {
        Ok(py.import("asyncio")?.getattr("get_running_loop")?.unbind())
    })?;
    get.bind(py).call0()
}

/// Runs `fut` on the tokio runtime and returns an asyncio future (of the running loop) that
/// resolves with the value its completion builds. Cancelling the asyncio future aborts `fut`.
pub fn spawn<'py, F>(py: Python<'py>, fut: F) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = Completion> + Send + 'static,
{
    spawn_with_cancel(py, fut, None)
}

/// What to do (on the loop, with the GIL) when the asyncio future is cancelled.
pub type OnCancel = Box<dyn FnOnce(Python<'_>) + Send + Sync>;

/// [`spawn`], plus `on_cancel` run when the asyncio future is cancelled.
pub fn spawn_with_cancel<'py, F>(
    py: Python<'py>,
    fut: F,
    on_cancel: Option<OnCancel>,
) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = Completion> + Send + 'static,
{
    let event_loop = running_loop(py)?;
    let py_future = event_loop.call_method0("create_future")?;
    let target = py_future.clone().unbind();
    let loop_ref = event_loop.unbind();
    let task = crate::runtime::get().spawn(async move {
        let completion = fut.await;
        attach(|py| {
            let result = completion(py);
            let resolve = Resolve {
                future: target,
                result: Some(result),
            };
            if let Err(e) = loop_ref
                .bind(py)
                .call_method1("call_soon_threadsafe", (resolve,))
            {
                // The loop is closed: nobody waits for this future any more.
                drop(e);
            }
        });
    });
    py_future.call_method1(
        "add_done_callback",
        (AbortOnCancel {
            task: Some(task.abort_handle()),
            on_cancel,
        },),
    )?;
    Ok(py_future)
}

/// Sets the result (or exception) of an asyncio future, on its loop, unless it is already done.
#[pyclass]
struct Resolve {
    future: Py<PyAny>,
    result: Option<PyResult<Py<PyAny>>>,
}

#[pymethods]
impl Resolve {
    fn __call__(&mut self, py: Python<'_>) -> PyResult<()> {
        let future = self.future.bind(py);
        if future.call_method0("done")?.is_truthy()? {
            return Ok(());
        }
        match self.result.take() {
            Some(Ok(value)) => future.call_method1("set_result", (value,))?,
            Some(Err(err)) => future.call_method1("set_exception", (err.into_value(py),))?,
            None => future.call_method1(
                "set_exception",
                (PyRuntimeError::new_err("resolved twice"),),
            )?,
        };
        Ok(())
    }
}

/// Aborts the tokio task (and runs the cancel hook) when the asyncio future is cancelled.
#[pyclass]
pub(crate) struct AbortOnCancel {
    task: Option<AbortHandle>,
    on_cancel: Option<OnCancel>,
}

impl AbortOnCancel {
    /// A done-callback that only runs `on_cancel` when the future is cancelled.
    pub(crate) fn hook(on_cancel: OnCancel) -> Self {
        AbortOnCancel {
            task: None,
            on_cancel: Some(on_cancel),
        }
    }
}

#[pymethods]
impl AbortOnCancel {
    fn __call__(&mut self, py: Python<'_>, future: &Bound<'_, PyAny>) -> PyResult<()> {
        if future.call_method0("cancelled")?.is_truthy()? {
            if let Some(task) = self.task.take() {
                task.abort();
            }
            if let Some(on_cancel) = self.on_cancel.take() {
                on_cancel(py);
            }
        }
        Ok(())
    }
}

/// A completion returning `None`.
pub fn unit() -> Completion {
    Box::new(|py| Ok(py.None()))
}
