"""Shared fixtures: the pinned CLI with the scripted model server, a fake CLI, process checks."""

from __future__ import annotations

import asyncio
import gc
import json
import os
import sys
import time
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

import claude_wire
from claude_wire.testing import ModelServer, isolated_env, pinned_cli_path

sys.path.insert(0, str(Path(__file__).parent))
from fake_cli import make_fake_cli

CLI = pinned_cli_path()
needs_cli = pytest.mark.skipif(CLI is None, reason="pinned CLI not fetched (scripts/fetch-cli.sh)")
MODEL = "claude-test-model"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "project"
    path.mkdir()
    return path


@pytest.fixture
def real_options(tmp_path: Path, project: Path) -> Callable[..., claude_wire.ClaudeAgentOptions]:
    """Options running the pinned CLI, isolated, against a given model server."""

    def make(server: ModelServer, **overrides: Any) -> claude_wire.ClaudeAgentOptions:
        env = isolated_env(server, tmp_path / "env")
        env.update(overrides.pop("env", {}))
        base: dict[str, Any] = {
            "cli_path": str(CLI),
            "cwd": str(project),
            "env": env,
            "model": MODEL,
            "setting_sources": [],
        }
        base.update(overrides)
        return claude_wire.ClaudeAgentOptions(**base)

    return make


@pytest.fixture
def fake_options(tmp_path: Path) -> Callable[..., Any]:
    """Options running the fake CLI that replays ``frames`` (dicts or raw lines)."""
    cli = make_fake_cli(tmp_path)

    def make(
        frames: Iterable[dict[str, Any] | str], sdk: Any = claude_wire, **overrides: Any
    ) -> Any:
        path = tmp_path / f"frames-{time.monotonic_ns()}.jsonl"
        lines = [f if isinstance(f, str) else json.dumps(f) for f in frames]
        path.write_text("".join(line + "\n" for line in lines))
        env = {"FAKE_CLI_FRAMES": str(path)}
        env.update(overrides.pop("env", {}))
        return sdk.ClaudeAgentOptions(cli_path=str(cli), env=env, **overrides)

    return make


def child_pids() -> list[int]:
    """Children of this process (zombies included: an unreaped child still counts)."""
    me = os.getpid()
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == me:
            out.append(int(entry))
    return out


async def wait_no_children(timeout: float = 5.0) -> list[int]:
    """Waits until this process has no children left; returns those still there."""
    deadline = time.monotonic() + timeout
    while (left := child_pids()) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    return left


@pytest.fixture
def loop_problems() -> list[dict[str, Any]]:
    """Collects what the running loop's exception handler sees (destroyed pending tasks, ...)."""
    problems: list[dict[str, Any]] = []
    asyncio.get_event_loop_policy()
    return problems


def install_loop_handler(problems: list[dict[str, Any]]) -> None:
    asyncio.get_running_loop().set_exception_handler(lambda loop, ctx: problems.append(ctx))


class LoopWatch:
    """Records loop exception-handler calls and warnings during a block; on exit, fails on
    "never awaited", "destroyed" (pending task) and "cancel scope" reports."""

    def __enter__(self) -> LoopWatch:
        self.problems: list[Any] = []
        loop = asyncio.get_running_loop()
        self.previous = loop.get_exception_handler()
        loop.set_exception_handler(lambda _loop, context: self.problems.append(context))
        self.catcher = warnings.catch_warnings(record=True)
        self.caught = self.catcher.__enter__()
        warnings.simplefilter("always")
        return self

    def __exit__(self, *exc: Any) -> None:
        gc.collect()
        self.catcher.__exit__(*exc)
        asyncio.get_running_loop().set_exception_handler(self.previous)
        messages = [str(w.message) for w in self.caught] + [
            str(p.get("message")) for p in self.problems
        ]
        assert not [
            m for m in messages if "never awaited" in m or "destroyed" in m or "cancel scope" in m
        ], messages
