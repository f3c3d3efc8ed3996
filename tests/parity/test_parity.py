"""Parity: every scenario runs under the official ``claude_agent_sdk`` and under ``claude_wire``,
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
from .scenarios import SCENARIOS

pytestmark = pytest.mark.skipif(
    cli_path() is None, reason="pinned CLI not fetched (scripts/fetch-cli.sh)"
)

try:
    import claude_agent_sdk  # noqa: F401

    HAVE_OFFICIAL = True
except ImportError:  # pragma: no cover - the test script installs it
    HAVE_OFFICIAL = False


def comparable(record: Record, sdk: str) -> dict[str, Any]:
    return {
        "messages": record.messages,
        "calls": record.calls,
        "requests": record.requests,
        "files": record.files,
        "error": record.error,
        "extra": record.extra,
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


@pytest.mark.skipif(not HAVE_OFFICIAL, reason="claude-agent-sdk==0.2.187 not installed")
@pytest.mark.parametrize("name", sorted(SCENARIOS))
async def test_parity(name: str) -> None:
    script, program = SCENARIOS[name]
    official = await run_scenario("claude_agent_sdk", program, script)
    wire = await run_scenario("claude_wire", program, script)
    a, b = comparable(official, "claude_agent_sdk"), comparable(wire, "claude_wire")
    assert a["messages"] or a["extra"], (
        f"the official SDK run recorded nothing (error: {official.error})"
    )
    diff = first_difference(a, b)
    assert diff is None, f"{name}: {diff}"
