//! What the TypeScript SDK hands its callbacks, built from the CLI's request bodies.
//!
//! The Python SDK gives its callbacks typed objects ([`ToolPermissionContext`], ...); the
//! TypeScript SDK gives plain objects in camelCase, which these functions build, so the Node
//! binding only adds the `AbortSignal`. An answer of `null` from a TypeScript permission,
//! elicitation or dialog callback means "stay silent": the CLI gets no answer from us.

use crate::permission::ToolPermissionContext;
use serde_json::{Map, Value};

/// One field of `canUseTool`'s third argument, in the TypeScript SDK's order.
enum Field {
    /// Always set: the request's field, `undefined` when absent.
    Always(&'static str, &'static str),
    /// Set only when the request's field has this JSON type (`"string"`, `"boolean"`).
    Typed(&'static str, &'static str, &'static str),
    /// `mcpServer`, `computerFolder`, `matchedAskRule`: picked sub-objects.
    Picked(&'static str),
    /// The control request's id.
    RequestId,
}

const PERMISSION_FIELDS: &[Field] = &[
    Field::Always("permission_suggestions", "suggestions"),
    Field::Always("blocked_path", "blockedPath"),
    Field::Picked("mcp_server"),
    Field::Always("decision_reason", "decisionReason"),
    Field::Typed("decision_reason_type", "decisionReasonType", "string"),
    Field::Typed("decision_reason_code", "decisionReasonCode", "string"),
    Field::Typed("server_policy_ask_only", "serverPolicyAskOnly", "boolean"),
    Field::Always("title", "title"),
    Field::Always("display_name", "displayName"),
    Field::Always("description", "description"),
    Field::Always("default_to_no", "defaultToNo"),
    Field::Always("suppress_always_allow_rule", "suppressAlwaysAllowRule"),
    Field::Always("tool_use_id", "toolUseID"),
    Field::Always("agent_id", "agentID"),
    Field::Typed("plugin", "plugin", "string"),
    Field::RequestId,
    Field::Typed(
        "requires_user_interaction",
        "requiresUserInteraction",
        "boolean",
    ),
    Field::Typed("server_prompt", "serverPrompt", "string"),
    Field::Picked("computer_folder"),
    Field::Picked("matched_ask_rule"),
];

fn has_type(value: &Value, kind: &str) -> bool {
    match kind {
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        _ => false,
    }
}

/// The third argument of `canUseTool(toolName, input, options)` without `signal`, in the
/// TypeScript SDK's key order, and the keys a binding must set to `undefined` (always present
/// in the TypeScript SDK, absent from the request; they hold `null` here to keep their place).
pub fn permission_options(
    context: &ToolPermissionContext,
    request_id: &str,
) -> (Value, Vec<&'static str>) {
    let empty = Map::new();
    let raw = context.raw.as_object().unwrap_or(&empty);
    let mut out = Map::new();
    let mut undefined = Vec::new();
    for field in PERMISSION_FIELDS {
        match field {
            Field::Always(wire, ts) => {
                let value = raw.get(*wire).cloned().unwrap_or_else(|| {
                    undefined.push(*ts);
                    Value::Null
                });
                out.insert((*ts).into(), value);
            }
            Field::Typed(wire, ts, kind) => {
                if let Some(value) = raw.get(*wire).filter(|v| has_type(v, kind)) {
                    out.insert((*ts).into(), value.clone());
                }
            }
            Field::Picked(wire) => {
                if let Some((ts, value)) = picked(wire, raw.get(*wire)) {
                    out.insert(ts.into(), value);
                }
            }
            Field::RequestId => {
                out.insert("requestId".into(), request_id.into());
            }
        }
    }
    (Value::Object(out), undefined)
}

/// The sub-objects the TypeScript SDK copies from the request.
fn picked(wire: &str, value: Option<&Value>) -> Option<(&'static str, Value)> {
    let value = value.filter(|v| v.is_object())?;
    let pick = |keys: &[(&str, &str)]| {
        let mut out = Map::new();
        for (from, to) in keys {
            if let Some(v) = value.get(*from) {
                out.insert((*to).into(), v.clone());
            }
        }
        Value::Object(out)
    };
    match wire {
        "mcp_server" => Some(("mcpServer", pick(&[("name", "name"), ("source", "source")]))),
        "computer_folder" => {
            let complete = value.get("path").is_some_and(Value::is_string)
                && value.get("computer_name").is_some_and(Value::is_string);
            complete.then(|| {
                (
                    "computerFolder",
                    pick(&[("path", "path"), ("computer_name", "computer_name")]),
                )
            })
        }
        "matched_ask_rule" => {
            let mut rule = Map::new();
            rule.insert(
                "source".into(),
                value.get("source").cloned().unwrap_or(Value::Null),
            );
            rule.insert(
                "toolName".into(),
                value.get("tool_name").cloned().unwrap_or(Value::Null),
            );
            if let Some(content) = value.get("rule_content") {
                rule.insert("ruleContent".into(), content.clone());
            }
            Some(("matchedAskRule", Value::Object(rule)))
        }
        _ => None,
    }
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
        let (options, undefined) = permission_options(&context, "r7");
        let keys: Vec<&str> = options
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "suggestions",
                "blockedPath",
                "mcpServer",
                "decisionReason",
                "serverPolicyAskOnly",
                "title",
                "displayName",
                "description",
                "defaultToNo",
                "suppressAlwaysAllowRule",
                "toolUseID",
                "agentID",
                "requestId",
                "matchedAskRule"
            ]
        );
        assert_eq!(
            options["mcpServer"],
            json!({"name": "fs", "source": "project"})
        );
        assert_eq!(
            options["matchedAskRule"],
            json!({"source": "userSettings", "toolName": "Bash"})
        );
        assert_eq!(
            undefined,
            [
                "decisionReason",
                "title",
                "displayName",
                "description",
                "defaultToNo",
                "suppressAlwaysAllowRule"
            ]
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
