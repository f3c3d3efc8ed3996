#!/usr/bin/env bash
# Type test of the Node package's hand-written declarations (bindings-node/js/*.d.ts).
#  1. tests/node/types/program.ts, written against the official @anthropic-ai/claude-agent-sdk,
#     type-checks against that package, unchanged.
#  2. The same program with only its import changed to 'claude-wire' type-checks against ours,
#     together with tests/node/types/negative.ts (whose @ts-expect-error lines must all fail).
#  3. The addon's generated declarations (bindings-node/js/native.d.ts, shipped) type-check.
# All run `tsc --strict` (module nodenext, target es2022, lib esnext). TypeScript, zod,
# @types/node and the official SDK come from NODE_DEPS (default: <repo>/node_modules);
# CLAUDE_WIRE_PACKAGE is the package directory under test (default: the repo root).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
NODE_DEPS="$(cd "${NODE_DEPS:-$ROOT/node_modules}" 2>/dev/null && pwd)" || {
    echo "node-typecheck: no node_modules at ${NODE_DEPS:-$ROOT/node_modules} (npm install first)" >&2
    exit 1
}
PACKAGE="$(cd "${CLAUDE_WIRE_PACKAGE:-$ROOT}" && pwd)"
TYPES_DIR="$ROOT/tests/node/types"

for dep in typescript zod @types/node @anthropic-ai/claude-agent-sdk; do
    if [[ ! -f "$NODE_DEPS/$dep/package.json" ]]; then
        echo "node-typecheck: $dep is missing from $NODE_DEPS" >&2
        exit 1
    fi
done
if [[ ! -f "$PACKAGE/package.json" ]]; then
    echo "node-typecheck: no package.json in $PACKAGE" >&2
    exit 1
fi
TSC=(node "$NODE_DEPS/typescript/bin/tsc")
if ! "${TSC[@]}" --version >/dev/null 2>&1; then
    # TypeScript 7 ships its compiler as an optional platform package (`--omit=optional` drops it).
    echo "node-typecheck: tsc does not run from $NODE_DEPS/typescript (TypeScript 7 needs its optional platform package)" >&2
    exit 1
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# tsconfig for one case: $1 = directory, $2 = extra compilerOptions (JSON members), $3 = files.
write_case() {
    mkdir -p "$1"
    printf '{ "name": "node-typecheck-%s", "private": true, "type": "module" }\n' "$(basename "$1")" >"$1/package.json"
    cat >"$1/tsconfig.json" <<EOF
{
  "compilerOptions": {
    "strict": true,
    "noEmit": true,
    "module": "nodenext",
    "moduleResolution": "nodenext",
    "target": "es2022",
    "lib": ["esnext"],
    "types": ["node"],
    $2
  },
  "files": [$3]
}
EOF
}

# The official package: its own node_modules tree as installed. Its .d.ts files need DOM types
# that a Node program does not load, so its declarations are not themselves checked.
write_case "$WORK/official" '"skipLibCheck": true' '"program.ts"'
cp "$TYPES_DIR/program.ts" "$WORK/official/program.ts"
ln -s "$NODE_DEPS" "$WORK/official/node_modules"

# claude-wire: the same dependencies plus node_modules/claude-wire -> the package. Symlinks are
# kept as paths so that our .d.ts files find zod and @types/node in this tree; our declarations
# are checked (no skipLibCheck), the addon's generated declarations (shipped too) included.
write_case "$WORK/ours" '"preserveSymlinks": true' \
    '"program.ts", "negative.ts", "node_modules/claude-wire/bindings-node/js/native.d.ts"'
sed "s#from '@anthropic-ai/claude-agent-sdk\(/core\)\{0,1\}'#from 'claude-wire\1'#" "$TYPES_DIR/program.ts" >"$WORK/ours/program.ts"
if grep -q "from '@anthropic-ai/claude-agent-sdk" "$WORK/ours/program.ts"; then
    echo "node-typecheck: program.ts still imports the official package after the rewrite" >&2
    exit 1
fi
cp "$TYPES_DIR/negative.ts" "$WORK/ours/negative.ts"
mkdir "$WORK/ours/node_modules"
for entry in "$NODE_DEPS"/* "$NODE_DEPS"/.bin; do
    [[ -e "$entry" && "$(basename "$entry")" != claude-wire ]] && ln -s "$entry" "$WORK/ours/node_modules/$(basename "$entry")"
done
ln -s "$PACKAGE" "$WORK/ours/node_modules/claude-wire"

echo "node-typecheck: $("${TSC[@]}" --version), NODE_DEPS=$NODE_DEPS"
passed=0
failed=0
for case in official ours; do
    if (cd "$WORK/$case" && "${TSC[@]}" -p tsconfig.json); then
        echo "ok: program.ts against $case declarations"
        passed=$((passed + 1))
    else
        echo "FAILED: program.ts against $case declarations" >&2
        failed=$((failed + 1))
    fi
done
echo "node-typecheck: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
