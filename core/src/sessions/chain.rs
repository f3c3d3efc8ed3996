//! Transcript entries → the conversation: a compact index of each entry (what the chain needs,
//! not the message), the `parentUuid` walk from the newest main-chain leaf, and the tool calls
//! and results of parallel turns that the walk leaves off.

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

/// The entry types that take part in the `parentUuid` chain.
pub(crate) const TRANSCRIPT_TYPES: [&str; 5] =
    ["user", "assistant", "progress", "system", "attachment"];

/// What the chain needs of one transcript entry.
#[derive(Debug, Clone, Default)]
pub(crate) struct Node {
    pub kind: Box<str>,
    pub uuid: Box<str>,
    /// `parentUuid` when it is a non-empty string.
    pub parent: Option<Box<str>>,
    pub sidechain: bool,
    pub meta: bool,
    pub team: bool,
    /// `agentId`, as compact JSON (compared for equality only).
    pub agent_id: Option<Box<str>>,
    /// An assistant entry's API `message.id`.
    pub message_id: Option<Box<str>>,
    pub tool_use_ids: Vec<Box<str>>,
    pub tool_result_ids: Vec<Box<str>>,
    /// A user entry with a parent and a `tool_result` block.
    pub is_tool_result: bool,
    pub source_tool_assistant: Option<Box<str>>,
    pub timestamp: Option<Box<str>>,
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// The parts of a message the chain reads.
struct MessageParts<'v> {
    id: Option<&'v str>,
    blocks: Vec<(Option<&'v str>, Option<&'v str>, Option<&'v str>)>,
    content_is_list: bool,
}

impl Node {
    /// The node of a parsed entry; `None` when it is not a transcript entry with a string uuid.
    pub fn from_value(entry: &Value) -> Option<Node> {
        let obj = entry.as_object()?;
        let kind = obj.get("type")?.as_str()?;
        if !TRANSCRIPT_TYPES.contains(&kind) {
            return None;
        }
        let uuid = obj.get("uuid")?.as_str()?;
        let message = obj.get("message").and_then(Value::as_object);
        let content = message.and_then(|m| m.get("content"));
        let blocks: Vec<_> = match content {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(Value::as_object)
                .map(|b| {
                    let s = |k: &str| b.get(k).and_then(Value::as_str);
                    (s("type"), s("id"), s("tool_use_id"))
                })
                .collect(),
            _ => Vec::new(),
        };
        let parts = message.map(|m| MessageParts {
            id: m.get("id").and_then(Value::as_str),
            blocks,
            content_is_list: matches!(content, Some(Value::Array(_))),
        });
        let flag = |k: &str| obj.get(k).is_some_and(truthy);
        let text = |k: &str| obj.get(k).and_then(Value::as_str);
        Some(Node::build(
            kind,
            uuid,
            text("parentUuid"),
            [flag("isSidechain"), flag("isMeta"), flag("teamName")],
            obj.get("agentId").map(|v| v.to_string()),
            parts,
            text("sourceToolAssistantUUID"),
            text("timestamp"),
        ))
    }

    /// The node of one JSONL line, reading only the fields the chain needs; `None` for a line
    /// that is not JSON or not a transcript entry.
    pub fn from_line(line: &str) -> Option<Node> {
        match serde_json::from_str::<LineFields<'_>>(line) {
            Ok(fields) => fields.into_node(),
            // Duplicate keys and other oddities: the slow, exact path.
            Err(_) => Node::from_value(&serde_json::from_str::<Value>(line).ok()?),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn build(
        kind: &str,
        uuid: &str,
        parent: Option<&str>,
        [sidechain, meta, team]: [bool; 3],
        agent_id: Option<String>,
        message: Option<MessageParts<'_>>,
        source: Option<&str>,
        timestamp: Option<&str>,
    ) -> Node {
        let parent = parent.filter(|p| !p.is_empty());
        let mut node = Node {
            kind: kind.into(),
            uuid: uuid.into(),
            parent: parent.map(Into::into),
            sidechain,
            meta,
            team,
            agent_id: agent_id.map(Into::into),
            source_tool_assistant: source.map(Into::into),
            timestamp: timestamp.map(Into::into),
            ..Node::default()
        };
        if let Some(m) = message {
            if kind == "assistant" {
                node.message_id = m.id.filter(|i| !i.is_empty()).map(Into::into);
            }
            for (block_type, id, tool_use_id) in &m.blocks {
                match *block_type {
                    Some("tool_use") => node.tool_use_ids.extend(id.map(Into::into)),
                    Some("tool_result") => {
                        node.tool_result_ids.extend(tool_use_id.map(Into::into));
                        if kind == "user" && parent.is_some() && m.content_is_list {
                            node.is_tool_result = true;
                        }
                    }
                    _ => {}
                }
            }
        }
        node
    }

    pub fn is_user_or_assistant(&self) -> bool {
        matches!(&*self.kind, "user" | "assistant")
    }
}

/// The top-level fields of a line, borrowed where possible; everything else is skipped.
#[derive(Deserialize)]
struct LineFields<'a> {
    #[serde(rename = "type", borrow, default)]
    kind: Option<&'a RawValue>,
    #[serde(borrow, default)]
    uuid: Option<&'a RawValue>,
    #[serde(rename = "parentUuid", borrow, default)]
    parent: Option<&'a RawValue>,
    #[serde(rename = "isSidechain", borrow, default)]
    sidechain: Option<&'a RawValue>,
    #[serde(rename = "isMeta", borrow, default)]
    meta: Option<&'a RawValue>,
    #[serde(rename = "teamName", borrow, default)]
    team: Option<&'a RawValue>,
    #[serde(rename = "agentId", borrow, default)]
    agent_id: Option<&'a RawValue>,
    #[serde(borrow, default)]
    message: Option<&'a RawValue>,
    #[serde(rename = "sourceToolAssistantUUID", borrow, default)]
    source: Option<&'a RawValue>,
    #[serde(borrow, default)]
    timestamp: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct MessageFields<'a> {
    #[serde(borrow, default)]
    id: Option<&'a RawValue>,
    #[serde(borrow, default)]
    content: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct BlockFields<'a> {
    #[serde(rename = "type", borrow, default)]
    kind: Option<&'a RawValue>,
    #[serde(borrow, default)]
    id: Option<&'a RawValue>,
    #[serde(borrow, default)]
    tool_use_id: Option<&'a RawValue>,
}

/// A raw value as a string, when it is one.
fn raw_str<'a>(raw: Option<&'a RawValue>) -> Option<Cow<'a, str>> {
    let raw = raw?;
    if !raw.get().starts_with('"') {
        return None;
    }
    serde_json::from_str::<Cow<'a, str>>(raw.get()).ok()
}

fn raw_truthy(raw: Option<&RawValue>) -> bool {
    raw.and_then(|r| serde_json::from_str::<Value>(r.get()).ok())
        .is_some_and(|v| truthy(&v))
}

impl<'a> LineFields<'a> {
    fn into_node(self) -> Option<Node> {
        let kind = raw_str(self.kind)?;
        if !TRANSCRIPT_TYPES.contains(&&*kind) {
            return None;
        }
        let uuid = raw_str(self.uuid)?;
        let message = self
            .message
            .filter(|m| m.get().starts_with('{'))
            .and_then(|m| serde_json::from_str::<MessageFields<'a>>(m.get()).ok());
        let message_strs;
        let mut block_strs: Vec<[Option<Cow<'a, str>>; 3]> = Vec::new();
        let mut content_is_list = false;
        if let Some(m) = &message {
            if let Some(content) = m.content.filter(|c| c.get().starts_with('[')) {
                content_is_list = true;
                let items: Vec<&RawValue> = serde_json::from_str(content.get()).unwrap_or_default();
                for item in items {
                    if !item.get().starts_with('{') {
                        continue;
                    }
                    let Ok(block) = serde_json::from_str::<BlockFields<'_>>(item.get()) else {
                        continue;
                    };
                    block_strs.push([
                        raw_str(block.kind),
                        raw_str(block.id),
                        raw_str(block.tool_use_id),
                    ]);
                }
            }
            message_strs = Some(raw_str(m.id));
        } else {
            message_strs = None;
        }
        let parts = message_strs.as_ref().map(|id| MessageParts {
            id: id.as_deref(),
            blocks: block_strs
                .iter()
                .map(|[t, i, u]| (t.as_deref(), i.as_deref(), u.as_deref()))
                .collect(),
            content_is_list,
        });
        let agent_id = self
            .agent_id
            .and_then(|r| serde_json::from_str::<Value>(r.get()).ok())
            .map(|v| v.to_string());
        Some(Node::build(
            &kind,
            &uuid,
            raw_str(self.parent).as_deref(),
            [
                raw_truthy(self.sidechain),
                raw_truthy(self.meta),
                raw_truthy(self.team),
            ],
            agent_id,
            parts,
            raw_str(self.source).as_deref(),
            raw_str(self.timestamp).as_deref(),
        ))
    }
}

/// The uuid index the walks use: each uuid's last entry, and the uuids in first-seen order.
struct Index<'n> {
    by_uuid: HashMap<&'n str, usize>,
    order: Vec<&'n str>,
}

impl<'n> Index<'n> {
    fn new(nodes: &'n [Node]) -> Self {
        let mut by_uuid = HashMap::with_capacity(nodes.len());
        let mut order = Vec::with_capacity(nodes.len());
        for (i, node) in nodes.iter().enumerate() {
            if by_uuid.insert(&*node.uuid, i).is_none() {
                order.push(&*node.uuid);
            }
        }
        Index { by_uuid, order }
    }

    fn parent_of(&self, nodes: &[Node], i: usize) -> Option<usize> {
        nodes[i]
            .parent
            .as_deref()
            .and_then(|p| self.by_uuid.get(p).copied())
    }

    /// The entries from `leaf` back to the root, root first, and their uuids.
    fn walk(&self, nodes: &'n [Node], leaf: usize) -> (Vec<usize>, HashSet<&'n str>) {
        let mut chain = Vec::new();
        let mut seen = HashSet::new();
        let mut cur = Some(leaf);
        while let Some(i) = cur {
            if !seen.insert(&*nodes[i].uuid) {
                break;
            }
            chain.push(i);
            cur = self.parent_of(nodes, i);
        }
        chain.reverse();
        (chain, seen)
    }
}

/// The conversation of a main transcript as indices into `nodes` (file order), root first:
/// the walk from the newest main-chain user/assistant leaf, with parallel tool calls and
/// results put back (see [`recover_parallel`]). `logicalParentUuid` is not followed: after a
/// compaction, the summary stands for what came before.
pub(crate) fn conversation(nodes: &[Node]) -> Vec<usize> {
    if nodes.is_empty() {
        return Vec::new();
    }
    let index = Index::new(nodes);
    let parents: HashSet<&str> = nodes.iter().filter_map(|n| n.parent.as_deref()).collect();
    let mut leaves = Vec::new();
    for (t, node) in nodes.iter().enumerate() {
        if parents.contains(&*node.uuid) {
            continue;
        }
        let mut seen: HashSet<&str> = HashSet::new();
        let mut cur = Some(t);
        while let Some(i) = cur {
            if !seen.insert(&*nodes[i].uuid) {
                break;
            }
            if nodes[i].is_user_or_assistant() {
                leaves.push(i);
                break;
            }
            cur = index.parent_of(nodes, i);
        }
    }
    if leaves.is_empty() {
        return Vec::new();
    }
    let position = |i: usize| index.by_uuid[&*nodes[i].uuid];
    let pick = |candidates: &[usize]| {
        let mut best = candidates[0];
        for &c in &candidates[1..] {
            if position(c) > position(best) {
                best = c;
            }
        }
        best
    };
    let main: Vec<usize> = leaves
        .iter()
        .copied()
        .filter(|&i| !nodes[i].sidechain && !nodes[i].team && !nodes[i].meta)
        .collect();
    let leaf = if main.is_empty() {
        pick(&leaves)
    } else {
        pick(&main)
    };
    let (chain, seen) = index.walk(nodes, leaf);
    recover_parallel(nodes, &index, chain, seen)
}

fn same_writer(a: &Node, b: &Node) -> bool {
    a.sidechain == b.sidechain && a.agent_id == b.agent_id
}

/// Puts back the tool calls and results of parallel turns that the walk skipped.
///
/// The CLI writes one assistant entry per content block, chained one after the other and
/// sharing `message.id`; each tool result's parent is its own call's entry, so results fan
/// out and the walk keeps only the branch the next turn continued from. For each response on
/// the chain, its entries and results the walk missed are inserted after its last entry on the
/// chain (timestamp order, stable).
fn recover_parallel<'n>(
    nodes: &'n [Node],
    index: &Index<'n>,
    chain: Vec<usize>,
    mut seen: HashSet<&'n str>,
) -> Vec<usize> {
    let assistants: Vec<usize> = chain
        .iter()
        .copied()
        .filter(|&i| &*nodes[i].kind == "assistant")
        .collect();
    let mut anchor: HashMap<&str, usize> = HashMap::new();
    for &i in &assistants {
        if let Some(mid) = nodes[i].message_id.as_deref() {
            anchor.insert(mid, i);
        }
    }
    if anchor.is_empty() {
        return chain;
    }
    let mut siblings: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut call_owner: HashMap<&str, Option<usize>> = HashMap::new();
    let mut results: Vec<usize> = Vec::new();
    for uuid in &index.order {
        let i = index.by_uuid[uuid];
        let node = &nodes[i];
        if let (Some(mid), "assistant") = (node.message_id.as_deref(), &*node.kind) {
            siblings.entry(mid).or_default().push(i);
            for call in &node.tool_use_ids {
                match call_owner.get(&**call) {
                    None => {
                        call_owner.insert(call, Some(i));
                    }
                    Some(owner) => {
                        let same =
                            owner.is_some_and(|o| nodes[o].message_id.as_deref() == Some(mid));
                        call_owner.insert(call, if same { Some(i) } else { None });
                    }
                }
            }
        } else if node.is_tool_result {
            results.push(i);
        }
    }
    let mut by_assistant: HashMap<&str, Vec<usize>> = HashMap::new();
    for &r in &results {
        let result = &nodes[r];
        if let Some(parent) = result.parent.as_deref() {
            by_assistant.entry(parent).or_default().push(r);
        }
        if let Some(source) = result.source_tool_assistant.as_deref() {
            if let Some(&s) = index.by_uuid.get(source) {
                if same_writer(result, &nodes[s]) {
                    by_assistant.entry(source).or_default().push(r);
                }
            }
        }
        for call in &result.tool_result_ids {
            if let Some(Some(owner)) = call_owner.get(&**call) {
                if same_writer(result, &nodes[*owner]) {
                    by_assistant.entry(&nodes[*owner].uuid).or_default().push(r);
                }
            }
        }
    }
    let mut answered_on_chain: Option<HashSet<&str>> = None;
    let mut file_position: Option<HashMap<&str, usize>> = None;
    let mut processed: HashSet<&str> = HashSet::new();
    let mut inserts: HashMap<usize, Vec<usize>> = HashMap::new();
    let ts = |i: &usize| nodes[*i].timestamp.as_deref().unwrap_or("");
    for &a in &assistants {
        let Some(mid) = nodes[a].message_id.as_deref() else {
            continue;
        };
        if !processed.insert(mid) {
            continue;
        }
        let group: &[usize] = siblings
            .get(mid)
            .map_or(std::slice::from_ref(&a), |g| g.as_slice());
        let members: HashSet<&str> = group.iter().map(|&m| &*nodes[m].uuid).collect();
        let mut orphan_siblings: Vec<usize> = group
            .iter()
            .copied()
            .filter(|&m| !seen.contains(&*nodes[m].uuid))
            .collect();
        let mut orphan_results = Vec::new();
        let mut strays = Vec::new();
        let mut collected: HashSet<&str> = HashSet::new();
        for &m in group {
            for &r in by_assistant
                .get(&*nodes[m].uuid)
                .map_or(&[][..], |v| v.as_slice())
            {
                let ruuid = &*nodes[r].uuid;
                if seen.contains(ruuid) || !collected.insert(ruuid) {
                    continue;
                }
                if nodes[r]
                    .parent
                    .as_deref()
                    .is_some_and(|p| members.contains(p))
                {
                    orphan_results.push(r);
                } else {
                    strays.push(r);
                }
            }
        }
        if !strays.is_empty() {
            let on_chain = answered_on_chain.get_or_insert_with(|| {
                chain
                    .iter()
                    .flat_map(|&i| nodes[i].tool_result_ids.iter().map(|s| &**s))
                    .collect()
            });
            let positions = file_position.get_or_insert_with(|| {
                index
                    .order
                    .iter()
                    .enumerate()
                    .map(|(p, u)| (*u, p))
                    .collect()
            });
            let mut answered = on_chain.clone();
            for &r in &orphan_results {
                answered.extend(nodes[r].tool_result_ids.iter().map(|s| &**s));
            }
            strays.sort_by_key(|&r| {
                positions
                    .get(&*nodes[r].uuid)
                    .copied()
                    .unwrap_or(usize::MAX)
            });
            for r in strays {
                let calls = &nodes[r].tool_result_ids;
                let open = calls.iter().any(|c| {
                    !answered.contains(&**c)
                        && matches!(call_owner.get(&**c), Some(Some(o)) if members.contains(&*nodes[*o].uuid))
                });
                if !open {
                    continue;
                }
                answered.extend(calls.iter().map(|s| &**s));
                orphan_results.push(r);
            }
        }
        if orphan_siblings.is_empty() && orphan_results.is_empty() {
            continue;
        }
        orphan_siblings.sort_by(|x, y| ts(x).cmp(ts(y)));
        orphan_results.sort_by(|x, y| ts(x).cmp(ts(y)));
        orphan_siblings.extend(orphan_results);
        for &r in &orphan_siblings {
            seen.insert(&*nodes[r].uuid);
        }
        inserts.insert(anchor[mid], orphan_siblings);
    }
    if inserts.is_empty() {
        return chain;
    }
    let mut out = Vec::with_capacity(chain.len() + inserts.values().map(Vec::len).sum::<usize>());
    for i in chain {
        out.push(i);
        if let Some(extra) = inserts.get(&i) {
            out.extend_from_slice(extra);
        }
    }
    out
}

/// A subagent's conversation: the walk back from its last user/assistant entry.
pub(crate) fn subagent_conversation(nodes: &[Node]) -> Vec<usize> {
    let Some(leaf) = nodes.iter().rposition(Node::is_user_or_assistant) else {
        return Vec::new();
    };
    Index::new(nodes).walk(nodes, leaf).0
}

/// Whether a chain entry is returned: a user or assistant message (and, when asked, a system
/// one) of the main conversation, not meta. Compaction summaries are kept: they are the only
/// trace of what was compacted.
pub(crate) fn is_visible(node: &Node, include_system: bool) -> bool {
    let kind_ok = node.is_user_or_assistant() || (include_system && &*node.kind == "system");
    kind_ok && !node.meta && !node.sidechain && !node.team
}

#[cfg(test)]
mod tests {
    use super::super::messages::{messages_from_entries, Page};
    use super::*;
    use serde_json::json;

    fn u(n: u32) -> String {
        format!("00000000-0000-4000-8000-{n:012}")
    }

    fn last2(entries: &[Value]) -> Vec<String> {
        messages_from_entries(entries, Page::all(), false)
            .iter()
            .map(|m| m.uuid[34..].to_owned())
            .collect()
    }

    /// Three parallel calls: one result on the walked branch, one off it, one (a stray)
    /// parented elsewhere but naming its call's entry; a meta leaf and a sidechain leaf that
    /// must not be chosen. The order is the official Python SDK's on the same entries.
    #[test]
    fn parallel_tool_results_are_put_back() {
        let a = |n, p: u32, ts: &str, block: Value| json!({"type":"assistant","uuid":u(n),"parentUuid":u(p),"timestamp":ts,"message":{"id":"A","content":[block]}});
        let r = |n, p: u32, ts: &str, call: &str| json!({"type":"user","uuid":u(n),"parentUuid":u(p),"timestamp":ts,"message":{"content":[{"type":"tool_result","tool_use_id":call}]}});
        let mut stray = r(17, 7, "t09", "t3");
        stray["sourceToolAssistantUUID"] = json!(u(16));
        let entries = vec![
            json!({"type":"user","uuid":u(3),"parentUuid":null,"timestamp":"t03","message":{"role":"user","content":"go"}}),
            a(4, 3, "t04", json!({"type":"text","text":"calling"})),
            a(5, 4, "t05", json!({"type":"tool_use","id":"t1"})),
            a(6, 5, "t06", json!({"type":"tool_use","id":"t2"})),
            a(16, 6, "t06", json!({"type":"tool_use","id":"t3"})),
            r(7, 5, "t08", "t1"),
            r(8, 6, "t07", "t2"),
            stray,
            json!({"type":"progress","uuid":u(9),"parentUuid":u(7),"timestamp":"t10"}),
            json!({"type":"assistant","uuid":u(10),"parentUuid":u(9),"timestamp":"t11","message":{"id":"B","content":[{"type":"text","text":"done"}]}}),
            json!({"type":"user","uuid":u(11),"parentUuid":u(3),"isSidechain":true,"timestamp":"t12","message":{"content":"side"}}),
            json!({"type":"user","uuid":u(12),"parentUuid":u(3),"isMeta":true,"timestamp":"t13","message":{"content":"meta leaf"}}),
        ];
        assert_eq!(
            last2(&entries),
            ["03", "04", "05", "06", "16", "08", "17", "07", "10"]
        );
        // The fast line reader sees the same nodes as the parsed-value path.
        for e in &entries {
            let fast = Node::from_line(&e.to_string()).unwrap();
            let slow = Node::from_value(e).unwrap();
            assert_eq!(format!("{fast:?}"), format!("{slow:?}"));
        }
    }

    #[test]
    fn compaction_interruption_and_cycles() {
        let entries = vec![
            json!({"type":"user","uuid":u(1),"parentUuid":null,"message":{"content":"old"}}),
            json!({"type":"assistant","uuid":u(2),"parentUuid":u(1),"message":{"content":[]}}),
            json!({"type":"system","subtype":"compact_boundary","uuid":u(3),"parentUuid":null,"logicalParentUuid":u(2)}),
            json!({"type":"user","uuid":u(4),"parentUuid":u(3),"isCompactSummary":true,"message":{"content":"summary"}}),
            json!({"type":"user","uuid":u(5),"parentUuid":u(4),"message":{"content":"[Request interrupted by user]"}}),
        ];
        assert_eq!(last2(&entries), ["04", "05"]);
        let with_system: Vec<String> = messages_from_entries(&entries, Page::all(), true)
            .iter()
            .map(|m| m.kind.clone())
            .collect();
        assert_eq!(with_system, ["system", "user", "user"]);
        // A parent cycle ends the walk instead of looping.
        let cycle = vec![
            json!({"type":"user","uuid":u(1),"parentUuid":u(2),"message":{"content":"a"}}),
            json!({"type":"assistant","uuid":u(2),"parentUuid":u(1),"message":{"content":[]}}),
        ];
        assert!(last2(&cycle).len() <= 2);
        assert!(last2(&[]).is_empty());
        assert!(last2(&[
            json!(1),
            json!({"type":"user"}),
            json!({"type":"tag","uuid":u(1)})
        ])
        .is_empty());
    }

    #[test]
    fn odd_lines_do_not_panic() {
        for line in [
            "",
            "{",
            "[1,2]",
            "null",
            r#"{"type":"user","uuid":5}"#,
            r#"{"type":"user","uuid":"x","message":"str"}"#,
            r#"{"type":"user","uuid":"x","message":{"content":[1,"a",null,{"type":3}]}}"#,
            r#"{"type":"user","uuid":"x","uuid":"y"}"#,
            r#"{"type":"assistant","uuid":"x","parentUuid":"","isMeta":0,"teamName":"t"}"#,
        ] {
            let _ = Node::from_line(line);
        }
        let dup = Node::from_line(r#"{"type":"user","uuid":"x","uuid":"y"}"#).unwrap();
        assert_eq!(&*dup.uuid, "y");
        let team = Node::from_line(
            r#"{"type":"assistant","uuid":"x","parentUuid":"","isMeta":0,"teamName":"t"}"#,
        )
        .unwrap();
        assert!(team.team && !team.meta && team.parent.is_none());
    }
}
