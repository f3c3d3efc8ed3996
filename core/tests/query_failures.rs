//! The failure side of `query()`: missing CLI, bad cwd, a CLI that exits at once, crashes,
//! prints garbage or huge lines, and a stream dropped mid-way. Driven by the scripted fake CLI.

use claude_wire::{query, ClaudeAgentOptions, Error, Message};
use futures::StreamExt;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn fake_cli() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fake_cli/fake_claude.py")
}

fn options(steps: Value) -> ClaudeAgentOptions {
    ClaudeAgentOptions::new()
        .cli_path(fake_cli())
        .env_var("FAKE_CLI_SCENARIO", steps.to_string())
}

fn result_line(text: &str) -> Value {
    json!({"type": "result", "subtype": "success", "is_error": false, "duration_ms": 1, "duration_api_ms": 1,
           "num_turns": 1, "session_id": "s", "result": text})
}

/// Every item of a query, with a deadline so a hang fails the test instead of blocking it.
async fn collect(options: ClaudeAgentOptions) -> Vec<claude_wire::Result<Message>> {
    tokio::time::timeout(
        Duration::from_secs(20),
        query("hi", options).collect::<Vec<_>>(),
    )
    .await
    .expect("the query ended in time")
}

fn process_alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => !stat
            .rsplit(')')
            .next()
            .unwrap_or("")
            .trim_start()
            .starts_with('Z'),
        Err(_) => false,
    }
}

#[tokio::test]
async fn a_missing_cli_is_a_typed_error_naming_where_we_looked() {
    let items = collect(ClaudeAgentOptions::new().cli_path("/nonexistent/claude")).await;
    assert_eq!(items.len(), 1);
    match &items[0] {
        Err(error @ Error::CliNotFound { searched, .. }) => {
            assert!(searched.iter().any(|p| p.ends_with("nonexistent/claude")));
            assert!(error.to_string().contains(claude_wire::PINNED_CLI_VERSION));
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn a_missing_cwd_is_its_own_error() {
    let items = collect(options(json!([])).cwd("/definitely/not/here")).await;
    assert!(
        matches!(&items[..], [Err(Error::CwdNotFound(p))] if p.ends_with("not/here")),
        "{items:?}"
    );
}

#[tokio::test]
async fn a_cli_that_exits_at_once_reports_its_stderr() {
    let items = collect(options(
        json!([{"stderr": "error: unknown option --bogus"}, {"exit": 3}]),
    ))
    .await;
    match &items[..] {
        [Err(Error::Process {
            exit_code: Some(3),
            stderr,
            ..
        })] => assert!(stderr.contains("unknown option --bogus")),
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn a_cli_gone_before_initialize_is_written_reports_its_exit() {
    // It closes stdin at once and exits a moment later: the write of `initialize` fails
    // first, and the exit status and stderr, reported after it, are what the caller gets.
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let cli = dir.path().join("claude");
    let script = "#!/bin/sh\nexec 0<&-\necho 'fatal: cannot start' >&2\nsleep 0.3\nexit 3\n";
    std::fs::write(&cli, script).unwrap();
    std::fs::set_permissions(&cli, std::fs::Permissions::from_mode(0o755)).unwrap();
    for _ in 0..3 {
        let items = collect(ClaudeAgentOptions::new().cli_path(&cli)).await;
        match &items[..] {
            [Err(Error::Process {
                exit_code: Some(3),
                stderr,
                ..
            })] => assert!(stderr.contains("cannot start")),
            other => panic!("unexpected {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_crash_mid_stream_keeps_what_came_before_and_names_the_signal() {
    let steps = json!([
        {"answer_initialize": {}},
        {"expect_stdin": {"type": "user"}},
        {"emit": {"type": "system", "subtype": "init", "session_id": "s", "cwd": "/", "tools": [], "mcp_servers": [], "model": "m", "permissionMode": "default", "apiKeySource": "none"}},
        {"stderr": "segfault in module X"},
        {"crash": "SIGKILL"}
    ]);
    let items = collect(options(steps)).await;
    assert_eq!(items.len(), 2, "{items:?}");
    assert_eq!(items[0].as_ref().unwrap().subtype(), Some("init"));
    match &items[1] {
        Err(Error::Process {
            signal: Some(9),
            stderr,
            ..
        }) => assert!(stderr.contains("segfault")),
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn garbage_and_huge_lines_are_reported_and_the_stream_goes_on() {
    let steps = json!([
        {"answer_initialize": {}},
        {"expect_stdin": {"type": "user"}},
        {"emit_raw": "npm WARN something noisy\n{not json}\n"},
        {"emit_huge": {"bytes": 3_000_000, "type": "huge"}},
        {"emit": result_line("survived")},
        {"wait_stdin_eof": true}
    ]);
    let items = collect(options(steps).max_buffer_size(1_000_000)).await;
    assert!(
        matches!(items[0], Err(Error::JsonDecode { .. })),
        "{items:?}"
    );
    assert!(
        matches!(
            items[1],
            Err(Error::LineTooLong {
                limit: 1_000_000,
                ..
            })
        ),
        "{:?}",
        items[1]
    );
    let last = items[2].as_ref().unwrap();
    assert_eq!(last.to_value()["result"], "survived");
    assert_eq!(items.len(), 3);
}

#[tokio::test]
async fn lines_far_beyond_the_official_one_mib_cap_arrive_whole() {
    let steps = json!([
        {"answer_initialize": {}},
        {"expect_stdin": {"type": "user"}},
        {"emit_huge": {"bytes": 20_000_000, "type": "huge"}},
        {"emit": result_line("ok")},
    ]);
    let items = collect(options(steps)).await;
    let huge = items[0].as_ref().unwrap().to_value();
    assert!(huge["data"].as_str().unwrap().len() >= 20_000_000);
    assert!(items[1].as_ref().unwrap().is_result());
}

#[tokio::test]
async fn dropping_the_stream_mid_way_leaves_no_process_behind() {
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("pid");
    let steps = json!([
        {"write_pid_file": pid_file.to_string_lossy()},
        {"answer_initialize": {}},
        {"expect_stdin": {"type": "user"}},
        {"emit": {"type": "assistant", "session_id": "s", "parent_tool_use_id": null,
                  "message": {"id": "m", "model": "m", "role": "assistant", "content": [{"type": "text", "text": "partial"}]}}},
        {"ignore_sigterm": true},
        {"hang": true}
    ]);
    let mut messages = query("hi", options(steps));
    let first = tokio::time::timeout(Duration::from_secs(10), messages.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(first.to_value()["type"], "assistant");
    let pid: u32 = std::fs::read_to_string(&pid_file)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(process_alive(pid));
    drop(messages);
    let deadline = Instant::now() + Duration::from_secs(5);
    while process_alive(pid) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        !process_alive(pid),
        "the CLI (pid {pid}) outlived its dropped query"
    );
    assert!(
        !std::path::Path::new(&format!("/proc/{pid}")).exists(),
        "the CLI was not reaped (zombie)"
    );
}

#[tokio::test]
async fn a_cli_that_never_answers_initialize_times_out_with_a_clear_error() {
    let started = Instant::now();
    let items =
        collect(options(json!([{"hang": true}])).control_timeout(Duration::from_millis(300))).await;
    match &items[..] {
        [Err(Error::ControlTimeout { subtype, .. })] => assert_eq!(subtype, "initialize"),
        other => panic!("unexpected {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn an_initialize_answer_over_the_line_limit_fails_the_query_at_once() {
    let started = Instant::now();
    let pad = "x".repeat(20_000);
    let steps =
        json!([{"answer_initialize": {"commands": [], "pad": pad}}, {"wait_stdin_eof": true}]);
    let items = collect(options(steps).max_buffer_size(10_000)).await;
    match &items[..] {
        [Err(Error::LineTooLong {
            limit: 10_000,
            request_id: Some(id),
            ..
        })] => assert!(id.starts_with("req_"), "{id}"),
        other => panic!("unexpected {other:?}"),
    }
    // Not at the 60 s initialize timeout.
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn a_session_started_ahead_of_its_prompt_reports_its_startup_when_it_times_out() {
    let hook = |subtype: &str| {
        json!({"emit": {"type": "system", "subtype": subtype, "hook_id": "h1",
                        "hook_event": "SessionStart", "hook_name": "SessionStart:startup"}})
    };
    let steps = json!([
        {"emit": {"type": "keep_alive", "startup_mark": "before_loadInitialMessages"}},
        hook("hook_started"),
        {"hang": true}
    ]);
    // Long enough for the fake CLI to start and report its hook on a busy machine (a shorter
    // limit ran out before the fake's first frame in a loaded CI run).
    let limit = Duration::from_secs(3);
    let started = Instant::now();
    let startup = claude_wire::options::Startup { limit: Some(limit) };
    let items = collect(options(steps).startup(startup)).await;
    let [Err(Error::InitializeTimeout(report))] = &items[..] else {
        panic!("unexpected {items:?}");
    };
    assert!(started.elapsed() >= limit && started.elapsed() < Duration::from_secs(10));
    assert_eq!((report.hooks_reported, report.hooks_open), (1, 1));
    let mark = report.mark.as_ref().map(|(mark, _)| mark.as_str());
    assert_eq!(mark, Some("before_loadInitialMessages"));
    let details = items[0]
        .as_ref()
        .unwrap_err()
        .ts_details()
        .expect("TS details");
    assert_eq!(details.error_class, "initialize_timeout");
    assert_eq!(
        details.telemetry_message,
        "Subprocess initialization did not complete within 3000ms"
    );
    assert_eq!(details.extra[0], ("startupHooksOpen", json!(1)));

    // A hook that ends and an answer in time: the session runs as any other.
    let steps = json!([
        hook("hook_started"),
        {"sleep": 0.1},
        hook("hook_response"),
        {"answer_initialize": {}},
        {"expect_stdin": {"type": "user"}},
        {"emit": result_line("warm")},
        {"wait_stdin_eof": true}
    ]);
    let items = collect(options(steps).startup(startup)).await;
    assert!(items.iter().all(Result::is_ok), "{items:?}");
    assert!(
        matches!(items.last(), Some(Ok(Message::Result(r))) if r.result.as_deref() == Some("warm")),
        "{items:?}"
    );
}
