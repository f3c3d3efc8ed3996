"""Multi-turn client. Its control methods (``interrupt``, ``set_model``, ...) are made from the
core's table of the official client's methods; ``client.pyi`` declares their types."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterable, AsyncIterator, Callable, Coroutine
from typing import Any

from . import _native
from .transport import Transport
from .types import ClaudeAgentOptions, Message


class ClaudeSDKClient:
    """A long-lived, bidirectional session with the Claude Code CLI.

    Send prompts with :meth:`query` at any time, read with :meth:`receive_messages` or
    :meth:`receive_response`, and steer the session (interrupt, model, permission mode, MCP
    servers) while it runs. Use it as ``async with ClaudeSDKClient(options) as client:``.
    Unlike the official SDK, a client is not bound to the task or task group that connected it.
    """

    def __init__(
        self, options: ClaudeAgentOptions | None = None, transport: Transport | None = None
    ):
        self.options = options if options is not None else ClaudeAgentOptions()
        self._native: Any = _native.Client(transport)

    def _adopt(self, session: Any) -> None:
        """Takes a native client already connected (from a ``SessionPool``)."""
        self._native = session

    async def connect(self, prompt: str | AsyncIterable[dict[str, Any]] | None = None) -> None:
        """Starts the CLI and performs the initialize handshake; sends ``prompt`` if given.

        ``self.options`` is read at every connect; connecting again reconnects; a client from
        a ``SessionPool`` takes up its warm CLI; a connect that fails or is cancelled leaves
        nothing running (all decided natively).
        """
        await self._native.connect(self.options, prompt)

    async def query(
        self,
        prompt: str | AsyncIterable[dict[str, Any]],
        session_id: str = _native.DEFAULT_SESSION_ID,
    ) -> None:
        """Sends a prompt (a string, or an async iterable of user-message dicts)."""
        await self._native.query(prompt, session_id)

    def receive_messages(self) -> AsyncIterator[Message]:
        """Every message of the session, until it ends."""
        return self._native.receive_messages()

    def receive_response(self) -> AsyncIterator[Message]:
        """Messages up to and including the next :class:`ResultMessage`."""
        return self._native.receive_response()

    async def send_control_request(
        self, request: dict[str, Any], timeout: float | None = None
    ) -> Any:
        """Sends any control request in wire form (``{"subtype": ..., ...}``) and returns the
        CLI's answer (``None`` when it sends none).

        A claude_wire extension: every control request either official SDK sends goes through
        here (``get_usage``, ``reload_plugins``, ``read_file``, ``mcp_set_servers``, ...), as do
        requests newer CLIs add. ``timeout`` (seconds) overrides ``control_timeout``.
        """
        return await self._native.control(request, timeout)

    async def disconnect(self) -> None:
        """Ends the session and reaps the CLI. Safe to call more than once."""
        await self._native.disconnect()

    async def __aenter__(self) -> ClaudeSDKClient:
        await self.connect()
        return self

    async def __aexit__(self, exc_type: Any, exc_val: Any, exc_tb: Any) -> bool:
        await self.disconnect()
        return False


def _control_method(
    name: str, params: list[tuple[str, bool]], doc: str
) -> Callable[..., Coroutine[Any, Any, Any]]:
    """A client method that sends control method ``name`` with its arguments by name."""
    keyword = inspect.Parameter.POSITIONAL_OR_KEYWORD
    signature = inspect.Signature(
        [inspect.Parameter("self", keyword)]
        + [
            inspect.Parameter(param, keyword, default=None if optional else inspect.Parameter.empty)
            for param, optional in params
        ]
    )

    async def method(self: ClaudeSDKClient, *args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(self, *args, **kwargs)
        bound.apply_defaults()
        del bound.arguments["self"]
        return await self._native.call(name, bound.arguments)

    method.__name__ = name
    method.__qualname__ = f"ClaudeSDKClient.{name}"
    method.__doc__ = doc
    method.__signature__ = signature  # type: ignore[attr-defined]
    return method


for _name, _params, _doc in _native.client_methods():
    setattr(ClaudeSDKClient, _name, _control_method(_name, _params, _doc))
