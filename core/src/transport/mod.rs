//! Transports carry JSON frames between a session and the Claude Code CLI.
//!
//! [`SubprocessTransport`] runs the real CLI; tests and users can plug in their own
//! implementation of [`Transport`].

mod channel;
mod chunks;
mod framing;
mod host_pipe;
mod huge_line;
mod subprocess;

pub use channel::{channel_transport, ChannelTransport, CliPeer};
pub use framing::{parse_line, FrameDecoder, Line, DEFAULT_MAX_LINE_SIZE};
pub use host_pipe::{on_host_thread, outside_host, HostLoop, StdoutWatch, HOST_CHECK};
pub(crate) use huge_line::HUGE_LINE;
pub use huge_line::{
    hand_over_in_steps, parse_owned_line, split_owned_line, JsonMessage, SplitLine,
};
pub(crate) use subprocess::cli_gone;
pub use subprocess::{SubprocessConfig, SubprocessTransport};

use crate::Result;
use async_trait::async_trait;
use futures::stream::BoxStream;
use std::ffi::OsString;
use std::path::PathBuf;

/// The stream of frames read from the CLI.
///
/// Each item is one parsed JSON line. Recoverable problems (invalid JSON, an over-long line) are
/// `Err` items after which the stream goes on. When the CLI exits with a failure, the last item
/// is an [`Error::Process`](crate::Error::Process).
pub type FrameStream = BoxStream<'static, Result<serde_json::Value>>;

/// The CLI's output as batches of raw lines (see [`Transport::read_lines`]).
///
/// Each batch holds the lines of one read, in order. A line is a complete JSON candidate (it
/// starts with `{`; no line end); parse it with [`parse_line`]. Errors are as in a
/// [`FrameStream`].
pub type LineStream = BoxStream<'static, Vec<Result<bytes::Bytes>>>;

/// A bidirectional channel to the CLI.
///
/// All methods take `&self` so that one transport can be shared by a reader, a writer and the
/// code that closes it.
#[async_trait]
pub trait Transport: Send + Sync {
    /// Starts the peer (spawns the process). Called once before anything else.
    async fn connect(&self) -> Result<()>;

    /// Writes one complete frame (a JSON object followed by `\n`).
    ///
    /// Fails with [`Error::Connection`](crate::Error::Connection) once the peer is gone, never hangs.
    async fn write(&self, frame: &[u8]) -> Result<()>;

    /// Takes the frame stream. Returns `None` when it was already taken.
    fn read_frames(&self) -> Option<FrameStream>;

    /// Takes the output as batches of unparsed lines, when the transport can give them; `None`
    /// otherwise (the default) or when the output was taken already. A session prefers this to
    /// [`read_frames`](Self::read_frames): it parses each message line on the thread that
    /// consumes the message, and hands over one batch per read instead of one item per line.
    fn read_lines(&self) -> Option<LineStream> {
        None
    }

    /// Closes the peer's input (stdin EOF) and keeps reading.
    async fn end_input(&self) -> Result<()>;

    /// Shuts the peer down and releases it: end input, wait a grace period, then terminate and
    /// kill, always reaping the process. Idempotent.
    async fn close(&self) -> Result<()>;

    /// Stops the peer at once, without the grace periods of [`close`](Self::close): for a peer
    /// that has stopped responding. Defaults to `close`.
    async fn kill(&self) -> Result<()> {
        self.close().await
    }

    /// True while frames can be written.
    fn is_ready(&self) -> bool;
}

/// A fully resolved command line for the CLI: what [`crate::cli`] builds and what
/// [`SubprocessTransport`] runs. Its `Debug` output hides the values of secret-looking
/// variables (API keys, tokens, passwords).
#[derive(Clone, PartialEq, Eq)]
pub struct CliCommand {
    /// The CLI executable.
    pub program: PathBuf,
    /// Arguments after the program.
    pub args: Vec<OsString>,
    /// The complete environment of the child (the parent's is not inherited on top of it).
    pub env: Vec<(OsString, OsString)>,
    /// Working directory of the child.
    pub cwd: Option<PathBuf>,
    /// Run the child as this OS user (name or numeric uid), when set.
    pub user: Option<String>,
}

impl std::fmt::Debug for CliCommand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let env: Vec<_> = self
            .env
            .iter()
            .map(|(k, v)| {
                let key = k.to_string_lossy();
                let value = if crate::redact::is_secret_name(&key) {
                    crate::redact::REDACTED.into()
                } else {
                    v.to_string_lossy()
                };
                format!("{key}={value}")
            })
            .collect();
        let args: Vec<_> = self
            .args
            .iter()
            .map(|a| crate::redact::arg(&a.to_string_lossy()).into_owned())
            .collect();
        f.debug_struct("CliCommand")
            .field("program", &self.program)
            .field("args", &args)
            .field("env", &env)
            .field("cwd", &self.cwd)
            .field("user", &self.user)
            .finish()
    }
}
