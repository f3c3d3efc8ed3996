//! One message of a conversation as read from its transcript line, before a binding converts
//! it: the record's fields, and the API message as the JSON text stored in the line.

use super::ts_view::fields_map;
use super::SessionMessage;
use crate::Flavour;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// One message as read from its transcript line: the record's fields and the API message as
/// the JSON text stored in the line (`null` when the entry has none).
#[derive(Debug, Clone, Copy)]
pub struct RawSessionMessage<'a> {
    /// `"user"` or `"assistant"` (or `"system"`).
    pub kind: &'a str,
    /// The transcript entry's UUID.
    pub uuid: &'a str,
    /// The session the message belongs to.
    pub session_id: &'a str,
    /// The Anthropic API message as stored: JSON text, checked when the transcript was
    /// indexed. Parse it as such, and skip the message if that fails (the file changed since).
    pub message: &'a str,
    /// For a subagent's messages: the `tool_use` id of the Agent call that started it.
    pub parent_tool_use_id: Option<&'a str>,
    /// For a subagent's messages: the agent that spawned this subagent.
    pub parent_agent_id: Option<&'a str>,
    /// The entry's `timestamp`, a string, when `ts_fields` is empty: then it alone is the
    /// TypeScript record's further fields (most entries).
    pub timestamp: Option<&'a str>,
    /// The TypeScript SDK's [further fields](SessionMessage::ts_fields) of the record, as
    /// JSON text to append to it (`,"key":value` each); empty when they are the `timestamp`
    /// alone, or none.
    pub ts_fields: &'a str,
}

impl RawSessionMessage<'_> {
    /// The message, parsed; `None` when its text is no longer JSON.
    pub fn to_message(&self) -> Option<SessionMessage> {
        Some(SessionMessage {
            kind: self.kind.to_owned(),
            uuid: self.uuid.to_owned(),
            session_id: self.session_id.to_owned(),
            message: serde_json::from_str(self.message).ok()?,
            parent_tool_use_id: self.parent_tool_use_id.map(str::to_owned),
            parent_agent_id: self.parent_agent_id.map(str::to_owned),
            ts_fields: self.ts_fields_map(),
        })
    }

    /// Appends the record (as [`SessionMessage::to_value`] shapes it for `flavour`) as JSON
    /// text; `false` (and nothing appended) when the message's text is no longer JSON.
    pub fn write_json(&self, out: &mut String, flavour: Flavour) -> bool {
        if serde_json::from_str::<&RawValue>(self.message).is_err() {
            return false;
        }
        let text = |s: &str| Value::from(s).to_string();
        let opt = |s: Option<&str>| s.map_or_else(|| "null".to_owned(), text);
        out.push_str("{\"type\":");
        out.push_str(&text(self.kind));
        out.push_str(",\"uuid\":");
        out.push_str(&text(self.uuid));
        out.push_str(",\"session_id\":");
        out.push_str(&text(self.session_id));
        out.push_str(",\"message\":");
        out.push_str(self.message);
        out.push_str(",\"parent_tool_use_id\":");
        out.push_str(&opt(self.parent_tool_use_id));
        out.push_str(",\"parent_agent_id\":");
        out.push_str(&opt(self.parent_agent_id));
        if flavour == Flavour::Ts {
            match self.timestamp {
                Some(timestamp) if self.ts_fields.is_empty() => {
                    out.push_str(",\"timestamp\":");
                    out.push_str(&text(timestamp));
                }
                _ => out.push_str(self.ts_fields),
            }
        }
        out.push('}');
        true
    }

    /// The TypeScript record's further fields.
    pub fn ts_fields_map(&self) -> Map<String, Value> {
        match self.timestamp {
            Some(timestamp) if self.ts_fields.is_empty() => {
                Map::from_iter([("timestamp".to_owned(), Value::from(timestamp))])
            }
            _ => fields_map(self.ts_fields),
        }
    }
}
