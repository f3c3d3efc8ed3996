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
    /// The text in the wording of `flavour`'s SDK: under [`Flavour::Ts`](crate::Flavour::Ts)
    /// an option is named in camelCase (`maxTurns`), as TypeScript options spell it.
    pub fn message(&self, flavour: crate::Flavour) -> String {
        match (flavour, self) {
            (crate::Flavour::Ts, PoolError::OptionDiffers { option }) => self
                .to_string()
                .replace(option, &camel(option))
                .replace("permission_mode", "permissionMode")
                .replace("max_thinking_tokens", "maxThinkingTokens"),
            _ => self.to_string(),
        }
    }

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

fn camel(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        match (c, upper) {
            ('_', _) => upper = true,
            (c, true) => {
                out.extend(c.to_uppercase());
                upper = false;
            }
            (c, false) => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typescript_wording_names_options_in_camel_case() {
        let error = PoolError::OptionDiffers {
            option: "max_turns",
        };
        let text = error.message(crate::Flavour::Ts);
        assert!(text.starts_with("option `maxTurns` differs"), "{text}");
        assert!(
            text.contains("model, permissionMode and maxThinkingTokens"),
            "{text}"
        );
        assert!(error
            .message(crate::Flavour::Python)
            .contains("`max_turns`"));
    }
}
