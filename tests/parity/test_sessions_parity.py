"""Parity of the session API (list/read/mutate transcripts on disk): every function of the
official ``claude_agent_sdk`` and the ``claude_wire`` function of the same name are called with
the same arguments on the same store written by the real CLI (``session_fixture``, see
tests/sessions/make_fixture.py), and must give the same results field by field, or raise the
same exception class (ours may be a subclass) with the same text.
``CLAUDE_WIRE_SESSIONS_SELF_CHECK=1`` runs every comparison official against official (a check
of the harness and its normalisation).

Each comparison skips while ``claude_wire`` lacks the function; the official side and the
fixture's coverage are checked regardless (``test_fixture_covers``, ``test_official_*``).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import claude_agent_sdk as official
import pytest
from make_fixture import MUTATION_INPUTS, SCENARIOS, Runner, apply_mutations, config_dir

from claude_wire.testing import ModelServer, text

from .sessions_support import (
    BAD_IDS,
    UNKNOWN_ID,
    Renamer,
    compare,
    first_difference,
    known_tokens,
    ours,
    ours_module,
    plain,
    snapshot,
    without,
)

CONFIGS = ("base", "mutated")


@pytest.fixture(params=CONFIGS)
def store(request: pytest.FixtureRequest, session_fixture: Any, monkeypatch: pytest.MonkeyPatch):
    """The fixture with ``CLAUDE_CONFIG_DIR`` pointing at its base or mutated copy."""
    config = getattr(session_fixture, f"{request.param}_config")
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(config))
    return session_fixture


def session_ids(fx: Any) -> list[str]:
    """Every session id in the current config (forks included), plus the deleted one."""
    ids = {s.session_id for s in official.list_sessions()}
    return sorted(ids | set(fx.sessions.values()))


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line]


# --------------------------------------------------------------------------- coverage


def test_fixture_covers(session_fixture: Any) -> None:
    """The store holds what the parity tests rely on, as the CLI wrote it."""
    fx = session_fixture
    base = fx.base_config
    assert set(fx.sessions) >= set(SCENARIOS) - {"worktree"}
    entries = {name: lines(fx.transcript(base, name)) for name in fx.sessions}

    def blocks(name: str, kind: str) -> list[dict[str, Any]]:
        return [
            b
            for e in entries[name]
            if isinstance(e.get("message"), dict) and isinstance(e["message"].get("content"), list)
            for b in e["message"]["content"]
            if b.get("type") == kind
        ]

    assert {b["name"] for b in blocks("tool", "tool_use")} == {"Read", "Bash"}
    assert len(blocks("tool", "tool_result")) == 2
    assert blocks("thinking", "thinking")
    assert [b["name"] for b in blocks("subagent", "tool_use")] == ["Agent"]
    agents = list(fx.project_dir(base, "subagent").glob(f"{fx.sessions['subagent']}/subagents/*"))
    assert {p.suffix for p in agents} == {".jsonl", ".json"}, agents
    assert any(e.get("subtype") == "compact_boundary" for e in entries["compacted"])
    assert any(e.get("isCompactSummary") for e in entries["compacted"])
    users = [e for e in entries["resumed"] if e.get("type") == "user"]
    assert len(users) == 2 and len({e["promptId"] for e in users}) == 2
    assert len([e for e in entries["multi_turn"] if e.get("type") == "assistant"]) == 3
    assert fx.project_dir(base, "other_project") != fx.project_dir(base, "plain")
    if "worktree" in fx.sessions:
        assert fx.project_dir(base, "worktree").name.endswith("-wt")
    # The official mutations happened on the copy, not on the base.
    with config_dir(fx.mutated_config):
        mutated = {s.session_id: s for s in official.list_sessions()}
    assert fx.sessions["other_project"] not in mutated
    assert mutated[fx.sessions["plain"]].custom_title == "Renamed again"
    assert mutated[fx.sessions["tool"]].tag == "important"
    assert mutated[fx.mutations["fork_cut"]].custom_title == MUTATION_INPUTS["fork_title"]
    assert mutated[fx.mutations["fork_all"]].custom_title.endswith(" (fork)")


# --------------------------------------------------------------------------- reading


LIST_ARGS: list[dict[str, Any]] = [
    {},
    {"limit": 3},
    {"limit": 3, "offset": 2},
    {"offset": 4},
    {"offset": 100},
    {"limit": 0},
    {"limit": -1, "offset": -2},
    {"directory": "a"},
    {"directory": "a", "include_worktrees": False},
    {"directory": "a", "limit": 2, "offset": 1},
    {"directory": "a_wt"},
    {"directory": "a_wt", "include_worktrees": False},
    {"directory": "b"},
    {"directory": "a/"},
    {"directory": "/nonexistent/project"},
]


def resolve_dir(fx: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    """``directory`` given as a project name (``a``, ``a/``, ...) -> its path."""
    out = dict(kwargs)
    name = out.get("directory")
    if name and not name.startswith("/"):
        project = fx.projects.get(name.rstrip("/"))
        if project is None:
            pytest.skip(f"no project {name} (git missing?)")
        out["directory"] = project + ("/" if name.endswith("/") else "")
    return out


@pytest.mark.parametrize("kwargs", LIST_ARGS, ids=lambda k: json.dumps(k) or "{}")
async def test_list_sessions(store: Any, kwargs: dict[str, Any]) -> None:
    await compare("list_sessions", **resolve_dir(store, kwargs))


async def test_get_session_info(store: Any) -> None:
    for sid in [*session_ids(store), UNKNOWN_ID, *BAD_IDS]:
        await compare("get_session_info", sid)
        for project in store.projects.values():
            await compare("get_session_info", sid, directory=project)


PAGES: list[dict[str, Any]] = [
    {},
    {"limit": 2},
    {"offset": 1},
    {"limit": 1, "offset": 3},
    {"offset": 50},
    {"limit": 0},
    {"limit": -1, "offset": -1},
]


@pytest.mark.parametrize("page", PAGES, ids=lambda k: json.dumps(k) or "{}")
async def test_get_session_messages(store: Any, page: dict[str, Any]) -> None:
    for sid in [*session_ids(store), UNKNOWN_ID, *BAD_IDS]:
        await compare("get_session_messages", sid, **page)
        await compare("get_session_messages", sid, directory=store.projects["a"], **page)


async def test_subagents(store: Any) -> None:
    agents_seen = 0
    for sid in [*session_ids(store), UNKNOWN_ID, *BAD_IDS]:
        agents = (await compare("list_subagents", sid)).value or []
        await compare("list_subagents", sid, directory=store.projects["a"])
        for agent in [*agents, "unknown-agent", ""]:
            agents_seen += agent in agents
            for page in PAGES:
                await compare("get_subagent_messages", sid, agent, **page)
            await compare("get_subagent_messages", sid, agent, directory=store.projects["a"])
    assert agents_seen >= 1


def test_official_subagent_messages(session_fixture: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The subagent transcript reads back with the spawning tool_use id (sidecar)."""
    fx = session_fixture
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(fx.base_config))
    sid = fx.sessions["subagent"]
    [agent] = official.list_subagents(sid)
    messages = official.get_subagent_messages(sid, agent)
    assert [m.type for m in messages] == ["user", "assistant"]
    [spawn] = [
        b
        for m in official.get_session_messages(sid)
        if m.type == "assistant"
        for b in m.message["content"]
        if b.get("type") == "tool_use"
    ]
    assert {m.parent_tool_use_id for m in messages} == {spawn["id"]}


async def test_project_key_for_directory(session_fixture: Any, tmp_path: Path) -> None:
    long_dir = tmp_path / ("x" * 120) / ("y" * 120)
    long_dir.mkdir(parents=True)
    odd = tmp_path / "caf\u00e9 \u00b5 dir.name"
    odd.mkdir()
    link = tmp_path / "link"
    link.symlink_to(session_fixture.projects["a"])
    for directory in [
        *session_fixture.projects.values(),
        str(long_dir),
        long_dir,
        str(odd),
        str(link),
        "/nonexistent/dir/../x",
        "relative/dir",
        None,
    ]:
        await compare("project_key_for_directory", directory)
    await compare("project_key_for_directory")


def test_project_key_counts_utf16_units_as_the_cli_does(tmp_path: Path) -> None:
    """A deliberate difference: the CLI (JavaScript) replaces each UTF-16 unit, so an astral
    character becomes two dashes in its project directory name (checked against a directory the
    real CLI 2.1.330 created); the official Python SDK counts code points and derives a key that
    matches no directory."""
    claude_wire = pytest.importorskip("claude_wire")
    odd = tmp_path / "caf\u00e9 \U0001f600 dir.name"
    odd.mkdir()
    key = claude_wire.project_key_for_directory(str(odd))
    assert key.endswith("-caf-----dir-name"), key


# --------------------------------------------------------------------------- errors


async def test_mutation_errors(session_fixture: Any, tmp_path: Path, monkeypatch) -> None:
    """Bad ids, unknown sessions and bad arguments: same exception class and text, and the
    store is left as it was."""
    config = tmp_path / "config"
    shutil.copytree(session_fixture.base_config, config)
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(config))
    before = snapshot(config, Renamer(set()))
    plain_id = session_fixture.sessions["plain"]
    calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []
    for bad in [*BAD_IDS, UNKNOWN_ID]:
        calls += [
            ("rename_session", (bad, "title"), {}),
            ("tag_session", (bad, "tag"), {}),
            ("tag_session", (bad, None), {}),
            ("delete_session", (bad,), {}),
            ("fork_session", (bad,), {}),
        ]
    calls += [
        ("rename_session", (plain_id, ""), {}),
        ("rename_session", (plain_id, "   "), {}),
        ("tag_session", (plain_id, ""), {}),
        ("tag_session", (plain_id, "\u200b\u200b"), {}),
        ("rename_session", (plain_id, "t"), {"directory": session_fixture.projects["b"]}),
        ("fork_session", (plain_id,), {"up_to_message_id": "../x"}),
        ("fork_session", (plain_id,), {"up_to_message_id": UNKNOWN_ID}),
        ("delete_session", (plain_id,), {"directory": session_fixture.projects["b"]}),
    ]
    for name, args, kwargs in calls:
        theirs = await compare(name, *args, **kwargs)
        assert theirs.error is not None, (name, args, kwargs)
    assert snapshot(config, Renamer(set())) == before


# --------------------------------------------------------------------------- mutations


def copies(fx: Any, tmp_path: Path) -> tuple[Path, Path]:
    a, b = tmp_path / "official" / "config", tmp_path / "ours" / "config"
    for dest in (a, b):
        shutil.copytree(fx.base_config, dest)
    return a, b


async def test_mutations_match(session_fixture: Any, tmp_path: Path) -> None:
    """The same mutations on two copies (official on A, claude_wire on B) leave the same files,
    up to the ids and times they make up, and list the same."""
    fx = session_fixture
    mine_sdk = ours_module()
    for name in ("rename_session", "tag_session", "fork_session", "delete_session"):
        ours(name)
    config_a, config_b = copies(fx, tmp_path)
    done_a = apply_mutations(official, fx, config_a)
    done_b = apply_mutations(mine_sdk, fx, config_b)
    known = known_tokens(fx.base_config)
    forks_a = {done_a["fork_all"]: "<fork-all>", done_a["fork_cut"]: "<fork-cut>"}
    forks_b = {done_b["fork_all"]: "<fork-all>", done_b["fork_cut"]: "<fork-cut>"}
    snap_a = snapshot(config_a, Renamer(known, forks_a))
    snap_b = snapshot(config_b, Renamer(known, forks_b))
    assert sorted(snap_a) == sorted(snap_b)
    diff = first_difference(snap_a, snap_b)
    assert diff is None, diff

    def listing(config: Path, forks: dict[str, str]) -> list[Any]:
        with config_dir(config):
            infos = [plain(s) for s in official.list_sessions()]
        infos = Renamer(known, forks).value(without(infos, "last_modified"))
        return sorted(infos, key=lambda i: i["session_id"])

    assert listing(config_a, forks_a) == listing(config_b, forks_b)


@pytest.mark.parametrize("sdk_name", ["claude_agent_sdk", "claude_wire"])
async def test_resume_fork_with_cli(session_fixture: Any, tmp_path: Path, sdk_name: str) -> None:
    """A fork made by each SDK is resumed by the real CLI: the CLI accepts the id, sends the
    fork's history (up to the cut) to the model, and the transcript continues in the fork."""
    fx = session_fixture
    sdk = official if sdk_name == "claude_agent_sdk" else ours_module()
    if sdk_name == "claude_wire":
        ours("fork_session")
    config = tmp_path / "config"
    shutil.copytree(fx.base_config, config)
    with config_dir(config):
        cut = official.get_session_messages(fx.sessions["multi_turn"])[2].uuid
        fork_id = sdk.fork_session(
            fx.sessions["multi_turn"], up_to_message_id=cut, title="Resumable fork"
        ).session_id
        [info] = [s for s in official.list_sessions() if s.session_id == fork_id]
        assert info.custom_title == "Resumable fork" and info.summary == "Resumable fork"
    runner = Runner(tmp_path, config)
    with ModelServer([text("Continuing the fork.")]) as server:
        options = runner.options(server, fx.projects["a"], resume=fork_id)
        messages = await runner.collect("Continue from the fork", options)
        sent = json.dumps(server.requests[-1]["messages"])
    result = messages[-1]
    assert not result.is_error and result.session_id == fork_id, result
    assert "First question: what is 2+2?" in sent and "2+2 is 4." in sent
    assert "Second question: and 3+3?" in sent
    assert "3+3 is 6." not in sent and "Thanks, bye" not in sent
    with config_dir(config):
        after = official.get_session_messages(fork_id)
        [info] = [s for s in official.list_sessions() if s.session_id == fork_id]
    assert after[-1].type == "assistant"
    assert after[-1].message["content"][0]["text"] == "Continuing the fork."
    assert info.custom_title == "Resumable fork"
