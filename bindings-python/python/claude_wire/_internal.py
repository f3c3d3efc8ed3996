"""The helpers the native module calls back into: they run on the caller's event loop (a
user's async iterable of messages; the task a user's callback runs in)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterable, Awaitable, Coroutine
from typing import Any


async def pump(messages: AsyncIterable[dict[str, Any]], sink: Any) -> None:
    """Feeds each message of a user's async iterable into a native sink, then closes it; an
    exception from the iterable is reported to the sink."""
    try:
        async for message in messages:
            sink.send(message)
    except Exception as error:
        sink.fail(f"{type(error).__name__}: {error}")
    finally:
        sink.close()


async def run_callback(awaitable: Awaitable[Any], done: Any) -> None:
    """Awaits a user's callback in its task and hands the outcome to the native side from
    inside that task (a done-callback would cost the event loop one more turn per call)."""
    try:
        result = await awaitable
    except Exception as error:
        done.fail(error)
    except BaseException as error:  # a cancellation: the task must still end cancelled
        done.fail(error)
        raise
    else:
        done.ok(result)


if sys.version_info >= (3, 12):

    def start_task(coro: Coroutine[Any, Any, None]) -> asyncio.Future[None]:
        """Starts a callback's task, running its first step at once (as the loop would on its
        next turn): a callback that does not wait is answered without a turn of the loop. A
        loop with a task factory of its own gets its task from that factory, as before."""
        loop = asyncio.get_running_loop()
        if loop.get_task_factory() is not None:
            return loop.create_task(coro)
        return asyncio.Task(coro, loop=loop, eager_start=True)

else:

    def start_task(coro: Coroutine[Any, Any, None]) -> asyncio.Future[None]:
        """As above, without the eager start Python before 3.12 lacks: the task's first step,
        which the loop would run on its next turn, is taken off the loop's queue and run here.
        Only from a plain callback of a standard loop (the reader's), not from inside a task
        (whose step is under way and would make the first step fail), and only when that step
        is the one this task just queued."""
        loop = asyncio.get_running_loop()
        task = asyncio.ensure_future(coro)
        ready = getattr(loop, "_ready", None)
        if (
            not ready
            or not isinstance(loop, asyncio.BaseEventLoop)
            or loop.get_task_factory() is not None
            or asyncio.current_task(loop) is not None
        ):
            return task
        step = ready[-1]
        if getattr(getattr(step, "_callback", None), "__self__", None) is task:
            # Another thread may queue a callback in between (call_soon_threadsafe): what the
            # pop takes is run only if it is the step looked at, else it goes back.
            handle = ready.pop()
            if handle is step:
                handle._run()
            else:
                ready.append(handle)
        return task
