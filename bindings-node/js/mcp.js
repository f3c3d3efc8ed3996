// `tool()` and `createSdkMcpServer()`: in-process MCP servers whose tools run in this process.
// Input schemas are zod raw shapes (zod 3 or zod 4), turned into JSON Schema as the official
// SDK's MCP server does; arguments are checked by zod before a handler runs.
import { createRequire } from 'node:module'
import native from './native.js'
import { abortedRequest, cancelledRequest, fromRecord } from './errors.js'

const require = createRequire(import.meta.url)

/** Describes one tool of an in-process server. */
export function tool(name, description, inputSchema, handler, extras) {
  const meta = {}
  if (extras?.searchHint) meta['anthropic/searchHint'] = extras.searchHint
  if (extras?.alwaysLoad) meta['anthropic/alwaysLoad'] = true
  return {
    name,
    description,
    inputSchema,
    handler,
    annotations: extras?.annotations,
    _meta: Object.keys(meta).length > 0 ? meta : undefined,
  }
}

/** An in-process MCP server, to put in `options.mcpServers`. */
export function createSdkMcpServer(options) {
  return { type: 'sdk', name: options.name, instance: new SdkMcpServer(options) }
}

/** The server behind `createSdkMcpServer`: its tools and their handlers. */
export class SdkMcpServer {
  #tools = new Map()

  constructor({ name, version = '1.0.0', tools = [], alwaysLoad, instructions }) {
    this.name = name
    this.version = version
    this.instructions = instructions
    for (const definition of tools) {
      // As the MCP SDK's server, which the official one builds on.
      if (this.#tools.has(definition.name)) throw new Error(`Tool ${definition.name} is already registered`)
      const schema = objectSchema(definition.inputSchema)
      const meta = alwaysLoad ? { 'anthropic/alwaysLoad': true, ...definition._meta } : definition._meta
      this.#tools.set(definition.name, { definition, schema, meta })
    }
  }

  /** The server as the native side needs it: names, descriptions and JSON Schemas. */
  describe() {
    return {
      name: this.name,
      version: this.version,
      tools: [...this.#tools.values()].map(({ definition, schema, meta }) => ({
        name: definition.name,
        description: definition.description ?? '',
        inputSchema: schema ? jsonSchema(schema) : definition.inputSchema,
        annotations: definition.annotations,
        _meta: meta,
      })),
    }
  }

  /**
   * Runs tool `name` with `args`, checked by its zod schema first. A handler that throws
   * rejects: the core turns that into the `isError` result the model reads, in every binding.
   */
  async call(name, args, extra) {
    const entry = this.#tools.get(name)
    if (!entry) throw new Error(`Tool ${name} not found`)
    let input = args
    if (entry.schema) {
      const parsed = entry.schema.safeParse(args ?? {})
      if (!parsed.success) {
        const detail = parsed.error?.message ?? 'invalid input'
        return {
          content: [{ type: 'text', text: `MCP error -32602: Input validation error: Invalid arguments for tool ${name}: ${detail}` }],
          isError: true,
        }
      }
      input = parsed.data
    }
    return entry.definition.handler(input, extra)
  }
}

/** Where the MCP SDK's server keeps a request's task (`params._meta`). */
const RELATED_TASK = 'io.modelcontextprotocol/related-task'

/**
 * The `extra` a tool handler gets, shaped as the MCP SDK's server gives it: the call's
 * `signal`, `_meta` (the CLI's `claudecode/toolUseId` and `progressToken`) and `requestId`,
 * and `sendNotification` / `sendRequest`, which reach the CLI through the call's `link`.
 */
export function toolExtra(signal, requestId, meta, link) {
  const send = async (kind, text, timeoutMs, canceller) => {
    const answer = JSON.parse(await native.toolLinkSend(link, kind, text, timeoutMs, canceller))
    if (answer.error) throw fromRecord(answer.error)
    return answer.ok
  }
  return {
    signal,
    sessionId: undefined,
    _meta: meta ?? undefined,
    sendNotification: async (notification) => {
      if (!signal.aborted) await send('notify', JSON.stringify(notification))
    },
    sendRequest: async (request, resultSchema, options) => {
      if (signal.aborted) throw cancelledRequest()
      const caller = options?.signal
      caller?.throwIfAborted()
      // Everything that can throw before the send is done first, so that a canceller made
      // for the send is always ended by it.
      const text = JSON.stringify(request)
      const timeout = typeof options?.timeout === 'number' ? options.timeout : undefined
      // An abort gives the request up at the CLI too, with the abort's reason.
      const canceller = caller ? native.toolLinkCanceller() : undefined
      const answer = send('request', text, timeout, canceller).catch((error) => {
        // The MCP SDK's timeout error says how long it waited (the CLI's own errors keep theirs).
        if (error.message === MCP_REQUEST_TIMED_OUT) error.data = { timeout: timeout ?? MCP_REQUEST_TIMEOUT_MS }
        throw error
      })
      const result = await (caller ? untilAborted(answer, caller, canceller) : answer)
      // Checked as the MCP SDK checks it: by the caller's schema.
      const parsed = resultSchema.safeParse(result)
      if (!parsed.success) throw parsed.error
      return parsed.data
    },
    authInfo: undefined,
    requestId,
    requestInfo: undefined,
    taskId: meta?.[RELATED_TASK]?.taskId,
    taskStore: undefined,
    taskRequestedTtl: undefined,
    closeSSEStream: undefined,
    closeStandaloneSSEStream: undefined,
  }
}

/** How long a request waits for its answer by default (the core's, the MCP SDK's). */
const { MCP_REQUEST_TIMEOUT_MS, MCP_REQUEST_TIMED_OUT } = native.constants()

/**
 * `answer`, or the MCP SDK's error once `signal` aborts first (a later answer is dropped); the
 * request of `canceller` is then given up at the CLI.
 */
function untilAborted(answer, signal, canceller) {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      native.toolLinkCancel(canceller, String(signal.reason))
      reject(abortedRequest(signal.reason))
    }
    signal.addEventListener('abort', onAbort, { once: true })
    const settle = (done) => (value) => {
      signal.removeEventListener('abort', onAbort)
      done(value)
    }
    answer.then(settle(resolve), settle(reject))
  })
}

const isZod4 = (value) => typeof value === 'object' && value !== null && '_zod' in value
const isZod3 = (value) =>
  typeof value === 'object' && value !== null && '_def' in value && typeof value.safeParse === 'function' && !isZod4(value)

/** A zod object schema for a raw shape or zod schema; `undefined` for plain JSON Schema. */
function objectSchema(input) {
  if (input === undefined || input === null) return undefined
  if (isZod4(input) || isZod3(input)) return input
  const values = Object.values(input)
  if (values.length === 0) return zod4().object({})
  if (values.every(isZod4)) return zod4().object(input)
  if (values.every(isZod3)) return zod3().object(input)
  return undefined
}

function jsonSchema(schema) {
  if (isZod4(schema)) return zod4().toJSONSchema(schema, { target: 'draft-7', io: 'input' })
  const { zodToJsonSchema } = require('zod-to-json-schema')
  return zodToJsonSchema(schema, { strictUnions: true, pipeStrategy: 'input' })
}

let z4
let z3
function zod4() {
  z4 ??= require('zod/v4')
  return z4
}
function zod3() {
  if (!z3) {
    try {
      z3 = require('zod/v3')
    } catch {
      z3 = require('zod')
    }
  }
  return z3
}
