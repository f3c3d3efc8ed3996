//! Session stores as JSON, in each official SDK's spelling: a store written in Python or JS
//! plugs in as a [`JsonStore`] (a binding supplies one "call this method with these JSON
//! arguments" function), and [`serve`] runs a core store's method for a binding's own
//! `InMemorySessionStore` class.

use super::{
    SessionKey, SessionStore, SessionSummaryEntry, StoreEntry, StoreListEntry, StoreMethod,
};
use crate::{BoxFuture, CallbackError, Error, Flavour, Result};
use async_trait::async_trait;
use serde_json::{Map, Value};
use std::sync::Arc;

/// Calls the foreign store's method (named in the flavour's spelling) with positional JSON
/// arguments and resolves to its JSON result (`null` for `None`/`undefined`).
pub type CallStore = Arc<
    dyn Fn(&'static str, Vec<Value>) -> BoxFuture<'static, Result<Value, CallbackError>>
        + Send
        + Sync,
>;

/// A store implemented in the host language, reached through [`CallStore`].
pub struct JsonStore {
    call: CallStore,
    flavour: Flavour,
    implemented: Vec<StoreMethod>,
}

impl JsonStore {
    /// `implemented`: the optional methods the foreign object has.
    pub fn new(call: CallStore, flavour: Flavour, implemented: Vec<StoreMethod>) -> Self {
        JsonStore {
            call,
            flavour,
            implemented,
        }
    }

    async fn invoke(&self, name: &'static str, args: Vec<Value>) -> Result<Value, CallbackError> {
        (self.call)(name, args).await
    }

    async fn invoke_optional(
        &self,
        method: StoreMethod,
        args: Vec<Value>,
    ) -> Result<Value, CallbackError> {
        self.invoke(method.name(self.flavour), args).await
    }
}

/// The error for a store method that returned something of the wrong shape.
#[derive(Debug, thiserror::Error)]
#[error("SessionStore.{method}() must return {expected}")]
pub struct BadReturn {
    /// The method, in the flavour's spelling.
    pub method: &'static str,
    /// What it should have returned.
    pub expected: &'static str,
}

fn field<'v>(value: &'v Value, snake: &str, camel: &str) -> Option<&'v Value> {
    value.get(snake).or_else(|| value.get(camel))
}

fn millis(value: Option<&Value>) -> Option<i64> {
    value.and_then(|m| m.as_i64().or_else(|| m.as_f64().map(|f| f as i64)))
}

impl StoreListEntry {
    /// `{session_id, mtime}` (Python) or `{sessionId, mtime}` (TypeScript).
    pub fn to_value(&self, flavour: Flavour) -> Value {
        let mut out = Map::new();
        out.insert(
            session_id_key(flavour).into(),
            self.session_id.clone().into(),
        );
        out.insert("mtime".into(), self.mtime.into());
        Value::Object(out)
    }

    /// Reads either spelling.
    pub fn from_value(value: &Value) -> Option<Self> {
        Some(StoreListEntry {
            session_id: field(value, "session_id", "sessionId")?
                .as_str()?
                .to_owned(),
            mtime: millis(value.get("mtime"))?,
        })
    }
}

impl SessionSummaryEntry {
    /// `{session_id, mtime, data}` (Python) or `{sessionId, mtime, data}` (TypeScript).
    pub fn to_value(&self, flavour: Flavour) -> Value {
        let mut out = Map::new();
        out.insert(
            session_id_key(flavour).into(),
            self.session_id.clone().into(),
        );
        out.insert("mtime".into(), self.mtime.into());
        out.insert("data".into(), Value::Object(self.data.clone()));
        Value::Object(out)
    }

    /// Reads either spelling.
    pub fn from_value(value: &Value) -> Option<Self> {
        Some(SessionSummaryEntry {
            session_id: field(value, "session_id", "sessionId")?
                .as_str()?
                .to_owned(),
            mtime: millis(value.get("mtime"))?,
            data: value.get("data")?.as_object()?.clone(),
        })
    }
}

fn session_id_key(flavour: Flavour) -> &'static str {
    if flavour == Flavour::Ts {
        "sessionId"
    } else {
        "session_id"
    }
}

fn list<T>(
    value: Value,
    method: &'static str,
    expected: &'static str,
    item: impl Fn(Value) -> Option<T>,
) -> Result<Vec<T>, CallbackError> {
    let bad = || Box::new(BadReturn { method, expected }) as CallbackError;
    match value {
        Value::Array(items) => items.into_iter().map(|v| item(v).ok_or_else(bad)).collect(),
        _ => Err(bad()),
    }
}

/// The key of `list_subkeys`: project and session only.
fn session_only(key: &SessionKey, flavour: Flavour) -> Value {
    SessionKey {
        subpath: None,
        ..key.clone()
    }
    .to_value(flavour)
}

#[async_trait]
impl SessionStore for JsonStore {
    async fn append(
        &self,
        key: &SessionKey,
        entries: Vec<StoreEntry>,
    ) -> Result<(), CallbackError> {
        let args = vec![key.to_value(self.flavour), Value::Array(entries)];
        self.invoke("append", args).await.map(drop)
    }

    async fn load(&self, key: &SessionKey) -> Result<Option<Vec<StoreEntry>>, CallbackError> {
        match self
            .invoke("load", vec![key.to_value(self.flavour)])
            .await?
        {
            Value::Null => Ok(None),
            other => list(other, "load", "a list of entries or None", Some).map(Some),
        }
    }

    fn supports(&self, method: StoreMethod) -> bool {
        self.implemented.contains(&method)
    }

    async fn list_sessions(&self, project_key: &str) -> Result<Vec<StoreListEntry>, CallbackError> {
        let method = StoreMethod::ListSessions;
        let value = self
            .invoke_optional(method, vec![project_key.into()])
            .await?;
        list(
            value,
            method.name(self.flavour),
            "a list of sessions",
            |v| StoreListEntry::from_value(&v),
        )
    }

    async fn list_session_summaries(
        &self,
        project_key: &str,
    ) -> Result<Vec<SessionSummaryEntry>, CallbackError> {
        let method = StoreMethod::ListSessionSummaries;
        let value = self
            .invoke_optional(method, vec![project_key.into()])
            .await?;
        list(
            value,
            method.name(self.flavour),
            "a list of summaries",
            |v| SessionSummaryEntry::from_value(&v),
        )
    }

    async fn delete(&self, key: &SessionKey) -> Result<(), CallbackError> {
        let args = vec![key.to_value(self.flavour)];
        self.invoke_optional(StoreMethod::Delete, args)
            .await
            .map(drop)
    }

    async fn list_subkeys(&self, key: &SessionKey) -> Result<Vec<String>, CallbackError> {
        let method = StoreMethod::ListSubkeys;
        let value = self
            .invoke_optional(method, vec![session_only(key, self.flavour)])
            .await?;
        list(value, method.name(self.flavour), "a list of strings", |v| {
            v.as_str().map(str::to_owned)
        })
    }
}

/// Runs `method` (either spelling) of a core store with positional JSON arguments, as a
/// binding's `InMemorySessionStore` class does; the result in `flavour`'s spelling.
pub async fn serve(
    store: &dyn SessionStore,
    flavour: Flavour,
    method: &str,
    args: Vec<Value>,
) -> Result<Value> {
    let arg = |i: usize| args.get(i).cloned().unwrap_or(Value::Null);
    let key = |i: usize| {
        SessionKey::from_value(&arg(i))
            .ok_or_else(|| invalid(format!("{method}: expected a session key")))
    };
    let text = |i: usize| {
        arg(i)
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| invalid(format!("{method}: expected a project key")))
    };
    let failed = |operation: &'static str| {
        move |source: CallbackError| Error::Store {
            operation,
            source: Arc::new(source),
        }
    };
    Ok(match method {
        "append" => {
            let entries = match arg(1) {
                Value::Array(items) => items,
                _ => return Err(invalid("append: expected a list of entries".into())),
            };
            store
                .append(&key(0)?, entries)
                .await
                .map_err(failed("append"))?;
            Value::Null
        }
        "load" => match store.load(&key(0)?).await.map_err(failed("load"))? {
            Some(entries) => Value::Array(entries),
            None => Value::Null,
        },
        "list_sessions" | "listSessions" => Value::Array(
            store
                .list_sessions(&text(0)?)
                .await
                .map_err(failed("list_sessions"))?
                .iter()
                .map(|e| e.to_value(flavour))
                .collect(),
        ),
        "list_session_summaries" | "listSessionSummaries" => Value::Array(
            store
                .list_session_summaries(&text(0)?)
                .await
                .map_err(failed("list_session_summaries"))?
                .iter()
                .map(|e| e.to_value(flavour))
                .collect(),
        ),
        "delete" => {
            store.delete(&key(0)?).await.map_err(failed("delete"))?;
            Value::Null
        }
        "list_subkeys" | "listSubkeys" => {
            let subkeys = store
                .list_subkeys(&key(0)?)
                .await
                .map_err(failed("list_subkeys"))?;
            Value::Array(subkeys.into_iter().map(Value::from).collect())
        }
        other => return Err(invalid(format!("unknown session store method {other:?}"))),
    })
}

fn invalid(text: String) -> Error {
    Error::Sessions(super::Problem::InvalidArgument(text))
}
