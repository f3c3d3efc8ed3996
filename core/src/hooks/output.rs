//! Typed hook output and its translation to and from the CLI's JSON.

use super::HookEvent;
use crate::permission::typed_exact;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::time::Duration;

/// The top-level `decision` of a hook output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HookDecision {
    /// `approve` (deprecated for `PreToolUse`; use [`PermissionDecision`]).
    Approve,
    /// `block`: stop the action; `reason` tells the model why.
    Block,
    /// Any other value, sent as is.
    Other(String),
}

impl HookDecision {
    /// The value as the CLI spells it.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Approve => "approve",
            Self::Block => "block",
            Self::Other(s) => s,
        }
    }

    fn from_name(s: &str) -> Self {
        match s {
            "approve" => Self::Approve,
            "block" => Self::Block,
            other => Self::Other(other.to_string()),
        }
    }
}

/// The `permissionDecision` of a `PreToolUse` hook.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PermissionDecision {
    /// Run the tool without asking.
    Allow,
    /// Refuse the tool call.
    Deny,
    /// Ask (the permission callback or the user).
    Ask,
    /// Leave the decision to the next step.
    Defer,
}

/// Event-specific output (`hookSpecificOutput`), tagged by `hookEventName` on the wire.
///
/// A value with fields this version does not know is kept verbatim as
/// [`HookSpecificOutput::Other`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "hookEventName", rename_all_fields = "camelCase")]
pub enum HookSpecificOutput {
    /// `PreToolUse`: decide on the tool call, rewrite its input, add context.
    PreToolUse {
        /// allow / deny / ask / defer.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        permission_decision: Option<PermissionDecision>,
        /// Why (shown to the model on deny, to the user on ask).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        permission_decision_reason: Option<String>,
        /// Replacement tool input.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        updated_input: Option<Value>,
        /// Extra context for the model.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        additional_context: Option<String>,
    },
    /// `PostToolUse`: add context, replace the tool output.
    PostToolUse {
        /// Extra context for the model.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        additional_context: Option<String>,
        /// Replacement output for any tool.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        updated_tool_output: Option<Value>,
        /// Replacement output for MCP tools.
        #[serde(
            rename = "updatedMCPToolOutput",
            default,
            skip_serializing_if = "Option::is_none"
        )]
        updated_mcp_tool_output: Option<Value>,
    },
    /// `PostToolUseFailure`.
    PostToolUseFailure {
        /// Extra context for the model.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        additional_context: Option<String>,
    },
    /// `UserPromptSubmit`.
    UserPromptSubmit {
        /// Extra context for the model.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        additional_context: Option<String>,
    },
    /// `SessionStart`.
    SessionStart {
        /// Extra context for the model.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        additional_context: Option<String>,
    },
    /// `SubagentStart`.
    SubagentStart {
        /// Extra context for the sub-agent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        additional_context: Option<String>,
    },
    /// `Notification`.
    Notification {
        /// Extra context for the model.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        additional_context: Option<String>,
    },
    /// `Stop`.
    Stop {
        /// Feedback for the model; the conversation goes on so it can act on it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        additional_context: Option<String>,
    },
    /// `SubagentStop`.
    SubagentStop {
        /// Feedback for the sub-agent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        additional_context: Option<String>,
    },
    /// `PermissionRequest`: the decision object (`{"behavior":"allow"|"deny", ...}`).
    PermissionRequest {
        /// The decision, in wire shape.
        decision: Value,
    },
    /// Any other shape, sent as is.
    #[serde(untagged)]
    Other(Value),
}

impl HookSpecificOutput {
    /// Reads event-specific output from its wire JSON; never fails (unknown shapes are kept as
    /// `Other`).
    pub fn from_value(value: Value) -> Self {
        typed_exact::<Self>(&value).unwrap_or(Self::Other(value))
    }

    /// The wire JSON.
    pub fn to_value(&self) -> Value {
        match self {
            Self::Other(v) => v.clone(),
            known => serde_json::to_value(known).unwrap_or(Value::Null),
        }
    }

    /// `additionalContext` for `event`, in that event's output shape.
    pub fn additional_context(event: &HookEvent, context: impl Into<String>) -> Self {
        let additional_context = Some(context.into());
        match event {
            HookEvent::PreToolUse => Self::PreToolUse {
                permission_decision: None,
                permission_decision_reason: None,
                updated_input: None,
                additional_context,
            },
            HookEvent::PostToolUse => Self::PostToolUse {
                additional_context,
                updated_tool_output: None,
                updated_mcp_tool_output: None,
            },
            HookEvent::PostToolUseFailure => Self::PostToolUseFailure { additional_context },
            HookEvent::UserPromptSubmit => Self::UserPromptSubmit { additional_context },
            HookEvent::SessionStart => Self::SessionStart { additional_context },
            HookEvent::SubagentStart => Self::SubagentStart { additional_context },
            HookEvent::Notification => Self::Notification { additional_context },
            HookEvent::Stop => Self::Stop { additional_context },
            HookEvent::SubagentStop => Self::SubagentStop { additional_context },
            other => Self::Other(serde_json::json!({
                "hookEventName": other.as_str(),
                "additionalContext": additional_context,
            })),
        }
    }
}

/// The output of a hook callback.
///
/// [`HookOutput::to_value`] gives the CLI's JSON; [`HookOutput::from_value`] reads what user code
/// returned (wire spelling or the Python SDK's `continue_` / `async_`). Unknown fields are kept in
/// `extra` and sent as they are.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HookOutput {
    /// `continue`: `Some(false)` stops the agent after the hook.
    pub continue_: Option<bool>,
    /// `suppressOutput`: hide the hook's output from the transcript.
    pub suppress_output: Option<bool>,
    /// `stopReason`: shown when `continue` is false.
    pub stop_reason: Option<String>,
    /// `decision`.
    pub decision: Option<HookDecision>,
    /// `systemMessage`: a message shown to the user.
    pub system_message: Option<String>,
    /// `reason`: feedback for the model about the decision.
    pub reason: Option<String>,
    /// `hookSpecificOutput`.
    pub hook_specific_output: Option<HookSpecificOutput>,
    /// `async`: the hook goes on in the background; the CLI does not wait for it.
    pub async_: bool,
    /// `asyncTimeout` (milliseconds on the wire) for an async hook.
    pub async_timeout: Option<Duration>,
    /// Fields this version does not know, sent as they are.
    pub extra: Map<String, Value>,
    /// The answer to send instead of the fields above, as it is: the TypeScript SDK forwards
    /// a hook's `null` or `undefined`, which the CLI reports as a failed hook and treats as
    /// empty.
    pub verbatim: Option<Value>,
}

impl HookOutput {
    /// An empty output: no opinion, the CLI goes on.
    pub fn new() -> Self {
        Self::default()
    }

    /// An async output (`{"async": true, "asyncTimeout": ms}`).
    pub fn async_output(timeout: Option<Duration>) -> Self {
        Self {
            async_: true,
            async_timeout: timeout,
            ..Self::default()
        }
    }

    /// A `PreToolUse` decision on the tool call.
    pub fn permission(decision: PermissionDecision, reason: impl Into<String>) -> Self {
        Self::new().specific(HookSpecificOutput::PreToolUse {
            permission_decision: Some(decision),
            permission_decision_reason: Some(reason.into()),
            updated_input: None,
            additional_context: None,
        })
    }

    /// Stops the agent (`continue: false`) with a reason shown to the user.
    pub fn stop(mut self, reason: impl Into<String>) -> Self {
        self.continue_ = Some(false);
        self.stop_reason = Some(reason.into());
        self
    }

    /// Blocks the action (`decision: "block"`) with a reason for the model.
    pub fn block(mut self, reason: impl Into<String>) -> Self {
        self.decision = Some(HookDecision::Block);
        self.reason = Some(reason.into());
        self
    }

    /// Sets `systemMessage`.
    pub fn system_message(mut self, message: impl Into<String>) -> Self {
        self.system_message = Some(message.into());
        self
    }

    /// Sets `suppressOutput`.
    pub fn suppress_output(mut self) -> Self {
        self.suppress_output = Some(true);
        self
    }

    /// Sets `hookSpecificOutput`.
    pub fn specific(mut self, output: HookSpecificOutput) -> Self {
        self.hook_specific_output = Some(output);
        self
    }

    /// The JSON the CLI expects (`continue`, `suppressOutput`, `stopReason`, `decision`,
    /// `systemMessage`, `reason`, `hookSpecificOutput`, `async`, `asyncTimeout`, then `extra`).
    pub fn to_value(&self) -> Value {
        if let Some(answer) = &self.verbatim {
            return answer.clone();
        }
        let mut out = Map::new();
        let mut put = |key: &str, value: Option<Value>| {
            if let Some(v) = value {
                out.insert(key.to_string(), v);
            }
        };
        put("continue", self.continue_.map(Value::Bool));
        put("suppressOutput", self.suppress_output.map(Value::Bool));
        put("stopReason", self.stop_reason.clone().map(Value::String));
        put(
            "decision",
            self.decision.as_ref().map(|d| d.as_str().into()),
        );
        put(
            "systemMessage",
            self.system_message.clone().map(Value::String),
        );
        put("reason", self.reason.clone().map(Value::String));
        put(
            "hookSpecificOutput",
            self.hook_specific_output
                .as_ref()
                .map(HookSpecificOutput::to_value),
        );
        put("async", self.async_.then_some(Value::Bool(true)));
        put(
            "asyncTimeout",
            self.async_timeout
                .map(|d| Value::from(d.as_millis() as u64)),
        );
        for (key, value) in &self.extra {
            out.entry(key.clone()).or_insert_with(|| value.clone());
        }
        Value::Object(out)
    }

    /// Reads the output user code returned: the wire spelling or the Python SDK spelling
    /// (`continue_`, `async_`). `null` is an empty output; a known field set to `null` is
    /// treated as absent; unknown fields are kept. Fails when the value is not an object or a
    /// known field has the wrong type.
    pub fn from_value(value: Value) -> Result<Self> {
        let map = match value {
            Value::Null => return Ok(Self::default()),
            Value::Object(map) => map,
            other => return Err(bad_output("a hook must return an object", &other)),
        };
        let mut out = Self::default();
        for (key, v) in map {
            if v.is_null() && is_known(&key) {
                continue;
            }
            out.set_field(key, v)?;
        }
        Ok(out)
    }

    fn set_field(&mut self, key: String, v: Value) -> Result<()> {
        match key.as_str() {
            "continue" | "continue_" => self.continue_ = Some(as_bool(&key, &v)?),
            "suppressOutput" => self.suppress_output = Some(as_bool(&key, &v)?),
            "async" | "async_" => self.async_ = as_bool(&key, &v)?,
            "asyncTimeout" => self.async_timeout = Some(as_millis(&key, &v)?),
            "stopReason" => self.stop_reason = Some(as_string(&key, &v)?),
            "decision" => self.decision = Some(HookDecision::from_name(&as_string(&key, &v)?)),
            "systemMessage" => self.system_message = Some(as_string(&key, &v)?),
            "reason" => self.reason = Some(as_string(&key, &v)?),
            "hookSpecificOutput" => {
                if !v.is_object() {
                    return Err(bad_output("`hookSpecificOutput` must be an object", &v));
                }
                self.hook_specific_output = Some(HookSpecificOutput::from_value(v));
            }
            _ => {
                self.extra.insert(key, v);
            }
        }
        Ok(())
    }
}

const KNOWN_FIELDS: &[&str] = &[
    "continue",
    "continue_",
    "suppressOutput",
    "async",
    "async_",
    "asyncTimeout",
    "stopReason",
    "decision",
    "systemMessage",
    "reason",
    "hookSpecificOutput",
];

fn is_known(key: &str) -> bool {
    KNOWN_FIELDS.contains(&key)
}

fn as_bool(key: &str, v: &Value) -> Result<bool> {
    v.as_bool()
        .ok_or_else(|| bad_output(&format!("`{key}` must be a boolean"), v))
}

fn as_string(key: &str, v: &Value) -> Result<String> {
    v.as_str()
        .map(str::to_string)
        .ok_or_else(|| bad_output(&format!("`{key}` must be a string"), v))
}

fn as_millis(key: &str, v: &Value) -> Result<Duration> {
    v.as_f64()
        .filter(|ms| ms.is_finite() && *ms >= 0.0)
        .map(|ms| Duration::from_secs_f64(ms / 1000.0))
        .ok_or_else(|| {
            bad_output(
                &format!("`{key}` must be a non-negative number of milliseconds"),
                v,
            )
        })
}

fn bad_output(why: &str, value: &Value) -> Error {
    Error::MessageParse {
        kind: "hook output".into(),
        message: why.into(),
        raw: value.clone(),
    }
}
