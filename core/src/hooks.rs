//! Hooks: user callbacks the CLI calls at points of the agent loop.
//!
//! Hooks are registered in the `initialize` request ([`HookRegistry::initialize_hooks`]); the CLI
//! then sends `hook_callback` requests naming a callback id, answered by [`HookRegistry::call`].

mod input;
mod output;

pub use input::{HookEventData, HookInput};
pub use output::{HookDecision, HookOutput, HookSpecificOutput, PermissionDecision};

use crate::{BoxFuture, CallbackError};
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

/// A hook callback: `(input, tool_use_id, context) -> output`.
pub type HookCallback = Arc<
    dyn Fn(
            HookInput,
            Option<String>,
            HookContext,
        ) -> BoxFuture<'static, Result<HookOutput, CallbackError>>
        + Send
        + Sync,
>;

/// Wraps a plain async closure into a [`HookCallback`].
///
/// ```
/// use claude_wire::hooks::{hook, HookOutput};
/// let cb = hook(|input, _tool_use_id, _ctx| async move {
///     Ok(if input.tool_name() == Some("Bash") { HookOutput::new().block("no shell") } else { HookOutput::new() })
/// });
/// # let _ = cb;
/// ```
pub fn hook<F, Fut>(f: F) -> HookCallback
where
    F: Fn(HookInput, Option<String>, HookContext) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<HookOutput, CallbackError>> + Send + 'static,
{
    Arc::new(move |input, tool_use_id, ctx| Box::pin(f(input, tool_use_id, ctx)))
}

/// The points of the agent loop a hook can attach to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum HookEvent {
    /// Before a tool runs.
    PreToolUse,
    /// After a tool succeeded.
    PostToolUse,
    /// After a tool failed.
    PostToolUseFailure,
    /// When the user submits a prompt.
    UserPromptSubmit,
    /// When the main agent is about to stop.
    Stop,
    /// When a sub-agent starts.
    SubagentStart,
    /// When a sub-agent is about to stop.
    SubagentStop,
    /// Before the conversation is compacted.
    PreCompact,
    /// When the CLI shows a notification.
    Notification,
    /// When a permission prompt would be shown.
    PermissionRequest,
    /// When a session starts or resumes.
    SessionStart,
    /// When a session ends.
    SessionEnd,
    /// Any other event name (new CLI versions add events).
    Other(String),
}

impl HookEvent {
    /// The event name as the CLI spells it.
    pub fn as_str(&self) -> &str {
        match self {
            Self::PreToolUse => "PreToolUse",
            Self::PostToolUse => "PostToolUse",
            Self::PostToolUseFailure => "PostToolUseFailure",
            Self::UserPromptSubmit => "UserPromptSubmit",
            Self::Stop => "Stop",
            Self::SubagentStart => "SubagentStart",
            Self::SubagentStop => "SubagentStop",
            Self::PreCompact => "PreCompact",
            Self::Notification => "Notification",
            Self::PermissionRequest => "PermissionRequest",
            Self::SessionStart => "SessionStart",
            Self::SessionEnd => "SessionEnd",
            Self::Other(name) => name,
        }
    }

    /// The event of a name; unknown names become [`HookEvent::Other`].
    pub fn from_name(name: &str) -> Self {
        match name {
            "PreToolUse" => Self::PreToolUse,
            "PostToolUse" => Self::PostToolUse,
            "PostToolUseFailure" => Self::PostToolUseFailure,
            "UserPromptSubmit" => Self::UserPromptSubmit,
            "Stop" => Self::Stop,
            "SubagentStart" => Self::SubagentStart,
            "SubagentStop" => Self::SubagentStop,
            "PreCompact" => Self::PreCompact,
            "Notification" => Self::Notification,
            "PermissionRequest" => Self::PermissionRequest,
            "SessionStart" => Self::SessionStart,
            "SessionEnd" => Self::SessionEnd,
            other => Self::Other(other.to_string()),
        }
    }
}

impl FromStr for HookEvent {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self::from_name(s))
    }
}

impl fmt::Display for HookEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Extra information passed to a hook callback (reserved for cancellation support).
#[derive(Debug, Clone, Default)]
pub struct HookContext {}

/// What the CLI does when a hook callback fails (errors, or returns output the CLI rejects).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HookFailureMode {
    /// Count the failure as "no decision" (the CLI's default).
    Continue,
    /// Block the action.
    Block,
}

impl HookFailureMode {
    fn as_str(self) -> &'static str {
        match self {
            Self::Continue => "continue",
            Self::Block => "block",
        }
    }
}

/// Hook callbacks for one event, filtered by a tool-name matcher.
#[derive(Clone, Default)]
pub struct HookMatcher {
    /// Tool name pattern (`"Bash"`, `"Write|Edit"`); `None` matches everything.
    pub matcher: Option<String>,
    /// Callbacks run in order.
    pub hooks: Vec<HookCallback>,
    /// Per-callback timeout the CLI enforces (sent in seconds); the CLI cancels a callback that
    /// outlives it.
    pub timeout: Option<Duration>,
    /// What a failing callback means (`onFailure`); `None` leaves the CLI's default.
    pub on_failure: Option<HookFailureMode>,
}

impl HookMatcher {
    /// A matcher for tool names matching `matcher`, or everything with `None`.
    pub fn new(matcher: Option<&str>) -> Self {
        Self {
            matcher: matcher.map(str::to_string),
            ..Self::default()
        }
    }

    /// Adds a callback.
    pub fn hook(mut self, callback: HookCallback) -> Self {
        self.hooks.push(callback);
        self
    }

    /// Sets the timeout of each callback.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sets what a failing callback means.
    pub fn on_failure(mut self, mode: HookFailureMode) -> Self {
        self.on_failure = Some(mode);
        self
    }
}

impl fmt::Debug for HookMatcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HookMatcher")
            .field("matcher", &self.matcher)
            .field("hooks", &self.hooks.len())
            .field("timeout", &self.timeout)
            .field("on_failure", &self.on_failure)
            .finish()
    }
}

/// The hooks of one session: callback ids and the `hooks` field of the `initialize` request.
#[derive(Clone, Default)]
pub struct HookRegistry {
    callbacks: HashMap<String, HookCallback>,
    config: Map<String, Value>,
}

impl HookRegistry {
    /// Assigns ids `hook_0`, `hook_1`, ... in order event → matcher → callback. An event listed
    /// twice has its matchers merged; an event without matchers is left out.
    pub fn new(hooks: &[(String, Vec<HookMatcher>)]) -> Self {
        let mut registry = Self::default();
        for (event, matchers) in hooks.iter().filter(|(_, m)| !m.is_empty()) {
            for matcher in matchers {
                let entry = registry.register(matcher);
                let list = registry
                    .config
                    .entry(event.clone())
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(items) = list {
                    items.push(entry);
                }
            }
        }
        registry
    }

    fn register(&mut self, matcher: &HookMatcher) -> Value {
        let ids: Vec<Value> = matcher
            .hooks
            .iter()
            .map(|callback| {
                let id = format!("hook_{}", self.callbacks.len());
                self.callbacks.insert(id.clone(), callback.clone());
                Value::String(id)
            })
            .collect();
        let mut entry = json!({"matcher": matcher.matcher, "hookCallbackIds": ids});
        if let Some(timeout) = matcher.timeout {
            entry["timeout"] = seconds(timeout);
        }
        if let Some(mode) = matcher.on_failure {
            entry["onFailure"] = mode.as_str().into();
        }
        entry
    }

    /// The `hooks` field of the `initialize` request: `{Event: [{matcher, hookCallbackIds,
    /// timeout?, onFailure?}]}`, or `null` when there are no hooks.
    pub fn initialize_hooks(&self) -> Value {
        if self.config.is_empty() {
            Value::Null
        } else {
            Value::Object(self.config.clone())
        }
    }

    /// The callback registered under `callback_id`.
    pub fn get(&self, callback_id: &str) -> Option<HookCallback> {
        self.callbacks.get(callback_id).cloned()
    }

    /// True when no callback is registered.
    pub fn is_empty(&self) -> bool {
        self.callbacks.is_empty()
    }

    /// Number of registered callbacks.
    pub fn len(&self) -> usize {
        self.callbacks.len()
    }

    /// Answers a `hook_callback` request body (`{callback_id, input, tool_use_id}`): runs the
    /// callback (a panic becomes an error) and returns the response body for the CLI.
    pub async fn call(&self, request: &Map<String, Value>) -> Result<Value, CallbackError> {
        self.call_owned(request.clone()).await
    }

    /// [`HookRegistry::call`] of a request the caller gives away.
    pub(crate) async fn call_owned(
        &self,
        mut request: Map<String, Value>,
    ) -> Result<Value, CallbackError> {
        let input = request.remove("input").unwrap_or_else(|| json!({}));
        let id = request
            .get("callback_id")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let callback = self
            .get(id)
            .ok_or_else(|| format!("No hook callback found for ID: {id}"))?;
        let tool_use_id = request
            .get("tool_use_id")
            .and_then(Value::as_str)
            .map(str::to_string);
        let call = crate::callback::guarded(
            HookLabel(id),
            callback(
                HookInput::from_value(input),
                tool_use_id,
                HookContext::default(),
            ),
        );
        // The matcher's `timeout` is the CLI's to keep, as in the official SDKs: an answer of
        // ours at that moment would be an error, which the CLI takes as an empty answer, and
        // a `PreToolUse` hook's tool would then run; the CLI's own timeout stops it instead
        // (and cancels the callback).
        Ok(call.await?.to_value())
    }
}

/// "hook callback <id>", written only when a panic is reported.
struct HookLabel<'a>(&'a str);

impl fmt::Display for HookLabel<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "hook callback {}", self.0)
    }
}

impl fmt::Debug for HookRegistry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HookRegistry")
            .field("config", &self.config)
            .finish()
    }
}

/// A duration in seconds as the official SDKs send it: an integer when whole.
fn seconds(d: Duration) -> Value {
    if d.subsec_nanos() == 0 {
        Value::from(d.as_secs())
    } else {
        Value::from(d.as_secs_f64())
    }
}
