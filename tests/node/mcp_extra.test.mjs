// A tool handler's `extra`, beside the official SDK's against the real CLI: its keys, the
// call's `_meta` and `requestId`, and `sendNotification` / `sendRequest` with what they
// answer (also with the caller's timeout and abort signal), also once the session is over.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { z } from 'zod'
import * as official from '@anthropic-ai/claude-agent-sdk'
import * as ours from '../../bindings-node/js/index.js'
import { text, toolUse } from '../../bindings-node/js/testing.js'
import { realCli, realSession, collect } from './helpers.mjs'

const skip = realCli ? false : 'the pinned CLI is not fetched (make cli)'

/** What one session's tool handler saw and got, with `sdk`. */
async function run(sdk) {
  const { server, options } = await realSession([toolUse('mcp__calc__add', { a: 2, b: 3 }), text('the sum is 5')])
  const seen = {}
  let kept
  const attempt = async (label, fn) => {
    try {
      seen[label] = { ok: (await fn()) ?? null }
    } catch (error) {
      seen[label] = { error: error?.message, name: error?.name, code: error?.code ?? null, ...(error?.data !== undefined && { data: error.data }) }
    }
  }
  const passes = { safeParse: (data) => ({ success: true, data }) }
  const add = sdk.tool('add', 'Add', { a: z.number(), b: z.number() }, async ({ a, b }, extra) => {
    seen.keys = Object.keys(extra)
    seen.kinds = Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, v instanceof AbortSignal ? 'AbortSignal' : typeof v]))
    seen.metaKeys = Object.keys(extra._meta)
    seen.toolUseId = extra._meta['claudecode/toolUseId']
    await attempt('progress', () =>
      extra.sendNotification({ method: 'notifications/progress', params: { progressToken: extra._meta.progressToken, progress: 1, total: 2 } }),
    )
    await attempt('listChanged', () => extra.sendNotification({ method: 'notifications/tools/list_changed' }))
    await attempt('log', () => extra.sendNotification({ method: 'notifications/message', params: { level: 'info', data: 'x' } }))
    await attempt('ping', () => extra.sendRequest({ method: 'ping' }, passes))
    await attempt('roots', () => extra.sendRequest({ method: 'roots/list' }, passes, { timeout: 5000 }))
    // The caller's own signal and timeout (the CLI answers a ping within milliseconds).
    await attempt('timedOut', () => extra.sendRequest({ method: 'ping' }, passes, { timeout: 0 }))
    const early = new AbortController()
    early.abort()
    await attempt('abortedBefore', () => extra.sendRequest({ method: 'ping' }, passes, { signal: early.signal }))
    const during = new AbortController()
    await attempt('abortedDuring', () => {
      const asked = extra.sendRequest({ method: 'ping' }, passes, { signal: during.signal })
      during.abort()
      return asked
    })
    const why = new AbortController()
    await attempt('abortedWhy', () => {
      const asked = extra.sendRequest({ method: 'ping' }, passes, { signal: why.signal })
      why.abort('why')
      return asked
    })
    await attempt('abortedWhyBefore', () => extra.sendRequest({ method: 'ping' }, passes, { signal: why.signal }))
    await attempt('notAborted', () => extra.sendRequest({ method: 'ping' }, passes, { signal: new AbortController().signal }))
    kept = extra
    return { content: [{ type: 'text', text: String(a + b) }] }
  })
  const calc = sdk.createSdkMcpServer({ name: 'calc', version: '1.0.0', tools: [add] })
  try {
    const messages = await collect(sdk.query({ prompt: 'add', options: { ...options, mcpServers: { calc }, allowedTools: ['mcp__calc__add'] } }))
    seen.types = messages.filter((m) => m.type !== 'rate_limit_event').map((m) => m.type)
    await attempt('after', () => kept.sendNotification({ method: 'notifications/progress', params: { progressToken: 1, progress: 2 } }))
    const call = server.requests[1].messages.at(-2).content.find((b) => b.type === 'tool_use')
    assert.equal(seen.toolUseId, call.id, "_meta names the model's tool_use")
    delete seen.toolUseId
    return seen
  } finally {
    await server.close()
  }
}

test("a tool handler's extra: the official keys, _meta, notifications and requests", { skip }, async () => {
  const theirs = await run(official)
  const mine = await run(ours)
  assert.deepEqual(mine, theirs)
  assert.deepEqual(mine.roots, { error: 'MCP error -32601: Method not found', name: 'McpError', code: -32601 })
  assert.deepEqual(mine.after, { error: 'Not connected', name: 'Error', code: null })
  assert.deepEqual(mine.timedOut, { error: 'MCP error -32001: Request timed out', name: 'McpError', code: -32001, data: { timeout: 0 } })
  assert.deepEqual(mine.abortedBefore, { error: 'This operation was aborted', name: 'AbortError', code: 20 })
  assert.deepEqual(mine.abortedDuring, { error: 'MCP error -32001: AbortError: This operation was aborted', name: 'McpError', code: -32001 })
  assert.deepEqual(mine.abortedWhy.error, 'MCP error -32001: why')
  assert.deepEqual(mine.abortedWhyBefore, { error: undefined, name: undefined, code: null })
  assert.deepEqual(mine.notAborted, { ok: {} })
  assert.equal(mine.kinds.sendNotification, 'function')
  assert.deepEqual(mine.metaKeys, ['claudecode/toolUseId', 'progressToken'])
})
