"""Public data types: options, callbacks, messages and content blocks.

Names, field order, defaults and shapes follow ``claude_agent_sdk`` 0.2.187 so that code written
against it runs unchanged. Message and block objects are created by the native module, once per
message, by calling these classes with positional arguments in field order.
"""

import _thread
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Final, Literal, Protocol, TypeAlias, Union

if sys.version_info >= (3, 11):
    from typing import NotRequired, Required, TypedDict
else:  # pragma: no cover - exercised on 3.10 only
    from typing_extensions import NotRequired, Required, TypedDict


# The (instance, thread) pairs whose repr is being made.
_IN_REPR: set[tuple[int, int]] = set()


class _Record:
    """The ``__repr__`` and ``__eq__`` that ``@dataclass`` would write for each class, written
    once. ``@dataclass`` compiles them anew for every class, a sixth of the time ``import
    claude_wire`` took; so every dataclass here is ``@dataclass(repr=False, eq=False)`` on this
    base. They behave as the generated ones do."""

    # A dataclass that compares by value is unhashable.
    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        # A value that holds its own instance shows "..." there, as the generated repr does.
        key = (id(self), _thread.get_ident())
        if key in _IN_REPR:
            return "..."
        _IN_REPR.add(key)
        try:
            shown = ", ".join(
                f"{f.name}={getattr(self, f.name)!r}"
                for f in fields(self)  # type: ignore[arg-type]
                if f.repr
            )
        finally:
            _IN_REPR.discard(key)
        return f"{type(self).__qualname__}({shown})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        compared = [f.name for f in fields(self) if f.compare]  # type: ignore[arg-type]
        return [getattr(self, n) for n in compared] == [getattr(other, n) for n in compared]


# ---------------------------------------------------------------------------
# Simple aliases
# ---------------------------------------------------------------------------

PermissionMode = Literal["default", "acceptEdits", "plan", "bypassPermissions", "dontAsk", "auto"]
SdkBeta = Literal["context-1m-2025-08-07"]
SettingSource = Literal["user", "project", "local"]
EffortLevel: TypeAlias = Literal["low", "medium", "high", "xhigh", "max"]
_SKILLS_ALL: Final = "all"


class SystemPromptPreset(TypedDict):
    """The Claude Code system prompt, optionally with text appended."""

    type: Literal["preset"]
    preset: Literal["claude_code"]
    append: NotRequired[str]
    exclude_dynamic_sections: NotRequired[bool]
    snapshot: NotRequired[bool]


class SystemPromptCustom(TypedDict):
    """A custom system prompt that can also set ``snapshot``."""

    type: Literal["custom"]
    prompt: str
    snapshot: NotRequired[bool]


class SystemPromptFile(TypedDict):
    """A system prompt read from a file."""

    type: Literal["file"]
    path: str


class TaskBudget(TypedDict):
    """API-side token budget for a task."""

    total: int


class ToolsPreset(TypedDict):
    """All default Claude Code tools."""

    type: Literal["preset"]
    preset: Literal["claude_code"]


@dataclass(repr=False, eq=False)
class AgentDefinition(_Record):
    """A sub-agent the model can call through the Agent tool."""

    description: str
    prompt: str
    tools: list[str] | None = None
    disallowedTools: list[str] | None = None  # noqa: N815 - wire spelling
    model: str | None = None
    skills: list[str] | None = None
    memory: Literal["user", "project", "local"] | None = None
    mcpServers: list[str | dict[str, Any]] | None = None  # noqa: N815
    initialPrompt: str | None = None  # noqa: N815
    maxTurns: int | None = None  # noqa: N815
    background: bool | None = None
    effort: EffortLevel | int | None = None
    permissionMode: PermissionMode | None = None  # noqa: N815


# ---------------------------------------------------------------------------
# Permissions
# ---------------------------------------------------------------------------

PermissionUpdateDestination = Literal["userSettings", "projectSettings", "localSettings", "session"]
PermissionBehavior = Literal["allow", "deny", "ask"]
_RULE_UPDATES = ("addRules", "replaceRules", "removeRules")
_DIRECTORY_UPDATES = ("addDirectories", "removeDirectories")


@dataclass(repr=False, eq=False)
class PermissionRuleValue(_Record):
    """One permission rule: a tool, optionally narrowed by a rule content."""

    tool_name: str
    rule_content: str | None = None


@dataclass(repr=False, eq=False)
class PermissionUpdate(_Record):
    """A change to the permission rules, mode or directories."""

    type: Literal[
        "addRules", "replaceRules", "removeRules", "setMode", "addDirectories", "removeDirectories"
    ]
    rules: list[PermissionRuleValue] | None = None
    behavior: PermissionBehavior | None = None
    mode: PermissionMode | None = None
    directories: list[str] | None = None
    destination: PermissionUpdateDestination | None = None

    def to_dict(self) -> dict[str, Any]:
        """The wire form of this update; raises ``ValueError`` when a required field is missing."""
        out: dict[str, Any] = {"type": self.type, "destination": self.destination or "session"}
        if self.type in _RULE_UPDATES:
            if self.rules is None or self.behavior is None:
                missing = "rules" if self.rules is None else "behavior"
                raise ValueError(f"PermissionUpdate(type={self.type!r}) needs {missing}")
            out["rules"] = [_rule_to_wire(rule) for rule in self.rules]
            out["behavior"] = self.behavior
        elif self.type == "setMode":
            if self.mode is None:
                raise ValueError("PermissionUpdate(type='setMode') needs mode")
            out["mode"] = self.mode
        elif self.type in _DIRECTORY_UPDATES:
            if self.directories is None:
                raise ValueError(f"PermissionUpdate(type={self.type!r}) needs directories")
            out["directories"] = self.directories
        else:
            raise ValueError(f"PermissionUpdate type {self.type!r} cannot be sent")
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "PermissionUpdate":
        """Builds an update from its wire form (the inverse of :meth:`to_dict`)."""
        rules = data.get("rules")
        return cls(
            type=data["type"],
            rules=None
            if rules is None
            else [PermissionRuleValue(r["toolName"], r.get("ruleContent")) for r in rules],
            behavior=data.get("behavior"),
            mode=data.get("mode"),
            directories=data.get("directories"),
            destination=data.get("destination"),
        )


def _rule_to_wire(rule: PermissionRuleValue) -> dict[str, Any]:
    wire: dict[str, Any] = {"toolName": rule.tool_name}
    if rule.rule_content is not None:
        wire["ruleContent"] = rule.rule_content
    return wire


@dataclass(repr=False, eq=False)
class ToolPermissionContext(_Record):
    """What the CLI told us about a permission request besides the tool name and input."""

    signal: Any | None = None
    suggestions: list[PermissionUpdate] = field(default_factory=list)
    tool_use_id: str | None = None
    agent_id: str | None = None
    blocked_path: str | None = None
    decision_reason: str | None = None
    title: str | None = None
    display_name: str | None = None
    description: str | None = None


@dataclass(repr=False, eq=False)
class PermissionResultAllow(_Record):
    """Let the tool run, optionally with changed input and permission updates."""

    behavior: Literal["allow"] = "allow"
    updated_input: dict[str, Any] | None = None
    updated_permissions: list[PermissionUpdate] | None = None


@dataclass(repr=False, eq=False)
class PermissionResultDeny(_Record):
    """Refuse the tool call; ``interrupt`` also stops the turn."""

    behavior: Literal["deny"] = "deny"
    message: str = ""
    interrupt: bool = False


PermissionResult = Union[PermissionResultAllow, PermissionResultDeny]
CanUseTool = Callable[[str, dict[str, Any], ToolPermissionContext], Awaitable[PermissionResult]]


class CanUseToolShadowedWarning(UserWarning):
    """``can_use_tool`` is set but other options approve some tool calls before it runs."""


# ---------------------------------------------------------------------------
# Hooks
# ---------------------------------------------------------------------------

HookEvent = Literal[
    "PreToolUse",
    "PostToolUse",
    "PostToolUseFailure",
    "UserPromptSubmit",
    "Stop",
    "SubagentStop",
    "PreCompact",
    "Notification",
    "SubagentStart",
    "PermissionRequest",
]


class HookEffort(TypedDict):
    """Reasoning effort in effect when a hook fires."""

    level: str


class BaseHookInput(TypedDict):
    """Fields common to hook inputs."""

    session_id: str
    transcript_path: str
    cwd: str
    permission_mode: NotRequired[str]
    prompt_id: NotRequired[str]
    effort: NotRequired[HookEffort]


class _SubagentContextMixin(TypedDict, total=False):
    agent_id: str
    agent_type: str


class PreToolUseHookInput(BaseHookInput, _SubagentContextMixin):
    """Input of a PreToolUse hook."""

    hook_event_name: Literal["PreToolUse"]
    tool_name: str
    tool_input: dict[str, Any]
    tool_use_id: str


class PostToolUseHookInput(BaseHookInput, _SubagentContextMixin):
    """Input of a PostToolUse hook."""

    hook_event_name: Literal["PostToolUse"]
    tool_name: str
    tool_input: dict[str, Any]
    tool_response: Any
    tool_use_id: str
    duration_ms: NotRequired[int]


class PostToolUseFailureHookInput(BaseHookInput, _SubagentContextMixin):
    """Input of a PostToolUseFailure hook."""

    hook_event_name: Literal["PostToolUseFailure"]
    tool_name: str
    tool_input: dict[str, Any]
    tool_use_id: str
    error: str
    is_interrupt: NotRequired[bool]
    duration_ms: NotRequired[int]


class UserPromptSubmitHookInput(BaseHookInput):
    """Input of a UserPromptSubmit hook."""

    hook_event_name: Literal["UserPromptSubmit"]
    prompt: str


class BackgroundTaskSummary(TypedDict):
    """A background task listed on Stop inputs."""

    id: str
    type: str
    status: str
    description: str
    command: NotRequired[str]
    agent_type: NotRequired[str]
    server: NotRequired[str]
    tool: NotRequired[str]
    name: NotRequired[str]


class SessionCronSummary(TypedDict):
    """A scheduled wakeup listed on Stop inputs."""

    id: str
    schedule: str
    recurring: bool
    prompt: str


class StopHookInput(BaseHookInput):
    """Input of a Stop hook."""

    hook_event_name: Literal["Stop"]
    stop_hook_active: bool
    last_assistant_message: NotRequired[str]
    background_tasks: NotRequired[list[BackgroundTaskSummary]]
    session_crons: NotRequired[list[SessionCronSummary]]


class SubagentStopHookInput(BaseHookInput):
    """Input of a SubagentStop hook."""

    hook_event_name: Literal["SubagentStop"]
    stop_hook_active: bool
    agent_id: str
    agent_transcript_path: str
    agent_type: str
    last_assistant_message: NotRequired[str]
    background_tasks: NotRequired[list[BackgroundTaskSummary]]
    session_crons: NotRequired[list[SessionCronSummary]]


class PreCompactHookInput(BaseHookInput):
    """Input of a PreCompact hook."""

    hook_event_name: Literal["PreCompact"]
    trigger: Literal["manual", "auto"]
    custom_instructions: str | None


class NotificationHookInput(BaseHookInput):
    """Input of a Notification hook."""

    hook_event_name: Literal["Notification"]
    message: str
    title: NotRequired[str]
    notification_type: str


class SubagentStartHookInput(BaseHookInput):
    """Input of a SubagentStart hook."""

    hook_event_name: Literal["SubagentStart"]
    agent_id: str
    agent_type: str


class PermissionRequestHookInput(BaseHookInput, _SubagentContextMixin):
    """Input of a PermissionRequest hook."""

    hook_event_name: Literal["PermissionRequest"]
    tool_name: str
    tool_input: dict[str, Any]
    permission_suggestions: NotRequired[list[Any]]


HookInput = Union[
    PreToolUseHookInput,
    PostToolUseHookInput,
    PostToolUseFailureHookInput,
    UserPromptSubmitHookInput,
    StopHookInput,
    SubagentStopHookInput,
    PreCompactHookInput,
    NotificationHookInput,
    SubagentStartHookInput,
    PermissionRequestHookInput,
]


def _specific_output(name: str, event: str, **fields: Any) -> type:
    annotations = {"hookEventName": Literal[event]}  # type: ignore[valid-type]
    annotations.update({k: NotRequired[v] for k, v in fields.items()})
    return TypedDict(name, annotations)  # type: ignore[operator]


class PreToolUseHookSpecificOutput(TypedDict):
    """PreToolUse decision: allow, deny, ask or defer, with an optional changed input."""

    hookEventName: Literal["PreToolUse"]
    permissionDecision: NotRequired[Literal["allow", "deny", "ask", "defer"]]
    permissionDecisionReason: NotRequired[str]
    updatedInput: NotRequired[dict[str, Any]]
    additionalContext: NotRequired[str]


class PostToolUseHookSpecificOutput(TypedDict):
    """PostToolUse extras: context for the model, or a replaced tool output."""

    hookEventName: Literal["PostToolUse"]
    additionalContext: NotRequired[str]
    updatedToolOutput: NotRequired[Any]
    updatedMCPToolOutput: NotRequired[Any]


class PermissionRequestHookSpecificOutput(TypedDict):
    """PermissionRequest decision."""

    hookEventName: Literal["PermissionRequest"]
    decision: dict[str, Any]


class WorktreeCreateHookSpecificOutput(TypedDict):
    """WorktreeCreate output."""

    hookEventName: Literal["WorktreeCreate"]
    worktreePath: str


PostToolUseFailureHookSpecificOutput = _specific_output(
    "PostToolUseFailureHookSpecificOutput", "PostToolUseFailure", additionalContext=str
)
UserPromptSubmitHookSpecificOutput = _specific_output(
    "UserPromptSubmitHookSpecificOutput",
    "UserPromptSubmit",
    additionalContext=str,
    sessionTitle=str,
    suppressOriginalPrompt=bool,
)
UserPromptExpansionHookSpecificOutput = _specific_output(
    "UserPromptExpansionHookSpecificOutput",
    "UserPromptExpansion",
    additionalContext=str,
    suppressOriginalPrompt=bool,
)
SessionStartHookSpecificOutput = _specific_output(
    "SessionStartHookSpecificOutput",
    "SessionStart",
    additionalContext=str,
    initialUserMessage=str,
    sessionTitle=str,
    watchPaths=list[str],
    reloadSkills=bool,
)
NotificationHookSpecificOutput = _specific_output(
    "NotificationHookSpecificOutput", "Notification", additionalContext=str
)
SubagentStartHookSpecificOutput = _specific_output(
    "SubagentStartHookSpecificOutput", "SubagentStart", additionalContext=str
)
PostToolBatchHookSpecificOutput = _specific_output(
    "PostToolBatchHookSpecificOutput", "PostToolBatch", additionalContext=str
)
StopHookSpecificOutput = _specific_output("StopHookSpecificOutput", "Stop", additionalContext=str)
SubagentStopHookSpecificOutput = _specific_output(
    "SubagentStopHookSpecificOutput", "SubagentStop", additionalContext=str
)
PermissionDeniedHookSpecificOutput = _specific_output(
    "PermissionDeniedHookSpecificOutput", "PermissionDenied", retry=bool
)
PreModelSwitchHookSpecificOutput = _specific_output(
    "PreModelSwitchHookSpecificOutput",
    "PreModelSwitch",
    permissionDecision=Literal["allow", "deny", "ask"],
    permissionDecisionReason=str,
)
PostModelSwitchHookSpecificOutput = _specific_output(
    "PostModelSwitchHookSpecificOutput", "PostModelSwitch", additionalContext=str
)
ElicitationHookSpecificOutput = _specific_output(
    "ElicitationHookSpecificOutput",
    "Elicitation",
    action=Literal["accept", "decline", "cancel"],
    content=dict[str, Any],
)
ElicitationResultHookSpecificOutput = _specific_output(
    "ElicitationResultHookSpecificOutput",
    "ElicitationResult",
    action=Literal["accept", "decline", "cancel"],
    content=dict[str, Any],
)
CwdChangedHookSpecificOutput = _specific_output(
    "CwdChangedHookSpecificOutput", "CwdChanged", watchPaths=list[str]
)
FileChangedHookSpecificOutput = _specific_output(
    "FileChangedHookSpecificOutput", "FileChanged", watchPaths=list[str]
)
MessageDisplayHookSpecificOutput = _specific_output(
    "MessageDisplayHookSpecificOutput", "MessageDisplay", displayContent=str
)

HookSpecificOutput = Union[
    PreToolUseHookSpecificOutput,
    PostToolUseHookSpecificOutput,
    PermissionRequestHookSpecificOutput,
    WorktreeCreateHookSpecificOutput,
    Any,
]


class AsyncHookJSONOutput(TypedDict):
    """Defers the hook: ``async_`` is sent to the CLI as ``async``."""

    async_: Literal[True]
    asyncTimeout: NotRequired[int]


class SyncHookJSONOutput(TypedDict):
    """Hook output: ``continue_`` is sent to the CLI as ``continue``."""

    continue_: NotRequired[bool]
    suppressOutput: NotRequired[bool]
    stopReason: NotRequired[str]
    decision: NotRequired[Literal["block"]]
    systemMessage: NotRequired[str]
    reason: NotRequired[str]
    hookSpecificOutput: NotRequired[HookSpecificOutput]


HookJSONOutput = Union[AsyncHookJSONOutput, SyncHookJSONOutput]


class HookContext(TypedDict):
    """Extra context passed to hook callbacks (``signal`` is always ``None``)."""

    signal: Any | None


HookCallback = Callable[[HookInput, Union[str, None], HookContext], Awaitable[HookJSONOutput]]


@dataclass(repr=False, eq=False)
class HookMatcher(_Record):
    """Hook callbacks for one event, filtered by a tool-name pattern."""

    matcher: str | None = None
    hooks: list[HookCallback] = field(default_factory=list)
    timeout: float | None = None
    on_failure: Literal["continue", "block"] | None = None


# ---------------------------------------------------------------------------
# MCP servers
# ---------------------------------------------------------------------------


class McpStdioServerConfig(TypedDict):
    """An MCP server started as a subprocess."""

    type: NotRequired[Literal["stdio"]]
    command: str
    args: NotRequired[list[str]]
    env: NotRequired[dict[str, str]]


class McpSSEServerConfig(TypedDict):
    """An MCP server reached over SSE."""

    type: Literal["sse"]
    url: str
    headers: NotRequired[dict[str, str]]


class McpHttpServerConfig(TypedDict):
    """An MCP server reached over streamable HTTP."""

    type: Literal["http"]
    url: str
    headers: NotRequired[dict[str, str]]


class SdkMcpServerInstance(Protocol):
    """What the native side reads of an in-process server (``create_sdk_mcp_server`` makes one)."""

    name: str
    version: str

    def tool_definitions(self) -> list[dict[str, Any]]: ...


class McpSdkServerConfig(TypedDict):
    """An in-process MCP server, as returned by ``create_sdk_mcp_server``."""

    type: Literal["sdk"]
    name: str
    instance: SdkMcpServerInstance


McpServerConfig = Union[
    McpStdioServerConfig, McpSSEServerConfig, McpHttpServerConfig, McpSdkServerConfig
]


class McpSdkServerConfigStatus(TypedDict):
    """An in-process server as reported in status answers."""

    type: Literal["sdk"]
    name: str


class McpClaudeAIProxyServerConfig(TypedDict):
    """A server proxied through Claude.ai (status answers only)."""

    type: Literal["claudeai-proxy"]
    url: str
    id: str


McpServerStatusConfig = Union[
    McpStdioServerConfig,
    McpSSEServerConfig,
    McpHttpServerConfig,
    McpSdkServerConfigStatus,
    McpClaudeAIProxyServerConfig,
]


class McpToolAnnotations(TypedDict, total=False):
    """Tool annotations as reported in MCP status."""

    readOnly: bool
    destructive: bool
    openWorld: bool


class McpToolInfo(TypedDict):
    """A tool of an MCP server, as reported in MCP status."""

    name: str
    description: NotRequired[str]
    annotations: NotRequired[McpToolAnnotations]


class McpServerInfo(TypedDict):
    """Name and version an MCP server announced."""

    name: str
    version: str


McpServerConnectionStatus = Literal["connected", "failed", "needs-auth", "pending", "disabled"]


class McpServerStatus(TypedDict):
    """Status of one MCP server connection."""

    name: str
    status: McpServerConnectionStatus
    serverInfo: NotRequired[McpServerInfo]
    error: NotRequired[str]
    config: NotRequired[McpServerStatusConfig]
    scope: NotRequired[str]
    tools: NotRequired[list[McpToolInfo]]


class McpStatusResponse(TypedDict):
    """Answer of ``get_mcp_status()``."""

    mcpServers: list[McpServerStatus]


class ContextUsageCategory(TypedDict):
    """One category of context usage."""

    name: str
    tokens: int
    color: str
    isDeferred: NotRequired[bool]


class ContextUsageResponse(TypedDict):
    """Answer of ``get_context_usage()`` (wire spelling, passed through)."""

    categories: list[ContextUsageCategory]
    totalTokens: int
    maxTokens: int
    rawMaxTokens: int
    percentage: float
    model: str
    isAutoCompactEnabled: bool
    memoryFiles: list[dict[str, Any]]
    mcpTools: list[dict[str, Any]]
    agents: list[dict[str, Any]]
    gridRows: list[list[dict[str, Any]]]
    autoCompactThreshold: NotRequired[int]
    deferredBuiltinTools: NotRequired[list[dict[str, Any]]]
    systemTools: NotRequired[list[dict[str, Any]]]
    systemPromptSections: NotRequired[list[dict[str, Any]]]
    slashCommands: NotRequired[dict[str, Any]]
    skills: NotRequired[dict[str, Any]]
    messageBreakdown: NotRequired[dict[str, Any]]
    apiUsage: NotRequired[dict[str, Any] | None]


class SdkPluginConfig(TypedDict):
    """A local plugin directory."""

    type: Literal["local"]
    path: str


class SandboxNetworkConfig(TypedDict, total=False):
    """Network settings of the bash sandbox."""

    allowedDomains: list[str]
    deniedDomains: list[str]
    allowManagedDomainsOnly: bool
    allowUnixSockets: list[str]
    allowAllUnixSockets: bool
    allowLocalBinding: bool
    allowMachLookup: list[str]
    httpProxyPort: int
    socksProxyPort: int


SandboxIgnoreViolations: TypeAlias = dict[str, list[str]]


class SandboxSettings(TypedDict, total=False):
    """Bash sandbox settings (merged into ``--settings`` under ``sandbox``)."""

    enabled: bool
    autoAllowBashIfSandboxed: bool
    excludedCommands: list[str]
    allowUnsandboxedCommands: bool
    network: SandboxNetworkConfig
    ignoreViolations: SandboxIgnoreViolations
    enableWeakerNestedSandbox: bool


# ---------------------------------------------------------------------------
# Content blocks
# ---------------------------------------------------------------------------


@dataclass(repr=False, eq=False)
class TextBlock(_Record):
    """Text."""

    text: str


@dataclass(repr=False, eq=False)
class ThinkingBlock(_Record):
    """The model's visible reasoning."""

    thinking: str
    signature: str


@dataclass(repr=False, eq=False)
class ToolUseBlock(_Record):
    """A tool call by the model."""

    id: str
    name: str
    input: dict[str, Any]


@dataclass(repr=False, eq=False)
class ToolResultBlock(_Record):
    """The result of a tool call."""

    tool_use_id: str
    content: str | list[dict[str, Any]] | None = None
    is_error: bool | None = None


ServerToolName = Literal[
    "advisor",
    "web_search",
    "web_fetch",
    "code_execution",
    "bash_code_execution",
    "text_editor_code_execution",
    "tool_search_tool_regex",
    "tool_search_tool_bm25",
]


@dataclass(repr=False, eq=False)
class ServerToolUseBlock(_Record):
    """A tool the API runs server-side for the model."""

    id: str
    name: ServerToolName
    input: dict[str, Any]


@dataclass(repr=False, eq=False)
class ServerToolResultBlock(_Record):
    """The result of a server-side tool call (raw content)."""

    tool_use_id: str
    content: dict[str, Any]


ContentBlock = Union[
    TextBlock,
    ThinkingBlock,
    ToolUseBlock,
    ToolResultBlock,
    ServerToolUseBlock,
    ServerToolResultBlock,
]

# ---------------------------------------------------------------------------
# Messages
# ---------------------------------------------------------------------------

AssistantMessageError = Literal[
    "authentication_failed",
    "billing_error",
    "rate_limit",
    "invalid_request",
    "server_error",
    "unknown",
]
MessageOriginKind = Literal[
    "human",
    "channel",
    "peer",
    "task-notification",
    "coordinator",
    "unclassified",
    "observer",
    "auto-continuation",
    "observer-activity",
]
TaskNotificationOriginSubkind = Literal["scheduled-trigger", "peer-send-message"]
MessageOrigin = TypedDict(
    "MessageOrigin",
    {
        "kind": Required[MessageOriginKind],
        "server": str,
        "from": str,
        "name": str,
        "fromSession": str,
        "senderTaskId": str,
        "body": str,
        "verifiedPeerPid": int,
        "subkind": TaskNotificationOriginSubkind,
    },
    total=False,
)


@dataclass(repr=False, eq=False)
class UserMessage(_Record):
    """A user turn (a prompt, or tool results fed back to the model)."""

    content: str | list[ContentBlock]
    uuid: str | None = None
    parent_tool_use_id: str | None = None
    tool_use_result: dict[str, Any] | None = None
    origin: MessageOrigin | None = None


@dataclass(repr=False, eq=False)
class AssistantMessage(_Record):
    """A message from the model."""

    content: list[ContentBlock]
    model: str
    parent_tool_use_id: str | None = None
    error: AssistantMessageError | None = None
    usage: dict[str, Any] | None = None
    message_id: str | None = None
    stop_reason: str | None = None
    session_id: str | None = None
    uuid: str | None = None
    user_message_uuid: str | None = None
    user_message_uuids: list[str] | None = None


@dataclass(repr=False, eq=False)
class SystemMessage(_Record):
    """A system message; ``data`` holds the whole raw frame."""

    subtype: str
    data: dict[str, Any]


class SystemInitMcpServer(TypedDict):
    """An MCP server listed in the init message."""

    name: str
    status: str
    source: NotRequired[str]


class SystemInitPlugin(TypedDict):
    """A plugin listed in the init message."""

    name: str
    path: str
    version: NotRequired[str]


class SystemInitPluginError(TypedDict):
    """A plugin that failed to load."""

    plugin: str
    type: str
    message: str
    path: NotRequired[str]


FastModeState = Literal["off", "cooldown", "on"]
FastModeDisabledReason = Literal[
    "free",
    "preference",
    "extra_usage_disabled",
    "network_error",
    "unknown",
    "not_first_party",
    "disabled_by_env",
    "model_not_allowed",
    "sdk_opt_in_required",
    "pending",
]


class SystemInitData(TypedDict):
    """Shape of ``SystemMessage.data`` for ``subtype == "init"``."""

    type: Literal["system"]
    subtype: Literal["init"]
    uuid: str
    session_id: str
    agents: NotRequired[list[str]]
    apiKeySource: str
    betas: NotRequired[list[str]]
    claude_code_version: str
    cwd: str
    tools: list[str]
    mcp_servers: list[SystemInitMcpServer]
    model: str
    permissionMode: PermissionMode
    slash_commands: list[str]
    terminal_slash_commands: NotRequired[list[str]]
    output_style: str
    skills: list[str]
    plugins: list[SystemInitPlugin]
    plugin_errors: NotRequired[list[SystemInitPluginError]]
    fast_mode_state: NotRequired[FastModeState]
    fast_mode_disabled_reason: NotRequired[FastModeDisabledReason]
    capabilities: NotRequired[list[str]]


class TaskUsage(TypedDict):
    """Usage figures of a background task."""

    total_tokens: int
    tool_uses: int
    duration_ms: int


TaskNotificationStatus = Literal["completed", "failed", "stopped"]
TaskUpdatedStatus = Literal["pending", "running", "paused", "completed", "failed", "killed"]
TERMINAL_TASK_STATUSES: frozenset[str] = frozenset({"completed", "failed", "stopped", "killed"})


@dataclass(repr=False, eq=False)
class TaskStartedMessage(SystemMessage):
    """``system/task_started``."""

    task_id: str
    description: str
    uuid: str
    session_id: str
    tool_use_id: str | None = None
    task_type: str | None = None


@dataclass(repr=False, eq=False)
class TaskProgressMessage(SystemMessage):
    """``system/task_progress``."""

    task_id: str
    description: str
    usage: TaskUsage
    uuid: str
    session_id: str
    tool_use_id: str | None = None
    last_tool_name: str | None = None


@dataclass(repr=False, eq=False)
class TaskNotificationMessage(SystemMessage):
    """``system/task_notification``: a task completed, failed or was stopped."""

    task_id: str
    status: TaskNotificationStatus
    output_file: str
    summary: str
    uuid: str
    session_id: str
    tool_use_id: str | None = None
    usage: TaskUsage | None = None


@dataclass(repr=False, eq=False)
class TaskUpdatedMessage(SystemMessage):
    """``system/task_updated``: ``patch`` holds the changed task fields."""

    task_id: str
    patch: dict[str, Any]
    status: TaskUpdatedStatus | None = None
    session_id: str | None = None
    uuid: str | None = None


@dataclass(repr=False, eq=False)
class MirrorErrorMessage(SystemMessage):
    """``system/mirror_error``: a session-store append failed."""

    key: Any = None
    error: str = ""


@dataclass(repr=False, eq=False)
class HookEventMessage(SystemMessage):
    """``system/hook_started`` or ``system/hook_response`` (with ``include_hook_events``)."""

    hook_event_name: str = ""
    session_id: str | None = None
    uuid: str | None = None


@dataclass(repr=False, eq=False)
class DeferredToolUse(_Record):
    """A tool call a PreToolUse hook deferred."""

    id: str
    name: str
    input: dict[str, Any]


class ModelUsage(TypedDict):
    """Usage and cost of one model (wire spelling)."""

    inputTokens: int
    outputTokens: int
    cacheReadInputTokens: int
    cacheCreationInputTokens: int
    webSearchRequests: int
    costUSD: float
    contextWindow: int
    maxOutputTokens: int
    canonicalModel: NotRequired[str]
    provider: NotRequired[str]


@dataclass(repr=False, eq=False)
class ResultMessage(_Record):
    """The end of a turn, with cost, usage and the final text or structured output."""

    subtype: str
    duration_ms: int
    duration_api_ms: int
    is_error: bool
    num_turns: int
    session_id: str
    stop_reason: str | None = None
    total_cost_usd: float | None = None
    usage: dict[str, Any] | None = None
    result: str | None = None
    structured_output: Any = None
    model_usage: dict[str, ModelUsage] | None = None
    permission_denials: list[Any] | None = None
    deferred_tool_use: DeferredToolUse | None = None
    errors: list[str] | None = None
    api_error_status: int | None = None
    uuid: str | None = None
    terminal_reason: str | None = None
    origin: MessageOrigin | None = None
    user_message_uuid: str | None = None
    user_message_uuids: list[str] | None = None


@dataclass(repr=False, eq=False)
class StreamEvent(_Record):
    """A raw API stream event (with ``include_partial_messages``)."""

    uuid: str
    session_id: str
    event: dict[str, Any]
    parent_tool_use_id: str | None = None
    user_message_uuid: str | None = None
    user_message_uuids: list[str] | None = None


RateLimitStatus = Literal["allowed", "allowed_warning", "rejected"]
RateLimitType = Literal["five_hour", "seven_day", "seven_day_opus", "seven_day_sonnet", "overage"]


@dataclass(repr=False, eq=False)
class RateLimitInfo(_Record):
    """Rate-limit state; ``raw`` keeps every field the CLI sent."""

    status: RateLimitStatus
    resets_at: int | None = None
    rate_limit_type: RateLimitType | None = None
    utilization: float | None = None
    overage_status: RateLimitStatus | None = None
    overage_resets_at: int | None = None
    overage_disabled_reason: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(repr=False, eq=False)
class RateLimitEvent(_Record):
    """The rate-limit state changed."""

    rate_limit_info: RateLimitInfo
    uuid: str
    session_id: str


@dataclass(repr=False, eq=False)
class ConversationResetMessage(_Record):
    """The conversation was replaced (for example after ``/clear``)."""

    new_conversation_id: str
    uuid: str
    session_id: str


@dataclass(repr=False, eq=False)
class UnknownMessage(_Record):
    """A message the official SDK knows but this version has no class for; ``data`` is the raw
    frame. Messages of types the official SDK does not know are skipped, as there.

    claude_wire addition.
    """

    type: str
    data: dict[str, Any]


Message = Union[
    UserMessage,
    AssistantMessage,
    SystemMessage,
    ResultMessage,
    StreamEvent,
    RateLimitEvent,
    ConversationResetMessage,
    UnknownMessage,
]

# ---------------------------------------------------------------------------
# Thinking
# ---------------------------------------------------------------------------

ThinkingDisplay = Literal["summarized", "omitted"]


class ThinkingConfigAdaptive(TypedDict):
    """The model decides how much to think."""

    type: Literal["adaptive"]
    display: NotRequired[ThinkingDisplay]


class ThinkingConfigEnabled(TypedDict):
    """A fixed thinking budget."""

    type: Literal["enabled"]
    budget_tokens: int
    display: NotRequired[ThinkingDisplay]


class ThinkingConfigDisabled(TypedDict):
    """No extended thinking."""

    type: Literal["disabled"]


ThinkingConfig = Union[ThinkingConfigAdaptive, ThinkingConfigEnabled, ThinkingConfigDisabled]

# ---------------------------------------------------------------------------
# Sessions (type shapes only)
# ---------------------------------------------------------------------------


class SessionKey(TypedDict):
    """Key of a stored session transcript."""

    project_key: str
    session_id: str
    subpath: NotRequired[str]


class SessionStoreEntry(TypedDict, total=False):
    """One transcript entry."""

    type: Required[str]
    uuid: str
    timestamp: str


class SessionStoreListEntry(TypedDict):
    """A stored session."""

    session_id: str
    mtime: int


class SessionSummaryEntry(TypedDict):
    """Summary of a stored session."""

    session_id: str
    mtime: int
    data: dict[str, Any]


class SessionListSubkeysKey(TypedDict):
    """Key for listing sub-transcripts."""

    project_key: str
    session_id: str


SessionStoreFlushMode = Literal["batched", "eager"]


class SessionStore(Protocol):
    """Where a session's transcript is mirrored (a database, an object store, memory).

    ``append`` and ``load`` are required. The other methods are optional: a store leaves them
    out (or inherits these defaults, which raise :class:`NotImplementedError`), and callers check
    for them before calling. Stores need not subclass this protocol.
    """

    async def append(self, key: SessionKey, entries: list[SessionStoreEntry]) -> None:
        """Append entries, in order, to the transcript at ``key``."""
        ...

    async def load(self, key: SessionKey) -> list[SessionStoreEntry] | None:
        """Every entry at ``key`` in append order, or ``None`` if there is none."""
        ...

    async def list_sessions(self, project_key: str) -> list[SessionStoreListEntry]:
        """The sessions of a project (main transcripts only). Optional."""
        raise NotImplementedError

    async def list_session_summaries(self, project_key: str) -> list[SessionSummaryEntry]:
        """The summaries kept for a project's sessions. Optional."""
        raise NotImplementedError

    async def delete(self, key: SessionKey) -> None:
        """Delete the transcript at ``key`` (with its subkeys for a main one). Optional."""
        raise NotImplementedError

    async def list_subkeys(self, key: SessionListSubkeysKey) -> list[str]:
        """The subpaths stored under a session. Optional."""
        raise NotImplementedError


@dataclass(repr=False, eq=False)
class SDKSessionInfo(_Record):
    """A saved session."""

    session_id: str
    summary: str
    last_modified: int
    file_size: int | None = None
    custom_title: str | None = None
    first_prompt: str | None = None
    git_branch: str | None = None
    cwd: str | None = None
    tag: str | None = None
    created_at: int | None = None


@dataclass(repr=False, eq=False)
class SessionMessage(_Record):
    """A message of a saved session."""

    type: Literal["user", "assistant"]
    uuid: str
    session_id: str
    message: Any
    parent_tool_use_id: str | None = None
    parent_agent_id: str | None = None


# ---------------------------------------------------------------------------
# The control protocol's frames (type shapes only: what a custom transport reads and writes)
# ---------------------------------------------------------------------------

# An MCP server object, as the official module names it for annotations (`Any` at run time).
McpServer: TypeAlias = Any


class SDKControlInterruptRequest(TypedDict):
    """Stop the turn under way."""

    subtype: Literal["interrupt"]


class SDKControlPermissionRequest(TypedDict):
    """The CLI asks whether a tool may run (answered by ``can_use_tool``)."""

    subtype: Literal["can_use_tool"]
    tool_name: str
    input: dict[str, Any]
    permission_suggestions: list[dict[str, Any]] | None
    blocked_path: str | None
    decision_reason: NotRequired[str]
    title: NotRequired[str]
    display_name: NotRequired[str]
    description: NotRequired[str]
    tool_use_id: str
    agent_id: NotRequired[str]


class SDKControlInitializeRequest(TypedDict):
    """The first request of a session: hooks, agents and the other settings sent at start."""

    subtype: Literal["initialize"]
    hooks: dict[HookEvent, Any] | None
    agents: NotRequired[dict[str, dict[str, Any]]]
    excludeDynamicSections: NotRequired[bool]
    systemPromptSnapshot: NotRequired[bool]
    skills: NotRequired[list[str]]
    forwardSubagentText: NotRequired[bool]


class SDKControlSetPermissionModeRequest(TypedDict):
    """Change the permission mode of the running session."""

    subtype: Literal["set_permission_mode"]
    mode: PermissionMode


class SDKHookCallbackRequest(TypedDict):
    """The CLI runs one of the session's hook callbacks, named by its id."""

    subtype: Literal["hook_callback"]
    callback_id: str
    input: Any
    tool_use_id: str | None


class SDKControlMcpMessageRequest(TypedDict):
    """A JSON-RPC message for an in-process MCP server."""

    subtype: Literal["mcp_message"]
    server_name: str
    message: Any


class SDKControlRewindFilesRequest(TypedDict):
    """Put files back as they were at a user message."""

    subtype: Literal["rewind_files"]
    user_message_id: str


class SDKControlMcpReconnectRequest(TypedDict):
    """Connect an MCP server again (the key is camelCase on the wire)."""

    subtype: Literal["mcp_reconnect"]
    serverName: str


class SDKControlMcpToggleRequest(TypedDict):
    """Turn an MCP server on or off (the key is camelCase on the wire)."""

    subtype: Literal["mcp_toggle"]
    serverName: str
    enabled: bool


class SDKControlStopTaskRequest(TypedDict):
    """Stop a background task."""

    subtype: Literal["stop_task"]
    task_id: str


class SDKControlRequest(TypedDict):
    """A ``control_request`` frame, in either direction."""

    type: Literal["control_request"]
    request_id: str
    request: (
        SDKControlInterruptRequest
        | SDKControlPermissionRequest
        | SDKControlInitializeRequest
        | SDKControlSetPermissionModeRequest
        | SDKHookCallbackRequest
        | SDKControlMcpMessageRequest
        | SDKControlRewindFilesRequest
        | SDKControlMcpReconnectRequest
        | SDKControlMcpToggleRequest
        | SDKControlStopTaskRequest
    )


class ControlResponse(TypedDict):
    """A request's answer."""

    subtype: Literal["success"]
    request_id: str
    response: dict[str, Any] | None


class ControlErrorResponse(TypedDict):
    """A request's failure, as text."""

    subtype: Literal["error"]
    request_id: str
    error: str


class SDKControlResponse(TypedDict):
    """A ``control_response`` frame."""

    type: Literal["control_response"]
    response: ControlResponse | ControlErrorResponse


# ---------------------------------------------------------------------------
# Options
# ---------------------------------------------------------------------------


@dataclass(repr=False, eq=False)
class ClaudeAgentOptions(_Record):
    """Everything that configures a session. Field names and defaults match the official SDK."""

    tools: list[str] | ToolsPreset | None = None
    allowed_tools: list[str] = field(default_factory=list)
    system_prompt: str | SystemPromptPreset | SystemPromptCustom | SystemPromptFile | None = None
    mcp_servers: dict[str, McpServerConfig] | str | Path = field(default_factory=dict)
    strict_mcp_config: bool = False
    permission_mode: PermissionMode | None = None
    continue_conversation: bool = False
    resume: str | None = None
    session_id: str | None = None
    max_turns: int | None = None
    max_budget_usd: float | None = None
    disallowed_tools: list[str] = field(default_factory=list)
    model: str | None = None
    fallback_model: str | None = None
    betas: list[SdkBeta] = field(default_factory=list)
    permission_prompt_tool_name: str | None = None
    cwd: str | Path | None = None
    cli_path: str | Path | None = None
    settings: str | None = None
    add_dirs: list[str | Path] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    extra_args: dict[str, str | None] = field(default_factory=dict)
    max_buffer_size: int | None = None
    debug_stderr: Any = sys.stderr
    stderr: Callable[[str], None] | None = None
    can_use_tool: CanUseTool | None = None
    hooks: dict[HookEvent, list[HookMatcher]] | None = None
    user: str | None = None
    include_partial_messages: bool = False
    include_hook_events: bool = False
    forward_subagent_text: bool = False
    verbatim_prompts: bool = False
    fork_session: bool = False
    resume_session_at: str | None = None
    resume_drops_turn: str | None = None
    agents: dict[str, AgentDefinition] | None = None
    setting_sources: list[SettingSource] | None = None
    skills: list[str] | Literal["all"] | None = None
    sandbox: SandboxSettings | None = None
    plugins: list[SdkPluginConfig] = field(default_factory=list)
    max_thinking_tokens: int | None = None
    thinking: ThinkingConfig | None = None
    effort: EffortLevel | None = None
    output_format: dict[str, Any] | None = None
    enable_file_checkpointing: bool = False
    session_store: SessionStore | None = None
    session_store_flush: SessionStoreFlushMode = "batched"
    load_timeout_ms: int = 60_000
    task_budget: TaskBudget | None = None
    client_app: str | None = None
    # claude_wire's own bounds (seconds; None: the official SDK's behaviour).
    control_timeout: float | None = field(default=None, kw_only=True)
    """Timeout of control requests (default 60 s, as in the official SDK)."""
    stall_timeout: float | None = field(default=None, kw_only=True)
    """End the session with ``CLIConnectionError`` when the CLI writes nothing this long during a
    turn while no callback is running (off by default: a long tool run is silent too)."""
    callback_timeout: float | None = field(default=None, kw_only=True)
    """Answer a CLI request with an error when its callback (``can_use_tool``, a hook, an MCP
    tool) has not returned after this long; the callback is cancelled (off by default)."""

    def __repr__(self) -> str:
        """The dataclass repr, with secret-looking values (API keys, tokens, auth headers) in
        ``env`` and ``mcp_servers`` hidden."""
        from ._native import redact

        shown = []
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "env" and isinstance(value, dict):
                value = redact(value)
            elif f.name == "mcp_servers" and isinstance(value, dict):
                value = {
                    k: redact(v) if isinstance(v, dict) and "instance" not in v else v
                    for k, v in value.items()
                }
            shown.append(f"{f.name}={value!r}")
        return f"{type(self).__name__}({', '.join(shown)})"
