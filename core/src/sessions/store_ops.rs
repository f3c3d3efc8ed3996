//! The session functions over a [`SessionStore`] instead of the projects directory: listing,
//! info, messages and subagents (here), renaming, tagging, deleting and forking
//! (`store_mutate.rs`), with the store calls the official SDKs make, in
//! their order.
//!
//! The transcript under `dir`'s project key is read through the same parsers as a file:
//! entries are serialised to JSONL for the head/tail rules ([`info_from_jsonl`]), or fed to
//! the chain builder directly ([`messages_from_entries`]). A store's own failure is
//! [`Error::Store`] with the store's error kept as the source.

use super::paths::is_uuid;
use super::{
    canonical_dir, info_from_jsonl, jsonl_from_entries, messages_from_entries,
    mtime_from_jsonl_tail, project_dir_name, project_key_for_directory,
    subagent_messages_from_entries, summary_to_info, Page, Problem, SessionInfo, SessionKey,
    SessionMessage, SessionStore, SessionSummaryEntry, StoreListEntry, StoreMethod, Unsupported,
};
use crate::{CallbackError, Error, Flavour, Result};
use futures::StreamExt;
use serde_json::Value;
use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

/// At most this many `load` calls in flight while a listing derives infos, as the official
/// Python SDK bounds them (the TypeScript one does not bound them).
pub const STORE_LIST_LOAD_CONCURRENCY: usize = 16;

/// The [`Error::Store`] of a failed store method, the store's error kept whole.
pub(super) fn store_error(operation: &'static str) -> impl FnOnce(CallbackError) -> Error {
    move |source| Error::Store {
        operation,
        source: Arc::new(source),
    }
}

/// The key of a session's main transcript.
pub(super) fn main_key(project_key: &str, session_id: &str) -> SessionKey {
    SessionKey {
        project_key: project_key.to_owned(),
        session_id: session_id.to_owned(),
        subpath: None,
    }
}

/// Entries as the JSONL text `flavour`'s SDK parses for an info: Python's (and claude-wire's)
/// [`jsonl_from_entries`], `type` first and ASCII-escaped; the TypeScript SDK's
/// `JSON.stringify` of each entry as the store returned it (key order kept, UTF-8 as is), which
/// gives a different `file_size` for non-ASCII text.
fn jsonl_for(entries: &[Value], flavour: Flavour) -> String {
    if flavour != Flavour::Ts {
        return jsonl_from_entries(entries);
    }
    let mut out = String::new();
    for entry in entries {
        out.push_str(&entry.to_string());
        out.push('\n');
    }
    out
}

/// A session's main transcript as JSONL, `None` when the store has no entries for it.
async fn load_jsonl(
    store: &dyn SessionStore,
    project_key: &str,
    session_id: &str,
    flavour: Flavour,
) -> std::result::Result<Option<String>, CallbackError> {
    let entries = store.load(&main_key(project_key, session_id)).await?;
    Ok(entries
        .filter(|e| !e.is_empty())
        .map(|e| jsonl_for(&e, flavour)))
}

/// How a row of a store's listing was made, which decides the keys of the TypeScript SDK's
/// record of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RowSource {
    /// From a kept summary: every key but `archived`.
    Summary,
    /// By loading the transcript: every key.
    Loaded,
    /// The load failed: `sessionId`, an empty `summary` and `lastModified` only.
    LoadFailed,
}

/// The info of each listed session, by loading it (at most
/// [`STORE_LIST_LOAD_CONCURRENCY`] loads at once, started in listing order), aligned with
/// `rows`. `last_modified` is the listed mtime. A failed load gives a bare row (empty summary)
/// instead of failing the listing; a missing, empty or sidechain transcript, or one with
/// nothing to show, gives `None`.
async fn infos_via_load(
    store: &dyn SessionStore,
    rows: &[(String, i64)],
    project_key: &str,
    project_path: Option<&str>,
    flavour: Flavour,
) -> Vec<Option<(SessionInfo, RowSource)>> {
    type Row = Option<(SessionInfo, RowSource)>;
    // The futures are made before the first await: a stream holding a closure over borrowed
    // rows would make callers that spawn the listing fail the (higher-ranked) `Send` check.
    let loads: Vec<crate::BoxFuture<'_, Row>> = rows
        .iter()
        .map(|(session_id, mtime)| -> crate::BoxFuture<'_, Row> {
            Box::pin(async move {
                match load_jsonl(store, project_key, session_id, flavour).await {
                    Err(_) => Some((
                        SessionInfo {
                            session_id: session_id.clone(),
                            last_modified: *mtime,
                            ..SessionInfo::default()
                        },
                        RowSource::LoadFailed,
                    )),
                    Ok(None) => None,
                    Ok(Some(jsonl)) => info_from_jsonl(session_id, &jsonl, *mtime, project_path)
                        .map(|info| {
                            let info = SessionInfo {
                                last_modified: *mtime,
                                ..info
                            };
                            (info, RowSource::Loaded)
                        }),
                }
            })
        })
        .collect();
    futures::stream::iter(loads)
        .buffered(STORE_LIST_LOAD_CONCURRENCY)
        .collect()
        .await
}

/// The sessions of `dir`'s project (the current directory when `None`) in `store`, newest
/// first, then `page`; worktrees are a disk notion and not followed.
///
/// With `list_session_summaries`, the kept summaries are used as they are, and `list_sessions`
/// (when the store has it) drops summaries of sessions no longer listed and finds the sessions
/// whose summary is missing or older than the transcript: only those on the page are loaded.
/// Without summaries, every listed session is loaded (Python; the TypeScript SDK pages the
/// listing by mtime first and loads only the page, so a page can come back short).
///
/// Errors: [`Problem::StoreCannotListSessions`] when the store has neither method, or the
/// store's own failure ([`Error::Store`]). A summary method failing with [`Unsupported`] falls
/// back to loading, as the Python SDK does for `NotImplementedError` (not in the TypeScript
/// flavour).
pub async fn list_sessions_from_store(
    store: &dyn SessionStore,
    dir: Option<&Path>,
    page: Page,
    flavour: Flavour,
) -> Result<Vec<SessionInfo>> {
    let rows = list_store_rows(store, dir, page, flavour).await?;
    Ok(rows.into_iter().map(|(info, _)| info).collect())
}

/// [`list_sessions_from_store`], with how each row was made.
pub(crate) async fn list_store_rows(
    store: &dyn SessionStore,
    dir: Option<&Path>,
    page: Page,
    flavour: Flavour,
) -> Result<Vec<(SessionInfo, RowSource)>> {
    let project_path = canonical_dir(dir.unwrap_or(Path::new(".")));
    let project_key = project_dir_name(&project_path);
    let has_list = store.supports(StoreMethod::ListSessions);
    if store.supports(StoreMethod::ListSessionSummaries) {
        match store.list_session_summaries(&project_key).await {
            Ok(summaries) => {
                let listing = if has_list {
                    let listing = store.list_sessions(&project_key).await;
                    Some(listing.map_err(store_error("list_sessions"))?)
                } else {
                    None
                };
                let ctx = Listing {
                    store,
                    project_key: &project_key,
                    project_path: &project_path,
                    flavour,
                };
                return Ok(ctx.page_of_summaries(summaries, listing, page).await);
            }
            Err(e) if flavour != Flavour::Ts && e.downcast_ref::<Unsupported>().is_some() => {}
            Err(e) => return Err(store_error("list_session_summaries")(e)),
        }
    }
    if !has_list {
        return Err(Error::Sessions(Problem::StoreCannotListSessions));
    }
    let mut listing: Vec<(String, i64)> = store
        .list_sessions(&project_key)
        .await
        .map_err(store_error("list_sessions"))?
        .into_iter()
        .map(|e| (e.session_id, e.mtime))
        .collect();
    let path = Some(project_path.as_str());
    if flavour == Flavour::Ts {
        listing.sort_by_key(|e| Reverse(e.1));
        let rows = &listing[page.range(listing.len())];
        let infos = infos_via_load(store, rows, &project_key, path, flavour).await;
        return Ok(infos.into_iter().flatten().collect());
    }
    let mut infos: Vec<(SessionInfo, RowSource)> =
        infos_via_load(store, &listing, &project_key, path, flavour)
            .await
            .into_iter()
            .flatten()
            .collect();
    infos.sort_by_key(|(i, _)| Reverse(i.last_modified));
    let range = page.range(infos.len());
    Ok(infos.drain(range).collect())
}

/// What a listing needs to turn summaries into infos.
struct Listing<'a> {
    store: &'a dyn SessionStore,
    project_key: &'a str,
    project_path: &'a str,
    flavour: Flavour,
}

/// One row of a summaries-backed listing, before paging.
enum Slot {
    /// From a fresh summary, or loaded.
    Known(SessionInfo, RowSource),
    /// A fresh summary with nothing to show (a sidechain): kept for paging by the TypeScript
    /// SDK only, then dropped.
    Hidden,
    /// Missing or stale summary: loaded if on the page.
    Fill(String),
}

impl Listing<'_> {
    async fn page_of_summaries(
        &self,
        summaries: Vec<SessionSummaryEntry>,
        listing: Option<Vec<StoreListEntry>>,
        page: Page,
    ) -> Vec<(SessionInfo, RowSource)> {
        // Planned in a plain function: its borrowing closures must not live across the await
        // (callers spawn the listing, which needs a `Send` future).
        let mut page_slots = self.plan_page(&summaries, listing.as_deref(), page);
        let to_fill: Vec<(String, i64)> = page_slots
            .iter()
            .filter_map(|(m, s)| match s {
                Slot::Fill(id) => Some((id.clone(), *m)),
                _ => None,
            })
            .collect();
        if !to_fill.is_empty() {
            let path = Some(self.project_path);
            let filled =
                infos_via_load(self.store, &to_fill, self.project_key, path, self.flavour).await;
            let mut filled = filled.into_iter();
            for (_, slot) in page_slots.iter_mut() {
                if matches!(slot, Slot::Fill(_)) {
                    *slot = filled
                        .next()
                        .flatten()
                        .map_or(Slot::Hidden, |(info, made)| Slot::Known(info, made));
                }
            }
        }
        page_slots
            .into_iter()
            .filter_map(|(_, s)| match s {
                Slot::Known(info, made) => Some((info, made)),
                _ => None,
            })
            .collect()
    }

    /// The page's slots, newest first: known infos, and the sessions to load.
    fn plan_page(
        &self,
        summaries: &[SessionSummaryEntry],
        listing: Option<&[StoreListEntry]>,
        page: Page,
    ) -> Vec<(i64, Slot)> {
        let known: Option<HashMap<&str, i64>> = listing
            .as_ref()
            .map(|l| l.iter().map(|e| (e.session_id.as_str(), e.mtime)).collect());
        let ts = self.flavour == Flavour::Ts;
        let info_of = |s: &SessionSummaryEntry| {
            summary_to_info(s, Some(self.project_path), self.flavour)
                .map_or(Slot::Hidden, |info| Slot::Known(info, RowSource::Summary))
        };
        let mut slots: Vec<(i64, Slot)> = Vec::new();
        let mut covered: HashSet<&str> = HashSet::new();
        for s in summaries {
            let listed = known
                .as_ref()
                .map(|k| k.get(s.session_id.as_str()).copied());
            let listed_mtime = match listed {
                Some(None) => continue,
                Some(Some(m)) => Some(m),
                None => None,
            };
            let stale = listed_mtime.filter(|m| s.mtime < *m);
            if ts {
                // Every summary keeps its place; a stale one is re-derived at the listed mtime.
                slots.push(match stale {
                    Some(m) => (m, Slot::Fill(s.session_id.clone())),
                    None => (s.mtime, info_of(s)),
                });
            } else if stale.is_none() {
                covered.insert(&s.session_id);
                if let known @ Slot::Known(..) = info_of(s) {
                    slots.push((s.mtime, known));
                }
            }
        }
        if ts {
            // Every summary's id counts as covered (the stale ones are already slotted).
            covered.extend(summaries.iter().map(|s| s.session_id.as_str()));
        }
        if let (Some(listing), Some(known)) = (listing, &known) {
            let mut seen = HashSet::new();
            for e in listing {
                let id = e.session_id.as_str();
                if covered.contains(id) || (ts && !seen.insert(id)) {
                    continue;
                }
                // The TypeScript SDK keys the listing by id, so a repeated id keeps its last mtime.
                let mtime = if ts { known[id] } else { e.mtime };
                slots.push((mtime, Slot::Fill(e.session_id.clone())));
            }
        }
        slots.sort_by_key(|s| Reverse(s.0));
        let range = page.range(slots.len());
        slots.drain(range).collect()
    }
}

/// One session's info from `store`, its mtime the last entry's `timestamp` (else now).
///
/// `None` when the id is not a UUID, the store has no entries for it, or it is a sidechain or
/// has nothing to show. The Python SDK (and claude-wire) fall back to the project directory
/// for `cwd`; the TypeScript SDK does not.
pub async fn get_session_info_from_store(
    store: &dyn SessionStore,
    session_id: &str,
    dir: Option<&Path>,
    flavour: Flavour,
) -> Result<Option<SessionInfo>> {
    if !is_uuid(session_id) {
        return Ok(None);
    }
    let project_key = project_key_for_directory(dir);
    let Some(jsonl) = load_jsonl(store, &project_key, session_id, flavour)
        .await
        .map_err(store_error("load"))?
    else {
        return Ok(None);
    };
    let mtime = mtime_from_jsonl_tail(&jsonl);
    let project_path =
        (flavour != Flavour::Ts).then(|| canonical_dir(dir.unwrap_or(Path::new("."))));
    Ok(info_from_jsonl(
        session_id,
        &jsonl,
        mtime,
        project_path.as_deref(),
    ))
}

/// A session's messages from `store`, as [`get_session_messages`](super::get_session_messages)
/// reads them from disk. Empty when the id is not a UUID or the store has no entries for it.
pub async fn get_session_messages_from_store(
    store: &dyn SessionStore,
    session_id: &str,
    dir: Option<&Path>,
    page: Page,
    include_system: bool,
    flavour: Flavour,
) -> Result<Vec<SessionMessage>> {
    if !is_uuid(session_id) {
        return Ok(Vec::new());
    }
    let key = main_key(&project_key_for_directory(dir), session_id);
    let entries = store.load(&key).await.map_err(store_error("load"))?;
    Ok(entries
        .filter(|e| !e.is_empty())
        .map(|e| messages_from_entries(&e, page, include_system, flavour))
        .unwrap_or_default())
}

/// The agent id of a subkey `subagents/[...]/agent-<id>`.
fn agent_id_of(subkey: &str) -> Option<&str> {
    if !subkey.starts_with("subagents/") {
        return None;
    }
    subkey.rsplit('/').next()?.strip_prefix("agent-")
}

/// The subagent ids of a session in `store`, in subkey order, each once. Empty when the id
/// is not a UUID.
///
/// Errors: [`Problem::StoreCannotListSubagents`] when the store has no `list_subkeys`.
pub async fn list_subagents_from_store(
    store: &dyn SessionStore,
    session_id: &str,
    dir: Option<&Path>,
) -> Result<Vec<String>> {
    if !is_uuid(session_id) {
        return Ok(Vec::new());
    }
    if !store.supports(StoreMethod::ListSubkeys) {
        return Err(Error::Sessions(Problem::StoreCannotListSubagents));
    }
    let key = main_key(&project_key_for_directory(dir), session_id);
    let subkeys = store
        .list_subkeys(&key)
        .await
        .map_err(store_error("list_subkeys"))?;
    let mut seen = HashSet::new();
    Ok(subkeys
        .iter()
        .filter_map(|k| agent_id_of(k))
        .filter(|id| seen.insert(*id))
        .map(str::to_owned)
        .collect())
}

/// A subagent's messages from `store`, as
/// [`get_subagent_messages`](super::get_subagent_messages) reads them from disk, the parent
/// ids from the last `agent_metadata` entry.
///
/// The transcript is the subkey ending in `agent-<agent_id>` when the store has
/// `list_subkeys` (nested workflow runs included), else `subagents/agent-<agent_id>`. Empty
/// when the session id is not a UUID, the agent id is empty, or nothing is found.
pub async fn get_subagent_messages_from_store(
    store: &dyn SessionStore,
    session_id: &str,
    agent_id: &str,
    dir: Option<&Path>,
    page: Page,
    flavour: Flavour,
) -> Result<Vec<SessionMessage>> {
    if !is_uuid(session_id) || agent_id.is_empty() {
        return Ok(Vec::new());
    }
    let mut key = main_key(&project_key_for_directory(dir), session_id);
    let mut subpath = format!("subagents/agent-{agent_id}");
    if store.supports(StoreMethod::ListSubkeys) {
        let subkeys = store
            .list_subkeys(&key)
            .await
            .map_err(store_error("list_subkeys"))?;
        let target = &subpath["subagents/".len()..];
        match subkeys
            .into_iter()
            .find(|k| k.starts_with("subagents/") && k.rsplit('/').next() == Some(target))
        {
            Some(found) => subpath = found,
            None => return Ok(Vec::new()),
        }
    }
    key.subpath = Some(subpath);
    let entries = store.load(&key).await.map_err(store_error("load"))?;
    Ok(entries
        .map(|e| subagent_messages_from_entries(&e, page, flavour))
        .unwrap_or_default())
}

#[cfg(test)]
#[path = "store_ops_tests.rs"]
pub(super) mod tests;
