"""Warm starts: a pool of Claude Code CLIs started ahead of the queries that use them."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator
from typing import Any, TypedDict

from . import _native
from .client import ClaudeSDKClient
from .types import ClaudeAgentOptions, Message


class PoolStats(TypedDict):
    """Counters and gauges of a :class:`SessionPool`."""

    warm: int
    starting: int
    waiting: int
    claimed: int
    replaced: int
    expired: int
    failed_starts: int
    closed: bool


class SessionPool:
    """Keeps ``size`` CLIs started and initialized with ``options``; each :meth:`query` or
    :meth:`client` takes one (used once, never returned) and a replacement starts in the
    background. A claimed session's first message comes in tens of milliseconds instead of the
    half second a cold start takes.

    Use it as ``async with SessionPool(options, size=2) as pool:``; leaving the block (or
    :meth:`close`) stops every warm CLI. Per-claim ``options`` may differ from the pool's only
    in ``model``, ``permission_mode`` and ``max_thinking_tokens`` (applied by control request
    after the claim); any other difference raises :class:`InvalidOptionsError` naming the
    option, and callbacks must be the pool's own objects. A CLI that cannot start raises its
    error (e.g. :class:`CLINotFoundError`) in the claim; a closed pool raises
    :class:`CLIConnectionError`. ``idle_timeout`` (seconds) stops CLIs nobody claimed for that
    long; the next claim then starts a fresh one.
    """

    def __init__(
        self,
        options: ClaudeAgentOptions | None = None,
        *,
        size: int = 1,
        idle_timeout: float | None = None,
    ):
        self.options = options if options is not None else ClaudeAgentOptions()
        self._size = size
        self._idle_timeout = idle_timeout
        self._native: _native.Pool | None = None

    def _pool(self) -> _native.Pool:
        if self._native is None:
            # Started on first use (from a running loop: callbacks run on it).
            self._native = _native.Pool(self.options, self._size, self._idle_timeout)
        return self._native

    def _claim_options(self, options: ClaudeAgentOptions | None) -> ClaudeAgentOptions | None:
        return None if options is None or options is self.options else options

    async def start(self) -> SessionPool:
        """Starts the pool's CLIs (in the background); ``async with`` calls it."""
        self._pool()
        return self

    def query(
        self,
        *,
        prompt: str | AsyncIterable[dict[str, Any]],
        options: ClaudeAgentOptions | None = None,
    ) -> AsyncIterator[Message]:
        """Like :func:`claude_wire.query`, on a warm CLI."""
        return self._pool().query(prompt, self._claim_options(options))

    async def client(self, options: ClaudeAgentOptions | None = None) -> ClaudeSDKClient:
        """A :class:`ClaudeSDKClient` connected to a warm CLI: usable at once, and its first
        ``connect()`` (or ``async with``) takes that CLI up; ``disconnect()`` ends it."""
        claim = self._claim_options(options)
        native = await self._pool().client(claim)
        client = ClaudeSDKClient(claim if claim is not None else self.options)
        client._adopt(native)
        return client

    def stats(self) -> PoolStats:
        """Warm, starting and waiting counts; claims, replacements, expiries, failed starts."""
        stats: PoolStats = self._pool().stats()  # type: ignore[assignment]
        return stats

    def warm_pids(self) -> list[int]:
        """Process ids of the warm CLIs."""
        return self._pool().warm_pids()

    async def close(self) -> None:
        """Stops every warm CLI and refuses further claims. Safe to call more than once."""
        if self._native is not None:
            await self._native.close()

    async def __aenter__(self) -> SessionPool:
        return await self.start()

    async def __aexit__(self, exc_type: Any, exc_val: Any, exc_tb: Any) -> bool:
        await self.close()
        return False
