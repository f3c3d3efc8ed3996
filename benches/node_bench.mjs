// claude-wire vs @anthropic-ai/claude-agent-sdk, side by side in one run, as ratios.
//
//   node benches/node_bench.mjs [--messages 100000] [--loads 7] [--roundtrips 2000] [--runs 3]
//
// * load: median wall time of `await import(<package>)` in a fresh process;
// * flood: messages/s of `for await (const m of query(...))` over a fake CLI
//   (tests/python/fake_cli.py) that writes N assistant messages of ~1.3 KB and a result in one
//   go, so the figure measures the SDK; CPU seconds and peak RSS of the consuming process too;
// * round trip: a fake CLI (benches/roundtrip_cli.py) sends permission requests one at a time
//   and times each answer of an async `canUseTool`; p50 / p99 in microseconds;
// * a 50 MiB line: peak RSS of the process that receives it, beside the line's size.
// Build the release addon first (`make bench-node` does): a debug build is much slower. Pin to
// one CPU (`taskset -c 0`) and unpinned: cross-CPU wake-ups flip round-trip figures on VMs.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync, chmodSync, createWriteStream } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { once } from 'node:events'

const here = dirname(fileURLToPath(import.meta.url))
const repo = join(here, '..')
const flag = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? Number(process.argv[i + 1]) : fallback
}
const MESSAGES = flag('messages', 100000)
const LOADS = flag('loads', 7)
const ROUNDTRIPS = flag('roundtrips', 2000)
const RUNS = flag('runs', 3)
const SDKS = ['official', 'wire']
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

const work = mkdtempSync(join(tmpdir(), 'cw-bench-'))
const wrapper = (name, script) => {
  const path = join(work, name)
  writeFileSync(path, `#!/bin/sh\nexec python3 "${script}" "$@"\n`)
  chmodSync(path, 0o755)
  return path
}
const floodCli = wrapper('flood-cli', join(repo, 'tests/python/fake_cli.py'))
const roundtripCli = wrapper('roundtrip-cli', join(here, 'roundtrip_cli.py'))
const scenarioCli = join(repo, 'tests/fake_cli/fake_claude.py')

async function writeFrames(path, count) {
  const out = createWriteStream(path)
  const filler = 'lorem ipsum dolor sit amet '.repeat(40)
  for (let i = 0; i < count; i++) {
    const frame = {
      type: 'assistant',
      message: { id: `msg_${i}`, type: 'message', role: 'assistant', model: 'bench-model', content: [{ type: 'text', text: `message ${i}: ${filler}` }], stop_reason: null, usage: { input_tokens: 10, output_tokens: 12 } },
      parent_tool_use_id: null,
      session_id: 'bench-session',
      uuid: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
    }
    if (!out.write(JSON.stringify(frame) + '\n')) await once(out, 'drain')
  }
  out.end(JSON.stringify({ type: 'result', subtype: 'success', is_error: false, duration_ms: 1, duration_api_ms: 1, num_turns: 1, session_id: 'bench-session', result: 'done', total_cost_usd: 0 }) + '\n')
  await once(out, 'finish')
}

function child(sdk, mode, ...args) {
  const out = execFileSync(process.execPath, [join(here, 'node_bench_child.mjs'), sdk, mode, ...args.map(String)], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  return JSON.parse(out.trim().split('\n').at(-1))
}

const frames = join(work, 'frames.jsonl')
await writeFrames(frames, MESSAGES)
const rows = []
const row = (name, official, wire, better) => {
  rows.push({ name, official, wire, ratio: better === 'higher' ? wire / official : official / wire })
}

const loads = Object.fromEntries(SDKS.map((s) => [s, median(Array.from({ length: LOADS }, () => child(s, 'load').loadMs))]))
row('load (ms, median)', loads.official, loads.wire, 'lower')

const flood = Object.fromEntries(SDKS.map((s) => [s, Array.from({ length: RUNS }, () => child(s, 'flood', floodCli, frames, MESSAGES))]))
const pick = (s, key) => median(flood[s].map((r) => r[key]))
row(`flood ${MESSAGES} msgs (msgs/s)`, pick('official', 'perSecond'), pick('wire', 'perSecond'), 'higher')
row('flood CPU (s)', pick('official', 'cpuSeconds'), pick('wire', 'cpuSeconds'), 'lower')
row('flood peak RSS (MB)', pick('official', 'maxRssMb'), pick('wire', 'maxRssMb'), 'lower')

const rt = Object.fromEntries(SDKS.map((s) => [s, child(s, 'roundtrip', roundtripCli, ROUNDTRIPS)]))
row('permission round trip p50 (µs)', rt.official.p50, rt.wire.p50, 'lower')
row('permission round trip p99 (µs)', rt.official.p99, rt.wire.p99, 'lower')

const LINE = 50 * 2 ** 20
const huge = Object.fromEntries(SDKS.map((s) => [s, child(s, 'hugeline', scenarioCli, LINE)]))
for (const s of SDKS) if (huge[s].error || huge[s].size < LINE) console.log(`${s}: 50 MiB line: ${huge[s].error ?? `only ${huge[s].size} bytes`}`)
row('50 MiB line: peak RSS (MB)', huge.official.maxRssMb, huge.wire.maxRssMb, 'lower')

console.log(`claude-wire vs @anthropic-ai/claude-agent-sdk (node ${process.version}; ratio > 1: claude-wire better)`)
console.log(`${'measure'.padEnd(34)} ${'official'.padStart(12)} ${'claude-wire'.padStart(12)} ${'ratio'.padStart(8)}`)
for (const r of rows) {
  const f = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(2)).padStart(12)
  console.log(`${r.name.padEnd(34)} ${f(r.official)} ${f(r.wire)} ${(r.ratio.toFixed(2) + 'x').padStart(8)}`)
}
console.log(`p99/p50 claude-wire: ${(rt.wire.p99 / rt.wire.p50).toFixed(2)}; 50 MiB line peak RSS / line size: claude-wire ${(huge.wire.maxRssMb / 50).toFixed(2)}, official ${(huge.official.maxRssMb / 50).toFixed(2)}`)
