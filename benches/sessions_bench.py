"""Session API: claude_wire vs claude_agent_sdk on a large synthetic store, in one run.

    python benches/sessions_bench.py [--sessions 2000] [--size-mb 1] [--big-mb 50]
                                     [--repeat 3] [--data DIR]

Writes (deterministically, into a temporary directory unless ``--data`` names one to keep and
reuse) ``--sessions`` transcripts of about ``--size-mb`` MB each in one project, and one
``--big-mb`` MB transcript in a second config directory. Entries are synthetic but shaped like
the CLI's own (tests/sessions/make_fixture.py): queue operations, user prompts, attachments,
assistant text and tool_use, tool results with ``toolUseResult``, last-prompt, custom titles,
tags. Then, each in a fresh interpreter (so the peak RSS is that operation's):

* ``list_sessions()`` over every session;
* ``get_session_messages(big)``, whole, and a page (``limit=50``).

Prints the median wall time of ``--repeat`` calls, the ratio official/claude_wire (above 1:
claude_wire is faster) and each process's peak RSS. A missing claude_wire function shows n/a.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

SDKS = ("claude_agent_sdk", "claude_wire")
PROJECT = "/bench/project"
BIG_PROJECT = "/bench/big-project"
WORDS = [
    "the",
    "session",
    "store",
    "lists",
    "transcripts",
    "quickly",
    "while",
    "the",
    "agent",
    "reads",
    "files",
    "runs",
    "tools",
    "and",
    "writes",
    "answers",
    "about",
    "code",
    "tests",
    "builds",
    "parsers",
    "errors",
    "fixtures",
    "pages",
    "limits",
    "offsets",
]


POOL = " ".join(random.Random(7).choice(WORDS) for _ in range(400_000))


def sanitise(path: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in path)


class Writer:
    """Writes one transcript, entry by entry, in the CLI's shapes."""

    def __init__(self, rng: random.Random, session_id: str, cwd: str, start_ms: int) -> None:
        self.rng = rng
        self.sid = session_id
        self.cwd = cwd
        self.ms = start_ms
        self.parent: str | None = None
        self.lines: list[str] = []
        self.size = 0

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def stamp(self) -> str:
        self.ms += self.rng.randint(5, 900)
        secs, ms = divmod(self.ms, 1000)
        hms = f"{secs // 3600 % 24:02d}:{secs // 60 % 60:02d}:{secs % 60:02d}"
        return f"2026-01-{1 + secs // 86400 % 28:02d}T{hms}.{ms:03d}Z"

    def words(self, n: int) -> str:
        """About ``n`` words: a slice of a shared pool of text (fast for big tool results)."""
        chars = n * 6
        start = self.rng.randrange(0, len(POOL) - chars)
        return POOL[start : start + chars].strip()

    def emit(self, entry: dict[str, object]) -> None:
        line = json.dumps(entry, separators=(",", ":"))
        self.lines.append(line)
        self.size += len(line) + 1

    def chained(self, kind: str, **fields: object) -> str:
        me = self.uuid()
        entry: dict[str, object] = {"parentUuid": self.parent, "isSidechain": False, "type": kind}
        entry.update(fields)
        entry.update(
            {
                "uuid": me,
                "timestamp": self.stamp(),
                "userType": "external",
                "entrypoint": "sdk-py",
                "cwd": self.cwd,
                "sessionId": self.sid,
                "version": "2.1.330",
                "gitBranch": "main",
            }
        )
        self.emit(entry)
        self.parent = me
        return me

    def turn(self, tool_bytes: int) -> None:
        prompt = f"Please look at {self.words(8)}"
        self.emit(
            {
                "type": "queue-operation",
                "operation": "enqueue",
                "timestamp": self.stamp(),
                "sessionId": self.sid,
                "content": prompt,
            }
        )
        self.chained(
            "user",
            promptId=self.uuid(),
            message={"role": "user", "content": prompt},
            permissionMode="default",
            promptSource="sdk",
        )
        self.chained(
            "attachment",
            attachment={"type": "environment", "snapshot": {"workingDirectory": self.cwd}},
        )
        tool_id = f"toolu_01{self.rng.getrandbits(64):016x}"
        message = {
            "id": f"msg_01{self.rng.getrandbits(64):016x}",
            "type": "message",
            "role": "assistant",
            "model": "claude-bench-model",
            "content": [
                {"type": "text", "text": self.words(20)},
                {
                    "type": "tool_use",
                    "id": tool_id,
                    "name": "Read",
                    "input": {"file_path": f"{self.cwd}/src/file{self.rng.randint(1, 99)}.rs"},
                },
            ],
            "stop_reason": "tool_use",
            "usage": {"input_tokens": 1200, "output_tokens": 80},
        }
        asst = self.chained("assistant", message=message, requestId=f"req_{self.uuid()}")
        body = self.words(max(1, tool_bytes // 6))
        self.chained(
            "user",
            message={
                "role": "user",
                "content": [{"tool_use_id": tool_id, "type": "tool_result", "content": body}],
            },
            toolUseResult={"type": "text", "file": {"content": body[: tool_bytes // 4]}},
            sourceToolAssistantUUID=asst,
        )
        answer = dict(message, content=[{"type": "text", "text": self.words(60)}])
        answer["stop_reason"] = "end_turn"
        self.chained("assistant", message=answer)
        self.emit(
            {
                "type": "last-prompt",
                "lastPrompt": prompt,
                "leafUuid": self.parent,
                "sessionId": self.sid,
            }
        )

    def write(self, path: Path, target_bytes: int, index: int) -> None:
        while self.size < target_bytes:
            self.turn(self.rng.randint(2_000, 14_000))
        if index % 3 == 0:
            self.emit(
                {
                    "type": "custom-title",
                    "customTitle": f"Bench session {index}",
                    "sessionId": self.sid,
                }
            )
        if index % 5 == 0:
            self.emit({"type": "tag", "tag": f"tag{index % 7}", "sessionId": self.sid})
        path.write_text("\n".join(self.lines) + "\n")


def generate(root: Path, sessions: int, size_mb: float, big_mb: float) -> dict[str, str]:
    """Writes the store under ``root`` (once: a finished store is reused). Returns paths/ids."""
    done = root / "store.json"
    wanted = {"sessions": sessions, "size_mb": size_mb, "big_mb": big_mb}
    if done.is_file() and json.loads(done.read_text()).get("params") == wanted:
        return json.loads(done.read_text())
    shutil.rmtree(root / "many", ignore_errors=True)
    shutil.rmtree(root / "big", ignore_errors=True)
    rng = random.Random(20260101)
    project = root / "many" / "projects" / sanitise(PROJECT)
    project.mkdir(parents=True)
    for i in range(sessions):
        sid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        writer = Writer(rng, sid, PROJECT, 1_767_225_600_000 + i * 60_000)
        writer.write(project / f"{sid}.jsonl", int(size_mb * 1_000_000), i)
    big_dir = root / "big" / "projects" / sanitise(BIG_PROJECT)
    big_dir.mkdir(parents=True)
    big_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    Writer(rng, big_id, BIG_PROJECT, 1_767_225_600_000).write(
        big_dir / f"{big_id}.jsonl", int(big_mb * 1_000_000), 1
    )
    info = {
        "params": wanted,
        "many": str(root / "many"),
        "big": str(root / "big"),
        "big_id": big_id,
    }
    done.write_text(json.dumps(info))
    return info


CHILD = """
import json, os, resource, statistics, sys, time
sdk, op, config, big_id, repeat = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
os.environ["CLAUDE_CONFIG_DIR"] = config
module = __import__(sdk)
name = "list_sessions" if op.startswith("list") else "get_session_messages"
fn = getattr(module, name, None)
if fn is None:
    print(json.dumps(None)); sys.exit(0)
calls = {
    "list_sessions()": lambda: fn(),
    "get_session_messages(big)": lambda: fn(big_id),
    "get_session_messages(big, limit=50)": lambda: fn(big_id, limit=50),
}
times, count = [], 0
for _ in range(repeat):
    t = time.perf_counter()
    count = len(calls[op]())
    times.append(time.perf_counter() - t)
# Peak RSS of this process: VmHWM (reset by exec). ru_maxrss would not do on Linux: it keeps
# the forking parent's peak across exec, and the parent held the generated store.
try:
    status = open("/proc/self/status").read()
    rss = int(status.split("VmHWM:")[1].split()[0]) / 1024
except (OSError, IndexError):
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"s": statistics.median(times), "rss": rss, "count": count}))
"""

OPS = ("list_sessions()", "get_session_messages(big)", "get_session_messages(big, limit=50)")


def measure(sdk: str, op: str, config: str, big_id: str, repeat: int) -> dict[str, float] | None:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, sdk, op, config, big_id, str(repeat)],
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        print(f"{sdk} {op} failed:\n{out.stderr[-2000:]}", file=sys.stderr)
        return None
    result: dict[str, float] | None = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=2000)
    parser.add_argument("--size-mb", type=float, default=1.0)
    parser.add_argument("--big-mb", type=float, default=50.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data", type=Path, help="keep the generated store here (and reuse it)")
    args = parser.parse_args()

    root = args.data or Path(tempfile.mkdtemp(prefix="claude-wire-sessions-bench-"))
    try:
        import time

        start = time.perf_counter()
        info = generate(root, args.sessions, args.size_mb, args.big_mb)
        print(
            f"store: {args.sessions} sessions x {args.size_mb} MB, one {args.big_mb} MB transcript"
            f" ({time.perf_counter() - start:.1f} s to prepare) in {root}\n"
        )
        header = f"{'operation':<38}{'official':>11}{'claude_wire':>13}{'ratio':>8}"
        print(header + f"{'RSS official':>15}{'RSS ours':>11}{'items':>8}")
        for op in OPS:
            config = info["many"] if op.startswith("list") else info["big"]
            theirs, mine = (measure(sdk, op, config, info["big_id"], args.repeat) for sdk in SDKS)
            if mine is not None and theirs is not None and mine["count"] != theirs["count"]:
                print(f"  ! {op}: {theirs['count']} items (official) vs {mine['count']} (ours)")

            def secs(r: dict[str, float] | None) -> str:
                return f"{r['s']:.3f} s" if r else "n/a"

            def rss(r: dict[str, float] | None) -> str:
                return f"{r['rss']:.0f} MB" if r else "n/a"

            ratio = f"{theirs['s'] / mine['s']:.1f}x" if theirs and mine and mine["s"] else "n/a"
            items = theirs["count"] if theirs else "n/a"
            print(
                f"{op:<38}{secs(theirs):>11}{secs(mine):>13}{ratio:>8}"
                f"{rss(theirs):>15}{rss(mine):>11}{items!s:>8}"
            )
        print("\nratio = official time / claude_wire time (above 1: claude_wire is faster)")
    finally:
        if args.data is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
