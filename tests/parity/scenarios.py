"""The Python runner of the shared parity scenarios (``tests/scenarios/scenarios.json``).

Each scenario is data (format: ``tests/scenarios/README.md``); :func:`program` turns one into an
``async def program(run)`` that drives the SDK in ``run.sdk`` (``claude_agent_sdk`` or
``claude_wire``) through its public API. The Node runner (``parity.test.mjs``) reads the same file.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

from .harness import Run, substitute, to_plain

Program = Callable[[Run], Awaitable[None]]

SCENARIO_FILE = Path(__file__).resolve().parents[1] / "scenarios" / "scenarios.json"

# Control methods: the data uses the TypeScript name; the Python client's name when it differs.
PYTHON_METHODS = {
    "initializationResult": "get_server_info",
    "mcpServerStatus": "get_mcp_status",
    "getContextUsage": "get_context_usage",
}
# Hook output keys that are Python keywords get a trailing underscore in the Python SDK.
PYTHON_OUTPUT_KEYS = {"continue": "continue_", "async": "async_"}


def load(lang: str = "python") -> dict[str, dict[str, Any]]:
    """The scenarios that apply to ``lang``, by name."""
    scenarios = json.loads(SCENARIO_FILE.read_text())
    return {s["name"]: s for s in scenarios if lang in s["sdks"]}


def snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def context_view(context: Any) -> dict[str, Any]:
    """A permission context as plain data (``signal`` left out)."""
    data = {f.name: getattr(context, f.name) for f in dataclasses.fields(context)}
    data.pop("signal", None)
    data["suggestions"] = [s.to_dict() for s in data["suggestions"]]
    return data


# --- the fixed in-process MCP tools, by "server.tool" ---------------------------------------------


def calc_add(run: Run) -> Any:
    @run.sdk.tool("add", "Add two numbers", {"a": float, "b": float})
    async def add(args: dict[str, Any]) -> dict[str, Any]:
        run.call("add", args)
        return {"content": [{"type": "text", "text": f"sum={args['a'] + args['b']}"}]}

    return add


def calc_boom(run: Run) -> Any:
    @run.sdk.tool("boom", "Always fails", {"x": float})
    async def boom(args: dict[str, Any]) -> dict[str, Any]:
        run.call("boom", args)
        raise RuntimeError(f"boom {args['x']}")

    return boom


def calc_blocks(run: Run) -> Any:
    @run.sdk.tool("blocks", "Returns one block of each kind", {"x": float})
    async def blocks(args: dict[str, Any]) -> dict[str, Any]:
        run.call("blocks", args)
        return {
            "content": [
                {"type": "text", "text": "plain text", "note": "not an MCP field"},
                {"type": "resource_link", "uri": "file:///a.txt", "name": "a.txt"},
                {"type": "resource", "resource": {"uri": "file:///b.txt", "text": "b's text"}},
                {"type": "resource", "resource": {"uri": "file:///c.bin", "blob": "AAAA"}},
                {"type": "mystery", "x": 1},
            ]
        }

    return blocks


MCP_TOOLS: dict[str, Callable[[Run], Any]] = {
    "calc.add": calc_add,
    "calc.boom": calc_boom,
    "calc.blocks": calc_blocks,
}


# --- the interpreter -------------------------------------------------------------------------------


class Driver:
    """Runs one scenario's steps against ``run.sdk``."""

    def __init__(self, run: Run, scenario: dict[str, Any]) -> None:
        self.run = run
        self.scenario = scenario
        self.client: Any = None
        self.messages: Any = None
        self.labels: dict[str, int] = {}

    def arg(self, value: Any) -> Any:
        return substitute(value, self.run.cwd)

    def options(self) -> Any:
        sdk, scenario = self.run.sdk, self.scenario
        data = {snake(k): self.arg(v) for k, v in scenario.get("options", {}).items()}
        data.update(scenario.get("optionsBySdk", {}).get("python", {}))
        callbacks = scenario.get("callbacks", {})
        if "canUseTool" in callbacks:
            data["can_use_tool"] = self.can_use_tool(callbacks["canUseTool"])
        if "hooks" in callbacks:
            data["hooks"] = {
                event: [
                    sdk.HookMatcher(matcher=spec.get("matcher"), hooks=[self.hook(event, spec)])
                ]
                for event, spec in callbacks["hooks"].items()
            }
        if "mcp" in callbacks:
            servers: dict[str, list[Any]] = {}
            for name in callbacks["mcp"]:
                servers.setdefault(name.split(".")[0], []).append(MCP_TOOLS[name](self.run))
            data["mcp_servers"] = {
                name: sdk.create_sdk_mcp_server(name, "1.0.0", tools)
                for name, tools in servers.items()
            }
        return self.run.options(**data)

    def can_use_tool(self, decision: dict[str, Any]) -> Any:
        run = self.run

        async def can_use_tool(tool_name: str, tool_input: dict[str, Any], context: Any) -> Any:
            run.call("canUseTool", tool_name, tool_input, context_view(context))
            if decision["behavior"] == "deny":
                return run.sdk.PermissionResultDeny(
                    message=decision.get("message", ""), interrupt=decision.get("interrupt", False)
                )
            patch = decision.get("updatedInput")
            return run.sdk.PermissionResultAllow(
                updated_input=None if patch is None else {**tool_input, **self.arg(patch)}
            )

        return can_use_tool

    def hook(self, event: str, spec: dict[str, Any]) -> Any:
        run = self.run
        output = {PYTHON_OUTPUT_KEYS.get(k, k): v for k, v in spec.get("output", {}).items()}

        async def hook(hook_input: dict[str, Any], tool_use_id: str | None, context: Any) -> Any:
            run.call(event, hook_input, tool_use_id, sorted(context))
            return output

        return hook

    async def prompt(self) -> AsyncIterator[dict[str, Any]]:
        for content in self.scenario["prompt"]:
            yield {"type": "user", "message": {"role": "user", "content": content}}

    async def main(self) -> None:
        options = self.options()
        steps = self.scenario.get("steps", [{"receive": "end"}])
        if "prompt" in self.scenario:
            prompt = self.scenario["prompt"]
            self.messages = self.run.sdk.query(
                prompt=prompt if isinstance(prompt, str) else self.prompt(), options=options
            )
            try:
                await self.steps(steps)
            finally:
                await self.messages.aclose()
            return
        async with self.run.sdk.ClaudeSDKClient(options) as client:
            self.client = client
            self.messages = client.receive_messages()
            try:
                await self.steps(steps)
            finally:
                await self.messages.aclose()

    async def steps(self, steps: list[dict[str, Any]]) -> None:
        for step in steps:
            if "send" in step:
                await self.client.query(self.arg(step["send"]))
            elif "receive" in step:
                await self.receive(step["receive"])
            elif "call" in step:
                await self.call(step)
            elif "sleep" in step:
                await asyncio.sleep(step["sleep"])
            else:
                raise ValueError(f"step not supported by the Python runner: {step}")

    async def receive(self, until: str) -> None:
        sdk = self.run.sdk
        stop: dict[str, Callable[[Any], bool]] = {
            "result": lambda m: isinstance(m, sdk.ResultMessage),
            "assistant": lambda m: isinstance(m, sdk.AssistantMessage),
            "init": lambda m: isinstance(m, sdk.SystemMessage) and m.subtype == "init",
            "end": lambda m: False,
        }
        while True:
            try:
                message = await self.messages.__anext__()
            except StopAsyncIteration:
                return
            self.run.raw_messages.append(message)
            if stop[until](message):
                return

    async def call(self, step: dict[str, Any]) -> None:
        method = step["call"]
        if self.client is None:
            raise ValueError(f"{method}: control calls need a session (no `prompt`) in Python")
        label = step.get("as", method)
        self.labels[label] = self.labels.get(label, 0) + 1
        if self.labels[label] > 1:
            label = f"{label}#{self.labels[label]}"
        function = getattr(self.client, PYTHON_METHODS.get(method, snake(method)))
        try:
            value = to_plain(await function(*self.arg(step.get("args", []))))
        except Exception as exc:
            classes = [c.__name__ for c in type(exc).__mro__]
            self.run.extra[label] = {"error": str(exc), "raises": classes}
            return
        if step.get("view") == "keys":
            value = sorted(value or {})
        self.run.extra[label] = {"value": value}


def program(scenario: dict[str, Any]) -> Program:
    """The scenario as a program for :func:`harness.run_scenario`."""

    async def run_program(run: Run) -> None:
        await Driver(run, scenario).main()

    return run_program


SCENARIOS = load("python")
