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
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from . import _native

Reply = dict[str, Any]
"""One scripted reply (build it with :func:`text`, :func:`tool_use`, :func:`api_error`, ...)."""

__all__ = [
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


def text(content: str, *, delay: float | None = None) -> Reply:
    """A reply with one text block (``stop_reason: end_turn``); ``delay`` pauses before each chunk."""
    return blocks({"type": "text", "text": content}, delay=delay)


def thinking(content: str, then: str) -> Reply:
    """A reply with a thinking block followed by a text block."""
    return blocks({"type": "thinking", "thinking": content}, {"type": "text", "text": then})


def tool_use(
    name: str,
    input: Mapping[str, Any],
    *,
    id: str | None = None,
    text: str | None = None,
    delay: float | None = None,
) -> Reply:
    """A reply that calls a tool (``stop_reason: tool_use``), optionally after some text."""
    parts: list[dict[str, Any]] = []
    if text is not None:
        parts.append({"type": "text", "text": text})
    call: dict[str, Any] = {"type": "tool_use", "name": name, "input": dict(input)}
    if id is not None:
        call["id"] = id
    parts.append(call)
    return blocks(*parts, delay=delay)


def blocks(*content: dict[str, Any], delay: float | None = None) -> Reply:
    """A reply made of the given content blocks (``text``, ``thinking``, ``tool_use``)."""
    reply: Reply = {"kind": "message", "content": list(content)}
    if delay is not None:
        reply["delay_ms"] = int(delay * 1000)
    return reply


def structured_output(value: Mapping[str, Any]) -> Reply:
    """The reply that delivers structured output (``output_format``): a ``StructuredOutput`` call."""
    return tool_use("StructuredOutput", value)


def api_error(status: int, message: str, error_type: str | None = None) -> Reply:
    """An HTTP error answer with the API's JSON error body."""
    default_types = {400: "invalid_request_error", 401: "authentication_error", 429: "rate_limit_error",
                     500: "api_error", 529: "overloaded_error"}
    kind = error_type or default_types.get(status, "api_error")
    return {"kind": "error", "status": status, "error_type": kind, "message": message}


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
        """The JSON body of every request received so far, in order."""
        requests: list[dict[str, Any]] = self._server.requests()
        return requests

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


def isolated_env(server: ModelServer | str, root: str | os.PathLike[str] | None = None) -> dict[str, str]:
    """Environment for running the real CLI offline against ``server``.

    Points the CLI at the server, gives it a dummy key, turns off non-essential traffic and
    retries, and gives it fresh config and scratch directories under ``root`` (a new temporary
    directory when omitted). Pass the result as ``ClaudeAgentOptions.env``.
    """
    base = Path(root) if root is not None else Path(tempfile.mkdtemp(prefix="claude-wire-"))
    dirs = {name: base / name for name in ("config", "tmp", "runtime")}
    for path in dirs.values():
        path.mkdir(parents=True, exist_ok=True)
    env = {
        "ANTHROPIC_BASE_URL": server if isinstance(server, str) else server.url,
        "ANTHROPIC_API_KEY": "dummy",
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
        "CLAUDE_CODE_MAX_RETRIES": "0",
        "CLAUDE_CONFIG_DIR": str(dirs["config"]),
        "TMPDIR": str(dirs["tmp"]),
        "CLAUDE_CODE_TMPDIR": str(dirs["tmp"]),
        "XDG_RUNTIME_DIR": str(dirs["runtime"]),
    }
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        env["IS_SANDBOX"] = "1"
    return env
