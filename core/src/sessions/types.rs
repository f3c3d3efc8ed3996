//! What the session functions return, and the key of a transcript in a store.

use crate::Flavour;
use serde_json::{Map, Value};

/// One session as listed: what stat and the head and tail of its transcript tell.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionInfo {
    /// The session's UUID.
    pub session_id: String,
    /// Display title: the custom title, else the generated summary, else the first prompt.
    pub summary: String,
    /// Last modification, milliseconds since the epoch.
    pub last_modified: i64,
    /// Transcript size in bytes (local files only).
    pub file_size: Option<u64>,
    /// The user-set or generated title.
    pub custom_title: Option<String>,
    /// The first meaningful prompt.
    pub first_prompt: Option<String>,
    /// The git branch at the end of the session.
    pub git_branch: Option<String>,
    /// The session's working directory.
    pub cwd: Option<String>,
    /// The user-set tag.
    pub tag: Option<String>,
    /// Creation time (the first entry's timestamp), milliseconds since the epoch.
    pub created_at: Option<i64>,
    /// Whether the session is archived (only the TypeScript SDK reports it).
    pub archived: Option<bool>,
}

impl SessionInfo {
    /// The record `flavour`'s official SDK returns, every key in its order with `null` for an
    /// unknown value: snake_case for Python (`SDKSessionInfo` dataclass fields, `None`), and
    /// camelCase plus `archived` for TypeScript, whose records hold `undefined` there (the
    /// binding turns each `null` into it: no value of this record is ever `null`).
    pub fn to_value(&self, flavour: Flavour) -> Value {
        let ts = flavour == Flavour::Ts;
        let mut out = Map::new();
        let mut put = |snake: &str, camel: &str, value: Option<Value>| {
            let key = if ts { camel } else { snake };
            out.insert(key.to_owned(), value.unwrap_or(Value::Null));
        };
        put(
            "session_id",
            "sessionId",
            Some(self.session_id.clone().into()),
        );
        put("summary", "summary", Some(self.summary.clone().into()));
        put(
            "last_modified",
            "lastModified",
            Some(self.last_modified.into()),
        );
        put("file_size", "fileSize", self.file_size.map(Value::from));
        put(
            "custom_title",
            "customTitle",
            self.custom_title.clone().map(Value::from),
        );
        put(
            "first_prompt",
            "firstPrompt",
            self.first_prompt.clone().map(Value::from),
        );
        put(
            "git_branch",
            "gitBranch",
            self.git_branch.clone().map(Value::from),
        );
        put("cwd", "cwd", self.cwd.clone().map(Value::from));
        put("tag", "tag", self.tag.clone().map(Value::from));
        put("created_at", "createdAt", self.created_at.map(Value::from));
        if ts {
            put("archived", "archived", self.archived.map(Value::from));
        }
        Value::Object(out)
    }
}

/// One message of a stored conversation, as `get_session_messages` returns it.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionMessage {
    /// `"user"` or `"assistant"` (TypeScript may also return `"system"`).
    pub kind: String,
    /// The transcript entry's UUID.
    pub uuid: String,
    /// The session the message belongs to.
    pub session_id: String,
    /// The Anthropic API message as stored (role, content, ...), key order kept.
    pub message: Value,
    /// For a subagent's messages: the `tool_use` id of the Agent call that started it.
    pub parent_tool_use_id: Option<String>,
    /// For a subagent's messages: the agent that spawned this subagent, if not the main session.
    pub parent_agent_id: Option<String>,
    /// The further fields of the TypeScript SDK's record, in its order: the entry's
    /// `timestamp`, and `interruptedByShutdown`, `toolDenialUnanswered`, `tool_result_meta`,
    /// `isCompactSummary`, `is_meta`, `isQueuedCommand`, `isCompletedLocalCommand` and `origin`
    /// where the entry sets them. The Python SDK's record has none of them.
    pub ts_fields: Map<String, Value>,
}

impl SessionMessage {
    /// The record `flavour`'s SDK returns: the same six snake_case keys in each, then the
    /// TypeScript SDK's [further fields](Self::ts_fields).
    pub fn to_value(&self, flavour: Flavour) -> Value {
        self.clone().into_value(flavour)
    }

    /// [`to_value`](Self::to_value), without copying the message.
    pub fn into_value(self, flavour: Flavour) -> Value {
        let mut out = Map::new();
        out.insert("type".into(), self.kind.into());
        out.insert("uuid".into(), self.uuid.into());
        out.insert("session_id".into(), self.session_id.into());
        out.insert("message".into(), self.message);
        out.insert("parent_tool_use_id".into(), self.parent_tool_use_id.into());
        out.insert("parent_agent_id".into(), self.parent_agent_id.into());
        if flavour == Flavour::Ts {
            out.extend(self.ts_fields);
        }
        Value::Object(out)
    }
}

/// The result of a fork: the new session's id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForkSessionResult {
    /// The UUID of the new session.
    pub session_id: String,
}

/// Where a transcript lives in a session store.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SessionKey {
    /// The project, usually [`project_key_for_directory`](super::project_key_for_directory) of
    /// the session's directory.
    pub project_key: String,
    /// The session's UUID.
    pub session_id: String,
    /// `None` for the main transcript, `Some("subagents/agent-<id>")` for a subagent's.
    pub subpath: Option<String>,
}

impl SessionKey {
    /// The key as `flavour`'s official SDK spells it (`project_key` or `projectKey`, ...);
    /// `subpath` is absent for a main transcript.
    pub fn to_value(&self, flavour: Flavour) -> Value {
        let ts = flavour == Flavour::Ts;
        let mut out = Map::new();
        out.insert(
            if ts { "projectKey" } else { "project_key" }.into(),
            self.project_key.clone().into(),
        );
        out.insert(
            if ts { "sessionId" } else { "session_id" }.into(),
            self.session_id.clone().into(),
        );
        if let Some(sub) = &self.subpath {
            out.insert("subpath".into(), sub.clone().into());
        }
        Value::Object(out)
    }

    /// Reads a key in either spelling.
    pub fn from_value(value: &Value) -> Option<SessionKey> {
        let field = |snake: &str, camel: &str| {
            value
                .get(snake)
                .or_else(|| value.get(camel))
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        Some(SessionKey {
            project_key: field("project_key", "projectKey")?,
            session_id: field("session_id", "sessionId")?,
            subpath: value
                .get("subpath")
                .and_then(Value::as_str)
                .map(str::to_owned),
        })
    }
}
