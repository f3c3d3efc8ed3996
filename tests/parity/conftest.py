"""The session store fixture shared by the session API parity suites: real CLI sessions,
generated once per test run (tests/sessions/make_fixture.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from claude_wire.testing import pinned_cli_path

sys.path.insert(0, str(Path(__file__).parents[1] / "sessions"))


@pytest.fixture(scope="session")
def session_fixture(tmp_path_factory: pytest.TempPathFactory):
    """The generated store (a ``make_fixture.Fixture``): base and mutated config directories."""
    if pinned_cli_path() is None:
        pytest.skip("pinned CLI not fetched (scripts/fetch-cli.sh)")
    pytest.importorskip("claude_agent_sdk")
    from make_fixture import generate

    return generate(tmp_path_factory.mktemp("sessions"))
