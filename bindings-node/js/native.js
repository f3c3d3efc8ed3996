// Loads the addon built for this platform (`claude-wire.<platform>.node`, next to this file).
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

export default load()
