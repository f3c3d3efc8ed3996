"""Agent sessions spread over a Ray cluster: each actor owns a SessionPool (warm CLIs on its
node), the driver submits prompts and gathers the results, and back-pressure comes from the
actor count (at most ``actors * per_actor`` sessions in flight; the rest wait in the driver).

    python examples/ray_pool.py [--actors 2] [--per-actor 2] [--prompts 8]

It runs offline on a local Ray instance (``ray.init()`` on this machine) against the scripted
model server. On a cluster, start Ray there (``ray start``), call ``ray.init(address="auto")``
and pass options for the real API instead of ``offline_options``: the code is the same.
Needs ``pip install ray`` and the pinned CLI on every node (``python -m claude_wire install-cli``).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import ray

from claude_wire import ClaudeAgentOptions, ResultMessage, SessionPool


@ray.remote
class PoolActor:
    """Owns one SessionPool; runs up to ``max_concurrency`` sessions at once on it.

    Options travel as a dict of ``ClaudeAgentOptions`` fields (plain data: callbacks cannot be
    sent to another process; define them in the actor if you need them).
    """

    def __init__(self, options: dict[str, Any], size: int) -> None:
        self._options = options
        self._size = size
        self._pool: SessionPool | None = None

    async def _ready(self) -> SessionPool:
        # Started on the actor's own event loop, at the first call.
        if self._pool is None:
            self._pool = await SessionPool(
                ClaudeAgentOptions(**self._options), size=self._size
            ).start()
        return self._pool

    async def run(self, prompt: str) -> dict[str, Any]:
        pool = await self._ready()
        result: ResultMessage | None = None
        async for message in pool.query(prompt=prompt):
            if isinstance(message, ResultMessage):
                result = message
        if result is None:
            raise RuntimeError(f"no result for {prompt!r}")
        return {
            "prompt": prompt,
            "result": result.result,
            "is_error": result.is_error,
            "actor_pid": os.getpid(),
        }

    async def close(self) -> dict[str, Any]:
        """Stops the pool's warm CLIs; returns its counters."""
        if self._pool is None:
            return {}
        stats = dict(self._pool.stats())
        await self._pool.close()
        return stats


def run(
    prompts: Iterable[str], options: dict[str, Any], actors: int = 2, per_actor: int = 2
) -> list[dict[str, Any]]:
    """Runs every prompt on the actors' pools; results in completion order."""
    workers = [
        PoolActor.options(max_concurrency=per_actor).remote(options, per_actor)  # type: ignore[attr-defined]
        for _ in range(actors)
    ]
    waiting = list(prompts)
    load = [0] * actors
    in_flight: dict[Any, int] = {}
    results: list[dict[str, Any]] = []
    try:
        while waiting or in_flight:
            # Back-pressure: a prompt goes out only to an actor with a free slot.
            while waiting and min(load) < per_actor:
                actor = load.index(min(load))
                in_flight[workers[actor].run.remote(waiting.pop(0))] = actor
                load[actor] += 1
            done, _ = ray.wait(list(in_flight), num_returns=1)
            for ref in done:
                load[in_flight.pop(ref)] -= 1
                results.append(ray.get(ref))
    finally:
        ray.get([worker.close.remote() for worker in workers])
        for worker in workers:
            ray.kill(worker)
    return results


def offline_options(server: Any, scratch: Path) -> dict[str, Any]:
    """Options for the scripted model server (no tokens), as plain data."""
    from claude_wire.testing import isolated_env

    work = scratch / "work"
    work.mkdir(parents=True, exist_ok=True)
    options: dict[str, Any] = {
        "env": isolated_env(server, scratch / "env"),
        "cwd": str(work),
        "model": "test-model",
        "max_turns": 1,
        "setting_sources": [],
    }
    if os.environ.get("CLAUDE_WIRE_CLI"):
        options["cli_path"] = os.environ["CLAUDE_WIRE_CLI"]
    return options


def main() -> None:
    import tempfile

    from claude_wire.testing import ModelServer, text

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--actors", type=int, default=2)
    parser.add_argument("--per-actor", type=int, default=2)
    parser.add_argument("--prompts", type=int, default=8)
    args = parser.parse_args()
    prompts = [f"Task {n}: say done" for n in range(args.prompts)]
    with (
        tempfile.TemporaryDirectory(prefix="claude-wire-ray-") as scratch,
        ModelServer([text("done")] * (args.prompts + 4)) as server,
    ):
        ray.init(include_dashboard=False)
        try:
            results = run(
                prompts, offline_options(server, Path(scratch)), args.actors, args.per_actor
            )
        finally:
            ray.shutdown()
    for item in results:
        print(f"{item['prompt']!r} -> {item['result']!r} (actor pid {item['actor_pid']})")


if __name__ == "__main__":
    main()
