// One measurement in a fresh process: `node node_bench_child.mjs <sdk> <mode> <args...>`, where
// sdk is `official` or `wire`; prints one JSON line.
import { performance } from 'node:perf_hooks'

const [sdkName, mode, ...args] = process.argv.slice(2)
const specifier = sdkName === 'official' ? '@anthropic-ai/claude-agent-sdk' : '../bindings-node/js/index.js'
const started = performance.now()
const sdk = await import(specifier)
const loadMs = performance.now() - started
const cpu = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1e6
}
const print = (value) => console.log(JSON.stringify(value))

async function* held(done) {
  yield { type: 'user', message: { role: 'user', content: 'go' }, parent_tool_use_id: null, session_id: '' }
  await done
}

if (mode === 'load') {
  print({ loadMs })
} else if (mode === 'flood') {
  const [cli, frames, expected] = args
  const options = { pathToClaudeCodeExecutable: cli, env: { ...process.env, FAKE_CLI_FRAMES: frames } }
  const cpu0 = cpu()
  const t0 = performance.now()
  let count = 0
  for await (const message of sdk.query({ prompt: 'go', options })) if (message.type === 'assistant') count++
  const seconds = (performance.now() - t0) / 1000
  if (count !== Number(expected)) throw new Error(`got ${count} messages, expected ${expected}`)
  print({ perSecond: count / seconds, cpuSeconds: cpu() - cpu0, maxRssMb: process.resourceUsage().maxRSS / 1024 })
} else if (mode === 'roundtrip') {
  const [cli, count] = args
  let finish
  const done = new Promise((resolve) => (finish = resolve))
  const options = {
    pathToClaudeCodeExecutable: cli,
    env: { ...process.env, ROUNDTRIP_COUNT: count },
    canUseTool: async (_name, input) => ({ behavior: 'allow', updatedInput: input }),
  }
  let times
  for await (const message of sdk.query({ prompt: held(done), options })) {
    if (message.type === 'result') {
      times = JSON.parse(message.result)
      finish()
    }
  }
  times.sort((a, b) => a - b)
  const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))]
  print({ p50: at(0.5), p99: at(0.99) })
} else if (mode === 'hugeline') {
  const [cli, bytes] = args
  const steps = [
    { answer_initialize: {} },
    { expect_stdin: { type: 'user' } },
    { emit_huge: { bytes: Number(bytes), type: 'huge' } },
    { emit: { type: 'result', subtype: 'success', is_error: false, duration_ms: 1, duration_api_ms: 1, num_turns: 1, session_id: 's', result: 'ok', total_cost_usd: 0 } },
    { wait_stdin_eof: true },
  ]
  const base = process.memoryUsage().rss / 2 ** 20
  const options = { pathToClaudeCodeExecutable: cli, env: { ...process.env, FAKE_CLI_SCENARIO: JSON.stringify(steps) } }
  let size = 0
  let error = null
  try {
    for await (const message of sdk.query({ prompt: 'go', options })) if (message.type === 'huge') size = message.data.length
  } catch (e) {
    error = e.message.slice(0, 200)
  }
  print({ size, error, baseRssMb: base, maxRssMb: process.resourceUsage().maxRSS / 1024 })
}
