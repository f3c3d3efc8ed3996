//! Forking: a copy of a session's main conversation under a new id, every entry re-keyed, the
//! chain kept, a `forkedFrom` back-reference on each, and a title entry at the end, so the CLI
//! can `--resume` the fork.

use super::lite::{first_prompt, last_field, LITE_BUF};
use super::locate::find_session_file;
use super::mutate::{iso_now_for, new_uuid, python_json};
use super::node::TRANSCRIPT_TYPES;
use super::paths::validate_uuid;
use super::{ForkSessionResult, Problem};
use crate::{Error, Flavour, Result};
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};
use std::path::Path;

fn refuse(problem: Problem) -> Error {
    Error::Sessions(problem)
}

fn is_transcript(e: &Value) -> bool {
    e.get("type")
        .and_then(Value::as_str)
        .is_some_and(|t| TRANSCRIPT_TYPES.contains(&t))
        && e.get("uuid").is_some_and(Value::is_string)
}

fn truthy(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0),
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(o)) => !o.is_empty(),
    }
}

/// The transcript entries and the content-replacement records of `session_id`.
fn partition<'e>(
    entries: impl IntoIterator<Item = &'e Value>,
    session_id: &str,
) -> (Vec<&'e Value>, Vec<Value>) {
    let mut transcript = Vec::new();
    let mut replacements = Vec::new();
    for e in entries {
        if is_transcript(e) {
            transcript.push(e);
        } else if e.get("type").and_then(Value::as_str) == Some("content-replacement")
            && e.get("sessionId").and_then(Value::as_str) == Some(session_id)
        {
            if let Some(Value::Array(items)) = e.get("replacements") {
                replacements.extend(items.iter().cloned());
            }
        }
    }
    (transcript, replacements)
}

/// The fork's entries (new session id first): what the official `_build_fork_lines` builds.
fn build(
    transcript: Vec<&Value>,
    replacements: Vec<Value>,
    session_id: &str,
    up_to: Option<&str>,
    title: Option<&str>,
    derive_title: impl FnOnce() -> Option<String>,
    flavour: Flavour,
) -> Result<(String, Vec<Value>)> {
    let no_messages = || refuse(Problem::NoMessagesToFork(session_id.to_owned()));
    let mut transcript: Vec<&Value> = transcript
        .into_iter()
        .filter(|e| !truthy(e.get("isSidechain")))
        .collect();
    if transcript.is_empty() {
        return Err(no_messages());
    }
    let uuid_of = |e: &Value| {
        e.get("uuid")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned()
    };
    if let Some(up_to) = up_to.filter(|u| !u.is_empty()) {
        let cut = transcript
            .iter()
            .position(|e| uuid_of(e) == up_to)
            .ok_or_else(|| {
                refuse(Problem::MessageNotInSession {
                    message_id: up_to.to_owned(),
                    session_id: session_id.to_owned(),
                })
            })?;
        transcript.truncate(cut + 1);
    }
    let mut mapping: HashMap<String, String> = HashMap::new();
    let mut by_uuid: HashMap<String, &Value> = HashMap::new();
    for e in &transcript {
        mapping.insert(uuid_of(e), new_uuid());
        by_uuid.insert(uuid_of(e), e);
    }
    let is_progress = |e: &Value| e.get("type").and_then(Value::as_str) == Some("progress");
    let writable: Vec<&Value> = transcript
        .iter()
        .copied()
        .filter(|e| !is_progress(e))
        .collect();
    if writable.is_empty() {
        return Err(no_messages());
    }
    let forked_id = new_uuid();
    let now = iso_now_for(flavour);
    let mut out = Vec::with_capacity(writable.len() + 2);
    for (i, original) in writable.iter().enumerate() {
        let old_uuid = uuid_of(original);
        // The nearest ancestor that is not a progress entry (progress entries are dropped).
        let mut new_parent = Value::Null;
        let mut parent_id = original
            .get("parentUuid")
            .and_then(Value::as_str)
            .filter(|p| !p.is_empty());
        let mut visited = HashSet::new();
        while let Some(pid) = parent_id {
            if !visited.insert(pid) {
                break;
            }
            let Some(parent) = by_uuid.get(pid) else {
                break;
            };
            if !is_progress(parent) {
                new_parent = mapping.get(pid).cloned().map_or(Value::Null, Value::from);
                break;
            }
            parent_id = parent
                .get("parentUuid")
                .and_then(Value::as_str)
                .filter(|p| !p.is_empty());
        }
        let timestamp = if i + 1 == writable.len() {
            Value::from(now.clone())
        } else {
            original
                .get("timestamp")
                .cloned()
                .unwrap_or_else(|| now.clone().into())
        };
        let logical = match original.get("logicalParentUuid") {
            Some(lp) if truthy(Some(lp)) => lp
                .as_str()
                .and_then(|s| mapping.get(s))
                .cloned()
                .map_or(Value::Null, Value::from),
            Some(lp) => lp.clone(),
            None => Value::Null,
        };
        let mut forked: Map<String, Value> = original.as_object().cloned().unwrap_or_default();
        forked.insert("uuid".into(), mapping[&old_uuid].clone().into());
        forked.insert("parentUuid".into(), new_parent);
        forked.insert("logicalParentUuid".into(), logical);
        forked.insert("sessionId".into(), forked_id.clone().into());
        forked.insert("timestamp".into(), timestamp);
        forked.insert("isSidechain".into(), false.into());
        let mut from = Map::new();
        from.insert("sessionId".into(), session_id.into());
        from.insert("messageUuid".into(), old_uuid.into());
        forked.insert("forkedFrom".into(), Value::Object(from));
        for key in ["teamName", "agentName", "slug", "sourceToolAssistantUUID"] {
            forked.shift_remove(key);
        }
        out.push(Value::Object(forked));
    }
    if !replacements.is_empty() {
        let mut e = Map::new();
        e.insert("type".into(), "content-replacement".into());
        e.insert("sessionId".into(), forked_id.clone().into());
        e.insert("replacements".into(), Value::Array(replacements));
        e.insert("uuid".into(), new_uuid().into());
        e.insert("timestamp".into(), now.clone().into());
        out.push(Value::Object(e));
    }
    let explicit = title.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
    let fork_title = match explicit {
        Some(t) => t,
        None => format!(
            "{} (fork)",
            derive_title().unwrap_or_else(|| "Forked session".to_owned())
        ),
    };
    let mut e = Map::new();
    e.insert("type".into(), "custom-title".into());
    e.insert("sessionId".into(), forked_id.clone().into());
    e.insert("customTitle".into(), fork_title.into());
    e.insert("uuid".into(), new_uuid().into());
    e.insert("timestamp".into(), now.into());
    out.push(Value::Object(e));
    Ok((forked_id, out))
}

/// The title a fork of these entries gets when none is given (before " (fork)"): the last
/// custom title, else the last AI title, else the first prompt.
fn title_from_entries(entries: &[Value]) -> Option<String> {
    let last = |key: &str| {
        entries
            .iter()
            .filter_map(|e| e.get(key).and_then(Value::as_str))
            .rfind(|s| !s.is_empty())
            .map(str::to_owned)
    };
    last("customTitle").or_else(|| last("aiTitle")).or_else(|| {
        let jsonl: String = entries.iter().map(|e| python_json(e) + "\n").collect();
        Some(first_prompt(&jsonl)).filter(|p| !p.is_empty())
    })
}

/// The entries of a fork of `entries` (a session's transcript as a session store holds it):
/// the new session id and the entries to store under it, as the official SDKs build them.
///
/// Sidechain entries are left out, progress entries dropped (their children re-parented),
/// every uuid replaced, `forkedFrom` added, only the last entry re-stamped, content
/// replacements carried over, and a `custom-title` entry added last: `title` (trimmed), else
/// the source's title or first prompt + " (fork)".
///
/// The last entry's new `timestamp` is written as `flavour`'s SDK writes one.
///
/// Errors: a refused id, no messages to fork, or `up_to_message_id` not in the transcript.
pub fn fork_entries(
    entries: &[Value],
    session_id: &str,
    up_to_message_id: Option<&str>,
    title: Option<&str>,
    flavour: Flavour,
) -> Result<(String, Vec<Value>)> {
    check_ids(session_id, up_to_message_id)?;
    let (transcript, replacements) = partition(entries, session_id);
    build(
        transcript,
        replacements,
        session_id,
        up_to_message_id,
        title,
        || title_from_entries(entries),
        flavour,
    )
}

pub(super) fn check_ids(session_id: &str, up_to: Option<&str>) -> Result<()> {
    validate_uuid(session_id)?;
    if let Some(up_to) = up_to.filter(|u| !u.is_empty()) {
        if !super::paths::is_uuid(up_to) {
            return Err(refuse(Problem::InvalidMessageId(up_to.to_owned())));
        }
    }
    Ok(())
}

/// Forks a session into a new transcript beside it (see [`fork_entries`] for what is
/// written); the new file is created whole and never overwrites one.
///
/// Errors: a refused id, the session not found, nothing to fork, the fork point missing, or
/// the I/O error of the read or write.
pub fn fork_session(
    session_id: &str,
    dir: Option<&Path>,
    up_to_message_id: Option<&str>,
    title: Option<&str>,
    flavour: Flavour,
) -> Result<ForkSessionResult> {
    check_ids(session_id, up_to_message_id)?;
    let (path, project) = find_session_file(session_id, dir).ok_or_else(|| {
        refuse(Problem::SessionNotFound {
            session_id: session_id.to_owned(),
            directory: dir.map(|d| d.to_string_lossy().into_owned()),
        })
    })?;
    let content = std::fs::read(&path)?;
    if content.is_empty() {
        return Err(refuse(Problem::NoMessagesToFork(session_id.to_owned())));
    }
    let text = String::from_utf8_lossy(&content);
    let entries: Vec<Value> = text
        .split('\n')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(Value::is_object)
        .collect();
    let (transcript, replacements) = partition(&entries, session_id);
    let derive = || {
        let head = String::from_utf8_lossy(&content[..content.len().min(LITE_BUF)]);
        let tail = String::from_utf8_lossy(&content[content.len().saturating_sub(LITE_BUF)..]);
        let nonempty = |v: Option<String>| v.filter(|s| !s.is_empty());
        nonempty(last_field(&tail, "customTitle"))
            .or_else(|| nonempty(last_field(&head, "customTitle")))
            .or_else(|| nonempty(last_field(&tail, "aiTitle")))
            .or_else(|| nonempty(last_field(&head, "aiTitle")))
            .or_else(|| nonempty(Some(first_prompt(&head))))
    };
    let (forked_id, lines) = build(
        transcript,
        replacements,
        session_id,
        up_to_message_id,
        title,
        derive,
        flavour,
    )?;
    let mut data = String::new();
    for line in &lines {
        data.push_str(&python_json(line));
        data.push('\n');
    }
    let path = project.join(format!("{forked_id}.jsonl"));
    super::mutate::write_whole(&path, data.as_bytes(), super::mutate::Whole::New)?;
    Ok(ForkSessionResult {
        session_id: forked_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const S: &str = "11111111-1111-4111-8111-111111111111";

    fn u(n: u32) -> String {
        format!("00000000-0000-4000-8000-{n:012}")
    }

    #[test]
    fn fork_remaps_and_titles() {
        let entries = vec![
            json!({"type":"user","uuid":u(1),"parentUuid":null,"sessionId":S,"timestamp":"t1","message":{"content":"first"},"slug":"x"}),
            json!({"type":"progress","uuid":u(2),"parentUuid":u(1),"sessionId":S}),
            json!({"type":"assistant","uuid":u(3),"parentUuid":u(2),"sessionId":S,"timestamp":"t3","teamName":"t","message":{"content":[]}}),
            json!({"type":"user","uuid":u(4),"parentUuid":u(3),"isSidechain":true,"sessionId":S}),
            json!({"type":"content-replacement","sessionId":S,"replacements":[{"k":1}]}),
            json!({"type":"ai-title","aiTitle":"Named"}),
        ];
        let (id, out) = fork_entries(&entries, S, None, None, Flavour::Python).unwrap();
        assert_eq!(out.len(), 4);
        assert_eq!(out[0]["sessionId"], id.as_str());
        assert_eq!(
            out[0]["forkedFrom"],
            json!({"sessionId": S, "messageUuid": u(1)})
        );
        assert!(out[0].get("slug").is_none());
        assert_eq!(out[0]["timestamp"], "t1");
        assert_eq!(out[0]["logicalParentUuid"], Value::Null);
        // The progress entry is skipped: the assistant hangs off the user entry.
        assert_eq!(out[1]["parentUuid"], out[0]["uuid"]);
        assert!(out[1].get("teamName").is_none());
        assert_ne!(out[1]["timestamp"], "t3");
        // Stamped as each SDK stamps: microseconds (Python), `toISOString()` (TypeScript).
        let (_, ts) = fork_entries(&entries, S, None, None, Flavour::Ts).unwrap();
        let fraction = |v: &Value| v.as_str().unwrap().split('.').nth(1).map(str::len);
        assert_eq!(
            fraction(&ts[1]["timestamp"]),
            Some(4),
            "{}",
            ts[1]["timestamp"]
        );
        assert!(matches!(fraction(&out[1]["timestamp"]), Some(7) | None));
        assert_eq!(out[2]["type"], "content-replacement");
        assert_eq!(out[3]["customTitle"], "Named (fork)");
        let (_, out) =
            fork_entries(&entries, S, Some(&u(1)), Some("  T "), Flavour::Python).unwrap();
        assert_eq!(out.last().unwrap()["customTitle"], "T");
        assert!(fork_entries(&entries, S, Some(&u(9)), None, Flavour::Python).is_err());
        assert!(fork_entries(&entries, S, Some("nope"), None, Flavour::Python).is_err());
        assert!(fork_entries(&entries[4..], S, None, None, Flavour::Python).is_err());
        assert!(fork_entries(&entries[1..2], S, None, None, Flavour::Python).is_err());
    }
}
