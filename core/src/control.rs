//! The control protocol: the requests an SDK sends ([`ControlRequest`]) and their typed answers,
//! [`Control`] to send them on a running session, request ids, envelopes and the table of
//! requests awaiting an answer.
//!
//! Envelopes (both directions):
//! `{"type":"control_request","request_id":ID,"request":{"subtype":S,..}}`,
//! `{"type":"control_response","response":{"subtype":"success"|"error","request_id":ID,..}}` and
//! `{"type":"control_cancel_request","request_id":ID}`.

mod answers;
mod claim;
mod methods;
mod python_client;
mod requests;
mod server_messages;

pub use answers::*;
pub use claim::{ClaimOutcome, SpareClaim};
pub use python_client::{ClientMethod, PYTHON_CLIENT_METHODS};
pub use requests::*;

use crate::options::{McpServerConfig, PermissionMode};
use crate::session::Session;
use crate::{Error, Result};
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::oneshot;

/// Control methods of a running session, shared by [`ClaudeClient`](crate::ClaudeClient) and
/// [`Query`](crate::Query).
///
/// Everything goes through [`Control::send`]: pass a request struct
/// (`control.send(McpStatus {})`) for a typed answer, or a [`ControlRequest`] (built from JSON
/// with [`ControlRequest::from_value`]) for the raw JSON answer. The other methods are one-line
/// shorthands for the requests of the official Python `ClaudeSDKClient`.
///
/// ```no_run
/// # async fn demo(client: &claude_wire::ClaudeClient) -> claude_wire::Result<()> {
/// use claude_wire::control::{McpStatus, McpToggle};
/// let control = client.control()?;
/// for server in control.send(McpStatus {}).await?.mcp_servers {
///     if server.status == "failed" {
///         control.send(McpToggle { server_name: server.name, enabled: false }).await?;
///     }
/// }
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Control {
    session: Arc<Session>,
}

impl Control {
    pub(crate) fn new(session: Arc<Session>) -> Self {
        Control { session }
    }

    /// Sends a control request and returns the CLI's answer, decoded as the request's
    /// [`ControlCall::Answer`]; waits at most the session's `control_timeout`.
    ///
    /// An error answer is [`Error::ControlRequest`]; no answer in time is
    /// [`Error::ControlTimeout`] (the CLI is then told to cancel the request).
    pub async fn send<R: ControlCall>(&self, request: R) -> Result<R::Answer> {
        self.send_with_timeout(request, None).await
    }

    /// Like [`Control::send`], waiting `timeout` instead of the session's `control_timeout`
    /// when it is `Some`.
    pub async fn send_with_timeout<R: ControlCall>(
        &self,
        request: R,
        timeout: Option<Duration>,
    ) -> Result<R::Answer> {
        let request = request.into_request();
        let answer = self.session.request(request.to_value(), timeout).await?;
        decode_answer(request.subtype(), answer)
    }

    /// Replaces the MCP servers added while the session runs (TypeScript `setMcpServers`).
    /// In-process servers are registered here first: one not listed any more is dropped, a
    /// new one added, and one registered already keeps its instance and settings except a
    /// `tools` policy given anew; then the CLI gets the external configs and an entry for each
    /// in-process server.
    pub async fn set_mcp_servers(
        &self,
        servers: Vec<(String, McpServerConfig)>,
    ) -> Result<McpSetServersAnswer> {
        let servers = self.register_servers(servers);
        self.send(McpSetServers { servers }).await
    }

    /// Registers the in-process servers among `servers` (see [`Control::set_mcp_servers`]);
    /// returns what the CLI receives.
    fn register_servers(&self, servers: Vec<(String, McpServerConfig)>) -> Map<String, Value> {
        let mut all = Map::new();
        let mut in_process = Vec::new();
        for (name, config) in servers {
            match config {
                McpServerConfig::External(config) => {
                    all.insert(name, config);
                }
                McpServerConfig::Sdk(server) => in_process.push((name, server)),
            }
        }
        if let Some(handlers) = self.session.handlers() {
            all.extend(handlers.mcp_servers.replace(in_process));
        }
        all
    }

    /// Interrupts the current turn.
    pub async fn interrupt(&self) -> Result<InterruptAnswer> {
        self.send(Interrupt::default()).await
    }

    /// Changes the permission mode (`default`, `acceptEdits`, `plan`, `bypassPermissions`, ...).
    pub async fn set_permission_mode(&self, mode: PermissionMode) -> Result<Value> {
        self.send(SetPermissionMode {
            mode,
            answers_bypass_switch_back: None,
        })
        .await
    }

    /// Changes the model for the following requests (`None`: the default model).
    pub async fn set_model(&self, model: Option<&str>) -> Result<Value> {
        self.send(SetModel {
            model: model.map(str::to_owned),
        })
        .await
    }

    /// Sets the thinking budget (`None`: clear it).
    pub async fn set_max_thinking_tokens(&self, tokens: Option<u64>) -> Result<Value> {
        self.send(SetMaxThinkingTokens {
            max_thinking_tokens: tokens,
            thinking_display: None,
        })
        .await
    }

    /// Restores files to their state at a user message (needs file checkpointing).
    pub async fn rewind_files(&self, user_message_id: &str) -> Result<RewindFilesAnswer> {
        self.send(RewindFiles {
            user_message_id: user_message_id.into(),
            dry_run: None,
        })
        .await
    }

    /// Status of every MCP server.
    pub async fn mcp_status(&self) -> Result<McpStatusAnswer> {
        self.send(McpStatus {}).await
    }

    /// Reconnects one MCP server.
    pub async fn reconnect_mcp_server(&self, name: &str) -> Result<Value> {
        self.send(McpReconnect {
            server_name: name.into(),
        })
        .await
    }

    /// Enables or disables one MCP server.
    pub async fn toggle_mcp_server(&self, name: &str, enabled: bool) -> Result<Value> {
        self.send(McpToggle {
            server_name: name.into(),
            enabled,
        })
        .await
    }

    /// Stops a running background task.
    pub async fn stop_task(&self, task_id: &str) -> Result<Value> {
        self.send(StopTask {
            task_id: task_id.into(),
        })
        .await
    }

    /// How the context window is used.
    pub async fn get_context_usage(&self) -> Result<ContextUsage> {
        self.send(GetContextUsage::default()).await
    }

    /// Sends the session's `initialize` request again (after a transport gap, say) and returns
    /// the new server info, which [`Control::server_info`] reports from then on. Waits at most
    /// the initialize timeout unless `timeout` is given.
    pub async fn reinitialize(&self, timeout: Option<Duration>) -> Result<Value> {
        self.session.reinitialize(timeout).await
    }

    /// The latest answer to `initialize` (commands, models, agents, account, version), as JSON;
    /// decode it with [`ServerInfo`] for typed commands, models, agents and account.
    pub fn server_info(&self) -> Option<Value> {
        self.session.server_info()
    }
}

/// Default time to wait for the CLI's answer to a control request.
pub const DEFAULT_CONTROL_TIMEOUT: Duration = Duration::from_secs(60);

/// How long `initialize` may take when no control timeout is set: as the official SDKs, the
/// longer of the default and `CLAUDE_CODE_STREAM_CLOSE_TIMEOUT` (milliseconds) from the
/// environment, since MCP servers may take a while to start.
pub fn initialize_timeout(control_timeout: Option<Duration>) -> Duration {
    if let Some(timeout) = control_timeout {
        return timeout;
    }
    let from_env = std::env::var("CLAUDE_CODE_STREAM_CLOSE_TIMEOUT")
        .ok()
        .and_then(|ms| ms.trim().parse::<u64>().ok())
        .map(Duration::from_millis)
        .unwrap_or_default();
    from_env.max(DEFAULT_CONTROL_TIMEOUT)
}

/// Request ids of the form `req_<counter>_<random hex>`, unique within a process.
pub(crate) fn next_request_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(1);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("req_{n}_{:08x}", fastrand::u32(..))
}

/// One frame ready to write: JSON followed by a newline.
pub(crate) fn frame(value: &Value) -> Vec<u8> {
    let mut bytes = serde_json::to_vec(value).expect("a serde_json::Value always serialises");
    bytes.push(b'\n');
    bytes
}

pub(crate) fn request_frame(request_id: &str, request: Value) -> Vec<u8> {
    frame(&json!({"type": "control_request", "request_id": request_id, "request": request}))
}

pub(crate) fn success_frame(request_id: &str, response: Value) -> Vec<u8> {
    // Written straight out, in the same key order: no `Value` tree around the response.
    let mut bytes = Vec::with_capacity(128);
    bytes.extend_from_slice(
        br#"{"type":"control_response","response":{"subtype":"success","request_id":"#,
    );
    serde_json::to_writer(&mut bytes, request_id).expect("a string always serialises");
    bytes.extend_from_slice(br#","response":"#);
    serde_json::to_writer(&mut bytes, &response).expect("a serde_json::Value always serialises");
    bytes.extend_from_slice(b"}}\n");
    bytes
}

pub(crate) fn error_frame(request_id: &str, message: &str) -> Vec<u8> {
    frame(&json!({
        "type": "control_response",
        "response": {"subtype": "error", "request_id": request_id, "error": message},
    }))
}

pub(crate) fn cancel_frame(request_id: &str) -> Vec<u8> {
    frame(&json!({"type": "control_cancel_request", "request_id": request_id}))
}

type Reply = oneshot::Sender<Result<Value>>;

/// Control requests we sent that await the CLI's answer.
#[derive(Default)]
pub(crate) struct Pending {
    inner: Mutex<PendingState>,
}

#[derive(Default)]
struct PendingState {
    waiting: HashMap<String, (String, Reply)>,
    /// Set once the session is over: every later request fails at once with this reason.
    closed: Option<ClosedReason>,
}

/// Why the session ended, kept so late callers get the same typed error.
#[derive(Debug, Clone)]
pub(crate) enum ClosedReason {
    /// The CLI failed: later callers get that error.
    Failed(Error),
    Other(String),
}

impl ClosedReason {
    pub(crate) fn from_error(error: &Error) -> Self {
        match error {
            Error::Process { .. } | Error::ErrorResult { .. } => {
                ClosedReason::Failed(error.clone())
            }
            other => ClosedReason::Other(other.to_string()),
        }
    }

    pub(crate) fn to_error(&self) -> Error {
        match self {
            ClosedReason::Failed(error) => error.clone(),
            ClosedReason::Other(text) => Error::SessionClosed(text.clone()),
        }
    }
}

impl Pending {
    /// Registers a request; fails at once when the session is already over.
    pub(crate) fn register(
        &self,
        id: &str,
        subtype: &str,
    ) -> Result<oneshot::Receiver<Result<Value>>> {
        let mut state = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(reason) = &state.closed {
            return Err(reason.to_error());
        }
        let (tx, rx) = oneshot::channel();
        state
            .waiting
            .insert(id.to_string(), (subtype.to_string(), tx));
        Ok(rx)
    }

    /// True while a request waits for its answer.
    pub(crate) fn any_waiting(&self) -> bool {
        let state = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        !state.waiting.is_empty()
    }

    /// Forgets a request (timed out or abandoned by its caller). True when it was still waiting.
    pub(crate) fn forget(&self, id: &str) -> bool {
        let mut state = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        state.waiting.remove(id).is_some()
    }

    /// Fails request `id` with `error` (its answer could not be read). True when it was waiting.
    pub(crate) fn fail(&self, id: &str, error: Error) -> bool {
        let entry = {
            let mut state = self.inner.lock().unwrap_or_else(|e| e.into_inner());
            state.waiting.remove(id)
        };
        entry.is_some_and(|(_, reply)| reply.send(Err(error)).is_ok())
    }

    /// Delivers the CLI's `response` object (the inner envelope) to its waiter.
    pub(crate) fn resolve(&self, mut response: Map<String, Value>) {
        let Some(id) = response
            .get("request_id")
            .and_then(Value::as_str)
            .map(str::to_owned)
        else {
            return;
        };
        let entry = {
            let mut state = self.inner.lock().unwrap_or_else(|e| e.into_inner());
            state.waiting.remove(&id)
        };
        let Some((subtype, reply)) = entry else {
            return;
        };
        let outcome = if response.get("subtype").and_then(Value::as_str) == Some("error") {
            let message = match response.remove("error") {
                Some(Value::String(s)) => s,
                Some(other) => other.to_string(),
                None => "unknown error".to_string(),
            };
            let code = match response.remove("error_code") {
                Some(Value::String(code)) => Some(code),
                _ => None,
            };
            Err(Error::ControlRequest {
                subtype,
                message,
                code,
            })
        } else {
            Ok(response.remove("response").unwrap_or(Value::Null))
        };
        let _ = reply.send(outcome);
    }

    /// Fails every waiting request and all later ones with `reason`.
    pub(crate) fn close(&self, reason: ClosedReason) {
        let waiting = {
            let mut state = self.inner.lock().unwrap_or_else(|e| e.into_inner());
            state.closed.get_or_insert(reason.clone());
            std::mem::take(&mut state.waiting)
        };
        for (_, (_, reply)) in waiting {
            let _ = reply.send(Err(reason.to_error()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_success_frame_is_the_envelope_of_its_response() {
        let response = json!({"behavior": "allow", "updatedInput": {"z": 1, "a": "\"q\""}});
        let frame = success_frame("req \"1\"", response.clone());
        let expected = json!({"type": "control_response",
            "response": {"subtype": "success", "request_id": "req \"1\"", "response": response}});
        assert_eq!(frame, super::frame(&expected));
    }

    #[test]
    fn ids_have_the_sdk_shape_and_are_unique() {
        let a = next_request_id();
        let b = next_request_id();
        assert_ne!(a, b);
        let parts: Vec<&str> = a.split('_').collect();
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[0], "req");
        assert!(parts[1].parse::<u64>().is_ok());
        assert!(parts[2].chars().all(|c| c.is_ascii_hexdigit()));
    }

    #[tokio::test]
    async fn success_and_error_answers_reach_their_waiters() {
        let pending = Pending::default();
        let ok = pending.register("a", "interrupt").unwrap();
        let err = pending.register("b", "set_model").unwrap();
        pending.resolve(
            json!({"subtype": "success", "request_id": "a", "response": {"x": 1}})
                .as_object()
                .unwrap()
                .clone(),
        );
        pending.resolve(
            json!({"subtype": "error", "request_id": "b", "error": "nope", "error_code": "invalid_mode"})
                .as_object()
                .unwrap()
                .clone(),
        );
        assert_eq!(ok.await.unwrap().unwrap(), json!({"x": 1}));
        match err.await.unwrap() {
            Err(Error::ControlRequest {
                subtype,
                message,
                code,
            }) => {
                assert_eq!(subtype, "set_model");
                assert_eq!(message, "nope");
                assert_eq!(code.as_deref(), Some("invalid_mode"));
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[tokio::test]
    async fn close_fails_waiting_and_later_requests() {
        let pending = Pending::default();
        let rx = pending.register("a", "interrupt").unwrap();
        pending.close(ClosedReason::Failed(Error::Process {
            exit_code: Some(1),
            signal: None,
            stderr: "boom".into(),
        }));
        assert!(matches!(
            rx.await.unwrap(),
            Err(Error::Process {
                exit_code: Some(1),
                ..
            })
        ));
        assert!(matches!(
            pending.register("b", "interrupt"),
            Err(Error::Process { .. })
        ));
    }
}
