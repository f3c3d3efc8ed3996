// SessionPool against the real pinned CLI and the scripted model server: warm claims, options
// applied by control request or refused, dead warm CLIs replaced, fast failures, closing the
// pool (or leaving Node without closing it) reaping every process, refill.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { z } from 'zod'
import { query, SessionPool, tool, createSdkMcpServer } from '../../bindings-node/js/index.js'
import { text, toolUse } from '../../bindings-node/js/testing.js'
import { realCli, realSession, collect, gone, runNode, scratch } from './helpers.mjs'

const skip = realCli ? false : 'the pinned CLI is not fetched (make cli)'

async function eventually(check, what, ms = 30000) {
  const end = Date.now() + ms
  while (!check()) {
    assert.ok(Date.now() < end, `timed out waiting for ${what}`)
    await sleep(20)
  }
}

/** Start -> first message (ms) and every message. */
async function timed(q) {
  const started = performance.now()
  let first
  const out = []
  for await (const message of q) {
    first ??= performance.now() - started
    out.push(message)
  }
  return { first, messages: out }
}

test('a warm claim runs, and its first message comes sooner than a cold start', { skip }, async () => {
  const { server, options } = await realSession([text('warm'), text('cold')])
  const pool = new SessionPool({ options })
  try {
    await eventually(() => pool.stats().warm === 1, 'a warm CLI')
    const warm = await timed(pool.query({ prompt: 'Hi' }))
    assert.equal(warm.messages.at(-1).result, 'warm')
    const cold = await timed(query({ prompt: 'Hi', options }))
    assert.equal(cold.messages.at(-1).result, 'cold')
    console.log(`start to first message: warm ${warm.first.toFixed(0)} ms, cold ${cold.first.toFixed(0)} ms`)
    assert.ok(warm.first < cold.first, `warm ${warm.first} vs cold ${cold.first}`)
    assert.equal(pool.stats().claimed, 1)
  } finally {
    await pool.close()
    await server.close()
  }
})

test('model and permission mode of a claim are applied by control request', { skip }, async () => {
  const { server, options } = await realSession([text('ok')])
  const pool = new SessionPool({ options })
  try {
    const claim = { ...options, model: 'claim-model', permissionMode: 'plan' }
    const messages = await collect(pool.query({ prompt: 'Hi', options: claim }))
    const init = messages.find((m) => m.type === 'system' && m.subtype === 'init')
    assert.equal(init.model, 'claim-model')
    assert.equal(init.permissionMode, 'plan')
    assert.equal(server.requests.at(-1).model, 'claim-model')
  } finally {
    await pool.close()
    await server.close()
  }
})

test('any other difference is refused, naming the option; nothing is claimed', { skip }, async () => {
  const { server, options } = await realSession([])
  const pool = new SessionPool({ options })
  try {
    assert.throws(() => pool.query({ prompt: 'Hi', options: { ...options, maxTurns: 9 } }), /`maxTurns`/)
    assert.throws(() => pool.query({ prompt: 'Hi', options: { ...options, cwd: '/' } }), /`cwd`/)
    const hooked = { ...options, hooks: { PreToolUse: [{ hooks: [async () => ({})] }] } }
    assert.throws(() => pool.query({ prompt: 'Hi', options: hooked }), /`hooks`/)
    assert.equal(pool.stats().claimed, 0)
  } finally {
    await pool.close()
    await server.close()
  }
})

test('a dead warm CLI is replaced, never handed out', { skip }, async () => {
  const { server, options } = await realSession([text('fresh')])
  const pool = new SessionPool({ options })
  try {
    await eventually(() => pool.stats().warm === 1, 'a warm CLI')
    const [pid] = pool.warmPids()
    process.kill(pid, 'SIGKILL')
    assert.ok(await gone(pid))
    const messages = await collect(pool.query({ prompt: 'Hi' }))
    assert.equal(messages.at(-1).result, 'fresh')
    const stats = pool.stats()
    assert.deepEqual([stats.replaced, stats.claimed], [1, 1])
  } finally {
    await pool.close()
    await server.close()
  }
})

test('a missing CLI fails the claim at once', async () => {
  const pool = new SessionPool({ options: { pathToClaudeCodeExecutable: '/nonexistent/claude', cwd: scratch() }, size: 2 })
  const started = Date.now()
  await assert.rejects(collect(pool.query({ prompt: 'Hi' })), /not found|No such file/i)
  assert.ok(Date.now() - started < 5000)
  await pool.close()
})

test('a closed pool refuses claims', { skip }, async () => {
  const { server, options } = await realSession([])
  const pool = new SessionPool({ options })
  await pool.close()
  await assert.rejects(collect(pool.query({ prompt: 'Hi' })), /closed/)
  assert.equal(pool.stats().closed, true)
  await server.close()
})

test('close() reaps every warm CLI; a claim is refilled with a new process', { skip }, async () => {
  const { server, options } = await realSession([text('one')])
  const pool = new SessionPool({ options, size: 2 })
  try {
    await eventually(() => pool.stats().warm === 2, 'two warm CLIs')
    const before = pool.warmPids()
    const messages = await collect(pool.query({ prompt: 'Hi' }))
    assert.equal(messages.at(-1).result, 'one')
    await eventually(() => pool.stats().warm === 2, 'a refill')
    const after = pool.warmPids()
    assert.equal(after.filter((pid) => before.includes(pid)).length, 1, `${before} -> ${after}`)
    await pool.close()
    for (const pid of [...before, ...after]) assert.ok(await gone(pid, 5000), `CLI ${pid} outlived close()`)
  } finally {
    await pool.close()
    await server.close()
  }
})

test('Node exits with a pool left open, and takes its CLIs down', { skip }, async () => {
  const { server, options } = await realSession([])
  const code = `
    import { SessionPool } from '../../bindings-node/js/index.js'
    const pool = new SessionPool({ options: ${JSON.stringify(options)}, size: 2 })
    while (pool.stats().warm < 2) await new Promise((r) => setTimeout(r, 20))
    console.log(JSON.stringify(pool.warmPids()))
  `
  try {
    const run = await runNode(code, { timeout: 60000 })
    assert.equal(run.code, 0, run.stderr)
    const pids = JSON.parse(run.stdout)
    assert.equal(pids.length, 2)
    for (const pid of pids) assert.ok(await gone(pid, 10000), `CLI ${pid} outlived Node`)
  } finally {
    await server.close()
  }
})

test('setMcpServers adds an in-process server to a claimed query', { skip }, async () => {
  const { server, options } = await realSession([text('first'), toolUse('mcp__calc__add', { a: 2, b: 3 }), text('added')])
  const pool = new SessionPool({ options: { ...options, allowedTools: ['mcp__calc__add'] } })
  try {
    const add = tool('add', 'Add two numbers', { a: z.number(), b: z.number() }, async ({ a, b }) => ({ content: [{ type: 'text', text: String(a + b) }] }))
    let next
    async function* prompts() {
      for (const content of ['one', 'add 2 and 3']) {
        yield { type: 'user', message: { role: 'user', content }, parent_tool_use_id: null, session_id: '' }
        await new Promise((resolve) => (next = resolve))
      }
    }
    const q = pool.query({ prompt: prompts() })
    const results = []
    for await (const m of q) {
      if (m.type !== 'result') continue
      results.push(m.result)
      if (results.length === 2) break
      const answer = await q.setMcpServers({ calc: createSdkMcpServer({ name: 'calc', tools: [add] }) })
      assert.deepEqual(answer.added, ['calc'])
      next()
    }
    assert.deepEqual(results, ['first', 'added'])
    const texts = server.requests.flatMap((r) => r.messages.at(-1).content).filter((b) => b?.type === 'tool_result')
    assert.deepEqual(texts.map((r) => r.content[0].text), ['5\n'])
  } finally {
    await pool.close()
    await server.close()
  }
})
