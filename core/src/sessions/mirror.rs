//! The transcript mirror of a live session: the CLI's `transcript_mirror` frames, batched and
//! appended to a [`SessionStore`].
//!
//! # Usage contract (for the session reader)
//!
//! 1. Build one [`MirrorBatcher`] per live session, inside the tokio runtime, when a store is
//!    configured: [`MirrorBatcher::new`] with the store, the projects directory the CLI writes to
//!    (the materialised resume's `<temp>/projects` when resuming from a store, else
//!    [`projects_dir`](super::projects_dir) of the session's `env`), the flush mode, and an
//!    `on_error` callback that queues [`MirrorError::to_message`] as a message for the consumer.
//! 2. For every frame read from the CLI, call [`MirrorBatcher::push`] first; when it returns
//!    `true` the frame was a `transcript_mirror` frame and must not reach the consumer.
//! 3. On a `result` frame, `await` [`MirrorBatcher::flush`] **before** yielding the result, so a
//!    consumer that sees the result finds the store up to date for the turn.
//! 4. When the read loop ends (EOF, transport error) `await` [`flush`](MirrorBatcher::flush);
//!    when the session closes `await` [`MirrorBatcher::close`]. Both survive cancellation of the
//!    caller: the work runs on the batcher's own task. Dropping the batcher without `close`
//!    aborts that task and loses what was still pending.
//!
//! Failures never reach the session: a batch whose append fails three times (200 ms then 800 ms
//! apart) or times out once (60 s, not retried: the call may still land) is dropped and
//! reported through `on_error`.

use super::{SessionKey, SessionStore};
use crate::Flavour;
use serde_json::{Map, Value};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

/// Pending entries beyond which a batched mirror flushes in the background.
pub const MAX_PENDING_ENTRIES: usize = 500;
/// Pending bytes (serialised entries) beyond which a batched mirror flushes in the background.
pub const MAX_PENDING_BYTES: usize = 1 << 20;
/// How long one `append` may take before the batch is given up.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(60);
/// Pauses between append attempts (so three attempts in all).
pub const APPEND_BACKOFF: [Duration; 2] = [Duration::from_millis(200), Duration::from_millis(800)];

/// When mirrored entries are appended (`session_store_flush` / `sessionStoreFlush`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FlushMode {
    /// At the end of each turn (`result`), or in the background when pending entries exceed
    /// [`MAX_PENDING_ENTRIES`] or [`MAX_PENDING_BYTES`].
    #[default]
    Batched,
    /// In the background after every frame; frames that arrive while the store is busy are
    /// appended together by the next flush.
    Eager,
}

impl FlushMode {
    /// `"batched"` or `"eager"`.
    pub fn parse(text: &str) -> Option<FlushMode> {
        match text {
            "batched" => Some(FlushMode::Batched),
            "eager" => Some(FlushMode::Eager),
            _ => None,
        }
    }
}

/// The batcher's thresholds and timings; [`MirrorLimits::for_mode`] gives the official ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MirrorLimits {
    /// Background flush when pending entries exceed this.
    pub max_pending_entries: usize,
    /// Background flush when pending serialised bytes exceed this.
    pub max_pending_bytes: usize,
    /// The timeout of one append.
    pub send_timeout: Duration,
    /// Pauses between attempts; its length plus one is the number of attempts.
    pub backoff: Vec<Duration>,
}

impl MirrorLimits {
    /// The official limits: zero thresholds for [`FlushMode::Eager`] (every frame flushes).
    pub fn for_mode(mode: FlushMode) -> Self {
        let eager = mode == FlushMode::Eager;
        MirrorLimits {
            max_pending_entries: if eager { 0 } else { MAX_PENDING_ENTRIES },
            max_pending_bytes: if eager { 0 } else { MAX_PENDING_BYTES },
            send_timeout: SEND_TIMEOUT,
            backoff: APPEND_BACKOFF.to_vec(),
        }
    }
}

/// Why a mirrored batch was dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MirrorFailure {
    /// The append did not finish within the send timeout.
    TimedOut(Duration),
    /// The last attempt's error, as text.
    Failed(String),
}

/// A dropped batch, reported to the batcher's `on_error` callback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MirrorError {
    /// Where the batch was to be appended.
    pub key: SessionKey,
    /// The transcript file the CLI wrote it to.
    pub file_path: String,
    /// What went wrong.
    pub failure: MirrorFailure,
    /// How many appends were tried.
    pub attempts: usize,
}

impl MirrorError {
    /// The `error` text of `flavour`'s official SDK: the store's error text; for a timeout the
    /// TypeScript SDK's sentence, and the empty text of Python's bare `TimeoutError` for
    /// [`Flavour::Python`].
    pub fn error_text(&self, flavour: Flavour) -> String {
        match &self.failure {
            MirrorFailure::Failed(text) => text.clone(),
            MirrorFailure::TimedOut(_) if flavour == Flavour::Python => String::new(),
            MirrorFailure::TimedOut(after) => format!(
                "SessionStore.append() timed out after {}ms for {}",
                after.as_millis(),
                self.file_path
            ),
        }
    }

    /// The `system`/`mirror_error` message the official SDKs emit, with a fresh `uuid`; `key`
    /// is spelled as `flavour`'s SDK spells a session key.
    pub fn to_message(&self, flavour: Flavour) -> Value {
        let mut out = Map::new();
        out.insert("type".into(), "system".into());
        out.insert("subtype".into(), "mirror_error".into());
        out.insert("error".into(), self.error_text(flavour).into());
        out.insert("key".into(), self.key.to_value(flavour));
        out.insert("uuid".into(), uuid_v4().into());
        out.insert("session_id".into(), self.key.session_id.clone().into());
        Value::Object(out)
    }
}

/// A random (version 4) UUID.
pub(crate) fn uuid_v4() -> String {
    let mut b = [0u8; 16];
    fastrand::fill(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// The callback a batcher reports dropped batches to. Called on the batcher's task; it should
/// not block (queue the message and return).
pub type MirrorErrorHandler = Arc<dyn Fn(MirrorError) + Send + Sync>;

/// The store key of a transcript file: `<projects>/<project>/<session>.jsonl` is a main
/// transcript, `<projects>/<project>/<session>/<sub...>/<name>.jsonl` a subagent's (subpath
/// `/`-joined, `.jsonl` dropped). `None` outside `projects_dir` or for any other shape.
/// Paths are compared lexically, as `os.path.relpath` does.
pub fn file_path_to_session_key(file_path: &str, projects_dir: &Path) -> Option<SessionKey> {
    let file = lexical(Path::new(file_path))?;
    let base = lexical(projects_dir)?;
    let rel = file.strip_prefix(&base).ok()?;
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.len() < 2 {
        return None;
    }
    let project_key = parts[0].clone();
    if parts.len() == 2 {
        let session_id = parts[1].strip_suffix(".jsonl")?.to_owned();
        return Some(SessionKey {
            project_key,
            session_id,
            subpath: None,
        });
    }
    if parts.len() < 4 {
        return None;
    }
    if let Some(last) = parts.last_mut() {
        if let Some(stem) = last.strip_suffix(".jsonl") {
            *last = stem.to_owned();
        }
    }
    Some(SessionKey {
        project_key,
        session_id: parts[1].clone(),
        subpath: Some(parts[2..].join("/")),
    })
}

/// `path` made absolute (against the current directory) with `.` and `..` folded away.
fn lexical(path: &Path) -> Option<PathBuf> {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(path)
    };
    let mut out = PathBuf::new();
    for c in absolute.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    Some(out)
}

/// True for a CLI frame of type `transcript_mirror`.
pub fn is_transcript_mirror(frame: &Value) -> bool {
    frame.get("type").and_then(Value::as_str) == Some("transcript_mirror")
}

#[derive(Default)]
struct Pending {
    frames: Vec<(String, Vec<Value>)>,
    entries: usize,
    bytes: usize,
}

struct Shared {
    store: Arc<dyn SessionStore>,
    projects_dir: PathBuf,
    limits: MirrorLimits,
    on_error: MirrorErrorHandler,
    pending: Mutex<Pending>,
}

enum Command {
    /// Append whatever is pending.
    Drain,
    /// Append whatever is pending, then answer.
    Flush(oneshot::Sender<()>),
}

/// Batches `transcript_mirror` frames and appends them to a store on its own tokio task,
/// serialised in arrival order.
///
/// For the session reader: one batcher per live session with a store; [`push`](Self::push)
/// every frame first (`true`: a mirror frame, kept from the consumer); `await`
/// [`flush`](Self::flush) before yielding a `result` and when the read loop ends;
/// [`close`](Self::close) when the session closes (dropping it loses what is pending).
pub struct MirrorBatcher {
    shared: Arc<Shared>,
    worker: Mutex<Worker>,
}

#[derive(Default)]
struct Worker {
    tx: Option<mpsc::UnboundedSender<Command>>,
    handle: Option<JoinHandle<()>>,
    closed: bool,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl MirrorBatcher {
    /// A batcher with the official limits of `mode`.
    pub fn new(
        store: Arc<dyn SessionStore>,
        projects_dir: impl Into<PathBuf>,
        mode: FlushMode,
        on_error: MirrorErrorHandler,
    ) -> Self {
        Self::with_limits(store, projects_dir, MirrorLimits::for_mode(mode), on_error)
    }

    /// A batcher with explicit limits (tests, tuning).
    pub fn with_limits(
        store: Arc<dyn SessionStore>,
        projects_dir: impl Into<PathBuf>,
        limits: MirrorLimits,
        on_error: MirrorErrorHandler,
    ) -> Self {
        MirrorBatcher {
            shared: Arc::new(Shared {
                store,
                projects_dir: projects_dir.into(),
                limits,
                on_error,
                pending: Mutex::default(),
            }),
            worker: Mutex::default(),
        }
    }

    /// The projects directory file paths are resolved against.
    pub fn projects_dir(&self) -> &Path {
        &self.shared.projects_dir
    }

    /// Takes a CLI frame: `true` when it was a `transcript_mirror` frame (buffered, or dropped
    /// when malformed or after [`close`](Self::close)) that the consumer must not see, `false`
    /// for any other frame (untouched).
    pub fn push(&self, frame: &Value) -> bool {
        if !is_transcript_mirror(frame) {
            return false;
        }
        let path = frame.get("filePath").and_then(Value::as_str);
        let entries = frame.get("entries").and_then(Value::as_array);
        if let (Some(path), Some(entries)) = (path, entries) {
            self.enqueue(path, entries.clone());
        }
        true
    }

    /// Buffers the entries of one frame, flushing in the background past the thresholds.
    ///
    /// Their size is their compact JSON length, counted without building the text.
    pub fn enqueue(&self, file_path: &str, entries: Vec<Value>) {
        let size = json_len(&entries);
        let over = {
            let mut p = lock(&self.shared.pending);
            p.entries += entries.len();
            p.bytes += size;
            p.frames.push((file_path.to_owned(), entries));
            p.entries > self.shared.limits.max_pending_entries
                || p.bytes > self.shared.limits.max_pending_bytes
        };
        if over {
            if let Some(tx) = self.sender() {
                let _ = tx.send(Command::Drain);
            }
        }
    }

    /// Appends everything pushed so far, after any flush in flight. Never fails (failures go
    /// to `on_error`).
    pub async fn flush(&self) {
        let Some(tx) = self.sender() else {
            return;
        };
        let (ack, done) = oneshot::channel();
        if tx.send(Command::Flush(ack)).is_ok() {
            let _ = done.await;
        }
    }

    /// The final flush: appends everything pending, then ends the batcher's task. Later frames
    /// are dropped. Never fails.
    pub async fn close(&self) {
        self.flush().await;
        let handle = {
            let mut w = lock(&self.worker);
            w.closed = true;
            w.tx = None;
            w.handle.take()
        };
        if let Some(handle) = handle {
            let _ = handle.await;
        }
        let mut p = lock(&self.shared.pending);
        *p = Pending::default();
    }

    /// The worker's channel, starting the worker on first use; `None` once closed or outside a
    /// tokio runtime.
    fn sender(&self) -> Option<mpsc::UnboundedSender<Command>> {
        let mut w = lock(&self.worker);
        if w.closed {
            return None;
        }
        if w.tx.is_none() {
            let runtime = tokio::runtime::Handle::try_current().ok()?;
            let (tx, rx) = mpsc::unbounded_channel();
            w.handle = Some(runtime.spawn(run(self.shared.clone(), rx)));
            w.tx = Some(tx);
        }
        w.tx.clone()
    }
}

impl Drop for MirrorBatcher {
    fn drop(&mut self) {
        if let Some(handle) = lock(&self.worker).handle.take() {
            handle.abort();
        }
    }
}

impl std::fmt::Debug for MirrorBatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MirrorBatcher")
            .field("projects_dir", &self.shared.projects_dir)
            .field("limits", &self.shared.limits)
            .finish_non_exhaustive()
    }
}

async fn run(shared: Arc<Shared>, mut rx: mpsc::UnboundedReceiver<Command>) {
    while let Some(command) = rx.recv().await {
        let frames = std::mem::take(&mut *lock(&shared.pending)).frames;
        if !frames.is_empty() {
            for error in append_all(&shared, frames).await {
                (shared.on_error)(error);
            }
        }
        if let Command::Flush(ack) = command {
            let _ = ack.send(());
        }
    }
}

/// One append per transcript file (first-seen order, entries in arrival order), each retried.
async fn append_all(shared: &Shared, frames: Vec<(String, Vec<Value>)>) -> Vec<MirrorError> {
    let mut by_path: Vec<(String, Vec<Value>)> = Vec::new();
    for (path, entries) in frames {
        match by_path.iter_mut().find(|(p, _)| *p == path) {
            Some((_, bucket)) => bucket.extend(entries),
            None => by_path.push((path, entries)),
        }
    }
    let mut errors = Vec::new();
    for (file_path, entries) in by_path {
        if entries.is_empty() {
            continue;
        }
        // A path outside the projects directory (the CLI's config dir differs from ours) is
        // dropped, as the official batchers do.
        let Some(key) = file_path_to_session_key(&file_path, &shared.projects_dir) else {
            continue;
        };
        let limits = &shared.limits;
        let mut attempts = 0;
        let failure = loop {
            attempts += 1;
            let call = shared.store.append(&key, entries.clone());
            match tokio::time::timeout(limits.send_timeout, call).await {
                Ok(Ok(())) => break None,
                Err(_) => break Some(MirrorFailure::TimedOut(limits.send_timeout)),
                Ok(Err(e)) => match limits.backoff.get(attempts - 1) {
                    Some(pause) => tokio::time::sleep(*pause).await,
                    None => break Some(MirrorFailure::Failed(e.to_string())),
                },
            }
        };
        if let Some(failure) = failure {
            errors.push(MirrorError {
                key,
                file_path,
                failure,
                attempts,
            });
        }
    }
    errors
}

#[cfg(test)]
#[path = "mirror_tests.rs"]
mod tests;

/// The length of `value`'s compact JSON, counted as it is written (no text is kept).
fn json_len(value: &impl serde::Serialize) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0 += bytes.len();
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    serde_json::to_writer(&mut count, value).map_or(0, |()| count.0)
}
