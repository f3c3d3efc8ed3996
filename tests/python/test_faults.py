"""Fault injection against scripted fake CLIs: crashes, silent exits, floods of stderr, garbage and
oversized lines, stalls, a closed stdout, a missing initialize answer, misbehaving callbacks,
cancellation at every await point, exceptions and exits inside ``async for``, ``fork``, a second
event loop, and a soak of 1,000 sequential and 200 concurrent sessions.

No real CLI is needed: the fakes are ``tests/fake_cli/fake_claude.py`` (scripted steps),
``tests/fake_cli/quick_claude.sh`` (soak) and small Python scripts written per test. Every test is
bounded in time (``asyncio.wait_for`` or a subprocess timeout), so a hang fails instead of blocking.
"""

from __future__ import annotations

import asyncio
import gc
import itertools
import json
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import LoopWatch, child_pids, wait_no_children
from fake_cli import result_frame

import claude_wire
from claude_wire import (
    ClaudeAgentOptions,
    ClaudeSDKClient,
    PermissionResultAllow,
    SystemMessage,
)

REPO = Path(__file__).resolve().parents[2]
FAKE = REPO / "tests" / "fake_cli" / "fake_claude.py"
QUICK = REPO / "tests" / "fake_cli" / "quick_claude.sh"
# How long a CLI that ignores the end of its input may take to be gone: the Python SDK's 5 s
# grace before it is terminated, and room for a loaded machine.
GRACE_AND_MARGIN = 10.0

S = {"session_id": "s1"}
INIT = {
    "type": "system",
    "subtype": "init",
    "cwd": "/",
    "tools": [],
    "mcp_servers": [],
    "model": "m",
    "permissionMode": "default",
    "apiKeySource": "none",
    **S,
}
ASSISTANT = {
    "type": "assistant",
    "parent_tool_use_id": None,
    **S,
    "message": {
        "id": "msg_1",
        "model": "m",
        "role": "assistant",
        "content": [{"type": "text", "text": "hi"}],
    },
}
RESULT = result_frame(result="ok", total_cost_usd=0, **S)
PERMISSION_REQUEST = {
    "type": "control_request",
    "request_id": "r1",
    "request": {
        "subtype": "can_use_tool",
        "tool_name": "Bash",
        "input": {"command": "x"},
        "permission_suggestions": [],
        "tool_use_id": "t1",
    },
}
CANCEL_REQUEST = {"type": "control_cancel_request", "request_id": "r1"}

# Handshake, the user message, the init message: what every turn of a fake session starts with.
START = [{"answer_initialize": {}}, {"expect_stdin": None}, {"emit": INIT}]
# Ends a turn: the result, then wait until the SDK closes stdin.
FINISH = [{"emit": RESULT}, {"wait_stdin_eof": True}]

# Lines on stderr of a subprocess that point at a crash or a misbehaving destructor.
BAD_STDERR = (
    "Fatal Python error",
    "panicked",
    "Exception ignored",
    "never awaited",
    "Event loop is closed",
    "Task was destroyed",
)


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


@pytest.fixture
def fake_wrapper(tmp_path: Path) -> Path:
    """An executable that runs the scripted fake CLI (fake_claude.py)."""
    wrapper = tmp_path / "claude"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{FAKE}" "$@"\n')
    wrapper.chmod(0o755)
    return wrapper


@pytest.fixture
def fake(tmp_path: Path, fake_wrapper: Path) -> Callable[..., ClaudeAgentOptions]:
    """Options running the fake CLI with a scenario (a list of steps).

    The scenario goes through a file (FAKE_CLI_SCENARIO_FILE): a deeply nested line does not fit
    in one environment variable (E2BIG)."""
    counter = itertools.count()

    def make(steps: list[dict[str, Any]], **overrides: Any) -> ClaudeAgentOptions:
        path = tmp_path / f"scenario-{next(counter)}.json"
        path.write_text(json.dumps(steps))
        env = {"FAKE_CLI_SCENARIO_FILE": str(path)}
        env.update(overrides.pop("env", {}))
        return ClaudeAgentOptions(cli_path=str(fake_wrapper), env=env, **overrides)

    return make


SCRIPT_PRELUDE = r"""
import json, os, sys, time

def read_line():
    return sys.stdin.buffer.readline()

def write(data):
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()

request = json.loads(read_line())
write(json.dumps({"type": "control_response", "response": {
    "subtype": "success", "request_id": request["request_id"], "response": {}}}).encode() + b"\n")
read_line()  # the user message
write(b'{"type":"system","subtype":"init","session_id":"s1"}\n')
"""


@pytest.fixture
def script_cli(tmp_path: Path) -> Callable[[str], ClaudeAgentOptions]:
    """Options running a one-off Python fake CLI: answers initialize, reads the user message,
    writes an init message, then runs ``body`` (which has ``read_line()`` and ``write(bytes)``)."""
    counter = itertools.count()

    def make(body: str, **overrides: Any) -> ClaudeAgentOptions:
        path = tmp_path / f"cli-{next(counter)}.py"
        path.write_text(f"#!{sys.executable}\n" + SCRIPT_PRELUDE + textwrap.dedent(body))
        path.chmod(0o755)
        return ClaudeAgentOptions(cli_path=str(path), **overrides)

    return make


async def drain(
    options: ClaudeAgentOptions, prompt: Any = "go", timeout: float = 30.0
) -> tuple[list[Any], BaseException | None]:
    """Runs a query to its end; returns the messages received and the exception it raised."""
    got: list[Any] = []

    async def run() -> None:
        async for message in claude_wire.query(prompt=prompt, options=options):
            got.append(message)

    try:
        await asyncio.wait_for(run(), timeout)
    except asyncio.TimeoutError:
        pytest.fail(f"the query hung for {timeout}s; received {[type(m).__name__ for m in got]}")
    except Exception as error:
        return got, error
    return got, None


def kinds(messages: list[Any]) -> list[str]:
    return [type(m).__name__ for m in messages]


def echoes(messages: list[Any]) -> list[dict[str, Any]]:
    """What the fake read back from stdin (``echo_stdin``): the SDK's own lines."""
    return [
        m.data["data"] for m in messages if isinstance(m, SystemMessage) and m.subtype == "echo"
    ]


async def leftover_tasks(timeout: float = 2.0) -> list[asyncio.Task[Any]]:
    """Waits until no asyncio task but the current one is pending; returns those still pending."""
    me = asyncio.current_task()
    deadline = time.monotonic() + timeout
    while True:
        left = [t for t in asyncio.all_tasks() if t is not me and not t.done()]
        if not left or time.monotonic() > deadline:
            return left
        await asyncio.sleep(0.02)


def process_gone(pid: int) -> bool:
    """True when the pid no longer runs (a zombie counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] in ("Z", "X")


def wait_gone(pid: int, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while not process_gone(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


# --------------------------------------------------------------------------------------------
# The CLI dies, exits early, or fails
# --------------------------------------------------------------------------------------------


async def test_cli_killed_mid_stream_is_process_error_minus_9(fake) -> None:
    steps = [
        *START,
        {"emit": ASSISTANT},
        {"emit_many": {"count": 100, "message": {"type": "system", "subtype": "progress"}}},
        {"crash": "SIGKILL"},
    ]
    got, error = await drain(fake(steps))
    assert isinstance(error, claude_wire.ProcessError), repr(error)
    assert error.exit_code == -9
    assert "Command failed with exit code -9" in str(error)
    assert kinds(got) == ["SystemMessage", "AssistantMessage"] + ["SystemMessage"] * 100
    assert [m.data["seq"] for m in got[2:]] == list(range(100))
    assert await wait_no_children() == []


async def test_clean_exit_without_result_is_connection_error(fake) -> None:
    got, error = await drain(fake([*START, {"emit": ASSISTANT}, {"exit": 0}]))
    assert isinstance(error, claude_wire.CLIConnectionError), repr(error)
    assert not isinstance(error, claude_wire.ProcessError)
    assert "result" in str(error)
    assert kinds(got) == ["SystemMessage", "AssistantMessage"]
    assert await wait_no_children() == []


async def test_nonzero_exit_with_stderr_is_process_error(fake) -> None:
    got, error = await drain(fake([*START, {"stderr": "fatal: disk on fire"}, {"exit": 3}]))
    assert isinstance(error, claude_wire.ProcessError), repr(error)
    assert not isinstance(error, claude_wire.ResultError)
    assert error.exit_code == 3
    assert "disk on fire" in (error.stderr or "")
    assert "disk on fire" in str(error)
    assert kinds(got) == ["SystemMessage"]


async def test_100mb_of_stderr_does_not_block_and_keeps_a_short_tail(fake) -> None:
    count = 2_000_000
    text = "e" * 45  # ~50 bytes a line: ~100 MB
    started = time.monotonic()
    got, error = await drain(
        fake([*START, {"stderr_many": {"count": count, "text": text}}, {"exit": 3}]), timeout=120
    )
    elapsed = time.monotonic() - started
    assert isinstance(error, claude_wire.ProcessError), repr(error)
    assert error.exit_code == 3
    assert kinds(got) == ["SystemMessage"]
    tail = error.stderr or ""
    assert 0 < len(tail.encode()) <= 64 * 1024
    assert tail.rstrip().endswith(f"{text} {count - 1}")
    assert len(str(error)) <= 1200, len(str(error))
    assert str(error).rstrip().endswith(f"{text} {count - 1}")
    print(
        f"\n100 MB stderr: {elapsed:.1f}s, .stderr {len(tail)} chars, str(err) {len(str(error))} chars"
    )
    assert await wait_no_children() == []


# --------------------------------------------------------------------------------------------
# What the CLI writes is not what it should be
# --------------------------------------------------------------------------------------------


async def test_noise_lines_not_starting_with_a_brace_are_skipped(fake) -> None:
    noise = "Loading...\n\n   \nWarning: something odd\n\x1b[2K\x1b[1Gspinner\n[1, 2]\nnull\n"
    got, error = await drain(
        fake(
            [
                *START,
                {"emit_raw": noise},
                {"emit": ASSISTANT},
                {"emit_raw": "more noise\n"},
                *FINISH,
            ]
        )
    )
    assert error is None, repr(error)
    assert kinds(got) == ["SystemMessage", "AssistantMessage", "ResultMessage"]


async def test_invalid_json_line_raises_decode_error_and_abandoned_cli_is_stopped(fake) -> None:
    steps = [
        *START,
        {"emit_many": {"count": 50, "message": {"type": "system", "subtype": "progress"}}},
        {"emit_raw": '{"type": "assistant", "message": {broken\n'},
        {"hang": True},
    ]
    got, error = await drain(fake(steps))
    assert isinstance(error, claude_wire.CLIJSONDecodeError), repr(error)
    assert "broken" in error.line
    assert kinds(got) == ["SystemMessage"] + ["SystemMessage"] * 50
    assert [m.data["seq"] for m in got[1:]] == list(range(50))
    # The stream was dropped by the failing `async for`: the hanging CLI must be stopped.
    assert await wait_no_children(GRACE_AND_MARGIN) == []


async def test_invalid_utf8_inside_a_json_line_raises_decode_error(script_cli) -> None:
    options = script_cli(r"""
        write(b'{"type":"system","subtype":"progress","seq":0}\n')
        write(b'{"type":"progress","text":"\xff\xfe bad bytes"}\n')
        time.sleep(60)
    """)
    got, error = await drain(options)
    assert isinstance(error, claude_wire.CLIJSONDecodeError), repr(error)
    assert kinds(got) == ["SystemMessage", "SystemMessage"]
    assert await wait_no_children(GRACE_AND_MARGIN) == []


async def test_invalid_utf8_then_the_stream_goes_on(script_cli) -> None:
    options = script_cli(r"""
        write(b'{"type":"progress","text":"\xc3\x28"}\n')
        write(b'{"type":"result","subtype":"success","is_error":false,"duration_ms":1,'
              b'"duration_api_ms":1,"num_turns":1,"session_id":"s1","result":"ok"}\n')
        while read_line():
            pass
    """)
    stream = claude_wire.query(prompt="go", options=options)
    first = await asyncio.wait_for(stream.__anext__(), 10)
    assert isinstance(first, SystemMessage)
    with pytest.raises(claude_wire.CLIJSONDecodeError):
        await asyncio.wait_for(stream.__anext__(), 10)

    async def rest() -> list[Any]:
        return [m async for m in stream]

    assert kinds(await asyncio.wait_for(rest(), 10)) == ["ResultMessage"]
    assert await wait_no_children() == []


async def test_200mb_line_with_a_large_buffer(fake) -> None:
    size = 200_000_000
    steps = [*START, {"emit_huge": {"bytes": size, "type": "system", "subtype": "huge"}}, *FINISH]
    got, error = await drain(fake(steps, max_buffer_size=256 << 20), timeout=120)
    assert error is None, repr(error)
    assert kinds(got) == ["SystemMessage", "SystemMessage", "ResultMessage"]
    huge = got[1]
    assert huge.subtype == "huge"
    assert len(huge.data["data"]) == size
    assert huge.data["data"][:10] == "x" * 10 and huge.data["data"][-10:] == "x" * 10
    del got, huge
    gc.collect()
    assert await wait_no_children() == []


async def test_200mb_line_over_the_default_buffer_is_a_decode_error_and_nothing_hangs(fake) -> None:
    steps = [*START, {"emit_huge": {"bytes": 200000000, "type": "huge"}}, *FINISH]
    stream = claude_wire.query(prompt="go", options=fake(steps))
    assert isinstance(await asyncio.wait_for(stream.__anext__(), 10), SystemMessage)
    with pytest.raises(claude_wire.CLIJSONDecodeError) as info:
        await asyncio.wait_for(stream.__anext__(), 60)
    # The official SDK's wording: the limit in the text, the line's size in the cause.
    limit = 64 << 20  # claude-wire's default (the official SDK's is 1 MiB)
    assert str(info.value) == (
        f"Failed to decode JSON: JSON message exceeded maximum buffer size of {limit} bytes..."
    )
    assert str(info.value.original_error).startswith("Buffer size ")
    assert str(info.value.original_error).endswith(f" exceeds limit {limit}")

    async def rest() -> list[Any]:
        return [m async for m in stream]

    # The oversized line is skipped; the session goes on to its result.
    assert kinds(await asyncio.wait_for(rest(), 60)) == ["ResultMessage"]
    assert await wait_no_children() == []


async def test_line_nested_100000_deep_is_a_decode_error(fake) -> None:
    deep = '{"type":"deep","d":' + "[" * 100_000 + "]" * 100_000 + "}\n"
    steps = [*START, {"emit_raw": deep}, {"emit": ASSISTANT}, *FINISH]
    stream = claude_wire.query(prompt="go", options=fake(steps))
    assert isinstance(await asyncio.wait_for(stream.__anext__(), 10), SystemMessage)
    with pytest.raises(claude_wire.CLIJSONDecodeError):
        await asyncio.wait_for(stream.__anext__(), 30)

    async def rest() -> list[Any]:
        return [m async for m in stream]

    assert kinds(await asyncio.wait_for(rest(), 30)) == ["AssistantMessage", "ResultMessage"]
    assert await wait_no_children() == []


# --------------------------------------------------------------------------------------------
# The CLI goes silent
# --------------------------------------------------------------------------------------------


async def test_hang_after_init_with_stall_timeout(fake) -> None:
    started = time.monotonic()
    got, error = await drain(fake([*START, {"hang": True}], stall_timeout=1.0))
    elapsed = time.monotonic() - started
    assert isinstance(error, claude_wire.CLIConnectionError), repr(error)
    assert "stall" in str(error)
    assert kinds(got) == ["SystemMessage"]
    assert elapsed < 5.0, elapsed
    # A stalled CLI is killed at once: a graceful close would only wait for it.
    left = await wait_no_children(1.0)
    lag = time.monotonic() - started - elapsed
    print(f"\nstall: error after {elapsed:.1f}s, CLI gone {lag:.1f}s after the error")
    assert left == []


async def test_cli_closes_stdout_and_keeps_running(script_cli, tmp_path: Path) -> None:
    pid_file = tmp_path / "closed-stdout.pid"
    options = script_cli(f"""
        open({str(pid_file)!r}, "w").write(str(os.getpid()))
        os.close(1)
        time.sleep(60)
    """)
    started = time.monotonic()
    got, error = await drain(options)
    elapsed = time.monotonic() - started
    assert isinstance(error, claude_wire.CLIConnectionError), repr(error)
    assert kinds(got) == ["SystemMessage"]
    assert elapsed < 8.0, elapsed
    print(f"\nclosed stdout: {type(error).__name__} after {elapsed:.1f}s: {error}")
    assert process_gone(int(pid_file.read_text())), "the CLI that closed stdout was not killed"
    assert await wait_no_children(2.0) == []


async def test_initialize_never_answered_with_control_timeout(fake) -> None:
    started = time.monotonic()
    got, error = await drain(fake([{"hang": True}], control_timeout=1.0))
    elapsed = time.monotonic() - started
    assert isinstance(error, claude_wire.ControlRequestError), repr(error)
    assert "initialize" in str(error)
    assert got == []
    assert elapsed < 5.0, elapsed
    assert await wait_no_children(2.0) == []


async def test_client_connect_initialize_never_answered_with_control_timeout(fake) -> None:
    client = ClaudeSDKClient(fake([{"hang": True}], control_timeout=1.0))
    started = time.monotonic()
    with pytest.raises(claude_wire.ControlRequestError, match="initialize"):
        await asyncio.wait_for(client.connect(), 10)
    assert time.monotonic() - started < 5.0
    assert await wait_no_children(2.0) == []
    with pytest.raises(claude_wire.CLIConnectionError, match="Not connected"):
        await client.query("hi")


# --------------------------------------------------------------------------------------------
# Callbacks misbehave
# --------------------------------------------------------------------------------------------

CALLBACK_TURN = [
    *START,
    {"emit": PERMISSION_REQUEST},
    {"echo_stdin": {"count": 1, "system": True}},
    *FINISH,
]


async def test_can_use_tool_that_raises_answers_an_error(fake) -> None:
    async def raises(name: str, tool_input: dict[str, Any], context: Any) -> Any:
        raise RuntimeError("boom in callback")

    with LoopWatch():
        got, error = await drain(fake(CALLBACK_TURN, can_use_tool=raises))
        assert error is None, repr(error)
        assert kinds(got)[-1] == "ResultMessage"
        [answer] = echoes(got)
        assert answer["type"] == "control_response"
        assert answer["response"]["subtype"] == "error"
        assert answer["response"]["request_id"] == "r1"
        assert "boom in callback" in answer["response"]["error"]
        assert await leftover_tasks() == []


async def test_can_use_tool_that_returns_garbage_answers_an_error(fake) -> None:
    async def garbage(name: str, tool_input: dict[str, Any], context: Any) -> Any:
        return 42

    with LoopWatch():
        got, error = await drain(fake(CALLBACK_TURN, can_use_tool=garbage))
        assert error is None, repr(error)
        assert kinds(got)[-1] == "ResultMessage"
        [answer] = echoes(got)
        assert answer["response"]["subtype"] == "error"
        assert answer["response"]["request_id"] == "r1"
        assert "PermissionResult" in answer["response"]["error"]
        assert await leftover_tasks() == []


def hanging_callback(seen: list[str], called: asyncio.Event | None = None) -> Any:
    """A ``can_use_tool`` that never returns; records "called" and "cancelled" in ``seen``."""

    async def hangs(name: str, tool_input: dict[str, Any], context: Any) -> Any:
        seen.append("called")
        if called is not None:
            called.set()
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            seen.append("cancelled")
            raise
        return PermissionResultAllow()

    return hangs


async def test_can_use_tool_that_hangs_is_cancelled_by_callback_timeout(fake) -> None:
    seen: list[str] = []

    hangs = hanging_callback(seen)

    with LoopWatch():
        started = time.monotonic()
        got, error = await drain(fake(CALLBACK_TURN, can_use_tool=hangs, callback_timeout=0.5))
        elapsed = time.monotonic() - started
        assert error is None, repr(error)
        assert kinds(got)[-1] == "ResultMessage"
        [answer] = echoes(got)
        assert answer["response"]["subtype"] == "error"
        assert "timed out" in answer["response"]["error"]
        assert elapsed < 5.0, elapsed
        assert seen == ["called", "cancelled"]
        assert await leftover_tasks() == []


async def test_control_cancel_request_cancels_the_running_callback(fake) -> None:
    seen: list[str] = []
    steps = [
        *START,
        {"emit": PERMISSION_REQUEST},
        {"sleep": 0.5},
        {"emit": CANCEL_REQUEST},
        {"sleep": 0.5},
        *FINISH,
    ]

    hangs = hanging_callback(seen)

    with LoopWatch():
        got, error = await drain(fake(steps, can_use_tool=hangs))
        assert error is None, repr(error)
        assert kinds(got) == ["SystemMessage", "ResultMessage"]
        assert seen == ["called", "cancelled"]
        assert await leftover_tasks() == []
        assert await wait_no_children() == []


# --------------------------------------------------------------------------------------------
# Cancellation at every await point
# --------------------------------------------------------------------------------------------


async def cancel_and_check(
    task: asyncio.Task[Any], limit: float = 2.5, children_limit: float | None = None
) -> None:
    """Cancels ``task``; within ``limit`` seconds of the cancel (no gc.collect()) the task must
    have ended, and within ``children_limit`` (default: ``limit``) no CLI nor any other asyncio
    task may be left."""
    children_limit = limit if children_limit is None else children_limit
    cancelled_at = time.monotonic()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, 10)
    task_done = time.monotonic() - cancelled_at
    left = await wait_no_children(children_limit)
    children_gone = time.monotonic() - cancelled_at
    print(
        f"\ncancelled task ended {task_done:.2f}s after cancel(), children gone after {children_gone:.2f}s"
    )
    assert left == []
    assert await leftover_tasks(2.0) == []
    assert task_done <= limit, f"the cancelled task took {task_done:.1f}s to end"
    assert children_gone <= children_limit, f"the CLI outlived the cancel by {children_gone:.1f}s"


async def wait_for_child(timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not child_pids():
        assert time.monotonic() < deadline, "the CLI never started"
        await asyncio.sleep(0.02)


async def test_cancel_while_the_cli_is_starting(fake) -> None:
    options = fake([{"sleep": 2}, *START, *FINISH])

    async def consume() -> None:
        async for _ in claude_wire.query(prompt="go", options=options):
            pass

    with LoopWatch():
        task = asyncio.create_task(consume())
        await wait_for_child()
        await asyncio.sleep(0.3)
        assert not task.done()
        await cancel_and_check(task)


async def test_cancel_while_awaiting_the_next_message(fake) -> None:
    options = fake([*START, {"hang": True}])
    started = asyncio.Event()

    async def consume() -> None:
        async for message in claude_wire.query(prompt="go", options=options):
            if isinstance(message, SystemMessage):
                started.set()

    with LoopWatch():
        task = asyncio.create_task(consume())
        await asyncio.wait_for(started.wait(), 10)
        await asyncio.sleep(0.2)  # the consumer now waits inside __anext__
        # A query ends as the official SDK ends it: input closed, the CLI given 5 s to exit
        # (it saves the conversation then), then terminated. This fake ignores its input.
        await cancel_and_check(task, children_limit=7.5)


async def test_cancel_while_a_callback_is_running(fake) -> None:
    seen: list[str] = []
    called = asyncio.Event()

    hangs = hanging_callback(seen, called)

    options = fake(
        [*START, {"emit": PERMISSION_REQUEST}, {"echo_stdin": {"count": None, "system": True}}],
        can_use_tool=hangs,
    )

    async def consume() -> None:
        async for _ in claude_wire.query(prompt="go", options=options):
            pass

    with LoopWatch():
        task = asyncio.create_task(consume())
        await asyncio.wait_for(called.wait(), 10)
        await asyncio.sleep(0.1)
        await cancel_and_check(task)
        assert seen == ["called", "cancelled"]


async def test_cancel_during_client_connect(fake) -> None:
    client = ClaudeSDKClient(fake([{"sleep": 2}, *START, *FINISH]))
    with LoopWatch():
        task = asyncio.create_task(client.connect())
        await wait_for_child()
        await asyncio.sleep(0.3)
        assert not task.done()
        await cancel_and_check(task)
        with pytest.raises(claude_wire.CLIConnectionError, match="Not connected"):
            await client.query("hi")


async def test_cancel_during_receive_response_inside_async_with(fake) -> None:
    options = fake([*START, {"hang": True}])
    started = asyncio.Event()

    async def consume() -> None:
        async with ClaudeSDKClient(options) as client:
            await client.query("hi")
            async for message in client.receive_response():
                if isinstance(message, SystemMessage):
                    started.set()

    with LoopWatch():
        task = asyncio.create_task(consume())
        await asyncio.wait_for(started.wait(), 10)
        await asyncio.sleep(0.2)
        # Leaving `async with` disconnects as the official SDK does, gracefully: stdin EOF, then
        # up to 5 s for the CLI to flush its session file before SIGTERM. This fake ignores EOF.
        await cancel_and_check(task, limit=6.5)


async def test_cancel_receive_response_then_disconnect(fake) -> None:
    options = fake([*START, {"hang": True}])
    started = asyncio.Event()
    client = ClaudeSDKClient(options)
    with LoopWatch():
        await asyncio.wait_for(client.connect(), 10)
        await client.query("hi")

        async def consume() -> None:
            async for message in client.receive_response():
                if isinstance(message, SystemMessage):
                    started.set()

        task = asyncio.create_task(consume())
        await asyncio.wait_for(started.wait(), 10)
        await asyncio.sleep(0.2)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(task, 10)
        assert child_pids(), "the client is still connected: its CLI runs until disconnect()"
        started = time.monotonic()
        await asyncio.wait_for(client.disconnect(), 15)
        print(f"\ndisconnect() of a hung CLI took {time.monotonic() - started:.1f}s")
        assert await wait_no_children(2.0) == []
        assert await leftover_tasks(2.0) == []


# --------------------------------------------------------------------------------------------
# Exceptions, timeouts and exits inside `async for` (in a subprocess: a crash is an exit code)
# --------------------------------------------------------------------------------------------

SUBPROCESS_PRELUDE = r"""
import asyncio, json, os, sys, time
import claude_wire
from claude_wire import AssistantMessage, ClaudeAgentOptions

CONFIG = json.loads(os.environ["FAULT_TEST_CONFIG"])

def options(steps, **kw):
    return ClaudeAgentOptions(cli_path=CONFIG["wrapper"], env={"FAKE_CLI_SCENARIO": json.dumps(steps)}, **kw)

def quick_options():
    return ClaudeAgentOptions(cli_path=CONFIG["quick"])

async def prompt():
    yield {"type": "user", "message": {"role": "user", "content": "go"}}
    await asyncio.sleep(30)  # the prompt iterable is still running when the body fails

async def one_query():
    messages = [m async for m in claude_wire.query(prompt="hi", options=quick_options())]
    return messages[-1].result

def one():
    return asyncio.run(asyncio.wait_for(one_query(), 15))
"""


def run_script(
    code: str, wrapper: Path, timeout: float = 60, **config: Any
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["FAULT_TEST_CONFIG"] = json.dumps({"wrapper": str(wrapper), "quick": str(QUICK), **config})
    env.pop("FAKE_CLI_SCENARIO", None)
    try:
        return subprocess.run(
            [sys.executable, "-c", SUBPROCESS_PRELUDE + textwrap.dedent(code)],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            cwd=str(REPO),
        )
    except subprocess.TimeoutExpired as e:
        pytest.fail(f"the script hung for {timeout}s\nstdout: {e.stdout!r}\nstderr: {e.stderr!r}")


def assert_clean_stderr(proc: subprocess.CompletedProcess[str]) -> None:
    assert proc.returncode not in (-11, 139, -6, 134), proc.stderr
    bad = [line for line in proc.stderr.splitlines() if any(b in line for b in BAD_STDERR)]
    assert not bad, proc.stderr


@pytest.fixture
def body_steps(tmp_path: Path) -> tuple[list[dict[str, Any]], Path]:
    """A session that gives the loop body an assistant message, then hangs; its pid in a file."""
    pid_file = tmp_path / "cli.pid"
    steps = [{"write_pid_file": str(pid_file)}, *START, {"emit": ASSISTANT}, {"hang": True}]
    return steps, pid_file


def test_exception_in_loop_body_propagates(fake_wrapper: Path, body_steps) -> None:
    steps, pid_file = body_steps
    proc = run_script(
        """
        async def main():
            async for m in claude_wire.query(prompt=prompt(), options=options(CONFIG["steps"])):
                if isinstance(m, AssistantMessage):
                    raise ValueError("boom-in-body")
        asyncio.run(main())
    """,
        fake_wrapper,
        steps=steps,
    )
    assert proc.returncode == 1, (proc.returncode, proc.stderr)
    assert "ValueError: boom-in-body" in proc.stderr
    assert_clean_stderr(proc)
    assert wait_gone(int(pid_file.read_text())), "the CLI outlived the script"


def test_asyncio_timeout_around_async_for(fake_wrapper: Path, body_steps) -> None:
    steps, pid_file = body_steps
    proc = run_script(
        """
        async def main():
            started = time.monotonic()
            try:
                async with asyncio.timeout(1.0):
                    async for m in claude_wire.query(prompt=prompt(), options=options(CONFIG["steps"])):
                        pass
            except TimeoutError:
                print("TIMEOUT after %.1fs" % (time.monotonic() - started))
                raise
        asyncio.run(main())
    """,
        fake_wrapper,
        steps=steps,
        timeout=30,
    )
    assert proc.returncode == 1, (proc.returncode, proc.stderr)
    assert "TIMEOUT after 1." in proc.stdout, proc.stdout
    assert "TimeoutError" in proc.stderr
    assert_clean_stderr(proc)
    assert wait_gone(int(pid_file.read_text())), "the CLI outlived the script"


def test_sys_exit_inside_async_for(fake_wrapper: Path, body_steps) -> None:
    steps, pid_file = body_steps
    proc = run_script(
        """
        async def main():
            async for m in claude_wire.query(prompt=prompt(), options=options(CONFIG["steps"])):
                if isinstance(m, AssistantMessage):
                    sys.exit(3)
        asyncio.run(main())
    """,
        fake_wrapper,
        steps=steps,
        timeout=30,
    )
    assert proc.returncode == 3, (proc.returncode, proc.stderr)
    assert_clean_stderr(proc)
    assert wait_gone(int(pid_file.read_text())), "the CLI outlived the script"


# --------------------------------------------------------------------------------------------
# fork, a second event loop
# --------------------------------------------------------------------------------------------


def test_query_in_a_forked_child(fake_wrapper: Path) -> None:
    proc = run_script(
        """
        assert one() == "ok"
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                code = 0 if one() == "ok" else 4
            except BaseException:
                import traceback
                traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        deadline = time.monotonic() + 20
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            if time.monotonic() > deadline:
                os.kill(pid, 9)
                os.waitpid(pid, 0)
                print("the forked child hung", file=sys.stderr)
                sys.exit(5)
            time.sleep(0.05)
        print("child exit code", os.waitstatus_to_exitcode(status))
        assert one() == "ok"  # the parent still works after the fork
        print("FORK-OK")
    """,
        fake_wrapper,
    )
    assert proc.returncode == 0, (proc.returncode, proc.stdout, proc.stderr)
    assert "child exit code 0" in proc.stdout
    assert "FORK-OK" in proc.stdout
    assert_clean_stderr(proc)


def test_queries_in_a_fork_pool(fake_wrapper: Path) -> None:
    proc = run_script(
        """
        import multiprocessing

        def work(i):
            return one()

        assert one() == "ok"
        with multiprocessing.get_context("fork").Pool(2) as pool:
            results = pool.map_async(work, range(6)).get(timeout=40)
        assert results == ["ok"] * 6, results
        assert one() == "ok"
        print("POOL-OK")
    """,
        fake_wrapper,
    )
    assert proc.returncode == 0, (proc.returncode, proc.stdout, proc.stderr)
    assert "POOL-OK" in proc.stdout
    assert_clean_stderr(proc)


def test_client_used_from_a_second_event_loop(fake, capfd: pytest.CaptureFixture[str]) -> None:
    loops: list[asyncio.AbstractEventLoop] = []

    async def allow(name: str, tool_input: dict[str, Any], context: Any) -> Any:
        loops.append(asyncio.get_running_loop())
        return PermissionResultAllow()

    client = ClaudeSDKClient(fake(CALLBACK_TURN, can_use_tool=allow))

    async def first() -> asyncio.AbstractEventLoop:
        await asyncio.wait_for(client.connect(), 10)
        return asyncio.get_running_loop()

    async def second() -> tuple[asyncio.AbstractEventLoop, list[Any]]:
        async def turn() -> list[Any]:
            await client.query("hi")
            messages = [m async for m in client.receive_response()]
            await client.disconnect()
            return messages

        return asyncio.get_running_loop(), await asyncio.wait_for(turn(), 20)

    loop1 = asyncio.run(first())
    loop2, messages = asyncio.run(second())
    assert loop1 is not loop2
    assert loops == [loop2], "the callback should run on the loop now driving the client"
    assert kinds(messages)[-1] == "ResultMessage"
    [answer] = echoes(messages)
    assert answer["response"]["subtype"] == "success", answer
    assert answer["response"]["response"]["behavior"] == "allow"
    deadline = time.monotonic() + 5
    while child_pids() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert child_pids() == []
    captured = capfd.readouterr()
    assert "Event loop is closed" not in captured.err + captured.out


# --------------------------------------------------------------------------------------------
# Soak: 1,000 sequential and 200 concurrent sessions
# --------------------------------------------------------------------------------------------


def resources() -> dict[str, int]:
    status = Path("/proc/self/status").read_text()
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    return {
        "fds": len(os.listdir("/proc/self/fd")),
        "threads": int(fields["Threads"].strip()),
        "children": len(child_pids()),
        "rss_kb": int(fields["VmRSS"].split()[0]),
    }


async def test_soak_sequential_and_concurrent() -> None:
    options = ClaudeAgentOptions(cli_path=str(QUICK))

    async def one() -> None:
        messages = [m async for m in claude_wire.query(prompt="hi", options=options)]
        assert kinds(messages) == ["SystemMessage", "ResultMessage"]
        assert messages[-1].result == "ok"

    async def settle() -> dict[str, int]:
        assert await wait_no_children() == []
        gc.collect()
        return resources()

    # Warm up: runtime threads, caches, the allocator's arenas.
    for _ in range(20):
        await asyncio.wait_for(one(), 10)
    await asyncio.wait_for(asyncio.gather(*(one() for _ in range(20))), 30)
    before = await settle()

    started = time.monotonic()
    for _ in range(1000):
        await asyncio.wait_for(one(), 10)
    sequential_s = time.monotonic() - started
    after_sequential = await settle()

    # 200 at once, three times: the first round raises RSS to its peak (the allocator keeps
    # it); the later rounds must not add to it.
    rounds: list[dict[str, int]] = []
    concurrent_s: list[float] = []
    for _ in range(3):
        started = time.monotonic()
        await asyncio.wait_for(asyncio.gather(*(one() for _ in range(200))), 120)
        concurrent_s.append(time.monotonic() - started)
        rounds.append(await settle())

    print(
        f"\nsoak: 1,000 sequential in {sequential_s:.1f}s ({sequential_s:.1f} ms each); 3 x 200 concurrent in "
        + ", ".join(f"{s:.1f}s" for s in concurrent_s)
    )
    rows = [("before", before), ("after 1,000 sequential", after_sequential)]
    rows += [(f"after 200 concurrent #{i + 1}", r) for i, r in enumerate(rounds)]
    for name, figures in rows:
        print(
            f"  {name:26} fds={figures['fds']} threads={figures['threads']} "
            f"children={figures['children']} rss={figures['rss_kb'] / 1024:.1f} MB"
        )

    for _, after in rows[1:]:
        assert after["children"] == 0
        assert after["fds"] <= before["fds"] + 2, (before, after)
        assert after["threads"] <= before["threads"] + 8, (before, after)
    assert after_sequential["rss_kb"] - before["rss_kb"] < 50 * 1024, (before, after_sequential)
    assert rounds[-1]["rss_kb"] - rounds[0]["rss_kb"] < 50 * 1024, rounds
    assert max(r["rss_kb"] for r in rounds) - before["rss_kb"] < 250 * 1024, (before, rounds)


async def test_an_initialize_answer_over_max_buffer_size_fails_at_once(fake) -> None:
    """The official SDK ends the session on an over-long line, failing the initialize at once;
    claude-wire skips such a line, and fails the request it answered at once (not after the
    60 s initialize timeout)."""
    steps = [{"answer_initialize": {"pad": "x" * 20_000}}, {"wait_stdin_eof": True}]
    started = time.monotonic()
    stream = claude_wire.query(prompt="go", options=fake(steps, max_buffer_size=10_000))
    with pytest.raises(claude_wire.CLIJSONDecodeError) as info:
        await asyncio.wait_for(stream.__anext__(), 30)
    assert "maximum buffer size of 10000 bytes" in str(info.value)
    assert time.monotonic() - started < 10
    assert await wait_no_children() == []
