//! The parts of a running query and what its methods do; [`super::NativeQuery`] only hands
//! them to JS.

use super::batches::{BatchWaker, Messages, Waiting};
use super::{release, Live, HOLE_PIECE};
use crate::callbacks::{self, Bridge};
use crate::errors::{failed, invalid};
use crate::host_loop::NodeHostLoop;
use crate::spawn::JsProcess;
use crate::teardown;
use claude_wire::transport::{hand_over_in_steps, Transport};
use claude_wire::{Flavour, QueryHandle};
use napi::bindgen_prelude::{Array, Buffer};
use napi::Env;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::mpsc;

/// The parts of a running query.
pub(crate) struct QueryState {
    /// The message stream, until it ended or the query was closed.
    pub(super) messages: Mutex<Messages>,
    /// The promise of a `nextBatch` that waits for messages (JS thread only).
    pub(super) waiting: Mutex<Option<Waiting>>,
    /// Wakes the JS thread for it.
    pub(super) waker: Arc<BatchWaker>,
    /// Runs jobs on the JS thread of `env`.
    pub(super) host: NodeHostLoop,
    env: usize,
    pub(super) handle: QueryHandle,
    prompt: Mutex<Option<mpsc::UnboundedSender<Value>>>,
    /// The prompt (or a later `streamInput`) ended: no more user messages.
    prompt_ended: AtomicBool,
    live: Arc<Mutex<Option<Live>>>,
    warnings: Vec<Value>,
    /// The process started by the user's `spawnClaudeCodeProcess`, when there is one.
    process: Option<Arc<JsProcess>>,
    /// The main strings of huge lines a batch left out, by placeholder, until `takeHole`.
    holes: Mutex<HashMap<String, String>>,
    /// The size of the last batch's text: the room the next one starts with.
    pub(super) last_batch: AtomicUsize,
}

impl QueryState {
    /// Wraps a core query (started here or claimed from a pool); `sender` feeds a streamed
    /// prompt; `live` keeps Node alive until the session is over. The session is closed if
    /// `env` is torn down first.
    pub(crate) fn new(
        env: &Env,
        query: claude_wire::Query,
        sender: Option<mpsc::UnboundedSender<Value>>,
        live: Live,
        warnings: Vec<Value>,
        process: Option<Arc<JsProcess>>,
    ) -> napi::Result<Arc<QueryState>> {
        let host = NodeHostLoop::new(env)?;
        let live = Arc::new(Mutex::new(Some(live)));
        napi::bindgen_prelude::within_runtime_if_available(|| {
            // Node may exit once the session is over, read to the end or not.
            let (handle, live) = (query.handle(), live.clone());
            tokio::spawn(async move {
                handle.finished().await;
                release(&live);
            });
        });
        let state = Arc::new_cyclic(|state| QueryState {
            handle: query.handle(),
            messages: Mutex::new(Messages::Idle(query)),
            waiting: Mutex::new(None),
            waker: BatchWaker::new(state.clone()),
            host,
            env: env.raw() as usize,
            prompt: Mutex::new(sender),
            prompt_ended: AtomicBool::new(false),
            live,
            warnings,
            process,
            holes: Mutex::default(),
            last_batch: AtomicUsize::new(0),
        });
        teardown::close_with(env, Arc::downgrade(&state) as _)?;
        Ok(state)
    }

    /// The environment of the JS thread that made the query.
    pub(super) fn env(&self) -> napi::sys::napi_env {
        self.env as napi::sys::napi_env
    }

    /// Keeps the text a batch left out for `hole` until `takeHole`.
    pub(super) fn keep_hole(&self, hole: String, text: String) {
        self.lock_holes().insert(hole, text);
    }

    pub(super) fn release(&self) {
        release(&self.live);
    }

    fn lock_holes(&self) -> MutexGuard<'_, HashMap<String, String>> {
        lock(&self.holes)
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

    /// A chunk of the user-spawned process's stdout.
    pub(crate) fn push_stdout(&self, chunk: Buffer) {
        if let Some(process) = &self.process {
            process.stdout(&chunk);
        }
    }

    /// The user-spawned process exited (after its stdout ended).
    pub(crate) fn process_exited(&self, code: Option<i32>, signal: Option<String>) {
        if let Some(process) = &self.process {
            process.exited(code, signal);
        }
    }

    /// The official SDK's warnings for these options, `[{message, code, category}]`.
    pub(crate) fn warnings(&self) -> Value {
        Value::Array(self.warnings.clone())
    }

    /// The text a batch left out for `hole`, as pieces of about a megabyte to concatenate: the
    /// native copy of each piece is given back as soon as it is made, so the text is held
    /// about once, not twice. Empty when the hole is unknown.
    pub(crate) fn take_hole<'env>(
        &self,
        env: &'env Env,
        hole: String,
    ) -> napi::Result<Array<'env>> {
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
    pub(crate) fn push_prompt(&self, message: String) -> napi::Result<bool> {
        let value: Value = serde_json::from_str(&message).map_err(invalid)?;
        let mut sender = self.prompt.lock().unwrap_or_else(|e| e.into_inner());
        if sender.is_none() && !self.prompt_ended.load(Ordering::SeqCst) {
            // A text-prompt query: `streamInput` writes to the same CLI, in order.
            *sender = Some(self.late_input());
        }
        Ok(sender.as_ref().is_some_and(|tx| tx.send(value).is_ok()))
    }

    /// Sends a text as the user message the official SDK writes for a string prompt.
    pub(crate) fn push_prompt_text(&self, text: String) -> bool {
        let message = claude_wire::prompt::user_message(Flavour::Ts, Value::String(text), "");
        let sender = self.prompt.lock().unwrap_or_else(|e| e.into_inner());
        sender.as_ref().is_some_and(|tx| tx.send(message).is_ok())
    }

    /// Ends a streamed prompt (the CLI's stdin closes once no answer is pending).
    pub(crate) fn end_prompt(&self) {
        self.prompt_ended.store(true, Ordering::SeqCst);
        self.prompt.lock().unwrap_or_else(|e| e.into_inner()).take();
    }

    /// Calls a control method of the official `Query` by name with its arguments by parameter
    /// name (JSON text); resolves to `{"ok": value}` (`{}` for `undefined`) or
    /// `{"error": record}` as JSON text.
    pub(crate) async fn call(&self, method: String, args: String) -> String {
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
    pub(crate) async fn set_mcp_servers(&self, servers: String, specs: String) -> String {
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
    pub(crate) async fn close(&self) {
        self.end_prompt();
        let _ = self.handle.close().await;
        // A session that never started (its start failed) did not close the process the
        // user's `spawnClaudeCodeProcess` started; it ends here, as the core's own would.
        // (Only a process that was started: one never started has nothing to close.)
        if let Some(process) = self.process.as_ref().filter(|p| p.is_ready()) {
            let _ = process.close().await;
        }
        *lock(&self.messages) = Messages::Over;
        // Texts of batches nobody will read (one asked for ahead of a `return()`).
        self.lock_holes().clear();
        self.release();
        // A `nextBatch` that waits ends (on the JS thread).
        std::task::Wake::wake_by_ref(&self.waker);
    }
}

impl teardown::Close for QueryState {
    fn close(self: Arc<Self>) {
        napi::bindgen_prelude::spawn(async move { QueryState::close(&self).await });
    }
}

/// A control method's outcome as `call` resolves it.
fn answer(outcome: claude_wire::Result<Option<Value>>) -> String {
    match outcome {
        Ok(Some(value)) => json!({ "ok": value }).to_string(),
        Ok(None) => "{}".to_owned(),
        Err(e) => failed(&e).to_string(),
    }
}

/// Locks `mutex`, also one a panic left poisoned.
pub(super) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}
