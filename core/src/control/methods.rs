//! The control methods of the official SDKs' clients, by name, in one table.
//!
//! A binding forwards `client.rewind_files(id)` (Python) or `query.rewindFiles(id)`
//! (TypeScript) as [`ControlRequest::for_method`]`("rewind_files", {"user_message_id": id})`:
//! the method and parameter names are its API, the wire subtypes and field names live here,
//! and so does what each TypeScript method returns of the answer ([`Control::call`]).

use super::{Control, ControlRequest};
use crate::mcp::SdkMcpServer;
use crate::options::decode_mcp_server;
use crate::{Error, Flavour, Result};
use serde_json::{Map, Value};

/// One method: its Python and TypeScript names (`""` where that SDK lacks it), the wire
/// subtype, its parameters as `(Python name, TypeScript name, wire field)`, and what the
/// TypeScript and the Python method return.
struct Method {
    python: &'static str,
    ts: &'static str,
    subtype: &'static str,
    params: &'static [(&'static str, &'static str, &'static str)],
    returns: Returns,
    python_returns: Returns,
}

/// What a TypeScript `Query` method resolves to.
#[derive(Clone, Copy)]
enum Returns {
    /// `undefined`.
    Nothing,
    /// The answer's `response`.
    Response,
    /// The answer's `response`, or `{}` when there is none.
    ResponseOrEmpty,
    /// The answer's `response`, or `null` when the request fails in any way.
    ResponseOrNull,
    /// One field of the response, or a default when it is missing.
    Field(&'static str, Option<bool>),
    /// `{still_queued, cancelled?}` when the CLI reports queued prompts, else `undefined`.
    Interrupt,
}

/// A method answered from the `initialize` answer, without a request: its Python and
/// TypeScript names (`""` where that SDK lacks it) and the field it reads (`""`: the whole
/// answer).
const FROM_INITIALIZE: &[(&str, &str, &str)] = &[
    ("get_server_info", "initializationResult", ""),
    ("", "supportedCommands", "commands"),
    ("", "supportedModels", "models"),
    ("", "supportedAgents", "agents"),
    ("", "accountInfo", "account"),
];

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
        returns: Returns::Nothing,
        python_returns: Returns::Response,
    }
}

impl Method {
    const fn returns(mut self, returns: Returns) -> Method {
        self.returns = returns;
        self
    }

    /// The official Python client's method returns `None`.
    const fn python_void(mut self) -> Method {
        self.python_returns = Returns::Nothing;
        self
    }
}

const SERVER: (&str, &str, &str) = ("server_name", "serverName", "serverName");

const METHODS: &[Method] = &[
    method(
        "interrupt",
        "interrupt",
        "interrupt",
        &[("", "cancelQueued", "cancel_queued")],
    )
    .returns(Returns::Interrupt)
    .python_void(),
    method(
        "set_permission_mode",
        "setPermissionMode",
        "set_permission_mode",
        &[
            ("mode", "mode", "mode"),
            ("", "answersBypassSwitchBack", "answers_bypass_switch_back"),
        ],
    )
    .python_void(),
    method(
        "",
        "setMcpPermissionModeOverride",
        "set_mcp_permission_mode_override",
        &[SERVER, ("", "mode", "mode")],
    )
    .returns(Returns::ResponseOrEmpty),
    method(
        "set_model",
        "setModel",
        "set_model",
        &[("model", "model", "model")],
    )
    .python_void(),
    method(
        "set_max_thinking_tokens",
        "setMaxThinkingTokens",
        "set_max_thinking_tokens",
        &[
            (
                "max_thinking_tokens",
                "maxThinkingTokens",
                "max_thinking_tokens",
            ),
            ("", "thinkingDisplay", "thinking_display"),
        ],
    ),
    method(
        "rewind_files",
        "rewindFiles",
        "rewind_files",
        &[
            ("user_message_id", "userMessageId", "user_message_id"),
            ("dry_run", "dryRun", "dry_run"),
        ],
    )
    .returns(Returns::Response)
    .python_void(),
    method(
        "reconnect_mcp_server",
        "reconnectMcpServer",
        "mcp_reconnect",
        &[SERVER],
    )
    .python_void(),
    method(
        "toggle_mcp_server",
        "toggleMcpServer",
        "mcp_toggle",
        &[SERVER, ("enabled", "enabled", "enabled")],
    )
    .python_void(),
    method(
        "read_mcp_resource",
        "readMcpResource",
        "mcp_read_resource",
        &[SERVER, ("uri", "uri", "uri")],
    )
    .returns(Returns::Response),
    method(
        "set_mcp_servers",
        "setMcpServers",
        "mcp_set_servers",
        &[("servers", "servers", "servers")],
    )
    .returns(Returns::Response),
    method(
        "stop_task",
        "stopTask",
        "stop_task",
        &[("task_id", "taskId", "task_id")],
    )
    .python_void(),
    method("get_mcp_status", "mcpServerStatus", "mcp_status", &[])
        .returns(Returns::Field("mcpServers", None)),
    method(
        "get_context_usage",
        "getContextUsage",
        "get_context_usage",
        &[("", "detail", "detail")],
    )
    .returns(Returns::Response),
    method(
        "",
        "usage_EXPERIMENTAL_MAY_CHANGE_DO_NOT_RELY_ON_THIS_API_YET",
        "get_usage",
        &[("", "skipBehaviors", "skip_behaviors")],
    )
    .returns(Returns::Response),
    method(
        "",
        "updateSettings",
        "update_settings",
        &[("", "source", "source"), ("", "settings", "settings")],
    ),
    method(
        "",
        "readFile",
        "read_file",
        &[
            ("", "path", "path"),
            ("", "maxBytes", "max_bytes"),
            ("", "encoding", "encoding"),
        ],
    )
    .returns(Returns::ResponseOrNull),
    method(
        "",
        "seedReadState",
        "seed_read_state",
        &[("", "path", "path"), ("", "mtime", "mtime")],
    ),
    method(
        "apply_flag_settings",
        "applyFlagSettings",
        "apply_flag_settings",
        &[("settings", "settings", "settings")],
    ),
    method(
        "reload_plugins",
        "reloadPlugins",
        "reload_plugins",
        &[
            ("", "holdOnCacheImpact", "hold_on_cache_impact"),
            ("", "addPlugins", "add_plugins"),
            ("", "refuseIfBusy", "refuse_if_busy"),
        ],
    )
    .returns(Returns::Response),
    method("reload_skills", "reloadSkills", "reload_skills", &[]).returns(Returns::Response),
    method(
        "reload_output_styles",
        "reloadOutputStyles",
        "reload_output_styles",
        &[],
    )
    .returns(Returns::Response),
    method(
        "background_tasks",
        "backgroundTasks",
        "background_tasks",
        &[("", "toolUseId", "tool_use_id")],
    )
    .returns(Returns::Field("backgrounded", Some(true))),
];

fn find(method: &str) -> Option<&'static Method> {
    METHODS
        .iter()
        .find(|m| !method.is_empty() && (m.python == method || m.ts == method))
}

impl ControlRequest {
    /// The request an official SDK's client method sends: `method` in Python (`rewind_files`)
    /// or TypeScript (`rewindFiles`) spelling, `args` keyed by its parameter names in either
    /// spelling. An argument given as `null` is sent as `null`; one left out is left out.
    pub fn for_method(method: &str, args: &Map<String, Value>) -> Result<ControlRequest> {
        let found = find(method)
            .ok_or_else(|| Error::InvalidOptions(format!("no control method named {method:?}")))?;
        let mut body = Map::new();
        body.insert("subtype".into(), found.subtype.into());
        for (key, value) in args {
            let (_, _, wire) = found
                .params
                .iter()
                .find(|(python, ts, _)| !key.is_empty() && (python == key || ts == key))
                .ok_or_else(|| {
                    Error::InvalidOptions(format!("{method}() has no parameter {key:?}"))
                })?;
            body.insert((*wire).into(), value.clone());
        }
        ControlRequest::from_value(Value::Object(body))
    }
}

impl Control {
    /// Calls a control method of an official client by name, as [`ControlRequest::for_method`]
    /// names it, and returns what that client's method returns (`None`: nothing, `undefined`
    /// in TypeScript, `None` in Python): for [`Flavour::Ts`] the part of the answer the
    /// TypeScript `Query` method resolves to, including the methods it answers from the
    /// `initialize` answer (`supportedModels`, ...) and `reinitialize`; for [`Flavour::Python`]
    /// the `response` or nothing, and `get_server_info` from the `initialize` answer; for
    /// [`Flavour::Rust`] the whole `response`.
    pub async fn call(
        &self,
        flavour: Flavour,
        method: &str,
        args: &Map<String, Value>,
    ) -> Result<Option<Value>> {
        if flavour == Flavour::Ts && method == "reinitialize" {
            return self.session.reinitialize(None).await.map(Some);
        }
        let named = |python: &str, ts: &str| match flavour {
            Flavour::Ts => ts == method,
            Flavour::Python | Flavour::Rust => !python.is_empty() && python == method,
        };
        if let Some((_, _, field)) = FROM_INITIALIZE.iter().find(|(p, t, _)| named(p, t)) {
            let info = self.session.server_info();
            return Ok(match *field {
                "" => info,
                field => info.and_then(|info| info.get(field).cloned()),
            });
        }
        let request = match find(method).filter(|m| m.subtype == "mcp_set_servers") {
            Some(_) => self.set_servers_request(args, &[])?,
            None => ControlRequest::for_method(method, args)?,
        };
        self.answer(flavour, method, request).await
    }

    /// [`Control::call`] for `setMcpServers` (`set_mcp_servers`) whose configs may name the
    /// in-process servers `in_process` by handle (`{"$server": i}` or
    /// `{"instance": {"$server": i}}`, as in options).
    pub async fn call_set_mcp_servers(
        &self,
        flavour: Flavour,
        method: &str,
        args: &Map<String, Value>,
        in_process: &[SdkMcpServer],
    ) -> Result<Option<Value>> {
        let request = self.set_servers_request(args, in_process)?;
        self.answer(flavour, method, request).await
    }

    /// Decodes `args.servers`, registers its in-process servers and builds the request.
    fn set_servers_request(
        &self,
        args: &Map<String, Value>,
        in_process: &[SdkMcpServer],
    ) -> Result<ControlRequest> {
        let servers = match args.get("servers") {
            Some(Value::Object(servers)) => servers.clone(),
            None | Some(Value::Null) => Map::new(),
            Some(_) => {
                return Err(Error::InvalidOptions(
                    "servers: expected an object of MCP server configs".into(),
                ))
            }
        };
        let configs = servers
            .into_iter()
            .map(|(name, config)| {
                let config = decode_mcp_server(&name, config, in_process)?;
                Ok((name, config))
            })
            .collect::<Result<Vec<_>>>()?;
        let servers = self.register_servers(configs);
        ControlRequest::from_value(serde_json::json!({
            "subtype": "mcp_set_servers",
            "servers": servers,
        }))
    }

    /// Sends `request` for `method` and shapes the answer as the flavour's method returns it.
    async fn answer(
        &self,
        flavour: Flavour,
        method: &str,
        request: ControlRequest,
    ) -> Result<Option<Value>> {
        let answer = self.send(request).await;
        let returns = match (flavour, find(method)) {
            (Flavour::Ts, Some(found)) => found.returns,
            (Flavour::Python, Some(found)) => found.python_returns,
            _ => return answer.map(Some),
        };
        Ok(match (returns, answer) {
            (Returns::ResponseOrNull, Err(_)) => Some(Value::Null),
            (_, Err(error)) => return Err(error),
            (Returns::Nothing, Ok(_)) => None,
            (Returns::Response | Returns::ResponseOrNull, Ok(response)) => Some(response),
            (Returns::ResponseOrEmpty, Ok(Value::Null)) => Some(Value::Object(Map::new())),
            (Returns::ResponseOrEmpty, Ok(response)) => Some(response),
            (Returns::Field(name, default), Ok(response)) => {
                response.get(name).cloned().or(default.map(Value::Bool))
            }
            (Returns::Interrupt, Ok(response)) => interrupt_answer(&response),
        })
    }
}

/// The TypeScript `interrupt()` result: the queued prompts the CLI kept and cancelled (string
/// entries only), or nothing when it reports none.
fn interrupt_answer(response: &Value) -> Option<Value> {
    let strings = |key: &str| {
        response
            .get(key)
            .and_then(Value::as_array)
            .map(|items| Value::Array(items.iter().filter(|v| v.is_string()).cloned().collect()))
    };
    let still_queued = strings("still_queued")?;
    let mut out = Map::new();
    out.insert("still_queued".into(), still_queued);
    if let Some(cancelled) = strings("cancelled") {
        out.insert("cancelled".into(), cancelled);
    }
    Some(Value::Object(out))
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
