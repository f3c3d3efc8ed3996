#!/usr/bin/env bash
# Build the claude_wire Python package and run its checks and test suites.
#
# Sets up the virtualenv (scripts/python-env.sh), builds the extension into it with
# `maturin develop`, fetches the pinned CLI, then:
#   1. stubtest: the type stubs (_native.pyi and the package's annotations) match the built
#      module, name by name (tests/typecheck/stubtest-allowlist.txt lists the deliberate gaps);
#   2. mypy --strict on tests/typecheck: a typed program using the public API;
#   3. pytest on tests/python and tests/parity (extra arguments go to pytest).
#
#   CLAUDE_WIRE_PY_VENV=dir      virtualenv location (default .venv-test)
#   CLAUDE_WIRE_PY_PROFILE=name  cargo profile of the extension (default dev; `make bench-python`
#                                uses `profiling`: release code with debug info)
#   PYTHON=python3.11            interpreter for the virtualenv
#   --build-only                 (first argument) stop after building: used by `make bench-python`
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="$(bash scripts/python-env.sh)"
CLAUDE_WIRE_CLI="$(bash scripts/fetch-cli.sh)"
export CLAUDE_WIRE_CLI

build_args=(--quiet)
[[ -n "${CLAUDE_WIRE_PY_PROFILE:-}" ]] && build_args+=(--profile "$CLAUDE_WIRE_PY_PROFILE")
VIRTUAL_ENV="$VENV" PATH="$VENV/bin:$PATH" "$VENV/bin/maturin" develop "${build_args[@]}"

[[ "${1:-}" == --build-only ]] && exit 0

echo "stubtest: claude_wire against its stubs" >&2
"$VENV/bin/python" -m mypy.stubtest claude_wire \
    --allowlist tests/typecheck/stubtest-allowlist.txt
echo "mypy --strict: tests/typecheck" >&2
"$VENV/bin/python" -m mypy --strict --no-incremental tests/typecheck
exec "$VENV/bin/python" -m pytest tests/python tests/parity -q "$@"
