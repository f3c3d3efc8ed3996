// The direct-connect exports (DirectConnectTransport, DirectConnectError, parseDirectConnectUrl)
// side by side with the official SDK's, against a local HTTP + WebSocket server
// (tests/node/direct_scenario.mjs, run in a node that has WebSocket).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { repo } from './helpers.mjs'

const scenario = join(repo, 'tests', 'node', 'direct_scenario.mjs')
const flags = typeof WebSocket === 'function' ? [] : ['--experimental-websocket']

/** The scenario's record under the SDK module `sdk`, with the server in `mode`. */
function run(sdk, mode) {
  const child = spawnSync(process.execPath, [...flags, scenario, sdk], {
    env: { ...process.env, MODE: mode },
    encoding: 'utf8',
    timeout: 30_000,
  })
  assert.equal(child.status, 0, child.stderr)
  return JSON.parse(child.stdout)
}

for (const [mode, what] of [
  ['ok', 'a session created, its frames read across cut WebSocket frames, a write, close() with DELETE'],
  ['fail', 'a server that fails the session'],
  ['invalid', 'an invalid session answer'],
  ['abnormal', 'a WebSocket the server drops'],
]) {
  test(`direct connect as the official SDK: ${what}`, () => {
    const ours = run(join(repo, 'bindings-node', 'js', 'index.js'), mode)
    assert.deepEqual(ours, run('@anthropic-ai/claude-agent-sdk', mode))
    assert.equal(ours.parse.length, 13)
    assert.equal(ours.refused.code, 'session_create_failed')
    if (mode === 'ok') {
      assert.deepEqual(ours.messages, [{ a: 1 }, { b: 2 }, { partial: true }])
      assert.deepEqual(ours.seen.at(-1), { method: 'DELETE', url: '/sessions/s-9', auth: 'Bearer TOK', body: '' })
    } else if (mode === 'abnormal') {
      assert.equal(ours.readError.name, 'DirectConnectError')
    } else {
      assert.equal(ours.failed.name, 'DirectConnectError')
    }
  })
}
