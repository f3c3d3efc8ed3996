//! Deterministic control-protocol tests: the CLI is played by an in-memory peer.

use claude_wire::hooks::{HookMatcher, HookOutput};
use claude_wire::mcp::{create_sdk_mcp_server, tool, ToolResult};
use claude_wire::options::McpServerConfig;
use claude_wire::permission::PermissionResult;
use claude_wire::transport::{channel_transport, CliPeer};
use claude_wire::{
    query_with_transport, ClaudeAgentOptions, ClaudeClient, ControlRequest, Error, Message,
};
use futures::StreamExt;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(5);

async fn connect(options: ClaudeAgentOptions) -> (Arc<ClaudeClient>, CliPeer, Value) {
    let (transport, mut peer) = channel_transport();
    let client = Arc::new(ClaudeClient::with_transport(options, Arc::new(transport)));
    let connecting = {
        let client = client.clone();
        tokio::spawn(async move { client.connect(None).await })
    };
    let init = tokio::time::timeout(
        WAIT,
        peer.accept_initialize(json!({"commands": [], "pid": 7})),
    )
    .await
    .expect("initialize in time")
    .expect("first frame is initialize");
    connecting.await.unwrap().unwrap();
    (client, peer, init)
}

fn request(id: &str, body: Value) -> Value {
    json!({"type": "control_request", "request_id": id, "request": body})
}

/// Reads frames until the control response for `id`; returns its inner `response` envelope.
async fn answer_to(peer: &mut CliPeer, id: &str) -> Value {
    tokio::time::timeout(WAIT, async {
        loop {
            let frame = peer.recv().await.expect("session still writing");
            if frame["type"] == "control_response" && frame["response"]["request_id"] == id {
                return frame["response"].clone();
            }
        }
    })
    .await
    .expect("an answer in time")
}

fn result_frame(is_error: bool, text: &str) -> Value {
    json!({
        "type": "result", "subtype": "success", "is_error": is_error, "duration_ms": 5,
        "duration_api_ms": 3, "num_turns": 1, "session_id": "s1", "result": text,
        "total_cost_usd": 0.0, "usage": {}
    })
}

fn assistant_frame(text: &str) -> Value {
    json!({
        "type": "assistant", "session_id": "s1", "parent_tool_use_id": null, "uuid": "u1",
        "message": {"id": "m1", "model": "test", "role": "assistant", "type": "message",
                     "content": [{"type": "text", "text": text}], "stop_reason": "end_turn", "usage": {}}
    })
}

fn allow_all_but_rewrite() -> ClaudeAgentOptions {
    let options = ClaudeAgentOptions::default().can_use_tool(
        claude_wire::permission::can_use_tool(|name: String, input: Value, _ctx| async move {
            Ok(match name.as_str() {
                "Bash" => PermissionResult::Allow {
                    updated_input: Some(json!({"command": "echo safe"})),
                    updated_permissions: None,
                },
                "Write" => PermissionResult::Deny {
                    message: "no writing".into(),
                    interrupt: true,
                },
                _ => {
                    let _ = input;
                    PermissionResult::Allow {
                        updated_input: None,
                        updated_permissions: None,
                    }
                }
            })
        }),
    );
    options
}

#[tokio::test]
async fn initialize_is_the_first_frame_and_its_answer_is_server_info() {
    let mut options = ClaudeAgentOptions::default();
    let hook = claude_wire::hooks::hook(|_input, _id, _ctx| async { Ok(HookOutput::default()) });
    options.hooks = vec![
        (
            "PreToolUse".into(),
            vec![
                HookMatcher::new(Some("Bash")).hook(hook.clone()),
                HookMatcher::new(None).hook(hook.clone()),
            ],
        ),
        ("Stop".into(), vec![HookMatcher::new(None).hook(hook)]),
    ];
    let (client, _peer, init) = connect(options).await;
    assert_eq!(init["subtype"], "initialize");
    assert_eq!(init["hooks"]["PreToolUse"][0]["matcher"], "Bash");
    assert_eq!(
        init["hooks"]["PreToolUse"][0]["hookCallbackIds"],
        json!(["hook_0"])
    );
    assert_eq!(
        init["hooks"]["PreToolUse"][1]["hookCallbackIds"],
        json!(["hook_1"])
    );
    assert_eq!(
        init["hooks"]["Stop"][0]["hookCallbackIds"],
        json!(["hook_2"])
    );
    assert_eq!(client.server_info().unwrap()["pid"], 7);
}

#[tokio::test]
async fn permission_answers_allow_changed_input_and_deny() {
    let (_client, mut peer, _) = connect(allow_all_but_rewrite()).await;
    let ask = |id: &str, tool: &str, input: Value| {
        request(
            id,
            json!({"subtype": "can_use_tool", "tool_name": tool, "input": input,
                           "permission_suggestions": [], "blocked_path": null, "tool_use_id": "t1"}),
        )
    };
    peer.send(ask("c1", "Read", json!({"file_path": "/x"})));
    let allow = answer_to(&mut peer, "c1").await;
    assert_eq!(
        allow["response"],
        json!({"behavior": "allow", "updatedInput": {"file_path": "/x"}})
    );

    peer.send(ask("c2", "Bash", json!({"command": "rm -rf /"})));
    let changed = answer_to(&mut peer, "c2").await;
    assert_eq!(
        changed["response"]["updatedInput"],
        json!({"command": "echo safe"})
    );

    peer.send(ask("c3", "Write", json!({})));
    let deny = answer_to(&mut peer, "c3").await;
    assert_eq!(
        deny["response"],
        json!({"behavior": "deny", "message": "no writing", "interrupt": true})
    );
}

#[tokio::test]
async fn every_request_gets_one_answer_even_without_a_handler() {
    let (_client, mut peer, _) = connect(ClaudeAgentOptions::default()).await;
    peer.send(request(
        "p",
        json!({"subtype": "can_use_tool", "tool_name": "Bash", "input": {}}),
    ));
    assert_eq!(answer_to(&mut peer, "p").await["subtype"], "error");
    peer.send(request(
        "h",
        json!({"subtype": "hook_callback", "callback_id": "hook_9", "input": {}}),
    ));
    assert!(answer_to(&mut peer, "h").await["error"]
        .as_str()
        .unwrap()
        .contains("hook_9"));
    peer.send(request("u", json!({"subtype": "teleport"})));
    assert_eq!(
        answer_to(&mut peer, "u").await["error"],
        "Unsupported control request subtype: teleport"
    );
    peer.send(request(
        "e",
        json!({"subtype": "elicitation", "mcp_server_name": "x", "message": "?"}),
    ));
    assert_eq!(
        answer_to(&mut peer, "e").await["response"],
        json!({"action": "decline"})
    );
    peer.send(request(
        "d",
        json!({"subtype": "request_user_dialog", "dialog_kind": "x"}),
    ));
    assert_eq!(answer_to(&mut peer, "d").await["subtype"], "error");
}

#[tokio::test]
async fn hook_outputs_reach_the_cli_in_wire_spelling() {
    let mut options = ClaudeAgentOptions::default();
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let record = seen.clone();
    let hook = claude_wire::hooks::hook(
        move |input: claude_wire::hooks::HookInput, tool_use_id, _ctx| {
            record
                .lock()
                .unwrap()
                .push((input.raw().clone(), tool_use_id));
            async {
                HookOutput::from_value(json!({
                "continue_": false, "stopReason": "enough",
                "hookSpecificOutput": {"hookEventName": "PreToolUse", "permissionDecision": "deny",
                                        "permissionDecisionReason": "policy"}
            }))
            .map_err(Into::into)
            }
        },
    );
    options.hooks = vec![(
        "PreToolUse".into(),
        vec![HookMatcher::new(Some("Bash")).hook(hook)],
    )];
    let (_client, mut peer, _) = connect(options).await;
    let input = json!({"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": "ls"},
                       "session_id": "s", "transcript_path": "/t", "cwd": "/"});
    peer.send(request("h1", json!({"subtype": "hook_callback", "callback_id": "hook_0", "input": input, "tool_use_id": "tu1"})));
    let answer = answer_to(&mut peer, "h1").await;
    assert_eq!(answer["response"]["continue"], false);
    assert_eq!(answer["response"]["stopReason"], "enough");
    assert_eq!(
        answer["response"]["hookSpecificOutput"]["permissionDecision"],
        "deny"
    );
    assert!(answer["response"].get("continue_").is_none());
    let calls = seen.lock().unwrap();
    assert_eq!(calls[0].0, input);
    assert_eq!(calls[0].1.as_deref(), Some("tu1"));
}

#[tokio::test]
async fn in_process_mcp_tools_answer_through_the_control_channel() {
    let add = tool(
        "add",
        "Adds two numbers",
        json!({"type": "object", "properties": {"a": {"type": "number"}, "b": {"type": "number"}}, "required": ["a", "b"]}),
        |args: Value| async move {
            let sum = args["a"].as_f64().unwrap_or(0.0) + args["b"].as_f64().unwrap_or(0.0);
            Ok(ToolResult::text(format!("{sum}")))
        },
    );
    let options = ClaudeAgentOptions::default().mcp_server(
        "calc",
        McpServerConfig::Sdk(create_sdk_mcp_server("calc", "1.0.0", vec![add])),
    );
    let (_client, mut peer, _) = connect(options).await;
    let call = json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "add", "arguments": {"a": 2, "b": 3}}});
    peer.send(request(
        "m1",
        json!({"subtype": "mcp_message", "server_name": "calc", "message": call}),
    ));
    let reply = &answer_to(&mut peer, "m1").await["response"]["mcp_response"];
    assert_eq!(reply["id"], 3);
    assert_eq!(reply["result"]["content"][0]["text"], "5");
    peer.send(request("m2", json!({"subtype": "mcp_message", "server_name": "nope", "message": {"jsonrpc": "2.0", "id": 4, "method": "tools/list"}})));
    assert_eq!(
        answer_to(&mut peer, "m2").await["response"]["mcp_response"]["error"]["code"],
        -32601
    );
}

#[tokio::test]
async fn a_slow_callback_blocks_neither_the_reader_nor_other_callbacks() {
    let gate = Arc::new(tokio::sync::Notify::new());
    let release = gate.clone();
    let options = ClaudeAgentOptions::default().can_use_tool(
        claude_wire::permission::can_use_tool(move |name: String, _input, _ctx| {
            let gate = gate.clone();
            async move {
                if name == "Slow" {
                    gate.notified().await;
                }
                Ok(PermissionResult::Allow {
                    updated_input: None,
                    updated_permissions: None,
                })
            }
        }),
    );
    let (client, mut peer, _) = connect(options).await;
    let ask = |id: &str, tool: &str| {
        request(
            id,
            json!({"subtype": "can_use_tool", "tool_name": tool, "input": {}}),
        )
    };
    peer.send(ask("slow", "Slow"));
    peer.send(ask("fast", "Fast"));
    peer.send(assistant_frame("still flowing"));
    let first = answer_to(&mut peer, "fast").await;
    assert_eq!(first["subtype"], "success");
    let message = tokio::time::timeout(WAIT, client.next_message())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(message.to_value()["type"], "assistant");
    release.notify_one();
    assert_eq!(answer_to(&mut peer, "slow").await["subtype"], "success");
}

#[tokio::test]
async fn a_cancelled_request_stops_its_handler_and_gets_no_answer() {
    let dropped = Arc::new(AtomicBool::new(false));
    let flag = dropped.clone();
    let options = ClaudeAgentOptions::default().can_use_tool(
        claude_wire::permission::can_use_tool(move |name: String, _input, _ctx| {
            let flag = flag.clone();
            async move {
                if name == "Forever" {
                    struct SetOnDrop(Arc<AtomicBool>);
                    impl Drop for SetOnDrop {
                        fn drop(&mut self) {
                            self.0.store(true, Ordering::SeqCst);
                        }
                    }
                    let _guard = SetOnDrop(flag);
                    std::future::pending::<()>().await;
                }
                Ok(PermissionResult::Allow {
                    updated_input: None,
                    updated_permissions: None,
                })
            }
        }),
    );
    let (_client, mut peer, _) = connect(options).await;
    peer.send(request(
        "f",
        json!({"subtype": "can_use_tool", "tool_name": "Forever", "input": {}}),
    ));
    tokio::time::sleep(Duration::from_millis(50)).await;
    peer.send(json!({"type": "control_cancel_request", "request_id": "f"}));
    peer.send(request(
        "after",
        json!({"subtype": "can_use_tool", "tool_name": "Quick", "input": {}}),
    ));
    let next = answer_to(&mut peer, "after").await;
    assert_eq!(next["request_id"], "after");
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(
        dropped.load(Ordering::SeqCst),
        "the handler future was dropped"
    );
    let extra = tokio::time::timeout(Duration::from_millis(200), peer.recv()).await;
    assert!(
        extra.is_err(),
        "no answer for a cancelled request, got {extra:?}"
    );
}

#[tokio::test]
async fn callback_errors_and_panics_become_error_answers_and_the_session_goes_on() {
    let options = ClaudeAgentOptions::default().can_use_tool(
        claude_wire::permission::can_use_tool(|name: String, _input, _ctx| async move {
            match name.as_str() {
                "Fail" => Err("database is down".into()),
                "Panic" => panic!("callback bug"),
                _ => Ok(PermissionResult::Allow {
                    updated_input: None,
                    updated_permissions: None,
                }),
            }
        }),
    );
    let (_client, mut peer, _) = connect(options).await;
    let ask = |id: &str, tool: &str| {
        request(
            id,
            json!({"subtype": "can_use_tool", "tool_name": tool, "input": {}}),
        )
    };
    peer.send(ask("a", "Fail"));
    let failed = answer_to(&mut peer, "a").await;
    assert_eq!(failed["subtype"], "error");
    assert!(failed["error"]
        .as_str()
        .unwrap()
        .contains("database is down"));
    peer.send(ask("b", "Panic"));
    let panicked = answer_to(&mut peer, "b").await;
    assert!(panicked["error"].as_str().unwrap().contains("callback bug"));
    peer.send(ask("c", "Fine"));
    assert_eq!(answer_to(&mut peer, "c").await["subtype"], "success");
}

#[tokio::test]
async fn our_requests_time_out_and_are_cancelled_on_the_wire() {
    let (client, mut peer, _) = connect(ClaudeAgentOptions::default()).await;
    let control = client.control().unwrap();
    let started = Instant::now();
    let outcome = control
        .send_with_timeout(
            ControlRequest::from_value(json!({"subtype": "interrupt"})).unwrap(),
            Some(Duration::from_millis(150)),
        )
        .await;
    assert!(
        matches!(outcome, Err(Error::ControlTimeout { ref subtype, .. }) if subtype == "interrupt"),
        "{outcome:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
    let sent = peer.recv().await.unwrap();
    let cancel = peer.recv().await.unwrap();
    assert_eq!(
        cancel,
        json!({"type": "control_cancel_request", "request_id": sent["request_id"]})
    );
}

#[tokio::test]
async fn error_answers_become_typed_errors() {
    let (client, mut peer, _) = connect(ClaudeAgentOptions::default()).await;
    let asking = {
        let client = client.clone();
        tokio::spawn(async move { client.control().unwrap().set_model(Some("bogus")).await })
    };
    let sent = peer.recv().await.unwrap();
    assert_eq!(
        sent["request"],
        json!({"subtype": "set_model", "model": "bogus"})
    );
    peer.send(json!({"type": "control_response", "response": {"subtype": "error", "request_id": sent["request_id"], "error": "unknown model", "error_code": "invalid_model"}}));
    match asking.await.unwrap() {
        Err(Error::ControlRequest {
            subtype,
            message,
            code,
        }) => {
            assert_eq!(subtype, "set_model");
            assert_eq!(message, "unknown model");
            assert_eq!(code.as_deref(), Some("invalid_model"));
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn pending_requests_fail_at_once_when_the_cli_exits() {
    let (client, mut peer, _) = connect(ClaudeAgentOptions::default()).await;
    let asking = {
        let client = client.clone();
        tokio::spawn(async move { client.control().unwrap().interrupt().await })
    };
    let _ = peer.recv().await.unwrap();
    let started = Instant::now();
    peer.send_error(Error::Process {
        exit_code: Some(2),
        signal: None,
        stderr: "fatal: out of cheese".into(),
    });
    peer.exit();
    let outcome = asking.await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(1));
    match outcome {
        Err(Error::Process {
            exit_code, stderr, ..
        }) => {
            assert_eq!(exit_code, Some(2));
            assert!(stderr.contains("out of cheese"));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(matches!(
        client.control().unwrap().interrupt().await,
        Err(Error::Process { .. })
    ));
}

#[tokio::test]
async fn an_error_result_explains_the_exit_that_follows() {
    let (client, mut peer, _) = connect(ClaudeAgentOptions::default()).await;
    peer.send(result_frame(true, "API Error: 400 bad request"));
    // The post-turn state change does not make the result stale.
    peer.send(json!({"type": "system", "subtype": "session_state_changed", "state": "idle"}));
    peer.send_error(Error::Process {
        exit_code: Some(1),
        signal: None,
        stderr: String::new(),
    });
    peer.exit();
    let first = client.next_message().await.unwrap().unwrap();
    assert!(first.is_result());
    let state = client.next_message().await.unwrap().unwrap();
    assert_eq!(state.subtype(), Some("session_state_changed"));
    match client.next_message().await.unwrap() {
        Err(
            ref error @ Error::ErrorResult {
                ref result,
                exit_code,
                ..
            },
        ) => {
            assert_eq!(exit_code, Some(1));
            assert_eq!(
                error.to_string(),
                "Claude Code returned an error result: API Error: 400 bad request"
            );
            assert_eq!(**result, result_frame(true, "API Error: 400 bad request"));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(client.next_message().await.is_none());
}

#[tokio::test]
async fn bad_lines_are_reported_and_the_stream_goes_on() {
    let (client, peer, _) = connect(ClaudeAgentOptions::default()).await;
    peer.send_error(Error::LineTooLong {
        len: 10,
        limit: 5,
        request_id: None,
    });
    peer.send(json!({"type": "brand_new_type", "payload": [1, 2]}));
    peer.send(assistant_frame("after"));
    assert!(matches!(
        client.next_message().await,
        Some(Err(Error::LineTooLong { .. }))
    ));
    let unknown = client.next_message().await.unwrap().unwrap();
    assert_eq!(
        unknown.to_value(),
        json!({"type": "brand_new_type", "payload": [1, 2]})
    );
    assert_eq!(
        client.next_message().await.unwrap().unwrap().to_value()["type"],
        "assistant"
    );
}

#[tokio::test]
async fn host_only_frames_are_consumed() {
    let (client, peer, _) = connect(ClaudeAgentOptions::default()).await;
    peer.send(json!({"type": "system", "subtype": "session_state_changed", "state": "running", "sdk_host_only": true}));
    peer.send(json!({"type": "transcript_mirror", "filePath": "/x", "entries": []}));
    peer.send(assistant_frame("visible"));
    let message = client.next_message().await.unwrap().unwrap();
    assert_eq!(
        message.to_value()["message"]["content"][0]["text"],
        "visible"
    );
}

#[tokio::test]
async fn one_shot_query_closes_stdin_right_after_the_prompt_without_callbacks() {
    let (transport, mut peer) = channel_transport();
    let mut messages =
        query_with_transport("hello", ClaudeAgentOptions::default(), Arc::new(transport));
    let cli = tokio::spawn(async move {
        peer.accept_initialize(json!({})).await.unwrap();
        let user = peer.recv().await.unwrap();
        assert_eq!(user["message"], json!({"role": "user", "content": "hello"}));
        assert!(
            tokio::time::timeout(WAIT, peer.recv())
                .await
                .unwrap()
                .is_none(),
            "stdin closed"
        );
        peer.send(assistant_frame("hi"));
        peer.send(result_frame(false, "hi"));
        peer.exit();
    });
    let mut kinds = Vec::new();
    while let Some(message) = messages.next().await {
        kinds.push(
            message.unwrap().to_value()["type"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    cli.await.unwrap();
    assert_eq!(kinds, ["assistant", "result"]);
}

#[tokio::test]
async fn one_shot_query_keeps_stdin_open_until_the_result_when_callbacks_are_set() {
    let (transport, mut peer) = channel_transport();
    let mut messages =
        query_with_transport("write it", allow_all_but_rewrite(), Arc::new(transport));
    let cli = tokio::spawn(async move {
        peer.accept_initialize(json!({})).await.unwrap();
        let _user = peer.recv().await.unwrap();
        peer.send(request(
            "perm",
            json!({"subtype": "can_use_tool", "tool_name": "Read", "input": {"file_path": "a"}}),
        ));
        let answer = answer_to(&mut peer, "perm").await;
        assert_eq!(answer["response"]["behavior"], "allow");
        peer.send(result_frame(false, "done"));
        assert!(
            tokio::time::timeout(WAIT, peer.recv())
                .await
                .unwrap()
                .is_none(),
            "stdin closed after the result"
        );
        peer.exit();
    });
    while let Some(message) = messages.next().await {
        message.unwrap();
    }
    cli.await.unwrap();
}

#[tokio::test]
async fn one_shot_query_waits_for_idle_when_the_cli_reports_session_state() {
    let (transport, mut peer) = channel_transport();
    let mut messages = query_with_transport("go", allow_all_but_rewrite(), Arc::new(transport));
    let cli = tokio::spawn(async move {
        peer.accept_initialize(json!({})).await.unwrap();
        let _user = peer.recv().await.unwrap();
        let state = |s: &str| json!({"type": "system", "subtype": "session_state_changed", "state": s, "sdk_host_only": true});
        peer.send(state("running"));
        peer.send(result_frame(false, "first"));
        // Still running (a background task owes a turn): stdin must stay open.
        assert!(
            tokio::time::timeout(Duration::from_millis(300), peer.recv())
                .await
                .is_err()
        );
        peer.send(state("idle"));
        assert!(tokio::time::timeout(WAIT, peer.recv())
            .await
            .unwrap()
            .is_none());
        peer.exit();
    });
    while let Some(message) = messages.next().await {
        message.unwrap();
    }
    cli.await.unwrap();
}

#[tokio::test]
async fn dropping_a_query_mid_way_closes_the_transport() {
    let (transport, mut peer) = channel_transport();
    let mut messages = query_with_transport("hello", allow_all_but_rewrite(), Arc::new(transport));
    let cli = tokio::spawn(async move {
        peer.accept_initialize(json!({})).await.unwrap();
        let _ = peer.recv().await;
        peer.send(assistant_frame("one"));
        // The session is dropped: its input ends.
        tokio::time::timeout(WAIT, async { while peer.recv().await.is_some() {} })
            .await
            .unwrap();
    });
    let first = messages.next().await.unwrap().unwrap();
    assert_eq!(first.to_value()["type"], "assistant");
    drop(messages);
    cli.await.unwrap();
}

#[tokio::test]
async fn a_hundred_concurrent_clients() {
    let done = Arc::new(AtomicUsize::new(0));
    let mut sessions = Vec::new();
    for n in 0..100 {
        let done = done.clone();
        sessions.push(tokio::spawn(async move {
            let (client, mut peer, _) = connect(allow_all_but_rewrite()).await;
            let cli = tokio::spawn(async move {
                while let Some(frame) = peer.recv().await {
                    if frame["type"] == "user" {
                        let text = frame["message"]["content"].as_str().unwrap().to_string();
                        peer.send(request(
                            &format!("p{n}"),
                            json!({"subtype": "can_use_tool", "tool_name": "Read", "input": {}}),
                        ));
                        peer.send(assistant_frame(&text));
                        peer.send(result_frame(false, &text));
                    }
                }
            });
            client
                .query(format!("client {n}"), "default")
                .await
                .unwrap();
            let replies: Vec<Message> = client
                .receive_response()
                .map(|m| m.unwrap())
                .collect()
                .await;
            assert_eq!(replies.len(), 2);
            assert_eq!(
                replies[0].to_value()["message"]["content"][0]["text"],
                format!("client {n}")
            );
            client.disconnect().await.unwrap();
            cli.await.unwrap();
            done.fetch_add(1, Ordering::SeqCst);
        }));
    }
    for session in sessions {
        tokio::time::timeout(Duration::from_secs(30), session)
            .await
            .unwrap()
            .unwrap();
    }
    assert_eq!(done.load(Ordering::SeqCst), 100);
}

/// Every control request of both official SDKs, as the typed request and the frame the official
/// SDK writes for it (subtypes and field names read from their sources).
fn every_request() -> Vec<(ControlRequest, Value)> {
    use claude_wire::control::*;
    use claude_wire::options::PermissionMode;
    let map = |v: Value| v.as_object().unwrap().clone();
    vec![
        (Interrupt::default().into(), json!({"subtype": "interrupt"})),
        (
            Interrupt {
                cancel_queued: true,
            }
            .into(),
            json!({"subtype": "interrupt", "cancel_queued": true}),
        ),
        (
            SetPermissionMode {
                mode: PermissionMode::AcceptEdits,
                answers_bypass_switch_back: None,
            }
            .into(),
            json!({"subtype": "set_permission_mode", "mode": "acceptEdits"}),
        ),
        (
            SetModel { model: None }.into(),
            json!({"subtype": "set_model", "model": null}),
        ),
        (
            SetModel {
                model: Some("m2".into()),
            }
            .into(),
            json!({"subtype": "set_model", "model": "m2"}),
        ),
        (
            SetMaxThinkingTokens {
                max_thinking_tokens: Some(2048),
                thinking_display: None,
            }
            .into(),
            json!({"subtype": "set_max_thinking_tokens", "max_thinking_tokens": 2048}),
        ),
        (
            SetMaxThinkingTokens {
                max_thinking_tokens: None,
                thinking_display: Some("omitted".into()),
            }
            .into(),
            json!({"subtype": "set_max_thinking_tokens", "max_thinking_tokens": null, "thinking_display": "omitted"}),
        ),
        (
            ApplyFlagSettings {
                settings: map(json!({"model": "m2"})),
            }
            .into(),
            json!({"subtype": "apply_flag_settings", "settings": {"model": "m2"}}),
        ),
        (
            UpdateSettings {
                source: "localSettings".into(),
                settings: map(json!({"outputStyle": "Concise"})),
            }
            .into(),
            json!({"subtype": "update_settings", "source": "localSettings", "settings": {"outputStyle": "Concise"}}),
        ),
        (GetSettings {}.into(), json!({"subtype": "get_settings"})),
        (
            GetHooksListing {}.into(),
            json!({"subtype": "get_hooks_listing"}),
        ),
        (
            ListPermissionRules {}.into(),
            json!({"subtype": "list_permission_rules"}),
        ),
        (
            RewindFiles {
                user_message_id: "u1".into(),
                dry_run: None,
            }
            .into(),
            json!({"subtype": "rewind_files", "user_message_id": "u1"}),
        ),
        (
            RewindFiles {
                user_message_id: "u1".into(),
                dry_run: Some(true),
            }
            .into(),
            json!({"subtype": "rewind_files", "user_message_id": "u1", "dry_run": true}),
        ),
        (
            CancelAsyncMessage {
                message_uuid: "m1".into(),
            }
            .into(),
            json!({"subtype": "cancel_async_message", "message_uuid": "m1"}),
        ),
        (
            SeedReadState {
                path: "a.txt".into(),
                mtime: 1700,
            }
            .into(),
            json!({"subtype": "seed_read_state", "path": "a.txt", "mtime": 1700}),
        ),
        (
            SetCwd {
                path: "/w".into(),
                trust_accepted: Some(true),
                trusted_directory: None,
            }
            .into(),
            json!({"subtype": "set_cwd", "path": "/w", "trust_accepted": true}),
        ),
        (McpStatus {}.into(), json!({"subtype": "mcp_status"})),
        (
            McpReconnect {
                server_name: "docs".into(),
            }
            .into(),
            json!({"subtype": "mcp_reconnect", "serverName": "docs"}),
        ),
        (
            McpToggle {
                server_name: "docs".into(),
                enabled: false,
            }
            .into(),
            json!({"subtype": "mcp_toggle", "serverName": "docs", "enabled": false}),
        ),
        (
            McpSetServers {
                servers: map(json!({"extra": {"type": "http", "url": "http://127.0.0.1:1"}})),
            }
            .into(),
            json!({"subtype": "mcp_set_servers", "servers": {"extra": {"type": "http", "url": "http://127.0.0.1:1"}}}),
        ),
        (
            McpReadResource {
                server_name: "docs".into(),
                uri: "ui://x".into(),
            }
            .into(),
            json!({"subtype": "mcp_read_resource", "serverName": "docs", "uri": "ui://x"}),
        ),
        (
            SetMcpPermissionModeOverride {
                server_name: "docs".into(),
                mode: None,
            }
            .into(),
            json!({"subtype": "set_mcp_permission_mode_override", "serverName": "docs", "mode": null}),
        ),
        (
            ChannelEnable {
                server_name: "docs".into(),
            }
            .into(),
            json!({"subtype": "channel_enable", "serverName": "docs"}),
        ),
        (
            McpAuthenticate {
                server_name: "docs".into(),
                redirect_uri: Some("http://h/cb".into()),
                redirect_uri_only: None,
            }
            .into(),
            json!({"subtype": "mcp_authenticate", "serverName": "docs", "redirectUri": "http://h/cb"}),
        ),
        (
            McpClearAuth {
                server_name: "docs".into(),
            }
            .into(),
            json!({"subtype": "mcp_clear_auth", "serverName": "docs"}),
        ),
        (
            McpOauthCallbackUrl {
                server_name: "docs".into(),
                callback_url: "http://h/cb?code=1".into(),
            }
            .into(),
            json!({"subtype": "mcp_oauth_callback_url", "serverName": "docs", "callbackUrl": "http://h/cb?code=1"}),
        ),
        (
            McpMessage {
                server_name: "calc".into(),
                message: json!({"jsonrpc": "2.0", "method": "notifications/tools/list_changed"}),
            }
            .into(),
            json!({"subtype": "mcp_message", "server_name": "calc", "message": {"jsonrpc": "2.0", "method": "notifications/tools/list_changed"}}),
        ),
        (
            ClaudeAuthenticate {
                login_with_claude_ai: true,
                console_profile: None,
            }
            .into(),
            json!({"subtype": "claude_authenticate", "loginWithClaudeAi": true}),
        ),
        (
            ClaudeOauthCallback {
                authorization_code: "c".into(),
                state: "s".into(),
            }
            .into(),
            json!({"subtype": "claude_oauth_callback", "authorizationCode": "c", "state": "s"}),
        ),
        (
            ClaudeOauthWaitForCompletion {}.into(),
            json!({"subtype": "claude_oauth_wait_for_completion"}),
        ),
        (
            StopTask {
                task_id: "task-7".into(),
            }
            .into(),
            json!({"subtype": "stop_task", "task_id": "task-7"}),
        ),
        (
            BackgroundTasks { tool_use_id: None }.into(),
            json!({"subtype": "background_tasks"}),
        ),
        (
            BackgroundTasks {
                tool_use_id: Some("toolu_1".into()),
            }
            .into(),
            json!({"subtype": "background_tasks", "tool_use_id": "toolu_1"}),
        ),
        (
            GetTaskOutput {
                task_id: "t1".into(),
            }
            .into(),
            json!({"subtype": "get_task_output", "task_id": "t1"}),
        ),
        (
            GetContextUsage::default().into(),
            json!({"subtype": "get_context_usage"}),
        ),
        (
            GetContextUsage {
                detail: Some("full".into()),
            }
            .into(),
            json!({"subtype": "get_context_usage", "detail": "full"}),
        ),
        (GetUsage::default().into(), json!({"subtype": "get_usage"})),
        (
            GetUsage {
                skip_behaviors: true,
            }
            .into(),
            json!({"subtype": "get_usage", "skip_behaviors": true}),
        ),
        (
            ReloadPlugins::default().into(),
            json!({"subtype": "reload_plugins"}),
        ),
        (
            ReloadPlugins {
                hold_on_cache_impact: true,
                add_plugins: Some(vec![json!("/p")]),
                refuse_if_busy: true,
            }
            .into(),
            json!({"subtype": "reload_plugins", "hold_on_cache_impact": true, "add_plugins": ["/p"], "refuse_if_busy": true}),
        ),
        (ReloadSkills {}.into(), json!({"subtype": "reload_skills"})),
        (
            ReloadOutputStyles {}.into(),
            json!({"subtype": "reload_output_styles"}),
        ),
        (
            ReadFile {
                path: "a.txt".into(),
                max_bytes: Some(3),
                encoding: Some("base64".into()),
            }
            .into(),
            json!({"subtype": "read_file", "path": "a.txt", "max_bytes": 3, "encoding": "base64"}),
        ),
        (GetPlan {}.into(), json!({"subtype": "get_plan"})),
        (
            GetMemoryDialog {}.into(),
            json!({"subtype": "get_memory_dialog"}),
        ),
        (
            GetSkillsDialog {}.into(),
            json!({"subtype": "get_skills_dialog"}),
        ),
        (GetStatus {}.into(), json!({"subtype": "get_status"})),
        (
            ExportConversation {}.into(),
            json!({"subtype": "export_conversation"}),
        ),
        (
            GetSandboxDialog {}.into(),
            json!({"subtype": "get_sandbox_dialog"}),
        ),
        (
            GetChromeDialog {}.into(),
            json!({"subtype": "get_chrome_dialog"}),
        ),
        (
            GetChromeBrowsers {}.into(),
            json!({"subtype": "get_chrome_browsers"}),
        ),
        (
            SelectChromeBrowser {
                device_id: "d1".into(),
            }
            .into(),
            json!({"subtype": "select_chrome_browser", "device_id": "d1"}),
        ),
        (
            SetChromeBrowserHints {
                hints: map(json!({"browser": "x"})),
            }
            .into(),
            json!({"subtype": "set_chrome_browser_hints", "browser": "x"}),
        ),
        (
            SetPromptSuggestionsPaused { paused: true }.into(),
            json!({"subtype": "set_prompt_suggestions_paused", "paused": true}),
        ),
        (
            RenameSession {
                title: "T".into(),
                source: "host".into(),
                session_id: None,
            }
            .into(),
            json!({"subtype": "rename_session", "title": "T", "source": "host"}),
        ),
        (
            GenerateSessionTitle {
                description: "d".into(),
                persist: Some(false),
            }
            .into(),
            json!({"subtype": "generate_session_title", "description": "d", "persist": false}),
        ),
        (
            SideQuestion {
                question: "q?".into(),
                history: None,
            }
            .into(),
            json!({"subtype": "side_question", "question": "q?"}),
        ),
        (
            MessageRated {
                message_uuid: "m1".into(),
                sentiment: "positive".into(),
                surface: Some("assistant_text".into()),
                cleared: false,
            }
            .into(),
            json!({"subtype": "message_rated", "messageUuid": "m1", "sentiment": "positive", "surface": "assistant_text", "cleared": false}),
        ),
        (
            SubmitFeedback {
                description: "d".into(),
                fields: map(json!({"type": "bug"})),
            }
            .into(),
            json!({"subtype": "submit_feedback", "description": "d", "type": "bug"}),
        ),
        (
            SubmitSurveyFeedback {
                fields: map(json!({"rating": 5})),
            }
            .into(),
            json!({"subtype": "submit_survey_feedback", "rating": 5}),
        ),
        (
            UltrareviewLaunch {
                args: json!("main"),
                confirm: false,
            }
            .into(),
            json!({"subtype": "ultrareview_launch", "args": "main", "confirm": false}),
        ),
        (
            RemoteControl {
                enabled: false,
                fields: Default::default(),
            }
            .into(),
            json!({"subtype": "remote_control", "enabled": false}),
        ),
        (
            ClaimSession {
                fields: map(json!({"include_initialize": true})),
            }
            .into(),
            json!({"subtype": "claim_session", "include_initialize": true}),
        ),
        (
            Initialize {
                body: map(json!({"hooks": null})),
            }
            .into(),
            json!({"subtype": "initialize", "hooks": null}),
        ),
        (
            ControlRequest::Other(json!({"subtype": "teleport", "to": "mars"})),
            json!({"subtype": "teleport", "to": "mars"}),
        ),
    ]
}

#[test]
fn every_control_request_has_the_official_wire_form_both_ways() {
    for (typed, wire) in every_request() {
        assert_eq!(typed.to_value(), wire, "{typed:?}");
        assert_eq!(
            ControlRequest::from_value(wire.clone()).unwrap(),
            typed,
            "{wire}"
        );
        assert_eq!(typed.subtype(), wire["subtype"]);
    }
    // A frame the typed form would write differently is kept verbatim.
    for verbatim in [
        json!({"subtype": "interrupt", "cancel_queued": false}),
        json!({"subtype": "mcp_reconnect", "server_name": "docs"}),
        json!({"subtype": "set_model"}),
        json!({"subtype": "stop_task", "task_id": "t", "reason": "new field"}),
        json!({"subtype": "set_permission_mode", "mode": 3}),
    ] {
        assert_eq!(
            ControlRequest::from_value(verbatim.clone()).unwrap(),
            ControlRequest::Other(verbatim)
        );
    }
    assert!(ControlRequest::from_value(json!({"mode": "plan"})).is_err());
    assert!(ControlRequest::from_value(json!("interrupt")).is_err());
}

#[tokio::test]
async fn every_control_request_reaches_the_cli_as_its_wire_frame() {
    let (client, mut peer, _) = connect(ClaudeAgentOptions::default()).await;
    let requests = every_request();
    let expected: Vec<Value> = requests.iter().map(|(_, wire)| wire.clone()).collect();
    let cli = tokio::spawn(async move {
        let mut seen = Vec::new();
        while let Some(frame) = peer.recv().await {
            assert_eq!(frame["type"], "control_request");
            let id = frame["request_id"].clone();
            seen.push(frame["request"].clone());
            peer.send(json!({"type": "control_response", "response": {"subtype": "success", "request_id": id, "response": {"n": seen.len()}}}));
        }
        seen
    });
    for (n, (request, _)) in requests.into_iter().enumerate() {
        assert_eq!(client.send(request).await.unwrap(), json!({"n": n + 1}));
    }
    client.disconnect().await.unwrap();
    assert_eq!(cli.await.unwrap(), expected);
}

#[tokio::test]
async fn shorthands_send_the_frames_of_the_official_python_client_and_decode_answers() {
    use claude_wire::control::{McpStatus, ServerInfo};
    use claude_wire::options::PermissionMode;
    let (client, mut peer, _) = connect(ClaudeAgentOptions::default()).await;
    let cli = tokio::spawn(async move {
        let mut seen = Vec::new();
        while let Some(frame) = peer.recv().await {
            let id = frame["request_id"].clone();
            let subtype = frame["request"]["subtype"].as_str().unwrap().to_string();
            seen.push(frame["request"].clone());
            let response = match subtype.as_str() {
                "interrupt" => json!({"still_queued": ["q1"]}),
                "mcp_status" => {
                    json!({"mcpServers": [{"name": "docs", "status": "failed", "error": "boom", "scope": "project", "future": 1}]})
                }
                "get_context_usage" => {
                    json!({"categories": [], "totalTokens": 12, "maxTokens": 100, "rawMaxTokens": 200, "percentage": 12.0, "model": "m", "memoryFiles": [], "mcpTools": [], "gridRows": []})
                }
                "rewind_files" => {
                    json!({"canRewind": false, "error": "File rewinding is not enabled."})
                }
                "initialize" => {
                    json!({"commands": [{"name": "c", "description": "d", "argumentHint": ""}], "models": [{"value": "m", "displayName": "M", "description": "x"}], "agents": [], "account": {"apiKeySource": "ANTHROPIC_API_KEY"}, "pid": 9})
                }
                _ => Value::Null,
            };
            let mut inner = json!({"subtype": "success", "request_id": id});
            if !response.is_null() {
                inner["response"] = response;
            }
            peer.send(json!({"type": "control_response", "response": inner}));
        }
        seen
    });
    let control = client.control().unwrap();
    assert_eq!(control.interrupt().await.unwrap().still_queued, ["q1"]);
    control
        .set_permission_mode(PermissionMode::Plan)
        .await
        .unwrap();
    control.set_model(Some("m2")).await.unwrap();
    control.set_max_thinking_tokens(Some(1024)).await.unwrap();
    let rewind = control.rewind_files("u1").await.unwrap();
    assert!(!rewind.can_rewind);
    assert_eq!(
        rewind.error.as_deref(),
        Some("File rewinding is not enabled.")
    );
    let status = client.send(McpStatus {}).await.unwrap();
    assert_eq!(status.mcp_servers[0].name, "docs");
    assert_eq!(status.mcp_servers[0].error.as_deref(), Some("boom"));
    assert_eq!(
        status.mcp_servers[0].extra["future"], 1,
        "unknown fields are kept"
    );
    control.reconnect_mcp_server("docs").await.unwrap();
    control.toggle_mcp_server("docs", true).await.unwrap();
    control.stop_task("t1").await.unwrap();
    let usage = control.get_context_usage().await.unwrap();
    assert_eq!((usage.total_tokens, usage.max_tokens), (12, 100));
    assert!(usage.extra.contains_key("gridRows"));
    let info = control.reinitialize(None).await.unwrap();
    assert_eq!(client.server_info().unwrap(), info);
    let typed: ServerInfo = serde_json::from_value(info).unwrap();
    assert_eq!(typed.models[0].display_name, "M");
    assert_eq!(typed.commands[0].name, "c");
    assert_eq!(
        typed.account.unwrap().api_key_source.as_deref(),
        Some("ANTHROPIC_API_KEY")
    );
    client.disconnect().await.unwrap();
    let subtypes: Vec<String> = cli
        .await
        .unwrap()
        .iter()
        .map(|r| r["subtype"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        subtypes,
        [
            "interrupt",
            "set_permission_mode",
            "set_model",
            "set_max_thinking_tokens",
            "rewind_files",
            "mcp_status",
            "mcp_reconnect",
            "mcp_toggle",
            "stop_task",
            "get_context_usage",
            "initialize",
        ]
    );
}

#[tokio::test]
async fn an_answer_of_the_wrong_shape_is_a_parse_error_not_a_panic() {
    use claude_wire::control::McpStatus;
    let (client, mut peer, _) = connect(ClaudeAgentOptions::default()).await;
    let asking = {
        let client = client.clone();
        tokio::spawn(async move { client.send(McpStatus {}).await })
    };
    let sent = peer.recv().await.unwrap();
    peer.send(json!({"type": "control_response", "response": {"subtype": "success", "request_id": sent["request_id"], "response": {"mcpServers": "nope"}}}));
    match asking.await.unwrap() {
        Err(Error::MessageParse { kind, raw, .. }) => {
            assert_eq!(kind, "control_response to mcp_status");
            assert_eq!(raw, json!({"mcpServers": "nope"}));
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn a_hook_that_outlives_its_matcher_timeout_is_left_to_the_cli() {
    // An error answer at the timeout would let a PreToolUse hook's tool run (the CLI takes it
    // as an empty answer); the CLI keeps the timeout and cancels the callback.
    let dropped = Arc::new(AtomicBool::new(false));
    let flag = dropped.clone();
    let slow = claude_wire::hooks::hook(move |_input, _id, _ctx| {
        let flag = flag.clone();
        async move {
            struct SetOnDrop(Arc<AtomicBool>);
            impl Drop for SetOnDrop {
                fn drop(&mut self) {
                    self.0.store(true, Ordering::SeqCst);
                }
            }
            let _guard = SetOnDrop(flag);
            tokio::time::sleep(Duration::from_secs(30)).await;
            Ok(HookOutput::default())
        }
    });
    let options = ClaudeAgentOptions::default().hook(
        "PreToolUse",
        vec![HookMatcher::new(None)
            .hook(slow)
            .timeout(Duration::from_millis(100))],
    );
    let (_client, mut peer, init) = connect(options).await;
    assert_eq!(init["hooks"]["PreToolUse"][0]["timeout"], 0.1);
    peer.send(request("slow", json!({"subtype": "hook_callback", "callback_id": "hook_0", "input": {"hook_event_name": "PreToolUse"}})));
    let early = tokio::time::timeout(Duration::from_millis(400), peer.recv()).await;
    assert!(early.is_err(), "no answer at the timeout, got {early:?}");
    peer.send(json!({"type": "control_cancel_request", "request_id": "slow"}));
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(dropped.load(Ordering::SeqCst), "the CLI's cancel stops it");
}

#[test]
fn sessions_are_usable_from_any_task() {
    fn send_sync<T: Send + Sync>() {}
    fn send<T: Send>() {}
    send_sync::<ClaudeClient>();
    send_sync::<ClaudeAgentOptions>();
    send_sync::<claude_wire::Control>();
    send_sync::<Message>();
    send::<claude_wire::Query>();
}

#[tokio::test]
async fn a_client_over_one_transport_does_not_reconnect_to_the_local_cli() {
    let (client, peer, _) = connect(ClaudeAgentOptions::default()).await;
    client.disconnect().await.unwrap();
    drop(peer);
    match client.connect(None).await {
        Err(Error::Connection(text)) => assert!(text.contains("transport factory"), "{text}"),
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn a_client_with_a_transport_factory_reconnects_through_it() {
    let (peers_tx, mut peers) = tokio::sync::mpsc::unbounded_channel();
    let factory: claude_wire::TransportFactory = Arc::new(move || {
        let (transport, peer) = channel_transport();
        peers_tx.send(peer).unwrap();
        Ok(Arc::new(transport) as Arc<dyn claude_wire::transport::Transport>)
    });
    let client = Arc::new(ClaudeClient::with_transport_factory(
        ClaudeAgentOptions::default(),
        factory,
    ));
    for n in 0..2 {
        let connecting = {
            let client = client.clone();
            tokio::spawn(async move { client.connect(None).await })
        };
        let mut peer = peers.recv().await.expect("a new transport per connect");
        peer.accept_initialize(json!({"n": n})).await.unwrap();
        connecting.await.unwrap().unwrap();
        assert_eq!(client.server_info().unwrap()["n"], n);
        client.disconnect().await.unwrap();
    }
}

#[tokio::test]
async fn a_tool_call_the_cli_cancels_is_stopped_and_answered_per_flavour() {
    for flavour in [claude_wire::Flavour::Python, claude_wire::Flavour::Ts] {
        let wait = tool(
            "wait",
            "Waits",
            json!({"type": "object"}),
            |_args: Value| async {
                tokio::time::sleep(Duration::from_secs(60)).await;
                Ok(ToolResult::text("waited"))
            },
        );
        let mut options = ClaudeAgentOptions::default().mcp_server(
            "slow",
            McpServerConfig::Sdk(create_sdk_mcp_server("slow", "1.0.0", vec![wait])),
        );
        options.flavour = flavour;
        let (_client, mut peer, _) = connect(options).await;
        let call = json!({"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {"name": "wait", "arguments": {}}});
        peer.send(request(
            "call",
            json!({"subtype": "mcp_message", "server_name": "slow", "message": call}),
        ));
        tokio::time::sleep(Duration::from_millis(50)).await;
        let cancel = json!({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 7, "reason": "stop"}});
        peer.send(request(
            "cancel",
            json!({"subtype": "mcp_message", "server_name": "slow", "message": cancel}),
        ));
        assert_eq!(answer_to(&mut peer, "cancel").await["subtype"], "success");
        let next = tokio::time::timeout(Duration::from_millis(500), async {
            loop {
                let frame = peer.recv().await.expect("session still writing");
                if frame["response"]["request_id"] == "call" {
                    return frame["response"].clone();
                }
            }
        })
        .await;
        match flavour {
            // The TypeScript SDK's server gives a cancelled call no answer.
            claude_wire::Flavour::Ts => assert!(next.is_err(), "{next:?}"),
            // The Python SDK answers it as cancelled.
            _ => assert_eq!(
                next.expect("an answer")["response"]["mcp_response"]["error"]["code"],
                -32800
            ),
        }
    }
}
