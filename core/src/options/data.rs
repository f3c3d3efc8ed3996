//! Options as data: one JSON object in either official spelling (the Python SDK's snake_case,
//! the TypeScript SDK's camelCase), with every shape either SDK accepts. Callbacks travel beside
//! the data as handles ([`Callbacks`]), so a binding only converts its native values to JSON.
//!
//! ```
//! use claude_wire::{ClaudeAgentOptions, Flavour};
//! use claude_wire::options::Callbacks;
//! let options = ClaudeAgentOptions::from_value(
//!     serde_json::json!({"systemPrompt": {"type": "preset", "preset": "claude_code", "append": "Be brief."},
//!                        "max_turns": 3, "permissionMode": "acceptEdits"}),
//!     Flavour::Ts,
//!     Callbacks::default(),
//! ).unwrap();
//! assert_eq!(options.max_turns, Some(3));
//! ```

use super::input::*;
use super::*;
use crate::hooks::HookCallback;
use crate::mcp::SdkMcpServer;
use crate::permission::CanUseTool;
use crate::{Error, Result};

/// The callbacks of a session, referenced from the options JSON.
///
/// `can_use_tool`, `stderr`, `on_elicitation` and `on_user_dialog` stand for the option of the
/// same name (its JSON value, if any, is ignored). Hook callbacks and in-process MCP servers are
/// referenced by index: `{"$hook": 0}` in a matcher's `hooks` list, `{"$server": 0}` as an MCP
/// server's config (or as its `instance`).
#[derive(Clone, Default)]
pub struct Callbacks {
    /// The permission callback.
    pub can_use_tool: Option<CanUseTool>,
    /// Receives the CLI's stderr lines.
    pub stderr: Option<StderrCallback>,
    /// Answers `elicitation` requests.
    pub on_elicitation: Option<RequestHandler>,
    /// Answers `request_user_dialog` requests.
    pub on_user_dialog: Option<RequestHandler>,
    /// Hook callbacks, by `$hook` index.
    pub hooks: Vec<HookCallback>,
    /// In-process MCP servers, by `$server` index.
    pub mcp_servers: Vec<SdkMcpServer>,
    /// The session store (`session_store` / `sessionStore`).
    pub session_store: Option<Arc<dyn crate::sessions::SessionStore>>,
}

impl ClaudeAgentOptions {
    /// Options from one JSON object in either official SDK's spelling, for `flavour`.
    ///
    /// A bad value is [`Error::InvalidOptions`] naming the field path and what it accepts, e.g.
    /// `invalid options: thinking.type: unknown variant "on", expected one of ...`. A top-level
    /// key it does not know is an error too, except under [`Flavour::Ts`]: the TypeScript SDK
    /// ignores such keys (an options object spread from a larger config works).
    pub fn from_value(value: Value, flavour: Flavour, callbacks: Callbacks) -> Result<Self> {
        let mut unknown = None;
        let mut note = |path: serde_ignored::Path<'_>| {
            unknown.get_or_insert_with(|| path.to_string());
        };
        let noted = serde_ignored::Deserializer::new(value, &mut note);
        let data: Data = serde_path_to_error::deserialize(noted).map_err(|e| {
            let path = e.path().to_string();
            // serde quotes the bad value, which may be a credential (`env` given as a string).
            let inner = crate::redact::text(&e.into_inner().to_string());
            Error::InvalidOptions(if path == "." {
                inner
            } else {
                format!("{path}: {inner}")
            })
        })?;
        if let Some(path) = unknown.filter(|_| flavour != Flavour::Ts) {
            return Err(Error::InvalidOptions(format!("{path}: unknown field")));
        }
        data.into_options(flavour, callbacks)
    }
}

fn seconds(name: &str, value: Option<f64>) -> Result<Option<Duration>> {
    value
        .map(|s| {
            Duration::try_from_secs_f64(s).map_err(|_| {
                Error::InvalidOptions(format!("{name}: expected seconds >= 0, got {s}"))
            })
        })
        .transpose()
}

fn field_error(path: &str, error: impl fmt::Display) -> Error {
    Error::InvalidOptions(format!("{path}: {error}"))
}

impl Data {
    fn into_options(self, flavour: Flavour, callbacks: Callbacks) -> Result<ClaudeAgentOptions> {
        let mut out = ClaudeAgentOptions {
            flavour,
            tools: self.tools.map(|t| match t {
                ToolsData::List(names) => Tools::List(names),
                ToolsData::Preset(_) => Tools::Preset,
            }),
            allowed_tools: self.allowed_tools.unwrap_or_default(),
            disallowed_tools: self.disallowed_tools.unwrap_or_default(),
            skills: self.skills.map(|s| match s {
                SkillsData::All(_) => Skills::All,
                SkillsData::List(names) => Skills::List(names),
            }),
            max_turns: self.max_turns,
            max_budget_usd: self.max_budget_usd,
            task_budget: self.task_budget.map(|b| b.total),
            model: self.model,
            fallback_model: self.fallback_model,
            betas: self.betas.unwrap_or_default(),
            permission_mode: self.permission_mode,
            permission_prompt_tool_name: self.permission_prompt_tool_name,
            continue_conversation: self.continue_conversation.unwrap_or_default(),
            resume: self.resume,
            session_id: self.session_id,
            fork_session: self.fork_session.unwrap_or_default(),
            resume_session_at: self.resume_session_at,
            resume_drops_turn: self.resume_drops_turn,
            settings: self.settings.map(|s| match s {
                SettingsData::Text(text) => text,
                SettingsData::Object(map) => Value::Object(map).to_string(),
            }),
            sandbox: self.sandbox,
            add_dirs: self.add_dirs.unwrap_or_default(),
            include_partial_messages: self.include_partial_messages.unwrap_or_default(),
            include_hook_events: self.include_hook_events.unwrap_or_default(),
            strict_mcp_config: self.strict_mcp_config.unwrap_or_default(),
            setting_sources: self.setting_sources,
            plugins: self
                .plugins
                .unwrap_or_default()
                .into_iter()
                .map(
                    |PluginData::Local {
                         path,
                         skip_mcp_discovery,
                     }| match skip_mcp_discovery {
                        true => Plugin::LocalWithoutMcp(path),
                        false => Plugin::Local(path),
                    },
                )
                .collect(),
            thinking: self.thinking.map(|t| match t {
                ThinkingData::Adaptive { display } => Thinking::Adaptive { display },
                // The TypeScript SDK treats `enabled` without a budget as adaptive.
                ThinkingData::Enabled {
                    budget_tokens: None,
                    display,
                } => Thinking::Adaptive { display },
                ThinkingData::Enabled {
                    budget_tokens: Some(budget_tokens),
                    display,
                } => Thinking::Enabled {
                    budget_tokens,
                    display,
                },
                ThinkingData::Disabled {} => Thinking::Disabled,
            }),
            max_thinking_tokens: self.max_thinking_tokens,
            effort: self.effort,
            output_format: self.output_format,
            forward_subagent_text: self.forward_subagent_text.unwrap_or_default(),
            enable_file_checkpointing: self.enable_file_checkpointing.unwrap_or_default(),
            client_app: self.client_app,
            cwd: self.cwd,
            cli_path: self.cli_path,
            user: self.user,
            max_buffer_size: self.max_buffer_size,
            agent: self.agent,
            debug: self.debug.unwrap_or_default(),
            debug_file: self.debug_file,
            persist_session: self.persist_session,
            allow_dangerously_skip_permissions: self
                .allow_dangerously_skip_permissions
                .unwrap_or_default(),
            permission_prompts: self.permission_prompts.map(|p| {
                match p {
                    PermissionPrompts::Host => "host",
                    PermissionPrompts::None => "none",
                }
                .to_string()
            }),
            project_config_root: self.project_config_root,
            tool_aliases: self.tool_aliases,
            tool_config: self.tool_config,
            plan_mode_instructions: self.plan_mode_instructions,
            title: self.title,
            prompt_suggestions: self.prompt_suggestions,
            agent_progress_summaries: self.agent_progress_summaries,
            supported_dialog_kinds: self.supported_dialog_kinds,
            per_task_stop_affordance: self.per_task_stop_affordance,
            verbatim_prompts: self.verbatim_prompts.unwrap_or_default(),
            managed_settings: self.managed_settings,
            mcp_servers_delivery: self.mcp_servers_delivery,
            plugin_delivery: self.plugin_delivery,
            executable: self.executable.map(|e| {
                match e {
                    Executable::Node => "node",
                    Executable::Bun => "bun",
                    Executable::Deno => "deno",
                }
                .to_string()
            }),
            executable_args: self.executable_args.unwrap_or_default(),
            control_timeout: seconds("control_timeout", self.control_timeout)?,
            stall_timeout: seconds("stall_timeout", self.stall_timeout)?,
            callback_timeout: seconds("callback_timeout", self.callback_timeout)?,
            can_use_tool: callbacks.can_use_tool,
            stderr: callbacks.stderr,
            on_elicitation: callbacks.on_elicitation,
            on_user_dialog: callbacks.on_user_dialog,
            session_store: callbacks.session_store,
            session_store_flush: self.session_store_flush.unwrap_or_default(),
            load_timeout: self.load_timeout_ms.map(Duration::from_millis),
            ..ClaudeAgentOptions::default()
        };
        out.system_prompt = match self.system_prompt {
            None => SystemPrompt::None,
            Some(SystemPromptData::Text(text)) => SystemPrompt::Text(text),
            Some(SystemPromptData::Parts(parts)) => SystemPrompt::Parts(parts),
            Some(SystemPromptData::Object(SystemPromptObject::Preset {
                append,
                exclude_dynamic_sections,
                snapshot,
                ..
            })) => SystemPrompt::Preset {
                append,
                exclude_dynamic_sections,
                snapshot,
            },
            Some(SystemPromptData::Object(SystemPromptObject::Custom { prompt, snapshot })) => {
                let prompt = match prompt {
                    CustomPromptData::Text(text) => vec![text],
                    CustomPromptData::Parts(parts) => parts,
                };
                SystemPrompt::Custom { prompt, snapshot }
            }
            Some(SystemPromptData::Object(SystemPromptObject::File { path })) => {
                SystemPrompt::File(path)
            }
        };
        if let Some(env) = self.env {
            // The TypeScript SDK's `env` is the child's whole environment.
            out.replace_env = flavour == Flavour::Ts;
            for (key, value) in env {
                match value {
                    Value::String(text) => out.env.push((key, text)),
                    // `undefined`/`None` values unset nothing: they are left out, as in JS.
                    Value::Null => {}
                    other => {
                        return Err(field_error(
                            &format!("env.{key}"),
                            format!("expected a string, got {other}"),
                        ))
                    }
                }
            }
        }
        for (name, value) in self.extra_args.unwrap_or_default() {
            let value = match value {
                Value::Null => None,
                Value::String(text) => Some(text),
                other => Some(other.to_string()),
            };
            out.extra_args.push((name, value));
        }
        for (name, agent) in self.agents.unwrap_or_default() {
            let agent = serde_path_to_error::deserialize(agent)
                .map_err(|e| field_error(&format!("agents.{name}.{}", e.path()), e.into_inner()))?;
            out.agents.push((name, agent));
        }
        match self.mcp_servers {
            None => {}
            Some(McpServersData::PathOrJson(text)) => out.mcp_config = Some(text),
            Some(McpServersData::Map(servers)) => {
                for (name, config) in servers {
                    let config = mcp_server(&name, config, &callbacks.mcp_servers)?;
                    out.mcp_servers.push((name, config));
                }
            }
        }
        for (event, matchers) in self.hooks.unwrap_or_default() {
            let matchers: Vec<HookMatcherData> = serde_path_to_error::deserialize(matchers)
                .map_err(|e| {
                    field_error(&format!("hooks.{event}{}", path_suffix(&e)), e.into_inner())
                })?;
            let mut list = Vec::new();
            for (i, m) in matchers.into_iter().enumerate() {
                let hooks = m
                    .hooks
                    .iter()
                    .map(|h| {
                        callbacks.hooks.get(h.index).cloned().ok_or_else(|| {
                            field_error(
                                &format!("hooks.{event}[{i}].hooks"),
                                format!("no hook callback with index {}", h.index),
                            )
                        })
                    })
                    .collect::<Result<Vec<_>>>()?;
                list.push(crate::hooks::HookMatcher {
                    matcher: m.matcher,
                    hooks,
                    timeout: seconds(&format!("hooks.{event}[{i}].timeout"), m.timeout)?,
                    on_failure: m.on_failure,
                });
            }
            out.hooks.push((event, list));
        }
        check(&out)?;
        Ok(out)
    }
}

fn path_suffix<E>(error: &serde_path_to_error::Error<E>) -> String {
    let path = error.path().to_string();
    if path == "." {
        String::new()
    } else {
        path.replacen('.', "", usize::from(path.starts_with(".[")))
    }
}

/// An MCP server config: a handle to an in-process server, or an external config kept as is.
pub(crate) fn mcp_server(
    name: &str,
    config: Value,
    servers: &[SdkMcpServer],
) -> Result<McpServerConfig> {
    let handle = config
        .get("$server")
        .or_else(|| config.get("instance").and_then(|i| i.get("$server")));
    match handle {
        Some(index) => {
            let index = index.as_u64().unwrap_or(u64::MAX) as usize;
            let mut server = servers.get(index).cloned().ok_or_else(|| {
                field_error(
                    &format!("mcp_servers.{name}"),
                    format!("no in-process server with index {index}"),
                )
            })?;
            if server.name.is_empty() {
                server.name = name.to_string();
            }
            if let Some(config) = config.as_object() {
                server.settings = crate::mcp::sdk_server_settings(config);
            }
            Ok(McpServerConfig::Sdk(server))
        }
        None if config.is_object() => Ok(McpServerConfig::External(config)),
        None => Err(field_error(
            &format!("mcp_servers.{name}"),
            "expected an MCP server config object",
        )),
    }
}

/// Combinations the official SDKs refuse, with their reasons.
fn check(options: &ClaudeAgentOptions) -> Result<()> {
    if options.flavour == Flavour::Ts
        && options
            .supported_dialog_kinds
            .as_ref()
            .is_some_and(|kinds| !kinds.is_empty())
        && options.on_user_dialog.is_none()
    {
        return Err(Error::InvalidOptions(
            "supportedDialogKinds requires an onUserDialog callback: declared dialog kinds without a handler would leave dialogs nobody answers".into(),
        ));
    }
    Ok(())
}
