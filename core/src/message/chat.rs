//! `user` and `assistant` messages.

use serde_json::Value;

use super::content::{ContentBlock, UserContent};
use super::usage::Usage;
use super::wire::{wire_struct, Misfit, Wire};

wire_struct! {
    /// The `message` object of an assistant message: a Messages API response (or one block of
    /// it: while a reply streams, the CLI sends one assistant message per finished block, all
    /// with the same `id` and `stop_reason: null`). `role`, `type`, `container`, ... are in `extra`.
    pub struct AssistantBody {
        /// API message id (`msg_...`; a UUID on synthetic error messages).
        opt id: String = "id",
        /// Model that answered (`<synthetic>` on messages the CLI made up, such as API errors).
        req model: String = "model",
        /// Content blocks.
        req content: Vec<ContentBlock> = "content",
        /// Why the model stopped (`end_turn`, `tool_use`, `max_tokens`, ...); usually `null`
        /// (kept in `extra`) on streamed per-block messages.
        opt stop_reason: String = "stop_reason",
        /// The stop sequence that matched.
        opt stop_sequence: String = "stop_sequence",
        /// Token usage as reported by the API.
        opt usage: Usage = "usage",
    }
}

wire_struct! {
    /// A `type: "assistant"` message.
    pub struct AssistantMessage {
        /// The API message.
        req message: AssistantBody = "message",
        /// Set when produced inside a subagent started by that `Task` tool use.
        opt parent_tool_use_id: String = "parent_tool_use_id",
        /// Set on the synthetic message the CLI emits when the API call failed.
        opt error: AssistantError = "error",
        /// Session id.
        opt session_id: String = "session_id",
        /// Id of this message.
        opt uuid: String = "uuid",
    }
}

impl AssistantMessage {
    /// The content blocks.
    pub fn content(&self) -> &[ContentBlock] {
        &self.message.content
    }

    /// The model name.
    pub fn model(&self) -> &str {
        &self.message.model
    }

    /// All text blocks joined (empty when there are none).
    pub fn text(&self) -> String {
        self.message
            .content
            .iter()
            .filter_map(ContentBlock::as_text)
            .collect()
    }
}

wire_struct! {
    /// The `message` object of a user message (`role` is in `extra`).
    pub struct UserBody {
        /// The prompt text or the blocks (tool results, images, ...).
        req content: UserContent = "content",
    }
}

wire_struct! {
    /// A `type: "user"` message: a prompt echoed back, a replayed message, or the tool results
    /// the CLI sends to the model.
    pub struct UserMessage {
        /// The API message.
        req message: UserBody = "message",
        /// Id of this message.
        opt uuid: String = "uuid",
        /// Set when the message belongs to a subagent started by that `Task` tool use.
        opt parent_tool_use_id: String = "parent_tool_use_id",
        /// The tool's own structured result (for Bash: `stdout`, `stderr`, `interrupted`, ...).
        opt tool_use_result: Value = "tool_use_result",
        /// Session id.
        opt session_id: String = "session_id",
        /// Where an injected message came from (`{kind: "task-notification", ...}`).
        opt origin: Value = "origin",
        /// True on messages the CLI generated itself.
        opt is_synthetic: bool = "isSynthetic",
        /// True when the CLI replays a message it already processed.
        opt is_replay: bool = "isReplay",
        /// ISO timestamp set by the CLI.
        opt timestamp: String = "timestamp",
    }
}

impl UserMessage {
    /// The content (text or blocks).
    pub fn content(&self) -> &UserContent {
        &self.message.content
    }
}

/// Why an assistant message reports a failed API call (also used by `system/api_retry`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AssistantError {
    /// `authentication_failed`
    AuthenticationFailed,
    /// `oauth_org_not_allowed`
    OauthOrgNotAllowed,
    /// `account_on_hold`
    AccountOnHold,
    /// `verification_required`
    VerificationRequired,
    /// `billing_error`
    BillingError,
    /// `rate_limit`
    RateLimit,
    /// `overloaded`
    Overloaded,
    /// `invalid_request`
    InvalidRequest,
    /// `model_not_found`
    ModelNotFound,
    /// `server_error`
    ServerError,
    /// `max_output_tokens`
    MaxOutputTokens,
    /// `cloud_credential_error`
    CloudCredentialError,
    /// `unknown`
    Unknown,
    /// A kind this version does not know, as sent.
    Other(String),
}

const ERROR_NAMES: &[(&str, AssistantError)] = &[
    (
        "authentication_failed",
        AssistantError::AuthenticationFailed,
    ),
    ("oauth_org_not_allowed", AssistantError::OauthOrgNotAllowed),
    ("account_on_hold", AssistantError::AccountOnHold),
    (
        "verification_required",
        AssistantError::VerificationRequired,
    ),
    ("billing_error", AssistantError::BillingError),
    ("rate_limit", AssistantError::RateLimit),
    ("overloaded", AssistantError::Overloaded),
    ("invalid_request", AssistantError::InvalidRequest),
    ("model_not_found", AssistantError::ModelNotFound),
    ("server_error", AssistantError::ServerError),
    ("max_output_tokens", AssistantError::MaxOutputTokens),
    (
        "cloud_credential_error",
        AssistantError::CloudCredentialError,
    ),
    ("unknown", AssistantError::Unknown),
];

impl AssistantError {
    /// The wire name.
    pub fn as_str(&self) -> &str {
        match self {
            AssistantError::Other(s) => s,
            known => ERROR_NAMES
                .iter()
                .find(|(_, e)| e == known)
                .map(|(name, _)| *name)
                .unwrap_or(""),
        }
    }

    /// Parses a wire name; unknown names become [`AssistantError::Other`].
    pub fn parse(name: &str) -> AssistantError {
        ERROR_NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, e)| e.clone())
            .unwrap_or_else(|| AssistantError::Other(name.to_owned()))
    }
}

impl std::fmt::Display for AssistantError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Wire for AssistantError {
    fn check(v: &Value) -> Result<(), Misfit> {
        String::check(v)
    }
    fn take(v: Value) -> Self {
        match v {
            Value::String(s) => match AssistantError::parse(&s) {
                AssistantError::Other(_) => AssistantError::Other(s),
                known => known,
            },
            _ => AssistantError::Unknown,
        }
    }
    fn into_wire(self) -> Value {
        match self {
            AssistantError::Other(s) => Value::String(s),
            known => Value::String(known.as_str().to_owned()),
        }
    }
}
