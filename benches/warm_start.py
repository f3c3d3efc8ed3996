"""Warm starts: a SessionPool claim vs a cold ``query`` on the real pinned CLI, in one run.

    python benches/warm_start.py [--runs 7] [--max-warm-ms 100]

Each run times, from the call that starts the query to the message, start -> first message
and start -> result, against the scripted model server (no tokens, no network). Cold runs
``claude_wire.query`` (spawn, initialize, prompt); warm runs ``pool.query`` on a pool of one
whose CLI is started and initialized beforehand (the run waits for the refill, untimed, so
each warm run claims a ready CLI, as a serving pool does between requests). Cold and warm runs
alternate, so machine load hits both alike. Prints the medians, the ratios, and whether the
warm median to the first message is within ``--max-warm-ms`` (with ``--check``, exit 1 when not).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import claude_wire
from claude_wire import ClaudeAgentOptions, ResultMessage, SessionPool
from claude_wire.testing import ModelServer, isolated_env, pinned_cli_path, text


async def timed(messages: AsyncIterator[Any], started: float) -> tuple[float, float]:
    """Start -> first message and start -> result; reads on to the end of the stream, so the
    CLI has exited and been reaped before the next run starts."""
    first = result = None
    async for message in messages:
        now = time.perf_counter()
        first = first if first is not None else now - started
        if isinstance(message, ResultMessage):
            assert not message.is_error, message
            result = now - started
    if first is None or result is None:
        raise RuntimeError("the query ended without a result")
    return first, result


async def wait_warm(pool: SessionPool) -> None:
    deadline = time.monotonic() + 60
    while pool.stats()["warm"] < 1:
        if time.monotonic() > deadline:
            raise RuntimeError("the pool did not refill within 60 s")
        await asyncio.sleep(0.01)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--max-warm-ms", type=float, default=100.0)
    parser.add_argument("--check", action="store_true", help="exit 1 above --max-warm-ms")
    args = parser.parse_args()
    cli = pinned_cli_path()
    if cli is None:
        print("the pinned CLI is missing: run scripts/fetch-cli.sh", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="claude-wire-warm-") as scratch:
        work = Path(scratch) / "work"
        work.mkdir()
        with ModelServer([text("ok")] * (2 * args.runs + 2)) as server:
            options = ClaudeAgentOptions(
                cli_path=str(cli),
                cwd=str(work),
                env=isolated_env(server, Path(scratch) / "env"),
                model="bench-model",
                setting_sources=[],
                max_turns=1,
            )
            cold: list[tuple[float, float]] = []
            warm: list[tuple[float, float]] = []
            async with SessionPool(options, size=1) as pool:
                # One untimed run of each: page cache and first-use costs out of the figures.
                await timed(claude_wire.query(prompt="hi", options=options), time.perf_counter())
                await wait_warm(pool)
                await timed(pool.query(prompt="hi"), time.perf_counter())
                for _ in range(args.runs):
                    started = time.perf_counter()
                    cold.append(
                        await timed(claude_wire.query(prompt="hi", options=options), started)
                    )
                    await wait_warm(pool)
                    started = time.perf_counter()
                    warm.append(await timed(pool.query(prompt="hi"), started))
    median = {
        name: tuple(statistics.median(run[i] for run in runs) for i in range(2))
        for name, runs in (("cold", cold), ("warm", warm))
    }
    print(f"claude_wire {claude_wire.__version__}, CLI {cli}, {args.runs} runs each, medians:")
    print(f"{'':6} {'start -> first message':>24} {'start -> result':>18}")
    for name in ("cold", "warm"):
        first, result = median[name]
        print(f"{name:6} {ms(first):>24} {ms(result):>18}")
    ratio_first = median["cold"][0] / median["warm"][0]
    ratio_result = median["cold"][1] / median["warm"][1]
    print(f"{'ratio':6} {f'{ratio_first:.1f}x':>24} {f'{ratio_result:.1f}x':>18}  (cold / warm)")
    within = median["warm"][0] * 1000 <= args.max_warm_ms
    print(f"warm start -> first message {'within' if within else 'ABOVE'} {args.max_warm_ms:g} ms")
    return 0 if within or not args.check else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
