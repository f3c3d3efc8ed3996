//! `get_session_messages`: one streaming pass over the transcript builds a compact index
//! (no message bodies, [`index_file`]), the chain is resolved on it, and only the page's lines
//! are read again, one at a time ([`MessageLines`]). Memory is bounded by the index and the
//! page, not the transcript.

use super::chain::{conversation, is_visible, Node};
pub(crate) use super::line_index::index_file;
use super::line_index::{read_exact_at, Span};
use super::locate::find_session_file;
use super::node_line::MessageAt;
use super::paths::is_uuid;
use super::SessionMessage;
use crate::Result;
use serde_json::value::RawValue;
use serde_json::Value;
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
/// straight from its JSON text, and memory holds one message, not the page as parsed values.
#[derive(Debug, Default)]
pub struct MessageLines {
    file: Option<File>,
    lines: Vec<PageLine>,
    parent_tool_use_id: Option<String>,
    parent_agent_id: Option<String>,
}

/// One message's line: what the index read of it.
#[derive(Debug)]
struct PageLine {
    kind: Box<str>,
    uuid: Box<str>,
    span: Span,
}

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
}

impl MessageLines {
    /// The lines of `page` of `chain` (indices into `nodes` and `spans`, the file's index).
    pub(crate) fn new(
        file: File,
        nodes: &[Node],
        mut spans: Vec<Span>,
        chain: &[usize],
        parent_tool_use_id: Option<String>,
        parent_agent_id: Option<String>,
    ) -> Self {
        let lines = chain
            .iter()
            .map(|&i| PageLine {
                kind: nodes[i].kind.clone(),
                uuid: nodes[i].uuid.clone(),
                span: std::mem::take(&mut spans[i]),
            })
            .collect();
        MessageLines {
            file: Some(file),
            lines,
            parent_tool_use_id,
            parent_agent_id,
        }
    }

    /// How many lines: the messages, unless a line changed on disk since it was indexed
    /// (then it is skipped).
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Whether there is no message.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Reads the messages in order and hands each to `f`; stops at the first error of `f`.
    /// A line that cannot be read again is skipped.
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
        for line in &self.lines {
            let span = &line.span;
            let message = match span.message {
                MessageAt::Absent => "null",
                MessageAt::At { start, len } => {
                    let at = span.offset + start as u64;
                    match read_exact_at(file, at, len, &mut buf).map(std::str::from_utf8) {
                        Ok(Ok(text)) => text,
                        _ => continue,
                    }
                }
                MessageAt::Reparse => {
                    // A repeated key: a full parse, where the last value wins, as in the other
                    // readers.
                    let Ok(bytes) = read_exact_at(file, span.offset, span.len, &mut buf) else {
                        continue;
                    };
                    let Ok(entry) = serde_json::from_slice::<Value>(bytes) else {
                        continue;
                    };
                    let m = to_message(&entry, parent_tool_use_id, parent_agent_id);
                    f(RawSessionMessage {
                        kind: &m.kind,
                        uuid: &m.uuid,
                        session_id: &m.session_id,
                        message: &m.message.to_string(),
                        parent_tool_use_id,
                        parent_agent_id,
                    })?;
                    continue;
                }
            };
            f(RawSessionMessage {
                kind: &line.kind,
                uuid: &line.uuid,
                session_id: span.session_id.as_deref().unwrap_or_default(),
                message,
                parent_tool_use_id,
                parent_agent_id,
            })?;
        }
        Ok(())
    }

    /// The messages, parsed.
    pub fn into_messages(self) -> Vec<SessionMessage> {
        let mut out = Vec::with_capacity(self.len());
        let _ = self.for_each(|m| {
            if let Some(m) = m.to_message() {
                out.push(m);
            }
            Ok::<(), std::convert::Infallible>(())
        });
        out
    }
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
        })
    }

    /// Appends the record (as [`SessionMessage::to_value`] shapes it) as JSON text; `false`
    /// (and nothing appended) when the message's text is no longer JSON.
    pub fn write_json(&self, out: &mut String) -> bool {
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
        out.push('}');
        true
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
    let chain = &visible[page.range(visible.len())];
    Ok(MessageLines::new(file, &nodes, spans, chain, None, None))
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
