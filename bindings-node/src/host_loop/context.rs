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
        let here = THREAD.with(|t| {
            t.borrow()
                .as_ref()
                .is_some_and(|t| Arc::ptr_eq(&t.post, &self.post))
        });
        let post = self.post.clone();
        match here {
            true => count_hold(&post, false),
            false => {
                let job: Job = Box::new(move || count_hold(&post, false));
                let _ = self.post.call(job, ThreadsafeFunctionCallMode::NonBlocking);
            }
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
        let (mut name, mut context) = (std::ptr::null_mut(), std::ptr::null_mut());
        let label = "claudeWire.callback";
        // SAFETY: on `env`'s JS thread, inside a napi call; Node makes (and keeps) the resource.
        let status = unsafe {
            [
                sys::napi_create_string_utf8(
                    env.raw(),
                    label.as_ptr().cast(),
                    label.len() as isize,
                    &mut name,
                ),
                sys::napi_async_init(env.raw(), std::ptr::null_mut(), name, &mut context),
            ]
        };
        match status.iter().all(|&s| s == sys::Status::napi_ok) {
            true => Ok(CallContext {
                context: context as usize,
                post,
            }),
            false => Err(napi::Error::from_reason("cannot make an async context")),
        }
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
        let here = THREAD.with(|t| {
            t.borrow()
                .as_ref()
                .is_some_and(|t| Arc::ptr_eq(&t.post, &self.post))
        });
        match here {
            true => destroy(),
            false => {
                let _ = self
                    .post
                    .call(Box::new(destroy), ThreadsafeFunctionCallMode::NonBlocking);
            }
        }
    }
}
