// The parity records' normalisation, as tests/parity/harness.py does it (keep the two in step):
// volatile keys dropped at any depth, sandbox paths, uuids, tool-use ids and dates replaced by
// placeholders. Plus the helpers the Node runner compares with: the request view, the sandbox
// files, the first difference between two records, and the key order of objects.
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs'
import { join, relative, sep } from 'node:path'

/** Keys whose values differ from run to run (ids, timings, per-process facts). */
export const VOLATILE_KEYS = new Set([
  'uuid',
  'session_id',
  'message_id',
  'duration_ms',
  'duration_api_ms',
  'request_id',
  'timestamp',
  'transcript_path',
  'pid',
  'prompt_id',
  'user_message_uuid',
  'user_message_uuids',
  'new_conversation_id',
  'agent_transcript_path',
  'memory_paths',
  'metadata',
  'fast_mode_state',
  'messaging_socket_path',
  'ttft_ms',
  'ttft_stream_ms',
  'time_to_request_ms',
  'first_content_frame_ms',
  'total_duration_ms',
  'total_api_duration_ms',
])
const UUID_RE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g
const TOOLU_RE = /toolu_[A-Za-z0-9]+/g
const MSG_RE = /\bmsg_[A-Za-z0-9]+/g
const DATE_RE = /\b20\d\d-\d\d-\d\d\b/g
/** How `undefined` shows in a record (so `{a: undefined}` and `{}` stay different). */
export const UNDEFINED = '<undefined>'

/** A function that normalises any value from a run whose sandbox is `root`. */
export function scrubber(root) {
  const roots = [...new Set([root, realpathSync(root)])].sort((a, b) => b.length - a.length)
  const scrub = (value) => {
    if (value === undefined) return UNDEFINED
    if (Array.isArray(value)) return value.map(scrub)
    if (typeof value === 'string') {
      for (const r of roots) value = value.split(r).join('<root>')
      return value.replace(UUID_RE, '<uuid>').replace(TOOLU_RE, '<toolu>').replace(MSG_RE, '<msg>').replace(DATE_RE, '<date>')
    }
    if (value !== null && typeof value === 'object') {
      const out = {}
      const proto = Object.getPrototypeOf(value)
      if (proto !== Object.prototype && proto !== null) out.$class = value.constructor?.name
      for (const [k, v] of Object.entries(value)) if (!VOLATILE_KEYS.has(k)) out[k] = scrub(v)
      return out
    }
    return value
  }
  return scrub
}

/** The parts of a Messages API request that tell what the model was asked. */
export function requestView(body) {
  const tools = body.tools ?? []
  return {
    model: body.model ?? null,
    messages: body.messages ?? null,
    system: body.system ?? null,
    tools: tools.map((t) => t.name ?? '?').sort(),
    mcp_tools: Object.fromEntries(
      tools.filter((t) => (t.name ?? '').startsWith('mcp__')).map((t) => [t.name, t.input_schema ?? null]),
    ),
    max_tokens: body.max_tokens ?? null,
    thinking: body.thinking ?? null,
    output_config: body.output_config ?? null,
  }
}

/** Every file the run left in the sandbox project directory (`.claude` directories left out). */
export function readFiles(cwd) {
  const out = {}
  const walk = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name)
      if (statSync(path).isDirectory()) {
        if (name !== '.claude') walk(path)
      } else {
        out[relative(cwd, path).split(sep).join('/')] = readFileSync(path, 'utf8').slice(0, 2000)
      }
    }
  }
  walk(cwd)
  return out
}

const show = (value) => {
  const text = JSON.stringify(value)
  return text === undefined ? String(value) : text.length > 300 ? `${text.slice(0, 300)}…` : text
}

/** Where two JSON-like values differ, as readable lines (at most `limit`; empty when equal). */
export function differences(a, b, limit = 20, path = '', out = []) {
  if (out.length >= limit) return out
  const kind = (v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v)
  if (kind(a) !== kind(b)) {
    out.push(`${path}: ${kind(a)} != ${kind(b)}: ${show(a)} vs ${show(b)}`)
  } else if (Array.isArray(a)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) differences(a[i], b[i], limit, `${path}[${i}]`, out)
    if (a.length !== b.length && out.length < limit) {
      const extra = (a.length > b.length ? a : b).slice(Math.min(a.length, b.length))
      out.push(
        `${path}: length ${a.length} != ${b.length}; extra in ${a.length > b.length ? 'official' : 'claude-wire'}: ${show(extra).slice(0, 600)}`,
      )
    }
  } else if (kind(a) === 'object') {
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      if (out.length >= limit) break
      if (!(key in a) || !(key in b)) {
        out.push(`${path}.${key}: only in ${key in a ? 'official' : 'claude-wire'}: ${show(key in a ? a[key] : b[key])}`)
      } else differences(a[key], b[key], limit, `${path}.${key}`, out)
    }
  } else if (!Object.is(a, b)) out.push(`${path}: ${show(a)} != ${show(b)}`)
  return out
}

/** Where two JSON-like values first differ, as a readable line (null when they are equal). */
export function firstDifference(a, b) {
  return differences(a, b, 1)[0] ?? null
}

/**
 * Every object's keys in order, by path (`.messages[3].message.usage` -> keys), for raw values;
 * `shape` names the kind of object: array indices become the element's `type/subtype` if it
 * has one (`.messages[assistant].message.usage`), else `[]`.
 */
export function keyOrder(value, path = '', shape = '', out = {}) {
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      const kind = typeof v?.type === 'string' ? [v.type, v.subtype].filter((x) => typeof x === 'string').join('/') : ''
      keyOrder(v, `${path}[${i}]`, `${shape}[${kind}]`, out)
    })
  } else if (value !== null && typeof value === 'object') {
    out[path] = { shape, keys: Object.keys(value) }
    for (const [k, v] of Object.entries(value)) keyOrder(v, `${path}.${k}`, `${shape}.${k}`, out)
  }
  return out
}

/**
 * The objects whose shared keys come in another order in `b` than in `a`: one entry per kind of
 * object (`shape`), `{shape, path, count, official, wire}` with the keys from the first one
 * out of place. Empty when every object's keys come in the same order.
 */
export function keyOrderDifferences(a, b) {
  const orderB = keyOrder(b)
  const byShape = new Map()
  for (const [path, { shape, keys: keysA }] of Object.entries(keyOrder(a))) {
    const keysB = orderB[path]?.keys
    if (keysB === undefined) continue
    const x = keysA.filter((k) => keysB.includes(k))
    const y = keysB.filter((k) => keysA.includes(k))
    if (x.join() === y.join()) continue
    const seen = byShape.get(shape)
    if (seen) seen.count++
    else {
      const at = x.findIndex((k, i) => k !== y[i])
      byShape.set(shape, { shape, path, count: 1, official: x.slice(at), wire: y.slice(at) })
    }
  }
  return [...byShape.values()]
}

/** One line for a key order difference. */
export function describeKeyOrder({ shape, count, official, wire }) {
  const list = (keys) => (keys.length > 12 ? [...keys.slice(0, 12), '…'] : keys).join(', ')
  return `${shape || '<top>'} (${count}x): official [${list(official)}] vs claude-wire [${list(wire)}]`
}
