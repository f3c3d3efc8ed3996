// A tool handler's `extra`, beside the official SDK's against the real CLI: its keys, the
// call's `_meta` and `requestId`, and `sendNotification` / `sendRequest` with what they
// answer, also once the session is over.
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
      seen[label] = { error: error.message, name: error.name, code: error.code ?? null }
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
  assert.equal(mine.kinds.sendNotification, 'function')
  assert.deepEqual(mine.metaKeys, ['claudecode/toolUseId', 'progressToken'])
})
