//! The "lite" read of a transcript: stat plus its first and last 64 KiB, and the fields a
//! listing needs, found by string search (a line cut in half by the window still yields them).

use super::types::SessionInfo;
use serde_json::Value;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// How much of each end of a transcript a listing reads.
pub(crate) const LITE_BUF: usize = 65536;

/// The head and tail of a transcript, with its size and modification time.
#[derive(Debug, Clone)]
pub(crate) struct Lite {
    pub mtime: i64,
    pub size: u64,
    pub head: String,
    pub tail: String,
}

impl Lite {
    /// The lite view of an in-memory transcript, cut exactly as a file read would be.
    pub fn from_bytes(bytes: &[u8], mtime: i64) -> Lite {
        let size = bytes.len();
        let head = String::from_utf8_lossy(&bytes[..size.min(LITE_BUF)]).into_owned();
        let tail = if size > LITE_BUF {
            String::from_utf8_lossy(&bytes[size - LITE_BUF..]).into_owned()
        } else {
            head.clone()
        };
        Lite {
            mtime,
            size: size as u64,
            head,
            tail,
        }
    }
}

/// Milliseconds since the epoch of a modification time, computed as Python's
/// `int(st_mtime * 1000)` does (float seconds, then truncation), so listings agree to the ms.
pub(crate) fn mtime_ms(meta: &std::fs::Metadata) -> i64 {
    let Ok(modified) = meta.modified() else {
        return 0;
    };
    let (secs, nanos, negative) = match modified.duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => (d.as_secs() as f64, f64::from(d.subsec_nanos()), false),
        Err(e) => {
            let d = e.duration();
            (d.as_secs() as f64, f64::from(d.subsec_nanos()), true)
        }
    };
    let seconds = secs + nanos * 1e-9;
    let seconds = if negative { -seconds } else { seconds };
    (seconds * 1000.0) as i64
}

/// Opens, stats and reads the two ends of a transcript; `None` when it cannot be read or is
/// empty (the official "not here" signal).
pub(crate) fn read_lite(path: &Path) -> Option<Lite> {
    let mut file = File::open(path).ok()?;
    let meta = file.metadata().ok()?;
    if !meta.is_file() {
        return None;
    }
    let size = meta.len();
    let mtime = mtime_ms(&meta);
    let mut head = Vec::with_capacity(LITE_BUF.min(size as usize));
    (&mut file)
        .take(LITE_BUF as u64)
        .read_to_end(&mut head)
        .ok()?;
    if head.is_empty() {
        return None;
    }
    let head_text = text_of(head);
    let tail_offset = size.saturating_sub(LITE_BUF as u64);
    let tail = if tail_offset == 0 {
        head_text.clone()
    } else {
        file.seek(SeekFrom::Start(tail_offset)).ok()?;
        let mut tail = Vec::with_capacity(LITE_BUF);
        file.take(LITE_BUF as u64).read_to_end(&mut tail).ok()?;
        text_of(tail)
    };
    Some(Lite {
        mtime,
        size,
        head: head_text,
        tail,
    })
}

/// The bytes as text (no copy when they are UTF-8; a window may cut a character in two).
fn text_of(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// A raw JSON string body with its escapes resolved; the raw text when it does not decode.
fn unescape(raw: &str) -> String {
    if !raw.contains('\\') {
        return raw.to_owned();
    }
    serde_json::from_str::<String>(&format!("\"{raw}\"")).unwrap_or_else(|_| raw.to_owned())
}

/// The end of the JSON string body starting at `start` (the index of its closing quote).
fn string_end(text: &[u8], start: usize) -> Option<usize> {
    let mut i = start;
    while i < text.len() {
        match text[i] {
            b'\\' => i += 2,
            b'"' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

fn patterns(key: &str) -> [String; 2] {
    [format!("\"{key}\":\""), format!("\"{key}\": \"")]
}

/// The first `"key":"value"` (or `"key": "value"`) in `text`, without parsing the JSON.
pub(crate) fn first_field(text: &str, key: &str) -> Option<String> {
    let bytes = text.as_bytes();
    for pattern in patterns(key) {
        let Some(at) = memchr::memmem::find(bytes, pattern.as_bytes()) else {
            continue;
        };
        let start = at + pattern.len();
        if let Some(end) = string_end(bytes, start) {
            return Some(unescape(&text[start..end]));
        }
    }
    None
}

/// Like [`first_field`] but the last occurrence. The spellings are searched one after the
/// other, so a match of the spaced one wins over the compact one wherever it is (as in the
/// official reader).
pub(crate) fn last_field(text: &str, key: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut last: Option<(usize, usize)> = None;
    for pattern in patterns(key) {
        let mut from = 0;
        while from <= bytes.len() {
            let Some(found) = memchr::memmem::find(&bytes[from..], pattern.as_bytes()) else {
                break;
            };
            let start = from + found + pattern.len();
            match string_end(bytes, start) {
                Some(end) => {
                    last = Some((start, end));
                    from = end + 1;
                }
                None => break,
            }
        }
    }
    last.map(|(start, end)| unescape(&text[start..end]))
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.is_empty())
}

/// Prompts that are not the user's own words (command output, hooks, interruptions, IDE
/// context).
fn skipped_prompt(text: &str) -> bool {
    const PREFIXES: [&str; 4] = [
        "<local-command-stdout>",
        "<session-start-hook>",
        "<tick>",
        "<goal>",
    ];
    if PREFIXES.iter().any(|p| text.starts_with(p)) {
        return true;
    }
    if let Some(rest) = text.strip_prefix("[Request interrupted by user") {
        if rest.contains(']') {
            return true;
        }
    }
    let trimmed = text.trim_start();
    for (open, close) in [
        ("<ide_opened_file>", "</ide_opened_file>"),
        ("<ide_selection>", "</ide_selection>"),
    ] {
        if let Some(rest) = trimmed.strip_prefix(open) {
            if rest.trim_end().ends_with(close) {
                return true;
            }
        }
    }
    false
}

/// The name inside the first `<command-name>...</command-name>`.
fn command_name(text: &str) -> Option<&str> {
    let open = "<command-name>";
    let start = text.find(open)? + open.len();
    let end = text[start..].find("</command-name>")?;
    Some(&text[start..start + end])
}

fn is_python_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// The first meaningful user prompt in a transcript head: tool results, meta and compaction
/// summaries, slash commands (kept as a fallback) and generated text are skipped; cut to 200
/// characters with an ellipsis.
pub(crate) fn first_prompt(head: &str) -> String {
    let mut command_fallback = String::new();
    for line in head.split('\n') {
        if !line.contains("\"type\":\"user\"") && !line.contains("\"type\": \"user\"") {
            continue;
        }
        if line.contains("\"tool_result\"")
            || line.contains("\"isMeta\":true")
            || line.contains("\"isMeta\": true")
            || line.contains("\"isCompactSummary\":true")
            || line.contains("\"isCompactSummary\": true")
        {
            continue;
        }
        let Ok(entry) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        if entry.get("type").and_then(Value::as_str) != Some("user") {
            continue;
        }
        let Some(message) = entry.get("message").filter(|m| m.is_object()) else {
            continue;
        };
        let texts: Vec<&str> = match message.get("content") {
            Some(Value::String(s)) => vec![s.as_str()],
            Some(Value::Array(blocks)) => blocks
                .iter()
                .filter(|b| b.get("type").and_then(Value::as_str) == Some("text"))
                .filter_map(|b| b.get("text").and_then(Value::as_str))
                .collect(),
            _ => Vec::new(),
        };
        for raw in texts {
            let replaced = raw.replace('\n', " ");
            let result = replaced.trim_matches(is_python_space);
            if result.is_empty() {
                continue;
            }
            if let Some(name) = command_name(result) {
                if command_fallback.is_empty() {
                    command_fallback = name.to_owned();
                }
                continue;
            }
            if skipped_prompt(result) {
                continue;
            }
            if result.chars().count() > 200 {
                let cut: String = result.chars().take(200).collect();
                return format!("{}\u{2026}", cut.trim_end_matches(is_python_space));
            }
            return result.to_owned();
        }
    }
    command_fallback
}

/// Milliseconds since the epoch of an ISO 8601 timestamp, as Python's
/// `int(datetime.fromisoformat(ts).timestamp() * 1000)` computes it. A time without an offset
/// is taken as UTC.
pub(crate) fn iso_to_ms(ts: &str) -> Option<i64> {
    let b = ts.as_bytes();
    let num = |s: &[u8]| -> Option<i64> {
        if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(s).ok()?.parse().ok()
    };
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (year, month, day) = (num(&b[0..4])?, num(&b[5..7])?, num(&b[8..10])?);
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let (mut hour, mut minute, mut second, mut micros, mut offset_s) = (0, 0, 0, 0i64, 0i64);
    let mut rest = &b[10..];
    if !rest.is_empty() {
        if rest[0] != b'T' && rest[0] != b' ' {
            return None;
        }
        rest = &rest[1..];
        if rest.len() < 5 || rest[2] != b':' {
            return None;
        }
        hour = num(&rest[0..2])?;
        minute = num(&rest[3..5])?;
        rest = &rest[5..];
        if rest.first() == Some(&b':') {
            second = num(rest.get(1..3)?)?;
            rest = &rest[3..];
            if matches!(rest.first(), Some(b'.') | Some(b',')) {
                let digits = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
                if digits == 0 {
                    return None;
                }
                let frac = &rest[1..1 + digits];
                let mut six = [b'0'; 6];
                for (slot, d) in six.iter_mut().zip(frac) {
                    *slot = *d;
                }
                micros = num(&six)?;
                rest = &rest[1 + digits..];
            }
        }
        if hour > 23 || minute > 59 || second > 59 {
            return None;
        }
        match rest.first() {
            None => {}
            Some(b'Z') if rest.len() == 1 => {}
            Some(sign @ (b'+' | b'-')) => {
                let off = &rest[1..];
                let (h, m, s) = match off.len() {
                    5 if off[2] == b':' => (num(&off[0..2])?, num(&off[3..5])?, 0),
                    4 => (num(&off[0..2])?, num(&off[2..4])?, 0),
                    8 if off[2] == b':' && off[5] == b':' => {
                        (num(&off[0..2])?, num(&off[3..5])?, num(&off[6..8])?)
                    }
                    2 => (num(off)?, 0, 0),
                    _ => return None,
                };
                if h > 23 || m > 59 || s > 59 {
                    return None;
                }
                offset_s = (h * 3600 + m * 60 + s) * if *sign == b'-' { -1 } else { 1 };
            }
            _ => return None,
        }
    }
    let days = days_from_civil(year, month, day);
    let seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset_s;
    let total_micros = seconds * 1_000_000 + micros;
    // timedelta.total_seconds() is an exact integer division rounded once, then * 1000.
    Some(((total_micros as f64 / 1e6) * 1000.0) as i64)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// What a listing shows of one transcript; `None` for a subagent (sidechain) transcript or one
/// with nothing to show (no title, summary or prompt).
pub(crate) fn parse_info(
    session_id: &str,
    lite: &Lite,
    project_path: Option<&str>,
) -> Option<SessionInfo> {
    let (head, tail) = (lite.head.as_str(), lite.tail.as_str());
    let first_line = head.split('\n').next().unwrap_or("");
    if first_line.contains("\"isSidechain\":true") || first_line.contains("\"isSidechain\": true") {
        return None;
    }
    let custom_title = non_empty(last_field(tail, "customTitle"))
        .or_else(|| non_empty(last_field(head, "customTitle")))
        .or_else(|| non_empty(last_field(tail, "aiTitle")))
        .or_else(|| non_empty(last_field(head, "aiTitle")));
    let first_prompt = non_empty(Some(first_prompt(head)));
    let summary = custom_title
        .clone()
        .or_else(|| non_empty(last_field(tail, "lastPrompt")))
        .or_else(|| non_empty(last_field(tail, "summary")))
        .or_else(|| first_prompt.clone())?;
    let git_branch = non_empty(last_field(tail, "gitBranch"))
        .or_else(|| non_empty(first_field(head, "gitBranch")));
    let cwd = non_empty(first_field(head, "cwd"))
        .or_else(|| project_path.filter(|p| !p.is_empty()).map(str::to_owned));
    let tag = tail
        .split('\n')
        .rev()
        .find(|line| line.starts_with("{\"type\":\"tag\""))
        .and_then(|line| non_empty(last_field(line, "tag")));
    let created_at = first_field(head, "timestamp").and_then(|ts| iso_to_ms(&ts));
    Some(SessionInfo {
        session_id: session_id.to_owned(),
        summary,
        last_modified: lite.mtime,
        file_size: Some(lite.size),
        custom_title,
        first_prompt,
        git_branch,
        cwd,
        tag,
        created_at,
        archived: None,
    })
}

/// Whether a session was started by a program (an SDK entrypoint, or a daemon), which the
/// TypeScript SDK's `includeProgrammatic: false` leaves out.
pub(crate) fn is_programmatic(lite: &Lite) -> bool {
    let entrypoint = first_field(&lite.head, "entrypoint")
        .filter(|e| !e.is_empty())
        .or_else(|| last_field(&lite.tail, "entrypoint"));
    if matches!(entrypoint.as_deref(), Some("sdk-cli" | "sdk-ts" | "sdk-py")) {
        return true;
    }
    let line = lite
        .head
        .split('\n')
        .find(|l| l.contains("\"parentUuid\":"))
        .unwrap_or(&lite.head);
    matches!(
        first_field(line, "sessionKind").as_deref(),
        Some("daemon" | "daemon-worker")
    )
}

/// The session info of a transcript held in memory (a session store's entries serialised as
/// JSONL), exactly as a listing would read it from a file of those bytes: the head and tail
/// windows, the title, summary and prompt rules, and `file_size` = the text's length in bytes.
///
/// `project_path` is the canonical project directory, the `cwd` fallback. `None` for a
/// subagent transcript or one with nothing to show.
pub fn info_from_jsonl(
    session_id: &str,
    jsonl: &str,
    mtime_ms: i64,
    project_path: Option<&str>,
) -> Option<SessionInfo> {
    parse_info(
        session_id,
        &Lite::from_bytes(jsonl.as_bytes(), mtime_ms),
        project_path,
    )
}

/// The modification time a store-held transcript is given when its store reports none: the
/// last line's `timestamp`, else now (milliseconds since the epoch).
pub fn mtime_from_jsonl_tail(jsonl: &str) -> i64 {
    let trimmed = jsonl.trim_end_matches(is_python_space);
    let last = &trimmed[trimmed.rfind('\n').map_or(0, |i| i + 1)..];
    serde_json::from_str::<Value>(last)
        .ok()
        .and_then(|v| {
            v.get("timestamp")
                .and_then(Value::as_str)
                .and_then(iso_to_ms)
        })
        .unwrap_or_else(now_ms)
}

pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// A session store's entries as the JSONL text [`info_from_jsonl`] reads: one compact,
/// ASCII-escaped line per entry with `type` moved first (a store may reorder keys, and the tag
/// rule looks for lines starting with `{"type":"tag"`), as the official SDKs serialise them.
pub fn jsonl_from_entries(entries: &[Value]) -> String {
    let mut out = String::new();
    for entry in entries {
        let line = match entry {
            Value::Object(map) if map.contains_key("type") => {
                let mut hoisted = serde_json::Map::with_capacity(map.len());
                hoisted.insert("type".into(), map["type"].clone());
                for (k, v) in map {
                    if k != "type" {
                        hoisted.insert(k.clone(), v.clone());
                    }
                }
                super::mutate::python_json(&Value::Object(hoisted))
            }
            other => super::mutate::python_json(other),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
#[path = "lite_tests.rs"]
mod tests;
