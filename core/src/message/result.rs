//! The `result` message that ends every turn.

use serde_json::{Number, Value};

use super::wire::{wire_struct, Object};

wire_struct! {
    /// A `type: "result"` message: the end of a turn, with cost, usage and the final text.
    pub struct ResultMessage {
        /// `success`, `error_during_execution`, `error_max_turns`, `error_max_budget_usd`,
        /// `error_max_structured_output_retries`, ... (an API error ends with `success` and
        /// `is_error: true`).
        req subtype: String = "subtype",
        /// Whether the turn failed.
        req is_error: bool = "is_error",
        /// Wall time of the turn in milliseconds.
        req duration_ms: u64 = "duration_ms",
        /// Time spent waiting for the API, in milliseconds.
        req duration_api_ms: u64 = "duration_api_ms",
        /// Model round trips in this turn.
        req num_turns: u64 = "num_turns",
        /// Session id.
        req session_id: String = "session_id",
        /// Final assistant text (or the error text).
        opt result: String = "result",
        /// Estimated cost in USD so far (a JSON number kept as sent: `0` or `0.0028`).
        opt total_cost_usd: Number = "total_cost_usd",
        /// Token usage of the main loop.
        opt usage: Value = "usage",
        /// Per-model usage and cost (`modelUsage`), keyed by model name.
        opt model_usage: Object = "modelUsage",
        /// Tool calls that were denied.
        opt permission_denials: Vec<PermissionDenial> = "permission_denials",
        /// The validated output when a JSON schema was requested.
        opt structured_output: Value = "structured_output",
        /// Error texts of error subtypes.
        opt errors: Vec<String> = "errors",
        /// The last stop reason of the model.
        opt stop_reason: String = "stop_reason",
        /// Why the loop ended (`completed`, `max_turns`, `api_error`, `aborted_streaming`, ...).
        opt terminal_reason: String = "terminal_reason",
        /// Id of this message.
        opt uuid: String = "uuid",
        /// HTTP status of the failed API call when the turn ended on an API error.
        opt api_error_status: i64 = "api_error_status",
        /// A tool call a `PreToolUse` hook deferred.
        opt deferred_tool_use: DeferredToolUse = "deferred_tool_use",
        /// Origin of the message that started the turn.
        opt origin: Value = "origin",
        /// `uuid` of the user message that started the turn.
        opt user_message_uuid: String = "user_message_uuid",
        /// `uuid`s of all user messages this turn took in.
        opt user_message_uuids: Vec<String> = "user_message_uuids",
    }
}

impl ResultMessage {
    /// `total_cost_usd` as a float.
    pub fn cost_usd(&self) -> Option<f64> {
        self.total_cost_usd.as_ref().and_then(Number::as_f64)
    }
}

wire_struct! {
    /// A denied tool call listed in a result.
    pub struct PermissionDenial {
        /// Tool name.
        req tool_name: String = "tool_name",
        /// Tool-use id.
        req tool_use_id: String = "tool_use_id",
        /// The input the tool was called with.
        opt tool_input: Value = "tool_input",
    }
}

wire_struct! {
    /// A tool call deferred by a `PreToolUse` hook answering `defer`.
    pub struct DeferredToolUse {
        /// Tool-use id.
        req id: String = "id",
        /// Tool name.
        req name: String = "name",
        /// Tool input.
        opt input: Value = "input",
    }
}
