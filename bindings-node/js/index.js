// claude-wire: the official Claude Agent SDK's API for Node, over the claude-wire Rust core.
import native from './native.js'

export { query, startup } from './query.js'
export { prewarm } from './prewarm.js'
export { matchDeniedModels } from './models.js'
export { filterEscalatingDefaultMode } from './settings.js'
export { DirectConnectError, DirectConnectTransport, parseDirectConnectUrl } from './direct.js'
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

// Plain arrays and objects, as the official SDK exports them (not frozen).
/** Every hook event, in the official order. */
export const HOOK_EVENTS = constants.HOOK_EVENTS
/** Why a session ended, as `SessionEnd` hooks report it. */
export const EXIT_REASONS = constants.EXIT_REASONS
/** The marker between the static and the dynamic part of a system prompt. */
export const SYSTEM_PROMPT_DYNAMIC_BOUNDARY = constants.SYSTEM_PROMPT_DYNAMIC_BOUNDARY
/** The CLI's built-in tool names. */
export const BUILTIN_TOOL_NAMES = constants.BUILTIN_TOOL_NAMES
/** Older tool names the CLI still accepts → the tool each names now. */
export const LEGACY_TOOL_NAME_ALIASES = constants.LEGACY_TOOL_NAME_ALIASES
/** How messages about an organisation policy limit start. */
export const ORG_POLICY_LIMIT_PREFIXES = constants.ORG_POLICY_LIMIT_PREFIXES
/** How usage-limit error messages start. */
export const USAGE_LIMIT_ERROR_PREFIXES = constants.USAGE_LIMIT_ERROR_PREFIXES
/** How messages about switching to paid usage start. */
export const USAGE_TRANSITION_PREFIXES = constants.USAGE_TRANSITION_PREFIXES
/** How usage warnings start. */
export const USAGE_WARNING_PREFIXES = constants.USAGE_WARNING_PREFIXES
