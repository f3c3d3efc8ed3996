// prewarm(): a spare Claude Code process parked before its session is known, then claimed,
// run on the real CLI side by side with the official SDK.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import * as wire from '../../bindings-node/js/index.js'
import * as official from '@anthropic-ai/claude-agent-sdk'
import { text } from '../../bindings-node/js/testing.js'
import { realCli, realSession, gone, scratch, fakeOptions } from './helpers.mjs'

const skip = realCli ? false : 'the pinned CLI is not fetched (make cli)'

/** A model server, host options without a cwd (the spare parks itself), and a session folder. */
async function spareSetup(replies) {
  const { server, options, root } = await realSession(replies)
  const folder = join(root, 'session-folder')
  mkdirSync(join(folder, '.claude', 'agents'), { recursive: true })
  writeFileSync(
    join(folder, '.claude', 'agents', 'reviewer.md'),
    '---\nname: reviewer\ndescription: Reviews code of this folder\n---\nYou review code.\n',
  )
  const { cwd, ...host } = options
  void cwd
  return { server, host, folder, root, spares: join(host.env.CLAUDE_CONFIG_DIR, 'spares') }
}

/** What a claim gives under `sdk`: messages, the claim's outcome, what the Query describes. */
async function claimWith(sdk, claimOptions, prompt = 'hello') {
  const { server, host, folder, root, spares } = await spareSetup([text('claimed answer')])
  try {
    const spare = await sdk.prewarm({ options: { ...host, settingSources: ['project'] } })
    const parked = readdirSync(spares)
    const q = spare.claim({ prompt, options: claimOptions({ folder, root }) })
    // Asked at once: the answer waits for the claim and describes the claimed folder.
    const early = q.supportedAgents().then((agents) => agents.map((a) => a.name).includes('reviewer'), () => null)
    const messages = []
    let error = null
    try {
      for await (const m of q) messages.push(m.subtype ? `${m.type}/${m.subtype}` : m.type)
    } catch (e) {
      error = e.message
    }
    const claimed = await spare.claimed.then(
      (c) => ({ keys: Object.keys(c), cwd: c.cwd === folder, types: Object.values(c).map((v) => typeof v) }),
      (e) => ({ name: e.name, message: e.message, keys: Object.keys(e), claim: e.claim && Object.keys(e.claim) }),
    )
    const agents = claimed.keys ? (await q.supportedAgents()).map((a) => a.name).includes('reviewer') : null
    await spare.exited
    await new Promise((resolve) => setTimeout(resolve, 50))
    return { parked: parked.length, messages, error, claimed, agents, early: await early, left: readdirSync(spares) }
  } finally {
    await server.close()
  }
}

test('a claimed spare runs its session in the claimed folder, as the official SDK’s does', { skip }, async () => {
  const options = ({ folder }) => ({ cwd: folder, title: 'T' })
  const ours = await claimWith(wire, options)
  assert.deepEqual(ours, await claimWith(official, options))
  assert.equal(ours.parked, 1)
  assert.deepEqual(ours.left, [], 'the parking directory is removed')
  assert.deepEqual(ours.claimed.keys, ['cwd', 'sessionId', 'parkedMs', 'sdkMcpSettled'])
  assert.equal(ours.claimed.cwd, true)
  assert.equal(ours.agents, true, 'the Query describes the claimed folder (its agents)')
  assert.equal(ours.early, true, 'also when asked right after claim()')
  assert.equal(ours.messages.at(-1), 'result/success')
})

test('refused claims reject `claimed` with the official errors and results', { skip }, async () => {
  const cases = {
    'a missing folder': ({ root }) => ({ cwd: join(root, 'missing') }),
    'an env key read at start-up': ({ folder }) => ({ cwd: folder, env: { SOME_KEY: '1' } }),
    'a refused settings overlay': ({ folder }) => ({ cwd: folder, settings: { permissions: 'x', effortLevel: 'high' } }),
    'a refused thinking budget': ({ folder }) => ({ cwd: folder, maxThinkingTokens: 'many' }),
    'a null title (sent as given)': ({ folder }) => ({ cwd: folder, title: null }),
  }
  for (const [name, options] of Object.entries(cases)) {
    const ours = await claimWith(wire, options)
    assert.deepEqual(ours, await claimWith(official, options), name)
    assert.ok(ours.claimed.message, name)
    assert.deepEqual(ours.left, [], name)
  }
})

test('claim options passed as the official SDK passes them: agents as given, a relative folder', { skip }, async () => {
  const cases = {
    'agents the CLI judges itself': ({ folder }) => ({ cwd: folder, agents: { helper: { prompt: 'p' } } }),
    'a relative folder, an empty env': ({ folder }) => ({
      cwd: relative(process.cwd(), join(folder, '..', 'session-folder', '.')),
      env: {},
    }),
  }
  for (const [name, options] of Object.entries(cases)) {
    const ours = await claimWith(wire, options)
    assert.deepEqual(ours, await claimWith(official, options), name)
    assert.equal(ours.claimed.cwd, true, name)
  }
})

test('spare lifecycle: hook settings, a second claim, close() before a claim, resume', { skip }, async () => {
  const { server, host, folder, spares } = await spareSetup([text('unused')])
  try {
    await assert.rejects(wire.prewarm({ options: { ...host, resume: 'x' } }), {
      message: 'prewarm(): resume/continue/forkSession describe a session; a spare has none — pass them to query() instead',
    })
    const spare = await wire.prewarm({ options: host })
    const hooks = (() => {
      try {
        spare.claim({ prompt: 'x', options: { cwd: folder, settings: { hooks: {} } } })
      } catch (e) {
        return e
      }
    })()
    assert.equal(hooks.name, 'TelemetrySafeError')
    assert.match(hooks.message, /^SpareProcess\.claim\(\): hook settings \(hooks\) cannot be applied at claim/)
    assert.throws(() => spare.claim({ prompt: 42, options: { cwd: folder } }), TypeError)
    // Nothing was sent: the spare is still parked; close() discards it.
    spare.close()
    await assert.rejects(spare.claimed, { message: 'spare_closed: the spare was closed before it was claimed' })
    assert.throws(() => spare.claim({ prompt: 'x', options: { cwd: folder } }), {
      message: 'SpareProcess.claim(): the spare was closed or has exited; start the session with query()',
    })
    await spare.exited
    await spare[Symbol.asyncDispose]()
    assert.deepEqual(readdirSync(spares), [])

    const second = await wire.prewarm({ options: host })
    const info = await second.claim({ prompt: 'x', options: { cwd: folder } }).initializationResult()
    assert.throws(() => second.claim({ prompt: 'y', options: { cwd: folder } }), {
      message: 'SpareProcess.claim() can only be called once',
    })
    second.close()
    await second.exited
    if (info.pid) assert.ok(await gone(info.pid), 'the claimed CLI is gone after close()')
    assert.equal(existsSync(spares), true)
  } finally {
    await server.close()
  }
})

test('a spare whose process dies before a claim: spare_exited, as with the official SDK', { skip }, async () => {
  const { server, host, folder, spares } = await spareSetup([text('unused')])
  const outcome = async (sdk) => {
    let child
    const spawnClaudeCodeProcess = (o) => {
      child = spawn(o.command, o.args, { cwd: o.cwd, env: o.env, stdio: ['pipe', 'pipe', 'pipe'] })
      return child
    }
    const spare = await sdk.prewarm({ options: { ...host, spawnClaudeCodeProcess } })
    child.kill('SIGKILL')
    const claimed = await spare.claimed.then(() => 'claimed', (e) => e.message)
    await spare.exited
    await new Promise((resolve) => setTimeout(resolve, 50))
    const claim = (() => {
      try {
        spare.claim({ prompt: 'x', options: { cwd: folder } })
      } catch (e) {
        return e.message
      }
    })()
    return { claimed, claim, left: readdirSync(spares) }
  }
  try {
    const ours = await outcome(wire)
    assert.deepEqual(ours, await outcome(official))
    assert.deepEqual(ours, {
      claimed: 'spare_exited: the spare process exited before it was claimed',
      claim: 'SpareProcess.claim(): the spare was closed or has exited; start the session with query()',
      left: [],
    })
  } finally {
    await server.close()
  }
})

test('a spare that never initializes: prewarm() rejects as the official one, and its parking directory goes', async () => {
  const home = scratch('cw-spare-home-')
  const outcome = async (sdk) => {
    const options = fakeOptions([{ hang: true }], { env: { ...process.env, CLAUDE_CONFIG_DIR: home } })
    const error = await sdk.prewarm({ options, initializeTimeoutMs: 300 }).then(
      () => null,
      (e) => ({ message: e.message, errorClass: e.errorClass }),
    )
    return { error, left: readdirSync(join(home, 'spares')) }
  }
  const ours = await outcome(wire)
  assert.deepEqual(ours, await outcome(official))
  assert.equal(ours.error.errorClass, 'initialize_timeout')
  assert.deepEqual(ours.left, [])
})

test('close() while a claim is under way: everything settles, nothing is left', { skip }, async () => {
  const { server, host, folder, spares } = await spareSetup([text('unused')])
  try {
    const spare = await wire.prewarm({ options: host })
    const q = spare.claim({ prompt: 'hello', options: { cwd: folder, model: 'claude-sonnet-4-5' } })
    spare.close()
    const messages = []
    for await (const m of q) messages.push(m.type)
    await Promise.race([spare.claimed.catch(() => {}), new Promise((_, reject) => setTimeout(() => reject(new Error('claimed never settled')), 10_000))])
    await spare.exited
    await spare[Symbol.asyncDispose]()
    assert.ok(!messages.includes('result'), 'the prompt did not run')
    assert.deepEqual(readdirSync(spares), [])
  } finally {
    await server.close()
  }
})
