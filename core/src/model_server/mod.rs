//! A scripted Anthropic Messages API server: test your agents deterministically, offline,
//! without spending tokens.
//!
//! [`ModelServer`] listens on a free loopback port and answers `POST /v1/messages` the way the
//! real API does (an SSE stream of `message_start`, `content_block_*`, `message_delta`,
//! `message_stop`, or an HTTP error with an Anthropic JSON error body). What it answers comes
//! from a [`Script`] of [`Reply`]s, consumed in order by the CLI's conversation turns. Every
//! request is recorded for assertions.
//!
//! Point the Claude Code CLI at it with `ANTHROPIC_BASE_URL` (plus the isolation variables
//! `ANTHROPIC_API_KEY=<anything>`, `CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1`,
//! `CLAUDE_CODE_MAX_RETRIES=0`, and fresh `CLAUDE_CONFIG_DIR`/`TMPDIR` directories).
//!
//! ```
//! use claude_wire::model_server::{ModelServer, Reply, Script};
//! use serde_json::json;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> claude_wire::Result<()> {
//! let server = ModelServer::start(
//!     Script::new()
//!         .reply(Reply::tool_use("Bash", json!({"command": "echo hi"})))
//!         .reply(Reply::text("The command printed hi.")),
//! )
//! .await?;
//! let base_url = server.url(); // "http://127.0.0.1:<port>": use as ANTHROPIC_BASE_URL
//! # assert!(base_url.starts_with("http://127.0.0.1:"));
//! // ... run the agent against `base_url`, then assert on what the model was sent:
//! // let reqs = server.wait_for_main_requests(2, Duration::from_secs(10)).await?;
//! // assert_eq!(reqs[1].tool_result_texts(), ["hi"]);
//! server.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! # Main and side requests
//!
//! Besides its conversation turns the CLI can send side requests of its own (prompt
//! suggestions, compaction summaries, tiny probes, `count_tokens`); see [`RequestKind`]. A reply
//! without a `when` matcher only answers main requests, so side requests never eat the script.
//! A reply with a `when` matcher answers the first request (main or side) it accepts. Side
//! requests no reply accepts get [`Script::side_reply`] or a harmless default.
//!
//! After a client error (a 4xx other than 408, 409, 429) the CLI sends the same conversation
//! again, up to five times, dropping beta features each time. These are
//! [`RequestKind::Resend`] side requests and get the same error, so a scripted `400` reaches
//! the agent as one error. Retryable errors (429, 5xx, 529) are different: the CLI's retry
//! is a main request and takes the next reply, which is how "fail once, then succeed" is
//! scripted (set `CLAUDE_CODE_MAX_RETRIES` ≥ 1; the CLI 2.1.330 waits about half a second
//! before its first retry).
//!
//! When the script
//! is used up, main requests get [`Script::exhausted_reply`], by default the text
//! `[model-server: script exhausted]`, so a runaway agent ends instead of hanging.
//!
//! # JSON script format
//!
//! A script is an array of replies, or an object
//! `{"replies": [...], "side_reply": REPLY, "exhausted_reply": REPLY}`. A reply is an object:
//!
//! | key | value |
//! |---|---|
//! | `text` | `"hi"`: a text block |
//! | `tool_use` | `{"name": "Bash", "input": {...}, "id"?: "toolu_1"}`: a tool use block |
//! | `thinking` | `"reasoning"` or `{"thinking": "...", "signature"?: "..."}`: a thinking block |
//! | `redacted_thinking` | `"opaque data"`: a redacted thinking block |
//! | `blocks` | `[{"thinking": ...}, {"text": ...}, {"tool_use": ...}, ...]`: several blocks in this order (instead of the keys above) |
//! | `error` | `529` or `{"status": 400, "type"?: "invalid_request_error", "message"?: "...", "headers"?: {"retry-after": "0"}}` |
//! | `delay_ms` | wait before answering |
//! | `delta_delay_ms` | wait between SSE events (a slow reply, e.g. to test interrupts) |
//! | `chunk_chars` | split texts, thinking and tool inputs into deltas of at most N characters |
//! | `stop_reason` | default `tool_use` when the reply uses a tool, else `end_turn` |
//! | `usage` | fields merged over `{"input_tokens": 10, "output_tokens": 5, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}` |
//! | `model` | model name echoed back (default: the requested one) |
//! | `id` | message id (default: a random `msg_01…`) |
//! | `when` | matcher, all keys optional and all must hold: `user_text_contains`, `has_tool_result` (bool), `tool_result_contains`, `model`, `system_contains`, `kind` (`main`, `prompt_suggestion`, `compact`, `probe`, `resend`, `count_tokens`, `other`), `side` (bool) |
//! | `repeat` | `true`: stays in the script and answers every request it is eligible for |
//!
//! `text`, `tool_use`, `thinking` and `redacted_thinking` may be combined in one reply; the
//! blocks are then sent in the order thinking, redacted thinking, text, tool use. `error`
//! cannot be combined with content. Unknown keys are rejected.
//!
//! ```
//! use claude_wire::model_server::Script;
//! let script = Script::from_value(serde_json::json!({
//!     "replies": [
//!         {"thinking": "The user wants a greeting.", "text": "Hello!"},
//!         {"tool_use": {"name": "Bash", "input": {"command": "echo hi"}}},
//!         {"text": "Done.", "when": {"has_tool_result": true}},
//!         {"error": {"status": 529, "headers": {"retry-after": "0"}}},
//!         {"text": "slow answer", "chunk_chars": 2, "delta_delay_ms": 100},
//!     ],
//!     "side_reply": {"text": ""},
//! })).unwrap();
//! assert_eq!(script.replies().len(), 5);
//! ```

mod request;
mod script;
mod server;
mod sse;

pub use request::{RecordedRequest, RequestKind, ResponseOutcome};
pub use script::{ApiError, Block, Reply, ReplyBody, Script, When};
pub use server::{cli_env, ModelServer};

/// How the server classifies `request` (main or side request): the fuzz targets in `core/fuzz`
/// call it. Not a stable API.
#[doc(hidden)]
pub fn classify_request(request: &RecordedRequest) -> RequestKind {
    request::classify(request)
}
