"""An indicator's picture: its lines (braille), histograms (bars from zero), guide levels
and value labels, over the chart's window (the same columns as the candles).
"""

from __future__ import annotations

from dataclasses import dataclass

from tvtui.feed.events import StudyPoint
from tvtui.ui.chart import axes
from tvtui.ui.chart.candles import draw_polyline, line_points
from tvtui.ui.chart.cells import Dots, Grid
from tvtui.ui.chart.lines import LINE_COLOURS, aligned, draw_histogram
from tvtui.ui.chart.scale import AXIS_COLUMNS, Prices
from tvtui.ui.chart.view import Window

#: Plots drawn as bars around zero rather than as lines (by title).
HISTOGRAM_HINTS = ("hist",)


def is_histogram(title: str) -> bool:
    return any(h in title.lower() for h in HISTOGRAM_HINTS)


def study_value(value: float, decimals: int) -> str:
    """``value`` with ``decimals`` places, never ``-0.00`` (a tiny negative rounds to 0)."""
    text = f"{value:,.{decimals}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.,") else text


@dataclass(frozen=True)
class StudyData:
    pine_id: str
    titles: list[str]
    points: list[StudyPoint]
    window: Window
    decimals: int = 2
    #: a bounded oscillator's fixed range and guide levels (RSI: 0-100, 30 and 70)
    levels: tuple[float, float, tuple[float, ...]] | None = None


def plot_titles(titles: list[str], points: list[StudyPoint]) -> list[str]:
    count = max([len(titles)] + [len(p.values) for p in points[-3:]])
    return [titles[k] if k < len(titles) else str(k) for k in range(count)]


def study_picture(width: int, height: int, data: StudyData) -> Grid | None:
    """The study's plot ``width`` x ``height`` (None: no value on screen)."""
    window = data.window
    times = window.times[window.start : window.end]
    series = []
    for k, title in enumerate(plot_titles(data.titles, data.points)):
        values = aligned(data.points, times, k)
        if any(v is not None for v in values):
            series.append((title, values))
    if not series:
        return None
    finite = [v for _, values in series for v in values if v is not None]
    grid = Grid(width, height)
    if data.levels:
        low, high, levels = data.levels
        if height <= 5 and len(levels) > 1:
            # a tiny plot (short terminal): the range hugs the levels so each gets a row
            # and its label, instead of both rounding to the middle row
            gap = (max(levels) - min(levels)) / (2 * max(1, height - 1))
            low, high = min(levels) - gap, max(levels) + gap
        ticks = list(levels)
    else:
        low, high = min(*finite, 0.0), max(*finite, 0.0)
        pad = (high - low) * 0.08 or 1.0
        low, high = low - pad, high + pad
        ticks = []  # picked once the rows are known
        levels = ()
    prices = Prices(low, high, height)
    if not data.levels:
        ticks = axes.pick_ticks(prices)
    for level in levels:
        axes.level_line(grid, prices.row(level), "study-level")
    dots = Dots(width - AXIS_COLUMNS, height)
    colour = 0
    for title, values in series:
        if is_histogram(title):
            draw_histogram(dots, window.columns, values, prices)
        else:
            key = LINE_COLOURS[colour % len(LINE_COLOURS)]
            colour += 1
            draw_polyline(dots, line_points(window.columns, values, prices), key)
    dots.paint(grid, AXIS_COLUMNS)
    cursor = window.cursor_slot
    if cursor is not None and (spot := window.columns.of(cursor)) is not None:
        axes.cursor_marker(grid, AXIS_COLUMNS + spot.mid, height)
    axes.axis_line(grid, height)
    axes.price_labels(grid, prices, ticks, lambda t: study_value(t, data.decimals))
    return grid
