"""One-shot queries."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator
from typing import Any

from . import _native
from .transport import Transport
from .types import ClaudeAgentOptions, Message


def query(
    *,
    prompt: str | AsyncIterable[dict[str, Any]],
    options: ClaudeAgentOptions | None = None,
    transport: Transport | None = None,
) -> AsyncIterator[Message]:
    """Runs one session of the Claude Code CLI and yields its messages.

    ``prompt`` is a string or an async iterable of user-message dicts
    (``{"type": "user", "message": {"role": "user", "content": ...}}``). The CLI starts when
    iteration starts; leaving the ``async for`` early (``break``, an exception, cancellation)
    stops it and reaps the process. With ``transport``, the session talks to that object
    instead of starting the CLI.
    """
    options = options if options is not None else ClaudeAgentOptions()
    return _native.query(prompt, options, transport)
