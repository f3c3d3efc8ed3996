"""Multi-turn client."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator
from typing import Any

from . import _native
from .transport import Transport
from .types import (
    ClaudeAgentOptions,
    ContextUsageResponse,
    McpStatusResponse,
    Message,
    PermissionMode,
)


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
        self._transport = transport
        self._native: Any | None = None

    def _session(self) -> Any:
        if self._native is None:
            raise _native.not_connected()
        return self._native

    async def _call(self, method: str, **args: Any) -> Any:
        """Calls a control method by name; the core knows the request it sends."""
        return await self._session().call(method, args)

    def _adopt(self, session: Any) -> None:
        """Takes a native client already connected (from a ``SessionPool``)."""
        self._native = session

    async def connect(self, prompt: str | AsyncIterable[dict[str, Any]] | None = None) -> None:
        """Starts the CLI and performs the initialize handshake; sends ``prompt`` if given.

        Connecting again reconnects; a client from a ``SessionPool`` takes up its warm CLI; a
        connect that fails or is cancelled leaves nothing running (all decided natively).
        """
        if self._native is None:
            self._native = _native.Client(self.options, self._transport)
        await self._native.connect(prompt)

    async def query(
        self,
        prompt: str | AsyncIterable[dict[str, Any]],
        session_id: str = _native.DEFAULT_SESSION_ID,
    ) -> None:
        """Sends a prompt (a string, or an async iterable of user-message dicts)."""
        await self._session().query(prompt, session_id)

    def receive_messages(self) -> AsyncIterator[Message]:
        """Every message of the session, until it ends."""
        return self._session().receive_messages()

    def receive_response(self) -> AsyncIterator[Message]:
        """Messages up to and including the next :class:`ResultMessage`."""
        return self._session().receive_response()

    async def send_control_request(
        self, request: dict[str, Any], timeout: float | None = None
    ) -> Any:
        """Sends any control request in wire form (``{"subtype": ..., ...}``) and returns the
        CLI's answer (``None`` when it sends none).

        A claude_wire extension: every control request either official SDK sends goes through
        here (``get_usage``, ``reload_plugins``, ``read_file``, ``mcp_set_servers``, ...), as do
        requests newer CLIs add. ``timeout`` (seconds) overrides ``control_timeout``.
        """
        return await self._session().control(request, timeout)

    async def interrupt(self) -> None:
        """Interrupts the running turn."""
        await self._call("interrupt")

    async def set_permission_mode(self, mode: PermissionMode) -> None:
        """Changes the permission mode of the session."""
        await self._call("set_permission_mode", mode=mode)

    async def set_model(self, model: str | None = None) -> None:
        """Switches the model (``None`` restores the default)."""
        await self._call("set_model", model=model)

    async def rewind_files(self, user_message_id: str) -> None:
        """Restores files to their state at a user message (needs ``enable_file_checkpointing``)."""
        await self._call("rewind_files", user_message_id=user_message_id)

    async def reconnect_mcp_server(self, server_name: str) -> None:
        """Reconnects an MCP server."""
        await self._call("reconnect_mcp_server", server_name=server_name)

    async def toggle_mcp_server(self, server_name: str, enabled: bool) -> None:
        """Enables or disables an MCP server."""
        await self._call("toggle_mcp_server", server_name=server_name, enabled=enabled)

    async def stop_task(self, task_id: str) -> None:
        """Stops a background task."""
        await self._call("stop_task", task_id=task_id)

    async def get_mcp_status(self) -> McpStatusResponse:
        """Status of every MCP server (``{"mcpServers": [...]}``)."""
        result: McpStatusResponse = await self._call("get_mcp_status")
        return result

    async def get_context_usage(self) -> ContextUsageResponse:
        """Breakdown of the context window usage."""
        result: ContextUsageResponse = await self._call("get_context_usage")
        return result

    async def get_server_info(self) -> dict[str, Any] | None:
        """The CLI's answer to the initialize request (commands, models, ...)."""
        info: dict[str, Any] | None = await self._call("get_server_info")
        return info

    async def disconnect(self) -> None:
        """Ends the session and reaps the CLI. Safe to call more than once."""
        if self._native is not None:
            await self._native.disconnect()

    async def __aenter__(self) -> ClaudeSDKClient:
        await self.connect()
        return self

    async def __aexit__(self, exc_type: Any, exc_val: Any, exc_tb: Any) -> bool:
        await self.disconnect()
        return False
