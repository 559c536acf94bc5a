"""Test helpers for the feed tests: an event collector and the bar-continuity check."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import pytest

from tvtui.feed.events import Bar, ConnectionStatus, Event, LinkState, SeriesData

E = TypeVar("E", bound=Event)


class Collector:
    """A thread-safe event sink that tests can wait on (bounded waits only)."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self._cond = threading.Condition()

    def __call__(self, event: Event) -> None:
        with self._cond:
            self.events.append(event)
            self._cond.notify_all()

    def snapshot(self) -> list[Event]:
        with self._cond:
            return list(self.events)

    def of(self, kind: type[E]) -> list[E]:
        return [e for e in self.snapshot() if isinstance(e, kind)]

    def wait_for(self, predicate: Callable[[list[Event]], object], timeout: float = 10.0) -> object:
        """Wait until ``predicate(events)`` is truthy; return its value, or fail the test."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                value = predicate(self.events)
                if value:
                    return value
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    states = [e.state.value for e in self.events if isinstance(e, ConnectionStatus)]
                    pytest.fail(f"timed out after {timeout} s; link states seen: {states[-12:]}")
                self._cond.wait(min(remaining, 0.2))

    def wait_state(
        self, state: LinkState, timeout: float = 10.0, after: int = 0
    ) -> ConnectionStatus:
        """The first status with ``state`` among events from index ``after`` on."""

        def find(events: list[Event]) -> ConnectionStatus | None:
            for event in events[after:]:
                if isinstance(event, ConnectionStatus) and event.state == state:
                    return event
            return None

        return self.wait_for(find, timeout)  # type: ignore[return-value]

    def states(self) -> list[LinkState]:
        return [e.state for e in self.of(ConnectionStatus)]

    def bars(self, chart_session: str, series_id: str = "sds_1") -> dict[float, Bar]:
        """Bars of one series merged by open time, as a consumer keeps them."""
        merged: dict[float, Bar] = {}
        for event in self.of(SeriesData):
            if event.session == chart_session and event.series_id == series_id:
                for bar in event.bars:
                    merged[bar.time] = bar
        return merged


def assert_true_and_continuous(sim, merged: dict[float, Bar], symbol: str, res: str, step: int):
    """Bars merged by time: every closed one (all but the newest) present once, one ``step``
    apart, and equal to the simulator's truth."""
    times = sorted(merged)
    closed = times[:-1]
    assert len(closed) >= 2
    gaps = [(a, b) for a, b in itertools.pairwise(closed) if b - a != step]
    assert not gaps, f"{len(gaps)} gaps or overlaps, first {gaps[:3]}"
    truth = sim.bars(symbol, res, closed[0], closed[-1] + 1)
    got = [
        tuple(getattr(merged[t], f) for f in ("time", "open", "high", "low", "close", "volume"))
        for t in closed
    ]
    assert len(got) == len(truth)
    wrong = [(g, t) for g, t in zip(got, truth, strict=True) if g != tuple(t)]
    assert not wrong, f"{len(wrong)} bars differ from the truth, first {wrong[:2]}"
