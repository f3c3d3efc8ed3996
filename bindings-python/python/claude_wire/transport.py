"""The custom-transport interface: pass an implementation to ``query(transport=...)`` or
``ClaudeSDKClient(transport=...)`` to talk to a Claude Code that is not a local subprocess (a
remote host, a container, a test double). Same methods as the official SDK's ``Transport``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from typing import Any

__all__ = ["Transport"]


class Transport(ABC):
    """Raw I/O with Claude Code: lines of JSON out, parsed messages in.

    claude_wire runs the control protocol, callbacks and message parsing on top. Every method
    is called on the event loop that drives the session; ``close()`` must bound its own waits.
    """

    @abstractmethod
    async def connect(self) -> None:
        """Starts the peer (a process, a connection) and gets ready to exchange messages."""

    @abstractmethod
    async def write(self, data: str) -> None:
        """Sends one frame: a JSON object followed by a newline."""

    @abstractmethod
    def read_messages(self) -> AsyncIterator[dict[str, Any]]:
        """Yields each message the peer sends, parsed; ends when the peer is done. An exception
        ends the session with a ``CLIConnectionError``."""

    @abstractmethod
    async def close(self) -> None:
        """Shuts the peer down and releases it; must not wait without bound."""

    @abstractmethod
    def is_ready(self) -> bool:
        """True while frames can be written."""

    @abstractmethod
    async def end_input(self) -> None:
        """Closes the peer's input (stdin EOF for a process); reading goes on."""
