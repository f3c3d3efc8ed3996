//! # claude-wire
//!
//! Drive the [Claude Code](https://docs.anthropic.com/en/docs/claude-code) CLI over its
//! stream-json wire protocol: one-shot [`query()`], a multi-turn [`ClaudeClient`], hooks,
//! permission callbacks, in-process MCP tools and control methods.
//!
//! The crate is the single home of the protocol logic; the Python and Node packages are thin
//! bindings over it.

#![warn(missing_docs)]

mod callback;
pub mod cli;
pub mod client;
pub mod constants;
pub mod control;
pub mod denied_models;
pub mod error;
pub mod flavour;
mod handlers;
pub mod hooks;
pub mod mcp;
pub mod message;
#[cfg(feature = "model-server")]
pub mod model_server;
pub mod options;
pub mod permission;
pub mod pinned;
pub mod pool;
pub mod prompt;
pub mod query;
pub mod redact;
mod session;
pub mod sessions;
pub mod transport;
pub mod ts_callbacks;

pub use client::{ClaudeClient, TransportFactory};
pub use control::{Control, ControlRequest};
pub use error::{Error, Result, TsErrorDetails};
pub use flavour::Flavour;
pub use message::Message;
pub use options::ClaudeAgentOptions;
pub use pool::{Pool, PoolError};
pub use prompt::Prompt;
pub use query::{query, query_stream, query_with_transport, Query, QueryHandle};

use std::future::Future;
use std::pin::Pin;

/// A boxed, `Send` future: the return type of every user callback.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The error a user callback may return; it is reported to the CLI as an error answer and the
/// session goes on.
pub type CallbackError = Box<dyn std::error::Error + Send + Sync>;

/// Version of this crate (the workspace version in the root `Cargo.toml`, which is also the
/// Python package's version), sent to the CLI as `CLAUDE_AGENT_SDK_VERSION` unless
/// [`ClaudeAgentOptions::sdk_version()`] says otherwise.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The Claude Code CLI version this release is tested against ([`pinned::CLI_VERSION`]).
pub const PINNED_CLI_VERSION: &str = pinned::CLI_VERSION;

/// The README's Rust examples, run by `cargo test --doc` so that the README cannot drift from
/// the code (the Python quick start is run by `tests/python/test_readme.py`).
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
mod readme {}
