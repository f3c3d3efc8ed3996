//! The one error type of the crate.

use serde_json::Value;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

pub use crate::session::StartupReport;

mod kind;
mod ts;
mod wording;

pub use kind::ErrorKind;
pub use ts::{ts_aborted, TsErrorDetails};
pub(crate) use wording::error_result_text;
use wording::{exit_desc, tail_desc};

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

    /// A session started ahead of its prompt did not finish starting within its limit (the
    /// TypeScript SDK's `startup()`): what the CLI reported until then.
    #[error("{}", .0.describe())]
    InitializeTimeout(Box<StartupReport>),

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

    /// An in-process MCP server's message to the CLI was refused or failed, in the MCP SDK's
    /// words (`Server does not support logging (...)`, `Not connected`, `MCP error <code>:
    /// <message>`).
    #[error("{message}")]
    Mcp {
        /// The JSON-RPC error code, for an error the MCP SDK throws as `McpError`.
        code: Option<i64>,
        /// The text.
        message: String,
    },

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

impl Error {
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

    /// The TypeScript SDK's details of this error, when it gives any beyond its message: the
    /// JS class it throws and the properties it sets on the error.
    pub fn ts_details(&self) -> Option<TsErrorDetails> {
        ts::details(self)
    }

    /// True for errors after which the message stream still goes on (a bad line, a bad message).
    pub fn is_recoverable(&self) -> bool {
        matches!(
            self,
            Error::JsonDecode { .. } | Error::LineTooLong { .. } | Error::MessageParse { .. }
        )
    }
}
