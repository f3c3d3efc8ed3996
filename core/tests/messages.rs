//! Message parsing against lines captured from the real CLI 2.1.330, plus hand-written edge cases.

use claude_wire::message::*;
use claude_wire::Error;
use serde_json::{json, Value};

const FIXTURES: &[(&str, &str)] = &[
    ("text.jsonl", include_str!("fixtures/text.jsonl")),
    (
        "tool_partial.jsonl",
        include_str!("fixtures/tool_partial.jsonl"),
    ),
    (
        "thinking_partial.jsonl",
        include_str!("fixtures/thinking_partial.jsonl"),
    ),
    (
        "api_error_400.jsonl",
        include_str!("fixtures/api_error_400.jsonl"),
    ),
    ("retry_529.jsonl", include_str!("fixtures/retry_529.jsonl")),
    ("max_turns.jsonl", include_str!("fixtures/max_turns.jsonl")),
    (
        "hooks_session_state.jsonl",
        include_str!("fixtures/hooks_session_state.jsonl"),
    ),
];

fn lines(fixture: &str) -> Vec<Value> {
    let text = FIXTURES
        .iter()
        .find(|(name, _)| *name == fixture)
        .map(|(_, t)| *t)
        .unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn parse_all(fixture: &str) -> Vec<Message> {
    lines(fixture)
        .into_iter()
        .map(|v| Message::from_value(v).unwrap())
        .collect()
}

fn result_of(messages: &[Message]) -> &ResultMessage {
    match messages.last() {
        Some(Message::Result(r)) => r,
        other => panic!("last message is not a result: {other:?}"),
    }
}

fn assistants(messages: &[Message]) -> Vec<&AssistantMessage> {
    messages
        .iter()
        .filter_map(|m| match m {
            Message::Assistant(a) => Some(a),
            _ => None,
        })
        .collect()
}

#[test]
fn every_fixture_line_is_typed_and_round_trips() {
    let mut count = 0;
    for (name, _) in FIXTURES {
        for original in lines(name) {
            let message =
                Message::from_value(original.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(
                !matches!(message, Message::Unknown(_)),
                "{name}: untyped {original}"
            );
            assert_eq!(message.type_name(), original["type"].as_str().unwrap());
            if let Message::System(s) = &message {
                assert!(
                    !matches!(s.body, SystemBody::Other(_)),
                    "{name}: system/{} not typed",
                    s.subtype
                );
            }
            assert_eq!(
                message.session_id(),
                original["session_id"].as_str(),
                "{name}"
            );
            assert_eq!(message.uuid(), original["uuid"].as_str(), "{name}");
            assert_eq!(message.to_value(), original, "{name}: to_value differs");
            assert_eq!(message.into_value(), original, "{name}: into_value differs");
            count += 1;
        }
    }
    assert_eq!(count, 80);
}

#[test]
fn serde_round_trip_through_text() {
    for (name, text) in FIXTURES {
        for line in text.lines() {
            let message: Message = serde_json::from_str(line).unwrap();
            let back = serde_json::to_string(&message).unwrap();
            let a: Value = serde_json::from_str(line).unwrap();
            let b: Value = serde_json::from_str(&back).unwrap();
            assert_eq!(a, b, "{name}");
        }
    }
}

#[test]
fn text_turn() {
    let messages = parse_all("text.jsonl");
    let Message::System(system) = &messages[0] else {
        panic!("first is not system")
    };
    let init = system.as_init().expect("init");
    assert_eq!(init.model.as_deref(), Some("test-model"));
    assert_eq!(init.claude_code_version.as_deref(), Some("2.1.330"));
    assert_eq!(init.permission_mode.as_deref(), Some("default"));
    assert_eq!(init.api_key_source.as_deref(), Some("ANTHROPIC_API_KEY"));
    assert!(init.tools.as_ref().unwrap().iter().any(|t| t == "Bash"));
    assert_eq!(init.mcp_servers.as_deref(), Some(&[][..]));
    let plugins = init.plugins.as_ref().unwrap();
    assert!(!plugins.is_empty());
    assert_eq!(plugins[0].path.as_deref(), Some("builtin"));
    assert!(
        init.extra.contains_key("memory_paths"),
        "unmodelled init fields are kept"
    );
    assert_eq!(
        system.session_id,
        messages[2].session_id().map(str::to_owned)
    );

    let [assistant] = assistants(&messages)[..] else {
        panic!("one assistant")
    };
    assert_eq!(assistant.text(), "Hello from the test model.");
    assert_eq!(assistant.model(), "test-model");
    assert_eq!(assistant.message.id.as_deref(), Some("msg_text_1"));
    assert_eq!(
        assistant.message.extra.get("role"),
        Some(&json!("assistant"))
    );
    assert_eq!(assistant.error, None);
    // `parent_tool_use_id: null` on the wire: None, and the null is kept for output.
    assert_eq!(assistant.parent_tool_use_id, None);
    assert_eq!(
        assistant.extra.get("parent_tool_use_id"),
        Some(&Value::Null)
    );
    assert_eq!(assistant.message.stop_reason, None);

    let result = result_of(&messages);
    assert!(messages[2].is_result() && !messages[1].is_result());
    assert_eq!(result.subtype, "success");
    assert!(!result.is_error);
    assert_eq!(result.num_turns, 1);
    assert_eq!(result.result.as_deref(), Some("Hello from the test model."));
    assert_eq!(result.stop_reason.as_deref(), Some("end_turn"));
    assert_eq!(result.terminal_reason.as_deref(), Some("completed"));
    assert!(result.cost_usd().unwrap() > 0.0);
    assert!(result
        .model_usage
        .as_ref()
        .unwrap()
        .contains_key("test-model"));
    assert_eq!(result.permission_denials.as_deref(), Some(&[][..]));
}

#[test]
fn tool_turn_with_partial_messages() {
    let messages = parse_all("tool_partial.jsonl");
    let tool_use = assistants(&messages)
        .into_iter()
        .flat_map(|a| a.content())
        .find_map(|b| match b {
            ContentBlock::ToolUse(t) => Some(t.clone()),
            _ => None,
        })
        .expect("a tool_use block");
    assert_eq!(tool_use.id, "toolu_test_1");
    assert_eq!(tool_use.name, "Bash");
    assert_eq!(tool_use.input["command"], "echo hi");

    let user = messages
        .iter()
        .find_map(|m| match m {
            Message::User(u) => Some(u),
            _ => None,
        })
        .expect("a user message");
    let UserContent::Blocks(blocks) = user.content() else {
        panic!("blocks")
    };
    let ContentBlock::ToolResult(tr) = &blocks[0] else {
        panic!("tool_result")
    };
    assert_eq!(tr.tool_use_id, "toolu_test_1");
    assert_eq!(tr.content, Some(json!("hi")));
    assert_eq!(tr.is_error, Some(false));
    assert_eq!(user.tool_use_result.as_ref().unwrap()["stdout"], "hi");
    assert!(user.timestamp.is_some());

    let events: Vec<&str> = messages
        .iter()
        .filter_map(|m| match m {
            Message::StreamEvent(e) => e.event_type(),
            _ => None,
        })
        .collect();
    assert_eq!(events.first(), Some(&"message_start"));
    assert!(events.contains(&"content_block_delta"));
    assert_eq!(events.last(), Some(&"message_stop"));

    let statuses = messages
        .iter()
        .filter(|m| matches!(m, Message::System(SystemMessage { body: SystemBody::Status(s), .. }) if s.status.as_deref() == Some("requesting")))
        .count();
    assert_eq!(statuses, 2);
    assert_eq!(result_of(&messages).num_turns, 2);
}

#[test]
fn thinking_block() {
    let messages = parse_all("thinking_partial.jsonl");
    let thinking = assistants(&messages)
        .into_iter()
        .flat_map(|a| a.content())
        .find_map(|b| match b {
            ContentBlock::Thinking(t) => Some(t.clone()),
            _ => None,
        })
        .expect("a thinking block");
    assert_eq!(thinking.thinking, "Let me think about greeting.");
    assert_eq!(thinking.signature, "c2lnbmF0dXJlLWZvci10ZXN0");
    let tokens = messages
        .iter()
        .find_map(|m| match m {
            Message::System(SystemMessage {
                body: SystemBody::ThinkingTokens(t),
                ..
            }) => Some(t),
            _ => None,
        })
        .expect("thinking_tokens");
    assert_eq!(tokens.estimated_tokens, Some(7));
}

#[test]
fn api_error_400() {
    let messages = parse_all("api_error_400.jsonl");
    let [assistant] = assistants(&messages)[..] else {
        panic!("one assistant")
    };
    assert_eq!(assistant.error, Some(AssistantError::Unknown));
    assert_eq!(assistant.model(), "<synthetic>");
    assert!(assistant.text().starts_with("API Error: 400"));
    let result = result_of(&messages);
    assert!(result.is_error);
    assert_eq!(result.subtype, "success");
    assert_eq!(result.api_error_status, Some(400));
    assert_eq!(result.terminal_reason.as_deref(), Some("api_error"));
    // `total_cost_usd: 0` stays an integer on output.
    assert!(result.total_cost_usd.as_ref().unwrap().is_u64());
}

#[test]
fn retry_529() {
    let messages = parse_all("retry_529.jsonl");
    let Message::System(SystemMessage {
        body: SystemBody::ApiRetry(retry),
        ..
    }) = &messages[1]
    else {
        panic!("api_retry expected, got {:?}", messages[1]);
    };
    assert_eq!(retry.attempt, Some(1));
    assert_eq!(retry.max_retries, Some(1));
    assert_eq!(retry.error_status, Some(529));
    assert_eq!(retry.error, Some(AssistantError::Overloaded));
    assert_eq!(
        assistants(&messages)[0].error,
        Some(AssistantError::ServerError)
    );
    assert_eq!(result_of(&messages).api_error_status, Some(529));
}

#[test]
fn max_turns() {
    let messages = parse_all("max_turns.jsonl");
    let result = result_of(&messages);
    assert_eq!(result.subtype, "error_max_turns");
    assert!(result.is_error);
    assert_eq!(
        result.errors.as_deref(),
        Some(&["Reached maximum number of turns (1)".to_owned()][..])
    );
    assert_eq!(result.terminal_reason.as_deref(), Some("max_turns"));
    assert_eq!(result.result, None);
    assert!(!result
        .to_owned()
        .into_value()
        .as_object()
        .unwrap()
        .contains_key("result"));
}

#[test]
fn hook_events_and_session_state() {
    let messages = parse_all("hooks_session_state.jsonl");
    let states: Vec<(&str, Option<bool>)> = messages
        .iter()
        .filter_map(|m| match m {
            Message::System(SystemMessage {
                body: SystemBody::SessionStateChanged(s),
                ..
            }) => Some((s.state.as_deref().unwrap_or(""), s.sdk_host_only)),
            _ => None,
        })
        .collect();
    assert_eq!(states, [("running", Some(true)), ("idle", Some(true))]);
    assert!(
        matches!(messages.last(), Some(Message::System(_))),
        "idle comes after the result"
    );

    let started = messages
        .iter()
        .find_map(|m| match m {
            Message::System(SystemMessage {
                body: SystemBody::HookStarted(h),
                ..
            }) => Some(h),
            _ => None,
        })
        .expect("hook_started");
    assert_eq!(started.hook_event.as_deref(), Some("PreToolUse"));
    assert_eq!(started.hook_name.as_deref(), Some("PreToolUse:Bash"));
    let response = messages
        .iter()
        .find_map(|m| match m {
            Message::System(SystemMessage {
                body: SystemBody::HookResponse(h),
                ..
            }) => Some(h),
            _ => None,
        })
        .expect("hook_response");
    assert_eq!(response.hook_id, started.hook_id);
    assert_eq!(response.stdout.as_deref(), Some("hook-ok\n"));
    assert_eq!(response.exit_code, Some(0));
    assert_eq!(response.outcome.as_deref(), Some("success"));
}

fn assistant_frame() -> Value {
    json!({
        "type": "assistant",
        "message": {"id": "m1", "model": "x", "role": "assistant", "content": [{"type": "text", "text": "hi"}]},
        "session_id": "s1",
        "uuid": "u1"
    })
}

fn parse_error(v: Value) -> (String, String, Value) {
    match Message::from_value(v) {
        Err(Error::MessageParse { kind, message, raw }) => (kind, message, raw),
        other => panic!("expected MessageParse, got {other:?}"),
    }
}

#[test]
fn unknown_type_is_kept() {
    let v = json!({"type": "brand_new", "a": [1, 2], "session_id": "s"});
    let m = Message::from_value(v.clone()).unwrap();
    assert_eq!(m, Message::Unknown(v.clone()));
    assert_eq!(m.type_name(), "brand_new");
    assert_eq!(m.session_id(), Some("s"));
    assert_eq!(m.to_value(), v);
    let untyped = json!({"no_type": true});
    assert_eq!(
        Message::from_value(untyped.clone()).unwrap(),
        Message::Unknown(untyped)
    );
}

#[test]
fn unknown_block_is_kept() {
    let mut v = assistant_frame();
    let block = json!({"type": "hologram", "payload": {"x": 1}});
    v["message"]["content"]
        .as_array_mut()
        .unwrap()
        .push(block.clone());
    let m = Message::from_value(v.clone()).unwrap();
    let Message::Assistant(a) = &m else { panic!() };
    assert_eq!(a.content()[1], ContentBlock::Unknown(block));
    assert_eq!(a.content()[1].block_type(), "hologram");
    assert_eq!(m.to_value(), v);
}

#[test]
fn server_tool_blocks() {
    let mut v = assistant_frame();
    v["message"]["content"] = json!([
        {"type": "server_tool_use", "id": "srv1", "name": "web_search", "input": {"query": "q"}},
        {"type": "web_search_tool_result", "tool_use_id": "srv1", "content": [{"type": "web_search_result", "url": "u"}]},
        {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "AA=="}},
        {"type": "redacted_thinking", "data": "opaque"}
    ]);
    let m = Message::from_value(v.clone()).unwrap();
    let Message::Assistant(a) = &m else { panic!() };
    assert!(matches!(&a.content()[0], ContentBlock::ServerToolUse(b) if b.name == "web_search"));
    let ContentBlock::ServerToolResult(r) = &a.content()[1] else {
        panic!()
    };
    assert_eq!(r.block_type, "web_search_tool_result");
    assert_eq!(r.tool_use_id, "srv1");
    assert!(matches!(&a.content()[2], ContentBlock::Image(_)));
    assert!(matches!(&a.content()[3], ContentBlock::RedactedThinking(b) if b.data == "opaque"));
    assert_eq!(m.to_value(), v);
}

#[test]
fn unknown_fields_are_kept_at_every_level() {
    let mut v = assistant_frame();
    v["future_top"] = json!({"k": 1});
    v["message"]["future_inner"] = json!([true]);
    v["message"]["content"][0]["citations"] = json!([{"cited_text": "c"}]);
    let m = Message::from_value(v.clone()).unwrap();
    let Message::Assistant(a) = &m else { panic!() };
    assert_eq!(a.extra["future_top"], json!({"k": 1}));
    assert_eq!(a.message.extra["future_inner"], json!([true]));
    let ContentBlock::Text(t) = &a.content()[0] else {
        panic!()
    };
    assert_eq!(t.extra["citations"], json!([{"cited_text": "c"}]));
    assert!(
        !a.extra.contains_key("type"),
        "the discriminator is not duplicated in extra"
    );
    assert_eq!(m.to_value(), v);
}

#[test]
fn unknown_system_subtype_is_kept() {
    let v = json!({"type": "system", "subtype": "weather_report", "sky": "blue", "session_id": "s", "uuid": "u"});
    let m = Message::from_value(v.clone()).unwrap();
    let Message::System(s) = &m else { panic!() };
    assert_eq!(s.subtype, "weather_report");
    assert_eq!(s.session_id.as_deref(), Some("s"));
    let SystemBody::Other(data) = &s.body else {
        panic!("Other expected")
    };
    assert_eq!(data.len(), 1);
    assert_eq!(data["sky"], "blue");
    assert_eq!(m.subtype(), Some("weather_report"));
    assert_eq!(m.to_value(), v);
}

#[test]
fn typed_system_subtypes() {
    let cases = [
        json!({"type": "system", "subtype": "hook_response", "hook_id": "h", "hook_name": "PreToolUse:Bash", "hook_event": "PreToolUse", "output": "", "stdout": "", "stderr": "", "exit_code": 0, "outcome": "success", "uuid": "u", "session_id": "s"}),
        json!({"type": "system", "subtype": "task_started", "task_id": "t", "description": "d", "task_type": "local_agent", "uuid": "u", "session_id": "s"}),
        json!({"type": "system", "subtype": "task_progress", "task_id": "t", "description": "d", "usage": {"total_tokens": 5, "tool_uses": 1, "duration_ms": 9}, "uuid": "u", "session_id": "s"}),
        json!({"type": "system", "subtype": "task_notification", "task_id": "t", "status": "completed", "output_file": "/o", "summary": "ok", "uuid": "u", "session_id": "s"}),
        json!({"type": "system", "subtype": "task_updated", "task_id": "t", "patch": {"status": "killed"}, "uuid": "u", "session_id": "s"}),
        json!({"type": "system", "subtype": "session_state_changed", "state": "idle", "uuid": "u", "session_id": "s"}),
        json!({"type": "system", "subtype": "compact_boundary", "compact_metadata": {"trigger": "auto", "pre_tokens": 100}, "uuid": "u", "session_id": "s"}),
        json!({"type": "system", "subtype": "permission_denied", "tool_name": "Write", "tool_use_id": "x", "message": "no", "uuid": "u", "session_id": "s"}),
        json!({"type": "system", "subtype": "api_retry", "attempt": 2, "max_retries": 3, "retry_delay_ms": 10, "error_status": null, "error": "unknown", "uuid": "u", "session_id": "s"}),
    ];
    for v in cases {
        let m = Message::from_value(v.clone()).unwrap();
        let Message::System(s) = &m else { panic!() };
        match (&s.body, s.subtype.as_str()) {
            (SystemBody::HookResponse(h), _) => {
                assert_eq!(h.hook_event.as_deref(), Some("PreToolUse"));
                assert_eq!(h.exit_code, Some(0));
            }
            (SystemBody::TaskStarted(t), _) => {
                assert_eq!(t.task_type.as_deref(), Some("local_agent"))
            }
            (SystemBody::TaskProgress(t), _) => assert_eq!(t.usage.total_tokens, Some(5)),
            (SystemBody::TaskNotification(t), _) => assert_eq!(t.status, "completed"),
            (SystemBody::TaskUpdated(t), _) => assert_eq!(t.status(), Some("killed")),
            (SystemBody::SessionStateChanged(t), _) => assert_eq!(t.state.as_deref(), Some("idle")),
            (SystemBody::CompactBoundary(c), _) => {
                assert_eq!(c.compact_metadata.as_ref().unwrap()["trigger"], "auto")
            }
            (SystemBody::PermissionDenied(p), _) => {
                assert_eq!(p.tool_name.as_deref(), Some("Write"))
            }
            (SystemBody::ApiRetry(r), _) => {
                assert_eq!(r.error_status, None);
                assert_eq!(r.extra.get("error_status"), Some(&Value::Null));
            }
            (other, sub) => panic!("{sub} parsed as {other:?}"),
        }
        assert_eq!(m.to_value(), v);
    }
}

#[test]
fn other_top_level_types_are_typed() {
    let cases = [
        (
            json!({"type": "rate_limit_event", "rate_limit_info": {"status": "allowed_warning", "resetsAt": 1700000000, "rateLimitType": "five_hour", "utilization": 0.9}, "uuid": "u", "session_id": "s"}),
            "rate_limit_event",
        ),
        (
            json!({"type": "tool_progress", "tool_use_id": "t", "tool_name": "Bash", "parent_tool_use_id": null, "elapsed_time_seconds": 1.5, "uuid": "u", "session_id": "s"}),
            "tool_progress",
        ),
        (
            json!({"type": "auth_status", "isAuthenticating": true, "output": ["a"], "uuid": "u", "session_id": "s"}),
            "auth_status",
        ),
        (
            json!({"type": "tool_use_summary", "summary": "ran ls", "preceding_tool_use_ids": ["t"], "uuid": "u", "session_id": "s"}),
            "tool_use_summary",
        ),
        (
            json!({"type": "prompt_suggestion", "suggestion": "next?", "uuid": "u", "session_id": "s"}),
            "prompt_suggestion",
        ),
        (
            json!({"type": "conversation_reset", "new_conversation_id": "c", "trigger": "clear", "uuid": "u", "session_id": "s"}),
            "conversation_reset",
        ),
        (json!({"type": "keep_alive"}), "keep_alive"),
        (
            json!({"type": "keep_alive", "startup_mark": "x"}),
            "keep_alive",
        ),
    ];
    for (v, name) in cases {
        let m = Message::from_value(v.clone()).unwrap();
        assert!(!matches!(m, Message::Unknown(_)), "{name}");
        assert_eq!(m.type_name(), name);
        assert_eq!(m.to_value(), v, "{name}");
    }
    let m = Message::from_value(json!({"type": "rate_limit_event", "rate_limit_info": {"status": "rejected", "resetsAt": 5}, "uuid": "u", "session_id": "s"})).unwrap();
    let Message::RateLimit(r) = m else { panic!() };
    assert_eq!(r.rate_limit_info.status, "rejected");
    assert_eq!(r.rate_limit_info.resets_at, Some(5));
}

#[test]
fn malformed_known_types_are_parse_errors() {
    let mut no_duration = json!({"type": "result", "subtype": "success", "is_error": false, "duration_api_ms": 1, "num_turns": 1, "session_id": "s"});
    let (kind, message, raw) = parse_error(no_duration.clone());
    assert_eq!(kind, "result");
    assert!(message.contains("duration_ms"), "{message}");
    assert_eq!(raw, no_duration);
    no_duration["duration_ms"] = json!("soon");
    let (_, message, _) = parse_error(no_duration);
    assert!(
        message.contains("duration_ms") && message.contains("string"),
        "{message}"
    );

    let mut bad_content = assistant_frame();
    bad_content["message"]["content"] = json!("not a list");
    let (kind, message, raw) = parse_error(bad_content.clone());
    assert_eq!(kind, "assistant");
    assert!(message.starts_with("message.content"), "{message}");
    assert_eq!(raw, bad_content);

    let mut bad_block = assistant_frame();
    bad_block["message"]["content"] =
        json!([{"type": "text", "text": "ok"}, {"type": "tool_use", "id": "t", "input": {}}]);
    let (_, message, _) = parse_error(bad_block);
    assert_eq!(message, "message.content[1].name: missing");

    let (kind, message, _) =
        parse_error(json!({"type": "system", "subtype": "task_started", "description": "d"}));
    assert_eq!(kind, "system/task_started");
    assert!(message.contains("task_id"), "{message}");
    let (kind, _, _) = parse_error(json!({"type": "system"}));
    assert_eq!(kind, "system");
    let (_, _, _) = parse_error(json!({"type": "user", "message": {"content": 5}}));
    let (_, _, _) = parse_error(json!({"type": "stream_event", "event": null}));
    let (kind, _, raw) = parse_error(json!([1, 2]));
    assert_eq!(kind, "message");
    assert_eq!(raw, json!([1, 2]));
}

#[test]
fn assistant_error_field() {
    for (wire, expected) in [
        ("rate_limit", AssistantError::RateLimit),
        (
            "authentication_failed",
            AssistantError::AuthenticationFailed,
        ),
        ("billing_error", AssistantError::BillingError),
        ("max_output_tokens", AssistantError::MaxOutputTokens),
        (
            "solar_flare",
            AssistantError::Other("solar_flare".to_owned()),
        ),
    ] {
        let mut v = assistant_frame();
        v["error"] = json!(wire);
        let m = Message::from_value(v.clone()).unwrap();
        let Message::Assistant(a) = &m else { panic!() };
        assert_eq!(a.error.as_ref(), Some(&expected));
        assert_eq!(expected.as_str(), wire);
        assert_eq!(m.to_value(), v);
    }
}

#[test]
fn null_absent_and_mistyped_optional_fields() {
    // Absent stays absent.
    let v = assistant_frame();
    let m = Message::from_value(v.clone()).unwrap();
    assert!(m.to_value().get("parent_tool_use_id").is_none());

    // A mistyped optional field is None and kept raw.
    let mut odd = assistant_frame();
    odd["uuid"] = json!(42);
    let m = Message::from_value(odd.clone()).unwrap();
    assert_eq!(m.uuid(), None);
    assert_eq!(m.to_value(), odd);

    // Setting a field that arrived as null replaces the null.
    let mut with_null = assistant_frame();
    with_null["parent_tool_use_id"] = Value::Null;
    let Message::Assistant(mut a) = Message::from_value(with_null).unwrap() else {
        panic!()
    };
    a.parent_tool_use_id = Some("toolu_parent".to_owned());
    assert_eq!(
        Message::Assistant(a).into_value()["parent_tool_use_id"],
        "toolu_parent"
    );
}

#[test]
fn content_block_from_value() {
    let block = ContentBlock::from_value(json!({"type": "text", "text": "t"})).unwrap();
    assert_eq!(block.as_text(), Some("t"));
    assert_eq!(block.to_value(), json!({"type": "text", "text": "t"}));
    match ContentBlock::from_value(json!({"type": "thinking", "thinking": "x"})) {
        Err(Error::MessageParse { kind, message, .. }) => {
            assert_eq!(kind, "content block");
            assert_eq!(message, "signature: missing");
        }
        other => panic!("expected an error, got {other:?}"),
    }
}

#[test]
fn user_content_string_and_number_kinds() {
    let v = json!({"type": "user", "message": {"role": "user", "content": "hello"}, "parent_tool_use_id": null, "session_id": ""});
    let m = Message::from_value(v.clone()).unwrap();
    let Message::User(u) = &m else { panic!() };
    assert_eq!(u.content(), &UserContent::Text("hello".to_owned()));
    assert_eq!(m.to_value(), v);

    let mut r = json!({"type": "result", "subtype": "success", "is_error": false, "duration_ms": 1, "duration_api_ms": 1, "num_turns": 1, "session_id": "s", "total_cost_usd": 0.0});
    let m = Message::from_value(r.clone()).unwrap();
    assert_eq!(m.to_value(), r, "0.0 stays a float");
    r["total_cost_usd"] = json!(0);
    assert_eq!(
        Message::from_value(r.clone()).unwrap().to_value(),
        r,
        "0 stays an integer"
    );
}
