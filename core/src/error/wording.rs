//! The wording of errors: this crate's own (Rust) texts, and those of each official SDK.

use super::{ts, Error};
use crate::Flavour;
use serde_json::Value;

pub(super) fn exit_desc(code: Option<i32>, signal: Option<i32>) -> String {
    match (code, signal) {
        (Some(c), _) => format!("exit code {c}"),
        (None, Some(s)) => format!("signal {s}"),
        (None, None) => "an unknown status".to_string(),
    }
}

/// Longest stderr excerpt an error's text carries; the whole tail stays on the error's field.
const EXCERPT_CHARS: usize = 1000;

pub(super) fn tail_desc(stderr: &str) -> String {
    let text = stderr.trim();
    if text.is_empty() {
        return String::new();
    }
    format!(": {}", excerpt(text))
}

/// The end of `text`, at most [`EXCERPT_CHARS`] characters, starting at a line when it can.
fn excerpt(text: &str) -> String {
    let count = text.chars().count();
    if count <= EXCERPT_CHARS {
        return text.to_string();
    }
    let tail: String = text.chars().skip(count - EXCERPT_CHARS).collect();
    let tail = match tail.find('\n') {
        Some(at) if at + 1 < tail.len() => &tail[at + 1..],
        _ => &tail,
    };
    format!("...{tail}")
}

impl Error {
    /// The error's text in the wording of `flavour`'s official SDK (this crate's own for
    /// [`Flavour::Rust`]).
    pub fn message(&self, flavour: Flavour) -> String {
        match (flavour, self) {
            (Flavour::Python, Error::Process { .. }) => match self.exit_status() {
                Some(code) => format!("Command failed with exit code {code}"),
                None => "Command failed".to_string(),
            },
            (
                Flavour::Ts,
                Error::Process {
                    exit_code,
                    signal,
                    stderr,
                },
            ) => {
                let tail = ts_stderr_tail(stderr);
                match (exit_code, signal) {
                    (Some(code), _) => format!("Claude Code process exited with code {code}{tail}"),
                    (None, Some(signal)) => format!(
                        "Claude Code process terminated by signal {}{tail}",
                        signal_name(*signal)
                    ),
                    (None, None) => format!("Claude Code process exited{tail}"),
                }
            }
            (
                Flavour::Ts,
                Error::CliNotFound {
                    searched,
                    configured: true,
                },
            ) => ts::configured_cli_missing(searched).message,
            (
                Flavour::Python,
                Error::CliNotFound {
                    searched,
                    configured: true,
                },
            ) => match searched.first() {
                // Python's own text for the failed start of a path that is there.
                Some(path) if path.exists() => format!(
                    "Failed to start Claude Code: [Errno 13] Permission denied: '{}'",
                    path.display()
                ),
                path => format!(
                    "Claude Code not found at: {}",
                    path.map(|p| p.display().to_string()).unwrap_or_default()
                ),
            },
            (Flavour::Ts, Error::ErrorResult { result, .. }) => format!(
                "Claude Code returned an error result: {}",
                ts_error_result_text(result)
            ),
            (Flavour::Python, Error::CwdNotFound(dir)) => {
                format!("Working directory does not exist: {}", dir.display())
            }
            // The official SDKs raise these checks' texts bare.
            (Flavour::Python | Flavour::Ts, Error::InvalidOptions(text)) => text.clone(),
            // The Python SDK's `CLIJSONDecodeError` is made with this as its "line".
            (Flavour::Python, Error::LineTooLong { limit, .. }) => {
                format!("JSON message exceeded maximum buffer size of {limit} bytes")
            }
            (_, Error::Sessions(problem)) => problem.message(flavour),
            (_, Error::Resume(problem)) => problem.message(flavour),
            (_, Error::Pool(problem)) => problem.message(flavour),
            // A store's own error reaches the caller as the store raised it.
            (Flavour::Python | Flavour::Ts, Error::Store { source, .. }) => source.to_string(),
            // A control call on a query that is over (closed, or its CLI gone).
            (Flavour::Ts, Error::SessionClosed(_)) => {
                "Query closed before response received".to_string()
            }
            // Both official SDKs raise the CLI's own text.
            (Flavour::Python | Flavour::Ts, Error::ControlRequest { message, .. }) => {
                message.clone()
            }
            _ => self.to_string(),
        }
    }

    /// What the parser said of a line that is not a message (the Python SDK chains it as a
    /// `ValueError`).
    pub fn decode_cause(&self) -> Option<String> {
        match self {
            Error::JsonDecode { message, .. } => Some(message.clone()),
            Error::LineTooLong { len, limit, .. } => {
                Some(format!("Buffer size {len} exceeds limit {limit}"))
            }
            _ => None,
        }
    }

    /// The end of the CLI's stderr for an error text (at most about 1,000 characters, starting
    /// at a line); the whole tail stays on [`Error::Process`]'s `stderr`.
    pub fn stderr_excerpt(&self) -> Option<String> {
        match self {
            Error::Process { stderr, .. } if !stderr.trim().is_empty() => {
                Some(excerpt(stderr.trim()))
            }
            _ => None,
        }
    }
}

/// The text of an error result, as the Python SDK picks it (and the Rust flavour): its `errors`
/// joined, else its `result`, else a non-`success` subtype, else the HTTP status.
pub(crate) fn error_result_text(result: &Value) -> String {
    let errors = result_errors(result);
    if !errors.is_empty() {
        return errors;
    }
    let text = result.get("result").and_then(Value::as_str).map(str::trim);
    if let Some(text) = text.filter(|t| !t.is_empty()) {
        return text.to_string();
    }
    let subtype = result.get("subtype").and_then(Value::as_str);
    if let Some(subtype) = subtype.filter(|s| !s.is_empty() && *s != "success") {
        return subtype.to_string();
    }
    match result.get("api_error_status").filter(|s| !s.is_null()) {
        Some(status) => format!("API error (HTTP {status})"),
        None => "unknown error".to_string(),
    }
}

/// The TypeScript SDK's pick: the `result` text of a `success` result, else the `errors`.
fn ts_error_result_text(result: &Value) -> String {
    if result.get("subtype").and_then(Value::as_str) == Some("success") {
        let text = result.get("result").and_then(Value::as_str);
        return text.unwrap_or_default().to_string();
    }
    result_errors(result)
}

/// The non-blank `errors` of a result, trimmed, joined with `; `.
fn result_errors(result: &Value) -> String {
    let errors = result.get("errors").and_then(Value::as_array);
    let texts = errors.into_iter().flatten().filter_map(Value::as_str);
    texts
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

/// The TypeScript SDK's `". stderr: <last 2048 characters>"`, with secrets hidden.
fn ts_stderr_tail(stderr: &str) -> String {
    let text = stderr.trim();
    if text.is_empty() {
        return String::new();
    }
    let count = text.chars().count();
    let tail: String = text.chars().skip(count.saturating_sub(2048)).collect();
    format!(". stderr: {}", crate::redact::text(tail.trim()))
}

pub(super) fn signal_name(signal: i32) -> String {
    let name = match signal {
        1 => "SIGHUP",
        2 => "SIGINT",
        3 => "SIGQUIT",
        6 => "SIGABRT",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        13 => "SIGPIPE",
        14 => "SIGALRM",
        15 => "SIGTERM",
        _ => return format!("signal {signal}"),
    };
    name.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn kinds_and_each_flavours_wording() {
        let killed = Error::Process {
            exit_code: None,
            signal: Some(9),
            stderr: "oom\nkey sk-ant-api03-secretsecretsecret".into(),
        };
        assert_eq!(killed.kind(), ErrorKind::Process);
        assert_eq!(killed.exit_status(), Some(-9));
        assert_eq!(
            killed.message(Flavour::Python),
            "Command failed with exit code -9"
        );
        let ts = killed.message(Flavour::Ts);
        assert!(
            ts.starts_with("Claude Code process terminated by signal SIGKILL. stderr: oom"),
            "{ts}"
        );
        assert!(!ts.contains("secretsecret"), "{ts}");
        let exited = Error::Process {
            exit_code: Some(2),
            signal: None,
            stderr: String::new(),
        };
        assert_eq!(
            exited.message(Flavour::Ts),
            "Claude Code process exited with code 2"
        );

        let result = Error::ErrorResult {
            result: Box::new(
                serde_json::json!({"type": "result", "is_error": true, "errors": ["a", "b"]}),
            ),
            exit_code: Some(1),
            signal: None,
        };
        assert_eq!(result.kind(), ErrorKind::ErrorResult);
        for flavour in [Flavour::Python, Flavour::Ts, Flavour::Rust] {
            assert_eq!(
                result.message(flavour),
                "Claude Code returned an error result: a; b"
            );
        }
        let refused = Error::InvalidOptions("Use one or the other.".into());
        assert_eq!(
            refused.message(Flavour::Rust),
            "invalid options: Use one or the other."
        );
        for flavour in [Flavour::Python, Flavour::Ts] {
            assert_eq!(refused.message(flavour), "Use one or the other.");
        }
        let long = Error::LineTooLong {
            len: 300,
            limit: 200,
            request_id: None,
        };
        assert_eq!(
            long.message(Flavour::Python),
            "JSON message exceeded maximum buffer size of 200 bytes"
        );
        assert_eq!(
            long.decode_cause().as_deref(),
            Some("Buffer size 300 exceeds limit 200")
        );
        let io = Error::from(std::io::Error::other("x"));
        let copy = io.clone();
        assert_eq!(copy.kind(), ErrorKind::Connection);
        assert_eq!(copy.kind().as_str(), "connection");
    }
}
