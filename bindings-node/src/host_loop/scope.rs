//! The callback scope the poll callback runs in, as Node runs its own I/O callbacks: a JS
//! callback the read starts is called right there ([`direct_env`]), work queued during the read
//! runs before the scope closes, and closing it runs the promises settled inside.

use super::context::async_context;
use super::Job;
use napi::sys;
use napi::Env;
use std::cell::{Cell, RefCell};

thread_local! {
    /// The environment whose callback scope the poll callback has open on this thread.
    static IN_SCOPE: Cell<sys::napi_env> = const { Cell::new(std::ptr::null_mut()) };
    /// Work for the JS thread that came up while the poll callback read: run before its scope
    /// closes.
    static AFTER_READ: RefCell<Vec<Job>> = const { RefCell::new(Vec::new()) };
}
/// The environment of this JS thread when a call into JS can be made right now and the promises
/// it settles run before control returns to libuv: inside the poll callback's scope.
pub(crate) fn direct_env() -> Option<sys::napi_env> {
    Some(IN_SCOPE.with(Cell::get)).filter(|env| !env.is_null())
}

/// The async resource a callback scope is opened for (one per JS thread, as Node's own I/O
/// handles each have one).
#[derive(Clone, Copy)]
pub(super) struct ScopeParts {
    pub(super) env: sys::napi_env,
    pub(super) resource: sys::napi_ref,
    pub(super) context: sys::napi_async_context,
}

impl ScopeParts {
    pub(super) fn new(env: &Env) -> napi::Result<ScopeParts> {
        let env = env.raw();
        let (mut object, mut resource) = (std::ptr::null_mut(), std::ptr::null_mut());
        // SAFETY: called on `env`'s JS thread, from a napi call (a handle scope is open). The
        // scope needs the resource object itself, so it is kept by a reference.
        let made = unsafe {
            sys::napi_create_object(env, &mut object) == sys::Status::napi_ok
                && sys::napi_create_reference(env, object, 1, &mut resource) == sys::Status::napi_ok
        };
        if !made {
            return Err(napi::Error::from_reason(
                "cannot make the host loop's async resource",
            ));
        }
        Ok(ScopeParts {
            env,
            resource,
            context: async_context(env, object, "claudeWire.stdout")?,
        })
    }
}

/// A handle scope and a callback scope, open on the JS thread until dropped; closing the
/// callback scope runs the microtasks and `process.nextTick` callbacks queued inside it.
pub(super) struct Scope {
    env: sys::napi_env,
    handles: sys::napi_handle_scope,
    callback: sys::napi_callback_scope,
}

impl Scope {
    /// Opens them, unless one is open already (then the outer one runs what is queued).
    pub(super) fn open(parts: ScopeParts) -> Option<Scope> {
        if direct_env().is_some() {
            return None;
        }
        let env = parts.env;
        let mut scope = Scope {
            env,
            handles: std::ptr::null_mut(),
            callback: std::ptr::null_mut(),
        };
        let mut resource = std::ptr::null_mut();
        // SAFETY: on the JS thread of `env`, from a libuv callback (no JS on the stack).
        unsafe {
            if sys::napi_open_handle_scope(env, &mut scope.handles) != sys::Status::napi_ok {
                return None;
            }
            let opened = sys::napi_get_reference_value(env, parts.resource, &mut resource)
                == sys::Status::napi_ok
                && !resource.is_null()
                && sys::napi_open_callback_scope(env, resource, parts.context, &mut scope.callback)
                    == sys::Status::napi_ok;
            if !opened {
                sys::napi_close_handle_scope(env, scope.handles);
                return None;
            }
        }
        IN_SCOPE.with(|s| s.set(env));
        Some(scope)
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        IN_SCOPE.with(|s| s.set(std::ptr::null_mut()));
        // SAFETY: opened by `Scope::open` on this thread, closed once, innermost first.
        unsafe {
            sys::napi_close_callback_scope(self.env, self.callback);
            sys::napi_close_handle_scope(self.env, self.handles);
        }
    }
}

/// Runs the jobs queued while the poll callback read (and those they queue).
pub(super) fn run_after_read() {
    loop {
        let jobs = AFTER_READ.with(|jobs| std::mem::take(&mut *jobs.borrow_mut()));
        if jobs.is_empty() {
            return;
        }
        for job in jobs {
            // A panic must not unwind into libuv.
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
        }
    }
}

/// Queues `job` to run before the poll callback's scope closes (called inside it).
pub(super) fn after_read(job: Job) {
    AFTER_READ.with(|jobs| jobs.borrow_mut().push(job));
}
