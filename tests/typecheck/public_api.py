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
from claude_wire.testing import (
    ModelServer,
    isolated_env,
    pinned_cli_path,
    run_session_store_conformance,
    text,
    tool_use,
)

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


async def pooled(scratch: Path) -> list[str]:
    seen: list[str] = []
    with ModelServer([text("warm"), text("warm again")]) as server:
        async with claude_wire.SessionPool(options(server, scratch), size=2) as pool:
            async for message in pool.query(prompt="hi"):
                seen.extend(texts(message))
            async with await pool.client() as client:
                await client.query("hi")
                async for message in client.receive_response():
                    seen.extend(texts(message))
            stats: claude_wire.PoolStats = pool.stats()
            pids: list[int] = pool.warm_pids()
            seen.append(f"{stats['claimed']} {len(pids)}")
    return seen


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


async def sessions(directory: Path) -> None:
    """The session functions and stores, with the official signatures."""
    infos: list[claude_wire.SDKSessionInfo] = claude_wire.list_sessions(
        str(directory), limit=10, offset=0, include_worktrees=False
    )
    for info in infos:
        found: claude_wire.SDKSessionInfo | None = claude_wire.get_session_info(info.session_id)
        messages: list[claude_wire.SessionMessage] = claude_wire.get_session_messages(
            info.session_id, limit=5
        )
        agents: list[str] = claude_wire.list_subagents(info.session_id)
        for agent in agents:
            claude_wire.get_subagent_messages(info.session_id, agent, offset=1)
        claude_wire.rename_session(info.session_id, "title")
        claude_wire.tag_session(info.session_id, None)
        fork: claude_wire.ForkSessionResult = claude_wire.fork_session(
            info.session_id, up_to_message_id=messages[0].uuid if messages else None, title="t"
        )
        claude_wire.delete_session(fork.session_id)
        del found
    store = claude_wire.InMemorySessionStore()
    key: claude_wire.SessionKey = {
        "project_key": claude_wire.project_key_for_directory(directory),
        "session_id": "s",
    }
    await store.append(key, [{"type": "user", "uuid": "u"}])
    loaded = await store.load(key)
    summary = claude_wire.fold_session_summary(None, key, loaded or [])
    assert summary["session_id"] == "s" and store.size >= 0
    await claude_wire.import_session_to_store("s", store, directory=str(directory), batch_size=10)
    listed = await claude_wire.list_sessions_from_store(store, str(directory), limit=1)
    await claude_wire.get_session_info_from_store(store, "s")
    await claude_wire.get_session_messages_from_store(store, "s", offset=1)
    await claude_wire.list_subagents_from_store(store, "s")
    await claude_wire.get_subagent_messages_from_store(store, "s", "a")
    await claude_wire.rename_session_via_store(store, "s", "t")
    await claude_wire.tag_session_via_store(store, "s", "x")
    await claude_wire.fork_session_via_store(store, "s", title="t")
    await claude_wire.delete_session_via_store(store, "s")
    options = ClaudeAgentOptions(
        session_store=store, session_store_flush="eager", load_timeout_ms=5000
    )
    del listed, options
    await run_session_store_conformance(claude_wire.InMemorySessionStore)
