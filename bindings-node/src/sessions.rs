//! The session functions: `sessionsCall` for the disk ones (run on a blocking thread),
//! `sessionsCallSync` for the pure ones, `sessionsCallStore` for those over a JS session store,
//! and `InMemoryStore`, the core's store behind the package's `InMemorySessionStore`. Every
//! answer is JSON text: `{"ok": value}` or `{"error": record}`. The core decodes the arguments
//! (the TypeScript SDK's names) and shapes the results.

use crate::callbacks::Bridge;
use crate::errors::{failed, ToJs};
use crate::query::promise;
use claude_wire::sessions::{
    self, api, api::Reply, CallStore, JsonStore, SessionKey, SessionStore, StoreMethod,
};
use claude_wire::{Error, Flavour};
use napi::bindgen_prelude::{Function, PromiseRaw};
use napi::Env;
use napi_derive::napi;
use serde_json::{json, Value};
use std::sync::Arc;

/// The optional store methods, by their TypeScript names.
const OPTIONAL: [StoreMethod; 4] = [
    StoreMethod::ListSessions,
    StoreMethod::ListSessionSummaries,
    StoreMethod::Delete,
    StoreMethod::ListSubkeys,
];

/// `{"ok": value}` or `{"error": record}` as JSON text.
fn answer(result: claude_wire::Result<Value>) -> String {
    match result {
        Ok(value) => json!({ "ok": value }).to_string(),
        Err(e) => failed(&e).to_string(),
    }
}

/// [`answer`] of a disk call: the messages of a conversation are written as JSON text straight
/// from their lines, with no parsed value in between.
fn reply_answer(result: claude_wire::Result<Reply>) -> String {
    match result {
        Ok(Reply::Messages(lines)) => {
            let mut out = String::from("{\"ok\":[");
            let mut first = true;
            let _ = lines.for_each(|m| {
                let mark = out.len();
                if !first {
                    out.push(',');
                }
                if m.write_json(&mut out, Flavour::Ts) {
                    first = false;
                } else {
                    out.truncate(mark);
                }
                Ok::<(), std::convert::Infallible>(())
            });
            out.push_str("]}");
            out
        }
        Ok(Reply::Value(value)) => answer(Ok(value)),
        Err(e) => answer(Err(e)),
    }
}

/// The error record of a failure of the binding itself.
fn internal(message: impl std::fmt::Display) -> String {
    json!({"error": {"kind": "internal", "message": message.to_string()}}).to_string()
}

fn parse(args: &str) -> claude_wire::Result<Value> {
    serde_json::from_str(args).map_err(Error::from)
}

/// Runs the disk session function `method` (snake_case) with `args` (JSON text, the TypeScript
/// names) on a blocking thread.
#[napi]
pub async fn sessions_call(method: String, args: String) -> String {
    let run = tokio::task::spawn_blocking(move || {
        reply_answer(parse(&args).and_then(|args| api::reply(Flavour::Ts, &method, args)))
    });
    run.await.unwrap_or_else(internal)
}

/// Runs the pure session function `method` (`fold_session_summary`) now.
#[napi]
pub fn sessions_call_sync(method: String, args: String) -> String {
    answer(parse(&args).and_then(|args| api::call(Flavour::Ts, &method, args)))
}

/// The optional methods among `names` (TypeScript spelling).
pub fn implemented(names: &[String]) -> Vec<StoreMethod> {
    OPTIONAL
        .into_iter()
        .filter(|m| names.iter().any(|n| n == m.name(Flavour::Ts)))
        .collect()
}

/// A JS session store as a core store: each method is the JS callback `store` with the payload
/// `{"method", "args"}`, run through `bridge`.
pub fn js_store(bridge: Arc<Bridge>, implemented: Vec<StoreMethod>) -> Arc<dyn SessionStore> {
    let call: CallStore = Arc::new(move |method: &'static str, args: Vec<Value>| {
        let bridge = bridge.clone();
        Box::pin(async move {
            bridge
                .call("store", 0, json!({ "method": method, "args": args }))
                .await
        })
    });
    Arc::new(JsonStore::new(call, Flavour::Ts, implemented))
}

/// Runs the store session function `method` over the JS store that `dispatch` reaches (kind
/// `store`, payload `{"method", "args"}`); `implemented` names its optional methods.
#[napi(ts_return_type = "Promise<string>")]
pub fn sessions_call_store<'env>(
    env: &'env Env,
    method: String,
    args: String,
    implemented: Vec<String>,
    dispatch: Function<'_, (String, u32, String, u32), napi::Unknown<'static>>,
    abort: Function<'_, u32, napi::Unknown<'static>>,
) -> napi::Result<PromiseRaw<'env, String>> {
    let (bridge, keep_alive) = Bridge::new(&dispatch, &abort)?;
    let store = js_store(bridge, self::implemented(&implemented));
    env.spawn_future(async move {
        let result = match parse(&args) {
            Ok(args) => api::call_store(Flavour::Ts, store, &method, args).await,
            Err(e) => Err(e),
        };
        drop(keep_alive);
        Ok(answer(result))
    })
}

/// The core's in-memory session store (summaries in the TypeScript spelling).
#[napi]
pub struct InMemoryStore {
    inner: Arc<sessions::InMemorySessionStore>,
}

impl Default for InMemoryStore {
    fn default() -> Self {
        Self::new()
    }
}

#[napi]
impl InMemoryStore {
    #[napi(constructor)]
    pub fn new() -> Self {
        InMemoryStore {
            inner: Arc::new(sessions::InMemorySessionStore::with_flavour(Flavour::Ts)),
        }
    }

    /// Runs the store method `method` with positional `args` (a JSON array).
    #[napi(ts_return_type = "Promise<string>")]
    pub fn call<'env>(
        &self,
        env: &'env Env,
        method: String,
        args: String,
    ) -> napi::Result<PromiseRaw<'env, String>> {
        let store = self.inner.clone();
        promise(env, async move {
            let args = match parse(&args) {
                Ok(Value::Array(items)) => items,
                Ok(_) => return internal("args must be an array"),
                Err(e) => return failed(&e).to_string(),
            };
            answer(sessions::serve(store.as_ref(), Flavour::Ts, &method, args).await)
        })
    }

    /// Runs the store session function `method` over this store.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn sessions_call<'env>(
        &self,
        env: &'env Env,
        method: String,
        args: String,
    ) -> napi::Result<PromiseRaw<'env, String>> {
        let store: Arc<dyn SessionStore> = self.inner.clone();
        promise(env, async move {
            let result = match parse(&args) {
                Ok(args) => api::call_store(Flavour::Ts, store, &method, args).await,
                Err(e) => Err(e),
            };
            answer(result)
        })
    }

    /// Every entry at `key` (JSON text of a session key), as `{"ok": [...]}`.
    #[napi]
    pub fn get_entries(&self, key: String) -> String {
        let key = parse(&key).ok().and_then(|k| SessionKey::from_value(&k));
        match key {
            Some(key) => json!({ "ok": self.inner.get_entries(&key) }).to_string(),
            None => {
                let problem = sessions::Problem::InvalidArgument("expected a session key".into());
                json!({ "error": Error::Sessions(problem).to_js() }).to_string()
            }
        }
    }

    /// How many main transcripts the store holds.
    #[napi]
    pub fn size(&self) -> u32 {
        self.inner.size() as u32
    }

    /// Forgets everything.
    #[napi]
    pub fn clear(&self) {
        self.inner.clear()
    }
}
