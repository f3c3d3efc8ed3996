//! The session-store contract: where a mirrored transcript is appended and loaded from.
//!
//! Only [`append`](SessionStore::append) and [`load`](SessionStore::load) are required. The
//! other methods are optional, as in the official SDKs: a store says which it has with
//! [`SessionStore::supports`], and the defaults fail with [`Unsupported`].

use super::SessionKey;
use crate::CallbackError;
use async_trait::async_trait;
use serde_json::{Map, Value};

/// One transcript entry: a JSON object as the CLI writes it to a JSONL line (`type`, `uuid`,
/// `timestamp` and whatever else it holds). Stores keep them opaque.
pub type StoreEntry = Value;

/// A session a store lists: its id and when it was last written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreListEntry {
    /// The session's UUID.
    pub session_id: String,
    /// Last write, milliseconds since the epoch, on the store's own clock.
    pub mtime: i64,
}

/// The summary a store keeps beside a session, folded by
/// [`fold_session_summary`](super::fold_session_summary) at each append and returned verbatim.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionSummaryEntry {
    /// The session's UUID.
    pub session_id: String,
    /// The store's own write time for the session (not an entry timestamp).
    pub mtime: i64,
    /// SDK-owned state; stores must not interpret it.
    pub data: Map<String, Value>,
}

/// The optional methods of a [`SessionStore`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StoreMethod {
    /// [`SessionStore::list_sessions`].
    ListSessions,
    /// [`SessionStore::list_session_summaries`].
    ListSessionSummaries,
    /// [`SessionStore::delete`].
    Delete,
    /// [`SessionStore::list_subkeys`].
    ListSubkeys,
}

impl StoreMethod {
    /// The method's name in `flavour`'s official SDK.
    pub fn name(self, flavour: crate::Flavour) -> &'static str {
        let ts = flavour == crate::Flavour::Ts;
        match self {
            StoreMethod::ListSessions if ts => "listSessions",
            StoreMethod::ListSessions => "list_sessions",
            StoreMethod::ListSessionSummaries if ts => "listSessionSummaries",
            StoreMethod::ListSessionSummaries => "list_session_summaries",
            StoreMethod::Delete => "delete",
            StoreMethod::ListSubkeys if ts => "listSubkeys",
            StoreMethod::ListSubkeys => "list_subkeys",
        }
    }
}

/// The error of an optional method a store does not have.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("the session store does not implement {0:?}")]
pub struct Unsupported(pub StoreMethod);

/// Somewhere to mirror transcripts: a database, an object store, memory.
///
/// Errors are the store's own; the SDK reports them (as a `mirror_error` message during a live
/// session) and goes on.
#[async_trait]
pub trait SessionStore: Send + Sync {
    /// Appends entries to the transcript at `key`, in order. Called after the CLI's own local
    /// write succeeded.
    async fn append(&self, key: &SessionKey, entries: Vec<StoreEntry>)
        -> Result<(), CallbackError>;

    /// Every entry at `key`, in append order, or `None` when there is no such transcript.
    async fn load(&self, key: &SessionKey) -> Result<Option<Vec<StoreEntry>>, CallbackError>;

    /// Whether the store has the optional `method`.
    fn supports(&self, method: StoreMethod) -> bool {
        let _ = method;
        false
    }

    /// The sessions of a project (main transcripts only).
    async fn list_sessions(&self, project_key: &str) -> Result<Vec<StoreListEntry>, CallbackError> {
        let _ = project_key;
        Err(Box::new(Unsupported(StoreMethod::ListSessions)))
    }

    /// The summaries kept for a project's sessions.
    async fn list_session_summaries(
        &self,
        project_key: &str,
    ) -> Result<Vec<SessionSummaryEntry>, CallbackError> {
        let _ = project_key;
        Err(Box::new(Unsupported(StoreMethod::ListSessionSummaries)))
    }

    /// Deletes the transcript at `key`; for a main transcript (no subpath) also its subkeys.
    async fn delete(&self, key: &SessionKey) -> Result<(), CallbackError> {
        let _ = key;
        Err(Box::new(Unsupported(StoreMethod::Delete)))
    }

    /// The subpaths under a session (`subagents/agent-<id>`, ...); `key.subpath` is ignored.
    async fn list_subkeys(&self, key: &SessionKey) -> Result<Vec<String>, CallbackError> {
        let _ = key;
        Err(Box::new(Unsupported(StoreMethod::ListSubkeys)))
    }
}
