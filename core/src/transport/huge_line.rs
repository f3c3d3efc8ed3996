//! A huge line parsed with one copy of its text, not two.
//!
//! Parsing a line into a `Value` builds its strings next to the line, so a line carrying one
//! 50 MiB text (a file read, a base64 image) needs twice its size while it is parsed. When
//! one string is most of a line the line owns alone, that string is decoded where it lies,
//! in the line's own buffer (a JSON escape is never shorter than what it stands for), and the
//! buffer becomes the string; the rest of the line, with a placeholder for it, is parsed as
//! usual. Any line this does not fit, or that is not valid JSON, takes the usual path, with
//! its usual errors.

use super::framing::parse_line;
use crate::Result;
use bytes::Bytes;
use serde_json::Value;
use std::hash::{BuildHasher, RandomState};

/// Lines shorter than this take the usual path.
pub(crate) const HUGE_LINE: usize = 1 << 20;

/// Parses `line` as [`parse_line`] does, decoding a huge line's main string in place.
pub fn parse_owned_line(line: Bytes) -> Result<Value> {
    let hollowed = split(line, |rest| serde_json::from_slice::<Value>(rest).ok());
    match hollowed {
        Ok((split, mut value)) => {
            if let Some(slot) = find_string(&mut value, &split.hole) {
                *slot = split.text;
            }
            Ok(value)
        }
        Err(line) => parse_line(&line),
    }
}

/// A huge line taken apart: the rest of the line as JSON text, in which the string `hole`
/// stands for `text`, the line's main string.
#[derive(Debug)]
pub struct SplitLine {
    /// The line with `"<hole>"` in place of its main string: valid JSON in UTF-8.
    pub rest: Vec<u8>,
    /// The placeholder: a string found nowhere else in `rest`.
    pub hole: String,
    /// The main string, decoded, in the line's own buffer.
    pub text: String,
}

/// A message as JSON text, for a binding that hands text to its language's JSON parser.
#[derive(Debug)]
pub enum JsonMessage {
    /// The whole message.
    Whole(Bytes),
    /// A huge line taken apart: parse `rest`, then put `text` where the string `hole` is.
    Split(SplitLine),
}

/// `line` taken apart when it is huge, owned by the caller alone, valid JSON, and one string
/// value is most of it; `Err` gives the line back otherwise.
pub fn split_owned_line(line: Bytes) -> std::result::Result<SplitLine, Bytes> {
    let checked = |rest: &[u8]| {
        let valid = std::str::from_utf8(rest).is_ok()
            && serde_json::from_slice::<serde::de::IgnoredAny>(rest).is_ok();
        valid.then_some(())
    };
    split(line, checked).map(|(split, ())| split)
}

/// Hands `text` to `each` in steps of about `step` bytes (cut on character boundaries), each
/// step's memory given back to the system once `each` took it, so that a copy being built
/// and the original together stay about one `text` in size. Stops, giving nothing back,
/// when `each` returns `false` for the first step, and then returns `false`; a `false` for a
/// later step changes nothing (the earlier steps' memory is gone already).
pub fn hand_over_in_steps(text: String, step: usize, mut each: impl FnMut(&str) -> bool) -> bool {
    let mut bytes = text.into_bytes();
    let (mut start, mut released) = (0, 0);
    while start < bytes.len() {
        let mut end = (start + step.max(4)).min(bytes.len());
        while !is_char_start(&bytes, end) {
            end -= 1;
        }
        let Ok(piece) = std::str::from_utf8(&bytes[start..end]) else {
            return false; // not reached: `text` was a `String` and the cut is on a boundary
        };
        if !each(piece) && start == 0 {
            return false;
        }
        released = release(&mut bytes, released, end);
        start = end;
    }
    true
}

fn is_char_start(bytes: &[u8], at: usize) -> bool {
    bytes.get(at).is_none_or(|&b| (b as i8) >= -0x40)
}

/// Gives the whole pages of `bytes[from..to]` back to the system (they read as zeros after);
/// returns how far that went.
#[cfg(target_os = "linux")]
fn release(bytes: &mut [u8], from: usize, to: usize) -> usize {
    // SAFETY: sysconf has no preconditions.
    let page = usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap_or(0);
    if page == 0 {
        return from;
    }
    let base = bytes.as_mut_ptr() as usize;
    let first = (base + from).next_multiple_of(page);
    let last = (base + to) / page * page;
    if last <= first {
        return from;
    }
    // SAFETY: whole pages inside memory borrowed mutably here, whose content is not read
    // again (the buffer is dropped after the hand-over); this is as writing zeros to them.
    unsafe {
        libc::madvise(
            first as *mut libc::c_void,
            last - first,
            libc::MADV_DONTNEED,
        )
    };
    last - base
}

#[cfg(not(target_os = "linux"))]
fn release(_bytes: &mut [u8], from: usize, _to: usize) -> usize {
    from
}

/// The line taken apart, with the rest as `parse` reads it; `Err` gives the line back when the
/// usual path must parse it.
fn split<T>(
    line: Bytes,
    parse: impl FnOnce(&[u8]) -> Option<T>,
) -> std::result::Result<(SplitLine, T), Bytes> {
    if line.len() < HUGE_LINE || !line.is_unique() {
        return Err(line);
    }
    let Some(span) = main_string(&line).filter(|s| fits(&line, s)) else {
        return Err(line);
    };
    let hole = format!(
        "claude-wire-hole-{:016x}",
        RandomState::new().hash_one(line.len())
    );
    let mut rest = Vec::with_capacity(line.len() - (span.end - span.start) + hole.len());
    rest.extend_from_slice(&line[..span.start]);
    rest.extend_from_slice(hole.as_bytes());
    rest.extend_from_slice(&line[span.end..]);
    let Some(parsed) = parse(&rest) else {
        return Err(line);
    };
    // Unique (checked above): the buffer is handed over without a copy.
    let mut buffer = Vec::from(line);
    let length = decode_in_place(&mut buffer, &span);
    buffer.truncate(length);
    // Checked as UTF-8 before decoding, and escapes decode to UTF-8: the usual path's
    // error is only a fallback here.
    let text = String::from_utf8(buffer).map_err(|e| Bytes::from(e.into_bytes()))?;
    Ok((SplitLine { rest, hole, text }, parsed))
}

/// The string literal that is most of the line: its content lies in `start..end` (without
/// the quotes); `escaped` when it holds a backslash.
#[derive(Debug, PartialEq)]
struct Span {
    start: usize,
    end: usize,
    escaped: bool,
}

/// The largest string value (not an object key) of a JSON line, when it is at least half
/// of the line.
fn main_string(line: &[u8]) -> Option<Span> {
    let mut best: Option<Span> = None;
    let mut at = 0;
    while let Some(open) = memchr::memchr(b'"', &line[at..]).map(|i| at + i) {
        let start = open + 1;
        let mut escaped = false;
        let mut scan = start;
        let end = loop {
            let i = scan + memchr::memchr2(b'"', b'\\', &line[scan..])?;
            if line[i] == b'"' {
                break i;
            }
            escaped = true;
            scan = i + 2; // the escaped byte is never the closing quote
            if scan > line.len() {
                return None;
            }
        };
        at = end + 1;
        let is_key = line[at..].iter().find(|b| !b.is_ascii_whitespace()) == Some(&b':');
        let longer = best.as_ref().is_none_or(|b| end - start > b.end - b.start);
        if !is_key && longer {
            best = Some(Span {
                start,
                end,
                escaped,
            });
        }
    }
    best.filter(|span| 2 * (span.end - span.start) >= line.len())
}

/// True when the string's content decodes without an error: UTF-8, no control characters,
/// valid escapes (paired surrogates). Anything else is left to the usual path's errors.
fn fits(line: &[u8], span: &Span) -> bool {
    let content = &line[span.start..span.end];
    if content.iter().any(|&b| b < 0x20) || std::str::from_utf8(content).is_err() {
        return false;
    }
    if !span.escaped {
        return true;
    }
    let mut at = 0;
    while let Some(i) = memchr::memchr(b'\\', &content[at..]).map(|i| at + i) {
        match escape(content, i) {
            Some((_, next)) => at = next,
            None => return false,
        }
    }
    true
}

/// The character of the escape at `content[i]` (a backslash) and where the text goes on.
fn escape(content: &[u8], i: usize) -> Option<(char, usize)> {
    let simple = match content.get(i + 1)? {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => {
            let unit = hex4(content, i + 2)?;
            if !(0xD800..0xE000).contains(&unit) {
                return Some((char::from_u32(unit)?, i + 6));
            }
            // A high surrogate followed by an escaped low one; a lone one is an error.
            let low = (content.get(i + 6..i + 8) == Some(b"\\u"))
                .then(|| hex4(content, i + 8))
                .flatten()
                .filter(|low| (0xDC00..0xE000).contains(low) && unit < 0xDC00)?;
            let code = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
            return Some((char::from_u32(code)?, i + 12));
        }
        _ => return None,
    };
    Some((simple, i + 2))
}

fn hex4(content: &[u8], at: usize) -> Option<u32> {
    let digits = std::str::from_utf8(content.get(at..at + 4)?).ok()?;
    if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(digits, 16).ok()
}

/// Decodes the string of `span` (checked by [`fits`]) to the start of `buffer`; returns its
/// length. The write position never passes the read position: an escape is at least as
/// long as its character's UTF-8.
fn decode_in_place(buffer: &mut [u8], span: &Span) -> usize {
    if !span.escaped {
        buffer.copy_within(span.start..span.end, 0);
        return span.end - span.start;
    }
    let (mut read, mut write) = (span.start, 0);
    loop {
        let next = memchr::memchr(b'\\', &buffer[read..span.end]).map_or(span.end, |i| read + i);
        buffer.copy_within(read..next, write);
        write += next - read;
        if next == span.end {
            return write;
        }
        let Some((c, after)) = escape(&buffer[..span.end], next) else {
            return write; // not reached: `fits` checked every escape
        };
        write += c.encode_utf8(&mut buffer[write..after]).len();
        read = after;
    }
}

/// The string of `value` equal to `hole`.
fn find_string<'v>(value: &'v mut Value, hole: &str) -> Option<&'v mut String> {
    match value {
        Value::String(s) if s == hole => Some(s),
        Value::Array(items) => items.iter_mut().find_map(|v| find_string(v, hole)),
        Value::Object(map) => map.values_mut().find_map(|v| find_string(v, hole)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A line over the threshold whose `text` field holds `text` (as JSON text, escapes
    /// included), with a few small fields around it.
    fn line_with(text_json: &str) -> Vec<u8> {
        let filler = "x".repeat(HUGE_LINE);
        format!(
            r#"{{"type":"assistant","message":{{"model":"m","content":[{{"type":"text","text":"{filler}{text_json}"}}],"n":[1,2.5,null]}},"uuid":"u"}}"#
        )
        .into_bytes()
    }

    /// Taken apart, and parsed equal to the usual parse.
    fn same_as_usual(line: Vec<u8>) {
        let usual = parse_line(&line).expect("valid JSON");
        let split = split_owned_line(Bytes::from(line.clone())).expect("taken apart");
        assert!(split.rest.len() < 200, "the rest is small");
        let text = &usual["message"]["content"][0]["text"];
        assert!(
            text.as_str() == Some(split.text.as_str()),
            "the text differs"
        );
        assert!(parse_owned_line(Bytes::from(line)).expect("parsed") == usual);
    }

    #[test]
    fn a_huge_string_decodes_in_place_as_the_usual_parse_would() {
        same_as_usual(line_with("plain"));
        same_as_usual(line_with(r#"a\"b\\c\/d\b\f\n\r\t é €"#));
        same_as_usual(line_with(r"\u0041\u00e9\u20ac\ud83d\ude00 end \u0000"));
        same_as_usual(line_with("ünïcödé 😀"));
    }

    #[test]
    fn lines_it_does_not_fit_take_the_usual_path_with_its_errors() {
        for bad in [r"\x", r"\ud83d", r"\ude00\ud83d", r"\u12", "\u{1}"] {
            let line = line_with(bad);
            let usual = parse_line(&line).unwrap_err().to_string();
            let back = split_owned_line(Bytes::from(line)).expect_err("not taken apart");
            assert_eq!(parse_owned_line(back).unwrap_err().to_string(), usual);
        }
        // Broken elsewhere: the rest of the line does not parse.
        let mut broken = line_with("ok");
        broken.truncate(broken.len() - 1);
        let usual = parse_line(&broken).unwrap_err().to_string();
        assert!(split_owned_line(Bytes::from(broken.clone())).is_err());
        let error = parse_owned_line(Bytes::from(broken)).unwrap_err();
        assert_eq!(error.to_string(), usual);
        // A short line, a shared line, a key that is the longest string.
        assert!(split_owned_line(Bytes::from_static(br#"{"a":"b"}"#)).is_err());
        let shared = Bytes::from(line_with("ok"));
        let _other = shared.clone();
        assert!(split_owned_line(shared).is_err());
        let key = format!(r#"{{"{}":1}}"#, "k".repeat(HUGE_LINE));
        assert!(main_string(key.as_bytes()).is_none());
    }

    #[test]
    fn the_main_string_is_the_longest_value() {
        let line = br#"{"a":"xy","b":["\"q\\"], "c" : "long enough to be more than half of this line, longer than the rest"}"#;
        let span = main_string(line).expect("a main string");
        assert_eq!(
            &line[span.start..span.end],
            b"long enough to be more than half of this line, longer than the rest"
        );
        assert!(!span.escaped);
    }

    #[test]
    fn a_message_keeps_the_buffer_as_its_text() {
        let line = Bytes::from(line_with("tail"));
        let address = line.as_ptr() as usize;
        let Ok(crate::Message::Assistant(message)) = crate::Message::from_line(line) else {
            panic!("an assistant message");
        };
        let crate::message::ContentBlock::Text(block) = &message.content()[0] else {
            panic!("a text block");
        };
        assert_eq!(block.text.as_ptr() as usize, address);
        assert!(block.text.ends_with("xtail"));
    }

    #[test]
    fn steps_cover_the_text_on_character_boundaries() {
        let text = "a€😀".repeat(5000);
        let mut pieces = Vec::new();
        assert!(hand_over_in_steps(text.clone(), 4096, |piece| {
            pieces.push(piece.to_owned());
            true
        }));
        assert!(pieces.len() > 1 && pieces.iter().all(|p| p.len() <= 4096));
        assert_eq!(pieces.concat(), text);
        // Refused at the first step: nothing is given back, and nothing more is asked.
        let mut asked = 0;
        assert!(!hand_over_in_steps(text, 4096, |_| {
            asked += 1;
            false
        }));
        assert_eq!(asked, 1);
    }
}
