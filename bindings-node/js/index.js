// claude-wire: the official Claude Agent SDK's API for Node, over the claude-wire Rust core.
import native from './native.js'

export { query, startup } from './query.js'
export { SessionPool } from './pool.js'
export { tool, createSdkMcpServer } from './mcp.js'
export { AbortError } from './errors.js'
export {
  listSessions,
  getSessionInfo,
  getSessionMessages,
  listSubagents,
  getSubagentMessages,
  forkSession,
  renameSession,
  tagSession,
  archiveSession,
  unarchiveSession,
  deleteSession,
  importSessionToStore,
  foldSessionSummary,
  InMemorySessionStore,
} from './sessions.js'

const constants = native.constants()

/** Every hook event, in the official order. */
export const HOOK_EVENTS = Object.freeze(constants.HOOK_EVENTS)
/** Why a session ended, as `SessionEnd` hooks report it. */
export const EXIT_REASONS = Object.freeze(constants.EXIT_REASONS)
/** The marker between the static and the dynamic part of a system prompt. */
export const SYSTEM_PROMPT_DYNAMIC_BOUNDARY = constants.SYSTEM_PROMPT_DYNAMIC_BOUNDARY
