"""A user's ``Transport`` object in place of the CLI subprocess, as the official SDK allows."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from conftest import wait_no_children
from fake_cli import result_frame

import claude_wire
from claude_wire import ClaudeSDKClient, ResultMessage, SystemMessage, Transport

FAKE = Path(__file__).resolve().parents[1] / "fake_cli" / "fake_claude.py"
INIT = {
    "type": "system",
    "subtype": "init",
    "session_id": "s",
    "cwd": "/",
    "tools": [],
    "mcp_servers": [],
    "model": "m",
    "permissionMode": "default",
    "apiKeySource": "none",
}
RESULT = result_frame(session_id="s", result="done")
TURN = [
    {"answer_initialize": {"via": "transport"}},
    {"expect_stdin": {"type": "user"}},
    {"emit": INIT},
    {"emit": RESULT},
    {"wait_stdin_eof": True},
]


class SubprocessTransport(Transport):
    """Runs the scripted fake CLI with asyncio: the kind of transport users write."""

    def __init__(self, steps: list[dict[str, Any]]) -> None:
        self.steps = steps
        self.calls: list[str] = []
        self.written: list[dict[str, Any]] = []
        self.process: asyncio.subprocess.Process | None = None

    async def connect(self) -> None:
        self.calls.append("connect")
        env = dict(os.environ, FAKE_CLI_SCENARIO=json.dumps(self.steps))
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            str(FAKE),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            env=env,
        )

    async def write(self, data: str) -> None:
        assert self.process and self.process.stdin and data.endswith("\n")
        self.written.append(json.loads(data))
        self.process.stdin.write(data.encode())
        await self.process.stdin.drain()

    async def read_messages(self) -> AsyncIterator[dict[str, Any]]:
        assert self.process and self.process.stdout
        async for line in self.process.stdout:
            if line.strip():
                yield json.loads(line)

    async def end_input(self) -> None:
        self.calls.append("end_input")
        if self.process and self.process.stdin and not self.process.stdin.is_closing():
            self.process.stdin.close()

    async def close(self) -> None:
        self.calls.append("close")
        if self.process and self.process.returncode is None:
            await self.end_input()
            try:
                await asyncio.wait_for(self.process.wait(), 2)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()

    def is_ready(self) -> bool:
        return self.process is not None and self.process.returncode is None


async def test_query_runs_over_a_user_transport() -> None:
    transport = SubprocessTransport(TURN)
    messages = [m async for m in claude_wire.query(prompt="hi", transport=transport)]
    assert [type(m) for m in messages] == [SystemMessage, ResultMessage]
    assert transport.calls[0] == "connect" and "end_input" in transport.calls
    initialize, prompt = transport.written[:2]
    assert initialize["request"]["subtype"] == "initialize"
    assert prompt["message"] == {"role": "user", "content": "hi"}
    assert await wait_no_children() == []


async def test_client_reconnects_over_the_same_transport_object() -> None:
    transport = SubprocessTransport(TURN)
    client = ClaudeSDKClient(transport=transport)
    for _ in range(2):
        await client.connect()
        assert (await client.get_server_info() or {}).get("via") == "transport"
        await client.query("hi")
        assert [type(m) async for m in client.receive_response()] == [SystemMessage, ResultMessage]
        await client.disconnect()
    assert transport.calls.count("connect") == 2 and transport.calls.count("close") == 2
    assert await wait_no_children() == []


class FailingTransport(SubprocessTransport):
    async def read_messages(self) -> AsyncIterator[dict[str, Any]]:
        async for message in super().read_messages():
            yield message
            if message.get("type") == "control_response":
                raise OSError("link down")


async def test_a_failing_transport_is_a_connection_error() -> None:
    with pytest.raises(claude_wire.CLIConnectionError, match="link down"):
        async for _ in claude_wire.query(prompt="hi", transport=FailingTransport(TURN)):
            pass
    assert await wait_no_children() == []


class SlowClose(SubprocessTransport):
    closed_fully = False

    async def close(self) -> None:
        await super().close()
        await asyncio.sleep(0.3)
        self.closed_fully = True


async def test_a_slow_close_runs_once_and_to_its_end() -> None:
    transport = SlowClose(TURN)
    async for _ in claude_wire.query(prompt="hi", transport=transport):
        pass
    # However many ways the session ends by, the user's close() runs once, and is not cut
    # short by the session's own tasks stopping.
    await asyncio.sleep(0.5)
    assert transport.calls.count("close") == 1
    assert transport.closed_fully
    assert await wait_no_children() == []
