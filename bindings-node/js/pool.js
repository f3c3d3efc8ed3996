// `SessionPool`: CLIs started and initialized ahead of the queries that use them (a claude-wire
// addition; the official SDK's `startup()` warms one). Every rule is the core's pool.
import native, { answering } from './native.js'
import { prepare } from './options.js'
import { fromRecord } from './errors.js'
import { Query, runCallback } from './query.js'

/**
 * Keeps `size` CLIs started with `options`; each `query()` takes one (used once) and a
 * replacement starts in the background. Per-query `options` may differ only in `model`,
 * `permissionMode` and `maxThinkingTokens` (set by control request after the claim); any other
 * difference throws, naming the option. `close()` (or `await using`) stops every warm CLI.
 */
export class SessionPool {
  #native
  #callbacks
  #calls = new Map()
  #dispatch = answering(([kind, index, payload, id]) =>
    runCallback(this.#callbacks, this.#calls, kind, index, payload, id),
  )

  constructor({ options = {}, size = 1, idleTimeoutMs } = {}) {
    const { setup, callbacks } = prepare(options)
    this.options = options
    this.#callbacks = callbacks
    this.#native = new native.NativePool(setup, size, idleTimeoutMs ?? null, this.#dispatch, (id) =>
      this.#calls.get(id)?.abort(),
    )
  }

  /** A query on a warm CLI, as `query({ prompt, options })`. */
  query({ prompt, options } = {}) {
    let claim = null
    if (options !== undefined && options !== this.options) {
      claim = prepare(options).setup
      const answer = JSON.parse(this.#native.check(claim))
      if (answer.error) throw fromRecord(answer.error)
    }
    return new Query(prompt, options ?? {}, (text, dispatch, abort) =>
      this.#native.query(text, claim, dispatch, abort),
    )
  }

  /** `{ warm, starting, waiting, claimed, replaced, expired, failedStarts, closed }`. */
  stats() {
    return this.#native.stats()
  }

  /** Process ids of the warm CLIs. */
  warmPids() {
    return this.#native.warmPids()
  }

  /** Refuses further claims and stops every warm CLI; resolves once they are reaped. */
  close() {
    return this.#native.close()
  }

  async [Symbol.asyncDispose]() {
    await this.close()
  }
}
