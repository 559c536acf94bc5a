"""The chart's bar cursor in the app, on a running simulator: the exact values of the bar it
is on (the simulator's own), staying on that bar while new bars arrive, the indicator legends
at that bar, the marker on the same x in both panes, Escape / End, a click."""

from __future__ import annotations

from pathlib import Path

from tests.support import app_for, hold_still, wait_until
from tvtui.ui import format as fmt
from tvtui.ui.app import TvtuiApp
from tvtui.ui.chart.scale import AXIS_COLUMNS
from tvtui.ui.scenes import data_ready, plots_settled
from tvtui.ui.widgets.chart import CandlePlot, ChartPane
from tvtui.ui.widgets.indicators import IndicatorPane, StudyPlot, study_value

SIZE = (160, 45)
SYMBOL = "BINANCE:BTCUSDT"


def fast_app(sim_factory, tmp_path: Path) -> tuple[TvtuiApp, object]:
    """One-minute bars on a simulator running ten simulated minutes a real second."""
    sim = sim_factory(time_scale=600.0, tick_interval=0.05)
    return app_for(sim, tmp_path, symbols=[SYMBOL], timeframe="1m"), sim


def marker_columns(plot: object) -> set[int]:
    """Columns where the cursor's marker (┊) is drawn in ``plot``'s picture."""
    rows = plot.picture_text.splitlines()  # type: ignore[attr-defined]
    return {x for row in rows for x, char in enumerate(row) if char == "┊"}


async def test_the_cursor_shows_its_bars_exact_values_and_stays_on_it_as_bars_arrive(
    sim_factory, tmp_path: Path
) -> None:
    app, sim = fast_app(sim_factory, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: data_ready(app), 15, "data")
        chart = app.query_one(ChartPane)
        for _ in range(5):
            await pilot.press("left")
        bar = chart.cursor_bar
        assert bar is not None
        newest = chart.bars[-1].time
        assert bar.time < newest  # five presses: a closed bar
        (truth,) = sim.bars(SYMBOL, "1", bar.time, bar.time + 1)  # type: ignore[attr-defined]
        assert (bar.time, bar.open, bar.high, bar.low, bar.close, bar.volume) == tuple(truth)
        decimals = fmt.decimals_for(chart.quote, bar.close)
        values = (
            f"O {fmt.price(truth[1], decimals)} H {fmt.price(truth[2], decimals)} "
            f"L {fmt.price(truth[3], decimals)} C {fmt.price(truth[4], decimals)} "
            f"V {fmt.compact(truth[5])}"
        )
        readout = str(chart.border_subtitle)
        assert values in readout, readout
        index = chart.times.index(bar.time)
        change = fmt.signed(bar.close - chart.bars[index - 1].close, decimals)
        assert change in readout and fmt.time_label(bar.time, 60) in readout
        # ten new bars arrive: the cursor stays on its bar, the view does not drift
        slot = chart.window.cursor_slot
        await wait_until(pilot, lambda: chart.bars[-1].time >= newest + 600, 15, "10 new bars")
        await pilot.pause()
        assert chart.cursor_bar is not None and chart.cursor_bar.time == bar.time
        assert chart.window.cursor_slot == slot
        assert values in str(chart.border_subtitle)


async def test_indicator_legends_show_the_cursor_bars_values_and_the_marker_lines_up(
    make_app,
) -> None:
    app: TvtuiApp = make_app(symbols=[SYMBOL])
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: data_ready(app), 15, "data")
        chart, pane = app.query_one(ChartPane), app.query_one(IndicatorPane)
        await pilot.press("shift+left", "left")  # eleven bars back
        bar = chart.cursor_bar
        assert bar is not None
        await wait_until(pilot, lambda: pane.cursor_time == bar.time, 5, "the pane's cursor")
        for pine_id in ("STD;RSI", "STD;MACD"):
            block = pane.blocks()[pine_id]
            point = next(p for p in block.points if p.time == bar.time)
            assert point is not block.points[-1]
            legend = str(block.query_one(".legend").render())
            for value in point.values:
                assert study_value(value, block.decimals) in legend, (pine_id, legend)
        # the marker: the same column in the candles and in each study plot
        plots = [app.query_one(CandlePlot), *pane.query(StudyPlot)]
        await wait_until(
            pilot,
            lambda: plots_settled(app) and all(marker_columns(p) for p in plots),
            10,
            "the markers drawn",
        )
        columns = [marker_columns(p) for p in plots]
        assert all(c == columns[0] for c in columns), columns
        # Escape: no cursor, the newest bar's values, the view follows the live bar again
        await pilot.press("escape")
        assert chart.cursor_bar is None and chart.view.following
        assert str(chart.border_subtitle).startswith("O ")
        await wait_until(pilot, lambda: pane.cursor_time is None, 5, "the pane's cursor gone")


async def test_a_click_on_a_bar_puts_the_cursor_there_and_end_hides_it(make_app) -> None:
    app: TvtuiApp = make_app(symbols=[SYMBOL])
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: data_ready(app), 15, "data")
        await hold_still(pilot, app)  # a new bar would move the live view under the click
        chart = app.query_one(ChartPane)
        window = chart.window
        place = window.columns.of(10)
        assert place is not None
        await pilot.click(CandlePlot, offset=(AXIS_COLUMNS + place.mid, 3))
        assert chart.cursor_bar is not None
        assert chart.cursor_bar.time == window.times[window.start + 10]
        await pilot.press("end")
        assert chart.cursor_bar is None
