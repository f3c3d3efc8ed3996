//! Options → CLI arguments as the official TypeScript SDK 0.3.330 builds them.
//!
//! Differences from the Python SDK: values are joined (`--model=m`); the system prompt, hooks,
//! agents and in-process MCP servers travel in `initialize` (see `initialize.rs`); MCP servers
//! and plugins may go there too (`--await-initialize`); settings and sandbox are merged the
//! TypeScript way; extra arguments come last.

use super::args::{budget_text, check_skill_name, json_schema, Argv};
use crate::options::{ClaudeAgentOptions, Delivery, McpServerConfig, Plugin, Thinking, Tools};
use crate::{Error, Result};
use serde_json::{Map, Value};
use std::ffi::OsString;

/// The TypeScript flavour of [`super::build_args`].
pub(super) fn build_args(options: &ClaudeAgentOptions) -> Result<Vec<OsString>> {
    let mut argv = Argv::default();
    argv.pair("--output-format", "stream-json");
    argv.flag("--verbose");
    argv.pair("--input-format", "stream-json");
    push_thinking(&mut argv, options);
    if let Some(effort) = options.effort {
        argv.joined("--effort", Some(effort.as_str()));
    }
    if let Some(turns) = options.max_turns.filter(|t| *t > 0) {
        argv.joined("--max-turns", Some(&turns.to_string()));
    }
    if let Some(usd) = options.max_budget_usd {
        argv.joined("--max-budget-usd", Some(&budget_text(usd)?));
    }
    if let Some(total) = options.task_budget {
        argv.joined("--task-budget", Some(&total.to_string()));
    }
    joined_non_empty(&mut argv, "--model", options.model.as_deref());
    joined_non_empty(&mut argv, "--agent", options.agent.as_deref());
    if !options.betas.is_empty() {
        argv.joined("--betas", Some(&options.betas.join(",")));
    }
    if let Some(schema) = json_schema(options.output_format.as_ref()) {
        argv.joined("--json-schema", Some(&schema));
    }
    match &options.debug_file {
        Some(file) => argv.joined("--debug-file", Some(&file.to_string_lossy())),
        None => argv.flag_if("--debug", options.debug),
    }
    push_permission_prompt_tool(&mut argv, options)?;
    joined_non_empty(
        &mut argv,
        "--permission-prompts",
        options.permission_prompts.as_deref(),
    );
    argv.flag_if("--continue", options.continue_conversation);
    joined_non_empty(&mut argv, "--resume", options.resume.as_deref());
    let allowed = allowed_tools(options)?;
    if !allowed.is_empty() {
        argv.joined("--allowedTools", Some(&allowed.join(",")));
    }
    if !options.disallowed_tools.is_empty() {
        argv.joined(
            "--disallowedTools",
            Some(&options.disallowed_tools.join(",")),
        );
    }
    match &options.tools {
        Some(Tools::List(names)) => argv.joined("--tools", Some(&names.join(","))),
        Some(Tools::Preset) => argv.joined("--tools", Some("default")),
        None => {}
    }
    let servers = external_mcp_servers(options);
    if !servers.is_empty() && !mcp_servers_in_initialize(options) {
        let config = serde_json::json!({ "mcpServers": servers }).to_string();
        push_value(&mut argv, "--mcp-config", &config);
    }
    if let Some(sources) = &options.setting_sources {
        let names: Vec<&str> = sources.iter().map(|s| s.as_str()).collect();
        argv.joined("--setting-sources", Some(&names.join(",")));
    }
    argv.flag_if("--strict-mcp-config", options.strict_mcp_config);
    if let Some(mode) = &options.permission_mode {
        argv.joined("--permission-mode", Some(mode.as_str()));
    }
    argv.flag_if(
        "--allow-dangerously-skip-permissions",
        options.allow_dangerously_skip_permissions,
    );
    if let Some(fallback) = options.fallback_model.as_deref().filter(|m| !m.is_empty()) {
        if options.model.as_deref() == Some(fallback) {
            return Err(Error::InvalidOptions(
                "Fallback model cannot be the same as the main model. Please specify a different model for fallbackModel option.".into(),
            ));
        }
        argv.joined("--fallback-model", Some(fallback));
    }
    argv.flag_if("--include-hook-events", options.include_hook_events);
    argv.flag_if(
        "--include-partial-messages",
        options.include_partial_messages,
    );
    argv.flag_if("--session-mirror", options.session_store.is_some());
    if let Some(root) = &options.project_config_root {
        argv.joined("--project-config-root", Some(&root.to_string_lossy()));
    }
    for dir in &options.add_dirs {
        argv.joined("--add-dir", Some(&dir.to_string_lossy()));
    }
    if plugins_in_initialize(options) || mcp_servers_in_initialize(options) {
        argv.flag("--await-initialize");
    }
    if !plugins_in_initialize(options) {
        for plugin in &options.plugins {
            let flag = match plugin {
                Plugin::LocalWithoutMcp(_) => "--plugin-dir-no-mcp",
                _ => "--plugin-dir",
            };
            argv.joined(flag, Some(&plugin.path().to_string_lossy()));
        }
    }
    argv.flag_if("--fork-session", options.fork_session);
    joined_non_empty(
        &mut argv,
        "--resume-session-at",
        options.resume_session_at.as_deref(),
    );
    argv.joined("--resume-drops-turn", options.resume_drops_turn.as_deref());
    joined_non_empty(&mut argv, "--session-id", options.session_id.as_deref());
    argv.flag_if(
        "--no-session-persistence",
        options.persist_session == Some(false),
    );
    if let Some(managed) = &options.managed_settings {
        push_value(&mut argv, "--managed-settings", &managed.to_string());
    }
    push_extra_args(&mut argv, options)?;
    Ok(argv.0)
}

/// True when the external MCP servers travel in `initialize` (only when there are some).
pub(super) fn mcp_servers_in_initialize(options: &ClaudeAgentOptions) -> bool {
    options.mcp_servers_delivery == Some(Delivery::Initialize)
        && !external_mcp_servers(options).is_empty()
}

/// True when the plugins travel in `initialize` (only when there are some).
pub(super) fn plugins_in_initialize(options: &ClaudeAgentOptions) -> bool {
    options.plugin_delivery == Some(Delivery::Initialize) && !options.plugins.is_empty()
}

/// The MCP servers the CLI starts itself (in-process ones are announced in `initialize`).
pub(super) fn external_mcp_servers(options: &ClaudeAgentOptions) -> Map<String, Value> {
    options
        .mcp_servers
        .iter()
        .filter_map(|(name, config)| match config {
            McpServerConfig::External(value) => Some((name.clone(), value.clone())),
            McpServerConfig::Sdk(_) => None,
        })
        .collect()
}

fn joined_non_empty(argv: &mut Argv, flag: &str, value: Option<&str>) {
    argv.joined(flag, value.filter(|v| !v.is_empty()));
}

/// `--flag value`, or `--flag=value` when the value could be read as a flag.
fn push_value(argv: &mut Argv, flag: &str, value: &str) {
    if value.len() > 1 && value.starts_with('-') {
        argv.joined(flag, Some(value));
    } else {
        argv.pair(flag, value);
    }
}

fn push_thinking(argv: &mut Argv, options: &ClaudeAgentOptions) {
    let thinking = options
        .thinking
        .clone()
        .or(match options.max_thinking_tokens {
            Some(0) => Some(Thinking::Disabled),
            Some(tokens) => Some(Thinking::Enabled {
                budget_tokens: tokens,
                display: None,
            }),
            None => None,
        });
    let display = match thinking {
        Some(Thinking::Adaptive { display }) => {
            argv.flag("--thinking=adaptive");
            display
        }
        Some(Thinking::Enabled {
            budget_tokens,
            display,
        }) => {
            argv.joined("--max-thinking-tokens", Some(&budget_tokens.to_string()));
            display
        }
        Some(Thinking::Disabled) => {
            argv.flag("--thinking=disabled");
            None
        }
        None => None,
    };
    if let Some(display) = display {
        argv.joined("--thinking-display", Some(display.as_str()));
    }
}

fn push_permission_prompt_tool(argv: &mut Argv, options: &ClaudeAgentOptions) -> Result<()> {
    let named = options
        .permission_prompt_tool_name
        .as_deref()
        .filter(|s| !s.is_empty());
    match (&options.can_use_tool, named) {
        (Some(_), Some(_)) => Err(Error::InvalidOptions(
            "canUseTool callback cannot be used with permissionPromptToolName. Please use one or the other.".into(),
        )),
        (Some(_), None) => {
            argv.joined("--permission-prompt-tool", Some("stdio"));
            Ok(())
        }
        (None, named) => {
            argv.joined("--permission-prompt-tool", named);
            Ok(())
        }
    }
}

/// `allowed_tools` plus a `Skill` rule per skill (no duplicates); the TypeScript SDK leaves
/// the setting sources alone.
fn allowed_tools(options: &ClaudeAgentOptions) -> Result<Vec<String>> {
    let mut allowed = options.allowed_tools.clone();
    let rules = match &options.skills {
        None => return Ok(allowed),
        Some(crate::options::Skills::All) => vec!["Skill".to_string()],
        Some(crate::options::Skills::List(names)) => names
            .iter()
            .map(|n| check_skill_name(n).map(|()| format!("Skill({n})")))
            .collect::<Result<_>>()?,
    };
    for rule in rules {
        if !options.allowed_tools.contains(&rule) {
            allowed.push(rule);
        }
    }
    Ok(allowed)
}

/// Extra arguments in order, then `--settings` (with the sandbox merged in), as `--name value`
/// (or `--name=value` for a value starting with `-`), bare for a `None` value.
fn push_extra_args(argv: &mut Argv, options: &ClaudeAgentOptions) -> Result<()> {
    let mut entries: Vec<(String, Option<String>)> = options.extra_args.clone();
    if let Some(settings) = settings_value(options)? {
        match entries.iter_mut().find(|(name, _)| name == "settings") {
            Some(entry) => entry.1 = Some(settings),
            None => entries.push(("settings".into(), Some(settings))),
        }
    }
    for (name, value) in entries {
        if name.is_empty() {
            return Err(Error::InvalidOptions(
                "extraArgs contains an empty flag name".into(),
            ));
        }
        match value {
            None => argv.flag(&format!("--{name}")),
            Some(value) => push_value(argv, &format!("--{name}"), &value),
        }
    }
    Ok(())
}

/// `settings`, with `sandbox` merged into its `sandbox` key the way the TypeScript SDK does.
fn settings_value(options: &ClaudeAgentOptions) -> Result<Option<String>> {
    let Some(sandbox) = &options.sandbox else {
        return Ok(options.settings.clone());
    };
    let mut settings = match options.settings.as_deref() {
        None => Map::new(),
        Some(text) => {
            let trimmed = text.trim();
            if !(trimmed.starts_with('{') && trimmed.ends_with('}')) {
                return Err(Error::InvalidOptions(
                    "Cannot use both a settings file path and the sandbox option. Include the sandbox configuration in your settings file instead.".into(),
                ));
            }
            match serde_json::from_str(trimmed) {
                Ok(Value::Object(map)) => map,
                _ => {
                    return Err(Error::InvalidOptions(
                        "Invalid JSON provided to the settings option.".into(),
                    ))
                }
            }
        }
    };
    let merged = merge_sandbox(settings.get("sandbox"), sandbox);
    settings.insert("sandbox".into(), Value::Object(merged));
    Ok(Some(Value::Object(settings).to_string()))
}

/// Lists that accumulate instead of being replaced when merging sandbox settings.
const UNION_PATHS: [&str; 5] = [
    "filesystem.denyRead",
    "filesystem.denyWrite",
    "network.deniedDomains",
    "credentials.files",
    "credentials.envVars",
];
/// Objects replaced whole instead of merged.
const OPAQUE_PATHS: [&str; 2] = ["ripgrep", "network.tlsTerminate"];
/// Proxy ports dropped from the result when the option restricts the network itself.
const PROXY_PORTS: [&str; 2] = ["httpProxyPort", "socksProxyPort"];

fn merge_sandbox(base: Option<&Value>, sandbox: &Value) -> Map<String, Value> {
    let mut merged = deep_merge(base, sandbox, "");
    let option = sandbox.as_object();
    let get = |key: &str| option.and_then(|o| o.get(key));
    let denies_credentials = get("credentials")
        .and_then(|c| c.get("files"))
        .and_then(Value::as_array)
        .is_some_and(|files| files.iter().any(|f| f.get("mode") == Some(&"deny".into())));
    let restricts_files = get("filesystem").is_some() || denies_credentials;
    let sets_disabled = get("filesystem").and_then(|f| f.get("disabled")).is_some();
    if restricts_files && !sets_disabled {
        if let Some(Value::Object(fs)) = merged.get_mut("filesystem") {
            if fs.get("disabled") == Some(&Value::Bool(true)) {
                fs.remove("disabled");
            }
        }
    }
    let network = get("network");
    let restricts_network = network.is_some_and(|n| {
        n.get("allowedDomains").is_some()
            || n.get("deniedDomains")
                .and_then(Value::as_array)
                .is_some_and(|d| !d.is_empty())
            || n.get("strictAllowlist") == Some(&Value::Bool(true))
    });
    if restricts_network {
        if let Some(Value::Object(net)) = merged.get_mut("network") {
            for port in PROXY_PORTS {
                if network.and_then(|n| n.get(port)).is_none() {
                    net.remove(port);
                }
            }
        }
    }
    if get("enabled") == Some(&Value::Bool(true)) && !merged.contains_key("failIfUnavailable") {
        merged.insert("failIfUnavailable".into(), Value::Bool(true));
    }
    merged
}

fn deep_merge(base: Option<&Value>, over: &Value, path: &str) -> Map<String, Value> {
    let mut out = match base {
        Some(Value::Object(map)) => map.clone(),
        _ => Map::new(),
    };
    let Some(over) = over.as_object() else {
        return out;
    };
    for (key, value) in over {
        if matches!(key.as_str(), "__proto__" | "constructor" | "prototype") {
            continue;
        }
        let here = if path.is_empty() {
            key.clone()
        } else {
            format!("{path}.{key}")
        };
        let merged = match (out.get(key), value) {
            (Some(Value::Array(old)), Value::Array(new))
                if UNION_PATHS.contains(&here.as_str()) =>
            {
                let mut all = old.clone();
                for item in new {
                    if !all.contains(item) {
                        all.push(item.clone());
                    }
                }
                Value::Array(all)
            }
            (Some(old @ Value::Object(_)), Value::Object(_))
                if !OPAQUE_PATHS.contains(&here.as_str()) =>
            {
                Value::Object(deep_merge(Some(old), value, &here))
            }
            _ => value.clone(),
        };
        out.insert(key.clone(), merged);
    }
    out
}
