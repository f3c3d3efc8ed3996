//! Subagent transcripts: `<project>/<session id>/subagents/[...]/agent-<agent id>.jsonl`, each
//! with an optional `agent-<agent id>.meta.json` sidecar naming the Agent call that started it.

use super::chain::{subagent_conversation, Node};
use super::locate::find_session_file;
use super::messages::{entry_message, index_file, FileIndex, MessageLines, Page};
use super::paths::is_uuid;
use super::ts_view::{self, Shown};
use super::SessionMessage;
use crate::{Flavour, Result};
use serde_json::Value;
use std::fs::File;
use std::path::{Path, PathBuf};

/// How deep nested subagent directories are followed (bounds symlink loops).
const MAX_DEPTH: usize = 16;

/// The `subagents` directory of a session, when the session is found.
fn subagents_dir(session_id: &str, dir: Option<&Path>) -> Option<PathBuf> {
    let (_, project) = find_session_file(session_id, dir)?;
    Some(project.join(session_id).join("subagents"))
}

/// Every `agent-*.jsonl` under `base`, depth first in name order, with its agent id.
fn agent_files(base: &Path) -> Vec<(String, PathBuf)> {
    fn walk(dir: &Path, depth: usize, out: &mut Vec<(String, PathBuf)>) {
        if depth > MAX_DEPTH {
            return;
        }
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<_> = entries.flatten().collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let path = entry.path();
            let Ok(meta) = std::fs::metadata(&path) else {
                continue;
            };
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if meta.is_file() {
                if let Some(id) = name
                    .strip_prefix("agent-")
                    .and_then(|n| n.strip_suffix(".jsonl"))
                {
                    out.push((id.to_owned(), path));
                }
            } else if meta.is_dir() {
                walk(&path, depth + 1, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(base, 0, &mut out);
    out
}

/// The subagent ids of a session, in directory order (nested ones included).
///
/// Empty when the id is not a UUID, the session is not found, or it has no subagents.
pub fn list_subagents(session_id: &str, dir: Option<&Path>) -> Result<Vec<String>> {
    if !is_uuid(session_id) {
        return Ok(Vec::new());
    }
    Ok(subagents_dir(session_id, dir)
        .map(|d| agent_files(&d).into_iter().map(|(id, _)| id).collect())
        .unwrap_or_default())
}

/// `(toolUseId, parentAgentId)` of an agent metadata record (the sidecar, or a store's
/// `agent_metadata` entry).
pub fn parent_ids_from_agent_metadata(meta: Option<&Value>) -> (Option<String>, Option<String>) {
    let field = |k: &str| {
        meta.and_then(|m| m.get(k))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    (field("toolUseId"), field("parentAgentId"))
}

fn read_sidecar(transcript: &Path) -> Option<Value> {
    let name = transcript.file_name()?.to_str()?.strip_suffix(".jsonl")?;
    let text =
        std::fs::read_to_string(transcript.with_file_name(format!("{name}.meta.json"))).ok()?;
    serde_json::from_str::<Value>(&text)
        .ok()
        .filter(Value::is_object)
}

/// A subagent's messages, oldest first: the walk back from its last user or assistant entry,
/// then `page`. Each carries the Agent call's `tool_use` id (`parent_tool_use_id`) and the
/// spawning agent (`parent_agent_id`) from the `.meta.json` sidecar, `None` without one.
///
/// Empty when the session id is not a UUID, the agent id is empty or not a file-name
/// component, or either is not found. The agent id is only compared with the names found,
/// never joined to a path.
pub fn get_subagent_messages(
    session_id: &str,
    agent_id: &str,
    dir: Option<&Path>,
    page: Page,
    flavour: Flavour,
) -> Result<Vec<SessionMessage>> {
    Ok(subagent_message_lines(session_id, agent_id, dir, page, flavour)?.into_messages())
}

/// [`get_subagent_messages`], located but not read: the lines of the page's messages.
pub fn subagent_message_lines(
    session_id: &str,
    agent_id: &str,
    dir: Option<&Path>,
    page: Page,
    flavour: Flavour,
) -> Result<MessageLines> {
    if !is_uuid(session_id) || agent_id.is_empty() || agent_id.contains(['/', '\\', '\0']) {
        return Ok(MessageLines::default());
    }
    let Some(base) = subagents_dir(session_id, dir) else {
        return Ok(MessageLines::default());
    };
    let Some((_, path)) = agent_files(&base)
        .into_iter()
        .find(|(id, _)| id == agent_id)
    else {
        return Ok(MessageLines::default());
    };
    let Ok(FileIndex { nodes, spans, .. }) = index_file(&path) else {
        return Ok(MessageLines::default());
    };
    let meta = read_sidecar(&path);
    let (tool_use_id, parent_agent_id) = parent_ids_from_agent_metadata(meta.as_ref());
    let chain = shown(&nodes, flavour);
    let Ok(file) = File::open(&path) else {
        return Ok(MessageLines::default());
    };
    let page = &chain[page.range(chain.len())];
    Ok(MessageLines::new(
        file,
        &nodes,
        spans,
        page,
        tool_use_id,
        parent_agent_id,
    ))
}

/// A subagent's messages from a session store's entries, as [`get_subagent_messages`] reads
/// them from disk. The store holds the sidecar as `{"type":"agent_metadata",...}` entries:
/// the last one gives the parent ids, and none is taken as a transcript line.
pub fn subagent_messages_from_entries(
    entries: &[Value],
    page: Page,
    flavour: Flavour,
) -> Vec<SessionMessage> {
    let mut meta = None;
    let mut transcript: Vec<&Value> = Vec::with_capacity(entries.len());
    for e in entries {
        if e.get("type").and_then(Value::as_str) == Some("agent_metadata") {
            meta = Some(e);
        } else {
            transcript.push(e);
        }
    }
    if transcript.is_empty() {
        return Vec::new();
    }
    let (tool_use_id, parent_agent_id) = parent_ids_from_agent_metadata(meta);
    let (nodes, at): (Vec<Node>, Vec<&Value>) = transcript
        .into_iter()
        .filter_map(|e| Node::from_value(e).map(|n| (n, e)))
        .unzip();
    let chain = shown(&nodes, flavour);
    chain[page.range(chain.len())]
        .iter()
        .map(|&s| {
            entry_message(
                &nodes,
                &at,
                s,
                tool_use_id.as_deref(),
                parent_agent_id.as_deref(),
            )
        })
        .collect()
}

/// What a subagent's conversation shows, as `flavour`'s SDK shows it: its user and assistant
/// messages (meta ones too), in the TypeScript flavour also its prompts queued mid-turn.
fn shown(nodes: &[Node], flavour: Flavour) -> Vec<Shown> {
    let chain = subagent_conversation(nodes);
    let all = if flavour == Flavour::Ts {
        ts_view::view(nodes, &chain, 0, true, None)
    } else {
        Shown::plain(chain)
    };
    all.into_iter()
        .filter(|s| match *s {
            Shown::Queued { .. } => true,
            Shown::Entry { node, .. } => nodes[node].is_user_or_assistant(),
        })
        .collect()
}
