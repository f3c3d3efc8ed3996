"""The official SDK's session functions: sessions on disk and in session stores.

Every rule (where transcripts live, how they are read, what a rename, fork or store fold
writes) is the core's; these functions convert arguments and results, and await stores.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import _native
from .types import (
    SDKSessionInfo,
    SessionKey,
    SessionMessage,
    SessionStore,
    SessionStoreEntry,
    SessionSummaryEntry,
    _Record,
)

__all__ = [
    "ForkSessionResult",
    "InMemorySessionStore",
    "delete_session",
    "delete_session_via_store",
    "fold_session_summary",
    "fork_session",
    "fork_session_via_store",
    "get_session_info",
    "get_session_info_from_store",
    "get_session_messages",
    "get_session_messages_from_store",
    "get_subagent_messages",
    "get_subagent_messages_from_store",
    "import_session_to_store",
    "list_sessions",
    "list_sessions_from_store",
    "list_subagents",
    "list_subagents_from_store",
    "project_key_for_directory",
    "rename_session",
    "rename_session_via_store",
    "tag_session",
    "tag_session_via_store",
]


@dataclass(repr=False, eq=False)
class ForkSessionResult(_Record):
    """The result of a fork: the new session's id."""

    session_id: str


def _dir(directory: str | os.PathLike[str] | None) -> str | None:
    return None if directory is None else os.fspath(directory)


def _infos(items: list[dict[str, Any]]) -> list[SDKSessionInfo]:
    return [SDKSessionInfo(**item) for item in items]


def _info(item: dict[str, Any] | None) -> SDKSessionInfo | None:
    return None if item is None else SDKSessionInfo(**item)


def _messages(items: list[dict[str, Any]]) -> list[SessionMessage]:
    return [SessionMessage(**item) for item in items]


def _call(method: str, **args: Any) -> Any:
    return _native.sessions_call(method, args)


async def _call_store(method: str, store: SessionStore, **args: Any) -> Any:
    return await _native.sessions_call_store(method, store, args)


def _store_implements(store: object, method: str) -> bool:
    """True when ``store`` has ``method`` of its own, not the protocol's raising default."""
    if getattr(store, method, None) is None:
        return False
    own = getattr(type(store), method, None)
    return own is None or getattr(own, "__qualname__", "") != f"SessionStore.{method}"


# -- on disk -------------------------------------------------------------------------------


def list_sessions(
    directory: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    include_worktrees: bool = True,
) -> list[SDKSessionInfo]:
    """Sessions of a project directory (and its git worktrees), or of every project, newest
    first; read from each transcript's head and tail only."""
    return _infos(
        _call(
            "list_sessions",
            directory=_dir(directory),
            limit=limit,
            offset=offset,
            include_worktrees=include_worktrees,
        )
    )


def get_session_info(session_id: str, directory: str | None = None) -> SDKSessionInfo | None:
    """One session's metadata, or ``None`` when there is no such session."""
    return _info(_call("get_session_info", session_id=session_id, directory=_dir(directory)))


def get_session_messages(
    session_id: str,
    directory: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[SessionMessage]:
    """The conversation of a session (its main chain), as user and assistant messages."""
    # The native call builds the SessionMessage objects itself, straight from the lines.
    result: list[SessionMessage] = _call(
        "get_session_messages",
        session_id=session_id,
        directory=_dir(directory),
        limit=limit,
        offset=offset,
    )
    return result


def list_subagents(session_id: str, directory: str | None = None) -> list[str]:
    """The ids of the subagents a session ran."""
    result: list[str] = _call("list_subagents", session_id=session_id, directory=_dir(directory))
    return result


def get_subagent_messages(
    session_id: str,
    agent_id: str,
    directory: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[SessionMessage]:
    """The conversation of one subagent of a session."""
    result: list[SessionMessage] = _call(
        "get_subagent_messages",
        session_id=session_id,
        agent_id=agent_id,
        directory=_dir(directory),
        limit=limit,
        offset=offset,
    )
    return result


def rename_session(session_id: str, title: str, directory: str | None = None) -> None:
    """Give a session a custom title (appended to its transcript, as the CLI does)."""
    _call("rename_session", session_id=session_id, title=title, directory=_dir(directory))


def tag_session(session_id: str, tag: str | None, directory: str | None = None) -> None:
    """Tag a session; ``None`` clears the tag."""
    _call("tag_session", session_id=session_id, tag=tag, directory=_dir(directory))


def delete_session(session_id: str, directory: str | None = None) -> None:
    """Delete a session's transcript and its subagent transcripts."""
    _call("delete_session", session_id=session_id, directory=_dir(directory))


def fork_session(
    session_id: str,
    directory: str | None = None,
    up_to_message_id: str | None = None,
    title: str | None = None,
) -> ForkSessionResult:
    """Copy a session (up to a message, inclusive) into a new session with fresh ids."""
    result: dict[str, Any] = _call(
        "fork_session",
        session_id=session_id,
        directory=_dir(directory),
        up_to_message_id=up_to_message_id,
        title=title,
    )
    return ForkSessionResult(**result)


def project_key_for_directory(directory: str | Path | None = None) -> str:
    """The session-store ``project_key`` of a directory (the current one by default)."""
    result: str = _call("project_key_for_directory", directory=_dir(directory))
    return result


def fold_session_summary(
    prev: SessionSummaryEntry | None,
    key: SessionKey,
    entries: list[SessionStoreEntry],
) -> SessionSummaryEntry:
    """Fold appended entries into a session's store summary (stores call this in ``append``)."""
    result: SessionSummaryEntry = _call("fold_session_summary", prev=prev, key=key, entries=entries)
    return result


# -- in a store ----------------------------------------------------------------------------


async def list_sessions_from_store(
    session_store: SessionStore,
    directory: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[SDKSessionInfo]:
    """:func:`list_sessions` over a session store."""
    return _infos(
        await _call_store(
            "list_sessions_from_store",
            session_store,
            directory=_dir(directory),
            limit=limit,
            offset=offset,
        )
    )


async def get_session_info_from_store(
    session_store: SessionStore, session_id: str, directory: str | None = None
) -> SDKSessionInfo | None:
    """:func:`get_session_info` over a session store."""
    return _info(
        await _call_store(
            "get_session_info_from_store",
            session_store,
            session_id=session_id,
            directory=_dir(directory),
        )
    )


async def get_session_messages_from_store(
    session_store: SessionStore,
    session_id: str,
    directory: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[SessionMessage]:
    """:func:`get_session_messages` over a session store."""
    return _messages(
        await _call_store(
            "get_session_messages_from_store",
            session_store,
            session_id=session_id,
            directory=_dir(directory),
            limit=limit,
            offset=offset,
        )
    )


async def list_subagents_from_store(
    session_store: SessionStore, session_id: str, directory: str | None = None
) -> list[str]:
    """:func:`list_subagents` over a session store."""
    result: list[str] = await _call_store(
        "list_subagents_from_store", session_store, session_id=session_id, directory=_dir(directory)
    )
    return result


async def get_subagent_messages_from_store(
    session_store: SessionStore,
    session_id: str,
    agent_id: str,
    directory: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[SessionMessage]:
    """:func:`get_subagent_messages` over a session store."""
    return _messages(
        await _call_store(
            "get_subagent_messages_from_store",
            session_store,
            session_id=session_id,
            agent_id=agent_id,
            directory=_dir(directory),
            limit=limit,
            offset=offset,
        )
    )


async def rename_session_via_store(
    session_store: SessionStore, session_id: str, title: str, directory: str | None = None
) -> None:
    """:func:`rename_session` in a session store."""
    await _call_store(
        "rename_session_via_store",
        session_store,
        session_id=session_id,
        title=title,
        directory=_dir(directory),
    )


async def tag_session_via_store(
    session_store: SessionStore, session_id: str, tag: str | None, directory: str | None = None
) -> None:
    """:func:`tag_session` in a session store."""
    await _call_store(
        "tag_session_via_store",
        session_store,
        session_id=session_id,
        tag=tag,
        directory=_dir(directory),
    )


async def delete_session_via_store(
    session_store: SessionStore, session_id: str, directory: str | None = None
) -> None:
    """:func:`delete_session` in a session store (needs its ``delete``)."""
    await _call_store(
        "delete_session_via_store", session_store, session_id=session_id, directory=_dir(directory)
    )


async def fork_session_via_store(
    session_store: SessionStore,
    session_id: str,
    directory: str | None = None,
    up_to_message_id: str | None = None,
    title: str | None = None,
) -> ForkSessionResult:
    """:func:`fork_session` in a session store."""
    result: dict[str, Any] = await _call_store(
        "fork_session_via_store",
        session_store,
        session_id=session_id,
        directory=_dir(directory),
        up_to_message_id=up_to_message_id,
        title=title,
    )
    return ForkSessionResult(**result)


async def import_session_to_store(
    session_id: str,
    store: SessionStore,
    *,
    directory: str | None = None,
    include_subagents: bool = True,
    batch_size: int = 500,
) -> None:
    """Copy a local session (and its subagents) into a store, in batches."""
    await _call_store(
        "import_session_to_store",
        store,
        session_id=session_id,
        directory=_dir(directory),
        include_subagents=include_subagents,
        batch_size=batch_size,
    )


class InMemorySessionStore(SessionStore):
    """A session store in this process's memory, for tests and development (the core's)."""

    def __init__(self) -> None:
        self._native = _native.InMemorySessionStore()

    async def append(self, key: SessionKey, entries: list[SessionStoreEntry]) -> None:
        await self._native.call("append", [key, entries])

    async def load(self, key: SessionKey) -> list[SessionStoreEntry] | None:
        result: list[SessionStoreEntry] | None = await self._native.call("load", [key])
        return result

    async def list_sessions(self, project_key: str) -> list[Any]:
        result: list[Any] = await self._native.call("list_sessions", [project_key])
        return result

    async def list_session_summaries(self, project_key: str) -> list[SessionSummaryEntry]:
        result: list[SessionSummaryEntry] = await self._native.call(
            "list_session_summaries", [project_key]
        )
        return result

    async def delete(self, key: SessionKey) -> None:
        await self._native.call("delete", [key])

    async def list_subkeys(self, key: Any) -> list[str]:
        result: list[str] = await self._native.call("list_subkeys", [key])
        return result

    def get_entries(self, key: SessionKey) -> list[SessionStoreEntry]:
        """Every entry at ``key`` (empty when there is none)."""
        result: list[SessionStoreEntry] = self._native.get_entries(key)
        return result

    @property
    def size(self) -> int:
        """How many main transcripts the store holds."""
        result: int = self._native.size()
        return result

    def clear(self) -> None:
        """Forget everything."""
        self._native.clear()
