//! Prompts: what a session sends as user messages, and when stdin may close.

use crate::session::Shared;
use crate::Flavour;
use futures::stream::{BoxStream, StreamExt};
use serde_json::{json, Value};
use std::sync::Arc;

/// What to send to the CLI.
pub enum Prompt {
    /// One user message with this text.
    Text(String),
    /// User-message objects (`{"type":"user","message":{"role":"user","content":..},..}`),
    /// written to the CLI as they arrive.
    Stream(BoxStream<'static, Value>),
}

impl From<&str> for Prompt {
    fn from(text: &str) -> Self {
        Prompt::Text(text.to_string())
    }
}

impl From<String> for Prompt {
    fn from(text: String) -> Self {
        Prompt::Text(text)
    }
}

impl std::fmt::Debug for Prompt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Prompt::Text(text) => f.debug_tuple("Text").field(text).finish(),
            Prompt::Stream(_) => f.write_str("Stream(..)"),
        }
    }
}

/// The user message a flavour's SDK writes for `content` (a text, or content blocks): a text is
/// sent as is (Python) or as one text block (TypeScript).
pub fn user_message(flavour: Flavour, content: Value, session_id: &str) -> Value {
    let content = match (flavour, content) {
        (Flavour::Ts, Value::String(text)) => json!([{"type": "text", "text": text}]),
        (_, content) => content,
    };
    json!({
        "type": "user",
        "session_id": session_id,
        "message": {"role": "user", "content": content},
        "parent_tool_use_id": null,
    })
}

/// Writes the prompt, then closes stdin when the CLI no longer needs it (REFERENCE §4).
pub(crate) async fn feed_prompt(io: Arc<Shared>, prompt: Prompt) {
    let text = matches!(prompt, Prompt::Text(_));
    let fed = match prompt {
        Prompt::Text(text) => {
            let results_before = io.results_seen();
            let sent = io.send_user(Value::String(text), "").await;
            io.mark_prompt_written();
            sent.ok().map(|_| results_before)
        }
        Prompt::Stream(messages) => {
            io.mark_prompt_written();
            write_all(&io, messages).await
        }
    };
    match fed {
        // The TypeScript SDK keeps stdin open for a text prompt's whole run, so control
        // requests work until its result; the run is waited for if the CLI may still ask.
        Some(before) if text && io.flavour() == Flavour::Ts => {
            io.end_input_at_result(before);
            io.wait_result(before).await;
            if io.bidirectional() {
                io.wait_run_over(before).await;
            }
        }
        // Asked once the prompt is written: `setMcpServers` may have added a server meanwhile.
        Some(before) if io.bidirectional() => io.wait_run_over(before).await,
        _ => {}
    }
    let _ = io.end_input().await;
    io.close_if_lingering().await;
}

/// Writes each message of a prompt stream. Returns the number of results seen just before the
/// last message was written (the run to wait for is the one after it), or `None` if nothing was
/// written.
pub(crate) async fn write_all(io: &Shared, mut messages: BoxStream<'static, Value>) -> Option<u64> {
    let mut before_last = None;
    while let Some(message) = messages.next().await {
        let results_before = io.results_seen();
        if io.send_raw(message).await.is_err() {
            break;
        }
        before_last = Some(results_before);
    }
    before_last
}
