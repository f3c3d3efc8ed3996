//! The JSON shapes the options accept: every spelling and form of either official SDK, as
//! serde types. `data.rs` turns them into [`ClaudeAgentOptions`](super::ClaudeAgentOptions).

use super::*;
use crate::hooks::HookFailureMode;
use serde::de::{self, Deserializer, IgnoredAny};
use serde::Deserialize;
use std::str::FromStr;

/// A value whose presence is all that counts (it stands for a handle in `Callbacks`, or the
/// bindings handle it). Read as any value, so that it is not taken for an unknown key.
#[derive(Default)]
pub(super) struct Present;

impl<'de> Deserialize<'de> for Present {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(IgnoredAny).map(|_| Present)
    }
}

/// The accepted JSON shape. Top-level keys it does not know are found by `from_value`: an
/// error, except under the TypeScript SDK's rules (which ignore them). Nested objects are
/// strict in every flavour.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct Data {
    #[serde(alias = "systemPrompt")]
    pub(super) system_prompt: Option<SystemPromptData>,
    pub(super) tools: Option<ToolsData>,
    #[serde(alias = "allowedTools")]
    pub(super) allowed_tools: Option<Vec<String>>,
    #[serde(alias = "disallowedTools")]
    pub(super) disallowed_tools: Option<Vec<String>>,
    pub(super) skills: Option<SkillsData>,
    #[serde(alias = "maxTurns")]
    pub(super) max_turns: Option<u32>,
    #[serde(alias = "maxBudgetUsd")]
    pub(super) max_budget_usd: Option<f64>,
    #[serde(alias = "taskBudget")]
    pub(super) task_budget: Option<TaskBudgetData>,
    pub(super) model: Option<String>,
    #[serde(alias = "fallbackModel")]
    pub(super) fallback_model: Option<String>,
    pub(super) betas: Option<Vec<String>>,
    #[serde(alias = "permissionMode")]
    pub(super) permission_mode: Option<PermissionMode>,
    #[serde(alias = "permissionPromptToolName")]
    pub(super) permission_prompt_tool_name: Option<String>,
    #[serde(alias = "continue")]
    pub(super) continue_conversation: Option<bool>,
    pub(super) resume: Option<String>,
    #[serde(alias = "sessionId")]
    pub(super) session_id: Option<String>,
    #[serde(alias = "forkSession")]
    pub(super) fork_session: Option<bool>,
    #[serde(alias = "resumeSessionAt")]
    pub(super) resume_session_at: Option<String>,
    #[serde(alias = "resumeDropsTurn")]
    pub(super) resume_drops_turn: Option<String>,
    pub(super) settings: Option<SettingsData>,
    pub(super) sandbox: Option<Value>,
    #[serde(alias = "additionalDirectories")]
    pub(super) add_dirs: Option<Vec<PathBuf>>,
    #[serde(alias = "mcpServers")]
    pub(super) mcp_servers: Option<McpServersData>,
    #[serde(alias = "includePartialMessages")]
    pub(super) include_partial_messages: Option<bool>,
    #[serde(alias = "includeHookEvents")]
    pub(super) include_hook_events: Option<bool>,
    #[serde(alias = "strictMcpConfig")]
    pub(super) strict_mcp_config: Option<bool>,
    #[serde(alias = "settingSources")]
    pub(super) setting_sources: Option<Vec<SettingSource>>,
    pub(super) plugins: Option<Vec<PluginData>>,
    pub(super) thinking: Option<ThinkingData>,
    #[serde(alias = "maxThinkingTokens")]
    pub(super) max_thinking_tokens: Option<u32>,
    pub(super) effort: Option<Effort>,
    #[serde(alias = "outputFormat")]
    pub(super) output_format: Option<Value>,
    #[serde(alias = "extraArgs")]
    pub(super) extra_args: Option<Map<String, Value>>,
    pub(super) agents: Option<Map<String, Value>>,
    #[serde(alias = "forwardSubagentText")]
    pub(super) forward_subagent_text: Option<bool>,
    #[serde(alias = "enableFileCheckpointing")]
    pub(super) enable_file_checkpointing: Option<bool>,
    #[serde(alias = "clientApp")]
    pub(super) client_app: Option<String>,
    pub(super) hooks: Option<Map<String, Value>>,
    pub(super) cwd: Option<PathBuf>,
    #[serde(alias = "pathToClaudeCodeExecutable")]
    pub(super) cli_path: Option<PathBuf>,
    pub(super) env: Option<Map<String, Value>>,
    pub(super) user: Option<String>,
    #[serde(alias = "maxBufferSize")]
    pub(super) max_buffer_size: Option<usize>,
    pub(super) agent: Option<String>,
    pub(super) debug: Option<bool>,
    #[serde(alias = "debugFile")]
    pub(super) debug_file: Option<PathBuf>,
    #[serde(alias = "persistSession")]
    pub(super) persist_session: Option<bool>,
    #[serde(alias = "allowDangerouslySkipPermissions")]
    pub(super) allow_dangerously_skip_permissions: Option<bool>,
    #[serde(alias = "permissionPrompts")]
    pub(super) permission_prompts: Option<PermissionPrompts>,
    #[serde(alias = "projectConfigRoot")]
    pub(super) project_config_root: Option<PathBuf>,
    #[serde(alias = "toolAliases")]
    pub(super) tool_aliases: Option<Map<String, Value>>,
    #[serde(alias = "toolConfig")]
    pub(super) tool_config: Option<Value>,
    #[serde(alias = "planModeInstructions")]
    pub(super) plan_mode_instructions: Option<String>,
    pub(super) title: Option<String>,
    #[serde(alias = "promptSuggestions")]
    pub(super) prompt_suggestions: Option<bool>,
    #[serde(alias = "agentProgressSummaries")]
    pub(super) agent_progress_summaries: Option<bool>,
    #[serde(alias = "supportedDialogKinds")]
    pub(super) supported_dialog_kinds: Option<Vec<String>>,
    #[serde(alias = "perTaskStopAffordance")]
    pub(super) per_task_stop_affordance: Option<bool>,
    #[serde(alias = "verbatimPrompts")]
    pub(super) verbatim_prompts: Option<bool>,
    #[serde(alias = "managedSettings")]
    pub(super) managed_settings: Option<Value>,
    #[serde(alias = "mcpServersDelivery")]
    pub(super) mcp_servers_delivery: Option<Delivery>,
    #[serde(alias = "pluginDelivery")]
    pub(super) plugin_delivery: Option<Delivery>,
    pub(super) executable: Option<Executable>,
    #[serde(alias = "executableArgs")]
    pub(super) executable_args: Option<Vec<String>>,
    /// Seconds (claude-wire's own bounds).
    pub(super) control_timeout: Option<f64>,
    pub(super) stall_timeout: Option<f64>,
    pub(super) callback_timeout: Option<f64>,
    // Callbacks: their values stand for the handles in `Callbacks`.
    #[serde(alias = "canUseTool")]
    pub(super) can_use_tool: Present,
    pub(super) stderr: Present,
    #[serde(alias = "onElicitation")]
    pub(super) on_elicitation: Present,
    #[serde(alias = "onUserDialog")]
    pub(super) on_user_dialog: Present,
    // Handled by the bindings (cancellation, custom spawn), a handle in `Callbacks` (the store)
    // or deprecated.
    #[serde(alias = "abortController")]
    pub(super) abort_controller: Present,
    #[serde(alias = "spawnClaudeCodeProcess")]
    pub(super) spawn_claude_code_process: Present,
    #[serde(alias = "sessionStore")]
    pub(super) session_store: Present,
    #[serde(alias = "sessionStoreFlush")]
    pub(super) session_store_flush: Option<crate::sessions::FlushMode>,
    #[serde(alias = "loadTimeoutMs")]
    pub(super) load_timeout_ms: Option<u64>,
    pub(super) debug_stderr: Present,
}

/// `"host"` or `"none"`.
#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
pub(super) enum PermissionPrompts {
    Host,
    None,
}

/// A JavaScript runtime for a JavaScript CLI.
#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
pub(super) enum Executable {
    Node,
    Bun,
    Deno,
}

#[derive(Deserialize)]
#[serde(
    untagged,
    expecting = "a string, a list of strings, or {type: preset | custom | file}"
)]
pub(super) enum SystemPromptData {
    Text(String),
    Parts(Vec<String>),
    Object(SystemPromptObject),
}

/// A custom prompt's text: one string, or (TypeScript) its parts.
#[derive(Deserialize)]
#[serde(untagged, expecting = "a string or a list of strings")]
pub(super) enum CustomPromptData {
    Text(String),
    Parts(Vec<String>),
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
pub(super) enum SystemPromptObject {
    Preset {
        #[serde(default)]
        #[allow(dead_code)] // always "claude_code"
        preset: Option<String>,
        #[serde(default)]
        append: Option<String>,
        #[serde(default, alias = "excludeDynamicSections")]
        exclude_dynamic_sections: Option<bool>,
        #[serde(default)]
        snapshot: Option<bool>,
    },
    Custom {
        prompt: CustomPromptData,
        #[serde(default)]
        snapshot: Option<bool>,
    },
    File {
        path: PathBuf,
    },
}

#[derive(Deserialize)]
#[serde(
    untagged,
    expecting = "a list of tool names or {type: \"preset\", preset: \"claude_code\"}"
)]
pub(super) enum ToolsData {
    List(Vec<String>),
    Preset(#[allow(dead_code)] PresetRef),
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
pub(super) enum PresetRef {
    Preset {
        #[allow(dead_code)]
        preset: String,
    },
}

#[derive(Deserialize)]
#[serde(untagged, expecting = "\"all\" or a list of skill names")]
pub(super) enum SkillsData {
    All(AllLiteral),
    List(Vec<String>),
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
pub(super) enum AllLiteral {
    All,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TaskBudgetData {
    pub(super) total: u64,
}

#[derive(Deserialize)]
#[serde(
    untagged,
    expecting = "a JSON text, a settings file path or a settings object"
)]
pub(super) enum SettingsData {
    Text(String),
    Object(Map<String, Value>),
}

#[derive(Deserialize)]
#[serde(
    untagged,
    expecting = "an object of MCP server configs, a config file path or JSON text"
)]
pub(super) enum McpServersData {
    Map(Map<String, Value>),
    PathOrJson(String),
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
pub(super) enum PluginData {
    Local {
        path: PathBuf,
        #[serde(default, alias = "skipMcpDiscovery")]
        skip_mcp_discovery: bool,
    },
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
pub(super) enum ThinkingData {
    Adaptive {
        #[serde(default)]
        display: Option<ThinkingDisplay>,
    },
    Enabled {
        #[serde(default, alias = "budgetTokens")]
        budget_tokens: Option<u32>,
        #[serde(default)]
        display: Option<ThinkingDisplay>,
    },
    Disabled {},
}

/// One hook matcher: `{matcher?, hooks: [{"$hook": i}], timeout?, on_failure? | onFailure?}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct HookMatcherData {
    #[serde(default)]
    pub(super) matcher: Option<String>,
    pub(super) hooks: Vec<Handle>,
    #[serde(default)]
    pub(super) timeout: Option<f64>,
    #[serde(default, alias = "onFailure")]
    pub(super) on_failure: Option<HookFailureMode>,
}

/// `{"$hook": i}` or `{"$server": i}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Handle {
    #[serde(rename = "$hook", alias = "$server")]
    pub(super) index: usize,
}

impl<'de> Deserialize<'de> for PermissionMode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Ok(PermissionMode::from_str(&text).unwrap_or_else(|never| match never {}))
    }
}

impl<'de> Deserialize<'de> for HookFailureMode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        match String::deserialize(d)?.as_str() {
            "continue" => Ok(HookFailureMode::Continue),
            "block" => Ok(HookFailureMode::Block),
            other => Err(de::Error::unknown_variant(other, &["continue", "block"])),
        }
    }
}
