//! The one error type of the crate.

use std::path::PathBuf;
use std::time::Duration;

/// Result alias used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Every failure claude-wire reports, one variant per kind.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The Claude Code CLI binary could not be found.
    #[error("Claude Code CLI not found (looked in: {}). Install the pinned version with `npm install -g @anthropic-ai/claude-code@{}`, or set CLAUDE_WIRE_CLI / `cli_path`", .searched.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "), crate::PINNED_CLI_VERSION)]
    CliNotFound {
        /// Every place that was checked, in order.
        searched: Vec<PathBuf>,
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
        source: std::io::Error,
    },

    /// The connection to the CLI is not usable (not connected, already closed, stdin gone).
    #[error("CLI connection error: {0}")]
    Connection(String),

    /// The CLI exited with a failure.
    #[error("Claude Code CLI exited with {}{}", exit_desc(*.exit_code, *.signal), tail_desc(.stderr))]
    Process {
        /// Exit code, when the process exited normally.
        exit_code: Option<i32>,
        /// Signal number, when the process was killed by a signal.
        signal: Option<i32>,
        /// The last lines the CLI wrote to stderr, or the text of the final error result.
        stderr: String,
        /// The `result` message with `is_error: true` that the CLI reported just before it
        /// exited, when there was one: that result, not stderr, explains the exit.
        result: Option<Box<serde_json::Value>>,
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

    /// The session is over (the CLI exited or the client disconnected) before the operation finished.
    #[error("session closed: {0}")]
    SessionClosed(String),

    /// An I/O error talking to the CLI.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),

    /// JSON (de)serialisation of our own data failed.
    #[error("JSON error: {0}")]
    Json(#[from] serde_json::Error),
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
pub(crate) fn excerpt(text: &str) -> String {
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
    /// True for errors after which the message stream still goes on (a bad line, a bad message).
    pub fn is_recoverable(&self) -> bool {
        matches!(
            self,
            Error::JsonDecode { .. } | Error::LineTooLong { .. } | Error::MessageParse { .. }
        )
    }
}
