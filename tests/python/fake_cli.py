"""A stand-in for the Claude Code CLI that replays prepared stdout frames.

Speaks just enough of the stream-json protocol for an SDK to accept it: answers every
``control_request`` (``initialize`` included) with a success, waits for the first user message,
writes the frames file (``FAKE_CLI_FRAMES``) to stdout in one go, then drains stdin until EOF and
exits with ``FAKE_CLI_EXIT`` (default 0), after writing ``FAKE_CLI_STDERR`` to stderr if set.
``FAKE_CLI_ARGV`` names a file that receives the command line (one argument per line).
``FAKE_CLI_CONTROL`` names a file that receives every control request after ``initialize`` (one
JSON ``request`` object per line); ``FAKE_CLI_ANSWERS`` is a JSON object subtype → answer: the
``response`` of a success, or ``{"error": text}`` for an error answer.

Use :func:`make_fake_cli` to get an executable path for ``cli_path``.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()


def result_frame(**fields: Any) -> dict[str, Any]:
    """The least ``result`` frame (the end of a turn), with ``fields`` added."""
    return {
        "type": "result",
        "subtype": "success",
        "is_error": False,
        "duration_ms": 1,
        "duration_api_ms": 1,
        "num_turns": 1,
        **fields,
    }


def answer(request: dict) -> None:
    body = {}
    inner = request.get("request", {})
    subtype = inner.get("subtype")
    if subtype == "initialize":
        body = {"commands": [], "models": [], "pid": os.getpid(), "fake": True}
    else:
        if os.environ.get("FAKE_CLI_CONTROL"):
            with open(os.environ["FAKE_CLI_CONTROL"], "a") as log:
                log.write(json.dumps(inner) + "\n")
        body = json.loads(os.environ.get("FAKE_CLI_ANSWERS") or "{}").get(subtype, {})
    if isinstance(body, dict) and set(body) == {"error"}:
        envelope = {
            "subtype": "error",
            "request_id": request.get("request_id"),
            "error": body["error"],
        }
    else:
        envelope = {"subtype": "success", "request_id": request.get("request_id"), "response": body}
    reply = {"type": "control_response", "response": envelope}
    sys.stdout.write(json.dumps(reply) + "\n")
    sys.stdout.flush()


def main() -> int:
    argv_file = os.environ.get("FAKE_CLI_ARGV")
    if argv_file:
        Path(argv_file).write_text("\n".join(sys.argv[1:]))
    frames = (
        Path(os.environ["FAKE_CLI_FRAMES"]).read_bytes()
        if os.environ.get("FAKE_CLI_FRAMES")
        else b""
    )
    dumped = False
    for line in sys.stdin:
        try:
            message = json.loads(line)
        except ValueError:
            continue
        if message.get("type") == "control_request":
            answer(message)
        elif message.get("type") == "user" and not dumped:
            sys.stdout.buffer.write(frames)
            sys.stdout.flush()
            dumped = True
    if os.environ.get("FAKE_CLI_STDERR"):
        sys.stderr.write(os.environ["FAKE_CLI_STDERR"] + "\n")
    return int(os.environ.get("FAKE_CLI_EXIT", "0"))


def make_fake_cli(directory: Path) -> Path:
    """Writes an executable wrapper running this script with the current interpreter."""
    path = directory / "fake-claude"
    path.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{HERE}" "$@"\n')
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


if __name__ == "__main__":
    sys.exit(main())
