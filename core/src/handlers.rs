//! Answers to the CLI's control requests: permissions, hooks, in-process MCP, elicitation and
//! user dialogs. Every request gets exactly one answer, except where the TypeScript SDK stays
//! silent (its callback answered `null`).

use crate::hooks::HookRegistry;
use crate::mcp::{self, SdkServers, Unanswered};
use crate::options::{ClaudeAgentOptions, McpServerConfig, RequestHandler};
use crate::permission::{self, CanUseTool};
use crate::{ts_callbacks, Flavour};
use serde_json::{json, Map, Value};
use std::sync::Weak;

/// The user's callbacks, looked up by the handler tasks.
#[derive(Default)]
pub(crate) struct Handlers {
    can_use_tool: Option<CanUseTool>,
    pub(crate) hooks: HookRegistry,
    pub(crate) mcp_servers: SdkServers,
    on_elicitation: Option<RequestHandler>,
    on_user_dialog: Option<RequestHandler>,
    flavour: Flavour,
}

impl Handlers {
    pub(crate) fn from_options(options: &ClaudeAgentOptions) -> Self {
        let mcp_servers = SdkServers::new(options.mcp_servers.iter().filter_map(
            |(name, config)| match config {
                McpServerConfig::Sdk(server) => Some((name.clone(), server.clone())),
                _ => None,
            },
        ));
        Handlers {
            can_use_tool: options.can_use_tool.clone(),
            hooks: HookRegistry::new(&options.hooks),
            mcp_servers,
            on_elicitation: options.on_elicitation.clone(),
            on_user_dialog: options.on_user_dialog.clone(),
            flavour: options.flavour,
        }
    }

    /// True when the CLI may ask us something mid-run, so stdin must outlive the turn.
    pub(crate) fn bidirectional(&self) -> bool {
        self.can_use_tool.is_some() || !self.hooks.is_empty() || !self.mcp_servers.is_empty()
    }

    /// Computes the answer to one request (`request_id` is its envelope's id) of `session`;
    /// `Err` becomes an error response, `Ok(None)` no answer at all.
    pub(crate) async fn handle(
        &self,
        request: Map<String, Value>,
        request_id: &str,
        session: Weak<dyn Unanswered>,
    ) -> Result<Option<Value>, String> {
        let subtype = request
            .get("subtype")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let answer = match subtype {
            "can_use_tool" => self.can_use_tool(request, request_id).await,
            // A hook's answer goes out whatever it is (the TypeScript SDK forwards a `null`).
            "hook_callback" => return self.hook_callback(request).await.map(Some),
            "mcp_message" => {
                let id = request.get("message").and_then(|m| m.get("id")).cloned();
                return Ok(match self.mcp_message(request, session).await? {
                    // A call the CLI cancelled: the TypeScript SDK leaves it unanswered, the
                    // Python SDK answers it as cancelled.
                    Value::Null if self.flavour == Flavour::Ts => None,
                    Value::Null => Some(mcp::cancelled_answer(id)),
                    answer => Some(answer),
                });
            }
            "elicitation" => match &self.on_elicitation {
                Some(handler) => {
                    let argument =
                        self.argument(request, request_id, ts_callbacks::elicitation_request);
                    handler(argument).await.map_err(|e| e.to_string())
                }
                None => Ok(json!({"action": "decline"})),
            },
            "request_user_dialog" => match &self.on_user_dialog {
                Some(handler) => {
                    let argument =
                        self.argument(request, request_id, ts_callbacks::user_dialog_request);
                    handler(argument).await.map_err(|e| e.to_string())
                }
                // The TypeScript SDK leaves the request to another client (or the CLI's deadline).
                None if self.flavour == Flavour::Ts => Ok(Value::Null),
                None => Err("no user dialog handler is configured".to_string()),
            },
            other => Err(format!("Unsupported control request subtype: {other}")),
        }?;
        Ok(match (self.flavour, answer) {
            (Flavour::Ts, Value::Null) => None,
            (_, answer) => Some(answer),
        })
    }

    /// What a request handler receives: the request body (Python), or the TypeScript SDK's
    /// argument object (`shape` of the body) with the request id.
    fn argument(
        &self,
        request: Map<String, Value>,
        request_id: &str,
        shape: fn(&Map<String, Value>) -> Value,
    ) -> Value {
        match self.flavour {
            Flavour::Ts => json!({"request": shape(&request), "requestId": request_id}),
            _ => Value::Object(request),
        }
    }

    async fn can_use_tool(
        &self,
        request: Map<String, Value>,
        request_id: &str,
    ) -> Result<Value, String> {
        let callback = self
            .can_use_tool
            .as_ref()
            .ok_or("canUseTool callback is not provided")?;
        permission::answer_can_use_tool(callback, request, request_id)
            .await
            .map_err(|e| e.to_string())
    }

    async fn hook_callback(&self, request: Map<String, Value>) -> Result<Value, String> {
        self.hooks
            .call_owned(request)
            .await
            .map_err(|e| e.to_string())
    }

    async fn mcp_message(
        &self,
        request: Map<String, Value>,
        session: Weak<dyn Unanswered>,
    ) -> Result<Value, String> {
        mcp::answer_mcp_message(&request, |name| self.mcp_servers.find(name), Some(session))
            .await
            .map_err(|e| e.to_string())
    }
}
