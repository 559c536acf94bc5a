"""Blocking network calls off the UI thread: workers that tests await, that never delay quitting.

Why not a Textual *thread* worker: those run on the event loop's default executor, which
``asyncio.run`` joins when the app's loop shuts down, so ``App.run()`` waits for every one of
them (measured: a worker asleep for 5 s kept a quitting app alive 5 s), and an HTTP request to
an unreachable host can take its whole timeout. Symbol checks, indicator metadata and symbol
search are worth nothing once the person has pressed ``q``.

So the blocking call runs on a daemon thread (:func:`await_in_background`), awaited by an
*async* Textual worker (:func:`run_in_background`). The worker is an ordinary
``textual.worker.Worker``: tests await it (``await worker.wait()`` or
``await app.workers.wait_for_complete()``); Textual cancels it when its node goes away or the
app exits, and nothing waits for the daemon thread. The result comes back as a message posted
to the node that asked, so the handler runs on the UI thread like any other message.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from textual.dom import DOMNode
from textual.message import Message
from textual.worker import Worker

T = TypeVar("T")


def run_in_background(
    node: DOMNode,
    job: Callable[[], T],
    answer: Callable[[T], Message],
    *,
    name: str = "tvtui-task",
    description: str = "",
) -> Worker[None]:
    """Run ``job()`` on a daemon thread and post ``answer(result)`` to ``node``; returns the
    (awaitable) worker. An exception from ``job`` fails the worker (``exit_on_error=False``):
    the app's ``on_worker_state_changed`` shows it as ``"<description>: <error>"``."""

    async def work() -> None:
        result = await await_in_background(job, None, name)
        node.post_message(answer(result))

    return node.run_worker(
        work, name=name, group=name, description=description or name, exit_on_error=False
    )


async def await_in_background(
    job: Callable[[], T], timeout: float | None, name: str = "tvtui-search"
) -> T:
    """``await`` ``job()`` run on a daemon thread (``TimeoutError`` after ``timeout`` s).

    For async code (workers, the command palette's search) that must not hold up quitting the
    way ``asyncio.to_thread`` would: its executor is joined when the app's loop shuts down.
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[Any] = loop.create_future()

    def settle(result: Any, error: BaseException | None) -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)

    def main() -> None:
        try:
            result = job()
        except Exception as exc:
            with contextlib.suppress(RuntimeError):  # the loop has closed
                loop.call_soon_threadsafe(settle, None, exc)
            return
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(settle, result, None)

    threading.Thread(target=main, name=name, daemon=True).start()
    result: T = await asyncio.wait_for(future, timeout)
    return result
