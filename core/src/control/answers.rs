//! Typed answers of the control requests whose answer has a known shape, and the typed view of
//! the `initialize` answer (server info).
//!
//! Every struct keeps the fields this version does not know in `extra`, so nothing the CLI
//! sends is lost; fields the CLI may leave out are `Option` or default to empty.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The answer to `interrupt`: what was still queued (CLIs with the `interrupt_receipt_v1`
/// capability; empty from older ones).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InterruptAnswer {
    /// Uuids of user messages still queued after the interrupt.
    #[serde(default)]
    pub still_queued: Vec<String>,
    /// Uuids of queued messages the interrupt cancelled (with `cancel_queued`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancelled: Option<Vec<String>>,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The answer to `mcp_status`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct McpStatusAnswer {
    /// One entry per configured server (`mcpServers`).
    #[serde(rename = "mcpServers", default)]
    pub mcp_servers: Vec<McpServerStatus>,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The live status of one MCP server.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct McpServerStatus {
    /// The server name.
    pub name: String,
    /// `connected`, `failed`, `needs-auth`, `pending` or `disabled`.
    pub status: String,
    /// The server's own name and version, once connected (`serverInfo`).
    #[serde(
        rename = "serverInfo",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub server_info: Option<Value>,
    /// Why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Its configuration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<Value>,
    /// Where it is configured (`project`, `user`, `local`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// The tools it offers, once connected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tools: Option<Vec<Value>>,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The answer to `get_context_usage`: the data of the `/context` command.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContextUsage {
    /// Token use per category (`{id?, name, tokens, color, kind, isDeferred?}`).
    #[serde(default)]
    pub categories: Vec<Value>,
    /// Tokens in the context.
    #[serde(default)]
    pub total_tokens: u64,
    /// The effective context limit.
    #[serde(default)]
    pub max_tokens: u64,
    /// The model's raw context limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_max_tokens: Option<u64>,
    /// Percent of the context used (0-100).
    #[serde(default)]
    pub percentage: f64,
    /// The model the numbers are for.
    #[serde(default)]
    pub model: String,
    /// Tokens per memory file (`CLAUDE.md`, ...).
    #[serde(default)]
    pub memory_files: Vec<Value>,
    /// Tokens per MCP tool.
    #[serde(default)]
    pub mcp_tools: Vec<Value>,
    /// Fields this version does not know (`gridRows`, `agents`, `messageBreakdown`, ...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The answer to `mcp_set_servers`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct McpSetServersAnswer {
    /// Servers added.
    #[serde(default)]
    pub added: Vec<String>,
    /// Servers removed.
    #[serde(default)]
    pub removed: Vec<String>,
    /// Server name → why it could not be added.
    #[serde(default)]
    pub errors: Map<String, Value>,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The answer to `rewind_files`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RewindFilesAnswer {
    /// Whether the files can be (or were) rewound.
    #[serde(default)]
    pub can_rewind: bool,
    /// Why not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Files that change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub files_changed: Option<Vec<String>>,
    /// Lines added back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insertions: Option<u64>,
    /// Lines removed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletions: Option<u64>,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The answer to `read_file`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReadFileAnswer {
    /// The contents (base64 when `encoding` is `base64`).
    #[serde(default)]
    pub contents: String,
    /// The absolute path read (`absPath`).
    #[serde(rename = "absPath", default)]
    pub abs_path: String,
    /// The file was longer than `max_bytes`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub truncated: Option<bool>,
    /// `base64` when the contents are base64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// Invalid UTF-8 was replaced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lossy: Option<bool>,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The answer to `initialize` (server info): what the TypeScript SDK's `supportedCommands`,
/// `supportedModels`, `supportedAgents` and `accountInfo` read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ServerInfo {
    /// Slash commands.
    #[serde(default)]
    pub commands: Vec<SlashCommand>,
    /// Subagents.
    #[serde(default)]
    pub agents: Vec<AgentInfo>,
    /// Models to choose from.
    #[serde(default)]
    pub models: Vec<ModelInfo>,
    /// The account in use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<AccountInfo>,
    /// The current output style.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_style: Option<String>,
    /// The output styles to choose from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available_output_styles: Option<Vec<String>>,
    /// The CLI's process id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pid: Option<u64>,
    /// Fields this version does not know (`claude_code_version`, `capabilities`, ...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One slash command.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SlashCommand {
    /// Its name, without the slash.
    pub name: String,
    /// What it does.
    #[serde(default)]
    pub description: String,
    /// The hint shown for its arguments (`argumentHint`).
    #[serde(rename = "argumentHint", default)]
    pub argument_hint: String,
    /// Fields this version does not know (`aliases`, `builtin`, ...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One subagent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AgentInfo {
    /// Its name.
    pub name: String,
    /// When to use it.
    #[serde(default)]
    pub description: String,
    /// Its model, when it has its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One model to choose from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    /// The value to pass as the model.
    pub value: String,
    /// Its display name (`displayName`).
    #[serde(rename = "displayName", default)]
    pub display_name: String,
    /// What it is good at.
    #[serde(default)]
    pub description: String,
    /// Fields this version does not know (`supportsEffort`, `supportedEffortLevels`, ...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The account in use.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountInfo {
    /// The account's email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    /// The subscription.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription_type: Option<String>,
    /// Where the token comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_source: Option<String>,
    /// Where the API key comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key_source: Option<String>,
    /// Fields this version does not know (`apiProvider`, ...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
