"""The benchmark suite: claude-wire (Rust, Python, Node) beside the official Python and TS SDKs
and a floor, side by side in one run, against one compiled fake CLI. See BENCHMARKS.md.

    python3 benches/run.py [--reps 5] [--quick] [--only flood,permission,...]
                           [--pin rt|all|none] [--output FILE] [--no-build]

Each repetition runs every scenario once per driver, interleaved (floor, rust, python, node,
official-py, official-ts), each in a fresh process printing one JSON line. Prints one markdown
table: medians, min-max, the ratio against the reference of each driver and the targets of
issue 11.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from runner.report import render
from runner.setup import ROOT, Paths, prepare

KINDS = ("flood", "permission", "hook", "bigline", "import", "concurrent", "realcli")
TIMEOUT_S = 300


@dataclass
class Scenario:
    name: str  # the table's label
    kind: str  # the drivers' scenario argument
    n: int = 0
    mode: str | None = None  # BENCH_FAKE_MODE of the fake CLI
    pinned: bool = False


@dataclass
class Driver:
    name: str
    command: list[str]
    kinds: tuple[str, ...]


def scenarios(args: argparse.Namespace) -> list[Scenario]:
    quick = args.quick
    flood = 10_000 if quick else 100_000
    trips = 200 if quick else 2_000
    sessions = 20 if quick else 100
    wanted = set(args.only.split(",")) if args.only else set(KINDS)
    unknown = wanted - set(KINDS)
    if unknown:
        raise SystemExit(f"unknown scenario(s): {', '.join(sorted(unknown))}")
    pin_all = args.pin == "all"
    out: list[Scenario] = []
    for kind in KINDS:
        if kind not in wanted:
            continue
        if kind in ("permission", "hook"):
            out.append(Scenario(kind, kind, trips, f"{kind} {trips}"))
            if args.pin != "none":
                out.append(Scenario(f"{kind} (pinned)", kind, trips, f"{kind} {trips}", True))
        elif kind == "flood":
            out.append(Scenario(kind, kind, flood, f"flood {flood}", pin_all))
        elif kind == "bigline":
            out.append(Scenario(kind, kind, 50, "bigline 50", pin_all))
        elif kind == "concurrent":
            out.append(Scenario(kind, kind, sessions, "flood 100", pin_all))
        else:
            out.append(Scenario(kind, kind, pinned=pin_all))
    return out


def drivers(paths: Paths) -> list[Driver]:
    py = str(ROOT / "benches" / "drivers" / "py_driver.py")
    js = str(ROOT / "benches" / "drivers" / "node_driver.mjs")
    fake_only = ("flood", "permission", "hook", "bigline", "realcli")
    hot_path = ("flood", "permission", "hook")
    everything = KINDS
    floors = ROOT / "benches" / "drivers"
    return [
        Driver("floor", [str(paths.tools / "floor")], fake_only),
        Driver("py-floor", [str(paths.python), str(floors / "py_floor.py")], hot_path),
        Driver("node-floor", ["node", str(floors / "node_floor.mjs")], hot_path),
        Driver("rust", [str(paths.driver / "driver")], tuple(k for k in KINDS if k != "import")),
        Driver("python", [str(paths.python), py, "claude_wire"], everything),
        Driver("node", ["node", js, "claude-wire"], everything),
        Driver("official-py", [str(paths.official_python), py, "claude_agent_sdk"], everything),
        Driver("official-ts", ["node", js, paths.official_ts], everything),
    ]


def model_server(paths: Paths) -> tuple[subprocess.Popen[str], str]:
    server = subprocess.Popen(
        [str(paths.driver / "bench-model-server")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None
    return server, server.stdout.readline().strip()


def realcli_env(url: str, scratch: Path) -> dict[str, str]:
    """The offline CLI environment of REFERENCE §1, with fresh state dirs for every run."""
    dirs = {name: scratch / name for name in ("config", "tmp", "run")}
    for path in dirs.values():
        path.mkdir(parents=True)
    env = {
        "ANTHROPIC_BASE_URL": url,
        "ANTHROPIC_API_KEY": "bench-key",
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
        "CLAUDE_CODE_MAX_RETRIES": "0",
        "CLAUDE_CONFIG_DIR": str(dirs["config"]),
        "TMPDIR": str(dirs["tmp"]),
        "CLAUDE_CODE_TMPDIR": str(dirs["tmp"]),
        "XDG_RUNTIME_DIR": str(dirs["run"]),
    }
    if os.geteuid() == 0:
        env["IS_SANDBOX"] = "1"
    return env


def prime(paths: Paths, plan: list[Scenario], cache: Path) -> None:
    """Has the fake CLI build its flood and bigline outputs into its cache before any timed run
    (it builds them at start-up when missing, and would bill that to the first driver)."""
    modes = {s.mode for s in plan if s.mode and s.mode.split()[0] in ("flood", "bigline")}
    for mode in sorted(modes):
        env = {**os.environ, "BENCH_FAKE_MODE": mode, "BENCH_FAKE_CACHE": str(cache)}
        subprocess.run(
            [str(paths.tools / "fake-claude")], env=env, stdin=subprocess.DEVNULL, check=True
        )


def run_one(command: list[str], env: dict[str, str]) -> dict | str:
    """One driver process; its figures, or the reason it failed."""
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # a timeout takes the driver and its CLIs down together
    )
    try:
        out, err = process.communicate(timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return f"timeout after {TIMEOUT_S} s"
    lines = out.strip().splitlines()
    if process.returncode != 0 or not lines:
        tail = (err.strip().splitlines() or [f"exit {process.returncode}"])[-1]
        return tail[:160]
    return json.loads(lines[-1])


def header(paths: Paths, args: argparse.Namespace) -> str:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next(
        (line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line),
        platform.processor(),
    )

    def version(*command: str) -> str:
        return subprocess.run(command, capture_output=True, text=True).stdout.strip()

    python = version(str(paths.python), "-c", "import platform; print(platform.python_version())")
    node = version("node", "--version")
    return (
        f"claude-wire {commit or '?'}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
        f"{os.cpu_count()} CPUs ({cpu}); Python {python}, node {node}; "
        f"{args.reps} repetitions{' (quick counts)' if args.quick else ''}; "
        f"load average at the end {os.getloadavg()[1]:.1f} (5 min)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reps", type=int, default=5, help="repetitions (default 5)")
    parser.add_argument("--quick", action="store_true", help="small counts, for a quick look")
    parser.add_argument("--only", help=f"comma-separated scenarios of: {', '.join(KINDS)}")
    parser.add_argument(
        "--pin",
        choices=("rt", "all", "none"),
        default="rt",
        help="taskset -c 0: round trips pinned and unpinned (rt, default), "
        "every scenario pinned (all), never (none)",
    )
    parser.add_argument("--drivers", help="comma-separated subset of the drivers")
    parser.add_argument("--output", type=Path, help="also write the table to this file")
    parser.add_argument("--no-build", action="store_true", help="use what is already built")
    parser.add_argument("--raw", type=Path, help="also write every run's figures (JSON) here")
    parser.add_argument("--render", type=Path, help="print the table of a --raw file, run nothing")
    args = parser.parse_args()
    if args.render:
        saved = json.loads(args.render.read_text())
        results = {(s, d): runs for s, d, runs in saved["results"]}
        print(render(saved["title"], saved["scenarios"], results))
        return

    paths = prepare(args.no_build)
    plan = scenarios(args)
    chosen = drivers(paths)
    if args.drivers:
        chosen = [d for d in chosen if d.name in args.drivers.split(",")]
    fake_cache = paths.scratch / "fake-output"
    fake_cache.mkdir(exist_ok=True)
    prime(paths, plan, fake_cache)
    server, url = model_server(paths) if any(s.kind == "realcli" for s in plan) else (None, "")
    results: dict[tuple[str, str], list[dict | str]] = {}
    try:
        with tempfile.TemporaryDirectory(prefix="claude-wire-bench-") as tmp:
            if server:
                # Not counted: the first run of the 380 MB CLI reads it from disk.
                env = {**os.environ, **realcli_env(url, Path(tmp) / "warm-up")}
                run_one([str(paths.tools / "floor"), "realcli", str(paths.cli)], env)
            for rep in range(1, args.reps + 1):
                for scenario in plan:
                    for driver in chosen:
                        if scenario.kind not in driver.kinds:
                            continue
                        cli = str(
                            paths.cli if scenario.kind == "realcli" else paths.tools / "fake-claude"
                        )
                        env = {**os.environ, "BENCH_FAKE_CACHE": str(fake_cache)}
                        env.pop("CLAUDECODE", None)
                        if scenario.mode:
                            env["BENCH_FAKE_MODE"] = scenario.mode
                        if scenario.kind == "realcli":
                            env.update(realcli_env(url, Path(tmp) / f"{driver.name}-{rep}"))
                        command = [*driver.command, scenario.kind, cli, str(scenario.n)]
                        if scenario.pinned:
                            command = ["taskset", "-c", "0", *command]
                        figures = run_one(command, env)
                        results.setdefault((scenario.name, driver.name), []).append(figures)
                        shown = figures if isinstance(figures, str) else json.dumps(figures)
                        print(f"[{rep}/{args.reps}] {scenario.name:20} {driver.name:12} {shown[:140]}",
                              file=sys.stderr, flush=True)  # fmt: skip
    finally:
        if server:
            server.communicate("")
    title = header(paths, args)
    table = render(title, [s.name for s in plan], results)
    print(table)
    if args.output:
        args.output.write_text(table + "\n")
    if args.raw:
        saved = {"title": title, "scenarios": [s.name for s in plan]}
        saved["results"] = [[s, d, runs] for (s, d), runs in results.items()]
        args.raw.write_text(json.dumps(saved, indent=1) + "\n")


if __name__ == "__main__":
    main()
