// When a query's stdin closes, which frames reach the user and which error ends a run: each
// scenario runs under the official SDK and under claude-wire on the same scripted fake CLI, and
// the two timelines (messages, the moment stdin closed, the end) must be the same.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import * as wire from '../../bindings-node/js/index.js'
import * as official from '@anthropic-ai/claude-agent-sdk'
import { fakeOptions, init, initMessage, result, runNode, QUICK_CLI } from './helpers.mjs'

/** What happened, in order: message types, `stdin closed`, then `done`, the error or `open`. */
async function timeline(sdk, steps, { extra = {}, prompt = 'go', drive, waitMs = 2500 } = {}) {
  const seen = []
  const q = sdk.query({ prompt, options: fakeOptions(steps, extra) })
  drive?.(q)
  const reading = (async () => {
    try {
      for await (const m of q) {
        if (m.type === 'eof_seen') seen.push('stdin closed')
        else seen.push([m.type, m.subtype, m.state].filter(Boolean).join('/'))
      }
      seen.push('done')
    } catch (error) {
      seen.push(`${error.constructor.name}: ${error.message}`)
    }
  })()
  const timer = new Promise((resolve) => setTimeout(() => resolve('open'), waitMs).unref())
  if ((await Promise.race([reading, timer])) === 'open') {
    // What comes after the close is not part of the comparison.
    const upToNow = [...seen, 'still open']
    q.close()
    await reading
    return upToNow
  }
  return seen
}

async function same(steps, options) {
  const theirs = await timeline(official, steps, options)
  const ours = await timeline(wire, steps, options)
  assert.deepEqual(ours, theirs)
  return ours
}

const canUseTool = async () => ({ behavior: 'allow', updatedInput: {} })
const state = (name) => ({ emit: { type: 'system', subtype: 'session_state_changed', state: name } })
const stdinClosed = [{ wait_stdin_eof: true }, { emit: { type: 'eof_seen' } }]
const turn = [init(), { expect_stdin: { type: 'user' } }, { emit: initMessage }]
const ceiling = (ms) => ({ CLAUDE_CODE_PRINT_BG_WAIT_CEILING_MS: ms })
const failed = result({ subtype: 'error_during_execution', is_error: true, errors: ['boom'], result: undefined })

test('a request the CLI waits on after the result stops the run-end ceiling', async () => {
  const steps = [...turn, state('running'), { emit: result() }, { sleep: 0.2 }, state('requires_action'), ...stdinClosed]
  const seen = await same(steps, { extra: { canUseTool, env: ceiling('1000') } })
  assert.equal(seen.at(-1), 'still open')
})

test('main-thread output after the result stops the run-end ceiling', async () => {
  const assistant = { type: 'assistant', parent_tool_use_id: null, message: { content: [] } }
  const steps = [...turn, state('running'), { emit: result() }, { sleep: 0.2 }, { emit: assistant }, ...stdinClosed]
  const seen = await same(steps, { extra: { canUseTool, env: ceiling('1000') } })
  assert.equal(seen.at(-1), 'still open')
})

test('idle after the result ends the run even with a background agent started', async () => {
  const task = { type: 'system', subtype: 'task_started', task_id: 't1', task_type: 'local_agent' }
  const steps = [...turn, state('running'), { emit: result() }, { emit: task }, state('idle'), ...stdinClosed]
  const seen = await same(steps, { extra: { canUseTool } })
  assert.deepEqual(seen.slice(-2), ['stdin closed', 'done'])
})

test('the ceiling is read as the official SDK reads it ("1000ms" is one second)', async () => {
  const steps = [...turn, state('running'), { emit: result() }, ...stdinClosed]
  const seen = await same(steps, { extra: { canUseTool, env: ceiling('1000ms') } })
  assert.deepEqual(seen.slice(-2), ['stdin closed', 'done'])
})

test('keep-alives are not delivered', async () => {
  const steps = [...turn, { emit: { type: 'keep_alive' } }, { emit: result() }, ...stdinClosed]
  const seen = await same(steps)
  assert.ok(!seen.includes('keep_alive'))
})

for (const [what, frame] of [
  ['a post-turn summary', { emit: { type: 'system', subtype: 'post_turn_summary' } }],
  ['a keep-alive', { emit: { type: 'keep_alive' } }],
  ['lost session writes', { emit: { type: 'system', subtype: 'session_writes_lost' } }],
  ['a model-less turn', { emit: result({ num_turns: 0, result: '' }) }],
]) {
  test(`an error result still explains the failed exit after ${what}`, async () => {
    const seen = await same([...turn, { emit: failed }, frame, { exit: 1 }])
    assert.equal(seen.at(-1), 'Error: Claude Code returned an error result: boom')
  })
}

test('streamInput() on a text-prompt query writes its messages too', async () => {
  const second = { type: 'user', session_id: '', message: { role: 'user', content: 'second' }, parent_tool_use_id: null }
  const steps = [init(), { echo_stdin: 2 }, { emit: result() }, ...stdinClosed]
  const drive = (q) => q.streamInput((async function* () { yield second })())
  const seen = await same(steps, { drive })
  assert.deepEqual(seen.slice(0, 2), ['echo', 'echo'])
})

test('an abortController aborted before query() fails the call itself', () => {
  for (const sdk of [official, wire]) {
    const abortController = new AbortController()
    abortController.abort()
    assert.throws(() => sdk.query({ prompt: 'go', options: fakeOptions([init()], { abortController }) }), {
      message: 'Operation aborted',
    })
  }
  const abortController = new AbortController()
  abortController.abort()
  assert.throws(() => wire.query({ prompt: 'go', options: { abortController } }), wire.AbortError)
})

test('a finished query with callbacks can be garbage-collected (nothing native holds it)', async () => {
  const index = new URL('../../bindings-node/js/index.js', import.meta.url).href
  const out = await runNode(`
    import v8 from 'node:v8'
    import vm from 'node:vm'
    import { query, createSdkMcpServer } from '${index}'
    v8.setFlagsFromString('--expose-gc')
    const gc = vm.runInNewContext('gc')
    let collected = 0
    const registry = new FinalizationRegistry(() => collected++)
    for (let i = 0; i < 20; i++) {
      const options = {
        pathToClaudeCodeExecutable: '${QUICK_CLI}',
        canUseTool: async () => ({ behavior: 'allow' }),
        hooks: { PreToolUse: [{ hooks: [async () => ({})] }] },
        mcpServers: { calc: createSdkMcpServer({ name: 'calc', tools: [] }) },
      }
      const q = query({ prompt: 'x', options })
      registry.register(q, i)
      for await (const m of q) {}
    }
    for (let i = 0; i < 10 && collected < 19; i++) {
      gc()
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    console.log('collected', collected)
  `)
  assert.equal(out.code, 0, out.stderr)
  const collected = Number(out.stdout.match(/collected (\d+)/)?.[1])
  assert.ok(collected >= 19, out.stdout)
})

/** Messages up to the end of a query stopped (`abort` or `close`) at its first assistant message. */
async function stopped(sdk, how) {
  const said = (n) => ({
    emit: {
      type: 'assistant', parent_tool_use_id: null, session_id: 's', uuid: `u${n}`,
      message: { id: 'm', model: 'x', role: 'assistant', type: 'message', content: [{ type: 'text', text: `t${n}` }] },
    },
  })
  const steps = [...turn, said(1), said(2), said(3), { hang: true }]
  const abortController = new AbortController()
  const q = sdk.query({ prompt: 'go', options: fakeOptions(steps, { abortController }) })
  const seen = []
  try {
    for await (const m of q) {
      seen.push(m.uuid ?? m.type)
      if (m.uuid === 'u1') how === 'abort' ? abortController.abort() : q.close()
    }
    seen.push('done')
  } catch (error) {
    seen.push(`${error instanceof sdk.AbortError ? 'AbortError' : error.name}: ${error.message}`)
    seen.push(JSON.stringify({ errorClass: error.errorClass, telemetryMessage: error.telemetryMessage }))
  }
  const late = await q.setModel('x').then(() => 'answered', (error) => `${error.constructor.name}: ${error.message}`)
  return [...seen, late]
}

test('abort: what was read still comes, then AbortError; a later control call fails as in the official SDK', async () => {
  const theirs = await stopped(official, 'abort')
  const ours = await stopped(wire, 'abort')
  assert.deepEqual(ours, theirs)
  assert.deepEqual(ours.slice(1, -3), ['u1', 'u2', 'u3'])
  assert.equal(ours.at(-3), 'AbortError: Claude Code process aborted by user')
  assert.deepEqual(JSON.parse(ours.at(-2)), { errorClass: 'aborted', telemetryMessage: 'Claude Code process aborted by user' })
})

test('close() ends the iteration at once, as in the official SDK', async () => {
  const theirs = await stopped(official, 'close')
  const ours = await stopped(wire, 'close')
  assert.deepEqual(ours, theirs)
  assert.deepEqual(ours, ['system', 'u1', 'done', 'Error: Query closed before response received'])
})

test('a pathToClaudeCodeExecutable that cannot run: the same error class, text and properties', async () => {
  const seen = async (sdk, path) => {
    try {
      for await (const _ of sdk.query({ prompt: 'hi', options: { pathToClaudeCodeExecutable: path } })) {
        // nothing comes
      }
    } catch (error) {
      const { name, message, code, errorClass, telemetryMessage } = error
      return { name, message, code, errorClass, telemetryMessage, keys: Object.keys(error).sort() }
    }
    return 'no error'
  }
  // Missing, and there but not startable (a directory).
  for (const path of ['/nonexistent/dir/claude', '/tmp']) {
    assert.deepEqual(await seen(wire, path), await seen(official, path), path)
  }
})

test('a spawnClaudeCodeProcess that throws: the query fails and closes at once', async () => {
  const options = {
    ...fakeOptions([init()]),
    spawnClaudeCodeProcess() {
      throw new Error('no process today')
    },
  }
  const q = wire.query({ prompt: 'hi', options })
  await assert.rejects(q.next(), /no process today/)
  const started = Date.now()
  await q.return(undefined)
  assert.ok(Date.now() - started < 1000, `return() took ${Date.now() - started} ms`)
})
