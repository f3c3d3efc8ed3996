// The real pinned Claude Code CLI against the scripted model server: every capability once.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { z as z3 } from 'zod/v3'
import { query, tool, createSdkMcpServer, AbortError } from '../../bindings-node/js/index.js'
import { text, toolUse, apiError } from '../../bindings-node/js/testing.js'
import * as official from '@anthropic-ai/claude-agent-sdk'
import { realCli, realSession, collect, gone } from './helpers.mjs'

const skip = realCli ? false : 'the pinned CLI is not fetched (make cli)'

async function* say(...texts) {
  for (const content of texts) yield { type: 'user', message: { role: 'user', content }, parent_tool_use_id: null, session_id: '' }
}

test('a text turn: init, assistant, result', { skip }, async () => {
  const { server, options } = await realSession([text('Hello from the model')])
  try {
    const messages = await collect(query({ prompt: 'Say hello', options }))
    assert.deepEqual(messages.filter((m) => m.type !== 'rate_limit_event').map((m) => m.type), ['system', 'assistant', 'result'])
    assert.equal(messages.at(-1).result, 'Hello from the model')
    assert.equal(server.requests.at(-1).messages.at(-1).content.at(-1).text, 'Say hello')
  } finally {
    await server.close()
  }
})

test('initializationResult and the init-derived methods work before iterating', { skip }, async () => {
  const { server, options } = await realSession([text('ok')])
  try {
    const q = query({ prompt: 'hi', options })
    const init = await q.initializationResult()
    assert.ok(Array.isArray(init.commands))
    assert.deepEqual(await q.supportedModels(), init.models)
    assert.deepEqual(await q.supportedCommands(), init.commands)
    assert.deepEqual(await q.supportedAgents(), init.agents)
    await collect(q)
  } finally {
    await server.close()
  }
})

test('canUseTool gets the official arguments; allow with a changed input runs the new input', { skip }, async () => {
  const { server, options, cwd } = await realSession([toolUse('Bash', { command: 'touch asked.txt' }), text('done')])
  const calls = []
  try {
    const q = query({
      prompt: say('make a file'),
      options: {
        ...options,
        canUseTool: async (name, input, context) => {
          calls.push({ name, input, keys: Object.keys(context).sort(), signal: context.signal instanceof AbortSignal })
          return { behavior: 'allow', updatedInput: { command: 'touch changed.txt' } }
        },
      },
    })
    const messages = await collect(q)
    assert.equal(messages.at(-1).subtype, 'success')
    assert.equal(calls.length, 1)
    assert.equal(calls[0].name, 'Bash')
    assert.ok(calls[0].signal)
    assert.ok(calls[0].keys.includes('toolUseID') && calls[0].keys.includes('requestId'), calls[0].keys.join())
    assert.ok(existsSync(join(cwd, 'changed.txt')))
    assert.ok(!existsSync(join(cwd, 'asked.txt')))
  } finally {
    await server.close()
  }
})

test('a PreToolUse hook denies; the model sees the reason', { skip }, async () => {
  const { server, options, cwd } = await realSession([toolUse('Bash', { command: 'touch no.txt' }), text('ok')])
  try {
    const hook = async (input) => ({
      hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: `no ${input.tool_name}` },
    })
    await collect(query({ prompt: 'go', options: { ...options, permissionMode: 'bypassPermissions', allowDangerouslySkipPermissions: true, hooks: { PreToolUse: [{ matcher: 'Bash', hooks: [hook] }] } } }))
    assert.ok(!existsSync(join(cwd, 'no.txt')))
    const result = server.requests.at(-1).messages.at(-1).content.find((b) => b.type === 'tool_result')
    assert.match(JSON.stringify(result), /no Bash/)
  } finally {
    await server.close()
  }
})

test('in-process MCP tools with zod 4 and zod 3 schemas', { skip }, async () => {
  const { server, options } = await realSession([
    toolUse('mcp__calc__add', { a: 2, b: 3 }),
    toolUse('mcp__calc__neg', { x: 4 }),
    text('the sum is 5'),
  ])
  try {
    const add = tool('add', 'Add two numbers', { a: z.number(), b: z.number() }, async ({ a, b }) => ({ content: [{ type: 'text', text: String(a + b) }] }))
    const neg = tool('neg', 'Negate', { x: z3.number() }, async ({ x }) => ({ content: [{ type: 'text', text: String(-x) }] }))
    const calc = createSdkMcpServer({ name: 'calc', version: '1.0.0', tools: [add, neg] })
    const messages = await collect(query({ prompt: 'add', options: { ...options, mcpServers: { calc }, allowedTools: ['mcp__calc__add', 'mcp__calc__neg'] } }))
    assert.equal(messages.at(-1).subtype, 'success')
    const results = server.requests.flatMap((r) => r.messages.at(-1).content).filter((b) => b?.type === 'tool_result')
    // The CLI ends a tool's text with a newline (the official SDK's run shows the same).
    assert.deepEqual(results.map((r) => r.content[0].text), ['5\n', '-4\n'])
  } finally {
    await server.close()
  }
})

test('control methods on a live session', { skip }, async () => {
  const { server, options } = await realSession([text('first'), text('second')])
  try {
    const calc = createSdkMcpServer({ name: 'calc', tools: [] })
    let release
    const gate = new Promise((resolve) => (release = resolve))
    async function* prompts() {
      yield { type: 'user', message: { role: 'user', content: 'one' }, parent_tool_use_id: null, session_id: '' }
      await gate
      yield { type: 'user', message: { role: 'user', content: 'two' }, parent_tool_use_id: null, session_id: '' }
    }
    const q = query({ prompt: prompts(), options: { ...options, mcpServers: { calc } } })
    const results = []
    for await (const m of q) {
      if (m.type !== 'result') continue
      results.push(m.result)
      if (results.length === 1) {
        const status = await q.mcpServerStatus()
        assert.deepEqual(status.map((s) => [s.name, s.status]), [['calc', 'connected']])
        await q.setModel('claude-opus-4-5')
        await q.setPermissionMode('acceptEdits')
        await q.setMaxThinkingTokens(1024)
        const usage = await q.getContextUsage()
        assert.equal(typeof usage, 'object')
        assert.equal(await q.readFile('/definitely/not/here'), null)
        await assert.rejects(q.rewindFiles('nope'), /./)
        release()
      }
    }
    assert.deepEqual(results, ['first', 'second'])
    assert.equal(server.requests.at(-1).model, 'claude-opus-4-5')
  } finally {
    await server.close()
  }
})

test('setMcpServers adds and removes an in-process server while the query runs', { skip }, async () => {
  const { server, options } = await realSession([text('first'), toolUse('mcp__calc__add', { a: 2, b: 3 }), text('added'), text('third')])
  try {
    const add = tool('add', 'Add two numbers', { a: z.number(), b: z.number() }, async ({ a, b }) => ({ content: [{ type: 'text', text: String(a + b) }] }))
    const calc = createSdkMcpServer({ name: 'calc', version: '1.0.0', tools: [add] })
    const turns = []
    let next
    async function* prompts() {
      for (const content of ['one', 'two', 'three']) {
        yield { type: 'user', message: { role: 'user', content }, parent_tool_use_id: null, session_id: '' }
        await new Promise((resolve) => (next = resolve))
      }
    }
    const q = query({ prompt: prompts(), options: { ...options, allowedTools: ['mcp__calc__add'] } })
    const answers = []
    for await (const m of q) {
      if (m.type !== 'result') continue
      turns.push(m.result)
      if (turns.length === 1) {
        answers.push(await q.setMcpServers({ calc: { ...calc, timeout: 30000 } }))
        // The CLI connects to it in the background.
        const status = await q.mcpServerStatus()
        assert.deepEqual(status.map((s) => s.name), ['calc'])
      } else if (turns.length === 2) {
        answers.push(await q.setMcpServers({}))
        assert.deepEqual(await q.mcpServerStatus(), [])
      }
      if (turns.length === 3) break
      next()
    }
    assert.deepEqual(turns, ['first', 'added', 'third'])
    assert.deepEqual(answers[0].added, ['calc'])
    assert.deepEqual(answers[1].removed, ['calc'])
    const results = server.requests.flatMap((r) => r.messages.at(-1).content).filter((b) => b?.type === 'tool_result')
    assert.deepEqual(results.map((r) => r.content[0].text), ['5\n'])
  } finally {
    await server.close()
  }
})

test('a text prompt keeps stdin open for control requests until its result', { skip }, async () => {
  const { server, options } = await realSession([text('ok')])
  try {
    const q = query({ prompt: 'hi', options })
    const seen = []
    for await (const m of q) {
      seen.push(m.type)
      // As under the official SDK, the request goes out: stdin is still open.
      if (m.type === 'assistant') seen.push(await q.mcpServerStatus())
    }
    assert.deepEqual(seen.filter((m) => m !== 'rate_limit_event'), ['system', 'assistant', [], 'result'])
  } finally {
    await server.close()
  }
})

test('an API error: the error result, then the official error', { skip }, async () => {
  // The CLI sends the request again after a 400 here; every attempt fails.
  const { server, options } = await realSession(Array(4).fill(apiError(400, 'scripted failure')))
  try {
    const seen = []
    await assert.rejects(
      (async () => {
        for await (const m of query({ prompt: 'x', options })) seen.push(m)
      })(),
      { message: 'Claude Code returned an error result: API Error: 400 scripted failure' },
    )
    assert.equal(seen.at(-1).type, 'result')
    assert.equal(seen.at(-1).is_error, true)
  } finally {
    await server.close()
  }
})

test('abort mid-reply throws AbortError', { skip }, async () => {
  const { server, options } = await realSession([text('slow '.repeat(50), { delay: 0.2 })])
  try {
    const abortController = new AbortController()
    const q = query({ prompt: 'x', options: { ...options, abortController, includePartialMessages: true } })
    await assert.rejects(
      (async () => {
        for await (const m of q) if (m.type === 'stream_event') abortController.abort()
      })(),
      AbortError,
    )
  } finally {
    await server.close()
  }
})

test('startup() gives a warm process; its query() runs the prompt on it', { skip }, async () => {
  const { server, options } = await realSession([text('warm answer')])
  try {
    const { startup } = await import('../../bindings-node/js/index.js')
    const warm = await startup({ options })
    const started = Date.now()
    const q = warm.query('hello')
    assert.throws(() => warm.query('again'), /only be called once/)
    const messages = await collect(q)
    assert.equal(messages.at(-1).result, 'warm answer')
    assert.ok(Date.now() - started < 5000)
    await warm[Symbol.asyncDispose]()
    const unused = await startup({ options })
    const second = unused.query('x')
    assert.ok((await second.initializationResult()).commands)
    unused.close() // after query(), the query owns the process: this does nothing
    second.close()
    const other = await startup({ options })
    other.close()
  } finally {
    await server.close()
  }
})

test('startup() past its limit while a SessionStart hook runs: the official error and details', { skip }, async () => {
  const { server, options, cwd } = await realSession([text('never asked')])
  mkdirSync(join(cwd, '.claude'))
  const hook = { type: 'command', command: 'sleep 4; echo started' }
  writeFileSync(join(cwd, '.claude', 'settings.json'), JSON.stringify({ hooks: { SessionStart: [{ hooks: [hook] }] } }))
  const { startup } = await import('../../bindings-node/js/index.js')
  const failure = async (sdk) => {
    let pid
    const spawnClaudeCodeProcess = (spawned) => {
      // What the CLI is told: it reports its start-up marks to a startup() session.
      assert.equal(spawned.env.CLAUDE_CODE_SDK_READS_STARTUP_MARKS, '1')
      const child = spawn(spawned.command, spawned.args, { cwd: spawned.cwd, env: spawned.env, stdio: ['pipe', 'pipe', 'ignore'] })
      pid = child.pid
      return child
    }
    const started = Date.now()
    const error = await sdk
      .startup({ initializeTimeoutMs: 1500, options: { ...options, settingSources: ['project'], spawnClaudeCodeProcess } })
      .then(() => assert.fail('startup() should time out'), (e) => e)
    return { error, ms: Date.now() - started, pid }
  }
  try {
    const [ours, theirs] = [await failure({ startup }), await failure(official)]
    assert.equal(ours.error.message, theirs.error.message)
    assert.match(ours.error.message, /^Subprocess initialization did not complete within 1500ms\. Claude Code reported 1 SessionStart hook, which had not finished/)
    const details = (e) => ({ ...e, startupMarkAgeMs: typeof e.startupMarkAgeMs })
    assert.deepEqual(details(ours.error), details(theirs.error))
    assert.equal(ours.error.errorClass, 'initialize_timeout')
    assert.equal(ours.error.startupHooksOpen, 1)
    assert.equal(typeof ours.error.startupMark, 'string')
    assert.notEqual(ours.error.startupMark, 'none')
    assert.ok(ours.ms >= 1400 && ours.ms < 4000, `timed out after ${ours.ms} ms`)
    // The CLI of a failed startup() is stopped, as the official SDK stops its own.
    assert.ok(await gone(theirs.pid), 'the official SDK stops it')
    assert.ok(await gone(ours.pid), 'the CLI of a failed startup() is stopped')
  } finally {
    await server.close()
  }
})

test('the prompt goes out behind the initialize request, or after its answer for a blocking hook, as in the official SDK', { skip }, async () => {
  const { server, options } = await realSession([text('one'), text('two'), text('three'), text('four')])
  // What the SDK writes to the CLI and reads back, in order, seen through a spawn of our own.
  // The CLI takes hundreds of milliseconds to answer initialize, far longer than either SDK
  // takes to write a prompt it does not hold back, so the order is the SDK's choice.
  const order = async (sdk, extra) => {
    const seen = []
    const spawnClaudeCodeProcess = (spawned) => {
      const child = spawn(spawned.command, spawned.args, { cwd: spawned.cwd, env: spawned.env, stdio: ['pipe', 'pipe', 'ignore'] })
      const write = child.stdin.write.bind(child.stdin)
      child.stdin.write = (chunk, ...rest) => {
        for (const line of String(chunk).split('\n').filter(Boolean)) {
          const frame = JSON.parse(line)
          seen.push(`in:${frame.request?.subtype ?? frame.type}`)
        }
        return write(chunk, ...rest)
      }
      child.stdout.on('data', (chunk) => {
        if (String(chunk).includes('"control_response"') && !seen.includes('out:answer')) seen.push('out:answer')
      })
      return child
    }
    await collect(sdk.query({ prompt: 'hi', options: { ...options, ...extra, spawnClaudeCodeProcess } }))
    return seen.filter((s) => ['in:initialize', 'in:user', 'out:answer'].includes(s))
  }
  const blocking = { hooks: { PreToolUse: [{ hooks: [async () => ({})], onFailure: 'block' }] } }
  try {
    const early = ['in:initialize', 'in:user', 'out:answer']
    const held = ['in:initialize', 'out:answer', 'in:user']
    assert.deepEqual(await order(official, {}), early)
    assert.deepEqual(await order({ query }, {}), early)
    assert.deepEqual(await order(official, blocking), held)
    assert.deepEqual(await order({ query }, blocking), held)
  } finally {
    await server.close()
  }
})
