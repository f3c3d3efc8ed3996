"""Scenario programs, written once against the public API of either SDK.

Each entry of ``SCENARIOS`` is ``name -> (script, program)``: the model server's replies and an
``async def program(run)`` that drives the SDK found in ``run.sdk``.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any

from claude_wire.testing import Reply, api_error, structured_output, text, tool_use

from .harness import Run

Program = Callable[[Run], Awaitable[None]]


def context_view(context: Any) -> dict[str, Any]:
    """A permission context as plain data (``signal`` left out)."""
    data = {f.name: getattr(context, f.name) for f in dataclasses.fields(context)}
    data.pop("signal", None)
    data["suggestions"] = [s.to_dict() for s in data["suggestions"]]
    return data


async def one_shot(run: Run, prompt: str = "go", **options: Any) -> None:
    await run.collect(run.sdk.query(prompt=prompt, options=run.options(**options)))


# --- text and tool turns -------------------------------------------------------------------------


async def text_turn(run: Run) -> None:
    await one_shot(run, "Say hello")


async def tool_turn(run: Run) -> None:
    await one_shot(run, "Run echo", allowed_tools=["Bash"])


# --- permissions ---------------------------------------------------------------------------------


def permission_program(decide: Callable[[Run, str, dict[str, Any]], Any]) -> Program:
    async def program(run: Run) -> None:
        async def can_use_tool(tool_name: str, tool_input: dict[str, Any], context: Any) -> Any:
            run.call("can_use_tool", tool_name, tool_input, context_view(context))
            return decide(run, tool_name, tool_input)

        async def prompts():
            yield {"type": "user", "message": {"role": "user", "content": "Create the file"}}

        # can_use_tool needs streaming input in the official SDK
        await run.collect(
            run.sdk.query(prompt=prompts(), options=run.options(can_use_tool=can_use_tool))
        )

    return program


allow = permission_program(lambda run, name, inp: run.sdk.PermissionResultAllow())
deny = permission_program(lambda run, name, inp: run.sdk.PermissionResultDeny(message="not today"))
changed_input = permission_program(
    lambda run, name, inp: run.sdk.PermissionResultAllow(
        updated_input={**inp, "command": "touch changed.txt"}
    )
)

# --- hooks ---------------------------------------------------------------------------------------


async def pre_tool_use_deny(run: Run) -> None:
    async def hook(
        hook_input: dict[str, Any], tool_use_id: str | None, context: Any
    ) -> dict[str, Any]:
        run.call("PreToolUse", hook_input, tool_use_id, sorted(context))
        return {
            "hookSpecificOutput": {
                "hookEventName": "PreToolUse",
                "permissionDecision": "deny",
                "permissionDecisionReason": "blocked by policy",
            }
        }

    hooks = {"PreToolUse": [run.sdk.HookMatcher(matcher="Bash", hooks=[hook])]}
    await one_shot(run, "Run touch", hooks=hooks, allowed_tools=["Bash"])


async def post_tool_use_context(run: Run) -> None:
    async def hook(
        hook_input: dict[str, Any], tool_use_id: str | None, context: Any
    ) -> dict[str, Any]:
        run.call("PostToolUse", hook_input, tool_use_id)
        return {
            "continue_": True,
            "hookSpecificOutput": {
                "hookEventName": "PostToolUse",
                "additionalContext": "the tool ran fine",
            },
        }

    hooks = {"PostToolUse": [run.sdk.HookMatcher(matcher=None, hooks=[hook])]}
    await one_shot(run, "Run echo", hooks=hooks, allowed_tools=["Bash"])


# --- in-process MCP tool -------------------------------------------------------------------------


async def mcp_tool(run: Run) -> None:
    sdk = run.sdk

    @sdk.tool("add", "Add two numbers", {"a": float, "b": float})
    async def add(args: dict[str, Any]) -> dict[str, Any]:
        run.call("add", args)
        return {"content": [{"type": "text", "text": f"sum={args['a'] + args['b']}"}]}

    server = sdk.create_sdk_mcp_server("calc", "1.0.0", [add])
    await one_shot(
        run, "Add 2 and 3", mcp_servers={"calc": server}, allowed_tools=["mcp__calc__add"]
    )


# --- client ----------------------------------------------------------------------------------------


def is_result(run: Run) -> Callable[[Any], bool]:
    return lambda message: isinstance(message, run.sdk.ResultMessage)


async def multi_turn(run: Run) -> None:
    async with run.sdk.ClaudeSDKClient(run.options()) as client:
        await client.query("first question")
        await run.collect(client.receive_response())
        await client.query("second question")
        await run.collect(client.receive_response())


async def interrupt(run: Run) -> None:
    async with run.sdk.ClaudeSDKClient(run.options()) as client:
        await client.query("write a long story")
        async for message in client.receive_messages():
            run.raw_messages.append(message)
            if isinstance(message, run.sdk.SystemMessage) and message.subtype == "init":
                await asyncio.sleep(0.3)
                await client.interrupt()
                run.call("interrupt")
            if isinstance(message, run.sdk.ResultMessage):
                break


async def set_model(run: Run) -> None:
    async with run.sdk.ClaudeSDKClient(run.options()) as client:
        await client.set_model("claude-other-model")
        await client.query("which model?")
        await run.collect(client.receive_response())


async def structured(run: Run) -> None:
    schema = {
        "type": "object",
        "properties": {"answer": {"type": "integer"}},
        "required": ["answer"],
    }
    await one_shot(run, "What is 6*7?", output_format={"type": "json_schema", "schema": schema})


async def api_error_result(run: Run) -> None:
    await one_shot(run, "hello")


async def server_info(run: Run) -> None:
    async with run.sdk.ClaudeSDKClient(run.options()) as client:
        info = await client.get_server_info()
        run.extra["server_info_keys"] = sorted(info or {})
        status = await client.get_mcp_status()
        run.extra["mcp_status"] = status


SCENARIOS: dict[str, tuple[list[Reply], Program]] = {
    "text_turn": ([text("Hello from the scripted model")], text_turn),
    "tool_turn": (
        [tool_use("Bash", {"command": "echo parity"}), text("it printed parity")],
        tool_turn,
    ),
    "permission_allow": (
        [tool_use("Bash", {"command": "touch allowed.txt"}), text("created")],
        allow,
    ),
    "permission_deny": (
        [tool_use("Bash", {"command": "touch denied.txt"}), text("could not")],
        deny,
    ),
    "permission_changed_input": (
        [tool_use("Bash", {"command": "touch original.txt"}), text("created")],
        changed_input,
    ),
    "pre_tool_use_deny": (
        [tool_use("Bash", {"command": "touch hooked.txt"}), text("blocked")],
        pre_tool_use_deny,
    ),
    "post_tool_use_context": (
        [tool_use("Bash", {"command": "echo ctx"}), text("noted the context")],
        post_tool_use_context,
    ),
    "mcp_tool": ([tool_use("mcp__calc__add", {"a": 2, "b": 3}), text("the sum is 5")], mcp_tool),
    "multi_turn": ([text("first answer"), text("second answer")], multi_turn),
    "interrupt": ([text("once upon a time " * 40, delay=0.4)], interrupt),
    "set_model": ([text("I am the other model")], set_model),
    "structured_output": ([structured_output({"answer": 42}), text("done")], structured),
    "api_error": ([api_error(400, "scripted failure")], api_error_result),
    "server_info": ([], server_info),
}
