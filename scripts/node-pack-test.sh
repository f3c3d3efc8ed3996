#!/usr/bin/env bash
# The npm package as users get it: `npm pack`, `npm install <tarball>` into an empty project
# (no network needed for it: its only dependency, zod-to-json-schema, comes from the npm cache
# or registry), then a real session against the scripted model server through the installed
# package's own `claude-wire/testing`.
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tarball="$(npm pack --silent --pack-destination "$work")"
mkdir "$work/app"
cd "$work/app"
npm init -y >/dev/null
npm pkg set type=module >/dev/null
npm install --omit=optional --no-audit --no-fund --loglevel=error "$work/$tarball" zod@4 >&2
cat > main.js <<'JS'
import { query, tool, createSdkMcpServer } from 'claude-wire'
import { ModelServer, isolatedEnv, text, toolUse, pinnedCliPath } from 'claude-wire/testing'
import { z } from 'zod'

const server = await ModelServer.start([toolUse('mcp__calc__add', { a: 20, b: 22 }), text('forty-two')])
const add = tool('add', 'Add', { a: z.number(), b: z.number() }, async ({ a, b }) => ({ content: [{ type: 'text', text: `${a + b}` }] }))
let last
for await (const message of query({
  prompt: 'add them',
  options: {
    pathToClaudeCodeExecutable: pinnedCliPath(),
    env: { ...process.env, ...isolatedEnv(server) },
    mcpServers: { calc: createSdkMcpServer({ name: 'calc', tools: [add] }) },
    allowedTools: ['mcp__calc__add'],
  },
})) last = message
await server.close()
if (last?.result !== 'forty-two') throw new Error(`unexpected end: ${JSON.stringify(last)}`)
console.log('pack test: ok')
JS
node main.js
