//! The TypeScript SDK's view of a conversation's chain, which the Python SDK does not take: a
//! prompt queued while a turn ran (a `queued_command` attachment) is shown as the user message
//! it was, once the model took it up; the entries of a finished local command are marked
//! `isCompletedLocalCommand`; an assistant entry that only closes a quiet turn is left out; and
//! a meta entry that came from a channel is shown. What it reads of each entry is in
//! [`ts_marks`](super::ts_marks).

use super::node::Node;
use super::ts_marks::{Queued, Tag};
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};

/// The queued prompts that hang off the conversation's leaf (below it, through entries that
/// are not messages), not on the way to a message off the conversation: those the CLI had not
/// taken up when the transcript ends. In the order of a walk down from the leaf, siblings by
/// time.
pub(crate) fn trailing(nodes: &[Node], chain: &[usize]) -> Vec<usize> {
    let Some(&leaf) = chain.last() else {
        return Vec::new();
    };
    let mut children: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut by_uuid: HashMap<&str, usize> = HashMap::new();
    for (i, node) in nodes.iter().enumerate() {
        by_uuid.insert(&node.uuid, i);
        if let (false, Some(parent)) = (node.is_user_or_assistant(), &node.parent) {
            children.entry(parent).or_default().push(i);
        }
    }
    let mut seen: HashSet<&str> = chain.iter().map(|&i| &*nodes[i].uuid).collect();
    let mut above: HashSet<&str> = HashSet::new();
    for node in nodes {
        if !node.is_user_or_assistant() || node.sidechain || node.team || seen.contains(&*node.uuid)
        {
            continue;
        }
        let mut up = node.parent.as_deref().and_then(|p| by_uuid.get(p));
        while let Some(&i) = up {
            let uuid = &*nodes[i].uuid;
            if seen.contains(uuid) || !above.insert(uuid) {
                break;
            }
            up = nodes[i].parent.as_deref().and_then(|p| by_uuid.get(p));
        }
    }
    let mut out = Vec::new();
    let mut stack = vec![leaf];
    while let Some(i) = stack.pop() {
        let node = &nodes[i];
        if i != leaf {
            if !seen.insert(&node.uuid) {
                continue;
            }
            let queued = node.ts.as_ref().is_some_and(|m| m.copy.is_some());
            if queued && !above.contains(&*node.uuid) {
                out.push(i);
            }
        }
        let mut kids = children.get(&*node.uuid).cloned().unwrap_or_default();
        kids.sort_by(|&a, &b| {
            let time = |i: usize| nodes[i].timestamp.as_deref().unwrap_or_default();
            time(a).cmp(time(b))
        });
        stack.extend(
            kids.into_iter()
                .rev()
                .filter(|k| !seen.contains(&*nodes[*k].uuid)),
        );
    }
    out
}

/// One entry the view shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shown {
    /// The node's own entry; `completed`: marked `isCompletedLocalCommand`.
    Entry { node: usize, completed: bool },
    /// The user message a queued prompt (this attachment's node) stands for.
    Queued { node: usize },
}

impl Shown {
    /// The entries of `chain` shown as they are.
    pub(crate) fn plain(chain: impl IntoIterator<Item = usize>) -> Vec<Shown> {
        chain
            .into_iter()
            .map(|node| Shown::Entry {
                node,
                completed: false,
            })
            .collect()
    }
}

/// A queued prompt shown as a user message: its uuid, message text and record fields.
pub(crate) fn queued_message(node: &Node) -> Option<(&str, &str, &str)> {
    let queued = node.ts.as_ref()?.queued.as_ref()?;
    let uuid = queued.uuid.as_deref().unwrap_or(&node.uuid);
    Some((uuid, &queued.message, &queued.ts_fields))
}

/// The key of a prompt the CLI took up mid-turn (`queue-operation` `remove`,
/// `absorbed_mid_turn`): `delivery:<id>` or `uuid:<commandUuid>`; `None` for other entries.
pub(crate) fn absorbed_key(entry: &Map<String, Value>) -> Option<Box<str>> {
    let text = |key: &str| entry.get(key).and_then(Value::as_str);
    if text("type") != Some("queue-operation") {
        return None;
    }
    absorbed(
        text("operation"),
        text("reason"),
        text("deliveryId"),
        text("commandUuid"),
    )
}

/// [`absorbed_key`] of a `queue-operation` line's string fields.
pub(crate) fn absorbed(
    operation: Option<&str>,
    reason: Option<&str>,
    delivery_id: Option<&str>,
    command_uuid: Option<&str>,
) -> Option<Box<str>> {
    if operation != Some("remove") || reason != Some("absorbed_mid_turn") {
        return None;
    }
    match (delivery_id, command_uuid) {
        (Some(id), _) if !id.is_empty() => Some(format!("delivery:{id}").into()),
        (_, Some(id)) => Some(format!("uuid:{id}").into()),
        _ => None,
    }
}

/// How many copies of each prompt the CLI took up, by key; the copies of a delivery it took up
/// are named `entry:<uuid>`.
fn delivered(all: &[Node], absorbed: &[Box<str>]) -> HashMap<String, usize> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for key in absorbed {
        *counts.entry(key.to_string()).or_default() += 1;
    }
    let mut delivery_copies: HashMap<String, Vec<&str>> = HashMap::new();
    let mut seen: HashSet<&str> = HashSet::new();
    let mut copies: HashMap<&str, &str> = HashMap::new();
    let mut mixed: HashSet<&str> = HashSet::new();
    for node in all {
        let Some(marks) = &node.ts else { continue };
        if let Some(id) = &marks.delivery_id {
            if seen.insert(&node.uuid) {
                delivery_copies
                    .entry(format!("delivery:{id}"))
                    .or_default()
                    .push(&node.uuid);
            }
        } else if let Some(source) = &marks.source_uuid {
            let copy = marks.copy.as_deref().unwrap_or_default();
            match copies.get(&**source) {
                None => {
                    copies.insert(source, copy);
                }
                Some(first) if *first != copy => {
                    mixed.insert(source);
                }
                Some(_) => {}
            }
        }
    }
    for source in mixed {
        counts.remove(&format!("uuid:{source}"));
    }
    for (key, list) in delivery_copies {
        let taken = counts.get(&key).copied().unwrap_or(0);
        for uuid in &list[list.len().saturating_sub(taken)..] {
            counts.insert(format!("entry:{uuid}"), 1);
        }
    }
    counts
}

/// The view of `list` (node indices: the chain, then the queued prompts after its leaf,
/// `trailing` of them) as the TypeScript SDK takes it: `keep_meta` shows meta prompts (a
/// subagent's view), `absorbed` and `all` (every node, file order) tell which prompts the
/// CLI took up. Entries are then filtered by the caller.
pub(crate) fn view(
    nodes: &[Node],
    list: &[usize],
    trailing: usize,
    keep_meta: bool,
    absorbed: Option<&[Box<str>]>,
) -> Vec<Shown> {
    let marks = |i: usize| nodes[list[i]].ts.as_deref();
    let tag = |i: usize| marks(i).and_then(|m| m.tag);
    let kind = |i: usize| &*nodes[list[i]].kind;
    // A finished local command: its record and output after a caveat, up to the next reply.
    let mut completed = HashSet::new();
    for o in 0..list.len() {
        if kind(o) != "user" || !nodes[list[o]].meta || tag(o) != Some(Tag::Caveat) {
            continue;
        }
        let mut recorded = false;
        for i in o + 1..list.len() {
            if kind(i) == "assistant" {
                break;
            }
            if kind(i) != "user" || nodes[list[i]].meta {
                continue;
            }
            match tag(i) {
                Some(Tag::Record) if !recorded => recorded = true,
                Some(Tag::Output) if recorded => {}
                _ => break,
            }
            completed.insert(i);
        }
    }
    // Whether the next entry that counts after each one is a reply (the prompt was taken up).
    let mut replied = vec![false; list.len()];
    let mut last: Option<bool> = None;
    for o in (0..list.len()).rev() {
        replied[o] = last == Some(true);
        let node = &nodes[list[o]];
        let interrupted = marks(o).is_some_and(|m| m.interrupted);
        if kind(o) == "assistant" || node.is_tool_result || (kind(o) == "user" && interrupted) {
            last = Some(true);
        } else if kind(o) == "user"
            && !node.meta
            && !marks(o).is_some_and(|m| m.compact)
            && !completed.contains(&o)
        {
            last = Some(false);
        }
    }
    let taken = absorbed.map(|a| delivered(nodes, a)).unwrap_or_default();
    let by_count = taken_by_count(nodes, list, &taken);
    let mut uuids: HashSet<&str> = list.iter().map(|&i| &*nodes[i].uuid).collect();
    let first_trailing = list.len() - trailing;
    list.iter()
        .enumerate()
        .map(|(c, &node)| {
            if completed.contains(&c) {
                return Shown::Entry {
                    node,
                    completed: true,
                };
            }
            let show = by_count
                .get(&c)
                .copied()
                .unwrap_or(replied[c] || c >= first_trailing);
            let queued = marks(c).and_then(|m| m.queued.as_deref()).filter(|_| show);
            let Some(queued) = queued.filter(|q| !q.is_meta || keep_meta || q.shown) else {
                return Shown::Entry {
                    node,
                    completed: false,
                };
            };
            let uuid = queued.uuid.as_deref().unwrap_or(&nodes[node].uuid);
            if uuid != &*nodes[node].uuid && uuids.contains(uuid) {
                return Shown::Entry {
                    node,
                    completed: false,
                };
            }
            uuids.insert(uuid);
            Shown::Queued { node }
        })
        .collect()
}

/// For the prompts of `list` the CLI took up by count: whether each copy is shown.
fn taken_by_count(
    nodes: &[Node],
    list: &[usize],
    taken: &HashMap<String, usize>,
) -> HashMap<usize, bool> {
    let mut out = HashMap::new();
    if taken.is_empty() {
        return out;
    }
    let mut groups: HashMap<String, Vec<usize>> = HashMap::new();
    for (c, &i) in list.iter().enumerate() {
        let Some(marks) = nodes[i].ts.as_deref() else {
            continue;
        };
        let key = match (&marks.delivery_id, &marks.source_uuid) {
            (Some(id), _) => format!("delivery:{id}"),
            (None, Some(source)) => format!("uuid:{source}"),
            _ => continue,
        };
        if !taken.contains_key(&key) {
            continue;
        }
        groups.entry(key).or_default().push(c);
    }
    for (key, members) in groups {
        if key.starts_with("delivery:") {
            for c in members {
                out.insert(
                    c,
                    taken.contains_key(&format!("entry:{}", nodes[list[c]].uuid)),
                );
            }
            continue;
        }
        let count = taken[&key];
        let len = members.len();
        for (l, c) in members.into_iter().enumerate() {
            out.insert(c, l + count >= len);
        }
    }
    out
}

/// Whether the main conversation shows `shown` (the TypeScript SDK's filter): a user or
/// assistant entry (or a system one with `include_system`), not one that only closes a quiet
/// turn, not meta unless from a channel, not on a side chain or of a team.
pub(crate) fn is_shown(nodes: &[Node], shown: Shown, include_system: bool) -> bool {
    let (node, queued) = match shown {
        Shown::Entry { node, .. } => (&nodes[node], None),
        Shown::Queued { node } => (&nodes[node], node_queued(&nodes[node])),
    };
    if let Some(queued) = queued {
        return (!queued.is_meta || queued.shown) && !node.sidechain && !node.team;
    }
    let marks = node.ts.as_deref();
    let kind_ok = node.is_user_or_assistant() || (include_system && &*node.kind == "system");
    kind_ok
        && !marks.is_some_and(|m| m.quiet)
        && (!node.meta || marks.is_some_and(|m| m.shown))
        && !node.sidechain
        && !node.team
}

fn node_queued(node: &Node) -> Option<&Queued> {
    node.ts.as_ref()?.queued.as_deref()
}

/// A record's fields after the six, from their JSON text (`,"key":value` each).
pub(crate) fn fields_map(ts_fields: &str) -> Map<String, Value> {
    match ts_fields.strip_prefix(',') {
        Some(inner) => serde_json::from_str(&format!("{{{inner}}}")).unwrap_or_default(),
        None => Map::new(),
    }
}

/// A record's fields after the six with `isCompletedLocalCommand` in its place: after the
/// flags, before `timestamp` and `origin`.
pub(crate) fn completed_map(fields: Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::new();
    let mut placed = false;
    for (key, value) in fields {
        if !placed && matches!(key.as_str(), "timestamp" | "origin") {
            out.insert("isCompletedLocalCommand".into(), true.into());
            placed = true;
        }
        out.insert(key, value);
    }
    if !placed {
        out.insert("isCompletedLocalCommand".into(), true.into());
    }
    out
}

#[cfg(test)]
#[path = "ts_view_tests.rs"]
mod tests;
