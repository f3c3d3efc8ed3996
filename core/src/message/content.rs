//! Content blocks of user and assistant messages (the Messages API block types).

use serde_json::Value;

use super::fast::FastMap;
use super::wire::{wire_struct, Misfit, Object, Wire};

wire_struct! {
    /// Plain text (`type: "text"`). Citations, if any, are in `extra`.
    pub struct TextBlock {
        /// The text.
        req text: String = "text",
    }
}

wire_struct! {
    /// The model's visible reasoning (`type: "thinking"`).
    pub struct ThinkingBlock {
        /// The reasoning text (may be empty when the display is omitted).
        req thinking: String = "thinking",
        /// Signature that lets the block be sent back to the API.
        req signature: String = "signature",
    }
}

wire_struct! {
    /// Reasoning the API returned encrypted (`type: "redacted_thinking"`).
    pub struct RedactedThinkingBlock {
        /// The opaque encrypted payload.
        req data: String = "data",
    }
}

wire_struct! {
    /// A call of a client-side tool (`type: "tool_use"`), or of a server-side one
    /// (`type: "server_tool_use"`, such as `web_search`).
    pub struct ToolUseBlock {
        /// Tool-use id, echoed by the matching result.
        req id: String = "id",
        /// Tool name (`Bash`, `mcp__server__tool`, `web_search`, ...).
        req name: String = "name",
        /// Tool input (normally an object).
        req input: Value = "input",
    }
}

wire_struct! {
    /// The result of a client-side tool call (`type: "tool_result"`).
    pub struct ToolResultBlock {
        /// Id of the `tool_use` this answers.
        req tool_use_id: String = "tool_use_id",
        /// A string or a list of content blocks, as sent.
        opt content: Value = "content",
        /// Whether the tool failed.
        opt is_error: bool = "is_error",
    }
}

wire_struct! {
    /// The result of a server-side tool call: any block type ending in `_tool_result` other than
    /// `tool_result` (`web_search_tool_result`, `web_fetch_tool_result`, `advisor_tool_result`,
    /// `code_execution_tool_result`, `mcp_tool_result`, ...).
    pub struct ServerToolResultBlock {
        /// The block type as sent, such as `web_search_tool_result`.
        req block_type: String = "type",
        /// Id of the `server_tool_use` this answers.
        req tool_use_id: String = "tool_use_id",
        /// The result payload, whose shape depends on the tool.
        opt content: Value = "content",
    }
}

wire_struct! {
    /// An image (`type: "image"`).
    pub struct ImageBlock {
        /// Where the image comes from (`{type: base64, media_type, data}`, `{type: url, url}`, ...).
        req source: Value = "source",
    }
}

wire_struct! {
    /// A document such as a PDF (`type: "document"`).
    pub struct DocumentBlock {
        /// Where the document comes from (base64, text, url, ...).
        req source: Value = "source",
        /// Optional title.
        opt title: String = "title",
    }
}

/// One content block of a user or assistant message.
#[derive(Debug, Clone, PartialEq)]
pub enum ContentBlock {
    /// `text`
    Text(TextBlock),
    /// `thinking`
    Thinking(ThinkingBlock),
    /// `redacted_thinking`
    RedactedThinking(RedactedThinkingBlock),
    /// `tool_use`
    ToolUse(ToolUseBlock),
    /// `tool_result`
    ToolResult(ToolResultBlock),
    /// `server_tool_use`
    ServerToolUse(ToolUseBlock),
    /// Any `*_tool_result` block other than `tool_result`.
    ServerToolResult(ServerToolResultBlock),
    /// `image`
    Image(ImageBlock),
    /// `document`
    Document(DocumentBlock),
    /// A block this version does not know (or without a `type`), kept whole.
    Unknown(Value),
}

/// Which typed variant a block `type` maps to.
#[derive(Clone, Copy)]
enum Kind {
    Text,
    Thinking,
    RedactedThinking,
    ToolUse,
    ToolResult,
    ServerToolUse,
    ServerToolResult,
    Image,
    Document,
    Unknown,
}

fn kind_of(block_type: Option<&str>) -> Kind {
    match block_type {
        Some("text") => Kind::Text,
        Some("thinking") => Kind::Thinking,
        Some("redacted_thinking") => Kind::RedactedThinking,
        Some("tool_use") => Kind::ToolUse,
        Some("tool_result") => Kind::ToolResult,
        Some("server_tool_use") => Kind::ServerToolUse,
        Some("image") => Kind::Image,
        Some("document") => Kind::Document,
        Some(t) if t.ends_with("_tool_result") => Kind::ServerToolResult,
        _ => Kind::Unknown,
    }
}

const SKIP_TYPE: &[&str] = &["type"];

impl ContentBlock {
    /// Parses one block. A known block type with a missing or mistyped required field is an
    /// error; an unknown type is kept as [`ContentBlock::Unknown`].
    pub fn from_value(value: Value) -> crate::Result<ContentBlock> {
        match <ContentBlock as Wire>::check(&value) {
            Ok(()) => Ok(<ContentBlock as Wire>::take(value)),
            Err(misfit) => Err(crate::Error::MessageParse {
                kind: "content block".to_owned(),
                message: misfit.to_string(),
                raw: value,
            }),
        }
    }

    /// The block `type` as it appears on the wire.
    pub fn block_type(&self) -> &str {
        match self {
            ContentBlock::ServerToolResult(b) => &b.block_type,
            ContentBlock::Unknown(v) => v.get("type").and_then(Value::as_str).unwrap_or(""),
            other => other.fixed_tag().unwrap_or(""),
        }
    }

    fn fixed_tag(&self) -> Option<&'static str> {
        Some(match self {
            ContentBlock::Text(_) => "text",
            ContentBlock::Thinking(_) => "thinking",
            ContentBlock::RedactedThinking(_) => "redacted_thinking",
            ContentBlock::ToolUse(_) => "tool_use",
            ContentBlock::ToolResult(_) => "tool_result",
            ContentBlock::ServerToolUse(_) => "server_tool_use",
            ContentBlock::Image(_) => "image",
            ContentBlock::Document(_) => "document",
            ContentBlock::ServerToolResult(_) | ContentBlock::Unknown(_) => return None,
        })
    }

    /// The text of a `text` block.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            ContentBlock::Text(b) => Some(&b.text),
            _ => None,
        }
    }

    /// The block as JSON (equal to what was parsed).
    pub fn to_value(&self) -> Value {
        self.clone().into_value()
    }

    /// The block as JSON, consuming it.
    pub fn into_value(self) -> Value {
        let mut out = Object::new();
        if let Some(tag) = self.fixed_tag() {
            out.insert("type".to_owned(), Value::String(tag.to_owned()));
        }
        match self {
            ContentBlock::Text(b) => b.write_map(&mut out),
            ContentBlock::Thinking(b) => b.write_map(&mut out),
            ContentBlock::RedactedThinking(b) => b.write_map(&mut out),
            ContentBlock::ToolUse(b) | ContentBlock::ServerToolUse(b) => b.write_map(&mut out),
            ContentBlock::ToolResult(b) => b.write_map(&mut out),
            ContentBlock::ServerToolResult(b) => b.write_map(&mut out),
            ContentBlock::Image(b) => b.write_map(&mut out),
            ContentBlock::Document(b) => b.write_map(&mut out),
            ContentBlock::Unknown(v) => return v,
        }
        Value::Object(out)
    }
}

impl ContentBlock {
    /// The fast path's block once its `type` was read: `None` for the kinds it leaves to the
    /// general path (the rest of the map is then still unread).
    pub(super) fn fast_after_type<'de, A: serde::de::MapAccess<'de>>(
        tag: Option<&str>,
        map: &mut A,
    ) -> Result<Option<ContentBlock>, A::Error> {
        Ok(Some(match kind_of(tag) {
            Kind::Text => ContentBlock::Text(TextBlock::fast_map(map, SKIP_TYPE)?),
            Kind::Thinking => ContentBlock::Thinking(ThinkingBlock::fast_map(map, SKIP_TYPE)?),
            Kind::RedactedThinking => {
                ContentBlock::RedactedThinking(RedactedThinkingBlock::fast_map(map, SKIP_TYPE)?)
            }
            Kind::ToolUse => ContentBlock::ToolUse(ToolUseBlock::fast_map(map, SKIP_TYPE)?),
            Kind::ServerToolUse => {
                ContentBlock::ServerToolUse(ToolUseBlock::fast_map(map, SKIP_TYPE)?)
            }
            Kind::ToolResult => {
                ContentBlock::ToolResult(ToolResultBlock::fast_map(map, SKIP_TYPE)?)
            }
            Kind::Image => ContentBlock::Image(ImageBlock::fast_map(map, SKIP_TYPE)?),
            Kind::Document => ContentBlock::Document(DocumentBlock::fast_map(map, SKIP_TYPE)?),
            Kind::ServerToolResult | Kind::Unknown => return Ok(None),
        }))
    }
}

impl Wire for ContentBlock {
    fn check(v: &Value) -> Result<(), Misfit> {
        let map = v
            .as_object()
            .ok_or_else(|| Misfit::expected("a content block object", v))?;
        match kind_of(map.get("type").and_then(Value::as_str)) {
            Kind::Text => TextBlock::check_map(map),
            Kind::Thinking => ThinkingBlock::check_map(map),
            Kind::RedactedThinking => RedactedThinkingBlock::check_map(map),
            Kind::ToolUse | Kind::ServerToolUse => ToolUseBlock::check_map(map),
            Kind::ToolResult => ToolResultBlock::check_map(map),
            Kind::ServerToolResult => ServerToolResultBlock::check_map(map),
            Kind::Image => ImageBlock::check_map(map),
            Kind::Document => DocumentBlock::check_map(map),
            Kind::Unknown => Ok(()),
        }
    }

    fn take(v: Value) -> Self {
        let map = match v {
            Value::Object(map) => map,
            other => return ContentBlock::Unknown(other),
        };
        match kind_of(map.get("type").and_then(Value::as_str)) {
            Kind::Text => ContentBlock::Text(TextBlock::from_map(map, SKIP_TYPE)),
            Kind::Thinking => ContentBlock::Thinking(ThinkingBlock::from_map(map, SKIP_TYPE)),
            Kind::RedactedThinking => {
                ContentBlock::RedactedThinking(RedactedThinkingBlock::from_map(map, SKIP_TYPE))
            }
            Kind::ToolUse => ContentBlock::ToolUse(ToolUseBlock::from_map(map, SKIP_TYPE)),
            Kind::ServerToolUse => {
                ContentBlock::ServerToolUse(ToolUseBlock::from_map(map, SKIP_TYPE))
            }
            Kind::ToolResult => ContentBlock::ToolResult(ToolResultBlock::from_map(map, SKIP_TYPE)),
            Kind::ServerToolResult => {
                ContentBlock::ServerToolResult(ServerToolResultBlock::from_map(map, &[]))
            }
            Kind::Image => ContentBlock::Image(ImageBlock::from_map(map, SKIP_TYPE)),
            Kind::Document => ContentBlock::Document(DocumentBlock::from_map(map, SKIP_TYPE)),
            Kind::Unknown => ContentBlock::Unknown(Value::Object(map)),
        }
    }

    fn into_wire(self) -> Value {
        self.into_value()
    }
}

/// The content of a user message: a plain string or a list of blocks.
#[derive(Debug, Clone, PartialEq)]
pub enum UserContent {
    /// A plain string prompt.
    Text(String),
    /// A list of content blocks (text, images, tool results, ...).
    Blocks(Vec<ContentBlock>),
}

impl Default for UserContent {
    fn default() -> Self {
        UserContent::Text(String::new())
    }
}

impl Wire for UserContent {
    fn check(v: &Value) -> Result<(), Misfit> {
        match v {
            Value::String(_) => Ok(()),
            Value::Array(_) => Vec::<ContentBlock>::check(v),
            other => Err(Misfit::expected("a string or an array of blocks", other)),
        }
    }
    fn take(v: Value) -> Self {
        match v {
            Value::String(s) => UserContent::Text(s),
            other => UserContent::Blocks(Vec::take(other)),
        }
    }
    fn into_wire(self) -> Value {
        match self {
            UserContent::Text(s) => Value::String(s),
            UserContent::Blocks(b) => b.into_wire(),
        }
    }
}
