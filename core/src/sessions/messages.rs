//! `get_session_messages`: one streaming pass over the transcript builds a compact index
//! (no message bodies), the chain is resolved on it, and only the page's lines are read again
//! and parsed. Memory is bounded by the index and the page, not the transcript.

use super::chain::{conversation, is_visible, Node};
use super::locate::find_session_file;
use super::paths::is_uuid;
use super::SessionMessage;
use crate::Result;
use serde_json::Value;
use std::fs::File;
use std::io::{BufRead, BufReader};
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

/// Where an entry's line is in the file.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Span {
    pub offset: u64,
    pub len: usize,
}

/// The index of a transcript file: its transcript entries and where each line is.
pub(crate) fn index_file(path: &Path) -> std::io::Result<(Vec<Node>, Vec<Span>)> {
    let file = File::open(path)?;
    let mut reader = BufReader::with_capacity(1 << 16, file);
    let mut nodes = Vec::new();
    let mut spans = Vec::new();
    let mut buf = Vec::new();
    let mut offset = 0u64;
    loop {
        buf.clear();
        let n = reader.read_until(b'\n', &mut buf)?;
        if n == 0 {
            break;
        }
        let start = offset;
        offset += n as u64;
        let Ok(line) = std::str::from_utf8(&buf) else {
            continue;
        };
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if let Some(node) = Node::from_line(line) {
            nodes.push(node);
            spans.push(Span {
                offset: start,
                len: n,
            });
        }
    }
    Ok((nodes, spans))
}

/// The fields of a transcript line a message keeps; the rest (tool results, usage, ...) is
/// skipped by the parser without being built.
#[derive(serde::Deserialize)]
struct Stored {
    #[serde(rename = "type")]
    kind: Option<String>,
    uuid: Option<String>,
    #[serde(rename = "sessionId")]
    session_id: Option<String>,
    #[serde(default)]
    message: Value,
}

/// Reads one indexed line again as a message (a line with a repeated key falls back to a
/// full parse, where the last value wins, as in the other readers). `buf` is reused from line
/// to line: a fresh zeroed buffer per line made the kernel zero pages for every large entry.
pub(crate) fn read_message(
    file: &File,
    span: Span,
    buf: &mut Vec<u8>,
    parent_tool_use_id: Option<&str>,
    parent_agent_id: Option<&str>,
) -> Option<SessionMessage> {
    if buf.len() < span.len {
        buf.resize(span.len, 0);
    }
    let buf = &mut buf[..span.len];
    read_at(file, buf, span.offset).ok()?;
    let stored = match serde_json::from_slice::<Stored>(buf) {
        Ok(stored) => stored,
        Err(_) => {
            let entry: Value = serde_json::from_slice(buf).ok()?;
            return Some(to_message(&entry, parent_tool_use_id, parent_agent_id));
        }
    };
    Some(SessionMessage {
        kind: stored.kind.unwrap_or_else(|| "assistant".into()),
        uuid: stored.uuid.unwrap_or_default(),
        session_id: stored.session_id.unwrap_or_default(),
        message: stored.message,
        parent_tool_use_id: parent_tool_use_id.map(str::to_owned),
        parent_agent_id: parent_agent_id.map(str::to_owned),
    })
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(not(unix))]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = file;
    f.seek(SeekFrom::Start(offset))?;
    f.read_exact(buf)
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
    if !is_uuid(session_id) {
        return Ok(Vec::new());
    }
    let Some((path, _)) = find_session_file(session_id, dir) else {
        return Ok(Vec::new());
    };
    let (nodes, spans) = index_file(&path)?;
    let visible: Vec<usize> = conversation(&nodes)
        .into_iter()
        .filter(|&i| is_visible(&nodes[i], include_system))
        .collect();
    let file = File::open(&path)?;
    let mut buf = Vec::new();
    Ok(visible[page.range(visible.len())]
        .iter()
        .filter_map(|&i| read_message(&file, spans[i], &mut buf, None, None))
        .collect())
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
