//! Transcript entries → the conversation: a compact index of each entry (what the chain needs,
//! not the message), the `parentUuid` walk from the newest main-chain leaf, and the tool calls
//! and results of parallel turns that the walk leaves off.

pub(crate) use super::node::Node;
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

/// The uuid index the walks use. Each distinct uuid has a slot (in first-seen order), and
/// the walks work on slots and node indices: a uuid is hashed once per entry, not at every
/// step of every walk.
struct Index<'n> {
    by_uuid: HashMap<&'n str, usize>,
    /// Per node: its uuid's slot.
    slot: Vec<usize>,
    /// Per slot: the last node with that uuid (the one a `parentUuid` reaches).
    last: Vec<usize>,
    /// Per node: its parent's slot, when the parent is in the file.
    parent: Vec<Option<usize>>,
}

impl<'n> Index<'n> {
    fn new(nodes: &'n [Node]) -> Self {
        let mut by_uuid = HashMap::with_capacity(nodes.len());
        let mut last = Vec::with_capacity(nodes.len());
        let slot: Vec<usize> = nodes
            .iter()
            .enumerate()
            .map(|(i, node)| {
                let s = *by_uuid.entry(&*node.uuid).or_insert(last.len());
                if s == last.len() {
                    last.push(i);
                }
                last[s] = i;
                s
            })
            .collect();
        let parent = nodes
            .iter()
            .map(|n| n.parent.as_deref().and_then(|p| by_uuid.get(p).copied()))
            .collect();
        Index {
            by_uuid,
            slot,
            last,
            parent,
        }
    }

    fn slots(&self) -> usize {
        self.last.len()
    }

    fn parent_of(&self, i: usize) -> Option<usize> {
        self.parent[i].map(|s| self.last[s])
    }

    /// The entries from `leaf` back to the root, root first, and which slots they hold.
    fn walk(&self, leaf: usize) -> (Vec<usize>, Vec<bool>) {
        let mut chain = Vec::new();
        let mut seen = vec![false; self.slots()];
        let mut cur = Some(leaf);
        while let Some(i) = cur {
            if std::mem::replace(&mut seen[self.slot[i]], true) {
                break;
            }
            chain.push(i);
            cur = self.parent_of(i);
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
    let mut is_parent = vec![false; index.slots()];
    for &s in index.parent.iter().flatten() {
        is_parent[s] = true;
    }
    let mut leaves = Vec::new();
    let mut seen: HashSet<usize> = HashSet::new();
    for t in 0..nodes.len() {
        if is_parent[index.slot[t]] {
            continue;
        }
        seen.clear();
        let mut cur = Some(t);
        while let Some(i) = cur {
            if !seen.insert(index.slot[i]) {
                break;
            }
            if nodes[i].is_user_or_assistant() {
                leaves.push(i);
                break;
            }
            cur = index.parent_of(i);
        }
    }
    if leaves.is_empty() {
        return Vec::new();
    }
    let position = |i: usize| index.last[index.slot[i]];
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
    let (chain, seen) = index.walk(leaf);
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
fn recover_parallel(
    nodes: &[Node],
    index: &Index<'_>,
    chain: Vec<usize>,
    mut seen: Vec<bool>,
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
    for &i in &index.last {
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
    // By the slot of the assistant entry: the results that answer it.
    let mut by_assistant: Vec<Vec<usize>> = vec![Vec::new(); index.slots()];
    for &r in &results {
        let result = &nodes[r];
        if let Some(parent) = index.parent[r] {
            by_assistant[parent].push(r);
        }
        if let Some(source) = result.source_tool_assistant.as_deref() {
            if let Some(&s) = index.by_uuid.get(source) {
                if same_writer(result, &nodes[index.last[s]]) {
                    by_assistant[s].push(r);
                }
            }
        }
        for call in &result.tool_result_ids {
            if let Some(Some(owner)) = call_owner.get(&**call) {
                if same_writer(result, &nodes[*owner]) {
                    by_assistant[index.slot[*owner]].push(r);
                }
            }
        }
    }
    let mut answered_on_chain: Option<HashSet<&str>> = None;
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
        let members: HashSet<usize> = group.iter().map(|&m| index.slot[m]).collect();
        let mut orphan_siblings: Vec<usize> = group
            .iter()
            .copied()
            .filter(|&m| !seen[index.slot[m]])
            .collect();
        let mut orphan_results = Vec::new();
        let mut strays = Vec::new();
        let mut collected: HashSet<usize> = HashSet::new();
        for &m in group {
            for &r in &by_assistant[index.slot[m]] {
                let rslot = index.slot[r];
                if seen[rslot] || !collected.insert(rslot) {
                    continue;
                }
                if index.parent[r].is_some_and(|p| members.contains(&p)) {
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
            let mut answered = on_chain.clone();
            for &r in &orphan_results {
                answered.extend(nodes[r].tool_result_ids.iter().map(|s| &**s));
            }
            // File order of first appearance: the slot.
            strays.sort_by_key(|&r| index.slot[r]);
            for r in strays {
                let calls = &nodes[r].tool_result_ids;
                let open = calls.iter().any(|c| {
                    !answered.contains(&**c)
                        && matches!(call_owner.get(&**c), Some(Some(o)) if members.contains(&index.slot[*o]))
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
            seen[index.slot[r]] = true;
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
    Index::new(nodes).walk(leaf).0
}

/// Whether a chain entry is returned: a user or assistant message (and, when asked, a system
/// one) of the main conversation, not meta. Compaction summaries are kept: they are the only
/// trace of what was compacted.
pub(crate) fn is_visible(node: &Node, include_system: bool) -> bool {
    let kind_ok = node.is_user_or_assistant() || (include_system && &*node.kind == "system");
    kind_ok && !node.meta && !node.sidechain && !node.team
}

#[cfg(test)]
#[path = "chain_tests.rs"]
mod tests;
