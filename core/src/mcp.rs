//! In-process MCP servers: tools implemented in the host program, called by the CLI through the
//! control channel.
//!
//! The CLI sends `mcp_message {server_name, message}` control requests carrying JSON-RPC;
//! [`SdkMcpServer::handle`] answers one message and [`handle_mcp_message`] answers the whole
//! control request. Tool failures (unknown tool, invalid input, handler error or panic) are
//! results with `isError: true` the model can read, never protocol errors.

mod outgoing;
mod registry;
mod result;
mod running;
mod settings;
mod validate;

pub use outgoing::{not_connected, notification_message, ServerLink, REQUEST_TIMEOUT, TIMED_OUT};
pub(crate) use outgoing::{Outgoing, Unanswered};
pub(crate) use registry::SdkServers;
pub use result::{ToolContent, ToolResult};
pub(crate) use running::cancelled_answer;
pub use settings::sdk_server_settings;

use crate::{BoxFuture, CallbackError};
use serde_json::{json, Map, Value};
use std::fmt;
use std::future::Future;
use std::sync::Arc;

/// The MCP protocol version answered when the client does not name one.
pub const MCP_PROTOCOL_VERSION: &str = "2025-11-25";

/// JSON-RPC "method not found".
const METHOD_NOT_FOUND: i64 = -32601;
/// JSON-RPC "invalid request".
const INVALID_REQUEST: i64 = -32600;

/// A tool handler: receives the validated arguments and what the call's request says besides,
/// returns the tool result.
pub type ToolHandler = Arc<
    dyn Fn(Value, ToolCall) -> BoxFuture<'static, Result<ToolResult, CallbackError>> + Send + Sync,
>;

/// What a tool handler learns of the `tools/call` request besides the arguments, and its way
/// back to the CLI.
#[derive(Debug, Clone, Default)]
pub struct ToolCall {
    /// The request's JSON-RPC id.
    pub request_id: Value,
    /// The request's `params._meta`: the CLI sends the tool use's id
    /// (`claudecode/toolUseId`) and a `progressToken` for progress notifications.
    pub meta: Option<Value>,
    link: Option<ServerLink>,
}

impl ToolCall {
    /// The server's link to the session that made the call (its notifications and requests
    /// go there); `None` for a call answered outside a session ([`SdkMcpServer::handle`]).
    pub fn link(&self) -> Option<&ServerLink> {
        self.link.as_ref()
    }
}

/// One tool of an in-process server.
#[derive(Clone)]
pub struct SdkMcpTool {
    /// Tool name (the model sees `mcp__<server>__<name>`).
    pub name: String,
    /// Description shown to the model.
    pub description: String,
    /// JSON Schema of the input (an object schema); arguments are checked against it unless
    /// `validate_input` is off.
    pub input_schema: Value,
    /// Whether arguments are checked against `input_schema` before the handler runs (the
    /// default, as the official Python SDK's server does). Off for a handler that checks them
    /// itself, in its own words: the Node binding's tools, which zod checks as the official
    /// TypeScript SDK's server does.
    pub validate_input: bool,
    /// MCP tool annotations (`readOnlyHint`, `destructiveHint`, ...), sent as is.
    pub annotations: Option<Value>,
    /// `_meta` of the tool (e.g. `{"anthropic/maxResultSizeChars": 500000}`), sent as is.
    pub meta: Option<Value>,
    /// The handler.
    pub handler: ToolHandler,
}

/// Defines a tool from a plain async closure.
///
/// ```
/// use claude_wire::mcp::{tool, ToolResult};
/// use serde_json::json;
/// let add = tool("add", "Add two numbers",
///     json!({"type": "object", "properties": {"a": {"type": "number"}, "b": {"type": "number"}}, "required": ["a", "b"]}),
///     |args| async move {
///         let sum = args["a"].as_f64().unwrap_or(0.0) + args["b"].as_f64().unwrap_or(0.0);
///         Ok(ToolResult::text(sum.to_string()))
///     });
/// # let _ = add;
/// ```
pub fn tool<F, Fut>(
    name: impl Into<String>,
    description: impl Into<String>,
    input_schema: Value,
    handler: F,
) -> SdkMcpTool
where
    F: Fn(Value) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<ToolResult, CallbackError>> + Send + 'static,
{
    let handler: ToolHandler = Arc::new(move |args, _| Box::pin(handler(args)));
    SdkMcpTool::new(name, description, input_schema, handler)
}

impl SdkMcpTool {
    /// A tool from a ready [`ToolHandler`]. A `null` schema means "an object, any properties".
    pub fn new(
        name: impl Into<String>,
        description: impl Into<String>,
        input_schema: Value,
        handler: ToolHandler,
    ) -> Self {
        let input_schema = if input_schema.is_null() {
            json!({"type": "object", "properties": {}})
        } else {
            input_schema
        };
        Self {
            name: name.into(),
            description: description.into(),
            input_schema,
            annotations: None,
            meta: None,
            handler,
            validate_input: true,
        }
    }

    /// Sets `validate_input`: whether arguments are checked against the schema first.
    pub fn validate_input(mut self, validate: bool) -> Self {
        self.validate_input = validate;
        self
    }

    /// Sets the MCP annotations.
    pub fn annotations(mut self, annotations: Value) -> Self {
        self.annotations = Some(annotations);
        self
    }

    /// Sets `_meta`.
    pub fn meta(mut self, meta: Value) -> Self {
        self.meta = Some(meta);
        self
    }

    /// Sets the annotations as the official SDKs accept them, in either spelling: the MCP hints
    /// (`title`, `readOnlyHint` / `read_only_hint`, `destructiveHint`, `idempotentHint`,
    /// `openWorldHint`) become `annotations`, and `maxResultSizeChars` /
    /// `max_result_size_chars` becomes `_meta["anthropic/maxResultSizeChars"]`. Unset (`null`)
    /// entries and other keys are left out.
    pub fn annotations_from(mut self, given: &Value) -> Self {
        const HINTS: [(&str, &str); 5] = [
            ("title", "title"),
            ("readOnlyHint", "read_only_hint"),
            ("destructiveHint", "destructive_hint"),
            ("idempotentHint", "idempotent_hint"),
            ("openWorldHint", "open_world_hint"),
        ];
        let pick = |wire: &str, snake: &str| {
            given
                .get(wire)
                .or_else(|| given.get(snake))
                .filter(|v| !v.is_null())
                .cloned()
        };
        let hints: serde_json::Map<String, Value> = HINTS
            .iter()
            .filter_map(|(wire, snake)| pick(wire, snake).map(|v| (wire.to_string(), v)))
            .collect();
        self.annotations = (!hints.is_empty()).then_some(Value::Object(hints));
        if let Some(limit) = pick("maxResultSizeChars", "max_result_size_chars") {
            self.meta = Some(json!({"anthropic/maxResultSizeChars": limit}));
        }
        self
    }

    /// The entry of this tool in a `tools/list` answer.
    pub fn to_list_entry(&self) -> Value {
        let mut entry = json!({
            "name": self.name,
            "description": self.description,
            "inputSchema": self.input_schema,
        });
        if let Some(a) = &self.annotations {
            entry["annotations"] = a.clone();
        }
        if let Some(m) = &self.meta {
            entry["_meta"] = m.clone();
        }
        entry
    }

    /// Validates `arguments` and runs the handler; every failure becomes an `isError` result.
    pub async fn call(&self, arguments: Value, call: ToolCall) -> ToolResult {
        let run = async {
            if self.validate_input {
                if let Err(message) = validate::check_arguments(&self.input_schema, &arguments) {
                    return ToolResult::error(message);
                }
            }
            let handled = (self.handler)(arguments, call);
            match crate::callback::guarded(format!("Tool '{}'", self.name), handled).await {
                Ok(result) => result,
                Err(error) => ToolResult::error(error.to_string()),
            }
        };
        run.await
    }
}

impl fmt::Debug for SdkMcpTool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SdkMcpTool")
            .field("name", &self.name)
            .field("description", &self.description)
            .field("input_schema", &self.input_schema)
            .field("annotations", &self.annotations)
            .field("meta", &self.meta)
            .field("validate_input", &self.validate_input)
            .finish_non_exhaustive()
    }
}

/// An in-process MCP server.
#[derive(Clone, Debug)]
pub struct SdkMcpServer {
    /// Server name.
    pub name: String,
    /// Server version.
    pub version: String,
    /// Its tools.
    pub tools: Vec<SdkMcpTool>,
    /// The settings of its config the CLI receives (TypeScript SDK: `timeout`, `tools`, ...;
    /// see [`sdk_server_settings`]); empty by default.
    pub settings: Map<String, Value>,
    /// Its requests to the CLI waiting for an answer.
    pub(crate) outgoing: Outgoing,
    /// Its tool calls under way.
    pub(crate) running: running::RunningCalls,
}

/// Creates an in-process MCP server with these tools.
pub fn create_sdk_mcp_server(
    name: impl Into<String>,
    version: impl Into<String>,
    tools: Vec<SdkMcpTool>,
) -> SdkMcpServer {
    SdkMcpServer {
        name: name.into(),
        version: version.into(),
        tools,
        settings: Map::new(),
        outgoing: Outgoing::default(),
        running: Default::default(),
    }
}

impl SdkMcpServer {
    /// An empty server with version `1.0.0`.
    pub fn new(name: impl Into<String>) -> Self {
        create_sdk_mcp_server(name, "1.0.0", Vec::new())
    }

    /// Sets the version.
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.version = version.into();
        self
    }

    /// Adds a tool.
    pub fn tool(mut self, tool: SdkMcpTool) -> Self {
        self.tools.push(tool);
        self
    }

    /// Sets the config's settings the CLI receives (see [`sdk_server_settings`]).
    pub fn settings(mut self, settings: Map<String, Value>) -> Self {
        self.settings = settings;
        self
    }

    /// The tool called `name`.
    pub fn find_tool(&self, name: &str) -> Option<&SdkMcpTool> {
        self.tools.iter().find(|t| t.name == name)
    }

    /// The server's entry in the CLI's `--mcp-config`: `{"type":"sdk","name":...}`.
    pub fn cli_config(&self) -> Value {
        json!({"type": "sdk", "name": self.name})
    }

    /// Answers one JSON-RPC message from the CLI; returns the JSON-RPC reply. Notifications and
    /// responses get the ack `{"jsonrpc":"2.0","result":{}}`; an unknown method gets error -32601;
    /// a tool call the CLI cancelled (`notifications/cancelled`) is stopped and gets `null`, no
    /// reply.
    pub async fn handle(&self, message: Value) -> Value {
        self.handle_linked(message, None).await
    }

    /// [`SdkMcpServer::handle`], with the link its tool calls get.
    pub(crate) async fn handle_linked(&self, message: Value, link: Option<ServerLink>) -> Value {
        let Some(obj) = message.as_object() else {
            return rpc_error(
                Value::Null,
                INVALID_REQUEST,
                "Invalid Request: not a JSON-RPC object",
            );
        };
        let session = link.as_ref().map_or(0, ServerLink::session_key);
        let method = obj.get("method").and_then(Value::as_str);
        let id = obj.get("id").filter(|id| !id.is_null()).cloned();
        let params = obj.get("params").and_then(Value::as_object);
        match (method, id) {
            (None, _) if obj.contains_key("result") || obj.contains_key("error") => {
                // The answer to one of the server's own requests.
                self.outgoing.answer(obj);
                ack()
            }
            (None, id) => rpc_error(
                id.unwrap_or(Value::Null),
                INVALID_REQUEST,
                "Invalid Request: no method",
            ),
            (Some("notifications/cancelled"), None) => {
                self.running.cancel(session, params);
                ack()
            }
            (Some(_), None) => ack(),
            (Some(m), Some(_)) if m.starts_with("notifications/") => ack(),
            (Some(m), Some(id)) => match m {
                "initialize" => rpc_result(id, self.initialize_result(params)),
                "ping" => rpc_result(id, json!({})),
                "tools/list" => rpc_result(id, self.list_tools()),
                "tools/call" => {
                    let call = ToolCall {
                        request_id: id.clone(),
                        meta: params.and_then(|p| p.get("_meta")).cloned(),
                        link,
                    };
                    // A call the CLI gave up gets no answer, as from the MCP SDK's server.
                    match self
                        .running
                        .run(session, &id, self.call_tool(params, call))
                        .await
                    {
                        Some(result) => rpc_result(id, result.to_value()),
                        None => Value::Null,
                    }
                }
                other => rpc_error(id, METHOD_NOT_FOUND, &format!("Method not found: {other}")),
            },
        }
    }

    fn initialize_result(&self, params: Option<&Map<String, Value>>) -> Value {
        let version = params
            .and_then(|p| p.get("protocolVersion"))
            .and_then(Value::as_str)
            .unwrap_or(MCP_PROTOCOL_VERSION);
        json!({
            "protocolVersion": version,
            "capabilities": {"tools": {"listChanged": false}},
            "serverInfo": {"name": self.name, "version": self.version},
        })
    }

    /// What the TypeScript SDK sends in `initialize` for this server (`sdkMcpServerManifests`),
    /// so the CLI knows it without the `initialize` and `tools/list` round trips: the answers
    /// its MCP server library gives to both.
    pub fn manifest(&self) -> Value {
        let tools: Vec<Value> = self
            .tools
            .iter()
            .map(|tool| {
                let mut entry = tool.to_list_entry();
                entry["execution"] = json!({"taskSupport": "forbidden"});
                entry
            })
            .collect();
        json!({
            "initializeResult": {
                "protocolVersion": MCP_PROTOCOL_VERSION,
                "capabilities": {"tools": {"listChanged": true}},
                "serverInfo": {"name": self.name, "version": self.version},
            },
            "toolsListResult": {"tools": tools},
        })
    }

    fn list_tools(&self) -> Value {
        json!({"tools": self.tools.iter().map(SdkMcpTool::to_list_entry).collect::<Vec<_>>()})
    }

    async fn call_tool(&self, params: Option<&Map<String, Value>>, call: ToolCall) -> ToolResult {
        let name = params
            .and_then(|p| p.get("name"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        let Some(tool) = self.find_tool(name) else {
            return ToolResult::error(format!("Tool '{name}' not found"));
        };
        let arguments = match params.and_then(|p| p.get("arguments")) {
            None | Some(Value::Null) => json!({}),
            Some(args) => args.clone(),
        };
        tool.call(arguments, call).await
    }
}

/// Answers an `mcp_message` control request body (`{server_name, message}`) with the server of
/// that name among `servers`: returns the response body `{"mcp_response": <JSON-RPC reply>}`. An
/// unknown server gets a JSON-RPC error reply; a body without `server_name` or `message` is an
/// error. A tool call the CLI cancelled gives `null`: no answer (the TypeScript SDK gives none;
/// the Python SDK answers JSON-RPC error -32800).
pub async fn handle_mcp_message(
    servers: &[(String, SdkMcpServer)],
    request: &Map<String, Value>,
) -> Result<Value, CallbackError> {
    answer_mcp_message(
        request,
        |name| servers.iter().find(|(n, _)| n == name).map(|(_, s)| s),
        None,
    )
    .await
}

/// [`handle_mcp_message`] with the server found by `find`; its tool calls get a link to
/// `session`, when there is one.
pub(crate) async fn answer_mcp_message<S: std::ops::Deref<Target = SdkMcpServer>>(
    request: &Map<String, Value>,
    find: impl FnOnce(&str) -> Option<S>,
    session: Option<std::sync::Weak<dyn Unanswered>>,
) -> Result<Value, CallbackError> {
    let server_name = request.get("server_name").and_then(Value::as_str);
    let message = request.get("message").filter(|m| !m.is_null());
    let (Some(server_name), Some(message)) = (server_name, message) else {
        return Err("Missing server_name or message for MCP request".into());
    };
    let reply = match find(server_name) {
        Some(server) => {
            let link = session.map(|s| ServerLink::new(s, server.outgoing.clone(), server_name));
            server.handle_linked(message.clone(), link).await
        }
        None => {
            let id = message.get("id").cloned().unwrap_or(Value::Null);
            rpc_error(
                id,
                METHOD_NOT_FOUND,
                &format!("Server '{server_name}' not found"),
            )
        }
    };
    // A cancelled call: `null`, which the caller answers as its flavour's SDK does.
    Ok(if reply.is_null() {
        Value::Null
    } else {
        json!({"mcp_response": reply})
    })
}

fn ack() -> Value {
    json!({"jsonrpc": "2.0", "result": {}})
}

fn rpc_result(id: Value, result: Value) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "result": result})
}

fn rpc_error(id: Value, code: i64, message: &str) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations_in_either_spelling_split_into_hints_and_meta() {
        let handler: ToolHandler = Arc::new(|_, _| Box::pin(async { Ok(ToolResult::text("")) }));
        for given in [
            json!({"read_only_hint": true, "max_result_size_chars": 9, "title": null, "other": 1}),
            json!({"readOnlyHint": true, "maxResultSizeChars": 9, "destructiveHint": null}),
        ] {
            let tool =
                SdkMcpTool::new("t", "d", Value::Null, handler.clone()).annotations_from(&given);
            let entry = tool.to_list_entry();
            assert_eq!(entry["annotations"], json!({"readOnlyHint": true}));
            assert_eq!(entry["_meta"], json!({"anthropic/maxResultSizeChars": 9}));
        }
        let plain = SdkMcpTool::new("t", "d", Value::Null, handler).annotations_from(&json!({}));
        assert!(plain.to_list_entry().get("annotations").is_none());
    }
}
