//! The versions this release is built and tested against, from `core/pinned.env` (the single
//! source: `scripts/fetch-cli.sh` and `scripts/test-python.sh` read the same file).

/// The Claude Code CLI version this release is tested against (found in the claude-wire cache
/// under this version, fetched by `scripts/fetch-cli.sh`).
pub const CLI_VERSION: &str = env!("CLAUDE_WIRE_PINNED_CLAUDE_CODE_CLI");

/// The version of the official Python SDK (`claude-agent-sdk` on PyPI) whose API the Python
/// package `claude_wire` mirrors.
pub const PYTHON_SDK_VERSION: &str = env!("CLAUDE_WIRE_PINNED_CLAUDE_AGENT_SDK_PYTHON");

/// The version of the official TypeScript SDK (`@anthropic-ai/claude-agent-sdk` on npm) whose
/// API the Node binding mirrors.
pub const NODE_SDK_VERSION: &str = env!("CLAUDE_WIRE_PINNED_CLAUDE_AGENT_SDK_NODE");
