//! Hooks: user callbacks the CLI calls at points of the agent loop.
//!
//! SKELETON: the callbacks helper completes this module (typed inputs and outputs) keeping these
//! public names.

use crate::{BoxFuture, CallbackError};
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;

/// A hook callback: `(input, tool_use_id, context) -> output`.
pub type HookCallback = Arc<
    dyn Fn(HookInput, Option<String>, HookContext) -> BoxFuture<'static, Result<HookOutput, CallbackError>>
        + Send
        + Sync,
>;

/// Hook callbacks for one event, filtered by a tool-name matcher.
#[derive(Clone, Default)]
pub struct HookMatcher {
    /// Tool name pattern (`"Bash"`, `"Write|Edit"`); `None` matches everything.
    pub matcher: Option<String>,
    /// Callbacks run in order.
    pub hooks: Vec<HookCallback>,
    /// Per-callback timeout the CLI enforces.
    pub timeout: Option<Duration>,
}

/// The input of a hook call, as sent by the CLI.
#[derive(Debug, Clone, PartialEq)]
pub struct HookInput {
    /// The raw JSON input.
    pub raw: Value,
}

/// Extra information passed to a hook callback.
#[derive(Debug, Clone, Default)]
pub struct HookContext {}

/// The output of a hook callback.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HookOutput {
    /// The wire JSON.
    pub raw: Value,
}
