"""Parity: a program that leaves ``query()`` before its ``ResultMessage`` (``break``) keeps the
conversation on disk, as under the official SDK, which ends the CLI by closing its input and
giving it time to exit (it saves the session then); a later ``resume`` sees the turn."""

from __future__ import annotations

import asyncio
import os
from typing import Any

import pytest

from .harness import Run, cli_path, run_scenario

pytestmark = pytest.mark.skipif(
    cli_path() is None, reason="pinned CLI not fetched (scripts/fetch-cli.sh)"
)

SCRIPT: list[Any] = [{"text": "The answer is 7"}, {"text": "resumed"}]


async def leave_early(run: Run) -> None:
    sdk = run.sdk
    session_id = None
    async for message in sdk.query(prompt="remember 7", options=run.options()):
        run.raw_messages.append(message)
        if isinstance(message, sdk.SystemMessage) and message.subtype == "init":
            session_id = message.data["session_id"]
        if isinstance(message, sdk.AssistantMessage):
            break
    os.environ["CLAUDE_CONFIG_DIR"] = run.options().env["CLAUDE_CONFIG_DIR"]
    transcript: list[str] = []
    for _ in range(80):  # the CLI saves as it exits, after the loop is left
        await asyncio.sleep(0.1)
        found = sdk.get_session_messages(session_id, directory=str(run.cwd))
        transcript = [m.type for m in found]
        if "assistant" in transcript:
            break
    run.extra["transcript"] = transcript
    async for message in sdk.query(prompt="what number?", options=run.options(resume=session_id)):
        run.raw_messages.append(message)


async def test_leaving_query_early_keeps_the_session(monkeypatch: Any) -> None:
    # The scenario points CLAUDE_CONFIG_DIR at its sandbox; this restores it afterwards.
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", os.environ.get("CLAUDE_CONFIG_DIR", ""))
    seen = {}
    for sdk in ["claude_agent_sdk", "claude_wire"]:
        record = await run_scenario(sdk, leave_early, SCRIPT, timeout=60)
        assert record.error is None, (sdk, record.error)
        history = [m["role"] for m in record.requests[-1]["messages"]]
        seen[sdk] = (record.extra["transcript"], history)
    assert seen["claude_wire"] == seen["claude_agent_sdk"]
    transcript, history = seen["claude_wire"]
    assert transcript == ["user", "assistant"]
    # The resumed turn sent the first one to the model.
    assert history.count("assistant") == 1, history
