"""The helper the native module calls back into (kept in Python because it iterates a user's
async iterable on the caller's event loop: a prompt, or a custom transport's messages)."""

from __future__ import annotations

from collections.abc import AsyncIterable
from typing import Any


async def pump(messages: AsyncIterable[dict[str, Any]], sink: Any) -> None:
    """Feeds each message of a user's async iterable into a native sink, then closes it; an
    exception from the iterable is reported to the sink."""
    try:
        async for message in messages:
            sink.send(message)
    except Exception as error:
        sink.fail(f"{type(error).__name__}: {error}")
    finally:
        sink.close()
