#!/usr/bin/env bash
# Lint and format check of the Python code (package, tests, benches): ruff, configured in
# pyproject.toml. `--fix` applies the safe fixes and formats instead of checking.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="$(bash scripts/python-env.sh)"
if [[ "${1:-}" == --fix ]]; then
    "$VENV/bin/ruff" check --fix .
    exec "$VENV/bin/ruff" format .
fi
"$VENV/bin/ruff" check .
"$VENV/bin/ruff" format --check .
