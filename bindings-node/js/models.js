// `matchDeniedModels()`: which models a managed `deniedModels` list blocks (the core's rule).
import native from './native.js'

/** An entry for the native side: a name as it is, anything else as its type. */
const entry = (item) => (typeof item === 'string' ? item : { type: item === null ? 'null' : typeof item })

/** Says which of `models` the list blocks, without starting the CLI; never throws. */
export async function matchDeniedModels(models, deniedModels) {
  // Holes in `deniedModels` count as `undefined` entries; holes in `models` stay holes.
  const denied = deniedModels === undefined || deniedModels === null ? null : Array.isArray(deniedModels) ? Array.from(deniedModels, entry) : false
  if (!Array.isArray(models)) return native.matchDeniedModels(null, denied)
  const present = []
  for (let i = 0; i < models.length; i++) if (i in models) present.push(i)
  const answer = native.matchDeniedModels(present.map((i) => entry(models[i])), denied)
  if (present.length === models.length) return answer
  const out = new Array(models.length)
  present.forEach((i, k) => {
    out[i] = answer.denied[k]
  })
  return { denied: out, warnings: answer.warnings }
}
