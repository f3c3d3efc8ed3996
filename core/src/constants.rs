//! Lists the official SDKs export as constants, so every binding exports the same values.

/// The session id a client's `query` gives a prompt when the caller names none (the official
/// Python client's default).
pub const DEFAULT_SESSION_ID: &str = "default";

/// Every hook event the CLI 2.1.330 knows, in the TypeScript SDK's order (`HOOK_EVENTS`).
pub const HOOK_EVENTS: &[&str] = &[
    "PreToolUse",
    "PostToolUse",
    "PostToolUseFailure",
    "PostToolBatch",
    "Notification",
    "UserPromptSubmit",
    "UserPromptExpansion",
    "SessionStart",
    "SessionEnd",
    "Stop",
    "StopFailure",
    "SubagentStart",
    "SubagentStop",
    "PreCompact",
    "PostCompact",
    "PreModelSwitch",
    "PostModelSwitch",
    "PermissionRequest",
    "PermissionDenied",
    "Setup",
    "TeammateIdle",
    "TaskCreated",
    "TaskCompleted",
    "Elicitation",
    "ElicitationResult",
    "ConfigChange",
    "WorktreeCreate",
    "WorktreeRemove",
    "InstructionsLoaded",
    "CwdChanged",
    "FileChanged",
    "DirectoryAdded",
    "MessageDisplay",
];

/// Why a session ended, as `SessionEnd` hooks report it (`EXIT_REASONS`).
pub const EXIT_REASONS: &[&str] = &["clear", "resume", "logout", "prompt_input_exit", "other"];

/// The CLI's marker between the static and the dynamic part of a system prompt
/// (`SYSTEM_PROMPT_DYNAMIC_BOUNDARY`).
pub const SYSTEM_PROMPT_DYNAMIC_BOUNDARY: &str = "__SYSTEM_PROMPT_DYNAMIC_BOUNDARY__";
