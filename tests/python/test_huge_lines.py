"""Huge lines: a message whose one string is most of its line (a file's text, an image) arrives
equal to what it was, and a host holds about one copy of it at a time, not two."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from conftest import needs_cli
from fake_cli import make_fake_cli, result_frame

import claude_wire
from claude_wire import (
    AssistantMessage,
    ResultMessage,
    SystemMessage,
    TextBlock,
    ThinkingBlock,
    ToolResultBlock,
    UserMessage,
)
from claude_wire.testing import ModelServer, text

MiB = 1 << 20


def assistant(*blocks: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "assistant",
        "message": {"model": "m", "role": "assistant", "content": list(blocks)},
        "parent_tool_use_id": None,
        "session_id": "s",
    }


async def received(fake_options, frames: list[dict[str, Any]], compact: bool) -> list[Any]:
    # Written compactly, as the CLI writes, the message kinds take the reader's fast path.
    separators = (",", ":") if compact else (", ", ": ")
    lines = [json.dumps(frame, separators=separators) for frame in frames]
    return [m async for m in claude_wire.query(prompt="go", options=fake_options(lines))]


@pytest.mark.parametrize("compact", [True, False])
async def test_huge_strings_arrive_equal_whatever_they_hold(fake_options, compact: bool) -> None:
    escaped = ('line "one"\n\ttab \\ slash / \u0000 end\r\n' * (3 * MiB // 32))[: 3 * MiB]
    wide = ("ünïcödé 😀 中文 " * (3 * MiB // 20))[: 3 * MiB]
    plain = "x" * (6 * MiB)
    tool_result = "file line\n" * (MiB // 2)
    got = await received(
        fake_options,
        [
            assistant({"type": "text", "text": plain}),
            assistant({"type": "text", "text": escaped}),
            assistant({"type": "thinking", "thinking": wide, "signature": "sig"}),
            {
                "type": "user",
                "message": {
                    "role": "user",
                    "content": [
                        {"type": "tool_result", "tool_use_id": "t1", "content": tool_result}
                    ],
                },
                "parent_tool_use_id": None,
                "session_id": "s",
            },
            {"type": "system", "subtype": "huge", "data": escaped, "after": [1, {"k": "v"}]},
            result_frame(result=plain, session_id="s"),
        ],
        compact,
    )
    assert [type(m).__name__ for m in got] == [
        "AssistantMessage",
        "AssistantMessage",
        "AssistantMessage",
        "UserMessage",
        "SystemMessage",
        "ResultMessage",
    ]
    first, second, third, user, system, result = got
    assert isinstance(first, AssistantMessage) and first.content == [TextBlock(plain)]
    assert isinstance(second, AssistantMessage) and second.content == [TextBlock(escaped)]
    assert isinstance(third, AssistantMessage)
    assert third.content == [ThinkingBlock(thinking=wide, signature="sig")]
    assert isinstance(user, UserMessage) and isinstance(user.content, list)
    assert user.content == [ToolResultBlock(tool_use_id="t1", content=tool_result)]
    assert isinstance(system, SystemMessage)
    assert system.data == {
        "type": "system",
        "subtype": "huge",
        "data": escaped,
        "after": [1, {"k": "v"}],
    }
    assert isinstance(result, ResultMessage) and result.result == plain


async def test_a_huge_line_that_is_not_json_is_the_usual_decode_error(fake_options) -> None:
    frames = [assistant({"type": "text", "text": "x" * (2 * MiB)})]
    broken = json.dumps(frames[0])[:-1] + ',"tail": \\q}'
    options = fake_options([broken, result_frame(session_id="s")])
    stream = claude_wire.query(prompt="go", options=options)
    errors, kinds = [], []
    while True:
        try:
            message = await stream.__anext__()
        except claude_wire.CLIJSONDecodeError as error:
            errors.append(error)
            continue
        except StopAsyncIteration:
            break
        kinds.append(type(message).__name__)
    assert kinds == ["ResultMessage"]
    assert len(errors) == 1 and errors[0].line.startswith('{"type": "assistant"')


PEAK_SCRIPT = """
import asyncio, json, sys, claude_wire

def status(key):
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith(key)) * 1024

async def main():
    options = claude_wire.ClaudeAgentOptions(
        cli_path=sys.argv[1], env={"FAKE_CLI_FRAMES": sys.argv[2]})
    async for _ in claude_wire.query(prompt="warm up", options=options):
        pass
    before = status("VmRSS")
    options = claude_wire.ClaudeAgentOptions(
        cli_path=sys.argv[1], env={"FAKE_CLI_FRAMES": sys.argv[3]})
    size = 0
    async for message in claude_wire.query(prompt="go", options=options):
        if isinstance(message, claude_wire.AssistantMessage):
            size = len(message.content[0].text)
        del message
    print(json.dumps({"size": size, "grown": status("VmHWM") - before}))

asyncio.run(main())
"""


def test_a_huge_line_costs_about_one_copy_of_its_text(tmp_path: Path) -> None:
    size = 48 * MiB
    small = tmp_path / "small.jsonl"
    small.write_text(json.dumps(result_frame(session_id="s")) + "\n")
    big = tmp_path / "big.jsonl"
    with big.open("w") as out:
        out.write(json.dumps(assistant({"type": "text", "text": "y" * size})) + "\n")
        out.write(json.dumps(result_frame(session_id="s")) + "\n")
    script = tmp_path / "peak.py"
    script.write_text(textwrap.dedent(PEAK_SCRIPT))
    cli = make_fake_cli(tmp_path)
    run = subprocess.run(
        [sys.executable, str(script), str(cli), str(small), str(big)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    figures = json.loads(run.stdout)
    assert figures["size"] == size
    # Before: the line and its parsed text, then the text and the str (twice the text).
    assert figures["grown"] < 1.4 * size, figures


@needs_cli
async def test_a_huge_reply_of_the_real_cli(real_options) -> None:
    reply = "Lorem ipsum dolor sit amet.\n" * (8 * MiB // 28)
    with ModelServer([text(reply)]) as server:
        messages = [m async for m in claude_wire.query(prompt="go", options=real_options(server))]
    [message] = [m for m in messages if isinstance(m, AssistantMessage)]
    assert message.content == [TextBlock(reply)]
    assert isinstance(messages[-1], ResultMessage) and messages[-1].result == reply
