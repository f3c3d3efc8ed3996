#!/usr/bin/env bash
# Install the Node package's build and test dependencies (npm ci, from package-lock.json) when
# node_modules is missing or older than the lock file. Optional dependencies (the official
# SDK's per-platform packages carrying a CLI copy, ~200 MB) are left out: the tests use the
# pinned CLI fetched by scripts/fetch-cli.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
    echo "node-env: npm ci" >&2
    npm ci --omit=optional --no-audit --no-fund --loglevel=error >&2
fi
