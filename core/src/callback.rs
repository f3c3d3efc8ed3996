//! Running user callbacks: one guard, used by every handler, turns a panic into an error
//! answer that names the callback, so the CLI always gets its one answer.

use crate::CallbackError;
use futures::FutureExt;
use std::fmt::Display;
use std::future::Future;
use std::panic::AssertUnwindSafe;

/// Runs `callback`; a panic inside it becomes `Err("<what> panicked: <message>")`.
pub(crate) async fn guarded<T, E>(
    what: impl Display,
    callback: impl Future<Output = Result<T, E>>,
) -> Result<T, CallbackError>
where
    E: Into<CallbackError>,
{
    match AssertUnwindSafe(callback).catch_unwind().await {
        Ok(result) => result.map_err(Into::into),
        Err(panic) => Err(format!("{what} panicked: {}", panic_message(&*panic)).into()),
    }
}

/// The text of a caught panic payload.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panic_becomes_an_error_naming_the_callback() {
        let error = guarded("hook callback hook_3", async {
            if true {
                panic!("boom");
            }
            Ok::<(), CallbackError>(())
        })
        .await
        .unwrap_err();
        assert_eq!(error.to_string(), "hook callback hook_3 panicked: boom");
        let ok = guarded("x", async { Ok::<_, CallbackError>(7) })
            .await
            .unwrap();
        assert_eq!(ok, 7);
    }
}
