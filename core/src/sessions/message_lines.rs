//! A page of a conversation, located in its transcript and read one message at a time: each
//! message's JSON text is handed over as it is read, for a binding to convert straight into
//! its own objects (no parsed page in between).

use super::line_index::{read_exact_at, Span};
use super::messages::to_message;
use super::node::Node;
use super::node_line::MessageAt;
use super::raw_message::RawSessionMessage;
use super::ts_fields;
use super::ts_view::{self, queued_message, Shown};
use super::SessionMessage;
use serde_json::{Map, Value};
use std::fs::File;

/// The bytes of `span`'s line that its message needs: the message's text, the whole line for
/// one that must be parsed again, none when there is no message.
fn needed(span: &Span) -> (u64, usize) {
    match span.message {
        MessageAt::Absent => (span.offset, 0),
        MessageAt::At { start, len } => (span.offset + start as u64, len),
        MessageAt::Reparse => (span.offset, span.len),
    }
}

/// The most bytes one read covers (the messages of a page mostly follow each other in the
/// file: one read serves many, instead of a system call each).
const BATCH_BYTES: u64 = 1 << 20;
/// The widest gap between two messages that one read still spans.
const BATCH_GAP: u64 = 32 << 10;
/// From this many bytes to read, a page is read ahead on a thread of its own.
const READ_AHEAD_BYTES: u64 = 4 << 20;

/// One read: the lines it covers (indices into the page) and its bytes in the file.
struct ReadBatch {
    lines: std::ops::Range<usize>,
    start: u64,
    end: u64,
}

impl ReadBatch {
    fn len(&self) -> usize {
        // A page's batch is at most `BATCH_BYTES` or one line, which was read whole once.
        usize::try_from(self.end - self.start).unwrap_or(usize::MAX)
    }
}

/// A batch's bytes as read: checked as UTF-8 as a whole when the reader could, or not.
#[derive(Clone, Copy)]
enum Read<'a> {
    Text(&'a str),
    Bytes(&'a [u8]),
}

/// A batch read ahead, owned: the reader thread's [`Read`].
enum ReadAhead {
    Text(String),
    Bytes(Vec<u8>),
}

impl ReadAhead {
    fn view(&self) -> Read<'_> {
        match self {
            ReadAhead::Text(text) => Read::Text(text),
            ReadAhead::Bytes(bytes) => Read::Bytes(bytes),
        }
    }

    fn into_bytes(self) -> Vec<u8> {
        match self {
            ReadAhead::Text(text) => text.into_bytes(),
            ReadAhead::Bytes(bytes) => bytes,
        }
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
    /// The entry's `timestamp` when it is a string.
    timestamp: Option<Box<str>>,
    span: Span,
    /// How the TypeScript SDK's view shows the entry, when not as it is.
    view: View,
}

/// How a page line's entry is shown.
#[derive(Debug, Default)]
enum View {
    /// As it is.
    #[default]
    Entry,
    /// Marked `isCompletedLocalCommand`.
    Completed,
    /// As the user message its queued prompt stands for: the message and the record's
    /// fields after the six, as JSON text (nothing of the line is read).
    Queued(Box<str>, Box<str>),
}

impl MessageLines {
    /// The lines of `page`, entries shown of a chain (indices into `nodes` and `spans`, the
    /// file's index).
    pub(crate) fn new(
        file: File,
        nodes: &[Node],
        mut spans: Vec<Span>,
        page: &[Shown],
        parent_tool_use_id: Option<String>,
        parent_agent_id: Option<String>,
    ) -> Self {
        let lines = page
            .iter()
            .map(|&shown| {
                let (i, view) = match shown {
                    Shown::Entry { node, completed } => (
                        node,
                        if completed {
                            View::Completed
                        } else {
                            View::Entry
                        },
                    ),
                    Shown::Queued { node } => (node, View::Entry),
                };
                let mut line = PageLine {
                    kind: nodes[i].kind.clone(),
                    uuid: nodes[i].uuid.clone(),
                    timestamp: nodes[i].timestamp.clone(),
                    span: std::mem::take(&mut spans[i]),
                    view,
                };
                if let Some((uuid, message, fields)) = matches!(shown, Shown::Queued { .. })
                    .then(|| queued_message(&nodes[i]))
                    .flatten()
                {
                    line.kind = "user".into();
                    line.uuid = uuid.into();
                    line.span.message = MessageAt::Absent;
                    line.view = View::Queued(message.into(), fields.into());
                }
                line
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
    /// A line that cannot be read again is skipped. Messages that follow each other closely in
    /// the file are read together, and a large page is read ahead on a thread of its own, one
    /// batch of lines at a time (a hand-over per message was measured: it cost more than the
    /// read it saved; one per megabyte does not).
    pub fn for_each<E>(
        &self,
        mut f: impl FnMut(RawSessionMessage<'_>) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let Some(file) = &self.file else {
            return Ok(());
        };
        let batches = self.batches();
        let total: u64 = batches.iter().map(|b| b.end - b.start).sum();
        if total < READ_AHEAD_BYTES {
            let mut buf = Vec::new();
            for batch in &batches {
                let read = read_exact_at(file, batch.start, batch.len(), &mut buf).ok();
                self.emit_batch(file, batch, read.map(Read::Bytes), &mut f)?;
            }
            return Ok(());
        }
        std::thread::scope(|scope| {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Option<ReadAhead>>(2);
            let (spare_tx, spare_rx) = std::sync::mpsc::channel::<Vec<u8>>();
            let plan = &batches;
            scope.spawn(move || {
                for batch in plan {
                    let mut buf = spare_rx.try_recv().unwrap_or_default();
                    let read =
                        match read_exact_at(file, batch.start, batch.len(), &mut buf) {
                            Ok(bytes) => {
                                let len = bytes.len();
                                buf.truncate(len);
                                // Checked here, off the consumer's thread, whole: message bounds
                                // are ASCII, so each message of a valid batch is valid too.
                                Some(String::from_utf8(buf).map_or_else(
                                    |e| ReadAhead::Bytes(e.into_bytes()),
                                    ReadAhead::Text,
                                ))
                            }
                            Err(_) => None,
                        };
                    if tx.send(read).is_err() {
                        break;
                    }
                }
            });
            for batch in &batches {
                let Ok(read) = rx.recv() else {
                    break;
                };
                let emitted =
                    self.emit_batch(file, batch, read.as_ref().map(ReadAhead::view), &mut f);
                if let Some(read) = read {
                    let _ = spare_tx.send(ReadAhead::into_bytes(read));
                }
                emitted?;
            }
            Ok(())
        })
    }

    /// The reads that cover the lines: lines that follow each other closely in the file,
    /// together.
    fn batches(&self) -> Vec<ReadBatch> {
        let mut out = Vec::new();
        let mut next = 0;
        while next < self.lines.len() {
            let (start, first_len) = needed(&self.lines[next].span);
            let mut end = start + first_len as u64;
            let mut last = next + 1;
            while let Some(line) = self.lines.get(last) {
                let (at, len) = needed(&line.span);
                let stop = at + len as u64;
                if at < end || at - end > BATCH_GAP || stop - start > BATCH_BYTES {
                    break;
                }
                end = stop;
                last += 1;
            }
            out.push(ReadBatch {
                lines: next..last,
                start,
                end,
            });
            next = last;
        }
        out
    }

    /// Hands the messages of `batch` to `f`, from its bytes as read (`None`: the read failed,
    /// the file changed under us, so each line is read on its own and the unreadable skipped).
    fn emit_batch<E>(
        &self,
        file: &File,
        batch: &ReadBatch,
        read: Option<Read<'_>>,
        f: &mut impl FnMut(RawSessionMessage<'_>) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let lines = &self.lines[batch.lines.clone()];
        let Some(read) = read else {
            let mut buf = Vec::new();
            for line in lines {
                let (at, len) = needed(&line.span);
                if let Ok(bytes) = read_exact_at(file, at, len, &mut buf) {
                    self.emit(line, bytes, None, f)?;
                }
            }
            return Ok(());
        };
        for line in lines {
            let (at, len) = needed(&line.span);
            let range = (at - batch.start) as usize..(at - batch.start) as usize + len;
            match read {
                Read::Text(text) => {
                    if let Some(text) = text.get(range) {
                        self.emit(line, text.as_bytes(), Some(text), f)?;
                    }
                }
                Read::Bytes(bytes) => self.emit(line, &bytes[range], None, f)?,
            }
        }
        Ok(())
    }

    /// Hands one line's message, read as `bytes` (`text` when already checked), to `f`.
    fn emit<E>(
        &self,
        line: &PageLine,
        bytes: &[u8],
        text: Option<&str>,
        f: &mut impl FnMut(RawSessionMessage<'_>) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let parent_tool_use_id = self.parent_tool_use_id.as_deref();
        let parent_agent_id = self.parent_agent_id.as_deref();
        // Most lines: the fields are the node's timestamp alone (`span.ts_fields` is `None`).
        let mut timestamp = line.timestamp.as_deref();
        let mut ts_fields = line.span.ts_fields.as_deref().unwrap_or_default();
        let message = match (&line.view, line.span.message) {
            (View::Queued(message, fields), _) => {
                (timestamp, ts_fields) = (None, fields);
                message
            }
            (_, MessageAt::Absent) => "null",
            (_, MessageAt::At { .. }) => {
                match text.map_or_else(|| std::str::from_utf8(bytes), Ok) {
                    Ok(text) => text,
                    Err(_) => return Ok(()),
                }
            }
            (_, MessageAt::Reparse) => {
                // A repeated key: a full parse, where the last value wins, as in the other
                // readers.
                let Ok(entry) = serde_json::from_slice::<Value>(bytes) else {
                    return Ok(());
                };
                let mut m = to_message(&entry, parent_tool_use_id, parent_agent_id);
                if matches!(line.view, View::Completed) {
                    m.ts_fields = ts_view::completed_map(m.ts_fields);
                }
                return f(RawSessionMessage {
                    kind: &m.kind,
                    uuid: &m.uuid,
                    session_id: &m.session_id,
                    message: &m.message.to_string(),
                    parent_tool_use_id,
                    parent_agent_id,
                    timestamp: None,
                    ts_fields: &ts_fields::text(m.ts_fields),
                });
            }
        };
        let completed;
        if matches!(line.view, View::Completed) {
            let mut fields = match &line.span.ts_fields {
                Some(text) => ts_view::fields_map(text),
                None => Map::from_iter(timestamp.map(|t| ("timestamp".to_owned(), t.into()))),
            };
            fields = ts_view::completed_map(fields);
            completed = ts_fields::text(fields);
            (ts_fields, timestamp) = (&completed, None);
        }
        f(RawSessionMessage {
            kind: &line.kind,
            uuid: &line.uuid,
            session_id: line.span.session_id.as_deref().unwrap_or_default(),
            message,
            parent_tool_use_id,
            parent_agent_id,
            timestamp,
            ts_fields,
        })
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

#[cfg(test)]
mod tests {
    use super::super::line_index::index_file;
    use super::*;

    /// Each message reads as its line parsed whole: odd lines included (a
    /// repeated key, no message, a message that is no object, escapes).
    #[test]
    fn messages_read_as_their_lines_parsed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.jsonl");
        for count in [3usize, 150] {
            let mut lines = Vec::new();
            for i in 0..count {
                let kind = if i % 2 == 0 { "user" } else { "assistant" };
                let line = match i % 7 {
                    1 => format!(
                        r#"{{"type":"{kind}","uuid":"u{i}","message":{{"content":"a"}},"sessionId":"s","message":{{"content":"b\u00e9"}}}}"#
                    ),
                    2 => format!(r#"{{"type":"{kind}","uuid":"u{i}","sessionId":"s"}}"#),
                    3 => format!(
                        r#"{{"type":"{kind}","uuid":"u{i}","message":"text \"q\"","sessionId":7}}"#
                    ),
                    _ => format!(
                        r#"  {{"type":"{kind}","uuid":"u\u0030{i}","sessionId":"s\n","message":{{"role":"r","content":[{{"type":"text","text":"{i}"}}]}},"other":[1,2]}} "#
                    ),
                };
                lines.push(line);
            }
            std::fs::write(&path, lines.join("\n")).unwrap();
            let super::super::line_index::FileIndex { nodes, spans, .. } =
                index_file(&path).unwrap();
            assert_eq!(nodes.len(), count);
            let all: Vec<Shown> = (0..count)
                .map(|node| Shown::Entry {
                    node,
                    completed: false,
                })
                .collect();
            let file = File::open(&path).unwrap();
            let read = MessageLines::new(file, &nodes, spans, &all, None, Some("p".into()));
            // An error of `f` stops the reading.
            let mut seen = 0;
            let stopped = read.for_each(|_| {
                seen += 1;
                if seen == 2 {
                    Err(())
                } else {
                    Ok(())
                }
            });
            assert_eq!((stopped, seen), (Err(()), 2));
            let expected: Vec<SessionMessage> = lines
                .iter()
                .map(|l| to_message(&serde_json::from_str(l).unwrap(), None, Some("p")))
                .collect();
            assert_eq!(read.into_messages(), expected);
        }
    }
}
