//! Why a pool refused a claim.

use crate::error::ErrorKind;

/// A claim the pool refused. It reaches callers as [`Error::Pool`](crate::Error::Pool); a CLI
/// that could not start is reported with the start's own error instead (for example
/// [`Error::CliNotFound`](crate::Error::CliNotFound)).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PoolError {
    /// The pool was closed (or dropped): it hands out no more sessions.
    #[error("the session pool is closed")]
    Closed,

    /// The claim's options differ from the pool's in an option the CLI takes when it starts
    /// (argv, environment, working directory, `initialize`, callbacks); only `model`,
    /// `permission_mode` and `max_thinking_tokens` may differ (they are applied by control
    /// request after the claim).
    #[error("option `{option}` differs from the session pool's; only model, permission_mode and max_thinking_tokens may differ per claim (use a pool per option set)")]
    OptionDiffers {
        /// The option's name (the Rust field name of [`ClaudeAgentOptions`](crate::ClaudeAgentOptions)).
        option: &'static str,
    },

    /// The pool's options cannot be pooled: every warm CLI would share this option's value.
    #[error("option `{option}` cannot be used in a session pool: {why}")]
    Unpoolable {
        /// The option's name.
        option: &'static str,
        /// Why.
        why: &'static str,
    },

    /// The pool's configuration is not usable.
    #[error("invalid session pool configuration: {0}")]
    InvalidConfig(&'static str),
}

impl PoolError {
    /// The stable kind bindings map to their own error types.
    pub fn kind(&self) -> ErrorKind {
        match self {
            PoolError::Closed => ErrorKind::Connection,
            PoolError::OptionDiffers { .. }
            | PoolError::Unpoolable { .. }
            | PoolError::InvalidConfig(_) => ErrorKind::InvalidOptions,
        }
    }
}

impl From<PoolError> for crate::Error {
    fn from(error: PoolError) -> Self {
        crate::Error::Pool(error)
    }
}
