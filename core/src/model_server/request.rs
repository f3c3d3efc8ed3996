//! Recorded requests and their classification into main and side requests.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::time::Duration;

/// What a request is for, as far as the server can tell.
///
/// The CLI sends its conversation turns ("main" requests) and, depending on options, extra
/// requests of its own ("side" requests: prompt suggestions, compaction summaries, probes). Side
/// requests never consume unconditional script replies; they get a reply whose `when` matcher
/// accepts them, or else a default: resends get the error again; other side requests get the
/// script's side reply, or an empty text for prompt suggestions (the CLI then suggests nothing)
/// and the text `[model-server: side request]` for the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RequestKind {
    /// A conversation turn: consumes the script in order.
    Main,
    /// A "predict the next user prompt" request (option `promptSuggestions`).
    PromptSuggestion,
    /// A conversation summary request (`/compact`, auto-compaction).
    Compact,
    /// A tiny request (`max_tokens` ≤ 16) such as a model or quota probe.
    Probe,
    /// The same conversation sent again after a client error (a 4xx other than 408, 409 and
    /// 429). The CLI does this after a 400, up to five times, each time without some beta
    /// headers or features. Answered with the same error unless a `when` reply accepts it, so
    /// a scripted 400 reaches the agent as one error.
    Resend,
    /// `POST /v1/messages/count_tokens`, answered with `{"input_tokens": …}`.
    CountTokens,
    /// Any other method or path, answered with an Anthropic `not_found_error` (HEAD gets 200).
    Other,
}

impl RequestKind {
    /// True for everything but [`RequestKind::Main`].
    pub fn is_side(self) -> bool {
        self != RequestKind::Main
    }

    /// The snake_case name used in JSON (`main`, `prompt_suggestion`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            RequestKind::Main => "main",
            RequestKind::PromptSuggestion => "prompt_suggestion",
            RequestKind::Compact => "compact",
            RequestKind::Probe => "probe",
            RequestKind::Resend => "resend",
            RequestKind::CountTokens => "count_tokens",
            RequestKind::Other => "other",
        }
    }
}

/// How the answer to a recorded request went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponseOutcome {
    /// Still being answered (in a delay or streaming).
    Pending,
    /// The whole answer was handed to the connection.
    Completed,
    /// The client went away before the answer was complete (e.g. an interrupt).
    Disconnected,
}

/// One HTTP request the server received, with accessors for the usual assertions.
#[derive(Debug, Clone, Serialize)]
pub struct RecordedRequest {
    /// Position among all requests received (0-based).
    pub index: usize,
    /// HTTP method (`POST`, `HEAD`, …).
    pub method: String,
    /// Path and query, e.g. `/v1/messages?beta=true`.
    pub path: String,
    /// Headers in arrival order, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// The parsed JSON body (`Value::Null` when empty or not JSON).
    pub body: Value,
    /// Main or side request.
    pub kind: RequestKind,
    /// Index (at answer time) of the script reply that answered it; `None` for a default reply.
    pub reply_index: Option<usize>,
    /// Time since the server started when the request arrived.
    pub received_after: Duration,
    /// How the answer went (updated while streaming).
    pub outcome: ResponseOutcome,
}

impl RecordedRequest {
    /// The value of a header (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The requested model.
    pub fn model(&self) -> Option<&str> {
        self.body.get("model").and_then(Value::as_str)
    }

    /// `max_tokens` of the request.
    pub fn max_tokens(&self) -> Option<u64> {
        self.body.get("max_tokens").and_then(Value::as_u64)
    }

    /// True when the request asked for an SSE stream.
    pub fn is_stream(&self) -> bool {
        self.body
            .get("stream")
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }

    /// The `messages` array (empty when absent).
    pub fn messages(&self) -> &[Value] {
        self.body
            .get("messages")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The last message with role `user` (messages with role `system` are skipped).
    pub fn last_user_message(&self) -> Option<&Value> {
        self.messages()
            .iter()
            .rev()
            .find(|m| m.get("role").and_then(Value::as_str) == Some("user"))
    }

    /// The last text of the last user message: the prompt of a new turn.
    ///
    /// The CLI prepends `<system-reminder>` blocks to the first prompt; this returns the text the
    /// user wrote, since it comes last.
    pub fn last_user_text(&self) -> Option<String> {
        match self.last_user_message()?.get("content")? {
            Value::String(s) => Some(s.clone()),
            Value::Array(blocks) => blocks
                .iter()
                .rev()
                .filter(|b| b.get("type").and_then(Value::as_str) == Some("text"))
                .find_map(|b| b.get("text").and_then(Value::as_str))
                .map(str::to_string),
            _ => None,
        }
    }

    /// The `messages` without `system` role entries: what identifies a conversation state
    /// (the CLI edits its system entries between resends).
    pub(crate) fn conversation(&self) -> Vec<&Value> {
        self.messages()
            .iter()
            .filter(|m| m.get("role").and_then(Value::as_str) != Some("system"))
            .collect()
    }

    /// Every text written by the user, in order (strings and `text` blocks of `user` messages).
    pub fn user_texts(&self) -> Vec<String> {
        let mut out = Vec::new();
        for m in self.messages() {
            if m.get("role").and_then(Value::as_str) != Some("user") {
                continue;
            }
            match m.get("content") {
                Some(Value::String(s)) => out.push(s.clone()),
                Some(Value::Array(blocks)) => out.extend(
                    blocks
                        .iter()
                        .filter(|b| b.get("type").and_then(Value::as_str) == Some("text"))
                        .filter_map(|b| b.get("text").and_then(Value::as_str))
                        .map(str::to_string),
                ),
                _ => {}
            }
        }
        out
    }

    /// The `tool_result` blocks of the last user message.
    pub fn tool_results(&self) -> Vec<&Value> {
        let Some(Value::Array(blocks)) = self.last_user_message().and_then(|m| m.get("content"))
        else {
            return Vec::new();
        };
        blocks
            .iter()
            .filter(|b| b.get("type").and_then(Value::as_str) == Some("tool_result"))
            .collect()
    }

    /// True when the last user message holds a `tool_result`.
    pub fn has_tool_result(&self) -> bool {
        !self.tool_results().is_empty()
    }

    /// The text of each `tool_result` of the last user message (text blocks joined by newlines).
    pub fn tool_result_texts(&self) -> Vec<String> {
        self.tool_results()
            .into_iter()
            .map(|b| content_text(b.get("content")))
            .collect()
    }

    /// The `tool_result` for a given tool use id, anywhere in the conversation.
    pub fn tool_result_for(&self, tool_use_id: &str) -> Option<&Value> {
        self.messages()
            .iter()
            .filter_map(|m| m.get("content").and_then(Value::as_array))
            .flatten()
            .find(|b| {
                b.get("type").and_then(Value::as_str) == Some("tool_result")
                    && b.get("tool_use_id").and_then(Value::as_str) == Some(tool_use_id)
            })
    }

    /// The names of the tools offered to the model.
    pub fn tool_names(&self) -> Vec<&str> {
        self.body
            .get("tools")
            .and_then(Value::as_array)
            .map(|tools| {
                tools
                    .iter()
                    .filter_map(|t| t.get("name").and_then(Value::as_str))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The system prompt as one string (text blocks joined by newlines).
    pub fn system_text(&self) -> String {
        content_text(self.body.get("system"))
    }
}

/// Joins the text of a `content` value (a string or an array of blocks).
fn content_text(content: Option<&Value>) -> String {
    match content {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(blocks)) => blocks
            .iter()
            .filter_map(|b| b.get("text").and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join("\n"),
        _ => String::new(),
    }
}

const SUGGESTION_MARKER: &str = "[SUGGESTION MODE:";
const COMPACT_MARKER: &str = "Your task is to create a detailed summary of";
const PROBE_MAX_TOKENS: u64 = 16;

/// Decides the kind of a request from its method, path and body.
pub(crate) fn classify(request: &RecordedRequest) -> RequestKind {
    let path = request.path.as_str();
    let route = path.split('?').next().unwrap_or(path).trim_end_matches('/');
    match (request.method.as_str(), route) {
        ("POST", "/v1/messages") => classify_messages(request),
        ("POST", "/v1/messages/count_tokens") => RequestKind::CountTokens,
        _ => RequestKind::Other,
    }
}

fn classify_messages(request: &RecordedRequest) -> RequestKind {
    let text = request.last_user_text().unwrap_or_default();
    if text.trim_start().starts_with(SUGGESTION_MARKER) {
        RequestKind::PromptSuggestion
    } else if text.contains(COMPACT_MARKER) {
        RequestKind::Compact
    } else if request.max_tokens().is_some_and(|n| n <= PROBE_MAX_TOKENS) {
        RequestKind::Probe
    } else {
        RequestKind::Main
    }
}
