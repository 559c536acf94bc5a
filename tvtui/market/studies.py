"""The points of one study (indicator) on one chart, keyed by time like the candles.

A study's rows are ``StudyPoint(time, values, index)`` where ``values[k]`` is plot ``k``.
The server's index can be negative (points computed before the loaded window) and restarts
after a reconnect, so points are keyed by time with the candles' merge rule
(:mod:`tvtui.market.timeline`): one writer thread, readers anywhere.

TradingView marks a missing plot value (Pine's ``na``) with ``1e100``; JSON cannot carry NaN
or infinity either. :func:`clean_value` turns all three into ``None`` wherever values leave
this module (``column``, ``to_result``), so a pane or an export never draws or writes them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from tvtui.feed.events import StudyPoint
from tvtui.market.timeline import ApplyResult, Timeline

__all__ = ["NA_SENTINEL", "StudySeries", "clean_value"]

#: Values at or above this magnitude are TradingView's "no value" marker.
NA_SENTINEL = 1e100


def clean_value(value: Any) -> Any:
    """``None`` for a missing, NaN, infinite or ``1e100`` value; the value itself otherwise."""
    if isinstance(value, float) and (not math.isfinite(value) or abs(value) >= NA_SENTINEL):
        return None
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= NA_SENTINEL:
        return None
    return value


class StudySeries(Timeline[StudyPoint]):
    """Points of one study, oldest first, unique by time.

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

    def _same(self, old: StudyPoint, new: StudyPoint) -> bool:
        return old.values == new.values

    def _seen(self, row: StudyPoint) -> None:
        if len(row.values) > self._width:
            self._width = len(row.values)

    def apply(self, points: Iterable[StudyPoint]) -> ApplyResult:
        """Merge points (history or live, any order) exactly as candles merge bars."""
        return self._merge(points)

    def points(self) -> list[StudyPoint]:
        """Every point kept, oldest first (a copy; values are the server's, not cleaned)."""
        return self._all()

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
        return [clean_value(p.values[k]) if 0 <= k < len(p.values) else None for p in self._all()]

    def clear(self) -> None:
        """Forget the points (and the error): the study is about to be re-created."""
        super().clear()
        self._width = 0
        self.error = None

    def __repr__(self) -> str:
        return f"StudySeries({self.pine_id!r}, points={len(self)}, error={self.error!r})"
