#!/usr/bin/env node
// `npx claude-wire install-cli [--version V] [--force]`: fetch the pinned Claude Code CLI into
// the claude-wire cache. `npx claude-wire find-cli`: print the CLI sessions would run.
import native from './native.js'
import { cliPackageDirs } from './options.js'

const [command, ...rest] = process.argv.slice(2)
const flag = (name) => rest.includes(name)
const value = (name) => {
  const i = rest.indexOf(name)
  return i >= 0 ? rest[i + 1] : undefined
}

try {
  if (command === 'install-cli') {
    console.log(await native.installCli(value('--version'), flag('--force')))
  } else if (command === 'find-cli') {
    console.log(native.findCli(value('--path'), cliPackageDirs()))
  } else {
    console.error('usage: claude-wire install-cli [--version V] [--force] | find-cli [--path P]')
    process.exitCode = 2
  }
} catch (error) {
  console.error(`claude-wire: ${error.message}`)
  process.exitCode = 1
}
