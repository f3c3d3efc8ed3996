// Splits the official `Options` object into the data the core decodes (JSON, in the official
// spelling, with callbacks as handles) and the callbacks themselves.
import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import native from './native.js'
import { SdkMcpServer } from './mcp.js'
import { storeMethods } from './sessions.js'

const require = createRequire(import.meta.url)

/** Fields that are not data: used by this layer, or callbacks passed beside the data. */
const CALLBACKS = ['canUseTool', 'stderr', 'onElicitation', 'onUserDialog']
const LOCAL = new Set(['abortController', 'sessionStore'])

/**
 * `{ setup, callbacks }`: `setup` is the JSON text for the native side; `callbacks` holds the
 * functions it refers to (`hooks[i]`, `servers[i]`, `store`, and the named ones). `startup`
 * (`{ limitMs }`) makes a session started ahead of its prompt (`startup()`).
 */
export function prepare(options = {}, startup = undefined) {
  const callbacks = { hooks: [], servers: [] }
  if (options.sessionStore !== undefined && options.sessionStore !== null) {
    callbacks.store = options.sessionStore
  }
  const data = {}
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined || LOCAL.has(key)) continue
    if (key === 'spawnClaudeCodeProcess') {
      if (typeof value !== 'function') throw new TypeError(`options.${key} must be a function`)
      callbacks.spawn = value
    } else if (CALLBACKS.includes(key)) {
      if (typeof value !== 'function') throw new TypeError(`options.${key} must be a function`)
      callbacks[key] = value
    } else if (key === 'hooks') {
      data.hooks = hookData(value, callbacks.hooks)
    } else if (key === 'agents') {
      data.agents = agentsWithoutInstances(value)
    } else if (key === 'mcpServers') {
      data.mcpServers = serverData(value, (instance) => callbacks.servers.push(instance) - 1)
    } else if (key === 'env' && value !== null && typeof value === 'object') {
      // As `child_process.spawn` takes them: any value as its text, `undefined` left out.
      data.env = Object.fromEntries(
        Object.entries(value).flatMap(([name, v]) => (v === undefined ? [] : [[name, String(v)]])),
      )
    } else if (key === 'cwd' && value instanceof URL) {
      data.cwd = fileURLToPath(value)
    } else {
      data[key] = value
    }
  }
  const spec = {
    ...Object.fromEntries(CALLBACKS.map((name) => [name, callbacks[name] !== undefined])),
    hooks: callbacks.hooks.length,
    servers: callbacks.servers.map((server) => server.describe()),
    store: callbacks.store === undefined ? null : storeMethods(callbacks.store),
  }
  const spawn = callbacks.spawn !== undefined
  const setup = JSON.stringify({ data, callbacks: spec, packageDirs: cliPackageDirs(), spawn, startup })
  return { setup, callbacks }
}

function hookData(hooks, functions) {
  const out = {}
  for (const [event, matchers] of Object.entries(hooks)) {
    if (!Array.isArray(matchers)) {
      out[event] = matchers
      continue
    }
    out[event] = matchers.map((matcher) => ({
      ...matcher,
      hooks: (matcher?.hooks ?? []).map((fn) => {
        if (typeof fn !== 'function') return fn
        functions.push(fn)
        return { $hook: functions.length - 1 }
      }),
    }))
  }
  return out
}

/**
 * The MCP server configs with each in-process server's instance replaced by the handle
 * `register(instance)` gives it.
 */
export function serverData(servers, register) {
  const out = {}
  for (const [name, config] of Object.entries(servers)) {
    if (config?.type === 'sdk' && config.instance instanceof SdkMcpServer) {
      out[name] = { ...config, instance: { $server: register(config.instance) } }
    } else {
      out[name] = config
    }
  }
  return out
}

let packageDirs
/** Directories of the installed npm packages that carry the CLI (resolved once). */
export function cliPackageDirs() {
  if (packageDirs === undefined) {
    packageDirs = []
    for (const name of native.cliPackageNames()) {
      try {
        packageDirs.push(dirname(require.resolve(`${name}/package.json`)))
      } catch {
        // Not installed (optional dependency of another platform, or --omit=optional).
      }
    }
  }
  return packageDirs
}

/**
 * Agent definitions with each in-process MCP server (which works only in the top-level
 * `mcpServers` option) replaced by its name, with the official warning.
 */
export function agentsWithoutInstances(agents) {
  if (agents === null || typeof agents !== 'object') return agents
  let changed = false
  const out = {}
  for (const [agent, definition] of Object.entries(agents)) {
    if (!Array.isArray(definition?.mcpServers)) {
      out[agent] = definition
      continue
    }
    const servers = definition.mcpServers.map((entry) => {
      if (typeof entry !== 'object' || entry === null) return entry
      return Object.fromEntries(Object.entries(entry).map(([name, config]) => {
        if (config?.type !== 'sdk' || !('instance' in config)) return [name, config]
        changed = true
        process.emitWarning(
          `Agent "${agent}": MCP server "${name}" in its mcpServers was ignored, because a createSdkMcpServer() server works only in the top-level mcpServers option. Move it there and, if the agent has a tools list, add mcp__${name} to it. This will be an error in a later release.`,
          { code: 'CLAUDE_SDK_AGENT_IN_PROCESS_SERVER' },
        )
        return [name, { type: 'sdk', name: config.name ?? name }]
      }))
    })
    out[agent] = { ...definition, mcpServers: servers }
  }
  return changed ? out : agents
}
