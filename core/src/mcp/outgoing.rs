//! What an in-process server sends the CLI of its own accord, as the TypeScript SDK's server
//! does: notifications (a tool's progress, a changed tool list) and requests. Both go out as
//! `mcp_message` control requests whose control answer nobody waits for; the answer to a
//! request comes back as an `mcp_message` of the CLI's, matched here by its JSON-RPC id.

use crate::{BoxFuture, Error, Result};
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;
use tokio::sync::oneshot;

/// How long a server's request waits for the CLI's answer unless told otherwise (the MCP
/// SDK's default).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// Writes a control request whose answer nobody waits for: the session's side of a
/// [`ServerLink`].
pub(crate) trait Unanswered: Send + Sync {
    fn send_unanswered(&self, request: Value) -> BoxFuture<'_, Result<()>>;
    /// Resolves once the session reads nothing more from the CLI: no answer can come then.
    fn finished(&self) -> BoxFuture<'static, ()>;
    /// Whether [`Unanswered::finished`] has resolved.
    fn is_finished(&self) -> bool;
}

/// An in-process server's way to the CLI of one session: its notifications and requests go
/// out there. A tool handler has the link of its call ([`ToolCall::link`](super::ToolCall::link)).
#[derive(Clone)]
pub struct ServerLink {
    session: Weak<dyn Unanswered>,
    outgoing: Outgoing,
    server_name: String,
}

impl std::fmt::Debug for ServerLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerLink")
            .field("server_name", &self.server_name)
            .finish_non_exhaustive()
    }
}

/// Two links are the same when they reach the same server of the same session.
impl PartialEq for ServerLink {
    fn eq(&self, other: &Self) -> bool {
        Weak::ptr_eq(&self.session, &other.session) && self.server_name == other.server_name
    }
}

impl ServerLink {
    /// Tells its session from another's (the calls of one server are told apart by it).
    pub(crate) fn session_key(&self) -> usize {
        self.session.as_ptr().cast::<()>() as usize
    }

    /// Whether its session still reads from the CLI.
    pub fn is_open(&self) -> bool {
        self.session.upgrade().is_some_and(|s| !s.is_finished())
    }

    pub(crate) fn new(
        session: Weak<dyn Unanswered>,
        outgoing: Outgoing,
        server_name: &str,
    ) -> Self {
        ServerLink {
            session,
            outgoing,
            server_name: server_name.to_owned(),
        }
    }

    /// Sends `notification` to the CLI, as the server's MCP library would: a tool's progress
    /// (`notifications/progress` with the `progressToken` of the call's
    /// [`ToolCall::meta`](super::ToolCall::meta)), a changed tool list. Returns once it is
    /// written. A notification the server may not send (it has tools only: no logging,
    /// resources or prompts) is [`Error::Mcp`], in the MCP SDK's words.
    pub async fn notify(&self, notification: Value) -> Result<()> {
        let message = notification_message(notification).map_err(|message| Error::Mcp {
            code: None,
            message,
        })?;
        self.write(message).await
    }

    /// Sends `request` (`{"method", "params"}`) to the CLI and waits for the answer's
    /// `result`, at most `timeout` (60 s by default, as the MCP SDK). The CLI's error answer,
    /// no answer in time, and the session's end before the answer are [`Error::Mcp`] with the
    /// code: `MCP error <code>: <message>`.
    pub async fn request(
        &self,
        request: Map<String, Value>,
        timeout: Option<Duration>,
    ) -> Result<Value> {
        self.request_or_cancel(request, timeout, std::future::pending())
            .await
    }

    /// [`ServerLink::request`], given up when `cancel` gives a reason first: the CLI is told
    /// (`notifications/cancelled` with that reason), and the error is the MCP SDK's for a
    /// cancelled request, `MCP error -32001: <reason>`.
    pub async fn request_or_cancel(
        &self,
        request: Map<String, Value>,
        timeout: Option<Duration>,
        cancel: impl std::future::Future<Output = String>,
    ) -> Result<Value> {
        let (message, id, answer) = self.outgoing.request(request);
        let _forget = Forget(&self.outgoing, &id);
        let rpc_id = message["id"].clone();
        let finished = self.session.upgrade().ok_or_else(not_connected)?.finished();
        self.write(message).await?;
        let answered = async {
            tokio::select! {
                answer = answer => answer.ok(),
                () = finished => None,
            }
        };
        let mcp = |code: i64, text: &str| Error::Mcp {
            code: Some(code),
            message: format!("MCP error {code}: {text}"),
        };
        let waited = tokio::time::timeout(timeout.unwrap_or(REQUEST_TIMEOUT), answered);
        let (error, reason) = tokio::select! {
            waited = waited => match waited {
                Ok(Some(response)) => {
                    return response_outcome(response).map_err(|(code, message)| Error::Mcp {
                        code: Some(code),
                        message,
                    })
                }
                // The MCP SDK's answer to a request pending when its transport closed.
                Ok(None) => return Err(mcp(CONNECTION_CLOSED, "Connection closed")),
                Err(_) => {
                    let error = Error::Mcp {
                        code: Some(REQUEST_TIMED_OUT),
                        message: TIMED_OUT.into(),
                    };
                    // The reason is the error as JavaScript prints it.
                    let reason = format!("McpError: {error}");
                    (error, reason)
                }
            },
            reason = cancel => (mcp(REQUEST_TIMED_OUT, &reason), reason),
        };
        // As the MCP SDK: the CLI is told the request was given up, and why.
        let cancelled = json!({"jsonrpc": "2.0", "method": "notifications/cancelled",
            "params": {"requestId": rpc_id, "reason": reason}});
        let _ = self.write(cancelled).await;
        Err(error)
    }

    async fn write(&self, message: Value) -> Result<()> {
        let session = self.session.upgrade().ok_or_else(not_connected)?;
        let request =
            json!({"subtype": "mcp_message", "server_name": self.server_name, "message": message});
        // A CLI that stopped reading is, to the server, a transport that closed.
        session
            .send_unanswered(request)
            .await
            .map_err(|_| not_connected())
    }
}

/// The MCP SDK's error once the server's transport closed: here, its session is over.
pub fn not_connected() -> Error {
    Error::Mcp {
        code: None,
        message: "Not connected".into(),
    }
}

/// The JSON-RPC code of a request that got no answer in time.
const REQUEST_TIMED_OUT: i64 = -32001;
/// The error of a request that got no answer in time (the MCP SDK's text).
pub const TIMED_OUT: &str = "MCP error -32001: Request timed out";
/// The JSON-RPC code of a request whose connection closed before the answer.
const CONNECTION_CLOSED: i64 = -32000;

/// Stops waiting for an answer when the request is done or given up.
struct Forget<'a>(&'a Outgoing, &'a str);

impl Drop for Forget<'_> {
    fn drop(&mut self) {
        self.0.forget(self.1);
    }
}

/// `notification` as the server sends it: checked against the server's capabilities (it has
/// tools, nothing else), then `{...notification, "jsonrpc": "2.0"}`. The error is the MCP
/// SDK's text for a notification the server may not send.
pub fn notification_message(notification: Value) -> Result<Value, String> {
    let Value::Object(mut message) = notification else {
        return Err("an MCP notification must be an object with a method".into());
    };
    let method = message
        .get("method")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let missing = match method {
        "notifications/message" => Some("Server does not support logging"),
        "notifications/resources/updated" | "notifications/resources/list_changed" => {
            Some("Server does not support notifying about resources")
        }
        "notifications/prompts/list_changed" => {
            Some("Server does not support notifying of prompt list changes")
        }
        // The CLI does not announce URL elicitation to in-process servers.
        "notifications/elicitation/complete" => Some("Client does not support URL elicitation"),
        _ => None,
    };
    if let Some(missing) = missing {
        return Err(format!("{missing} (required for {method})"));
    }
    message.shift_remove("jsonrpc");
    message.insert("jsonrpc".into(), "2.0".into());
    Ok(Value::Object(message))
}

/// The server's requests to the CLI that wait for an answer, by JSON-RPC id.
#[derive(Clone, Default)]
pub(crate) struct Outgoing {
    inner: Arc<Mutex<State>>,
}

#[derive(Default)]
struct State {
    next_id: u64,
    waiting: HashMap<String, oneshot::Sender<Value>>,
}

impl std::fmt::Debug for Outgoing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outgoing").finish_non_exhaustive()
    }
}

impl Outgoing {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `request` as sent (`{...request, "jsonrpc": "2.0", "id": n}`, ids counting from 0 as
    /// the MCP SDK's do), its id, and where its answer (the JSON-RPC response) arrives.
    pub(crate) fn request(
        &self,
        request: Map<String, Value>,
    ) -> (Value, String, oneshot::Receiver<Value>) {
        let (tx, rx) = oneshot::channel();
        let mut state = self.state();
        let id = state.next_id;
        state.next_id += 1;
        state.waiting.insert(id.to_string(), tx);
        let mut message = request;
        message.shift_remove("jsonrpc");
        message.shift_remove("id");
        message.insert("jsonrpc".into(), "2.0".into());
        message.insert("id".into(), id.into());
        (Value::Object(message), id.to_string(), rx)
    }

    /// Hands a JSON-RPC response to the request it answers; false when none waits for it.
    pub(crate) fn answer(&self, response: &Map<String, Value>) -> bool {
        let id = match response.get("id") {
            Some(Value::Number(n)) => n.to_string(),
            Some(Value::String(s)) => s.clone(),
            _ => return false,
        };
        let waiting = self.state().waiting.remove(&id);
        waiting.is_some_and(|tx| tx.send(Value::Object(response.clone())).is_ok())
    }

    /// Stops waiting for the answer to `id` (the caller gave up).
    pub(crate) fn forget(&self, id: &str) {
        self.state().waiting.remove(id);
    }
}

/// The outcome of a JSON-RPC response: its `result`, or its error in the MCP SDK's words
/// (`MCP error <code>: <message>`).
pub(crate) fn response_outcome(mut response: Value) -> Result<Value, (i64, String)> {
    if let Some(error) = response.get_mut("error").map(Value::take) {
        let code = error.get("code").and_then(Value::as_i64).unwrap_or(-32603);
        let message = error
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("unknown error");
        return Err((code, format!("MCP error {code}: {message}")));
    }
    Ok(response
        .get_mut("result")
        .map(Value::take)
        .unwrap_or_else(|| Value::Object(Map::new())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn notifications_framed_and_checked() {
        let progress = json!({"method": "notifications/progress", "params": {"progressToken": 2, "progress": 1}});
        assert_eq!(
            notification_message(progress).unwrap().to_string(),
            r#"{"method":"notifications/progress","params":{"progressToken":2,"progress":1},"jsonrpc":"2.0"}"#
        );
        assert_eq!(
            notification_message(json!({"method": "notifications/message", "params": {}}))
                .unwrap_err(),
            "Server does not support logging (required for notifications/message)"
        );
        assert!(
            notification_message(json!({"method": "notifications/tools/list_changed"})).is_ok()
        );
    }

    #[test]
    fn requests_get_their_answers_by_id() {
        let outgoing = Outgoing::default();
        let (first, id, mut rx) =
            outgoing.request(json!({"method": "roots/list"}).as_object().unwrap().clone());
        assert_eq!(
            first,
            json!({"method": "roots/list", "jsonrpc": "2.0", "id": 0})
        );
        let (_, second, _rx2) = outgoing.request(Map::new());
        assert_eq!((id.as_str(), second.as_str()), ("0", "1"));
        let reply = json!({"jsonrpc": "2.0", "id": 0, "result": {"roots": []}});
        assert!(outgoing.answer(reply.as_object().unwrap()));
        assert!(
            !outgoing.answer(reply.as_object().unwrap()),
            "answered once"
        );
        assert_eq!(
            response_outcome(rx.try_recv().unwrap()),
            Ok(json!({"roots": []}))
        );
        let failed = json!({"id": 1, "error": {"code": -32601, "message": "Method not found"}});
        assert_eq!(
            response_outcome(failed),
            Err((-32601, "MCP error -32601: Method not found".into()))
        );
    }

    /// A session that takes every message and ends after `after`.
    struct Ending {
        after: std::time::Duration,
        ended: std::sync::atomic::AtomicBool,
    }

    impl Unanswered for Ending {
        fn send_unanswered(&self, _: Value) -> BoxFuture<'_, Result<()>> {
            Box::pin(async { Ok(()) })
        }
        fn finished(&self) -> BoxFuture<'static, ()> {
            Box::pin(tokio::time::sleep(self.after))
        }
        fn is_finished(&self) -> bool {
            self.ended.load(std::sync::atomic::Ordering::SeqCst)
        }
    }

    #[tokio::test]
    async fn a_request_pending_when_the_session_ends_fails_at_once() {
        let session: Arc<dyn Unanswered> = Arc::new(Ending {
            after: Duration::from_millis(50),
            ended: false.into(),
        });
        let outgoing = Outgoing::default();
        let link = ServerLink::new(Arc::downgrade(&session), outgoing.clone(), "s");
        assert!(link.is_open());
        let started = std::time::Instant::now();
        let ping = Map::from_iter([("method".to_owned(), json!("ping"))]);
        let failed = link.request(ping, None).await.unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(5));
        assert_eq!(failed.to_string(), "MCP error -32000: Connection closed");
        assert!(
            outgoing.state().waiting.is_empty(),
            "no answer is waited for any more"
        );
        drop(session);
        assert!(!link.is_open());
        let after = link
            .notify(json!({"method": "notifications/progress"}))
            .await;
        assert_eq!(after.unwrap_err().to_string(), "Not connected");
    }
}
