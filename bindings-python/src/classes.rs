//! The Python classes the native module instantiates, imported once and cached.
#![allow(non_snake_case)]

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

#[allow(non_snake_case, dead_code)]
macro_rules! class_table {
    ($($module:literal => { $($field:ident),* $(,)? })*) => {
        /// Cached handles to the package's Python classes.
        pub struct Classes {
            $($(
                #[allow(non_snake_case, missing_docs)]
                pub $field: Py<PyAny>,
            )*)*
        }

        #[allow(non_snake_case)]
        fn load(py: Python<'_>) -> PyResult<Classes> {
            $(
                let module = py.import($module)?;
                $(
                    let $field = module.getattr(stringify!($field))?.unbind();
                )*
            )*
            Ok(Classes { $($($field,)*)* })
        }
    };
}

class_table! {
    "claude_wire.types" => {
        TextBlock, ThinkingBlock, ToolUseBlock, ToolResultBlock, ServerToolUseBlock,
        ServerToolResultBlock, UserMessage, AssistantMessage, SystemMessage, TaskStartedMessage,
        TaskProgressMessage, TaskNotificationMessage, TaskUpdatedMessage, MirrorErrorMessage,
        HookEventMessage, ResultMessage, DeferredToolUse, StreamEvent, RateLimitInfo,
        RateLimitEvent, ConversationResetMessage, UnknownMessage, ToolPermissionContext,
        PermissionUpdate, CanUseToolShadowedWarning, SessionMessage,
    }
    "claude_wire._errors" => {
        ClaudeSDKError, CLIConnectionError, CLINotFoundError, ProcessError, ResultError,
        CLIJSONDecodeError, MessageParseError, InvalidOptionsError, ControlRequestError,
    }
    "claude_wire._internal" => { pump, run_callback, start_task }
}

static CLASSES: PyOnceLock<Classes> = PyOnceLock::new();

/// The cached classes (imported on first use).
pub fn classes(py: Python<'_>) -> PyResult<&'static Classes> {
    CLASSES.get_or_try_init(py, || load(py))
}
