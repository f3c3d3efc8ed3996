"""The conversation chain on odd transcripts: random ones (fixed seeds) with the shapes the
real CLI writes rarely or only when things go wrong (parallel tool calls fanning out, results
parented elsewhere, repeated uuids, cycles, sidechain and meta leaves, missing parents), read
by the official ``claude_agent_sdk`` and by ``claude_wire``: the same messages in the same order.
"""

from __future__ import annotations

import dataclasses
import json
import random
from pathlib import Path
from typing import Any

import claude_agent_sdk as official
import pytest

import claude_wire

PROJECT = "/tmp/chain-random-project"


def uid(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


def transcript(rng: random.Random, size: int) -> list[dict[str, Any]]:
    """Entries over a small pool of uuids, message ids and tool ids, so that they collide."""
    pool = max(4, size * 5 // 4)
    entries: list[dict[str, Any]] = []
    for k in range(size):
        kind = rng.choice(["user", "assistant", "assistant", "user", "progress", "system"])
        if k == 0 or rng.random() < 0.03:
            parent = None
        elif rng.random() < 0.85:
            # Mostly a recent entry, as a real chain (and parallel calls fan out from one).
            parent = entries[-rng.randrange(1, min(4, len(entries)) + 1)]["uuid"]
        else:
            parent = uid(rng.randrange(1, pool + 3))
        entry: dict[str, Any] = {
            "type": kind,
            "uuid": uid(rng.randrange(1, pool)),
            "parentUuid": parent,
            "timestamp": f"2026-01-01T00:00:{rng.randrange(60):02d}.000Z",
            "sessionId": "s",
        }
        if rng.random() < 0.08:
            entry["isSidechain"] = True
        if rng.random() < 0.05:
            entry["isMeta"] = True
        if kind == "assistant":
            block = rng.choice(
                [
                    {"type": "text", "text": f"t{k}"},
                    {"type": "tool_use", "id": f"call{rng.randrange(8)}", "name": "X", "input": {}},
                ]
            )
            entry["message"] = {
                "id": f"msg{k // 3 + rng.randrange(2)}",
                "role": "assistant",
                "content": [block],
            }
        elif kind == "user" and rng.random() < 0.6:
            entry["message"] = {
                "role": "user",
                "content": [{"type": "tool_result", "tool_use_id": f"call{rng.randrange(8)}"}],
            }
            if rng.random() < 0.3:
                entry["sourceToolAssistantUUID"] = uid(rng.randrange(1, pool))
        elif kind == "user":
            entry["message"] = {"role": "user", "content": f"u{k}"}
        entries.append(entry)
    return entries


def as_dicts(messages: list[Any]) -> list[dict[str, Any]]:
    return [dataclasses.asdict(m) for m in messages]


@pytest.mark.parametrize("seed", range(12))
def test_random_transcripts_read_the_same(
    seed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(tmp_path))
    project = tmp_path / "projects" / PROJECT.replace("/", "-")
    project.mkdir(parents=True)
    rng = random.Random(seed)
    for n in range(25):
        session = f"{seed:08d}-0000-4000-8000-{n:012d}"
        entries = transcript(rng, rng.randrange(3, 60))
        (project / f"{session}.jsonl").write_text("".join(json.dumps(e) + "\n" for e in entries))
        theirs = as_dicts(official.get_session_messages(session, directory=PROJECT))
        mine = as_dicts(claude_wire.get_session_messages(session, directory=PROJECT))
        assert mine == theirs, f"seed {seed}, session {n}"
