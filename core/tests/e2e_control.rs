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

/// Hooks by event, as in `ClaudeAgentOptions::hooks`.
type Hooks = Vec<(String, Vec<HookMatcher>)>;

fn pre_tool_use(
    output: impl Fn(&HookInput) -> HookOutput + Send + Sync + 'static,
) -> (Hooks, Arc<Mutex<Vec<Value>>>) {
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
async fn set_mcp_servers_adds_an_in_process_server_to_a_running_session() {
    let (server, sandbox) = setup(vec![
        Reply::tool_use("mcp__calc__add", json!({"a": 2, "b": 3})),
        Reply::text("added"),
        Reply::text("after removal"),
    ])
    .await;
    let options =
        support::options(&server, &sandbox).allowed_tools(vec!["mcp__calc__add".to_string()]);
    let client = ClaudeClient::new(options);
    client.connect(None).await.unwrap();
    let control = client.control().unwrap();
    let add = tool(
        "add",
        "Add",
        json!({"type": "object"}),
        |args: Value| async move {
            Ok(ToolResult::text(format!(
                "sum={}",
                args["a"].as_i64().unwrap() + args["b"].as_i64().unwrap()
            )))
        },
    );
    let calc = create_sdk_mcp_server("calc", "1.0.0", vec![add]);
    let answer = control
        .set_mcp_servers(vec![("calc".into(), McpServerConfig::Sdk(calc))])
        .await
        .unwrap();
    assert_eq!(answer.added, ["calc"]);
    client.query("add", "default").await.unwrap();
    let turn = one_response(&client).await;
    assert_eq!(result_of(&turn).result.as_deref(), Some("added"));
    assert_eq!(server.main_requests()[1].tool_result_texts(), ["sum=5"]);
    let answer = control.set_mcp_servers(Vec::new()).await.unwrap();
    assert_eq!(answer.removed, ["calc"]);
    assert!(control.mcp_status().await.unwrap().mcp_servers.is_empty());
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

/// What the real CLI answers to one control request.
enum Expect {
    /// A success answer passing this check.
    Ok(fn(&Value) -> bool),
    /// An error answer whose text contains this.
    Refused(&'static str),
}

/// Every control request of both official SDKs, sent to the real CLI 2.1.330 in one session,
/// with what it answers (most refusals are for names that do not exist in the sandbox).
/// Not sent: `claude_authenticate`, which starts a real login flow.
#[tokio::test]
async fn the_real_cli_answers_every_control_request_of_the_official_sdks() {
    use claude_wire::control::*;
    use claude_wire::options::PermissionMode;
    use Expect::{Ok as Answered, Refused};
    let map = |v: Value| v.as_object().unwrap().clone();
    let (server, sandbox) = setup(vec![Reply::text("side answer"), Reply::text("a title")]).await;
    std::fs::write(sandbox.work().join("hello.txt"), "hello file\n").unwrap();
    let client = connected(&server, &sandbox).await;
    let any: fn(&Value) -> bool = |_| true;
    let table: Vec<(ControlRequest, Expect)> = vec![
        (
            Interrupt::default().into(),
            Answered(|a| a["still_queued"] == json!([])),
        ),
        (
            Interrupt {
                cancel_queued: true,
            }
            .into(),
            Answered(|a| a["cancelled"] == json!([])),
        ),
        (
            SetPermissionMode {
                mode: PermissionMode::AcceptEdits,
                answers_bypass_switch_back: None,
            }
            .into(),
            Answered(|a| a["mode"] == "acceptEdits"),
        ),
        (
            SetPermissionMode {
                mode: PermissionMode::Other("bogus".into()),
                answers_bypass_switch_back: None,
            }
            .into(),
            Refused("Cannot set permission mode: must be one of"),
        ),
        (
            SetModel {
                model: Some("claude-wire-other-model".into()),
            }
            .into(),
            Answered(any),
        ),
        (
            SetModel { model: None }.into(),
            Answered(|a| a["model"].is_string()),
        ),
        (
            SetMaxThinkingTokens {
                max_thinking_tokens: Some(2048),
                thinking_display: None,
            }
            .into(),
            Answered(Value::is_null),
        ),
        (
            SetMaxThinkingTokens {
                max_thinking_tokens: None,
                thinking_display: Some("omitted".into()),
            }
            .into(),
            Answered(Value::is_null),
        ),
        (
            ApplyFlagSettings {
                settings: map(json!({"model": support::model()})),
            }
            .into(),
            Answered(Value::is_null),
        ),
        (
            UpdateSettings {
                source: "localSettings".into(),
                settings: Default::default(),
            }
            .into(),
            Refused("update_settings requires at least one key"),
        ),
        (
            UpdateSettings {
                source: "localSettings".into(),
                settings: map(json!({"outputStyle": "Concise"})),
            }
            .into(),
            Answered(any),
        ),
        (
            GetSettings {}.into(),
            Answered(|a| a["applied"].is_object()),
        ),
        (
            GetHooksListing {}.into(),
            Answered(|a| a["eventCatalog"].is_array()),
        ),
        (
            ListPermissionRules {}.into(),
            Answered(|a| a["state"]["rules"].is_array()),
        ),
        (
            RewindFiles {
                user_message_id: "00000000-0000-0000-0000-000000000000".into(),
                dry_run: Some(true),
            }
            .into(),
            Answered(|a| a["canRewind"] == false && a["error"] == "File rewinding is not enabled."),
        ),
        (
            RewindFiles {
                user_message_id: "00000000-0000-0000-0000-000000000000".into(),
                dry_run: None,
            }
            .into(),
            Refused("File rewinding is not enabled."),
        ),
        (
            CancelAsyncMessage {
                message_uuid: "00000000-0000-0000-0000-000000000000".into(),
            }
            .into(),
            Answered(|a| a["cancelled"] == false),
        ),
        (
            SeedReadState {
                path: "hello.txt".into(),
                mtime: 0,
            }
            .into(),
            Answered(Value::is_null),
        ),
        (
            SetCwd {
                path: ".".into(),
                trust_accepted: None,
                trusted_directory: None,
            }
            .into(),
            Answered(|a| a["status"] == "ok" && a["changed"] == false),
        ),
        (
            McpStatus {}.into(),
            Answered(|a| a["mcpServers"] == json!([])),
        ),
        (
            McpReconnect {
                server_name: "nope".into(),
            }
            .into(),
            Refused("Server not found: nope"),
        ),
        (
            McpToggle {
                server_name: "nope".into(),
                enabled: false,
            }
            .into(),
            Refused("Server not found: nope"),
        ),
        (
            McpSetServers::default().into(),
            Answered(|a| a["added"] == json!([]) && a["removed"] == json!([])),
        ),
        (
            McpReadResource {
                server_name: "nope".into(),
                uri: "ui://x".into(),
            }
            .into(),
            Refused("Server not found: nope"),
        ),
        (
            SetMcpPermissionModeOverride {
                server_name: "nope".into(),
                mode: Some("auto".into()),
            }
            .into(),
            Answered(|a| {
                a["warning"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("not yet known")
            }),
        ),
        (
            ChannelEnable {
                server_name: "nope".into(),
            }
            .into(),
            Refused("server nope is not connected"),
        ),
        (
            McpAuthenticate {
                server_name: "nope".into(),
                redirect_uri: Some("http://127.0.0.1:1/cb".into()),
                redirect_uri_only: None,
            }
            .into(),
            Refused("Server not found: nope"),
        ),
        (
            McpClearAuth {
                server_name: "nope".into(),
            }
            .into(),
            Refused("Server not found: nope"),
        ),
        (
            McpOauthCallbackUrl {
                server_name: "nope".into(),
                callback_url: "http://127.0.0.1:1/cb?code=x".into(),
            }
            .into(),
            Refused("No active OAuth flow for server: nope"),
        ),
        (
            McpMessage {
                server_name: "nope".into(),
                message: json!({"jsonrpc": "2.0", "method": "notifications/tools/list_changed"}),
            }
            .into(),
            Answered(Value::is_null),
        ),
        (
            ClaudeOauthCallback {
                authorization_code: "x".into(),
                state: "y".into(),
            }
            .into(),
            Refused("No active claude_authenticate flow"),
        ),
        (
            ClaudeOauthWaitForCompletion {}.into(),
            Refused("No active claude_authenticate flow"),
        ),
        (
            StopTask {
                task_id: "nope".into(),
            }
            .into(),
            Answered(|a| a == &json!({})),
        ),
        (BackgroundTasks { tool_use_id: None }.into(), Answered(any)),
        (
            BackgroundTasks {
                tool_use_id: Some("toolu_x".into()),
            }
            .into(),
            Answered(|a| a["backgrounded"] == false),
        ),
        (
            GetTaskOutput {
                task_id: "nope".into(),
            }
            .into(),
            Refused("no shell or Monitor task with that task_id"),
        ),
        (
            GetContextUsage::default().into(),
            Answered(|a| a["categories"].is_array() && a["totalTokens"].is_u64()),
        ),
        (
            GetUsage::default().into(),
            Answered(|a| a["session"].is_object()),
        ),
        (
            GetUsage {
                skip_behaviors: true,
            }
            .into(),
            Answered(|a| a["behaviors"].is_null()),
        ),
        (
            ReloadPlugins::default().into(),
            Answered(|a| a["commands"].is_array()),
        ),
        (ReloadSkills {}.into(), Answered(|a| a["skills"].is_array())),
        (
            ReloadOutputStyles {}.into(),
            Answered(|a| a["available_output_styles"].is_array()),
        ),
        (
            ReadFile {
                path: "hello.txt".into(),
                max_bytes: None,
                encoding: None,
            }
            .into(),
            Answered(|a| a["contents"] == "hello file\n"),
        ),
        (
            ReadFile {
                path: "hello.txt".into(),
                max_bytes: Some(3),
                encoding: Some("base64".into()),
            }
            .into(),
            Answered(|a| a["contents"] == "aGVs" && a["truncated"] == true),
        ),
        (
            ReadFile {
                path: "missing.txt".into(),
                max_bytes: None,
                encoding: None,
            }
            .into(),
            Refused("read denied: missing.txt"),
        ),
        (GetPlan {}.into(), Answered(|a| a["exists"] == false)),
        (
            GetMemoryDialog {}.into(),
            Answered(|a| a["files"].is_array()),
        ),
        (
            GetSkillsDialog {}.into(),
            Answered(|a| a["skills"].is_array()),
        ),
        (GetStatus {}.into(), Answered(|a| a["sections"].is_array())),
        (
            ExportConversation {}.into(),
            Answered(|a| a["text"].is_string()),
        ),
        (
            GetSandboxDialog {}.into(),
            Answered(|a| a["supported"].is_boolean()),
        ),
        (
            GetChromeDialog {}.into(),
            Answered(|a| a["connected"] == false),
        ),
        (
            GetChromeBrowsers {}.into(),
            Refused("Claude in Chrome is not connected in this session"),
        ),
        (
            SelectChromeBrowser {
                device_id: "x".into(),
            }
            .into(),
            Refused("Claude in Chrome is not connected in this session"),
        ),
        (
            SetChromeBrowserHints::default().into(),
            Refused("only accepted in a remote-hosted session"),
        ),
        (
            SetPromptSuggestionsPaused { paused: true }.into(),
            Answered(Value::is_null),
        ),
        (
            RenameSession {
                title: "renamed".into(),
                source: "host".into(),
                session_id: None,
            }
            .into(),
            Answered(Value::is_null),
        ),
        (
            GenerateSessionTitle {
                description: "hello".into(),
                persist: Some(false),
            }
            .into(),
            Answered(|a| a.get("title").is_some()),
        ),
        (
            SideQuestion {
                question: "what?".into(),
                history: None,
            }
            .into(),
            Answered(|a| a["response"].is_string()),
        ),
        (
            MessageRated {
                message_uuid: "00000000-0000-0000-0000-000000000000".into(),
                sentiment: "good".into(),
                surface: None,
                cleared: false,
            }
            .into(),
            Refused("message_rated: messageUuid must be a string"),
        ),
        (
            MessageRated {
                message_uuid: "00000000-0000-0000-0000-000000000000".into(),
                sentiment: "positive".into(),
                surface: Some("assistant_text".into()),
                cleared: false,
            }
            .into(),
            Answered(any),
        ),
        (
            SubmitFeedback {
                description: "d".into(),
                fields: Default::default(),
            }
            .into(),
            Answered(|a| a["feedback_id"].is_null() && a["unavailable_reason"].is_string()),
        ),
        (
            SubmitSurveyFeedback::default().into(),
            Answered(|a| a["unavailable_reason"] == "Malformed request."),
        ),
        (
            UltrareviewLaunch {
                args: json!("main"),
                confirm: false,
            }
            .into(),
            Answered(|a| a["status"] == "error"),
        ),
        (
            RemoteControl {
                enabled: false,
                fields: Default::default(),
            }
            .into(),
            Answered(Value::is_null),
        ),
        (
            ClaimSession {
                fields: map(json!({"include_initialize": true})),
            }
            .into(),
            Refused("not_a_spare"),
        ),
        (
            ControlRequest::from_value(json!({"subtype": "teleport"})).unwrap(),
            Refused("Unsupported control request subtype: teleport"),
        ),
    ];
    let control = client.control().unwrap();
    let mut wrong = Vec::new();
    for (request, expect) in table {
        let subtype = request.subtype().to_string();
        let answer = control.send(request).await;
        match (&expect, &answer) {
            (Answered(check), Ok(value)) if check(value) => {}
            (
                Refused(text),
                Err(claude_wire::Error::ControlRequest {
                    subtype: s,
                    message,
                    ..
                }),
            ) if s == &subtype && message.contains(text) => {}
            _ => wrong.push(format!("{subtype}: {answer:?}")),
        }
    }
    assert!(
        wrong.is_empty(),
        "unexpected answers:\n{}",
        wrong.join("\n")
    );
    // The session is still usable, and `initialize` can be sent again.
    let info = control.reinitialize(None).await.unwrap();
    assert!(info["commands"].is_array());
    let typed: ServerInfo = serde_json::from_value(info).unwrap();
    assert!(!typed.commands.is_empty());
    client.disconnect().await.unwrap();
}

#[tokio::test]
async fn typed_answers_decode_what_the_real_cli_sends() {
    use claude_wire::control::*;
    let (server, sandbox) = setup(vec![]).await;
    std::fs::write(sandbox.work().join("hello.txt"), "hello file\n").unwrap();
    let client = connected(&server, &sandbox).await;
    let control = client.control().unwrap();
    assert!(control.interrupt().await.unwrap().still_queued.is_empty());
    assert!(control.mcp_status().await.unwrap().mcp_servers.is_empty());
    let usage = control.get_context_usage().await.unwrap();
    assert!(usage.total_tokens > 0 && usage.max_tokens > 0, "{usage:?}");
    assert!(!usage.categories.is_empty());
    // Without checkpointing a rewind is refused; a dry run says why in its answer.
    match control
        .rewind_files("00000000-0000-0000-0000-000000000000")
        .await
    {
        Err(claude_wire::Error::ControlRequest { message, .. }) => {
            assert_eq!(message, "File rewinding is not enabled.")
        }
        other => panic!("unexpected {other:?}"),
    }
    let dry = control
        .send(RewindFiles {
            user_message_id: "00000000-0000-0000-0000-000000000000".into(),
            dry_run: Some(true),
        })
        .await
        .unwrap();
    assert!(!dry.can_rewind);
    assert_eq!(dry.error.as_deref(), Some("File rewinding is not enabled."));
    let set = control.send(McpSetServers::default()).await.unwrap();
    assert!(set.added.is_empty() && set.errors.is_empty());
    let file = control
        .send(ReadFile {
            path: "hello.txt".into(),
            max_bytes: None,
            encoding: None,
        })
        .await
        .unwrap();
    assert_eq!(file.contents, "hello file\n");
    assert!(file.abs_path.ends_with("hello.txt"));
    let info: ServerInfo = serde_json::from_value(client.server_info().unwrap()).unwrap();
    assert!(!info.commands.is_empty());
    assert!(info.extra.contains_key("claude_code_version") || info.pid.is_some());
    client.disconnect().await.unwrap();
}

/// `disconnect()` while a tool runs closes stdin and gives the CLI time to write its session
/// file before it is stopped: the transcript holds the last assistant message.
#[tokio::test]
async fn disconnect_mid_tool_leaves_the_last_assistant_message_in_the_session_file() {
    let (server, sandbox) = setup(vec![bash("sleep 2"), Reply::text("done")]).await;
    let client = connected(&server, &sandbox).await;
    client.query("run it", "default").await.unwrap();
    let mut messages = client.receive_messages();
    let tool_call = tokio::time::timeout(DEADLINE, async {
        while let Some(message) = messages.next().await {
            if let Message::Assistant(assistant) = message.unwrap() {
                if Message::Assistant(assistant.clone())
                    .to_value()
                    .to_string()
                    .contains("sleep 2")
                {
                    return assistant;
                }
            }
        }
        panic!("no tool call before the end");
    })
    .await
    .unwrap();
    drop(messages);
    let started = Instant::now();
    client.disconnect().await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(12));
    let uuid = tool_call.uuid.clone().expect("assistant uuid");
    let transcripts: Vec<String> = walk(&sandbox.config().join("projects"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    assert!(
        transcripts.iter().any(|t| t.contains(&uuid)),
        "the tool call {uuid} is not in the session file: {transcripts:?}"
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// The real CLI's refusals carry a machine-readable `error_code`, kept on the typed error.
#[tokio::test]
async fn a_refused_control_request_keeps_the_clis_error_code() {
    let (server, sandbox) = setup(vec![]).await;
    let client = connected(&server, &sandbox).await;
    let control = client.control().unwrap();
    let refused = control
        .send(
            claude_wire::ControlRequest::from_value(json!({"subtype": "bogus_request_kind"}))
                .unwrap(),
        )
        .await;
    match refused {
        Err(claude_wire::Error::ControlRequest { code, message, .. }) => {
            assert_eq!(code.as_deref(), Some("unsupported_request"), "{message}");
        }
        other => panic!("unexpected {other:?}"),
    }
    client.disconnect().await.unwrap();
}
