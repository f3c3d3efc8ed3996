//! The smaller top-level message types: stream events, rate limits, tool progress, ...

use serde_json::{Number, Value};

use super::wire::wire_struct;

wire_struct! {
    /// A `type: "stream_event"` message (with `--include-partial-messages`): one raw SSE event
    /// of the Messages API (`message_start`, `content_block_delta`, ...).
    pub struct StreamEvent {
        /// The raw event object.
        req event: Value = "event",
        /// Set inside a subagent.
        opt parent_tool_use_id: String = "parent_tool_use_id",
        /// Session id.
        opt session_id: String = "session_id",
        /// Id of this message.
        opt uuid: String = "uuid",
    }
}

impl StreamEvent {
    /// The event's `type` (`message_start`, `content_block_delta`, ...).
    pub fn event_type(&self) -> Option<&str> {
        self.event.get("type").and_then(Value::as_str)
    }
}

wire_struct! {
    /// A `type: "rate_limit_event"` message: the subscription rate-limit state changed.
    pub struct RateLimitEvent {
        /// The new state.
        req rate_limit_info: RateLimitInfo = "rate_limit_info",
        /// Session id.
        opt session_id: String = "session_id",
        /// Id of this message.
        opt uuid: String = "uuid",
    }
}

wire_struct! {
    /// Rate-limit state of a claude.ai subscription.
    pub struct RateLimitInfo {
        /// `allowed`, `allowed_warning` or `rejected`.
        req status: String = "status",
        /// Unix time when the window resets (`resetsAt`).
        opt resets_at: i64 = "resetsAt",
        /// Which window applies (`five_hour`, `seven_day`, ...) (`rateLimitType`).
        opt rate_limit_type: String = "rateLimitType",
        /// Fraction of the limit used, 0 to 1.
        opt utilization: Number = "utilization",
        /// Overage state (`overageStatus`).
        opt overage_status: String = "overageStatus",
        /// Unix time when the overage window resets (`overageResetsAt`).
        opt overage_resets_at: i64 = "overageResetsAt",
        /// Why overage is unavailable (`overageDisabledReason`).
        opt overage_disabled_reason: String = "overageDisabledReason",
    }
}

wire_struct! {
    /// A `type: "tool_progress"` message: a tool is still running.
    pub struct ToolProgress {
        /// Tool-use id.
        req tool_use_id: String = "tool_use_id",
        /// Tool name.
        req tool_name: String = "tool_name",
        /// Set inside a subagent.
        opt parent_tool_use_id: String = "parent_tool_use_id",
        /// Seconds since the tool started.
        opt elapsed_time_seconds: Number = "elapsed_time_seconds",
        /// Background task id, if any.
        opt task_id: String = "task_id",
        /// Session id.
        opt session_id: String = "session_id",
        /// Id of this message.
        opt uuid: String = "uuid",
    }
}

wire_struct! {
    /// A `type: "auth_status"` message: progress of an authentication flow.
    pub struct AuthStatus {
        /// Whether authentication is in progress (`isAuthenticating`).
        opt is_authenticating: bool = "isAuthenticating",
        /// Output lines of the flow.
        opt output: Vec<String> = "output",
        /// Error text.
        opt error: String = "error",
        /// Session id.
        opt session_id: String = "session_id",
        /// Id of this message.
        opt uuid: String = "uuid",
    }
}

wire_struct! {
    /// A `type: "tool_use_summary"` message: a short summary of preceding tool calls.
    pub struct ToolUseSummary {
        /// The summary.
        req summary: String = "summary",
        /// The tool uses summarised.
        opt preceding_tool_use_ids: Vec<String> = "preceding_tool_use_ids",
        /// Session id.
        opt session_id: String = "session_id",
        /// Id of this message.
        opt uuid: String = "uuid",
    }
}

wire_struct! {
    /// A `type: "prompt_suggestion"` message: a predicted next prompt.
    pub struct PromptSuggestion {
        /// The suggested prompt.
        req suggestion: String = "suggestion",
        /// Session id.
        opt session_id: String = "session_id",
        /// Id of this message.
        opt uuid: String = "uuid",
    }
}

wire_struct! {
    /// A `type: "conversation_reset"` message: the conversation was replaced (`/clear`, ...);
    /// running totals on later results restart from zero.
    pub struct ConversationReset {
        /// Id of the fresh conversation (not the next `session_id`).
        req new_conversation_id: String = "new_conversation_id",
        /// What caused it (`clear`, `plan_mode_exit`, ...).
        opt trigger: String = "trigger",
        /// The user message whose `/clear` ran.
        opt user_message_uuid: String = "user_message_uuid",
        /// ISO timestamp.
        opt timestamp: String = "timestamp",
        /// Session id of the session that was reset.
        opt session_id: String = "session_id",
        /// Id of this message.
        opt uuid: String = "uuid",
    }
}

wire_struct! {
    /// A `type: "keep_alive"` heartbeat; it has no payload (anything sent is in `extra`).
    pub struct KeepAlive {}
}

wire_struct! {
    /// A `type: "active_goal"` message: the session goal changed (`value` absent or in `extra`
    /// as `null` when the goal was cleared).
    pub struct ActiveGoal {
        /// The goal (`condition`, `iterations`, ...).
        opt value: Value = "value",
        /// Session id.
        opt session_id: String = "session_id",
        /// Id of this message.
        opt uuid: String = "uuid",
    }
}
