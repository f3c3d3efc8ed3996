//! Why a sessions function refused its arguments or found nothing: [`crate::Error::Sessions`].

use crate::Flavour;

/// A refused argument or a missing session, worded per official SDK by [`Problem::message`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// A session id that is not a UUID (refused before any path is built).
    InvalidSessionId(String),
    /// An agent id that is not a safe file-name component.
    InvalidAgentId(String),
    /// A message id (fork point) that is not a UUID.
    InvalidMessageId(String),
    /// Another refused argument; the text is the same in every flavour.
    InvalidArgument(String),
    /// A tag that is empty once sanitised and trimmed.
    EmptyTag,
    /// A fork source with nothing to copy.
    NoMessagesToFork(String),
    /// A fork point that is not in the source transcript.
    MessageNotInSession {
        /// The fork point asked for.
        message_id: String,
        /// The session searched.
        session_id: String,
    },
    /// No projects directory at all (an append found nowhere to look).
    NoProjectsDirectory(String),
    /// No transcript for the session, worded as the append-style functions word it: "in
    /// project directory for `<dir>`", or "in any project directory" when no directory was given.
    SessionNotFoundAnywhere {
        /// The session asked for.
        session_id: String,
        /// The project directory searched, when one was given.
        directory: Option<String>,
    },
    /// A store listing asked of a session store with no way to list (neither
    /// `list_session_summaries` nor `list_sessions`; the TypeScript SDK names only the latter).
    StoreCannotListSessions,
    /// A subagent listing asked of a session store without `list_subkeys`.
    StoreCannotListSubagents,
    /// Archiving or unarchiving asked with a session store (the TypeScript SDK refuses it).
    ArchiveWithStore,
    /// No transcript for the session in the directories searched.
    SessionNotFound {
        /// The session asked for.
        session_id: String,
        /// The project directory searched, when one was given.
        directory: Option<String>,
    },
}

impl Problem {
    /// True for a missing session (Python `FileNotFoundError`), false for a refused argument
    /// (Python `ValueError`). Both are a plain `Error` in TypeScript.
    pub fn is_not_found(&self) -> bool {
        matches!(
            self,
            Problem::SessionNotFound { .. }
                | Problem::SessionNotFoundAnywhere { .. }
                | Problem::NoProjectsDirectory(_)
        )
    }

    /// The text in the wording of `flavour`'s official SDK.
    pub fn message(&self, flavour: Flavour) -> String {
        let ts = flavour == Flavour::Ts;
        match self {
            Problem::InvalidSessionId(id) if ts => format!("Invalid sessionId: {id}"),
            Problem::InvalidSessionId(id) => format!("Invalid session_id: {id}"),
            Problem::InvalidMessageId(id) if ts => format!("Invalid upToMessageId: {id}"),
            Problem::EmptyTag if ts => "tag must be non-empty (use null to clear)".into(),
            Problem::EmptyTag => "tag must be non-empty (use None to clear)".into(),
            Problem::NoMessagesToFork(id) => format!("Session {id} has no messages to fork"),
            Problem::MessageNotInSession {
                message_id,
                session_id,
            } => format!("Message {message_id} not found in session {session_id}"),
            Problem::NoProjectsDirectory(id) => {
                format!("Session {id} not found (no projects directory)")
            }
            Problem::SessionNotFoundAnywhere {
                session_id,
                directory: Some(dir),
            } => format!("Session {session_id} not found in project directory for {dir}"),
            Problem::SessionNotFoundAnywhere { session_id, .. } => {
                format!("Session {session_id} not found in any project directory")
            }
            Problem::InvalidAgentId(id) => format!("Invalid agent_id: {id}"),
            Problem::InvalidMessageId(id) => format!("Invalid up_to_message_id: {id}"),
            Problem::InvalidArgument(text) => text.clone(),
            Problem::StoreCannotListSessions if ts => "sessionStore.listSessions is not \
                implemented -- cannot list sessions. Provide a store with a listSessions() method."
                .into(),
            Problem::StoreCannotListSessions => "session_store implements neither \
                list_session_summaries() nor list_sessions() -- cannot list sessions. Provide a \
                store with at least one of those methods."
                .into(),
            Problem::StoreCannotListSubagents if ts => "sessionStore.listSubkeys is not \
                implemented -- cannot list subagents. Provide a store with a listSubkeys() method."
                .into(),
            Problem::StoreCannotListSubagents => "session_store does not implement \
                list_subkeys() -- cannot list subagents. Provide a store with a list_subkeys() \
                method."
                .into(),
            Problem::ArchiveWithStore => "Archiving is not supported with sessionStore: a \
                SessionStore holds transcript entries, and the archived mark is not one"
                .into(),
            Problem::SessionNotFound {
                session_id,
                directory: Some(dir),
            } => format!("Session {session_id} not found in project directory for {dir}"),
            Problem::SessionNotFound { session_id, .. } => {
                format!("Session {session_id} not found")
            }
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Flavour::Rust))
    }
}
