//! What a JS thread keeps for calls and jobs from elsewhere: the async contexts callbacks run
//! in, and the holds that keep its loop alive while a posted job is to settle a promise.

use super::{Job, NodeHostLoop, Post, THREAD};
use napi::sys;
use napi::threadsafe_function::ThreadsafeFunctionCallMode;
use napi::{Env, Status};
use std::sync::Arc;

/// Keeps its JS thread's loop alive while it lives: held for a promise that a posted job is to
/// settle (the jobs' function itself does not keep Node alive).
pub(crate) struct Hold {
    post: Arc<Post>,
}

impl NodeHostLoop {
    /// A hold on this loop; made on its JS thread.
    pub(crate) fn hold(&self) -> Hold {
        count_hold(&self.post, true);
        Hold {
            post: self.post.clone(),
        }
    }
}

impl Drop for Hold {
    fn drop(&mut self) {
        let post = self.post.clone();
        on_js_thread(&self.post, Box::new(move || count_hold(&post, false)));
    }
}

/// Runs `job` now when called on `post`'s JS thread, else posts it there (where it does not
/// run once that thread's environment is torn down).
fn on_js_thread(post: &Arc<Post>, job: Job) {
    let here = THREAD.with(|t| {
        t.borrow()
            .as_ref()
            .is_some_and(|t| Arc::ptr_eq(&t.post, post))
    });
    match here {
        true => job(),
        false => {
            let _ = post.call(job, ThreadsafeFunctionCallMode::NonBlocking);
        }
    }
}

/// On the JS thread of `post`: one hold more or less; the first refers the function that
/// carries the jobs (the loop stays alive), the last unrefers it.
fn count_hold(post: &Arc<Post>, more: bool) {
    THREAD.with(|t| {
        let mut thread = t.borrow_mut();
        let Some(thread) = thread.as_mut().filter(|t| Arc::ptr_eq(&t.post, post)) else {
            return;
        };
        let before = thread.holds;
        thread.holds = if more {
            before + 1
        } else {
            before.saturating_sub(1)
        };
        let env = thread.scope.env;
        // SAFETY: on the function's JS thread while its environment is alive (listed).
        unsafe {
            match (before, thread.holds) {
                (0, 1) => sys::napi_ref_threadsafe_function(env, post.raw()),
                (1, 0) => sys::napi_unref_threadsafe_function(env, post.raw()),
                _ => sys::Status::napi_ok,
            };
        }
    });
}

/// An async context of a JS thread, made in the context of the code that made it (the
/// `AsyncLocalStorage` store and async id of a `query()` call, as Node's own handles keep
/// theirs): a call made through it runs in that context.
pub(crate) struct CallContext {
    context: usize,
    post: Arc<Post>,
}

impl CallContext {
    /// A context of the calling code, on `env`'s JS thread.
    pub(crate) fn new(env: &Env) -> napi::Result<CallContext> {
        let post = NodeHostLoop::new(env)?.post;
        // Node makes (and keeps) the resource of a context made without one.
        let context = async_context(env.raw(), std::ptr::null_mut(), "claudeWire.callback")?;
        Ok(CallContext {
            context: context as usize,
            post,
        })
    }

    /// Calls `function` with `args` in this context, on its JS thread inside the poll
    /// callback's scope (which runs the promises it settles when it closes).
    pub(crate) fn call(
        &self,
        env: sys::napi_env,
        function: sys::napi_value,
        args: &[sys::napi_value],
    ) -> Status {
        let (mut this, mut result) = (std::ptr::null_mut(), std::ptr::null_mut());
        // SAFETY: on the context's JS thread with a handle scope open (see `direct_env`).
        let status = unsafe {
            // A receiver must be an object here (Node converts it), as for a plain call.
            sys::napi_get_global(env, &mut this);
            let context = self.context as sys::napi_async_context;
            let status = sys::napi_make_callback(
                env,
                context,
                this,
                function,
                args.len(),
                args.as_ptr(),
                &mut result,
            );
            if status == sys::Status::napi_pending_exception {
                let mut thrown = std::ptr::null_mut();
                sys::napi_get_and_clear_last_exception(env, &mut thrown);
            }
            status
        };
        Status::from(status)
    }
}

impl Drop for CallContext {
    fn drop(&mut self) {
        let context = self.context;
        // On its JS thread while the loop is known there (not once its teardown began, when
        // the environment frees it itself).
        let destroy = move || {
            THREAD.with(|t| {
                if let Some(thread) = t.borrow().as_ref() {
                    // SAFETY: made on this JS thread, whose environment is alive; destroyed once.
                    unsafe {
                        sys::napi_async_destroy(
                            thread.scope.env,
                            context as sys::napi_async_context,
                        )
                    };
                }
            })
        };
        on_js_thread(&self.post, Box::new(destroy));
    }
}

/// A new async context of `resource` (null: one Node makes), called `label`; on `env`'s JS
/// thread inside a napi call or a handle scope.
pub(super) fn async_context(
    env: sys::napi_env,
    resource: sys::napi_value,
    label: &str,
) -> napi::Result<sys::napi_async_context> {
    let (mut name, mut context) = (std::ptr::null_mut(), std::ptr::null_mut());
    // SAFETY: as the caller promises.
    let made = unsafe {
        sys::napi_create_string_utf8(env, label.as_ptr().cast(), label.len() as isize, &mut name)
            == sys::Status::napi_ok
            && sys::napi_async_init(env, resource, name, &mut context) == sys::Status::napi_ok
    };
    match made {
        true => Ok(context),
        false => Err(napi::Error::from_reason("cannot make an async context")),
    }
}
