//! `type: "system"` messages: one struct per known subtype, unknown subtypes kept as data.

use serde_json::Value;

use super::chat::AssistantError;
use super::wire::{wire_struct, Misfit, Object};

/// A `type: "system"` message.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SystemMessage {
    /// The subtype (`init`, `status`, `api_retry`, ...), as sent.
    pub subtype: String,
    /// Id of this message.
    pub uuid: Option<String>,
    /// Session id.
    pub session_id: Option<String>,
    /// The subtype-specific fields.
    pub body: SystemBody,
}

macro_rules! system_bodies {
    ($( $(#[$doc:meta])* $variant:ident($wrap:ty => $ty:ident) = $($sub:literal)|+ ),* $(,)?) => {
        /// The subtype-specific part of a [`SystemMessage`].
        #[derive(Debug, Clone, PartialEq)]
        pub enum SystemBody {
            $( $(#[$doc])* $variant($wrap), )*
            /// A subtype this version does not model: every field but `type`, `subtype`,
            /// `uuid` and `session_id`, as received.
            Other(Object),
        }

        impl SystemBody {
            fn check(subtype: &str, map: &Object) -> Result<(), Misfit> {
                match subtype {
                    $( $($sub)|+ => $ty::check_map(map), )*
                    _ => Ok(()),
                }
            }

            fn from_map(subtype: &str, mut map: Object, skip: &[&str]) -> SystemBody {
                match subtype {
                    $( $($sub)|+ => SystemBody::$variant($ty::from_map(map, skip).into()), )*
                    _ => {
                        map.retain(|k, _| !skip.contains(&k.as_str()));
                        SystemBody::Other(map)
                    }
                }
            }

            fn write_map(self, out: &mut Object) {
                match self {
                    $( SystemBody::$variant(b) => b.write_map(out), )*
                    SystemBody::Other(map) => super::wire::merge_extra(out, map),
                }
            }
        }
    };
}

system_bodies! {
    /// `init`: session metadata, sent at the start of each turn.
    Init(Box<SystemInit> => SystemInit) = "init",
    /// `status`: the session status changed (`requesting`, `compacting`, or `null`).
    Status(StatusInfo => StatusInfo) = "status",
    /// `api_retry`: an API call failed and will be retried.
    ApiRetry(ApiRetry => ApiRetry) = "api_retry",
    /// `compact_boundary`: the conversation was compacted here.
    CompactBoundary(CompactBoundary => CompactBoundary) = "compact_boundary",
    /// `permission_denied`: a tool call was denied without asking.
    PermissionDenied(PermissionDenied => PermissionDenied) = "permission_denied",
    /// `hook_started`: a hook began (with `--include-hook-events`).
    HookStarted(HookEvent => HookEvent) = "hook_started",
    /// `hook_progress`: output of a running hook.
    HookProgress(HookEvent => HookEvent) = "hook_progress",
    /// `hook_response`: a hook finished.
    HookResponse(HookEvent => HookEvent) = "hook_response",
    /// `task_started`: a background task or subagent started.
    TaskStarted(TaskStarted => TaskStarted) = "task_started",
    /// `task_progress`: a task made progress.
    TaskProgress(TaskProgress => TaskProgress) = "task_progress",
    /// `task_notification`: a task completed, failed or was stopped.
    TaskNotification(TaskNotification => TaskNotification) = "task_notification",
    /// `task_updated`: a task's state changed (`patch` holds the changed fields).
    TaskUpdated(TaskUpdated => TaskUpdated) = "task_updated",
    /// `session_state_changed`: `idle`, `running` or `requires_action`.
    SessionStateChanged(SessionStateChanged => SessionStateChanged) = "session_state_changed",
    /// `informational`: a text banner.
    Informational(Informational => Informational) = "informational",
    /// `local_command_output`: output of a local slash command.
    LocalCommandOutput(LocalCommandOutput => LocalCommandOutput) = "local_command_output",
    /// `notification`: a text notification.
    Notification(Notification => Notification) = "notification",
    /// `thinking_tokens`: estimated thinking tokens so far.
    ThinkingTokens(ThinkingTokens => ThinkingTokens) = "thinking_tokens",
    /// `elicitation_complete`: an MCP server finished a URL elicitation.
    ElicitationComplete(ElicitationComplete => ElicitationComplete) = "elicitation_complete",
    /// `plugin_install`: plugin installation progress.
    PluginInstall(PluginInstall => PluginInstall) = "plugin_install",
    /// `mirror_error`: a session-store append failed.
    MirrorError(MirrorError => MirrorError) = "mirror_error",
}

impl Default for SystemBody {
    fn default() -> Self {
        SystemBody::Other(Object::new())
    }
}

impl SystemMessage {
    pub(crate) fn check_map(map: &Object) -> Result<(), Misfit> {
        super::wire::check_required::<String>(map, "subtype")?;
        let subtype = map.get("subtype").and_then(Value::as_str).unwrap_or("");
        SystemBody::check(subtype, map)
    }

    pub(crate) fn from_map(map: Object) -> SystemMessage {
        // The common fields are copied (short strings) and skipped while the body is built,
        // which is cheaper than removing them from an order-preserving map.
        let subtype = map
            .get("subtype")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        let uuid = map.get("uuid").and_then(Value::as_str).map(str::to_owned);
        let session_id = map
            .get("session_id")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let mut skip: [&str; 4] = ["type", "subtype", "", ""];
        let mut n = 2;
        for (key, present) in [
            ("uuid", uuid.is_some()),
            ("session_id", session_id.is_some()),
        ] {
            if present {
                skip[n] = key;
                n += 1;
            }
        }
        let body = SystemBody::from_map(&subtype, map, &skip[..n]);
        SystemMessage {
            subtype,
            uuid,
            session_id,
            body,
        }
    }

    /// A system frame kept as received, without checking its subtype's fields (what the
    /// Python SDK delivers for the subtypes it does not validate).
    pub(crate) fn unchecked(mut map: Object) -> SystemMessage {
        let text = |map: &mut Object, key: &str| match map.remove(key) {
            Some(Value::String(s)) => Some(s),
            Some(other) => {
                map.insert(key.to_owned(), other);
                None
            }
            None => None,
        };
        map.remove("type");
        let subtype = text(&mut map, "subtype").unwrap_or_default();
        let uuid = text(&mut map, "uuid");
        let session_id = text(&mut map, "session_id");
        SystemMessage {
            subtype,
            uuid,
            session_id,
            body: SystemBody::Other(map),
        }
    }

    pub(crate) fn write_map(self, out: &mut Object) {
        out.insert("subtype".to_owned(), Value::String(self.subtype));
        self.body.write_map(out);
        if let Some(uuid) = self.uuid {
            out.insert("uuid".to_owned(), Value::String(uuid));
        }
        if let Some(session_id) = self.session_id {
            out.insert("session_id".to_owned(), Value::String(session_id));
        }
    }

    /// The `init` data, when this is `system/init`.
    pub fn as_init(&self) -> Option<&SystemInit> {
        match &self.body {
            SystemBody::Init(init) => Some(init),
            _ => None,
        }
    }
}

wire_struct! {
    /// `system/init`: what the session runs with.
    pub struct SystemInit {
        /// Working directory.
        opt cwd: String = "cwd",
        /// Tools the model can use.
        opt tools: Vec<String> = "tools",
        /// MCP servers and their connection status.
        opt mcp_servers: Vec<McpServerInfo> = "mcp_servers",
        /// Model name.
        opt model: String = "model",
        /// Permission mode (`permissionMode`): `default`, `acceptEdits`, `plan`, ...
        opt permission_mode: String = "permissionMode",
        /// Slash commands available.
        opt slash_commands: Vec<String> = "slash_commands",
        /// Slash commands bound to a terminal.
        opt terminal_slash_commands: Vec<String> = "terminal_slash_commands",
        /// Where the API key came from (`apiKeySource`).
        opt api_key_source: String = "apiKeySource",
        /// CLI version.
        opt claude_code_version: String = "claude_code_version",
        /// Output style name.
        opt output_style: String = "output_style",
        /// Subagent names.
        opt agents: Vec<String> = "agents",
        /// Skill names.
        opt skills: Vec<String> = "skills",
        /// Loaded plugins.
        opt plugins: Vec<PluginInfo> = "plugins",
        /// Plugins that failed to load.
        opt plugin_errors: Vec<Value> = "plugin_errors",
        /// API betas in use.
        opt betas: Vec<String> = "betas",
        /// Protocol capabilities of this CLI, for feature detection.
        opt capabilities: Vec<String> = "capabilities",
        /// Fast-mode state (`off`, `cooldown`, `on`).
        opt fast_mode_state: String = "fast_mode_state",
        /// Why fast mode is unavailable.
        opt fast_mode_disabled_reason: String = "fast_mode_disabled_reason",
        /// Effort level.
        opt effort: String = "effort",
    }
}

wire_struct! {
    /// An MCP server in `system/init`.
    pub struct McpServerInfo {
        /// Server name.
        req name: String = "name",
        /// `connected`, `failed`, `needs-auth`, `pending`, ...
        req status: String = "status",
        /// Where its definition came from (`sdk`, `user`, `project`, ...).
        opt source: String = "source",
    }
}

wire_struct! {
    /// A plugin in `system/init`.
    pub struct PluginInfo {
        /// Plugin name.
        req name: String = "name",
        /// Path (or `builtin`).
        opt path: String = "path",
        /// Declared version.
        opt version: String = "version",
        /// `name@marketplace`.
        opt source: String = "source",
    }
}

wire_struct! {
    /// `system/status`.
    pub struct StatusInfo {
        /// `requesting`, `compacting`; `null` (kept in `extra`) when idle.
        opt status: String = "status",
        /// Permission mode, when it changed (`permissionMode`).
        opt permission_mode: String = "permissionMode",
        /// `success` or `failed` after a compaction.
        opt compact_result: String = "compact_result",
        /// Error text of a failed compaction.
        opt compact_error: String = "compact_error",
    }
}

wire_struct! {
    /// `system/api_retry`.
    pub struct ApiRetry {
        /// Attempt number (from 1).
        opt attempt: u64 = "attempt",
        /// Retry budget.
        opt max_retries: u64 = "max_retries",
        /// Delay before the retry.
        opt retry_delay_ms: u64 = "retry_delay_ms",
        /// HTTP status; `null` (kept in `extra`) for connection errors.
        opt error_status: i64 = "error_status",
        /// Error kind.
        opt error: AssistantError = "error",
    }
}

wire_struct! {
    /// `system/compact_boundary`.
    pub struct CompactBoundary {
        /// `trigger` (`manual`/`auto`), `pre_tokens`, `post_tokens`, ...
        opt compact_metadata: Value = "compact_metadata",
    }
}

wire_struct! {
    /// `system/permission_denied`.
    pub struct PermissionDenied {
        /// Tool name.
        opt tool_name: String = "tool_name",
        /// Tool-use id.
        opt tool_use_id: String = "tool_use_id",
        /// Subagent id when the call came from a subagent.
        opt agent_id: String = "agent_id",
        /// What decided (`classifier`, `mode`, `rule`, ...).
        opt decision_reason_type: String = "decision_reason_type",
        /// Human-readable reason.
        opt decision_reason: String = "decision_reason",
        /// Message returned to the model.
        opt message: String = "message",
    }
}

wire_struct! {
    /// `system/hook_started`, `hook_progress` and `hook_response`.
    pub struct HookEvent {
        /// Id of this hook run.
        opt hook_id: String = "hook_id",
        /// Hook name.
        opt hook_name: String = "hook_name",
        /// Hook event (`PreToolUse`, `Stop`, ...).
        opt hook_event: String = "hook_event",
        /// Combined output.
        opt output: String = "output",
        /// Standard output.
        opt stdout: String = "stdout",
        /// Standard error.
        opt stderr: String = "stderr",
        /// Exit code (`hook_response`).
        opt exit_code: i64 = "exit_code",
        /// `success`, `error` or `cancelled` (`hook_response`).
        opt outcome: String = "outcome",
    }
}

wire_struct! {
    /// Usage counters of a task.
    pub struct TaskUsage {
        /// Tokens used.
        opt total_tokens: u64 = "total_tokens",
        /// Tool calls made.
        opt tool_uses: u64 = "tool_uses",
        /// Run time.
        opt duration_ms: u64 = "duration_ms",
    }
}

wire_struct! {
    /// `system/task_started`.
    pub struct TaskStarted {
        /// Task id.
        req task_id: String = "task_id",
        /// Task description.
        req description: String = "description",
        /// The tool use that started it.
        opt tool_use_id: String = "tool_use_id",
        /// Task type (`local_agent`, `local_bash`, ...).
        opt task_type: String = "task_type",
        /// Subagent type.
        opt subagent_type: String = "subagent_type",
        /// Id of this run of the task.
        opt run_id: String = "run_id",
        /// Task that launched this one.
        opt parent_task_id: String = "parent_task_id",
        /// Whether it runs in the background.
        opt is_backgrounded: bool = "is_backgrounded",
        /// Prompt given to the task.
        opt prompt: String = "prompt",
    }
}

wire_struct! {
    /// `system/task_progress`.
    pub struct TaskProgress {
        /// Task id.
        req task_id: String = "task_id",
        /// Task description.
        req description: String = "description",
        /// Usage so far.
        req usage: TaskUsage = "usage",
        /// The tool use that started it.
        opt tool_use_id: String = "tool_use_id",
        /// Last tool the task used.
        opt last_tool_name: String = "last_tool_name",
        /// Progress summary.
        opt summary: String = "summary",
        /// Id of this run of the task.
        opt run_id: String = "run_id",
    }
}

wire_struct! {
    /// `system/task_notification`.
    pub struct TaskNotification {
        /// Task id.
        req task_id: String = "task_id",
        /// `completed`, `failed` or `stopped`.
        req status: String = "status",
        /// File holding the task output.
        req output_file: String = "output_file",
        /// Summary.
        req summary: String = "summary",
        /// The tool use that started it.
        opt tool_use_id: String = "tool_use_id",
        /// Final usage.
        opt usage: TaskUsage = "usage",
        /// Id of this run of the task.
        opt run_id: String = "run_id",
    }
}

wire_struct! {
    /// `system/task_updated`.
    pub struct TaskUpdated {
        /// Task id.
        opt task_id: String = "task_id",
        /// Changed fields (`status`, `end_time`, `error`, ...).
        opt patch: Object = "patch",
        /// Id of this run of the task.
        opt run_id: String = "run_id",
    }
}

impl TaskUpdated {
    /// `patch.status` (`pending`, `running`, `completed`, `failed`, `killed`, ...).
    pub fn status(&self) -> Option<&str> {
        self.patch.as_ref()?.get("status")?.as_str()
    }
}

wire_struct! {
    /// `system/session_state_changed`.
    pub struct SessionStateChanged {
        /// `idle`, `running` or `requires_action`.
        opt state: String = "state",
        /// True on frames meant for the SDK host only (not shown to users).
        opt sdk_host_only: bool = "sdk_host_only",
    }
}

wire_struct! {
    /// `system/informational`.
    pub struct Informational {
        /// Text to show.
        opt content: String = "content",
        /// `info`, `notice`, `suggestion` or `warning`.
        opt level: String = "level",
        /// Related tool use.
        opt tool_use_id: String = "tool_use_id",
        /// Whether execution stops after this.
        opt prevent_continuation: bool = "prevent_continuation",
    }
}

wire_struct! {
    /// `system/local_command_output`.
    pub struct LocalCommandOutput {
        /// The output text.
        opt content: String = "content",
    }
}

wire_struct! {
    /// `system/notification`.
    pub struct Notification {
        /// Notification key.
        opt key: String = "key",
        /// Text.
        opt text: String = "text",
        /// `low`, `medium`, `high` or `immediate`.
        opt priority: String = "priority",
    }
}

wire_struct! {
    /// `system/thinking_tokens`.
    pub struct ThinkingTokens {
        /// Estimated thinking tokens so far.
        opt estimated_tokens: i64 = "estimated_tokens",
        /// Change since the previous estimate.
        opt estimated_tokens_delta: i64 = "estimated_tokens_delta",
    }
}

wire_struct! {
    /// `system/elicitation_complete`.
    pub struct ElicitationComplete {
        /// MCP server name.
        opt mcp_server_name: String = "mcp_server_name",
        /// Elicitation id.
        opt elicitation_id: String = "elicitation_id",
    }
}

wire_struct! {
    /// `system/plugin_install`.
    pub struct PluginInstall {
        /// `started`, `installed`, `failed` or `completed`.
        opt status: String = "status",
        /// Plugin or marketplace name.
        opt name: String = "name",
        /// Error text.
        opt error: String = "error",
    }
}

wire_struct! {
    /// `system/mirror_error`.
    pub struct MirrorError {
        /// Error text.
        opt error: String = "error",
        /// The session-store key that failed.
        opt key: Value = "key",
    }
}
