#!/usr/bin/env python3
"""A stand-in CLI timing permission-callback round trips: after the first user message it sends
ROUNDTRIP_COUNT `can_use_tool` requests, one at a time, and times each from its write to the
SDK's answer (perf_counter), then ends the turn with a result whose `result` is the JSON list of
round trips in microseconds. Answers `initialize` (and any other request) with a success."""

import json
import os
import sys
import time


def write(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def main():
    count = int(os.environ.get("ROUNDTRIP_COUNT", "1000"))
    lines = iter(sys.stdin.readline, "")
    for line in lines:
        message = json.loads(line)
        if message.get("type") == "control_request":
            write(
                {
                    "type": "control_response",
                    "response": {
                        "subtype": "success",
                        "request_id": message["request_id"],
                        "response": {},
                    },
                }
            )
        elif message.get("type") == "user":
            break
    times = []
    for i in range(count):
        rid = f"rt{i}"
        request = {
            "subtype": "can_use_tool",
            "tool_name": "Bash",
            "input": {"command": "true"},
            "tool_use_id": f"t{i}",
        }
        started = time.perf_counter()
        write({"type": "control_request", "request_id": rid, "request": request})
        for line in lines:
            frame = json.loads(line)
            if (
                frame.get("type") == "control_response"
                and frame["response"].get("request_id") == rid
            ):
                break
        times.append((time.perf_counter() - started) * 1e6)
    write(
        {
            "type": "result",
            "subtype": "success",
            "is_error": False,
            "duration_ms": 1,
            "duration_api_ms": 1,
            "num_turns": 1,
            "session_id": "rt",
            "result": json.dumps(times),
            "total_cost_usd": 0,
        }
    )
    for _ in lines:
        pass


main()
