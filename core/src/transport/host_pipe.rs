//! The CLI's stdout watched by the host's event loop instead of tokio's reactor.
//!
//! A binding whose callbacks run on an event loop of its own (asyncio) pays one more thread
//! wake-up per callback when a runtime thread reads the CLI's output and then wakes that loop:
//! on these machines the largest part of a round trip. With a [`HostLoop`], the loop itself
//! watches the pipe; when it is readable the loop calls [`StdoutWatch::readable`], which reads
//! and routes the output on the loop's thread and starts the callback there.
//!
//! Until the loop watches the pipe (and whenever it stops: no loop bound, the reader held back
//! by a full inbox, the loop moved) tokio's reactor watches it instead. A loop that stops
//! without saying so (closed, or not run any more) is noticed by a check every
//! [`HOST_CHECK`]: output it left unread that long goes back to the reactor. So nothing
//! depends on the host for progress.

use std::cell::Cell;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};
use std::time::Duration;
use tokio::io::unix::AsyncFd;
use tokio::io::{AsyncRead, ReadBuf};

/// A host event loop that can watch a file descriptor on its own thread (asyncio's
/// `add_reader`). Implemented by a binding.
pub trait HostLoop: Send + Sync {
    /// Watch the pipe (through [`StdoutWatch::duplicate_fd`], a descriptor the host owns and
    /// closes), call [`StdoutWatch::attached`] on the loop's thread once it does, and
    /// [`StdoutWatch::readable`] there whenever the descriptor is readable. Called from any
    /// thread; a host that cannot watch now does nothing (tokio's reactor goes on watching).
    fn watch(&self, watch: StdoutWatch);

    /// Stop watching the pipe of `watch` (its reader is gone); from any thread.
    fn unwatch(&self, watch: &StdoutWatch);
}

thread_local! {
    /// This thread is a host loop running [`StdoutWatch`] work.
    static ON_HOST: Cell<bool> = const { Cell::new(false) };
}

/// True while the calling thread runs [`StdoutWatch::readable`] or [`StdoutWatch::attached`]:
/// a host loop's thread, where callbacks can be started in place.
pub fn on_host_thread() -> bool {
    ON_HOST.with(Cell::get)
}

/// Runs `f` as if off the host thread: user code a binding runs in place (a callback started
/// while the output is read) must not have the tasks it wakes polled inside it.
pub fn outside_host<R>(f: impl FnOnce() -> R) -> R {
    let _restore = Restore(ON_HOST.with(|h| h.replace(false)));
    f()
}

/// Puts the host-thread flag back as it was.
struct Restore(bool);

impl Drop for Restore {
    fn drop(&mut self) {
        ON_HOST.with(|h| h.set(self.0));
    }
}

/// Who watches the pipe for the reader.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Watcher {
    /// tokio's reactor; the host was not asked.
    Reactor,
    /// tokio's reactor, until the host calls [`StdoutWatch::attached`].
    Asked,
    /// The host's loop.
    Host,
}

struct State {
    watcher: Watcher,
    /// The reader, waiting for the pipe to become readable.
    waker: Option<Waker>,
    /// The reader is gone.
    closed: bool,
    /// Calls of [`StdoutWatch::readable`] so far.
    serviced: u64,
}

/// How often a pipe the host watches is checked for output the host left unread.
pub const HOST_CHECK: Duration = Duration::from_millis(500);

struct Inner {
    fd: RawFd,
    host: Arc<dyn HostLoop>,
    state: Mutex<State>,
    runtime: tokio::runtime::Handle,
}

impl Inner {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The host's handle on one CLI's stdout.
#[derive(Clone)]
pub struct StdoutWatch(Arc<Inner>);

impl std::fmt::Debug for StdoutWatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StdoutWatch")
            .field("fd", &self.0.fd)
            .finish()
    }
}

impl StdoutWatch {
    /// A duplicate of the pipe's descriptor for the host to watch and close (close-on-exec);
    /// `None` once the reader is gone.
    pub fn duplicate_fd(&self) -> io::Result<Option<OwnedFd>> {
        let state = self.0.state();
        if state.closed {
            return Ok(None);
        }
        // SAFETY: the descriptor stays open while `closed` is false and we hold the lock (the
        // pipe sets it before closing); F_DUPFD_CLOEXEC returns a fresh descriptor we own.
        let dup = unsafe { libc::fcntl(self.0.fd, libc::F_DUPFD_CLOEXEC, 0) };
        if dup < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: just created, owned by nobody else.
        Ok(Some(unsafe { OwnedFd::from_raw_fd(dup) }))
    }

    /// True when both handles watch the same pipe.
    pub fn same(&self, other: &StdoutWatch) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    /// The host watches the pipe now (call on the loop's thread, without holding any lock the
    /// reader might take, e.g. a GIL).
    pub fn attached(&self) {
        let waker = {
            let mut state = self.0.state();
            if state.closed {
                return;
            }
            state.watcher = Watcher::Host;
            state.waker.take()
        };
        // The reader waits on tokio's reactor: it moves over to the host at its next poll.
        self.on_host(|| waker.map(Waker::wake));
    }

    /// The pipe is readable: reads and routes what is there on this thread. `false` when the
    /// host should stop watching (the reader is gone, or does not want the pipe now; it asks
    /// again through [`HostLoop::watch`] when it does).
    pub fn readable(&self) -> bool {
        let waker = {
            let mut state = self.0.state();
            state.serviced += 1;
            if state.closed || state.watcher != Watcher::Host {
                return false;
            }
            match state.waker.take() {
                Some(waker) => waker,
                None => {
                    // Held back (a full inbox) or busy elsewhere: not worth a busy loop.
                    state.watcher = Watcher::Reactor;
                    return false;
                }
            }
        };
        self.on_host(|| waker.wake());
        true
    }

    /// The host no longer watches the pipe (its loop closed, or it moved to another loop).
    pub fn detached(&self) {
        let waker = {
            let mut state = self.0.state();
            state.watcher = Watcher::Reactor;
            state.waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    fn on_host<R>(&self, f: impl FnOnce() -> R) -> R {
        let _restore = Restore(ON_HOST.with(|h| h.replace(true)));
        let _runtime = self.0.runtime.enter();
        f()
    }
}

/// A descriptor tokio's reactor watches without owning it.
struct Borrowed(RawFd);

impl AsRawFd for Borrowed {
    fn as_raw_fd(&self) -> RawFd {
        self.0
    }
}

/// The read end of the CLI's stdout, readable by whichever thread polls it.
pub(crate) struct HostPipe {
    /// Declared before `fd`: deregistered before the descriptor closes.
    reactor: Option<AsyncFd<Borrowed>>,
    watch: StdoutWatch,
    fd: OwnedFd,
}

impl HostPipe {
    /// Takes the pipe (made non-blocking) and the host that will watch it. Needs a runtime.
    pub(crate) fn new(
        stdout: std::process::ChildStdout,
        host: Arc<dyn HostLoop>,
    ) -> io::Result<Self> {
        let fd = OwnedFd::from(stdout);
        set_nonblocking(&fd)?;
        let watch = StdoutWatch(Arc::new(Inner {
            fd: fd.as_raw_fd(),
            host,
            state: Mutex::new(State {
                watcher: Watcher::Reactor,
                waker: None,
                closed: false,
                serviced: 0,
            }),
            runtime: tokio::runtime::Handle::current(),
        }));
        tokio::spawn(check_host(Arc::downgrade(&watch.0)));
        Ok(HostPipe {
            reactor: None,
            watch,
            fd,
        })
    }

    /// Waits for readiness after a read found the pipe empty: registers the waker where the
    /// current watcher will use it. `Ready` when the pipe should be read again at once.
    fn wait(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let ask = {
            let mut state = self.watch.0.state();
            state.waker = Some(cx.waker().clone());
            match state.watcher {
                Watcher::Host => {
                    // The host's watch is level-triggered: data that came after the read
                    // that found none still makes it call `readable`.
                    drop(state);
                    self.reactor = None;
                    return Poll::Pending;
                }
                Watcher::Reactor => {
                    state.watcher = Watcher::Asked;
                    true
                }
                Watcher::Asked => false,
            }
        };
        if ask {
            self.watch.0.host.watch(self.watch.clone());
        }
        if self.reactor.is_none() {
            let borrowed = Borrowed(self.fd.as_raw_fd());
            // SAFETY: `fd` stays open, the same description, until after `reactor` is dropped
            // (field order, and `reactor` is only ever replaced by `None`).
            let registered =
                unsafe { AsyncFd::register_with_interest(borrowed, tokio::io::Interest::READABLE) };
            self.reactor = Some(registered?);
        }
        let reactor = self.reactor.as_ref().expect("registered above");
        match reactor.poll_read_ready(cx) {
            Poll::Ready(Ok(mut ready)) => {
                ready.clear_ready();
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl AsyncRead for HostPipe {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        loop {
            // SAFETY: `read` only writes into the spare part, and the `n` bytes it reports are
            // then initialised.
            let n = unsafe {
                let unfilled = buf.unfilled_mut();
                libc::read(
                    self.fd.as_raw_fd(),
                    unfilled.as_mut_ptr().cast(),
                    unfilled.len(),
                )
            };
            if n >= 0 {
                let n = n as usize;
                // SAFETY: see above.
                unsafe { buf.assume_init(n) };
                buf.advance(n);
                return Poll::Ready(Ok(()));
            }
            let error = io::Error::last_os_error();
            match error.kind() {
                io::ErrorKind::Interrupted => continue,
                io::ErrorKind::WouldBlock => match self.wait(cx) {
                    Poll::Ready(Ok(())) => continue,
                    other => return other,
                },
                _ => return Poll::Ready(Err(error)),
            }
        }
    }
}

impl Drop for HostPipe {
    fn drop(&mut self) {
        let watched = {
            let mut state = self.watch.0.state();
            state.closed = true;
            state.waker = None;
            state.watcher != Watcher::Reactor
        };
        if watched {
            self.watch.0.host.unwatch(&self.watch);
        }
    }
}

/// Every [`HOST_CHECK`]: when the host watches the pipe, the reader waits for it, the pipe has
/// output, and the host has not called [`StdoutWatch::readable`] since the last check, its loop
/// is not running: tokio's reactor takes the pipe back (the reader asks the host again later).
async fn check_host(inner: std::sync::Weak<Inner>) {
    let mut serviced = None;
    loop {
        tokio::time::sleep(HOST_CHECK).await;
        let Some(inner) = inner.upgrade() else {
            return;
        };
        let waker = {
            let mut state = inner.state();
            if state.closed {
                return;
            }
            let idle = serviced == Some(state.serviced);
            serviced = Some(state.serviced);
            // The descriptor is open while `closed` is false and the lock is held.
            let stuck = idle
                && state.watcher == Watcher::Host
                && state.waker.is_some()
                && has_output(inner.fd);
            if !stuck {
                continue;
            }
            state.watcher = Watcher::Reactor;
            state.waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

/// True when `fd` has output to read (or its writer is gone).
fn has_output(fd: RawFd) -> bool {
    let mut poll = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd, no waiting.
    unsafe { libc::poll(&mut poll, 1, 0) > 0 }
}

fn set_nonblocking(fd: &OwnedFd) -> io::Result<()> {
    // SAFETY: fcntl on a descriptor we own.
    let flags = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_GETFL) };
    if flags < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: as above.
    if unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_SETFL, flags | libc::O_NONBLOCK) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}
