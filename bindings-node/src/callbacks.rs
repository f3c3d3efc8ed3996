//! JS callbacks as core callbacks, through one dispatcher function per session.
//!
//! The JS layer passes `dispatch([kind, index, payload, callId])`, which runs the user's callback
//! named by `kind` (`canUseTool`, `hook` #index, `tool` of server #index, `onElicitation`,
//! `onUserDialog`, `stderr`, `store`) with the JSON `payload` and hands its answer,
//! `{"ok": value}` or `{"error": message}` as JSON text, to [`settle_callback`]; and
//! `abort(callId)`, which aborts the `AbortSignal` of a call the core gave up on (the CLI
//! cancelled it, a timeout, the end of the session). The thread-safe functions are weak:
//! callbacks never keep Node alive; the session does (see [`KeepAlive`]).
//!
//! When the call is made while the JS thread's poll callback reads the CLI's output (see
//! `host_loop`), `dispatch` is called right there instead of being queued for a later turn of
//! the loop.
//!
//! The answer comes back through a plain call on the JS thread rather than as the promise
//! `dispatch` returns: awaiting a JS promise from Rust costs two function objects, a reference
//! and a microtask per call; `settleCallback` is one call that wakes the waiting task, which
//! then writes the answer from the JS thread.

use crate::errors::invalid;
use crate::host_loop::{direct_env, CallContext};
use crate::tool_links::link_id;
use claude_wire::hooks::{HookCallback, HookOutput};
use claude_wire::mcp::{SdkMcpServer, SdkMcpTool, ToolCall, ToolResult};
use claude_wire::options::{Callbacks, RequestHandler, StderrCallback};
use claude_wire::permission::{CanUseTool, PermissionResult};
use claude_wire::transport::outside_host;
use claude_wire::{ts_callbacks, CallbackError};
use napi::bindgen_prelude::{Function, FunctionRef, JsValue, ToNapiValue};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi::{Env, Status};
use napi_derive::napi;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use tokio::sync::oneshot;

/// `[kind, index, payload, callId]` (one array argument).
pub type DispatchArgs = (String, u32, String, u32);
/// The JS dispatcher as the native constructors take it. (Spelt out where it is a parameter:
/// the generated TypeScript declarations know no Rust alias.)
pub type DispatchFn<'a> = Function<'a, (String, u32, String, u32), napi::Unknown<'static>>;
type Dispatch =
    ThreadsafeFunction<DispatchArgs, napi::Unknown<'static>, DispatchArgs, Status, false, true>;
type Abort = ThreadsafeFunction<u32, napi::Unknown<'static>, u32, Status, false, true>;
type Strong =
    ThreadsafeFunction<DispatchArgs, napi::Unknown<'static>, DispatchArgs, Status, false, false>;

/// Call ids, unique in the process (0 is a notification, which gets no answer).
static NEXT_CALL: AtomicU32 = AtomicU32::new(1);

/// The calls waiting for their answer, by call id.
fn waiting() -> MutexGuard<'static, HashMap<u32, oneshot::Sender<String>>> {
    static WAITING: OnceLock<Mutex<HashMap<u32, oneshot::Sender<String>>>> = OnceLock::new();
    WAITING
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner())
}

/// A fresh call id (never 0, never one still waiting, also after the counter wraps) for `tx`.
fn register(tx: oneshot::Sender<String>) -> u32 {
    let mut waiting = waiting();
    loop {
        let id = NEXT_CALL.fetch_add(1, Ordering::Relaxed);
        if id != 0 && !waiting.contains_key(&id) {
            waiting.insert(id, tx);
            return id;
        }
    }
}

/// The JS side's answer to call `id` (JSON text); `false` when nobody waits for it any more.
#[napi]
pub fn settle_callback(id: u32, answer: String) -> bool {
    let waiter = waiting().remove(&id);
    waiter.is_some_and(|tx| tx.send(answer).is_ok())
}

/// A strong reference to the dispatcher: while it is held, Node stays alive (one per live
/// session, as a running child process keeps the official SDK's host alive).
pub struct KeepAlive(#[allow(dead_code)] Strong);

/// The two functions of one session.
pub struct Bridge {
    dispatch: Dispatch,
    abort: Abort,
    /// `dispatch` for calls made on its own JS thread, that thread's environment, and the
    /// async context they run in (the one `query()` was called in).
    direct: FunctionRef<DispatchArgs, napi::Unknown<'static>>,
    env: usize,
    context: CallContext,
}

impl Bridge {
    /// Wraps the JS functions; also returns the session's [`KeepAlive`].
    pub fn new(
        dispatch: &DispatchFn<'_>,
        abort: &Function<'_, u32, napi::Unknown<'static>>,
    ) -> napi::Result<(Arc<Bridge>, KeepAlive)> {
        let bridge = Bridge {
            direct: dispatch.create_ref()?,
            env: dispatch.value().env as usize,
            context: CallContext::new(&Env::from_raw(dispatch.value().env))?,
            dispatch: dispatch
                .build_threadsafe_function()
                .callee_handled::<false>()
                .weak::<true>()
                .build()?,
            abort: abort
                .build_threadsafe_function()
                .callee_handled::<false>()
                .weak::<true>()
                .build()?,
        };
        let strong = dispatch
            .build_threadsafe_function()
            .callee_handled::<false>()
            .weak::<false>()
            .build()?;
        Ok((Arc::new(bridge), KeepAlive(strong)))
    }

    /// Runs the JS callback `kind` #`index` with `payload` and returns its value (`None` for
    /// `undefined`); dropping the future aborts the callback's signal.
    pub(crate) async fn answer(
        &self,
        kind: &str,
        index: u32,
        payload: Value,
    ) -> Result<Option<Value>, CallbackError> {
        let (tx, rx) = oneshot::channel();
        let id = register(tx);
        let mut pending = AbortOnDrop {
            bridge: self,
            id,
            armed: true,
        };
        let args = (kind.to_owned(), index, payload.to_string(), id);
        let status = match direct_env().filter(|&env| env as usize == self.env) {
            Some(env) => self.call_here(env, args),
            None => self
                .dispatch
                .call(args, ThreadsafeFunctionCallMode::NonBlocking),
        };
        if status != Status::Ok {
            return Err(format!("the JS callback could not be called: {status}").into());
        }
        let text = rx
            .await
            .map_err(|_| CallbackError::from("the JS callback was dropped before it answered"))?;
        pending.armed = false;
        let mut answer: serde_json::Map<String, Value> = serde_json::from_str(&text)?;
        if let Some(error) = answer.remove("error") {
            return Err(error
                .as_str()
                .unwrap_or("callback failed")
                .to_owned()
                .into());
        }
        // No `ok` is `undefined` from JS.
        Ok(answer.remove("ok"))
    }

    /// [`Bridge::answer`], `undefined` as an empty object (the official SDK's spread of it);
    /// `null` stays `null` (the TypeScript SDK then sends no answer).
    pub(crate) async fn call(
        &self,
        kind: &str,
        index: u32,
        payload: Value,
    ) -> Result<Value, CallbackError> {
        let answer = self.answer(kind, index, payload).await?;
        Ok(answer.unwrap_or_else(|| json!({})))
    }

    /// Calls `dispatch` now, on its JS thread (`env`), as user code: what it wakes is not
    /// polled inside it.
    fn call_here(&self, env: napi::sys::napi_env, args: DispatchArgs) -> Status {
        let dispatch = match self.direct.borrow_back(&Env::from_raw(env)) {
            Ok(dispatch) => dispatch.raw(),
            Err(e) => return e.status,
        };
        // SAFETY: on the JS thread of `env`, with a handle scope open.
        match unsafe { DispatchArgs::to_napi_value(env, args) } {
            Ok(args) => outside_host(|| self.context.call(env, dispatch, &[args])),
            Err(e) => e.status,
        }
    }

    /// Calls the JS side without waiting for an answer (from any thread, also in `Drop`).
    pub(crate) fn notify(&self, kind: &str, payload: Value) {
        let args = (kind.to_owned(), 0, payload.to_string(), 0);
        self.dispatch
            .call(args, ThreadsafeFunctionCallMode::NonBlocking);
    }
}

struct AbortOnDrop<'a> {
    bridge: &'a Bridge,
    id: u32,
    armed: bool,
}

impl Drop for AbortOnDrop<'_> {
    fn drop(&mut self) {
        waiting().remove(&self.id);
        if self.armed {
            self.bridge
                .abort
                .call(self.id, ThreadsafeFunctionCallMode::NonBlocking);
        }
    }
}

/// Which callbacks the JS options carry (the data part refers to them by handle).
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct Spec {
    can_use_tool: bool,
    stderr: bool,
    on_elicitation: bool,
    on_user_dialog: bool,
    /// How many hook functions (`{"$hook": i}` in the data).
    hooks: u32,
    /// In-process MCP servers (`{"$server": i}` in the data).
    servers: Vec<ServerSpec>,
    /// The `sessionStore`: the optional methods it has (its calls are the kind `store`).
    store: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct ServerSpec {
    name: String,
    version: Option<String>,
    tools: Vec<ToolSpec>,
    /// The index its tool calls carry, when it is not the spec's position.
    index: Option<u32>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ToolSpec {
    name: String,
    #[serde(default)]
    description: String,
    input_schema: Value,
    annotations: Option<Value>,
    #[serde(rename = "_meta")]
    meta: Option<Value>,
}

/// The core callbacks for `spec`, all calling through `bridge`.
pub fn build(spec: Value, bridge: &Arc<Bridge>) -> napi::Result<Callbacks> {
    let spec: Spec = serde_json::from_value(spec).map_err(invalid)?;
    let mut callbacks = Callbacks::default();
    if spec.can_use_tool {
        callbacks.can_use_tool = Some(can_use_tool(bridge.clone()));
    }
    if spec.stderr {
        callbacks.stderr = Some(stderr(bridge.clone()));
    }
    if spec.on_elicitation {
        callbacks.on_elicitation = Some(request_handler(bridge.clone(), "onElicitation"));
    }
    if spec.on_user_dialog {
        callbacks.on_user_dialog = Some(request_handler(bridge.clone(), "onUserDialog"));
    }
    callbacks.hooks = (0..spec.hooks).map(|i| hook(bridge.clone(), i)).collect();
    callbacks.mcp_servers = spec
        .servers
        .into_iter()
        .enumerate()
        .map(|(i, server)| sdk_server(bridge, i as u32, server))
        .collect();
    if let Some(methods) = spec.store {
        let implemented = crate::sessions::implemented(&methods);
        callbacks.session_store = Some(crate::sessions::js_store(bridge.clone(), implemented));
    }
    Ok(callbacks)
}

fn can_use_tool(bridge: Arc<Bridge>) -> CanUseTool {
    Arc::new(move |tool_name, input, context| {
        let bridge = bridge.clone();
        Box::pin(async move {
            let request_id = context.request_id.clone().unwrap_or_default();
            let (options, unset) = ts_callbacks::permission_options(&context, &request_id);
            let result = bridge
                .call("canUseTool", 0, json!([tool_name, input, options, unset]))
                .await?;
            let answer = ts_callbacks::permission_answer(result, &context);
            Ok(PermissionResult::Verbatim(answer))
        })
    })
}

fn hook(bridge: Arc<Bridge>, index: u32) -> HookCallback {
    Arc::new(move |input, tool_use_id, _context| {
        let bridge = bridge.clone();
        Box::pin(async move {
            let output = bridge
                .answer("hook", index, json!([input.raw(), tool_use_id]))
                .await?;
            match output {
                // The official SDK forwards it: the CLI reports the hook as failed, and goes on.
                None | Some(Value::Null) => Ok(HookOutput {
                    verbatim: Some(Value::Null),
                    ..HookOutput::default()
                }),
                Some(output) => Ok(HookOutput::from_value(output)?),
            }
        })
    })
}

fn request_handler(bridge: Arc<Bridge>, kind: &'static str) -> RequestHandler {
    Arc::new(move |argument: Value| {
        let bridge = bridge.clone();
        Box::pin(async move { bridge.call(kind, 0, argument).await })
    })
}

fn stderr(bridge: Arc<Bridge>) -> StderrCallback {
    Arc::new(move |line: &str| bridge.notify("stderr", Value::String(line.to_owned())))
}

/// The in-process servers `setMcpServers` adds while a query runs, from their descriptions.
pub fn runtime_servers(specs: Value, bridge: &Arc<Bridge>) -> napi::Result<Vec<SdkMcpServer>> {
    let specs: Vec<ServerSpec> = serde_json::from_value(specs).map_err(invalid)?;
    Ok(specs
        .into_iter()
        .enumerate()
        .map(|(i, spec)| sdk_server(bridge, i as u32, spec))
        .collect())
}

fn sdk_server(bridge: &Arc<Bridge>, position: u32, spec: ServerSpec) -> SdkMcpServer {
    let index = spec.index.unwrap_or(position);
    let mut server = SdkMcpServer::new(spec.name);
    if let Some(version) = spec.version {
        server = server.version(version);
    }
    for tool in spec.tools {
        let (bridge, name) = (bridge.clone(), tool.name.clone());
        let handler = Arc::new(move |args: Value, call: ToolCall| {
            let (bridge, name) = (bridge.clone(), name.clone());
            // The handler's `extra` is built from these: `requestId`, `_meta`, and the link
            // its `sendNotification` / `sendRequest` use.
            let link = link_id(call.link());
            let payload = json!([name, args, call.request_id, call.meta, link]);
            Box::pin(async move {
                let result = bridge.call("tool", index, payload).await?;
                Ok(ToolResult::from_value(&result)?)
            }) as claude_wire::BoxFuture<'static, Result<ToolResult, CallbackError>>
        });
        // zod checks the arguments on the JS side, in the official TypeScript SDK's words.
        let mut sdk_tool = SdkMcpTool::new(tool.name, tool.description, tool.input_schema, handler)
            .validate_input(false);
        if let Some(annotations) = tool.annotations {
            sdk_tool = sdk_tool.annotations(annotations);
        }
        if let Some(meta) = tool.meta {
            sdk_tool = sdk_tool.meta(meta);
        }
        server = server.tool(sdk_tool);
    }
    server
}
