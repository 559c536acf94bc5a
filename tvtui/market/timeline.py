"""A bounded, time-keyed, ordered store: the one merge rule shared by candles and studies.

Why one module: bars and study points follow the same rule (keyed by their time, never by the
server's index, which restarts after a reconnect; an update for a known time replaces the old
row, a new time is inserted in order), and that rule is easy to get subtly wrong twice.

Layout: two parallel lists (times, rows) sorted by time, plus a ``start`` offset. Dropping the
oldest rows beyond ``max_len`` only moves ``start``; the dead prefix is deleted in one go once it
is as long as the live part, so trimming is O(1) amortised just like appending. Out-of-order
rows (a backfill after a reconnect, ``request_more_data``) are placed with :mod:`bisect`.

Threads: exactly one writer (the stream worker) calls :meth:`Timeline._merge` /
``apply`` / ``clear``; any thread may read. Every method takes a small lock for its whole
(short) body, so a reader always sees a consistent snapshot, and every list a reader gets back
is its own copy.
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar


class _Timed(Protocol):
    time: float


T = TypeVar("T", bound=_Timed)

#: Up to this many out-of-order rows in one apply are inserted one by one; more are merged
#: with one sort.
_BISECT_MAX = 32


@dataclass(frozen=True, slots=True)
class ApplyResult:
    """What one ``apply`` changed, so a consumer can skip work when nothing did.

    ``new_bars``: rows whose time was not known before; ``updated``: known rows whose values
    changed (an identical re-send is not counted); ``closed``: the newest time moved forward,
    i.e. the previously forming bar is final (never set for the first rows of an empty series);
    ``dropped``: oldest rows discarded to stay within the size bound.
    """

    new_bars: int = 0
    updated: int = 0
    closed: bool = False
    dropped: int = 0

    @property
    def changed(self) -> bool:
        """True when anything a chart draws is different after the apply."""
        return bool(self.new_bars or self.updated or self.dropped)


class Timeline(Generic[T]):
    """Rows with a ``time`` attribute, unique by time, oldest first, at most ``max_len``."""

    __slots__ = ("_lock", "_revision", "_rows", "_start", "_times", "max_len")

    def __init__(self, max_len: int) -> None:
        if max_len < 1:
            raise ValueError(f"the size bound must be at least 1, not {max_len}")
        self.max_len = max_len
        self._times: list[float] = []
        self._rows: list[T] = []
        self._start = 0
        self._revision = 0
        self._lock = threading.Lock()

    # --- hooks ---------------------------------------------------------------------------------

    def _same(self, old: T, new: T) -> bool:
        """Whether replacing ``old`` by ``new`` changes nothing visible (subclasses refine)."""
        return old == new

    def _seen(self, row: T) -> None:
        """Called (under the lock) for every row merged; subclasses track extra facts."""

    # --- writing (one writer thread) -------------------------------------------------------------

    def _merge(self, rows: Iterable[T]) -> ApplyResult:
        new = updated = 0
        with self._lock:
            times, store = self._times, self._rows
            before_last = times[-1] if len(times) > self._start else None
            older: dict[float, T] = {}
            for row in rows:
                t = row.time
                self._seen(row)
                if len(times) == self._start or t > times[-1]:
                    times.append(t)
                    store.append(row)
                    new += 1
                elif t == times[-1]:
                    if not self._same(store[-1], row):
                        updated += 1
                    store[-1] = row
                else:
                    # Placed after the loop: a later row for the same time still wins.
                    older[t] = row
            if older:
                n, u = self._place_older(older)
                new += n
                updated += u
            dropped = self._trim()
            times = self._times
            closed = before_last is not None and len(times) > 0 and times[-1] > before_last
            if new or updated or dropped:
                self._revision += 1
        return ApplyResult(new, updated, closed, dropped)

    def _prepend(self, rows: Iterable[T]) -> int:
        """Rows older than the oldest held, placed on the left; any other row (a duplicate, a
        time inside or after what is held) is ignored, so what is held, the newest (forming)
        row included, is never touched. Returns how many were added and kept (the size bound
        drops the oldest first, so some of these when full)."""
        with self._lock:
            times, store, start = self._times, self._rows, self._start
            oldest = times[start] if len(times) > start else None
            older: dict[float, T] = {}
            for row in rows:
                if oldest is None or row.time < oldest:
                    self._seen(row)
                    older[row.time] = row
            if not older:
                return 0
            new_times = sorted(older)
            self._times = new_times + times[start:]
            self._rows = [older[t] for t in new_times] + store[start:]
            self._start = 0
            dropped = self._trim()
            self._revision += 1
        return max(0, len(new_times) - dropped)

    def _place_older(self, older: dict[float, T]) -> tuple[int, int]:
        """Rows older than the newest: a few go in by bisect, a large backfill by one sort
        (inserting thousands of bars one by one at the front would be quadratic)."""
        new = updated = 0
        times, store, start = self._times, self._rows, self._start
        if len(older) <= _BISECT_MAX:
            for t, row in older.items():
                i = bisect_left(times, t, start)
                if times[i] == t:
                    if not self._same(store[i], row):
                        updated += 1
                    store[i] = row
                else:
                    times.insert(i, t)
                    store.insert(i, row)
                    new += 1
            return new, updated
        merged = dict(zip(times[start:], store[start:], strict=True))
        for t, row in older.items():
            old = merged.get(t)
            if old is None:
                new += 1
            elif not self._same(old, row):
                updated += 1
            merged[t] = row
        self._times = sorted(merged)
        self._rows = [merged[t] for t in self._times]
        self._start = 0
        return new, updated

    def _trim(self) -> int:
        excess = len(self._times) - self._start - self.max_len
        if excess <= 0:
            return 0
        self._start += excess
        if self._start >= max(self.max_len, 64):
            del self._times[: self._start]
            del self._rows[: self._start]
            self._start = 0
        return excess

    def clear(self) -> None:
        """Forget every row (a symbol or timeframe switch)."""
        with self._lock:
            self._times = []
            self._rows = []
            self._start = 0
            self._revision += 1

    # --- reading (any thread) ----------------------------------------------------------------

    def _all(self) -> list[T]:
        with self._lock:
            return self._rows[self._start :]

    def last(self, n: int) -> list[T]:
        """The newest ``n`` rows, oldest first (``[]`` for ``n <= 0``)."""
        if n <= 0:
            return []
        with self._lock:
            return self._rows[max(self._start, len(self._rows) - n) :]

    def since(self, start: float, end: float | None = None) -> list[T]:
        """Rows with ``start <= time`` (and ``time <= end`` when given), oldest first."""
        with self._lock:
            lo = bisect_left(self._times, start, self._start)
            if end is None:
                return self._rows[lo:]
            hi = bisect_left(self._times, end, lo)
            if hi < len(self._times) and self._times[hi] == end:
                hi += 1
            return self._rows[lo:hi]

    def times(self) -> list[float]:
        """Every row time, oldest first."""
        with self._lock:
            return self._times[self._start :]

    @property
    def latest(self) -> T | None:
        """The newest row (the forming bar), or ``None`` when empty."""
        with self._lock:
            return self._rows[-1] if len(self._rows) > self._start else None

    @property
    def first(self) -> T | None:
        """The oldest row kept, or ``None`` when empty."""
        with self._lock:
            return self._rows[self._start] if len(self._rows) > self._start else None

    @property
    def revision(self) -> int:
        """Grows whenever the content changes: a reader can skip a redraw when it did not."""
        return self._revision

    def __len__(self) -> int:
        with self._lock:
            return len(self._times) - self._start

    def __bool__(self) -> bool:
        return len(self) > 0

    def __contains__(self, time: object) -> bool:
        if not isinstance(time, int | float):
            return False
        with self._lock:
            i = bisect_left(self._times, time, self._start)
            return i < len(self._times) and self._times[i] == time
