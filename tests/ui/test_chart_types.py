"""Chart types: ``c`` cycles candles -> Heikin-Ashi -> OHLC bars -> line, each drawn; the
readout keeps the real OHLC (labelled); the config's ``chart_type`` picks the first one and a
broken value says what is wrong. Zoom: ``+`` / ``-`` and the wheel change the bars shown."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events

from tests.support import wait_until
from tvtui.config import load_config
from tvtui.config.settings import CHART_TYPES, ConfigError, parse_settings
from tvtui.ui.app import TvtuiApp
from tvtui.ui.chart.view import MIN_SLOTS
from tvtui.ui.scenes import data_ready, plots_settled
from tvtui.ui.widgets.chart import CandlePlot, ChartPane

SIZE = (160, 45)
BRAILLE = "".join(chr(c) for c in range(0x2801, 0x2900))
#: characters only each type draws in the price plot
INK = {"candles": "█▀▄", "heikin-ashi": "█▀▄", "ohlc": "┤├┼", "line": BRAILLE}


def plot_area(plot: CandlePlot) -> str:
    return "".join(row[11:] for row in plot.picture_text.splitlines()[:-1])


async def test_c_cycles_the_chart_types_and_each_one_renders(make_app) -> None:
    app: TvtuiApp = make_app(symbols=["NASDAQ:AAPL"])
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: data_ready(app), 15, "data")
        chart, plot = app.query_one(ChartPane), app.query_one(CandlePlot)
        assert chart.chart_type == "candles"
        seen = {}
        for expected in (*CHART_TYPES[1:], CHART_TYPES[0]):
            await pilot.press("c")
            assert chart.chart_type == expected and app.chart_type == expected
            await wait_until(
                pilot,
                lambda ink=INK[expected]: (
                    plots_settled(app) and sum(plot_area(plot).count(c) for c in ink) > 20
                ),
                10,
                f"the {expected} picture",
            )
            seen[expected] = plot_area(plot)
        assert seen["candles"] != seen["heikin-ashi"]  # computed bodies, not the real ones
        await pilot.press("c")
        readout = str(chart.border_subtitle)
        bar = chart.bars[-1]
        assert readout.startswith("Heikin-Ashi · real O ")
        assert f"C {bar.close:,.2f}" in readout  # the real close, not the HA one


async def test_plus_minus_and_the_wheel_change_the_bars_on_screen(make_app) -> None:
    app: TvtuiApp = make_app(symbols=["NASDAQ:AAPL"])
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: data_ready(app), 15, "data")
        chart = app.query_one(ChartPane)
        before = chart.window.count
        await pilot.press("plus")
        assert chart.window.count < before
        for _ in range(10):
            await pilot.press("plus")
        assert chart.window.count == MIN_SLOTS
        for _ in range(20):
            await pilot.press("minus")
        # everything held (a bar may close meanwhile: the window takes it on the next draw)
        await wait_until(
            pilot, lambda: chart.window.count == len(chart.bars), 5, "every bar on screen"
        )
        held = chart.window.count
        await pilot.hover(CandlePlot, offset=(40, 5))
        plot = app.query_one(CandlePlot)
        plot.post_message(  # the wheel turned up over the candles (Pilot has no wheel)
            events.MouseScrollUp(plot, 40, 5, 0, 0, 0, False, False, False, screen_x=40, screen_y=5)
        )
        await wait_until(pilot, lambda: chart.window.count < held, 5, "the wheel zoomed in")


def test_the_config_names_the_first_chart_type_and_a_broken_one_says_why(tmp_path: Path) -> None:
    assert parse_settings({"chart_type": "Heikin-Ashi"}).chart_type == "heikin-ashi"
    assert parse_settings({}).chart_type == "candles"
    with pytest.raises(ConfigError, match="chart_type must be one of candles, heikin-ashi"):
        parse_settings({"chart_type": "renko"})
    with pytest.raises(ConfigError, match="'chart_type' must be a string"):
        parse_settings({"chart_type": 3})
    path = tmp_path / "config.toml"
    path.write_text('chart_type = "kagi"\ntimeframe = "15m"\n')
    loaded = load_config(path)
    assert loaded.settings.chart_type == "candles" and loaded.settings.timeframe == "15m"
    assert loaded.error and "chart_type must be one of" in loaded.error and "'kagi'" in loaded.error


async def test_the_app_starts_with_the_configured_chart_type(make_app, tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('chart_type = "line"\n')
    app: TvtuiApp = make_app(symbols=["NASDAQ:AAPL"])
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: data_ready(app), 15, "data")
        chart, plot = app.query_one(ChartPane), app.query_one(CandlePlot)
        assert chart.chart_type == "line"
        await wait_until(
            pilot,
            lambda: plots_settled(app) and sum(plot_area(plot).count(c) for c in BRAILLE) > 20,
            10,
            "the line",
        )
