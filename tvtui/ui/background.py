"""Blocking network calls off the UI thread, on daemon threads that never delay quitting.

Why not a Textual thread worker: ``App.run()`` waits for every thread worker before it
returns (measured: a worker asleep for 5 s kept a quitting app alive 5 s), and an HTTP
request to an unreachable host can take its whole timeout. Symbol checks and indicator
metadata are worth nothing once the person has pressed ``q``, so they run on daemon threads
and hand their result back with ``call_from_thread``; if the app is gone by then, the result
is dropped.
"""

from __future__ import annotations

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
