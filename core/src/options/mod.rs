//! Session options: plain data plus callback handles.
//!
//! [`ClaudeAgentOptions`] mirrors the official Python SDK's options object. Every field is public
//! and the type is `Clone`; the builder methods (`ClaudeAgentOptions::new().model("m")...`) are a
//! convenience over setting fields directly. How each option reaches the CLI (argv, environment
//! or the `initialize` request) is documented on the field and implemented in [`crate::cli`] and
//! [`ClaudeAgentOptions::initialize_request`].

mod builder;
mod data;
mod input;
mod kinds;
mod warnings;

pub(crate) use data::mcp_server as decode_mcp_server;
pub use data::Callbacks;
pub use kinds::*;
pub use warnings::{Warning, WarningKind};

use crate::flavour::Flavour;
use crate::hooks::HookMatcher;
use crate::permission::CanUseTool;
use crate::{BoxFuture, CallbackError};
use serde_json::{Map, Value};
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Receives each line the CLI writes to stderr.
pub type StderrCallback = Arc<dyn Fn(&str) + Send + Sync>;

/// Answers a CLI request that needs the user (`elicitation`, `request_user_dialog`): receives the
/// request body, returns the response body.
pub type RequestHandler =
    Arc<dyn Fn(Value) -> BoxFuture<'static, Result<Value, CallbackError>> + Send + Sync>;

/// Options for [`crate::query()`] and [`crate::ClaudeClient`].
#[derive(Clone, Default)]
pub struct ClaudeAgentOptions {
    /// System prompt (`--system-prompt`, `--system-prompt-file`, `--append-system-prompt`).
    pub system_prompt: SystemPrompt,
    /// Base set of built-in tools (`--tools`); `None` leaves the CLI default.
    pub tools: Option<Tools>,
    /// Tools allowed without asking (`--allowedTools`).
    pub allowed_tools: Vec<String>,
    /// Tools removed from the model's context (`--disallowedTools`).
    pub disallowed_tools: Vec<String>,
    /// Skills to enable: adds `Skill` rules to the allowed tools, defaults `setting_sources` to
    /// user + project, and a list is sent in `initialize`.
    pub skills: Option<Skills>,
    /// Turn limit (`--max-turns`; 0 means no limit).
    pub max_turns: Option<u32>,
    /// Spending limit in USD (`--max-budget-usd`).
    pub max_budget_usd: Option<f64>,
    /// API-side task budget in tokens (`--task-budget`).
    pub task_budget: Option<u64>,
    /// Model (`--model`).
    pub model: Option<String>,
    /// Model used when the main one is unavailable (`--fallback-model`).
    pub fallback_model: Option<String>,
    /// Beta features (`--betas`).
    pub betas: Vec<String>,
    /// Permission mode (`--permission-mode`).
    pub permission_mode: Option<PermissionMode>,
    /// MCP tool answering permission prompts (`--permission-prompt-tool`); cannot be combined with
    /// `can_use_tool`.
    pub permission_prompt_tool_name: Option<String>,
    /// Continue the most recent conversation in `cwd` (`--continue`).
    pub continue_conversation: bool,
    /// Session id (or title) to resume (`--resume=`).
    pub resume: Option<String>,
    /// Use this session id (a UUID) instead of a generated one (`--session-id=`).
    pub session_id: Option<String>,
    /// Fork a resumed session to a new id (`--fork-session`).
    pub fork_session: bool,
    /// When resuming, load the transcript only up to this message uuid (`--resume-session-at=`).
    pub resume_session_at: Option<String>,
    /// With `resume_session_at`: the prompt uuid whose turn the truncation drops; the CLI refuses
    /// the resume when more than that turn would be lost (`--resume-drops-turn=`).
    pub resume_drops_turn: Option<String>,
    /// Extra settings: a JSON object text or a path to a settings file (`--settings`).
    pub settings: Option<String>,
    /// Sandbox settings, merged into `settings` under the key `sandbox`.
    pub sandbox: Option<Value>,
    /// More directories the agent may access (`--add-dir`, repeated).
    pub add_dirs: Vec<PathBuf>,
    /// MCP servers by name, in order (`--mcp-config {"mcpServers": ...}`).
    pub mcp_servers: Vec<(String, McpServerConfig)>,
    /// An MCP config given as a file path or JSON text, passed verbatim to `--mcp-config`. Cannot
    /// be combined with `mcp_servers`.
    pub mcp_config: Option<String>,
    /// Emit `stream_event` messages while the model streams (`--include-partial-messages`).
    pub include_partial_messages: bool,
    /// Emit hook lifecycle events as messages (`--include-hook-events`).
    pub include_hook_events: bool,
    /// Use only the MCP servers given here, ignoring every other MCP configuration (`--strict-mcp-config`).
    pub strict_mcp_config: bool,
    /// Filesystem settings layers to load (`--setting-sources=`); `None` loads the CLI default,
    /// an empty list loads none.
    pub setting_sources: Option<Vec<SettingSource>>,
    /// Plugins to load (`--plugin-dir`, repeated).
    pub plugins: Vec<Plugin>,
    /// Extended thinking (`--thinking`, `--max-thinking-tokens`, `--thinking-display`).
    pub thinking: Option<Thinking>,
    /// Thinking budget (`--max-thinking-tokens`); superseded by `thinking` when both are set.
    pub max_thinking_tokens: Option<u32>,
    /// Effort level (`--effort`).
    pub effort: Option<Effort>,
    /// Structured output: `{"type": "json_schema", "schema": {...}}` (`--json-schema`).
    pub output_format: Option<Value>,
    /// Further CLI flags in order: `(name without --, value)`; `None` makes a bare flag.
    pub extra_args: Vec<(String, Option<String>)>,
    /// Custom sub-agents, in order (sent in `initialize`).
    pub agents: Vec<(String, AgentDefinition)>,
    /// Forward sub-agents' text and thinking blocks into the message stream (sent in `initialize`).
    pub forward_subagent_text: bool,
    /// Track file changes so they can be rewound (`CLAUDE_CODE_ENABLE_SDK_FILE_CHECKPOINTING`).
    pub enable_file_checkpointing: bool,
    /// Your app's identifier for API requests (`CLAUDE_AGENT_SDK_CLIENT_APP`).
    pub client_app: Option<String>,
    /// `CLAUDE_CODE_ENTRYPOINT` value; defaults to the flavour's. An entry in `env` wins.
    pub entrypoint: Option<String>,
    /// `CLAUDE_AGENT_SDK_VERSION` value; defaults to the flavour's.
    pub sdk_version: Option<String>,
    /// The official SDK whose delivery (argv, `initialize`, environment) and message policy
    /// this session reproduces.
    pub flavour: Flavour,
    /// Run the main thread as this agent (`--agent`).
    pub agent: Option<String>,
    /// Debug logging of the CLI (`--debug`).
    pub debug: bool,
    /// Write the CLI's debug log to this file (`--debug-file`); implies `debug`.
    pub debug_file: Option<PathBuf>,
    /// `Some(false)`: keep the session off disk (`--no-session-persistence`).
    pub persist_session: Option<bool>,
    /// Needed with `bypassPermissions` in the TypeScript SDK
    /// (`--allow-dangerously-skip-permissions`).
    pub allow_dangerously_skip_permissions: bool,
    /// Who shows permission prompts: `host` or `none` (`--permission-prompts`).
    pub permission_prompts: Option<String>,
    /// Where project configuration is read from (`--project-config-root`).
    pub project_config_root: Option<PathBuf>,
    /// Alternative tool names, `{tool: alias}` (sent in `initialize`).
    pub tool_aliases: Option<Map<String, Value>>,
    /// Per-tool settings (the TypeScript SDK's `toolConfig`; `askUserQuestion` options become
    /// environment variables).
    pub tool_config: Option<Value>,
    /// Instructions added in plan mode (sent in `initialize`).
    pub plan_mode_instructions: Option<String>,
    /// The session's title (sent in `initialize`).
    pub title: Option<String>,
    /// Ask the CLI for prompt suggestions after each turn (sent in `initialize`).
    pub prompt_suggestions: Option<bool>,
    /// Progress summaries of running agents (sent in `initialize`).
    pub agent_progress_summaries: Option<bool>,
    /// Dialog kinds `on_user_dialog` can answer (sent in `initialize`).
    pub supported_dialog_kinds: Option<Vec<String>>,
    /// Offer a stop control per background task (sent in `initialize`).
    pub per_task_stop_affordance: Option<bool>,
    /// Send prompts verbatim: no `@path` expansion or slash commands (user messages are marked
    /// `client_composed`).
    pub verbatim_prompts: bool,
    /// Managed (policy) settings (`--managed-settings`, or in `initialize`).
    pub managed_settings: Option<Value>,
    /// Where `mcp_servers` travel; `None` is the flavour's default (argv).
    pub mcp_servers_delivery: Option<Delivery>,
    /// Where `plugins` travel; `None` is the flavour's default (argv).
    pub plugin_delivery: Option<Delivery>,
    /// Runtime for a JavaScript CLI (`node`, `bun`, `deno`); unused for the native CLI.
    pub executable: Option<String>,
    /// Arguments for [`executable`](Self::executable), before the CLI path.
    pub executable_args: Vec<String>,
    /// `env` is the child's whole environment instead of additions to this process's (the
    /// TypeScript SDK's `env` semantics).
    pub replace_env: bool,
    /// Permission callback; makes the CLI send permission prompts over the control channel.
    pub can_use_tool: Option<CanUseTool>,
    /// Hooks per event name, in order (sent in `initialize`).
    pub hooks: Vec<(String, Vec<HookMatcher>)>,
    /// Working directory of the CLI; must exist. Also sets `PWD`.
    pub cwd: Option<PathBuf>,
    /// Explicit CLI path; see [`crate::cli::find_cli`] for the search otherwise.
    pub cli_path: Option<PathBuf>,
    /// Python import directories searched for the CLI the official Python SDK's wheel ships
    /// (`claude_agent_sdk/_bundled/claude`); set by the Python binding from `site`
    /// ([`CliLookup::site_dirs`](crate::cli::CliLookup::site_dirs)).
    pub cli_site_dirs: Vec<PathBuf>,
    /// Directories of npm packages holding the CLI as `claude`, as a binding's runtime resolved
    /// them ([`CliLookup::package_dirs`](crate::cli::CliLookup::package_dirs)).
    pub cli_package_dirs: Vec<PathBuf>,
    /// Environment variables for the CLI, applied over the inherited environment.
    pub env: Vec<(String, String)>,
    /// Run the CLI as this OS user (name or uid).
    pub user: Option<String>,
    /// Receives every stderr line of the CLI.
    pub stderr: Option<StderrCallback>,
    /// Maximum size of one stdout line in bytes.
    pub max_buffer_size: Option<usize>,
    /// Timeout of control requests.
    pub control_timeout: Option<Duration>,
    /// Fail the session with [`Error::Stalled`](crate::Error::Stalled) when the CLI writes nothing for this long while a
    /// turn is under way and no callback of ours is still working. Off by default (a long tool
    /// run is silent too).
    pub stall_timeout: Option<Duration>,
    /// Answer a CLI request (permission, hook, MCP tool, dialog) with an error when its callback
    /// has not returned after this long. Off by default, as in the official SDKs; the CLI's own
    /// cancel and the end of the session stop a callback in any case.
    pub callback_timeout: Option<Duration>,
    /// Start the session ahead of its prompt, as the TypeScript SDK's `startup()` does: the CLI
    /// reports how far its start-up got, and the wait for its answer to `initialize` follows
    /// [`Startup`] instead of the control timeout.
    pub startup: Option<Startup>,
    /// Answers `elicitation` requests; without it they are declined.
    pub on_elicitation: Option<RequestHandler>,
    /// Answers `request_user_dialog` requests; without it they are cancelled.
    pub on_user_dialog: Option<RequestHandler>,
    /// Mirror the transcript into this store (`--session-mirror`), and resume from it.
    pub session_store: Option<Arc<dyn crate::sessions::SessionStore>>,
    /// When mirrored entries reach [`session_store`](Self::session_store).
    pub session_store_flush: crate::sessions::FlushMode,
    /// Bound on loading a session from the store before a resume (default 60 s).
    pub load_timeout: Option<Duration>,
    /// The binding's event loop, to watch the CLI's stdout itself (see
    /// [`HostLoop`](crate::transport::HostLoop)); set by a binding, `None` for Rust callers.
    pub host_loop: Option<Arc<dyn crate::transport::HostLoop>>,
}

/// How long a session started ahead of its prompt may take to start
/// ([`ClaudeAgentOptions::startup`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Startup {
    /// The limit, counted throughout. `None`: 60 s, and time in which the CLI reports a
    /// SessionStart or Setup hook running is not counted, for at most 10 minutes in all.
    /// When it is used up, the session fails with
    /// [`Error::InitializeTimeout`](crate::Error::InitializeTimeout).
    ///
    /// The CLI of such a session also writes `keep_alive` frames with a `startup_mark`; the
    /// Rust flavour delivers them as it delivers every frame it does not know.
    pub limit: Option<Duration>,
}

impl fmt::Debug for ClaudeAgentOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClaudeAgentOptions")
            .field("system_prompt", &self.system_prompt)
            .field("tools", &self.tools)
            .field("allowed_tools", &self.allowed_tools)
            .field("model", &self.model)
            .field("permission_mode", &self.permission_mode)
            .field("mcp_servers", &self.mcp_servers)
            .field("cwd", &self.cwd)
            .field("cli_path", &self.cli_path)
            .field("can_use_tool", &self.can_use_tool.is_some())
            .field("session_store", &self.session_store.is_some())
            .field(
                "hooks",
                &self
                    .hooks
                    .iter()
                    .map(|(e, m)| (e, m.len()))
                    .collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}
