"""The session's event loop reads the CLI's output itself: it watches a duplicate of the CLI's
stdout (``loop.add_reader``) and lets go of it when the session ends, so no pipe outlives
the session; a client used from a second ``asyncio.run`` moves to the new loop. Against the
real CLI."""

from __future__ import annotations

import asyncio
import os
import time
from typing import Any

from conftest import needs_cli, wait_no_children

from claude_wire import ClaudeSDKClient, PermissionResultAllow, ResultMessage, query
from claude_wire.testing import ModelServer, text, tool_use

pytestmark = needs_cli


class Watches:
    """Records what the running loop is asked to watch."""

    def __init__(self) -> None:
        self.added: list[int] = []
        self.removed: list[int] = []

    def follow(self) -> asyncio.AbstractEventLoop:
        loop = asyncio.get_running_loop()
        add, remove = loop.add_reader, loop.remove_reader

        def add_reader(fd: int, callback: Any, *args: Any) -> None:
            self.added.append(fd)
            add(fd, callback, *args)

        def remove_reader(fd: int) -> bool:
            self.removed.append(fd)
            return remove(fd)

        loop.add_reader = add_reader  # type: ignore[method-assign]
        loop.remove_reader = remove_reader  # type: ignore[method-assign]
        return loop


def open_fds() -> set[str]:
    """This process's pipes (the runtime's own descriptors, made once, are not pipes)."""
    out = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith("pipe:"):
            out.add(f"{fd} {target}")
    return out


def settled_fds(before: set[str]) -> set[str]:
    """The descriptors opened since ``before`` that are still open once things settled."""
    for _ in range(100):
        if not open_fds() - before:
            break
        time.sleep(0.05)
    return open_fds() - before


async def test_the_loop_watches_the_output_during_the_session_and_lets_go(real_options) -> None:
    watches = Watches()
    loop = watches.follow()
    before = open_fds()
    asked: list[str] = []

    async def can_use_tool(name: str, tool_input: dict[str, Any], context: Any) -> Any:
        asked.append(name)
        return PermissionResultAllow()

    script = [tool_use("Bash", {"command": "touch made.txt"}), text("finished")]
    with ModelServer(script) as server:
        options = real_options(server, can_use_tool=can_use_tool)
        during: list[int] = []
        async for message in query(prompt="go", options=options):
            if not during:
                during = [fd for fd in watches.added if fd in loop._selector.get_map()]  # type: ignore[attr-defined]
            last = message
    assert isinstance(last, ResultMessage) and last.result == "finished"
    assert asked == ["Bash"]
    # The loop watched one descriptor while the session ran ...
    assert len(during) == 1, (watches.added, during)
    assert await wait_no_children() == []
    # ... and neither watches nor holds it once the session is over.
    assert during[0] in watches.removed
    assert during[0] not in loop._selector.get_map()  # type: ignore[attr-defined]
    assert settled_fds(before) == set()


def test_a_client_moves_to_the_loop_that_uses_it_next(real_options) -> None:
    before = open_fds()
    first_loop, second_loop = Watches(), Watches()
    with ModelServer([text("one"), text("two")]) as server:
        client = ClaudeSDKClient(real_options(server))

        async def first() -> list[Any]:
            first_loop.follow()
            await client.connect()
            await client.query("first")
            return [m async for m in client.receive_response()]

        async def second() -> list[Any]:
            loop = second_loop.follow()
            await client.query("second")
            out = [m async for m in client.receive_response()]
            watched = [fd for fd in second_loop.added if fd in loop._selector.get_map()]  # type: ignore[attr-defined]
            await client.disconnect()
            assert await wait_no_children() == []
            out.append(watched)
            return out

        one = asyncio.run(first())
        *two, watched = asyncio.run(second())
    assert isinstance(one[-1], ResultMessage) and one[-1].result == "one"
    assert isinstance(two[-1], ResultMessage) and two[-1].result == "two"
    assert first_loop.added and len(watched) == 1
    assert watched[0] in second_loop.removed
    assert settled_fds(before) == set()
