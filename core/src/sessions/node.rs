//! The compact index entry of one transcript line: what the chain needs, not the message.

use super::ts_marks::{marks_of, TsMarks};
use serde_json::{Map, Value};

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
    /// What the TypeScript SDK's view reads of the entry beyond the chain, for the few
    /// entries that have any.
    pub ts: Option<Box<TsMarks>>,
}

pub(super) fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// Each object block of a message's list `content`: its `type`, `id` and `tool_use_id`, where
/// they are strings.
pub(super) type Blocks<'v> = Vec<(Option<&'v str>, Option<&'v str>, Option<&'v str>)>;

/// [`Blocks`] of a parsed message.
pub(super) fn blocks_of(message: Option<&Map<String, Value>>) -> Blocks<'_> {
    match message.and_then(|m| m.get("content")) {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_object)
            .map(|b| {
                let s = |k: &str| b.get(k).and_then(Value::as_str);
                (s("type"), s("id"), s("tool_use_id"))
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The parts of a message the chain reads.
pub(super) struct MessageParts<'v> {
    pub id: Option<&'v str>,
    pub blocks: Blocks<'v>,
    pub content_is_list: bool,
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
        let parts = message.map(|m| MessageParts {
            id: m.get("id").and_then(Value::as_str),
            blocks: blocks_of(message),
            content_is_list: matches!(content, Some(Value::Array(_))),
        });
        let flag = |k: &str| obj.get(k).is_some_and(truthy);
        let text = |k: &str| obj.get(k).and_then(Value::as_str);
        let mut node = Node::build(
            kind,
            uuid,
            text("parentUuid"),
            [flag("isSidechain"), flag("isMeta"), flag("teamName")],
            obj.get("agentId").map(|v| v.to_string()),
            parts,
            text("sourceToolAssistantUUID"),
            text("timestamp"),
        );
        node.ts = marks_of(obj);
        Some(node)
    }

    /// The node of one JSONL line, reading only the fields the chain needs; `None` for a line
    /// that is not JSON or not a transcript entry.
    #[cfg(test)]
    pub fn from_line(line: &str) -> Option<Node> {
        match super::node_line::index_line(line)? {
            super::node_line::Indexed::Entry(l) => Some(l.node),
            super::node_line::Indexed::Absorbed(_) => None,
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn build(
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
