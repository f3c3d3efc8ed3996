//! A tool's request to the CLI that gets no answer in time: the tool gets the MCP SDK's error,
//! and the CLI is told the request was given up (`notifications/cancelled`), as the MCP SDK
//! tells it. Played against an in-memory CLI that never answers the request.

use claude_wire::mcp::{create_sdk_mcp_server, SdkMcpTool, ToolCall, ToolHandler, ToolResult};
use claude_wire::options::McpServerConfig;
use claude_wire::transport::channel_transport;
use claude_wire::{query_with_transport, ClaudeAgentOptions};
use futures::StreamExt;
use serde_json::{json, Map, Value};
use std::sync::Arc;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(5);

#[tokio::test]
async fn a_request_given_up_is_cancelled_at_the_cli() {
    let handler: ToolHandler = Arc::new(|_args: Value, call: ToolCall| {
        Box::pin(async move {
            let link = call.link().expect("a call in a session has a link");
            let ping = Map::from_iter([("method".to_owned(), json!("ping"))]);
            let outcome = link.request(ping, Some(Duration::from_millis(100))).await;
            let error = outcome.expect_err("no answer comes");
            Ok(ToolResult::text(error.to_string()))
        })
    });
    let add = SdkMcpTool::new("add", "Add", Value::Null, handler);
    let options = ClaudeAgentOptions::new().mcp_server(
        "calc",
        McpServerConfig::Sdk(create_sdk_mcp_server("calc", "1.0.0", vec![add])),
    );
    let (transport, mut peer) = channel_transport();
    let messages = query_with_transport("go", options, Arc::new(transport));
    let drain = tokio::spawn(messages.collect::<Vec<_>>());
    tokio::time::timeout(WAIT, peer.accept_initialize(json!({"commands": []})))
        .await
        .expect("initialize in time")
        .expect("initialize first");
    peer.send(
        json!({"type": "control_request", "request_id": "call_1", "request": {
        "subtype": "mcp_message", "server_name": "calc",
        "message": {"jsonrpc": "2.0", "id": 9, "method": "tools/call",
                    "params": {"name": "add", "arguments": {}}}}}),
    );
    // What the server sends the CLI, and the answer to the tool call.
    let mut sent = Vec::new();
    let answer = tokio::time::timeout(WAIT, async {
        loop {
            let frame = peer.recv().await.expect("the session still writes");
            if frame["type"] == "control_response" && frame["response"]["request_id"] == "call_1" {
                return frame["response"]["response"]["mcp_response"].clone();
            }
            if frame["request"]["subtype"] == "mcp_message" {
                sent.push(frame["request"]["message"].clone());
            }
        }
    })
    .await
    .expect("the tool call is answered");
    // Compared as text: the MCP SDK's key order too.
    let sent: Vec<String> = sent.iter().map(Value::to_string).collect();
    assert_eq!(
        sent,
        [
            r#"{"method":"ping","jsonrpc":"2.0","id":0}"#,
            r#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":0,"reason":"McpError: MCP error -32001: Request timed out"}}"#,
        ]
    );
    assert_eq!(
        answer["result"]["content"][0]["text"],
        "MCP error -32001: Request timed out"
    );
    peer.exit();
    drop(tokio::time::timeout(WAIT, drain).await);
}
