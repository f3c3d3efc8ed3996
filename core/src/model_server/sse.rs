//! Rendering a [`Reply`] as Messages API SSE events, a JSON message, or an error body.

use super::script::{ApiError, Block, Reply, ReplyBody};
use bytes::Bytes;
use serde_json::{json, Map, Value};

/// The model name used when neither the reply nor the request names one.
const FALLBACK_MODEL: &str = "model-server";

/// A reply resolved for one request: ids generated, model and usage fixed.
pub(crate) struct Rendered {
    id: String,
    model: String,
    blocks: Vec<Block>,
    stop_reason: String,
    usage: Value,
    chunk: Option<usize>,
}

/// Random id such as `msg_01Ab…` (same shape as the real API's).
pub(crate) fn random_id(prefix: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let tail: String = (0..22)
        .map(|_| ALPHABET[fastrand::usize(..ALPHABET.len())] as char)
        .collect();
    format!("{prefix}_01{tail}")
}

fn default_usage(overrides: Option<&Map<String, Value>>) -> Value {
    let mut usage = json!({
        "input_tokens": 10,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 0,
        "output_tokens": 5,
    });
    if let (Some(over), Value::Object(map)) = (overrides, &mut usage) {
        map.extend(over.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    usage
}

impl Rendered {
    /// Resolves `reply` (which must be a message) for a request that asked for `requested_model`.
    pub(crate) fn new(reply: &Reply, blocks: &[Block], requested_model: Option<&str>) -> Self {
        let blocks = blocks
            .iter()
            .map(|b| match b {
                Block::ToolUse {
                    id: None,
                    name,
                    input,
                } => Block::ToolUse {
                    id: Some(random_id("toolu")),
                    name: name.clone(),
                    input: input.clone(),
                },
                other => other.clone(),
            })
            .collect();
        Rendered {
            id: reply.id.clone().unwrap_or_else(|| random_id("msg")),
            model: reply
                .model
                .as_deref()
                .or(requested_model)
                .unwrap_or(FALLBACK_MODEL)
                .to_string(),
            blocks,
            stop_reason: reply.effective_stop_reason(),
            usage: default_usage(reply.usage.as_ref()),
            chunk: reply.chunk_chars,
        }
    }

    /// The complete message, as a non-streaming request gets it.
    pub(crate) fn message(&self) -> Value {
        json!({
            "id": self.id,
            "type": "message",
            "role": "assistant",
            "model": self.model,
            "content": self.blocks.iter().map(full_block).collect::<Vec<_>>(),
            "stop_reason": self.stop_reason,
            "stop_sequence": null,
            "usage": self.usage,
        })
    }

    /// The SSE events of the streamed message, each one `event:` + `data:` frame.
    pub(crate) fn events(&self) -> Vec<Bytes> {
        let mut events = vec![frame(
            "message_start",
            &json!({"type": "message_start", "message": {
                "id": self.id,
                "type": "message",
                "role": "assistant",
                "model": self.model,
                "content": [],
                "stop_reason": null,
                "stop_sequence": null,
                "usage": self.usage,
            }}),
        )];
        for (index, block) in self.blocks.iter().enumerate() {
            self.block_events(index, block, &mut events);
        }
        events.push(frame(
            "message_delta",
            &json!({
                "type": "message_delta",
                "delta": {"stop_reason": self.stop_reason, "stop_sequence": null},
                "usage": self.usage,
            }),
        ));
        events.push(frame("message_stop", &json!({"type": "message_stop"})));
        events
    }

    fn block_events(&self, index: usize, block: &Block, out: &mut Vec<Bytes>) {
        out.push(frame(
            "content_block_start",
            &json!({"type": "content_block_start", "index": index, "content_block": start_block(block)}),
        ));
        let delta = |d: Value| {
            frame(
                "content_block_delta",
                &json!({"type": "content_block_delta", "index": index, "delta": d}),
            )
        };
        match block {
            Block::Text(text) => out.extend(
                chunks(text, self.chunk).map(|c| delta(json!({"type": "text_delta", "text": c}))),
            ),
            Block::ToolUse { input, .. } => {
                let input = input.to_string();
                out.extend(
                    chunks(&input, self.chunk)
                        .map(|c| delta(json!({"type": "input_json_delta", "partial_json": c}))),
                );
            }
            Block::Thinking {
                thinking,
                signature,
            } => {
                out.extend(
                    chunks(thinking, self.chunk)
                        .map(|c| delta(json!({"type": "thinking_delta", "thinking": c}))),
                );
                out.push(delta(
                    json!({"type": "signature_delta", "signature": signature}),
                ));
            }
            Block::RedactedThinking(_) => {}
        }
        out.push(frame(
            "content_block_stop",
            &json!({"type": "content_block_stop", "index": index}),
        ));
    }
}

fn start_block(block: &Block) -> Value {
    match block {
        Block::Text(_) => json!({"type": "text", "text": ""}),
        Block::ToolUse { id, name, .. } => {
            json!({"type": "tool_use", "id": id, "name": name, "input": {}})
        }
        Block::Thinking { .. } => json!({"type": "thinking", "thinking": "", "signature": ""}),
        Block::RedactedThinking(data) => json!({"type": "redacted_thinking", "data": data}),
    }
}

fn full_block(block: &Block) -> Value {
    match block {
        Block::Text(text) => json!({"type": "text", "text": text}),
        Block::ToolUse { id, name, input } => {
            json!({"type": "tool_use", "id": id, "name": name, "input": input})
        }
        Block::Thinking {
            thinking,
            signature,
        } => {
            json!({"type": "thinking", "thinking": thinking, "signature": signature})
        }
        Block::RedactedThinking(data) => json!({"type": "redacted_thinking", "data": data}),
    }
}

/// Splits `text` into pieces of at most `size` characters (one piece when `size` is `None`).
/// An empty text gives one empty piece, so every block gets at least one delta.
fn chunks(text: &str, size: Option<usize>) -> impl Iterator<Item = String> + '_ {
    let size = size.unwrap_or(usize::MAX).max(1);
    let mut rest = text;
    let mut first = true;
    std::iter::from_fn(move || {
        if rest.is_empty() && !std::mem::take(&mut first) {
            return None;
        }
        first = false;
        let cut = rest.char_indices().nth(size).map_or(rest.len(), |(i, _)| i);
        let (head, tail) = rest.split_at(cut);
        rest = tail;
        Some(head.to_string())
    })
}

/// One SSE frame.
pub(crate) fn frame(event: &str, data: &Value) -> Bytes {
    Bytes::from(format!("event: {event}\ndata: {data}\n\n"))
}

/// The Anthropic JSON error body for `error`.
pub(crate) fn error_body(error: &ApiError, request_id: &str) -> Value {
    json!({
        "type": "error",
        "error": {"type": error.error_type(), "message": error.message()},
        "request_id": request_id,
    })
}

/// Blocks of a message reply; `None` for an error reply.
pub(crate) fn message_blocks(reply: &Reply) -> Option<&[Block]> {
    match &reply.body {
        ReplyBody::Message(blocks) => Some(blocks),
        ReplyBody::Error(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_split_on_char_boundaries() {
        let parts: Vec<_> = chunks("héllo wörld", Some(4)).collect();
        assert_eq!(parts, ["héll", "o wö", "rld"]);
        assert_eq!(chunks("", Some(3)).collect::<Vec<_>>(), [""]);
        assert_eq!(chunks("abc", None).collect::<Vec<_>>(), ["abc"]);
    }

    #[test]
    fn ids_have_the_api_shape() {
        let id = random_id("toolu");
        assert!(id.starts_with("toolu_01"));
        assert_eq!(id.len(), "toolu_01".len() + 22);
    }
}
