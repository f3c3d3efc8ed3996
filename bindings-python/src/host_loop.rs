//! The session's asyncio loop watches the CLI's stdout (`loop.add_reader`), so output is read,
//! routed and a callback started on the loop's own thread: no runtime thread to wake in between
//! (see `claude_wire::transport::HostLoop`).
//!
//! The loop watches a duplicate of the pipe's descriptor that this module owns and closes once
//! the loop no longer watches it. When the session's loop changes (a client used from a second
//! `asyncio.run`), the watch moves to the new loop; until it is there, tokio's reactor reads.

use crate::callbacks::{bound_loop, LoopCell};
use crate::pyfuture;
use crate::runtime;
use claude_wire::transport::{HostLoop, StdoutWatch};
use pyo3::prelude::*;
use std::os::fd::{AsRawFd, OwnedFd};
use std::sync::{Arc, Mutex, MutexGuard};

/// Where the pipe is watched now.
struct Watched {
    watch: StdoutWatch,
    event_loop: Py<PyAny>,
    fd: OwnedFd,
}

/// The pipes of the sessions on one cell (a pool's warm sessions share theirs).
#[derive(Default)]
struct State {
    /// The pipes the loop watches.
    watched: Vec<Watched>,
    /// Pipes asked for before a loop was bound.
    waiting: Vec<StdoutWatch>,
}

impl State {
    fn take_watched(&mut self, watch: &StdoutWatch) -> Option<Watched> {
        let at = self.watched.iter().position(|w| w.watch.same(watch))?;
        Some(self.watched.swap_remove(at))
    }
}

/// One session's [`HostLoop`]: the loop bound to its [`LoopCell`].
pub struct PyHostLoop(Arc<Host>);

impl PyHostLoop {
    /// The host loop of the sessions whose callbacks are bound to `cell`.
    pub fn new(cell: &LoopCell) -> Self {
        let host = Arc::new(Host {
            cell: cell.clone(),
            state: Mutex::default(),
            generation: runtime::generation(),
        });
        cell.set_host(Arc::downgrade(&host));
        PyHostLoop(host)
    }
}

/// What [`PyHostLoop`] shares with the loop's callbacks.
pub struct Host {
    cell: LoopCell,
    state: Mutex<State>,
    generation: u64,
}

impl Host {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The cell's loop changed (on that loop's thread): the pipes move there.
    pub fn rebound(&self, py: Python<'_>) {
        let (watched, mut moving) = {
            let mut state = self.state();
            (
                std::mem::take(&mut state.watched),
                std::mem::take(&mut state.waiting),
            )
        };
        for old in watched {
            unwatch_on(py, &old.event_loop, old.fd);
            moving.push(old.watch);
        }
        // Each reader falls back to tokio's reactor and asks again: the new loop answers.
        py.detach(|| moving.iter().for_each(StdoutWatch::detached));
    }

    /// Registers `watch` with the running loop `event_loop` (its thread, GIL held). The state's
    /// lock is never held across a call into Python, which may hand the GIL to a thread that
    /// waits for the lock.
    fn register(
        self: &Arc<Self>,
        py: Python<'_>,
        event_loop: &Bound<'_, PyAny>,
        watch: StdoutWatch,
    ) {
        let old = self.state().take_watched(&watch);
        if let Some(old) = old {
            if old.event_loop.bind(py).is(event_loop) {
                self.state().watched.push(old);
                py.detach(|| watch.attached());
                return;
            }
            unwatch_on(py, &old.event_loop, old.fd);
        }
        let Ok(Some(fd)) = watch.duplicate_fd() else {
            return;
        };
        let pump = Pump {
            host: self.clone(),
            watch: watch.clone(),
        };
        if event_loop
            .call_method1("add_reader", (fd.as_raw_fd(), pump))
            .is_err()
        {
            // A loop without `add_reader`: tokio's reactor goes on reading.
            return;
        }
        self.state().watched.push(Watched {
            watch: watch.clone(),
            event_loop: event_loop.clone().unbind(),
            fd,
        });
        py.detach(|| watch.attached());
    }

    /// Stops watching `watch`'s pipe on `event_loop` (the running loop: a pump of a loop the
    /// pipe has moved away from leaves the new loop's watch alone).
    fn stop(&self, py: Python<'_>, watch: &StdoutWatch, event_loop: &Bound<'_, PyAny>) {
        let watched = {
            let mut state = self.state();
            let at = state
                .watched
                .iter()
                .position(|w| w.watch.same(watch) && w.event_loop.bind(py).is(event_loop));
            at.map(|at| state.watched.swap_remove(at))
        };
        if let Some(watched) = watched {
            let _ = event_loop.call_method1("remove_reader", (watched.fd.as_raw_fd(),));
        }
    }
}

/// Removes the watch of `fd` from `event_loop` (from any thread) and closes `fd` after.
fn unwatch_on(py: Python<'_>, event_loop: &Py<PyAny>, fd: OwnedFd) {
    let event_loop = event_loop.bind(py);
    let closed = event_loop
        .call_method0("is_closed")
        .and_then(|c| c.is_truthy())
        .unwrap_or(true);
    if closed {
        return; // its selector is gone; `fd` closes here
    }
    let unwatch = Unwatch { fd: Some(fd) };
    // Fails only when the loop closed meanwhile; then `fd` closes with the handle.
    let _ = event_loop.call_method1("call_soon_threadsafe", (unwatch,));
}

impl HostLoop for PyHostLoop {
    fn watch(&self, watch: StdoutWatch) {
        let host = &self.0;
        if runtime::generation() != host.generation {
            return;
        }
        pyfuture::attach(|py| {
            let Some(locals) = bound_loop(py, &host.cell) else {
                host.state().waiting.push(watch);
                return;
            };
            let register = Register {
                host: host.clone(),
                watch: Some(watch),
            };
            // Fails only when the loop is closed: tokio's reactor goes on reading.
            let _ = locals
                .event_loop(py)
                .call_method1("call_soon_threadsafe", (register,));
        });
    }

    fn unwatch(&self, watch: &StdoutWatch) {
        let host = &self.0;
        if runtime::generation() != host.generation {
            return;
        }
        let watched = {
            let mut state = host.state();
            state.waiting.retain(|w| !w.same(watch));
            state.take_watched(watch)
        };
        if let Some(watched) = watched {
            pyfuture::attach(|py| unwatch_on(py, &watched.event_loop, watched.fd));
        }
    }
}

/// Runs on the loop: starts watching the pipe there.
#[pyclass]
struct Register {
    host: Arc<Host>,
    watch: Option<StdoutWatch>,
}

#[pymethods]
impl Register {
    fn __call__(&mut self, py: Python<'_>) -> PyResult<()> {
        let Some(watch) = self.watch.take() else {
            return Ok(());
        };
        let running = py.import("asyncio")?.call_method0("get_running_loop")?;
        self.host.register(py, &running, watch);
        Ok(())
    }
}

/// Runs on the loop: stops watching a descriptor, then closes it.
#[pyclass]
struct Unwatch {
    fd: Option<OwnedFd>,
}

#[pymethods]
impl Unwatch {
    fn __call__(&mut self, py: Python<'_>) -> PyResult<()> {
        if let Some(fd) = self.fd.take() {
            let running = py.import("asyncio")?.call_method0("get_running_loop")?;
            let _ = running.call_method1("remove_reader", (fd.as_raw_fd(),));
        }
        Ok(())
    }
}

/// The loop's reader callback: the pipe is readable.
#[pyclass]
struct Pump {
    host: Arc<Host>,
    watch: StdoutWatch,
}

#[pymethods]
impl Pump {
    fn __call__(&self, py: Python<'_>) -> PyResult<()> {
        let keep =
            runtime::generation() == self.host.generation && py.detach(|| self.watch.readable());
        if !keep {
            let running = pyfuture::running_loop(py)?;
            self.host.stop(py, &self.watch, &running);
        }
        Ok(())
    }
}
