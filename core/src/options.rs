//! Session options: plain data plus callback handles.
//!
//! SKELETON: the options helper completes the builder, docs and sub-types, keeping the field
//! names below (they mirror the official Python SDK's `ClaudeAgentOptions`).

use crate::hooks::HookMatcher;
use crate::mcp::SdkMcpServer;
use crate::permission::CanUseTool;
use crate::{BoxFuture, CallbackError};
use serde_json::Value;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Receives each line the CLI writes to stderr.
pub type StderrCallback = Arc<dyn Fn(&str) + Send + Sync>;

/// Answers a CLI request that needs the user (`elicitation`, `request_user_dialog`): receives the
/// request body, returns the response body.
pub type RequestHandler = Arc<dyn Fn(Value) -> BoxFuture<'static, Result<Value, CallbackError>> + Send + Sync>;

/// Configuration of an MCP server.
#[derive(Clone)]
pub enum McpServerConfig {
    /// Any external server config (stdio / sse / http), passed through as JSON.
    External(Value),
    /// An in-process server.
    Sdk(SdkMcpServer),
}

/// Options for [`crate::query`] and [`crate::ClaudeClient`].
#[derive(Clone, Default)]
pub struct ClaudeAgentOptions {
    /// MCP servers by name.
    pub mcp_servers: Vec<(String, McpServerConfig)>,
    /// Permission callback.
    pub can_use_tool: Option<CanUseTool>,
    /// Hooks per event name.
    pub hooks: Vec<(String, Vec<HookMatcher>)>,
    /// Working directory.
    pub cwd: Option<PathBuf>,
    /// Explicit CLI path.
    pub cli_path: Option<PathBuf>,
    /// Environment additions.
    pub env: Vec<(String, String)>,
    /// stderr line callback.
    pub stderr: Option<StderrCallback>,
    /// Maximum line size in bytes.
    pub max_buffer_size: Option<usize>,
    /// Timeout of control requests.
    pub control_timeout: Option<Duration>,
    /// Elicitation handler.
    pub on_elicitation: Option<RequestHandler>,
    /// User dialog handler.
    pub on_user_dialog: Option<RequestHandler>,
}
