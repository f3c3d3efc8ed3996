# claude-wire: `make demo` runs a real session, `make test` runs every test.
# Both install what they need (the pinned Claude Code CLI, Python build tools) by themselves.

SHELL := /bin/bash
CARGO ?= cargo

.PHONY: demo test test-rust test-python cli bench bench-python fuzz

## Fetch the pinned Claude Code CLI into ~/.cache/claude-wire (once).
cli:
	@bash scripts/fetch-cli.sh >/dev/null

## A real CLI session: against the scripted model server, or your account if ANTHROPIC_API_KEY is set.
demo: cli
	$(CARGO) run --quiet -p claude-wire --example demo

## Every test: Rust unit, protocol and real-CLI end-to-end tests, then the Python package and parity suites.
test: test-rust test-python

test-rust: cli
	$(CARGO) test --workspace --exclude claude-wire-python --no-fail-fast

test-python: cli
	bash scripts/test-python.sh

## Benchmarks (not tests): framing/parse throughput, control round trips, then Python vs the official SDK.
bench: cli bench-python
	$(CARGO) bench -p claude-wire

## claude_wire vs claude_agent_sdk in one run: import time and messages/s, as ratios.
bench-python: cli
	CLAUDE_WIRE_PY_RELEASE=1 bash scripts/test-python.sh --build-only
	.venv-test/bin/python benches/python_bench.py

## Fuzz the core (cargo-fuzz on nightly, installed if missing): each target for FUZZ_SECONDS
## (default 60), then execs/s and coverage per target. Crashes land in core/fuzz/artifacts/.
fuzz:
	bash scripts/fuzz.sh
