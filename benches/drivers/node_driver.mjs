// The Node driver: one scenario of one SDK per process, one JSON line of figures.
//
//   node node_driver.mjs <specifier> <scenario> <cli> [n]
//
// specifier: `claude-wire` (this repository, resolved through its package.json) or a file URL of
// @anthropic-ai/claude-agent-sdk's entry. Scenarios: import, flood, permission, hook, bigline,
// concurrent, realcli. The fake CLI's mode comes from BENCH_FAKE_MODE (set by benches/run.py);
// `realcli` runs the real CLI with the scripted model server's environment, inherited.
import { readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'

const [specifier, scenario, cli, count] = process.argv.slice(2)
const n = Number(count ?? 0)

const started = performance.now()
const sdk = await import(specifier)
const importMs = performance.now() - started

const cpuSeconds = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1e6
}
const peakRssMb = () => process.resourceUsage().maxRSS / 1024
const statusKb = (key) => {
  const line = readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith(key))
  return Number(line?.split(/\s+/)[1] ?? 0)
}
const textSize = (message) =>
  message.message.content.reduce((sum, block) => sum + (block.type === 'text' ? block.text.length : 0), 0)

async function drain(prompt, options) {
  const run = { assistants: 0, biggest: 0, first: null, resultAt: null, result: null, error: null }
  try {
    for await (const message of sdk.query({ prompt, options: { pathToClaudeCodeExecutable: cli, ...options } })) {
      run.first ??= performance.now()
      if (message.type === 'assistant') {
        run.assistants++
        run.biggest = Math.max(run.biggest, textSize(message))
      } else if (message.type === 'result') {
        run.resultAt = performance.now()
        run.result = message
        options.onResult?.()
      }
    }
  } catch (error) {
    run.error = String(error?.message ?? error).slice(0, 200)
  }
  return run
}

// A streamed prompt that keeps stdin open until the result (callbacks need it).
async function* held(done) {
  yield { type: 'user', message: { role: 'user', content: 'go' }, parent_tool_use_id: null, session_id: '' }
  await done
}

async function roundTrips(options) {
  let finish
  const done = new Promise((resolve) => (finish = resolve))
  const run = await drain(held(done), { ...options, onResult: () => finish() })
  if (!run.result || run.result.is_error) throw new Error(`no round trips: ${run.error ?? run.result?.result}`)
  const times = JSON.parse(run.result.result).sort((a, b) => a - b)
  const at = (q) => times[Math.round((times.length - 1) * q)]
  return { n: times.length, p50_us: at(0.5), p99_us: at(0.99) }
}

async function main() {
  switch (scenario) {
    case 'import':
      return { import_ms: importMs }
    case 'flood': {
      const cpu0 = cpuSeconds()
      const start = performance.now()
      const run = await drain('go', {})
      const seconds = (performance.now() - start) / 1000
      if (run.assistants !== n) throw new Error(`got ${run.assistants} assistant messages of ${n}: ${run.error}`)
      return { count: n, msgs_per_s: n / seconds, cpu_s: cpuSeconds() - cpu0, peak_rss_mb: peakRssMb() }
    }
    case 'permission':
      return roundTrips({ canUseTool: async (_tool, input) => ({ behavior: 'allow', updatedInput: input }) })
    case 'hook':
      return roundTrips({ hooks: { PreToolUse: [{ hooks: [async () => ({})] }] } })
    case 'bigline': {
      const run = await drain('go', {})
      return { ok: !run.error && run.biggest >= n * 2 ** 20, error: run.error, line_mb: run.biggest / 2 ** 20, peak_rss_mb: peakRssMb() }
    }
    case 'concurrent': {
      await drain('go', {}) // one-time set-up is not counted per session
      const baseKb = statusKb('VmRSS')
      const start = performance.now()
      const runs = await Promise.all(Array.from({ length: n }, () => drain('go', {})))
      const seconds = (performance.now() - start) / 1000
      const failed = runs.filter((r) => !r.result)
      if (failed.length) throw new Error(`${failed.length} sessions failed: ${failed[0].error}`)
      return { sessions: n, seconds, rss_per_session_kb: (statusKb('VmHWM') - baseKb) / n }
    }
    case 'realcli': {
      const start = performance.now()
      const run = await drain('go', { model: 'test-model', maxTurns: 1 })
      const endMs = performance.now() - start
      const ms = (at) => at && at - start
      return { first_ms: ms(run.first), result_ms: ms(run.resultAt), end_ms: endMs, error: run.error }
    }
    default:
      throw new Error(`unknown scenario ${scenario}`)
  }
}

console.log(JSON.stringify(await main()))
