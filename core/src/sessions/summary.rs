//! The session summary a store keeps beside each transcript, folded at every append.
//!
//! [`fold_session_summary`] is pure and incremental: every derived field is set once or
//! last-wins, so a store never re-reads what it already holds. [`summary_to_info`] turns a kept
//! summary into the [`SessionInfo`] a listing returns.
//!
//! The `data` object is opaque to stores but its key spelling is the SDK's: snake_case in the
//! Python SDK (and claude-wire's own flavour), camelCase in the TypeScript one. The TypeScript
//! fold also follows `relocated` entries and reads `<bash-input>` prompts.

use super::{SessionInfo, SessionKey, SessionSummaryEntry};
use crate::Flavour;
use serde_json::{Map, Value};

/// The `data` key names of one flavour.
struct Keys {
    is_sidechain: &'static str,
    created_at: &'static str,
    first_prompt: &'static str,
    first_prompt_locked: &'static str,
    command_fallback: &'static str,
    /// Transcript key → `data` key, for the last-wins string fields.
    last_wins: [(&'static str, &'static str); 5],
    custom_title: &'static str,
    ai_title: &'static str,
    last_prompt: &'static str,
    summary_hint: &'static str,
    git_branch: &'static str,
}

const SNAKE: Keys = Keys {
    is_sidechain: "is_sidechain",
    created_at: "created_at",
    first_prompt: "first_prompt",
    first_prompt_locked: "first_prompt_locked",
    command_fallback: "command_fallback",
    last_wins: [
        ("customTitle", "custom_title"),
        ("aiTitle", "ai_title"),
        ("lastPrompt", "last_prompt"),
        ("summary", "summary_hint"),
        ("gitBranch", "git_branch"),
    ],
    custom_title: "custom_title",
    ai_title: "ai_title",
    last_prompt: "last_prompt",
    summary_hint: "summary_hint",
    git_branch: "git_branch",
};

const CAMEL: Keys = Keys {
    is_sidechain: "isSidechain",
    created_at: "createdAt",
    first_prompt: "firstPrompt",
    first_prompt_locked: "firstPromptLocked",
    command_fallback: "commandFallback",
    last_wins: [
        ("customTitle", "customTitle"),
        ("aiTitle", "aiTitle"),
        ("lastPrompt", "lastPrompt"),
        ("summary", "summaryHint"),
        ("gitBranch", "gitBranch"),
    ],
    custom_title: "customTitle",
    ai_title: "aiTitle",
    last_prompt: "lastPrompt",
    summary_hint: "summaryHint",
    git_branch: "gitBranch",
};

fn keys(flavour: Flavour) -> &'static Keys {
    if flavour == Flavour::Ts {
        &CAMEL
    } else {
        &SNAKE
    }
}

/// Folds appended `entries` into the running summary of `key` (`prev`, or `None` for the
/// first append), in `flavour`'s `data` spelling.
///
/// `mtime` is the store's write time for this append; when `None` the previous summary's mtime
/// is kept (0 for a new one), as both official folds do without it. Do not fold entries of a
/// subagent key (`key.subpath` set) into the main session's summary.
pub fn fold_session_summary(
    prev: Option<&SessionSummaryEntry>,
    key: &SessionKey,
    entries: &[Value],
    mtime: Option<i64>,
    flavour: Flavour,
) -> SessionSummaryEntry {
    let k = keys(flavour);
    let ts = flavour == Flavour::Ts;
    let mut summary = match prev {
        Some(p) => SessionSummaryEntry {
            session_id: p.session_id.clone(),
            mtime: mtime.unwrap_or(p.mtime),
            data: p.data.clone(),
        },
        None => SessionSummaryEntry {
            session_id: key.session_id.clone(),
            mtime: mtime.unwrap_or(0),
            data: Map::new(),
        },
    };
    let data = &mut summary.data;
    for entry in entries {
        let Some(obj) = entry.as_object() else {
            continue;
        };
        let ms = obj
            .get("timestamp")
            .and_then(Value::as_str)
            .and_then(super::lite::iso_to_ms);
        if !data.contains_key(k.is_sidechain) {
            let side = obj.get("isSidechain") == Some(&Value::Bool(true));
            data.insert(k.is_sidechain.into(), side.into());
        }
        if let (false, Some(ms)) = (data.contains_key(k.created_at), ms) {
            data.insert(k.created_at.into(), ms.into());
        }
        if !data.contains_key("cwd") {
            if let Some(cwd) = non_empty_str(obj.get("cwd")) {
                data.insert("cwd".into(), cwd.into());
            }
        }
        fold_first_prompt(data, obj, k, flavour);
        for (src, dst) in k.last_wins {
            if let Some(Value::String(s)) = obj.get(src) {
                data.insert(dst.into(), s.clone().into());
            }
        }
        let kind = obj.get("type").and_then(Value::as_str);
        if kind == Some("tag") {
            match non_empty_str(obj.get("tag")) {
                Some(tag) => {
                    data.insert("tag".into(), tag.into());
                }
                None => {
                    data.remove("tag");
                }
            }
        }
        if ts && kind == Some("relocated") {
            if let Some(cwd) = non_empty_str(obj.get("relocatedCwd")) {
                data.insert("cwd".into(), cwd.into());
            }
        }
    }
    summary
}

fn non_empty_str(value: Option<&Value>) -> Option<String> {
    match value {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        _ => None,
    }
}

/// Sets the first prompt (and locks it) on the first real prompt; remembers a slash command's
/// name as the fallback meanwhile.
fn fold_first_prompt(
    data: &mut Map<String, Value>,
    entry: &Map<String, Value>,
    k: &Keys,
    flavour: Flavour,
) {
    if data.get(k.first_prompt_locked) == Some(&Value::Bool(true)) {
        return;
    }
    let mut fallback = data
        .get(k.command_fallback)
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    let found = first_prompt_of(entry, &mut fallback, flavour);
    let had_fallback = data
        .get(k.command_fallback)
        .and_then(Value::as_str)
        .is_some_and(|s| !s.is_empty());
    if !fallback.is_empty() && !had_fallback {
        data.insert(k.command_fallback.into(), fallback.into());
    }
    if let Some(prompt) = found {
        data.insert(k.first_prompt.into(), prompt.into());
        data.insert(k.first_prompt_locked.into(), true.into());
    }
}

/// The first prompt a user entry carries, as the official extractors find it; `fallback` takes
/// the first `<command-name>` seen when it is still empty.
pub(crate) fn first_prompt_of(
    entry: &Map<String, Value>,
    fallback: &mut String,
    flavour: Flavour,
) -> Option<String> {
    let ts = flavour == Flavour::Ts;
    if entry.get("type").and_then(Value::as_str) != Some("user") {
        return None;
    }
    let flag = |name: &str| entry.get(name) == Some(&Value::Bool(true));
    if flag("isMeta") || flag("isCompactSummary") {
        return None;
    }
    let content = entry.get("message").and_then(|m| m.get("content"))?;
    let mut texts = Vec::new();
    match content {
        Value::String(s) => texts.push(s.as_str()),
        Value::Array(blocks) => {
            for block in blocks {
                match block.get("type").and_then(Value::as_str) {
                    Some("tool_result") => return None,
                    Some("text") => {
                        if let Some(t) = block.get("text").and_then(Value::as_str) {
                            texts.push(t);
                        }
                    }
                    _ => {}
                }
            }
        }
        _ => {}
    }
    for raw in texts {
        let replaced = raw.replace('\n', " ");
        let text = replaced.trim();
        if text.is_empty() {
            continue;
        }
        if let Some(name) = between(text, "<command-name>", "</command-name>") {
            if fallback.is_empty() {
                *fallback = name.to_owned();
            }
            continue;
        }
        if ts {
            if let Some(cmd) = between(text, "<bash-input>", "</bash-input>") {
                return Some(format!("! {}", cmd.trim()));
            }
        }
        let skip = if ts {
            skip_prompt_ts(text)
        } else {
            skip_prompt_py(text)
        };
        if skip {
            continue;
        }
        return Some(truncate_prompt(text, ts));
    }
    None
}

/// The text between the first `open` and the next `close` after it.
fn between<'a>(text: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = text.find(open)? + open.len();
    let len = text[start..].find(close)?;
    Some(&text[start..start + len])
}

/// The Python SDK's auto-generated-prompt filter (anchored at the start).
fn skip_prompt_py(text: &str) -> bool {
    const PREFIXES: [&str; 4] = [
        "<local-command-stdout>",
        "<session-start-hook>",
        "<tick>",
        "<goal>",
    ];
    if PREFIXES.iter().any(|p| text.starts_with(p)) || interrupted(text) {
        return true;
    }
    let trimmed = text.trim();
    [
        ("<ide_opened_file>", "</ide_opened_file>"),
        ("<ide_selection>", "</ide_selection>"),
    ]
    .iter()
    .any(|(open, close)| {
        trimmed.len() >= open.len() + close.len()
            && trimmed.starts_with(open)
            && trimmed.ends_with(close)
    })
}

/// The TypeScript SDK's filter: any leading XML-ish tag, or an interruption marker.
fn skip_prompt_ts(text: &str) -> bool {
    if interrupted(text) {
        return true;
    }
    let rest = text.trim_start();
    let mut chars = rest.chars();
    if chars.next() != Some('<') || !chars.next().is_some_and(|c| c.is_ascii_lowercase()) {
        return false;
    }
    for c in chars {
        if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
            continue;
        }
        return c == '>' || c.is_whitespace();
    }
    false
}

fn interrupted(text: &str) -> bool {
    text.strip_prefix("[Request interrupted by user")
        .is_some_and(|rest| rest.contains(']'))
}

/// At most 200 characters (code points for Python, UTF-16 units for TypeScript), then `…`.
fn truncate_prompt(text: &str, ts: bool) -> String {
    let cut = if ts {
        let mut units = 0;
        let mut end = text.len();
        for (i, c) in text.char_indices() {
            if units + c.len_utf16() > 200 {
                end = i;
                break;
            }
            units += c.len_utf16();
        }
        (text.encode_utf16().count() > 200).then_some(end)
    } else {
        text.char_indices().nth(200).map(|(i, _)| i)
    };
    match cut {
        Some(end) if ts => format!("{}\u{2026}", text[..end].trim()),
        Some(end) => format!("{}\u{2026}", text[..end].trim_end()),
        None => text.to_owned(),
    }
}

/// The listing record of a kept summary, as the official `summary_entry_to_sdk_info`: `None`
/// for a sidechain or when nothing gives it a title. `project_path` is the fallback `cwd`.
pub fn summary_to_info(
    entry: &SessionSummaryEntry,
    project_path: Option<&str>,
    flavour: Flavour,
) -> Option<SessionInfo> {
    let k = keys(flavour);
    let data = &entry.data;
    if data.get(k.is_sidechain) == Some(&Value::Bool(true)) {
        return None;
    }
    let text = |name: &str| {
        data.get(name)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let first_prompt = if data.get(k.first_prompt_locked) == Some(&Value::Bool(true)) {
        text(k.first_prompt)
    } else {
        text(k.command_fallback)
    };
    let custom_title = text(k.custom_title).or_else(|| text(k.ai_title));
    let summary = custom_title
        .clone()
        .or_else(|| text(k.last_prompt))
        .or_else(|| text(k.summary_hint))
        .or_else(|| first_prompt.clone())?;
    Some(SessionInfo {
        session_id: entry.session_id.clone(),
        summary,
        last_modified: entry.mtime,
        file_size: None,
        custom_title,
        first_prompt,
        git_branch: text(k.git_branch),
        cwd: text("cwd").or_else(|| project_path.filter(|p| !p.is_empty()).map(str::to_owned)),
        tag: text("tag"),
        created_at: data.get(k.created_at).and_then(|v| {
            v.as_i64()
                .or_else(|| v.as_f64().filter(|f| f.is_finite()).map(|f| f as i64))
        }),
        archived: None,
    })
}

#[cfg(test)]
#[path = "summary_tests.rs"]
mod tests;
