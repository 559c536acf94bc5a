"""Study values as drawn positions: lines in braille dots, histograms around zero.

A study's points carry their bar's time; they are lined up with the window's bars by time
(a point for a bar not on screen is left out, a bar without a point is a gap), so a value
sits exactly over or under its candle in every pane.
"""

from __future__ import annotations

import math
from bisect import bisect_left

from tvtui.feed.events import StudyPoint
from tvtui.market.studies import clean_value
from tvtui.ui.chart.candles import DOWN, UP
from tvtui.ui.chart.cells import Dots
from tvtui.ui.chart.scale import Columns, Prices

#: Line colours of a study's plots (theme variables), in order.
LINE_COLOURS = ("study-line", "study-signal", "accent", "secondary", "primary")


def number(value: object) -> float | None:
    """A plot value as a finite float (None: na, missing, not a number)."""
    value = clean_value(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def aligned(points: list[StudyPoint], times: list[float], plot: int) -> list[float | None]:
    """Plot ``plot``'s value at each of ``times`` (sorted), None where there is none."""
    if not times or not points:
        return [None] * len(times)
    first = bisect_left(points, times[0], key=lambda p: p.time)
    wanted = {t: i for i, t in enumerate(times)}
    out: list[float | None] = [None] * len(times)
    last = times[-1]
    for point in points[first:]:
        if point.time > last:
            break
        i = wanted.get(point.time)
        if i is not None and plot < len(point.values):
            out[i] = number(point.values[plot])
    return out


def point_at(points: list[StudyPoint], time: float) -> StudyPoint | None:
    """The point of the bar that opened at ``time`` (None: the study has none there)."""
    i = bisect_left(points, time, key=lambda p: p.time)
    return points[i] if i < len(points) and points[i].time == time else None


def draw_histogram(
    dots: Dots, columns: Columns, values: list[float | None], prices: Prices
) -> None:
    """Bars from zero, as tall as their values (a quarter row), up colour above zero."""
    zero = prices.dot(0.0)
    for place in columns.layout:
        if place.lo >= len(values):
            break
        group = [v for v in values[place.lo : place.hi] if v is not None]
        if not group:
            continue
        value = group[-1]
        key = UP if value >= 0 else DOWN
        y = prices.dot(value)
        for x in range(2 * place.left, 2 * (place.left + place.body)):
            dots.column(x, zero, y, key)
