//! What the TypeScript SDK hands its callbacks, built from the CLI's request bodies.
//!
//! The Python SDK gives its callbacks typed objects ([`ToolPermissionContext`], ...); the
//! TypeScript SDK gives plain objects in camelCase, which these functions build, so the Node
//! binding only adds the `AbortSignal`. An answer of `null` from a TypeScript permission,
//! elicitation or dialog callback means "stay silent": the CLI gets no answer from us.

use crate::permission::ToolPermissionContext;
use serde_json::{Map, Value};

/// Renames: `(wire field, TypeScript field)`, copied when present.
const PERMISSION_FIELDS: &[(&str, &str)] = &[
    ("permission_suggestions", "suggestions"),
    ("blocked_path", "blockedPath"),
    ("decision_reason", "decisionReason"),
    ("title", "title"),
    ("display_name", "displayName"),
    ("description", "description"),
    ("default_to_no", "defaultToNo"),
    ("suppress_always_allow_rule", "suppressAlwaysAllowRule"),
    ("tool_use_id", "toolUseID"),
    ("agent_id", "agentID"),
];

/// Renames copied only when the value has the given JSON type (`"string"`, `"boolean"`).
const TYPED_FIELDS: &[(&str, &str, &str)] = &[
    ("decision_reason_type", "decisionReasonType", "string"),
    ("decision_reason_code", "decisionReasonCode", "string"),
    ("server_policy_ask_only", "serverPolicyAskOnly", "boolean"),
    ("plugin", "plugin", "string"),
    (
        "requires_user_interaction",
        "requiresUserInteraction",
        "boolean",
    ),
    ("server_prompt", "serverPrompt", "string"),
];

fn has_type(value: &Value, kind: &str) -> bool {
    match kind {
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        _ => false,
    }
}

/// The third argument of `canUseTool(toolName, input, options)`, without `signal`.
pub fn permission_options(context: &ToolPermissionContext, request_id: &str) -> Value {
    let empty = Map::new();
    let raw = context.raw.as_object().unwrap_or(&empty);
    let mut out = Map::new();
    for (wire, ts) in PERMISSION_FIELDS {
        if let Some(value) = raw.get(*wire) {
            out.insert((*ts).into(), value.clone());
        }
    }
    for (wire, ts, kind) in TYPED_FIELDS {
        if let Some(value) = raw.get(*wire).filter(|v| has_type(v, kind)) {
            out.insert((*ts).into(), value.clone());
        }
    }
    if let Some(server) = raw.get("mcp_server").filter(|v| v.is_object()) {
        let mut picked = Map::new();
        for key in ["name", "source"] {
            if let Some(value) = server.get(key) {
                picked.insert(key.into(), value.clone());
            }
        }
        out.insert("mcpServer".into(), Value::Object(picked));
    }
    if let Some(folder) = raw.get("computer_folder").filter(|f| {
        f.get("path").is_some_and(Value::is_string)
            && f.get("computer_name").is_some_and(Value::is_string)
    }) {
        let mut picked = Map::new();
        for key in ["path", "computer_name"] {
            picked.insert(key.into(), folder[key].clone());
        }
        out.insert("computerFolder".into(), Value::Object(picked));
    }
    if let Some(rule) = raw.get("matched_ask_rule").filter(|v| v.is_object()) {
        let mut picked = Map::new();
        picked.insert(
            "source".into(),
            rule.get("source").cloned().unwrap_or(Value::Null),
        );
        picked.insert(
            "toolName".into(),
            rule.get("tool_name").cloned().unwrap_or(Value::Null),
        );
        if let Some(content) = rule.get("rule_content") {
            picked.insert("ruleContent".into(), content.clone());
        }
        out.insert("matchedAskRule".into(), Value::Object(picked));
    }
    out.insert("requestId".into(), request_id.into());
    Value::Object(out)
}

/// The permission answer sent for a TypeScript callback's result: the result as returned,
/// plus the request's `toolUseID`.
pub fn permission_answer(result: Value, context: &ToolPermissionContext) -> Value {
    let mut out = match result {
        Value::Object(map) => map,
        other => return other,
    };
    let tool_use_id = context.raw.get("tool_use_id").cloned();
    match tool_use_id {
        Some(id) => {
            out.insert("toolUseID".into(), id);
        }
        None => {
            out.remove("toolUseID");
        }
    }
    Value::Object(out)
}

/// The first argument of `onElicitation(request, options)`.
pub fn elicitation_request(request: &Map<String, Value>) -> Value {
    rename(
        request,
        &[
            ("mcp_server_name", "serverName"),
            ("message", "message"),
            ("mode", "mode"),
            ("url", "url"),
            ("elicitation_id", "elicitationId"),
            ("requested_schema", "requestedSchema"),
            ("title", "title"),
            ("display_name", "displayName"),
            ("description", "description"),
        ],
    )
}

/// The first argument of `onUserDialog(request, options)`.
pub fn user_dialog_request(request: &Map<String, Value>) -> Value {
    rename(
        request,
        &[
            ("dialog_kind", "dialogKind"),
            ("payload", "payload"),
            ("tool_use_id", "toolUseID"),
        ],
    )
}

fn rename(request: &Map<String, Value>, fields: &[(&str, &str)]) -> Value {
    let mut out = Map::new();
    for (wire, ts) in fields {
        if let Some(value) = request.get(*wire) {
            out.insert((*ts).into(), value.clone());
        }
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::permission::parse_can_use_tool;
    use serde_json::json;

    #[test]
    fn permission_options_follow_the_typescript_names() {
        let request = json!({
            "subtype": "can_use_tool", "tool_name": "Bash", "input": {"command": "ls"},
            "permission_suggestions": [{"type": "setMode", "mode": "plan", "destination": "session"}],
            "blocked_path": "/tmp", "tool_use_id": "t1", "agent_id": "a1",
            "decision_reason_type": 3, "server_policy_ask_only": true,
            "mcp_server": {"name": "fs", "source": "project", "extra": 1},
            "matched_ask_rule": {"source": "userSettings", "tool_name": "Bash"}
        });
        let (_, _, context) = parse_can_use_tool(request.as_object().unwrap()).unwrap();
        let options = permission_options(&context, "r7");
        assert_eq!(
            options,
            json!({
                "suggestions": [{"type": "setMode", "mode": "plan", "destination": "session"}],
                "blockedPath": "/tmp", "toolUseID": "t1", "agentID": "a1",
                "serverPolicyAskOnly": true,
                "mcpServer": {"name": "fs", "source": "project"},
                "matchedAskRule": {"source": "userSettings", "toolName": "Bash"},
                "requestId": "r7"
            })
        );
        let answer = permission_answer(json!({"behavior": "allow", "custom": 1}), &context);
        assert_eq!(
            answer,
            json!({"behavior": "allow", "custom": 1, "toolUseID": "t1"})
        );
    }

    #[test]
    fn dialog_requests_are_renamed() {
        let request =
            json!({"subtype": "request_user_dialog", "dialog_kind": "k", "payload": {"a": 1}});
        assert_eq!(
            user_dialog_request(request.as_object().unwrap()),
            json!({"dialogKind": "k", "payload": {"a": 1}})
        );
        let request = json!({"mcp_server_name": "s", "message": "m", "requested_schema": {}});
        assert_eq!(
            elicitation_request(request.as_object().unwrap()),
            json!({"serverName": "s", "message": "m", "requestedSchema": {}})
        );
    }
}
