//! The session functions as calls by name with JSON arguments, in either official SDK's
//! spelling (`directory` or `dir`, `session_id` or `sessionId`, ...), answered in the
//! flavour's spelling. A binding's session functions are one line each over [`call`] and
//! [`call_store`]; the argument rules (a `limit` of 0 or less means no limit, a negative
//! `offset` counts as 0) live here once.

use super::*;
use crate::{Error, Flavour, Result};
use serde::Deserialize;
use serde_json::Value;
use std::path::PathBuf;
use std::sync::Arc;

/// Every argument any session function takes, in both spellings.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Args {
    #[serde(alias = "sessionId")]
    session_id: Option<String>,
    #[serde(alias = "agentId")]
    agent_id: Option<String>,
    #[serde(alias = "dir")]
    directory: Option<PathBuf>,
    limit: Option<f64>,
    offset: Option<f64>,
    #[serde(alias = "includeWorktrees")]
    include_worktrees: Option<bool>,
    #[serde(alias = "includeProgrammatic")]
    include_programmatic: Option<bool>,
    #[serde(alias = "includeSystemMessages")]
    include_system_messages: Option<bool>,
    title: Option<String>,
    tag: Option<String>,
    #[serde(alias = "upToMessageId")]
    up_to_message_id: Option<String>,
    #[serde(alias = "includeSubagents")]
    include_subagents: Option<bool>,
    #[serde(alias = "batchSize")]
    batch_size: Option<f64>,
    prev: Option<Value>,
    key: Option<Value>,
    entries: Option<Vec<Value>>,
    mtime: Option<f64>,
}

impl Args {
    fn parse(method: &str, value: Value) -> Result<Args> {
        serde_json::from_value(value)
            .map_err(|e| Error::Sessions(Problem::InvalidArgument(format!("{method}: {e}"))))
    }

    fn id(&self) -> &str {
        self.session_id.as_deref().unwrap_or_default()
    }

    fn dir(&self) -> Option<&std::path::Path> {
        self.directory.as_deref()
    }

    fn page(&self) -> Page {
        Page {
            limit: self.limit.filter(|l| *l > 0.0).map(|l| l as usize),
            offset: self.offset.filter(|o| *o > 0.0).map_or(0, |o| o as usize),
        }
    }

    fn key(&self) -> Result<SessionKey> {
        self.key
            .as_ref()
            .and_then(SessionKey::from_value)
            .ok_or_else(|| invalid("key: expected a session key"))
    }
}

fn invalid(text: &str) -> Error {
    Error::Sessions(Problem::InvalidArgument(text.to_owned()))
}

fn infos(items: Vec<SessionInfo>, flavour: Flavour) -> Value {
    Value::Array(items.iter().map(|i| i.to_value(flavour)).collect())
}

/// [`infos`] of a store's listing. The TypeScript SDK's record of a row depends on how it was
/// made: from a summary it has no `archived`, and a row whose load failed has
/// `sessionId`, `summary` and `lastModified` only.
fn store_infos(rows: Vec<(SessionInfo, RowSource)>, flavour: Flavour) -> Value {
    let shaped = rows.iter().map(|(info, made)| {
        let mut value = info.to_value(flavour);
        if let (Flavour::Ts, Some(record)) = (flavour, value.as_object_mut()) {
            match made {
                RowSource::Summary => {
                    record.shift_remove("archived");
                }
                RowSource::LoadFailed => {
                    record.retain(|key, _| {
                        ["sessionId", "summary", "lastModified"].contains(&key.as_str())
                    });
                }
                RowSource::Loaded => {}
            }
        }
        value
    });
    Value::Array(shaped.collect())
}

fn messages(items: Vec<SessionMessage>, flavour: Flavour) -> Value {
    Value::Array(items.into_iter().map(|m| m.into_value(flavour)).collect())
}

fn fork_result(result: ForkSessionResult, flavour: Flavour) -> Value {
    let key = if flavour == Flavour::Ts {
        "sessionId"
    } else {
        "session_id"
    };
    serde_json::json!({ key: result.session_id })
}

/// What a disk session function answers: a JSON value or, for the conversation reads
/// (`get_session_messages`, `get_subagent_messages`), the located lines of the page's
/// messages, which a binding converts one by one straight from their text (no parsed page in
/// between).
#[derive(Debug)]
pub enum Reply {
    /// The answer.
    Value(Value),
    /// The messages, still to be read: [`MessageLines::for_each`].
    Messages(MessageLines),
}

impl Reply {
    /// The answer as a JSON value (the messages read and parsed, as `flavour` shapes them).
    pub fn into_value(self, flavour: Flavour) -> Value {
        match self {
            Reply::Value(value) => value,
            Reply::Messages(lines) => messages(lines.into_messages(), flavour),
        }
    }
}

/// Runs the disk (or pure) session function `method` (snake_case name) with `args`.
///
/// Blocking: it reads the file system (and may run `git worktree list`).
pub fn call(flavour: Flavour, method: &str, args: Value) -> Result<Value> {
    reply(flavour, method, args).map(|r| r.into_value(flavour))
}

/// [`call`], with the conversation reads answered as [`Reply::Messages`].
pub fn reply(flavour: Flavour, method: &str, args: Value) -> Result<Reply> {
    let a = Args::parse(method, args)?;
    Ok(Reply::Value(match method {
        "list_sessions" => {
            let options = ListSessions {
                dir: a.directory.clone(),
                limit: a.page().limit,
                offset: a.page().offset,
                include_worktrees: a.include_worktrees.unwrap_or(true),
                include_programmatic: a.include_programmatic.unwrap_or(true),
                flavour,
            };
            infos(list_sessions(&options)?, flavour)
        }
        "get_session_info" => {
            get_session_info(a.id(), a.dir(), flavour)?.map_or(Value::Null, |i| i.to_value(flavour))
        }
        "get_session_messages" => {
            return Ok(Reply::Messages(session_message_lines(
                a.id(),
                a.dir(),
                a.page(),
                a.include_system_messages.unwrap_or(false),
                flavour,
            )?))
        }
        "list_subagents" => list_subagents(a.id(), a.dir())?.into(),
        "get_subagent_messages" => {
            let agent = a.agent_id.as_deref().unwrap_or_default();
            return Ok(Reply::Messages(subagent_message_lines(
                a.id(),
                agent,
                a.dir(),
                a.page(),
                flavour,
            )?));
        }
        "rename_session" => {
            rename_session(a.id(), a.title.as_deref().unwrap_or_default(), a.dir())?;
            Value::Null
        }
        "tag_session" => {
            tag_session(a.id(), a.tag.as_deref(), a.dir())?;
            Value::Null
        }
        "delete_session" => {
            delete_session(a.id(), a.dir())?;
            Value::Null
        }
        "archive_session" => {
            archive_session(a.id(), a.dir())?;
            Value::Null
        }
        "unarchive_session" => {
            unarchive_session(a.id(), a.dir())?;
            Value::Null
        }
        "fork_session" => fork_result(
            fork_session(
                a.id(),
                a.dir(),
                a.up_to_message_id.as_deref(),
                a.title.as_deref(),
                flavour,
            )?,
            flavour,
        ),
        "project_key_for_directory" => project_key_for_directory(a.dir()).into(),
        "fold_session_summary" => {
            let prev = match &a.prev {
                None | Some(Value::Null) => None,
                Some(v) => Some(
                    SessionSummaryEntry::from_value(v)
                        .ok_or_else(|| invalid("prev: expected a session summary entry"))?,
                ),
            };
            let entries = a.entries.clone().unwrap_or_default();
            let mtime = a.mtime.map(|m| m as i64);
            fold_session_summary(prev.as_ref(), &a.key()?, &entries, mtime, flavour)
                .to_value(flavour)
        }
        other => return Err(invalid(&format!("unknown session function {other:?}"))),
    }))
}

/// Runs the store-backed session function `method` over `store` with `args`. `method` is the
/// Python SDK's name (`list_sessions_from_store`, `rename_session_via_store`,
/// `import_session_to_store`, ...) or the plain name of the same function (`list_sessions`
/// with a `sessionStore` option, as the TypeScript SDK spells it).
pub async fn call_store(
    flavour: Flavour,
    store: Arc<dyn SessionStore>,
    method: &str,
    args: Value,
) -> Result<Value> {
    let a = Args::parse(method, args)?;
    let store = store.as_ref();
    let plain = method
        .strip_suffix("_from_store")
        .or_else(|| method.strip_suffix("_via_store"))
        .unwrap_or(method);
    Ok(match plain {
        "list_sessions" => store_infos(
            list_store_rows(store, a.dir(), a.page(), flavour).await?,
            flavour,
        ),
        "get_session_info" => get_session_info_from_store(store, a.id(), a.dir(), flavour)
            .await?
            .map_or(Value::Null, |i| i.to_value(flavour)),
        "get_session_messages" => messages(
            get_session_messages_from_store(
                store,
                a.id(),
                a.dir(),
                a.page(),
                a.include_system_messages.unwrap_or(false),
                flavour,
            )
            .await?,
            flavour,
        ),
        "list_subagents" => list_subagents_from_store(store, a.id(), a.dir())
            .await?
            .into(),
        "get_subagent_messages" => {
            let agent = a.agent_id.as_deref().unwrap_or_default();
            messages(
                get_subagent_messages_from_store(store, a.id(), agent, a.dir(), a.page(), flavour)
                    .await?,
                flavour,
            )
        }
        "rename_session" => {
            let title = a.title.as_deref().unwrap_or_default();
            rename_session_via_store(store, a.id(), title, a.dir(), flavour).await?;
            Value::Null
        }
        "tag_session" => {
            tag_session_via_store(store, a.id(), a.tag.as_deref(), a.dir(), flavour).await?;
            Value::Null
        }
        "delete_session" => {
            delete_session_via_store(store, a.id(), a.dir()).await?;
            Value::Null
        }
        "fork_session" => {
            let up_to = a.up_to_message_id.as_deref();
            let forked =
                fork_session_via_store(store, a.id(), a.dir(), up_to, a.title.as_deref(), flavour)
                    .await?;
            fork_result(forked, flavour)
        }
        // The archived mark lives beside the local transcript, which a store does not hold.
        "archive_session" | "unarchive_session" => {
            return Err(Error::Sessions(Problem::ArchiveWithStore))
        }
        "import_session_to_store" => {
            let options = ImportOptions {
                directory: a.directory.clone(),
                include_subagents: a.include_subagents.unwrap_or(true),
                batch_size: a.batch_size.filter(|b| *b > 0.0).map_or(0, |b| b as usize),
                flavour,
            };
            import_session_to_store(a.id(), store, &options).await?;
            Value::Null
        }
        other => return Err(invalid(&format!("unknown session function {other:?}"))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spawnable<F: std::future::Future + Send + 'static>(_: F) {}

    /// Bindings spawn the store functions on a multi-threaded runtime: they must stay `Send`.
    #[test]
    fn store_calls_are_send() {
        let store: Arc<dyn SessionStore> = Arc::new(InMemorySessionStore::new());
        spawnable(call_store(
            Flavour::Python,
            store,
            "list_sessions",
            Value::Null,
        ));
    }

    #[test]
    fn argument_rules_and_spellings() {
        let page = |v: Value| Args::parse("x", v).unwrap().page();
        assert_eq!(
            page(serde_json::json!({"limit": 0, "offset": -3})).limit,
            None
        );
        assert_eq!(page(serde_json::json!({"limit": -1})).limit, None);
        let p = page(serde_json::json!({"limit": 5, "offset": 2}));
        assert_eq!((p.limit, p.offset), (Some(5), 2));
        let a = Args::parse("x", serde_json::json!({"dir": "/d", "sessionId": "s"})).unwrap();
        assert_eq!((a.dir(), a.id()), (Some(std::path::Path::new("/d")), "s"));
        let refused = call(
            Flavour::Python,
            "rename_session",
            serde_json::json!({"session_id": "../../etc/passwd", "title": "t"}),
        );
        assert_eq!(
            refused.unwrap_err().message(Flavour::Python),
            "Invalid session_id: ../../etc/passwd"
        );
        assert!(call(Flavour::Ts, "nope", Value::Null).is_err());
    }
}
