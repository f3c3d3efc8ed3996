"""Parity of the SessionStore side of the session API: ``InMemorySessionStore``,
``import_session_to_store``, the ``*_from_store`` readers, the ``*_via_store`` mutations,
``fold_session_summary``, and a live session mirrored into a store (``session_store=``).
Same inputs to ``claude_agent_sdk`` and ``claude_wire``, outputs compared after normalisation.
Each comparison skips while claude_wire lacks the name (see test_sessions_parity.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import claude_agent_sdk as official
import pytest
from make_fixture import Runner

from claude_wire.testing import ModelServer, text, tool_use

from .sessions_support import (
    BAD_IDS,
    UNKNOWN_ID,
    Renamer,
    assert_same_outcome,
    compare,
    first_difference,
    known_tokens,
    ours,
    ours_module,
    outcome,
)


class RecordingStore(official.InMemorySessionStore):
    """The official in-memory store, logging every append (key, number of entries)."""

    def __init__(self) -> None:
        super().__init__()
        self.appends: list[tuple[dict[str, Any], int]] = []

    async def append(self, key: Any, entries: list[Any]) -> None:
        self.appends.append((dict(key), len(entries)))
        await super().append(key, entries)


class MinimalStore(official.SessionStore):
    """Only the required methods (append, load)."""

    def __init__(self) -> None:
        self.data: dict[str, list[Any]] = {}

    async def append(self, key: Any, entries: list[Any]) -> None:
        self.data.setdefault(json.dumps(key, sort_keys=True), []).extend(entries)

    async def load(self, key: Any) -> list[Any] | None:
        return self.data.get(json.dumps(key, sort_keys=True))


async def dump(
    store: Any, project_keys: list[str], forks: dict[str, str] | None = None
) -> dict[str, Any]:
    """A store's contents through its public methods (mtimes left out), sessions in the order
    of their ids (fork ids in ``forks`` sorted by their placeholder)."""
    out: dict[str, Any] = {}
    forks = forks or {}
    for pk in project_keys:
        listing = await store.list_sessions(pk)
        for entry in sorted(listing, key=lambda e: forks.get(e["session_id"], e["session_id"])):
            sid = entry["session_id"]
            key = {"project_key": pk, "session_id": sid}
            out[f"{pk}/{sid}"] = await store.load(key)
            for sub in sorted(await store.list_subkeys(key)):
                out[f"{pk}/{sid}/{sub}"] = await store.load({**key, "subpath": sub})
        summaries = await store.list_session_summaries(pk)
        out[f"{pk}:summaries"] = sorted(
            ({k: v for k, v in s.items() if k != "mtime"} for s in summaries),
            key=lambda s: forks.get(s["session_id"], s["session_id"]),
        )
    return out


def project_keys(fx: Any) -> list[str]:
    return sorted(p.name for p in (fx.base_config / "projects").iterdir())


@pytest.fixture
def base(session_fixture: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(session_fixture.base_config))
    return session_fixture


async def imported(fx: Any, store: Any | None = None) -> Any:
    """A store holding every base session, imported by the official SDK."""
    store = store if store is not None else official.InMemorySessionStore()
    for sid in fx.sessions.values():
        await official.import_session_to_store(sid, store)
    return store


# --------------------------------------------------------------------------- the store itself


async def test_in_memory_store(base: Any) -> None:
    """The same operations on each SDK's InMemorySessionStore give the same answers."""
    ours("InMemorySessionStore")
    entries = [json.loads(line) for line in base.transcript(base.base_config, "tool").open()]
    main = {"project_key": "p", "session_id": base.sessions["tool"]}
    sub = {**main, "subpath": "subagents/agent-x"}
    other = {"project_key": "p", "session_id": base.sessions["plain"]}
    script: list[tuple[str, tuple[Any, ...]]] = [
        ("load", (main,)),
        ("append", (main, entries[:5])),
        ("append", (main, entries[5:])),
        ("append", (sub, entries[:3])),
        ("append", (other, entries[:2])),
        ("load", (main,)),
        ("load", (sub,)),
        ("list_sessions", ("p",)),
        ("list_sessions", ("q",)),
        ("list_session_summaries", ("p",)),
        ("list_subkeys", ({"project_key": "p", "session_id": main["session_id"]},)),
        ("get_entries", (sub,)),
        ("size", ()),
        ("delete", (sub,)),
        ("list_subkeys", ({"project_key": "p", "session_id": main["session_id"]},)),
        ("append", (sub, entries[:1])),
        ("delete", (main,)),
        ("load", (sub,)),
        ("list_sessions", ("p",)),
        ("size", ()),
        ("clear", ()),
        ("size", ()),
        ("list_sessions", ("p",)),
    ]
    stores = (official.InMemorySessionStore(), ours_module().InMemorySessionStore())
    for name, args in script:
        results = []
        for store in stores:
            attr = getattr(store, name)
            results.append(
                await outcome(attr, *args) if callable(attr) else await outcome(lambda a=attr: a)
            )
        theirs, mine = (Renamer(set()).value(_no_mtime(r.value)) for r in results)
        results[0].value, results[1].value = theirs, mine
        assert_same_outcome(results[1], results[0], f"{name}{args!r:.100}")


def _no_mtime(value: Any) -> Any:
    if isinstance(value, list):
        return [_no_mtime(v) for v in value]
    if isinstance(value, dict):
        return {k: ("<mtime>" if k == "mtime" else _no_mtime(v)) for k, v in value.items()}
    return value


async def test_fold_session_summary(base: Any) -> None:
    """Folding each transcript in batches gives the same summary after every batch."""
    fold = ours("fold_session_summary")
    for name, sid in base.sessions.items():
        entries = [json.loads(line) for line in base.transcript(base.base_config, name).open()]
        key = {"project_key": "p", "session_id": sid}
        prev_official = prev_ours = None
        for start in range(0, len(entries), 7):
            batch = entries[start : start + 7]
            prev_official = official.fold_session_summary(prev_official, key, batch)
            prev_ours = fold(prev_ours, key, batch)
            diff = first_difference(prev_official, prev_ours)
            assert diff is None, f"{name} after {start + len(batch)} entries: {diff}"
    await compare("fold_session_summary", None, {"project_key": "p", "session_id": UNKNOWN_ID}, [])


# --------------------------------------------------------------------------- import


@pytest.mark.parametrize(
    "kwargs", [{}, {"include_subagents": False}, {"batch_size": 3}, {"batch_size": 0}]
)
async def test_import_session_to_store(base: Any, kwargs: dict[str, Any]) -> None:
    fn = ours("import_session_to_store")
    for sid in base.sessions.values():
        theirs, mine = RecordingStore(), RecordingStore()
        await official.import_session_to_store(sid, theirs, **kwargs)
        await fn(sid, mine, **kwargs)
        assert mine.appends == theirs.appends, sid
        keys = project_keys(base)
        assert await dump(mine, keys) == await dump(theirs, keys)
    if hasattr(ours_module(), "InMemorySessionStore"):
        # Into claude_wire's own store: the same contents.
        theirs, mine = official.InMemorySessionStore(), ours_module().InMemorySessionStore()
        sid = base.sessions["subagent"]
        await official.import_session_to_store(sid, theirs, **kwargs)
        await fn(sid, mine, **kwargs)
        keys = project_keys(base)
        assert await dump(mine, keys) == await dump(theirs, keys)


async def test_import_errors(base: Any) -> None:
    for sid in [*BAD_IDS, UNKNOWN_ID]:
        theirs = await compare("import_session_to_store", sid, official.InMemorySessionStore())
        assert theirs.error is not None
    await compare(
        "import_session_to_store",
        base.sessions["plain"],
        official.InMemorySessionStore(),
        directory=base.projects["b"],
    )


# --------------------------------------------------------------------------- readers


async def test_from_store_readers(base: Any) -> None:
    store = await imported(base)
    a, b = base.projects["a"], base.projects["b"]
    for kwargs in [{"directory": a}, {"directory": b}, {"directory": a, "limit": 2, "offset": 1}]:
        await compare("list_sessions_from_store", store, **kwargs)
    await compare("list_sessions_from_store", store)
    await compare("list_sessions_from_store", MinimalStore(), directory=a)
    for sid in [*base.sessions.values(), UNKNOWN_ID, *BAD_IDS]:
        await compare("get_session_info_from_store", store, sid, directory=a)
        await compare("get_session_info_from_store", store, sid)
        for page in [{}, {"limit": 2}, {"limit": 1, "offset": 2}, {"offset": 40}]:
            await compare("get_session_messages_from_store", store, sid, directory=a, **page)
        agents = (await compare("list_subagents_from_store", store, sid, directory=a)).value
        await compare("list_subagents_from_store", MinimalStore(), sid, directory=a)
        for agent in [*(agents or []), "unknown-agent"]:
            for page in [{}, {"limit": 1}, {"offset": 1}]:
                await compare(
                    "get_subagent_messages_from_store", store, sid, agent, directory=a, **page
                )


# --------------------------------------------------------------------------- mutations


async def test_via_store_mutations(base: Any) -> None:
    """The same mutations on two stores with the same contents leave the same contents."""
    for name in ("rename", "tag", "delete", "fork"):
        ours(f"{name}_session_via_store")
    a = base.projects["a"]
    s = base.sessions
    stores = [await imported(base), await imported(base)]
    forks: list[dict[str, str]] = []
    for sdk, store in zip((official, ours_module()), stores, strict=True):
        await sdk.rename_session_via_store(store, s["plain"], "Store title", directory=a)
        await sdk.tag_session_via_store(store, s["tool"], "store-tag", directory=a)
        await sdk.tag_session_via_store(store, s["tool"], None, directory=a)
        await sdk.delete_session_via_store(store, s["subagent"], directory=a)
        whole = await sdk.fork_session_via_store(store, s["tool"], directory=a)
        cut = (await official.get_session_messages_from_store(store, s["multi_turn"], a))[2].uuid
        part = await sdk.fork_session_via_store(
            store, s["multi_turn"], directory=a, up_to_message_id=cut, title="Store fork"
        )
        forks.append({whole.session_id: "<fork-all>", part.session_id: "<fork-cut>"})
    known = known_tokens(base.base_config)
    keys = project_keys(base)
    dumps = [
        Renamer(known, f).value(await dump(st, keys, f))
        for st, f in zip(stores, forks, strict=True)
    ]
    diff = first_difference(dumps[0], dumps[1])
    assert diff is None, diff
    for name, args in [
        ("rename_session_via_store", (s["plain"], "")),
        ("rename_session_via_store", ("../../etc/passwd", "t")),
        ("tag_session_via_store", (s["plain"], " ")),
        ("delete_session_via_store", ("not-a-uuid",)),
        ("fork_session_via_store", (UNKNOWN_ID,)),
        ("fork_session_via_store", (s["plain"], a, "../x")),
    ]:
        await compare(name, stores[0], *args)


# --------------------------------------------------------------------------- live mirror


def projection(dumped: dict[str, Any], renamer: Renamer) -> dict[str, Any]:
    """Per key: (type, subtype, role, text or block types) of each entry; keys renamed.

    Entries of the conversation chain (those with a ``uuid``) keep their order. The CLI appends
    its metadata entries (``last-prompt``, ``tools-used``, ...) apart from the chain, and where
    they fall among its entries differs from run to run under the official SDK alone (2 runs in
    6 put ``last-prompt`` before ``tools-used``): they are compared as a sorted list of types."""
    out: dict[str, Any] = {}
    for key, entries in dumped.items():
        if not isinstance(entries, list) or key.endswith(":summaries"):
            continue
        chain = []
        for e in entries:
            if "uuid" not in e:
                continue
            message = e.get("message") if isinstance(e.get("message"), dict) else {}
            content = message.get("content")
            shown = content if isinstance(content, str) else [b.get("type") for b in content or []]
            chain.append([e.get("type"), e.get("subtype"), message.get("role"), shown])
        metadata = sorted(str(e.get("type")) for e in entries if "uuid" not in e)
        out[renamer.text(key)] = {"chain": chain, "metadata": metadata}
    return out


async def test_live_session_store(session_fixture: Any, tmp_path: Path) -> None:
    """A real CLI session with ``session_store=InMemorySessionStore()`` under each SDK: the
    same entries end up in the store (after normalisation)."""
    mine_sdk = ours_module()
    ours("InMemorySessionStore")
    cwd = session_fixture.projects["b"]
    results = []
    for sdk in (official, mine_sdk):
        config = tmp_path / sdk.__name__ / "config"
        runner = Runner(tmp_path / sdk.__name__, config, sdk=sdk)
        store = sdk.InMemorySessionStore()
        replies = [tool_use("Bash", {"command": "echo mirrored"}), text("Mirrored.")]
        with ModelServer(replies) as server:
            options = runner.options(server, cwd, session_store=store)
            messages = await runner.collect("Mirror this session", options)
        assert not messages[-1].is_error, messages[-1]
        dumped = await dump(store, [official.project_key_for_directory(cwd)])
        assert any(k.endswith(messages[-1].session_id) for k in dumped), list(dumped)
        results.append(projection(dumped, Renamer(set())))
    diff = first_difference(results[0], results[1])
    assert diff is None, diff
