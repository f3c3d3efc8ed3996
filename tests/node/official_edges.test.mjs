// Edges where programs written for the official SDK met a difference (found by probing both
// packages side by side on the real CLI): each runs under both and compares what a program sees.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import * as wire from '../../bindings-node/js/index.js'
import * as official from '@anthropic-ai/claude-agent-sdk'
import { text, toolUse } from '../../bindings-node/js/testing.js'
import { QUICK_CLI, realCli, realSession } from './helpers.mjs'

const skip = realCli ? false : 'the pinned CLI is not fetched (make cli)'

/** An error as a program sees it: name, message and own properties in order (class names are minified in the official SDK). */
const seen = (error) => ({
  name: error.name,
  message: error.message.replace(/[0-9a-f-]{36}/g, '<uuid>'),
  props: Object.entries(error).map(([k, v]) => [k, typeof v === 'string' ? v.replace(/[0-9a-f-]{36}/g, '<uuid>') : v]),
})

/** Message types (with subtypes) and the error a query ends with. */
async function drain(q, onMessage = async () => {}) {
  const messages = []
  try {
    for await (const m of q) {
      messages.push(m.subtype ? `${m.type}/${m.subtype}` : m.type)
      await onMessage(m)
    }
    return { messages }
  } catch (error) {
    return { messages, error: seen(error) }
  }
}

test('a resume of a session the CLI cannot find yields its error result, then throws', { skip }, async () => {
  const run = async (sdk) => {
    const { server, options } = await realSession([text('never')])
    try {
      return await drain(sdk.query({ prompt: 'x', options: { ...options, resume: '00000000-0000-0000-0000-000000000001' } }))
    } finally {
      await server.close()
    }
  }
  const ours = await run(wire)
  assert.deepEqual(ours, await run(official))
  assert.deepEqual(ours.messages, ['result/error_during_execution'])
})

test('control calls made while the final result is handled fail as in the official SDK', { skip }, async () => {
  const run = async (sdk) => {
    const { server, options } = await realSession([text('done')])
    const calls = {}
    try {
      const q = sdk.query({ prompt: 'x', options })
      const out = await drain(q, async (m) => {
        if (m.type !== 'result') return
        calls.setModel = await q.setModel('claude-opus-4-5').then(() => 'ok', seen)
        calls.mcpServerStatus = await q.mcpServerStatus().then(() => 'ok', seen)
      })
      return { ...out, calls }
    } finally {
      await server.close()
    }
  }
  const ours = await run(wire)
  assert.deepEqual(ours, await run(official))
  assert.equal(ours.calls.setModel.message, 'Query closed before response received')
})

test('the error of an error result carries the official properties (no exitCode)', { skip }, async () => {
  const run = async (sdk) => {
    const { server, options } = await realSession([toolUse('Bash', { command: 'true' }), text('never')])
    try {
      return await drain(sdk.query({ prompt: 'x', options: { ...options, maxTurns: 1, allowedTools: ['Bash'] } }))
    } finally {
      await server.close()
    }
  }
  const ours = await run(wire)
  assert.deepEqual(ours, await run(official))
  assert.equal(ours.messages.at(-1), 'result/error_max_turns')
})

test('a controller aborted before query(): the same AbortError with its properties', () => {
  const thrown = (sdk) => {
    const abortController = new AbortController()
    abortController.abort()
    try {
      // A CLI path: the official SDK looks for its platform package first, absent in CI.
      sdk.query({ prompt: 'x', options: { abortController, pathToClaudeCodeExecutable: QUICK_CLI } })
    } catch (error) {
      return { ...seen(error), abort: error instanceof sdk.AbortError }
    }
  }
  assert.deepEqual(thrown(wire), thrown(official))
})

test('two tools of one name in a server: refused as the official SDK refuses them', () => {
  const made = (sdk) => {
    const handler = async () => ({ content: [] })
    try {
      sdk.createSdkMcpServer({ name: 's', tools: [sdk.tool('t', 'd', {}, handler), sdk.tool('t', 'd', {}, handler)] })
      return 'made'
    } catch (error) {
      return seen(error)
    }
  }
  assert.deepEqual(made(wire), made(official))
})

test('options the official SDK refuses fail the call, with its words', () => {
  const cases = [
    { canUseTool: async () => ({ behavior: 'allow' }), permissionPromptToolName: 'x' },
    { model: 'claude-opus-4-5', fallbackModel: 'claude-opus-4-5' },
  ]
  for (const extra of cases) {
    // Thrown by `query()` itself, before any CLI starts.
    const run = (sdk) => {
      try {
        sdk.query({ prompt: 'x', options: { pathToClaudeCodeExecutable: QUICK_CLI, ...extra } })
        return 'no error'
      } catch (error) {
        return seen(error)
      }
    }
    const ours = run(wire)
    assert.deepEqual(ours, run(official))
    assert.ok(!ours.message.startsWith('invalid options'), ours.message)
  }
})

test('a hook without an answer, and one past its timeout, as in the official SDK', { skip }, async () => {
  const run = async (sdk, hooks) => {
    const { server, options } = await realSession([
      toolUse('Bash', { command: 'echo RAN', description: 'x' }),
      text('end'),
    ])
    const seenMessages = []
    try {
      for await (const m of sdk.query({ prompt: 'go', options: { ...options, hooks } })) {
        if (m.type === 'system' && m.subtype !== 'init') seenMessages.push(`system/${m.subtype}: ${m.content}`)
        if (m.type === 'user') seenMessages.push(`tool result: ${JSON.stringify(m.message.content[0].content)}`)
      }
      return seenMessages
    } finally {
      await server.close()
    }
  }
  // A logging-only hook returns nothing: the official SDK forwards that, and the CLI reports it.
  const silent = { PreToolUse: [{ hooks: [async () => {}] }], PostToolUse: [{ hooks: [async () => null] }] }
  const ours = await run(wire, silent)
  assert.deepEqual(ours, await run(official, silent))
  assert.equal(ours.filter((m) => m.startsWith('system/informational')).length, 2, ours.join('\n'))
  // A guard slower than its timeout: the CLI keeps the timeout, and the tool does not run.
  const slow = async () => {
    await new Promise((resolve) => setTimeout(resolve, 2500))
    return { hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny' } }
  }
  const guarded = { PreToolUse: [{ matcher: 'Bash', timeout: 1, hooks: [slow] }] }
  const guardedRun = await run(wire, guarded)
  assert.deepEqual(guardedRun, await run(official, guarded))
  assert.ok(!guardedRun.some((m) => m.includes('RAN')), guardedRun.join('\n'))
})

test('a CLI that exits at once: its exit code and stderr, as in the official SDK', async () => {
  const { mkdtempSync, writeFileSync, chmodSync } = await import('node:fs')
  const { tmpdir } = await import('node:os')
  const { join } = await import('node:path')
  const cli = join(mkdtempSync(join(tmpdir(), 'cw-exit-')), 'claude')
  writeFileSync(cli, '#!/bin/sh\necho "fatal: cannot start" >&2\nexit 3\n')
  chmodSync(cli, 0o755)
  const run = (sdk) => drain(sdk.query({ prompt: 'x', options: { pathToClaudeCodeExecutable: cli } }))
  const ours = await run(wire)
  assert.deepEqual(ours, await run(official))
  assert.equal(ours.error.message, 'Claude Code process exited with code 3. stderr: fatal: cannot start')
})

test('env values of any type, and a file URL as cwd, as child_process takes them', async () => {
  const { mkdtempSync, writeFileSync, chmodSync, readFileSync } = await import('node:fs')
  const { tmpdir } = await import('node:os')
  const { join } = await import('node:path')
  const { pathToFileURL } = await import('node:url')
  const dir = mkdtempSync(join(tmpdir(), 'cw-env-'))
  const cli = join(dir, 'claude')
  writeFileSync(cli, `#!/bin/sh\nprintf '%s|%s|%s|%s' "$NUM" "$NUL" "$BOOL" "$(pwd)" > "$SEEN"\nexec '${QUICK_CLI}'\n`)
  chmodSync(cli, 0o755)
  const run = async (sdk) => {
    const seen = join(dir, `seen-${sdk === wire ? 'ours' : 'theirs'}`)
    const env = { ...process.env, SEEN: seen, NUM: 5, NUL: null, BOOL: true, GONE: undefined }
    const options = { pathToClaudeCodeExecutable: cli, env, cwd: pathToFileURL(dir) }
    await drain(sdk.query({ prompt: 'x', options }))
    return readFileSync(seen, 'utf8')
  }
  const ours = await run(wire)
  assert.equal(ours, await run(official))
  assert.equal(ours, `5|null|true|${dir}`)
})
