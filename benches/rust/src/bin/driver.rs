//! The claude-wire Rust driver: one scenario per process, one JSON line of figures.
//!
//!   driver <flood|permission|hook|bigline|concurrent|realcli> <cli> [n]
//!
//! The fake CLI's mode comes from `BENCH_FAKE_MODE` (set by benches/run.py); `realcli` runs the
//! real CLI with the scripted model server's environment, inherited from this process.

use claude_wire::hooks::{hook, HookMatcher, HookOutput};
use claude_wire::message::ContentBlock;
use claude_wire::permission::{can_use_tool, PermissionResult};
use claude_wire::{query, ClaudeAgentOptions, Message};
use claude_wire_bench_tools::{cpu_seconds, peak_rss_mb, quantile};
use futures::StreamExt;
use serde_json::{json, Value};
use std::time::Instant;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (scenario, cli) = (args[0].clone(), args[1].clone());
    let n: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(0);
    let options = || ClaudeAgentOptions::new().cli_path(&cli);

    let figures = match scenario.as_str() {
        "flood" => {
            let cpu0 = cpu_seconds();
            let start = Instant::now();
            let run = drain(query("go", options())).await;
            let seconds = start.elapsed().as_secs_f64();
            assert_eq!(run.assistants, n, "assistant messages");
            json!({"count": run.assistants, "msgs_per_s": n as f64 / seconds,
                   "cpu_s": cpu_seconds() - cpu0, "peak_rss_mb": peak_rss_mb()})
        }
        "permission" => {
            let allow = can_use_tool(|_tool, _input, _ctx| async { Ok(PermissionResult::allow()) });
            round_trips(drain(query("go", options().can_use_tool(allow))).await)
        }
        "hook" => {
            let noop = hook(|_input, _id, _ctx| async { Ok(HookOutput::default()) });
            let mut opts = options();
            opts.hooks = vec![("PreToolUse".into(), vec![HookMatcher::new(None).hook(noop)])];
            round_trips(drain(query("go", opts)).await)
        }
        "bigline" => {
            let run = drain(query("go", options())).await;
            json!({"ok": run.error.is_none() && run.biggest >= n << 20, "error": run.error,
                   "line_mb": run.biggest as f64 / (1 << 20) as f64, "peak_rss_mb": peak_rss_mb()})
        }
        "concurrent" => {
            // One session first, so that one-time set-up is not counted per session.
            drain(query("go", options())).await;
            let base_kb = proc_status_kb("VmRSS");
            let start = Instant::now();
            let sessions = (0..n).map(|_| tokio::spawn(drain(query("go", options()))));
            let runs = futures::future::join_all(sessions).await;
            let seconds = start.elapsed().as_secs_f64();
            assert!(runs
                .iter()
                .all(|r| r.as_ref().is_ok_and(|r| r.result.is_some())));
            let grown = proc_status_kb("VmHWM") - base_kb;
            json!({"sessions": n, "seconds": seconds, "rss_per_session_kb": grown / n as f64})
        }
        "realcli" => {
            let opts = options().model("test-model").max_turns(1);
            let start = Instant::now();
            let run = drain(query("go", opts)).await;
            let end_ms = start.elapsed().as_secs_f64() * 1e3;
            let ms = |at: Option<Instant>| at.map(|t| (t - start).as_secs_f64() * 1e3);
            json!({"first_ms": ms(run.first), "result_ms": ms(run.result_at), "end_ms": end_ms,
                   "error": run.error})
        }
        other => panic!("unknown scenario {other}"),
    };
    println!("{figures}");
}

#[derive(Default)]
struct Run {
    assistants: usize,
    biggest: usize,
    first: Option<Instant>,
    result_at: Option<Instant>,
    result: Option<(bool, Option<String>)>,
    error: Option<String>,
}

async fn drain(mut messages: claude_wire::Query) -> Run {
    let mut run = Run::default();
    while let Some(message) = messages.next().await {
        run.first.get_or_insert_with(Instant::now);
        match message {
            Ok(Message::Assistant(reply)) => {
                run.assistants += 1;
                let size = reply.content().iter().filter_map(ContentBlock::as_text);
                run.biggest = run.biggest.max(size.map(str::len).sum());
            }
            Ok(Message::Result(result)) => {
                run.result_at = Some(Instant::now());
                run.result = Some((result.is_error, result.result));
            }
            Ok(_) => {}
            Err(error) => {
                run.error = Some(error.to_string().chars().take(200).collect());
                break;
            }
        }
    }
    run
}

fn round_trips(run: Run) -> Value {
    let (is_error, text) = run.result.expect("a result");
    let text = text.unwrap_or_default();
    assert!(!is_error, "{text}");
    let mut times: Vec<f64> = serde_json::from_str(&text).expect("a list of round trips");
    json!({"n": times.len(), "p50_us": quantile(&mut times, 0.5), "p99_us": quantile(&mut times, 0.99)})
}

/// A `kB` line of /proc/self/status (`VmRSS`, `VmHWM`).
fn proc_status_kb(key: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let line = status.lines().find(|l| l.starts_with(key)).unwrap_or("");
    let value = line.split_whitespace().nth(1).unwrap_or("0");
    value.parse().unwrap_or(0.0)
}
