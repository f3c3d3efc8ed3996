//! A compiled stand-in for the Claude Code CLI, fast enough never to be the bottleneck.
//!
//! Answers every `control_request` with a success, and on the first user message runs the mode
//! of `BENCH_FAKE_MODE` (or `--bench-mode "<mode>"`): `flood N`, `permission N`, `hook N`,
//! `bigline MiB` (see `claude_wire_bench_tools::Mode`). Output of `flood` and `bigline` is built
//! on a thread at start-up and written with one `write_all`. In the round-trip modes each request
//! is timed from its write to the read of its answer; the final `result` carries the list of
//! round trips in microseconds. Then it waits for stdin EOF and exits 0.

use claude_wire_bench_tools::{
    bigline_output, flood_output, init_line, micros, result_line, Mode, SESSION_ID,
};
use serde_json::{json, Value};
use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::mem::ManuallyDrop;
use std::os::fd::FromRawFd;
use std::thread::JoinHandle;
use std::time::Instant;

struct RoundTrips {
    hook: bool,
    total: usize,
    done: usize,
    pending: String,
    sent_at: Instant,
    times: Vec<f64>,
    errors: usize,
}

fn main() {
    let mode = Mode::from_env_or_args();
    // Raw fd 1: no line buffering in the way of one big write.
    let mut out = ManuallyDrop::new(unsafe { File::from_raw_fd(1) });
    let mut prebuilt = match mode {
        Some(Mode::Flood(n)) => Some(Output::prepare(format!("flood-{n}"), move || {
            flood_output(n)
        })),
        Some(Mode::Bigline(mib)) => Some(Output::prepare(format!("bigline-{mib}"), move || {
            bigline_output(mib)
        })),
        _ => None,
    };
    let mut hook_id = String::from("hook_0");
    let mut round_trips: Option<RoundTrips> = None;
    let mut started = false;

    let mut stdin = BufReader::with_capacity(1 << 16, std::io::stdin().lock());
    let mut line = Vec::with_capacity(1 << 12);
    loop {
        line.clear();
        match stdin.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        let read_at = Instant::now();
        let Ok(message) = serde_json::from_slice::<Value>(&line) else {
            continue;
        };
        match message["type"].as_str() {
            Some("control_request") => {
                let request = &message["request"];
                if request["subtype"] == "initialize" {
                    if let Some(id) = first_hook_id(&request["hooks"]) {
                        hook_id = id;
                    }
                }
                write(&mut out, &answer(&message));
            }
            Some("control_response") => {
                if let Some(rt) = round_trips.as_mut() {
                    let response = &message["response"];
                    if response["request_id"] == rt.pending.as_str() {
                        rt.times.push(micros(read_at - rt.sent_at));
                        if response["subtype"] != "success" {
                            rt.errors += 1;
                        }
                        rt.done += 1;
                        if rt.done < rt.total {
                            send_request(&mut out, rt, &hook_id);
                        } else {
                            write(&mut out, &finish(rt));
                            round_trips = None;
                        }
                    }
                }
            }
            Some("user") if !started => {
                started = true;
                match mode {
                    Some(Mode::Flood(_)) | Some(Mode::Bigline(_)) => {
                        let _ = out.write_all(prebuilt.as_mut().unwrap().bytes());
                    }
                    Some(Mode::Permission(n)) | Some(Mode::Hook(n)) => {
                        write(&mut out, &init_line());
                        let mut rt = RoundTrips {
                            hook: matches!(mode, Some(Mode::Hook(_))),
                            total: n,
                            done: 0,
                            pending: String::new(),
                            sent_at: Instant::now(),
                            times: Vec::with_capacity(n),
                            errors: 0,
                        };
                        if n == 0 {
                            write(&mut out, &finish(&rt));
                        } else {
                            send_request(&mut out, &mut rt, &hook_id);
                            round_trips = Some(rt);
                        }
                    }
                    None => {
                        write(&mut out, &init_line());
                        write(&mut out, &result_line("no BENCH_FAKE_MODE given", true));
                    }
                }
            }
            _ => {}
        }
    }
}

/// The output of `flood` / `bigline`. Built on a thread at start-up; with `BENCH_FAKE_CACHE`
/// (a directory), built once into a file there and mapped (pre-faulted) by every later run, so
/// that even a reader that sends its prompt within a millisecond never waits for the build.
enum Output {
    Building(Option<JoinHandle<Vec<u8>>>, Vec<u8>),
    Mapped(&'static [u8]),
}

impl Output {
    fn prepare(name: String, build: impl FnOnce() -> Vec<u8> + Send + 'static) -> Output {
        let Some(dir) = std::env::var_os("BENCH_FAKE_CACHE") else {
            return Output::Building(Some(std::thread::spawn(build)), Vec::new());
        };
        let path = std::path::Path::new(&dir).join(format!("{name}.jsonl"));
        if !path.exists() {
            let temp = path.with_extension(format!("{}.tmp", std::process::id()));
            std::fs::write(&temp, build()).expect("write the cached output");
            std::fs::rename(&temp, &path).expect("rename the cached output");
        }
        let file = File::open(&path).expect("open the cached output");
        let len = file.metadata().unwrap().len() as usize;
        // SAFETY: a private read-only mapping of a file nobody rewrites (new ones are renamed
        // into place), kept for the life of the process.
        let bytes = unsafe {
            let at = libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ,
                libc::MAP_PRIVATE | libc::MAP_POPULATE,
                std::os::fd::AsRawFd::as_raw_fd(&file),
                0,
            );
            assert!(at != libc::MAP_FAILED, "mmap the cached output");
            std::slice::from_raw_parts(at as *const u8, len)
        };
        Output::Mapped(bytes)
    }

    fn bytes(&mut self) -> &[u8] {
        match self {
            Output::Building(handle, bytes) => {
                if let Some(handle) = handle.take() {
                    *bytes = handle.join().unwrap();
                }
                bytes
            }
            Output::Mapped(bytes) => bytes,
        }
    }
}

fn write(out: &mut File, text: &str) {
    let _ = out.write_all(text.as_bytes());
}

/// The id of the first hook callback the SDK registered in `initialize`.
fn first_hook_id(hooks: &Value) -> Option<String> {
    let events = hooks.as_object()?;
    let matchers = events
        .get("PreToolUse")
        .or_else(|| events.values().next())?;
    let id = matchers.get(0)?.get("hookCallbackIds")?.get(0)?.as_str()?;
    Some(id.to_string())
}

fn answer(request: &Value) -> String {
    let body = if request["request"]["subtype"] == "initialize" {
        json!({
            "commands": [], "agents": [], "models": [], "account": {},
            "output_style": "default", "available_output_styles": ["default"],
            "pid": std::process::id(), "claude_code_version": "2.1.330",
        })
    } else {
        json!({})
    };
    let reply = json!({"type": "control_response", "response": {
        "subtype": "success", "request_id": request["request_id"], "response": body}});
    let mut text = reply.to_string();
    text.push('\n');
    text
}

fn send_request(out: &mut File, rt: &mut RoundTrips, hook_id: &str) {
    let n = rt.done;
    rt.pending = format!("5d7e8f90-1a2b-4c3d-8e4f-{n:012}");
    let tool_use_id = format!("toolu_01Bench{n:012}");
    let request = if rt.hook {
        json!({"subtype": "hook_callback", "callback_id": hook_id, "tool_use_id": tool_use_id,
               "input": {"session_id": SESSION_ID, "transcript_path": "/tmp/bench.jsonl", "cwd": "/tmp",
                         "permission_mode": "default", "hook_event_name": "PreToolUse",
                         "tool_name": "Bash", "tool_input": {"command": "ls"}, "tool_use_id": tool_use_id}})
    } else {
        json!({"subtype": "can_use_tool", "tool_name": "Bash",
               "input": {"command": format!("touch /tmp/bench-{n}")},
               "permission_suggestions": [], "blocked_path": null, "tool_use_id": tool_use_id})
    };
    let mut text = json!({"type": "control_request", "request_id": rt.pending, "request": request})
        .to_string();
    text.push('\n');
    rt.sent_at = Instant::now();
    write(out, &text);
}

fn finish(rt: &RoundTrips) -> String {
    if rt.errors > 0 {
        return result_line(&format!("{} error answers", rt.errors), true);
    }
    let list: Vec<String> = rt.times.iter().map(|t| format!("{t:.1}")).collect();
    result_line(&format!("[{}]", list.join(",")), false)
}
