"""Where things go: bar -> column, price -> row. One mapping for every pane.

:class:`Columns` splits a plot's columns among the bar slots of the view: zoomed in, a bar
gets several columns (its body, a gap); zoomed out past one bar a column, a column shows the
bars that fall in it merged (their high, low, first open, last close). The chart pane and the
indicator pane are given the same :class:`Columns`, so a bar sits on the same x in both.

:class:`Prices` maps a price to a row, and to a half row (candle ends at half-cell precision)
or a braille dot row (a quarter row).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property

#: Columns at the left of every plot: the labels (right-aligned), then the axis line.
LABEL_WIDTH = 10
AXIS_COLUMNS = LABEL_WIDTH + 1
#: Columns per bar at the default zoom: a body and a gap, readable in a terminal.
COLUMNS_PER_BAR = 2


def plot_columns(width: int) -> int:
    """Columns a plot ``width`` wide has for bars (the same for every pane)."""
    return max(1, width - AXIS_COLUMNS)


def default_slots(width: int) -> int:
    """Bars per screen at the default zoom in a plot ``width`` columns wide."""
    return max(5, plot_columns(width) // COLUMNS_PER_BAR)


def pad_label(text: str) -> str:
    return text[-LABEL_WIDTH:].rjust(LABEL_WIDTH)


@dataclass(frozen=True)
class Slot:
    """One drawn position: bar slots ``lo`` .. ``hi - 1`` in columns ``x0`` .. ``x1 - 1``
    (relative to the plot's first column); the body takes ``body`` columns from ``left``,
    the wick (and the cursor's marker) is column ``mid``."""

    lo: int
    hi: int
    x0: int
    x1: int
    left: int
    body: int
    mid: int


@dataclass(frozen=True)
class Columns:
    """``slots`` bar positions over ``columns`` plot columns."""

    slots: int
    columns: int

    @cached_property
    def layout(self) -> list[Slot]:
        slots, columns = max(1, self.slots), max(1, self.columns)
        out: list[Slot] = []
        if slots <= columns:
            for i in range(slots):
                x0, x1 = i * columns // slots, (i + 1) * columns // slots
                span = x1 - x0
                body = span if span == 1 else span - 1  # a gap column between bars
                if body > 1 and body % 2 == 0:
                    body -= 1  # odd: the wick in the middle of the body
                body = min(body, 15)
                left = x0 + (span - (1 if span > 1 else 0) - body) // 2
                out.append(Slot(i, i + 1, x0, x1, left, body, left + body // 2))
        else:
            for c in range(columns):
                lo, hi = c * slots // columns, (c + 1) * slots // columns
                if hi > lo:
                    out.append(Slot(lo, hi, c, c + 1, c, 1, c))
        return out

    @cached_property
    def _starts(self) -> list[int]:
        return [s.x0 for s in self.layout]

    @cached_property
    def _slot_index(self) -> list[int]:
        """slot -> index into :attr:`layout`."""
        index = [0] * max(1, self.slots)
        for k, s in enumerate(self.layout):
            for slot in range(s.lo, min(s.hi, len(index))):
                index[slot] = k
        return index

    def slot_at(self, column: int) -> Slot | None:
        """The slot drawn at plot column ``column`` (None: left of the plot or past it)."""
        if column < 0 or column >= self.columns:
            return None
        k = bisect_right(self._starts, column) - 1
        return self.layout[k] if k >= 0 else None

    def of(self, slot: int) -> Slot | None:
        """Where bar slot ``slot`` is drawn."""
        if 0 <= slot < self.slots:
            return self.layout[self._slot_index[slot]]
        return None


@dataclass(frozen=True)
class Prices:
    """``rows`` rows from ``high`` (top of row 0) down to ``low`` (bottom of the last row)."""

    low: float
    high: float
    rows: int

    @property
    def span(self) -> float:
        return (self.high - self.low) or 1.0

    def fraction(self, price: float) -> float:
        """0 at the top, 1 at the bottom (clamped)."""
        if not math.isfinite(price):
            return 1.0
        return min(1.0, max(0.0, (self.high - price) / self.span))

    def row(self, price: float) -> int:
        return min(self.rows - 1, int(self.fraction(price) * self.rows))

    def half(self, price: float) -> int:
        """Half-row 0 .. 2*rows-1 holding ``price`` (inlined: called four times a bar)."""
        halves = 2 * self.rows
        share = (self.high - price) / self.span if price == price else 1.0  # NaN: bottom
        return (
            0 if share <= 0 else halves - 1 if share >= 1 else min(halves - 1, int(share * halves))
        )

    def dot(self, price: float) -> int:
        """Braille dot row 0 .. 4*rows-1 holding ``price``."""
        return min(4 * self.rows - 1, int(self.fraction(price) * 4 * self.rows))


def padded_range(low: float, high: float, share: float = 0.04) -> tuple[float, float]:
    """``low`` .. ``high`` with a little room above and below (never empty)."""
    pad = (high - low) * share or abs(high) * 0.001 or 1.0
    return low - pad, high + pad
