//! Newline-delimited JSON framing.
//!
//! The CLI writes one JSON object per line on stdout. [`FrameDecoder`] turns arbitrary byte
//! chunks into parsed values: it parses each line exactly once, straight from the bytes, and
//! looks at every byte at most once when searching for line ends.

use crate::{Error, Result};
use serde_json::Value;

/// Default maximum line size: 64 MiB.
pub const DEFAULT_MAX_LINE_SIZE: usize = 64 * 1024 * 1024;

/// How many bytes of a bad line an [`Error::JsonDecode`] shows.
const PREVIEW_BYTES: usize = 160;

/// After a line bigger than this was buffered, the buffer is released instead of kept.
const KEEP_CAPACITY: usize = 1024 * 1024;

/// Splits bytes into lines and parses each once.
///
/// Feed chunks with [`decode`](Self::decode) as they are read, then call
/// [`finish`](Self::finish) at end of input. Every complete line produces at most one item:
///
/// - a line whose first non-whitespace byte is `{` is parsed as JSON: `Ok(value)`, or
///   [`Error::JsonDecode`] when it is not valid JSON;
/// - any other line (blank lines, log noise printed by tools) is skipped silently;
/// - a line longer than the maximum produces one [`Error::LineTooLong`] once its end is seen
///   (unless it is noise by the rule above). Its bytes are dropped as they arrive, so memory
///   stays bounded by the maximum.
///
/// The items never depend on how the input was cut into chunks (the `framing` fuzz target
/// checks this).
///
/// A trailing `\r` (CRLF line ends) is ignored.
#[derive(Debug)]
pub struct FrameDecoder {
    /// The start of an unfinished line. Never holds a `\n`, so it is never searched again.
    buf: Vec<u8>,
    max_line: usize,
    /// Set while the rest of an over-long line is being dropped.
    skipping: Option<Skip>,
}

#[derive(Debug, Clone)]
struct Skip {
    /// Bytes dropped so far.
    len: usize,
    /// Whether the line is noise (does not start with `{`, so it is dropped without a report),
    /// known once a non-blank byte was seen. A line that stays blank is noise too.
    noise: Option<bool>,
    /// The `request_id` of a control response, read from the line's start.
    answers: Option<String>,
}

impl Default for FrameDecoder {
    fn default() -> Self {
        Self::new(DEFAULT_MAX_LINE_SIZE)
    }
}

impl FrameDecoder {
    /// A decoder that accepts lines of up to `max_line` bytes (not counting the `\n`).
    pub fn new(max_line: usize) -> Self {
        Self {
            buf: Vec::new(),
            max_line: max_line.max(1),
            skipping: None,
        }
    }

    /// The configured maximum line size.
    pub fn max_line_size(&self) -> usize {
        self.max_line
    }

    /// Bytes of an unfinished line held right now (never more than the maximum).
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// Consumes one chunk of input, calling `out` for every item it completes.
    pub fn decode(&mut self, chunk: &[u8], out: &mut impl FnMut(Result<Value>)) {
        self.decode_lines(chunk, &mut |item| {
            out(item.and_then(|line| parse_line(&line)))
        });
    }

    /// Ends the input: a final line without `\n` is handled like a complete one (so a truncated
    /// JSON object becomes an [`Error::JsonDecode`] item). The decoder is empty afterwards.
    pub fn finish(&mut self, out: &mut impl FnMut(Result<Value>)) {
        self.finish_lines(&mut |item| out(item.and_then(|line| parse_line(&line))));
    }

    /// Like [`decode`](Self::decode), without parsing: `out` gets each complete line that starts
    /// with `{` (without its line end; parse it with [`parse_line`]), or an
    /// [`Error::LineTooLong`].
    pub fn decode_lines(&mut self, chunk: &[u8], out: &mut impl FnMut(Result<Line<'_>>)) {
        let mut rest = chunk;
        while !rest.is_empty() {
            let newline = memchr::memchr(b'\n', rest);
            let (part, after) = match newline {
                Some(i) => (&rest[..i], &rest[i + 1..]),
                None => (rest, &[][..]),
            };
            self.take_part(part, newline.is_some(), out);
            rest = after;
        }
    }

    /// Like [`finish`](Self::finish), without parsing.
    pub fn finish_lines(&mut self, out: &mut impl FnMut(Result<Line<'_>>)) {
        if self.skipping.is_some() || !self.buf.is_empty() {
            self.take_part(&[], true, out);
        }
    }

    /// Handles the bytes `part` of the current line; `complete` when the line ends after them.
    fn take_part(&mut self, part: &[u8], complete: bool, out: &mut impl FnMut(Result<Line<'_>>)) {
        if let Some(skip) = &mut self.skipping {
            skip.len += part.len();
            if skip.noise.is_none() {
                skip.noise = first_non_space(part).map(|b| b != b'{');
            }
            if complete {
                if let Some(skip) = self.skipping.take() {
                    self.report_skip(skip, out);
                }
            }
            return;
        }
        let total = self.buf.len() + part.len();
        if total > self.max_line {
            self.start_skip(part, total);
            if complete {
                self.finish_part_skip(out);
            }
            return;
        }
        if complete {
            if self.buf.is_empty() {
                if starts_object(part) {
                    out(Ok(Line::InChunk(part.strip_suffix(b"\r").unwrap_or(part))));
                }
            } else {
                self.buf.extend_from_slice(part);
                let mut line = std::mem::take(&mut self.buf);
                if starts_object(&line) {
                    if line.last() == Some(&b'\r') {
                        line.pop();
                    }
                    out(Ok(Line::Gathered(line)));
                }
            }
        } else {
            self.buf.extend_from_slice(part);
        }
    }

    fn start_skip(&mut self, part: &[u8], total: usize) {
        let first = first_non_space(&self.buf).or_else(|| first_non_space(part));
        let noise = first.map(|b| b != b'{');
        let answers = if self.buf.len() >= HEAD {
            answered_request(&self.buf)
        } else {
            let mut head = self.buf.clone();
            head.extend_from_slice(&part[..part.len().min(HEAD - head.len())]);
            answered_request(&head)
        };
        self.skipping = Some(Skip {
            len: total,
            noise,
            answers,
        });
        self.clear_buf();
    }

    fn finish_part_skip(&mut self, out: &mut impl FnMut(Result<Line<'_>>)) {
        if let Some(skip) = self.skipping.take() {
            self.report_skip(skip, out);
        }
    }

    fn report_skip(&self, skip: Skip, out: &mut impl FnMut(Result<Line<'_>>)) {
        if skip.noise == Some(false) {
            out(Err(Error::LineTooLong {
                len: skip.len,
                limit: self.max_line,
                request_id: skip.answers,
            }));
        }
    }

    fn clear_buf(&mut self) {
        if self.buf.capacity() > KEEP_CAPACITY {
            self.buf = Vec::new();
        } else {
            self.buf.clear();
        }
    }
}

/// How much of an over-long line's start is searched for the request it answers.
const HEAD: usize = 1024;

/// The request a control response answers, when its first bytes say so: the CLI writes
/// `{"type":"control_response","response":{"subtype":..,"request_id":"..",` before the
/// (possibly huge) body.
fn answered_request(head: &[u8]) -> Option<String> {
    let head = &head[..head.len().min(HEAD)];
    let kind = memchr::memmem::find(head, b"\"control_response\"")?;
    let key = b"\"request_id\"";
    let after_key = kind + memchr::memmem::find(&head[kind..], key)? + key.len();
    let rest = head[after_key..].trim_ascii_start().strip_prefix(b":")?;
    let rest = rest.trim_ascii_start().strip_prefix(b"\"")?;
    let id = std::str::from_utf8(&rest[..memchr::memchr(b'"', rest)?]).ok()?;
    // An escaped id is not worth unescaping: its request then waits for its timeout.
    (!id.contains('\\')).then(|| id.to_owned())
}

fn first_non_space(bytes: &[u8]) -> Option<u8> {
    bytes.iter().copied().find(|b| !b.is_ascii_whitespace())
}

fn starts_object(bytes: &[u8]) -> bool {
    first_non_space(bytes) == Some(b'{')
}

/// A complete line from [`FrameDecoder::decode_lines`], without its line end.
#[derive(Debug)]
pub enum Line<'a> {
    /// The line lies whole in the chunk just decoded: a slice of it.
    InChunk(&'a [u8]),
    /// The line was gathered over several chunks: the decoder's buffer, handed over.
    Gathered(Vec<u8>),
}

impl std::ops::Deref for Line<'_> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Line::InChunk(line) => line,
            Line::Gathered(line) => line,
        }
    }
}

/// Parses one line as [`FrameDecoder::decode_lines`] gives it; [`Error::JsonDecode`] when it
/// is not valid JSON.
pub fn parse_line(line: &[u8]) -> Result<Value> {
    serde_json::from_slice::<Value>(line).map_err(|e| Error::JsonDecode {
        message: e.to_string(),
        preview: preview(line),
    })
}

fn preview(line: &[u8]) -> String {
    let trimmed = line.trim_ascii_start();
    let end = trimmed.len().min(PREVIEW_BYTES);
    String::from_utf8_lossy(&trimmed[..end]).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(dec: &mut FrameDecoder, chunks: &[&[u8]]) -> Vec<Result<Value>> {
        let mut items = Vec::new();
        for chunk in chunks {
            dec.decode(chunk, &mut |item| items.push(item));
        }
        dec.finish(&mut |item| items.push(item));
        items
    }

    fn values(items: &[Result<Value>]) -> Vec<Value> {
        items
            .iter()
            .filter_map(|i| i.as_ref().ok().cloned())
            .collect()
    }

    #[test]
    fn many_lines_in_one_chunk() {
        let mut dec = FrameDecoder::default();
        let items = decode_all(&mut dec, &[b"{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n"]);
        assert_eq!(
            values(&items),
            vec![
                serde_json::json!({"a":1}),
                serde_json::json!({"a":2}),
                serde_json::json!({"a":3})
            ]
        );
        assert_eq!(items.len(), 3);
    }

    #[test]
    fn line_split_across_chunks_at_every_position() {
        let input = b"{\"type\":\"assistant\",\"text\":\"h\xc3\xa9llo\"}\n{\"b\":[1,2]}\n";
        for cut1 in 0..input.len() {
            for cut2 in cut1..input.len() {
                let mut dec = FrameDecoder::default();
                let items = decode_all(
                    &mut dec,
                    &[&input[..cut1], &input[cut1..cut2], &input[cut2..]],
                );
                assert_eq!(items.len(), 2, "cuts {cut1} {cut2}");
                assert_eq!(items[0].as_ref().unwrap()["text"], "héllo");
                assert_eq!(items[1].as_ref().unwrap()["b"][1], 2);
            }
        }
    }

    #[test]
    fn one_byte_at_a_time() {
        let input = b"{\"x\":\"y\"}\r\nnoise\n{\"z\":null}\n";
        let mut dec = FrameDecoder::default();
        let mut items = Vec::new();
        for b in input {
            dec.decode(std::slice::from_ref(b), &mut |i| items.push(i));
        }
        assert_eq!(
            values(&items),
            vec![serde_json::json!({"x":"y"}), serde_json::json!({"z":null})]
        );
        assert_eq!(dec.buffered(), 0);
    }

    #[test]
    fn noise_lines_are_skipped_silently() {
        let mut dec = FrameDecoder::default();
        let items = decode_all(
            &mut dec,
            &[b"Debugger attached.\n\n   \n[1,2]\n  {\"ok\":true}\n\"str\"\n42\n{\"ok\":false}\n"],
        );
        assert_eq!(items.len(), 2);
        assert_eq!(
            values(&items),
            vec![
                serde_json::json!({"ok":true}),
                serde_json::json!({"ok":false})
            ]
        );
    }

    #[test]
    fn crlf_lines() {
        let mut dec = FrameDecoder::default();
        let items = decode_all(&mut dec, &[b"{\"a\":1}\r\n{\"a\":2}\r", b"\n"]);
        assert_eq!(
            values(&items),
            vec![serde_json::json!({"a":1}), serde_json::json!({"a":2})]
        );
    }

    #[test]
    fn malformed_json_yields_error_and_continues() {
        let mut dec = FrameDecoder::default();
        let items = decode_all(&mut dec, &[b"{\"a\":1}\n{\"a\": nope}\n{\"a\":3}\n"]);
        assert_eq!(items.len(), 3);
        match &items[1] {
            Err(Error::JsonDecode { preview, message }) => {
                assert_eq!(preview, "{\"a\": nope}");
                assert!(!message.is_empty());
            }
            other => panic!("expected JsonDecode, got {other:?}"),
        }
        assert_eq!(items[2].as_ref().unwrap()["a"], 3);
    }

    #[test]
    fn preview_is_bounded() {
        let mut line = b"{\"a\":".to_vec();
        line.extend(std::iter::repeat_n(b'x', 10_000));
        line.push(b'\n');
        let mut dec = FrameDecoder::default();
        let items = decode_all(&mut dec, &[&line]);
        match &items[0] {
            Err(Error::JsonDecode { preview, .. }) => assert_eq!(preview.len(), PREVIEW_BYTES),
            other => panic!("expected JsonDecode, got {other:?}"),
        }
    }

    #[test]
    fn complete_tail_without_newline_is_parsed() {
        let mut dec = FrameDecoder::default();
        let items = decode_all(&mut dec, &[b"{\"a\":1}\n{\"a\"", b":2}"]);
        assert_eq!(
            values(&items),
            vec![serde_json::json!({"a":1}), serde_json::json!({"a":2})]
        );
    }

    #[test]
    fn truncated_tail_is_an_error() {
        let mut dec = FrameDecoder::default();
        let items = decode_all(&mut dec, &[b"{\"a\":1}\n{\"a\":[1,"]);
        assert_eq!(items.len(), 2);
        assert!(
            matches!(&items[1], Err(Error::JsonDecode { preview, .. }) if preview == "{\"a\":[1,")
        );
        assert_eq!(dec.buffered(), 0);
        // finish leaves the decoder empty: a second finish reports nothing.
        let mut again = Vec::new();
        dec.finish(&mut |i| again.push(i));
        assert!(again.is_empty());
    }

    #[test]
    fn noise_tail_is_ignored() {
        let mut dec = FrameDecoder::default();
        let items = decode_all(&mut dec, &[b"{\"a\":1}\nbye"]);
        assert_eq!(items.len(), 1);
    }

    #[test]
    fn over_long_line_then_good_lines() {
        let mut dec = FrameDecoder::new(100);
        let mut big = b"{\"big\":\"".to_vec();
        big.extend(std::iter::repeat_n(b'x', 1000));
        big.extend_from_slice(b"\"}\n");
        let mut items = Vec::new();
        dec.decode(b"{\"n\":1}\n", &mut |i| items.push(i));
        // The long line arrives in small pieces: memory must stay bounded while skipping.
        for piece in big.chunks(7) {
            dec.decode(piece, &mut |i| items.push(i));
            assert!(dec.buffered() <= 100);
        }
        dec.decode(b"{\"n\":2}\n{\"n\":3}\n", &mut |i| items.push(i));
        dec.finish(&mut |i| items.push(i));
        assert_eq!(items.len(), 4);
        assert_eq!(items[0].as_ref().unwrap()["n"], 1);
        match &items[1] {
            Err(Error::LineTooLong {
                len,
                limit,
                request_id: None,
            }) => {
                assert_eq!(*limit, 100);
                assert_eq!(*len, big.len() - 1);
            }
            other => panic!("expected LineTooLong, got {other:?}"),
        }
        assert_eq!(items[2].as_ref().unwrap()["n"], 2);
        assert_eq!(items[3].as_ref().unwrap()["n"], 3);
    }

    #[test]
    fn over_long_line_within_one_chunk() {
        let mut dec = FrameDecoder::new(10);
        let items = decode_all(&mut dec, &[b"{\"aaaaaaaaaaaaaa\":1}\n{\"b\":2}\n"]);
        assert_eq!(items.len(), 2);
        assert!(matches!(
            items[0],
            Err(Error::LineTooLong {
                len: 20,
                limit: 10,
                request_id: None
            })
        ));
        assert_eq!(items[1].as_ref().unwrap()["b"], 2);
    }

    #[test]
    fn line_exactly_at_limit_is_accepted() {
        let line = b"{\"k\":\"vv\"}"; // 10 bytes
        let mut dec = FrameDecoder::new(line.len());
        let items = decode_all(&mut dec, &[&line[..4], &line[4..], b"\n"]);
        assert_eq!(values(&items), vec![serde_json::json!({"k":"vv"})]);
    }

    #[test]
    fn over_long_tail_at_eof_is_reported() {
        let mut dec = FrameDecoder::new(4);
        let items = decode_all(&mut dec, &[b"{\"a\":", b"12345"]);
        assert_eq!(items.len(), 1);
        assert!(matches!(
            items[0],
            Err(Error::LineTooLong {
                len: 10,
                limit: 4,
                request_id: None
            })
        ));
    }

    #[test]
    fn over_long_noise_is_dropped_silently() {
        let mut dec = FrameDecoder::new(8);
        let items = decode_all(&mut dec, &[b"this is a very long log line\n{\"a\":1}\n"]);
        assert_eq!(values(&items), vec![serde_json::json!({"a":1})]);
        assert_eq!(items.len(), 1);
    }

    #[test]
    fn over_long_line_is_judged_by_its_first_non_blank_byte_however_it_is_cut() {
        // Found by the framing fuzz target: the blank start of a long noise line arrived alone,
        // was judged "not noise" and reported, while the same bytes in one chunk were not.
        for line in [&b"      noise\n"[..], b"      \n"] {
            let mut whole = FrameDecoder::new(2);
            assert!(decode_all(&mut whole, &[line]).is_empty());
            let mut bytes = FrameDecoder::new(2);
            let chunks: Vec<&[u8]> = line.chunks(1).collect();
            assert!(decode_all(&mut bytes, &chunks).is_empty());
        }
        let mut dec = FrameDecoder::new(2);
        let chunks: Vec<&[u8]> = b"     {\"a\":1}\n".chunks(1).collect();
        let items = decode_all(&mut dec, &chunks);
        assert!(matches!(
            items[..],
            [Err(Error::LineTooLong {
                len: 12,
                limit: 2,
                request_id: None
            })]
        ));
    }

    #[test]
    fn an_over_long_control_response_names_the_request_it_answers() {
        let body = "x".repeat(100);
        let answer = format!(
            r#"{{"type":"control_response","response":{{"subtype":"success","request_id" : "req_7_ab","response":{{"pad":"{body}"}}}}}}"#
        );
        let other = format!(r#"{{"type":"assistant","request_id":"req_1","pad":"{body}"}}"#);
        let escaped = answer.replace("req_7_ab", r#"req_\u0037"#);
        for (line, expected) in [(answer, Some("req_7_ab")), (other, None), (escaped, None)] {
            let line = format!("{line}\n");
            // Whole, and in pieces that end before the id.
            for piece in [line.len(), 30] {
                let mut dec = FrameDecoder::new(60);
                let chunks: Vec<&[u8]> = line.as_bytes().chunks(piece).collect();
                match &decode_all(&mut dec, &chunks)[..] {
                    [Err(Error::LineTooLong { request_id, .. })] => {
                        assert_eq!(request_id.as_deref(), expected, "{line}")
                    }
                    other => panic!("{other:?}"),
                }
            }
        }
    }

    #[test]
    fn hundred_megabyte_line_with_raised_limit() {
        const SIZE: usize = 100 * 1024 * 1024;
        let mut line = Vec::with_capacity(SIZE + 32);
        line.extend_from_slice(b"{\"type\":\"big\",\"data\":\"");
        line.resize(SIZE, b'a');
        line.extend_from_slice(b"\"}\n{\"type\":\"after\"}\n");
        let mut dec = FrameDecoder::new(128 * 1024 * 1024);
        let mut items = Vec::new();
        for chunk in line.chunks(256 * 1024) {
            dec.decode(chunk, &mut |i| items.push(i));
        }
        dec.finish(&mut |i| items.push(i));
        assert_eq!(items.len(), 2);
        let big = items[0].as_ref().expect("big line parses");
        assert_eq!(big["data"].as_str().map(str::len), Some(SIZE - 22));
        assert_eq!(items[1].as_ref().unwrap()["type"], "after");
        // The default limit refuses the same line but keeps going.
        let mut dec = FrameDecoder::default();
        let mut items = Vec::new();
        for chunk in line.chunks(256 * 1024) {
            dec.decode(chunk, &mut |i| items.push(i));
            assert!(dec.buffered() <= DEFAULT_MAX_LINE_SIZE);
        }
        assert_eq!(items.len(), 2);
        assert!(matches!(items[0], Err(Error::LineTooLong { len, .. }) if len == SIZE + 2));
        assert_eq!(items[1].as_ref().unwrap()["type"], "after");
    }
}
