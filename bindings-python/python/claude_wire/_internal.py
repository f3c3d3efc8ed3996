"""Small helpers the native module calls back into (kept in Python because they iterate user
async iterables on the caller's event loop)."""

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


def _tool_allowed_outright(entry: str) -> str | None:
    """The tool an ``allowed_tools`` entry approves as a whole (``Read``, ``Read()``, ``Read(*)``)."""
    entry = entry.strip()
    if not entry:
        return None
    name, paren, rest = entry.partition("(")
    if not paren:
        return entry
    if not name or not rest.endswith(")"):
        return None
    return name if rest[:-1] in ("", "*") else None


def warn_if_can_use_tool_shadowed(options: Any) -> None:
    """Warns (``CanUseToolShadowedWarning``) when other options approve tool calls before
    ``can_use_tool`` would see them, as the official SDK does."""
    if getattr(options, "can_use_tool", None) is None:
        return
    import warnings

    from .types import CanUseToolShadowedWarning

    if options.permission_mode == "bypassPermissions":
        message = (
            "can_use_tool will not be invoked: permission_mode 'bypassPermissions' approves every "
            "tool call before the callback is asked. Use a PreToolUse hook to see every call."
        )
    else:
        entries = list(options.allowed_tools or [])
        if options.skills == "all" and "Skill" not in entries:
            entries.append("Skill")
        tools = list(dict.fromkeys(t for t in map(_tool_allowed_outright, entries) if t))
        if not tools:
            return
        message = (
            f"can_use_tool will not be invoked for: {', '.join(tools)}. These allowed_tools entries "
            "approve the whole tool before the callback is asked; narrow them or use a PreToolUse hook."
        )
    warnings.warn(message, CanUseToolShadowedWarning, stacklevel=3)
