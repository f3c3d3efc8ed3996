//! The way back to the CLI for a tool handler: its `extra.sendNotification` and
//! `extra.sendRequest` reach the session that called it through the server's link, held here
//! under a number the JS side gets with each call. As the MCP SDK's server, a handler's
//! `extra` works for as long as the session reads from the CLI, also after the call
//! returned; then it answers "Not connected". Links of sessions that ended are let go at the
//! next call or send.

use crate::errors::failed;
use claude_wire::mcp::{not_connected, ServerLink};
use napi_derive::napi;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{LazyLock, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::oneshot;

/// The links of running sessions' servers, each under its number.
static LINKS: LazyLock<Mutex<Links>> = LazyLock::new(Default::default);

#[derive(Default)]
struct Links {
    next: u32,
    held: Vec<(u32, ServerLink)>,
}

fn links() -> MutexGuard<'static, Links> {
    LINKS.lock().unwrap_or_else(|e| e.into_inner())
}

/// The held links, those of sessions that ended let go.
fn open_links() -> MutexGuard<'static, Links> {
    let mut links = links();
    links.held.retain(|(_, held)| held.is_open());
    links
}

/// The number of `link` (0 for none, which reaches nothing): the one it has if it is held
/// already.
pub fn link_id(link: Option<&ServerLink>) -> u32 {
    let Some(link) = link else {
        return 0;
    };
    let mut links = open_links();
    if let Some((id, _)) = links.held.iter().find(|(_, held)| held == link) {
        return *id;
    }
    links.next = links.next.wrapping_add(1).max(1);
    let id = links.next;
    links.held.push((id, link.clone()));
    id
}

/// Sends an in-process server's `message` (JSON text) to the CLI through link `link`: `kind`
/// `"notify"` (a notification) or `"request"` (waits for the answer's result, at most
/// `timeoutMs`). Resolves to `{"ok": result}`, `{}` or `{"error": record}` as JSON text.
/// A request is given up through its canceller (`toolLinkCanceller`, `toolLinkCancel`).
#[napi]
pub async fn tool_link_send(
    link: u32,
    kind: String,
    message: String,
    timeout_ms: Option<f64>,
    canceller: Option<u32>,
) -> String {
    let cancelled = canceller.and_then(|id| lock(&CANCELLERS).get_mut(&id)?.1.take());
    let cancel = async move {
        match cancelled {
            Some(reason) => reason.await.unwrap_or_default(),
            None => std::future::pending().await,
        }
    };
    let found = open_links()
        .held
        .iter()
        .find(|(id, _)| *id == link)
        .map(|(_, l)| l.clone());
    let outcome = match (found, serde_json::from_str::<Value>(&message)) {
        (None, _) => Err(not_connected()),
        (_, Err(e)) => Err(claude_wire::Error::from(e)),
        (Some(link), Ok(message)) if kind == "notify" => link.notify(message).await.map(|()| None),
        (Some(link), Ok(Value::Object(request))) => {
            // As a JS timer: a negative or NaN delay is none.
            let timeout = timeout_ms.map(|ms| Duration::from_millis(ms.max(0.0) as u64));
            link.request_or_cancel(request, timeout, cancel)
                .await
                .map(Some)
        }
        (Some(_), Ok(_)) => Err(claude_wire::Error::Mcp {
            code: None,
            message: "an MCP request must be an object".into(),
        }),
    };
    if let Some(id) = canceller {
        lock(&CANCELLERS).remove(&id);
    }
    match outcome {
        Ok(Some(value)) => json!({ "ok": value }).to_string(),
        Ok(None) => Value::Object(Map::new()).to_string(),
        Err(e) => failed(&e).to_string(),
    }
}

/// The way to give up a request, by number: the reason goes in, the request takes it out.
type Canceller = (
    Option<oneshot::Sender<String>>,
    Option<oneshot::Receiver<String>>,
);

/// The cancellers of requests under way (or about to be sent).
static CANCELLERS: LazyLock<Mutex<HashMap<u32, Canceller>>> = LazyLock::new(Default::default);
static NEXT_CANCELLER: AtomicU32 = AtomicU32::new(0);

fn lock<T>(mutex: &'static Mutex<T>) -> MutexGuard<'static, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// A fresh canceller for one `toolLinkSend` request (made before it is sent, so that a cancel
/// right after the send is not lost).
#[napi]
pub fn tool_link_canceller() -> u32 {
    let id = NEXT_CANCELLER.fetch_add(1, Ordering::Relaxed);
    let (tx, rx) = oneshot::channel();
    lock(&CANCELLERS).insert(id, (Some(tx), Some(rx)));
    id
}

/// Gives up the request of `canceller` with `reason` (the caller's abort reason, as text).
#[napi]
pub fn tool_link_cancel(canceller: u32, reason: String) {
    let sender = lock(&CANCELLERS)
        .get_mut(&canceller)
        .and_then(|entry| entry.0.take());
    if let Some(sender) = sender {
        let _ = sender.send(reason);
    }
}
