// Type declarations for `claude-wire`, written for claude-wire. They follow the public API of
// `@anthropic-ai/claude-agent-sdk` 0.3.330 (same export names, field names and literal values),
// so a program written against that package type-checks after changing only its import.
// Needs `@types/node`, `zod` (>= 3.25, for its `zod/v3` and `zod/v4/core` entry points) and a
// `lib` with `esnext.disposable` for `await using`.

import type { ZodRawShape as ZodV3RawShape } from 'zod/v3';
import type { $ZodShape as ZodV4RawShape } from 'zod/v4/core';
import type { Readable, Writable } from 'node:stream';

// ---------------------------------------------------------------------------------------------
// Shared primitives
// ---------------------------------------------------------------------------------------------

/** A hyphenated UUID string (structurally the same as `UUID` from `node:crypto`). */
type UUID = `${string}-${string}-${string}-${string}-${string}`;

/** Fields every message of the output stream carries. */
type Stamped = { uuid: UUID; session_id: string };

/** Discriminator of a `type: 'system'` message. */
type SystemTagged<S extends string> = { type: 'system'; subtype: S };

/** Marks where a `string[]` system prompt turns from its static part to its dynamic part. */
export declare const SYSTEM_PROMPT_DYNAMIC_BOUNDARY = '__SYSTEM_PROMPT_DYNAMIC_BOUNDARY__';

/** Effort values accepted by models and agents. */
export type EffortLevel = 'low' | 'medium' | 'high' | 'xhigh' | 'max';

// ---------------------------------------------------------------------------------------------
// Anthropic Messages API shapes (claude-wire's own loose versions; no `@anthropic-ai/sdk` needed)
// ---------------------------------------------------------------------------------------------

/** Why the model stopped generating. */
export type APIStopReason =
    | 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'pause_turn' | 'compaction'
    | 'refusal' | 'model_context_window_exceeded';

/** Where in a document a citation points. */
type DocumentSpan = { cited_text: string; document_index: number; document_title: string | null; file_id: string | null };

/** A citation attached to a text block; narrow on `type`. */
export type APICitation =
    | (DocumentSpan & { type: 'char_location'; start_char_index: number; end_char_index: number })
    | (DocumentSpan & { type: 'page_location'; start_page_number: number; end_page_number: number })
    | (DocumentSpan & { type: 'content_block_location'; start_block_index: number; end_block_index: number })
    | { type: 'web_search_result_location'; cited_text: string; url: string; title: string | null; encrypted_index: string }
    | {
        type: 'search_result_location';
        cited_text: string;
        source: string;
        title: string | null;
        search_result_index: number;
        start_block_index: number;
        end_block_index: number;
    };

/** Who invoked a tool: the model directly, or a server tool such as code execution. */
export type APIToolCaller = { type: string; tool_id?: string };

/** Token accounting of one API response (fields may be null). */
export type APIUsage = {
    input_tokens: number;
    output_tokens: number;
    cache_creation_input_tokens: number | null;
    cache_read_input_tokens: number | null;
    cache_creation: { ephemeral_1h_input_tokens: number; ephemeral_5m_input_tokens: number } | null;
    server_tool_use: { web_search_requests: number; web_fetch_requests: number } | null;
    service_tier: 'standard' | 'priority' | 'batch' | null;
    inference_geo?: string | null;
    speed?: 'standard' | 'fast' | null;
    output_tokens_details?: { thinking_tokens: number } | null;
    iterations?: unknown[] | null;
    fallback_credit?: { status: unknown } | null;
};

/** Text output. */
export type APITextBlock = { type: 'text'; text: string; citations: APICitation[] | null };
/** Visible (possibly summarised) reasoning. */
export type APIThinkingBlock = { type: 'thinking'; thinking: string; signature: string };
/** Encrypted reasoning. */
export type APIRedactedThinkingBlock = { type: 'redacted_thinking'; data: string };
/** A client tool call (built-in or MCP tools of Claude Code). */
export type APIToolUseBlock = {
    type: 'tool_use';
    id: string;
    name: string;
    input: unknown;
    caller?: APIToolCaller;
    toolset_name?: string | null;
};
/** A server-side tool call (web search, code execution, ...). */
export type APIServerToolUseBlock = {
    type: 'server_tool_use';
    id: string;
    name: string;
    input: Record<string, unknown>;
    caller?: APIToolCaller;
};
/** The result of a server-side tool, keyed by its block type. */
export type APIServerToolResultBlock<T extends string> = {
    type: T;
    tool_use_id: string;
    content: unknown;
    caller?: APIToolCaller;
};
/** A call to a remote MCP server tool made by the API. */
export type APIMCPToolUseBlock = { type: 'mcp_tool_use'; id: string; name: string; server_name: string; input: unknown };
/** The result of a remote MCP server tool. */
export type APIMCPToolResultBlock = {
    type: 'mcp_tool_result';
    tool_use_id: string;
    is_error: boolean;
    content: string | APITextBlock[];
};
/** A file uploaded into the code-execution container. */
export type APIContainerUploadBlock = { type: 'container_upload'; file_id: string };
/** A context compaction summary. */
export type APICompactionBlock = {
    type: 'compaction';
    content: string | null;
    encrypted_content: string | null;
    signature?: string | null;
    tool_changes?: unknown[] | null;
};
/** A model fallback marker. */
export type APIFallbackBlock = { type: 'fallback'; from: unknown; to: unknown; trigger: unknown };
/** Tools a remote MCP server listed. */
export type APIMCPToolListingBlock = { type: 'mcp_tool_listing'; mcp_server_name: string; tools: unknown[] };

/** Any block of an assistant message; narrow on `type`. */
export type APIContentBlock =
    | APITextBlock
    | APIThinkingBlock
    | APIRedactedThinkingBlock
    | APIToolUseBlock
    | APIServerToolUseBlock
    | APIServerToolResultBlock<'web_search_tool_result'>
    | APIServerToolResultBlock<'web_fetch_tool_result'>
    | APIServerToolResultBlock<'advisor_tool_result'>
    | APIServerToolResultBlock<'code_execution_tool_result'>
    | APIServerToolResultBlock<'bash_code_execution_tool_result'>
    | APIServerToolResultBlock<'text_editor_code_execution_tool_result'>
    | APIServerToolResultBlock<'tool_search_tool_result'>
    | APIMCPToolUseBlock
    | APIMCPToolResultBlock
    | APIContainerUploadBlock
    | APICompactionBlock
    | APIFallbackBlock
    | APIMCPToolListingBlock;

/** An assistant message as the Messages API returns it. */
export type APIAssistantMessage = {
    id: string;
    type: 'message';
    role: 'assistant';
    model: string;
    content: APIContentBlock[];
    stop_reason: APIStopReason | null;
    stop_sequence: string | null;
    usage: APIUsage;
    container: { id: string; expires_at: string; skills?: unknown[] | null } | null;
    context_management: { applied_edits: unknown[] } | null;
    stop_details?: {
        type: 'refusal';
        category: string | null;
        explanation: string | null;
        recommended_model?: string | null;
        fallback_credit_token?: string | null;
        fallback_has_prefill_claim?: boolean | null;
    } | null;
    diagnostics?: { cache_miss_reason: unknown } | null;
    input_transformations?: unknown[] | null;
};

/** An incremental change to the content block at `index`. */
export type APIContentBlockDelta =
    | { type: 'text_delta'; text: string }
    | { type: 'input_json_delta'; partial_json: string }
    | { type: 'citations_delta'; citation: APICitation }
    | { type: 'thinking_delta'; thinking: string; estimated_tokens?: number | null }
    | { type: 'signature_delta'; signature: string }
    | { type: 'compaction_delta'; content: string | null; encrypted_content: string | null };

/** One raw server-sent event of a streamed API response. */
export type APIStreamEvent =
    | { type: 'message_start'; message: APIAssistantMessage }
    | {
        type: 'message_delta';
        delta: {
            stop_reason: APIStopReason | null;
            stop_sequence: string | null;
            container?: APIAssistantMessage['container'];
            stop_details?: APIAssistantMessage['stop_details'];
        };
        usage: {
            input_tokens: number | null;
            output_tokens: number;
            cache_creation_input_tokens: number | null;
            cache_read_input_tokens: number | null;
            server_tool_use: { web_search_requests: number; web_fetch_requests: number } | null;
            cache_creation?: APIUsage['cache_creation'];
            output_tokens_details?: { thinking_tokens: number } | null;
            iterations?: unknown[] | null;
            fallback_credit?: { status: unknown } | null;
        };
        context_management: APIAssistantMessage['context_management'];
        input_transformations?: unknown[] | null;
    }
    | { type: 'message_stop' }
    | { type: 'content_block_start'; index: number; content_block: APIContentBlock }
    | { type: 'content_block_delta'; index: number; delta: APIContentBlockDelta }
    | { type: 'content_block_stop'; index: number };

/** Prompt-cache marker on an input block. */
export type APICacheControl = { type: 'ephemeral'; ttl?: '5m' | '1h' };

/** Extras every input block may carry. */
type ParamExtras = { cache_control?: APICacheControl | null };

/** Text input. */
export type TextBlockParam = ParamExtras & { type: 'text'; text: string; citations?: unknown[] | null };
/** Image input (base64, URL or file id source). */
export type ImageBlockParam = ParamExtras & {
    type: 'image';
    source:
        | { type: 'base64'; media_type: string; data: string }
        | { type: 'url'; url: string }
        | { type: 'file'; file_id: string };
    transformations?: unknown;
};
/** Document input (PDF, plain text, nested content, URL or file id). */
export type DocumentBlockParam = ParamExtras & {
    type: 'document';
    source:
        | { type: 'base64'; media_type: string; data: string }
        | { type: 'text'; media_type: string; data: string }
        | { type: 'content'; content: string | Array<TextBlockParam | ImageBlockParam> }
        | { type: 'url'; url: string }
        | { type: 'file'; file_id: string };
    title?: string | null;
    context?: string | null;
    citations?: { enabled?: boolean } | null;
};
/** Search result input. */
export type SearchResultBlockParam = ParamExtras & {
    type: 'search_result';
    source: string;
    title: string;
    content: TextBlockParam[];
    citations?: { enabled?: boolean };
};
/** A reference to a deferred tool, inside a tool result. */
export type ToolReferenceBlockParam = ParamExtras & { type: 'tool_reference'; tool_name: string };
/** The result of a client tool call, sent back by the user turn. */
export type ToolResultBlockParam = ParamExtras & {
    type: 'tool_result';
    tool_use_id: string;
    content?: string | Array<
        | TextBlockParam
        | ImageBlockParam
        | DocumentBlockParam
        | SearchResultBlockParam
        | ToolReferenceBlockParam
        | (ParamExtras & { type: 'browser_state'; tabs: unknown[]; state_changes?: unknown[] | null })
    >;
    is_error?: boolean;
    toolset_name?: string | null;
};
/** Any input block of a message; narrow on `type`. */
export type ContentBlockParam =
    | TextBlockParam
    | ImageBlockParam
    | DocumentBlockParam
    | SearchResultBlockParam
    | (ParamExtras & { type: 'thinking'; thinking: string; signature: string })
    | (ParamExtras & { type: 'redacted_thinking'; data: string })
    | (ParamExtras & { type: 'tool_use'; id: string; name: string; input: unknown; caller?: APIToolCaller; toolset_name?: string | null })
    | ToolResultBlockParam
    | (ParamExtras & { type: 'server_tool_use'; id: string; name: string; input: unknown; caller?: APIToolCaller })
    | (ParamExtras & { type: 'web_search_tool_result'; tool_use_id: string; content: unknown; caller?: APIToolCaller })
    | (ParamExtras & { type: 'web_fetch_tool_result'; tool_use_id: string; content: unknown; caller?: APIToolCaller })
    | (ParamExtras & { type: 'code_execution_tool_result'; tool_use_id: string; content: unknown })
    | (ParamExtras & { type: 'bash_code_execution_tool_result'; tool_use_id: string; content: unknown })
    | (ParamExtras & { type: 'text_editor_code_execution_tool_result'; tool_use_id: string; content: unknown })
    | (ParamExtras & { type: 'tool_search_tool_result'; tool_use_id: string; content: unknown })
    | (ParamExtras & { type: 'container_upload'; file_id: string });

/** One input message of a conversation. */
export type MessageParam = {
    role: 'user' | 'assistant' | 'system';
    content: string | ContentBlockParam[];
};

// ---------------------------------------------------------------------------------------------
// MCP shapes (claude-wire's own; no `@modelcontextprotocol/sdk` needed)
// ---------------------------------------------------------------------------------------------

/** Audience/priority hints on MCP content. */
type McpContentAnnotations = {
    audience?: ('user' | 'assistant')[];
    priority?: number;
    lastModified?: string;
};

/** One content item of an MCP tool result. */
export type McpContent =
    | { type: 'text'; text: string; annotations?: McpContentAnnotations; _meta?: Record<string, unknown> }
    | { type: 'image'; data: string; mimeType: string; annotations?: McpContentAnnotations; _meta?: Record<string, unknown> }
    | { type: 'audio'; data: string; mimeType: string; annotations?: McpContentAnnotations; _meta?: Record<string, unknown> }
    | (Omit<SDKMcpResourceLink, 'annotations'> & {
        type: 'resource_link';
        icons?: { src: string; mimeType?: string; sizes?: string[]; theme?: 'light' | 'dark' }[];
        annotations?: McpContentAnnotations;
        _meta?: Record<string, unknown>;
    })
    | {
        type: 'resource';
        resource:
            | { uri: string; mimeType?: string; text: string; _meta?: Record<string, unknown> }
            | { uri: string; mimeType?: string; blob: string; _meta?: Record<string, unknown> };
        annotations?: McpContentAnnotations;
        _meta?: Record<string, unknown>;
    };

/** What an in-process MCP tool handler returns. */
export type CallToolResult = {
    content: McpContent[];
    structuredContent?: Record<string, unknown>;
    isError?: boolean;
    _meta?: Record<string, unknown>;
    [key: string]: unknown;
};

/** Behaviour hints of an MCP tool. */
export type ToolAnnotations = {
    title?: string;
    readOnlyHint?: boolean;
    destructiveHint?: boolean;
    idempotentHint?: boolean;
    openWorldHint?: boolean;
    [key: string]: unknown;
};

// ---------------------------------------------------------------------------------------------
// Permissions
// ---------------------------------------------------------------------------------------------

/** How tool use is approved for the session. */
export type PermissionMode = 'default' | 'acceptEdits' | 'bypassPermissions' | 'plan' | 'dontAsk' | 'auto';

/** What a permission rule does. */
export type PermissionBehavior = 'allow' | 'deny' | 'ask';

/** Where a permission update is stored. */
export type PermissionUpdateDestination = 'userSettings' | 'projectSettings' | 'localSettings' | 'session' | 'cliArg';

/** One permission rule: a tool name and an optional specifier. */
export type PermissionRuleValue = { toolName: string; ruleContent?: string };

/** How a user's decision should be recorded. */
export type PermissionDecisionClassification = 'user_temporary' | 'user_permanent' | 'user_reject';

/** A rule change of the given kind. */
type RulesUpdate<T extends string> = { type: T; rules: PermissionRuleValue[]; behavior: PermissionBehavior; destination: PermissionUpdateDestination };
/** A directory change of the given kind. */
type DirectoriesUpdate<T extends string> = { type: T; directories: string[]; destination: PermissionUpdateDestination };

/** A change to permission rules, mode or directories. */
export type PermissionUpdate =
    | RulesUpdate<'addRules'>
    | RulesUpdate<'replaceRules'>
    | RulesUpdate<'removeRules'>
    | { type: 'setMode'; mode: PermissionMode; destination: PermissionUpdateDestination }
    | DirectoriesUpdate<'addDirectories'>
    | DirectoriesUpdate<'removeDirectories'>;

/** The answer of a `canUseTool` callback. */
export type PermissionResult =
    | {
        behavior: 'allow';
        updatedInput?: Record<string, unknown>;
        updatedPermissions?: PermissionUpdate[];
        toolUseID?: string;
        decisionClassification?: PermissionDecisionClassification;
    }
    | {
        behavior: 'deny';
        message: string;
        interrupt?: boolean;
        toolUseID?: string;
        decisionClassification?: PermissionDecisionClassification;
    };

/** Decides whether a tool call may run; `null` leaves the decision to the CLI. */
export type CanUseTool = (
    toolName: string,
    input: Record<string, unknown>,
    options: {
        signal: AbortSignal;
        suggestions?: PermissionUpdate[];
        blockedPath?: string;
        mcpServer?: { name: string; source: string };
        decisionReason?: string;
        title?: string;
        displayName?: string;
        description?: string;
        defaultToNo?: boolean;
        suppressAlwaysAllowRule?: boolean;
        toolUseID: string;
        agentID?: string;
        requestId: string;
        matchedAskRule?: { source: string; toolName: string; ruleContent?: string };
    },
) => Promise<PermissionResult | null>;

/** A permission denial reported in a result message. */
export type SDKPermissionDenial = { tool_name: string; tool_use_id: string; tool_input: Record<string, unknown> };

// ---------------------------------------------------------------------------------------------
// Hooks: events, inputs, outputs, callbacks
// ---------------------------------------------------------------------------------------------

/** Every hook event name, in the CLI's order. */
export declare const HOOK_EVENTS: readonly [
    'PreToolUse', 'PostToolUse', 'PostToolUseFailure', 'PostToolBatch', 'Notification',
    'UserPromptSubmit', 'UserPromptExpansion', 'SessionStart', 'SessionEnd', 'Stop', 'StopFailure',
    'SubagentStart', 'SubagentStop', 'PreCompact', 'PostCompact', 'PreModelSwitch', 'PostModelSwitch',
    'PermissionRequest', 'PermissionDenied', 'Setup', 'TeammateIdle', 'TaskCreated', 'TaskCompleted',
    'Elicitation', 'ElicitationResult', 'ConfigChange', 'WorktreeCreate', 'WorktreeRemove',
    'InstructionsLoaded', 'CwdChanged', 'FileChanged', 'DirectoryAdded', 'MessageDisplay',
];
/** A hook event name. */
export type HookEvent = (typeof HOOK_EVENTS)[number];

/** Every reason a session can end with. */
export declare const EXIT_REASONS: readonly ['clear', 'resume', 'logout', 'prompt_input_exit', 'other'];
/** Why a session ended (SessionEnd hook). */
export type ExitReason = (typeof EXIT_REASONS)[number];

/** The CLI's built-in tool names. */
export declare const BUILTIN_TOOL_NAMES: readonly [
    'Agent', 'Artifact', 'AskUserQuestion', 'Bash', 'ClaudeDesign', 'CronCreate', 'CronDelete',
    'CronList', 'Edit', 'EndConversation', 'EnterPlanMode', 'EnterWorktree', 'ExitPlanMode',
    'ExitWorktree', 'Glob', 'Grep', 'ListAgents', 'ListMcpResourcesTool', 'LSP', 'Monitor',
    'NotebookEdit', 'OfferChromeSetup', 'PowerShell', 'Projects', 'propose_skills',
    'PushNotification', 'Read', 'ReadMcpResourceDirTool', 'ReadMcpResourceTool',
    'ReadNotifications', 'RemoteTrigger', 'ReportFindings', 'ScheduleWakeup', 'SendFeedback',
    'SendMessage', 'SendUserFile', 'SendUserMessage', 'SetGoal', 'ShareOnboardingGuide',
    'ShowOnboardingRolePicker', 'Skill', 'SubagentHandback', 'TaskCreate', 'TaskGet', 'TaskList',
    'TaskStop', 'TaskUpdate', 'TodoWrite', 'ToolSearch', 'WaitForMcpServers', 'WebFetch',
    'WebSearch', 'Workflow', 'Write',
];
/** Older tool names the CLI still accepts, each mapped to the tool it names now. */
export declare const LEGACY_TOOL_NAME_ALIASES: Readonly<Record<string, string>>;
/** How the CLI's messages about an organisation policy limit start. */
export declare const ORG_POLICY_LIMIT_PREFIXES: readonly ['This service is disabled for your org'];
/** How the CLI's usage-limit error messages start. */
export declare const USAGE_LIMIT_ERROR_PREFIXES: readonly string[];
/** How the CLI's messages about switching to paid usage start. */
export declare const USAGE_TRANSITION_PREFIXES: readonly string[];
/** How the CLI's usage warnings start. */
export declare const USAGE_WARNING_PREFIXES: readonly ["You've used", "You're close to"];

/** Fields every hook input carries. */
export type BaseHookInput = {
    session_id: string;
    transcript_path: string;
    cwd: string;
    prompt_id?: string;
    permission_mode?: string;
    agent_id?: string;
    agent_type?: string;
    effort?: { level: string };
};

/** Builds a hook input type from its event name and own fields. */
type HookInputOf<E extends HookEvent, Fields> = BaseHookInput & { hook_event_name: E } & Fields;

/** Which MCP server a tool belongs to. */
export type McpServerProvenance = { name: string; source: string };

/** A background task still running when the agent stops. */
export type BackgroundTaskSummary = {
    id: string;
    type: string;
    status: string;
    description: string;
    command?: string;
    agent_type?: string;
    server?: string;
    tool?: string;
    name?: string;
};

/** A scheduled prompt of the session. */
export type SessionCronSummary = { id: string; schedule: string; recurring: boolean; prompt: string };

/** One call of a tool batch. */
export type PostToolBatchToolCall = { tool_name: string; tool_input: unknown; tool_use_id: string; tool_response?: unknown };

/** Kinds of API error an assistant message or StopFailure hook reports. */
export type SDKAssistantMessageError =
    | 'authentication_failed' | 'oauth_org_not_allowed' | 'account_on_hold' | 'verification_required'
    | 'billing_error' | 'rate_limit' | 'overloaded' | 'invalid_request' | 'model_not_found'
    | 'server_error' | 'unknown' | 'max_output_tokens' | 'cloud_credential_error';

/** Fields of the two model-switch hook inputs. */
type ModelSwitchFields<Source extends string> = {
    from_model: string;
    to_model: string;
    requested_model: string | null;
    source: Source;
    context_tokens: number;
    prompt_cache_warm: boolean;
    cache_ttl: '5m' | '1h';
    estimated_cache_write_usd: number;
    pricing: 'configured' | 'catalog' | 'default';
};

/** Before a tool runs. */
export type PreToolUseHookInput = HookInputOf<'PreToolUse', {
    tool_name: string;
    tool_input: unknown;
    tool_use_id: string;
    mcp_server?: McpServerProvenance;
}>;
/** After a tool succeeded. */
export type PostToolUseHookInput = HookInputOf<'PostToolUse', {
    tool_name: string;
    tool_input: unknown;
    tool_response: unknown;
    tool_use_id: string;
    duration_ms?: number;
    mcp_server?: McpServerProvenance;
}>;
/** After a tool failed. */
export type PostToolUseFailureHookInput = HookInputOf<'PostToolUseFailure', {
    tool_name: string;
    tool_input: unknown;
    tool_use_id: string;
    error: string;
    is_interrupt?: boolean;
    duration_ms?: number;
    mcp_server?: McpServerProvenance;
}>;
/** After a batch of parallel tool calls. */
export type PostToolBatchHookInput = HookInputOf<'PostToolBatch', { tool_calls: PostToolBatchToolCall[] }>;
/** A tool call was denied. */
export type PermissionDeniedHookInput = HookInputOf<'PermissionDenied', {
    tool_name: string;
    tool_input: unknown;
    tool_use_id: string;
    reason: string;
    mcp_server?: McpServerProvenance;
}>;
/** The CLI shows a notification. */
export type NotificationHookInput = HookInputOf<'Notification', { message: string; title?: string; notification_type: string }>;
/** A user prompt is submitted. */
export type UserPromptSubmitHookInput = HookInputOf<'UserPromptSubmit', {
    prompt: string;
    source?: 'user' | 'sdk' | 'system' | 'loop_wakeup' | 'schedule_wakeup' | 'poll_event';
    session_title?: string;
}>;
/** A slash command or MCP prompt is expanded. */
export type UserPromptExpansionHookInput = HookInputOf<'UserPromptExpansion', {
    expansion_type: 'slash_command' | 'mcp_prompt';
    command_name: string;
    command_args: string;
    command_source?: string;
    prompt: string;
}>;
/** A session starts, resumes, clears or compacts. */
export type SessionStartHookInput = HookInputOf<'SessionStart', {
    source: 'startup' | 'resume' | 'clear' | 'compact' | 'fork';
    agent_type?: string;
    model?: string;
    session_title?: string;
    seconds_since_last_response?: number;
    context_tokens?: number;
    prompt_cache_likely_expired?: boolean;
    estimated_cache_write_usd?: number;
}>;
/** A session ends. */
export type SessionEndHookInput = HookInputOf<'SessionEnd', { reason: ExitReason }>;
/** The main agent is about to stop. */
export type StopHookInput = HookInputOf<'Stop', {
    stop_hook_active: boolean;
    last_assistant_message?: string;
    background_tasks?: BackgroundTaskSummary[];
    session_crons?: SessionCronSummary[];
}>;
/** A turn ended on an API error. */
export type StopFailureHookInput = HookInputOf<'StopFailure', {
    error: SDKAssistantMessageError;
    error_details?: string;
    last_assistant_message?: string;
}>;
/** A subagent starts. */
export type SubagentStartHookInput = HookInputOf<'SubagentStart', { agent_id: string; agent_type: string }>;
/** A subagent is about to stop. */
export type SubagentStopHookInput = HookInputOf<'SubagentStop', {
    stop_hook_active: boolean;
    agent_id: string;
    agent_transcript_path: string;
    agent_type: string;
    last_assistant_message?: string;
    background_tasks?: BackgroundTaskSummary[];
    session_crons?: SessionCronSummary[];
}>;
/** Before the conversation is compacted. */
export type PreCompactHookInput = HookInputOf<'PreCompact', { trigger: 'manual' | 'auto'; custom_instructions: string | null }>;
/** After the conversation was compacted. */
export type PostCompactHookInput = HookInputOf<'PostCompact', { trigger: 'manual' | 'auto'; compact_summary: string }>;
/** Before the model changes. */
export type PreModelSwitchHookInput = HookInputOf<'PreModelSwitch', ModelSwitchFields<'command' | 'picker' | 'sdk'>>;
/** After the model changed. */
export type PostModelSwitchHookInput = HookInputOf<'PostModelSwitch', ModelSwitchFields<'command' | 'picker' | 'sdk' | 'auto' | 'resume'>>;
/** A permission prompt is about to be shown. */
export type PermissionRequestHookInput = HookInputOf<'PermissionRequest', {
    tool_name: string;
    tool_input: unknown;
    permission_suggestions?: PermissionUpdate[];
    mcp_server?: McpServerProvenance;
}>;
/** Repository setup (`--init`) or maintenance. */
export type SetupHookInput = HookInputOf<'Setup', { trigger: 'init' | 'maintenance' }>;
/** A teammate went idle. */
export type TeammateIdleHookInput = HookInputOf<'TeammateIdle', { teammate_name: string; team_name: string }>;
/** Fields of the task hook inputs. */
type TaskHookFields = {
    task_id: string;
    task_subject: string;
    task_description?: string;
    teammate_name?: string;
    team_name?: string;
};
/** A task was created. */
export type TaskCreatedHookInput = HookInputOf<'TaskCreated', TaskHookFields>;
/** A task was completed. */
export type TaskCompletedHookInput = HookInputOf<'TaskCompleted', TaskHookFields>;
/** An MCP server asks for user input. */
export type ElicitationHookInput = HookInputOf<'Elicitation', {
    mcp_server_name: string;
    message: string;
    mode?: 'form' | 'url';
    url?: string;
    elicitation_id?: string;
    requested_schema?: Record<string, unknown>;
}>;
/** The user answered an MCP elicitation. */
export type ElicitationResultHookInput = HookInputOf<'ElicitationResult', {
    mcp_server_name: string;
    elicitation_id?: string;
    mode?: 'form' | 'url';
    action: 'accept' | 'decline' | 'cancel';
    content?: Record<string, unknown>;
}>;
/** A settings source changed on disk. */
export type ConfigChangeHookInput = HookInputOf<'ConfigChange', {
    source: 'user_settings' | 'project_settings' | 'local_settings' | 'policy_settings' | 'skills';
    file_path?: string;
}>;
/** A CLAUDE.md or rules file was loaded. */
export type InstructionsLoadedHookInput = HookInputOf<'InstructionsLoaded', {
    file_path: string;
    memory_type: 'User' | 'Project' | 'Local' | 'Managed';
    load_reason: 'session_start' | 'nested_traversal' | 'path_glob_match' | 'include' | 'compact';
    globs?: string[];
    trigger_file_path?: string;
    parent_file_path?: string;
}>;
/** A worktree is to be created. */
export type WorktreeCreateHookInput = HookInputOf<'WorktreeCreate', { name: string }>;
/** A worktree is to be removed. */
export type WorktreeRemoveHookInput = HookInputOf<'WorktreeRemove', { worktree_path: string }>;
/** The working directory changed. */
export type CwdChangedHookInput = HookInputOf<'CwdChanged', { old_cwd: string; new_cwd: string }>;
/** A watched file changed. */
export type FileChangedHookInput = HookInputOf<'FileChanged', { file_path: string; event: 'change' | 'add' | 'unlink' }>;
/** A directory was added to the session. */
export type DirectoryAddedHookInput = HookInputOf<'DirectoryAdded', { directory: string; source: 'slash_command' | 'register_repo_root' }>;
/** Assistant text is about to be displayed. */
export type MessageDisplayHookInput = HookInputOf<'MessageDisplay', {
    turn_id: string;
    message_id: string;
    index: number;
    final: boolean;
    delta: string;
}>;

/** The input of any hook callback; narrow on `hook_event_name`. */
export type HookInput =
    | PreToolUseHookInput | PostToolUseHookInput | PostToolUseFailureHookInput | PostToolBatchHookInput
    | PermissionDeniedHookInput | NotificationHookInput | UserPromptSubmitHookInput
    | UserPromptExpansionHookInput | SessionStartHookInput | SessionEndHookInput | StopHookInput
    | StopFailureHookInput | SubagentStartHookInput | SubagentStopHookInput | PreCompactHookInput
    | PostCompactHookInput | PreModelSwitchHookInput | PostModelSwitchHookInput
    | PermissionRequestHookInput | SetupHookInput | TeammateIdleHookInput | TaskCreatedHookInput
    | TaskCompletedHookInput | ElicitationHookInput | ElicitationResultHookInput | ConfigChangeHookInput
    | InstructionsLoadedHookInput | WorktreeCreateHookInput | WorktreeRemoveHookInput
    | CwdChangedHookInput | FileChangedHookInput | DirectoryAddedHookInput | MessageDisplayHookInput;

/** A PreToolUse hook's permission verdict. */
export type HookPermissionDecision = 'allow' | 'deny' | 'ask' | 'defer';

/** Event-specific output that only adds context for the model. */
type ContextOutput<E extends HookEvent> = { hookEventName: E; additionalContext?: string };

/** PreToolUse: decide, rewrite the input, add context. */
export type PreToolUseHookSpecificOutput = {
    hookEventName: 'PreToolUse';
    permissionDecision?: HookPermissionDecision;
    permissionDecisionReason?: string;
    updatedInput?: Record<string, unknown>;
    additionalContext?: string;
};
/** UserPromptSubmit: add context, title the session, drop the prompt. */
export type UserPromptSubmitHookSpecificOutput = ContextOutput<'UserPromptSubmit'> & {
    sessionTitle?: string;
    suppressOriginalPrompt?: boolean;
};
/** UserPromptExpansion: add context, drop the prompt. */
export type UserPromptExpansionHookSpecificOutput = ContextOutput<'UserPromptExpansion'> & { suppressOriginalPrompt?: boolean };
/** SessionStart: add context, seed a first message, watch files. */
export type SessionStartHookSpecificOutput = ContextOutput<'SessionStart'> & {
    initialUserMessage?: string;
    sessionTitle?: string;
    watchPaths?: string[];
    reloadSkills?: boolean;
};
/** Setup: add context. */
export type SetupHookSpecificOutput = ContextOutput<'Setup'>;
/** PreModelSwitch: allow, deny or ask about the switch. */
export type PreModelSwitchHookSpecificOutput = {
    hookEventName: 'PreModelSwitch';
    permissionDecision?: 'allow' | 'deny' | 'ask';
    permissionDecisionReason?: string;
};
/** PostModelSwitch: add context. */
export type PostModelSwitchHookSpecificOutput = ContextOutput<'PostModelSwitch'>;
/** SubagentStart: add context. */
export type SubagentStartHookSpecificOutput = ContextOutput<'SubagentStart'>;
/** PostToolUse: add context or replace the tool output. */
export type PostToolUseHookSpecificOutput = ContextOutput<'PostToolUse'> & {
    classifierContext?: string;
    updatedToolOutput?: unknown;
    updatedMCPToolOutput?: unknown;
};
/** PostToolUseFailure: add context. */
export type PostToolUseFailureHookSpecificOutput = ContextOutput<'PostToolUseFailure'>;
/** PostToolBatch: add context. */
export type PostToolBatchHookSpecificOutput = ContextOutput<'PostToolBatch'>;
/** Stop: add context. */
export type StopHookSpecificOutput = ContextOutput<'Stop'>;
/** SubagentStop: add context. */
export type SubagentStopHookSpecificOutput = ContextOutput<'SubagentStop'>;
/** PermissionDenied: ask the model to retry. */
export type PermissionDeniedHookSpecificOutput = { hookEventName: 'PermissionDenied'; retry?: boolean };
/** Notification: add context. */
export type NotificationHookSpecificOutput = ContextOutput<'Notification'>;
/** PermissionRequest: answer the prompt in place of the user. */
export type PermissionRequestHookSpecificOutput = {
    hookEventName: 'PermissionRequest';
    decision:
        | { behavior: 'allow'; updatedInput?: Record<string, unknown>; updatedPermissions?: PermissionUpdate[] }
        | { behavior: 'deny'; message?: string; interrupt?: boolean };
};
/** Elicitation: answer the MCP server in place of the user. */
export type ElicitationHookSpecificOutput = {
    hookEventName: 'Elicitation';
    action?: 'accept' | 'decline' | 'cancel';
    content?: Record<string, unknown>;
};
/** ElicitationResult: override the user's answer. */
export type ElicitationResultHookSpecificOutput = {
    hookEventName: 'ElicitationResult';
    action?: 'accept' | 'decline' | 'cancel';
    content?: Record<string, unknown>;
};
/** CwdChanged: files to watch. */
export type CwdChangedHookSpecificOutput = { hookEventName: 'CwdChanged'; watchPaths?: string[] };
/** FileChanged: files to watch. */
export type FileChangedHookSpecificOutput = { hookEventName: 'FileChanged'; watchPaths?: string[] };
/** WorktreeCreate: where the worktree was created. */
export type WorktreeCreateHookSpecificOutput = { hookEventName: 'WorktreeCreate'; worktreePath: string };
/** MessageDisplay: replace the displayed text. */
export type MessageDisplayHookSpecificOutput = { hookEventName: 'MessageDisplay'; displayContent?: string };

/** A hook output that lets the hook finish in the background. */
export type AsyncHookJSONOutput = { async: true; asyncTimeout?: number };

/** A hook's synchronous answer. */
export type SyncHookJSONOutput = {
    continue?: boolean;
    suppressOutput?: boolean;
    stopReason?: string;
    decision?: 'approve' | 'block';
    systemMessage?: string;
    terminalSequence?: string;
    reason?: string;
    hookSpecificOutput?:
        | PreToolUseHookSpecificOutput | UserPromptSubmitHookSpecificOutput
        | UserPromptExpansionHookSpecificOutput | SessionStartHookSpecificOutput | SetupHookSpecificOutput
        | PreModelSwitchHookSpecificOutput | PostModelSwitchHookSpecificOutput
        | SubagentStartHookSpecificOutput | PostToolUseHookSpecificOutput
        | PostToolUseFailureHookSpecificOutput | PostToolBatchHookSpecificOutput | StopHookSpecificOutput
        | SubagentStopHookSpecificOutput | PermissionDeniedHookSpecificOutput
        | NotificationHookSpecificOutput | PermissionRequestHookSpecificOutput
        | ElicitationHookSpecificOutput | ElicitationResultHookSpecificOutput
        | CwdChangedHookSpecificOutput | FileChangedHookSpecificOutput
        | WorktreeCreateHookSpecificOutput | MessageDisplayHookSpecificOutput;
};

/** What a hook callback resolves to. */
export type HookJSONOutput = AsyncHookJSONOutput | SyncHookJSONOutput;

/** A hook callback run in this process. */
export type HookCallback = (
    input: HookInput,
    toolUseID: string | undefined,
    options: { signal: AbortSignal },
) => Promise<HookJSONOutput>;

/** Hook callbacks for one event, optionally filtered by a matcher. */
export interface HookCallbackMatcher {
    /** Tool-name (or event-specific) pattern; omitted matches everything. */
    matcher?: string;
    hooks: HookCallback[];
    /** Seconds before the CLI gives up on these callbacks. */
    timeout?: number;
    /** Whether a failing callback lets the action go on or blocks it. */
    onFailure?: 'continue' | 'block';
}

// ---------------------------------------------------------------------------------------------
// MCP server configuration and status
// ---------------------------------------------------------------------------------------------

/** Per-tool permission policy of an MCP server. */
export type McpServerToolPolicy = {
    name: string;
    permission_policy?: 'always_allow' | 'always_ask' | 'always_deny';
    org_max_permission?: 'allow' | 'ask' | 'blocked';
};

/** An MCP server the CLI starts as a subprocess. */
export type McpStdioServerConfig = {
    type?: 'stdio';
    command: string;
    args?: string[];
    env?: Record<string, string>;
    timeout?: number;
    alwaysLoad?: boolean;
};

/** Fields of the remote (SSE and HTTP) server configs. */
type McpRemoteFields = {
    url: string;
    headers?: Record<string, string>;
    tools?: McpServerToolPolicy[];
    timeout?: number;
    alwaysLoad?: boolean;
};
/** A remote MCP server over server-sent events. */
export type McpSSEServerConfig = { type: 'sse' } & McpRemoteFields;
/** A remote MCP server over streamable HTTP. */
export type McpHttpServerConfig = { type: 'http' } & McpRemoteFields;

/** An in-process MCP server, as sent to the CLI. */
export type McpSdkServerConfig = { type: 'sdk'; name: string; timeout?: number; tools?: McpServerToolPolicy[] };

/** An in-process MCP server together with its server object (from `createSdkMcpServer`). */
export type McpSdkServerConfigWithInstance = McpSdkServerConfig & {
    /** The in-process server object; opaque to callers. */
    instance: unknown;
};

/** A claude.ai connector proxied by the CLI. */
export type McpClaudeAIProxyServerConfig = { type: 'claudeai-proxy'; url: string; id: string; timeout?: number };

/** An MCP server entry of `Options.mcpServers`. */
export type McpServerConfig = McpStdioServerConfig | McpSSEServerConfig | McpHttpServerConfig | McpSdkServerConfigWithInstance;

/** An MCP server config in the form the CLI process receives. */
export type McpServerConfigForProcessTransport = McpStdioServerConfig | McpSSEServerConfig | McpHttpServerConfig | McpSdkServerConfig;

/** The config an MCP status entry reports. */
export type McpServerStatusConfig = McpServerConfigForProcessTransport | McpClaudeAIProxyServerConfig;

/** The state of one MCP server. */
export type McpServerStatus = {
    name: string;
    status: 'connected' | 'failed' | 'needs-auth' | 'pending' | 'disabled';
    serverInfo?: { name: string; version: string };
    error?: string;
    config?: McpServerStatusConfig;
    scope?: string;
    source?: string;
    tools?: {
        name: string;
        description?: string;
        annotations?: { readOnly?: boolean; destructive?: boolean; openWorld?: boolean };
        _meta?: Record<string, unknown>;
    }[];
};

/** The outcome of `Query.setMcpServers`. */
export type McpSetServersResult = { added: string[]; removed: string[]; errors: Record<string, string> };

/** Where an MCP configuration came from. */
export type ConfigScope = 'local' | 'user' | 'project';

// ---------------------------------------------------------------------------------------------
// In-process MCP tools (zod 3 or zod 4 raw shapes)
// ---------------------------------------------------------------------------------------------

/** A zod raw shape (`{ key: z.string(), ... }`) of zod 3 or zod 4. */
export type AnyZodRawShape = ZodV3RawShape | ZodV4RawShape;

/** The parsed-arguments object a raw shape describes. */
export type InferShape<T extends AnyZodRawShape> = {
    [K in keyof T]: T[K] extends { _zod: { output: infer V4 } }
        ? V4
        : T[K] extends { _output: infer V3 }
            ? V3
            : never;
} & {};

/** A tool of an in-process MCP server. */
export type SdkMcpToolDefinition<Schema extends AnyZodRawShape = AnyZodRawShape> = {
    name: string;
    description: string;
    inputSchema: Schema;
    annotations?: ToolAnnotations;
    _meta?: Record<string, unknown>;
    handler: (args: InferShape<Schema>, extra: unknown) => Promise<CallToolResult>;
};

/** Defines an in-process MCP tool from a zod raw shape and an async handler. */
export declare function tool<Schema extends AnyZodRawShape>(
    name: string,
    description: string,
    inputSchema: Schema,
    handler: (args: InferShape<Schema>, extra: unknown) => Promise<CallToolResult>,
    extras?: { annotations?: ToolAnnotations; searchHint?: string; alwaysLoad?: boolean },
): SdkMcpToolDefinition<Schema>;

/** Options of `createSdkMcpServer`. */
type CreateSdkMcpServerOptions = {
    name: string;
    version?: string;
    instructions?: string;
    tools?: Array<SdkMcpToolDefinition<any>>;
    alwaysLoad?: boolean;
    timeout?: number;
};

/** Builds an in-process MCP server to pass in `Options.mcpServers`. */
export declare function createSdkMcpServer(options: CreateSdkMcpServerOptions): McpSdkServerConfigWithInstance;

// ---------------------------------------------------------------------------------------------
// Agents, plugins, models, commands, account
// ---------------------------------------------------------------------------------------------

/** MCP servers of a subagent: names of configured servers or inline configs. */
export type AgentMcpServerSpec = string | Record<string, McpServerConfigForProcessTransport>;

/** A subagent the main agent can delegate to. */
export type AgentDefinition = {
    description: string;
    prompt: string;
    tools?: string[];
    disallowedTools?: string[];
    model?: string;
    mcpServers?: AgentMcpServerSpec[];
    criticalSystemReminder_EXPERIMENTAL?: string;
    skills?: string[];
    initialPrompt?: string;
    maxTurns?: number;
    autoCompactWindow?: number;
    background?: boolean;
    omitClaudeMd?: boolean;
    memory?: 'user' | 'project' | 'local';
    effort?: EffortLevel | number;
    permissionMode?: PermissionMode;
    observer?: string;
    observerMessage?: string;
};

/** A subagent as listed by `Query.supportedAgents`. */
export type AgentInfo = { name: string; description: string; model?: string };

/** A local plugin directory to load. */
export type SdkPluginConfig = { type: 'local'; path: string; skipMcpDiscovery?: boolean };

/** A model the CLI offers. */
export type ModelInfo = {
    value: string;
    resolvedModel?: string;
    displayName: string;
    description: string;
    supportsEffort?: boolean;
    supportedEffortLevels?: EffortLevel[];
    supportsAdaptiveThinking?: boolean;
    supportsFastMode?: boolean;
    supportsAutoMode?: boolean;
};

/** A slash command or skill. */
export type SlashCommand = {
    name: string;
    description: string;
    argumentHint: string;
    aliases?: string[];
    builtin?: boolean;
};

/** The logged-in account. */
export type AccountInfo = {
    email?: string;
    organization?: string;
    subscriptionType?: string;
    tokenSource?: string;
    apiKeySource?: string;
    apiProvider?: 'firstParty' | 'bedrock' | 'vertex' | 'foundry' | 'anthropicAws' | 'anthropicGoogleCloud' | 'mantle' | 'gateway';
};

/** Where the API key in use came from. */
export type ApiKeySource = 'ANTHROPIC_API_KEY' | 'apiKeyHelper' | '/login managed key' | 'none' | 'user' | 'project' | 'org' | 'temporary' | 'oauth';

/** Beta features the SDK can switch on. */
export type SdkBeta = 'context-1m-2025-08-07';

/** State of fast mode. */
export type FastModeState = 'off' | 'cooldown' | 'on';

/** Why fast mode is off. */
export type FastModeDisabledReason =
    | 'free' | 'preference' | 'extra_usage_disabled' | 'network_error' | 'unknown' | 'not_first_party'
    | 'disabled_by_env' | 'model_not_allowed' | 'sdk_opt_in_required' | 'pending';

/** Per-model token and cost totals. */
export type ModelUsage = {
    inputTokens: number;
    outputTokens: number;
    thinkingTokens?: number;
    cacheReadInputTokens: number;
    cacheCreationInputTokens: number;
    cacheCreationEphemeral5mInputTokens?: number;
    cacheCreationEphemeral1hInputTokens?: number;
    webSearchRequests: number;
    costUSD: number;
    contextWindow: number;
    maxOutputTokens: number;
    canonicalModel?: string;
    provider?: string;
    costBasis?: 'list' | 'managed' | 'unknown';
};

/** Session token totals of a result message (no null fields). */
export type NonNullableUsage = {
    input_tokens: number;
    output_tokens: number;
    cache_creation_input_tokens: number;
    cache_read_input_tokens: number;
    cache_creation: { ephemeral_1h_input_tokens: number; ephemeral_5m_input_tokens: number };
    server_tool_use: { web_search_requests: number; web_fetch_requests: number };
    service_tier: 'standard' | 'priority' | 'batch';
    inference_geo: string;
    speed: 'standard' | 'fast';
    output_tokens_details: { thinking_tokens: number };
    iterations: unknown[];
    fallback_credit: { status: unknown } | null;
};

// ---------------------------------------------------------------------------------------------
// Settings and sandbox
// ---------------------------------------------------------------------------------------------

/** Which settings files the CLI loads. */
export type SettingSource = 'user' | 'project' | 'local';

/** Network limits of the sandbox. */
export type SandboxNetworkConfig = {
    allowedDomains?: string[];
    deniedDomains?: string[];
    strictAllowlist?: boolean;
    allowManagedDomainsOnly?: boolean;
    allowUnixSockets?: string[];
    allowAllUnixSockets?: boolean;
    allowLocalBinding?: boolean;
    allowMachLookup?: string[];
    httpProxyPort?: number;
    socksProxyPort?: number;
    tlsTerminate?: { caCertPath?: string; caKeyPath?: string };
};

/** Filesystem limits of the sandbox. */
export type SandboxFilesystemConfig = {
    allowWrite?: string[];
    denyWrite?: string[];
    denyRead?: string[];
    allowRead?: string[];
    allowManagedReadPathsOnly?: boolean;
    disabled?: boolean;
};

/** How one credential is hidden from sandboxed commands. */
type CredentialRule = {
    mode: 'deny' | 'mask';
    extract?: string;
    onExtractNoMatch?: 'deny' | 'error' | 'warn';
    decode?: 'jwt';
    maskClaims?: string[];
    injectHosts?: string[];
};
/** Whether a kind of AWS signature passes the sandbox proxy. */
type SigV4Policy = 'deny' | 'passthrough';

/** Credential files and variables hidden from sandboxed commands. */
export type SandboxCredentialsConfig = {
    files?: (CredentialRule & { path: string; maskDuplicates?: boolean })[];
    envVars?: (CredentialRule & { name: string })[];
    allowPlaintextInject?: boolean;
    awsPairs?: { accessKeyIdVar: string; secretAccessKeyVar: string; sessionTokenVar?: string }[];
    sigv4?: { streaming?: SigV4Policy; presigned?: SigV4Policy; sigv4a?: SigV4Policy };
};

/** Command sandboxing settings. */
export type SandboxSettings = {
    enabled?: boolean;
    failIfUnavailable?: boolean;
    autoAllowBashIfSandboxed?: boolean;
    allowUnsandboxedCommands?: boolean;
    network?: SandboxNetworkConfig;
    filesystem?: SandboxFilesystemConfig;
    credentials?: SandboxCredentialsConfig;
    ignoreViolations?: Record<string, string[]>;
    enableWeakerNestedSandbox?: boolean;
    allowNestedUserNamespaces?: boolean;
    enableWeakerNetworkIsolation?: boolean;
    allowAppleEvents?: boolean;
    excludedCommands?: string[];
    ripgrep?: { command: string; args?: string[] };
    bwrapPath?: string;
    socatPath?: string;
    [key: string]: unknown;
};

/** Violations to ignore, by command pattern. */
export type SandboxIgnoreViolations = NonNullable<SandboxSettings['ignoreViolations']>;

/** A hook command in a settings file (not an in-process callback). */
type SettingsHookCommand =
    | { type: 'command'; command: string; args?: string[]; if?: string; shell?: 'bash' | 'powershell'; timeout?: number; onFailure?: 'continue' | 'block'; statusMessage?: string; once?: boolean; async?: boolean; asyncRewake?: boolean }
    | { type: 'prompt' | 'agent'; prompt: string; if?: string; timeout?: number; model?: string; continueOnBlock?: boolean; statusMessage?: string; once?: boolean }
    | { type: 'http'; url: string; if?: string; timeout?: number; onFailure?: 'continue' | 'block'; headers?: Record<string, string>; allowedEnvVars?: string[]; statusMessage?: string; once?: boolean }
    | { type: 'mcp_tool'; server: string; tool: string; input?: Record<string, unknown>; if?: string; timeout?: number; onFailure?: 'continue' | 'block'; statusMessage?: string; once?: boolean };

/** The contents of a Claude Code settings file; the common keys are typed, the rest pass through. */
export interface Settings {
    $schema?: string;
    apiKeyHelper?: string;
    env?: Record<string, string>;
    permissions?: {
        allow?: string[];
        deny?: string[];
        ask?: string[];
        defaultMode?: PermissionMode;
        disableBypassPermissionsMode?: 'disable';
        additionalDirectories?: string[];
        [key: string]: unknown;
    };
    model?: string;
    fallbackModel?: string[];
    availableModels?: string[];
    hooks?: Record<string, { matcher?: string; hooks: SettingsHookCommand[] }[]>;
    disableAllHooks?: boolean;
    enableAllProjectMcpServers?: boolean;
    enabledMcpjsonServers?: string[];
    disabledMcpjsonServers?: string[];
    includeCoAuthoredBy?: boolean;
    includeGitInstructions?: boolean;
    cleanupPeriodDays?: number;
    respectGitignore?: boolean;
    outputStyle?: string;
    language?: string;
    sandbox?: SandboxSettings;
    statusLine?: { type: 'command'; command: string; padding?: number; refreshInterval?: number; hideVimModeIndicator?: boolean };
    enabledPlugins?: Record<string, string[] | boolean | Record<string, unknown>>;
    alwaysThinkingEnabled?: boolean;
    effortLevel?: 'low' | 'medium' | 'high' | 'xhigh';
    autoCompactEnabled?: boolean;
    fileCheckpointingEnabled?: boolean;
    agent?: string;
    companyAnnouncements?: string[];
    forceLoginMethod?: 'claudeai' | 'console' | 'gateway';
    verbose?: boolean;
    [key: string]: unknown;
}

/** Where a resolved setting came from. */
export type ResolvedSettingSource = SettingSource | 'managed' | 'flag';
/** The mechanism that delivered policy settings. */
export type PolicySettingsOrigin = 'helper' | 'remote' | 'plist' | 'hklm' | 'file' | 'parent' | 'hkcu';
/** The origin of one resolved setting. */
export type ProvenanceEntry = { source: ResolvedSettingSource; path?: string; policyOrigin?: PolicySettingsOrigin };
/** Effective settings with the provenance of each key. */
export type ResolvedSettings = {
    effective: Settings;
    provenance: Partial<Record<keyof Settings, ProvenanceEntry>>;
    sources: Array<{ source: ResolvedSettingSource; settings: Settings; path?: string; policyOrigin?: PolicySettingsOrigin }>;
    machinePolicy?: { didNotLoad: false | Array<'profile' | 'registry' | 'file'> };
};
/** Inputs of a settings resolution. */
export type ResolveSettingsOptions = {
    cwd?: string;
    settingSources?: SettingSource[];
    managedSettings?: Settings;
    serverManagedSettings?: Settings;
};
/** A settings file that failed to parse. */
export type SDKSettingsParseError = { file?: string; path: string; message: string };

// ---------------------------------------------------------------------------------------------
// Thinking, output format, tool config
// ---------------------------------------------------------------------------------------------

/** The model decides how much to think. */
export type ThinkingAdaptive = { type: 'adaptive'; display?: 'summarized' | 'omitted' };
/** Thinking on, with an optional token budget. */
export type ThinkingEnabled = { type: 'enabled'; budgetTokens?: number; display?: 'summarized' | 'omitted' };
/** Thinking off. */
export type ThinkingDisabled = { type: 'disabled' };
/** Thinking behaviour of the model. */
export type ThinkingConfig = ThinkingAdaptive | ThinkingEnabled | ThinkingDisabled;

/** Kinds of structured output. */
export type OutputFormatType = 'json_schema';
/** Common field of the structured output formats. */
export type BaseOutputFormat = { type: OutputFormatType };
/** Structured output validated against a JSON Schema. */
export type JsonSchemaOutputFormat = { type: 'json_schema'; schema: Record<string, unknown> };
/** Structured output requested for the final result. */
export type OutputFormat = JsonSchemaOutputFormat;

/** Settings of individual built-in tools. */
export type ToolConfig = { askUserQuestion?: { previewFormat?: 'markdown' | 'html' } };

// ---------------------------------------------------------------------------------------------
// Elicitation and user dialogs
// ---------------------------------------------------------------------------------------------

/** An MCP server asks the user for input. */
export type ElicitationRequest = {
    serverName: string;
    message: string;
    mode?: 'form' | 'url';
    url?: string;
    elicitationId?: string;
    requestedSchema?: Record<string, unknown>;
    title?: string;
    displayName?: string;
    description?: string;
};

/** The user's answer to an elicitation (the MCP `ElicitResult`). */
export type ElicitationResult = {
    action: 'accept' | 'decline' | 'cancel';
    content?: Record<string, string | number | boolean | string[]>;
    _meta?: Record<string, unknown>;
    [key: string]: unknown;
};

/** Answers MCP elicitations; `null` declines. */
export type OnElicitation = (
    request: ElicitationRequest,
    options: { signal: AbortSignal; requestId: string },
) => Promise<ElicitationResult | null>;

/** A blocking dialog the CLI asks the host to show. */
export type UserDialogRequest = { dialogKind: string; payload: Record<string, unknown>; toolUseID?: string };

/** The host's answer to a dialog. */
export type UserDialogResult = { behavior: 'completed'; result: unknown } | { behavior: 'cancelled' };

/** Shows CLI dialogs; `null` sends no answer. */
export type OnUserDialog = (
    request: UserDialogRequest,
    options: { signal: AbortSignal; requestId: string },
) => Promise<UserDialogResult | null>;

// ---------------------------------------------------------------------------------------------
// Custom process spawning
// ---------------------------------------------------------------------------------------------

/** What `spawnClaudeCodeProcess` is asked to start. */
export interface SpawnOptions {
    command: string;
    args: string[];
    cwd?: string;
    env: { [envVar: string]: string | undefined };
    /** Aborts when the session is torn down. */
    signal: AbortSignal;
}

/** Listener of a process exit. */
type ExitListener = (code: number | null, signal: NodeJS.Signals | null) => void;

/** The process handle `spawnClaudeCodeProcess` returns (`spawn()` with piped stdio fits). */
export interface SpawnedProcess {
    stdin: Writable;
    stdout: Readable;
    readonly killed: boolean;
    readonly exitCode: number | null;
    readonly signalCode?: NodeJS.Signals | null;
    kill(signal: NodeJS.Signals): boolean;
    on(event: 'exit', listener: ExitListener): void;
    on(event: 'error', listener: (error: Error) => void): void;
    once(event: 'exit', listener: ExitListener): void;
    once(event: 'error', listener: (error: Error) => void): void;
    off(event: 'exit', listener: ExitListener): void;
    off(event: 'error', listener: (error: Error) => void): void;
}

// ---------------------------------------------------------------------------------------------
// Session stores and stored sessions
// ---------------------------------------------------------------------------------------------

/** Identifies one transcript (or a sub-transcript) in a store. */
export type SessionKey = { projectKey: string; sessionId: string; subpath?: string };

/** One transcript line. */
export type SessionStoreEntry = { type: string; uuid?: string; timestamp?: string; [k: string]: unknown };

/** A cached per-session summary. */
export type SessionSummaryEntry = { sessionId: string; mtime: number; data: Record<string, unknown> };

/** How eagerly transcript entries are written to the store. */
export type SessionStoreFlush = 'batched' | 'eager';

/** An external mirror of session transcripts; the optional methods enable listing and deletion. */
export type SessionStore = {
    append(key: SessionKey, entries: SessionStoreEntry[]): Promise<void>;
    load(key: SessionKey): Promise<SessionStoreEntry[] | null>;
    listSessions?(projectKey: string): Promise<Array<{ sessionId: string; mtime: number }>>;
    listSessionSummaries?(projectKey: string): Promise<SessionSummaryEntry[]>;
    delete?(key: SessionKey): Promise<void>;
    listSubkeys?(key: { projectKey: string; sessionId: string }): Promise<string[]>;
};

/** A stored session as listed. */
export type SDKSessionInfo = {
    sessionId: string;
    summary: string;
    lastModified: number;
    fileSize?: number;
    customTitle?: string;
    firstPrompt?: string;
    gitBranch?: string;
    cwd?: string;
    tag?: string;
    createdAt?: number;
    archived?: boolean;
};

/** One message of a stored session. */
export type SessionMessage = {
    type: 'user' | 'assistant' | 'system';
    uuid: string;
    session_id: string;
    message: unknown;
    parent_tool_use_id: string | null;
    parent_agent_id: string | null;
};

/** Where to find stored sessions. */
type SessionLocation = { dir?: string; sessionStore?: SessionStore };
/** Paging of stored messages. */
type Paging = { limit?: number; offset?: number };

/** Options of session mutations (rename, tag, delete, ...). */
export type SessionMutationOptions = SessionLocation;
/** Options of session listing. */
export type ListSessionsOptions = SessionLocation & Paging & { includeWorktrees?: boolean; includeProgrammatic?: boolean };
/** Options of reading one session's info. */
export type GetSessionInfoOptions = SessionLocation;
/** Options of reading a session's messages. */
export type GetSessionMessagesOptions = SessionLocation & Paging & { includeSystemMessages?: boolean };
/** Options of reading a subagent's messages. */
export type GetSubagentMessagesOptions = SessionLocation & Paging;
/** Options of listing a session's subagents. */
export type ListSubagentsOptions = SessionLocation;
/** Options of forking a session. */
export type ForkSessionOptions = SessionMutationOptions & { upToMessageId?: string; title?: string };
/** The new session of a fork. */
export type ForkSessionResult = { sessionId: string };
/** Options of copying a local session into a store. */
export type ImportSessionToStoreOptions = { dir?: string; includeSubagents?: boolean; batchSize?: number };

/** Sessions of one project (`dir`, with its git worktrees by default) or of all, newest first. */
export declare function listSessions(options?: ListSessionsOptions): Promise<SDKSessionInfo[]>;
/** The metadata of one session; `undefined` when it is missing, a sidechain, or has no summary. */
export declare function getSessionInfo(sessionId: string, options?: GetSessionInfoOptions): Promise<SDKSessionInfo | undefined>;
/** The conversation of a session in order (empty when the session is not found). */
export declare function getSessionMessages(sessionId: string, options?: GetSessionMessagesOptions): Promise<SessionMessage[]>;
/** The ids of the subagents a session ran. */
export declare function listSubagents(sessionId: string, options?: ListSubagentsOptions): Promise<string[]>;
/** The conversation of one subagent of a session. */
export declare function getSubagentMessages(sessionId: string, agentId: string, options?: GetSubagentMessagesOptions): Promise<SessionMessage[]>;
/** Copies a session (optionally up to a message) into a new session with fresh ids. */
export declare function forkSession(sessionId: string, options?: ForkSessionOptions): Promise<ForkSessionResult>;
/** Sets a session's custom title. */
export declare function renameSession(sessionId: string, title: string, options?: SessionMutationOptions): Promise<void>;
/** Sets a session's tag; `null` removes it. */
export declare function tagSession(sessionId: string, tag: string | null, options?: SessionMutationOptions): Promise<void>;
/** Marks a local session archived (not with a `sessionStore`). */
export declare function archiveSession(sessionId: string, options?: SessionMutationOptions): Promise<void>;
/** Removes a local session's archived mark (not with a `sessionStore`). */
export declare function unarchiveSession(sessionId: string, options?: SessionMutationOptions): Promise<void>;
/** Deletes a session locally, or from `sessionStore` when given (a no-op without `delete`). */
export declare function deleteSession(sessionId: string, options?: SessionMutationOptions): Promise<void>;
/** Appends a local session (and by default its subagents) to `store`, in batches. */
export declare function importSessionToStore(sessionId: string, store: SessionStore, options?: ImportSessionToStoreOptions): Promise<void>;
/**
 * The summary of a session after `entries` were appended to it: what a store keeps for
 * `listSessionSummaries`. `options.mtime` is the store's write time (else `prev`'s is kept).
 */
export declare function foldSessionSummary(
    prev: SessionSummaryEntry | undefined,
    key: SessionKey,
    entries: SessionStoreEntry[],
    options?: { mtime?: number },
): SessionSummaryEntry;

/** A session store held in memory (lost with the process), with every optional method. */
export declare class InMemorySessionStore implements SessionStore {
    append(key: SessionKey, entries: SessionStoreEntry[]): Promise<void>;
    load(key: SessionKey): Promise<SessionStoreEntry[] | null>;
    listSessions(projectKey: string): Promise<Array<{ sessionId: string; mtime: number }>>;
    listSessionSummaries(projectKey: string): Promise<SessionSummaryEntry[]>;
    delete(key: SessionKey): Promise<void>;
    listSubkeys(key: { projectKey: string; sessionId: string }): Promise<string[]>;
    /** For tests: the entries held at `key` (empty when none). */
    getEntries(key: SessionKey): SessionStoreEntry[];
    /** For tests: how many main transcripts are held. */
    get size(): number;
    /** For tests: forgets everything. */
    clear(): void;
}

// ---------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------

/** Options of `query()` and `startup()`. */
export type Options = {
    /** Aborting it stops the query and the CLI. */
    abortController?: AbortController;
    /** More directories the agent may use (absolute paths). */
    additionalDirectories?: string[];
    /** Checkout whose project config is used when `cwd` is a worktree of it. */
    projectConfigRoot?: string;
    /** Agent (from `agents` or settings) to run the main thread as. */
    agent?: string;
    /** Subagents by name. */
    agents?: Record<string, AgentDefinition>;
    /** Tools allowed without a permission prompt. */
    allowedTools?: string[];
    /** Permission callback. */
    canUseTool?: CanUseTool;
    /** Continue the latest conversation in `cwd`. */
    continue?: boolean;
    /** Working directory of the CLI. */
    cwd?: string;
    /** Tools removed from the model's context. */
    disallowedTools?: string[];
    /** Tool-name redirects applied to the model's tool calls. */
    toolAliases?: Record<string, string>;
    /** Base set of built-in tools. */
    tools?: string[] | { type: 'preset'; preset: 'claude_code' };
    /** Environment of the CLI process (replaces, not merges with, `process.env`). */
    env?: { [envVar: string]: string | undefined };
    /** JavaScript runtime that runs a script CLI. */
    executable?: 'bun' | 'deno' | 'node';
    /** Arguments for that runtime. */
    executableArgs?: string[];
    /** Extra CLI flags (name without `--`; `null` for a bare flag). */
    extraArgs?: Record<string, string | null>;
    /** Model(s) to fall back to, comma-separated. */
    fallbackModel?: string;
    /** Track file edits so `rewindFiles` can undo them. */
    enableFileCheckpointing?: boolean;
    /** Settings of built-in tools. */
    toolConfig?: ToolConfig;
    /** Resume into a new session id. */
    forkSession?: boolean;
    /** API betas to enable. */
    betas?: SdkBeta[];
    /** In-process hook callbacks by event. */
    hooks?: Partial<Record<HookEvent, HookCallbackMatcher[]>>;
    /** MCP elicitation handler. */
    onElicitation?: OnElicitation;
    /** CLI dialog handler. */
    onUserDialog?: OnUserDialog;
    /** Dialog kinds `onUserDialog` can show. */
    supportedDialogKinds?: string[];
    /** The host can stop single background tasks (`stopTask`). */
    perTaskStopAffordance?: boolean;
    /** Save the session to disk (default true). */
    persistSession?: boolean;
    /** Mirror transcripts to this store. */
    sessionStore?: SessionStore;
    /** Flush policy of `sessionStore`. */
    sessionStoreFlush?: SessionStoreFlush;
    /** Timeout of each store load during resume, in ms. */
    loadTimeoutMs?: number;
    /** Emit hook lifecycle system messages. */
    includeHookEvents?: boolean;
    /** Emit `stream_event` messages while the model streams. */
    includePartialMessages?: boolean;
    /** Forward subagents' text and thinking too. */
    forwardSubagentText?: boolean;
    /** Deliver prompts verbatim (no `@file` or slash-command expansion). */
    verbatimPrompts?: boolean;
    /** Thinking behaviour. */
    thinking?: ThinkingConfig;
    /** Effort level. */
    effort?: EffortLevel;
    /** Thinking token budget (superseded by `thinking`). */
    maxThinkingTokens?: number;
    /** Turn limit. */
    maxTurns?: number;
    /** Spending limit in USD. */
    maxBudgetUsd?: number;
    /** API-side task budget in tokens. */
    taskBudget?: { total: number };
    /** MCP servers by name. */
    mcpServers?: Record<string, McpServerConfig>;
    /** How external MCP servers reach the CLI. */
    mcpServersDelivery?: 'argv' | 'initialize';
    /** Model name or alias. */
    model?: string;
    /** Structured output of the final result. */
    outputFormat?: OutputFormat;
    /** Path of the CLI to run. */
    pathToClaudeCodeExecutable?: string;
    /** Starting permission mode. */
    permissionMode?: PermissionMode;
    /** Plan-mode workflow instructions. */
    planModeInstructions?: string;
    /** Required with `permissionMode: 'bypassPermissions'`. */
    allowDangerouslySkipPermissions?: boolean;
    /** MCP tool that answers permission prompts. */
    permissionPromptToolName?: string;
    /** Who answers permission prompts. */
    permissionPrompts?: 'host' | 'none';
    /** Plugins to load. */
    plugins?: SdkPluginConfig[];
    /** How plugins reach the CLI. */
    pluginDelivery?: 'argv' | 'initialize';
    /** Emit `prompt_suggestion` messages. */
    promptSuggestions?: boolean;
    /** Periodic progress summaries of subagents. */
    agentProgressSummaries?: boolean;
    /** Session id to resume. */
    resume?: string;
    /** Session id to use for a new session. */
    sessionId?: string;
    /** Resume only up to this message uuid. */
    resumeSessionAt?: string;
    /** Prompt uuid of the turn a truncating resume drops (validated). */
    resumeDropsTurn?: string;
    /** Command sandbox settings. */
    sandbox?: SandboxSettings;
    /** Flag-layer settings: a file path or an object. */
    settings?: string | Settings;
    /** Policy-layer settings from the embedding app. */
    managedSettings?: Settings;
    /** Settings files to load (`[]` loads none). */
    settingSources?: SettingSource[];
    /** Skills to enable. */
    skills?: string[] | 'all';
    /** CLI debug logging. */
    debug?: boolean;
    /** File for the CLI's debug log. */
    debugFile?: string;
    /** Receives the CLI's stderr. */
    stderr?: (data: string) => void;
    /** Use only the MCP servers given here. */
    strictMcpConfig?: boolean;
    /** Custom prompt, or Claude Code's preset with additions. */
    systemPrompt?:
        | string
        | string[]
        | { type: 'custom'; prompt: string | string[]; snapshot?: boolean }
        | { type: 'preset'; preset: 'claude_code'; append?: string; excludeDynamicSections?: boolean; snapshot?: boolean };
    /** Title of a new session. */
    title?: string;
    /** Starts the CLI process yourself (VM, container, remote). */
    spawnClaudeCodeProcess?: (options: SpawnOptions) => SpawnedProcess;
};

// ---------------------------------------------------------------------------------------------
// Output stream messages
// ---------------------------------------------------------------------------------------------

/** Where a user message came from. */
export type SDKMessageOrigin =
    | { kind: 'human' }
    | { kind: 'channel'; server: string }
    | {
        kind: 'peer';
        from: string;
        fromMode?: 'bypass' | 'prompting';
        name?: string;
        fromSession?: string;
        senderTaskId?: string;
        body?: string;
        verifiedPeerPid?: number;
    }
    | {
        kind: 'task-notification';
        subkind?: 'scheduled-trigger' | 'peer-send-message' | 'projects-relay' | 'session-inbox' | 'external-event';
        fireReason?: string;
        runId?: string;
    }
    | { kind: 'coordinator' }
    | { kind: 'unclassified' }
    | { kind: 'observer'; from: string; senderTaskId: string }
    | { kind: 'auto-continuation' }
    | { kind: 'observer-activity' };

/** One category of context-window use. */
export type SDKContextUsageCategory = { name: string; tokens: number; kind: 'used' | 'free' | 'buffer' | 'deferred' };

/** Context-window use attached to an assistant message. */
export type SDKContextUsage = {
    model: string;
    total_tokens: number;
    raw_max_tokens: number;
    percentage: number;
    over_limit?: { tokens_over: number; kind: 'hard_limit' | 'compaction_window' };
    categories: SDKContextUsageCategory[];
    mcp_tools: { name: string; server_name: string; tokens: number }[];
    memory_files: { path: string; type: string; tokens: number }[];
    agents: { agent_type: string; source: string; tokens: number }[];
    skills?: { name: string; source: string; plugin_name?: string; tokens: number }[];
};

/** Session cost and totals. */
type SessionTotals = {
    total_cost_usd: number;
    total_api_duration_ms: number;
    total_duration_ms: number;
    total_lines_added: number;
    total_lines_removed: number;
    model_usage: Record<string, ModelUsage>;
};

/** Extra-usage (overage) state of the account. */
type ExtraUsage = {
    is_enabled: boolean;
    monthly_limit: number | null;
    used_credits: number | null;
    utilization: number | null;
    currency?: string | null;
};

/** Usage and limits attached to an assistant message. */
export type SDKUsageReport = {
    session: SessionTotals;
    rate_limits: {
        limits: {
            kind: string;
            group: string;
            percent: number;
            resets_at: string | null;
            scope?: { model?: { display_name: string } | null; surface?: { display_name: string } | null } | null;
            severity: string;
            is_active: boolean;
        }[] | null;
        extra_usage?: ExtraUsage | null;
    } | null;
};

/** A message of the model. */
export type SDKAssistantMessage = Stamped & {
    type: 'assistant';
    message: APIAssistantMessage;
    parent_tool_use_id: string | null;
    error?: SDKAssistantMessageError;
    request_id?: string;
    user_message_uuid?: string;
    user_message_uuids?: string[];
    resume_reason?: string;
    resumed_from_incomplete_thinking?: true;
    supersedes?: UUID[];
    aborted?: true;
    agent_id?: string;
    subagent_type?: string;
    task_description?: string;
    timestamp?: string;
    context_usage?: SDKContextUsage;
    usage_report?: SDKUsageReport;
};

/** Fields shared by user messages sent and replayed. */
type UserMessageFields = {
    type: 'user';
    message: MessageParam;
    parent_tool_use_id: string | null;
    isSynthetic?: boolean;
    tool_use_result?: unknown;
    priority?: 'now' | 'next' | 'later';
    origin?: SDKMessageOrigin;
    shouldQuery?: boolean;
    timestamp?: string;
    client_composed?: true;
};

/** A user message: what a streaming prompt yields, and tool results the CLI echoes. */
export type SDKUserMessage = UserMessageFields & {
    uuid?: UUID;
    pasted_content?: MessageParam['content'][];
    inline_pastes?: string[];
    session_id?: string;
    agent_id?: string;
    subagent_type?: string;
    task_description?: string;
};

/** A user message replayed from history. */
export type SDKUserMessageReplay = UserMessageFields & Stamped & {
    isReplay: true;
    file_attachments?: unknown[];
};

/** Why a run ended (result messages). */
export type TerminalReason =
    | 'blocking_limit' | 'rapid_refill_breaker' | 'prompt_too_long' | 'image_error' | 'model_error'
    | 'api_error' | 'malformed_tool_use_exhausted' | 'aborted_streaming' | 'aborted_tools'
    | 'stop_hook_prevented' | 'hook_stopped' | 'tool_deferred' | 'max_turns' | 'background_requested'
    | 'completed' | 'budget_exhausted' | 'structured_output_retry_exhausted'
    | 'tool_deferred_unavailable' | 'turn_setup_failed';

/** Why the CLI could not start a session. */
export type SDKStartupFailureReason =
    | 'org_pin_api_key_conflict' | 'provider_not_allowed' | 'org_verify_failed' | 'org_pin_mismatch'
    | 'managed_settings_invalid' | 'remote_settings_required_unavailable' | 'gateway_signin_required'
    | 'gateway_access_denied' | 'proxy_invalid' | 'temp_dir_unusable' | 'cwd_unavailable'
    | 'shell_tool_missing' | 'session_held_by_background' | 'worktree_resume_refused'
    | 'worktree_unverified' | 'cli_version_too_old' | 'bypass_root' | 'org_config_required_unavailable'
    | 'org_config_refused' | 'sandbox_required_unavailable' | 'initialize_not_first'
    | 'config_file_invalid' | 'managed_settings_not_delivered' | 'initialize_fields_not_delivered';

/** A tool call the run stopped at, for the host to perform. */
export type SDKDeferredToolUse = { id: string; name: string; input: Record<string, unknown> };

/** Fields shared by success and error results. */
type ResultFields = Stamped & {
    type: 'result';
    duration_ms: number;
    duration_api_ms: number;
    is_error: boolean;
    num_turns: number;
    stop_reason: string | null;
    total_cost_usd: number;
    usage: NonNullableUsage;
    modelUsage: Record<string, ModelUsage>;
    permission_denials: SDKPermissionDenial[];
    queued_turn_count?: number;
    user_message_uuid?: string;
    user_message_uuids?: string[];
    resume_reason?: string;
    terminal_reason?: TerminalReason;
    result_index?: number;
    credential_expires_at?: string;
    fast_mode_state?: FastModeState;
    fast_mode_disabled_reason?: FastModeDisabledReason;
    origin?: SDKMessageOrigin;
};

/** Which queue a timed stream post waited behind. */
type PostQueue = 'durable_post' | 'ephemeral_post' | 'retry_backoff' | 'hold' | 'none';

/** A run that finished normally. */
export type SDKResultSuccess = ResultFields & {
    subtype: 'success';
    result: string;
    structured_output?: unknown;
    deferred_tool_use?: SDKDeferredToolUse;
    api_error_status?: number | null;
    local_command?: string;
    ttft_ms?: number;
    ttft_stream_ms?: number;
    time_to_request_ms?: number;
    request_sent_wall_ms?: number;
    first_content_frame_ms?: number;
    first_stream_post_ms?: number;
    first_stream_post_ack_ms?: number;
    first_stream_post_queue_wait_ms?: number;
    first_stream_post_queued_behind?: PostQueue;
    first_stream_post_wall_ms?: number;
    first_text_post_ms?: number;
    first_text_post_queue_wait_ms?: number;
    first_text_post_queued_behind?: PostQueue;
    first_text_post_wall_ms?: number;
    time_to_request_from_spawn_ms?: number;
    warm_spare_claimed?: boolean;
    time_origin_ms?: number;
};

/** A run that ended on an error or a limit. */
export type SDKResultError = ResultFields & {
    subtype: 'error_during_execution' | 'error_max_turns' | 'error_max_budget_usd' | 'error_max_structured_output_retries';
    errors: string[];
    startup_failure_reason?: SDKStartupFailureReason;
    invalid_config_file?: { path: string; is_global: boolean; backup_searched: boolean; backup_path?: string };
};

/** The last message of a run. */
export type SDKResultMessage = SDKResultSuccess | SDKResultError;

/** The session's start-up facts (first message). */
export type SDKSystemMessage = Stamped & SystemTagged<'init'> & {
    agents?: string[];
    apiKeySource: ApiKeySource;
    betas?: string[];
    claude_code_version: string;
    cwd: string;
    tools: string[];
    mcp_servers: { name: string; status: string; source?: string }[];
    model: string;
    permissionMode: PermissionMode;
    slash_commands: string[];
    terminal_slash_commands?: string[];
    output_style: string;
    skills: string[];
    plugins: { name: string; path: string; version?: string }[];
    plugin_errors?: {
        plugin: string;
        type: string;
        message: string;
        path?: string;
        managed_lock?: { plugin_enabled: boolean; name: string; marketplace?: string };
    }[];
    fast_mode_state?: FastModeState;
    fast_mode_disabled_reason?: FastModeDisabledReason;
    effort?: EffortLevel | null;
    view_mode?: 'focus' | 'default';
    capabilities?: string[];
};

/** A raw streaming event (with `includePartialMessages`). */
export type SDKPartialAssistantMessage = Stamped & {
    type: 'stream_event';
    event: APIStreamEvent;
    parent_tool_use_id: string | null;
    ttft_ms?: number;
    user_message_uuid?: string;
    user_message_uuids?: string[];
    resume_reason?: string;
};

/** The conversation was compacted here. */
export type SDKCompactBoundaryMessage = Stamped & SystemTagged<'compact_boundary'> & {
    compact_metadata: {
        trigger: 'manual' | 'auto';
        pre_tokens: number;
        post_tokens?: number;
        duration_ms?: number;
        preserved_segment?: { head_uuid: UUID; anchor_uuid: UUID; tail_uuid: UUID };
        preserved_messages?: { anchor_uuid: UUID; uuids: UUID[] };
    };
};

/** What the CLI is busy with. */
export type SDKStatus = 'compacting' | 'requesting' | null;

/** A status change. */
export type SDKStatusMessage = Stamped & SystemTagged<'status'> & {
    status: SDKStatus;
    permissionMode?: PermissionMode;
    compact_result?: 'success' | 'failed';
    compact_error?: string;
};

/** An API call is being retried. */
export type SDKAPIRetryMessage = Stamped & SystemTagged<'api_retry'> & {
    attempt: number;
    max_retries: number;
    retry_delay_ms: number;
    error_status: number | null;
    error: SDKAssistantMessageError;
    no_response?: { waited_ms: number; retry_wait_ms: number };
};

/** Progress of a control request. */
export type SDKControlRequestProgressMessage = Stamped & SystemTagged<'control_request_progress'> & {
    request_id: string;
    status: 'started' | 'api_retry';
    attempt?: number;
    max_retries?: number;
    retry_delay_ms?: number;
    error_status?: number | null;
};

/** Fields of the refusal messages. */
type RefusalFields = {
    original_model: string;
    request_id: string | null;
    api_refusal_category?: string | null;
    api_refusal_explanation?: string | null;
    refused_user_message_uuid?: string | null;
    content: string;
};

/** The model refused and another model took over. */
export type SDKModelRefusalFallbackMessage = Stamped & SystemTagged<'model_refusal_fallback'> & RefusalFields & {
    trigger: 'refusal';
    direction: 'retry' | 'revert' | 'sticky';
    scope?: 'session' | 'local';
    fallback_model: string;
    retracted_message_uuids?: string[];
};

/** The model refused and no fallback applied. */
export type SDKModelRefusalNoFallbackMessage = Stamped & SystemTagged<'model_refusal_no_fallback'> & RefusalFields;

/** Output of a local slash command. */
export type SDKLocalCommandOutputMessage = Stamped & SystemTagged<'local_command_output'> & { content: string };

/** Identity of a running hook. */
type HookRunFields = { hook_id: string; hook_name: string; hook_event: string };

/** A hook started (with `includeHookEvents`). */
export type SDKHookStartedMessage = Stamped & SystemTagged<'hook_started'> & HookRunFields;

/** A hook produced output. */
export type SDKHookProgressMessage = Stamped & SystemTagged<'hook_progress'> & HookRunFields & {
    stdout: string;
    stderr: string;
    output: string;
};

/** A hook finished. */
export type SDKHookResponseMessage = Stamped & SystemTagged<'hook_response'> & HookRunFields & {
    output: string;
    stdout: string;
    stderr: string;
    exit_code?: number;
    outcome: 'success' | 'error' | 'cancelled';
};

/** Plugin installation progress. */
export type SDKPluginInstallMessage = Stamped & SystemTagged<'plugin_install'> & {
    status: 'started' | 'installed' | 'failed' | 'completed';
    name?: string;
    error?: string;
};

/** A tool is still running. */
export type SDKToolProgressMessage = Stamped & {
    type: 'tool_progress';
    tool_use_id: string;
    tool_name: string;
    parent_tool_use_id: string | null;
    elapsed_time_seconds: number;
    task_id?: string;
    heartbeat?: boolean;
    subagent_type?: string;
    subagent_retry?: {
        agent_id: string;
        attempt: number;
        max_retries: number;
        retry_delay_ms: number;
        error_status: number | null;
        error_category: string;
    };
};

/** Authentication progress. */
export type SDKAuthStatusMessage = Stamped & {
    type: 'auth_status';
    isAuthenticating: boolean;
    output: string[];
    error?: string;
};

/** Token and tool totals of a task. */
type TaskUsage = { total_tokens: number; tool_uses: number; duration_ms: number };

/** A link to an MCP resource. */
export type SDKMcpResourceLink = {
    uri: string;
    name: string;
    title?: string;
    description?: string;
    mimeType?: string;
    size?: number;
    annotations?: Record<string, unknown>;
};

/** A background task ended. */
export type SDKTaskNotificationMessage = Stamped & SystemTagged<'task_notification'> & {
    task_id: string;
    run_id?: string;
    tool_use_id?: string;
    status: 'completed' | 'failed' | 'stopped';
    reason?: 'worker_restart';
    output_file: string;
    summary: string;
    usage?: TaskUsage;
    resource_links?: SDKMcpResourceLink[];
    skip_transcript?: boolean;
    ambient?: boolean;
};

/** A task started. */
export type SDKTaskStartedMessage = Stamped & SystemTagged<'task_started'> & {
    task_id: string;
    run_id?: string;
    tool_use_id?: string;
    description: string;
    subagent_type?: string;
    is_backgrounded?: boolean;
    spawn_depth?: number;
    parent_task_id?: string;
    task_type?: string;
    workflow_name?: string;
    prompt?: string;
    skip_transcript?: boolean;
    ambient?: boolean;
};

/** A task's state changed. */
export type SDKTaskUpdatedMessage = Stamped & SystemTagged<'task_updated'> & {
    task_id: string;
    run_id?: string;
    patch: {
        status?: 'pending' | 'running' | 'completed' | 'failed' | 'killed' | 'paused';
        description?: string;
        end_time?: number;
        total_paused_ms?: number;
        error?: string;
        is_backgrounded?: boolean;
    };
};

/** A task made progress. */
export type SDKTaskProgressMessage = Stamped & SystemTagged<'task_progress'> & {
    task_id: string;
    run_id?: string;
    tool_use_id?: string;
    description: string;
    subagent_type?: string;
    usage: TaskUsage;
    last_tool_name?: string;
    summary?: string;
};

/** The set of background tasks changed. */
export type SDKBackgroundTasksChangedMessage = Stamped & SystemTagged<'background_tasks_changed'> & {
    tasks: {
        task_id: string;
        run_id?: string;
        task_type: string;
        subagent_type?: string;
        description: string;
        parent_task_id?: string;
        ambient?: boolean;
    }[];
};

/** Estimated thinking tokens so far. */
export type SDKThinkingTokensMessage = Stamped & SystemTagged<'thinking_tokens'> & {
    estimated_tokens: number;
    estimated_tokens_delta: number;
    user_message_uuid?: string;
};

/** The session went idle, busy or waiting. */
export type SDKSessionStateChangedMessage = Stamped & SystemTagged<'session_state_changed'> & {
    state: 'idle' | 'running' | 'requires_action';
};

/** The worker is shutting down. */
export type SDKWorkerShuttingDownMessage = Stamped & SystemTagged<'worker_shutting_down'> & { reason: string };

/** The available commands changed. */
export type SDKCommandsChangedMessage = Stamped & SystemTagged<'commands_changed'> & { commands: SlashCommand[] };

/** A notification for the user. */
export type SDKNotificationMessage = Stamped & SystemTagged<'notification'> & {
    key: string;
    text: string;
    priority: 'low' | 'medium' | 'high' | 'immediate';
    color?: string;
    timeout_ms?: number;
};

/** Files were uploaded. */
export type SDKFilesPersistedEvent = Stamped & SystemTagged<'files_persisted'> & {
    files: { filename: string; file_id: string }[];
    failed: { filename: string; error: string }[];
    processed_at: string;
};

/** A summary of preceding tool calls. */
export type SDKToolUseSummaryMessage = Stamped & {
    type: 'tool_use_summary';
    summary: string;
    preceding_tool_use_ids: string[];
};

/** Memories recalled for the turn. */
export type SDKMemoryRecallMessage = Stamped & SystemTagged<'memory_recall'> & {
    mode: 'select' | 'synthesize';
    memories: { path: string; scope: 'personal' | 'team' | 'organization'; content?: string }[];
};

/** Rate-limit state of the account. */
export type SDKRateLimitInfo = {
    status: 'allowed' | 'allowed_warning' | 'rejected';
    resetsAt?: number;
    rateLimitType?: 'five_hour' | 'seven_day' | 'seven_day_opus' | 'seven_day_sonnet' | 'seven_day_overage_included' | 'overage';
    utilization?: number;
    overageStatus?: 'allowed' | 'allowed_warning' | 'rejected';
    overageResetsAt?: number;
    overageDisabledReason?:
        | 'overage_not_provisioned' | 'org_level_disabled' | 'org_level_disabled_until' | 'out_of_credits'
        | 'seat_tier_level_disabled' | 'member_level_disabled' | 'seat_tier_zero_credit_limit'
        | 'group_zero_credit_limit' | 'member_zero_credit_limit' | 'org_service_level_disabled'
        | 'no_limits_configured' | 'fetch_error' | 'unknown';
    isUsingOverage?: boolean;
    overageInUse?: boolean;
    overageEnabled?: boolean;
    surpassedThreshold?: number;
    limitScope?: 'service' | 'channel' | 'group_pool';
    errorCode?: 'credits_required';
    canUserPurchaseCredits?: boolean;
    hasChargeableSavedPaymentMethod?: boolean;
};

/** The rate-limit state changed. */
export type SDKRateLimitEvent = Stamped & { type: 'rate_limit_event'; rate_limit_info: SDKRateLimitInfo };

/** A URL elicitation completed. */
export type SDKElicitationCompleteMessage = Stamped & SystemTagged<'elicitation_complete'> & {
    mcp_server_name: string;
    elicitation_id: string;
};

/** A tool call was denied. */
export type SDKPermissionDeniedMessage = Stamped & SystemTagged<'permission_denied'> & {
    tool_name: string;
    tool_use_id: string;
    agent_id?: string;
    decision_reason_type?: string;
    decision_reason?: string;
    message: string;
};

/** A predicted next prompt (with `promptSuggestions`). */
export type SDKPromptSuggestionMessage = Stamped & { type: 'prompt_suggestion'; suggestion: string };

/** Mirroring to the session store failed. */
export type SDKMirrorErrorMessage = Stamped & SystemTagged<'mirror_error'> & {
    error: string;
    key: { projectKey: string; sessionId: string; subpath?: string };
};

/** An informational line for the user. */
export type SDKInformationalMessage = Stamped & SystemTagged<'informational'> & {
    content: string;
    level: 'info' | 'notice' | 'suggestion' | 'warning';
    tool_use_id?: string;
    prevent_continuation?: boolean;
    tag?: string;
};

/** The conversation was reset (e.g. `/clear`). */
export type SDKConversationResetMessage = Stamped & {
    type: 'conversation_reset';
    new_conversation_id: UUID;
    trigger?: 'clear' | 'plan_mode_exit' | 'fresh_session' | 'onboarding';
    user_message_uuid?: string;
    timestamp?: string;
};

/** Session data could not be written (disk full or quota). */
export type SDKSessionWritesLostMessage = Stamped & SystemTagged<'session_writes_lost'> & {
    error_code: 'ENOSPC' | 'EDQUOT';
    lost: ('transcript' | 'global_config')[];
    transcript_session_ids?: string[];
};

/** The active goal of the session (not part of `SDKMessage`). */
export type SDKActiveGoalMessage = Stamped & {
    type: 'active_goal';
    value: {
        condition: string;
        iterations: number;
        set_at: number;
        tokens_at_start: number;
        last_reason?: string;
    } | null;
};

/** Any message a query yields; narrow on `type` (and `subtype`). */
export type SDKMessage =
    | SDKAssistantMessage | SDKUserMessage | SDKUserMessageReplay | SDKResultMessage | SDKSystemMessage
    | SDKPartialAssistantMessage | SDKCompactBoundaryMessage | SDKStatusMessage | SDKAPIRetryMessage
    | SDKControlRequestProgressMessage | SDKModelRefusalFallbackMessage | SDKModelRefusalNoFallbackMessage
    | SDKLocalCommandOutputMessage | SDKHookStartedMessage | SDKHookProgressMessage | SDKHookResponseMessage
    | SDKPluginInstallMessage | SDKToolProgressMessage | SDKAuthStatusMessage | SDKTaskNotificationMessage
    | SDKTaskStartedMessage | SDKTaskUpdatedMessage | SDKTaskProgressMessage
    | SDKBackgroundTasksChangedMessage | SDKThinkingTokensMessage | SDKSessionStateChangedMessage
    | SDKWorkerShuttingDownMessage | SDKCommandsChangedMessage | SDKNotificationMessage
    | SDKFilesPersistedEvent | SDKToolUseSummaryMessage | SDKMemoryRecallMessage | SDKRateLimitEvent
    | SDKElicitationCompleteMessage | SDKPermissionDeniedMessage | SDKPromptSuggestionMessage
    | SDKMirrorErrorMessage | SDKInformationalMessage | SDKConversationResetMessage
    | SDKSessionWritesLostMessage;

// ---------------------------------------------------------------------------------------------
// Control request answers
// ---------------------------------------------------------------------------------------------

/** What `initializationResult()` and `reinitialize()` resolve to. */
export type SDKControlInitializeResponse = {
    commands: SlashCommand[];
    agents: AgentInfo[];
    output_style: string;
    available_output_styles: string[];
    models: ModelInfo[];
    account: AccountInfo;
    hooks_applied?: boolean;
    hook_on_failure_supported?: boolean;
    plugins_applied?: boolean;
    mcp_servers_applied?: boolean;
    sdk_mcp_manifests_parked?: Record<string, 'parked' | 'already_connected' | 'protocol_version_mismatch' | 'malformed' | 'not_honoured'>;
    claude_code_version?: string;
    fast_mode_state?: FastModeState;
    fast_mode_disabled_reason?: FastModeDisabledReason;
};

/** What `interrupt()` resolves to. */
export type SDKControlInterruptResponse = { still_queued: string[]; cancelled?: string[] };

/** What `getContextUsage()` resolves to. */
export type SDKControlGetContextUsageResponse = {
    categories: {
        id?:
            | 'system_prompt' | 'system_tools' | 'mcp_tools' | 'mcp_instructions' | 'mcp_tools_deferred'
            | 'system_tools_deferred' | 'custom_agents' | 'memory_files' | 'skills' | 'messages'
            | 'autocompact_buffer' | 'compact_buffer' | 'free_space';
        name: string;
        tokens: number;
        color: string;
        isDeferred?: boolean;
        kind: 'used' | 'free' | 'buffer' | 'deferred';
    }[];
    totalTokens: number;
    maxTokens: number;
    rawMaxTokens: number;
    percentage: number;
    gridRows: {
        color: string;
        isFilled: boolean;
        categoryName: string;
        tokens: number;
        percentage: number;
        squareFullness: number;
    }[][];
    model: string;
    memoryFiles: { path: string; type: string; tokens: number }[];
    mcpTools: { name: string; serverName: string; tokens: number; isLoaded?: boolean }[];
    mcpInstructions?: { serverName: string; tokens: number }[];
    deferredBuiltinTools?: { name: string; tokens: number; isLoaded: boolean }[];
    systemTools?: { name: string; tokens: number }[];
    systemPromptSections?: { name: string; tokens: number }[];
    agents: { agentType: string; source: string; pluginId?: string; path?: string; tokens: number }[];
    slashCommands?: { totalCommands: number; includedCommands: number; tokens: number };
    skills?: {
        totalSkills: number;
        includedSkills: number;
        tokens: number;
        skillFrontmatter: { name: string; source: string; pluginName?: string; pluginId?: string; path?: string; tokens: number }[];
    };
    autoCompactThreshold?: number;
    isAutoCompactEnabled: boolean;
    messageBreakdown?: {
        toolCallTokens: number;
        toolResultTokens: number;
        attachmentTokens: number;
        assistantMessageTokens: number;
        userMessageTokens: number;
        redirectedContextTokens: number;
        unattributedTokens: number;
        toolCallsByType: { name: string; callTokens: number; resultTokens: number }[];
        attachmentsByType: { name: string; tokens: number }[];
    };
    apiUsage: {
        input_tokens: number;
        output_tokens: number;
        cache_creation_input_tokens: number;
        cache_read_input_tokens: number;
    } | null;
};

/** Utilisation of one rate-limit window. */
type LimitWindow = { utilization: number | null; resets_at: string | null };

/** Usage behaviours over one period. */
type UsageBehaviours = {
    request_count: number;
    session_count: number;
    behaviors: {
        key:
            | 'cache_miss' | 'long_context' | 'subagent_heavy' | 'high_parallel' | 'cron' | 'max_effort'
            | 'workflow' | 'always_on_context' | 'large_tool_results';
        pct: number;
        count: number;
    }[];
    recommendations?: { key: string; pct: number; title: string; detail?: string }[];
    fix?: { keys: string[]; messages: string[] };
    agents: { name: string; pct: number }[];
    skills: { name: string; pct: number }[];
    plugins: { name: string; pct: number }[];
    mcp_servers: { name: string; pct: number }[];
};

/** What the experimental usage call resolves to. */
export type SDKControlGetUsageResponse = {
    session: SessionTotals;
    subscription_type: string | null;
    rate_limits_available: boolean;
    rate_limits: {
        five_hour?: LimitWindow | null;
        seven_day?: LimitWindow | null;
        seven_day_oauth_apps?: LimitWindow | null;
        seven_day_opus?: LimitWindow | null;
        seven_day_sonnet?: LimitWindow | null;
        model_scoped?: (LimitWindow & { display_name: string })[];
        extra_usage?: ExtraUsage | null;
    } | null;
    behaviors: { day: UsageBehaviours; week: UsageBehaviours } | null;
};

/** What `readFile()` resolves to. */
export type SDKControlReadFileResponse = {
    contents: string;
    absPath: string;
    truncated?: boolean;
    encoding?: 'base64';
    lossy?: boolean;
};

/** What `reloadPlugins()` resolves to. */
export type SDKControlReloadPluginsResponse = {
    commands: SlashCommand[];
    agents: AgentInfo[];
    plugins: { name: string; path: string; source?: string; version?: string }[];
    mcpServers: McpServerStatus[];
    error_count: number;
    held?: boolean;
    cache_impact?: {
        mcp_servers_added: string[];
        mcp_servers_removed: string[];
        lsp_tool_change: 'adds' | 'may-add' | 'removes' | 'may-remove' | null;
    };
};

/** What `reloadSkills()` resolves to. */
export type SDKControlReloadSkillsResponse = { skills: SlashCommand[] };

/** What `reloadOutputStyles()` resolves to. */
export type SDKControlReloadOutputStylesResponse = { available_output_styles: string[] };

/** What `readMcpResource()` resolves to. */
export type SDKControlMcpReadResourceResponse = {
    contents: { uri: string; mimeType?: string; text?: string; blob?: string; _meta?: Record<string, unknown> }[];
};

/** How a permission rule is described to the user. */
export type SDKPermissionRuleDescription = { prefix: string; emphasis?: string; suffix?: string };

/** One permission rule in effect. */
export type SDKPermissionRuleEntry = {
    behavior: 'allow' | 'deny' | 'ask';
    source:
        | 'userSettings' | 'projectSettings' | 'localSettings' | 'flagSettings' | 'policySettings' | 'cliArg'
        | 'command' | 'session' | 'mcpMount' | 'toolsNarrowing' | 'mcpServerPolicy' | 'hostCredential';
    rule: string;
    description?: SDKPermissionRuleDescription;
    editability: 'persistent' | 'session' | 'readonly';
    notInEffect?: boolean;
};

/** A working directory of the session. */
export type SDKPermissionWorkspaceDirectory = { path: string; source: string };

/** Permission rules and directories in effect. */
export type SDKControlPermissionRulesState = {
    rules: SDKPermissionRuleEntry[];
    workspaceDirectories: SDKPermissionWorkspaceDirectory[];
    originalCwd: string;
    managedOnly: boolean;
    errors?: SDKSettingsParseError[];
    withheld?: boolean;
};

/** The answer to a permission-rules listing. */
export type SDKControlListPermissionRulesResponse = { state: SDKControlPermissionRulesState };

/** A control request frame of the wire protocol. */
export type SDKControlRequest = {
    type: 'control_request';
    request_id: string;
    request: { subtype: string; [key: string]: unknown };
};

/** Requests still waiting for an answer, reported with a control response. */
type PendingRequests = {
    pending_permission_requests?: SDKControlRequest[];
    pending_user_dialog_requests?: SDKControlRequest[];
    pending_elicitation_requests?: SDKControlRequest[];
};

/** A control response frame of the wire protocol. */
export type SDKControlResponse = {
    type: 'control_response';
    response:
        | (PendingRequests & { subtype: 'success'; request_id: string; response?: Record<string, unknown> })
        | (PendingRequests & { subtype: 'error'; request_id: string; error: string });
};

// ---------------------------------------------------------------------------------------------
// Query, startup, errors
// ---------------------------------------------------------------------------------------------

/** A running session: an async generator of messages plus control methods. */
export interface Query extends AsyncGenerator<SDKMessage, void> {
    /** Stops the current turn. */
    interrupt(): Promise<SDKControlInterruptResponse | undefined>;
    /** Changes the permission mode. */
    setPermissionMode(mode: PermissionMode): Promise<void>;
    /** Overrides the permission mode for one MCP server (`null` clears it). */
    setMcpPermissionModeOverride(serverName: string, mode: 'default' | 'auto' | null): Promise<{ warning?: string }>;
    /** Changes the model (none: back to the default). */
    setModel(model?: string): Promise<void>;
    /** Changes the thinking budget (`null` clears it). */
    setMaxThinkingTokens(
        maxThinkingTokens: number | null,
        thinkingDisplay?: 'summarized' | 'omitted' | 'highlights' | null,
    ): Promise<void>;
    /** Merges settings into the flag layer (`null` removes a key). */
    applyFlagSettings(settings: {
        [K in keyof Settings]?: K extends 'effortLevel' ? EffortLevel | null : Settings[K] | null;
    }): Promise<void>;
    /** Writes settings to the local or user settings file. */
    updateSettings(source: 'localSettings' | 'userSettings', settings: Record<string, unknown>): Promise<void>;
    /** The CLI's answer to the initialize request. */
    initializationResult(): Promise<SDKControlInitializeResponse>;
    /** Initializes again and returns the fresh answer. */
    reinitialize(): Promise<SDKControlInitializeResponse>;
    /** Available slash commands. */
    supportedCommands(): Promise<SlashCommand[]>;
    /** Available models. */
    supportedModels(): Promise<ModelInfo[]>;
    /** Available subagents. */
    supportedAgents(): Promise<AgentInfo[]>;
    /** State of every MCP server. */
    mcpServerStatus(): Promise<McpServerStatus[]>;
    /** Context-window breakdown. */
    getContextUsage(opts?: { detail?: 'summary' | 'full' }): Promise<SDKControlGetContextUsageResponse>;
    /** Session usage and rate limits (experimental). */
    usage_EXPERIMENTAL_MAY_CHANGE_DO_NOT_RELY_ON_THIS_API_YET(opts?: { skipBehaviors?: boolean }): Promise<SDKControlGetUsageResponse>;
    /** Reads a file through the CLI (`null` if it is missing). */
    readFile(path: string, options?: { maxBytes?: number; encoding?: 'utf-8' | 'base64' }): Promise<SDKControlReadFileResponse | null>;
    /** Reloads plugins, optionally adding some. */
    reloadPlugins(options?: { holdOnCacheImpact?: boolean; addPlugins?: SdkPluginConfig[]; refuseIfBusy?: boolean }): Promise<SDKControlReloadPluginsResponse>;
    /** Reloads skills. */
    reloadSkills(): Promise<SDKControlReloadSkillsResponse>;
    /** Reloads output styles. */
    reloadOutputStyles(): Promise<SDKControlReloadOutputStylesResponse>;
    /** The logged-in account. */
    accountInfo(): Promise<AccountInfo>;
    /** Restores files to their state at a user message (needs `enableFileCheckpointing`). */
    rewindFiles(userMessageId: string, options?: { dryRun?: boolean }): Promise<RewindFilesResult>;
    /** Tells the CLI a file was read at `mtime`. */
    seedReadState(path: string, mtime: number): Promise<void>;
    /** Reconnects an MCP server. */
    reconnectMcpServer(serverName: string): Promise<void>;
    /** Enables or disables an MCP server. */
    toggleMcpServer(serverName: string, enabled: boolean): Promise<void>;
    /** Reads a resource of an MCP server. */
    readMcpResource(serverName: string, uri: string): Promise<SDKControlMcpReadResourceResponse>;
    /** Replaces the session's MCP servers. */
    setMcpServers(servers: Record<string, McpServerConfig>): Promise<McpSetServersResult>;
    /** Sends more user messages. */
    streamInput(stream: AsyncIterable<SDKUserMessage>): Promise<void>;
    /** Stops a background task. */
    stopTask(taskId: string): Promise<void>;
    /** Moves running work to the background; true if anything moved. */
    backgroundTasks(toolUseId?: string): Promise<boolean>;
    /** Ends the session and the CLI process. */
    close(): void;
    /** Closes the session at the end of an `await using` scope. */
    [Symbol.asyncDispose](): Promise<void>;
}

/** The outcome of `Query.rewindFiles`. */
export type RewindFilesResult = {
    canRewind: boolean;
    error?: string;
    filesChanged?: string[];
    insertions?: number;
    deletions?: number;
    skippedLinks?: number;
};

/** Starts a session: a one-shot string prompt, or a stream of user messages. */
export declare function query(params: {
    prompt: string | AsyncIterable<SDKUserMessage>;
    options?: Options;
}): Query;

/** A started, initialized CLI waiting for its first prompt. */
export interface WarmQuery extends AsyncDisposable {
    /** Sends the prompt; can be called once. */
    query(prompt: string | AsyncIterable<SDKUserMessage>): Query;
    /** Stops the CLI if no query took it. */
    close(): void;
    /** Closes at the end of an `await using` scope. */
    [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Starts and initializes the CLI ahead of the first prompt. `initializeTimeoutMs` limits the
 * wait and counts throughout; without it the limit is 60 s, and time in which the CLI reports a
 * SessionStart or Setup hook running is left out of it (10 minutes at most). Past the limit the
 * promise rejects with an `Error` whose `errorClass` is `'initialize_timeout'`.
 */
export declare function startup(params?: { options?: Options; initializeTimeoutMs?: number }): Promise<WarmQuery>;

/**
 * What a claim of a spare sets: the per-session part of {@link Options}. Everything else was
 * fixed when the spare was started ({@link prewarm}).
 */
export type ClaimOptions = {
    /** The session's folder (required); a relative path resolves against this process. */
    cwd: string;
    /** Environment the CLI accepts at claim time: fresh tokens, the host's session id. */
    env?: Record<string, string>;
    /** As `--add-dir`. */
    additionalDirectories?: string[];
    model?: string;
    /** Travels inside the claim: a mode the process cannot take refuses the claim. */
    permissionMode?: PermissionMode;
    maxThinkingTokens?: number | null;
    /**
     * A flag-settings overlay. The prompt waits until it is accepted; a refused overlay
     * rejects `claimed` with `settings_not_applied` and the prompt is not sent. Keys that
     * govern hooks make `claim()` throw before anything is sent.
     */
    settings?: Parameters<Query['applyFlagSettings']>[0];
    appendSystemPrompt?: string;
    title?: string;
    agents?: Record<string, AgentDefinition>;
};

/** A started, parked CLI that is not yet any session; claimed once, or closed. */
export interface SpareProcess extends AsyncDisposable {
    /**
     * Binds the spare to a session and sends its prompt; returns the session's Query. Throws
     * when called twice, after `close()` or exit, or for settings that govern hooks (then
     * nothing was sent and the spare can still be claimed).
     */
    claim(params: { prompt: string | AsyncIterable<SDKUserMessage>; options: ClaimOptions }): Query;
    /**
     * Settles once the claim and the settings sent with it are answered. Rejects when the CLI
     * refused the claim (`cwd_not_found`, `env_key_not_claimable`, ...), the overlay was
     * refused (`settings_not_applied`), the spare exited or was closed first (`spare_exited`,
     * `spare_closed`), or `model` / `maxThinkingTokens` was refused (`option_not_applied`: the
     * session runs without them).
     */
    readonly claimed: Promise<{ cwd: string; sessionId: string; parkedMs?: number; sdkMcpSettled: boolean }>;
    /** Settles when the process exits, claimed or not. */
    readonly exited: Promise<void>;
    /** Before a claim: discards the spare (`claimed` rejects). After: closes the Query. */
    close(): void;
}

/**
 * Starts a CLI with `--await-claim` and waits until it is initialized (`initializeTimeoutMs`,
 * default 60 s, counted throughout). Without `options.cwd` it parks in a private directory
 * under the config home (`spares/`), removed once the spare is claimed or gone.
 */
export declare function prewarm(params?: { options?: Options; initializeTimeoutMs?: number }): Promise<SpareProcess>;

/** What {@link matchDeniedModels} answers. */
export type DeniedModelsMatch = {
    /** For each model asked about, in order: whether an entry of the list blocks it. */
    denied: boolean[];
    /** Notes on entries that were ignored or reach further or less far than they seem, and on models that are no names. */
    warnings: string[];
};

/**
 * Which of `models` a managed `deniedModels` list blocks, by the names alone as this version
 * of the CLI judges them, without starting it. Never throws. `true` means the CLI refuses the
 * model too; `false` promises nothing (the CLI also resolves aliases and overrides).
 */
export declare function matchDeniedModels(models: readonly string[], deniedModels: readonly string[] | undefined): Promise<DeniedModelsMatch>;

/**
 * `resolved.effective` without `permissions.defaultMode` when that mode widens what runs
 * without asking (`bypassPermissions`, `auto`, `acceptEdits`) and the tier that last set a
 * default mode is committed with the repository (`project`, and `local` for the two widest),
 * as Claude Code filters it before honouring it. Returns `resolved.effective` itself when
 * nothing is dropped.
 */
export declare function filterEscalatingDefaultMode(resolved: ResolvedSettings): Settings;

/** A failure of the direct-connect transport; `code` names the failed step where there is one. */
export declare class DirectConnectError extends Error {
    code: 'session_create_failed' | 'session_create_invalid_response' | undefined;
    constructor(message: string, code?: string);
}

/** The server address and token of a `cc://host[:port][/token]` or http(s) address. */
export declare function parseDirectConnectUrl(url: string): { serverUrl: string; authToken: string | undefined };

/** What a {@link Transport} reads: messages, control frames and keep-alives. */
type StdoutMessage =
    | SDKMessage
    | SDKActiveGoalMessage
    | SDKControlResponse
    | SDKControlRequest
    | { type: 'control_cancel_request'; request_id: string }
    | { type: 'keep_alive'; [key: string]: unknown };

/** The channel to a Claude Code session: a process's pipes, or a network connection. */
export interface Transport {
    /** Sends one frame's text (async for a network transport). */
    write(data: string): void | Promise<void>;
    /** Closes the connection and releases what it holds (its input too). */
    close(): void;
    /** True while frames can be written. */
    isReady(): boolean;
    /** The frames the session sends, parsed. */
    readMessages(): AsyncGenerator<StdoutMessage, void, unknown>;
    /** Notes a control request whose answer the caller awaits on its own. */
    expectControlResponse?(requestId: string): void;
    /** Called right before `message` is handed to the consumer. */
    markDelivered?(message: object): void;
    /** Ends the session's input. */
    endInput(): void;
    /** Resolves when a process-backed transport's process has exited. */
    waitForExit?(): Promise<void>;
    [Symbol.dispose]?(): void;
}

/** Options of a {@link DirectConnectTransport}. */
export type DirectConnectOptions = {
    serverUrl: string;
    authToken?: string;
    cwd?: string;
    sessionKey?: string;
    permissionMode?: PermissionMode;
    deleteSessionOnClose?: boolean;
    abortController?: AbortController;
};

/**
 * A session on a direct-connect server: created with `POST /sessions`, its stream-json frames
 * over a WebSocket (Node's global `WebSocket`: Node 22, or Node 20 with
 * `--experimental-websocket`). Connecting starts at construction.
 */
export declare class DirectConnectTransport implements Transport {
    constructor(options: DirectConnectOptions);
    /** Settles when the WebSocket is open; rejects with what failed. */
    readonly ready: Promise<void>;
    getSessionId(): string | undefined;
    getWorkDir(): string | undefined;
    write(data: string): Promise<void>;
    isReady(): boolean;
    endInput(): void;
    close(): void;
    [Symbol.dispose](): void;
    readMessages(): AsyncGenerator<StdoutMessage, void, unknown>;
}

/** Counters and gauges of a {@link SessionPool}. */
export interface SessionPoolStats {
    /** CLIs started and initialized, waiting for a claim. */
    warm: number;
    /** CLIs being started. */
    starting: number;
    /** Claims waiting for a start. */
    waiting: number;
    /** Sessions handed out so far. */
    claimed: number;
    /** Warm CLIs found dead at a claim and replaced. */
    replaced: number;
    /** Warm CLIs stopped after `idleTimeoutMs` without a claim. */
    expired: number;
    /** Starts that failed. */
    failedStarts: number;
    /** True once the pool was closed. */
    closed: boolean;
}

/**
 * claude-wire: keeps `size` CLIs started and initialized with `options`. Each `query()` takes
 * one (used once, never returned) and a replacement starts in the background; the first
 * message comes in tens of milliseconds instead of the half second of a cold start.
 *
 * Per-query `options` may differ from the pool's only in `model`, `permissionMode` and
 * `maxThinkingTokens` (set by control request after the claim); any other difference throws an
 * error naming the option (callbacks must be the pool's own). A CLI that cannot start fails
 * the claim with its error; a closed pool fails it too. `idleTimeoutMs` stops CLIs nobody
 * claimed for that long; the next claim starts a fresh one. `spawnClaudeCodeProcess` is not
 * supported.
 */
export declare class SessionPool implements AsyncDisposable {
    constructor(params?: { options?: Options; size?: number; idleTimeoutMs?: number });
    /** The options every CLI of the pool starts with. */
    readonly options: Options;
    /** A query on a warm CLI, as `query({ prompt, options })`. */
    query(params: { prompt: string | AsyncIterable<SDKUserMessage>; options?: Options }): Query;
    /** Counters and gauges. */
    stats(): SessionPoolStats;
    /** Process ids of the warm CLIs. */
    warmPids(): number[];
    /** Refuses further claims and stops every warm CLI; resolves once they are reaped. */
    close(): Promise<void>;
    /** Closes at the end of an `await using` scope. */
    [Symbol.asyncDispose](): Promise<void>;
}

/** Thrown when a query is aborted. */
export declare class AbortError extends Error {}

export {};
