//! The floor: the least a reader of the CLI's output must do, with no SDK. Spawns the CLI,
//! writes `initialize` and one user message, reads stdout lines with a big `BufReader`, parses
//! each into a `serde_json::Value` (default features: no `preserve_order`), answers control
//! requests with a minimal success, and prints the same JSON figures as the drivers.
//!
//!   floor <flood|permission|hook|bigline|realcli> <cli> [n]
//!
//! The fake CLI's mode comes from `BENCH_FAKE_MODE` in the environment (set by the runner);
//! `realcli` runs the real CLI with the environment it is given (the scripted model server).

use claude_wire_bench_tools::{cpu_seconds, peak_rss_mb, quantile};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (scenario, cli) = (args[0].as_str(), args[1].as_str());
    let n: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(0);

    let mut command = Command::new(cli);
    command.args([
        "--output-format",
        "stream-json",
        "--verbose",
        "--input-format",
        "stream-json",
    ]);
    if scenario == "realcli" {
        // As the SDKs run it: an empty system prompt (the Python SDK's default flag; the TS SDK
        // sends `systemPrompt: [""]` in `initialize`), one turn.
        command.args([
            "--system-prompt",
            "",
            "--model",
            "test-model",
            "--max-turns",
            "1",
        ]);
    }
    let hooks = if scenario == "hook" {
        json!({"PreToolUse": [{"matcher": null, "hookCallbackIds": ["hook_0"]}]})
    } else {
        Value::Null
    };

    let cpu0 = cpu_seconds();
    let start = Instant::now();
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn the CLI");
    let mut stdin = child.stdin.take().unwrap();
    let init = json!({"type": "control_request", "request_id": "req_1_floor",
                      "request": {"subtype": "initialize", "hooks": hooks}});
    let user = json!({"type": "user", "session_id": "", "parent_tool_use_id": null,
                      "message": {"role": "user", "content": "go"}});
    stdin
        .write_all(format!("{init}\n{user}\n").as_bytes())
        .unwrap();

    let mut stdout = BufReader::with_capacity(1 << 20, child.stdout.take().unwrap());
    let mut line = Vec::with_capacity(1 << 16);
    let (mut assistants, mut biggest) = (0usize, 0usize);
    let mut first_ms = None;
    let mut result = None;
    loop {
        line.clear();
        if stdout.read_until(b'\n', &mut line).unwrap_or(0) == 0 {
            break;
        }
        let Ok(message) = serde_json::from_slice::<Value>(&line) else {
            continue;
        };
        match message["type"].as_str() {
            Some("control_request") => {
                let request = &message["request"];
                let body = if request["subtype"] == "can_use_tool" {
                    json!({"behavior": "allow", "updatedInput": request["input"]})
                } else {
                    json!({})
                };
                let reply = json!({"type": "control_response", "response": {"subtype": "success",
                                   "request_id": message["request_id"], "response": body}});
                stdin.write_all(format!("{reply}\n").as_bytes()).unwrap();
            }
            Some("control_response") => {}
            Some(kind) => {
                first_ms.get_or_insert_with(|| start.elapsed().as_secs_f64() * 1e3);
                if kind == "assistant" {
                    assistants += 1;
                    biggest = biggest.max(line.len());
                } else if kind == "result" {
                    result = Some(message);
                    break;
                }
            }
            None => {}
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu0;
    drop(stdin);
    let _ = child.wait();
    let end_ms = start.elapsed().as_secs_f64() * 1e3;

    let result = result.expect("no result message");
    let figures = match scenario {
        "flood" => {
            assert_eq!(assistants, n, "assistant messages");
            json!({"count": assistants, "msgs_per_s": assistants as f64 / seconds,
                   "cpu_s": cpu, "peak_rss_mb": peak_rss_mb()})
        }
        "permission" | "hook" => {
            assert_eq!(result["is_error"], false, "{}", result["result"]);
            let text = result["result"].as_str().unwrap();
            let mut times: Vec<f64> = serde_json::from_str(text).unwrap();
            json!({"n": times.len(), "p50_us": quantile(&mut times, 0.5),
                   "p99_us": quantile(&mut times, 0.99)})
        }
        "bigline" => {
            json!({"ok": biggest >= n << 20, "line_mb": biggest as f64 / (1 << 20) as f64,
                   "peak_rss_mb": peak_rss_mb()})
        }
        "realcli" => json!({"first_ms": first_ms, "result_ms": seconds * 1e3, "end_ms": end_ms,
                            "is_error": result["is_error"]}),
        other => panic!("unknown scenario {other}"),
    };
    println!("{figures}");
}
