//! `NativeQuery`: one session, driven by the JS `Query` (an async generator over its batches).

use crate::callbacks::{self, Bridge, KeepAlive};
use crate::errors::{failed, invalid};
use crate::host_loop::NodeHostLoop;
use crate::spawn::JsProcess;
use claude_wire::options::{ClaudeAgentOptions, Startup};
use claude_wire::transport::{hand_over_in_steps, JsonMessage, Transport, DEFAULT_MAX_LINE_SIZE};
use claude_wire::{Flavour, Prompt, QueryHandle};
use futures::{FutureExt, StreamExt};
use napi::bindgen_prelude::{Array, Buffer, Function};
use napi::Env;
use napi_derive::napi;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;

mod spare;

/// At most this many messages, or about this many bytes, in one batch.
const BATCH_MESSAGES: usize = 512;
const BATCH_BYTES: usize = 4 << 20;
/// The pieces `takeHole` hands a huge text over in.
const HOLE_PIECE: usize = 1 << 20;

/// What the JS layer hands over besides the callbacks.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Setup {
    /// The options' data in the TypeScript SDK's spelling, callbacks as handles.
    data: Value,
    /// Which callbacks exist.
    callbacks: Value,
    /// Directories of the npm packages that carry the CLI, as Node resolved them.
    #[serde(default)]
    package_dirs: Vec<PathBuf>,
    /// The user's `spawnClaudeCodeProcess` starts the CLI.
    #[serde(default)]
    spawn: bool,
    /// A session started ahead of its prompt (`startup()`): its limit in milliseconds, `null`
    /// for the default one.
    #[serde(default)]
    startup: Option<StartupSetup>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StartupSetup {
    limit_ms: Option<f64>,
}

/// Decodes the JS options into core options whose callbacks call `bridge`; also whether the
/// user's `spawnClaudeCodeProcess` starts the CLI.
pub fn options(setup: String, bridge: &Arc<Bridge>) -> napi::Result<(ClaudeAgentOptions, bool)> {
    let setup: Setup = serde_json::from_str(&setup).map_err(invalid)?;
    let callbacks = callbacks::build(setup.callbacks, bridge)?;
    let mut options = ClaudeAgentOptions::from_value(setup.data, Flavour::Ts, callbacks)
        .map_err(|e| invalid(e.message(Flavour::Ts)))?;
    options.cli_package_dirs = setup.package_dirs;
    options.startup = setup.startup.map(|startup| Startup {
        // As a JS timer takes it: a negative limit is used up at once (JSON has no NaN).
        limit: startup
            .limit_ms
            .map(|ms| Duration::from_secs_f64((ms / 1000.0).clamp(0.0, 1e9))),
    });
    Ok((options, setup.spawn))
}

/// A running query.
#[napi]
pub struct NativeQuery {
    messages: Arc<tokio::sync::Mutex<Option<claude_wire::Query>>>,
    handle: QueryHandle,
    prompt: Mutex<Option<mpsc::UnboundedSender<Value>>>,
    /// The prompt (or a later `streamInput`) ended: no more user messages.
    prompt_ended: AtomicBool,
    live: Arc<Mutex<Option<Live>>>,
    warnings: Vec<Value>,
    /// The process started by the user's `spawnClaudeCodeProcess`, when there is one.
    process: Option<Arc<JsProcess>>,
    /// The main strings of huge lines a batch left out, by placeholder, until `takeHole`.
    holes: Mutex<HashMap<String, String>>,
}

#[napi]
impl NativeQuery {
    /// Starts the CLI now (as the official `query()` does). `prompt` is the text prompt, or
    /// absent for a stream of messages pushed with `pushPrompt`.
    #[napi(constructor)]
    pub fn new(
        env: Env,
        setup: String,
        prompt: Option<String>,
        dispatch: Function<'_, (String, u32, String, u32), napi::Unknown<'static>>,
        abort: Function<'_, u32, napi::Unknown<'static>>,
    ) -> napi::Result<Self> {
        let (bridge, keep_alive) = Bridge::new(&dispatch, &abort)?;
        let (mut options, spawn) = options(setup, &bridge)?;
        options.host_loop = Some(Arc::new(NodeHostLoop::new(&env)?));
        let live = Live {
            _keep_alive: keep_alive,
            bridge: bridge.clone(),
        };
        let process = match spawn {
            true => {
                let command = claude_wire::cli::build_command(&options)
                    .map_err(|e| invalid(e.message(Flavour::Ts)))?;
                let max_line = options.max_buffer_size.unwrap_or(DEFAULT_MAX_LINE_SIZE);
                Some(JsProcess::new(command, bridge.clone(), max_line))
            }
            false => None,
        };
        let warnings = options
            .warnings()
            .into_iter()
            .map(|w| json!({"message": w.message, "code": w.code, "category": w.category}))
            .collect();
        let (sender, prompt) = prompt_source(prompt);
        let query = napi::bindgen_prelude::within_runtime_if_available(|| match &process {
            Some(process) => claude_wire::query_with_transport(prompt, options, process.clone()),
            None => claude_wire::query(prompt, options),
        });
        Ok(Self::wrap(query, sender, live, warnings, process))
    }

    /// A chunk of the user-spawned process's stdout.
    #[napi]
    pub fn push_stdout(&self, chunk: Buffer) {
        if let Some(process) = &self.process {
            process.stdout(&chunk);
        }
    }

    /// The user-spawned process exited (after its stdout ended).
    #[napi]
    pub fn process_exited(&self, code: Option<i32>, signal: Option<String>) {
        if let Some(process) = &self.process {
            process.exited(code, signal);
        }
    }

    /// The official SDK's warnings for these options, `[{message, code, category}]`.
    #[napi]
    pub fn warnings(&self) -> Value {
        Value::Array(self.warnings.clone())
    }

    /// The next messages: `{"messages": [...], "holes"?: [[i, hole]...], "error"?: record,
    /// "done": bool}` as JSON text. Message `i` of `holes` is a huge line taken apart: its
    /// string `hole` stands for the text `takeHole(hole)` gives. Waits for at least one
    /// message (or the end), then takes whatever else is ready.
    #[napi]
    pub async fn next_batch(&self) -> String {
        let mut guard = self.messages.lock().await;
        let mut out = b"{\"messages\":[".to_vec();
        let mut holes = Vec::new();
        // The bytes of the batch's texts held beside it (in `holes`).
        let mut held = 0;
        let mut count = 0;
        let mut error = None;
        let mut done = false;
        if let Some(query) = guard.as_mut() {
            let mut item = query.next_json().await;
            loop {
                match item {
                    Some(Ok(message)) => {
                        if count > 0 {
                            out.push(b',');
                        }
                        // The CLI's own line, as the official SDK parses it.
                        match message {
                            JsonMessage::Whole(line) => out.extend_from_slice(&line),
                            JsonMessage::Split(split) => {
                                out.extend_from_slice(&split.rest);
                                held += split.text.len();
                                holes.push(json!([count, split.hole]));
                                self.lock_holes().insert(split.hole, split.text);
                            }
                        }
                        count += 1;
                    }
                    Some(Err(e)) => {
                        error = Some(e);
                        break;
                    }
                    None => {
                        done = true;
                        break;
                    }
                }
                if count >= BATCH_MESSAGES || out.len() + held >= BATCH_BYTES {
                    break;
                }
                match query.next_json().now_or_never() {
                    Some(next) => item = next,
                    None => break,
                }
            }
        } else {
            done = true;
        }
        if done {
            *guard = None;
            self.release();
        }
        out.push(b']');
        if !holes.is_empty() {
            out.extend_from_slice(b",\"holes\":");
            out.extend_from_slice(Value::Array(holes).to_string().as_bytes());
        }
        if let Some(error) = error {
            out.extend_from_slice(b",\"error\":");
            out.extend_from_slice(failed(&error)["error"].to_string().as_bytes());
        }
        out.extend_from_slice(if done {
            b",\"done\":true}"
        } else {
            b",\"done\":false}"
        });
        // Every part is UTF-8: checked lines, and what serde_json writes.
        String::from_utf8(out).unwrap_or_default()
    }

    /// The text a batch left out for `hole`, as pieces of about a megabyte to concatenate: the
    /// native copy of each piece is given back as soon as it is made, so the text is held
    /// about once, not twice. Empty when the hole is unknown.
    #[napi(ts_return_type = "string[]")]
    pub fn take_hole<'env>(&self, env: &'env Env, hole: String) -> napi::Result<Array<'env>> {
        let text = self.lock_holes().remove(&hole).unwrap_or_default();
        let mut pieces = env.create_array(0)?;
        let (mut index, mut failed) = (0, None);
        hand_over_in_steps(text, HOLE_PIECE, |piece| {
            let made = env.create_string(piece).and_then(|s| pieces.set(index, s));
            index += 1;
            made.map_err(|e| failed = Some(e)).is_ok()
        });
        failed.map_or(Ok(pieces), Err)
    }

    /// Sends one user message (JSON text) of a streamed prompt.
    #[napi]
    pub fn push_prompt(&self, message: String) -> napi::Result<bool> {
        let value: Value = serde_json::from_str(&message).map_err(invalid)?;
        let mut sender = self.prompt.lock().unwrap_or_else(|e| e.into_inner());
        if sender.is_none() && !self.prompt_ended.load(Ordering::SeqCst) {
            // A text-prompt query: `streamInput` writes to the same CLI, in order.
            *sender = Some(self.late_input());
        }
        Ok(sender.as_ref().is_some_and(|tx| tx.send(value).is_ok()))
    }

    /// Sends a text as the user message the official SDK writes for a string prompt.
    #[napi]
    pub fn push_prompt_text(&self, text: String) -> bool {
        let message = claude_wire::prompt::user_message(Flavour::Ts, Value::String(text), "");
        let sender = self.prompt.lock().unwrap_or_else(|e| e.into_inner());
        sender.as_ref().is_some_and(|tx| tx.send(message).is_ok())
    }

    /// Ends a streamed prompt (the CLI's stdin closes once no answer is pending).
    #[napi]
    pub fn end_prompt(&self) {
        self.prompt_ended.store(true, Ordering::SeqCst);
        self.prompt.lock().unwrap_or_else(|e| e.into_inner()).take();
    }

    /// Calls a control method of the official `Query` by name with its arguments by parameter
    /// name (JSON text); resolves to `{"ok": value}` (`{}` for `undefined`) or
    /// `{"error": record}` as JSON text.
    #[napi]
    pub async fn call(&self, method: String, args: String) -> String {
        let args: Map<String, Value> = match serde_json::from_str(&args) {
            Ok(args) => args,
            Err(e) => {
                return json!({"error": {"kind": "invalid_options", "message": e.to_string()}})
                    .to_string()
            }
        };
        let outcome = match self.handle.control().await {
            Ok(control) => control.call(Flavour::Ts, &method, &args).await,
            Err(e) => Err(e),
        };
        answer(outcome)
    }

    /// `setMcpServers`: `servers` is the configs as in options, in-process ones as handles
    /// (`{"$server": i}`) into `specs`, the servers' descriptions, each with the `index` its
    /// tool calls carry. Resolves like [`NativeQuery::call`].
    #[napi]
    pub async fn set_mcp_servers(&self, servers: String, specs: String) -> String {
        let outcome = async {
            let servers: Value = serde_json::from_str(&servers).map_err(invalid)?;
            let specs: Value = serde_json::from_str(&specs).map_err(invalid)?;
            let bridge = self.bridge().ok_or_else(|| invalid("the query is over"))?;
            let in_process = callbacks::runtime_servers(specs, &bridge)?;
            let args = Map::from_iter([("servers".to_owned(), servers)]);
            Ok::<_, napi::Error>((args, in_process))
        }
        .await;
        let (args, in_process) = match outcome {
            Ok(decoded) => decoded,
            Err(e) => {
                return json!({"error": {"kind": "invalid_options", "message": e.reason}})
                    .to_string()
            }
        };
        let outcome = match self.handle.control().await {
            Ok(control) => {
                control
                    .call_set_mcp_servers(Flavour::Ts, "setMcpServers", &args, &in_process)
                    .await
            }
            Err(e) => Err(e),
        };
        answer(outcome)
    }

    /// Stops the CLI and reaps it; pending and later `nextBatch` calls end.
    #[napi]
    pub async fn close(&self) {
        self.end_prompt();
        let _ = self.handle.close().await;
        // A session that never started (its start failed) did not close the process the
        // user's `spawnClaudeCodeProcess` started; it ends here, as the core's own would.
        // (Only a process that was started: one never started has nothing to close.)
        if let Some(process) = self.process.as_ref().filter(|p| p.is_ready()) {
            let _ = process.close().await;
        }
        // A reader may hold the stream; it ends now that the session is closed.
        let mut guard = self.messages.lock().await;
        guard.take();
        // Texts of batches nobody will read (one asked for ahead of a `return()`).
        self.lock_holes().clear();
        self.release();
    }
}

impl NativeQuery {
    /// Wraps a core query (started here or claimed from a pool); `sender` feeds a streamed
    /// prompt; `keep_alive` keeps Node alive until the session is over.
    pub(crate) fn wrap(
        query: claude_wire::Query,
        sender: Option<mpsc::UnboundedSender<Value>>,
        live: Live,
        warnings: Vec<Value>,
        process: Option<Arc<JsProcess>>,
    ) -> NativeQuery {
        let live = Arc::new(Mutex::new(Some(live)));
        napi::bindgen_prelude::within_runtime_if_available(|| {
            // Node may exit once the session is over, read to the end or not.
            let (handle, live) = (query.handle(), live.clone());
            tokio::spawn(async move {
                handle.finished().await;
                release(&live);
            });
        });
        NativeQuery {
            handle: query.handle(),
            messages: Arc::new(tokio::sync::Mutex::new(Some(query))),
            prompt: Mutex::new(sender),
            prompt_ended: AtomicBool::new(false),
            live,
            warnings,
            process,
            holes: Mutex::default(),
        }
    }

    fn release(&self) {
        release(&self.live);
    }

    fn lock_holes(&self) -> std::sync::MutexGuard<'_, HashMap<String, String>> {
        self.holes.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A channel whose messages are written, in order, to the query's CLI.
    fn late_input(&self) -> mpsc::UnboundedSender<Value> {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let handle = self.handle.clone();
        napi::bindgen_prelude::spawn(async move {
            while let Some(message) = rx.recv().await {
                if handle.send_message(message).await.is_err() {
                    break;
                }
            }
        });
        tx
    }

    fn bridge(&self) -> Option<Arc<Bridge>> {
        let live = self.live.lock().unwrap_or_else(|e| e.into_inner());
        live.as_ref().map(|live| live.bridge.clone())
    }
}

/// What a running session holds of Node: the handle that keeps Node running, and the bridge
/// that in-process servers added by `setMcpServers` call through. Both go when the session
/// ends, so nothing keeps the JS query (which the bridge's functions refer to) alive.
pub(crate) struct Live {
    pub(crate) _keep_alive: KeepAlive,
    pub(crate) bridge: Arc<Bridge>,
}

/// Lets Node exit once nothing else is pending.
fn release(live: &Mutex<Option<Live>>) {
    live.lock().unwrap_or_else(|e| e.into_inner()).take();
}

/// A control method's outcome as `call` resolves it.
fn answer(outcome: claude_wire::Result<Option<Value>>) -> String {
    match outcome {
        Ok(Some(value)) => json!({ "ok": value }).to_string(),
        Ok(None) => "{}".to_owned(),
        Err(e) => failed(&e).to_string(),
    }
}

/// A text prompt, or a channel for a streamed one (the sender feeds it).
pub(crate) fn prompt_source(
    prompt: Option<String>,
) -> (Option<mpsc::UnboundedSender<Value>>, Prompt) {
    match prompt {
        Some(text) => (None, Prompt::Text(text)),
        None => {
            let (tx, rx) = mpsc::unbounded_channel();
            (Some(tx), Prompt::Stream(tokio_stream_from(rx)))
        }
    }
}

fn tokio_stream_from(
    mut rx: mpsc::UnboundedReceiver<Value>,
) -> futures::stream::BoxStream<'static, Value> {
    futures::stream::poll_fn(move |cx| rx.poll_recv(cx)).boxed()
}
