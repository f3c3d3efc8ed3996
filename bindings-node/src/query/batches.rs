//! `nextBatch`: the messages ready now as one JSON text, or a promise of the next ones.
//!
//! The promise is settled on the JS thread by the message stream's waker. When the JS thread's
//! poll callback read the message (the usual case), that happens right after the read, in the
//! same turn of the loop; when a runtime thread read it, through one job posted to the JS
//! thread. No runtime task waits in between.

use super::state::{lock, QueryState};
use super::{BATCH_BYTES, BATCH_MESSAGES};
use crate::errors::failed;
use crate::host_loop::Hold;
use claude_wire::transport::JsonMessage;
use futures::future::BoxFuture;
use futures::FutureExt;
use napi::bindgen_prelude::{FromNapiValue, Unknown};
use napi::{sys, Env};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::task::{Context, Poll, Wake, Waker};

type Item = Option<claude_wire::Result<JsonMessage>>;

/// The query's message stream as `nextBatch` reads it.
pub(super) enum Messages {
    /// No read under way.
    Idle(claude_wire::Query),
    /// A read that waits, holding the query: kept, not dropped and begun again, since what it
    /// waits on forgets a waker whose future is dropped.
    Reading(BoxFuture<'static, (claude_wire::Query, Item)>),
    /// Read to the end, or closed.
    Over,
}

impl Messages {
    /// The next item if it is ready, else `None` (the reading goes on: `cx` is woken).
    fn poll_next(&mut self, cx: &mut Context<'_>) -> Option<Item> {
        let mut reading = match std::mem::replace(self, Messages::Over) {
            Messages::Idle(mut query) => async move {
                let item = query.next_json().await;
                (query, item)
            }
            .boxed(),
            Messages::Reading(reading) => reading,
            Messages::Over => return Some(None),
        };
        match reading.as_mut().poll(cx) {
            Poll::Ready((query, item)) => {
                *self = Messages::Idle(query);
                Some(item)
            }
            Poll::Pending => {
                *self = Messages::Reading(reading);
                None
            }
        }
    }

    /// The next item if it is ready at once (no read is left waiting).
    fn next_now(&mut self) -> Option<Item> {
        match self {
            Messages::Idle(query) => query.next_json().now_or_never(),
            _ => None,
        }
    }
}

/// The promise of a `nextBatch` that found nothing ready (used on its JS thread only), and a
/// hold on that thread's loop until it is settled.
pub(super) struct Waiting(sys::napi_deferred, #[allow(dead_code)] Hold);

// SAFETY: created and settled on its JS thread only; dropped unsettled on any thread, nothing
// is done with it (its handle is then freed with the environment).
unsafe impl Send for Waiting {}

/// Wakes the JS thread for the `nextBatch` that waits.
pub(super) struct BatchWaker {
    state: Weak<QueryState>,
    /// A job that settles it is queued and has not run yet.
    queued: AtomicBool,
}

impl BatchWaker {
    pub(super) fn new(state: Weak<QueryState>) -> Arc<BatchWaker> {
        Arc::new(BatchWaker {
            state,
            queued: AtomicBool::new(false),
        })
    }
}

impl Wake for BatchWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref()
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if self.queued.swap(true, Ordering::AcqRel) {
            return;
        }
        let Some(state) = self.state.upgrade() else {
            return;
        };
        let waker = self.clone();
        state.host.soon(
            state.env(),
            Box::new(move || {
                waker.queued.store(false, Ordering::Release);
                if let Some(state) = waker.state.upgrade() {
                    state.settle_waiting();
                }
            }),
        );
    }
}

impl QueryState {
    /// `nextBatch`, on the JS thread: the batch ready now, or a promise of the next one.
    pub(super) fn next_batch<'env>(&self, env: &'env Env) -> napi::Result<Unknown<'env>> {
        if lock(&self.waiting).is_some() {
            return Err(napi::Error::from_reason("a batch is already awaited"));
        }
        if let Some(text) = self.ready_batch() {
            // SAFETY: on the JS thread, inside a napi call.
            return unsafe { Unknown::from_napi_value(env.raw(), js_text(env.raw(), &text)?) };
        }
        let (mut deferred, mut promise) = (std::ptr::null_mut(), std::ptr::null_mut());
        // SAFETY: on the JS thread, inside a napi call.
        let status = unsafe { sys::napi_create_promise(env.raw(), &mut deferred, &mut promise) };
        if status != sys::Status::napi_ok {
            return Err(napi::Error::from_reason("cannot make a promise"));
        }
        *lock(&self.waiting) = Some(Waiting(deferred, self.host.hold()));
        // SAFETY: a promise just made in this scope.
        unsafe { Unknown::from_napi_value(env.raw(), promise) }
    }

    /// On the JS thread, with a handle scope open: settles the waiting promise if its batch is
    /// ready (else it goes on waiting).
    pub(super) fn settle_waiting(&self) {
        let Some(waiting) = lock(&self.waiting).take() else {
            return;
        };
        let Some(text) = self.ready_batch() else {
            *lock(&self.waiting) = Some(waiting);
            return;
        };
        let env = self.env();
        // Fails only while the environment stops (it can no longer run JS): nothing waits then.
        // SAFETY: on the JS thread with a handle scope open (see above).
        if let Ok(text) = unsafe { js_text(env, &text) } {
            // SAFETY: on the deferred's JS thread; a deferred is settled once (it was taken).
            unsafe { sys::napi_resolve_deferred(env, waiting.0, text) };
        }
    }

    /// The messages ready now as a batch: `{"messages": [...], "holes"?: [[i, hole]...],
    /// "error"?: record, "done": bool}` as JSON text; `None` when there is none yet (the waker
    /// is woken when there is). Message `i` of `holes` is a huge line taken apart: its string
    /// `hole` stands for the text `takeHole(hole)` gives.
    fn ready_batch(&self) -> Option<Vec<u8>> {
        let waker = Waker::from(self.waker.clone());
        let mut cx = Context::from_waker(&waker);
        let mut messages = lock(&self.messages);
        let batch = napi::bindgen_prelude::within_runtime_if_available(|| {
            let mut item = messages.poll_next(&mut cx)?;
            // Made once something is ready: a wait allocates nothing.
            let mut batch = Batch::new(self.last_batch.load(Ordering::Relaxed));
            while batch.add(item, self) && !batch.full() {
                match messages.next_now() {
                    Some(next) => item = next,
                    None => break,
                }
            }
            Some(batch)
        })?;
        if batch.done {
            *messages = Messages::Over;
            drop(messages);
            self.release();
        }
        let text = batch.text();
        self.last_batch.store(text.len(), Ordering::Relaxed);
        Some(text)
    }
}

/// A batch being gathered.
struct Batch {
    out: Vec<u8>,
    holes: Vec<Value>,
    /// The bytes of the batch's texts held beside it (in `holes`).
    held: usize,
    count: usize,
    error: Option<claude_wire::Error>,
    done: bool,
}

impl Batch {
    /// A batch with room for `like` bytes (the last one's size, so that a flood's batches are
    /// not copied as they grow; no more than a full batch, after a huge line).
    fn new(like: usize) -> Batch {
        let like = like.min(BATCH_BYTES);
        let mut out = Vec::with_capacity(like + like / 8);
        out.extend_from_slice(b"{\"messages\":[");
        Batch {
            out,
            holes: Vec::new(),
            held: 0,
            count: 0,
            error: None,
            done: false,
        }
    }

    /// Adds one item of the stream; `false` when it ended the stream (an error or the end).
    fn add(&mut self, item: Option<claude_wire::Result<JsonMessage>>, state: &QueryState) -> bool {
        match item {
            Some(Ok(message)) => {
                if self.count > 0 {
                    self.out.push(b',');
                }
                // The CLI's own line, as the official SDK parses it.
                match message {
                    JsonMessage::Whole(line) => self.out.extend_from_slice(&line),
                    JsonMessage::Split(split) => {
                        self.out.extend_from_slice(&split.rest);
                        self.held += split.text.len();
                        self.holes.push(json!([self.count, split.hole]));
                        state.keep_hole(split.hole, split.text);
                    }
                }
                self.count += 1;
                true
            }
            Some(Err(e)) => {
                self.error = Some(e);
                false
            }
            None => {
                self.done = true;
                false
            }
        }
    }

    fn full(&self) -> bool {
        self.count >= BATCH_MESSAGES || self.out.len() + self.held >= BATCH_BYTES
    }

    fn text(mut self) -> Vec<u8> {
        self.out.push(b']');
        if !self.holes.is_empty() {
            self.out.extend_from_slice(b",\"holes\":");
            self.out
                .extend_from_slice(Value::Array(self.holes).to_string().as_bytes());
        }
        if let Some(error) = self.error {
            self.out.extend_from_slice(b",\"error\":");
            self.out
                .extend_from_slice(failed(&error)["error"].to_string().as_bytes());
        }
        self.out.extend_from_slice(if self.done {
            b",\"done\":true}"
        } else {
            b",\"done\":false}"
        });
        self.out
    }
}

/// A JS string of `text`, UTF-8 (checked lines, and what serde_json writes), handed to V8 as
/// bytes: V8 decodes them anyway, so they are not checked here a second time.
///
/// # Safety
/// On the JS thread of `env`, with a handle scope open.
unsafe fn js_text(env: sys::napi_env, text: &[u8]) -> napi::Result<sys::napi_value> {
    let mut value = std::ptr::null_mut();
    // SAFETY: as the caller promises; the bytes are read, not kept.
    let status = unsafe {
        sys::napi_create_string_utf8(env, text.as_ptr().cast(), text.len() as isize, &mut value)
    };
    match status {
        sys::Status::napi_ok => Ok(value),
        _ => Err(napi::Error::from_reason("cannot make a string")),
    }
}
