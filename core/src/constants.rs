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

/// The names of the CLI 2.1.330's built-in tools, sorted as the TypeScript SDK lists them
/// (`BUILTIN_TOOL_NAMES`).
pub const BUILTIN_TOOL_NAMES: &[&str] = &[
    "Agent",
    "Artifact",
    "AskUserQuestion",
    "Bash",
    "ClaudeDesign",
    "CronCreate",
    "CronDelete",
    "CronList",
    "Edit",
    "EndConversation",
    "EnterPlanMode",
    "EnterWorktree",
    "ExitPlanMode",
    "ExitWorktree",
    "Glob",
    "Grep",
    "ListAgents",
    "ListMcpResourcesTool",
    "LSP",
    "Monitor",
    "NotebookEdit",
    "OfferChromeSetup",
    "PowerShell",
    "Projects",
    "propose_skills",
    "PushNotification",
    "Read",
    "ReadMcpResourceDirTool",
    "ReadMcpResourceTool",
    "ReadNotifications",
    "RemoteTrigger",
    "ReportFindings",
    "ScheduleWakeup",
    "SendFeedback",
    "SendMessage",
    "SendUserFile",
    "SendUserMessage",
    "SetGoal",
    "ShareOnboardingGuide",
    "ShowOnboardingRolePicker",
    "Skill",
    "SubagentHandback",
    "TaskCreate",
    "TaskGet",
    "TaskList",
    "TaskStop",
    "TaskUpdate",
    "TodoWrite",
    "ToolSearch",
    "WaitForMcpServers",
    "WebFetch",
    "WebSearch",
    "Workflow",
    "Write",
];

/// Older tool names the CLI still accepts, with the built-in tool each now names
/// (`LEGACY_TOOL_NAME_ALIASES`).
pub const LEGACY_TOOL_NAME_ALIASES: &[(&str, &str)] = &[
    ("Task", "Agent"),
    ("KillShell", "TaskStop"),
    ("KillBash", "TaskStop"),
    ("ListPeers", "ListAgents"),
    ("Brief", "SendUserMessage"),
    ("ListMcpResources", "ListMcpResourcesTool"),
    ("ReadMcpResource", "ReadMcpResourceTool"),
    ("ReadMcpResourceDir", "ReadMcpResourceDirTool"),
    ("ProposeGoal", "SetGoal"),
];

/// How the CLI's messages about an organisation policy limit start
/// (`ORG_POLICY_LIMIT_PREFIXES`).
pub const ORG_POLICY_LIMIT_PREFIXES: &[&str] = &["This service is disabled for your org"];

/// How the CLI's usage-limit error messages start (`USAGE_LIMIT_ERROR_PREFIXES`).
pub const USAGE_LIMIT_ERROR_PREFIXES: &[&str] = &[
    "You've hit your",
    "You've reached your",
    "You're out of usage credits",
    "Your org is out of usage · add funds to continue",
    "Your org is out of usage · contact your admin",
    "Your seat type doesn't include usage credits",
    "Your seat type doesn't include usage",
    "Your usage allocation has been disabled by your admin",
    "Your group's usage limit is set to $0",
    "Fable 5 requires usage credits",
    "You're out of extra usage",
    "Your seat type doesn't include extra usage",
];

/// How the CLI's messages about switching to paid usage start (`USAGE_TRANSITION_PREFIXES`).
pub const USAGE_TRANSITION_PREFIXES: &[&str] = &[
    "You're now using usage credits",
    "You're now using your usage allocation",
    "Now using your usage allocation",
    "Now using usage credits",
    "Now using credits",
    "You're now using extra usage",
    "Now using extra usage",
];

/// How the CLI's usage warnings start (`USAGE_WARNING_PREFIXES`).
pub const USAGE_WARNING_PREFIXES: &[&str] = &["You've used", "You're close to"];

/// Default permission modes (`permissions.defaultMode` in settings) that widen what runs
/// without asking, each with the settings tiers not trusted to set it: the files committed
/// with a repository (`project`; and `local` for the two widest). Claude Code drops such a
/// mode from those tiers before it honours it (the TypeScript SDK's
/// `filterEscalatingDefaultMode`).
pub const UNTRUSTED_DEFAULT_MODE_SOURCES: &[(&str, &[&str])] = &[
    ("bypassPermissions", &["project", "local"]),
    ("auto", &["project", "local"]),
    ("acceptEdits", &["project"]),
];
