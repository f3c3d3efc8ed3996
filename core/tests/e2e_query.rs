//! One-shot queries against the real Claude Code CLI (pinned, fetched on demand) talking to the
//! scripted model server on 127.0.0.1.

mod support;

use claude_wire::message::{ContentBlock, SystemBody, UserContent};
use claude_wire::model_server::{ModelServer, Reply, Script};
use claude_wire::{query, ClaudeAgentOptions, Error, Message};
use futures::StreamExt;
use std::time::{Duration, Instant};
use support::Sandbox;

const DEADLINE: Duration = Duration::from_secs(60);

async fn run(prompt: &str, options: ClaudeAgentOptions) -> Vec<claude_wire::Result<Message>> {
    tokio::time::timeout(DEADLINE, query(prompt, options).collect::<Vec<_>>())
        .await
        .expect("the query finished in time")
}

fn ok_messages(items: &[claude_wire::Result<Message>]) -> Vec<&Message> {
    items.iter().filter_map(|item| item.as_ref().ok()).collect()
}

fn final_result(items: &[claude_wire::Result<Message>]) -> &claude_wire::message::ResultMessage {
    ok_messages(items)
        .into_iter()
        .find_map(|m| match m {
            Message::Result(result) => Some(&**result),
            _ => None,
        })
        .expect("a result message")
}

#[tokio::test]
async fn a_text_turn_streams_init_assistant_text_and_a_success_result() {
    let server = ModelServer::start(Script::new().reply(Reply::text("Hello from the script.")))
        .await
        .unwrap();
    let sandbox = Sandbox::new();
    let started = Instant::now();
    let mut stream = query("Say hello", support::options(&server, &sandbox));
    let first = stream
        .next()
        .await
        .expect("a first message")
        .expect("no error");
    let first_message_after = started.elapsed();
    let mut items = vec![Ok(first)];
    items.extend(
        tokio::time::timeout(DEADLINE, stream.collect::<Vec<_>>())
            .await
            .unwrap(),
    );
    eprintln!("spawn to first message: {first_message_after:?}");

    let messages = ok_messages(&items);
    assert!(items.iter().all(|i| i.is_ok()), "{items:?}");
    let init = messages.iter().find_map(|m| match m {
        Message::System(system) => system.as_init(),
        _ => None,
    });
    let init = init.expect("a system/init message");
    assert_eq!(init.model.as_deref(), Some(support::model()));
    let text: String = messages
        .iter()
        .filter_map(|m| match m {
            Message::Assistant(a) => Some(a.text()),
            _ => None,
        })
        .collect();
    assert_eq!(text, "Hello from the script.");
    let result = final_result(&items);
    assert_eq!(result.subtype, "success");
    assert!(!result.is_error);
    assert_eq!(result.result.as_deref(), Some("Hello from the script."));
    assert_eq!(result.num_turns, 1);
}

#[tokio::test]
async fn the_model_server_sees_exactly_the_prompt_we_sent() {
    let server = ModelServer::start(Script::new().reply(Reply::text("ok")))
        .await
        .unwrap();
    let sandbox = Sandbox::new();
    let prompt = "Exact prompt: ünïcode, \"quotes\", and a trailing space ";
    let items = run(prompt, support::options(&server, &sandbox)).await;
    assert!(!final_result(&items).is_error);
    let requests = server.main_requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].last_user_text().as_deref(), Some(prompt));
    assert_eq!(requests[0].model(), Some(support::model()));
}

#[tokio::test]
async fn a_tool_turn_runs_a_read_only_bash_command() {
    let script = Script::new()
        .reply(Reply::tool_use(
            "Bash",
            serde_json::json!({"command": "echo wire-check-42", "description": "print"}),
        ))
        .reply(Reply::text("The command printed wire-check-42."));
    let server = ModelServer::start(script).await.unwrap();
    let sandbox = Sandbox::new();
    let items = run("Run the check", support::options(&server, &sandbox)).await;
    let messages = ok_messages(&items);

    let tool_use = messages.iter().find_map(|m| match m {
        Message::Assistant(a) => a.content().iter().find_map(|b| match b {
            ContentBlock::ToolUse(t) => Some(t.clone()),
            _ => None,
        }),
        _ => None,
    });
    let tool_use = tool_use.expect("an assistant tool_use block");
    assert_eq!(tool_use.name, "Bash");
    let tool_result = messages.iter().find_map(|m| match m {
        Message::User(u) => match u.content() {
            UserContent::Blocks(blocks) => blocks.iter().find_map(|b| match b {
                ContentBlock::ToolResult(r) => Some(r.clone()),
                _ => None,
            }),
            _ => None,
        },
        _ => None,
    });
    let tool_result = tool_result.expect("a user tool_result block");
    assert_eq!(tool_result.tool_use_id, tool_use.id);
    assert!(tool_result
        .content
        .unwrap()
        .to_string()
        .contains("wire-check-42"));

    let requests = server.main_requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].tool_result_texts(), ["wire-check-42"]);
    let result = final_result(&items);
    assert_eq!(result.num_turns, 2);
    assert_eq!(
        result.result.as_deref(),
        Some("The command printed wire-check-42.")
    );
}

#[tokio::test]
async fn an_api_error_becomes_an_error_result_and_a_typed_error() {
    let server = ModelServer::start(
        Script::new().reply(Reply::error(400).error_message("scripted refusal 4711")),
    )
    .await
    .unwrap();
    let sandbox = Sandbox::new();
    let items = run("Hi", support::options(&server, &sandbox)).await;
    let result = final_result(&items);
    assert!(result.is_error);
    assert!(
        result
            .result
            .as_deref()
            .unwrap_or_default()
            .contains("scripted refusal 4711"),
        "{result:?}"
    );
    // The CLI exits non-zero after an error result; the error carries the result's text.
    match items.last() {
        Some(Err(error @ Error::ErrorResult { exit_code, .. })) => {
            assert_eq!(*exit_code, Some(1));
            assert!(
                error.to_string().contains("scripted refusal 4711"),
                "{error}"
            );
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn an_overloaded_529_is_retried_and_the_retry_succeeds() {
    let script = Script::new()
        .reply(Reply::error(529))
        .reply(Reply::text("after the retry"));
    let server = ModelServer::start(script).await.unwrap();
    let sandbox = Sandbox::new();
    let mut options = support::options(&server, &sandbox);
    options = options.env_var("CLAUDE_CODE_MAX_RETRIES", "1");
    let items = run("Hi", options).await;
    let messages = ok_messages(&items);
    let retries = messages
        .iter()
        .filter(|m| matches!(m, Message::System(s) if matches!(s.body, SystemBody::ApiRetry(_))))
        .count();
    assert_eq!(retries, 1, "{messages:?}");
    let result = final_result(&items);
    assert!(!result.is_error);
    assert_eq!(result.result.as_deref(), Some("after the retry"));
    assert_eq!(server.main_requests().len(), 2);
}

#[tokio::test]
async fn a_stream_of_user_messages_is_a_prompt_too() {
    let server = ModelServer::start(Script::new().reply(Reply::text("streamed ok")))
        .await
        .unwrap();
    let sandbox = Sandbox::new();
    let prompt = futures::stream::iter([serde_json::json!({
        "type": "user", "session_id": "", "parent_tool_use_id": null,
        "message": {"role": "user", "content": [{"type": "text", "text": "from a stream"}]}
    })]);
    let items = tokio::time::timeout(
        DEADLINE,
        claude_wire::query_stream(prompt, support::options(&server, &sandbox)).collect::<Vec<_>>(),
    )
    .await
    .unwrap();
    assert_eq!(final_result(&items).result.as_deref(), Some("streamed ok"));
    assert_eq!(
        server.main_requests()[0].last_user_text().as_deref(),
        Some("from a stream")
    );
}

/// A background shell keeps the CLI alive after the turn, even with stdin closed, and the CLI
/// never reports idle: the query still ends, a run-end ceiling after the result, and the CLI
/// and its shell are gone.
#[tokio::test]
async fn a_cli_kept_busy_by_a_background_shell_does_not_hang_the_query() {
    let script = Script::new()
        .reply(Reply::tool_use(
            "Bash",
            serde_json::json!({"command": "sleep 300", "description": "wait", "run_in_background": true}),
        ))
        .reply(Reply::text("Started it."))
        .reply(Reply::text("more"));
    let server = ModelServer::start(script).await.unwrap();
    let sandbox = Sandbox::new();
    let mut options = support::options(&server, &sandbox)
        .permission_mode(claude_wire::options::PermissionMode::BypassPermissions);
    options
        .env
        .push(("CLAUDE_CODE_PRINT_BG_WAIT_CEILING_MS".into(), "2000".into()));
    let started = Instant::now();
    let items = run("Run it in the background", options).await;
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
    let result = final_result(&items);
    assert!(!result.is_error, "{result:?}");
    assert!(
        ok_messages(&items)
            .iter()
            .any(|m| m.type_name() == "system" && m.to_value()["subtype"] == "task_started"),
        "the shell ran in the background"
    );
    // The CLI was reaped before the stream ended; its shell went with its process group.
    let deadline = Instant::now() + Duration::from_secs(5);
    while !support::processes_in(&sandbox.work()).is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(support::processes_in(&sandbox.work()), Vec::<u32>::new());
}
