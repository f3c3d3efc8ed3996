//! A server's tool calls under way, so that the CLI's `notifications/cancelled` stops one, as
//! the MCP SDK's server aborts the handler of a request its client gave up.

use futures::future::{AbortHandle, Abortable};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};

/// The answer the Python SDK gives a call the CLI cancelled (`mcp_message`'s answer; the
/// TypeScript SDK's server gives none): JSON-RPC error -32800.
pub(crate) fn cancelled_answer(id: Option<Value>) -> Value {
    serde_json::json!({"mcp_response": {"jsonrpc": "2.0", "id": id.unwrap_or(Value::Null),
        "error": {"code": -32800, "message": "Request cancelled"}}})
}

/// A call: the session it came from (one server may serve several) and its JSON-RPC id.
type Key = (usize, String);

/// The calls under way of one server.
#[derive(Clone, Default)]
pub(crate) struct RunningCalls(Arc<Mutex<HashMap<Key, AbortHandle>>>);

impl RunningCalls {
    fn calls(&self) -> MutexGuard<'_, HashMap<Key, AbortHandle>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `call`, request `id` of session `session`: `None` when the CLI cancelled it (the
    /// call is dropped there, which aborts a binding's callback).
    pub(crate) async fn run<T>(
        &self,
        session: usize,
        id: &Value,
        call: impl Future<Output = T>,
    ) -> Option<T> {
        let key = (session, id.to_string());
        let (handle, registration) = AbortHandle::new_pair();
        self.calls().insert(key.clone(), handle);
        let _done = Done(self, key);
        Abortable::new(call, registration).await.ok()
    }

    /// Stops the call a `notifications/cancelled` names (`params.requestId`), if under way.
    pub(crate) fn cancel(&self, session: usize, params: Option<&Map<String, Value>>) {
        let Some(id) = params.and_then(|p| p.get("requestId")) else {
            return;
        };
        // Out of the lock first: the call may be polled (and forget itself) on this thread.
        let call = self.calls().remove(&(session, id.to_string()));
        if let Some(call) = call {
            call.abort();
        }
    }
}

impl std::fmt::Debug for RunningCalls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RunningCalls({})", self.calls().len())
    }
}

/// Forgets a call once it is over, however it ended.
struct Done<'a>(&'a RunningCalls, Key);

impl Drop for Done<'_> {
    fn drop(&mut self) {
        self.0.calls().remove(&self.1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[tokio::test]
    async fn a_cancelled_call_stops_and_others_go_on() {
        let running = RunningCalls::default();
        let params = json!({"requestId": 3, "reason": "gone"});
        let id = json!(3);
        let slow = running.run(1, &id, std::future::pending::<()>());
        let other_session = running.run(2, &id, async { "done" });
        let cancel = async {
            tokio::task::yield_now().await;
            running.cancel(1, params.as_object());
        };
        let (slow, other, ()) = tokio::join!(slow, other_session, cancel);
        assert_eq!((slow, other), (None, Some("done")));
        assert!(running.calls().is_empty());
    }
}
