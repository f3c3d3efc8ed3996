"""Exceptions raised by claude_wire (same names and attributes as ``claude_agent_sdk``)."""

from __future__ import annotations

from typing import Any

__all__ = [
    "ClaudeSDKError",
    "CLIConnectionError",
    "CLINotFoundError",
    "ProcessError",
    "ResultError",
    "CLIJSONDecodeError",
    "MessageParseError",
    "InvalidOptionsError",
    "ControlRequestError",
]


class ClaudeSDKError(Exception):
    """Root of every error this package raises."""


class CLIConnectionError(ClaudeSDKError):
    """The CLI could not be reached, or the session is no longer usable."""


class CLINotFoundError(CLIConnectionError):
    """No Claude Code executable was found."""

    def __init__(self, message: str = "Claude Code not found", cli_path: str | None = None):
        self.cli_path = cli_path
        super().__init__(f"{message}: {cli_path}" if cli_path else message)


class ProcessError(ClaudeSDKError):
    """The CLI process failed; ``exit_code`` (negative: killed by that signal) and ``stderr``
    (the tail of its error output) say how. For a failure claude_wire reports, the message
    carries a short excerpt of that tail (the core's rule)."""

    def __init__(self, message: str, exit_code: int | None = None, stderr: str | None = None):
        self.exit_code = exit_code
        self.stderr = stderr
        text = message
        if exit_code is not None:
            text += f" (exit code: {exit_code})"
        if stderr:
            text += f"\nError output: {stderr}"
        super().__init__(text)


def _clean_errors(raw: Any) -> list[str]:
    items = [raw] if isinstance(raw, str) else raw if isinstance(raw, list) else []
    return [e.strip() for e in items if isinstance(e, str) and e.strip()]


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


class ResultError(ProcessError):
    """The CLI exited after reporting an error ``result``; carries that result's fields."""

    def __init__(
        self,
        message: str,
        data: dict[str, Any] | None = None,
        exit_code: int | None = None,
    ):
        data = data if isinstance(data, dict) else {}
        self.data = data
        self.subtype = _str_or_none(data.get("subtype"))
        self.errors = _clean_errors(data.get("errors"))
        self.result = _str_or_none(data.get("result"))
        status = data.get("api_error_status")
        self.api_error_status = status if isinstance(status, int) else None
        self.terminal_reason = _str_or_none(data.get("terminal_reason"))
        self.session_id = _str_or_none(data.get("session_id"))
        super().__init__(message, exit_code=exit_code)


class CLIJSONDecodeError(ClaudeSDKError):
    """A line from the CLI was not valid JSON (or was too long to read)."""

    def __init__(self, line: str, original_error: Exception):
        self.line = line
        self.original_error = original_error
        super().__init__(f"Failed to decode JSON: {line[:100]}...")


class MessageParseError(ClaudeSDKError):
    """A message from the CLI did not have the expected shape."""

    def __init__(self, message: str, data: dict[str, Any] | None = None):
        self.data = data
        super().__init__(message)


class InvalidOptionsError(ClaudeSDKError, ValueError):
    """The options contradict each other (also a ``ValueError``, as in the official SDK)."""


class ControlRequestError(ClaudeSDKError):
    """The CLI refused or did not answer a control request (interrupt, set_model, ...);
    ``error_code`` is the CLI's machine-readable reason (``invalid_mode``, ...) when it gave one."""

    def __init__(self, message: str, error_code: str | None = None):
        self.error_code = error_code
        super().__init__(message)
