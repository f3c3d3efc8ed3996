// `filterEscalatingDefaultMode()`: the trust filter Claude Code applies to an escalating
// `permissions.defaultMode` from settings (the modes and tiers are the core's).
import native from './native.js'

/** Escalating default mode → the settings tiers not trusted to set it. */
const UNTRUSTED = native.constants().UNTRUSTED_DEFAULT_MODE_SOURCES

/**
 * `resolved.effective`, without `permissions.defaultMode` when that mode is escalating and the
 * tier that last set one is not trusted with it; the same object when nothing is dropped.
 */
export function filterEscalatingDefaultMode(resolved) {
  const mode = resolved.effective.permissions?.defaultMode
  if (!mode || !Object.hasOwn(UNTRUSTED, mode)) return resolved.effective
  for (let i = resolved.sources.length - 1; i >= 0; i--) {
    const source = resolved.sources[i]
    if (source.settings.permissions?.defaultMode === undefined) continue
    if (!UNTRUSTED[mode].includes(source.source)) return resolved.effective
    const { defaultMode, ...permissions } = resolved.effective.permissions ?? {}
    void defaultMode
    return { ...resolved.effective, permissions }
  }
  return resolved.effective
}
