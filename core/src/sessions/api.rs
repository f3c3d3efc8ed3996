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

fn messages(items: Vec<SessionMessage>) -> Value {
    Value::Array(items.iter().map(SessionMessage::to_value).collect())
}

fn fork_result(result: ForkSessionResult, flavour: Flavour) -> Value {
    let key = if flavour == Flavour::Ts {
        "sessionId"
    } else {
        "session_id"
    };
    serde_json::json!({ key: result.session_id })
}

/// Runs the disk (or pure) session function `method` (snake_case name) with `args`.
///
/// Blocking: it reads the file system (and may run `git worktree list`).
pub fn call(flavour: Flavour, method: &str, args: Value) -> Result<Value> {
    let a = Args::parse(method, args)?;
    Ok(match method {
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
        "get_session_messages" => messages(get_session_messages(
            a.id(),
            a.dir(),
            a.page(),
            a.include_system_messages.unwrap_or(false),
        )?),
        "list_subagents" => list_subagents(a.id(), a.dir())?.into(),
        "get_subagent_messages" => {
            let agent = a.agent_id.as_deref().unwrap_or_default();
            messages(get_subagent_messages(a.id(), agent, a.dir(), a.page())?)
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
    })
}

/// Runs the store-backed session function `method` (snake_case name, e.g.
/// `list_sessions_from_store`, `rename_session_via_store`, `import_session_to_store`) over
/// `store` with `args`.
pub async fn call_store(
    flavour: Flavour,
    store: Arc<dyn SessionStore>,
    method: &str,
    args: Value,
) -> Result<Value> {
    let a = Args::parse(method, args)?;
    Ok(match method {
        "import_session_to_store" => {
            let options = ImportOptions {
                directory: a.directory.clone(),
                include_subagents: a.include_subagents.unwrap_or(true),
                batch_size: a.batch_size.filter(|b| *b > 0.0).map_or(0, |b| b as usize),
                flavour,
            };
            import_session_to_store(a.id(), store.as_ref(), &options).await?;
            Value::Null
        }
        other => return Err(invalid(&format!("unknown session function {other:?}"))),
    })
}
