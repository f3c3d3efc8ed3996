//! Typed messages from the CLI. Unknown types, subtypes, blocks and fields are kept.
//!
//! Every message parses from the `serde_json::Value` of one stdout line with
//! [`Message::from_value`] and converts back with [`Message::to_value`] /
//! [`Message::into_value`]; the round trip gives a value equal to the one parsed.
//!
//! Rules that hold for every struct here:
//! - typed fields are plain owned data (`String`, `u64`, `Vec`, `Option`, `Value`);
//! - `extra` holds every field the struct does not model, as received;
//! - an optional field that was absent stays absent on output; an optional field whose value
//!   does not fit its type (most often an explicit `null`, as in `"parent_tool_use_id": null`)
//!   reads as `None` and its raw value is kept in `extra` under the same key, so it is written
//!   back unchanged. Setting the typed field takes precedence over such an `extra` entry;
//! - a missing or mistyped *required* field of a known message type (or of a known content
//!   block inside it) makes the whole message an [`Error::MessageParse`](crate::Error::MessageParse)
//!   carrying the untouched frame;
//! - an unknown `type` becomes [`Message::Unknown`], an unknown system `subtype` becomes
//!   [`SystemBody::Other`], an unknown content block becomes [`ContentBlock::Unknown`].
//!
//! Parsing moves the data out of the owned value; nothing is cloned.

mod chat;
mod content;
mod events;
pub(crate) mod fast;
pub mod policy;
mod result;
mod system;
mod usage;
pub(crate) mod wire;

use serde_json::Value;

pub use chat::{AssistantBody, AssistantError, AssistantMessage, UserBody, UserMessage};
pub use content::{
    ContentBlock, DocumentBlock, ImageBlock, RedactedThinkingBlock, ServerToolResultBlock,
    TextBlock, ThinkingBlock, ToolResultBlock, ToolUseBlock, UserContent,
};
pub use events::{
    ActiveGoal, AuthStatus, ConversationReset, KeepAlive, PromptSuggestion, RateLimitEvent,
    RateLimitInfo, StreamEvent, ToolProgress, ToolUseSummary,
};
pub use result::{DeferredToolUse, PermissionDenial, ResultMessage};
pub use system::{
    ApiRetry, CompactBoundary, ElicitationComplete, HookEvent, Informational, LocalCommandOutput,
    McpServerInfo, MirrorError, Notification, PermissionDenied, PluginInfo, PluginInstall,
    SessionStateChanged, StatusInfo, SystemBody, SystemInit, SystemMessage, TaskNotification,
    TaskProgress, TaskStarted, TaskUpdated, TaskUsage, ThinkingTokens,
};

pub use usage::Usage;
pub use wire::Object;

use wire::Misfit;

/// One message of a session.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// `user`: a prompt echo, a replay, or tool results.
    User(UserMessage),
    /// `assistant`: a (part of a) model reply.
    Assistant(AssistantMessage),
    /// `system`: session metadata and events, by subtype.
    System(SystemMessage),
    /// `result`: the end of a turn (boxed: it is by far the largest variant).
    Result(Box<ResultMessage>),
    /// `stream_event`: a raw SSE event (with `--include-partial-messages`).
    StreamEvent(StreamEvent),
    /// `rate_limit_event`
    RateLimit(RateLimitEvent),
    /// `tool_progress`
    ToolProgress(ToolProgress),
    /// `auth_status`
    AuthStatus(AuthStatus),
    /// `tool_use_summary`
    ToolUseSummary(ToolUseSummary),
    /// `prompt_suggestion`
    PromptSuggestion(PromptSuggestion),
    /// `conversation_reset`
    ConversationReset(ConversationReset),
    /// `keep_alive`
    KeepAlive(KeepAlive),
    /// `active_goal`
    ActiveGoal(ActiveGoal),
    /// A message of a type this version does not know (or without a string `type`), kept whole;
    /// under [`Flavour::Ts`](crate::Flavour::Ts) every message, as the CLI wrote it.
    Unknown(Value),
}

/// Generates the per-type dispatch so each known type is listed once.
macro_rules! known_types {
    ($( $variant:ident($ty:ident) = $name:literal ),* $(,)?) => {
        /// The static name of a known type and whether `map` has its shape.
        fn check_known(type_name: &str, map: &Object) -> Option<(&'static str, Result<(), Misfit>)> {
            Some(match type_name {
                $( $name => ($name, $ty::check_map(map)), )*
                "system" => ("system", SystemMessage::check_map(map)),
                "result" => ("result", ResultMessage::check_map(map)),
                _ => return None,
            })
        }

        fn build_known(type_name: &str, map: Object) -> Message {
            match type_name {
                $( $name => Message::$variant($ty::from_map(map, SKIP_TYPE)), )*
                "system" => Message::System(SystemMessage::from_map(map)),
                "result" => Message::Result(Box::new(ResultMessage::from_map(map, SKIP_TYPE))),
                _ => Message::Unknown(Value::Object(map)),
            }
        }

        impl Message {
            /// The `type` of the message (`user`, `assistant`, `system`, ...; for an unknown
            /// message its `type` field, or `""`).
            pub fn type_name(&self) -> &str {
                match self {
                    $( Message::$variant(_) => $name, )*
                    Message::System(_) => "system",
                    Message::Result(_) => "result",
                    Message::Unknown(v) => v.get("type").and_then(Value::as_str).unwrap_or(""),
                }
            }

            /// The message as JSON, consuming it (equal to the value it was parsed from).
            pub fn into_value(self) -> Value {
                let mut out = Object::new();
                out.insert("type".to_owned(), Value::String(self.type_name().to_owned()));
                match self {
                    $( Message::$variant(m) => m.write_map(&mut out), )*
                    Message::System(m) => m.write_map(&mut out),
                    Message::Result(m) => m.write_map(&mut out),
                    Message::Unknown(v) => return v,
                }
                Value::Object(out)
            }
        }
    };
}

const SKIP_TYPE: &[&str] = &["type"];

known_types! {
    User(UserMessage) = "user",
    Assistant(AssistantMessage) = "assistant",
    StreamEvent(StreamEvent) = "stream_event",
    RateLimit(RateLimitEvent) = "rate_limit_event",
    ToolProgress(ToolProgress) = "tool_progress",
    AuthStatus(AuthStatus) = "auth_status",
    ToolUseSummary(ToolUseSummary) = "tool_use_summary",
    PromptSuggestion(PromptSuggestion) = "prompt_suggestion",
    ConversationReset(ConversationReset) = "conversation_reset",
    KeepAlive(KeepAlive) = "keep_alive",
    ActiveGoal(ActiveGoal) = "active_goal",
}

impl Message {
    /// Converts a parsed frame into a message.
    ///
    /// A known type with a missing or mistyped required field is an
    /// [`Error::MessageParse`](crate::Error::MessageParse) holding the frame as received; a
    /// value that is not an object is one too. An unknown type is [`Message::Unknown`].
    pub fn from_value(value: Value) -> crate::Result<Message> {
        let map = match value {
            Value::Object(map) => map,
            other => {
                return Err(crate::Error::MessageParse {
                    kind: "message".to_owned(),
                    message: format!("expected a JSON object, got {}", wire::json_kind(&other)),
                    raw: other,
                })
            }
        };
        let type_name = match map.get("type") {
            Some(Value::String(t)) => t.as_str(),
            _ => return Ok(Message::Unknown(Value::Object(map))),
        };
        match check_known(type_name, &map) {
            None => Ok(Message::Unknown(Value::Object(map))),
            Some((name, Err(misfit))) => Err(crate::Error::MessageParse {
                kind: kind_label(name, &map),
                message: misfit.to_string(),
                raw: Value::Object(map),
            }),
            Some((name, Ok(()))) => Ok(build_known(name, map)),
        }
    }

    /// Parses one line of the CLI's output, as [`from_value`](Self::from_value) would its
    /// JSON. The common kinds are read straight from the bytes into their structs, without a
    /// `Value` tree in between; [`Error::JsonDecode`](crate::Error::JsonDecode) when the line
    /// is not JSON.
    pub fn from_slice(line: &[u8]) -> crate::Result<Message> {
        match fast::message(line) {
            Some(message) => Ok(message),
            None => Message::from_value(crate::transport::parse_line(line)?),
        }
    }

    /// [`from_slice`](Self::from_slice) for a line the caller owns: a huge line's main string
    /// (a file's text, an image) is decoded in the line's own buffer, which becomes the
    /// message's string, instead of being built beside the line.
    pub fn from_line(line: bytes::Bytes) -> crate::Result<Message> {
        if line.len() < crate::transport::HUGE_LINE {
            return Message::from_slice(&line);
        }
        Message::from_value(crate::transport::parse_owned_line(line)?)
    }

    /// The message as JSON (equal to the value it was parsed from).
    pub fn to_value(&self) -> Value {
        self.clone().into_value()
    }

    /// The `session_id`, when the message carries one.
    pub fn session_id(&self) -> Option<&str> {
        match self {
            Message::User(m) => m.session_id.as_deref(),
            Message::Assistant(m) => m.session_id.as_deref(),
            Message::System(m) => m.session_id.as_deref(),
            Message::Result(m) => Some(&m.session_id),
            Message::StreamEvent(m) => m.session_id.as_deref(),
            Message::RateLimit(m) => m.session_id.as_deref(),
            Message::ToolProgress(m) => m.session_id.as_deref(),
            Message::AuthStatus(m) => m.session_id.as_deref(),
            Message::ToolUseSummary(m) => m.session_id.as_deref(),
            Message::PromptSuggestion(m) => m.session_id.as_deref(),
            Message::ConversationReset(m) => m.session_id.as_deref(),
            Message::ActiveGoal(m) => m.session_id.as_deref(),
            Message::KeepAlive(m) => m.extra.get("session_id").and_then(Value::as_str),
            Message::Unknown(v) => v.get("session_id").and_then(Value::as_str),
        }
    }

    /// The `uuid` of the message, when it carries one.
    pub fn uuid(&self) -> Option<&str> {
        match self {
            Message::User(m) => m.uuid.as_deref(),
            Message::Assistant(m) => m.uuid.as_deref(),
            Message::System(m) => m.uuid.as_deref(),
            Message::Result(m) => m.uuid.as_deref(),
            Message::StreamEvent(m) => m.uuid.as_deref(),
            Message::RateLimit(m) => m.uuid.as_deref(),
            Message::ToolProgress(m) => m.uuid.as_deref(),
            Message::AuthStatus(m) => m.uuid.as_deref(),
            Message::ToolUseSummary(m) => m.uuid.as_deref(),
            Message::PromptSuggestion(m) => m.uuid.as_deref(),
            Message::ConversationReset(m) => m.uuid.as_deref(),
            Message::ActiveGoal(m) => m.uuid.as_deref(),
            Message::KeepAlive(m) => m.extra.get("uuid").and_then(Value::as_str),
            Message::Unknown(v) => v.get("uuid").and_then(Value::as_str),
        }
    }

    /// The `subtype` of system and result messages.
    pub fn subtype(&self) -> Option<&str> {
        match self {
            Message::System(m) => Some(&m.subtype),
            Message::Result(m) => Some(&m.subtype),
            _ => None,
        }
    }

    /// True for a `result` message (the end of a turn).
    pub fn is_result(&self) -> bool {
        matches!(self, Message::Result(_))
    }
}

fn kind_label(type_name: &str, map: &Object) -> String {
    match (type_name, map.get("subtype").and_then(Value::as_str)) {
        ("system", Some(sub)) => format!("system/{sub}"),
        _ => type_name.to_owned(),
    }
}

impl TryFrom<Value> for Message {
    type Error = crate::Error;
    fn try_from(value: Value) -> crate::Result<Message> {
        Message::from_value(value)
    }
}

impl From<Message> for Value {
    fn from(message: Message) -> Value {
        message.into_value()
    }
}

/// Serialises as the JSON the message was parsed from (builds the value first).
impl serde::Serialize for Message {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_value().serialize(serializer)
    }
}

/// Deserialises any JSON object with [`Message::from_value`].
impl<'de> serde::Deserialize<'de> for Message {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Message::from_value(value).map_err(serde::de::Error::custom)
    }
}
