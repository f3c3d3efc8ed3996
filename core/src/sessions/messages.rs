//! `get_session_messages`: one streaming pass over the transcript builds a compact index
//! (no message bodies, [`index_file`]), the chain is resolved on it, and only the page's lines
//! are read again, one at a time ([`MessageLines`]). Memory is bounded by the index and the
//! page, not the transcript.

use super::chain::{conversation, is_visible, Node};
pub(crate) use super::line_index::{index_file, FileIndex};
use super::locate::find_session_file;
pub use super::message_lines::MessageLines;
use super::paths::is_uuid;
pub use super::raw_message::RawSessionMessage;
use super::ts_fields::ts_fields_of;
use super::ts_view::{self, absorbed_key, Shown};
use super::SessionMessage;
use crate::{Flavour, Result};
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
        ts_fields: entry.as_object().map(ts_fields_of).unwrap_or_default(),
    }
}

/// The messages of a session's main conversation, oldest first: the `parentUuid` chain from
/// the newest leaf, with parallel tool calls and results whole, user and assistant messages
/// only (also system ones with `include_system`, as the TypeScript SDK's
/// `includeSystemMessages`), then `page`. In the TypeScript flavour, as that SDK shows them:
/// a prompt queued mid-turn that the model took up is a user message (`isQueuedCommand`), a
/// finished local command's entries are marked, and a quiet turn's empty closing entry is
/// left out.
///
/// Empty when the id is not a UUID, the session is not found, or nothing is visible; corrupt
/// or truncated lines are skipped. With `dir`, looks in its project directory then its
/// worktrees'; without, in every project. Errors only for an I/O failure while reading.
pub fn get_session_messages(
    session_id: &str,
    dir: Option<&Path>,
    page: Page,
    include_system: bool,
    flavour: Flavour,
) -> Result<Vec<SessionMessage>> {
    Ok(session_message_lines(session_id, dir, page, include_system, flavour)?.into_messages())
}

/// [`get_session_messages`], located but not read: the lines of the page's messages.
pub fn session_message_lines(
    session_id: &str,
    dir: Option<&Path>,
    page: Page,
    include_system: bool,
    flavour: Flavour,
) -> Result<MessageLines> {
    if !is_uuid(session_id) {
        return Ok(MessageLines::default());
    }
    let Some((path, _)) = find_session_file(session_id, dir) else {
        return Ok(MessageLines::default());
    };
    let FileIndex {
        nodes,
        spans,
        absorbed,
    } = index_file(&path)?;
    let shown = shown(&nodes, &absorbed, include_system, flavour);
    let file = File::open(&path)?;
    let page = &shown[page.range(shown.len())];
    Ok(MessageLines::new(file, &nodes, spans, page, None, None))
}

/// What a main conversation shows, as `flavour`'s SDK shows it.
fn shown(
    nodes: &[Node],
    absorbed: &[Box<str>],
    include_system: bool,
    flavour: Flavour,
) -> Vec<Shown> {
    let mut chain = conversation(nodes);
    if flavour == Flavour::Ts {
        let trailing = ts_view::trailing(nodes, &chain);
        let after = trailing.len();
        chain.extend(trailing);
        return ts_view::view(nodes, &chain, after, false, Some(absorbed))
            .into_iter()
            .filter(|&s| ts_view::is_shown(nodes, s, include_system))
            .collect();
    }
    Shown::plain(
        chain
            .into_iter()
            .filter(|&i| is_visible(&nodes[i], include_system)),
    )
}

/// The message of a shown entry of `entries`, which `at` maps nodes to.
pub(crate) fn entry_message(
    nodes: &[Node],
    entries: &[&Value],
    shown: Shown,
    parent_tool_use_id: Option<&str>,
    parent_agent_id: Option<&str>,
) -> SessionMessage {
    match shown {
        Shown::Entry { node, completed } => {
            let mut m = to_message(entries[node], parent_tool_use_id, parent_agent_id);
            if completed {
                m.ts_fields = ts_view::completed_map(m.ts_fields);
            }
            m
        }
        Shown::Queued { node } => {
            let (uuid, message, ts_fields) =
                ts_view::queued_message(&nodes[node]).unwrap_or_default();
            let session_id = entries[node].get("sessionId").and_then(Value::as_str);
            SessionMessage {
                kind: "user".into(),
                uuid: uuid.into(),
                session_id: session_id.unwrap_or_default().into(),
                message: serde_json::from_str(message).unwrap_or_default(),
                parent_tool_use_id: parent_tool_use_id.map(str::to_owned),
                parent_agent_id: parent_agent_id.map(str::to_owned),
                ts_fields: ts_view::fields_map(ts_fields),
            }
        }
    }
}

/// The messages of a conversation held in memory (a session store's entries), exactly as
/// [`get_session_messages`] reads them from a file: the same chain, filter and page.
/// Entries that are not transcript entries (titles, tags, ...) are ignored.
pub fn messages_from_entries(
    entries: &[Value],
    page: Page,
    include_system: bool,
    flavour: Flavour,
) -> Vec<SessionMessage> {
    let (nodes, at): (Vec<Node>, Vec<&Value>) = entries
        .iter()
        .filter_map(|e| Node::from_value(e).map(|n| (n, e)))
        .unzip();
    let absorbed: Vec<Box<str>> = entries
        .iter()
        .filter_map(|e| e.as_object().and_then(absorbed_key))
        .collect();
    let shown = shown(&nodes, &absorbed, include_system, flavour);
    shown[page.range(shown.len())]
        .iter()
        .map(|&s| entry_message(&nodes, &at, s, None, None))
        .collect()
}
