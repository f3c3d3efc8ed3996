#!/usr/bin/env bash
# Create (once) and update the virtualenv of the Python checks and tests; print its absolute path.
#
# It holds the build and check tools (maturin, pytest, pytest-asyncio, mypy, ruff; pinned so
# results do not change under us) and the official claude-agent-sdk at the version
# claude_wire mirrors (core/pinned.env), the reference of the parity suite.
#
#   CLAUDE_WIRE_PY_VENV=dir    virtualenv location (default .venv-test)
#   PYTHON=python3.11          interpreter for the virtualenv
#   CLAUDE_WIRE_PY_RAY=1       also install ray (examples/ray_pool.py and its test; `make test-ray`)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=../core/pinned.env
source core/pinned.env

VENV="${CLAUDE_WIRE_PY_VENV:-.venv-test}"
PY="${PYTHON:-python3}"

if [[ ! -x "$VENV/bin/python" ]]; then
    # Some distributions ship Python without ensurepip: fall back to virtualenv from PyPI.
    "$PY" -m venv "$VENV" 2>/dev/null || {
        rm -rf "$VENV"
        "$PY" -m pip install --quiet --user virtualenv >&2
        "$PY" -m virtualenv --quiet "$VENV" >&2
    }
fi
VENV="$(cd "$VENV" && pwd)"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    "maturin>=1.7,<2" "pytest>=8" "pytest-asyncio>=0.23" "mypy==2.4.1" "ruff==0.17.6" \
    "claude-agent-sdk==$CLAUDE_AGENT_SDK_PYTHON" >&2
if [[ -n "${CLAUDE_WIRE_PY_RAY:-}" ]]; then
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "ray==2.60.0" >&2
fi
echo "$VENV"
