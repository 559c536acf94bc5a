"""Bars as cells: candles (bodies and wicks to half a row), OHLC bars, a close line, volume.

Every function draws the bars of one window: ``bars[i]`` sits in slot ``i`` of ``columns``
(:mod:`tvtui.ui.chart.scale`); where a column holds several bars they are drawn merged.
Colours are style keys: ``price-up`` for a bar that closed at or above its open, else
``price-down``.
"""

from __future__ import annotations

from tvtui.config.settings import CHART_TYPES as SETTINGS_CHART_TYPES
from tvtui.feed.events import Bar
from tvtui.ui.chart.cells import Dots, Grid
from tvtui.ui.chart.scale import Columns, Prices, Slot

UP, DOWN = "price-up", "price-down"
#: Block characters filling the bottom 1/8 .. 8/8 of a cell.
EIGHTHS = " ▁▂▃▄▅▆▇█"
#: Chart types, in the order ``c`` cycles them.
CHART_TYPES = SETTINGS_CHART_TYPES
CHART_TYPE_NAMES = {
    "candles": "Candles",
    "heikin-ashi": "Heikin-Ashi",
    "ohlc": "OHLC bars",
    "line": "Line",
}
#: ... where the readout is short of room (80 columns)
CHART_TYPE_SHORT = {"candles": "", "heikin-ashi": "HA", "ohlc": "OHLC", "line": "Line"}


def merged(bars: list[Bar], place: Slot) -> Bar | None:
    """The bars of ``place`` as one (first open, highest high, lowest low, last close)."""
    group = bars[place.lo : min(place.hi, len(bars))]
    if not group:
        return None
    if len(group) == 1:
        return group[0]
    first, last = group[0], group[-1]
    volume = sum(b.volume or 0.0 for b in group)
    high = max(b.high for b in group)
    low = min(b.low for b in group)
    return Bar(first.time, first.open, high, low, last.close, volume, first.index)


def placed(bars: list[Bar], columns: Columns) -> list[tuple[Slot, Bar]]:
    """Each drawn position with its (merged) bar."""
    out = []
    for place in columns.layout:
        if place.lo >= len(bars):
            break
        bar = merged(bars, place)
        if bar is not None:
            out.append((place, bar))
    return out


def colour(bar: Bar) -> str:
    return UP if bar.close >= bar.open else DOWN


def _halves(row: int, top: int, bottom: int) -> tuple[bool, bool]:
    """Whether half rows ``top`` .. ``bottom`` cover the upper / lower half of ``row``."""
    return top <= 2 * row <= bottom, top <= 2 * row + 1 <= bottom


def _block(upper: bool, lower: bool) -> str:
    return "█" if upper and lower else "▀" if upper else "▄" if lower else ""


def _stem(upper: bool, lower: bool) -> str:
    return "│" if upper and lower else "╵" if upper else "╷" if lower else ""


def draw_candles(grid: Grid, left: int, bars: list[Bar], columns: Columns, prices: Prices) -> None:
    """Bodies from open to close and wicks from high to low, each end to half a row."""
    half = prices.half
    for place, bar in placed(bars, columns):
        key = UP if bar.close >= bar.open else DOWN
        high, low = half(bar.high), half(bar.low)
        if bar.close >= bar.open:
            top, bottom = half(bar.close), half(bar.open)
        else:
            top, bottom = half(bar.open), half(bar.close)
        x_mid = left + place.mid
        for row in range(high // 2, low // 2 + 1):
            body = _block(*_halves(row, top, bottom))
            if body:
                for x in range(left + place.left, left + place.left + place.body):
                    grid.put(x, row, body, key)
            else:
                stem = _stem(*_halves(row, high, low))
                if stem:
                    grid.put(x_mid, row, stem, key)


def draw_ohlc(grid: Grid, left: int, bars: list[Bar], columns: Columns, prices: Prices) -> None:
    """A line from high to low, the open a tick to the left, the close one to the right."""
    for place, bar in placed(bars, columns):
        key = colour(bar)
        high, low = prices.half(bar.high), prices.half(bar.low)
        x_mid = left + place.mid
        for row in range(high // 2, low // 2 + 1):
            stem = _stem(*_halves(row, high, low))
            if stem:
                grid.put(x_mid, row, stem, key)
        open_row, close_row = prices.row(bar.open), prices.row(bar.close)
        if place.body >= 3:  # room for ticks of their own
            for x in range(left + place.left, x_mid):
                grid.put(x, open_row, "─", key)
            for x in range(x_mid + 1, left + place.left + place.body):
                grid.put(x, close_row, "─", key)
        elif open_row == close_row:
            grid.put(x_mid, open_row, "┼", key)
        else:
            grid.put(x_mid, open_row, "┤", key)
            grid.put(x_mid, close_row, "├", key)


def line_points(
    columns: Columns, values: list[float | None], prices: Prices
) -> list[tuple[int, int] | None]:
    """(dot column, dot row) of each drawn position's value (the last of a merged column)."""
    out: list[tuple[int, int] | None] = []
    for place in columns.layout:
        if place.lo >= len(values):
            break
        value = next(
            (v for v in reversed(values[place.lo : place.hi]) if v is not None),
            None,
        )
        out.append(None if value is None else (2 * place.mid, prices.dot(value)))
    return out


def draw_polyline(dots: Dots, points: list[tuple[int, int] | None], key: str) -> None:
    """Consecutive points joined; a None is a gap (no value there)."""
    previous: tuple[int, int] | None = None
    for point in points:
        if point is not None:
            if previous is not None:
                dots.line(*previous, *point, key)
            else:
                dots.dot(*point, key)
        previous = point


def draw_volume(grid: Grid, left: int, bars: list[Bar], columns: Columns, top: float) -> None:
    """Volume bars from the bottom row up, to an eighth of a row, in the candle colours."""
    rows = grid.height
    if rows <= 0 or top <= 0:
        return
    for place, bar in placed(bars, columns):
        volume = bar.volume or 0.0
        if volume <= 0:
            continue
        eighths = max(1, round(min(1.0, volume / top) * rows * 8))
        key = colour(bar)
        for k in range(min(rows, (eighths + 7) // 8)):
            char = EIGHTHS[min(8, eighths - 8 * k)]
            for x in range(left + place.left, left + place.left + place.body):
                grid.put(x, rows - 1 - k, char, key)
