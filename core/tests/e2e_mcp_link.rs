//! An in-process MCP tool speaks to the real CLI during its call: the call's `_meta` and id,
//! a progress notification, a request and its answer, the errors the MCP SDK gives.

mod support;

use claude_wire::mcp::{create_sdk_mcp_server, SdkMcpTool, ToolCall, ToolHandler, ToolResult};
use claude_wire::model_server::{ModelServer, Reply, Script};
use claude_wire::options::McpServerConfig;
use claude_wire::{query, Error};
use futures::StreamExt;
use serde_json::{json, Map, Value};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::Sandbox;

#[tokio::test]
async fn a_tool_call_notifies_and_asks_the_cli() {
    let server = ModelServer::start(Script::from(vec![
        Reply::tool_use("mcp__calc__add", json!({"a": 2, "b": 3})),
        Reply::text("done"),
    ]))
    .await
    .unwrap();
    let sandbox = Sandbox::new();
    let seen: Arc<Mutex<Vec<(String, Value)>>> = Arc::default();
    let record = seen.clone();
    let handler: ToolHandler = Arc::new(move |_args: Value, call: ToolCall| {
        let record = record.clone();
        Box::pin(async move {
            let note =
                |label: &str, value: Value| record.lock().unwrap().push((label.into(), value));
            note("request_id", call.request_id.clone());
            note("meta", call.meta.clone().unwrap_or_default());
            let link = call.link().expect("a call in a session has a link");
            let token = call
                .meta
                .as_ref()
                .and_then(|m| m.get("progressToken"))
                .cloned();
            let progress = json!({"method": "notifications/progress", "params": {"progressToken": token, "progress": 1, "total": 2}});
            note("progress", json!(link.notify(progress).await.is_ok()));
            let logged = link
                .notify(json!({"method": "notifications/message", "params": {"level": "info", "data": "x"}}))
                .await;
            note("log", json!(logged.err().map(|e| e.to_string())));
            let ping = Map::from_iter([("method".to_owned(), json!("ping"))]);
            note(
                "ping",
                link.request(ping, None).await.unwrap_or(json!("failed")),
            );
            let roots = Map::from_iter([("method".to_owned(), json!("roots/list"))]);
            let refused = link.request(roots, Some(Duration::from_secs(5))).await;
            note(
                "roots",
                match refused {
                    Err(Error::Mcp { code, message }) => json!([code, message]),
                    other => json!(format!("{other:?}")),
                },
            );
            Ok(ToolResult::text("5"))
        })
    });
    let add = SdkMcpTool::new("add", "Add", Value::Null, handler);
    let options = support::options(&server, &sandbox)
        .mcp_server(
            "calc",
            McpServerConfig::Sdk(create_sdk_mcp_server("calc", "1.0.0", vec![add])),
        )
        .allowed_tools(vec!["mcp__calc__add".to_string()]);
    let items = tokio::time::timeout(
        Duration::from_secs(60),
        query("add", options).collect::<Vec<_>>(),
    )
    .await
    .expect("the query finished in time");
    assert!(items.iter().all(Result::is_ok), "{items:?}");
    let seen: std::collections::HashMap<String, Value> = seen.lock().unwrap().drain(..).collect();
    assert!(seen["request_id"].is_number(), "{seen:?}");
    let tool_use_id = server.main_requests()[1].body.to_string();
    let meta_id = seen["meta"]["claudecode/toolUseId"]
        .as_str()
        .expect("the tool use's id");
    assert!(
        tool_use_id.contains(meta_id),
        "the id of the model's tool_use"
    );
    assert!(seen["meta"]["progressToken"].is_number());
    assert_eq!(seen["progress"], json!(true));
    assert_eq!(
        seen["log"],
        json!("Server does not support logging (required for notifications/message)")
    );
    assert_eq!(seen["ping"], json!({}));
    assert_eq!(
        seen["roots"],
        json!([-32601, "MCP error -32601: Method not found"])
    );
}

#[tokio::test]
async fn an_interrupt_stops_a_tool_call_under_way() {
    // The CLI sends `notifications/cancelled` for the call: its handler is dropped at once, as
    // the MCP SDK's server aborts it, and the turn ends.
    let server = ModelServer::start(Script::from(vec![
        Reply::tool_use("mcp__slow__wait", json!({})),
        Reply::text("after"),
    ]))
    .await
    .unwrap();
    let sandbox = Sandbox::new();
    let (started_tx, started) = tokio::sync::oneshot::channel::<()>();
    let started_tx = Arc::new(Mutex::new(Some(started_tx)));
    let (dropped_tx, dropped) = tokio::sync::oneshot::channel::<()>();
    let dropped_tx = Arc::new(Mutex::new(Some(dropped_tx)));
    let handler: ToolHandler = Arc::new(move |_args: Value, _call: ToolCall| {
        let (started, dropped) = (started_tx.clone(), dropped_tx.clone());
        Box::pin(async move {
            struct OnDrop(Arc<Mutex<Option<tokio::sync::oneshot::Sender<()>>>>);
            impl Drop for OnDrop {
                fn drop(&mut self) {
                    if let Some(tx) = self.0.lock().unwrap().take() {
                        let _ = tx.send(());
                    }
                }
            }
            let _guard = OnDrop(dropped);
            if let Some(tx) = started.lock().unwrap().take() {
                let _ = tx.send(());
            }
            tokio::time::sleep(Duration::from_secs(60)).await;
            Ok(ToolResult::text("waited"))
        })
    });
    let wait = SdkMcpTool::new("wait", "Waits", Value::Null, handler);
    let options = support::options(&server, &sandbox)
        .mcp_server(
            "slow",
            McpServerConfig::Sdk(create_sdk_mcp_server("slow", "1.0.0", vec![wait])),
        )
        .allowed_tools(vec!["mcp__slow__wait".to_string()]);
    let client = claude_wire::ClaudeClient::new(options);
    client.connect(None).await.unwrap();
    client.query("go", "default").await.unwrap();
    let mut replies = client.receive_response();
    let drain = tokio::spawn(async move { while replies.next().await.is_some() {} });
    tokio::time::timeout(Duration::from_secs(60), started)
        .await
        .expect("the tool was called")
        .unwrap();
    tokio::time::timeout(
        Duration::from_secs(10),
        client.control().unwrap().interrupt(),
    )
    .await
    .expect("the interrupt was answered")
    .unwrap();
    tokio::time::timeout(Duration::from_secs(10), dropped)
        .await
        .expect("the handler was stopped by the CLI's cancel")
        .unwrap();
    tokio::time::timeout(Duration::from_secs(30), drain)
        .await
        .expect("the turn ended")
        .unwrap();
    client.disconnect().await.unwrap();
}
