//! The index of a transcript file: its transcript entries ([`Node`]s, no message bodies) and
//! where each one's line is. The file is read in bounded chunks (memory is the chunk and the
//! longest line, not the file), and a large file in parts on several threads, each part the
//! lines that start in its byte range.

use super::node::Node;
use super::node_line::{index_line, Indexed, MessageAt};
use std::fs::File;
use std::path::Path;

/// Where an entry's line is in the file, and what reading its message needs.
#[derive(Debug, Clone, Default)]
pub(crate) struct Span {
    pub offset: u64,
    pub len: usize,
    /// Where the message is, from the start of the line.
    pub message: MessageAt,
    /// `sessionId` when it is a string.
    pub session_id: Option<Box<str>>,
    /// The TypeScript SDK's further fields of the record, as JSON text; `None` when they are
    /// the node's `timestamp` alone.
    pub ts_fields: Option<Box<str>>,
}

/// The bytes read at a time.
const CHUNK: usize = 1 << 20;
/// The least bytes of a part worth a thread of its own.
const PART: u64 = 8 << 20;
/// The most threads one index uses.
const MAX_THREADS: usize = 4;

/// A transcript file's index, in file order.
#[derive(Debug, Default)]
pub(crate) struct FileIndex {
    /// Its entries.
    pub nodes: Vec<Node>,
    /// Their lines.
    pub spans: Vec<Span>,
    /// The prompts the CLI took up mid-turn ([`Indexed::Absorbed`]).
    pub absorbed: Vec<Box<str>>,
}

/// The transcript entries of a file and their lines, in file order.
pub(crate) fn index_file(path: &Path) -> std::io::Result<FileIndex> {
    let file = File::open(path)?;
    let len = file.metadata()?.len();
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let parts = (len / PART).clamp(1, cores.min(MAX_THREADS) as u64);
    if parts == 1 {
        return index_part(&file, 0, u64::MAX);
    }
    let bounds: Vec<u64> = (0..=parts)
        .map(|k| {
            if k == parts {
                u64::MAX
            } else {
                len * k / parts
            }
        })
        .collect();
    let results: Vec<std::io::Result<FileIndex>> = std::thread::scope(|scope| {
        let file = &file;
        let handles: Vec<_> = bounds
            .windows(2)
            .map(|w| {
                let (start, end) = (w[0], w[1]);
                scope.spawn(move || index_part(file, start, end))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    let mut whole = FileIndex::default();
    for part in results {
        let part = part?;
        whole.nodes.extend(part.nodes);
        whole.spans.extend(part.spans);
        whole.absorbed.extend(part.absorbed);
    }
    Ok(whole)
}

/// The entries of the lines that start at an offset in `start..end`.
fn index_part(file: &File, start: u64, end: u64) -> std::io::Result<FileIndex> {
    let mut nodes = Vec::new();
    let mut spans = Vec::new();
    let mut absorbed = Vec::new();
    let mut add = |line: &[u8], offset: u64| {
        let Ok(text) = std::str::from_utf8(line) else {
            return;
        };
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return;
        }
        let read = match index_line(trimmed) {
            Some(Indexed::Entry(read)) => read,
            Some(Indexed::Absorbed(key)) => return absorbed.push(key),
            None => return,
        };
        {
            let lead = trimmed.as_ptr() as usize - text.as_ptr() as usize;
            let message = match read.message {
                MessageAt::At { start, len } => MessageAt::At {
                    start: lead + start,
                    len,
                },
                other => other,
            };
            nodes.push(read.node);
            spans.push(Span {
                offset,
                len: line.len(),
                message,
                session_id: read.session_id,
                ts_fields: read.ts_fields,
            });
        }
    };
    // From the byte before `start`: the line it ends belongs to the previous part.
    let mut base = start.saturating_sub(1);
    let mut skip = start > 0;
    let mut buf = vec![0u8; CHUNK];
    let (mut at, mut filled) = (0usize, 0usize);
    let mut eof = false;
    loop {
        if !skip && base + at as u64 >= end {
            break;
        }
        if let Some(i) = memchr::memchr(b'\n', &buf[at..filled]) {
            let line_end = at + i + 1;
            if !std::mem::take(&mut skip) {
                add(&buf[at..line_end], base + at as u64);
            }
            at = line_end;
            continue;
        }
        if eof {
            if at < filled && !skip {
                add(&buf[at..filled], base + at as u64);
            }
            break;
        }
        buf.copy_within(at..filled, 0);
        base += at as u64;
        filled -= at;
        at = 0;
        if filled == buf.len() {
            buf.resize(buf.len() * 2, 0);
        }
        let n = read_some_at(file, &mut buf[filled..], base + filled as u64)?;
        if n == 0 {
            eof = true;
        }
        filled += n;
    }
    Ok(FileIndex {
        nodes,
        spans,
        absorbed,
    })
}

#[cfg(unix)]
fn read_some_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
    loop {
        match std::os::unix::fs::FileExt::read_at(file, buf, offset) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

#[cfg(not(unix))]
fn read_some_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = file;
    f.seek(SeekFrom::Start(offset))?;
    f.read(buf)
}

/// Reads `len` bytes at `offset` again into `buf` (reused from line to line: a fresh buffer
/// per line made the kernel zero pages for every large entry).
pub(crate) fn read_exact_at<'b>(
    file: &File,
    offset: u64,
    len: usize,
    buf: &'b mut Vec<u8>,
) -> std::io::Result<&'b [u8]> {
    if buf.len() < len {
        buf.resize(len, 0);
    }
    let line = &mut buf[..len];
    let mut done = 0;
    while done < line.len() {
        let n = read_some_at(file, &mut line[done..], offset + done as u64)?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        done += n;
    }
    Ok(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Any split of a file into parts indexes the same lines as one pass.
    #[test]
    fn parts_cover_each_line_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.jsonl");
        let mut text = String::new();
        for i in 0..40 {
            let pad = "x".repeat(i * 7 % 23);
            text.push_str(&format!(
                "{{\"type\":\"user\",\"uuid\":\"u{i}\",\"pad\":\"{pad}\"}}\n"
            ));
            if i % 5 == 0 {
                text.push_str("\n{\"type\":\"tag\"}\n");
            }
        }
        text.push_str("{\"type\":\"user\",\"uuid\":\"last\"}");
        std::fs::write(&path, &text).unwrap();
        let file = File::open(&path).unwrap();
        let whole = index_part(&file, 0, u64::MAX).unwrap();
        assert_eq!(whole.nodes.len(), 41);
        let len = text.len() as u64;
        for cut in 0..=len + 1 {
            let FileIndex {
                mut nodes,
                mut spans,
                ..
            } = index_part(&file, 0, cut).unwrap();
            let rest = index_part(&file, cut, u64::MAX).unwrap();
            nodes.extend(rest.nodes);
            spans.extend(rest.spans);
            let uuids: Vec<_> = nodes.iter().map(|n| n.uuid.clone()).collect();
            let expect: Vec<_> = whole.nodes.iter().map(|n| n.uuid.clone()).collect();
            assert_eq!(uuids, expect, "cut at {cut}");
            for (a, b) in spans.iter().zip(&whole.spans) {
                assert_eq!((a.offset, a.len), (b.offset, b.len));
            }
        }
        // A line longer than a chunk.
        let long = format!(
            "{{\"type\":\"user\",\"uuid\":\"big\",\"pad\":\"{}\"}}\n",
            "y".repeat(3 * CHUNK)
        );
        std::fs::write(&path, format!("{long}{text}")).unwrap();
        let file = File::open(&path).unwrap();
        let FileIndex { nodes, spans, .. } = index_part(&file, 0, u64::MAX).unwrap();
        assert_eq!((&*nodes[0].uuid, spans[0].len), ("big", long.len()));
        assert_eq!(nodes.len(), 42);
    }
}
