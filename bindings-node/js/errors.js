// The official SDK's error classes, and the core's error records turned into them.
import native from './native.js'

/** Thrown when a query is aborted (its `abortController` fired). */
export class AbortError extends Error {}

/** The MCP SDK's error for a JSON-RPC error answer (`code`), as a tool's `extra` throws it. */
class McpError extends Error {
  constructor(message) {
    super(message)
    this.name = 'McpError'
    this.data = undefined
  }
}

/** The MCP SDK's error for a request its caller cancelled. */
export function cancelledRequest() {
  const error = new McpError('MCP error -32000: Request was cancelled')
  error.code = -32000
  return error
}

/**
 * The MCP SDK's error for a request whose caller's signal aborted it: the reason itself when it
 * is an `McpError`, else one with the request-timeout code that quotes the reason.
 */
export function abortedRequest(reason) {
  if (reason instanceof McpError) return reason
  const error = new McpError(`MCP error -32001: ${String(reason)}`)
  error.code = -32001
  return error
}

/** The JS classes an error record may name (`class`). */
const CLASSES = { Error, ReferenceError, AbortError, McpError }

/** The core's records of the error an aborted query throws, and of one aborted before it began. */
const { ABORT_ERROR, ABORTED_BEFORE_START } = native.constants()

/**
 * An error record from the native side (`{kind, message, exitCode?, stderr?, errorCode?,
 * class?, errorClass?, telemetryMessage?, code?, signal?, extra?}`) as the Error the official
 * SDK throws: same class, message and properties (`extra`'s in its order).
 */
export function fromRecord(record) {
  const error = new (CLASSES[record.class] ?? Error)(record.message)
  if (record.exitCode !== undefined) error.exitCode = record.exitCode
  if (record.stderr !== undefined) error.stderr = record.stderr
  if (record.errorCode !== undefined) error.errorCode = record.errorCode
  for (const key of ['telemetryMessage', 'errorClass', 'code', 'signal']) {
    if (record[key] !== undefined) error[key] = record[key]
  }
  if (record.extra) Object.assign(error, record.extra)
  Object.defineProperty(error, 'kind', { value: record.kind, enumerable: false })
  return error
}

/** The AbortError a query throws once its controller aborted (`started`: while it ran). */
export function aborted(started = true) {
  return fromRecord(started ? ABORT_ERROR : ABORTED_BEFORE_START)
}

/**
 * An Error as the official SDK's telemetry-safe errors are: a `telemetryMessage` without user
 * data, an `errorClass` (unset here) and the name `TelemetrySafeError`, all own properties.
 */
export function telemetrySafe(message, telemetryMessage) {
  const error = new Error(message)
  error.telemetryMessage = telemetryMessage
  error.errorClass = undefined
  error.name = 'TelemetrySafeError'
  return error
}
