//! The script: the replies a [`ModelServer`](super::ModelServer) gives, built in Rust or parsed
//! from JSON.

use super::request::{RecordedRequest, RequestKind};
use crate::{Error, Result};
use serde::Deserialize;
use serde_json::Value;
use std::time::Duration;

/// The ordered list of replies a [`ModelServer`](super::ModelServer) answers with, plus the
/// fallbacks used when no scripted reply applies.
///
/// See the [module docs](super) for the JSON format accepted by [`Script::from_value`].
#[derive(Debug, Clone, Default)]
pub struct Script {
    pub(crate) replies: Vec<Reply>,
    pub(crate) side_reply: Option<Reply>,
    pub(crate) exhausted_reply: Option<Reply>,
}

impl Script {
    /// An empty script: every main request gets the "script exhausted" reply.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a reply (builder style).
    pub fn reply(mut self, reply: Reply) -> Self {
        self.replies.push(reply);
        self
    }

    /// Sets the reply given to side requests that no scripted reply matches
    /// (default: see [`RequestKind`]).
    pub fn side_reply(mut self, reply: Reply) -> Self {
        self.side_reply = Some(reply);
        self
    }

    /// Sets the reply given to main requests once the script is used up
    /// (default: the text `[model-server: script exhausted]`).
    pub fn exhausted_reply(mut self, reply: Reply) -> Self {
        self.exhausted_reply = Some(reply);
        self
    }

    /// The scripted replies, in order.
    pub fn replies(&self) -> &[Reply] {
        &self.replies
    }

    /// Parses a script from JSON: either an array of replies or an object
    /// `{"replies": [...], "side_reply": {...}, "exhausted_reply": {...}}`.
    ///
    /// Fails with [`Error::InvalidOptions`] naming the offending reply.
    ///
    /// ```
    /// use claude_wire::model_server::Script;
    /// let script = Script::from_value(serde_json::json!([
    ///     {"text": "hi"},
    ///     {"tool_use": {"name": "Bash", "input": {"command": "echo hi"}}},
    ///     {"error": {"status": 529}},
    /// ])).unwrap();
    /// assert_eq!(script.replies().len(), 3);
    /// ```
    pub fn from_value(value: Value) -> Result<Self> {
        match value {
            Value::Array(items) => Ok(Script {
                replies: parse_replies(items)?,
                ..Script::default()
            }),
            Value::Object(mut map) => {
                let mut script = Script::default();
                if let Some(items) = map.remove("replies") {
                    let Value::Array(items) = items else {
                        return Err(invalid("`replies` must be an array"));
                    };
                    script.replies = parse_replies(items)?;
                }
                if let Some(v) = map.remove("side_reply") {
                    script.side_reply =
                        Some(Reply::from_value(v).map_err(|e| prefix("side_reply", e))?);
                }
                if let Some(v) = map.remove("exhausted_reply") {
                    script.exhausted_reply =
                        Some(Reply::from_value(v).map_err(|e| prefix("exhausted_reply", e))?);
                }
                match map.keys().next() {
                    Some(k) => Err(invalid(format!(
                        "unknown key `{k}` (expected replies, side_reply, exhausted_reply)"
                    ))),
                    None => Ok(script),
                }
            }
            other => Err(invalid(format!(
                "a script is an array or an object, not {other}"
            ))),
        }
    }

    /// Parses a script from a JSON string (see [`Script::from_value`]).
    pub fn from_json(text: &str) -> Result<Self> {
        Self::from_value(serde_json::from_str(text)?)
    }

    /// Removes and returns the reply for `request`, if any applies.
    ///
    /// The first reply that is eligible wins: a reply with a `when` matcher is eligible for any
    /// request the matcher accepts; a reply without one only for main requests.
    pub(crate) fn take_for(&mut self, request: &RecordedRequest) -> Option<(usize, Reply)> {
        let index = self.replies.iter().position(|r| match &r.when {
            Some(when) => when.matches(request),
            None => !request.kind.is_side(),
        })?;
        let reply = if self.replies[index].repeat {
            self.replies[index].clone()
        } else {
            self.replies.remove(index)
        };
        Some((index, reply))
    }
}

impl From<Vec<Reply>> for Script {
    fn from(replies: Vec<Reply>) -> Self {
        Script {
            replies,
            ..Script::default()
        }
    }
}

impl From<Reply> for Script {
    fn from(reply: Reply) -> Self {
        Script::from(vec![reply])
    }
}

impl<'de> Deserialize<'de> for Script {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        Script::from_value(Value::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

fn parse_replies(items: Vec<Value>) -> Result<Vec<Reply>> {
    items
        .into_iter()
        .enumerate()
        .map(|(i, v)| Reply::from_value(v).map_err(|e| prefix(&format!("reply {i}"), e)))
        .collect()
}

fn invalid(msg: impl Into<String>) -> Error {
    Error::InvalidOptions(format!("model-server script: {}", msg.into()))
}

fn prefix(what: &str, e: Error) -> Error {
    match e {
        Error::InvalidOptions(m) => {
            let m = m
                .strip_prefix("model-server script: ")
                .unwrap_or(&m)
                .to_string();
            invalid(format!("{what}: {m}"))
        }
        other => other,
    }
}

/// One content block of a scripted message.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A `text` block, streamed as `text_delta`s.
    Text(String),
    /// A `tool_use` block, its input streamed as `input_json_delta`s.
    ToolUse {
        /// The tool use id (`toolu_…` generated when `None`).
        id: Option<String>,
        /// The tool name, e.g. `Bash` or `mcp__server__tool`.
        name: String,
        /// The tool input object.
        input: Value,
    },
    /// A `thinking` block, streamed as a `thinking_delta` then a `signature_delta`.
    Thinking {
        /// The thinking text.
        thinking: String,
        /// The signature (any string is accepted by the CLI).
        signature: String,
    },
    /// A `redacted_thinking` block carrying opaque data.
    RedactedThinking(String),
}

/// An HTTP error answer with an Anthropic JSON error body
/// (`{"type":"error","error":{"type":…,"message":…},"request_id":…}`).
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// HTTP status, e.g. 529.
    pub status: u16,
    /// The `error.type`; derived from the status when `None` (529 → `overloaded_error`, …).
    pub error_type: Option<String>,
    /// The `error.message`; a fixed text per status when `None`.
    pub message: Option<String>,
    /// Extra response headers, e.g. `("retry-after", "0")`.
    pub headers: Vec<(String, String)>,
}

impl ApiError {
    /// The error type sent in the body.
    pub fn error_type(&self) -> &str {
        self.error_type.as_deref().unwrap_or(match self.status {
            400 => "invalid_request_error",
            401 => "authentication_error",
            402 => "billing_error",
            403 => "permission_error",
            404 => "not_found_error",
            413 => "request_too_large",
            429 => "rate_limit_error",
            504 => "timeout_error",
            529 => "overloaded_error",
            _ => "api_error",
        })
    }

    /// The error message sent in the body.
    pub fn message(&self) -> &str {
        self.message.as_deref().unwrap_or(match self.status {
            400 => "Invalid request",
            401 => "invalid x-api-key",
            403 => "Permission denied",
            404 => "Not found",
            429 => "Rate limited",
            529 => "Overloaded",
            _ => "Internal server error",
        })
    }
}

/// What a reply sends: a streamed message or an HTTP error.
#[derive(Debug, Clone, PartialEq)]
pub enum ReplyBody {
    /// A successful message made of these blocks, in order.
    Message(Vec<Block>),
    /// An HTTP error.
    Error(ApiError),
}

/// One scripted answer to one Messages API request.
///
/// Build it with [`Reply::text`], [`Reply::tool_use`], [`Reply::thinking`], [`Reply::blocks`] or
/// [`Reply::error`], then refine it with the chained setters.
///
/// ```
/// use claude_wire::model_server::Reply;
/// let slow = Reply::text("one two three").chunk_chars(4).delta_delay_ms(200);
/// let tool = Reply::tool_use("Bash", serde_json::json!({"command": "echo hi"})).delay_ms(50);
/// let busy = Reply::error(529).header("retry-after", "0");
/// # let _ = (slow, tool, busy);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// What is sent.
    pub body: ReplyBody,
    /// Wait before sending the response status and headers.
    pub delay: Duration,
    /// Wait between two SSE events of the stream.
    pub delta_delay: Duration,
    /// Split texts (and tool inputs) into deltas of at most this many characters.
    pub chunk_chars: Option<usize>,
    /// `stop_reason` of the message (`tool_use` when a tool is used, else `end_turn`, when `None`).
    pub stop_reason: Option<String>,
    /// Fields merged over the default usage `{"input_tokens": 10, "output_tokens": 5, …}`.
    pub usage: Option<serde_json::Map<String, Value>>,
    /// Model name echoed in the message (the request's `model` when `None`).
    pub model: Option<String>,
    /// Message id (`msg_…` generated when `None`).
    pub id: Option<String>,
    /// Only answer requests this matcher accepts (may then also answer side requests).
    pub when: Option<When>,
    /// Keep the reply in the script after use, so it answers every matching request.
    pub repeat: bool,
}

impl Reply {
    fn with_body(body: ReplyBody) -> Self {
        Reply {
            body,
            delay: Duration::ZERO,
            delta_delay: Duration::ZERO,
            chunk_chars: None,
            stop_reason: None,
            usage: None,
            model: None,
            id: None,
            when: None,
            repeat: false,
        }
    }

    /// A message with one text block.
    pub fn text(text: impl Into<String>) -> Self {
        Self::blocks(vec![Block::Text(text.into())])
    }

    /// A message with one `tool_use` block (its id is generated).
    pub fn tool_use(name: impl Into<String>, input: Value) -> Self {
        Self::blocks(vec![Block::ToolUse {
            id: None,
            name: name.into(),
            input,
        }])
    }

    /// A message with one thinking block.
    pub fn thinking(thinking: impl Into<String>, signature: impl Into<String>) -> Self {
        Self::blocks(vec![Block::Thinking {
            thinking: thinking.into(),
            signature: signature.into(),
        }])
    }

    /// A message made of several blocks, in order.
    pub fn blocks(blocks: Vec<Block>) -> Self {
        Self::with_body(ReplyBody::Message(blocks))
    }

    /// An HTTP error with the standard Anthropic error body for `status`.
    pub fn error(status: u16) -> Self {
        Self::with_body(ReplyBody::Error(ApiError {
            status,
            error_type: None,
            message: None,
            headers: Vec::new(),
        }))
    }

    /// Appends a block to a message reply (ignored for an error reply).
    pub fn then(mut self, block: Block) -> Self {
        if let ReplyBody::Message(blocks) = &mut self.body {
            blocks.push(block);
        }
        self
    }

    /// Appends a text block.
    pub fn then_text(self, text: impl Into<String>) -> Self {
        self.then(Block::Text(text.into()))
    }

    /// Appends a `tool_use` block.
    pub fn then_tool_use(self, name: impl Into<String>, input: Value) -> Self {
        self.then(Block::ToolUse {
            id: None,
            name: name.into(),
            input,
        })
    }

    /// Sets the id of every `tool_use` block that has none yet (useful with a single tool use).
    pub fn tool_use_id(mut self, id: impl Into<String>) -> Self {
        let id = id.into();
        if let ReplyBody::Message(blocks) = &mut self.body {
            for block in blocks {
                if let Block::ToolUse {
                    id: slot @ None, ..
                } = block
                {
                    *slot = Some(id.clone());
                }
            }
        }
        self
    }

    /// Sets the error `type` of an error reply.
    pub fn error_type(mut self, error_type: impl Into<String>) -> Self {
        if let ReplyBody::Error(e) = &mut self.body {
            e.error_type = Some(error_type.into());
        }
        self
    }

    /// Sets the error `message` of an error reply.
    pub fn error_message(mut self, message: impl Into<String>) -> Self {
        if let ReplyBody::Error(e) = &mut self.body {
            e.message = Some(message.into());
        }
        self
    }

    /// Adds a response header to an error reply (e.g. `retry-after`).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        if let ReplyBody::Error(e) = &mut self.body {
            e.headers.push((name.into(), value.into()));
        }
        self
    }

    /// Waits this long before answering.
    pub fn delay_ms(mut self, ms: u64) -> Self {
        self.delay = Duration::from_millis(ms);
        self
    }

    /// Waits this long between two SSE events (makes a reply slow enough to interrupt).
    pub fn delta_delay_ms(mut self, ms: u64) -> Self {
        self.delta_delay = Duration::from_millis(ms);
        self
    }

    /// Splits texts and tool inputs into deltas of at most `n` characters.
    pub fn chunk_chars(mut self, n: usize) -> Self {
        self.chunk_chars = Some(n.max(1));
        self
    }

    /// Sets the `stop_reason` (e.g. `max_tokens`, `stop_sequence`, `refusal`).
    pub fn stop_reason(mut self, reason: impl Into<String>) -> Self {
        self.stop_reason = Some(reason.into());
        self
    }

    /// Sets usage fields (merged over the defaults), e.g. `json!({"output_tokens": 42})`.
    /// A value that is not an object is ignored.
    pub fn usage(mut self, usage: Value) -> Self {
        if let Value::Object(map) = usage {
            self.usage = Some(map);
        }
        self
    }

    /// Echoes this model name instead of the requested one.
    pub fn model(mut self, model: impl Into<String>) -> Self {
        self.model = Some(model.into());
        self
    }

    /// Sets the message id.
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// Only answers requests accepted by `when`.
    pub fn when(mut self, when: When) -> Self {
        self.when = Some(when);
        self
    }

    /// Keeps the reply in the script after use.
    pub fn repeat(mut self) -> Self {
        self.repeat = true;
        self
    }

    /// Parses one reply from its JSON form (see the [module docs](super)).
    pub fn from_value(value: Value) -> Result<Self> {
        let spec: ReplySpec = serde_json::from_value(value).map_err(|e| invalid(e.to_string()))?;
        spec.into_reply()
    }

    /// The stop reason sent at the end of the message.
    pub(crate) fn effective_stop_reason(&self) -> String {
        if let Some(r) = &self.stop_reason {
            return r.clone();
        }
        let uses_tool = matches!(&self.body, ReplyBody::Message(b)
            if b.iter().any(|b| matches!(b, Block::ToolUse { .. })));
        if uses_tool { "tool_use" } else { "end_turn" }.to_string()
    }
}

/// Selects the requests a [`Reply`] answers. Every field that is set must match.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct When {
    /// The last text of the last user message contains this.
    pub user_text_contains: Option<String>,
    /// The last user message holds (or does not hold) a `tool_result` block.
    pub has_tool_result: Option<bool>,
    /// Some `tool_result` of the last user message contains this text.
    pub tool_result_contains: Option<String>,
    /// The requested model is exactly this.
    pub model: Option<String>,
    /// The system prompt contains this.
    pub system_contains: Option<String>,
    /// The request is of this kind.
    pub kind: Option<RequestKind>,
    /// The request is (or is not) a side request.
    pub side: Option<bool>,
}

impl When {
    /// A matcher accepting everything (refine it with the fields).
    pub fn any() -> Self {
        Self::default()
    }

    /// True when `request` satisfies every field that is set.
    pub fn matches(&self, request: &RecordedRequest) -> bool {
        let contains = |hay: Option<String>, needle: &Option<String>| match needle {
            Some(n) => hay.is_some_and(|h| h.contains(n.as_str())),
            None => true,
        };
        contains(request.last_user_text(), &self.user_text_contains)
            && self
                .has_tool_result
                .is_none_or(|want| request.has_tool_result() == want)
            && self.tool_result_contains.as_ref().is_none_or(|n| {
                request
                    .tool_result_texts()
                    .iter()
                    .any(|t| t.contains(n.as_str()))
            })
            && self
                .model
                .as_deref()
                .is_none_or(|m| request.model() == Some(m))
            && contains(Some(request.system_text()), &self.system_contains)
            && self.kind.is_none_or(|k| request.kind == k)
            && self.side.is_none_or(|s| request.kind.is_side() == s)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReplySpec {
    text: Option<String>,
    tool_use: Option<ToolUseSpec>,
    thinking: Option<ThinkingSpec>,
    redacted_thinking: Option<String>,
    blocks: Option<Vec<BlockSpec>>,
    error: Option<ErrorSpec>,
    #[serde(default)]
    delay_ms: u64,
    #[serde(default)]
    delta_delay_ms: u64,
    chunk_chars: Option<usize>,
    stop_reason: Option<String>,
    usage: Option<serde_json::Map<String, Value>>,
    model: Option<String>,
    id: Option<String>,
    when: Option<When>,
    #[serde(default)]
    repeat: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ToolUseSpec {
    name: String,
    #[serde(default = "empty_object")]
    input: Value,
    id: Option<String>,
}

fn empty_object() -> Value {
    Value::Object(Default::default())
}

#[derive(Deserialize)]
#[serde(untagged)]
enum ThinkingSpec {
    Text(String),
    Full {
        thinking: String,
        #[serde(default)]
        signature: Option<String>,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BlockSpec {
    text: Option<String>,
    tool_use: Option<ToolUseSpec>,
    thinking: Option<ThinkingSpec>,
    redacted_thinking: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum ErrorSpec {
    Status(u16),
    Full {
        status: u16,
        #[serde(rename = "type")]
        error_type: Option<String>,
        message: Option<String>,
        #[serde(default)]
        headers: serde_json::Map<String, Value>,
    },
}

const DEFAULT_SIGNATURE: &str = "model-server-signature";

fn thinking_block(spec: ThinkingSpec) -> Block {
    match spec {
        ThinkingSpec::Text(thinking) => Block::Thinking {
            thinking,
            signature: DEFAULT_SIGNATURE.into(),
        },
        ThinkingSpec::Full {
            thinking,
            signature,
        } => Block::Thinking {
            thinking,
            signature: signature.unwrap_or_else(|| DEFAULT_SIGNATURE.into()),
        },
    }
}

fn tool_block(spec: ToolUseSpec) -> Block {
    Block::ToolUse {
        id: spec.id,
        name: spec.name,
        input: spec.input,
    }
}

/// Shorthand blocks in their natural order: thinking, redacted thinking, text, tool use.
fn shorthand_blocks(
    thinking: Option<ThinkingSpec>,
    redacted: Option<String>,
    text: Option<String>,
    tool_use: Option<ToolUseSpec>,
) -> Vec<Block> {
    let mut blocks = Vec::new();
    blocks.extend(thinking.map(thinking_block));
    blocks.extend(redacted.map(Block::RedactedThinking));
    blocks.extend(text.map(Block::Text));
    blocks.extend(tool_use.map(tool_block));
    blocks
}

impl BlockSpec {
    fn into_block(self) -> Result<Block> {
        let mut blocks = shorthand_blocks(
            self.thinking,
            self.redacted_thinking,
            self.text,
            self.tool_use,
        );
        match (blocks.pop(), blocks.is_empty()) {
            (Some(block), true) => Ok(block),
            _ => Err(invalid(
                "a block holds exactly one of text, tool_use, thinking, redacted_thinking",
            )),
        }
    }
}

impl ReplySpec {
    fn into_reply(self) -> Result<Reply> {
        let shorthand = shorthand_blocks(
            self.thinking,
            self.redacted_thinking,
            self.text,
            self.tool_use,
        );
        let body = match (self.error, self.blocks) {
            (Some(_), Some(_)) => return Err(invalid("`error` and `blocks` cannot be combined")),
            (Some(_), None) if !shorthand.is_empty() => {
                return Err(invalid("`error` cannot be combined with content"))
            }
            (Some(e), None) => ReplyBody::Error(error_from_spec(e)?),
            (None, Some(_)) if !shorthand.is_empty() => {
                return Err(invalid(
                    "use either `blocks` or text/tool_use/thinking, not both",
                ))
            }
            (None, Some(specs)) => ReplyBody::Message(
                specs
                    .into_iter()
                    .map(BlockSpec::into_block)
                    .collect::<Result<_>>()?,
            ),
            (None, None) if shorthand.is_empty() => {
                return Err(invalid(
                    "a reply needs text, tool_use, thinking, blocks or error",
                ))
            }
            (None, None) => ReplyBody::Message(shorthand),
        };
        Ok(Reply {
            body,
            delay: Duration::from_millis(self.delay_ms),
            delta_delay: Duration::from_millis(self.delta_delay_ms),
            chunk_chars: self.chunk_chars.map(|n| n.max(1)),
            stop_reason: self.stop_reason,
            usage: self.usage,
            model: self.model,
            id: self.id,
            when: self.when,
            repeat: self.repeat,
        })
    }
}

fn error_from_spec(spec: ErrorSpec) -> Result<ApiError> {
    let (status, error_type, message, headers) = match spec {
        ErrorSpec::Status(s) => (s, None, None, Default::default()),
        ErrorSpec::Full {
            status,
            error_type,
            message,
            headers,
        } => (status, error_type, message, headers),
    };
    if !(400..=599).contains(&status) {
        return Err(invalid(format!(
            "error status {status} is not a 4xx/5xx status"
        )));
    }
    let headers = headers
        .into_iter()
        .map(|(k, v)| match v {
            Value::String(s) => (k, s),
            other => (k, other.to_string()),
        })
        .collect();
    Ok(ApiError {
        status,
        error_type,
        message,
        headers,
    })
}
