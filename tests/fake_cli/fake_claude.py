#!/usr/bin/env python3
"""A scripted stand-in for the Claude Code CLI, for deterministic transport and protocol tests.

It ignores its command-line arguments (so it can be given the real CLI's argv) and runs a
*scenario*: a JSON list of steps, taken from the first of

  FAKE_CLI_SCENARIO       inline JSON text
  FAKE_CLI_SCENARIO_FILE  path to a JSON file

A scenario is either a list of steps or an object {"steps": [...]}. Each step is an object with
exactly one key (the action); its value is the argument. Steps run in order; after the last step
the program exits with code 0.

Output
  {"emit": {...}}              write the object as one compact JSON line on stdout
  {"emit_raw": "text"}         write text to stdout as is (no newline added): garbage, CRLF, partial lines
  {"emit_hex": "7b22..."}      write the bytes given in hex to stdout as is (invalid UTF-8, NULs)
  {"close_stdout": true}       close stdout (the process keeps running)
  {"emit_many": {"count": N, "message": {...}}}
                               write N lines; each is the message with "seq": i (0-based) added
  {"emit_huge": {"bytes": N, "type": "huge", "subtype"?: S}}
                               write one JSON line {"type": T, "data": "xxx..."} of at least N bytes,
                               in pieces, without building it in memory
  {"emit_pid": {...}}          write the object (default {"type": "pid"}) with "pid": <own pid>
  {"stderr": "text"}           write text plus a newline to stderr
  {"stderr_many": {"count": N, "text": "line"}}
                               write N stderr lines "line <i>"

Input
  {"expect_stdin": {...}}      read one stdin line; it must be a JSON object containing the given
                               keys with equal values (recursively for nested objects). On a mismatch
                               or EOF: message on stderr, exit 97. {"expect_stdin": null} reads any line.
  {"echo_stdin": N}            read up to N stdin lines (null: until EOF) and emit each back as
                               {"type": "echo", "data": <parsed line>} (or "raw": <text> if not JSON);
                               {"echo_stdin": {"count": N, "system": true}} emits system/echo frames
  {"wait_stdin_eof": true}     read and discard stdin until EOF
  {"answer_initialize": {...}} read one stdin line; it must be the SDK's initialize control request;
                               answer it with a success control_response carrying the given object
  {"answer_request": {...}}    the same for any control request (the next stdin line)
  {"answer_subtype": {"subtype": S, "response"?: {...}, "error"?: "text"}}
                               the next stdin line must be a control request of subtype S; answer it
                               with a success carrying the response, or an error with the text

Control
  {"sleep": seconds}           sleep (float)
  {"exit": code}               exit at once with the code (stdout flushed)
  {"crash": "SIGKILL"}         kill itself with the named signal (mid-stream crash)
  {"abort": code}              os._exit(code) without flushing anything
  {"hang": true}               sleep forever
  {"ignore_sigterm": true}     ignore SIGTERM from now on
  {"spawn_grandchild": seconds}
                               start a `sleep` child that inherits stdout/stderr and may outlive us;
                               emits {"type": "grandchild", "pid": <its pid>}; the argument may be
                               {"seconds": N, "pid_file": path} to also write its pid to a file
  {"write_pid_file": "path"}   write own pid to the file (atomically)

Every emitted line is flushed immediately. Extend by adding a branch to STEP_HANDLERS.
"""

import json
import os
import signal
import subprocess
import sys
import time

OUT = sys.stdout.buffer
ERR = sys.stderr.buffer


def load_scenario():
    text = os.environ.get("FAKE_CLI_SCENARIO")
    if text is None:
        path = os.environ.get("FAKE_CLI_SCENARIO_FILE")
        if path is None:
            fail("no scenario: set FAKE_CLI_SCENARIO or FAKE_CLI_SCENARIO_FILE", 98)
        with open(path, "rb") as f:
            text = f.read()
    scenario = json.loads(text)
    if isinstance(scenario, dict):
        scenario = scenario.get("steps", [])
    return scenario


def fail(message, code):
    ERR.write(("fake_claude: " + message + "\n").encode())
    ERR.flush()
    OUT.flush()
    sys.exit(code)


def write_line(obj):
    OUT.write(json.dumps(obj, separators=(",", ":")).encode() + b"\n")
    OUT.flush()


def read_stdin_line():
    line = sys.stdin.buffer.readline()
    return None if line == b"" else line


def contains(actual, expected):
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            k in actual and contains(actual[k], v) for k, v in expected.items()
        )
    return actual == expected


def step_emit(arg):
    write_line(arg)


def step_emit_raw(arg):
    OUT.write(arg.encode())
    OUT.flush()


def step_emit_hex(arg):
    OUT.write(bytes.fromhex(arg))
    OUT.flush()


def step_close_stdout(_arg):
    OUT.flush()
    os.close(1)


def step_emit_many(arg):
    message = arg.get("message", {"type": "line"})
    for i in range(int(arg["count"])):
        write_line(dict(message, seq=i))


def step_emit_huge(arg):
    size = int(arg["bytes"])
    OUT.write(b'{"type":' + json.dumps(arg.get("type", "huge")).encode())
    if "subtype" in arg:
        OUT.write(b',"subtype":' + json.dumps(arg["subtype"]).encode())
    OUT.write(b',"data":"')
    piece = b"x" * (1 << 20)
    left = size
    while left > 0:
        n = min(left, len(piece))
        OUT.write(piece[:n])
        left -= n
    OUT.write(b'"}\n')
    OUT.flush()


def step_emit_pid(arg):
    write_line(dict(arg or {"type": "pid"}, pid=os.getpid()))


def step_stderr(arg):
    ERR.write(arg.encode() + b"\n")
    ERR.flush()


def step_stderr_many(arg):
    text = arg.get("text", "line")
    for i in range(int(arg["count"])):
        ERR.write(f"{text} {i}\n".encode())
    ERR.flush()


def step_expect_stdin(arg):
    line = read_stdin_line()
    if line is None:
        fail("expected a stdin line, got EOF", 97)
    if arg is None:
        return
    try:
        actual = json.loads(line)
    except ValueError:
        fail(f"stdin line is not JSON: {line[:200]!r}", 97)
    if not contains(actual, arg):
        fail(f"stdin mismatch: expected {json.dumps(arg)}, got {json.dumps(actual)}", 97)


def step_echo_stdin(arg):
    # {"count": N, "system": true} echoes as {"type": "system", "subtype": "echo", ...}: a frame
    # every SDK delivers (the Python SDK skips unknown message types).
    limit, head = arg, {"type": "echo"}
    if isinstance(arg, dict):
        limit = arg.get("count")
        if arg.get("system"):
            head = {"type": "system", "subtype": "echo"}
    count = 0
    while limit is None or count < int(limit):
        line = read_stdin_line()
        if line is None:
            return
        count += 1
        try:
            write_line(dict(head, data=json.loads(line)))
        except ValueError:
            write_line(dict(head, raw=line.decode("utf-8", "replace")))


def step_wait_stdin_eof(_arg):
    while read_stdin_line() is not None:
        pass


def step_sleep(arg):
    time.sleep(float(arg))


def step_exit(arg):
    OUT.flush()
    ERR.flush()
    os._exit(int(arg))


def step_crash(arg):
    OUT.flush()
    ERR.flush()
    os.kill(os.getpid(), getattr(signal, arg or "SIGKILL"))
    time.sleep(10)


def step_abort(arg):
    os._exit(int(arg))


def step_hang(_arg):
    while True:
        time.sleep(3600)


def step_ignore_sigterm(_arg):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def step_spawn_grandchild(arg):
    seconds, pid_file = (
        (arg.get("seconds", 30), arg.get("pid_file")) if isinstance(arg, dict) else (arg, None)
    )
    child = subprocess.Popen(
        ["sleep", str(seconds)], stdout=sys.stdout, stderr=sys.stderr, stdin=subprocess.DEVNULL
    )
    if pid_file:
        step_write_pid_file(pid_file, child.pid)
    write_line({"type": "grandchild", "pid": child.pid})


def step_write_pid_file(arg, pid=None):
    tmp = arg + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(pid or os.getpid()))
    os.rename(tmp, arg)


def answer_success(request, response):
    write_line(
        {
            "type": "control_response",
            "response": {
                "subtype": "success",
                "request_id": request["request_id"],
                "response": response or {},
            },
        }
    )


def step_answer_request(arg):
    # Answers the next stdin line, which must be a control request, with a success.
    line = read_stdin_line()
    request = json.loads(line) if line else {}
    if request.get("type") != "control_request":
        fail("fake_claude: expected a control request, got " + repr(line), 97)
    answer_success(request, arg)


def step_answer_subtype(arg):
    line = read_stdin_line()
    request = json.loads(line) if line else {}
    subtype = request.get("request", {}).get("subtype")
    if request.get("type") != "control_request" or subtype != arg["subtype"]:
        fail(f"expected a {arg['subtype']} control request, got {line!r}", 97)
    if "error" in arg:
        write_line(
            {
                "type": "control_response",
                "response": {
                    "subtype": "error",
                    "request_id": request["request_id"],
                    "error": arg["error"],
                },
            }
        )
    else:
        answer_success(request, arg.get("response"))


def step_answer_initialize(arg):
    line = read_stdin_line()
    if line is None:
        fail("fake_claude: stdin closed before initialize", 97)
    request = json.loads(line)
    if (
        request.get("type") != "control_request"
        or request["request"].get("subtype") != "initialize"
    ):
        fail("fake_claude: expected initialize, got " + line.decode(errors="replace"), 97)
    answer_success(request, arg)


STEP_HANDLERS = {
    "answer_initialize": step_answer_initialize,
    "answer_request": step_answer_request,
    "answer_subtype": step_answer_subtype,
    "emit": step_emit,
    "emit_raw": step_emit_raw,
    "emit_many": step_emit_many,
    "emit_hex": step_emit_hex,
    "close_stdout": step_close_stdout,
    "emit_huge": step_emit_huge,
    "emit_pid": step_emit_pid,
    "stderr": step_stderr,
    "stderr_many": step_stderr_many,
    "expect_stdin": step_expect_stdin,
    "echo_stdin": step_echo_stdin,
    "wait_stdin_eof": step_wait_stdin_eof,
    "sleep": step_sleep,
    "exit": step_exit,
    "crash": step_crash,
    "abort": step_abort,
    "hang": step_hang,
    "ignore_sigterm": step_ignore_sigterm,
    "spawn_grandchild": step_spawn_grandchild,
    "write_pid_file": step_write_pid_file,
}


def main():
    for step in load_scenario():
        if not isinstance(step, dict) or len(step) != 1:
            fail(f"a step must be an object with one key: {step!r}", 98)
        ((action, arg),) = step.items()
        handler = STEP_HANDLERS.get(action)
        if handler is None:
            fail(f"unknown step {action!r}", 98)
        handler(arg)
    OUT.flush()


if __name__ == "__main__":
    try:
        main()
    except BrokenPipeError:
        os._exit(1)
