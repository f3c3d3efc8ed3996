//! The control methods of the official SDKs' clients, by name, in one table.
//!
//! A binding forwards `client.rewind_files(id)` (Python) or `query.rewindFiles(id)`
//! (TypeScript) as [`ControlRequest::for_method`]`("rewind_files", {"user_message_id": id})`:
//! the method and parameter names are its API, the wire subtypes and field names live here.

use super::ControlRequest;
use crate::{Error, Result};
use serde_json::{Map, Value};

/// One method: its Python and TypeScript names, the wire subtype, and its parameters as
/// `(Python name, TypeScript name, wire field)`.
struct Method {
    python: &'static str,
    ts: &'static str,
    subtype: &'static str,
    params: &'static [(&'static str, &'static str, &'static str)],
}

const fn method(
    python: &'static str,
    ts: &'static str,
    subtype: &'static str,
    params: &'static [(&'static str, &'static str, &'static str)],
) -> Method {
    Method {
        python,
        ts,
        subtype,
        params,
    }
}

const SERVER: (&str, &str, &str) = ("server_name", "serverName", "serverName");

const METHODS: &[Method] = &[
    method("interrupt", "interrupt", "interrupt", &[]),
    method(
        "set_permission_mode",
        "setPermissionMode",
        "set_permission_mode",
        &[("mode", "mode", "mode")],
    ),
    method(
        "set_model",
        "setModel",
        "set_model",
        &[("model", "model", "model")],
    ),
    method(
        "set_max_thinking_tokens",
        "setMaxThinkingTokens",
        "set_max_thinking_tokens",
        &[(
            "max_thinking_tokens",
            "maxThinkingTokens",
            "max_thinking_tokens",
        )],
    ),
    method(
        "rewind_files",
        "rewindFiles",
        "rewind_files",
        &[
            ("user_message_id", "userMessageId", "user_message_id"),
            ("dry_run", "dryRun", "dry_run"),
        ],
    ),
    method(
        "reconnect_mcp_server",
        "reconnectMcpServer",
        "mcp_reconnect",
        &[SERVER],
    ),
    method(
        "toggle_mcp_server",
        "toggleMcpServer",
        "mcp_toggle",
        &[SERVER, ("enabled", "enabled", "enabled")],
    ),
    method(
        "read_mcp_resource",
        "readMcpResource",
        "mcp_read_resource",
        &[SERVER, ("uri", "uri", "uri")],
    ),
    method(
        "set_mcp_servers",
        "setMcpServers",
        "mcp_set_servers",
        &[("servers", "servers", "servers")],
    ),
    method(
        "stop_task",
        "stopTask",
        "stop_task",
        &[("task_id", "taskId", "task_id")],
    ),
    method("get_mcp_status", "mcpServerStatus", "mcp_status", &[]),
    method(
        "get_context_usage",
        "getContextUsage",
        "get_context_usage",
        &[],
    ),
    method(
        "apply_flag_settings",
        "applyFlagSettings",
        "apply_flag_settings",
        &[("settings", "settings", "settings")],
    ),
    method("reload_plugins", "reloadPlugins", "reload_plugins", &[]),
    method("reload_skills", "reloadSkills", "reload_skills", &[]),
    method(
        "reload_output_styles",
        "reloadOutputStyles",
        "reload_output_styles",
        &[],
    ),
    method(
        "background_tasks",
        "backgroundTasks",
        "background_tasks",
        &[],
    ),
];

impl ControlRequest {
    /// The request an official SDK's client method sends: `method` in Python (`rewind_files`)
    /// or TypeScript (`rewindFiles`) spelling, `args` keyed by its parameter names in either
    /// spelling. An argument given as `null` is sent as `null`; one left out is left out.
    pub fn for_method(method: &str, args: &Map<String, Value>) -> Result<ControlRequest> {
        let found = METHODS
            .iter()
            .find(|m| m.python == method || m.ts == method)
            .ok_or_else(|| Error::InvalidOptions(format!("no control method named {method:?}")))?;
        let mut body = Map::new();
        body.insert("subtype".into(), found.subtype.into());
        for (key, value) in args {
            let (_, _, wire) = found
                .params
                .iter()
                .find(|(python, ts, _)| python == key || ts == key)
                .ok_or_else(|| {
                    Error::InvalidOptions(format!("{method}() has no parameter {key:?}"))
                })?;
            body.insert((*wire).into(), value.clone());
        }
        ControlRequest::from_value(Value::Object(body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn request(method: &str, args: Value) -> Value {
        let args = args.as_object().cloned().unwrap_or_default();
        ControlRequest::for_method(method, &args)
            .unwrap()
            .to_value()
    }

    #[test]
    fn either_sdks_method_names_give_the_same_wire_request() {
        for (python, ts, py_args, ts_args, wire) in [
            (
                "interrupt",
                "interrupt",
                json!({}),
                json!({}),
                json!({"subtype": "interrupt"}),
            ),
            (
                "reconnect_mcp_server",
                "reconnectMcpServer",
                json!({"server_name": "fs"}),
                json!({"serverName": "fs"}),
                json!({"subtype": "mcp_reconnect", "serverName": "fs"}),
            ),
            (
                "toggle_mcp_server",
                "toggleMcpServer",
                json!({"server_name": "fs", "enabled": false}),
                json!({"serverName": "fs", "enabled": false}),
                json!({"subtype": "mcp_toggle", "serverName": "fs", "enabled": false}),
            ),
            (
                "rewind_files",
                "rewindFiles",
                json!({"user_message_id": "u1"}),
                json!({"userMessageId": "u1", "dryRun": true}),
                json!({"subtype": "rewind_files", "user_message_id": "u1"}),
            ),
            (
                "get_mcp_status",
                "mcpServerStatus",
                json!({}),
                json!({}),
                json!({"subtype": "mcp_status"}),
            ),
        ] {
            assert_eq!(request(python, py_args), wire, "{python}");
            let mut ts_wire = wire.clone();
            if let Some(dry) = ts_args.get("dryRun") {
                ts_wire["dry_run"] = dry.clone();
            }
            assert_eq!(request(ts, ts_args), ts_wire, "{ts}");
        }
        assert_eq!(
            request("set_model", json!({"model": null})),
            json!({"subtype": "set_model", "model": null})
        );
    }

    #[test]
    fn unknown_methods_and_parameters_are_errors() {
        assert!(ControlRequest::for_method("teleport", &Map::new()).is_err());
        let args = json!({"server": "x"}).as_object().cloned().unwrap();
        let error = ControlRequest::for_method("stop_task", &args)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("stop_task() has no parameter \"server\""),
            "{error}"
        );
    }
}
