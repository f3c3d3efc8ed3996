//! Deterministic control-protocol tests: the CLI is played by an in-memory peer.

use claude_wire::hooks::{HookMatcher, HookOutput};
use claude_wire::mcp::{create_sdk_mcp_server, tool, ToolResult};
use claude_wire::options::McpServerConfig;
use claude_wire::permission::PermissionResult;
use claude_wire::transport::{channel_transport, CliPeer};
use claude_wire::{query_with_transport, ClaudeAgentOptions, ClaudeClient, Error, Message};
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
        .request(
            json!({"subtype": "interrupt"}),
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
        tokio::spawn(async move { client.set_model(Some("bogus")).await })
    };
    let sent = peer.recv().await.unwrap();
    assert_eq!(
        sent["request"],
        json!({"subtype": "set_model", "model": "bogus"})
    );
    peer.send(json!({"type": "control_response", "response": {"subtype": "error", "request_id": sent["request_id"], "error": "unknown model"}}));
    match asking.await.unwrap() {
        Err(Error::ControlRequest { subtype, message }) => {
            assert_eq!(subtype, "set_model");
            assert_eq!(message, "unknown model");
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn pending_requests_fail_at_once_when_the_cli_exits() {
    let (client, mut peer, _) = connect(ClaudeAgentOptions::default()).await;
    let asking = {
        let client = client.clone();
        tokio::spawn(async move { client.interrupt().await })
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
        client.interrupt().await,
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
    peer.send_error(Error::LineTooLong { len: 10, limit: 5 });
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

#[tokio::test]
async fn control_methods_send_the_wire_requests_of_the_reference() {
    use claude_wire::options::{AgentDefinition, PermissionMode};
    let options = ClaudeAgentOptions::default().agent(
        "reviewer",
        AgentDefinition::new("Reviews code", "You review code."),
    );
    let (client, mut peer, init) = connect(options).await;
    assert_eq!(init["agents"]["reviewer"]["description"], "Reviews code");
    assert_eq!(init["agents"]["reviewer"]["prompt"], "You review code.");

    let cli = tokio::spawn(async move {
        let mut seen = Vec::new();
        while let Some(frame) = peer.recv().await {
            let id = frame["request_id"].clone();
            seen.push(frame["request"].clone());
            peer.send(json!({"type": "control_response", "response": {"subtype": "success", "request_id": id, "response": {"ok": seen.len()}}}));
        }
        seen
    });
    client.interrupt().await.unwrap();
    client
        .set_permission_mode(PermissionMode::AcceptEdits)
        .await
        .unwrap();
    client.set_model(None).await.unwrap();
    client.set_max_thinking_tokens(Some(2048)).await.unwrap();
    client.rewind_files("user-uuid-1").await.unwrap();
    assert_eq!(client.mcp_status().await.unwrap(), json!({"ok": 6}));
    client.reconnect_mcp_server("docs").await.unwrap();
    client.toggle_mcp_server("docs", false).await.unwrap();
    client
        .set_mcp_servers(json!({"extra": {"type": "http", "url": "http://127.0.0.1:1"}}))
        .await
        .unwrap();
    client.stop_task("task-7").await.unwrap();
    assert_eq!(client.get_context_usage().await.unwrap(), json!({"ok": 11}));
    client.disconnect().await.unwrap();
    let seen = cli.await.unwrap();
    assert_eq!(
        seen,
        vec![
            json!({"subtype": "interrupt"}),
            json!({"subtype": "set_permission_mode", "mode": "acceptEdits"}),
            json!({"subtype": "set_model", "model": null}),
            json!({"subtype": "set_max_thinking_tokens", "max_thinking_tokens": 2048}),
            json!({"subtype": "rewind_files", "user_message_id": "user-uuid-1"}),
            json!({"subtype": "mcp_status"}),
            json!({"subtype": "mcp_reconnect", "serverName": "docs"}),
            json!({"subtype": "mcp_toggle", "serverName": "docs", "enabled": false}),
            json!({"subtype": "mcp_set_servers", "servers": {"extra": {"type": "http", "url": "http://127.0.0.1:1"}}}),
            json!({"subtype": "stop_task", "task_id": "task-7"}),
            json!({"subtype": "get_context_usage"}),
        ]
    );
}

#[tokio::test]
async fn a_hook_that_outlives_its_matcher_timeout_gets_an_error_answer() {
    let slow = claude_wire::hooks::hook(|_input, _id, _ctx| async {
        tokio::time::sleep(Duration::from_secs(30)).await;
        Ok(HookOutput::default())
    });
    let options = ClaudeAgentOptions::default().hook(
        "Stop",
        vec![HookMatcher::new(None)
            .hook(slow)
            .timeout(Duration::from_millis(100))],
    );
    let (_client, mut peer, _) = connect(options).await;
    let started = Instant::now();
    peer.send(request("slow", json!({"subtype": "hook_callback", "callback_id": "hook_0", "input": {"hook_event_name": "Stop"}})));
    let answer = answer_to(&mut peer, "slow").await;
    assert_eq!(answer["subtype"], "error");
    assert!(answer["error"].as_str().unwrap().contains("timed out"));
    assert!(started.elapsed() < Duration::from_secs(5));
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
