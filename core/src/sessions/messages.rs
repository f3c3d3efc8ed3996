//! `get_session_messages`: one streaming pass over the transcript builds a compact index
//! (no message bodies, [`index_file`]), the chain is resolved on it, and only the page's lines
//! are read again, one at a time ([`MessageLines`]). Memory is bounded by the index and the
//! page, not the transcript.

use super::chain::{conversation, is_visible, Node};
pub(crate) use super::line_index::index_file;
use super::line_index::{read_line, Span};
use super::locate::find_session_file;
use super::paths::is_uuid;
use super::SessionMessage;
use crate::Result;
use serde_json::value::RawValue;
use serde_json::Value;
use std::borrow::Cow;
use std::fs::File;
use std::path::Path;

/// Which slice of a conversation to return.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Page {
    /// At most this many messages (`None` or 0: no limit).
    pub limit: Option<usize>,
    /// Skip this many messages first.
    pub offset: usize,
}

impl Page {
    /// Everything.
    pub fn all() -> Self {
        Page::default()
    }

    /// The bounds of this page in a list of `len` items.
    pub(crate) fn range(&self, len: usize) -> std::ops::Range<usize> {
        let start = self.offset.min(len);
        let end = match self.limit.filter(|l| *l > 0) {
            Some(limit) => start.saturating_add(limit).min(len),
            None => len,
        };
        start..end
    }
}

/// A conversation located in its transcript: the lines of one page's messages, not read yet.
/// [`for_each`](Self::for_each) reads them one at a time, so a binding converts each message
/// straight from its JSON text, and memory holds one line, not the page as parsed values.
#[derive(Debug, Default)]
pub struct MessageLines {
    file: Option<File>,
    spans: Vec<Span>,
    parent_tool_use_id: Option<String>,
    parent_agent_id: Option<String>,
}

/// One message as read from its transcript line: the record's fields, borrowed from the line,
/// and the API message as JSON text (`null` when the entry has none).
#[derive(Debug, Clone, Copy)]
pub struct RawSessionMessage<'a> {
    /// `"user"` or `"assistant"` (or `"system"`).
    pub kind: &'a str,
    /// The transcript entry's UUID.
    pub uuid: &'a str,
    /// The session the message belongs to.
    pub session_id: &'a str,
    /// The Anthropic API message as stored, as its JSON text.
    pub message: &'a RawValue,
    /// For a subagent's messages: the `tool_use` id of the Agent call that started it.
    pub parent_tool_use_id: Option<&'a str>,
    /// For a subagent's messages: the agent that spawned this subagent.
    pub parent_agent_id: Option<&'a str>,
}

/// The fields of a transcript line a message keeps, borrowed; the rest (tool results, usage,
/// ...) is skipped by the parser without being built.
#[derive(serde::Deserialize)]
struct Stored<'a> {
    #[serde(rename = "type", borrow, default)]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    uuid: Option<Cow<'a, str>>,
    #[serde(rename = "sessionId", borrow, default)]
    session_id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    message: Option<&'a RawValue>,
}

impl MessageLines {
    pub(crate) fn new(
        file: File,
        spans: Vec<Span>,
        parent_tool_use_id: Option<String>,
        parent_agent_id: Option<String>,
    ) -> Self {
        MessageLines {
            file: Some(file),
            spans,
            parent_tool_use_id,
            parent_agent_id,
        }
    }

    /// How many lines: the messages, unless a line changed on disk since it was indexed
    /// (then it is skipped).
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether there is no message.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Reads the messages in order and hands each to `f`; stops at the first error of `f`.
    /// A line that cannot be read again or is no longer JSON is skipped.
    pub fn for_each<E>(
        &self,
        mut f: impl FnMut(RawSessionMessage<'_>) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let Some(file) = &self.file else {
            return Ok(());
        };
        let parent_tool_use_id = self.parent_tool_use_id.as_deref();
        let parent_agent_id = self.parent_agent_id.as_deref();
        let mut buf = Vec::new();
        for &span in &self.spans {
            let Ok(line) = read_line(file, span, &mut buf) else {
                continue;
            };
            match serde_json::from_slice::<Stored<'_>>(line) {
                Ok(stored) => f(RawSessionMessage {
                    kind: stored.kind.as_deref().unwrap_or("assistant"),
                    uuid: stored.uuid.as_deref().unwrap_or_default(),
                    session_id: stored.session_id.as_deref().unwrap_or_default(),
                    message: stored.message.unwrap_or(RawValue::NULL),
                    parent_tool_use_id,
                    parent_agent_id,
                })?,
                // A repeated key or an odd field: a full parse, where the last value wins, as
                // in the other readers.
                Err(_) => {
                    let Ok(entry) = serde_json::from_slice::<Value>(line) else {
                        continue;
                    };
                    let m = to_message(&entry, parent_tool_use_id, parent_agent_id);
                    let Ok(message) = serde_json::value::to_raw_value(&m.message) else {
                        continue;
                    };
                    f(RawSessionMessage {
                        kind: &m.kind,
                        uuid: &m.uuid,
                        session_id: &m.session_id,
                        message: &message,
                        parent_tool_use_id,
                        parent_agent_id,
                    })?
                }
            }
        }
        Ok(())
    }

    /// The messages, parsed.
    pub fn into_messages(self) -> Vec<SessionMessage> {
        let mut out = Vec::with_capacity(self.len());
        let _ = self.for_each(|m| {
            out.push(m.to_message());
            Ok::<(), std::convert::Infallible>(())
        });
        out
    }
}

impl RawSessionMessage<'_> {
    /// The message, parsed.
    pub fn to_message(&self) -> SessionMessage {
        SessionMessage {
            kind: self.kind.to_owned(),
            uuid: self.uuid.to_owned(),
            session_id: self.session_id.to_owned(),
            message: serde_json::from_str(self.message.get()).unwrap_or(Value::Null),
            parent_tool_use_id: self.parent_tool_use_id.map(str::to_owned),
            parent_agent_id: self.parent_agent_id.map(str::to_owned),
        }
    }

    /// Appends the record (as [`SessionMessage::to_value`] shapes it) as JSON text.
    pub fn write_json(&self, out: &mut String) {
        let text = |s: &str| Value::from(s).to_string();
        let opt = |s: Option<&str>| s.map_or_else(|| "null".to_owned(), text);
        out.push_str("{\"type\":");
        out.push_str(&text(self.kind));
        out.push_str(",\"uuid\":");
        out.push_str(&text(self.uuid));
        out.push_str(",\"session_id\":");
        out.push_str(&text(self.session_id));
        out.push_str(",\"message\":");
        out.push_str(self.message.get());
        out.push_str(",\"parent_tool_use_id\":");
        out.push_str(&opt(self.parent_tool_use_id));
        out.push_str(",\"parent_agent_id\":");
        out.push_str(&opt(self.parent_agent_id));
        out.push('}');
    }
}

/// The returned form of a transcript entry.
pub(crate) fn to_message(
    entry: &Value,
    parent_tool_use_id: Option<&str>,
    parent_agent_id: Option<&str>,
) -> SessionMessage {
    let kind = entry
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("assistant");
    SessionMessage {
        kind: kind.to_owned(),
        uuid: entry
            .get("uuid")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned(),
        session_id: entry
            .get("sessionId")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned(),
        message: entry.get("message").cloned().unwrap_or(Value::Null),
        parent_tool_use_id: parent_tool_use_id.map(str::to_owned),
        parent_agent_id: parent_agent_id.map(str::to_owned),
    }
}

/// The messages of a session's main conversation, oldest first: the `parentUuid` chain from
/// the newest leaf, with parallel tool calls and results whole, user and assistant messages
/// only (also system ones with `include_system`, as the TypeScript SDK's
/// `includeSystemMessages`), then `page`.
///
/// Empty when the id is not a UUID, the session is not found, or nothing is visible; corrupt
/// or truncated lines are skipped. With `dir`, looks in its project directory then its
/// worktrees'; without, in every project. Errors only for an I/O failure while reading.
pub fn get_session_messages(
    session_id: &str,
    dir: Option<&Path>,
    page: Page,
    include_system: bool,
) -> Result<Vec<SessionMessage>> {
    Ok(session_message_lines(session_id, dir, page, include_system)?.into_messages())
}

/// [`get_session_messages`], located but not read: the lines of the page's messages.
pub fn session_message_lines(
    session_id: &str,
    dir: Option<&Path>,
    page: Page,
    include_system: bool,
) -> Result<MessageLines> {
    if !is_uuid(session_id) {
        return Ok(MessageLines::default());
    }
    let Some((path, _)) = find_session_file(session_id, dir) else {
        return Ok(MessageLines::default());
    };
    let (nodes, spans) = index_file(&path)?;
    let visible: Vec<usize> = conversation(&nodes)
        .into_iter()
        .filter(|&i| is_visible(&nodes[i], include_system))
        .collect();
    let file = File::open(&path)?;
    let page_spans = visible[page.range(visible.len())]
        .iter()
        .map(|&i| spans[i])
        .collect();
    Ok(MessageLines::new(file, page_spans, None, None))
}

/// The messages of a conversation held in memory (a session store's entries), exactly as
/// [`get_session_messages`] reads them from a file: the same chain, filter and page.
/// Entries that are not transcript entries (titles, tags, ...) are ignored.
pub fn messages_from_entries(
    entries: &[Value],
    page: Page,
    include_system: bool,
) -> Vec<SessionMessage> {
    let (nodes, at): (Vec<Node>, Vec<usize>) = entries
        .iter()
        .enumerate()
        .filter_map(|(i, e)| Node::from_value(e).map(|n| (n, i)))
        .unzip();
    let visible: Vec<usize> = conversation(&nodes)
        .into_iter()
        .filter(|&i| is_visible(&nodes[i], include_system))
        .collect();
    visible[page.range(visible.len())]
        .iter()
        .map(|&i| to_message(&entries[at[i]], None, None))
        .collect()
}
