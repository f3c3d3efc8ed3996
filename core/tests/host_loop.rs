//! A host event loop that watches the CLI's stdout (`HostLoop`, as the Python binding's asyncio
//! loop does): output is read and callbacks run on the host's thread; whenever the host does
//! not watch (before it attaches, a host that never does, a reader held back by a full inbox)
//! tokio's reactor reads, and nothing is lost. The host here is a thread running `poll(2)`.

use claude_wire::message::SystemBody;
use claude_wire::permission::{can_use_tool, PermissionResult};
use claude_wire::transport::{HostLoop, StdoutWatch};
use claude_wire::{query, ClaudeAgentOptions, Message};
use futures::StreamExt;
use serde_json::{json, Value};
use std::os::fd::{AsRawFd, OwnedFd};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn fake_cli() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fake_cli/fake_claude.py")
}

enum Command {
    Watch(StdoutWatch),
    Unwatch(StdoutWatch),
}

/// What the host saw.
#[derive(Default)]
struct Seen {
    /// Pipes the host started watching.
    attached: AtomicUsize,
    /// `readable` answered "stop watching".
    stopped: AtomicUsize,
    /// Pipes watched now.
    watching: AtomicUsize,
}

/// A host loop on a thread of its own, named `host`.
struct ThreadHost {
    commands: Mutex<mpsc::Sender<Command>>,
    seen: Arc<Seen>,
    done: Arc<AtomicBool>,
    behaviour: Behaviour,
}

/// How the host thread behaves.
#[derive(Clone, Copy, PartialEq)]
enum Behaviour {
    Watches,
    /// Is asked but never watches.
    Deaf,
    /// Attaches once, then neither reads nor answers any more: a loop that stopped.
    Stops,
}

impl ThreadHost {
    fn start(behaviour: Behaviour) -> Arc<ThreadHost> {
        let (tx, rx) = mpsc::channel::<Command>();
        let seen = Arc::new(Seen::default());
        let done = Arc::new(AtomicBool::new(false));
        let (thread_seen, thread_done) = (seen.clone(), done.clone());
        std::thread::Builder::new()
            .name("host".into())
            .spawn(move || run_host(rx, &thread_seen, &thread_done, behaviour))
            .unwrap();
        Arc::new(ThreadHost {
            commands: Mutex::new(tx),
            seen,
            done,
            behaviour,
        })
    }
}

impl ThreadHost {
    /// Waits until the host watches no pipe (the reader is gone, its duplicate closed).
    async fn stopped_watching(&self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.seen.watching.load(Ordering::SeqCst) != 0 {
            assert!(Instant::now() < deadline, "the host still watches a pipe");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

impl Drop for ThreadHost {
    fn drop(&mut self) {
        self.done.store(true, Ordering::SeqCst);
    }
}

fn run_host(rx: mpsc::Receiver<Command>, seen: &Seen, done: &AtomicBool, behaviour: Behaviour) {
    let mut watched: Vec<(StdoutWatch, OwnedFd)> = Vec::new();
    while !done.load(Ordering::SeqCst) {
        if behaviour == Behaviour::Stops && seen.attached.load(Ordering::SeqCst) > 0 {
            // Stopped: the watch stays registered, nobody services it.
            std::thread::sleep(Duration::from_millis(5));
            continue;
        }
        while let Ok(command) = rx.try_recv() {
            match command {
                Command::Watch(watch) => {
                    if watched.iter().any(|(w, _)| w.same(&watch)) {
                        watch.attached();
                        continue;
                    }
                    if let Ok(Some(fd)) = watch.duplicate_fd() {
                        watched.push((watch.clone(), fd));
                        seen.attached.fetch_add(1, Ordering::SeqCst);
                        watch.attached();
                    }
                }
                Command::Unwatch(watch) => watched.retain(|(w, _)| !w.same(&watch)),
            }
        }
        seen.watching.store(watched.len(), Ordering::SeqCst);
        let mut fds: Vec<libc::pollfd> = watched
            .iter()
            .map(|(_, fd)| libc::pollfd {
                fd: fd.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            })
            .collect();
        // SAFETY: `fds` is a valid array of pollfd of that length.
        let ready = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, 2) };
        if ready <= 0 {
            continue;
        }
        let mut stop = Vec::new();
        for (i, pollfd) in fds.iter().enumerate() {
            if pollfd.revents != 0 && !watched[i].0.readable() {
                stop.push(i);
            }
        }
        for i in stop.into_iter().rev() {
            seen.stopped.fetch_add(1, Ordering::SeqCst);
            watched.remove(i);
        }
    }
}

impl HostLoop for ThreadHost {
    fn watch(&self, watch: StdoutWatch) {
        if self.behaviour != Behaviour::Deaf {
            let _ = self.commands.lock().unwrap().send(Command::Watch(watch));
        }
    }

    fn unwatch(&self, watch: &StdoutWatch) {
        let _ = self
            .commands
            .lock()
            .unwrap()
            .send(Command::Unwatch(watch.clone()));
    }
}

fn scenario(name: &str, steps: Value) -> ClaudeAgentOptions {
    let path = std::env::temp_dir().join(format!(
        "claude-wire-host-loop-{name}-{}.json",
        std::process::id()
    ));
    std::fs::write(&path, steps.to_string()).unwrap();
    ClaudeAgentOptions::new()
        .cli_path(fake_cli())
        .env_var("FAKE_CLI_SCENARIO_FILE", path.to_string_lossy())
}

fn start() -> Vec<Value> {
    vec![
        json!({"answer_initialize": {}}),
        json!({"expect_stdin": {"type": "user"}}),
        json!({"emit": {"type": "system", "subtype": "init", "session_id": "s"}}),
    ]
}

fn result_line() -> Value {
    json!({"type": "result", "subtype": "success", "is_error": false, "duration_ms": 1,
           "duration_api_ms": 1, "num_turns": 1, "session_id": "s", "result": "done"})
}

/// A scenario of `n` permission requests, each answered before the next.
fn permissions(n: usize) -> Value {
    let mut steps = start();
    // Time for the host to attach: every request below is read by it.
    steps.push(json!({"sleep": 0.3}));
    for i in 0..n {
        steps.push(
            json!({"emit": {"type": "control_request", "request_id": format!("r{i}"),
            "request": {"subtype": "can_use_tool", "tool_name": "Bash", "input": {"i": i}}}}),
        );
        steps.push(json!({"expect_stdin": {"type": "control_response"}}));
    }
    steps.push(json!({"emit": result_line()}));
    steps.push(json!({"wait_stdin_eof": null}));
    Value::Array(steps)
}

/// Runs `n` permission round trips; the names of the threads the callback ran on.
async fn round_trips(host: Arc<ThreadHost>, name: &str, n: usize) -> Vec<String> {
    let threads = Arc::new(Mutex::new(Vec::new()));
    let seen = threads.clone();
    let mut options = scenario(name, permissions(n)).can_use_tool(can_use_tool(
        move |_tool: String, _input: Value, _ctx| {
            let seen = seen.clone();
            async move {
                let name = std::thread::current().name().unwrap_or("?").to_owned();
                seen.lock().unwrap().push(name);
                Ok(PermissionResult::allow())
            }
        },
    ));
    options.host_loop = Some(host);
    let messages: Vec<_> = tokio::time::timeout(
        Duration::from_secs(20),
        query("hi", options).collect::<Vec<_>>(),
    )
    .await
    .expect("the query ended in time");
    assert!(
        matches!(messages.last(), Some(Ok(Message::Result(_)))),
        "{messages:?}"
    );
    let threads = threads.lock().unwrap().clone();
    threads
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_host_reads_and_the_callbacks_run_on_its_thread() {
    let host = ThreadHost::start(Behaviour::Watches);
    let threads = round_trips(host.clone(), "host", 50).await;
    assert_eq!(threads.len(), 50);
    assert!(threads.iter().all(|t| t == "host"), "{threads:?}");
    assert!(host.seen.attached.load(Ordering::SeqCst) >= 1);
    host.stopped_watching().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_that_never_watches_leaves_the_reading_to_the_runtime() {
    let host = ThreadHost::start(Behaviour::Deaf);
    let threads = round_trips(host.clone(), "deaf", 20).await;
    assert_eq!(threads.len(), 20);
    assert!(threads.iter().all(|t| t != "host"), "{threads:?}");
    assert_eq!(host.seen.attached.load(Ordering::SeqCst), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_held_back_stops_the_host_and_asks_again_losing_nothing() {
    let host = ThreadHost::start(Behaviour::Watches);
    let mut steps = start();
    steps.push(json!({"sleep": 0.3}));
    // ~24 MiB: more than the inbox holds before the reader waits for the consumer.
    steps.push(json!({"emit_many": {"count": 12_000, "message":
        {"type": "system", "subtype": "filler", "text": "x".repeat(2000)}}}));
    steps.push(json!({"emit": result_line()}));
    steps.push(json!({"wait_stdin_eof": null}));
    let mut options = scenario("flood", Value::Array(steps));
    options.host_loop = Some(host.clone());
    let mut messages = query("hi", options);
    let first = messages.next().await;
    assert!(matches!(first, Some(Ok(Message::System(_)))), "{first:?}");
    // Let the inbox fill and the reader stop reading.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let mut seqs = Vec::new();
    let mut ended = false;
    while let Some(message) = tokio::time::timeout(Duration::from_secs(20), messages.next())
        .await
        .expect("messages in time")
    {
        match message.expect("no error") {
            Message::System(system) if system.subtype == "filler" => match system.body {
                SystemBody::Other(fields) => seqs.push(fields["seq"].as_u64().unwrap()),
                other => panic!("{other:?}"),
            },
            Message::Result(_) => ended = true,
            _ => {}
        }
    }
    assert!(ended);
    assert_eq!(seqs, (0..12_000).collect::<Vec<u64>>());
    assert!(host.seen.stopped.load(Ordering::SeqCst) >= 1);
    assert!(host.seen.attached.load(Ordering::SeqCst) >= 2);
    host.stopped_watching().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_that_stops_without_saying_so_loses_the_pipe_to_the_runtime() {
    let host = ThreadHost::start(Behaviour::Stops);
    let started = Instant::now();
    let threads = round_trips(host.clone(), "stops", 5).await;
    assert_eq!(threads.len(), 5);
    assert!(threads.iter().all(|t| t != "host"), "{threads:?}");
    assert_eq!(host.seen.attached.load(Ordering::SeqCst), 1);
    // One check of the pipe noticed it: the host's silence cost at most two periods.
    assert!(
        started.elapsed()
            < Duration::from_millis(300)
                + 2 * claude_wire::transport::HOST_CHECK
                + Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}
