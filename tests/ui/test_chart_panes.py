"""The chart pane and the indicator pane in a small host app (no simulator, no stream): the
indicator pane draws the chart's window (same bars, same columns) and its legends follow the
cursor; zoom reaches it too."""

from __future__ import annotations

import math

from textual.app import App, ComposeResult

from tests.support import wait_until
from tvtui.feed.events import Bar, StudyPoint
from tvtui.ui.widgets.chart import CandlePlot, ChartPane
from tvtui.ui.widgets.indicators import IndicatorPane, StudyPlot, study_value


class Host(App[None]):
    """The two panes, with the one route the main screen has between them."""

    CSS = "ChartPane { height: 1fr; } IndicatorPane { height: 1fr; }"

    def compose(self) -> ComposeResult:
        yield ChartPane(id="chart")
        yield IndicatorPane(id="indicators")

    def on_chart_pane_window_changed(self, message: ChartPane.WindowChanged) -> None:
        for pane in self.query(IndicatorPane):  # none yet while the screen is composed
            pane.set_window(message.window)


def bars(count: int) -> list[Bar]:
    return [
        Bar(
            60.0 * i, 100 + math.sin(i / 5), 101 + math.sin(i / 5), 99 + math.sin(i / 5), 100.5, 3.0
        )
        for i in range(count)
    ]


def markers(plot: object) -> set[int]:
    rows = plot.picture_text.splitlines()  # type: ignore[attr-defined]
    return {x for row in rows for x, char in enumerate(row) if char == "┊"}


async def test_the_indicator_pane_follows_the_charts_window_cursor_and_zoom() -> None:
    app = Host()
    async with app.run_test(size=(120, 40)) as pilot:
        chart, pane = app.query_one(ChartPane), app.query_one(IndicatorPane)
        chart.reset(1, "TEST:X", "1m")
        pane.reset(1)
        pane.set_studies(["STD;MACD"])
        await pilot.pause()
        held = bars(400)
        chart.set_bars(1, held)
        pane.set_times(1, chart.times, chart.window)
        points = [
            StudyPoint(b.time, [math.sin(i / 3), 2 * math.cos(i / 7), math.cos(i / 6)])
            for i, b in enumerate(held)
        ]
        pane.set_points(1, "STD;MACD", ["Histogram", "MACD", "Signal"], points)
        await pilot.pause()
        chart.move_cursor(-1)
        chart.move_cursor(-20)
        bar = chart.cursor_bar
        assert bar is not None
        await wait_until(pilot, lambda: pane.cursor_time == bar.time, 5, "the pane's cursor")
        block = pane.blocks()["STD;MACD"]
        legend = str(block.query_one(".legend").render())
        point = points[held.index(bar)]
        assert all(study_value(v, block.decimals) in legend for v in point.values), legend
        plots = [app.query_one(CandlePlot), block.query_one(StudyPlot)]
        await wait_until(  # both pictures of the last move (builds run on a thread)
            pilot,
            lambda: all(p.settled and markers(p) for p in plots),
            5,
            "the marker in both panes",
        )
        assert markers(plots[0]) == markers(plots[1])
        chart.zoom(1.5)
        await wait_until(
            pilot,
            lambda: pane.window is not None and pane.window.same_as(chart.window),
            5,
            "the zoom to reach the indicators",
        )
        assert pane.window is not None and pane.window.count == chart.window.count


async def test_the_readout_fits_80_columns_keeping_every_value_and_the_real_label() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        chart = app.query_one(ChartPane)
        chart.reset(1, "BINANCE:BTCUSDT", "5m")
        big = [
            Bar(300.0 * i, 106_329.01 + i, 106_612.5 + i, 106_318.82 + i, 106_589.77 + i, 25.0)
            for i in range(200)
        ]
        chart.set_bars(1, big)
        await pilot.pause()
        room = chart.size.width - 4
        for chart_type in ("candles", "heikin-ashi", "ohlc", "line"):
            chart.chart_type = chart_type
            for cursor in (False, True):
                if cursor:
                    chart.move_cursor(-3)
                else:
                    chart.hide_cursor()
                text = chart.readout_text()
                assert len(text) <= room, (chart_type, text)
                assert all(f" {k} " in f" {text} " for k in "OHLCV"), text
                assert ("real O " in text) == (chart_type == "heikin-ashi"), text
                if cursor:
                    assert "+1.00" in text  # the change from the previous close
