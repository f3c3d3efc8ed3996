//! Renaming, tagging and deleting: metadata entries appended to the transcript (as the CLI
//! writes them), or the transcript removed.

use super::locate::{find_session_file, worktree_paths};
use super::paths::{canonical_dir, find_project_dir, validate_uuid};
use super::{projects_dir, Problem};
use crate::{Error, Result};
use serde_json::{Map, Value};
use std::io::Write;
use std::path::Path;
use unicode_general_category::{get_general_category, GeneralCategory};
use unicode_normalization::UnicodeNormalization;

/// Removes what could hide or reorder text in a tag (format, private-use and unassigned
/// characters, after NFKC normalisation), repeated until stable (at most ten rounds), as the
/// official SDKs do before storing a tag.
pub fn sanitize_unicode(value: &str) -> String {
    let mut current = value.to_owned();
    for _ in 0..10 {
        let next: String = current
            .nfkc()
            .filter(|c| {
                !matches!(
                    get_general_category(*c),
                    GeneralCategory::Format
                        | GeneralCategory::PrivateUse
                        | GeneralCategory::Unassigned
                ) && !matches!(*c as u32,
                    0x200b..=0x200f | 0x202a..=0x202e | 0x2066..=0x2069 | 0xfeff | 0xe000..=0xf8ff)
            })
            .collect();
        if next == current {
            break;
        }
        current = next;
    }
    current
}

fn python_strip(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c))
}

/// The `custom-title` entry `rename_session` appends: `{"type","customTitle","sessionId"}`
/// with the title trimmed. Refuses an id that is not a UUID and a blank title.
pub fn custom_title_entry(session_id: &str, title: &str) -> Result<Value> {
    validate_uuid(session_id)?;
    let title = python_strip(title);
    if title.is_empty() {
        return Err(Error::Sessions(Problem::InvalidArgument(
            "title must be non-empty".into(),
        )));
    }
    let mut entry = Map::new();
    entry.insert("type".into(), "custom-title".into());
    entry.insert("customTitle".into(), title.into());
    entry.insert("sessionId".into(), session_id.into());
    Ok(Value::Object(entry))
}

/// The `tag` entry `tag_session` appends: `{"type","tag","sessionId"}`, the tag sanitised
/// ([`sanitize_unicode`]) and trimmed; `None` clears (an empty tag). Refuses an id that is
/// not a UUID and a tag that is blank once sanitised.
pub fn tag_entry(session_id: &str, tag: Option<&str>) -> Result<Value> {
    validate_uuid(session_id)?;
    let tag = match tag {
        Some(tag) => {
            let clean = sanitize_unicode(tag);
            let clean = python_strip(&clean).to_owned();
            if clean.is_empty() {
                return Err(Error::Sessions(Problem::EmptyTag));
            }
            clean
        }
        None => String::new(),
    };
    let mut entry = Map::new();
    entry.insert("type".into(), "tag".into());
    entry.insert("tag".into(), tag.into());
    entry.insert("sessionId".into(), session_id.into());
    Ok(Value::Object(entry))
}

/// The same entry for a session store, which also gets a fresh `uuid` and a `timestamp`.
pub fn with_store_stamp(mut entry: Value, flavour: crate::Flavour) -> Value {
    if let Value::Object(map) = &mut entry {
        map.insert("uuid".into(), new_uuid().into());
        map.insert("timestamp".into(), iso_now_for(flavour).into());
    }
    entry
}

/// One JSON line, compact, ASCII-only (non-ASCII escaped as `\uXXXX`), newline-terminated:
/// what Python's `json.dumps(..., separators=(",", ":"))` writes.
pub fn to_python_json_line(value: &Value) -> String {
    let mut out = python_json(value);
    out.push('\n');
    out
}

/// Compact JSON with Python's default `ensure_ascii` escaping.
pub(crate) fn python_json(value: &Value) -> String {
    let compact = serde_json::to_string(value).unwrap_or_default();
    if compact.bytes().all(|b| b.is_ascii() && b != 0x7f) {
        return compact;
    }
    // Non-ASCII only occurs inside strings in compact JSON: escape it there.
    let mut out = String::with_capacity(compact.len() + 16);
    for c in compact.chars() {
        if c.is_ascii() && c != '\u{7f}' {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    out
}

/// Appends `data` to the session's transcript (the first non-empty one found, in the official
/// search order), in append mode so concurrent writers never interleave within the write.
pub(crate) fn append_to_session(session_id: &str, data: &[u8], dir: Option<&Path>) -> Result<()> {
    let name = format!("{session_id}.jsonl");
    let projects = projects_dir(None);
    match dir.filter(|d| !d.as_os_str().is_empty()) {
        Some(d) => {
            let canonical = canonical_dir(d);
            if let Some(project) = find_project_dir(&projects, &canonical) {
                if try_append(&project.join(&name), data)? {
                    return Ok(());
                }
            }
            for wt in worktree_paths(&canonical) {
                if wt == canonical {
                    continue;
                }
                if let Some(project) = find_project_dir(&projects, &wt) {
                    if try_append(&project.join(&name), data)? {
                        return Ok(());
                    }
                }
            }
            Err(Error::Sessions(Problem::SessionNotFoundAnywhere {
                session_id: session_id.to_owned(),
                directory: Some(d.to_string_lossy().into_owned()),
            }))
        }
        None => {
            let entries = std::fs::read_dir(&projects).map_err(|_| {
                Error::Sessions(Problem::NoProjectsDirectory(session_id.to_owned()))
            })?;
            for entry in entries.flatten() {
                if try_append(&entry.path().join(&name), data)? {
                    return Ok(());
                }
            }
            Err(Error::Sessions(Problem::SessionNotFoundAnywhere {
                session_id: session_id.to_owned(),
                directory: None,
            }))
        }
    }
}

/// Appends to an existing, non-empty file; `false` when it is missing or empty (look
/// elsewhere), the I/O error otherwise. Never creates the file.
fn try_append(path: &Path, data: &[u8]) -> Result<bool> {
    let mut file = match std::fs::OpenOptions::new().append(true).open(path) {
        Ok(f) => f,
        Err(e)
            if e.kind() == std::io::ErrorKind::NotFound
                || e.raw_os_error() == Some(libc::ENOTDIR) =>
        {
            return Ok(false)
        }
        Err(e) => return Err(e.into()),
    };
    let meta = file.metadata()?;
    if !meta.is_file() || meta.len() == 0 {
        return Ok(false);
    }
    file.write_all(data)?;
    Ok(true)
}

/// Renames a session: appends a `custom-title` entry (the last one wins in listings, and the
/// CLI shows it on `--resume`).
///
/// Errors: an id that is not a UUID or a blank title ([`Problem`], before anything is read),
/// the session not found, or the I/O error of the append.
pub fn rename_session(session_id: &str, title: &str, dir: Option<&Path>) -> Result<()> {
    let entry = custom_title_entry(session_id, title)?;
    append_to_session(session_id, to_python_json_line(&entry).as_bytes(), dir)
}

/// Tags a session (`None` clears the tag): appends a `tag` entry.
///
/// Errors as [`rename_session`]; a tag blank after sanitising is refused.
pub fn tag_session(session_id: &str, tag: Option<&str>, dir: Option<&Path>) -> Result<()> {
    let entry = tag_entry(session_id, tag)?;
    append_to_session(session_id, to_python_json_line(&entry).as_bytes(), dir)
}

/// Deletes a session for good: its transcript, and the `<session id>/` directory beside it
/// (subagent transcripts, the archived mark) when there is one.
///
/// Errors: an id that is not a UUID, the session not found, or the I/O error of the removal.
pub fn delete_session(session_id: &str, dir: Option<&Path>) -> Result<()> {
    validate_uuid(session_id)?;
    let not_found = || {
        Error::Sessions(Problem::SessionNotFound {
            session_id: session_id.to_owned(),
            directory: dir.map(|d| d.to_string_lossy().into_owned()),
        })
    };
    let (path, project) = find_session_file(session_id, dir).ok_or_else(not_found)?;
    match std::fs::remove_file(&path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::Sessions(Problem::SessionNotFound {
                session_id: session_id.to_owned(),
                directory: None,
            }))
        }
        Err(e) => return Err(e.into()),
    }
    // remove_dir_all does not follow symlinks out of the tree.
    let _ = std::fs::remove_dir_all(project.join(session_id));
    Ok(())
}

/// A random (version 4) UUID, lower case.
pub(crate) fn new_uuid() -> String {
    let mut bytes: [u8; 16] = fastrand::u128(..).to_le_bytes();
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

fn now_parts() -> (String, u32) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = now.as_secs() as i64;
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let rem = secs.rem_euclid(86_400);
    (
        format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
            rem / 3600,
            rem % 3600 / 60,
            rem % 60
        ),
        now.subsec_micros(),
    )
}

/// Now in UTC as Python's `datetime.isoformat()` writes it, `Z`-suffixed (microseconds,
/// omitted when zero).
pub(crate) fn iso_now() -> String {
    let (base, micros) = now_parts();
    if micros == 0 {
        format!("{base}Z")
    } else {
        format!("{base}.{micros:06}Z")
    }
}

/// Now as `flavour`'s SDK stamps an entry it writes: JavaScript's `toISOString()`
/// (milliseconds) for TypeScript, [`iso_now`] for Python.
pub(crate) fn iso_now_for(flavour: crate::Flavour) -> String {
    match flavour {
        crate::Flavour::Ts => iso_now_millis(),
        _ => iso_now(),
    }
}

/// How [`write_whole`] puts the file in place.
pub(crate) enum Whole {
    /// Fail if the file exists (linked into place).
    New,
    /// Replace the file if it exists (renamed into place).
    Replace,
}

/// Writes `data` to `path` all at once: into a private temporary file beside it (mode 0600),
/// synced, then linked or renamed into place, so no reader sees part of it.
pub(crate) fn write_whole(path: &Path, data: &[u8], how: Whole) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.{}.{:x}.tmp",
        path.file_name()
            .map_or_else(Default::default, |n| n.to_string_lossy()),
        std::process::id(),
        fastrand::u64(..)
    ));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let result = (|| {
        let mut file = options.open(&tmp)?;
        file.write_all(data)?;
        file.sync_all()?;
        drop(file);
        match how {
            Whole::Replace => std::fs::rename(&tmp, path),
            Whole::New => match std::fs::hard_link(&tmp, path) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(e),
                // No hard links here (some filesystems): a rename, the id being fresh.
                Err(_) => std::fs::rename(&tmp, path),
            },
        }
    })();
    let _ = std::fs::remove_file(&tmp);
    result
}

/// Now in UTC as JavaScript's `toISOString()` writes it (milliseconds).
pub(crate) fn iso_now_millis() -> String {
    let (base, micros) = now_parts();
    format!("{base}.{:03}Z", micros / 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_sanitised() {
        assert_eq!(sanitize_unicode("a\u{200b}b\u{202e}c\u{e000}"), "abc");
        assert_eq!(sanitize_unicode("ﬁ"), "fi");
        let id = "11111111-1111-4111-8111-111111111111";
        assert!(tag_entry(id, Some("\u{200b} ")).is_err());
        assert_eq!(tag_entry(id, None).unwrap()["tag"], "");
        assert!(custom_title_entry(id, " \t").is_err());
        assert!(custom_title_entry("../x", "t").is_err());
    }

    #[test]
    fn ids_and_times() {
        let id = new_uuid();
        assert!(super::super::paths::is_uuid(&id));
        assert_eq!(&id[14..15], "4");
        assert!(iso_now().ends_with('Z'));
        assert_eq!(iso_now_millis().len(), 24);
        assert_eq!(
            to_python_json_line(&serde_json::json!({"a":"é\u{7f}"})),
            "{\"a\":\"\\u00e9\\u007f\"}\n"
        );
    }
}
