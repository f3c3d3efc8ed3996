// The package's public surface matches the official SDK's names and shapes.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import * as wire from '../../bindings-node/js/index.js'
import * as official from '@anthropic-ai/claude-agent-sdk'
import { z } from 'zod'
import { z as z3 } from 'zod/v3'
import { QUICK_CLI } from './helpers.mjs'

const QUERY_METHODS = [
  'interrupt', 'setPermissionMode', 'setMcpPermissionModeOverride', 'setModel', 'setMaxThinkingTokens',
  'applyFlagSettings', 'updateSettings', 'initializationResult', 'reinitialize', 'supportedCommands',
  'supportedModels', 'supportedAgents', 'mcpServerStatus', 'getContextUsage', 'readFile', 'reloadPlugins',
  'reloadSkills', 'reloadOutputStyles', 'accountInfo', 'rewindFiles', 'seedReadState', 'reconnectMcpServer',
  'toggleMcpServer', 'readMcpResource', 'setMcpServers', 'streamInput', 'stopTask', 'backgroundTasks', 'close',
  'next', 'return', 'throw',
]

test('the constants equal the official ones', () => {
  assert.deepEqual([...wire.HOOK_EVENTS], [...official.HOOK_EVENTS])
  assert.deepEqual([...wire.EXIT_REASONS], [...official.EXIT_REASONS])
  assert.equal(wire.SYSTEM_PROMPT_DYNAMIC_BOUNDARY, official.SYSTEM_PROMPT_DYNAMIC_BOUNDARY)
  assert.equal(wire.HOOK_EVENTS.length, 33)
  const lists = ['BUILTIN_TOOL_NAMES', 'LEGACY_TOOL_NAME_ALIASES', 'ORG_POLICY_LIMIT_PREFIXES',
    'USAGE_LIMIT_ERROR_PREFIXES', 'USAGE_TRANSITION_PREFIXES', 'USAGE_WARNING_PREFIXES']
  for (const name of [...lists, 'HOOK_EVENTS', 'EXIT_REASONS']) {
    assert.equal(JSON.stringify(wire[name]), JSON.stringify(official[name]), name)
    assert.equal(Object.isFrozen(wire[name]), Object.isFrozen(official[name]), name)
  }
})

test('every runtime export of the official SDK is exported, but for its unmodelled extras', () => {
  // Not provided: settings resolution and the terminal UI's search helpers (see the package's
  // README).
  const left = new Set(['resolveSettings', 'CommandMatcher', 'FileIndex'])
  const missing = Object.keys(official).filter((name) => !(name in wire) && !left.has(name))
  assert.deepEqual(missing, [])
})

test('claude-wire/core exports what the official /core entry point exports, as the main entry', async () => {
  const ours = await import('claude-wire/core')
  const theirs = await import('@anthropic-ai/claude-agent-sdk/core')
  const missing = Object.keys(theirs).filter((name) => !(name in ours) && name !== 'resolveSettings')
  assert.deepEqual(missing, [])
  for (const name of Object.keys(ours)) assert.equal(ours[name], wire[name], name)
})

test('query() returns a Query with every official method, as an async generator', async () => {
  const q = wire.query({ prompt: 'hi', options: { pathToClaudeCodeExecutable: QUICK_CLI } })
  for (const name of QUERY_METHODS) assert.equal(typeof q[name], 'function', name)
  assert.equal(q[Symbol.asyncIterator](), q)
  assert.equal(typeof q[Symbol.asyncDispose], 'function')
  const messages = []
  for await (const m of q) messages.push(m.type)
  assert.deepEqual(messages, ['system', 'result'])
  assert.deepEqual(await q.next(), { value: undefined, done: true })
})

/** The message a query fails with, thrown by query() or while iterating; null when it runs. */
async function failure(sdk, options) {
  try {
    const q = sdk.query({ prompt: 'hi', options: { pathToClaudeCodeExecutable: QUICK_CLI, ...options } })
    for await (const message of q) void message
    return null
  } catch (error) {
    return error.message
  }
}

test('options the official SDK takes run, and a store without persistence fails as there', async () => {
  // Keys it does not know (a spread config), an empty dialog-kind list, a prompt in parts.
  const taken = { myAppConfig: { a: 1 }, supportedDialogKinds: [], systemPrompt: { type: 'custom', prompt: ['a', 'b'] } }
  assert.equal(await failure(wire, taken), null)
  const unpersisted = (sdk) => ({ sessionStore: new sdk.InMemorySessionStore(), persistSession: false })
  const theirs = await failure(official, unpersisted(official))
  assert.match(theirs, /^sessionStore cannot be used with persistSession: false/)
  assert.equal(await failure(wire, unpersisted(wire)), theirs)
})

test('a bad prompt is a TypeError at query() time', () => {
  assert.throws(() => wire.query({ prompt: 42 }), TypeError)
})

test('AbortError is an Error class', () => {
  const error = new wire.AbortError('x')
  assert.ok(error instanceof Error)
  assert.equal(error.message, 'x')
})

test('tool() has the official shape', () => {
  const extras = { annotations: { readOnlyHint: true }, searchHint: 'sums', alwaysLoad: true }
  const handler = async () => ({ content: [] })
  const ours = wire.tool('add', 'Add', { a: z.number() }, handler, extras)
  const theirs = official.tool('add', 'Add', { a: z.number() }, handler, extras)
  assert.deepEqual(Object.keys(ours).sort(), Object.keys(theirs).sort())
  assert.deepEqual(ours._meta, theirs._meta)
  assert.deepEqual(ours.annotations, theirs.annotations)
  const plain = wire.tool('t', 'd', {}, handler)
  assert.equal(plain._meta, official.tool('t', 'd', {}, handler)._meta)
})

test('createSdkMcpServer() gives an sdk config with an instance', () => {
  const server = wire.createSdkMcpServer({ name: 'calc', version: '2.0.0', tools: [] })
  assert.equal(server.type, 'sdk')
  assert.equal(server.name, 'calc')
  assert.ok(server.instance)
})

test('zod 4 and zod 3 shapes become the JSON Schema the official MCP server sends', async () => {
  const { SdkMcpServer } = await import('../../bindings-node/js/mcp.js')
  const handler = async () => ({ content: [] })
  const v4 = new SdkMcpServer({ name: 's', tools: [wire.tool('t', 'd', { a: z.number().describe('first'), s: z.string().optional() }, handler)] })
  assert.deepEqual(v4.describe().tools[0].inputSchema, {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    properties: { a: { type: 'number', description: 'first' }, s: { type: 'string' } },
    required: ['a'],
  })
  const v3 = new SdkMcpServer({ name: 's', tools: [wire.tool('t', 'd', { a: z3.number() }, handler)] })
  const schema = v3.describe().tools[0].inputSchema
  assert.equal(schema.type, 'object')
  assert.deepEqual(schema.properties, { a: { type: 'number' } })
  assert.deepEqual(schema.required, ['a'])
  const bad = await v4.call('t', { a: 'not a number' })
  assert.equal(bad.isError, true)
  assert.match(bad.content[0].text, /Invalid arguments for tool t/)
})

test("the README's Node quick start runs as written (on the pinned CLI)", async () => {
  const { readFileSync } = await import('node:fs')
  const { runNode, repo, realCli } = await import('./helpers.mjs')
  if (!realCli) return
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
  const block = readme.split('### Node')[1].match(/```js\n([\s\S]*?)```/)[1]
  const code = block
    .replace("from 'claude-wire'", `from '${repo}/bindings-node/js/index.js'`)
    .replace("from 'claude-wire/testing'", `from '${repo}/bindings-node/js/testing.js'`)
  const run = await runNode(code, { env: { ...process.env, CLAUDE_WIRE_CLI: realCli } })
  assert.equal(run.code, 0, run.stderr)
  assert.match(run.stdout, /Hello from the script\.\n1 turn\(s\), \$\d+\.\d{4}/)
})
