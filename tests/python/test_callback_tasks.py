"""Callbacks run in a task of the caller's event loop, answered from inside that task; the task
starts eagerly (Python 3.12's eager start; on 3.11 its first step is run at once). Checked on
this interpreter and, when one is installed, on a Python 3.12+ as well, in a fresh process
against the scripted fake CLI."""

from __future__ import annotations

import asyncio
import contextvars
import glob
import json
import os
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from fake_cli import result_frame

import claude_wire
import claude_wire._internal as internal
from claude_wire import PermissionResultAllow

FAKE = Path(__file__).resolve().parents[1] / "fake_cli" / "fake_claude.py"
PACKAGE_DIR = Path(claude_wire.__file__).resolve().parent.parent

SCRIPT = r"""
import asyncio, json, sys
import claude_wire
import claude_wire._internal as internal
from claude_wire import ClaudeAgentOptions, PermissionResultAllow

seen = []
# Whether each callback's task was already done when it was handed back: started eagerly and
# finished without waiting.
done_at_start = []
start_task = internal.start_task

def recording_start_task(coro):
    task = start_task(coro)
    done_at_start.append(task.done())
    return task

internal.start_task = recording_start_task

async def can_use_tool(name, tool_input, context):
    seen.append([name, asyncio.current_task() is not None])
    if name == "Wait":
        await asyncio.sleep(0.01)
    if name == "Boom":
        raise RuntimeError("boom")
    if name == "Exit":
        sys.exit(3)
    return PermissionResultAllow(updated_input={"seen": name})

async def prompt():
    yield {"type": "user", "message": {"role": "user", "content": "go"},
           "parent_tool_use_id": None, "session_id": ""}

async def main():
    options = ClaudeAgentOptions(cli_path=sys.argv[1], can_use_tool=can_use_tool)
    results = [m async for m in claude_wire.query(prompt=prompt(), options=options)
               if isinstance(m, claude_wire.ResultMessage)]
    print(json.dumps({"seen": seen, "results": len(results), "eager": done_at_start,
                      "version": list(sys.version_info[:2])}))

asyncio.run(main())
"""


def request(request_id: str, tool: str) -> dict:
    return {
        "type": "control_request",
        "request_id": request_id,
        "request": {"subtype": "can_use_tool", "tool_name": tool, "input": {}},
    }


def allowed(request_id: str, tool: str) -> dict:
    answer = {"behavior": "allow", "updatedInput": {"seen": tool}}
    response = {"subtype": "success", "request_id": request_id, "response": answer}
    return {"type": "control_response", "response": response}


SCENARIO = [
    {"answer_initialize": {}},
    {"expect_stdin": {"type": "user"}},
    {"emit": request("r1", "Allow")},
    {"expect_stdin": allowed("r1", "Allow")},
    {"emit": request("r2", "Wait")},
    {"expect_stdin": allowed("r2", "Wait")},
    {"emit": request("r3", "Boom")},
    {
        "expect_stdin": {
            "type": "control_response",
            "response": {"subtype": "error", "request_id": "r3", "error": "boom"},
        }
    },
    {"emit": result_frame(session_id="s")},
    {"wait_stdin_eof": True},
]


def newer_python() -> str | None:
    """A Python 3.12+ interpreter on this machine (pyenv's or on PATH) that runs, if any."""
    root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    found = sorted(glob.glob(f"{root}/versions/3.1[2-9]*/bin/python3"))
    found += [p for m in (14, 13, 12) if (p := shutil.which(f"python3.{m}"))]
    check = "import sys; print(sys.version_info >= (3, 12))"
    for candidate in found:
        try:
            ran = subprocess.run(
                [candidate, "-c", check], capture_output=True, text=True, timeout=30
            )
        except OSError:
            continue
        if ran.returncode == 0 and ran.stdout.strip() == "True":
            return candidate
    return None


NEWER = newer_python()


INTERPRETERS = [
    pytest.param(sys.executable, id="this-python"),
    pytest.param(
        NEWER,
        id="python-3.12+",
        marks=pytest.mark.skipif(NEWER is None, reason="no Python 3.12+ installed"),
    ),
]


def run(python: str, scenario: list[dict]) -> subprocess.CompletedProcess[str]:
    env = dict(
        os.environ,
        PYTHONPATH=str(PACKAGE_DIR),
        FAKE_CLI_SCENARIO=json.dumps(scenario),
        PYTHONWARNINGS="error::RuntimeWarning",
    )
    return subprocess.run(
        [python, "-c", SCRIPT, str(FAKE)], env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("python", INTERPRETERS)
def test_callbacks_run_in_a_task_and_answer_from_it(python: str) -> None:
    done = run(python, SCENARIO)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["seen"] == [["Allow", True], ["Wait", True], ["Boom", True]]
    assert out["results"] == 1
    assert python == sys.executable or out["version"] >= [3, 12], out["version"]
    # Started eagerly, a callback that does not wait is done before the loop turns again; one
    # that waits is not.
    assert out["eager"] == [True, False, True]
    assert "never retrieved" not in done.stderr and "never awaited" not in done.stderr, done.stderr


@pytest.mark.parametrize("python", INTERPRETERS)
def test_sys_exit_in_a_callback_ends_the_program(python: str) -> None:
    scenario = [
        {"answer_initialize": {}},
        {"expect_stdin": {"type": "user"}},
        {"emit": request("r1", "Exit")},
        {"wait_stdin_eof": True},
    ]
    done = run(python, scenario)
    assert done.returncode == 3, (done.returncode, done.stderr)


async def test_a_plain_function_callback_keeps_its_context_variables_to_itself() -> None:
    # Plain functions run on a runtime thread, which keeps its Python thread state between
    # calls: each call gets its own copy of the session's context, as a task would.
    var: contextvars.ContextVar[str | None] = contextvars.ContextVar("var", default=None)
    var.set("session")
    seen: list[str | None] = []

    def can_use_tool(name: str, tool_input: dict, context: object) -> PermissionResultAllow:
        seen.append(var.get())
        var.set(name)
        return PermissionResultAllow(updated_input={"seen": name})

    tools = ["A", "B", "C", "D"]
    scenario: list[dict] = [{"answer_initialize": {}}, {"expect_stdin": {"type": "user"}}]
    for i, tool in enumerate(tools):
        scenario += [{"emit": request(f"r{i}", tool)}, {"expect_stdin": allowed(f"r{i}", tool)}]
    scenario += [{"emit": result_frame(session_id="s")}, {"wait_stdin_eof": True}]

    async def prompt() -> AsyncIterator[dict]:
        yield {"type": "user", "message": {"role": "user", "content": "go"}}

    options = claude_wire.ClaudeAgentOptions(
        cli_path=str(FAKE),
        can_use_tool=can_use_tool,
        env={"FAKE_CLI_SCENARIO": json.dumps(scenario)},
    )
    async for _ in claude_wire.query(prompt=prompt(), options=options):
        pass
    assert seen == ["session"] * len(tools)
    assert var.get() == "session"


async def test_a_task_started_from_inside_a_task_waits_for_the_loop_before_3_12() -> None:
    # Before 3.12, only a plain callback of the loop runs the first step at once: inside a task
    # (whose step is under way) it waits for the loop. 3.12's eager start runs it either way.
    steps: list[str] = []

    async def callback() -> None:
        steps.append("callback")

    task = internal.start_task(callback())
    steps.append("returned")
    await task
    eager = sys.version_info >= (3, 12)
    assert steps == (["callback", "returned"] if eager else ["returned", "callback"])


async def test_a_task_started_from_a_loop_callback_runs_at_once() -> None:
    loop = asyncio.get_running_loop()
    steps: list[str] = []
    started: asyncio.Future[asyncio.Future[None]] = loop.create_future()

    async def callback() -> None:
        steps.append("callback")

    def from_the_loop() -> None:
        started.set_result(internal.start_task(callback()))
        steps.append("returned")

    loop.call_soon(from_the_loop)
    task = await started
    assert task.done() and steps == ["callback", "returned"]


async def test_a_loop_with_a_task_factory_gets_its_task_from_it() -> None:
    loop = asyncio.get_running_loop()
    made: list[asyncio.Task[None]] = []

    def factory(loop: asyncio.AbstractEventLoop, coro: Any) -> asyncio.Task[None]:
        made.append(asyncio.Task(coro, loop=loop))
        return made[-1]

    async def callback() -> None:
        pass

    started: asyncio.Future[tuple[asyncio.Future[None], bool]] = loop.create_future()

    def from_the_loop() -> None:
        task = internal.start_task(callback())
        started.set_result((task, task.done()))

    loop.set_task_factory(factory)
    try:
        loop.call_soon(from_the_loop)
        task, done_at_once = await started
    finally:
        loop.set_task_factory(None)
    assert made == [task] and not done_at_once
    await task
