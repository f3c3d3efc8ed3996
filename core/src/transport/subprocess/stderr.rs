//! Draining the child's stderr: every line to the user's callback, the bytes on to this
//! process's stderr when asked, the last bytes kept for error messages.

use crate::options::StderrCallback;
use std::collections::VecDeque;
use std::io::Write;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex};
use tokio::io::AsyncReadExt;
use tokio::process::ChildStderr;
use tokio::sync::watch;

/// A stderr line longer than this is passed on in pieces of this size.
const MAX_LINE: usize = 64 * 1024;
const READ_CHUNK: usize = 16 * 1024;

/// The last lines written to stderr, at most `cap` bytes of text.
#[derive(Debug)]
pub(super) struct StderrTail {
    lines: VecDeque<String>,
    bytes: usize,
    cap: usize,
}

impl StderrTail {
    pub fn new(cap: usize) -> Self {
        Self {
            lines: VecDeque::new(),
            bytes: 0,
            cap,
        }
    }

    fn push(&mut self, line: &str) {
        let line = keep_end(line, self.cap);
        self.bytes += line.len() + 1;
        self.lines.push_back(line.to_owned());
        while self.bytes > self.cap + 1 {
            match self.lines.pop_front() {
                Some(old) => self.bytes -= old.len() + 1,
                None => break,
            }
        }
    }

    /// The kept lines joined with `\n` (at most `cap` bytes).
    pub fn text(&self) -> String {
        let mut out = String::with_capacity(self.bytes);
        for (i, line) in self.lines.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(line);
        }
        out
    }
}

/// The last at most `cap` bytes of `line`, cut at a character boundary.
fn keep_end(line: &str, cap: usize) -> &str {
    let mut start = line.len().saturating_sub(cap);
    while !line.is_char_boundary(start) {
        start += 1;
    }
    &line[start..]
}

/// Where the CLI's stderr goes.
pub(super) struct Sinks {
    /// The user's line callback.
    pub(super) callback: Option<StderrCallback>,
    /// The bytes go on to this process's stderr, as read.
    pub(super) through: bool,
    /// The last lines, for error messages.
    pub(super) tail: Arc<Mutex<StderrTail>>,
}

/// Reads stderr to its end. `done` turns true at EOF.
pub(super) async fn drain(mut stderr: ChildStderr, sinks: Sinks, done: watch::Sender<bool>) {
    let mut sink = LineSink {
        partial: Vec::new(),
        callback: sinks.callback,
        tail: sinks.tail,
    };
    let mut buf = vec![0u8; READ_CHUNK];
    loop {
        match stderr.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if sinks.through {
                    // Unbuffered, and a closed stderr is not the CLI's problem.
                    let _ = std::io::stderr().lock().write_all(&buf[..n]);
                }
                sink.feed(&buf[..n]);
            }
        }
    }
    sink.flush();
    let _ = done.send(true);
}

struct LineSink {
    partial: Vec<u8>,
    callback: Option<StderrCallback>,
    tail: Arc<Mutex<StderrTail>>,
}

impl LineSink {
    fn feed(&mut self, mut bytes: &[u8]) {
        while let Some(i) = memchr::memchr(b'\n', bytes) {
            self.partial.extend_from_slice(&bytes[..i]);
            self.flush();
            bytes = &bytes[i + 1..];
        }
        self.partial.extend_from_slice(bytes);
        while self.partial.len() >= MAX_LINE {
            let rest = self.partial.split_off(MAX_LINE);
            self.flush();
            self.partial = rest;
        }
    }

    fn flush(&mut self) {
        if self.partial.is_empty() {
            return;
        }
        let raw = self.partial.strip_suffix(b"\r").unwrap_or(&self.partial);
        let line = String::from_utf8_lossy(raw);
        self.tail
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(&line);
        if let Some(cb) = &self.callback {
            // A panicking user callback must not stop the drain (a full stderr pipe would block the CLI).
            let _ = catch_unwind(AssertUnwindSafe(|| cb(&line)));
        }
        self.partial.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_keeps_last_bytes() {
        let mut tail = StderrTail::new(10);
        for line in ["aaaa", "bbbb", "cccc"] {
            tail.push(line);
        }
        assert_eq!(tail.text(), "bbbb\ncccc");
        tail.push("0123456789abc");
        assert_eq!(tail.text(), "3456789abc");
    }

    #[test]
    fn keep_end_respects_char_boundaries() {
        assert_eq!(keep_end("héé", 3), "é");
        assert_eq!(keep_end("ab", 5), "ab");
    }

    #[test]
    fn sink_splits_lines_and_survives_panics() {
        let seen = Arc::new(Mutex::new(Vec::<String>::new()));
        let seen2 = seen.clone();
        let cb: StderrCallback = Arc::new(move |line: &str| {
            if line == "boom" {
                panic!("callback panic");
            }
            seen2.lock().unwrap().push(line.to_owned());
        });
        let tail = Arc::new(Mutex::new(StderrTail::new(1024)));
        let mut sink = LineSink {
            partial: Vec::new(),
            callback: Some(cb),
            tail: tail.clone(),
        };
        sink.feed(b"one\r\ntw");
        sink.feed(b"o\nboom\nthree");
        sink.flush();
        assert_eq!(*seen.lock().unwrap(), vec!["one", "two", "three"]);
        assert_eq!(tail.lock().unwrap().text(), "one\ntwo\nboom\nthree");
    }
}
