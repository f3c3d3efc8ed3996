"""claude_wire vs claude_agent_sdk: import time and message throughput, in one run.

    python benches/python_bench.py [--messages 100000] [--imports 7]

* import time: median wall time of ``import <package>`` in a fresh interpreter;
* throughput: messages/s of ``async for message in query(...)`` over a fake CLI
  (tests/python/fake_cli.py) that answers ``initialize`` and then writes N assistant messages and
  a result in one go, so the figure measures the SDK, not the CLI. Both SDKs get the same
  ``cli_path``. CPU time (all threads of the consuming process) and its peak RSS are reported too.
  Build claude_wire with ``maturin develop --release`` first: a debug build is much slower.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "python"))

from fake_cli import make_fake_cli  # noqa: E402

SDKS = ("claude_agent_sdk", "claude_wire")


def import_time(package: str, runs: int) -> float:
    code = f"import time; t = time.perf_counter(); import {package}; print(time.perf_counter() - t)"
    samples = [
        float(subprocess.check_output([sys.executable, "-c", code], text=True)) for _ in range(runs)
    ]
    return statistics.median(samples)


def write_frames(path: Path, count: int) -> None:
    with path.open("w") as out:
        for i in range(count):
            frame = {
                "type": "assistant",
                "message": {
                    "id": f"msg_{i}",
                    "type": "message",
                    "role": "assistant",
                    "model": "bench-model",
                    "content": [
                        {"type": "text", "text": f"message number {i} of the benchmark stream"}
                    ],
                    "stop_reason": None,
                    "usage": {"input_tokens": 10, "output_tokens": 12},
                },
                "parent_tool_use_id": None,
                "session_id": "bench-session",
                "uuid": f"00000000-0000-0000-0000-{i:012d}",
            }
            out.write(json.dumps(frame) + "\n")
        result = {
            "type": "result",
            "subtype": "success",
            "is_error": False,
            "duration_ms": 1,
            "duration_api_ms": 1,
            "num_turns": 1,
            "result": "done",
            "session_id": "bench-session",
        }
        out.write(json.dumps(result) + "\n")


def throughput(package: str, cli: Path, frames: Path, expected: int) -> dict[str, float]:
    """Runs in a child process so that RSS and import state are per SDK."""
    code = f"""
import asyncio, json, resource, time
import {package} as sdk
async def main():
    options = sdk.ClaudeAgentOptions(cli_path={str(cli)!r}, env={{"FAKE_CLI_FRAMES": {str(frames)!r}}})
    def cpu():
        r = resource.getrusage(resource.RUSAGE_SELF)
        return r.ru_utime + r.ru_stime
    start, cpu_start = time.perf_counter(), cpu()
    count = 0
    async for message in sdk.query(prompt="go", options=options):
        count += 1
    elapsed, cpu_used = time.perf_counter() - start, cpu() - cpu_start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({{"count": count, "seconds": elapsed, "cpu": cpu_used, "rss_mb": rss}}))
asyncio.run(main())
"""
    out = subprocess.check_output([sys.executable, "-c", code], text=True)
    stats = json.loads(out.strip().splitlines()[-1])
    if stats["count"] < expected:
        raise SystemExit(f"{package}: got {stats['count']} messages, expected {expected}")
    stats["per_second"] = stats["count"] / stats["seconds"]
    return stats


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--imports", type=int, default=7)
    args = parser.parse_args()

    imports = {sdk: import_time(sdk, args.imports) for sdk in SDKS}
    with tempfile.TemporaryDirectory() as tmp:
        frames = Path(tmp) / "frames.jsonl"
        write_frames(frames, args.messages)
        cli = make_fake_cli(Path(tmp))
        runs = {sdk: throughput(sdk, cli, frames, args.messages + 1) for sdk in SDKS}

    official, wire = SDKS
    print(
        f"import time        {official}: {imports[official] * 1000:8.1f} ms   {wire}: {imports[wire] * 1000:8.1f} ms"
        f"   ratio {imports[official] / imports[wire]:.1f}x faster"
    )
    print(
        f"messages/s ({args.messages} msgs) {official}: {runs[official]['per_second']:10.0f}   "
        f"{wire}: {runs[wire]['per_second']:10.0f}   ratio {runs[wire]['per_second'] / runs[official]['per_second']:.1f}x"
    )
    print(
        f"CPU s per 100k msgs {official}: {runs[official]['cpu'] * 1e5 / args.messages:7.2f}   "
        f"{wire}: {runs[wire]['cpu'] * 1e5 / args.messages:7.2f}   ratio {runs[official]['cpu'] / runs[wire]['cpu']:.1f}x less"
    )
    print(
        f"peak RSS           {official}: {runs[official]['rss_mb']:8.1f} MB   {wire}: {runs[wire]['rss_mb']:8.1f} MB"
    )


if __name__ == "__main__":
    main()
