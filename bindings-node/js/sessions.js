// The official session functions: sessions on disk and in session stores. Every rule is the
// core's; these functions convert arguments, run the store's methods when the core asks, and
// throw the core's errors as the official SDK does.
import native, { answering, errorAnswer, messageOf } from './native.js'
import { fromRecord } from './errors.js'

const OPTIONAL_STORE_METHODS = ['listSessions', 'listSessionSummaries', 'delete', 'listSubkeys']
const STORE_METHODS = ['append', 'load', ...OPTIONAL_STORE_METHODS]

function unwrap(text) {
  const answer = JSON.parse(text)
  if (answer.error) throw fromRecord(answer.error)
  return answer.ok
}

/** Which optional methods `store` has (the core refuses a call that needs a missing one). */
export function storeMethods(store) {
  return OPTIONAL_STORE_METHODS.filter((name) => typeof store?.[name] === 'function')
}

/** Runs the store method the core asks for: `payload` is `{method, args}` as JSON text. */
export async function runStoreMethod(store, payload, thrown) {
  try {
    const { method, args } = JSON.parse(payload)
    const value = await store[method](...args)
    // `undefined` (append, delete, a missing load) is JSON `null`.
    return JSON.stringify({ ok: value ?? null })
  } catch (error) {
    thrown?.push(error)
    return errorAnswer(error)
  }
}

async function call(method, args) {
  const { sessionStore, ...rest } = args
  if (sessionStore === undefined || sessionStore === null) {
    return unwrap(await native.sessionsCall(method, JSON.stringify(rest)))
  }
  if (sessionStore instanceof InMemorySessionStore && sessionStore.pristine) {
    return unwrap(await sessionStore.native.sessionsCall(method, JSON.stringify(rest)))
  }
  const thrown = []
  const answer = JSON.parse(
    await native.sessionsCallStore(
      method,
      JSON.stringify(rest),
      storeMethods(sessionStore),
      answering(([, , payload]) => runStoreMethod(sessionStore, payload, thrown)),
      () => {},
    ),
  )
  if (answer.error) {
    // A store's own error propagates as it was thrown, as in the official SDK.
    const own = answer.error.kind === 'store' ? thrown.find((e) => messageOf(e) === answer.error.message) : undefined
    throw own ?? fromRecord(answer.error)
  }
  return answer.ok
}

/**
 * A session's metadata as the official SDK gives it: every key there, `undefined` where the
 * value is unknown (the core's `null`; no value of it is ever `null`).
 */
function sessionInfo(info) {
  for (const key in info) if (info[key] === null) info[key] = undefined
  return info
}

/** Sessions of a project directory (and its git worktrees) or of every project, newest first. */
export async function listSessions(options = {}) {
  return (await call('list_sessions', { ...options })).map(sessionInfo)
}

/** One session's metadata, or `undefined` when there is none. */
export async function getSessionInfo(sessionId, options = {}) {
  const info = await call('get_session_info', { ...options, sessionId })
  return info === null ? undefined : sessionInfo(info)
}

/** The conversation of a session (its main chain). */
export async function getSessionMessages(sessionId, options = {}) {
  return call('get_session_messages', { ...options, sessionId })
}

/** The ids of the subagents a session ran. */
export async function listSubagents(sessionId, options = {}) {
  return call('list_subagents', { ...options, sessionId })
}

/** The conversation of one subagent of a session. */
export async function getSubagentMessages(sessionId, agentId, options = {}) {
  return call('get_subagent_messages', { ...options, sessionId, agentId })
}

/** Copies a session (up to a message, inclusive) into a new session with fresh ids. */
export async function forkSession(sessionId, options = {}) {
  return call('fork_session', { ...options, sessionId })
}

/** Gives a session a custom title. */
export async function renameSession(sessionId, title, options = {}) {
  await call('rename_session', { ...options, sessionId, title })
}

/** Tags a session; `null` clears the tag. */
export async function tagSession(sessionId, tag, options = {}) {
  await call('tag_session', { ...options, sessionId, tag })
}

/** Marks a session archived (kept on disk, still listed with `archived: true`). */
export async function archiveSession(sessionId, options = {}) {
  await call('archive_session', { ...options, sessionId })
}

/** Clears a session's archived mark. */
export async function unarchiveSession(sessionId, options = {}) {
  await call('unarchive_session', { ...options, sessionId })
}

/** Deletes a session's transcript and its subagent transcripts. */
export async function deleteSession(sessionId, options = {}) {
  await call('delete_session', { ...options, sessionId })
}

/** Copies a local session (and by default its subagents) into `store`, in batches. */
export async function importSessionToStore(sessionId, store, options = {}) {
  await call('import_session_to_store', { ...options, sessionId, sessionStore: store })
}

/** Folds appended entries into a session's store summary (stores call it in `append`). */
export function foldSessionSummary(prev, key, entries, options = {}) {
  return unwrap(
    native.sessionsCallSync('fold_session_summary', JSON.stringify({ ...options, prev, key, entries })),
  )
}

/** A session store in this process's memory, for tests and development (the core's). */
export class InMemorySessionStore {
  #native = new native.InMemoryStore()

  /** @internal the native store, used directly while no method is overridden */
  get native() {
    return this.#native
  }

  /** @internal true when no store method is overridden (by a subclass or on the instance) */
  get pristine() {
    return (
      Object.getPrototypeOf(this) === InMemorySessionStore.prototype &&
      !STORE_METHODS.some((name) => Object.hasOwn(this, name))
    )
  }

  async #call(method, args) {
    return unwrap(await this.#native.call(method, JSON.stringify(args)))
  }

  async append(key, entries) {
    await this.#call('append', [key, entries])
  }

  async load(key) {
    return this.#call('load', [key])
  }

  async listSessions(projectKey) {
    return this.#call('listSessions', [projectKey])
  }

  async listSessionSummaries(projectKey) {
    return this.#call('listSessionSummaries', [projectKey])
  }

  async delete(key) {
    await this.#call('delete', [key])
  }

  async listSubkeys(key) {
    return this.#call('listSubkeys', [key])
  }

  /** Every entry at `key` (empty when there is none). */
  getEntries(key) {
    return unwrap(this.#native.getEntries(JSON.stringify(key)))
  }

  /** How many main transcripts the store holds. */
  get size() {
    return this.#native.size()
  }

  /** Forgets everything. */
  clear() {
    this.#native.clear()
  }
}
