"""Parity harness: run one scenario program against an SDK module and record what happened.

The scenarios are data (``tests/scenarios/scenarios.json``, shared with the Node runner
``tests/parity/parity.test.mjs``); ``scenarios.py`` turns one into an ``async def program(run)``
written against the public API of ``run.sdk`` (``claude_agent_sdk`` or ``claude_wire``). It builds
options with ``run.options(...)``, consumes messages into ``run.raw_messages``, logs callback calls
with ``run.call(...)`` and control results in ``run.extra``. The harness then returns a normalised
:class:`Record` (ids, timings and sandbox paths removed) that can be compared across SDKs. The
same normalisation is implemented for Node in ``tests/parity/normalise.mjs``: keep them in step.
"""

from __future__ import annotations

import asyncio
import dataclasses
import importlib
import os
import re
import shutil
import signal
import tempfile
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from claude_wire.testing import ModelServer, Reply, isolated_env, pinned_cli_path

SDK_MODULES = ("claude_agent_sdk", "claude_wire")
MODEL = "claude-parity-test"

# Keys whose values differ from run to run (ids, timings, per-process facts).
VOLATILE_KEYS = frozenset(
    {
        "uuid",
        "session_id",
        "message_id",
        "duration_ms",
        "duration_api_ms",
        "request_id",
        "timestamp",
        "transcript_path",
        "pid",
        "prompt_id",
        "user_message_uuid",
        "user_message_uuids",
        "new_conversation_id",
        "agent_transcript_path",
        "memory_paths",
        "metadata",
        "fast_mode_state",
        "messaging_socket_path",
        "ttft_ms",
        "ttft_stream_ms",
        "time_to_request_ms",
        "first_content_frame_ms",
        "total_duration_ms",
        "total_api_duration_ms",
    }
)
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
TOOLU_RE = re.compile(r"toolu_[A-Za-z0-9]+")
MSG_RE = re.compile(r"\bmsg_[A-Za-z0-9]+")  # message ids (the model server's are random)
DATE_RE = re.compile(r"\b20\d\d-\d\d-\d\d\b")


@dataclasses.dataclass
class Record:
    """What one scenario run produced, normalised."""

    messages: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    calls: list[Any] = dataclasses.field(default_factory=list)
    requests: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    files: dict[str, str] = dataclasses.field(default_factory=dict)
    error: str | None = None
    # The error's class and its bases: claude_wire may raise a subclass of the official class.
    error_classes: list[str] = dataclasses.field(default_factory=list)
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)


class Run:
    """Everything a scenario needs: the SDK module, a sandbox, the model server, the record."""

    def __init__(self, sdk: ModuleType, root: Path, server: ModelServer, cli: Path) -> None:
        self.sdk = sdk
        self.root = root
        self.cwd = root / "project"
        self.cwd.mkdir(parents=True, exist_ok=True)
        self.server = server
        self.cli = cli
        self.raw_messages: list[Any] = []
        self._calls: list[Any] = []
        self.extra: dict[str, Any] = {}

    def options(self, **overrides: Any) -> Any:
        """``ClaudeAgentOptions`` for an isolated run of the pinned CLI against the server."""
        env = isolated_env(self.server, self.root / "env")
        env.update(overrides.pop("env", {}))
        base: dict[str, Any] = {
            "cli_path": str(self.cli),
            "cwd": str(self.cwd),
            "env": env,
            "model": MODEL,
            "setting_sources": [],
        }
        base.update(overrides)
        return self.sdk.ClaudeAgentOptions(**base)

    def call(self, kind: str, *args: Any) -> None:
        """Logs one callback invocation."""
        self._calls.append([kind, *args])

    def record(self, error: BaseException | None) -> Record:
        scrub = Scrubber(self.root)
        return Record(
            messages=[scrub(message_dict(m)) for m in self.raw_messages],
            calls=scrub(self._calls),
            requests=[scrub(request_view(r)) for r in self.server.requests],
            files=scrub(read_files(self.cwd)),
            error=None if error is None else scrub(str(error)),
            error_classes=[] if error is None else [c.__name__ for c in type(error).__mro__],
            extra=scrub(self.extra),
        )


Scenario = Callable[[Run], Awaitable[None]]


def load_sdk(name: str) -> ModuleType:
    """Imports an SDK module by name."""
    return importlib.import_module(name)


def cli_path() -> Path | None:
    """The pinned CLI, if fetched."""
    return pinned_cli_path()


async def run_scenario(
    sdk_name: str,
    scenario: Scenario,
    script: Sequence[Reply],
    timeout: float = 60.0,
    files: dict[str, str] | None = None,
) -> Record:
    """Runs ``scenario`` with the SDK named ``sdk_name`` against a fresh server and sandbox.

    ``{cwd}`` in the script's strings stands for the sandbox project directory; ``files`` are
    written there before the run.
    """
    cli = cli_path()
    if cli is None:
        raise RuntimeError("the pinned CLI is missing: run scripts/fetch-cli.sh")
    sdk = load_sdk(sdk_name)
    # the same prefix for every SDK: path lengths show in token counts (getContextUsage)
    root = Path(tempfile.mkdtemp(prefix="parity-"))
    error: BaseException | None = None
    try:
        cwd = root / "project"
        cwd.mkdir(parents=True)
        for name, content in (files or {}).items():
            (cwd / name).write_text(content)
        with ModelServer(substitute(list(script), cwd)) as server:
            run = Run(sdk, root, server, cli)
            try:
                await asyncio.wait_for(scenario(run), timeout)
            except Exception as exc:  # the error itself is part of the record
                error = exc
            return run.record(error)
    finally:
        kill_leftovers(root)
        shutil.rmtree(root, ignore_errors=True)


def substitute(value: Any, cwd: Path) -> Any:
    """``value`` with ``{cwd}`` in its strings replaced by the sandbox project directory."""
    if isinstance(value, str):
        return value.replace("{cwd}", str(cwd))
    if isinstance(value, dict):
        return {k: substitute(v, cwd) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, cwd) for v in value]
    return value


def kill_leftovers(root: Path) -> list[int]:
    """Kills the processes a run left behind: those whose working directory is in its sandbox
    (the CLIs it started, and their children). Returns their pids."""
    roots = {str(root), os.path.realpath(root)}
    killed = []
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else ():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cwd = os.readlink(entry / "cwd")
        except OSError:
            continue
        if any(cwd == r or cwd.startswith(r + os.sep) for r in roots):
            try:
                os.kill(int(entry.name), signal.SIGKILL)
                killed.append(int(entry.name))
            except OSError:
                pass
    return killed


def message_dict(message: Any) -> dict[str, Any]:
    """A message as ``{"class": name, **fields}`` (nested dataclasses become dicts)."""
    if dataclasses.is_dataclass(message) and not isinstance(message, type):
        fields = {f.name: to_plain(getattr(message, f.name)) for f in dataclasses.fields(message)}
    else:
        fields = {"repr": repr(message)}
    return {"class": type(message).__name__, **fields}


def to_plain(value: Any) -> Any:
    """Dataclasses to dicts (tagged with their class), recursively."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return message_dict(value)
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    return value


def request_view(body: dict[str, Any]) -> dict[str, Any]:
    """The parts of a Messages API request that tell what the model was asked."""
    tools = body.get("tools") or []
    return {
        "model": body.get("model"),
        "messages": body.get("messages"),
        "system": body.get("system"),
        "tools": sorted(t.get("name", "?") for t in tools),
        "mcp_tools": {
            t["name"]: t.get("input_schema") for t in tools if t.get("name", "").startswith("mcp__")
        },
        "max_tokens": body.get("max_tokens"),
        "thinking": body.get("thinking"),
        "output_config": body.get("output_config"),
    }


def read_files(cwd: Path) -> dict[str, str]:
    """Every file the run left in the sandbox project directory."""
    out: dict[str, str] = {}
    for path in sorted(cwd.rglob("*")):
        if path.is_file() and ".claude" not in path.relative_to(cwd).parts:
            out[str(path.relative_to(cwd))] = path.read_text(errors="replace")[:2000]
    return out


class Scrubber:
    """Removes volatile keys and replaces sandbox paths, uuids and dates with placeholders."""

    def __init__(self, root: Path) -> None:
        self.roots = sorted({str(root), os.path.realpath(root)}, key=len, reverse=True)

    def __call__(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: self(v) for k, v in value.items() if k not in VOLATILE_KEYS}
        if isinstance(value, list):
            return [self(v) for v in value]
        if isinstance(value, str):
            for root in self.roots:
                value = value.replace(root, "<root>")
            value = UUID_RE.sub("<uuid>", value)
            value = TOOLU_RE.sub("<toolu>", value)
            value = MSG_RE.sub("<msg>", value)
            return DATE_RE.sub("<date>", value)
        return value
