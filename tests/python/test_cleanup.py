"""Leaving early, cancelling or dropping a session stops the CLI and reaps it, without warnings."""

from __future__ import annotations

import asyncio
import gc
from typing import Any

import pytest
from conftest import LoopWatch, child_pids, needs_cli, wait_no_children

import claude_wire
from claude_wire import AssistantMessage, ClaudeSDKClient, ResultMessage, SystemMessage
from claude_wire.testing import ModelServer, text

pytestmark = needs_cli

SLOW = [text("slow words " * 60, delay=0.25)]


async def test_break_out_of_async_for(real_options) -> None:
    with ModelServer(SLOW) as server, LoopWatch():
        async for message in claude_wire.query(prompt="go", options=real_options(server)):
            assert child_pids(), "the CLI should be running"
            if isinstance(message, SystemMessage):
                break
        gc.collect()
        assert await wait_no_children() == []


async def test_cancel_the_consuming_task(real_options) -> None:
    started = asyncio.Event()

    async def consume(options: Any) -> None:
        async for message in claude_wire.query(prompt="go", options=options):
            if isinstance(message, SystemMessage):
                started.set()

    with ModelServer(SLOW) as server, LoopWatch():
        task = asyncio.create_task(consume(real_options(server)))
        await asyncio.wait_for(started.wait(), 30)
        await asyncio.sleep(0.2)  # the consumer now waits inside __anext__
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        gc.collect()
        assert await wait_no_children() == []


async def test_aclose(real_options) -> None:
    with ModelServer(SLOW) as server, LoopWatch():
        stream = claude_wire.query(prompt="go", options=real_options(server))
        first = await stream.__anext__()
        assert isinstance(first, SystemMessage)
        await stream.aclose()
        assert await wait_no_children() == []
        with pytest.raises(StopAsyncIteration):
            await stream.__anext__()


async def test_client_garbage_collected_without_disconnect(real_options) -> None:
    with ModelServer([text("hello")]) as server, LoopWatch():
        client = ClaudeSDKClient(real_options(server))
        await client.connect()
        await client.query("hi")
        messages = [m async for m in client.receive_response()]
        assert isinstance(messages[-1], ResultMessage)
        assert child_pids()
        del client
        gc.collect()
        assert await wait_no_children() == []


async def test_full_run_leaves_no_process(real_options) -> None:
    with ModelServer([text("done")]) as server, LoopWatch():
        messages = [m async for m in claude_wire.query(prompt="go", options=real_options(server))]
        assert any(isinstance(m, AssistantMessage) for m in messages)
        assert await wait_no_children() == []


async def test_event_loop_is_not_blocked_while_waiting(real_options) -> None:
    ticks = 0
    stop = asyncio.Event()

    async def ticker() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            await asyncio.sleep(0.01)

    with ModelServer([text("slow " * 20, delay=0.05)]) as server:
        task = asyncio.create_task(ticker())
        [m async for m in claude_wire.query(prompt="go", options=real_options(server))]
        stop.set()
        await task
    assert ticks > 20
