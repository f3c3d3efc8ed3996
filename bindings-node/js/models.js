// `matchDeniedModels()`: which models a managed `deniedModels` list blocks (the core's rule).
import native from './native.js'

/** A list's entries for the native side: names as they are, anything else as its type. */
function entries(list) {
  return list.map((item) => (typeof item === 'string' ? item : { type: item === null ? 'null' : typeof item }))
}

/** Says which of `models` the list blocks, without starting the CLI; never throws. */
export async function matchDeniedModels(models, deniedModels) {
  const denied = deniedModels === undefined || deniedModels === null ? null : Array.isArray(deniedModels) ? entries(deniedModels) : false
  return native.matchDeniedModels(Array.isArray(models) ? entries(models) : null, denied)
}
