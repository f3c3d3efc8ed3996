"""The asyncio floor: the least an asyncio SDK must do, with no SDK.

    python py_floor.py <flood|permission|hook> <cli> [n]

Reads the CLI's stdout on the event loop itself (``add_reader``: no thread, no hop), parses each
line with ``json.loads`` into a dict, and answers each control request from an ``async``
callback run in a task of its own (eagerly started where the loop can, Python 3.12+), as an SDK
must so that a callback can wait and be cancelled. What it leaves out is everything an SDK adds:
typed messages, option and answer checks, error handling, cleanup. It prints the drivers' JSON
figures. A driver's round trip can only approach this one; see BENCHMARKS.md.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import subprocess
import sys
import time

SCENARIO, CLI = sys.argv[1], sys.argv[2]
N = int(sys.argv[3]) if len(sys.argv) > 3 else 0


async def allow(request: dict) -> dict:
    return {"behavior": "allow", "updatedInput": request["input"]}


async def no_opinion(request: dict) -> dict:
    return {}


def start_task(loop: asyncio.AbstractEventLoop, coro) -> None:
    if sys.version_info >= (3, 12):
        asyncio.Task(coro, loop=loop, eager_start=True)
    else:
        loop.create_task(coro)


async def main() -> dict:
    loop = asyncio.get_running_loop()
    cpu0, start = time.process_time(), time.perf_counter()
    child = subprocess.Popen(
        [CLI, "--output-format", "stream-json", "--verbose", "--input-format", "stream-json"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert child.stdin and child.stdout
    stdin, stdout = child.stdin.fileno(), child.stdout.fileno()
    os.set_blocking(stdout, False)

    def write(message: dict) -> None:
        os.write(stdin, (json.dumps(message) + "\n").encode())

    hooks = {"PreToolUse": [{"matcher": None, "hookCallbackIds": ["hook_0"]}]}
    init = {"subtype": "initialize", "hooks": hooks if SCENARIO == "hook" else None}
    write({"type": "control_request", "request_id": "req_1_floor", "request": init})
    user = {"role": "user", "content": "go"}
    write({"type": "user", "session_id": "", "parent_tool_use_id": None, "message": user})

    async def answer(request_id: str, request: dict) -> None:
        callback = allow if request.get("subtype") == "can_use_tool" else no_opinion
        body = await callback(request)
        response = {"subtype": "success", "request_id": request_id, "response": body}
        write({"type": "control_response", "response": response})

    ended: asyncio.Future[dict] = loop.create_future()
    pending = bytearray()
    counts = {"assistants": 0}

    def readable() -> None:
        try:
            chunk = os.read(stdout, 1 << 16)
        except BlockingIOError:
            return
        if not chunk:
            if not ended.done():
                ended.set_exception(SystemExit("the CLI ended without a result"))
            return
        pending.extend(chunk)
        lines = pending.split(b"\n")
        pending[:] = lines.pop()
        for line in lines:
            message = json.loads(line)
            kind = message.get("type")
            if kind == "control_request":
                start_task(loop, answer(message["request_id"], message["request"]))
            elif kind == "assistant":
                counts["assistants"] += 1
            elif kind == "result" and not ended.done():
                ended.set_result(message)

    loop.add_reader(stdout, readable)
    try:
        result = await ended
    finally:
        loop.remove_reader(stdout)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu0
    child.stdin.close()
    child.wait()

    if SCENARIO == "flood":
        if counts["assistants"] != N:
            raise SystemExit(f"got {counts['assistants']} assistant messages of {N}")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return {"count": N, "msgs_per_s": N / seconds, "cpu_s": cpu, "peak_rss_mb": peak}
    if result.get("is_error"):
        raise SystemExit(f"no round trips: {result}")
    times = sorted(json.loads(result["result"]))
    pick = lambda q: times[round((len(times) - 1) * q)]  # noqa: E731
    return {"n": len(times), "p50_us": pick(0.5), "p99_us": pick(0.99)}


if SCENARIO not in ("flood", "permission", "hook"):
    raise SystemExit(f"unknown scenario {SCENARIO}")
print(json.dumps(asyncio.run(main())))
