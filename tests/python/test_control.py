"""ClaudeSDKClient control methods: the exact wire frame each one sends (fake CLI), the answers
they return, errors and timeouts, and the generic ``send_control_request`` path; the same methods
against the real pinned CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import needs_cli

import claude_wire
from claude_wire import ClaudeSDKClient
from claude_wire.testing import ModelServer


def sent(log: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def control_options(fake_options, tmp_path: Path, answers: dict[str, Any] | None = None):
    log = tmp_path / "control.jsonl"
    env = {"FAKE_CLI_CONTROL": str(log), "FAKE_CLI_ANSWERS": json.dumps(answers or {})}
    return fake_options([], env=env), log


async def test_every_official_method_sends_the_official_frame(fake_options, tmp_path) -> None:
    status = {"mcpServers": [{"name": "docs", "status": "connected"}]}
    usage = {"categories": [], "totalTokens": 5, "maxTokens": 10, "percentage": 50.0}
    options, log = control_options(
        fake_options, tmp_path, {"mcp_status": status, "get_context_usage": usage}
    )
    async with ClaudeSDKClient(options) as client:
        assert await client.interrupt() is None
        assert await client.set_permission_mode("acceptEdits") is None
        assert await client.set_model("claude-other") is None
        assert await client.set_model() is None
        assert await client.rewind_files("user-1") is None
        assert await client.reconnect_mcp_server("docs") is None
        assert await client.toggle_mcp_server("docs", False) is None
        assert await client.stop_task("task-7") is None
        assert await client.get_mcp_status() == status
        assert await client.get_context_usage() == usage
        info = await client.get_server_info()
        assert info is not None and info["fake"] is True
    assert sent(log) == [
        {"subtype": "interrupt"},
        {"subtype": "set_permission_mode", "mode": "acceptEdits"},
        {"subtype": "set_model", "model": "claude-other"},
        {"subtype": "set_model", "model": None},
        {"subtype": "rewind_files", "user_message_id": "user-1"},
        {"subtype": "mcp_reconnect", "serverName": "docs"},
        {"subtype": "mcp_toggle", "serverName": "docs", "enabled": False},
        {"subtype": "stop_task", "task_id": "task-7"},
        {"subtype": "mcp_status"},
        {"subtype": "get_context_usage"},
    ]


def test_the_client_has_every_method_of_the_official_client() -> None:
    official = [
        "connect",
        "query",
        "receive_messages",
        "receive_response",
        "interrupt",
        "set_permission_mode",
        "set_model",
        "rewind_files",
        "reconnect_mcp_server",
        "toggle_mcp_server",
        "stop_task",
        "get_mcp_status",
        "get_context_usage",
        "get_server_info",
        "disconnect",
        "__aenter__",
        "__aexit__",
    ]
    missing = [name for name in official if not callable(getattr(ClaudeSDKClient, name, None))]
    assert missing == []


async def test_any_request_goes_through_the_generic_path_verbatim(fake_options, tmp_path) -> None:
    options, log = control_options(
        fake_options, tmp_path, {"get_usage": {"session": {"total_cost_usd": 0}}}
    )
    requests = [
        {"subtype": "get_usage", "skip_behaviors": True},
        {"subtype": "mcp_set_servers", "servers": {"x": {"type": "http", "url": "http://h"}}},
        {"subtype": "read_file", "path": "a.txt", "max_bytes": 3, "encoding": "base64"},
        {"subtype": "set_max_thinking_tokens", "max_thinking_tokens": None},
        {"subtype": "teleport", "to": "mars"},
        {"subtype": "interrupt", "cancel_queued": False},
    ]
    async with ClaudeSDKClient(options) as client:
        answers = [await client.send_control_request(r) for r in requests]
    assert answers[0] == {"session": {"total_cost_usd": 0}}
    assert answers[1:] == [{}] * 5
    assert sent(log) == requests


async def test_error_answers_raise_and_bad_requests_are_rejected(fake_options, tmp_path) -> None:
    options, log = control_options(
        fake_options, tmp_path, {"mcp_reconnect": {"error": "Server not found: nope"}}
    )
    async with ClaudeSDKClient(options) as client:
        with pytest.raises(claude_wire.ClaudeSDKError, match="Server not found: nope"):
            await client.reconnect_mcp_server("nope")
        with pytest.raises(Exception, match="subtype"):
            await client.send_control_request({"mode": "plan"})
        await client.interrupt()
    assert sent(log) == [
        {"subtype": "mcp_reconnect", "serverName": "nope"},
        {"subtype": "interrupt"},
    ]


async def test_methods_fail_before_connect() -> None:
    client = ClaudeSDKClient()
    with pytest.raises(claude_wire.CLIConnectionError):
        await client.interrupt()
    with pytest.raises(claude_wire.CLIConnectionError):
        await client.send_control_request({"subtype": "get_usage"})


@needs_cli
async def test_control_methods_against_the_real_cli(real_options, project) -> None:
    (project / "hello.txt").write_text("hello file\n")
    with ModelServer([]) as server:
        async with ClaudeSDKClient(real_options(server)) as client:
            await client.interrupt()
            await client.set_permission_mode("plan")
            await client.set_model(None)
            await client.stop_task("nope")
            assert (await client.get_mcp_status())["mcpServers"] == []
            usage = await client.get_context_usage()
            assert usage["totalTokens"] > 0 and usage["categories"]
            with pytest.raises(claude_wire.ClaudeSDKError, match="Server not found: nope"):
                await client.reconnect_mcp_server("nope")
            with pytest.raises(claude_wire.ClaudeSDKError, match="Server not found: nope"):
                await client.toggle_mcp_server("nope", True)
            with pytest.raises(claude_wire.ClaudeSDKError, match="File rewinding is not enabled"):
                await client.rewind_files("00000000-0000-0000-0000-000000000000")
            with pytest.raises(claude_wire.ClaudeSDKError, match="must be one of"):
                await client.set_permission_mode("bogus")  # type: ignore[arg-type]
            read = await client.send_control_request({"subtype": "read_file", "path": "hello.txt"})
            assert read["contents"] == "hello file\n"
            styles = await client.send_control_request({"subtype": "reload_output_styles"})
            assert "default" in styles["available_output_styles"]
            with pytest.raises(claude_wire.ClaudeSDKError, match="Unsupported control request"):
                await client.send_control_request({"subtype": "teleport"}, timeout=10)
            info = await client.get_server_info()
            assert info and info["commands"]
