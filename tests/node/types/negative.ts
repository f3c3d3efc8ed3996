// Checks that claude-wire's declarations reject wrong programs (so they are not `any`): every
// `@ts-expect-error` below must meet an error, or tsc fails on the unused directive. Compiled
// against claude-wire only, by scripts/node-typecheck.sh. Never run.
import { z } from 'zod';
import {
    AbortError,
    HOOK_EVENTS,
    createSdkMcpServer,
    query,
    startup,
    tool,
    type CanUseTool,
    type HookCallback,
    type HookEvent,
    type McpServerConfig,
    type Options,
    type SDKMessage,
    type SDKUserMessage,
} from 'claude-wire';
import { ModelServer, isolatedEnv, pinnedCliPath, text, toolUse, type Reply } from 'claude-wire/testing';

// ---- Options ----
// @ts-expect-error maxTurns is a number
export const wrongType: Options = { maxTurns: '3' };
// @ts-expect-error not a permission mode
export const wrongMode: Options = { permissionMode: 'yolo' };
// @ts-expect-error misspelt option name
export const misspelt: Options = { maxTurn: 3 };
// @ts-expect-error the preset system prompt is 'claude_code'
export const wrongPreset: Options = { systemPrompt: { type: 'preset', preset: 'other' } };
// @ts-expect-error a remote server needs a url
export const noUrl: McpServerConfig = { type: 'http' };
// @ts-expect-error hooks are keyed by event name
export const wrongEvent: Options = { hooks: { BeforeTool: [] } };

// ---- Callbacks ----
// @ts-expect-error not a permission behaviour
export const maybe: CanUseTool = async () => ({ behavior: 'maybe' });
// @ts-expect-error a denial needs a message
export const silentDeny: CanUseTool = async () => ({ behavior: 'deny' });
// @ts-expect-error the callback must be async
export const syncAllow: CanUseTool = () => ({ behavior: 'allow' });
// @ts-expect-error hookSpecificOutput names a known event
export const badHookOutput: HookCallback = async () => ({ hookSpecificOutput: { hookEventName: 'NotAnEvent' } });
// @ts-expect-error a PreToolUse decision is allow, deny, ask or defer
export const badDecision: HookCallback = async () => ({ hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'maybe' } });
export const narrowing: HookCallback = async (input) => {
    if (input.hook_event_name === 'PreToolUse') {
        // @ts-expect-error tool_response only exists on PostToolUse input
        void input.tool_response;
    }
    return {};
};

// ---- Tools ----
export const typedArgs = tool('t', 'd', { n: z.number(), s: z.string().optional() }, async (args) => {
    // @ts-expect-error n is a number
    const text: string = args.n;
    // @ts-expect-error s may be undefined
    const sure: string = args.s;
    return { content: [{ type: 'text', text: `${text}${sure}` }] };
});
// @ts-expect-error a handler resolves to a CallToolResult
tool('t', 'd', {}, async () => 'plain text');
// @ts-expect-error content items have a known type
tool('t', 'd', {}, async () => ({ content: [{ type: 'video', url: 'x' }] }));
// @ts-expect-error a server needs a name
createSdkMcpServer({ tools: [typedArgs] });

// ---- Messages and queries ----
export function read(message: SDKMessage): void {
    // @ts-expect-error not every message has a subtype
    void message.subtype;
    // @ts-expect-error not a message type
    if (message.type === 'nope') return;
    if (message.type === 'result' && message.subtype === 'success') {
        // @ts-expect-error errors only exist on error results
        void message.errors;
        const cost: number = message.total_cost_usd;
        void cost;
    }
    if (message.type === 'assistant') {
        for (const block of message.message.content) {
            if (block.type === 'text') {
                // @ts-expect-error a text block has no input
                void block.input;
            }
        }
    }
}
// @ts-expect-error a user message needs parent_tool_use_id
export const noParent: SDKUserMessage = { type: 'user', message: { role: 'user', content: 'hi' } };
// @ts-expect-error a query needs a prompt
query({});
// @ts-expect-error setModel takes a string
query({ prompt: 'x' }).setModel(3);
// @ts-expect-error no such Query method
query({ prompt: 'x' }).notAMethod();
// @ts-expect-error a warm query takes the prompt itself
(await startup()).query({ prompt: 'x' });
// @ts-expect-error HOOK_EVENTS is read-only
HOOK_EVENTS.push('PreToolUse');
export const event: HookEvent = HOOK_EVENTS[0];
export const aborted = (error: unknown): boolean => error instanceof AbortError && error.message.length > 0;

// ---- claude-wire/testing ----
const replies: Reply[] = [toolUse('Bash', { command: 'ls' }, { text: 'Listing.' }), text('Done.', { delay: 0.01 })];
const server = await ModelServer.start([...replies, { error: 529, when: { kind: 'main' } }]);
server.push(text('More.'), { thinking: { thinking: 'hmm' }, repeat: true });
export const env: Record<string, string> = { ...isolatedEnv(server), ...isolatedEnv(server.url, '/tmp/state') };
export const cli: string | null = pinnedCliPath();
export const firstModel: unknown = server.requests[0]?.model;
export const kinds: string[] = server.allRequests().map((r) => `${r.kind} ${r.method} ${r.path}`);
// @ts-expect-error a script is a list of replies or the object form
await ModelServer.start(42);
// @ts-expect-error not a reply field
server.push({ txt: 'typo' });
// @ts-expect-error requests is a property, not a method
server.requests();
// @ts-expect-error the url is read-only
server.url = 'http://elsewhere';
// @ts-expect-error start() builds servers
new ModelServer();
await server.close();
