// Bad input and bad endings, side by side with the official SDK on the same scripted fake CLI:
// the same messages, then the same error text. Plus what the official SDK cannot promise:
// no CLI left behind, callbacks that throw or hang, Node exiting when the work is done.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as wire from '../../bindings-node/js/index.js'
import * as official from '@anthropic-ai/claude-agent-sdk'
import { fakeOptions, init, initMessage, result, scratch, gone, alive, runNode, FAKE_CLI, QUICK_CLI } from './helpers.mjs'

/** Runs `prompt` under `sdk` on the fake CLI; resolves to {messages, error}. */
async function run(sdk, steps, extra = {}, prompt = 'go') {
  const messages = []
  try {
    for await (const m of sdk.query({ prompt, options: fakeOptions(steps, extra) })) messages.push(m)
    return { messages, error: null }
  } catch (error) {
    const { errorClass, telemetryMessage, code, signal } = error
    return { messages, error: `${error?.constructor?.name}: ${error.message}`, details: { errorClass, telemetryMessage, code, signal } }
  }
}

async function same(steps, extra, check) {
  const theirs = await run(official, steps, extra)
  const ours = await run(wire, steps, extra)
  assert.deepEqual(ours, theirs)
  check?.(ours)
}

const turn = (...frames) => [init(), { expect_stdin: { type: 'user' } }, ...frames.map((f) => ({ emit: f }))]

test('a text turn delivers the frames as parsed JSON, unknown types included', async () => {
  const odd = { type: 'future_kind', payload: { x: [1, 2] } }
  await same([...turn(initMessage, odd, { type: 'system', subtype: 'new_subtype', n: 1 }, result()), { wait_stdin_eof: true }], {}, (r) => {
    assert.deepEqual(r.messages.map((m) => m.type), ['system', 'future_kind', 'system', 'result'])
  })
})

test('messages keep the key order of the CLI\'s lines, as JSON.parse gives it', async () => {
  const assistant = { type: 'assistant', uuid: 'u', message: { model: 'm', id: 'x', content: [{ text: 'hi', type: 'text' }], role: 'assistant', stop_reason: null }, session_id: 's', parent_tool_use_id: null, zeta: 1 }
  const system = { type: 'system', zeta: 1, subtype: 'new_subtype', a: { z: 1, b: 2 } }
  const steps = [...turn(initMessage, assistant, system, result()), { wait_stdin_eof: true }]
  const theirs = await run(official, steps)
  const ours = await run(wire, steps)
  assert.equal(JSON.stringify(ours), JSON.stringify(theirs))
  assert.equal(JSON.stringify(ours.messages[1]), JSON.stringify(assistant))
})

test('an error result is yielded, then thrown with the official text', async () => {
  const failed = result({ subtype: 'error_during_execution', is_error: true, errors: ['boom'], result: undefined })
  await same([...turn(initMessage, failed), { wait_stdin_eof: true }, { exit: 1 }], {}, (r) => {
    assert.equal(r.messages.at(-1).type, 'result')
    assert.match(r.error, /Claude Code returned an error result/)
  })
})

test('a CLI that crashes mid-turn: the messages so far, then the exit error', async () => {
  await same([...turn(initMessage), { stderr: 'fatal: out of cheese' }, { exit: 3 }], {}, (r) => {
    assert.match(r.error, /exited with code 3/)
  })
})

test('a missing CLI is an error', async () => {
  const ours = await run(wire, [], { pathToClaudeCodeExecutable: '/nonexistent/claude' })
  assert.ok(ours.error, 'expected an error')
  assert.match(ours.error, /nonexistent/)
})

test('a 5 MiB line arrives whole', async () => {
  const ours = await run(wire, [...turn(initMessage), { emit_huge: { bytes: 5 << 20, type: 'huge' } }, { emit: result() }, { wait_stdin_eof: true }])
  assert.equal(ours.error, null)
  const huge = ours.messages.find((m) => m.type === 'huge')
  assert.ok(huge.data.length >= 5 << 20)
})

/** Options running the fake CLI with `steps` from a file (too large for the environment). */
function fileOptions(steps) {
  const path = join(scratch(), 'scenario.json')
  writeFileSync(path, JSON.stringify(steps))
  return { pathToClaudeCodeExecutable: FAKE_CLI, env: { ...process.env, FAKE_CLI_SCENARIO_FILE: path } }
}

const assistantWith = (text) => ({ type: 'assistant', message: { model: 'm', role: 'assistant', content: [{ type: 'text', text }] }, parent_tool_use_id: null, session_id: 's' })

test('huge lines arrive as the official SDK gives them, whatever their text holds', async () => {
  const escaped = 'line "one"\n\ttab \\ slash / \u0000 ünï 😀 中文 end\r\n'.repeat(60000)
  const steps = [...turn(initMessage), { emit: assistantWith('x'.repeat(3 << 20)) }, { emit: assistantWith(escaped) },
    { emit: { type: 'system', subtype: 'huge', data: escaped, after: [1, { k: 'v' }] } }, { emit: result({ result: escaped }) }, { wait_stdin_eof: true }]
  const collect = async (sdk) => {
    const messages = []
    for await (const m of sdk.query({ prompt: 'go', options: fileOptions(steps) })) messages.push(m)
    return messages
  }
  const [ours, theirs] = [await collect(wire), await collect(official)]
  assert.equal(ours.length, theirs.length)
  ours.forEach((m, i) => assert.ok(JSON.stringify(m) === JSON.stringify(theirs[i]), `message ${i} differs`))
  assert.equal(ours[2].message.content[0].text, escaped)
})

test('a huge line costs the host about one copy of its text', async () => {
  const size = 48 << 20
  const big = fileOptions([...turn(assistantWith('y'.repeat(size)), result()), { wait_stdin_eof: true }])
  const small = fileOptions([...turn(result()), { wait_stdin_eof: true }])
  const code = `
    import * as wire from ${JSON.stringify(new URL('../../bindings-node/js/index.js', import.meta.url).href)}
    const drain = async (options) => {
      let size = 0
      for await (const m of wire.query({ prompt: 'go', options })) if (m.type === 'assistant') size = m.message.content[0].text.length
      return size
    }
    await drain(${JSON.stringify(small)})
    const before = process.memoryUsage().rss
    const size = await drain(${JSON.stringify(big)})
    console.log(JSON.stringify({ size, grown: process.resourceUsage().maxRSS * 1024 - before }))
  `
  const run = await runNode(code, { timeout: 120000 })
  assert.equal(run.code, 0, run.stderr)
  const figures = JSON.parse(run.stdout)
  assert.equal(figures.size, size)
  // Before: the line, then the JSON text in V8 and the parsed string (twice the text).
  assert.ok(figures.grown < 1.5 * size, JSON.stringify(figures))
})

test('break out of for-await stops and reaps the CLI', async () => {
  const dir = scratch()
  const pidFile = join(dir, 'pid')
  const steps = [init(), { write_pid_file: pidFile }, { expect_stdin: { type: 'user' } }, { emit: initMessage }, { hang: true }]
  const q = wire.query({ prompt: 'go', options: fakeOptions(steps) })
  for await (const m of q) {
    assert.equal(m.type, 'system')
    break
  }
  const pid = Number(readFileSync(pidFile, 'utf8'))
  assert.ok(await gone(pid), 'the CLI is still running')
})

test('abortController.abort() throws AbortError and reaps the CLI', async () => {
  const dir = scratch()
  const pidFile = join(dir, 'pid')
  const steps = [init(), { write_pid_file: pidFile }, { expect_stdin: { type: 'user' } }, { emit: initMessage }, { hang: true }]
  const abortController = new AbortController()
  const q = wire.query({ prompt: 'go', options: fakeOptions(steps, { abortController }) })
  const seen = []
  await assert.rejects(
    (async () => {
      for await (const m of q) {
        seen.push(m.type)
        abortController.abort()
      }
    })(),
    (error) => error instanceof wire.AbortError && error.message === 'Claude Code process aborted by user',
  )
  assert.deepEqual(seen, ['system'])
  assert.ok(await gone(Number(readFileSync(pidFile, 'utf8'))))
})

test('close() before iterating stops the CLI', async () => {
  const dir = scratch()
  const pidFile = join(dir, 'pid')
  const q = wire.query({ prompt: 'go', options: fakeOptions([{ write_pid_file: pidFile }, init(), { hang: true }]) })
  await q.initializationResult()
  const pid = Number(readFileSync(pidFile, 'utf8'))
  assert.ok(alive(pid))
  q.close()
  assert.ok(await gone(pid))
  assert.deepEqual(await q.next(), { value: undefined, done: true })
})

test('a permission callback that throws becomes an error answer; the session goes on', async () => {
  const ask = { type: 'control_request', request_id: 'p1', request: { subtype: 'can_use_tool', tool_name: 'Bash', input: { command: 'ls' }, tool_use_id: 't1' } }
  const steps = [init(), { expect_stdin: { type: 'user' } }, { emit: ask }, { echo_stdin: 1 }, { emit: result() }, { wait_stdin_eof: true }]
  const canUseTool = async () => {
    throw new Error('nope')
  }
  const theirs = await run(official, steps, { canUseTool }, prompts())
  const ours = await run(wire, steps, { canUseTool }, prompts())
  const answer = (r) => r.messages.find((m) => m.type === 'echo')?.data?.response
  assert.deepEqual(answer(ours), answer(theirs))
  assert.equal(answer(ours).subtype, 'error')
  assert.equal(answer(ours).error, 'nope')
  assert.equal(ours.error, null)
})

test('the CLI cancelling a request aborts the callback signal', async () => {
  const ask = { type: 'control_request', request_id: 'p1', request: { subtype: 'can_use_tool', tool_name: 'Bash', input: {}, tool_use_id: 't1' } }
  const cancel = { type: 'control_cancel_request', request_id: 'p1' }
  const steps = [init(), { expect_stdin: { type: 'user' } }, { emit: ask }, { sleep: 0.2 }, { emit: cancel }, { sleep: 0.3 }, { emit: result() }, { wait_stdin_eof: true }]
  let aborted = false
  const canUseTool = (_name, _input, { signal }) =>
    new Promise((resolve) => signal.addEventListener('abort', () => {
      aborted = true
      resolve({ behavior: 'deny', message: 'cancelled' })
    }))
  const ours = await run(wire, steps, { canUseTool }, prompts())
  assert.equal(ours.error, null)
  assert.ok(aborted, 'the callback signal was not aborted')
})

test('hooks receive the input and tool use id; their output is the answer', async () => {
  const ask = { type: 'control_request', request_id: 'h1', request: { subtype: 'hook_callback', callback_id: 'hook_0', input: { hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: {} }, tool_use_id: 't9' } }
  const steps = [init(), { expect_stdin: { type: 'user' } }, { emit: ask }, { echo_stdin: 1 }, { emit: result() }, { wait_stdin_eof: true }]
  const calls = []
  const hook = async (input, toolUseID, { signal }) => {
    calls.push([input.tool_name, toolUseID, signal instanceof AbortSignal])
    return { decision: 'block', reason: 'no' }
  }
  const options = { hooks: { PreToolUse: [{ matcher: 'Bash', hooks: [hook] }] } }
  const ours = await run(wire, steps, options, prompts())
  assert.deepEqual(calls, [['Bash', 't9', true]])
  const echoed = ours.messages.filter((m) => m.type === 'echo')
  assert.deepEqual(echoed[0].data.response.response, { decision: 'block', reason: 'no' })
})

test('Node exits by itself when the last query is done (and stays while one runs)', async () => {
  const index = new URL('../../bindings-node/js/index.js', import.meta.url).href
  const done = await runNode(`
    import { query } from '${index}'
    for await (const m of query({ prompt: 'x', options: { pathToClaudeCodeExecutable: '${QUICK_CLI}' } })) {}
    console.log('finished')
  `)
  assert.equal(done.code, 0, done.stderr)
  assert.match(done.stdout, /finished/)
  const live = await runNode(`
    import { query } from '${index}'
    const q = query({ prompt: 'x', options: { pathToClaudeCodeExecutable: '${QUICK_CLI}' } })
    setTimeout(async () => { for await (const m of q) {} ; console.log('late read done') }, 300)
  `)
  assert.equal(live.code, 0, live.stderr)
  assert.match(live.stdout, /late read done/)
})

async function* prompts() {
  yield { type: 'user', message: { role: 'user', content: 'go' }, parent_tool_use_id: null }
}

test('stderr receives what the CLI writes there; a throwing stderr callback changes nothing', async () => {
  let seen = ''
  const steps = [init(), { stderr: 'warming up' }, { expect_stdin: { type: 'user' } }, { stderr_many: { count: 3, text: 'line' } }, { emit: result() }, { wait_stdin_eof: true }]
  const ours = await run(wire, steps, { stderr: (data) => (seen += data) })
  assert.equal(ours.error, null)
  assert.equal(seen, 'warming up\nline 0\nline 1\nline 2\n')
  const throwing = await run(wire, steps, {
    stderr: () => {
      throw new Error('oops')
    },
  })
  assert.equal(throwing.error, null)
})

test('spawnClaudeCodeProcess starts the CLI with the command the SDK built', async () => {
  const { spawn } = await import('node:child_process')
  const spawned = []
  const steps = [...turn(initMessage, result()), { wait_stdin_eof: true }]
  const spawnClaudeCodeProcess = (options) => {
    spawned.push({ command: options.command, hasArgs: options.args.includes('--output-format'), signal: options.signal instanceof AbortSignal })
    return spawn(options.command, options.args, { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] })
  }
  const ours = await run(wire, steps, { spawnClaudeCodeProcess })
  const theirs = await run(official, steps, { spawnClaudeCodeProcess })
  assert.deepEqual(ours, theirs)
  assert.deepEqual(spawned.map((s) => s.command), [spawned[1].command, spawned[1].command])
  assert.ok(spawned.every((s) => s.hasArgs && s.signal))
  const crashed = await run(wire, [...turn(initMessage), { exit: 4 }], { spawnClaudeCodeProcess })
  assert.match(crashed.error, /exited with code 4/)
})

test('abort while a next() is pending throws AbortError', async () => {
  const abortController = new AbortController()
  const steps = [init(), { expect_stdin: { type: 'user' } }, { emit: initMessage }, { hang: true }]
  const q = wire.query({ prompt: 'go', options: fakeOptions(steps, { abortController }) })
  assert.equal((await q.next()).value.type, 'system')
  setTimeout(() => abortController.abort(), 100)
  await assert.rejects(q.next(), wire.AbortError)
  assert.deepEqual(await q.next(), { value: undefined, done: true })
})

test('a prompt stream that throws aborts the query, as in the official SDK', async () => {
  async function* failing() {
    yield { type: 'user', message: { role: 'user', content: 'go' }, parent_tool_use_id: null }
    throw new Error('prompt source broke')
  }
  const steps = [init(), { expect_stdin: { type: 'user' } }, { emit: initMessage }, { hang: true }]
  const ours = await run(wire, steps, {}, failing())
  assert.match(ours.error, /^AbortError: Claude Code process aborted by user/)
})

test('Node exits once the session is over, even when its messages were not read', async () => {
  const index = new URL('../../bindings-node/js/index.js', import.meta.url).href
  const done = await runNode(`
    import { query } from '${index}'
    const q = query({ prompt: 'x', options: { pathToClaudeCodeExecutable: '${QUICK_CLI}' } })
    console.log(typeof (await q.initializationResult()))
  `)
  assert.equal(done.code, 0, done.stderr)
  assert.ok(done.ms < 8000, `took ${done.ms} ms`)
})

test('close() while the CLI is starting kills it before the prompt is written', async () => {
  const dir = scratch()
  const pidFile = join(dir, 'pid')
  const steps = [{ write_pid_file: pidFile }, { sleep: 0.5 }, init(), { echo_stdin: 1 }, { hang: true }]
  const q = wire.query({ prompt: 'secret plan', options: fakeOptions(steps) })
  await new Promise((resolve) => setTimeout(resolve, 200))
  q.close()
  assert.deepEqual(await q.next(), { value: undefined, done: true })
  const { existsSync } = await import('node:fs')
  if (existsSync(pidFile)) assert.ok(await gone(Number(readFileSync(pidFile, 'utf8')), 3000))
})

test('a permission callback answering null sends no answer at all, as the official SDK', async () => {
  const ask = { type: 'control_request', request_id: 'p1', request: { subtype: 'can_use_tool', tool_name: 'Bash', input: {}, tool_use_id: 't1' } }
  const steps = [init(), { expect_stdin: { type: 'user' } }, { emit: ask }, { sleep: 0.3 }, { emit: result() }, { echo_stdin: null }]
  const canUseTool = async () => null
  const answers = (r) => r.messages.filter((m) => m.type === 'echo' && m.data?.type === 'control_response')
  const ours = await run(wire, steps, { canUseTool }, prompts())
  const theirs = await run(official, steps, { canUseTool }, prompts())
  assert.deepEqual(answers(ours), answers(theirs))
  assert.deepEqual(answers(ours), [])
})
