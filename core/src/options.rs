//! Session options: plain data plus callback handles.
//!
//! [`ClaudeAgentOptions`] mirrors the official Python SDK's options object. Every field is public
//! and the type is `Clone`; the builder methods (`ClaudeAgentOptions::new().model("m")...`) are a
//! convenience over setting fields directly. How each option reaches the CLI (argv, environment
//! or the `initialize` request) is documented on the field and implemented in [`crate::cli`] and
//! [`ClaudeAgentOptions::initialize_fields`].

use crate::hooks::HookMatcher;
use crate::mcp::SdkMcpServer;
use crate::permission::CanUseTool;
use crate::{BoxFuture, CallbackError, Error};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

/// Receives each line the CLI writes to stderr.
pub type StderrCallback = Arc<dyn Fn(&str) + Send + Sync>;

/// Answers a CLI request that needs the user (`elicitation`, `request_user_dialog`): receives the
/// request body, returns the response body.
pub type RequestHandler =
    Arc<dyn Fn(Value) -> BoxFuture<'static, Result<Value, CallbackError>> + Send + Sync>;

/// The `CLAUDE_CODE_ENTRYPOINT` value used when [`ClaudeAgentOptions::entrypoint`] is not set.
pub const DEFAULT_ENTRYPOINT: &str = "sdk-rust";

/// Configuration of an MCP server.
#[derive(Clone)]
pub enum McpServerConfig {
    /// Any external server config (stdio / sse / http), passed through as JSON.
    External(Value),
    /// An in-process server.
    Sdk(SdkMcpServer),
}

impl fmt::Debug for McpServerConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            McpServerConfig::External(v) => f
                .debug_tuple("External")
                .field(&crate::redact::json(v))
                .finish(),
            McpServerConfig::Sdk(s) => f
                .debug_struct("Sdk")
                .field("name", &s.name)
                .finish_non_exhaustive(),
        }
    }
}

/// Implements `as_str`, `Display` and string serialisation for a unit-variant enum.
macro_rules! string_enum {
    ($ty:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $ty {
            /// The wire spelling.
            pub fn as_str(&self) -> &str {
                match self { $($ty::$variant => $text),+ }
            }
        }
        impl FromStr for $ty {
            type Err = Error;
            fn from_str(s: &str) -> Result<Self, Error> {
                match s {
                    $($text => Ok($ty::$variant),)+
                    other => Err(Error::InvalidOptions(format!(
                        concat!("unknown ", stringify!($ty), " {:?} (expected one of: {})"),
                        other,
                        [$($text),+].join(", ")
                    ))),
                }
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

/// How the CLI asks for permission before running tools.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PermissionMode {
    /// Standard behaviour: ask for anything that is not pre-approved.
    Default,
    /// Accept file edits without asking.
    AcceptEdits,
    /// Plan only, run no tools that change anything.
    Plan,
    /// Run every tool without asking.
    BypassPermissions,
    /// Never ask: deny whatever is not pre-approved.
    DontAsk,
    /// A model classifier approves or denies each call.
    Auto,
    /// A mode this version does not know, passed through verbatim.
    Other(String),
}

impl PermissionMode {
    /// The wire spelling (`default`, `acceptEdits`, ...).
    pub fn as_str(&self) -> &str {
        match self {
            PermissionMode::Default => "default",
            PermissionMode::AcceptEdits => "acceptEdits",
            PermissionMode::Plan => "plan",
            PermissionMode::BypassPermissions => "bypassPermissions",
            PermissionMode::DontAsk => "dontAsk",
            PermissionMode::Auto => "auto",
            PermissionMode::Other(s) => s,
        }
    }
}

impl FromStr for PermissionMode {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "default" => PermissionMode::Default,
            "acceptEdits" => PermissionMode::AcceptEdits,
            "plan" => PermissionMode::Plan,
            "bypassPermissions" => PermissionMode::BypassPermissions,
            "dontAsk" => PermissionMode::DontAsk,
            "auto" => PermissionMode::Auto,
            other => PermissionMode::Other(other.to_string()),
        })
    }
}

impl fmt::Display for PermissionMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for PermissionMode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for PermissionMode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        match text.parse() {
            Ok(mode) => Ok(mode),
            Err(never) => match never {},
        }
    }
}

/// The system prompt of the session.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum SystemPrompt {
    /// No system prompt at all (`--system-prompt ""`); the default, as in the official SDKs.
    #[default]
    None,
    /// A custom system prompt replacing Claude Code's own.
    Text(String),
    /// A custom prompt that can also choose whether the session records it (`snapshot`).
    Custom {
        /// The prompt text.
        prompt: String,
        /// Keep the prompt recorded on the first request for the whole session (sent in `initialize`).
        snapshot: Option<bool>,
    },
    /// Read the system prompt from a file (`--system-prompt-file`).
    File(PathBuf),
    /// Claude Code's own system prompt, optionally with text appended.
    Preset {
        /// Text appended to the preset (`--append-system-prompt`).
        append: Option<String>,
        /// Move per-user dynamic sections out of the prompt so it caches across users (sent in `initialize`).
        exclude_dynamic_sections: Option<bool>,
        /// Keep the prompt recorded on the first request for the whole session (sent in `initialize`).
        snapshot: Option<bool>,
    },
}

impl SystemPrompt {
    /// Claude Code's preset prompt, unchanged.
    pub fn preset() -> Self {
        SystemPrompt::Preset {
            append: None,
            exclude_dynamic_sections: None,
            snapshot: None,
        }
    }

    /// Claude Code's preset prompt with `text` appended.
    pub fn preset_append(text: impl Into<String>) -> Self {
        SystemPrompt::Preset {
            append: Some(text.into()),
            exclude_dynamic_sections: None,
            snapshot: None,
        }
    }
}

impl From<&str> for SystemPrompt {
    fn from(s: &str) -> Self {
        SystemPrompt::Text(s.to_string())
    }
}

impl From<String> for SystemPrompt {
    fn from(s: String) -> Self {
        SystemPrompt::Text(s)
    }
}

/// The base set of built-in tools.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tools {
    /// Exactly these tools (an empty list disables every built-in tool).
    List(Vec<String>),
    /// Claude Code's default tool set (the `claude_code` preset).
    Preset,
}

/// Which skills the main session may use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skills {
    /// Every discovered skill.
    All,
    /// Only these skills (by name, or `plugin:skill`); an empty list hides them all.
    List(Vec<String>),
}

/// A filesystem settings layer the CLI may load.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SettingSource {
    /// `~/.claude/settings.json`.
    User,
    /// `.claude/settings.json` of the project.
    Project,
    /// `.claude/settings.local.json` of the project.
    Local,
}

string_enum!(SettingSource { User => "user", Project => "project", Local => "local" });

/// A plugin to load for the session.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Plugin {
    /// A plugin directory on disk (`--plugin-dir`).
    Local(PathBuf),
}

/// How thinking blocks are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ThinkingDisplay {
    /// Summarised thinking text.
    Summarized,
    /// Thinking text left out.
    Omitted,
}

string_enum!(ThinkingDisplay { Summarized => "summarized", Omitted => "omitted" });

/// Extended thinking configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Thinking {
    /// The model decides when and how much to think.
    Adaptive {
        /// How thinking is displayed.
        display: Option<ThinkingDisplay>,
    },
    /// A fixed thinking budget.
    Enabled {
        /// Token budget for thinking.
        budget_tokens: u32,
        /// How thinking is displayed.
        display: Option<ThinkingDisplay>,
    },
    /// No extended thinking.
    Disabled,
}

/// How much effort the model puts into a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Effort {
    /// Minimal thinking, fastest.
    Low,
    /// Moderate thinking.
    Medium,
    /// Deep reasoning.
    High,
    /// Deeper than high, where the model supports it.
    XHigh,
    /// Maximum effort.
    Max,
}

string_enum!(Effort { Low => "low", Medium => "medium", High => "high", XHigh => "xhigh", Max => "max" });

/// Where a sub-agent keeps its memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AgentMemory {
    /// The user's memory.
    User,
    /// The project's memory.
    Project,
    /// The project's local (uncommitted) memory.
    Local,
}

string_enum!(AgentMemory { User => "user", Project => "project", Local => "local" });

/// A sub-agent's effort: a named level or a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum AgentEffort {
    /// A named level.
    Level(Effort),
    /// A numeric effort.
    Value(u32),
}

/// An MCP server available to a sub-agent.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum AgentMcpServer {
    /// A server configured for the session, by name.
    Name(String),
    /// An inline `{name: config}` object.
    Inline(Map<String, Value>),
}

/// A custom sub-agent the model can start through the Agent tool (sent in `initialize`).
///
/// Serialises to the camelCase wire shape, leaving out unset fields.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentDefinition {
    /// When to use this agent.
    pub description: String,
    /// The agent's system prompt.
    pub prompt: String,
    /// Tools the agent may use (all tools when unset).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tools: Option<Vec<String>>,
    /// Tools the agent may not use.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disallowed_tools: Option<Vec<String>>,
    /// Model alias (`sonnet`, `opus`, `haiku`, `inherit`) or full model id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Skills the agent may use.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skills: Option<Vec<String>>,
    /// Where the agent keeps memory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory: Option<AgentMemory>,
    /// MCP servers available to the agent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mcp_servers: Option<Vec<AgentMcpServer>>,
    /// A first prompt the agent starts with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initial_prompt: Option<String>,
    /// Turn limit of the agent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_turns: Option<u32>,
    /// Run the agent in the background.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub background: Option<bool>,
    /// The agent's effort.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effort: Option<AgentEffort>,
    /// The agent's permission mode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permission_mode: Option<PermissionMode>,
}

impl AgentDefinition {
    /// An agent with a description and a prompt; everything else unset.
    pub fn new(description: impl Into<String>, prompt: impl Into<String>) -> Self {
        AgentDefinition {
            description: description.into(),
            prompt: prompt.into(),
            ..Default::default()
        }
    }

    /// The wire JSON object sent in the `initialize` request.
    pub fn to_wire(&self) -> Value {
        // Serialising plain strings, numbers and maps cannot fail.
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

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
    /// `CLAUDE_CODE_ENTRYPOINT` value; defaults to [`DEFAULT_ENTRYPOINT`]. An entry in `env` wins.
    pub entrypoint: Option<String>,
    /// `CLAUDE_AGENT_SDK_VERSION` value; defaults to [`crate::VERSION`].
    pub sdk_version: Option<String>,
    /// Permission callback; makes the CLI send permission prompts over the control channel.
    pub can_use_tool: Option<CanUseTool>,
    /// Hooks per event name, in order (sent in `initialize`).
    pub hooks: Vec<(String, Vec<HookMatcher>)>,
    /// Working directory of the CLI; must exist. Also sets `PWD`.
    pub cwd: Option<PathBuf>,
    /// Explicit CLI path; see [`crate::cli::find_cli`] for the search otherwise.
    pub cli_path: Option<PathBuf>,
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
    /// Fail the session with [`Error::Stalled`] when the CLI writes nothing for this long while a
    /// turn is under way and no callback of ours is still working. Off by default (a long tool
    /// run is silent too).
    pub stall_timeout: Option<Duration>,
    /// Answer a CLI request (permission, hook, MCP tool, dialog) with an error when its callback
    /// has not returned after this long. Off by default, as in the official SDKs; the CLI's own
    /// cancel and the end of the session stop a callback in any case.
    pub callback_timeout: Option<Duration>,
    /// Answers `elicitation` requests; without it they are declined.
    pub on_elicitation: Option<RequestHandler>,
    /// Answers `request_user_dialog` requests; without it they are cancelled.
    pub on_user_dialog: Option<RequestHandler>,
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

/// Builder setters: each consumes the options and returns them changed.
impl ClaudeAgentOptions {
    /// Options with every field unset.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets [`system_prompt`](Self::system_prompt).
    pub fn system_prompt(mut self, prompt: impl Into<SystemPrompt>) -> Self {
        self.system_prompt = prompt.into();
        self
    }

    /// Sets [`tools`](Self::tools) to exactly these tools.
    pub fn tools<S: Into<String>>(mut self, tools: impl IntoIterator<Item = S>) -> Self {
        self.tools = Some(Tools::List(tools.into_iter().map(Into::into).collect()));
        self
    }

    /// Sets [`tools`](Self::tools) to Claude Code's default set.
    pub fn tools_preset(mut self) -> Self {
        self.tools = Some(Tools::Preset);
        self
    }

    /// Sets [`allowed_tools`](Self::allowed_tools).
    pub fn allowed_tools<S: Into<String>>(mut self, tools: impl IntoIterator<Item = S>) -> Self {
        self.allowed_tools = tools.into_iter().map(Into::into).collect();
        self
    }

    /// Sets [`disallowed_tools`](Self::disallowed_tools).
    pub fn disallowed_tools<S: Into<String>>(mut self, tools: impl IntoIterator<Item = S>) -> Self {
        self.disallowed_tools = tools.into_iter().map(Into::into).collect();
        self
    }

    /// Sets [`skills`](Self::skills).
    pub fn skills(mut self, skills: Skills) -> Self {
        self.skills = Some(skills);
        self
    }

    /// Sets [`max_turns`](Self::max_turns).
    pub fn max_turns(mut self, turns: u32) -> Self {
        self.max_turns = Some(turns);
        self
    }

    /// Sets [`max_budget_usd`](Self::max_budget_usd).
    pub fn max_budget_usd(mut self, usd: f64) -> Self {
        self.max_budget_usd = Some(usd);
        self
    }

    /// Sets [`task_budget`](Self::task_budget).
    pub fn task_budget(mut self, total_tokens: u64) -> Self {
        self.task_budget = Some(total_tokens);
        self
    }

    /// Sets [`model`](Self::model).
    pub fn model(mut self, model: impl Into<String>) -> Self {
        self.model = Some(model.into());
        self
    }

    /// Sets [`fallback_model`](Self::fallback_model).
    pub fn fallback_model(mut self, model: impl Into<String>) -> Self {
        self.fallback_model = Some(model.into());
        self
    }

    /// Sets [`betas`](Self::betas).
    pub fn betas<S: Into<String>>(mut self, betas: impl IntoIterator<Item = S>) -> Self {
        self.betas = betas.into_iter().map(Into::into).collect();
        self
    }

    /// Sets [`permission_mode`](Self::permission_mode).
    pub fn permission_mode(mut self, mode: PermissionMode) -> Self {
        self.permission_mode = Some(mode);
        self
    }

    /// Sets [`permission_prompt_tool_name`](Self::permission_prompt_tool_name).
    pub fn permission_prompt_tool_name(mut self, tool: impl Into<String>) -> Self {
        self.permission_prompt_tool_name = Some(tool.into());
        self
    }

    /// Sets [`continue_conversation`](Self::continue_conversation).
    pub fn continue_conversation(mut self, yes: bool) -> Self {
        self.continue_conversation = yes;
        self
    }

    /// Sets [`resume`](Self::resume).
    pub fn resume(mut self, session: impl Into<String>) -> Self {
        self.resume = Some(session.into());
        self
    }

    /// Sets [`session_id`](Self::session_id).
    pub fn session_id(mut self, id: impl Into<String>) -> Self {
        self.session_id = Some(id.into());
        self
    }

    /// Sets [`fork_session`](Self::fork_session).
    pub fn fork_session(mut self, yes: bool) -> Self {
        self.fork_session = yes;
        self
    }

    /// Sets [`resume_session_at`](Self::resume_session_at).
    pub fn resume_session_at(mut self, message_uuid: impl Into<String>) -> Self {
        self.resume_session_at = Some(message_uuid.into());
        self
    }

    /// Sets [`resume_drops_turn`](Self::resume_drops_turn).
    pub fn resume_drops_turn(mut self, prompt_uuid: impl Into<String>) -> Self {
        self.resume_drops_turn = Some(prompt_uuid.into());
        self
    }

    /// Sets [`settings`](Self::settings) (JSON text or a file path).
    pub fn settings(mut self, settings: impl Into<String>) -> Self {
        self.settings = Some(settings.into());
        self
    }

    /// Sets [`sandbox`](Self::sandbox).
    pub fn sandbox(mut self, sandbox: Value) -> Self {
        self.sandbox = Some(sandbox);
        self
    }

    /// Appends one directory to [`add_dirs`](Self::add_dirs).
    pub fn add_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.add_dirs.push(dir.into());
        self
    }

    /// Appends one MCP server to [`mcp_servers`](Self::mcp_servers).
    pub fn mcp_server(mut self, name: impl Into<String>, config: McpServerConfig) -> Self {
        self.mcp_servers.push((name.into(), config));
        self
    }

    /// Appends an in-process MCP server, named after the server.
    pub fn sdk_mcp_server(self, server: SdkMcpServer) -> Self {
        let name = server.name.clone();
        self.mcp_server(name, McpServerConfig::Sdk(server))
    }

    /// Sets [`mcp_config`](Self::mcp_config).
    pub fn mcp_config(mut self, path_or_json: impl Into<String>) -> Self {
        self.mcp_config = Some(path_or_json.into());
        self
    }

    /// Sets [`include_partial_messages`](Self::include_partial_messages).
    pub fn include_partial_messages(mut self, yes: bool) -> Self {
        self.include_partial_messages = yes;
        self
    }

    /// Sets [`include_hook_events`](Self::include_hook_events).
    pub fn include_hook_events(mut self, yes: bool) -> Self {
        self.include_hook_events = yes;
        self
    }

    /// Sets [`strict_mcp_config`](Self::strict_mcp_config).
    pub fn strict_mcp_config(mut self, yes: bool) -> Self {
        self.strict_mcp_config = yes;
        self
    }

    /// Sets [`setting_sources`](Self::setting_sources).
    pub fn setting_sources(mut self, sources: impl IntoIterator<Item = SettingSource>) -> Self {
        self.setting_sources = Some(sources.into_iter().collect());
        self
    }

    /// Appends one plugin to [`plugins`](Self::plugins).
    pub fn plugin(mut self, plugin: Plugin) -> Self {
        self.plugins.push(plugin);
        self
    }

    /// Sets [`thinking`](Self::thinking).
    pub fn thinking(mut self, thinking: Thinking) -> Self {
        self.thinking = Some(thinking);
        self
    }

    /// Sets [`max_thinking_tokens`](Self::max_thinking_tokens).
    pub fn max_thinking_tokens(mut self, tokens: u32) -> Self {
        self.max_thinking_tokens = Some(tokens);
        self
    }

    /// Sets [`effort`](Self::effort).
    pub fn effort(mut self, effort: Effort) -> Self {
        self.effort = Some(effort);
        self
    }

    /// Sets [`output_format`](Self::output_format) verbatim (`{"type": "json_schema", "schema": ...}`).
    pub fn output_format(mut self, format: Value) -> Self {
        self.output_format = Some(format);
        self
    }

    /// Asks for structured output matching this JSON schema.
    pub fn json_schema(self, schema: Value) -> Self {
        self.output_format(serde_json::json!({"type": "json_schema", "schema": schema}))
    }

    /// Appends one flag to [`extra_args`](Self::extra_args).
    pub fn extra_arg(mut self, flag: impl Into<String>, value: Option<String>) -> Self {
        self.extra_args.push((flag.into(), value));
        self
    }

    /// Appends one sub-agent to [`agents`](Self::agents).
    pub fn agent(mut self, name: impl Into<String>, agent: AgentDefinition) -> Self {
        self.agents.push((name.into(), agent));
        self
    }

    /// Sets [`forward_subagent_text`](Self::forward_subagent_text).
    pub fn forward_subagent_text(mut self, yes: bool) -> Self {
        self.forward_subagent_text = yes;
        self
    }

    /// Sets [`enable_file_checkpointing`](Self::enable_file_checkpointing).
    pub fn enable_file_checkpointing(mut self, yes: bool) -> Self {
        self.enable_file_checkpointing = yes;
        self
    }

    /// Sets [`client_app`](Self::client_app).
    pub fn client_app(mut self, app: impl Into<String>) -> Self {
        self.client_app = Some(app.into());
        self
    }

    /// Sets [`entrypoint`](Self::entrypoint).
    pub fn entrypoint(mut self, entrypoint: impl Into<String>) -> Self {
        self.entrypoint = Some(entrypoint.into());
        self
    }

    /// Sets [`sdk_version`](Self::sdk_version).
    pub fn sdk_version(mut self, version: impl Into<String>) -> Self {
        self.sdk_version = Some(version.into());
        self
    }

    /// Sets [`can_use_tool`](Self::can_use_tool).
    pub fn can_use_tool(mut self, callback: CanUseTool) -> Self {
        self.can_use_tool = Some(callback);
        self
    }

    /// Appends matchers for one hook event to [`hooks`](Self::hooks).
    pub fn hook(mut self, event: impl Into<String>, matchers: Vec<HookMatcher>) -> Self {
        self.hooks.push((event.into(), matchers));
        self
    }

    /// Sets [`cwd`](Self::cwd).
    pub fn cwd(mut self, dir: impl Into<PathBuf>) -> Self {
        self.cwd = Some(dir.into());
        self
    }

    /// Sets [`cli_path`](Self::cli_path).
    pub fn cli_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.cli_path = Some(path.into());
        self
    }

    /// Adds or replaces one variable in [`env`](Self::env).
    pub fn env_var(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        let (key, value) = (key.into(), value.into());
        match self.env.iter_mut().find(|(k, _)| *k == key) {
            Some(entry) => entry.1 = value,
            None => self.env.push((key, value)),
        }
        self
    }

    /// Sets [`user`](Self::user).
    pub fn user(mut self, user: impl Into<String>) -> Self {
        self.user = Some(user.into());
        self
    }

    /// Sets [`stderr`](Self::stderr).
    pub fn stderr(mut self, callback: StderrCallback) -> Self {
        self.stderr = Some(callback);
        self
    }

    /// Sets [`max_buffer_size`](Self::max_buffer_size).
    pub fn max_buffer_size(mut self, bytes: usize) -> Self {
        self.max_buffer_size = Some(bytes);
        self
    }

    /// Sets [`stall_timeout`](Self::stall_timeout).
    pub fn stall_timeout(mut self, timeout: Duration) -> Self {
        self.stall_timeout = Some(timeout);
        self
    }

    /// Sets [`callback_timeout`](Self::callback_timeout).
    pub fn callback_timeout(mut self, timeout: Duration) -> Self {
        self.callback_timeout = Some(timeout);
        self
    }

    /// Sets [`control_timeout`](Self::control_timeout).
    pub fn control_timeout(mut self, timeout: Duration) -> Self {
        self.control_timeout = Some(timeout);
        self
    }

    /// Sets [`on_elicitation`](Self::on_elicitation).
    pub fn on_elicitation(mut self, handler: RequestHandler) -> Self {
        self.on_elicitation = Some(handler);
        self
    }

    /// Sets [`on_user_dialog`](Self::on_user_dialog).
    pub fn on_user_dialog(mut self, handler: RequestHandler) -> Self {
        self.on_user_dialog = Some(handler);
        self
    }
}

impl ClaudeAgentOptions {
    /// The `initialize` request fields these options contribute besides `subtype`, `hooks` and
    /// in-process MCP servers: `agents`, `excludeDynamicSections`, `systemPromptSnapshot`,
    /// `skills` (only for an explicit list) and `forwardSubagentText`. Unset options add nothing.
    pub fn initialize_fields(&self) -> Map<String, Value> {
        let mut fields = Map::new();
        if !self.agents.is_empty() {
            let agents = self
                .agents
                .iter()
                .map(|(name, a)| (name.clone(), a.to_wire()))
                .collect();
            fields.insert("agents".into(), Value::Object(agents));
        }
        let (exclude, snapshot) = match &self.system_prompt {
            SystemPrompt::Preset {
                exclude_dynamic_sections,
                snapshot,
                ..
            } => (*exclude_dynamic_sections, *snapshot),
            SystemPrompt::Custom { snapshot, .. } => (None, *snapshot),
            _ => (None, None),
        };
        if let Some(exclude) = exclude {
            fields.insert("excludeDynamicSections".into(), Value::Bool(exclude));
        }
        if let Some(snapshot) = snapshot {
            fields.insert("systemPromptSnapshot".into(), Value::Bool(snapshot));
        }
        if let Some(Skills::List(names)) = &self.skills {
            fields.insert("skills".into(), Value::from(names.clone()));
        }
        if self.forward_subagent_text {
            fields.insert("forwardSubagentText".into(), Value::Bool(true));
        }
        fields
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn permission_mode_round_trips_and_keeps_unknown() {
        for s in [
            "default",
            "acceptEdits",
            "plan",
            "bypassPermissions",
            "dontAsk",
            "auto",
            "future",
        ] {
            let mode: PermissionMode = s.parse().unwrap();
            assert_eq!(mode.as_str(), s);
        }
        assert_eq!(
            "future".parse::<PermissionMode>().unwrap(),
            PermissionMode::Other("future".into())
        );
        assert_eq!(
            "plan".parse::<PermissionMode>().unwrap(),
            PermissionMode::Plan
        );
    }

    #[test]
    fn string_enums_parse_and_reject() {
        assert_eq!("xhigh".parse::<Effort>().unwrap(), Effort::XHigh);
        assert_eq!(
            "local".parse::<SettingSource>().unwrap(),
            SettingSource::Local
        );
        let err = "huge".parse::<Effort>().unwrap_err();
        assert!(
            matches!(err, Error::InvalidOptions(ref m) if m.contains("huge") && m.contains("xhigh")),
            "{err}"
        );
    }

    #[test]
    fn agent_definition_wire_shape_is_camel_case_without_unset_fields() {
        let agent = AgentDefinition {
            tools: Some(vec!["Read".into()]),
            disallowed_tools: Some(vec![]),
            memory: Some(AgentMemory::Project),
            mcp_servers: Some(vec![AgentMcpServer::Name("fs".into())]),
            initial_prompt: Some("go".into()),
            max_turns: Some(2),
            background: Some(false),
            effort: Some(AgentEffort::Level(Effort::High)),
            permission_mode: Some(PermissionMode::AcceptEdits),
            ..AgentDefinition::new("d", "p")
        };
        assert_eq!(
            agent.to_wire(),
            json!({"description": "d", "prompt": "p", "tools": ["Read"], "disallowedTools": [],
                   "memory": "project", "mcpServers": ["fs"], "initialPrompt": "go", "maxTurns": 2,
                   "background": false, "effort": "high", "permissionMode": "acceptEdits"})
        );
        assert_eq!(
            AgentDefinition::new("d", "p").to_wire(),
            json!({"description": "d", "prompt": "p"})
        );
    }

    #[test]
    fn initialize_fields_cover_agents_prompt_flags_skills() {
        let opts = ClaudeAgentOptions::new()
            .agent(
                "b",
                AgentDefinition {
                    effort: Some(AgentEffort::Value(3)),
                    ..AgentDefinition::new("x", "y")
                },
            )
            .agent("a", AgentDefinition::new("x", "y"))
            .system_prompt(SystemPrompt::Preset {
                append: None,
                exclude_dynamic_sections: Some(true),
                snapshot: Some(false),
            })
            .skills(Skills::List(vec!["pdf".into()]))
            .forward_subagent_text(true);
        let fields = Value::Object(opts.initialize_fields());
        assert_eq!(
            fields.to_string(),
            json!({"agents": {"b": {"description": "x", "prompt": "y", "effort": 3}, "a": {"description": "x", "prompt": "y"}},
                   "excludeDynamicSections": true, "systemPromptSnapshot": false,
                   "skills": ["pdf"], "forwardSubagentText": true})
            .to_string()
        );
        let custom = ClaudeAgentOptions::new()
            .system_prompt(SystemPrompt::Custom {
                prompt: "p".into(),
                snapshot: Some(true),
            })
            .skills(Skills::All);
        assert_eq!(
            Value::Object(custom.initialize_fields()),
            json!({"systemPromptSnapshot": true})
        );
        assert!(ClaudeAgentOptions::new().initialize_fields().is_empty());
    }

    #[test]
    fn env_var_setter_replaces_existing_key() {
        let opts = ClaudeAgentOptions::new()
            .env_var("A", "1")
            .env_var("B", "2")
            .env_var("A", "3");
        assert_eq!(
            opts.env,
            vec![
                ("A".to_string(), "3".to_string()),
                ("B".to_string(), "2".to_string())
            ]
        );
    }
}
