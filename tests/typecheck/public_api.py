"""A typed program over claude_wire's public API, checked with ``mypy --strict`` by
``scripts/test-python.sh`` (``make test``). It is not run: it exists so that a wrong or missing
annotation in the package or its stubs fails the build instead of reaching users.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import claude_wire
from claude_wire import (
    AssistantMessage,
    ClaudeAgentOptions,
    ClaudeSDKClient,
    HookContext,
    HookInput,
    HookJSONOutput,
    HookMatcher,
    Message,
    PermissionResult,
    PermissionResultAllow,
    PermissionResultDeny,
    ProcessError,
    ResultMessage,
    TextBlock,
    ToolPermissionContext,
    create_sdk_mcp_server,
    query,
    tool,
)
from claude_wire.testing import ModelServer, isolated_env, pinned_cli_path, text, tool_use

VERSION: str = claude_wire.__version__


async def allow_reads(
    name: str, tool_input: dict[str, Any], context: ToolPermissionContext
) -> PermissionResult:
    if name == "Bash":
        return PermissionResultDeny(message="no shell here")
    return PermissionResultAllow(updated_input=tool_input)


async def log_tool(
    hook_input: HookInput, tool_use_id: str | None, context: HookContext
) -> HookJSONOutput:
    return {"continue_": True}


@tool("add", "Adds two numbers", {"a": float, "b": float})
async def add(args: dict[str, Any]) -> dict[str, Any]:
    return {"content": [{"type": "text", "text": str(args["a"] + args["b"])}]}


def options(server: ModelServer, scratch: Path) -> ClaudeAgentOptions:
    cli = pinned_cli_path()
    return ClaudeAgentOptions(
        env=isolated_env(server, scratch),
        model="test-model",
        max_turns=3,
        cli_path=cli,
        can_use_tool=allow_reads,
        hooks={"PreToolUse": [HookMatcher(matcher="Bash", hooks=[log_tool], timeout=5.0)]},
        mcp_servers={"calc": create_sdk_mcp_server("calc", tools=[add])},
    )


def texts(message: Message) -> list[str]:
    if isinstance(message, AssistantMessage):
        return [block.text for block in message.content if isinstance(block, TextBlock)]
    return []


async def one_shot(scratch: Path) -> float | None:
    with ModelServer([tool_use("Bash", {"command": "ls"}), text("done")]) as server:
        cost: float | None = None
        async for message in query(prompt="list files", options=options(server, scratch)):
            if isinstance(message, ResultMessage):
                cost = message.total_cost_usd
        return cost


async def multi_turn(scratch: Path) -> list[str]:
    seen: list[str] = []
    server = ModelServer([text("hello")])
    server.push(text("again"))
    try:
        async with ClaudeSDKClient(options(server, scratch)) as client:
            for prompt in ("hi", "once more"):
                await client.query(prompt)
                async for message in client.receive_response():
                    seen.extend(texts(message))
            await client.set_model(None)
            await client.set_permission_mode("acceptEdits")
            info: dict[str, Any] | None = await client.get_server_info()
            if info is not None:
                seen.append(str(len(info)))
    except ProcessError as error:
        exit_code: int | None = error.exit_code
        seen.append(f"exit {exit_code}")
    finally:
        server.close()
    requests: list[dict[str, Any]] = server.requests
    seen.append(str(len(requests)))
    return seen
