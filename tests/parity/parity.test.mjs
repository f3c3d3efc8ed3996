// Parity, Node side: every shared scenario (tests/scenarios/scenarios.json) that applies to node
// runs under the official @anthropic-ai/claude-agent-sdk and under claude-wire, both driving the
// real pinned CLI against the scripted model server in fresh sandboxes. The normalised records
// (messages, callback calls, model requests, files left in the sandbox, the thrown error, control
// results) must be deeply equal; the key order of the raw messages and control results is
// compared separately (subtest "key order"), so an order difference does not hide others.
//
//   node --test tests/parity/                   all scenarios
//   PARITY_ONLY=abort,read_file node --test tests/parity/   some scenarios
//   PARITY_DUMP=/tmp/records node --test tests/parity/     also write both records as JSON
//   PARITY_TIMEOUT_S=60 (per run), PARITY_SCENARIOS=path/to/other.json
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { after, test } from 'node:test'
import { z } from 'zod'
import * as official from '@anthropic-ai/claude-agent-sdk'
import * as wire from 'claude-wire'
import { ModelServer, isolatedEnv, pinnedCliPath } from 'claude-wire/testing'
import { describeKeyOrder, differences, keyOrderDifferences, readFiles, requestView, scrubber } from './normalise.mjs'

const MODEL = 'claude-parity-test'
const RUN_TIMEOUT_MS = Number(process.env.PARITY_TIMEOUT_S ?? 60) * 1000
const SDKS = { official, 'claude-wire': wire }
const SCENARIO_FILE = process.env.PARITY_SCENARIOS ?? new URL('../scenarios/scenarios.json', import.meta.url)
const only = process.env.PARITY_ONLY?.split(',').filter(Boolean)
const scenarios = JSON.parse(readFileSync(SCENARIO_FILE, 'utf8')).filter(
  (s) => s.sdks.includes('node') && (!only || only.includes(s.name)),
)
const cli = pinnedCliPath()

// --- the fixed in-process MCP tools, by "server.tool" ---------------------------------------

const MCP_TOOLS = {
  'calc.add': (run) =>
    run.sdk.tool('add', 'Add two numbers', { a: z.number(), b: z.number() }, async (args) => {
      run.call('add', args)
      return { content: [{ type: 'text', text: `sum=${args.a + args.b}` }] }
    }),
  'calc.boom': (run) =>
    run.sdk.tool('boom', 'Always fails', { x: z.number() }, async (args) => {
      run.call('boom', args)
      throw new Error(`boom ${args.x}`)
    }),
}

// --- one run -------------------------------------------------------------------------------

const userMessage = (content) => ({ type: 'user', message: { role: 'user', content }, parent_tool_use_id: null })

/** `{cwd}` in strings stands for the sandbox project directory. */
const substitute = (value, cwd) =>
  typeof value === 'string'
    ? value.split('{cwd}').join(cwd)
    : Array.isArray(value)
      ? value.map((v) => substitute(v, cwd))
      : value !== null && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, cwd)]))
        : value

/** A prompt stream that stays open until `end()` (a session, as the Python client has). */
class Input {
  #items = []
  #ended = false
  #wake = null
  push(item) {
    this.#items.push(item)
    this.#wake?.()
  }
  end() {
    this.#ended = true
    this.#wake?.()
  }
  async *[Symbol.asyncIterator]() {
    for (;;) {
      while (this.#items.length > 0) yield this.#items.shift()
      if (this.#ended) return
      await new Promise((resolve) => (this.#wake = resolve))
      this.#wake = null
    }
  }
}

/**
 * An error as `Class: message`: the class is the name the SDK exports it under (the official
 * bundle's class names are minified), else the constructor's; `[name=...]` when `error.name`
 * says something else.
 */
function errorText(error, sdk) {
  if (!(error instanceof Error)) return `thrown ${typeof error}: ${String(error)}`
  const exported = Object.entries(sdk).find(
    ([, value]) => typeof value === 'function' && value.prototype instanceof Error && error instanceof value,
  )
  const label = exported?.[0] ?? error.constructor.name
  return `${label}: ${error.message}${error.name === label ? '' : ` [name=${error.name}]`}`
}

class Run {
  constructor(sdk, scenario, root, server) {
    this.sdk = sdk
    this.scenario = scenario
    this.root = root
    this.cwd = join(root, 'project')
    this.server = server
    this.messages = []
    this.calls = []
    this.extra = {}
    this.labels = {}
    this.query = null
    this.iterator = null
    this.input = null
    this.abortController = null
    this.drained = false
  }

  call(kind, ...args) {
    this.calls.push([kind, ...args])
  }

  options() {
    const { scenario, sdk } = this
    const options = {
      pathToClaudeCodeExecutable: cli,
      cwd: this.cwd,
      env: { ...process.env, ...isolatedEnv(this.server, join(this.root, 'env')) },
      model: MODEL,
      settingSources: [],
      ...substitute(scenario.options ?? {}, this.cwd),
      ...scenario.optionsBySdk?.node,
    }
    const callbacks = scenario.callbacks ?? {}
    if (callbacks.canUseTool) {
      const decision = callbacks.canUseTool
      options.canUseTool = async (toolName, input, context) => {
        const { signal, ...rest } = context
        this.call('canUseTool', toolName, input, rest)
        if (decision.behavior === 'deny') {
          return { behavior: 'deny', message: decision.message ?? '', ...(decision.interrupt && { interrupt: true }) }
        }
        const patch = decision.updatedInput
        return patch === undefined ? { behavior: 'allow' } : { behavior: 'allow', updatedInput: { ...input, ...substitute(patch, this.cwd) } }
      }
    }
    if (callbacks.hooks) {
      options.hooks = Object.fromEntries(
        Object.entries(callbacks.hooks).map(([event, spec]) => [
          event,
          [
            {
              ...(spec.matcher != null && { matcher: spec.matcher }),
              hooks: [
                async (input, toolUseID, context) => {
                  this.call(event, input, toolUseID, Object.keys(context).sort())
                  return spec.output ?? {}
                },
              ],
            },
          ],
        ]),
      )
    }
    if (callbacks.mcp) {
      const servers = {}
      for (const name of callbacks.mcp) (servers[name.split('.')[0]] ??= []).push(MCP_TOOLS[name](this))
      options.mcpServers = Object.fromEntries(
        Object.entries(servers).map(([name, tools]) => [name, sdk.createSdkMcpServer({ name, version: '1.0.0', tools })]),
      )
    }
    if ((scenario.steps ?? []).some((step) => 'abort' in step)) {
      this.abortController = new AbortController()
      options.abortController = this.abortController
    }
    return options
  }

  async main() {
    const { scenario } = this
    const options = this.options()
    let prompt
    if (typeof scenario.prompt === 'string') prompt = scenario.prompt
    else if (Array.isArray(scenario.prompt)) {
      prompt = (async function* () {
        for (const content of scenario.prompt) yield userMessage(content)
      })()
    } else prompt = this.input = new Input()
    this.query = this.sdk.query({ prompt, options })
    this.iterator = this.query[Symbol.asyncIterator]()
    try {
      for (const step of scenario.steps ?? [{ receive: 'end' }]) await this.step(step)
    } finally {
      this.close()
    }
  }

  /** Ends the session: the prompt stream, then the query (as leaving the Python client does). */
  close() {
    this.input?.end()
    if (!this.drained) this.query?.close()
  }

  async step(step) {
    if ('send' in step) this.input.push(userMessage(substitute(step.send, this.cwd)))
    else if ('receive' in step) await this.receive(step.receive)
    else if ('call' in step) await this.control(step)
    else if ('sleep' in step) await sleep(step.sleep * 1000)
    else if ('abort' in step) this.abortController.abort()
    else throw new Error(`unknown step ${JSON.stringify(step)}`)
  }

  async receive(until) {
    const stop = {
      result: (m) => m.type === 'result',
      assistant: (m) => m.type === 'assistant',
      init: (m) => m.type === 'system' && m.subtype === 'init',
      end: () => false,
    }[until]
    for (;;) {
      const { value, done } = await this.iterator.next()
      if (done) {
        this.drained = true
        return
      }
      this.messages.push(value)
      if (stop(value)) return
    }
  }

  /** `{"$mcp": ["calc.add"], ...settings}` in a call's arguments: an in-process server config. */
  inProcess(value) {
    if (Array.isArray(value)) return value.map((item) => this.inProcess(item))
    if (value === null || typeof value !== 'object') return value
    if (!Array.isArray(value.$mcp)) {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.inProcess(item)]))
    }
    const { $mcp: names, ...settings } = value
    const tools = names.map((name) => MCP_TOOLS[name](this))
    const name = names[0].split('.')[0]
    return { ...this.sdk.createSdkMcpServer({ name, version: '1.0.0', tools }), ...settings }
  }

  async control(step) {
    const method = step.call
    let label = step.as ?? method
    this.labels[label] = (this.labels[label] ?? 0) + 1
    if (this.labels[label] > 1) label = `${label}#${this.labels[label]}`
    try {
      let value = await this.query[method](...this.inProcess(substitute(step.args ?? [], this.cwd)))
      if (step.view === 'keys') value = Object.keys(value ?? {}).sort()
      this.extra[label] = { value }
    } catch (error) {
      this.extra[label] = { error: errorText(error, this.sdk) }
    }
  }
}

/** The processes whose working directory is in the sandbox `root` (the CLIs a run started). */
function sandboxProcesses(root) {
  const roots = new Set([root, realpathSync(root)])
  const pids = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue
    let cwd
    try {
      cwd = readlinkSync(`/proc/${entry}/cwd`)
    } catch {
      continue
    }
    if ([...roots].some((r) => cwd === r || cwd.startsWith(`${r}/`))) pids.push(Number(entry))
  }
  return pids
}

/**
 * Waits up to `graceMs` for the processes a run started to end, then kills those left (by pid);
 * returns how many had to be killed.
 */
async function killLeftovers(root, graceMs = 2000) {
  const deadline = Date.now() + graceMs
  let pids = sandboxProcesses(root)
  while (pids.length > 0 && Date.now() < deadline) {
    await sleep(100)
    pids = sandboxProcesses(root)
  }
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
  return pids
}

/** Runs `scenario` under `sdkName` in a fresh sandbox; `{record, raw}`. */
async function runScenario(sdkName, scenario) {
  // the same prefix for every SDK: path lengths show in token counts (getContextUsage)
  const root = mkdtempSync(join(tmpdir(), 'parity-'))
  const cwd = join(root, 'project')
  mkdirSync(cwd)
  for (const [name, content] of Object.entries(scenario.files ?? {})) writeFileSync(join(cwd, name), content)
  const server = await ModelServer.start(substitute(scenario.script, cwd))
  const run = new Run(SDKS[sdkName], scenario, root, server)
  let error = null
  let timer
  try {
    await Promise.race([
      run.main(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`parity: the run timed out after ${RUN_TIMEOUT_MS / 1000} s`)), RUN_TIMEOUT_MS)
      }),
    ])
  } catch (e) {
    error = e
    try {
      run.close()
    } catch {
      // the record keeps the first error
    }
  } finally {
    clearTimeout(timer)
  }
  const leftovers = await killLeftovers(root)
  const scrub = scrubber(root)
  const record = {
    messages: scrub(run.messages),
    calls: scrub(run.calls),
    requests: scrub(server.requests.map(requestView)),
    files: scrub(readFiles(cwd)),
    error: error === null ? null : scrub(errorText(error, run.sdk)),
    leftover_processes: leftovers.length,
    extra: scrub(run.extra),
  }
  await server.close()
  rmSync(root, { recursive: true, force: true })
  return { record, raw: { messages: run.messages, calls: run.calls, extra: run.extra } }
}

function lookup(record, path) {
  return path.split('.').reduce((value, part) => value?.[part], record)
}

// --- the tests -----------------------------------------------------------------------------

const failures = []
const keyOrderFailures = new Map() // description -> scenario names
after(() => {
  // one readable summary at the end (stderr: the test runner keeps stdout for its protocol)
  const lines = [`parity: ${failures.length} scenario(s) with record differences`]
  for (const failure of failures) lines.push(`  ${failure}`)
  lines.push(`parity: ${keyOrderFailures.size} kind(s) of object with keys in another order`)
  for (const [line, names] of keyOrderFailures) {
    lines.push(`  ${line.replace(' (1x)', '')}\n      in ${names.length === scenarios.length ? 'every scenario' : names.join(', ')}`)
  }
  process.stderr.write(`${lines.join('\n')}\n`)
})

for (const scenario of scenarios) {
  test(scenario.name, { skip: cli === null && 'pinned CLI not fetched (scripts/fetch-cli.sh)' }, async (t) => {
    const a = await runScenario('official', scenario)
    const b = await runScenario('claude-wire', scenario)
    if (process.env.PARITY_DUMP) {
      mkdirSync(process.env.PARITY_DUMP, { recursive: true })
      for (const [sdk, { record }] of [['official', a], ['claude-wire', b]]) {
        writeFileSync(join(process.env.PARITY_DUMP, `${scenario.name}.${sdk}.json`), `${JSON.stringify(record, null, 1)}\n`)
      }
    }
    assert.ok(
      a.record.messages.length > 0 || Object.keys(a.record.extra).length > 0,
      `the official SDK run recorded nothing (error: ${a.record.error})`,
    )
    // `expect`: a sanity check that the scenario exercises what it claims (on the official run)
    for (const [path, needle] of Object.entries(scenario.expect ?? {})) {
      const value = lookup(a.record, path)
      const text = typeof value === 'string' ? value : JSON.stringify(value)
      if (!text?.includes(needle)) {
        failures.push(`${scenario.name}: expect: official ${path} lacks ${JSON.stringify(needle)}`)
        assert.fail(`official ${path} lacks ${JSON.stringify(needle)}: ${text?.slice(0, 600)}`)
      }
    }
    await t.test('record', () => {
      try {
        assert.deepStrictEqual(b.record, a.record)
      } catch {
        // the first difference only: the records are long
        const [first, ...more] = differences(a.record, b.record)
        const also = more.length === 0 ? '' : `\n  and ${more.length} more at: ${more.map((d) => d.split(':')[0]).join(', ')}`
        const message = `${first ?? 'records differ (not in JSON terms)'}${also}`
        failures.push(`${scenario.name}: ${message}`)
        assert.fail(`${scenario.name}: ${message}`)
      }
    })
    await t.test('key order', () => {
      const diffs = keyOrderDifferences(a.raw, b.raw)
      for (const diff of diffs) {
        const line = describeKeyOrder({ ...diff, count: 1 })
        const seen = keyOrderFailures.get(line)
        if (seen) seen.push(scenario.name)
        else keyOrderFailures.set(line, [scenario.name])
      }
      if (diffs.length > 0) assert.fail(`${scenario.name}: key order differs in\n  ${diffs.map(describeKeyOrder).join('\n  ')}`)
    })
  })
}
