// Shared helpers of the Node test suite: the scripted fake CLI, the real pinned CLI against the
// scripted model server, process checks.
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { spawn } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import { ModelServer, isolatedEnv, pinnedCliPath } from '../../bindings-node/js/testing.js'

const here = dirname(fileURLToPath(import.meta.url))
export const repo = join(here, '..', '..')
export const FAKE_CLI = join(repo, 'tests', 'fake_cli', 'fake_claude.py')
export const QUICK_CLI = join(repo, 'tests', 'fake_cli', 'quick_claude.sh')

/** A fresh scratch directory. */
export const scratch = (prefix = 'cw-node-') => mkdtempSync(join(tmpdir(), prefix))

/** The initialize answer step of the fake CLI. */
export const init = (response = {}) => ({ answer_initialize: response })

/** Options running the fake CLI with `steps`. */
export function fakeOptions(steps, extra = {}) {
  return {
    pathToClaudeCodeExecutable: FAKE_CLI,
    ...extra,
    env: { ...process.env, FAKE_CLI_SCENARIO: JSON.stringify(steps), ...(extra.env ?? {}) },
  }
}

export const result = (extra = {}) => ({
  type: 'result',
  subtype: 'success',
  is_error: false,
  duration_ms: 1,
  duration_api_ms: 1,
  num_turns: 1,
  session_id: 's',
  result: 'ok',
  total_cost_usd: 0,
  ...extra,
})

export const initMessage = {
  type: 'system',
  subtype: 'init',
  session_id: 's',
  cwd: '/',
  tools: [],
  mcp_servers: [],
  model: 'm',
  permissionMode: 'default',
  apiKeySource: 'none',
}

/** The real pinned CLI, or null when it was not fetched (`make cli`). */
export const realCli = pinnedCliPath()

/** A model server with `replies` and options running the real CLI against it. */
export async function realSession(replies, extra = {}) {
  const server = await ModelServer.start(replies)
  const root = scratch()
  const cwd = join(root, 'project')
  const { mkdirSync } = await import('node:fs')
  mkdirSync(cwd)
  const options = {
    pathToClaudeCodeExecutable: realCli,
    model: 'claude-sonnet-4-5',
    cwd,
    ...extra,
    env: { ...process.env, ...isolatedEnv(server, root), ...(extra.env ?? {}) },
  }
  return { server, options, cwd, root }
}

/** Every message of `q`. */
export async function collect(q) {
  const out = []
  for await (const message of q) out.push(message)
  return out
}

/** True while process `pid` exists (and is not a zombie of ours). */
export function alive(pid) {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Waits until `pid` is gone; false after `ms`. */
export async function gone(pid, ms = 10000) {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (!alive(pid)) return true
    await sleep(20)
  }
  return !alive(pid)
}

/** Runs `code` (an ES module body) in a fresh node process; resolves to {code, stdout, stderr, ms}. */
export function runNode(code, { timeout = 20000, env = process.env } = {}) {
  return new Promise((resolve) => {
    const started = Date.now()
    const child = spawn(process.execPath, ['--input-type=module', '-e', code], { cwd: here, env })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started })
    })
  })
}
