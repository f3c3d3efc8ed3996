// The JS thread's event loop reads the CLI's output itself (a libuv poll handle on a duplicate
// of the CLI's stdout): the duplicate is released when the session ends, and a Worker's loop,
// which must close with no handle open, shuts down cleanly, also mid-session. Real CLI.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readlinkSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { Worker } from 'node:worker_threads'
import { AsyncLocalStorage } from 'node:async_hooks'
import { query } from '../../bindings-node/js/index.js'
import { text, toolUse } from '../../bindings-node/js/testing.js'
import { realCli, realSession, collect, gone } from './helpers.mjs'

const skip = realCli ? false : 'the pinned CLI is not fetched (make cli)'
const INDEX = new URL('../../bindings-node/js/index.js', import.meta.url).href

/** This process's pipes. */
function pipes() {
  const out = new Set()
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`)
      if (target.startsWith('pipe:')) out.add(`${fd} ${target}`)
    } catch {}
  }
  return out
}

/** The pipes opened since `before` still open once things settled. */
async function settledPipes(before) {
  for (let i = 0; i < 100; i++) {
    if ([...pipes()].every((p) => before.has(p))) break
    await sleep(50)
  }
  return [...pipes()].filter((p) => !before.has(p))
}

const allow = async () => ({ behavior: 'allow', updatedInput: { command: 'touch made.txt' } })

test('a session with a callback: answered, and no pipe left once it ended', { skip }, async () => {
  const { server, options } = await realSession([toolUse('Bash', { command: 'touch made.txt' }), text('finished')])
  try {
    const before = pipes()
    let asked = 0
    const canUseTool = async (...args) => {
      asked++
      return allow(...args)
    }
    const messages = await collect(query({ prompt: 'go', options: { ...options, canUseTool } }))
    assert.equal(messages.at(-1).result, 'finished')
    assert.equal(asked, 1)
    assert.deepEqual(await settledPipes(before), [])
  } finally {
    await server.close()
  }
})

// A callback started while the JS thread reads the CLI's output is called there, inside a
// callback scope: what it queues (microtasks, nextTick, timers) runs, and a throw becomes an
// error answer: the session goes on.
test('callbacks called while the loop reads: queued work runs, a throw is an answer', { skip }, async () => {
  const { server, options, cwd } = await realSession([
    toolUse('Bash', { command: 'touch first.txt' }),
    toolUse('Bash', { command: 'touch second.txt' }),
    text('finished'),
  ])
  try {
    const seen = []
    const hook = (input) => {
      seen.push(`hook ${input.tool_input.command}`)
      if (input.tool_input.command.includes('second')) throw new Error('no second')
      return {}
    }
    const canUseTool = async (name, input) => {
      await new Promise((resolve) => process.nextTick(resolve))
      await new Promise((resolve) => setImmediate(resolve))
      await null
      seen.push(`asked ${input.command}`)
      return { behavior: 'allow', updatedInput: input }
    }
    const messages = await collect(
      query({ prompt: 'go', options: { ...options, canUseTool, hooks: { PreToolUse: [{ matcher: 'Bash', hooks: [hook] }] } } }),
    )
    assert.equal(messages.at(-1).result, 'finished')
    // The CLI takes a failed hook as no decision: it asks, and runs the tool.
    const asked = ['hook touch first.txt', 'asked touch first.txt', 'hook touch second.txt', 'asked touch second.txt']
    assert.deepEqual(seen, asked)
    assert.ok(existsSync(join(cwd, 'first.txt')))
    assert.ok(existsSync(join(cwd, 'second.txt')))
  } finally {
    await server.close()
  }
})

// As with the official SDK (whose callbacks run in the context of the child process's streams),
// a callback runs in the async context of the `query()` call that made it: its
// AsyncLocalStorage store, not that of whichever query first read on this thread.
test('callbacks run in the AsyncLocalStorage context of their query() call', { skip }, async () => {
  const turn = [toolUse('Bash', { command: 'touch a.txt' }), text('finished')]
  const { server, options } = await realSession([...turn, ...turn])
  try {
    const store = new AsyncLocalStorage()
    const seen = []
    const canUseTool = async (name, input) => {
      seen.push(`asked in ${store.getStore()}`)
      await null
      seen.push(`answered in ${store.getStore()}`)
      return { behavior: 'allow', updatedInput: input }
    }
    const hook = async () => {
      seen.push(`hook in ${store.getStore()}`)
      return {}
    }
    const run = (name) =>
      store.run(name, () =>
        collect(query({ prompt: 'go', options: { ...options, canUseTool, hooks: { PreToolUse: [{ hooks: [hook] }] } } })),
      )
    assert.equal((await run('first')).at(-1).result, 'finished')
    assert.equal((await run('second')).at(-1).result, 'finished')
    const expected = (name) => [`hook in ${name}`, `asked in ${name}`, `answered in ${name}`]
    assert.deepEqual(seen, [...expected('first'), ...expected('second')])
  } finally {
    await server.close()
  }
})

// The worker runs a session, or starts one and is terminated once its callback was asked.
const WORKER = `
import { parentPort, workerData } from 'node:worker_threads'
const { query } = await import(workerData.index)
const q = query({
  prompt: 'go',
  options: {
    ...workerData.options,
    canUseTool: async () => {
      parentPort.postMessage({ asked: true })
      if (workerData.hang) await new Promise(() => {})
      return { behavior: 'allow', updatedInput: { command: 'touch made.txt' } }
    },
  },
})
const pid = (await q.initializationResult()).pid
parentPort.postMessage({ pid })
let last
for await (const message of q) last = message
parentPort.postMessage({ result: last.result })
`

function runWorker(options, hang) {
  const worker = new Worker(WORKER, { eval: true, workerData: { index: INDEX, options, hang } })
  const seen = []
  const exited = new Promise((resolve, reject) => {
    worker.on('message', (m) => seen.push(m))
    worker.on('error', reject)
    worker.on('exit', resolve)
  })
  return { worker, seen, exited }
}

test('a session in a Worker runs, and the Worker exits when it is done', { skip }, async () => {
  const { server, options } = await realSession([toolUse('Bash', { command: 'touch made.txt' }), text('finished')])
  try {
    const { seen, exited } = runWorker(options, false)
    assert.equal(await exited, 0)
    assert.deepEqual(seen.filter((m) => !m.pid), [{ asked: true }, { result: 'finished' }])
    const { pid } = seen.find((m) => m.pid)
    assert.ok(await gone(pid), 'the CLI is gone')
  } finally {
    await server.close()
  }
})

test('a Worker terminated while its session waits for a callback shuts down cleanly, and its CLI ends', { skip }, async () => {
  const { server, options } = await realSession([toolUse('Bash', { command: 'touch made.txt' }), text('finished')])
  try {
    const { worker, seen, exited } = runWorker(options, true)
    while (!seen.some((m) => m.asked)) await sleep(20)
    await worker.terminate()
    assert.equal(await exited, 1)
    const { pid } = seen.find((m) => m.pid)
    assert.ok(await gone(pid), 'the CLI is gone')
    // This process goes on: another session works.
    const messages = await collect(query({ prompt: 'again', options: { ...options, canUseTool: allow } }))
    assert.equal(messages.at(-1).type, 'result')
  } finally {
    await server.close()
  }
})

// A pool's warm CLIs end with the Worker that made the pool.
const POOL_WORKER = `
import { parentPort, workerData } from 'node:worker_threads'
import { setTimeout as sleep } from 'node:timers/promises'
const { SessionPool } = await import(workerData.index)
const pool = new SessionPool({ options: workerData.options, size: 2 })
while (pool.stats().warm < 2) await sleep(20)
parentPort.postMessage({ pids: pool.warmPids() })
setInterval(() => {}, 1000)
`

test('a Worker terminated with a warm pool stops the pool’s CLIs', { skip }, async () => {
  const { server, options } = await realSession([text('unused')])
  try {
    const worker = new Worker(POOL_WORKER, { eval: true, workerData: { index: INDEX, options } })
    const pids = await new Promise((resolve, reject) => {
      worker.on('message', (m) => resolve(m.pids))
      worker.on('error', reject)
    })
    assert.equal(pids.length, 2)
    await worker.terminate()
    for (const pid of pids) assert.ok(await gone(pid), `warm CLI ${pid} is gone`)
  } finally {
    await server.close()
  }
})
