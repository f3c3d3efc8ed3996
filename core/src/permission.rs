//! Permission callbacks (`can_use_tool`) and their wire types.
//!
//! SKELETON: the callbacks helper completes this module (typed permission updates, context
//! parsing, wire encoding) keeping these public names.

use crate::{BoxFuture, CallbackError};
use serde_json::Value;
use std::sync::Arc;

/// The permission callback: `(tool_name, input, context) -> allow | deny`.
pub type CanUseTool = Arc<
    dyn Fn(String, Value, ToolPermissionContext) -> BoxFuture<'static, Result<PermissionResult, CallbackError>>
        + Send
        + Sync,
>;

/// Everything the CLI told us about a permission request besides the tool name and input.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ToolPermissionContext {
    /// Suggested permission updates the user could accept ("always allow ...").
    pub suggestions: Vec<Value>,
    /// The path that triggered the request, when there is one.
    pub blocked_path: Option<String>,
    /// Why the CLI is asking.
    pub decision_reason: Option<String>,
    /// The id of the tool call.
    pub tool_use_id: Option<String>,
    /// The sub-agent making the call, when it is not the main agent.
    pub agent_id: Option<String>,
    /// The raw request (all fields, including ones this version does not know).
    pub raw: Value,
}

/// The answer of a permission callback.
#[derive(Debug, Clone, PartialEq)]
pub enum PermissionResult {
    /// Let the tool run.
    Allow {
        /// Replacement input; `None` keeps the original.
        updated_input: Option<Value>,
        /// Permission rule updates to apply.
        updated_permissions: Option<Vec<Value>>,
    },
    /// Refuse the tool call.
    Deny {
        /// Why (shown to the model).
        message: String,
        /// Also interrupt the whole turn.
        interrupt: bool,
    },
}
