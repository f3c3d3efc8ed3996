// The session functions beside the official TS SDK: a session directory written by the real
// pinned CLI (against the scripted model server, in an isolated CLAUDE_CONFIG_DIR), read and
// changed by both packages (changes on copies), stores compared method by method.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { join } from 'node:path'
import * as ours from '../../bindings-node/js/index.js'
import { ModelServer, isolatedEnv, text, toolUse } from '../../bindings-node/js/testing.js'
import { realCli, scratch, collect } from './helpers.mjs'

const skip = realCli ? false : 'the pinned CLI is not fetched (make cli)'
const UNKNOWN = '00000000-0000-4000-8000-000000000000'
const BAD = '../../etc/passwd'
/** The store project key of this process's directory (the CLI's sanitising of a short path). */
const PROCESS_KEY = process.cwd().replace(/[^a-zA-Z0-9]/g, '-')

let fx
/** The official SDK, imported once CLAUDE_CONFIG_DIR is set (it reads it once). */
let official

// ---- helpers ----------------------------------------------------------------------------------

/** What stands for a key whose value is `undefined` (a key JSON would drop). */
const UNSET = '<undefined>'

/**
 * `{ok: value}` or `{error: message}` of calling `fn`; the value as JSON has it, a key set to
 * `undefined` kept as UNSET (SDKSessionInfo has every key, some of them `undefined`).
 */
async function outcome(fn) {
  try {
    const value = await fn()
    const text = JSON.stringify(value, (key, v) => (v === undefined && key !== '' ? UNSET : v))
    return { ok: value === undefined ? undefined : JSON.parse(text) }
  } catch (error) {
    return { error: error?.message ?? String(error) }
  }
}

/**
 * The differences from the official SDK that the core still has (see the report of this
 * change), removed so that everything else is compared:
 *  - deleteSession of an unknown id without `dir`: the official message ends "not found in any
 *    project directory", the core's "not found";
 *  - importSessionToStore without `dir`: the official SDK keys the store entries by the project
 *    key of `process.cwd()`, the core by the session's own project (see PROCESS_KEY below).
 */
function known(name, outcome) {
  if (outcome.error && name === 'deleteSession') {
    return { error: outcome.error.replace(/ not found in any project directory$/, ' not found') }
  }
  return outcome
}

/**
 * `mine` with each `lastModified` that is within 1 ms of the official one set to it: the
 * official SDK takes a file's mtime from Node's float `mtimeMs`, which can round up to the next
 * millisecond; the core floors the exact nanoseconds.
 */
function near(mine, theirs) {
  if (Array.isArray(mine) && Array.isArray(theirs)) return mine.map((v, i) => near(v, theirs[i]))
  if (mine && theirs && typeof mine === 'object' && typeof theirs === 'object') {
    const out = {}
    for (const [k, v] of Object.entries(mine)) {
      const close = k === 'lastModified' && typeof v === 'number' && typeof theirs[k] === 'number' && Math.abs(v - theirs[k]) <= 1
      out[k] = close ? theirs[k] : near(v, theirs[k])
    }
    return out
  }
  return mine
}

/** Calls `name` of both packages with the same arguments; asserts the same outcome. */
async function same(name, ...args) {
  const theirs = known(name, await outcome(() => official[name](...args)))
  const mine = near(known(name, await outcome(() => ours[name](...args))), theirs)
  assert.deepEqual(mine, theirs, `${name}(${JSON.stringify(args)})`)
  // The same keys in the same order, too.
  assert.equal(JSON.stringify(mine), JSON.stringify(theirs), `${name}(${JSON.stringify(args)}): key order`)
  return theirs
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g

/** A copy of `value` with uuids renamed by first appearance (ids in `keep` stay). */
function renamed(value, keep = new Set()) {
  const names = new Map()
  const text = JSON.stringify(value)
  if (text === undefined) return undefined
  return JSON.parse(
    text.replace(UUID, (id) => {
      if (keep.has(id)) return id
      if (!names.has(id)) names.set(id, `<uuid ${names.size}>`)
      return names.get(id)
    }),
  )
}

/** `value` without the keys `drop` at any depth. */
function without(value, drop) {
  if (Array.isArray(value)) return value.map((v) => without(v, drop))
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([k]) => !drop.includes(k)).map(([k, v]) => [k, without(v, drop)]))
  }
  return value
}

/** The lines of a JSONL file. */
const jsonl = (path) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line))

/** The project directory (under the config's projects/) that holds `sessionId`. */
function projectOf(sessionId) {
  const projects = join(fx.config, 'projects')
  for (const name of readdirSync(projects)) {
    if (readdirSync(join(projects, name)).includes(`${sessionId}.jsonl`)) return join(projects, name)
  }
  throw new Error(`no project holds ${sessionId}`)
}

/** A copy of the project of `fx.cwd` as the project of a new directory; returns that directory. */
function copyProject(label) {
  const dir = join(fx.root, label)
  mkdirSync(dir, { recursive: true })
  const name = dir.replace(/[^a-zA-Z0-9]/g, '-')
  cpSync(fx.project, join(fx.config, 'projects', name), { recursive: true })
  return dir
}

/** Waits until the sizes of the files under `dir` stop changing (the CLIs' last writes). */
async function settled(dir) {
  const sizes = () =>
    JSON.stringify(
      readdirSync(dir, { recursive: true }).map((name) => {
        try {
          return [name, statSync(join(dir, name)).size]
        } catch {
          return [name, -1]
        }
      }),
    )
  let before = sizes()
  for (let i = 0; i < 50; i++) {
    await sleep(200)
    const now = sizes()
    if (now === before) return
    before = now
  }
}

/** The options of a real CLI session in `cwd` against `server`, tools allowed. */
function cliOptions(cwd, server) {
  return {
    pathToClaudeCodeExecutable: realCli,
    model: 'claude-sonnet-4-5',
    cwd,
    permissionMode: 'bypassPermissions',
    allowDangerouslySkipPermissions: true,
    env: { ...process.env, ...isolatedEnv(server, fx.root) },
  }
}

/** Runs one CLI session with `prompts` (each sent after the previous result) in `cwd`. */
async function run(cwd, prompts, replies) {
  const server = await ModelServer.start(replies)
  try {
    let next
    const turnOver = () => new Promise((resolve) => (next = resolve))
    async function* turns() {
      for (const [i, content] of prompts.entries()) {
        const done = i + 1 < prompts.length ? turnOver() : null
        yield { type: 'user', message: { role: 'user', content }, parent_tool_use_id: null, session_id: '' }
        if (done) await done
      }
    }
    const q = ours.query({
      prompt: turns(),
      options: cliOptions(cwd, server),
    })
    let sessionId
    for await (const message of q) {
      sessionId ??= message.session_id
      if (message.type === 'result') next?.()
    }
    return sessionId
  } finally {
    await server.close()
  }
}

before(async () => {
  if (!realCli) return
  const root = scratch('cw-sessions-')
  fx = { root, cwd: join(root, 'project'), other: join(root, 'other'), ids: {} }
  mkdirSync(fx.cwd)
  mkdirSync(fx.other)
  const server = await ModelServer.start([])
  fx.config = isolatedEnv(server, root).CLAUDE_CONFIG_DIR
  await server.close()
  // Both packages read the config directory from the environment.
  process.env.CLAUDE_CONFIG_DIR = fx.config
  official = await import('@anthropic-ai/claude-agent-sdk')
  fx.ids.turns = await run(fx.cwd, ['First question', 'Second question', 'Third question'], [
    text('First answer.'),
    text('Second answer.'),
    text('Third answer.'),
  ])
  fx.ids.subagent = await run(fx.cwd, ['Delegate a look around to a subagent'], [
    toolUse('Agent', {
      description: 'Look around',
      prompt: 'SUBAGENT TASK: list what you see',
      subagent_type: 'general-purpose',
      run_in_background: false,
    }),
    { text: 'Subagent report: all quiet.', when: { user_text_contains: 'SUBAGENT' } },
    { text: 'The subagent says all is quiet.', when: { has_tool_result: true } },
  ])
  fx.ids.other = await run(fx.other, ['Hello elsewhere'], [text('Hi from the other project.')])
  fx.project = projectOf(fx.ids.turns)
  await settled(join(fx.config, 'projects'))
  fx.agents = await official.listSubagents(fx.ids.subagent, { dir: fx.cwd })
})

after(() => {
  if (fx && !process.env.CW_KEEP_SESSIONS) rmSync(fx.root, { recursive: true, force: true })
  else if (fx) console.log(`kept ${fx.root}`)
})

// ---- reading --------------------------------------------------------------------------------

test('listSessions: all projects, one project, pages, flags', { skip }, async () => {
  const all = await same('listSessions')
  assert.equal(all.ok.length, 3)
  await same('listSessions', { dir: fx.cwd })
  await same('listSessions', { dir: fx.other, includeWorktrees: false })
  await same('listSessions', { dir: fx.cwd, includeProgrammatic: false })
  for (const [limit, offset] of [[1, 0], [1, 1], [2, 1], [0, 0], [-1, -2], [5, 10]]) {
    await same('listSessions', { limit, offset })
    await same('listSessions', { dir: fx.cwd, limit, offset })
  }
  await same('listSessions', { dir: join(fx.root, 'nowhere') })
})

test('getSessionInfo and getSessionMessages of each session', { skip }, async () => {
  for (const id of Object.values(fx.ids)) {
    const info = await same('getSessionInfo', id)
    assert.equal(info.ok.sessionId, id)
    await same('getSessionInfo', id, { dir: fx.cwd })
    const messages = await same('getSessionMessages', id)
    assert.ok(messages.ok.length >= 2)
    await same('getSessionMessages', id, { dir: fx.cwd })
    await same('getSessionMessages', id, { includeSystemMessages: true })
    for (const [limit, offset] of [[1, 0], [2, 1], [0, 3], [-1, -1], [100, 100]]) {
      await same('getSessionMessages', id, { limit, offset })
    }
  }
})

test('listSubagents and getSubagentMessages', { skip }, async () => {
  await same('listSubagents', fx.ids.subagent)
  await same('listSubagents', fx.ids.subagent, { dir: fx.cwd })
  await same('listSubagents', fx.ids.turns)
  assert.ok(fx.agents.length >= 1, 'the subagent session has a subagent transcript')
  for (const agent of fx.agents) {
    const messages = await same('getSubagentMessages', fx.ids.subagent, agent)
    assert.ok(messages.ok.length >= 1)
    await same('getSubagentMessages', fx.ids.subagent, agent, { dir: fx.cwd, limit: 1, offset: 1 })
  }
  await same('getSubagentMessages', fx.ids.subagent, 'nope')
  await same('getSubagentMessages', fx.ids.subagent, '../../x')
})

test('bad and unknown ids: the same answers and errors', { skip }, async () => {
  for (const id of [BAD, UNKNOWN, '', 'not-a-uuid']) {
    for (const options of [undefined, { dir: fx.cwd }]) {
      await same('getSessionInfo', id, options)
      await same('getSessionMessages', id, options)
      await same('listSubagents', id, options)
      await same('getSubagentMessages', id, 'a1', options)
      await same('renameSession', id, 'Title', options)
      await same('tagSession', id, 'tag', options)
      await same('tagSession', id, null, options)
      await same('archiveSession', id, options)
      await same('unarchiveSession', id, options)
      await same('deleteSession', id, options)
      await same('forkSession', id, options)
    }
  }
  const unknownImport = await same('importSessionToStore', UNKNOWN, new official.InMemorySessionStore())
  assert.ok(unknownImport.error)
  await same('renameSession', fx.ids.turns, '   ', { dir: fx.cwd })
  await same('forkSession', fx.ids.turns, { dir: fx.cwd, upToMessageId: UNKNOWN })
})

// ---- changing (on copies) ---------------------------------------------------------------------

/** Runs `change(dir)` with each package on its own copy; compares what the copies then hold. */
async function sameChange(label, change) {
  const keep = new Set(Object.values(fx.ids))
  // A timestamp the change itself wrote (a fork's last entry) is compared by its form only.
  const since = new Date().toISOString()
  const stamped = (messages) =>
    messages.map((m) => (m.timestamp >= since ? { ...m, timestamp: m.timestamp.replace(/\d/g, '0') } : m))
  const theirsDir = copyProject(`${label}-official`)
  const mineDir = copyProject(`${label}-ours`)
  const theirs = await outcome(() => change(official, theirsDir))
  const mine = await outcome(() => change(ours, mineDir))
  assert.deepEqual(renamed(mine, keep), renamed(theirs, keep), `${label}: result`)
  const view = async (sdk, dir) => {
    const listed = await sdk.listSessions({ dir, includeWorktrees: false })
    const out = []
    // Known sessions by id, then the new ones (a fork's id is random).
    const order = (info) => `${keep.has(info.sessionId) ? 0 : 1} ${keep.has(info.sessionId) ? info.sessionId : info.summary}`
    for (const info of listed.sort((a, b) => order(a).localeCompare(order(b)))) {
      out.push({
        info: without(info, ['lastModified', 'fileSize']),
        messages: stamped(await sdk.getSessionMessages(info.sessionId, { dir, includeSystemMessages: true })),
      })
    }
    return out
  }
  try {
    assert.deepEqual(renamed(await view(ours, mineDir), keep), renamed(await view(official, theirsDir), keep), `${label}: sessions`)
  } finally {
    for (const dir of [theirsDir, mineDir]) rmSync(join(fx.config, 'projects', dir.replace(/[^a-zA-Z0-9]/g, '-')), { recursive: true, force: true })
  }
  return { theirs, mine }
}

test('renameSession, tagSession', { skip }, async () => {
  await sameChange('rename', (sdk, dir) => sdk.renameSession(fx.ids.turns, '  A new title ', { dir }))
  await sameChange('tag', async (sdk, dir) => {
    await sdk.tagSession(fx.ids.turns, 'blue', { dir })
    await sdk.tagSession(fx.ids.subagent, 'red', { dir })
    await sdk.tagSession(fx.ids.subagent, null, { dir })
  })
})

test('archiveSession, unarchiveSession', { skip }, async () => {
  await sameChange('archive', (sdk, dir) => sdk.archiveSession(fx.ids.turns, { dir }))
  await sameChange('unarchive', async (sdk, dir) => {
    await sdk.archiveSession(fx.ids.turns, { dir })
    await sdk.unarchiveSession(fx.ids.turns, { dir })
  })
})

test('deleteSession', { skip }, async () => {
  await sameChange('delete', (sdk, dir) => sdk.deleteSession(fx.ids.subagent, { dir }))
})

test('forkSession: whole, up to a message, with a title', { skip }, async () => {
  const messages = await official.getSessionMessages(fx.ids.turns, { dir: fx.cwd })
  const { theirs } = await sameChange('fork', (sdk, dir) => sdk.forkSession(fx.ids.turns, { dir }))
  assert.ok(theirs.ok.sessionId)
  await sameChange('fork-up-to', (sdk, dir) =>
    sdk.forkSession(fx.ids.turns, { dir, upToMessageId: messages[2].uuid, title: 'Branch' }),
  )
})

// ---- stores ---------------------------------------------------------------------------------

/** A plain-object store recording its calls (only the required methods). */
function recordingStore() {
  const calls = []
  const data = new Map()
  const id = (key) => JSON.stringify([key.projectKey, key.sessionId, key.subpath ?? null])
  return {
    calls,
    async append(key, entries) {
      calls.push({ key, count: entries.length })
      data.set(id(key), [...(data.get(id(key)) ?? []), ...entries])
    },
    async load(key) {
      return data.get(id(key)) ?? null
    },
    entries: (key) => data.get(id(key)) ?? [],
  }
}

test('InMemorySessionStore: the same answers as the official one', async () => {
  official ??= await import('@anthropic-ai/claude-agent-sdk')
  const run = async (Store) => {
    const store = new Store()
    const log = []
    const note = async (label, fn) => log.push([label, await outcome(fn)])
    const a = { projectKey: 'p', sessionId: '11111111-1111-4111-8111-111111111111' }
    const b = { projectKey: 'p', sessionId: '22222222-2222-4222-8222-222222222222' }
    const sub = { ...a, subpath: 'subagents/agent-x' }
    const entry = (n, extra = {}) => ({
      type: 'user',
      uuid: `00000000-0000-4000-8000-00000000000${n}`,
      timestamp: `2025-01-0${n}T00:00:00.000Z`,
      message: { role: 'user', content: `prompt ${n}` },
      cwd: '/work',
      ...extra,
    })
    await note('load missing', () => store.load(a))
    await note('append a', () => store.append(a, [entry(1), entry(2)]))
    await note('append sub', () => store.append(sub, [entry(3, { isSidechain: true })]))
    await note('append b', () => store.append(b, [entry(4), { type: 'custom-title', customTitle: 'B', sessionId: b.sessionId }]))
    await note('append a again', () => store.append(a, [{ type: 'tag', tag: 'x', sessionId: a.sessionId }]))
    await note('load a', () => store.load(a))
    await note('load sub', () => store.load(sub))
    await note('listSessions', async () => (await store.listSessions('p')).map((s) => [s.sessionId, typeof s.mtime]))
    await note('listSessions other', () => store.listSessions('q'))
    await note('summaries', async () => (await store.listSessionSummaries('p')).map((s) => [s.sessionId, typeof s.mtime, s.data]))
    await note('listSubkeys', () => store.listSubkeys(a))
    await note('getEntries', () => store.getEntries(sub))
    await note('getEntries missing', () => store.getEntries({ projectKey: 'z', sessionId: 'z' }))
    await note('size', () => store.size)
    await note('delete sub', () => store.delete(sub))
    await note('listSubkeys after', () => store.listSubkeys(a))
    await note('size after sub', () => store.size)
    await note('append sub again', () => store.append(sub, [entry(5)]))
    await note('delete a', () => store.delete(a))
    await note('load sub after a', () => store.load(sub))
    await note('listSessions after', async () => (await store.listSessions('p')).map((s) => s.sessionId))
    await note('summaries after', async () => (await store.listSessionSummaries('p')).map((s) => s.sessionId))
    await note('size after a', () => store.size)
    store.clear()
    await note('size cleared', () => store.size)
    await note('load cleared', () => store.load(b))
    // mtimes strictly increase across appends.
    await store.append(a, [entry(1)])
    await store.append(b, [entry(2)])
    const [first, second] = await store.listSessions('p')
    log.push(['mtimes increase', second.mtime > first.mtime])
    return log
  }
  const theirs = await run(official.InMemorySessionStore)
  const mine = await run(ours.InMemorySessionStore)
  assert.deepEqual(mine, theirs)
})

test('foldSessionSummary: the same summaries', { skip }, async () => {
  const entries = jsonl(join(fx.project, `${fx.ids.turns}.jsonl`))
  const key = { projectKey: 'p', sessionId: fx.ids.turns }
  for (const sdk of [official, ours]) assert.equal(typeof sdk.foldSessionSummary, 'function')
  const fold = (sdk) => {
    const first = sdk.foldSessionSummary(undefined, key, entries.slice(0, 3), { mtime: 1000 })
    const second = sdk.foldSessionSummary(first, key, entries.slice(3), { mtime: 2000 })
    const kept = sdk.foldSessionSummary(second, key, [{ type: 'tag', tag: 'k', sessionId: fx.ids.turns }])
    const sidechain = sdk.foldSessionSummary(undefined, { ...key, subpath: 'subagents/agent-1' }, entries)
    const empty = sdk.foldSessionSummary(undefined, key, [])
    return { first, second, kept, sidechain, empty }
  }
  assert.deepEqual(fold(ours), fold(official))
})

test('importSessionToStore: the same entries into both stores, in the same batches', { skip }, async () => {
  for (const id of Object.values(fx.ids)) {
    for (const options of [undefined, { dir: fx.cwd }, { batchSize: 2 }, { includeSubagents: false }]) {
      const theirs = recordingStore()
      const mine = recordingStore()
      assert.deepEqual(
        await outcome(() => ours.importSessionToStore(id, mine, options)),
        await outcome(() => official.importSessionToStore(id, theirs, options)),
      )
      // Known difference: without `dir` the official key is process.cwd()'s project key.
      const rekey = (calls) =>
        options?.dir ? calls : calls.map((c) => ({ ...c, key: { ...c.key, projectKey: c.key.projectKey === PROCESS_KEY ? '<cwd>' : '<session project>' } }))
      const mineCalls = rekey(mine.calls)
      const theirCalls = rekey(theirs.calls)
      if (!options?.dir) {
        for (const c of theirCalls) assert.equal(c.key.projectKey, '<cwd>')
        for (const c of mineCalls) c.key.projectKey = '<cwd>'
      }
      assert.deepEqual(mineCalls, theirCalls, `${id} ${JSON.stringify(options)}: append calls`)
      for (const [i, { key }] of theirs.calls.entries()) assert.deepEqual(mine.entries(mine.calls[i].key), theirs.entries(key))
      // The in-memory stores hold the same.
      const theirMemory = new official.InMemorySessionStore()
      const myMemory = new ours.InMemorySessionStore()
      assert.deepEqual(
        await outcome(() => ours.importSessionToStore(id, myMemory, options)),
        await outcome(() => official.importSessionToStore(id, theirMemory, options)),
      )
      assert.equal(myMemory.size, theirMemory.size)
      for (const [i, { key }] of theirs.calls.entries()) assert.deepEqual(myMemory.getEntries(mine.calls[i].key), theirMemory.getEntries(key))
    }
  }
})

test('a store error propagates as the store threw it', { skip }, async () => {
  const failure = new TypeError('the store is down')
  const store = { append: async () => Promise.reject(failure), load: async () => null }
  const theirs = await outcome(() => official.importSessionToStore(fx.ids.turns, store))
  const caught = await ours.importSessionToStore(fx.ids.turns, store).catch((e) => e)
  assert.equal(caught, failure)
  assert.deepEqual({ error: caught.message }, theirs)
})

test('store-backed session functions beside the official ones', { skip }, async (t) => {
  const fill = async (Store, sdk) => {
    const store = new Store()
    for (const id of Object.values(fx.ids)) await sdk.importSessionToStore(id, store)
    return store
  }
  const theirStore = await fill(official.InMemorySessionStore, official)
  const myStore = await fill(ours.InMemorySessionStore, ours)
  const both = async (label, fn) => {
    const theirs = await outcome(() => fn(official, theirStore))
    const mine = await outcome(() => fn(ours, myStore))
    // Times the calls themselves stamp (a rename of a session the store does not hold under
    // `dir` starts a transcript whose creation is the rename) differ by the calls' distance.
    const drop = ['lastModified', 'mtime', 'createdAt']
    assert.deepEqual(renamed(without(mine, drop), new Set(Object.values(fx.ids))), renamed(without(theirs, drop), new Set(Object.values(fx.ids))), label)
  }
  await both('listSessions', (sdk, sessionStore) => sdk.listSessions({ sessionStore, dir: fx.cwd }))
  await both('listSessions paged', (sdk, sessionStore) => sdk.listSessions({ sessionStore, dir: fx.cwd, limit: 1, offset: 1 }))
  // A store that lists sessions but keeps no summaries: each row is loaded (every key,
  // `archived` too); a row whose load fails is bare (`sessionId`, `summary`, `lastModified`).
  const listingOnly = (store, failing) => ({
    append: (key, entries) => store.append(key, entries),
    load: async (key) => {
      if (key.sessionId === failing) throw new Error('load failed')
      return store.load(key)
    },
    listSessions: (projectKey) => store.listSessions(projectKey),
  })
  await both('listSessions without summaries', (sdk, store) => sdk.listSessions({ sessionStore: listingOnly(store), dir: fx.cwd }))
  await both('listSessions with a failed load', (sdk, store) =>
    sdk.listSessions({ sessionStore: listingOnly(store, fx.ids.turns), dir: fx.cwd }),
  )
  for (const id of [...Object.values(fx.ids), UNKNOWN, BAD]) {
    await both(`getSessionInfo ${id}`, (sdk, sessionStore) => sdk.getSessionInfo(id, { sessionStore, dir: fx.cwd }))
    await both(`getSessionMessages ${id}`, (sdk, sessionStore) => sdk.getSessionMessages(id, { sessionStore, dir: fx.cwd }))
    await both(`listSubagents ${id}`, (sdk, sessionStore) => sdk.listSubagents(id, { sessionStore, dir: fx.cwd }))
  }
  for (const agent of fx.agents) {
    await both('getSubagentMessages', (sdk, sessionStore) => sdk.getSubagentMessages(fx.ids.subagent, agent, { sessionStore, dir: fx.cwd }))
  }
  await both('renameSession', async (sdk, sessionStore) => {
    await sdk.renameSession(fx.ids.turns, 'Stored title', { sessionStore, dir: fx.cwd })
    return sdk.getSessionInfo(fx.ids.turns, { sessionStore, dir: fx.cwd })
  })
  await both('tagSession', async (sdk, sessionStore) => {
    await sdk.tagSession(fx.ids.turns, 'stored', { sessionStore, dir: fx.cwd })
    return sdk.getSessionInfo(fx.ids.turns, { sessionStore, dir: fx.cwd })
  })
  await both('forkSession', async (sdk, sessionStore) => {
    const { sessionId } = await sdk.forkSession(fx.ids.turns, { sessionStore, dir: fx.cwd })
    return sdk.getSessionMessages(sessionId, { sessionStore, dir: fx.cwd })
  })
  await both('archiveSession', (sdk, sessionStore) => sdk.archiveSession(fx.ids.turns, { sessionStore, dir: fx.cwd }))
  await both('deleteSession', async (sdk, sessionStore) => {
    await sdk.deleteSession(fx.ids.other, { sessionStore, dir: fx.other })
    return sdk.listSessions({ sessionStore, dir: fx.other })
  })
  // A plain-object store without listSessions: the same refusal.
  await both('listSessions without the method', (sdk) => sdk.listSessions({ sessionStore: recordingStore(), dir: fx.cwd }))
})

// ---- a live session mirrored into a store ----------------------------------------------------

test('query() with a sessionStore: the store holds the transcript', { skip }, async (t) => {
  const server = await ModelServer.start([text('Mirrored answer.')])
  const memory = new ours.InMemorySessionStore()
  const plain = recordingStore()
  try {
    const options = {
      pathToClaudeCodeExecutable: realCli,
      model: 'claude-sonnet-4-5',
      cwd: fx.cwd,
      env: { ...process.env, ...isolatedEnv(server, fx.root) },
    }
    const messages = await collect(ours.query({ prompt: 'Mirror me', options: { ...options, sessionStore: memory } }))
    assert.equal(messages.at(-1).subtype, 'success')
    const sessionId = messages.at(-1).session_id
    assert.ok(memory.size > 0, 'the live transcript was mirrored into the store')
    const key = { projectKey: await projectKey(memory, sessionId), sessionId }
    assert.deepEqual((await memory.listSessions(key.projectKey)).map((s) => s.sessionId), [sessionId])
    const local = jsonl(join(projectOf(sessionId), `${sessionId}.jsonl`))
    // The CLI mirrors its transcript entries (those with a uuid), not every local line.
    const transcript = (entries) => entries.filter((e) => e.uuid !== undefined)
    assert.deepEqual(transcript(memory.getEntries(key)), transcript(local))
    // A plain-object store, through the callback bridge.
    const server2 = await ModelServer.start([text('Again.')])
    try {
      const env = { ...process.env, ...isolatedEnv(server2, fx.root) }
      const more = await collect(ours.query({ prompt: 'Mirror me too', options: { ...options, env, sessionStore: plain } }))
      assert.equal(more.at(-1).subtype, 'success')
      assert.ok(plain.calls.length > 0)
      const id = more.at(-1).session_id
      assert.deepEqual(transcript(plain.entries(plain.calls[0].key)), transcript(jsonl(join(projectOf(id), `${id}.jsonl`))))
    } finally {
      await server2.close()
    }
  } finally {
    await server.close()
  }
})

/** The project key under which `memory` holds `sessionId` (found through its summaries). */
async function projectKey(memory, sessionId) {
  for (const dir of [fx.cwd]) {
    const key = dir.replace(/[^a-zA-Z0-9]/g, '-')
    const listed = await memory.listSessions(key)
    if (listed.some((s) => s.sessionId === sessionId)) return key
  }
  throw new Error(`no project key holds ${sessionId}`)
}

/** A directory and the config's project directory for it (for a hand-written transcript). */
function transcriptDir(label) {
  const dir = join(fx.root, label)
  mkdirSync(dir, { recursive: true })
  const project = join(fx.config, 'projects', dir.replace(/[^a-zA-Z0-9]/g, '-'))
  mkdirSync(project, { recursive: true })
  return { dir, project }
}

/** Imports the session into a store of each package; both read `theirs` from it. */
async function sameFromStore(sessionId, dir, theirs) {
  const theirStore = new official.InMemorySessionStore()
  const myStore = new ours.InMemorySessionStore()
  await official.importSessionToStore(sessionId, theirStore, { dir })
  await ours.importSessionToStore(sessionId, myStore, { dir })
  const fromStore = await ours.getSessionMessages(sessionId, { dir, sessionStore: myStore })
  assert.deepEqual(fromStore, await official.getSessionMessages(sessionId, { dir, sessionStore: theirStore }))
  assert.deepEqual(fromStore, theirs)
}

test("getSessionMessages: the TypeScript record's further fields, from a file and from a store", { skip }, async () => {
  // A transcript that sets each field the TypeScript record carries beyond the declared six.
  const { dir, project } = transcriptDir('marks')
  const sessionId = '11111111-2222-4333-8444-555555555555'
  const uuid = (n) => `aaaaaaaa-0000-4000-8000-00000000000${n}`
  const entry = (n, type, message, extra = {}) => ({
    parentUuid: n === 1 ? null : uuid(n - 1),
    isSidechain: false,
    type,
    message,
    uuid: uuid(n),
    timestamp: `2026-12-07T10:00:0${n}.000Z`,
    sessionId,
    cwd: dir,
    ...extra,
  })
  const lines = [
    entry(1, 'user', { role: 'user', content: 'Start' }, {
      origin: { kind: 'task-notification', subkind: 'done', runId: 'run:1', taskKind: 'mcp-task', producer: 'p', other: 1 },
    }),
    entry(2, 'assistant', { id: 'm1', role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'Bash', input: {} }] }, {
      interruptedByShutdown: true,
      isVisibleInTranscriptOnly: true,
    }),
    entry(3, 'user', { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'denied' }] }, {
      toolDenialKind: 'user-rejected',
      toolDenialUnanswered: 'stream-closed',
      isQueuedCommand: true,
      origin: 'plain',
      timestamp: 1765101603000,
    }),
    entry(4, 'user', { role: 'user', content: 'Summary of the talk so far' }, { isCompactSummary: true, isCompletedLocalCommand: true }),
    entry(5, 'assistant', { id: 'm2', role: 'assistant', content: [{ type: 'text', text: 'Done.' }] }, {
      interruptedByShutdown: 'yes',
      origin: { kind: 'elsewhere', runId: '/not an id/' },
    }),
  ]
  writeFileSync(join(project, `${sessionId}.jsonl`), `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`)
  const theirs = await official.getSessionMessages(sessionId, { dir })
  const mine = await ours.getSessionMessages(sessionId, { dir })
  assert.equal(theirs.length, 5)
  assert.deepEqual(mine, theirs)
  // Key order too: the records are compared as the official SDK writes them.
  assert.deepEqual(mine.map((m) => Object.keys(m)), theirs.map((m) => Object.keys(m)))
  assert.deepEqual(theirs[2].tool_result_meta, [{ id: 'toolu_1', non_execution_kind: 'user-rejected' }])
  await sameFromStore(sessionId, dir, theirs)
})

test("getSessionMessages: the official view of queued prompts, local commands, quiet turns and channel entries", { skip }, async () => {
  const { dir, project } = transcriptDir('views')
  const sessionId = '22222222-3333-4444-8555-666666666666'
  let n = 0
  let parent = null
  const at = (i) => `2026-12-07T11:00:${String(i).padStart(2, '0')}.000Z`
  const lines = []
  const add = (type, fields) => {
    n += 1
    const uuid = `bbbbbbbb-0000-4000-8000-${String(n).padStart(12, '0')}`
    lines.push({ parentUuid: parent, isSidechain: false, type, uuid, timestamp: at(n), sessionId, cwd: dir, ...fields })
    parent = uuid
    return uuid
  }
  const say = (content, extra) => add('user', { message: { role: 'user', content }, ...extra })
  const reply = (text, extra) => add('assistant', { message: { id: `m${n}`, role: 'assistant', content: [{ type: 'text', text }] }, ...extra })
  const queued = (prompt, command = {}) => add('attachment', { attachment: { type: 'queued_command', prompt, commandMode: 'prompt', ...command } })
  say('hello')
  add('assistant', { message: { id: 'mt', role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_v1', name: 'Bash', input: {} }] } })
  say([{ type: 'tool_result', tool_use_id: 'toolu_v1', content: 'ok' }])
  queued('taken up by the reply', { source_uuid: 'cccccccc-0000-4000-8000-000000000001' })
  reply('first reply')
  say('<local-command-caveat>Caveat: the messages below were generated by the user while running local commands.</local-command-caveat>', { isMeta: true })
  say('<command-name>/status</command-name>')
  say('<local-command-stdout>all fine</local-command-stdout>')
  say('a note from a channel', { isMeta: true, origin: { kind: 'channel', server: 'x' } })
  reply('No response requested.', { closesQuietTurn: true })
  say('next question')
  queued('a meta prompt', { isMeta: true })
  queued('a forwarded prompt', { forwardedIntent: { lineage: 'other-session' } })
  queued('delivered once', { delivery_id: 'dddddddd-0000-4000-8000-000000000001', origin: { kind: 'task-notification', producer: 'p' }, runId: 'run:7' })
  lines.push({ type: 'queue-operation', operation: 'remove', reason: 'absorbed_mid_turn', deliveryId: 'dddddddd-0000-4000-8000-000000000001', sessionId, timestamp: at(50) })
  reply('second reply')
  say('a prompt nobody answered')
  queued('not taken up')
  writeFileSync(join(project, `${sessionId}.jsonl`), `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`)
  for (const options of [{ dir }, { dir, includeSystemMessages: true }, { dir, limit: 3, offset: 2 }]) {
    const theirs = await official.getSessionMessages(sessionId, options)
    const mine = await ours.getSessionMessages(sessionId, options)
    assert.deepEqual(mine, theirs, JSON.stringify(options))
    assert.deepEqual(mine.map((m) => Object.keys(m)), theirs.map((m) => Object.keys(m)))
  }
  const theirs = await official.getSessionMessages(sessionId, { dir })
  assert.ok(theirs.some((m) => m.isQueuedCommand), 'the view converts queued prompts')
  assert.ok(theirs.some((m) => m.isCompletedLocalCommand), 'and marks local commands')
  // The summaries over such a transcript (its first prompt, title, ...), as JSON.
  await same('getSessionInfo', sessionId, { dir })
  await same('listSessions', { dir })
  await sameFromStore(sessionId, dir, theirs)
})

test('getSessionMessages: a prompt the real CLI took up mid-turn, as the official SDK shows it', { skip }, async () => {
  const cwd = join(fx.root, 'mid-turn')
  mkdirSync(cwd, { recursive: true })
  const server = await ModelServer.start([toolUse('Bash', { command: 'sleep 2', description: 'wait' }), text('first done'), text('second answer')])
  let sessionId
  try {
    let release
    async function* prompts() {
      yield { type: 'user', message: { role: 'user', content: 'first question' }, parent_tool_use_id: null, session_id: '' }
      await sleep(800)
      yield { type: 'user', message: { role: 'user', content: 'MID-TURN follow up' }, parent_tool_use_id: null, session_id: '' }
      await new Promise((resolve) => (release = resolve))
    }
    const q = ours.query({
      prompt: prompts(),
      options: cliOptions(cwd, server),
    })
    for await (const message of q) {
      sessionId ??= message.session_id
      if (message.type === 'result') break
    }
    release?.()
  } finally {
    await server.close()
  }
  await settled(join(fx.config, 'projects'))
  const theirs = await official.getSessionMessages(sessionId, { dir: cwd })
  assert.ok(theirs.some((m) => m.isQueuedCommand && m.message.content === 'MID-TURN follow up'), JSON.stringify(theirs.map((m) => m.message.content)))
  assert.deepEqual(await ours.getSessionMessages(sessionId, { dir: cwd }), theirs)
  await same('getSessionInfo', sessionId, { dir: cwd })
  await same('listSessions', { dir: cwd })
})
