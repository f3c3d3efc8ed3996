//! Control protocol against the real Claude Code CLI and the scripted model server: permission
//! callbacks, hooks, in-process MCP tools and the client's control methods.

mod support;

use claude_wire::hooks::{
    hook, HookInput, HookMatcher, HookOutput, HookSpecificOutput, PermissionDecision,
};
use claude_wire::mcp::{create_sdk_mcp_server, tool, ToolResult};
use claude_wire::message::Message;
use claude_wire::model_server::{ModelServer, Reply, ResponseOutcome, Script};
use claude_wire::options::McpServerConfig;
use claude_wire::permission::{can_use_tool, PermissionResult, ToolPermissionContext};
use claude_wire::{query, ClaudeAgentOptions, ClaudeClient};
use futures::StreamExt;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::Sandbox;

const DEADLINE: Duration = Duration::from_secs(60);

type Calls = Arc<Mutex<Vec<(String, Value)>>>;

async fn run(prompt: &str, options: ClaudeAgentOptions) -> Vec<Message> {
    let items = tokio::time::timeout(DEADLINE, query(prompt, options).collect::<Vec<_>>())
        .await
        .expect("the query finished in time");
    items
        .into_iter()
        .map(|item| item.expect("no error"))
        .collect()
}

fn result_of(messages: &[Message]) -> &claude_wire::message::ResultMessage {
    messages
        .iter()
        .find_map(|m| match m {
            Message::Result(r) => Some(&**r),
            _ => None,
        })
        .expect("a result")
}

/// A permission callback that records its calls and answers with `decide`.
fn recording_permission(
    decide: impl Fn(&str, &Value) -> PermissionResult + Send + Sync + 'static,
) -> (claude_wire::permission::CanUseTool, Calls) {
    let calls: Calls = Arc::default();
    let record = calls.clone();
    let decide = Arc::new(decide);
    let callback = can_use_tool(
        move |name: String, input: Value, _ctx: ToolPermissionContext| {
            record.lock().unwrap().push((name.clone(), input.clone()));
            let decision = decide(&name, &input);
            async move { Ok(decision) }
        },
    );
    (callback, calls)
}

fn bash(command: &str) -> Reply {
    Reply::tool_use(
        "Bash",
        json!({"command": command, "description": "test step"}),
    )
}

async fn setup(replies: Vec<Reply>) -> (ModelServer, Sandbox) {
    let server = ModelServer::start(Script::from(replies)).await.unwrap();
    (server, Sandbox::new())
}

#[tokio::test]
async fn permission_allow_lets_a_writing_bash_command_run() {
    let (server, sandbox) = setup(vec![bash("touch allowed.txt"), Reply::text("done")]).await;
    let (callback, calls) = recording_permission(|_, _| PermissionResult::allow());
    let messages = run(
        "make a file",
        support::options(&server, &sandbox).can_use_tool(callback),
    )
    .await;
    assert!(!result_of(&messages).is_error);
    assert!(sandbox.work().join("allowed.txt").exists());
    let calls = calls.lock().unwrap();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].0, "Bash");
    assert_eq!(calls[0].1["command"], "touch allowed.txt");
}

#[tokio::test]
async fn permission_deny_blocks_the_command_and_tells_the_model_why() {
    let (server, sandbox) = setup(vec![bash("touch denied.txt"), Reply::text("ok, I won't")]).await;
    let (callback, _calls) =
        recording_permission(|_, _| PermissionResult::deny("not in this sandbox"));
    let messages = run(
        "make a file",
        support::options(&server, &sandbox).can_use_tool(callback),
    )
    .await;
    assert!(!sandbox.work().join("denied.txt").exists());
    let second = &server.main_requests()[1];
    assert!(
        second
            .tool_result_texts()
            .iter()
            .any(|t| t.contains("not in this sandbox")),
        "{:?}",
        second.tool_result_texts()
    );
    let denials = result_of(&messages)
        .permission_denials
        .clone()
        .unwrap_or_default();
    assert_eq!(denials.len(), 1);
    assert_eq!(denials[0].tool_name, "Bash");
}

#[tokio::test]
async fn permission_allow_with_changed_input_runs_the_changed_command() {
    let (server, sandbox) = setup(vec![bash("touch original.txt"), Reply::text("done")]).await;
    let (callback, _calls) = recording_permission(|_, input| {
        let mut changed = input.clone();
        changed["command"] = "touch rewritten.txt".into();
        PermissionResult::allow().with_input(changed)
    });
    run(
        "make a file",
        support::options(&server, &sandbox).can_use_tool(callback),
    )
    .await;
    assert!(sandbox.work().join("rewritten.txt").exists());
    assert!(!sandbox.work().join("original.txt").exists());
}

#[tokio::test]
async fn permission_callbacks_guard_the_write_tool() {
    let (server, sandbox) = setup(vec![]).await;
    let allowed = sandbox.work().join("notes.txt");
    let denied = sandbox.work().join("secret.txt");
    let redacted = sandbox.work().join("draft.txt");
    server.push_replies([
        Reply::tool_use(
            "Write",
            json!({"file_path": allowed, "content": "hello from Write"}),
        ),
        Reply::tool_use("Write", json!({"file_path": denied, "content": "nope"})),
        Reply::tool_use(
            "Write",
            json!({"file_path": redacted, "content": "password=hunter2"}),
        ),
        Reply::text("done"),
    ]);
    let (callback, calls) = recording_permission(|_, input| {
        if input["file_path"]
            .as_str()
            .unwrap_or_default()
            .ends_with("secret.txt")
        {
            PermissionResult::deny("secrets stay out")
        } else if input["content"]
            .as_str()
            .unwrap_or_default()
            .contains("password")
        {
            let mut changed = input.clone();
            changed["content"] = "password=[redacted]".into();
            PermissionResult::allow().with_input(changed)
        } else {
            PermissionResult::allow()
        }
    });
    run(
        "write three files",
        support::options(&server, &sandbox).can_use_tool(callback),
    )
    .await;
    assert_eq!(
        std::fs::read_to_string(&allowed).unwrap(),
        "hello from Write"
    );
    assert!(!denied.exists());
    assert_eq!(
        std::fs::read_to_string(&redacted).unwrap(),
        "password=[redacted]"
    );
    let names: Vec<String> = calls
        .lock()
        .unwrap()
        .iter()
        .map(|(n, _)| n.clone())
        .collect();
    assert_eq!(names, ["Write", "Write", "Write"]);
}

fn pre_tool_use(
    output: impl Fn(&HookInput) -> HookOutput + Send + Sync + 'static,
) -> (Vec<(String, Vec<HookMatcher>)>, Arc<Mutex<Vec<Value>>>) {
    let seen: Arc<Mutex<Vec<Value>>> = Arc::default();
    let record = seen.clone();
    let output = Arc::new(output);
    let callback = hook(move |input: HookInput, _id, _ctx| {
        record.lock().unwrap().push(input.raw().clone());
        let out = output(&input);
        async move { Ok(out) }
    });
    (
        vec![(
            "PreToolUse".to_string(),
            vec![HookMatcher::new(Some("Bash")).hook(callback)],
        )],
        seen,
    )
}

#[tokio::test]
async fn a_pre_tool_use_hook_can_deny() {
    let (server, sandbox) = setup(vec![bash("touch hooked.txt"), Reply::text("blocked")]).await;
    let (hooks, seen) =
        pre_tool_use(|_| HookOutput::permission(PermissionDecision::Deny, "hook says no"));
    let mut options = support::options(&server, &sandbox);
    options.hooks = hooks;
    run("go", options).await;
    assert!(!sandbox.work().join("hooked.txt").exists());
    let seen = seen.lock().unwrap();
    assert_eq!(seen[0]["hook_event_name"], "PreToolUse");
    assert_eq!(seen[0]["tool_input"]["command"], "touch hooked.txt");
    let texts = server.main_requests()[1].tool_result_texts();
    assert!(
        texts.iter().any(|t| t.contains("hook says no")),
        "{texts:?}"
    );
}

#[tokio::test]
async fn a_pre_tool_use_hook_can_rewrite_the_input() {
    let (server, sandbox) = setup(vec![bash("touch before.txt"), Reply::text("done")]).await;
    let (hooks, _seen) = pre_tool_use(|input| {
        let mut changed = input.tool_input().cloned().unwrap_or_default();
        changed["command"] = "touch after.txt".into();
        HookOutput::new().specific(HookSpecificOutput::PreToolUse {
            permission_decision: Some(PermissionDecision::Allow),
            permission_decision_reason: Some("rewritten by hook".into()),
            updated_input: Some(changed),
            additional_context: None,
        })
    });
    let mut options = support::options(&server, &sandbox);
    options.hooks = hooks;
    run("go", options).await;
    assert!(sandbox.work().join("after.txt").exists());
    assert!(!sandbox.work().join("before.txt").exists());
}

#[tokio::test]
async fn a_post_tool_use_hook_adds_context_the_model_sees() {
    let (server, sandbox) = setup(vec![bash("echo visible"), Reply::text("done")]).await;
    let callback = hook(|_input: HookInput, _id, _ctx| async {
        HookOutput::from_value(json!({"hookSpecificOutput": {"hookEventName": "PostToolUse", "additionalContext": "CONTEXT-MARKER-77"}}))
            .map_err(Into::into)
    });
    let mut options = support::options(&server, &sandbox);
    options.hooks = vec![(
        "PostToolUse".into(),
        vec![HookMatcher::new(None).hook(callback)],
    )];
    run("go", options).await;
    let second = serde_json::to_string(&server.main_requests()[1].body).unwrap();
    assert!(second.contains("CONTEXT-MARKER-77"));
}

#[tokio::test]
async fn an_in_process_mcp_tool_is_called_by_the_model() {
    let (server, sandbox) = setup(vec![
        Reply::tool_use("mcp__calc__add", json!({"a": 2, "b": 3})),
        Reply::text("2 + 3 = 5"),
    ])
    .await;
    let calls: Arc<Mutex<Vec<Value>>> = Arc::default();
    let record = calls.clone();
    let add = tool(
        "add",
        "Add two numbers",
        json!({"type": "object", "properties": {"a": {"type": "number"}, "b": {"type": "number"}}, "required": ["a", "b"]}),
        move |args: Value| {
            record.lock().unwrap().push(args.clone());
            async move {
                Ok(ToolResult::text(format!(
                    "sum={}",
                    args["a"].as_f64().unwrap() + args["b"].as_f64().unwrap()
                )))
            }
        },
    );
    let options = support::options(&server, &sandbox)
        .mcp_server(
            "calc",
            McpServerConfig::Sdk(create_sdk_mcp_server("calc", "1.0.0", vec![add])),
        )
        .allowed_tools(vec!["mcp__calc__add".to_string()]);
    let messages = run("add", options).await;
    assert_eq!(*calls.lock().unwrap(), vec![json!({"a": 2, "b": 3})]);
    let requests = server.main_requests();
    // The CLI defers MCP tools behind ToolSearch in its requests; its init message lists them.
    let init = messages.iter().find_map(|m| match m {
        Message::System(s) => s.as_init(),
        _ => None,
    });
    let init = init.expect("system/init");
    assert!(init
        .tools
        .as_ref()
        .unwrap()
        .iter()
        .any(|t| t == "mcp__calc__add"));
    let calc = init
        .mcp_servers
        .as_ref()
        .unwrap()
        .iter()
        .find(|s| s.name == "calc")
        .expect("calc listed");
    assert_eq!(calc.status, "connected");
    assert_eq!(requests[1].tool_result_texts(), ["sum=5"]);
    assert!(!result_of(&messages).is_error);
}

async fn connected(server: &ModelServer, sandbox: &Sandbox) -> ClaudeClient {
    let client = ClaudeClient::new(support::options(server, sandbox));
    tokio::time::timeout(DEADLINE, client.connect(None))
        .await
        .unwrap()
        .unwrap();
    client
}

async fn one_response(client: &ClaudeClient) -> Vec<Message> {
    tokio::time::timeout(DEADLINE, client.receive_response().collect::<Vec<_>>())
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.unwrap())
        .collect()
}

#[tokio::test]
async fn server_info_is_available_after_connect() {
    let (server, sandbox) = setup(vec![]).await;
    let client = connected(&server, &sandbox).await;
    let info = client.server_info().expect("server info");
    assert!(info["commands"].is_array(), "{info}");
    assert!(
        info.get("models").is_some() || info.get("account").is_some(),
        "{info}"
    );
    client.disconnect().await.unwrap();
}

#[tokio::test]
async fn a_second_turn_on_the_same_client_carries_the_conversation() {
    let (server, sandbox) = setup(vec![
        Reply::text("first answer"),
        Reply::text("second answer"),
    ])
    .await;
    let client = connected(&server, &sandbox).await;
    client.query("first question", "default").await.unwrap();
    let first = one_response(&client).await;
    assert_eq!(result_of(&first).result.as_deref(), Some("first answer"));
    client.query("second question", "default").await.unwrap();
    let second = one_response(&client).await;
    assert_eq!(result_of(&second).result.as_deref(), Some("second answer"));
    let request = &server.main_requests()[1];
    assert_eq!(request.last_user_text().as_deref(), Some("second question"));
    assert!(request.user_texts().iter().any(|t| t == "first question"));
    client.disconnect().await.unwrap();
}

#[tokio::test]
async fn set_model_changes_the_model_of_the_next_request() {
    let (server, sandbox) = setup(vec![Reply::text("one"), Reply::text("two")]).await;
    let client = connected(&server, &sandbox).await;
    client.query("before", "default").await.unwrap();
    one_response(&client).await;
    client
        .control()
        .unwrap()
        .set_model(Some("claude-wire-other-model"))
        .await
        .unwrap();
    client.query("after", "default").await.unwrap();
    one_response(&client).await;
    let requests = server.main_requests();
    assert_eq!(requests[0].model(), Some(support::model()));
    assert_eq!(requests[1].model(), Some("claude-wire-other-model"));
    client.disconnect().await.unwrap();
}

#[tokio::test]
async fn interrupt_stops_a_slow_model_reply() {
    let slow = Reply::text("word ".repeat(200))
        .chunk_chars(5)
        .delta_delay_ms(50);
    let (server, sandbox) = setup(vec![slow, Reply::text("after the interrupt")]).await;
    let client = connected(&server, &sandbox).await;
    client
        .query("tell me a long story", "default")
        .await
        .unwrap();
    server.wait_for_main_requests(1, DEADLINE).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = Instant::now();
    client.control().unwrap().interrupt().await.unwrap();
    let interrupted = one_response(&client).await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the turn ended soon after the interrupt"
    );
    assert!(
        !interrupted
            .iter()
            .any(|m| matches!(m, Message::Assistant(a) if a.text().len() > 900)),
        "the full reply never arrived"
    );
    assert_eq!(
        server.main_requests()[0].outcome,
        ResponseOutcome::Disconnected
    );
    // The session goes on after an interrupt.
    client.query("are you there?", "default").await.unwrap();
    let next = one_response(&client).await;
    assert_eq!(
        result_of(&next).result.as_deref(),
        Some("after the interrupt")
    );
    client.disconnect().await.unwrap();
}

#[tokio::test]
async fn a_finished_session_can_be_resumed_by_id() {
    let (server, sandbox) = setup(vec![Reply::text("remembered"), Reply::text("resumed")]).await;
    let first = run(
        "my favourite colour is teal",
        support::options(&server, &sandbox),
    )
    .await;
    let session_id = result_of(&first).session_id.clone();
    let resumed = run(
        "what is my favourite colour?",
        support::options(&server, &sandbox).resume(session_id.clone()),
    )
    .await;
    assert_eq!(result_of(&resumed).session_id, session_id);
    let request = &server.main_requests()[1];
    assert!(
        request
            .user_texts()
            .iter()
            .any(|t| t == "my favourite colour is teal"),
        "{:?}",
        request.user_texts()
    );
    assert_eq!(
        request.last_user_text().as_deref(),
        Some("what is my favourite colour?")
    );
}
