// The official SDK's error classes, and the core's error records turned into them.

/** Thrown when a query is aborted (its `abortController` fired). */
export class AbortError extends Error {}

/**
 * An error record from the native side (`{kind, message, exitCode?, stderr?, errorCode?}`) as
 * the Error the official SDK throws: same class and message; the record's details are kept as
 * extra properties.
 */
export function fromRecord(record) {
  const error = new Error(record.message)
  if (record.exitCode !== undefined) error.exitCode = record.exitCode
  if (record.stderr !== undefined) error.stderr = record.stderr
  if (record.errorCode !== undefined) error.errorCode = record.errorCode
  Object.defineProperty(error, 'kind', { value: record.kind, enumerable: false })
  return error
}

/** The AbortError a query throws once its controller aborted. */
export function aborted() {
  return new AbortError('Claude Code process aborted by user')
}
