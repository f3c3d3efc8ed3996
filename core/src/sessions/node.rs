//! The compact index entry of one transcript line: what the chain needs, not the message.

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;
use std::borrow::Cow;

/// The entry types that take part in the `parentUuid` chain.
pub(crate) const TRANSCRIPT_TYPES: [&str; 5] =
    ["user", "assistant", "progress", "system", "attachment"];

/// What the chain needs of one transcript entry.
#[derive(Debug, Clone, Default)]
pub(crate) struct Node {
    pub kind: Box<str>,
    pub uuid: Box<str>,
    /// `parentUuid` when it is a non-empty string.
    pub parent: Option<Box<str>>,
    pub sidechain: bool,
    pub meta: bool,
    pub team: bool,
    /// `agentId`, as compact JSON (compared for equality only).
    pub agent_id: Option<Box<str>>,
    /// An assistant entry's API `message.id`.
    pub message_id: Option<Box<str>>,
    pub tool_use_ids: Vec<Box<str>>,
    pub tool_result_ids: Vec<Box<str>>,
    /// A user entry with a parent and a `tool_result` block.
    pub is_tool_result: bool,
    pub source_tool_assistant: Option<Box<str>>,
    pub timestamp: Option<Box<str>>,
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// The parts of a message the chain reads.
struct MessageParts<'v> {
    id: Option<&'v str>,
    blocks: Vec<(Option<&'v str>, Option<&'v str>, Option<&'v str>)>,
    content_is_list: bool,
}

impl Node {
    /// The node of a parsed entry; `None` when it is not a transcript entry with a string uuid.
    pub fn from_value(entry: &Value) -> Option<Node> {
        let obj = entry.as_object()?;
        let kind = obj.get("type")?.as_str()?;
        if !TRANSCRIPT_TYPES.contains(&kind) {
            return None;
        }
        let uuid = obj.get("uuid")?.as_str()?;
        let message = obj.get("message").and_then(Value::as_object);
        let content = message.and_then(|m| m.get("content"));
        let blocks: Vec<_> = match content {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(Value::as_object)
                .map(|b| {
                    let s = |k: &str| b.get(k).and_then(Value::as_str);
                    (s("type"), s("id"), s("tool_use_id"))
                })
                .collect(),
            _ => Vec::new(),
        };
        let parts = message.map(|m| MessageParts {
            id: m.get("id").and_then(Value::as_str),
            blocks,
            content_is_list: matches!(content, Some(Value::Array(_))),
        });
        let flag = |k: &str| obj.get(k).is_some_and(truthy);
        let text = |k: &str| obj.get(k).and_then(Value::as_str);
        Some(Node::build(
            kind,
            uuid,
            text("parentUuid"),
            [flag("isSidechain"), flag("isMeta"), flag("teamName")],
            obj.get("agentId").map(|v| v.to_string()),
            parts,
            text("sourceToolAssistantUUID"),
            text("timestamp"),
        ))
    }

    /// The node of one JSONL line, reading only the fields the chain needs; `None` for a line
    /// that is not JSON or not a transcript entry.
    pub fn from_line(line: &str) -> Option<Node> {
        match serde_json::from_str::<LineFields<'_>>(line) {
            Ok(fields) => fields.into_node(),
            // Duplicate keys and other oddities: the slow, exact path.
            Err(_) => Node::from_value(&serde_json::from_str::<Value>(line).ok()?),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn build(
        kind: &str,
        uuid: &str,
        parent: Option<&str>,
        [sidechain, meta, team]: [bool; 3],
        agent_id: Option<String>,
        message: Option<MessageParts<'_>>,
        source: Option<&str>,
        timestamp: Option<&str>,
    ) -> Node {
        let parent = parent.filter(|p| !p.is_empty());
        let mut node = Node {
            kind: kind.into(),
            uuid: uuid.into(),
            parent: parent.map(Into::into),
            sidechain,
            meta,
            team,
            agent_id: agent_id.map(Into::into),
            source_tool_assistant: source.map(Into::into),
            timestamp: timestamp.map(Into::into),
            ..Node::default()
        };
        if let Some(m) = message {
            if kind == "assistant" {
                node.message_id = m.id.filter(|i| !i.is_empty()).map(Into::into);
            }
            for (block_type, id, tool_use_id) in &m.blocks {
                match *block_type {
                    Some("tool_use") => node.tool_use_ids.extend(id.map(Into::into)),
                    Some("tool_result") => {
                        node.tool_result_ids.extend(tool_use_id.map(Into::into));
                        if kind == "user" && parent.is_some() && m.content_is_list {
                            node.is_tool_result = true;
                        }
                    }
                    _ => {}
                }
            }
        }
        node
    }

    pub fn is_user_or_assistant(&self) -> bool {
        matches!(&*self.kind, "user" | "assistant")
    }
}

/// The top-level fields of a line, borrowed where possible; everything else is skipped.
#[derive(Deserialize)]
struct LineFields<'a> {
    #[serde(rename = "type", borrow, default)]
    kind: Option<&'a RawValue>,
    #[serde(borrow, default)]
    uuid: Option<&'a RawValue>,
    #[serde(rename = "parentUuid", borrow, default)]
    parent: Option<&'a RawValue>,
    #[serde(rename = "isSidechain", borrow, default)]
    sidechain: Option<&'a RawValue>,
    #[serde(rename = "isMeta", borrow, default)]
    meta: Option<&'a RawValue>,
    #[serde(rename = "teamName", borrow, default)]
    team: Option<&'a RawValue>,
    #[serde(rename = "agentId", borrow, default)]
    agent_id: Option<&'a RawValue>,
    #[serde(borrow, default)]
    message: Option<&'a RawValue>,
    #[serde(rename = "sourceToolAssistantUUID", borrow, default)]
    source: Option<&'a RawValue>,
    #[serde(borrow, default)]
    timestamp: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct MessageFields<'a> {
    #[serde(borrow, default)]
    id: Option<&'a RawValue>,
    #[serde(borrow, default)]
    content: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct BlockFields<'a> {
    #[serde(rename = "type", borrow, default)]
    kind: Option<&'a RawValue>,
    #[serde(borrow, default)]
    id: Option<&'a RawValue>,
    #[serde(borrow, default)]
    tool_use_id: Option<&'a RawValue>,
}

/// A raw value as a string, when it is one.
fn raw_str<'a>(raw: Option<&'a RawValue>) -> Option<Cow<'a, str>> {
    let raw = raw?;
    if !raw.get().starts_with('"') {
        return None;
    }
    serde_json::from_str::<Cow<'a, str>>(raw.get()).ok()
}

fn raw_truthy(raw: Option<&RawValue>) -> bool {
    raw.and_then(|r| serde_json::from_str::<Value>(r.get()).ok())
        .is_some_and(|v| truthy(&v))
}

impl<'a> LineFields<'a> {
    fn into_node(self) -> Option<Node> {
        let kind = raw_str(self.kind)?;
        if !TRANSCRIPT_TYPES.contains(&&*kind) {
            return None;
        }
        let uuid = raw_str(self.uuid)?;
        let message = self
            .message
            .filter(|m| m.get().starts_with('{'))
            .and_then(|m| serde_json::from_str::<MessageFields<'a>>(m.get()).ok());
        let message_strs;
        let mut block_strs: Vec<[Option<Cow<'a, str>>; 3]> = Vec::new();
        let mut content_is_list = false;
        if let Some(m) = &message {
            if let Some(content) = m.content.filter(|c| c.get().starts_with('[')) {
                content_is_list = true;
                let items: Vec<&RawValue> = serde_json::from_str(content.get()).unwrap_or_default();
                for item in items {
                    if !item.get().starts_with('{') {
                        continue;
                    }
                    let Ok(block) = serde_json::from_str::<BlockFields<'_>>(item.get()) else {
                        continue;
                    };
                    block_strs.push([
                        raw_str(block.kind),
                        raw_str(block.id),
                        raw_str(block.tool_use_id),
                    ]);
                }
            }
            message_strs = Some(raw_str(m.id));
        } else {
            message_strs = None;
        }
        let parts = message_strs.as_ref().map(|id| MessageParts {
            id: id.as_deref(),
            blocks: block_strs
                .iter()
                .map(|[t, i, u]| (t.as_deref(), i.as_deref(), u.as_deref()))
                .collect(),
            content_is_list,
        });
        let agent_id = self
            .agent_id
            .and_then(|r| serde_json::from_str::<Value>(r.get()).ok())
            .map(|v| v.to_string());
        Some(Node::build(
            &kind,
            &uuid,
            raw_str(self.parent).as_deref(),
            [
                raw_truthy(self.sidechain),
                raw_truthy(self.meta),
                raw_truthy(self.team),
            ],
            agent_id,
            parts,
            raw_str(self.source).as_deref(),
            raw_str(self.timestamp).as_deref(),
        ))
    }
}
