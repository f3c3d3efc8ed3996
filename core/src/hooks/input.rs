//! Typed view of the input the CLI sends with a hook call; the raw JSON is always kept.

use super::HookEvent;
use crate::permission::PermissionUpdate;
use serde_json::{Map, Value};

/// The input of a hook call, as sent by the CLI.
///
/// The common fields and the fields of the known events are parsed leniently (a missing string
/// is empty); [`HookInput::raw`] holds the JSON exactly as received, which bindings hand to user
/// code.
#[derive(Debug, Clone, PartialEq)]
pub struct HookInput {
    /// The event (`hook_event_name`).
    pub hook_event_name: HookEvent,
    /// Session id.
    pub session_id: String,
    /// Path of the session transcript.
    pub transcript_path: String,
    /// Working directory of the session.
    pub cwd: String,
    /// Permission mode in effect, when sent.
    pub permission_mode: Option<String>,
    /// The sub-agent the hook fires in, when not the main agent.
    pub agent_id: Option<String>,
    /// The agent type (`general-purpose`, ...), when sent.
    pub agent_type: Option<String>,
    /// The event-specific fields.
    pub data: HookEventData,
    /// The raw JSON input.
    pub raw: Value,
}

/// The event-specific fields of a [`HookInput`].
#[derive(Debug, Clone, PartialEq)]
pub enum HookEventData {
    /// `PreToolUse`.
    PreToolUse {
        /// Tool name.
        tool_name: String,
        /// Tool input.
        tool_input: Value,
        /// Tool call id.
        tool_use_id: Option<String>,
    },
    /// `PostToolUse`.
    PostToolUse {
        /// Tool name.
        tool_name: String,
        /// Tool input.
        tool_input: Value,
        /// What the tool returned.
        tool_response: Value,
        /// Tool call id.
        tool_use_id: Option<String>,
    },
    /// `PostToolUseFailure`.
    PostToolUseFailure {
        /// Tool name.
        tool_name: String,
        /// Tool input.
        tool_input: Value,
        /// Tool call id.
        tool_use_id: Option<String>,
        /// The error text.
        error: String,
        /// Whether the failure was an interrupt.
        is_interrupt: Option<bool>,
    },
    /// `UserPromptSubmit`.
    UserPromptSubmit {
        /// The prompt text.
        prompt: String,
    },
    /// `Stop`.
    Stop {
        /// True when the agent already continued because of a stop hook.
        stop_hook_active: bool,
        /// Text of the last assistant message, when sent.
        last_assistant_message: Option<String>,
    },
    /// `SubagentStart`.
    SubagentStart {
        /// Sub-agent id.
        agent_id: String,
        /// Sub-agent type.
        agent_type: String,
    },
    /// `SubagentStop`.
    SubagentStop {
        /// True when the sub-agent already continued because of a stop hook.
        stop_hook_active: bool,
        /// Sub-agent id.
        agent_id: String,
        /// Sub-agent type.
        agent_type: String,
        /// Path of the sub-agent's transcript.
        agent_transcript_path: String,
    },
    /// `PreCompact`.
    PreCompact {
        /// `manual` or `auto`.
        trigger: String,
        /// Instructions given to `/compact`.
        custom_instructions: Option<String>,
    },
    /// `Notification`.
    Notification {
        /// Notification text.
        message: String,
        /// Title, when sent.
        title: Option<String>,
        /// Kind of notification, when sent.
        notification_type: Option<String>,
    },
    /// `PermissionRequest`.
    PermissionRequest {
        /// Tool name.
        tool_name: String,
        /// Tool input.
        tool_input: Value,
        /// Suggested permission updates.
        permission_suggestions: Vec<PermissionUpdate>,
    },
    /// `SessionStart`.
    SessionStart {
        /// `startup`, `resume`, `clear`, `compact`, ...
        source: String,
    },
    /// `SessionEnd`.
    SessionEnd {
        /// `clear`, `logout`, `prompt_input_exit`, `other`, ...
        reason: String,
    },
    /// Any other event: see [`HookInput::raw`].
    Other,
}

/// Lenient field access on the input object.
struct Fields<'a>(&'a Map<String, Value>);

impl Fields<'_> {
    fn opt(&self, key: &str) -> Option<String> {
        self.0.get(key).and_then(Value::as_str).map(str::to_string)
    }

    fn text(&self, key: &str) -> String {
        self.opt(key).unwrap_or_default()
    }

    fn value(&self, key: &str) -> Value {
        self.0.get(key).cloned().unwrap_or(Value::Null)
    }

    fn flag(&self, key: &str) -> bool {
        self.0.get(key).and_then(Value::as_bool).unwrap_or(false)
    }
}

impl HookInput {
    /// Reads a hook input; never fails (an unknown event or a non-object gives
    /// [`HookEventData::Other`], the raw JSON is always kept).
    pub fn from_value(raw: Value) -> Self {
        let empty = Map::new();
        let f = Fields(raw.as_object().unwrap_or(&empty));
        let hook_event_name = HookEvent::from_name(&f.text("hook_event_name"));
        let data = event_data(&hook_event_name, &f);
        Self {
            session_id: f.text("session_id"),
            transcript_path: f.text("transcript_path"),
            cwd: f.text("cwd"),
            permission_mode: f.opt("permission_mode"),
            agent_id: f.opt("agent_id"),
            agent_type: f.opt("agent_type"),
            hook_event_name,
            data,
            raw,
        }
    }

    /// The raw JSON input, exactly as the CLI sent it.
    pub fn raw(&self) -> &Value {
        &self.raw
    }

    /// The tool name, for tool events.
    pub fn tool_name(&self) -> Option<&str> {
        match &self.data {
            HookEventData::PreToolUse { tool_name, .. }
            | HookEventData::PostToolUse { tool_name, .. }
            | HookEventData::PostToolUseFailure { tool_name, .. }
            | HookEventData::PermissionRequest { tool_name, .. } => Some(tool_name),
            _ => None,
        }
    }

    /// The tool input, for tool events.
    pub fn tool_input(&self) -> Option<&Value> {
        match &self.data {
            HookEventData::PreToolUse { tool_input, .. }
            | HookEventData::PostToolUse { tool_input, .. }
            | HookEventData::PostToolUseFailure { tool_input, .. }
            | HookEventData::PermissionRequest { tool_input, .. } => Some(tool_input),
            _ => None,
        }
    }
}

fn event_data(event: &HookEvent, f: &Fields<'_>) -> HookEventData {
    use HookEventData as D;
    match event {
        HookEvent::PreToolUse => D::PreToolUse {
            tool_name: f.text("tool_name"),
            tool_input: f.value("tool_input"),
            tool_use_id: f.opt("tool_use_id"),
        },
        HookEvent::PostToolUse => D::PostToolUse {
            tool_name: f.text("tool_name"),
            tool_input: f.value("tool_input"),
            tool_response: f.value("tool_response"),
            tool_use_id: f.opt("tool_use_id"),
        },
        HookEvent::PostToolUseFailure => D::PostToolUseFailure {
            tool_name: f.text("tool_name"),
            tool_input: f.value("tool_input"),
            tool_use_id: f.opt("tool_use_id"),
            error: f.text("error"),
            is_interrupt: f.0.get("is_interrupt").and_then(Value::as_bool),
        },
        HookEvent::UserPromptSubmit => D::UserPromptSubmit {
            prompt: f.text("prompt"),
        },
        HookEvent::Stop => D::Stop {
            stop_hook_active: f.flag("stop_hook_active"),
            last_assistant_message: f.opt("last_assistant_message"),
        },
        HookEvent::SubagentStart => D::SubagentStart {
            agent_id: f.text("agent_id"),
            agent_type: f.text("agent_type"),
        },
        HookEvent::SubagentStop => D::SubagentStop {
            stop_hook_active: f.flag("stop_hook_active"),
            agent_id: f.text("agent_id"),
            agent_type: f.text("agent_type"),
            agent_transcript_path: f.text("agent_transcript_path"),
        },
        HookEvent::PreCompact => D::PreCompact {
            trigger: f.text("trigger"),
            custom_instructions: f.opt("custom_instructions"),
        },
        HookEvent::Notification => D::Notification {
            message: f.text("message"),
            title: f.opt("title"),
            notification_type: f.opt("notification_type"),
        },
        HookEvent::PermissionRequest => D::PermissionRequest {
            tool_name: f.text("tool_name"),
            tool_input: f.value("tool_input"),
            permission_suggestions: match f.0.get("permission_suggestions") {
                Some(Value::Array(items)) => items
                    .iter()
                    .cloned()
                    .map(PermissionUpdate::from_value)
                    .collect(),
                _ => Vec::new(),
            },
        },
        HookEvent::SessionStart => D::SessionStart {
            source: f.text("source"),
        },
        HookEvent::SessionEnd => D::SessionEnd {
            reason: f.text("reason"),
        },
        HookEvent::Other(_) => D::Other,
    }
}
