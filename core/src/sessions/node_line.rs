//! The fast reading of one transcript line into its [`Node`]: one parser pass checks the line
//! and keeps the few top-level fields the chain needs (borrowed from the line where they hold
//! no escapes) and where the message's text is; the rest, tool results and all, is skipped
//! without being built. The message's own fields are then read from its checked text
//! ([`scan_message`]). Shapes the chain does not read (a `message` that is not an object, a
//! block that is not one, a uuid that is not a string) are read as absent, as the exact path
//! reads them; a repeated top-level key fails, and the caller falls back to the exact path over
//! a full parse.

use super::message_scan::scan_message;
use super::node::{truthy, MessageParts, Node, TRANSCRIPT_TYPES};
use super::ts_fields::{only_tool_result, text, ts_fields, ts_fields_of};
use super::ts_marks::{marks_of, may_have_marks, Hints};
use super::ts_view::{absorbed, absorbed_key};
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::Value;
use std::borrow::Cow;
use std::fmt;

/// The top-level fields of a line the chain reads; every other field is skipped.
#[derive(serde::Deserialize)]
struct LineFields<'a> {
    #[serde(rename = "type", borrow, default)]
    kind: Str<'a>,
    #[serde(borrow, default)]
    uuid: Str<'a>,
    #[serde(rename = "parentUuid", borrow, default)]
    parent: Str<'a>,
    #[serde(rename = "isSidechain", default)]
    sidechain: Truthy,
    #[serde(rename = "isMeta", borrow, default)]
    meta: Option<&'a RawValue>,
    #[serde(rename = "teamName", default)]
    team: Truthy,
    #[serde(rename = "agentId", borrow, default)]
    agent_id: Option<&'a RawValue>,
    #[serde(borrow, default)]
    message: Option<&'a RawValue>,
    #[serde(rename = "sessionId", borrow, default)]
    session_id: Str<'a>,
    #[serde(rename = "sourceToolAssistantUUID", borrow, default)]
    source: Str<'a>,
    #[serde(borrow, default)]
    timestamp: Raw<'a>,
    /// The fields only the TypeScript SDK's record reads ([`ts_fields`]).
    #[serde(rename = "interruptedByShutdown", borrow, default)]
    shutdown: Option<&'a RawValue>,
    #[serde(rename = "toolDenialUnanswered", borrow, default)]
    denial_unanswered: Option<&'a RawValue>,
    #[serde(rename = "toolDenialKind", borrow, default)]
    denial_kind: Option<&'a RawValue>,
    #[serde(rename = "isCompactSummary", borrow, default)]
    compact: Option<&'a RawValue>,
    #[serde(rename = "isVisibleInTranscriptOnly", borrow, default)]
    transcript_only: Option<&'a RawValue>,
    #[serde(rename = "isQueuedCommand", borrow, default)]
    queued: Option<&'a RawValue>,
    #[serde(rename = "isCompletedLocalCommand", borrow, default)]
    local_command: Option<&'a RawValue>,
    #[serde(borrow, default)]
    origin: Option<&'a RawValue>,
    /// Read by the TypeScript SDK's view ([`may_have_marks`]).
    #[serde(rename = "closesQuietTurn", borrow, default)]
    closes_quiet: Option<&'a RawValue>,
    #[serde(borrow, default)]
    attachment: Option<&'a RawValue>,
    /// A `queue-operation` line's, for the prompts the CLI took up mid-turn.
    #[serde(borrow, default)]
    operation: Str<'a>,
    #[serde(borrow, default)]
    reason: Str<'a>,
    #[serde(rename = "deliveryId", borrow, default)]
    delivery_id: Str<'a>,
    #[serde(rename = "commandUuid", borrow, default)]
    command_uuid: Str<'a>,
}

/// What one line gives the index. Returned once per line and taken apart at once: boxing the
/// entry would cost an allocation a line.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
pub(crate) enum Indexed {
    /// A transcript entry.
    Entry(IndexedLine),
    /// A prompt the CLI took up mid-turn: its key ([`absorbed`]).
    Absorbed(Box<str>),
}

/// One indexed transcript line: its node, and what reading its message needs again.
#[derive(Debug)]
pub(crate) struct IndexedLine {
    pub node: Node,
    /// `sessionId` when it is a string.
    pub session_id: Option<Box<str>>,
    pub message: MessageAt,
    /// The TypeScript SDK's further fields of the record, as JSON text ([`ts_fields`]);
    /// `None` when they are the node's `timestamp` alone.
    pub ts_fields: Option<Box<str>>,
}

/// Where a line's `message` is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum MessageAt {
    /// The line has none (or `null`).
    #[default]
    Absent,
    /// These bytes of the line are its JSON text.
    At { start: usize, len: usize },
    /// The line must be parsed whole again (a repeated key: the last value wins).
    Reparse,
}

/// Reads one JSONL line: `None` when it is not JSON, or neither a transcript entry nor a
/// prompt taken up.
pub(crate) fn index_line(line: &str) -> Option<Indexed> {
    match serde_json::from_str::<LineFields<'_>>(line) {
        Ok(fields) => fields.into_indexed(line).unwrap_or_else(|| exact(line)),
        Err(_) => exact(line),
    }
}

/// Duplicate keys and other oddities: the slow, exact path over a full parse.
fn exact(line: &str) -> Option<Indexed> {
    let entry = serde_json::from_str::<Value>(line).ok()?;
    let object = entry.as_object()?;
    if object.get("type").and_then(Value::as_str) == Some("queue-operation") {
        return absorbed_key(object).map(Indexed::Absorbed);
    }
    Some(Indexed::Entry(IndexedLine {
        node: Node::from_value(&entry)?,
        session_id: object
            .get("sessionId")
            .and_then(Value::as_str)
            .map(Into::into),
        message: MessageAt::Reparse,
        ts_fields: Some(
            entry
                .as_object()
                .map(ts_fields_of)
                .map(text)
                .unwrap_or_default(),
        ),
    }))
}

impl<'a> LineFields<'a> {
    /// The line read; `Some(None)` when it gives nothing, `None` when its message needs the
    /// exact path.
    fn into_indexed(self, line: &str) -> Option<Option<Indexed>> {
        let Some(kind) = self.kind.0 else {
            return Some(None);
        };
        if kind == "queue-operation" {
            let key = absorbed(
                self.operation.get(),
                self.reason.get(),
                self.delivery_id.get(),
                self.command_uuid.get(),
            );
            return Some(key.map(Indexed::Absorbed));
        }
        if !TRANSCRIPT_TYPES.contains(&&*kind) {
            return Some(None);
        }
        let Some(uuid) = self.uuid.0 else {
            return Some(None);
        };
        let (fields, at) = match self.message {
            None => (None, MessageAt::Absent),
            Some(raw) => {
                let text = raw.get();
                let start = text.as_ptr() as usize - line.as_ptr() as usize;
                let at = MessageAt::At {
                    start,
                    len: text.len(),
                };
                (scan_message(text), at)
            }
        };
        let text_marked = fields.as_ref().is_some_and(|m| m.marked);
        let parts = fields.as_ref().map(|m| MessageParts {
            id: m.id.as_deref(),
            blocks: m.content.as_ref().map_or_else(Vec::new, |blocks| {
                blocks
                    .iter()
                    .map(|[t, i, u]| (t.as_deref(), i.as_deref(), u.as_deref()))
                    .collect()
            }),
            content_is_list: m.content.is_some(),
        });
        let raw =
            |r: Option<&RawValue>| r.and_then(|r| serde_json::from_str::<Value>(r.get()).ok());
        let field = |key: &str| {
            raw(match key {
                "isMeta" => self.meta,
                "timestamp" => self.timestamp.0,
                "interruptedByShutdown" => self.shutdown,
                "toolDenialUnanswered" => self.denial_unanswered,
                "toolDenialKind" => self.denial_kind,
                "isCompactSummary" => self.compact,
                "isVisibleInTranscriptOnly" => self.transcript_only,
                "isQueuedCommand" => self.queued,
                "isCompletedLocalCommand" => self.local_command,
                "origin" => self.origin,
                _ => None,
            })
        };
        let rare = [
            self.meta,
            self.shutdown,
            self.denial_unanswered,
            self.denial_kind,
            self.compact,
            self.transcript_only,
            self.queued,
            self.local_command,
            self.origin,
        ];
        // Most lines have none of them but a string timestamp, which the node keeps anyway:
        // their record's fields are made from it when the line is read ([`MessageLines`]).
        let odd_timestamp = self.timestamp.0.is_some_and(|t| !t.get().starts_with('"'));
        let ts_fields = (odd_timestamp || rare.iter().any(Option::is_some)).then(|| {
            let tool_result = parts.as_ref().and_then(|m| only_tool_result(&m.blocks));
            text(ts_fields(&field, tool_result))
        });
        let meta = self.meta.is_some() && field("isMeta").is_some_and(|v| truthy(&v));
        let timestamp: Option<Cow<'_, str>> = self.timestamp.0.and_then(|t| {
            // Most timestamps are plain strings: their text between the quotes, as it is.
            let raw = t.get();
            match raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
                Some(plain) if !plain.contains('\\') => Some(Cow::Borrowed(plain)),
                _ => serde_json::from_str::<String>(raw).ok().map(Cow::Owned),
            }
        });
        let agent_id = self
            .agent_id
            .and_then(|r| serde_json::from_str::<Value>(r.get()).ok())
            .map(|v| v.to_string());
        let mut node = Node::build(
            &kind,
            &uuid,
            self.parent.get(),
            [self.sidechain.0, meta, self.team.0],
            agent_id,
            parts,
            self.source.get(),
            timestamp.as_deref(),
        );
        let hints = Hints {
            attachment: self.attachment.map(RawValue::get),
            closes_quiet: self.closes_quiet.is_some(),
            compact: self.compact.is_some(),
            origin: self.origin.is_some(),
            meta: self.meta.is_some(),
            text_marked,
        };
        if may_have_marks(&kind, &hints) {
            if let Ok(Value::Object(entry)) = serde_json::from_str::<Value>(line) {
                node.ts = marks_of(&entry);
            }
        }
        Some(Some(Indexed::Entry(IndexedLine {
            node,
            session_id: self.session_id.get().map(Into::into),
            message: at,
            ts_fields,
        })))
    }
}

/// Drains a map or a sequence the reader does not keep.
fn drain_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<usize, A::Error> {
    let mut n = 0;
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {
        n += 1;
    }
    Ok(n)
}

fn drain_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<usize, A::Error> {
    let mut n = 0;
    while seq.next_element::<IgnoredAny>()?.is_some() {
        n += 1;
    }
    Ok(n)
}

/// A value the chain reads only when it is a string.
#[derive(Default)]
struct Str<'a>(Option<Cow<'a, str>>);

impl Str<'_> {
    fn get(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Str<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Str<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Str<'de>, E> {
                Ok(Str(Some(Cow::Borrowed(s))))
            }
            fn visit_str<E>(self, s: &str) -> Result<Str<'de>, E> {
                Ok(Str(Some(Cow::Owned(s.to_owned()))))
            }
            fn visit_string<E>(self, s: String) -> Result<Str<'de>, E> {
                Ok(Str(Some(Cow::Owned(s))))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Str<'de>, E> {
                Ok(Str(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Str<'de>, E> {
                Ok(Str(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Str<'de>, E> {
                Ok(Str(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Str<'de>, E> {
                Ok(Str(None))
            }
            fn visit_unit<E>(self) -> Result<Str<'de>, E> {
                Ok(Str(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Str<'de>, A::Error> {
                drain_seq(seq).map(|_| Str(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Str<'de>, A::Error> {
                drain_map(map).map(|_| Str(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// A field's JSON text whatever it holds, `null` included (an `Option<&RawValue>` reads
/// `null` as absent).
#[derive(Default)]
struct Raw<'a>(Option<&'a RawValue>);

impl<'de: 'a, 'a> Deserialize<'de> for Raw<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        <&RawValue>::deserialize(d).map(|raw| Raw(Some(raw)))
    }
}

/// A flag: the Python truth value of whatever the field holds.
#[derive(Default)]
struct Truthy(bool);

impl<'de> Deserialize<'de> for Truthy {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Truthy;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_bool<E>(self, b: bool) -> Result<Truthy, E> {
                Ok(Truthy(b))
            }
            fn visit_i64<E>(self, n: i64) -> Result<Truthy, E> {
                Ok(Truthy(n != 0))
            }
            fn visit_u64<E>(self, n: u64) -> Result<Truthy, E> {
                Ok(Truthy(n != 0))
            }
            fn visit_f64<E>(self, n: f64) -> Result<Truthy, E> {
                Ok(Truthy(n != 0.0))
            }
            fn visit_str<E>(self, s: &str) -> Result<Truthy, E> {
                Ok(Truthy(!s.is_empty()))
            }
            fn visit_unit<E>(self) -> Result<Truthy, E> {
                Ok(Truthy(false))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Truthy, A::Error> {
                drain_seq(seq).map(|n| Truthy(n > 0))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Truthy, A::Error> {
                drain_map(map).map(|n| Truthy(n > 0))
            }
        }
        d.deserialize_any(V)
    }
}
