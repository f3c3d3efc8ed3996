// claude-wire/testing: test agents without tokens. A scripted Messages API server (the core's)
// on 127.0.0.1, reply builders in its script format, and an isolated CLI environment.
import { mkdtempSync, existsSync } from 'node:fs'
import { tmpdir, homedir } from 'node:os'
import { join } from 'node:path'
import native from './native.js'

const withDelay = (reply, delay) => (delay === undefined ? reply : { ...reply, delta_delay_ms: Math.round(delay * 1000) })

/** A reply with one text block; `delay` (seconds) paces the streamed events. */
export const text = (content, { delay } = {}) => withDelay({ text: content }, delay)
/** A reply with a thinking block, then a text block. */
export const thinking = (content, then) => ({ thinking: content, text: then })
/** A reply that calls a tool, optionally after some text. */
export function toolUse(name, input, { id, text: before, delay } = {}) {
  const reply = { tool_use: { name, input, ...(id !== undefined && { id }) } }
  if (before !== undefined) reply.text = before
  return withDelay(reply, delay)
}
/** A reply made of blocks in order (`{text}`, `{thinking}`, `{tool_use: {name, input}}`). */
export const blocks = (content, { delay } = {}) => withDelay({ blocks: content }, delay)
/** The reply delivering structured output (`outputFormat`): a `StructuredOutput` call. */
export const structuredOutput = (value) => toolUse('StructuredOutput', value)
/** An HTTP error answer with the API's JSON error body. */
export const apiError = (status, message, type) => ({
  error: { status, ...(message !== undefined && { message }), ...(type !== undefined && { type }) },
})

/** A running scripted server; `await ModelServer.start(replies)`, then `await server.close()`. */
export class ModelServer {
  #native

  constructor(nativeServer) {
    this.#native = nativeServer
  }

  /** Starts a server answering with `script` (a list of replies, or the script object form). */
  static async start(script = []) {
    return new ModelServer(await native.NativeModelServer.start(script))
  }

  /** The base URL to put in `ANTHROPIC_BASE_URL`. */
  get url() {
    return this.#native.url
  }

  /** The JSON body of every conversation request so far (side requests left out). */
  get requests() {
    return this.#native.requests().filter((r) => r.kind === 'main').map((r) => r.body)
  }

  /** Every request received, as records (`index`, `method`, `path`, `headers`, `body`, `kind`, ...). */
  allRequests() {
    return this.#native.requests()
  }

  /** Appends replies to the script. */
  push(...replies) {
    for (const reply of replies) this.#native.push(reply)
  }

  /** Stops the server. */
  close() {
    return this.#native.close()
  }

  async [Symbol.asyncDispose]() {
    await this.close()
  }
}

/**
 * The variables that run the real CLI offline against `server`, with fresh state under `root`
 * (a new temporary directory when omitted). `options.env` replaces the CLI's environment, as
 * in the official SDK, so merge: `env: { ...process.env, ...isolatedEnv(server) }`.
 */
export function isolatedEnv(server, root) {
  const base = root ?? mkdtempSync(join(tmpdir(), 'claude-wire-'))
  const url = typeof server === 'string' ? server : server.url
  return Object.fromEntries(native.cliEnv(url, base))
}

/** The pinned Claude Code CLI: `$CLAUDE_WIRE_CLI`, else the claude-wire cache, if fetched. */
export function pinnedCliPath() {
  const fromEnv = process.env.CLAUDE_WIRE_CLI
  if (fromEnv && existsSync(fromEnv)) return fromEnv
  const cache = process.env.CLAUDE_WIRE_CACHE ?? join(homedir(), '.cache', 'claude-wire')
  const candidate = join(cache, 'cli', native.constants().PINNED_CLI_VERSION, 'claude')
  return existsSync(candidate) ? candidate : null
}
