//! The one error type of the crate.

use crate::Flavour;
use serde_json::Value;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

mod ts;
pub use ts::{ts_aborted, TsErrorDetails};

/// Result alias used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Every failure claude-wire reports, one variant per kind, each with its own fields.
///
/// `Clone` (shared I/O errors are behind an `Arc`), with a stable [`kind`](Error::kind) for
/// bindings to map, and [`message`](Error::message) for the wording of each official SDK.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The Claude Code CLI binary could not be found.
    #[error("Claude Code CLI not found (looked in: {}). Install the pinned version {v} with `python -m claude_wire install-cli` (Python), `npx claude-wire install-cli` (Node), `claude_wire::cli::install()` (Rust, cargo feature `install`) or `npm install -g @anthropic-ai/claude-code@{v}`, or set CLAUDE_WIRE_CLI / `cli_path`", .searched.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "), v = crate::PINNED_CLI_VERSION)]
    CliNotFound {
        /// Every place that was checked, in order.
        searched: Vec<PathBuf>,
        /// The path was given (`cli_path`), not looked for: `searched` is that path.
        configured: bool,
    },

    /// Installing the Claude Code CLI (`claude_wire::cli::install`) failed.
    #[error("cannot install Claude Code {version} ({package}): {problem}")]
    CliInstall {
        /// The npm package fetched (`@anthropic-ai/claude-code-<platform>`), or the platform's
        /// name when it has no package.
        package: String,
        /// The CLI version asked for.
        version: String,
        /// What went wrong (boxed: it keeps `Error` small).
        problem: Box<InstallProblem>,
    },

    /// The configured working directory does not exist or is not a directory.
    #[error("working directory does not exist: {}", .0.display())]
    CwdNotFound(PathBuf),

    /// The options are inconsistent (for example both `can_use_tool` and a permission prompt tool).
    #[error("invalid options: {0}")]
    InvalidOptions(String),

    /// Starting the CLI process failed.
    #[error("failed to start the Claude Code CLI at {}: {source}", .path.display())]
    Spawn {
        /// The program that was started.
        path: PathBuf,
        /// The operating-system error.
        #[source]
        source: Arc<std::io::Error>,
    },

    /// The connection to the CLI is not usable (not connected, already closed, stdin gone).
    #[error("CLI connection error: {0}")]
    Connection(String),

    /// A session function refused its arguments or found no such session
    /// ([`crate::sessions`]).
    #[error("{0}")]
    Sessions(crate::sessions::Problem),

    /// Resuming a session from its session store failed before the CLI started.
    #[error("{0}")]
    Resume(crate::sessions::ResumeError),

    /// A session pool refused a claim ([`crate::pool`]): it is closed, or the claim's options
    /// differ from the pool's in an option that must be known when the CLI starts.
    #[error(transparent)]
    Pool(crate::pool::PoolError),

    /// A session store failed (its own error, kept as the source).
    #[error("session store {operation} failed: {source}")]
    Store {
        /// The store method that failed (`append`, `load`, `list_sessions`, ...).
        operation: &'static str,
        /// What the store raised.
        #[source]
        source: Arc<crate::CallbackError>,
    },

    /// The CLI exited with a failure.
    #[error("Claude Code CLI exited with {}{}", exit_desc(*.exit_code, *.signal), tail_desc(.stderr))]
    Process {
        /// Exit code, when the process exited normally.
        exit_code: Option<i32>,
        /// Signal number, when the process was killed by a signal.
        signal: Option<i32>,
        /// The last lines the CLI wrote to stderr (at most 64 KiB).
        stderr: String,
    },

    /// The CLI reported a `result` with `is_error: true` and then exited with a failure: the
    /// result, not the exit, explains what went wrong.
    #[error("Claude Code returned an error result: {}", error_result_text(.result))]
    ErrorResult {
        /// The `result` message as received.
        result: Box<Value>,
        /// Exit code of the CLI.
        exit_code: Option<i32>,
        /// Signal number, when the CLI was killed by a signal.
        signal: Option<i32>,
    },

    /// A line on stdout was not valid JSON. The stream goes on with the next line.
    #[error("invalid JSON from the CLI ({message}) in line starting {preview:?}")]
    JsonDecode {
        /// What the JSON parser said.
        message: String,
        /// The first bytes of the offending line (lossy UTF-8).
        preview: String,
    },

    /// A line on stdout was longer than `max_buffer_size`. The stream goes on with the next line.
    #[error("a line from the CLI was longer than the limit of {limit} bytes (skipped {len} bytes); raise `max_buffer_size` to accept it")]
    LineTooLong {
        /// Bytes dropped (at least `limit + 1`).
        len: usize,
        /// The configured limit.
        limit: usize,
        /// When the line was the CLI's answer to one of our control requests (read from its
        /// start): that request's id. The request fails with this error; the message stream
        /// does not see it.
        request_id: Option<String>,
    },

    /// A message of a known type did not have the expected shape.
    #[error("cannot parse {kind} message: {message}")]
    MessageParse {
        /// The `type` (and subtype) of the message.
        kind: String,
        /// What was wrong.
        message: String,
        /// The whole message as received.
        raw: serde_json::Value,
    },

    /// The CLI answered a control request with an error.
    #[error("control request {subtype} failed: {message}")]
    ControlRequest {
        /// The request subtype (`interrupt`, `set_model`, ...).
        subtype: String,
        /// The error text the CLI sent.
        message: String,
        /// The CLI's machine-readable `error_code` (`invalid_mode`, `unsupported_request`, ...),
        /// when it sent one.
        code: Option<String>,
    },

    /// A control request got no answer in time.
    #[error("control request {subtype} timed out after {timeout:?}")]
    ControlTimeout {
        /// The request subtype.
        subtype: String,
        /// The timeout that elapsed.
        timeout: Duration,
    },

    /// The CLI wrote nothing for [`stall_timeout`](crate::ClaudeAgentOptions::stall_timeout)
    /// during a turn; it was stopped.
    #[error("the Claude Code CLI wrote nothing for {idle:?} during a turn (stall_timeout); it was stopped")]
    Stalled {
        /// The silence that elapsed.
        idle: Duration,
    },

    /// The CLI ended its output in the middle of a turn without failing: no `result` came.
    #[error("the Claude Code CLI ended its output before the turn's result")]
    NoResult,

    /// A client method was called before `connect()` (or after `disconnect()`). The wording is
    /// the official Python client's.
    #[error("Not connected. Call connect() first.")]
    NotConnected,

    /// The session is over (the CLI exited or the client disconnected) before the operation finished.
    #[error("session closed: {0}")]
    SessionClosed(String),

    /// An I/O error talking to the CLI.
    #[error("I/O error: {0}")]
    Io(Arc<std::io::Error>),

    /// JSON (de)serialisation of our own data failed.
    #[error("JSON error: {0}")]
    Json(Arc<serde_json::Error>),
}

/// Why an install of the CLI failed ([`Error::CliInstall`]).
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum InstallProblem {
    /// Claude Code has no native build for this platform.
    #[error("no native Claude Code build for this platform; install it another way and set CLAUDE_WIRE_CLI")]
    UnsupportedPlatform,
    /// The registry does not know the package (HTTP 404).
    #[error("the npm registry has no such package ({url})")]
    PackageNotFound {
        /// The metadata address asked.
        url: String,
    },
    /// The package exists but not at this version.
    #[error("the npm registry has no such version of the package (newest: {})", .latest.as_deref().unwrap_or("none"))]
    VersionNotFound {
        /// The package's `latest` tag, when it has one.
        latest: Option<String>,
    },
    /// A request failed: no connection, TLS, a timeout, an HTTP error status, a cut download.
    #[error("network error for {url}: {message}")]
    Network {
        /// The address asked.
        url: String,
        /// What failed.
        message: String,
    },
    /// The downloaded tarball does not match the registry's `dist.integrity`.
    #[error("integrity check failed for {url}: expected {expected}, got {actual}")]
    Integrity {
        /// The tarball's address.
        url: String,
        /// The registry's `dist.integrity` (SRI).
        expected: String,
        /// The SRI of the bytes received.
        actual: String,
    },
    /// The registry's metadata or the tarball is not as expected (no `dist.tarball`, no sha512
    /// integrity, no `package/claude` in the tarball, an insecure tarball address, ...).
    #[error("unexpected package contents: {0}")]
    BadPackage(String),
    /// The installed binary does not run or reports another version.
    #[error("the downloaded CLI does not work here: {0}")]
    Broken(String),
    /// Writing into the cache failed.
    #[error("cannot write {}: {source}", .path.display())]
    Io {
        /// The file or directory written.
        path: PathBuf,
        /// The operating-system error.
        #[source]
        source: Arc<std::io::Error>,
    },
}

impl From<std::io::Error> for Error {
    fn from(error: std::io::Error) -> Self {
        Error::Io(Arc::new(error))
    }
}

impl From<serde_json::Error> for Error {
    fn from(error: serde_json::Error) -> Self {
        Error::Json(Arc::new(error))
    }
}

/// The stable kind of an [`Error`]: what bindings map to their exception classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// [`Error::CliNotFound`].
    CliNotFound,
    /// [`Error::CliInstall`].
    CliInstall,
    /// [`Error::CwdNotFound`], [`Error::Spawn`], [`Error::Connection`], [`Error::Io`],
    /// [`Error::SessionClosed`], [`Error::NotConnected`], [`Error::NoResult`], [`Error::Stalled`]: the session cannot
    /// be (or stay) connected.
    Connection,
    /// [`Error::InvalidOptions`].
    InvalidOptions,
    /// [`Error::Process`].
    Process,
    /// [`Error::ErrorResult`].
    ErrorResult,
    /// [`Error::JsonDecode`] and [`Error::LineTooLong`].
    JsonDecode,
    /// [`Error::MessageParse`].
    MessageParse,
    /// [`Error::ControlRequest`] and [`Error::ControlTimeout`].
    Control,
    /// [`Error::Json`].
    Internal,
    /// [`Error::Sessions`] with a refused argument (Python `ValueError`).
    InvalidArgument,
    /// [`Error::Sessions`] for a missing session (Python `FileNotFoundError`).
    NotFound,
    /// [`Error::Store`] and [`Error::Resume`].
    Store,
}

impl ErrorKind {
    /// A stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::CliNotFound => "cli_not_found",
            ErrorKind::CliInstall => "cli_install",
            ErrorKind::Connection => "connection",
            ErrorKind::InvalidOptions => "invalid_options",
            ErrorKind::Process => "process",
            ErrorKind::ErrorResult => "error_result",
            ErrorKind::JsonDecode => "json_decode",
            ErrorKind::MessageParse => "message_parse",
            ErrorKind::Control => "control",
            ErrorKind::Internal => "internal",
            ErrorKind::InvalidArgument => "invalid_argument",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Store => "store",
        }
    }
}

fn exit_desc(code: Option<i32>, signal: Option<i32>) -> String {
    match (code, signal) {
        (Some(c), _) => format!("exit code {c}"),
        (None, Some(s)) => format!("signal {s}"),
        (None, None) => "an unknown status".to_string(),
    }
}

/// Longest stderr excerpt an error's text carries; the whole tail stays on the error's field.
const EXCERPT_CHARS: usize = 1000;

fn tail_desc(stderr: &str) -> String {
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
    /// The stable kind of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::CliNotFound { .. } => ErrorKind::CliNotFound,
            Error::CliInstall { .. } => ErrorKind::CliInstall,
            Error::CwdNotFound(_)
            | Error::Spawn { .. }
            | Error::Connection(_)
            | Error::Io(_)
            | Error::SessionClosed(_)
            | Error::NotConnected
            | Error::NoResult
            | Error::Stalled { .. } => ErrorKind::Connection,
            Error::InvalidOptions(_) => ErrorKind::InvalidOptions,
            Error::Process { .. } => ErrorKind::Process,
            Error::ErrorResult { .. } => ErrorKind::ErrorResult,
            Error::JsonDecode { .. } | Error::LineTooLong { .. } => ErrorKind::JsonDecode,
            Error::MessageParse { .. } => ErrorKind::MessageParse,
            Error::ControlRequest { .. } | Error::ControlTimeout { .. } => ErrorKind::Control,
            Error::Json(_) => ErrorKind::Internal,
            Error::Sessions(p) if p.is_not_found() => ErrorKind::NotFound,
            Error::Sessions(_) => ErrorKind::InvalidArgument,
            Error::Store { .. } | Error::Resume(_) => ErrorKind::Store,
            Error::Pool(problem) => problem.kind(),
        }
    }

    /// The exit code as the host runtime reports it: the code, or minus the signal number
    /// (as Python's asyncio does for a killed child).
    pub fn exit_status(&self) -> Option<i32> {
        match self {
            Error::Process {
                exit_code, signal, ..
            }
            | Error::ErrorResult {
                exit_code, signal, ..
            } => exit_code.or(signal.map(|s| -s)),
            _ => None,
        }
    }

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

    /// The TypeScript SDK's details of this error, when it gives any beyond its message: the
    /// JS class it throws and the properties it sets on the error.
    pub fn ts_details(&self) -> Option<TsErrorDetails> {
        ts::details(self)
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

    /// True for errors after which the message stream still goes on (a bad line, a bad message).
    pub fn is_recoverable(&self) -> bool {
        matches!(
            self,
            Error::JsonDecode { .. } | Error::LineTooLong { .. } | Error::MessageParse { .. }
        )
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

fn signal_name(signal: i32) -> String {
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
        let io = Error::from(std::io::Error::other("x"));
        let copy = io.clone();
        assert_eq!(copy.kind(), ErrorKind::Connection);
        assert_eq!(copy.kind().as_str(), "connection");
    }
}
