// Loads the addon built for this platform (`claude-wire.<platform>.node`, next to this file),
// and wraps the dispatchers the addon calls back into.
import { createRequire } from 'node:module'
import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'

const here = dirname(fileURLToPath(import.meta.url))
const require = createRequire(import.meta.url)

function libc() {
  if (process.platform !== 'linux') return ''
  const report = process.report?.getReport?.()
  return report?.header?.glibcVersionRuntime ? '-gnu' : '-musl'
}

function load() {
  const wanted = `claude-wire.${process.platform}-${process.arch}${libc()}.node`
  const found = readdirSync(here).filter((name) => name.endsWith('.node'))
  const file = found.includes(wanted) ? wanted : undefined
  if (!file) {
    throw new Error(
      `claude-wire: no native addon for ${process.platform}-${process.arch}${libc()} ` +
        `(looked for ${wanted} in ${here}; found ${found.join(', ') || 'none'})`,
    )
  }
  return require(join(here, file))
}

const native = load()
export default native

/** The message of anything thrown (an `Error`'s message, else its text). */
export function messageOf(error) {
  return error instanceof Error ? error.message : String(error)
}

/** A callback's failure as the answer the addon expects: `{"error": message}` as JSON text. */
export function errorAnswer(error) {
  return JSON.stringify({ error: messageOf(error) })
}

/**
 * A dispatcher as the addon takes it: `dispatch([kind, index, payload, id])` runs a callback and
 * resolves to its JSON answer, which goes back with `settleCallback(id, answer)` (call id 0 is a
 * notification and gets no answer). Never throws or rejects: the addon calls it on its own.
 */
export function answering(dispatch) {
  return (args) => {
    const id = args[3]
    let answer
    try {
      answer = dispatch(args)
    } catch (error) {
      answer = Promise.reject(error)
    }
    if (id === 0) {
      Promise.resolve(answer).catch(() => {})
      return
    }
    const settle = (text) => {
      try {
        native.settleCallback(id, text)
      } catch (error) {
        // Only an answer that is not a string gets here; the call must still end.
        native.settleCallback(id, errorAnswer(String(error)))
      }
    }
    Promise.resolve(answer).then(settle, (error) => settle(errorAnswer(error)))
  }
}
