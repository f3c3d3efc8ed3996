"""Message objects: every kind, built from the same frames as the official SDK builds them."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from fake_cli import result_frame

import claude_wire
from claude_wire import (
    AssistantMessage,
    ConversationResetMessage,
    HookEventMessage,
    RateLimitEvent,
    ResultMessage,
    StreamEvent,
    SystemMessage,
    TaskNotificationMessage,
    TaskProgressMessage,
    TaskStartedMessage,
    TaskUpdatedMessage,
    TextBlock,
    ThinkingBlock,
    ToolResultBlock,
    ToolUseBlock,
    UserMessage,
)

S = {"session_id": "sess-1"}
# The least result frame: the end of a turn.
RESULT = result_frame(**S)

FRAMES: list[dict[str, Any]] = [
    {
        "type": "system",
        "subtype": "init",
        "cwd": "/w",
        "tools": ["Bash"],
        "mcp_servers": [],
        "model": "m",
        "permissionMode": "default",
        "apiKeySource": "none",
        "uuid": "u0",
        **S,
    },
    {
        "type": "assistant",
        "uuid": "u1",
        "parent_tool_use_id": None,
        **S,
        "message": {
            "id": "msg_1",
            "model": "m",
            "role": "assistant",
            "stop_reason": "tool_use",
            "usage": {"input_tokens": 3, "output_tokens": 4},
            "content": [
                {"type": "thinking", "thinking": "hmm", "signature": "sig"},
                {"type": "text", "text": "Let me check."},
                {
                    "type": "tool_use",
                    "id": "toolu_1",
                    "name": "Bash",
                    "input": {"command": "ls", "n": [1, 2.5]},
                },
                {
                    "type": "server_tool_use",
                    "id": "srv_1",
                    "name": "web_search",
                    "input": {"query": "x"},
                },
                {
                    "type": "advisor_tool_result",
                    "tool_use_id": "srv_1",
                    "content": {"type": "advice", "text": "y"},
                },
                {"type": "redacted_thinking", "data": "zzz"},
            ],
        },
    },
    {
        "type": "user",
        "uuid": "u2",
        "parent_tool_use_id": None,
        **S,
        "tool_use_result": {"stdout": "a\nb", "stderr": "", "interrupted": False},
        "message": {
            "role": "user",
            "content": [
                {
                    "type": "tool_result",
                    "tool_use_id": "toolu_1",
                    "content": "a\nb",
                    "is_error": False,
                },
                {
                    "type": "tool_result",
                    "tool_use_id": "toolu_2",
                    "content": [{"type": "text", "text": "x"}],
                },
                {"type": "text", "text": "note"},
            ],
        },
    },
    {
        "type": "user",
        "uuid": "u3",
        "origin": {"kind": "human"},
        **S,
        "message": {"role": "user", "content": "plain"},
    },
    {
        "type": "system",
        "subtype": "task_started",
        "task_id": "t1",
        "description": "d",
        "uuid": "u4",
        "task_type": "shell",
        **S,
    },
    {
        "type": "system",
        "subtype": "task_progress",
        "task_id": "t1",
        "description": "d",
        "usage": {"total_tokens": 1, "tool_uses": 2, "duration_ms": 3},
        "uuid": "u5",
        "last_tool_name": "Bash",
        **S,
    },
    {
        "type": "system",
        "subtype": "task_notification",
        "task_id": "t1",
        "status": "completed",
        "output_file": "/o",
        "summary": "ok",
        "uuid": "u6",
        **S,
    },
    {
        "type": "system",
        "subtype": "task_updated",
        "task_id": "t1",
        "patch": {"status": "killed"},
        "uuid": "u7",
        **S,
    },
    {
        "type": "system",
        "subtype": "hook_started",
        "hook_event": "PreToolUse",
        "hook_id": "h",
        "uuid": "u8",
        **S,
    },
    {"type": "system", "subtype": "status", "status": "compacting", "uuid": "u9", **S},
    {
        "type": "stream_event",
        "uuid": "u10",
        "event": {
            "type": "content_block_delta",
            "index": 0,
            "delta": {"type": "text_delta", "text": "He"},
        },
        **S,
    },
    {
        "type": "rate_limit_event",
        "uuid": "u11",
        **S,
        "rate_limit_info": {
            "status": "allowed_warning",
            "resetsAt": 1700000000,
            "rateLimitType": "five_hour",
            "utilization": 0.9,
            "extraField": True,
        },
    },
    {
        "type": "tool_progress",
        "tool_use_id": "toolu_1",
        "tool_name": "Bash",
        "elapsed_time_seconds": 2,
        **S,
    },
    {"type": "conversation_reset", "new_conversation_id": "c2", "uuid": "u12", **S},
    {
        "type": "result",
        "subtype": "success",
        "is_error": False,
        "duration_ms": 10,
        "duration_api_ms": 8,
        "num_turns": 2,
        "result": "done",
        "stop_reason": "end_turn",
        "total_cost_usd": 0.5,
        "usage": {"input_tokens": 1},
        "modelUsage": {"m": {"inputTokens": 1, "costUSD": 0.5}},
        "permission_denials": [],
        "structured_output": {"answer": 42},
        "terminal_reason": "completed",
        "deferred_tool_use": {"id": "toolu_9", "name": "Bash", "input": {"command": "rm"}},
        "uuid": "u13",
        **S,
    },
]


def as_data(message: Any) -> Any:
    if dataclasses.is_dataclass(message):
        return (
            type(message).__name__,
            {f.name: as_data(getattr(message, f.name)) for f in dataclasses.fields(message)},
        )
    if isinstance(message, list):
        return [as_data(m) for m in message]
    if isinstance(message, dict):
        return {k: as_data(v) for k, v in message.items()}
    return message


async def collect(sdk: Any, options: Any) -> list[Any]:
    return [m async for m in sdk.query(prompt="go", options=options)]


async def test_every_message_kind(fake_options) -> None:
    messages = await collect(claude_wire, fake_options(FRAMES))
    kinds = [type(m) for m in messages]
    assert kinds == [
        SystemMessage,
        AssistantMessage,
        UserMessage,
        UserMessage,
        TaskStartedMessage,
        TaskProgressMessage,
        TaskNotificationMessage,
        TaskUpdatedMessage,
        HookEventMessage,
        SystemMessage,
        StreamEvent,
        RateLimitEvent,
        ConversationResetMessage,
        ResultMessage,
    ]  # tool_progress is a type the official SDK does not know: skipped, as it does
    init, assistant, tool_results, plain = messages[:4]
    assert init.subtype == "init" and init.data["cwd"] == "/w" and init.data["type"] == "system"
    assert assistant.content[:3] == [
        ThinkingBlock("hmm", "sig"),
        TextBlock("Let me check."),
        ToolUseBlock("toolu_1", "Bash", {"command": "ls", "n": [1, 2.5]}),
    ]
    assert (assistant.model, assistant.message_id, assistant.stop_reason, assistant.session_id) == (
        "m",
        "msg_1",
        "tool_use",
        "sess-1",
    )
    assert tool_results.content[0] == ToolResultBlock("toolu_1", "a\nb", False)
    assert tool_results.tool_use_result == {"stdout": "a\nb", "stderr": "", "interrupted": False}
    assert (plain.content, plain.origin) == ("plain", {"kind": "human"})
    result = messages[-1]
    assert (result.structured_output, result.model_usage, result.deferred_tool_use.name) == (
        {"answer": 42},
        {"m": {"inputTokens": 1, "costUSD": 0.5}},
        "Bash",
    )
    assert messages[11].rate_limit_info.raw["extraField"] is True


async def test_same_objects_as_official(fake_options) -> None:
    official = pytest.importorskip("claude_agent_sdk")
    theirs = await collect(official, fake_options(FRAMES, sdk=official))
    mine = await collect(claude_wire, fake_options(FRAMES))
    assert [as_data(m) for m in mine] == [as_data(m) for m in theirs]


async def test_system_data_keeps_the_cli_key_order(fake_options) -> None:
    init = {"type": "system", "zeta": 1, "subtype": "init", "cwd": "/w", **S, "tools": [], "a": 2}
    task = {
        "type": "system",
        "subtype": "task_started",
        "task_id": "t",
        "uuid": "u",
        **S,
        "description": "d",
    }
    frames = [init, task, RESULT]
    mine = await collect(claude_wire, fake_options(frames))
    assert [list(m.data) for m in mine[:2]] == [list(init), list(task)]
    compact = {"separators": (",", ":")}
    assert [json.dumps(m.data, **compact) for m in mine[:2]] == [
        json.dumps(init, **compact),
        json.dumps(task, **compact),
    ]
    official = pytest.importorskip("claude_agent_sdk")
    theirs = await collect(official, fake_options(frames, sdk=official))
    assert [list(m.data) for m in theirs[:2]] == [list(m.data) for m in mine[:2]]


async def test_assistant_usage_keeps_the_cli_key_order(fake_options) -> None:
    # The core types the common counters; the dict must still come out as `json.loads` gives it.
    usage = {
        "cache_creation": {"ephemeral_5m_input_tokens": 0},
        "output_tokens": 7,
        "service_tier": None,
        "input_tokens": 3,
        "server_tool_use": {"web_search_requests": 1},
        "cache_read_input_tokens": 2.5,
    }
    frame = {"type": "assistant", "message": {"model": "m", "content": [], "usage": usage}, **S}
    frames = [frame, RESULT]
    mine = await collect(claude_wire, fake_options(frames))
    assert json.dumps(mine[0].usage) == json.dumps(usage)
    official = pytest.importorskip("claude_agent_sdk")
    theirs = await collect(official, fake_options(frames, sdk=official))
    assert json.dumps(theirs[0].usage) == json.dumps(mine[0].usage)


async def test_invalid_json_line_raises_cli_json_decode_error(fake_options) -> None:
    frames = [
        "{not json",
        RESULT,
    ]
    stream = claude_wire.query(prompt="go", options=fake_options(frames))
    with pytest.raises(claude_wire.CLIJSONDecodeError):
        async for _ in stream:
            pass
    # the stream goes on after a bad line
    rest = [m async for m in stream]
    assert [type(m) for m in rest] == [ResultMessage]


async def test_shapes_the_official_sdk_does_not_check_are_delivered_not_raised() -> None:
    from claude_wire import _native

    frames = [
        {"type": "tool_progress", "tool_use_id": "t"},  # an unknown type: skipped
        {"type": "system", "subtype": "api_retry", "attempt": "not-a-number", **S},
        {"type": "system", "subtype": "hook_response", "hook_event": "Stop", "exit_code": "x", **S},
    ]
    messages = [m async for m in _native._replay(frames)]
    assert [type(m) for m in messages] == [SystemMessage, HookEventMessage]
    assert messages[0].data["attempt"] == "not-a-number"
    assert messages[1].hook_event_name == "Stop"


async def test_shapes_the_official_sdk_checks_raise_message_parse_error() -> None:
    from claude_wire import _native

    official = pytest.importorskip("claude_agent_sdk")
    from claude_agent_sdk._internal.message_parser import parse_message

    bad = {"type": "assistant", "message": {"content": []}, **S}  # no model
    with pytest.raises(official._errors.MessageParseError):
        parse_message(bad)
    stream = _native._replay(
        [bad, {"type": "keep_alive"}, {"type": "system", "subtype": "status", **S}]
    )
    with pytest.raises(claude_wire.MessageParseError) as info:
        await stream.__anext__()
    assert info.value.data == bad
    assert isinstance(await stream.__anext__(), SystemMessage)  # the stream goes on
