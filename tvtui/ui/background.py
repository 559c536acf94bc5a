"""Blocking network calls off the UI thread, on daemon threads that never delay quitting.

Why not a Textual thread worker: ``App.run()`` waits for every thread worker before it
returns (measured: a worker asleep for 5 s kept a quitting app alive 5 s), and an HTTP
request to an unreachable host can take its whole timeout. Symbol checks and indicator
metadata are worth nothing once the person has pressed ``q``, so they run on daemon threads
and hand their result back with ``call_from_thread``; if the app is gone by then, the result
is dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable
from typing import Any

from textual.app import App

log = logging.getLogger(__name__)


def run_in_background(
    app: App[Any],
    job: Callable[[], Any],
    done: Callable[[Any], None],
    failed: Callable[[BaseException], None],
    name: str = "tvtui-task",
) -> threading.Thread:
    """Run ``job()`` on a daemon thread; then ``done(result)`` or ``failed(error)`` on the
    UI thread (unless the app has stopped meanwhile)."""

    def deliver(callback: Callable[[Any], None], value: Any) -> None:
        if not app.is_running:
            return
        try:
            app.call_from_thread(callback, value)
        except Exception:  # the app stopped between the check and the call
            log.debug("dropped the result of %s: the app has stopped", name)

    def main() -> None:
        try:
            result = job()
        except Exception as exc:
            deliver(failed, exc)
            return
        deliver(done, result)

    thread = threading.Thread(target=main, name=name, daemon=True)
    thread.start()
    return thread


async def await_in_background(job: Callable[[], Any], timeout: float) -> Any:
    """``await`` ``job()`` run on a daemon thread (``TimeoutError`` after ``timeout`` s).

    For async code (the command palette's search) that must not hold up quitting the way
    ``asyncio.to_thread`` would: its executor is joined when the app's loop shuts down.
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

    threading.Thread(target=main, name="tvtui-search", daemon=True).start()
    return await asyncio.wait_for(future, timeout)
