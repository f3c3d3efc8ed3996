//! What the options contribute to the `initialize` request.

use crate::options::{ClaudeAgentOptions, Skills, SystemPrompt};
use serde_json::{Map, Value};

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
    use crate::options::*;
    use serde_json::{json, Value};

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
}
