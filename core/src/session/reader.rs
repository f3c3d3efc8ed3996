//! The reader task: frames from the CLI, routed to the pending control requests, to one
//! handler task per CLI request, or to the message channel.

use super::Shared;
use crate::control::{self, ClosedReason};
use crate::message::Message;
use crate::transport::FrameStream;
use crate::{Error, Flavour, Result};
use futures::StreamExt;
use serde_json::{Map, Value};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use tokio::sync::mpsc;

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
                self.run.send_modify(|run| run.track_task(subtype, &map));
                *last_error_result = None;
                Some(Value::Object(map))
            }
            "system"
                if map.get("subtype").and_then(Value::as_str) == Some("session_state_changed") =>
            {
                let state = map.get("state").and_then(Value::as_str).map(str::to_owned);
                self.run.send_modify(|run| run.session_state = state);
                let host_only = map.get("sdk_host_only").and_then(Value::as_bool) == Some(true);
                (!host_only).then_some(Value::Object(map))
            }
            "result" => {
                // Kept (rarely: only error results) to explain the exit that follows.
                *last_error_result = (map.get("is_error").and_then(Value::as_bool) == Some(true))
                    .then(|| map.clone());
                self.run.send_modify(|run| {
                    run.results += 1;
                    run.awaiting_result = false;
                });
                Some(Value::Object(map))
            }
            _ => {
                *last_error_result = None;
                Some(Value::Object(map))
            }
        }
    }

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
        let shared = self.clone();
        // Holding the lock while spawning keeps the task from finishing before it is registered.
        let mut inflight = self.inflight.lock().unwrap_or_else(|e| e.into_inner());
        let task_id = id.clone();
        let task = tokio::spawn(async move {
            let handled =
                crate::callback::guarded("callback", shared.handlers.handle(request, &task_id));
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
        });
        inflight.insert(id, task.abort_handle());
    }
}

pub(super) async fn read_loop(
    shared: Arc<Shared>,
    mut frames: FrameStream,
    tx: mpsc::UnboundedSender<Result<Message>>,
) {
    let mut last_error_result = None;
    let mut terminal = None;
    loop {
        let item = match next_frame(&shared, &mut frames).await {
            Ok(Some(item)) => item,
            Ok(None) => break,
            Err(stalled) => {
                terminal = Some(stalled);
                break;
            }
        };
        match item {
            Ok(frame) => {
                if let Some(message) = shared.route(frame, &mut last_error_result) {
                    // The store holds the turn before its result is seen.
                    if let Some(mirror) = shared.mirror.as_ref().filter(|_| is_result(&message)) {
                        mirror.flush().await;
                    }
                    if let Some(item) = deliverable(shared.flavour, message) {
                        let _ = tx.send(item);
                    }
                }
            }
            Err(error) if error.is_recoverable() => {
                let _ = tx.send(Err(error));
            }
            Err(error) => {
                terminal = Some(explain_exit(error, last_error_result.take()));
                break;
            }
        }
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
    if let Some(error) = terminal {
        let _ = tx.send(Err(error));
    }
}

/// A message frame as `flavour`'s SDK delivers it (`None` when it skips it).
pub(super) fn deliverable(flavour: Flavour, message: Value) -> Option<Result<Message>> {
    let parsed = if flavour.delivers_frames_unparsed() {
        Ok(Message::Unknown(message))
    } else {
        Message::from_value(message)
    };
    crate::message::policy::deliver(flavour, parsed)
}

fn is_result(message: &Value) -> bool {
    message.get("type").and_then(Value::as_str) == Some("result")
}

/// The next frame; with a stall timeout, `Err` when the CLI stays silent that long during a
/// turn while none of our callbacks is still working on an answer.
async fn next_frame(
    shared: &Shared,
    frames: &mut FrameStream,
) -> std::result::Result<Option<Result<Value>>, Error> {
    let Some(limit) = shared.stall_timeout else {
        return Ok(frames.next().await);
    };
    loop {
        if let Ok(item) = tokio::time::timeout(limit, frames.next()).await {
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
