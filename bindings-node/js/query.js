// `query()`: the official `Query`, an async generator of messages plus control methods, over
// one native session. The CLI starts when `query()` is called.
import native, { answering, errorAnswer } from './native.js'
import { prepare, serverData } from './options.js'
import { aborted, fromRecord } from './errors.js'
import { runStoreMethod } from './sessions.js'
import { toolExtra } from './mcp.js'

/** Starts a session; see the official `query()`. */
export function query({ prompt, options = {} } = {}) {
  return new Query(prompt, options)
}

/** The prompt of a warm query: nothing yet; `query()` on the WarmQuery supplies it. */
const LATER = Symbol('prompt given later')

/**
 * Starts the CLI and waits until it is initialized (at most `initializeTimeoutMs`, default
 * 60 s); resolves to a WarmQuery whose `query(prompt)` runs on that process, once.
 */
export async function startup({ options = {}, initializeTimeoutMs } = {}) {
  const q = await warmQuery(options, initializeTimeoutMs ?? null)
  let used = false
  return {
    query(prompt) {
      if (used) throw new Error('WarmQuery.query() can only be called once')
      used = true
      q.feed(prompt)
      return q
    },
    close() {
      if (used) return
      used = true
      q.close()
    },
    async [Symbol.asyncDispose]() {
      used = true
      q.close()
    },
  }
}

/**
 * A query started ahead of its prompt, once its CLI is initialized (`startup()`, `prewarm()`).
 * `limit` in ms; `null` for the core's default, which leaves start-up hooks' time uncounted.
 */
export async function warmQuery(options, limit) {
  // The core waits for the CLI under the limit (see `Startup` in the core's options).
  // JSON has no Infinity or NaN: Infinity waits as long as a limit can; NaN is used up at once.
  const limitMs = limit === null ? null : Number.isNaN(limit) ? 0 : Math.min(limit, 1e15)
  const q = new Query(LATER, options, undefined, { limitMs })
  try {
    await q.initializationResult()
  } catch (error) {
    q.close()
    throw error
  }
  return q
}

/** The native query behind a `Query`, for this package's modules (`prewarm()`). */
export const NATIVE = Symbol('native query')

/**
 * `query[HOLD](written, answered)`: while a spare's claim is under way, the query's own
 * requests and prompts wait until the claim's are written, and its `initialize` snapshot
 * reads until the claim is answered (they then describe the claimed session).
 */
export const HOLD = Symbol('hold for a claim')

/** The methods answered from the `initialize` snapshot. */
const SNAPSHOT_METHODS = new Set(['initializationResult', 'supportedCommands', 'supportedModels', 'supportedAgents', 'accountInfo'])

const settled = (promise) => promise.then(() => {}, () => {})

export class Query {
  #native
  #callbacks
  #calls = new Map()
  #buffer = []
  #index = 0
  #done = false
  #error = null
  #aborted = false
  #closing = null
  #queue = Promise.resolve()
  /** The next batch, asked for while the consumer works through the current one. */
  #ahead = null
  #controller
  #process = null
  /** `{written, answered}` while a spare's claim is under way (see `HOLD`). */
  #hold = null
  #onAbort = () => {
    this.#aborted = true
    void this.#shutdown()
  }

  /**
   * `open(text, dispatch)`, when given, makes the native query instead of starting a CLI (a
   * claim from a `SessionPool`, whose own dispatcher runs the callbacks).
   */
  constructor(prompt, options, open, startup) {
    const streamed = typeof prompt !== 'string'
    if (streamed && prompt !== LATER && typeof prompt?.[Symbol.asyncIterator] !== 'function') {
      throw new TypeError('prompt must be a string or an AsyncIterable of user messages')
    }
    // As the official SDK: an abort that already happened fails the call; no CLI is started.
    if (options.abortController?.signal.aborted) throw aborted(false)
    const text = streamed ? null : prompt
    const dispatch = answering(([kind, index, payload, id]) => this.#dispatch(kind, index, payload, id))
    const abort = (id) => this.#calls.get(id)?.abort()
    if (open) {
      this.#callbacks = { hooks: [], servers: [] }
      this.#native = open(text, dispatch, abort)
    } else {
      const { setup, callbacks } = prepare(options, startup)
      this.#callbacks = callbacks
      try {
        this.#native = new native.NativeQuery(setup, text, dispatch, abort)
      } catch (error) {
        // Options the CLI's arguments cannot be made from: the official SDK's plain Error.
        throw error?.code === 'InvalidArg' ? new Error(error.message) : error
      }
    }
    for (const warning of this.#native.warnings()) {
      process.emitWarning(warning.message, { code: warning.code ?? undefined })
    }
    this.#controller = options.abortController
    if (this.#controller?.signal.aborted) this.#onAbort()
    else this.#controller?.signal.addEventListener('abort', this.#onAbort, { once: true })
    if (streamed && prompt !== LATER) void this.#pump(prompt)
  }

  get [NATIVE]() {
    return this.#native
  }

  [HOLD](written, answered) {
    this.#hold = { written: settled(written), answered: settled(answered) }
  }

  /** Supplies the prompt of a query started without one (`startup()`). */
  feed(prompt) {
    if (typeof prompt === 'string') {
      this.#native.pushPromptText(prompt)
      this.#native.endPrompt()
    } else if (typeof prompt?.[Symbol.asyncIterator] === 'function') {
      void this.#pump(prompt)
    } else {
      throw new TypeError('prompt must be a string or an AsyncIterable of user messages')
    }
  }

  // --- the async generator -------------------------------------------------------------

  next() {
    const step = () => this.#step()
    this.#queue = this.#queue.then(step, step)
    return this.#queue
  }

  async return(value) {
    await this.#shutdown()
    this.#finish()
    return { value, done: true }
  }

  async throw(error) {
    await this.#shutdown()
    this.#finish()
    throw error
  }

  [Symbol.asyncIterator]() {
    return this
  }

  async [Symbol.asyncDispose]() {
    await this.return(undefined)
  }

  get [Symbol.toStringTag]() {
    return 'Query'
  }

  async #step() {
    for (;;) {
      if (this.#index < this.#buffer.length) {
        const value = this.#buffer[this.#index]
        this.#buffer[this.#index++] = undefined
        return { value, done: false }
      }
      if (this.#aborted && !this.#done && !this.#ahead) {
        this.#finish()
        throw aborted()
      }
      if (this.#error) {
        const error = this.#error
        this.#finish()
        throw error
      }
      if (this.#done) return { value: undefined, done: true }
      const text = await (this.#ahead ?? this.#native.nextBatch())
      // A batch with more to come and no error ends so. The next one is asked for at once: it
      // is what is ready now (text), or a promise settled once more is read (it never rejects).
      const more = text.endsWith('],"done":false}') && (this.#aborted || !this.#closing)
      this.#ahead = more ? this.#native.nextBatch() : null
      const batch = JSON.parse(text)
      if (batch.holes) fillHoles(batch, this.#native)
      if (this.#aborted) {
        // As the official SDK: what the CLI wrote before it stopped still comes (read to the
        // end of its output), then the abort error.
        this.#buffer = batch.messages
        this.#index = 0
        continue
      }
      if (this.#closing) {
        // Closed by return() or close() while this read was pending: the query is over.
        this.#finish()
        continue
      }
      this.#buffer = batch.messages
      this.#index = 0
      if (batch.error) {
        this.#error = fromRecord(batch.error)
        void this.#shutdown()
      }
      if (batch.done) {
        this.#done = true
        this.#controller?.signal.removeEventListener('abort', this.#onAbort)
      }
    }
  }

  #finish() {
    this.#done = true
    this.#error = null
    this.#buffer = []
    this.#index = 0
  }

  #shutdown() {
    this.#closing ??= this.#native.close().finally(() => {
      this.#controller?.signal.removeEventListener('abort', this.#onAbort)
    })
    return this.#closing
  }

  // --- callbacks -----------------------------------------------------------------------

  async #dispatch(kind, index, payload, id) {
    if (kind === 'spawn' || kind === 'write' || kind === 'endInput' || kind === 'kill') {
      try {
        const value = await this.#processCall(kind, JSON.parse(payload))
        return JSON.stringify({ ok: value ?? null })
      } catch (error) {
        return errorAnswer(error)
      }
    }
    return runCallback(this.#callbacks, this.#calls, kind, index, payload, id)
  }

  /** The user-spawned CLI (`spawnClaudeCodeProcess`): start it, write, end its input, signal it. */
  async #processCall(kind, payload) {
    if (kind === 'spawn') {
      const child = this.#callbacks.spawn({
        ...payload,
        cwd: payload.cwd ?? undefined,
        signal: this.#controller?.signal ?? new AbortController().signal,
      })
      this.#process = child
      let stdoutDone = false
      let exit = null
      const report = () => {
        if (stdoutDone && exit) this.#native.processExited(exit.code ?? null, exit.signal ?? null)
      }
      child.stdout.on('data', (chunk) => this.#native.pushStdout(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk)))
      child.stdout.once('end', () => {
        stdoutDone = true
        report()
      })
      child.stdout.once('close', () => {
        stdoutDone = true
        report()
      })
      child.stderr?.on('data', (chunk) => {
        try {
          this.#callbacks.stderr?.(chunk.toString())
        } catch {
          // A throwing stderr callback must not end the session.
        }
      })
      child.once('exit', (code, signal) => {
        exit = { code, signal }
        report()
      })
      child.once('error', (error) => {
        exit ??= { code: 1, signal: null }
        stdoutDone = true
        report()
        process.emitWarning(`claude-wire: the spawned Claude Code process failed: ${error.message}`)
      })
      return null
    }
    const child = this.#process
    if (!child) throw new Error('the Claude Code process is not running')
    if (kind === 'write') {
      await new Promise((resolve, reject) => child.stdin.write(payload, (error) => (error ? reject(error) : resolve())))
    } else if (kind === 'endInput') {
      child.stdin.end()
    } else if (kind === 'kill') {
      if (!child.killed || payload === 'SIGKILL') child.kill(payload)
    }
    return null
  }

  async #pump(messages) {
    if (this.#hold) await this.#hold.written
    try {
      for await (const message of messages) {
        if (this.#closing) break
        this.#native.pushPrompt(JSON.stringify(message))
      }
    } catch {
      // As the official SDK: a failing prompt stream aborts the query.
      this.#onAbort()
    } finally {
      this.#native.endPrompt()
    }
  }

  // --- control methods -----------------------------------------------------------------

  async #call(method, args = {}) {
    if (this.#hold) await (SNAPSHOT_METHODS.has(method) ? this.#hold.answered : this.#hold.written)
    return this.#answer(await this.#native.call(method, JSON.stringify(args)))
  }

  #answer(text) {
    const answer = JSON.parse(text)
    if (answer.error) throw fromRecord(answer.error)
    return answer.ok
  }

  interrupt(options) {
    return this.#call('interrupt', { cancelQueued: options?.cancelQueued === true ? true : undefined })
  }
  setPermissionMode(mode, options) {
    return this.#call('setPermissionMode', { mode, answersBypassSwitchBack: options?.answersBypassSwitchBack })
  }
  setMcpPermissionModeOverride(serverName, mode) {
    return this.#call('setMcpPermissionModeOverride', { serverName, mode })
  }
  setModel(model) {
    return this.#call('setModel', { model })
  }
  setMaxThinkingTokens(maxThinkingTokens, thinkingDisplay) {
    return this.#call('setMaxThinkingTokens', { maxThinkingTokens, thinkingDisplay })
  }
  applyFlagSettings(settings) {
    return this.#call('applyFlagSettings', { settings })
  }
  updateSettings(source, settings) {
    return this.#call('updateSettings', { source, settings })
  }
  initializationResult() {
    return this.#call('initializationResult')
  }
  reinitialize() {
    return this.#call('reinitialize')
  }
  supportedCommands() {
    return this.#call('supportedCommands')
  }
  supportedModels() {
    return this.#call('supportedModels')
  }
  supportedAgents() {
    return this.#call('supportedAgents')
  }
  accountInfo() {
    return this.#call('accountInfo')
  }
  mcpServerStatus() {
    return this.#call('mcpServerStatus')
  }
  getContextUsage(options) {
    return this.#call('getContextUsage', { ...options })
  }
  usage_EXPERIMENTAL_MAY_CHANGE_DO_NOT_RELY_ON_THIS_API_YET(options) {
    return this.#call('usage_EXPERIMENTAL_MAY_CHANGE_DO_NOT_RELY_ON_THIS_API_YET', {
      skipBehaviors: options?.skipBehaviors ? true : undefined,
    })
  }
  readFile(path, options) {
    return this.#call('readFile', { path, maxBytes: options?.maxBytes, encoding: options?.encoding })
  }
  reloadPlugins(options) {
    return this.#call('reloadPlugins', {
      holdOnCacheImpact: options?.holdOnCacheImpact ? true : undefined,
      addPlugins: options?.addPlugins?.length > 0 ? options.addPlugins : undefined,
      refuseIfBusy: options?.refuseIfBusy ? true : undefined,
    })
  }
  reloadSkills() {
    return this.#call('reloadSkills')
  }
  reloadOutputStyles() {
    return this.#call('reloadOutputStyles')
  }
  rewindFiles(userMessageId, options) {
    return this.#call('rewindFiles', { userMessageId, dryRun: options?.dryRun })
  }
  seedReadState(path, mtime) {
    return this.#call('seedReadState', { path, mtime })
  }
  reconnectMcpServer(serverName) {
    return this.#call('reconnectMcpServer', { serverName })
  }
  toggleMcpServer(serverName, enabled) {
    return this.#call('toggleMcpServer', { serverName, enabled })
  }
  readMcpResource(serverName, uri) {
    return this.#call('readMcpResource', { serverName, uri })
  }
  async setMcpServers(servers) {
    if (this.#hold) await this.#hold.written
    // In-process servers new to this query join its callbacks; the native side gets their
    // descriptions, each with the index its tool calls carry.
    const known = this.#callbacks.servers
    const specs = []
    const data = serverData(servers ?? {}, (instance) => {
      let index = known.indexOf(instance)
      if (index < 0) index = known.push(instance) - 1
      specs.push({ ...instance.describe(), index })
      return specs.length - 1
    })
    const text = await this.#native.setMcpServers(JSON.stringify(data), JSON.stringify(specs))
    return this.#answer(text)
  }
  streamInput(stream) {
    return this.#pump(stream)
  }
  stopTask(taskId) {
    return this.#call('stopTask', { taskId })
  }
  backgroundTasks(toolUseId) {
    return this.#call('backgroundTasks', { toolUseId })
  }
  close() {
    void this.#shutdown()
    // As the official SDK: the iteration ends here; messages not yet taken are dropped.
    if (!this.#aborted) this.#finish()
  }
}

/**
 * Runs the user's callback `kind` (#`index`) with the JSON `payload`; resolves to the JSON
 * answer the native side expects. `calls` maps call ids to the AbortControllers of running calls.
 */
export async function runCallback(callbacks, calls, kind, index, payload, id) {
  if (kind === 'store') return runStoreMethod(callbacks.store, payload)
  if (kind === 'stderr') {
    try {
      callbacks.stderr?.(`${JSON.parse(payload)}\n`)
    } catch {
      // A throwing stderr callback must not end the session.
    }
    return '{}'
  }
  const controller = new AbortController()
  calls.set(id, controller)
  const signal = controller.signal
  try {
    const args = JSON.parse(payload)
    let value
    switch (kind) {
      case 'canUseTool': {
        const context = { signal, ...args[2] }
        for (const key of args[3]) context[key] = undefined
        value = await callbacks.canUseTool(args[0], args[1], context)
        break
      }
      case 'hook':
        value = await callbacks.hooks[index](args[0], args[1] ?? undefined, { signal })
        break
      case 'tool': {
        const [name, input, requestId, meta, link] = args
        value = await callbacks.servers[index].call(name, input, toolExtra(signal, requestId, meta, link))
        break
      }
      case 'onElicitation':
      case 'onUserDialog':
        value = await callbacks[kind](args.request, { signal, requestId: args.requestId })
        break
      default:
        throw new Error(`unknown callback kind ${kind}`)
    }
    return value === undefined ? '{}' : JSON.stringify({ ok: value })
  } catch (error) {
    return errorAnswer(error)
  } finally {
    calls.delete(id)
  }
}

/**
 * Puts back the main strings of the batch's huge lines: each was left out of its message (a
 * placeholder string stands in) and comes as pieces, joined without copying them again.
 */
function fillHoles(batch, native) {
  for (const [index, hole] of batch.holes) {
    let text = ''
    for (const piece of native.takeHole(hole)) text += piece
    batch.messages[index] = replaceString(batch.messages[index], hole, text)
  }
}

function replaceString(value, hole, text) {
  if (value === hole) return text
  if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) value[key] = replaceString(value[key], hole, text)
  }
  return value
}
