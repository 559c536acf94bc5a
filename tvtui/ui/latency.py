"""Interpreter settings for a responsive UI, set while the app runs and undone after.

Both were measured with the app under the load bench (50 symbols, ~9,400 updates/s):

- **GIL switch interval 1 ms** (Python's default is 5 ms). The feed, stream-worker and plot
  builder threads share the GIL with the UI; a CPU-bound plot build held a waiting thread for
  up to 5 ms per hand-over, so a quote could take 30 ms (p95) from the socket to the worker.
- **``gc.freeze()`` once the app is up** (:data:`FREEZE_AFTER` after mounting). A full
  (generation 2) collection walks every object the process holds, most of them modules and
  Textual's widgets that live as long as the app: each took ~100 ms, the longest stalls of keys
  and frames. Frozen, they are skipped and a full collection takes ~20 ms. Objects made later
  are collected as usual; ``leave`` unfreezes (an app started and stopped many times, as in
  the tests, does not pile frozen objects up).
"""

from __future__ import annotations

import gc
import sys

#: The GIL switch interval while the app runs.
SWITCH_INTERVAL = 0.001
#: Seconds after mounting to freeze what exists (the app is built and its first data is in).
FREEZE_AFTER = 2.0


class UiLatency:
    """``enter()`` when the app is mounted, ``freeze()`` once it is up, ``leave()`` when it
    unmounts."""

    def __init__(self) -> None:
        self._switch_interval: float | None = None

    def enter(self) -> None:
        if self._switch_interval is None:
            self._switch_interval = sys.getswitchinterval()
            sys.setswitchinterval(min(self._switch_interval, SWITCH_INTERVAL))

    def freeze(self) -> None:
        gc.collect(1)  # the young garbage is not frozen (a full collection would stall)
        gc.freeze()

    def leave(self) -> None:
        if self._switch_interval is not None:
            sys.setswitchinterval(self._switch_interval)
            self._switch_interval = None
        gc.unfreeze()
