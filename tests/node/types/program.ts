// A program written against the official Agent SDK, the way its users write one. The type test
// (scripts/node-typecheck.sh) compiles it unchanged against `@anthropic-ai/claude-agent-sdk`, and
// again with only the import changed to `claude-wire`: both must pass `tsc --strict`.
// It is never run.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { query as coreQuery, type Options as CoreOptions } from '@anthropic-ai/claude-agent-sdk/core';
import {
    AbortError,
    EXIT_REASONS,
    HOOK_EVENTS,
    SYSTEM_PROMPT_DYNAMIC_BOUNDARY,
    InMemorySessionStore,
    archiveSession,
    createSdkMcpServer,
    deleteSession,
    foldSessionSummary,
    forkSession,
    getSessionInfo,
    getSessionMessages,
    getSubagentMessages,
    importSessionToStore,
    listSessions,
    listSubagents,
    query,
    renameSession,
    tagSession,
    unarchiveSession,
    startup,
    prewarm,
    matchDeniedModels,
    filterEscalatingDefaultMode,
    tool,
    type AgentDefinition,
    type ClaimOptions,
    type DeniedModelsMatch,
    type ResolvedSettings,
    type Settings,
    type Transport,
    type SpareProcess,
    type CanUseTool,
    type ElicitationRequest,
    type ElicitationResult,
    type ExitReason,
    type HookCallback,
    type HookCallbackMatcher,
    type HookEvent,
    type HookInput,
    type HookJSONOutput,
    type McpServerConfig,
    type ModelUsage,
    type NonNullableUsage,
    type Options,
    type PermissionResult,
    type PermissionUpdate,
    type PostToolUseHookInput,
    type PreToolUseHookInput,
    type Query,
    type SDKAssistantMessage,
    type SDKMessage,
    type SDKPermissionDenial,
    type SDKResultMessage,
    type SDKUserMessage,
    type ForkSessionOptions,
    type ForkSessionResult,
    type GetSessionInfoOptions,
    type GetSessionMessagesOptions,
    type GetSubagentMessagesOptions,
    type ImportSessionToStoreOptions,
    type ListSessionsOptions,
    type ListSubagentsOptions,
    type SDKSessionInfo,
    type SessionKey,
    type SessionMessage,
    type SessionMutationOptions,
    type SessionStore,
    type SessionStoreEntry,
    type SessionSummaryEntry,
    type SettingSource,
    type SpawnOptions,
    type SpawnedProcess,
    type ThinkingConfig,
    type WarmQuery,
} from '@anthropic-ai/claude-agent-sdk';

// ---- In-process MCP tools (zod 4) ----
const weather = tool(
    'get_weather',
    'Current weather for a city',
    { city: z.string().describe('City name'), units: z.enum(['c', 'f']).optional(), days: z.array(z.number().int()).default([1]) },
    async (args) => {
        const unit: 'c' | 'f' = args.units ?? 'c';
        const first: number | undefined = args.days[0];
        if (args.city.length === 0) {
            return { content: [{ type: 'text', text: 'no city given' }], isError: true };
        }
        return {
            content: [{ type: 'text', text: `${args.city}: 21°${unit.toUpperCase()} for ${first ?? 1} day(s)` }],
            structuredContent: { city: args.city, temperature: 21 },
        };
    },
    { annotations: { readOnlyHint: true, openWorldHint: true } },
);
const clock = tool('now', 'The current time', {}, async () => ({ content: [{ type: 'text', text: new Date().toISOString() }] }));
const tools = createSdkMcpServer({ name: 'local-tools', version: '1.0.0', tools: [weather, clock] });

const mcpServers: Record<string, McpServerConfig> = {
    tools,
    filesystem: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '/tmp'], env: { DEBUG: '0' } },
    events: { type: 'sse', url: 'https://mcp.example.com/sse', headers: { Authorization: 'Bearer token' } },
    docs: { type: 'http', url: 'https://mcp.example.com/mcp' },
};

// ---- Permissions ----
const canUseTool: CanUseTool = async (toolName, input, { signal, suggestions, toolUseID }) => {
    if (signal.aborted) return { behavior: 'deny', message: 'aborted', interrupt: true };
    if (toolName === 'Bash' && typeof input.command === 'string' && input.command.includes('rm -rf')) {
        return { behavior: 'deny', message: `refusing ${toolUseID}` };
    }
    if (toolName === 'Write') {
        const updatedInput = { ...input, file_path: String(input.file_path).replace(/^\//, './') };
        const keep: PermissionUpdate[] = suggestions ?? [
            { type: 'addRules', rules: [{ toolName: 'Write', ruleContent: './**' }], behavior: 'allow', destination: 'session' },
        ];
        return { behavior: 'allow', updatedInput, updatedPermissions: keep };
    }
    const allow: PermissionResult = { behavior: 'allow', updatedInput: input };
    return allow;
};

// ---- Hooks ----
const guardBash: HookCallback = async (input, toolUseID, { signal }) => {
    if (input.hook_event_name !== 'PreToolUse' || signal.aborted) return {};
    const pre: PreToolUseHookInput = input;
    const command = (pre.tool_input as { command?: string }).command ?? '';
    if (command.startsWith('curl')) {
        return {
            hookSpecificOutput: {
                hookEventName: 'PreToolUse',
                permissionDecision: 'deny',
                permissionDecisionReason: `network calls are disabled (${toolUseID ?? 'no id'})`,
            },
        };
    }
    return { hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'allow', updatedInput: { command } } };
};

const afterTool: HookCallback = async (input) => {
    const post = input as PostToolUseHookInput;
    const size = JSON.stringify(post.tool_response ?? null).length;
    return { hookSpecificOutput: { hookEventName: 'PostToolUse', additionalContext: `${post.tool_name} returned ${size} bytes` } };
};

async function lifecycle(input: HookInput): Promise<HookJSONOutput> {
    switch (input.hook_event_name) {
        case 'UserPromptSubmit':
            return { hookSpecificOutput: { hookEventName: 'UserPromptSubmit', additionalContext: `prompt has ${input.prompt.length} chars` } };
        case 'SessionStart':
            return { hookSpecificOutput: { hookEventName: 'SessionStart', additionalContext: `started from ${input.source}` } };
        case 'SessionEnd': {
            const reason: ExitReason = input.reason;
            console.log('session ended:', reason, EXIT_REASONS.includes(reason));
            return {};
        }
        case 'Stop':
            return input.stop_hook_active ? {} : { decision: 'block', reason: 'run the tests first' };
        case 'Notification':
            console.log(`[${input.notification_type}] ${input.message}`);
            return { async: true, asyncTimeout: 5_000 };
        case 'SubagentStop':
            return { systemMessage: `subagent ${input.agent_type} (${input.agent_id}) done` };
        default:
            return { continue: true, suppressOutput: true };
    }
}

const hooks: Partial<Record<HookEvent, HookCallbackMatcher[]>> = {
    PreToolUse: [{ matcher: 'Bash', hooks: [guardBash], timeout: 30 }],
    PostToolUse: [{ hooks: [afterTool] }],
};
for (const event of HOOK_EVENTS) {
    if (event === 'UserPromptSubmit' || event === 'SessionStart' || event === 'SessionEnd' || event === 'Stop') {
        hooks[event] = [{ hooks: [(input) => lifecycle(input)] }];
    }
}
hooks.Notification = [{ hooks: [async (input) => lifecycle(input)], onFailure: 'continue' }];

// ---- Agents, session store, elicitation, spawning ----
const agents: Record<string, AgentDefinition> = {
    reviewer: { description: 'Reviews diffs', prompt: 'You review code.', tools: ['Read', 'Grep'], model: 'sonnet' },
    tester: { description: 'Runs the tests', prompt: 'You run tests.', disallowedTools: ['Write'], maxTurns: 5, effort: 'high' },
};

const stored = new Map<string, SessionStoreEntry[]>();
const keyOf = (key: SessionKey) => `${key.projectKey}/${key.sessionId}/${key.subpath ?? ''}`;
const sessionStore: SessionStore = {
    async append(key, entries) {
        stored.set(keyOf(key), [...(stored.get(keyOf(key)) ?? []), ...entries]);
    },
    async load(key) {
        return stored.get(keyOf(key)) ?? null;
    },
    async listSessions(projectKey) {
        return [...stored.keys()].filter((k) => k.startsWith(projectKey)).map((k) => ({ sessionId: k.split('/')[1] ?? '', mtime: Date.now() }));
    },
};

async function onElicitation(request: ElicitationRequest, { signal }: { signal: AbortSignal }): Promise<ElicitationResult> {
    if (signal.aborted || request.mode === 'url') return { action: 'decline' };
    return { action: 'accept', content: { name: 'claude', confirmed: true } };
}

function spawnClaudeCodeProcess(options: SpawnOptions): SpawnedProcess {
    const child = spawn(options.command, options.args, { cwd: options.cwd, env: options.env, signal: options.signal, stdio: 'pipe' });
    return child;
}

// ---- Options ----
const controller = new AbortController();
const thinking: ThinkingConfig = { type: 'enabled', budgetTokens: 8_000 };
const settingSources: SettingSource[] = ['project', 'local'];
const options: Options = {
    model: 'claude-sonnet-4-5',
    fallbackModel: 'claude-haiku-4-5',
    cwd: process.cwd(),
    additionalDirectories: ['/tmp'],
    allowedTools: ['Read', 'Grep', 'mcp__local-tools__get_weather'],
    disallowedTools: ['WebFetch'],
    tools: { type: 'preset', preset: 'claude_code' },
    permissionMode: 'default',
    canUseTool,
    hooks,
    mcpServers,
    agents,
    systemPrompt: { type: 'preset', preset: 'claude_code', append: 'Answer briefly.' },
    thinking,
    effort: 'medium',
    maxTurns: 8,
    maxBudgetUsd: 1.5,
    outputFormat: { type: 'json_schema', schema: { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] } },
    sandbox: { enabled: true, autoAllowBashIfSandboxed: true, network: { allowLocalBinding: true, allowedDomains: ['example.com'] } },
    settingSources,
    settings: { permissions: { allow: ['Bash(npm test)'], deny: ['Read(.env)'] }, env: { CI: '1' } },
    env: { ...process.env, CLAUDE_AGENT_SDK_CLIENT_APP: 'type-test/1.0' },
    abortController: controller,
    stderr: (data) => process.stderr.write(data),
    spawnClaudeCodeProcess,
    includePartialMessages: true,
    enableFileCheckpointing: true,
    plugins: [{ type: 'local', path: './plugins/demo' }],
    onElicitation,
    sessionStore,
    extraArgs: { verbose: null },
    betas: ['context-1m-2025-08-07'],
    executable: 'node',
};

// ---- Reading messages ----
function describeUsage(usage: NonNullableUsage, models: Record<string, ModelUsage>): string {
    const perModel = Object.entries(models).map(([name, m]) => `${name}: $${m.costUSD.toFixed(4)} ${m.inputTokens}+${m.outputTokens}`);
    return `${usage.input_tokens} in / ${usage.output_tokens} out (cache ${usage.cache_read_input_tokens}); ${perModel.join(', ')}`;
}

function printAssistant(message: SDKAssistantMessage): void {
    for (const block of message.message.content) {
        if (block.type === 'text') console.log(block.text.trim());
        else if (block.type === 'tool_use') console.log(`-> ${block.name}(${JSON.stringify(block.input)}) [${block.id}]`);
        else if (block.type === 'thinking') console.log(`(thinking: ${block.thinking.slice(0, 40)})`);
    }
    if (message.error) console.error('assistant error:', message.error);
}

function handle(message: SDKMessage): SDKResultMessage | undefined {
    switch (message.type) {
        case 'assistant':
            printAssistant(message);
            return undefined;
        case 'user': {
            const content = message.message.content;
            if (typeof content !== 'string') {
                for (const block of content) {
                    if (block.type === 'tool_result') console.log(`<- ${block.tool_use_id}${block.is_error ? ' (error)' : ''}`);
                }
            }
            return undefined;
        }
        case 'system':
            if (message.subtype === 'init') {
                console.log(`model ${message.model}, tools ${message.tools.join(',')}, mcp ${message.mcp_servers.map((s) => `${s.name}:${s.status}`).join(',')}`);
            } else if (message.subtype === 'compact_boundary') {
                console.log(`compacted at ${message.compact_metadata.pre_tokens} tokens (${message.compact_metadata.trigger})`);
            } else if (message.subtype === 'task_started' || message.subtype === 'task_progress') {
                console.log(`task ${message.task_id}: ${message.description}`);
            } else if (message.subtype === 'status') {
                console.log('status', message.status ?? 'idle');
            }
            return undefined;
        case 'stream_event':
            if (message.event.type === 'content_block_delta' && message.event.delta.type === 'text_delta') {
                process.stdout.write(message.event.delta.text);
            }
            return undefined;
        case 'tool_progress':
            console.log(`${message.tool_name} running for ${message.elapsed_time_seconds}s`);
            return undefined;
        case 'rate_limit_event':
            console.log('rate limit', message.rate_limit_info.status, message.rate_limit_info.resetsAt ?? 0);
            return undefined;
        case 'result':
            if (message.subtype === 'success') {
                console.log(`done in ${message.num_turns} turns: ${message.result}`, message.structured_output);
            } else {
                const denied: SDKPermissionDenial[] = message.permission_denials;
                console.error(`${message.subtype}: ${message.errors.join('; ')} (${denied.length} denials)`);
            }
            console.log(`cost $${message.total_cost_usd.toFixed(4)}; ${describeUsage(message.usage, message.modelUsage)}`);
            return message;
        default:
            return undefined;
    }
}

// ---- One-shot query ----
async function oneShot(): Promise<void> {
    try {
        for await (const message of query({ prompt: 'What is the weather in Paris?', options })) {
            const result = handle(message);
            if (result?.is_error) break;
        }
    } catch (error) {
        if (error instanceof AbortError) console.log('aborted:', error.message);
        else throw error;
    }
}

// ---- Streaming input and every control method ----
async function* conversation(sessionId: string): AsyncGenerator<SDKUserMessage> {
    yield { type: 'user', session_id: sessionId, parent_tool_use_id: null, message: { role: 'user', content: 'List the files here.' } };
    yield {
        type: 'user',
        session_id: sessionId,
        parent_tool_use_id: null,
        uuid: randomUUID(),
        message: {
            role: 'user',
            content: [
                { type: 'text', text: 'And describe this image:' },
                { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
            ],
        },
    };
}

async function controlEverything(q: Query): Promise<void> {
    const init = await q.initializationResult();
    console.log(init.models.map((m) => m.value), init.commands.length, init.account.email, init.output_style);
    const again = await q.reinitialize();
    console.log(again.available_output_styles);
    await q.setPermissionMode('acceptEdits');
    const override = await q.setMcpPermissionModeOverride('docs', 'auto');
    if (override.warning) console.warn(override.warning);
    await q.setMcpPermissionModeOverride('docs', null);
    await q.setModel('claude-opus-4-1');
    await q.setModel();
    await q.setMaxThinkingTokens(4_096);
    await q.setMaxThinkingTokens(null, 'summarized');
    await q.applyFlagSettings({ model: 'sonnet', effortLevel: 'high', permissions: { allow: ['Read'] } });
    await q.updateSettings('localSettings', { outputStyle: 'Explanatory' });
    const commands = await q.supportedCommands();
    const models = await q.supportedModels();
    const subagents = await q.supportedAgents();
    console.log(commands.map((c) => `/${c.name} ${c.argumentHint}`), models.map((m) => m.displayName), subagents.map((a) => a.name));
    for (const server of await q.mcpServerStatus()) {
        console.log(server.name, server.status, server.tools?.length ?? 0, server.error ?? '');
    }
    const context = await q.getContextUsage({ detail: 'full' });
    console.log(`${context.totalTokens}/${context.maxTokens} (${context.percentage}%)`, context.categories.map((c) => c.name));
    const usage = await q.usage_EXPERIMENTAL_MAY_CHANGE_DO_NOT_RELY_ON_THIS_API_YET({ skipBehaviors: true });
    console.log(usage.session.total_cost_usd, usage.subscription_type);
    const file = await q.readFile('package.json', { maxBytes: 1_000, encoding: 'utf-8' });
    if (file) console.log(file.absPath, file.contents.length, file.truncated === true);
    const plugins = await q.reloadPlugins({ addPlugins: [{ type: 'local', path: './more' }] });
    console.log(plugins.plugins.map((p) => p.name), plugins.error_count);
    console.log((await q.reloadSkills()).skills.length, (await q.reloadOutputStyles()).available_output_styles);
    const account = await q.accountInfo();
    console.log(account.email ?? 'no email', account.subscriptionType, account.apiProvider);
    const rewind = await q.rewindFiles('00000000-0000-0000-0000-000000000000', { dryRun: true });
    if (rewind.canRewind) console.log(rewind.filesChanged, rewind.insertions, rewind.deletions);
    else console.log(rewind.error);
    await q.seedReadState('/tmp/file.txt', Date.now());
    await q.reconnectMcpServer('docs');
    await q.toggleMcpServer('events', false);
    const resource = await q.readMcpResource('docs', 'docs://index');
    console.log(resource.contents.map((c) => c.text ?? c.blob ?? c.uri));
    const changed = await q.setMcpServers({ tools, extra: { type: 'http', url: 'https://mcp.example.com/v2' } });
    console.log(changed.added, changed.removed, Object.keys(changed.errors));
    await q.streamInput(conversation('follow-up'));
    await q.stopTask('task-1');
    const moved: boolean = await q.backgroundTasks();
    console.log('backgrounded:', moved);
    const interrupted = await q.interrupt();
    console.log(interrupted?.still_queued ?? []);
}

async function streaming(): Promise<void> {
    const systemPrompt: Options['systemPrompt'] = ['You are terse.', SYSTEM_PROMPT_DYNAMIC_BOUNDARY, `Today is ${new Date().toDateString()}.`];
    const q = query({ prompt: conversation(''), options: { ...options, maxTurns: 3, systemPrompt } });
    const first = await q.next();
    if (!first.done) handle(first.value);
    await controlEverything(q);
    for await (const message of q) handle(message);
    q.close();
}

// ---- Warm start, `await using`, aborting ----
async function warm(): Promise<void> {
    const warmQuery: WarmQuery = await startup({ options: { model: 'haiku', persistSession: false }, initializeTimeoutMs: 30_000 });
    await using q = warmQuery.query('Say hello');
    for await (const message of q) {
        if (message.type === 'result' && message.subtype === 'success') console.log(message.result);
    }
    await using spare = await startup();
    spare.close();
}

// ---- A spare process, claimed when the session's folder is known ----
async function spareFor(folder: string): Promise<string | undefined> {
    const spare: SpareProcess = await prewarm({ options: { model: 'haiku' }, initializeTimeoutMs: 30_000 });
    void spare.exited.then(() => console.log('spare gone'));
    const claim: ClaimOptions = { cwd: folder, permissionMode: 'plan', settings: { effortLevel: 'high' }, title: 'Fix it' };
    const q = spare.claim({ prompt: 'Fix the build', options: claim });
    const claimed = await spare.claimed.catch((e: Error) => (e.message.startsWith('option_not_applied') ? undefined : null));
    if (claimed === null) return undefined;
    for await (const message of q) if (message.type === 'result') return claimed?.sessionId;
    await spare[Symbol.asyncDispose]();
    return claimed?.parkedMs === undefined ? undefined : String(claimed.sdkMcpSettled);
}

// ---- Model policy ----
async function allowedModels(candidates: string[], policy?: string[]): Promise<string[]> {
    const match: DeniedModelsMatch = await matchDeniedModels(candidates, policy);
    for (const warning of match.warnings) console.warn(warning);
    return candidates.filter((_, i) => !match.denied[i]);
}

// The `/core` entry point: the same functions and every type.
function fromCore(options: CoreOptions): AsyncGenerator<SDKMessage, void> {
    return coreQuery({ prompt: 'Hello', options });
}

async function drain(transport: Transport): Promise<number> {
    let frames = 0;
    await transport.write('{"type":"user"}\n');
    for await (const frame of transport.readMessages()) if (frame.type !== 'keep_alive') frames += 1;
    transport.endInput();
    transport.close();
    return frames;
}

function trustedDefaultMode(resolved: ResolvedSettings): string | undefined {
    const settings: Settings = filterEscalatingDefaultMode(resolved);
    return settings.permissions?.defaultMode;
}

// ---- Stored sessions ----
function describeSession(info: SDKSessionInfo): string {
    const when = new Date(info.lastModified).toISOString();
    const created = info.createdAt === undefined ? '' : ` since ${new Date(info.createdAt).toISOString()}`;
    const size = info.fileSize ?? 0;
    const labels = [info.customTitle, info.tag, info.gitBranch, info.cwd, info.firstPrompt].filter((l): l is string => l !== undefined);
    return `${info.sessionId} ${info.summary} (${when}${created}, ${size} bytes${info.archived ? ', archived' : ''}) ${labels.join(' ')}`;
}

function messageText(message: SessionMessage): string {
    const parent: string | null = message.parent_tool_use_id ?? message.parent_agent_id;
    return `${message.type} ${message.uuid} in ${message.session_id}${parent === null ? '' : ` under ${parent}`}: ${JSON.stringify(message.message)}`;
}

async function storedSessions(): Promise<void> {
    const listing: ListSessionsOptions = { dir: process.cwd(), limit: 20, offset: 0, includeWorktrees: false, includeProgrammatic: true };
    const sessions: SDKSessionInfo[] = await listSessions(listing);
    for (const info of sessions) console.log(describeSession(info));
    const first = sessions[0];
    if (first === undefined) return;
    const at: GetSessionInfoOptions = { dir: process.cwd() };
    const info: SDKSessionInfo | undefined = await getSessionInfo(first.sessionId, at);
    if (info) console.log(describeSession(info));
    const paging: GetSessionMessagesOptions = { dir: process.cwd(), limit: 10, offset: 2, includeSystemMessages: true };
    const messages: SessionMessage[] = await getSessionMessages(first.sessionId, paging);
    messages.map(messageText).forEach((line) => console.log(line));
    const agentsListing: ListSubagentsOptions = { dir: process.cwd() };
    const agentIds: string[] = await listSubagents(first.sessionId, agentsListing);
    for (const agentId of agentIds) {
        const subOptions: GetSubagentMessagesOptions = { limit: 5 };
        console.log((await getSubagentMessages(first.sessionId, agentId, subOptions)).length);
    }
    const mutation: SessionMutationOptions = { dir: process.cwd() };
    await renameSession(first.sessionId, 'Renamed', mutation);
    await tagSession(first.sessionId, 'reviewed');
    await tagSession(first.sessionId, null, mutation);
    await archiveSession(first.sessionId, mutation);
    await unarchiveSession(first.sessionId);
    const forkOptions: ForkSessionOptions = { ...mutation, upToMessageId: messages[0]?.uuid, title: 'A branch' };
    const fork: ForkSessionResult = await forkSession(first.sessionId, forkOptions);
    await deleteSession(fork.sessionId, mutation);

    const memory = new InMemorySessionStore();
    const importing: ImportSessionToStoreOptions = { dir: process.cwd(), includeSubagents: true, batchSize: 100 };
    await importSessionToStore(first.sessionId, memory, importing);
    await importSessionToStore(first.sessionId, sessionStore);
    const key: SessionKey = { projectKey: 'project', sessionId: first.sessionId };
    const entries: SessionStoreEntry[] = memory.getEntries(key);
    await memory.append({ ...key, subpath: 'subagents/agent-a1' }, [{ type: 'user', uuid: randomUUID(), timestamp: new Date().toISOString() }]);
    const loaded: SessionStoreEntry[] | null = await memory.load(key);
    const listed: Array<{ sessionId: string; mtime: number }> = await memory.listSessions('project');
    const summaries: SessionSummaryEntry[] = await memory.listSessionSummaries('project');
    const subkeys: string[] = await memory.listSubkeys({ projectKey: 'project', sessionId: first.sessionId });
    console.log(entries.length, loaded?.length ?? 0, listed.length, summaries.length, subkeys.join(), memory.size);
    const summary: SessionSummaryEntry = foldSessionSummary(summaries[0], key, entries, { mtime: Date.now() });
    const refolded: SessionSummaryEntry = foldSessionSummary(undefined, key, entries);
    console.log(summary.mtime, refolded.data);
    const fromStore: SDKSessionInfo[] = await listSessions({ sessionStore: memory, limit: 5 });
    const storedMessages: SessionMessage[] = await getSessionMessages(first.sessionId, { sessionStore: memory });
    await renameSession(first.sessionId, 'In the store', { sessionStore: memory });
    await deleteSession(first.sessionId, { sessionStore: memory });
    console.log(fromStore.length, storedMessages.length);
    memory.clear();
    await using resumed = query({ prompt: 'Go on', options: { resume: first.sessionId, sessionStore: memory, sessionStoreFlush: 'eager', loadTimeoutMs: 10_000 } });
    for await (const message of resumed) handle(message);
}

async function main(): Promise<void> {
    setTimeout(() => controller.abort(), 60_000).unref();
    await oneShot();
    await streaming();
    await warm();
    await spareFor(process.cwd());
    console.log(await allowedModels(['claude-opus-4-1', 'claude-sonnet-4-5'], ['opus']));
    await storedSessions();
}

await main();
