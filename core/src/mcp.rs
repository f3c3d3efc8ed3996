//! In-process MCP servers: tools implemented in the host program, called by the CLI through the
//! control channel.
//!
//! SKELETON: the callbacks helper completes this module keeping these public names.

use crate::{BoxFuture, CallbackError};
use serde_json::Value;
use std::sync::Arc;

/// A tool handler: receives the validated arguments, returns the tool result.
pub type ToolHandler = Arc<dyn Fn(Value) -> BoxFuture<'static, Result<ToolResult, CallbackError>> + Send + Sync>;

/// The result of a tool call.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ToolResult {
    /// Content blocks (MCP JSON shape).
    pub content: Vec<Value>,
    /// Marks the result as a failure.
    pub is_error: bool,
}

/// One tool of an in-process server.
#[derive(Clone)]
pub struct SdkMcpTool {
    /// Tool name (the model sees `mcp__<server>__<name>`).
    pub name: String,
    /// Description shown to the model.
    pub description: String,
    /// JSON Schema of the input.
    pub input_schema: Value,
    /// The handler.
    pub handler: ToolHandler,
}

/// An in-process MCP server.
#[derive(Clone)]
pub struct SdkMcpServer {
    /// Server name.
    pub name: String,
    /// Server version.
    pub version: String,
    /// Its tools.
    pub tools: Vec<SdkMcpTool>,
}

impl SdkMcpServer {
    /// Answers one JSON-RPC message from the CLI; returns the JSON-RPC reply.
    pub async fn handle(&self, message: Value) -> Value {
        let _ = message;
        Value::Null
    }
}
