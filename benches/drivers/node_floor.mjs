// The Node floor: the least a Node SDK must do, with no SDK.
//
//   node node_floor.mjs <flood|permission|hook> <cli> [n]
//
// Reads the CLI's stdout on the main thread ('data' events), parses each line with JSON.parse,
// and answers each control request from an async callback (awaited, as an SDK must so that a
// callback can wait). What it leaves out is everything an SDK adds: an async iterator of
// messages, option and answer checks, error handling, cleanup. It prints the drivers' JSON
// figures. A driver can only approach it; see BENCHMARKS.md.
import { spawn } from 'node:child_process'
import { performance } from 'node:perf_hooks'

const [scenario, cli, count] = process.argv.slice(2)
const n = Number(count ?? 0)
if (!['flood', 'permission', 'hook'].includes(scenario)) throw new Error(`unknown scenario ${scenario}`)

const allow = async (request) => ({ behavior: 'allow', updatedInput: request.input })
const noOpinion = async () => ({})

const cpu0 = process.cpuUsage()
const start = performance.now()
const child = spawn(cli, ['--output-format', 'stream-json', '--verbose', '--input-format', 'stream-json'], {
  stdio: ['pipe', 'pipe', 'ignore'],
})
const write = (message) => child.stdin.write(`${JSON.stringify(message)}\n`)
const hooks = scenario === 'hook' ? { PreToolUse: [{ matcher: null, hookCallbackIds: ['hook_0'] }] } : null
write({ type: 'control_request', request_id: 'req_1_floor', request: { subtype: 'initialize', hooks } })
write({ type: 'user', session_id: '', parent_tool_use_id: null, message: { role: 'user', content: 'go' } })

async function answer(requestId, request) {
  const body = await (request.subtype === 'can_use_tool' ? allow : noOpinion)(request)
  write({ type: 'control_response', response: { subtype: 'success', request_id: requestId, response: body } })
}

const result = await new Promise((resolve, reject) => {
  let pending = ''
  let assistants = 0
  child.stdout.setEncoding('utf8')
  child.stdout.on('data', (chunk) => {
    const lines = (pending + chunk).split('\n')
    pending = lines.pop()
    for (const line of lines) {
      const message = JSON.parse(line)
      if (message.type === 'control_request') void answer(message.request_id, message.request)
      else if (message.type === 'assistant') assistants++
      else if (message.type === 'result') resolve({ message, assistants })
    }
  })
  child.stdout.on('end', () => reject(new Error('the CLI ended without a result')))
})
const seconds = (performance.now() - start) / 1000
const cpu = process.cpuUsage(cpu0)
child.stdin.end()
await new Promise((resolve) => child.once('exit', resolve))

let figures
if (scenario === 'flood') {
  if (result.assistants !== n) throw new Error(`got ${result.assistants} assistant messages of ${n}`)
  figures = {
    count: n,
    msgs_per_s: n / seconds,
    cpu_s: (cpu.user + cpu.system) / 1e6,
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
  }
} else {
  if (result.message.is_error) throw new Error(`no round trips: ${JSON.stringify(result.message)}`)
  const times = JSON.parse(result.message.result).sort((a, b) => a - b)
  const pick = (q) => times[Math.round((times.length - 1) * q)]
  figures = { n: times.length, p50_us: pick(0.5), p99_us: pick(0.99) }
}
console.log(JSON.stringify(figures))
