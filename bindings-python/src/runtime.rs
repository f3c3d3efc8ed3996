//! The extension's tokio runtime, renewed in a forked child.
//!
//! A runtime's worker threads do not survive `fork()`: in the child, the runtime inherited from
//! the parent has no threads and every session on it would hang. A `pthread_atfork` handler
//! bumps a generation counter in the child; [`get`] then builds a fresh runtime, and objects
//! made before the fork ([`Owned`]) refuse to be used and are never dropped there (dropping
//! them would signal the parent's CLI processes).

use claude_wire::Error;
use std::mem::ManuallyDrop;
use std::ptr;
use std::sync::atomic::{AtomicPtr, AtomicU64, Ordering};
use std::sync::Once;
use tokio::runtime::{Builder, Runtime};

static GENERATION: AtomicU64 = AtomicU64::new(0);
static RUNTIME: AtomicPtr<(u64, Runtime)> = AtomicPtr::new(ptr::null_mut());

extern "C" fn after_fork_in_child() {
    GENERATION.fetch_add(1, Ordering::SeqCst);
    crate::pyfuture::after_fork_in_child();
}

/// Registers the fork handler (once per process image).
pub fn install_fork_handler() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // SAFETY: registers a handler that only touches atomics (async-signal-safe).
        unsafe { libc::pthread_atfork(None, None, Some(after_fork_in_child)) };
    });
}

/// How many forks this process descends from (0 in the original process).
pub fn generation() -> u64 {
    GENERATION.load(Ordering::SeqCst)
}

/// The runtime of this process; built on first use, and again after a fork.
pub fn get() -> &'static Runtime {
    let generation = generation();
    let current = RUNTIME.load(Ordering::Acquire);
    // SAFETY: a published runtime is leaked, so the pointer stays valid forever.
    if let Some((made_in, runtime)) = unsafe { current.as_ref() } {
        if *made_in == generation {
            return runtime;
        }
    }
    let runtime = Builder::new_multi_thread()
        .enable_all()
        .thread_name("claude-wire")
        .on_thread_start(crate::pyfuture::runtime_thread_started)
        .on_thread_stop(crate::pyfuture::release_thread_state)
        .build()
        .expect("failed to start the tokio runtime");
    let fresh = Box::into_raw(Box::new((generation, runtime)));
    match RUNTIME.compare_exchange(current, fresh, Ordering::AcqRel, Ordering::Acquire) {
        // The previous runtime (if any) belongs to the parent: leaked on purpose.
        Ok(_) => {
            // SAFETY: just published, never freed.
            unsafe { &(*fresh).1 }
        }
        Err(_) => {
            // Another thread won the race: drop ours without waiting, use theirs.
            // SAFETY: `fresh` was never shared.
            let (_, ours) = *unsafe { Box::from_raw(fresh) };
            ours.shutdown_background();
            get()
        }
    }
}

/// A value that belongs to the process that made it. In a forked child it cannot be used and
/// is leaked instead of dropped.
pub struct Owned<T> {
    generation: u64,
    value: ManuallyDrop<T>,
}

impl<T> Owned<T> {
    /// Wraps `value`, made by this process.
    pub fn new(value: T) -> Self {
        Owned {
            generation: generation(),
            value: ManuallyDrop::new(value),
        }
    }

    /// The value, unless this is a forked child of the process that made it.
    pub fn get(&self) -> claude_wire::Result<&T> {
        if self.generation == generation() {
            Ok(&self.value)
        } else {
            Err(Error::Connection(
                "this session was started before os.fork(); start a new one in the child process"
                    .into(),
            ))
        }
    }
}

impl<T> Drop for Owned<T> {
    fn drop(&mut self) {
        if self.generation == generation() {
            // SAFETY: dropped once, here.
            unsafe { ManuallyDrop::drop(&mut self.value) };
        }
    }
}
