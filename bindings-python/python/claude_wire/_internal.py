"""The helper the native module calls back into (kept in Python because it iterates a user's
async iterable on the caller's event loop)."""

from __future__ import annotations

from collections.abc import AsyncIterable
from typing import Any


async def pump_prompt(messages: AsyncIterable[dict[str, Any]], sink: Any) -> None:
    """Feeds each message of a user's async iterable into a native prompt sink, then closes it."""
    try:
        async for message in messages:
            sink.send(message)
    finally:
        sink.close()
