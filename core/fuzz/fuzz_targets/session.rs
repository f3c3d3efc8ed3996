//! Control-frame routing: arbitrary CLI output through a real session, of a `ClaudeClient` or of
//! a one-shot `query`.
//!
//! The CLI is played by the in-memory `CliPeer` of `channel_transport`. The session has a
//! permission callback, hooks (one with a short matcher timeout) and an in-process MCP server,
//! so control requests reach real handlers. The fuzz input is a list of operations: stdout
//! bytes (framed like the subprocess transport frames them), control requests, answers to the
//! session's own requests, cancels, messages, control calls made by the SDK user, pauses, exit.
//!
//! An input starting with `0xff` is CLI stdout text instead (the seeds are real CLI output and
//! hand-written control frames), sent after `initialize` was answered.
//!
//! Each run happens on a current-thread runtime with a paused clock (timeouts elapse as soon
//! as nothing else can run), bounded by its own pauses plus ten virtual minutes. Checks:
//! - no panic, no hang: `connect` and every control call return by themselves (answer,
//!   timeout or end of the CLI), and the messages end once the CLI exited;
//! - every control request of the CLI (with a unique string id, not cancelled, while the
//!   session is open) gets exactly one answer, and no answer goes to an id never asked.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use claude_wire::control::Control;
use claude_wire::hooks::{HookMatcher, HookOutput};
use claude_wire::mcp::{create_sdk_mcp_server, tool, ToolResult};
use claude_wire::options::McpServerConfig;
use claude_wire::permission::PermissionResult;
use claude_wire::transport::{channel_transport, CliPeer, FrameDecoder};
use claude_wire::ControlRequest;
use claude_wire::{query_with_transport, ClaudeAgentOptions, ClaudeClient};
use futures::{FutureExt, StreamExt};
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Any JSON value (see `claude_wire_fuzz::json`).
#[derive(Debug)]
struct Json(Value);

impl<'a> Arbitrary<'a> for Json {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        claude_wire_fuzz::json(u, 3).map(Json)
    }
}

/// A JSON object.
#[derive(Debug)]
struct Obj(Map<String, Value>);

impl<'a> Arbitrary<'a> for Obj {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        claude_wire_fuzz::object(u, 3).map(Obj)
    }
}

/// A message-shaped frame: generated, or a real CLI message with edits.
#[derive(Debug)]
struct Msg(Value);

impl<'a> Arbitrary<'a> for Msg {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        if u.arbitrary()? {
            claude_wire_fuzz::mutated_fixture(u).map(Msg)
        } else {
            claude_wire_fuzz::message(u).map(Msg)
        }
    }
}

/// A `request_id`: one of a few strings (so ids repeat and cancels hit), or any value.
#[derive(Debug, Arbitrary)]
enum Id {
    Small(u8),
    Raw(Json),
    Missing,
}

impl Id {
    fn value(&self) -> Option<Value> {
        match self {
            Id::Small(n) => Some(Value::String(format!("cli-{}", n % 16))),
            Id::Raw(v) => Some(v.0.clone()),
            Id::Missing => None,
        }
    }
}

#[derive(Debug, Arbitrary)]
enum Subtype {
    CanUseTool,
    HookCallback,
    McpMessage,
    Elicitation,
    RequestUserDialog,
    Initialize,
    Other(String),
    Missing,
}

#[derive(Debug, Arbitrary)]
enum Answer {
    Success(Json),
    Error(Json),
    /// A `response` object with the right id and anything else in it.
    Raw(Obj),
}

#[derive(Debug, Arbitrary)]
enum Call {
    Interrupt,
    SetModel(Option<String>),
    McpStatus,
    GetContextUsage,
    StopTask(String),
    Request(Obj),
    Query(String),
    Disconnect,
}

#[derive(Debug, Arbitrary)]
enum Op {
    /// Bytes the CLI prints on stdout.
    Stdout(Vec<u8>),
    /// A control request from the CLI.
    Request { id: Id, subtype: Subtype, body: Obj },
    /// An MCP JSON-RPC call to the in-process server (a `mcp_message` control request).
    Mcp {
        id: Id,
        server: bool,
        method: u8,
        params: Json,
    },
    /// Answers the n-th control request the session sent.
    Answer { nth: u8, answer: Answer },
    /// A `control_response` with any body.
    StrayResponse(Json),
    /// Cancels a request of the CLI.
    Cancel(Id),
    /// A message frame.
    Message(Msg),
    /// Any frame at all.
    Frame(Json),
    /// The SDK user calls a control method (not awaited).
    Call(Call),
    /// Lets the session run for this many virtual milliseconds.
    Sleep(u16),
    /// The CLI exits: its output ends.
    Exit,
}

#[derive(Debug, Arbitrary)]
struct Input {
    /// Answer `initialize` at once, so the run starts connected.
    answer_initialize: bool,
    /// A one-shot `query` instead of a `ClaudeClient`.
    one_shot: bool,
    ops: Vec<Op>,
}

fn options() -> ClaudeAgentOptions {
    let mut options = ClaudeAgentOptions::default();
    options.can_use_tool = Some(claude_wire::permission::can_use_tool(
        |name: String, input: Value, _ctx| async move {
            match name.as_str() {
                "Bash" => Ok(PermissionResult::Allow {
                    updated_input: Some(json!({"command": "echo safe", "was": input})),
                    updated_permissions: None,
                }),
                "Write" => Ok(PermissionResult::Deny {
                    message: "no writing".into(),
                    interrupt: true,
                }),
                "a" => Err("callback failed".into()),
                _ => Ok(PermissionResult::Allow {
                    updated_input: None,
                    updated_permissions: None,
                }),
            }
        },
    ));
    let quick = claude_wire::hooks::hook(|input, _id, _ctx| async move {
        let raw = claude_wire::hooks::HookInput::raw(&input).clone();
        HookOutput::from_value(json!({"continue": true, "systemMessage": raw.to_string()}))
            .map_err(Into::into)
    });
    let slow = claude_wire::hooks::hook(|_input, _id, _ctx| async {
        tokio::time::sleep(Duration::from_secs(30)).await;
        Ok(HookOutput::default())
    });
    options.hooks = vec![
        (
            "PreToolUse".into(),
            vec![
                HookMatcher::new(Some("Bash")).hook(quick.clone()),
                HookMatcher::new(None)
                    .hook(slow)
                    .timeout(Duration::from_millis(100)),
            ],
        ),
        ("Stop".into(), vec![HookMatcher::new(None).hook(quick)]),
    ];
    let add = tool(
        "add",
        "Adds two numbers",
        json!({"type": "object", "properties": {"a": {"type": "number"}, "b": {"type": "number"}}, "required": ["a", "b"]}),
        |args: Value| async move {
            let sum = args["a"].as_f64().unwrap_or(0.0) + args["b"].as_f64().unwrap_or(0.0);
            Ok(ToolResult::text(format!("{sum}")))
        },
    );
    options.mcp_servers = vec![(
        "calc".into(),
        McpServerConfig::Sdk(create_sdk_mcp_server("calc", "1.0.0", vec![add])),
    )];
    options
}

/// What the CLI side saw and sent, for the answer check.
#[derive(Default)]
struct Ledger {
    /// Ids of the control requests the session sent, in order.
    sdk_requests: Vec<String>,
    /// How often each id was used by a CLI control request.
    cli_requests: HashMap<String, usize>,
    cancelled: Vec<String>,
    /// Answers the session wrote, per request id.
    answers: HashMap<String, usize>,
    /// The session may stop answering: the CLI exited or the SDK disconnected.
    closed: bool,
}

impl Ledger {
    fn drain(&mut self, peer: &mut CliPeer) {
        while let Some(Some(frame)) = peer.recv().now_or_never() {
            match frame["type"].as_str() {
                Some("control_request") => {
                    let id = frame["request_id"].as_str().expect("our ids are strings");
                    self.sdk_requests.push(id.to_owned());
                }
                Some("control_response") => {
                    let id = frame["response"]["request_id"]
                        .as_str()
                        .expect("answers carry the string id");
                    *self.answers.entry(id.to_owned()).or_default() += 1;
                }
                _ => {}
            }
        }
    }

    fn check(&self) {
        for (id, count) in &self.answers {
            assert!(
                self.cli_requests.contains_key(id),
                "answer to {id}, which the CLI never asked"
            );
            if self.cli_requests[id] == 1 {
                assert!(*count <= 1, "{count} answers to {id}");
            }
        }
        if self.closed {
            return;
        }
        for (id, asked) in &self.cli_requests {
            if *asked == 1 && !self.cancelled.contains(id) {
                assert_eq!(
                    self.answers.get(id),
                    Some(&1),
                    "request {id} not answered once"
                );
            }
        }
    }
}

fn control_request(id: &Id, request: Map<String, Value>) -> Value {
    let mut frame = json!({"type": "control_request", "request": request});
    if let Some(id) = id.value() {
        frame["request_id"] = id;
    }
    frame
}

/// Sends one frame to the session, noting the control requests and cancels in it.
fn send(peer: &CliPeer, ledger: &mut Ledger, frame: Value) {
    let id = frame
        .get("request_id")
        .and_then(Value::as_str)
        .map(str::to_owned);
    match (frame.get("type").and_then(Value::as_str), id) {
        (Some("control_request"), Some(id)) => *ledger.cli_requests.entry(id).or_default() += 1,
        (Some("control_cancel_request"), Some(id)) => ledger.cancelled.push(id),
        _ => {}
    }
    peer.send(frame);
}

const MCP_METHODS: &[&str] = &[
    "initialize",
    "notifications/initialized",
    "tools/list",
    "tools/call",
    "ping",
    "resources/list",
];

async fn run(input: Input) {
    let (transport, mut peer) = channel_transport();
    let transport = Arc::new(transport);
    let connected = Arc::new(AtomicBool::new(false));
    let connect_returned = Arc::new(AtomicBool::new(false));
    let stream_ended = Arc::new(AtomicBool::new(false));
    // A one-shot query's control methods, once it has started.
    let query_control: Arc<Mutex<Option<Control>>> = Arc::default();
    let mut ledger = Ledger::default();
    let client = if input.one_shot {
        let mut query = query_with_transport("hello", options(), transport);
        let (connected, stream_ended) = (connected.clone(), stream_ended.clone());
        let query_control = query_control.clone();
        connect_returned.store(true, Ordering::SeqCst);
        tokio::spawn(async move {
            while query.next().await.is_some() {
                if let Ok(control) = query.control() {
                    connected.store(true, Ordering::SeqCst);
                    query_control.lock().unwrap().get_or_insert(control);
                }
            }
            stream_ended.store(true, Ordering::SeqCst);
        });
        // A one-shot query closes stdin after its result, so later requests go unanswered.
        ledger.closed = true;
        None
    } else {
        let client = Arc::new(ClaudeClient::with_transport(options(), transport));
        let (connected, connect_returned) = (connected.clone(), connect_returned.clone());
        let stream_ended = stream_ended.clone();
        let connecting = client.clone();
        tokio::spawn(async move {
            let outcome = connecting.connect(None).await;
            connect_returned.store(true, Ordering::SeqCst);
            if outcome.is_ok() {
                connected.store(true, Ordering::SeqCst);
                let mut messages = connecting.receive_messages();
                while messages.next().await.is_some() {}
                stream_ended.store(true, Ordering::SeqCst);
            }
        });
        Some(client)
    };
    let mut calls = Vec::new();
    let mut exited = false;
    let mut decoder = FrameDecoder::new(4096);
    tokio::task::yield_now().await;
    ledger.drain(&mut peer);
    if input.answer_initialize {
        if let Some(id) = ledger.sdk_requests.first() {
            peer.send(json!({"type": "control_response",
                "response": {"subtype": "success", "request_id": id, "response": {"commands": []}}}));
        }
    }
    for op in input.ops {
        match op {
            Op::Stdout(bytes) => decoder.decode(&bytes, &mut |item| match item {
                Ok(frame) => send(&peer, &mut ledger, frame),
                Err(error) => peer.send_error(error),
            }),
            Op::Request { id, subtype, body } => {
                let mut request = body.0;
                let subtype = match subtype {
                    Subtype::CanUseTool => Some("can_use_tool".to_owned()),
                    Subtype::HookCallback => Some("hook_callback".to_owned()),
                    Subtype::McpMessage => Some("mcp_message".to_owned()),
                    Subtype::Elicitation => Some("elicitation".to_owned()),
                    Subtype::RequestUserDialog => Some("request_user_dialog".to_owned()),
                    Subtype::Initialize => Some("initialize".to_owned()),
                    Subtype::Other(s) => Some(s),
                    Subtype::Missing => None,
                };
                if let Some(subtype) = subtype {
                    request.insert("subtype".into(), subtype.into());
                }
                send(&peer, &mut ledger, control_request(&id, request));
            }
            Op::Mcp {
                id,
                server,
                method,
                params,
            } => {
                let method = MCP_METHODS[method as usize % MCP_METHODS.len()];
                let mut request = Map::new();
                request.insert("subtype".into(), "mcp_message".into());
                request.insert(
                    "server_name".into(),
                    if server { "calc" } else { "nope" }.into(),
                );
                request.insert(
                    "message".into(),
                    json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params.0}),
                );
                send(&peer, &mut ledger, control_request(&id, request));
            }
            Op::Answer { nth, answer } => {
                ledger.drain(&mut peer);
                if ledger.sdk_requests.is_empty() {
                    continue;
                }
                let id = &ledger.sdk_requests[nth as usize % ledger.sdk_requests.len()];
                let response = match answer {
                    Answer::Success(body) => {
                        json!({"subtype": "success", "request_id": id, "response": body.0})
                    }
                    Answer::Error(error) => {
                        json!({"subtype": "error", "request_id": id, "error": error.0})
                    }
                    Answer::Raw(mut body) => {
                        body.0.insert("request_id".into(), id.as_str().into());
                        Value::Object(body.0)
                    }
                };
                peer.send(json!({"type": "control_response", "response": response}));
            }
            Op::StrayResponse(body) => {
                peer.send(json!({"type": "control_response", "response": body.0}));
            }
            Op::Cancel(id) => {
                let mut frame = json!({"type": "control_cancel_request"});
                if let Some(id) = id.value() {
                    frame["request_id"] = id;
                }
                send(&peer, &mut ledger, frame);
            }
            Op::Message(message) => send(&peer, &mut ledger, message.0),
            Op::Frame(frame) => send(&peer, &mut ledger, frame.0),
            Op::Call(call) => {
                if matches!(call, Call::Disconnect) {
                    ledger.closed = true;
                }
                let client = client.clone();
                let query_control = query_control.clone();
                calls.push(tokio::spawn(async move {
                    let control = match &client {
                        Some(client) => client.control().ok(),
                        None => query_control.lock().unwrap().clone(),
                    };
                    let Some(control) = control else {
                        if let (Call::Disconnect, Some(client)) = (&call, &client) {
                            let _ = client.disconnect().await;
                        }
                        return;
                    };
                    let _ = match call {
                        Call::Interrupt => control.interrupt().await.map(drop),
                        Call::SetModel(model) => {
                            control.set_model(model.as_deref()).await.map(drop)
                        }
                        Call::McpStatus => control.mcp_status().await.map(drop),
                        Call::GetContextUsage => control.get_context_usage().await.map(drop),
                        Call::StopTask(task) => control.stop_task(&task).await.map(drop),
                        Call::Request(body) => {
                            match ControlRequest::from_value(Value::Object(body.0)) {
                                Ok(request) => control
                                    .send_with_timeout(request, Some(Duration::from_secs(5)))
                                    .await
                                    .map(drop),
                                Err(error) => Err(error),
                            }
                        }
                        Call::Query(text) => match &client {
                            Some(client) => client.query(text, "s1").await,
                            None => Ok(()),
                        },
                        Call::Disconnect => match &client {
                            Some(client) => client.disconnect().await,
                            None => Ok(()),
                        },
                    };
                }));
            }
            Op::Sleep(ms) => tokio::time::sleep(Duration::from_millis(ms.into())).await,
            Op::Exit => {
                ledger.closed = true;
                exited = true;
                peer.exit();
            }
        }
        tokio::task::yield_now().await;
        ledger.drain(&mut peer);
    }
    decoder.finish(&mut |item| match item {
        Ok(frame) => send(&peer, &mut ledger, frame),
        Err(error) => peer.send_error(error),
    });
    // Long enough for every handler to finish or time out (virtual time).
    tokio::time::sleep(Duration::from_secs(120)).await;
    ledger.drain(&mut peer);
    if !connected.load(Ordering::SeqCst) {
        // Without a session nothing is answered; dropping the client released everything.
        ledger.closed = true;
    }
    ledger.check();
    // Everything the SDK user awaits returns by itself (answers, timeouts, the end of the CLI).
    assert!(
        connect_returned.load(Ordering::SeqCst),
        "connect never returned"
    );
    for call in &calls {
        assert!(call.is_finished(), "a control call never returned");
    }
    if exited && (connected.load(Ordering::SeqCst) || client.is_none()) {
        assert!(
            stream_ended.load(Ordering::SeqCst),
            "messages go on after the CLI exited"
        );
    }
    if let Some(client) = client {
        let _ = client.disconnect().await;
    }
}

fuzz_target!(|data: &[u8]| {
    let input = match data {
        // Seeds from real CLI output: `0xff` then stdout text, after an answered `initialize`.
        [0xff, stdout @ ..] => Input {
            answer_initialize: true,
            one_shot: false,
            ops: vec![Op::Stdout(stdout.to_vec())],
        },
        _ => match Input::arbitrary_take_rest(Unstructured::new(data)) {
            Ok(input) => input,
            Err(_) => return,
        },
    };
    if std::env::var_os("FUZZ_DEBUG").is_some() {
        eprintln!("{input:#?}");
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .expect("a runtime");
    // The run's own pauses, plus ten minutes: far more than any timeout of the session.
    let pauses: u64 = input
        .ops
        .iter()
        .map(|op| match op {
            Op::Sleep(ms) => u64::from(*ms),
            _ => 0,
        })
        .sum();
    let limit = Duration::from_millis(pauses) + Duration::from_secs(600);
    runtime.block_on(async {
        tokio::time::timeout(limit, run(input))
            .await
            .expect("the session hung (virtual time)");
    });
});
