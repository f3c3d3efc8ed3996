//! [`InMemorySessionStore`]: the reference [`SessionStore`], for tests and development.

use super::{
    fold_session_summary, SessionKey, SessionStore, SessionSummaryEntry, StoreEntry,
    StoreListEntry, StoreMethod,
};
use crate::{CallbackError, Flavour};
use async_trait::async_trait;
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

/// A [`SessionStore`] in a map keyed `project_key/session_id[/subpath]`, with every optional
/// method, as the official `InMemorySessionStore` of both SDKs. Data is lost with the process.
///
/// Listing keeps first-write order. Each append stamps a strictly increasing millisecond mtime
/// and, for a main transcript, folds the entries into the session's summary
/// ([`fold_session_summary`]) in the store's [`Flavour`] spelling. Deleting a main transcript
/// also deletes its subkeys and summary.
#[derive(Debug, Default)]
pub struct InMemorySessionStore {
    flavour: Flavour,
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    /// Transcript keys in first-write order.
    order: Vec<String>,
    transcripts: HashMap<String, Vec<StoreEntry>>,
    mtimes: HashMap<String, i64>,
    /// `(project_key, session_id)` in first-write order, with their summaries.
    summary_order: Vec<(String, String)>,
    summaries: HashMap<(String, String), SessionSummaryEntry>,
    last_mtime: i64,
}

fn key_string(key: &SessionKey) -> String {
    match key.subpath.as_deref() {
        Some(sub) if !sub.is_empty() => {
            format!("{}/{}/{}", key.project_key, key.session_id, sub)
        }
        _ => format!("{}/{}", key.project_key, key.session_id),
    }
}

impl InMemorySessionStore {
    /// An empty store whose summaries use claude-wire's own (Python) `data` spelling.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty store whose summaries use `flavour`'s `data` spelling (camelCase for
    /// [`Flavour::Ts`]).
    pub fn with_flavour(flavour: Flavour) -> Self {
        InMemorySessionStore {
            flavour,
            inner: Mutex::default(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A poisoned map is still consistent: every mutation below completes or does nothing.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Test helper: every entry at `key` (empty when absent).
    pub fn get_entries(&self, key: &SessionKey) -> Vec<StoreEntry> {
        self.lock()
            .transcripts
            .get(&key_string(key))
            .cloned()
            .unwrap_or_default()
    }

    /// Test helper: the number of main transcripts held (subagent transcripts not counted).
    pub fn size(&self) -> usize {
        self.lock()
            .order
            .iter()
            .filter(|k| {
                k.split_once('/')
                    .is_some_and(|(_, rest)| !rest.contains('/'))
            })
            .count()
    }

    /// Test helper: forgets everything.
    pub fn clear(&self) {
        let mut inner = self.lock();
        *inner = Inner::default();
    }
}

impl Inner {
    /// Storage write time: now in epoch ms, strictly after the previous one.
    fn next_mtime(&mut self) -> i64 {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        let next = now.max(self.last_mtime.saturating_add(1));
        self.last_mtime = next;
        next
    }

    fn remove(&mut self, k: &str) {
        if self.transcripts.remove(k).is_some() {
            self.order.retain(|o| o != k);
        }
        self.mtimes.remove(k);
    }
}

#[async_trait]
impl SessionStore for InMemorySessionStore {
    async fn append(
        &self,
        key: &SessionKey,
        entries: Vec<StoreEntry>,
    ) -> Result<(), CallbackError> {
        let flavour = self.flavour;
        let mut inner = self.lock();
        let k = key_string(key);
        let now = inner.next_mtime();
        if key.subpath.is_none() {
            let sk = (key.project_key.clone(), key.session_id.clone());
            let folded =
                fold_session_summary(inner.summaries.get(&sk), key, &entries, Some(now), flavour);
            if inner.summaries.insert(sk.clone(), folded).is_none() {
                inner.summary_order.push(sk);
            }
        }
        match inner.transcripts.get_mut(&k) {
            Some(list) => list.extend(entries),
            None => {
                inner.order.push(k.clone());
                inner.transcripts.insert(k.clone(), entries);
            }
        }
        inner.mtimes.insert(k, now);
        Ok(())
    }

    async fn load(&self, key: &SessionKey) -> Result<Option<Vec<StoreEntry>>, CallbackError> {
        Ok(self.lock().transcripts.get(&key_string(key)).cloned())
    }

    fn supports(&self, _method: StoreMethod) -> bool {
        true
    }

    async fn list_sessions(&self, project_key: &str) -> Result<Vec<StoreListEntry>, CallbackError> {
        let inner = self.lock();
        let prefix = format!("{project_key}/");
        Ok(inner
            .order
            .iter()
            .filter_map(|k| {
                let rest = k.strip_prefix(&prefix)?;
                (!rest.contains('/')).then(|| StoreListEntry {
                    session_id: rest.to_owned(),
                    mtime: inner.mtimes.get(k).copied().unwrap_or(0),
                })
            })
            .collect())
    }

    async fn list_session_summaries(
        &self,
        project_key: &str,
    ) -> Result<Vec<SessionSummaryEntry>, CallbackError> {
        let inner = self.lock();
        Ok(inner
            .summary_order
            .iter()
            .filter(|(pk, _)| pk == project_key)
            .filter_map(|sk| inner.summaries.get(sk).cloned())
            .collect())
    }

    async fn delete(&self, key: &SessionKey) -> Result<(), CallbackError> {
        let mut inner = self.lock();
        let k = key_string(key);
        inner.remove(&k);
        if key.subpath.is_none() {
            let sk = (key.project_key.clone(), key.session_id.clone());
            if inner.summaries.remove(&sk).is_some() {
                inner.summary_order.retain(|o| o != &sk);
            }
            let prefix = format!("{k}/");
            let doomed: Vec<String> = inner
                .order
                .iter()
                .filter(|o| o.starts_with(&prefix))
                .cloned()
                .collect();
            for d in doomed {
                inner.remove(&d);
            }
        }
        Ok(())
    }

    async fn list_subkeys(&self, key: &SessionKey) -> Result<Vec<String>, CallbackError> {
        let prefix = format!("{}/{}/", key.project_key, key.session_id);
        Ok(self
            .lock()
            .order
            .iter()
            .filter_map(|k| k.strip_prefix(&prefix).map(str::to_owned))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn key(sid: &str, sub: Option<&str>) -> SessionKey {
        SessionKey {
            project_key: "p".into(),
            session_id: sid.into(),
            subpath: sub.map(str::to_owned),
        }
    }

    #[tokio::test]
    async fn helpers_and_order() {
        let store = InMemorySessionStore::new();
        store
            .append(&key("b", None), vec![json!({"n": 1})])
            .await
            .unwrap();
        store
            .append(&key("a", None), vec![json!({"n": 2})])
            .await
            .unwrap();
        store
            .append(&key("a", Some("subagents/agent-1")), vec![json!({"n": 3})])
            .await
            .unwrap();
        assert_eq!(store.size(), 2);
        let listed = store.list_sessions("p").await.unwrap();
        assert_eq!(
            listed
                .iter()
                .map(|e| e.session_id.as_str())
                .collect::<Vec<_>>(),
            ["b", "a"]
        );
        assert!(listed[0].mtime < listed[1].mtime);
        assert_eq!(store.get_entries(&key("a", None)), vec![json!({"n": 2})]);
        assert!(store.get_entries(&key("zz", None)).is_empty());
        let sums = store.list_session_summaries("p").await.unwrap();
        assert_eq!(sums.len(), 2);
        assert_eq!(sums[1].mtime, listed[1].mtime);
        store.clear();
        assert_eq!(store.size(), 0);
        assert!(store.list_session_summaries("p").await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn typescript_flavour_summaries_are_camel_case() {
        let store = InMemorySessionStore::with_flavour(Flavour::Ts);
        store
            .append(
                &key("a", None),
                vec![json!({"type": "x", "customTitle": "T"})],
            )
            .await
            .unwrap();
        let sums = store.list_session_summaries("p").await.unwrap();
        assert_eq!(sums[0].data["customTitle"], "T");
        assert_eq!(sums[0].data["isSidechain"], false);
    }
}
