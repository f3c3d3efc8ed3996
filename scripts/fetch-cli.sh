#!/usr/bin/env bash
# Fetch the pinned Claude Code CLI into the claude-wire cache, once, and print its path.
#
#   ${CLAUDE_WIRE_CACHE:-$HOME/.cache/claude-wire}/cli/<version>/claude
#
# Source: the npm platform package @anthropic-ai/claude-code-linux-x64 (npm pack, no install
# scripts run); fallback: the same binary bundled in the claude-agent-sdk wheel on PyPI.
# Idempotent and atomic: the binary is checked in a temp dir, then moved into place.
# This is the CI path (it needs npm or pip). Users get the same result without either from the
# core's installer, `python -m claude_wire install-cli` / `claude_wire::cli::install()`: both
# write this cache path and layout and accept each other's copy (core/tests/cli_install.rs,
# `cache_layout_agrees_with_fetch_cli_script`).
# The versions come from core/pinned.env (CLAUDE_CODE_CLI, CLAUDE_AGENT_SDK_PYTHON); the
# environment variables CLAUDE_WIRE_CLI_VERSION and CLAUDE_WIRE_SDK_WHEEL_VERSION override them.
set -euo pipefail

# shellcheck source=../core/pinned.env
source "$(dirname "${BASH_SOURCE[0]}")/../core/pinned.env"
VERSION="${CLAUDE_WIRE_CLI_VERSION:-$CLAUDE_CODE_CLI}"
SDK_WHEEL_VERSION="${CLAUDE_WIRE_SDK_WHEEL_VERSION:-$CLAUDE_AGENT_SDK_PYTHON}"
CACHE="${CLAUDE_WIRE_CACHE:-$HOME/.cache/claude-wire}"
DEST_DIR="$CACHE/cli/$VERSION"
DEST="$DEST_DIR/claude"

log() { echo "fetch-cli: $*" >&2; }

# Succeeds when $1 runs and reports the pinned version.
check_version() {
    local out
    out="$("$1" --version 2>/dev/null)" || return 1
    case "$out" in
        "$VERSION"*) return 0 ;;
        *) log "$1 reports '$out', expected $VERSION"; return 1 ;;
    esac
}

if [[ -x "$DEST" ]] && check_version "$DEST"; then
    echo "$DEST"
    exit 0
fi

case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) NPM_PLATFORM="linux-x64"; WHEEL_PLATFORM="manylinux_2_17_x86_64" ;;
    Linux-aarch64) NPM_PLATFORM="linux-arm64"; WHEEL_PLATFORM="manylinux_2_17_aarch64" ;;
    Darwin-arm64) NPM_PLATFORM="darwin-arm64"; WHEEL_PLATFORM="macosx_11_0_arm64" ;;
    Darwin-x86_64) NPM_PLATFORM="darwin-x64"; WHEEL_PLATFORM="macosx_10_9_x86_64" ;;
    *) log "unsupported platform $(uname -s)-$(uname -m)"; exit 1 ;;
esac

mkdir -p "$DEST_DIR"
WORK="$(mktemp -d "$DEST_DIR/.fetch.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

from_npm() {
    command -v npm >/dev/null || { log "npm not found"; return 1; }
    log "npm pack @anthropic-ai/claude-code-$NPM_PLATFORM@$VERSION"
    (cd "$WORK" && npm pack --silent "@anthropic-ai/claude-code-$NPM_PLATFORM@$VERSION" >/dev/null) || return 1
    local tgz
    tgz="$(ls "$WORK"/*.tgz 2>/dev/null | head -n1)"
    [[ -n "$tgz" ]] || return 1
    tar -xzf "$tgz" -C "$WORK" package/claude || return 1
    mv "$WORK/package/claude" "$WORK/claude"
}

from_pypi() {
    local pip
    pip="$(command -v pip3 || command -v pip || true)"
    [[ -n "$pip" ]] || { log "pip not found"; return 1; }
    log "pip download claude-agent-sdk==$SDK_WHEEL_VERSION ($WHEEL_PLATFORM)"
    "$pip" download --quiet --no-deps --only-binary=:all: --platform "$WHEEL_PLATFORM" \
        --dest "$WORK/wheel" "claude-agent-sdk==$SDK_WHEEL_VERSION" >&2 || return 1
    local whl
    whl="$(ls "$WORK"/wheel/*.whl 2>/dev/null | head -n1)"
    [[ -n "$whl" ]] || return 1
    python3 - "$whl" "$WORK/claude" <<'PY' || return 1
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, z.open("claude_agent_sdk/_bundled/claude") as src, open(sys.argv[2], "wb") as dst:
    shutil.copyfileobj(src, dst)
PY
}

if ! from_npm; then
    log "npm source failed, trying PyPI"
    rm -rf "${WORK:?}"/*
    from_pypi || { log "could not fetch Claude Code $VERSION"; exit 1; }
fi

chmod 755 "$WORK/claude"
check_version "$WORK/claude" || { log "downloaded binary does not report $VERSION"; exit 1; }
mv -f "$WORK/claude" "$DEST"
log "installed $DEST"
echo "$DEST"
