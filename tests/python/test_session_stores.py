"""Session stores written in Python: the conformance suite (``claude_wire.testing``) over our own
store, a plain duck-typed store and the official SDK's store; a broken store fails it; a store's
own exception reaches the caller unchanged; a missing optional method is refused as the
official SDK refuses it."""

from __future__ import annotations

import copy
import time
from typing import Any

import pytest

import claude_wire
from claude_wire.testing import run_session_store_conformance


class DictStore:
    """A minimal store: a dict of lists, with every optional method (no base class)."""

    def __init__(self) -> None:
        self.data: dict[tuple[str, str, str | None], list[Any]] = {}
        self.mtimes: dict[tuple[str, str, str | None], int] = {}
        self.clock = 0

    @staticmethod
    def _key(key: Any) -> tuple[str, str, str | None]:
        return (key["project_key"], key["session_id"], key.get("subpath"))

    async def append(self, key: Any, entries: list[Any]) -> None:
        if not entries:
            return
        self.clock = max(self.clock + 1, int(time.time() * 1000))
        self.data.setdefault(self._key(key), []).extend(copy.deepcopy(entries))
        self.mtimes[self._key(key)] = self.clock

    async def load(self, key: Any) -> list[Any] | None:
        entries = self.data.get(self._key(key))
        return None if entries is None else copy.deepcopy(entries)

    async def list_sessions(self, project_key: str) -> list[Any]:
        return [
            {"session_id": s, "mtime": self.mtimes[(p, s, sub)]}
            for (p, s, sub) in self.data
            if p == project_key and sub is None
        ]

    async def delete(self, key: Any) -> None:
        p, s, sub = self._key(key)
        for k in list(self.data):
            if k[:2] == (p, s) and (sub is None or k[2] == sub):
                del self.data[k]
                self.mtimes.pop(k, None)

    async def list_subkeys(self, key: Any) -> list[str]:
        return [
            sub
            for (p, s, sub) in self.data
            if (p, s) == (key["project_key"], key["session_id"]) and sub is not None
        ]


class ForgetfulStore(DictStore):
    """Loses the order of appends: breaks the first contract."""

    async def load(self, key: Any) -> list[Any] | None:
        entries = await super().load(key)
        return None if entries is None else list(reversed(entries))


class AppendOnlyStore:
    """Only the required methods."""

    def __init__(self) -> None:
        self.inner = DictStore()

    async def append(self, key: Any, entries: list[Any]) -> None:
        await self.inner.append(key, entries)

    async def load(self, key: Any) -> list[Any] | None:
        return await self.inner.load(key)


class Refusing(AppendOnlyStore):
    async def load(self, key: Any) -> list[Any] | None:
        raise PermissionError("no access to this tenant")


async def test_our_store_passes_the_conformance_suite() -> None:
    await run_session_store_conformance(claude_wire.InMemorySessionStore)


async def test_a_python_store_passes_the_conformance_suite() -> None:
    await run_session_store_conformance(DictStore)
    await run_session_store_conformance(AppendOnlyStore)


async def test_the_official_store_passes_it_too() -> None:
    official = pytest.importorskip("claude_agent_sdk")
    await run_session_store_conformance(official.InMemorySessionStore)


async def test_a_broken_store_fails_it() -> None:
    with pytest.raises(AssertionError):
        await run_session_store_conformance(ForgetfulStore)
    with pytest.raises(AssertionError, match="skip_optional"):
        await run_session_store_conformance(DictStore, skip_optional=frozenset({"nope"}))


async def test_a_store_exception_propagates_unchanged() -> None:
    sid = "123e4567-e89b-12d3-a456-426614174000"
    with pytest.raises(PermissionError, match="no access to this tenant"):
        await claude_wire.get_session_messages_from_store(Refusing(), sid)


async def test_a_missing_optional_method_is_refused() -> None:
    with pytest.raises(ValueError, match="list_sessions"):
        await claude_wire.list_sessions_from_store(AppendOnlyStore())
    with pytest.raises(ValueError, match="list_subkeys"):
        await claude_wire.list_subagents_from_store(
            AppendOnlyStore(), "123e4567-e89b-12d3-a456-426614174000"
        )


@pytest.mark.parametrize(
    "options",
    [
        {"enable_file_checkpointing": True},
        {"continue_conversation": True},
    ],
    ids=["checkpointing", "continue-without-list_sessions"],
)
async def test_refused_store_options_match_the_official_sdk(options: dict[str, Any]) -> None:
    """The official pre-flight refusals, before any CLI starts: same class, same text."""
    official = pytest.importorskip("claude_agent_sdk")
    raised = []
    for sdk in (official, claude_wire):
        opts = sdk.ClaudeAgentOptions(
            session_store=AppendOnlyStore(), cli_path="/nonexistent/claude", **options
        )
        with pytest.raises(ValueError) as caught:
            async for _ in sdk.query(prompt="hi", options=opts):
                pass
        raised.append(str(caught.value))
    assert raised[0] == raised[1]
