"""Test your agent without tokens: a scripted Messages API server and an isolated CLI environment.

Example::

    from claude_wire import ClaudeAgentOptions, query
    from claude_wire.testing import ModelServer, isolated_env, text, tool_use

    with ModelServer([tool_use("Bash", {"command": "echo hi"}), text("done")]) as server:
        options = ClaudeAgentOptions(env=isolated_env(server, tmp_path), model="test-model")
        messages = [m async for m in query(prompt="go", options=options)]
        assert server.requests[-1]["messages"][-1]["content"][0]["type"] == "tool_result"

The server answers the CLI's ``POST /v1/messages`` requests in order, one scripted reply per
request, streaming them as the real API does (SSE). It runs in the native core on a background
thread, so it works from synchronous and asynchronous tests alike.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Awaitable, Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from . import _native
from .types import SessionStore

Reply = dict[str, Any]
"""One scripted reply, in the core's JSON script format (build it with :func:`text`,
:func:`tool_use`, :func:`api_error`, ... or write the dict yourself: keys ``text``, ``tool_use``,
``thinking``, ``blocks``, ``error``, ``delay_ms``, ``delta_delay_ms``, ``chunk_chars``,
``stop_reason``, ``usage``, ``model``, ``id``, ``when``, ``repeat``)."""

__all__ = [
    "run_session_store_conformance",
    "ModelServer",
    "Reply",
    "text",
    "thinking",
    "tool_use",
    "blocks",
    "structured_output",
    "api_error",
    "isolated_env",
    "pinned_cli_path",
]


def _timing(reply: Reply, delay: float | None) -> Reply:
    if delay is not None:
        reply["delta_delay_ms"] = int(delay * 1000)
    return reply


def text(content: str, *, delay: float | None = None) -> Reply:
    """A reply with one text block; ``delay`` (seconds) paces the streamed events (slow reply)."""
    return _timing({"text": content}, delay)


def thinking(content: str, then: str) -> Reply:
    """A reply with a thinking block followed by a text block."""
    return {"thinking": content, "text": then}


def tool_use(
    name: str,
    input: Mapping[str, Any],
    *,
    id: str | None = None,
    text: str | None = None,
    delay: float | None = None,
) -> Reply:
    """A reply that calls a tool (``stop_reason: tool_use``), optionally after some text."""
    call: dict[str, Any] = {"name": name, "input": dict(input)}
    if id is not None:
        call["id"] = id
    reply: Reply = {"tool_use": call}
    if text is not None:
        reply["text"] = text
    return _timing(reply, delay)


def blocks(*content: dict[str, Any], delay: float | None = None) -> Reply:
    """A reply made of blocks in this order: ``{"text": ...}``, ``{"thinking": ...}``,
    ``{"tool_use": {"name": ..., "input": ...}}``."""
    return _timing({"blocks": list(content)}, delay)


def structured_output(value: Mapping[str, Any]) -> Reply:
    """The reply that delivers structured output (``output_format``): a ``StructuredOutput`` call."""
    return tool_use("StructuredOutput", value)


def api_error(status: int, message: str | None = None, error_type: str | None = None) -> Reply:
    """An HTTP error answer with the API's JSON error body."""
    error: dict[str, Any] = {"status": status}
    if message is not None:
        error["message"] = message
    if error_type is not None:
        error["type"] = error_type
    return {"error": error}


class ModelServer:
    """A scripted Messages API server on ``127.0.0.1`` (started on construction)."""

    def __init__(self, replies: Iterable[Reply] = ()) -> None:
        self._server = _native.ModelServer(list(replies))

    @property
    def url(self) -> str:
        """The base URL to put in ``ANTHROPIC_BASE_URL``."""
        url: str = self._server.url
        return url

    @property
    def requests(self) -> list[dict[str, Any]]:
        """The JSON body of every conversation request received so far, in order (side requests
        such as prompt suggestions are left out; see :meth:`all_requests`)."""
        return [r["body"] for r in self._server.requests() if r["kind"] in ("main",)]

    def all_requests(self) -> list[dict[str, Any]]:
        """Every request received, as records: ``index``, ``method``, ``path``, ``headers``,
        ``body``, ``kind`` (``main``, ``prompt_suggestion``, ``resend``, ...), ``reply_index``,
        ``outcome``."""
        records: list[dict[str, Any]] = self._server.requests()
        return records

    def push(self, *replies: Reply) -> None:
        """Appends replies to the script."""
        for reply in replies:
            self._server.push(reply)

    def close(self) -> None:
        """Stops the server."""
        self._server.close()

    def __enter__(self) -> ModelServer:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    async def __aenter__(self) -> ModelServer:
        return self

    async def __aexit__(self, *exc: Any) -> None:
        self.close()


def pinned_cli_path() -> Path | None:
    """The pinned Claude Code CLI: ``$CLAUDE_WIRE_CLI``, else the claude-wire cache, if fetched."""
    env = os.environ.get("CLAUDE_WIRE_CLI")
    if env and Path(env).is_file():
        return Path(env)
    cache = Path(os.environ.get("CLAUDE_WIRE_CACHE", Path.home() / ".cache" / "claude-wire"))
    candidate = cache / "cli" / _native.PINNED_CLI_VERSION / "claude"
    return candidate if candidate.is_file() else None


def isolated_env(
    server: ModelServer | str, root: str | os.PathLike[str] | None = None
) -> dict[str, str]:
    """Environment for running the real CLI offline against ``server``.

    Points the CLI at the server, gives it a dummy key, turns off non-essential traffic and
    retries, and gives it fresh config and scratch directories under ``root`` (a new temporary
    directory when omitted). Pass the result as ``ClaudeAgentOptions.env``.
    """
    base = Path(root) if root is not None else Path(tempfile.mkdtemp(prefix="claude-wire-"))
    url = server if isinstance(server, str) else server.url
    return dict(_native.cli_env(url, str(base)))


async def run_session_store_conformance(
    make_store: Callable[[], SessionStore | Awaitable[SessionStore]],
    *,
    skip_optional: frozenset[str] = frozenset(),
) -> None:
    """Check a :class:`~claude_wire.types.SessionStore` against the official behavioural
    contracts (the core's suite). ``make_store`` (sync or async) is called once per contract.

    Optional methods named in ``skip_optional``, or that the store does not implement, are not
    checked. A broken contract raises :class:`AssertionError`; a store's own exception
    propagates.
    """
    await _native.run_store_conformance(make_store, sorted(skip_optional))
