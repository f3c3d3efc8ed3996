use super::*;
use crate::sessions::{InMemorySessionStore, StoreEntry};
use crate::CallbackError;
use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Records each append's key and size; can fail, hang, or wait for a gate first.
#[derive(Default)]
struct Probe {
    inner: InMemorySessionStore,
    calls: Mutex<Vec<(SessionKey, usize)>>,
    attempts: AtomicUsize,
    fail: bool,
    hang: bool,
    gate: Option<tokio::sync::Semaphore>,
}

#[async_trait::async_trait]
impl SessionStore for Probe {
    async fn append(
        &self,
        key: &SessionKey,
        entries: Vec<StoreEntry>,
    ) -> Result<(), CallbackError> {
        self.attempts.fetch_add(1, Ordering::SeqCst);
        if let Some(gate) = &self.gate {
            gate.acquire().await?.forget();
        }
        if self.hang {
            std::future::pending::<()>().await;
        }
        if self.fail {
            return Err("disk full".into());
        }
        lock(&self.calls).push((key.clone(), entries.len()));
        self.inner.append(key, entries).await
    }
    async fn load(&self, key: &SessionKey) -> Result<Option<Vec<StoreEntry>>, CallbackError> {
        self.inner.load(key).await
    }
}

const PROJECTS: &str = "/cfg/projects";
const SID: &str = "123e4567-e89b-12d3-a456-426614174000";

fn frame(file: &str, ns: &[i64]) -> Value {
    let entries: Vec<Value> = ns.iter().map(|n| json!({"type": "user", "n": n})).collect();
    json!({"type": "transcript_mirror", "filePath": format!("{PROJECTS}/p/{file}"), "entries": entries})
}

fn main_key() -> SessionKey {
    SessionKey {
        project_key: "p".into(),
        session_id: SID.into(),
        subpath: None,
    }
}

type Errors = Arc<Mutex<Vec<MirrorError>>>;

fn batcher(store: Arc<Probe>, limits: MirrorLimits) -> (MirrorBatcher, Errors) {
    let errors: Errors = Arc::default();
    let sink = errors.clone();
    let handler: MirrorErrorHandler = Arc::new(move |e| lock(&sink).push(e));
    (
        MirrorBatcher::with_limits(store, PROJECTS, limits, handler),
        errors,
    )
}

fn ns(store: &Probe, key: &SessionKey) -> Vec<i64> {
    store
        .inner
        .get_entries(key)
        .iter()
        .filter_map(|e| e["n"].as_i64())
        .collect()
}

#[test]
fn keys_from_paths() {
    let base = Path::new("/cfg/projects");
    let k = file_path_to_session_key("/cfg/projects/-w/abc.jsonl", base).unwrap();
    assert_eq!(
        (k.project_key.as_str(), k.session_id.as_str()),
        ("-w", "abc")
    );
    assert_eq!(k.subpath, None);
    let k = file_path_to_session_key("/cfg/projects/-w/abc/subagents/agent-1.jsonl", base);
    assert_eq!(k.unwrap().subpath.as_deref(), Some("subagents/agent-1"));
    let k = file_path_to_session_key("/cfg/projects/-w/abc/subagents/wf/agent-2.jsonl", base);
    assert_eq!(k.unwrap().subpath.as_deref(), Some("subagents/wf/agent-2"));
    let k = file_path_to_session_key("/cfg/projects/./-w/x/../abc.jsonl", base);
    assert_eq!(k.unwrap().session_id, "abc");
    for bad in [
        "/elsewhere/-w/abc.jsonl",
        "/cfg/projects/-w",
        "/cfg/projects/-w/abc.txt",
        "/cfg/projects/-w/abc/agent.jsonl",
        "/cfg/projects/../x/-w/abc.jsonl",
    ] {
        assert!(file_path_to_session_key(bad, base).is_none(), "{bad}");
    }
}

#[tokio::test]
async fn batched_waits_for_flush_and_groups_per_file() {
    let store = Arc::new(Probe::default());
    let (b, errors) = batcher(store.clone(), MirrorLimits::for_mode(FlushMode::Batched));
    assert!(!b.push(&json!({"type": "assistant"})));
    assert!(b.push(&frame(&format!("{SID}.jsonl"), &[1, 2])));
    assert!(b.push(&frame(&format!("{SID}/subagents/agent-a.jsonl"), &[10])));
    assert!(b.push(&frame(&format!("{SID}.jsonl"), &[3])));
    assert!(b.push(&frame(&format!("{SID}.jsonl"), &[])));
    assert!(
        b.push(&json!({"type": "transcript_mirror"})),
        "malformed: still consumed"
    );
    tokio::task::yield_now().await;
    assert!(
        lock(&store.calls).is_empty(),
        "nothing before the turn ends"
    );
    b.flush().await;
    let calls = lock(&store.calls).clone();
    assert_eq!(calls.len(), 2, "one append per file");
    assert_eq!(calls[0], (main_key(), 3));
    assert_eq!(calls[1].0.subpath.as_deref(), Some("subagents/agent-a"));
    assert_eq!(ns(&store, &main_key()), [1, 2, 3]);
    // A frame for a file outside the projects directory is dropped.
    b.push(&json!({"type": "transcript_mirror", "filePath": "/tmp/x/y.jsonl", "entries": [{}]}));
    b.close().await;
    assert_eq!(lock(&store.calls).len(), 2);
    assert!(lock(&errors).is_empty());
}

#[tokio::test]
async fn batched_flushes_in_the_background_past_the_limits() {
    let store = Arc::new(Probe::default());
    let mut limits = MirrorLimits::for_mode(FlushMode::Batched);
    limits.max_pending_entries = 2;
    let (b, _) = batcher(store.clone(), limits.clone());
    b.push(&frame(&format!("{SID}.jsonl"), &[1, 2]));
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert!(lock(&store.calls).is_empty(), "2 entries is not over 2");
    b.push(&frame(&format!("{SID}.jsonl"), &[3]));
    for _ in 0..100 {
        if !lock(&store.calls).is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(ns(&store, &main_key()), [1, 2, 3]);
    // The byte limit too.
    limits.max_pending_entries = MAX_PENDING_ENTRIES;
    limits.max_pending_bytes = 10;
    let store = Arc::new(Probe::default());
    let (b, _) = batcher(store.clone(), limits);
    b.push(&frame(&format!("{SID}.jsonl"), &[7]));
    for _ in 0..100 {
        if !lock(&store.calls).is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(ns(&store, &main_key()), [7]);
    b.close().await;
}

#[tokio::test]
async fn eager_appends_in_order_and_coalesces_while_busy() {
    let store = Arc::new(Probe {
        gate: Some(tokio::sync::Semaphore::new(0)),
        ..Probe::default()
    });
    let (b, _) = batcher(store.clone(), MirrorLimits::for_mode(FlushMode::Eager));
    b.push(&frame(&format!("{SID}.jsonl"), &[1]));
    // The first append is now waiting at the gate; these arrive meanwhile.
    while store.attempts.load(Ordering::SeqCst) == 0 {
        tokio::task::yield_now().await;
    }
    b.push(&frame(&format!("{SID}.jsonl"), &[2]));
    b.push(&frame(&format!("{SID}.jsonl"), &[3, 4]));
    store.gate.as_ref().unwrap().add_permits(10);
    b.close().await;
    let sizes: Vec<usize> = lock(&store.calls).iter().map(|c| c.1).collect();
    assert_eq!(sizes, [1, 3], "the frames that waited went together");
    assert_eq!(ns(&store, &main_key()), [1, 2, 3, 4]);
    // Closed: later frames are consumed and dropped.
    assert!(b.push(&frame(&format!("{SID}.jsonl"), &[5])));
    b.flush().await;
    assert_eq!(ns(&store, &main_key()), [1, 2, 3, 4]);
}

#[tokio::test(start_paused = true)]
async fn failures_are_retried_then_reported() {
    let store = Arc::new(Probe {
        fail: true,
        ..Probe::default()
    });
    let (b, errors) = batcher(store.clone(), MirrorLimits::for_mode(FlushMode::Batched));
    b.push(&frame(&format!("{SID}.jsonl"), &[1]));
    let started = tokio::time::Instant::now();
    b.flush().await;
    assert_eq!(store.attempts.load(Ordering::SeqCst), 3);
    assert!(
        started.elapsed() >= Duration::from_millis(1000),
        "200 + 800 ms of backoff"
    );
    let errors = lock(&errors).clone();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].attempts, 3);
    let msg = errors[0].to_message(Flavour::Python);
    assert_eq!(msg["type"], "system");
    assert_eq!(msg["subtype"], "mirror_error");
    assert_eq!(msg["error"], "disk full");
    assert_eq!(msg["key"], json!({"project_key": "p", "session_id": SID}));
    assert_eq!(msg["session_id"], SID);
    assert_eq!(msg["uuid"].as_str().unwrap().len(), 36);
    let keys: Vec<&String> = msg.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        ["type", "subtype", "error", "key", "uuid", "session_id"]
    );
    let ts = errors[0].to_message(Flavour::Ts);
    assert_eq!(ts["key"], json!({"projectKey": "p", "sessionId": SID}));
    b.close().await;
}

#[tokio::test(start_paused = true)]
async fn a_hanging_store_times_out_once() {
    let store = Arc::new(Probe {
        hang: true,
        ..Probe::default()
    });
    let (b, errors) = batcher(store.clone(), MirrorLimits::for_mode(FlushMode::Batched));
    b.push(&frame(&format!("{SID}/subagents/agent-1.jsonl"), &[1]));
    b.flush().await;
    assert_eq!(
        store.attempts.load(Ordering::SeqCst),
        1,
        "no retry after a timeout"
    );
    let errors = lock(&errors).clone();
    assert_eq!(errors[0].failure, MirrorFailure::TimedOut(SEND_TIMEOUT));
    assert_eq!(errors[0].error_text(Flavour::Python), "");
    assert_eq!(
        errors[0].error_text(Flavour::Ts),
        format!("SessionStore.append() timed out after 60000ms for {PROJECTS}/p/{SID}/subagents/agent-1.jsonl")
    );
    let msg = errors[0].to_message(Flavour::Python);
    assert_eq!(msg["key"]["subpath"], "subagents/agent-1");
    b.close().await;
}

#[tokio::test]
async fn close_delivers_everything_and_ends_the_task() {
    let store = Arc::new(Probe::default());
    let (b, _) = batcher(store.clone(), MirrorLimits::for_mode(FlushMode::Eager));
    for n in 0..50 {
        b.push(&frame(&format!("{SID}.jsonl"), &[n]));
    }
    b.close().await;
    assert_eq!(ns(&store, &main_key()), (0..50).collect::<Vec<_>>());
    assert!(lock(&b.worker).handle.is_none());
}

#[test]
fn flush_modes_parse() {
    assert_eq!(FlushMode::parse("eager"), Some(FlushMode::Eager));
    assert_eq!(FlushMode::parse("batched"), Some(FlushMode::Batched));
    assert_eq!(FlushMode::parse("lazy"), None);
    assert_eq!(
        MirrorLimits::for_mode(FlushMode::Eager).max_pending_bytes,
        0
    );
}
