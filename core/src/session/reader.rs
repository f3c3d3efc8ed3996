//! The reader task: frames from the CLI, routed to the pending control requests, to one
//! handler task per CLI request, or to the message channel.

use super::inbox::{is_plain_message, Backlog, Batch, BatchSender, Delivery};
use super::inline_task::InlineTask;
use super::run::is_main_thread_output;
use super::Shared;
use crate::control::{self, ClosedReason};
use crate::message::policy;
use crate::transport::{on_host_thread, parse_owned_line, FrameStream, LineStream, Transport};
use crate::{Error, Flavour, Result};
use bytes::Bytes;
use futures::future::{AbortHandle, Abortable};
use futures::stream::Fuse;
use futures::{FutureExt, StreamExt};
use serde_json::{Map, Value};
use std::sync::atomic::Ordering;
use std::sync::Arc;

impl Shared {
    pub(super) fn route(
        self: &Arc<Self>,
        frame: Value,
        last_error_result: &mut Option<Map<String, Value>>,
    ) -> Option<Value> {
        let Value::Object(mut map) = frame else {
            return Some(frame);
        };
        let kind = map.get("type").and_then(Value::as_str).unwrap_or_default();
        if let (Some(watch), "keep_alive" | "system") = (&self.startup, kind) {
            watch.note(&map);
        }
        match kind {
            "control_response" => {
                if let Some(Value::Object(response)) = map.remove("response") {
                    self.pending.resolve(response);
                }
                None
            }
            "control_request" => {
                self.spawn_handler(map);
                None
            }
            "control_cancel_request" => {
                if let Some(id) = map.get("request_id").and_then(Value::as_str) {
                    let task = self
                        .inflight
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .remove(id);
                    if let Some(task) = task {
                        task.abort();
                    }
                }
                None
            }
            "transcript_mirror" => {
                // The frame is ours: its entries move to the batcher without a copy.
                if let (Some(mirror), Some(Value::String(path)), Some(Value::Array(entries))) =
                    (&self.mirror, map.remove("filePath"), map.remove("entries"))
                {
                    mirror.enqueue(&path, entries);
                }
                None
            }
            "system"
                if matches!(
                    map.get("subtype").and_then(Value::as_str),
                    Some("task_started" | "task_notification" | "task_updated")
                ) =>
            {
                let subtype = map
                    .get("subtype")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                // The TypeScript SDK does not follow tasks: its run ends at `idle` regardless.
                if self.flavour != Flavour::Ts {
                    self.run.send_modify(|run| run.track_task(subtype, &map));
                }
                *last_error_result = None;
                Some(Value::Object(map))
            }
            "system"
                if map.get("subtype").and_then(Value::as_str) == Some("session_state_changed") =>
            {
                let state = map.get("state").and_then(Value::as_str).map(str::to_owned);
                let flavour = self.flavour;
                self.run.send_modify(|run| {
                    run.session_state = state;
                    // The TypeScript SDK restarts its ceiling at any state change.
                    run.turn_in_progress &= flavour != Flavour::Ts;
                });
                let host_only = map.get("sdk_host_only").and_then(Value::as_bool) == Some(true);
                (!host_only).then_some(Value::Object(map))
            }
            "result" => {
                // Kept (rarely: only error results) to explain the exit that follows. The
                // TypeScript SDK also looks past a model-less turn (an empty success result of
                // no turns) to the error before it.
                let is_error = map.get("is_error").and_then(Value::as_bool) == Some(true);
                let model_less = map.get("subtype").and_then(Value::as_str) == Some("success")
                    && !is_error
                    && map.get("num_turns").and_then(Value::as_u64) == Some(0)
                    && map.get("result").and_then(Value::as_str) == Some("");
                if !(model_less && self.flavour == Flavour::Ts) {
                    *last_error_result = is_error.then(|| map.clone());
                }
                self.run.send_modify(|run| {
                    run.results += 1;
                    run.awaiting_result = false;
                    run.turn_in_progress = false;
                });
                Some(Value::Object(map))
            }
            kind => {
                if matches!(kind, "assistant" | "stream_event")
                    && map.get("parent_tool_use_id") == Some(&Value::Null)
                {
                    self.note_main_thread_output();
                }
                let subtype = map.get("subtype").and_then(Value::as_str);
                if !policy::keeps_error_result(self.flavour, kind, subtype) {
                    *last_error_result = None;
                }
                Some(Value::Object(map))
            }
        }
    }

    /// Answers a CLI request with the user's callback. The callback is polled here once: one
    /// that answers without waiting (a Rust closure that needs no await) is answered on the
    /// reader, with no task and no wake-up; one that waits goes on as a task of its own, and so
    /// does every Python callback (see below).
    fn spawn_handler(self: &Arc<Self>, mut frame: Map<String, Value>) {
        let Some(id) = frame
            .get("request_id")
            .and_then(Value::as_str)
            .map(str::to_owned)
        else {
            return;
        };
        let request = match frame.remove("request") {
            Some(Value::Object(request)) => request,
            _ => Map::new(),
        };
        let Some(handlers) = self.handlers() else {
            return;
        };
        let shared = self.clone();
        let (abort, registration) = AbortHandle::new_pair();
        let task_id = id.clone();
        let session: std::sync::Weak<dyn crate::mcp::Unanswered> = Arc::downgrade(self) as _;
        let answer = async move {
            let handled = handlers.handle(request, &task_id, session);
            let handled = crate::callback::guarded("callback", handled);
            let outcome = match shared.callback_timeout {
                Some(limit) => tokio::time::timeout(limit, handled)
                    .await
                    .unwrap_or_else(|_| Err(format!("callback timed out after {limit:?}").into())),
                None => handled.await,
            };
            let answer = match outcome {
                Ok(Some(response)) => Some(control::success_frame(&task_id, response)),
                Ok(None) => None,
                Err(message) => Some(control::error_frame(&task_id, &message.to_string())),
            };
            let still_wanted = shared
                .inflight
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .remove(&task_id)
                .is_some();
            if let Some(answer) = answer.filter(|_| still_wanted) {
                let _ = shared.transport.write(&answer).await;
            }
        };
        self.inflight
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id, abort);
        let task = Box::pin(Abortable::new(answer, registration).map(drop));
        // Polled by the thread that wakes it: the answer goes out from the thread that
        // finished the callback (see `inline_task`). A Python callback's first poll takes the
        // GIL and calls into Python: never on a runtime thread's reader, which must not wait
        // for another thread's lock; on a host loop's thread (which released the GIL to read)
        // it starts the callback right there.
        if self.flavour == Flavour::Python && !on_host_thread() {
            InlineTask::start_on_runtime(task);
        } else {
            InlineTask::start(task);
        }
    }
}

/// An in-process MCP server's own `mcp_message`: written without waiting for its answer,
/// which is then dropped as unknown.
impl crate::mcp::Unanswered for Shared {
    fn send_unanswered(&self, request: Value) -> crate::BoxFuture<'_, crate::Result<()>> {
        let id = control::next_request_id();
        Box::pin(async move {
            self.transport
                .write(&control::request_frame(&id, request))
                .await
        })
    }

    fn is_finished(&self) -> bool {
        self.run.borrow().finished
    }

    fn finished(&self) -> crate::BoxFuture<'static, ()> {
        let mut run = self.run.subscribe();
        Box::pin(async move {
            let _ = run.wait_for(|state| state.finished).await;
        })
    }
}

/// Where the reader takes the CLI's output from: raw lines when the transport gives them.
pub(super) enum Input {
    Lines(LineStream),
    Frames(Fuse<FrameStream>),
}

/// What one step of [`Input::next`] gives.
enum Chunk {
    Lines(Vec<Result<Bytes>>),
    Frames(Vec<Result<Value>>),
}

/// One line or frame of output.
enum Piece {
    Line(Bytes),
    Frame(Value),
}

/// What a frame from a frame stream (not a raw line) counts for in the backlog.
const FRAME_WEIGHT: usize = 512;

/// At most this many frames of a frame stream go into one batch.
const FRAMES_PER_BATCH: usize = 256;

impl Input {
    /// Takes the transport's output; `None` when it was already taken.
    pub(super) fn take(transport: &dyn Transport) -> Option<Input> {
        match transport.read_lines() {
            Some(lines) => Some(Input::Lines(lines)),
            None => transport.read_frames().map(|f| Input::Frames(f.fuse())),
        }
    }

    /// What is ready, after waiting for at least one item; `None` at the end.
    async fn next(&mut self) -> Option<Chunk> {
        match self {
            Input::Lines(lines) => lines.next().await.map(Chunk::Lines),
            Input::Frames(frames) => {
                let mut batch = vec![frames.next().await?];
                while batch.len() < FRAMES_PER_BATCH {
                    match frames.next().now_or_never() {
                        Some(Some(item)) => batch.push(item),
                        _ => break,
                    }
                }
                Some(Chunk::Frames(batch))
            }
        }
    }
}

/// The reader's state between items.
struct Reading {
    shared: Arc<Shared>,
    tx: BatchSender,
    backlog: Arc<Backlog>,
    /// What goes to the consumer at the end of the current chunk.
    out: Batch,
    last_error_result: Option<Map<String, Value>>,
}

impl Reading {
    fn send(&mut self) {
        if !self.out.is_empty() {
            self.backlog
                .add(self.out.iter().map(Delivery::weight).sum());
            let _ = self.tx.send(std::mem::take(&mut self.out));
        }
    }

    /// Routes one item; `Err` with the error that ends the session.
    async fn take(&mut self, item: Result<Piece>) -> std::result::Result<(), Error> {
        // What a message counts for in the backlog: its line, or a guess for a parsed frame.
        let weight = match &item {
            Ok(Piece::Line(line)) => line.len(),
            _ => FRAME_WEIGHT,
        };
        let frame = match item {
            Ok(Piece::Line(line)) if is_plain_message(&line) => {
                self.last_error_result = None;
                if self.shared.between_results() && is_main_thread_output(&line) {
                    self.shared.note_main_thread_output();
                }
                self.out.push(Delivery::Line(line));
                return Ok(());
            }
            Ok(Piece::Line(line)) => parse_owned_line(line),
            Ok(Piece::Frame(frame)) => Ok(frame),
            Err(error) => Err(error),
        };
        match frame {
            Ok(frame) => {
                let Some(message) = self.shared.route(frame, &mut self.last_error_result) else {
                    return Ok(());
                };
                if self.shared.mirror.is_some() && is_result(&message) {
                    // The store holds the turn before its result is seen; what came before
                    // goes first, so a mirror error arrives right before the result.
                    self.send();
                    if let Some(mirror) = &self.shared.mirror {
                        mirror.flush().await;
                    }
                }
                if let Some(item) = policy::deliver_frame(self.shared.flavour, message) {
                    self.out.push(Delivery::Ready(Box::new(item), weight));
                }
                Ok(())
            }
            Err(error) if error.is_recoverable() => {
                // The answer to one of our requests, too long to read, fails that request now
                // (not at its timeout); the messages go on without it.
                let answered = match &error {
                    Error::LineTooLong {
                        request_id: Some(id),
                        ..
                    } => self.shared.pending.fail(id, error.clone()),
                    _ => false,
                };
                if !answered {
                    self.out.push(Delivery::Ready(Box::new(Err(error)), weight));
                }
                Ok(())
            }
            Err(error) => Err(explain_exit(error, self.last_error_result.take())),
        }
    }

    /// Routes a chunk; `Err` with the error that ends the session.
    async fn take_chunk(&mut self, chunk: Chunk) -> std::result::Result<(), Error> {
        match chunk {
            Chunk::Lines(lines) => {
                for line in lines {
                    self.take(line.map(Piece::Line)).await?;
                }
            }
            Chunk::Frames(frames) => {
                for frame in frames {
                    self.take(frame.map(Piece::Frame)).await?;
                }
            }
        }
        Ok(())
    }
}

pub(super) async fn read_loop(
    shared: Arc<Shared>,
    mut input: Input,
    tx: BatchSender,
    backlog: Arc<Backlog>,
) {
    let mut reading = Reading {
        shared: shared.clone(),
        tx,
        backlog,
        out: Vec::new(),
        last_error_result: None,
    };
    let mut terminal = None;
    loop {
        let chunk = match next_chunk(&shared, &mut input).await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err(stalled) => {
                terminal = Some(stalled);
                break;
            }
        };
        shared.output.touch();
        let taken = reading.take_chunk(chunk).await;
        reading.send();
        if let Err(error) = taken {
            terminal = Some(error);
            break;
        }
        let urgent = || shared.pending.any_waiting() || shared.closing.load(Ordering::SeqCst);
        reading.backlog.wait_for_room(urgent).await;
    }
    if let Some(mirror) = &shared.mirror {
        mirror.flush().await;
    }
    let turn_cut_short =
        shared.run.borrow().awaiting_result && !shared.closing.load(Ordering::SeqCst);
    if terminal.is_none() && turn_cut_short {
        terminal = Some(Error::NoResult);
    }
    let reason = match &terminal {
        Some(error) => ClosedReason::from_error(error),
        None => ClosedReason::Other("the CLI closed its output".into()),
    };
    shared.pending.close(reason);
    shared.run.send_modify(|run| run.finished = true);
    shared.drop_handlers();
    if let Some(error) = terminal {
        let _ = reading
            .tx
            .send(vec![Delivery::Ready(Box::new(Err(error)), 0)]);
    }
}

fn is_result(message: &Value) -> bool {
    message.get("type").and_then(Value::as_str) == Some("result")
}

/// The next chunk of output; with a stall timeout, `Err` when the CLI stays silent that long
/// during a turn while none of our callbacks is still working on an answer.
async fn next_chunk(
    shared: &Shared,
    input: &mut Input,
) -> std::result::Result<Option<Chunk>, Error> {
    let Some(limit) = shared.stall_timeout else {
        return Ok(input.next().await);
    };
    loop {
        if let Ok(item) = tokio::time::timeout(limit, input.next()).await {
            return Ok(item);
        }
        let handlers_busy = !shared
            .inflight
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_empty();
        if shared.run.borrow().awaiting_result && !handlers_busy {
            // The CLI is hung: a graceful close would only wait for it. Kill it.
            let transport = shared.transport.clone();
            tokio::spawn(async move {
                let _ = transport.kill().await;
            });
            return Err(Error::Stalled { idle: limit });
        }
    }
}

/// A non-zero exit right after an error result is explained by that result, not by stderr.
fn explain_exit(error: Error, last_error_result: Option<Map<String, Value>>) -> Error {
    match (error, last_error_result) {
        (
            Error::Process {
                exit_code, signal, ..
            },
            Some(result),
        ) => Error::ErrorResult {
            result: Box::new(Value::Object(result)),
            exit_code,
            signal,
        },
        (error, _) => error,
    }
}
