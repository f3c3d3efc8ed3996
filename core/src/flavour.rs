//! Which official SDK a session mirrors.
//!
//! The Python and TypeScript SDKs drive the same CLI in slightly different ways: which options
//! travel on the command line and which in the `initialize` request, the environment they set,
//! which messages they deliver. A binding picks the flavour of the SDK it stands in for, so its
//! users see exactly what that SDK does; Rust users get [`Flavour::Rust`] (the Python SDK's
//! delivery under our own name and version).

use serde::{Deserialize, Serialize};

/// The official SDK whose behaviour a session reproduces.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Flavour {
    /// claude-wire's own: the Python SDK's delivery, entrypoint `sdk-rust`, this crate's version.
    #[default]
    Rust,
    /// `claude-agent-sdk` (Python), the version in [`PYTHON_SDK_VERSION`].
    Python,
    /// `@anthropic-ai/claude-agent-sdk` (TypeScript), the version in [`TS_SDK_VERSION`].
    Ts,
}

/// The official Python SDK release the `python` flavour mirrors (`core/pinned.env`).
pub const PYTHON_SDK_VERSION: &str = crate::pinned::PYTHON_SDK_VERSION;
/// The official TypeScript SDK release the `ts` flavour mirrors (`core/pinned.env`).
pub const TS_SDK_VERSION: &str = crate::pinned::NODE_SDK_VERSION;

impl Flavour {
    /// `CLAUDE_CODE_ENTRYPOINT`, unless the user's environment sets it.
    pub fn entrypoint(self) -> &'static str {
        match self {
            Flavour::Rust => "sdk-rust",
            Flavour::Python => "sdk-py",
            Flavour::Ts => "sdk-ts",
        }
    }

    /// `CLAUDE_AGENT_SDK_VERSION`: the version of the SDK mirrored (the CLI adapts to it).
    pub fn sdk_version(self) -> &'static str {
        match self {
            Flavour::Rust => crate::VERSION,
            Flavour::Python => PYTHON_SDK_VERSION,
            Flavour::Ts => TS_SDK_VERSION,
        }
    }

    /// True when messages of a type the SDK does not know are delivered (the TypeScript SDK
    /// passes every frame through); the Python SDK skips them.
    pub fn delivers_unknown_messages(self) -> bool {
        !matches!(self, Flavour::Python)
    }

    /// True when messages are delivered as the CLI wrote them, unparsed ([`Message::Unknown`]
    /// with the frame's own key order), as the TypeScript SDK hands over `JSON.parse` results.
    ///
    /// [`Message::Unknown`]: crate::Message::Unknown
    pub fn delivers_frames_unparsed(self) -> bool {
        matches!(self, Flavour::Ts)
    }

    /// True when, without a `stderr` callback, the CLI's stderr goes on to this process's
    /// stderr, as the Python SDK lets the CLI write to the terminal (the TypeScript SDK reads
    /// and drops it). Its last lines are kept for error messages either way.
    pub fn passes_stderr_through(self) -> bool {
        matches!(self, Flavour::Python)
    }

    /// How long a closing session waits for the CLI to exit after its stdin closed, before
    /// SIGTERM (then SIGKILL after the same 5 s everywhere): the TypeScript SDK waits 2 s.
    pub fn close_grace(self) -> std::time::Duration {
        std::time::Duration::from_secs(match self {
            Flavour::Ts => 2,
            Flavour::Rust | Flavour::Python => 5,
        })
    }
}
