//! The JS thread's libuv loop watches the CLI's stdout (a `uv_poll_t` on a duplicate of the
//! pipe), so output is read and routed, and a callback dispatched, on the JS thread: no
//! runtime thread to wake in between (see `claude_wire::transport::HostLoop`).
//!
//! The poll callback runs inside a callback scope of its own, as Node runs its own I/O
//! callbacks: a JS callback the read starts is called right there ([`direct_env`]), and the
//! promises it settles run when the scope closes, so the answer is written in the same turn.
//!
//! Everything libuv is done on the JS thread: requests from other threads travel as jobs
//! through one weak thread-safe function per JS thread. The poll handles are unreferenced (a
//! live session keeps Node alive by other means), listed per JS thread, and closed when the
//! reader is gone, when it does not want the pipe now (it asks again), and at the environment's
//! teardown (a Worker's loop must close with no handle open).

use claude_wire::transport::{HostLoop, StdoutWatch};
use napi::sys;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi::{Env, Status};
use std::cell::RefCell;
use std::ffi::{c_int, c_void};
use std::os::fd::{AsRawFd, OwnedFd};
use std::sync::Arc;

mod context;
mod scope;

pub(crate) use context::{CallContext, Hold};
pub(crate) use scope::direct_env;
use scope::{after_read, run_after_read, Scope, ScopeParts};

mod uv {
    use std::ffi::{c_int, c_void};

    /// `UV_POLL` of `uv_handle_type`.
    pub const POLL: c_int = 8;
    /// `UV_READABLE` of `uv_poll_event`.
    pub const READABLE: c_int = 1;

    pub type PollCb = extern "C" fn(handle: *mut c_void, status: c_int, events: c_int);
    pub type CloseCb = extern "C" fn(handle: *mut c_void);

    // libuv, as the Node binary that loads this addon exports it.
    extern "C" {
        pub fn uv_handle_size(kind: c_int) -> usize;
        pub fn uv_poll_init(event_loop: *mut c_void, handle: *mut c_void, fd: c_int) -> c_int;
        pub fn uv_poll_start(handle: *mut c_void, events: c_int, cb: PollCb) -> c_int;
        pub fn uv_poll_stop(handle: *mut c_void) -> c_int;
        pub fn uv_close(handle: *mut c_void, cb: CloseCb);
        pub fn uv_unref(handle: *mut c_void);
        pub fn uv_handle_get_data(handle: *const c_void) -> *mut c_void;
        pub fn uv_handle_set_data(handle: *mut c_void, data: *mut c_void);
    }
}

/// Work for the JS thread.
pub(crate) type Job = Box<dyn FnOnce() + Send>;
type Post = ThreadsafeFunction<Job, (), (), Status, false, true>;

/// What a poll handle carries.
struct Watched {
    watch: StdoutWatch,
    /// The duplicate the handle watches; closed with the handle.
    _fd: OwnedFd,
}

/// This JS thread's loop and poll handles.
struct Thread {
    event_loop: *mut c_void,
    post: Arc<Post>,
    polls: Vec<*mut c_void>,
    /// What the poll callback's callback scope is opened with.
    scope: ScopeParts,
    /// Live [`Hold`]s.
    holds: usize,
}

thread_local! {
    static THREAD: RefCell<Option<Thread>> = const { RefCell::new(None) };
}

/// The host loop of sessions made on this JS thread.
pub struct NodeHostLoop {
    post: Arc<Post>,
}

impl NodeHostLoop {
    /// The loop of the calling JS thread (`env`'s).
    pub fn new(env: &Env) -> napi::Result<NodeHostLoop> {
        let known = THREAD.with(|t| t.borrow().as_ref().map(|t| t.post.clone()));
        if let Some(post) = known {
            return Ok(NodeHostLoop { post });
        }
        let event_loop = env.get_uv_event_loop()?.cast::<c_void>();
        let noop =
            env.create_function_from_closure::<(), (), _>("claudeWireHostJob", |_| Ok(()))?;
        let post: Post = noop
            .build_threadsafe_function::<Job>()
            .callee_handled::<false>()
            .weak::<true>()
            .build_callback(|context| {
                (context.value)();
                Ok(())
            })?;
        let post = Arc::new(post);
        let scope = ScopeParts::new(env)?;
        env.add_env_cleanup_hook((), |()| close_all())?;
        THREAD.with(|t| {
            *t.borrow_mut() = Some(Thread {
                event_loop,
                post: post.clone(),
                polls: Vec::new(),
                scope,
                holds: 0,
            })
        });
        Ok(NodeHostLoop { post })
    }

    fn post(&self, job: Job) {
        // Fails only once the environment is torn down: nothing is watched any more.
        let _ = self.post.call(job, ThreadsafeFunctionCallMode::NonBlocking);
    }

    /// Runs `job` on this loop's JS thread (`env`), with a handle scope open: before the poll
    /// callback's scope closes when called inside it, else in a later turn of the loop.
    pub(crate) fn soon(&self, env: sys::napi_env, job: Job) {
        match direct_env() == Some(env) {
            true => after_read(job),
            false => self.post(job),
        }
    }
}

impl HostLoop for NodeHostLoop {
    fn watch(&self, watch: StdoutWatch) {
        self.post(Box::new(move || start(watch)));
    }

    fn unwatch(&self, watch: &StdoutWatch) {
        let watch = watch.clone();
        self.post(Box::new(move || {
            if let Some(handle) = find(&watch) {
                close(handle);
            }
        }));
    }
}

/// The poll handle watching `watch`'s pipe on this thread.
fn find(watch: &StdoutWatch) -> Option<*mut c_void> {
    THREAD.with(|t| {
        let thread = t.borrow();
        thread.as_ref()?.polls.iter().copied().find(|&handle| {
            // SAFETY: a listed handle is open and carries a `Watched` (see `start`).
            let watched = unsafe { &*uv::uv_handle_get_data(handle).cast::<Watched>() };
            watched.watch.same(watch)
        })
    })
}

/// On the JS thread: starts watching `watch`'s pipe.
fn start(watch: StdoutWatch) {
    if find(&watch).is_some() {
        watch.attached();
        return;
    }
    let Some(event_loop) = THREAD.with(|t| t.borrow().as_ref().map(|t| t.event_loop)) else {
        return;
    };
    let Ok(Some(fd)) = watch.duplicate_fd() else {
        return;
    };
    // SAFETY: libuv's own size for a poll handle; zeroed memory it then initialises.
    let handle = unsafe { libc::calloc(1, uv::uv_handle_size(uv::POLL)) };
    if handle.is_null() {
        return;
    }
    // SAFETY: `handle` is a fresh poll-sized block and `event_loop` this thread's loop.
    if unsafe { uv::uv_poll_init(event_loop, handle, fd.as_raw_fd()) } != 0 {
        // SAFETY: never initialised, so libuv holds no reference to it.
        unsafe { libc::free(handle) };
        return;
    }
    let watched = Box::new(Watched {
        watch: watch.clone(),
        _fd: fd,
    });
    // SAFETY: an initialised handle; its data is ours until `on_close`.
    unsafe {
        uv::uv_handle_set_data(handle, Box::into_raw(watched).cast());
        uv::uv_unref(handle);
    }
    // SAFETY: as above.
    if unsafe { uv::uv_poll_start(handle, uv::READABLE, on_readable) } != 0 {
        // SAFETY: an initialised handle, closed once.
        unsafe { uv::uv_close(handle, on_close) };
        return;
    }
    THREAD.with(|t| {
        if let Some(thread) = t.borrow_mut().as_mut() {
            thread.polls.push(handle);
        }
    });
    watch.attached();
}

extern "C" fn on_readable(handle: *mut c_void, status: c_int, _events: c_int) {
    // SAFETY: a started handle carries a `Watched` until it is closed.
    let watch = unsafe { &*uv::uv_handle_get_data(handle).cast::<Watched>() }
        .watch
        .clone();
    if status != 0 {
        // libuv cannot watch it (an error on the descriptor): the reactor takes over.
        watch.detached();
    }
    let parts = THREAD.with(|t| t.borrow().as_ref().map(|t| t.scope));
    let scope = parts.and_then(Scope::open);
    // A panic must not unwind into libuv.
    let keep = status == 0
        && std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| watch.readable()))
            .unwrap_or(false);
    if !keep && find(&watch) == Some(handle) {
        close(handle);
    }
    run_after_read();
    // Runs what the read queued: the callbacks' promises, and with them their answers.
    drop(scope);
}

/// Stops and closes a listed handle (once: it leaves the list).
fn close(handle: *mut c_void) {
    let listed = THREAD.with(|t| {
        let mut thread = t.borrow_mut();
        let Some(thread) = thread.as_mut() else {
            return false;
        };
        let before = thread.polls.len();
        thread.polls.retain(|&h| h != handle);
        thread.polls.len() != before
    });
    if listed {
        // SAFETY: a listed handle is open; it is closed once, here.
        unsafe {
            uv::uv_poll_stop(handle);
            uv::uv_close(handle, on_close);
        }
    }
}

extern "C" fn on_close(handle: *mut c_void) {
    // SAFETY: the handle is closed: its data and memory are ours again.
    unsafe {
        let watched = uv::uv_handle_get_data(handle).cast::<Watched>();
        if !watched.is_null() {
            drop(Box::from_raw(watched));
        }
        libc::free(handle);
    }
}

/// The environment is torn down: close every handle, forget the loop.
fn close_all() {
    let Some(thread) = THREAD.with(|t| t.borrow_mut().take()) else {
        return;
    };
    // SAFETY: this JS thread's resource and context, made by `ScopeParts::new`; the environment
    // is still alive while its cleanup hooks run.
    unsafe {
        sys::napi_async_destroy(thread.scope.env, thread.scope.context);
        sys::napi_delete_reference(thread.scope.env, thread.scope.resource);
    }
    let polls = thread.polls;
    for handle in polls {
        // SAFETY: listed handles are open and carry a `Watched`; the list is gone, so each is
        // closed once.
        unsafe {
            let watched = &*uv::uv_handle_get_data(handle).cast::<Watched>();
            // The reader may outlive this thread's loop: the reactor reads for it.
            watched.watch.detached();
            uv::uv_poll_stop(handle);
            uv::uv_close(handle, on_close);
        }
    }
}
