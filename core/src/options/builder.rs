//! Builder setters of [`ClaudeAgentOptions`].

use super::*;
use crate::mcp::SdkMcpServer;
use std::path::PathBuf;
use std::time::Duration;

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

    /// Sets [`session_store`](Self::session_store).
    pub fn session_store(mut self, store: Arc<dyn crate::sessions::SessionStore>) -> Self {
        self.session_store = Some(store);
        self
    }

    /// Sets [`session_store_flush`](Self::session_store_flush).
    pub fn session_store_flush(mut self, mode: crate::sessions::FlushMode) -> Self {
        self.session_store_flush = mode;
        self
    }

    /// Sets [`load_timeout`](Self::load_timeout).
    pub fn load_timeout(mut self, limit: Duration) -> Self {
        self.load_timeout = Some(limit);
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

    /// Sets [`startup`](Self::startup).
    pub fn startup(mut self, startup: Startup) -> Self {
        self.startup = Some(startup);
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

#[cfg(test)]
mod tests {
    use super::*;

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
