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
        matches!(self, Problem::SessionNotFound { .. })
    }

    /// The text in the wording of `flavour`'s official SDK.
    pub fn message(&self, flavour: Flavour) -> String {
        let _ = flavour;
        match self {
            Problem::InvalidSessionId(id) => format!("Invalid session_id: {id}"),
            Problem::InvalidAgentId(id) => format!("Invalid agent_id: {id}"),
            Problem::InvalidMessageId(id) => format!("Invalid up_to_message_id: {id}"),
            Problem::InvalidArgument(text) => text.clone(),
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
