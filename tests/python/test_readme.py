"""The README's Python quick start runs as written (and names the pinned CLI), so the README
cannot drift from the code. The Rust quick start is a doctest of the core (`mod readme`)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import needs_cli

from claude_wire import _native

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"


def code_blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```$", README.read_text(), re.M | re.S)


def test_readme_installs_the_pinned_cli() -> None:
    install = f"npm install -g @anthropic-ai/claude-code@{_native.PINNED_CLI_VERSION}"
    shell = "\n".join(code_blocks("sh"))
    assert shell.count("npm install -g @anthropic-ai/claude-code@") == shell.count(install) >= 1
    # The Python quick start installs it with the package's own command.
    assert "python -m claude_wire install-cli" in shell


def test_readme_states_the_pinned_versions() -> None:
    pinned = dict(
        line.split("=", 1)
        for line in (ROOT / "core" / "pinned.env").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert pinned["CLAUDE_CODE_CLI"] == _native.PINNED_CLI_VERSION
    versions = README.read_text().split("## Versions", 1)[1].split("\n## ", 1)[0]
    for version in pinned.values():
        assert version in versions


@needs_cli
@pytest.mark.parametrize("index", range(len(code_blocks("python"))))
def test_readme_python_example_runs(index: int, tmp_path: Path) -> None:
    source = code_blocks("python")[index]
    # A fresh interpreter, as a user would run it; the pinned CLI stands in for the npm install.
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", source],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Hello from the script." in done.stdout
    assert re.search(r"^1 turn\(s\), \$\d+\.\d{4}$", done.stdout, re.M), done.stdout
