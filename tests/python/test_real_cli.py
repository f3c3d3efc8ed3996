"""claude_wire against the real pinned CLI and the scripted model server: every callback kind,
client control methods, streaming prompts."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from conftest import MODEL, needs_cli

import claude_wire
from claude_wire import (
    AssistantMessage,
    ClaudeSDKClient,
    HookMatcher,
    PermissionResultAllow,
    PermissionResultDeny,
    ResultMessage,
    SystemMessage,
    TextBlock,
    ToolResultBlock,
    ToolUseBlock,
    UserMessage,
    create_sdk_mcp_server,
    tool,
)
from claude_wire.testing import ModelServer, api_error, text, tool_use

pytestmark = needs_cli


def tool_results(messages: list[Any]) -> list[ToolResultBlock]:
    return [
        b
        for m in messages
        if isinstance(m, UserMessage) and isinstance(m.content, list)
        for b in m.content
        if isinstance(b, ToolResultBlock)
    ]


async def test_text_turn(real_options) -> None:
    with ModelServer([text("Hello from the model")]) as server:
        messages = [
            m async for m in claude_wire.query(prompt="Say hello", options=real_options(server))
        ]
    assert isinstance(messages[0], SystemMessage) and messages[0].subtype == "init"
    [assistant] = [m for m in messages if isinstance(m, AssistantMessage)]
    assert assistant.content == [TextBlock("Hello from the model")]
    assert assistant.model == MODEL
    result = messages[-1]
    assert (
        isinstance(result, ResultMessage)
        and not result.is_error
        and result.result == "Hello from the model"
    )
    [request] = server.requests
    texts = [
        b.get("text") for m in request["messages"] if m["role"] == "user" for b in m["content"]
    ]
    assert "Say hello" in texts


async def test_streaming_prompt(real_options) -> None:
    async def prompts():
        yield {"type": "user", "message": {"role": "user", "content": "first"}}

    with ModelServer([text("one")]) as server:
        messages = [
            m async for m in claude_wire.query(prompt=prompts(), options=real_options(server))
        ]
    assert isinstance(messages[-1], ResultMessage) and messages[-1].result == "one"


@pytest.mark.parametrize("decision", ["allow", "deny", "changed", "raise"])
async def test_can_use_tool(real_options, project, decision: str) -> None:
    calls: list[tuple[str, dict[str, Any], Any]] = []

    async def can_use_tool(name: str, tool_input: dict[str, Any], context: Any) -> Any:
        calls.append((name, tool_input, context))
        await asyncio.sleep(0)  # runs on this loop: awaiting works
        if decision == "allow":
            return PermissionResultAllow()
        if decision == "deny":
            return PermissionResultDeny(message="not allowed here")
        if decision == "changed":
            return PermissionResultAllow(updated_input={"command": "touch changed.txt"})
        raise RuntimeError("callback exploded")

    script = [tool_use("Bash", {"command": "touch made.txt"}), text("finished")]
    with ModelServer(script) as server:
        options = real_options(server, can_use_tool=can_use_tool)
        messages = [m async for m in claude_wire.query(prompt="make a file", options=options)]
    [(name, tool_input, context)] = calls
    assert (name, tool_input) == ("Bash", {"command": "touch made.txt"})
    assert isinstance(context, claude_wire.ToolPermissionContext) and context.tool_use_id
    assert all(isinstance(s, claude_wire.PermissionUpdate) for s in context.suggestions)
    files = sorted(p.name for p in project.iterdir())
    [result_block] = tool_results(messages)
    assert (
        isinstance(messages[-1], ResultMessage) and messages[-1].result == "finished"
    )  # the session went on
    if decision == "allow":
        assert files == ["made.txt"] and not result_block.is_error
    elif decision == "changed":
        assert files == ["changed.txt"]
    else:
        assert files == [] and result_block.is_error
        if decision == "deny":
            assert "not allowed here" in str(result_block.content)


async def test_hooks_pre_and_post_tool_use(real_options) -> None:
    seen: list[tuple[str, str | None]] = []

    async def pre(
        hook_input: dict[str, Any], tool_use_id: str | None, context: Any
    ) -> dict[str, Any]:
        seen.append((hook_input["hook_event_name"], tool_use_id))
        assert context == {"signal": None}
        return {"continue_": True}

    async def post(
        hook_input: dict[str, Any], tool_use_id: str | None, context: Any
    ) -> dict[str, Any]:
        seen.append((hook_input["hook_event_name"], tool_use_id))
        assert hook_input["tool_response"]["stdout"] == "hooked"
        return {
            "hookSpecificOutput": {
                "hookEventName": "PostToolUse",
                "additionalContext": "EXTRA-CONTEXT",
            }
        }

    hooks = {
        "PreToolUse": [HookMatcher(matcher="Bash", hooks=[pre])],
        "PostToolUse": [HookMatcher(hooks=[post])],
    }
    with ModelServer([tool_use("Bash", {"command": "echo hooked"}), text("ok")]) as server:
        options = real_options(server, hooks=hooks, allowed_tools=["Bash"])
        messages = [m async for m in claude_wire.query(prompt="run it", options=options)]
        last_request = server.requests[-1]
    [tool_call] = [
        b
        for m in messages
        if isinstance(m, AssistantMessage)
        for b in m.content
        if isinstance(b, ToolUseBlock)
    ]
    assert seen == [("PreToolUse", tool_call.id), ("PostToolUse", tool_call.id)]
    assert "EXTRA-CONTEXT" in str(last_request["messages"])


async def test_hook_that_raises_does_not_end_the_session(real_options) -> None:
    async def broken(
        hook_input: dict[str, Any], tool_use_id: str | None, context: Any
    ) -> dict[str, Any]:
        raise ValueError("hook failure")

    hooks = {"PreToolUse": [HookMatcher(matcher="Bash", hooks=[broken])]}
    with ModelServer([tool_use("Bash", {"command": "echo still"}), text("done anyway")]) as server:
        options = real_options(server, hooks=hooks, allowed_tools=["Bash"])
        messages = [m async for m in claude_wire.query(prompt="go", options=options)]
    assert isinstance(messages[-1], ResultMessage) and messages[-1].result == "done anyway"


async def test_in_process_mcp_tool_and_its_errors(real_options) -> None:
    calls: list[dict[str, Any]] = []

    @tool("add", "Add two numbers", {"a": float, "b": float})
    async def add(args: dict[str, Any]) -> dict[str, Any]:
        calls.append(args)
        return {"content": [{"type": "text", "text": f"sum={args['a'] + args['b']}"}]}

    @tool("fail", "Always fails", {})
    async def fail(args: dict[str, Any]) -> dict[str, Any]:
        raise RuntimeError("tool broke")

    server_config = create_sdk_mcp_server("calc", "2.0.0", [add, fail])
    script = [
        tool_use("mcp__calc__add", {"a": 2, "b": 3.5}),
        tool_use("mcp__calc__fail", {}),
        text("done"),
    ]
    with ModelServer(script) as server:
        options = real_options(
            server,
            mcp_servers={"calc": server_config},
            allowed_tools=["mcp__calc__add", "mcp__calc__fail"],
        )
        messages = [m async for m in claude_wire.query(prompt="add", options=options)]
        first_request = str(server.requests[0])
    assert calls == [{"a": 2, "b": 3.5}]
    assert "mcp__calc__add" in first_request and "mcp__calc__fail" in first_request
    ok, broken = tool_results(messages)
    assert "sum=5.5" in str(ok.content) and not ok.is_error
    assert broken.is_error and "tool broke" in str(broken.content)


async def test_stderr_callback_runs_on_the_loop(real_options) -> None:
    lines: list[tuple[str, bool]] = []
    loop = asyncio.get_running_loop()

    def on_stderr(line: str) -> None:
        lines.append((line, asyncio.get_running_loop() is loop))

    with ModelServer([text("hi")]) as server:
        options = real_options(server, stderr=on_stderr, extra_args={"debug-to-stderr": None})
        [m async for m in claude_wire.query(prompt="hi", options=options)]
    assert lines and all(on_loop for _, on_loop in lines)


async def test_client_multi_turn_and_controls(real_options) -> None:
    script = [text("first answer"), text("second answer")]
    with ModelServer(script) as server:
        async with ClaudeSDKClient(real_options(server)) as client:
            info = await client.get_server_info()
            assert info and "commands" in info
            status = await client.get_mcp_status()
            assert "mcpServers" in status
            usage = await client.get_context_usage()
            assert "totalTokens" in usage
            await client.set_permission_mode("acceptEdits")
            await client.query("question one")
            first = [m async for m in client.receive_response()]
            await client.set_model("claude-other")
            await client.query("question two")
            second = [m async for m in client.receive_response()]
        models = [r["model"] for r in server.requests]
    assert isinstance(first[-1], ResultMessage) and first[-1].result == "first answer"
    assert isinstance(second[-1], ResultMessage) and second[-1].result == "second answer"
    assert models == [MODEL, "claude-other"]
    with pytest.raises(claude_wire.CLIConnectionError):
        await client.query("after disconnect")


async def test_client_interrupt(real_options) -> None:
    with ModelServer([text("long story " * 50, delay=0.4)]) as server:
        async with ClaudeSDKClient(real_options(server)) as client:
            await client.query("tell me a story")
            messages = []
            async for message in client.receive_messages():
                messages.append(message)
                if isinstance(message, SystemMessage) and message.subtype == "init":
                    await asyncio.sleep(0.3)
                    await client.interrupt()
                if isinstance(message, ResultMessage):
                    break
    assert messages[-1].subtype == "error_during_execution"


async def test_api_error_raises_result_error_after_the_result(real_options) -> None:
    messages: list[Any] = []
    with (
        ModelServer([api_error(400, "bad request for test")]) as server,
        pytest.raises(claude_wire.ResultError) as info,
    ):
        async for message in claude_wire.query(prompt="x", options=real_options(server)):
            messages.append(message)
    assert isinstance(messages[-1], ResultMessage) and messages[-1].is_error
    assert info.value.exit_code == 1 and "bad request for test" in str(info.value)
    assert isinstance(info.value, claude_wire.ProcessError)
