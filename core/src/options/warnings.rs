//! The advisory warnings the official SDKs emit for some option combinations, with each
//! flavour's wording. Bindings only emit them (Python `warnings.warn`, Node
//! `process.emitWarning`).

use super::{ClaudeAgentOptions, McpServerConfig, PermissionMode, Skills};
use crate::Flavour;

/// Which warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WarningKind {
    /// `can_use_tool` is set, but other options approve tool calls before it is asked.
    CanUseToolShadowed,
    /// MCP servers go on the command line of a CLI the app starts itself, with no explicit
    /// `mcp_servers_delivery` (TypeScript SDK: that default is deprecated).
    McpServersOnArgvDeprecated,
}

/// One warning: what it is, how each runtime names it, and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Which warning.
    pub kind: WarningKind,
    /// The Python warning class (`CanUseToolShadowedWarning`, `DeprecationWarning`).
    pub category: &'static str,
    /// The Node warning `code` (and its `type` is `DeprecationWarning` for deprecations).
    pub code: &'static str,
    /// The message, in the flavour's official wording.
    pub message: String,
}

impl ClaudeAgentOptions {
    /// The warnings the flavour's official SDK emits for these options, in order.
    pub fn warnings(&self) -> Vec<Warning> {
        let mut out = Vec::new();
        if let Some(message) = self.can_use_tool_shadowed() {
            out.push(Warning {
                kind: WarningKind::CanUseToolShadowed,
                category: "CanUseToolShadowedWarning",
                code: "CLAUDE_SDK_CAN_USE_TOOL_SHADOWED",
                message,
            });
        }
        let external_servers = self
            .mcp_servers
            .iter()
            .any(|(_, c)| matches!(c, McpServerConfig::External(_)));
        if self.flavour == Flavour::Ts
            && external_servers
            && self.mcp_servers_delivery.is_none()
            && self.cli_path.is_some()
        {
            out.push(Warning {
                kind: WarningKind::McpServersOnArgvDeprecated,
                category: "DeprecationWarning",
                code: "CLAUDE_SDK_MCP_SERVERS_ARGV_DEPRECATED",
                message: "This app starts its own Claude Code (pathToClaudeCodeExecutable or spawnClaudeCodeProcess) and sets no mcpServersDelivery, so its MCP servers go on Claude Code's command line, where other users of the machine can read their env and headers. That default is deprecated: a future SDK release sends them over stdin instead ('initialize'), which a Claude Code older than the one bundled with this SDK cannot read, so those sessions would then fail to start. Set mcpServersDelivery: 'initialize' once that Claude Code is at least the bundled version, or mcpServersDelivery: 'argv' to stay on the command line. Either setting stops this warning.".into(),
            });
        }
        out
    }

    fn can_use_tool_shadowed(&self) -> Option<String> {
        self.can_use_tool.as_ref()?;
        let bypass = self.permission_mode == Some(PermissionMode::BypassPermissions);
        if self.flavour == Flavour::Ts {
            if bypass {
                return Some("canUseTool will not be invoked: permissionMode 'bypassPermissions' auto-approves every tool call (except explicit deny rules) before the callback is consulted. To gate every tool call, use a PreToolUse hook instead.".into());
            }
            // Only bare names count here (the TypeScript SDK's rule).
            let bare: Vec<&str> = self
                .allowed_tools
                .iter()
                .map(String::as_str)
                .filter(|t| !t.is_empty() && !t.contains('('))
                .collect();
            if bare.is_empty() {
                return None;
            }
            return Some(format!("canUseTool will not be invoked for: {}. Bare allowedTools entries auto-approve the whole tool before the callback is consulted. To gate every tool call, use a PreToolUse hook; or remove the bare names from allowedTools so they fall through to canUseTool. Allow rules from settings files can also shadow the callback but are not visible here.", bare.join(", ")));
        }
        if bypass {
            return Some("can_use_tool will not be invoked: permission_mode 'bypassPermissions' auto-approves every tool call (except explicit deny rules) before the callback is consulted. To gate every tool call, use a PreToolUse hook instead.".into());
        }
        let mut entries: Vec<&str> = self.allowed_tools.iter().map(String::as_str).collect();
        if self.skills == Some(Skills::All) && !entries.contains(&"Skill") {
            entries.push("Skill");
        }
        let mut shadowed: Vec<&str> = Vec::new();
        for tool in entries.into_iter().filter_map(whole_tool) {
            if !shadowed.contains(&tool) {
                shadowed.push(tool);
            }
        }
        if shadowed.is_empty() {
            return None;
        }
        Some(format!("can_use_tool will not be invoked for: {}. An allowed_tools entry that allows a whole tool auto-approves it before the callback is consulted. To gate every tool call, use a PreToolUse hook; or narrow the entry so calls fall through to can_use_tool. Allow rules from settings files can also shadow the callback but are not visible here.", shadowed.join(", ")))
    }
}

/// The tool an `allowed_tools` entry approves whole (`Read`, `Read()`, `Read(*)`), as the CLI's
/// rule parser reads it; `None` for a real specifier (`Bash(ls:*)`) or a malformed entry.
fn whole_tool(entry: &str) -> Option<&str> {
    if entry.trim().is_empty() {
        return None;
    }
    let Some(open) = entry.find('(') else {
        return Some(entry);
    };
    if open == 0 || !entry.ends_with(')') {
        return None;
    }
    matches!(&entry[open + 1..entry.len() - 1], "" | "*").then(|| &entry[..open])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::permission::{can_use_tool, PermissionResult};

    fn with_callback(flavour: Flavour) -> ClaudeAgentOptions {
        ClaudeAgentOptions {
            flavour,
            can_use_tool: Some(can_use_tool(|_, _, _| async {
                Ok(PermissionResult::allow())
            })),
            ..Default::default()
        }
    }

    #[test]
    fn shadowing_per_flavour() {
        let mut py = with_callback(Flavour::Python);
        py.allowed_tools = vec![
            "Read".into(),
            "Read()".into(),
            "Bash(ls:*)".into(),
            "Grep(*)".into(),
        ];
        py.skills = Some(Skills::All);
        let w = py.warnings();
        assert_eq!(w.len(), 1);
        assert!(
            w[0].message
                .starts_with("can_use_tool will not be invoked for: Read, Grep, Skill."),
            "{}",
            w[0].message
        );
        assert_eq!(w[0].category, "CanUseToolShadowedWarning");

        let mut ts = with_callback(Flavour::Ts);
        ts.allowed_tools = vec!["Read".into(), "Read()".into(), "Bash(ls:*)".into()];
        assert!(ts.warnings()[0]
            .message
            .starts_with("canUseTool will not be invoked for: Read."));

        let mut bypass = with_callback(Flavour::Python);
        bypass.permission_mode = Some(PermissionMode::BypassPermissions);
        assert!(bypass.warnings()[0].message.contains("'bypassPermissions'"));

        assert!(with_callback(Flavour::Python).warnings().is_empty());
        let no_callback = ClaudeAgentOptions {
            allowed_tools: vec!["Read".into()],
            ..Default::default()
        };
        assert!(no_callback.warnings().is_empty());
    }

    #[test]
    fn mcp_on_argv_is_deprecated_for_an_own_cli_in_ts() {
        let options = ClaudeAgentOptions {
            flavour: Flavour::Ts,
            cli_path: Some("/x/claude".into()),
            mcp_servers: vec![(
                "s".into(),
                McpServerConfig::External(serde_json::json!({"command": "x"})),
            )],
            ..Default::default()
        };
        assert_eq!(
            options.warnings()[0].kind,
            WarningKind::McpServersOnArgvDeprecated
        );
        let python = ClaudeAgentOptions {
            flavour: Flavour::Python,
            ..options.clone()
        };
        assert!(python.warnings().is_empty());
    }
}
