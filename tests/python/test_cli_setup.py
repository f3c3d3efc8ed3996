"""``python -m claude_wire install-cli`` / ``find-cli``, and where sessions look for the CLI."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

import claude_wire
from claude_wire import _native

PINNED = _native.PINNED_CLI_VERSION


def run(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "claude_wire", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )


def clean_env(tmp_path: Path) -> dict[str, str]:
    """An environment where only what a test puts under ``tmp_path`` (and the interpreter's own
    packages) can be found: empty cache and home, no CLAUDE_WIRE_CLI, no virtualenv, no
    ``claude`` on PATH."""
    env = {k: v for k, v in os.environ.items() if k not in ("CLAUDE_WIRE_CLI", "VIRTUAL_ENV")}
    env.update(
        CLAUDE_WIRE_CACHE=str(tmp_path / "cache"),
        HOME=str(tmp_path / "home"),
        PATH=str(tmp_path / "bin"),
    )
    return env


def make_cli(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\necho '{PINNED} (Claude Code)'\n")
    path.chmod(0o755)
    return path


def official_bundled_cli() -> Path | None:
    spec = importlib.util.find_spec("claude_agent_sdk")
    if spec is None or spec.origin is None:
        return None
    bundled = Path(spec.origin).parent / "_bundled" / "claude"
    return bundled if bundled.is_file() else None


def test_install_cli_help() -> None:
    done = run("install-cli", "--help")
    assert done.returncode == 0, done.stderr
    assert "--version" in done.stdout
    assert PINNED in done.stdout
    assert "CLAUDE_WIRE_CACHE" in done.stdout
    top = run("--help")
    assert top.returncode == 0
    assert "install-cli" in top.stdout and "find-cli" in top.stdout


def test_install_cli_reports_a_registry_it_cannot_reach(tmp_path: Path) -> None:
    env = clean_env(tmp_path)
    env["npm_config_registry"] = "http://127.0.0.1:9"  # nothing listens there
    done = run("install-cli", env=env)
    assert done.returncode == 1
    assert "cannot install Claude Code" in done.stderr, done.stderr
    assert "network error" in done.stderr
    assert not (tmp_path / "cache" / "cli" / PINNED / "claude").exists()


def test_install_cli_keeps_an_installed_copy(tmp_path: Path) -> None:
    env = clean_env(tmp_path)
    env["npm_config_registry"] = "http://127.0.0.1:9"  # never asked
    cli = make_cli(tmp_path / "cache" / "cli" / PINNED / "claude")
    done = run("install-cli", env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(cli)


def test_find_cli_prefers_the_cache_then_the_official_wheel(tmp_path: Path) -> None:
    bundled = official_bundled_cli()
    if bundled is None:
        pytest.skip("claude_agent_sdk with a bundled CLI is not installed here")
    env = clean_env(tmp_path)
    # No cache: the CLI the official wheel ships, found through site.getsitepackages().
    done = run("find-cli", env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()).resolve() == bundled.resolve()
    # Our cache at the pinned version comes first.
    cached = make_cli(tmp_path / "cache" / "cli" / PINNED / "claude")
    done = run("find-cli", env=env, cwd=tmp_path)
    assert done.stdout.strip() == str(cached)


def test_not_found_names_the_install_command(tmp_path: Path) -> None:
    done = run("find-cli", "--cli-path", str(tmp_path / "nope"))
    assert done.returncode == 1
    assert "python -m claude_wire install-cli" in done.stderr
    with pytest.raises(claude_wire.CLINotFoundError, match="install-cli"):
        _native.find_cli(str(tmp_path / "nope"))
