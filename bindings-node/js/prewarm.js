// `prewarm()`: a Claude Code process started and parked before its session is known, then
// claimed for one session (the official `SpareProcess`). What a claim sends and what its
// answers mean are the core's rules (`SpareClaim`); this layer keeps the promises.
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { homedir } from 'node:os'
import { isAbsolute, join } from 'node:path'
import native from './native.js'
import { fromRecord, telemetrySafe } from './errors.js'
import { HOLD, NATIVE, warmQuery } from './query.js'
import { agentsWithoutInstances } from './options.js'

/** How long a spare may take to initialize by default, in ms; counted throughout. */
const DEFAULT_LIMIT_MS = 60_000

/** Starts a spare process; resolves once it is initialized and parked. See the official `prewarm()`. */
export async function prewarm({ options = {}, initializeTimeoutMs } = {}) {
  if (options.resume || options.continue || options.forkSession) {
    throw new Error(
      'prewarm(): resume/continue/forkSession describe a session; a spare has none — pass them to query() instead',
    )
  }
  const parked = options.cwd === undefined ? await parkingDirectory(options.env) : null
  const unpark = () => (parked === null ? Promise.resolve() : rm(parked, { recursive: true, force: true }).catch(() => {}))
  // A trust attestation is the session's: a claim carries it, a spare never does.
  const { workspaceTrust, ...spareOptions } = options
  void workspaceTrust
  let query
  try {
    query = await warmQuery(
      { ...spareOptions, cwd: options.cwd ?? parked, extraArgs: { ...spareOptions.extraArgs, 'await-claim': null } },
      initializeTimeoutMs ?? DEFAULT_LIMIT_MS,
    )
  } catch (error) {
    await unpark()
    throw error
  }
  const servers = Object.entries(options.mcpServers ?? {})
    .filter(([, config]) => config?.type === 'sdk')
    .map(([name]) => name)
  return new SpareProcess(query, servers, unpark)
}

/** `<config home>/spares/spare-XXXXXX`, made private to this user. */
async function parkingDirectory(env) {
  const configHome = env === undefined
    ? (process.env.CLAUDE_CONFIG_DIR ?? join(homedir(), '.claude')).normalize('NFC')
    : env.CLAUDE_CONFIG_DIR?.trim() || join(env.HOME?.trim() || homedir(), '.claude')
  const home = isAbsolute(configHome) ? configHome : join(homedir(), '.claude')
  if (!isAbsolute(home)) {
    throw new Error(
      'prewarm(): no absolute config home to park the spare under (neither CLAUDE_CONFIG_DIR nor HOME gives an absolute path); set one of them to an absolute path or pass options.cwd',
    )
  }
  const spares = join(home, 'spares')
  await mkdir(spares, { recursive: true, mode: 0o700 })
  return mkdtemp(join(spares, 'spare-'))
}

/** A parked process, claimed once with `claim()` or discarded with `close()`. */
class SpareProcess {
  #query
  #servers
  #unpark
  #settle
  #released = null
  #claimStarted = false
  #closed = false
  #exited = false

  constructor(query, servers, unpark) {
    this.#query = query
    this.#servers = servers
    this.#unpark = unpark
    /** Settles once the claim and the settings sent with it are answered. */
    this.claimed = new Promise((resolve, reject) => {
      this.#settle = { resolve, reject }
    })
    this.claimed.catch(() => {})
    /** Settles when the process exits, claimed or not. */
    this.exited = query[NATIVE].exited().then(() => undefined, () => undefined)
    void this.exited.then(() => {
      if (this.#claimStarted) return
      this.#exited = true
      this.#settle.reject(new Error('spare_exited: the spare process exited before it was claimed'))
      void this.#release()
    })
  }

  /** Waits for the process to exit, then removes the parking directory. */
  #release() {
    this.#released ??= this.exited.then(this.#unpark)
    return this.#released
  }

  /** Binds the spare to a session and sends its prompt; returns the session's Query. */
  claim({ prompt, options } = {}) {
    if (this.#claimStarted) throw new Error('SpareProcess.claim() can only be called once')
    if (this.#closed || this.#exited) {
      throw new Error('SpareProcess.claim(): the spare was closed or has exited; start the session with query()')
    }
    if (typeof prompt !== 'string' && typeof prompt?.[Symbol.asyncIterator] !== 'function') {
      throw new TypeError('prompt must be a string or an AsyncIterable of user messages')
    }
    const text = JSON.stringify({ ...options, agents: agentsWithoutInstances(options?.agents) })
    try {
      native.checkSpareClaim(text, this.#servers)
    } catch (error) {
      if (!error.message.startsWith('SpareProcess.claim(): hook settings')) throw new Error(error.message)
      throw telemetrySafe(error.message, 'SpareProcess.claim(): hook settings cannot be applied at claim')
    }
    this.#claimStarted = true
    const q = this.#query
    const settings = options?.settings !== undefined
    const written = q[NATIVE].claimSpare(text, this.#servers)
    const outcome = written.then((answers) => answers.outcome()).then((answer) => JSON.parse(answer))
    q[HOLD](written, outcome)
    // Without settings the prompt goes out right behind the claim's requests; with them, once
    // the claim and the settings are accepted.
    if (!settings) void written.then(() => this.#closed || q.feed(prompt))
    outcome
      .then((answer) => this.#answered(answer, prompt, settings))
      .catch((error) => this.#settle.reject(error))
    return q
  }

  #answered(outcome, prompt, settings) {
    const q = this.#query
    if (outcome.refused) {
      // A prompt already sent is answered with the CLI's `not_claimed` result; then the
      // spare's input ends and it exits.
      q[NATIVE].endPrompt()
      void this.#release()
      this.#settle.reject(fromRecord(outcome.refused))
      return
    }
    void this.#unpark()
    const answer = outcome.claimed ?? outcome.answer
    const claim = {
      cwd: answer.cwd ?? outcome.cwd,
      sessionId: answer.session_id,
      parkedMs: answer.parked_ms,
      sdkMcpSettled: answer.sdk_mcp_settled,
    }
    if (outcome.settingsRefused) {
      this.#closed = true
      q.close()
      this.#settle.reject(Object.assign(telemetrySafe(outcome.settingsRefused, 'settings_not_applied'), { claim }))
      return
    }
    if (settings && !this.#closed) q.feed(prompt)
    if (outcome.optionsRefused) {
      this.#settle.reject(Object.assign(telemetrySafe(outcome.optionsRefused, 'option_not_applied'), { claim }))
    } else {
      this.#settle.resolve(claim)
    }
  }

  /** Stops the process: before a claim it discards the spare; after one it closes the Query. */
  close() {
    if (this.#closed) return
    this.#closed = true
    this.#query.close()
    if (!this.#claimStarted) this.#settle.reject(new Error('spare_closed: the spare was closed before it was claimed'))
    void this.#release()
  }

  async [Symbol.asyncDispose]() {
    this.close()
    await this.#release()
  }
}

