//! Options → CLI arguments, in the order the official Python SDK 0.2.187 uses.

use crate::options::{
    ClaudeAgentOptions, McpServerConfig, Plugin, SettingSource, Skills, SystemPrompt, Thinking,
    Tools,
};
use crate::{Error, Result};
use serde_json::{Map, Value};
use std::ffi::OsString;
use std::path::Path;

/// Builds the CLI arguments (everything after the program) for `options`.
///
/// The result is `--output-format stream-json --verbose [options...] --input-format stream-json`.
/// Session ids use the `--flag=value` form so a value can never be read as a flag, and so do
/// extra arguments whose value starts with `-`.
///
/// Fails with [`Error::InvalidOptions`] when `can_use_tool` is combined with
/// `permission_prompt_tool_name`, `mcp_servers` with `mcp_config`, a skill name cannot form a
/// permission rule, an extra argument has an empty name, `max_budget_usd` is not finite, or the
/// settings cannot be loaded for merging `sandbox` into them.
pub fn build_args(options: &ClaudeAgentOptions) -> Result<Vec<OsString>> {
    if options.flavour == crate::Flavour::Ts {
        return super::args_ts::build_args(options);
    }
    let permission_tool = permission_prompt_tool(options)?;
    let (allowed_tools, setting_sources) = apply_skills(options)?;
    let settings = settings_value(options)?;
    let mcp_config = mcp_config_value(options)?;

    let mut argv = Argv::default();
    argv.pair("--output-format", "stream-json");
    argv.flag("--verbose");
    push_system_prompt(&mut argv, &options.system_prompt);
    push_tools(&mut argv, options.tools.as_ref());
    argv.list("--allowedTools", &allowed_tools);
    if let Some(turns) = options.max_turns.filter(|t| *t > 0) {
        argv.pair("--max-turns", turns.to_string());
    }
    if let Some(usd) = options.max_budget_usd {
        argv.pair("--max-budget-usd", budget_text(usd)?);
    }
    argv.list("--disallowedTools", &options.disallowed_tools);
    if let Some(total) = options.task_budget {
        argv.pair("--task-budget", total.to_string());
    }
    argv.non_empty("--model", options.model.as_deref());
    argv.non_empty("--fallback-model", options.fallback_model.as_deref());
    argv.list("--betas", &options.betas);
    argv.non_empty("--permission-prompt-tool", permission_tool);
    argv.non_empty(
        "--permission-mode",
        options.permission_mode.as_ref().map(|m| m.as_str()),
    );
    argv.flag_if("--continue", options.continue_conversation);
    argv.joined(
        "--resume",
        options.resume.as_deref().filter(|s| !s.is_empty()),
    );
    argv.joined(
        "--session-id",
        options.session_id.as_deref().filter(|s| !s.is_empty()),
    );
    argv.non_empty("--settings", settings.as_deref());
    for dir in &options.add_dirs {
        argv.pair("--add-dir", dir);
    }
    argv.non_empty("--mcp-config", mcp_config.as_deref());
    argv.flag_if(
        "--include-partial-messages",
        options.include_partial_messages,
    );
    argv.flag_if("--include-hook-events", options.include_hook_events);
    argv.flag_if("--strict-mcp-config", options.strict_mcp_config);
    argv.flag_if("--fork-session", options.fork_session);
    argv.joined(
        "--resume-session-at",
        options
            .resume_session_at
            .as_deref()
            .filter(|s| !s.is_empty()),
    );
    argv.joined("--resume-drops-turn", options.resume_drops_turn.as_deref());
    argv.flag_if("--session-mirror", options.session_store.is_some());
    if let Some(sources) = setting_sources {
        let names: Vec<&str> = sources.iter().map(SettingSource::as_str).collect();
        argv.joined("--setting-sources", Some(&names.join(",")));
    }
    for plugin in &options.plugins {
        match plugin {
            // The Python SDK has no "skip MCP discovery" form.
            Plugin::Local(path) | Plugin::LocalWithoutMcp(path) => argv.pair("--plugin-dir", path),
        }
    }
    push_extra_args(&mut argv, &options.extra_args)?;
    push_thinking(&mut argv, options);
    if let Some(effort) = options.effort {
        argv.pair("--effort", effort.as_str());
    }
    if let Some(schema) = json_schema(options.output_format.as_ref()) {
        argv.pair("--json-schema", schema);
    }
    argv.pair("--input-format", "stream-json");
    Ok(argv.0)
}

/// An argument list with helpers for the few flag shapes the CLI uses.
#[derive(Default)]
pub(super) struct Argv(pub(super) Vec<OsString>);

impl Argv {
    pub(super) fn flag(&mut self, flag: &str) {
        self.0.push(flag.into());
    }

    pub(super) fn flag_if(&mut self, flag: &str, on: bool) {
        if on {
            self.flag(flag);
        }
    }

    pub(super) fn pair(&mut self, flag: &str, value: impl AsRef<std::ffi::OsStr>) {
        self.0.push(flag.into());
        self.0.push(value.as_ref().to_owned());
    }

    pub(super) fn non_empty(&mut self, flag: &str, value: Option<&str>) {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            self.pair(flag, v);
        }
    }

    /// `--flag=value`: the value stays bound to the flag whatever it starts with.
    pub(super) fn joined(&mut self, flag: &str, value: Option<&str>) {
        if let Some(v) = value {
            self.0.push(format!("{flag}={v}").into());
        }
    }

    pub(super) fn list(&mut self, flag: &str, items: &[String]) {
        if !items.is_empty() {
            self.pair(flag, items.join(","));
        }
    }
}

fn permission_prompt_tool(options: &ClaudeAgentOptions) -> Result<Option<&str>> {
    let named = options
        .permission_prompt_tool_name
        .as_deref()
        .filter(|s| !s.is_empty());
    match (&options.can_use_tool, named) {
        (Some(_), Some(_)) => Err(Error::InvalidOptions(
            "can_use_tool callback cannot be used with permission_prompt_tool_name. Please use one or the other.".into(),
        )),
        (Some(_), None) => Ok(Some("stdio")),
        (None, named) => Ok(named),
    }
}

fn push_system_prompt(argv: &mut Argv, prompt: &SystemPrompt) {
    match prompt {
        SystemPrompt::None => argv.pair("--system-prompt", ""),
        SystemPrompt::Text(text) => argv.pair("--system-prompt", text),
        SystemPrompt::File(path) => argv.pair("--system-prompt-file", path),
        SystemPrompt::Parts(parts) | SystemPrompt::Custom { prompt: parts, .. } => {
            argv.pair("--system-prompt", parts.join("\n\n"))
        }
        SystemPrompt::Preset {
            append: Some(text), ..
        } => argv.pair("--append-system-prompt", text),
        SystemPrompt::Preset { append: None, .. } => {}
    }
}

fn push_tools(argv: &mut Argv, tools: Option<&Tools>) {
    match tools {
        Some(Tools::List(names)) => argv.pair("--tools", names.join(",")),
        Some(Tools::Preset) => argv.pair("--tools", "default"),
        None => {}
    }
}

/// Effective allowed tools and setting sources once `skills` is applied.
fn apply_skills(options: &ClaudeAgentOptions) -> Result<(Vec<String>, Option<Vec<SettingSource>>)> {
    let mut allowed = options.allowed_tools.clone();
    let mut sources = options.setting_sources.clone();
    let Some(skills) = &options.skills else {
        return Ok((allowed, sources));
    };
    let rules: Vec<String> = match skills {
        Skills::All => vec!["Skill".to_string()],
        Skills::List(names) => names
            .iter()
            .map(|n| check_skill_name(n).map(|()| format!("Skill({n})")))
            .collect::<Result<_>>()?,
    };
    for rule in rules {
        if !allowed.contains(&rule) {
            allowed.push(rule);
        }
    }
    sources.get_or_insert_with(|| vec![SettingSource::User, SettingSource::Project]);
    Ok((allowed, sources))
}

/// Rejects names that cannot travel inside a `Skill(name)` rule of `--allowedTools` (split on
/// commas and parentheses) or that could never match a skill.
pub(super) fn check_skill_name(name: &str) -> Result<()> {
    let problem = if name.trim().is_empty() {
        Some("it is empty")
    } else if name != name.trim() {
        Some("it has leading or trailing whitespace")
    } else if name
        .chars()
        .any(|c| matches!(c, '(' | ')' | ',' | '\u{feff}') || c.is_control())
    {
        Some("parentheses, commas, control characters and byte-order marks are not allowed")
    } else if name == "*" || name.ends_with(":*") || name.ends_with(" *") {
        Some("wildcards are not allowed (use Skills::All for every skill)")
    } else if name.starts_with('/') {
        Some("use the skill's name, not the slash-command form")
    } else if name.contains("\\\\") || name.ends_with('\\') {
        Some("doubled or trailing backslashes are not allowed")
    } else {
        None
    };
    match problem {
        Some(why) => Err(Error::InvalidOptions(format!(
            "invalid skill name {name:?}: {why}"
        ))),
        None => Ok(()),
    }
}

pub(super) fn budget_text(usd: f64) -> Result<String> {
    if usd.is_finite() {
        Ok(usd.to_string())
    } else {
        Err(Error::InvalidOptions(format!(
            "max_budget_usd must be a finite number, got {usd}"
        )))
    }
}

/// The `--settings` value: `settings` as given, or with `sandbox` merged in under `sandbox`.
fn settings_value(options: &ClaudeAgentOptions) -> Result<Option<String>> {
    let Some(sandbox) = &options.sandbox else {
        return Ok(options.settings.clone());
    };
    let mut merged = match options.settings.as_deref() {
        Some(settings) => load_settings(settings, options.cwd.as_deref())?,
        None => Map::new(),
    };
    merged.insert("sandbox".into(), sandbox.clone());
    Ok(Some(Value::Object(merged).to_string()))
}

/// Parses inline JSON settings, or reads a settings file (relative to `cwd`, as the CLI does).
pub(super) fn load_settings(settings: &str, cwd: Option<&Path>) -> Result<Map<String, Value>> {
    let settings = settings.trim();
    let is_inline = settings.starts_with('{') && settings.ends_with('}');
    let failed =
        |why: String| Error::InvalidOptions(format!("failed to load settings {settings:?}: {why}"));
    let text = if is_inline {
        settings.to_string()
    } else {
        let path = cwd.unwrap_or(Path::new("")).join(settings);
        std::fs::read_to_string(&path).map_err(|e| failed(format!("{}: {e}", path.display())))?
    };
    match serde_json::from_str(text.trim_start_matches('\u{feff}')) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(failed("not a JSON object".into())),
        Err(e) => Err(failed(e.to_string())),
    }
}

/// The `--mcp-config` value from `mcp_servers` (in-process servers as `{"type":"sdk","name":N}`)
/// or `mcp_config`.
fn mcp_config_value(options: &ClaudeAgentOptions) -> Result<Option<String>> {
    let given = options.mcp_config.as_ref().filter(|s| !s.is_empty());
    if options.mcp_servers.is_empty() {
        return Ok(given.cloned());
    }
    if given.is_some() {
        return Err(Error::InvalidOptions(
            "set either mcp_servers or mcp_config, not both".into(),
        ));
    }
    let servers: Map<String, Value> = options
        .mcp_servers
        .iter()
        .map(|(name, config)| (name.clone(), mcp_server_json(config)))
        .collect();
    Ok(Some(
        serde_json::json!({ "mcpServers": servers }).to_string(),
    ))
}

fn mcp_server_json(config: &McpServerConfig) -> Value {
    match config {
        McpServerConfig::External(value) => value.clone(),
        McpServerConfig::Sdk(server) => serde_json::json!({"type": "sdk", "name": server.name}),
    }
}

fn push_extra_args(argv: &mut Argv, extra: &[(String, Option<String>)]) -> Result<()> {
    for (name, value) in extra {
        if name.is_empty() {
            return Err(Error::InvalidOptions(
                "extra_args contains an empty flag name".into(),
            ));
        }
        match value {
            None => argv.flag(&format!("--{name}")),
            Some(v) if v.starts_with('-') => argv.joined(&format!("--{name}"), Some(v)),
            Some(v) => argv.pair(&format!("--{name}"), v),
        }
    }
    Ok(())
}

fn push_thinking(argv: &mut Argv, options: &ClaudeAgentOptions) {
    let display = match &options.thinking {
        Some(Thinking::Adaptive { display }) => {
            argv.pair("--thinking", "adaptive");
            display
        }
        Some(Thinking::Enabled {
            budget_tokens,
            display,
        }) => {
            argv.pair("--max-thinking-tokens", budget_tokens.to_string());
            display
        }
        Some(Thinking::Disabled) => {
            argv.pair("--thinking", "disabled");
            &None
        }
        None => {
            if let Some(tokens) = options.max_thinking_tokens {
                argv.pair("--max-thinking-tokens", tokens.to_string());
            }
            &None
        }
    };
    if let Some(display) = display {
        argv.pair("--thinking-display", display.as_str());
    }
}

/// The schema of a `{"type": "json_schema", "schema": ...}` output format, as JSON text.
pub(super) fn json_schema(format: Option<&Value>) -> Option<String> {
    let format = format?;
    if format.get("type").and_then(Value::as_str) != Some("json_schema") {
        return None;
    }
    format
        .get("schema")
        .filter(|s| !s.is_null())
        .map(Value::to_string)
}
