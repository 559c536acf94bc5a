"""Shared pieces of the benchmarks: figures, percentiles, RSS, a stamping simulator.

Every bench module exposes ``run(quick: bool) -> list[Figure]`` and a ``__main__`` that prints
its figures as one JSON line (``run.py`` starts each bench in its own process, so one bench's
threads, imports and memory never colour another's numbers).

Why ratios: these are shared 2-core machines, so one absolute time means little; each figure
carries the reference measured in the same run, and the target it is judged against.
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import Any

from tvtui.feed import wire

#: The value field the stamping simulator adds to every quote it sends: ``time.monotonic()`` at
#: send (CLOCK_MONOTONIC, the same clock in every process, so a simulator process works too).
STAMP = "bench_sent"


@dataclass
class Figure:
    """One measured figure, with what it is compared to and whether it meets its target."""

    name: str
    value: str
    reference: str = ""
    target: str = ""
    met: bool | None = None  #: None: informational, no target

    def verdict(self) -> str:
        return {True: "MET", False: "MISSED", None: "-"}[self.met]


def emit(figures: list[Figure]) -> None:
    """The last stdout line of a bench process: its figures as JSON (read by ``run.py``)."""
    print(json.dumps([asdict(f) for f in figures]))


def main(run: Callable[[bool], list[Figure]]) -> None:
    """``python -m benchmarks.bench_x [--quick]``: run and print the JSON line."""
    emit(run("--quick" in sys.argv[1:]))


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..100); NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def best_of(runs: int, work: Callable[[], object]) -> float:
    """The fastest of ``runs`` timings: the least disturbed by other processes."""
    best = math.inf
    for _ in range(runs):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def rss_mb() -> float:
    """Resident set size of this process, from /proc (Linux)."""
    with open(f"/proc/{os.getpid()}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return math.nan


def wait_until(check: Callable[[], bool], timeout: float, step: float = 0.01) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(step)
    return check()


@contextmanager
def stamped_quotes() -> Iterator[None]:
    """Patch the simulator (class-wide, for the ``with`` block) so every ``qsd`` it sends
    carries :data:`STAMP` = ``time.monotonic()`` taken just before the frames are built.

    The patch wraps ``Connection._send`` only; the simulator code is not edited. The stamp
    rides in the quote's values, which the client and the app merge like any other field.
    """
    from tvtui.sim import connection

    original = connection.Connection._send

    async def send(self: Any, packets: list[dict[str, Any]], heartbeats: Any = None) -> None:
        now = time.monotonic()
        for packet in packets:
            if packet.get("m") == "qsd":
                body = packet["p"][1]
                if isinstance(body, dict) and isinstance(body.get("v"), dict):
                    body["v"] = {**body["v"], STAMP: now}
        await original(self, packets, heartbeats)

    connection.Connection._send = send  # type: ignore[method-assign]
    try:
        yield
    finally:
        connection.Connection._send = original  # type: ignore[method-assign]


def frames_of(message: str) -> int:
    return len(wire.unframe(message).payloads)


class StubFeed:
    """A FeedLike for the app's real stream worker that accepts every command and never
    connects: the bench itself hands the worker its events (bars, quotes) instead."""

    def __init__(self, sink: Any) -> None:
        self.sink = sink
        self.charts = 0

    def start(self) -> StubFeed:
        return self

    def close(self, timeout: float = 2.0) -> None:
        pass

    def add_symbols(self, *symbols: str) -> list[str]:
        return list(symbols)

    def remove_symbols(self, *symbols: str) -> None:
        pass

    def open_series(self, symbol: str, timeframe: str, count: int = 300) -> Any:
        from tvtui.feed.registry import SeriesHandle

        self.charts += 1
        return SeriesHandle(f"cs_{self.charts}", "sds_1", symbol, timeframe, count)

    def modify_series(self, handle: Any, symbol: str | None = None, timeframe: str | None = None):
        return handle

    def add_study(self, handle: Any, indicator: Any) -> str:
        return "st9"

    def remove_study(self, handle: Any, study_id: str) -> None:
        pass

    def close_series(self, handle: Any) -> None:
        pass

    def reconnect(self) -> None:
        pass
