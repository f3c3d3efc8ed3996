//! A JS thread's sessions are closed when its environment is torn down (a Worker terminated
//! mid-session), so none of their CLIs outlives it: a pending promise holds its session, so
//! freeing the JS objects does not end it. Closing goes on on the runtime, which outlives every
//! environment but the last.

use napi::Env;
use std::cell::RefCell;
use std::sync::{Arc, Weak};

/// Something that holds a CLI.
pub(crate) trait Close: Send + Sync {
    /// Starts closing on the runtime; called on the JS thread during its teardown.
    fn close(self: Arc<Self>);
}

thread_local! {
    /// The sessions this JS thread made that may still be open; `None` until the first is made (the
    /// cleanup hook is added then).
    static OPEN: RefCell<Option<Vec<Weak<dyn Close>>>> = const { RefCell::new(None) };
}

/// Closes `item` (if it is still alive) when `env` is torn down.
pub(crate) fn close_with(env: &Env, item: Weak<dyn Close>) -> napi::Result<()> {
    let first = OPEN.with(|open| open.borrow().is_none());
    if first {
        env.add_env_cleanup_hook((), |()| close_all())?;
    }
    OPEN.with(|open| {
        let mut open = open.borrow_mut();
        let open = open.get_or_insert_with(Vec::new);
        open.retain(|item| item.strong_count() > 0);
        open.push(item);
    });
    Ok(())
}

fn close_all() {
    let open = OPEN
        .with(|open| open.borrow_mut().take())
        .unwrap_or_default();
    for item in open.iter().filter_map(Weak::upgrade) {
        item.close();
    }
}
