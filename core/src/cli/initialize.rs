//! What the options put in the `initialize` request, per flavour.

use super::args_ts::{external_mcp_servers, mcp_servers_in_initialize, plugins_in_initialize};
use crate::flavour::Flavour;
use crate::hooks::HookRegistry;
use crate::options::{ClaudeAgentOptions, McpServerConfig, Skills, SystemPrompt};
use serde_json::{Map, Value};

impl ClaudeAgentOptions {
    /// The body of the `initialize` request (without `subtype`) for these options, with the
    /// callback ids of `hooks`, as the flavour's official SDK sends it.
    ///
    /// Python (and Rust): `hooks` (or `null`), `agents`, `excludeDynamicSections`,
    /// `systemPromptSnapshot`, `skills` (a list only) and `forwardSubagentText`; everything else
    /// is on argv. TypeScript: also the system prompt, in-process MCP server names, the JSON
    /// schema, the session extras (title, tool aliases, dialogs, ...), and the MCP servers and
    /// plugins when their delivery is `initialize`.
    pub fn initialize_request(&self, hooks: &HookRegistry) -> Map<String, Value> {
        match self.flavour {
            Flavour::Ts => self.ts_initialize(hooks),
            Flavour::Python | Flavour::Rust => {
                let mut fields = Map::new();
                fields.insert("hooks".into(), hooks.initialize_hooks());
                fields.extend(self.initialize_fields());
                fields
            }
        }
    }

    /// True when a prompt must wait for the answer to this `initialize` request, not only for
    /// the request to be written (the TypeScript SDK's rule): it carries settings, disallowed
    /// tools or MCP servers the CLI must confirm first, or a hook whose failure blocks.
    pub(crate) fn prompt_waits_for_initialize(request: &Map<String, Value>) -> bool {
        const CONFIRMED_FIRST: [&str; 4] = [
            "managedSettings",
            "settings",
            "disallowedTools",
            "mcpServers",
        ];
        let blocking_hook = request
            .get("hooks")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|events| events.values())
            .filter_map(Value::as_array)
            .flatten()
            .any(|matcher| {
                matcher
                    .get("onFailure")
                    .is_some_and(|mode| !mode.is_null() && mode != "continue")
            });
        blocking_hook || CONFIRMED_FIRST.iter().any(|key| request.contains_key(*key))
    }

    /// The Python SDK's `initialize` fields besides `hooks`: `agents`, `excludeDynamicSections`,
    /// `systemPromptSnapshot`, `skills` (only for an explicit list) and `forwardSubagentText`.
    /// Unset options add nothing.
    pub fn initialize_fields(&self) -> Map<String, Value> {
        let mut fields = Map::new();
        if !self.agents.is_empty() {
            fields.insert("agents".into(), self.agents_wire());
        }
        let (exclude, snapshot) = prompt_flags(&self.system_prompt);
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

    /// `{name: manifest}` of the in-process servers that have tools, unless the environment
    /// turns manifests off (`CLAUDE_AGENT_SDK_DISABLE_MCP_MANIFESTS`), as the TypeScript SDK does.
    fn sdk_server_manifests(&self) -> Option<Value> {
        let disabled = std::env::var("CLAUDE_AGENT_SDK_DISABLE_MCP_MANIFESTS").is_ok_and(|v| {
            matches!(
                v.trim().to_ascii_lowercase().as_str(),
                "1" | "true" | "yes" | "on"
            )
        });
        let manifests: Map<String, Value> = self
            .mcp_servers
            .iter()
            .filter_map(|(name, config)| match config {
                McpServerConfig::Sdk(server) if !server.tools.is_empty() => {
                    Some((name.clone(), server.manifest()))
                }
                _ => None,
            })
            .collect();
        (!disabled && !manifests.is_empty()).then_some(Value::Object(manifests))
    }

    fn agents_wire(&self) -> Value {
        Value::Object(
            self.agents
                .iter()
                .map(|(name, agent)| (name.clone(), agent.to_value()))
                .collect(),
        )
    }

    /// The TypeScript SDK's request, in its key order; unset values are left out.
    fn ts_initialize(&self, hooks: &HookRegistry) -> Map<String, Value> {
        let mut out = Map::new();
        let mut put = |key: &str, value: Option<Value>| {
            if let Some(value) = value {
                out.insert(key.into(), value);
            }
        };
        put("hooks", ts_hooks(hooks.initialize_hooks()));
        let sdk_servers: Vec<Value> = self
            .mcp_servers
            .iter()
            .filter(|(_, config)| matches!(config, McpServerConfig::Sdk(_)))
            .map(|(name, _)| Value::String(name.clone()))
            .collect();
        put(
            "sdkMcpServers",
            (!sdk_servers.is_empty()).then(|| Value::Array(sdk_servers)),
        );
        let configs: Map<String, Value> = self
            .mcp_servers
            .iter()
            .filter_map(|(name, config)| match config {
                McpServerConfig::Sdk(server) if !server.settings.is_empty() => {
                    Some((name.clone(), Value::Object(server.settings.clone())))
                }
                _ => None,
            })
            .collect();
        put(
            "sdkMcpServerConfigs",
            (!configs.is_empty()).then_some(Value::Object(configs)),
        );
        put("sdkMcpServerManifests", self.sdk_server_manifests());
        let schema = super::args::json_schema(self.output_format.as_ref())
            .and_then(|text| serde_json::from_str(&text).ok());
        put("jsonSchema", schema);
        let (prompt, append) = match &self.system_prompt {
            SystemPrompt::None => (Some(vec![String::new()]), None),
            SystemPrompt::Text(text) => (Some(vec![text.clone()]), None),
            SystemPrompt::Parts(parts) | SystemPrompt::Custom { prompt: parts, .. } => {
                (Some(parts.clone()), None)
            }
            SystemPrompt::File(path) => (Some(vec![path.to_string_lossy().into_owned()]), None),
            SystemPrompt::Preset { append, .. } => (None, append.clone()),
        };
        put("systemPrompt", prompt.map(Value::from));
        put("appendSystemPrompt", append.map(Value::from));
        put(
            "planModeInstructions",
            self.plan_mode_instructions.clone().map(Value::from),
        );
        let (exclude, snapshot) = prompt_flags(&self.system_prompt);
        put("systemPromptSnapshot", snapshot.map(Value::Bool));
        put("toolAliases", self.tool_aliases.clone().map(Value::Object));
        put("excludeDynamicSections", exclude.map(Value::Bool));
        put(
            "agents",
            (!self.agents.is_empty()).then(|| self.agents_wire()),
        );
        put("title", self.title.clone().map(Value::from));
        let skills = match &self.skills {
            Some(Skills::List(names)) => Some(Value::from(names.clone())),
            _ => None,
        };
        put("skills", skills);
        put(
            "promptSuggestions",
            self.prompt_suggestions.map(Value::Bool),
        );
        put(
            "agentProgressSummaries",
            self.agent_progress_summaries.map(Value::Bool),
        );
        put(
            "forwardSubagentText",
            self.forward_subagent_text.then_some(Value::Bool(true)),
        );
        put(
            "supportedDialogKinds",
            self.supported_dialog_kinds.clone().map(Value::from),
        );
        put(
            "perTaskStopAffordance",
            self.per_task_stop_affordance.map(Value::Bool),
        );
        let plugins = plugins_in_initialize(self)
            .then(|| Value::Array(self.plugins.iter().map(|p| p.to_value()).collect()));
        put("plugins", plugins);
        let servers =
            mcp_servers_in_initialize(self).then(|| Value::Object(external_mcp_servers(self)));
        put("mcpServers", servers);
        out
    }
}

/// `excludeDynamicSections` and `systemPromptSnapshot` of a system prompt.
fn prompt_flags(prompt: &SystemPrompt) -> (Option<bool>, Option<bool>) {
    match prompt {
        SystemPrompt::Preset {
            exclude_dynamic_sections,
            snapshot,
            ..
        } => (*exclude_dynamic_sections, *snapshot),
        SystemPrompt::Custom { snapshot, .. } => (None, *snapshot),
        _ => (None, None),
    }
}

/// The TypeScript SDK leaves out `hooks` when there are none, and `matcher` when it is unset.
fn ts_hooks(hooks: Value) -> Option<Value> {
    let Value::Object(mut events) = hooks else {
        return None;
    };
    for matchers in events.values_mut() {
        for matcher in matchers.as_array_mut().into_iter().flatten() {
            if let Some(entry) = matcher.as_object_mut() {
                if entry.get("matcher") == Some(&Value::Null) {
                    entry.remove("matcher");
                }
            }
        }
    }
    Some(Value::Object(events))
}

#[cfg(test)]
mod tests {
    use crate::options::*;
    use serde_json::{json, Value};

    /// The manifest the official TypeScript SDK 0.3.330 sent for a `calc` server (version
    /// 2.0.0) with one read-only `add(a, b)` tool (its zod-made `$schema` key left out).
    #[test]
    fn ts_initialize_carries_the_manifests_of_in_process_servers() {
        let add = crate::mcp::tool(
            "add",
            "Add numbers",
            json!({"type": "object", "properties": {"a": {"type": "number"}, "b": {"type": "number"}}, "required": ["a", "b"]}),
            |_| async { Ok(crate::mcp::ToolResult::text("")) },
        )
        .annotations(json!({"readOnlyHint": true}));
        let server = crate::mcp::SdkMcpServer::new("calc")
            .version("2.0.0")
            .tool(add);
        let options = ClaudeAgentOptions {
            flavour: crate::Flavour::Ts,
            ..ClaudeAgentOptions::new().sdk_mcp_server(server)
        };
        let init = options.initialize_request(&crate::hooks::HookRegistry::new(&[]));
        assert_eq!(init["sdkMcpServers"], json!(["calc"]));
        assert_eq!(
            init["sdkMcpServerManifests"],
            json!({"calc": {"initializeResult": {"protocolVersion": "2025-11-25", "capabilities": {"tools": {"listChanged": true}}, "serverInfo": {"name": "calc", "version": "2.0.0"}},
                   "toolsListResult": {"tools": [{"name": "add", "description": "Add numbers",
                       "inputSchema": {"type": "object", "properties": {"a": {"type": "number"}, "b": {"type": "number"}}, "required": ["a", "b"]},
                       "annotations": {"readOnlyHint": true}, "execution": {"taskSupport": "forbidden"}}]}}})
        );
        let keys: Vec<&String> = init.keys().collect();
        assert_eq!(
            keys,
            ["sdkMcpServers", "sdkMcpServerManifests", "systemPrompt"]
        );
    }

    #[test]
    fn ts_initialize_carries_the_settings_of_in_process_server_configs() {
        let data = json!({"mcpServers": {
            "calc": {"type": "sdk", "name": "calc", "instance": {"$server": 0}, "timeout": 9000, "tools": "x"},
            "bare": {"type": "sdk", "name": "bare", "instance": {"$server": 1}},
        }});
        let callbacks = crate::options::Callbacks {
            mcp_servers: vec![
                crate::mcp::SdkMcpServer::new("calc"),
                crate::mcp::SdkMcpServer::new("bare"),
            ],
            ..Default::default()
        };
        let options = ClaudeAgentOptions::from_value(data, crate::Flavour::Ts, callbacks).unwrap();
        let init = options.initialize_request(&crate::hooks::HookRegistry::new(&[]));
        assert_eq!(
            init["sdkMcpServerConfigs"],
            json!({"calc": {"timeout": 9000}})
        );
        let keys: Vec<&String> = init.keys().take(2).collect();
        assert_eq!(keys, ["sdkMcpServers", "sdkMcpServerConfigs"]);
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
                prompt: vec!["p".into()],
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
    fn the_prompt_waits_for_what_the_cli_must_confirm() {
        let waits = |request: Value| {
            let Value::Object(request) = request else {
                unreachable!()
            };
            ClaudeAgentOptions::prompt_waits_for_initialize(&request)
        };
        assert!(!waits(
            json!({"subtype": "initialize", "systemPrompt": [""]})
        ));
        for key in [
            "managedSettings",
            "settings",
            "disallowedTools",
            "mcpServers",
        ] {
            assert!(waits(json!({ key: {} })), "{key}");
        }
        let hooks = |on_failure: Value| {
            json!({"hooks": {"Stop": [{"hookCallbackIds": ["hook_0"]}],
                             "PreToolUse": [{"hookCallbackIds": ["hook_1"], "onFailure": on_failure}]}})
        };
        assert!(waits(hooks(json!("block"))));
        assert!(!waits(hooks(json!("continue"))));
        assert!(!waits(hooks(Value::Null)));
    }
}
