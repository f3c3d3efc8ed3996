//! SubprocessTransport against the scripted fake CLI (tests/fake_cli/fake_claude.py).

use claude_wire::transport::{
    CliCommand, FrameStream, SubprocessConfig, SubprocessTransport, Transport,
};
use claude_wire::Error;
use futures::StreamExt;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const FAKE_CLI: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../tests/fake_cli/fake_claude.py"
);

fn fake(steps: Value) -> CliCommand {
    let python = which::which("python3").expect("python3 on PATH");
    CliCommand {
        program: python,
        args: vec![FAKE_CLI.into()],
        env: vec![
            ("FAKE_CLI_SCENARIO".into(), steps.to_string().into()),
            ("PATH".into(), std::env::var_os("PATH").unwrap_or_default()),
        ],
        cwd: None,
        user: None,
    }
}

async fn start(steps: Value, config: SubprocessConfig) -> (SubprocessTransport, FrameStream) {
    let transport = SubprocessTransport::new(fake(steps), config);
    transport.connect().await.expect("connect");
    let frames = transport.read_frames().expect("frame stream");
    (transport, frames)
}

/// Collects the whole stream, failing the test if it does not end within `limit`.
async fn collect(frames: FrameStream, limit: Duration) -> Vec<claude_wire::Result<Value>> {
    tokio::time::timeout(limit, frames.collect::<Vec<_>>())
        .await
        .expect("stream ended in time")
}

fn proc_state(pid: u32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The state follows the parenthesised command name.
    stat.rsplit_once(')')?.1.trim_start().chars().next()
}

/// Waits until `pid` no longer exists (or, when `zombie_ok`, is a zombie). Returns whether it did.
async fn wait_gone(pid: u32, zombie_ok: bool, limit: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        match proc_state(pid) {
            None => return true,
            Some('Z') if zombie_ok => return true,
            _ => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
    false
}

async fn first_pid(frames: &mut FrameStream) -> u32 {
    let frame = tokio::time::timeout(Duration::from_secs(5), frames.next())
        .await
        .expect("pid frame in time");
    let frame = frame.expect("a frame").expect("valid frame");
    frame["pid"].as_u64().expect("pid field") as u32
}

#[tokio::test]
async fn missing_program_is_a_spawn_error() {
    let mut command = fake(json!([]));
    command.program = PathBuf::from("/nonexistent/claude-wire/claude");
    let transport = SubprocessTransport::new(command, SubprocessConfig::default());
    let frames = transport.read_frames().expect("stream");
    match transport.connect().await {
        Err(Error::Spawn { path, source }) => {
            assert_eq!(path, PathBuf::from("/nonexistent/claude-wire/claude"));
            assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
        }
        other => panic!("expected Spawn error, got {other:?}"),
    }
    // The stream of a transport that never started ends at once.
    assert!(collect(frames, Duration::from_secs(1)).await.is_empty());
    assert!(!transport.is_ready());
    assert!(matches!(
        transport.write(b"{}\n").await,
        Err(Error::Connection(_))
    ));
}

#[tokio::test]
async fn unknown_user_is_a_spawn_error() {
    let mut command = fake(json!([]));
    command.user = Some("no-such-user-claude-wire".into());
    let transport = SubprocessTransport::new(command, SubprocessConfig::default());
    match transport.connect().await {
        Err(Error::Spawn { source, .. }) => assert_eq!(source.kind(), std::io::ErrorKind::NotFound),
        other => panic!("expected Spawn error, got {other:?}"),
    }
}

#[tokio::test]
async fn numeric_user_of_ourselves_runs() {
    let mut command = fake(json!([{"emit": {"type": "ok"}}]));
    // SAFETY: getuid has no preconditions.
    command.user = Some(unsafe { libc::getuid() }.to_string());
    let transport = SubprocessTransport::new(command, SubprocessConfig::default());
    transport.connect().await.expect("connect");
    let items = collect(transport.read_frames().unwrap(), Duration::from_secs(5)).await;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].as_ref().unwrap()["type"], "ok");
}

#[tokio::test]
async fn immediate_exit_code_3_ends_with_process_error_and_stderr() {
    let steps = json!([{"stderr": "fatal: no credentials"}, {"exit": 3}]);
    let (_transport, frames) = start(steps, SubprocessConfig::default()).await;
    let items = collect(frames, Duration::from_secs(5)).await;
    assert_eq!(items.len(), 1);
    match &items[0] {
        Err(Error::Process {
            exit_code,
            signal,
            stderr,
        }) => {
            assert_eq!(*exit_code, Some(3));
            assert_eq!(*signal, None);
            assert_eq!(stderr, "fatal: no credentials");
        }
        other => panic!("expected Process error, got {other:?}"),
    }
}

#[tokio::test]
async fn crash_mid_stream_gives_frames_then_signal() {
    let steps = json!([{"emit_many": {"count": 3, "message": {"type": "assistant"}}}, {"crash": "SIGKILL"}]);
    let (_transport, frames) = start(steps, SubprocessConfig::default()).await;
    let items = collect(frames, Duration::from_secs(5)).await;
    assert_eq!(items.len(), 4);
    for (i, item) in items[..3].iter().enumerate() {
        assert_eq!(item.as_ref().unwrap()["seq"], i);
    }
    assert!(
        matches!(
            items[3],
            Err(Error::Process {
                exit_code: None,
                signal: Some(9),
                ..
            })
        ),
        "{:?}",
        items[3]
    );
}

#[tokio::test]
async fn clean_exit_ends_the_stream_without_error() {
    let (_transport, frames) = start(
        json!([{"emit": {"type": "result"}}]),
        SubprocessConfig::default(),
    )
    .await;
    let items = collect(frames, Duration::from_secs(5)).await;
    assert_eq!(items.len(), 1);
    assert!(items[0].is_ok());
}

#[tokio::test]
async fn garbage_lines_between_good_lines() {
    let steps = json!([
        {"emit": {"n": 1}},
        {"emit_raw": "Debugger listening on ws://x\n{\"broken\": tru\n\n"},
        {"emit": {"n": 2}},
        {"emit_raw": "{\"n\":3}\r\n{not json}\n"},
        {"emit": {"n": 4}},
        {"emit_raw": "{\"n\":5}"}
    ]);
    let (_transport, frames) = start(steps, SubprocessConfig::default()).await;
    let items = collect(frames, Duration::from_secs(5)).await;
    let kinds: Vec<String> = items
        .iter()
        .map(|i| match i {
            Ok(v) => format!("n{}", v["n"]),
            Err(Error::JsonDecode { .. }) => "bad".into(),
            Err(e) => format!("other {e}"),
        })
        .collect();
    assert_eq!(kinds, ["n1", "bad", "n2", "n3", "bad", "n4", "n5"]);
}

#[tokio::test]
async fn over_long_line_is_skipped_and_later_lines_arrive() {
    let steps = json!([
        {"emit": {"n": 1}},
        {"emit_huge": {"bytes": 3 * 1024 * 1024}},
        {"emit": {"n": 2}}
    ]);
    let config = SubprocessConfig::default().with_max_line_size(1024 * 1024);
    let (_transport, frames) = start(steps, config).await;
    let items = collect(frames, Duration::from_secs(10)).await;
    assert_eq!(items.len(), 3);
    assert_eq!(items[0].as_ref().unwrap()["n"], 1);
    match &items[1] {
        Err(Error::LineTooLong {
            len,
            limit,
            request_id: None,
        }) => {
            assert_eq!(*limit, 1024 * 1024);
            assert_eq!(*len, 3 * 1024 * 1024 + r#"{"type":"huge","data":""}"#.len());
        }
        other => panic!("expected LineTooLong, got {other:?}"),
    }
    assert_eq!(items[2].as_ref().unwrap()["n"], 2);
}

#[tokio::test]
async fn hundred_megabyte_line_under_raised_limit() {
    const SIZE: usize = 100 * 1024 * 1024;
    let steps = json!([{"emit_huge": {"bytes": SIZE}}, {"emit": {"n": "after"}}]);
    let config = SubprocessConfig::default().with_max_line_size(128 * 1024 * 1024);
    let (_transport, frames) = start(steps, config).await;
    let items = collect(frames, Duration::from_secs(30)).await;
    assert_eq!(items.len(), 2);
    let big = items[0].as_ref().expect("huge frame parses");
    assert_eq!(big["data"].as_str().map(str::len), Some(SIZE));
    assert_eq!(items[1].as_ref().unwrap()["n"], "after");
}

#[tokio::test]
async fn echo_round_trip_and_end_input() {
    let steps = json!([{"expect_stdin": {"type": "user"}}, {"emit": {"type": "got_user"}}, {"echo_stdin": null}]);
    let (transport, mut frames) = start(steps, SubprocessConfig::default()).await;
    assert!(transport.is_ready());
    transport
        .write(br#"{"type":"user","message":{"role":"user","content":"hi"}}"#)
        .await
        .unwrap();
    assert_eq!(frames.next().await.unwrap().unwrap()["type"], "got_user");
    transport.write(b"{\"k\":1}\n").await.unwrap();
    transport.write(b"{\"k\":2}\n").await.unwrap();
    assert_eq!(
        frames.next().await.unwrap().unwrap(),
        json!({"type": "echo", "data": {"k": 1}})
    );
    assert_eq!(
        frames.next().await.unwrap().unwrap(),
        json!({"type": "echo", "data": {"k": 2}})
    );
    transport.end_input().await.unwrap();
    assert!(!transport.is_ready());
    assert!(matches!(
        transport.write(b"{}\n").await,
        Err(Error::Connection(_))
    ));
    // stdin EOF ends the echo loop; the fake exits 0 and the stream ends cleanly.
    assert!(collect(frames, Duration::from_secs(5)).await.is_empty());
}

#[tokio::test]
async fn read_frames_is_taken_once_and_connect_once() {
    let (transport, _frames) = start(json!([]), SubprocessConfig::default()).await;
    assert!(transport.read_frames().is_none());
    assert!(matches!(
        transport.connect().await,
        Err(Error::Connection(_))
    ));
}

#[tokio::test]
async fn write_after_exit_fails_fast() {
    let (transport, frames) = start(json!([{"exit": 0}]), SubprocessConfig::default()).await;
    collect(frames, Duration::from_secs(5)).await;
    let started = Instant::now();
    let result = transport.write(b"{\"type\":\"user\"}\n").await;
    assert!(matches!(result, Err(Error::Connection(_))), "{result:?}");
    assert!(started.elapsed() < Duration::from_secs(1));
    assert!(!transport.is_ready());
}

#[tokio::test]
async fn blocked_write_fails_when_the_cli_exits() {
    // The fake never reads stdin; a write bigger than the pipe buffer blocks until it exits.
    let (transport, _frames) = start(
        json!([{"sleep": 0.3}, {"exit": 0}]),
        SubprocessConfig::default(),
    )
    .await;
    let mut frame = vec![b' '; 4 * 1024 * 1024];
    frame.push(b'\n');
    let started = Instant::now();
    let result = tokio::time::timeout(Duration::from_secs(5), transport.write(&frame))
        .await
        .expect("write returned");
    assert!(matches!(result, Err(Error::Connection(_))), "{result:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(matches!(
        transport.write(b"{}\n").await,
        Err(Error::Connection(_))
    ));
}

#[tokio::test]
async fn close_kills_a_cli_that_ignores_sigterm() {
    let steps = json!([{"ignore_sigterm": true}, {"emit_pid": null}, {"hang": true}]);
    let config = SubprocessConfig::default()
        .with_graces(Duration::from_millis(200), Duration::from_millis(300));
    let (transport, mut frames) = start(steps, config).await;
    let pid = first_pid(&mut frames).await;
    let started = Instant::now();
    tokio::time::timeout(Duration::from_secs(3), transport.close())
        .await
        .expect("close in time")
        .unwrap();
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(500),
        "waited both graces, took {took:?}"
    );
    assert!(took < Duration::from_secs(2), "took {took:?}");
    assert!(
        wait_gone(pid, false, Duration::from_secs(2)).await,
        "child {pid} still there"
    );
    // Our own close is not a failure: the stream just ends.
    assert!(collect(frames, Duration::from_secs(2)).await.is_empty());
    // Idempotent.
    transport.close().await.unwrap();
    assert!(!transport.is_ready());
}

#[tokio::test]
async fn close_lets_a_cli_exit_on_stdin_eof() {
    let steps = json!([{"emit_pid": null}, {"wait_stdin_eof": true}, {"emit": {"type": "bye"}}, {"exit": 5}]);
    let (transport, mut frames) = start(steps, SubprocessConfig::default()).await;
    let pid = first_pid(&mut frames).await;
    let started = Instant::now();
    transport.close().await.unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "no signal needed"
    );
    assert!(wait_gone(pid, false, Duration::from_secs(1)).await);
    let items = collect(frames, Duration::from_secs(2)).await;
    // The frame written after EOF still arrives; the non-zero exit during close is not an error.
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].as_ref().unwrap()["type"], "bye");
}

#[tokio::test]
async fn stderr_callback_gets_lines_and_tail_is_bounded() {
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = seen.clone();
    let config = SubprocessConfig::default()
        .with_stderr(Arc::new(move |line: &str| {
            sink.lock().unwrap().push(line.to_owned())
        }))
        .with_stderr_tail_bytes(100);
    let steps = json!([{"stderr_many": {"count": 1000, "text": "warn"}}, {"exit": 2}]);
    let (_transport, frames) = start(steps, config).await;
    let items = collect(frames, Duration::from_secs(5)).await;
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1000);
    assert_eq!(seen[0], "warn 0");
    assert_eq!(seen[999], "warn 999");
    match &items[..] {
        [Err(Error::Process {
            exit_code: Some(2),
            stderr,
            ..
        })] => {
            assert!(stderr.len() <= 100, "tail has {} bytes", stderr.len());
            assert!(stderr.ends_with("warn 998\nwarn 999"), "{stderr:?}");
        }
        other => panic!("expected one Process error, got {other:?}"),
    }
}

#[tokio::test]
async fn panicking_stderr_callback_does_not_stop_the_drain() {
    let count = Arc::new(Mutex::new(0usize));
    let counter = count.clone();
    let config = SubprocessConfig::default().with_stderr(Arc::new(move |_line: &str| {
        *counter.lock().unwrap() += 1;
        panic!("user callback failed");
    }));
    // 200 KiB of stderr: more than a pipe holds, so a dead drain would block the fake.
    let steps = json!([{"stderr_many": {"count": 1000, "text": "noise ".repeat(33)}}, {"emit": {"done": true}}]);
    let (_transport, frames) = start(steps, config).await;
    let items = collect(frames, Duration::from_secs(10)).await;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].as_ref().unwrap()["done"], true);
    assert_eq!(*count.lock().unwrap(), 1000);
}

#[tokio::test]
async fn dropping_transport_and_stream_leaves_no_process() {
    let steps = json!([{"emit_pid": null}, {"emit_many": {"count": 100000}}, {"hang": true}]);
    let (transport, mut frames) = start(steps, SubprocessConfig::default()).await;
    let pid = first_pid(&mut frames).await;
    assert!(proc_state(pid).is_some());
    drop(frames);
    drop(transport);
    assert!(
        wait_gone(pid, false, Duration::from_secs(2)).await,
        "child {pid} still there: {:?}",
        proc_state(pid)
    );
}

#[tokio::test]
async fn dropping_transport_ends_the_stream() {
    let steps = json!([{"emit_pid": null}, {"hang": true}]);
    let (transport, mut frames) = start(steps, SubprocessConfig::default()).await;
    let pid = first_pid(&mut frames).await;
    drop(transport);
    // Killed by us: no error item, just the end.
    assert!(collect(frames, Duration::from_secs(2)).await.is_empty());
    assert!(wait_gone(pid, false, Duration::from_secs(2)).await);
}

#[tokio::test]
async fn dropping_only_the_stream_does_not_block_the_cli() {
    // The fake writes far more than the pipe holds after the stream is gone, then exits.
    let steps = json!([{"emit_pid": null}, {"emit_many": {"count": 50000, "message": {"pad": "x"}}}, {"exit": 0}]);
    let (transport, mut frames) = start(steps, SubprocessConfig::default()).await;
    let pid = first_pid(&mut frames).await;
    drop(frames);
    assert!(
        wait_gone(pid, false, Duration::from_secs(5)).await,
        "the CLI blocked on a full stdout pipe"
    );
    drop(transport);
}

#[tokio::test]
async fn descendants_holding_stdout_do_not_keep_the_stream_open() {
    let steps = json!([{"spawn_grandchild": 3}, {"emit": {"n": 1}}, {"exit": 0}]);
    let (_transport, frames) = start(steps, SubprocessConfig::default()).await;
    let started = Instant::now();
    let items = collect(frames, Duration::from_secs(3)).await;
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].as_ref().unwrap()["type"], "grandchild");
    assert_eq!(items[1].as_ref().unwrap()["n"], 1);
}

#[tokio::test]
async fn close_kills_leftover_descendants() {
    let steps = json!([{"spawn_grandchild": 30}, {"wait_stdin_eof": true}, {"exit": 0}]);
    let (transport, mut frames) = start(steps, SubprocessConfig::default()).await;
    let grandchild = first_pid(&mut frames).await;
    assert!(proc_state(grandchild).is_some());
    transport.close().await.unwrap();
    // Orphaned by the fake, the grandchild's reaper is not us: a zombie is dead enough.
    let died = wait_gone(grandchild, true, Duration::from_secs(2)).await;
    if !died {
        // SAFETY: plain syscall.
        unsafe { libc::kill(grandchild as libc::pid_t, libc::SIGKILL) };
    }
    assert!(died, "grandchild {grandchild} survived close");
}

const HELPER_ENV: &str = "CLAUDE_WIRE_PDEATHSIG_PIDFILE";

/// Not a test on its own: the body of the process that `child_dies_with_its_parent` kills.
#[tokio::test]
#[ignore = "helper process for child_dies_with_its_parent"]
async fn pdeathsig_helper() {
    let Some(pid_file) = std::env::var_os(HELPER_ENV) else {
        return;
    };
    let path = pid_file.to_string_lossy().into_owned();
    let grandchild_file = format!("{path}.grandchild");
    let (transport, _frames) = start(
        json!([
            {"spawn_grandchild": {"seconds": 30, "pid_file": grandchild_file}},
            {"write_pid_file": path},
            {"hang": true}
        ]),
        SubprocessConfig::default(),
    )
    .await;
    tokio::time::sleep(Duration::from_secs(30)).await;
    drop(transport);
}

#[tokio::test]
async fn child_dies_with_its_parent() {
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("fake.pid");
    let mut helper = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "pdeathsig_helper",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(HELPER_ENV, &pid_file)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let pid = loop {
        if let Ok(text) = std::fs::read_to_string(&pid_file) {
            break text.trim().parse::<u32>().unwrap();
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "helper never started the fake CLI"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let grandchild: u32 = std::fs::read_to_string(dir.path().join("fake.pid.grandchild"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(proc_state(pid).is_some());
    assert!(proc_state(grandchild).is_some());
    helper.kill().unwrap();
    helper.wait().unwrap();
    // Orphaned, the CLI gets SIGKILL from the kernel (PDEATHSIG) and what it started from the
    // watchdog (its process group). A slow new parent may leave zombies: dead enough.
    for (what, pid) in [("CLI", pid), ("CLI's child", grandchild)] {
        let died = wait_gone(pid, true, Duration::from_secs(3)).await;
        if !died {
            // Do not leave the orphan behind when the test fails.
            // SAFETY: plain syscall.
            unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
        }
        assert!(died, "{what} {pid} survived its parent");
    }
}

/// Counts the wake-ups of the task that polls.
struct CountingWaker(std::sync::atomic::AtomicUsize);

impl std::task::Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// The reader runs inside whoever polls the stream: handing itself a batch must not wake
/// that same task (tokio would pass the wake to another worker thread: a futex wake-up and a
/// context switch at every read of stdout, a fifth of a callback round trip's CPU time).
#[tokio::test]
async fn a_poll_that_reads_a_batch_does_not_wake_itself() {
    let command = CliCommand {
        program: "/bin/sh".into(),
        args: vec![
            "-c".into(),
            r#"printf '{"n":1}\n'; sleep 0.3; printf '{"n":2}\n'; sleep 5"#.into(),
        ],
        env: vec![],
        cwd: None,
        user: None,
    };
    let config =
        SubprocessConfig::default().with_graces(Duration::from_millis(50), Duration::from_secs(2));
    let transport = SubprocessTransport::new(command, config);
    transport.connect().await.expect("connect");
    let mut lines = transport.read_lines().expect("line stream");
    let counter = Arc::new(CountingWaker(Default::default()));
    let waker = std::task::Waker::from(counter.clone());
    let mut cx = std::task::Context::from_waker(&waker);
    for expected in [b"{\"n\":1}", b"{\"n\":2}"] {
        let line = loop {
            // Data in the pipe before the poll: the poll that reads it returns it.
            tokio::time::sleep(Duration::from_millis(50)).await;
            let before = counter.0.load(std::sync::atomic::Ordering::SeqCst);
            match lines.poll_next_unpin(&mut cx) {
                std::task::Poll::Ready(Some(batch)) => {
                    let woken = counter.0.load(std::sync::atomic::Ordering::SeqCst) - before;
                    assert_eq!(woken, 0, "the poll woke its own task {woken} time(s)");
                    break batch;
                }
                std::task::Poll::Ready(None) => panic!("the stream ended early"),
                std::task::Poll::Pending => {}
            }
        };
        let line = line
            .into_iter()
            .next()
            .expect("one line")
            .expect("no error");
        assert_eq!(&line[..], &expected[..]);
    }
    transport.close().await.expect("close");
}
