// The direct-connect transport of the official SDK: a Claude Code session served by a remote
// server (`cc://host:port/token`), created over HTTP (`POST /sessions`), its stream-json frames
// carried over a WebSocket. Node's own `fetch` and `WebSocket` (global from Node 22; Node 20
// needs `--experimental-websocket`) do the networking.
import { AbortError } from './errors.js'

/** How long the WebSocket may take to open. */
const CONNECT_TIMEOUT_MS = 15_000

/** A direct-connect failure; `code` names the failed step where there is one. */
export class DirectConnectError extends Error {
  code
  constructor(message, code) {
    super(message)
    this.name = 'DirectConnectError'
    this.code = code
  }
}

/** `{serverUrl, authToken}` of a `cc://host[:port][/token]` or an http(s) server address. */
export function parseDirectConnectUrl(url) {
  if (url.startsWith('cc://')) {
    const parsed = new URL(`http://${url.slice('cc://'.length)}`)
    return { serverUrl: `http://${parsed.host}`, authToken: parsed.pathname.slice(1) || undefined }
  }
  if (url.startsWith('cc+unix://')) {
    throw new DirectConnectError('Unix socket connect (cc+unix://) is not supported by the SDK transport')
  }
  const parsed = new URL(/^https?:\/\//i.test(url) ? url : `http://${url}`)
  return { serverUrl: `${parsed.protocol}//${parsed.host}`, authToken: undefined }
}

/** A queue of frames read once, in order, as an async iterator. */
class Frames {
  #queue = []
  #waiting = null
  #done = false
  #started = false

  next() {
    if (this.#queue.length > 0) return Promise.resolve({ done: false, value: this.#queue.shift() })
    if (this.#done) return Promise.resolve({ done: true, value: undefined })
    return new Promise((resolve) => {
      this.#waiting = resolve
    })
  }

  [Symbol.asyncIterator]() {
    if (this.#started) throw new Error('Stream can only be iterated once')
    this.#started = true
    return this
  }

  push(frame) {
    const waiting = this.#waiting
    this.#waiting = null
    if (waiting) waiting({ done: false, value: frame })
    else this.#queue.push(frame)
  }

  end() {
    this.#done = true
    const waiting = this.#waiting
    this.#waiting = null
    waiting?.({ done: true, value: undefined })
  }

  return() {
    this.#done = true
    return Promise.resolve({ done: true, value: undefined })
  }
}

/**
 * A transport to a session on a direct-connect server: `{serverUrl, authToken?, cwd?,
 * sessionKey?, permissionMode?, deleteSessionOnClose?, abortController?}`. It starts
 * connecting at once; `ready` settles when the WebSocket is open.
 */
export class DirectConnectTransport {
  #options
  #ws = null
  #sessionId
  #workDir
  #abortController
  #open = false
  #closed = false
  #error = null
  #frames = new Frames()
  #partial = []
  #ready
  #settle
  #onAbort = null

  constructor(options) {
    this.#options = options
    this.#abortController = options.abortController ?? new AbortController()
    this.#ready = new Promise((resolve, reject) => {
      this.#settle = { resolve, reject }
    })
    this.#ready.catch(() => {})
    void this.#connect()
  }

  get ready() {
    return this.#ready
  }

  getSessionId() {
    return this.#sessionId
  }

  getWorkDir() {
    return this.#workDir
  }

  async #connect() {
    if (this.#abortController.signal.aborted) {
      this.#fail(new AbortError('Connection aborted'))
      return
    }
    this.#onAbort = () => {
      this.close()
      this.#error = new AbortError('Connection aborted by user')
    }
    this.#abortController.signal.addEventListener('abort', this.#onAbort)
    let wsUrl
    try {
      const session = await createSession(this.#options)
      this.#sessionId = session.sessionId
      this.#workDir = session.workDir
      wsUrl = session.wsUrl
    } catch (error) {
      this.#fail(error instanceof Error ? error : new Error(String(error)))
      return
    }
    if (this.#closed) {
      if (this.#options.deleteSessionOnClose && this.#sessionId) void deleteSession(this.#options, this.#sessionId)
      return
    }
    const headers = {}
    if (this.#options.authToken) headers.authorization = `Bearer ${this.#options.authToken}`
    const ws = new WebSocket(wsUrl, { headers })
    this.#ws = ws
    const timer = setTimeout(() => {
      if (this.#open) return
      ws.close()
      const error = new DirectConnectError(`WebSocket connection timeout after ${CONNECT_TIMEOUT_MS}ms`)
      this.#error = error
      this.#settle.reject(error)
    }, CONNECT_TIMEOUT_MS)
    ws.addEventListener('open', () => {
      clearTimeout(timer)
      this.#open = true
      this.#settle.resolve()
    })
    ws.addEventListener('message', (event) => this.#received(typeof event.data === 'string' ? event.data : ''))
    ws.addEventListener('error', () => {
      clearTimeout(timer)
      const error = new DirectConnectError('WebSocket connection error')
      this.#error = error
      this.#settle.reject(error)
      this.#frames.end()
    })
    ws.addEventListener('close', (event) => {
      this.#open = false
      this.#closed = true
      if (event.code !== 1000 && event.code !== 1001 && !this.#error) {
        this.#error = new DirectConnectError(`WebSocket closed abnormally: ${event.code} ${event.reason}`)
      }
      this.#frames.end()
    })
  }

  /** Frames may be cut anywhere: whole lines are parsed, the rest waits for the next. */
  #received(text) {
    if (!text.includes('\n')) {
      if (text) this.#partial.push(text)
      return
    }
    const lines = (this.#partial.join('') + text).split('\n')
    this.#partial.length = 0
    const rest = lines.pop() ?? ''
    if (rest) this.#partial.push(rest)
    for (const line of lines) {
      if (!line) continue
      try {
        this.#frames.push(JSON.parse(line))
      } catch {
        // A malformed line is dropped; the session goes on.
      }
    }
  }

  #fail(error) {
    this.#error = error
    this.#closed = true
    this.#settle.reject(error)
    this.#frames.end()
  }

  /** Sends one frame's text (newline included) once the WebSocket is open. */
  async write(data) {
    if (this.#abortController.signal.aborted) throw new AbortError('Operation aborted')
    if (!this.#open) await this.#ready
    if (!this.#ws || this.#ws.readyState !== WebSocket.OPEN) {
      throw new DirectConnectError('Transport is not ready for writing')
    }
    this.#ws.send(data)
  }

  isReady() {
    return this.#open && this.#ws?.readyState === WebSocket.OPEN
  }

  /** The server ends the session's input itself. */
  endInput() {}

  [Symbol.dispose]() {
    this.close()
  }

  /** Closes the WebSocket (and deletes the session when asked to); once. */
  close() {
    if (this.#closed) return
    this.#closed = true
    this.#open = false
    if (this.#onAbort) {
      this.#abortController.signal.removeEventListener('abort', this.#onAbort)
      this.#onAbort = null
    }
    if (!this.#abortController.signal.aborted) this.#abortController.abort()
    if (this.#ws && this.#ws.readyState === WebSocket.OPEN) this.#ws.close(1000, 'Normal closure')
    this.#frames.end()
    if (this.#options.deleteSessionOnClose && this.#sessionId) void deleteSession(this.#options, this.#sessionId)
  }

  /** The session's frames as they arrive; throws what ended the connection, if anything. */
  async *readMessages() {
    yield* this.#frames
    if (this.#error) throw this.#error
  }
}

/** `POST {serverUrl}/sessions`: the new session's id, WebSocket address and folder. */
async function createSession(options) {
  const headers = { 'content-type': 'application/json' }
  if (options.authToken) headers.authorization = `Bearer ${options.authToken}`
  const body = {}
  if (options.cwd) body.cwd = options.cwd
  if (options.sessionKey) body.session_key = options.sessionKey
  if (options.permissionMode) body.permission_mode = options.permissionMode
  let response
  try {
    response = await fetch(`${options.serverUrl}/sessions`, { method: 'POST', headers, body: JSON.stringify(body) })
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new DirectConnectError(`Failed to connect to server at ${options.serverUrl}: ${reason}`, 'session_create_failed')
  }
  if (!response.ok) {
    const text = await response.text().catch(() => '')
    const detail = text ? ` — ${text}` : ''
    throw new DirectConnectError(`Failed to create session: ${response.status} ${response.statusText}${detail}`, 'session_create_failed')
  }
  const answer = await response.json()
  const problems = sessionProblems(answer)
  if (problems.length > 0) {
    throw new DirectConnectError(`Invalid session response: ${JSON.stringify(problems, null, 2)}`, 'session_create_invalid_response')
  }
  return { sessionId: answer.session_id, wsUrl: answer.ws_url, workDir: answer.work_dir }
}

/** What is wrong with a `POST /sessions` answer, as schema issues (none when it is right). */
function sessionProblems(answer) {
  const received = (value) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value)
  if (answer === null || typeof answer !== 'object' || Array.isArray(answer)) {
    return [{ expected: 'object', code: 'invalid_type', path: [], message: `Invalid input: expected object, received ${received(answer)}` }]
  }
  const fields = [['session_id', true], ['ws_url', true], ['work_dir', false], ['session_key', false]]
  return fields
    .filter(([key, required]) => typeof answer[key] !== 'string' && (required || answer[key] !== undefined))
    .map(([key]) => ({
      expected: 'string',
      code: 'invalid_type',
      path: [key],
      message: `Invalid input: expected string, received ${received(answer[key])}`,
    }))
}

/** `DELETE {serverUrl}/sessions/{id}`, failures ignored. */
async function deleteSession(options, sessionId) {
  const headers = {}
  if (options.authToken) headers.authorization = `Bearer ${options.authToken}`
  try {
    await fetch(`${options.serverUrl}/sessions/${sessionId}`, { method: 'DELETE', headers })
  } catch {
    // The session ends with the server anyway.
  }
}
