//! The official session-store conformance suite, for any [`SessionStore`].
//!
//! A normal public function (not test-only), so the Python and Node packages can run it against
//! stores written in those languages through their bindings, as the official
//! `claude_agent_sdk.testing.run_session_store_conformance` does. It checks the 14 behavioural
//! contracts; those of an optional method run only when the store
//! [`supports`](SessionStore::supports) it and it is not in `skip_optional`.

use super::{fold_session_summary, SessionKey, SessionStore, StoreMethod};
use crate::{CallbackError, Flavour};
use serde_json::{json, Map, Value};
use std::future::Future;
use std::sync::Arc;

/// Why a store failed the conformance suite.
#[derive(Debug, thiserror::Error)]
pub enum ConformanceError {
    /// A contract does not hold.
    #[error("session store contract {contract} failed: {detail}")]
    Contract {
        /// The contract's number in the official suite (1 to 14).
        contract: u8,
        /// What was expected and what came back.
        detail: String,
    },
    /// A store method raised during contract `contract`.
    #[error("session store contract {contract}: {operation}() raised: {source}")]
    Store {
        /// The contract's number.
        contract: u8,
        /// The method that raised.
        operation: &'static str,
        /// The store's error.
        #[source]
        source: CallbackError,
    },
}

/// Runs the official conformance contracts against fresh stores from `make_store` (called once
/// per contract, for isolation). Optional methods named in `skip_optional`, or that the store
/// does not [`support`](SessionStore::supports), are not checked.
pub async fn run_session_store_conformance<F, Fut>(
    mut make_store: F,
    skip_optional: &[StoreMethod],
) -> Result<(), ConformanceError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Arc<dyn SessionStore>>,
{
    let probe = make_store().await;
    let has = |m: StoreMethod| probe.supports(m) && !skip_optional.contains(&m);
    let list_sessions = has(StoreMethod::ListSessions);
    let summaries = has(StoreMethod::ListSessionSummaries);
    let delete = has(StoreMethod::Delete);
    let subkeys = has(StoreMethod::ListSubkeys);
    let main = key("proj", "sess", None);
    let sub1 = key("proj", "sess", Some("subagents/agent-1"));
    let sub2 = key("proj", "sess", Some("subagents/agent-2"));

    // 1. Append then load returns the same entries in the same order.
    let c = Checker::new(1, make_store().await);
    c.append(
        &main,
        vec![
            e(json!({"uuid": "b", "n": 1})),
            e(json!({"uuid": "a", "n": 2})),
        ],
    )
    .await?;
    let want = vec![
        e(json!({"uuid": "b", "n": 1})),
        e(json!({"uuid": "a", "n": 2})),
    ];
    c.expect_load(&main, Some(want)).await?;

    // 2. An unknown key loads as None (also an unknown subpath of a known session).
    let c = Checker::new(2, make_store().await);
    c.expect_load(&key("proj", "nope", None), None).await?;
    c.append(&main, vec![e(json!({"uuid": "x", "n": 1}))])
        .await?;
    c.expect_load(&key("proj", "sess", Some("nope")), None)
        .await?;

    // 3. Several appends keep call order.
    let c = Checker::new(3, make_store().await);
    c.append(&main, vec![e(json!({"uuid": "z", "n": 1}))])
        .await?;
    c.append(
        &main,
        vec![
            e(json!({"uuid": "a", "n": 2})),
            e(json!({"uuid": "m", "n": 3})),
        ],
    )
    .await?;
    c.append(&main, vec![e(json!({"uuid": "b", "n": 4}))])
        .await?;
    let want = [("z", 1), ("a", 2), ("m", 3), ("b", 4)]
        .iter()
        .map(|(u, n)| e(json!({"uuid": u, "n": n})))
        .collect();
    c.expect_load(&main, Some(want)).await?;

    // 4. append([]) changes nothing.
    let c = Checker::new(4, make_store().await);
    c.append(&main, vec![e(json!({"uuid": "a", "n": 1}))])
        .await?;
    c.append(&main, vec![]).await?;
    c.expect_load(&main, Some(vec![e(json!({"uuid": "a", "n": 1}))]))
        .await?;

    // 5. A subpath is stored apart from the main transcript.
    let c = Checker::new(5, make_store().await);
    c.append(&main, vec![e(json!({"uuid": "m", "n": 1}))])
        .await?;
    c.append(&sub1, vec![e(json!({"uuid": "s", "n": 1}))])
        .await?;
    c.expect_load(&main, Some(vec![e(json!({"uuid": "m", "n": 1}))]))
        .await?;
    c.expect_load(&sub1, Some(vec![e(json!({"uuid": "s", "n": 1}))]))
        .await?;

    // 6. Project keys are isolated.
    let c = Checker::new(6, make_store().await);
    let (a, b) = (key("A", "s1", None), key("B", "s1", None));
    c.append(&a, vec![e(json!({"from": "A"}))]).await?;
    c.append(&b, vec![e(json!({"from": "B"}))]).await?;
    c.expect_load(&a, Some(vec![e(json!({"from": "A"}))]))
        .await?;
    c.expect_load(&b, Some(vec![e(json!({"from": "B"}))]))
        .await?;
    if list_sessions {
        for pk in ["A", "B"] {
            let n = c.list_sessions(pk).await?.len();
            c.check(
                n == 1,
                format!("list_sessions({pk:?}) gave {n} sessions, not 1"),
            )?;
        }
    }

    if list_sessions {
        // 7. list_sessions gives the project's session ids with epoch-ms mtimes.
        let c = Checker::new(7, make_store().await);
        for (pk, sid) in [("proj", "a"), ("proj", "b"), ("other", "c")] {
            c.append(&key(pk, sid, None), vec![e(json!({"n": 1}))])
                .await?;
        }
        let listed = c.list_sessions("proj").await?;
        let mut ids: Vec<&str> = listed.iter().map(|s| s.session_id.as_str()).collect();
        ids.sort_unstable();
        c.check(ids == ["a", "b"], format!("list_sessions gave {ids:?}"))?;
        c.check(
            listed.iter().all(|s| s.mtime > 1_000_000_000_000),
            "mtime is not epoch milliseconds".into(),
        )?;
        let none = c.list_sessions("never-appended-project").await?;
        c.check(none.is_empty(), "an unknown project lists sessions".into())?;

        // 8. list_sessions leaves out subagent transcripts.
        let c = Checker::new(8, make_store().await);
        c.append(&key("proj", "main", None), vec![e(json!({"n": 1}))])
            .await?;
        c.append(
            &key("proj", "main", Some("subagents/agent-1")),
            vec![e(json!({"n": 1}))],
        )
        .await?;
        let ids: Vec<String> = c
            .list_sessions("proj")
            .await?
            .into_iter()
            .map(|s| s.session_id)
            .collect();
        c.check(ids == ["main"], format!("list_sessions gave {ids:?}"))?;
    }

    if summaries {
        check_summaries(make_store().await, list_sessions, delete).await?;
    }

    if delete {
        // 9. Deleting a main transcript makes it load as None (deleting nothing is fine).
        let c = Checker::new(9, make_store().await);
        c.delete(&key("proj", "never-written", None)).await?;
        c.append(&main, vec![e(json!({"n": 1}))]).await?;
        c.delete(&main).await?;
        c.expect_load(&main, None).await?;

        // 10. Deleting a main transcript deletes its subkeys, nothing else.
        let c = Checker::new(10, make_store().await);
        let other = key("proj", "sess2", None);
        let other_proj = key("other-proj", "sess", None);
        for k in [&main, &sub1, &sub2, &other, &other_proj] {
            c.append(k, vec![e(json!({"n": 1}))]).await?;
        }
        c.delete(&main).await?;
        for k in [&main, &sub1, &sub2] {
            c.expect_load(k, None).await?;
        }
        for k in [&other, &other_proj] {
            c.expect_len(k, 1).await?;
        }
        if subkeys {
            let left = c.list_subkeys(&main).await?;
            c.check(left.is_empty(), format!("subkeys left: {left:?}"))?;
        }
        if list_sessions {
            let listed = c.list_sessions("proj").await?;
            let still = listed.iter().any(|s| s.session_id == "sess");
            c.check(!still, "a deleted session is still listed".into())?;
        }

        // 11. Deleting a subpath deletes only that subkey.
        let c = Checker::new(11, make_store().await);
        for k in [&main, &sub1, &sub2] {
            c.append(k, vec![e(json!({"n": 1}))]).await?;
        }
        c.delete(&sub1).await?;
        c.expect_load(&sub1, None).await?;
        c.expect_len(&sub2, 1).await?;
        c.expect_len(&main, 1).await?;
        if subkeys {
            let left = c.list_subkeys(&main).await?;
            c.check(
                left == ["subagents/agent-2"],
                format!("subkeys left: {left:?}"),
            )?;
        }
    }

    if subkeys {
        // 12. list_subkeys gives the session's subpaths only.
        let c = Checker::new(12, make_store().await);
        c.append(&main, vec![e(json!({"n": 1}))]).await?;
        c.append(&sub1, vec![e(json!({"n": 1}))]).await?;
        c.append(&sub2, vec![e(json!({"n": 1}))]).await?;
        let elsewhere = key("proj", "other-sess", Some("subagents/agent-x"));
        c.append(&elsewhere, vec![e(json!({"n": 1}))]).await?;
        let mut got = c.list_subkeys(&main).await?;
        got.sort();
        c.check(
            got == ["subagents/agent-1", "subagents/agent-2"],
            format!("list_subkeys gave {got:?}"),
        )?;

        // 13. list_subkeys leaves out the main transcript.
        let c = Checker::new(13, make_store().await);
        c.append(&main, vec![e(json!({"n": 1}))]).await?;
        let got = c.list_subkeys(&main).await?;
        c.check(got.is_empty(), format!("list_subkeys gave {got:?}"))?;
        let got = c.list_subkeys(&key("proj", "never-appended", None)).await?;
        c.check(got.is_empty(), format!("list_subkeys gave {got:?}"))?;
    }
    Ok(())
}

/// Contract 14: summaries are the persisted fold, stamped with the store's clock, untouched by
/// subagent appends, and gone with the session.
async fn check_summaries(
    store: Arc<dyn SessionStore>,
    list_sessions: bool,
    delete: bool,
) -> Result<(), ConformanceError> {
    let c = Checker::new(14, store);
    let k = key("proj", "summ-sess", None);
    let ts = |s: u32| format!("2024-01-01T00:00:0{s}.000Z");
    c.append(
        &k,
        vec![
            e(json!({"timestamp": ts(0), "customTitle": "first"})),
            e(json!({"timestamp": ts(1)})),
        ],
    )
    .await?;
    c.append(
        &k,
        vec![e(json!({"timestamp": ts(2), "customTitle": "second"}))],
    )
    .await?;
    c.append(
        &key("other", "elsewhere", None),
        vec![e(json!({"timestamp": ts(0)}))],
    )
    .await?;
    let listed = c.summaries("proj").await?;
    let ids: Vec<&str> = listed.iter().map(|s| s.session_id.as_str()).collect();
    c.check(ids == ["summ-sess"], format!("summaries for {ids:?}"))?;
    let summ = &listed[0];
    c.check(
        summ.mtime > 1_000_000_000_000,
        "summary mtime is not epoch milliseconds".into(),
    )?;
    if list_sessions {
        let sessions = c.list_sessions("proj").await?;
        let ls = sessions.iter().find(|s| s.session_id == "summ-sess");
        c.check(
            ls.is_some_and(|s| summ.mtime >= s.mtime),
            "summary mtime is older than the list_sessions mtime (not the storage clock)".into(),
        )?;
    }
    let refolded = fold_session_summary(
        Some(summ),
        &k,
        &[e(json!({"timestamp": ts(3)}))],
        None,
        Flavour::Rust,
    );
    c.check(
        refolded.session_id == "summ-sess" && refolded.mtime == summ.mtime,
        "the summary does not round-trip through the fold".into(),
    )?;
    let sub = key("proj", "summ-sess", Some("subagents/agent-1"));
    c.append(
        &sub,
        vec![e(json!({"timestamp": ts(9), "customTitle": "subagent"}))],
    )
    .await?;
    let after = c.summaries("proj").await?;
    let same = after
        .iter()
        .find(|s| s.session_id == "summ-sess")
        .is_some_and(|s| s.data == summ.data);
    c.check(same, "a subagent append changed the main summary".into())?;
    let none = c.summaries("never-appended-project").await?;
    c.check(none.is_empty(), "an unknown project has summaries".into())?;
    if delete {
        c.delete(&k).await?;
        let left = c.summaries("proj").await?;
        c.check(
            left.is_empty(),
            "a deleted session keeps its summary".into(),
        )?;
    }
    Ok(())
}

fn key(project: &str, session: &str, sub: Option<&str>) -> SessionKey {
    SessionKey {
        project_key: project.into(),
        session_id: session.into(),
        subpath: sub.map(str::to_owned),
    }
}

/// A test entry: `type` first (required), then the given fields.
fn e(fields: Value) -> Value {
    let mut out = Map::new();
    out.insert("type".into(), "x".into());
    if let Value::Object(map) = fields {
        out.extend(map);
    }
    Value::Object(out)
}

/// One contract's store, with calls that turn failures into [`ConformanceError`]s.
struct Checker {
    contract: u8,
    store: Arc<dyn SessionStore>,
}

impl Checker {
    fn new(contract: u8, store: Arc<dyn SessionStore>) -> Self {
        Checker { contract, store }
    }

    fn check(&self, ok: bool, detail: String) -> Result<(), ConformanceError> {
        if ok {
            Ok(())
        } else {
            Err(ConformanceError::Contract {
                contract: self.contract,
                detail,
            })
        }
    }

    fn raised(&self, operation: &'static str) -> impl FnOnce(CallbackError) -> ConformanceError {
        let contract = self.contract;
        move |source| ConformanceError::Store {
            contract,
            operation,
            source,
        }
    }

    async fn append(&self, k: &SessionKey, entries: Vec<Value>) -> Result<(), ConformanceError> {
        self.store
            .append(k, entries)
            .await
            .map_err(self.raised("append"))
    }

    async fn expect_load(
        &self,
        k: &SessionKey,
        want: Option<Vec<Value>>,
    ) -> Result<(), ConformanceError> {
        let got = self.store.load(k).await.map_err(self.raised("load"))?;
        let detail = format!("load({k:?}) gave {got:?}, expected {want:?}");
        self.check(got == want, detail)
    }

    async fn expect_len(&self, k: &SessionKey, n: usize) -> Result<(), ConformanceError> {
        let got = self.store.load(k).await.map_err(self.raised("load"))?;
        let len = got.as_ref().map(Vec::len);
        self.check(
            len == Some(n),
            format!("load({k:?}) gave {len:?} entries, expected {n}"),
        )
    }

    async fn list_sessions(
        &self,
        project: &str,
    ) -> Result<Vec<super::StoreListEntry>, ConformanceError> {
        self.store
            .list_sessions(project)
            .await
            .map_err(self.raised("list_sessions"))
    }

    async fn summaries(
        &self,
        project: &str,
    ) -> Result<Vec<super::SessionSummaryEntry>, ConformanceError> {
        self.store
            .list_session_summaries(project)
            .await
            .map_err(self.raised("list_session_summaries"))
    }

    async fn delete(&self, k: &SessionKey) -> Result<(), ConformanceError> {
        self.store.delete(k).await.map_err(self.raised("delete"))
    }

    async fn list_subkeys(&self, k: &SessionKey) -> Result<Vec<String>, ConformanceError> {
        self.store
            .list_subkeys(k)
            .await
            .map_err(self.raised("list_subkeys"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sessions::InMemorySessionStore;

    #[tokio::test]
    async fn in_memory_store_conforms() {
        for flavour in [Flavour::Python, Flavour::Ts] {
            let make = move || async move {
                Arc::new(InMemorySessionStore::with_flavour(flavour)) as Arc<dyn SessionStore>
            };
            run_session_store_conformance(make, &[]).await.unwrap();
            run_session_store_conformance(make, &[StoreMethod::Delete, StoreMethod::ListSessions])
                .await
                .unwrap();
        }
    }

    /// Append and load only, and append drops every other call: contract 3 fails.
    #[derive(Default)]
    struct Forgetful(std::sync::Mutex<Vec<Value>>);

    #[async_trait::async_trait]
    impl SessionStore for Forgetful {
        async fn append(&self, _k: &SessionKey, entries: Vec<Value>) -> Result<(), CallbackError> {
            let mut held = self.0.lock().unwrap();
            if held.is_empty() || entries.len() > 1 {
                held.extend(entries);
            }
            Ok(())
        }
        async fn load(&self, k: &SessionKey) -> Result<Option<Vec<Value>>, CallbackError> {
            let held = self.0.lock().unwrap();
            Ok(
                (k.session_id == "sess" && k.subpath.is_none() && !held.is_empty())
                    .then(|| held.clone()),
            )
        }
    }

    #[tokio::test]
    async fn a_broken_store_fails_with_the_contract_number() {
        let make = || async { Arc::new(Forgetful::default()) as Arc<dyn SessionStore> };
        let err = run_session_store_conformance(make, &[]).await.unwrap_err();
        assert!(
            matches!(err, ConformanceError::Contract { contract: 3, .. }),
            "{err}"
        );
    }
}
