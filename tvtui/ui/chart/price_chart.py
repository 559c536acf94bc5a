"""The chart pane's two pictures: the price plot (bars of the chosen type, overlay studies,
price axis with the last price, the cursor) and the volume strip (its own small scale).

Both take a :class:`ChartData` captured on the UI thread and return a :class:`Grid`; the time
labels go under whichever of the two is drawn last (``time_axis``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tvtui.feed.events import Bar, StudyPoint
from tvtui.ui import format as fmt
from tvtui.ui.chart import axes
from tvtui.ui.chart.alert_lines import draw_alert_levels
from tvtui.ui.chart.candles import draw_candles, draw_ohlc, draw_polyline, draw_volume, line_points
from tvtui.ui.chart.cells import AXIS, Dots, Grid
from tvtui.ui.chart.heikin import heikin_ashi_range
from tvtui.ui.chart.lines import aligned
from tvtui.ui.chart.overlay_legend import plot_colours, plot_count
from tvtui.ui.chart.scale import AXIS_COLUMNS, LABEL_WIDTH, Prices, pad_label, padded_range
from tvtui.ui.chart.view import Window

#: The line chart's colour (a theme variable).
LINE_KEY = "primary"


@dataclass(frozen=True)
class ChartData:
    """What one build of the chart pane draws (lists are replaced, never mutated)."""

    bars: list[Bar]
    quote: dict[str, Any]
    seconds: int
    #: study key -> (plot titles, points): studies drawn over the candles (SMA 50, BB ...),
    #: in the order chosen (their colours follow it)
    overlays: dict[str, tuple[list[str], list[StudyPoint]]]
    window: Window
    chart_type: str = "candles"
    #: price levels of the charted symbol's alerts (drawn when in the visible range)
    alert_levels: tuple[float, ...] = ()

    @property
    def visible(self) -> list[Bar]:
        return self.bars[self.window.start : self.window.end]

    def drawn_bars(self) -> list[Bar]:
        """The visible bars as the chart type draws them (Heikin-Ashi computed here)."""
        if self.chart_type == "heikin-ashi":
            return heikin_ashi_range(self.bars, self.window.start, self.window.end)
        return self.visible


def overlay_lines(data: ChartData) -> list[tuple[str, list[float | None]]]:
    """(colour key, values per visible bar) of every overlay study's plots, in the colours
    their legend names (``overlay_legend.plot_colours``: one per plot, in the chosen order)."""
    times = data.window.times[data.window.start : data.window.end]
    out = []
    colours = plot_colours(data.overlays)
    for key, (titles, points) in data.overlays.items():
        for k in range(plot_count(titles, points)):
            values = aligned(points, times, k)
            if any(v is not None for v in values):
                out.append((colours[(key, k)], values))
    return out


def price_picture(width: int, height: int, data: ChartData, time_axis: bool) -> Grid:
    """The price plot ``width`` x ``height`` (with the time labels when ``time_axis``)."""
    grid = Grid(width, height)
    rows = height - 1 if time_axis else height
    bars = data.drawn_bars()
    if rows < 1 or not bars or width <= AXIS_COLUMNS:
        return grid
    window = data.window
    columns = window.columns
    lines = overlay_lines(data)
    if data.chart_type == "line":
        low = min(b.close for b in bars)
        high = max(b.close for b in bars)
    else:
        low = min(b.low for b in bars)
        high = max(b.high for b in bars)
    for _, values in lines:
        finite = [v for v in values if v is not None]
        if finite:
            low, high = min(low, *finite), max(high, *finite)
    prices = Prices(*padded_range(low, high), rows)
    left = AXIS_COLUMNS
    plot = Grid(width, rows)
    if data.chart_type == "ohlc":
        draw_ohlc(plot, left, bars, columns, prices)
    elif data.chart_type == "line":
        dots = Dots(width - left, rows)
        draw_polyline(dots, line_points(columns, [b.close for b in bars], prices), LINE_KEY)
        dots.paint(plot, left)
    else:
        draw_candles(plot, left, bars, columns, prices)
    if lines:
        dots = Dots(width - left, rows)
        for key, values in lines:
            draw_polyline(dots, line_points(columns, values, prices), key)
        dots.paint(plot, left)
    cursor = window.cursor_slot
    if cursor is not None and (spot := columns.of(cursor)) is not None:
        axes.cursor_marker(plot, left + spot.mid, rows)
    # the price axis: the last price marked, round levels around it
    real = data.bars[-1]
    decimals = fmt.decimals_for(data.quote, real.close)
    last = real.close  # the real last price, also over Heikin-Ashi bars
    # off the visible range (the view panned into history): pinned to the top or bottom row
    last_row = prices.row(last)
    if prices.low <= last <= prices.high:
        axes.level_line(plot, last_row, "chart-last")
    if data.alert_levels:
        draw_alert_levels(plot, prices, data.alert_levels, lambda v: fmt.price(v, decimals))
    axes.axis_line(plot, rows)
    ticks = axes.pick_ticks(prices, last_row)
    axes.price_labels(plot, prices, ticks, lambda t: fmt.price(t, decimals))
    axes.last_marker(plot, last_row, fmt.price(last, decimals))
    grid.chars[:rows], grid.keys[:rows] = plot.chars, plot.keys
    if time_axis:
        times = window.times[window.start : window.end]
        axes.time_labels(grid, rows, left, times, columns, data.seconds, cursor)
    return grid


def volume_picture(width: int, height: int, data: ChartData, time_axis: bool = True) -> Grid:
    """Volume bars under the candles with their own scale (the top level, labelled)."""
    grid = Grid(width, height)
    rows = height - 1 if time_axis else height
    window = data.window
    bars = data.visible
    if rows < 1 or not bars or width <= AXIS_COLUMNS:
        return grid
    top = max((b.volume or 0.0) for b in bars) or 1.0
    plot = Grid(width, rows)
    draw_volume(plot, AXIS_COLUMNS, bars, window.columns, top)
    cursor = window.cursor_slot
    if cursor is not None and (spot := window.columns.of(cursor)) is not None:
        axes.cursor_marker(plot, AXIS_COLUMNS + spot.mid, rows)
    axes.axis_line(plot, rows)
    plot.text(0, 0, pad_label(fmt.compact(top)), AXIS)
    plot.put(LABEL_WIDTH, 0, "┤", AXIS)
    if rows >= 4:
        middle = rows // 2
        plot.text(0, middle, pad_label(fmt.compact(top * (rows - middle) / rows)), AXIS)
        plot.put(LABEL_WIDTH, middle, "┤", AXIS)
    if rows >= 2:
        plot.text(0, rows - 1, pad_label("Vol"), AXIS)
    grid.chars[:rows], grid.keys[:rows] = plot.chars, plot.keys
    if time_axis:
        times = window.times[window.start : window.end]
        axes.time_labels(grid, rows, AXIS_COLUMNS, times, window.columns, data.seconds, cursor)
    return grid
