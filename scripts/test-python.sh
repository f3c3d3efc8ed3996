#!/usr/bin/env bash
# Build the claude_wire Python package and run its test suites (tests/python, tests/parity).
#
# Creates (once) a virtualenv in .venv-test with maturin, pytest, pytest-asyncio and the official
# claude-agent-sdk==0.2.187 (the parity reference), builds the extension into it with
# `maturin develop`, fetches the pinned CLI, then runs pytest. Extra arguments go to pytest.
#
#   CLAUDE_WIRE_PY_VENV=dir    virtualenv location (default .venv-test)
#   CLAUDE_WIRE_PY_RELEASE=1   build the extension with --release
#   PYTHON=python3.11          interpreter for the virtualenv
#   --build-only               (first argument) stop after building: used by `make bench-python`
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${CLAUDE_WIRE_PY_VENV:-.venv-test}"
PY="${PYTHON:-python3}"

if [[ ! -x "$VENV/bin/python" ]]; then
    # Some distributions ship Python without ensurepip: fall back to virtualenv from PyPI.
    "$PY" -m venv "$VENV" 2>/dev/null || {
        rm -rf "$VENV"
        "$PY" -m pip install --quiet --user virtualenv
        "$PY" -m virtualenv --quiet "$VENV"
    }
fi
VENV="$(cd "$VENV" && pwd)"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    "maturin>=1.7,<2" "pytest>=8" "pytest-asyncio>=0.23" "claude-agent-sdk==0.2.187"

CLAUDE_WIRE_CLI="$(bash scripts/fetch-cli.sh)"
export CLAUDE_WIRE_CLI

build_args=(--quiet)
[[ "${CLAUDE_WIRE_PY_RELEASE:-0}" == 1 ]] && build_args+=(--release)
VIRTUAL_ENV="$VENV" PATH="$VENV/bin:$PATH" "$VENV/bin/maturin" develop "${build_args[@]}"

[[ "${1:-}" == --build-only ]] && exit 0
exec "$VENV/bin/python" -m pytest tests/python tests/parity -q "$@"
