"""SessionPool against the real pinned CLI and the scripted model server: warm claims, options
applied by control request or refused, dead warm CLIs replaced, fast failures, closing and
dropping the pool reaping every process, refill."""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import os
import signal
import time
from collections.abc import Callable
from typing import Any

import pytest
from conftest import needs_cli, wait_no_children

import claude_wire
from claude_wire import (
    ClaudeSDKClient,
    CLIConnectionError,
    CLINotFoundError,
    InvalidOptionsError,
    ResultMessage,
    SessionPool,
    SystemMessage,
)
from claude_wire.testing import ModelServer, text, tool_use

pytestmark = needs_cli


async def eventually(check: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.02)


def alive(pid: int) -> bool:
    return os.path.exists(f"/proc/{pid}")  # a zombie still has an entry: gone means reaped


async def first_and_all(messages: Any) -> tuple[float, list[Any]]:
    started = time.perf_counter()
    first: float | None = None
    out = []
    async for message in messages:
        if first is None:
            first = time.perf_counter() - started
        out.append(message)
    assert first is not None
    return first, out


async def test_a_warm_claim_runs_and_starts_sooner_than_a_cold_query(real_options) -> None:
    with ModelServer([text("warm"), text("cold")]) as server:
        options = real_options(server)
        async with SessionPool(options, size=1) as pool:
            await eventually(lambda: pool.stats()["warm"] == 1, "a warm CLI")
            warm, messages = await first_and_all(pool.query(prompt="Hi"))
            assert isinstance(messages[-1], ResultMessage) and messages[-1].result == "warm"
            cold, messages = await first_and_all(claude_wire.query(prompt="Hi", options=options))
            assert isinstance(messages[-1], ResultMessage) and messages[-1].result == "cold"
            assert pool.stats()["claimed"] == 1
    print(f"start to first message: warm {warm * 1000:.0f} ms, cold {cold * 1000:.0f} ms")
    assert warm < cold


async def test_model_and_permission_mode_are_applied_by_control_request(real_options) -> None:
    with ModelServer([text("ok")]) as server:
        options = real_options(server)
        claim = dataclasses.replace(options, model="claim-model", permission_mode="plan")
        async with SessionPool(options) as pool:
            _, messages = await first_and_all(pool.query(prompt="Hi", options=claim))
        init = next(m for m in messages if isinstance(m, SystemMessage) and m.subtype == "init")
        assert init.data["model"] == "claim-model"
        assert init.data["permissionMode"] == "plan"
        assert server.requests[-1]["model"] == "claim-model"


async def test_other_differences_are_refused_by_name(real_options) -> None:
    with ModelServer([]) as server:
        options = real_options(server)
        async with SessionPool(options) as pool:
            with pytest.raises(InvalidOptionsError, match="`max_turns`"):
                pool.query(prompt="Hi", options=dataclasses.replace(options, max_turns=9))
            with pytest.raises(InvalidOptionsError, match="`env`"):
                await pool.client(dataclasses.replace(options, env={"OTHER": "1"}))

            async def hook(*_: Any) -> dict[str, Any]:
                return {}

            hooked = dataclasses.replace(
                options, hooks={"PreToolUse": [claude_wire.HookMatcher(hooks=[hook])]}
            )
            with pytest.raises(InvalidOptionsError, match="`hooks`"):
                pool.query(prompt="Hi", options=hooked)
            assert pool.stats()["claimed"] == 0


async def test_a_dead_warm_cli_is_replaced(real_options) -> None:
    with ModelServer([text("fresh")]) as server:
        async with SessionPool(real_options(server)) as pool:
            await eventually(lambda: pool.stats()["warm"] == 1, "a warm CLI")
            [pid] = pool.warm_pids()
            os.kill(pid, signal.SIGKILL)
            await eventually(lambda: not alive(pid), "the killed CLI reaped")
            _, messages = await first_and_all(pool.query(prompt="Hi"))
            assert messages[-1].result == "fresh"
            stats = pool.stats()
            assert (stats["replaced"], stats["claimed"]) == (1, 1)


async def test_a_missing_cli_fails_the_claim_at_once(tmp_path) -> None:
    options = claude_wire.ClaudeAgentOptions(cli_path="/nonexistent/claude", cwd=str(tmp_path))
    async with SessionPool(options, size=2) as pool:
        started = time.monotonic()
        with pytest.raises(CLINotFoundError):
            async for _ in pool.query(prompt="Hi"):
                pass
        with pytest.raises(CLINotFoundError):
            await pool.client()
        assert time.monotonic() - started < 5


async def test_a_closed_pool_refuses_claims(real_options) -> None:
    with ModelServer([]) as server:
        pool = SessionPool(real_options(server))
        await pool.start()
        await pool.close()
        with pytest.raises(CLIConnectionError, match="closed"):
            async for _ in pool.query(prompt="Hi"):
                pass
        with pytest.raises(CLIConnectionError, match="closed"):
            await pool.client()
        assert pool.stats()["closed"]


async def test_close_and_drop_reap_every_cli(real_options) -> None:
    with ModelServer([]) as server:
        pool = SessionPool(real_options(server), size=2)
        await pool.start()
        await eventually(lambda: pool.stats()["warm"] == 2, "two warm CLIs")
        pids = pool.warm_pids()
        await pool.close()
        assert [pid for pid in pids if alive(pid)] == []

        dropped = SessionPool(real_options(server), size=2)
        await dropped.start()
        while sum(dropped.stats()[k] for k in ("starting", "warm")) < 2:
            await asyncio.sleep(0.02)
        # Claims in flight when the pool goes: they end, and no process is left.
        claims = [asyncio.ensure_future(dropped.client()) for _ in range(3)]
        await asyncio.sleep(0.05)
        del dropped
        gc.collect()
        outcomes = await asyncio.gather(*claims, return_exceptions=True)
        for outcome in outcomes:
            if isinstance(outcome, ClaudeSDKClient):
                await outcome.disconnect()
            else:
                assert isinstance(outcome, CLIConnectionError), outcome
        assert await wait_no_children(10) == []


async def test_a_claimed_client_is_connected_and_the_pool_refills(real_options) -> None:
    with ModelServer([text("from the pool")]) as server:
        async with SessionPool(real_options(server)) as pool:
            await eventually(lambda: pool.stats()["warm"] == 1, "a warm CLI")
            [first] = pool.warm_pids()
            async with await pool.client() as client:
                assert alive(first), "entering took up the claimed CLI, it did not restart"
                await eventually(lambda: pool.stats()["warm"] == 1, "a refill")
                assert pool.warm_pids() != [first]
                await client.query("Hi")
                replies = [m async for m in client.receive_response()]
                assert isinstance(replies[-1], ResultMessage)
                assert replies[-1].result == "from the pool"
            await eventually(lambda: not alive(first), "the claimed CLI reaped")


async def test_the_pools_callbacks_answer_a_claimed_session(real_options, project) -> None:
    asked: list[str] = []
    hooked: list[str] = []

    async def can_use_tool(name: str, tool_input: dict[str, Any], context: Any) -> Any:
        asked.append(name)
        await asyncio.sleep(0)  # runs on this loop: awaiting works
        return claude_wire.PermissionResultAllow()

    async def pre(hook_input: dict[str, Any], tool_use_id: str | None, context: Any) -> Any:
        hooked.append(hook_input["hook_event_name"])
        return {}

    script = [tool_use("Bash", {"command": "touch made.txt"}), text("finished")]
    with ModelServer(script) as server:
        options = real_options(
            server,
            can_use_tool=can_use_tool,
            hooks={"PreToolUse": [claude_wire.HookMatcher(hooks=[pre])]},
        )
        async with SessionPool(options) as pool:
            await eventually(lambda: pool.stats()["warm"] == 1, "a warm CLI")
            # The pool's own options object: nothing differs, callbacks included.
            _, messages = await first_and_all(pool.query(prompt="make a file", options=options))
    assert messages[-1].result == "finished"
    assert asked == ["Bash"] and hooked == ["PreToolUse"]
    assert (project / "made.txt").exists()
