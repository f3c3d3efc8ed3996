# claude-wire: `make demo` runs a real session, `make check` lints, `make test` runs every test.
# They install what they need (the pinned Claude Code CLI, Python build tools) by themselves.

SHELL := /bin/bash
CARGO ?= cargo

.PHONY: demo check check-rust check-python fmt test test-rust test-python test-node test-ray cli bench bench-rust-micro bench-sessions bench-warm wheel fuzz

## Fetch the pinned Claude Code CLI into ~/.cache/claude-wire (once).
cli:
	@bash scripts/fetch-cli.sh >/dev/null

## A real CLI session: against the scripted model server, or your account if ANTHROPIC_API_KEY is set.
demo: cli
	$(CARGO) run --quiet -p claude-wire --example demo

## Formatting and lints, as CI runs them (no tests): rustfmt, clippy and rustdoc (warnings are
## errors), ruff.
check: check-rust check-python

check-rust:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --quiet -p claude-wire --no-deps

check-python:
	bash scripts/check-python.sh

## Apply the formatters (rustfmt, ruff format) and ruff's safe fixes.
fmt:
	$(CARGO) fmt --all
	bash scripts/check-python.sh --fix

## Every test: Rust unit, doc (README included), protocol and real-CLI end-to-end tests, then the
## Python stubs and typing, the Python package and parity suites, then the Node package: its
## suites, the parity suite against the official TS SDK, the type test and the packed tarball.
test: test-rust test-python test-node

test-rust: cli
	$(CARGO) test --workspace --exclude claude-wire-python --exclude claude-wire-node --no-fail-fast

test-python: cli
	CLAUDE_WIRE_PY_RAY=1 bash scripts/test-python.sh

test-node: cli
	bash scripts/test-node.sh

## The Ray example (examples/ray_pool.py) on a local Ray instance alone: installs ray into the
## test virtualenv, then runs its test (`make test` installs ray and runs it too).
test-ray: cli
	CLAUDE_WIRE_PY_RAY=1 bash scripts/python-env.sh >/dev/null
	bash scripts/test-python.sh -k ray_pool

## The benchmark suite (benches/run.py, see BENCHMARKS.md): claude-wire Rust, Python and Node
## beside the official Python and TS SDKs and a serde_json::Value floor, interleaved, 5
## repetitions, against one compiled fake CLI (flood, permission and hook round trips pinned and
## unpinned, a 50 MiB line, import time, 100 concurrent sessions) and the real CLI; one markdown
## table with medians, ratios and the targets. Builds what it runs (cargo `profiling` profile,
## release addon) and installs the official SDKs into ~/.cache/claude-wire/bench once.
## Options: BENCH_ARGS="--quick --reps 1 --only flood,hook --output table.md".
bench: cli
	python3 benches/run.py $(BENCH_ARGS)

## Micro-benchmarks of the core alone (framing/parse throughput, control round trips over an
## in-memory peer), `profiling` profile.
bench-rust-micro: cli
	$(CARGO) bench -p claude-wire --profile profiling

## Session API, claude_wire vs claude_agent_sdk in one run: list_sessions over 2,000 sessions of
## ~1 MB and get_session_messages on a 50 MB transcript (synthetic, written to a temp dir: ~2 GB
## of disk), time ratios and peak RSS. Not part of `bench`. Smaller: SESSIONS_BENCH_ARGS="--sessions 200".
bench-sessions:
	CLAUDE_WIRE_PY_PROFILE=profiling bash scripts/test-python.sh --build-only
	.venv-test/bin/python benches/sessions_bench.py $(SESSIONS_BENCH_ARGS)

## Warm starts: a SessionPool claim vs a cold query on the real pinned CLI against the scripted
## model server, in one run: medians of start -> first message and start -> result, and the
## ratios. Not part of `bench`. More runs: WARM_BENCH_ARGS="--runs 15".
bench-warm: cli
	CLAUDE_WIRE_PY_PROFILE=profiling bash scripts/test-python.sh --build-only
	CLAUDE_WIRE_CLI="$$(bash scripts/fetch-cli.sh)" .venv-test/bin/python benches/warm_start.py $(WARM_BENCH_ARGS)

## Fuzz the core (cargo-fuzz on nightly, installed if missing): each target for FUZZ_SECONDS
## (default 60), then execs/s and coverage per target. Crashes land in core/fuzz/artifacts/.
fuzz:
	bash scripts/fuzz.sh

## The release wheel as users get it (abi3, stripped) into dist/.
wheel:
	VENV="$$(bash scripts/python-env.sh)" && "$$VENV/bin/maturin" build --release --out dist
