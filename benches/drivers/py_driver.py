"""The Python driver: one scenario of one SDK per process, one JSON line of figures.

    python py_driver.py <claude_wire|claude_agent_sdk> <scenario> <cli> [n]

Scenarios: import, flood, permission, hook, bigline, concurrent, realcli. The fake CLI's mode
comes from ``BENCH_FAKE_MODE`` (set by benches/run.py); ``realcli`` runs the real CLI with the
scripted model server's environment, inherited from this process.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import resource
import sys
import time

PACKAGE, SCENARIO, CLI = sys.argv[1], sys.argv[2], sys.argv[3]
N = int(sys.argv[4]) if len(sys.argv) > 4 else 0

started = time.perf_counter()
sdk = importlib.import_module(PACKAGE)
IMPORT_MS = (time.perf_counter() - started) * 1e3


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def status_kb(key: str) -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(key):
                return float(line.split()[1])
    return 0.0


class Run:
    def __init__(self) -> None:
        self.assistants = 0
        self.biggest = 0
        self.first: float | None = None
        self.result_at: float | None = None
        self.result = None
        self.error: str | None = None


async def drain(prompt, options) -> Run:
    run = Run()
    try:
        async for message in sdk.query(prompt=prompt, options=options):
            if run.first is None:
                run.first = time.perf_counter()
            if isinstance(message, sdk.AssistantMessage):
                run.assistants += 1
                size = sum(len(getattr(block, "text", "")) for block in message.content)
                run.biggest = max(run.biggest, size)
            elif isinstance(message, sdk.ResultMessage):
                run.result_at = time.perf_counter()
                run.result = message
    except Exception as error:  # reported, not raised: a failure is a figure
        run.error = f"{type(error).__name__}: {error}"[:200]
    return run


def held_prompt(done: asyncio.Event):
    """A streamed prompt that keeps stdin open until the result (callbacks need it)."""

    async def messages():
        yield {
            "type": "user",
            "message": {"role": "user", "content": "go"},
            "parent_tool_use_id": None,
            "session_id": "",
        }
        await done.wait()

    return messages()


async def round_trips(options_extra: dict) -> dict:
    done = asyncio.Event()
    run = Run()

    async def consume() -> None:
        async for message in sdk.query(
            prompt=held_prompt(done), options=sdk.ClaudeAgentOptions(cli_path=CLI, **options_extra)
        ):
            if isinstance(message, sdk.ResultMessage):
                run.result = message
                done.set()

    await consume()
    if run.result is None or run.result.is_error:
        raise SystemExit(f"no round trips: {run.result}")
    times = sorted(json.loads(run.result.result))
    pick = lambda q: times[round((len(times) - 1) * q)]  # noqa: E731
    return {"n": len(times), "p50_us": pick(0.5), "p99_us": pick(0.99)}


async def allow(tool_name, tool_input, context):
    return sdk.PermissionResultAllow(updated_input=tool_input)


async def noop_hook(hook_input, tool_use_id, context):
    return {}


async def main() -> dict:
    if SCENARIO == "import":
        return {"import_ms": IMPORT_MS}
    if SCENARIO == "flood":
        cpu0, start = cpu_seconds(), time.perf_counter()
        run = await drain("go", sdk.ClaudeAgentOptions(cli_path=CLI))
        seconds = time.perf_counter() - start
        if run.assistants != N:
            raise SystemExit(f"got {run.assistants} assistant messages of {N}: {run.error}")
        return {
            "count": N,
            "msgs_per_s": N / seconds,
            "cpu_s": cpu_seconds() - cpu0,
            "peak_rss_mb": peak_rss_mb(),
        }
    if SCENARIO == "permission":
        return await round_trips({"can_use_tool": allow})
    if SCENARIO == "hook":
        matcher = sdk.HookMatcher(matcher=None, hooks=[noop_hook])
        return await round_trips({"hooks": {"PreToolUse": [matcher]}})
    if SCENARIO == "bigline":
        run = await drain("go", sdk.ClaudeAgentOptions(cli_path=CLI))
        return {
            "ok": run.error is None and run.biggest >= N << 20,
            "error": run.error,
            "line_mb": run.biggest / (1 << 20),
            "peak_rss_mb": peak_rss_mb(),
        }
    if SCENARIO == "concurrent":
        options = sdk.ClaudeAgentOptions(cli_path=CLI)
        await drain("go", options)  # one-time set-up is not counted per session
        base_kb = status_kb("VmRSS")
        start = time.perf_counter()
        runs = await asyncio.gather(*(drain("go", options) for _ in range(N)))
        seconds = time.perf_counter() - start
        failed = [run.error for run in runs if run.result is None]
        if failed:
            raise SystemExit(f"{len(failed)} sessions failed: {failed[0]}")
        grown = status_kb("VmHWM") - base_kb
        return {"sessions": N, "seconds": seconds, "rss_per_session_kb": grown / N}
    if SCENARIO == "realcli":
        options = sdk.ClaudeAgentOptions(cli_path=CLI, model="test-model", max_turns=1)
        start = time.perf_counter()
        run = await drain("go", options)
        end_ms = (time.perf_counter() - start) * 1e3

        def ms(at: float | None) -> float | None:
            return (at - start) * 1e3 if at is not None else None

        return {
            "first_ms": ms(run.first),
            "result_ms": ms(run.result_at),
            "end_ms": end_ms,
            "error": run.error,
        }
    raise SystemExit(f"unknown scenario {SCENARIO}")


print(json.dumps(asyncio.run(main())))
