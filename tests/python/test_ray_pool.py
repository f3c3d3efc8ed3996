"""The Ray example (examples/ray_pool.py) on a local Ray instance: two actors, each owning a
SessionPool, run a handful of sessions against the scripted model server; every result comes
back and no CLI is left. ``make test`` and ``make test-ray`` install ``ray`` into the test
virtualenv; run elsewhere without it, the test is skipped."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from conftest import needs_cli

from claude_wire.testing import ModelServer, text

ray = pytest.importorskip(
    "ray", reason="ray is not installed (make test installs it into the test virtualenv)"
)

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "examples"))
import ray_pool  # noqa: E402

pytestmark = needs_cli


def processes_in(directory: Path) -> list[int]:
    """Processes whose working directory is ``directory`` (every CLI of the example)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if Path(entry / "cwd").resolve() == directory.resolve():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def test_two_actors_run_every_session_and_leave_no_cli(tmp_path: Path) -> None:
    prompts = [f"Task {n}" for n in range(6)]
    with ModelServer([text("done")] * 10) as server:
        options = ray_pool.offline_options(server, tmp_path)
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
        try:
            results = ray_pool.run(prompts, options, actors=2, per_actor=1)
        finally:
            ray.shutdown()
    assert sorted(r["prompt"] for r in results) == sorted(prompts)
    assert all(r["result"] == "done" and not r["is_error"] for r in results), results
    assert len({r["actor_pid"] for r in results}) == 2
    deadline = time.monotonic() + 15
    while (left := processes_in(tmp_path / "work")) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert left == []
