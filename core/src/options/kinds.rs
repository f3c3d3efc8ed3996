//! The value types of the options: permission modes, system prompts, tools, thinking, agents.

use crate::mcp::SdkMcpServer;
use crate::Error;
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

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
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                match text.as_str() {
                    $($text => Ok($ty::$variant),)+
                    other => Err(serde::de::Error::unknown_variant(other, &[$($text),+])),
                }
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
        /// The prompt: its text, or (the TypeScript SDK's `string[]` form) its parts.
        prompt: Vec<String>,
        /// Keep the prompt recorded on the first request for the whole session (sent in `initialize`).
        snapshot: Option<bool>,
    },
    /// Read the system prompt from a file (`--system-prompt-file`).
    File(PathBuf),
    /// A custom system prompt in parts (the TypeScript SDK's `string[]` form).
    Parts(Vec<String>),
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
    /// A plugin directory whose MCP servers are not started (`--plugin-dir-no-mcp`).
    LocalWithoutMcp(PathBuf),
}

impl Plugin {
    /// The plugin's directory.
    pub fn path(&self) -> &std::path::Path {
        match self {
            Plugin::Local(path) | Plugin::LocalWithoutMcp(path) => path,
        }
    }

    /// The `initialize` form (`{"type": "local", "path": ..., "skipMcpDiscovery"?: true}`).
    pub fn to_value(&self) -> Value {
        let mut wire = Map::new();
        wire.insert("type".into(), "local".into());
        wire.insert("path".into(), self.path().to_string_lossy().into());
        if matches!(self, Plugin::LocalWithoutMcp(_)) {
            wire.insert("skipMcpDiscovery".into(), true.into());
        }
        Value::Object(wire)
    }
}

/// Where an option travels: on the command line or in the `initialize` request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Delivery {
    /// On argv (visible to other users of the machine).
    Argv,
    /// In the `initialize` request over stdin.
    Initialize,
}

string_enum!(Delivery { Argv => "argv", Initialize => "initialize" });

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum AgentEffort {
    /// A named level.
    Level(Effort),
    /// A numeric effort.
    Value(u32),
}

/// An MCP server available to a sub-agent.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum AgentMcpServer {
    /// A server configured for the session, by name.
    Name(String),
    /// An inline `{name: config}` object.
    Inline(Map<String, Value>),
}

/// A custom sub-agent the model can start through the Agent tool (sent in `initialize`).
///
/// Serialises to the camelCase wire shape, leaving out unset fields; reads either spelling.
#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentDefinition {
    /// When to use this agent.
    pub description: String,
    /// The agent's system prompt.
    pub prompt: String,
    /// Tools the agent may use (all tools when unset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tools: Option<Vec<String>>,
    /// Tools the agent may not use.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "disallowed_tools"
    )]
    pub disallowed_tools: Option<Vec<String>>,
    /// Model alias (`sonnet`, `opus`, `haiku`, `inherit`) or full model id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Skills the agent may use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skills: Option<Vec<String>>,
    /// Where the agent keeps memory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<AgentMemory>,
    /// MCP servers available to the agent.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "mcp_servers"
    )]
    pub mcp_servers: Option<Vec<AgentMcpServer>>,
    /// A first prompt the agent starts with.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "initial_prompt"
    )]
    pub initial_prompt: Option<String>,
    /// Turn limit of the agent.
    #[serde(default, skip_serializing_if = "Option::is_none", alias = "max_turns")]
    pub max_turns: Option<u32>,
    /// Run the agent in the background.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub background: Option<bool>,
    /// The agent's effort.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effort: Option<AgentEffort>,
    /// The agent's permission mode.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "permission_mode"
    )]
    pub permission_mode: Option<PermissionMode>,
    /// Fields this version does not know, sent as given.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
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
    pub fn to_value(&self) -> Value {
        // Serialising plain strings, numbers and maps cannot fail.
        serde_json::to_value(self).unwrap_or(Value::Null)
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
            agent.to_value(),
            json!({"description": "d", "prompt": "p", "tools": ["Read"], "disallowedTools": [],
                   "memory": "project", "mcpServers": ["fs"], "initialPrompt": "go", "maxTurns": 2,
                   "background": false, "effort": "high", "permissionMode": "acceptEdits"})
        );
        assert_eq!(
            AgentDefinition::new("d", "p").to_value(),
            json!({"description": "d", "prompt": "p"})
        );
    }
}
