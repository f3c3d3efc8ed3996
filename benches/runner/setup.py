"""What the benchmark runs, built or installed: the Rust tools and driver (cargo `profiling`
profile), the Python and Node packages (release code), the pinned CLI, and the official SDKs in
a scratch directory (installed once, reused offline afterwards)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Paths:
    tools: Path  # directory of fake-claude and floor
    driver: Path  # directory of the Rust driver and bench-model-server
    python: Path  # interpreter with claude_wire
    official_python: Path  # interpreter with claude_agent_sdk
    official_ts: str  # file URL of @anthropic-ai/claude-agent-sdk's entry
    cli: Path  # the real pinned CLI
    scratch: Path


def pinned() -> dict[str, str]:
    values = {}
    for line in (ROOT / "core" / "pinned.env").read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip()
    return values


def step(what: str, command: list[str], env: dict[str, str] | None = None) -> str:
    print(f"bench: {what}", file=sys.stderr, flush=True)
    done = subprocess.run(
        command, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=subprocess.PIPE, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"bench: {what} failed (exit {done.returncode})")
    return done.stdout.strip()


def target_dir() -> Path:
    if os.environ.get("CARGO_TARGET_DIR"):
        return Path(os.environ["CARGO_TARGET_DIR"])
    meta = step(
        "cargo metadata", ["cargo", "metadata", "--format-version", "1", "--no-deps", "--quiet"]
    )
    return Path(json.loads(meta)["target_directory"])


def build(skip: bool) -> None:
    cargo = os.environ.get("CARGO", "cargo")
    if skip:
        return
    # The tools alone: built with the claude-wire crates, serde_json would get claude-wire's
    # `preserve_order` (cargo unifies features) and the floor would measure the wrong thing.
    step(
        "build the fake CLI and the floor",
        [cargo, "build", "--quiet", "--profile", "profiling", "-p", "claude-wire-bench-tools"],
    )
    step(
        "build the claude-wire Rust driver",
        [cargo, "build", "--quiet", "--profile", "profiling", "-p", "claude-wire-bench"],
    )
    step(
        "build the Python package (profiling)",
        ["bash", "scripts/test-python.sh", "--build-only"],
        {"CLAUDE_WIRE_PY_PROFILE": "profiling"},
    )
    step(
        "build the Node addon (release)",
        ["bash", "scripts/test-node.sh", "--build-only"],
        {"CLAUDE_WIRE_NODE_BUILD": "build"},
    )


def official_python(scratch: Path, version: str) -> Path:
    venv = scratch / f"venv-claude-agent-sdk-{version}"
    python = venv / "bin" / "python"
    probe = "import importlib.metadata as m; print(m.version('claude-agent-sdk'))"
    if python.exists():
        found = subprocess.run([python, "-c", probe], capture_output=True, text=True)
        if found.stdout.strip() == version:
            return python
    step("official Python SDK: virtualenv", [sys.executable, "-m", "venv", str(venv)])
    step(
        f"official Python SDK: pip install claude-agent-sdk=={version}",
        [str(python), "-m", "pip", "install", "--quiet", f"claude-agent-sdk=={version}"],
    )
    return python


def official_ts(scratch: Path, version: str) -> str:
    prefix = scratch / f"npm-claude-agent-sdk-{version}"
    package = prefix / "node_modules" / "@anthropic-ai" / "claude-agent-sdk"
    manifest = package / "package.json"
    if not (manifest.exists() and json.loads(manifest.read_text())["version"] == version):
        prefix.mkdir(parents=True, exist_ok=True)
        (prefix / "package.json").write_text('{"private": true}\n')
        step(
            f"official TS SDK: npm install @anthropic-ai/claude-agent-sdk@{version}",
            [
                "npm", "install", "--prefix", str(prefix), "--omit=optional", "--no-audit",
                "--no-fund", "--loglevel=error", f"@anthropic-ai/claude-agent-sdk@{version}",
            ],
        )  # fmt: skip
    exports = json.loads(manifest.read_text()).get("exports", {}).get(".", {})
    entry = exports.get("default", "sdk.mjs") if isinstance(exports, dict) else exports
    return (package / entry).resolve().as_uri()


def prepare(skip_build: bool) -> Paths:
    build(skip_build)
    versions = pinned()
    cache = Path(os.environ.get("CLAUDE_WIRE_CACHE", Path.home() / ".cache" / "claude-wire"))
    scratch = cache / "bench"
    scratch.mkdir(parents=True, exist_ok=True)
    profile = target_dir() / "profiling"
    venv = ROOT / os.environ.get("CLAUDE_WIRE_PY_VENV", ".venv-test")  # as scripts/python-env.sh
    paths = Paths(
        tools=profile,
        driver=profile,
        python=venv / "bin" / "python",
        official_python=official_python(scratch, versions["CLAUDE_AGENT_SDK_PYTHON"]),
        official_ts=official_ts(scratch, versions["CLAUDE_AGENT_SDK_NODE"]),
        cli=Path(step("the pinned CLI", ["bash", "scripts/fetch-cli.sh"])),
        scratch=scratch,
    )
    # pip compiles an installed wheel's bytecode (the official SDK's venv has it); this
    # checkout's package is an editable install, whose bytecode nobody writes when
    # PYTHONDONTWRITEBYTECODE is set, so every import would compile it from source.
    package = ROOT / "bindings-python" / "python" / "claude_wire"
    step(
        "bytecode of the Python package",
        [str(paths.python), "-m", "compileall", "-q", str(package)],
    )
    for binary in ("fake-claude", "floor", "driver", "bench-model-server"):
        if not (profile / binary).exists():
            raise SystemExit(f"bench: {profile / binary} is missing (run without --no-build)")
    return paths
