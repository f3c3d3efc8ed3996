//! Tool results and their MCP JSON shape.

use crate::{Error, Result};
use serde_json::{json, Map, Value};

/// One content block of a tool result.
#[derive(Debug, Clone, PartialEq)]
pub enum ToolContent {
    /// `{"type":"text","text":...}`.
    Text {
        /// The text.
        text: String,
    },
    /// `{"type":"image","data":<base64>,"mimeType":...}`.
    Image {
        /// Base64-encoded image bytes.
        data: String,
        /// MIME type (`image/png`, ...).
        mime_type: String,
    },
    /// `{"type":"resource_link","uri":...,"name":...}`.
    ResourceLink {
        /// Resource URI.
        uri: String,
        /// Resource name.
        name: String,
        /// Description, when given.
        description: Option<String>,
        /// MIME type, when given.
        mime_type: Option<String>,
    },
    /// `{"type":"resource","resource":<this value>}`: an embedded resource
    /// (`{"uri", "text"|"blob", "mimeType"?}`).
    Resource(Value),
    /// Any other block (audio, new types, extra fields), sent as is.
    Other(Value),
}

impl ToolContent {
    /// A text block.
    pub fn text(text: impl Into<String>) -> Self {
        Self::Text { text: text.into() }
    }

    /// An image block from base64 data.
    pub fn image(data: impl Into<String>, mime_type: impl Into<String>) -> Self {
        Self::Image {
            data: data.into(),
            mime_type: mime_type.into(),
        }
    }

    /// A resource link.
    pub fn resource_link(uri: impl Into<String>, name: impl Into<String>) -> Self {
        Self::ResourceLink {
            uri: uri.into(),
            name: name.into(),
            description: None,
            mime_type: None,
        }
    }

    /// The MCP JSON of this block.
    pub fn to_value(&self) -> Value {
        match self {
            Self::Text { text } => json!({"type": "text", "text": text}),
            Self::Image { data, mime_type } => {
                json!({"type": "image", "data": data, "mimeType": mime_type})
            }
            Self::ResourceLink {
                uri,
                name,
                description,
                mime_type,
            } => {
                let mut v = json!({"type": "resource_link", "uri": uri, "name": name});
                if let Some(d) = description {
                    v["description"] = d.as_str().into();
                }
                if let Some(m) = mime_type {
                    v["mimeType"] = m.as_str().into();
                }
                v
            }
            Self::Resource(resource) => json!({"type": "resource", "resource": resource}),
            Self::Other(v) => v.clone(),
        }
    }

    /// Reads a block from MCP JSON; never fails (blocks that are not represented exactly by a
    /// typed variant are kept as `Other`).
    pub fn from_value(value: Value) -> Self {
        match Self::parse_known(&value) {
            Some(typed) if typed.to_value() == value => typed,
            _ => Self::Other(value),
        }
    }

    fn parse_known(value: &Value) -> Option<Self> {
        let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_string);
        Some(match value.get("type")?.as_str()? {
            "text" => Self::Text {
                text: text("text")?,
            },
            "image" => Self::Image {
                data: text("data")?,
                mime_type: text("mimeType")?,
            },
            "resource_link" => Self::ResourceLink {
                uri: text("uri")?,
                name: text("name")?,
                description: text("description"),
                mime_type: text("mimeType"),
            },
            "resource" => Self::Resource(value.get("resource")?.clone()),
            _ => return None,
        })
    }
}

impl From<&str> for ToolContent {
    fn from(text: &str) -> Self {
        Self::text(text)
    }
}

impl From<String> for ToolContent {
    fn from(text: String) -> Self {
        Self::Text { text }
    }
}

/// The result of a tool call.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ToolResult {
    /// Content blocks.
    pub content: Vec<ToolContent>,
    /// Marks the result as a failure (the model sees it as an error).
    pub is_error: bool,
    /// Structured output (`structuredContent`), for tools with an output schema.
    pub structured_content: Option<Value>,
    /// `_meta` of the result.
    pub meta: Option<Value>,
}

impl ToolResult {
    /// A result with these blocks.
    pub fn new(content: Vec<ToolContent>) -> Self {
        Self {
            content,
            ..Self::default()
        }
    }

    /// A result with one text block.
    pub fn text(text: impl Into<String>) -> Self {
        Self::new(vec![ToolContent::text(text)])
    }

    /// A failed result with one text block.
    pub fn error(text: impl Into<String>) -> Self {
        Self {
            is_error: true,
            ..Self::text(text)
        }
    }

    /// Adds a content block.
    pub fn with_content(mut self, block: ToolContent) -> Self {
        self.content.push(block);
        self
    }

    /// Sets `structuredContent`.
    pub fn with_structured_content(mut self, value: Value) -> Self {
        self.structured_content = Some(value);
        self
    }

    /// Sets `_meta`.
    pub fn with_meta(mut self, meta: Value) -> Self {
        self.meta = Some(meta);
        self
    }

    /// The MCP `CallToolResult` JSON.
    pub fn to_value(&self) -> Value {
        let mut out = Map::new();
        out.insert(
            "content".into(),
            self.content.iter().map(ToolContent::to_value).collect(),
        );
        out.insert("isError".into(), self.is_error.into());
        if let Some(s) = &self.structured_content {
            out.insert("structuredContent".into(), s.clone());
        }
        if let Some(m) = &self.meta {
            out.insert("_meta".into(), m.clone());
        }
        Value::Object(out)
    }

    /// Reads the result user code returned: `{"content": [...], "is_error" | "isError",
    /// "structured_content" | "structuredContent", "_meta"}`. A missing `content` is empty.
    pub fn from_value(value: &Value) -> Result<Self> {
        let obj = value
            .as_object()
            .ok_or_else(|| bad_result("a tool must return an object", value))?;
        let pick = |a: &str, b: &str| obj.get(a).or_else(|| obj.get(b)).filter(|v| !v.is_null());
        let content = match obj.get("content") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => {
                items.iter().cloned().map(ToolContent::from_value).collect()
            }
            Some(_) => {
                return Err(bad_result(
                    "`content` must be a list of content blocks",
                    value,
                ))
            }
        };
        let is_error = match pick("isError", "is_error") {
            None => false,
            Some(v) => v
                .as_bool()
                .ok_or_else(|| bad_result("`is_error` must be a boolean", value))?,
        };
        Ok(Self {
            content,
            is_error,
            structured_content: pick("structuredContent", "structured_content").cloned(),
            meta: pick("_meta", "meta").cloned(),
        })
    }
}

impl ToolResult {
    /// Reads what a Python tool handler returned as the Python SDK passes it on to the CLI:
    /// `is_error` (only that spelling) marks a failure; text and image blocks keep only their
    /// MCP fields; a resource link becomes a text of its name, URI and description, one per
    /// line; an embedded text resource becomes its text; other blocks (binary resources,
    /// unknown types) are left out, and so are `structured_content` and `_meta`. A text or
    /// image block without its fields fails the call as it does there (`'text'`).
    pub fn from_python_sdk_value(value: &Value) -> Result<Self> {
        let result = Self::from_value(value)?;
        let mut content = Vec::new();
        for block in result.content {
            match python_block(block) {
                Ok(Some(block)) => content.push(block),
                Ok(None) => {}
                Err(missing) => return Ok(Self::error(format!("'{missing}'"))),
            }
        }
        Ok(Self {
            content,
            is_error: value
                .get("is_error")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            structured_content: None,
            meta: None,
        })
    }
}

/// One block as the Python SDK sends it (see [`ToolResult::from_python_sdk_value`]); `Err`
/// names a field the block needs and lacks.
fn python_block(block: ToolContent) -> std::result::Result<Option<ToolContent>, &'static str> {
    let value = match block {
        ToolContent::Other(value) => value,
        typed => typed.to_value(),
    };
    let text = |v: &Value, key: &'static str| match v.get(key) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(other) if !other.is_null() => Ok(other.to_string()),
        _ => Err(key),
    };
    Ok(match value.get("type").and_then(Value::as_str) {
        Some("text") => Some(ToolContent::text(text(&value, "text")?)),
        Some("image") => Some(ToolContent::image(
            text(&value, "data")?,
            text(&value, "mimeType")?,
        )),
        Some("resource_link") => {
            let parts: Vec<String> = ["name", "uri", "description"]
                .into_iter()
                .filter_map(|key| text(&value, key).ok().filter(|part| !part.is_empty()))
                .collect();
            Some(ToolContent::text(if parts.is_empty() {
                "Resource link".to_owned()
            } else {
                parts.join("\n")
            }))
        }
        Some("resource") => value
            .get("resource")
            .and_then(|resource| text(resource, "text").ok())
            .map(ToolContent::text),
        _ => None,
    })
}

fn bad_result(why: &str, value: &Value) -> Error {
    Error::MessageParse {
        kind: "tool result".into(),
        message: why.into(),
        raw: value.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_python_result_is_sent_as_the_python_sdk_sends_it() {
        let returned = json!({"content": [
            {"type": "text", "text": "plain", "note": "left out"},
            {"type": "image", "data": "AAAA", "mimeType": "image/png"},
            {"type": "resource_link", "uri": "file:///a.txt", "name": "a.txt", "description": "the a file"},
            {"type": "resource_link", "uri": ""},
            {"type": "resource", "resource": {"uri": "file:///b.txt", "text": "b's text"}},
            {"type": "resource", "resource": {"uri": "file:///c.bin", "blob": "AAAA"}},
            {"type": "audio", "data": "AAAA", "mimeType": "audio/wav"},
        ], "is_error": true, "structuredContent": {"a": 1}, "_meta": {"m": 1}});
        let sent = ToolResult::from_python_sdk_value(&returned)
            .unwrap()
            .to_value();
        assert_eq!(
            sent,
            json!({"content": [
                {"type": "text", "text": "plain"},
                {"type": "image", "data": "AAAA", "mimeType": "image/png"},
                {"type": "text", "text": "a.txt\nfile:///a.txt\nthe a file"},
                {"type": "text", "text": "Resource link"},
                {"type": "text", "text": "b's text"},
            ], "isError": true})
        );
        // Only `is_error` counts there; a block without its fields fails the call.
        let camel = json!({"content": [], "isError": true});
        assert!(!ToolResult::from_python_sdk_value(&camel).unwrap().is_error);
        let bare = json!({"content": [{"type": "image", "data": "AAAA"}]});
        let failed = ToolResult::from_python_sdk_value(&bare).unwrap();
        assert!(failed.is_error);
        assert_eq!(failed.content, vec![ToolContent::text("'mimeType'")]);
    }
}
