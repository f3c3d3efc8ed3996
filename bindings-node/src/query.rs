//! `NativeQuery`: one session, driven by the JS `Query` (an async generator over its batches).

use crate::callbacks::{self, Bridge, KeepAlive};
use crate::errors::invalid;
use crate::host_loop::NodeHostLoop;
use crate::spawn::JsProcess;
use claude_wire::options::{ClaudeAgentOptions, Startup};
use claude_wire::transport::DEFAULT_MAX_LINE_SIZE;
use claude_wire::{Flavour, Prompt};
use futures::{Future, StreamExt};
use napi::bindgen_prelude::{Array, Buffer, Function, PromiseRaw, ToNapiValue, Unknown};
use napi::Env;
use napi_derive::napi;
use serde::Deserialize;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;

mod batches;
mod spare;
mod state;

pub(crate) use state::QueryState;

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

/// A running query. What its methods use is in a [`QueryState`] they hold a share of, so that
/// a promise still pending when a Worker's environment is torn down (which frees this object)
/// uses nothing freed.
#[napi]
pub struct NativeQuery {
    state: Arc<QueryState>,
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
            // As the official SDK: options the CLI's arguments cannot be made from fail the
            // call itself (the CLI's own start fails later, in the stream).
            false => {
                claude_wire::cli::build_args(&options)
                    .map_err(|e| invalid(e.message(Flavour::Ts)))?;
                None
            }
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
        QueryState::new(&env, query, sender, live, warnings, process).map(Self::from)
    }

    /// A chunk of the user-spawned process's stdout.
    #[napi]
    pub fn push_stdout(&self, chunk: Buffer) {
        self.state.push_stdout(chunk)
    }

    /// The user-spawned process exited (after its stdout ended).
    #[napi]
    pub fn process_exited(&self, code: Option<i32>, signal: Option<String>) {
        self.state.process_exited(code, signal)
    }

    /// The official SDK's warnings for these options, `[{message, code, category}]`.
    #[napi]
    pub fn warnings(&self) -> Value {
        self.state.warnings()
    }

    /// The next messages: `{"messages": [...], "holes"?: [[i, hole]...], "error"?: record,
    /// "done": bool}` as JSON text, at once when some are ready, else as a promise of the next
    /// ones (or the end). Message `i` of `holes` is a huge line taken apart: its string `hole`
    /// stands for the text `takeHole(hole)` gives.
    #[napi(ts_return_type = "string | Promise<string>")]
    pub fn next_batch<'env>(&self, env: &'env Env) -> napi::Result<Unknown<'env>> {
        self.state.next_batch(env)
    }

    /// The text a batch left out for `hole`, as pieces of about a megabyte to concatenate: the
    /// native copy of each piece is given back as soon as it is made, so the text is held
    /// about once, not twice. Empty when the hole is unknown.
    #[napi(ts_return_type = "string[]")]
    pub fn take_hole<'env>(&self, env: &'env Env, hole: String) -> napi::Result<Array<'env>> {
        self.state.take_hole(env, hole)
    }

    /// Sends one user message (JSON text) of a streamed prompt.
    #[napi]
    pub fn push_prompt(&self, message: String) -> napi::Result<bool> {
        self.state.push_prompt(message)
    }

    /// Sends a text as the user message the official SDK writes for a string prompt.
    #[napi]
    pub fn push_prompt_text(&self, text: String) -> bool {
        self.state.push_prompt_text(text)
    }

    /// Ends a streamed prompt (the CLI's stdin closes once no answer is pending).
    #[napi]
    pub fn end_prompt(&self) {
        self.state.end_prompt()
    }

    /// Calls a control method of the official `Query` by name with its arguments by parameter
    /// name (JSON text); resolves to `{"ok": value}` (`{}` for `undefined`) or
    /// `{"error": record}` as JSON text.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn call<'env>(
        &self,
        env: &'env Env,
        method: String,
        args: String,
    ) -> napi::Result<PromiseRaw<'env, String>> {
        let state = self.state.clone();
        promise(env, async move { state.call(method, args).await })
    }

    /// `setMcpServers`: `servers` is the configs as in options, in-process ones as handles
    /// (`{"$server": i}`) into `specs`, the servers' descriptions, each with the `index` its
    /// tool calls carry. Resolves like [`NativeQuery::call`].
    #[napi(ts_return_type = "Promise<string>")]
    pub fn set_mcp_servers<'env>(
        &self,
        env: &'env Env,
        servers: String,
        specs: String,
    ) -> napi::Result<PromiseRaw<'env, String>> {
        let state = self.state.clone();
        promise(
            env,
            async move { state.set_mcp_servers(servers, specs).await },
        )
    }

    /// Stops the CLI and reaps it; pending and later `nextBatch` calls end.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn close<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, ()>> {
        let state = self.state.clone();
        promise(env, async move { state.close().await })
    }
}

impl From<Arc<QueryState>> for NativeQuery {
    fn from(state: Arc<QueryState>) -> NativeQuery {
        NativeQuery { state }
    }
}

/// A promise of what `work` gives. `work` owns what it uses: it may outlive the object whose
/// method made it (a Worker's teardown frees objects whatever is pending).
pub(crate) fn promise<'env, T: ToNapiValue + Send + 'static>(
    env: &'env Env,
    work: impl Future<Output = T> + Send + 'static,
) -> napi::Result<PromiseRaw<'env, T>> {
    env.spawn_future(async move { Ok(work.await) })
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
