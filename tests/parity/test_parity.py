"""Parity: every shared scenario (``tests/scenarios/scenarios.json``) that applies to Python runs
under the official ``claude_agent_sdk`` and under ``claude_wire``,
both driving the real pinned CLI against the scripted model server; the normalised records
(messages, callback calls, model requests, files, errors) must be equal, with no exception: the
core's ``python`` flavour delivers exactly what the official SDK delivers (message types it does
not know are skipped, as it skips them).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from .harness import Record, cli_path, run_scenario
from .scenarios import SCENARIOS, program

pytestmark = pytest.mark.skipif(
    cli_path() is None, reason="pinned CLI not fetched (scripts/fetch-cli.sh)"
)

try:
    import claude_agent_sdk  # noqa: F401

    HAVE_OFFICIAL = True
except ImportError:  # pragma: no cover - the test script installs it
    HAVE_OFFICIAL = False


def split_raises(extra: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """`extra` without the error classes of control calls, and those classes by label."""
    plain, raises = {}, {}
    for label, entry in extra.items():
        if isinstance(entry, dict) and "raises" in entry:
            entry = dict(entry)
            raises[label] = entry.pop("raises")
        plain[label] = entry
    return plain, raises


def comparable(record: Record, sdk: str) -> dict[str, Any]:
    return {
        "messages": record.messages,
        "calls": record.calls,
        "requests": record.requests,
        "files": record.files,
        "error": record.error,
        "extra": split_raises(record.extra)[0],
    }


def first_difference(a: Any, b: Any, path: str = "") -> str | None:
    """Where two JSON-like values first differ (for a readable failure)."""
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
            return f"{path}: length {len(a)} != {len(b)}; extra: {json.dumps((a if len(a) > len(b) else b)[min(len(a), len(b)) :], default=str)[:600]}"
        return None
    return None if a == b else f"{path}: {a!r:.300} != {b!r:.300}"


def lookup(record: dict[str, Any], path: str) -> Any:
    value: Any = record
    for part in path.split("."):
        value = value[part]
    return value


@pytest.mark.skipif(not HAVE_OFFICIAL, reason="claude-agent-sdk==0.2.187 not installed")
@pytest.mark.parametrize("name", sorted(SCENARIOS))
async def test_parity(name: str) -> None:
    scenario = SCENARIOS[name]
    run = program(scenario)
    script, files = scenario["script"], scenario.get("files")
    official = await run_scenario("claude_agent_sdk", run, script, files=files)
    wire = await run_scenario("claude_wire", run, script, files=files)
    a, b = comparable(official, "claude_agent_sdk"), comparable(wire, "claude_wire")
    assert a["messages"] or a["extra"], (
        f"the official SDK run recorded nothing (error: {official.error})"
    )
    # `expect`: a sanity check that the scenario exercises what it claims (on the official run)
    for path, needle in scenario.get("expect", {}).items():
        value = lookup(a, path)
        text = value if isinstance(value, str) else json.dumps(value, default=str)
        assert needle in text, f"{name}: official {path} lacks {needle!r}: {text[:600]}"
    diff = first_difference(a, b)
    assert diff is None, f"{name}: {diff}"
    # The same error class, or a subclass of it (claude_wire's ControlRequestError is a
    # ClaudeSDKError, where the official SDK raises a bare Exception).
    # Control calls too: the official class, or a subclass of it.
    wire_raises = split_raises(wire.extra)[1]
    for label, classes in split_raises(official.extra)[1].items():
        assert classes[0] in wire_raises.get(label, []), (
            f"{name}: {label}: official raises {classes[0]}, claude_wire {wire_raises.get(label)}"
        )
    if official.error_classes:
        assert official.error_classes[0] in wire.error_classes, (
            f"{name}: official raises {official.error_classes[0]}, claude_wire "
            f"{wire.error_classes[0] if wire.error_classes else 'nothing'}"
        )
