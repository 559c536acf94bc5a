"""The points of one study (indicator) on one chart, keyed by time like the candles.

A study's rows are ``StudyPoint(time, values, index)`` where ``values[k]`` is plot ``k``.
The server's index can be negative (points computed before the loaded window) and restarts
after a reconnect, so points are keyed by time with the candles' merge rule
(:mod:`tvtui.market.timeline`): one writer thread, readers anywhere.

TradingView marks a missing plot value (Pine's ``na``) with ``1e100``; JSON cannot carry NaN
or infinity either. :func:`clean_value` turns all three into ``None`` wherever values leave
this module (``column``, ``to_result``), so a pane or an export never draws or writes them.

Why points are stored packed: a library user may hold 50 symbols x 5,000 bars with two studies
each, and a ``StudyPoint`` with its ``values`` list and boxed floats costs ~235 B, more than the
bar it belongs to. A point whose values are all floats (or ``None``) is kept as one
``array('d')`` (index and values, ``None`` as NaN) of ~110 B, and rebuilt as a fresh
``StudyPoint`` when read. A point that would not survive that round trip unchanged (an ``int`` or
NaN value, an odd time) is kept as it came, so what a reader gets back is always exactly what
was applied.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Union

from tvtui.feed.events import StudyPoint
from tvtui.market.timeline import ApplyResult, Timeline

__all__ = ["NA_SENTINEL", "StudySeries", "clean_value"]

#: Values at or above this magnitude are TradingView's "no value" marker.
NA_SENTINEL = 1e100


_NAN = float("nan")


if TYPE_CHECKING:  # array is generic for the type checker, not at run time before 3.12
    _DoubleArray = array[float]
else:
    _DoubleArray = array


class _Packed(_DoubleArray):
    """One point as doubles, ``[index, *values]`` with NaN for ``None``; ``time`` is the
    point's own time object (shared with the timeline's list of times, so never doubled)."""

    __slots__ = ("time",)

    time: Any


#: A stored row: packed, or the original point when packing would change it.
_Row = Union[_Packed, StudyPoint]  # noqa: UP007 - a runtime alias

#: ints beyond this are not exact as doubles.
_EXACT_INT = 2**53


def _pack(point: StudyPoint) -> _Row:
    """``point`` as a packed row, or ``point`` itself when packing is not lossless."""
    values = point.values
    for v in values:
        if v is not None and (type(v) is not float or v != v):
            return point
    index = point.index
    if type(index) is not int or not -_EXACT_INT < index < _EXACT_INT:
        return point
    row = _Packed("d", [index, *[_NAN if v is None else v for v in values]])  # no over-allocation
    row.time = point.time
    return row


def _values(row: _Row) -> list[float | None]:
    if isinstance(row, StudyPoint):
        return row.values
    return [None if v != v else v for v in row[1:]]


def _unpack(row: _Row) -> StudyPoint:
    if isinstance(row, StudyPoint):
        return row
    return StudyPoint(row.time, [None if v != v else v for v in row[1:]], int(row[0]))


def clean_value(value: Any) -> Any:
    """``None`` for a missing, NaN, infinite or ``1e100`` value; the value itself otherwise."""
    if isinstance(value, float) and (not math.isfinite(value) or abs(value) >= NA_SENTINEL):
        return None
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= NA_SENTINEL:
        return None
    return value


class StudySeries(Timeline[_Row]):
    """Points of one study, oldest first, unique by time (stored packed, see the module).

    ``pine_id`` names the indicator (``STD;RSI``); ``plot_titles`` come from its metadata and
    may be empty, in which case plots are called ``"0"``, ``"1"``, ... as the Streamer does.
    ``error`` holds the server's reason when the study was refused, for the pane to show.
    ``apply`` / ``clear`` belong to the writer thread; everything else may be read anywhere.
    """

    __slots__ = ("_width", "error", "pine_id", "plot_titles")

    def __init__(
        self,
        pine_id: str,
        plot_titles: Iterable[str] = (),
        *,
        max_points: int = 20_000,
        error: str | None = None,
    ) -> None:
        super().__init__(max_points)
        self.pine_id = pine_id
        self.plot_titles: list[str] = list(plot_titles)
        self.error: str | None = error
        self._width = 0

    def _same(self, old: _Row, new: _Row) -> bool:
        return _values(old) == _values(new)

    def _seen(self, row: _Row) -> None:
        width = len(row.values) if isinstance(row, StudyPoint) else len(row) - 1
        if width > self._width:
            self._width = width

    def apply(self, points: Iterable[StudyPoint]) -> ApplyResult:
        """Merge points (history or live, any order) exactly as candles merge bars."""
        return self._merge(_pack(p) for p in points)

    def points(self) -> list[StudyPoint]:
        """Every point kept, oldest first (new objects; values are the server's, not cleaned)."""
        return [_unpack(r) for r in self._all()]

    def last(self, n: int) -> list[StudyPoint]:  # type: ignore[override]
        """The newest ``n`` points, oldest first (``[]`` for ``n <= 0``)."""
        return [_unpack(r) for r in super().last(n)]

    def since(self, start: float, end: float | None = None) -> list[StudyPoint]:  # type: ignore[override]
        """Points with ``start <= time`` (and ``time <= end`` when given), oldest first."""
        return [_unpack(r) for r in super().since(start, end)]

    @property
    def latest(self) -> StudyPoint | None:
        """The newest point, or ``None`` when empty."""
        row = super().latest
        return None if row is None else _unpack(row)

    @property
    def first(self) -> StudyPoint | None:
        """The oldest point kept, or ``None`` when empty."""
        row = super().first
        return None if row is None else _unpack(row)

    @property
    def width(self) -> int:
        """How many plots the widest point carried (0 before any data)."""
        return self._width

    def plot_keys(self) -> list[str]:
        """``"0"``, ``"1"``, ...: one key per plot, as in the Streamer's result."""
        return [str(k) for k in range(max(self._width, len(self.plot_titles)))]

    def title(self, k: int) -> str:
        """Plot ``k``'s title from the metadata, or its key when the metadata has none."""
        if 0 <= k < len(self.plot_titles) and self.plot_titles[k]:
            return self.plot_titles[k]
        return str(k)

    def titles(self) -> list[str]:
        """A title for every plot (see :meth:`title`)."""
        return [self.title(k) for k in range(max(self._width, len(self.plot_titles)))]

    def column(self, k: int) -> list[float | None]:
        """Plot ``k`` for every point, oldest first; ``None`` where a point has no value."""
        return [clean_value(v[k]) if 0 <= k < len(v) else None for v in map(_values, self._all())]

    def clear(self) -> None:
        """Forget the points (and the error): the study is about to be re-created."""
        super().clear()
        self._width = 0
        self.error = None

    def __repr__(self) -> str:
        return f"StudySeries({self.pine_id!r}, points={len(self)}, error={self.error!r})"
