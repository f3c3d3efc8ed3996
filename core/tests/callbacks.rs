//! Callback data types and handlers: permission results, hook inputs/outputs/registry, and
//! in-process MCP servers, checked against the exact wire JSON.

use claude_wire::hooks::{
    hook, HookContext, HookDecision, HookEvent, HookEventData, HookFailureMode, HookInput,
    HookMatcher, HookOutput, HookRegistry, HookSpecificOutput, PermissionDecision,
};
use claude_wire::mcp::{
    create_sdk_mcp_server, handle_mcp_message, tool, SdkMcpServer, ToolContent, ToolResult,
};
use claude_wire::permission::{
    can_use_tool, handle_can_use_tool, parse_can_use_tool, PermissionBehavior, PermissionResult,
    PermissionRuleValue, PermissionUpdate, PermissionUpdateDestination,
};
use serde_json::{json, Map, Value};
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn obj(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        other => panic!("not an object: {other}"),
    }
}

// ---------------------------------------------------------------- permissions

#[test]
fn allow_without_changes_sends_the_original_input() {
    let original = json!({"command": "ls", "timeout": 5});
    assert_eq!(
        PermissionResult::allow().to_value(&original),
        json!({"behavior": "allow", "updatedInput": {"command": "ls", "timeout": 5}})
    );
}

#[test]
fn allow_with_new_input_and_permissions_has_the_wire_shape() {
    let result = PermissionResult::allow()
        .with_input(json!({"command": "ls -la"}))
        .with_permissions(vec![
            PermissionUpdate::add_rules(
                vec![PermissionRuleValue::with_content("Bash", "ls:*")],
                PermissionBehavior::Allow,
            ),
            PermissionUpdate::set_mode("acceptEdits")
                .with_destination(PermissionUpdateDestination::LocalSettings),
            PermissionUpdate::add_directories(vec!["/tmp/x".into()]),
        ]);
    let wire = result.to_value(&json!({"command": "ls"}));
    assert_eq!(
        wire,
        json!({
            "behavior": "allow",
            "updatedInput": {"command": "ls -la"},
            "updatedPermissions": [
                {"type": "addRules", "rules": [{"toolName": "Bash", "ruleContent": "ls:*"}], "behavior": "allow", "destination": "session"},
                {"type": "setMode", "mode": "acceptEdits", "destination": "localSettings"},
                {"type": "addDirectories", "directories": ["/tmp/x"], "destination": "session"}
            ]
        })
    );
}

#[test]
fn deny_has_the_wire_shape_with_interrupt_only_when_set() {
    let input = json!({});
    assert_eq!(
        PermissionResult::deny("nope").to_value(&input),
        json!({"behavior": "deny", "message": "nope"})
    );
    assert_eq!(
        PermissionResult::deny_and_interrupt("stop").to_value(&input),
        json!({"behavior": "deny", "message": "stop", "interrupt": true})
    );
}

#[test]
fn every_update_kind_round_trips_through_the_wire_shape() {
    let wires = [
        json!({"type": "addRules", "rules": [{"toolName": "Read"}], "behavior": "deny", "destination": "userSettings"}),
        json!({"type": "replaceRules", "rules": [{"toolName": "Bash", "ruleContent": "git:*"}], "behavior": "ask", "destination": "projectSettings"}),
        json!({"type": "removeRules", "rules": [{"toolName": "Edit"}], "behavior": "allow", "destination": "cliArg"}),
        json!({"type": "setMode", "mode": "plan", "destination": "session"}),
        json!({"type": "addDirectories", "directories": ["/a", "/b"], "destination": "localSettings"}),
        json!({"type": "removeDirectories", "directories": ["/a"], "destination": "session"}),
    ];
    for wire in wires {
        let update = PermissionUpdate::from_value(wire.clone());
        assert!(
            !matches!(update, PermissionUpdate::Other(_)),
            "{wire} should be typed"
        );
        assert_eq!(update.to_value(), wire);
        assert_eq!(serde_json::to_value(&update).unwrap(), wire);
    }
    let typed = PermissionUpdate::from_value(
        json!({"type": "removeRules", "rules": [{"toolName": "Edit"}], "behavior": "allow", "destination": "cliArg"}),
    );
    assert_eq!(
        typed,
        PermissionUpdate::RemoveRules {
            rules: vec![PermissionRuleValue::tool("Edit")],
            behavior: PermissionBehavior::Allow,
            destination: PermissionUpdateDestination::CliArg,
        }
    );
}

#[test]
fn updates_this_version_does_not_fully_know_are_kept_verbatim() {
    for wire in [
        json!({"type": "grantNetwork", "hosts": ["x"], "destination": "session"}),
        json!({"type": "addRules", "rules": [{"toolName": "Bash"}], "behavior": "allow", "destination": "session", "scope": "new"}),
        json!({"type": "addRules", "rules": [{"toolName": "Bash"}], "behavior": "allow", "destination": "orgSettings"}),
    ] {
        let update = PermissionUpdate::from_value(wire.clone());
        assert_eq!(update, PermissionUpdate::Other(wire.clone()));
        assert_eq!(update.to_value(), wire);
    }
}

fn real_shaped_request() -> Map<String, Value> {
    obj(json!({
        "subtype": "can_use_tool",
        "tool_name": "Bash",
        "input": {"command": "cat /etc/hosts", "description": "Show hosts"},
        "permission_suggestions": [
            {"type": "addRules", "rules": [{"toolName": "Bash", "ruleContent": "cat:*"}], "behavior": "allow", "destination": "localSettings"},
            {"type": "addDirectories", "directories": ["/etc"], "destination": "session"},
            {"type": "futureThing", "destination": "session"}
        ],
        "blocked_path": "/etc/hosts",
        "decision_reason": "Path is outside allowed working directories",
        "tool_use_id": "toolu_01ABC",
        "title": "Claude wants to read /etc/hosts",
        "display_name": "Run shell command",
        "description": "Show hosts",
        "agent_id": "agent-7",
        "new_field": {"x": 1}
    }))
}

#[test]
fn parses_a_can_use_tool_request_with_suggestions() {
    let request = real_shaped_request();
    let (name, input, ctx) = parse_can_use_tool(&request).unwrap();
    assert_eq!(name, "Bash");
    assert_eq!(
        input,
        json!({"command": "cat /etc/hosts", "description": "Show hosts"})
    );
    assert_eq!(ctx.suggestions.len(), 3);
    assert_eq!(
        ctx.suggestions[0],
        PermissionUpdate::AddRules {
            rules: vec![PermissionRuleValue::with_content("Bash", "cat:*")],
            behavior: PermissionBehavior::Allow,
            destination: PermissionUpdateDestination::LocalSettings,
        }
    );
    assert_eq!(
        ctx.suggestions[1],
        PermissionUpdate::AddDirectories {
            directories: vec!["/etc".into()],
            destination: PermissionUpdateDestination::Session
        }
    );
    assert_eq!(
        ctx.suggestions[2],
        PermissionUpdate::Other(json!({"type": "futureThing", "destination": "session"}))
    );
    assert_eq!(ctx.blocked_path.as_deref(), Some("/etc/hosts"));
    assert_eq!(
        ctx.decision_reason.as_deref(),
        Some("Path is outside allowed working directories")
    );
    assert_eq!(ctx.tool_use_id.as_deref(), Some("toolu_01ABC"));
    assert_eq!(ctx.agent_id.as_deref(), Some("agent-7"));
    assert_eq!(
        ctx.title.as_deref(),
        Some("Claude wants to read /etc/hosts")
    );
    assert_eq!(ctx.display_name.as_deref(), Some("Run shell command"));
    assert_eq!(ctx.description.as_deref(), Some("Show hosts"));
    assert_eq!(ctx.raw["new_field"], json!({"x": 1}));
}

#[test]
fn a_request_without_a_tool_name_is_an_error_and_nulls_are_absent() {
    assert!(parse_can_use_tool(&obj(json!({"input": {}}))).is_err());
    let (_, input, ctx) =
        parse_can_use_tool(&obj(json!({"tool_name": "Read", "blocked_path": null}))).unwrap();
    assert_eq!(input, json!({}));
    assert_eq!(ctx.blocked_path, None);
    assert!(ctx.suggestions.is_empty());
}

#[tokio::test]
async fn accepting_a_suggestion_sends_it_back_unchanged() {
    let seen = Arc::new(Mutex::new(None));
    let seen2 = seen.clone();
    let cb = can_use_tool(move |name, input, ctx| {
        *seen2.lock().unwrap() = Some((name, input));
        async move { Ok(PermissionResult::allow().with_permissions(ctx.suggestions)) }
    });
    let request = real_shaped_request();
    let wire = handle_can_use_tool(&cb, &request, "r1").await.unwrap();
    assert_eq!(seen.lock().unwrap().as_ref().unwrap().0, "Bash");
    assert_eq!(wire["behavior"], "allow");
    assert_eq!(wire["updatedInput"], request["input"]);
    assert_eq!(
        wire["updatedPermissions"],
        request["permission_suggestions"]
    );
}

#[tokio::test]
async fn a_panicking_or_failing_permission_callback_is_an_error() {
    let panics = can_use_tool(|_, _, _| async move {
        if true {
            panic!("boom");
        }
        Ok(PermissionResult::allow())
    });
    let err = handle_can_use_tool(&panics, &real_shaped_request(), "r1")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("boom"), "{err}");
    let fails = can_use_tool(|_, _, _| async move { Err("no way".into()) });
    let err = handle_can_use_tool(&fails, &real_shaped_request(), "r1")
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "no way");
}

#[test]
fn permission_result_from_binding_json_in_both_spellings() {
    let snake =
        PermissionResult::from_value(&json!({"behavior": "allow", "updated_input": {"a": 1}}))
            .unwrap();
    let camel =
        PermissionResult::from_value(&json!({"behavior": "allow", "updatedInput": {"a": 1}}))
            .unwrap();
    assert_eq!(snake, camel);
    assert_eq!(
        snake.to_value(&json!({})),
        json!({"behavior": "allow", "updatedInput": {"a": 1}})
    );
    let deny = PermissionResult::from_value(
        &json!({"behavior": "deny", "message": "m", "interrupt": true}),
    )
    .unwrap();
    assert_eq!(deny, PermissionResult::deny_and_interrupt("m"));
    assert!(PermissionResult::from_value(&json!({"behavior": "maybe"})).is_err());
    assert!(PermissionResult::from_value(&json!("allow")).is_err());
}

// ---------------------------------------------------------------- hook outputs

#[test]
fn hook_output_in_wire_spelling_gives_the_same_wire_json() {
    let wire = json!({
        "continue": false,
        "suppressOutput": true,
        "stopReason": "done",
        "decision": "block",
        "systemMessage": "careful",
        "reason": "not allowed",
        "hookSpecificOutput": {
            "hookEventName": "PreToolUse",
            "permissionDecision": "deny",
            "permissionDecisionReason": "dangerous",
            "updatedInput": {"command": "true"},
            "additionalContext": "ctx"
        }
    });
    let out = HookOutput::from_value(wire.clone()).unwrap();
    assert_eq!(out.continue_, Some(false));
    assert_eq!(out.decision, Some(HookDecision::Block));
    assert_eq!(
        out.hook_specific_output,
        Some(HookSpecificOutput::PreToolUse {
            permission_decision: Some(PermissionDecision::Deny),
            permission_decision_reason: Some("dangerous".into()),
            updated_input: Some(json!({"command": "true"})),
            additional_context: Some("ctx".into()),
        })
    );
    assert_eq!(out.to_value(), wire);
}

#[test]
fn hook_output_in_python_spelling_is_translated() {
    let out =
        HookOutput::from_value(json!({"continue_": true, "systemMessage": "hi", "custom": [1, 2]}))
            .unwrap();
    assert_eq!(
        out.to_value(),
        json!({"continue": true, "systemMessage": "hi", "custom": [1, 2]})
    );
    let asynchronous =
        HookOutput::from_value(json!({"async_": true, "asyncTimeout": 1500})).unwrap();
    assert!(asynchronous.async_);
    assert_eq!(
        asynchronous.async_timeout,
        Some(Duration::from_millis(1500))
    );
    assert_eq!(
        asynchronous.to_value(),
        json!({"async": true, "asyncTimeout": 1500})
    );
    assert_eq!(
        HookOutput::from_value(json!({"async": true}))
            .unwrap()
            .to_value(),
        json!({"async": true})
    );
}

#[test]
fn hook_output_edge_cases() {
    assert_eq!(
        HookOutput::from_value(Value::Null).unwrap().to_value(),
        json!({})
    );
    assert_eq!(
        HookOutput::from_value(json!({"reason": null}))
            .unwrap()
            .to_value(),
        json!({})
    );
    assert!(HookOutput::from_value(json!("ok")).is_err());
    assert!(HookOutput::from_value(json!({"continue": "yes"})).is_err());
    assert!(HookOutput::from_value(json!({"hookSpecificOutput": 3})).is_err());
    let unknown_decision = HookOutput::from_value(json!({"decision": "maybe"})).unwrap();
    assert_eq!(
        unknown_decision.decision,
        Some(HookDecision::Other("maybe".into()))
    );
    assert_eq!(unknown_decision.to_value(), json!({"decision": "maybe"}));
}

#[test]
fn hook_specific_output_with_unknown_fields_or_events_is_kept_verbatim() {
    let extended =
        json!({"hookEventName": "UserPromptSubmit", "additionalContext": "a", "sessionTitle": "T"});
    let future_event = json!({"hookEventName": "PreModelSwitch", "permissionDecision": "deny"});
    for wire in [extended, future_event] {
        let out = HookOutput::from_value(json!({"hookSpecificOutput": wire.clone()})).unwrap();
        assert_eq!(
            out.hook_specific_output,
            Some(HookSpecificOutput::Other(wire.clone()))
        );
        assert_eq!(out.to_value(), json!({"hookSpecificOutput": wire}));
    }
    let typed = HookSpecificOutput::from_value(
        json!({"hookEventName": "PostToolUse", "updatedMCPToolOutput": [1]}),
    );
    assert_eq!(
        typed,
        HookSpecificOutput::PostToolUse {
            additional_context: None,
            updated_tool_output: None,
            updated_mcp_tool_output: Some(json!([1])),
        }
    );
}

#[test]
fn hook_output_builders_give_the_cli_names() {
    assert_eq!(
        HookOutput::permission(PermissionDecision::Ask, "check")
            .system_message("s")
            .to_value(),
        json!({"systemMessage": "s", "hookSpecificOutput": {"hookEventName": "PreToolUse", "permissionDecision": "ask", "permissionDecisionReason": "check"}})
    );
    assert_eq!(
        HookOutput::new()
            .stop("enough")
            .suppress_output()
            .to_value(),
        json!({"continue": false, "suppressOutput": true, "stopReason": "enough"})
    );
    assert_eq!(
        HookOutput::new().block("why").to_value(),
        json!({"decision": "block", "reason": "why"})
    );
    assert_eq!(
        HookOutput::new()
            .specific(HookSpecificOutput::additional_context(
                &HookEvent::SessionStart,
                "hello"
            ))
            .to_value(),
        json!({"hookSpecificOutput": {"hookEventName": "SessionStart", "additionalContext": "hello"}})
    );
    assert_eq!(
        HookSpecificOutput::additional_context(&HookEvent::Other("PostToolBatch".into()), "x")
            .to_value(),
        json!({"hookEventName": "PostToolBatch", "additionalContext": "x"})
    );
    assert_eq!(
        HookOutput::async_output(Some(Duration::from_secs(2))).to_value(),
        json!({"async": true, "asyncTimeout": 2000})
    );
}

// ---------------------------------------------------------------- hook inputs

fn base(event: &str) -> Value {
    json!({
        "session_id": "s-1",
        "transcript_path": "/tmp/t.jsonl",
        "cwd": "/work",
        "permission_mode": "default",
        "hook_event_name": event,
    })
}

fn with(mut v: Value, extra: Value) -> Value {
    for (k, x) in obj(extra) {
        v[k] = x;
    }
    v
}

#[test]
fn hook_inputs_are_typed_and_keep_the_raw_json() {
    let raw = with(
        base("PreToolUse"),
        json!({"tool_name": "Bash", "tool_input": {"command": "ls"}, "tool_use_id": "toolu_1", "effort": {"level": "high"}}),
    );
    let input = HookInput::from_value(raw.clone());
    assert_eq!(input.hook_event_name, HookEvent::PreToolUse);
    assert_eq!(input.session_id, "s-1");
    assert_eq!(input.transcript_path, "/tmp/t.jsonl");
    assert_eq!(input.cwd, "/work");
    assert_eq!(input.permission_mode.as_deref(), Some("default"));
    assert_eq!(
        input.data,
        HookEventData::PreToolUse {
            tool_name: "Bash".into(),
            tool_input: json!({"command": "ls"}),
            tool_use_id: Some("toolu_1".into())
        }
    );
    assert_eq!(input.tool_name(), Some("Bash"));
    assert_eq!(input.raw(), &raw);

    let post = HookInput::from_value(with(
        base("PostToolUse"),
        json!({"tool_name": "Read", "tool_input": {"file_path": "/a"}, "tool_response": {"ok": true}, "tool_use_id": "t2"}),
    ));
    assert!(
        matches!(post.data, HookEventData::PostToolUse { ref tool_response, .. } if tool_response == &json!({"ok": true}))
    );

    let failed = HookInput::from_value(with(
        base("PostToolUseFailure"),
        json!({"tool_name": "Bash", "tool_input": {}, "tool_use_id": "t3", "error": "exit 1", "is_interrupt": false}),
    ));
    assert!(
        matches!(failed.data, HookEventData::PostToolUseFailure { ref error, is_interrupt: Some(false), .. } if error == "exit 1")
    );

    let prompt = HookInput::from_value(with(base("UserPromptSubmit"), json!({"prompt": "hello"})));
    assert_eq!(
        prompt.data,
        HookEventData::UserPromptSubmit {
            prompt: "hello".into()
        }
    );

    let stop = HookInput::from_value(with(base("Stop"), json!({"stop_hook_active": true})));
    assert_eq!(
        stop.data,
        HookEventData::Stop {
            stop_hook_active: true,
            last_assistant_message: None
        }
    );

    let compact = HookInput::from_value(with(
        base("PreCompact"),
        json!({"trigger": "manual", "custom_instructions": null}),
    ));
    assert_eq!(
        compact.data,
        HookEventData::PreCompact {
            trigger: "manual".into(),
            custom_instructions: None
        }
    );

    let note = HookInput::from_value(with(
        base("Notification"),
        json!({"message": "m", "title": "t", "notification_type": "idle"}),
    ));
    assert_eq!(
        note.data,
        HookEventData::Notification {
            message: "m".into(),
            title: Some("t".into()),
            notification_type: Some("idle".into())
        }
    );

    let sub = HookInput::from_value(with(
        base("SubagentStop"),
        json!({"stop_hook_active": false, "agent_id": "a1", "agent_type": "general-purpose", "agent_transcript_path": "/x"}),
    ));
    assert_eq!(
        sub.data,
        HookEventData::SubagentStop {
            stop_hook_active: false,
            agent_id: "a1".into(),
            agent_type: "general-purpose".into(),
            agent_transcript_path: "/x".into()
        }
    );

    let start = HookInput::from_value(with(base("SessionStart"), json!({"source": "startup"})));
    assert_eq!(
        start.data,
        HookEventData::SessionStart {
            source: "startup".into()
        }
    );
    let end = HookInput::from_value(with(base("SessionEnd"), json!({"reason": "other"})));
    assert_eq!(
        end.data,
        HookEventData::SessionEnd {
            reason: "other".into()
        }
    );

    let perm = HookInput::from_value(with(
        base("PermissionRequest"),
        json!({"tool_name": "Write", "tool_input": {}, "permission_suggestions": [{"type": "setMode", "mode": "acceptEdits", "destination": "session"}]}),
    ));
    assert!(
        matches!(perm.data, HookEventData::PermissionRequest { ref permission_suggestions, .. }
        if permission_suggestions == &vec![PermissionUpdate::set_mode("acceptEdits")])
    );
}

#[test]
fn unknown_events_and_odd_inputs_never_fail() {
    let raw = with(base("TeammateIdle"), json!({"teammate_name": "bob"}));
    let input = HookInput::from_value(raw.clone());
    assert_eq!(
        input.hook_event_name,
        HookEvent::Other("TeammateIdle".into())
    );
    assert_eq!(input.data, HookEventData::Other);
    assert_eq!(input.raw["teammate_name"], "bob");

    let odd = HookInput::from_value(json!([1, 2]));
    assert_eq!(odd.data, HookEventData::Other);
    assert_eq!(odd.raw, json!([1, 2]));

    // Wrong types in a known event are read leniently, the raw value still holds them.
    let lenient =
        HookInput::from_value(json!({"hook_event_name": "UserPromptSubmit", "prompt": 42}));
    assert_eq!(
        lenient.data,
        HookEventData::UserPromptSubmit {
            prompt: String::new()
        }
    );
    assert_eq!(lenient.raw["prompt"], 42);
}

#[test]
fn hook_event_names_round_trip() {
    let names = [
        "PreToolUse",
        "PostToolUse",
        "PostToolUseFailure",
        "UserPromptSubmit",
        "Stop",
        "SubagentStart",
        "SubagentStop",
        "PreCompact",
        "Notification",
        "PermissionRequest",
        "SessionStart",
        "SessionEnd",
    ];
    for name in names {
        let event: HookEvent = name.parse().unwrap();
        assert!(!matches!(event, HookEvent::Other(_)), "{name}");
        assert_eq!(event.as_str(), name);
        assert_eq!(event.to_string(), name);
    }
    assert_eq!(
        "Setup".parse::<HookEvent>().unwrap(),
        HookEvent::Other("Setup".into())
    );
}

// ---------------------------------------------------------------- hook registry

fn tagged(tag: &'static str) -> claude_wire::hooks::HookCallback {
    hook(move |_input, _id, _ctx| async move { Ok(HookOutput::new().system_message(tag)) })
}

#[tokio::test]
async fn registry_assigns_ids_in_order_and_builds_the_initialize_field() {
    let hooks = vec![
        (
            "PreToolUse".to_string(),
            vec![
                HookMatcher::new(Some("Bash"))
                    .hook(tagged("a"))
                    .hook(tagged("b"))
                    .timeout(Duration::from_secs(30)),
                HookMatcher::new(Some("Write|Edit"))
                    .hook(tagged("c"))
                    .hook(tagged("d"))
                    .on_failure(HookFailureMode::Block),
            ],
        ),
        (
            "Stop".to_string(),
            vec![
                HookMatcher::new(None)
                    .hook(tagged("e"))
                    .hook(tagged("f"))
                    .timeout(Duration::from_millis(1500)),
                HookMatcher::new(None).hook(tagged("g")).hook(tagged("h")),
            ],
        ),
        ("SessionEnd".to_string(), vec![]),
    ];
    let registry = HookRegistry::new(&hooks);
    assert_eq!(registry.len(), 8);
    assert_eq!(
        registry.initialize_hooks(),
        json!({
            "PreToolUse": [
                {"matcher": "Bash", "hookCallbackIds": ["hook_0", "hook_1"], "timeout": 30},
                {"matcher": "Write|Edit", "hookCallbackIds": ["hook_2", "hook_3"], "onFailure": "block"}
            ],
            "Stop": [
                {"matcher": null, "hookCallbackIds": ["hook_4", "hook_5"], "timeout": 1.5},
                {"matcher": null, "hookCallbackIds": ["hook_6", "hook_7"]}
            ]
        })
    );
    for (i, tag) in ["a", "b", "c", "d", "e", "f", "g", "h"].iter().enumerate() {
        let cb = registry.get(&format!("hook_{i}")).unwrap();
        let out = cb(
            HookInput::from_value(base("Stop")),
            None,
            HookContext::default(),
        )
        .await
        .unwrap();
        assert_eq!(out.system_message.as_deref(), Some(*tag));
    }
    assert!(registry.get("hook_8").is_none());
    assert_eq!(HookRegistry::new(&[]).initialize_hooks(), Value::Null);
    assert_eq!(
        HookRegistry::new(&[("Stop".into(), vec![])]).initialize_hooks(),
        Value::Null
    );
}

#[tokio::test]
async fn registry_answers_hook_callback_requests() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let seen2 = seen.clone();
    let cb = hook(move |input: HookInput, tool_use_id, _ctx| {
        seen2
            .lock()
            .unwrap()
            .push((input.tool_name().map(str::to_string), tool_use_id));
        async move { Ok(HookOutput::permission(PermissionDecision::Deny, "no rm")) }
    });
    let panicking = hook(|_, _, _| async move {
        if true {
            panic!("hook exploded");
        }
        Ok(HookOutput::new())
    });
    let registry = HookRegistry::new(&[(
        "PreToolUse".into(),
        vec![
            HookMatcher::new(Some("Bash")).hook(cb),
            HookMatcher::new(None).hook(panicking),
        ],
    )]);
    let request = obj(json!({
        "subtype": "hook_callback",
        "callback_id": "hook_0",
        "input": with(base("PreToolUse"), json!({"tool_name": "Bash", "tool_input": {"command": "rm -rf /"}, "tool_use_id": "toolu_9"})),
        "tool_use_id": "toolu_9"
    }));
    let wire = registry.call(&request).await.unwrap();
    assert_eq!(
        wire,
        json!({"hookSpecificOutput": {"hookEventName": "PreToolUse", "permissionDecision": "deny", "permissionDecisionReason": "no rm"}})
    );
    assert_eq!(
        seen.lock().unwrap()[0],
        (Some("Bash".to_string()), Some("toolu_9".to_string()))
    );

    let mut unknown = request.clone();
    unknown.insert("callback_id".into(), json!("hook_42"));
    let err = registry.call(&unknown).await.unwrap_err();
    assert!(err.to_string().contains("hook_42"), "{err}");

    let mut boom = request.clone();
    boom.insert("callback_id".into(), json!("hook_1"));
    let err = registry.call(&boom).await.unwrap_err();
    assert!(err.to_string().contains("hook exploded"), "{err}");
}

// ---------------------------------------------------------------- MCP

fn calc_server() -> SdkMcpServer {
    let add = tool(
        "add",
        "Add two numbers",
        json!({"type": "object", "properties": {"a": {"type": "number"}, "b": {"type": "number"}}, "required": ["a", "b"], "additionalProperties": false}),
        |args| async move {
            let sum = args["a"].as_f64().unwrap_or_default() + args["b"].as_f64().unwrap_or_default();
            Ok(ToolResult::text(format!("{sum}")).with_structured_content(json!({"sum": sum})))
        },
    )
    .annotations(json!({"readOnlyHint": true, "title": "Adder"}))
    .meta(json!({"anthropic/maxResultSizeChars": 500000}));
    let picture = tool(
        "picture",
        "An image and a link",
        json!({"type": "object", "properties": {}}),
        |_| async move {
            Ok(ToolResult::new(vec![
                ToolContent::image("iVBORw0KGgo=", "image/png"),
                ToolContent::ResourceLink {
                    uri: "file:///tmp/a.txt".into(),
                    name: "a.txt".into(),
                    description: Some("a file".into()),
                    mime_type: Some("text/plain".into()),
                },
                ToolContent::Resource(json!({"uri": "mem://x", "text": "inline"})),
            ]))
        },
    );
    let failing = tool("fail", "Always fails", Value::Null, |_| async move {
        Err("database unavailable".into())
    });
    let panicking = tool("panic", "Panics", Value::Null, |_| async move {
        if true {
            panic!("index out of range");
        }
        Ok(ToolResult::default())
    });
    create_sdk_mcp_server("calc", "2.0.0", vec![add, picture, failing]).tool(panicking)
}

fn call(id: i64, name: &str, arguments: Value) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "method": "tools/call", "params": {"name": name, "arguments": arguments}})
}

#[tokio::test]
async fn mcp_initialize_echoes_the_protocol_version() {
    let server = calc_server();
    let reply = server
        .handle(json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "claude-code", "version": "2.1.330"}}}))
        .await;
    assert_eq!(
        reply,
        json!({"jsonrpc": "2.0", "id": 0, "result": {
            "protocolVersion": "2025-06-18",
            "capabilities": {"tools": {"listChanged": false}},
            "serverInfo": {"name": "calc", "version": "2.0.0"}
        }})
    );
    let reply = server
        .handle(json!({"jsonrpc": "2.0", "id": 1, "method": "initialize"}))
        .await;
    assert_eq!(reply["result"]["protocolVersion"], "2025-11-25");
}

#[tokio::test]
async fn mcp_notifications_and_responses_are_acked() {
    let server = calc_server();
    let ack = json!({"jsonrpc": "2.0", "result": {}});
    assert_eq!(
        server
            .handle(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}))
            .await,
        ack
    );
    assert_eq!(server.handle(json!({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 3}})).await, ack);
    assert_eq!(
        server
            .handle(json!({"jsonrpc": "2.0", "id": 5, "result": {}}))
            .await,
        ack
    );
    assert_eq!(
        server
            .handle(json!({"jsonrpc": "2.0", "id": 6, "method": "ping"}))
            .await,
        json!({"jsonrpc": "2.0", "id": 6, "result": {}})
    );
}

#[tokio::test]
async fn mcp_lists_tools_with_annotations_and_meta() {
    let reply = calc_server()
        .handle(json!({"jsonrpc": "2.0", "id": "l1", "method": "tools/list", "params": {}}))
        .await;
    assert_eq!(reply["id"], "l1");
    let tools = reply["result"]["tools"].as_array().unwrap();
    assert_eq!(tools.len(), 4);
    assert_eq!(
        tools[0],
        json!({
            "name": "add",
            "description": "Add two numbers",
            "inputSchema": {"type": "object", "properties": {"a": {"type": "number"}, "b": {"type": "number"}}, "required": ["a", "b"], "additionalProperties": false},
            "annotations": {"readOnlyHint": true, "title": "Adder"},
            "_meta": {"anthropic/maxResultSizeChars": 500000}
        })
    );
    assert_eq!(
        tools[2],
        json!({"name": "fail", "description": "Always fails", "inputSchema": {"type": "object", "properties": {}}})
    );
}

#[tokio::test]
async fn mcp_tool_calls_return_text_images_and_resource_links() {
    let server = calc_server();
    let reply = server
        .handle(call(2, "add", json!({"a": 2, "b": 3.5})))
        .await;
    assert_eq!(
        reply,
        json!({"jsonrpc": "2.0", "id": 2, "result": {
            "content": [{"type": "text", "text": "5.5"}],
            "isError": false,
            "structuredContent": {"sum": 5.5}
        }})
    );
    let reply = server.handle(call(3, "picture", json!({}))).await;
    assert_eq!(
        reply["result"],
        json!({
            "content": [
                {"type": "image", "data": "iVBORw0KGgo=", "mimeType": "image/png"},
                {"type": "resource_link", "uri": "file:///tmp/a.txt", "name": "a.txt", "description": "a file", "mimeType": "text/plain"},
                {"type": "resource", "resource": {"uri": "mem://x", "text": "inline"}}
            ],
            "isError": false
        })
    );
}

async fn error_text(server: &SdkMcpServer, message: Value) -> String {
    let reply = server.handle(message).await;
    assert!(
        reply.get("error").is_none(),
        "tool failures are results: {reply}"
    );
    assert_eq!(reply["result"]["isError"], true, "{reply}");
    reply["result"]["content"][0]["text"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn mcp_tool_failures_are_error_results() {
    let server = calc_server();
    let missing = error_text(&server, call(4, "add", json!({"a": 1}))).await;
    // The official Python SDK's words (its `jsonschema`'s best match, Python quoting).
    assert_eq!(
        missing,
        "Input validation error: 'b' is a required property"
    );
    let wrong_type = error_text(&server, call(5, "add", json!({"a": "one", "b": 2}))).await;
    assert_eq!(
        wrong_type,
        "Input validation error: 'one' is not of type 'number'"
    );
    let extra = error_text(&server, call(6, "add", json!({"a": 1, "b": 2, "c": 3}))).await;
    assert!(extra.contains("'c'"), "{extra}");
    assert_eq!(
        error_text(&server, call(7, "nope", json!({}))).await,
        "Tool 'nope' not found"
    );
    assert_eq!(
        error_text(&server, call(8, "fail", json!({}))).await,
        "database unavailable"
    );
    let panicked = error_text(&server, call(9, "panic", json!({}))).await;
    assert!(
        panicked.contains("panic") && panicked.contains("index out of range"),
        "{panicked}"
    );
    // The server is still usable after a panic.
    assert_eq!(
        server
            .handle(call(10, "add", json!({"a": 1, "b": 1})))
            .await["result"]["isError"],
        false
    );
}

#[tokio::test]
async fn mcp_unknown_methods_get_method_not_found_with_the_id() {
    let server = calc_server();
    let reply = server
        .handle(json!({"jsonrpc": "2.0", "id": 11, "method": "resources/list"}))
        .await;
    assert_eq!(reply["id"], 11);
    assert_eq!(reply["error"]["code"], -32601);
    assert!(reply.get("result").is_none());
    let invalid = server.handle(json!({"jsonrpc": "2.0", "id": 12})).await;
    assert_eq!(invalid["error"]["code"], -32600);
}

#[tokio::test]
async fn mcp_message_requests_are_routed_by_server_name() {
    let servers = vec![("calc".to_string(), calc_server())];
    let body = obj(
        json!({"subtype": "mcp_message", "server_name": "calc", "message": call(1, "add", json!({"a": 1, "b": 2}))}),
    );
    let out = handle_mcp_message(&servers, &body).await.unwrap();
    assert_eq!(out["mcp_response"]["result"]["content"][0]["text"], "3");
    let body = obj(
        json!({"server_name": "other", "message": {"jsonrpc": "2.0", "id": 4, "method": "tools/list"}}),
    );
    let out = handle_mcp_message(&servers, &body).await.unwrap();
    assert_eq!(out["mcp_response"]["id"], 4);
    assert_eq!(out["mcp_response"]["error"]["code"], -32601);
    assert!(
        handle_mcp_message(&servers, &obj(json!({"server_name": "calc"})))
            .await
            .is_err()
    );
}

#[test]
fn tool_results_from_binding_json() {
    let snake = ToolResult::from_value(&json!({
        "content": [{"type": "text", "text": "hi"}, {"type": "audio", "data": "AA", "mimeType": "audio/wav"}],
        "is_error": true,
        "structured_content": {"k": 1}
    }))
    .unwrap();
    assert_eq!(snake.content[0], ToolContent::text("hi"));
    assert_eq!(
        snake.content[1],
        ToolContent::Other(json!({"type": "audio", "data": "AA", "mimeType": "audio/wav"}))
    );
    assert!(snake.is_error);
    assert_eq!(
        snake.to_value(),
        json!({
            "content": [{"type": "text", "text": "hi"}, {"type": "audio", "data": "AA", "mimeType": "audio/wav"}],
            "isError": true,
            "structuredContent": {"k": 1}
        })
    );
    let camel =
        ToolResult::from_value(&json!({"content": [], "isError": false, "_meta": {"m": 1}}))
            .unwrap();
    assert_eq!(camel.meta, Some(json!({"m": 1})));
    assert_eq!(
        ToolContent::from_value(json!({"type": "resource_link", "uri": "u", "name": "n"})),
        ToolContent::resource_link("u", "n")
    );
    assert!(ToolResult::from_value(&json!({"content": "text"})).is_err());
    assert!(ToolResult::from_value(&json!(["x"])).is_err());
}

#[tokio::test]
async fn invalid_schemas_and_remote_refs_fail_as_results_offline() {
    let bad_schema = tool(
        "bad",
        "bad schema",
        json!({"type": "object", "properties": {"a": {"type": 12}}}),
        |_| async move { Ok(ToolResult::text("ran")) },
    );
    let remote = tool(
        "remote",
        "remote ref",
        json!({"$ref": "https://example.invalid/schema.json"}),
        |_| async move { Ok(ToolResult::text("ran")) },
    );
    let server = create_sdk_mcp_server("s", "1", vec![bad_schema, remote]);
    let text = error_text(&server, call(1, "bad", json!({"a": 1}))).await;
    assert!(text.contains("schema"), "{text}");
    let text = error_text(&server, call(2, "remote", json!({}))).await;
    assert!(text.contains("schema"), "{text}");
}
