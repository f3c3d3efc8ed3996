//! A tool's request to the CLI that gets no answer in time, or that its caller gives up: the
//! tool gets the MCP SDK's error, and the CLI is told the request was given up
//! (`notifications/cancelled`, with the reason), as the MCP SDK tells it. Played against an
//! in-memory CLI that never answers the request.

use claude_wire::mcp::{create_sdk_mcp_server, SdkMcpTool, ToolCall, ToolHandler, ToolResult};
use claude_wire::options::McpServerConfig;
use claude_wire::transport::channel_transport;
use claude_wire::{query_with_transport, ClaudeAgentOptions};
use futures::StreamExt;
use serde_json::{json, Map, Value};
use std::sync::Arc;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(5);

/// Runs one tool call whose handler sends a `ping` the CLI never answers, given up after
/// 100 ms by a timeout (`cancel_with` `None`) or by the caller with that reason; returns what
/// the server sent the CLI (as text) and the tool's text (the request's error).
async fn ping_given_up(cancel_with: Option<&'static str>) -> (Vec<String>, Value) {
    let handler: ToolHandler = Arc::new(move |_args: Value, call: ToolCall| {
        Box::pin(async move {
            let link = call.link().expect("a call in a session has a link");
            let ping = Map::from_iter([("method".to_owned(), json!("ping"))]);
            let soon = Duration::from_millis(100);
            let outcome = match cancel_with {
                None => link.request(ping, Some(soon)).await,
                Some(reason) => {
                    let cancel = async move {
                        tokio::time::sleep(soon).await;
                        reason.to_owned()
                    };
                    link.request_or_cancel(ping, None, cancel).await
                }
            };
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
    let sent: Vec<String> = sent.iter().map(Value::to_string).collect();
    peer.exit();
    drop(tokio::time::timeout(WAIT, drain).await);
    (sent, answer["result"]["content"][0]["text"].clone())
}

#[tokio::test]
async fn a_request_that_times_out_is_cancelled_at_the_cli() {
    let (sent, text) = ping_given_up(None).await;
    // Compared as text: the MCP SDK's key order too.
    assert_eq!(
        sent,
        [
            r#"{"method":"ping","jsonrpc":"2.0","id":0}"#,
            r#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":0,"reason":"McpError: MCP error -32001: Request timed out"}}"#,
        ]
    );
    assert_eq!(text, "MCP error -32001: Request timed out");
}

#[tokio::test]
async fn a_request_its_caller_gives_up_is_cancelled_at_the_cli_with_the_reason() {
    let (sent, text) = ping_given_up(Some("AbortError: This operation was aborted")).await;
    assert_eq!(
        sent[1],
        r#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":0,"reason":"AbortError: This operation was aborted"}}"#
    );
    assert_eq!(
        text,
        "MCP error -32001: AbortError: This operation was aborted"
    );
}
