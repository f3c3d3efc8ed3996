//! A task polled by the thread that wakes it when that is not a runtime thread.
//!
//! A callback's answer is ready on the thread that finished it: the JS thread when a promise
//! resolves, the asyncio thread when a coroutine returns. Handing the rest of the answer (a
//! serialisation and one write) to a runtime worker costs a wake-up of another thread per
//! round trip, which on these machines is the largest part of a round trip. Polled where it
//! is woken, the answer goes out at once. The rest of the task is short and never blocks: it
//! converts the answer and writes it (a write that would block waits as a future does).
//! Woken on a runtime thread, the task is spawned there, as any task.
//!
//! The session's reader is such a task too when a host loop watches the CLI's stdout
//! ([`crate::transport::HostLoop`]): woken by that loop, it reads and routes on the loop's
//! thread. Woken on any other thread that is not the runtime's, it goes to the runtime.

use crate::transport::on_host_thread;
use futures::FutureExt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use tokio::runtime::Handle;

type Task = Pin<Box<dyn Future<Output = ()> + Send>>;

/// The task's future, and whether a thread is polling it now.
#[derive(Default)]
struct Slot {
    future: Option<Task>,
    polling: bool,
    /// Woken while being polled: poll once more before putting it back.
    again: bool,
}

/// A future polled by whoever wakes it.
pub(super) struct InlineTask {
    slot: Mutex<Slot>,
    /// The runtime it came from: entered while polled elsewhere (its timers and I/O need it).
    runtime: Option<Handle>,
    /// Polled by any thread that is not the runtime's (a callback's task), or only by a host
    /// loop's (the reader; see the module docs).
    inline_anywhere: bool,
}

impl InlineTask {
    /// Polls `future` once on this thread; later polls happen on the threads that wake it.
    pub(super) fn start(future: Task) {
        Self::new(future, true).run();
    }

    /// Polls `future` first on a runtime worker (for a first poll that must not happen on the
    /// caller's thread); later polls happen on the threads that wake it.
    pub(super) fn start_on_runtime(future: Task) {
        let task = Self::new(future, true);
        tokio::spawn(async move { task.run() });
    }

    /// The session's reader: polled first on a runtime worker; later on a host loop's thread
    /// when that loop wakes it, and on the runtime otherwise.
    pub(super) fn start_reader(future: Task) {
        let task = Self::new(future, false);
        tokio::spawn(async move { task.run() });
    }

    fn new(future: Task, inline_anywhere: bool) -> Arc<Self> {
        Arc::new(InlineTask {
            slot: Mutex::new(Slot {
                future: Some(future),
                ..Slot::default()
            }),
            runtime: Handle::try_current().ok(),
            inline_anywhere,
        })
    }

    fn slot(&self) -> std::sync::MutexGuard<'_, Slot> {
        self.slot.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn run(self: Arc<Self>) {
        let _runtime = match (&self.runtime, Handle::try_current()) {
            (Some(runtime), Err(_)) => Some(runtime.enter()),
            _ => None,
        };
        let mut future = {
            let mut slot = self.slot();
            if slot.polling {
                slot.again = true;
                return;
            }
            let Some(future) = slot.future.take() else {
                return;
            };
            slot.polling = true;
            future
        };
        let waker = Waker::from(self.clone());
        let mut cx = Context::from_waker(&waker);
        loop {
            // A panic ends the task; it must not unwind into the thread that woke it (a JS or
            // Python thread, across a foreign boundary).
            let polled = std::panic::catch_unwind(AssertUnwindSafe(|| future.poll_unpin(&mut cx)));
            let done = !matches!(polled, Ok(Poll::Pending));
            let mut slot = self.slot();
            if !done && std::mem::take(&mut slot.again) {
                drop(slot);
                continue;
            }
            slot.polling = false;
            if !done {
                slot.future = Some(future);
            }
            return;
        }
    }
}

impl Wake for InlineTask {
    /// Off the runtime (the JS thread, the asyncio thread: where a binding's callback ends),
    /// a callback's task is polled here and now; so is any task woken by a host loop reading
    /// the CLI's output (that thread holds no GIL then). On a runtime thread it is handed to
    /// the runtime: the waker may be the session's reader (an answer to a control request, a
    /// cancel), which must not run the rest of a callback, nor take the GIL to drop one. The
    /// reader itself, woken off the runtime by anyone but a host loop (a consumer that made
    /// room, perhaps holding a GIL), goes to the runtime as well.
    fn wake(self: Arc<Self>) {
        let on_runtime = Handle::try_current().is_ok();
        if on_host_thread() || (self.inline_anywhere && !on_runtime) {
            self.run();
        } else if on_runtime {
            tokio::spawn(async move { self.run() });
        } else if let Some(runtime) = self.runtime.clone() {
            runtime.spawn(async move { self.run() });
        } else {
            self.run();
        }
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.clone().wake();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn polled_on_the_thread_that_wakes_it() {
        let (tx, rx) = tokio::sync::oneshot::channel::<u32>();
        let (done_tx, done_rx) = std::sync::mpsc::channel();
        InlineTask::start(Box::pin(async move {
            let value = rx.await.unwrap();
            done_tx.send((value, std::thread::current().id())).unwrap();
        }));
        let waker_thread = std::thread::spawn(move || {
            tx.send(7).unwrap();
            std::thread::current().id()
        })
        .join()
        .unwrap();
        let (value, polled_on) = done_rx.recv().unwrap();
        assert_eq!((value, polled_on), (7, waker_thread));
    }

    #[test]
    fn a_wake_during_a_poll_polls_again_and_a_panic_stays_inside() {
        // Off the runtime, as on a binding's own thread.
        std::thread::spawn(|| {
            let polls = Arc::new(AtomicUsize::new(0));
            let counted = polls.clone();
            InlineTask::start(Box::pin(std::future::poll_fn(move |cx| {
                if counted.fetch_add(1, Ordering::SeqCst) == 0 {
                    cx.waker().wake_by_ref();
                    return Poll::Pending;
                }
                Poll::Ready(())
            })));
            assert_eq!(polls.load(Ordering::SeqCst), 2);
            InlineTask::start(Box::pin(async { panic!("inside the task") }));
        })
        .join()
        .unwrap();
    }

    #[tokio::test]
    async fn woken_on_a_runtime_thread_it_runs_as_a_task() {
        let (tx, rx) = tokio::sync::oneshot::channel::<u32>();
        let (done_tx, mut done_rx) = tokio::sync::oneshot::channel();
        InlineTask::start(Box::pin(async move {
            let value = rx.await.unwrap();
            let _ = done_tx.send(value);
        }));
        tx.send(3).unwrap();
        // Not polled inside `send`: the rest runs once this task lets the runtime go on.
        assert!(done_rx.try_recv().is_err());
        assert_eq!(done_rx.await.unwrap(), 3);
    }
}
