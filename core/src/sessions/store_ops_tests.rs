//! Tests of `store_ops.rs` and `store_mutate.rs`, against [`InMemorySessionStore`] and a
//! store that records its calls.

use super::super::*;
use crate::{CallbackError, Error, Flavour};
use async_trait::async_trait;
use serde_json::{json, Value};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

pub(crate) const ALL: [StoreMethod; 4] = [
    StoreMethod::ListSessions,
    StoreMethod::ListSessionSummaries,
    StoreMethod::Delete,
    StoreMethod::ListSubkeys,
];

pub(crate) fn sid(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

pub(crate) fn uid(session: u32, n: u32) -> String {
    format!("{session:08}-1111-4000-8000-{n:012}")
}

pub(crate) fn dir() -> &'static Path {
    static DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(std::env::temp_dir)
}

/// The Python view of a session's messages in `store` (a page of them), which must load.
pub(crate) async fn python_messages(
    store: &dyn SessionStore,
    session_id: &str,
    directory: Option<&Path>,
    page: Page,
) -> Vec<SessionMessage> {
    get_session_messages_from_store(store, session_id, directory, page, false, Flavour::Python)
        .await
        .unwrap()
}

/// The Python view of all of a subagent's messages in `store`, for the session `sid(1)`.
async fn subagent_of_first(
    store: &dyn SessionStore,
    agent: &str,
) -> crate::Result<Vec<SessionMessage>> {
    get_subagent_messages_from_store(
        store,
        &sid(1),
        agent,
        Some(dir()),
        Page::all(),
        Flavour::Python,
    )
    .await
}

pub(crate) fn key(session_id: &str) -> SessionKey {
    SessionKey {
        project_key: project_key_for_directory(Some(dir())),
        session_id: session_id.to_owned(),
        subpath: None,
    }
}

/// A two-message conversation: a user prompt and the assistant's answer.
pub(crate) fn conversation(n: u32, prompt: &str, minute: u32) -> Vec<Value> {
    vec![
        json!({"parentUuid": null, "isSidechain": false, "type": "user",
               "message": {"role": "user", "content": prompt}, "uuid": uid(n, 1),
               "timestamp": format!("2025-01-01T00:{minute:02}:00.000Z"), "sessionId": sid(n)}),
        json!({"parentUuid": uid(n, 1), "isSidechain": false, "type": "assistant",
               "message": {"role": "assistant", "content": [{"type": "text", "text": "ok"}]},
               "uuid": uid(n, 2), "timestamp": format!("2025-01-01T00:{minute:02}:30.000Z"),
               "sessionId": sid(n)}),
    ]
}

/// A store that records its calls, offers only `methods`, can fail loads, can serve fixed
/// summaries, and measures how many loads run at once.
pub(crate) struct Recorder {
    pub(crate) inner: InMemorySessionStore,
    methods: Vec<StoreMethod>,
    calls: Mutex<Vec<String>>,
    pub(crate) failing_loads: HashSet<String>,
    summaries: Option<Vec<SessionSummaryEntry>>,
    summaries_unsupported: bool,
    pub(crate) fail_append: bool,
    in_flight: AtomicUsize,
    most_in_flight: AtomicUsize,
}

#[derive(Debug, thiserror::Error)]
#[error("backend down")]
pub(crate) struct Down;

impl Recorder {
    pub(crate) fn new(methods: &[StoreMethod]) -> Self {
        Self::over(InMemorySessionStore::new(), methods)
    }

    pub(crate) fn over(inner: InMemorySessionStore, methods: &[StoreMethod]) -> Self {
        Recorder {
            inner,
            methods: methods.to_vec(),
            calls: Mutex::default(),
            failing_loads: HashSet::new(),
            summaries: None,
            summaries_unsupported: false,
            fail_append: false,
            in_flight: AtomicUsize::new(0),
            most_in_flight: AtomicUsize::new(0),
        }
    }

    pub(crate) async fn seed(&self, session_id: &str, entries: Vec<Value>) {
        self.inner.append(&key(session_id), entries).await.unwrap();
    }

    fn record(&self, call: String) {
        self.calls.lock().unwrap().push(call);
    }

    pub(crate) fn take_calls(&self) -> Vec<String> {
        std::mem::take(&mut *self.calls.lock().unwrap())
    }
}

#[async_trait]
impl SessionStore for Recorder {
    async fn append(&self, key: &SessionKey, entries: Vec<Value>) -> Result<(), CallbackError> {
        self.record(format!("append {} {}", key.session_id, entries.len()));
        if self.fail_append {
            return Err(Box::new(Down));
        }
        self.inner.append(key, entries).await
    }

    async fn load(&self, key: &SessionKey) -> Result<Option<Vec<Value>>, CallbackError> {
        match &key.subpath {
            Some(sub) => self.record(format!("load {} {sub}", key.session_id)),
            None => self.record(format!("load {}", key.session_id)),
        }
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.most_in_flight.fetch_max(now, Ordering::SeqCst);
        for _ in 0..3 {
            tokio::task::yield_now().await;
        }
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        if self.failing_loads.contains(&key.session_id) {
            return Err(Box::new(Down));
        }
        self.inner.load(key).await
    }

    fn supports(&self, method: StoreMethod) -> bool {
        self.methods.contains(&method)
    }

    async fn list_sessions(&self, project_key: &str) -> Result<Vec<StoreListEntry>, CallbackError> {
        self.record("list_sessions".into());
        self.inner.list_sessions(project_key).await
    }

    async fn list_session_summaries(
        &self,
        project_key: &str,
    ) -> Result<Vec<SessionSummaryEntry>, CallbackError> {
        self.record("list_session_summaries".into());
        if self.summaries_unsupported {
            return Err(Box::new(Unsupported(StoreMethod::ListSessionSummaries)));
        }
        match &self.summaries {
            Some(fixed) => Ok(fixed.clone()),
            None => self.inner.list_session_summaries(project_key).await,
        }
    }

    async fn delete(&self, key: &SessionKey) -> Result<(), CallbackError> {
        self.record(format!("delete {}", key.session_id));
        self.inner.delete(key).await
    }

    async fn list_subkeys(&self, key: &SessionKey) -> Result<Vec<String>, CallbackError> {
        self.record(format!("list_subkeys {}", key.session_id));
        self.inner.list_subkeys(key).await
    }
}

fn ids(infos: &[SessionInfo]) -> Vec<String> {
    infos.iter().map(|i| i.session_id.clone()).collect()
}

fn page(limit: Option<usize>, offset: usize) -> Page {
    Page { limit, offset }
}

/// Three sessions written in order 1, 2, 3 (so 3 is newest), and a sidechain (4).
async fn three_and_a_sidechain(store: &Recorder) {
    store.seed(&sid(1), conversation(1, "first", 1)).await;
    store.seed(&sid(2), conversation(2, "second", 2)).await;
    let mut side = conversation(4, "side", 3);
    side[0]["isSidechain"] = true.into();
    store.seed(&sid(4), side).await;
    store.seed(&sid(3), conversation(3, "third", 4)).await;
}

#[tokio::test]
async fn listing_from_fresh_summaries_loads_nothing() {
    let store = Recorder::new(&ALL);
    three_and_a_sidechain(&store).await;
    let listed = list_sessions_from_store(&store, Some(dir()), Page::all(), Flavour::Python)
        .await
        .unwrap();
    assert_eq!(ids(&listed), [sid(3), sid(2), sid(1)]);
    assert_eq!(listed[0].summary, "third");
    assert_eq!(listed[0].file_size, None);
    let mtimes = store
        .inner
        .list_sessions(&key("").project_key)
        .await
        .unwrap();
    let m3 = mtimes
        .iter()
        .find(|e| e.session_id == sid(3))
        .unwrap()
        .mtime;
    assert_eq!(listed[0].last_modified, m3);
    assert_eq!(
        store.take_calls(),
        ["list_session_summaries", "list_sessions"]
    );
    // The sidechain does not take a place on a page.
    let second = list_sessions_from_store(&store, Some(dir()), page(Some(1), 1), Flavour::Python)
        .await
        .unwrap();
    assert_eq!(ids(&second), [sid(2)]);
}

#[tokio::test]
async fn ts_pages_summaries_before_dropping_sidechains() {
    let store = Recorder::over(InMemorySessionStore::with_flavour(Flavour::Ts), &ALL);
    three_and_a_sidechain(&store).await;
    // Newest first: 3, sidechain 4, 2, 1. The TypeScript SDK pages before it drops 4.
    let listed = list_sessions_from_store(&store, Some(dir()), page(Some(2), 0), Flavour::Ts)
        .await
        .unwrap();
    assert_eq!(ids(&listed), [sid(3)]);
    let listed = list_sessions_from_store(&store, Some(dir()), Page::all(), Flavour::Ts)
        .await
        .unwrap();
    assert_eq!(ids(&listed), [sid(3), sid(2), sid(1)]);
}

#[tokio::test]
async fn stale_or_missing_summaries_are_loaded_when_on_the_page() {
    for flavour in [Flavour::Python, Flavour::Ts] {
        stale_or_missing(flavour).await;
    }
}

/// The summaries of a store of `flavour` spelling, kept before session 2 is renamed and 3
/// is written.
async fn stale_or_missing(flavour: Flavour) {
    let mut store = Recorder::over(InMemorySessionStore::with_flavour(flavour), &ALL);
    store.seed(&sid(1), conversation(1, "first", 1)).await;
    store.seed(&sid(2), conversation(2, "second", 2)).await;
    // The kept summaries stop here: 2's is renamed after, 3 has none.
    store.summaries = Some(
        store
            .inner
            .list_session_summaries(&key("").project_key)
            .await
            .unwrap(),
    );
    let title = with_store_stamp(
        custom_title_entry(&sid(2), "renamed").unwrap(),
        Flavour::Python,
    );
    store.seed(&sid(2), vec![title]).await;
    store.seed(&sid(3), conversation(3, "third", 3)).await;
    {
        let listed = list_sessions_from_store(&store, Some(dir()), Page::all(), flavour)
            .await
            .unwrap();
        assert_eq!(ids(&listed), [sid(3), sid(2), sid(1)], "{flavour:?}");
        assert_eq!(listed[1].summary, "renamed");
        assert_eq!(listed[1].custom_title.as_deref(), Some("renamed"));
        assert!(listed[1].file_size.is_some(), "derived by loading");
        assert_eq!(
            store.take_calls(),
            [
                "list_session_summaries",
                "list_sessions",
                &format!("load {}", sid(3)),
                &format!("load {}", sid(2)),
            ]
        );
    }
    // Only the page's gaps are loaded.
    let listed = list_sessions_from_store(&store, Some(dir()), page(Some(1), 2), flavour)
        .await
        .unwrap();
    assert_eq!(ids(&listed), [sid(1)]);
    assert_eq!(
        store.take_calls(),
        ["list_session_summaries", "list_sessions"]
    );
}

#[tokio::test]
async fn summaries_without_list_sessions_skip_gap_fill() {
    let mut store = Recorder::new(&[StoreMethod::ListSessionSummaries]);
    store.seed(&sid(1), conversation(1, "first", 1)).await;
    store.summaries = Some(
        store
            .inner
            .list_session_summaries(&key("").project_key)
            .await
            .unwrap(),
    );
    store.seed(&sid(2), conversation(2, "second", 2)).await;
    let listed = list_sessions_from_store(&store, Some(dir()), Page::all(), Flavour::Python)
        .await
        .unwrap();
    assert_eq!(ids(&listed), [sid(1)]);
    assert_eq!(store.take_calls(), ["list_session_summaries"]);
}

#[tokio::test]
async fn listing_by_loading_each_session() {
    let mut store = Recorder::new(&[StoreMethod::ListSessions]);
    three_and_a_sidechain(&store).await;
    store.failing_loads.insert(sid(2));
    let listed = list_sessions_from_store(&store, Some(dir()), Page::all(), Flavour::Python)
        .await
        .unwrap();
    assert_eq!(ids(&listed), [sid(3), sid(2), sid(1)]);
    // A failed load leaves a bare row at the listed mtime.
    assert_eq!(listed[1].summary, "");
    assert_eq!(listed[1].first_prompt, None);
    assert!(listed[1].last_modified > listed[2].last_modified);
    // Every listed session is loaded, in listing order.
    let loads: Vec<String> = [1, 2, 4, 3]
        .iter()
        .map(|n| format!("load {}", sid(*n)))
        .collect();
    assert_eq!(store.take_calls()[1..], loads[..]);
    let paged = list_sessions_from_store(&store, Some(dir()), page(Some(1), 1), Flavour::Python)
        .await
        .unwrap();
    assert_eq!(ids(&paged), [sid(2)]);
    assert_eq!(store.take_calls().len(), 5);
    // TypeScript: the listing is paged by mtime first, so only the page is loaded, and the
    // sidechain (second newest) leaves the page short.
    let paged = list_sessions_from_store(&store, Some(dir()), page(Some(2), 0), Flavour::Ts)
        .await
        .unwrap();
    assert_eq!(ids(&paged), [sid(3)]);
    assert_eq!(
        store.take_calls(),
        [
            "list_sessions".to_owned(),
            format!("load {}", sid(3)),
            format!("load {}", sid(4)),
        ]
    );
}

#[tokio::test]
async fn listing_needs_a_list_method() {
    let store = Recorder::new(&[StoreMethod::Delete, StoreMethod::ListSubkeys]);
    for flavour in [Flavour::Python, Flavour::Ts] {
        let err = list_sessions_from_store(&store, None, Page::all(), flavour)
            .await
            .unwrap_err();
        assert!(matches!(
            err,
            Error::Sessions(Problem::StoreCannotListSessions)
        ));
        let text = err.message(flavour);
        match flavour {
            Flavour::Ts => assert!(text.starts_with("sessionStore.listSessions is not implemented -- cannot list sessions. Provide a store with a listSessions() method.")),
            _ => assert_eq!(text, "session_store implements neither list_session_summaries() nor list_sessions() -- cannot list sessions. Provide a store with at least one of those methods."),
        }
    }
    assert!(store.take_calls().is_empty());
}

#[tokio::test]
async fn unsupported_summaries_fall_back_in_python_only() {
    let mut store = Recorder::new(&ALL);
    store.summaries_unsupported = true;
    store.seed(&sid(1), conversation(1, "first", 1)).await;
    let listed = list_sessions_from_store(&store, Some(dir()), Page::all(), Flavour::Python)
        .await
        .unwrap();
    assert_eq!(ids(&listed), [sid(1)]);
    assert_eq!(
        store.take_calls(),
        [
            "list_session_summaries".to_owned(),
            "list_sessions".to_owned(),
            format!("load {}", sid(1)),
        ]
    );
    let err = list_sessions_from_store(&store, Some(dir()), Page::all(), Flavour::Ts)
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        Error::Store {
            operation: "list_session_summaries",
            ..
        }
    ));
}

#[tokio::test]
async fn at_most_sixteen_loads_at_once() {
    let store = Recorder::new(&[StoreMethod::ListSessions]);
    for n in 1..=40 {
        store.seed(&sid(n), conversation(n, "p", n % 60)).await;
    }
    let listed = list_sessions_from_store(&store, Some(dir()), Page::all(), Flavour::Python)
        .await
        .unwrap();
    assert_eq!(listed.len(), 40);
    assert_eq!(store.most_in_flight.load(Ordering::SeqCst), 16);
    let loads: Vec<String> = (1..=40).map(|n| format!("load {}", sid(n))).collect();
    assert_eq!(store.take_calls()[1..], loads[..]);
}

#[tokio::test]
async fn info_of_one_session() {
    let store = Recorder::new(&ALL);
    store.seed(&sid(1), conversation(1, "first", 1)).await;
    let info = get_session_info_from_store(&store, &sid(1), Some(dir()), Flavour::Python)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(info.summary, "first");
    // The last entry's timestamp: 2025-01-01T00:01:30Z.
    assert_eq!(info.last_modified, 1_735_689_690_000);
    assert_eq!(info.created_at, Some(1_735_689_660_000));
    assert_eq!(info.cwd, Some(canonical_dir(dir())));
    // The TypeScript SDK has no project-directory fallback for `cwd` here.
    let ts = get_session_info_from_store(&store, &sid(1), Some(dir()), Flavour::Ts)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ts.cwd, None);
    assert_eq!(store.take_calls().len(), 2);
    // Python measures the ASCII-escaped JSONL, the TypeScript SDK the UTF-8 one.
    store
        .seed(&sid(2), conversation(2, "\u{e9}t\u{e9}", 1))
        .await;
    let size = |flavour| {
        let store = &store;
        async move {
            let info = get_session_info_from_store(store, &sid(2), Some(dir()), flavour).await;
            info.unwrap().unwrap().file_size.unwrap()
        }
    };
    assert_eq!(size(Flavour::Python).await, size(Flavour::Ts).await + 8);
    store.take_calls();
    let missing = get_session_info_from_store(&store, &sid(9), Some(dir()), Flavour::Python).await;
    assert_eq!(missing.unwrap(), None);
    let invalid = get_session_info_from_store(&store, "nope", Some(dir()), Flavour::Python).await;
    assert_eq!(invalid.unwrap(), None);
    assert_eq!(store.take_calls(), [format!("load {}", sid(9))]);
}

#[tokio::test]
async fn messages_of_one_session() {
    let store = Recorder::new(&ALL);
    let mut entries = conversation(1, "first", 1);
    entries.insert(1, json!({"type": "tag", "tag": "x", "sessionId": sid(1)}));
    store.seed(&sid(1), entries).await;
    let all = python_messages(&store, &sid(1), Some(dir()), Page::all()).await;
    assert_eq!(
        all.iter().map(|m| m.kind.as_str()).collect::<Vec<_>>(),
        ["user", "assistant"]
    );
    assert_eq!(all[0].uuid, uid(1, 1));
    let second = python_messages(&store, &sid(1), Some(dir()), page(None, 1)).await;
    assert_eq!(second, all[1..]);
    assert!(python_messages(&store, "x", None, Page::all())
        .await
        .is_empty());
    assert!(python_messages(&store, &sid(7), Some(dir()), Page::all())
        .await
        .is_empty());
    assert_eq!(store.take_calls().len(), 3);
}

pub(crate) async fn seed_subagents(store: &Recorder) {
    store.seed(&sid(1), conversation(1, "main", 1)).await;
    let sub = |subpath: &str| SessionKey {
        subpath: Some(subpath.to_owned()),
        ..key(&sid(1))
    };
    let mut agent = conversation(1, "do it", 2);
    agent.push(json!({"type": "agent_metadata", "toolUseId": "tu_1", "agentType": "x"}));
    agent.push(json!({"type": "agent_metadata", "toolUseId": "tu_2", "parentAgentId": "p"}));
    store
        .inner
        .append(&sub("subagents/agent-a1"), agent)
        .await
        .unwrap();
    let nested = conversation(1, "nested", 3);
    store
        .inner
        .append(&sub("subagents/workflows/run1/agent-b2"), nested)
        .await
        .unwrap();
    store
        .inner
        .append(
            &sub("subagents/workflows/run2/agent-b2"),
            conversation(1, "again", 4),
        )
        .await
        .unwrap();
    store
        .inner
        .append(&sub("other/agent-c3"), conversation(1, "not one", 5))
        .await
        .unwrap();
}

#[tokio::test]
async fn subagents_listed_and_read() {
    let store = Recorder::new(&ALL);
    seed_subagents(&store).await;
    let agents = list_subagents_from_store(&store, &sid(1), Some(dir()))
        .await
        .unwrap();
    assert_eq!(agents, ["a1", "b2"]);
    let messages = subagent_of_first(&store, "a1").await.unwrap();
    assert_eq!(messages.len(), 2);
    // The last agent_metadata entry gives the parents.
    assert_eq!(messages[0].parent_tool_use_id.as_deref(), Some("tu_2"));
    assert_eq!(messages[0].parent_agent_id.as_deref(), Some("p"));
    let nested = subagent_of_first(&store, "b2").await.unwrap();
    assert_eq!(nested[0].message["content"], "nested");
    assert_eq!(nested[0].parent_tool_use_id, None);
    assert_eq!(
        store.take_calls(),
        [
            format!("list_subkeys {}", sid(1)),
            format!("list_subkeys {}", sid(1)),
            format!("load {} subagents/agent-a1", sid(1)),
            format!("list_subkeys {}", sid(1)),
            format!("load {} subagents/workflows/run1/agent-b2", sid(1)),
        ]
    );
    let none = subagent_of_first(&store, "c3").await;
    assert!(none.unwrap().is_empty());
    assert_eq!(store.take_calls(), [format!("list_subkeys {}", sid(1))]);
    for (session, agent) in [("bad", "a1"), (sid(1).as_str(), "")] {
        let r = get_subagent_messages_from_store(
            &store,
            session,
            agent,
            None,
            Page::all(),
            Flavour::Python,
        )
        .await;
        assert!(r.unwrap().is_empty());
    }
    assert!(list_subagents_from_store(&store, "bad", None)
        .await
        .unwrap()
        .is_empty());
    assert!(store.take_calls().is_empty());
}

#[tokio::test]
async fn subagents_without_list_subkeys() {
    let store = Recorder::new(&[StoreMethod::ListSessions]);
    seed_subagents(&store).await;
    let err = list_subagents_from_store(&store, &sid(1), None)
        .await
        .unwrap_err();
    assert_eq!(
        err.message(Flavour::Python),
        "session_store does not implement list_subkeys() -- cannot list subagents. Provide a store with a list_subkeys() method."
    );
    assert_eq!(
        err.message(Flavour::Ts),
        "sessionStore.listSubkeys is not implemented -- cannot list subagents. Provide a store with a listSubkeys() method."
    );
    // The direct path only: a nested agent is not found.
    let direct = subagent_of_first(&store, "a1").await;
    assert_eq!(direct.unwrap().len(), 2);
    let nested = subagent_of_first(&store, "b2").await;
    assert!(nested.unwrap().is_empty());
    assert_eq!(
        store.take_calls(),
        [
            format!("load {} subagents/agent-a1", sid(1)),
            format!("load {} subagents/agent-b2", sid(1)),
        ]
    );
}
