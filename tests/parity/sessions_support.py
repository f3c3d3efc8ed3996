"""Helpers of the session API parity suites: call a function of both SDKs with the same
arguments, turn results into plain data, compare them, and snapshot a config directory with the
ids and times a mutation makes up replaced by placeholders."""

from __future__ import annotations

import dataclasses
import inspect
import json
import os
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import claude_agent_sdk as official

import claude_wire

UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
ISO_RE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)")
BAD_IDS = ["../../etc/passwd", "not-a-uuid", "", "00000000-0000-0000-0000-00000000000g"]
UNKNOWN_ID = "12345678-1234-4234-8234-123456789abc"


SELF_CHECK = os.environ.get("CLAUDE_WIRE_SESSIONS_SELF_CHECK") == "1"
"""Checks the harness itself: "ours" is the official SDK again, so every comparison runs (and
must pass) even before claude_wire has the functions."""


def ours_module() -> Any:
    return official if SELF_CHECK else claude_wire


def ours(name: str) -> Any:
    """``claude_wire.<name>``; a missing name fails the test (the whole official API is due)."""
    value = getattr(ours_module(), name, None)
    assert value is not None, f"claude_wire has no {name}"
    return value


def plain(value: Any) -> Any:
    """Dataclasses (any SDK's) as dicts, tuples as lists, recursively."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


@dataclasses.dataclass
class Outcome:
    value: Any = None
    error: BaseException | None = None

    def describe(self) -> Any:
        if self.error is not None:
            return {"raises": type(self.error).__name__, "text": str(self.error)}
        return self.value


async def outcome(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Outcome:
    """Calls ``fn`` (awaiting the result when it is awaitable)."""
    try:
        result = fn(*args, **kwargs)
        if inspect.isawaitable(result):
            result = await result
    except Exception as exc:
        return Outcome(error=exc)
    return Outcome(value=plain(result))


def first_difference(a: Any, b: Any, path: str = "") -> str | None:
    """Where two JSON-like values first differ."""
    if type(a) is not type(b):
        return f"{path}: {type(a).__name__} != {type(b).__name__}: {a!r:.300} vs {b!r:.300}"
    if isinstance(a, dict):
        for key in sorted(set(a) | set(b), key=str):
            if key not in a or key not in b:
                return f"{path}.{key}: only in {'official' if key in a else 'claude_wire'}"
            found = first_difference(a[key], b[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(a, list):
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            found = first_difference(x, y, f"{path}[{i}]")
            if found:
                return found
        if len(a) != len(b):
            return f"{path}: length {len(a)} != {len(b)}"
        return None
    return None if a == b else f"{path}: {a!r:.300} != {b!r:.300}"


def assert_same_outcome(mine: Outcome, theirs: Outcome, label: str) -> None:
    """Same value, or the same exception: our class is the official one or a subclass of it,
    with the same text."""
    if theirs.error is not None or mine.error is not None:
        assert theirs.error is not None, f"{label}: only claude_wire raised {mine.describe()}"
        assert mine.error is not None, f"{label}: claude_wire did not raise {theirs.describe()}"
        assert isinstance(mine.error, type(theirs.error)), (
            f"{label}: {type(mine.error).__mro__} is not a {type(theirs.error).__name__}"
        )
        assert str(mine.error) == str(theirs.error), label
        return
    diff = first_difference(theirs.value, mine.value)
    assert diff is None, f"{label}: {diff}"


async def compare(name: str, *args: Any, **kwargs: Any) -> Outcome:
    """Calls ``official.<name>`` and ``claude_wire.<name>`` with the same arguments and asserts
    the same outcome. Returns the official one."""
    start = int(time.time() * 1000)
    theirs = await outcome(getattr(official, name), *args, **kwargs)
    mine = await outcome(ours(name), *args, **kwargs)
    # Times read from the clock (a store transcript whose last entry has no timestamp gets
    # "now" as last_modified) cannot match: any time from after the call started is "<now>".
    theirs.value, mine.value = (clock_times(o.value, start) for o in (theirs, mine))
    assert_same_outcome(mine, theirs, f"{name}{args!r:.200}{kwargs!r:.200}")
    return theirs


# --------------------------------------------------------------------------- normalisation


def clock_times(value: Any, since_ms: int) -> Any:
    """``last_modified``/``mtime`` values at or after ``since_ms`` replaced by ``"<now>"``."""
    if isinstance(value, list):
        return [clock_times(v, since_ms) for v in value]
    if isinstance(value, dict):
        return {
            k: "<now>"
            if k in ("last_modified", "mtime") and isinstance(v, int) and v >= since_ms
            else clock_times(v, since_ms)
            for k, v in value.items()
        }
    return value


class Renamer:
    """Replaces UUIDs and ISO times not in ``known`` by placeholders numbered by first
    appearance (so two runs that made up different ids in the same places compare equal)."""

    def __init__(self, known: set[str], fixed: dict[str, str] | None = None) -> None:
        self.known = known
        self.names: dict[str, str] = dict(fixed or {})

    def _uuid(self, match: re.Match[str]) -> str:
        value = match.group(0)
        if value in self.known:
            return value
        if value not in self.names:
            self.names[value] = f"<new-uuid-{len(self.names)}>"
        return self.names[value]

    def _time(self, match: re.Match[str]) -> str:
        return match.group(0) if match.group(0) in self.known else "<now>"

    def text(self, value: str) -> str:
        return ISO_RE.sub(self._time, UUID_RE.sub(self._uuid, value))

    def value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.text(k): self.value(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v) for v in value]
        return value


def known_tokens(config: Path) -> set[str]:
    """Every UUID and ISO time in the files under ``config/projects``."""
    found: set[str] = set()
    for path in (config / "projects").rglob("*"):
        if path.is_file():
            text = path.read_text(errors="replace")
            found.update(UUID_RE.findall(text))
            found.update(ISO_RE.findall(text))
    return found


def snapshot(config: Path, renamer: Renamer) -> dict[str, Any]:
    """The projects directory as {relative path: parsed lines (JSONL) or object (JSON) or
    None (directory)}, with made-up ids and times renamed."""
    root = config / "projects"
    out: dict[str, Any] = {}
    for path in sorted(root.rglob("*"), key=lambda p: renamer.text(str(p.relative_to(root)))):
        rel = renamer.text(str(path.relative_to(root)))
        if path.is_dir():
            out[rel] = None
        elif path.suffix == ".jsonl":
            out[rel] = [
                renamer.value(json.loads(line)) for line in path.read_text().splitlines() if line
            ]
        else:
            out[rel] = renamer.value(json.loads(path.read_text()))
    return out


def without(value: Any, *keys: str) -> Any:
    """``value`` with ``keys`` dropped from every dict in it."""
    if isinstance(value, dict):
        return {k: without(v, *keys) for k, v in value.items() if k not in keys}
    if isinstance(value, list):
        return [without(v, *keys) for v in value]
    return value
