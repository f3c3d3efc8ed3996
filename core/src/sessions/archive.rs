//! The archived mark of the TypeScript SDK: `<project dir>/<session id>/archived.json`, a
//! small JSON record `{"archived":bool,"at":ISO time,"by":"sdk"}` beside the transcript.

use super::lite::{iso_to_ms, Lite};
use super::locate::{project_dirs, worktree_paths};
use super::mutate::iso_now_millis;
use super::paths::{canonical_dir, find_project_dir, validate_uuid};
use super::{projects_dir, Problem};
use crate::{Error, Result};
use serde_json::Value;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The largest mark file read.
const MARK_MAX: u64 = 4096;

fn mark_path(project: &Path, session_id: &str) -> PathBuf {
    project.join(session_id).join("archived.json")
}

/// The archived state a listing reports: `None` when never marked (or the mark is unusable),
/// `Some(false)` when unarchived or when the user sent a prompt after archiving.
pub(crate) fn read_archived(project: &Path, session_id: &str, lite: &Lite) -> Option<bool> {
    let file = std::fs::File::open(mark_path(project, session_id)).ok()?;
    let mut text = String::new();
    file.take(MARK_MAX + 1).read_to_string(&mut text).ok()?;
    if text.len() as u64 > MARK_MAX {
        return None;
    }
    let mark: Value = serde_json::from_str(&text).ok()?;
    let archived = mark.get("archived")?.as_bool()?;
    let at = iso_to_ms(mark.get("at")?.as_str()?)?;
    if !archived {
        return Some(false);
    }
    let later =
        prompt_after(&lite.tail, at) || (lite.head != lite.tail && prompt_after(&lite.head, at));
    Some(!later)
}

/// Whether `text` holds a prompt from a person (a user entry or a queued command, not a tool
/// result, meta or generated entry) sent after `at_ms`.
fn prompt_after(text: &str, at_ms: i64) -> bool {
    text.split('\n').any(|line| {
        if !(line.contains("\"user\"") || line.contains("\"queued_command\""))
            || line.contains("\"tool_result\"")
        {
            return false;
        }
        let Ok(entry) = serde_json::from_str::<Value>(line) else {
            return false;
        };
        prompt_time(&entry).is_some_and(|t| t > at_ms)
    })
}

fn prompt_time(entry: &Value) -> Option<i64> {
    let flag = |v: &Value, k: &str| v.get(k).and_then(Value::as_bool).unwrap_or(false);
    let (content, origin) = match entry.get("type")?.as_str()? {
        "user" => {
            if [
                "isCompactSummary",
                "isSidechain",
                "isVirtual",
                "isMeta",
                "isVisibleInTranscriptOnly",
            ]
            .iter()
            .any(|k| flag(entry, k))
            {
                return None;
            }
            (entry.get("message")?.get("content")?, entry.get("origin"))
        }
        "attachment" => {
            let attachment = entry.get("attachment")?;
            if attachment.get("type")?.as_str()? != "queued_command" || flag(entry, "isSidechain") {
                return None;
            }
            (attachment.get("prompt")?, attachment.get("origin"))
        }
        _ => return None,
    };
    if let Some(origin) = origin {
        if origin.get("kind").and_then(Value::as_str) != Some("human") {
            return None;
        }
    }
    let blocks: Vec<&Value> = match content {
        Value::String(_) => vec![content],
        Value::Array(items) => items.iter().collect(),
        _ => Vec::new(),
    };
    let mut meaningful = false;
    for block in &blocks {
        let kind = block.get("type").and_then(Value::as_str);
        if kind == Some("tool_result") {
            return None;
        }
        let text = match block {
            Value::String(s) => Some(s.as_str()),
            _ => block.get("text").and_then(Value::as_str),
        };
        if matches!(kind, Some("image" | "document"))
            || text.is_some_and(|t| !t.trim_start().is_empty())
        {
            meaningful = true;
        }
    }
    if !meaningful {
        return None;
    }
    iso_to_ms(entry.get("timestamp")?.as_str()?)
}

/// Every non-empty transcript of `session_id` in the places a session is looked for.
fn all_transcripts(session_id: &str, dir: Option<&Path>) -> Vec<PathBuf> {
    let projects = projects_dir(None);
    let name = format!("{session_id}.jsonl");
    let mut candidates = Vec::new();
    match dir.filter(|d| !d.as_os_str().is_empty()) {
        Some(dir) => {
            let canonical = canonical_dir(dir);
            candidates.extend(find_project_dir(&projects, &canonical));
            for wt in worktree_paths(&canonical) {
                if wt != canonical {
                    candidates.extend(find_project_dir(&projects, &wt));
                }
            }
        }
        None => candidates = project_dirs(&projects),
    }
    let mut found: Vec<PathBuf> = Vec::new();
    for project in candidates {
        let ok = std::fs::metadata(project.join(&name)).is_ok_and(|m| m.is_file() && m.len() > 0);
        if ok && !found.contains(&project) {
            found.push(project);
        }
    }
    found
}

fn set_archived(session_id: &str, dir: Option<&Path>, archived: bool) -> Result<()> {
    validate_uuid(session_id)?;
    let projects = all_transcripts(session_id, dir);
    if projects.is_empty() {
        return Err(Error::Sessions(Problem::SessionNotFoundAnywhere {
            session_id: session_id.to_owned(),
            directory: dir.map(|d| d.to_string_lossy().into_owned()),
        }));
    }
    let record = serde_json::json!({"archived": archived, "at": iso_now_millis(), "by": "sdk"});
    let text = serde_json::to_string(&record)?;
    let mut first_error = None;
    for project in projects {
        if let Err(e) = write_mark(&mark_path(&project, session_id), text.as_bytes()) {
            first_error.get_or_insert(e);
        }
    }
    match first_error {
        Some(e) => Err(e.into()),
        None => Ok(()),
    }
}

/// Writes the mark through a temporary file renamed into place (readers never see half).
fn write_mark(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let parent = path.parent().unwrap_or(Path::new("."));
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(parent)?;
    super::mutate::write_whole(path, bytes, super::mutate::Whole::Replace)
}

/// Archives a session (TypeScript SDK): `list_sessions` in the TypeScript flavour still lists
/// it, with `archived: true`, until it is unarchived or a prompt is sent in it. The transcript
/// is not changed; the mark is written beside every copy of it.
///
/// Errors: an id that is not a UUID, a session not found, or the I/O error of the write.
pub fn archive_session(session_id: &str, dir: Option<&Path>) -> Result<()> {
    set_archived(session_id, dir, true)
}

/// Unarchives a session (TypeScript SDK): listed with `archived: false` from now on.
///
/// Errors as [`archive_session`].
pub fn unarchive_session(session_id: &str, dir: Option<&Path>) -> Result<()> {
    set_archived(session_id, dir, false)
}
