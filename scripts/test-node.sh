#!/usr/bin/env bash
# Build the npm package claude-wire (the addon, as a dev build) and run its checks and tests:
#   1. node --test on tests/node (API shape, faults beside the official SDK on a fake CLI, the
#      real pinned CLI against the scripted model server) and tests/parity (shared scenarios,
#      official TS SDK vs claude-wire on the real CLI);
#   2. the type test: a program written for the official SDK type-checks against our
#      declarations with only the import changed (scripts/node-typecheck.sh);
#   3. the package as users get it: `npm pack`, installed into an empty project, runs a session.
#
#   CLAUDE_WIRE_NODE_BUILD=build   npm script that builds the addon (default build:debug)
#   --build-only                   (first argument) stop after building (used by `make bench-node`)
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/node-env.sh
CLAUDE_WIRE_CLI="$(bash scripts/fetch-cli.sh)"
export CLAUDE_WIRE_CLI
npm run --silent "${CLAUDE_WIRE_NODE_BUILD:-build:debug}" >&2

[[ "${1:-}" == --build-only ]] && exit 0

echo "node --test: tests/node tests/parity" >&2
node --test --test-concurrency=1 tests/node/ tests/parity/
echo "type test: scripts/node-typecheck.sh" >&2
bash scripts/node-typecheck.sh
echo "npm pack: install into an empty project and run" >&2
bash scripts/node-pack-test.sh
