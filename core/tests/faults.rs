//! The fault suite: a CLI that misbehaves in every way we know of, and callbacks that fail.
//! Each case asserts the typed error, that nothing received before it was lost, and that the
//! CLI process is gone afterwards. Every case is bounded in time.
//!
//! Counting leaks across many sessions (fds, threads, processes, memory) needs a process of its
//! own: see `soak.rs`.

use claude_wire::permission::{can_use_tool, PermissionResult};
use claude_wire::{query, query_stream, ClaudeAgentOptions, Error, Message};
use futures::StreamExt;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn fake_cli() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fake_cli/fake_claude.py")
}

/// Options running the fake CLI; its pid is written to `pid_file` first. The scenario goes in
/// a file beside it (an environment variable is limited to 128 KiB).
fn options(pid_file: &Path, steps: Value) -> ClaudeAgentOptions {
    let mut all = vec![json!({"write_pid_file": pid_file.to_string_lossy()})];
    all.extend(steps.as_array().cloned().unwrap_or_default());
    let scenario = pid_file.with_extension("json");
    std::fs::write(&scenario, Value::Array(all).to_string()).unwrap();
    ClaudeAgentOptions::new()
        .cli_path(fake_cli())
        .env_var("FAKE_CLI_SCENARIO_FILE", scenario.to_string_lossy())
}

fn init_line() -> Value {
    json!({"type": "system", "subtype": "init", "session_id": "s", "cwd": "/", "tools": [],
           "mcp_servers": [], "model": "m", "permissionMode": "default", "apiKeySource": "none"})
}

fn result_line() -> Value {
    json!({"type": "result", "subtype": "success", "is_error": false, "duration_ms": 1,
           "duration_api_ms": 1, "num_turns": 1, "session_id": "s", "result": "done"})
}

/// The start of every scenario: answer initialize, read the prompt, report init.
fn started(rest: Value) -> Value {
    let mut steps = vec![
        json!({"answer_initialize": {}}),
        json!({"expect_stdin": {"type": "user"}}),
        json!({"emit": init_line()}),
    ];
    steps.extend(rest.as_array().cloned().unwrap_or_default());
    Value::Array(steps)
}

async fn collect(
    options: ClaudeAgentOptions,
    limit: Duration,
) -> Vec<claude_wire::Result<Message>> {
    tokio::time::timeout(limit, query("hi", options).collect::<Vec<_>>())
        .await
        .expect("the query ended in time")
}

fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        !stat
            .rsplit(')')
            .next()
            .unwrap_or("")
            .trim_start()
            .starts_with('Z')
    })
}

/// Asserts the fake CLI whose pid is in `pid_file` is gone (dead and reaped) within 3 s.
async fn assert_gone(pid_file: &Path) {
    let pid: u32 = std::fs::read_to_string(pid_file)
        .expect("the fake CLI started")
        .trim()
        .parse()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(3);
    while Path::new(&format!("/proc/{pid}")).exists() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    if alive(pid) {
        // SAFETY: plain syscall; do not leave the process behind when the test fails.
        unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
        panic!("the CLI (pid {pid}) outlived its session");
    }
    assert!(
        !Path::new(&format!("/proc/{pid}")).exists(),
        "the CLI (pid {pid}) was not reaped"
    );
}

fn pid_file() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cli.pid");
    (dir, path)
}

#[tokio::test]
async fn a_clean_exit_without_a_result_is_no_result() {
    let (_dir, pid) = pid_file();
    let items = collect(
        options(&pid, started(json!([{"exit": 0}]))),
        Duration::from_secs(10),
    )
    .await;
    assert_eq!(items.len(), 2, "{items:?}");
    assert_eq!(items[0].as_ref().unwrap().subtype(), Some("init"));
    assert!(matches!(items[1], Err(Error::NoResult)), "{:?}", items[1]);
    assert_gone(&pid).await;
}

#[tokio::test]
async fn a_kill_mid_stream_names_the_signal() {
    let (_dir, pid) = pid_file();
    let items = collect(
        options(&pid, started(json!([{"crash": "SIGKILL"}]))),
        Duration::from_secs(10),
    )
    .await;
    assert_eq!(items[0].as_ref().unwrap().subtype(), Some("init"));
    assert!(
        matches!(
            &items[1],
            Err(Error::Process {
                signal: Some(9),
                exit_code: None,
                ..
            })
        ),
        "{items:?}"
    );
    assert_gone(&pid).await;
}

#[tokio::test]
async fn a_hundred_megabytes_of_stderr_is_drained_and_the_error_text_stays_short() {
    let (_dir, pid) = pid_file();
    let line = "e".repeat(99);
    let steps = started(json!([
        {"stderr_many": {"count": 1_000_000, "text": line}},
        {"stderr": "the last words"},
        {"exit": 3}
    ]));
    let items = collect(options(&pid, steps), Duration::from_secs(60)).await;
    assert_eq!(items[0].as_ref().unwrap().subtype(), Some("init"));
    match &items[1] {
        Err(
            error @ Error::Process {
                exit_code: Some(3),
                stderr,
                ..
            },
        ) => {
            assert!(
                stderr.ends_with("the last words\n")
                    || stderr.trim_end().ends_with("the last words")
            );
            assert!(
                stderr.len() <= 64 * 1024,
                "tail kept: {} bytes",
                stderr.len()
            );
            let text = error.to_string();
            assert!(text.len() < 1200, "error text is {} bytes", text.len());
            assert!(text.contains("the last words"));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_gone(&pid).await;
}

#[tokio::test]
async fn garbage_invalid_utf8_and_deep_nesting_are_reported_and_the_stream_goes_on() {
    let (_dir, pid) = pid_file();
    let deep = format!(
        "{{\"type\":\"deep\",\"v\":{}{}}}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let steps = started(json!([
        {"emit_raw": "plain noise that is not JSON\n"},
        {"emit_hex": "7b2274797065223a2262616422ff fe7d0a".replace(' ', "")},
        {"emit_raw": deep},
        {"emit_hex": "00010203"},
        {"emit_raw": "\n"},
        {"emit": result_line()},
    ]));
    let items = collect(options(&pid, steps), Duration::from_secs(20)).await;
    let kinds: Vec<String> = items
        .iter()
        .map(|item| match item {
            Ok(m) => m.to_value()["type"].as_str().unwrap_or("?").to_string(),
            Err(Error::JsonDecode { .. }) => "json-error".to_string(),
            Err(other) => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        kinds,
        ["system", "json-error", "json-error", "result"],
        "{items:?}"
    );
    assert_gone(&pid).await;
}

#[tokio::test]
async fn a_two_hundred_megabyte_line_arrives_whole() {
    let (_dir, pid) = pid_file();
    let steps = started(json!([
        {"emit_huge": {"bytes": 200_000_000, "type": "huge"}},
        {"emit": result_line()},
    ]));
    let options = options(&pid, steps).max_buffer_size(256 << 20);
    let items = collect(options, Duration::from_secs(60)).await;
    assert_eq!(items.len(), 3, "{} items", items.len());
    let huge = items[1].as_ref().unwrap().to_value();
    assert_eq!(huge["data"].as_str().unwrap().len(), 200_000_000);
    assert!(items[2].as_ref().unwrap().is_result());
    assert_gone(&pid).await;
}

#[tokio::test]
async fn a_cli_that_hangs_after_init_is_stopped_by_the_stall_timeout() {
    let (_dir, pid) = pid_file();
    let started_at = Instant::now();
    let options = options(
        &pid,
        started(json!([{"ignore_sigterm": true}, {"hang": true}])),
    )
    .stall_timeout(Duration::from_millis(500));
    let items = collect(options, Duration::from_secs(20)).await;
    assert_eq!(items[0].as_ref().unwrap().subtype(), Some("init"));
    assert!(matches!(items[1], Err(Error::Stalled { .. })), "{items:?}");
    assert_eq!(items.len(), 2);
    assert!(started_at.elapsed() < Duration::from_secs(15));
    assert_gone(&pid).await;
}

#[tokio::test]
async fn a_cli_that_closes_stdout_and_lives_on_is_killed_with_a_clear_error() {
    let (_dir, pid) = pid_file();
    let started_at = Instant::now();
    let items = collect(
        options(
            &pid,
            started(json!([{"close_stdout": true}, {"hang": true}])),
        ),
        Duration::from_secs(20),
    )
    .await;
    assert_eq!(items[0].as_ref().unwrap().subtype(), Some("init"));
    match &items[1] {
        Err(Error::Connection(text)) => assert!(text.contains("closed its output"), "{text}"),
        other => panic!("unexpected {other:?}"),
    }
    assert!(started_at.elapsed() < Duration::from_secs(12));
    assert_gone(&pid).await;
}

/// A scenario that asks for permission, echoes our answer back as a message, then finishes.
fn permission_round_trip() -> Value {
    started(json!([
        {"emit": {"type": "control_request", "request_id": "r1", "request": {
            "subtype": "can_use_tool", "tool_name": "Bash", "input": {"command": "x"},
            "permission_suggestions": [], "tool_use_id": "t1"}}},
        {"echo_stdin": 1},
        {"emit": result_line()},
        {"wait_stdin_eof": true}
    ]))
}

/// The control response the fake echoed back, and the result after it.
async fn answer_to_permission(options: ClaudeAgentOptions) -> Value {
    let prompt = futures::stream::iter([json!({"type": "user", "session_id": "",
        "message": {"role": "user", "content": "hi"}, "parent_tool_use_id": null})]);
    let items: Vec<_> = tokio::time::timeout(
        Duration::from_secs(20),
        query_stream(prompt, options).collect::<Vec<_>>(),
    )
    .await
    .expect("ended in time");
    assert_eq!(items.len(), 3, "{items:?}");
    assert!(items[2].as_ref().unwrap().is_result(), "{items:?}");
    items[1].as_ref().unwrap().to_value()["data"]["response"].clone()
}

#[tokio::test]
async fn a_callback_error_becomes_an_error_answer_and_the_session_goes_on() {
    let (_dir, pid) = pid_file();
    let options = options(&pid, permission_round_trip()).can_use_tool(can_use_tool(
        |_tool, _input, _ctx| async {
            Err::<PermissionResult, _>("policy store unreachable".into())
        },
    ));
    let answer = answer_to_permission(options).await;
    assert_eq!(answer["subtype"], "error");
    assert!(answer["error"]
        .as_str()
        .unwrap()
        .contains("policy store unreachable"));
    assert_gone(&pid).await;
}

#[tokio::test]
async fn a_callback_panic_becomes_an_error_answer_and_the_session_goes_on() {
    let (_dir, pid) = pid_file();
    let options = options(&pid, permission_round_trip()).can_use_tool(can_use_tool(
        |_tool, _input, _ctx| async { panic!("bug in the callback") },
    ));
    let answer = answer_to_permission(options).await;
    assert_eq!(answer["subtype"], "error");
    assert!(answer["error"]
        .as_str()
        .unwrap()
        .contains("bug in the callback"));
    assert_gone(&pid).await;
}

#[tokio::test]
async fn a_hanging_callback_is_answered_at_the_callback_timeout_and_dropped() {
    let (_dir, pid) = pid_file();
    let dropped = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = dropped.clone();
    let options = options(&pid, permission_round_trip())
        .callback_timeout(Duration::from_millis(300))
        .can_use_tool(can_use_tool(move |_tool, _input, _ctx| {
            let guard = SetOnDrop(flag.clone());
            async move {
                let _guard = guard;
                std::future::pending::<()>().await;
                Ok(PermissionResult::allow())
            }
        }));
    let answer = answer_to_permission(options).await;
    assert_eq!(answer["subtype"], "error");
    assert!(
        answer["error"].as_str().unwrap().contains("timed out"),
        "{answer}"
    );
    assert!(dropped.load(std::sync::atomic::Ordering::SeqCst));
    assert_gone(&pid).await;
}

struct SetOnDrop(std::sync::Arc<std::sync::atomic::AtomicBool>);

impl Drop for SetOnDrop {
    fn drop(&mut self) {
        self.0.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Dropping the query at any point (starting, initialising, mid-turn, in a callback) stops
/// the CLI and reaps it.
#[tokio::test]
async fn cancellation_at_every_await_leaves_no_process() {
    for delay_ms in [0u64, 2, 10, 40, 120, 300, 600, 900] {
        let (_dir, pid) = pid_file();
        let steps = json!([
            {"sleep": 0.1},
            {"answer_initialize": {}},
            {"expect_stdin": {"type": "user"}},
            {"emit": init_line()},
            {"sleep": 0.2},
            {"emit": {"type": "control_request", "request_id": "r1", "request": {
                "subtype": "can_use_tool", "tool_name": "Bash", "input": {"command": "x"},
                "permission_suggestions": [], "tool_use_id": "t1"}}},
            {"hang": true}
        ]);
        let options = options(&pid, steps).can_use_tool(can_use_tool(|_t, _i, _c| async {
            std::future::pending::<()>().await;
            Ok(PermissionResult::allow())
        }));
        let prompt = futures::stream::iter([json!({"type": "user", "session_id": "",
            "message": {"role": "user", "content": "hi"}, "parent_tool_use_id": null})])
        .chain(futures::stream::pending());
        let run = query_stream(prompt, options).collect::<Vec<_>>();
        let _ = tokio::time::timeout(Duration::from_millis(delay_ms), run).await;
        if pid.exists() {
            assert_gone(&pid).await;
        } else {
            // Dropped before the CLI ever started: make sure it does not start later.
            tokio::time::sleep(Duration::from_millis(300)).await;
            if pid.exists() {
                assert_gone(&pid).await;
            }
        }
    }
}

#[tokio::test]
async fn an_executable_without_a_shebang_is_refused_not_run_by_sh() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("ran");
    let script = dir.path().join("claude");
    std::fs::write(&script, format!("touch {}\n", marker.display())).unwrap();
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let items = collect(
        ClaudeAgentOptions::new().cli_path(&script),
        Duration::from_secs(10),
    )
    .await;
    match &items[..] {
        [Err(error @ Error::Spawn { source, .. })] => {
            assert_eq!(source.kind(), std::io::ErrorKind::InvalidInput);
            assert!(error.to_string().contains("#!"), "{error}");
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(!marker.exists(), "the file was run by a shell");
}

#[test]
fn debug_output_hides_secrets() {
    use claude_wire::options::McpServerConfig;
    let options = ClaudeAgentOptions::new()
        .cli_path(fake_cli())
        .env_var("ANTHROPIC_API_KEY", "sk-ant-very-secret")
        .env_var("GITHUB_TOKEN", "ghp_secret2")
        .env_var("ANTHROPIC_BASE_URL", "http://127.0.0.1:1")
        .mcp_server(
            "remote",
            McpServerConfig::External(json!({"type": "http", "url": "https://x",
                "headers": {"Authorization": "Bearer secret3"}, "env": {"API_KEY": "secret4"}})),
        );
    let command = claude_wire::cli::build_command(&options).unwrap();
    let shown = format!("{command:?} {options:?}");
    for secret in ["sk-ant-very-secret", "ghp_secret2", "secret3", "secret4"] {
        assert!(!shown.contains(secret), "{secret} leaked: {shown}");
    }
    assert!(shown.contains("ANTHROPIC_API_KEY=<redacted>"));
    assert!(
        shown.contains("http://127.0.0.1:1"),
        "non-secret values stay visible"
    );
}

/// A one-shot query whose CLI reports work still running after the result, and never `idle`,
/// closes stdin at the run-end ceiling instead of waiting forever.
#[tokio::test]
async fn a_cli_that_never_goes_idle_does_not_hang_the_query() {
    let (_dir, pid) = pid_file();
    // As the real CLI: `running` when the turn starts, then the result, then no `idle`.
    let steps = started(json!([
        {"emit": {"type": "system", "subtype": "session_state_changed", "state": "running"}},
        {"emit": result_line()},
        {"wait_stdin_eof": true},
        {"exit": 0}
    ]));
    let options = options(&pid, steps)
        .env_var("CLAUDE_CODE_PRINT_BG_WAIT_CEILING_MS", "400")
        .can_use_tool(can_use_tool(|_, _, _| async {
            Ok(PermissionResult::allow())
        }));
    let started_at = Instant::now();
    let items = collect(options, Duration::from_secs(20)).await;
    assert!(items.iter().all(Result::is_ok), "{items:?}");
    assert!(items.last().unwrap().as_ref().unwrap().is_result());
    let took = started_at.elapsed();
    assert!(
        took >= Duration::from_millis(400),
        "stdin closed before the ceiling: {took:?}"
    );
    assert!(took < Duration::from_secs(10), "{took:?}");
    assert_gone(&pid).await;
}

/// A background agent the CLI still runs after the result keeps stdin open past the run-end
/// ceiling (it may still ask for permissions), until the CLI reports it finished.
#[tokio::test]
async fn a_tracked_background_agent_keeps_stdin_open_past_the_ceiling() {
    let (_dir, pid) = pid_file();
    let late = late_permission_request();
    let steps = started(json!([
        {"emit": {"type": "system", "subtype": "session_state_changed", "state": "running"}},
        {"emit": {"type": "system", "subtype": "task_started", "task_id": "a1", "task_type": "local_agent", "description": "d", "session_id": "s", "uuid": "u1"}},
        {"emit": result_line()},
        {"sleep": 1.0},
        // The agent, still running, asks for a permission: the answer needs stdin.
        late[0], late[1],
        {"emit": {"type": "system", "subtype": "task_notification", "task_id": "a1", "status": "completed", "output_file": "", "summary": "done", "session_id": "s", "uuid": "u2"}},
        {"wait_stdin_eof": true},
        {"exit": 0}
    ]));
    let options = options(&pid, steps)
        .env_var("CLAUDE_CODE_PRINT_BG_WAIT_CEILING_MS", "200")
        .can_use_tool(can_use_tool(|_, _, _| async {
            Ok(PermissionResult::allow())
        }));
    let started_at = Instant::now();
    let items = collect(options, Duration::from_secs(20)).await;
    let took = started_at.elapsed();
    assert!(items.iter().all(Result::is_ok), "{items:?}");
    assert!(
        late_request_answered(&items),
        "the agent's permission request got no answer: {items:?}"
    );
    assert!(took >= Duration::from_millis(1000), "{took:?}");
    assert!(took < Duration::from_secs(10), "{took:?}");
    assert_gone(&pid).await;
}

/// After the result, stdin must outlast whatever the CLI still does: a request it waits on
/// (`requires_action`) and a turn of its own (main-thread output) both stop the run-end ceiling,
/// as in both official SDKs, so a permission request 1 s later still gets its answer.
#[tokio::test]
async fn work_after_the_result_stops_the_run_end_ceiling() {
    let assistant = json!({"type": "assistant", "parent_tool_use_id": null, "session_id": "s",
        "message": {"model": "m", "role": "assistant", "content": [{"type": "text", "text": "more"}]}});
    for after_result in [
        json!({"type": "system", "subtype": "session_state_changed", "state": "requires_action"}),
        assistant,
    ] {
        let (_dir, pid) = pid_file();
        let late = late_permission_request();
        let steps = started(json!([
            {"emit": {"type": "system", "subtype": "session_state_changed", "state": "running"}},
            {"emit": result_line()},
            {"emit": after_result},
            {"sleep": 1.0},
            late[0], late[1],
            {"emit": result_line()},
            {"emit": {"type": "system", "subtype": "session_state_changed", "state": "idle"}},
            {"wait_stdin_eof": true},
            {"exit": 0}
        ]));
        let options = options(&pid, steps)
            .env_var("CLAUDE_CODE_PRINT_BG_WAIT_CEILING_MS", "200")
            .can_use_tool(can_use_tool(|_, _, _| async {
                Ok(PermissionResult::allow())
            }));
        let items = collect(options, Duration::from_secs(20)).await;
        assert!(items.iter().all(Result::is_ok), "{items:?}");
        assert!(
            late_request_answered(&items),
            "the late request got no answer: {items:?}"
        );
        assert_gone(&pid).await;
    }
}

/// A permission request the CLI sends after the turn, and the fake's echo of our answer.
fn late_permission_request() -> [Value; 2] {
    [
        json!({"emit": {"type": "control_request", "request_id": "r1", "request": {
            "subtype": "can_use_tool", "tool_name": "Bash", "input": {"command": "x"},
            "permission_suggestions": [], "tool_use_id": "t1"}}}),
        json!({"echo_stdin": {"count": 1, "system": true}}),
    ]
}

/// True when the fake echoed a success answer to the late request (stdin was still open).
fn late_request_answered(items: &[claude_wire::Result<Message>]) -> bool {
    items.iter().flatten().any(|m| {
        m.subtype() == Some("echo") && m.to_value()["data"]["response"]["subtype"] == "success"
    })
}

/// A consumer far behind a flood: the reader stops reading ahead (the CLI's writes wait), loses
/// nothing, and still reads on at once for the answer to a control request of ours.
#[tokio::test]
async fn the_reader_waits_for_a_slow_consumer_but_not_for_a_control_answer() {
    let (dir, pid) = pid_file();
    let flooded = dir.path().join("flooded");
    let count = 12_000;
    let text = "x".repeat(2_000);
    let assistant = json!({"type": "assistant", "session_id": "s",
        "message": {"model": "m", "role": "assistant", "content": [{"type": "text", "text": text}]}});
    let steps = started(json!([
        {"emit_many": {"count": count, "message": assistant}},
        {"write_pid_file": flooded.to_string_lossy()},
        {"answer_request": {}},
        {"emit": result_line()},
        {"wait_stdin_eof": true},
        {"exit": 0}
    ]));
    // A callback keeps stdin open for control requests after the prompt.
    let options = options(&pid, steps).can_use_tool(can_use_tool(|_, _, _| async {
        Ok(PermissionResult::allow())
    }));
    let mut query = query("hi", options);
    let control = query.handle().control().await.unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(
        !flooded.exists(),
        "24 MB were read ahead of a consumer that took nothing"
    );
    tokio::time::timeout(Duration::from_secs(20), control.interrupt())
        .await
        .expect("the control answer behind the backlog arrived")
        .unwrap();
    assert!(flooded.exists());
    let mut assistants = 0;
    while let Some(item) = query.next().await {
        let message = item.unwrap();
        assistants += usize::from(message.type_name() == "assistant");
        if message.is_result() {
            break;
        }
    }
    assert_eq!(assistants, count);
    drop(query);
    assert_gone(&pid).await;
}
