"""Failures surface as the official exception classes with their attributes."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import fake_cli
import pytest
from fake_cli import make_fake_cli, result_frame

import claude_wire
from claude_wire import ClaudeAgentOptions, ClaudeSDKClient


async def drain(options: ClaudeAgentOptions, prompt: str = "go") -> list[Any]:
    return [m async for m in claude_wire.query(prompt=prompt, options=options)]


async def test_missing_cli_path(tmp_path: Path) -> None:
    with pytest.raises(claude_wire.CLINotFoundError) as info:
        await drain(ClaudeAgentOptions(cli_path=str(tmp_path / "no-such-claude")))
    assert "no-such-claude" in str(info.value)


async def test_missing_cwd(fake_options, tmp_path: Path) -> None:
    with pytest.raises(claude_wire.CLIConnectionError, match="does-not-exist"):
        await drain(fake_options([], cwd=str(tmp_path / "does-not-exist")))


@pytest.mark.parametrize("package", ["claude_wire", "claude_agent_sdk"])
async def test_option_errors_in_the_official_words(fake_options, tmp_path: Path, package) -> None:
    sdk = pytest.importorskip(package)
    missing = str(tmp_path / "does-not-exist")
    with pytest.raises(sdk.CLIConnectionError) as info:
        async for _ in sdk.query(prompt="go", options=fake_options([], sdk=sdk, cwd=missing)):
            pass
    assert str(info.value) == f"Working directory does not exist: {missing}"
    assert isinstance(info.value.__cause__, FileNotFoundError)

    async def allow(*_: Any) -> Any:
        return sdk.PermissionResultAllow()

    options = fake_options([], sdk=sdk, can_use_tool=allow, permission_prompt_tool_name="x")
    with pytest.raises(ValueError) as raised:
        async for _ in sdk.query(prompt="go", options=options):
            pass
    assert str(raised.value) == (
        "can_use_tool callback cannot be used with permission_prompt_tool_name. "
        "Please use one or the other."
    )


@pytest.mark.parametrize("package", ["claude_wire", "claude_agent_sdk"])
async def test_a_relative_cwd_reaches_the_cli_as_given(
    fake_options, tmp_path: Path, monkeypatch, package
) -> None:
    # The CLI reads `PWD`; the official SDK sets it to `cwd` as given.
    sdk = pytest.importorskip(package)
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path)
    seen = tmp_path / "pwd.txt"
    # Started by the interpreter itself: a shell in between would make `PWD` absolute.
    cli = tmp_path / "pwd-claude"
    cli.write_text(
        f"#!{sys.executable}\nimport os, runpy\n"
        f"open({str(seen)!r}, 'w').write(os.environ.get('PWD', ''))\n"
        f"runpy.run_path({fake_cli.__file__!r}, run_name='__main__')\n"
    )
    cli.chmod(0o755)
    options = fake_options([result_frame(session_id="s")], sdk=sdk, cwd="sub")
    options.cli_path = str(cli)
    async for _ in sdk.query(prompt="go", options=options):
        pass
    assert seen.read_text() == "sub"


@pytest.mark.parametrize("package", ["claude_wire", "claude_agent_sdk"])
async def test_errors_are_raised_from_their_cause(fake_options, tmp_path: Path, package) -> None:
    sdk = pytest.importorskip(package)
    missing = tmp_path / "no-such-claude"
    with pytest.raises(sdk.CLINotFoundError) as info:
        async for _ in sdk.query(prompt="go", options=sdk.ClaudeAgentOptions(cli_path=missing)):
            pass
    assert isinstance(info.value.__cause__, FileNotFoundError)

    failed = result_frame(session_id="s", is_error=True, subtype="error_max_turns")
    options = fake_options([failed], sdk=sdk, env={"FAKE_CLI_EXIT": "1"})
    with pytest.raises(sdk.ResultError) as result:
        async for _ in sdk.query(prompt="go", options=options):
            pass
    cause = result.value.__cause__
    assert type(cause) is sdk.ProcessError and cause.exit_code == 1
    assert str(cause).startswith("Command failed with exit code 1 (exit code: 1)")


async def test_cli_failure_is_process_error_with_exit_code_and_stderr(fake_options) -> None:
    options = fake_options(
        [], env={"FAKE_CLI_EXIT": "3", "FAKE_CLI_STDERR": "fatal: something broke"}
    )
    with pytest.raises(claude_wire.ProcessError) as info:
        await drain(options)
    assert info.value.exit_code == 3
    assert "something broke" in (info.value.stderr or "")
    assert not isinstance(info.value, claude_wire.ResultError)


async def test_can_use_tool_with_permission_prompt_tool_is_a_value_error(fake_options) -> None:
    async def allow(*_: Any) -> Any:
        return claude_wire.PermissionResultAllow()

    options = fake_options([], can_use_tool=allow, permission_prompt_tool_name="mcp__x__y")
    with pytest.raises(ValueError):
        await drain(options)


def test_badly_typed_option_is_reported_with_its_name() -> None:
    # The core decodes the options: a typed error naming the field and what it accepts.
    with pytest.raises(claude_wire.InvalidOptionsError, match="max_turns: invalid type"):
        claude_wire.query(prompt="x", options=ClaudeAgentOptions(max_turns="many"))  # type: ignore[arg-type]


def test_unsupported_mcp_instance_is_rejected() -> None:
    options = ClaudeAgentOptions(
        mcp_servers={"x": {"type": "sdk", "name": "x", "instance": object()}}
    )
    with pytest.raises(TypeError, match="create_sdk_mcp_server"):
        claude_wire.query(prompt="x", options=options)


async def test_client_connect_failure_leaves_client_disconnected(tmp_path: Path) -> None:
    client = ClaudeSDKClient(ClaudeAgentOptions(cli_path=str(tmp_path / "missing")))
    with pytest.raises(claude_wire.CLIConnectionError):
        await client.connect()
    with pytest.raises(claude_wire.CLIConnectionError, match="Not connected"):
        await client.query("hi")


async def test_a_failed_connect_stops_its_prompt_stream(tmp_path: Path) -> None:
    closed = asyncio.Event()

    async def prompts() -> AsyncIterator[dict[str, Any]]:
        try:
            yield {"type": "user", "message": {"role": "user", "content": "hi"}}
            await asyncio.sleep(60)
        finally:
            closed.set()

    client = ClaudeSDKClient(ClaudeAgentOptions(cli_path=str(tmp_path / "missing")))
    with pytest.raises(claude_wire.CLIConnectionError):
        await client.connect(prompts())
    await asyncio.wait_for(closed.wait(), 5)


STDERR_SCRIPT = """
import asyncio, importlib, sys
sdk = importlib.import_module(sys.argv[1])

async def main():
    options = sdk.ClaudeAgentOptions(
        cli_path=sys.argv[2], env={"FAKE_CLI_FRAMES": sys.argv[3], "FAKE_CLI_STDERR": sys.argv[4]})
    async for _ in sdk.query(prompt="go", options=options):
        pass

asyncio.run(main())
"""


@pytest.mark.parametrize("package", ["claude_wire", "claude_agent_sdk"])
def test_without_a_stderr_callback_the_cli_writes_to_the_terminal(tmp_path, package) -> None:
    """Byte for byte, as a CLI that inherits the terminal writes it: empty lines, indentation
    and carriage returns included."""
    pytest.importorskip(package)
    text = "note from the cli\n\n   indented\r\nprogress \u2588\r\n\nlast"
    frames = tmp_path / "frames.jsonl"
    frames.write_text(json.dumps(result_frame(session_id="s")) + "\n")
    script = tmp_path / "run.py"
    script.write_text(STDERR_SCRIPT)
    cli = make_fake_cli(tmp_path)
    run = subprocess.run(
        [sys.executable, str(script), package, str(cli), str(frames), text],
        capture_output=True,
        timeout=60,
        check=True,
    )
    assert run.stderr == (text + "\n").encode()


MISSING_SCRIPT = """
import asyncio, importlib, sys
sdk = importlib.import_module(sys.argv[1])

async def main():
    for path in sys.argv[2:]:
        try:
            async for _ in sdk.query(prompt="hi", options=sdk.ClaudeAgentOptions(cli_path=path)):
                pass
        except sdk.CLIConnectionError as error:
            print(str(error))

asyncio.run(main())
"""


def test_a_cli_path_that_cannot_run_fails_with_the_official_text(tmp_path) -> None:
    pytest.importorskip("claude_agent_sdk")
    script = tmp_path / "run.py"
    script.write_text(MISSING_SCRIPT)
    # Missing, and there but not startable (a directory).
    paths = [str(tmp_path / "no" / "claude"), str(tmp_path)]
    texts = [
        subprocess.run(
            [sys.executable, str(script), package, *paths],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout
        for package in ("claude_wire", "claude_agent_sdk")
    ]
    assert texts[0] == texts[1]
    assert texts[0].count("\n") == 2
